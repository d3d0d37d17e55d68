#include "log.h"

#include <unistd.h>

#include <cerrno>
#include <string>

namespace spp::log {
namespace {
const char* g_program = "spp";
int g_fd = 2;

void emit(const char* level, std::string_view message) {
  std::string line;
  line.reserve(64 + message.size());
  line += g_program;
  line += ": ";
  line += level;
  line += ": ";
  for (char c : message) line += (c == '\n' || c == '\r' || c == '\0') ? ' ' : c;  // one event, one line
  line += '\n';
  int saved = errno;
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(g_fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // nowhere to log: nothing better to do
    p += n;
    left -= size_t(n);
  }
  errno = saved;
}
}  // namespace

void set_program(const char* name) { g_program = name; }
const char* program() { return g_program; }
void set_fd(int fd) { g_fd = fd < 0 ? 2 : fd; }
void info(std::string_view message) { emit("info", message); }
void warn(std::string_view message) { emit("warning", message); }
void error(std::string_view message) { emit("error", message); }

}  // namespace spp::log
