// Unit tests of qmail-scanq's pure parts: the envelope, the MIME walker, the
// scanner replies and the scope (mixed-envelope) rule. The scanners and the
// real qmail-queue are tested for real in tests/scanq.test.
#include "scanq.h"

#include <check.h>

#include <string>

#include "check_main.h"

using namespace spp;
using namespace spp::scanq;

static std::string env_bytes(std::string_view s) { return std::string(s); }

static const struct EnvelopeCase {
  const char* name;
  std::string data;
  int status;
  size_t rcpts;
} envelope_cases[] = {
    {"one rcpt", env_bytes(std::string_view("Fa@b\0Tc@d\0\0", 11)), qq::ok, 1},
    {"bounce, two rcpts", env_bytes(std::string_view("F\0Tc@d\0Te@f\0\0", 13)), qq::ok, 2},
    {"no rcpt", env_bytes(std::string_view("Fa@b\0\0", 6)), qq::ok, 0},
    {"empty", "", qq::read_error, 0},
    {"truncated sender", "Fa@b", qq::read_error, 0},
    {"truncated before end", env_bytes(std::string_view("Fa@b\0Tc@d\0", 10)), qq::read_error, 1},
    {"truncated rcpt", env_bytes(std::string_view("Fa@b\0Tc@", 8)), qq::read_error, 0},
    {"no F", env_bytes(std::string_view("Xa@b\0\0", 6)), qq::bad_envelope, 0},
    {"bad letter", env_bytes(std::string_view("Fa@b\0Xc@d\0\0", 11)), qq::bad_envelope, 0},
    {"address too long", "F" + std::string(1003, 'a') + std::string(1, '\0') + std::string(1, '\0'), qq::addr_too_long, 0},
    {"address at the limit", "F" + std::string(1002, 'a') + std::string(2, '\0'), qq::ok, 0},
};

START_TEST(test_envelope_table) {
  const auto& c = envelope_cases[_i];
  EnvelopeResult r = parse_envelope(c.data);
  ck_assert_msg(r.status == c.status, "%s: status %d, want %d", c.name, r.status, c.status);
  if (r.status == qq::ok) {
    ck_assert_msg(r.envelope.recipients.size() == c.rcpts, "%s: %zu rcpts", c.name, r.envelope.recipients.size());
    ck_assert_msg(serialize_envelope(r.envelope) == c.data, "%s: round trip", c.name);
  }
}
END_TEST

static AttachmentPolicy policy() {
  AttachmentPolicy p;
  p.extensions = {"exe", "scr"};
  p.types = {"application/x-msdownload", "video/*"};
  p.signatures = {"TVqQ"};
  p.loaders = {"MZ"};
  return p;
}

// A multipart/mixed message: a text part, then the part under test.
static std::string multi(const char* part_header, const char* body) {
  return std::string("Message-ID: <m1@example>\n"
                     "Content-Type: multipart/mixed; boundary=\"BB\"\n\n"
                     "preamble\n--BB\nContent-Type: text/plain\n\nhello\n--BB\n") +
         part_header + "\n\n" + body + "\n--BB--\nepilogue\n";
}

static const struct MimeCase {
  const char* name;
  std::string message;
  const char* kind;  // nullptr: no hit
} mime_cases[] = {
    {"plain", "Subject: x\n\nhello\n", nullptr},
    {"text part", multi("Content-Type: text/plain", "hi"), nullptr},
    {"exe by filename", multi("Content-Type: application/octet-stream\nContent-Disposition: attachment; filename=\"a.EXE\"", "x"), "extension"},
    {"scr by name, folded", multi("Content-Type: application/octet-stream;\n\tname=\"pic.scr\"", "x"), "extension"},
    {"trailing dot", multi("Content-Disposition: attachment; filename=\"a.exe.\"", "x"), "extension"},
    {"zip is fine", multi("Content-Disposition: attachment; filename=\"a.zip\"", "x"), nullptr},
    {"type", multi("Content-Type: application/x-msdownload", "x"), "type"},
    {"wildcard type", multi("Content-Type: video/mp4", "x"), "type"},
    {"base64 signature", multi("Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64", "TVqQAAMAAAAEAAAA"), "signature"},
    {"loader MZ", multi("Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64", "TVpQAAIAAAAEAA8A"), "loader"},
    {"not base64: no loader", multi("Content-Type: application/octet-stream", "MZ plain text"), nullptr},
    {"single part base64 MZ", "Content-Transfer-Encoding: base64\n\nTVpQAAIAAAAEAA8A\n", "loader"},
    {"nested", "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: multipart/alternative; boundary=B\n\n--B\n"
               "Content-Type: text/plain\n\nx\n--B\nContent-Disposition: attachment; filename=v.exe\n\nx\n--B--\n--A--\n", "extension"},
    {"rfc822 inside", "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: message/rfc822\n\n"
                      "Subject: inner\nContent-Type: application/x-msdownload\n\nx\n--A--\n", "type"},
    {"unterminated boundary", "Content-Type: multipart/mixed; boundary=A\n\n--A\nContent-Type: text/plain\n\nno end", nullptr},
    {"boundary never comes", "Content-Type: multipart/mixed; boundary=A\n\nbody\nmore\n", nullptr},
    {"CRLF lines", "Content-Type: multipart/mixed; boundary=A\r\n\r\n--A\r\nContent-Disposition: attachment; filename=x.exe\r\n\r\nx\r\n--A--\r\n", "extension"},
};

