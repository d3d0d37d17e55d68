#include "srs_check.h"

#include <ctime>
#include <map>

#include "log.h"
#include "text.h"

namespace spp::srs {

namespace {

// All in control/srs/ (H-Sphere's layout, semantics.md §9.9). The secrets
// have no environment override: tcprules cdbs are no place for keys.
constexpr SettingSpec kDomain = {"srs/srs_domain", "", "",
                                 "the SRS domain: bounces to SRS0=/SRS1= addresses there are reversed (empty = off)"};
constexpr SettingSpec kSecrets = {"srs/srs_secrets", "", "",
                                  "secrets, one a line, at most 64 bytes: the first signs, all verify", true, true};
constexpr SettingSpec kReverseSecrets = {"srs/revers_srs_secrets", "", "",
                                         "more secrets that only verify (H-Sphere: a copy readable by qmail-smtpd's user)",
                                         true, true};
constexpr SettingSpec kSecretsAge = {
    "srs/srs_secrets_age", "", "",
    "\"secret seconds\" lines: when each secret began to sign (spp-conf srs newsecret; prune uses them)", true, true};
constexpr SettingSpec kMaxAge = {"srs/srs_max_age", "SRS_MAX_AGE", "21", "days an SRS0 address stays valid (1-1000)"};
constexpr SettingSpec kHashLength = {"srs/srs_hashlength", "", "4", "hash characters made (1-27)"};
constexpr SettingSpec kHashMin = {"srs/srs_hashmin", "", "0",
                                  "shortest hash accepted (0 = srs_hashlength; longer ones never verify)"};
constexpr SettingSpec kAnySender = {"srs/srs_anysender", "SRS_ANYSENDER", "0",
                                    "1: reverse for any sender, not only bounces (MAIL FROM:<>)"};
constexpr SettingSpec kFailClosed = {"srs/srs_failclosed", "SRS_FAILCLOSED", "1",
                                     "1: no readable secret answers 451; 0: no opinion"};
// Forwarding only (spp-conf srs forward, srs-forward(8)).
constexpr SettingSpec kSeparator = {"srs/srs_separator", "", "=", "forwarding: the character after SRS0/SRS1: = - +"};
constexpr SettingSpec kAlwaysRewrite = {"srs/srs_alwaysrewrite", "", "0",
                                        "forwarding: 1 rewrites senders of srs_domain too"};
constexpr SettingSpec kLocalDomains = {"srs/srs_localdomains", "", "",
                                       "forwarding: sender domains never rewritten (SPF passes for them here)", true};
constexpr SettingSpec kSettings[] = {kDomain,    kSecrets,       kReverseSecrets, kSecretsAge,
                                     kMaxAge,    kHashLength,    kHashMin,        kAnySender,
                                     kFailClosed, kSeparator,    kAlwaysRewrite,  kLocalDomains};

// Longest secret libsrs2 hashes the standard way (srs.h).
constexpr size_t kMaxSecret = 64;

std::string_view domain_of(std::string_view address) {
  size_t at = address.rfind('@');
  return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

bool in_domain(std::string_view address, const std::string& domain) {
  return !domain.empty() && lower_ascii(domain_of(address)) == domain;
}

std::string shown(std::string_view text) { return printable(text, 200, EightBit::replace); }

void add_secrets(const Control& control, const SettingSpec& spec, Config& config, Warnings& warnings) {
  Lines file = control.lines(spec.name);
  if (file.status == Lookup::error) {
    config.secrets_error += (config.secrets_error.empty() ? "" : "; ") + control.path(spec.name) + ": " + file.error;
    return;
  }
  for (auto& line : file.lines) {
    if (line.size() > kMaxSecret)
      warnings.push_back(std::string(spec.name) + ": a secret of " + std::to_string(line.size()) +
                         " bytes: libsrs2 (qmail-srs) hashes secrets over 64 bytes differently; keep them shorter");
    config.params.secrets.push_back(std::move(line));
  }
}

}  // namespace

Config load_config(const Control& control, Warnings& warnings, bool secrets) {
  Config config;
  Setting domain = control.setting(kDomain);
  if (domain.status == Lookup::error)
    warnings.push_back("srs_domain from " + domain.origin + " unreadable: " + domain.error + " (SRS reversal off)");
  else
    config.domain = lower_ascii(trim_blanks(domain.value));
  if (!secrets) return config;
  config.params.max_age = unsigned(read_number(control, kMaxAge, 1, 1000, warnings));
  config.params.hash_length = unsigned(read_number(control, kHashLength, 1, kMaxHashLength, warnings));
  unsigned long min = read_number(control, kHashMin, 0, kMaxHashLength, warnings);
  config.params.hash_min = min == 0 || min > config.params.hash_length ? config.params.hash_length : unsigned(min);
  config.any_sender = read_flag(control, kAnySender, warnings);
  config.params.separator = read_choice(control, kSeparator, {"=", "-", "+"}, warnings)[0];
  config.params.always_rewrite = read_flag(control, kAlwaysRewrite, warnings);
  Lines locals = control.lines(kLocalDomains.name);
  if (locals.status == Lookup::error)
    warnings.push_back("srs_localdomains unreadable: " + locals.error + " (every sender is rewritten)");
  for (const auto& d : locals.lines) config.local_domains.push_back(lower_ascii(trim_blanks(d)));
  add_secrets(control, kSecrets, config, warnings);
  add_secrets(control, kReverseSecrets, config, warnings);
  return config;
}

bool concerns(const Env& env, const Config& config) {
  auto rcpt = env.rcpt_to();
  return rcpt && in_domain(*rcpt, config.domain) && is_srs(*rcpt);
}

Decision decide(const Env& env, const Config& config, long long now) {
  if (!concerns(env, config)) return {};
  auto from = env.mail_from();
  if (!config.any_sender && (!from || !from->empty()))
    return {Action::refuse, "", "SRS addresses take only bounces (MAIL FROM:<>)"};
  if (config.params.secrets.empty()) return {Action::cannot, "", ""};
  std::string address(*env.rcpt_to());
  // SRS1 reverses to an SRS0 of the first forwarder: when that is us too, once more.
  for (int step = 0; step < 2; ++step) {
    Result r = reverse(config.params, address, now);
    if (r.status != Status::ok) return {Action::refuse, "", describe(r.status)};
    address = std::move(r.address);
    if (!in_domain(address, config.domain) || !is_srs(address)) return {Action::rewrite, address, ""};
  }
  return {Action::refuse, "", "SRS address nested too deep"};
}

namespace {

Verdict run(const Context& ctx) {
  // Almost every RCPT: not SRS0/SRS1 + separator, so no file is read and no hash made.
  auto rcpt = ctx.env.rcpt_to();
  if (!rcpt || !is_srs(*rcpt)) return Verdict::no_opinion();
  Warnings warnings;
  Config config = load_config(ctx.control, warnings, false);
  if (!concerns(ctx.env, config)) {
    for (const auto& w : warnings) log::warn(w);
    return Verdict::no_opinion();  // the common case: one control file looked up, no crypto
  }
  warnings.clear();  // the full load repeats the domain's
  config = load_config(ctx.control, warnings, true);
  for (const auto& w : warnings) log::warn(w);
  auto ip = ctx.env.remote_ip();
  std::string who = "from " + shown(ip ? *ip : "unknown") + ", sender <" + shown(ctx.env.mail_from().value_or("")) +
                    ">, RCPT <" + shown(*ctx.env.rcpt_to()) + ">";
  // C skips qmail's rcpthosts check; when qmail would refuse the SRS domain, leave it to qmail.
  if (ctx.env.rcpthosts_ok() != true && !ctx.env.relay_client()) {
    log::warn("srs_domain " + shown(config.domain) + " is not in rcpthosts: qmail refuses the bounce " + who);
    return Verdict::no_opinion();
  }
  Decision d = decide(ctx.env, config, ctx.deps.wall_seconds());
  switch (d.action) {
    case Action::none: return Verdict::no_opinion();
    case Action::rewrite:
      log::info("SRS bounce " + who + " reversed to <" + shown(d.address) + ">");
      return Verdict::no_opinion().change_address(d.address);
    case Action::refuse:
      log::info("refused " + who + ": " + d.reason);
      return Verdict::error(550, "5.1.1", "invalid SRS address: " + d.reason);
    case Action::cannot:
      log::error("no SRS secret to verify " + who + ": " +
                 (config.secrets_error.empty() ? "control/srs/srs_secrets and revers_srs_secrets are missing or empty"
                                               : config.secrets_error) +
                 (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
      return ctx.fail_verdict();
  }
  return Verdict::no_opinion();
}

}  // namespace

Result forward_sender(const Config& config, std::string_view sender, std::string_view alias, long long now) {
  std::string domain = lower_ascii(domain_of(sender));
  for (const auto& d : config.local_domains)
    if (!d.empty() && d == domain) return {Status::unchanged, std::string(sender)};
  return forward(config.params, sender, alias, now);
}

namespace {

// Rotation: srs_secrets_age malformed, or secrets that spp-conf srs prune would remove.
void lint_ages(const Control& control, const Config& config, Warnings& warnings) {
  Lines secrets = control.lines(kSecrets.name);
  Lines ages = control.lines(kSecretsAge.name);
  if (ages.status == Lookup::error) {
    warnings.push_back("srs_secrets_age unreadable: " + ages.error);
    return;
  }
  if (ages.status != Lookup::found || ages.lines.empty()) {
    if (secrets.lines.size() > 1)
      warnings.push_back("srs_secrets holds " + std::to_string(secrets.lines.size()) +
                         " secrets and srs_secrets_age is missing: old ones are never pruned (spp-conf srs "
                         "newsecret or prune records them)");
    return;
  }
  std::map<std::string, long long, std::less<>> began;
  size_t line_number = 0;
  for (const auto& line : ages.lines) {
    ++line_number;
    std::string secret;
    long long t = -1;
    if (parse_age_line(line, secret, t))
      began[secret] = t;
    else
      warnings.push_back("srs_secrets_age line " + std::to_string(line_number) +
                         " is not \"secret seconds\" (ignored: that secret is never pruned)");
  }
  std::vector<long long> starts;
  for (const auto& secret : secrets.lines) {
    auto it = began.find(secret);
    starts.push_back(it == began.end() ? -1 : it->second);
  }
  auto needed = secrets_needed(starts, (long long)std::time(nullptr), config.params.max_age);
  size_t stale = 0;
  for (bool n : needed) stale += !n;
  if (stale)
    warnings.push_back(std::to_string(stale) + " secret(s) of srs_secrets stopped signing more than srs_max_age=" +
                       std::to_string(config.params.max_age) +
                       " days ago and still verify: spp-conf srs prune removes them");
}

void lint(const Control& control, Warnings& warnings) {
  Config config = load_config(control, warnings, true);
  lint_ages(control, config, warnings);
  if (config.domain.empty()) return;
  if (config.params.secrets.empty())
    warnings.push_back("srs_domain is set but no secret is readable in control/srs/srs_secrets or "
                       "revers_srs_secrets" +
                       (config.secrets_error.empty() ? std::string() : ": " + config.secrets_error) +
                       " (every SRS bounce gets the fail mode's answer)");
}

constexpr HookUse kUses[] = {
    {Hook::rcpt, order::policy, "reverses a bounce to a valid SRS address of srs_domain (C); refuses forged ones"}};

}  // namespace

const Check check = {
    "srs",
    "Bounces to SRS0/SRS1 addresses of srs_domain (libsrs2 format) go back to the original sender with C, only "
    "after the hash and day stamp verify and only for MAIL FROM:<>; forged or expired ones get 550. Never a relay.",
    kUses,
    kSettings,
    FailMode::tempfail,
    "srs/srs_failclosed",
    run,
    lint,
};

}  // namespace spp::srs
