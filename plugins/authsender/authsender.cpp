#include "authsender/authsender.h"

#include "log.h"
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

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings) {
  Config config;
  std::string mode = read_choice(control, kSettings[0], {"0", "1", "2", "domain", "login"}, warnings);
  config.mode = mode == "1" || mode == "domain" ? Mode::domain : mode == "login" ? Mode::login : Mode::off;
  if (config.mode == Mode::off) return config;
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

Verdict run(const Context& ctx) {
  auto user = ctx.env.auth_user();
  auto sender = ctx.env.mail_from();
  if (!user || user->empty() || !sender) return Verdict::no_opinion();  // not authenticated: untouched
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings);
  for (const auto& w : warnings) log::warn(w);
  if (!config.error.empty()) {
    log::warn(config.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    return ctx.fail_verdict();
  }
  std::string refusal = decide(config, *user, *sender);
  if (refusal.empty()) return Verdict::no_opinion();
  auto ip = ctx.env.remote_ip();
  log::info("refused " + clean_text(ip ? *ip : "unknown") + " at MAIL: login " + clean_text(*user) + "; sender <" +
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
    {Hook::mail, order::policy, "refuses an authenticated client's sender it does not own (553)"},
};

}  // namespace

const Check check = {
    "authsender",
    "An authenticated client (SMTPAUTHUSER) may only send as its login, its domain (authsender=1) or the "
    "addresses authsenders gives it; 553 naming the rule. Others are untouched.",
    kUses,
    kSettings,
    FailMode::tempfail,
    "authsenderfailclosed",
    run,
    lint,
};

}  // namespace spp::authsender
