#include "spf/record.h"

#include <arpa/inet.h>

#include <cstring>

#include "text.h"

namespace spp::spf {

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_alnum(char c) { return is_alpha(c) || is_digit(c); }
char lower(char c) { return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c; }

std::string lower_str(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = lower(c);
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// One macro-expand starting at text[i] == '%'; advances i past it.
bool scan_macro(std::string_view text, size_t& i, bool exp_text, bool private_x, size_t* count) {
  if (i + 1 >= text.size()) return false;
  char n = text[i + 1];
  if (n == '%' || n == '_' || n == '-') {
    i += 2;
    return true;
  }
  if (n != '{') return false;
  size_t j = i + 2;
  if (j >= text.size()) return false;
  char letter = lower(text[j]);
  if (private_x && letter == 'x' && j + 1 < text.size()) {
    char p = lower(text[j + 1]);
    if (p != 'r' && p != 's' && p != 'e') return false;
    ++j;
  } else if (std::strchr("slodiphv", letter) == nullptr || letter == '\0') {
    if (!(exp_text && letter != '\0' && std::strchr("crt", letter))) return false;
  }
  ++j;
  size_t digits = 0;
  while (j < text.size() && is_digit(text[j])) {
    if (++digits > 3) return false;
    ++j;
  }
  if (j < text.size() && lower(text[j]) == 'r') ++j;
  while (j < text.size() && std::strchr(".-+,/_=", text[j]) && text[j] != '\0') ++j;
  if (j >= text.size() || text[j] != '}') return false;
  i = j + 1;
  if (count) ++*count;
  return true;
}

bool scan_macro_string(std::string_view text, bool exp_text, bool private_x, size_t* count) {
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c == '%') {
      if (!scan_macro(text, i, exp_text, private_x, count)) return false;
      continue;
    }
    // macro-literal: visible ASCII except '%'; exp text also allows space.
    if (!((c >= 0x21 && c <= 0x7e) || (exp_text && c == ' '))) return false;
    ++i;
  }
  return true;
}

// toplabel = (*alphanum ALPHA *alphanum) / (1*alphanum "-" *(alphanum / "-") alphanum)
bool valid_toplabel(std::string_view l) {
  if (l.empty()) return false;
  bool alpha = false;
  for (char c : l) {
    if (!is_alnum(c) && c != '-') return false;
    if (is_alpha(c)) alpha = true;
  }
  if (l.find('-') == std::string_view::npos) return alpha;
  return is_alnum(l.front()) && is_alnum(l.back());
}

// "/N" with N in [0, max], no leading zero.
bool parse_cidr(std::string_view digits, int max, int& out) {
  if (digits.empty() || digits.size() > 3) return false;
  for (char c : digits)
    if (!is_digit(c)) return false;
  if (digits.size() > 1 && digits[0] == '0') return false;
  int v = 0;
  for (char c : digits) v = v * 10 + (c - '0');
  if (v > max) return false;
  out = v;
  return true;
}

// Strips "/N" from the end of s when it is there (digits only after the last '/').
bool strip_cidr(std::string_view& s, std::string_view& digits) {
  size_t slash = s.rfind('/');
  if (slash == std::string_view::npos) return false;
  std::string_view d = s.substr(slash + 1);
  if (d.empty()) return false;
  for (char c : d)
    if (!is_digit(c)) return false;
  digits = d;
  s = s.substr(0, slash);
  return true;
}

