#include "relay/relay.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "listfile.h"
#include "log.h"
#include "text.h"
#include "wildmat.h"

namespace spp::relay {

namespace {

constexpr SettingSpec kSettings[] = {
    {"relayclients", "", "", "client IPs allowed to relay: exact, prefix ending in . or :, CIDR, wildmat", true, false, kListMaxLine},
    {"relaydomains", "", "", "client host names (TCPREMOTEHOST) allowed to relay: exact, .domain, wildmat", true, false, kListMaxLine},
    {"relaymailfrom", "", "", "senders allowed to relay (forgeable): address, @domain, .domain, wildmat", true, false, kListMaxLine},
    {"relayfailclosed", "RELAYFAILCLOSED", "1", "1: an unreadable relay list answers 451; 0: no opinion"},
};

bool has_meta(std::string_view s) { return s.find_first_of("*?[\\") != std::string_view::npos; }

// Parses an address into 16 bytes (IPv4 as ::ffff:a.b.c.d); false if not one.
bool parse_ip(std::string_view text, unsigned char out[16]) {
  if (text.empty() || text.size() > 64) return false;
  std::string s(text);
  unsigned char v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    std::memset(out, 0, 10);
    out[10] = out[11] = 0xff;
    std::memcpy(out + 12, v4, 4);
    return true;
  }
  return inet_pton(AF_INET6, s.c_str(), out) == 1;
}

bool cidr_matches(std::string_view line, std::string_view ip) {
  size_t slash = line.find('/');
  auto bits = parse_ulong(line.substr(slash + 1));
  unsigned char net[16], addr[16];
  if (!bits || !parse_ip(line.substr(0, slash), net) || !parse_ip(ip, addr)) return false;
  bool v4 = line.substr(0, slash).find(':') == std::string_view::npos;
  unsigned long n = v4 ? *bits + 96 : *bits;
  if ((v4 && *bits > 32) || n > 128) return false;
  for (unsigned long i = 0; i < n; ++i)
    if (((net[i / 8] ^ addr[i / 8]) >> (7 - i % 8)) & 1) return false;
  return true;
}

}  // namespace

bool client_matches(std::string_view line, std::string_view ip) {
  if (line.empty() || ip.empty()) return false;
  if (has_meta(line)) return wildmat(ip, line);
  if (line.find('/') != std::string_view::npos) return cidr_matches(line, ip);
  if (line.back() == '.' || line.back() == ':') return ip.substr(0, line.size()) == line;  // tcprules prefix
  unsigned char a[16], b[16];
  if (parse_ip(line, a) && parse_ip(ip, b)) return std::memcmp(a, b, 16) == 0;
  return line == ip;
}

bool domain_matches(std::string_view line, std::string_view host) {
  std::string l = lower_ascii(line), h = lower_ascii(host);
  if (l.empty() || h.empty() || h == "unknown") return false;
  if (has_meta(l)) return wildmat(h, l);
  if (l[0] == '.') return h.size() > l.size() && h.compare(h.size() - l.size(), l.size(), l) == 0;
  return l == h;
}

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings) {
  (void)warnings;
  Config config;
  for (const char* name : {"relayclients", "relaydomains"}) {
    Lines l = deps.read_lines(control.path(name), kListMaxLine);
    if (l.status == Lookup::error && config.error.empty())
      config.error = "unable to read " + control.path(name) + ": " + l.error;
    auto& into = std::string_view(name) == "relayclients" ? config.clients : config.domains;
    for (auto& line : l.lines) into.push_back(std::move(line));
  }
  std::string error;
  load_address_list(control, deps, "relaymailfrom", false, config.senders, error, kListMaxLine);
  if (!error.empty() && config.error.empty()) config.error = error;
  return config;
}

std::optional<Grant> decide(const Config& config, std::optional<std::string_view> ip,
                            std::optional<std::string_view> host, std::optional<std::string_view> sender) {
  if (ip)
    for (const auto& line : config.clients)
      if (client_matches(line, *ip)) return Grant{"relayclients", line};
  if (host)
    for (const auto& line : config.domains)
      if (domain_matches(line, *host)) return Grant{"relaydomains", line};
  // The null sender never relays: a bounce has no one to vouch for it.
  if (sender && !sender->empty() && refuses(config.senders.evaluate(*sender, Client{}, true)))
    return Grant{"relaymailfrom", "<" + std::string(*sender) + ">"};
  return std::nullopt;
}

