// spp-badrcptto unit tests: the recipient list (semantics.md §1.4) and the
// check around it over FakeDeps. The evaluation engine's full table is in
// plugins/badmailfrom/badmailfrom_test.cpp (lib/addrlist is shared).
#include <string>
#include <vector>

#include "badrcptto/badrcptto.h"
#include "fakes/fake_deps.h"
#include "testutil.h"
#include "text.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::FakeDeps;
using spp::testing::TempHome;

static const struct {
  const char* name;
  const char* badrcptto;        // nullptr = no file
  const char* badrcptpatterns;  // nullptr = no file
  const char* rcpt;             // SMTPRCPTTO, nullptr = unset
  const char* hostsok;          // SMTPRCPTHOSTSOK
  bool relay;
  const char* lowercase;  // LOWERCASE, nullptr = unset
  bool refused;
} rows[] = {
    {"nothing configured", nullptr, nullptr, "a@example.test", "1", false, nullptr, false},
    {"not at RCPT", "*\n", nullptr, nullptr, "1", false, nullptr, false},
    {"exact, any case", "Abuse@Example.test\n", nullptr, "abuse@EXAMPLE.test", "1", false, nullptr, true},
    {"@domain", "@old.example.test\n", nullptr, "x@OLD.example.test", "1", false, nullptr, true},
    {".domain", ".example.test\n", nullptr, "x@lists.example.test", "1", false, nullptr, true},
    {".domain not the domain", ".example.test\n", nullptr, "x@example.test", "1", false, nullptr, false},
    {"bracketed IP signature", nullptr, "*@\\[[0-9]*.[0-9]*.[0-9]*.[0-9]*\\]\n", "u@[192.0.2.1]", "1", false, nullptr, true},
    {"bracketed IP: a name passes", nullptr, "*@\\[[0-9]*\\]\n", "u@example.test", "1", false, nullptr, false},
    {"whitelist shape: * then !", "*\n", "!postmaster@*\n!joe@example.test\n", "joe@example.test", "1", false, nullptr, false},
    {"whitelist shape: others refused", "*\n", "!postmaster@*\n!joe@example.test\n", "ann@example.test", "1", false, nullptr, true},
    {"exact beats a later !", "ann@example.test\n", "!*\n", "ann@example.test", "1", false, nullptr, true},
    {"patterns case-sensitive", nullptr, "*@example.test\n", "a@EXAMPLE.TEST", "1", false, nullptr, false},
    {"lowercase", nullptr, "*@example.test\n", "a@EXAMPLE.TEST", "1", false, "1", true},
    {"foreign recipient: qmail's text", "*\n", nullptr, "a@far.example", "0", false, nullptr, false},
    {"foreign recipient of a relay client", "*\n", nullptr, "a@far.example", "0", true, nullptr, true},
    {"sender forms are plain lines here", "@example.test+\n?a@example.test\n", nullptr, "a@example.test", "1", false, nullptr, false},
};

START_TEST(test_badrcptto_run) {
  auto row = rows[_i];
  TempHome home;
  FakeDeps deps;
  if (row.badrcptto) deps.files[home.control("badrcptto")] = row.badrcptto;
  if (row.badrcptpatterns) deps.files[home.control("badrcptpatterns")] = row.badrcptpatterns;
  Env env;
  if (row.rcpt) env.set("SMTPRCPTTO", row.rcpt);
  env.set("SMTPRCPTHOSTSOK", row.hostsok);
  if (row.relay) env.set("RELAYCLIENT", "");
  if (row.lowercase) env.set("LOWERCASE", row.lowercase);
  Control control(home.dir(), env);
  Verdict v = run_check(badrcptto::check, Context{Hook::rcpt, env, control, deps, &badrcptto::check});
  if (row.refused) {
    ck_assert_msg(v.terminal_text() == "553 sorry, your envelope recipient is in my badrcptto list (#5.7.1)", "%s: %s",
                  row.name, v.terminal_text().c_str());
  } else {
    ck_assert_msg(v.empty(), "%s: %s", row.name, v.terminal_text().c_str());
  }
}
END_TEST

START_TEST(test_badrcptto_fail_mode) {
  TempHome home;
  FakeDeps deps;
  deps.unreadable.insert(home.control("badrcptpatterns"));
  Env env;
  env.set("SMTPRCPTTO", "a@example.test");
  env.set("SMTPRCPTHOSTSOK", "1");
  {
    Control control(home.dir(), env);
    Verdict v = run_check(badrcptto::check, Context{Hook::rcpt, env, control, deps, &badrcptto::check});
    ck_assert_str_eq(v.terminal_text().c_str(), "451 temporary local problem, please try again later (#4.3.0)");
  }
  env.set("BADRCPTTOFAILCLOSED", "0");
  Control control(home.dir(), env);
  Verdict v = run_check(badrcptto::check, Context{Hook::rcpt, env, control, deps, &badrcptto::check});
  ck_assert(v.empty());
}
END_TEST

int main() {
  Suite* s = suite_create("spp-badrcptto");
  TCase* tc = tcase_create("badrcptto");
  tcase_add_loop_test(tc, test_badrcptto_run, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_badrcptto_fail_mode);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
