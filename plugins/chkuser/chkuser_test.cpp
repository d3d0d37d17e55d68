// spp-chkuser unit tests: lib/delivery's resolution over FakeDeps (a qmail
// home in memory: locals, virtualdomains, users/cdb, a passwd file, homes
// and .qmail files), the pure decide(), and the check around them (replies,
// maxwrongrcpt, delays, bypass, fail modes, EACCES), percenthack, vpopmail's
// user-ext, and the sender checks at MAIL over FakeDeps' scripted resolver.
#include <string>
#include <vector>

#include "chkuser/chkuser.h"
#include "delivery.h"
#include "fakes/fake_deps.h"
#include "testutil.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::FakeDeps;
using namespace std::string_literals;

namespace {

const std::string Q = "/nonexistent-q";

FileInfo dir(unsigned long uid, unsigned mode = 040755) { return FileInfo{mode, uid, 4096, 0}; }

void world(FakeDeps& d) {
  d.files[Q + "/control/me"] = "mx.example.test\n";
  d.files[Q + "/control/locals"] = "example.test\nlocalhost\n";
  d.files[Q + "/control/percenthack"] = "example.test\nvirt2.test\n";
  d.files[Q + "/control/virtualdomains"] =
      "virt.test:team\n.sub.test:subpfx\nsub.test:plain\nuser@spec.test:special\nremote.test:\n"
      "vpop.test:vpop.test\ncatch.test:vcatch\nVIRT2.test:old\nvirt2.test:joe\n";
  d.files[Q + "/passwd"] =
      "root:x:0:0:root:/root:/bin/sh\n"
      "joe:x:1000:1000::/h/joe:/bin/sh\n"
      "ann:x:1003:1003::/h/ann:/bin/sh\n"
      "Upper:x:1004:1004::/h/upper:/bin/sh\n"
      "notown:x:1005:1005::/h/notown:/bin/sh\n"
      "sticky:x:1006:1006::/h/sticky:/bin/sh\n"
      "closed:x:1007:1007::/h/closed:/bin/sh\n"
      "alias:x:1002:1002::/h/alias:/bin/sh\n";
  auto& u = d.cdbs[Q + "/users/cdb"];
  u[""] = "-";
  u["!team-"] = "team\0"s "1001\0"s "1001\0"s "/h/team\0"s "-\0"s ""s;
  u["!team-sales-"] = "sales\0"s "1008\0"s "1008\0"s "/h/sales\0"s "-\0"s ""s;
  u["!info\0"s] = "joe\0"s "1000\0"s "1000\0"s "/h/joe\0"s "-\0"s "info"s;
  u["!rootly\0"s] = "root\0"s "0\0"s "0\0"s "/root\0"s "\0"s ""s;
  u["!vpop.test-"] = "vpopmail\0"s "89\0"s "89\0"s "/v/vpop.test\0"s "-\0"s ""s;
  u["!vcatch-"] = "vpopmail\0"s "89\0"s "89\0"s "/v/catch.test\0"s "-\0"s ""s;
  d.stats["/h/joe"] = dir(1000);
  d.stats["/h/ann"] = dir(1003);
  d.stats["/h/upper"] = dir(1004);
  d.stats["/h/notown"] = dir(0);
  d.stats["/h/sticky"] = dir(1006, 041755);
  d.stats["/h/team"] = dir(1001);
  d.stats["/h/sales"] = dir(1008);
  d.stats["/h/alias"] = dir(1002);
  d.stats["/v/vpop.test"] = dir(89, 040700);
  d.stats["/v/catch.test"] = dir(89, 040700);
  d.unreadable.insert("/h/closed");
  d.stats["/h/closed"] = dir(1007, 040700);
  d.files["/h/joe/.qmail-list"] = "./Maildir/\n";
  d.files["/h/joe/.qmail-a:b"] = "./Maildir/\n";
  d.files["/h/joe/.qmail-x-default"] = "./Maildir/\n";
  d.files["/h/joe/.qmail-info"] = "./Maildir/\n";
  d.files["/h/ann/.qmail-default"] = "./Maildir/\n";
  d.files["/h/team/.qmail-sales"] = "&joe\n";
  d.files["/h/team/.qmail-help"] = "&joe\n";
  d.files["/h/alias/.qmail-postmaster"] = "&joe\n";
  d.files["/h/alias/.qmail-notown-default"] = "&joe\n";
  d.files["/h/alias/.qmail-subpfx-default"] = "&joe\n";
  d.files["/h/alias/.qmail-special-x"] = "&joe\n";
  d.files["/v/vpop.test/.qmail-default"] = "| /home/vpopmail/bin/vdelivermail '' bounce-no-mailbox\n";
  d.files["/v/vpop.test/.qmail-list"] = "|ezmlm\n";
  d.cdbs["/v/vpop.test/vpasswd.cdb"]["bob"] = "$1$x:1:0:Bob:/v/vpop.test/bob:10000S";
  d.cdbs["/v/vpop.test/vpasswd.cdb"]["gone"] = "$1$x:1:16:Gone:/v/vpop.test/gone:NOQUOTA";
  d.files["/v/catch.test/.qmail-default"] = "| /home/vpopmail/bin/vdelivermail '' catchall@vpop.test\n";
  d.cdbs["/v/catch.test/vpasswd.cdb"]["bob"] = "x:1:0:Bob:/v/catch.test/bob:NOQUOTA";
}

using O = delivery::Outcome;

const struct {
  const char* address;
  O outcome;
  const char* file;  // the .qmail that takes it ("" = none)
} rows[] = {
    {"joe@example.test", O::deliver, ""},
    {"JOE@Example.TEST", O::deliver, ""},
    {"joe", O::remote, ""},  // @envnoathost = mx.example.test, not in locals
    {"joe@localhost", O::deliver, ""},
    {"joe-list@example.test", O::deliver, "/h/joe/.qmail-list"},
    {"joe-LIST@example.test", O::deliver, "/h/joe/.qmail-list"},
    {"joe-nosuch@example.test", O::bounce, ""},
    {"joe-@example.test", O::bounce, ""},
    {"joe-a.b@example.test", O::deliver, "/h/joe/.qmail-a:b"},
    {"joe-A.B@example.test", O::deliver, "/h/joe/.qmail-a:b"},
    {"joe-x-y-z@example.test", O::deliver, "/h/joe/.qmail-x-default"},
    {"joe-x@example.test", O::bounce, ""},  // .qmail-x-default needs x-something
    {"joe-x-@example.test", O::deliver, "/h/joe/.qmail-x-default"},
    {"ann-anything@example.test", O::deliver, "/h/ann/.qmail-default"},
    {"ann@example.test", O::deliver, ""},
    {"upper@example.test", O::bounce, ""},  // passwd "Upper" is never found (lower-cased lookup)
    {"notown@example.test", O::bounce, ""},  // home not owned: alias's .qmail-notown missing
    {"notown-x@example.test", O::deliver, "/h/alias/.qmail-notown-default"},
    {"rootly@example.test", O::defer, ""},
    {"root@example.test", O::bounce, ""},  // uid 0 skipped: alias
    {"sticky@example.test", O::defer, ""},
    {"closed-x@example.test", O::unknown, ""},
    {"postmaster@example.test", O::deliver, "/h/alias/.qmail-postmaster"},
    {"nobody@example.test", O::bounce, ""},
    {"info@example.test", O::deliver, "/h/joe/.qmail-info"},
    {"sales@virt.test", O::deliver, "/h/team/.qmail-sales"},
    {"help@virt.test", O::deliver, "/h/team/.qmail-help"},
    {"x@virt.test", O::bounce, ""},
    {"anything@virt.test", O::bounce, ""},
    {"x@a.sub.test", O::deliver, "/h/alias/.qmail-subpfx-default"},
    {"x@sub.test", O::bounce, ""},  // "plain", not .sub.test's prefix
    {"x@spec.test", O::remote, ""},
    {"user@spec.test", O::bounce, ""},  // special-user: alias has .qmail-special-x only
    {"x@remote.test", O::remote, ""},
    {"x@elsewhere.test", O::remote, ""},
    {"x-y@virt2.test", O::deliver, "/h/joe/.qmail-x-default"},  // the later duplicate wins
    {"bob@virt2.test", O::bounce, ""},
    {"bob@vpop.test", O::deliver, "/v/vpop.test/.qmail-default"},
    {"BOB@vpop.test", O::deliver, "/v/vpop.test/.qmail-default"},
    {"list@vpop.test", O::deliver, "/v/vpop.test/.qmail-list"},
    {"nobody@vpop.test", O::bounce, "/v/vpop.test/.qmail-default"},
    {"gone@vpop.test", O::disabled, "/v/vpop.test/.qmail-default"},
    {"nobody@catch.test", O::deliver, "/v/catch.test/.qmail-default"},
    // percenthack: for listed domains only, the last '%' becomes the '@', again while listed.
    {"joe%example.test@example.test", O::deliver, ""},
    {"joe%EXAMPLE.TEST@Example.Test", O::deliver, ""},
    {"nobody%example.test@example.test", O::bounce, ""},
    {"sales%virt.test@example.test", O::deliver, "/h/team/.qmail-sales"},
    {"joe%localhost%example.test@example.test", O::deliver, ""},  // -> joe%localhost@example.test -> joe@localhost
    {"x%far.test@example.test", O::remote, ""},                   // relayed: rcpthosts' business, not ours
    {"x%y%z@example.test", O::remote, ""},                        // -> x%y@z: z is not listed, not local
    {"joe%example.test@localhost", O::bounce, ""},  // localhost is not listed: alias's .qmail-joe%example.test
    {"joe%@example.test", O::remote, ""},            // -> joe@ (empty domain): qmail-send too
    {"joe-x-y%example.test@virt2.test", O::deliver, "/h/joe/.qmail-x-default"},  // -> @example.test
    // vpopmail user-ext (vdelivermail --enable-qmail-ext): the part before the first '-'.
    {"bob-anything@vpop.test", O::deliver, "/v/vpop.test/.qmail-default"},
    {"bob-a-b@vpop.test", O::deliver, "/v/vpop.test/.qmail-default"},
    {"gone-x@vpop.test", O::disabled, "/v/vpop.test/.qmail-default"},
    {"nobody-x@vpop.test", O::bounce, "/v/vpop.test/.qmail-default"},
    {"-bob@vpop.test", O::bounce, "/v/vpop.test/.qmail-default"},
};

delivery::Config config_for(FakeDeps& deps) {
  Env env;
  Control control(Q, env);
  delivery::Config c = delivery::load_config(control, deps);
  c.passwd = Q + "/passwd";
  return c;
}

}  // namespace

