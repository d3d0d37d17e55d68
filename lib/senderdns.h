// senderdns: does the envelope sender's domain exist? One rule for every
// check that asks (spp-mfdnscheck; spp-chkuser's sender MX check): MX, A and
// AAAA asked in parallel within one timeout; any record means it exists;
// none of them (NXDOMAIN or NODATA) means missing; otherwise (SERVFAIL, a
// timeout) it is a DNS error, which no caller may turn into a 5xx. A name DNS
// cannot hold is missing without a query. The verdict travels in
// SPP_MFDNS="<result> <sender>" (S), so one MAIL costs one lookup.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns.h"
#include "env.h"

namespace spp::senderdns {

constexpr const char* kMarker = "SPP_MFDNS";  // "<result> <sender>"

enum class Result { skipped, exists, missing, dns_error };
/// "skipped", "exists", "missing", "dnserror": the marker's words.
const char* result_name(Result r);

/// The lower-cased domain of `sender` to look up (trailing dots dropped), or
/// nullopt when there is nothing to look up: the null sender, no '@', a
/// domain literal. `invalid` is set for a name DNS cannot hold.
std::optional<std::string> sender_domain(std::string_view sender, bool& invalid);
/// MX, A and AAAA of `domain`.
std::vector<Query> build_queries(const std::string& domain);
/// Pure: any record means it exists; else any failure is a DNS error; else missing.
Result evaluate(const std::vector<Answer>& answers);

struct Verdict {
  Result result = Result::skipped;
  std::string domain;  // what was looked up ("" when skipped)
  std::string why;     // the failure ("timeout", "SERVFAIL", "not a valid domain name")
};
/// The whole rule for one sender: nothing to look up (skipped), an invalid
/// name (missing), or the three queries within timeout_ms.
Verdict look_up(Resolver& dns, std::string_view sender, int timeout_ms);

/// The verdict stored in SPP_MFDNS for this sender (nullopt: none, or one
/// about another sender).
std::optional<Result> read_marker(const Env& env, std::string_view sender);
/// The value to store: "<result> <sender>".
std::string marker_value(Result r, std::string_view sender);

}  // namespace spp::senderdns
