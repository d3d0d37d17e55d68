#include "mfdnscheck/mfdnscheck.h"

#include "log.h"
#include "text.h"

namespace spp::mfdnscheck {

namespace {

constexpr SettingSpec kSettings[] = {
    {"mfdnscheck", "MFDNSCHECK", "0", "1: the sender's domain must have an MX, A or AAAA record"},
    {"nomfdnscheck", "", "", "senders not checked: addresses or @domain", true, false, kListMaxLine},
    {"mfdnstimeout", "MFDNSTIMEOUT", "10", "seconds for the lookups together (1-300)"},
    {"mfdnsfailclosed", "MFDNSFAILCLOSED", "0", "1: a failed lookup answers 451; 0: no opinion"},
};
}  // namespace

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings) {
  Config config;
  config.enabled = read_flag(control, kSettings[0], warnings);
  if (!config.enabled) return config;
  Lines l = deps.read_lines(control.path("nomfdnscheck"), kListMaxLine);
  if (l.status == Lookup::error)
    warnings.push_back("unable to read " + control.path("nomfdnscheck") + ": " + l.error + "; no exemptions");
  for (const auto& e : l.lines) config.exempt.push_back(lower_ascii(e));
  config.timeout_ms = int(read_number(control, kSettings[2], 1, 300, warnings)) * 1000;
  return config;
}

std::optional<std::string> domain_to_check(const Config& config, std::string_view sender, bool& invalid) {
  auto domain = senderdns::sender_domain(sender, invalid);
  if (!domain) return domain;
  std::string addr = lower_ascii(sender);
  std::string_view raw = std::string_view(addr).substr(addr.rfind('@') + 1);  // as written (trailing dot)
  for (const auto& e : config.exempt)
    if (e == addr || (e.size() > 1 && e[0] == '@' && (e.compare(1, std::string::npos, raw) == 0 ||
                                                      e.compare(1, std::string::npos, *domain) == 0))) {
      invalid = false;
      return std::nullopt;
    }
  return domain;
}

namespace {

using senderdns::read_marker;

Verdict answer(const Context& ctx, Result r) {
  if (r == Result::missing) return Verdict::error(553, "5.7.1", kReply);
  if (r == Result::dns_error && ctx.fail_mode() == FailMode::tempfail)
    return Verdict::error(451, "4.3.0", "DNS temporary failure");
  return Verdict::no_opinion();
}

Verdict run(const Context& ctx) {
  auto sender = ctx.env.mail_from();
  if (!sender || sender->empty() || ctx.env.trusted_client()) return Verdict::no_opinion();
  bool at_mail = ctx.hook == Hook::mail;  // spp-mfdnscheck alone acts as at RCPT
  if (auto r = read_marker(ctx.env, *sender)) {
    if (!at_mail) return answer(ctx, *r);
    // A new MAIL with the sender this connection already looked up (after
    // RSET, or a retry): the answer stands; a failed lookup is asked again.
    if (*r != Result::dns_error) return Verdict::no_opinion();
  }
  // A badmailfrom ?addr whitelist skips this check too (spamcontrol).
  if (auto w = ctx.env.get("SPP_BADMAILFROM"); w && *w == "whitelisted " + std::string(*sender))
    return Verdict::no_opinion();
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings);
  for (const auto& w : warnings) log::warn(w);
  Verdict out;
  if (at_mail && ctx.env.has(kMarker)) out.unsetenv(kMarker);
  if (!config.enabled) return out;
  bool invalid = false;
  auto domain = domain_to_check(config, *sender, invalid);
  senderdns::Verdict v;
  if (domain) v = senderdns::look_up(ctx.deps.dns(), *sender, config.timeout_ms);
  Result r = v.result;
  const std::string& why = v.why;
  out.setenv(kMarker, senderdns::marker_value(r, *sender));
  auto ip = ctx.env.remote_ip();
  std::string client = clean_text(ip ? *ip : "unknown");
  std::string tail = "; sender <" + clean_text(*sender) + ">";
  if (r == Result::missing)
    log::info(client + ": sender domain " + clean_text(*domain) + " has no MX, A or AAAA" +
              (why.empty() ? "" : " (" + why + ")") + tail);
  if (r == Result::dns_error)
    log::warn(client + ": lookup of sender domain " + clean_text(*domain) + " failed (" + clean_text(why) + "); " +
              (ctx.fail_mode() == FailMode::tempfail ? "answering 451 at RCPT" : "no opinion") + tail);
  if (!at_mail) out.append(answer(ctx, r));
  return out;
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Env all;
  all.set("MFDNSCHECK", "1");  // read every setting, as when the check is on
  Control on(control.base(), all);
  Deps deps;
  load_config(on, deps, warnings);
}

constexpr HookUse kUses[] = {
    {Hook::mail, order::lookup, "looks the sender's domain up and stores the verdict (S SPP_MFDNS)", false},
    {Hook::rcpt, order::cached, "refuses every RCPT of a sender whose domain does not exist (553); looks up if MAIL did not"},
};

}  // namespace

const Check check = {
    "mfdnscheck",
    "The envelope sender's domain must have an MX, A or AAAA record (MX, A and AAAA asked in parallel); refused "
    "at RCPT like badmailfrom; DNS failures are no opinion (or 451), never 5xx.",
    kUses,
    kSettings,
    FailMode::open,
    "mfdnsfailclosed",
    run,
    lint,
};

}  // namespace spp::mfdnscheck
