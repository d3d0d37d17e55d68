/* spawn: time programs the way qmail-spp runs a plugin — pipe, fork, close
 * fd 0, stdout to the pipe, execv with argv = {path}, read to EOF, waitpid —
 * in interleaved rounds so that machine noise hits every program alike.
 *
 *   spawn ROUNDS [NAME=VALUE] PROG...   prints "name min_us median_us" per program
 *
 * The environment is passed through unchanged, plus a NAME=VALUE given just
 * before a PROG for that program only (e.g. its own QMAILDIR). */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static double run_once(const char *path, char *assignment) {
  int pfd[2];
  char buf[128];
  double start = now_us();
  if (pipe(pfd) != 0) { perror("pipe"); exit(111); }
  pid_t pid = fork();
  if (pid < 0) { perror("fork"); exit(111); }
  if (pid == 0) {
    char *argv[2];
    argv[0] = (char *)path;
    argv[1] = 0;
    if (assignment) putenv(assignment);
    close(0);
    close(pfd[0]);
    if (dup2(pfd[1], 1) < 0) _exit(120);
    close(pfd[1]);
    execv(path, argv);
    _exit(120);
  }
  close(pfd[1]);
  while (read(pfd[0], buf, sizeof buf) > 0) {
  }
  close(pfd[0]);
  int status;
  waitpid(pid, &status, 0);
  double elapsed = now_us() - start;
  if (WIFSIGNALED(status) || (WIFEXITED(status) && WEXITSTATUS(status) == 120)) {
    fprintf(stderr, "spawn: %s failed (status %d)\n", path, status);
    exit(111);
  }
  return elapsed;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: spawn ROUNDS [NAME=VALUE] PROG...\n");
    return 100;
  }
  int rounds = atoi(argv[1]), n = 0;
  if (rounds < 1) return 100;
  char **prog = calloc((size_t)argc, sizeof *prog), **assign = calloc((size_t)argc, sizeof *assign);
  for (int a = 2; a < argc; ++a) {
    char *eq = strchr(argv[a], '='), *slash = strchr(argv[a], '/');
    if (eq && (!slash || eq < slash) && a + 1 < argc) {
      assign[n] = argv[a];
      continue;
    }
    prog[n++] = argv[a];
  }
  signal(SIGPIPE, SIG_IGN); /* as qmail-smtpd: survives exec into the plugin */
  double *t = calloc((size_t)rounds * n, sizeof *t);
  for (int i = 0; i < n; ++i) run_once(prog[i], assign[i]); /* warm the page cache */
  for (int r = 0; r < rounds; ++r)
    for (int i = 0; i < n; ++i) t[(size_t)i * rounds + r] = run_once(prog[i], assign[i]);
  for (int i = 0; i < n; ++i) {
    double *s = t + (size_t)i * rounds;
    qsort(s, rounds, sizeof *s, cmp);
    printf("%s %.0f %.0f\n", prog[i], s[0], s[rounds / 2]);
  }
  free(t);
  free(prog);
  free(assign);
  return 0;
}
