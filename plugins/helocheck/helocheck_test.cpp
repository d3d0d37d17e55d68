// spp-helocheck unit tests: spamcontrol 2.7's HELOCHECK reading (semantics.md
// §1.5, dohelo/bhelocheck), badhelo (exact any case, name!, wildmat with !
// exceptions, last match wins), the extra switches, the DNS verdict from
// scripted answers, and the check around it (marker at HELO/MAIL, refusal at
// RCPT, fail mode) over FakeDeps. The c-ares resolver against knot:
// tests/helocheck-dns.test; through spp-conf test: tests/helocheck.test.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "fakes/fake_deps.h"
#include "helocheck/helocheck.h"
#include "testutil.h"
#include "text.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using namespace spp::testing;
using helocheck::Result;

// HELOCHECK values as spamcontrol reads them (only one character is a mode).
static const struct {
  const char* value;  // nullptr: unset everywhere
  bool list, require_seen, require_arg, equal;
  char dns;
} mode_rows[] = {
    {nullptr, true, false, false, false, 0},  // H-Sphere: badhelo when present
    {"", true, false, false, false, 0},
    {"!", false, true, true, false, 0},
    {".", true, true, true, false, 0},
    {"=", true, true, false, true, 0},
    {"A", true, true, false, false, 'A'},
    {"M", true, true, false, false, 'M'},
    {"a", false, true, false, false, 0},   // trap: lower case is an unknown character
    {"x", false, true, false, false, 0},   // unknown: only !seenhelo
    {"AM", true, false, false, false, 0},  // longer: badhelo only
    {"off", false, false, false, false, 0},
};

START_TEST(test_modes) {
  auto row = mode_rows[_i];
  helocheck::Config c;
  helocheck::apply_mode(c, row.value ? std::optional<std::string_view>(row.value) : std::nullopt);
  const char* v = row.value ? row.value : "(unset)";
  ck_assert_msg(c.list == row.list, "%s: list", v);
  ck_assert_msg(c.require_seen == row.require_seen, "%s: require_seen", v);
  ck_assert_msg(c.require_arg == row.require_arg, "%s: require_arg", v);
  ck_assert_msg(c.equal == row.equal, "%s: equal", v);
  ck_assert_msg(c.dns == row.dns, "%s: dns", v);
}
END_TEST

static helocheck::Config config_with(const char* mode, const char* badhelo) {
  helocheck::Config c;
  helocheck::apply_mode(c, mode ? std::optional<std::string_view>(mode) : std::nullopt);
  FakeDeps deps;
  deps.files["/q/control/badhelo"] = badhelo;
  Env env;
  if (mode) env.set("HELOCHECK", mode);
  Control control("/q", env);
  std::vector<std::string> warnings;
  return helocheck::load_config(control, env, deps, warnings);
}

