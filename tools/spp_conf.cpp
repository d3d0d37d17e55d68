#include "spp_conf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <set>

#include "authsender/authsender.h"
#include "cdb_cmd.h"
#include "control.h"
#include "escape.h"
#include "file.h"
#include "listfile.h"
#include "patch_settings.h"
#include "scanq_config.h"
#include "plugin.h"
#include "smtpplugins.h"
#include "text.h"

#ifndef SPP_PLUGINDIR
#define SPP_PLUGINDIR "/var/qmail/plugins"
#endif

namespace spp::conf {
namespace {

void say(const char* level, const std::string& message) {
  std::fprintf(stderr, "spp-conf: %s%s\n", level, message.c_str());
}
void fatal(const std::string& message) { say("fatal: ", message); }

std::string errno_text(int err) { return std::strerror(err); }

bool is_absolute(std::string_view p) { return !p.empty() && p.front() == '/'; }

// "/var/qmail/" -> "/var/qmail" (but "/" stays): no "//" in the paths we print.
std::string without_trailing_slashes(std::string p) {
  while (p.size() > 1 && p.back() == '/') p.pop_back();
  return p;
}

// Loads smtpplugins for editing; a missing file yields the skeleton.
int load_for_edit(const Paths& paths, std::vector<Line>& lines) {
  std::string content;
  int err = read_file(paths.conffile, content);
  if (err == ENOENT) {
    lines = skeleton();
    return exitcode::ok;
  }
  if (err) {
    fatal("unable to read " + paths.conffile + ": " + errno_text(err));
    return exitcode::temporary;
  }
  lines = parse(content);
  return exitcode::ok;
}

int save(const Paths& paths, const std::vector<Line>& lines) {
  if (int err = write_file_atomic(paths.conffile, render(lines))) {
    fatal("unable to write " + paths.conffile + ": " + errno_text(err));
    return exitcode::temporary;
  }
  return exitcode::ok;
}

int validate(const Registration& reg) {
  if (!category_letter(reg.category)) {
    fatal("unknown category \"" + reg.category + "\": use connection, helo, mail, rcpt, data or auth");
    return exitcode::bad_input;
  }
  const char* why = entry_problem(reg.plugin);
  if (!why && reg.plugin.front() == ':') why = "it starts with a character qmail-spp treats specially";
  if (why) {
    fatal("plugin name \"" + escape_bytes(reg.plugin) + "\" cannot be an smtpplugins entry: " + why);
    return exitcode::bad_input;
  }
  return exitcode::ok;
}

bool control_dir_exists(const Paths& paths) {
  struct stat st;
  return stat((paths.qmaildir + "/control").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Settings of control/options that belong to qmail, H-Sphere or other patches
// (our own patches' settings are in patch_settings.cpp): known, so `check`
// does not call them typos.
const std::set<std::string, std::less<>>& foreign_options() {
  static const std::set<std::string, std::less<>> names = {
      "authsender", "autoreply_policy", "badhelo", "badmailfrom", "badmailfrom-unknown",
      "badmailpatterns", "badrcptpatterns", "badrcptto", "badurls", "blackholedsender", "bouncefrom",
      "bouncehost", "bouncemessage", "bouncesubject", "catchall", "chkloadertype",
      "chksignature", "clamglobal", "concurrencylocal", "concurrencyremote", "databytes",
      "doublebouncehost", "doublebouncemessage", "doublebouncesubject", "doublebounceto",
      "helodnscheck", "localtime", "lowercase", "maxrecipients", "maxwrongrcpt", "mconnectext",
      "mfdnscheck", "newline", "noathost", "nomfdnscheck", "opensmtptimeout", "outgoingip",
      "patterns_policy", "periplimit", "popbeforesmtp", "qmailspp", "queuelifetime", "quitasap",
      "rblsyslog", "rcptdnschecks", "rejectdiscardedmail", "relayclients", "relaydomains",
      "relaymailfrom", "samsgsize", "sanetcheck", "skipcachk", "skipsachk", "sms", "smdcheck",
      "smtpauth", "smtplog", "spamdchildren", "spamglobal", "spfbehavior", "spfexp", "spfguess",
      "spfrules", "splithorizon", "stricthelocheck", "sysfacility", "tcpsessioncount",
      "timeoutsmtpd", "uquotacheck", "urlscnt", "userchk", "xenveloptoheader",
      "xoriginatingip",
  };
  return names;
}

const SettingSpec* find_setting(std::string_view name) {
  for (const auto& check : registry())
    if (const SettingSpec* s = check.setting(name)) return s;
  for (const SettingSpec& s : scanq::settings())  // qmail-scanq (QMAILQUEUE)
    if (name == s.name) return &s;
  return nullptr;
}

// The check an entry runs, when it is one of ours ("…/spp-tarpit" -> tarpit).
std::string_view our_name(std::string_view entry) {
  size_t slash = entry.rfind('/');
  std::string_view base = slash == std::string_view::npos ? entry : entry.substr(slash + 1);
  if (base.substr(0, 4) != "spp-") return {};
  return base.substr(4);
}

}  // namespace

Paths Paths::from_env(const Env& env) {
  Paths p;
  auto q = env.get("QMAILDIR");
  p.qmaildir = without_trailing_slashes(qmail_home(env, kBuiltQmailHome));
  auto f = env.get("SPPCONFFILE");  // qmail-spp honours it when set and non-empty
  p.conffile = f && !f->empty() ? std::string(*f) : p.qmaildir + "/control/smtpplugins";
  auto d = env.get("SPP_PLUGINDIR");
  p.plugindir = without_trailing_slashes(d && !d->empty() ? std::string(*d)
                                         : q && !q->empty() ? p.qmaildir + "/plugins" : SPP_PLUGINDIR);
  return p;
}

std::string entry_for(const Paths& paths, const Registration& reg) {
  std::string path = is_absolute(reg.plugin) ? reg.plugin : paths.plugindir + "/" + reg.plugin;
  return reg.shell ? ":" + path : path;
}

namespace {

// Where an edit of `path` must go: a symlink is followed to its final target, so
// the link survives (the temporary file is made in the target's directory).
// A missing file is written where it was named.
int resolve_target(const std::string& path, std::string& target) {
  struct stat st;
  target = path;
  if (lstat(path.c_str(), &st) != 0 || !S_ISLNK(st.st_mode)) return 0;
  char* real = realpath(path.c_str(), nullptr);
  if (!real) return errno;  // a dangling or looping link: say so rather than replace it
  target = real;
  std::free(real);
  return 0;
}

// The temporary file takes the old file's owner, group and mode before the
// rename: qmaild may read smtpplugins only through its group.
int copy_attributes(int fd, const struct stat* old, mode_t mode) {
  if (old && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
      fchown(fd, old->st_uid, old->st_gid) != 0)
    return errno;  // refuse rather than drop the group qmail-spp reads it through
  if (fchmod(fd, mode) != 0) return errno;  // after chown (it may clear bits); umask must not narrow it
  return 0;
}

}  // namespace

int write_file_atomic(const std::string& path, const std::string& content) {
  std::string target;
  if (int err = resolve_target(path, target)) return err;
  mode_t mode = 0644;
  struct stat st;
  bool exists = stat(target.c_str(), &st) == 0;
  if (exists) mode = st.st_mode & 07777;
  std::string tmp = target + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return errno;
  int err = write_all(fd, content) ? 0 : errno;
  if (!err) err = copy_attributes(fd, exists ? &st : nullptr, mode);
  if (!err && fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp.c_str(), target.c_str()) != 0) err = errno;
  if (err) unlink(tmp.c_str());
  return err;
}

namespace {

// True when `path` resolves (symlinks and ../ followed) to a file below `dir`.
bool inside_dir(const std::string& path, const std::string& dir) {
  char* p = realpath(path.c_str(), nullptr);
  char* d = realpath(dir.c_str(), nullptr);
  bool inside = p && d && std::string_view(p).starts_with(std::string(d) + "/");
  std::free(p);
  std::free(d);
  return inside;
}

std::string octal(mode_t m) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04o", unsigned(m & 07777));
  return buf;
}

}  // namespace

int fix_plugin_permissions(const Paths& paths, const std::string& path, bool quiet) {
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    say("error: ", "plugin " + path + ": " + errno_text(errno));
    return exitcode::bad_input;
  }
  if (!S_ISREG(st.st_mode)) {
    say("error: ", "plugin " + path + " is not a regular file");
    return exitcode::bad_input;
  }
  // qmail-smtpd runs plugins as its own user (qmaild, vpopmail): they must be
  // readable and executable by everyone and writable by nobody but the owner.
  mode_t want = (st.st_mode & 07777 & ~mode_t(S_IWGRP | S_IWOTH)) | S_IRUSR | S_IXUSR | S_IRGRP |
                S_IXGRP | S_IROTH | S_IXOTH;
  if (want == (st.st_mode & 07777)) {
    if (!quiet) say("", "permissions of " + path + " are fine");
    return exitcode::ok;
  }
  // Only programs of the plugin directory are ours to change: -i on some other
  // file (a typo, ../ in the name) must not make it executable by everyone.
  if (!inside_dir(path, paths.plugindir)) {
    say("error: ", path + " is outside the plugin directory " + paths.plugindir +
                       ": not changed; as a plugin it needs mode " + octal(want) + " (it is " + octal(st.st_mode) + ")");
    return exitcode::bad_input;
  }
  if (chmod(path.c_str(), want) != 0) {
    say("error: ", "unable to chmod " + path + ": " + errno_text(errno));
    return exitcode::temporary;
  }
  say("", "fixed permissions of " + path + ": " + octal(st.st_mode) + " -> " + octal(want));
  return exitcode::ok;
}

