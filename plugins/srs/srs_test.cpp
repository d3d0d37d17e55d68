#include "srs/srs_check.h"

#include <check.h>
#include <sys/stat.h>

#include "check_main.h"
#include "fakes/fake_deps.h"
#include "testutil.h"

using namespace spp;
using spp::testing::FakeDeps;
using spp::testing::TempHome;

namespace {

constexpr long long kNow = 1764547200;  // day "6H"
constexpr long long kDay = 86400;
// Made by lib/srs (and, for these parameters, identical to Perl Mail::SRS: tests/srs-compat.test).
constexpr const char* kValid = "SRS0=tQmp=6H=example.com=user@srs.example.net";
constexpr const char* kValid1 = "SRS1=ISZZ=fwd1.example==HHHH=TT=orig.example=joe@srs.example.net";

srs::Config config() {
  srs::Config c;
  c.domain = "srs.example.net";
  c.params.secrets = {"my secret"};
  return c;
}

Env rcpt_env(const char* from, const char* rcpt) {
  Env env;
  if (from) env.set("SMTPMAILFROM", from);
  env.set("SMTPRCPTTO", rcpt);
  env.set("SMTPRCPTHOSTSOK", "1");
  env.set("SMTPRCPTCOUNT", "0");
  env.set("TCPREMOTEIP", "192.0.2.9");
  return env;
}

}  // namespace

static const struct {
  const char* name;
  const char* from;  // nullptr: SMTPMAILFROM unset
  const char* rcpt;
  long long now;
  srs::Action action;
  const char* result;  // address for rewrite, reason fragment for refuse
} decide_rows[] = {
    {"valid bounce", "", kValid, kNow, srs::Action::rewrite, "user@example.com"},
    {"valid, domain in other case", "", "SRS0=tQmp=6H=example.com=user@SRS.Example.NET", kNow, srs::Action::rewrite,
     "user@example.com"},
    {"valid, hash case folded", "", "srs0=TQMP=6h=example.com=user@srs.example.net", kNow, srs::Action::rewrite,
     "user@example.com"},
    {"valid 21 days on", "", kValid, kNow + 21 * kDay, srs::Action::rewrite, "user@example.com"},
    {"SRS1 to the first forwarder", "", kValid1, kNow, srs::Action::rewrite,
     "SRS0=HHHH=TT=orig.example=joe@fwd1.example"},
    {"expired", "", kValid, kNow + 22 * kDay, srs::Action::refuse, "expired"},
    {"future stamp", "", kValid, kNow - kDay, srs::Action::refuse, "expired"},
    {"forged hash", "", "SRS0=AAAA=6H=example.com=user@srs.example.net", kNow, srs::Action::refuse, "hash"},
    {"forged original", "", "SRS0=tQmp=6H=victim.example=user@srs.example.net", kNow, srs::Action::refuse, "hash"},
    {"forged SRS1", "", "SRS1=AAAA=fwd1.example==HHHH=TT=orig.example=joe@srs.example.net", kNow,
     srs::Action::refuse, "hash"},
    {"non-base32 stamp", "", "SRS0=tQmp=1!=example.com=user@srs.example.net", kNow, srs::Action::refuse,
     "timestamp"},
    {"missing separators", "", "SRS0=tQmp@srs.example.net", kNow, srs::Action::refuse, "malformed"},
    {"8-bit", "", "SRS0=tQmp=6H=example.com=us\xe9r@srs.example.net", kNow, srs::Action::refuse, "8-bit"},
    {"non-null sender", "spammer@example.org", kValid, kNow, srs::Action::refuse, "only bounces"},
    {"sender unset", nullptr, kValid, kNow, srs::Action::refuse, "only bounces"},
    {"double-bounce sender", "#@[]", kValid, kNow, srs::Action::refuse, "only bounces"},
    {"foreign domain: not ours", "", "SRS0=tQmp=6H=example.com=user@other.example", kNow, srs::Action::none, ""},
    {"subdomain: not ours", "", "SRS0=tQmp=6H=example.com=user@x.srs.example.net", kNow, srs::Action::none, ""},
    {"plain local address", "", "postmaster@srs.example.net", kNow, srs::Action::none, ""},
    {"non-null to a plain address", "a@b.example", "joe@srs.example.net", kNow, srs::Action::none, ""},
};

START_TEST(test_srs_decide) {
  auto r = decide_rows[_i];
  Env env = rcpt_env(r.from, r.rcpt);
  srs::Decision d = srs::decide(env, config(), r.now);
  ck_assert_msg(d.action == r.action, "%s: action %d", r.name, int(d.action));
  if (r.action == srs::Action::rewrite)
    ck_assert_msg(d.address == r.result, "%s: %s", r.name, d.address.c_str());
  if (r.action == srs::Action::refuse)
    ck_assert_msg(d.reason.find(r.result) != std::string::npos, "%s: reason %s", r.name, d.reason.c_str());
}
END_TEST

