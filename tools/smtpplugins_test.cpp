#include "smtpplugins.h"

#include <check.h>

#include "check_main.h"
#include "spp_conf.h"

using namespace spp::conf;

// qmail-spp looks only at the character after '['.
static const struct {
  const char* header;
  char section;
} section_rows[] = {
    {"[connection]", 'c'}, {"[helo]", 'h'}, {"[mail]", 'm'}, {"[rcpt]", 'r'}, {"[data]", 'd'},
    {"[auth]", 'a'}, {"[rcptXYZ]", 'r'}, {"[RCPT]", '?'}, {"[ehlo]", '?'}, {"[foo]", '?'},
    {"[", '?'}, {"[m", 'm'},
};

START_TEST(test_smtpplugins_section_letter) {
  auto row = section_rows[_i];
  auto lines = parse(std::string(row.header) + "\nplugins/x\n");
  ck_assert_msg(lines[0].kind == LineKind::section, "%s", row.header);
  ck_assert_msg(lines[1].section == row.section, "%s: got '%c'", row.header, lines[1].section);
}
END_TEST

START_TEST(test_smtpplugins_reading_rules) {
  auto lines = parse("plugins/early\n# c\n\n[rcpt]\n  /lead\n/p  \t\n#x\n[mail]\n/m\n[rcpt]\n/q\n");
  ck_assert(entries_of(lines, 0).size() == 1);  // before any section: never run
  auto rcpt = entries_of(lines, 'r');
  ck_assert_uint_eq(rcpt.size(), 3);
  ck_assert(rcpt[0] == "  /lead");  // leading whitespace is kept (and breaks the path)
  ck_assert(rcpt[1] == "/p");       // trailing blanks are not
  ck_assert(rcpt[2] == "/q");       // two [rcpt] blocks are one list
}
END_TEST

START_TEST(test_smtpplugins_edit_keeps_comments_and_is_idempotent) {
  std::string text = "# mine\n[rcpt]\n# keep me\n/a\n\n[data]\n/d\n";
  auto lines = parse(text);
  ck_assert(add_entry(lines, 'r', "/b"));
  ck_assert(!add_entry(lines, 'r', "/b"));
  ck_assert(add_entry(lines, 'c', "/c"));
  std::string out = render(lines);
  ck_assert_str_eq(out.c_str(), "# mine\n[rcpt]\n# keep me\n/a\n/b\n\n[data]\n/d\n\n[connection]\n/c\n");
  ck_assert_uint_eq(remove_entry(lines, 'r', "/a"), 1);
  ck_assert_uint_eq(remove_entry(lines, 'r', "/a"), 0);
  ck_assert_uint_eq(remove_all(lines, 0), 3);
  std::string emptied = render(lines);
  ck_assert_str_eq(emptied.c_str(), "# mine\n[rcpt]\n# keep me\n\n[data]\n\n[connection]\n");
}
END_TEST

START_TEST(test_smtpplugins_skeleton_has_every_section) {
  auto lines = skeleton();
  for (const auto& c : categories()) {
    ck_assert(add_entry(lines, c.letter, std::string("/") + c.name));
    ck_assert_uint_eq(entries_of(lines, c.letter).size(), 1);
  }
}
END_TEST

