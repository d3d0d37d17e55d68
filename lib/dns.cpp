// PLACEHOLDER — replaced by the c-ares implementation (owned by the RBL work).
#include "dns.h"

namespace spp {
namespace {
class NullResolver : public Resolver {
 public:
  std::vector<Answer> resolve(const std::vector<Query>& q, int) override {
    return std::vector<Answer>(q.size(), Answer{DnsStatus::temp_fail, {}, "no resolver"});
  }
};
}  // namespace
std::unique_ptr<Resolver> make_system_resolver() { return std::make_unique<NullResolver>(); }
std::optional<std::string> reverse_ipv4(std::string_view) { return std::nullopt; }
std::optional<std::string> reverse_ipv6_nibbles(std::string_view) { return std::nullopt; }
std::optional<std::string> dnsbl_query_name(std::string_view, std::string_view) { return std::nullopt; }
std::optional<std::string> ptr_query_name(std::string_view) { return std::nullopt; }
}  // namespace spp
