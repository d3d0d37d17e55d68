// qmail-scanq: a qmail-queue wrapper (QMAILQUEUE) that scans the message with
// ClamAV (clamd or libclamav), SpamAssassin (spamd) and an attachment policy,
// per recipient, and then hands message and envelope to the real qmail-queue.
//
// The parts, each pure and small where it can be:
//   envelope  parse_envelope: qmail-queue(8)'s fd 1 format
//   mime      MimeWalker: streaming, bounded attachment policy (extension,
//             MIME type, base64 signature, Windows loader)
//   replies   parse_clamd_reply / parse_spamd_reply
//   policy    ClientList (clamavclients, spamdclients) and decide_scope():
//             who gets which scan (the mixed-envelope rule)
//   spool     the message on fd 0 into memory or an unlinked temp file
//   scanners  clamd (zINSTREAM), spamd (SPAMC/1.5 CHECK); libclamav (dlopen)
//   main      read, decide, scan, then exit or run the real qmail-queue
// The settings (Config, load_config) are in lib/scanq_config: spp-conf
// shows and checks them too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cdb_reader.h"
#include "control.h"
#include "scanq_config.h"
#include "env.h"

namespace spp::scanq {

// qmail-queue(8) exit codes we use (reference/scan-notes.md §1).
namespace qq {
constexpr int ok = 0;
constexpr int addr_too_long = 11;
constexpr int refused = 31;        // permanent: virus, spam, attachment, too large
constexpr int no_mem = 51;
constexpr int write_error = 53;    // temp file: disk full
constexpr int read_error = 54;     // message or envelope unreadable / truncated
constexpr int config = 55;
constexpr int temp_refused = 71;   // scanner fault
constexpr int bug = 81;            // the real qmail-queue crashed
constexpr int custom = 82;         // text on fd 6 (notqmail)
constexpr int bad_envelope = 91;
}  // namespace qq

// --- envelope ---------------------------------------------------------------

constexpr size_t kMaxAddress = 1002;  // qmail-queue refuses len >= ADDR (1003)

struct Envelope {
  std::string sender;
  std::vector<std::string> recipients;
};

struct EnvelopeResult {
  int status = qq::ok;  // ok, addr_too_long, read_error (truncated), bad_envelope
  Envelope envelope;
};

/// "F<sender>\0" then "T<rcpt>\0"... then "\0", exactly as qmail-queue reads
/// it. Missing terminator: read_error (qmail-queue says 54 at EOF).
EnvelopeResult parse_envelope(std::string_view data);
/// The same bytes back (for the real qmail-queue).
std::string serialize_envelope(const Envelope& envelope);

// --- MIME attachment policy -------------------------------------------------


struct AttachmentHit {
  std::string kind;    // "extension", "type", "signature", "loader"
  std::string detail;  // printable, bounded
};

/// Walks a message fed in chunks of any size: headers of every part, nested
/// multipart boundaries (depth 16), the first bytes of each part's body.
/// Memory is bounded whatever the input (lines are cut at kMaxLine, at most
/// kMaxParts parts are looked at; the rest of a bigger message is not).
class MimeWalker {
 public:
  static constexpr size_t kMaxLine = 4096;
  static constexpr size_t kMaxHeader = 16384;
  static constexpr size_t kMaxParts = 10000;
  static constexpr size_t kMaxDepth = 16;

  explicit MimeWalker(const AttachmentPolicy& policy) : policy_(policy) {}
  void feed(std::string_view chunk);
  void finish();
  const std::optional<AttachmentHit>& hit() const { return hit_; }
  size_t parts() const { return parts_; }
  const std::string& message_id() const { return message_id_; }

 private:
  void line(std::string_view l, bool cut);
  void header_done();
  void body_line(std::string_view l);
  void check_name(std::string_view name);
  void check_body_start();

