#include "spp_conf.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <map>
#include <set>

#include "control.h"
#include "file.h"
#include "plugin.h"
#include "smtpplugins.h"

#ifndef SPP_PLUGINDIR
#define SPP_PLUGINDIR "/var/qmail/plugins"
#endif

namespace spp::conf {
namespace {

// qmail-spp reads lines of any length, but a path longer than this cannot be executed.
constexpr size_t kMaxEntry = 4096;

void say(const char* level, const std::string& message) {
  std::fprintf(stderr, "spp-conf: %s%s\n", level, message.c_str());
}
void fatal(const std::string& message) { say("fatal: ", message); }

std::string errno_text(int err) { return std::strerror(err); }

bool is_absolute(std::string_view p) { return !p.empty() && p.front() == '/'; }

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
  if (reg.plugin.empty() || reg.plugin.size() > kMaxEntry) {
    fatal("plugin name is empty or too long");
    return exitcode::bad_input;
  }
  for (char c : reg.plugin) {
    if (c == '\n' || c == '\r' || c == '\0') {
      fatal("plugin name contains a line break");
      return exitcode::bad_input;
    }
  }
  if (reg.plugin.front() == ' ' || reg.plugin.front() == '\t' || reg.plugin.front() == '#' ||
      reg.plugin.front() == '[' || reg.plugin.front() == ':') {
    fatal("plugin name \"" + reg.plugin + "\" starts with a character qmail-spp treats specially");
    return exitcode::bad_input;
  }
  return exitcode::ok;
}

bool control_dir_exists(const Paths& paths) {
  struct stat st;
  return stat((paths.qmaildir + "/control").c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Settings of control/options that are not ours but belong to qmail or H-Sphere:
// known, so `check` does not call them typos.
const std::set<std::string, std::less<>>& foreign_options() {
  static const std::set<std::string, std::less<>> names = {
      "authsender", "autoreply_policy", "badhelo", "badmailfrom", "badmailfrom-unknown",
      "badmailpatterns", "badrcptpatterns", "badrcptto", "badurls", "blackholedsender", "bouncefrom",
      "bouncehost", "bouncemessage", "bouncesubject", "bouncingip", "catchall", "chkloadertype",
      "chksignature", "clamglobal", "concurrencylocal", "concurrencyremote", "databytes",
      "doublebouncehost", "doublebouncemessage", "doublebouncesubject", "doublebounceto",
      "helodnscheck", "localtime", "lowercase", "maxrecipients", "maxwrongrcpt", "mconnectext",
      "mfdnscheck", "newline", "noathost", "nomfdnscheck", "opensmtptimeout", "outgoingip",
      "patterns_policy", "periplimit", "popbeforesmtp", "qmailspp", "queuelifetime", "quitasap",
      "rblsyslog", "rcptdnschecks", "rejectdiscardedmail", "relayclients", "relaydomains",
      "relaymailfrom", "samsgsize", "sanetcheck", "skipcachk", "skipsachk", "sms", "smdcheck",
      "smtpauth", "smtplog", "spamdchildren", "spamglobal", "spfbehavior", "spfexp", "spfguess",
      "spfrules", "splithorizon", "strictbounce", "stricthelocheck", "sysfacility", "tcpsessioncount",
      "temperror", "timeoutsmtpd", "uquotacheck", "urlscnt", "userchk", "xenveloptoheader",
      "xoriginatingip",
  };
  return names;
}

const SettingSpec* find_setting(std::string_view name) {
  for (const auto& check : registry())
    if (const SettingSpec* s = check.setting(name)) return s;
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
  p.qmaildir = qmail_home(env, kBuiltQmailHome);
  auto f = env.get("SPPCONFFILE");  // qmail-spp honours it when set and non-empty
  p.conffile = f && !f->empty() ? std::string(*f) : p.qmaildir + "/control/smtpplugins";
  auto d = env.get("SPP_PLUGINDIR");
  p.plugindir = d && !d->empty() ? std::string(*d) : (q && !q->empty() ? p.qmaildir + "/plugins" : SPP_PLUGINDIR);
  return p;
}

std::string entry_for(const Paths& paths, const Registration& reg) {
  std::string path = is_absolute(reg.plugin) ? reg.plugin : paths.plugindir + "/" + reg.plugin;
  return reg.shell ? ":" + path : path;
}

int write_file_atomic(const std::string& path, const std::string& content) {
  mode_t mode = 0644;
  struct stat st;
  if (stat(path.c_str(), &st) == 0) mode = st.st_mode & 07777;
  std::string tmp = path + ".tmp." + std::to_string(getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) return errno;
  const char* p = content.data();
  size_t left = content.size();
  int err = 0;
  while (left > 0 && !err) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) err = errno;
    else p += n, left -= size_t(n);
  }
  if (!err && fchmod(fd, mode) != 0) err = errno;  // umask must not narrow the mode
  if (!err && fsync(fd) != 0) err = errno;
  if (::close(fd) != 0 && !err) err = errno;
  if (!err && rename(tmp.c_str(), path.c_str()) != 0) err = errno;
  if (err) unlink(tmp.c_str());
  return err;
}

int fix_plugin_permissions(const std::string& path, bool quiet) {
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
  if (want != (st.st_mode & 07777)) {
    if (chmod(path.c_str(), want) != 0) {
      say("error: ", "unable to chmod " + path + ": " + errno_text(errno));
      return exitcode::temporary;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%04o -> %04o", unsigned(st.st_mode & 07777), unsigned(want));
    say("", "fixed permissions of " + path + ": " + buf);
  } else if (!quiet) {
    say("", "permissions of " + path + " are fine");
  }
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
    std::string entry = entry_for(paths, r);
    // A shell entry may carry arguments: the program is its first word.
    std::string program = r.shell ? entry.substr(1, entry.find(' ') - 1) : entry;
    if (fix_permissions) {
      if (int rc = fix_plugin_permissions(program, true)) return rc;
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
    size_t n = remove_entry(lines, category_letter(r.category), entry);
    removed += n;
    say("", n ? "removed " + entry + " from [" + r.category + "]"
              : entry + " is not in [" + r.category + "]");
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
  return n ? save(paths, lines) : exitcode::ok;
}

int parse_batch(const std::string& text, bool shell, std::vector<Registration>& out) {
  size_t lineno = 0, pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string::npos) end = text.size();
    std::string row = text.substr(pos, end - pos);
    pos = end + 1;
    ++lineno;
    while (!row.empty() && (row.back() == '\r' || row.back() == ' ' || row.back() == '\t')) row.pop_back();
    if (row.empty() || row.front() == '#') continue;
    size_t semi = row.find(';');
    if (semi == std::string::npos) {
      fatal("stdin line " + std::to_string(lineno) + ": expected category;plugin, got \"" + row + "\"");
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
    for (const auto& e : entries) std::printf("  %s\n", e.c_str());
  }
  size_t ignored = entries_of(lines, '?').size() + entries_of(lines, 0).size();
  if (ignored) std::printf("(%zu entries that qmail-spp never runs: see spp-conf check)\n", ignored);
  return exitcode::ok;
}

std::vector<Diagnostic> diagnose_text(const std::string& content) {
  std::vector<Diagnostic> out;
  auto lines = parse(content);
  std::map<char, std::set<std::string, std::less<>>> seen;
  std::map<char, std::set<std::string, std::less<>>> ours;  // our checks per section
  for (size_t i = 0; i < lines.size(); ++i) {
    const Line& l = lines[i];
    size_t no = i + 1;
    std::string_view eff = effective(l.text);
    if (l.kind == LineKind::section) {
      const char* name = category_name(l.section);
      if (!name) {
        out.push_back({Severity::error, no, "section " + std::string(eff) +
                       " is not one qmail-spp knows (it looks only at the letter after '['): "
                       "its plugins never run"});
      } else if (eff != "[" + std::string(name) + "]") {
        out.push_back({Severity::warning, no, "section " + std::string(eff) + " is read as [" + name + "]"});
      }
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
    if (l.section == 'a' && seen['a'].empty())
      out.push_back({Severity::note, no, "[auth] runs only with an SMTP AUTH variant of qmail-spp"});
    if (eff.front() == ' ' || eff.front() == '\t')
      out.push_back({Severity::error, no, "leading whitespace is part of the program name: it cannot run"});
    if (eff.size() > kMaxEntry) out.push_back({Severity::error, no, "entry longer than 4096 bytes"});
    if (eff.front() == ':')
      out.push_back({Severity::warning, no, "':' entry runs through /bin/sh (about 3x the start-up cost)"});
    else if (eff.front() != '/' && eff.front() != ' ')
      out.push_back({Severity::warning, no, "relative path: resolved against the qmail home"});
    if (!seen[l.section].insert(std::string(eff)).second)
      out.push_back({Severity::warning, no, "duplicate entry: it runs twice per command"});
    std::string_view name = our_name(eff);
    if (name.empty()) continue;
    if (auto hook = hook_from_name(name)) {
      if (*hook != *hook_from_name(category_name(l.section)))
        out.push_back({Severity::warning, no, "spp-" + std::string(name) + " listed under [" +
                       category_name(l.section) + "]: it runs the " + hook_name(*hook) + " checks"});
      for (const auto& c : registry())
        if (c.hooks() & unsigned(*hook)) {
          if (ours[l.section].count(c.name))
            out.push_back({Severity::warning, no, std::string("check ") + c.name + " now runs twice in this section"});
          ours[l.section].insert(c.name);
        }
    } else if (const Check* c = find_check(name)) {
      // qmail-spp does not tell a plugin its section; spp-rbl alone tells RCPT
      // from MAIL only by SMTPRCPTTO, which a second transaction's MAIL still has.
      if (name == "rbl" && l.section != 'r' && l.section != 'c' && l.section != 'm')
        out.push_back({Severity::warning, no, "spp-rbl does nothing useful under [" +
                       std::string(category_name(l.section)) + "]: list it under [rcpt]"});
      if (name == "rbl" && l.section == 'm')
        out.push_back({Severity::warning, no, "spp-rbl under [mail] cannot tell a second MAIL from a RCPT: "
                       "list it under [rcpt], or use spp-mail/spp-rcpt"});
      if (ours[l.section].count(c->name))
        out.push_back({Severity::warning, no, std::string("check ") + c->name + " now runs twice in this section"});
      ours[l.section].insert(c->name);
    } else {
      out.push_back({Severity::error, no, "spp-" + std::string(name) + " is not an sppkit check or hook"});
    }
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

int check_config(const Paths& paths, const Env& env) {
  size_t errors = 0, warnings = 0;
  auto report = [&](Severity s, const std::string& where, const std::string& msg) {
    const char* tag = s == Severity::error ? "error" : s == Severity::warning ? "warning" : "note";
    if (s == Severity::error) ++errors;
    if (s == Severity::warning) ++warnings;
    std::printf("%s: %s: %s\n", where.c_str(), tag, msg.c_str());
  };
  if (!control_dir_exists(paths)) {
    fatal("no control directory at " + paths.qmaildir + "/control (set QMAILDIR to the qmail home)");
    return exitcode::bad_input;
  }
  std::string content;
  int err = read_file(paths.conffile, content);
  if (err == ENOENT) {
    report(Severity::error, paths.conffile,
           "missing: qmail-smtpd with qmail-spp answers 421 to every connection (spp-conf -a creates it)");
  } else if (err) {
    fatal("unable to read " + paths.conffile + ": " + errno_text(err));
    return exitcode::temporary;
  } else {
    struct stat st;
    if (stat(paths.conffile.c_str(), &st) == 0 && (st.st_mode & S_IWOTH))
      report(Severity::error, paths.conffile, "world-writable: anyone can add a plugin");
    for (const auto& d : diagnose_text(content))
      report(d.severity, paths.conffile + ":" + std::to_string(d.line), d.message);
    auto lines = parse(content);
    for (size_t i = 0; i < lines.size(); ++i) {
      if (lines[i].kind != LineKind::entry || !category_name(lines[i].section)) continue;
      for (const auto& p : diagnose_program(paths.qmaildir, std::string(effective(lines[i].text))))
        report(Severity::error, paths.conffile + ":" + std::to_string(i + 1), p);
    }
  }
  // control/options: malformed lines and names nobody reads.
  Control control(paths.qmaildir, env);
  Lines opts = control.lines("options");
  std::string where = control.path("options");
  if (opts.status == Lookup::error) {
    report(Severity::error, where, "unreadable: " + opts.error + " (checks apply their fail mode)");
  } else if (opts.status == Lookup::found) {
    std::vector<size_t> bad;
    auto parsed = parse_options(opts.lines, &bad);
    for (size_t n : bad)
      report(Severity::error, where, "setting " + std::to_string(n) + " (not counting comments) is not name=value: ignored");
    for (const auto& [name, value] : parsed)
      if (!find_setting(name) && !foreign_options().count(name))
        report(Severity::warning, where, "unknown option \"" + name + "\" (a typo?): nothing reads it");
  }
  // Every setting of ours must parse: reading it is what the plugins do.
  for (const auto& check : registry()) {
    for (const SettingSpec& s : check.settings) {
      Lines file = control.lines(s.name);
      if (file.status == Lookup::error) report(Severity::error, control.path(s.name), file.error);
    }
    std::vector<std::string> complaints;
    if (check.lint) check.lint(control, complaints);
    if (const SettingSpec* knob = check.fail_knob ? check.setting(check.fail_knob) : nullptr)
      read_flag(control, *knob, complaints);
    for (const auto& c : complaints) report(Severity::error, std::string("spp-") + check.name, c);
  }
  std::printf("%zu error(s), %zu warning(s)\n", errors, warnings);
  return errors ? exitcode::bad_input : exitcode::ok;
}

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
    for (const SettingSpec& s : check.settings) {
      if (s.list) {
        Lines file = control.lines(s.name);
        if (file.status == Lookup::error)
          std::printf("  %s: unreadable: %s\n", s.name, file.error.c_str());
        else if (file.status == Lookup::missing || file.lines.empty())
          std::printf("  %s: (none) (Default.)\n", s.name);
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
  return exitcode::ok;
}

}  // namespace spp::conf
