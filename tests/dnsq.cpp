// dnsq: drives spp::Resolver (the real c-ares one) from shell tests.
//   dnsq [-t TIMEOUT_MS] TYPE NAME [TYPE NAME ...]     TYPE: a aaaa txt mx ptr
// Prints one line per query, in order: "found REC | REC", "not_found" or
// "temp_fail WHY"; then "elapsed_ms N" on stderr. Test-only: not installed.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "dns.h"

int main(int argc, char** argv) {
  int timeout_ms = 2000;
  int i = 1;
  if (i + 1 < argc && std::strcmp(argv[i], "-t") == 0) {
    timeout_ms = std::atoi(argv[i + 1]);
    i += 2;
  }
  std::vector<spp::Query> queries;
  for (; i + 1 < argc; i += 2) {
    std::string t = argv[i];
    spp::RRType type = t == "aaaa" ? spp::RRType::aaaa
                       : t == "txt" ? spp::RRType::txt
                       : t == "mx"  ? spp::RRType::mx
                       : t == "ptr" ? spp::RRType::ptr
                                    : spp::RRType::a;
    queries.push_back({argv[i + 1], type});
  }
  if (i != argc || queries.empty()) {
    std::fprintf(stderr, "usage: dnsq [-t TIMEOUT_MS] TYPE NAME [TYPE NAME ...]\n");
    return 100;
  }
  auto start = std::chrono::steady_clock::now();
  auto answers = spp::make_system_resolver()->resolve(queries, timeout_ms);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start);
  for (const auto& a : answers) {
    if (a.status == spp::Lookup::found) {
      std::string line = "found";
      for (size_t r = 0; r < a.records.size(); ++r) line += (r ? " | " : " ") + a.records[r];
      std::printf("%s\n", line.c_str());
    } else if (a.status == spp::Lookup::missing) {
      std::printf("not_found\n");
    } else {
      std::printf("temp_fail %s\n", a.error.c_str());
    }
  }
  std::fprintf(stderr, "elapsed_ms %lld\n", static_cast<long long>(ms.count()));
  return 0;
}
