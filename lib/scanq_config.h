// scanq_config: qmail-scanq's settings (queue/qmail-scanq, qmail-scanq(8)),
// here in lib/ because spp-conf shows and checks them too. Read with
// lib/control's rules: env > control/<name> > control/options > default.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "control.h"
#include "env.h"

namespace spp::scanq {

struct AttachmentPolicy {
  std::vector<std::string> extensions;  // lower case, without the dot
  std::vector<std::string> types;       // lower case, "type/sub" or "type/*"
  std::vector<std::string> signatures;  // base64 body prefixes (control/badsignatures)
  std::vector<std::string> loaders;     // decoded prefixes (control/badloadertypes), e.g. "MZ"
  bool empty() const { return extensions.empty() && types.empty() && signatures.empty() && loaders.empty(); }
};

struct Config {
  std::string next;           // the real qmail-queue
  std::string clamd;          // unix socket path or host:port
  std::string spamd;
  std::string backend;        // clamd | libclamav
  std::string clamdb;         // libclamav database directory
  unsigned long timeout = 60; // seconds, per scanner
  unsigned long samsgsize = 512000;
  unsigned long maxbytes = 0; // 0 = no limit of our own
  unsigned long memory = 262144;  // larger messages go to a temp file
  std::string tmpdir;
  bool clamglobal = false, spamglobal = false;
  unsigned long skipcachk = 0, skipsachk = 0;
  std::string spamaction;     // header | reject
  std::optional<double> spamscore;  // reject threshold; unset: spamd's own
  bool onerror_pass = false;  // scanner fault: pass unscanned instead of 71
  bool customerror = false;   // exit 82 + text on fd 6
  AttachmentPolicy attach;
  bool chkattach = false;     // any attachment rule configured
};

/// Every setting qmail-scanq reads (spp-conf show/check, the man page).
const std::vector<SettingSpec>& settings();

/// Reads every setting; problems go to `warnings` (logged by main).
Config load_config(const Control& control, const Env& env, Warnings& warnings);

/// Extra problems spp-conf check reports (scanq-next, unreadable lists or cdb).
void lint(const Control& control, Warnings& complaints);

}  // namespace spp::scanq
