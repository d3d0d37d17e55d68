// session: the qmail-smtpd + qmail-spp 0.42 simulator behind `spp-conf test`.
// Behaviour is described in reference/qmail-spp.md; this is our own code, written
// from that description and from reading the qmail sources (nothing copied).
#include "session.h"

#include "text.h"

#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <ctime>

#include "cdb_reader.h"
#include "env.h"
#include "file.h"
#include "smtpplugins.h"

extern char** environ;

namespace spp::sim {

namespace {

// ---------------------------------------------------------------- small helpers


char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

bool equal_nocase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}


// qmail's tri-state over spp::read_file: 1 = read, 0 = file absent, -1 = any
// other error (a file over read_file's 16 MiB bound counts as unreadable).
int read_qmail_file(const std::string& path, std::string& content) {
  int err = read_file(path, content);
  return err == 0 ? 1 : err == ENOENT ? 0 : -1;
}

// control_readline(): the first line, trailing blanks stripped (not CR).
int read_control_line(const char* path, std::string& out) {
  int r = read_qmail_file(path, out);
  if (r != 1) return r;
  out.resize(std::min(out.find('\n'), out.size()));
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  return 1;
}

// control_readfile(): every line, as control_file_lines() keeps them.
int read_control_file(const char* path, std::vector<std::string>& out) {
  out.clear();
  std::string content;
  int r = read_qmail_file(path, content);
  if (r == 1) out = control_file_lines(content);
  return r;
}

// scan_ulong(): leading decimal digits; 0 digits => 0.
unsigned long scan_ulong(std::string_view s, size_t* used = nullptr) {
  unsigned long v = 0;
  size_t i = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) v = v * 10 + static_cast<unsigned long>(s[i] - '0');
  if (used) *used = i;
  return v;
}

// ip_scanbracket(): "[a.b.c.d]" -> its length, 0 when it is not one.
size_t scan_bracket_ip(std::string_view s, uint32_t& ip) {
  if (s.empty() || s[0] != '[') return 0;
  size_t pos = 1;
  unsigned char d[4];
  for (int k = 0; k < 4; ++k) {
    if (k > 0) {
      if (pos >= s.size() || s[pos] != '.') return 0;
      ++pos;
    }
    size_t used = 0;
    unsigned long u = scan_ulong(s.substr(pos), &used);
    if (!used) return 0;
    d[k] = static_cast<unsigned char>(u);
    pos += used;
  }
  if (pos >= s.size() || s[pos] != ']') return 0;
  ip = (uint32_t{d[0]} << 24) | (uint32_t{d[1]} << 16) | (uint32_t{d[2]} << 8) | d[3];
  return pos + 1;
}

// ipme_init(): the addresses of this host's interfaces.
std::vector<uint32_t> local_ipv4_addresses() {
  std::vector<uint32_t> ips{0x7f000001u};
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) == 0) {
    for (struct ifaddrs* a = list; a; a = a->ifa_next)
      if (a->ifa_addr && a->ifa_addr->sa_family == AF_INET)
        ips.push_back(ntohl(reinterpret_cast<const struct sockaddr_in*>(a->ifa_addr)->sin_addr.s_addr));
    freeifaddrs(list);
  }
  return ips;
}

