#include "srs.h"

#include <check.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <vector>

#include "check_main.h"

using spp::srs::Params;
using spp::srs::Status;

namespace {

constexpr long long kNow = 1764547200;  // 2025-12-01, day 20423, 967 mod 1024 = "6H"
constexpr long long kDay = 86400;

Params params(std::string secret = "my secret") {
  Params p;
  p.secrets = {std::move(secret)};
  return p;
}

std::string repeat(char c, size_t n) { return std::string(n, c); }

}  // namespace

// Vectors from Perl Mail::SRS 0.31 (tests/srs/oracle.pl) at kNow.
static const struct {
  const char* name;
  const char* secret;
  unsigned hash_length;
  char separator;
  const char* sender;
  const char* want;
} forward_rows[] = {
    {"plain", "my secret", 4, '=', "user@example.com", "SRS0=tQmp=6H=example.com=user@srs.example.net"},
    {"srs0 wrapped", "my secret", 4, '=', "SRS0=HHHH=TT=orig.example=joe@fwd1.example",
     "SRS1=ISZZ=fwd1.example==HHHH=TT=orig.example=joe@srs.example.net"},
    {"srs1 re-signed", "my secret", 4, '=', "SRS1=abcd=orig.example==HHHH=TT=o.example=joe@fwd2.example",
     "SRS1=UaCJ=orig.example==HHHH=TT=o.example=joe@srs.example.net"},
    {"separator + and case kept", "my secret", 4, '+', "Mixed.Case+tag@Example.ORG",
     "SRS0+9ZIW=6H=Example.ORG=Mixed.Case+tag@srs.example.net"},
    {"100-byte secret, full hash",
     "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk", 27, '=',
     "a@b.example", "SRS0=HRr9qrv7y93JHq8N7b6AiP1PsK8=6H=b.example=a@srs.example.net"},
};

START_TEST(test_forward_vectors) {
  auto r = forward_rows[_i];
  Params p = params(r.secret);
  p.hash_length = p.hash_min = r.hash_length;
  p.separator = r.separator;
  auto got = spp::srs::forward(p, r.sender, "srs.example.net", kNow);
  ck_assert_msg(got.status == Status::ok, "%s: status %s", r.name, spp::srs::describe(got.status));
  ck_assert_msg(got.address == r.want, "%s: got %s", r.name, got.address.c_str());
  // And back: one step.
  auto back = spp::srs::reverse(p, got.address, kNow);
  ck_assert_msg(back.status == Status::ok, "%s: reverse %s", r.name, spp::srs::describe(back.status));
  std::string sender = r.sender;
  if (sender.rfind("SRS1", 0) == 0) return;  // re-signed SRS1 reverses to the first forwarder's SRS0
  if (sender.rfind("SRS0", 0) == 0)
    ck_assert_msg(back.address == "SRS0" + sender.substr(4), "%s: back %s", r.name, back.address.c_str());
  else
    ck_assert_msg(back.address == sender, "%s: back %s", r.name, back.address.c_str());
}
END_TEST

START_TEST(test_timestamp) {
  ck_assert(spp::srs::timestamp(kNow) == "6H");
  ck_assert(spp::srs::timestamp(0) == "AA");
  ck_assert(spp::srs::timestamp(1023 * kDay) == "77");
  ck_assert(spp::srs::timestamp(1024 * kDay) == "AA");  // wraps
  ck_assert_int_eq(spp::srs::decode_timestamp("6H"), 967);
  ck_assert_int_eq(spp::srs::decode_timestamp("6h"), 967);  // any case
  ck_assert_int_eq(spp::srs::decode_timestamp("6"), -1);
  ck_assert_int_eq(spp::srs::decode_timestamp("6HA"), -1);
  ck_assert_int_eq(spp::srs::decode_timestamp("18"), -1);  // 1 and 8 are not base32
  ck_assert_int_eq(spp::srs::decode_timestamp("a="), -1);
  ck_assert(spp::srs::timestamp_fresh(967, kNow, 21));
  ck_assert(spp::srs::timestamp_fresh(967 - 21, kNow, 21));
  ck_assert(!spp::srs::timestamp_fresh(967 - 22, kNow, 21));
  ck_assert(!spp::srs::timestamp_fresh(968, kNow, 21));  // tomorrow: ~1024 days old
  ck_assert(spp::srs::timestamp_fresh(1020, 3 * kDay, 21));  // across the wrap
  ck_assert(!spp::srs::timestamp_fresh(1024, kNow, 21));
}
END_TEST

