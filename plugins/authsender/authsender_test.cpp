// spp-authsender unit tests: the authsenders parser, the ownership rules per
// mode, the check (untouched clients, 553 text, fail mode) over FakeDeps, the
// [auth] marker (recorded form, who counts as authenticated at MAIL, a login
// refused before spp-auth), hostile logins, and the compiled authsenders.cdb
// deciding exactly as the text (and failing closed when corrupt).
#include <string>
#include <vector>

#include "authsender/authsender.h"
#include "fakes/fake_deps.h"
#include "testutil.h"
#include "text.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::FakeDeps;
using spp::testing::TempHome;
using authsender::Mode;

static const struct {
  const char* name;
  Mode mode;
  const char* login;
  const char* sender;
  bool allowed;
} rows[] = {
    {"off", Mode::off, "joe@example.com", "eve@evil.example", true},
    {"the login itself", Mode::login, "joe@example.com", "joe@example.com", true},
    {"the login, any case", Mode::login, "Joe@Example.com", "jOE@example.COM", true},
    {"login mode: own domain is not enough", Mode::login, "joe@example.com", "ann@example.com", false},
    {"domain mode: own domain", Mode::domain, "joe@example.com", "ann@EXAMPLE.com", true},
    {"domain mode: other domain", Mode::domain, "joe@example.com", "joe@example.org", false},
    {"domain mode: a subdomain is another domain", Mode::domain, "joe@example.com", "joe@mx.example.com", false},
    {"domain mode: login without domain", Mode::domain, "joe", "joe@example.com", false},
    {"authsenders address", Mode::login, "joe@example.com", "sales@example.org", true},
    {"authsenders @domain", Mode::login, "joe@example.com", "any@joe.example", true},
    {"authsenders for a bare login", Mode::domain, "joe", "joe@example.com", false},
    {"authsenders bare login entry", Mode::domain, "ann", "ann@example.net", true},
    {"other login's entries", Mode::login, "joe@example.com", "ann@example.net", false},
    {"null sender", Mode::login, "joe@example.com", "", true},
};

START_TEST(test_authsender_decide) {
  auto row = rows[_i];
  authsender::Config c;
  c.mode = row.mode;
  std::vector<std::string> warnings;
  authsender::parse_authsenders({"joe@example.com: sales@example.org, @joe.example", "Ann : ann@example.net"}, c,
                                warnings);
  ck_assert_uint_eq(warnings.size(), 0);
  std::string got = authsender::decide(c, row.login, row.sender);
  ck_assert_msg(got.empty() == row.allowed, "%s: [%s]", row.name, got.c_str());
}
END_TEST

START_TEST(test_authsender_parse_bad_lines) {
  authsender::Config c;
  std::vector<std::string> warnings;
  authsender::parse_authsenders({"no colon here", ": nobody@example.com", "joe:a@b\tc@d,,  e@f"}, c, warnings);
  ck_assert_uint_eq(warnings.size(), 2);
  ck_assert_uint_eq(c.owned["joe"].size(), 3);
}
END_TEST

static const struct {
  const char* name;
  const char* setting;  // AUTHSENDER, nullptr = unset
  const char* user;     // SMTPAUTHUSER, nullptr = unset
  const char* sender;
  const char* expected;  // serialized verdict
} run_rows[] = {
    {"unauthenticated", "1", nullptr, "eve@evil.example", ""},
    {"empty SMTPAUTHUSER", "1", "", "eve@evil.example", ""},
    {"off by default", nullptr, "joe@example.com", "eve@evil.example", ""},
    {"2: accounting, off", "2", "joe@example.com", "eve@evil.example", ""},
    {"own domain", "1", "joe@example.com", "ann@example.com", ""},
    {"refused, domain rule",
     "1", "joe@example.com", "eve@evil.example",
     "E553 sorry, you are authenticated as joe@example.com and may send only as that address, @example.com or its "
     "addresses in authsenders (#5.7.1)\n"},
    {"refused, login rule", "login", "joe@example.com", "ann@example.com",
     "E553 sorry, you are authenticated as joe@example.com and may send only as that login or its addresses in "
     "authsenders (#5.7.1)\n"},
    {"hostile login", "login", "j\r\nE250 x", "ann@example.com",
     "E553 sorry, you are authenticated as j??E250 x and may send only as that login or its addresses in "
     "authsenders (#5.7.1)\n"},
};