// decide() rows: mode, badhelo, switches, HELO (nullptr: never sent), client host, expected.
static const struct {
  const char* name;
  const char* mode;
  const char* badhelo;
  const char* helo;
  const char* host;
  Result want;
  bool asks_dns;
} decide_rows[] = {
    {"no list, no mode", "off", "", "anything", nullptr, Result::ok, false},
    {"exact", "", "spammer.example\n", "spammer.example", nullptr, Result::listed, false},
    {"exact, any case", "", "Spammer.Example\n", "SPAMMER.example", nullptr, Result::listed, false},
    {"exact, other name", "", "spammer.example\n", "mx.example", nullptr, Result::ok, false},
    {"pattern", "", "*.dyn.example\n", "p1.dyn.example", nullptr, Result::listed, false},
    {"pattern is case-sensitive", "", "*.dyn.example\n", "p1.DYN.example", nullptr, Result::ok, false},
    {"pattern anchored", "", "dyn.*\n", "p1.dyn.example", nullptr, Result::ok, false},
    {"! exception, last wins", "", "*.dyn.example\n!ok.dyn.example\n", "ok.dyn.example", nullptr, Result::ok, false},
    {"exception then general again", "", "*.dyn.example\n!ok.*\n*ok.dyn*\n", "ok.dyn.example", nullptr, Result::listed, false},
    {"no ! rescue of an exact entry", "", "ok.dyn.example\n!ok.dyn.example\n", "ok.dyn.example", nullptr, Result::listed, false},
    {"? is one character", "", "mx?.example\n", "mx1.example", nullptr, Result::listed, false},
    {"? is not zero characters (prose trap)", "", "mx?.example\n", "mx.example", nullptr, Result::ok, false},
    {"* is zero or more (prose trap)", "", "mx*.example\n", "mx.example", nullptr, Result::listed, false},
    {"set", "", "[0-9]*.example\n", "7up.example", nullptr, Result::listed, false},
    {"negated set [^...]", "", "[^0-9]*.example\n", "7up.example", nullptr, Result::ok, false},
    {"[!...] is not negation", "", "[!0-9]x\n", "!x", nullptr, Result::listed, false},
    {"escaped bracket", "", "\\[*\n", "[192.0.2.1]", nullptr, Result::listed, false},
    {"lone * matches the empty HELO", "", "*\n", "", nullptr, Result::listed, false},
    {"name! passes", "", "*\n[192.168.1.2]!\n", "[192.168.1.2]", nullptr, Result::whitelisted, false},
    {"name! any case", "", "*\nMX.Example!\n", "mx.example", nullptr, Result::whitelisted, false},
    {"name! skips DNS", "A", "mx.example!\n", "mx.example", nullptr, Result::whitelisted, false},
    {"unset: no HELO passes", nullptr, "x\n", nullptr, nullptr, Result::ok, false},
    {"'' : no HELO passes", "", "x\n", nullptr, nullptr, Result::ok, false},
    {"! : no HELO", "!", "", nullptr, nullptr, Result::missing, false},
    {"! : empty HELO", "!", "", "", nullptr, Result::missing, false},
    {"! : badhelo not read", "!", "spammer.example\n", "spammer.example", nullptr, Result::ok, false},
    {". : listed", ".", "spammer.example\n", "spammer.example", nullptr, Result::listed, false},
    {". : empty HELO", ".", "", "", nullptr, Result::missing, false},
    {"= : equal", "=", "", "MX.client.example", "mx.client.example", Result::ok, false},
    {"= : other", "=", "", "mx.client.example", "other.example", Result::mismatch, false},
    {"= : no host name", "=", "", "mx.client.example", nullptr, Result::mismatch, false},
    {"= : no HELO", "=", "", nullptr, "mx.client.example", Result::missing, false},
    {"A : asks", "A", "", "mx.client.example", nullptr, Result::ok, true},
    {"A : listed first, no DNS", "A", "mx.client.example\n", "mx.client.example", nullptr, Result::listed, false},
    {"A : no HELO", "A", "", nullptr, nullptr, Result::missing, false},
    {"A : empty HELO cannot exist", "A", "", "", nullptr, Result::nodns, false},
    {"A : literal passes", "A", "", "[192.0.2.1]", nullptr, Result::ok, false},
    {"A : impossible name", "A", "", "bad..name", nullptr, Result::nodns, false},
    {"A : 8-bit name", "A", "", "b\xe4" "d.example", nullptr, Result::nodns, false},
    {"M : asks", "M", "", "mx.client.example", nullptr, Result::ok, true},
    {"x : unknown char refuses only no HELO", "x", "spammer.example\n", "spammer.example", nullptr, Result::ok, false},
    {"x : no HELO", "x", "", nullptr, nullptr, Result::missing, false},
};

START_TEST(test_decide) {
  auto row = decide_rows[_i];
  helocheck::Config c = config_with(row.mode, row.badhelo);
  helocheck::Client client{row.host ? std::optional<std::string_view>(row.host) : std::nullopt, "192.0.2.7", {}, false};
  auto d = helocheck::decide(c, row.helo ? std::optional<std::string_view>(row.helo) : std::nullopt, client);
  ck_assert_msg(d.result == row.want, "%s: got %s", row.name, helocheck::result_name(d.result));
  ck_assert_msg(d.dns_name.has_value() == row.asks_dns, "%s: asks DNS", row.name);
}
END_TEST


