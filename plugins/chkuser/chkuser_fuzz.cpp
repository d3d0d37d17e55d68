// chkuser_fuzz: hostile recipients and hostile control files (locals,
// virtualdomains, .qmail and vdelivermail text, a users/cdb record) through
// the check over FakeDeps. Oracles: the answer is nothing or one of
// chkuser's replies; a 511/550 only for a well-formed address; never more
// than 70 file probes for one address (no runaway .qmail search); the
// compiled virtualdomains (spp-conf cdb) resolves and answers exactly as
// the text does. The same string as a sender at MAIL (format and MX checks
// on, every domain NXDOMAIN): nothing, 553 only when the format rule names
// a problem, else 550.
// Input: mode byte, recipient, virtualdomains NUL .qmail-default text NUL users/cdb record.
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "chkuser/chkuser.h"
#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace spp;
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string rcpt = in.long_str(1100), vdoms = in.until_nul(), dotqmail = in.until_nul(), record = in.rest();
  // The .qmail text read as an nsswitch.conf: every source named is one word.
  for (const std::string& source : delivery::nss_passwd_beyond_files(dotqmail))
    if (source.empty() || source.find_first_of(" \t\n") != std::string::npos || source == "files") std::abort();
  testing::FakeDeps deps;
  const std::string q = "/nonexistent-fuzz";
  deps.files[q + "/control/locals"] = "example.test\n";
  deps.files[q + "/control/virtualdomains"] = vdoms;
  deps.files[q + "/control/percenthack"] = "example.test\nhack.test\n";
  deps.files[q + "/passwd"] = "joe:x:1000:1000::/h/joe:/bin/sh\nalias:x:1002:1002::/h/alias:/bin/sh\n";
  deps.stats["/h/joe"] = FileInfo{040755, 1000, 0, 0};
  deps.stats["/h/alias"] = FileInfo{040755, 1002, 0, 0};
  deps.stats["/h/v"] = FileInfo{040755, 89, 0, 0};
  deps.files["/h/v/.qmail-default"] = dotqmail;
  deps.files["/h/alias/.qmail-default"] = dotqmail;
  deps.cdbs["/h/v/vpasswd.cdb"]["joe"] = record;
  if (mode & 1) {
    auto& u = deps.cdbs[q + "/users/cdb"];
    u[""] = "-";
    u["!v-"] = record;
  }
  Env env;
  env.set("SMTPRCPTTO", rcpt);
  env.set("SMTPRCPTHOSTSOK", "1");
  env.set("CHKUSER_START", mode & 2 ? "domain" : "always");
  env.set("CHKUSER_PASSWD", q + "/passwd");
  if (mode & 4) env.set("SPP_CHKUSER_WRONG", std::to_string(mode >> 4));
  if (mode & 8) env.set("CHKUSER_WRONGRCPTLIMIT", "3");
  Control control(q, env);
  Verdict v = run_check(chkuser::check, Context{Hook::rcpt, env, control, deps, &chkuser::check});
  const std::string& t = v.terminal_text();
  bool known = v.empty() || t.rfind("511 ", 0) == 0 || t.rfind("553 ", 0) == 0 || t.rfind("550 ", 0) == 0 ||
               t.rfind("451 ", 0) == 0 || t.rfind("421 ", 0) == 0;
  if (!known) std::abort();
  if ((t.rfind("511 ", 0) == 0 || t.rfind("550 ", 0) == 0) && !delivery::syntax_problem(rcpt).empty()) std::abort();
  if (deps.stat_calls > 70) std::abort();
  // The compiled form of the same virtualdomains must answer as the text.
  const std::string text = q + "/control/virtualdomains", cdb = text + ".cdb";
  delivery::Config tc = delivery::load_config(control, deps);
  tc.passwd = q + "/passwd";
  delivery::Result tr = delivery::resolve(tc, deps, rcpt);
  CdbRecords records;
  size_t entries = 0;
  if (delivery::virtualdomains_records(deps, text, records, entries) != 0) std::abort();
  for (const auto& [k, val] : records) deps.cdbs[cdb].emplace(k, val);
  deps.stats[cdb] = FileInfo{0100644, 0, 1, 0};
  delivery::Config cc = delivery::load_config(control, deps);
  cc.passwd = tc.passwd;
  if (cc.virtualdomains_cdb != cdb) std::abort();
  delivery::Result cr = delivery::resolve(cc, deps, rcpt);
  if (cr.outcome != tr.outcome || cr.why != tr.why || cr.local != tr.local || cr.qmail_file != tr.qmail_file)
    std::abort();
  Verdict v2 = run_check(chkuser::check, Context{Hook::rcpt, env, control, deps, &chkuser::check});
  if (v2.terminal_text() != t) std::abort();

  Env menv;
  menv.set("SMTPMAILFROM", rcpt);
  menv.set("CHKUSER_START", "always");
  menv.set("CHKUSER_SENDER_FORMAT", mode & 16 ? "1" : "0");
  menv.set("CHKUSER_SENDER_MX", "1");
  Control mcontrol(q, menv);
  Verdict m = run_check(chkuser::check, Context{Hook::mail, menv, mcontrol, deps, &chkuser::check});
  const std::string& mt = m.terminal_text();
  std::string problem = chkuser::sender_format_problem(rcpt);
  if (mt.rfind("553 5.1.7 ", 0) == 0) {
    if (!(mode & 16) || problem.empty()) std::abort();
  } else if (!m.empty() && mt.rfind("550 5.1.8 ", 0) != 0) {
    std::abort();
  } else if ((mode & 16) && !problem.empty() && rcpt != "") {
    std::abort();  // a bad format must be refused
  }
  return 0;
}
