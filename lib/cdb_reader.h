// cdb: read-only constant databases (the cdb format of tinycdb and djb's
// cdb), with qmail's tri-state answers.
//
// Read with pread(2), not mapped: a plugin does a few lookups per exec, and
// mapping a 4.5 MB cdb cost a page fault per probed page (~30 us each in a
// VM) plus the mmap/munmap; reading the 2 KB header once and the few slots
// and records a lookup needs costs a couple of syscalls (README "Start-up
// budget"). Bounds are checked against the file size: a corrupt file is an
// error, never a read outside it.
#pragma once

#include <string>
#include <string_view>

#include "lookup.h"

namespace spp {

struct CdbResult {
  Lookup status = Lookup::error;
  std::string value;
  std::string error;
};

class Cdb {
 public:
  Cdb() = default;
  ~Cdb();
  Cdb(const Cdb&) = delete;
  Cdb& operator=(const Cdb&) = delete;

  /// found: opened; missing: the file does not exist; error: anything else,
  /// a FIFO or directory included (why in error()).
  Lookup open(const std::string& path);
  /// The first record of `key`. Safe to call from several threads at once.
  CdbResult find(std::string_view key) const;
  const std::string& error() const { return error_; }
  bool is_open() const { return open_; }

 private:
  bool read_at(unsigned long long pos, char* buf, size_t len) const;
  int fd_ = -1;
  bool open_ = false;
  unsigned long long size_ = 0;
  std::string header_;  // the 256 (position, slots) pairs, 2048 bytes
  std::string error_;
};

}  // namespace spp
