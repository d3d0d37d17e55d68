// rbl_fuzz: spp-rbl's decision over a fuzzed control/rblhosts, fuzzed knobs
// and fuzzed DNS answers (scripted records, or raw reply packets through
// parse_reply), then the verdict cache and the whole decide().
// Oracles: a refusal code is only ever 451 or 553; 553 only with
// flagrblbounce (or RBLSMTPD="-text"); 451 for a failure only with
// flagfailclosed; a zone whose A answer holds no 127/8 address never lists
// and never fails; the reply text is printable ASCII and bounded;
// read_cache(write_cache(r)) gives back the outcome, code and text; decide()
// prints only E451/E553 and only for a refusing result.
// Input: knob byte, [RBLSMTPD], rblhosts text NUL, then one answer per query.
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz.h"
#include "fuzz_input.h"
#include "rbl/rbl.h"

namespace {

using namespace spp;

std::string home() { return fuzz::ScratchHome::dir(); }

// A reply packet for `name` with the fuzzed rdata as records of the asked type.
std::string packet(const Query& q, fuzz::Input& in) {
  int type = q.type == RRType::a ? 1 : 16;
  int count = in.byte() % 4;
  std::string p = {0x12, 0x34, char(0x81), char(0x80), 0, 1, 0, char(count), 0, 0, 0, 0};
  for (size_t pos = 0; pos < q.name.size();) {
    size_t dot = q.name.find('.', pos);
    if (dot == std::string::npos) dot = q.name.size();
    p += char(dot - pos) + q.name.substr(pos, dot - pos);
    pos = dot + 1;
  }
  p += '\0';
  p += {0, char(type), 0, 1};
  for (int i = 0; i < count; ++i) {
    std::string rdata = in.str(64);
    p += {char(0xc0), 12, 0, char(type), 0, 1, 0, 0, 0, 60, 0, char(rdata.size())};
    p += rdata;
  }
  return p;
}

Answer answer_for(const Query& q, fuzz::Input& in) {
  uint8_t kind = in.byte();
  switch (kind % 5) {
    case 1: return Answer{Lookup::missing, {}, ""};
    case 2: return Answer{Lookup::error, {}, in.str(16)};
    case 3: {
      std::string p = packet(q, in);
      return parse_reply(q.type, reinterpret_cast<const unsigned char*>(p.data()), p.size());
    }
    default: break;
  }
  Answer a{Lookup::found, {}, ""};
  int n = 1 + (kind >> 3) % 3;
  for (int i = 0; i < n; ++i) {
    if (q.type == RRType::txt) {
      a.records.push_back(in.str());
      continue;
    }
    uint8_t how = in.byte();
    if (how & 1) {  // usually an address, often in 127/8, sometimes 127.255.255/24
      std::string quad = std::to_string(how & 2 ? 127 : in.byte());
      if (how & 4) quad += ".255.255";
      else quad += '.' + std::to_string(in.byte()) + '.' + std::to_string(in.byte());
      a.records.push_back(quad + '.' + std::to_string(in.byte()));
    } else {
      a.records.push_back(in.str(20));
    }
  }
  return a;
}

class ScriptedResolver : public Resolver {
 public:
  explicit ScriptedResolver(std::vector<Answer> answers) : answers_(std::move(answers)) {}
  std::vector<Answer> resolve(const std::vector<Query>& queries, int) override {
    if (queries.size() != answers_.size()) std::abort();  // the same queries as build_queries
    return answers_;
  }

