// spawn: how qmail-spp runs one plugin, for the session simulator.
//
// pipe + fork + (fd 0 closed, fd 1 the pipe, fd 2 inherited, SIGPIPE ignored)
// + execve, or /bin/sh -c for ':' entries; the output is read line by line
// with qmail-spp's rules until EOF or the first terminal command, then the
// child is waited for. No timeout unless the caller asks for one (qmail-spp
// has none). Also the small process helpers the simulated queue uses.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

namespace spp::sim {

/// Splits plugin output into the lines qmail-spp acts on: each LF-terminated
/// chunk (and a final unterminated one) loses its LAST byte; chunks of one byte
/// are ignored. Lines longer than `max_line` are cut there (the rest is read and dropped).
class LineSplitter {
 public:
  explicit LineSplitter(size_t max_line = 64 * 1024) : max_line_(max_line) {}
  /// Appends complete lines of `bytes` to `out`.
  void feed(std::string_view bytes, std::vector<std::string>& out);
  /// End of output: the unterminated rest, if any.
  void finish(std::vector<std::string>& out);

 private:
  void emit(std::vector<std::string>& out);
  size_t max_line_;
  std::string current_;
  size_t raw_len_ = 0;  // bytes of the current chunk, including any cut off
};

/// A, O, N, D, E, R end a plugin's output (the letter must start a line of 2+ bytes).
bool is_terminal(const std::string& line);

/// The result of running one smtpplugins entry.
struct PluginRun {
  std::string spawn_error;          // "can't pipe()" / "fork() failed": nothing ran
  std::vector<std::string> lines;   // as LineSplitter gives them, up to the first terminal one
  bool exited = false;              // normal exit (exit_code valid)
  int exit_code = 0;
  int signal = 0;                   // killed by this signal
  bool timed_out = false;           // killed by our opt-in --timeout
};

/// pipe + fork + (close 0, pipe on 1, SIGPIPE ignored) + execve; ':' entries run
/// as /bin/sh -c. Reads until EOF or the first terminal line, then closes the pipe
/// and waits. timeout_secs <= 0: wait forever, as qmail-spp does.
PluginRun run_plugin(const std::string& entry, const std::vector<std::string>& env,
                     int timeout_secs);

/// `s` as qmail's C strings see it: cut at the first NUL.
inline std::string until_nul(std::string_view s) { return std::string(s.substr(0, s.find('\0'))); }

/// argv/envp arrays pointing into `v`, NULL-terminated.
std::vector<char*> c_strings(const std::vector<std::string>& v);
/// waitpid() with an optional deadline (ms on the monotonic clock, <0 = none);
/// on the deadline the child is killed. Returns false when waitpid itself fails.
bool wait_child(pid_t pid, long long deadline, int& wstat, bool& killed);

}  // namespace spp::sim
