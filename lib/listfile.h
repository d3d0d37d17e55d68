// listfile: where a check reads a SPAMCONTROL list from — the compiled
// control/<name>.cdb when it exists (built by `spp-conf cdb <name>`, so a
// list of 100 000 lines is not parsed on every exec), else the text file
// control/<name>. When the cdb exists the text file is not read at all:
// rebuild the cdb after editing it (spp-conf check warns when it is newer).
#pragma once

#include <string>
#include <vector>

#include "addrlist.h"
#include "plugin.h"

namespace spp {

enum class ListForm { missing, text, cdb };

/// Adds list `name` to `into`. Returns the form read; on error (unreadable,
/// a corrupt cdb, a cdb spp-conf did not build) returns missing with `error`
/// set. `lines`, when given, receives the text lines (text form only).
ListForm load_address_list(const Control& control, Deps& deps, const std::string& name, bool special,
                           AddressList& into, std::string& error, size_t max_line,
                           std::vector<std::string>* lines = nullptr);

/// "control/<name>.cdb" (the compiled form) of a list.
std::string compiled_path(const Control& control, const std::string& name);

/// found: the cdb at `path` was built by spp-conf cdb (it holds kAlwaysKey);
/// missing: no such file; error: unreadable, corrupt or foreign (`error` says which).
Lookup probe_compiled(Deps& deps, const std::string& path, std::string& error);

}  // namespace spp
