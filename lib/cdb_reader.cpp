#include "cdb_reader.h"

#include <cdb.h>  // tinycdb
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace spp {

Cdb::~Cdb() {
  if (db_) {
    cdb_free(static_cast<struct cdb*>(db_));
    delete static_cast<struct cdb*>(db_);
  }
  if (fd_ >= 0) ::close(fd_);
}

Lookup Cdb::open(const std::string& path) {
  // Non-blocking: opening a FIFO must not hang the plugin (qmail-spp has no timeout).
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return errno == ENOENT ? Lookup::missing : Lookup::error;
  }
  struct stat st;
  if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    error_ = "not a regular file";
    return Lookup::error;
  }
  auto* db = new struct cdb;
  if (cdb_init(db, fd_) != 0) {
    error_ = "not a cdb file";
    delete db;
    return Lookup::error;
  }
  db_ = db;
  return Lookup::found;
}

CdbResult Cdb::find(std::string_view key) const {
  CdbResult r;
  if (!db_) {
    r.error = "database not open";
    return r;
  }
  auto* db = static_cast<struct cdb*>(db_);
  int found = cdb_find(db, key.data(), unsigned(key.size()));
  if (found < 0) {
    r.error = "corrupt cdb";
    return r;
  }
  if (found == 0) {
    r.status = Lookup::missing;
    return r;
  }
  const void* data = cdb_get(db, cdb_datalen(db), cdb_datapos(db));
  if (!data) {
    r.error = "corrupt cdb";
    return r;
  }
  r.status = Lookup::found;
  r.value.assign(static_cast<const char*>(data), cdb_datalen(db));
  return r;
}

}  // namespace spp