// date822fmt(): "21 Nov 2026 20:56:41 -0000\n" in UTC.
std::string date822(time_t when) {
  static const char* const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  struct tm tm;
  gmtime_r(&when, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d %s %d %02d:%02d:%02d -0000\n", tm.tm_mday, months[tm.tm_mon],
                tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

// received.c's safeput(): anything outside a small safe set becomes '?'.
std::string safe(std::string_view s) {
  std::string r;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              std::strchr(".@%+/=:-[]", c) != nullptr;
    r.push_back(ok && c ? c : '?');
  }
  return r;
}

// qmail_close(): the qmail-queue exit code as qmail-smtpd reports it.
// "" = accepted; "D..." permanent; "Z..." temporary.
std::string queue_verdict(int wstat, bool flagerr, const std::string& errstr, Variant variant) {
  if (WIFSIGNALED(wstat)) return "Zqq crashed (#4.3.0)";
  int code = WEXITSTATUS(wstat);
  switch (code) {
    case 115:
    case 11: return "Denvelope address too long for qq (#5.1.3)";
    case 31: return "Dmail server permanently rejected message (#5.3.0)";
    case 51: return "Zqq out of memory (#4.3.0)";
    case 52: return "Zqq timeout (#4.3.0)";
    case 53: return "Zqq write error or disk full (#4.3.0)";
    case 0: if (!flagerr) return ""; return "Zqq read error (#4.3.0)";
    case 54: return "Zqq read error (#4.3.0)";
    case 55: return "Zqq unable to read configuration (#4.3.0)";
    case 56: return "Zqq trouble making network connection (#4.3.0)";
    case 61: return "Zqq trouble in home directory (#4.3.0)";
    case 62: case 63: case 64: case 65: case 66: return "Zqq trouble creating files in queue (#4.3.0)";
    case 71: return "Zmail server temporarily rejected message (#4.3.0)";
    case 72: return "Zconnection to mail server timed out (#4.4.1)";
    case 73: return "Zconnection to mail server rejected (#4.4.1)";
    case 74: return "Zcommunication with mail server failed (#4.4.2)";
    case 81: case 91: return "Zqq internal bug (#4.3.0)";
    case 120: return "Zunable to exec qq (#4.3.0)";
    default:
      // notqmail only: exit 82 with "D..."/"Z..." text on fd 6.
      if (variant == Variant::notqmail && code == 82 && errstr.size() > 2) return until_nul(errstr);
      if (code >= 11 && code <= 40) return "Dqq permanent problem (#5.3.0)";
      return "Zqq temporary problem (#4.3.0)";
  }
}

// notqmail's qmail.c: up to 255 bytes of the queue program's fd 6 (a custom reply).
std::string read_queue_error(int fd) {
  std::string errstr;
  char buf[256];
  ssize_t n;
  while (errstr.size() < 255 && (n = ::read(fd, buf, sizeof buf)) != 0) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    errstr.append(buf, static_cast<size_t>(n));
  }
  if (errstr.size() > 255) errstr.resize(255);
  return errstr;
}

}  // namespace

// ---------------------------------------------------------------- configuration

std::vector<std::string> control_file_lines(std::string_view content) {
  std::vector<std::string> lines;
  for (std::string_view line : split_lines(content)) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.remove_suffix(1);
    if (!line.empty() && line[0] != '#') lines.push_back(until_nul(line));
  }
  return lines;
}

PluginLists parse_smtpplugins(std::string_view content) {
  // The same reading rules spp-conf edits and checks with (lib/smtpplugins.h).
  auto lines = conf::parse(content);
  return {conf::entries_of(lines, 'c'), conf::entries_of(lines, 'h'), conf::entries_of(lines, 'm'),
          conf::entries_of(lines, 'r'), conf::entries_of(lines, 'd'), conf::entries_of(lines, 'a')};
}

// ---------------------------------------------------------------- environment

Environ Environ::from_process() {
  std::vector<std::string> entries;
  for (char** e = environ; e && *e; ++e) entries.emplace_back(*e);
  return Environ(std::move(entries));
}

std::optional<std::string> Environ::get(std::string_view name) const {
  for (const std::string& e : entries_)
    if (e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '=')
      return e.substr(name.size() + 1);
  return std::nullopt;
}

void Environ::unset(std::string_view name) {
  std::vector<std::string> kept;
  for (std::string& e : entries_)
    if (!(e.size() > name.size() && e.compare(0, name.size(), name) == 0 && e[name.size()] == '='))
      kept.push_back(std::move(e));
  entries_ = std::move(kept);
}

