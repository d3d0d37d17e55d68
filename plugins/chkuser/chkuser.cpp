#include "chkuser/chkuser.h"

#include <climits>

#include "file.h"
#include "log.h"
#include "text.h"

namespace spp::chkuser {

namespace {

constexpr SettingSpec kSettings[] = {
    {"chkuserstart", "CHKUSER_START", "none",
     "always: check every local recipient; domain: only domains whose .qmail-default says bounce-no-mailbox; "
     "none: off"},
    {"chkuserbypass", "CHKUSER_BYPASS", "1", "1: relaying (RELAYCLIENT) and authenticated clients are not checked"},
    {"maxwrongrcpt", "CHKUSER_WRONGRCPTLIMIT", "0",
     "refused recipients per session after which the next RCPT gets 421 and the connection is dropped (0 = off)"},
    {"chkuserdelay", "CHKUSER_DELAY", "0", "milliseconds before each refusal (0 = no delay)"},
    {"chkuserdelaystep", "CHKUSER_DELAYSTEP", "300", "milliseconds added per refusal so far (with chkuserdelay)"},
    {"validrcptto", "VALIDRCPTTO", "",
     "a validrcptto.cdb (jms1 format: lower-case addresses and @domain keys) used instead of qmail's own rules"},
    {"chkuserpasswd", "CHKUSER_PASSWD", "/etc/passwd", "the passwd file qmail-getpw's lookup reads"},
    {"chkuseralias", "", "alias", "qmail's alias user (conf-users)"},
    {"chkuserfailclosed", "CHKUSER_FAILCLOSED", "1",
     "1: a database or sender lookup that cannot answer gives 451; 0: no opinion"},
    {"chkusersenderformat", "CHKUSER_SENDER_FORMAT", "0",
     "1: refuse at MAIL a sender whose address chkuser's format rule refuses (553 5.1.7)"},
    {"chkusersendermx", "CHKUSER_SENDER_MX", "0",
     "1: refuse at MAIL a sender whose domain has no MX, A or AAAA record (550 5.1.8)"},
    {"chkusersendernocheck", "CHKUSER_SENDER_NOCHECK", "0", "1: this client's sender is not checked (set per client)"},
    {"chkuserdoublebounce", "CHKUSER_DOUBLEBOUNCE", "0", "1: the double-bounce sender #@[] passes the sender checks"},
    {"chkusersendertimeout", "CHKUSER_SENDER_TIMEOUT", "10", "seconds for the sender domain lookups together (1-300)"},
    {"chkuservpopext", "CHKUSER_VPOPEXT", "1",
     "1: a vpopmail user-ext address reaches user, as vdelivermail built with --enable-qmail-ext does; 0: it does not"},
};
const SettingSpec& kStart = kSettings[0];
const SettingSpec& kBypass = kSettings[1];
const SettingSpec& kMaxWrong = kSettings[2];
const SettingSpec& kDelay = kSettings[3];
const SettingSpec& kDelayStep = kSettings[4];
const SettingSpec& kValid = kSettings[5];
const SettingSpec& kPasswd = kSettings[6];
const SettingSpec& kAlias = kSettings[7];
const SettingSpec& kSenderFormatOn = kSettings[9];
const SettingSpec& kSenderMxOn = kSettings[10];
const SettingSpec& kSenderNocheck = kSettings[11];
const SettingSpec& kDoubleBounceOk = kSettings[12];
const SettingSpec& kSenderTimeout = kSettings[13];
const SettingSpec& kVpopExt = kSettings[14];

}  // namespace

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings, RunMemo* memo,
                   bool recipients) {
  Config c;
  std::string start = read_choice(control, kStart, {"none", "always", "domain"}, warnings);
  c.start = start == "always" ? Start::always : start == "domain" ? Start::domain : Start::none;
  if (c.start == Start::none) return c;
  c.bypass_trusted = read_flag(control, kBypass, warnings);
  c.max_wrong = read_number(control, kMaxWrong, 0, ULONG_MAX, warnings);
  c.delay_ms = read_number(control, kDelay, 0, kMaxDelayMs, warnings);
  c.delay_step_ms = read_number(control, kDelayStep, 0, kMaxDelayMs, warnings);
  c.sender_format = read_flag(control, kSenderFormatOn, warnings);
  c.sender_mx = read_flag(control, kSenderMxOn, warnings);
  c.sender_nocheck = read_flag(control, kSenderNocheck, warnings);
  c.doublebounce = read_flag(control, kDoubleBounceOk, warnings);
  c.sender_timeout_ms = int(read_number(control, kSenderTimeout, 1, 300, warnings)) * 1000;
  if (!recipients) return c;
  c.validrcptto = control.setting(kValid).value;
  if (!c.validrcptto.empty() && c.validrcptto[0] != '/' && !control.base().empty())
    c.validrcptto = control.base() + "/" + c.validrcptto;
  c.qmail = delivery::load_config(control, deps, memo);
  c.qmail.passwd = control.setting(kPasswd).value;
  // The system's passwd may have NSS sources beyond the file; a passwd file
  // the operator named is taken as complete.
  if (c.qmail.passwd == kPasswd.fallback) c.qmail.nsswitch = "/etc/nsswitch.conf";
  c.qmail.alias_user = control.setting(kAlias).value;
  c.qmail.vpopmail_ext = read_flag(control, kVpopExt, warnings);
  return c;
}

