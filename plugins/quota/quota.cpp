#include "quota/quota.h"

#include <cerrno>
#include <climits>

#include "file.h"
#include "log.h"
#include "text.h"

namespace spp::quota {

namespace {

constexpr SettingSpec kSettings[] = {
    {"uquotacheck", "UQUOTACHECK", "0", "1: refuse recipients whose mailbox is over quota"},
    {"quotapercent", "CHKUSER_MBXQUOTA", "100", "full at this percentage of the quota (1-100)"},
    {"quotabounce", "QUOTABOUNCE", "0", "1: 552 5.2.2 (permanent) instead of 452 4.2.2"},
    {"quotastatus", "QUOTASTATUS", "", "unix socket of Dovecot's quota-status service (\"\" = read maildirsize)"},
    {"quotastatustimeout", "QUOTASTATUSTIMEOUT", "5", "seconds to wait for quota-status (1-60)"},
};

std::optional<long long> parse_signed(std::string_view s) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  auto v = parse_ulong(s);
  if (!v || *v > static_cast<unsigned long>(LLONG_MAX)) return std::nullopt;
  return neg ? -static_cast<long long>(*v) : static_cast<long long>(*v);
}

}  // namespace

bool parse_quota_line(std::string_view line, unsigned long long& bytes, unsigned long long& count) {
  bytes = count = 0;
  line = trim_blanks(line);
  if (line == "NOQUOTA") return true;
  if (line.empty()) return false;
  size_t start = 0;
  for (;;) {
    size_t comma = line.find(',', start);
    std::string_view term = line.substr(start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    if (term.size() < 2) return false;
    auto n = parse_ulong(term.substr(0, term.size() - 1));
    if (!n) return false;
    if (term.back() == 'S') bytes = *n;
    else if (term.back() == 'C') count = *n;
    else return false;
    if (comma == std::string_view::npos) return true;
    start = comma + 1;
  }
}

Maildirsize parse_maildirsize(std::string_view text) {
  Maildirsize m;
  auto lines = split_lines(text);
  if (lines.empty()) {
    m.error = "empty";
    return m;
  }
  if (!parse_quota_line(lines[0], m.limit_bytes, m.limit_count)) {
    m.error = "bad quota line \"" + printable(lines[0], 60, EightBit::replace) + "\"";
    return m;
  }
  for (size_t i = 1; i < lines.size(); ++i) {
    std::string_view l = trim_blanks(lines[i]);
    if (l.empty()) continue;
    size_t sp = l.find_first_of(" \t");
    auto b = parse_signed(l.substr(0, sp));
    auto c = sp == std::string_view::npos ? std::optional<long long>(0) : parse_signed(trim_blanks(l.substr(sp + 1)));
    if (!b || !c) {
      m.error = "bad line " + std::to_string(i + 1);
      return m;
    }
    if (__builtin_add_overflow(m.bytes, *b, &m.bytes) || __builtin_add_overflow(m.count, *c, &m.count)) {
      m.error = "usage overflows at line " + std::to_string(i + 1);
      return m;
    }
    ++m.deltas;
  }
  m.ok = true;
  return m;
}

Usage decide(const Maildirsize& m, unsigned long percent, long long age) {
  if (!m.ok) return Usage::corrupt;
  if (!m.limit_bytes && !m.limit_count) return Usage::none;
  auto over = [percent](long long used, unsigned long long limit) {
    if (!limit) return false;
    if (used < 0) return false;
    return static_cast<unsigned __int128>(used) * 100 >= static_cast<unsigned __int128>(limit) * percent;
  };
  if (!over(m.bytes, m.limit_bytes) && !over(m.count, m.limit_count)) return Usage::under;
  // Courier believes an over-quota reading only from a fresh, just
  // recalculated file; anything else is recalculated at delivery.
  if (m.deltas == 1 && age >= 0 && age < kStaleSeconds) return Usage::full;
  return Usage::stale;
}

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings, RunMemo* memo) {
  Config c;
  c.on = read_flag(control, kSettings[0], warnings);
  if (!c.on) return c;
  c.percent = read_number(control, kSettings[1], 1, 100, warnings);
  c.bounce = read_flag(control, kSettings[2], warnings);
  c.quotastatus = control.setting(kSettings[3]).value;
  c.timeout_ms = read_number(control, kSettings[4], 1, 60, warnings) * 1000;
  if (c.quotastatus.empty()) {
    c.qmail = delivery::load_config(control, deps, memo);
    c.qmail.passwd = control.setting("chkuserpasswd", "CHKUSER_PASSWD", "/etc/passwd").value;
    c.qmail.alias_user = control.setting("chkuseralias", "", "alias").value;
  }
  return c;
}

