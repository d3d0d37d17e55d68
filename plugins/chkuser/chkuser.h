// chkuser: refuse at RCPT what qmail would bounce "no mailbox here by that
// name" later (backscatter), for every way qmail delivers (lib/delivery.h:
// locals, virtualdomains, percenthack, users/cdb, the passwd file, .qmail
// files, ~alias, vpopmail's vpasswd.cdb), or against a validrcptto.cdb list;
// and chkuser's sender checks at MAIL.
//
// Interface: [rcpt] (spp-rcpt, or spp-chkuser); [mail] (spp-mail only):
// chkusersenderformat (553 5.1.7 "mailbox syntax not allowed") and
// chkusersendermx (550 5.1.8 "can't find a valid MX for sender domain": no
// MX, A or AAAA, lib/senderdns's rule, reusing spp-mfdnscheck's SPP_MFDNS
// verdict when it ran first), refused at MAIL as chkuser does; the null
// sender always passes, #@[] only with chkuserdoublebounce; skipped for a
// client with chkusersendernocheck (and chkuserbypass's clients). A DNS
// failure is 451 4.4.0 (chkuserfailclosed=0: no opinion), never a 5xx.
// Activation: chkuserstart /
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
#include "senderdns.h"

namespace spp::chkuser {

constexpr const char* kNoMailbox = "sorry, no mailbox here by that name (#5.1.1 - chkuser)";
constexpr const char* kBadSyntax = "sorry, invalid address format (#5.1.3 - chkuser)";
constexpr const char* kDisabled = "sorry, mailbox disabled (#5.2.1 - chkuser)";
constexpr const char* kTempfail = "sorry, system temporary unavailable, try again later (#4.3.0 - chkuser)";
constexpr const char* kTooMany = "sorry, too many invalid recipients, closing connection (#4.7.1 - chkuser)";
// chkuser 2.0.9's sender texts (at MAIL), code included.
constexpr const char* kSenderFormat = "5.1.7 sorry, mailbox syntax not allowed (chkuser)";
constexpr const char* kSenderMx = "5.1.8 sorry, can't find a valid MX for sender domain (chkuser)";
constexpr const char* kSenderDns = "4.4.0 DNS temporary failure (chkuser)";
constexpr const char* kDoubleBounce = "#@[]";
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
  // Sender checks at MAIL.
  bool sender_format = false, sender_mx = false;
  bool sender_nocheck = false;  // this client's sender is not checked
  bool doublebounce = false;    // #@[] passes
  int sender_timeout_ms = 10000;
};

/// Every setting; the qmail files of lib/delivery only with `recipients`.
/// With `memo`, qmail's part is shared with the other checks of the hook run.
Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings,
                   RunMemo* memo = nullptr, bool recipients = true);

/// chkuser's sender address format: "" when fine, else why. Local part:
/// letters, digits and _ - . = # + $ % ' * ^ ~ & /; domain: at least 4 bytes
/// of letters, digits, '-' and '.', with a '.', no leading or trailing '-'
/// or '.', no "..", ".-" or "-.", and no second "--" after "xn--".
std::string sender_format_problem(std::string_view sender);

/// What the check says about a sender at MAIL.
enum class SenderAnswer { none, bad_format, no_mx, tempfail };
/// Pure. `format`: sender_format_problem() (when the format is checked);
/// `dns`: the lookup's verdict (when the MX check ran).
SenderAnswer decide_sender(const Config& config, const std::string& format, senderdns::Result dns);
/// The check at MAIL (sender.cpp); run() calls it for Hook::mail.
Verdict run_sender(const Context& ctx);

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
