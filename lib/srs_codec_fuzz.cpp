// srs_codec_fuzz: the SRS decoder (reverse) on hostile addresses, and forward then
// reverse on hostile senders: never crash, never return what it must not.
// Also parses the input as an srs_secrets_age line.
// Input: one address; its first byte also picks the separator and hash length.
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz.h"
#include "srs.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using spp::srs::Status;
  const long long now = 1764547200;
  spp::srs::Params p;
  p.secrets = {"fuzz secret", "older secret"};
  p.separator = "=-+"[data[0] % 3];
  p.hash_length = 1 + data[0] % 8;
  p.hash_min = p.hash_length > 2 ? p.hash_length - 2 : 1;
  std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);

  // The same bytes as a control/srs/srs_secrets_age line: what parses prints back the same.
  std::string secret;
  long long began = -1;
  if (spp::srs::parse_age_line(in, secret, began)) {
    if (secret.empty() || began < 0) std::abort();
    std::string again;
    long long began_again = -1;
    if (!spp::srs::parse_age_line(secret + " " + std::to_string(began), again, began_again) || again != secret ||
        began_again != began)
      std::abort();
  }

  auto back = spp::srs::reverse(p, in, now);
  if (back.status == Status::ok) {
    if (back.address.size() > spp::srs::kMaxAddress) std::abort();
    for (unsigned char c : back.address)
      if (c <= 32 || c >= 127) std::abort();  // nothing the decoder did not check
    if (in.size() > spp::srs::kMaxAddress) std::abort();
  } else if (!back.address.empty()) {
    std::abort();
  }

  // A sender forwarded by us comes back to exactly where it was (one step).
  auto fwd = spp::srs::forward(p, in, "srs.example.net", now);
  if (fwd.status != Status::ok) return 0;
  auto again = spp::srs::reverse(p, fwd.address, now + 86400);
  if (again.status != Status::ok) {
    // Only what reverse refuses by design: an empty domain or local part.
    if (again.status != Status::syntax) std::abort();
    return 0;
  }
  std::string sender(in);
  bool srs = spp::srs::is_srs(sender);
  bool srs0 = srs && sender[3] == '0';
  if (!srs && again.address != sender) std::abort();
  if (srs0 && again.address != "SRS0" + sender.substr(4)) std::abort();
  return 0;
}