START_TEST(test_mime_table) {
  const auto& c = mime_cases[_i];
  AttachmentPolicy p = policy();
  // Whole, and fed one byte at a time: the same answer.
  for (size_t step : {c.message.size(), size_t(1), size_t(7)}) {
    MimeWalker w(p);
    for (size_t off = 0; off < c.message.size(); off += step) w.feed(std::string_view(c.message).substr(off, step));
    w.finish();
    if (!c.kind) ck_assert_msg(!w.hit(), "%s (step %zu): unexpected hit %s", c.name, step, w.hit() ? w.hit()->kind.c_str() : "");
    else {
      ck_assert_msg(w.hit().has_value(), "%s (step %zu): no hit", c.name, step);
      ck_assert_msg(w.hit()->kind == c.kind, "%s: kind %s", c.name, w.hit()->kind.c_str());
    }
  }
}
END_TEST

START_TEST(test_mime_message_id_and_bounds) {
  AttachmentPolicy p = policy();
  MimeWalker w(p);
  w.feed(multi("Content-Type: text/plain", "x"));
  w.finish();
  ck_assert_str_eq(w.message_id().c_str(), "<m1@example>");
  // 20 000 parts: only kMaxParts are looked at, an attachment after them is not seen.
  std::string m = "Content-Type: multipart/mixed; boundary=A\n\n";
  for (int i = 0; i < 20000; ++i) m += "--A\n\nx\n";
  m += "--A\nContent-Disposition: attachment; filename=late.exe\n\nx\n--A--\n";
  MimeWalker many(p);
  many.feed(m);
  many.finish();
  ck_assert(!many.hit());
  ck_assert_uint_eq(many.parts(), MimeWalker::kMaxParts + 1);
  // A 5 MB line followed by an attachment: still found.
  std::string big = "Content-Type: multipart/mixed; boundary=A\n\n--A\n\n" + std::string(5 << 20, 'x') +
                    "\n--A\nContent-Disposition: attachment; filename=a.exe\n\nx\n--A--\n";
  MimeWalker longline(p);
  for (size_t off = 0; off < big.size(); off += 65536) longline.feed(std::string_view(big).substr(off, 65536));
  longline.finish();
  ck_assert(longline.hit().has_value());
}
END_TEST

static const struct ClamCase {
  const char* name;
  std::string reply;
  ClamStatus status;
  const char* detail;
} clam_cases[] = {
    {"ok", std::string("stream: OK\0", 11), ClamStatus::clean, ""},
    {"found", std::string("stream: Eicar-Test.UNOFFICIAL FOUND\0", 36), ClamStatus::virus, "Eicar-Test.UNOFFICIAL"},
    {"newline ended", "stream: OK\n", ClamStatus::clean, ""},
    {"size limit", std::string("INSTREAM size limit exceeded. ERROR\0", 36), ClamStatus::too_large, "StreamMaxLength exceeded"},
    {"error", "stream: Can't allocate memory ERROR", ClamStatus::error, "Can't allocate memory ERROR"},
    {"empty", "", ClamStatus::error, nullptr},
    {"no prefix", "OK", ClamStatus::error, nullptr},
    {"FOUND without a name", "stream:  FOUND", ClamStatus::error, nullptr},
    {"two lines", "stream: OK\nstream: X FOUND", ClamStatus::error, nullptr},
    {"control bytes in name", "stream: a\x1b[2Jb FOUND", ClamStatus::virus, "a?[2Jb"},
};

START_TEST(test_clamd_reply_table) {
  const auto& c = clam_cases[_i];
  ClamReply r = parse_clamd_reply(c.reply);
  ck_assert_msg(r.status == c.status, "%s: status %d", c.name, int(r.status));
  if (c.detail) ck_assert_msg(r.detail == c.detail, "%s: detail [%s]", c.name, r.detail.c_str());
}
END_TEST

static const struct SpamCase {
  const char* name;
  const char* reply;
  bool ok, spam;
  double score;
} spam_cases[] = {
    {"spam", "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 1005.2 / 5.0\r\n\r\n", true, true, 1005.2},
    {"ham", "SPAMD/1.1 0 EX_OK\r\nContent-length: 0\r\nSpam: False ; -0.1 / 5.0\r\n\r\n", true, false, -0.1},
    {"lf only", "SPAMD/1.1 0 EX_OK\nSpam: Yes ; 6 / 5\n\n", true, true, 6},
    {"error code", "SPAMD/1.0 76 Bad header line: x\r\n\r\n", false, false, 0},
    {"not spamd", "HTTP/1.0 200 OK\r\n\r\n", false, false, 0},
    {"no spam line", "SPAMD/1.1 0 EX_OK\r\n\r\n", false, false, 0},
    {"bad score", "SPAMD/1.1 0 EX_OK\r\nSpam: True ; x / 5.0\r\n\r\n", false, false, 0},
    {"bad flag", "SPAMD/1.1 0 EX_OK\r\nSpam: Maybe ; 1 / 5.0\r\n\r\n", false, false, 0},
    {"empty", "", false, false, 0},
};

