// spp-conf srs: SRS secrets and addresses by hand (and for srs-forward).
//
//   spp-conf srs newsecret            a new random secret on top of control/srs/srs_secrets
//                                     (and revers_srs_secrets if it exists); old ones kept
//   spp-conf srs forward [--] SENDER [ALIAS]   the SRS sender for mail forwarded by ALIAS
//                                     (default srs_domain); prints SENDER itself when it
//                                     must not be rewritten
//   spp-conf srs reverse ADDRESS      the address an SRS address stands for, or why not
//   -t SECONDS (before the operation) pretends the clock says SECONDS (tests).
#include "srs_cmd.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "escape.h"
#include "exitcode.h"
#include "file.h"
#include "srs/srs_check.h"
#include "text.h"

namespace spp::conf {

namespace {

int srs_usage(const char* complaint) {
  if (complaint) std::fprintf(stderr, "spp-conf: fatal: %s\n", complaint);
  std::fputs(
      "usage: spp-conf srs newsecret\n"
      "       spp-conf srs [-t SECONDS] forward [--] SENDER [ALIAS]\n"
      "       spp-conf srs [-t SECONDS] reverse ADDRESS\n",
      stderr);
  return exitcode::bad_input;
}

// Prepends `secret` to control/<name>, keeping the rest of the file as it is.
// A new file is created with mode 400; an existing one keeps owner and mode.
int prepend_secret(const Paths& paths, const std::string& name, const std::string& secret, size_t& kept) {
  std::string path = paths.qmaildir + "/control/" + name;
  std::string old;
  int err = read_file(path, old, 1 << 20);
  if (err == ENOENT) {
    mkdir((paths.qmaildir + "/control/srs").c_str(), 0755);
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
    if (fd < 0) return errno;
    ::close(fd);
    old.clear();
  } else if (err) {
    return err;
  }
  kept = parse_control_lines(old).lines.size();
  if (!old.empty() && old.back() != '\n') old += '\n';
  return write_file_atomic(path, secret + "\n" + old);
}

}  // namespace

int cmd_srs(int argc, char** argv, const Paths& paths, const Env& env) {
  int i = 1;
  long long now = std::time(nullptr);
  if (i + 1 < argc && std::strcmp(argv[i], "-t") == 0) {
    auto t = parse_ulong(argv[i + 1]);
    if (!t) return srs_usage("-t takes seconds since the epoch");
    now = (long long)*t;
    i += 2;
  }
  if (i >= argc) return srs_usage(nullptr);
  std::string op = argv[i++];
  Control control(paths.qmaildir, env);
  Warnings warnings;
  srs::Config config = srs::load_config(control, warnings, true);
  for (const auto& w : warnings) std::fprintf(stderr, "spp-conf: warning: %s\n", escape_bytes(w).c_str());

  if (op == "newsecret") {
    if (i != argc) return srs_usage("newsecret takes no arguments");
    std::string secret = srs::new_secret();
    if (secret.empty()) {
      std::fprintf(stderr, "spp-conf: fatal: no random bytes from OpenSSL\n");
      return exitcode::temporary;
    }
    for (const char* name : {"srs/srs_secrets", "srs/revers_srs_secrets"}) {
      std::string path = paths.qmaildir + "/control/" + name;
      if (std::strcmp(name, "srs/revers_srs_secrets") == 0 && access(path.c_str(), F_OK) != 0) continue;
      size_t kept = 0;
      if (int err = prepend_secret(paths, name, secret, kept)) {
        std::fprintf(stderr, "spp-conf: fatal: unable to write %s: %s\n", path.c_str(), std::strerror(err));
        return exitcode::temporary;
      }
      std::printf("%s: new secret on top, %zu older kept for verification\n", path.c_str(), kept);
    }
    return exitcode::ok;
  }

  if (op == "forward") {
    if (i < argc && std::strcmp(argv[i], "--") == 0) ++i;
    if (i >= argc || argc - i > 2) return srs_usage("forward takes SENDER [ALIAS]");
    std::string sender = argv[i];
    std::string alias = i + 1 < argc ? argv[i + 1] : config.domain;
    if (alias.empty()) return srs_usage("no ALIAS and no control/srs/srs_domain");
    srs::Result r = srs::forward_sender(config, sender, alias, now);
    if (r.status == srs::Status::ok || r.status == srs::Status::unchanged) {
      std::printf("%s\n", r.address.c_str());
      return exitcode::ok;
    }
    if (r.status == srs::Status::no_secrets) {
      std::fprintf(stderr, "spp-conf: fatal: no secret in control/srs/srs_secrets%s%s\n",
                   config.secrets_error.empty() ? "" : ": ", config.secrets_error.c_str());
      return exitcode::temporary;
    }
    // Not rewritable (no @, 8-bit, too long): the sender stays as it is, said on stderr.
    std::fprintf(stderr, "spp-conf: warning: sender not rewritten: %s\n", srs::describe(r.status));
    std::printf("%s\n", sender.c_str());
    return exitcode::ok;
  }

  if (op == "reverse") {
    if (i + 1 != argc) return srs_usage("reverse takes ADDRESS");
    srs::Result r = srs::reverse(config.params, argv[i], now);
    if (r.status == srs::Status::ok) {
      std::printf("%s\n", r.address.c_str());
      return exitcode::ok;
    }
    std::fprintf(stderr, "spp-conf: %s: %s\n", printable(argv[i], 200, EightBit::replace).c_str(),
                 srs::describe(r.status));
    return r.status == srs::Status::no_secrets ? exitcode::temporary : exitcode::bad_input;
  }
  return srs_usage("unknown srs operation");
}

}  // namespace spp::conf