// badhelo.cdb (spp-conf cdb badhelo): the decide rows that read badhelo give
// the same result from the compiled form.
START_TEST(test_decide_compiled) {
  auto row = decide_rows[_i];
  helocheck::Config c = config_with(row.mode, row.badhelo);
  if (!c.list) return;
  std::vector<std::string> lines;
  for (auto l : split_lines(row.badhelo)) lines.emplace_back(l);
  auto db = std::make_shared<std::map<std::string, std::string>>();
  for (auto& [k, v] : helocheck::cdb_records(lines)) db->emplace(k, v);
  c.exact.clear(), c.passes.clear(), c.patterns.clear();
  c.compiled = [db](std::string_view key) {
    auto it = db->find(std::string(key));
    return it == db->end() ? CdbResult{Lookup::missing, "", ""} : CdbResult{Lookup::found, it->second, ""};
  };
  helocheck::Client client{row.host ? std::optional<std::string_view>(row.host) : std::nullopt, "192.0.2.7", {}, false};
  auto d = helocheck::decide(c, row.helo ? std::optional<std::string_view>(row.helo) : std::nullopt, client);
  ck_assert_msg(d.result == row.want, "%s (cdb): got %s", row.name, helocheck::result_name(d.result));
  c.compiled = [](std::string_view) { return CdbResult{Lookup::error, "", "corrupt cdb"}; };
  d = helocheck::decide(c, row.helo ? std::optional<std::string_view>(row.helo) : std::nullopt, client);
  if (row.helo) ck_assert_msg(!d.error.empty() && !helocheck::refuses(d.result), "%s: a broken cdb refuses", row.name);
}
END_TEST

// The switches: own name/IP, bare IP, FQDN.
static const struct {
  const char* name;
  bool self, bareip, fqdn;
  const char* helo;
  const char* client_ip;
  bool morercpthosts;
  Result want;
} switch_rows[] = {
    {"bare IPv4", false, true, false, "192.0.2.9", "192.0.2.7", false, Result::bareip},
    {"bare IPv6", false, true, false, "2001:db8::9", "192.0.2.7", false, Result::bareip},
    {"bracketed is fine", false, true, true, "[192.0.2.9]", "192.0.2.7", false, Result::ok},
    {"IPv6 literal is fine", false, true, true, "[IPv6:2001:db8::9]", "192.0.2.7", false, Result::ok},
    {"not an IP", false, true, false, "192.0.2.9.example", "192.0.2.7", false, Result::ok},
    {"fqdn", false, false, true, "mx.client.example", "192.0.2.7", false, Result::ok},
    {"fqdn, trailing dot", false, false, true, "mx.client.example.", "192.0.2.7", false, Result::ok},
    {"single label", false, false, true, "localhost", "192.0.2.7", false, Result::notfqdn},
    {"numeric TLD", false, false, true, "host.123", "192.0.2.7", false, Result::notfqdn},
    {"bare IP is no FQDN", false, false, true, "192.0.2.9", "192.0.2.7", false, Result::ok},  // an address: helobareip's business
    {"empty label", false, false, true, "mx..example", "192.0.2.7", false, Result::notfqdn},
    {"blank", false, false, true, "mx example.com", "192.0.2.7", false, Result::notfqdn},
    {"control byte", false, false, true, "mx\x01.example", "192.0.2.7", false, Result::notfqdn},
    {"8-bit", false, false, true, "m\xe4x.example", "192.0.2.7", false, Result::notfqdn},
    {"my name (me)", true, false, false, "MX.Example.TEST", "192.0.2.7", false, Result::self},
    {"my name (locals)", true, false, false, "example.test", "192.0.2.7", false, Result::self},
    {"my name (rcpthosts), trailing dot", true, false, false, "hosted.example.", "192.0.2.7", false, Result::self},
    {"rcpthosts .domain is not a name", true, false, false, "sub.dot.example", "192.0.2.7", false, Result::ok},
    {"morercpthosts.cdb", true, false, false, "big.example", "192.0.2.7", true, Result::self},
    {"my address, literal", true, false, false, "[198.51.100.1]", "192.0.2.7", false, Result::self},
    {"my address, bare", true, false, false, "198.51.100.1", "192.0.2.7", false, Result::self},
    {"my IPv6 address, other spelling", true, false, false, "[IPv6:2001:DB8:0::1]", "192.0.2.7", false, Result::self},
    {"a stranger's own address", true, false, false, "[192.0.2.7]", "192.0.2.7", false, Result::ok},
    {"from loopback", true, false, false, "mx.example.test", "127.0.0.1", false, Result::ok},
    {"from my own address", true, false, false, "mx.example.test", "198.51.100.1", false, Result::ok},
};

