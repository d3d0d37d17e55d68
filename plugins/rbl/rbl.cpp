#include "rbl/rbl.h"

#include <stdexcept>

#include "clock.h"
#include "log.h"

namespace spp::rbl {

namespace {

constexpr unsigned long kMaxTimeout = 300;  // seconds; a client waits 5 minutes for a reply

// A zone name we are willing to put into a query: letters, digits, '-', '_'
// and dots, labels of 1-63 bytes (RFC 1035), short enough that an IPv6
// nibble prefix (64 bytes) still fits in a 253-byte name.
bool valid_zone(std::string_view zone) {
  if (zone.empty() || zone.size() > 180) return false;
  size_t label = 0;
  for (char c : zone) {
    if (c == '.') {
      if (label == 0) return false;  // empty label: leading dot or ".."
      label = 0;
      continue;
    }
    if (++label > 63) return false;
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_'))
      return false;
  }
  return true;
}

}  // namespace

const SettingSpec kSettings[] = {
    {"rblhosts", "", "", "DNSBL zones, one a line: zone, a:zone (anti-RBL), zone:text (A-only list)", true},
    {"flagrblbounce", "FLAGRBLBOUNCE", "0", "1: refuse listed clients with 553 instead of 451"},
    {"flagfailclosed", "FLAGFAILCLOSED", "0", "1: a failed lookup answers 451 (default: fail open, log)"},
    {"rbltimeout", "RBLTIMEOUT", "10", "seconds for all lookups together (1-300)"},
    {"rblrejectat", "RBLREJECTAT", "rcpt", "where a listed client is refused: rcpt or mail"},
    {"rbllookupat", "RBLLOOKUPAT", "mail", "when the lists are asked: mail (after AUTH) or connect"},
    {"rblexempt", "", "", "recipients never refused: local part, @domain or address", true},
};

namespace {

const SettingSpec& spec(std::string_view name) {
  for (const auto& s : kSettings)
    if (name == s.name) return s;
  throw std::logic_error("rbl: no setting " + std::string(name));
}

Stage stage_named(const std::string& name) {
  return name == "mail" ? Stage::mail : name == "connect" ? Stage::connect : Stage::rcpt;
}

}  // namespace

Config load_config(const Control& control, const Env& env, std::vector<std::string>& warnings) {
  Config config;
  if (auto v = env.get("RBLSMTPD")) config.rblsmtpd = std::string(*v);
  Lines hosts = control.lines("rblhosts");
  if (hosts.status == Lookup::error) {
    warnings.push_back("unable to read " + control.path("rblhosts") + ": " + hosts.error);
    config.unreadable = true;
  }
  for (const auto& line : hosts.lines) {
    Zone zone;
    std::string_view rest(line);
    if (rest.substr(0, 2) == "a:" || rest.substr(0, 2) == "A:") {
      zone.anti = true;
      rest.remove_prefix(2);
    } else if (size_t colon = rest.find(':'); colon != std::string_view::npos) {
      zone.message = std::string(rest.substr(colon + 1));
      rest = rest.substr(0, colon);
    }
    while (!rest.empty() && rest.back() == '.') rest.remove_suffix(1);
    if (!valid_zone(rest)) {
      warnings.push_back("ignoring bad zone in " + control.path("rblhosts") + ": \"" + clean_text(line) + "\"");
      continue;
    }
    zone.name = std::string(rest);
    config.zones.push_back(std::move(zone));
  }
  // No zones and no RBLSMTPD: the check is off, so the other settings (six
  // more files) need not be read on every SMTP command.
  if (config.zones.empty() && !config.rblsmtpd && !config.unreadable) return config;
  config.bounce = read_flag(control, spec("flagrblbounce"), warnings);
  config.timeout_ms = int(read_number(control, spec("rbltimeout"), 1, kMaxTimeout, warnings)) * 1000;
  config.reject_at = stage_named(read_choice(control, spec("rblrejectat"), {"rcpt", "mail"}, warnings));
  config.lookup_at = stage_named(read_choice(control, spec("rbllookupat"), {"mail", "connect"}, warnings));
  Lines exempt = control.lines("rblexempt");
  if (exempt.status == Lookup::error)
    warnings.push_back("unable to read " + control.path("rblexempt") + ": " + exempt.error + "; no exemptions");
  for (const auto& e : exempt.lines) config.exempt.push_back(lower_ascii(e));
  return config;
}

Stage stage_of(Hook hook, const Env& env) {
  switch (hook) {
    case Hook::mail: return Stage::mail;
    case Hook::rcpt:
    case Hook::data: return Stage::rcpt;
    case Hook::unknown:
      // qmail-spp does not name the section: SMTPMAILFROM appears at the
      // first MAIL, SMTPRCPTTO at the first RCPT, and both stay set.
      if (!env.mail_from()) return Stage::connect;
      return env.rcpt_to() ? Stage::rcpt : Stage::mail;
    default: return Stage::connect;
  }
}

namespace {

// "postmaster" matches that local part at any domain, "@example.com" a whole
// domain, anything else the whole address. Case does not matter.
bool exempt(const Config& config, std::string_view rcpt) {
  std::string addr = lower_ascii(rcpt);
  size_t at = addr.rfind('@');
  std::string local = addr.substr(0, at);
  std::string domain = at == std::string::npos ? "" : addr.substr(at);
  for (const auto& e : config.exempt)
    if (e == addr || e == local || (!domain.empty() && e == domain)) return true;
  return false;
}

std::string describe(const Result& r, std::string_view ip, size_t zones, long long ms) {
  std::string took = "; " + std::to_string(ms) + " ms";
  std::string who(ip);
  switch (r.outcome) {
    case Outcome::clean: return who + " not listed (" + std::to_string(zones) + " zones)" + took;
    case Outcome::accepted: return who + " accepted by " + (r.zone == "RBLSMTPD" ? "RBLSMTPD=\"\"" : "anti-RBL " + r.zone) + took;
    case Outcome::listed: return who + " listed by " + r.zone + ": " + std::to_string(r.code) + " " + r.text + took;
    case Outcome::dns_error:
      return who + " lookup failed at " + r.zone + " (" + r.reason + "); " +
             (r.code ? "answering 451 (flagfailclosed)" : "failing open") + took;
  }
  return who;
}

// Asks the lists (or takes RBLSMTPD's word), caches the verdict with S and
// logs it. nullopt when there is nothing to ask or no client address.
std::optional<Result> lookup(const Config& config, std::optional<std::string_view> ip, Resolver& dns, Decision& d) {
  if (config.zones.empty() && !config.rblsmtpd) {
    if (!config.unreadable || !config.fail_closed) return std::nullopt;
    return Result{Outcome::dns_error, 451, "temporary RBL lookup error", "control/rblhosts", "unreadable"};
  }
  if (!ip && !config.rblsmtpd) {
    d.warnings.push_back("no TCPREMOTEIP in the environment; not checked");
    return std::nullopt;
  }
  std::string client(ip ? *ip : "");
  auto queries = config.rblsmtpd ? std::vector<Query>{} : build_queries(config, client);
  if (queries.empty() && !config.rblsmtpd) {
    d.warnings.push_back("client address \"" + clean_text(client) + "\" is not an IP address; not checked");
    return std::nullopt;
  }
  long long start = now_ms();
  auto answers = queries.empty() ? std::vector<Answer>{} : dns.resolve(queries, config.timeout_ms);
  long long ms = now_ms() - start;
  Result verdict = evaluate(config, client, answers);
  for (const auto& w : verdict.warnings) d.warnings.push_back(w);
  write_cache(d.verdict, verdict);
  std::string line = describe(verdict, client, config.zones.size(), ms);
  (verdict.outcome == Outcome::dns_error ? d.warnings : d.info).push_back(line);
  return verdict;
}

}  // namespace

Decision decide(Hook hook, const Env& env, const Config& config, Resolver& dns) {
  Decision d;
  if (env.trusted_client()) return d;  // relaying or authenticated: never looked up
  Stage stage = stage_of(hook, env);
  auto rcpt = env.rcpt_to();
  bool exempt_rcpt = stage == Stage::rcpt && rcpt && exempt(config, *rcpt);
  auto ip = env.remote_ip();
  std::optional<Result> verdict = read_cache(env);
  if (!verdict) {
    if (stage == Stage::connect && config.lookup_at != Stage::connect) return d;
    // Nothing to refuse at this RCPT: ask later, when it matters.
    if (stage == Stage::rcpt && (exempt_rcpt || env.rcpthosts_ok() == false)) return d;
    verdict = lookup(config, ip, dns, d);
    if (!verdict) return d;
  }
  if (!verdict->code || stage == Stage::connect || exempt_rcpt) return d;
  if (stage == Stage::mail && config.reject_at != Stage::mail) return d;
  d.verdict.append(Verdict::error(verdict->code, "", verdict->text));
  auto from = env.mail_from();
  // What a log reader greps for comes first: the client, the command and the
  // code; the client-chosen addresses last, where the log's length cap may cut them.
  d.info.push_back("refused " + clean_text(ip ? *ip : "") + " at " + (stage == Stage::mail ? "MAIL" : "RCPT") +
                   ": " + std::to_string(verdict->code) + " " + verdict->text + "; from <" +
                   clean_text(from ? *from : "") + ">" +
                   (stage == Stage::rcpt ? " to <" + clean_text(rcpt ? *rcpt : "") + ">" : ""));
  return d;
}

namespace {

Verdict run(const Context& ctx) {
  // The cheapest exits come before reading any file: a trusted client, and a
  // cached verdict that refuses nothing (every command after the first).
  if (ctx.env.trusted_client()) return Verdict::no_opinion();
  if (auto cached = read_cache(ctx.env); cached && cached->code == 0) return Verdict::no_opinion();
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.env, warnings);
  for (const auto& w : warnings) log::warn(w);
  if (!config.zones.empty() || config.rblsmtpd || config.unreadable)
    config.fail_closed = ctx.fail_mode() == FailMode::tempfail;  // the generic knob: flagfailclosed
  Decision d = decide(ctx.hook, ctx.env, config, ctx.deps.dns());
  for (const auto& w : d.warnings) log::warn(w);
  for (const auto& i : d.info) log::info(i);
  return d.verdict;
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  // RBLSMTPD set (to "") makes load_config read every setting even without
  // zones; its value comes from tcprules per client, so there is none to check.
  Env all;
  all.set("RBLSMTPD", "");
  load_config(control, all, warnings);
}

constexpr HookUse kUses[] = {
    {Hook::connect, order::lookup, "lookup and cache, only with rbllookupat=connect"},
    {Hook::mail, order::lookup, "lookup and cache; refuses here with rblrejectat=mail", false},
    {Hook::rcpt, order::cached, "refuses a listed client; looks it up if MAIL did not"},
};

}  // namespace

const Check check = {
    "rbl",
    "DNSBLs asked in parallel within one timeout (IPv4 and IPv6), rblsmtpd's decisions and texts; "
    "the verdict is kept for the connection (survives RSET); relaying and authenticated clients are never asked.",
    kUses,
    kSettings,
    FailMode::open,
    "flagfailclosed",
    run,
    lint,
};

}  // namespace spp::rbl
