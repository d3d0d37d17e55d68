/* probe: a qmail-spp plugin that reports how it was started, for the
 * conformance tests (reference/qmail-spp.md §4, §11 items 2, 13, 16).
 *
 * Report: one line appended to $PROBE_LOG (default: fd 2, i.e. wherever
 * qmail-smtpd's stderr goes):
 *   probe: argv0=<argv[0]> argc=<n> args=<argv[1]>,... fd0=closed|open
 *          sigpipe=ignored|default|handled fd2=<target of fd 2> [NAME=value|NAME=(unset) ...] after=...
 * the NAME list comes from $PROBE_VARS (comma-separated).
 * Behaviour:
 *   PROBE_OUT    written to stdout in one write(); the two characters \n become LF
 *   PROBE_AFTER  written after PROBE_OUT and a pause of PROBE_AFTER_MS (default 300)
 *                milliseconds; the report then says after=ok|EPIPE|error
 *   PROBE_SIGNAL raise this signal number at the end (e.g. 11)
 *   PROBE_EXIT   exit status (default 0)
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static size_t unescape(const char *in, char *out, size_t cap) {
  size_t n = 0;
  while (*in && n + 1 < cap) {
    if (in[0] == '\\' && in[1] == 'n') { out[n++] = '\n'; in += 2; }
    else out[n++] = *in++;
  }
  return n;
}

int main(int argc, char **argv) {
  char report[8192];
  size_t len = 0;
  int i;
  const char *fd0 = fcntl(0, F_GETFD) == -1 && errno == EBADF ? "closed" : "open";
  struct sigaction sa;
  const char *pipe_disp = "default";
  char fd2[512] = "closed";
  ssize_t l;
  const char *out, *after, *vars;
  char buf[4096];
  const char *after_result = "none";

  if (sigaction(SIGPIPE, NULL, &sa) == 0) {
    if (sa.sa_handler == SIG_IGN) pipe_disp = "ignored";
    else if (sa.sa_handler != SIG_DFL) pipe_disp = "handled";
  }
  l = readlink("/proc/self/fd/2", fd2, sizeof fd2 - 1);
  if (l >= 0) fd2[l] = 0;

  out = getenv("PROBE_OUT");
  if (out) {
    size_t n = unescape(out, buf, sizeof buf);
    if (write(1, buf, n) < 0) { /* reported through after= only */ }
  }
  after = getenv("PROBE_AFTER");
  if (after) {
    const char *ms = getenv("PROBE_AFTER_MS");
    long wait = ms ? atol(ms) : 300;
    struct timespec ts;
    size_t n = unescape(after, buf, sizeof buf);
    ts.tv_sec = wait / 1000;
    ts.tv_nsec = (wait % 1000) * 1000000L;
    nanosleep(&ts, NULL);
    if (write(1, buf, n) >= 0) after_result = "ok";
    else after_result = errno == EPIPE ? "EPIPE" : "error";
  }

  len += snprintf(report + len, sizeof report - len, "probe: argv0=%s argc=%d args=", argv[0], argc);
  for (i = 1; i < argc && len < sizeof report; ++i)
    len += snprintf(report + len, sizeof report - len, "%s%s", i > 1 ? "," : "", argv[i]);
  if (len < sizeof report)
    len += snprintf(report + len, sizeof report - len, " fd0=%s sigpipe=%s fd2=%s", fd0, pipe_disp, fd2);
  vars = getenv("PROBE_VARS");
  if (vars) {
    char names[1024];
    char *name, *save = NULL;
    snprintf(names, sizeof names, "%s", vars);
    for (name = strtok_r(names, ",", &save); name && len < sizeof report; name = strtok_r(NULL, ",", &save)) {
      const char *v = getenv(name);
      len += snprintf(report + len, sizeof report - len, " %s=%s", name, v ? v : "(unset)");
    }
  }
  if (len < sizeof report) len += snprintf(report + len, sizeof report - len, " after=%s\n", after_result);
  if (len > sizeof report) len = sizeof report;
  {
    const char *log = getenv("PROBE_LOG");
    int fd = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0644) : 2;
    if (fd >= 0 && write(fd, report, len) < 0) { /* nowhere to report */ }
  }
  if (getenv("PROBE_SIGNAL")) {
    signal(atoi(getenv("PROBE_SIGNAL")), SIG_DFL);
    raise(atoi(getenv("PROBE_SIGNAL")));
  }
  return getenv("PROBE_EXIT") ? atoi(getenv("PROBE_EXIT")) : 0;
}