// Validates every request, loads smtpplugins, applies `edit` to each request
// (it returns how many lines it changed) and saves once if anything changed.
template <typename Edit>
int edit_plugins(const Paths& paths, const std::vector<Registration>& regs, Edit edit) {
  for (const auto& r : regs)
    if (int rc = validate(r)) return rc;
  std::vector<Line> lines;
  if (int rc = load_for_edit(paths, lines)) return rc;
  size_t changed = 0;
  for (const auto& r : regs) {
    int rc = edit(lines, r, changed);
    if (rc != exitcode::ok) return rc;
  }
  return changed ? save(paths, lines) : exitcode::ok;
}

int add_plugins(const Paths& paths, const std::vector<Registration>& regs, bool fix_permissions) {
  return edit_plugins(paths, regs, [&](std::vector<Line>& lines, const Registration& r, size_t& added) {
    // qmail-spp keeps a CR in plugin paths, so a CRLF file's entries cannot run;
    // an LF entry among them would be the only one that works. Refuse to mix.
    if (uses_crlf(lines)) {
      fatal(paths.conffile + " has CRLF line ends, and qmail-spp keeps the CR in plugin paths (none of "
            "its entries can run): convert it to LF line ends (e.g. dos2unix), then add; nothing changed");
      return exitcode::bad_input;
    }
    std::string entry = entry_for(paths, r);
    // A shell entry may carry arguments: the program is its first word.
    std::string program = r.shell ? entry.substr(1, entry.find(' ') - 1) : entry;
    if (fix_permissions) {
      if (int rc = fix_plugin_permissions(paths, program, true)) return rc;
    } else if (access(program.c_str(), X_OK) != 0) {
      say("warning: ", entry + " is not an executable file (yet): qmail-spp will answer 451");
    }
    if (add_entry(lines, category_letter(r.category), entry)) {
      ++added;
      say("", "added " + entry + " to [" + r.category + "]");
    } else {
      say("", entry + " is already in [" + r.category + "]");
    }
    return exitcode::ok;
  });
}

