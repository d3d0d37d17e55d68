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

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "cdb_reader.h"

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

  /// The compiled form `spp-conf cdb` builds (cdb_records): exact keys are
  /// looked up one by one through `find` instead of held in memory, and the
  /// wildmat lines through their trigram index (match_pattern_index), in the
  /// place of the list's lines among the others (last match wins across all).
  using CdbFinder = std::function<CdbResult(std::string_view key)>;
  void add_cdb(CdbFinder find, bool special);

  bool empty() const { return exact_.empty() && subdomains_.empty() && segments_.empty(); }
  /// Wildmat lines held in memory (a cdb's are not counted).
  size_t patterns() const;

  /// The verdict for one address (already without <>). `lowercase` lower-cases
  /// it for the wildmat pass only (exact entries never depend on case).
  Match evaluate(std::string_view address, const Client& client, bool lowercase) const;
  /// The same; a cdb that fails to answer sets *error (and that key counts as absent).
  Match evaluate(std::string_view address, const Client& client, bool lowercase, std::string* error) const;

 private:
  bool has(std::string_view key, std::string* error) const;
  bool has_subdomain(const std::string& key, std::string* error) const;
  std::vector<CdbFinder> finders_;
  // The wildmat lines in file order: runs of lines in memory, or a cdb's index.
  struct Segment {
    std::vector<std::string> lines;
    CdbFinder index;  // set: the lines live in a cdb
    bool special = false;
  };
  std::vector<Segment> segments_;
  bool match_patterns(std::string_view text, std::string* error) const;
  std::unordered_set<std::string> exact_;  // lower case
  std::unordered_set<std::string> subdomains_;  // ".domain", lower case
  bool special_ = false;
};

/// The key every compiled list holds (the wildmat lines no trigram indexes,
/// maybe none): its presence says "built by spp-conf cdb". Index keys start
/// with an LF, which no address or HELO can hold, so they collide with none.
inline constexpr std::string_view kAlwaysKey = "\nt*";
using CdbRecords = std::vector<std::pair<std::string, std::string>>;
/// The trigram index of wildmat lines (`patterns`, in file order, '!' kept):
/// each line is filed under one trigram of its literal text (the rarest one),
/// which every address it can match must contain; lines without three literal
/// bytes in a row (or broken ones, pattern_problem) are filed under kAlwaysKey.
CdbRecords pattern_index_records(const std::vector<std::string>& patterns);
/// The wildmat pass over such an index: looks up the trigrams of `text`,
/// runs wildmat on those candidates only, last matching line wins. A failing
/// lookup sets *error and counts as no line.
bool match_pattern_index(std::string_view text, const std::function<CdbResult(std::string_view)>& find,
                         std::string* error);
/// What `spp-conf cdb` stores for an address list: every exact key, lower
/// case (value ""), every .domain line (value "s"), and the pattern index.
/// evaluate() over add_cdb() of these records equals evaluate() over add().
/// special: a sender list (badmailfrom, badmailpatterns, blackholedsender), whose
/// ?addr @dom+ @dom- @dom= ~host lines are never patterns.
CdbRecords cdb_records(const std::vector<std::string>& lines, bool special);

/// Problems a list line has as a wildmat pattern (unbalanced '[', a trailing
/// '\', a CR or NUL byte): a text for spp-conf check, empty when fine.
std::string pattern_problem(std::string_view line);

}  // namespace spp