// Reverse: what must never verify, and why.
static const struct {
  const char* name;
  long long now;
  const char* address;
  Status want;
} reverse_rows[] = {
    {"valid", kNow, "SRS0=tQmp=6H=example.com=user@srs.example.net", Status::ok},
    {"valid, hash case folded", kNow, "SRS0=TQMP=6h=EXAMPLE.com=USER@srs.example.net", Status::ok},
    {"valid 21 days later", kNow + 21 * kDay, "SRS0=tQmp=6H=example.com=user@srs.example.net", Status::ok},
    {"expired 22 days later", kNow + 22 * kDay, "SRS0=tQmp=6H=example.com=user@srs.example.net", Status::expired},
    {"future stamp", kNow - kDay, "SRS0=tQmp=6H=example.com=user@srs.example.net", Status::expired},
    {"forged hash", kNow, "SRS0=tQmq=6H=example.com=user@srs.example.net", Status::bad_hash},
    {"other original", kNow, "SRS0=tQmp=6H=example.com=victim@srs.example.net", Status::bad_hash},
    {"hash too short", kNow, "SRS0=tQm=6H=example.com=user@srs.example.net", Status::bad_hash},
    {"hash too long", kNow, "SRS0=tQmpX=6H=example.com=user@srs.example.net", Status::bad_hash},
    {"non-base32 stamp", kNow, "SRS0=tQmp=61=example.com=user@srs.example.net", Status::bad_stamp},
    {"long stamp", kNow, "SRS0=tQmp=A6H=example.com=user@srs.example.net", Status::bad_stamp},
    {"empty stamp", kNow, "SRS0=tQmp==example.com=user@srs.example.net", Status::bad_stamp},
    {"no user", kNow, "SRS0=tQmp=6H=example.com@srs.example.net", Status::syntax},
    {"empty user", kNow, "SRS0=tQmp=6H=example.com=@srs.example.net", Status::syntax},
    {"empty host", kNow, "SRS0=tQmp=6H==user@srs.example.net", Status::syntax},
    {"no hash", kNow, "SRS0==6H=example.com=user@srs.example.net", Status::syntax},
    {"tag only", kNow, "SRS0=@srs.example.net", Status::syntax},
    {"srs1 no host", kNow, "SRS1=ISZZ@srs.example.net", Status::syntax},
    {"srs1 forged", kNow, "SRS1=ISZY=fwd1.example==HHHH=TT=orig.example=joe@srs.example.net", Status::bad_hash},
    {"srs1 valid", kNow, "SRS1=ISZZ=fwd1.example==HHHH=TT=orig.example=joe@srs.example.net", Status::ok},
    {"srs1 other forwarder", kNow, "SRS1=ISZZ=evil.example==HHHH=TT=orig.example=joe@srs.example.net",
     Status::bad_hash},
    {"not srs", kNow, "user@srs.example.net", Status::not_srs},
    {"tag without separator", kNow, "SRS0xtQmp=6H=example.com=user@srs.example.net", Status::not_srs},
    {"srs2", kNow, "SRS2=tQmp=6H=example.com=user@srs.example.net", Status::not_srs},
    {"8-bit", kNow, "SRS0=tQmp=6H=example.com=us\xc3\xa9r@srs.example.net", Status::bad_byte},
    {"CR", kNow, "SRS0=tQmp=6H=example.com=us\rer@srs.example.net", Status::bad_byte},
};

