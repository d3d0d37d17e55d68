// spp-conf cdb NAME...: reads control/NAME with qmail's control-file rules
// (lines up to 64 KiB, as the checks read them), writes the records the
// checks look up (lib/addrlist cdb_records, helocheck::cdb_records,
// authsender::cdb_records) to
// control/NAME.cdb through a temporary file and rename(2), and says how
// many exact entries and patterns it holds. A plugin running meanwhile sees
// the old or the new database, never a half-written one.
// `virtualdomains` is compiled for spp-chkuser/spp-quota (lib/delivery:
// one record per key, the prefix as its value); qmail-send keeps reading
// the text, so the checks ignore a cdb older than it.
#include "cdb_cmd.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "addrlist.h"
#include "authsender/authsender.h"
#include "cdb_writer.h"
#include "control.h"
#include "delivery.h"
#include "exitcode.h"
#include "file.h"
#include "helocheck/helocheck.h"
#include "text.h"

namespace spp::conf {

namespace {

constexpr const char* kLists[] = {"badmailfrom",     "badmailpatterns", "blackholedsender",
                                  "badrcptto",       "badrcptpatterns", "badhelo",
                                  "virtualdomains",  "authsenders",     nullptr};
constexpr size_t kMaxLine = 65536;  // what the checks accept

bool sender_list(std::string_view name) {
  return name == "badmailfrom" || name == "badmailpatterns" || name == "blackholedsender";
}

int write(const std::string& cdb, const CdbRecords& records) {
  std::string error;
  if (write_cdb_atomic(cdb, records, error)) {
    std::fprintf(stderr, "spp-conf: fatal: %s\n", error.c_str());
    return exitcode::temporary;
  }
  return exitcode::ok;
}

// control/virtualdomains, read exactly as spp-chkuser scans the text.
int build_virtualdomains(const std::string& path, const std::string& cdb) {
  Deps deps;
  CdbRecords records;
  size_t entries = 0;
  int err = delivery::virtualdomains_records(deps, path, records, entries);
  if (err == ENOENT) {
    if (::unlink(cdb.c_str()) == 0) {
      std::printf("virtualdomains: no %s; removed the stale %s\n", path.c_str(), cdb.c_str());
      return exitcode::ok;
    }
    std::fprintf(stderr, "spp-conf: fatal: %s: no such file\n", path.c_str());
    return exitcode::bad_input;
  }
  if (err) {
    std::fprintf(stderr, "spp-conf: fatal: unable to read %s: %s\n", path.c_str(), file_error(err).c_str());
    return exitcode::temporary;
  }
  if (int rc = write(cdb, records)) return rc;
  std::printf("virtualdomains: %zu entries, %zu keys -> %s\n", entries, records.size() - 1, cdb.c_str());
  return exitcode::ok;
}

int build(const Paths& paths, const std::string& name) {
  std::string path = paths.qmaildir + "/control/" + name, cdb = path + ".cdb";
  if (name == "virtualdomains") return build_virtualdomains(path, cdb);
  Lines l = read_control_lines(path, kMaxLine);
  if (l.status == Lookup::missing) {
    if (::unlink(cdb.c_str()) == 0) {
      std::printf("%s: no %s; removed the stale %s\n", name.c_str(), path.c_str(), cdb.c_str());
      return exitcode::ok;
    }
    std::fprintf(stderr, "spp-conf: fatal: %s: no such file\n", path.c_str());
    return exitcode::bad_input;
  }
  if (l.status == Lookup::error) {
    std::fprintf(stderr, "spp-conf: fatal: unable to read %s: %s\n", path.c_str(), l.error.c_str());
    return exitcode::temporary;
  }
  size_t skipped = 0;
  std::vector<std::string> lines;
  bool authsenders = name == "authsenders";  // its text form keeps NUL bytes: so does its cdb
  for (auto& line : l.lines) {
    if ((!authsenders && line.find('\0') != std::string::npos) || line.find('\n') != std::string::npos) {
      ++skipped;  // qmail's constmap stops at a NUL: such a line cannot mean what it says
      continue;
    }
    lines.push_back(std::move(line));
  }
  CdbRecords records = name == "badhelo"   ? helocheck::cdb_records(lines)
                       : authsenders        ? authsender::cdb_records(lines)
                                            : cdb_records(lines, sender_list(name));
  size_t patterns = 0;
  for (const auto& r : records)
    if (!r.first.empty() && r.first[0] == '\n')
      for (size_t at = 0; at + 8 <= r.second.size(); ++patterns) {
        size_t len = 0;
        for (size_t i = 4; i < 8; ++i) len = len << 8 | uint8_t(r.second[at + i]);
        at += 8 + len;
      }
  if (int rc = write(cdb, records)) return rc;
  if (authsenders)
    std::printf("%s: %zu lines, %zu logins -> %s", name.c_str(), lines.size(), records.size() - 1, cdb.c_str());
  else
    std::printf("%s: %zu lines, %zu patterns -> %s", name.c_str(), lines.size(), patterns, cdb.c_str());
  if (skipped) std::printf(" (%zu lines with a NUL byte skipped)", skipped);
  std::printf("\n");
  return exitcode::ok;
}

int cdb_usage(const char* complaint) {
  if (complaint) std::fprintf(stderr, "spp-conf: fatal: %s\n", complaint);
  std::fputs("usage: spp-conf cdb LIST...   LIST: badmailfrom badmailpatterns blackholedsender badrcptto "
             "badrcptpatterns badhelo virtualdomains authsenders\n",
             stderr);
  return exitcode::bad_input;
}

}  // namespace

const char* const* compilable_lists() { return kLists; }

int cmd_cdb(int argc, char** argv, const Paths& paths) {
  if (argc < 2) return cdb_usage("name a list");
  for (int i = 1; i < argc; ++i) {
    bool known = false;
    for (const char* const* n = kLists; *n; ++n) known = known || argv[i] == std::string_view(*n);
    if (!known) {
      std::string why = "not a list spp-conf cdb compiles: " + printable(argv[i], 80, EightBit::replace);
      return cdb_usage(why.c_str());
    }
  }
  int rc = exitcode::ok;
  for (int i = 1; i < argc; ++i)
    if (int r = build(paths, argv[i]); r != exitcode::ok && rc == exitcode::ok) rc = r;
  return rc;
}

}  // namespace spp::conf
