// test_cmd: `spp-conf test`, a scripted SMTP session run through the configured
// smtpplugins exactly as qmail-smtpd with qmail-spp 0.42 would (tools/sim/session.h).
//
// A session is a list of client steps (SMTP command lines, DATA bodies, a
// simulated AUTH) plus the environment qmail-smtpd starts with. It comes from
// command-line flags or from a session file (format in spp-conf(8), "Session files"):
//   # comment            blank lines and '#' lines are skipped (outside a body)
//   @ip 192.0.2.1        before the first command: TCPREMOTEIP
//   @env NAME=value      before the first command: set a variable
//   @unset NAME          before the first command: remove a variable
//   @auth user [method]  simulated successful AUTH (auth variants of qmail-spp)
//   HELO x / MAIL FROM:<a> / RCPT TO:<b> / RSET / NOOP / QUIT / anything else
//   DATA                 followed by the body lines, as sent on the wire, up to "."
//
// Output: "C: <client line>", "S: <server line>" (CRLF removed, control bytes and
// '\' escaped), "-- connection closed by server". Exit 0 / 100 usage or bad
// input / 111 temporary failure.
#pragma once

#include <string>
#include <vector>

#include "sim.h"

namespace spp::sim {

struct Step {
  enum class Kind { command, auth };
  Kind kind = Kind::command;
  std::string line;                     // command line (without CRLF); user for auth
  std::string method;                   // auth only
  std::vector<std::string> body;        // DATA only: wire lines, the last one "."
};

struct Script {
  std::vector<std::string> env;         // "NAME=value" to set, "-NAME" to remove, in order
  std::vector<Step> steps;
};

/// Parses a session file. False with `error` ("line N: why") on bad input.
bool parse_session(const std::string& text, Script& script, std::string& error);

/// A DATA body from plain text (a --body file): dot-stuffed, "." appended.
std::vector<std::string> body_from_text(const std::string& text);

/// One transcript line: control bytes, DEL, every byte >= 0x80 and '\' escaped
/// (\r \t \\ \xHH), as lib/escape.h does: only printable ASCII reaches the terminal.
std::string escape_line(const std::string& bytes);

/// Server bytes as transcript lines, each "S: ..." (a line without CRLF is marked).
std::vector<std::string> server_lines(const std::string& bytes);

}  // namespace spp::sim