int remove_plugins(const Paths& paths, const std::vector<Registration>& regs) {
  return edit_plugins(paths, regs, [&](std::vector<Line>& lines, const Registration& r, size_t& removed) {
    std::string entry = entry_for(paths, r);
    char letter = category_letter(r.category);
    size_t n = remove_entry(lines, letter, entry);
    removed += n;
    auto left = entries_of(lines, letter);
    if (std::find(left.begin(), left.end(), entry) != left.end())
      say("warning: ", entry + " is still run in [" + r.category + "]: it shares a line with a NUL byte; "
                       "edit that line by hand (spp-conf check shows it)");
    else if (!n)
      say("", entry + " is not in [" + r.category + "]");
    if (n) say("", "removed " + entry + " from [" + r.category + "]");
    return exitcode::ok;
  });
}

int remove_all_plugins(const Paths& paths, const std::string& category) {
  char letter = 0;
  if (!category.empty() && !(letter = category_letter(category))) {
    fatal("unknown category \"" + category + "\"");
    return exitcode::bad_input;
  }
  std::vector<Line> lines;
  if (int rc = load_for_edit(paths, lines)) return rc;
  size_t n = remove_all(lines, letter);
  say("", "removed " + std::to_string(n) + " entr" + (n == 1 ? "y" : "ies"));
  for (const auto& c : categories())
    if ((!letter || c.letter == letter) && !entries_of(lines, c.letter).empty())
      say("warning: ", std::string("[") + c.name + "] still has entries on lines with a NUL byte; "
                       "edit them by hand (spp-conf check shows them)");
  return n ? save(paths, lines) : exitcode::ok;
}