START_TEST(test_delivery_matrix) {
  auto row = rows[_i];
  FakeDeps deps;
  world(deps);
  delivery::Config c = config_for(deps);
  ck_assert_msg(c.error.empty(), "%s", c.error.c_str());
  delivery::Result r = delivery::resolve(c, deps, row.address);
  ck_assert_msg(r.outcome == row.outcome, "%s: %s (%s)", row.address, delivery::outcome_name(r.outcome), r.why.c_str());
  ck_assert_msg(r.qmail_file == row.file, "%s: file %s", row.address, r.qmail_file.c_str());
}
END_TEST

// The same matrix with control/virtualdomains compiled (spp-conf cdb
// virtualdomains) and the text no longer readable: same answers.
START_TEST(test_delivery_matrix_compiled) {
  auto row = rows[_i];
  FakeDeps deps;
  world(deps);
  const std::string text = Q + "/control/virtualdomains", cdb = text + ".cdb";
  CdbRecords records;
  size_t entries = 0;
  ck_assert_int_eq(delivery::virtualdomains_records(deps, text, records, entries), 0);
  for (const auto& [k, v] : records) deps.cdbs[cdb].emplace(k, v);
  deps.stats[cdb] = deps.stats[text] = FileInfo{0100644, 0, 1, 0};
  deps.files.erase(text);
  delivery::Config c = config_for(deps);
  ck_assert_msg(c.error.empty() && c.virtualdomains_cdb == cdb, "%s", c.error.c_str());
  delivery::Result r = delivery::resolve(c, deps, row.address);
  ck_assert_msg(r.outcome == row.outcome, "%s: %s (%s)", row.address, delivery::outcome_name(r.outcome), r.why.c_str());
  ck_assert_msg(r.qmail_file == row.file, "%s: file %s", row.address, r.qmail_file.c_str());
}
END_TEST

