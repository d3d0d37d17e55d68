#include "srs.h"

// OpenSSL's SHA-1 functions, not EVP: the EVP/provider machinery adds
// 3.4 MB to the static spp binary and its page faults to every RCPT, and
// 5 million instructions to each reversal (srs.h has bench/srs-hmac's
// numbers). They are deprecated in OpenSSL 3 but kept, and are the same
// code EVP_sha1 runs.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

#include "crypto_init.h"

namespace spp::srs {

namespace {

constexpr long long kDay = 60 * 60 * 24;
constexpr int kSlots = 1024;  // two base32 characters
constexpr std::string_view kBase32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kSeparators = "=-+";

#ifdef SPP_SRS_EVP_HMAC
// Only for bench/srs-hmac, which measures what DESIGN.md's HMAC(EVP_sha1())
// would cost (srs.h has the numbers): OpenSSL's one-shot HMAC.
}  // namespace
}  // namespace spp::srs
#include <openssl/evp.h>
#include <openssl/hmac.h>
namespace spp::srs {
namespace {
void hmac_sha1(std::string_view key, std::string_view data, unsigned char out[SHA_DIGEST_LENGTH]) {
  crypto_ready();
  // Best case for EVP: no openssl.cnf read (as srs_secret.cpp does for RAND_bytes).
  static bool initialized = OPENSSL_init_crypto(OPENSSL_INIT_NO_LOAD_CONFIG, nullptr);
  (void)initialized;
  unsigned int len = 0;
  HMAC(EVP_sha1(), key.data(), int(key.size()), reinterpret_cast<const unsigned char*>(data.data()), data.size(),
       out, &len);
}
#else
// HMAC-SHA1 (RFC 2104) on OpenSSL's SHA-1. A key longer than the 64-byte
// block is replaced by its SHA-1, as RFC 2104, OpenSSL's HMAC() and Perl's
// Digest::HMAC do (libsrs2 differs there: srs.h). srs_test checks this
// against OpenSSL's HMAC(EVP_sha1()).
void hmac_sha1(std::string_view key, std::string_view data, unsigned char out[SHA_DIGEST_LENGTH]) {
  crypto_ready();  // OpenSSL's CPU probe, deferred from start-up in the static spp (crypto_init.h)
  unsigned char k0[SHA_CBLOCK] = {0};
  SHA_CTX ctx;
  if (key.size() > SHA_CBLOCK) {  // (not the one-shot SHA1(): in OpenSSL 3 that goes through EVP)
    SHA1_Init(&ctx);
    SHA1_Update(&ctx, key.data(), key.size());
    SHA1_Final(k0, &ctx);
  } else if (!key.empty()) {
    std::memcpy(k0, key.data(), key.size());
  }
  unsigned char pad[SHA_CBLOCK], inner[SHA_DIGEST_LENGTH];
  for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = k0[i] ^ 0x36;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, pad, sizeof pad);
  SHA1_Update(&ctx, data.data(), data.size());
  SHA1_Final(inner, &ctx);
  for (size_t i = 0; i < SHA_CBLOCK; ++i) pad[i] = k0[i] ^ 0x5c;
  SHA1_Init(&ctx);
  SHA1_Update(&ctx, pad, sizeof pad);
  SHA1_Update(&ctx, inner, sizeof inner);
  SHA1_Final(out, &ctx);
  OPENSSL_cleanse(k0, sizeof k0);
  OPENSSL_cleanse(pad, sizeof pad);
}
#endif

char lower(char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; }

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// The tag ("SRS0"/"SRS1", any case) followed by a separator.
bool has_tag(std::string_view local, std::string_view tag) {
  return local.size() >= 5 && iequal(local.substr(0, 4), tag) && kSeparators.find(local[4]) != std::string_view::npos;
}

// Printable ASCII without space: what an SRS address can hold.
bool clean_bytes(std::string_view s) {
  for (unsigned char c : s)
    if (c <= 32 || c >= 127) return false;
  return true;
}

// Splits "a=b" at the first '=': head "a", rest "b"; false when there is none.
bool cut(std::string_view& rest, std::string_view& head) {
  size_t eq = rest.find('=');
  if (eq == std::string_view::npos) return false;
  head = rest.substr(0, eq);
  rest.remove_prefix(eq + 1);
  return true;
}

void split_address(std::string_view address, std::string_view& local, std::string_view& domain) {
  size_t at = address.rfind('@');
  local = address.substr(0, at);
  domain = at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

Params normalized(const Params& p) {
  Params n = p;
  if (n.hash_length < 1) n.hash_length = 1;
  if (n.hash_length > kMaxHashLength) n.hash_length = kMaxHashLength;
  if (n.hash_min < 1) n.hash_min = 1;
  if (n.hash_min > n.hash_length) n.hash_min = n.hash_length;
  if (kSeparators.find(n.separator) == std::string_view::npos) n.separator = '=';
  return n;
}

Result done(std::string address) {
  if (address.size() > kMaxAddress) return {Status::too_long, {}};
  return {Status::ok, std::move(address)};
}

}  // namespace

const char* describe(Status status) {
  switch (status) {
    case Status::ok: return "ok";
    case Status::unchanged: return "not rewritten";
    case Status::not_srs: return "not an SRS address";
    case Status::no_secrets: return "no SRS secret configured";
    case Status::no_at: return "no @ in the address";
    case Status::too_long: return "address too long";
    case Status::bad_byte: return "control, space or 8-bit byte in the address";
    case Status::syntax: return "malformed SRS address";
    case Status::bad_stamp: return "malformed SRS timestamp";
    case Status::expired: return "SRS timestamp expired or in the future";
    case Status::bad_hash: return "SRS hash does not verify";
  }
  return "unknown";
}

std::string timestamp(long long now) {
  long long day = now < 0 ? 0 : now / kDay;
  std::string out(2, 'A');
  out[1] = kBase32[size_t(day & 31)];
  out[0] = kBase32[size_t((day >> 5) & 31)];
  return out;
}

int decode_timestamp(std::string_view stamp) {
  if (stamp.size() != 2) return -1;
  int day = 0;
  for (char c : stamp) {
    char up = c >= 'a' && c <= 'z' ? char(c - 'a' + 'A') : c;
    size_t v = kBase32.find(up);
    if (v == std::string_view::npos) return -1;
    day = day * 32 + int(v);
  }
  return day;
}

bool timestamp_fresh(int day, long long now, unsigned max_age) {
  if (day < 0 || day >= kSlots) return false;
  long long today = (now < 0 ? 0 : now / kDay) % kSlots;
  while (today < day) today += kSlots;
  return today <= day + (long long)max_age;
}

std::string hash(std::string_view secret, std::initializer_list<std::string_view> parts, unsigned length) {
  std::string data;
  for (auto part : parts)
    for (char c : part) data += lower(c);
  unsigned char md[SHA_DIGEST_LENGTH];
  const unsigned md_len = SHA_DIGEST_LENGTH;
  hmac_sha1(secret, data, md);
  if (length > kMaxHashLength) length = kMaxHashLength;
  // base64, MSB-first 6-bit groups; the bits past the digest are zero.
  std::string out;
  for (unsigned i = 0; i < length; ++i) {
    unsigned bit = i * 6, byte = bit / 8, shift = bit % 8;
    unsigned hi = md[byte], lo = byte + 1 < md_len ? md[byte + 1] : 0;
    unsigned word = (hi << 8) | lo;
    out += kBase64[(word >> (10 - shift)) & 63];
  }
  return out;
}

bool hash_valid(const Params& params, std::string_view presented, std::initializer_list<std::string_view> parts) {
  Params p = normalized(params);
  if (presented.size() < p.hash_min || presented.size() > p.hash_length) return false;
  bool valid = false;
  // Every secret is tried even after a match: the time taken does not tell which one signed.
  for (const auto& secret : p.secrets) {
    std::string mine = hash(secret, parts, unsigned(presented.size()));
    if (!mine.empty() && iequal(mine, presented)) valid = true;
  }
  return valid;
}

bool is_srs(std::string_view address) {
  std::string_view local, domain;
  split_address(address, local, domain);
  return has_tag(local, "SRS0") || has_tag(local, "SRS1");
}

Result forward(const Params& params, std::string_view sender, std::string_view alias, long long now) {
  if (sender.empty() || sender == "#@[]") return {Status::unchanged, std::string(sender)};
  if (sender.size() > kMaxAddress) return {Status::too_long, {}};
  if (!clean_bytes(sender)) return {Status::bad_byte, {}};
  size_t at = sender.rfind('@');
  if (at == std::string_view::npos) return {Status::no_at, {}};
  std::string_view user = sender.substr(0, at), host = sender.substr(at + 1);
  // A domain with '=' would make the address ambiguous: reverse splits at the
  // first '=' after the stamp (libsrs2 and Mail::SRS produce it anyway).
  if (host.find('=') != std::string_view::npos) return {Status::syntax, {}};
  if (size_t a = alias.rfind('@'); a != std::string_view::npos) alias.remove_prefix(a + 1);
  Params p = normalized(params);
  if (!p.always_rewrite && iequal(host, alias)) return {Status::unchanged, std::string(sender)};
  if (p.secrets.empty()) return {Status::no_secrets, {}};
  const std::string& secret = p.secrets.front();
  std::string tag = std::string("SRS1") + p.separator;
  if (has_tag(user, "SRS1")) {
    // Re-forwarding: keep the first forwarder's domain and SRS0 part, sign again.
    std::string_view rest = user.substr(5), old_hash, srs_host;
    if (!cut(rest, old_hash) || old_hash.empty() || !cut(rest, srs_host) || rest.empty())
      return {Status::syntax, {}};
    return done(tag + hash(secret, {srs_host, rest}, p.hash_length) + "=" + std::string(srs_host) + "=" +
                std::string(rest) + "@" + std::string(alias));
  }
  if (has_tag(user, "SRS0")) {
    // Someone else's SRS0: wrap it, keeping its separator (hence "==").
    std::string_view rest = user.substr(4);
    return done(tag + hash(secret, {host, rest}, p.hash_length) + "=" + std::string(host) + "=" + std::string(rest) +
                "@" + std::string(alias));
  }
  std::string stamp = timestamp(now);
  return done(std::string("SRS0") + p.separator + hash(secret, {stamp, host, user}, p.hash_length) + "=" + stamp +
              "=" + std::string(host) + "=" + std::string(user) + "@" + std::string(alias));
}

Result reverse(const Params& params, std::string_view address, long long now) {
  if (address.size() > kMaxAddress) return {Status::too_long, {}};
  std::string_view local, domain;
  split_address(address, local, domain);
  bool srs1 = has_tag(local, "SRS1");
  if (!srs1 && !has_tag(local, "SRS0")) return {Status::not_srs, {}};
  if (!clean_bytes(address)) return {Status::bad_byte, {}};
  if (params.secrets.empty()) return {Status::no_secrets, {}};
  std::string_view rest = local.substr(5), presented, host;
  if (srs1) {
    if (!cut(rest, presented) || presented.empty() || !cut(rest, host) || host.empty() || rest.empty())
      return {Status::syntax, {}};
    if (!hash_valid(params, presented, {host, rest})) return {Status::bad_hash, {}};
    return done("SRS0" + std::string(rest) + "@" + std::string(host));
  }
  std::string_view stamp;
  if (!cut(rest, presented) || presented.empty() || !cut(rest, stamp) || !cut(rest, host) || host.empty() ||
      rest.empty())
    return {Status::syntax, {}};
  int day = decode_timestamp(stamp);
  if (day < 0) return {Status::bad_stamp, {}};
  if (!timestamp_fresh(day, now, normalized(params).max_age)) return {Status::expired, {}};
  if (!hash_valid(params, presented, {stamp, host, rest})) return {Status::bad_hash, {}};
  return done(std::string(rest) + "@" + std::string(host));
}

std::vector<bool> secrets_needed(const std::vector<long long>& began, long long now, unsigned max_age) {
  std::vector<bool> needed(began.size(), true);
  for (size_t i = 1; i < began.size(); ++i) {
    long long retired = began[i - 1];
    if (retired < 0) continue;  // not known: kept (the safe side)
    long long last_valid_day = retired / kDay + (long long)max_age;
    needed[i] = now < (last_valid_day + 1) * kDay;
  }
  return needed;
}

bool parse_age_line(std::string_view line, std::string& secret, long long& began) {
  size_t space = line.rfind(' ');
  if (space == std::string_view::npos || space == 0 || space + 1 == line.size()) return false;
  std::string_view digits = line.substr(space + 1);
  if (digits.size() > 12) return false;  // seconds until the year 33658
  long long value = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  secret.assign(line.substr(0, space));
  began = value;
  return true;
}

}  // namespace spp::srs
