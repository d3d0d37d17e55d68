// wildmat: INN wildmat matching and the SPAMCONTROL list evaluation
// (reference/semantics.md §1). Pure, no I/O.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spp {

/// Whole-string, case-sensitive match. '*' any string, '?' one character,
/// '[...]'/'[^...]' sets with ranges, '\x' literal x.
bool wildmat(std::string_view text, std::string_view pattern);

/// SPAMCONTROL pattern pass: lines top to bottom, '!' lines are exceptions,
/// the last matching line wins. Returns true when the address is listed.
bool match_pattern_list(std::string_view address, const std::vector<std::string>& patterns);

}  // namespace spp
