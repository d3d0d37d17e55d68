// spp-mfdnscheck unit tests: which senders are looked up, the verdict from
// MX/A/AAAA answers (found, NXDOMAIN/NODATA, SERVFAIL, timeout), the marker
// at MAIL and the refusal at RCPT, over FakeDeps' scripted resolver. The
// c-ares resolver against a real server: tests/mfdnscheck-dns.test.
#include <string>
#include <vector>

#include "fakes/fake_deps.h"
#include "mfdnscheck/mfdnscheck.h"
#include "testutil.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using namespace spp::testing;
using mfdnscheck::Result;

static const struct {
  const char* name;
  const char* sender;
  const char* exempt;  // nomfdnscheck lines, \n-separated
  bool checked;
  bool invalid;
  const char* domain;
} domain_rows[] = {
    {"plain", "joe@Example.COM", "", true, false, "example.com"},
    {"trailing dot", "joe@example.com.", "", true, false, "example.com"},
    {"last @", "a@b@example.com", "", true, false, "example.com"},
    {"null sender", "", "", false, false, ""},
    {"no @", "postmaster", "", false, false, ""},
    {"domain literal", "joe@[192.0.2.1]", "", false, false, ""},
    {"exempt address", "Joe@example.com", "joe@example.com", false, false, ""},
    {"exempt domain", "joe@Example.com", "@example.com", false, false, ""},
    {"exempt domain, not a subdomain", "joe@mx.example.com", "@example.com", true, false, "mx.example.com"},
    {"empty domain", "joe@", "", true, true, ""},
    {"8-bit", "joe@ex\xe4mple.com", "", true, true, "ex\xe4mple.com"},
    {"space", "joe@exa mple.com", "", true, true, "exa mple.com"},
    {"empty label", "joe@example..com", "", true, true, "example..com"},
    {"long label", "joe@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com", "", true, true, nullptr},
};

START_TEST(test_domain_to_check) {
  auto row = domain_rows[_i];
  mfdnscheck::Config c;
  c.enabled = true;
  for (auto l : std::string_view(row.exempt).empty() ? std::vector<std::string>{} : std::vector<std::string>{row.exempt})
    c.exempt.push_back(l);
  bool invalid = false;
  auto d = mfdnscheck::domain_to_check(c, row.sender, invalid);
  ck_assert_msg(d.has_value() == row.checked, "%s: checked", row.name);
  if (row.checked) {
    ck_assert_msg(invalid == row.invalid, "%s: invalid", row.name);
    if (row.domain) ck_assert_msg(*d == row.domain, "%s: %s", row.name, d->c_str());
  }
}
END_TEST

static const struct {
  const char* name;
  Answer mx, a, aaaa;
  Result want;
} eval_rows[] = {
    {"MX", found({"10 mx.example.com"}), not_found_answer(), not_found_answer(), Result::exists},
    {"A only", not_found_answer(), found({"192.0.2.1"}), not_found_answer(), Result::exists},
    {"AAAA only", not_found_answer(), not_found_answer(), found({"2001:db8::1"}), Result::exists},
    {"NXDOMAIN / NODATA", not_found_answer(), not_found_answer(), not_found_answer(), Result::missing},
    {"SERVFAIL", temp_fail_answer("SERVFAIL"), temp_fail_answer("SERVFAIL"), temp_fail_answer("SERVFAIL"), Result::dns_error},
    {"timeout on one, none found", not_found_answer(), temp_fail_answer("timeout"), not_found_answer(), Result::dns_error},
    {"a record beats a failure", temp_fail_answer("timeout"), found({"192.0.2.1"}), temp_fail_answer("timeout"), Result::exists},
};

START_TEST(test_evaluate) {
  auto row = eval_rows[_i];
  ck_assert_msg(mfdnscheck::evaluate({row.mx, row.a, row.aaaa}) == row.want, "%s", row.name);
}
END_TEST

struct Fixture {
  TempHome home;
  FakeDeps deps;
  Verdict run(Hook hook, Env& env) {
    Control control(home.dir(), env);
    return run_check(mfdnscheck::check, Context{hook, env, control, deps, &mfdnscheck::check});
  }
};

