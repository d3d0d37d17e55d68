// maxrecipients_fuzz: fuzzed MAXRECIPIENTS, SMTPRCPTCOUNT and SMTPRCPTHOSTSOK.
// Oracles: the answer is nothing or the 452; it is the 452 exactly when the
// limit parses as a number > 0, SMTPRCPTCOUNT as a number >= the limit, and
// qmail would not refuse the recipient itself (foreign, non-relaying).
// Input: mode byte, MAXRECIPIENTS, SMTPRCPTCOUNT.
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "maxrecipients/maxrecipients.h"

namespace {

std::optional<unsigned long> number(const std::string& s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  unsigned long n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + unsigned(c - '0');
  }
  return n;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace spp;
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string limit = in.str(40), count = in.str(40);
  Env env;
  env.set("MAXRECIPIENTS", limit);
  env.set("SMTPRCPTCOUNT", count);
  env.set("SMTPRCPTHOSTSOK", mode & 1 ? "1" : "0");
  if (mode & 2) env.set("RELAYCLIENT", "");
  Control control("/nonexistent-fuzz", env);
  Deps deps;
  Verdict v = run_check(maxrecipients::check, Context{Hook::rcpt, env, control, deps, &maxrecipients::check});
  std::string out = v.serialize();
  auto l = number(limit), c = number(count);
  bool want = l && *l > 0 && c && *c >= *l && ((mode & 1) || (mode & 2));
  if (want != (out == "E452 sorry, too many recipients (#4.5.3)\n")) std::abort();
  if (!want && !out.empty()) std::abort();
  return 0;
}
