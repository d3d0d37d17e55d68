// qmail-scanq: read, decide, scan, then refuse or run the real qmail-queue.
// Exit codes are qmail-queue(8)'s; 0 only when the real qmail-queue said 0.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "clock.h"
#include "file.h"
#include "log.h"
#include "scanq.h"
#include "text.h"

extern char** environ;

namespace spp::scanq {
namespace {

void on_libclamav_timeout(int) {
  static const char msg[] = "qmail-scanq: warning: fault (libclamav: timed out) exit=71\n";
  ssize_t n = write(2, msg, sizeof msg - 1);
  (void)n;
  _exit(qq::temp_refused);
}

// Everything the one log line says about a message.
struct Report {
  std::string verdict = "clean";
  std::string detail;
  long long clam_ms = -1, spam_ms = -1;
  std::string score;
  std::string notes;
  void note(const std::string& n) { notes += (notes.empty() ? "" : "; ") + n; }
};

std::string who(const Envelope& e) {
  std::string out = "from=<" + printable(e.sender, 200, EightBit::replace) + "> to=";
  size_t shown = 0;
  for (const auto& r : e.recipients) {
    if (shown == 5) break;
    out += (shown++ ? ",<" : "<") + printable(r, 200, EightBit::replace) + ">";
  }
  if (e.recipients.size() > shown) out += " (+" + std::to_string(e.recipients.size() - shown) + ")";
  return out;
}

void log_line(const Report& r, int code, uint64_t size, const MimeWalker& walker, const Envelope* e) {
  std::string line = r.verdict;
  if (!r.detail.empty()) line += " (" + r.detail + ")";
  line += " exit=" + std::to_string(code) + " size=" + std::to_string(size);
  line += " clamav=" + (r.clam_ms < 0 ? std::string("-") : std::to_string(r.clam_ms) + "ms");
  line += " spamd=" + (r.spam_ms < 0 ? std::string("-") : std::to_string(r.spam_ms) + "ms");
  if (!r.score.empty()) line += " score=" + r.score;
  line += " parts=" + std::to_string(walker.parts());
  line += " msgid=" + (walker.message_id().empty() ? std::string("-") : walker.message_id());
  if (e) line += " " + who(*e);
  if (!r.notes.empty()) line += " [" + r.notes + "]";
  if (code == 0 || code == qq::refused || code == qq::custom) log::info(line);
  else log::warn(line);
}

// A refusal: 31, or 82 with our text on fd 6 when configured and fd 6 is the
// pipe notqmail's qmail-smtpd reads.
int refuse(const Config& config, const std::string& text) {
  struct stat st;
  if (config.customerror && fstat(6, &st) == 0 && S_ISFIFO(st.st_mode)) {
    std::string msg = "D" + printable(text, 240, EightBit::replace);
    if (write_all(6, msg)) return qq::custom;
  }
  return qq::refused;
}

// Runs the real qmail-queue with `prefix` + the message on fd 0 and the envelope on fd 1.
int run_next(const Config& config, const std::string& prefix, const Spool& spool, const std::string& envelope,
             Report& report) {
  if (config.next.empty() || config.next[0] != '/') {
    report.note("scanq-next is not an absolute path: " + printable(config.next, 200, EightBit::replace));
    return qq::config;
  }
  int pm[2], pe[2];
  if (pipe2(pm, O_CLOEXEC) != 0) return qq::no_mem;
  if (pipe2(pe, O_CLOEXEC) != 0) return close(pm[0]), close(pm[1]), qq::no_mem;
  pid_t pid = fork();
  if (pid < 0) return qq::no_mem;
  if (pid == 0) {
    signal(SIGPIPE, SIG_DFL);  // as qmail-smtpd left it for qmail-queue
    alarm(0);
    if (dup2(pm[0], 0) < 0 || dup2(pe[0], 1) < 0) _exit(qq::temp_refused);
    char* argv[] = {const_cast<char*>(config.next.c_str()), nullptr};
    execv(argv[0], argv);
    log::error("unable to run " + config.next + ": " + std::strerror(errno));
    _exit(qq::temp_refused);
  }
  close(pm[0]);
  close(pe[0]);
  bool ok = write_all(pm[1], prefix) && spool.each_chunk(65536, [&](std::string_view c) { return write_all(pm[1], c); });
  close(pm[1]);
  ok = ok && write_all(pe[1], envelope);
  close(pe[1]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return qq::bug;
  if (WIFSIGNALED(status)) {
    report.note("scanq-next killed by signal " + std::to_string(WTERMSIG(status)));
    return qq::bug;
  }
  int code = WEXITSTATUS(status);
  if (code == 0 && !ok) return qq::bug;  // cannot happen: qmail-queue needs all of it
  if (code != 0) report.note("scanq-next exited " + std::to_string(code));
  return code;
}

std::string spam_headers(const SpamReply& s) {
  char score[64];
  std::snprintf(score, sizeof score, "score=%.1f required=%.1f", s.score, s.threshold);
  std::string level;
  for (double x = 1; x <= s.score && level.size() < 50; x += 1) level += '*';
  std::string h = std::string("X-Spam-Flag: ") + (s.spam ? "YES" : "NO") + "\n";
  h += std::string("X-Spam-Status: ") + (s.spam ? "Yes, " : "No, ") + score + "\n";
  if (!level.empty()) h += "X-Spam-Level: " + level + "\n";
  h += "X-Spam-Checker-Version: qmail-scanq (spamd)\n";
  return h;
}

int run(const Config& config, const Control& control, const Env& env, Report& report, Spool& spool,
        MimeWalker& walker, Envelope& envelope, bool& have_envelope) {
  std::string error;
  int st = spool.read_from(0, config, walker, error);
  if (st == qq::refused) {
    report.verdict = "too-large";
    report.detail = error;
    return refuse(config, "message too large for the scanner (#5.3.4)");
  }
  if (st != qq::ok) {
    report.verdict = "fault";
    report.detail = error;
    return st;
  }
  std::string raw;
  int err = read_fd(1, raw, 64 << 20);
  if (err) {
    report.verdict = "fault";
    report.detail = "reading the envelope: " + (err == EFBIG ? std::string("too large") : file_error(err));
    return err == EFBIG ? qq::bad_envelope : qq::read_error;
  }
  EnvelopeResult parsed = parse_envelope(raw);
  if (parsed.status != qq::ok) {
    report.verdict = "fault";
    report.detail = parsed.status == qq::read_error ? "truncated envelope" : "malformed envelope";
    return parsed.status;
  }
  envelope = std::move(parsed.envelope);
  have_envelope = true;

  // Who asked for what.
  std::vector<bool> clam_rcpt, spam_rcpt;
  auto fault = [&](const std::string& why) -> bool {  // true: go on unscanned
    if (config.onerror_pass) {
      report.note(why + ": passed unscanned (scanq_onerror=pass)");
      return true;
    }
    report.verdict = "fault";
    report.detail = why;
    return false;
  };
  ClientList clients[2];
  const char* names[2] = {"clamavclients", "spamdclients"};
  bool global[2] = {config.clamglobal, config.spamglobal};
  std::vector<bool>* wants[2] = {&clam_rcpt, &spam_rcpt};
  for (int k = 0; k < 2; ++k) {
    if (global[k]) continue;
    if (clients[k].load(control, names[k]) == Lookup::error) {
      if (!fault(clients[k].error)) return qq::temp_refused;
      continue;
    }
    for (const auto& r : envelope.recipients) {
      Lookup l = clients[k].contains(r);
      if (l == Lookup::error && !fault(std::string(names[k]) + ": lookup failed")) return qq::temp_refused;
      wants[k]->push_back(l == Lookup::found);
    }
  }
  Scope scope = decide_scope(config, env, clam_rcpt, spam_rcpt);
  if (!scope.why_skipped.empty()) report.note(scope.why_skipped);

  if (scope.clam && walker.hit()) {
    report.verdict = "attachment";
    report.detail = walker.hit()->kind + " " + walker.hit()->detail;
    return refuse(config, "message carries a refused attachment (" + report.detail + ") (#5.7.1)");
  }
  if (scope.clam) {
    long long t = now_ms();
    ClamReply c;
    if (config.backend == "libclamav") {
      // libclamav has no deadline of its own: past scanq_timeout, 71 (nothing is queued yet).
      signal(SIGALRM, on_libclamav_timeout);
      alarm(unsigned(config.timeout));
      c = scan_libclamav(config.clamdb, spool);
      alarm(0);
    } else {
      c = scan_clamd(config.clamd, config.timeout, spool);
    }
    report.clam_ms = now_ms() - t;
    if (c.status == ClamStatus::virus) {
      report.verdict = "virus";
      report.detail = c.detail;
      return refuse(config, "message contains a virus (" + c.detail + ") (#5.7.1)");
    }
    if (c.status != ClamStatus::clean && !fault("virus scan failed: " + c.detail)) return qq::temp_refused;
    if (c.status != ClamStatus::clean) report.verdict = "unscanned";
  }
  std::string prefix;
  if (scope.spam && spool.size() > config.samsgsize) {
    report.note("spam check skipped: larger than samsgsize");
  } else if (scope.spam) {
    long long t = now_ms();
    SpamReply s = scan_spamd(config.spamd, config.timeout, spool);
    report.spam_ms = now_ms() - t;
    if (!s.ok) {
      if (!fault("spam check failed: " + s.error)) return qq::temp_refused;
      report.verdict = "unscanned";
    } else {
      char sc[64];
      std::snprintf(sc, sizeof sc, "%.1f/%.1f", s.score, s.threshold);
      report.score = sc;
      bool over = config.spamscore ? s.score >= *config.spamscore : s.spam;
      if (config.spamaction == "reject" && over && scope.spam_reject_ok) {
        report.verdict = "spam";
        return refuse(config, "message looks like spam (score " + report.score + ") (#5.7.1)");
      }
      if (config.spamaction == "reject" && over) report.note("spam, but not every recipient asked for rejection: marked");
      prefix = spam_headers(s);
    }
  }
  return run_next(config, prefix, spool, serialize_envelope(envelope), report);
}

}  // namespace
}  // namespace spp::scanq

int main() {
  using namespace spp;
  using namespace spp::scanq;
  log::set_program("qmail-scanq");
  signal(SIGPIPE, SIG_IGN);
  Env env = Env::from_environ(environ);
  Control control(Control::default_base(env), env);
  Warnings warnings;
  Config config = load_config(control, env, warnings);
  for (const auto& w : warnings) log::warn(w);
  Report report;
  Spool spool;
  MimeWalker walker(config.attach);
  Envelope envelope;
  bool have_envelope = false;
  int code = run(config, control, env, report, spool, walker, envelope, have_envelope);
  log_line(report, code, spool.size(), walker, have_envelope ? &envelope : nullptr);
  return code;
}