namespace {

// Dovecot's quota-status speaks Postfix's policy protocol.
Usage ask_quota_status(const Config& c, Deps& deps, std::string_view rcpt, std::string& why) {
  std::string req = "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=SMTP\nrecipient=" +
                    printable(rcpt, 1000, EightBit::replace) + "\nsize=0\n\n";
  std::string reply;
  if (int err = deps.unix_request(c.quotastatus, req, reply, int(c.timeout_ms), 4096)) {
    why = "quota-status " + c.quotastatus + ": " + (err == ETIMEDOUT ? std::string("timeout") : file_error(err));
    return Usage::corrupt;
  }
  for (std::string_view line : split_lines(reply)) {
    if (line.substr(0, 7) != "action=") continue;
    std::string_view action = line.substr(7);
    why = "quota-status: " + printable(action, 200, EightBit::replace);
    std::string lower = lower_ascii(action);
    if (lower.rfind("dunno", 0) == 0 || lower.rfind("ok", 0) == 0) return Usage::under;
    if (lower.find("5.2.2") != std::string::npos || lower.find("4.2.2") != std::string::npos) return Usage::full;
    return Usage::none;  // no such user, too large: not ours to say
  }
  why = "quota-status " + c.quotastatus + ": no action in the answer";
  return Usage::corrupt;
}

Usage read_maildir(const Config& c, Deps& deps, RunMemo* memo, std::string_view rcpt, std::string& why) {
  if (!c.qmail.error.empty()) {  // e.g. a corrupt virtualdomains.cdb: do not guess the mailbox
    why = c.qmail.error;
    return Usage::corrupt;
  }
  delivery::Result r = delivery::resolve(c.qmail, deps, rcpt, memo);  // chkuser's answer when it ran
  if (r.outcome != delivery::Outcome::deliver || r.mailbox.empty()) return Usage::none;
  if (r.vpopmail_quota == "NOQUOTA") return Usage::none;
  std::string path = r.mailbox + (r.mailbox.back() == '/' ? "" : "/") + "Maildir/maildirsize";
  std::string text;
  int err = deps.read_file(path, text, kMaxMaildirsize);
  if (err == ENOENT || err == ENOTDIR) return Usage::none;
  if (err == EFBIG) {
    why = path + " is over 5120 bytes (the next delivery recalculates it)";
    return Usage::stale;
  }
  if (err) {
    why = "unable to read " + path + ": " + file_error(err);
    return Usage::corrupt;
  }
  Maildirsize m = parse_maildirsize(text);
  if (!m.ok) {
    why = path + ": " + m.error;
    return Usage::corrupt;
  }
  if (!r.vpopmail_quota.empty()) {  // vpopmail's quota is the truth; a differing file gets recalculated
    unsigned long long b = 0, n = 0;
    if (parse_quota_line(r.vpopmail_quota, b, n) && (b != m.limit_bytes || n != m.limit_count)) {
      why = path + ": quota line differs from vpopmail's " + printable(r.vpopmail_quota, 60, EightBit::replace);
      return Usage::stale;
    }
  }
  FileInfo st;
  long long age = deps.stat_path(path, st) == 0 ? deps.wall_seconds() - st.mtime : -1;
  Usage u = decide(m, c.percent, age);
  why = path + ": " + std::to_string(m.bytes) + " bytes, " + std::to_string(m.count) + " messages of " +
        std::to_string(m.limit_bytes) + "S," + std::to_string(m.limit_count) + "C";
  if (u == Usage::stale) why += " (stale: " + std::to_string(m.deltas) + " lines, " + std::to_string(age) + "s old)";
  return u;
}

Verdict run(const Context& ctx) {
  auto rcpt = ctx.env.rcpt_to();
  if (!rcpt) return Verdict::no_opinion();
  if (ctx.env.rcpthosts_ok() == false && !ctx.env.relay_client()) return Verdict::no_opinion();
  std::vector<std::string> warnings;
  Config c = load_config(ctx.control, ctx.deps, warnings, ctx.memo);
  for (const auto& w : warnings) log::warn(w);
  if (!c.on || !delivery::syntax_problem(*rcpt).empty()) return Verdict::no_opinion();
  std::string why;
  Usage u = c.quotastatus.empty() ? read_maildir(c, ctx.deps, ctx.memo, *rcpt, why) : ask_quota_status(c, ctx.deps, *rcpt, why);
  std::string addr = "<" + printable(*rcpt, 300, EightBit::replace) + ">";
  switch (u) {
    case Usage::full:
      log::info("refused " + addr + ": mailbox full, " + why);
      return c.bounce ? Verdict::error(552, "5.2.2", kFull) : Verdict::error(452, "4.2.2", kFull);
    case Usage::stale:
    case Usage::corrupt:
      log::warn("accepted " + addr + " unchecked: " + why);
      return Verdict::no_opinion();
    default:
      return Verdict::no_opinion();
  }
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Deps deps;
  Config c = load_config(control, deps, warnings);
  if (c.on && c.quotastatus.empty() && !c.qmail.error.empty()) warnings.push_back(c.qmail.error);
}

constexpr HookUse kUses[] = {
    {Hook::rcpt, order::policy + 60, "refuses a recipient whose Maildir++ or Dovecot quota is full (452, or 552)"},
};

}  // namespace

const Check check = {
    "quota",
    "Mailbox quota at RCPT: Maildir++ maildirsize read-only (vpopmail's quota string too) with a percentage "
    "threshold, or Dovecot's quota-status service; 452 4.2.2 (552 5.2.2 by setting). Trouble accepts.",
    kUses,
    kSettings,
    FailMode::open,
    nullptr,
    run,
    lint,
};

}  // namespace spp::quota
