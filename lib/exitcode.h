// exitcode: the exit statuses of sppkit's programs, qmail's convention.
// (Plugins themselves always exit 0: qmail-spp ignores the status, and 120
// means "can't execute" there.)
#pragma once

namespace spp::exitcode {

constexpr int ok = 0;
constexpr int bad_input = 100;  // usage or bad input: permanent, do not retry
constexpr int temporary = 111;  // I/O or resource trouble: try again

}  // namespace spp::exitcode
