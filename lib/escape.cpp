#include "escape.h"

namespace spp {

std::string escape_bytes(std::string_view bytes) {
  static const char hex[] = "0123456789abcdef";
  std::string r;
  r.reserve(bytes.size());
  for (unsigned char c : bytes) {
    if (c == '\\') r += "\\\\";
    else if (c == '\r') r += "\\r";
    else if (c == '\t') r += "\\t";
    else if (c < 0x20 || c >= 0x7f) {
      r += "\\x";
      r += hex[c >> 4];
      r += hex[c & 15];
    } else r.push_back(static_cast<char>(c));
  }
  return r;
}

}  // namespace spp
