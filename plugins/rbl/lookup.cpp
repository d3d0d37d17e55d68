// rbl lookup: the queries for the zones, rblsmtpd's decision over the
// answers, and the verdict cache in the environment.
#include "rbl/rbl.h"

#include "text.h"

namespace spp::rbl {

namespace {

constexpr size_t kMaxText = 200;  // rblsmtpd cuts the list's text here
constexpr const char* kLookupError = "temporary RBL lookup error";

// Zones with a configured message are A-only lists; the others publish TXT.
bool wants_txt(const Zone& zone) { return !zone.anti && zone.message.empty(); }

// rblsmtpd's treatment of the text: at most 200 bytes, and every byte
// outside printable ASCII becomes '?'. (Also keeps CR/LF out of the reply.)
std::string ascii_text(std::string_view text, size_t max = kMaxText) {
  return printable(text, max, EightBit::replace);
}

std::string replace_all(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
    text.replace(at, from.size(), to);
  return text;
}

// The reply for a listing always names the client, so the log of the
// rejected sender shows which address was listed.
std::string listing_text(const Zone& zone, const Answer* txt, std::string_view ip) {
  std::string text;
  if (!zone.message.empty()) {
    text = ascii_text(replace_all(zone.message, "%IP%", ip));
  } else if (txt && txt->status == Lookup::found) {
    std::string joined;  // like rblsmtpd: all records, one after the other
    for (const auto& r : txt->records) joined += r;
    text = ascii_text(joined);
  }
  if (text.empty()) return "client " + std::string(ip) + " is listed in " + zone.name;
  if (text.find(ip) == std::string::npos) text += " (" + std::string(ip) + ")";
  return text;
}

// What a DNSBL's A records say. Lists answer inside 127.0.0.0/8. Spamhaus
// and others use 127.255.255.0/24 to say "query refused" (e.g. asked through a
// public resolver): that is the list failing, not a listing, or every client
// would be refused. An answer with only addresses outside 127/8 comes from a
// wildcard or a hijacking resolver: no listing either, whatever TXT record
// comes with it (bogus).
enum class ACode { none, listed, refused, bogus };

ACode classify(const Answer& a, std::string& refused_code) {
  if (a.status != Lookup::found) return ACode::none;
  ACode result = a.records.empty() ? ACode::none : ACode::bogus;
  for (const auto& r : a.records) {
    if (r.rfind("127.", 0) != 0) continue;
    if (r.rfind("127.255.255.", 0) == 0) {
      refused_code = r;
      if (result != ACode::listed) result = ACode::refused;
      continue;
    }
    result = ACode::listed;
  }
  return result;
}

}  // namespace

std::vector<Query> build_queries(const Config& config, std::string_view ip) {
  std::vector<Query> queries;
  for (const auto& zone : config.zones) {
    auto name = dnsbl_query_name(ip, zone.name);
    if (!name) return {};  // not an address: nothing to ask
    queries.push_back({*name, RRType::a});
    if (wants_txt(zone)) queries.push_back({*name, RRType::txt});
  }
  return queries;
}

Result evaluate(const Config& config, std::string_view ip, const std::vector<Answer>& answers) {
  if (config.rblsmtpd) {  // set by tcprules: decides before any list is asked
    const std::string& v = *config.rblsmtpd;
    if (v.empty()) return {Outcome::accepted, 0, "", "RBLSMTPD", ""};
    if (v[0] == '-') return {Outcome::listed, 553, ascii_text(v.substr(1)), "RBLSMTPD", ""};
    return {Outcome::listed, 451, ascii_text(v), "RBLSMTPD", ""};
  }
  Result failed{Outcome::clean, 0, "", "", ""};  // the first zone that could not be asked
  std::vector<std::string> warnings;
  auto decided = [&warnings](Result r) {
    r.warnings = std::move(warnings);
    return r;
  };
  size_t next = 0;
  for (const auto& zone : config.zones) {
    if (next >= answers.size()) break;
    const Answer& a = answers[next++];
    const Answer* txt = wants_txt(zone) && next < answers.size() ? &answers[next++] : nullptr;
    std::string refused_code;
    ACode code = classify(a, refused_code);
    if (code == ACode::bogus) {
      // Our resolver's fault is never a refusal, and a bogus answer is no
      // evidence either way: as if the zone had not been asked, loudly.
      std::string addrs;
      for (const auto& r : a.records) addrs += (addrs.empty() ? "" : ", ") + ascii_text(r, 64);
      warnings.push_back(zone.name + " answered " + addrs + " for " + ascii_text(ip, 64) +
                         ": not a DNSBL answer (wildcard or hijacking resolver?); ignored");
      continue;
    }
    bool error = a.status == Lookup::error || code == ACode::refused ||
                 (txt && txt->status == Lookup::error);
    std::string reason = a.status == Lookup::error ? a.error
                         : code == ACode::refused       ? "the list refused the query: " + refused_code
                         : txt                          ? txt->error
                                                        : "";
    if (zone.anti) {
      if (code == ACode::listed) return decided({Outcome::accepted, 0, "", zone.name, ""});
      if (!error) continue;
      // rblsmtpd: an anti-RBL that cannot be asked accepts when failing open.
      if (!config.fail_closed) return decided({Outcome::dns_error, 0, "", zone.name, reason});
      if (failed.zone.empty()) failed = {Outcome::dns_error, 0, "", zone.name, reason};
      continue;
    }
    // A refusal code comes with an explaining TXT record: that is no listing either.
    bool listed = code == ACode::listed || (code != ACode::refused && txt && txt->status == Lookup::found);
    if (listed) {
      // Any DNS failure before the listing forces 451, even with flagrblbounce (rblsmtpd).
      int reply_code = config.bounce && failed.zone.empty() ? 553 : 451;
      return decided({Outcome::listed, reply_code, listing_text(zone, txt, ip), zone.name, ""});
    }
    if (!error) continue;
    if (config.fail_closed) return decided({Outcome::dns_error, 451, kLookupError, zone.name, reason});
    if (failed.zone.empty()) failed = {Outcome::dns_error, 0, "", zone.name, reason};
  }
  return decided(failed);  // clean, or a failure we fail open on (an anti-RBL failing closed just doesn't accept)
}

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::clean: return "clean";
    case Outcome::accepted: return "accepted";
    case Outcome::listed: return "listed";
    case Outcome::dns_error: return "dnserror";
  }
  return "clean";
}

