// chkuser: refuse at RCPT what qmail would bounce "no mailbox here by that
// name" later (backscatter), for every way qmail delivers (lib/delivery.h:
// locals, virtualdomains, users/cdb, the passwd file, .qmail files,
// ~alias, vpopmail's vpasswd.cdb), or against a validrcptto.cdb list.
//
// Interface: [rcpt] (spp-rcpt, or spp-chkuser). Activation: chkuserstart /
// CHKUSER_START = always | domain (only domains whose .qmail-default runs
// vdelivermail with bounce-no-mailbox) | none (default: off). Relaying and
// authenticated clients are not checked (chkuserbypass=0: they are). A
// foreign recipient of a non-relaying client is left to qmail's rcpthosts.
// Replies (chkuser 2.0.9's texts): 511 no mailbox, 553 invalid address,
// 550 mailbox disabled, 451 temporary. maxwrongrcpt / CHKUSER_WRONGRCPTLIMIT:
// after that many refused recipients in the session, the next RCPT gets 421
// and the connection is dropped (R). chkuserdelay + n * chkuserdelaystep ms
// before each refusal (n = refusals so far). The count lives in
// SPP_CHKUSER_WRONG (S), so RSET does not reset it.
// Fail mode: 451 when a database that should answer cannot (users/cdb,
// the passwd file, vpasswd.cdb, validrcptto.cdb, a control file);
// chkuserfailclosed=0: no opinion. A home or .qmail we may not look at
// (EACCES) is never a refusal: no opinion, logged.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "delivery.h"
#include "plugin.h"

namespace spp::chkuser {

constexpr const char* kNoMailbox = "sorry, no mailbox here by that name (#5.1.1 - chkuser)";
constexpr const char* kBadSyntax = "sorry, invalid address format (#5.1.3 - chkuser)";
constexpr const char* kDisabled = "sorry, mailbox disabled (#5.2.1 - chkuser)";
constexpr const char* kTempfail = "sorry, system temporary unavailable, try again later (#4.3.0 - chkuser)";
constexpr const char* kTooMany = "sorry, too many invalid recipients, closing connection (#4.7.1 - chkuser)";
constexpr const char* kWrongVar = "SPP_CHKUSER_WRONG";
constexpr unsigned kMaxDelayMs = 60000;

enum class Start { none, always, domain };

struct Config {
  Start start = Start::none;
  bool bypass_trusted = true;
  unsigned long max_wrong = 0;  // 0 = no limit
  unsigned long delay_ms = 0, delay_step_ms = 300;
  std::string validrcptto;      // cdb path ("" = not used)
  delivery::Config qmail;
};

/// With `memo`, qmail's part is shared with the other checks of the hook run.
Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings,
                   RunMemo* memo = nullptr);

/// What the check says about one recipient.
enum class Answer { none, no_mailbox, bad_syntax, disabled, too_many, tempfail };

struct Decision {
  Answer answer = Answer::none;
  unsigned delay_ms = 0;   // before the reply
  bool counts = false;     // a wrong recipient: SPP_CHKUSER_WRONG + 1
};

/// Pure. `wrong`: refusals so far in the session; `syntax`: syntax_problem();
/// `outcome` and `bounce_no_mailbox` from the resolution (or the list).
Decision decide(const Config& config, unsigned long wrong, const std::string& syntax, delivery::Outcome outcome,
                bool bounce_no_mailbox);

extern const Check check;

}  // namespace spp::chkuser
