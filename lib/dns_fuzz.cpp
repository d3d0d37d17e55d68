// dns_fuzz: parse_reply() on hostile reply packets (what any host that can
// spoof or answer a UDP query may send us).
// Oracles, for every type: found <=> records non-empty, temp_fail carries a
// reason and no records; A records are dotted quads and AAAA records IPv6
// text that inet_pton takes back; TXT and MX/PTR texts are bounded by the packet.
// For A/AAAA built from structured input (first byte >= 0x80) the result is
// also compared with what the records say: the addresses in order, NODATA
// without any, "malformed reply" when one has the wrong length.
// Input: type byte, then a raw packet; or 0x80|aaaa, then records as
// (kind, rdlength, rdata).
#include <arpa/inet.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "dns.h"
#include "fuzz.h"
#include "fuzz_input.h"

namespace {

bool dotted_quad(const std::string& s) {
  unsigned char b[4];
  if (inet_pton(AF_INET, s.c_str(), b) != 1) return false;
  return s == std::to_string(b[0]) + '.' + std::to_string(b[1]) + '.' + std::to_string(b[2]) + '.' +
                  std::to_string(b[3]);
}

bool ipv6_text(const std::string& s) {
  unsigned char b[16];
  return s.find('\0') == std::string::npos && inet_pton(AF_INET6, s.c_str(), b) == 1;
}

void check_generic(spp::RRType type, const spp::Answer& a, size_t len) {
  switch (a.status) {
    case spp::Lookup::found:
      if (a.records.empty() || !a.error.empty()) std::abort();
      break;
    case spp::Lookup::missing:
      if (!a.records.empty()) std::abort();
      break;
    case spp::Lookup::error:
      if (!a.records.empty() || a.error.empty()) std::abort();
      break;
  }
  size_t total = 0;
  for (const auto& r : a.records) {
    total += r.size();
    if (type == spp::RRType::a && !dotted_quad(r)) std::abort();
    if (type == spp::RRType::aaaa && !ipv6_text(r)) std::abort();
    if (type == spp::RRType::mx && (r.empty() || r[0] < '0' || r[0] > '9' || r.find(' ') == std::string::npos))
      std::abort();
  }
  // Each A record takes at least 16 bytes of the packet (owner pointer, 10,
  // rdata 4), an AAAA 28; TXT texts can never be longer than the packet, a
  // name at most 255 bytes, each escaped as \DDD at worst.
  size_t records = a.records.size();
  if (type == spp::RRType::a && records * 16 > len) std::abort();
  if (type == spp::RRType::aaaa && records * 28 > len) std::abort();
  if (type == spp::RRType::txt && total > len) std::abort();
  if ((type == spp::RRType::mx || type == spp::RRType::ptr) && total > records * (6 + 4 * 255)) std::abort();
}

// A reply to "2.0.0.127.bl.example" for `qtype` with the records of the input.
void structured(spp::fuzz::Input& in, bool aaaa) {
  const int qtype = aaaa ? 28 : 1;
  const size_t size = aaaa ? 16 : 4;
  std::string answers, want_error;
  std::vector<std::string> want;
  int count = 0;
  while (!in.empty() && count < 20) {
    static const int kTypes[] = {1, 28, 5, 16, 15, 12, 0xff00, 1};
    int type = kTypes[in.byte() % 8];
    std::string rdata = in.str(40);
    answers += {char(0xc0), 12, char(type >> 8), char(type & 0xff), 0, 1, 0, 0, 0, 60};
    answers += {char(rdata.size() >> 8), char(rdata.size() & 0xff)};
    answers += rdata;
    ++count;
    if (type != qtype) continue;
    if (rdata.size() != size) want_error = "malformed reply";
    char text[INET6_ADDRSTRLEN];
    if (!inet_ntop(aaaa ? AF_INET6 : AF_INET, rdata.data(), text, sizeof text)) continue;
    want.emplace_back(text);
  }
  std::string p = {0x12, 0x34, char(0x81), char(0x80), 0, 1, 0, char(count), 0, 0, 0, 0};
  for (const char* label : {"2", "0", "0", "127", "bl", "example"}) p += char(std::strlen(label)) + std::string(label);
  p += '\0';
  p += {0, char(qtype), 0, 1};
  p += answers;
  auto type = aaaa ? spp::RRType::aaaa : spp::RRType::a;
  spp::Answer a = spp::parse_reply(type, reinterpret_cast<const unsigned char*>(p.data()), p.size());
  check_generic(type, a, p.size());
  if (!want_error.empty()) {
    if (a.status != spp::Lookup::error || a.error != want_error) std::abort();
  } else if (want.empty()) {
    if (a.status != spp::Lookup::missing) std::abort();
  } else if (a.status != spp::Lookup::found || a.records != want) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  if (data[0] & 0x80) {
    spp::fuzz::Input in(data + 1, size - 1);
    structured(in, data[0] & 1);
    return 0;
  }
  static const spp::RRType kTypes[] = {spp::RRType::a, spp::RRType::aaaa, spp::RRType::txt, spp::RRType::mx,
                                       spp::RRType::ptr};
  spp::RRType type = kTypes[data[0] % 5];
  // An exact-size copy, so a read past the packet is caught.
  std::vector<unsigned char> packet(data + 1, data + size);
  spp::Answer a = spp::parse_reply(type, packet.data(), packet.size());
  check_generic(type, a, packet.size());
  spp::Answer again = spp::parse_reply(type, packet.data(), packet.size());
  if (again.status != a.status || again.records != a.records || again.error != a.error) std::abort();
  return 0;
}
