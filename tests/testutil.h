// testutil: a scratch qmail home for unit tests (control files in a temp dir).
#pragma once

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace spp::testing {

class TempHome {
 public:
  TempHome() {
    char tmpl[] = "/tmp/spptest.XXXXXX";
    dir_ = mkdtemp(tmpl);
    mkdir((dir_ + "/control").c_str(), 0755);
  }
  ~TempHome() {
    std::string cmd = "rm -rf '" + dir_ + "'";
    if (system(cmd.c_str()) != 0) {
    }
  }
  const std::string& dir() const { return dir_; }
  std::string control(const std::string& name) const { return dir_ + "/control/" + name; }
  void write(const std::string& relpath, const std::string& content, mode_t mode = 0644) const {
    std::string path = dir_ + "/" + relpath;
    int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, mode);
    if (fd < 0) abort();
    if (::write(fd, content.data(), content.size()) != ssize_t(content.size())) abort();
    close(fd);
    chmod(path.c_str(), mode);
  }

 private:
  std::string dir_;
};

}  // namespace spp::testing