int parse_batch(const std::string& text, bool shell, std::vector<Registration>& out) {
  size_t lineno = 0;
  for (std::string_view line : split_lines(text)) {
    std::string row(line);
    ++lineno;
    while (!row.empty() && (row.back() == '\r' || row.back() == ' ' || row.back() == '\t')) row.pop_back();
    if (row.empty() || row.front() == '#') continue;
    size_t semi = row.find(';');
    if (semi == std::string::npos) {
      fatal("stdin line " + std::to_string(lineno) + ": expected category;plugin, got \"" + escape_bytes(row) + "\"");
      return exitcode::bad_input;
    }
    Registration r{row.substr(0, semi), row.substr(semi + 1), shell};
    if (int rc = validate(r)) {
      fatal("stdin line " + std::to_string(lineno) + " rejected; nothing changed");
      return rc;
    }
    out.push_back(std::move(r));
  }
  return exitcode::ok;
}

int list_plugins(const Paths& paths) {
  std::string content;
  if (int err = read_file(paths.conffile, content)) {
    fatal("unable to read " + paths.conffile + ": " + errno_text(err));
    return err == ENOENT ? exitcode::bad_input : exitcode::temporary;
  }
  auto lines = parse(content);
  for (const auto& c : categories()) {
    auto entries = entries_of(lines, c.letter);
    if (entries.empty()) continue;
    std::printf("[%s]\n", c.name);
    for (const auto& e : entries) std::printf("  %s\n", escape_bytes(e).c_str());  // a CR shows as \r
  }
  size_t ignored = entries_of(lines, '?').size() + entries_of(lines, 0).size();
  if (ignored) std::printf("(%zu entries that qmail-spp never runs: see spp-conf check)\n", ignored);
  return exitcode::ok;
}

