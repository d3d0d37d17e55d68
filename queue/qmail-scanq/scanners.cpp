// scanners: clamd (zINSTREAM) and spamd (SPAMC/1.5 CHECK) clients over a unix
// or TCP socket. Every step has a deadline; every failure is a fault the
// caller maps to 71 (or "pass unscanned" by setting), never to "clean".
#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "clock.h"
#include "scanq.h"
#include "text.h"

namespace spp::scanq {

namespace {

// One connection with one deadline for everything done on it.
class Conn {
 public:
  Conn(unsigned long timeout) : deadline_(now_ms() + (long long)timeout * 1000) {}
  ~Conn() {
    if (fd_ >= 0) close(fd_);
  }
  std::string error;

  bool connect_to(const std::string& address) {
    if (address.empty()) return fail("no address configured");
    if (address[0] == '/') {
      struct sockaddr_un sun{};
      if (address.size() >= sizeof sun.sun_path) return fail("socket path too long");
      sun.sun_family = AF_UNIX;
      std::memcpy(sun.sun_path, address.c_str(), address.size() + 1);
      return open_and_connect(AF_UNIX, reinterpret_cast<sockaddr*>(&sun), sizeof sun);
    }
    size_t colon = address.rfind(':');
    if (colon == std::string::npos) return fail("not a path or host:port: " + address);
    std::string host = address.substr(0, colon), port = address.substr(colon + 1);
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    // Numeric only: no resolver in the queue path (and no DNS outside lib/dns).
    struct addrinfo hints{}, *ai = nullptr;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
    if (getaddrinfo(host.c_str(), port.c_str(), &hints, &ai) != 0 || !ai)
      return fail("not a numeric host:port: " + address);
    bool ok = open_and_connect(ai->ai_family, ai->ai_addr, ai->ai_addrlen);
    freeaddrinfo(ai);
    return ok;
  }

  bool send_all(std::string_view data) {
    while (!data.empty()) {
      if (!wait(POLLOUT)) return false;
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n <= 0) return fail(std::string("send: ") + std::strerror(errno));
      data.remove_prefix(size_t(n));
    }
    return true;
  }

  void shutdown_write() { shutdown(fd_, SHUT_WR); }

  // Reads until EOF, or until `stop` is seen, at most max bytes.
  bool receive(std::string& out, size_t max, char stop) {
    char buf[4096];
    for (;;) {
      if (!wait(POLLIN)) return false;
      ssize_t n = recv(fd_, buf, sizeof buf, 0);
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      if (n < 0) return fail(std::string("recv: ") + std::strerror(errno));
      if (n == 0) return true;
      out.append(buf, size_t(n));
      if (out.size() > max) return fail("reply too long");
      if (stop && out.find(stop) != std::string::npos) return true;
    }
  }

  // What the peer already said (after a failed send: clamd's size-limit answer).
  void drain(std::string& out, size_t max) {
    char buf[1024];
    struct pollfd p{fd_, POLLIN, 0};
    while (out.size() < max && poll(&p, 1, 200) == 1) {
      ssize_t n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT);
      if (n <= 0) return;
      out.append(buf, size_t(n));
    }
  }

 private:
  bool fail(std::string why) {
    error = std::move(why);
    return false;
  }
  bool wait(short events) {
    for (;;) {
      long long left = deadline_ - now_ms();
      if (left <= 0) return fail("timed out");
      struct pollfd p{fd_, events, 0};
      int r = poll(&p, 1, int(left > 1000000 ? 1000000 : left));
      if (r < 0 && errno == EINTR) continue;
      if (r < 0) return fail(std::string("poll: ") + std::strerror(errno));
      if (r == 0) return fail("timed out");
      return true;
    }
  }
  bool open_and_connect(int family, const sockaddr* sa, socklen_t len) {
    fd_ = socket(family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd_ < 0) return fail(std::string("socket: ") + std::strerror(errno));
    if (connect(fd_, sa, len) == 0) return true;
    if (errno != EINPROGRESS && errno != EAGAIN) return fail(std::string("connect: ") + std::strerror(errno));
    if (!wait(POLLOUT)) return false;
    int err = 0;
    socklen_t l = sizeof err;
    getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &l);
    if (err) return fail(std::string("connect: ") + std::strerror(err));
    return true;
  }

  int fd_ = -1;
  long long deadline_;
};

constexpr size_t kChunk = 65536;

}  // namespace

ClamReply scan_clamd(const std::string& address, unsigned long timeout, const Spool& message) {
  ClamReply r;
  Conn c(timeout);
  if (!c.connect_to(address)) {
    r.detail = "clamd " + address + ": " + c.error;
    return r;
  }
  bool sent = c.send_all(std::string_view("zINSTREAM\0", 10)) &&
              message.each_chunk(kChunk, [&](std::string_view chunk) {
                uint32_t len = htonl(uint32_t(chunk.size()));
                return c.send_all(std::string_view(reinterpret_cast<const char*>(&len), 4)) && c.send_all(chunk);
              }) &&
              c.send_all(std::string_view("\0\0\0\0", 4));
  std::string reply;
  if (!sent) {
    // clamd stops reading past StreamMaxLength and says so before closing.
    std::string why = c.error.empty() ? "reading the temp file failed" : c.error;
    c.drain(reply, 1024);
    ClamReply said = parse_clamd_reply(reply);
    if (said.status == ClamStatus::too_large) return said;
    r.detail = "clamd " + address + ": " + why;
    return r;
  }
  if (!c.receive(reply, 4096, '\0')) {
    ClamReply said = parse_clamd_reply(reply);
    if (said.status == ClamStatus::too_large) return said;
    r.detail = "clamd " + address + ": " + c.error;
    return r;
  }
  if (reply.empty()) {
    r.detail = "clamd " + address + ": closed without an answer";
    return r;
  }
  return parse_clamd_reply(reply);
}

SpamReply scan_spamd(const std::string& address, unsigned long timeout, const Spool& message) {
  SpamReply r;
  Conn c(timeout);
  if (!c.connect_to(address)) {
    r.error = "spamd " + address + ": " + c.error;
    return r;
  }
  std::string head = "CHECK SPAMC/1.5\r\nContent-length: " + std::to_string(message.size()) + "\r\n\r\n";
  bool sent = c.send_all(head) && message.each_chunk(kChunk, [&](std::string_view chunk) { return c.send_all(chunk); });
  if (!sent) {
    r.error = "spamd " + address + ": " + (c.error.empty() ? "reading the temp file failed" : c.error);
    return r;
  }
  c.shutdown_write();
  std::string reply;
  if (!c.receive(reply, 65536, 0)) {
    r.error = "spamd " + address + ": " + c.error;
    return r;
  }
  r = parse_spamd_reply(reply);
  if (!r.ok) r.error = "spamd " + address + ": " + r.error;
  return r;
}

}  // namespace spp::scanq
