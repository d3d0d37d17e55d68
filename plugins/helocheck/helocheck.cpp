#include "helocheck/helocheck.h"

#include <arpa/inet.h>
#include <algorithm>
#include <netinet/in.h>

#include "addrlist.h"
#include "listfile.h"
#include "log.h"
#include "text.h"
#include "wildmat.h"

namespace spp::helocheck {

namespace {

constexpr SettingSpec kSettings[] = {
    {"badhelo", "", "", "refused HELO/EHLO names: exact (any case), name! (passes, no DNS), wildmat, !exception", true, false, kListMaxLine},
    {"helocheck", "HELOCHECK", "", "spamcontrol's HELOCHECK: '' badhelo only, ! . = A M, off; env set even empty wins"},
    {"stricthelocheck", "STRICTHELOCHECK", "0", "1: refuse a client that sent no (or an empty) HELO/EHLO"},
    {"helodnscheck", "HELODNSCHECK", "0", "1: the HELO name must have an A or AAAA record (HELOCHECK=A)"},
    {"heloself", "HELOSELF", "0", "1: refuse my own names (me, locals, rcpthosts) or addresses from a stranger"},
    {"helobareip", "HELOBAREIP", "0", "1: refuse an IP address without brackets"},
    {"helofqdn", "HELOFQDN", "0", "1: refuse a name that is not fully qualified ([address literals] pass)"},
    {"helotimeout", "HELOTIMEOUT", "10", "seconds for the A/M lookups together (1-300)"},
    {"helofailclosed", "HELOFAILCLOSED", "0", "1: a failed lookup or unreadable badhelo answers 451; 0: no opinion"},
};
const SettingSpec& kMode = kSettings[1];
const SettingSpec& kStrict = kSettings[2];
const SettingSpec& kDnsCheck = kSettings[3];
const SettingSpec& kSelf = kSettings[4];
const SettingSpec& kBareIp = kSettings[5];
const SettingSpec& kFqdn = kSettings[6];
const SettingSpec& kTimeout = kSettings[7];

constexpr const char* kNames[] = {"ok",     "whitelisted", "listed", "missing", "mismatch",
                                  "bareip", "notfqdn",     "self",   "nodns",   "dnserror"};

bool has_meta(std::string_view s) { return s.find_first_of("*?[\\") != std::string_view::npos; }

// "192.0.2.1" / "2001:DB8::1" in one canonical text form; nullopt if not an address.
std::optional<std::string> canonical_ip(std::string_view text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  std::string s(text);
  unsigned char buf[sizeof(struct in6_addr)];
  char out[INET6_ADDRSTRLEN];
  if (inet_pton(AF_INET, s.c_str(), buf) == 1 && inet_ntop(AF_INET, buf, out, sizeof out)) return std::string(out);
  if (inet_pton(AF_INET6, s.c_str(), buf) == 1 && inet_ntop(AF_INET6, buf, out, sizeof out)) {
    std::string v6(out);
    if (v6.rfind("::ffff:", 0) == 0 && v6.find('.') != std::string::npos) return v6.substr(7);  // mapped IPv4
    return v6;
  }
  return std::nullopt;
}

// The address inside an RFC 5321 literal "[192.0.2.1]" / "[IPv6:2001:db8::1]".
std::optional<std::string> literal_ip(std::string_view helo) {
  if (helo.size() < 3 || helo.front() != '[' || helo.back() != ']') return std::nullopt;
  std::string_view in = helo.substr(1, helo.size() - 2);
  if (in.size() > 5 && lower_ascii(in.substr(0, 5)) == "ipv6:") in.remove_prefix(5);
  return canonical_ip(in);
}


std::string strip_dot(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

}  // namespace

const char* result_name(Result r) { return kNames[unsigned(r)]; }

std::optional<Result> result_from_name(std::string_view name) {
  for (unsigned i = 0; i < sizeof kNames / sizeof kNames[0]; ++i)
    if (name == kNames[i]) return Result(i);
  return std::nullopt;
}

bool is_ip_address(std::string_view text) { return canonical_ip(text).has_value(); }

bool is_fqdn(std::string_view name) {
  std::string n = strip_dot(std::string(name));
  if (!valid_dns_name(n) || n.find('.') == std::string::npos) return false;
  std::string_view last = std::string_view(n).substr(n.rfind('.') + 1);
  return last.find_first_not_of("0123456789") != std::string_view::npos;  // no numeric TLD
}

std::optional<std::string> mode_value(const Control& control, const Env& env) {
  if (auto e = env.get(kMode.env)) return std::string(*e);  // spamcontrol: set, even empty
  Setting s = control.setting(kMode.name, "", "");
  if (s.status == Lookup::found) return s.value;
  return std::nullopt;
}

// spamcontrol 2.7 dohelo(): only a value of exactly one character selects a
// mode; a longer value (and the empty one) means the badhelo list alone. Every
// one-character value, known or not, refuses a client that never sent HELO
// (the !seenhelo test at RCPT); '!' alone skips the list.
void apply_mode(Config& config, std::optional<std::string_view> mode) {
  if (!mode) {
    config.list = true;  // H-Sphere: badhelo applies when present
    return;
  }
  if (*mode == "off") return;
  if (mode->size() != 1) {
    config.list = true;
    return;
  }
  config.require_seen = true;
  switch ((*mode)[0]) {
    case '!': config.require_arg = true; break;
    case '.': config.list = config.require_arg = true; break;
    case '=': config.list = config.equal = true; break;
    case 'A': config.list = true; config.dns = 'A'; break;
    case 'M': config.list = true; config.dns = 'M'; break;
    default: break;  // spamcontrol: only the missing HELO is refused
  }
}

namespace {
Config& finish(const Control& control, Deps& deps, Config& config, std::vector<std::string>& warnings);
}  // namespace

Config load_config(const Control& control, const Env& env, Deps& deps, std::vector<std::string>& warnings) {
  Config config;
  apply_mode(config, mode_value(control, env));
  if (read_flag(control, kStrict, warnings)) config.require_seen = config.require_arg = true;
  if (read_flag(control, kDnsCheck, warnings) && !config.dns) config.dns = 'A';
  config.self = read_flag(control, kSelf, warnings);
  config.bareip = read_flag(control, kBareIp, warnings);
  config.fqdn = read_flag(control, kFqdn, warnings);
  if (config.list) {
    std::string cdb = compiled_path(control, "badhelo"), error;
    switch (probe_compiled(deps, cdb, error)) {
      case Lookup::found:
        config.compiled = [&deps, cdb](std::string_view key) { return deps.cdb_find(cdb, key); };
        return finish(control, deps, config, warnings);
      case Lookup::error:
        config.error = error;
        config.list = false;
        return finish(control, deps, config, warnings);
      case Lookup::missing:
        break;
    }
    Lines l = deps.read_lines(control.path("badhelo"), kMaxLine);
    if (l.status == Lookup::error) config.error = "unable to read " + control.path("badhelo") + ": " + l.error;
    if (l.status != Lookup::found) config.list = false;
    for (const auto& line : l.lines) {
      if (line.size() > 1 && line.back() == '!' && line.front() != '!') {
        config.passes.insert(lower_ascii(std::string_view(line).substr(0, line.size() - 1)));
        continue;
      }
      config.exact.insert(lower_ascii(line));
      if (line[0] == '!' || has_meta(line)) config.patterns.push_back(line);
    }
  }
  return finish(control, deps, config, warnings);
}

namespace {

Config& finish(const Control& control, Deps& deps, Config& config, std::vector<std::string>& warnings) {
  if (config.self) {
    for (const char* name : {"me", "locals", "rcpthosts"}) {
      Lines l = deps.read_lines(control.path(name), kListMaxLine);
      if (l.status == Lookup::error) warnings.push_back("unable to read " + control.path(name) + ": " + l.error);
      for (const auto& n : l.lines)
        if (n[0] != '.') config.own_names.insert(strip_dot(lower_ascii(n)));
    }
  }
  if (config.dns) config.timeout_ms = int(read_number(control, kTimeout, 1, 300, warnings)) * 1000;
  return config;
}

}  // namespace

CdbRecords cdb_records(const std::vector<std::string>& lines) {
  CdbRecords out;
  std::vector<std::string> patterns;
  for (const auto& line : lines) {
    if (line.size() > 1 && line.back() == '!' && line.front() != '!') {
      out.emplace_back(lower_ascii(std::string_view(line).substr(0, line.size() - 1)), "!");
      continue;
    }
    out.emplace_back(lower_ascii(line), "");
    if (line[0] == '!' || has_meta(line)) patterns.push_back(line);
  }
  for (auto& r : pattern_index_records(patterns)) out.push_back(std::move(r));
  return out;
}

Decision decide(const Config& config, std::optional<std::string_view> helo, const Client& client) {
  Decision d;
  if (!helo) {
    if (config.require_seen) d = {Result::missing, "no HELO/EHLO", {}, {}};
    return d;
  }
  std::string low = lower_ascii(*helo);
  if (config.list && config.compiled) {
    std::string error;
    // Index keys start with an LF; no greeting does (qmail-smtpd reads lines).
    CdbResult r = low.empty() || low[0] != '\n' ? config.compiled(low) : CdbResult{Lookup::missing, "", ""};
    if (r.status == Lookup::found) return {r.value == "!" ? Result::whitelisted : Result::listed, r.value == "!" ? "name! in badhelo" : "in badhelo", {}, {}};
    if (r.status == Lookup::error) error = r.error.empty() ? "badhelo.cdb lookup failed" : r.error;
    bool hit = error.empty() && match_pattern_index(*helo, config.compiled, &error);
    if (!error.empty()) return {Result::ok, "", {}, "unable to read badhelo.cdb: " + error};
    if (hit) return {Result::listed, "a badhelo pattern", {}, {}};
  } else if (config.list) {
    if (config.passes.count(low)) return {Result::whitelisted, "name! in badhelo", {}, {}};
    if (config.exact.count(low)) return {Result::listed, "in badhelo", {}, {}};
    if (!config.patterns.empty() && match_pattern_list(*helo, config.patterns))
      return {Result::listed, "a badhelo pattern", {}, {}};
  }
  if (config.require_arg && helo->empty()) return {Result::missing, "empty HELO/EHLO", {}, {}};
  if (config.equal) {
    std::string host = client.host && !client.host->empty() ? lower_ascii(*client.host) : "unknown";
    if (low != host) return {Result::mismatch, "not the client's host name " + host, {}, {}};
  }
  auto literal = literal_ip(*helo);
  auto bare = canonical_ip(*helo);
  if (config.bareip && bare) return {Result::bareip, "an IP address without brackets", {}, {}};
  if (config.fqdn && !literal && !bare && !is_fqdn(*helo)) return {Result::notfqdn, "not a fully qualified name", {}, {}};
  if (config.self) {
    auto client_ip = canonical_ip(client.ip);
    bool from_me = client_ip && (client_ip->rfind("127.", 0) == 0 || *client_ip == "::1");
    for (const auto& a : client.my_addresses)
      if (client_ip && canonical_ip(a) == client_ip) from_me = true;
    if (!from_me) {
      if (auto claimed = literal ? literal : bare) {
        for (const auto& a : client.my_addresses)
          if (canonical_ip(a) == claimed) return {Result::self, "my address " + *claimed, {}, {}};
      } else if (config.own_names.count(strip_dot(low)) || client.in_morercpthosts) {
        return {Result::self, "my own name", {}, {}};
      }
    }
  }
  if (config.dns) {
    // spamcontrol's dnsq(): the part after the last '@', one trailing blank
    // dropped; qmail's resolver takes an [address literal] as it is.
    std::string name = low;
    if (!name.empty() && name.back() == ' ') name.pop_back();
    if (size_t at = name.rfind('@'); at != std::string::npos) name = name.substr(at + 1);
    if (literal) return d;
    name = strip_dot(name);
    if (!valid_dns_name(name)) return {Result::nodns, "not a name DNS can hold", {}, {}};
    d.dns_name = name;
  }
  return d;
}

std::vector<Query> build_queries(char mode, const std::string& name) {
  if (mode == 'M') return {{name, RRType::mx}, {name, RRType::a}, {name, RRType::aaaa}};
  return {{name, RRType::a}, {name, RRType::aaaa}};
}

Result evaluate(const std::vector<Answer>& answers) {
  bool failed = false;
  for (const auto& a : answers) {
    if (a.status == Lookup::found) return Result::ok;
    if (a.status == Lookup::error) failed = true;
  }
  return failed ? Result::dnserror : Result::nodns;
}

namespace {

// The stored verdict for the current HELO, if any.
std::optional<Result> read_marker(const Env& env, std::optional<std::string_view> helo) {
  auto v = env.get(kMarker);
  if (!v) return std::nullopt;
  size_t sp = v->find(' ');
  if (!helo) return sp == std::string_view::npos ? result_from_name(*v) : std::nullopt;
  auto word = env.marker(kMarker, *helo);
  if (!word) return std::nullopt;
  return result_from_name(*word);
}

Verdict answer(const Context& ctx, Result r) {
  if (r == Result::dnserror) return ctx.fail_mode() == FailMode::tempfail ? Verdict::error(451, "4.3.0", "DNS temporary failure") : Verdict::no_opinion();
  if (!refuses(r)) return Verdict::no_opinion();
  std::string text = kReply;
  if (auto extra = ctx.env.get("REPLY_HELO"); extra && !extra->empty()) text += " " + std::string(*extra);
  return Verdict::error(550, "5.7.1", text);
}

Verdict run(const Context& ctx) {
  if (ctx.env.trusted_client()) return Verdict::no_opinion();
  auto helo = ctx.env.helo();
  bool store_only = ctx.hook == Hook::helo || ctx.hook == Hook::mail;
  if (auto m = read_marker(ctx.env, helo)) {
    if (ctx.hook == Hook::mail || (ctx.hook == Hook::helo && *m != Result::dnserror)) return Verdict::no_opinion();
    if (!store_only) return answer(ctx, *m);
  }
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.env, ctx.deps, warnings);
  for (const auto& w : warnings) log::warn(w);
  Verdict out;
  if (store_only && ctx.env.has(kMarker)) out.unsetenv(kMarker);  // a verdict for an earlier HELO
  auto ip = ctx.env.remote_ip();
  std::string client_text = clean_text(ip ? *ip : "unknown");
  if (!config.error.empty()) {
    log::warn(client_text + ": " + config.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    if (store_only) return out;  // decided again at RCPT, where the 451 belongs
    out.append(ctx.fail_verdict());
    return out;
  }
  if (!config.active()) return out;
  Client client{ctx.env.get("TCPREMOTEHOST"), ip ? *ip : std::string_view(), {}, false};
  // My addresses only when they can matter: the greeting is an address, or
  // it names me and the client might be this host (getifaddrs is a netlink
  // round trip, on every HELO otherwise).
  auto add_my_addresses = [&] {
    if (auto local = ctx.env.get("TCPLOCALIP")) client.my_addresses.emplace_back(*local);
    for (auto& a : ctx.deps.local_addresses()) client.my_addresses.push_back(std::move(a));
  };
  if (config.self) {
    if (helo && (literal_ip(*helo) || canonical_ip(*helo))) add_my_addresses();
    if (helo && !helo->empty() && helo->front() != '[') {
      CdbResult r = ctx.deps.cdb_find(ctx.control.path("morercpthosts.cdb"), strip_dot(lower_ascii(*helo)));
      client.in_morercpthosts = r.status == Lookup::found;
    }
  }
  Decision d = decide(config, helo, client);
  if (d.result == Result::self && client.my_addresses.empty()) {
    add_my_addresses();  // my name: unless the client is this host
    d = decide(config, helo, client);
  }
  if (!d.error.empty()) {
    log::warn(client_text + ": " + d.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    if (store_only) return out;
    out.append(ctx.fail_verdict());
    return out;
  }
  std::string detail;
  if (d.dns_name) {
    auto answers = ctx.deps.dns().resolve(build_queries(config.dns, *d.dns_name), config.timeout_ms);
    d.result = evaluate(answers);
    for (const auto& a : answers)
      if (a.status == Lookup::error && detail.empty()) detail = a.error;
    if (d.result == Result::nodns) d.why = std::string("no ") + (config.dns == 'M' ? "MX, A or AAAA" : "A or AAAA") + " record";
    if (d.result == Result::dnserror) d.why = "lookup failed (" + clean_text(detail) + ")";
  }
  out.setenv(kMarker, helo ? std::string(result_name(d.result)) + " " + std::string(*helo) : result_name(d.result));
  std::string greeting = helo ? "HELO <" + printable(*helo, 200, EightBit::replace) + ">" : "no HELO";
  if (refuses(d.result))
    log::info(client_text + ": " + result_name(d.result) + " (" + d.why + ")" +
              (store_only ? ", refusing its RCPTs" : "") + "; " + greeting);
  if (d.result == Result::dnserror)
    log::warn(client_text + ": " + d.why + "; " +
              (ctx.fail_mode() == FailMode::tempfail ? "answering 451 at RCPT" : "no opinion") + "; " + greeting);
  if (!store_only) out.append(answer(ctx, d.result));
  return out;
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Env none;  // the environment is per client (tcprules): lint the files
  Deps deps;
  Config config = load_config(control, none, deps, warnings);
  if (!config.error.empty()) warnings.push_back(config.error);
  if (auto mode = mode_value(control, none); mode && *mode != "off") {
    if (mode->size() == 1 && std::string_view("!.=AM").find((*mode)[0]) == std::string_view::npos)
      warnings.push_back("helocheck '" + printable(*mode, 20, EightBit::replace) +
                         "' is not one of ! . = A M (upper case): like spamcontrol, it only refuses clients that send "
                         "no HELO");
    if (mode->size() > 1)
      warnings.push_back("helocheck '" + printable(*mode, 20, EightBit::replace) +
                         "' is longer than one character: like spamcontrol, only the badhelo list applies (use "
                         "stricthelocheck, helodnscheck for more)");
  }
  Env on;
  for (const char* v : {"HELODNSCHECK", "HELOSELF"}) on.set(v, "1");
  Control all(control.base(), on);
  std::vector<std::string> more;
  load_config(all, none, deps, more);  // helotimeout and the own-name files, as if on
  for (auto& w : more)
    if (std::find(warnings.begin(), warnings.end(), w) == warnings.end()) warnings.push_back(std::move(w));
  std::string raw;
  if (deps.read_file(control.path("badhelo"), raw, 16 << 20) == 0) {
    if (raw.find("\r\n") != std::string::npos)
      warnings.push_back(control.path("badhelo") + " has DOS line ends (CRLF): its entries keep the CR and never "
                         "match; convert it (e.g. sed -i 's/\\r$//')");
    size_t n = 0;
    for (std::string_view line : split_lines(raw)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      std::string problem = pattern_problem(trim_blanks(line));
      if (!problem.empty() && problem.find("CR") == std::string::npos)
        warnings.push_back(control.path("badhelo") + " line " + std::to_string(n) + " \"" +
                           printable(line, 80, EightBit::replace) + "\" " + problem);
    }
  }
}

constexpr HookUse kUses[] = {
    {Hook::helo, order::lookup, "decides (badhelo, HELOCHECK modes, DNS) and stores the verdict (S SPP_HELO)", false},
    {Hook::mail, order::lookup, "decides for a client that sent no HELO (or when [helo] did not run) and stores it", false},
    {Hook::rcpt, order::cached, "refuses every RCPT after an invalid HELO (550, spamcontrol's text); decides if no verdict is stored"},
};

}  // namespace

const Check check = {
    "helocheck",
    "spamcontrol's badhelo and HELOCHECK modes (! . = A M; the DNS modes on the c-ares layer), plus my own name or "
    "address claimed by a stranger, a bare IP and a non-FQDN, each switchable; refused at RCPT as spamcontrol does, "
    "the verdict kept until the next HELO.",
    kUses,
    kSettings,
    FailMode::open,
    "helofailclosed",
    run,
    lint,
};

}  // namespace spp::helocheck