START_TEST(test_reverse_table) {
  auto r = reverse_rows[_i];
  auto got = spp::srs::reverse(params(), r.address, r.now);
  ck_assert_msg(got.status == r.want, "%s: got %s", r.name, spp::srs::describe(got.status));
  if (r.want == Status::ok) ck_assert_msg(!got.address.empty(), "%s", r.name);
}
END_TEST

START_TEST(test_reverse_results) {
  auto a = spp::srs::reverse(params(), "SRS0=TQMP=6h=EXAMPLE.com=USER@srs.example.net", kNow);
  ck_assert_str_eq(a.address.c_str(), "USER@EXAMPLE.com");  // the case as presented
  auto b = spp::srs::reverse(params(), "SRS1=ISZZ=fwd1.example==HHHH=TT=orig.example=joe@srs.example.net", kNow);
  ck_assert_str_eq(b.address.c_str(), "SRS0=HHHH=TT=orig.example=joe@fwd1.example");
  auto c = spp::srs::reverse(params(), "srs0=tQmp=6H=example.com=a=b@c@srs.example.net", kNow);
  ck_assert(c.status == Status::bad_hash);  // the domain is after the last @; the rest is the local part
}
END_TEST

START_TEST(test_secrets_rotate) {
  Params old = params("old secret");
  auto made = spp::srs::forward(old, "joe@example.org", "srs.example.net", kNow);
  ck_assert(made.status == Status::ok);
  Params both;
  both.secrets = {"new secret", "old secret"};
  ck_assert(spp::srs::reverse(both, made.address, kNow).status == Status::ok);  // old ones still verify
  auto signed_new = spp::srs::forward(both, "joe@example.org", "srs.example.net", kNow);
  ck_assert(signed_new.address != made.address);  // the first signs
  ck_assert(spp::srs::reverse(params("new secret"), signed_new.address, kNow).status == Status::ok);
  ck_assert(spp::srs::reverse(params("other"), made.address, kNow).status == Status::bad_hash);
  ck_assert(spp::srs::reverse(Params{}, made.address, kNow).status == Status::no_secrets);
  ck_assert(spp::srs::forward(Params{}, "joe@example.org", "srs.example.net", kNow).status == Status::no_secrets);
}
END_TEST

// A retired secret is needed exactly as long as the last address it signed
// (just before its successor began) verifies.
START_TEST(test_secrets_needed) {
  using spp::srs::secrets_needed;
  for (long long offset : {1LL, 3600LL, kDay - 1}) {
    for (unsigned max_age : {1u, 21u, 1000u}) {
      long long retired = kNow + offset;  // the successor began
      Params old = params("old secret");
      old.max_age = max_age;
      auto last = spp::srs::forward(old, "joe@example.org", "srs.example.net", retired - 1);
      ck_assert(last.status == Status::ok);
      // Every half hour of the first two days, then the last and first second of every day.
      std::vector<long long> moments;
      for (long long now = retired; now < retired + 2 * kDay; now += 1800) moments.push_back(now);
      for (long long d = retired / kDay + 1; d <= retired / kDay + max_age + 3; ++d) {
        moments.push_back(d * kDay - 1);
        moments.push_back(d * kDay);
      }
      for (long long now : moments) {
        bool valid = spp::srs::reverse(old, last.address, now).status == Status::ok;
        auto needed = secrets_needed({retired, kNow - 5 * kDay}, now, max_age);
        ck_assert_int_eq(needed.size(), 2);
        ck_assert(needed[0]);
        ck_assert_msg(needed[1] == valid, "offset %lld max_age %u now %lld: needed %d, address valid %d", offset,
                      max_age, now, int(needed[1]), int(valid));
      }
      // The first moment it is not needed, the last address is refused as expired.
      long long gone = (retired / kDay + max_age + 1) * kDay;
      ck_assert(!secrets_needed({retired, 0}, gone, max_age)[1]);
      ck_assert(secrets_needed({retired, 0}, gone - 1, max_age)[1]);
      ck_assert(spp::srs::reverse(old, last.address, gone).status == Status::expired);
    }
  }
  // Newest first: each is needed while its successor's retirement allows.
  auto n = secrets_needed({kNow, kNow - 10 * kDay, kNow - 40 * kDay, kNow - 90 * kDay}, kNow + kDay, 21);
  ck_assert(n == std::vector<bool>({true, true, true, false}));
  // Unknown start of the successor: kept.
  n = secrets_needed({-1, kNow - 400 * kDay, kNow - 500 * kDay}, kNow, 21);
  ck_assert(n == std::vector<bool>({true, true, false}));
  ck_assert(secrets_needed({}, kNow, 21).empty());
  ck_assert(secrets_needed({kNow - 1000 * kDay}, kNow, 21) == std::vector<bool>({true}));  // the signer stays
}
END_TEST

