// reply_fuzz: Verdicts built from hostile text, then serialize(). Whatever the
// plugins feed in, the bytes for qmail-spp must be well formed: every line
// LF-terminated, no control byte but TAB, at most one terminal command and it
// last, E/R/L replies with a 4xx/5xx code (an invalid one becomes 451), and
// every line within its length bound.
// Input: operations, one byte each, followed by their arguments (fuzz_input.h).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz.h"
#include "fuzz_input.h"
#include "reply.h"
#include "text.h"

namespace {

bool is_terminal_letter(char c) { return c == 'A' || c == 'N' || c == 'O' || c == 'E' || c == 'R' || c == 'D'; }

// "451 ..." / "451": a 4xx or 5xx code, then nothing or a space.
bool valid_reply(std::string_view r) {
  if (r.size() < 3 || (r[0] != '4' && r[0] != '5')) return false;
  if (r[1] < '0' || r[1] > '9' || r[2] < '0' || r[2] > '9') return false;
  return r.size() == 3 || r[3] == ' ';
}

// Letter + "CODE text (#c.sss.ddd)": 1 + 3 + 1 + 480 + 3 + 9 + 1.
constexpr size_t kMaxReplyLine = 498;

void check_line(std::string_view line, bool last) {
  if (line.empty()) std::abort();
  for (char c : line) {
    auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) std::abort();
  }
  char cmd = line[0];
  if (is_terminal_letter(cmd) && !last) std::abort();
  switch (cmd) {
    case 'A': case 'N': case 'O': case 'D':
      if (line.size() != 1) std::abort();
      break;
    case 'E': case 'R':
      if (!valid_reply(line.substr(1)) || line.size() > kMaxReplyLine) std::abort();
      break;
    case 'L':
      if (line.size() < 2 || (line[1] != 'M' && line[1] != 'R' && line[1] != 'D')) std::abort();
      if (!valid_reply(line.substr(2)) || line.size() > kMaxReplyLine + 1) std::abort();
      break;
    case 'P': case 'H':
      if (line.size() > 1 + 480 || (cmd == 'H' && line.size() == 1)) std::abort();
      break;
    case 'S':
      if (line.find('=') == std::string_view::npos || line.find('=') == 1 || line.size() > 1 + 128 + 1 + 480)
        std::abort();
      break;
    case 'U':
      if (line.size() < 2 || line.size() > 1 + 128 || line.find('=') != std::string_view::npos) std::abort();
      break;
    case 'C':
      if (line.size() > 1 + 900 || line.find_first_of("<>") != std::string_view::npos) std::abort();
      break;
    default:
      std::abort();
  }
}

// Expected code of an E/R/L reply: the given one when valid, else 451.
void check_code(std::string_view reply, int code, const std::string& enhanced) {
  int got = (reply[0] - '0') * 100 + (reply[1] - '0') * 10 + (reply[2] - '0');
  if (code < 400 || code > 599) {
    if (got != 451) std::abort();
  } else if (enhanced.empty() && got != code) {
    std::abort();
  } else if (got != code && got != 451) {
    std::abort();
  }
}

spp::Verdict build(spp::fuzz::Input& in, int depth) {
  using spp::Verdict;
  Verdict v;
  char want_terminal = 0;
  for (int ops = 0; !in.empty() && ops < 32; ++ops) {
    uint8_t op = in.byte();
    try {
      switch (op % 12) {
        case 0:
        case 1: {
          int code = in.u16() % 1000;
          std::string enh = in.str(16), text = in.long_str();
          Verdict t = op % 12 == 0 ? Verdict::error(code, enh, text) : Verdict::reject(code, enh, text);
          std::string s = t.serialize();
          check_code(std::string_view(s).substr(1), code, enh);
          v.append(t);
          want_terminal = op % 12 == 0 ? 'E' : 'R';
          break;
        }
        case 2: v.print(in.long_str()); break;
        case 3: v.header(in.long_str()); break;
        case 4: { std::string n = in.str(); v.setenv(n, in.long_str()); break; }
        case 5: v.unsetenv(in.str()); break;
        case 6: {
          char cmd = char(in.byte());
          int code = in.u16() % 1000;
          std::string enh = in.str(16), text = in.long_str();
          size_t before = v.lines().size();
          v.later(cmd, code, enh, text);
          if (v.lines().size() != before + 1) std::abort();
          check_code(std::string_view(v.lines().back()).substr(2), code, enh);
          break;
        }
        case 7: v.change_address(in.long_str()); break;
        case 8: {
          static const Verdict kTerminals[] = {Verdict::accept(), Verdict::next(), Verdict::ok(), Verdict::drop()};
          const Verdict& t = kTerminals[in.byte() % 4];
          v.append(t);
          want_terminal = char(t.terminal());
          break;
        }
        case 9:
          if (depth < 2) {
            Verdict other = build(in, depth + 1);
            v.append(other);
            if (other.terminal() != spp::Terminal::none) want_terminal = char(other.terminal());
          }
          break;
        default: {
          // clean_text: one line, bounded, control bytes gone.
          std::string t = in.long_str();
          std::string c = spp::clean_text(t);
          if (c.size() > 480 || c.size() > t.size()) std::abort();
          for (char ch : c)
            if ((static_cast<unsigned char>(ch) < 0x20 && ch != '\t') || ch == 0x7f) std::abort();
          break;
        }
      }
    } catch (const std::invalid_argument&) {
      // refused input: the verdict must be unchanged, which serialize() checks below
    }
  }
  if (char(v.terminal()) != want_terminal) std::abort();
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  spp::fuzz::Input in(data, size);
  spp::Verdict v = build(in, 0);
  std::string out = v.serialize();
  if (v.empty() != out.empty()) std::abort();
  if (!out.empty() && out.back() != '\n') std::abort();
  std::vector<std::string_view> lines = spp::split_lines(out);
  size_t expected = v.lines().size() + (v.terminal() != spp::Terminal::none ? 1 : 0);
  if (lines.size() != expected) std::abort();
  for (size_t i = 0; i < lines.size(); ++i) check_line(lines[i], i + 1 == lines.size());
  if (v.terminal() != spp::Terminal::none && lines.back()[0] != char(v.terminal())) std::abort();
  return 0;
}
