// spool: the message from fd 0, bounded, into memory or an unlinked temp file.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "file.h"
#include "scanq.h"

namespace spp::scanq {

namespace {

// An unlinked file in dir: O_TMPFILE where the file system has it, else mkstemp + unlink.
int temp_file(const std::string& dir) {
  int fd = open(dir.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)) return fd;
  std::string tmpl = dir + "/qmail-scanq.XXXXXX";
  fd = mkostemp(tmpl.data(), O_CLOEXEC);
  if (fd >= 0) unlink(tmpl.c_str());
  return fd;
}

}  // namespace

Spool::~Spool() {
  if (fd_ >= 0) close(fd_);
}

bool Spool::pread_chunk(uint64_t offset, char* buf, size_t n) const {
  size_t done = 0;
  while (done < n) {
    ssize_t r = pread(fd_, buf + done, n - done, off_t(offset + done));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    done += size_t(r);
  }
  return true;
}

int Spool::read_from(int in, const Config& config, MimeWalker& walker, std::string& error) {
  static char buf[65536];
  for (;;) {
    ssize_t n = read(in, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error = std::string("reading the message: ") + std::strerror(errno);
      return qq::read_error;
    }
    if (n == 0) break;
    std::string_view chunk(buf, size_t(n));
    if (config.maxbytes && size_ + chunk.size() > config.maxbytes) {
      error = "message larger than scanq_maxbytes (" + std::to_string(config.maxbytes) + ")";
      return qq::refused;
    }
    walker.feed(chunk);
    size_ += chunk.size();
    if (fd_ < 0 && size_ > config.memory) {
      fd_ = temp_file(config.tmpdir);
      if (fd_ < 0) {
        error = "temp file in " + config.tmpdir + ": " + std::strerror(errno);
        return qq::write_error;
      }
      if (!write_all(fd_, mem_)) {
        error = "writing the temp file: " + std::string(std::strerror(errno));
        return qq::write_error;
      }
      std::string().swap(mem_);
      mem_.clear();
    }
    if (fd_ >= 0) {
      if (!write_all(fd_, chunk)) {
        error = "writing the temp file: " + std::string(std::strerror(errno));
        return qq::write_error;
      }
    } else {
      mem_.append(chunk);
    }
  }
  walker.finish();
  return qq::ok;
}

}  // namespace spp::scanq
