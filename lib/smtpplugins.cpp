#include "smtpplugins.h"

#include "text.h"

namespace spp::conf {

const std::vector<Category>& categories() {
  static const std::vector<Category> all = {
      {"connection", 'c'}, {"helo", 'h'}, {"mail", 'm'}, {"rcpt", 'r'}, {"data", 'd'}, {"auth", 'a'},
  };
  return all;
}

char category_letter(std::string_view name) {
  for (const auto& c : categories())
    if (name == c.name) return c.letter;
  return 0;
}

const char* category_name(char letter) {
  for (const auto& c : categories())
    if (letter == c.letter) return c.name;
  return nullptr;
}

std::string_view effective(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
  return line;
}

std::vector<std::string_view> qmail_pieces(std::string_view raw) {
  std::string_view eff = effective(raw);
  std::vector<std::string_view> out;
  if (eff.empty() || eff.front() == '#' || eff.front() == '\0') return out;
  for (;;) {
    size_t nul = eff.find('\0');
    out.push_back(eff.substr(0, nul));
    if (nul == std::string_view::npos) return out;
    eff.remove_prefix(nul + 1);
  }
}

const char* entry_problem(std::string_view entry) {
  if (entry.empty()) return "it is empty";
  if (entry.size() > kMaxEntry) return "it is longer than 4096 bytes";
  if (entry.find_first_of(std::string_view("\n\r\0", 3)) != std::string_view::npos)
    return "it contains a line break or NUL";
  if (entry.front() == ' ' || entry.front() == '\t' || entry.front() == '#' || entry.front() == '[')
    return "it starts with a character qmail-spp treats specially";
  if (entry.back() == ' ' || entry.back() == '\t') return "it ends in a blank, which qmail-spp strips";
  return nullptr;
}

namespace {

// spp_init(): a piece starting with '[' selects the section by its next byte.
char section_of(std::string_view piece) {
  char c = piece.size() > 1 ? piece[1] : '?';
  return category_name(c) ? c : '?';
}

}  // namespace

std::vector<Line> parse(std::string_view content) {
  std::vector<Line> out;
  char section = 0;
  for (std::string_view raw : split_lines(content)) {
    auto pieces = qmail_pieces(raw);
    Line line{std::string(raw), LineKind::entry, section};
    if (pieces.empty()) {
      line.kind = effective(raw).empty() ? LineKind::blank : LineKind::comment;
    } else {
      // qmail-spp looks only at the character after '[': "[rcptXYZ]" is [rcpt],
      // "[RCPT]" and "[ehlo]" select a section that never runs.
      if (!pieces.front().empty() && pieces.front().front() == '[') {
        line.kind = LineKind::section;
        line.section = section_of(pieces.front());
      }
      for (std::string_view p : pieces)
        if (!p.empty() && p.front() == '[') section = section_of(p);
      line.nul = pieces.size() > 1;
    }
    line.after = section;
    out.push_back(std::move(line));
  }
  if (!content.empty() && content.back() != '\n') out.back().lf = false;
  return out;
}

bool uses_crlf(const std::vector<Line>& lines) {
  for (const auto& l : lines)
    if ((l.kind == LineKind::section || l.kind == LineKind::entry) && effective(l.text).back() == '\r')
      return true;
  return false;
}

std::string render(const std::vector<Line>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l.text;
    if (l.lf) out += '\n';
  }
  return out;
}

std::vector<Line> skeleton() {
  std::string text =
      "# control/smtpplugins: qmail-spp plugins, one per line, run in order per section.\n"
      "# Edit with spp-conf; see spp-conf(8). Entries starting with ':' run via /bin/sh.\n";
  for (const auto& c : categories()) text += "\n[" + std::string(c.name) + "]\n";
  return parse(text);
}

bool add_entry(std::vector<Line>& lines, char letter, const std::string& entry) {
  for (const auto& e : entries_of(lines, letter))
    if (e == entry) return false;
  if (!lines.empty()) lines.back().lf = true;  // nothing may follow a line without LF
  // After the last entry (or the header) of the last block of this section.
  size_t insert_at = lines.size();
  bool found = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].after != letter) continue;
    if (lines[i].kind == LineKind::section || lines[i].kind == LineKind::entry) {
      insert_at = i + 1;
      found = true;
    }
  }
  if (!found) {
    char last = lines.empty() ? 0 : lines.back().after;
    if (!lines.empty() && lines.back().kind != LineKind::blank) lines.push_back({"", LineKind::blank, last, last});
    lines.push_back({"[" + std::string(category_name(letter)) + "]", LineKind::section, letter, letter});
    insert_at = lines.size();
  }
  lines.insert(lines.begin() + long(insert_at), Line{entry, LineKind::entry, letter, letter});
  return true;
}

size_t remove_entry(std::vector<Line>& lines, char letter, const std::string& entry) {
  size_t before = lines.size();
  std::erase_if(lines, [&](const Line& l) {
    return l.kind == LineKind::entry && !l.nul && l.section == letter && effective(l.text) == entry;
  });
  return before - lines.size();
}

size_t remove_all(std::vector<Line>& lines, char letter) {
  size_t before = lines.size();
  std::erase_if(lines, [&](const Line& l) {
    return l.kind == LineKind::entry && !l.nul && (letter == 0 || l.section == letter);
  });
  return before - lines.size();
}

std::vector<std::string> entries_of(const std::vector<Line>& lines, char letter) {
  // spp_init() over the whole file: each piece either selects a section or is an entry.
  std::vector<std::string> out;
  char section = 0;
  for (const auto& l : lines)
    for (std::string_view p : qmail_pieces(l.text)) {
      if (!p.empty() && p.front() == '[') section = section_of(p);
      else if (section == letter) out.emplace_back(p);
    }
  return out;
}

}  // namespace spp::conf