START_TEST(test_vpopmail_ext_off) {
  FakeDeps deps;
  world(deps);
  delivery::Config c = config_for(deps);
  ck_assert(delivery::resolve(c, deps, "bob-x@vpop.test").outcome == O::deliver);
  c.vpopmail_ext = false;  // a vpopmail built without --enable-qmail-ext bounces user-ext
  delivery::Result r = delivery::resolve(c, deps, "bob-x@vpop.test");
  ck_assert_msg(r.outcome == O::bounce, "%s", r.why.c_str());
  ck_assert(delivery::resolve(c, deps, "bob@vpop.test").outcome == O::deliver);
  ck_assert(delivery::resolve(c, deps, "bob-x@catch.test").outcome == O::deliver);  // the catch-all takes it
}
END_TEST

START_TEST(test_percenthack_why) {
  FakeDeps deps;
  world(deps);
  delivery::Config c = config_for(deps);
  delivery::Result r = delivery::resolve(c, deps, "x%far.test@example.test");
  ck_assert_str_eq(r.percenthack.c_str(), "x@far.test");
  ck_assert_msg(r.why.find("percenthack made it x@far.test") == 0, "%s", r.why.c_str());
  deps.unreadable.insert(Q + "/control/percenthack");
  delivery::Config broken = config_for(deps);
  ck_assert_msg(broken.error.find("percenthack") != std::string::npos, "%s", broken.error.c_str());
}
END_TEST

