#include "wildmat.h"

namespace spp {
namespace {

// Matches one character class starting at p[0] == '['. Sets `next` past the
// closing ']'. A malformed class (no ']') matches nothing.
bool match_class(char ch, std::string_view p, size_t& next) {
  // Bytes compare unsigned: with a signed char, [\301-c] would take in 'b'.
  auto c = static_cast<unsigned char>(ch);
  size_t i = 1;
  bool negate = i < p.size() && p[i] == '^';
  if (negate) ++i;
  bool hit = false;
  size_t first = i;
  for (; i < p.size(); ++i) {
    if (p[i] == ']' && i != first) {
      next = i + 1;
      return hit != negate;
    }
    auto lo = static_cast<unsigned char>(p[i]);
    if (lo == '\\' && i + 1 < p.size()) lo = static_cast<unsigned char>(p[++i]);
    if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
      auto hi = static_cast<unsigned char>(p[i + 2]);
      if (hi == '\\' && i + 3 < p.size()) hi = static_cast<unsigned char>(p[++i + 2]);
      if (lo <= c && c <= hi) hit = true;
      i += 2;
    } else if (c == lo) {
      hit = true;
    }
  }
  next = p.size();
  return false;
}

}  // namespace

bool wildmat(std::string_view text, std::string_view pat) {
  // Iterative glob with one backtrack point for the last '*' seen: linear in
  // practice and no recursion depth to exhaust on hostile input.
  size_t t = 0, p = 0;
  size_t star_p = std::string_view::npos, star_t = 0;
  while (t < text.size()) {
    if (p < pat.size()) {
      char pc = pat[p];
      if (pc == '*') {
        while (p < pat.size() && pat[p] == '*') ++p;
        if (p == pat.size()) return true;
        star_p = p;
        star_t = t;
        continue;
      }
      if (pc == '?') {
        ++t, ++p;
        continue;
      }
      if (pc == '[') {
        size_t next = 0;
        if (match_class(text[t], pat.substr(p), next)) {
          ++t;
          p += next;
          continue;
        }
      } else {
        if (pc == '\\' && p + 1 < pat.size()) pc = pat[++p];
        if (pc == text[t]) {
          ++t, ++p;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    p = star_p;
    t = ++star_t;
  }
  while (p < pat.size() && pat[p] == '*') ++p;
  return p == pat.size();
}

bool match_pattern_list(std::string_view address, const std::vector<std::string>& patterns) {
  bool listed = false;
  for (const auto& line : patterns) {
    std::string_view pat = line;
    bool exception = !pat.empty() && pat.front() == '!';
    if (exception) pat.remove_prefix(1);
    if (wildmat(address, pat)) listed = !exception;  // the last matching line wins
  }
  return listed;
}

}  // namespace spp