START_TEST(test_authsender_run) {
  auto row = run_rows[_i];
  TempHome home;
  FakeDeps deps;
  Env env;
  if (row.setting) env.set("AUTHSENDER", row.setting);
  if (row.user) env.set("SMTPAUTHUSER", row.user);
  env.set("SMTPMAILFROM", row.sender);
  Control control(home.dir(), env);
  Verdict v = run_check(authsender::check, Context{Hook::mail, env, control, deps, &authsender::check});
  std::string out = v.serialize();
  ck_assert_msg(out == row.expected, "%s: [%s]", row.name, out.c_str());
}
END_TEST

START_TEST(test_authsender_fail_mode) {
  TempHome home;
  FakeDeps deps;
  deps.unreadable.insert(home.control("authsenders"));
  Env env;
  env.set("AUTHSENDER", "1");
  env.set("SMTPAUTHUSER", "joe@example.com");
  env.set("SMTPMAILFROM", "joe@example.com");
  {
    Control control(home.dir(), env);
    Verdict v = run_check(authsender::check, Context{Hook::mail, env, control, deps, &authsender::check});
    ck_assert_str_eq(v.terminal_text().c_str(), "451 temporary local problem, please try again later (#4.3.0)");
  }
  env.set("AUTHSENDERFAILCLOSED", "0");
  Control control(home.dir(), env);
  ck_assert(run_check(authsender::check, Context{Hook::mail, env, control, deps, &authsender::check}).empty());
}
END_TEST

// A Context needs an lvalue Env and Control; this bundles them for a run.
static Verdict run_at(Hook hook, FakeDeps& deps, const Env& env, const std::string& home = "/nonexistent-home") {
  Control control(home, env);
  return run_check(authsender::check, Context{hook, env, control, deps, &authsender::check});
}

// [auth]: the marker is the escaped login, always through an S line; a login
// it cannot record is refused (535).
static const struct {
  const char* name;
  std::string user;
  const char* expected;
} auth_rows[] = {
    {"plain login", "joe@example.com", "SSPP_AUTHUSER=joe@example.com\n"},
    {"CR LF", "joe\r\nE250 ok", "SSPP_AUTHUSER=joe\\r\\x0aE250 ok\n"},
    {"NUL", std::string("joe\0x", 5), "SSPP_AUTHUSER=joe\\x00x\n"},
    {"8-bit", "j\xc3\xb6@example.com", "SSPP_AUTHUSER=j\\xc3\\xb6@example.com\n"},
    {"1000 bytes: not recordable, refused", std::string(1000, 'a'),
     "SSPP_AUTHUSER=\nE535 sorry, that login is empty or too long (#5.7.8)\n"},
    {"empty: refused", "", "SSPP_AUTHUSER=\nE535 sorry, that login is empty or too long (#5.7.8)\n"},
};

START_TEST(test_authsender_auth_marker) {
  auto& row = auth_rows[_i];
  FakeDeps deps;
  Env env;
  ck_assert(run_at(Hook::auth, deps, env).empty());  // no SMTPAUTHUSER: nothing to record
  env.set("SMTPAUTHUSER", row.user);
  env.set("SMTPAUTHMETHOD", "login");
  std::string out = run_at(Hook::auth, deps, env).serialize();
  ck_assert_msg(out == row.expected, "%s: [%s]", row.name, out.c_str());
  // Applied as qmail-spp applies it, the marker makes this very login authenticated (if recordable).
  std::string marker = out.substr(14, out.find('\n') - 14);
  env.set("SPP_AUTHUSER", marker);
  ck_assert_msg(env.authenticated() == !marker.empty(), "%s", row.name);
}
END_TEST

// [mail]: who counts as authenticated. authsender=login, smtpplugins with or
// without spp-auth under [auth]; eve@evil.example is never joe's.
static const struct {
  const char* name;
  const char* user;    // SMTPAUTHUSER
  const char* marker;  // SPP_AUTHUSER, nullptr = unset
  bool spp_auth_listed;
  const char* expected;
} mail_rows[] = {
    {"marker = login: checked", "joe@example.com", "joe@example.com", true,
     "E553 sorry, you are authenticated as joe@example.com and may send only as that login or its addresses in "
     "authsenders (#5.7.1)\n"},
    {"marker of another login: untouched", "joe@example.com", "ann@example.com", true, ""},
    {"empty marker: untouched", "joe@example.com", "", true, ""},
    {"marker differs in case: untouched", "Joe@example.com", "joe@example.com", true, ""},
    {"no marker, spp-auth under [auth]: refused before it, recorded", "joe@example.com", nullptr, true,
     "SSPP_AUTHUSER=\n"},
    {"no marker, no spp-auth: as before", "joe@example.com", nullptr, false,
     "E553 sorry, you are authenticated as joe@example.com and may send only as that login or its addresses in "
     "authsenders (#5.7.1)\n"},
};

