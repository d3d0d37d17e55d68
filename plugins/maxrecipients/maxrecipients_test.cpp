// spp-maxrecipients unit tests: settings and the per-message limit.
#include <string>
#include <vector>

#include "maxrecipients/maxrecipients.h"
#include "testutil.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::TempHome;

static const struct {
  const char* name;
  const char* file;  // control/maxrecipients, nullptr = none
  const char* env;   // MAXRECIPIENTS, nullptr = unset
  unsigned long limit;
  size_t warnings;
} config_rows[] = {
    {"off by default", nullptr, nullptr, 0, 0},
    {"file", "100\n", nullptr, 100, 0},
    {"env overrides", "100\n", "5", 5, 0},
    {"empty env is unset", "100\n", "", 100, 0},
    {"not a number: off", "many\n", nullptr, 0, 1},
    {"negative: off", "-1\n", nullptr, 0, 1},
    {"env not a number: off", "100\n", "1e3", 0, 1},
};

START_TEST(test_maxrecipients_config) {
  auto row = config_rows[_i];
  TempHome home;
  if (row.file) home.write("control/maxrecipients", row.file);
  Env env;
  if (row.env) env.set("MAXRECIPIENTS", row.env);
  Control control(home.dir(), env);
  std::vector<std::string> warnings;
  unsigned long got = maxrecipients::load_config(control, warnings);
  ck_assert_msg(got == row.limit, "%s: %lu", row.name, got);
  ck_assert_msg(warnings.size() == row.warnings, "%s: %zu warnings", row.name, warnings.size());
}
END_TEST

static const struct {
  const char* name;
  unsigned long limit;
  const char* count;    // SMTPRCPTCOUNT (accepted before this one), nullptr = unset
  const char* hostsok;  // SMTPRCPTHOSTSOK
  bool relay;
  bool refused;
} decide_rows[] = {
    {"unlimited", 0, "1000", "1", false, false},
    {"first recipient", 2, "0", "1", false, false},
    {"the Nth recipient", 2, "1", "1", false, false},
    {"beyond N", 2, "2", "1", false, true},
    {"far beyond N", 2, "99", "1", false, true},
    {"limit 1", 1, "1", "1", false, true},
    {"not at RCPT", 2, nullptr, "1", false, false},
    {"malformed count", 2, "x", "1", false, false},
    {"foreign recipient: qmail refuses it", 2, "5", "0", false, false},
    {"foreign recipient of a relay client", 2, "5", "0", true, true},
};

START_TEST(test_maxrecipients_decide) {
  auto row = decide_rows[_i];
  Env env;
  if (row.count) env.set("SMTPRCPTCOUNT", row.count);
  env.set("SMTPRCPTHOSTSOK", row.hostsok);
  if (row.relay) env.set("RELAYCLIENT", "");
  ck_assert_msg(maxrecipients::decide(env, row.limit) == row.refused, "%s", row.name);
}
END_TEST

START_TEST(test_maxrecipients_reply) {
  TempHome home;
  home.write("control/maxrecipients", "1\n");
  Env env;
  env.set("SMTPRCPTCOUNT", "1");
  env.set("SMTPRCPTHOSTSOK", "1");
  Control control(home.dir(), env);
  Deps deps;
  Verdict v = run_check(maxrecipients::check, Context{Hook::rcpt, env, control, deps, &maxrecipients::check});
  std::string out = v.serialize();
  ck_assert_str_eq(out.c_str(), "E452 sorry, too many recipients (#4.5.3)\n");
}
END_TEST

int main() {
  Suite* s = suite_create("spp-maxrecipients");
  TCase* tc = tcase_create("maxrecipients");
  tcase_add_loop_test(tc, test_maxrecipients_config, 0, sizeof config_rows / sizeof config_rows[0]);
  tcase_add_loop_test(tc, test_maxrecipients_decide, 0, sizeof decide_rows / sizeof decide_rows[0]);
  tcase_add_test(tc, test_maxrecipients_reply);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
