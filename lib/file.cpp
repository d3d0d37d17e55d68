#include "file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace spp {

int read_file(const std::string& path, std::string& out, size_t max_bytes) {
  out.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return errno;
  struct stat st;
  int err = 0;
  if (fstat(fd, &st) != 0) {
    err = errno;
  } else if (S_ISDIR(st.st_mode)) {
    err = EISDIR;
  } else if (!S_ISREG(st.st_mode)) {
    err = kNotRegularFile;
  } else if (size_t(st.st_size) > max_bytes) {
    err = EFBIG;
  }
  if (err == 0) {
    // Straight into `out`, sized from fstat: no stack buffer (its pages are
    // page faults at every plugin start) and no copy. One byte more than the
    // size, so a file grown since fstat shows as a full read and grows `out`.
    size_t have = 0;
    out.resize(size_t(st.st_size) + 1);
    for (;;) {
      if (have == out.size()) {
        if (have > max_bytes) {
          err = EFBIG;
          break;
        }
        out.resize(std::min(out.size() * 2, max_bytes + 1));
      }
      ssize_t n = ::read(fd, out.data() + have, out.size() - have);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) err = errno;
      if (n <= 0) break;
      have += size_t(n);
    }
    out.resize(have);
    if (err == 0 && have > max_bytes) err = EFBIG;
  }
  ::close(fd);
  if (err) out.clear();
  return err;
}

int read_fd(int fd, std::string& out, size_t max_bytes) {
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return errno;
    if (n == 0) return 0;
    out.append(buf, size_t(n));
    if (out.size() > max_bytes) return EFBIG;
  }
}

std::string file_error(int err) {
  if (err == kNotRegularFile) return "not a regular file";
  if (err == EFBIG) return "file too large";
  return std::strerror(err);
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data.remove_prefix(size_t(n));
  }
  return true;
}

}  // namespace spp

namespace spp {

int for_each_line(const std::string& path, const std::function<void(std::string_view)>& fn) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd < 0) return errno;
  struct stat st;
  int err = 0;
  if (fstat(fd, &st) != 0) err = errno;
  else if (S_ISDIR(st.st_mode)) err = EISDIR;
  else if (!S_ISREG(st.st_mode)) err = kNotRegularFile;
  static char buf[64 << 10];
  size_t have = 0;
  while (err == 0) {
    ssize_t n = ::read(fd, buf + have, sizeof(buf) - have);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      break;
    }
    have += size_t(n);
    size_t start = 0;
    for (;;) {
      const void* nl = std::memchr(buf + start, '\n', have - start);
      if (!nl) break;
      size_t end = size_t(static_cast<const char*>(nl) - buf);
      fn(std::string_view(buf + start, end - start));
      start = end + 1;
    }
    if (n == 0 || (start == 0 && have == sizeof(buf))) {  // EOF, or a line longer than the buffer
      if (have > start) fn(std::string_view(buf + start, have - start));
      if (n == 0) break;
      have = 0;
      continue;
    }
    std::memmove(buf, buf + start, have - start);
    have -= start;
  }
  ::close(fd);
  return err;
}

}  // namespace spp