START_TEST(test_delivery_many_dashes) {
  FakeDeps deps;
  world(deps);
  delivery::Config c = config_for(deps);
  std::string local = "joe";
  for (int i = 0; i < 5000; ++i) local += "-a";
  delivery::Result r = delivery::resolve(c, deps, local + "@example.test");
  ck_assert_msg(r.outcome == O::unknown, "%s", r.why.c_str());
  ck_assert_msg(deps.stat_calls < 100, "%lu stats", deps.stat_calls);
  local = "joe";
  for (int i = 0; i < 60; ++i) local += "-a";  // within the bound: every candidate once
  deps.stat_calls = 0;
  r = delivery::resolve(c, deps, local + "@example.test");
  ck_assert_msg(r.outcome == O::bounce, "%s", r.why.c_str());
  ck_assert_msg(deps.stat_calls <= 64 + 2, "%lu stats", deps.stat_calls);
}
END_TEST

// qmail-getpw asks getpwnam: with NSS sources beyond the passwd file (LDAP,
// NIS, sss), a user missing from the file may still exist, so no refusal.
START_TEST(test_nss_sources) {
  using delivery::nss_passwd_beyond_files;
  ck_assert(nss_passwd_beyond_files("passwd: files systemd\n").empty());
  ck_assert(nss_passwd_beyond_files("passwd:compat\ngroup: ldap\n").empty());
  ck_assert(nss_passwd_beyond_files("").empty());
  auto v = nss_passwd_beyond_files("# passwd: ldap\npasswd: files [NOTFOUND=return] sss # comment\n");
  ck_assert(v.size() == 1 && v[0] == "sss");
  v = nss_passwd_beyond_files("passwd: ldap\npasswd:\tfiles\tnis\n");  // the last line wins
  ck_assert(v.size() == 1 && v[0] == "nis");
  ck_assert(nss_passwd_beyond_files("passwd: files [ NOTFOUND=return ] winbind").size() == 1);
  FakeDeps deps;
  world(deps);
  deps.cdbs.erase(Q + "/users/cdb");  // passwd only
  delivery::Config c = config_for(deps);
  c.nsswitch = "/etc/nsswitch.conf";
  ck_assert(delivery::resolve(c, deps, "nobody@example.test").outcome == O::bounce);  // no nsswitch.conf
  deps.files["/etc/nsswitch.conf"] = "passwd: files systemd\n";
  ck_assert(delivery::resolve(c, deps, "nobody@example.test").outcome == O::bounce);
  deps.files["/etc/nsswitch.conf"] = "passwd: files ldap\n";
  delivery::Result r = delivery::resolve(c, deps, "nobody@example.test");
  ck_assert_msg(r.outcome == O::unknown, "%s", r.why.c_str());
  ck_assert_msg(r.why.find("also asks ldap") != std::string::npos, "%s", r.why.c_str());
  ck_assert(delivery::resolve(c, deps, "joe@example.test").outcome == O::deliver);  // in the file: as before
  c.nsswitch.clear();  // a passwd file the operator named is complete
  ck_assert(delivery::resolve(c, deps, "nobody@example.test").outcome == O::bounce);
}
END_TEST

