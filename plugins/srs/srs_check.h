// srs: send bounces to SRS addresses back where they belong, at RCPT.
//
// Interface: [rcpt] (spp-srs or spp-rcpt). A bounce (MAIL FROM:<>) to
// SRS0=...@<srs_domain> or SRS1=...@<srs_domain> whose hash verifies with a
// secret of control/srs/srs_secrets or control/srs/revers_srs_secrets, and
// (SRS0) whose day stamp is at most srs_max_age days old, gets a C line:
// qmail-smtpd then takes the original address as the recipient.
//
// C at RCPT skips qmail's rcpthosts check (qmail-spp computed it before the
// plugins ran), so C is printed only after the hash and the stamp verified,
// only for the null sender (srs_anysender=1 widens that), and only when the
// recipient domain is srs_domain and qmail would accept it (SMTPRCPTHOSTSOK=1
// or a relay client). Any other SRS address of srs_domain is refused with a
// 550 that says why; everything else gets no opinion. Every C and every
// refusal is logged. Fail mode: no readable secret → 451 (srs_failclosed=0:
// no opinion, then qmail delivers to the SRS address as it is; never a relay).
#pragma once

#include <string>
#include <vector>

#include "plugin.h"
#include "srs.h"  // lib/srs.h, the codec (this header is srs_check.h so the name stays free)

namespace spp::srs {

struct Config {
  std::string domain;     // lower case; empty = off
  Params params;           // secrets: srs_secrets, then revers_srs_secrets
  bool any_sender = false;
  std::vector<std::string> local_domains;  // forwarding: senders never rewritten (lower case)
  std::string secrets_error;  // why no secret could be read (empty: none configured)
};

/// The settings; with `secrets` false only what decides whether a recipient
/// concerns us (the domain), so non-SRS recipients cost one file lookup.
Config load_config(const Control& control, Warnings& warnings, bool secrets = true);

/// The recipient is an SRS address (SRS0/SRS1 + separator) of config.domain.
bool concerns(const Env& env, const Config& config);

enum class Action {
  none,     // not ours: no opinion
  rewrite,  // C address
  refuse,   // E550 reason
  cannot,   // no secret to verify with: the fail mode answers
};
struct Decision {
  Action action = Action::none;
  std::string address;  // rewrite: the original address
  std::string reason;   // refuse: why
};

/// Pure: the answer for this RCPT at time `now` (seconds since the epoch).
Decision decide(const Env& env, const Config& config, long long now);

/// Forwarding: the SRS sender for `sender` forwarded by `alias`, or
/// Status::unchanged for senders of srs_localdomains (and what srs::forward
/// leaves alone).
Result forward_sender(const Config& config, std::string_view sender, std::string_view alias, long long now);

extern const Check check;

}  // namespace spp::srs
