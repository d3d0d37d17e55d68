// file: whole-file reads and whole-buffer writes, the one place that loops
// over read(2) and write(2).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace spp {

/// read_file's answer for a FIFO, device or socket: reading one could block
/// forever, and qmail-spp has no timeout, so the SMTP command would hang.
constexpr int kNotRegularFile = 1 << 20;  // outside errno's range

/// Reads all of `path` into `out`. Returns 0, or an errno value (ENOENT when
/// missing, EISDIR for a directory, EFBIG when larger than max_bytes) or
/// kNotRegularFile. Never blocks on a FIFO: it is opened non-blocking and refused.
int read_file(const std::string& path, std::string& out, size_t max_bytes = 16 << 20);

/// Appends everything readable from `fd` (a pipe, standard input) to `out`.
/// Returns 0, or an errno value (EFBIG past max_bytes).
int read_fd(int fd, std::string& out, size_t max_bytes);

/// Words for read_file's error: "not a regular file", "file too large", strerror.
std::string file_error(int err);

/// Writes all of `data` (retrying short writes and EINTR). False when a write fails.
bool write_all(int fd, std::string_view data);

}  // namespace spp

namespace spp {

/// Streams the lines of a regular file through a 64 KiB buffer: fn gets each
/// line without its LF (a longer line is cut at 64 KiB). 0 or an errno value
/// (ENOENT, EISDIR, kNotRegularFile, ...). Never blocks on a FIFO.
int for_each_line(const std::string& path, const std::function<void(std::string_view)>& fn);

/// One request/answer exchange over a unix stream socket (a policy service):
/// connects to `path`, writes `request`, then reads until the peer closes or
/// the reply ends with an empty line ("\n\n"), keeping at most max_bytes.
/// Everything happens within timeout_ms. Returns 0 or an errno value
/// (ETIMEDOUT, ECONNREFUSED, ENOENT, EFBIG past max_bytes, ...).
int unix_request(const std::string& path, std::string_view request, std::string& reply, int timeout_ms,
                 size_t max_bytes);

}  // namespace spp