START_TEST(test_switches) {
  auto row = switch_rows[_i];
  helocheck::Config c;
  c.self = row.self, c.bareip = row.bareip, c.fqdn = row.fqdn;
  c.own_names = {"mx.example.test", "example.test", "hosted.example"};
  helocheck::Client client{std::nullopt, row.client_ip, {"198.51.100.1", "2001:db8::1"}, row.morercpthosts};
  auto d = helocheck::decide(c, std::string_view(row.helo), client);
  ck_assert_msg(d.result == row.want, "%s: got %s", row.name, helocheck::result_name(d.result));
}
END_TEST

static const struct {
  const char* name;
  std::vector<Answer> answers;
  Result want;
} eval_rows[] = {
    {"A", {found({"192.0.2.1"}), not_found_answer()}, Result::ok},
    {"AAAA only", {not_found_answer(), found({"2001:db8::1"})}, Result::ok},
    {"NXDOMAIN/NODATA", {not_found_answer(), not_found_answer()}, Result::nodns},
    {"SERVFAIL", {temp_fail_answer("SERVFAIL"), temp_fail_answer("SERVFAIL")}, Result::dnserror},
    {"timeout on one, none found", {not_found_answer(), temp_fail_answer("timeout")}, Result::dnserror},
    {"MX beats a failure", {found({"10 mx.example"}), temp_fail_answer("timeout"), not_found_answer()}, Result::ok},
};

START_TEST(test_evaluate) {
  auto& row = eval_rows[_i];
  ck_assert_msg(helocheck::evaluate(row.answers) == row.want, "%s", row.name);
}
END_TEST

START_TEST(test_queries) {
  auto a = helocheck::build_queries('A', "mx.example");
  ck_assert_uint_eq(a.size(), 2);
  ck_assert(a[0].type == RRType::a && a[1].type == RRType::aaaa);
  auto m = helocheck::build_queries('M', "mx.example");
  ck_assert_uint_eq(m.size(), 3);
  ck_assert(m[0].type == RRType::mx);
}
END_TEST

#define EXPECT_OUT(expr, want)                                          \
  do {                                                                  \
    std::string got_ = (expr);                                          \
    ck_assert_msg(got_ == std::string(want), "got [%s]", got_.c_str()); \
  } while (0)

struct Fixture {
  TempHome home;
  FakeDeps deps;
  Verdict run(Hook hook, Env& env) {
    Control control(home.dir(), env);
    return run_check(helocheck::check, Context{hook, env, control, deps, &helocheck::check});
  }
  // Applies the S/U lines as qmail-spp does.
  void apply(const Verdict& v, Env& env) {
    for (const auto& l : v.lines()) {
      if (l[0] == 'S') env.set(l.substr(1, l.find('=') - 1), l.substr(l.find('=') + 1));
      if (l[0] == 'U') env.unset(l.substr(1));
    }
  }
};

