// Unit tests for the pure reverse-name builders of lib/dns (table-driven).
// The resolver itself is tested against a real server: tests/rbl-dns.test.
#include <optional>
#include <string>

#include "dns.h"
// check.h last: its macros clash with the C++ standard headers.
#include <check.h>

#include "check_main.h"

using spp::dnsbl_query_name;
using spp::ptr_query_name;
using spp::reverse_ipv4;
using spp::reverse_ipv6_nibbles;

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

Suite* dns_suite() {
  Suite* s = suite_create("dns");
  TCase* tc = tcase_create("reverse-names");
  tcase_add_loop_test(tc, test_reverse_ipv4_vectors, 0, sizeof kV4 / sizeof kV4[0]);
  tcase_add_loop_test(tc, test_reverse_ipv6_vectors, 0, sizeof kV6 / sizeof kV6[0]);
  tcase_add_loop_test(tc, test_query_names, 0, sizeof kNames / sizeof kNames[0]);
  tcase_add_test(tc, test_not_nul_terminated);
  suite_add_tcase(s, tc);
  return s;
}

}  // namespace

int main() { return spp::testing::run_suite(dns_suite()); }