std::vector<std::string> risks(const Config& config) {
  std::vector<std::string> out;
  auto everyone = [](std::string_view line) {
    bool v4 = true, v6 = true;
    for (const char* ip : {"192.0.2.1", "203.0.113.9", "10.1.2.3", "198.51.100.254"}) v4 = v4 && client_matches(line, ip);
    for (const char* ip : {"2001:db8::1", "fe80::2", "2a00:1:2:3::4"}) v6 = v6 && client_matches(line, ip);
    return v4 || v6;
  };
  for (const auto& line : config.clients)
    if (everyone(line))
      out.push_back("relayclients line \"" + printable(line, 80, EightBit::replace) +
                    "\" matches any client: an open relay");
  for (const auto& line : config.domains)
    if (domain_matches(line, "mx.example.com") && domain_matches(line, "host.example.net"))
      out.push_back("relaydomains line \"" + printable(line, 80, EightBit::replace) +
                    "\" matches any host name: an open relay");
  // A sender line any address matches: everyone can claim one.
  for (const char* probe : {"x1@mx.example.com", "postmaster@host.example.net", "a@b.c"}) {
    if (!refuses(config.senders.evaluate(probe, Client{}, true))) return out;
  }
  if (!config.senders.empty())
    out.push_back("relaymailfrom matches any sender: an open relay for whoever writes MAIL FROM");
  return out;
}

namespace {

Verdict run(const Context& ctx) {
  // Only a recipient qmail would refuse as foreign, from a client that does
  // not relay already (qmail itself accepts those; an O would only skip checks).
  if (!ctx.env.rcpt_to() || ctx.env.rcpthosts_ok() != false || ctx.env.trusted_client()) return Verdict::no_opinion();
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings);
  for (const auto& w : warnings) log::warn(w);
  auto ip = ctx.env.remote_ip();
  std::string who = clean_text(ip ? *ip : "unknown");
  if (!config.error.empty()) {
    log::warn(who + ": " + config.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    return ctx.fail_verdict();
  }
  if (config.empty()) return Verdict::no_opinion();
  auto grant = decide(config, ip, ctx.env.get("TCPREMOTEHOST"), ctx.env.mail_from());
  if (!grant) return Verdict::no_opinion();
  log::info("relaying for " + who + " (" + grant->list + " " + printable(grant->line, 100, EightBit::replace) +
            "); recipient <" + clean_text(*ctx.env.rcpt_to()) + ">");
  return Verdict::ok();
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Deps deps;
  Config config = load_config(control, deps, warnings);
  if (!config.error.empty()) warnings.push_back(config.error);
  for (auto& r : risks(config)) warnings.push_back(std::move(r));
  for (const auto& line : config.clients)
    if (line.find('/') != std::string::npos && !has_meta(line)) {
      unsigned char b[16];
      auto bits = parse_ulong(line.substr(line.find('/') + 1));
      bool v4 = line.find(':') == std::string::npos;
      if (!parse_ip(line.substr(0, line.find('/')), b) || !bits || *bits > (v4 ? 32u : 128u))
        warnings.push_back(control.path("relayclients") + ": \"" + printable(line, 80, EightBit::replace) +
                           "\" is not a CIDR block (matches nothing)");
    }
}

constexpr HookUse kUses[] = {
    {Hook::rcpt, order::delay - 100, "grants relaying (O) to relayclients, relaydomains, relaymailfrom for a foreign recipient"},
};

}  // namespace

const Check check = {
    "relay",
    "H-Sphere's relayclients (IP), relaydomains (host name) and relaymailfrom (sender): relaying granted per "
    "recipient with O, only under [rcpt] where qmail-spp honours it; spp-conf check names the open-relay risks.",
    kUses,
    kSettings,
    FailMode::tempfail,
    "relayfailclosed",
    run,
    lint,
    true,
};

}  // namespace spp::relay
