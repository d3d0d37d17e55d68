#include "spawn.h"

#include "clock.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

namespace spp::sim {

std::vector<char*> c_strings(const std::vector<std::string>& v) {
  std::vector<char*> r;
  r.reserve(v.size() + 1);
  for (const std::string& s : v) r.push_back(const_cast<char*>(s.c_str()));
  r.push_back(nullptr);
  return r;
}

bool wait_child(pid_t pid, long long deadline, int& wstat, bool& killed) {
  killed = false;
  for (;;) {
    pid_t r = waitpid(pid, &wstat, deadline < 0 ? 0 : WNOHANG);
    if (r == pid) return true;
    if (r < 0 && errno != EINTR) return false;
    if (r == 0) {
      if (now_ms() >= deadline) {
        kill(pid, SIGKILL);
        killed = true;
        deadline = -1;
        continue;
      }
      struct timespec ts = {0, 10 * 1000 * 1000};
      nanosleep(&ts, nullptr);
    }
  }
}

// ---------------------------------------------------------------- plugin output

void LineSplitter::emit(std::vector<std::string>& out) {
  // qmail-spp overwrites the last byte (normally the LF) and ignores 1-byte lines.
  if (raw_len_ > 1) {
    if (raw_len_ <= max_line_) current_.pop_back();
    out.push_back(std::move(current_));
  }
  current_.clear();
  raw_len_ = 0;
}

void LineSplitter::feed(std::string_view bytes, std::vector<std::string>& out) {
  while (!bytes.empty()) {
    size_t nl = bytes.find('\n');
    std::string_view part = bytes.substr(0, nl == std::string_view::npos ? bytes.size() : nl + 1);
    if (current_.size() < max_line_) current_.append(part.substr(0, max_line_ - current_.size()));
    raw_len_ += part.size();
    bytes.remove_prefix(part.size());
    if (nl != std::string_view::npos) emit(out);
  }
}

void LineSplitter::finish(std::vector<std::string>& out) {
  if (raw_len_) emit(out);
}

bool is_terminal(const std::string& line) {
  return !line.empty() && std::strchr("AONDER", line[0]) != nullptr && line[0] != '\0';
}

namespace {

// qmail-spp's reading of one plugin's output: line by line until EOF or the
// first terminal command (or our opt-in deadline), 128 bytes per read.
void read_plugin_output(int fd, long long deadline, std::vector<std::string>& lines) {
  LineSplitter splitter;
  bool stop = false;
  char buf[128];  // qmail-spp's read buffer size: how much is consumed before it stops
  while (!stop) {
    if (deadline >= 0) {
      struct pollfd p = {fd, POLLIN, 0};
      long long left = deadline - now_ms();
      int r = left > 0 ? poll(&p, 1, static_cast<int>(left)) : 0;
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) break;  // deadline: wait_child kills it
    }
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    std::vector<std::string> fresh;
    if (n <= 0)
      splitter.finish(fresh);
    else
      splitter.feed(std::string_view(buf, static_cast<size_t>(n)), fresh);
    for (std::string& line : fresh) {
      if (stop) break;
      stop = is_terminal(line);
      lines.push_back(std::move(line));
    }
    if (n <= 0) break;
  }
}

}  // namespace

PluginRun run_plugin(const std::string& entry, const std::vector<std::string>& env, int timeout_secs) {
  PluginRun run;
  std::vector<std::string> args;
  if (!entry.empty() && entry[0] == ':')
    args = {"/bin/sh", "-c", entry.substr(1)};
  else
    args = {entry};
  std::vector<char*> argv = c_strings(args);
  std::vector<char*> envp = c_strings(env);

  int pipes[2];
  if (pipe(pipes) == -1) {
    run.spawn_error = "can't pipe()";
    return run;
  }
  pid_t pid = fork();
  if (pid == -1) {
    ::close(pipes[0]);
    ::close(pipes[1]);
    run.spawn_error = "fork() failed";
    return run;
  }
  if (pid == 0) {
    // The child qmail-spp makes: no stdin at all, stdout the pipe, stderr and
    // every other descriptor inherited, SIGPIPE ignored (qmail-smtpd ignores it).
    signal(SIGPIPE, SIG_IGN);
    ::close(0);
    ::close(pipes[0]);
    if (pipes[1] != 1) {
      dup2(pipes[1], 1);
      ::close(pipes[1]);
    }
    execve(argv[0], argv.data(), envp.data());
    _exit(120);
  }
  ::close(pipes[1]);

  long long deadline = timeout_secs > 0 ? now_ms() + timeout_secs * 1000LL : -1;
  read_plugin_output(pipes[0], deadline, run.lines);
  ::close(pipes[0]);

  int wstat = 0;
  bool killed = false;
  if (!wait_child(pid, deadline, wstat, killed)) {
    run.spawn_error = "wait_pid() failed";
    return run;
  }
  run.timed_out = killed;
  if (WIFSIGNALED(wstat)) {
    run.signal = WTERMSIG(wstat);
  } else {
    run.exited = true;
    run.exit_code = WEXITSTATUS(wstat);
  }
  return run;
}

}  // namespace spp::sim