START_TEST(test_mail_then_rcpt) {
  Fixture f;
  f.deps.resolver.set("example.com", RRType::mx, found({"10 mx.example.com"}));
  Env env;
  env.set("MFDNSCHECK", "1");
  env.set("SMTPMAILFROM", "joe@example.com");
  std::string out = f.run(Hook::mail, env).serialize();
  ck_assert_str_eq(out.c_str(), "SSPP_MFDNS=exists joe@example.com\n");
  ck_assert_uint_eq(f.deps.resolver.calls().size(), 1);
  ck_assert_uint_eq(f.deps.resolver.calls()[0].queries.size(), 3);  // MX, A, AAAA in one batch
  ck_assert_int_eq(f.deps.resolver.calls()[0].timeout_ms, 10000);
  env.set("SPP_MFDNS", "exists joe@example.com");  // as qmail-spp applies the S
  env.set("SMTPMAILFROM", "joe@nowhere.example");
  out = f.run(Hook::mail, env).serialize();
  ck_assert_str_eq(out.c_str(), "USPP_MFDNS\nSSPP_MFDNS=missing joe@nowhere.example\n");
  env.set("SPP_MFDNS", "missing joe@nowhere.example");
  size_t calls = f.deps.resolver.calls().size();
  out = f.run(Hook::rcpt, env).serialize();
  ck_assert_str_eq(out.c_str(), "E553 sorry, your envelope sender must exist (#5.7.1)\n");
  ck_assert_uint_eq(f.deps.resolver.calls().size(), calls);  // from the marker: no lookup
  // A new MAIL with the same sender (after RSET): the stored answer stands, no lookup.
  ck_assert(f.run(Hook::mail, env).empty());
  ck_assert_uint_eq(f.deps.resolver.calls().size(), calls);
  // A failed lookup is asked again at the next MAIL.
  env.set("SPP_MFDNS", "dnserror joe@nowhere.example");
  f.run(Hook::mail, env);
  ck_assert_uint_eq(f.deps.resolver.calls().size(), calls + 1);
}
END_TEST

START_TEST(test_rcpt_alone_and_fail_mode) {
  Fixture f;
  for (RRType t : {RRType::mx, RRType::a, RRType::aaaa}) f.deps.resolver.set("broken.example", t, temp_fail_answer("SERVFAIL"));
  Env env;
  env.set("MFDNSCHECK", "1");
  env.set("SMTPMAILFROM", "joe@broken.example");
  std::string out = f.run(Hook::unknown, env).serialize();
  ck_assert_str_eq(out.c_str(), "SSPP_MFDNS=dnserror joe@broken.example\n");  // no opinion
  env.set("MFDNSFAILCLOSED", "1");
  out = f.run(Hook::rcpt, env).serialize();
  ck_assert_str_eq(out.c_str(), "SSPP_MFDNS=dnserror joe@broken.example\nE451 DNS temporary failure (#4.3.0)\n");
  env.set("MFDNSTIMEOUT", "2");
  f.run(Hook::rcpt, env);
  ck_assert_int_eq(f.deps.resolver.calls().back().timeout_ms, 2000);
}
END_TEST

START_TEST(test_skips) {
  Fixture f;
  Env env;
  env.set("SMTPMAILFROM", "joe@nowhere.example");
  ck_assert(f.run(Hook::rcpt, env).empty());  // off by default
  env.set("MFDNSCHECK", "1");
  env.set("RELAYCLIENT", "");
  ck_assert(f.run(Hook::rcpt, env).empty());
  env.unset("RELAYCLIENT");
  env.set("SMTPAUTHUSER", "joe");
  ck_assert(f.run(Hook::rcpt, env).empty());
  env.unset("SMTPAUTHUSER");
  env.set("SPP_BADMAILFROM", "whitelisted joe@nowhere.example");
  ck_assert(f.run(Hook::rcpt, env).empty());
  env.unset("SPP_BADMAILFROM");
  env.set("SMTPMAILFROM", "");
  ck_assert(f.run(Hook::rcpt, env).empty());
  ck_assert_uint_eq(f.deps.resolver.calls().size(), 0);
  env.set("SMTPMAILFROM", "joe@bad..name");
  std::string out = f.run(Hook::rcpt, env).serialize();
  ck_assert_str_eq(out.c_str(), "SSPP_MFDNS=missing joe@bad..name\nE553 sorry, your envelope sender must exist (#5.7.1)\n");
  ck_assert_uint_eq(f.deps.resolver.calls().size(), 0);  // an impossible name is never asked
}
END_TEST

int main() {
  Suite* s = suite_create("spp-mfdnscheck");
  TCase* tc = tcase_create("mfdnscheck");
  tcase_add_loop_test(tc, test_domain_to_check, 0, sizeof domain_rows / sizeof domain_rows[0]);
  tcase_add_loop_test(tc, test_evaluate, 0, sizeof eval_rows / sizeof eval_rows[0]);
  tcase_add_test(tc, test_mail_then_rcpt);
  tcase_add_test(tc, test_rcpt_alone_and_fail_mode);
  tcase_add_test(tc, test_skips);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
