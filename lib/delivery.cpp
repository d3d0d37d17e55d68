#include "delivery.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <map>

#include "file.h"
#include "listfile.h"
#include "log.h"
#include "text.h"

namespace spp::delivery {

namespace {

constexpr size_t kMaxPasswd = 64 << 20;
constexpr size_t kMaxDotQmail = 64 << 10;
constexpr unsigned kPatrn = 002;       // qmail's conf-patrn: others may not write
constexpr size_t kGetpwUserLen = 32;   // qmail-getpw's GETPW_USERLEN
constexpr unsigned long kVpopBounceMail = 0x10;  // vpopmail's BOUNCE_MAIL flag in pw_gid

bool iequal(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]), y = static_cast<unsigned char>(b[i]);
    if (x >= 'A' && x <= 'Z') x = static_cast<unsigned char>(x + 32);
    if (y >= 'A' && y <= 'Z') y = static_cast<unsigned char>(y + 32);
    if (x != y) return false;
  }
  return true;
}

// The errnos qmail treats as temporary (error_temp): a defer, not "missing".
bool temporary_errno(int err) {
  return err == EINTR || err == ENOMEM || err == ETXTBSY || err == EIO || err == ETIMEDOUT || err == EAGAIN ||
         err == ENFILE || err == EMFILE || err == ENOSPC || err == EDEADLK || err == ESTALE || err == EHOSTDOWN ||
         err == EHOSTUNREACH || err == ECONNREFUSED || err == ENETUNREACH || err == ENETDOWN || err == ENOLCK;
}

// control/virtualdomains as qmail-send's constmap sees it: the key is what
// precedes the first ':', compared without case; a later duplicate wins.
// One pass over the text for all candidate keys (the file may have 10 000s
// of lines and is read per RCPT); returns the index of the first candidate
// (the most specific) that is listed, or -1, and its prefix.
int vdom_scan(Deps& deps, const std::string& path, const std::vector<std::string_view>& keys, std::string& prefix,
              int& err) {
  int best = -1;
  err = deps.for_each_line(path, [&](std::string_view line) {
    std::string_view key, value;
    if (!virtualdomains_entry(line, key, value)) return;
    for (size_t k = 0; k < keys.size(); ++k) {
      if (best >= 0 && int(k) > best) return;  // only a more specific key (or a later duplicate) can win
      if (key.size() != keys[k].size() || !iequal(key, keys[k])) continue;
      prefix.assign(value);
      best = int(k);
      return;
    }
  });
  if (err == ENOENT) err = 0;
  return err ? -1 : best;
}

// The same answer from control/virtualdomains.cdb: the first candidate
// that is a key (the cdb holds one record per lower-cased key).
int vdom_cdb(Deps& deps, const std::string& path, const std::vector<std::string_view>& keys, std::string& prefix,
             std::string& error) {
  for (size_t k = 0; k < keys.size(); ++k) {
    CdbResult r = deps.cdb_find(path, lower_ascii(keys[k]));
    if (r.status == Lookup::found) {
      prefix = std::move(r.value);
      return int(k);
    }
    if (r.status == Lookup::error || !r.error.empty()) {
      error = "unable to read " + path + ": " + (r.error.empty() ? std::string("unreadable") : r.error);
      return -1;
    }
  }
  return -1;
}

// What the checks of one hook run share (Context::memo).
struct ConfigMemo {
  bool loaded = false;
  std::string base;
  Config config;
};
struct ResolveMemo {
  std::map<std::string, Result> results;  // fingerprint of the config + address
};

std::string fingerprint(const Config& c, std::string_view address) {
  std::string f;
  for (const std::string* part : {&c.base, &c.virtualdomains, &c.virtualdomains_cdb, &c.envnoathost, &c.passwd,
                                  &c.alias_user, &c.error}) {
    f += *part;
    f += '\0';
  }
  for (const auto& l : c.locals) (f += l) += '\n';
  f += '\0' + std::to_string(c.max_probes) + '\0';
  f += address;
  return f;
}

std::vector<std::string_view> split_fields(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (;;) {
    size_t p = s.find(sep, start);
    out.push_back(s.substr(start, p == std::string_view::npos ? std::string_view::npos : p - start));
    if (p == std::string_view::npos) return out;
    start = p + 1;
  }
}

