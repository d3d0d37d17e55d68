// env: the environment a plugin runs in (tcpserver, tcprules, qmail-spp).
//
// Unset and empty are different things in qmail (RELAYCLIENT is honoured when
// set, even to ""), so every lookup returns std::optional. An Env is built from
// an explicit list of NAME=VALUE strings so tests never touch the real
// environment; the hook entry points also apply S/U commands to it between
// checks, exactly as qmail-spp applies them between plugins.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace spp {

class Env {
 public:
  Env() = default;
  /// From a NULL-terminated environ-style array.
  static Env from_environ(char* const* envp);

  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void set(std::string_view name, std::string_view value);
  void unset(std::string_view name);

  // Named accessors keep the variable names in one place.
  std::optional<std::string_view> remote_ip() const;  // TCPREMOTEIP or TCP6REMOTEIP
  std::optional<std::string_view> helo() const { return get("SMTPHELOHOST"); }
  std::optional<std::string_view> mail_from() const { return get("SMTPMAILFROM"); }
  std::optional<std::string_view> rcpt_to() const { return get("SMTPRCPTTO"); }
  std::optional<std::string_view> auth_user() const { return get("SMTPAUTHUSER"); }
  /// SMTPRCPTCOUNT / SMTPRCPTCOUNTALL as numbers; nullopt when unset or not a number.
  std::optional<unsigned long> rcpt_count() const;
  std::optional<unsigned long> rcpt_count_all() const;
  /// SMTPRCPTHOSTSOK: true for "1", false for "0", nullopt otherwise.
  std::optional<bool> rcpthosts_ok() const;
  /// RELAYCLIENT set (even empty) — a relaying client.
  bool relay_client() const { return has("RELAYCLIENT"); }
  /// Relaying (RELAYCLIENT set) or SMTP-authenticated (authenticated()).
  bool trusted_client() const;
  /// SMTP-authenticated: SMTPAUTHUSER is set and not empty and, when the
  /// marker kAuthMarker exists, it holds auth_marker(SMTPAUTHUSER). qmail-spp
  /// leaves SMTPAUTHUSER set after an [auth] plugin refused the login;
  /// spp-auth records the login it let through (spp-authsender(8)), so a
  /// refused login does not count. No marker (spp not under [auth]): as before.
  bool authenticated() const;
  /// A verdict a check stored with S in `name` as "<word> <subject>": the
  /// word, when the marker is about this `subject` (an earlier MAIL's or
  /// HELO's marker is not). S values pass clean_text, so that form is compared.
  std::optional<std::string_view> marker(std::string_view name, std::string_view subject) const;

 private:
  std::map<std::string, std::string, std::less<>> vars_;
};

/// The variable spp-auth stores the login it let through in (an S marker).
inline constexpr std::string_view kAuthMarker = "SPP_AUTHUSER";
/// Logins whose marker form is longer are never recorded (the marker is "").
inline constexpr size_t kMaxAuthMarker = 256;
/// The marker value for `login`: escape_bytes(login) (printable ASCII,
/// reversible, so two logins never share a marker), or "" when that is empty
/// or longer than kMaxAuthMarker: such a login never counts as authenticated
/// while the marker is in force.
std::string auth_marker(std::string_view login);

/// The qmail home: $QMAILDIR when set and non-empty, else `fallback`
/// ("" for plugins, which qmail-smtpd runs in the qmail home; the
/// build-time /var/qmail for the tools, which run anywhere).
std::string qmail_home(const Env& env, std::string_view fallback);
/// The build-time qmail home (make QMAILDIR=...).
extern const char* const kBuiltQmailHome;

/// Parses a whole string as an unsigned decimal number (no sign, no spaces).
std::optional<unsigned long> parse_ulong(std::string_view text);

/// ASCII lower case (addresses, domains, setting values; no locale).
std::string lower_ascii(std::string_view text);

}  // namespace spp