START_TEST(test_age_lines) {
  std::string secret;
  long long began = -1;
  ck_assert(spp::srs::parse_age_line("abc 1764547200", secret, began));
  ck_assert_str_eq(secret.c_str(), "abc");
  ck_assert_int_eq(began, 1764547200);
  ck_assert(spp::srs::parse_age_line("a secret with spaces 0", secret, began));
  ck_assert_str_eq(secret.c_str(), "a secret with spaces");
  ck_assert_int_eq(began, 0);
  for (const char* bad : {"", "abc", "abc ", " 123", "abc 12x", "abc -5", "abc 1234567890123", "abc\t123"})
    ck_assert_msg(!spp::srs::parse_age_line(bad, secret, began), "accepted [%s]", bad);
}
END_TEST

START_TEST(test_hash_lengths) {
  Params p = params();
  p.hash_length = 8;
  p.hash_min = 4;
  auto made = spp::srs::forward(p, "joe@example.org", "srs.example.net", kNow);
  ck_assert(made.status == Status::ok);
  ck_assert_int_eq(made.address.find('=', 5), 13);  // 8 hash characters
  ck_assert(spp::srs::reverse(p, made.address, kNow).status == Status::ok);
  std::string shortened = made.address.substr(0, 9) + made.address.substr(13);  // first 4 of them
  ck_assert(spp::srs::reverse(p, shortened, kNow).status == Status::ok);          // hash_min allows it
  p.hash_min = 8;
  ck_assert(spp::srs::reverse(p, shortened, kNow).status == Status::bad_hash);
}
END_TEST

START_TEST(test_forward_rules) {
  Params p = params();
  auto same = spp::srs::forward(p, "joe@SRS.example.net", "srs.example.net", kNow);
  ck_assert(same.status == Status::unchanged);
  ck_assert_str_eq(same.address.c_str(), "joe@SRS.example.net");
  p.always_rewrite = true;
  ck_assert(spp::srs::forward(p, "joe@srs.example.net", "srs.example.net", kNow).status == Status::ok);
  ck_assert(spp::srs::forward(p, "", "srs.example.net", kNow).status == Status::unchanged);
  ck_assert(spp::srs::forward(p, "#@[]", "srs.example.net", kNow).status == Status::unchanged);
  ck_assert(spp::srs::forward(p, "joe", "srs.example.net", kNow).status == Status::no_at);
  ck_assert(spp::srs::forward(p, "j\xc3\xb6@example.org", "srs.example.net", kNow).status == Status::bad_byte);
  ck_assert(spp::srs::forward(p, repeat('a', 480) + "@example.org", "srs.example.net", kNow).status ==
            Status::too_long);
  ck_assert(spp::srs::forward(p, "SRS1=x@example.org", "srs.example.net", kNow).status == Status::syntax);
  ck_assert(spp::srs::forward(p, "r@s=tQmp=6H=6SRS0=x", "srs.example.net", kNow).status == Status::syntax);
  // The alias may be an address.
  auto a = spp::srs::forward(params(), "user@example.com", "postmaster@srs.example.net", kNow);
  ck_assert_str_eq(a.address.c_str(), "SRS0=tQmp=6H=example.com=user@srs.example.net");
}
END_TEST