START_TEST(test_spamd_reply_table) {
  const auto& c = spam_cases[_i];
  SpamReply r = parse_spamd_reply(c.reply);
  ck_assert_msg(r.ok == c.ok, "%s: ok %d (%s)", c.name, r.ok, r.error.c_str());
  if (c.ok) {
    ck_assert_msg(r.spam == c.spam, "%s: spam", c.name);
    ck_assert_msg(r.score > c.score - 0.01 && r.score < c.score + 0.01, "%s: score %f", c.name, r.score);
  }
}
END_TEST

// The mixed-envelope rule.
static const struct ScopeCase {
  const char* name;
  bool clamglobal, spamglobal;
  unsigned long skipcachk, skipsachk;
  const char* auth_user;  // nullptr: unset
  bool relay;
  std::vector<bool> clam, spam;
  bool want_clam, want_spam, want_reject;
} scope_cases[] = {
    {"nobody asked", false, false, 0, 0, nullptr, false, {false, false}, {false, false}, false, false, false},
    {"one of two asked clam", false, false, 0, 0, nullptr, false, {true, false}, {false, false}, true, false, false},
    {"all asked spam", false, false, 0, 0, nullptr, false, {false, false}, {true, true}, false, true, true},
    {"mixed spam: mark only", false, false, 0, 0, nullptr, false, {false, false}, {true, false}, false, true, false},
    {"global", true, true, 0, 0, nullptr, false, {}, {}, true, true, true},
    {"skip 1, authenticated", true, true, 1, 1, "joe", false, {}, {}, false, false, false},
    {"skip 1, relay only", true, true, 1, 1, nullptr, true, {}, {}, true, true, true},
    {"skip 2, relay", true, true, 2, 2, nullptr, true, {}, {}, false, false, false},
    {"skip 1, empty auth user", true, true, 1, 0, "", false, {}, {}, true, true, true},
    {"skip clam only", true, true, 2, 0, "joe", false, {}, {}, false, true, true},
};

START_TEST(test_scope_table) {
  const auto& c = scope_cases[_i];
  Config config;
  config.clamglobal = c.clamglobal;
  config.spamglobal = c.spamglobal;
  config.skipcachk = c.skipcachk;
  config.skipsachk = c.skipsachk;
  Env env;
  if (c.auth_user) env.set("SMTPAUTHUSER", c.auth_user);
  if (c.relay) env.set("RELAYCLIENT", "");
  Scope s = decide_scope(config, env, c.clam, c.spam);
  ck_assert_msg(s.clam == c.want_clam, "%s: clam %d", c.name, s.clam);
  ck_assert_msg(s.spam == c.want_spam, "%s: spam %d", c.name, s.spam);
  ck_assert_msg(s.spam_reject_ok == c.want_reject, "%s: reject %d", c.name, s.spam_reject_ok);
}
END_TEST

START_TEST(test_header_param) {
  // Each result kept in a variable: ck_assert_str_eq must not see a dead temporary.
  static const struct { const char* value; const char* param; const char* want; } rows[] = {
      {"multipart/mixed; boundary=\"a;b\"; x=1", "boundary", "a;b"},
      {"text/plain;charset=utf-8 ; NAME = x.exe", "name", "x.exe"},
      {"text/plain", "name", ""},
      {"a; b=\"unterminated", "b", "unterminated"},
  };
  for (const auto& r : rows) {
    std::string got = header_param(r.value, r.param);
    ck_assert_msg(got == r.want, "%s / %s: [%s]", r.value, r.param, got.c_str());
  }
}
END_TEST

int main() {
  Suite* s = suite_create("qmail-scanq");
  TCase* tc = tcase_create("parsers");
  tcase_add_loop_test(tc, test_envelope_table, 0, sizeof envelope_cases / sizeof envelope_cases[0]);
  tcase_add_loop_test(tc, test_mime_table, 0, sizeof mime_cases / sizeof mime_cases[0]);
  tcase_add_test(tc, test_mime_message_id_and_bounds);
  tcase_add_loop_test(tc, test_clamd_reply_table, 0, sizeof clam_cases / sizeof clam_cases[0]);
  tcase_add_loop_test(tc, test_spamd_reply_table, 0, sizeof spam_cases / sizeof spam_cases[0]);
  tcase_add_loop_test(tc, test_scope_table, 0, sizeof scope_cases / sizeof scope_cases[0]);
  tcase_add_test(tc, test_header_param);
  tcase_set_timeout(tc, 60);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
