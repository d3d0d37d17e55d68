// smtpplugins: control/smtpplugins as qmail-spp reads it, and as spp-conf edits
// it; in lib/ because spp-authsender also asks whether spp-auth runs under [auth].
//
// qmail-spp's reading rules (reference/qmail-spp.md §3): trailing blanks are
// stripped, blank lines and lines starting with '#' are skipped, a line
// starting with '[' selects a section by the ONE character after '['
// (c h m r d a; anything else is a dummy section that never runs), every other
// line is a plugin: ":rest" runs via /bin/sh -c, otherwise the whole line is
// the path. A NUL inside a line splits it: control_readfile() keeps the NUL
// and spp_init() walks its buffer as C strings, so "/a<NUL>/b" is two entries
// and "/a<NUL>[mail]" an entry and a section. qmail_pieces() is that reading,
// and everything here (list, -a, -r, check, the simulator) goes through it.
// The edit model keeps every original line byte for byte so comments survive.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace spp::conf {

enum class LineKind { blank, comment, section, entry };

struct Line {
  std::string text;     // as in the file, without the LF
  LineKind kind;
  char section = 0;     // for entries: section char in force ('\0' before any section,
                        // '?' for a dummy section); for section lines: line[1] or '?'
  char after = 0;       // section in force after the line (differs only after a NUL)
  bool nul = false;     // a NUL splits the line into several pieces for qmail-spp
  bool lf = true;       // false only for a last line without LF
};

/// The six sections sppkit knows, with their qmail-spp characters.
struct Category {
  const char* name;  // "connection"
  char letter;       // 'c'
};
const std::vector<Category>& categories();
/// "rcpt" -> 'r'; 0 when unknown.
char category_letter(std::string_view name);
const char* category_name(char letter);  // nullptr when unknown

/// The text qmail-spp looks at: trailing blanks stripped.
std::string_view effective(std::string_view line);

/// What qmail-spp reads from one raw line: nothing for a blank line or one whose
/// first byte is '#' or NUL; otherwise the line without trailing blanks, split at
/// every NUL (empty pieces included: "/a<NUL>" is "/a" and an empty entry).
std::vector<std::string_view> qmail_pieces(std::string_view raw);

/// Why `entry` cannot be written as one smtpplugins line that qmail-spp reads back
/// unchanged (empty, too long, a line break or NUL, a leading blank, '#' or '[',
/// a trailing blank); nullptr when it can.
const char* entry_problem(std::string_view entry);
constexpr size_t kMaxEntry = 4096;  // longer paths cannot be executed

std::vector<Line> parse(std::string_view content);
std::string render(const std::vector<Line>& lines);

/// A fresh file with every section, used when smtpplugins does not exist.
std::vector<Line> skeleton();

/// Adds `entry` (entry_problem() must be null) to section `letter` (after its
/// last entry; the section is appended when missing). Returns false when
/// qmail-spp runs it there already (idempotent).
/// True when a section or entry line ends in CR (a file written with CRLF line ends).
bool uses_crlf(const std::vector<Line>& lines);
bool add_entry(std::vector<Line>& lines, char letter, const std::string& entry);
/// Removes every line equal to `entry` in section `letter`; returns the count.
/// Lines with a NUL are never removed (that would remove their other pieces):
/// entries_of() still lists such an entry afterwards.
size_t remove_entry(std::vector<Line>& lines, char letter, const std::string& entry);
/// Removes all entries of section `letter`, or of every section when letter == 0
/// (not lines with a NUL, as above).
size_t remove_all(std::vector<Line>& lines, char letter);

/// Entries that qmail-spp would run for a section, in order.
std::vector<std::string> entries_of(const std::vector<Line>& lines, char letter);

}  // namespace spp::conf
