// delivery: would qmail deliver this address? Read-only, the way qmail-send,
// qmail-lspawn, qmail-getpw and qmail-local decide it (recipients-notes.md §4):
//
//   qmail-send    control/percenthack: while the domain is listed, the last
//                 '%' of the local part becomes the '@' (user%host@dom ->
//                 user@host). Then control/locals (domain) > control/virtualdomains
//                 (user@domain, domain, .suffix most specific first, then
//                 the empty key; an empty prefix means remote); the address
//                 becomes prefix-local@domain. No '@': @envnoathost.
//   qmail-lspawn  users/cdb: "!local\0" exact, then "!prefix" wildcards,
//                 longest first (only prefixes ending in a wildchar);
//                 otherwise qmail-getpw: the longest prefix of the local part
//                 ending at its end or at a '-', lower-cased, < 32 bytes,
//                 uid != 0, home owned by the uid; otherwise the alias user
//                 with ext = the whole local part.
//   qmail-local   home writable by others or sticky: defer. .qmail<dash><ext>,
//                 then .qmail<dash><ext-prefix>-default ... .qmail<dash>default
//                 (ext lower-cased, '.' -> ':'); nothing found and a dash:
//                 "Sorry, no mailbox here by that name. (#5.1.1)".
//   vpopmail      a -default file running vdelivermail: the user in the
//                 domain's vpasswd.cdb (with vpopmail_ext, also the part of a
//                 user-ext before the first '-', as vdelivermail built with
//                 --enable-qmail-ext does), else its catch-all or
//                 bounce-no-mailbox.
//
// control/virtualdomains.cdb (spp-conf cdb virtualdomains) answers the
// qmail-send step with a few cdb lookups instead of a scan of the text per
// RCPT. qmail itself reads only the text, so a cdb older than the text (or
// whose text is gone) is not used: the text is, with one warning. A corrupt
// or foreign cdb is `error` (the check's fail mode).
//
// Every file access goes through Deps (stat, read, cdb), so it is unit-tested
// with FakeDeps. Whatever we may not look at (EACCES: qmail-smtpd runs as
// qmaild) is `unknown`, never a refusal; a database that should answer but
// cannot (corrupt users/cdb, unreadable passwd file or vpasswd.cdb) is `error`.
// NSS sources other than the passwd file (LDAP, NIS) are not consulted: when
// Config::nsswitch names some, a passwd miss is `unknown`, not a bounce; list
// such users in users/assign. vpopmail's SQL backends (no vpasswd.cdb)
// are not read: such domains are `unknown` beyond their .qmail files.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "addrlist.h"
#include "plugin.h"

namespace spp::delivery {

enum class Outcome {
  remote,   // not a local domain: qmail-send sends it on (rcpthosts decided at SMTP)
  deliver,  // a .qmail file, the default delivery or a vpopmail mailbox takes it
  bounce,   // qmail would bounce it: no mailbox by that name
  disabled, // vpopmail account flagged to bounce mail
  defer,    // qmail would defer it (writable or sticky home, uid 0, no alias user...)
  unknown,  // we may not look (EACCES), or too many .qmail candidates: no opinion
  error,    // a database that should answer cannot: users/cdb, passwd, vpasswd.cdb
};

const char* outcome_name(Outcome o);

/// The control files and settings the resolution reads, once per process.
struct Config {
  std::string base;                 // the qmail home (where users/cdb lives), "" = cwd
  std::vector<std::string> locals;  // lower-cased; control/locals or control/me
  std::vector<std::string> percenthack;  // lower-cased; control/percenthack
  std::string virtualdomains;       // path of control/virtualdomains (streamed per lookup)
  std::string virtualdomains_cdb;   // control/virtualdomains.cdb when in force, else ""
  std::string envnoathost;          // control/envnoathost, control/me, "envnoathost"
  std::string passwd = "/etc/passwd";
  // nsswitch.conf to ask, on a passwd miss, whether getpwnam has sources
  // beyond the file (LDAP, NIS, sss...); "" = the passwd file is the whole truth.
  std::string nsswitch;
  std::string alias_user = "alias";
  unsigned max_probes = 64;         // .qmail candidates one address may cost
  bool vpopmail_ext = true;         // vdelivermail tries user-ext as user (--enable-qmail-ext)
  std::string error;                // a control file that could not be read
};

/// Reads locals, percenthack, virtualdomains, envnoathost, me as qmail-send does, and
/// picks the form of virtualdomains (the cdb when in force; a stale one is
/// logged once). With `memo`, once per hook run.
Config load_config(const Control& control, Deps& deps, RunMemo* memo = nullptr);

/// One line of control/virtualdomains as qmail-send's map takes it: false
/// for blank, comment and colon-less lines; else the key (before the first
/// ':', compared without ASCII case) and the prefix (trailing blanks cut).
bool virtualdomains_entry(std::string_view line, std::string_view& key, std::string_view& prefix);

/// The records of control/virtualdomains.cdb: lower-cased key -> prefix, one
/// per key (the last line of a key wins, as in qmail-send), and kAlwaysKey
/// (made by spp-conf). The text is read as the lookup reads it. 0 or an
/// errno; `entries` = the lines that count.
int virtualdomains_records(Deps& deps, const std::string& path, CdbRecords& out, size_t& entries);

struct Result {
  Outcome outcome = Outcome::unknown;
  std::string why;          // one phrase for the log ("no .qmail-x, .qmail-default in /home/a")
  std::string domain;       // lower-cased recipient domain (after percenthack)
  std::string percenthack;  // the address percenthack made of it ("" = untouched)
  std::string local;        // the local part qmail-lspawn sees (after the virtualdomains prefix)
  std::string user, home, dash, ext;  // as qmail-local gets them
  std::string qmail_file;   // the .qmail file that takes it ("" = default delivery)
  bool bounce_no_mailbox = false;     // a vdelivermail bounce-no-mailbox domain (CHKUSER_START=DOMAIN)
  std::string mailbox;      // the mailbox directory for quota: vpopmail dir, or the home
  std::string vpopmail_quota;         // vpopmail's quota field ("" = none, "NOQUOTA")
  unsigned probes = 0;      // files looked at
};

/// qmail-send's part only: false (and outcome remote, or error when
/// virtualdomains cannot be read) when the address is not local; else r.domain and r.local (after the virtualdomains prefix) are set.
bool route(const Config& config, Deps& deps, std::string_view address, Result& r);

/// Resolves one envelope recipient. With `memo`, an address already resolved
/// in this hook run with the same config is answered from there (quota
/// after chkuser in spp-rcpt).
Result resolve(const Config& config, Deps& deps, std::string_view address, RunMemo* memo = nullptr);

/// Syntax qmail can never resolve sensibly and chkuser refuses (553): empty,
/// no local part, control or 8-bit bytes, blanks, quotes, '/', a local part
/// over 255 bytes, an address over 1000. "" when fine, else why.
std::string syntax_problem(std::string_view address);

/// The passwd sources of an nsswitch.conf text that a file reader cannot see:
/// every one but files, compat and systemd (the last serves service users).
std::vector<std::string> nss_passwd_beyond_files(std::string_view nsswitch_text);

/// One passwd(5) line's fields, looked up by name in the text of a passwd file.
struct PasswdEntry {
  std::string name, home;
  unsigned long uid = 0, gid = 0;
};
bool find_passwd(std::string_view passwd_text, std::string_view name, PasswdEntry& out);

}  // namespace spp::delivery
