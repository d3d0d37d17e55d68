// scanq_config: qmail-scanq's settings, read with lib/control's rules
// (env > control/<name> > control/options > default).
#include <cerrno>
#include <cstdlib>
#include <sys/stat.h>
#include <unistd.h>

#include "file.h"
#include "scanq_config.h"
#include "cdb_reader.h"
#include "text.h"

namespace spp::scanq {

namespace {

std::string built_next() { return std::string(kBuiltQmailHome) + "/bin/qmail-queue"; }

enum {
  kNext, kBackend, kClamd, kClamdb, kSpamd, kTimeout, kSamsgsize, kMaxbytes, kMemory, kTmpdir, kClamglobal,
  kSpamglobal, kSkipcachk, kSkipsachk, kSpamaction, kSpamscore, kOnerror, kCustomerror, kChksignature,
  kChkloadertype, kClamavclients, kSpamdclients, kBadext, kBadtypes, kBadsignatures, kBadloadertypes,
};

}  // namespace

const std::vector<SettingSpec>& settings() {
  static const std::string next = built_next();
  static const std::vector<SettingSpec> specs = {
      {"scanq-next", "SCANQ_NEXT", next.c_str(), "the real qmail-queue, run with the message when it is clean"},
      {"scanq_backend", "SCANQ_BACKEND", "clamd", "virus scanner: clamd (socket) or libclamav (in process, small databases)"},
      {"scanq_clamd", "SCANQ_CLAMD", "/var/run/clamav/clamd.ctl", "clamd's socket: a path, or host:port"},
      {"scanq_clamdb", "SCANQ_CLAMDB", "", "libclamav backend: signature directory (default: libclamav's own)"},
      {"scanq_spamd", "SCANQ_SPAMD", "127.0.0.1:783", "spamd's socket: a path, or host:port"},
      {"scanq_timeout", "SCANQ_TIMEOUT", "60", "seconds each scanner may take (connect, send, answer)"},
      {"samsgsize", "SAMSGSIZE", "512000", "messages larger than this (bytes) skip the spam check"},
      {"scanq_maxbytes", "SCANQ_MAXBYTES", "0", "larger messages are refused (31); 0: no limit of our own"},
      {"scanq_memory", "SCANQ_MEMORY", "262144", "messages up to this size stay in memory, larger ones go to a temp file"},
      {"scanq_tmpdir", "SCANQ_TMPDIR", "/tmp", "where the unlinked temp file goes"},
      {"clamglobal", "CLAMGLOBAL", "0", "virus-scan mail to every recipient"},
      {"spamglobal", "SPAMGLOBAL", "0", "spam-check mail to every recipient"},
      {"skipcachk", "SKIPCACHK", "0", "skip the virus scan: 1 for authenticated senders, 2 also for relay clients"},
      {"skipsachk", "SKIPSACHK", "0", "skip the spam check: 1 for authenticated senders, 2 also for relay clients"},
      {"scanq_spamaction", "SCANQ_SPAMACTION", "header", "spam: header (add X-Spam-*) or reject (31)"},
      {"scanq_spamscore", "SCANQ_SPAMSCORE", "", "reject threshold for scanq_spamaction=reject (default: spamd's own)"},
      {"scanq_onerror", "SCANQ_ONERROR", "tempfail", "scanner fault: tempfail (71) or pass (queue unscanned, logged)"},
      {"scanq_customerror", "SCANQ_CUSTOMERROR", "0", "refuse with exit 82 and our text on fd 6 (notqmail) instead of 31"},
      {"chksignature", "CHKSIGNATURE", "0", "refuse base64 attachments that start with a line of badsignatures"},
      {"chkloadertype", "CHKLOADERTYPE", "0", "refuse attachments whose decoded start is a line of badloadertypes (MZ)"},
      {"clamavclients", "", "", "recipients (address, @domain) whose mail is virus-scanned; or clamavclients.cdb", true},
      {"spamdclients", "", "", "recipients (address, @domain) whose mail is spam-checked; or spamdclients.cdb", true},
      {"scanq_badext", "", "", "attachment file extensions refused (exe, scr, ...)", true},
      {"scanq_badtypes", "", "", "attachment MIME types refused (application/x-msdownload, type/*)", true},
      {"badsignatures", "", "", "base64 starts of attachments refused with chksignature=1", true},
      {"badloadertypes", "", "", "decoded starts refused with chkloadertype=1 (absent: MZ)", true},
  };
  return specs;
}

namespace {

std::vector<std::string> list(const Control& control, const SettingSpec& spec, Warnings& warnings, bool lower) {
  Lines l = control.lines(spec.name);
  if (l.status == Lookup::error) warnings.push_back(std::string("control/") + spec.name + ": " + l.error);
  std::vector<std::string> out;
  for (auto& line : l.lines) out.push_back(lower ? lower_ascii(trim_blanks(line)) : std::string(trim_blanks(line)));
  return out;
}

std::optional<double> parse_double(std::string_view s) {
  if (s.empty() || s.size() > 20) return std::nullopt;
  std::string z(s);
  char* end = nullptr;
  double d = std::strtod(z.c_str(), &end);
  if (!end || *end) return std::nullopt;
  return d;
}

}  // namespace

Config load_config(const Control& control, const Env& env, Warnings& w) {
  (void)env;
  const auto& s = settings();
  Config c;
  Setting next = control.setting(s[kNext]);
  c.next = next.status == Lookup::error ? "" : next.value;
  if (next.status == Lookup::error) w.push_back("control/scanq-next: " + next.error);
  c.backend = read_choice(control, s[kBackend], {"clamd", "libclamav"}, w);
  c.clamd = control.setting(s[kClamd]).value;
  c.clamdb = control.setting(s[kClamdb]).value;
  c.spamd = control.setting(s[kSpamd]).value;
  c.timeout = read_number(control, s[kTimeout], 1, 3600, w);
  c.samsgsize = read_number(control, s[kSamsgsize], 0, 1ul << 40, w);
  c.maxbytes = read_number(control, s[kMaxbytes], 0, 1ul << 40, w);
  c.memory = read_number(control, s[kMemory], 0, 64ul << 20, w);
  c.tmpdir = control.setting(s[kTmpdir]).value;
  c.clamglobal = read_flag(control, s[kClamglobal], w);
  c.spamglobal = read_flag(control, s[kSpamglobal], w);
  c.skipcachk = read_number(control, s[kSkipcachk], 0, 2, w);
  c.skipsachk = read_number(control, s[kSkipsachk], 0, 2, w);
  c.spamaction = read_choice(control, s[kSpamaction], {"header", "reject"}, w);
  Setting score = control.setting(s[kSpamscore]);
  if (!score.value.empty()) {
    c.spamscore = parse_double(score.value);
    if (!c.spamscore) w.push_back("scanq_spamscore from " + score.origin + " is not a number; using spamd's threshold");
  }
  c.onerror_pass = read_choice(control, s[kOnerror], {"tempfail", "pass"}, w) == "pass";
  c.customerror = read_flag(control, s[kCustomerror], w);
  for (auto& e : list(control, s[kBadext], w, true)) {
    while (!e.empty() && e.front() == '.') e.erase(0, 1);
    if (!e.empty()) c.attach.extensions.push_back(e);
  }
  c.attach.types = list(control, s[kBadtypes], w, true);
  if (read_flag(control, s[kChksignature], w)) c.attach.signatures = list(control, s[kBadsignatures], w, false);
  if (read_flag(control, s[kChkloadertype], w)) {
    Lines l = control.lines("badloadertypes");
    c.attach.loaders = list(control, s[kBadloadertypes], w, false);
    if (l.status == Lookup::missing) c.attach.loaders = {"MZ"};
  }
  c.chkattach = !c.attach.empty();
  return c;
}

void lint(const Control& control, Warnings& complaints) {
  Env env;
  load_config(control, env, complaints);
  const auto& s = settings();
  // Only what the operator set: unused, qmail-scanq has nothing to say.
  Setting next = control.setting(s[kNext]);
  if (next.source == Source::defaulted) {
  } else if (next.value.empty() || next.value[0] != '/')
    complaints.push_back("scanq-next must be an absolute path: " + printable(next.value, 200, EightBit::replace));
  else if (access(next.value.c_str(), X_OK) != 0)
    complaints.push_back("scanq-next " + printable(next.value, 200, EightBit::replace) + " is not executable");
  for (const char* name : {"clamavclients", "spamdclients"}) {
    Cdb db;
    std::string cdb = control.path(std::string(name) + ".cdb");
    if (db.open(cdb) == Lookup::error) complaints.push_back(cdb + ": " + db.error() + " (qmail-scanq answers 71)");
  }
  for (int k : {kClamd, kSpamd}) {
    Setting a = control.setting(s[k]);
    if (a.source != Source::defaulted && a.value[0] != '/' && a.value.find(':') == std::string::npos)
      complaints.push_back(std::string(s[k].name) + " from " + a.origin + " is neither a socket path nor host:port: " +
                           printable(a.value, 200, EightBit::replace));
  }
  Setting tmpdir = control.setting(s[kTmpdir]);
  struct stat st;
  if (tmpdir.source != Source::defaulted && (stat(tmpdir.value.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)))
    complaints.push_back("scanq_tmpdir " + printable(tmpdir.value, 200, EightBit::replace) + " is not a directory");
}

}  // namespace spp::scanq
