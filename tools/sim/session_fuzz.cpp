// session_fuzz: the `spp-conf test` session-file parser and the transcript
// escaper over hostile bytes. Oracles: parse_session never crashes and gives
// steps whose lines hold no LF (a body ends with "."); escape_line's output is
// printable ASCII only (no byte < 0x20 or >= 0x7f) and decodes back to its input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz.h"
#include "test_cmd.h"

using namespace spp::sim;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

int hex(char c) { return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1; }

// The inverse of escape_line, for the round-trip oracle.
std::string unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\') {
      out += s[i];
      continue;
    }
    require(i + 1 < s.size());
    char c = s[++i];
    if (c == '\\') out += '\\';
    else if (c == 'r') out += '\r';
    else if (c == 't') out += '\t';
    else {
      require(c == 'x' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0);
      out += static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2]));
      i += 2;
    }
  }
  return out;
}

void check_escaped(const std::string& raw) {
  std::string e = escape_line(raw);
  for (unsigned char c : e) require(c >= 0x20 && c < 0x7f);
  require(unescape(e) == raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  check_escaped(text);
  for (const std::string& l : server_lines(text))
    for (unsigned char c : l) require(c >= 0x20 && c < 0x7f);
  for (const std::string& b : body_from_text(text)) require(b.find('\n') == std::string::npos);

  Script script;
  std::string error;
  if (!parse_session(text, script, error)) {
    require(!error.empty());
    return 0;
  }
  for (const std::string& e : script.env) {
    require(!e.empty());
    check_escaped(e);
  }
  for (const Step& s : script.steps) {
    require(s.line.find('\n') == std::string::npos);
    check_escaped(s.line);
    if (!s.body.empty()) require(s.body.back() == ".");
    for (const std::string& b : s.body) require(b.find('\n') == std::string::npos);
  }
  return 0;
}