START_TEST(test_authsender_mail_marker) {
  auto& row = mail_rows[_i];
  FakeDeps deps;
  deps.files["/h/control/smtpplugins"] =
      row.spp_auth_listed ? "[mail]\n/p/spp-mail\n[auth]\n/p/other\n/p/spp-auth\n" : "[mail]\n/p/spp-mail\n";
  Env env;
  env.set("AUTHSENDER", "login");
  env.set("SMTPAUTHUSER", row.user);
  env.set("SMTPMAILFROM", "eve@evil.example");
  if (row.marker) env.set("SPP_AUTHUSER", row.marker);
  std::string out = run_at(Hook::mail, deps, env, "/h").serialize();
  ck_assert_msg(out == row.expected, "%s: [%s]", row.name, out.c_str());
  // The same through spp-mail: every later check agrees (the S is applied first).
  Control control("/h", env);
  Env bundled = env;
  run_hook(Hook::mail, bundled, control, deps);
  bool authenticated = std::string(row.expected).rfind("E553", 0) == 0;
  ck_assert_msg(bundled.authenticated() == authenticated, "%s: bundled", row.name);
}
END_TEST

// SPPCONFFILE replaces control/smtpplugins, relative to the qmail home.
START_TEST(test_authsender_sppconffile) {
  FakeDeps deps;
  deps.files["/h/etc/spp"] = "[auth]\nspp-auth\n";
  Env env;
  env.set("AUTHSENDER", "1");
  env.set("SMTPAUTHUSER", "joe@example.com");
  env.set("SMTPMAILFROM", "eve@evil.example");
  env.set("SPPCONFFILE", "etc/spp");
  ck_assert(run_at(Hook::mail, deps, env, "/h").serialize() == std::string("SSPP_AUTHUSER=\n"));
  env.set("SPPCONFFILE", "/h/etc/other");
  ck_assert(run_at(Hook::mail, deps, env, "/h").serialize().substr(0, 4) == std::string("E553"));
}
END_TEST

static const struct {
  const char* name;
  std::string_view text;
  bool listed;
} listed_rows[] = {
    {"absolute", "[auth]\n/var/qmail/plugins/spp-auth\n", true},
    {"relative, trailing blanks", "[auth]\nplugins/spp-auth \t\n", true},
    // qmail-spp strips blanks, not CR: it would exec "plugins/spp-auth\r", not spp-auth.
    {"CRLF: the CR stays in the path", "[auth]\r\nplugins/spp-auth\r\n", false},
    {"a NUL splits the line", std::string_view("[auth]\n/p/x\0/p/spp-auth\n", 24), true},
    {"one letter decides the section", "[authentication]\nspp-auth\n", true},
    {"under [mail]", "[mail]\nplugins/spp-auth\n", false},
    {"another name", "[auth]\nplugins/spp-authsender\nplugins/spp-auth2\n", false},
    {"a shell entry", "[auth]\n:plugins/spp-auth\n", false},
    {"a comment", "[auth]\n#plugins/spp-auth\n", false},
    {"before any section", "plugins/spp-auth\n[auth]\n", false},
    {"after another section", "[auth]\n[rcpt]\nplugins/spp-auth\n", false},
    {"empty", "", false},
};

START_TEST(test_authsender_spp_auth_listed) {
  ck_assert_msg(authsender::spp_auth_listed(listed_rows[_i].text) == listed_rows[_i].listed, "%s",
                listed_rows[_i].name);
}
END_TEST

// The compiled form decides exactly as the text, for every row of the table
// and every login (a cdb the way spp-conf cdb writes it, read through FakeDeps).
START_TEST(test_authsender_cdb_equals_text) {
  std::vector<std::string> lines = {"joe@example.com: sales@example.org, @joe.example", "Ann : ann@example.net",
                                    "JOE@example.com:  second@example.org", "empty:"};
  FakeDeps text, compiled;
  std::string all;
  for (const auto& l : lines) all += l + "\n";
  text.files["/h/control/authsenders"] = all;
  for (const auto& [k, v] : authsender::cdb_records(lines)) compiled.cdbs["/h/control/authsenders.cdb"].emplace(k, v);
  compiled.files["/h/control/authsenders"] = "stale: nothing\n";  // not read while the cdb exists
  const char* logins[] = {"joe@example.com", "JOE@Example.com", "ann", "empty", "nobody", "stale"};
  const char* senders[] = {"sales@example.org", "x@joe.example", "second@example.org", "ann@example.net",
                           "joe@example.com",   "nothing",       "eve@evil.example",   ""};
  for (const char* mode : {"1", "login"})
    for (const char* login : logins)
      for (const char* sender : senders) {
        Env env;
        env.set("AUTHSENDER", mode);
        env.set("SMTPAUTHUSER", login);
        env.set("SMTPMAILFROM", sender);
        std::string a = run_at(Hook::mail, text, env, "/h").serialize();
        std::string b = run_at(Hook::mail, compiled, env, "/h").serialize();
        ck_assert_msg(a == b, "%s %s <%s>: text [%s] cdb [%s]", mode, login, sender, a.c_str(), b.c_str());
      }
  auto records = authsender::cdb_records(lines);
  ck_assert_uint_eq(records.size(), 4);  // the mark, ann, empty, joe (both of joe's lines in one key)
  ck_assert_str_eq(records[3].second.c_str(), "sales@example.org @joe.example second@example.org");
}
END_TEST

