// mfdnscheck: the envelope sender's domain must exist in DNS (H-Sphere's
// mfdnscheck, spamcontrol's MFDNSCHECK).
//
// Interface: [mail] looks the domain up (MX, A and AAAA in parallel, one
// timeout) and stores the verdict with S SPP_MFDNS="<result> <sender>";
// [rcpt] refuses every RCPT of a sender whose domain has none of them with
// spamcontrol's "553 sorry, your envelope sender must exist (#5.7.1)", stock
// timing like badmailfrom (spp-mail + spp-rcpt, or spp-mfdnscheck alone under
// [rcpt], which looks up there). Skipped: the null sender, relaying and
// authenticated clients, domain literals, senders listed in nomfdnscheck and
// senders a badmailfrom ?addr line whitelisted. Settings: mfdnscheck /
// MFDNSCHECK (0 = off), nomfdnscheck, mfdnstimeout. Fail mode: SERVFAIL or a
// timeout is no opinion (logged); mfdnsfailclosed=1 answers 451 "DNS
// temporary failure". Never a 5xx for a DNS failure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "plugin.h"
#include "senderdns.h"

namespace spp::mfdnscheck {

// The DNS rule and the marker are lib/senderdns's (chkuser's sender check
// uses the same).
using senderdns::kMarker;
using senderdns::Result;
using senderdns::result_name;
using senderdns::build_queries;
using senderdns::evaluate;
constexpr const char* kReply = "sorry, your envelope sender must exist";

struct Config {
  bool enabled = false;
  std::vector<std::string> exempt;  // nomfdnscheck: addresses or @domains, lower case
  int timeout_ms = 10000;
  std::string error;                // nomfdnscheck could not be read
};

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings);

/// The domain to look up, or nullopt when this sender is not checked
/// (null sender, no '@', a domain literal, exempt). `invalid` is set for a
/// name DNS cannot hold (then the domain does not exist).
std::optional<std::string> domain_to_check(const Config& config, std::string_view sender, bool& invalid);

extern const Check check;

}  // namespace spp::mfdnscheck
