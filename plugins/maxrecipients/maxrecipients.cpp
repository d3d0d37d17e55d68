#include "maxrecipients/maxrecipients.h"

#include <climits>

#include "log.h"
#include "text.h"

namespace spp::maxrecipients {

namespace {

constexpr SettingSpec kLimit = {"maxrecipients", "MAXRECIPIENTS", "0",
                                "recipients accepted per message; further RCPTs get 452 (0 = unlimited)"};
constexpr SettingSpec kSettings[] = {kLimit};

}  // namespace

unsigned long load_config(const Control& control, std::vector<std::string>& warnings) {
  std::vector<std::string> w;
  unsigned long limit = read_number(control, kLimit, 0, ULONG_MAX, w);
  for (auto& s : w) warnings.push_back(s + " (no limit)");
  return w.empty() ? limit : 0;
}

bool decide(const Env& env, unsigned long limit) {
  if (limit == 0) return false;
  auto accepted = env.rcpt_count();  // recipients accepted before this one
  if (!accepted) return false;       // not at RCPT
  // qmail refuses a foreign recipient of a non-relaying client with its own text.
  if (env.rcpthosts_ok() == false && !env.relay_client()) return false;
  return *accepted >= limit;
}

namespace {

Verdict run(const Context& ctx) {
  if (!ctx.env.rcpt_count()) return Verdict::no_opinion();  // not at RCPT: read nothing
  std::vector<std::string> warnings;
  unsigned long limit = load_config(ctx.control, warnings);
  for (const auto& w : warnings) log::warn(w);
  if (!decide(ctx.env, limit)) return Verdict::no_opinion();
  auto ip = ctx.env.remote_ip();
  auto rcpt = ctx.env.rcpt_to();
  log::info("refused " + clean_text(ip ? *ip : "unknown") + " at RCPT: " + std::to_string(limit) +
            " recipients already; recipient <" + clean_text(rcpt ? *rcpt : "") + ">");
  return Verdict::error(452, "4.5.3", kReply);
}

constexpr HookUse kUses[] = {{Hook::rcpt, order::policy, "452 once maxrecipients recipients were accepted"}};

}  // namespace

const Check check = {
    "maxrecipients",
    "At most maxrecipients accepted recipients per message; the rest get 452 (the client retries them later), "
    "as spamcontrol does.",
    kUses,
    kSettings,
    FailMode::open,
    nullptr,
    run,
    [](const Control& control, std::vector<std::string>& warnings) { load_config(control, warnings); },
};

}  // namespace spp::maxrecipients
