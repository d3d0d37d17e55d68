// relay: H-Sphere's (spamcontrol 1.x's) relayclients, relaydomains and
// relaymailfrom: extra clients or senders allowed to relay, granted per
// recipient with qmail-spp's O.
//
// Interface: [rcpt] only (spp-rcpt, or spp-relay under [rcpt]): qmail-spp
// honours O as "skip rcpthosts" only at RCPT; under [mail] an O would skip
// qmail's badmailfrom instead, so spp-conf check reports spp-relay in any
// other section as an error. For a recipient qmail would refuse as foreign
// (SMTPRCPTHOSTSOK=0) from a client that does not relay already
// (RELAYCLIENT unset, not authenticated), the check answers O when
//   relayclients  lists TCPREMOTEIP: exact, a prefix ending in '.' or ':'
//                 (tcprules style), a CIDR block, or a wildmat pattern;
//   relaydomains  lists TCPREMOTEHOST: exact, .domain (any subdomain), or a
//                 wildmat pattern (any case); needs tcpserver's PTR lookup;
//   relaymailfrom lists the envelope sender: address or @domain (any case),
//                 .domain, wildmat; never the null sender. Forgeable.
// Otherwise nothing (qmail refuses with its own 553). An absent file means no
// extra relay clients (H-Sphere's "all are allowed" cannot be meant). Fail
// mode: an unreadable list answers 451 (relayfailclosed=0: no opinion, and
// qmail's rcpthosts 553 follows), so our own failure is no 5xx by default.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "addrlist.h"
#include "plugin.h"

namespace spp::relay {

struct Config {
  std::vector<std::string> clients;   // relayclients lines
  std::vector<std::string> domains;   // relaydomains lines, lower case
  AddressList senders;                // relaymailfrom
  std::string error;                  // a list could not be read
  bool empty() const { return clients.empty() && domains.empty() && senders.empty(); }
};

/// Which list grants relaying, and the line that did ("" when none).
struct Grant {
  std::string list;
  std::string line;
};

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings);

/// One relayclients line against an IP address (pure).
bool client_matches(std::string_view line, std::string_view ip);
/// One relaydomains line against a host name (pure; both any case).
bool domain_matches(std::string_view line, std::string_view host);

/// Pure: the grant for this client and sender, if any.
std::optional<Grant> decide(const Config& config, std::optional<std::string_view> ip,
                            std::optional<std::string_view> host, std::optional<std::string_view> sender);

/// Lines that open the relay to everyone or to anyone who claims them (spp-conf check).
std::vector<std::string> risks(const Config& config);

extern const Check check;

}  // namespace spp::relay