void Environ::put(const std::string& entry) {
  unset(std::string_view(entry).substr(0, entry.find('=')));
  entries_.push_back(entry);
}

void Environ::put(std::string_view name, std::string_view value) {
  std::string entry(name);
  entry += '=';
  entry += value;
  put(entry);
}

// blast(): the DATA stream as qmail-smtpd reads it (see session.h).
Blast blast(std::string_view wire, uint32_t databytes) {
  Blast b;
  uint32_t bytestooverflow = databytes ? databytes + 1 : 0;
  auto put = [&](char ch) {
    if (bytestooverflow && !--bytestooverflow) b.too_big = true;
    if (!b.too_big) b.message.push_back(ch);
  };
  int state = 1, pos = 0;
  bool inheader = true, maybe_received = true, maybe_blank = true, maybe_delivered = true;
  for (char ch : wire) {
    // Hops: header lines starting "Received:"/"Delivered-" in either all-lower or all-upper letters.
    if (inheader) {
      if (pos < 9) {
        if (ch != "delivered"[pos] && ch != "DELIVERED"[pos]) maybe_delivered = false;
        if (maybe_delivered && pos == 8) ++b.hops;
        if (pos < 8 && ch != "received"[pos] && ch != "RECEIVED"[pos]) maybe_received = false;
        if (maybe_received && pos == 7) ++b.hops;
        if (pos < 2 && ch != "\r\n"[pos]) maybe_blank = false;
        if (maybe_blank && pos == 1) inheader = false;
        ++pos;
      }
      if (ch == '\n') {
        pos = 0;
        maybe_received = maybe_blank = maybe_delivered = true;
      }
    }
    // States: 0 in a line, 1 after CRLF, 2 after CRLF ".", 3 after CRLF ".\r", 4 after CR.
    switch (state) {
      case 0:
        if (ch == '\n') return b.stray_newline = true, b;
        if (ch == '\r') { state = 4; continue; }
        break;
      case 1:
        if (ch == '\n') return b.stray_newline = true, b;
        if (ch == '.') { state = 2; continue; }
        if (ch == '\r') { state = 4; continue; }
        state = 0;
        break;
      case 2:
        if (ch == '\n') return b.stray_newline = true, b;
        if (ch == '\r') { state = 3; continue; }
        state = 0;
        break;
      case 3:
        if (ch == '\n') return b;  // CRLF "." CRLF: the end
        put('.');
        put('\r');
        if (ch == '\r') { state = 4; continue; }
        state = 0;
        break;
      case 4:
        if (ch == '\n') { state = 1; break; }
        if (ch != '\r') { put('\r'); state = 0; }
    }
    put(ch);
  }
  return b;
}

// ---------------------------------------------------------------- the server

Server::Server(Environ env, ServerOptions options) : env_(std::move(env)), opt_(std::move(options)) {
  signal(SIGPIPE, SIG_IGN);  // qmail-smtpd's first act; plugins inherit it
}

std::string Server::take_output() {
  std::string r;
  r.swap(output_);
  return r;
}

void Server::out(std::string_view text) { output_ += until_nul(text); }

