// smtpplugins_fuzz: control/smtpplugins parse -> edit -> render round trips.
// Input: byte 0 picks the section, byte 1 the entry length (mod 64), then the
// entry, then the file. Oracles: an unedited parse renders back byte for byte;
// after add_entry the entry is listed by entries_of for its section (also after
// render + parse) and no other section changes; remove_entry undoes add_entry.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz.h"
#include "smtpplugins.h"
#include "spp_conf.h"

using namespace spp::conf;

namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// What qmail-spp runs (or keeps in a dummy list) per section: the observable state.
std::vector<std::vector<std::string>> all_entries(const std::vector<Line>& lines) {
  std::vector<std::vector<std::string>> out;
  for (char letter : std::string_view("chmrda?\0", 8)) out.push_back(entries_of(lines, letter));
  return out;
}

bool listed(const std::vector<std::string>& entries, const std::string& e) {
  for (const auto& x : entries)
    if (x == e) return true;
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  char letter = categories()[data[0] % categories().size()].letter;
  size_t entry_len = data[1] % 64;
  if (entry_len > size - 2) entry_len = size - 2;
  std::string entry(reinterpret_cast<const char*>(data) + 2, entry_len);
  std::string content(reinterpret_cast<const char*>(data) + 2 + entry_len, size - 2 - entry_len);

  auto lines = parse(content);
  require(render(lines) == content);
  (void)diagnose_text(content);
  (void)uses_crlf(lines);
  auto before = all_entries(lines);
  require(all_entries(parse(render(lines))) == before);

  if (entry_problem(entry)) return 0;
  bool added = add_entry(lines, letter, entry);
  auto after = all_entries(lines);
  require(listed(entries_of(lines, letter), entry));
  require(all_entries(parse(render(lines))) == after);  // the edit survives a save and reload
  require(!add_entry(lines, letter, entry));            // idempotent
  if (!added) {
    require(after == before);
    return 0;
  }
  for (size_t i = 0; i < after.size(); ++i)
    if (std::string_view("chmrda?\0", 8)[i] != letter) require(after[i] == before[i]);
  remove_entry(lines, letter, entry);
  require(all_entries(lines) == before);
  require(all_entries(parse(render(lines))) == before);
  remove_all(lines, 0);
  for (const auto& l : parse(render(lines))) require(l.kind != LineKind::entry || l.nul);
  return 0;
}