bool parse_directive(std::string_view term, Directive& d, std::string& error, size_t* macros) {
  if (!term.empty() && std::strchr("+-~?", term[0]) && term[0] != '\0') {
    d.qualifier = term[0];
    term.remove_prefix(1);
  }
  size_t end = 0;
  while (end < term.size() && is_alnum(term[end])) ++end;
  d.name = lower_str(term.substr(0, end));
  std::string_view rest = term.substr(end);
  auto bad = [&](const char* why) {
    error = std::string(why) + ": " + std::string(term);
    return false;
  };
  if (d.name == "all") {
    if (!rest.empty()) return bad("bad all");
    return true;
  }
  if (d.name == "include" || d.name == "exists") {
    if (rest.size() < 2 || rest[0] != ':') return bad("missing domain");
    d.domain = std::string(rest.substr(1));
    if (!scan_macro_string(d.domain, false, false, macros) || !valid_domain_spec(d.domain)) return bad("bad domain");
    return true;
  }
  if (d.name == "a" || d.name == "mx") {
    std::string_view digits;
    // dual-cidr-length: [ "/" ip4 ] [ "//" ip6 ]
    if (rest.size() >= 2 && strip_cidr(rest, digits)) {
      if (!rest.empty() && rest.back() == '/') {
        rest.remove_suffix(1);
        if (!parse_cidr(digits, 128, d.cidr6)) return bad("bad ip6 cidr");
        std::string_view d4;
        std::string_view keep = rest;
        if (strip_cidr(rest, d4)) {
          if (!rest.empty() && rest.back() == '/') rest = keep;  // "a//64//64": not a cidr
          else if (!parse_cidr(d4, 32, d.cidr4)) return bad("bad ip4 cidr");
        }
      } else if (!parse_cidr(digits, 32, d.cidr4)) {
        return bad("bad ip4 cidr");
      }
    }
    if (rest.empty()) return true;
    if (rest[0] != ':' || rest.size() < 2) return bad("bad domain");
    d.domain = std::string(rest.substr(1));
    if (!scan_macro_string(d.domain, false, false, macros) || !valid_domain_spec(d.domain)) return bad("bad domain");
    return true;
  }
  if (d.name == "ptr") {
    if (rest.empty()) return true;
    if (rest[0] != ':' || rest.size() < 2) return bad("bad ptr");
    d.domain = std::string(rest.substr(1));
    if (!scan_macro_string(d.domain, false, false, macros) || !valid_domain_spec(d.domain)) return bad("bad domain");
    return true;
  }
  if (d.name == "ip4" || d.name == "ip6") {
    bool six = d.name == "ip6";
    if (rest.size() < 2 || rest[0] != ':') return bad("missing address");
    std::string_view net = rest.substr(1), digits;
    size_t slash = net.find('/');
    if (slash != std::string_view::npos) {
      digits = net.substr(slash + 1);
      net = net.substr(0, slash);
      if (!parse_cidr(digits, six ? 128 : 32, six ? d.cidr6 : d.cidr4)) return bad("bad cidr");
    }
    char buf[64];
    unsigned char addr[16];
    if (net.empty() || net.size() >= sizeof buf) return bad("bad address");
    std::memcpy(buf, net.data(), net.size());
    buf[net.size()] = '\0';
    if (inet_pton(six ? AF_INET6 : AF_INET, buf, addr) != 1) return bad("bad address");
    char text[INET6_ADDRSTRLEN];
    inet_ntop(six ? AF_INET6 : AF_INET, addr, text, sizeof text);
    d.address = text;
    return true;
  }
  return bad("unknown mechanism");
}

}  // namespace

bool is_spf_record(std::string_view text) {
  if (text.size() < 6 || !iequals(text.substr(0, 6), "v=spf1")) return false;
  return text.size() == 6 || text[6] == ' ';
}

bool valid_macro_string(std::string_view text, bool exp_text, bool private_x) {
  return scan_macro_string(text, exp_text, private_x, nullptr);
}

bool valid_domain_spec(std::string_view text) {
  if (text.empty() || !valid_macro_string(text, false)) return false;
  if (text.back() == '}') return true;  // domain-end = macro-expand
  // "%%", "%_", "%-" at the end are macro-expands too.
  if (text.size() >= 2 && text[text.size() - 2] == '%') return true;
  std::string_view t = text;
  if (t.back() == '.') t.remove_suffix(1);
  size_t dot = t.rfind('.');
  if (dot == std::string_view::npos) return false;  // "." toplabel is required
  return valid_toplabel(t.substr(dot + 1));
}

bool valid_fqdn(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  return name.find('.') != std::string_view::npos && valid_dns_name(name);
}