std::string join_path(const std::string& dir, std::string_view name) {
  std::string p = dir;
  if (p.empty() || p.back() != '/') p += '/';
  p += name;
  return p;
}

std::string in_base(const Config& c, std::string_view name) {
  return c.base.empty() ? std::string(name) : join_path(c.base, name);
}

// A vdelivermail line in a .qmail file: the argument after the '' (or the
// last word): bounce-no-mailbox, delete, a Maildir path or an address.
bool vdelivermail_action(std::string_view text, std::string& action) {
  for (std::string_view line : split_lines(text)) {
    if (line.empty() || line[0] != '|' || line.find("vdelivermail") == std::string_view::npos) continue;
    line = trim_blanks(line);
    size_t sp = line.find_last_of(" \t");
    action = std::string(sp == std::string_view::npos ? std::string_view() : line.substr(sp + 1));
    if (action.size() >= 2 && (action.front() == '\'' || action.front() == '"')) action = action.substr(1, action.size() - 2);
    return true;
  }
  return false;
}

}  // namespace

const char* outcome_name(Outcome o) {
  switch (o) {
    case Outcome::remote: return "remote";
    case Outcome::deliver: return "deliver";
    case Outcome::bounce: return "bounce";
    case Outcome::disabled: return "disabled";
    case Outcome::defer: return "defer";
    case Outcome::unknown: return "unknown";
    case Outcome::error: return "error";
  }
  return "unknown";
}

std::vector<std::string> nss_passwd_beyond_files(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view line : split_lines(text)) {
    line = line.substr(0, line.find('#'));
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || trim_blanks(line.substr(0, colon)) != "passwd") continue;
    out.clear();  // the last passwd line wins, as in glibc
    for (std::string_view rest = line.substr(colon + 1); !rest.empty();) {
      size_t start = rest.find_first_not_of(" \t");
      if (start == std::string_view::npos) break;
      rest.remove_prefix(start);
      size_t end = rest.find_first_of(" \t");
      std::string_view word = rest.substr(0, end);
      rest.remove_prefix(end == std::string_view::npos ? rest.size() : end);
      if (word.front() == '[') {  // an action such as [NOTFOUND=return]: not a source
        size_t close = rest.find(']');
        if (word.find(']') == std::string_view::npos) rest.remove_prefix(close == std::string_view::npos ? rest.size() : close + 1);
        continue;
      }
      if (word != "files" && word != "compat" && word != "systemd") out.emplace_back(word);
    }
  }
  return out;
}

bool find_passwd(std::string_view text, std::string_view name, PasswdEntry& out) {
  if (name.empty()) return false;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() : nl + 1;
    if (line.size() <= name.size() || line[name.size()] != ':' || line.compare(0, name.size(), name) != 0) continue;
    auto f = split_fields(line, ':');  // name:passwd:uid:gid:gecos:home:shell
    if (f.size() < 7) continue;
    auto uid = parse_ulong(f[2]), gid = parse_ulong(f[3]);
    if (!uid || !gid) continue;
    out.name.assign(f[0]);
    out.uid = *uid;
    out.gid = *gid;
    out.home.assign(f[5]);
    return true;  // getpwnam: the first entry of that name
  }
  return false;
}

std::string syntax_problem(std::string_view address) {
  if (address.empty()) return "empty address";
  if (address.size() > 1000) return "address longer than 1000 bytes";
  size_t at = address.rfind('@');
  std::string_view local = address.substr(0, at);
  if (local.empty()) return "empty local part";
  if (local.size() > 255) return "local part longer than 255 bytes";
  for (unsigned char ch : address) {
    if (ch < 32 || ch == 127) return "control character";
    if (ch >= 128) return "8-bit character";
    if (ch == ' ' || ch == '"' || ch == '\\' || ch == '/' || ch == '<' || ch == '>' || ch == ',' || ch == ';')
      return std::string("character '") + char(ch) + "'";
  }
  if (at != std::string_view::npos && at + 1 == address.size()) return "empty domain";
  return "";
}

bool virtualdomains_entry(std::string_view line, std::string_view& key, std::string_view& prefix) {
  if (line.empty() || line.front() == '#') return false;
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) return false;  // qmail reads the next line as its value; we ignore it
  key = line.substr(0, colon);
  prefix = line.substr(colon + 1);
  while (!prefix.empty() && (prefix.back() == ' ' || prefix.back() == '\t' || prefix.back() == '\r'))
    prefix.remove_suffix(1);
  return true;
}

