#include "log.h"

#include <check.h>
#include <unistd.h>

#include <string>

#include "check_main.h"

// Captures what one log call writes.
static std::string capture(void (*fn)(std::string_view), std::string_view message) {
  int fds[2];
  if (pipe(fds) != 0) return "pipe failed";
  spp::log::set_fd(fds[1]);
  fn(message);
  spp::log::set_fd(-1);
  close(fds[1]);
  std::string out;
  char buf[4096];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, size_t(n));
  close(fds[0]);
  return out;
}

START_TEST(test_log_format) {
  spp::log::set_program("spp-test");
  std::string got = capture(spp::log::warn, "unable to read control/x");
  ck_assert_str_eq(got.c_str(), "spp-test: warning: unable to read control/x\n");
  got = capture(spp::log::info, "a");
  ck_assert_str_eq(got.c_str(), "spp-test: info: a\n");
}
END_TEST

START_TEST(test_log_hostile_input_stays_one_bounded_line) {
  spp::log::set_program("spp-test");
  const char hostile[] = "from <a\r\nspp-rbl: info: forged\x1b[2J>\0x";
  std::string got = capture(spp::log::info, std::string(hostile, sizeof hostile - 1));
  ck_assert_str_eq(got.c_str(), "spp-test: info: from <a??spp-rbl: info: forged?[2J>?x\n");
  got = capture(spp::log::error, std::string(5000, 'y'));
  ck_assert_uint_lt(got.size(), 1100);
  ck_assert(got.find("...\n") != std::string::npos);
}
END_TEST

int main() {
  Suite* s = suite_create("log");
  TCase* tc = tcase_create("lines");
  tcase_add_test(tc, test_log_format);
  tcase_add_test(tc, test_log_hostile_input_stays_one_bounded_line);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
