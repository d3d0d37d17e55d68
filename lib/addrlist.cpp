#include "addrlist.h"

#include <algorithm>
#include <climits>
#include <cstdint>
#include <map>
#include <unordered_map>

#include "env.h"
#include "wildmat.h"

namespace spp {

namespace {

constexpr const char* kNames[] = {"none", "whitelisted", "exact", "domain", "subdomain",
                                  "relay-only", "unknown-host", "host-mismatch", "host", "pattern"};

bool has_meta(std::string_view s) { return s.find_first_of("*?[\\") != std::string_view::npos; }

// The special sender forms (never wildmat patterns): ?addr, @dom+, @dom-, @dom=, ~host.
bool special_form(std::string_view line) {
  if (line.size() > 1 && line[0] == '?') return !has_meta(line.substr(1));
  if (line.size() > 2 && line[0] == '@') {
    char last = line.back();
    return last == '+' || last == '-' || last == '=';
  }
  return line.size() > 1 && line[0] == '~';
}

// notqmail's badmailfrom-wildcard line: ".example.com".
bool subdomain_form(std::string_view line) {
  return line.size() > 1 && line[0] == '.' && line.find('@') == std::string_view::npos && !has_meta(line);
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

const char* match_name(Match m) { return kNames[unsigned(m)]; }

std::optional<Match> match_from_name(std::string_view name) {
  for (unsigned i = 0; i < sizeof kNames / sizeof kNames[0]; ++i)
    if (name == kNames[i]) return Match(i);
  return std::nullopt;
}

AddressList::AddressList(const std::vector<std::string>& lines, bool special) { add(lines, special); }

void AddressList::add(const std::vector<std::string>& lines, bool special) {
  special_ = special_ || special;
  for (const auto& line : lines) {
    // Every line is an exact key, as in qmail's constmap (a '*' line only
    // ever equals the address "*"); only lines that can match more than
    // themselves go to the wildmat pass.
    std::string low = lower_ascii(line);
    if (subdomain_form(line)) {
      subdomains_.insert(low);
      continue;
    }
    exact_.insert(low);
    if (special && special_form(line)) continue;
    if (line[0] == '!' || has_meta(line)) {
      if (segments_.empty() || segments_.back().index) segments_.emplace_back();
      segments_.back().lines.push_back(line);
    }
  }
}

void AddressList::add_cdb(CdbFinder find, bool special) {
  special_ = special_ || special;
  finders_.push_back(find);
  segments_.push_back(Segment{{}, std::move(find), special});
}

size_t AddressList::patterns() const {
  size_t n = 0;
  for (const auto& s : segments_) n += s.lines.size();
  return n;
}

namespace {

// The literal runs of a wildmat pattern: bytes that every match holds
// verbatim, in a row ('*' and '?' end a run; "\x" is x, as in wildmat()).
// Runs stop at the first set: its syntax (ranges, escapes) is wildmat's
// business, and a run before it is enough to index the line.
std::vector<std::string> literal_runs(std::string_view pat) {
  std::vector<std::string> runs(1);
  for (size_t i = 0; i < pat.size(); ++i) {
    char c = pat[i];
    if (c == '[') break;
    if (c == '*' || c == '?') {
      if (!runs.back().empty()) runs.emplace_back();
      continue;
    }
    if (c == '\\' && i + 1 < pat.size()) c = pat[++i];
    runs.back() += c;
  }
  return runs;
}

void put_u32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += char((v >> shift) & 0xff);
}

uint32_t get_u32(std::string_view in, size_t at) {
  uint32_t v = 0;
  for (size_t i = 0; i < 4; ++i) v = v << 8 | uint8_t(in[at + i]);
  return v;
}

}  // namespace

CdbRecords pattern_index_records(const std::vector<std::string>& patterns) {
  // Which trigrams each line must contain, and how many lines share each.
  std::vector<std::vector<std::string>> grams(patterns.size());
  std::unordered_map<std::string, size_t> count;
  for (size_t i = 0; i < patterns.size(); ++i) {
    std::string_view pat = patterns[i];
    if (!pattern_problem(pat).empty()) continue;  // broken: always checked, as wildmat reads it
    if (!pat.empty() && pat[0] == '!') pat.remove_prefix(1);
    std::unordered_set<std::string> mine;
    for (const auto& run : literal_runs(pat))
      for (size_t j = 0; j + 3 <= run.size(); ++j) mine.insert(run.substr(j, 3));
    for (const auto& g : mine) ++count[g];
    grams[i].assign(mine.begin(), mine.end());
  }
  std::map<std::string, std::string> buckets;  // key -> entries (index, length, bytes)
  buckets[std::string(kAlwaysKey)];
  for (size_t i = 0; i < patterns.size(); ++i) {
    std::string key(kAlwaysKey);
    size_t best = SIZE_MAX;
    for (const auto& g : grams[i])
      if (count[g] < best || (count[g] == best && "\nt" + g < key)) best = count[g], key = "\nt" + g;
    std::string& b = buckets[key];
    put_u32(b, uint32_t(i));
    put_u32(b, uint32_t(patterns[i].size()));
    b += patterns[i];
  }
  return CdbRecords(buckets.begin(), buckets.end());
}

namespace {

// The last line of an index that matches `text`: nullopt when none does,
// else whether it lists (true) or is an exception (false).
std::optional<bool> last_match_in_index(std::string_view text, const std::function<CdbResult(std::string_view)>& find,
                                        std::string* error) {
  std::vector<std::string> values;  // keeps the candidates' bytes alive
  auto fetch = [&](std::string_view key) {
    CdbResult r = find(key);
    if (r.status == Lookup::found) values.push_back(std::move(r.value));
    if (r.status == Lookup::error && error && error->empty()) error->assign(r.error.empty() ? "cdb lookup failed" : r.error);
  };
  fetch(kAlwaysKey);
  std::unordered_set<std::string_view> seen;
  std::string key = "\nt...";
  for (size_t j = 0; j + 3 <= text.size(); ++j) {
    if (!seen.insert(text.substr(j, 3)).second) continue;
    key.replace(2, 3, text.substr(j, 3));
    fetch(key);
  }
  std::vector<std::pair<uint32_t, std::string_view>> candidates;
  for (const auto& v : values) {
    for (size_t at = 0; at + 8 <= v.size();) {
      uint32_t index = get_u32(v, at), len = get_u32(v, at + 4);
      if (len > v.size() - at - 8) break;  // a damaged record: stop reading it
      candidates.emplace_back(index, std::string_view(v).substr(at + 8, len));
      at += 8 + len;
    }
  }
  // The last matching line decides: try them from the bottom.
  std::sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (const auto& [index, line] : candidates) {
    std::string_view pat = line;
    bool exception = !pat.empty() && pat[0] == '!';
    if (exception) pat.remove_prefix(1);
    if (wildmat(text, pat)) return !exception;
  }
  return std::nullopt;
}

}  // namespace

bool match_pattern_index(std::string_view text, const std::function<CdbResult(std::string_view)>& find,
                         std::string* error) {
  return last_match_in_index(text, find, error).value_or(false);
}

CdbRecords cdb_records(const std::vector<std::string>& lines, bool special) {
  CdbRecords out;
  std::vector<std::string> patterns;
  for (const auto& line : lines) {
    std::string low = lower_ascii(line);
    if (subdomain_form(line)) {
      out.emplace_back(low, "s");
      continue;
    }
    out.emplace_back(low, "");
    if (special && special_form(line)) continue;
    if (line[0] == '!' || has_meta(line)) patterns.push_back(line);
  }
  for (auto& r : pattern_index_records(patterns)) out.push_back(std::move(r));
  return out;
}

bool AddressList::match_patterns(std::string_view text, std::string* error) const {
  // Last match wins over every segment: the last segment with a match decides.
  for (auto s = segments_.rbegin(); s != segments_.rend(); ++s) {
    if (s->index) {
      if (auto m = last_match_in_index(text, s->index, error)) return *m;
      continue;
    }
    // In memory: the last matching line of this segment, if any, decides.
    for (auto l = s->lines.rbegin(); l != s->lines.rend(); ++l) {
      std::string_view pat = *l;
      bool exception = !pat.empty() && pat[0] == '!';
      if (exception) pat.remove_prefix(1);
      if (wildmat(text, pat)) return !exception;
    }
  }
  return false;
}

bool AddressList::has(std::string_view key, std::string* error) const {
  if (exact_.count(std::string(key))) return true;
  if (!key.empty() && key[0] == '\n') return false;  // index keys: no address starts with an LF
  for (const auto& find : finders_) {
    CdbResult r = find(key);
    if (r.status == Lookup::found && r.value != "s") return true;
    if (r.status == Lookup::error && error && error->empty()) error->assign(r.error.empty() ? "cdb lookup failed" : r.error);
  }
  return false;
}

bool AddressList::has_subdomain(const std::string& key, std::string* error) const {
  if (subdomains_.count(key)) return true;
  for (const auto& find : finders_) {
    CdbResult r = find(key);
    if (r.status == Lookup::found && r.value == "s") return true;
    if (r.status == Lookup::error && error && error->empty()) error->assign(r.error.empty() ? "cdb lookup failed" : r.error);
  }
  return false;
}

Match AddressList::evaluate(std::string_view address, const Client& client, bool lowercase) const {
  return evaluate(address, client, lowercase, nullptr);
}

Match AddressList::evaluate(std::string_view address, const Client& client, bool lowercase, std::string* error) const {
  auto has = [&](std::string_view key) { return this->has(key, error); };
  std::string low = lower_ascii(address);
  if (!address.empty()) {
    size_t at = low.rfind('@');
    bool has_at = at != std::string::npos && at > 0;
    std::string_view dom = has_at ? std::string_view(low).substr(at) : std::string_view();  // "@example.com"
    if (special_) {
      if (has("?" + low)) return Match::whitelisted;
      if (has_at) {
        std::string host = client.host ? lower_ascii(*client.host) : "";
        bool unknown = host.empty() || host == "unknown";
        std::string key(dom);
        if (!client.relay && has(key + "+")) return Match::relay_only;
        if (unknown && has(key + "-")) return Match::unknown_host;
        if ((unknown || !ends_with(host, dom.substr(1))) && has(key + "=")) return Match::host_mismatch;
        // ~host: the client's name or any parent domain is listed, and the
        // sender domain is not the client's (either a suffix of the other,
        // compared from the right as spamcontrol's case_diffrs does).
        std::string_view sender_domain = dom.substr(1);
        if (!unknown && !ends_with(host, sender_domain) && !ends_with(sender_domain, host)) {
          for (size_t j = 0; j < host.size();) {
            if (has("~" + host.substr(j))) return Match::host;
            size_t dot = host.find('.', j);
            if (dot == std::string::npos) break;
            j = dot + 1;
          }
        }
      }
    }
    if (has(low)) return Match::exact;
    if (has_at && has(dom)) return Match::domain;
    if ((!subdomains_.empty() || !finders_.empty()) && at != std::string::npos) {
      std::string_view d = std::string_view(low).substr(at + 1);
      for (size_t dot = d.find('.'); dot != std::string_view::npos; dot = d.find('.', dot + 1))
        if (has_subdomain(std::string(d.substr(dot)), error)) return Match::subdomain;
    }
  }
  if (!segments_.empty() && match_patterns(lowercase ? std::string_view(low) : address, error)) return Match::pattern;
  return Match::none;
}

std::string pattern_problem(std::string_view line) {
  if (line.find('\r') != std::string_view::npos) return "contains a CR (a DOS line end?)";
  if (line.find('\0') != std::string_view::npos) return "contains a NUL byte";
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\') {
      if (++i == line.size()) return "ends in a lone backslash";
    } else if (line[i] == '[') {
      size_t j = i + 1;
      if (j < line.size() && line[j] == '^') ++j;
      size_t first = j;
      bool closed = false;
      for (; j < line.size(); ++j) {
        if (line[j] == ']' && j != first) {
          closed = true;
          break;
        }
        if (line[j] == '\\') ++j;
      }
      if (!closed) return "has a '[' without ']' (matches nothing from there on)";
      i = j;
    }
  }
  return "";
}

}  // namespace spp
