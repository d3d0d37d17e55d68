// srsq: lib/srs from the shell, at a fixed time, for tests/srs-compat.test.
//   srsq -t now [-l hashlen] [-m hashmin] [-a maxage] [-S sep] [-w] -s secret [-s ...]
//        forward ALIAS | reverse      < addresses
// One output line per input line: the result, or "ERR <status>".
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "srs.h"

int main(int argc, char** argv) {
  spp::srs::Params p;
  long long now = 0;
  bool min_set = false;
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; ++i) {
    std::string f = argv[i];
    if (f == "-w") { p.always_rewrite = true; continue; }
    if (i + 1 >= argc) return 100;
    const char* v = argv[++i];
    if (f == "-s") p.secrets.push_back(v);
    else if (f == "-t") now = std::atoll(v);
    else if (f == "-l") p.hash_length = unsigned(std::atoi(v));
    else if (f == "-m") { p.hash_min = unsigned(std::atoi(v)); min_set = true; }
    else if (f == "-a") p.max_age = unsigned(std::atoi(v));
    else if (f == "-S") p.separator = v[0];
    else return 100;
  }
  if (!min_set) p.hash_min = p.hash_length;
  if (i >= argc) return 100;
  bool forward = std::strcmp(argv[i], "forward") == 0;
  std::string alias = forward && i + 1 < argc ? argv[i + 1] : "";
  char* line = nullptr;
  size_t cap = 0;
  ssize_t n;
  while ((n = getline(&line, &cap, stdin)) >= 0) {
    std::string in(line, size_t(n));
    if (!in.empty() && in.back() == '\n') in.pop_back();
    auto r = forward ? spp::srs::forward(p, in, alias, now) : spp::srs::reverse(p, in, now);
    if (r.status == spp::srs::Status::ok || r.status == spp::srs::Status::unchanged)
      std::printf("%s\n", r.address.c_str());
    else
      std::printf("ERR %s\n", spp::srs::describe(r.status));
  }
  std::free(line);
  return 0;
}
