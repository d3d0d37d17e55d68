// The bundled entry points must behave like the same checks listed one by
// one in smtpplugins: S/U/C applied before the next check, a terminal stops.
#include "plugin.h"

#include <check.h>

#include <stdexcept>

#include "check_main.h"

using namespace spp;

static Verdict sets_var(const Context&) { return Verdict::no_opinion().setenv("SEEN", "1"); }
static Verdict reads_var(const Context& ctx) {
  return ctx.env.has("SEEN") ? Verdict::no_opinion().header("X-Seen: yes") : Verdict::no_opinion();
}
static Verdict unsets_var(const Context&) { return Verdict::no_opinion().unsetenv("SEEN"); }
static Verdict rejects(const Context&) { return Verdict::error(550, "5.7.1", "no"); }
static Verdict nexts(const Context&) { return Verdict::next(); }
static Verdict changes_rcpt(const Context&) { return Verdict::no_opinion().change_address("new@x"); }
static Verdict echoes_rcpt(const Context& ctx) {
  return Verdict::no_opinion().header("X-Rcpt: " + std::string(ctx.env.rcpt_to().value_or("-")));
}
static Verdict throws(const Context&) { throw std::runtime_error("boom"); }

constexpr unsigned kAll = Hook::connect | Hook::helo | Hook::mail | Hook::rcpt | Hook::data | Hook::auth;

static std::string run(std::vector<Check> checks, Hook hook, Env& env) {
  Control control("/nonexistent", env);
  Deps deps;
  return run_checks(checks, hook, env, control, deps).serialize();
}

START_TEST(test_plugin_set_is_seen_by_next_check) {
  Env env;
  std::string out = run({{"a", kAll, FailMode::open, sets_var}, {"b", kAll, FailMode::open, reads_var}},
                        Hook::mail, env);
  ck_assert_str_eq(out.c_str(), "SSEEN=1\nHX-Seen: yes\n");
  ck_assert(env.has("SEEN"));
  out = run({{"u", kAll, FailMode::open, unsets_var}, {"b", kAll, FailMode::open, reads_var}}, Hook::mail, env);
  ck_assert_str_eq(out.c_str(), "USEEN\n");
}
END_TEST

START_TEST(test_plugin_terminal_stops_the_list) {
  Env env;
  std::string out = run({{"r", kAll, FailMode::open, rejects}, {"s", kAll, FailMode::open, sets_var}},
                        Hook::rcpt, env);
  ck_assert_str_eq(out.c_str(), "E550 no (#5.7.1)\n");
  ck_assert(!env.has("SEEN"));
  out = run({{"s", kAll, FailMode::open, sets_var}, {"n", kAll, FailMode::open, nexts},
             {"r", kAll, FailMode::open, rejects}},
            Hook::rcpt, env);
  ck_assert_str_eq(out.c_str(), "SSEEN=1\nN\n");
}
END_TEST

START_TEST(test_plugin_hook_filter) {
  Env env;
  std::string out = run({{"r", unsigned(Hook::rcpt), FailMode::open, rejects}}, Hook::mail, env);
  ck_assert_str_eq(out.c_str(), "");
}
END_TEST

START_TEST(test_plugin_change_address_only_at_mail_and_rcpt) {
  Env env;
  env.set("SMTPRCPTTO", "old@x");
  std::string out = run({{"c", kAll, FailMode::open, changes_rcpt}, {"e", kAll, FailMode::open, echoes_rcpt}},
                        Hook::rcpt, env);
  ck_assert_str_eq(out.c_str(), "Cnew@x\nHX-Rcpt: new@x\n");
  env.set("SMTPRCPTTO", "old@x");
  out = run({{"c", kAll, FailMode::open, changes_rcpt}, {"e", kAll, FailMode::open, echoes_rcpt}},
            Hook::data, env);  // qmail-spp ignores C at DATA
  ck_assert_str_eq(out.c_str(), "Cnew@x\nHX-Rcpt: old@x\n");
}
END_TEST

START_TEST(test_plugin_fail_modes) {
  Env env;
  std::string open_out = run({{"t", kAll, FailMode::open, throws}, {"b", kAll, FailMode::open, sets_var}},
                             Hook::rcpt, env);
  ck_assert_str_eq(open_out.c_str(), "SSEEN=1\n");  // no opinion: later checks still run
  std::string closed = run({{"t", kAll, FailMode::tempfail, throws}}, Hook::rcpt, env);
  ck_assert_msg(closed.rfind("E451 ", 0) == 0, "tempfail answers 451: %s", closed.c_str());
}
END_TEST

START_TEST(test_plugin_hook_names) {
  ck_assert(hook_from_name("connection") == Hook::connect);
  ck_assert(hook_from_name("connect") == Hook::connect);
  ck_assert(hook_from_name("rcpt") == Hook::rcpt);
  ck_assert(!hook_from_name("ehlo"));
  ck_assert_str_eq(hook_name(Hook::data), "data");
}
END_TEST

int main() {
  Suite* s = suite_create("plugin");
  TCase* tc = tcase_create("run_checks");
  tcase_add_test(tc, test_plugin_set_is_seen_by_next_check);
  tcase_add_test(tc, test_plugin_terminal_stops_the_list);
  tcase_add_test(tc, test_plugin_hook_filter);
  tcase_add_test(tc, test_plugin_change_address_only_at_mail_and_rcpt);
  tcase_add_test(tc, test_plugin_fail_modes);
  tcase_add_test(tc, test_plugin_hook_names);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
