#include "listfile.h"

namespace spp {

std::string compiled_path(const Control& control, const std::string& name) { return control.path(name + ".cdb"); }

Lookup probe_compiled(Deps& deps, const std::string& path, std::string& error) {
  CdbResult r = deps.cdb_find(path, kAlwaysKey);
  if (r.status == Lookup::found) return Lookup::found;
  if (r.status == Lookup::missing && !r.error.empty()) return Lookup::missing;  // no such file
  error = "unable to read " + path + ": " +
          (r.status == Lookup::missing ? std::string("not built by spp-conf cdb (rebuild it)") : r.error);
  return Lookup::error;
}

ListForm load_address_list(const Control& control, Deps& deps, const std::string& name, bool special,
                           AddressList& into, std::string& error, size_t max_line, std::vector<std::string>* lines) {
  std::string cdb = compiled_path(control, name);
  switch (probe_compiled(deps, cdb, error)) {
    case Lookup::found:
      into.add_cdb([&deps, cdb](std::string_view key) { return deps.cdb_find(cdb, key); }, special);
      return ListForm::cdb;
    case Lookup::error:
      return ListForm::missing;
    case Lookup::missing:
      break;
  }
  Lines l = deps.read_lines(control.path(name), max_line);
  if (l.status == Lookup::error) {
    error = "unable to read " + control.path(name) + ": " + l.error;
    return ListForm::missing;
  }
  if (l.status == Lookup::missing) return ListForm::missing;
  into.add(l.lines, special);
  if (lines) *lines = std::move(l.lines);
  return ListForm::text;
}

}  // namespace spp
