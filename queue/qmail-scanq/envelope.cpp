// envelope: qmail-queue(8)'s envelope on fd 1, parsed with qmail-queue's own rules.
#include "scanq.h"

namespace spp::scanq {

EnvelopeResult parse_envelope(std::string_view data) {
  EnvelopeResult r;
  size_t pos = 0;
  // One address: from pos (after the letter) to the next NUL.
  auto take = [&](std::string& out) -> int {
    size_t nul = data.find('\0', pos);
    if (nul == std::string_view::npos) return data.size() - pos >= kMaxAddress + 1 ? qq::addr_too_long : qq::read_error;
    if (nul - pos > kMaxAddress) return qq::addr_too_long;
    out.assign(data.substr(pos, nul - pos));
    pos = nul + 1;
    return qq::ok;
  };
  if (data.empty()) return r.status = qq::read_error, r;
  if (data[0] != 'F') return r.status = qq::bad_envelope, r;
  pos = 1;
  if ((r.status = take(r.envelope.sender)) != qq::ok) return r;
  for (;;) {
    if (pos >= data.size()) return r.status = qq::read_error, r;
    char c = data[pos++];
    if (c == '\0') break;
    if (c != 'T') return r.status = qq::bad_envelope, r;
    std::string rcpt;
    if ((r.status = take(rcpt)) != qq::ok) return r;
    r.envelope.recipients.push_back(std::move(rcpt));
  }
  // qmail-queue stops reading at the terminating NUL; so do we.
  return r;
}

std::string serialize_envelope(const Envelope& envelope) {
  std::string out = "F" + envelope.sender;
  out += '\0';
  for (const auto& r : envelope.recipients) {
    out += 'T';
    out += r;
    out += '\0';
  }
  out += '\0';
  return out;
}

}  // namespace spp::scanq
