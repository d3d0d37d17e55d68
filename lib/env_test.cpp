#include "env.h"
#include "text.h"

#include <check.h>

#include "check_main.h"

#include <vector>

using spp::Env;

static Env make(std::vector<const char*> vars) {
  vars.push_back(nullptr);
  return Env::from_environ(const_cast<char* const*>(vars.data()));
}

START_TEST(test_env_unset_differs_from_empty) {
  Env env = make({"RELAYCLIENT=", "A=b=c", "NOEQUALS"});
  ck_assert(env.has("RELAYCLIENT"));
  ck_assert(env.get("RELAYCLIENT")->empty());
  ck_assert(env.relay_client());
  ck_assert(!env.has("MISSING"));
  ck_assert(*env.get("A") == "b=c");
  ck_assert(!env.has("NOEQUALS"));
}
END_TEST

START_TEST(test_env_set_unset) {
  Env env = make({"X=1"});
  env.set("X", "2");
  ck_assert(*env.get("X") == "2");
  env.unset("X");
  ck_assert(!env.has("X"));
  env.unset("X");  // unsetting twice is harmless
}
END_TEST

static const struct {
  const char* text;
  bool ok;
  unsigned long value;
} ulong_rows[] = {
    {"0", true, 0}, {"17", true, 17}, {"", false, 0}, {"-1", false, 0}, {"1 ", false, 0},
    {" 1", false, 0}, {"1a", false, 0}, {"999999999999999999", true, 999999999999999999UL},
    {"9999999999999999999", false, 0}, {"+3", false, 0},
};

START_TEST(test_env_parse_ulong) {
  auto row = ulong_rows[_i];
  auto got = spp::parse_ulong(row.text);
  ck_assert_msg(got.has_value() == row.ok, "row \"%s\"", row.text);
  if (row.ok) ck_assert_msg(*got == row.value, "row \"%s\"", row.text);
}
END_TEST

START_TEST(test_env_lower_ascii) {
  ck_assert(spp::lower_ascii("Post@Example.COM") == "post@example.com");
  ck_assert(spp::lower_ascii("\xc3\x89Z") == "\xc3\x89z");  // bytes above ASCII untouched
}
END_TEST

START_TEST(test_env_accessors) {
  Env env = make({"SMTPRCPTCOUNT=3", "SMTPRCPTCOUNTALL=x", "SMTPRCPTHOSTSOK=0", "TCP6REMOTEIP=::1"});
  ck_assert_uint_eq(*env.rcpt_count(), 3);
  ck_assert(!env.rcpt_count_all());
  ck_assert(env.rcpthosts_ok() == false);
  ck_assert(*env.remote_ip() == "::1");
  Env ip4 = make({"TCPREMOTEIP=192.0.2.1", "TCP6REMOTEIP=::1"});
  ck_assert(*ip4.remote_ip() == "192.0.2.1");
  ck_assert(!make({"SMTPRCPTHOSTSOK=yes"}).rcpthosts_ok());
}
END_TEST

static const struct {
  std::vector<const char*> vars;
  bool trusted;
  int authenticated = -1;  // Env::authenticated(); -1: as trusted
} trust_rows[] = {
    {{}, false},
    {{"RELAYCLIENT="}, true, 0},
    {{"SMTPAUTHUSER=joe"}, true},
    {{"SMTPAUTHUSER="}, false},  // empty user: no authentication happened
    {{"TCPREMOTEINFO=joe"}, false},
    // spp-auth's marker: the login it let through is the only one that counts.
    {{"SMTPAUTHUSER=joe", "SPP_AUTHUSER=joe"}, true},
    {{"SMTPAUTHUSER=joe", "SPP_AUTHUSER=ann"}, false},  // an [auth] plugin after ann refused joe
    {{"SMTPAUTHUSER=joe", "SPP_AUTHUSER="}, false},     // refused before spp-auth ran
    {{"SMTPAUTHUSER=Joe", "SPP_AUTHUSER=joe"}, false},  // byte for byte: the login as checkpassword saw it
    {{"SMTPAUTHUSER=joe", "SPP_AUTHUSER=joe", "RELAYCLIENT="}, true, 1},
    {{"SMTPAUTHUSER=joe", "SPP_AUTHUSER=ann", "RELAYCLIENT="}, true, 0},
    {{"SMTPAUTHUSER=j\xff", "SPP_AUTHUSER=j\\xff"}, true},  // the escaped form of the 8-bit login
    {{"SMTPAUTHUSER=j\\xff", "SPP_AUTHUSER=j\\xff"}, false},  // a login that looks like that form
};

