// spp-relay unit tests: relayclients line forms (exact, IPv6 spellings,
// tcprules prefixes, CIDR, wildmat), relaydomains (exact, .domain, wildmat,
// unknown), relaymailfrom (address, @domain, never <>), when O is given
// (foreign recipient, not relaying already), the fail mode, and the risks
// spp-conf check names. Through spp-conf test and qmail's rcpthosts: tests/relay.test.
#include <string>
#include <vector>

#include "fakes/fake_deps.h"
#include "relay/relay.h"
#include "testutil.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using namespace spp::testing;

static const struct {
  const char* line;
  const char* ip;
  bool want;
} client_rows[] = {
    {"192.0.2.25", "192.0.2.25", true},
    {"192.0.2.25", "192.0.2.250", false},
    {"10.1.", "10.1.2.3", true},
    {"10.1.", "10.10.2.3", false},
    {"10.1", "10.1.2.3", false},  // no dot: an exact address, not a prefix
    {"2001:db8::1", "2001:DB8:0:0::1", true},
    {"2001:db8:", "2001:db8::7", true},
    {"198.51.100.0/24", "198.51.100.77", true},
    {"198.51.100.0/24", "198.51.101.1", false},
    {"198.51.100.128/25", "198.51.100.127", false},
    {"0.0.0.0/0", "203.0.113.1", true},
    {"2001:db8::/32", "2001:db8:ffff::1", true},
    {"2001:db8::/32", "2001:db9::1", false},
    {"192.0.2.0/33", "192.0.2.1", false},
    {"192.0.2.0/x", "192.0.2.1", false},
    {"192.168.*", "192.168.7.7", true},
    {"192.168.*", "192.169.7.7", false},
    {"*", "203.0.113.1", true},
    {"", "203.0.113.1", false},
    {"192.0.2.1", "", false},
};

START_TEST(test_client_matches) {
  auto row = client_rows[_i];
  ck_assert_msg(relay::client_matches(row.line, row.ip) == row.want, "%s vs %s", row.line, row.ip);
}
END_TEST

static const struct {
  const char* line;
  const char* host;
  bool want;
} domain_rows[] = {
    {"mx.office.example", "MX.Office.Example", true},
    {"mx.office.example", "mx2.office.example", false},
    {".office.example", "a.b.office.example", true},
    {".office.example", "office.example", false},
    {".office.example", "badoffice.example", false},
    {"*.dyn.example", "p1.DYN.example", true},
    {"*", "unknown", false},
    {"unknown", "unknown", false},
    {"*", "", false},
};

START_TEST(test_domain_matches) {
  auto row = domain_rows[_i];
  ck_assert_msg(relay::domain_matches(row.line, row.host) == row.want, "%s vs %s", row.line, row.host);
}
END_TEST

#define EXPECT_OUT(expr, want)                                          \
  do {                                                                  \
    std::string got_ = (expr);                                          \
    ck_assert_msg(got_ == std::string(want), "got [%s]", got_.c_str()); \
  } while (0)

struct Fixture {
  TempHome home;
  FakeDeps deps;
  Env env;
  Fixture() {
    env.set("TCPREMOTEIP", "10.1.2.3");
    env.set("TCPREMOTEHOST", "p1.dialup.example.net");
    env.set("SMTPMAILFROM", "joe@example.org");
    env.set("SMTPRCPTTO", "someone@elsewhere.example");
    env.set("SMTPRCPTHOSTSOK", "0");
  }
  std::string run() {
    Control control(home.dir(), env);
    return run_check(relay::check, Context{Hook::rcpt, env, control, deps, &relay::check}).serialize();
  }
};

START_TEST(test_grants) {
  Fixture f;
  EXPECT_OUT(f.run(), "");  // nothing configured: qmail refuses
  f.deps.files[f.home.control("relayclients")] = "10.1.\n";
  EXPECT_OUT(f.run(), "O\n");
  f.env.set("TCPREMOTEIP", "10.2.0.1");
  EXPECT_OUT(f.run(), "");
  f.deps.files[f.home.control("relaydomains")] = ".dialup.example.net\n";
  EXPECT_OUT(f.run(), "O\n");
  f.env.set("TCPREMOTEHOST", "unknown");
  EXPECT_OUT(f.run(), "");
  f.deps.files[f.home.control("relaymailfrom")] = "@Example.ORG\n";
  EXPECT_OUT(f.run(), "O\n");
  f.env.set("SMTPMAILFROM", "");
  EXPECT_OUT(f.run(), "");  // the null sender never relays
  f.deps.files[f.home.control("relaymailfrom")] = "*\n";
  EXPECT_OUT(f.run(), "");
}
END_TEST

START_TEST(test_only_foreign_and_not_relaying) {
  Fixture f;
  f.deps.files[f.home.control("relayclients")] = "10.1.\n";
  f.env.set("SMTPRCPTHOSTSOK", "1");  // a local recipient: qmail accepts it anyway
  EXPECT_OUT(f.run(), "");
  f.env.unset("SMTPRCPTHOSTSOK");  // not at RCPT (or an old qmail-spp): never a guess
  EXPECT_OUT(f.run(), "");
  f.env.set("SMTPRCPTHOSTSOK", "0");
  f.env.set("RELAYCLIENT", "");
  EXPECT_OUT(f.run(), "");
  f.env.unset("RELAYCLIENT");
  f.env.unset("SMTPRCPTTO");
  EXPECT_OUT(f.run(), "");
}
END_TEST

START_TEST(test_fail_mode) {
  Fixture f;
  f.deps.unreadable.insert(f.home.control("relayclients"));
  EXPECT_OUT(f.run(), "E451 temporary local problem, please try again later (#4.3.0)\n");
  f.env.set("RELAYFAILCLOSED", "0");
  EXPECT_OUT(f.run(), "");
}
END_TEST

START_TEST(test_risks) {
  TempHome home;
  home.write("control/relayclients", "10.1.\n*\n0.0.0.0/0\n::/0\n192.0.2.0/40\n");
  home.write("control/relaydomains", "*\n");
  home.write("control/relaymailfrom", "boss@example.com\n*@*\n");
  Env env;
  Control control(home.dir(), env);
  std::vector<std::string> w;
  relay::check.lint(control, w);
  std::string all;
  for (auto& s : w) all += s + "\n";
  for (const char* want : {"relayclients line \"*\" matches any client", "relayclients line \"0.0.0.0/0\" matches any client",
                           "relayclients line \"::/0\" matches any client", "relaydomains line \"*\" matches any host",
                           "relaymailfrom matches any sender", "\"192.0.2.0/40\" is not a CIDR block"})
    ck_assert_msg(all.find(want) != std::string::npos, "missing [%s] in\n%s", want, all.c_str());
  ck_assert_msg(all.find("\"10.1.\"") == std::string::npos, "%s", all.c_str());
  ck_assert(relay::check.grants_relay);
}
END_TEST

int main() {
  Suite* s = suite_create("spp-relay");
  TCase* tc = tcase_create("relay");
  tcase_add_loop_test(tc, test_client_matches, 0, sizeof client_rows / sizeof client_rows[0]);
  tcase_add_loop_test(tc, test_domain_matches, 0, sizeof domain_rows / sizeof domain_rows[0]);
  tcase_add_test(tc, test_grants);
  tcase_add_test(tc, test_only_foreign_and_not_relaying);
  tcase_add_test(tc, test_fail_mode);
  tcase_add_test(tc, test_risks);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