namespace {

using Diagnostics = std::vector<Diagnostic>;
using SeenChecks = std::map<char, std::set<std::string, std::less<>>>;  // our checks per section

void diagnose_section(const Line& l, size_t no, Diagnostics& out) {
  std::string shown = escape_bytes(effective(l.text));
  const char* name = category_name(l.section);
  if (!name) {
    out.push_back({Severity::error, no, "section " + shown +
                   " is not one qmail-spp knows (it looks only at the letter after '['): its plugins never run"});
  } else if (effective(l.text) != "[" + std::string(name) + "]") {
    std::string why =
        effective(l.text).back() == '\r' ? " (CRLF line ends: qmail-spp keeps the CR, convert the file)" : "";
    out.push_back({Severity::warning, no, "section " + shown + " is read as [" + name + "]" + why});
  }
}

// An sppkit program ("…/spp-rcpt", "…/spp-tarpit") in the wrong section or twice.
void diagnose_ours(std::string_view name, char section, size_t no, SeenChecks& ours, Diagnostics& out) {
  std::string sect = category_name(section);
  auto twice = [&](const char* check) {
    if (!ours[section].insert(check).second)
      out.push_back({Severity::warning, no, std::string("check ") + check + " now runs twice in this section"});
  };
  if (auto hook = hook_from_name(name)) {
    if (*hook != *hook_from_name(sect))
      out.push_back({Severity::warning, no, "spp-" + std::string(name) + " listed under [" + sect +
                     "]: it runs the " + hook_name(*hook) + " checks"});
    for (const auto& c : registry())
      if (c.use(*hook)) twice(c.name);
  } else if (const Check* c = find_check(name)) {
    // qmail-spp does not tell a plugin its section: the registry says where a
    // check's own entry acts, and where it acts only inside a hook entry point.
    auto here = hook_from_name(sect);
    const HookUse* use = here ? c->use(*here) : nullptr;
    std::string where;
    for (const auto& u : c->uses)
      if (u.alone) where += (where.empty() ? "[" : ", [") + std::string(u.hook == Hook::connect ? "connection" : hook_name(u.hook)) + "]";
    if (!use && c->grants_relay)
      out.push_back({Severity::error, no, "spp-" + std::string(name) + " under [" + sect +
                     "]: its O grants relaying only under [rcpt]; here it would skip qmail's own checks "
                     "(badmailfrom at MAIL): list it under [rcpt]"});
    else if (!use)
      out.push_back({Severity::warning, no, "spp-" + std::string(name) + " does nothing useful under [" + sect +
                     "]: list it under " + where});
    else if (!use->alone)
      out.push_back({Severity::warning, no, "spp-" + std::string(name) + " alone under [" + sect +
                     "] cannot tell this command from a later one (" + use->role + "): list it under " + where +
                     ", or use spp-" + hook_name(*here)});
    twice(c->name);
  } else {
    out.push_back({Severity::error, no, "spp-" + escape_bytes(name) + " is not an sppkit check or hook"});
  }
}

// One entry (the first piece of its line) of a section qmail-spp runs.
void diagnose_entry(std::string_view eff, char section, size_t no, SeenChecks& seen, SeenChecks& ours,
                    Diagnostics& out) {
  if (section == 'a' && seen['a'].empty())
    out.push_back({Severity::note, no, "[auth] runs only with an SMTP AUTH variant of qmail-spp"});
  if (!seen[section].insert(std::string(eff)).second) {
    out.push_back({Severity::warning, no, "duplicate entry: it runs twice per command"});
    return;  // one warning per duplicate: the rest was said about the first one
  }
  if (eff.empty()) {
    out.push_back({Severity::error, no, "empty entry: qmail-spp answers 451 (can't execute)"});
    return;
  }
  if (eff.back() == '\r') {
    out.push_back({Severity::error, no, "entry " + escape_bytes(eff) + " ends in a CR (CRLF line ends): "
                   "qmail-spp keeps the CR in plugin paths, so it cannot run; convert the file to LF"});
    return;
  }
  if (eff.front() == ' ' || eff.front() == '\t')
    out.push_back({Severity::error, no, "leading whitespace is part of the program name: it cannot run"});
  if (eff.size() > kMaxEntry) out.push_back({Severity::error, no, "entry longer than 4096 bytes"});
  if (eff.front() == ':')
    out.push_back({Severity::warning, no, "':' entry runs through /bin/sh (about 3x the start-up cost)"});
  else if (eff.front() != '/' && eff.front() != ' ' && eff.front() != '\t')
    out.push_back({Severity::warning, no, "relative path: resolved against the qmail home"});
  std::string_view name = our_name(eff);
  if (!name.empty()) diagnose_ours(name, section, no, ours, out);
}

}  // namespace

std::vector<Diagnostic> diagnose_text(const std::string& content) {
  Diagnostics out;
  auto lines = parse(content);
  SeenChecks seen, ours;
  size_t spp_auth_line = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    size_t no = i + 1;
    if (l.nul) {
      std::string pieces;
      for (std::string_view p : qmail_pieces(l.text)) pieces += (pieces.empty() ? "\"" : ", \"") + escape_bytes(p) + "\"";
      out.push_back({Severity::error, no, "NUL byte: qmail-spp reads this line as " + pieces +
                     " (each a line of its own; remove the NUL)"});
    }
    if (l.kind == LineKind::section) {
      diagnose_section(l, no, out);
      continue;
    }
    if (l.kind != LineKind::entry) continue;
    if (l.section == 0) {
      out.push_back({Severity::error, no, "entry before any section: qmail-spp never runs it"});
      continue;
    }
    if (l.section == '?') {
      out.push_back({Severity::error, no, "entry in an unknown section: qmail-spp never runs it"});
      continue;
    }
    std::string_view eff = qmail_pieces(l.text).front();
    if (l.section == 'a' && !eff.empty() && eff.front() != ':') {
      // spp-auth records the login as let through (SPP_AUTHUSER): a plugin
      // after it that refuses comes too late, the refused login still counts.
      if (spp_auth_line && our_name(eff) != "auth")
        out.push_back({Severity::warning, no, "runs after spp-auth (line " + std::to_string(spp_auth_line) +
                       "), which has already recorded the login as accepted (SPP_AUTHUSER): if this plugin "
                       "refuses the AUTH, the client still counts as authenticated; list it before spp-auth"});
      if (our_name(eff) == "auth" && !spp_auth_line) spp_auth_line = no;
    }
    diagnose_entry(eff, l.section, no, seen, ours, out);
  }
  return out;
}