int virtualdomains_records(Deps& deps, const std::string& path, CdbRecords& out, size_t& entries) {
  std::map<std::string, std::string> map;
  entries = 0;
  int err = deps.for_each_line(path, [&](std::string_view line) {
    std::string_view key, prefix;
    if (!virtualdomains_entry(line, key, prefix)) return;
    ++entries;
    map[lower_ascii(key)].assign(prefix);  // a later duplicate wins
  });
  if (err) return err;
  out.clear();
  out.emplace_back(std::string(kAlwaysKey), "virtualdomains");
  for (auto& [key, prefix] : map) out.emplace_back(key, std::move(prefix));
  return 0;
}

namespace {

// Which form of control/virtualdomains is in force. The cdb only when it
// is at least as new as the text qmail-send reads; a stale one is logged
// (once per hook run: load_config is memoised) and the text is scanned.
void pick_virtualdomains(const Control& control, Deps& deps, Config& c) {
  std::string cdb = compiled_path(control, "virtualdomains");
  FileInfo cs, ts;
  int cerr = deps.stat_path(cdb, cs);
  if (cerr == ENOENT || cerr == ENOTDIR) return;
  if (cerr) {
    c.error = "unable to stat " + cdb + ": " + file_error(cerr);
    return;
  }
  int terr = deps.stat_path(c.virtualdomains, ts);
  if (terr == ENOENT) {
    log::warn(cdb + " ignored: " + c.virtualdomains + " is gone (qmail-send reads only the text); "
              "run spp-conf cdb virtualdomains");
    return;
  }
  if (terr == 0 && newer_than(ts, cs)) {
    log::warn(cdb + " ignored: older than " + c.virtualdomains +
              " (qmail-send reads only the text); run spp-conf cdb virtualdomains");
    return;
  }
  std::string error;
  switch (probe_compiled(deps, cdb, error)) {
    case Lookup::found: c.virtualdomains_cdb = cdb; break;
    case Lookup::error: c.error = error; break;
    case Lookup::missing: break;  // gone meanwhile: the text
  }
}

}  // namespace

Config load_config(const Control& control, Deps& deps, RunMemo* memo) {
  if (memo) {
    auto& m = memo->get<ConfigMemo>("delivery.config");
    if (m.loaded && m.base == control.base()) return m.config;
    m.config = load_config(control, deps, nullptr);
    m.base = control.base();
    m.loaded = true;
    return m.config;
  }
  Config c;
  c.base = control.base();
  Lines me = deps.read_lines(control.path("me"));
  if (me.status == Lookup::error) c.error = "unable to read " + control.path("me") + ": " + me.error;
  std::string me_value = me.status == Lookup::found && !me.lines.empty() ? me.lines[0] : "";
  Lines locals = deps.read_lines(control.path("locals"));
  if (locals.status == Lookup::error) c.error = "unable to read " + control.path("locals") + ": " + locals.error;
  if (locals.status == Lookup::found) {
    for (auto& l : locals.lines) c.locals.push_back(lower_ascii(l));
  } else if (!me_value.empty()) {
    c.locals.push_back(lower_ascii(me_value));  // qmail-send: locals defaults to me
  }
  Lines hack = deps.read_lines(control.path("percenthack"));
  if (hack.status == Lookup::error) c.error = "unable to read " + control.path("percenthack") + ": " + hack.error;
  for (auto& l : hack.lines) c.percenthack.push_back(lower_ascii(l));
  Lines noat = deps.read_lines(control.path("envnoathost"));
  if (noat.status == Lookup::error) c.error = "unable to read " + control.path("envnoathost") + ": " + noat.error;
  c.envnoathost = noat.status == Lookup::found && !noat.lines.empty() ? noat.lines[0]
                  : !me_value.empty()                                  ? me_value
                                                                       : "envnoathost";
  c.virtualdomains = control.path("virtualdomains");
  pick_virtualdomains(control, deps, c);
  return c;
}

