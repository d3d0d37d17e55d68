#include "control.h"

#include <check.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check_main.h"
#include "file.h"
#include "log.h"
#include "testutil.h"

using spp::Control;
using spp::Env;
using spp::Lookup;
using spp::Setting;
using spp::testing::TempHome;

START_TEST(test_control_missing_is_not_an_error) {
  TempHome home;
  auto l = spp::read_control_lines(home.control("nothing"));
  ck_assert(l.status == Lookup::missing);
  ck_assert(l.lines.empty());
}
END_TEST

START_TEST(test_control_qmail_line_rules) {
  TempHome home;
  home.write("control/list", "# comment\n\nfirst  \t\n  leading kept\nsecond\r\n#x\nlast-no-lf");
  auto l = spp::read_control_lines(home.control("list"));
  ck_assert(l.status == Lookup::found);
  ck_assert_uint_eq(l.lines.size(), 4);
  ck_assert(l.lines[0] == "first");
  ck_assert(l.lines[1] == "  leading kept");
  ck_assert(l.lines[2] == "second");
  ck_assert(l.lines[3] == "last-no-lf");
}
END_TEST

START_TEST(test_control_long_line_is_an_error) {
  TempHome home;
  home.write("control/long", "ok\n" + std::string(1001, 'x') + "\n");
  auto l = spp::read_control_lines(home.control("long"));
  ck_assert(l.status == Lookup::error);
  ck_assert_msg(l.error.find("line 2") != std::string::npos, "error names the line: %s", l.error.c_str());
  ck_assert(l.lines.empty());
}
END_TEST

// A FIFO blocked open() forever (qmail-spp has no timeout: the SMTP command hung).
START_TEST(test_control_fifo_is_an_error_not_a_hang) {
  TempHome home;
  home.write("control/.keep", "");
  ck_assert_int_eq(mkfifo(home.control("rblhosts").c_str(), 0644), 0);
  auto l = spp::read_control_lines(home.control("rblhosts"));
  ck_assert(l.status == Lookup::error);
  ck_assert_msg(l.error == "not a regular file", "error: %s", l.error.c_str());
}
END_TEST

START_TEST(test_control_directory_is_named) {
  TempHome home;
  home.write("control/.keep", "");
  ck_assert_int_eq(mkdir(home.control("dir").c_str(), 0755), 0);
  auto l = spp::read_control_lines(home.control("dir"));
  ck_assert(l.status == Lookup::error);
  ck_assert_msg(l.error == "Is a directory", "error: %s", l.error.c_str());
}
END_TEST

START_TEST(test_control_unreadable_is_an_error) {
  TempHome home;
  mkdir(home.control("adir").c_str(), 0755);  // reading a directory fails even for root
  auto l = spp::read_control_lines(home.control("adir"));
  ck_assert(l.status == Lookup::error);
  ck_assert(!l.error.empty());
}
END_TEST

START_TEST(test_control_parse_options) {
  std::vector<size_t> bad;
  auto o = spp::parse_options({"a=1", " b = two words ", "=x", "novalue", "c=", "a=3"}, &bad);
  ck_assert(o.at("a") == "3");  // the last one wins
  ck_assert(o.at("b") == "two words");
  ck_assert(o.at("c").empty());
  ck_assert_uint_eq(bad.size(), 2);
  ck_assert_uint_eq(bad[0], 3);
  ck_assert_uint_eq(bad[1], 4);
}
END_TEST

// Precedence: env > control/<name> > control/options > default.
static const struct {
  const char* name;
  const char* env;       // TARPITCOUNT value, nullptr = unset
  const char* file;      // control/tarpitcount content, nullptr = absent
  const char* options;   // control/options content, nullptr = absent
  const char* value;
  spp::Source source;
} precedence_rows[] = {
    {"default", nullptr, nullptr, nullptr, "0", spp::Source::defaulted},
    {"options", nullptr, nullptr, "tarpitcount=7\n", "7", spp::Source::options},
    {"file beats options", nullptr, "5\n", "tarpitcount=7\n", "5", spp::Source::control_file},
    {"env beats file", "9", "5\n", "tarpitcount=7\n", "9", spp::Source::env},
    {"empty env counts as unset", "", "5\n", nullptr, "5", spp::Source::control_file},
    {"empty option counts as unset", nullptr, nullptr, "tarpitcount=\n", "0", spp::Source::defaulted},
    {"duplicate options: the last wins", nullptr, nullptr, "tarpitcount=1\ntarpitcount=2\n", "2",
     spp::Source::options},
    {"empty file falls through", nullptr, "\n# nothing\n", "tarpitcount=7\n", "7", spp::Source::options},
    {"other option names ignored", nullptr, nullptr, "tarpitdelay=3\n", "0", spp::Source::defaulted},
};

