// cdb: read-only constant databases (tinycdb), with qmail's tri-state answers.
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
  CdbResult find(std::string_view key) const;
  const std::string& error() const { return error_; }
  bool is_open() const { return db_ != nullptr; }

 private:
  int fd_ = -1;
  void* db_ = nullptr;  // struct cdb*
  std::string error_;
};

}  // namespace spp