START_TEST(test_env_trusted_client) {
  ck_assert_msg(make(trust_rows[_i].vars).trusted_client() == trust_rows[_i].trusted, "row %d", _i);
  bool want = trust_rows[_i].authenticated < 0 ? trust_rows[_i].trusted : trust_rows[_i].authenticated == 1;
  ck_assert_msg(make(trust_rows[_i].vars).authenticated() == want, "row %d", _i);
}
END_TEST

// The marker form: reversible, printable, bounded.
START_TEST(test_env_auth_marker) {
  ck_assert(spp::auth_marker("joe@example.com") == std::string("joe@example.com"));
  ck_assert(spp::auth_marker("j\r\nE250 x") == std::string("j\\r\\x0aE250 x"));
  ck_assert(spp::auth_marker(std::string("a\0b", 3)) == std::string("a\\x00b"));
  ck_assert(spp::auth_marker("") == std::string(""));
  ck_assert_uint_eq(spp::auth_marker(std::string(256, 'a')).size(), 256);
  ck_assert(spp::auth_marker(std::string(257, 'a')) == std::string(""));
  ck_assert(spp::auth_marker(std::string(100, '\xff')) == std::string(""));  // 400 bytes escaped
  std::string long_login = "SMTPAUTHUSER=" + std::string(1000, 'a');
  ck_assert(make({long_login.c_str()}).authenticated());  // no marker: as before
  ck_assert(!make({long_login.c_str(), "SPP_AUTHUSER="}).authenticated());
}
END_TEST

// A stored verdict counts only for the subject it was stored for, in the
// form S stored it (clean_text: control bytes become '?').
START_TEST(test_env_marker) {
  Env e = make({"SPP_X=missing a@example.org", "SPP_BAD=noword", "SPP_CTL=exists a?b@example.org"});
  ck_assert(e.marker("SPP_X", "a@example.org") == std::optional<std::string_view>("missing"));
  ck_assert(!e.marker("SPP_X", "b@example.org"));        // an earlier MAIL's verdict
  ck_assert(!e.marker("SPP_X", "a@example.org "));
  ck_assert(!e.marker("SPP_BAD", "noword"));
  ck_assert(!e.marker("SPP_UNSET", "a@example.org"));
  ck_assert(e.marker("SPP_CTL", "a\rb@example.org") == std::optional<std::string_view>("exists"));
}
END_TEST

START_TEST(test_valid_dns_name) {
  using spp::valid_dns_name;
  ck_assert(valid_dns_name("mx.Example.COM"));
  ck_assert(valid_dns_name("_spf.example.com"));
  ck_assert(valid_dns_name("localhost"));
  ck_assert(!valid_dns_name(""));
  ck_assert(!valid_dns_name("example.com."));   // callers strip a trailing dot
  ck_assert(!valid_dns_name(".example.com"));
  ck_assert(!valid_dns_name("a..b"));
  ck_assert(!valid_dns_name("a b.example"));
  ck_assert(!valid_dns_name("caf\xc3\xa9.example"));
  ck_assert(valid_dns_name(std::string(63, 'a') + ".example"));
  ck_assert(!valid_dns_name(std::string(64, 'a') + ".example"));
  std::string long_name;
  while (long_name.size() < 260) long_name += "abcdefghi.";
  ck_assert(!valid_dns_name(long_name + "com"));  // over 253 bytes
}
END_TEST

int main() {
  Suite* s = suite_create("env");
  TCase* tc = tcase_create("env");
  tcase_add_test(tc, test_env_unset_differs_from_empty);
  tcase_add_test(tc, test_env_set_unset);
  tcase_add_loop_test(tc, test_env_parse_ulong, 0, sizeof ulong_rows / sizeof ulong_rows[0]);
  tcase_add_test(tc, test_env_lower_ascii);
  tcase_add_test(tc, test_env_accessors);
  tcase_add_loop_test(tc, test_env_trusted_client, 0, sizeof trust_rows / sizeof trust_rows[0]);
  tcase_add_test(tc, test_env_marker);
  tcase_add_test(tc, test_env_auth_marker);
  tcase_add_test(tc, test_valid_dns_name);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
