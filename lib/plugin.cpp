#include "plugin.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <string>

#include <algorithm>

#include "clock.h"
#include "file.h"
#include "log.h"

namespace spp {

namespace {

struct HookName {
  Hook hook;
  const char* entry;    // spp-<entry>
  const char* section;  // smtpplugins section
};
constexpr HookName kHooks[] = {
    {Hook::connect, "connect", "connection"}, {Hook::helo, "helo", "helo"},
    {Hook::mail, "mail", "mail"},             {Hook::rcpt, "rcpt", "rcpt"},
    {Hook::data, "data", "data"},             {Hook::auth, "auth", "auth"},
};

// Applies what qmail-spp would do with a check's non-terminal lines before the
// next plugin runs: S and U change the environment; C changes SMTPMAILFROM or
// SMTPRCPTTO, but only at MAIL and RCPT (qmail-spp ignores C elsewhere).
void apply_to_env(const Verdict& v, Hook hook, Env& env) {
  for (const auto& line : v.lines()) {
    std::string_view rest(line);
    rest.remove_prefix(1);
    switch (line[0]) {
      case 'S': {
        size_t eq = rest.find('=');
        if (eq != std::string_view::npos) env.set(rest.substr(0, eq), rest.substr(eq + 1));
        break;
      }
      case 'U':
        env.unset(rest);
        break;
      case 'C':
        if (hook == Hook::mail) env.set("SMTPMAILFROM", rest);
        if (hook == Hook::rcpt) env.set("SMTPRCPTTO", rest);
        break;
      default:
        break;
    }
  }
}

const char* basename_of(const char* path) {
  const char* slash = std::strrchr(path, '/');
  return slash ? slash + 1 : path;
}

void usage() {
  std::string names;
  for (const auto& c : registry()) names += std::string(" spp-") + c.name;
  for (const auto& h : kHooks) names += std::string(" spp-") + h.entry;
  log::error("run me as one of:" + names + " (a hard link, listed in control/smtpplugins)");
}

}  // namespace

const char* hook_name(Hook h) {
  for (const auto& n : kHooks)
    if (n.hook == h) return n.entry;
  return "unknown";
}

std::optional<Hook> hook_from_name(std::string_view name) {
  for (const auto& n : kHooks)
    if (name == n.entry || name == n.section) return n.hook;
  return std::nullopt;
}

Deps::Deps() = default;
Deps::~Deps() = default;

Resolver& Deps::dns() {
  if (!dns_) dns_ = make_system_resolver();
  return *dns_;
}

void Deps::sleep_seconds(unsigned seconds) {
  struct timespec left = {static_cast<time_t>(seconds), 0};
  while (nanosleep(&left, &left) < 0 && errno == EINTR) {
  }
}

long long Deps::monotonic_ms() { return now_ms(); }
long long Deps::wall_seconds() { return static_cast<long long>(std::time(nullptr)); }

Lines Deps::read_lines(const std::string& path, size_t max_line) { return read_control_lines(path, max_line); }

int Deps::read_file(const std::string& path, std::string& out, size_t max_bytes) {
  return spp::read_file(path, out, max_bytes);
}

std::vector<std::string> Deps::local_addresses() {
  std::vector<std::string> out;
  struct ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (struct ifaddrs* i = list; i; i = i->ifa_next) {
    if (!i->ifa_addr) continue;
    char buf[INET6_ADDRSTRLEN];
    const void* addr = nullptr;
    if (i->ifa_addr->sa_family == AF_INET)
      addr = &reinterpret_cast<const struct sockaddr_in*>(i->ifa_addr)->sin_addr;
    else if (i->ifa_addr->sa_family == AF_INET6)
      addr = &reinterpret_cast<const struct sockaddr_in6*>(i->ifa_addr)->sin6_addr;
    if (addr && inet_ntop(i->ifa_addr->sa_family, addr, buf, sizeof buf)) out.emplace_back(buf);
  }
  freeifaddrs(list);
  return out;
}

CdbResult Deps::cdb_find(const std::string& path, std::string_view key) {
  auto it = cdbs_.find(path);
  if (it == cdbs_.end()) it = cdbs_.emplace(path, std::make_unique<Cdb>()).first;
  Cdb& db = *it->second;
  if (!db.is_open()) {
    Lookup opened = db.open(path);
    if (opened != Lookup::found) {
      CdbResult r{opened, "", db.error()};
      cdbs_.erase(it);  // try again next time: it may appear or be fixed
      return r;
    }
  }
  return db.find(key);
}

int Deps::for_each_line(const std::string& path, const std::function<void(std::string_view)>& fn) {
  return spp::for_each_line(path, fn);
}

int Deps::stat_path(const std::string& path, FileInfo& info) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) return errno ? errno : EIO;
  info.mode = st.st_mode;
  info.uid = st.st_uid;
  info.size = static_cast<long long>(st.st_size);
  info.mtime = static_cast<long long>(st.st_mtime);
  info.mtime_nsec = st.st_mtim.tv_nsec;
  return 0;
}