Decision decide(const Config& config, unsigned long wrong, const std::string& syntax, delivery::Outcome outcome,
                bool bounce_no_mailbox) {
  Decision d;
  if (config.max_wrong && wrong >= config.max_wrong) {
    d.answer = Answer::too_many;
    return d;
  }
  if (!syntax.empty()) {
    d.answer = Answer::bad_syntax;
  } else if (outcome == delivery::Outcome::error) {
    d.answer = Answer::tempfail;
    return d;
  } else if (outcome == delivery::Outcome::bounce &&
             (config.start == Start::always || bounce_no_mailbox)) {
    d.answer = Answer::no_mailbox;
  } else if (outcome == delivery::Outcome::disabled) {
    d.answer = Answer::disabled;
  } else {
    return d;
  }
  d.counts = true;
  if (config.delay_ms) {
    unsigned long long ms = config.delay_ms + static_cast<unsigned long long>(config.delay_step_ms) * wrong;
    d.delay_ms = unsigned(ms > kMaxDelayMs ? kMaxDelayMs : ms);
  }
  return d;
}

namespace {

// validrcptto.cdb (jms1): the lower-cased address, then "@domain". A
// recipient of a local domain found under neither is refused; other domains
// (a backup MX's) are not ours to judge.
delivery::Result check_list(const Config& c, Deps& deps, std::string_view rcpt) {
  delivery::Result r;
  if (!delivery::route(c.qmail, deps, rcpt, r)) return r;
  // The address qmail-send will deliver: after percenthack, if it applied.
  std::string addr = lower_ascii(r.percenthack.empty() ? rcpt : std::string_view(r.percenthack));
  size_t at = addr.rfind('@');
  std::string keys[2] = {addr, at == std::string::npos ? std::string() : addr.substr(at)};
  for (const auto& key : keys) {
    if (key.empty()) continue;
    CdbResult found = deps.cdb_find(c.validrcptto, key);
    if (found.status == Lookup::found) {
      r.outcome = delivery::Outcome::deliver;
      r.why = "\"" + key + "\" in " + c.validrcptto;
      return r;
    }
    if (found.status == Lookup::error || !found.error.empty()) {
      r.outcome = delivery::Outcome::error;
      r.why = c.validrcptto + ": " + (found.error.empty() ? "unreadable" : found.error);
      return r;
    }
  }
  r.outcome = delivery::Outcome::bounce;
  r.why = "not in " + c.validrcptto;
  return r;
}

Verdict run(const Context& ctx) {
  if (ctx.hook == Hook::mail) return run_sender(ctx);
  auto rcpt = ctx.env.rcpt_to();
  if (!rcpt) return Verdict::no_opinion();  // not at RCPT
  // qmail refuses a foreign recipient of a non-relaying client with its own text.
  if (ctx.env.rcpthosts_ok() == false && !ctx.env.relay_client()) return Verdict::no_opinion();
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings, ctx.memo);
  for (const auto& w : warnings) log::warn(w);
  if (config.start == Start::none) return Verdict::no_opinion();
  if (config.bypass_trusted && ctx.env.trusted_client()) return Verdict::no_opinion();
  unsigned long wrong = 0;
  if (auto w = ctx.env.get(kWrongVar)) wrong = parse_ulong(*w).value_or(0);