std::vector<std::string> diagnose_program(const std::string& qmaildir, const std::string& entry) {
  std::vector<std::string> out;
  std::string path = entry;
  if (!path.empty() && path.front() == ':') {
    path = path.substr(1, path.find(' ') == std::string::npos ? std::string::npos : path.find(' ') - 1);
  }
  if (path.empty() || path.front() == ' ' || path.front() == '\t') return out;  // reported already
  if (path.front() != '/') path = qmaildir + "/" + path;
  struct stat st;
  if (stat(path.c_str(), &st) != 0) {
    out.push_back(path + ": " + errno_text(errno) + " (qmail-spp answers 451 to every such command)");
    return out;
  }
  if (!S_ISREG(st.st_mode)) out.push_back(path + " is not a regular file");
  else if (!(st.st_mode & S_IXOTH)) out.push_back(path + " is not executable by everyone (spp-conf -i fixes it)");
  if (st.st_mode & (S_IWGRP | S_IWOTH)) out.push_back(path + " is writable by group or others (spp-conf -i fixes it)");
  std::string dir = path.substr(0, path.rfind('/'));
  if (!dir.empty() && stat(dir.c_str(), &st) == 0 && (st.st_mode & S_IWOTH) && !(st.st_mode & S_ISVTX))
    out.push_back(dir + " is world-writable: anyone can replace the plugin");
  return out;
}

namespace {

// `spp-conf check` output: "<where>: <severity>: <message>", counted.
struct Report {
  size_t errors = 0, warnings = 0;
  void operator()(Severity s, const std::string& where, const std::string& msg) {
    const char* tag = s == Severity::error ? "error" : s == Severity::warning ? "warning" : "note";
    if (s == Severity::error) ++errors;
    if (s == Severity::warning) ++warnings;
    std::printf("%s: %s: %s\n", where.c_str(), tag, msg.c_str());
  }
};

// smtpplugins: what qmail-spp misreads, then each program on disk. Returns 0 or a fatal exit code.
int check_smtpplugins(const Paths& paths, Report& report) {
  std::string content;
  int err = read_file(paths.conffile, content);
  if (err == ENOENT) {
    report(Severity::error, paths.conffile,
           "missing: qmail-smtpd with qmail-spp answers 421 to every connection (spp-conf -a creates it)");
    return exitcode::ok;
  }
  if (err) {
    fatal("unable to read " + paths.conffile + ": " + file_error(err));
    return exitcode::temporary;
  }
  struct stat st;
  if (stat(paths.conffile.c_str(), &st) == 0 && (st.st_mode & S_IWOTH))
    report(Severity::error, paths.conffile, "world-writable: anyone can add a plugin");
  for (const auto& d : diagnose_text(content))
    report(d.severity, paths.conffile + ":" + std::to_string(d.line), d.message);
  auto lines = parse(content);
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].kind != LineKind::entry || !category_name(lines[i].section)) continue;
    std::string_view eff = qmail_pieces(lines[i].text).front();
    if (!eff.empty() && eff.back() == '\r') continue;  // reported: the CR makes it unrunnable
    for (const auto& p : diagnose_program(paths.qmaildir, std::string(eff)))
      report(Severity::error, paths.conffile + ":" + std::to_string(i + 1), escape_bytes(p));
  }
  return exitcode::ok;
}

// control/options, line by line as Control reads it (trailing blanks and CR
// stripped, blank and '#' lines skipped): malformed lines, names set twice
// (the last line wins, for the plugins and the patches alike), names nobody reads.
void check_options(const std::string& where, const std::string& content, Report& report) {
  std::map<std::string, size_t, std::less<>> first_line;
  size_t no = 0;
  for (std::string_view raw : split_lines(content)) {
    ++no;
    while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\r')) raw.remove_suffix(1);
    if (raw.empty() || raw.front() == '#') continue;
    std::string at = where + ":" + std::to_string(no);
    std::string_view line = trim_blanks(raw);
    size_t eq = line.find('=');
    std::string_view name = eq == std::string_view::npos ? std::string_view() : trim_blanks(line.substr(0, eq));
    if (name.empty()) {
      report(Severity::error, at, "setting is not name=value: ignored");
      continue;
    }
    std::string shown = escape_bytes(name);
    auto [it, fresh] = first_line.try_emplace(std::string(name), no);
    if (!fresh) {
      report(Severity::warning, at, "name " + shown + " set on lines " + std::to_string(it->second) + " and " +
                                        std::to_string(no) + "; the last one wins");
      it->second = no;
      continue;
    }
    if (!find_setting(name) && !find_patch_setting(name) && !foreign_options().count(name))
      report(Severity::warning, at, "unknown option \"" + shown + "\" (a typo?): nothing reads it");
  }
}

