// The bundled entry points must behave like the same checks listed one by
// one in smtpplugins: S/U/C applied before the next check, a terminal stops.
#include "plugin.h"

#include <cdb.h>
#include <check.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <stdexcept>

#include "check_main.h"
#include "fakes/fake_deps.h"
#include "testutil.h"

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

constexpr HookUse kAll[] = {{Hook::connect, 500, ""}, {Hook::helo, 500, ""}, {Hook::mail, 500, ""},
                            {Hook::rcpt, 500, ""},    {Hook::data, 500, ""}, {Hook::auth, 500, ""}};
constexpr HookUse kRcptOnly[] = {{Hook::rcpt, 500, ""}};

static Check mk(const char* name, Verdict (*run)(const Context&), FailMode mode = FailMode::open,
                std::span<const HookUse> uses = kAll, const char* knob = nullptr,
                std::span<const SettingSpec> settings = {}) {
  return Check{name, "", uses, settings, mode, knob, run};
}

static std::string run(std::vector<Check> checks, Hook hook, Env& env) {
  Control control("/nonexistent", env);
  Deps deps;
  return run_checks(checks, hook, env, control, deps).serialize();
}

START_TEST(test_plugin_set_is_seen_by_next_check) {
  Env env;
  std::string out = run({mk("a", sets_var), mk("b", reads_var)},
                        Hook::mail, env);
  ck_assert_str_eq(out.c_str(), "SSEEN=1\nHX-Seen: yes\n");
  ck_assert(env.has("SEEN"));
  out = run({mk("u", unsets_var), mk("b", reads_var)}, Hook::mail, env);
  ck_assert_str_eq(out.c_str(), "USEEN\n");
}
END_TEST

START_TEST(test_plugin_terminal_stops_the_list) {
  Env env;
  std::string out = run({mk("r", rejects), mk("s", sets_var)},
                        Hook::rcpt, env);
  ck_assert_str_eq(out.c_str(), "E550 no (#5.7.1)\n");
  ck_assert(!env.has("SEEN"));
  out = run({mk("s", sets_var), mk("n", nexts),
             mk("r", rejects)},
            Hook::rcpt, env);
  ck_assert_str_eq(out.c_str(), "SSEEN=1\nN\n");
}
END_TEST

START_TEST(test_plugin_hook_filter) {
  Env env;
  std::string out = run({mk("r", rejects, FailMode::open, kRcptOnly)}, Hook::mail, env);
  ck_assert_str_eq(out.c_str(), "");
}
END_TEST

START_TEST(test_plugin_change_address_only_at_mail_and_rcpt) {
  Env env;
  env.set("SMTPRCPTTO", "old@x");
  std::string out = run({mk("c", changes_rcpt), mk("e", echoes_rcpt)},
                        Hook::rcpt, env);
  ck_assert_str_eq(out.c_str(), "Cnew@x\nHX-Rcpt: new@x\n");
  env.set("SMTPRCPTTO", "old@x");
  out = run({mk("c", changes_rcpt), mk("e", echoes_rcpt)},
            Hook::data, env);  // qmail-spp ignores C at DATA
  ck_assert_str_eq(out.c_str(), "Cnew@x\nHX-Rcpt: old@x\n");
}
END_TEST

START_TEST(test_plugin_fail_modes) {
  Env env;
  std::string open_out = run({mk("t", throws), mk("b", sets_var)},
                             Hook::rcpt, env);
  ck_assert_str_eq(open_out.c_str(), "SSEEN=1\n");  // no opinion: later checks still run
  std::string closed = run({mk("t", throws, FailMode::tempfail)}, Hook::rcpt, env);
  ck_assert_msg(closed.rfind("E451 ", 0) == 0, "tempfail answers 451: %s", closed.c_str());
}
END_TEST

// Per-hook order: "early" runs first at MAIL and last at RCPT.
static Verdict says_early(const Context&) { return Verdict::no_opinion().header("X-Order: early"); }
static Verdict says_late(const Context&) { return Verdict::no_opinion().header("X-Order: late"); }
constexpr HookUse kEarlyThenLate[] = {{Hook::mail, order::cached, ""}, {Hook::rcpt, order::delay, ""}};
constexpr HookUse kMiddle[] = {{Hook::mail, order::lookup, ""}, {Hook::rcpt, order::lookup, ""}};

