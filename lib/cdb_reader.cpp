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

constexpr size_t kHeader = 2048;  // 256 tables x (position, number of slots)
constexpr size_t kSlotBatch = 8;  // slots read per pread: most probes end in the first
constexpr size_t kDataAhead = 256;  // data bytes read with the key (one pread for short values)

uint32_t get_u32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return uint32_t(u[0]) | uint32_t(u[1]) << 8 | uint32_t(u[2]) << 16 | uint32_t(u[3]) << 24;
}

uint32_t cdb_hash(std::string_view key) {
  uint32_t h = 5381;
  for (unsigned char c : key) h = ((h << 5) + h) ^ c;
  return h;
}

}  // namespace

Cdb::~Cdb() {
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
  size_ = static_cast<unsigned long long>(st.st_size);
  header_.resize(kHeader);
  if (size_ < kHeader || !read_at(0, header_.data(), kHeader)) {
    error_ = "not a cdb file";
    return Lookup::error;
  }
  open_ = true;
  return Lookup::found;
}

bool Cdb::read_at(unsigned long long pos, char* buf, size_t len) const {
  while (len > 0) {
    ssize_t n = ::pread(fd_, buf, len, static_cast<off_t>(pos));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;  // an error, or the file shrank under us
    buf += n, pos += static_cast<size_t>(n), len -= static_cast<size_t>(n);
  }
  return true;
}

CdbResult Cdb::find(std::string_view key) const {
  CdbResult r;
  if (!open_) {
    r.error = "database not open";
    return r;
  }
  const auto corrupt = [&r] {
    r.status = Lookup::error;
    r.error = "corrupt cdb";
    return r;
  };
  uint32_t hash = cdb_hash(key);
  const char* entry = header_.data() + (hash & 255) * 8;
  unsigned long long table = get_u32(entry), slots = get_u32(entry + 4);
  if (slots == 0) {
    r.status = Lookup::missing;
    return r;
  }
  if (table > size_ || slots > (size_ - table) / 8) return corrupt();
  unsigned long long slot = (hash >> 8) % slots;
  char batch[kSlotBatch * 8];
  std::string record;
  for (unsigned long long probed = 0; probed < slots;) {
    // Up to kSlotBatch slots from `slot`, not past the table's end (it wraps).
    size_t n = static_cast<size_t>(std::min<unsigned long long>(kSlotBatch, std::min(slots - slot, slots - probed)));
    if (!read_at(table + slot * 8, batch, n * 8)) return corrupt();
    for (size_t i = 0; i < n; ++i) {
      uint32_t slot_hash = get_u32(batch + i * 8), pos = get_u32(batch + i * 8 + 4);
      if (pos == 0) {  // an empty slot ends the chain
        r.status = Lookup::missing;
        return r;
      }
      if (slot_hash != hash) continue;
      if (pos > size_ || size_ - pos < 8) return corrupt();
      // The record: key length, data length, key, data; read with some data ahead.
      size_t want = static_cast<size_t>(std::min<unsigned long long>(8 + key.size() + kDataAhead, size_ - pos));
      record.resize(want);
      if (!read_at(pos, record.data(), want)) return corrupt();
      uint32_t klen = get_u32(record.data()), dlen = get_u32(record.data() + 4);
      if (klen != key.size()) continue;
      if (size_ - pos - 8 < klen || size_ - pos - 8 - klen < dlen) return corrupt();
      if (want < 8 + klen || std::memcmp(record.data() + 8, key.data(), klen) != 0) continue;
      size_t have = want - 8 - klen;
      r.value.assign(record, 8 + klen, std::min<size_t>(have, dlen));
      if (dlen > have) {
        r.value.resize(dlen);
        if (!read_at(pos + 8 + klen + have, r.value.data() + have, dlen - have)) return corrupt();
      }
      r.status = Lookup::found;
      return r;
    }
    probed += n;
    slot = (slot + n) % slots;
  }
  r.status = Lookup::missing;
  return r;
}

}  // namespace spp