bool Server::setup() {
  auto die_control = [this] {
    out("421 unable to read controls (#4.3.0)\r\n");
    close_connection();
    return false;
  };
  std::string me;
  int meok = read_control_line("control/me", me);
  if (meok == -1) return die_control();
  int r = read_control_line("control/smtpgreeting", greeting_);
  if (r == -1) return die_control();
  if (r == 0) {
    if (meok != 1) return die_control();
    greeting_ = me;
  }
  r = read_control_line("control/localiphost", liphost_);
  if (r == -1) return die_control();
  if (r == 0 && meok == 1) {
    liphost_ = me;
    r = 1;
  }
  liphost_ok_ = r == 1;

  rcpthosts_state_ = read_control_file("control/rcpthosts", rcpthosts_);
  if (rcpthosts_state_ == -1) return die_control();
  if (rcpthosts_state_ == 1) {
    if (access("control/morercpthosts.cdb", F_OK) == 0)
      morercpthosts_ = "control/morercpthosts.cdb";
    else if (errno != ENOENT)
      return die_control();
  }

  // spp_init(): NOSPP present (any value) switches qmail-spp off.
  if (!env_.get("NOSPP")) {
    spprun_ = true;
    std::string conffile = "control/smtpplugins";
    if (auto x = env_.get("SPPCONFFILE"); x && !x->empty()) conffile = *x;
    // A missing file is an error too for qmail-spp.
    std::string content;
    if (read_qmail_file(conffile, content) != 1) return die_control();
    plugins_ = parse_smtpplugins(content);
  }

  int bmf = read_control_file("control/badmailfrom", badmailfrom_);
  if (bmf == -1) return die_control();
  bmf_ok_ = bmf == 1;

  std::string line;
  r = read_control_line("control/databytes", line);
  if (r == -1) return die_control();
  size_t used = 0;
  if (r == 1) {
    unsigned long u = scan_ulong(line, &used);
    if (used) databytes_ = static_cast<uint32_t>(u);
  }
  if (auto x = env_.get("DATABYTES")) databytes_ = static_cast<uint32_t>(scan_ulong(*x));
  if (databytes_ == UINT32_MAX) --databytes_;

  read_connection_env();
  return true;
}

// The rest of setup(): what tcpserver told qmail-smtpd about the connection.
void Server::read_connection_env() {
  remoteip_ = env_.get("TCPREMOTEIP").value_or("unknown");
  auto local = env_.get("TCPLOCALHOST");
  if (!local) local = env_.get("TCPLOCALIP");
  local_ = local.value_or("unknown");
  remotehost_ = env_.get("TCPREMOTEHOST").value_or("unknown");
  remoteinfo_ = env_.get("TCPREMOTEINFO");
  relayclient_ = env_.get("RELAYCLIENT");  // read once: a later S does not grant relaying
  helohost_ = remotehost_;
  fakehelo_ = false;
}

void Server::connect() {
  if (!setup()) return;
  my_ips_ = local_ipv4_addresses();
  int r = spp(plugins_.connection, nullptr, "connection");
  if (closed_) return;
  // E at [connection] replaces the banner, and the connection carries on.
  if (r) {
    out("220 ");
    out(greeting_);
    out(" ESMTP\r\n");
  }
}

void Server::command(const std::string& raw) {
  if (closed_) return;
  // commands.c: the verb ends at the first space, the argument starts after the spaces.
  std::string line = until_nul(raw);
  size_t sp = std::min(line.find(' '), line.size());
  std::string verb = line.substr(0, sp);
  size_t start = line.find_first_not_of(' ', sp);
  std::string arg = start == std::string::npos ? "" : line.substr(start);
  if (equal_nocase(verb, "rcpt")) return smtp_rcpt(arg);
  if (equal_nocase(verb, "mail")) return smtp_mail(arg);
  if (equal_nocase(verb, "data")) return smtp_data();
  if (equal_nocase(verb, "quit")) {
    out("221 ");
    out(greeting_);
    out("\r\n");
    return close_connection();
  }
  if (equal_nocase(verb, "helo")) return smtp_helo(arg, false);
  if (equal_nocase(verb, "ehlo")) return smtp_helo(arg, true);
  if (equal_nocase(verb, "rset")) return smtp_rset();
  if (equal_nocase(verb, "help")) {
    out(opt_.variant == Variant::netqmail ? "214 netqmail home page: http://qmail.org/netqmail\r\n"
                                          : "214 notqmail home page: https://notqmail.org\r\n");
    return;
  }
  if (equal_nocase(verb, "noop")) return out("250 ok\r\n");
  if (equal_nocase(verb, "vrfy")) return out("252 send some mail, i'll try my best\r\n");
  out("502 unimplemented (#5.5.1)\r\n");
}

