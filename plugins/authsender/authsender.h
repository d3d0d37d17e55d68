// authsender: an authenticated client may only use sender addresses it owns.
//
// Interface: [auth] (spp-auth, listed last) records the login the [auth]
// plugins let through: S SPP_AUTHUSER=auth_marker(SMTPAUTHUSER). qmail-spp
// leaves SMTPAUTHUSER set when an [auth] plugin refuses, so from then on the
// marker decides who is authenticated (Env::authenticated, for every check);
// at [mail] a login spp-auth did not record (an earlier [auth] plugin
// refused it, so spp-auth never ran) gets an empty marker. [mail] (spp-mail,
// or spp-authsender): only for an authenticated client (SMTPAUTHUSER set, not
// empty, and the marker's login when there is one); everyone else is
// untouched. Setting authsender / AUTHSENDER:
//   0 (default) off;  2 off (H-Sphere's accounting mode, nothing to check);
//   1 or "domain": the login itself, its authsenders entries, or any address
//     of the login's domain (H-Sphere's authsender=1);
//   "login": the login itself or its authsenders entries only.
// control/authsenders: "login: addr, @domain, ..." lines (case-insensitive),
// or its compiled form authsenders.cdb (spp-conf cdb authsenders: one lookup
// of the lower-cased login; the text is then not read, as for every list).
// The null sender is allowed (bounces, vacation replies). A foreign sender is
// refused at MAIL with a 553 that names the rule. Fail mode: 451 when
// authsenders(.cdb) exists but cannot be read or is corrupt
// (authsenderfailclosed=0: no opinion).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "addrlist.h"  // CdbRecords
#include "plugin.h"

namespace spp::authsender {

enum class Mode { off, domain, login };

struct Config {
  Mode mode = Mode::off;
  std::map<std::string, std::vector<std::string>> owned;  // login (lower case) -> addresses / @domains
  std::string error;                                      // authsenders could not be read
};

/// Parses "login: addr, @domain" lines; malformed lines are warnings.
void parse_authsenders(const std::vector<std::string>& lines, Config& config, std::vector<std::string>& warnings);

/// The settings and the entries of `login` (every login's when nullopt: the
/// text form only). With authsenders.cdb present only `login` is looked up.
Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings,
                   std::optional<std::string_view> login = std::nullopt);

/// What `spp-conf cdb authsenders` stores: the lower-cased login -> its
/// entries (every line of that login, blank-separated), and kAlwaysKey (the
/// "built by spp-conf cdb" mark). Decides exactly as parse_authsenders.
CdbRecords cdb_records(const std::vector<std::string>& lines);

/// Pure: the smtpplugins text (qmail-spp's reading) runs spp-auth under [auth].
bool spp_auth_listed(std::string_view smtpplugins);

/// Pure: "" when `sender` is allowed for `login`, else the rule it breaks
/// (the reply text after the code).
std::string decide(const Config& config, std::string_view login, std::string_view sender);

extern const Check check;

}  // namespace spp::authsender