std::optional<Result> read_cache(const Env& env) {
  auto name = env.get(kResultVar);
  if (!name) return std::nullopt;
  Result r;
  if (*name == "clean") r.outcome = Outcome::clean;
  else if (*name == "accepted") r.outcome = Outcome::accepted;
  else if (*name == "listed") r.outcome = Outcome::listed;
  else if (*name == "dnserror") r.outcome = Outcome::dns_error;
  else return std::nullopt;
  auto reply = env.get(kReplyVar);
  bool refuses = r.outcome == Outcome::listed || r.outcome == Outcome::dns_error;
  if (!refuses || !reply || reply->empty()) {
    if (r.outcome == Outcome::listed) return std::nullopt;  // a listing without its reply: ask again
    return r;
  }
  // "451 text": a 4xx or 5xx code, then the text.
  auto code = parse_ulong(reply->substr(0, 3));
  if (!code || *code < 400 || *code > 599 || (reply->size() > 3 && (*reply)[3] != ' ')) return std::nullopt;
  r.code = int(*code);
  r.text = ascii_text(reply->size() > 4 ? reply->substr(4) : std::string_view(), 2 * kMaxText);
  return r;
}

void write_cache(Verdict& verdict, const Result& result) {
  verdict.setenv(kResultVar, outcome_name(result.outcome));
  if (result.code) verdict.setenv(kReplyVar, std::to_string(result.code) + ' ' + result.text);
}

}  // namespace spp::rbl
