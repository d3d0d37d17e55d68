// authsender: an authenticated client may only use sender addresses it owns.
//
// Interface: [mail] (spp-mail, or spp-authsender). Only when SMTPAUTHUSER is
// set and not empty (the spp auth variants set it after AUTH succeeded);
// everyone else is untouched. Setting authsender / AUTHSENDER:
//   0 (default) off;  2 off (H-Sphere's accounting mode, nothing to check);
//   1 or "domain": the login itself, its authsenders entries, or any address
//     of the login's domain (H-Sphere's authsender=1);
//   "login": the login itself or its authsenders entries only.
// control/authsenders: "login: addr, @domain, ..." lines (case-insensitive).
// The null sender is allowed (bounces, vacation replies). A foreign sender is
// refused at MAIL with a 553 that names the rule. Fail mode: 451 when
// authsenders exists but cannot be read (authsenderfailclosed=0: no opinion).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

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

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings);

/// Pure: "" when `sender` is allowed for `login`, else the rule it breaks
/// (the reply text after the code).
std::string decide(const Config& config, std::string_view login, std::string_view sender);

extern const Check check;

}  // namespace spp::authsender