std::optional<Record> parse_record(std::string_view text, std::string& error) {
  if (text.size() > kMaxRecord) {
    error = "record longer than " + std::to_string(kMaxRecord) + " bytes";
    return std::nullopt;
  }
  if (!is_spf_record(text)) {
    error = "not an SPF record";
    return std::nullopt;
  }
  Record r;
  size_t macros = 0, terms = 0;
  size_t i = 6;
  while (i < text.size()) {
    if (text[i] == ' ') {
      ++i;
      continue;
    }
    size_t end = text.find(' ', i);
    if (end == std::string_view::npos) end = text.size();
    std::string_view term = text.substr(i, end - i);
    i = end;
    if (++terms > kMaxTerms) {
      error = "more than " + std::to_string(kMaxTerms) + " terms";
      return std::nullopt;
    }
    // modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." )
    size_t n = 0;
    while (n < term.size() && (is_alnum(term[n]) || term[n] == '-' || term[n] == '_' || term[n] == '.')) ++n;
    if (n < term.size() && term[n] == '=') {
      if (n == 0 || !is_alpha(term[0])) {
        error = "bad modifier name: " + std::string(term);
        return std::nullopt;
      }
      std::string name = lower_str(term.substr(0, n));
      std::string_view value = term.substr(n + 1);
      if (!scan_macro_string(value, false, false, &macros)) {
        error = "bad macro in " + name + "=";
        return std::nullopt;
      }
      if (name == "redirect" || name == "exp") {
        auto& slot = name == "redirect" ? r.redirect : r.exp;
        if (slot) {
          error = name + "= twice";
          return std::nullopt;
        }
        if (!valid_domain_spec(value)) {
          error = "bad domain in " + name + "=";
          return std::nullopt;
        }
        slot = std::string(value);
      }
      continue;
    }
    Directive d;
    if (!parse_directive(term, d, error, &macros)) return std::nullopt;
    r.directives.push_back(std::move(d));
  }
  if (macros > kMaxMacros) {
    error = "more than " + std::to_string(kMaxMacros) + " macros";
    return std::nullopt;
  }
  return r;
}

size_t local_rules_position(const Record& record) {
  const auto& ds = record.directives;
  if (ds.empty()) return std::string::npos;
  const Directive& last = ds.back();
  if (last.name != "all" || last.qualifier == '+') return std::string::npos;
  size_t k = ds.size() - 1;
  while (k > 0 && ds[k - 1].qualifier == last.qualifier) --k;
  return k == 0 ? std::string::npos : k;
}

namespace {

void emit(std::string& out, const Directive& d, bool ipv6_client) {
  std::string q = d.qualifier == '+' ? "" : std::string(1, d.qualifier);
  auto add = [&](const std::string& term) { out += ' ' + q + term; };
  if (d.name == "ip4" || d.name == "ip6") {
    int cidr = d.name == "ip4" ? d.cidr4 : d.cidr6;
    if (cidr == 0) {  // libspf2 refuses /0: the two halves are the same set
      if (d.name == "ip4") {
        add("ip4:0.0.0.0/1");
        add("ip4:128.0.0.0/1");
      } else {
        add("ip6:::/1");
        add("ip6:8000::/1");
      }
      return;
    }
    add(d.name + ':' + d.address + (cidr >= 0 ? '/' + std::to_string(cidr) : ""));
    return;
  }
  if (d.name == "a" || d.name == "mx") {
    int cidr = ipv6_client ? d.cidr6 : d.cidr4;
    std::string term = d.name;
    if (cidr == 0) {
      term += ':' + (d.domain.empty() ? std::string("%{d}") : d.domain);
      if (term.back() == '.') term.pop_back();
      term += kCidr0Suffix;
      term += ipv6_client ? "//1" : "/1";
    } else {
      if (!d.domain.empty()) term += ':' + d.domain;
      if (cidr > 0) term += ipv6_client ? "//" + std::to_string(cidr) : "/" + std::to_string(cidr);
    }
    add(term);
    return;
  }
  add(d.name + (d.domain.empty() ? "" : ':' + d.domain));
}

}  // namespace

