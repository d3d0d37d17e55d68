// session_test: the qmail-spp simulator's pieces (tools/sim/session.h, tools/sim/test_cmd.h).
#include "session.h"

#include <check.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "check_main.h"
#include "test_cmd.h"

using spp::sim::Environ;
using spp::sim::LineSplitter;
using spp::sim::PluginRun;
using spp::sim::Server;
using spp::sim::ServerOptions;

namespace {

// Compares through a named std::string: ck_assert_str_eq on a temporary's c_str() dangles.
#define EXPECT_STR(got_expr, want)                                                  \
  do {                                                                              \
    std::string got_ = (got_expr);                                                  \
    ck_assert_msg(got_ == std::string(want), "%s: got [%s]", #got_expr, got_.c_str()); \
  } while (0)

std::string join(const std::vector<std::string>& v) {
  std::string r;
  for (const std::string& s : v) r += "[" + s + "]";
  return r;
}

void write_file(const std::string& path, const std::string& content, mode_t mode = 0644) {
  FILE* f = std::fopen(path.c_str(), "w");
  ck_assert_msg(f != nullptr, "cannot write %s", path.c_str());
  std::fputs(content.c_str(), f);
  std::fclose(f);
  chmod(path.c_str(), mode);
}

// A scratch qmail home, made the cwd (each Check test runs in its own fork).
std::string make_home() {
  char tmpl[] = "/tmp/session_test.XXXXXX";
  std::string home = mkdtemp(tmpl);
  mkdir((home + "/control").c_str(), 0755);
  mkdir((home + "/plugins").c_str(), 0755);
  write_file(home + "/control/me", "mx.example.test\n");
  write_file(home + "/control/rcpthosts", "example.test\n");
  ck_assert_int_eq(chdir(home.c_str()), 0);
  return home;
}

void remove_home(const std::string& home) {
  std::string cmd = "rm -rf '" + home + "'";
  ck_assert_int_eq(std::system(cmd.c_str()), 0);
}

}  // namespace

// ---- control files and smtpplugins (qmail-spp.md §3)

static const struct {
  const char* name;
  const char* content;
  const char* lines;
} control_rows[] = {
    {"empty", "", ""},
    {"trailing blanks", "a  \t\nb\n", "[a][b]"},
    {"CR is kept", "a\r\n", "[a\r]"},
    {"leading blank kept", " a\n", "[ a]"},
    {"comments and blanks", "#x\n\n   \na\n", "[a]"},
    {"no final LF", "a\nb", "[a][b]"},
};

START_TEST(test_control_file_lines) {
  auto r = control_rows[_i];
  std::string got = join(spp::sim::control_file_lines(r.content));
  ck_assert_msg(got == r.lines, "%s: got %s", r.name, got.c_str());
}
END_TEST

START_TEST(test_parse_smtpplugins) {
  spp::sim::PluginLists p = spp::sim::parse_smtpplugins(
      "before\n[RCPT]\nupper\n[rcptXYZ]\nr1\n[ehlo]\ne\n[helo]\nh\n[c\nc1\n[mail]\nm\n"
      "[data]\nd\n[auth]\na\n[foo]\nf\n[rcpt]\nr2\n:sh -c x\n[\nnothing\n");
  EXPECT_STR(join(p.rcpt), "[r1][r2][:sh -c x]");
  EXPECT_STR(join(p.helo), "[h]");
  EXPECT_STR(join(p.connection), "[c1]");
  EXPECT_STR(join(p.mail), "[m]");
  EXPECT_STR(join(p.data), "[d]");
  EXPECT_STR(join(p.auth), "[a]");
}
END_TEST

// ---- plugin output lines (qmail-spp.md §7 line rules)

static const struct {
  const char* name;
  std::string output;
  std::string lines;
} split_rows[] = {
    {"LF terminated", "E550 x\n", "[E550 x]"},
    {"no LF loses last char", "E550 x", "[E550 ]"},
    {"one-byte line ignored", "N", ""},
    {"LF only ignored", "\n\nN\n", "[N]"},
    {"CRLF keeps CR", "P250 a\r\n", "[P250 a\r]"},
    {"several", "Sa=b\nN\n", "[Sa=b][N]"},
    {"NUL kept", std::string("Pa\0b\n", 5), std::string("[Pa\0b]", 6)},
};

START_TEST(test_line_splitter) {
  auto r = split_rows[_i];
  LineSplitter s;
  std::vector<std::string> out;
  // Byte by byte: the split must not depend on how reads are chunked.
  for (char c : r.output) s.feed(std::string_view(&c, 1), out);
  s.finish(out);
  std::string got = join(out);
  ck_assert_msg(got == r.lines, "%s: got %s", r.name, got.c_str());
}
END_TEST

START_TEST(test_line_splitter_bounds_long_lines) {
  LineSplitter s(8);
  std::vector<std::string> out;
  s.feed("P1234567890\nN\n", out);
  EXPECT_STR(join(out), "[P1234567][N]");
}
END_TEST

START_TEST(test_is_terminal) {
  for (const char* t : {"A", "O", "N", "D", "E550 x", "R421 y"}) ck_assert_msg(spp::sim::is_terminal(t), "%s", t);
  for (const char* t : {"P250-x", "Sa=b", "Ua", "H x", "LR550 x", "C a@b", "X", ""})
    ck_assert_msg(!spp::sim::is_terminal(t), "%s", t);
  ck_assert(!spp::sim::is_terminal(std::string(1, '\0')));
}
END_TEST

// ---- environment (qmail's env_put / env_unset)

START_TEST(test_environ) {
  Environ e({"A=1", "AB=2", "PLAIN"});
  e.put("A=3");
  EXPECT_STR(e.get("A").value(), "3");
  EXPECT_STR(e.get("AB").value(), "2");
  ck_assert(!e.get("PLAIN"));  // no '=': not a variable for getenv
  e.put("EMPTY", "");
  ck_assert(e.get("EMPTY").has_value() && e.get("EMPTY")->empty());
  e.unset("AB");
  ck_assert(!e.get("AB"));
  ck_assert(e.get("A"));
  e.unset("PLAIN");  // env_unset only matches NAME=...
  ck_assert_uint_eq(e.entries().size(), 3);
}
END_TEST

// ---- running one plugin (qmail-spp.md §4, §8)

START_TEST(test_run_plugin) {
  std::vector<std::string> env = {"PATH=/usr/bin:/bin", "X=from-env"};
  // One write: the rest after N is in the pipe before the parent closes it.
  PluginRun r = spp::sim::run_plugin(":printf 'P%s\\nN\\nE550 not read\\n' \"$X\"", env, 0);
  EXPECT_STR(join(r.lines), "[Pfrom-env][N]");
  ck_assert(r.exited);
  ck_assert_int_eq(r.exit_code, 0);

  r = spp::sim::run_plugin("/nonexistent/plugin", env, 0);
  ck_assert(r.exited);
  ck_assert_int_eq(r.exit_code, 120);

  r = spp::sim::run_plugin(":kill -SEGV $$", env, 0);
  ck_assert(!r.exited);
  ck_assert_int_eq(r.signal, 11);

  r = spp::sim::run_plugin(":echo N; exec sleep 30", env, 1);
  ck_assert(r.timed_out);
  EXPECT_STR(join(r.lines), "[N]");

  // fd 0 is closed in the plugin: the first file it opens becomes fd 0.
  r = spp::sim::run_plugin(":test -e /proc/$$/fd/0 && echo Popen || echo Pclosed", env, 0);
  EXPECT_STR(join(r.lines), "[Pclosed]");
}
END_TEST

// ---- DATA (qmail-smtpd's blast)

START_TEST(test_blast) {
  spp::sim::Blast b = spp::sim::blast("Received: x\r\nDELIVERED-TO: y\r\nreceived: no\r\n\r\n..dot\r\nend\r\n.\r\n", 0);
  EXPECT_STR(b.message, "Received: x\nDELIVERED-TO: y\nreceived: no\n\n.dot\nend\n");
  ck_assert_int_eq(b.hops, 3);
  ck_assert(!b.too_big && !b.stray_newline);
  b = spp::sim::blast("Subject: x\r\n\r\nReceived: in the body\r\n.\r\n", 0);
  ck_assert_int_eq(b.hops, 0);
  b = spp::sim::blast("abcdef\r\n.\r\n", 4);
  ck_assert(b.too_big);
  EXPECT_STR(b.message, "abcd");
  b = spp::sim::blast("abc\r\n.\r\n", 4);  // "abc\n" is exactly 4 bytes
  ck_assert(!b.too_big);
  b = spp::sim::blast("bare\nLF\r\n.\r\n", 0);
  ck_assert(b.stray_newline);
}
END_TEST

// ---- the server

namespace {

std::string run_commands(const std::vector<std::string>& cmds, std::vector<std::string> env = {}) {
  env.push_back("PATH=/usr/bin:/bin");
  env.push_back("TCPREMOTEIP=192.0.2.1");
  Server s(Environ(env), ServerOptions{});
  s.connect();
  std::string out = s.take_output();
  for (const std::string& c : cmds) {
    if (s.closed()) break;
    s.command(c);
    out += s.take_output();
  }
  return out;
}

}  // namespace

START_TEST(test_server_qmail_replies) {
  std::string home = make_home();
  write_file("control/smtpplugins", "");
  std::string out = run_commands({"HELO x", "RCPT TO:<a@example.test>", "MAIL FROM:<a@b>", "DATA",
                                  "RCPT TO:<a@elsewhere.example>", "RCPT TO:<a@example.test>", "rset",
                                  "FOO", "QUIT"});
  ck_assert_str_eq(out.c_str(),
                   "220 mx.example.test ESMTP\r\n"
                   "250 mx.example.test\r\n"
                   "503 MAIL first (#5.5.1)\r\n"
                   "250 ok\r\n"
                   "503 RCPT first (#5.5.1)\r\n"
                   "553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\r\n"
                   "250 ok\r\n"
                   "250 flushed\r\n"
                   "502 unimplemented (#5.5.1)\r\n"
                   "221 mx.example.test\r\n");
  remove_home(home);
}
END_TEST

START_TEST(test_server_missing_smtpplugins) {
  std::string home = make_home();
  EXPECT_STR(run_commands({"HELO x"}), "421 unable to read controls (#4.3.0)\r\n");
  EXPECT_STR(run_commands({"HELO x"}, {"NOSPP="}),
                   "220 mx.example.test ESMTP\r\n250 mx.example.test\r\n");
  remove_home(home);
}
END_TEST

START_TEST(test_server_plugin_commands) {
  std::string home = make_home();
  write_file("control/smtpplugins", "[connection]\nplugins/c\n[mail]\nplugins/m\n[rcpt]\nplugins/r\n");
  write_file("plugins/c", "#!/bin/sh\nprintf 'Sseen=yes\\nLR451 later\\n'\n", 0755);
  write_file("plugins/m", "#!/bin/sh\necho \"P250-$seen $SMTPMAILFROM\"\necho O\n", 0755);
  write_file("plugins/r", "#!/bin/sh\necho \"E550 $SMTPRCPTCOUNT/$SMTPRCPTCOUNTALL\"\n", 0755);
  std::string out = run_commands({"MAIL FROM:<bad@x>", "RCPT TO:<a@example.test>", "RSET",
                                  "MAIL FROM:<b@x>", "RCPT TO:<a@example.test>"});
  ck_assert_str_eq(out.c_str(),
                   "220 mx.example.test ESMTP\r\n"
                   "250-yes bad@x\r\n250 ok\r\n"
                   "451 later\r\n"
                   "250 flushed\r\n"
                   "250-yes b@x\r\n250 ok\r\n"
                   "550 0/1\r\n");
  remove_home(home);
}
END_TEST

// control_readline: the first line only, trailing blanks stripped, digits scanned
// up to the first non-digit; a control file that exists but cannot be read is 421.
START_TEST(test_server_control_lines) {
  std::string home = make_home();
  write_file("control/smtpplugins", "");
  write_file("control/smtpgreeting", "greeting here \t\nsecond line\n");
  write_file("control/databytes", "5x\n");
  Server s(Environ({"PATH=/usr/bin:/bin"}), ServerOptions{});
  s.connect();
  for (const char* c : {"MAIL FROM:<a@b>", "RCPT TO:<a@example.test>", "DATA"}) s.command(c);
  ck_assert(s.wants_body());
  s.body("abcdefgh\r\n.\r\n");
  EXPECT_STR(s.take_output(),
             "220 greeting here ESMTP\r\n250 ok\r\n250 ok\r\n354 go ahead\r\n"
             "552 sorry, that message size exceeds my databytes limit (#5.3.4)\r\n");
  mkdir("control/badmailfrom", 0755);  // read() fails with EISDIR
  EXPECT_STR(run_commands({"HELO x"}), "421 unable to read controls (#4.3.0)\r\n");
  remove_home(home);
}
END_TEST

// ---- session files and transcript format

START_TEST(test_parse_session) {
  spp::sim::Script s;
  std::string err;
  ck_assert(spp::sim::parse_session("# c\n@ip 192.0.2.1\r\n@env A=b c\n@unset X\n\nHELO x\n@auth u login\n"
                                    "DATA\nSubject: s\n\n..dot\n.\nQUIT\n", s, err));
  EXPECT_STR(join(s.env), "[TCPREMOTEIP=192.0.2.1][A=b c][-X]");
  ck_assert_uint_eq(s.steps.size(), 4);
  EXPECT_STR(s.steps[0].line, "HELO x");
  ck_assert(s.steps[1].kind == spp::sim::Step::Kind::auth);
  EXPECT_STR(s.steps[1].method, "login");
  EXPECT_STR(join(s.steps[2].body), "[Subject: s][][..dot][.]");
  EXPECT_STR(s.steps[3].line, "QUIT");
}
END_TEST

static const struct {
  const char* text;
  const char* error;
} bad_sessions[] = {
    {"HELO x\n@env A=b\n", "line 2: @env must come before the first command"},
    {"@env novalue\n", "line 1: @env needs NAME=value"},
    {"@bogus\n", "line 1: unknown directive @bogus"},
    {"DATA\nbody\n", "line 1: DATA body not ended by a line with a single \".\""},
    {"@auth\n", "line 1: @auth needs a user"},
};

START_TEST(test_parse_session_errors) {
  spp::sim::Script s;
  std::string err;
  ck_assert(!spp::sim::parse_session(bad_sessions[_i].text, s, err));
  ck_assert_str_eq(err.c_str(), bad_sessions[_i].error);
}
END_TEST

START_TEST(test_transcript_format) {
  EXPECT_STR(spp::sim::escape_line("a\\b\r\t\x01"), "a\\\\b\\r\\t\\x01");
  std::string lines = join(spp::sim::server_lines("250 ok\r\n550 x\r\r\nrest"));
  ck_assert_str_eq(lines.c_str(), "[S: 250 ok][S: 550 x\\r][S: rest [no CRLF]]");
  EXPECT_STR(join(spp::sim::body_from_text("a\n.b\n\n")), "[a][..b][][.]");
}
END_TEST

// C1 bytes (0x80-0x9f) are terminal escapes: every byte >= 0x80 is shown as \xHH.
START_TEST(test_transcript_escapes_8bit) {
  EXPECT_STR(spp::sim::escape_line("a\x85" "b\x9b\xa0\xff\x7f"), "a\\x85b\\x9b\\xa0\\xff\\x7f");
}
END_TEST

int main() {
  Suite* s = suite_create("session");
  TCase* tc = tcase_create("config");
  tcase_add_loop_test(tc, test_control_file_lines, 0, sizeof control_rows / sizeof control_rows[0]);
  tcase_add_test(tc, test_parse_smtpplugins);
  suite_add_tcase(s, tc);
  tc = tcase_create("plugin-output");
  tcase_add_loop_test(tc, test_line_splitter, 0, sizeof split_rows / sizeof split_rows[0]);
  tcase_add_test(tc, test_line_splitter_bounds_long_lines);
  tcase_add_test(tc, test_is_terminal);
  tcase_add_test(tc, test_environ);
  suite_add_tcase(s, tc);
  tc = tcase_create("spawn");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, test_run_plugin);
  suite_add_tcase(s, tc);
  tc = tcase_create("data");
  tcase_add_test(tc, test_blast);
  suite_add_tcase(s, tc);
  tc = tcase_create("server");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, test_server_qmail_replies);
  tcase_add_test(tc, test_server_missing_smtpplugins);
  tcase_add_test(tc, test_server_plugin_commands);
  tcase_add_test(tc, test_server_control_lines);
  suite_add_tcase(s, tc);
  tc = tcase_create("session-file");
  tcase_add_test(tc, test_parse_session);
  tcase_add_loop_test(tc, test_parse_session_errors, 0, sizeof bad_sessions / sizeof bad_sessions[0]);
  tcase_add_test(tc, test_transcript_format);
  tcase_add_test(tc, test_transcript_escapes_8bit);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
