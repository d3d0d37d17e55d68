// spf: SPF (RFC 7208) of the envelope sender, qmail-spf compatible, on
// libspf2 with our own DNS layer, record check and explanations (engine.h).
//
// Interface (qmail-spf's, semantics.md §4): [mail] evaluates the MAIL FROM
// domain (the HELO name for <>) and keeps the verdict with S: SPFRESULT
// (qmail-spf's names: pass fail softfail neutral none unknown error),
// SPP_SPF="<rfc result> <sender>", SPP_SPF_TEXT (the rejection text),
// SPP_SPF_HEADER and SPP_SPF_AR (the header values). A temporary error at
// spfbehavior >= 2 answers MAIL with "451 SPF lookup failure (#4.3.0)".
// [rcpt] refuses every RCPT of a rejected sender with "550 <explanation>
// (#5.7.1)" (fail at >= 3, softfail >= 4, neutral >= 5, none/unknown at 6),
// also after RSET; [data] adds Received-SPF: (classic or RFC 7208 form,
// spfheader) and Authentication-Results: (when authservid is set) with H.
// Skipped for relaying and authenticated clients (SPFRESULT unset); loopback
// and TCPLOCALIP pass without a lookup. Settings: spfbehavior (SPFBEHAVIOR),
// spfrules, spfguess, spfexp, spfheader (SPFHEADER), authservid, spftimeout
// (SPFTIMEOUT). Our own DNS failure is never a 5xx.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "plugin.h"
#include "spf/engine.h"

namespace spp::spf {

constexpr const char* kMarker = "SPP_SPF";  // "<rfc result> <sender>"
constexpr const char* kText = "SPP_SPF_TEXT";
constexpr const char* kHeader = "SPP_SPF_HEADER";
constexpr const char* kAuthResults = "SPP_SPF_AR";
constexpr const char* kResultVar = "SPFRESULT";
constexpr const char* kDefaultExp = "See http://spf.pobox.com/why.html?sender=%{S}&ip=%{I}&receiver=%{xR}";

enum class HeaderForm { classic, rfc };

struct Config {
  unsigned behavior = 0;  // 0-6
  std::vector<Directive> rules, guess;
  std::string exp = kDefaultExp;
  HeaderForm header = HeaderForm::classic;
  std::string authservid;
  int timeout_ms = 20000;
};

Config load_config(const Control& control, std::vector<std::string>& warnings);

/// Parses one line of local rules (spfrules, spfguess): directives only.
bool parse_rules(std::string_view line, std::vector<Directive>& out, std::string& error);

/// Pure: does spfbehavior refuse this result at RCPT?
bool rejects(unsigned behavior, Result r);

/// The Received-SPF: value (without the field name), from sanitised parts only.
std::string received_spf(HeaderForm form, const Outcome& o, const std::string& receiver, const std::string& helo);
/// The Authentication-Results: value (RFC 8601).
std::string authentication_results(const std::string& authservid, const Outcome& o, const std::string& helo);

extern const Check check;

}  // namespace spp::spf