START_TEST(test_helo_mail_rcpt) {
  Fixture f;
  f.deps.files[f.home.control("badhelo")] = "spammer.example\n";
  f.deps.resolver.set("mx.client.example", RRType::a, found({"192.0.2.7"}));
  Env env;
  env.set("TCPREMOTEIP", "192.0.2.7");
  env.set("HELOCHECK", "A");
  env.set("SMTPHELOHOST", "spammer.example");
  Verdict v = f.run(Hook::helo, env);
  EXPECT_OUT(v.serialize(), "SSPP_HELO=listed spammer.example\n");  // HELO itself: 250
  f.apply(v, env);
  ck_assert_uint_eq(f.deps.resolver.calls().size(), 0);  // listed: no lookup
  env.set("SMTPMAILFROM", "joe@example.org");
  ck_assert(f.run(Hook::mail, env).empty());  // verdict stored for this HELO: nothing to do
  env.set("SMTPRCPTTO", "u@example.test");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "E550 sorry, invalid HELO/EHLO greeting (#5.7.1)\n");
  env.set("REPLY_HELO", "see http://x.example/\r\nforged");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "E550 sorry, invalid HELO/EHLO greeting see http://x.example/??forged (#5.7.1)\n");
  env.unset("REPLY_HELO");
  // A new HELO decides again (and replaces the verdict).
  env.set("SMTPHELOHOST", "mx.client.example");
  v = f.run(Hook::helo, env);
  EXPECT_OUT(v.serialize(), "USPP_HELO\nSSPP_HELO=ok mx.client.example\n");
  f.apply(v, env);
  ck_assert_uint_eq(f.deps.resolver.calls().size(), 1);
  ck_assert_uint_eq(f.deps.resolver.calls()[0].queries.size(), 2);  // A and AAAA in one batch
  ck_assert_int_eq(f.deps.resolver.calls()[0].timeout_ms, 10000);
  ck_assert(f.run(Hook::rcpt, env).empty());
  ck_assert_uint_eq(f.deps.resolver.calls().size(), 1);  // RCPT from the marker
}
END_TEST

START_TEST(test_no_helo_decided_at_mail) {
  Fixture f;
  Env env;
  env.set("HELOCHECK", ".");
  env.set("SMTPMAILFROM", "joe@example.org");
  Verdict v = f.run(Hook::mail, env);
  EXPECT_OUT(v.serialize(), "SSPP_HELO=missing\n");
  f.apply(v, env);
  env.set("SMTPRCPTTO", "u@example.test");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "E550 sorry, invalid HELO/EHLO greeting (#5.7.1)\n");
  // The marker "missing" is not taken for a HELO sent later.
  env.set("SMTPHELOHOST", "mx.client.example");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "SSPP_HELO=ok mx.client.example\n");
}
END_TEST

START_TEST(test_dns_fail_mode_and_skips) {
  Fixture f;
  f.deps.resolver.set_zone_status("broken.example", temp_fail_answer("SERVFAIL"));
  f.deps.resolver.set("nx.example", RRType::a, not_found_answer());
  Env env;
  env.set("HELOCHECK", "M");
  env.set("HELOTIMEOUT", "3");
  env.set("SMTPHELOHOST", "mx.broken.example");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "SSPP_HELO=dnserror mx.broken.example\n");
  ck_assert_int_eq(f.deps.resolver.calls().back().timeout_ms, 3000);
  ck_assert_uint_eq(f.deps.resolver.calls().back().queries.size(), 3);
  env.set("HELOFAILCLOSED", "1");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "SSPP_HELO=dnserror mx.broken.example\nE451 DNS temporary failure (#4.3.0)\n");
  env.set("SPP_HELO", "dnserror mx.broken.example");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "E451 DNS temporary failure (#4.3.0)\n");
  // A failed lookup is asked again at the next HELO.
  size_t calls = f.deps.resolver.calls().size();
  f.run(Hook::helo, env);
  ck_assert_uint_eq(f.deps.resolver.calls().size(), calls + 1);
  env.unset("SPP_HELO");
  env.set("SMTPHELOHOST", "nx.example");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "SSPP_HELO=nodns nx.example\nE550 sorry, invalid HELO/EHLO greeting (#5.7.1)\n");
  // Relaying and authenticated clients are never checked.
  calls = f.deps.resolver.calls().size();
  env.set("RELAYCLIENT", "");
  ck_assert(f.run(Hook::rcpt, env).empty());
  env.unset("RELAYCLIENT");
  env.set("SMTPAUTHUSER", "joe");
  ck_assert(f.run(Hook::rcpt, env).empty());
  ck_assert_uint_eq(f.deps.resolver.calls().size(), calls);
}
END_TEST

