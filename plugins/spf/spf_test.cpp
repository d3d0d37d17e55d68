// spp-spf unit tests: our RFC 7208 record check and canonical form, the
// macro expander (RFC 7208 §7.4's examples), spfrules placement, the
// spfbehavior table, header sanitising, and the check's hooks over a
// scripted resolver (libspf2 and our DNS layer run for real on FakeDeps).
// Against a real DNS server: tests/spf-dns.test, tests/spf-suite.test.
#include <string>
#include <vector>

#include "fakes/fake_deps.h"
#include "spf/spf.h"
#include "testutil.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using namespace spp::spf;
using namespace spp::testing;

// ck_assert_str_eq keeps the pointer: compare a named copy, not a temporary.
#define EQ(got, want)                          \
  do {                                         \
    std::string got_ = (got);                  \
    ck_assert_str_eq(got_.c_str(), (want));    \
  } while (0)

static const struct {
  const char* record;
  bool valid;
} record_rows[] = {
    {"v=spf1", true},
    {"V=SPF1 -ALL", true},
    {"v=spf1  ip4:192.0.2.0/24   -all ", true},
    {"v=spf1 a mx ptr a:example.com/24//64 mx:%{d}/0 -all", true},
    {"v=spf1 ip6:2001:db8::/32 ip4:192.0.2.1/32 ~all", true},
    {"v=spf1 include:_spf.example.com exists:%{ir}.%{l1r-}.example.com ?all", true},
    {"v=spf1 redirect=_spf.example.com", true},
    {"v=spf1 -all exp=explain.%{d} foo-bar_baz.q=%{h}", true},
    {"v=spf10", false},
    {"v=spf1 frobnicate", false},
    {"v=spf1 a:example.123", false},           // numeric top label
    {"v=spf1 a:localhost", false},             // one label: no "." toplabel
    {"v=spf1 a:", false},
    {"v=spf1 include", false},
    {"v=spf1 all.", false},
    {"v=spf1 ip4:192.0.2.1/33", false},
    {"v=spf1 ip4:192.0.2.1/032", false},
    {"v=spf1 ip4:192.0.2", false},
    {"v=spf1 ip6:2001:db8::/129", false},
    {"v=spf1 exists:%{q}.example.com", false},  // no such macro letter
    {"v=spf1 exists:%{r}.example.com", false},  // r only in exp text
    {"v=spf1 a:ex\xc3\xa4mple.com", false},     // 8-bit
    {"v=spf1 a:example.com\r", false},
    {"v=spf1 redirect=a.example.com redirect=b.example.com", false},
    {"v=spf1 exp=a.example.com exp=b.example.com", false},
    {"v=spf1 exp=", false},
    {"v=spf1 -redirect=a.example.com", false},
    {"v=spf1 =foo", false},
    {"v=spf1 ptr/24", false},
};

START_TEST(test_parse_record) {
  auto row = record_rows[_i];
  std::string error;
  auto r = parse_record(row.record, error);
  ck_assert_msg(r.has_value() == row.valid, "%s: %s", row.record, error.c_str());
}
END_TEST

START_TEST(test_bounds) {
  std::string error;
  std::string big = "v=spf1";
  while (big.size() <= kMaxRecord) big += " ip4:192.0.2.1";
  ck_assert(!parse_record(big, error));
  EQ(error, "record longer than 2048 bytes");
  std::string macros = "v=spf1 exists:";
  for (size_t i = 0; i <= kMaxMacros; ++i) macros += "%{l}";
  macros += ".example.com";
  ck_assert(!parse_record(macros, error));
  EQ(error, "more than 32 macros");
}
END_TEST

START_TEST(test_canonical) {
  std::string error;
  auto r = parse_record("v=spf1 ip4:0.0.0.0/0 a/0 mx:x.example.com/24//0 foo=bar -all redirect=r.example.com", error);
  ck_assert(r);
  EQ(canonical(*r, false),
                   "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 a:%{d}.cidr0.spp.invalid/1 mx:x.example.com/24 -all");
  EQ(canonical(*r, true),
                   "v=spf1 ip4:0.0.0.0/1 ip4:128.0.0.0/1 a mx:x.example.com.cidr0.spp.invalid//1 -all");
  r = parse_record("v=spf1 a redirect=r.example.com", error);
  EQ(canonical(*r, false), "v=spf1 a redirect=r.example.com");
}
END_TEST