void Deps::sleep_ms(unsigned ms) {
  struct timespec left = {static_cast<time_t>(ms / 1000), static_cast<long>(ms % 1000) * 1000000L};
  while (nanosleep(&left, &left) < 0 && errno == EINTR) {
  }
}

int Deps::unix_request(const std::string& path, std::string_view request, std::string& reply, int timeout_ms,
                       size_t max_bytes) {
  return spp::unix_request(path, request, reply, timeout_ms, max_bytes);
}

// ---------------------------------------------------------------- checks

unsigned Check::hooks() const {
  unsigned bits = 0;
  for (const auto& u : uses) bits |= unsigned(u.hook);
  return bits;
}

const HookUse* Check::use(Hook hook) const {
  for (const auto& u : uses)
    if (u.hook == hook) return &u;
  return nullptr;
}

const SettingSpec* Check::setting(std::string_view setting_name) const {
  for (const auto& s : settings)
    if (setting_name == s.name) return &s;
  return nullptr;
}

FailMode Context::fail_mode() const {
  if (fail_mode_cache) return *fail_mode_cache;
  FailMode mode = check ? check->fail_mode : FailMode::open;
  if (check && check->fail_knob) {
    const SettingSpec* knob = check->setting(check->fail_knob);
    Warnings warnings;
    if (knob) mode = read_flag(control, *knob, warnings) ? FailMode::tempfail : FailMode::open;
    for (const auto& w : warnings) log::warn(w);
  }
  fail_mode_cache = mode;
  return mode;
}

// The answer a check gives when it cannot decide (style.md §6.1).
Verdict Context::fail_verdict() const {
  if (fail_mode() == FailMode::tempfail)
    return Verdict::error(451, "4.3.0", "temporary local problem, please try again later");
  return Verdict::no_opinion();
}

std::vector<const Check*> checks_for(const std::vector<Check>& checks, Hook hook) {
  std::vector<const Check*> out;
  for (const auto& c : checks)
    if (c.use(hook)) out.push_back(&c);
  std::stable_sort(out.begin(), out.end(),
                   [hook](const Check* a, const Check* b) { return a->use(hook)->order < b->use(hook)->order; });
  return out;
}

const Check* find_check(std::string_view name) {
  for (const auto& c : registry())
    if (name == c.name) return &c;
  return nullptr;
}