START_TEST(test_delivery_errors) {
  FakeDeps deps;
  world(deps);
  delivery::Config c = config_for(deps);
  deps.unreadable.insert(Q + "/users/cdb");
  ck_assert(delivery::resolve(c, deps, "joe@example.test").outcome == O::error);
  deps.unreadable.clear();
  deps.cdbs[Q + "/users/cdb"].erase("");
  ck_assert(delivery::resolve(c, deps, "joe@example.test").outcome == O::error);
  deps.cdbs.erase(Q + "/users/cdb");  // no users/cdb at all: passwd only
  ck_assert(delivery::resolve(c, deps, "joe@example.test").outcome == O::deliver);
  deps.unreadable.insert(Q + "/passwd");
  ck_assert(delivery::resolve(c, deps, "joe@example.test").outcome == O::error);
  deps.unreadable.clear();
  world(deps);
  deps.unreadable.insert("/v/vpop.test/vpasswd.cdb");
  ck_assert(delivery::resolve(c, deps, "bob@vpop.test").outcome == O::error);
  deps.unreadable.clear();
  deps.cdbs.erase("/v/vpop.test/vpasswd.cdb");  // vpopmail with another backend
  ck_assert(delivery::resolve(c, deps, "bob@vpop.test").outcome == O::unknown);
  deps.errnos["/h/joe/.qmail-nosuch"] = EACCES;
  ck_assert(delivery::resolve(c, deps, "joe-nosuch@example.test").outcome == O::unknown);
  deps.stats["/h/joe"] = dir(1000, 040777);
  ck_assert(delivery::resolve(c, deps, "joe@example.test").outcome == O::defer);
}
END_TEST

START_TEST(test_syntax) {
  ck_assert(delivery::syntax_problem("a@b").empty());
  ck_assert(delivery::syntax_problem("a-b.c+d=e@b.example").empty());
  for (std::string bad : {""s, "@b"s, "a b@c"s, "a/b@c"s, "../x@c"s, "a\0b@c"s, "\"a\"@c"s, "\xc3\xa9@c"s,
                          "a@"s, std::string(1000, 'a') + "@c"s, std::string(256, 'a') + "@c"s})
    ck_assert_msg(!delivery::syntax_problem(bad).empty(), "%s", bad.c_str());
}
END_TEST

START_TEST(test_decide) {
  chkuser::Config c;
  c.start = chkuser::Start::always;
  using A = chkuser::Answer;
  ck_assert(chkuser::decide(c, 0, "", O::deliver, false).answer == A::none);
  ck_assert(chkuser::decide(c, 0, "", O::unknown, false).answer == A::none);
  ck_assert(chkuser::decide(c, 0, "", O::defer, false).answer == A::none);
  ck_assert(chkuser::decide(c, 0, "", O::remote, false).answer == A::none);
  ck_assert(chkuser::decide(c, 0, "", O::error, false).answer == A::tempfail);
  ck_assert(chkuser::decide(c, 0, "", O::bounce, false).answer == A::no_mailbox);
  ck_assert(chkuser::decide(c, 0, "", O::disabled, false).answer == A::disabled);
  ck_assert(chkuser::decide(c, 0, "x", O::deliver, false).answer == A::bad_syntax);
  c.start = chkuser::Start::domain;
  ck_assert(chkuser::decide(c, 0, "", O::bounce, false).answer == A::none);
  ck_assert(chkuser::decide(c, 0, "", O::bounce, true).answer == A::no_mailbox);
  c.max_wrong = 3;
  ck_assert(chkuser::decide(c, 2, "", O::bounce, true).answer == A::no_mailbox);
  ck_assert(chkuser::decide(c, 3, "", O::deliver, false).answer == A::too_many);
  c.delay_ms = 1000;
  ck_assert_uint_eq(chkuser::decide(c, 0, "", O::bounce, true).delay_ms, 1000);
  ck_assert_uint_eq(chkuser::decide(c, 2, "", O::bounce, true).delay_ms, 1600);
  c.max_wrong = 0;
  ck_assert_uint_eq(chkuser::decide(c, 1000, "", O::bounce, true).delay_ms, chkuser::kMaxDelayMs);
  ck_assert_uint_eq(chkuser::decide(c, 1000, "", O::deliver, true).delay_ms, 0);
}
END_TEST

namespace {

Verdict run(FakeDeps& deps, Env& env, Hook hook = Hook::rcpt) {
  Control control(Q, env);
  return run_check(chkuser::check, Context{hook, env, control, deps, &chkuser::check});
}

Env rcpt_env(const char* rcpt) {
  Env env;
  env.set("SMTPRCPTTO", rcpt);
  env.set("SMTPRCPTHOSTSOK", "1");
  env.set("TCPREMOTEIP", "192.0.2.7");
  env.set("CHKUSER_START", "always");
  env.set("CHKUSER_PASSWD", Q + "/passwd");
  return env;
}

void expect(const Verdict& v, const char* want, bool whole = false) {
  std::string got = whole ? v.serialize() : v.terminal_text();
  ck_assert_msg(got == want, "got [%s], want [%s]", got.c_str(), want);
}

}  // namespace

