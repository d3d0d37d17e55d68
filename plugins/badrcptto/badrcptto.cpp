#include "badrcptto/badrcptto.h"

#include "listfile.h"
#include "log.h"
#include "text.h"

namespace spp::badrcptto {

namespace {

constexpr SettingSpec kSettings[] = {
    {"badrcptto", "", "", "refused recipients: address, @domain, .domain, wildmat, !exception", true, false, kListMaxLine},
    {"badrcptpatterns", "", "", "refused recipients, the same syntax in a second file (H-Sphere, older spamcontrol)", true, false, kListMaxLine},
    {"lowercase", "LOWERCASE", "0", "1: lower-case the address before the wildmat pass"},
    {"badrcpttofailclosed", "BADRCPTTOFAILCLOSED", "1", "1: an unreadable list answers 451; 0: no opinion"},
};
const SettingSpec& kLowercase = kSettings[2];

}  // namespace

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings) {
  Config config;
  for (const char* name : {"badrcptto", "badrcptpatterns"}) {
    // control/<name>.cdb (spp-conf cdb) when it exists, else the text file.
    std::string error;
    load_address_list(control, deps, name, false, config.list, error, kMaxLine);
    if (!error.empty() && config.error.empty()) config.error = error;
  }
  if (!config.list.empty()) config.lowercase = read_flag(control, kLowercase, warnings);
  return config;
}

Match decide(const Config& config, std::string_view rcpt) {
  return config.list.evaluate(rcpt, Client{}, config.lowercase);
}

Match decide(const Config& config, std::string_view rcpt, std::string* error) {
  return config.list.evaluate(rcpt, Client{}, config.lowercase, error);
}

namespace {

Verdict run(const Context& ctx) {
  auto rcpt = ctx.env.rcpt_to();
  if (!rcpt) return Verdict::no_opinion();  // not at RCPT
  // qmail refuses a foreign recipient of a non-relaying client with its own
  // rcpthosts text; spamcontrol checks relaying before badrcptto too.
  if (ctx.env.rcpthosts_ok() == false && !ctx.env.relay_client()) return Verdict::no_opinion();
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings);
  for (const auto& w : warnings) log::warn(w);
  if (!config.error.empty()) {
    log::warn(config.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    return ctx.fail_verdict();
  }
  std::string error;
  Match m = decide(config, *rcpt, &error);
  if (!error.empty()) {  // a compiled list failed mid-lookup (a corrupt cdb)
    log::warn(error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    return ctx.fail_verdict();
  }
  if (!refuses(m)) return Verdict::no_opinion();
  auto ip = ctx.env.remote_ip();
  log::info("refused " + clean_text(ip ? *ip : "unknown") + " at RCPT: " + match_name(m) + " in badrcptto; recipient <" +
            clean_text(*rcpt) + ">");
  return Verdict::error(553, "5.7.1", kReply);
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Deps deps;
  Config config = load_config(control, deps, warnings);
  if (!config.error.empty()) warnings.push_back(config.error);
  read_flag(control, kLowercase, warnings);
  for (const char* name : {"badrcptto", "badrcptpatterns"}) {
    std::string raw;
    if (deps.read_file(control.path(name), raw, 16 << 20) != 0) continue;
    size_t n = 0;
    for (std::string_view line : split_lines(raw)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;
      std::string problem = pattern_problem(trim_blanks(line));
      if (!problem.empty())
        warnings.push_back(control.path(name) + " line " + std::to_string(n) + " \"" +
                           printable(line, 80, EightBit::replace) + "\" " + problem);
    }
  }
}

constexpr HookUse kUses[] = {
    {Hook::rcpt, order::policy, "refuses a listed recipient (553, spamcontrol's text)"},
};

}  // namespace

const Check check = {
    "badrcptto",
    "Recipient lists with spamcontrol semantics (exact, @domain, .domain, wildmat with ! exceptions, last match "
    "wins) in badrcptto and badrcptpatterns; 553 with spamcontrol's text.",
    kUses,
    kSettings,
    FailMode::tempfail,
    "badrcpttofailclosed",
    run,
    lint,
};

}  // namespace spp::badrcptto
