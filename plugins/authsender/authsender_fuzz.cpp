// authsender_fuzz: hostile authsenders files, logins and senders through the
// check (FakeDeps). Oracles: the answer is nothing, a 553 or a 451, one line;
// an unauthenticated client, the null sender and the login itself are never
// refused; a refusal never depends on the case of the login or the sender;
// the compiled form (cdb_records, as spp-conf cdb writes it) answers exactly
// as the text; [auth] records a marker under which this login answers as
// without one (or refuses a login it cannot record, 535), while another
// login's marker leaves the client untouched;
// spp_auth_listed never crashes on the list text read as smtpplugins.
// Input: mode byte, SMTPAUTHUSER, SMTPMAILFROM, authsenders text (the rest).
#include <fcntl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "authsender/authsender.h"
#include "fakes/fake_deps.h"
#include "fuzz.h"
#include "fuzz_input.h"
#include "log.h"
#include "text.h"

namespace {

using namespace spp;

std::string upper(std::string s) {
  for (auto& c : s)
    if (c >= 'a' && c <= 'z') c = char(c - 32);
  return s;
}

std::string run(testing::FakeDeps& deps, const Env& env, Hook hook = Hook::mail) {
  Control control("/nonexistent-fuzz", env);
  Verdict v = run_check(authsender::check, Context{hook, env, control, deps, &authsender::check});
  std::string out = v.serialize();
  if (out.empty()) return out;
  if (hook == Hook::auth) {  // one printable S line; a 535 after an empty marker
    if (out.rfind("SSPP_AUTHUSER=", 0) != 0) std::abort();
    size_t lf = out.find('\n');
    if (lf == 14) {
      if (out.substr(lf + 1) != "E535 sorry, that login is empty or too long (#5.7.8)\n") std::abort();
    } else if (lf != out.size() - 1) {
      std::abort();
    }
    for (char c : out.substr(0, lf))
      if (c < 0x20 || c > 0x7e) std::abort();
    return out;
  }
  if (out.rfind("E553 sorry, you are authenticated as ", 0) != 0 &&
      out != "E451 temporary local problem, please try again later (#4.3.0)\n")
    std::abort();
  if (out.find('\n') != out.size() - 1 || out.find('\r') != std::string::npos) std::abort();
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static bool quiet = (log::set_fd(open("/dev/null", O_WRONLY)), true);
  (void)quiet;
  fuzz::Input in(data, size);
  uint8_t mode = in.byte();
  std::string user = in.str(), sender = in.long_str(1100), list = in.rest();
  testing::FakeDeps deps;
  deps.files["/nonexistent-fuzz/control/authsenders"] = list;
  Env env;
  env.set("AUTHSENDER", mode & 1 ? "1" : mode & 2 ? "login" : "0");
  if (mode & 4) env.set("SMTPAUTHUSER", user);
  env.set("SMTPMAILFROM", sender);
  std::string out = run(deps, env);
  if (!out.empty() && (!(mode & 4) || user.empty() || sender.empty() || lower_ascii(user) == lower_ascii(sender)))
    std::abort();
  Env other = env;
  other.set("SMTPMAILFROM", upper(sender));
  if (mode & 4) other.set("SMTPAUTHUSER", upper(user));
  if (run(deps, other).empty() != out.empty()) std::abort();

  // The compiled form: the same answer, the text not read.
  Lines lines = parse_control_lines(list, kListMaxLine);
  if (lines.status == Lookup::found) {
    testing::FakeDeps compiled;
    for (const auto& [k, v] : authsender::cdb_records(lines.lines))
      compiled.cdbs["/nonexistent-fuzz/control/authsenders.cdb"].emplace(k, v);
    if (run(compiled, env) != out) std::abort();
  }

  // [auth] records the login; under that marker the answer is the same
  // (unless the login cannot be recorded), under another login's none.
  if (mode & 4) {
    std::string s = run(deps, env, Hook::auth);
    Env recorded = env;
    recorded.set("SPP_AUTHUSER", s.substr(14, s.find('\n') - 14));
    std::string want = auth_marker(user).empty() ? "" : out;
    if (run(deps, recorded) != want) std::abort();
    recorded.set("SPP_AUTHUSER", auth_marker(user + "x"));
    if (!run(deps, recorded).empty()) std::abort();
  }
  (void)authsender::spp_auth_listed(list);
  return 0;
}
