// cdb_writer: builds a constant database (tinycdb) atomically: a temporary
// file in the same directory, fsync, rename over the old one, so a plugin
// reading it sees the old or the new database, never half of one.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace spp {

/// Writes `records` (key, value; later duplicates are kept, a reader sees the
/// first) to `path` with mode 0644. Returns 0, or an errno value with `error`
/// naming what failed; the old file is untouched on failure.
int write_cdb_atomic(const std::string& path, const std::vector<std::pair<std::string, std::string>>& records,
                     std::string& error);

}  // namespace spp