// What `spp-conf check` reports without touching the file system.
static const struct {
  const char* name;
  const char* text;
  Severity severity;
  const char* needle;
} diag_rows[] = {
    {"unknown section", "[RCPT]\n/x\n", Severity::error, "never run"},
    {"misread section", "[rcptXYZ]\n/x\n", Severity::warning, "read as [rcpt]"},
    {"entry before section", "/x\n[rcpt]\n", Severity::error, "before any section"},
    {"leading whitespace", "[rcpt]\n /x\n", Severity::error, "leading whitespace"},
    {"shell entry", "[rcpt]\n:/x -a\n", Severity::warning, "/bin/sh"},
    {"relative path", "[rcpt]\nplugins/x\n", Severity::warning, "relative path"},
    {"duplicate", "[rcpt]\n/x\n/x\n", Severity::warning, "duplicate"},
    {"check twice", "[rcpt]\n/q/spp-rcpt\n/q/spp-tarpit\n", Severity::warning, "runs twice"},
    {"hook in wrong section", "[mail]\n/q/spp-rcpt\n", Severity::warning, "runs the rcpt checks"},
    {"unknown spp name", "[rcpt]\n/q/spp-bogus\n", Severity::error, "not an sppkit check"},
    {"auth note", "[auth]\n/x\n", Severity::note, "AUTH variant"},
    {"spp-rbl under mail", "[mail]\n/q/spp-rbl\n", Severity::warning, "cannot tell this command from a later one"},
    {"spp-rbl under data", "[data]\n/q/spp-rbl\n", Severity::warning, "does nothing useful under [data]: list it under [connection], [rcpt]"},
    {"[auth] plugin after spp-auth", "[auth]\n/q/spp-auth\n/x\n", Severity::warning,
     "runs after spp-auth (line 2), which has already recorded the login"},
    {"after spp-auth, in a second [auth] section", "[auth]\n/q/spp-auth\n[mail]\n/q/spp-mail\n[auth]\n/x\n",
     Severity::warning, "runs after spp-auth (line 2)"},
    {"spp-authsender alone under [auth]", "[auth]\n/q/spp-authsender\n", Severity::warning,
     "cannot tell this command from a later one"},
};

// spp-auth last under [auth] is the recommended shape: no warning about it.
START_TEST(test_smtpplugins_spp_auth_last_is_quiet) {
  for (const auto& d : diagnose_text("[auth]\n/x\n/q/spp-auth\n[mail]\n/q/spp-mail\n"))
    ck_assert_msg(d.message.find("spp-auth") == std::string::npos, "unexpected: %s", d.message.c_str());
}
END_TEST

START_TEST(test_smtpplugins_diagnose) {
  auto row = diag_rows[_i];
  bool found = false;
  for (const auto& d : diagnose_text(row.text))
    if (d.severity == row.severity && d.message.find(row.needle) != std::string::npos) found = true;
  ck_assert_msg(found, "%s: no diagnostic containing \"%s\"", row.name, row.needle);
}
END_TEST

START_TEST(test_smtpplugins_clean_config_is_quiet) {
  auto d = diagnose_text("# ok\n[connection]\n/q/spp-connect\n[rcpt]\n/q/spp-rcpt\n/q/other\n");
  ck_assert_msg(d.empty(), "unexpected: %s", d.empty() ? "" : d[0].message.c_str());
}
END_TEST

START_TEST(test_smtpplugins_batch_rows) {
  std::vector<Registration> regs;
  ck_assert_int_eq(parse_batch("# x\nrcpt;spp-rcpt\r\n\nmail;spp-mail\n", false, regs), spp::exitcode::ok);
  ck_assert_uint_eq(regs.size(), 2);
  ck_assert(regs[1].category == "mail" && regs[1].plugin == "spp-mail");
  std::vector<Registration> bad;
  ck_assert_int_eq(parse_batch("rcpt;spp-rcpt\nnosemicolon\n", false, bad), spp::exitcode::bad_input);
  std::vector<Registration> badcat;
  ck_assert_int_eq(parse_batch("ehlo;x\n", false, badcat), spp::exitcode::bad_input);
}
END_TEST

