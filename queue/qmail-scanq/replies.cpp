// replies: what clamd and spamd answer, parsed strictly and bounded. Anything
// we do not recognise is an error (a scanner fault: 71), never "clean".
#include <cstdlib>

#include "scanq.h"
#include "text.h"

namespace spp::scanq {

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// A decimal number with optional sign and fraction ("15.0", "-0.5").
std::optional<double> parse_score(std::string_view s) {
  s = trim_blanks(s);
  if (s.empty() || s.size() > 20) return std::nullopt;
  size_t i = 0, digits = 0;
  if (s[0] == '-' || s[0] == '+') i = 1;
  bool dot = false;
  for (size_t j = i; j < s.size(); ++j) {
    if (s[j] == '.' && !dot) dot = true;
    else if (s[j] >= '0' && s[j] <= '9') ++digits;
    else return std::nullopt;
  }
  if (!digits) return std::nullopt;
  return std::strtod(std::string(s).c_str(), nullptr);
}

}  // namespace

ClamReply parse_clamd_reply(std::string_view reply) {
  ClamReply r;
  // zINSTREAM answers end in NUL; tolerate a trailing LF too.
  while (!reply.empty() && (reply.back() == '\0' || reply.back() == '\n')) reply.remove_suffix(1);
  if (reply.find('\0') != std::string_view::npos || reply.find('\n') != std::string_view::npos) {
    r.detail = "malformed reply: " + printable(reply, 200, EightBit::replace);
    return r;
  }
  if (reply.rfind("INSTREAM size limit exceeded", 0) == 0) {
    r.status = ClamStatus::too_large;
    r.detail = "StreamMaxLength exceeded";
    return r;
  }
  std::string_view body = reply;
  if (body.rfind("stream: ", 0) == 0) body.remove_prefix(8);
  else {
    r.detail = "unexpected reply: " + printable(reply, 200, EightBit::replace);
    return r;
  }
  if (body == "OK") {
    r.status = ClamStatus::clean;
  } else if (ends_with(body, " FOUND") && body.size() > 6) {
    r.status = ClamStatus::virus;
    r.detail = printable(body.substr(0, body.size() - 6), 200, EightBit::replace);
  } else {
    r.detail = printable(body, 200, EightBit::replace);
  }
  return r;
}

SpamReply parse_spamd_reply(std::string_view reply) {
  SpamReply r;
  size_t eol = reply.find('\n');
  std::string_view status = reply.substr(0, eol);
  if (!status.empty() && status.back() == '\r') status.remove_suffix(1);
  // "SPAMD/1.1 0 EX_OK"
  if (status.rfind("SPAMD/1.", 0) != 0) {
    r.error = "not a spamd reply: " + printable(status, 200, EightBit::replace);
    return r;
  }
  size_t sp = status.find(' ');
  std::string_view rest = sp == std::string_view::npos ? std::string_view() : status.substr(sp + 1);
  if (rest.rfind("0 ", 0) != 0) {
    r.error = "spamd error: " + printable(rest, 200, EightBit::replace);
    return r;
  }
  bool have_spam = false;
  while (eol != std::string_view::npos) {
    size_t start = eol + 1;
    eol = reply.find('\n', start);
    std::string_view line = reply.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) break;
    if (line.size() < 5 || lower_ascii(line.substr(0, 5)) != "spam:") continue;
    // "Spam: True ; 15.0 / 5.0"
    std::string_view v = trim_blanks(line.substr(5));
    size_t semi = v.find(';'), slash = v.find('/');
    if (semi == std::string_view::npos || slash == std::string_view::npos || slash < semi) break;
    std::string flag = lower_ascii(trim_blanks(v.substr(0, semi)));
    auto score = parse_score(v.substr(semi + 1, slash - semi - 1));
    auto threshold = parse_score(v.substr(slash + 1));
    if ((flag != "true" && flag != "yes" && flag != "false" && flag != "no") || !score || !threshold) break;
    r.spam = flag == "true" || flag == "yes";
    r.score = *score;
    r.threshold = *threshold;
    have_spam = true;
    break;
  }
  if (!have_spam) {
    r.error = "spamd reply without a valid Spam: line";
    return r;
  }
  r.ok = true;
  return r;
}

}  // namespace spp::scanq
