// wildmat_fuzz: wildmat() against a simple recursive reference matcher, and
// match_pattern_list() over hostile pattern lists (must not crash or hang).
// Input: pattern NUL text [NUL more patterns, LF-separated].
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz.h"
#include "wildmat.h"

namespace {

// Reference semantics, written for clarity not speed: '*' any run, '?' one
// byte, '[set]' / '[^set]' with ranges and ']' first taken literally, '\x' x.
// Returns -1 for a malformed set (unterminated '['): wildmat() never matches then.
int ref_match(std::string_view t, std::string_view p, int depth = 0) {
  if (depth > 64) return 0;
  while (!p.empty()) {
    char c = p.front();
    if (c == '*') {
      while (!p.empty() && p.front() == '*') p.remove_prefix(1);
      if (p.empty()) return 1;
      for (size_t i = 0; i <= t.size(); ++i) {
        int r = ref_match(t.substr(i), p, depth + 1);
        if (r != 0) return r;
      }
      return 0;
    }
    if (t.empty()) return 0;
    if (c == '?') {
    } else if (c == '\\' && p.size() > 1) {
      p.remove_prefix(1);
      if (t.front() != p.front()) return 0;
    } else if (c == '[') {
      size_t i = 1;
      bool neg = i < p.size() && p[i] == '^';
      if (neg) ++i;
      bool hit = false;
      size_t first = i;
      for (;; ++i) {
        if (i >= p.size()) return -1;
        if (p[i] == ']' && i != first) break;
        auto lo = static_cast<unsigned char>(p[i]);
        if (lo == '\\' && i + 1 < p.size()) lo = static_cast<unsigned char>(p[++i]);
        if (i + 2 < p.size() && p[i + 1] == '-' && p[i + 2] != ']') {
          auto hi = static_cast<unsigned char>(p[i + 2]);
          if (hi == '\\' && i + 3 < p.size()) hi = static_cast<unsigned char>(p[++i + 2]);
          auto ch = static_cast<unsigned char>(t.front());
          if (lo <= ch && ch <= hi) hit = true;
          i += 2;
        } else if (lo == static_cast<unsigned char>(t.front())) {
          hit = true;
        }
      }
      if (hit == neg) return 0;
      p.remove_prefix(i);
    } else if (c != t.front()) {
      return 0;
    }
    p.remove_prefix(1);
    t.remove_prefix(1);
  }
  return t.empty() ? 1 : 0;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::string_view pattern = in.substr(0, nul);
  std::string_view text = nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1);
  std::string_view more;
  if (size_t nul2 = text.find('\0'); nul2 != std::string_view::npos) {
    more = text.substr(nul2 + 1);
    text = text.substr(0, nul2);
  }
  if (pattern.size() > 64 || text.size() > 256) return 0;  // keep the reference fast
  // Four or more '*' with a long text make the reference exponential.
  size_t stars = 0;
  for (char c : pattern) stars += c == '*';
  bool got = spp::wildmat(text, pattern);
  if (stars < 4) {
    int want = ref_match(text, pattern);
    if (want >= 0 && got != (want == 1)) std::abort();
    if (want < 0 && got) std::abort();
  }
  std::vector<std::string> list;
  for (size_t pos = 0; pos < more.size() && list.size() < 64;) {
    size_t lf = more.find('\n', pos);
    if (lf == std::string_view::npos) lf = more.size();
    list.emplace_back(more.substr(pos, lf - pos));
    pos = lf + 1;
  }
  spp::match_pattern_list(text, list);
  return 0;
}
