#include "log.h"

#include <unistd.h>

#include <cerrno>
#include <string>

#include "file.h"
#include "text.h"

namespace spp::log {
namespace {
constexpr size_t kMaxMessage = 1000;
const char* g_program = "spp";
int g_fd = 2;

void emit(const char* level, std::string_view message) {
  std::string line;
  line.reserve(64 + message.size());
  line += g_program;
  line += ": ";
  line += level;
  line += ": ";
  // One event, one line, of bounded length: messages quote client input
  // (addresses, HELO, DNS text), which must not forge log lines or carry
  // terminal escapes (C0 or C1) into the log.
  line += printable(message, kMaxMessage, EightBit::replace);
  if (message.size() > kMaxMessage) line += "...";
  line += '\n';
  int saved = errno;
  write_all(g_fd, line);  // nowhere to log when it fails: nothing better to do
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
