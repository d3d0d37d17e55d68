// control: qmail control files, control/options and environment overrides.
//
// qmail semantics: trailing blanks are stripped, blank lines and lines that
// start with '#' are skipped, a missing file means "not configured" (not an
// error), anything else that stops us reading is a temporary error.
// A setting is looked up as: environment variable > control/<name> >
// "name=value" in control/options > default. The base directory is the cwd
// (qmail-smtpd runs plugins in the qmail home) or $QMAILDIR.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env.h"

namespace spp {

enum class Lookup { found, missing, error };

struct Lines {
  Lookup status = Lookup::missing;
  std::vector<std::string> lines;
  std::string error;  // strerror text when status == error
};

/// Where a setting's effective value came from (for spp-conf show and logs).
enum class Source { env, control_file, options, defaulted };

struct Setting {
  std::string value;
  Source source = Source::defaulted;
  std::string origin;  // "env TARPITCOUNT", "control/tarpitcount", "control/options", "default"
};

/// Reads one control file with qmail's rules. Lines longer than max_line are an error.
Lines read_control_lines(const std::string& path, size_t max_line = 1000);

/// Parses control/options text: "name=value" lines; '#' comments and blank lines ignored.
/// Malformed lines are reported in `bad` (line numbers, 1-based).
std::map<std::string, std::string, std::less<>> parse_options(const std::vector<std::string>& lines,
                                                               std::vector<size_t>* bad = nullptr);

class Control {
 public:
  /// base: directory that holds control/ ("" = cwd). The env is consulted for overrides.
  Control(std::string base, const Env& env);
  /// Base from QMAILDIR if set and non-empty, else the cwd.
  static std::string default_base(const Env& env);

  const std::string& base() const { return base_; }
  std::string path(std::string_view name) const;  // <base>/control/<name>

  /// All lines of control/<name>.
  Lines lines(std::string_view name) const;

  /// One scalar setting with full precedence. env_var may be empty (no env override).
  /// Returns an error status when a file exists but cannot be read.
  Lookup setting(std::string_view name, std::string_view env_var, std::string_view fallback,
                 Setting& out) const;

  /// Parsed control/options (read once, lazily).
  const std::map<std::string, std::string, std::less<>>& options() const;

 private:
  std::string base_;
  const Env& env_;
  mutable bool options_loaded_ = false;
  mutable Lookup options_status_ = Lookup::missing;
  mutable std::map<std::string, std::string, std::less<>> options_;
};

}  // namespace spp
