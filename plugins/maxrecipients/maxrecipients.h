// maxrecipients: at most N recipients per message (H-Sphere's maxrecipients,
// read as the SMTP envelope limit like spamcontrol's and jms1's MAXRCPT).
//
// Interface: [rcpt] (spp-rcpt, or spp-maxrecipients). Setting maxrecipients /
// MAXRECIPIENTS (0 = unlimited, the default). Once SMTPRCPTCOUNT recipients
// of this transaction were accepted, every further RCPT gets spamcontrol's
// "452 sorry, too many recipients (#4.5.3)" (RFC 5321 4.5.3.1.10: a 452, so
// the client sends the message to the first N and retries the rest later).
// Refused recipients do not count. Fail mode: open, always (a malformed
// value is logged and means unlimited).
#pragma once

#include <string>
#include <vector>

#include "plugin.h"

namespace spp::maxrecipients {

constexpr const char* kReply = "sorry, too many recipients";

/// The limit (0 = unlimited); a bad value warns and means 0.
unsigned long load_config(const Control& control, std::vector<std::string>& warnings);

/// Pure: true when this RCPT is beyond the limit.
bool decide(const Env& env, unsigned long limit);

extern const Check check;

}  // namespace spp::maxrecipients
