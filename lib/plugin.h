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
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cdb_reader.h"
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

/// What stat(2) says about a path (Deps::stat_path).
struct FileInfo {
  unsigned mode = 0;         // st_mode (type and permission bits)
  unsigned long uid = 0;     // st_uid
  long long size = 0;        // st_size
  long long mtime = 0;       // st_mtime, seconds since the epoch
  long mtime_nsec = 0;       // and its nanoseconds (newer_than)
};

/// a was modified after b (mtime, then nanoseconds): a compiled list older
/// than its text source is stale.
inline bool newer_than(const FileInfo& a, const FileInfo& b) {
  return a.mtime > b.mtime || (a.mtime == b.mtime && a.mtime_nsec > b.mtime_nsec);
}

/// The I/O a check may use, injected so decide() stays pure and tests stay
/// hermetic: unit tests subclass Deps with fakes (tests/fakes/), the entry
/// points use this real one.
class Deps {
 public:
  Deps();
  virtual ~Deps();
  /// The resolver, created on first use (c-ares initialisation is not free).
  /// Batches (Resolver::resolve) and single sequential queries (Resolver::query).
  virtual Resolver& dns();
  virtual void sleep_seconds(unsigned seconds);
  /// Milliseconds on the monotonic clock (deadlines, timings).
  virtual long long monotonic_ms();
  /// Seconds since the epoch (timestamps that travel: SRS, quota grace).
  virtual long long wall_seconds();
  /// A data file (a list, a maildirsize, a .qmail file) with qmail's control
  /// line rules; found / missing / error, never blocking on a FIFO.
  virtual Lines read_lines(const std::string& path, size_t max_line = 1000);
  /// The whole file, bounded: 0 or an errno value (lib/file.h).
  virtual int read_file(const std::string& path, std::string& out, size_t max_bytes);
  /// One key of a cdb; the database stays open for the rest of the process.
  virtual CdbResult cdb_find(const std::string& path, std::string_view key);
  /// Calls fn with every line of a file (without its LF), streaming through a
  /// small buffer (big tables read per command must not cost their size in
  /// memory). Lines longer than the buffer (64 KiB) are cut there. 0 or an
  /// errno value (ENOENT: missing; as read_file for the rest).
  virtual int for_each_line(const std::string& path, const std::function<void(std::string_view)>& fn);
  /// stat(2) of a path (follows symlinks): 0 or an errno value.
  virtual int stat_path(const std::string& path, FileInfo& info);
  /// Sleeps for milliseconds (delays finer than sleep_seconds).
  virtual void sleep_ms(unsigned ms);
  /// One request/answer exchange over a unix stream socket: connects, writes
  /// `request`, reads until the peer closes or `reply` ends with "\n\n",
  /// at most max_bytes, all within timeout_ms. 0 or an errno value (ETIMEDOUT).
  virtual int unix_request(const std::string& path, std::string_view request, std::string& reply,
                           int timeout_ms, size_t max_bytes = 4096);
  /// This host's interface addresses as text ("192.0.2.1", "2001:db8::1"),
  /// from getifaddrs (netlink, no NSS); empty when they cannot be listed.
  virtual std::vector<std::string> local_addresses();

 private:
  std::unique_ptr<Resolver> dns_;
  std::map<std::string, std::unique_ptr<Cdb>, std::less<>> cdbs_;
};

/// Where a check acts, and when among the other checks of that hook.
struct HookUse {
  Hook hook;
  int order;             // lower runs first; see the Order bands
  const char* role;      // what it does there, for spp(8) and `spp list`
  bool alone = true;     // spp-<check> listed alone in this section behaves the same
};

/// Bands for HookUse::order. Verdicts that refuse come before delays, so a
/// refused client is not also delayed; cheap ones before lookups.
namespace order {
constexpr int cached = 100;  // enforce a verdict stored earlier (no I/O)
constexpr int policy = 300;  // local lists and patterns (files, cdb)
constexpr int lookup = 500;  // DNS and other remote lookups
constexpr int delay = 900;   // tarpits: only clients nobody refused
constexpr int last = 1000;   // after every other check of the hook (spp-auth's login marker)
}  // namespace order

struct Check;

/// What the checks of one hook run share (run_checks makes one per run, so
/// nothing outlives the command): a lib module keeps there, under its own
/// name, what a later check would otherwise compute again (lib/delivery:
/// its config and resolutions, for chkuser and quota in one spp-rcpt).
struct RunMemo {
  std::map<std::string, std::shared_ptr<void>, std::less<>> slots;
  /// The slot `key`, holding a default-constructed T on first use.
  template <class T>
  T& get(const char* key) {
    auto& p = slots[key];
    if (!p) p = std::make_shared<T>();
    return *static_cast<T*>(p.get());
  }
};

struct Context {
  Hook hook;
  const Env& env;
  const Control& control;
  Deps& deps;
  const Check* check = nullptr;
  /// The check's fail mode: its documented default, flipped by its knob
  /// (Check::fail_knob). Read once, on first use.
  FailMode fail_mode() const;
  /// The answer for "cannot decide": nothing, or a 451.
  Verdict fail_verdict() const;

  mutable std::optional<FailMode> fail_mode_cache = {};  // (public only to keep Context an aggregate)
  /// Shared with the other checks of this hook run; nullptr: nothing shared
  /// (a check run alone, unit tests).
  RunMemo* memo = nullptr;
};

struct Check {
  const char* name;     // "tarpit": entry spp-tarpit, log prefix spp-tarpit
  const char* summary;  // one line for the README and `spp list`
  std::span<const HookUse> uses;
  std::span<const SettingSpec> settings;
  FailMode fail_mode;   // documented default
  /// The flag setting (one of `settings`) that flips fail_mode: "1" = answer
  /// 451, "0" = no opinion. nullptr: the mode is fixed (a tarpit never refuses).
  const char* fail_knob;
  Verdict (*run)(const Context&);
  /// Reads the settings as run() would and collects every complaint (spp-conf check).
  void (*lint)(const Control&, std::vector<std::string>& warnings) = nullptr;
  /// It answers O to grant relaying: qmail-spp honours that only at RCPT,
  /// so spp-conf check reports its own entry in any other section as an error.
  bool grants_relay = false;

  unsigned hooks() const;               // Hook bits where the check acts
  const HookUse* use(Hook hook) const;  // nullptr when it does not act there
  const SettingSpec* setting(std::string_view name) const;
};

/// Every check (plugins/registry.cpp). The hook entry points run them in
/// HookUse::order, ties in registry order.
const std::vector<Check>& registry();
const Check* find_check(std::string_view name);
/// The checks of one hook in the order they run.
std::vector<const Check*> checks_for(const std::vector<Check>& checks, Hook hook);

/// What `spp list` prints: one line per hook and check ("rcpt 500 rbl alone"),
/// or per setting ("rbl rbltimeout RBLTIMEOUT 10", --settings),
/// or the tables of the README (markdown) and spp(8) (man), generated from the
/// registry so the documents cannot drift from the code.
enum class ListFormat { lines, markdown, man, settings };
std::string list_checks(const std::vector<Check>& checks, ListFormat format);

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