// qmail-spp splits control_readfile()'s buffer at every NUL (spp_init): a NUL
// inside a line makes two entries (or an entry and a section). list, -a, -r and
// check all read it that way.
START_TEST(test_smtpplugins_nul_splits_like_qmail_spp) {
  using namespace std::string_literals;
  auto lines = parse("[rcpt]\n/a\0/b\n/c\0[mail]\n/m\n"s);
  auto rcpt = entries_of(lines, 'r');
  ck_assert_uint_eq(rcpt.size(), 3);
  ck_assert(rcpt[0] == "/a" && rcpt[1] == "/b" && rcpt[2] == "/c");
  auto mail = entries_of(lines, 'm');
  ck_assert_uint_eq(mail.size(), 1);
  ck_assert(!add_entry(lines, 'r', "/b"));  // qmail-spp runs it already
  ck_assert_uint_eq(remove_entry(lines, 'r', "/a"), 0);  // would take /b with it
  bool reported = false;
  for (const auto& d : diagnose_text("[rcpt]\n/a\0/b\n"s))
    if (d.line == 2 && d.severity == Severity::error && d.message.find("NUL byte") != std::string::npos)
      reported = true;
  ck_assert(reported);
}
END_TEST

START_TEST(test_smtpplugins_crlf_shows_the_cr) {
  auto d = diagnose_text("[mail]\r\n/x\r\n");
  bool section = false, entry = false;
  for (const auto& x : d) {
    if (x.line == 1 && x.message.find("[mail]\\r is read as [mail]") != std::string::npos) section = true;
    if (x.line == 2 && x.message.find("keeps the CR") != std::string::npos) entry = true;
    ck_assert_msg(x.message.find('\r') == std::string::npos, "raw CR in: %s", x.message.c_str());
  }
  ck_assert(section && entry);
  ck_assert(uses_crlf(parse("[mail]\r\n/x\r\n")));
  ck_assert(!uses_crlf(parse("[mail]\n/x\n")));
}
END_TEST

START_TEST(test_smtpplugins_duplicate_warned_once) {
  auto d = diagnose_text("[rcpt]\n/q/spp-tarpit\n/q/spp-tarpit\n");
  size_t on_line_3 = 0;
  for (const auto& x : d) on_line_3 += x.line == 3;
  ck_assert_uint_eq(on_line_3, 1);
}
END_TEST

// Found by smtpplugins_fuzz: render() added a LF the file did not have, so an
// unedited parse did not render back byte for byte.
START_TEST(test_smtpplugins_render_keeps_missing_final_lf) {
  auto lines = parse("[data]\n/x");
  std::string unedited = render(lines);  // ck_assert_str_eq must not see a temporary
  ck_assert_str_eq(unedited.c_str(), "[data]\n/x");
  ck_assert(add_entry(lines, 'd', "/d"));
  std::string edited = render(lines);
  ck_assert_str_eq(edited.c_str(), "[data]\n/x\n/d\n");
  ck_assert(render(parse("")).empty());
}
END_TEST

int main() {
  Suite* s = suite_create("smtpplugins");
  TCase* tc = tcase_create("model");
  tcase_add_loop_test(tc, test_smtpplugins_section_letter, 0, sizeof section_rows / sizeof section_rows[0]);
  tcase_add_test(tc, test_smtpplugins_reading_rules);
  tcase_add_test(tc, test_smtpplugins_edit_keeps_comments_and_is_idempotent);
  tcase_add_test(tc, test_smtpplugins_skeleton_has_every_section);
  tcase_add_loop_test(tc, test_smtpplugins_diagnose, 0, sizeof diag_rows / sizeof diag_rows[0]);
  tcase_add_test(tc, test_smtpplugins_clean_config_is_quiet);
  tcase_add_test(tc, test_smtpplugins_spp_auth_last_is_quiet);
  tcase_add_test(tc, test_smtpplugins_batch_rows);
  tcase_add_test(tc, test_smtpplugins_nul_splits_like_qmail_spp);
  tcase_add_test(tc, test_smtpplugins_crlf_shows_the_cr);
  tcase_add_test(tc, test_smtpplugins_duplicate_warned_once);
  tcase_add_test(tc, test_smtpplugins_render_keeps_missing_final_lf);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
