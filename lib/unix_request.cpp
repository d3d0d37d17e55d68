// unix_request: one bounded request/answer over a unix stream socket.
#include <fcntl.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "clock.h"
#include "file.h"

namespace spp {

namespace {

// Waits for `events` on fd until the deadline: 0, ETIMEDOUT or an errno value.
int wait_for(int fd, short events, long long deadline) {
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0) return ETIMEDOUT;
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, int(left));
    if (n > 0) return 0;
    if (n == 0) return ETIMEDOUT;
    if (errno != EINTR) return errno;
  }
}

}  // namespace

int unix_request(const std::string& path, std::string_view request, std::string& reply, int timeout_ms,
                 size_t max_bytes) {
  reply.clear();
  struct sockaddr_un sa = {};
  sa.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof(sa.sun_path)) return ENAMETOOLONG;
  std::memcpy(sa.sun_path, path.data(), path.size());
  long long deadline = now_ms() + (timeout_ms > 0 ? timeout_ms : 1);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) return errno;
  int err = 0;
  if (connect(fd, reinterpret_cast<struct sockaddr*>(&sa), sizeof(sa)) != 0) {
    err = errno;
    if (err == EINPROGRESS || err == EAGAIN) {
      err = wait_for(fd, POLLOUT, deadline);
      if (!err) {
        socklen_t len = sizeof(err);
        if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
      }
    }
  }
  size_t sent = 0;
  while (!err && sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += size_t(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      err = wait_for(fd, POLLOUT, deadline);
    } else {
      err = n < 0 ? errno : EIO;
    }
  }
  char buf[1024];
  while (!err) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n > 0) {
      if (reply.size() + size_t(n) > max_bytes) {
        err = EFBIG;
        break;
      }
      reply.append(buf, size_t(n));
      if (reply.size() >= 2 && reply.compare(reply.size() - 2, 2, "\n\n") == 0) break;
    } else if (n == 0) {
      break;
    } else if (errno == EAGAIN || errno == EINTR) {
      err = wait_for(fd, POLLIN, deadline);
    } else {
      err = errno;
    }
  }
  close(fd);
  return err;
}

}  // namespace spp
