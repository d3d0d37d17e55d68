// badrcptto: refuse listed envelope recipients (spamcontrol's badrcptto).
//
// Interface: [rcpt] (spp-rcpt, or spp-badrcptto). Lists: control/badrcptto
// and control/badrcptpatterns, one list (badrcptto first): exact entries and
// @domain case-insensitive, notqmail-style .domain, then the wildmat pass
// with '!' exceptions, last match wins (lib/addrlist.h; no sender forms).
// A listed recipient gets spamcontrol's "553 sorry, your envelope recipient
// is in my badrcptto list (#5.7.1)". A recipient qmail refuses anyway
// (SMTPRCPTHOSTSOK=0, no RELAYCLIENT) is left to qmail's rcpthosts text, as
// spamcontrol checks relaying first. Setting: lowercase. Fail mode: 451 when
// a list cannot be read (badrcpttofailclosed=0: no opinion).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "addrlist.h"
#include "plugin.h"

namespace spp::badrcptto {

constexpr const char* kReply = "sorry, your envelope recipient is in my badrcptto list";
constexpr size_t kMaxLine = 65536;

struct Config {
  AddressList list;
  bool lowercase = false;
  std::string error;  // a list could not be read
};

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings);

/// Pure: why `rcpt` is listed (Match::none when it is not).
Match decide(const Config& config, std::string_view rcpt);
/// The same; a compiled list (cdb) that fails to answer sets *error.
Match decide(const Config& config, std::string_view rcpt, std::string* error);

extern const Check check;

}  // namespace spp::badrcptto
