// text: the one sanitiser for client-controlled text, and the one line splitter.
//
// HELO, addresses, DNS TXT records and control-file values end up in SMTP
// replies, headers and log lines. A CR or LF there would forge a reply line,
// a header or a log entry; other control bytes carry terminal escapes. So
// every such text goes through printable(), with one rule for all of them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spp {

enum class EightBit {
  keep,     // replies and headers: UTF-8 and TAB pass
  replace,  // logs and rblsmtpd-compatible texts: printable ASCII (32..126) only;
            // C1 bytes are terminal escapes too
};

/// At most `max` bytes of `text`, every control byte (NUL, CR, LF, the other
/// C0 bytes except TAB, and DEL) replaced by '?', and with EightBit::replace
/// also TAB and every byte >= 128. The result is always a single line.
std::string printable(std::string_view text, size_t max, EightBit eight_bit = EightBit::keep);

/// The lines of `text`, split at LF, without the LF. A last line without LF
/// counts; an empty text has no lines. Views point into `text`.
std::vector<std::string_view> split_lines(std::string_view text);

/// `text` without leading and trailing blanks (space, TAB, CR).
std::string_view trim_blanks(std::string_view text);

/// A name DNS can hold: at most 253 bytes, labels of 1-63 letters (either
/// case), digits, '-' or '_' (no empty label, so no trailing dot).
bool valid_dns_name(std::string_view name);

}  // namespace spp
