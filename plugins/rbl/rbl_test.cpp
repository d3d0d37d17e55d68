// spp-rbl unit tests: settings, and the whole decision (trust, cache, lookup,
// rblsmtpd's order of zones, reject point, exemptions) against a scripted
// FakeResolver. The real resolver and rbldnsd: tests/rbl.test.
#include <algorithm>
#include <string>
#include <vector>

#include "fakes/fake_resolver.h"
#include "rbl/rbl.h"

#include <unistd.h>

#include "file.h"
#include "log.h"
#include "testutil.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using namespace spp;
using spp::testing::FakeResolver;
using spp::testing::TempHome;
using rbl::Config;
using rbl::Stage;
using rbl::Zone;

namespace {

std::vector<std::string> split(std::string_view s, char sep) {
  std::vector<std::string> out;
  while (!s.empty()) {
    size_t at = s.find(sep);
    std::string part(s.substr(0, at));
    if (!part.empty()) out.push_back(part);
    if (at == std::string_view::npos) break;
    s.remove_prefix(at + 1);
  }
  return out;
}

// "K=V;K=V" -> Env ("K=" sets an empty value).
Env make_env(const char* spec) {
  Env env;
  for (const auto& kv : split(spec, ';')) {
    size_t eq = kv.find('=');
    env.set(kv.substr(0, eq), eq == std::string::npos ? "" : kv.substr(eq + 1));
  }
  return env;
}

// "bl1 a:white bl2:text" zones (".example" appended), then the knobs of the row.
Config make_config(const char* zones, const char* knobs) {
  Config c;
  c.timeout_ms = 3000;
  for (const auto& z : split(zones, ' ')) {
    Zone zone;
    std::string name = z;
    if (name.rfind("a:", 0) == 0) zone.anti = true, name = name.substr(2);
    if (size_t colon = name.find(':'); colon != std::string::npos)
      zone.message = name.substr(colon + 1), name = name.substr(0, colon);
    std::replace(zone.message.begin(), zone.message.end(), '_', ' ');
    zone.name = name + ".example";
    c.zones.push_back(zone);
  }
  for (const auto& k : split(knobs, ' ')) {
    if (k == "bounce") c.bounce = true;
    if (k == "failclosed") c.fail_closed = true;
    if (k == "unreadable") c.unreadable = true;
    if (k == "rejectat=mail") c.reject_at = Stage::mail;
    if (k == "lookupat=connect") c.lookup_at = Stage::connect;
    if (k.rfind("exempt=", 0) == 0) c.exempt.push_back(k.substr(7));
    if (k.rfind("RBLSMTPD=", 0) == 0) {
      std::string v = k.substr(9);
      std::replace(v.begin(), v.end(), '_', ' ');
      c.rblsmtpd = v;
    }
  }
  return c;
}

// "NAME/TYPE=found:r1|r2", "NAME/TYPE=fail:why", "*ZONE=fail:why"; NAME may use
// "$4" for 2.2.0.192 and "$6" for the nibbles of 2001:db8::2.
void script(FakeResolver& dns, const char* spec) {
  const std::string v4 = "2.2.0.192";
  const std::string v6 = "2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2";
  for (auto entry : split(spec, ';')) {
    for (size_t at; (at = entry.find("$4")) != std::string::npos;) entry.replace(at, 2, v4);
    for (size_t at; (at = entry.find("$6")) != std::string::npos;) entry.replace(at, 2, v6);
    size_t eq = entry.find('=');
    std::string key = entry.substr(0, eq), value = entry.substr(eq + 1);
    Answer answer;
    if (value.rfind("found:", 0) == 0) {
      answer = testing::found(split(value.substr(6), '|'));
    } else if (value.rfind("fail:", 0) == 0) {
      answer = testing::temp_fail_answer(value.substr(5));
    } else {
      answer = testing::not_found_answer();
    }
    if (key[0] == '*') {
      dns.set_zone_status(key.substr(1), answer);
      continue;
    }
    size_t slash = key.find('/');
    std::string type = key.substr(slash + 1);
    dns.set(key.substr(0, slash), type == "txt" ? RRType::txt : RRType::a, answer);
  }
}

const char* const kListedBl1 = "$4.bl1.example/a=found:127.0.0.2;$4.bl1.example/txt=found:Listed, see http://bl1/192.0.2.2";
#define IP4 "TCPREMOTEIP=192.0.2.2;"
#define AT_MAIL IP4 "SMTPMAILFROM=s@x.example;"
#define AT_RCPT AT_MAIL "SMTPRCPTTO=r@y.example;SMTPRCPTCOUNT=0;SMTPRCPTHOSTSOK=1;"
#define CACHED_451 "SPP_RBL_RESULT=listed;SPP_RBL_REPLY=451 cached text 192.0.2.2;"
#define S_LISTED(reply) "SSPP_RBL_RESULT=listed\nSSPP_RBL_REPLY=" reply "\n"
#define S_CLEAN "SSPP_RBL_RESULT=clean\n"

struct Row {
  const char* name;
  Hook hook;
  const char* env;
  const char* zones;
  const char* knobs;
  const char* dns;
  const char* expected;  // the serialized verdict
  int queries;           // queries sent, all in one resolve() call (0: no call at all)
  const char* log;       // a substring of the log lines ("" = not checked)
};

const Row kRows[] = {
    // Lookup, cache, reject point.
    {"clean at MAIL", Hook::mail, AT_MAIL, "bl1", "", "", S_CLEAN, 2, "192.0.2.2 not listed (1 zones); "},
    {"listed at MAIL: cached, refused later", Hook::mail, AT_MAIL, "bl1", "", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2"), 2, "192.0.2.2 listed by bl1.example: 451 Listed"},
    {"listed at RCPT", Hook::rcpt, AT_RCPT, "bl1", "", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2") "E451 Listed, see http://bl1/192.0.2.2\n", 2,
     "refused 192.0.2.2 at RCPT: 451 Listed, see http://bl1/192.0.2.2; from <s@x.example> to <r@y.example>"},
    {"cached verdict: no new query", Hook::rcpt, AT_RCPT CACHED_451, "bl1", "", kListedBl1,
     "E451 cached text 192.0.2.2\n", 0, ""},
    {"cached clean", Hook::rcpt, AT_RCPT "SPP_RBL_RESULT=clean;", "bl1", "", kListedBl1, "", 0, ""},
    {"cached fail-open error", Hook::rcpt, AT_RCPT "SPP_RBL_RESULT=dnserror;", "bl1", "", kListedBl1, "", 0, ""},
    {"malformed cache: asked again", Hook::rcpt, AT_RCPT "SPP_RBL_RESULT=bogus;", "bl1", "", "", S_CLEAN, 2, ""},
    {"listing without reply: asked again", Hook::rcpt, AT_RCPT "SPP_RBL_RESULT=listed;", "bl1", "", "", S_CLEAN, 2,
     ""},
    {"bad cached code: asked again", Hook::rcpt, AT_RCPT "SPP_RBL_RESULT=listed;SPP_RBL_REPLY=250 ok;", "bl1", "", "",
     S_CLEAN, 2, ""},
    {"flagrblbounce", Hook::rcpt, AT_RCPT, "bl1", "bounce", kListedBl1,
     S_LISTED("553 Listed, see http://bl1/192.0.2.2") "E553 Listed, see http://bl1/192.0.2.2\n", 2, ""},
    {"rblrejectat=mail", Hook::mail, AT_MAIL, "bl1", "rejectat=mail", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2") "E451 Listed, see http://bl1/192.0.2.2\n", 2,
     "refused 192.0.2.2 at MAIL: 451 Listed, see http://bl1/192.0.2.2; from <s@x.example>"},
    {"rblrejectat=mail, still refused at RCPT", Hook::rcpt, AT_RCPT CACHED_451, "bl1", "rejectat=mail", "",
     "E451 cached text 192.0.2.2\n", 0, ""},
    {"connect: no lookup by default", Hook::connect, IP4, "bl1", "", kListedBl1, "", 0, ""},
    {"connect: rbllookupat=connect caches, never refuses", Hook::connect, IP4, "bl1", "lookupat=connect", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2"), 2, ""},
    {"all zones in one parallel call", Hook::mail, AT_MAIL, "bl1 bl2 a:white bl3:msg", "", "", S_CLEAN, 6,
     "not listed (4 zones)"},
    // Trusted clients.
    {"RELAYCLIENT set, empty", Hook::rcpt, AT_RCPT "RELAYCLIENT=;", "bl1", "", kListedBl1, "", 0, ""},
    {"authenticated", Hook::mail, AT_MAIL "SMTPAUTHUSER=joe;", "bl1", "", kListedBl1, "", 0, ""},
    {"authenticated, cached listing", Hook::rcpt, AT_RCPT CACHED_451 "SMTPAUTHUSER=joe;", "bl1", "", "", "", 0, ""},
    {"empty SMTPAUTHUSER is not trust", Hook::mail, AT_MAIL "SMTPAUTHUSER=;", "bl1", "", "", S_CLEAN, 2, ""},
    // Zone order, anti-RBLs and texts (rblsmtpd's rules).
    {"anti-RBL first accepts", Hook::rcpt, AT_RCPT, "a:white bl1", "", "$4.white.example/a=found:127.0.0.2;" "$4.bl1.example/a=found:127.0.0.2",
     "SSPP_RBL_RESULT=accepted\n", 3, "192.0.2.2 accepted by anti-RBL white.example"},
    {"listing before the anti-RBL wins", Hook::rcpt, AT_RCPT, "bl1 a:white", "",
     "$4.white.example/a=found:127.0.0.2;$4.bl1.example/a=found:127.0.0.2",
     S_LISTED("451 client 192.0.2.2 is listed in bl1.example") "E451 client 192.0.2.2 is listed in bl1.example\n", 3,
     ""},
    {"second zone lists", Hook::rcpt, AT_RCPT, "bl1 bl2", "", "$4.bl2.example/txt=found:bl2 says 192.0.2.2",
     S_LISTED("451 bl2 says 192.0.2.2") "E451 bl2 says 192.0.2.2\n", 4, ""},
    {"TXT without the IP gets it appended", Hook::rcpt, AT_RCPT, "bl1", "", "$4.bl1.example/txt=found:go away",
     S_LISTED("451 go away (192.0.2.2)") "E451 go away (192.0.2.2)\n", 2, ""},
    {"TXT records are joined", Hook::rcpt, AT_RCPT, "bl1", "", "$4.bl1.example/txt=found:192.0.2.2 |is bad",
     S_LISTED("451 192.0.2.2 is bad") "E451 192.0.2.2 is bad\n", 2, ""},
    {"TXT non-printables become ?", Hook::rcpt, AT_RCPT, "bl1", "", "$4.bl1.example/txt=found:192.0.2.2\r\n\tx\x7f\xc3\xa9",
     S_LISTED("451 192.0.2.2???x???") "E451 192.0.2.2???x???\n", 2, ""},
    {"A only: default text", Hook::rcpt, AT_RCPT, "bl1", "", "$4.bl1.example/a=found:127.0.0.4",
     S_LISTED("451 client 192.0.2.2 is listed in bl1.example") "E451 client 192.0.2.2 is listed in bl1.example\n", 2,
     ""},
    {"A, TXT failing: listed", Hook::rcpt, AT_RCPT, "bl1", "",
     "$4.bl1.example/a=found:127.0.0.4;$4.bl1.example/txt=fail:timeout",
     S_LISTED("451 client 192.0.2.2 is listed in bl1.example") "E451 client 192.0.2.2 is listed in bl1.example\n", 2,
     ""},
    {"zone:text list (A only, %IP%)", Hook::rcpt, AT_RCPT, "bl1:see_http://x/?ip=%IP%", "",
     "$4.bl1.example/a=found:127.0.0.2", S_LISTED("451 see http://x/?ip=192.0.2.2") "E451 see http://x/?ip=192.0.2.2\n",
     1, ""},
    // A records: only 127.0.0.0/8 lists; 127.255.255.x means the list refused the query.
    {"A 127.255.255.254: refused, fail open", Hook::rcpt, AT_RCPT, "bl1", "",
     "$4.bl1.example/a=found:127.255.255.254;$4.bl1.example/txt=found:query via public resolver",
     "SSPP_RBL_RESULT=dnserror\n", 2, "(the list refused the query: 127.255.255.254); failing open"},
    {"A 127.255.255.254: refused, fail closed", Hook::rcpt, AT_RCPT, "bl1", "failclosed",
     "$4.bl1.example/a=found:127.255.255.254",
     "SSPP_RBL_RESULT=dnserror\nSSPP_RBL_REPLY=451 temporary RBL lookup error\nE451 temporary RBL lookup error\n", 2,
     ""},
    {"A outside 127/8 is no listing", Hook::rcpt, AT_RCPT, "bl1", "", "$4.bl1.example/a=found:198.51.100.1",
     S_CLEAN, 2, ""},
    // A wildcarding or hijacking resolver answers every name with an address
    // outside 127/8, often with a TXT record too: never a refusal, even failing closed.
    {"A outside 127/8 with TXT: no listing, warned", Hook::rcpt, AT_RCPT, "bl1", "",
     "$4.bl1.example/a=found:198.51.100.1;$4.bl1.example/txt=found:search ads 192.0.2.2", S_CLEAN, 2,
     "bl1.example answered 198.51.100.1 for 192.0.2.2: not a DNSBL answer (wildcard or hijacking resolver?)"},
    {"A outside 127/8 with TXT, fail closed, bounce", Hook::rcpt, AT_RCPT, "bl1", "failclosed bounce",
     "$4.bl1.example/a=found:198.51.100.1|203.0.113.7;$4.bl1.example/txt=found:search ads 192.0.2.2", S_CLEAN, 2,
     "not a DNSBL answer"},
    {"A outside 127/8 on a zone:text list", Hook::rcpt, AT_RCPT, "bl1:listed_%IP%", "failclosed",
     "$4.bl1.example/a=found:198.51.100.1", S_CLEAN, 1, "not a DNSBL answer"},
    {"A outside 127/8 on an anti-RBL: no acceptance", Hook::rcpt, AT_RCPT, "a:white bl1", "",
     "$4.white.example/a=found:198.51.100.1;$4.bl1.example/txt=found:bl1 192.0.2.2",
     S_LISTED("451 bl1 192.0.2.2") "E451 bl1 192.0.2.2\n", 3, "white.example answered 198.51.100.1"},
    {"A outside 127/8, next zone still lists", Hook::rcpt, AT_RCPT, "bl1 bl2", "bounce",
     "$4.bl1.example/a=found:198.51.100.1;$4.bl1.example/txt=found:x;$4.bl2.example/a=found:127.0.0.2",
     S_LISTED("553 client 192.0.2.2 is listed in bl2.example") "E553 client 192.0.2.2 is listed in bl2.example\n",
     4, "not a DNSBL answer"},
    {"TXT-only list (no A) still lists, fail closed", Hook::rcpt, AT_RCPT, "bl1", "failclosed",
     "$4.bl1.example/txt=found:txt only 192.0.2.2", S_LISTED("451 txt only 192.0.2.2") "E451 txt only 192.0.2.2\n",
     2, ""},
    {"a real code beside a refusal code lists", Hook::rcpt, AT_RCPT, "bl1", "",
     "$4.bl1.example/a=found:127.255.255.252|127.0.0.3",
     S_LISTED("451 client 192.0.2.2 is listed in bl1.example") "E451 client 192.0.2.2 is listed in bl1.example\n", 2,
     ""},
    {"anti-RBL refusal code does not accept", Hook::rcpt, AT_RCPT, "a:white bl1", "failclosed",
     "$4.white.example/a=found:127.255.255.254;$4.bl1.example/txt=found:bl1 192.0.2.2",
     S_LISTED("451 bl1 192.0.2.2") "E451 bl1 192.0.2.2\n", 3, ""},
    // DNS failures.
    {"timeout: fail open", Hook::rcpt, AT_RCPT, "bl1", "", "*bl1.example=fail:timeout",
     "SSPP_RBL_RESULT=dnserror\n", 2, "192.0.2.2 lookup failed at bl1.example (timeout); failing open"},
    {"timeout, next zone still decides", Hook::rcpt, AT_RCPT, "bl1 bl2", "",
     "*bl1.example=fail:SERVFAIL;$4.bl2.example/txt=found:bl2 192.0.2.2",
     S_LISTED("451 bl2 192.0.2.2") "E451 bl2 192.0.2.2\n", 4, ""},
    {"a failure before a listing forces 451 over flagrblbounce", Hook::rcpt, AT_RCPT, "bl1 bl2", "bounce",
     "*bl1.example=fail:SERVFAIL;$4.bl2.example/txt=found:bl2 192.0.2.2",
     S_LISTED("451 bl2 192.0.2.2") "E451 bl2 192.0.2.2\n", 4, ""},
    {"flagfailclosed", Hook::rcpt, AT_RCPT, "bl1 bl2", "failclosed",
     "*bl1.example=fail:timeout;$4.bl2.example/txt=found:bl2 192.0.2.2",
     "SSPP_RBL_RESULT=dnserror\nSSPP_RBL_REPLY=451 temporary RBL lookup error\nE451 temporary RBL lookup error\n", 4,
     "answering 451 (flagfailclosed)"},
    {"flagfailclosed, earlier listing wins", Hook::rcpt, AT_RCPT, "bl1 bl2", "failclosed",
     "$4.bl1.example/txt=found:bl1 192.0.2.2;*bl2.example=fail:timeout",
     S_LISTED("451 bl1 192.0.2.2") "E451 bl1 192.0.2.2\n", 4, ""},
    {"anti-RBL failing open accepts", Hook::rcpt, AT_RCPT, "a:white bl1", "", "*white.example=fail:timeout;" "$4.bl1.example/txt=found:x",
     "SSPP_RBL_RESULT=dnserror\n", 3, ""},
    {"anti-RBL failing closed: go on, 451", Hook::rcpt, AT_RCPT, "a:white bl1", "failclosed bounce",
     "*white.example=fail:timeout;$4.bl1.example/txt=found:x 192.0.2.2",
     S_LISTED("451 x 192.0.2.2") "E451 x 192.0.2.2\n", 3, ""},
    {"anti-RBL failing closed, nothing listed", Hook::rcpt, AT_RCPT, "a:white bl1", "failclosed",
     "*white.example=fail:timeout", "SSPP_RBL_RESULT=dnserror\n", 3, ""},
    {"unreadable rblhosts, fail open", Hook::rcpt, AT_RCPT, "", "unreadable", "", "", 0, ""},
    {"unreadable rblhosts, fail closed", Hook::rcpt, AT_RCPT, "", "unreadable failclosed", "",
     "E451 temporary RBL lookup error\n", 0, ""},
    // RBLSMTPD (rblsmtpd's variable, e.g. from tcprules).
    {"RBLSMTPD empty: never refused", Hook::rcpt, AT_RCPT, "bl1", "RBLSMTPD=", kListedBl1,
     "SSPP_RBL_RESULT=accepted\n", 0, "accepted by RBLSMTPD=\"\""},
    {"RBLSMTPD text: 451", Hook::rcpt, AT_RCPT, "bl1", "RBLSMTPD=no_thanks", "",
     S_LISTED("451 no thanks") "E451 no thanks\n", 0, ""},
    {"RBLSMTPD -text: 553", Hook::rcpt, AT_RCPT, "", "RBLSMTPD=-go_away", "", S_LISTED("553 go away") "E553 go away\n",
     0, ""},
    // Exemptions and recipients qmail refuses anyway.
    {"exempt local part", Hook::rcpt, AT_RCPT CACHED_451 "SMTPRCPTTO=PostMaster@y.example;", "bl1",
     "exempt=postmaster", "", "", 0, ""},
    {"exempt domain", Hook::rcpt, AT_RCPT CACHED_451 "SMTPRCPTTO=a@abuse.example;", "bl1", "exempt=@abuse.example",
     "", "", 0, ""},
    {"exempt address", Hook::rcpt, AT_RCPT CACHED_451 "SMTPRCPTTO=a@b.example;", "bl1", "exempt=a@b.example", "", "",
     0, ""},
    {"exemption is not a prefix", Hook::rcpt, AT_RCPT CACHED_451 "SMTPRCPTTO=postmasters@y.example;", "bl1",
     "exempt=postmaster", "", "E451 cached text 192.0.2.2\n", 0, ""},
    {"exempt, no verdict yet: no lookup", Hook::rcpt, AT_RCPT "SMTPRCPTTO=postmaster@y.example;", "bl1",
     "exempt=postmaster", kListedBl1, "", 0, ""},
    {"foreign recipient, no verdict yet: no lookup", Hook::rcpt, AT_RCPT "SMTPRCPTHOSTSOK=0;", "bl1", "", kListedBl1,
     "", 0, ""},
    // spp-rbl on its own: the stage comes from the environment.
    {"spp-rbl before MAIL: nothing", Hook::unknown, IP4 "SMTPHELOHOST=h;", "bl1", "", kListedBl1, "", 0, ""},
    {"spp-rbl before MAIL, lookupat=connect", Hook::unknown, IP4, "bl1", "lookupat=connect", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2"), 2, ""},
    {"spp-rbl at MAIL: cache only", Hook::unknown, AT_MAIL, "bl1", "", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2"), 2, ""},
    {"spp-rbl at MAIL, rejectat=mail", Hook::unknown, AT_MAIL, "bl1", "rejectat=mail", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2") "E451 Listed, see http://bl1/192.0.2.2\n", 2, ""},
    {"spp-rbl at RCPT", Hook::unknown, AT_RCPT, "bl1", "", kListedBl1,
     S_LISTED("451 Listed, see http://bl1/192.0.2.2") "E451 Listed, see http://bl1/192.0.2.2\n", 2, ""},
    // Client addresses.
    {"IPv6 client", Hook::rcpt, "TCPREMOTEIP=2001:db8::2;SMTPMAILFROM=s@x;SMTPRCPTTO=r@y;", "bl1", "",
     "$6.bl1.example/txt=found:v6 2001:db8::2", S_LISTED("451 v6 2001:db8::2") "E451 v6 2001:db8::2\n", 2, ""},
    {"TCP6REMOTEIP", Hook::rcpt, "TCP6REMOTEIP=2001:db8::2;SMTPMAILFROM=s@x;SMTPRCPTTO=r@y;", "bl1", "",
     "$6.bl1.example/a=found:127.0.0.2", S_LISTED("451 client 2001:db8::2 is listed in bl1.example") "E451 client 2001:db8::2 is listed in bl1.example\n", 2, ""},
    {"IPv4-mapped client uses the IPv4 name", Hook::rcpt, "TCPREMOTEIP=::ffff:192.0.2.2;SMTPMAILFROM=s@x;SMTPRCPTTO=r@y;",
     "bl1", "", "$4.bl1.example/txt=found:x ::ffff:192.0.2.2", S_LISTED("451 x ::ffff:192.0.2.2") "E451 x ::ffff:192.0.2.2\n", 2, ""},
    {"no client address", Hook::rcpt, "SMTPMAILFROM=s@x;SMTPRCPTTO=r@y;", "bl1", "", kListedBl1, "", 0,
     "no TCPREMOTEIP"},
    {"malformed client address", Hook::rcpt, "TCPREMOTEIP=1.2.3;SMTPMAILFROM=s@x;SMTPRCPTTO=r@y;", "bl1", "", "", "", 0,
     "is not an IP address"},
    {"no zones: off", Hook::rcpt, AT_RCPT, "", "", kListedBl1, "", 0, ""},
};

START_TEST(test_rbl_decide) {
  const Row& row = kRows[_i];
  Env env = make_env(row.env);
  Config config = make_config(row.zones, row.knobs);
  FakeResolver dns;
  script(dns, row.dns);
  rbl::Decision d = rbl::decide(row.hook, env, config, dns);
  std::string got = d.verdict.serialize();
  ck_assert_msg(got == row.expected, "%s: expected [%s], got [%s]", row.name, row.expected, got.c_str());
  size_t calls = row.queries ? 1 : 0;
  ck_assert_msg(dns.calls().size() == calls, "%s: %zu resolve calls", row.name, dns.calls().size());
  ck_assert_msg(dns.query_count() == size_t(row.queries), "%s: %zu queries", row.name, dns.query_count());
  if (calls) ck_assert_msg(dns.calls()[0].timeout_ms == 3000, "%s: timeout not passed on", row.name);
  std::string log;
  for (const auto& l : d.info) log += l + "\n";
  for (const auto& l : d.warnings) log += l + "\n";
  ck_assert_msg(log.find(row.log) != std::string::npos, "%s: log [%s] lacks [%s]", row.name, log.c_str(), row.log);
  // Every decision that looked something up says so in exactly one line (plus one per refusal).
  // ... plus one warning per zone that gave a bogus (non-DNSBL) answer.
  size_t bogus = std::count_if(d.warnings.begin(), d.warnings.end(),
                               [](const std::string& w) { return w.find("not a DNSBL answer") != std::string::npos; });
  size_t expected_lines = (row.queries ? 1 : 0) + (d.verdict.terminal() == Terminal::error ? 1 : 0) + bogus;
  if (row.queries) ck_assert_msg(d.info.size() + d.warnings.size() == expected_lines, "%s: %zu log lines", row.name,
                                 d.info.size() + d.warnings.size());
}
END_TEST

// The cache written by one command is what the next command reads back.
START_TEST(test_rbl_cache_round_trip) {
  Config config = make_config("bl1", "");
  FakeResolver dns;
  script(dns, "$4.bl1.example/txt=found:a=b: text 192.0.2.2 ");
  Env env = make_env(AT_MAIL);
  rbl::Decision first = rbl::decide(Hook::mail, env, config, dns);
  for (const auto& line : first.verdict.lines()) {  // what qmail-spp does with S lines
    size_t eq = line.find('=');
    env.set(line.substr(1, eq - 1), line.substr(eq + 1));
  }
  env.set("SMTPRCPTTO", "r@y.example");
  rbl::Decision second = rbl::decide(Hook::rcpt, env, config, dns);
  std::string got = second.verdict.serialize();
  ck_assert_msg(got == "E451 a=b: text 192.0.2.2 \n", "got [%s]", got.c_str());
  ck_assert_msg(dns.calls().size() == 1, "%zu calls", dns.calls().size());
}
END_TEST

struct ConfigRow {
  const char* name;
  const char* rblhosts;
  const char* options;  // control/options
  const char* env;
  const char* expect;  // a summary of the Config
  size_t warnings;
};
const ConfigRow kConfigRows[] = {
    {"nothing configured", nullptr, nullptr, "", "zones= bounce=0 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 0},
    {"zones, comments, anti, message", "# lists\nbl.example\na:white.example\nA:w2.example.\nbl2.example:go away %IP%\n",
     nullptr, "", "zones=bl.example,+white.example,+w2.example,bl2.example[go away %IP%] bounce=0 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 0},
    {"bad zones are skipped", "ok.example\nbad zone\n..x\na:\nx;y\n", nullptr, "",
     "zones=ok.example bounce=0 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 4},
    {"options file", "bl.example\n",
     "flagrblbounce=1\nflagfailclosed=1\nrbltimeout=3\nrblrejectat=mail\nrbllookupat=connect\n", "",
     "zones=bl.example bounce=1 closed=1 t=3000 reject=mail lookup=connect exempt=", 0},
    {"env overrides", "bl.example\n", "flagrblbounce=1\nrbltimeout=3\n",
     "FLAGRBLBOUNCE=0;RBLTIMEOUT=7;RBLREJECTAT=MAIL;FLAGFAILCLOSED=yes",
     "zones=bl.example bounce=0 closed=1 t=7000 reject=mail lookup=mail exempt=", 0},
    {"bad values: warnings and defaults", "bl.example\n",
     "flagrblbounce=maybe\nrbltimeout=soon\nrblrejectat=data\nrbllookupat=rcpt\n", "",
     "zones=bl.example bounce=0 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 4},
    {"huge timeout capped, with a warning", "bl.example\n", "rbltimeout=0\n", "RBLTIMEOUT=301",
     "zones=bl.example bounce=0 closed=0 t=300000 reject=rcpt lookup=mail exempt=", 1},
    {"zero timeout refused, with a warning", "bl.example\n", "rbltimeout=0\n", "",
     "zones=bl.example bounce=0 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 1},
    {"empty values count as unset", "bl.example\n", "flagrblbounce=1\n", "FLAGRBLBOUNCE=;RBLTIMEOUT=",
     "zones=bl.example bounce=1 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 0},
    {"a label over 63 bytes is refused", "bl.example\nx.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.example\n",
     nullptr, "", "zones=bl.example bounce=0 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 1},
    {"RBLSMTPD read exactly", nullptr, nullptr, "RBLSMTPD=",
     "zones= RBLSMTPD=[] bounce=0 closed=0 t=10000 reject=rcpt lookup=mail exempt=", 0},
};

std::string summary(const Config& c) {
  std::string s = "zones=";
  for (size_t i = 0; i < c.zones.size(); ++i) {
    s += (i ? "," : "") + std::string(c.zones[i].anti ? "+" : "") + c.zones[i].name;
    if (!c.zones[i].message.empty()) s += "[" + c.zones[i].message + "]";
  }
  if (c.rblsmtpd) s += " RBLSMTPD=[" + *c.rblsmtpd + "]";
  s += " bounce=" + std::to_string(c.bounce) + " closed=" + std::to_string(c.fail_closed) +
       " t=" + std::to_string(c.timeout_ms) + " reject=" + (c.reject_at == Stage::mail ? "mail" : "rcpt") +
       " lookup=" + (c.lookup_at == Stage::connect ? "connect" : "mail") + " exempt=";
  for (size_t i = 0; i < c.exempt.size(); ++i) s += (i ? "," : "") + c.exempt[i];
  return s;
}

START_TEST(test_rbl_load_config) {
  const ConfigRow& row = kConfigRows[_i];
  TempHome home;
  if (row.rblhosts) home.write("control/rblhosts", row.rblhosts);
  if (row.options) home.write("control/options", row.options);
  Env env = make_env(row.env);
  Control control(home.dir(), env);
  std::vector<std::string> warnings;
  Config c = rbl::load_config(control, env, warnings);
  Deps deps;
  c.fail_closed = Context{Hook::rcpt, env, control, deps, &rbl::check}.fail_mode() == FailMode::tempfail;
  std::string got = summary(c);
  ck_assert_msg(got == row.expect, "%s: expected [%s], got [%s]", row.name, row.expect, got.c_str());
  ck_assert_msg(warnings.size() == row.warnings, "%s: %zu warnings (%s)", row.name, warnings.size(),
                warnings.empty() ? "" : warnings[0].c_str());
}
END_TEST

// The refusal log line lost the IP and the code for long addresses (the log
// caps a line at 1000 bytes): they come first now.
START_TEST(test_rbl_refusal_log_keeps_ip_and_code) {
  std::string from(900, 's'), rcpt(900, 'r');
  Env env = make_env(IP4 "SPP_RBL_RESULT=listed;SPP_RBL_REPLY=451 listed here;SMTPRCPTCOUNT=0;SMTPRCPTHOSTSOK=1;");
  env.set("SMTPMAILFROM", from + "@x.example");
  env.set("SMTPRCPTTO", rcpt + "@y.example");
  Config config;
  config.zones.push_back({"bl1.example", false, ""});
  spp::testing::FakeResolver dns;
  rbl::Decision d = rbl::decide(Hook::rcpt, env, config, dns);
  ck_assert_uint_eq(d.info.size(), 1);
  char path[] = "/tmp/spp-rbllogXXXXXX";
  int fd = mkstemp(path);
  spp::log::set_fd(fd);
  spp::log::info(d.info[0]);
  spp::log::set_fd(-1);
  std::string logged;
  spp::read_file(path, logged);
  unlink(path);
  close(fd);
  ck_assert_msg(logged.find("refused 192.0.2.2 at RCPT: 451 listed here; from <sss") != std::string::npos, "log: %.120s",
                logged.c_str());
}
END_TEST

START_TEST(test_rbl_exempt_file) {
  TempHome home;
  home.write("control/rblhosts", "bl.example\n");  // without zones the check is off and reads nothing else
  home.write("control/rblexempt", "# never refused\nPostmaster\nabuse\n");
  Env env;
  Control control(home.dir(), env);
  std::vector<std::string> warnings;
  Config c = rbl::load_config(control, env, warnings);
  ck_assert_msg(summary(c).find("exempt=postmaster,abuse") != std::string::npos, "%s", summary(c).c_str());
}
END_TEST

START_TEST(test_rbl_unreadable_rblhosts) {
  TempHome home;
  mkdir(home.control("rblhosts").c_str(), 0755);  // unreadable even for root: read() fails with EISDIR
  Env env;
  Control control(home.dir(), env);
  std::vector<std::string> warnings;
  Config c = rbl::load_config(control, env, warnings);
  ck_assert_msg(c.unreadable, "unreadable not noticed");
  ck_assert_msg(!warnings.empty() && warnings[0].find("unable to read") != std::string::npos, "no warning");
}
END_TEST

Suite* rbl_suite() {
  Suite* s = suite_create("spp-rbl");
  TCase* tc = tcase_create("decide");
  tcase_add_loop_test(tc, test_rbl_decide, 0, sizeof kRows / sizeof kRows[0]);
  tcase_add_test(tc, test_rbl_cache_round_trip);
  suite_add_tcase(s, tc);
  tc = tcase_create("config");
  tcase_add_test(tc, test_rbl_refusal_log_keeps_ip_and_code);
  tcase_add_loop_test(tc, test_rbl_load_config, 0, sizeof kConfigRows / sizeof kConfigRows[0]);
  tcase_add_test(tc, test_rbl_exempt_file);
  tcase_add_test(tc, test_rbl_unreadable_rblhosts);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() { return spp::testing::run_suite(rbl_suite()); }