// Every setting of ours must parse: reading it is what the plugins do.
void check_plugin_settings(const Control& control, Report& report) {
  for (const auto& check : registry()) {
    for (const SettingSpec& s : check.settings) {
      // Read as the check reads it (lists: 64 KiB lines, not qmail's 1000).
      Lines file = read_control_lines(control.path(s.name), s.max_line ? s.max_line : 1000);
      if (file.status == Lookup::error) report(Severity::error, control.path(s.name), file.error);
    }
    std::vector<std::string> complaints;
    if (check.lint) check.lint(control, complaints);
    if (const SettingSpec* knob = check.fail_knob ? check.setting(check.fail_knob) : nullptr)
      read_flag(control, *knob, complaints);
    for (const auto& c : complaints) report(Severity::error, std::string("spp-") + check.name, c);
  }
  std::vector<std::string> complaints;
  scanq::lint(control, complaints);
  for (const auto& c : complaints) report(Severity::error, "qmail-scanq", c);
}

}  // namespace

namespace {

// Compiled lists (spp-conf cdb): the checks read only control/<name>.cdb
// when it exists, so a text file edited after the build is not in force.
// virtualdomains is the exception: qmail-send reads the text, so the checks
// ignore a stale virtualdomains.cdb and scan the text (slowly) instead.
void check_compiled_lists(const Control& control, Report& report) {
  Deps deps;
  for (const char* const* n = compilable_lists(); *n; ++n) {
    std::string text = control.path(*n), cdb = compiled_path(control, *n), error;
    bool vdoms = std::string_view(*n) == "virtualdomains";
    FileInfo ts, cs;
    if (deps.stat_path(cdb, cs) != 0) continue;
    if (probe_compiled(deps, cdb, error) == Lookup::error) {
      report(Severity::error, cdb, error.substr(error.find(": ") + 2) + " (the checks apply their fail mode); run spp-conf cdb " + *n);
      continue;
    }
    if (deps.stat_path(text, ts) != 0)
      report(Severity::warning, cdb,
             vdoms ? std::string("ignored: its source ") + text + " is gone; run spp-conf cdb virtualdomains"
                   : std::string("in force, but its source ") + text + " is gone");
    else if (newer_than(ts, cs))
      report(Severity::warning, text,
             vdoms ? std::string("newer than ") + cdb +
                         ": spp-chkuser ignores the stale cdb and scans the text per RCPT; run spp-conf cdb "
                         "virtualdomains"
                   : std::string("newer than ") + cdb + ": the checks read only the cdb; run spp-conf cdb " + *n);
  }
}

}  // namespace

namespace {

// authsender on, spp-auth not under [auth]: a login an [auth] plugin refused
// keeps SMTPAUTHUSER set (qmail-spp never takes it back) and nothing says so.
void check_auth_marker(const Paths& paths, const Control& control, Report& report) {
  const Check* c = find_check("authsender");
  const SettingSpec* spec = c ? c->setting("authsender") : nullptr;
  if (!spec) return;
  Setting mode = control.setting(*spec);
  std::string value = lower_ascii(mode.value);
  if (value != "1" && value != "domain" && value != "login") return;
  std::string content;
  if (read_file(paths.conffile, content) || authsender::spp_auth_listed(content)) return;  // unreadable: reported
  report(Severity::warning, paths.conffile,
         "authsender=" + escape_bytes(mode.value) + " (" + mode.origin +
             ") but spp-auth is not listed under [auth]: qmail-spp leaves SMTPAUTHUSER set when an [auth] plugin "
             "refuses the login, so such a client still counts as authenticated (to authsender, and to the checks "
             "that skip authenticated clients). With an SMTP AUTH variant of qmail-spp, list spp-auth last under "
             "[auth] (spp-conf -p spp-auth -t auth); without one, [auth] never runs and this does not matter");
}

}  // namespace

