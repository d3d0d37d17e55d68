// badrcptto_fuzz: hostile recipient lists and recipients through the check
// (FakeDeps). Oracles: the answer is nothing, the 553 or a 451, one line; a
// foreign recipient of a non-relaying client is never answered; an exact
// (wildcard-free) entry equal to the recipient, case aside, always refuses;
// with LOWERCASE=1 the answer does not depend on the recipient's case.
// Input: mode byte, recipient, badrcptto text NUL badrcptpatterns text.
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "badrcptto/badrcptto.h"
#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "text.h"

namespace {

using namespace spp;

std::string run(testing::FakeDeps& deps, Env& env) {
  Control control("/nonexistent-fuzz", env);
  Verdict v = run_check(badrcptto::check, Context{Hook::rcpt, env, control, deps, &badrcptto::check});
  std::string out = v.serialize();
  if (!out.empty() && out != "E553 sorry, your envelope recipient is in my badrcptto list (#5.7.1)\n" &&
      out != "E451 temporary local problem, please try again later (#4.3.0)\n")
    std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string rcpt = in.long_str(1100), exact = in.until_nul(), patterns = in.rest();
  testing::FakeDeps deps;
  deps.files["/nonexistent-fuzz/control/badrcptto"] = exact;
  deps.files["/nonexistent-fuzz/control/badrcptpatterns"] = patterns;
  Env env;
  env.set("SMTPRCPTTO", rcpt);
  env.set("SMTPRCPTHOSTSOK", mode & 1 ? "1" : "0");
  if (mode & 2) env.set("RELAYCLIENT", "");
  if (mode & 4) env.set("LOWERCASE", "1");
  std::string out = run(deps, env);
  bool foreign = !(mode & 1) && !(mode & 2);
  if (foreign && !out.empty()) std::abort();
  if (!foreign && out.empty() && !rcpt.empty()) {
    for (auto line : parse_control_lines(exact, badrcptto::kMaxLine).lines)
      if (line.find_first_of("*?[\\!") == std::string::npos && line[0] != '.' && lower_ascii(line) == lower_ascii(rcpt))
        std::abort();
  }
  if (mode & 4) {
    Env lower = env, upper = env;
    lower.set("SMTPRCPTTO", lower_ascii(rcpt));
    std::string up = rcpt;
    for (auto& c : up)
      if (c >= 'a' && c <= 'z') c = char(c - 32);
    upper.set("SMTPRCPTTO", up);
    if (run(deps, lower) != run(deps, upper)) std::abort();
  }
  return 0;
}
