// srs: the Sender Rewriting Scheme codec, byte-compatible with libsrs2 and
// Perl Mail::SRS (the "Guarded" scheme both default to).
//
//   SRS0<sep><HASH>=<TT>=<orig-domain>=<orig-local>@<srs-domain>
//   SRS1<sep><HASH>=<srs0-domain>==<rest of the SRS0 local part>@<srs-domain>
//
// <sep> is '=', '-' or '+'; TT is the day number (seconds / 86400) mod 1024
// in two base32 characters (A-Z 2-7); HASH is HMAC-SHA1(secret, lower-cased
// TT+domain+local, or srs0-domain+rest for SRS1) in standard base64, cut to
// hash_length characters, compared case-insensitively. The first secret
// signs, every secret verifies (rotation). Pure functions over an explicit
// `now`: the callers pass Deps::wall_seconds().
//
// Where we differ from libsrs2 (all on input libsrs2 mishandles):
//  - secrets longer than 64 bytes: standard HMAC (key = SHA1(secret)), as
//    Perl Mail::SRS and OpenSSL do. libsrs2 computes strlen() over a stack
//    buffer holding the digest, so its key is undefined for such secrets;
//    a secret shared with libsrs2 must be 64 bytes or shorter;
//  - reverse is strict: exactly two base32 stamp characters, a non-empty
//    hash, domain and local part, the tag followed by one of = - +, no
//    control, space or 8-bit byte, at most kMaxAddress bytes (libsrs2 reads
//    a NULL pointer on missing separators and accepts any stamp length);
//  - a hash of hash_min..hash_length characters verifies (Perl Mail::SRS;
//    libsrs2 accepts exactly hash_length, the same when hash_min is unset);
//  - the domain is after the last '@', not the first;
//  - forward leaves a sender whose domain contains '=' alone (Status::syntax):
//    its SRS address could not be reversed (found by srs_codec_fuzz).
//
// The HMAC is RFC 2104 over OpenSSL's SHA1_Init/Update/Final, not the
// HMAC(EVP_sha1()) DESIGN.md names (identical bytes: srs_test checks keys of
// 0-200 bytes against it). Measured with bench/srs-hmac (`make bench`, which
// builds the EVP variant as build/bench/spp-evp-hmac), static spp-rcpt,
// 2026-12-01, 2 cores under a load average of 8:
//                          SHA1_* (used)        HMAC(EVP_sha1())
//   size (text + data)     1 313 854 + 32 000   4 430 524 + 385 452 bytes
//   instructions, non-SRS  57 717               57 833        (callgrind)
//   instructions, reversal 94 701               5 365 788     (provider set-up,
//                                               even without openssl.cnf)
//   page faults, non-SRS   53                   65
//   page faults, reversal  58                   130
//   spawn median, non-SRS  10 605 us            11 720 us = 1.11x  (1000 rounds)
//   spawn median, reversal 14 724 us            22 652 us = 1.54x
// EVP costs +3.4 MB and ~10% on every RCPT (the larger image), 57x the
// instructions of a whole spp-rcpt run on each SRS bounce: not negligible,
// so SHA1_* stays (deprecated in OpenSSL 3 but present, and the same SHA-1
// code EVP runs).
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

namespace spp::srs {

/// Longest address we decode or produce (a 256-byte SMTP path wrapped twice fits).
constexpr size_t kMaxAddress = 512;
/// base64 of a 20-byte HMAC-SHA1 without padding.
constexpr unsigned kMaxHashLength = 27;

struct Params {
  std::vector<std::string> secrets;  // [0] signs; all verify
  unsigned hash_length = 4;          // characters produced (1..27)
  unsigned hash_min = 4;             // shortest accepted on reverse (<= hash_length)
  unsigned max_age = 21;             // days a stamp stays valid
  char separator = '=';              // after the SRS0/SRS1 tag: = - +
  bool always_rewrite = false;       // forward even senders of the SRS domain itself
};

enum class Status {
  ok,
  unchanged,   // forward: the sender is in the SRS domain already (or empty/#@[])
  not_srs,     // reverse: the local part is not SRS0/SRS1 + separator
  no_secrets,
  no_at,       // no '@' in the address
  too_long,    // input or result longer than kMaxAddress
  bad_byte,    // a control, space or 8-bit byte
  syntax,      // a missing hash, stamp, domain or local part
  bad_stamp,   // not two base32 characters
  expired,     // older than max_age days, or from the future
  bad_hash,    // no secret reproduces it (or its length is out of range)
};
/// A short English phrase for logs and replies ("hash does not verify").
const char* describe(Status status);

struct Result {
  Status status;
  std::string address;  // the rewritten address when status == ok
};

/// Two base32 characters for the day of `now` (seconds since the epoch).
std::string timestamp(long long now);
/// The day number (0..1023) of a two-character stamp (any case); -1 if malformed.
int decode_timestamp(std::string_view stamp);
/// libsrs2's check: valid iff today is at most max_age days after the stamp's
/// day, counting modulo 1024 (a stamp "from the future" is ~1024 days old).
bool timestamp_fresh(int day, long long now, unsigned max_age);

/// base64(HMAC-SHA1(secret, lc(part1) lc(part2) ...)) cut to `length` characters.
std::string hash(std::string_view secret, std::initializer_list<std::string_view> parts, unsigned length);
/// Some secret of `params` reproduces `presented` (case-insensitive).
bool hash_valid(const Params& params, std::string_view presented, std::initializer_list<std::string_view> parts);

/// Rewrites `sender` for mail forwarded by the SRS domain (`alias` is a
/// domain or an address whose domain is used). SRS0 senders of another
/// domain become SRS1, SRS1 senders are re-signed, others become SRS0.
Result forward(const Params& params, std::string_view sender, std::string_view alias, long long now);

/// One step back: SRS0 -> the original address (stamp and hash checked),
/// SRS1 -> the SRS0 address at the first forwarder (hash checked).
/// The domain of `address` is not looked at: the caller decides whose it is.
Result reverse(const Params& params, std::string_view address, long long now);

/// The local part starts with SRS0/SRS1 (any case) and a separator: an SRS
/// address for someone to verify. Cheap; no crypto.
bool is_srs(std::string_view address);

/// Rotation: which secrets may still have signed an SRS0 address that is
/// valid at `now`. `began[i]` is when secrets[i] (newest first) began to
/// sign, in seconds (< 0: not known). secrets[i] stopped signing when
/// secrets[i-1] began; its last addresses carry that day's stamp and verify
/// until the end of the day max_age days later, then it can go (which also
/// ends its SRS1 addresses, which have no stamp, and the stamp's 1024-day
/// wrap-around). [0] signs and is always needed; so is any secret whose
/// successor's start is not known.
std::vector<bool> secrets_needed(const std::vector<long long>& began, long long now, unsigned max_age);

/// One line of control/srs/srs_secrets_age, "<secret> <seconds since the
/// epoch>" (H-Sphere's setsrssecret format; the secret is everything before
/// the last space). False when the line is not of that form.
bool parse_age_line(std::string_view line, std::string& secret, long long& began);

/// A new secret: `bytes` random bytes (OpenSSL RAND_bytes) in base64 without
/// padding; empty when the generator fails.
std::string new_secret(size_t bytes = 24);

}  // namespace spp::srs
