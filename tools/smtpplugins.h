// smtpplugins: control/smtpplugins as qmail-spp reads it, and as spp-conf edits it.
//
// qmail-spp's reading rules (reference/qmail-spp.md §3): trailing blanks are
// stripped, blank lines and lines starting with '#' are skipped, a line
// starting with '[' selects a section by the ONE character after '['
// (c h m r d a; anything else is a dummy section that never runs), every other
// line is a plugin: ":rest" runs via /bin/sh -c, otherwise the whole line is
// the path. The edit model keeps every original line so comments survive.
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

std::vector<Line> parse(std::string_view content);
std::string render(const std::vector<Line>& lines);

/// A fresh file with every section, used when smtpplugins does not exist.
std::vector<Line> skeleton();

/// Adds `entry` to section `letter` (after its last entry; the section is
/// appended when missing). Returns false when it is already there (idempotent).
bool add_entry(std::vector<Line>& lines, char letter, const std::string& entry);
/// Removes every line equal to `entry` in section `letter`; returns the count.
size_t remove_entry(std::vector<Line>& lines, char letter, const std::string& entry);
/// Removes all entries of section `letter`, or of every section when letter == 0.
size_t remove_all(std::vector<Line>& lines, char letter);

/// Entries that qmail-spp would run for a section, in order.
std::vector<std::string> entries_of(const std::vector<Line>& lines, char letter);

}  // namespace spp::conf