START_TEST(test_control_setting_precedence) {
  auto row = precedence_rows[_i];
  TempHome home;
  if (row.file) home.write("control/tarpitcount", row.file);
  if (row.options) home.write("control/options", row.options);
  Env env;
  if (row.env) env.set("TARPITCOUNT", row.env);
  Control control(home.dir(), env);
  Setting s = control.setting("tarpitcount", "TARPITCOUNT", "0");
  ck_assert_msg(s.value == row.value, "%s: value \"%s\"", row.name, s.value.c_str());
  ck_assert_msg(s.source == row.source, "%s: source %d", row.name, int(s.source));
}
END_TEST

// An unreadable control/options was logged once per setting (4x per command),
// without errno or the setting's name; now once per process, with both.
START_TEST(test_control_unreadable_options_logged_once) {
  TempHome home;
  home.write("control/.keep", "");
  ck_assert_int_eq(mkdir(home.control("options").c_str(), 0755), 0);
  Env env;
  Control control(home.dir(), env);
  char path[] = "/tmp/spp-logXXXXXX";
  int fd = mkstemp(path);
  spp::log::set_fd(fd);
  for (const char* name : {"a", "b", "c", "d"}) {
    Setting s = control.setting(name, "", "x");
    ck_assert(s.status == Lookup::missing && s.value == "x");
  }
  spp::log::set_fd(-1);
  std::string logged;
  spp::read_file(path, logged);
  unlink(path);
  close(fd);
  ck_assert_msg(logged.find("Is a directory") != std::string::npos && logged.find("needed for a") != std::string::npos,
                "log: %s", logged.c_str());
  ck_assert_msg(logged.find('\n') == logged.size() - 1, "logged more than once: %s", logged.c_str());
}
END_TEST

// The typed readers: one rule, one warning per problem, naming the setting.
START_TEST(test_control_typed_readers) {
  TempHome home;
  home.write("control/options", "n0=0\nbig=301\nword=soon\nflag=maybe\nchoice=MAIL\n");
  Env env;
  Control control(home.dir(), env);
  spp::Warnings w;
  ck_assert_uint_eq(spp::read_number(control, {"n0", "", "10", ""}, 1, 300, w), 10);
  ck_assert_msg(w.size() == 1 && w[0].find("n0 from") == 0 && w[0].find("below the least (1)") != std::string::npos,
                "%s", w.empty() ? "" : w[0].c_str());
  ck_assert_uint_eq(spp::read_number(control, {"big", "", "10", ""}, 1, 300, w), 300);
  ck_assert_msg(w.size() == 2 && w[1].find("above the most (300); using 300") != std::string::npos, "%s", w[1].c_str());
  ck_assert_uint_eq(spp::read_number(control, {"word", "", "10", ""}, 1, 300, w), 10);
  ck_assert_msg(w.size() == 3 && w[2].find("is not a number") != std::string::npos, "%s", w[2].c_str());
  ck_assert(!spp::read_flag(control, {"flag", "", "0", ""}, w));
  ck_assert_uint_eq(w.size(), 4);
  ck_assert(spp::read_choice(control, {"choice", "", "rcpt", ""}, {"rcpt", "mail"}, w) == "mail");
  ck_assert_uint_eq(w.size(), 4);
}
END_TEST

START_TEST(test_control_base_dir) {
  Env env;
  ck_assert(Control::default_base(env).empty());  // cwd: qmail-smtpd runs plugins in the qmail home
  env.set("QMAILDIR", "/var/qmail");
  ck_assert(Control::default_base(env) == "/var/qmail");
  ck_assert(Control("/q", env).path("me") == "/q/control/me");
  ck_assert(Control("", env).path("me") == "control/me");
}
END_TEST

int main() {
  Suite* s = suite_create("control");
  TCase* tc = tcase_create("files");
  tcase_add_test(tc, test_control_missing_is_not_an_error);
  tcase_add_test(tc, test_control_qmail_line_rules);
  tcase_add_test(tc, test_control_long_line_is_an_error);
  tcase_add_test(tc, test_control_unreadable_is_an_error);
  tcase_add_test(tc, test_control_fifo_is_an_error_not_a_hang);
  tcase_add_test(tc, test_control_directory_is_named);
  tcase_add_test(tc, test_control_parse_options);
  tcase_add_loop_test(tc, test_control_setting_precedence, 0,
                      sizeof precedence_rows / sizeof precedence_rows[0]);
  tcase_add_test(tc, test_control_base_dir);
  tcase_add_test(tc, test_control_unreadable_options_logged_once);
  tcase_add_test(tc, test_control_typed_readers);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