START_TEST(test_srs_decide_options) {
  srs::Config c = config();
  Env env = rcpt_env("list-bounces@example.org", kValid);
  c.any_sender = true;
  ck_assert(srs::decide(env, c, kNow).action == srs::Action::rewrite);
  c.params.secrets.clear();
  ck_assert(srs::decide(env, c, kNow).action == srs::Action::cannot);
  c.params.secrets = {"new secret", "my secret"};  // rotated: the old one still verifies
  ck_assert(srs::decide(env, c, kNow).action == srs::Action::rewrite);
  c.domain.clear();
  ck_assert(srs::decide(env, c, kNow).action == srs::Action::none);  // off
  // Our SRS1 around our own SRS0: reversed twice, to the original.
  srs::Config self = config();
  auto s0 = srs::forward(self.params, "joe@example.org", "srs.example.net", kNow);
  auto s1 = srs::forward(self.params, s0.address, "srs.example.net", kNow);  // always_rewrite off, same domain
  ck_assert(s1.status == srs::Status::unchanged);
  self.params.always_rewrite = true;
  s1 = srs::forward(self.params, s0.address, "srs.example.net", kNow);
  ck_assert(s1.address.rfind("SRS1=", 0) == 0);
  Env twice = rcpt_env("", s1.address.c_str());
  srs::Decision d = srs::decide(twice, self, kNow);
  ck_assert(d.action == srs::Action::rewrite);
  ck_assert_str_eq(d.address.c_str(), "joe@example.org");
}
END_TEST

// load_config reads control/srs/; secrets from both files, bad values warned.
START_TEST(test_srs_load_config) {
  TempHome home;
  mkdir((home.dir() + "/control/srs").c_str(), 0755);
  Env env;
  Control control(home.dir(), env);
  Warnings w;
  ck_assert(srs::load_config(control, w).domain.empty());  // off without a domain
  home.write("control/srs/srs_domain", "SRS.Example.NET\n");
  home.write("control/srs/srs_secrets", "first\nsecond\n");
  home.write("control/srs/revers_srs_secrets", "# older\nthird\n");
  home.write("control/srs/srs_max_age", "7\n");
  home.write("control/srs/srs_hashlength", "6\n");
  srs::Config c = srs::load_config(control, w);
  ck_assert_str_eq(c.domain.c_str(), "srs.example.net");
  ck_assert_int_eq(c.params.secrets.size(), 3);
  ck_assert_str_eq(c.params.secrets[0].c_str(), "first");
  ck_assert_str_eq(c.params.secrets[2].c_str(), "third");
  ck_assert_uint_eq(c.params.max_age, 7);
  ck_assert_uint_eq(c.params.hash_length, 6);
  ck_assert_uint_eq(c.params.hash_min, 6);
  ck_assert_int_eq(w.size(), 0);
  home.write("control/srs/srs_secrets", std::string(65, 'k') + "\n");
  home.write("control/srs/srs_hashlength", "99\n");
  w.clear();
  c = srs::load_config(control, w);
  ck_assert_uint_eq(c.params.hash_length, 27);
  ck_assert_int_eq(w.size(), 2);  // long secret, capped hash length
  // Domain only: secrets are not read (non-SRS recipients cost one lookup).
  c = srs::load_config(control, w, false);
  ck_assert(c.params.secrets.empty());
}
END_TEST

START_TEST(test_srs_run) {
  TempHome home;
  mkdir((home.dir() + "/control/srs").c_str(), 0755);
  home.write("control/srs/srs_domain", "srs.example.net\n");
  home.write("control/srs/srs_secrets", "my secret\n");
  FakeDeps deps;
  deps.wall = kNow;
  {
    Env env = rcpt_env("", kValid);
    Control control(home.dir(), env);
    Verdict v = run_check(srs::check, Context{Hook::rcpt, env, control, deps, &srs::check});
    std::string out = v.serialize();
    ck_assert_str_eq(out.c_str(), "Cuser@example.com\n");
  }
  {
    Env env = rcpt_env("", "SRS0=AAAA=6H=example.com=user@srs.example.net");
    Control control(home.dir(), env);
    Verdict v = run_check(srs::check, Context{Hook::rcpt, env, control, deps, &srs::check});
    std::string out = v.serialize();
    ck_assert_str_eq(out.c_str(), "E550 invalid SRS address: SRS hash does not verify (#5.1.1)\n");
  }
  {
    Env env = rcpt_env("", kValid);
    env.set("SMTPRCPTHOSTSOK", "0");  // qmail refuses it anyway: never C past rcpthosts
    Control control(home.dir(), env);
    Verdict v = run_check(srs::check, Context{Hook::rcpt, env, control, deps, &srs::check});
    ck_assert(v.empty());
  }
  {
    home.write("control/srs/srs_secrets", "");  // no secret: 451 by default
    Env env = rcpt_env("", kValid);
    Control control(home.dir(), env);
    Verdict v = run_check(srs::check, Context{Hook::rcpt, env, control, deps, &srs::check});
    std::string out = v.serialize();
    ck_assert_str_eq(out.c_str(), "E451 temporary local problem, please try again later (#4.3.0)\n");
    env.set("SRS_FAILCLOSED", "0");
    Control open(home.dir(), env);
    ck_assert(run_check(srs::check, Context{Hook::rcpt, env, open, deps, &srs::check}).empty());
  }
}
END_TEST

int main() {
  Suite* s = suite_create("spp-srs");
  TCase* tc = tcase_create("srs");
  tcase_add_loop_test(tc, test_srs_decide, 0, sizeof decide_rows / sizeof decide_rows[0]);
  tcase_add_test(tc, test_srs_decide_options);
  tcase_add_test(tc, test_srs_load_config);
  tcase_add_test(tc, test_srs_run);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
