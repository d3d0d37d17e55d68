// file: read a whole file, the one place that loops over read(2).
#pragma once

#include <cstddef>
#include <string>

namespace spp {

/// Reads all of `path` into `out`. Returns 0, or an errno value (ENOENT when
/// missing, EFBIG when it is larger than max_bytes).
int read_file(const std::string& path, std::string& out, size_t max_bytes = 16 << 20);

}  // namespace spp
