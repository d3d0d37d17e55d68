// spf/engine: one SPF evaluation on libspf2, with our own DNS layer.
//
// libspf2 evaluates; everything around it is ours: its SPF_dns_server_t
// layer answers from spp::Resolver (c-ares) under one overall deadline, and
// enforces RFC 7208 §4.6.4 (10 DNS-querying terms, 2 void lookups, at most 10
// PTR names looked at); record retrieval (get_spf) selects the record, checks
// it with spf/record and hands libspf2 the canonical form, with spfrules and
// spfguess applied to the top-level record as qmail-spf does; explanations
// (get_exp) are fetched and expanded by us. libspf2's "(invalid)" becomes
// permerror or temperror.
#pragma once

#include <string>
#include <vector>

#include "dns.h"
#include "spf/record.h"

namespace spp::spf {

/// RFC 7208 results.
enum class Result { none, neutral, pass, fail, softfail, temperror, permerror };
const char* result_name(Result r);     // RFC 7208: "permerror"
const char* qmail_name(Result r);      // qmail-spf / SPFRESULT: "unknown", "error"

struct Request {
  std::string ip;        // client address as given (IPv4, IPv6 or IPv4-mapped)
  std::string sender;    // MAIL FROM address ("" = null sender)
  std::string helo;      // HELO/EHLO argument
  std::string receiver;  // our host name (%{r}, %{xr})
  int timeout_ms = 20000;
  std::vector<Directive> rules;  // spfrules (parsed)
  std::vector<Directive> guess;  // spfguess (parsed)
  std::string default_exp;       // spfexp (a macro-string)
  /// Results that get an explanation (bit 1 << Result): a fail takes the
  /// domain's exp= when it has a valid one, everything else spfexp.
  unsigned explain = 1u << 3;
};

struct Outcome {
  Result result = Result::none;
  std::string domain;       // the domain checked (sender's or HELO)
  bool helo_identity = false;
  std::string sender;       // the identity as checked (postmaster@helo for <>)
  std::string ip;           // the client address evaluated (IPv4 for a mapped one)
  bool local_policy = false;  // spfguess/spfrules decided (qmail-spf's %{xs})
  std::string reason;       // why, for logs and %{xe} (errors)
  std::string explanation;  // fail: the domain's exp= or spfexp, expanded (one line)
  int lookups = 0;          // DNS-querying terms used
};

/// Evaluates one request. Never throws for DNS or record trouble.
Outcome evaluate(const Request& request, Resolver& dns);

/// spfexp expanded for an outcome that has no explanation yet (%{p} is "unknown").
std::string default_explanation(const Request& request, const Outcome& outcome);

/// Loopback (127/8, ::1) or one of `own` (TCPLOCALIP): pass without a lookup.
bool is_own_address(const std::string& ip, const std::vector<std::string>& own);

}  // namespace spp::spf
