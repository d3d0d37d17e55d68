// srs_fuzz: spp-srs's decision on hostile MAIL FROM / RCPT TO. The open-relay
// property: a rewrite (C) only for a recipient in srs_domain whose SRS hash
// verifies, only for the null sender unless srs_anysender, and never to an
// address with a byte that could break the SPP line.
// Input: flags byte, then sender NUL recipient.
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz.h"
#include "srs/srs_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  using namespace spp::srs;
  const long long now = 1764547200 + (long long)(data[0] >> 2) * 86400 - 16 * 86400;
  Config config;
  config.domain = "srs.example.net";
  config.params.secrets = {"my secret"};
  config.any_sender = data[0] & 1;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  size_t nul = in.find('\0');
  std::string from(in.substr(0, nul));
  std::string rcpt(nul == std::string_view::npos ? std::string_view() : in.substr(nul + 1));
  spp::Env env;
  if (!(data[0] & 2)) env.set("SMTPMAILFROM", from);
  env.set("SMTPRCPTTO", rcpt);
  Decision d = decide(env, config, now);
  if (d.action == Action::cannot) std::abort();  // secrets are configured
  if (d.action != Action::rewrite) return 0;
  size_t at = rcpt.rfind('@');
  if (at == std::string::npos || spp::lower_ascii(rcpt.substr(at + 1)) != config.domain) std::abort();
  if (!config.any_sender && (data[0] & 2 || !from.empty())) std::abort();
  if (reverse(config.params, rcpt, now).status != Status::ok) std::abort();
  for (unsigned char c : d.address)
    if (c <= 32 || c >= 127) std::abort();
  return 0;
}
