// control: qmail control files, control/options and environment overrides.
//
// qmail semantics: trailing blanks are stripped, blank lines and lines that
// start with '#' are skipped, a missing file means "not configured" (not an
// error), anything else that stops us reading is a temporary error.
// A setting is looked up as: environment variable > control/<name> >
// "name=value" in control/options > default. The base directory is the cwd
// (qmail-smtpd runs plugins in the qmail home) or $QMAILDIR.
#pragma once

#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "env.h"
#include "lookup.h"

namespace spp {

struct Lines {
  Lookup status = Lookup::missing;
  std::vector<std::string> lines;
  std::string error;  // strerror text when status == error
};

/// Where a setting's effective value came from (for spp-conf show and logs).
enum class Source { env, control_file, options, defaulted };

struct Setting {
  std::string value;   // the effective value; the fallback when status == error
  Source source = Source::defaulted;
  std::string origin;  // "env TARPITCOUNT", "control/tarpitcount", "control/options", "default"
  Lookup status = Lookup::missing;  // found: set somewhere; missing: defaulted; error: see `error`
  std::string error;   // why the source could not be read (status == error)
};

/// One setting a check reads, for spp-conf show/check and the man pages.
struct SettingSpec {
  const char* name;      // control file and control/options key
  const char* env;       // upper-case override ("" = none)
  const char* fallback;  // default value
  const char* about;     // one line
  bool list = false;     // a list file (one entry per line), not a single value
  bool secret = false;   // never shown (spp-conf show says how many lines, not what)
  /// The longest line the check accepts in this list (0: qmail's 1000);
  /// spp-conf check and show read the file with the same limit.
  size_t max_line = 0;
};

/// The line limit of the address and name lists (badmailfrom, badhelo, ...):
/// qmail has none; we refuse only absurd lines.
constexpr size_t kListMaxLine = 65536;

using Warnings = std::vector<std::string>;

/// Reads one control file with qmail's rules. Lines longer than max_line are an error.
Lines read_control_lines(const std::string& path, size_t max_line = 1000);
/// The same rules over text already read (status found or error).
Lines parse_control_lines(std::string_view data, size_t max_line = 1000);

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

  /// One scalar setting with full precedence: env > control/<name> >
  /// control/options > fallback. An empty value counts as unset at every
  /// level (an empty file, "NAME=" in the environment or in options), so the
  /// next source decides. env_var may be empty (no env override). status is
  /// error when control/<name> exists but cannot be read.
  Setting setting(std::string_view name, std::string_view env_var, std::string_view fallback) const;
  Setting setting(const SettingSpec& spec) const { return setting(spec.name, spec.env, spec.fallback); }

  /// Parsed control/options (read once, lazily; the last of duplicate names
  /// wins). An unreadable options file is logged once per process, naming the
  /// setting that needed it, and then reads as empty.
  const std::map<std::string, std::string, std::less<>>& options(std::string_view needed_by = "") const;

 private:
  std::string base_;
  const Env& env_;
  mutable bool options_loaded_ = false;
  mutable std::map<std::string, std::string, std::less<>> options_;
};

// Typed readers over Control::setting, with one rule for every check: a
// problem (unreadable source, malformed value, out of range) adds one warning
// that names the setting, where it came from and the value used instead.

/// 1/yes/on/true or 0/no/off/false (any case).
bool read_flag(const Control& control, const SettingSpec& spec, Warnings& warnings);
/// A decimal number in [min, max]: below min is refused (fallback), above max is capped; both warn.
unsigned long read_number(const Control& control, const SettingSpec& spec, unsigned long min, unsigned long max,
                          Warnings& warnings);
/// One of `choices` (compared lower-cased); returned lower-cased.
std::string read_choice(const Control& control, const SettingSpec& spec,
                        std::initializer_list<std::string_view> choices, Warnings& warnings);

}  // namespace spp