START_TEST(test_check) {
  FakeDeps deps;
  world(deps);
  Env env = rcpt_env("joe-nosuch@example.test");
  Verdict v = run(deps, env);
  expect(v, "SSPP_CHKUSER_WRONG=1\nE511 sorry, no mailbox here by that name (#5.1.1 - chkuser)\n", true);
  env.set("SPP_CHKUSER_WRONG", "4");
  env.set("CHKUSER_WRONGRCPTLIMIT", "5");
  env.set("CHKUSER_DELAY", "1000");
  v = run(deps, env);
  expect(v, "SSPP_CHKUSER_WRONG=5\nE511 sorry, no mailbox here by that name (#5.1.1 - chkuser)\n", true);
  ck_assert_uint_eq(deps.slept_ms, 1000 + 4 * 300);
  env.set("SPP_CHKUSER_WRONG", "5");
  env.set("SMTPRCPTTO", "joe@example.test");
  v = run(deps, env);
  expect(v, "R421 sorry, too many invalid recipients, closing connection (#4.7.1 - chkuser)\n", true);
  // Valid, syntax, disabled, foreign, bypass, off.
  env = rcpt_env("joe@example.test");
  ck_assert(run(deps, env).empty());
  env.set("SMTPRCPTTO", "a/b@example.test");
  expect(run(deps, env), "553 sorry, invalid address format (#5.1.3 - chkuser)");
  env.set("SMTPRCPTTO", "gone@vpop.test");
  expect(run(deps, env), "550 sorry, mailbox disabled (#5.2.1 - chkuser)");
  env.set("SMTPRCPTTO", "nobody@example.test");
  env.set("SMTPRCPTHOSTSOK", "0");
  ck_assert(run(deps, env).empty());
  env.set("SMTPRCPTHOSTSOK", "1");
  env.set("RELAYCLIENT", "");
  ck_assert(run(deps, env).empty());
  env.set("CHKUSER_BYPASS", "0");
  ck_assert(!run(deps, env).empty());
  env.unset("RELAYCLIENT");
  env.set("SMTPAUTHUSER", "joe");
  env.set("CHKUSER_BYPASS", "1");
  ck_assert(run(deps, env).empty());
  env.unset("SMTPAUTHUSER");
  env.set("CHKUSER_START", "none");
  ck_assert(run(deps, env).empty());
  // Fail modes: a corrupt users/cdb gives 451, or nothing.
  env = rcpt_env("joe@example.test");
  deps.unreadable.insert(Q + "/users/cdb");
  expect(run(deps, env), "451 sorry, system temporary unavailable, try again later (#4.3.0 - chkuser)");
  env.set("CHKUSER_FAILCLOSED", "0");
  ck_assert(run(deps, env).empty());
}
END_TEST

static const struct {
  const char* sender;
  bool ok;
} format_rows[] = {
    {"joe@example.com", true},
    {"Joe.Smith_1-2=3@Mail-1.Example.COM", true},
    {"srs0=ab+cd#x$%'*^~&/@k.st", true},
    {"@example.com", true},  // chkuser does not ask for a local part
    {"joe", false},          // no domain
    {"joe@x.y", false},      // shorter than 4
    {"joe@localhost", false},
    {"joe@-example.com", false},
    {"joe@example.com-", false},
    {"joe@.example.com", false},
    {"joe@example.com.", false},
    {"joe@example..com", false},
    {"joe@example.-com", false},
    {"joe@example-.com", false},
    {"joe@y--s.co.jp", true},
    {"joe@xn--bcher-kva.example", true},
    {"joe@xn--a--b.example", false},
    {"joe@exa_mple.com", false},
    {"joe@[192.0.2.1]", false},
    {"#@[]", false},
    {"jo e@example.com", false},
    {"jo\"e@example.com", false},
    {"jo!e@example.com", false},
    {"jo?e@example.com", false},
    {"j\xc3\xb6" "e@example.com", false},
    {"a@b@example.com", false},  // the last '@' splits: '@' in the local part
};