// addrparse(): the address inside <...> (or after ':'), source route and quotes
// removed, user@[my-ip] rewritten to user@<localiphost>. False when too long.
bool Server::addrparse(const std::string& arg_in) {
  std::string_view arg = arg_in;
  char terminator = '>';
  size_t lt = arg.find('<');
  if (lt != std::string_view::npos) {
    arg.remove_prefix(lt + 1);
  } else {
    terminator = ' ';
    size_t colon = arg.find(':');
    arg.remove_prefix(colon == std::string_view::npos ? arg.size() : colon + 1);
    while (!arg.empty() && arg[0] == ' ') arg.remove_prefix(1);
  }
  if (!arg.empty() && arg[0] == '@') {
    size_t colon = arg.find(':');
    arg.remove_prefix(colon == std::string_view::npos ? arg.size() : colon + 1);
  }
  addr_.clear();
  bool esc = false, quoted = false;
  for (char ch : arg) {
    if (esc) {
      addr_.push_back(ch);
      esc = false;
      continue;
    }
    if (!quoted && ch == terminator) break;
    if (ch == '\\') esc = true;
    else if (ch == '"') quoted = !quoted;
    else addr_.push_back(ch);
  }
  if (liphost_ok_) {
    size_t at = addr_.rfind('@');
    uint32_t ip = 0;
    if (at != std::string::npos) {
      std::string_view rest = std::string_view(addr_).substr(at + 1);
      size_t len = scan_bracket_ip(rest, ip);
      if (len && len == rest.size())
        for (uint32_t mine : my_ips_)
          if (mine == ip) {
            addr_ = addr_.substr(0, at + 1) + liphost_;
            break;
          }
    }
  }
  return addr_.size() + 1 <= 900;  // qmail counts the terminating NUL
}

bool Server::bmfcheck() const {
  if (!bmf_ok_) return false;
  size_t at = addr_.rfind('@');
  for (const std::string& entry : badmailfrom_) {
    if (equal_nocase(entry, addr_)) return true;
    if (at != std::string::npos && equal_nocase(entry, std::string_view(addr_).substr(at))) return true;
  }
  return false;
}

bool Server::addrallowed() const {
  if (rcpthosts_state_ != 1) return true;  // no rcpthosts: qmail accepts every domain
  size_t at = addr_.rfind('@');
  if (at == std::string::npos) return true;
  std::string host = lower_ascii(std::string_view(addr_).substr(at + 1));
  for (size_t j = 0; j < host.size(); ++j)
    if (j == 0 || host[j] == '.')
      for (const std::string& entry : rcpthosts_)
        if (equal_nocase(entry, std::string_view(host).substr(j))) return true;
  if (!morercpthosts_.empty()) {
    spp::Cdb cdb;
    if (cdb.open(morercpthosts_) == spp::Lookup::found)
      for (size_t j = 0; j < host.size(); ++j)
        if (j == 0 || host[j] == '.')
          if (cdb.find(std::string_view(host).substr(j)).status == spp::Lookup::found) return true;
  }
  return false;
}

void Server::smtp_helo(const std::string& arg, bool ehlo) {
  env_.put("SMTPHELOHOST", arg);  // set even when spp is off (spp_helo does it first)
  int r = spp(plugins_.helo, nullptr, "helo");
  if (closed_ || !r) return;
  out(ehlo ? "250-" : "250 ");
  out(greeting_);
  out(ehlo ? "\r\n250-PIPELINING\r\n250 8BITMIME\r\n" : "\r\n");
  seenmail_ = false;
  helohost_ = arg;
  fakehelo_ = !equal_nocase(remotehost_, helohost_);
}

void Server::smtp_rset() {
  spp_rset();
  seenmail_ = false;
  out("250 flushed\r\n");
}