std::string canonical(const Record& record, bool ipv6_client, const std::vector<Directive>* local) {
  std::string out = "v=spf1";
  size_t at = local && !local->empty() ? local_rules_position(record) : std::string::npos;
  bool has_all = false;
  for (size_t i = 0; i < record.directives.size(); ++i) {
    if (i == at)
      for (const auto& l : *local) emit(out, l, ipv6_client);
    emit(out, record.directives[i], ipv6_client);
    if (record.directives[i].name == "all") has_all = true;
  }
  if (record.redirect && !has_all) out += " redirect=" + *record.redirect;
  if (record.exp) out += " exp=" + *record.exp;
  return out;
}

// --- macro expansion -------------------------------------------------------

namespace {

std::string url_escape(std::string_view s) {
  static const char hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (is_alnum(char(c)) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += char(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string dotted_nibbles(const std::string& ip) {
  unsigned char a[16];
  if (inet_pton(AF_INET6, ip.c_str(), a) != 1) return ip;
  static const char hex[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i) out += '.';
    out += hex[a[i] >> 4];
    out += '.';
    out += hex[a[i] & 15];
  }
  return out;
}

std::string transform(const std::string& value, unsigned keep, bool reverse, std::string_view delims) {
  if (delims.empty()) delims = ".";
  std::vector<std::string> parts(1);
  for (char c : value) {
    if (delims.find(c) != std::string_view::npos) parts.emplace_back();
    else parts.back() += c;
  }
  if (reverse) std::vector<std::string>(parts.rbegin(), parts.rend()).swap(parts);
  size_t from = keep > 0 && keep < parts.size() ? parts.size() - keep : 0;
  std::string out;
  for (size_t i = from; i < parts.size(); ++i) {
    if (i > from) out += '.';
    out += parts[i];
  }
  return out;
}

}  // namespace

std::string expand_macros(std::string_view text, const MacroValues& v, size_t max) {
  std::string out;
  std::string sender = v.sender;
  size_t at = sender.rfind('@');
  std::string local = at == std::string::npos ? "postmaster" : sender.substr(0, at);
  std::string sdomain = at == std::string::npos ? sender : sender.substr(at + 1);
  if (local.empty()) local = "postmaster";
  for (size_t i = 0; i < text.size() && out.size() < max;) {
    char c = text[i];
    if (c != '%') {
      out += c;
      ++i;
      continue;
    }
    size_t start = i;
    if (!scan_macro(text, i, true, true, nullptr)) {  // not valid: copied as it is
      out += text.substr(start);
      break;
    }
    std::string_view m = text.substr(start, i - start);
    if (m == "%%") { out += '%'; continue; }
    if (m == "%_") { out += ' '; continue; }
    if (m == "%-") { out += "%20"; continue; }
    m = m.substr(2, m.size() - 3);  // inside the braces
    char letter = m[0];
    bool upper = letter >= 'A' && letter <= 'Z';
    char l = lower(letter);
    size_t j = 1;
    std::string value;
    if (l == 'x') {
      char p = lower(m[1]);
      upper = m[1] >= 'A' && m[1] <= 'Z';
      ++j;
      value = p == 'r' ? v.receiver : p == 's' ? v.source : v.error;
    } else {
      switch (l) {
        case 's': value = local + '@' + sdomain; break;
        case 'l': value = local; break;
        case 'o': value = sdomain; break;
        case 'd': value = v.domain; break;
        case 'i': value = v.ipv6 ? dotted_nibbles(v.ip) : v.ip; break;
        case 'c': value = v.ip; break;
        case 'p': value = v.validated.empty() ? "unknown" : v.validated; break;
        case 'v': value = v.ipv6 ? "ip6" : "in-addr"; break;
        case 'h': value = v.helo; break;
        case 'r': value = v.receiver.empty() ? "unknown" : v.receiver; break;
        case 't': value = std::to_string(v.now); break;
      }
    }
    unsigned keep = 0;
    while (j < m.size() && is_digit(m[j])) keep = keep * 10 + unsigned(m[j++] - '0');
    bool reverse = j < m.size() && lower(m[j]) == 'r';
    if (reverse) ++j;
    std::string_view delims = m.substr(j);
    if (keep || reverse || !delims.empty()) value = transform(value, keep, reverse, delims);
    out += upper ? url_escape(value) : value;
  }
  if (out.size() > max) out.resize(max);
  return out;
}

}  // namespace spp::spf
