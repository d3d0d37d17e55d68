// cdb: read-only constant databases (tinycdb), with qmail's tri-state answers.
#pragma once

#include <string>
#include <string_view>

namespace spp {

enum class CdbStatus { found, not_found, error };

struct CdbResult {
  CdbStatus status = CdbStatus::error;
  std::string value;
  std::string error;
};

class Cdb {
 public:
  Cdb() = default;
  ~Cdb();
  Cdb(const Cdb&) = delete;
  Cdb& operator=(const Cdb&) = delete;

  /// found: opened; not_found: the file does not exist; error: anything else (errno text in error()).
  CdbStatus open(const std::string& path);
  CdbResult find(std::string_view key) const;
  const std::string& error() const { return error_; }

 private:
  int fd_ = -1;
  void* db_ = nullptr;  // struct cdb*
  std::string error_;
};

}  // namespace spp
