// dns: a small resolver interface with tri-state answers and one hard timeout.
//
// Plugins ask for several records at once (all RBL zones, A and AAAA of a
// name) and get every answer back within one total time bound, so a slow zone
// costs its timeout once, not once per zone. The real implementation uses
// c-ares and talks to the servers in /etc/resolv.conf directly (no NSS, which
// a static binary cannot load). Tests inject a fake Resolver.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lookup.h"

namespace spp {

enum class RRType { a, aaaa, txt, mx, ptr };

struct Query {
  std::string name;
  RRType type;
};


/// found: records; missing: NXDOMAIN or no records of that type;
/// error: SERVFAIL, timeout, a malformed reply (our side of the wire failed).
struct Answer {
  Lookup status = Lookup::error;
  /// A/AAAA: addresses as text; TXT: one string per record (its character-strings joined);
  /// MX: "<preference> <host>"; PTR: host names.
  std::vector<std::string> records;
  std::string error;  // why, for error ("timeout", "SERVFAIL", ...)
};

class Resolver {
 public:
  virtual ~Resolver() = default;
  /// Resolves all queries in parallel; returns one Answer per query, in order.
  /// Nothing takes longer than timeout_ms in total: unfinished queries are errors ("timeout").
  virtual std::vector<Answer> resolve(const std::vector<Query>& queries, int timeout_ms) = 0;
  /// One query, for lookups that depend on the last answer (SPF's recursion,
  /// libspf2's SPF_dns_server_t layer). The caller keeps its overall deadline
  /// and passes what is left of it.
  virtual Answer query(const Query& q, int timeout_ms) { return resolve({q}, timeout_ms).front(); }
};

/// The real resolver (c-ares). Never null; a broken resolv.conf yields error answers.
std::unique_ptr<Resolver> make_system_resolver();

/// One raw DNS reply packet (RCODE NOERROR) as an Answer of the asked type: found with
/// records, missing when it holds none (NODATA), error for a malformed packet. Pure.
Answer parse_reply(RRType type, const unsigned char* buf, size_t len);

/// "1.2.3.4" -> "4.3.2.1"; nullopt if not a dotted-quad IPv4 address.
std::optional<std::string> reverse_ipv4(std::string_view ip);
/// "2001:db8::1" -> 32 nibbles, dot-separated, least significant first (no ".ip6.arpa").
std::optional<std::string> reverse_ipv6_nibbles(std::string_view ip);
/// Reverse name of an IPv4 or IPv6 address for a DNSBL zone: "<reversed>.<zone>".
/// An IPv4-mapped IPv6 address (::ffff:1.2.3.4) is looked up as the IPv4 client it is.
/// nullopt for a malformed address or an empty zone; trailing dots of the zone are dropped.
std::optional<std::string> dnsbl_query_name(std::string_view ip, std::string_view zone);
/// PTR owner name: "...in-addr.arpa" or "...ip6.arpa" (IPv4-mapped: in-addr.arpa).
std::optional<std::string> ptr_query_name(std::string_view ip);

}  // namespace spp
