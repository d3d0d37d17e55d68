// reply: the only writer of qmail-spp commands.
//
// A Verdict holds at most one terminal command (A N O E R D), always emitted
// last, plus non-terminal lines (P H S U C LM LR LD) in the order they were
// added. Everything is validated here, at the output boundary: reply codes
// must be 4xx or 5xx, and every control byte (CR, LF, NUL, ...) becomes '?'
// because client-supplied strings (HELO, addresses, DNS TXT) end up in replies.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spp {

enum class Terminal : char {
  none = 0,
  accept = 'A',  // disables qmail-spp for the rest of the connection
  next = 'N',    // accept this command, skip the rest of the section
  ok = 'O',      // like N, and skip qmail's own checks (rcpthosts at RCPT!)
  error = 'E',   // reject this command
  reject = 'R',  // reject and drop the connection
  drop = 'D',    // drop silently
};

/// Text for a reply, header or S value: printable() (every control byte,
/// CR LF NUL included, becomes '?'), at most one reply line's worth.
std::string clean_text(std::string_view text);

/// "550 text (#5.7.1)": checks code ∈ [400,599] and the enhanced class matches
/// the code's first digit; returns nullopt when they do not. `enhanced` may be empty.
std::optional<std::string> smtp_reply(int code, std::string_view enhanced, std::string_view text);

class Verdict {
 public:
  /// Nothing at all: later plugins and qmail still run. The fail-open answer.
  static Verdict no_opinion() { return Verdict(); }
  static Verdict accept() { return terminal(Terminal::accept, ""); }
  static Verdict next() { return terminal(Terminal::next, ""); }
  static Verdict ok() { return terminal(Terminal::ok, ""); }
  /// E<code> <text> (#<enhanced>) — invalid code/enhanced become a 451 with the same text.
  static Verdict error(int code, std::string_view enhanced, std::string_view text);
  /// R<code> ...: reply, then qmail-smtpd drops the connection.
  static Verdict reject(int code, std::string_view enhanced, std::string_view text);
  static Verdict drop() { return terminal(Terminal::drop, ""); }

  // Non-terminal lines, kept in order.
  Verdict& print(std::string_view line);              // P
  Verdict& header(std::string_view line);             // H
  Verdict& setenv(std::string_view name, std::string_view value);  // S
  Verdict& unsetenv(std::string_view name);           // U
  Verdict& change_address(std::string_view address);  // C
  /// L<M|R|D>: queue a reply for the next MAIL, RCPT or DATA.
  Verdict& later(char command, int code, std::string_view enhanced, std::string_view text);

  Terminal terminal() const { return terminal_; }
  const std::string& terminal_text() const { return terminal_text_; }
  const std::vector<std::string>& lines() const { return lines_; }
  bool empty() const { return terminal_ == Terminal::none && lines_.empty(); }

  /// Merges another verdict: its lines follow ours; its terminal (if any) replaces ours.
  void append(const Verdict& other);

  /// The exact bytes to write: every line LF-terminated, the terminal last.
  std::string serialize() const;
  /// Writes serialize() to fd in one write() (retrying on short writes/EINTR).
  bool write_to(int fd) const;

 private:
  static Verdict terminal(Terminal t, std::string_view text);
  Terminal terminal_ = Terminal::none;
  std::string terminal_text_;
  std::vector<std::string> lines_;  // each without its trailing LF, letter first
};

}  // namespace spp
