// mfdnscheck_fuzz: hostile senders, nomfdnscheck lists and scripted DNS
// answers through the whole check (FakeDeps). Oracles: [mail] never refuses;
// [rcpt] answers nothing, the 553 or (fail closed) the 451 — never a 5xx for
// a DNS failure; no name DNS cannot hold is ever asked; a refusal from the
// marker [mail] stored equals the answer decided afresh at RCPT.
// Input: mode byte, sender, nomfdnscheck text (the rest).
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "mfdnscheck/mfdnscheck.h"

namespace {

using namespace spp;

Answer scripted(uint8_t bits) {
  switch (bits & 3) {
    case 0: return testing::not_found_answer();
    case 1: return testing::found({"192.0.2.1"});
    case 2: return testing::temp_fail_answer("SERVFAIL");
    default: return testing::temp_fail_answer("timeout");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte(), dns = in.byte();
  std::string sender = in.long_str(1100), exempt = in.rest();
  testing::FakeDeps deps;
  deps.files["/nonexistent-fuzz/control/nomfdnscheck"] = exempt;
  Env env;
  env.set("MFDNSCHECK", "1");
  env.set("SMTPMAILFROM", sender);
  if (mode & 1) env.set("MFDNSFAILCLOSED", "1");
  // Every name gets the same scripted answers, by type.
  mfdnscheck::Config c;
  c.enabled = true;
  bool invalid = false;
  auto domain = mfdnscheck::domain_to_check(c, sender, invalid);
  if (domain) {
    deps.resolver.set(*domain, RRType::mx, scripted(dns));
    deps.resolver.set(*domain, RRType::a, scripted(dns >> 2));
    deps.resolver.set(*domain, RRType::aaaa, scripted(dns >> 4));
  }
  Control control("/nonexistent-fuzz", env);
  Verdict m = run_check(mfdnscheck::check, Context{Hook::mail, env, control, deps, &mfdnscheck::check});
  if (m.terminal() != Terminal::none) std::abort();
  Verdict fresh = run_check(mfdnscheck::check, Context{Hook::rcpt, env, control, deps, &mfdnscheck::check});
  std::string t = fresh.terminal_text();
  if (fresh.terminal() != Terminal::none && t != "553 sorry, your envelope sender must exist (#5.7.1)" &&
      !(t == "451 DNS temporary failure (#4.3.0)" && (mode & 1)))
    std::abort();
  for (const auto& call : deps.resolver.calls())
    for (const auto& q : call.queries)
      if (q.name.empty() || q.name.size() > 253 || q.name.find_first_of(" \r\n\t") != std::string::npos) std::abort();
  Env after = env;
  for (const auto& line : m.lines()) {
    if (line[0] == 'U') after.unset(line.substr(1));
    if (line[0] == 'S') {
      size_t eq = line.find('=');
      after.set(line.substr(1, eq - 1), line.substr(eq + 1));
    }
  }
  Verdict cached = run_check(mfdnscheck::check, Context{Hook::rcpt, after, control, deps, &mfdnscheck::check});
  if (cached.terminal_text() != fresh.terminal_text()) std::abort();
  return 0;
}
