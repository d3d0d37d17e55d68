#include "tarpit/tarpit.h"

#include <iterator>

#include "log.h"

namespace spp::tarpit {

Config load_config(const Control& control, std::vector<std::string>& warnings) {
  Config config;
  Setting s;
  Lookup got = control.setting("tarpitcount", "TARPITCOUNT", "0", s);
  if (got == Lookup::error) {
    warnings.push_back("unable to read " + s.origin + ": " + s.value + "; tarpitting off");
    return config;
  }
  auto count = parse_ulong(s.value);
  if (!count) {
    warnings.push_back("tarpitcount from " + s.origin + " is not a number: \"" + clean_text(s.value) +
                       "\"; tarpitting off");
    return config;
  }
  config.count = *count;
  if (config.count == 0) return config;

  got = control.setting("tarpitdelay", "TARPITDELAY", "5", s);
  if (got == Lookup::error) {
    warnings.push_back("unable to read " + s.origin + ": " + s.value + "; using 5 seconds");
    return config;
  }
  if (s.value == "N" || s.value == "n") {
    config.kind = DelayKind::linear2;
  } else if (s.value == "M" || s.value == "m") {
    config.kind = DelayKind::linear5;
  } else if (s.value == "H" || s.value == "h") {
    config.kind = DelayKind::square;
  } else if (auto secs = parse_ulong(s.value)) {
    config.seconds = *secs;
  } else {
    warnings.push_back("tarpitdelay from " + s.origin + " is not a number or N, M, H: \"" +
                       clean_text(s.value) + "\"; using 5 seconds");
  }
  return config;
}

unsigned long decide(const Env& env, const Config& config) {
  if (config.count == 0) return 0;
  auto accepted = env.rcpt_count();  // recipients accepted before this one
  if (!accepted) return 0;           // not at RCPT
  // qmail will refuse a foreign recipient from a non-relaying client anyway:
  // the classic patch delays only accepted recipients, so don't delay this one.
  if (env.rcpthosts_ok() == false && !env.relay_client()) return 0;
  unsigned long position = *accepted + 1;
  if (position < config.count) return 0;
  unsigned long k = position - config.count + 1;  // 1 for the first delayed recipient
  if (k > kMaxDelay) k = kMaxDelay;               // keeps k*k from overflowing
  unsigned long delay = config.seconds;
  switch (config.kind) {
    case DelayKind::fixed: break;
    case DelayKind::linear2: delay = 2 * k; break;
    case DelayKind::linear5: delay = 5 * k; break;
    case DelayKind::square: delay = k * k; break;
  }
  return delay > kMaxDelay ? kMaxDelay : delay;
}

namespace {

Verdict run(const Context& ctx) {
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, warnings);
  for (const auto& w : warnings) log::warn(w);
  unsigned long delay = decide(ctx.env, config);
  if (delay > 0) {
    auto ip = ctx.env.remote_ip();
    log::info("delaying RCPT " + std::to_string(*ctx.env.rcpt_count() + 1) + " from " +
              std::string(ip ? *ip : "unknown") + " by " + std::to_string(delay) + "s");
    ctx.deps.sleep_seconds(unsigned(delay));
  }
  return Verdict::no_opinion();
}

}  // namespace

constexpr SettingSpec kSettings[] = {
    {"tarpitcount", "TARPITCOUNT", "0", "recipients after which RCPT replies are delayed (0 = off)"},
    {"tarpitdelay", "TARPITDELAY", "5", "delay in seconds, or N/M/H for 2k, 5k, k*k seconds"},
};

static void lint(const Control& control, std::vector<std::string>& warnings) { load_config(control, warnings); }

const Check check = {"tarpit", unsigned(Hook::rcpt), FailMode::open, run, kSettings, std::size(kSettings), lint};

}  // namespace spp::tarpit
