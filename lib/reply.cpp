#include "reply.h"

#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "file.h"
#include "log.h"
#include "text.h"

namespace spp {
namespace {

// RFC 5321 caps a reply line at 512 octets including the code and CRLF.
constexpr size_t kMaxText = 480;

bool valid_enhanced(int code, std::string_view enh) {
  // "c.sss.ddd": class equals the reply's first digit, then 1-3 digit fields.
  if (enh.size() < 5 || enh[0] != char('0' + code / 100) || enh[1] != '.') return false;
  size_t field = 0, digits = 0;
  for (size_t i = 2; i < enh.size(); ++i) {
    if (enh[i] == '.') {
      if (digits == 0 || ++field > 1) return false;
      digits = 0;
    } else if (enh[i] >= '0' && enh[i] <= '9') {
      if (++digits > 3) return false;
    } else {
      return false;
    }
  }
  return field == 1 && digits > 0;
}

bool valid_var_name(std::string_view name) {
  if (name.empty() || name.size() > 128) return false;
  for (char c : name)
    if (c == '=' || static_cast<unsigned char>(c) <= ' ' || c == 0x7f) return false;
  return true;
}

}  // namespace

std::string clean_text(std::string_view text) { return printable(text, kMaxText); }

std::optional<std::string> smtp_reply(int code, std::string_view enhanced, std::string_view text) {
  if (code < 400 || code > 599) return std::nullopt;
  if (!enhanced.empty() && !valid_enhanced(code, enhanced)) return std::nullopt;
  std::string r = std::to_string(code);
  std::string body = clean_text(text);
  if (!body.empty()) r += ' ' + body;
  if (!enhanced.empty()) {
    r += " (#";
    r += enhanced;
    r += ')';
  }
  return r;
}

Verdict Verdict::terminal(Terminal t, std::string_view text) {
  Verdict v;
  v.terminal_ = t;
  v.terminal_text_ = std::string(text);
  return v;
}

static std::string reply_or_tempfail(int code, std::string_view enhanced, std::string_view text) {
  if (auto r = smtp_reply(code, enhanced, text)) return *r;
  // Our own bug must never become a permanent rejection.
  log::error("invalid reply code " + std::to_string(code) + " (" + std::string(enhanced) +
             "): answering 451 instead");
  return *smtp_reply(451, "4.3.0", text);
}

Verdict Verdict::error(int code, std::string_view enhanced, std::string_view text) {
  return terminal(Terminal::error, reply_or_tempfail(code, enhanced, text));
}

Verdict Verdict::reject(int code, std::string_view enhanced, std::string_view text) {
  return terminal(Terminal::reject, reply_or_tempfail(code, enhanced, text));
}

Verdict& Verdict::print(std::string_view line) {
  lines_.push_back('P' + clean_text(line));
  return *this;
}

Verdict& Verdict::header(std::string_view line) {
  std::string h = clean_text(line);
  if (h.empty()) throw std::invalid_argument("empty header line");
  lines_.push_back('H' + h);
  return *this;
}

Verdict& Verdict::setenv(std::string_view name, std::string_view value) {
  if (!valid_var_name(name)) throw std::invalid_argument("bad environment variable name");
  lines_.push_back('S' + std::string(name) + '=' + clean_text(value));
  return *this;
}

Verdict& Verdict::unsetenv(std::string_view name) {
  if (!valid_var_name(name)) throw std::invalid_argument("bad environment variable name");
  lines_.push_back('U' + std::string(name));
  return *this;
}

Verdict& Verdict::change_address(std::string_view address) {
  // qmail-spp does not check C's syntax; we refuse what would corrupt the envelope.
  for (char c : address)
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f || c == '<' || c == '>')
      throw std::invalid_argument("bad address for C");
  if (address.size() > 900) throw std::invalid_argument("address too long for C");
  lines_.push_back('C' + std::string(address));
  return *this;
}

Verdict& Verdict::later(char command, int code, std::string_view enhanced, std::string_view text) {
  if (command != 'M' && command != 'R' && command != 'D')
    throw std::invalid_argument("L needs M, R or D");
  lines_.push_back(std::string("L") + command + reply_or_tempfail(code, enhanced, text));
  return *this;
}

void Verdict::append(const Verdict& other) {
  lines_.insert(lines_.end(), other.lines_.begin(), other.lines_.end());
  if (other.terminal_ != Terminal::none) {
    terminal_ = other.terminal_;
    terminal_text_ = other.terminal_text_;
  }
}

std::string Verdict::serialize() const {
  std::string out;
  for (const auto& l : lines_) {
    out += l;
    out += '\n';
  }
  if (terminal_ != Terminal::none) {
    out += static_cast<char>(terminal_);
    if (terminal_ == Terminal::error || terminal_ == Terminal::reject) out += terminal_text_;
    out += '\n';
  }
  return out;
}

// False on EPIPE: qmail-spp stopped reading (SIGPIPE is ignored there).
bool Verdict::write_to(int fd) const { return write_all(fd, serialize()); }

}  // namespace spp
