#include "tarpit/tarpit.h"

#include <climits>

#include "log.h"
#include "text.h"

namespace spp::tarpit {

namespace {

constexpr SettingSpec kCount = {"tarpitcount", "TARPITCOUNT", "0",
                                "recipients after which RCPT replies are delayed (0 = off)"};
constexpr SettingSpec kDelay = {"tarpitdelay", "TARPITDELAY", "5",
                                "delay in seconds (at most 300), or N/M/H for 2k, 5k, k*k seconds"};
constexpr SettingSpec kSettings[] = {kCount, kDelay};

}  // namespace

Config load_config(const Control& control, std::vector<std::string>& warnings) {
  Config config;
  std::vector<std::string> count_warnings;
  config.count = read_number(control, kCount, 0, ULONG_MAX, count_warnings);
  if (!count_warnings.empty()) {  // a bad count turns tarpitting off, whatever the fallback says
    for (auto& w : count_warnings) warnings.push_back(w + " (tarpitting off)");
    config.count = 0;
  }
  if (config.count == 0) return config;
  Setting delay = control.setting(kDelay);
  std::string kind = lower_ascii(delay.value);
  if (delay.status != Lookup::error && kind == "n") {
    config.kind = DelayKind::linear2;
  } else if (delay.status != Lookup::error && kind == "m") {
    config.kind = DelayKind::linear5;
  } else if (delay.status != Lookup::error && kind == "h") {
    config.kind = DelayKind::square;
  } else if (delay.status == Lookup::found && !parse_ulong(delay.value)) {
    warnings.push_back("tarpitdelay from " + delay.origin + " is not a number or N, M, H: \"" +
                       printable(delay.value, 80, EightBit::replace) + "\"; using 5 seconds");
  } else {
    config.seconds = read_number(control, kDelay, 0, kMaxDelay, warnings);
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

constexpr HookUse kUses[] = {{Hook::rcpt, order::delay, "delays the reply from the tarpitcount-th recipient on"}};

}  // namespace

const Check check = {
    "tarpit",
    "Delays each RCPT reply once the transaction reaches tarpitcount recipients, like the classic tarpit "
    "patch; N/M/H delay forms. Never refuses.",
    kUses,
    kSettings,
    FailMode::open,
    nullptr,
    run,
    [](const Control& control, std::vector<std::string>& warnings) { load_config(control, warnings); },
};

}  // namespace spp::tarpit
