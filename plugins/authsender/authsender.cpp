#include "authsender/authsender.h"

#include <cerrno>
#include <cstring>

#include "listfile.h"
#include "log.h"
#include "smtpplugins.h"
#include "text.h"

namespace spp::authsender {

namespace {

constexpr SettingSpec kSettings[] = {
    {"authsender", "AUTHSENDER", "0",
     "1 or domain: authenticated senders use their login, its domain or authsenders entries; "
     "login: the login or authsenders entries only; 0, 2: off"},
    {"authsenders", "", "", "extra sender addresses per login: \"login: addr, @domain, ...\"", true, false, kListMaxLine},
    {"authsenderfailclosed", "AUTHSENDERFAILCLOSED", "1", "1: an unreadable authsenders answers 451; 0: no opinion"},
};

std::string_view domain_of(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

}  // namespace

void parse_authsenders(const std::vector<std::string>& lines, Config& config, std::vector<std::string>& warnings) {
  for (const auto& line : lines) {
    size_t colon = line.find(':');
    std::string login = colon == std::string::npos ? "" : lower_ascii(trim_blanks(std::string_view(line).substr(0, colon)));
    if (login.empty()) {
      warnings.push_back("authsenders: ignoring \"" + printable(line, 80, EightBit::replace) + "\" (not login: addresses)");
      continue;
    }
    auto& owned = config.owned[login];
    std::string_view rest = std::string_view(line).substr(colon + 1);
    while (!rest.empty()) {
      size_t comma = rest.find_first_of(", \t");
      std::string_view item = rest.substr(0, comma);
      if (!item.empty()) owned.push_back(lower_ascii(item));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
}

CdbRecords cdb_records(const std::vector<std::string>& lines) {
  Config all;
  std::vector<std::string> ignored;
  parse_authsenders(lines, all, ignored);
  CdbRecords records{{std::string(kAlwaysKey), ""}};
  for (const auto& [login, owned] : all.owned) {
    std::string value;
    for (const auto& a : owned) value += (value.empty() ? "" : " ") + a;
    records.emplace_back(login, value);
  }
  return records;
}

bool spp_auth_listed(std::string_view smtpplugins) {
  // qmail-spp's own reading (lib/smtpplugins): sections by one letter, NULs, blanks.
  for (const std::string& entry : conf::entries_of(conf::parse(smtpplugins), 'a')) {
    if (entry.empty() || entry.front() == ':') continue;  // a shell line is not spp-auth itself
    size_t slash = entry.rfind('/');
    if (std::string_view(entry).substr(slash == std::string::npos ? 0 : slash + 1) == "spp-auth") return true;
  }
  return false;
}

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings,
                   std::optional<std::string_view> login) {
  Config config;
  std::string mode = read_choice(control, kSettings[0], {"0", "1", "2", "domain", "login"}, warnings);
  config.mode = mode == "1" || mode == "domain" ? Mode::domain : mode == "login" ? Mode::login : Mode::off;
  if (config.mode == Mode::off) return config;
  if (login) {  // the compiled form, when spp-conf cdb built it: one lookup, no parse
    std::string cdb = compiled_path(control, "authsenders");
    switch (probe_compiled(deps, cdb, config.error)) {
      case Lookup::error:
        return config;
      case Lookup::found: {
        std::string key = lower_ascii(*login);
        if (key.find('\n') != std::string::npos) return config;  // no line holds one (nor kAlwaysKey)
        CdbResult r = deps.cdb_find(cdb, key);
        if (r.status == Lookup::error) {
          config.error = "unable to read " + cdb + ": " + r.error;
          return config;
        }
        if (r.status == Lookup::found) {
          auto& owned = config.owned[key];
          for (std::string_view rest = r.value; !rest.empty();) {
            size_t sp = rest.find(' ');
            if (sp) owned.emplace_back(rest.substr(0, sp));
            if (sp == std::string_view::npos) break;
            rest.remove_prefix(sp + 1);
          }
        }
        return config;
      }
      case Lookup::missing:
        break;
    }
  }
  Lines l = deps.read_lines(control.path("authsenders"), kListMaxLine);
  if (l.status == Lookup::error) {
    config.error = "unable to read " + control.path("authsenders") + ": " + l.error;
    return config;
  }
  parse_authsenders(l.lines, config, warnings);
  return config;
}

std::string decide(const Config& config, std::string_view login, std::string_view sender) {
  if (config.mode == Mode::off || login.empty() || sender.empty()) return "";
  std::string user = lower_ascii(login), from = lower_ascii(sender);
  if (from == user) return "";
  std::string_view from_domain = domain_of(from);
  if (auto it = config.owned.find(user); it != config.owned.end())
    for (const auto& a : it->second)
      if (a == from || (a.size() > 1 && a[0] == '@' && std::string_view(a).substr(1) == from_domain)) return "";
  std::string_view user_domain = domain_of(user);
  if (config.mode == Mode::domain && !user_domain.empty() && user_domain == from_domain) return "";
  std::string allowed = config.mode == Mode::domain && !user_domain.empty()
                            ? "that address, @" + std::string(user_domain) + " or its addresses in authsenders"
                            : "that login or its addresses in authsenders";
  return "sorry, you are authenticated as " + std::string(login) + " and may send only as " + allowed;
}

namespace {

// [auth], last: every [auth] plugin before us let this login through.
// SMTPAUTHUSER unset (no auth variant set it): nothing. A login that cannot
// be recorded (empty, or too long) is refused: the auth
// variants would grant it RELAYCLIENT, and authsender could not hold it to
// its own addresses.
Verdict record_login(const Context& ctx) {
  auto login = ctx.env.auth_user();
  if (!login) return Verdict::no_opinion();  // not an auth variant's [auth]: nothing to record
  std::string_view user = *login;
  std::string marker = auth_marker(user);
  Verdict v;
  v.setenv(kAuthMarker, marker);
  if (!marker.empty()) return v;
  auto ip = ctx.env.remote_ip();
  log::info("refused " + clean_text(ip ? *ip : "unknown") + " at AUTH: a login of " + std::to_string(user.size()) +
            " bytes cannot be recorded in " + std::string(kAuthMarker));
  v.append(Verdict::error(535, "5.7.8", "sorry, that login is empty or too long"));
  return v;
}

// Where qmail-spp reads its plugin list: $SPPCONFFILE, else control/smtpplugins,
// relative to the qmail home (our working directory, or Control's base).
bool spp_auth_configured(const Context& ctx) {
  auto conf = ctx.env.get("SPPCONFFILE");
  std::string path = conf && !conf->empty() ? std::string(*conf) : ctx.control.path("smtpplugins");
  if (conf && !conf->empty() && path.front() != '/' && !ctx.control.base().empty())
    path = ctx.control.base() + "/" + path;
  std::string text;
  if (int err = ctx.deps.read_file(path, text, 1 << 20)) {
    if (err != ENOENT) log::warn("unable to read " + path + ": " + std::strerror(err) + "; SMTPAUTHUSER taken as is");
    return false;
  }
  return spp_auth_listed(text);
}

Verdict run(const Context& ctx) {
  if (ctx.hook == Hook::auth) return record_login(ctx);
  auto user = ctx.env.auth_user();
  auto sender = ctx.env.mail_from();
  if (!user || user->empty() || !sender) return Verdict::no_opinion();  // not authenticated: untouched
  auto ip = ctx.env.remote_ip();
  std::string who = clean_text(ip ? *ip : "unknown");
  if (!ctx.env.get(kAuthMarker)) {
    // No marker although spp-auth is listed under [auth]: it never ran for
    // this login, so an [auth] plugin before it refused the AUTH. Record
    // that (an empty marker) for every later check and command.
    if (spp_auth_configured(ctx)) {
      log::info(who + ": login " + clean_text(*user) + " was refused under [auth] (spp-auth did not run): "
                "not authenticated");
      Verdict v;
      v.setenv(kAuthMarker, "");
      return v;
    }
  } else if (!ctx.env.authenticated()) {
    log::info(who + ": login " + clean_text(*user) + " is not the one spp-auth let through: not authenticated");
    return Verdict::no_opinion();
  }
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings, *user);
  for (const auto& w : warnings) log::warn(w);
  if (!config.error.empty()) {
    log::warn(config.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    return ctx.fail_verdict();
  }
  std::string refusal = decide(config, *user, *sender);
  if (refusal.empty()) return Verdict::no_opinion();
  log::info("refused " + who + " at MAIL: login " + clean_text(*user) + "; sender <" +
            clean_text(*sender) + ">");
  return Verdict::error(553, "5.7.1", refusal);
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Deps deps;
  Config config = load_config(control, deps, warnings);
  if (!config.error.empty()) warnings.push_back(config.error);
  if (config.mode == Mode::off) {  // the list's problems, even while the check is off
    Config all;
    parse_authsenders(deps.read_lines(control.path("authsenders"), kListMaxLine).lines, all, warnings);
  }
}

constexpr HookUse kUses[] = {
    // First at MAIL: its empty marker for a refused login reaches every later check.
    {Hook::mail, order::cached, "refuses an authenticated client's sender it does not own (553)"},
    // Last at AUTH, and only inside spp-auth: alone it cannot tell [auth] from [mail].
    {Hook::auth, order::last, "records the login the [auth] plugins let through (S SPP_AUTHUSER)", false},
};

}  // namespace

const Check check = {
    "authsender",
    "An authenticated client (SMTPAUTHUSER) may only send as its login, its domain (authsender=1) or the "
    "addresses authsenders(.cdb) gives it; 553 naming the rule. Others are untouched. Under [auth] (spp-auth, "
    "last) it records the login let through, so a login an [auth] plugin refused counts as not authenticated "
    "for every check.",
    kUses,
    kSettings,
    FailMode::tempfail,
    "authsenderfailclosed",
    run,
    lint,
};

}  // namespace spp::authsender