bool route(const Config& c, Deps& deps, std::string_view address, Result& r) {
  // --- qmail-send: local, virtual or remote.
  std::string addr(address);
  if (addr.find('@') == std::string::npos) addr += "@" + c.envnoathost;
  size_t at = addr.rfind('@');
  // qmail-send's percenthack: while the domain is listed, the last '%' of
  // the local part becomes the '@' (a%b%c@hack -> a%b@c -> a@b if c is listed too).
  for (bool rewritten = false;;) {
    std::string domain = lower_ascii(std::string_view(addr).substr(at + 1));
    bool listed = false;
    for (const auto& h : c.percenthack) listed = listed || h == domain;
    size_t pct = listed ? addr.rfind('%', at) : std::string::npos;
    if (pct == std::string::npos) {
      if (rewritten) r.percenthack = addr;
      break;
    }
    addr.resize(at);
    addr[pct] = '@';
    at = pct;
    rewritten = true;
  }
  r.domain = lower_ascii(std::string_view(addr).substr(at + 1));
  bool local_domain = false;
  for (const auto& l : c.locals)
    if (l == r.domain) local_domain = true;
  r.local = addr.substr(0, at);
  if (local_domain) return true;
  std::vector<std::string_view> keys;  // user@domain, domain, .suffixes, "": most specific first
  for (size_t i = 0; i <= addr.size(); ++i)
    if (i == 0 || i == at + 1 || i == addr.size() || (i > at && addr[i] == '.'))
      keys.push_back(std::string_view(addr).substr(i));
  std::string prefix, error;
  int err = 0;
  bool found = c.virtualdomains_cdb.empty() ? vdom_scan(deps, c.virtualdomains, keys, prefix, err) >= 0
                                            : vdom_cdb(deps, c.virtualdomains_cdb, keys, prefix, error) >= 0;
  if (err) error = "unable to read " + c.virtualdomains + ": " + file_error(err);
  if (!error.empty()) {
    r.outcome = Outcome::error;
    r.why = error;
    return false;
  }
  if (!found || prefix.empty()) {
    r.outcome = Outcome::remote;
    r.why = found ? "virtualdomains: empty prefix" : "not in locals or virtualdomains";
    if (!r.percenthack.empty()) r.why = "percenthack made it " + r.percenthack + ", " + r.why;
    return false;
  }
  r.local = prefix + "-" + r.local;
  return true;
}

