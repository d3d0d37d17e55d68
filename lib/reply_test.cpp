#include "reply.h"

#include <check.h>

#include "check_main.h"

#include <string>

using spp::Verdict;

static const struct {
  const char* name;
  Verdict verdict;
  const char* expected;
} rows[] = {
    {"no opinion", Verdict::no_opinion(), ""},
    {"accept", Verdict::accept(), "A\n"},
    {"next", Verdict::next(), "N\n"},
    {"ok", Verdict::ok(), "O\n"},
    {"drop", Verdict::drop(), "D\n"},
    {"error", Verdict::error(550, "5.7.1", "go away"), "E550 go away (#5.7.1)\n"},
    {"error no enhanced", Verdict::error(451, "", "later"), "E451 later\n"},
    {"reject", Verdict::reject(421, "4.3.0", "bye"), "R421 bye (#4.3.0)\n"},
    {"code too low is a 451", Verdict::error(250, "", "x"), "E451 x (#4.3.0)\n"},
    {"code too high is a 451", Verdict::error(600, "", "x"), "E451 x (#4.3.0)\n"},
    {"enhanced class must match", Verdict::error(550, "4.7.1", "x"), "E451 x (#4.3.0)\n"},
    {"malformed enhanced", Verdict::error(550, "5.7", "x"), "E451 x (#4.3.0)\n"},
    {"CR LF NUL become ?", Verdict::error(550, "5.7.1", std::string("a\r\nb\0c", 6)), "E550 a??b?c (#5.7.1)\n"},
    {"controls become ?", Verdict::error(550, "", "a\x1b[0mb\tc"), "E550 a?[0mb\tc\n"},
    {"terminal comes last", Verdict::next().header("X-A: 1").setenv("V", "x\ny"), "HX-A: 1\nSV=x?y\nN\n"},
    {"extras keep order", Verdict::no_opinion().print("550-a").unsetenv("Q").change_address("a@b"),
     "P550-a\nUQ\nCa@b\n"},
    {"later rcpt", Verdict::no_opinion().later('R', 553, "5.7.1", "no"), "LR553 no (#5.7.1)\n"},
};

START_TEST(test_reply_serialize) {
  std::string got = rows[_i].verdict.serialize();
  ck_assert_msg(got == rows[_i].expected, "%s: got \"%s\"", rows[_i].name, got.c_str());
}
END_TEST

START_TEST(test_reply_bounds_length) {
  std::string text(2000, 'x');
  std::string got = Verdict::error(550, "", text).serialize();
  ck_assert_uint_le(got.size(), 512);
}
END_TEST

START_TEST(test_reply_refuses_bad_extras) {
  Verdict v;
  bool threw = false;
  try { v.setenv("A=B", "x"); } catch (const std::exception&) { threw = true; }
  ck_assert_msg(threw, "S with '=' in the name");
  threw = false;
  try { v.setenv("", "x"); } catch (const std::exception&) { threw = true; }
  ck_assert_msg(threw, "S with an empty name");
  threw = false;
  try { v.change_address("a@b\r\nRCPT"); } catch (const std::exception&) { threw = true; }
  ck_assert_msg(threw, "C with CRLF");
  threw = false;
  try { v.change_address("a\x7f@b"); } catch (const std::exception&) { threw = true; }
  ck_assert_msg(threw, "C with DEL (a control byte; found by reply_fuzz)");
  threw = false;
  try { v.later('X', 550, "", "x"); } catch (const std::exception&) { threw = true; }
  ck_assert_msg(threw, "L with a bad command letter");
  ck_assert(v.empty());
}
END_TEST

START_TEST(test_reply_append) {
  Verdict a = Verdict::no_opinion().setenv("A", "1");
  a.append(Verdict::error(550, "", "x").header("X: y"));
  std::string got = a.serialize();
  ck_assert_str_eq(got.c_str(), "SA=1\nHX: y\nE550 x\n");
}
END_TEST

int main() {
  Suite* s = suite_create("reply");
  TCase* tc = tcase_create("serialize");
  tcase_add_loop_test(tc, test_reply_serialize, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_reply_bounds_length);
  tcase_add_test(tc, test_reply_refuses_bad_extras);
  tcase_add_test(tc, test_reply_append);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
