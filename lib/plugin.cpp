#include "plugin.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <exception>
#include <string>

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

// The answer a check gives when it cannot decide (style.md §6.1).
Verdict fail_verdict(FailMode mode) {
  if (mode == FailMode::tempfail)
    return Verdict::error(451, "4.3.0", "temporary local problem, please try again later");
  return Verdict::no_opinion();
}

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

const Check* find_check(std::string_view name) {
  for (const auto& c : registry())
    if (name == c.name) return &c;
  return nullptr;
}

Verdict run_check(const Check& check, const Context& ctx) {
  static std::string program;  // log::set_program keeps the pointer
  program = std::string("spp-") + check.name;
  log::set_program(program.c_str());
  try {
    return check.run(ctx);
  } catch (const std::exception& e) {
    log::error(std::string("internal error: ") + e.what() +
               (check.fail_mode == FailMode::open ? "; no opinion" : "; answering 451"));
  } catch (...) {
    log::error("internal error; applying fail mode");
  }
  return fail_verdict(check.fail_mode);
}

Verdict run_hook(Hook hook, Env& env, const Control& control, Deps& deps) {
  return run_checks(registry(), hook, env, control, deps);
}

Verdict run_checks(const std::vector<Check>& checks, Hook hook, Env& env, const Control& control,
                   Deps& deps) {
  Verdict all;
  for (const auto& check : checks) {
    if (!(check.hooks & unsigned(hook))) continue;
    Verdict v = run_check(check, Context{hook, env, control, deps});
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
    out = run_check(*check, Context{Hook::unknown, env, control, deps});
  } else {
    log::set_program("spp");
    usage();
    return 100;  // exit codes other than 120 are ignored by qmail-spp: no opinion
  }
  out.write_to(1);
  return 0;
}

}  // namespace spp
