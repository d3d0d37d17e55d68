// spp-conf: register sppkit (or any) plugins in control/smtpplugins, check the
// configuration, show effective settings, and simulate SMTP sessions.
// See man/spp-conf.8. H-Sphere's interface: -a -r -R -b -s -i -p -t -h.
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <string>

#include "sim/sim.h"
#include "spp_conf.h"
#include "cdb_cmd.h"
#include "srs_cmd.h"

using namespace spp::conf;

static const char kUsage[] =
    "usage: spp-conf [-a|-r|-R] [-s] [-i] -p plugin -t category   add (default) or remove a plugin\n"
    "       spp-conf -b [-a|-r] [-s] [-i] < rows                   rows: category;plugin\n"
    "       spp-conf -R [-t category]                             remove all plugins\n"
    "       spp-conf -i -p plugin                                 check and fix permissions\n"
    "       spp-conf list | check | show | test [options]          see spp-conf(8)\n"
    "       spp-conf srs newsecret | forward SENDER | reverse ADDRESS   SRS secrets and addresses\n"
    "       spp-conf cdb LIST...          compile big lists (badmailfrom, badrcptto, badhelo, virtualdomains, authsenders, ...) to LIST.cdb\n"
    "  plugin: relative to the plugin directory ($SPP_PLUGINDIR), or an absolute path\n"
    "  category: connection, helo, mail, rcpt, data, auth\n"
    "  files: $QMAILDIR (qmail home), $SPPCONFFILE (default control/smtpplugins)\n";

static int usage(const char* complaint) {
  if (complaint) std::fprintf(stderr, "spp-conf: fatal: %s\n", complaint);
  std::fputs(kUsage, stderr);
  return spp::exitcode::bad_input;
}

static int read_stdin(std::string& out) {
  char buf[4096];
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0) {
    out.append(buf, size_t(n));
    if (out.size() > (1 << 20)) return spp::exitcode::bad_input;
  }
  return n < 0 ? spp::exitcode::temporary : spp::exitcode::ok;
}

// The registration flags (H-Sphere's interface).
struct Flags {
  char action = 0;  // 'a', 'r', 'R' or 0 (add)
  bool batch = false, shell = false, fix = false;
  Registration one;
};

// Returns -1 when the flags are fine, else the exit code (after -h or a usage error).
static int parse_flags(int argc, char** argv, Flags& f) {
  int opt;
  while ((opt = getopt(argc, argv, "arRhbsip:t:")) != -1) {
    switch (opt) {
      case 'a': case 'r': case 'R':
        if (f.action && f.action != opt) return usage("-a, -r and -R exclude each other");
        f.action = char(opt);
        break;
      case 'b': f.batch = true; break;
      case 's': f.shell = true; break;
      case 'i': f.fix = true; break;
      case 'p': f.one.plugin = optarg; break;
      case 't': f.one.category = optarg; break;
      case 'h': std::fputs(kUsage, stdout); return spp::exitcode::ok;
      default: return usage(nullptr);
    }
  }
  if (optind != argc) return usage("unexpected argument");
  return -1;
}

// -a/-r with -b (rows from stdin) or -p/-t (one plugin); -i alone checks permissions.
static int register_plugins(const Paths& paths, Flags& f) {
  std::vector<Registration> regs;
  if (f.batch) {
    if (!f.one.plugin.empty() || !f.one.category.empty()) return usage("-b reads plugins from stdin, not -p/-t");
    std::string text;
    if (int rc = read_stdin(text)) return usage(rc == spp::exitcode::bad_input ? "stdin too large" : "unable to read stdin");
    if (int rc = parse_batch(text, f.shell, regs)) return rc;
  } else {
    if (f.one.plugin.empty()) return usage(f.action || f.shell || !f.fix ? "-p plugin is required" : "-i needs -p plugin");
    if (f.one.category.empty()) {
      if (f.fix && !f.action) return fix_plugin_permissions(paths, entry_for(paths, f.one), false);
      return usage("-t category is required");
    }
    f.one.shell = f.shell;
    regs.push_back(f.one);
  }
  return f.action == 'r' ? remove_plugins(paths, regs) : add_plugins(paths, regs, f.fix);
}

int main(int argc, char** argv, char** envp) {
  spp::Env env = spp::Env::from_environ(envp);
  Paths paths = Paths::from_env(env);
  if (argc > 1) {
    std::string cmd = argv[1];
    if (cmd == "list") return argc == 2 ? list_plugins(paths) : usage("list takes no arguments");
    if (cmd == "check") return argc == 2 ? check_config(paths, env) : usage("check takes no arguments");
    if (cmd == "show") return argc == 2 ? show_settings(paths, env) : usage("show takes no arguments");
    if (cmd == "test") return cmd_test(argc - 1, argv + 1);
    if (cmd == "srs") return cmd_srs(argc - 1, argv + 1, paths, env);
    if (cmd == "cdb") return cmd_cdb(argc - 1, argv + 1, paths);
    if (cmd == "help" || cmd == "--help") {
      std::fputs(kUsage, stdout);
      return spp::exitcode::ok;
    }
  }
  Flags f;
  if (int rc = parse_flags(argc, argv, f); rc != -1) return rc;
  if (f.action == 'R') {
    if (f.batch || !f.one.plugin.empty()) return usage("-R takes only -t");
    return remove_all_plugins(paths, f.one.category);
  }
  return register_plugins(paths, f);
}
