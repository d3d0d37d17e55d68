// session: a simulated qmail-smtpd with qmail-spp 0.42, for `spp-conf test`.
//
// It answers SMTP commands the way qmail-smtpd (notqmail smtpd-spp branch, or
// netqmail 1.06 + spp 0.42) does and runs control/smtpplugins exactly as
// qmail-spp does (reference/qmail-spp.md §3-§8): one pipe + fork + execv per
// plugin, fd 0 closed, fd 1 the pipe, fd 2 inherited, SIGPIPE ignored, output
// read line by line with the last byte of each line dropped, stop at the first
// terminal command, exit 120 = "can't execute", a signal = "child crashed".
// The environment is kept here (not in this process) and handed to each
// plugin with execve, so a session never leaks into spp-conf itself.
//
// The server produces the bytes qmail-smtpd would write to the client; the
// caller (test_cmd) decides how to show them. Nothing is delivered unless a
// queue program is given (then it is run like qmail-queue: message on fd 0,
// envelope on fd 1, errors on fd 6).
//
// LIMITS: plugin output lines are kept up to 64 KiB (qmail-spp keeps any
// length); a NUL inside a P/E/R/S/U/C line ends its text (qmail uses C strings
// there too). No AUTH in stock qmail-spp: Server::auth simulates the auth
// variants' success path ([auth] hook, then 235 and RELAYCLIENT).
#pragma once

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "spawn.h"

namespace spp::sim {

/// Lines of a qmail control file as control_readfile() returns them: trailing
/// spaces/tabs stripped (not CR), blank lines and lines starting with '#' dropped.
std::vector<std::string> control_file_lines(std::string_view content);

/// The plugin lists of control/smtpplugins, as spp_init() builds them.
struct PluginLists {
  std::vector<std::string> connection, helo, mail, rcpt, data, auth;
};
/// Sections are chosen by the one character after '[' (c h m r d, and a for the
/// auth variants); anything else, and lines before the first section, are dropped.
PluginLists parse_smtpplugins(std::string_view content);

/// qmail's environ: raw "NAME=value" entries, replaced and removed like env_put/env_unset.
class Environ {
 public:
  Environ() = default;
  explicit Environ(std::vector<std::string> entries) : entries_(std::move(entries)) {}
  static Environ from_process();
  std::optional<std::string> get(std::string_view name) const;
  void put(const std::string& entry);  // "NAME=value"; a NAME without '=' is kept raw
  void put(std::string_view name, std::string_view value);
  void unset(std::string_view name);
  const std::vector<std::string>& entries() const { return entries_; }

 private:
  std::vector<std::string> entries_;
};

/// What qmail-smtpd's blast() makes of a DATA stream (wire bytes, dot-stuffed, CRLF):
/// the message as queued (dots undone, CRLF -> LF), cut at `databytes` bytes when larger.
struct Blast {
  std::string message;
  int hops = 0;                // "Received:" and "Delivered-To:" header lines
  bool too_big = false;        // more than databytes (0 = no limit)
  bool stray_newline = false;  // a bare LF: qmail-smtpd answers 451 and hangs up
};
Blast blast(std::string_view wire, uint32_t databytes);

/// Which qmail-smtpd the simulator imitates (only HELP text and the queue's fd 6 differ).
enum class Variant { notqmail, netqmail };

struct ServerOptions {
  Variant variant = Variant::notqmail;
  int timeout_secs = 0;          // 0 = none (qmail-spp has none)
  std::string queue_program;     // empty: accept messages without running anything
  FILE* trace = nullptr;         // -v: which plugin ran with what and printed what
};

/// One qmail-smtpd process = one SMTP connection, run in the current directory
/// (the qmail home). Feed it client lines; take_output() returns the server bytes.
class Server {
 public:
  Server(Environ env, ServerOptions options);

  /// setup() + spp_init + [connection] + the 220 banner (or its replacement).
  void connect();
  /// One client command line, without CRLF.
  void command(const std::string& line);
  /// True right after DATA was answered with 354: the body must follow.
  bool wants_body() const { return wants_body_; }
  /// The DATA body exactly as sent on the wire (dot-stuffed, CRLF), ending "\r\n.\r\n".
  void body(const std::string& wire);
  /// Simulated successful AUTH (auth patch variants): SMTPAUTHUSER/SMTPAUTHMETHOD, [auth], 235.
  void auth(const std::string& user, const std::string& method);

  std::string take_output();
  bool closed() const { return closed_; }
  const Environ& environ() const { return env_; }

 private:
  // qmail-smtpd pieces
  bool setup();
  void read_connection_env();
  void out(std::string_view text);  // stops at NUL, like qmail's out()
  void close_connection() { closed_ = true; }
  bool addrparse(const std::string& arg);
  bool bmfcheck() const;
  bool addrallowed() const;
  void smtp_helo(const std::string& arg, bool ehlo);
  void smtp_mail(const std::string& arg);
  void smtp_rcpt(const std::string& arg);
  void smtp_data();
  void smtp_rset();
  // qmail-spp pieces; hooks return 0 reject, 1 go on, 2 skip qmail's checks
  int spp(const std::vector<std::string>& plugins, const char* addrenv, const char* section);
  void apply_line(const std::string& line, const char* addrenv);
  bool spp_errors(std::string& queue);
  void spp_rset();
  void trace_run(const char* section, const std::string& entry, const PluginRun& run);
  std::string deliver(const std::string& message, bool failed, unsigned long& qp);

  Environ env_;
  ServerOptions opt_;
  std::string output_;
  bool closed_ = false;
  bool wants_body_ = false;

  // controls and connection facts read by setup()
  std::string greeting_, liphost_;
  bool liphost_ok_ = false;
  int rcpthosts_state_ = 0;  // control_readfile result for rcpthosts
  std::vector<std::string> rcpthosts_, badmailfrom_;
  std::string morercpthosts_;  // path when control/morercpthosts.cdb exists
  bool bmf_ok_ = false;
  uint32_t databytes_ = 0;
  std::string remoteip_, local_, remotehost_;
  std::optional<std::string> remoteinfo_, relayclient_;
  std::string helohost_;
  bool fakehelo_ = false;
  std::vector<uint32_t> my_ips_;

  // qmail-spp state
  bool spprun_ = false;
  PluginLists plugins_;
  std::string error_mail_, error_rcpt_, error_data_, sppheaders_;
  unsigned long rcptcount_ = 0, rcptcountall_ = 0;

  // SMTP transaction
  std::string addr_;  // parsed address (no NUL)
  bool seenmail_ = false, flagbarf_ = false;
  std::string mailfrom_, rcptto_;  // rcptto_: "T<addr>\0" per accepted recipient
  std::string queue_program_;      // fixed at the first message, as qmail.c does
  bool queue_program_freed_ = false;  // S/U of QMAILQUEUE after that (see deliver())
};

}  // namespace spp::sim