 private:
  std::vector<Answer> answers_;
};

bool in_127(const std::string& r) { return r.rfind("127.", 0) == 0; }
// An A answer that no DNSBL gives: addresses, none of them in 127/8.
bool bogus(const Answer& a) {
  if (a.status != Lookup::found || a.records.empty()) return false;
  for (const auto& r : a.records)
    if (in_127(r)) return false;
  return true;
}

void check_text(const std::string& text) {
  if (text.size() > 300) std::abort();
  for (char c : text)
    if (c < 32 || c > 126) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fuzz::Input in(data, size);
  uint8_t knobs = in.byte();
  static const char* const kIps[] = {"192.0.2.2", "2001:db8::2", "::ffff:192.0.2.2", "127.0.0.2"};
  std::string ip = kIps[(knobs >> 4) & 3];
  Env env;
  env.set("FLAGRBLBOUNCE", knobs & 1 ? "1" : "0");
  env.set("FLAGFAILCLOSED", knobs & 2 ? "1" : "0");
  env.set("RBLTIMEOUT", "1");
  env.set("RBLREJECTAT", "rcpt");
  env.set("RBLLOOKUPAT", "mail");
  if (knobs & 4) env.set("RBLSMTPD", in.str());
  fuzz::ScratchHome::put("rblhosts", in.until_nul());
  Control control(home(), env);
  std::vector<std::string> warnings;
  rbl::Config config = rbl::load_config(control, env, warnings);
  if (config.bounce != bool(knobs & 1) && (config.zones.size() || config.rblsmtpd)) std::abort();

  std::vector<Query> queries = rbl::build_queries(config, ip);
  std::vector<Answer> answers;
  for (const auto& q : queries) answers.push_back(answer_for(q, in));
  rbl::Result r = rbl::evaluate(config, ip, answers);

  // Codes.
  if (r.code != 0 && r.code != 451 && r.code != 553) std::abort();
  bool minus = config.rblsmtpd && !config.rblsmtpd->empty() && (*config.rblsmtpd)[0] == '-';
  if (r.code == 553 && !(minus || (config.bounce && r.outcome == rbl::Outcome::listed))) std::abort();
  if (r.outcome == rbl::Outcome::dns_error && r.code != 0 && !(r.code == 451 && config.fail_closed)) std::abort();
  if ((r.outcome == rbl::Outcome::clean || r.outcome == rbl::Outcome::accepted) && r.code != 0) std::abort();
  if (r.outcome == rbl::Outcome::listed && r.code == 0) std::abort();
  check_text(r.text);

  // The zones: which answers belong to which, and what each may decide.
  if (!config.rblsmtpd) {
    bool any_real = false;  // an answer that can decide anything: not bogus
    bool decider_ok = r.outcome == rbl::Outcome::clean;
    size_t next = 0;
    for (const auto& zone : config.zones) {
      const Answer& a = answers[next++];
      bool txt_zone = !zone.anti && zone.message.empty();
      const Answer* txt = txt_zone ? &answers[next++] : nullptr;
      if (!bogus(a)) any_real = true;
      if (zone.name != r.zone || bogus(a)) continue;
      switch (r.outcome) {
        case rbl::Outcome::listed:
          decider_ok |= !zone.anti && (std::any_of(a.records.begin(), a.records.end(), in_127) ||
                                       (txt && txt->status == Lookup::found));
          break;
        case rbl::Outcome::accepted:
          decider_ok |= zone.anti && std::any_of(a.records.begin(), a.records.end(), in_127);
          break;
        case rbl::Outcome::dns_error:
          decider_ok |= a.status == Lookup::error || std::any_of(a.records.begin(), a.records.end(), in_127) ||
                        (txt && txt->status == Lookup::error);
          break;
        case rbl::Outcome::clean: break;
      }
    }
    if (next != answers.size()) std::abort();
    if (!decider_ok) std::abort();  // decided by a zone that could not decide so
    if (!any_real && (r.outcome != rbl::Outcome::clean || r.code != 0)) std::abort();
    if (r.warnings.size() > config.zones.size()) std::abort();
    for (const auto& w : r.warnings) {
      if (w.find("not a DNSBL answer") == std::string::npos || w.size() > 600) std::abort();
      for (char c : w)
        if (c < 32 || c > 126) std::abort();
    }
  }

  // The cache: what write_cache leaves in the environment, read_cache reads back.
  Verdict v;
  rbl::write_cache(v, r);
  Env cached;
  for (const auto& line : v.lines()) {
    if (line[0] != 'S') std::abort();
    size_t eq = line.find('=');
    cached.set(line.substr(1, eq - 1), line.substr(eq + 1));
  }
  auto back = rbl::read_cache(cached);
  if (!back || back->outcome != r.outcome || back->code != r.code) std::abort();
  if (r.code && back->text != r.text) std::abort();

  // The whole check at RCPT: it refuses exactly when the result has a code.
  Env smtp;
  smtp.set("TCPREMOTEIP", ip);
  smtp.set("SMTPMAILFROM", "s@x.example");
  smtp.set("SMTPRCPTTO", "r@y.example");
  smtp.set("SMTPRCPTCOUNT", "0");
  ScriptedResolver dns(answers);
  rbl::Decision d = rbl::decide(Hook::rcpt, smtp, config, dns);
  if (config.rblsmtpd || !queries.empty()) {
    bool refused = d.verdict.terminal() == Terminal::error;
    if (refused != (r.code != 0)) std::abort();
    if (refused && d.verdict.terminal_text().rfind(std::to_string(r.code), 0) != 0) std::abort();
  } else if (d.verdict.terminal() == Terminal::error && !(config.unreadable && config.fail_closed)) {
    std::abort();
  }
  return 0;
}
