// spf/record: our own RFC 7208 reading of an SPF record, before libspf2
// sees it, and our own macro expansion (explanations, spfexp, headers).
//
// libspf2 1.2.10 is lax (accepts 8-bit, control bytes, bad top labels,
// duplicate modifiers), too strict (refuses CIDR /0, '_' in modifier names,
// a redirect after "all"), and its macro parser has open CVEs
// (reference/spf-notes.md). So every record is checked here against RFC
// 7208 §4.6 and §7 first: a record that is not valid is permerror and never
// reaches libspf2; a valid one is rewritten into a canonical form libspf2
// evaluates correctly (see canonical()). Everything here is pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spp::spf {

/// Bounds checked before libspf2 sees a record (documented in spp-spf(8)).
constexpr size_t kMaxRecord = 2048;     // bytes of one SPF record
constexpr size_t kMaxMacros = 32;       // macro-expands (%{...}) in one record
constexpr size_t kMaxTerms = 64;        // terms in one record
constexpr const char* kCidr0Suffix = ".cidr0.spp.invalid";  // see canonical()

struct Directive {
  char qualifier = '+';  // + - ~ ?
  std::string name;      // all include a mx ptr ip4 ip6 exists (lower case)
  std::string domain;    // domain-spec as written ("" = none)
  int cidr4 = -1;        // -1 = not given
  int cidr6 = -1;
  std::string address;   // ip4/ip6 network as written
};

struct Record {
  std::vector<Directive> directives;
  std::optional<std::string> redirect;
  std::optional<std::string> exp;
};

/// Parses one record ("v=spf1 ..."); nullopt with `error` set when it is
/// not valid RFC 7208 syntax or exceeds the bounds above.
std::optional<Record> parse_record(std::string_view text, std::string& error);

/// True when `text` is "v=spf1" alone or followed by a space (any case).
bool is_spf_record(std::string_view text);

/// The record as libspf2 should see it, for a client of this family:
/// unknown modifiers dropped, redirect dropped when an "all" is present,
/// a/mx keep only the CIDR of the client's family, /0 rewritten (ip4/ip6
/// into two /1 halves; a/mx onto the name + kCidr0Suffix, which the DNS
/// layer answers with both halves when the real name has addresses), and
/// `local` (already canonical directives) inserted where qmail-spf inserts
/// spfrules: before the trailing run of same-qualifier -/~/? directives
/// ending in "all", unless that run starts at the first directive.
std::string canonical(const Record& record, bool ipv6_client, const std::vector<Directive>* local = nullptr);

/// Where canonical() puts `local` rules; npos when it does not.
size_t local_rules_position(const Record& record);

/// A macro-string (RFC 7208 §7.1). exp text also allows c, r, t; `private_x`
/// also allows qmail-spf's %{xr} %{xs} %{xe} (spfexp only).
bool valid_macro_string(std::string_view text, bool exp_text, bool private_x = false);
/// A domain-spec: macro-string ending in "." toplabel ["."] or a macro.
bool valid_domain_spec(std::string_view text);
/// A name DNS can hold and that is a fully qualified domain (at least two
/// labels, 1-63 bytes each, at most 253, letters digits - _ only).
bool valid_fqdn(std::string_view name);

struct MacroValues {
  std::string sender;     // s: local@domain (postmaster@helo for <>)
  std::string domain;     // d: current domain
  std::string ip;         // the client address as text (IPv4 or IPv6)
  bool ipv6 = false;
  std::string helo;       // h
  std::string receiver;   // r, xr
  std::string validated;  // p ("unknown" when empty)
  std::string source;     // xs: "SPF record at d" or "local policy"
  std::string error;      // xe
  long long now = 0;      // t
};

/// Expands a macro-string (valid_macro_string() must hold). The result is
/// bounded to `max` bytes. Upper-case letters URL-escape (RFC 3986 unreserved
/// kept).
std::string expand_macros(std::string_view text, const MacroValues& values, size_t max = 1024);

}  // namespace spp::spf
