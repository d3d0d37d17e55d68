// spp-quota unit tests: maildirsize parsing, the pure decide() (under, at,
// over the limit, percentage, staleness), and the check over FakeDeps
// (native and vpopmail mailboxes, 452/552, corrupt files, quota-status).
#include <string>

#include "chkuser/chkuser.h"
#include "fakes/fake_deps.h"
#include "quota/quota.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::FakeDeps;
using namespace std::string_literals;

namespace {
const std::string Q = "/nonexistent-q";
}

START_TEST(test_parse) {
  quota::Maildirsize m = quota::parse_maildirsize("10485760S,1000C\n100 1\n-50 -1\n  200   2\n");
  ck_assert(m.ok);
  ck_assert_uint_eq(m.limit_bytes, 10485760);
  ck_assert_uint_eq(m.limit_count, 1000);
  ck_assert_int_eq(m.bytes, 250);
  ck_assert_int_eq(m.count, 2);
  ck_assert_uint_eq(m.deltas, 3);
  ck_assert(quota::parse_maildirsize("1000C\n").ok);
  ck_assert(quota::parse_maildirsize("NOQUOTA\n1 1\n").ok);
  for (const char* bad : {"", "garbage\n", "100X\n", "100S\nx y\n", "100S\n1 z\n", "S\n", "100S,,1C\n"})
    ck_assert_msg(!quota::parse_maildirsize(bad).ok, "%s", bad);
}
END_TEST

START_TEST(test_decide) {
  auto m = quota::parse_maildirsize("1000S,10C\n999 1\n");
  ck_assert(quota::decide(m, 100, 0) == quota::Usage::under);
  m = quota::parse_maildirsize("1000S,10C\n1000 1\n");
  ck_assert(quota::decide(m, 100, 0) == quota::Usage::full);  // at the limit
  ck_assert(quota::decide(m, 100, 899) == quota::Usage::full);
  ck_assert(quota::decide(m, 100, 900) == quota::Usage::stale);  // 15 minutes old
  m = quota::parse_maildirsize("1000S,10C\n1500 1\n");
  ck_assert(quota::decide(m, 100, 10) == quota::Usage::full);
  m = quota::parse_maildirsize("1000S,10C\n900 1\n");
  ck_assert(quota::decide(m, 90, 10) == quota::Usage::full);
  ck_assert(quota::decide(m, 91, 10) == quota::Usage::under);
  m = quota::parse_maildirsize("1000S,10C\n10 10\n");
  ck_assert(quota::decide(m, 100, 10) == quota::Usage::full);  // the count limit
  m = quota::parse_maildirsize("1000S,10C\n600 1\n600 1\n");
  ck_assert(quota::decide(m, 100, 10) == quota::Usage::stale);  // two deltas: recalculated at delivery
  m = quota::parse_maildirsize("NOQUOTA\n600 1\n");
  ck_assert(quota::decide(m, 100, 10) == quota::Usage::none);
  m = quota::parse_maildirsize("1000S\n99999999999999999 1\n");
  ck_assert(quota::decide(m, 100, 10) == quota::Usage::full);
}
END_TEST

namespace {

Verdict run(FakeDeps& deps, Env& env) {
  Control control(Q, env);
  return run_check(quota::check, Context{Hook::rcpt, env, control, deps, &quota::check});
}

void world(FakeDeps& d) {
  d.wall = 1700000000;
  d.files[Q + "/control/locals"] = "example.test\n";
  d.files[Q + "/control/virtualdomains"] = "vpop.test:vpop.test\n";
  d.files[Q + "/passwd"] = "joe:x:1000:1000::/h/joe:/bin/sh\nalias:x:1002:1002::/h/alias:/bin/sh\n";
  d.stats["/h/joe"] = FileInfo{040755, 1000, 0, 0};
  d.stats["/h/v"] = FileInfo{040755, 89, 0, 0};
  auto& u = d.cdbs[Q + "/users/cdb"];
  u[""] = "-";
  u["!vpop.test-"] = "vpopmail\0"s "89\0"s "89\0"s "/h/v\0"s "-\0"s ""s;
  d.files["/h/v/.qmail-default"] = "| vdelivermail '' bounce-no-mailbox\n";
  d.cdbs["/h/v/vpasswd.cdb"]["bob"] = "x:1:0:Bob:/h/v/bob:1000S";
  d.cdbs["/h/v/vpasswd.cdb"]["free"] = "x:1:0:Free:/h/v/free:NOQUOTA";
}

void expect(const Verdict& v, const char* want) {
  std::string got = v.terminal_text();
  ck_assert_msg(got == want, "got [%s], want [%s]", got.c_str(), want);
}

}  // namespace

