#include "addrlist.h"

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
    if (line[0] == '!' || has_meta(line)) patterns_.push_back(line);
  }
}

bool AddressList::has(std::string_view key) const { return exact_.count(std::string(key)) != 0; }

Match AddressList::evaluate(std::string_view address, const Client& client, bool lowercase) const {
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
    if (!subdomains_.empty() && at != std::string::npos) {
      std::string_view d = std::string_view(low).substr(at + 1);
      for (size_t dot = d.find('.'); dot != std::string_view::npos; dot = d.find('.', dot + 1))
        if (subdomains_.count(std::string(d.substr(dot)))) return Match::subdomain;
    }
  }
  if (!patterns_.empty() && match_pattern_list(lowercase ? std::string_view(low) : address, patterns_))
    return Match::pattern;
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
