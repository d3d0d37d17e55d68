// env_fuzz: Env::from_environ() on a fuzzed NAME=VALUE array, the qmail
// variables read from it, and parse_ulong() against a reference.
// Oracles: get() returns the FIRST entry of a name (as getenv does), entries
// without '=' are ignored; rcpthosts_ok is true only for "1", false only for
// "0"; rcpt_count agrees with the reference number parser; remote_ip,
// authenticated (spp-auth's marker) and trusted_client follow their
// definitions; set/unset behave like a map.
// Input: NUL-separated environ entries.
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env.h"
#include "escape.h"
#include "fuzz.h"

namespace {

// A whole string of decimal digits, by strtoul (which alone would accept
// blanks, signs and overflow to ULONG_MAX). parse_ulong additionally caps
// the length at 18 characters.
std::optional<unsigned long> reference_ulong(std::string_view s) {
  if (s.empty()) return std::nullopt;
  for (char c : s)
    if (c < '0' || c > '9') return std::nullopt;
  std::string z(s);
  errno = 0;
  char* end = nullptr;
  unsigned long v = std::strtoul(z.c_str(), &end, 10);
  if (errno == ERANGE || *end != '\0') return std::nullopt;
  return v;
}

void check_ulong(std::string_view s) {
  auto got = spp::parse_ulong(s);
  auto want = reference_ulong(s);
  if (s.size() > 18) {
    if (got) std::abort();  // documented cap: 18 digits always fit
  } else if (got != want) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> entries;
  for (size_t pos = 0; pos <= in.size() && entries.size() < 64;) {
    size_t nul = in.find('\0', pos);
    if (nul == std::string_view::npos) nul = in.size();
    entries.emplace_back(in.substr(pos, nul - pos));
    pos = nul + 1;
  }
  std::vector<char*> envp;
  for (auto& e : entries) envp.push_back(e.data());
  envp.push_back(nullptr);
  spp::Env env = spp::Env::from_environ(envp.data());

  std::map<std::string, std::string, std::less<>> ref;
  for (const auto& e : entries) {
    size_t eq = e.find('=');
    if (eq == std::string::npos) continue;
    ref.emplace(e.substr(0, eq), e.substr(eq + 1));  // the first one counts
  }
  for (const auto& e : entries) {
    std::string name = e.substr(0, e.find('='));
    auto got = env.get(name);
    auto it = ref.find(name);
    if (got.has_value() != (it != ref.end())) std::abort();
    if (got && *got != it->second) std::abort();
    check_ulong(e);
    if (got) check_ulong(*got);
  }
  auto var = [&ref](std::string_view n) -> std::optional<std::string_view> {
    auto it = ref.find(n);
    if (it == ref.end()) return std::nullopt;
    return std::string_view(it->second);
  };

  auto ok = env.rcpthosts_ok();
  auto hosts = var("SMTPRCPTHOSTSOK");
  if (ok.has_value() != (hosts == "1" || hosts == "0")) std::abort();
  if (ok && *ok != (hosts == "1")) std::abort();
  auto count = var("SMTPRCPTCOUNT");
  if (env.rcpt_count() != (count ? spp::parse_ulong(*count) : std::nullopt)) std::abort();
  if (count && count->size() <= 18 && env.rcpt_count() != reference_ulong(*count)) std::abort();
  auto all = var("SMTPRCPTCOUNTALL");
  if (env.rcpt_count_all() != (all ? spp::parse_ulong(*all) : std::nullopt)) std::abort();

  auto v4 = var("TCPREMOTEIP"), v6 = var("TCP6REMOTEIP");
  auto ip = env.remote_ip();
  if (v4 && !v4->empty()) {
    if (ip != v4) std::abort();
  } else if (v6 && !v6->empty()) {
    if (ip != v6) std::abort();
  } else if (ip) {
    std::abort();
  }
  auto user = var("SMTPAUTHUSER");
  auto recorded = var("SPP_AUTHUSER");  // spp-auth's marker, when it ran
  bool authenticated = user && !user->empty() &&
                       (!recorded || (!recorded->empty() && *recorded == spp::escape_bytes(*user) &&
                                      recorded->size() <= spp::kMaxAuthMarker));
  if (env.authenticated() != authenticated) std::abort();
  if (env.trusted_client() != (var("RELAYCLIENT").has_value() || authenticated)) std::abort();
  if (env.relay_client() != var("RELAYCLIENT").has_value()) std::abort();

  // S and U as qmail-spp applies them between plugins: the last one wins.
  for (const auto& e : entries) {
    size_t eq = e.find('=');
    std::string name = e.substr(0, eq);
    if (eq == std::string::npos) {
      env.unset(name);
      if (env.has(name)) std::abort();
    } else {
      env.set(name, e.substr(eq + 1));
      if (env.get(name) != std::string_view(e).substr(eq + 1)) std::abort();
    }
  }
  auto lower = spp::lower_ascii(in);
  if (lower.size() != in.size()) std::abort();
  for (size_t i = 0; i < in.size(); ++i)
    if (lower[i] != (in[i] >= 'A' && in[i] <= 'Z' ? char(in[i] + 32) : in[i])) std::abort();
  return 0;
}
