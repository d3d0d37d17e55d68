// cdb_reader: DJB cdb lookups (the format tinycdb and qmail-newu write) with
// pread(2) instead of tinycdb's mmap of the whole file. A plugin looks up a
// handful of keys once per exec; each first touch of a mapped page is a page
// fault, and on virtualised hosts a fault costs 10-20 times a small pread
// (bench/chkuser: a 8 MB users/cdb and virtualdomains.cdb cost ~12 faults
// per RCPT). The header (2048 bytes) is read once at open; a lookup reads
// its hash slots and the candidate records. Every offset is checked against
// the file size: a truncated or corrupt file answers error, never a crash.
#include "cdb_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstring>

namespace spp {

namespace {

constexpr size_t kHeader = 2048;

struct Reader {
  uint64_t size = 0;
  unsigned char header[kHeader];
};

uint32_t unpack(const unsigned char* p) {
  return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}

uint32_t cdb_hash(std::string_view key) {
  uint32_t h = 5381;
  for (unsigned char c : key) h = ((h << 5) + h) ^ c;
  return h;
}

// Reads exactly n bytes at off; false on a short read or an error.
bool read_at(int fd, void* buf, size_t n, uint64_t off) {
  auto* p = static_cast<unsigned char*>(buf);
  while (n > 0) {
    ssize_t r = ::pread(fd, p, n, static_cast<off_t>(off));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= size_t(r);
    off += uint64_t(r);
  }
  return true;
}

}  // namespace

Cdb::~Cdb() {
  delete static_cast<Reader*>(db_);
  if (fd_ >= 0) ::close(fd_);
}

Lookup Cdb::open(const std::string& path) {
  // Non-blocking: opening a FIFO must not hang the plugin (qmail-spp has no timeout).
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
  if (fd_ < 0) {
    error_ = std::strerror(errno);
    return errno == ENOENT ? Lookup::missing : Lookup::error;
  }
  struct stat st;
  if (fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode)) {
    error_ = "not a regular file";
    return Lookup::error;
  }
  auto* r = new Reader;
  r->size = uint64_t(st.st_size);
  if (r->size < kHeader || r->size > 0xffffffffULL || !read_at(fd_, r->header, kHeader, 0)) {
    error_ = "not a cdb file";
    delete r;
    return Lookup::error;
  }
  db_ = r;
  return Lookup::found;
}

CdbResult Cdb::find(std::string_view key) const {
  CdbResult out;
  if (!db_) {
    out.error = "database not open";
    return out;
  }
  const auto* r = static_cast<const Reader*>(db_);
  auto corrupt = [&out] {
    out.status = Lookup::error;
    out.value.clear();
    out.error = "corrupt cdb";
    return out;
  };
  uint32_t h = cdb_hash(key);
  const unsigned char* entry = r->header + (h & 255) * 8;
  uint64_t table = unpack(entry), slots = unpack(entry + 4);
  if (slots == 0) {
    out.status = Lookup::missing;
    return out;
  }
  if (table < kHeader || table + slots * 8 > r->size) return corrupt();
  uint64_t slot = (h >> 8) % slots;
  std::string candidate;
  for (uint64_t probe = 0; probe < slots; ++probe) {
    unsigned char s[8];
    if (!read_at(fd_, s, 8, table + slot * 8)) return corrupt();
    uint32_t sh = unpack(s), pos = unpack(s + 4);
    if (pos == 0) break;  // an empty slot ends the chain
    if (sh == h) {  // read the lengths and the key in one go, the data only on a match
      if (pos < kHeader || uint64_t(pos) + 8 > r->size) return corrupt();
      candidate.resize(8 + std::min<uint64_t>(key.size(), r->size - pos - 8));
      if (!read_at(fd_, candidate.data(), candidate.size(), pos)) return corrupt();
      const auto* lens = reinterpret_cast<const unsigned char*>(candidate.data());
      uint64_t klen = unpack(lens), dlen = unpack(lens + 4);
      if (uint64_t(pos) + 8 + klen + dlen > r->size) return corrupt();
      if (klen == key.size() && candidate.compare(8, klen, key) == 0) {
        out.value.resize(dlen);
        if (dlen && !read_at(fd_, out.value.data(), dlen, uint64_t(pos) + 8 + klen)) return corrupt();
        out.status = Lookup::found;
        return out;
      }
    }
    if (++slot == slots) slot = 0;
  }
  out.status = Lookup::missing;
  return out;
}

}  // namespace spp
