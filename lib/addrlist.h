// addrlist: one SPAMCONTROL address list (badmailfrom, badmailpatterns,
// badrcptto, badrcptpatterns, blackholedsender) and its evaluation order
// (reference/semantics.md §1.2, following spamcontrol 2.7's bmfcheck/brtcheck):
//
//   1. exact entries, case-insensitive (qmail's constmap): the special sender
//      forms ?addr, @dom+, @dom-, @dom=, ~host first, then the address, then
//      @domain, then notqmail's .domain (any subdomain, not the domain itself).
//      A hit decides; no '!' line can rescue it.
//   2. the wildmat pass over every other line, top to bottom, '!' lines are
//      exceptions, the last matching line wins; case-sensitive unless the
//      caller lower-cases the address (H-Sphere's `lowercase`).
// Pure, no I/O.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace spp {

/// Why an address is (or is not) listed. The name (match_name) travels in
/// logs and in the markers checks store with S.
enum class Match {
  none,          // not listed
  whitelisted,   // ?addr: passes, and later sender checks are skipped
  exact,         // the address itself
  domain,        // @domain
  subdomain,     // .domain (notqmail's badmailfrom-wildcard)
  relay_only,    // @dom+: only relay clients may use the domain
  unknown_host,  // @dom-: the client has no host name (TCPREMOTEHOST)
  host_mismatch, // @dom=: the client's host name is not in dom
  host,          // ~host: a client of that host or domain, sender domain elsewhere
  pattern,       // the wildmat pass
};
const char* match_name(Match m);
std::optional<Match> match_from_name(std::string_view name);
inline bool refuses(Match m) { return m != Match::none && m != Match::whitelisted; }

/// What the special sender forms need to know about the client.
struct Client {
  bool relay = false;                    // RELAYCLIENT set
  std::optional<std::string_view> host;  // TCPREMOTEHOST; unset or "unknown" = no name
};

class AddressList {
 public:
  AddressList() = default;
  /// special: read ?addr, @dom+, @dom-, @dom=, ~host as sender forms (badmailfrom);
  /// otherwise they are ordinary lines.
  AddressList(const std::vector<std::string>& lines, bool special);
  void add(const std::vector<std::string>& lines, bool special);

  bool empty() const { return exact_.empty() && subdomains_.empty() && patterns_.empty(); }
  size_t patterns() const { return patterns_.size(); }

  /// The verdict for one address (already without <>). `lowercase` lower-cases
  /// it for the wildmat pass only (exact entries never depend on case).
  Match evaluate(std::string_view address, const Client& client, bool lowercase) const;

 private:
  bool has(std::string_view key) const;
  std::unordered_set<std::string> exact_;  // lower case
  std::unordered_set<std::string> subdomains_;  // ".domain", lower case
  std::vector<std::string> patterns_;
  bool special_ = false;
};

/// Problems a list line has as a wildmat pattern (unbalanced '[', a trailing
/// '\', a CR or NUL byte): a text for spp-conf check, empty when fine.
std::string pattern_problem(std::string_view line);

}  // namespace spp
