#include "control.h"

#include <cerrno>
#include <cstring>

#include "file.h"
#include "log.h"
#include "text.h"

namespace spp {
namespace {

constexpr size_t kMaxFile = 16 << 20;  // bigger lists belong in a cdb

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

}  // namespace

Lines read_control_lines(const std::string& path, size_t max_line) {
  Lines result;
  std::string data;
  if (int err = read_file(path, data, kMaxFile)) {
    if (err == ENOENT) return result;  // missing: not configured
    result.status = Lookup::error;
    result.error = err == EFBIG ? "file too large (use a cdb)" : file_error(err);
    return result;
  }
  return parse_control_lines(data, max_line);
}

Lines parse_control_lines(std::string_view data, size_t max_line) {
  Lines result;
  result.status = Lookup::found;
  size_t lineno = 0;
  for (std::string_view line : split_lines(data)) {
    ++lineno;
    // qmail strips trailing blanks (and we also a CR left by a DOS editor), keeps leading ones.
    while (!line.empty() && is_blank(line.back())) line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    if (line.size() > max_line) {
      result.status = Lookup::error;
      result.error = "line " + std::to_string(lineno) + " longer than " + std::to_string(max_line) +
                     " bytes";
      result.lines.clear();
      return result;
    }
    result.lines.emplace_back(line);
  }
  return result;
}

std::map<std::string, std::string, std::less<>> parse_options(const std::vector<std::string>& lines,
                                                               std::vector<size_t>* bad) {
  std::map<std::string, std::string, std::less<>> out;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string_view line = trim_blanks(lines[i]);
    size_t eq = line.find('=');
    std::string_view name = eq == std::string_view::npos ? std::string_view() : trim_blanks(line.substr(0, eq));
    if (name.empty()) {
      if (bad) bad->push_back(i + 1);
      continue;
    }
    out.insert_or_assign(std::string(name), std::string(trim_blanks(line.substr(eq + 1))));
  }
  return out;
}

Control::Control(std::string base, const Env& env) : base_(std::move(base)), env_(env) {}

std::string Control::default_base(const Env& env) { return qmail_home(env, ""); }

std::string Control::path(std::string_view name) const {
  std::string p = base_.empty() ? std::string() : base_ + "/";
  p += "control/";
  p += name;
  return p;
}

Lines Control::lines(std::string_view name) const { return read_control_lines(path(name)); }

const std::map<std::string, std::string, std::less<>>& Control::options(std::string_view needed_by) const {
  if (!options_loaded_) {
    options_loaded_ = true;
    Lines l = lines("options");
    if (l.status == Lookup::found) options_ = parse_options(l.lines);
    if (l.status == Lookup::error)  // once per process, not once per setting
      log::warn("unable to read " + path("options") + ": " + l.error + "; ignoring it" +
                (needed_by.empty() ? "" : " (first needed for " + std::string(needed_by) + ")"));
  }
  return options_;
}

Setting Control::setting(std::string_view name, std::string_view env_var, std::string_view fallback) const {
  if (!env_var.empty()) {
    if (auto v = env_.get(env_var); v && !v->empty())
      return {std::string(*v), Source::env, "env " + std::string(env_var), Lookup::found, ""};
  }
  Lines file = lines(name);
  if (file.status == Lookup::error)
    return {std::string(fallback), Source::control_file, path(name), Lookup::error, file.error};
  // An existing but empty file is treated as absent: the next source decides.
  if (file.status == Lookup::found && !file.lines.empty())
    return {file.lines.front(), Source::control_file, path(name), Lookup::found, ""};
  const auto& opts = options(name);
  if (auto it = opts.find(name); it != opts.end() && !it->second.empty())
    return {it->second, Source::options, path("options"), Lookup::found, ""};
  return {std::string(fallback), Source::defaulted, "default", Lookup::missing, ""};
}

namespace {

// The value as quoted in a warning: bounded, one line.
std::string quoted(std::string_view value) { return "\"" + printable(value, 80, EightBit::replace) + "\""; }

// Warns about an unreadable source; true when the setting is usable.
bool readable(const SettingSpec& spec, const Setting& s, Warnings& warnings) {
  if (s.status != Lookup::error) return true;
  warnings.push_back("unable to read " + s.origin + ": " + s.error + "; " + spec.name + " is " +
                     quoted(spec.fallback) + " (the default)");
  return false;
}

}  // namespace

bool read_flag(const Control& control, const SettingSpec& spec, Warnings& warnings) {
  Setting s = control.setting(spec);
  std::string v = lower_ascii(readable(spec, s, warnings) ? s.value : spec.fallback);
  if (v == "1" || v == "yes" || v == "on" || v == "true") return true;
  if (v == "0" || v == "no" || v == "off" || v == "false") return false;
  warnings.push_back(std::string(spec.name) + " from " + s.origin + " is not 0 or 1: " + quoted(s.value) +
                     "; using " + spec.fallback);
  return std::string_view(spec.fallback) == "1";
}

unsigned long read_number(const Control& control, const SettingSpec& spec, unsigned long min, unsigned long max,
                          Warnings& warnings) {
  unsigned long fallback = parse_ulong(spec.fallback).value_or(min);
  Setting s = control.setting(spec);
  if (!readable(spec, s, warnings)) return fallback;
  auto n = parse_ulong(s.value);
  if (!n) {
    warnings.push_back(std::string(spec.name) + " from " + s.origin + " is not a number: " + quoted(s.value) +
                       "; using " + spec.fallback);
    return fallback;
  }
  if (*n < min) {
    warnings.push_back(std::string(spec.name) + " from " + s.origin + " is " + s.value + ", below the least (" +
                       std::to_string(min) + "); using " + spec.fallback);
    return fallback;
  }
  if (*n > max) {
    warnings.push_back(std::string(spec.name) + " from " + s.origin + " is " + s.value + ", above the most (" +
                       std::to_string(max) + "); using " + std::to_string(max));
    return max;
  }
  return *n;
}

std::string read_choice(const Control& control, const SettingSpec& spec,
                        std::initializer_list<std::string_view> choices, Warnings& warnings) {
  Setting s = control.setting(spec);
  if (!readable(spec, s, warnings)) return spec.fallback;
  std::string v = lower_ascii(s.value);
  for (auto c : choices)
    if (v == c) return v;
  std::string list;
  for (auto c : choices) list += (list.empty() ? "" : " or ") + std::string(c);
  warnings.push_back(std::string(spec.name) + " from " + s.origin + " is not " + list + ": " + quoted(s.value) +
                     "; using " + spec.fallback);
  return spec.fallback;
}

}  // namespace spp
