// fuzz_input.h: carves typed values out of a fuzz input, front to back
// (a small FuzzedDataProvider that also builds with gcc for corpus replay).
// Past the end every read yields 0 or "".
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <optional>
#include <cstdlib>

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace spp::fuzz {

class Input {
 public:
  Input(const uint8_t* data, size_t size) : data_(data), size_(size) {}

  bool empty() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  uint16_t u16() { return uint16_t(byte() << 8 | byte()); }
  /// A string of byte() bytes (at most max).
  std::string str(size_t max = 255) {
    size_t n = byte();
    if (n > max) n = max;
    return take(n);
  }
  /// A string of u16() bytes (at most max), for texts that must be able to be long.
  std::string long_str(size_t max = 2048) {
    size_t n = u16();
    if (n > max) n = max;
    return take(n);
  }
  /// Everything up to the next NUL (consumed) or the end.
  std::string until_nul() {
    std::string_view rest(reinterpret_cast<const char*>(data_) + pos_, size_ - pos_);
    size_t nul = rest.find('\0');
    std::string out(rest.substr(0, nul));
    pos_ += out.size() + (nul == std::string_view::npos ? 0 : 1);
    return out;
  }
  std::string rest() { return take(size_ - pos_); }

 private:
  std::string take(size_t n) {
    if (pos_ >= size_) return "";
    if (n > size_ - pos_) n = size_ - pos_;
    std::string out(reinterpret_cast<const char*>(data_) + pos_, n);
    pos_ += n;
    return out;
  }
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

/// A scratch qmail home (DIR/control/) for the whole run, for targets that
/// read control files the way the plugins do; removed at exit.
class ScratchHome {
 public:
  /// The home directory, made on first use.
  static const std::string& dir() {
    static ScratchHome home;
    return home.dir_;
  }
  /// Writes control/NAME, or removes it when content is nullopt.
  static void put(const std::string& name, const std::optional<std::string>& content) {
    std::string path = dir() + "/control/" + name;
    if (!content) {
      unlink(path.c_str());
      return;
    }
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, content->data(), content->size()) != ssize_t(content->size())) std::abort();
    close(fd);
  }

 private:
  ScratchHome() {
    char tmpl[] = "/tmp/spp-fuzz.XXXXXX";
    if (!mkdtemp(tmpl)) std::abort();
    dir_ = tmpl;
    if (mkdir((dir_ + "/control").c_str(), 0755) != 0) std::abort();
  }
  ~ScratchHome() {
    std::string control = dir_ + "/control";
    if (DIR* d = opendir(control.c_str())) {
      while (struct dirent* e = readdir(d))
        if (e->d_name[0] != '.') unlink((control + "/" + e->d_name).c_str());
      closedir(d);
    }
    rmdir(control.c_str());
    rmdir(dir_.c_str());
  }
  std::string dir_;
};

}  // namespace spp::fuzz