int check_config(const Paths& paths, const Env& env) {
  if (!control_dir_exists(paths)) {
    fatal("no control directory at " + paths.qmaildir + "/control (set QMAILDIR to the qmail home)");
    return exitcode::bad_input;
  }
  Report report;
  if (int rc = check_smtpplugins(paths, report)) return rc;
  Control control(paths.qmaildir, env);
  std::string where = control.path("options"), options;
  int err = read_file(where, options);
  if (err && err != ENOENT)
    report(Severity::error, where, "unreadable: " + file_error(err) + " (checks apply their fail mode)");
  else if (!err)
    check_options(where, options, report);
  check_plugin_settings(control, report);
  check_compiled_lists(control, report);
  check_auth_marker(paths, control, report);
  std::printf("%zu error(s), %zu warning(s)\n", report.errors, report.warnings);
  return report.errors ? exitcode::bad_input : exitcode::ok;
}

namespace {

void show_specs(const Control& control, std::span<const SettingSpec> specs);

// The qmail-send/qmail-remote patches' settings: own control file, then control/options.
void show_patch_settings(const Control& control) {
  std::printf("\nqmail-send/qmail-remote patches (patches/README.md):\n");
  for (const auto& p : patch_settings()) {
    Setting value = control.setting(p.name, "", p.options ? p.fallback : "");
    std::string shown = escape_bytes(value.value);
    if (value.status == Lookup::error)
      std::printf("  %s: unreadable %s: %s\n", p.name, value.origin.c_str(), escape_bytes(value.error).c_str());
    else if (value.source == Source::defaulted || (!p.options && value.source == Source::options))
      std::printf("  %s: %s (Default.)  [%s: %s]\n", p.name, p.fallback, p.patch, p.meaning);
    else
      std::printf("  %s: %s (%s)  [%s: %s]\n", p.name, shown.c_str(), value.origin.c_str(), p.patch, p.meaning);
  }
}

}  // namespace

int show_settings(const Paths& paths, const Env& env) {
  if (!control_dir_exists(paths)) {
    fatal("no control directory at " + paths.qmaildir + "/control (set QMAILDIR to the qmail home)");
    return exitcode::bad_input;
  }
  std::printf("qmail home: %s\nsmtpplugins: %s\nplugin directory: %s\n", paths.qmaildir.c_str(),
              paths.conffile.c_str(), paths.plugindir.c_str());
  Control control(paths.qmaildir, env);
  for (const auto& check : registry()) {
    std::string hooks;
    for (unsigned bit = 1; bit <= unsigned(Hook::auth); bit <<= 1)
      if (check.hooks() & bit) hooks += std::string(hooks.empty() ? "" : " ") + hook_name(Hook(bit));
    Deps deps;
    Context ctx{Hook::unknown, env, control, deps, &check};
    std::printf("\n%s: spp-%s, hooks: %s, fail mode: %s%s\n", check.name, check.name, hooks.c_str(),
                ctx.fail_mode() == FailMode::open ? "open" : "451",
                check.fail_knob ? (std::string(" (") + check.fail_knob + ")").c_str() : "");
    show_specs(control, check.settings);
  }
  std::printf("\nqmail-scanq (QMAILQUEUE, qmail-scanq(8)):\n");
  show_specs(control, scanq::settings());
  show_patch_settings(control);
  return exitcode::ok;
}

namespace {

void show_specs(const Control& control, std::span<const SettingSpec> specs) {
    for (const SettingSpec& s : specs) {
      if (s.list) {
        Lines file = read_control_lines(control.path(s.name), s.max_line ? s.max_line : 1000);
        if (file.status == Lookup::error)
          std::printf("  %s: unreadable: %s\n", s.name, file.error.c_str());
        else if (file.status == Lookup::missing || file.lines.empty())
          std::printf("  %s: (none) (Default.)\n", s.name);
        else if (s.secret)
          std::printf("  %s: %zu secret(s), not shown (%s)\n", s.name, file.lines.size(), control.path(s.name).c_str());
        else
          for (const auto& l : file.lines) std::printf("  %s: %s (%s)\n", s.name, l.c_str(), control.path(s.name).c_str());
        continue;
      }
      Setting value = control.setting(s);
      if (value.status == Lookup::error)
        std::printf("  %s: unreadable %s: %s\n", s.name, value.origin.c_str(), value.error.c_str());
      else if (value.source == Source::defaulted)
        std::printf("  %s: %s (Default.)\n", s.name, value.value.c_str());
      else
        std::printf("  %s: %s (%s)\n", s.name, value.value.c_str(), value.origin.c_str());
    }
}

}  // namespace

}  // namespace spp::conf
