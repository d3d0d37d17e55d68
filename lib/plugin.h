// plugin: the check registry, the per-hook runner and the shared main skeleton.
//
// A check is config -> decide -> emit: its run() reads its settings through
// Control, calls its pure decide() and returns a Verdict; only lib/reply
// writes to stdout. The multi-call binary dispatches on argv[0]:
//   spp-<check>    runs one check (for mixing with other people's plugins);
//   spp-<hook>     runs every check registered for that hook, in registry
//                  order, in one process, with qmail-spp's section semantics:
//                  S/U/C lines of a check are applied to the environment
//                  before the next check runs, and a terminal command stops
//                  the list. Checks that are not configured print nothing.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "control.h"
#include "dns.h"
#include "env.h"
#include "reply.h"

namespace spp {

enum class Hook : unsigned {
  unknown = 0,  // a single-check entry: qmail-spp does not tell a plugin its section
  connect = 1,
  helo = 2,
  mail = 4,
  rcpt = 8,
  data = 16,
  auth = 32,
};
constexpr unsigned operator|(Hook a, Hook b) { return unsigned(a) | unsigned(b); }
constexpr unsigned operator|(unsigned a, Hook b) { return a | unsigned(b); }

/// "connect", "helo", ... (the entry-point suffix).
const char* hook_name(Hook h);
/// Accepts the entry-point suffix and the smtpplugins section name ("connection").
std::optional<Hook> hook_from_name(std::string_view name);

/// What a check does when it cannot decide (its own infrastructure failed, or a bug).
enum class FailMode {
  open,      // no opinion: print nothing, log once
  tempfail,  // 451: the client retries later
};

/// The I/O a check may use, injected so decide() stays pure and tests stay hermetic.
class Deps {
 public:
  Deps();
  virtual ~Deps();
  /// The resolver, created on first use (c-ares initialisation is not free).
  virtual Resolver& dns();
  virtual void sleep_seconds(unsigned seconds);

 private:
  std::unique_ptr<Resolver> dns_;
};

struct Context {
  Hook hook;
  const Env& env;
  const Control& control;
  Deps& deps;
};

/// One setting a check reads, for spp-conf show/check and the man pages.
struct SettingSpec {
  const char* name;      // control file and control/options key
  const char* env;       // upper-case override ("" = none)
  const char* fallback;  // default value
  const char* about;     // one line
  bool list = false;     // a list file (one entry per line), not a single value
};

struct Check {
  const char* name;  // "tarpit": entry spp-tarpit, log prefix spp-tarpit
  unsigned hooks;    // Hook bits where the check acts
  FailMode fail_mode;
  Verdict (*run)(const Context&);
  const SettingSpec* settings = nullptr;
  size_t settings_count = 0;
  /// Reads the settings as run() would and collects every complaint (spp-conf check).
  void (*lint)(const Control&, std::vector<std::string>& warnings) = nullptr;
};

/// Every check, in the documented order the hook entry points run them.
const std::vector<Check>& registry();
const Check* find_check(std::string_view name);

/// Runs one check: catches everything and applies its fail mode; never throws.
Verdict run_check(const Check& check, const Context& ctx);

/// Runs every check of `hook` in registry order, exactly as the same checks
/// listed one by one in smtpplugins would behave. Applies S/U (and C at
/// mail/rcpt) to env as it goes. Returns the combined output.
Verdict run_hook(Hook hook, Env& env, const Control& control, Deps& deps);
/// run_hook over an explicit list of checks (tests).
Verdict run_checks(const std::vector<Check>& checks, Hook hook, Env& env, const Control& control,
                   Deps& deps);

/// main() of the multi-call binary. Never returns 120 (qmail-spp: "can't execute").
int multicall_main(int argc, char** argv, char** envp);

}  // namespace spp
