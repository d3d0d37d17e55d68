#include "cdb_writer.h"

#include <cdb.h>  // tinycdb
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace spp {

int write_cdb_atomic(const std::string& path, const std::vector<std::pair<std::string, std::string>>& records,
                     std::string& error) {
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0) {
    int err = errno;
    error = "unable to create " + tmp + ": " + std::strerror(err);
    return err;
  }
  auto fail = [&](const char* what) {
    int err = errno ? errno : EIO;
    error = std::string(what) + " " + tmp + ": " + std::strerror(err);
    ::close(fd);
    ::unlink(tmp.c_str());
    return err;
  };
  struct cdb_make maker;
  errno = 0;
  if (cdb_make_start(&maker, fd) != 0) return fail("unable to start");
  for (const auto& [key, value] : records)
    if (cdb_make_add(&maker, key.data(), unsigned(key.size()), value.data(), unsigned(value.size())) != 0)
      return fail("unable to write");
  if (cdb_make_finish(&maker) != 0) return fail("unable to finish");
  if (fchmod(fd, 0644) != 0 || fsync(fd) != 0) return fail("unable to sync");
  if (::close(fd) != 0) {
    int err = errno;
    error = "unable to close " + tmp + ": " + std::strerror(err);
    ::unlink(tmp.c_str());
    return err;
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    error = "unable to rename " + tmp + " to " + path + ": " + std::strerror(err);
    ::unlink(tmp.c_str());
    return err;
  }
  return 0;
}

}  // namespace spp
