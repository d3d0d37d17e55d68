// helocheck_fuzz: hostile greetings, badhelo lists, HELOCHECK values and
// scripted DNS answers through the whole check (FakeDeps). Oracles: [helo]
// and [mail] never answer; [rcpt] answers nothing, the 550 or (fail closed)
// a 451 — never a 5xx for a DNS failure; no name DNS cannot hold is asked;
// the verdict stored at [helo] gives the same answer as deciding at RCPT.
// Input: flags byte, DNS byte, HELOCHECK value, greeting, badhelo (the rest).
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "helocheck/helocheck.h"
#include "log.h"

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

// Every name gets the same scripted answers, by type.
class Scripted : public Resolver {
 public:
  uint8_t bits = 0;
  std::vector<Query> asked;
  std::vector<Answer> resolve(const std::vector<Query>& queries, int) override {
    std::vector<Answer> out;
    for (const auto& q : queries) {
      asked.push_back(q);
      out.push_back(scripted(uint8_t(bits >> (2 * unsigned(q.type == RRType::a ? 0 : q.type == RRType::aaaa ? 1 : 2)))));
    }
    return out;
  }
};

struct FuzzDeps : testing::FakeDeps {
  Scripted scripted_dns;
  Resolver& dns() override { return scripted_dns; }
};

void apply(const Verdict& v, Env& env) {
  for (const auto& line : v.lines()) {
    if (line[0] == 'U') env.unset(line.substr(1));
    if (line[0] == 'S') {
      size_t eq = line.find('=');
      env.set(line.substr(1, eq - 1), line.substr(eq + 1));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t flags = in.byte(), dns = in.byte();
  std::string mode = in.str(8), helo = in.long_str(1100), badhelo = in.rest();
  FuzzDeps deps;
  deps.scripted_dns.bits = dns;
  deps.files["/nonexistent-fuzz/control/badhelo"] = badhelo;
  deps.files["/nonexistent-fuzz/control/me"] = "mx.example.test\n";
  deps.addresses = {"192.0.2.1", "2001:db8::1"};
  Env env;
  env.set("TCPREMOTEIP", "192.0.2.7");
  if (!(flags & 1)) env.set("HELOCHECK", mode);
  if (flags & 2) env.set("HELOFAILCLOSED", "1");
  if (flags & 4) env.set("HELOSELF", "1");
  if (flags & 8) env.set("HELOBAREIP", "1");
  if (flags & 16) env.set("HELOFQDN", "1");
  if (flags & 32) env.set("TCPREMOTEHOST", helo.substr(0, helo.size() / 2));
  // An environment variable cannot hold a NUL: qmail-spp cuts there too.
  if (!(flags & 64)) env.set("SMTPHELOHOST", helo.substr(0, helo.find('\0')));
  Control control("/nonexistent-fuzz", env);
  Env fresh_env = env;
  Verdict h = run_check(helocheck::check, Context{Hook::helo, env, control, deps, &helocheck::check});
  if (h.terminal() != Terminal::none) std::abort();
  for (const auto& q : deps.scripted_dns.asked)
      if (q.name.empty() || q.name.size() > 253 || q.name.find_first_of(" \r\n\t") != std::string::npos) std::abort();
  apply(h, env);
  Verdict m = run_check(helocheck::check, Context{Hook::mail, env, control, deps, &helocheck::check});
  if (m.terminal() != Terminal::none) std::abort();
  apply(m, env);
  Verdict cached = run_check(helocheck::check, Context{Hook::rcpt, env, control, deps, &helocheck::check});
  Verdict fresh = run_check(helocheck::check, Context{Hook::rcpt, fresh_env, control, deps, &helocheck::check});
  std::string t = fresh.terminal_text();
  if (fresh.terminal() != Terminal::none && t != "550 sorry, invalid HELO/EHLO greeting (#5.7.1)" &&
      !(t.rfind("451 ", 0) == 0 && (flags & 2)))
    std::abort();
  if (cached.terminal_text() != t) std::abort();
  for (const auto& line : fresh.lines())
    if (line.find_first_of("\r\n") != std::string::npos) std::abort();
  return 0;
}