START_TEST(test_sender_format) {
  auto row = format_rows[_i];
  std::string why = chkuser::sender_format_problem(row.sender);
  ck_assert_msg(why.empty() == row.ok, "%s: [%s]", row.sender, why.c_str());
}
END_TEST

START_TEST(test_decide_sender) {
  using R = senderdns::Result;
  using S = chkuser::SenderAnswer;
  chkuser::Config c;
  c.start = chkuser::Start::always;
  ck_assert(chkuser::decide_sender(c, "bad", R::missing) == S::none);  // both off
  c.sender_format = true;
  ck_assert(chkuser::decide_sender(c, "bad", R::missing) == S::bad_format);
  ck_assert(chkuser::decide_sender(c, "", R::missing) == S::none);
  c.sender_mx = true;
  ck_assert(chkuser::decide_sender(c, "", R::missing) == S::no_mx);
  ck_assert(chkuser::decide_sender(c, "", R::dns_error) == S::tempfail);
  ck_assert(chkuser::decide_sender(c, "", R::exists) == S::none);
  ck_assert(chkuser::decide_sender(c, "", R::skipped) == S::none);
  ck_assert(chkuser::decide_sender(c, "bad", R::exists) == S::bad_format);
  c.sender_format = false;
  ck_assert(chkuser::decide_sender(c, "bad", R::exists) == S::none);
}
END_TEST

namespace {

Verdict run_mail(FakeDeps& deps, Env& env) { return run(deps, env, Hook::mail); }

Env mail_env(const char* sender) {
  Env env;
  env.set("SMTPMAILFROM", sender);
  env.set("TCPREMOTEIP", "192.0.2.7");
  env.set("CHKUSER_START", "always");
  env.set("CHKUSER_SENDER_FORMAT", "1");
  env.set("CHKUSER_SENDER_MX", "1");
  return env;
}

}  // namespace

START_TEST(test_sender_check) {
  const char* format = "553 5.1.7 sorry, mailbox syntax not allowed (chkuser)";
  const char* nomx = "550 5.1.8 sorry, can't find a valid MX for sender domain (chkuser)";
  const char* temp = "451 4.4.0 DNS temporary failure (chkuser)";
  FakeDeps deps;
  deps.resolver.set("mx.example", RRType::mx, spp::testing::found({"10 mail.mx.example"}));
  deps.resolver.set("a.example", RRType::a, spp::testing::found({"192.0.2.1"}));
  deps.resolver.set("v6.example", RRType::aaaa, spp::testing::found({"2001:db8::1"}));
  deps.resolver.set_zone_status("broken.example", spp::testing::temp_fail_answer("SERVFAIL"));
  for (const char* ok : {"joe@mx.example", "joe@A.Example", "joe@v6.example", ""}) {
    Env env = mail_env(ok);
    ck_assert_msg(run_mail(deps, env).empty(), "%s", ok);
  }
  Env env = mail_env("joe@nothing.example");
  expect(run_mail(deps, env), nomx);
  env.set("SMTPMAILFROM", "jo!e@mx.example");
  size_t before = deps.resolver.query_count();
  expect(run_mail(deps, env), format);
  ck_assert_uint_eq(deps.resolver.query_count(), before);  // a bad format is not looked up
  env.set("CHKUSER_SENDER_FORMAT_NOCHECK", "");             // chkuser's own switch, any value
  ck_assert(run_mail(deps, env).empty());
  env.set("SMTPMAILFROM", "joe@nothing.example");
  env.set("CHKUSER_SENDER_MX_NOCHECK", "");
  ck_assert(run_mail(deps, env).empty());
  // SERVFAIL: 451, or no opinion; never 5xx.
  env = mail_env("joe@mx.broken.example");
  expect(run_mail(deps, env), temp);
  env.set("CHKUSER_FAILCLOSED", "0");
  ck_assert(run_mail(deps, env).empty());
  // spp-mfdnscheck's verdict for this sender is used, not asked again.
  env = mail_env("joe@nothing.example");
  env.set("SPP_MFDNS", "exists joe@nothing.example");
  before = deps.resolver.query_count();
  ck_assert(run_mail(deps, env).empty());
  ck_assert_uint_eq(deps.resolver.query_count(), before);
  env.set("SPP_MFDNS", "missing joe@mx.example");  // about another sender
  expect(run_mail(deps, env), nomx);
  env.set("SPP_MFDNS", "skipped joe@nothing.example");  // mfdnscheck exempted it: chkuser asks itself
  expect(run_mail(deps, env), nomx);
  // #@[]: refused by the format rule unless chkuserdoublebounce.
  env = mail_env("#@[]");
  expect(run_mail(deps, env), format);
  env.set("CHKUSER_DOUBLEBOUNCE", "1");
  ck_assert(run_mail(deps, env).empty());
  // Off, per-client nocheck, bypass for relaying and authenticated clients.
  env = mail_env("joe@nothing.example");
  env.set("CHKUSER_START", "none");
  ck_assert(run_mail(deps, env).empty());
  env = mail_env("joe@nothing.example");
  env.set("CHKUSER_SENDER_NOCHECK", "1");
  ck_assert(run_mail(deps, env).empty());
  env = mail_env("joe@nothing.example");
  env.set("RELAYCLIENT", "");
  ck_assert(run_mail(deps, env).empty());
  env.set("CHKUSER_BYPASS", "0");
  expect(run_mail(deps, env), nomx);
  env = mail_env("joe@nothing.example");
  env.set("SMTPAUTHUSER", "joe");
  ck_assert(run_mail(deps, env).empty());
  env = mail_env("joe@nothing.example");
  env.set("CHKUSER_SENDER_MX", "0");
  ck_assert(run_mail(deps, env).empty());
  // The delay, and no RCPT count change.
  env = mail_env("joe@nothing.example");
  env.set("CHKUSER_DELAY", "100");
  env.set("SPP_CHKUSER_WRONG", "2");
  deps.slept_ms = 0;
  Verdict v = run_mail(deps, env);
  expect(v, (std::string("E") + nomx + "\n").c_str(), true);  // nothing stored: refused at MAIL, not counted
  ck_assert_uint_eq(deps.slept_ms, 100 + 2 * 300);
}
END_TEST

