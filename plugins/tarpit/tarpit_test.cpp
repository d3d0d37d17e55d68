#include "tarpit/tarpit.h"

#include <check.h>

#include "check_main.h"
#include "testutil.h"

using namespace spp;
using spp::testing::TempHome;

static const struct {
  const char* name;
  const char* count_file;
  const char* delay_file;
  const char* env_count;
  unsigned long count;
  tarpit::DelayKind kind;
  unsigned long seconds;
  size_t warnings;
} config_rows[] = {
    {"off by default", nullptr, nullptr, nullptr, 0, tarpit::DelayKind::fixed, 5, 0},
    {"count and delay", "5\n", "10\n", nullptr, 5, tarpit::DelayKind::fixed, 10, 0},
    {"default delay", "5\n", nullptr, nullptr, 5, tarpit::DelayKind::fixed, 5, 0},
    {"N form", "3\n", "N\n", nullptr, 3, tarpit::DelayKind::linear2, 5, 0},
    {"M form", "3\n", "M\n", nullptr, 3, tarpit::DelayKind::linear5, 5, 0},
    {"H form", "3\n", "H\n", nullptr, 3, tarpit::DelayKind::square, 5, 0},
    {"env overrides", "5\n", nullptr, "0", 0, tarpit::DelayKind::fixed, 5, 0},
    {"non-numeric count: off", "five\n", "10\n", nullptr, 0, tarpit::DelayKind::fixed, 5, 1},
    {"negative count: off", "-1\n", nullptr, nullptr, 0, tarpit::DelayKind::fixed, 5, 1},
    {"non-numeric delay: 5s", "2\n", "slow\n", nullptr, 2, tarpit::DelayKind::fixed, 5, 1},
    {"non-numeric env: off", "2\n", nullptr, "x", 0, tarpit::DelayKind::fixed, 5, 1},
    // TARPITCOUNT="" warned while FLAGRBLBOUNCE="" was silent: an empty value is unset everywhere.
    {"empty env counts as unset", "2\n", nullptr, "", 2, tarpit::DelayKind::fixed, 5, 0},
    {"delay above 300 capped, warned", "2\n", "301\n", nullptr, 2, tarpit::DelayKind::fixed, 300, 1},
};

START_TEST(test_tarpit_load_config) {
  auto row = config_rows[_i];
  TempHome home;
  if (row.count_file) home.write("control/tarpitcount", row.count_file);
  if (row.delay_file) home.write("control/tarpitdelay", row.delay_file);
  Env env;
  if (row.env_count) env.set("TARPITCOUNT", row.env_count);
  Control control(home.dir(), env);
  std::vector<std::string> warnings;
  auto c = tarpit::load_config(control, warnings);
  ck_assert_msg(c.count == row.count, "%s: count %lu", row.name, c.count);
  ck_assert_msg(c.kind == row.kind, "%s: kind", row.name);
  ck_assert_msg(c.seconds == row.seconds, "%s: seconds %lu", row.name, c.seconds);
  ck_assert_msg(warnings.size() == row.warnings, "%s: %zu warnings", row.name, warnings.size());
}
END_TEST

static const struct {
  const char* name;
  unsigned long count;
  tarpit::DelayKind kind;
  const char* rcptcount;  // SMTPRCPTCOUNT, nullptr = unset
  const char* hostsok;    // SMTPRCPTHOSTSOK
  bool relay;
  unsigned long delay;
} decide_rows[] = {
    {"off", 0, tarpit::DelayKind::fixed, "10", "1", false, 0},
    {"below the count", 5, tarpit::DelayKind::fixed, "3", "1", false, 0},
    {"the 5th recipient", 5, tarpit::DelayKind::fixed, "4", "1", false, 7},
    {"later recipients", 5, tarpit::DelayKind::fixed, "40", "1", false, 7},
    {"not at RCPT", 5, tarpit::DelayKind::fixed, nullptr, "1", false, 0},
    {"foreign domain, qmail rejects", 1, tarpit::DelayKind::fixed, "0", "0", false, 0},
    {"foreign domain, relay client", 1, tarpit::DelayKind::fixed, "0", "0", true, 7},
    {"N: k=1", 5, tarpit::DelayKind::linear2, "4", "1", false, 2},
    {"N: k=3", 5, tarpit::DelayKind::linear2, "6", "1", false, 6},
    {"M: k=2", 5, tarpit::DelayKind::linear5, "5", "1", false, 10},
    {"H: k=4", 1, tarpit::DelayKind::square, "3", "1", false, 16},
    {"H capped", 1, tarpit::DelayKind::square, "1000000", "1", false, tarpit::kMaxDelay},
};

START_TEST(test_tarpit_decide) {
  auto row = decide_rows[_i];
  Env env;
  if (row.rcptcount) env.set("SMTPRCPTCOUNT", row.rcptcount);
  env.set("SMTPRCPTHOSTSOK", row.hostsok);
  if (row.relay) env.set("RELAYCLIENT", "");
  tarpit::Config c{row.count, row.kind, 7};
  unsigned long got = tarpit::decide(env, c);
  ck_assert_msg(got == row.delay, "%s: %lu", row.name, got);
}
END_TEST

START_TEST(test_tarpit_fixed_delay_capped) {
  Env env;
  env.set("SMTPRCPTCOUNT", "0");
  tarpit::Config c{1, tarpit::DelayKind::fixed, 100000};
  ck_assert_uint_eq(tarpit::decide(env, c), tarpit::kMaxDelay);
}
END_TEST

// The check sleeps through Deps; it never prints anything.
class RecordingDeps : public Deps {
 public:
  unsigned slept = 0;
  void sleep_seconds(unsigned s) override { slept += s; }
};

START_TEST(test_tarpit_run_sleeps_and_prints_nothing) {
  TempHome home;
  home.write("control/tarpitcount", "2\n");
  home.write("control/tarpitdelay", "3\n");
  Env env;
  env.set("SMTPRCPTCOUNT", "1");
  env.set("SMTPRCPTHOSTSOK", "1");
  Control control(home.dir(), env);
  RecordingDeps deps;
  Verdict v = run_check(tarpit::check, Context{Hook::rcpt, env, control, deps});
  ck_assert(v.empty());
  ck_assert_uint_eq(deps.slept, 3);
}
END_TEST

int main() {
  Suite* s = suite_create("spp-tarpit");
  TCase* tc = tcase_create("tarpit");
  tcase_add_loop_test(tc, test_tarpit_load_config, 0, sizeof config_rows / sizeof config_rows[0]);
  tcase_add_loop_test(tc, test_tarpit_decide, 0, sizeof decide_rows / sizeof decide_rows[0]);
  tcase_add_test(tc, test_tarpit_fixed_delay_capped);
  tcase_add_test(tc, test_tarpit_run_sleeps_and_prints_nothing);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
