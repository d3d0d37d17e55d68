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
#include "text.h"

namespace spp::testing {

class FakeDeps : public Deps {
 public:
  FakeResolver resolver;
  std::map<std::string, std::string> files;
  std::map<std::string, std::map<std::string, std::string>> cdbs;
  std::set<std::string> unreadable;
  /// stat_path answers: a path here, else a path in `files` (a regular file,
  /// mode 0644, uid 0, its size, mtime `wall`), else ENOENT; a path in
  /// `unreadable`, or below one, answers EACCES. errnos: forced answers.
  std::map<std::string, FileInfo> stats;
  std::map<std::string, int> errnos;
  /// unix_request: the answer of each socket path (a missing path: ECONNREFUSED).
  std::map<std::string, std::string> sockets;
  std::vector<std::string> requests;
  long long monotonic = 0, wall = 0;
  unsigned long slept = 0, slept_ms = 0, stat_calls = 0;
  std::vector<std::string> addresses;  // local_addresses()

  Resolver& dns() override { return resolver; }
  void sleep_seconds(unsigned seconds) override {
    slept += seconds;
    monotonic += seconds * 1000LL;
  }
  void sleep_ms(unsigned ms) override {
    slept_ms += ms;
    monotonic += ms;
  }
  long long monotonic_ms() override { return monotonic; }
  int for_each_line(const std::string& path, const std::function<void(std::string_view)>& fn) override {
    std::string data;
    if (int err = read_file(path, data, 64 << 20)) return err;
    for (std::string_view line : split_lines(data)) fn(line);
    return 0;
  }
  int stat_path(const std::string& path, FileInfo& info) override {
    ++stat_calls;
    auto e = errnos.find(path);
    if (e != errnos.end()) return e->second;
    for (const auto& u : unreadable)
      if (path.size() > u.size() && path.compare(0, u.size(), u) == 0 && path[u.size()] == '/') return EACCES;
    auto it = stats.find(path);
    if (it != stats.end()) {
      info = it->second;
      return 0;
    }
    auto f = files.find(path);
    if (f == files.end()) return ENOENT;
    info = FileInfo{0100644, 0, static_cast<long long>(f->second.size()), wall};
    return 0;
  }
  int unix_request(const std::string& path, std::string_view request, std::string& reply, int, size_t) override {
    requests.emplace_back(request);
    auto it = sockets.find(path);
    if (it == sockets.end()) return ECONNREFUSED;
    reply = it->second;
    return 0;
  }
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