void Server::smtp_mail(const std::string& arg) {
  if (!addrparse(arg)) return out("555 syntax error (#5.5.4)\r\n");
  int r = 0;
  if (spp_errors(error_mail_)) {
    rcptcount_ = rcptcountall_ = 0;
    r = spp(plugins_.mail, "SMTPMAILFROM", "mail");
  }
  if (closed_ || !r) return;
  if (r == 1) flagbarf_ = bmfcheck();  // O skips badmailfrom (and keeps the old verdict)
  seenmail_ = true;
  rcptto_.clear();
  mailfrom_ = addr_;
  out("250 ok\r\n");
}

void Server::smtp_rcpt(const std::string& arg) {
  if (!seenmail_) return out("503 MAIL first (#5.5.1)\r\n");
  if (!addrparse(arg)) return out("555 syntax error (#5.5.4)\r\n");
  if (flagbarf_) return out("553 sorry, your envelope sender is in my badmailfrom list (#5.7.1)\r\n");
  bool allowed = relayclient_ ? true : addrallowed();
  // spp_rcpt(): queued LR errors first, then the counters, then the plugins.
  int r = 0;
  if (spp_errors(error_rcpt_)) {
    env_.put("SMTPRCPTCOUNT", std::to_string(rcptcount_));
    env_.put("SMTPRCPTCOUNTALL", std::to_string(++rcptcountall_));
    env_.put("SMTPRCPTHOSTSOK", allowed ? "1" : "0");
    r = spp(plugins_.rcpt, "SMTPRCPTTO", "rcpt");
  }
  if (closed_ || !r) return;
  if (relayclient_) {
    addr_ += *relayclient_;
  } else if (r == 1 && !allowed) {
    return out("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\r\n");
  }
  ++rcptcount_;
  rcptto_ += 'T';
  rcptto_ += until_nul(addr_);
  rcptto_ += '\0';
  out("250 ok\r\n");
}

void Server::smtp_data() {
  if (!seenmail_) return out("503 MAIL first (#5.5.1)\r\n");
  if (rcptto_.empty()) return out("503 RCPT first (#5.5.1)\r\n");
  int r = 0;
  if (spp_errors(error_data_)) r = spp(plugins_.data, nullptr, "data");
  if (closed_ || !r) return;
  seenmail_ = false;
  out("354 go ahead\r\n");
  wants_body_ = true;
}

void Server::body(const std::string& wire) {
  if (!wants_body_ || closed_) return;
  wants_body_ = false;

  // received() + the H headers, then spp_rset(): headers and L queues are per message.
  std::string message = "Received: from " + safe(remotehost_);
  if (fakehelo_) message += " (HELO " + safe(helohost_) + ")";
  message += " (";
  if (remoteinfo_) message += safe(*remoteinfo_) + "@";
  message += safe(remoteip_) + ")\n  by " + safe(local_) + " with SMTP; " + date822(time(nullptr));
  message += sppheaders_;
  spp_rset();

  Blast b = blast(wire, databytes_);
  if (b.stray_newline) {
    out(opt_.variant == Variant::netqmail ? "451 See http://pobox.com/~djb/docs/smtplf.html.\r\n"
                                          : "451 See https://cr.yp.to/docs/smtplf.html.\r\n");
    return close_connection();
  }
  message += b.message;
  bool looping = b.hops >= 100;
  bool flagerr = looping || b.too_big;

  unsigned long qp = 0;
  std::string qqx = deliver(message, flagerr, qp);
  if (qqx.empty()) {
    out("250 ok " + std::to_string(static_cast<unsigned long>(time(nullptr))) + " qp " +
        std::to_string(qp) + "\r\n");
  } else if (looping) {
    out("554 too many hops, this message is looping (#5.4.6)\r\n");
  } else if (b.too_big) {
    out("552 sorry, that message size exceeds my databytes limit (#5.3.4)\r\n");
  } else {
    out(qqx[0] == 'D' ? "554 " : "451 ");
    out(std::string_view(qqx).substr(1));
    out("\r\n");
  }
}

