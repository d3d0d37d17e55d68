// cdb_reader_fuzz: Cdb (our pread reader) against tinycdb's cdb_find on the
// same bytes, intact and damaged. Oracles: on a file cdb_make wrote, every
// key is found with the value tinycdb gives (its first record) and absent
// keys are missing, with no error; on any bytes, when neither reader reports
// corruption both agree (found/missing and the value), and nothing reads
// outside the file (ASan) or hangs.
// Input: "key\tvalue" lines, then a NUL, then patches: 3 bytes each (offset
// high, offset low, new byte) applied to the cdb built from the lines. Input
// without a NUL is taken as the whole file.
#include <cdb.h>  // tinycdb: the reference
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cdb_reader.h"
#include "fuzz.h"

namespace {

struct Answer {
  int status;  // 1 found, 0 missing, -1 error
  std::string value;
};

Answer reference(int fd, std::string_view key) {
  struct cdb db;
  if (cdb_init(&db, fd) != 0) return {-1, ""};
  Answer a{cdb_find(&db, key.data(), unsigned(key.size())), ""};
  if (a.status > 0) {
    const void* p = cdb_get(&db, cdb_datalen(&db), cdb_datapos(&db));
    if (p) a.value.assign(static_cast<const char*>(p), cdb_datalen(&db));
    else a.status = -1;
  }
  cdb_free(&db);
  return a;
}

Answer ours(const std::string& path, std::string_view key) {
  spp::Cdb db;
  if (db.open(path) != spp::Lookup::found) return {-1, ""};
  spp::CdbResult r = db.find(key);
  if (r.status == spp::Lookup::found) return {1, r.value};
  return {r.status == spp::Lookup::missing ? 0 : -1, ""};
}

int memfile(const std::string& bytes) {
  int fd = memfd_create("cdb_fuzz", 0);
  if (fd < 0 || write(fd, bytes.data(), bytes.size()) != ssize_t(bytes.size())) abort();
  return fd;
}

std::string build(const std::vector<std::pair<std::string, std::string>>& records) {
  int fd = memfd_create("cdb_make", 0);
  if (fd < 0) abort();
  struct cdb_make m;
  cdb_make_start(&m, fd);
  for (const auto& [k, v] : records) cdb_make_add(&m, k.data(), unsigned(k.size()), v.data(), unsigned(v.size()));
  if (cdb_make_finish(&m) != 0) abort();
  std::string out(size_t(lseek(fd, 0, SEEK_END)), '\0');
  if (pread(fd, out.data(), out.size(), 0) != ssize_t(out.size())) abort();
  close(fd);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in(reinterpret_cast<const char*>(data), size);
  size_t nul = in.find('\0');
  std::vector<std::pair<std::string, std::string>> records;
  std::vector<std::string> keys = {"", "a", "joe@example.com", std::string("\nt*")};
  std::string file;
  bool intact = true;
  if (nul == std::string_view::npos) {
    file.assign(in);
    intact = false;
    for (size_t i = 0; i + 4 <= in.size() && keys.size() < 16; i += 7) keys.emplace_back(in.substr(i, 4));
  } else {
    std::string_view lines = in.substr(0, nul), patches = in.substr(nul + 1);
    while (!lines.empty() && records.size() < 200) {
      size_t lf = lines.find('\n');
      std::string_view line = lines.substr(0, lf);
      size_t tab = line.find('\t');
      records.emplace_back(std::string(line.substr(0, tab)), tab == std::string_view::npos ? "" : std::string(line.substr(tab + 1)));
      keys.push_back(records.back().first);
      keys.push_back(records.back().first + "x");
      lines = lf == std::string_view::npos ? std::string_view() : lines.substr(lf + 1);
    }
    file = build(records);
    for (size_t i = 0; i + 3 <= patches.size(); i += 3) {
      size_t at = (size_t(uint8_t(patches[i])) << 8 | uint8_t(patches[i + 1])) % file.size();
      file[at] = patches[i + 2];
      intact = false;
    }
  }
  int fd = memfile(file);
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  for (const auto& key : keys) {
    Answer want = reference(fd, key), got = ours(path, key);
    if (intact) {
      if (got.status != want.status || got.value != want.value || got.status < 0) abort();
    } else if (got.status >= 0 && want.status >= 0 && (got.status != want.status || got.value != want.value)) {
      abort();
    }
  }
  close(fd);
  return 0;
}
