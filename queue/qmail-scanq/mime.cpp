// mime: the attachment policy, in one streaming pass over the message.
//
// Bounded whatever arrives: a line is kept up to kMaxLine bytes (a 50 MB line
// costs time, not memory), a part's header up to kMaxHeader, at most
// kMaxDepth nested multiparts and kMaxParts parts are looked at. Malformed
// MIME (no closing boundary, a boundary that never comes) simply ends with
// the message: there is nothing to refuse in what we could not parse, and
// ClamAV still sees the raw bytes.
#include <algorithm>

#include "scanq.h"
#include "text.h"

namespace spp::scanq {

namespace {

bool iequal_prefix(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    char a = text[i], b = prefix[i];
    if (a >= 'A' && a <= 'Z') a = char(a - 'A' + 'a');
    if (b >= 'A' && b <= 'Z') b = char(b - 'A' + 'a');
    if (a != b) return false;
  }
  return true;
}

std::string_view trim_right(std::string_view s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

int b64_value(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

// Decodes base64 text up to the first non-alphabet byte.
std::string b64_decode(std::string_view text) {
  std::string out;
  unsigned acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = b64_value(c);
    if (v < 0) break;
    acc = (acc << 6) | unsigned(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += char((acc >> bits) & 0xff);
    }
  }
  return out;
}

}  // namespace

std::string header_value(std::string_view header, std::string_view name) {
  for (std::string_view line : split_lines(header)) {
    if (line.size() > name.size() && line[name.size()] == ':' && iequal_prefix(line, name))
      return std::string(trim_blanks(line.substr(name.size() + 1)));
  }
  return {};
}

std::string header_param(std::string_view value, std::string_view param) {
  size_t i = value.find(';');
  while (i != std::string_view::npos && i < value.size()) {
    ++i;  // past ';'
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    size_t eq = value.find('=', i);
    if (eq == std::string_view::npos) return {};
    std::string_view name = trim_blanks(value.substr(i, eq - i));
    size_t j = eq + 1;
    while (j < value.size() && (value[j] == ' ' || value[j] == '\t')) ++j;
    std::string v;
    if (j < value.size() && value[j] == '"') {
      for (++j; j < value.size() && value[j] != '"'; ++j) {
        if (value[j] == '\\' && j + 1 < value.size()) ++j;
        v += value[j];
      }
      j = value.find(';', j);
    } else {
      size_t end = value.find(';', j);
      v = std::string(trim_blanks(value.substr(j, end == std::string_view::npos ? std::string_view::npos : end - j)));
      j = end;
    }
    if (name.size() == param.size() && iequal_prefix(name, param)) return v;
    i = j;
  }
  return {};
}

void MimeWalker::feed(std::string_view chunk) {
  while (!chunk.empty()) {
    size_t nl = chunk.find('\n');
    std::string_view piece = chunk.substr(0, nl);
    if (!done_) {
      size_t room = kMaxLine - buf_.size();
      if (piece.size() > room) buf_cut_ = true;
      buf_.append(piece.substr(0, std::min(room, piece.size())));
    }
    if (nl == std::string_view::npos) return;
    chunk.remove_prefix(nl + 1);
    if (!done_) line(trim_right(buf_), buf_cut_);
    buf_.clear();
    buf_cut_ = false;
  }
}

void MimeWalker::finish() {
  if (!done_ && !buf_.empty()) line(trim_right(buf_), buf_cut_);
  buf_.clear();
  if (!done_ && in_header_) header_done();
  if (!done_) check_body_start();
  done_ = true;
}

void MimeWalker::line(std::string_view l, bool cut) {
  if (in_header_) {
    if (l.empty()) return header_done();
    if (header_.size() >= kMaxHeader) return;
    if (l[0] == ' ' || l[0] == '\t') {
      header_ += ' ';
      header_.append(trim_blanks(l));
    } else {
      if (!header_.empty()) header_ += '\n';
      header_.append(l);
    }
    if (header_.size() > kMaxHeader) header_.resize(kMaxHeader);
    return;
  }
  if (!cut && l.size() > 2 && l[0] == '-' && l[1] == '-' && !boundaries_.empty()) {
    std::string_view rest = l.substr(2);
    for (size_t k = boundaries_.size(); k-- > 0;) {
      const std::string& b = boundaries_[k];
      if (rest.substr(0, b.size()) != b) continue;
      std::string_view after = rest.substr(b.size());
      bool closing = after == "--";
      if (!after.empty() && !closing) continue;
      check_body_start();
      boundaries_.resize(closing ? k : k + 1);
      base64_ = false;
      if (closing) return;  // the epilogue: nothing to look at
      if (++parts_ > kMaxParts) {
        done_ = true;
        return;
      }
      in_header_ = true;
      header_.clear();
      return;
    }
  }
  body_line(l);
}

void MimeWalker::header_done() {
  in_header_ = false;
  if (top_) {
    top_ = false;
    message_id_ = printable(header_value(header_, "message-id"), 200, EightBit::replace);
  }
  std::string ctype = header_value(header_, "content-type");
  std::string type = lower_ascii(trim_blanks(std::string_view(ctype).substr(0, ctype.find(';'))));
  for (const auto& t : policy_.types) {
    bool wild = t.size() > 2 && t.substr(t.size() - 2) == "/*";
    if (type == t || (wild && type.rfind(t.substr(0, t.size() - 1), 0) == 0)) {
      hit_ = AttachmentHit{"type", printable(type, 100, EightBit::replace)};
      done_ = true;
      return;
    }
  }
  check_name(header_param(ctype, "name"));
  if (!done_) check_name(header_param(header_value(header_, "content-disposition"), "filename"));
  if (done_) return;
  std::string cte = lower_ascii(header_value(header_, "content-transfer-encoding"));
  base64_ = cte == "base64";
  body_start_.clear();
  body_checked_ = !base64_ || (policy_.signatures.empty() && policy_.loaders.empty());
  if (type.rfind("multipart/", 0) == 0) {
    std::string boundary = header_param(ctype, "boundary");
    if (!boundary.empty() && boundary.size() <= 200 && boundaries_.size() < kMaxDepth)
      boundaries_.push_back(boundary);
    body_checked_ = true;
  } else if (type == "message/rfc822") {
    // The body is a message with a header of its own: a part of its own too.
    if (++parts_ > kMaxParts) {
      done_ = true;
      return;
    }
    in_header_ = true;
    header_.clear();
    body_checked_ = true;
  }
}

void MimeWalker::body_line(std::string_view l) {
  if (body_checked_) return;
  body_start_.append(trim_blanks(l).substr(0, 128));
  if (body_start_.size() >= 64) check_body_start();
}

void MimeWalker::check_name(std::string_view name) {
  // Windows ignores trailing dots and blanks: "x.exe. " runs as x.exe.
  while (!name.empty() && (name.back() == '.' || name.back() == ' ')) name.remove_suffix(1);
  size_t dot = name.rfind('.');
  if (name.empty() || dot == std::string_view::npos) return;
  std::string ext = lower_ascii(name.substr(dot + 1));
  if (std::find(policy_.extensions.begin(), policy_.extensions.end(), ext) != policy_.extensions.end()) {
    hit_ = AttachmentHit{"extension", printable(name, 100, EightBit::replace)};
    done_ = true;
  }
}

void MimeWalker::check_body_start() {
  if (body_checked_) return;
  body_checked_ = true;
  if (body_start_.empty()) return;
  for (const auto& s : policy_.signatures) {
    if (!s.empty() && body_start_.rfind(s, 0) == 0) {
      hit_ = AttachmentHit{"signature", printable(s, 40, EightBit::replace)};
      done_ = true;
      return;
    }
  }
  std::string decoded = b64_decode(body_start_);
  for (const auto& s : policy_.loaders) {
    if (!s.empty() && decoded.rfind(s, 0) == 0) {
      hit_ = AttachmentHit{"loader", printable(s, 40, EightBit::replace)};
      done_ = true;
      return;
    }
  }
}

}  // namespace spp::scanq
