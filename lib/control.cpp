#include "control.h"

#include <cerrno>
#include <cstring>

#include "file.h"
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

const std::map<std::string, std::string, std::less<>>& Control::options() const {
  if (!options_loaded_) {
    options_loaded_ = true;
    Lines l = lines("options");
    options_status_ = l.status;
    if (l.status == Lookup::found) options_ = parse_options(l.lines);
  }
  return options_;
}

Lookup Control::setting(std::string_view name, std::string_view env_var, std::string_view fallback,
                        Setting& out) const {
  if (!env_var.empty()) {
    if (auto v = env_.get(env_var)) {
      out = {std::string(*v), Source::env, "env " + std::string(env_var)};
      return Lookup::found;
    }
  }
  Lines file = lines(name);
  if (file.status == Lookup::error) {
    out = {file.error, Source::control_file, path(name)};
    return Lookup::error;
  }
  // An existing but empty file is treated as absent: the next source decides.
  if (file.status == Lookup::found && !file.lines.empty()) {
    out = {file.lines.front(), Source::control_file, path(name)};
    return Lookup::found;
  }
  const auto& opts = options();
  if (options_status_ == Lookup::error) {
    out = {"unreadable", Source::options, path("options")};
    return Lookup::error;
  }
  if (auto it = opts.find(name); it != opts.end()) {
    out = {it->second, Source::options, path("options")};
    return Lookup::found;
  }
  out = {std::string(fallback), Source::defaulted, "default"};
  return Lookup::missing;
}

}  // namespace spp
