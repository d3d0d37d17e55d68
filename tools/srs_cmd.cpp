// spp-conf srs: SRS secrets and addresses by hand (and for srs-forward).
//
//   spp-conf srs newsecret            a new random secret on top of control/srs/srs_secrets
//                                     (and revers_srs_secrets if it exists), its start in
//                                     srs_secrets_age; old ones kept while an address they
//                                     signed can be valid (srs_max_age), older ones pruned
//   spp-conf srs prune                only the pruning (cron-able)
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
#include <map>
#include <set>
#include <utility>
#include <vector>

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
      "usage: spp-conf srs [-t SECONDS] newsecret|prune\n"
      "       spp-conf srs [-t SECONDS] forward [--] SENDER [ALIAS]\n"
      "       spp-conf srs [-t SECONDS] reverse ADDRESS\n",
      stderr);
  return exitcode::bad_input;
}

// A control/srs file read whole: its lines by qmail's rules; `exists`
// false when it is missing.
struct SecretFile {
  std::string path;
  bool exists = false;
  std::vector<std::string> lines;
};

int read_secret_file(const Paths& paths, const std::string& name, SecretFile& f) {
  f.path = paths.qmaildir + "/control/" + name;
  std::string text;
  int err = read_file(f.path, text, 1 << 20);
  if (err == ENOENT) return 0;
  if (err) return err;
  f.exists = true;
  Lines lines = parse_control_lines(text);
  if (lines.status == Lookup::error) return EINVAL;
  f.lines = std::move(lines.lines);
  return 0;
}

// Replaces f.path by `lines`. A new file gets mode 400 (it holds secrets);
// an existing one keeps owner and mode (write_file_atomic).
int write_secret_file(const SecretFile& f, const std::vector<std::string>& lines) {
  if (!f.exists) {
    int fd = ::open(f.path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0400);
    if (fd < 0 && errno != EEXIST) return errno;
    if (fd >= 0) ::close(fd);
  }
  std::string text;
  for (const auto& line : lines) text += line + "\n";
  return write_file_atomic(f.path, text);
}

// newsecret (add) and prune: a new secret on top of srs_secrets (and of
// revers_srs_secrets when it exists), its start in srs_secrets_age; then
// every secret that can no longer have signed a valid address
// (srs::secrets_needed: retired more than srs_max_age days ago) is removed
// from all three files. A secret without a line in srs_secrets_age is
// recorded as starting now: later than it did, so it is kept longer, never
// shorter.
int rotate(const Paths& paths, const srs::Config& config, long long now, bool add) {
  SecretFile secrets, reverse, ages;
  for (auto [name, file] : {std::pair{"srs/srs_secrets", &secrets}, std::pair{"srs/revers_srs_secrets", &reverse},
                            std::pair{"srs/srs_secrets_age", &ages}}) {
    if (int err = read_secret_file(paths, name, *file)) {
      std::fprintf(stderr, "spp-conf: fatal: unable to read %s: %s\n", file->path.c_str(),
                   err == EINVAL ? "a line longer than 1000 bytes" : file_error(err).c_str());
      return exitcode::temporary;
    }
  }
  std::map<std::string, long long> began;
  for (const auto& line : ages.lines) {
    std::string secret;
    long long t = -1;
    if (srs::parse_age_line(line, secret, t)) {
      began[secret] = t;
    } else {
      std::fprintf(stderr, "spp-conf: warning: %s: ignored a line that is not \"SECRET SECONDS\"\n",
                   ages.path.c_str());
    }
  }
  std::vector<std::string> list = secrets.lines;
  if (add) {
    std::string secret = srs::new_secret();
    if (secret.empty()) {
      std::fprintf(stderr, "spp-conf: fatal: no random bytes from OpenSSL\n");
      return exitcode::temporary;
    }
    list.insert(list.begin(), secret);
    began[secret] = now;
  }
  if (list.empty()) {
    std::fprintf(stderr, "spp-conf: fatal: %s holds no secret (spp-conf srs newsecret makes one)\n",
                 secrets.path.c_str());
    return exitcode::temporary;
  }
  std::vector<long long> starts;
  for (const auto& secret : list) {
    auto it = began.find(secret);
    starts.push_back(it == began.end() ? now : it->second);
  }
  std::vector<bool> needed = srs::secrets_needed(starts, now, config.params.max_age);
  std::vector<std::string> kept, kept_ages;
  std::set<std::string> pruned;
  for (size_t i = 0; i < list.size(); ++i) {
    if (!needed[i]) {
      pruned.insert(list[i]);
      continue;
    }
    kept.push_back(list[i]);
    kept_ages.push_back(list[i] + " " + std::to_string(starts[i]));
  }
  // srs_secrets_age is written first: a crash after it leaves a start for a
  // secret not yet listed, which the next run drops.
  mkdir((paths.qmaildir + "/control/srs").c_str(), 0755);
  if (int err = write_secret_file(ages, kept_ages)) {
    std::fprintf(stderr, "spp-conf: fatal: unable to write %s: %s\n", ages.path.c_str(), std::strerror(err));
    return exitcode::temporary;
  }
  if (int err = write_secret_file(secrets, kept)) {
    std::fprintf(stderr, "spp-conf: fatal: unable to write %s: %s\n", secrets.path.c_str(), std::strerror(err));
    return exitcode::temporary;
  }
  std::string why = " (stopped signing more than srs_max_age=" + std::to_string(config.params.max_age) +
                    " days ago: no address they made is valid)";
  std::printf("%s: %s%zu older kept for verification, %zu pruned%s\n", secrets.path.c_str(),
              add ? "new secret on top, " : "", kept.size() - 1, pruned.size(), pruned.empty() ? "" : why.c_str());
  if (reverse.exists) {
    std::vector<std::string> rev;
    if (add) rev.push_back(list.front());
    size_t dropped = 0;
    for (const auto& secret : reverse.lines) {
      if (pruned.count(secret)) ++dropped;
      else rev.push_back(secret);
    }
    if (int err = write_secret_file(reverse, rev)) {
      std::fprintf(stderr, "spp-conf: fatal: unable to write %s: %s\n", reverse.path.c_str(), std::strerror(err));
      return exitcode::temporary;
    }
    std::printf("%s: %s%zu pruned\n", reverse.path.c_str(), add ? "new secret on top, " : "", dropped);
  }
  return exitcode::ok;
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

  if (op == "newsecret" || op == "prune") {
    if (i != argc) return srs_usage("newsecret and prune take no arguments");
    return rotate(paths, config, now, op == "newsecret");
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
