#include "badmailfrom/badmailfrom.h"

#include "listfile.h"
#include "log.h"
#include "text.h"

namespace spp::badmailfrom {

namespace {

constexpr SettingSpec kSettings[] = {
    {"badmailfrom", "", "", "refused senders: address, @domain, .domain, wildmat, !exception, ?addr, @dom+, @dom-, @dom=, ~host", true, false, kListMaxLine},
    {"badmailpatterns", "", "", "refused senders, the same syntax in a second file (H-Sphere, older spamcontrol)", true, false, kListMaxLine},
    {"badmailfrom-unknown", "", "", "sender domains refused when the client has no host name (TCPREMOTEHOST)", true, false, kListMaxLine},
    {"blackholedsender", "", "", "senders whose connection is dropped at MAIL without a reply", true, false, kListMaxLine},
    {"lowercase", "LOWERCASE", "0", "1: lower-case the sender before the wildmat pass"},
    {"splithorizon", "SPLITHORIZON", "0", "1: do not check relaying or authenticated clients"},
    {"badmailfromfailclosed", "BADMAILFROMFAILCLOSED", "1", "1: an unreadable list answers 451; 0: no opinion"},
};
const SettingSpec& kLowercase = kSettings[4];
const SettingSpec& kSplithorizon = kSettings[5];

// Reads one list into `into`; false (and config.error) when it exists but cannot be read.
bool read_list(const Control& control, Deps& deps, const char* name, AddressList& into, bool special,
               Config& config, std::vector<std::string>& lines_out) {
  // control/<name>.cdb (spp-conf cdb) when it exists, else the text file.
  std::string error;
  lines_out.clear();
  load_address_list(control, deps, name, special, into, error, kMaxLine, &lines_out);
  if (!error.empty()) {
    if (config.error.empty()) config.error = error;
    return false;
  }
  return true;
}

}  // namespace

Config load_config(const Control& control, Deps& deps, std::vector<std::string>& warnings) {
  Config config;
  std::vector<std::string> lines;
  read_list(control, deps, "badmailfrom", config.refused, true, config, lines);
  read_list(control, deps, "badmailpatterns", config.refused, true, config, lines);
  read_list(control, deps, "blackholedsender", config.blackholed, true, config, lines);
  AddressList ignored;
  if (read_list(control, deps, "badmailfrom-unknown", ignored, false, config, lines)) {
    // "example.com" or "@example.com" lines: the @dom- form of badmailfrom.
    std::vector<std::string> forms;
    for (auto& l : lines) forms.push_back((l[0] == '@' ? "" : "@") + l + "-");
    config.unknown.add(forms, true);
  }
  if (config.refused.empty() && config.unknown.empty() && config.blackholed.empty()) return config;
  config.lowercase = read_flag(control, kLowercase, warnings);
  config.splithorizon = read_flag(control, kSplithorizon, warnings);
  return config;
}

Result decide(const Config& config, std::string_view sender, const Client& client) {
  Result r;
  r.match = config.blackholed.evaluate(sender, client, config.lowercase, &r.error);
  if (refuses(r.match)) {
    r.blackhole = true;
    r.list = "blackholedsender";
    return r;
  }
  r.match = config.refused.evaluate(sender, client, config.lowercase, &r.error);
  if (r.match != Match::none) {
    r.list = "badmailfrom";
    return r;
  }
  r.match = config.unknown.evaluate(sender, client, false);
  if (r.match != Match::none) r.list = "badmailfrom-unknown";
  return r;
}

std::optional<Match> read_marker(const Env& env, std::string_view sender) {
  auto word = env.marker(kMarker, sender);
  if (!word) return std::nullopt;
  return match_from_name(*word);
}

namespace {

std::string who(const Env& env) {
  auto ip = env.remote_ip();
  return clean_text(ip ? *ip : "unknown");
}

Verdict run(const Context& ctx) {
  auto sender = ctx.env.mail_from();
  if (!sender) return Verdict::no_opinion();  // no MAIL yet
  // spp-badmailfrom alone cannot know its section: it acts as at RCPT.
  bool at_mail = ctx.hook == Hook::mail;
  if (!at_mail) {
    if (auto m = read_marker(ctx.env, *sender)) {  // decided at this MAIL: no file read
      if (!refuses(*m)) return Verdict::no_opinion();
      return Verdict::error(553, "5.7.1", kReply);
    }
  }
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings);
  for (const auto& w : warnings) log::warn(w);
  Verdict out;
  // A verdict stored for an earlier sender must not outlive its MAIL.
  if (at_mail && ctx.env.has(kMarker)) out.unsetenv(kMarker);
  if (!config.error.empty()) {
    log::warn(config.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    out.append(ctx.fail_verdict());
    return out;
  }
  if (config.refused.empty() && config.unknown.empty() && config.blackholed.empty()) return out;
  if (config.splithorizon && ctx.env.trusted_client()) return out;
  Client client{ctx.env.relay_client(), ctx.env.get("TCPREMOTEHOST")};
  Result r = decide(config, *sender, client);
  if (!r.error.empty()) {  // a compiled list failed mid-lookup (a corrupt cdb)
    log::warn(who(ctx.env) + ": " + r.error + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    out.append(ctx.fail_verdict());
    return out;
  }
  // What a log reader greps for comes first; the client-chosen address last,
  // where the log's length cap may cut it.
  std::string why = std::string(match_name(r.match)) + " in " + r.list + "; sender <" + clean_text(*sender) + ">";
  if (r.blackhole) {
    log::info("dropped " + who(ctx.env) + " at MAIL: " + why);
    out.append(Verdict::drop());
    return out;
  }
  if (at_mail) {
    out.setenv(kMarker, std::string(match_name(r.match)) + " " + std::string(*sender));
    if (refuses(r.match)) log::info("listed " + who(ctx.env) + ", refusing its RCPTs: " + why);
    return out;
  }
  if (!refuses(r.match)) return out;
  log::info("refused " + who(ctx.env) + " at RCPT: " + why);
  out.append(Verdict::error(553, "5.7.1", kReply));
  return out;
}

// spp-conf check: everything load_config reads, plus what qmail itself
// would misread: a CR left by a DOS editor stays in qmail's badmailfrom entry
// (and its entry never matches again), and lines that are broken patterns.
void lint(const Control& control, std::vector<std::string>& warnings) {
  Deps deps;
  Config config = load_config(control, deps, warnings);
  if (!config.error.empty()) warnings.push_back(config.error);
  read_flag(control, kLowercase, warnings);
  read_flag(control, kSplithorizon, warnings);
  for (const char* name : {"badmailfrom", "badmailpatterns", "blackholedsender"}) {
    std::string raw;
    if (deps.read_file(control.path(name), raw, 16 << 20) != 0) continue;
    if (raw.find("\r\n") != std::string::npos)
      warnings.push_back(control.path(name) + " has DOS line ends (CRLF): qmail's own badmailfrom keeps the CR "
                         "and its entries never match; convert it (e.g. sed -i 's/\\r$//')");
    size_t n = 0;
    for (std::string_view line : split_lines(raw)) {
      ++n;
      if (line.empty() || line[0] == '#') continue;  // qmail skips these
      std::string problem = pattern_problem(trim_blanks(line));
      if (!problem.empty() && problem.find("CR") == std::string::npos)
        warnings.push_back(control.path(name) + " line " + std::to_string(n) + " \"" +
                           printable(line, 80, EightBit::replace) + "\" " + problem);
    }
  }
}

constexpr HookUse kUses[] = {
    {Hook::mail, order::policy, "decides and stores the verdict (S SPP_BADMAILFROM); drops blackholed senders", false},
    {Hook::rcpt, order::cached, "refuses every RCPT of a listed sender (553, stock text); decides if MAIL did not"},
};

}  // namespace

const Check check = {
    "badmailfrom",
    "Sender lists with spamcontrol >= 2.2 semantics (exact entries, wildmat with ! exceptions, last match wins, "
    "?addr, @dom+, @dom-, @dom=, ~host, notqmail's .domain), badmailpatterns, badmailfrom-unknown and "
    "blackholedsender; refused at RCPT with stock qmail's text, also after RSET.",
    kUses,
    kSettings,
    FailMode::tempfail,
    "badmailfromfailclosed",
    run,
    lint,
};

}  // namespace spp::badmailfrom
