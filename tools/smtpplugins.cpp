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

std::vector<Line> parse(std::string_view content) {
  std::vector<Line> out;
  char section = 0;
  for (std::string_view raw : split_lines(content)) {
    std::string_view eff = effective(raw);
    Line line{std::string(raw), LineKind::entry, section};
    if (eff.empty()) {
      line.kind = LineKind::blank;
    } else if (eff.front() == '#') {
      line.kind = LineKind::comment;
    } else if (eff.front() == '[') {
      // qmail-spp looks only at the character after '[': "[rcptXYZ]" is [rcpt],
      // "[RCPT]" and "[ehlo]" select a section that never runs.
      char c = eff.size() > 1 ? eff[1] : '?';
      section = category_name(c) ? c : '?';
      line.kind = LineKind::section;
      line.section = section;
    }
    out.push_back(std::move(line));
  }
  return out;
}

std::string render(const std::vector<Line>& lines) {
  std::string out;
  for (const auto& l : lines) {
    out += l.text;
    out += '\n';
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
  for (const auto& l : lines)
    if (l.kind == LineKind::entry && l.section == letter && effective(l.text) == entry) return false;
  // After the last entry (or the header) of the last block of this section.
  size_t insert_at = lines.size();
  bool found = false;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].section != letter) continue;
    if (lines[i].kind == LineKind::section || lines[i].kind == LineKind::entry) {
      insert_at = i + 1;
      found = true;
    }
  }
  if (!found) {
    if (!lines.empty() && lines.back().kind != LineKind::blank) lines.push_back({"", LineKind::blank, 0});
    lines.push_back({"[" + std::string(category_name(letter)) + "]", LineKind::section, letter});
    insert_at = lines.size();
  }
  lines.insert(lines.begin() + long(insert_at), Line{entry, LineKind::entry, letter});
  return true;
}

size_t remove_entry(std::vector<Line>& lines, char letter, const std::string& entry) {
  size_t before = lines.size();
  std::erase_if(lines, [&](const Line& l) {
    return l.kind == LineKind::entry && l.section == letter && effective(l.text) == entry;
  });
  return before - lines.size();
}

size_t remove_all(std::vector<Line>& lines, char letter) {
  size_t before = lines.size();
  std::erase_if(lines, [&](const Line& l) {
    return l.kind == LineKind::entry && (letter == 0 || l.section == letter);
  });
  return before - lines.size();
}

std::vector<std::string> entries_of(const std::vector<Line>& lines, char letter) {
  std::vector<std::string> out;
  for (const auto& l : lines)
    if (l.kind == LineKind::entry && l.section == letter) {
      // qmail uses the line as a C string: a NUL ends it (after the blanks were stripped).
      std::string_view e = effective(l.text);
      out.emplace_back(e.substr(0, e.find('\0')));
    }
  return out;
}

}  // namespace spp::conf