  std::string syntax = delivery::syntax_problem(*rcpt);
  delivery::Result r;
  r.outcome = delivery::Outcome::deliver;  // not looked up: no opinion
  if (!(config.max_wrong && wrong >= config.max_wrong) && syntax.empty()) {
    if (!config.qmail.error.empty()) {
      r.outcome = delivery::Outcome::error;
      r.why = config.qmail.error;
    } else if (!config.validrcptto.empty()) {
      r = check_list(config, ctx.deps, *rcpt);
    } else {
      r = delivery::resolve(config.qmail, ctx.deps, *rcpt, ctx.memo);  // quota reuses it
    }
  }
  Decision d = decide(config, wrong, syntax, r.outcome, r.bounce_no_mailbox);
  auto ip = ctx.env.remote_ip();
  std::string who = clean_text(ip ? *ip : "unknown");
  std::string addr = "<" + printable(*rcpt, 300, EightBit::replace) + ">";
  if (r.outcome == delivery::Outcome::unknown || r.outcome == delivery::Outcome::defer)
    log::info("accepted " + addr + " unchecked (" + delivery::outcome_name(r.outcome) +
              "): " + printable(r.why, 300, EightBit::replace));
  switch (d.answer) {
    case Answer::none:
      return Verdict::no_opinion();
    case Answer::tempfail:
      log::warn(printable(r.why, 300, EightBit::replace) + " checking " + addr +
                (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
      if (ctx.fail_mode() == FailMode::open) return Verdict::no_opinion();
      return Verdict::error(451, "", kTempfail);
    case Answer::too_many:
      log::info("dropping " + who + ": " + std::to_string(wrong) + " invalid recipients; at " + addr);
      return Verdict::reject(421, "", kTooMany);
    default:
      break;
  }
  std::string why = d.answer == Answer::bad_syntax ? syntax : r.why;
  log::info("refused " + who + " at RCPT " + addr + ": " + printable(why, 300, EightBit::replace) + " (" +
            std::to_string(wrong + 1) + " invalid)");
  if (d.delay_ms) ctx.deps.sleep_ms(d.delay_ms);
  Verdict v;
  v.setenv(kWrongVar, std::to_string(wrong + 1));
  Verdict e = d.answer == Answer::bad_syntax ? Verdict::error(553, "", kBadSyntax)
              : d.answer == Answer::disabled ? Verdict::error(550, "", kDisabled)
                                             : Verdict::error(511, "", kNoMailbox);
  v.append(e);
  return v;
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Deps deps;
  Config c = load_config(control, deps, warnings);
  if (c.start == Start::none) {
    for (const SettingSpec* spec : {&kSenderFormatOn, &kSenderMxOn})
      if (read_flag(control, *spec, warnings))
        warnings.push_back(std::string(spec->name) + " is on but chkuserstart is none: chkuser checks senders only when started");
    return;
  }
  if (!c.qmail.error.empty()) warnings.push_back(c.qmail.error);
  if (!c.validrcptto.empty()) {
    CdbResult r = deps.cdb_find(c.validrcptto, "@");
    if (r.status == Lookup::error || !r.error.empty())
      warnings.push_back("validrcptto " + c.validrcptto + ": " + (r.error.empty() ? "unreadable" : r.error));
  } else {
    std::string text;
    if (int err = deps.read_file(c.qmail.passwd, text, 64 << 20))
      warnings.push_back("chkuserpasswd " + c.qmail.passwd + ": " + file_error(err));
    CdbResult u = deps.cdb_find(c.qmail.base.empty() ? "users/cdb" : c.qmail.base + "/users/cdb", "");
    if (u.status == Lookup::error || (u.status == Lookup::missing && u.error.empty()))
      warnings.push_back("users/cdb: " + (u.error.empty() ? std::string("no wildcard record") : u.error));
  }
}

constexpr HookUse kUses[] = {
    {Hook::mail, order::lookup,
     "refuses a sender of bad format (553 5.1.7) or whose domain has no MX, A or AAAA (550 5.1.8), with "
     "chkusersenderformat and chkusersendermx",
     false},
    {Hook::rcpt, order::policy + 50,
     "refuses a recipient qmail would bounce (511), bad syntax (553); 421 and drop after maxwrongrcpt"},
};

}  // namespace

const Check check = {
    "chkuser",
    "Would qmail deliver this? locals, virtualdomains, percenthack, users/cdb, passwd, .qmail-ext and -default "
    "files, ~alias, vpopmail's vpasswd.cdb, or a validrcptto.cdb; chkuser's replies, maxwrongrcpt, delays, "
    "sender format and MX checks at MAIL; EACCES never refuses.",
    kUses,
    kSettings,
    FailMode::tempfail,
    "chkuserfailclosed",
    run,
    lint,
};

}  // namespace spp::chkuser
