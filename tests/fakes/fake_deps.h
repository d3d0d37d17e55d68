// FakeDeps: every I/O seam of spp::Deps, in memory, for unit tests of checks.
//
//   FakeDeps deps;
//   deps.files["/home/joe/.qmail-default"] = "|bounce\n";
//   deps.cdbs["/var/qmail/users/cdb"]["!joe-"] = "joe\0...";
//   deps.wall = 1700000000;        // the clock stands still unless a test moves it
//   ... run the check with Context{hook, env, control, deps} ...
//   deps.slept == 5;
//
// A path in `unreadable` answers error (EACCES); any other unknown path is
// missing. The resolver is a FakeResolver (tests/fakes/fake_resolver.h).
#pragma once

#include <cerrno>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "fakes/fake_resolver.h"
#include "plugin.h"

namespace spp::testing {

class FakeDeps : public Deps {
 public:
  FakeResolver resolver;
  std::map<std::string, std::string> files;
  std::map<std::string, std::map<std::string, std::string>> cdbs;
  std::set<std::string> unreadable;
  long long monotonic = 0, wall = 0;
  unsigned long slept = 0;
  std::vector<std::string> addresses;  // local_addresses()

  Resolver& dns() override { return resolver; }
  void sleep_seconds(unsigned seconds) override {
    slept += seconds;
    monotonic += seconds * 1000LL;
  }
  long long monotonic_ms() override { return monotonic; }
  long long wall_seconds() override { return wall; }
  std::vector<std::string> local_addresses() override { return addresses; }

  Lines read_lines(const std::string& path, size_t max_line = 1000) override {
    std::string data;
    int err = read_file(path, data, 16 << 20);
    if (err == ENOENT) return Lines{};
    if (err) return Lines{Lookup::error, {}, "Permission denied"};
    return parse_control_lines(data, max_line);
  }
  int read_file(const std::string& path, std::string& out, size_t max_bytes) override {
    if (unreadable.count(path)) return EACCES;
    auto it = files.find(path);
    if (it == files.end()) return ENOENT;
    if (it->second.size() > max_bytes) return EFBIG;
    out = it->second;
    return 0;
  }
  CdbResult cdb_find(const std::string& path, std::string_view key) override {
    if (unreadable.count(path)) return CdbResult{Lookup::error, "", "Permission denied"};
    auto db = cdbs.find(path);
    if (db == cdbs.end()) return CdbResult{Lookup::missing, "", "No such file or directory"};
    auto it = db->second.find(std::string(key));
    if (it == db->second.end()) return CdbResult{Lookup::missing, "", ""};
    return CdbResult{Lookup::found, it->second, ""};
  }
};

}  // namespace spp::testing