Verdict run_check(const Check& check, const Context& ctx) {
  static std::string program;  // log::set_program keeps the pointer
  program = std::string("spp-") + check.name;
  log::set_program(program.c_str());
  std::string what = "unknown exception";
  try {
    return check.run(ctx);
  } catch (const std::exception& e) {
    what = e.what();
  } catch (...) {
  }
  try {
    log::error("internal error: " + what +
               (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    return ctx.fail_verdict();
  } catch (...) {
    return Verdict::no_opinion();  // even the fail mode could not be read
  }
}

Verdict run_hook(Hook hook, Env& env, const Control& control, Deps& deps) {
  return run_checks(registry(), hook, env, control, deps);
}

Verdict run_checks(const std::vector<Check>& checks, Hook hook, Env& env, const Control& control,
                   Deps& deps) {
  Verdict all;
  RunMemo memo;
  for (const Check* check : checks_for(checks, hook)) {
    Verdict v = run_check(*check, Context{hook, env, control, deps, check, {}, &memo});
    apply_to_env(v, hook, env);
    all.append(v);
    if (v.terminal() != Terminal::none) break;  // qmail-spp stops the section here
  }
  return all;
}

int multicall_main(int argc, char** argv, char** envp) {
  std::string_view name = basename_of(argc > 0 && argv[0] ? argv[0] : "spp");
  if (name == "spp" && argc > 1) name = argv[1];  // "spp rcpt", "spp tarpit": handy by hand
  if (name.substr(0, 4) == "spp-") name.remove_prefix(4);
  if (name == "list") {  // "spp list [--markdown|--man]": the registry, for people and docs
    std::string_view how = argc > 2 ? argv[2] : "";
    ListFormat format = how == "--markdown"   ? ListFormat::markdown
                        : how == "--man"      ? ListFormat::man
                        : how == "--settings" ? ListFormat::settings
                                              : ListFormat::lines;
    return write_all(1, list_checks(registry(), format)) ? 0 : 111;
  }

  Env env = Env::from_environ(envp);
  Control control(Control::default_base(env), env);
  Deps deps;
  struct stat st;
  if (stat(control.path("").c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    // Every check would read "missing" and do nothing; say why, once per run.
    log::set_program("spp");
    log::warn("no control directory at " + control.path("") +
              " (set QMAILDIR or run from the qmail home): no checks run");
    return 0;
  }

  Verdict out;
  if (auto hook = hook_from_name(name)) {
    out = run_hook(*hook, env, control, deps);
  } else if (const Check* check = find_check(name)) {
    out = run_check(*check, Context{Hook::unknown, env, control, deps, check});
  } else {
    log::set_program("spp");
    usage();
    return 100;  // exit codes other than 120 are ignored by qmail-spp: no opinion
  }
  out.write_to(1);
  return 0;
}

}  // namespace spp

namespace spp {

namespace {

constexpr Hook kHookOrder[] = {Hook::connect, Hook::helo, Hook::mail, Hook::rcpt, Hook::data, Hook::auth};

std::string fail_words(const Check& c, bool markdown) {
  std::string mode = c.fail_mode == FailMode::open ? "open" : "451";
  if (!c.fail_knob) return mode;
  std::string knob = markdown ? "`" + std::string(c.fail_knob) + "`" : c.fail_knob;
  return mode + " (" + knob + (c.fail_mode == FailMode::open ? "=1: 451)" : "=0: open)");
}

std::string markdown_table(const std::vector<Check>& checks) {
  std::string out =
      "| check | hooks | settings (env override) | fail mode | what it does |\n"
      "|---|---|---|---|---|\n";
  for (const auto& c : checks) {
    std::string hooks, settings;
    for (Hook h : kHookOrder)
      if (const HookUse* u = c.use(h))
        hooks += (hooks.empty() ? "" : "; ") + std::string(hook_name(h)) + ": " + u->role;
    for (const auto& s : c.settings) {
      settings += (settings.empty() ? "`" : ", `") + std::string(s.name) + "`";
      if (*s.env) settings += " (`" + std::string(s.env) + "`)";
    }
    out += "| " + std::string(c.name) + " | " + hooks + " | " + settings + " | " + fail_words(c, true) + " | " +
           c.summary + " [spp-" + c.name + "(8)](plugins/" + c.name + "/spp-" + c.name + ".8) |\n";
  }
  out += "\nHook entry points run the checks in this order:\n\n";
  for (Hook h : kHookOrder) {
    std::string names;
    for (const Check* c : checks_for(checks, h)) names += (names.empty() ? "" : ", ") + std::string(c->name);
    out += "- `spp-" + std::string(hook_name(h)) + "`: " + (names.empty() ? "none yet" : names) + "\n";
  }
  return out;
}

std::string man_table(const std::vector<Check>& checks) {
  std::string out = ".nf\n";
  for (Hook h : kHookOrder) {
    std::string line = hook_name(h);
    line.resize(10, ' ');
    std::string items;
    for (const Check* c : checks_for(checks, h))
      items += (items.empty() ? "" : ", ") + std::string(c->name) + " (" + c->use(h)->role + ")";
    out += line + (items.empty() ? "none yet" : items) + "\n";
  }
  return out + ".fi\n";
}

}  // namespace

std::string list_checks(const std::vector<Check>& checks, ListFormat format) {
  if (format == ListFormat::markdown) return markdown_table(checks);
  if (format == ListFormat::man) return man_table(checks);
  std::string out;
  if (format == ListFormat::settings) {
    for (const auto& c : checks)
      for (const auto& s : c.settings)
        out += std::string(c.name) + "\t" + s.name + "\t" + (*s.env ? s.env : "-") + "\t" + s.fallback + "\n";
    return out;
  }
  for (Hook h : kHookOrder)
    for (const Check* c : checks_for(checks, h)) {
      const HookUse* u = c->use(h);
      out += std::string(hook_name(h)) + "\t" + std::to_string(u->order) + "\t" + c->name + "\t" +
             (u->alone ? "alone" : "bundled-only") + "\t" + u->role + "\n";
    }
  return out;
}

}  // namespace spp
