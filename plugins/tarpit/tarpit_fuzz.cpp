// tarpit_fuzz: spp-tarpit's settings from fuzzed values (environment or
// control files) and decide() for fuzzed recipient counts.
// Oracles: the Config matches a reference reading of the values (a bad count
// turns tarpitting off, a bad delay means 5 s); decide() never exceeds
// kMaxDelay, is 0 when tarpitting is off or SMTPRCPTCOUNT is not a number,
// and otherwise equals the reference formula computed without overflow.
// Input: mode byte, TARPITCOUNT, TARPITDELAY, SMTPRCPTCOUNT, SMTPRCPTHOSTSOK.
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "fuzz.h"
#include "fuzz_input.h"
#include "tarpit/tarpit.h"

namespace {

using namespace spp;

void put_file(const std::string& name, const std::optional<std::string>& content) {
  fuzz::ScratchHome::put(name, content);
}
std::string home() { return fuzz::ScratchHome::dir(); }

// Digits only, 1 to 18 of them (parse_ulong's contract, checked by env_fuzz).
std::optional<unsigned long> number(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  unsigned long n = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + unsigned(c - '0');
  }
  return n;
}

// What a control file's first setting line is (qmail rules: trailing blanks
// go, blank and '#' lines are skipped); nullopt when there is none.
std::optional<std::string> first_line(std::string_view content) {
  while (!content.empty()) {
    size_t lf = content.find('\n');
    std::string_view line = content.substr(0, lf);
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) line.remove_suffix(1);
    if (!line.empty() && line[0] != '#') return std::string(line);
    if (lf == std::string_view::npos) break;
    content.remove_prefix(lf + 1);
  }
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string count_text = in.str(40), delay_text = in.str(40), rcpts = in.str(24);
  Env env;
  // Each value comes from the environment or from its control file (bits 0, 1).
  std::optional<std::string> count_value, delay_value;
  if (mode & 1) {
    env.set("TARPITCOUNT", count_text);
    if (!count_text.empty()) count_value = count_text;  // an empty value counts as unset
    put_file("tarpitcount", std::nullopt);
  } else {
    put_file("tarpitcount", count_text);
    count_value = first_line(count_text);
  }
  if (mode & 2) {
    env.set("TARPITDELAY", delay_text);
    if (!delay_text.empty()) delay_value = delay_text;
    put_file("tarpitdelay", std::nullopt);
  } else {
    put_file("tarpitdelay", delay_text);
    delay_value = first_line(delay_text);
  }
  if (!(mode & 4)) env.set("SMTPRCPTCOUNT", rcpts);
  if (mode & 8) env.set("SMTPRCPTHOSTSOK", mode & 16 ? "1" : "0");
  if (mode & 32) env.set("RELAYCLIENT", "");

  Control control(home(), env);
  std::vector<std::string> warnings;
  tarpit::Config config = tarpit::load_config(control, warnings);

  // Reference settings.
  auto count = number(count_value.value_or("0"));
  unsigned long want_count = count.value_or(0);
  if (config.count != want_count) std::abort();
  if (want_count != 0) {
    std::string d = delay_value.value_or("5");
    tarpit::DelayKind kind = tarpit::DelayKind::fixed;
    unsigned long secs = 5;
    if (d == "N" || d == "n") kind = tarpit::DelayKind::linear2;
    else if (d == "M" || d == "m") kind = tarpit::DelayKind::linear5;
    else if (d == "H" || d == "h") kind = tarpit::DelayKind::square;
    else if (auto s = number(d)) secs = *s > tarpit::kMaxDelay ? tarpit::kMaxDelay : *s;  // capped, warned
    if (config.kind != kind || (kind == tarpit::DelayKind::fixed && config.seconds != secs)) std::abort();
  }

  unsigned long delay = tarpit::decide(env, config);
  if (delay > tarpit::kMaxDelay) std::abort();
  if (config.count == 0 && delay != 0) std::abort();
  auto accepted = env.rcpt_count();
  if (!accepted && delay != 0) std::abort();

  // Reference delay, in 128 bits so nothing overflows.
  unsigned __int128 want = 0;
  bool refused = env.rcpthosts_ok() == false && !env.relay_client();
  if (config.count && accepted && !refused && *accepted + 1 >= config.count) {
    unsigned __int128 k = (unsigned __int128)(*accepted) + 1 - config.count + 1;
    switch (config.kind) {
      case tarpit::DelayKind::fixed: want = config.seconds; break;
      case tarpit::DelayKind::linear2: want = 2 * k; break;
      case tarpit::DelayKind::linear5: want = 5 * k; break;
      case tarpit::DelayKind::square: want = k * k; break;
    }
    if (want > tarpit::kMaxDelay) want = tarpit::kMaxDelay;
  }
  if (delay != (unsigned long)want) std::abort();
  return 0;
}
