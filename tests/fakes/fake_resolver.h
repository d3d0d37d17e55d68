// FakeResolver: a scripted spp::Resolver for unit tests (ninja's VirtualFileSystem idea).
//
//   FakeResolver dns;
//   dns.set("2.0.0.127.bl.example", RRType::txt, found({"listed"}));
//   dns.set_zone_status("slow.example", temp_fail_answer("timeout"));
//
// A query with no scripted answer is not_found (NXDOMAIN). Every resolve()
// call is recorded, so tests can assert "no lookup at all" or "all zones in
// one parallel call" and which timeout was asked for.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "dns.h"

namespace spp::testing {

inline Answer found(std::vector<std::string> records) { return Answer{Lookup::found, std::move(records), ""}; }
inline Answer not_found_answer() { return Answer{Lookup::missing, {}, ""}; }
inline Answer temp_fail_answer(std::string why) { return Answer{Lookup::error, {}, std::move(why)}; }

class FakeResolver : public Resolver {
 public:
  struct Call {
    std::vector<Query> queries;
    int timeout_ms;
  };

  /// The answer for exactly this name and type.
  void set(const std::string& name, RRType type, Answer answer) { exact_[{name, type}] = std::move(answer); }
  /// The answer for every query under a zone (any type) that has no exact answer.
  void set_zone_status(const std::string& zone, Answer answer) { zones_[zone] = std::move(answer); }

  std::vector<Answer> resolve(const std::vector<Query>& queries, int timeout_ms) override {
    calls_.push_back({queries, timeout_ms});
    std::vector<Answer> out;
    for (const auto& q : queries) out.push_back(answer_for(q));
    return out;
  }

  const std::vector<Call>& calls() const { return calls_; }
  size_t query_count() const {
    size_t n = 0;
    for (const auto& c : calls_) n += c.queries.size();
    return n;
  }

 private:
  Answer answer_for(const Query& q) const {
    if (auto it = exact_.find({q.name, q.type}); it != exact_.end()) return it->second;
    for (const auto& [zone, answer] : zones_) {
      if (q.name.size() > zone.size() && q.name.compare(q.name.size() - zone.size(), zone.size(), zone) == 0 &&
          q.name[q.name.size() - zone.size() - 1] == '.')
        return answer;
    }
    return not_found_answer();
  }

  std::map<std::pair<std::string, RRType>, Answer> exact_;
  std::map<std::string, Answer> zones_;
  std::vector<Call> calls_;
};

}  // namespace spp::testing
