// helocheck: the HELO/EHLO greeting checks of spamcontrol (badhelo and
// HELOCHECK, semantics.md §1.5) and the ones operators ask for (my own name
// or address claimed by a stranger, a bare IP, a name that is not a FQDN).
//
// Interface: [helo] decides (list, then the DNS modes on the c-ares layer)
// and stores the verdict with S SPP_HELO="<result> <helo>"; [mail] decides
// when no verdict for the current HELO is stored (a client that never sent
// HELO/EHLO, or spp-helo not registered) and stores it; [rcpt] refuses every
// RCPT with spamcontrol's "550 sorry, invalid HELO/EHLO greeting (#5.7.1)"
// (plus $REPLY_HELO), where spamcontrol refuses. The verdict lives as long as
// that HELO: RSET and a new MAIL keep it, a new HELO re-decides.
// spp-helocheck alone decides and refuses wherever it is listed.
// Relaying and authenticated clients are never checked (spamcontrol skips
// RELAYCLIENT).
//
// Modes: HELOCHECK (env, set even empty; else control/helocheck or options):
//   ""  badhelo only; "!" a missing or empty HELO; "." both;
//   "=" badhelo + the HELO must equal TCPREMOTEHOST; "A"/"M" badhelo + the
//   name must have an A/AAAA (A) or MX/A/AAAA (M) record; any of the single
//   characters also refuses a client that never sent HELO (spamcontrol's
//   !seenhelo rule). "off": nothing. Unset everywhere: badhelo only (H-Sphere).
// Switches on top: stricthelocheck (as "!"), helodnscheck (as "A"), heloself,
// helobareip, helofqdn. badhelo: exact lines (case-insensitive), "name!"
// (this HELO passes, no further checks), wildmat lines with '!' exceptions,
// last match wins. Fail mode: a DNS failure or an unreadable badhelo is no
// opinion (helofailclosed=1: 451 at RCPT). Never a 5xx for our own failure.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "addrlist.h"
#include "plugin.h"

namespace spp::helocheck {

constexpr const char* kMarker = "SPP_HELO";  // "<result> <helo>", or "<result>" when no HELO was sent
constexpr const char* kReply = "sorry, invalid HELO/EHLO greeting";
constexpr size_t kMaxLine = kListMaxLine;

enum class Result {
  ok,           // nothing against it
  whitelisted,  // a "name!" line of badhelo
  listed,       // badhelo (exact or wildmat)
  missing,      // no HELO/EHLO, or an empty one
  mismatch,     // "=": not TCPREMOTEHOST
  bareip,       // an IP address without brackets
  notfqdn,      // not a fully qualified domain name
  self,         // one of my names or addresses, from a stranger
  nodns,        // "A"/"M": NXDOMAIN, no record, or a name DNS cannot hold
  dnserror,     // "A"/"M": SERVFAIL or timeout (our side: never a 5xx)
};
const char* result_name(Result r);
std::optional<Result> result_from_name(std::string_view name);
inline bool refuses(Result r) { return r != Result::ok && r != Result::whitelisted && r != Result::dnserror; }

struct Config {
  bool list = false;          // badhelo applies
  bool require_seen = false;  // a client that never sent HELO/EHLO is refused
  bool require_arg = false;   // an empty HELO argument is refused
  bool equal = false;         // "=": HELO must equal TCPREMOTEHOST
  char dns = 0;               // 'A' or 'M'
  bool self = false, bareip = false, fqdn = false;
  int timeout_ms = 10000;
  std::unordered_set<std::string> exact;        // lower case
  std::unordered_set<std::string> passes;       // "name!" lines, lower case, without '!'
  std::vector<std::string> patterns;            // wildmat lines, '!' exceptions kept
  std::unordered_set<std::string> own_names;    // me, locals, rcpthosts (heloself), lower case
  /// badhelo.cdb (spp-conf cdb badhelo) in place of the text file: keys as
  /// cdb_records writes them.
  std::function<CdbResult(std::string_view)> compiled;
  std::string error;                            // badhelo unreadable
  bool active() const { return list || require_seen || require_arg || equal || dns || self || bareip || fqdn; }
};

/// What decide needs to know about the client and this host.
struct Client {
  std::optional<std::string_view> host;  // TCPREMOTEHOST
  std::string_view ip;                   // TCPREMOTEIP
  std::vector<std::string> my_addresses; // TCPLOCALIP + interface addresses (heloself)
  bool in_morercpthosts = false;         // the HELO is a key of morercpthosts.cdb
};

/// The decision before DNS: a final result, or the name to look up (dns_name).
struct Decision {
  Result result = Result::ok;
  std::string why;                      // for the log
  std::optional<std::string> dns_name;  // set: ask DNS, the result comes from evaluate()
  std::string error;                    // badhelo.cdb failed to answer: no verdict
};

Config load_config(const Control& control, const Env& env, Deps& deps, std::vector<std::string>& warnings);
/// The HELOCHECK value in force (env set even empty, else control/helocheck,
/// else control/options), nullopt when unset everywhere.
std::optional<std::string> mode_value(const Control& control, const Env& env);
/// Applies one HELOCHECK value to config, exactly as spamcontrol reads it.
void apply_mode(Config& config, std::optional<std::string_view> mode);

/// Pure: everything but DNS. helo: SMTPHELOHOST (nullopt: never sent).
Decision decide(const Config& config, std::optional<std::string_view> helo, const Client& client);
/// The queries for the "A" or "M" mode.
std::vector<Query> build_queries(char mode, const std::string& name);
/// Pure: any record passes; else a failure is dnserror; else nodns.
Result evaluate(const std::vector<Answer>& answers);

/// What `spp-conf cdb badhelo` stores: exact names lower case (value ""),
/// "name!" lines as the name (value "!"), the wildmat lines' trigram index.
CdbRecords cdb_records(const std::vector<std::string>& lines);

/// Helpers, exposed for the tests.
bool is_ip_address(std::string_view text);
bool is_fqdn(std::string_view name);

extern const Check check;

}  // namespace spp::helocheck
