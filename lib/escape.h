// escape: bytes made safe and visible for a terminal, reversibly.
//
// printable() (text.h) replaces what it must not pass with '?': right for
// replies, headers and logs. Diagnostics and transcripts must instead show
// exactly which byte is there (a CR at the end of an smtpplugins line, a NUL
// in a reply), so they escape: '\' -> "\\", CR -> "\r", TAB -> "\t", every other
// byte below 0x20, DEL and every byte >= 0x80 -> "\xHH". Bytes >= 0x80 are all
// escaped, not only the C1 range 0x80-0x9f: on a terminal that is not UTF-8,
// any of them may start an escape sequence, and a transcript is about bytes.
#pragma once

#include <string>
#include <string_view>

namespace spp {

/// `bytes` with only printable ASCII (0x20..0x7e) left: see above.
std::string escape_bytes(std::string_view bytes);

}  // namespace spp
