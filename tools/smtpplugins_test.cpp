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
    {"spp-rbl under mail", "[mail]\n/q/spp-rbl\n", Severity::warning, "cannot tell a second MAIL"},
    {"spp-rbl under data", "[data]\n/q/spp-rbl\n", Severity::warning, "list it under [rcpt]"},
};

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

int main() {
  Suite* s = suite_create("smtpplugins");
  TCase* tc = tcase_create("model");
  tcase_add_loop_test(tc, test_smtpplugins_section_letter, 0, sizeof section_rows / sizeof section_rows[0]);
  tcase_add_test(tc, test_smtpplugins_reading_rules);
  tcase_add_test(tc, test_smtpplugins_edit_keeps_comments_and_is_idempotent);
  tcase_add_test(tc, test_smtpplugins_skeleton_has_every_section);
  tcase_add_loop_test(tc, test_smtpplugins_diagnose, 0, sizeof diag_rows / sizeof diag_rows[0]);
  tcase_add_test(tc, test_smtpplugins_clean_config_is_quiet);
  tcase_add_test(tc, test_smtpplugins_batch_rows);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