Result resolve(const Config& c, Deps& deps, std::string_view address, RunMemo* memo) {
  if (memo) {
    auto& results = memo->get<ResolveMemo>("delivery.resolve").results;
    std::string key = fingerprint(c, address);
    auto it = results.find(key);
    if (it == results.end()) it = results.emplace(key, resolve(c, deps, address, nullptr)).first;
    return it->second;
  }
  Result r;
  if (!route(c, deps, address, r)) return r;
  std::string local = r.local;
  // --- qmail-lspawn: an empty local part is accepted and dropped.
  if (local.empty()) {
    r.outcome = Outcome::deliver;
    r.why = "empty local part (qmail-lspawn drops it)";
    return r;
  }
  // --- users/cdb
  std::string cdb = in_base(c, "users/cdb");
  std::string lower = "!" + lower_ascii(local);
  CdbResult wild = deps.cdb_find(cdb, "");
  std::string nughde;
  bool matched = false;
  if (wild.status == Lookup::error) {
    r.outcome = Outcome::error;
    r.why = "users/cdb: " + wild.error;
    return r;
  }
  if (wild.status == Lookup::found || wild.error.empty()) {  // users/cdb exists
    if (wild.status != Lookup::found) {  // qmail-lspawn: "Trouble reading users/cdb" (defers all)
      r.outcome = Outcome::error;
      r.why = "users/cdb has no wildcard-character record (not made by qmail-newu?)";
      return r;
    }
    std::string key = lower;
    key.push_back('\0');
    CdbResult exact = deps.cdb_find(cdb, key);
    if (exact.status == Lookup::error) {
      r.outcome = Outcome::error;
      r.why = "users/cdb: " + exact.error;
      return r;
    }
    if (exact.status == Lookup::found) {
      nughde = exact.value;
      matched = true;
    }
    for (size_t i = lower.size(); !matched && i >= 1; --i) {
      if (i != 1 && wild.value.find(lower[i - 1]) == std::string::npos) continue;
      CdbResult w = deps.cdb_find(cdb, std::string_view(lower).substr(0, i));
      if (w.status == Lookup::error) {
        r.outcome = Outcome::error;
        r.why = "users/cdb: " + w.error;
        return r;
      }
      if (w.status == Lookup::found) {
        nughde = w.value + local.substr(i - 1);
        matched = true;
      }
    }
  }
  if (matched) {
    auto f = split_fields(nughde, '\0');  // user uid gid home dash ext
    if (f.size() < 6) {
      r.outcome = Outcome::error;
      r.why = "users/cdb: malformed record";
      return r;
    }
    r.user.assign(f[0]);
    r.home.assign(f[3]);
    r.dash.assign(f[4]);
    r.ext.assign(f[5]);
    auto uid = parse_ulong(f[1]);
    if (uid && *uid == 0) {
      r.outcome = Outcome::defer;
      r.why = "users/cdb: uid 0 (qmail-lspawn refuses root)";
      return r;
    }
  } else {
    // --- qmail-getpw over the passwd file
    std::string passwd;
    int err = deps.read_file(c.passwd, passwd, kMaxPasswd);
    if (err) {
      r.outcome = Outcome::error;
      r.why = "unable to read " + c.passwd + ": " + file_error(err);
      return r;
    }
    bool found = false;
    for (size_t e = local.size() + 1; e-- > 0 && !found;) {
      if (e >= kGetpwUserLen) continue;
      if (e != local.size() && local[e] != '-') continue;
      PasswdEntry pw;
      if (!find_passwd(passwd, lower_ascii(local.substr(0, e)), pw) || pw.uid == 0) continue;
      FileInfo st;
      ++r.probes;
      int serr = deps.stat_path(pw.home, st);
      if (serr == EACCES) {
        r.outcome = Outcome::unknown;
        r.why = "may not stat " + pw.home + " (permission)";
        return r;
      }
      if (serr && temporary_errno(serr)) {
        r.outcome = Outcome::defer;
        r.why = "stat " + pw.home + ": " + std::strerror(serr);
        return r;
      }
      if (serr || st.uid != pw.uid) continue;
      found = true;
      r.user = pw.name;
      r.home = pw.home;
      r.dash = e < local.size() ? "-" : "";
      r.ext = e < local.size() ? local.substr(e + 1) : "";
    }
    if (!found && !c.nsswitch.empty()) {
      // qmail-getpw asks getpwnam, which may know users the file does not:
      // then a miss here proves nothing (never a false 5xx).
      std::string nss;
      if (deps.read_file(c.nsswitch, nss, kMaxPasswd) == 0) {
        auto sources = nss_passwd_beyond_files(nss);
        if (!sources.empty()) {
          r.outcome = Outcome::unknown;
          r.why = "no user in " + c.passwd + ", but " + c.nsswitch + " also asks " + sources.front() +
                  " for passwd (not consulted)";
          return r;
        }
      }
    }
    if (!found) {
      PasswdEntry alias;
      if (!find_passwd(passwd, c.alias_user, alias)) {
        r.outcome = Outcome::defer;
        r.why = "no alias user \"" + c.alias_user + "\"";
        return r;
      }
      r.user = alias.name;
      r.home = alias.home;
      r.dash = "-";
      r.ext = local;
    }
  }
  r.mailbox = r.home;
  // --- qmail-local: the home directory
  if (r.home.empty() || r.home[0] != '/') {
    r.outcome = Outcome::unknown;
    r.why = "home \"" + r.home + "\" is not absolute";
    return r;
  }
  FileInfo home;
  ++r.probes;
  if (int err = deps.stat_path(r.home, home)) {
    r.outcome = err == EACCES ? Outcome::unknown : Outcome::defer;
    r.why = "stat " + r.home + ": " + std::strerror(err);
    return r;
  }
  if (home.mode & kPatrn) {
    r.outcome = Outcome::defer;
    r.why = r.home + " is writable by others";
    return r;
  }
  if (home.mode & 01000) {
    r.outcome = Outcome::defer;
    r.why = r.home + " is sticky";
    return r;
  }
  // --- qmail-local: the .qmail search
  std::string safeext = lower_ascii(r.ext);
  for (auto& ch : safeext)
    if (ch == '.') ch = ':';
  size_t dashes = 0;
  for (char ch : safeext) dashes += ch == '-';
  if (dashes + 2 > c.max_probes) {
    r.outcome = Outcome::unknown;
    r.why = "extension with " + std::to_string(dashes) + " '-' (more .qmail candidates than " +
            std::to_string(c.max_probes) + ")";
    return r;
  }
  std::vector<std::string> candidates;
  candidates.push_back(".qmail" + r.dash + safeext);
  for (size_t i = safeext.size() + 1; i-- > 0;)
    if (i == 0 || safeext[i - 1] == '-') candidates.push_back(".qmail" + r.dash + safeext.substr(0, i) + "default");
  std::string tried;
  for (const auto& name : candidates) {
    std::string path = join_path(r.home, name);
    FileInfo st;
    ++r.probes;
    int err = deps.stat_path(path, st);
    if (err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG) {
      if (tried.size() < 200) tried += (tried.empty() ? "" : ", ") + name;
      continue;
    }
    if (err == EACCES) {
      r.outcome = Outcome::unknown;
      r.why = "may not stat " + path + " (permission)";
      return r;
    }
    if (err) {
      r.outcome = Outcome::defer;
      r.why = "stat " + path + ": " + std::strerror(err);
      return r;
    }
    if (!S_ISREG(st.mode)) continue;  // qmail-local skips what is not a regular file
    r.qmail_file = path;
    if (st.mode & kPatrn) {
      r.outcome = Outcome::defer;
      r.why = path + " is writable by others";
      return r;
    }
    r.outcome = Outcome::deliver;
    r.why = "delivered by " + path;
    // vpopmail: a -default file that hands the decision to vdelivermail.
    if (name.size() >= 7 && name.compare(name.size() - 7, 7, "default") == 0) {
      std::string text;
      int rerr = deps.read_file(path, text, kMaxDotQmail);
      std::string action;
      if (rerr == 0 && vdelivermail_action(text, action)) {
        r.bounce_no_mailbox = action == "bounce-no-mailbox";
        std::string vuser = lower_ascii(r.ext);
        std::string vcdb = join_path(r.home, "vpasswd.cdb");
        CdbResult v = deps.cdb_find(vcdb, vuser);
        if (v.status == Lookup::missing && v.error.empty() && c.vpopmail_ext) {
          // vdelivermail --enable-qmail-ext: user-ext reaches user (the part before the FIRST '-').
          size_t dash = vuser.find('-');
          if (dash != std::string::npos && dash > 0) {
            v = deps.cdb_find(vcdb, std::string_view(vuser).substr(0, dash));
            if (v.status == Lookup::found) vuser.resize(dash);
          }
        }
        if (v.status == Lookup::error) {
          r.outcome = Outcome::error;
          r.why = vcdb + ": " + v.error;
          return r;
        }
        if (v.status == Lookup::missing && !v.error.empty()) {  // no vpasswd.cdb: another vpopmail backend
          r.outcome = Outcome::unknown;
          r.why = "vdelivermail without " + vcdb;
          return r;
        }
        if (v.status == Lookup::found) {
          auto f = split_fields(v.value, ':');  // passwd uid gid(flags) gecos dir quota [clear]
          auto flags = f.size() > 2 ? parse_ulong(f[2]) : std::nullopt;
          if (flags && (*flags & kVpopBounceMail)) {
            r.outcome = Outcome::disabled;
            r.why = "vpopmail account " + vuser + " bounces mail";
            return r;
          }
          if (f.size() > 4) r.mailbox.assign(f[4]);
          if (f.size() > 5) r.vpopmail_quota.assign(f[5]);
          r.why = "vpopmail user " + vuser + " in " + vcdb;
        } else if (r.bounce_no_mailbox) {
          r.outcome = Outcome::bounce;
          r.why = "no " + vuser + " in " + vcdb + ", and " + path + " says bounce-no-mailbox";
          return r;
        } else {
          r.why = "vdelivermail catch-all in " + path;
        }
      }
    }
    return r;
  }
  if (r.dash.empty()) {
    r.outcome = Outcome::deliver;
    r.why = "default delivery of " + r.user;
    return r;
  }
  r.outcome = Outcome::bounce;
  r.why = "no " + tried + " in " + r.home;
  return r;
}

}  // namespace spp::delivery
