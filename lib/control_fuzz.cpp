// control_fuzz: parse_control_lines() (what read_control_lines does after
// reading the file) on fuzzed content, against a reference of qmail's rules,
// then parse_options() on the lines it returned.
// Oracles: the lines equal the reference (none empty, none starting with '#',
// none ending in a blank, none holding LF, none longer than max_line, or the
// whole file an error), and parse_options never yields an empty or untrimmed
// name and keeps the LAST value of a duplicate.
// Input: max_line byte, then the file's content.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "control.h"
#include "fuzz.h"

namespace {

bool blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view strip(std::string_view s, bool leading) {
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  while (leading && !s.empty() && blank(s.front())) s.remove_prefix(1);
  return s;
}

// qmail's control-file rules, written out byte by byte. False: a line too long.
bool reference_lines(std::string_view data, size_t max_line, std::vector<std::string>& out) {
  std::string cur;
  bool more = !data.empty();
  for (size_t i = 0; more; ++i) {
    if (i < data.size() && data[i] != '\n') {
      cur += data[i];
      continue;
    }
    std::string_view line = strip(cur, false);
    if (!line.empty() && line[0] != '#') {
      if (line.size() > max_line) return false;
      out.emplace_back(line);
    }
    cur.clear();
    more = i + 1 < data.size();
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  size_t max_line = data[0] < 200 ? data[0] : 1000;
  std::string_view content(reinterpret_cast<const char*>(data) + 1, size - 1);
  // The pure parser under read_control_lines (no file per input: ~100x the execs).
  spp::Lines got = spp::parse_control_lines(content, max_line);
  std::vector<std::string> want;
  bool ok = reference_lines(content, max_line, want);
  if (!ok) {
    if (got.status != spp::Lookup::error || !got.lines.empty() || got.error.empty()) std::abort();
    return 0;
  }
  if (got.status != spp::Lookup::found || got.lines != want) std::abort();
  for (const auto& l : got.lines) {
    if (l.empty() || l[0] == '#' || blank(l.back()) || l.find('\n') != std::string::npos || l.size() > max_line)
      std::abort();
  }

  // control/options: "name = value", trimmed; the last of a duplicate wins.
  std::vector<size_t> bad;
  auto opts = spp::parse_options(got.lines, &bad);
  std::map<std::string, std::string> ref;
  std::vector<size_t> ref_bad;
  for (size_t i = 0; i < got.lines.size(); ++i) {
    std::string_view line = got.lines[i];
    size_t eq = line.find('=');
    std::string_view name = eq == std::string_view::npos ? std::string_view() : strip(line.substr(0, eq), true);
    if (name.empty()) {
      ref_bad.push_back(i + 1);
      continue;
    }
    ref[std::string(name)] = std::string(strip(line.substr(eq + 1), true));
  }
  if (bad != ref_bad || opts.size() != ref.size()) std::abort();
  for (const auto& [name, value] : opts) {
    if (name.empty() || blank(name.front()) || blank(name.back())) std::abort();
    if (!value.empty() && (blank(value.front()) || blank(value.back()))) std::abort();
    auto it = ref.find(name);
    if (it == ref.end() || it->second != value) std::abort();
  }
  return 0;
}
