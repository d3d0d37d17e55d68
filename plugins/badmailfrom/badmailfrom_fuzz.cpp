// badmailfrom_fuzz: hostile sender lists, senders and client host names
// through the whole check (FakeDeps, no files).
// Oracles: [mail] prints only U/S or D, [rcpt] only nothing, the stock 553,
// a 451 or D; every line is one line; the RCPT verdict taken from the marker
// [mail] stored equals the verdict decided afresh at RCPT; with lowercase=1
// the verdict does not depend on the sender's case; an exact (wildcard-free,
// not special) entry equal to the sender, case aside, always refuses unless
// a ?addr whitelist or blackholedsender decided first.
// Input: mode byte, sender, TCPREMOTEHOST, list text (the rest).
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>

#include "badmailfrom/badmailfrom.h"
#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "text.h"

namespace {

using namespace spp;

Verdict run(testing::FakeDeps& deps, Hook hook, Env& env) {
  Control control("/nonexistent-fuzz", env);
  return run_check(badmailfrom::check, Context{hook, env, control, deps, &badmailfrom::check});
}

void check_lines(const Verdict& v) {
  std::string out = v.serialize();
  if (out.find('\r') != std::string::npos || out.find('\0') != std::string::npos) std::abort();
  if (!out.empty() && out.back() != '\n') std::abort();
}

bool refused(const Verdict& v) { return v.terminal() == Terminal::error && v.terminal_text().rfind("553 ", 0) == 0; }

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string sender = in.long_str(1100), host = in.str(), list = in.rest();
  const char* file = (mode & 3) == 0   ? "badmailfrom"
                     : (mode & 3) == 1 ? "badmailpatterns"
                     : (mode & 3) == 2 ? "blackholedsender"
                                       : "badmailfrom-unknown";
  testing::FakeDeps deps;
  deps.files[std::string("/nonexistent-fuzz/control/") + file] = list;
  Env env;
  env.set("SMTPMAILFROM", sender);
  if (mode & 4) env.set("TCPREMOTEHOST", host);
  if (mode & 8) env.set("RELAYCLIENT", "");
  if (mode & 16) env.set("LOWERCASE", "1");

  Verdict at_mail = run(deps, Hook::mail, env);
  check_lines(at_mail);
  if (at_mail.terminal() != Terminal::none && at_mail.terminal() != Terminal::drop &&
      !(at_mail.terminal() == Terminal::error && at_mail.terminal_text().rfind("451 ", 0) == 0))
    std::abort();
  Verdict fresh = run(deps, Hook::rcpt, env);
  check_lines(fresh);
  if (!fresh.empty() && !refused(fresh) && fresh.terminal() != Terminal::drop &&
      !(fresh.terminal() == Terminal::error && fresh.terminal_text().rfind("451 ", 0) == 0))
    std::abort();
  if (at_mail.terminal() == Terminal::none) {
    // Apply [mail]'s S/U as qmail-spp would, then RCPT must agree with `fresh`.
    Env after = env;
    for (const auto& line : at_mail.lines()) {
      if (line[0] == 'U') after.unset(line.substr(1));
      if (line[0] == 'S') {
        size_t eq = line.find('=');
        after.set(line.substr(1, eq - 1), line.substr(eq + 1));
      }
    }
    Verdict cached = run(deps, Hook::rcpt, after);
    if (cached.serialize() != fresh.serialize()) std::abort();
  }
  if (mode & 16) {
    Env lower = env;
    lower.set("SMTPMAILFROM", lower_ascii(sender));
    Env upper = env;
    std::string up = sender;
    for (auto& c : up)
      if (c >= 'a' && c <= 'z') c = char(c - 32);
    upper.set("SMTPMAILFROM", up);
    if (run(deps, Hook::rcpt, lower).serialize() != run(deps, Hook::rcpt, upper).serialize()) std::abort();
  }
  if ((mode & 3) < 2 && !sender.empty() && fresh.terminal() != Terminal::error) {
    // Nothing refused: then no plain entry equals the sender (unless whitelisted).
    bool whitelisted = false, exact = false;
    for (auto line : parse_control_lines(list, badmailfrom::kMaxLine).lines) {
      if (lower_ascii(line) == "?" + lower_ascii(sender)) whitelisted = true;
      if (line.find_first_of("*?[\\!~+=-") == std::string::npos && line[0] != '.' && lower_ascii(line) == lower_ascii(sender))
        exact = true;
    }
    if (exact && !whitelisted) std::abort();
  }
  // The compiled form (spp-conf cdb: exact keys and the trigram index of the
  // wildmat lines) decides exactly as the text form, for either case mode.
  Lines parsed = parse_control_lines(list, kListMaxLine);
  if (parsed.status == Lookup::found) {
    std::vector<std::string> lines;
    for (auto& l : parsed.lines)
      if (l.find('\0') == std::string::npos) lines.push_back(l);  // the builder skips these
    AddressList text(lines, true);
    auto db = std::make_shared<std::map<std::string, std::string>>();
    for (auto& [k, v] : cdb_records(lines, true)) db->emplace(k, v);
    AddressList compiled;
    compiled.add_cdb([db](std::string_view key) {
      auto it = db->find(std::string(key));
      return it == db->end() ? CdbResult{Lookup::missing, "", ""} : CdbResult{Lookup::found, it->second, ""};
    }, true);
    Client client{(mode & 8) != 0, (mode & 4) ? std::optional<std::string_view>(host) : std::nullopt};
    for (bool lc : {false, true})
      if (text.evaluate(sender, client, lc) != compiled.evaluate(sender, client, lc)) std::abort();
  }
  return 0;
}
