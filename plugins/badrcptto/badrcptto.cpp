#include "badrcptto/badrcptto.h"

#include "log.h"
#include "text.h"

namespace spp::badrcptto {

namespace {

constexpr SettingSpec kSettings[] = {
    {"badrcptto", "", "", "refused recipients: address, @domain, .domain, wildmat, !exception", true},
    {"badrcptpatterns", "", "", "refused recipients, the same syntax in a second file (H-Sphere, older spamcontrol)", true},
    {"lowercase", "LOWERCASE", "0", "1: lower-case the address before the wildmat pass"},
    {"badrcpttofailclosed", "BADRCPTTOFAILCLOSED", "1", "1: an unreadable list answers 451; 0: no opinion"},
};
const SettingSpec& kLowercase = kSettings[2];

}  // namespace

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings) {
  Config config;
  for (const char* name : {"badrcptto", "badrcptpatterns"}) {
    Lines l = deps.read_lines(control.path(name), kMaxLine);
    if (l.status == Lookup::error) {
      if (config.error.empty()) config.error = "unable to read " + control.path(name) + ": " + l.error;
      continue;
    }
    config.list.add(l.lines, false);
  }
  if (!config.list.empty()) config.lowercase = read_flag(control, kLowercase, warnings);
  return config;
}

Match decide(const Config& config, std::string_view rcpt) {
  return config.list.evaluate(rcpt, Client{}, config.lowercase);
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
  Match m = decide(config, *rcpt);
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