  const AttachmentPolicy& policy_;
  std::optional<AttachmentHit> hit_;
  std::string buf_;      // the current line, at most kMaxLine bytes
  bool buf_cut_ = false; // the current line was longer
  bool in_header_ = true;
  bool top_ = true;      // in the message's own header
  std::string header_;   // the current part's header, unfolded, bounded
  std::vector<std::string> boundaries_;
  std::string next_boundary_;  // of the part whose header just ended
  bool base64_ = false;
  std::string body_start_;     // first base64 text of the current part
  bool body_checked_ = true;
  size_t parts_ = 0;
  bool done_ = false;
  std::string message_id_;
};

/// The value of header `name` (case-insensitive) in an unfolded header block
/// ("Name: value\n" lines), or empty.
std::string header_value(std::string_view header, std::string_view name);
/// A parameter (name=, filename=, boundary=) of a header value, unquoted.
std::string header_param(std::string_view value, std::string_view param);

// --- scanner replies --------------------------------------------------------

enum class ClamStatus { clean, virus, too_large, error };
struct ClamReply {
  ClamStatus status = ClamStatus::error;
  std::string detail;  // virus name or error text, printable, bounded
};
/// "stream: OK", "stream: <name> FOUND", "INSTREAM size limit exceeded. ERROR", "... ERROR".
ClamReply parse_clamd_reply(std::string_view reply);

struct SpamReply {
  bool ok = false;      // a well-formed SPAMD/1.x 0 EX_OK answer
  bool spam = false;
  double score = 0, threshold = 0;
  std::string error;
};
/// "SPAMD/1.1 0 EX_OK\r\nSpam: True ; 15.0 / 5.0\r\n\r\n".
SpamReply parse_spamd_reply(std::string_view reply);

// --- configuration and scope ------------------------------------------------

/// Who opted in to a recipient list: the address, @domain, in a text list or
/// in <name>.cdb (keys lower case; the cdb wins when present).
class ClientList {
 public:
  /// status error: unreadable (scanq answers 71: it cannot know who wants a scan)
  Lookup load(const Control& control, std::string_view name);
  Lookup contains(std::string_view address) const;  // found / missing / error
  std::string error;

 private:
  std::vector<std::string> lines_;  // lower case
  std::shared_ptr<Cdb> cdb_;
};

/// What this message gets. The mixed-envelope rule (qmail-scanq(8)):
/// virus scan and attachment policy if ANY recipient asked for it (a hit
/// refuses the whole message); spam check if any recipient asked, but a spam
/// REJECT only when EVERY recipient asked for the spam check — otherwise the
/// message is queued once, with X-Spam-* headers, for everybody.
struct Scope {
  bool clam = false;
  bool spam = false;
  bool spam_reject_ok = false;  // every recipient opted in to the spam check
  std::string why_skipped;      // "skipcachk=1 (authenticated)" …
};

/// Pure: recipients' opt-ins (from the lists) and the skip settings.
Scope decide_scope(const Config& config, const Env& env, const std::vector<bool>& clam_rcpt,
                   const std::vector<bool>& spam_rcpt);

// --- spool ------------------------------------------------------------------

/// The message, in memory up to Config::memory bytes, else in an unlinked
/// temp file (O_TMPFILE) in Config::tmpdir: nothing is left behind whatever
/// happens to the process.
class Spool {
 public:
  Spool() = default;
  ~Spool();
  Spool(const Spool&) = delete;
  Spool& operator=(const Spool&) = delete;

  /// Reads fd until EOF, feeding `walker`. Returns ok, read_error,
  /// write_error (temp file: disk full), refused (over maxbytes).
  int read_from(int fd, const Config& config, MimeWalker& walker, std::string& error);
  uint64_t size() const { return size_; }
  bool in_memory() const { return fd_ < 0; }
  /// Calls `sink` with the message in chunks of at most `chunk` bytes;
  /// stops (false) when sink returns false or the temp file cannot be read.
  template <class Sink>
  bool each_chunk(size_t chunk, Sink sink) const;
  int fd() const { return fd_; }
  const std::string& memory() const { return mem_; }

 private:
  bool pread_chunk(uint64_t offset, char* buf, size_t n) const;
  std::string mem_;
  int fd_ = -1;
  uint64_t size_ = 0;
};

template <class Sink>
bool Spool::each_chunk(size_t chunk, Sink sink) const {
  if (fd_ < 0) {
    for (size_t off = 0; off < mem_.size(); off += chunk)
      if (!sink(std::string_view(mem_).substr(off, chunk))) return false;
    return true;
  }
  std::string buf(chunk, '\0');
  for (uint64_t off = 0; off < size_; off += chunk) {
    size_t n = size_ - off < chunk ? size_t(size_ - off) : chunk;
    if (!pread_chunk(off, buf.data(), n)) return false;
    if (!sink(std::string_view(buf.data(), n))) return false;
  }
  return true;
}

// --- scanners -----------------------------------------------------------------

/// clamd zINSTREAM over `address` (path or host:port), every step within timeout seconds.
ClamReply scan_clamd(const std::string& address, unsigned long timeout, const Spool& message);
/// spamd SPAMC/1.5 CHECK. ok false: a fault (error says which).
SpamReply scan_spamd(const std::string& address, unsigned long timeout, const Spool& message);
/// libclamav in process: loads `dbdir` (empty: cl_retdbdir()), compiles, scans.
ClamReply scan_libclamav(const std::string& dbdir, const Spool& message);

}  // namespace spp::scanq
