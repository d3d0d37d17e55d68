#include "wildmat.h"

#include <check.h>

#include "check_main.h"

static const struct {
  const char* text;
  const char* pattern;
  bool match;
} rows[] = {
    {"", "", true},
    {"", "*", true},
    {"a", "", false},
    {"abc", "abc", true},
    {"abc", "ABC", false},  // patterns are case-sensitive
    {"abc", "a*", true},
    {"abc", "*c", true},
    {"abc", "*b*", true},
    {"abc", "a?c", true},
    {"ac", "a?c", false},
    {"abc", "a**c", true},
    {"spam@example.com", "*@example.com", true},
    {"spam@example.com.evil", "*@example.com", false},  // anchored
    {"user@[1.2.3.4]", "*@\\[*\\]", true},
    {"user@[1.2.3.4]", "*@[*]", false},
    {"FAKE", "[Ff][Aa][Kk][Ee]", true},
    {"FaKe", "[Ff][Aa][Kk][Ee]", true},
    {"b", "[a-c]", true},
    {"b", "[\301-c]", false},      // bytes compare unsigned (found by wildmat_fuzz)
    {"\302", "[\301-\303]", true},
    {"d", "[a-c]", false},
    {"d", "[^a-c]", true},
    {"b", "[^a-c]", false},
    {"]", "[]]", true},
    {"-", "[-a]", true},
    {"*", "\\*", true},
    {"x", "\\*", false},
    {"a", "[a", false},  // unterminated class matches nothing
    {"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*c", false},  // no exponential blow-up
};

START_TEST(test_wildmat_table) {
  auto r = rows[_i];
  ck_assert_msg(spp::wildmat(r.text, r.pattern) == r.match, "\"%s\" vs \"%s\"", r.text, r.pattern);
}
END_TEST

START_TEST(test_wildmat_last_match_wins) {
  std::vector<std::string> list = {"*@example.com", "!boss@example.com", "*spam*"};
  ck_assert(spp::match_pattern_list("joe@example.com", list));
  ck_assert(!spp::match_pattern_list("boss@example.com", list));
  ck_assert(spp::match_pattern_list("spam@example.com", list));  // a later line re-lists it
  ck_assert(!spp::match_pattern_list("joe@example.org", list));
  ck_assert(!spp::match_pattern_list("x", {}));
}
END_TEST

int main() {
  Suite* s = suite_create("wildmat");
  TCase* tc = tcase_create("match");
  tcase_add_loop_test(tc, test_wildmat_table, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_wildmat_last_match_wins);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
