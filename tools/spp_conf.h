// spp-conf: register plugins in control/smtpplugins, check a configuration,
// show effective settings. (`spp-conf test` is the simulator module, tools/sim/sim.h.)
// Exit codes: 0 ok, 100 usage or bad input, 111 temporary (I/O) failure.
#pragma once

#include <string>
#include <vector>

#include "env.h"
#include "exitcode.h"

namespace spp::conf {


struct Paths {
  std::string qmaildir;    // the qmail home (QMAILDIR or the build-time default)
  std::string conffile;    // $SPPCONFFILE or <qmaildir>/control/smtpplugins
  std::string plugindir;   // $SPP_PLUGINDIR or the build-time default
  static Paths from_env(const Env& env);
};

/// One registration request: H-Sphere's -p/-t/-s.
struct Registration {
  std::string category;  // connection helo mail rcpt data auth
  std::string plugin;    // relative to plugindir, or absolute
  bool shell = false;    // write a ':' entry
};

/// The smtpplugins line for a registration ("/var/qmail/plugins/spp-rcpt", ":/...").
std::string entry_for(const Paths& paths, const Registration& reg);

int add_plugins(const Paths& paths, const std::vector<Registration>& regs, bool fix_permissions);
int remove_plugins(const Paths& paths, const std::vector<Registration>& regs);
/// -R: every entry of `category` ("" = all sections).
int remove_all_plugins(const Paths& paths, const std::string& category);
/// -b: rows "category;plugin" from text; all-or-nothing.
int parse_batch(const std::string& text, bool shell, std::vector<Registration>& out);
/// -i: plugin file must be a regular executable, not group/world writable. Fixes
/// the mode of files inside paths.plugindir (resolved); for any other file it
/// only says what is wrong and returns 100.
int fix_plugin_permissions(const Paths& paths, const std::string& path, bool quiet);

enum class Severity { note, warning, error };
struct Diagnostic {
  Severity severity;
  size_t line;  // 1-based; 0 = the whole file
  std::string message;
};
/// What qmail-spp would silently misread in smtpplugins text (no file-system access).
std::vector<Diagnostic> diagnose_text(const std::string& content);
/// Problems of one entry's program on disk (missing, not executable, writable by others).
std::vector<std::string> diagnose_program(const std::string& qmaildir, const std::string& entry);

int list_plugins(const Paths& paths);
int check_config(const Paths& paths, const Env& env);
int show_settings(const Paths& paths, const Env& env);

/// Writes via a temp file in the same directory + fsync + rename. Keeps owner,
/// group and mode; a symlink is written through to its final target.
int write_file_atomic(const std::string& path, const std::string& content);

}  // namespace spp::conf
