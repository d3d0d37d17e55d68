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
} trust_rows[] = {
    {{}, false},
    {{"RELAYCLIENT="}, true},
    {{"SMTPAUTHUSER=joe"}, true},
    {{"SMTPAUTHUSER="}, false},  // empty user: no authentication happened
    {{"TCPREMOTEINFO=joe"}, false},
};

START_TEST(test_env_trusted_client) {
  ck_assert_msg(make(trust_rows[_i].vars).trusted_client() == trust_rows[_i].trusted, "row %d", _i);
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
  tcase_add_test(tc, test_valid_dns_name);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