START_TEST(test_plugin_per_hook_order) {
  Env env;
  std::vector<Check> checks = {mk("late", says_late, FailMode::open, kMiddle),
                               mk("early", says_early, FailMode::open, kEarlyThenLate)};
  std::string at_mail = run(checks, Hook::mail, env), at_rcpt = run(checks, Hook::rcpt, env);
  ck_assert_str_eq(at_mail.c_str(), "HX-Order: early\nHX-Order: late\n");
  ck_assert_str_eq(at_rcpt.c_str(), "HX-Order: late\nHX-Order: early\n");
  std::string list = list_checks(checks, ListFormat::lines);
  ck_assert_str_eq(list.c_str(), "mail\t100\tearly\talone\t\nmail\t500\tlate\talone\t\n"
                                 "rcpt\t500\tlate\talone\t\nrcpt\t900\tearly\talone\t\n");
}
END_TEST

// The generic fail-mode knob: a flag setting named by the check flips its default.
constexpr SettingSpec kKnob[] = {{"xfailclosed", "XFAILCLOSED", "0", ""}};

START_TEST(test_plugin_fail_knob) {
  spp::testing::TempHome home;
  Env env;
  Control control(home.dir(), env);
  Deps deps;
  Check c = mk("x", throws, FailMode::open, kAll, "xfailclosed", kKnob);
  std::vector<Check> checks = {c};
  std::string out = run_checks(checks, Hook::rcpt, env, control, deps).serialize();
  ck_assert_str_eq(out.c_str(), "");
  home.write("control/options", "xfailclosed=1\n");
  Control control2(home.dir(), env);
  out = run_checks(checks, Hook::rcpt, env, control2, deps).serialize();
  ck_assert_msg(out.rfind("E451 ", 0) == 0, "knob in options: %s", out.c_str());
  env.set("XFAILCLOSED", "0");
  Control control3(home.dir(), env);
  out = run_checks(checks, Hook::rcpt, env, control3, deps).serialize();
  ck_assert_str_eq(out.c_str(), "");
}
END_TEST

// The seams a check reaches the world through: the real ones, and the fake
// every check's unit tests use (tests/fakes/fake_deps.h).
static void make_cdb(const std::string& path) {
  int fd = open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  struct cdb_make m;
  cdb_make_start(&m, fd);
  cdb_make_add(&m, "joe", 3, "1", 1);
  cdb_make_finish(&m);
  close(fd);
}

START_TEST(test_plugin_real_deps) {
  spp::testing::TempHome home;
  home.write("control/list", "# c\na  \nb\n");
  make_cdb(home.control("users.cdb"));
  Deps deps;
  Lines l = deps.read_lines(home.control("list"));
  ck_assert(l.status == Lookup::found && l.lines.size() == 2 && l.lines[0] == "a");
  ck_assert(deps.read_lines(home.control("none")).status == Lookup::missing);
  ck_assert(deps.cdb_find(home.control("users.cdb"), "joe").status == Lookup::found);
  ck_assert(deps.cdb_find(home.control("users.cdb"), "ann").status == Lookup::missing);  // the open db is reused
  ck_assert(deps.cdb_find(home.control("none.cdb"), "joe").status == Lookup::missing);
  ck_assert_int_eq(mkfifo(home.control("fifo.cdb").c_str(), 0644), 0);
  ck_assert(deps.cdb_find(home.control("fifo.cdb"), "joe").status == Lookup::error);  // and no hang
  long long t0 = deps.monotonic_ms();
  ck_assert(deps.monotonic_ms() >= t0);
  ck_assert(deps.wall_seconds() > 1700000000LL);
}
END_TEST

START_TEST(test_plugin_fake_deps) {
  spp::testing::FakeDeps deps;
  deps.files["/h/.qmail-joe"] = "# x\n./Maildir/\n";
  deps.cdbs["/u/cdb"]["!joe-"] = "joe";
  deps.unreadable.insert("/h/.qmail-ann");
  Lines l = deps.read_lines("/h/.qmail-joe");
  ck_assert(l.status == Lookup::found && l.lines.size() == 1 && l.lines[0] == "./Maildir/");
  ck_assert(deps.read_lines("/h/.qmail-ann").status == Lookup::error);
  ck_assert(deps.read_lines("/h/.qmail-bob").status == Lookup::missing);
  ck_assert(deps.cdb_find("/u/cdb", "!joe-").value == "joe");
  deps.sleep_seconds(3);
  ck_assert(deps.slept == 3 && deps.monotonic_ms() == 3000);
  deps.resolver.set("example.com", RRType::mx, spp::testing::found({"10 mx.example.com"}));
  Answer a = deps.dns().query({"example.com", RRType::mx}, 1000);
  ck_assert(a.records.size() == 1 && a.records[0] == "10 mx.example.com");
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
  tcase_add_test(tc, test_plugin_per_hook_order);
  tcase_add_test(tc, test_plugin_fail_knob);
  tcase_add_test(tc, test_plugin_real_deps);
  tcase_add_test(tc, test_plugin_fake_deps);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