START_TEST(test_validrcptto) {
  FakeDeps deps;
  world(deps);
  Env env = rcpt_env("Joe@Example.test");
  env.set("VALIDRCPTTO", "/v/validrcptto.cdb");
  deps.cdbs["/v/validrcptto.cdb"]["joe@example.test"] = "";
  deps.cdbs["/v/validrcptto.cdb"]["@virt.test"] = "";
  ck_assert(run(deps, env).empty());
  env.set("SMTPRCPTTO", "anyone@virt.test");
  ck_assert(run(deps, env).empty());
  env.set("SMTPRCPTTO", "ann@example.test");  // a real user, but not listed
  expect(run(deps, env), "511 sorry, no mailbox here by that name (#5.1.1 - chkuser)");
  env.set("SMTPRCPTTO", "x@backup.test");  // not a local domain: not ours
  ck_assert(run(deps, env).empty());
  env.set("SMTPRCPTTO", "joe%example.test@example.test");  // percenthack: the list is asked about joe@example.test
  ck_assert(run(deps, env).empty());
  env.set("SMTPRCPTTO", "ann%example.test@example.test");
  expect(run(deps, env), "511 sorry, no mailbox here by that name (#5.1.1 - chkuser)");
  env.set("SMTPRCPTTO", "ann@example.test");
  env.set("VALIDRCPTTO", "/v/missing.cdb");
  ck_assert_uint_eq(run(deps, env).terminal_text().rfind("451 ", 0), 0);
}
END_TEST

int main() {
  Suite* s = suite_create("spp-chkuser");
  TCase* tc = tcase_create("delivery");
  tcase_add_loop_test(tc, test_delivery_matrix, 0, sizeof rows / sizeof rows[0]);
  tcase_add_loop_test(tc, test_delivery_matrix_compiled, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_delivery_many_dashes);
  tcase_add_test(tc, test_vpopmail_ext_off);
  tcase_add_test(tc, test_percenthack_why);
  tcase_add_test(tc, test_nss_sources);
  tcase_add_test(tc, test_delivery_errors);
  tcase_add_test(tc, test_syntax);
  suite_add_tcase(s, tc);
  TCase* tc2 = tcase_create("check");
  tcase_add_test(tc2, test_decide);
  tcase_add_test(tc2, test_check);
  tcase_add_test(tc2, test_validrcptto);
  tcase_add_loop_test(tc2, test_sender_format, 0, sizeof format_rows / sizeof format_rows[0]);
  tcase_add_test(tc2, test_decide_sender);
  tcase_add_test(tc2, test_sender_check);
  suite_add_tcase(s, tc2);
  return spp::testing::run_suite(s);
}