// An unreadable or foreign cdb: the fail mode, never 5xx (a corrupt file: tests/authsender.test).
START_TEST(test_authsender_cdb_fail) {
  for (int variant = 0; variant < 2; ++variant) {
    FakeDeps deps;
    if (variant == 0) deps.unreadable.insert("/h/control/authsenders.cdb");
    if (variant == 1) deps.cdbs["/h/control/authsenders.cdb"]["joe@example.com"] = "x@y";  // no mark: foreign
    Env env;
    env.set("AUTHSENDER", "1");
    env.set("SMTPAUTHUSER", "joe@example.com");
    env.set("SMTPMAILFROM", "joe@example.com");
    std::string out = run_at(Hook::mail, deps, env, "/h").serialize();
    ck_assert_msg(out == "E451 temporary local problem, please try again later (#4.3.0)\n", "variant %d: [%s]", variant,
                  out.c_str());
    env.set("AUTHSENDERFAILCLOSED", "0");
    ck_assert_msg(run_at(Hook::mail, deps, env, "/h").empty(), "variant %d, fail open", variant);
  }
}
END_TEST

// Hostile logins at [mail]: bounded, one line, no CR/LF in the reply.
START_TEST(test_authsender_hostile_logins) {
  std::string logins[] = {std::string(1000, 'a'), "j\xc3\xb6\xff@example.com", "joe\r\nE250 ok", std::string("jo\0e", 4),
                          std::string(1000, '\n')};
  for (const auto& login : logins) {
    for (bool recorded : {false, true}) {
      FakeDeps deps;
      Env env;
      env.set("AUTHSENDER", "login");
      env.set("SMTPAUTHUSER", login);
      env.set("SMTPMAILFROM", "eve@evil.example");
      if (recorded) env.set("SPP_AUTHUSER", auth_marker(login));
      std::string out = run_at(Hook::mail, deps, env, "/h").serialize();
      // Not recordable (1000 bytes) with the marker in force: untouched; otherwise refused.
      bool untouched = recorded && auth_marker(login).empty();
      ck_assert_msg(untouched ? out.empty() : out.rfind("E553 sorry, you are authenticated as ", 0) == 0, "[%s]",
                    out.c_str());
      ck_assert(out.empty() || out.find('\n') == out.size() - 1);
      ck_assert(out.find('\r') == std::string::npos && out.find('\0') == std::string::npos);
      ck_assert(out.size() < 600);
    }
  }
}
END_TEST

int main() {
  Suite* s = suite_create("spp-authsender");
  TCase* tc = tcase_create("authsender");
  tcase_add_loop_test(tc, test_authsender_decide, 0, sizeof rows / sizeof rows[0]);
  tcase_add_test(tc, test_authsender_parse_bad_lines);
  tcase_add_loop_test(tc, test_authsender_run, 0, sizeof run_rows / sizeof run_rows[0]);
  tcase_add_test(tc, test_authsender_fail_mode);
  tcase_add_loop_test(tc, test_authsender_auth_marker, 0, sizeof auth_rows / sizeof auth_rows[0]);
  tcase_add_loop_test(tc, test_authsender_mail_marker, 0, sizeof mail_rows / sizeof mail_rows[0]);
  tcase_add_test(tc, test_authsender_sppconffile);
  tcase_add_loop_test(tc, test_authsender_spp_auth_listed, 0, sizeof listed_rows / sizeof listed_rows[0]);
  tcase_add_test(tc, test_authsender_cdb_equals_text);
  tcase_add_test(tc, test_authsender_cdb_fail);
  tcase_add_test(tc, test_authsender_hostile_logins);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
