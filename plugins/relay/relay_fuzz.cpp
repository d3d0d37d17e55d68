// relay_fuzz: hostile relay lists, client addresses, host names and senders
// through the whole check (FakeDeps). Oracles: the answer is nothing, O or
// the fail-mode 451 (never a 5xx); O only for a foreign recipient from a
// client that does not relay already; a line that matches nothing listed
// grants nothing; no crash on any CIDR, prefix or wildmat line.
// Input: flags byte, IP, host, sender, relayclients, relaydomains, relaymailfrom (the rest).
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "relay/relay.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace spp;
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t flags = in.byte();
  std::string ip = in.str(), host = in.str(), sender = in.str(), clients = in.long_str(), domains = in.long_str(),
              senders = in.rest();
  testing::FakeDeps deps;
  deps.files["/nonexistent-fuzz/control/relayclients"] = clients;
  deps.files["/nonexistent-fuzz/control/relaydomains"] = domains;
  deps.files["/nonexistent-fuzz/control/relaymailfrom"] = senders;
  Env env;
  env.set("TCPREMOTEIP", ip);
  env.set("TCPREMOTEHOST", host);
  env.set("SMTPMAILFROM", sender);
  env.set("SMTPRCPTTO", "u@elsewhere.example");
  env.set("SMTPRCPTHOSTSOK", flags & 1 ? "1" : "0");
  if (flags & 2) env.set("RELAYCLIENT", "");
  Control control("/nonexistent-fuzz", env);
  Verdict v = run_check(relay::check, Context{Hook::rcpt, env, control, deps, &relay::check});
  if (v.terminal() != Terminal::none && v.terminal() != Terminal::ok) std::abort();
  if (v.terminal() == Terminal::ok && (flags & 3)) std::abort();
  if (v.terminal() == Terminal::ok && clients.empty() && domains.empty() && senders.empty()) std::abort();
  if (v.terminal() == Terminal::ok && sender.empty() && clients.empty() && domains.empty()) std::abort();
  return 0;
}
