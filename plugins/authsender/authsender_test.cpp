// spp-authsender unit tests: the authsenders parser, the ownership rules per
// mode, and the check (untouched clients, 553 text, fail mode) over FakeDeps.
#include <string>
#include <vector>

#include "authsender/authsender.h"
#include "fakes/fake_deps.h"
#include "testutil.h"
#include "text.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::FakeDeps;
using spp::testing::TempHome;
using authsender::Mode;

static const struct {
  const char* name;
  Mode mode;
  const char* login;
  const char* sender;
  bool allowed;
} rows[] = {
    {"off", Mode::off, "joe@example.com", "eve@evil.example", true},
    {"the login itself", Mode::login, "joe@example.com", "joe@example.com", true},
    {"the login, any case", Mode::login, "Joe@Example.com", "jOE@example.COM", true},
    {"login mode: own domain is not enough", Mode::login, "joe@example.com", "ann@example.com", false},
    {"domain mode: own domain", Mode::domain, "joe@example.com", "ann@EXAMPLE.com", true},
    {"domain mode: other domain", Mode::domain, "joe@example.com", "joe@example.org", false},
    {"domain mode: a subdomain is another domain", Mode::domain, "joe@example.com", "joe@mx.example.com", false},
    {"domain mode: login without domain", Mode::domain, "joe", "joe@example.com", false},
    {"authsenders address", Mode::login, "joe@example.com", "sales@example.org", true},
    {"authsenders @domain", Mode::login, "joe@example.com", "any@joe.example", true},
    {"authsenders for a bare login", Mode::domain, "joe", "joe@example.com", false},
    {"authsenders bare login entry", Mode::domain, "ann", "ann@example.net", true},
    {"other login's entries", Mode::login, "joe@example.com", "ann@example.net", false},
    {"null sender", Mode::login, "joe@example.com", "", true},
};

START_TEST(test_authsender_decide) {
  auto row = rows[_i];
  authsender::Config c;
  c.mode = row.mode;
  std::vector<std::string> warnings;
  authsender::parse_authsenders({"joe@example.com: sales@example.org, @joe.example", "Ann : ann@example.net"}, c,
                                warnings);
  ck_assert_uint_eq(warnings.size(), 0);
  std::string got = authsender::decide(c, row.login, row.sender);
  ck_assert_msg(got.empty() == row.allowed, "%s: [%s]", row.name, got.c_str());
}
END_TEST

START_TEST(test_authsender_parse_bad_lines) {
  authsender::Config c;
  std::vector<std::string> warnings;
  authsender::parse_authsenders({"no colon here", ": nobody@example.com", "joe:a@b\tc@d,,  e@f"}, c, warnings);
  ck_assert_uint_eq(warnings.size(), 2);
  ck_assert_uint_eq(c.owned["joe"].size(), 3);
}
END_TEST

static const struct {
  const char* name;
  const char* setting;  // AUTHSENDER, nullptr = unset
  const char* user;     // SMTPAUTHUSER, nullptr = unset
  const char* sender;
  const char* expected;  // serialized verdict
} run_rows[] = {
    {"unauthenticated", "1", nullptr, "eve@evil.example", ""},
    {"empty SMTPAUTHUSER", "1", "", "eve@evil.example", ""},
    {"off by default", nullptr, "joe@example.com", "eve@evil.example", ""},
    {"2: accounting, off", "2", "joe@example.com", "eve@evil.example", ""},
    {"own domain", "1", "joe@example.com", "ann@example.com", ""},
    {"refused, domain rule",
     "1", "joe@example.com", "eve@evil.example",
     "E553 sorry, you are authenticated as joe@example.com and may send only as that address, @example.com or its "
     "addresses in authsenders (#5.7.1)\n"},
    {"refused, login rule", "login", "joe@example.com", "ann@example.com",
     "E553 sorry, you are authenticated as joe@example.com and may send only as that login or its addresses in "
     "authsenders (#5.7.1)\n"},
    {"hostile login", "login", "j\r\nE250 x", "ann@example.com",
     "E553 sorry, you are authenticated as j??E250 x and may send only as that login or its addresses in "
     "authsenders (#5.7.1)\n"},
};

START_TEST(test_authsender_run) {
  auto row = run_rows[_i];
  TempHome home;
  FakeDeps deps;
  Env env;
  if (row.setting) env.set("AUTHSENDER", row.setting);
  if (row.user) env.set("SMTPAUTHUSER", row.user);
  env.set("SMTPMAILFROM", row.sender);
  Control control(home.dir(), env);
  Verdict v = run_check(authsender::check, Context{Hook::mail, env, control, deps, &authsender::check});
  std::string out = v.serialize();
  ck_assert_msg(out == row.expected, "%s: [%s]", row.name, out.c_str());
}
END_TEST

START_TEST(test_authsender_fail_mode) {
  TempHome home;
  FakeDeps deps;
  deps.unreadable.insert(home.control("authsenders"));
  Env env;
  env.set("AUTHSENDER", "1");
  env.set("SMTPAUTHUSER", "joe@example.com");
  env.set("SMTPMAILFROM", "joe@example.com");
  {
    Control control(home.dir(), env);
    Verdict v = run_check(authsender::check, Context{Hook::mail, env, control, deps, &authsender::check});
    ck_assert_str_eq(v.terminal_text().c_str(), "451 temporary local problem, please try again later (#4.3.0)");
  }
  env.set("AUTHSENDERFAILCLOSED", "0");
  Control control(home.dir(), env);
  ck_assert(run_check(authsender::check, Context{Hook::mail, env, control, deps, &authsender::check}).empty());
}
END_TEST

int main() {
  Suite* s = suite_create("spp-authsender");
  TCase* tc = tcase_create("authsender");
  tcase_add_loop_test(tc, test_authsender_decide, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_authsender_parse_bad_lines);
  tcase_add_loop_test(tc, test_authsender_run, 0, sizeof run_rows / sizeof run_rows[0]);
  tcase_add_test(tc, test_authsender_fail_mode);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