START_TEST(test_unreadable_badhelo) {
  Fixture f;
  f.deps.unreadable.insert(f.home.control("badhelo"));
  Env env;
  env.set("SMTPHELOHOST", "mx.client.example");
  ck_assert(f.run(Hook::helo, env).empty());  // no opinion, decided again at RCPT
  ck_assert(f.run(Hook::rcpt, env).empty());
  env.set("HELOFAILCLOSED", "1");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "E451 temporary local problem, please try again later (#4.3.0)\n");
}
END_TEST

START_TEST(test_self_through_deps) {
  Fixture f;
  f.deps.addresses = {"127.0.0.1", "198.51.100.1"};
  f.deps.files[f.home.control("me")] = "mx.example.test\n";
  f.deps.cdbs[f.home.control("morercpthosts.cdb")]["big.example"] = "";
  Env env;
  env.set("HELOSELF", "1");
  env.set("TCPREMOTEIP", "192.0.2.7");
  env.set("TCPLOCALIP", "203.0.113.5");
  for (const char* helo : {"mx.example.test", "[198.51.100.1]", "[203.0.113.5]", "BIG.example"}) {
    env.set("SMTPHELOHOST", helo);
    std::string want = std::string("SSPP_HELO=self ") + helo + "\nE550 sorry, invalid HELO/EHLO greeting (#5.7.1)\n";
    EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), want);
  }
  env.set("SMTPHELOHOST", "mx.client.example");
  EXPECT_OUT(f.run(Hook::rcpt, env).serialize(), "SSPP_HELO=ok mx.client.example\n");
}
END_TEST

START_TEST(test_lint) {
  TempHome home;
  home.write("control/badhelo", "ok\r\n[unbalanced\ntrailing\\\n");
  home.write("control/helocheck", "a\n");
  home.write("control/helotimeout", "0\n");
  Env env;
  Control control(home.dir(), env);
  std::vector<std::string> w;
  helocheck::check.lint(control, w);
  std::string all;
  for (auto& s : w) all += s + "\n";
  ck_assert_msg(all.find("DOS line ends") != std::string::npos, "%s", all.c_str());
  ck_assert_msg(all.find("has a '[' without ']'") != std::string::npos, "%s", all.c_str());
  ck_assert_msg(all.find("ends in a lone backslash") != std::string::npos, "%s", all.c_str());
  ck_assert_msg(all.find("helocheck 'a' is not one of") != std::string::npos, "%s", all.c_str());
  ck_assert_msg(all.find("helotimeout") != std::string::npos, "%s", all.c_str());
}
END_TEST

int main() {
  Suite* s = suite_create("spp-helocheck");
  TCase* tc = tcase_create("helocheck");
  tcase_add_loop_test(tc, test_modes, 0, sizeof mode_rows / sizeof mode_rows[0]);
  tcase_add_loop_test(tc, test_decide, 0, sizeof decide_rows / sizeof decide_rows[0]);
  tcase_add_loop_test(tc, test_decide_compiled, 0, sizeof decide_rows / sizeof decide_rows[0]);
  tcase_add_loop_test(tc, test_switches, 0, sizeof switch_rows / sizeof switch_rows[0]);
  tcase_add_loop_test(tc, test_evaluate, 0, sizeof eval_rows / sizeof eval_rows[0]);
  tcase_add_test(tc, test_queries);
  tcase_add_test(tc, test_helo_mail_rcpt);
  tcase_add_test(tc, test_no_helo_decided_at_mail);
  tcase_add_test(tc, test_dns_fail_mode_and_skips);
  tcase_add_test(tc, test_unreadable_badhelo);
  tcase_add_test(tc, test_self_through_deps);
  tcase_add_test(tc, test_lint);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