START_TEST(test_bad_input_bounded) {
  std::string big = "SRS0=tQmp=6H=example.com=" + repeat('u', 1000) + "@srs.example.net";
  ck_assert(spp::srs::reverse(params(), big, kNow).status == Status::too_long);
  ck_assert(spp::srs::reverse(params(), "", kNow).status == Status::not_srs);
  ck_assert(spp::srs::reverse(params(), "@", kNow).status == Status::not_srs);
  ck_assert(spp::srs::reverse(params(), std::string("SRS0=\0=6H=a=b@c", 15), kNow).status == Status::bad_byte);
  ck_assert(spp::srs::is_srs("SRS0=x@y"));
  ck_assert(spp::srs::is_srs("srs1-x@y"));
  ck_assert(!spp::srs::is_srs("SRS0@y"));
  ck_assert(!spp::srs::is_srs("joe@SRS0=x"));
}
END_TEST

// Our HMAC on OpenSSL's SHA-1 against OpenSSL's own HMAC(EVP_sha1()), every key length around the block.
START_TEST(test_hmac_matches_openssl) {
  static const char kB64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (size_t klen : {0, 1, 20, 63, 64, 65, 100, 200}) {
    std::string key;
    for (size_t i = 0; i < klen; ++i) key += char(i * 37 + 11);
    for (const std::string& data : {std::string(), std::string("6hexample.comuser"), std::string(300, 'x')}) {
      unsigned char md[EVP_MAX_MD_SIZE];
      unsigned int n = 0;
      HMAC(EVP_sha1(), key.empty() ? "" : key.data(), int(key.size()),
           reinterpret_cast<const unsigned char*>(data.data()), data.size(), md, &n);
      std::string want;
      for (unsigned i = 0; i < 27; ++i) {
        unsigned bit = i * 6, byte = bit / 8, shift = bit % 8;
        unsigned word = (unsigned(md[byte]) << 8) | (byte + 1 < n ? md[byte + 1] : 0);
        want += kB64[(word >> (10 - shift)) & 63];
      }
      std::string got = spp::srs::hash(key, {data}, 27);
      ck_assert_msg(got == want, "key %zu data %zu: %s != %s", klen, data.size(), got.c_str(), want.c_str());
    }
  }
}
END_TEST

START_TEST(test_new_secret) {
  std::string a = spp::srs::new_secret(), b = spp::srs::new_secret();
  ck_assert_int_eq(a.size(), 32);  // 24 bytes in base64
  ck_assert(a != b);
  for (char c : a) ck_assert(c > 32 && c < 127);
  ck_assert_int_eq(spp::srs::new_secret(48).size(), 64);  // still within libsrs2's 64
}
END_TEST

int main() {
  Suite* s = suite_create("srs");
  TCase* tc = tcase_create("codec");
  tcase_add_loop_test(tc, test_forward_vectors, 0, sizeof forward_rows / sizeof forward_rows[0]);
  tcase_add_test(tc, test_timestamp);
  tcase_add_loop_test(tc, test_reverse_table, 0, sizeof reverse_rows / sizeof reverse_rows[0]);
  tcase_add_test(tc, test_reverse_results);
  tcase_add_test(tc, test_secrets_rotate);
  tcase_add_test(tc, test_secrets_needed);
  tcase_add_test(tc, test_age_lines);
  tcase_add_test(tc, test_hash_lengths);
  tcase_add_test(tc, test_forward_rules);
  tcase_add_test(tc, test_bad_input_bounded);
  tcase_add_test(tc, test_hmac_matches_openssl);
  tcase_add_test(tc, test_new_secret);
  suite_add_tcase(s, tc);
  return spp::testing::run_suite(s);
}
