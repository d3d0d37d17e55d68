#include "file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace spp {

int read_file(const std::string& path, std::string& out, size_t max_bytes) {
  out.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  char buf[8192];
  int err = 0;
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    out.append(buf, size_t(n));
    if (out.size() > max_bytes) {
      err = EFBIG;
      break;
    }
  }
  ::close(fd);
  return err;
}

}  // namespace spp