START_TEST(test_check) {
  FakeDeps deps;
  world(deps);
  Env env;
  env.set("SMTPRCPTTO", "joe@example.test");
  env.set("SMTPRCPTHOSTSOK", "1");
  env.set("CHKUSER_PASSWD", Q + "/passwd");
  deps.files["/h/joe/Maildir/maildirsize"] = "1000S\n1000 1\n";
  ck_assert(run(deps, env).empty());  // off
  env.set("UQUOTACHECK", "1");
  expect(run(deps, env), "452 sorry, recipient mailbox is full (#4.2.2)");
  env.set("QUOTABOUNCE", "1");
  expect(run(deps, env), "552 sorry, recipient mailbox is full (#5.2.2)");
  env.unset("QUOTABOUNCE");
  deps.files["/h/joe/Maildir/maildirsize"] = "1000S\n999 1\n";
  ck_assert(run(deps, env).empty());
  deps.files["/h/joe/Maildir/maildirsize"] = "corrupt\n";
  ck_assert(run(deps, env).empty());
  deps.files["/h/joe/Maildir/maildirsize"] = "1000S\n" + std::string(6000, '1') + " 1\n";
  ck_assert(run(deps, env).empty());  // over 5120 bytes: recalculated at delivery
  deps.unreadable.insert("/h/joe/Maildir/maildirsize");
  ck_assert(run(deps, env).empty());
  // vpopmail: the dir and quota from vpasswd.cdb.
  env.set("SMTPRCPTTO", "bob@vpop.test");
  deps.files["/h/v/bob/Maildir/maildirsize"] = "1000S\n1200 1\n";
  expect(run(deps, env), "452 sorry, recipient mailbox is full (#4.2.2)");
  deps.files["/h/v/bob/Maildir/maildirsize"] = "5000S\n1200 1\n";  // differs from vpopmail's: stale
  ck_assert(run(deps, env).empty());
  env.set("SMTPRCPTTO", "free@vpop.test");
  deps.files["/h/v/free/Maildir/maildirsize"] = "1000S\n1200 1\n";
  ck_assert(run(deps, env).empty());
  // Dovecot quota-status.
  env.set("QUOTASTATUS", "/run/qs");
  env.set("SMTPRCPTTO", "joe@example.test");
  deps.sockets["/run/qs"] = "action=552 5.2.2 Mailbox is full\n\n";
  expect(run(deps, env), "452 sorry, recipient mailbox is full (#4.2.2)");
  ck_assert(deps.requests.back().find("recipient=joe@example.test\n") != std::string::npos);
  deps.sockets["/run/qs"] = "action=DUNNO\n\n";
  ck_assert(run(deps, env).empty());
  deps.sockets["/run/qs"] = "action=550 5.1.1 User not found\n\n";
  ck_assert(run(deps, env).empty());
  deps.sockets.clear();  // down: accept
  ck_assert(run(deps, env).empty());
}
END_TEST

// In spp-rcpt quota reuses chkuser's config and resolution (RunMemo): the
// pair costs chkuser's file probes plus quota's maildirsize age, no more,
// and answers as quota alone does.
START_TEST(test_reuses_chkuser) {
  Env env;
  env.set("SMTPRCPTTO", "joe@example.test");
  env.set("SMTPRCPTHOSTSOK", "1");
  env.set("CHKUSER_PASSWD", Q + "/passwd");
  env.set("CHKUSER_START", "always");
  env.set("UQUOTACHECK", "1");
  Control control(Q, env);
  auto stats_of = [&](std::vector<Check> checks, std::string& out) {
    FakeDeps deps;
    world(deps);
    deps.files["/h/joe/Maildir/maildirsize"] = "1000S\n1000 1\n";
    Env e = env;
    out = run_checks(checks, Hook::rcpt, e, control, deps).terminal_text();
    return deps.stat_calls;
  };
  std::string a, b, both;
  unsigned long chk = stats_of({chkuser::check}, a), quo = stats_of({quota::check}, b),
                pair = stats_of({chkuser::check, quota::check}, both);
  ck_assert_str_eq(a.c_str(), "");
  ck_assert_str_eq(b.c_str(), "452 sorry, recipient mailbox is full (#4.2.2)");
  ck_assert_str_eq(both.c_str(), b.c_str());
  ck_assert_uint_gt(quo, 2);
  ck_assert_msg(pair == chk + 1, "chkuser %lu, quota %lu, both %lu stats", chk, quo, pair);
}
END_TEST

int main() {
  Suite* s = suite_create("spp-quota");
  TCase* tc = tcase_create("quota");
  tcase_add_test(tc, test_parse);
  tcase_add_test(tc, test_decide);
  tcase_add_test(tc, test_check);
  tcase_add_test(tc, test_reuses_chkuser);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
