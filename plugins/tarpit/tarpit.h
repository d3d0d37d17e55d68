// tarpit: delay the RCPT reply once a transaction has many recipients.
//
// Interface: [rcpt] (spp-tarpit or spp-rcpt). Settings (env > control/<name> >
// control/options > default): tarpitcount / TARPITCOUNT (0 = off, the default),
// tarpitdelay / TARPITDELAY (seconds, default 5; or N, M, H for 2k, 5k, k²
// seconds where k is the position of this recipient past the threshold).
// Once SMTPRCPTCOUNT + 1 >= tarpitcount the plugin sleeps before qmail
// answers the RCPT, as the classic tarpit patch does for accepted recipients.
// Prints nothing. Fail mode: open, always — a delay is never a verdict.
#pragma once

#include <string>
#include <vector>

#include "plugin.h"

namespace spp::tarpit {

enum class DelayKind { fixed, linear2, linear5, square };

struct Config {
  unsigned long count = 0;  // 0 = off
  DelayKind kind = DelayKind::fixed;
  unsigned long seconds = 5;  // for DelayKind::fixed
};

/// Longest sleep we ever do: RFC 5321 gives a client 5 minutes for the RCPT reply.
constexpr unsigned long kMaxDelay = 300;

/// Parses the settings; every problem is a warning and has a documented fallback:
/// a bad tarpitcount turns tarpitting off, a bad tarpitdelay means 5 seconds.
Config load_config(const Control& control, std::vector<std::string>& warnings);

/// Seconds to sleep before this RCPT's reply (0 = none). Pure.
unsigned long decide(const Env& env, const Config& config);

extern const Check check;

}  // namespace spp::tarpit