// qmail_open() .. qmail_close(), or a plain "accepted" when no queue program is set.
std::string Server::deliver(const std::string& message, bool failed, unsigned long& qp) {
  if (opt_.queue_program.empty()) {
    qp = static_cast<unsigned long>(getpid());
    return failed ? "Zqq read error (#4.3.0)" : "";
  }
  // qmail.c reads QMAILQUEUE once, at the first message of the connection.
  if (queue_program_.empty()) queue_program_ = env_.get("QMAILQUEUE").value_or(opt_.queue_program);
  const std::string& program = queue_program_;
  // XXX: qmail.c keeps a pointer into the environment; an S or U of QMAILQUEUE
  // after the first message frees that string. notqmail (malloc) then execs
  // garbage; netqmail's small-string allocator never frees, so the old value stays.
  if (queue_program_freed_ && opt_.variant == Variant::notqmail) return "Zunable to exec qq (#4.3.0)";
  bool with_fd6 = opt_.variant == Variant::notqmail;
  int pim[2] = {-1, -1}, pie[2] = {-1, -1}, pierr[2] = {-1, -1};
  auto give_up = [&] {
    for (int fd : {pim[0], pim[1], pie[0], pie[1], pierr[0], pierr[1]})
      if (fd >= 0) ::close(fd);
    return "Zqq temporary problem (#4.3.0)";
  };
  if (pipe(pim) == -1 || pipe(pie) == -1 || (with_fd6 && pipe(pierr) == -1)) return give_up();
  std::vector<std::string> args{program};
  std::vector<char*> argv = c_strings(args);
  std::vector<char*> envp = c_strings(env_.entries());
  pid_t pid = fork();
  if (pid == -1) return give_up();
  if (pid == 0) {
    ::close(pim[1]);
    ::close(pie[1]);
    if (with_fd6) ::close(pierr[0]);
    if (dup2(pim[0], 0) == -1 || dup2(pie[0], 1) == -1) _exit(120);
    if (with_fd6 && dup2(pierr[1], 6) == -1) _exit(120);
    execve(argv[0], argv.data(), envp.data());
    _exit(120);
  }
  qp = static_cast<unsigned long>(pid);
  ::close(pim[0]);
  ::close(pie[0]);
  if (with_fd6) ::close(pierr[1]);
  bool flagerr = failed;
  bool write_failed = false;
  write_failed = !spp::write_all(pim[1], message);
  ::close(pim[1]);
  if (write_failed) flagerr = true;
  if (!flagerr) {
    std::string envelope = "F" + until_nul(mailfrom_) + std::string(1, '\0') + rcptto_ + std::string(1, '\0');
    write_failed = !spp::write_all(pie[1], envelope) || write_failed;
    if (write_failed) flagerr = true;
  }
  ::close(pie[1]);
  std::string errstr;
  if (with_fd6) {
    errstr = read_queue_error(pierr[0]);
    ::close(pierr[0]);
  }
  int wstat = 0;
  bool killed = false;
  if (!wait_child(pid, -1, wstat, killed)) return "Zqq waitpid surprise (#4.3.0)";
  return queue_verdict(wstat, flagerr, errstr, opt_.variant);
}

void Server::auth(const std::string& user, const std::string& method) {
  if (closed_) return;
  // The auth variants set both before [auth] runs and never take them back.
  env_.put("SMTPAUTHUSER", user);
  env_.put("SMTPAUTHMETHOD", method);
  int r = spp(plugins_.auth, nullptr, "auth");
  if (closed_ || !r) return;
  relayclient_ = "";
  env_.put("RELAYCLIENT", "");
  remoteinfo_ = user;
  env_.put("TCPREMOTEINFO", user);
  out("235 ok, go ahead (#2.0.0)\r\n");
}

}  // namespace spp::sim
