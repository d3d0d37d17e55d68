// quota_fuzz: hostile maildirsize text and quota-status answers. Oracles:
// parse never crashes; decide() is full only for a parsed file with a
// limit; the check answers nothing, 452 or 552.
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "quota/quota.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace spp;
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string text = in.rest();
  quota::Maildirsize m = quota::parse_maildirsize(text);
  quota::Usage u = quota::decide(m, (mode % 100) + 1, mode & 0x80 ? 10 : 5000);
  if (u == quota::Usage::full && (!m.ok || (!m.limit_bytes && !m.limit_count))) std::abort();
  testing::FakeDeps deps;
  deps.files["/nonexistent-fuzz/control/locals"] = "example.test\n";
  deps.files["/nonexistent-fuzz/passwd"] = "joe:x:1000:1000::/h/joe:/bin/sh\n";
  deps.stats["/h/joe"] = FileInfo{040755, 1000, 0, 0};
  deps.files["/h/joe/Maildir/maildirsize"] = text;
  deps.sockets["/qs"] = text;
  Env env;
  env.set("SMTPRCPTTO", "joe@example.test");
  env.set("SMTPRCPTHOSTSOK", "1");
  env.set("UQUOTACHECK", "1");
  env.set("CHKUSER_PASSWD", "/nonexistent-fuzz/passwd");
  if (mode & 1) env.set("QUOTASTATUS", "/qs");
  Control control("/nonexistent-fuzz", env);
  Verdict v = run_check(quota::check, Context{Hook::rcpt, env, control, deps, &quota::check});
  const std::string& t = v.terminal_text();
  if (!v.empty() && t.rfind("452 ", 0) != 0 && t.rfind("552 ", 0) != 0) std::abort();
  return 0;
}
