#include "control.h"

#include <check.h>
#include <sys/stat.h>

#include "check_main.h"
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
    {"empty env is set", "", "5\n", nullptr, "", spp::Source::env},
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
  Setting s;
  control.setting("tarpitcount", "TARPITCOUNT", "0", s);
  ck_assert_msg(s.value == row.value, "%s: value \"%s\"", row.name, s.value.c_str());
  ck_assert_msg(s.source == row.source, "%s: source %d", row.name, int(s.source));
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
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
