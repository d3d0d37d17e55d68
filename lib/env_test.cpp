#include "env.h"

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

int main() {
  Suite* s = suite_create("env");
  TCase* tc = tcase_create("env");
  tcase_add_test(tc, test_env_unset_differs_from_empty);
  tcase_add_test(tc, test_env_set_unset);
  tcase_add_loop_test(tc, test_env_parse_ulong, 0, sizeof ulong_rows / sizeof ulong_rows[0]);
  tcase_add_test(tc, test_env_lower_ascii);
  tcase_add_test(tc, test_env_accessors);
  tcase_add_loop_test(tc, test_env_trusted_client, 0, sizeof trust_rows / sizeof trust_rows[0]);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
