// rbl: refuse clients listed in DNS blocklists — rblsmtpd's decision, given
// at RCPT (or MAIL) through qmail-spp instead of before qmail-smtpd starts.
//
// Interface: [connection], [mail], [rcpt] (spp-connect/spp-mail/spp-rcpt, or
// spp-rbl listed under [rcpt]; see spp-rbl.8 for spp-rbl's own rules).
// Zones come from control/rblhosts ("zone", "a:zone" anti-RBL, "zone:text"
// A-only list); RBLSMTPD overrides them as in rblsmtpd. All zones are asked
// in parallel with one total timeout (rbltimeout); the verdict is cached for
// the connection with S SPP_RBL_RESULT / SPP_RBL_REPLY, so later commands
// (and an RSET) never repeat the lookup. Relaying and authenticated clients
// are never looked up. Fail mode: open (log, no opinion); flagfailclosed=1
// answers 451 "temporary RBL lookup error" like rblsmtpd -c.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin.h"

namespace spp::rbl {

struct Zone {
  std::string name;
  bool anti = false;    // "a:zone": an A record there means accept, stop checking
  std::string message;  // "zone:text": an A-only list; this text (%IP% = client) instead of TXT
};

/// Where in the SMTP dialogue we are (qmail-spp's section, or our guess at it).
enum class Stage { connect, mail, rcpt };

struct Config {
  std::vector<Zone> zones;
  std::optional<std::string> rblsmtpd;  // RBLSMTPD, read exactly as rblsmtpd reads it
  bool bounce = false;                  // flagrblbounce: 553 instead of 451 for a listing
  bool fail_closed = false;             // the check's fail mode (knob flagfailclosed): DNS failure => 451
  bool unreadable = false;              // control/rblhosts exists but cannot be read
  int timeout_ms = 10000;               // rbltimeout: one bound for all lookups
  Stage reject_at = Stage::rcpt;        // rblrejectat: mail | rcpt
  Stage lookup_at = Stage::mail;        // rbllookupat: connect | mail
  std::vector<std::string> exempt;      // rblexempt: never refused (lower case)
};

/// What the lookup decided; cached for the connection in the environment.
enum class Outcome { clean, accepted, listed, dns_error };

struct Result {
  Outcome outcome = Outcome::clean;
  int code = 0;        // 451 or 553 when the client is to be refused; 0 = not refused
  std::string text;    // the reply text after the code (printable, at most ~250 bytes)
  std::string zone;    // the deciding (or failing) zone; "RBLSMTPD" for the variable
  std::string reason;  // why a lookup failed ("timeout", "SERVFAIL", ...)
  std::vector<std::string> warnings = {};  // answers ignored as no DNSBL's (to be logged)
};

constexpr const char* kResultVar = "SPP_RBL_RESULT";  // clean | accepted | listed | dnserror
constexpr const char* kReplyVar = "SPP_RBL_REPLY";    // "451 text" when the client is refused

extern const SettingSpec kSettings[7];

/// All settings but the fail mode (Context::fail_mode); every problem is a
/// warning with a documented fallback.
Config load_config(const Control& control, const Env& env, std::vector<std::string>& warnings);

/// One A query per zone, followed by a TXT query for zones that publish their text.
std::vector<Query> build_queries(const Config& config, std::string_view ip);
/// rblsmtpd's rules over the answers of build_queries, zone by zone in file order;
/// the first decision wins. Pure.
Result evaluate(const Config& config, std::string_view ip, const std::vector<Answer>& answers);

const char* outcome_name(Outcome o);
/// The cached verdict, or nullopt when there is none (or it is malformed).
std::optional<Result> read_cache(const Env& env);
void write_cache(Verdict& verdict, const Result& result);

/// The stage for a hook; for spp-rbl (Hook::unknown) it is inferred from the env.
Stage stage_of(Hook hook, const Env& env);

struct Decision {
  Verdict verdict;
  std::vector<std::string> info;  // log lines
  std::vector<std::string> warnings;
};
/// The whole check: trust, cache, lookup (through dns), reject point, exemptions.
Decision decide(Hook hook, const Env& env, const Config& config, Resolver& dns);

extern const Check check;

}  // namespace spp::rbl