START_TEST(test_local_rules_position) {
  std::string error;
  std::vector<Directive> local;
  ck_assert(parse_rules("ip4:198.51.100.0/24", local, error));
  auto with = [&](const char* rec) {
    auto r = parse_record(rec, error);
    return canonical(*r, false, &local);
  };
  EQ(with("v=spf1 a mx -ptr -all"), "v=spf1 a mx ip4:198.51.100.0/24 -ptr -all");
  EQ(with("v=spf1 a ~all"), "v=spf1 a ip4:198.51.100.0/24 ~all");
  EQ(with("v=spf1 -all"), "v=spf1 -all");      // the run starts at the first term
  EQ(with("v=spf1 -a -all"), "v=spf1 -a -all");
  EQ(with("v=spf1 a mx"), "v=spf1 a mx");      // no qualified all
  EQ(with("v=spf1 a +all"), "v=spf1 a all");
  ck_assert(!parse_rules("redirect=x.example.com", local, error));
  ck_assert(!parse_rules("frob", local, error));
}
END_TEST

// RFC 7208 §7.4.
static const struct {
  const char* macro;
  const char* expansion;
} macro_rows[] = {
    {"%{s}", "strong-bad@email.example.com"},
    {"%{o}", "email.example.com"},
    {"%{d}", "email.example.com"},
    {"%{d4}", "email.example.com"},
    {"%{d3}", "email.example.com"},
    {"%{d2}", "example.com"},
    {"%{d1}", "com"},
    {"%{dr}", "com.example.email"},
    {"%{d2r}", "example.email"},
    {"%{l}", "strong-bad"},
    {"%{l-}", "strong.bad"},
    {"%{lr}", "strong-bad"},
    {"%{lr-}", "bad.strong"},
    {"%{l1r-}", "strong"},
    {"%{ir}.%{v}._spf.%{d2}", "3.2.0.192.in-addr._spf.example.com"},
    {"%{lr-}.lp._spf.%{d2}", "bad.strong.lp._spf.example.com"},
    {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
    {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", "3.2.0.192.in-addr.strong.lp._spf.example.com"},
    {"%{d2}.trusted-domains.example.net", "example.com.trusted-domains.example.net"},
    {"%{S}", "strong-bad%40email.example.com"},
    {"%% %_ %-", "%   %20"},
    {"%{c} from %{xr}", "192.0.2.3 from mx.example.org"},
};

START_TEST(test_macros) {
  auto row = macro_rows[_i];
  MacroValues v;
  v.sender = "strong-bad@email.example.com";
  v.domain = "email.example.com";
  v.ip = "192.0.2.3";
  v.receiver = "mx.example.org";
  ck_assert_msg(valid_macro_string(row.macro, true, true), "%s valid", row.macro);
  EQ(expand_macros(row.macro, v), row.expansion);
}
END_TEST

START_TEST(test_macros_ipv6_and_bounds) {
  MacroValues v;
  v.sender = "strong-bad@email.example.com";
  v.domain = "email.example.com";
  v.ip = "2001:db8::cb01";
  v.ipv6 = true;
  EQ(expand_macros("%{ir}.%{v}._spf.%{d2}", v),
                   "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com");
  v.sender = std::string(2000, 'x') + "@e.example.com";
  ck_assert_uint_le(expand_macros("%{s}%{s}", v, 100).size(), 100);
}
END_TEST

START_TEST(test_rejects) {
  const Result all[] = {Result::pass, Result::fail, Result::softfail, Result::neutral,
                        Result::none, Result::permerror, Result::temperror};
  const char* want[] = {"-------", "-------", "-------", "-R-----", "-RR----", "-RRR---", "-RRRRR-"};
  for (unsigned b = 0; b <= 6; ++b) {
    std::string got;
    for (Result r : all) got += rejects(b, r) ? 'R' : '-';
    ck_assert_msg(got == want[b], "behavior %u: %s", b, got.c_str());
  }
}
END_TEST

START_TEST(test_headers_sanitised) {
  Outcome o;
  o.result = Result::pass;
  o.domain = "example.com";
  o.ip = "192.0.2.1";
  o.sender = "a\"b\r\nX-Evil: 1@example.com";
  std::string h = received_spf(HeaderForm::rfc, o, "mx.example.org", "helo\r\nX-Evil: 2 (x)");
  ck_assert_msg(h.find('\r') == std::string::npos && h.find('\n') == std::string::npos, "%s", h.c_str());
  ck_assert_msg(h.find("envelope-from=\"a\\\"b??X-Evil: 1@example.com\";") != std::string::npos, "%s", h.c_str());
  ck_assert_msg(h.find("helo=\"helo??X-Evil: 2 (x)\";") != std::string::npos, "%s", h.c_str());
  std::string c = received_spf(HeaderForm::classic, o, "mx.example.org", "");
  EQ(c, "pass (mx.example.org: SPF record at example.com designates 192.0.2.1 as permitted sender)");
  o.result = Result::permerror;
  o.reason = "bad (record)";
  EQ(received_spf(HeaderForm::classic, o, "mx", ""), "unknown (mx: bad ?record?)");
  EQ(authentication_results("mx.example.org", o, "h"),
                   "mx.example.org; spf=permerror smtp.mailfrom=\"a\\\"b??X-Evil: 1@example.com\"");
}
END_TEST

namespace {

Env session(const char* ip, const char* from) {
  Env env;
  env.set("TCPREMOTEIP", ip);
  env.set("TCPLOCALHOST", "mx.example.org");
  env.set("SMTPHELOHOST", "client.example.net");
  env.set("SMTPMAILFROM", from);
  env.set("SPFBEHAVIOR", "3");
  return env;
}

Verdict at(Hook hook, const Env& env, FakeDeps& deps) {
  Control control("/nonexistent-spf-test", env);
  return run_check(spf::check, Context{hook, env, control, deps, &spf::check});
}

// The S and U lines applied, as qmail-spp does between commands.
void apply(Env& env, const Verdict& v) {
  for (const auto& line : v.lines()) {
    if (line[0] == 'U') env.unset(line.substr(1));
    if (line[0] == 'S') {
      size_t eq = line.find('=');
      env.set(line.substr(1, eq - 1), line.substr(eq + 1));
    }
  }
}

}  // namespace

START_TEST(test_mail_rcpt_data) {
  FakeDeps deps;
  deps.resolver.set("example.com", RRType::txt, found({"v=spf1 ip4:192.0.2.0/24 -all exp=why.example.com", "other"}));
  deps.resolver.set("why.example.com", RRType::txt, found({"%{l} is not allowed from %{i}"}));
  Env env = session("198.51.100.1", "joe@example.com");
  Verdict m = at(Hook::mail, env, deps);
  ck_assert(m.terminal() == Terminal::none);
  std::string s = m.serialize();
  ck_assert_msg(s.find("SSPFRESULT=fail\n") != std::string::npos, "%s", s.c_str());
  ck_assert_msg(s.find("SSPP_SPF=fail joe@example.com\n") != std::string::npos, "%s", s.c_str());
  ck_assert_msg(s.find("SSPP_SPF_TEXT=joe is not allowed from 198.51.100.1\n") != std::string::npos, "%s", s.c_str());
  apply(env, m);
  size_t queries = deps.resolver.query_count();
  env.set("SMTPRCPTTO", "u@example.org");
  Verdict r = at(Hook::rcpt, env, deps);
  EQ(r.terminal_text(), "550 joe is not allowed from 198.51.100.1 (#5.7.1)");
  ck_assert_uint_eq(deps.resolver.query_count(), queries);  // the marker, no second lookup
  Verdict d = at(Hook::data, env, deps);
  EQ(d.serialize(),
                   "HReceived-SPF: fail (mx.example.org: SPF record at example.com does not designate 198.51.100.1 "
                   "as permitted sender)\n");
  // Another sender in the same session: the old marker is not used.
  env.set("SMTPMAILFROM", "ann@example.net");
  r = at(Hook::rcpt, env, deps);
  ck_assert(r.terminal() == Terminal::none);  // example.net: none
}
END_TEST

START_TEST(test_temperror_and_skips) {
  FakeDeps deps;
  deps.resolver.set("slow.example.com", RRType::txt, temp_fail_answer("timeout"));
  Env env = session("192.0.2.1", "joe@slow.example.com");
  env.set("SPFBEHAVIOR", "1");
  Verdict m = at(Hook::mail, env, deps);
  ck_assert(m.terminal() == Terminal::none);
  ck_assert(m.serialize().find("SSPFRESULT=error\n") != std::string::npos);
  env.set("SPFBEHAVIOR", "2");
  m = at(Hook::mail, env, deps);
  EQ(m.terminal_text(), "451 SPF lookup failure (#4.3.0)");
  // Relaying and authenticated clients: nothing, not even a lookup.
  size_t queries = deps.resolver.query_count();
  for (const char* var : {"RELAYCLIENT", "SMTPAUTHUSER"}) {
    Env e = session("192.0.2.1", "joe@slow.example.com");
    e.set(var, var[0] == 'R' ? "" : "joe");
    ck_assert(at(Hook::mail, e, deps).empty());
  }
  ck_assert_uint_eq(deps.resolver.query_count(), queries);
  // Loopback passes without a lookup; behavior 0 does nothing.
  Env lo = session("127.0.0.1", "joe@slow.example.com");
  ck_assert(at(Hook::mail, lo, deps).serialize().find("SSPFRESULT=pass\n") != std::string::npos);
  lo.set("SPFBEHAVIOR", "0");
  ck_assert(at(Hook::mail, lo, deps).empty());
  ck_assert_uint_eq(deps.resolver.query_count(), queries);
}
END_TEST

START_TEST(test_limits) {
  FakeDeps deps;
  std::string rec = "v=spf1";
  for (int i = 1; i <= 11; ++i) {
    std::string h = "h" + std::to_string(i) + ".example.com";
    rec += " a:" + h;
    deps.resolver.set(h, RRType::a, found({"192.0.2.200"}));
  }
  deps.resolver.set("many.example.com", RRType::txt, found({rec + " -all"}));
  deps.resolver.set("voids.example.com", RRType::txt,
                    found({"v=spf1 a:v1.example.com a:v2.example.com a:v3.example.com -all"}));
  Request req;
  req.ip = "198.51.100.1";
  req.sender = "joe@many.example.com";
  Outcome o = evaluate(req, deps.resolver);
  ck_assert_str_eq(result_name(o.result), "permerror");
  EQ(o.reason, "more than 10 DNS-querying terms");
  ck_assert_int_eq(o.lookups, 10);
  req.sender = "joe@voids.example.com";
  o = evaluate(req, deps.resolver);
  EQ(o.reason, "more than 2 void lookups");
  req.sender = "joe@[192.0.2.1]";
  ck_assert_str_eq(result_name(evaluate(req, deps.resolver).result), "none");
  req.sender = "joe@example.com";
  req.ip = "not an address";
  ck_assert_str_eq(result_name(evaluate(req, deps.resolver).result), "permerror");
}
END_TEST

int main() {
  Suite* s = suite_create("spp-spf");
  TCase* tc = tcase_create("spf");
  tcase_add_loop_test(tc, test_parse_record, 0, sizeof record_rows / sizeof record_rows[0]);
  tcase_add_test(tc, test_bounds);
  tcase_add_test(tc, test_canonical);
  tcase_add_test(tc, test_local_rules_position);
  tcase_add_loop_test(tc, test_macros, 0, sizeof macro_rows / sizeof macro_rows[0]);
  tcase_add_test(tc, test_macros_ipv6_and_bounds);
  tcase_add_test(tc, test_rejects);
  tcase_add_test(tc, test_headers_sanitised);
  tcase_add_test(tc, test_mail_rcpt_data);
  tcase_add_test(tc, test_temperror_and_skips);
  tcase_add_test(tc, test_limits);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
