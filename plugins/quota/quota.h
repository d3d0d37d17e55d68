// quota: refuse a recipient whose mailbox is full, at RCPT, read-only.
//
// Interface: [rcpt] (spp-rcpt, or spp-quota). On with uquotacheck /
// UQUOTACHECK=1 (H-Sphere's name). The mailbox is found the way chkuser
// finds the recipient (lib/delivery.h; the passwd file is chkuser's
// chkuserpasswd): a vpopmail user's directory, else the home, + /Maildir.
// In spp-rcpt after chkuser, chkuser's resolution is reused (RunMemo).
// Its Maildir++ maildirsize (first line "<bytes>S,<count>C", then signed
// "<bytes> <count>" deltas, read up to 5120 bytes) is summed; usage at or
// above quotapercent / CHKUSER_MBXQUOTA percent of either limit is full.
// As Courier's maildirquota, an over-quota reading is believed only when
// the file has one delta line and is younger than 15 minutes; otherwise it
// is stale (the next delivery recalculates it) and we accept. With
// quotastatus / QUOTASTATUS = a unix socket, Dovecot's quota-status policy
// service is asked instead. Reply: "452 sorry, recipient mailbox is full
// (#4.2.2)", or 552 5.2.2 with quotabounce=1.
// Fail mode: open, always (delivery enforces the real quota; style.md §6.2):
// anything unreadable, corrupt or down is logged once and accepted.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "delivery.h"
#include "plugin.h"

namespace spp::quota {

constexpr const char* kFull = "sorry, recipient mailbox is full";
constexpr size_t kMaxMaildirsize = 5120;  // Courier's read limit
constexpr long long kStaleSeconds = 15 * 60;

struct Config {
  bool on = false;
  unsigned long percent = 100;
  bool bounce = false;          // 552 instead of 452
  std::string quotastatus;      // Dovecot quota-status socket ("" = read maildirsize)
  unsigned long timeout_ms = 5000;
  delivery::Config qmail;
};

/// With `memo`, qmail's part is shared with the other checks of the hook run.
Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings,
                   RunMemo* memo = nullptr);

enum class Usage { under, full, stale, none, corrupt };

struct Maildirsize {
  unsigned long long limit_bytes = 0, limit_count = 0;  // 0 = no such limit
  long long bytes = 0, count = 0;
  size_t deltas = 0;
  bool ok = false;
  std::string error;
};

/// Parses maildirsize text (quota line; vpopmail's quota string when `quota` is set).
Maildirsize parse_maildirsize(std::string_view text);
/// A quota definition ("10485760S,1000C", vpopmail's "NOQUOTA" = none) into limits.
bool parse_quota_line(std::string_view line, unsigned long long& bytes, unsigned long long& count);

/// Pure: the verdict on one parsed file of age `age` seconds.
Usage decide(const Maildirsize& m, unsigned long percent, long long age);

extern const Check check;

}  // namespace spp::quota
