#include "senderdns.h"

#include "text.h"

namespace spp::senderdns {

namespace {
constexpr const char* kNames[] = {"skipped", "exists", "missing", "dnserror"};
}

const char* result_name(Result r) { return kNames[unsigned(r)]; }

std::optional<std::string> sender_domain(std::string_view sender, bool& invalid) {
  invalid = false;
  size_t at = sender.rfind('@');
  if (sender.empty() || at == std::string_view::npos) return std::nullopt;
  std::string domain = lower_ascii(sender.substr(at + 1));
  if (!domain.empty() && domain.front() == '[') return std::nullopt;  // a domain literal: nothing to look up
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  invalid = !valid_dns_name(domain);
  return domain;
}

std::vector<Query> build_queries(const std::string& domain) {
  return {{domain, RRType::mx}, {domain, RRType::a}, {domain, RRType::aaaa}};
}

Result evaluate(const std::vector<Answer>& answers) {
  bool failed = false;
  for (const auto& a : answers) {
    if (a.status == Lookup::found) return Result::exists;
    if (a.status == Lookup::error) failed = true;
  }
  return failed ? Result::dns_error : Result::missing;
}

Verdict look_up(Resolver& dns, std::string_view sender, int timeout_ms) {
  Verdict v;
  bool invalid = false;
  auto domain = sender_domain(sender, invalid);
  if (!domain) return v;
  v.domain = *domain;
  if (invalid) {
    v.result = Result::missing;
    v.why = "not a valid domain name";
    return v;
  }
  auto answers = dns.resolve(build_queries(*domain), timeout_ms);
  v.result = evaluate(answers);
  for (const auto& a : answers)
    if (a.status == Lookup::error) v.why = a.error;
  return v;
}

std::optional<Result> read_marker(const Env& env, std::string_view sender) {
  auto word = env.marker(kMarker, sender);
  if (!word) return std::nullopt;
  for (unsigned i = 0; i < 4; ++i)
    if (*word == kNames[i]) return Result(i);
  return std::nullopt;
}

std::string marker_value(Result r, std::string_view sender) {
  return std::string(result_name(r)) + " " + std::string(sender);
}

}  // namespace spp::senderdns
