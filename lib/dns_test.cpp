// Unit tests for the pure parts of lib/dns (table-driven): the reverse-name
// builders and parse_reply over hand-built reply packets.
// The resolver itself is tested against a real server: tests/rbl-dns.test.
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "dns.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using spp::dnsbl_query_name;
using spp::ptr_query_name;
using spp::reverse_ipv4;
using spp::reverse_ipv6_nibbles;
using namespace std::string_literals;

namespace {

constexpr const char* kNone = nullptr;  // expected: nullopt

std::string show(const std::optional<std::string>& v) { return v ? *v : "(none)"; }
std::string show(const char* v) { return v ? v : "(none)"; }

struct V4Case {
  const char* input;
  const char* expected;
};
const V4Case kV4[] = {
    {"1.2.3.4", "4.3.2.1"},
    {"192.0.2.10", "10.2.0.192"},
    {"127.0.0.2", "2.0.0.127"},
    {"0.0.0.0", "0.0.0.0"},
    {"255.255.255.255", "255.255.255.255"},
    {"", kNone},
    {"1.2.3", kNone},
    {"1.2.3.4.5", kNone},
    {"256.1.1.1", kNone},
    {"1.2.3.4 ", kNone},
    {" 1.2.3.4", kNone},
    {"01.2.3.4", kNone},  // leading zeros: octal in some parsers, refused here
    {"a.b.c.d", kNone},
    {"::1", kNone},
    {"1.2.3.4\n", kNone},
};

START_TEST(test_reverse_ipv4_vectors) {
  const V4Case& c = kV4[_i];
  auto got = reverse_ipv4(c.input);
  ck_assert_msg(show(got) == show(c.expected), "reverse_ipv4(\"%s\"): expected %s, got %s", c.input,
                show(c.expected).c_str(), show(got).c_str());
}
END_TEST

struct V6Case {
  const char* input;
  const char* expected;
};
const V6Case kV6[] = {
    // The vector that catches the filter-dnsbl byte mix-up (style.md §1.4).
    {"2001:db8:1:2:3:4:567:89ab", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"},
    {"2001:DB8:1:2:3:4:567:89AB", "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2"},
    {"::1", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"},
    {"::", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"},
    {"::ffff:1.2.3.4", "4.0.3.0.2.0.1.0.f.f.f.f.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0"},
    {"2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2"},
    {"fe80::1:2", "2.0.0.0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.e.f"},
    {"", kNone},
    {"1.2.3.4", kNone},
    {"2001:db8::1::2", kNone},
    {"2001:db8:1:2:3:4:567:89ab:1", kNone},
    {"2001:db8::g", kNone},
    {"fe80::1%eth0", kNone},
    {"[::1]", kNone},
    {"2001:db8:1:2:3:4:567:89ab2001:db8:1:2:3:4:567:89ab", kNone},
};

START_TEST(test_reverse_ipv6_vectors) {
  const V6Case& c = kV6[_i];
  auto got = reverse_ipv6_nibbles(c.input);
  ck_assert_msg(show(got) == show(c.expected), "reverse_ipv6_nibbles(\"%s\"): expected %s, got %s", c.input,
                show(c.expected).c_str(), show(got).c_str());
}
END_TEST

struct NameCase {
  const char* ip;
  const char* zone;  // nullptr: the PTR name is tested instead
  const char* expected;
};
const NameCase kNames[] = {
    {"1.2.3.4", "zen.example.org", "4.3.2.1.zen.example.org"},
    {"1.2.3.4", "zen.example.org.", "4.3.2.1.zen.example.org"},
    {"1.2.3.4", "", kNone},
    {"1.2.3.4", ".", kNone},
    {"::ffff:1.2.3.4", "bl.example", "4.3.2.1.bl.example"},  // a mapped client is an IPv4 client
    {"2001:db8:1:2:3:4:567:89ab", "bl6.example",
     "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.bl6.example"},
    {"not-an-ip", "bl.example", kNone},
    {"1.2.3.4", nullptr, "4.3.2.1.in-addr.arpa"},
    {"::ffff:192.0.2.1", nullptr, "1.2.0.192.in-addr.arpa"},
    {"2001:db8:1:2:3:4:567:89ab", nullptr,
     "b.a.9.8.7.6.5.0.4.0.0.0.3.0.0.0.2.0.0.0.1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa"},
    {"::1", nullptr, "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.ip6.arpa"},
    {"1.2.3.999", nullptr, kNone},
};

START_TEST(test_query_names) {
  const NameCase& c = kNames[_i];
  auto got = c.zone ? dnsbl_query_name(c.ip, c.zone) : ptr_query_name(c.ip);
  ck_assert_msg(show(got) == show(c.expected), "%s(\"%s\", \"%s\"): expected %s, got %s",
                c.zone ? "dnsbl_query_name" : "ptr_query_name", c.ip, c.zone ? c.zone : "", show(c.expected).c_str(),
                show(got).c_str());
}
END_TEST

// A string_view that is not NUL-terminated must not be read past its end.
START_TEST(test_not_nul_terminated) {
  const char buf[] = "1.2.3.45";
  auto got = reverse_ipv4(std::string_view(buf, 7));  // "1.2.3.4"
  ck_assert_msg(show(got) == "4.3.2.1", "got %s", show(got).c_str());
}
END_TEST

// A reply to "2.0.0.127.bl.example" with the given answer records, each
// written as owner (a pointer to the question name), type, class IN, TTL, rdata.
struct RR {
  int type;
  std::string rdata;
};
std::string packet(int qtype, const std::vector<RR>& answers) {
  std::string p = {0x12, 0x34, char(0x81), char(0x80), 0, 1, 0, char(answers.size()), 0, 0, 0, 0};
  for (const char* label : {"2", "0", "0", "127", "bl", "example"}) p += char(strlen(label)) + std::string(label);
  p += '\0';
  p += {0, char(qtype), 0, 1};
  for (const auto& rr : answers) {
    p += {char(0xc0), 12, char(rr.type >> 8), char(rr.type & 0xff), 0, 1, 0, 0, 0x0e, 0x10};
    p += {char(rr.rdata.size() >> 8), char(rr.rdata.size() & 0xff)};
    p += rr.rdata;
  }
  return p;
}

struct ReplyCase {
  const char* name;
  spp::RRType type;
  std::vector<RR> answers;
  size_t cut;            // bytes cut off the end of the packet
  spp::Lookup status;
  const char* expected;  // records joined with '|', or the error text
};
const std::string kV6Addr = "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x02"s;
const ReplyCase kReplies[] = {
    {"A", spp::RRType::a, {{1, "\x7f\0\0\x02"s}}, 0, spp::Lookup::found, "127.0.0.2"},
    {"two A", spp::RRType::a, {{1, "\x7f\0\0\x02"s}, {1, "\x7f\0\0\x0a"s}}, 0, spp::Lookup::found,
     "127.0.0.2|127.0.0.10"},
    {"CNAME only: NODATA", spp::RRType::a, {{5, "\x02" "bl\0"s}}, 0, spp::Lookup::missing, ""},
    {"no answer: NODATA", spp::RRType::a, {}, 0, spp::Lookup::missing, ""},
    // A malformed A record must be a lookup failure, never "not listed".
    {"A rdlength 3", spp::RRType::a, {{1, "\x7f\0\0"s}}, 0, spp::Lookup::error, "malformed reply"},
    {"A rdlength 5", spp::RRType::a, {{1, "\x7f\0\0\x02\0"s}}, 0, spp::Lookup::error,
     "malformed reply"},
    {"good A, then rdlength 3", spp::RRType::a, {{1, "\x7f\0\0\x02"s}, {1, "\x7f\0\0"s}}, 0,
     spp::Lookup::error, "malformed reply"},
    {"A cut short", spp::RRType::a, {{1, "\x7f\0\0\x02"s}}, 2, spp::Lookup::error, "malformed reply"},
    {"AAAA", spp::RRType::aaaa, {{28, kV6Addr}}, 0, spp::Lookup::found, "2001:db8::2"},
    {"AAAA rdlength 4", spp::RRType::aaaa, {{28, "\x7f\0\0\x02"s}}, 0, spp::Lookup::error,
     "malformed reply"},
    {"TXT", spp::RRType::txt, {{16, "\x05" "hello\x06 world"s}}, 0, spp::Lookup::found, "hello world"},
};

START_TEST(test_parse_reply) {
  const ReplyCase& c = kReplies[_i];
  std::string p = packet(c.type == spp::RRType::a ? 1 : c.type == spp::RRType::aaaa ? 28 : 16, c.answers);
  p.resize(p.size() - c.cut);
  spp::Answer a = spp::parse_reply(c.type, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  std::string got;
  for (const auto& r : a.records) got += (got.empty() ? "" : "|") + r;
  if (a.status == spp::Lookup::error) got = a.error;
  ck_assert_msg(a.status == c.status && got == c.expected, "%s: expected status %d [%s], got %d [%s]", c.name,
                int(c.status), c.expected, int(a.status), got.c_str());
}
END_TEST

Suite* dns_suite() {
  Suite* s = suite_create("dns");
  TCase* tc = tcase_create("reverse-names");
  tcase_add_loop_test(tc, test_reverse_ipv4_vectors, 0, sizeof kV4 / sizeof kV4[0]);
  tcase_add_loop_test(tc, test_reverse_ipv6_vectors, 0, sizeof kV6 / sizeof kV6[0]);
  tcase_add_loop_test(tc, test_query_names, 0, sizeof kNames / sizeof kNames[0]);
  tcase_add_test(tc, test_not_nul_terminated);
  suite_add_tcase(s, tc);
  TCase* replies = tcase_create("parse-reply");
  tcase_add_loop_test(replies, test_parse_reply, 0, sizeof kReplies / sizeof kReplies[0]);
  suite_add_tcase(s, replies);
  return s;
}

}  // namespace

int main() { return spp::testing::run_suite(dns_suite()); }
