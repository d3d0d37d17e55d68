// badmailfrom: refuse envelope senders listed in SPAMCONTROL pattern files,
// with stock qmail's timing and text.
//
// Interface: [mail] decides and stores the verdict with S SPP_BADMAILFROM;
// [rcpt] refuses every RCPT of a listed sender with "553 sorry, your envelope
// sender is in my badmailfrom list (#5.7.1)" (spp-mail + spp-rcpt, or
// spp-badmailfrom alone under [rcpt], which decides there). Lists:
// control/badmailfrom (exact, special forms and wildmat lines, spamcontrol
// >= 2.2), control/badmailpatterns (the same syntax, H-Sphere/older
// spamcontrol), control/badmailfrom-unknown (domains whose senders need a
// client host name), control/blackholedsender (drop the connection at MAIL,
// no reply: spamcontrol 1.6's D). Evaluation: lib/addrlist.h. Settings:
// lowercase (lower-case the address for the wildmat pass), splithorizon
// (relaying and authenticated clients are not checked). Fail mode: 451 when
// a list cannot be read (badmailfromfailclosed=0: no opinion).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "addrlist.h"
#include "plugin.h"

namespace spp::badmailfrom {

constexpr const char* kMarker = "SPP_BADMAILFROM";  // "<match> <sender>": the verdict for that sender
constexpr const char* kReply = "sorry, your envelope sender is in my badmailfrom list";
constexpr size_t kMaxLine = kListMaxLine;  // qmail has no limit; we refuse only absurd lines

struct Config {
  AddressList refused;     // badmailfrom + badmailpatterns
  AddressList unknown;     // badmailfrom-unknown, as @dom- entries
  AddressList blackholed;  // blackholedsender
  bool lowercase = false;
  bool splithorizon = false;
  std::string error;       // a list could not be read: the check cannot decide
};

/// The verdict for one sender.
struct Result {
  Match match = Match::none;
  bool blackhole = false;
  std::string list;  // the deciding file, for the log
  std::string error; // a compiled list (cdb) failed to answer: no verdict
};

/// Reads the four lists through deps and the two switches.
Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings);

/// Pure: the verdict for `sender` from this client.
Result decide(const Config& config, std::string_view sender, const Client& client);

/// The marker S SPP_BADMAILFROM for `sender`, or nullopt when it holds a
/// verdict for another sender (a MAIL our [mail] run did not see) or is malformed.
std::optional<Match> read_marker(const Env& env, std::string_view sender);

extern const Check check;

}  // namespace spp::badmailfrom
