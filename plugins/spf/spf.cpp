#include "spf/spf.h"

#include "log.h"
#include "text.h"

namespace spp::spf {

namespace {

constexpr SettingSpec kSettings[] = {
    {"spfbehavior", "SPFBEHAVIOR", "0",
     "0 off; 1 header only; 2 also 451 on DNS errors; 3 refuse fail; 4 softfail; 5 neutral; 6 anything not pass"},
    {"spfrules", "", "", "local rules (one line of SPF directives) run before the domain's final -all/~all/?all"},
    {"spfguess", "", "", "rules (one line of SPF directives) for domains that publish no SPF"},
    {"spfexp", "", kDefaultExp, "explanation (SPF macros, %{xr} %{xs} %{xe}) when the domain gives none"},
    {"spfheader", "SPFHEADER", "classic", "Received-SPF form: classic (qmail-spf) or rfc (RFC 7208 key=value)"},
    {"authservid", "", "", "this host's authserv-id: adds Authentication-Results: (RFC 8601)"},
    {"spftimeout", "SPFTIMEOUT", "20", "seconds for one whole evaluation (1-300)"},
};
constexpr size_t kMaxField = 255;  // bytes of one client-controlled value in a header

// A value as RFC 5322 atoms allow, else a quoted-string; ASCII only, no CR/LF.
std::string header_value(std::string_view raw) {
  std::string v = printable(raw, kMaxField, EightBit::replace);
  bool atom = !v.empty();
  for (char c : v)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
          std::string_view("!#$%&'*+-/=?^_`{|}~.@").find(c) != std::string_view::npos))
      atom = false;
  if (atom) return v;
  std::string q = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') q += '\\';
    q += c;
  }
  return q + '"';
}

// Header comment text: no parentheses or backslashes from the client.
std::string comment_text(std::string_view raw) {
  std::string v = printable(raw, kMaxField, EightBit::replace);
  for (auto& c : v)
    if (c == '(' || c == ')' || c == '\\') c = '?';
  return v;
}

std::string receiver_of(const Env& env) {
  auto local = env.get("TCPLOCALHOST");
  if (!local || local->empty()) local = env.get("TCPLOCALIP");
  return local && !local->empty() ? std::string(*local) : "unknown";
}

}  // namespace

bool parse_rules(std::string_view line, std::vector<Directive>& out, std::string& error) {
  auto r = parse_record("v=spf1 " + std::string(line), error);
  if (!r) return false;
  if (r->redirect || r->exp) {
    error = "modifiers are not allowed in local rules";
    return false;
  }
  out = r->directives;
  return true;
}

Config load_config(const Control& control, std::vector<std::string>& warnings) {
  Config c;
  c.behavior = unsigned(read_number(control, kSettings[0], 0, 6, warnings));
  if (c.behavior == 0) return c;
  for (int i : {1, 2}) {
    Setting s = control.setting(kSettings[i]);
    if (s.status == Lookup::error) warnings.push_back(std::string(kSettings[i].name) + ": " + s.error);
    if (s.value.empty()) continue;
    std::string error;
    if (!parse_rules(s.value, i == 1 ? c.rules : c.guess, error))
      warnings.push_back(std::string(kSettings[i].name) + " (" + s.origin + "): " + error + "; ignored");
  }
  Setting e = control.setting(kSettings[3]);
  if (!valid_macro_string(e.value, true, true)) {
    warnings.push_back("spfexp (" + e.origin + "): bad macro syntax; using the default");
  } else {
    c.exp = e.value;
  }
  c.header = read_choice(control, kSettings[4], {"classic", "rfc"}, warnings) == "rfc" ? HeaderForm::rfc
                                                                                       : HeaderForm::classic;
  Setting a = control.setting(kSettings[5]);
  std::string id = printable(a.value, 200, EightBit::replace);
  if (id.find_first_of(" ;\t?") != std::string::npos) {
    warnings.push_back("authservid (" + a.origin + "): not a single token; no Authentication-Results");
  } else {
    c.authservid = id;
  }
  c.timeout_ms = int(read_number(control, kSettings[6], 1, 300, warnings)) * 1000;
  return c;
}

bool rejects(unsigned behavior, Result r) {
  switch (r) {
    case Result::fail: return behavior >= 3;
    case Result::softfail: return behavior >= 4;
    case Result::neutral: return behavior >= 5;
    case Result::none:
    case Result::permerror: return behavior >= 6;
    default: return false;
  }
}

std::string received_spf(HeaderForm form, const Outcome& o, const std::string& receiver, const std::string& helo) {
  std::string xr = comment_text(receiver), d = comment_text(o.domain), i = comment_text(o.ip);
  std::string xs = o.local_policy ? "local policy" : "SPF record at " + d;
  std::string xe = comment_text(o.reason.empty() ? "DNS problem" : o.reason);
  std::string text;
  switch (o.result) {
    case Result::pass: text = xs + " designates " + i + " as permitted sender"; break;
    case Result::fail: text = xs + " does not designate " + i + " as permitted sender"; break;
    case Result::softfail: text = "transitioning " + xs + " does not designate " + i + " as permitted sender"; break;
    case Result::neutral: text = i + " is neither permitted nor denied by " + xs; break;
    case Result::none: text = "domain at " + d + " does not designate permitted sender hosts"; break;
    case Result::temperror: text = "error in processing during lookup of " + d + ": " + xe; break;
    case Result::permerror: text = xe; break;
  }
  const char* name = form == HeaderForm::classic ? qmail_name(o.result) : result_name(o.result);
  std::string out = std::string(name) + " (" + xr + ": " + text + ")";
  if (form == HeaderForm::rfc) {
    out += " client-ip=" + header_value(o.ip) + ";";
    if (!o.helo_identity) out += " envelope-from=" + header_value(o.sender) + ";";
    out += " helo=" + header_value(helo) + ";";
    out += " receiver=" + header_value(receiver) + ";";
    out += o.helo_identity ? " identity=helo;" : " identity=mailfrom;";
  }
  return out;
}

std::string authentication_results(const std::string& authservid, const Outcome& o, const std::string& helo) {
  std::string out = authservid + "; spf=" + result_name(o.result);
  if (o.helo_identity) out += " smtp.helo=" + header_value(helo);
  else out += " smtp.mailfrom=" + header_value(o.sender);
  return out;
}

namespace {

std::optional<Result> read_marker(const Env& env, std::string_view sender) {
  auto word = env.marker(kMarker, sender);
  if (!word) return std::nullopt;
  for (unsigned i = 0; i <= unsigned(Result::permerror); ++i)
    if (*word == result_name(Result(i))) return Result(i);
  return std::nullopt;
}

Verdict refusal(std::string_view text) {
  std::string t = printable(text, 400, EightBit::replace);
  if (t.empty()) t = "SPF policy";
  return Verdict::error(550, "5.7.1", t);
}

void clear_markers(const Env& env, Verdict& out) {
  for (const char* n : {kMarker, kText, kHeader, kAuthResults, kResultVar})
    if (env.has(n)) out.unsetenv(n);
}

Verdict run(const Context& ctx) {
  Hook hook = ctx.hook;
  if (hook == Hook::unknown) hook = ctx.env.rcpt_to() ? Hook::rcpt : Hook::mail;  // spp-spf alone
  auto sender_opt = ctx.env.mail_from();
  std::string sender = sender_opt ? std::string(*sender_opt) : "";
  Verdict out;
  if (ctx.env.trusted_client()) {  // qmail-spf: no lookup, no header, SPFRESULT unset
    if (hook == Hook::mail) clear_markers(ctx.env, out);
    return out;
  }
  if (hook == Hook::data) {
    auto r = read_marker(ctx.env, sender);
    if (!r) return out;
    if (auto h = ctx.env.get(kHeader); h && !h->empty()) out.header("Received-SPF: " + std::string(*h));
    if (auto a = ctx.env.get(kAuthResults); a && !a->empty()) out.header("Authentication-Results: " + std::string(*a));
    return out;
  }
  std::vector<std::string> warnings;
  if (hook == Hook::rcpt) {  // the cached verdict needs spfbehavior only
    unsigned behavior = unsigned(read_number(ctx.control, kSettings[0], 0, 6, warnings));
    if (behavior == 0) {
      for (const auto& w : warnings) log::warn(w);
      return out;
    }
    if (auto r = read_marker(ctx.env, sender)) {
      for (const auto& w : warnings) log::warn(w);
      if (!rejects(behavior, *r)) return out;
      auto t = ctx.env.get(kText);
      return refusal(t ? *t : "");
    }
    warnings.clear();
  }
  Config config = load_config(ctx.control, warnings);
  for (const auto& w : warnings) log::warn(w);
  if (hook == Hook::mail) clear_markers(ctx.env, out);
  if (config.behavior == 0 || !sender_opt) return out;
  Request req;
  auto ip = ctx.env.remote_ip();
  req.ip = ip ? std::string(*ip) : "";
  req.sender = sender;
  auto helo = ctx.env.helo();
  req.helo = helo ? std::string(*helo) : "";
  req.receiver = receiver_of(ctx.env);
  req.timeout_ms = config.timeout_ms;
  req.rules = config.rules;
  req.guess = config.guess;
  req.default_exp = config.exp;
  req.explain = 0;
  for (unsigned i = 0; i <= unsigned(Result::permerror); ++i)
    if (rejects(config.behavior, Result(i))) req.explain |= 1u << i;
  Outcome o;
  std::vector<std::string> own_ips;
  if (auto l = ctx.env.get("TCPLOCALIP")) own_ips.emplace_back(*l);
  bool own = is_own_address(req.ip, own_ips);
  if (own) {
    o.result = Result::pass;
    o.ip = req.ip;
    o.sender = sender.empty() ? "postmaster@" + req.helo : sender;
    o.helo_identity = sender.empty();
    size_t at = o.sender.rfind('@');
    o.domain = at == std::string::npos ? o.sender : o.sender.substr(at + 1);
    o.local_policy = true;
  } else {
    o = evaluate(req, ctx.deps.dns());
  }
  if (o.explanation.empty() && rejects(config.behavior, o.result)) o.explanation = default_explanation(req, o);
  std::string client = clean_text(req.ip.empty() ? "unknown" : req.ip);
  if (!own) log::info(client + ": SPF " + result_name(o.result) + " for " + clean_text(o.helo_identity ? "HELO " : "") +
            clean_text(o.domain) + (o.reason.empty() ? "" : " (" + clean_text(o.reason) + ")") + "; sender <" +
            clean_text(sender) + ">");
  if (hook == Hook::rcpt) {  // spp-spf alone under [rcpt], or spp-mail without it
    if (rejects(config.behavior, o.result)) return refusal(o.explanation);
    return out;
  }
  out.setenv(kResultVar, qmail_name(o.result));
  out.setenv(kMarker, std::string(result_name(o.result)) + " " + sender);
  if (rejects(config.behavior, o.result)) out.setenv(kText, printable(o.explanation, 400, EightBit::replace));
  out.setenv(kHeader, received_spf(config.header, o, req.receiver, req.helo));
  if (!config.authservid.empty()) out.setenv(kAuthResults, authentication_results(config.authservid, o, req.helo));
  if (o.result == Result::temperror && config.behavior >= 2)
    out.append(Verdict::error(451, "4.3.0", "SPF lookup failure"));
  return out;
}

void lint(const Control& control, std::vector<std::string>& warnings) {
  Env all;
  all.set("SPFBEHAVIOR", "1");  // read every setting, as when the check is on
  Control on(control.base(), all);
  std::vector<std::string> w;
  read_number(control, kSettings[0], 0, 6, warnings);
  load_config(on, w);
  for (auto& x : w)
    if (x.rfind("spfbehavior", 0) != 0) warnings.push_back(x);
}

constexpr HookUse kUses[] = {
    {Hook::mail, order::lookup, "evaluates SPF and keeps the verdict (S SPFRESULT, SPP_SPF); 451 on a DNS error "
                                "with spfbehavior >= 2",
     false},
    {Hook::rcpt, order::cached, "refuses every RCPT of a sender spfbehavior rejects (550); evaluates if MAIL did not",
     false},
    {Hook::data, order::cached, "adds Received-SPF: and Authentication-Results: (H)", false},
};

}  // namespace

const Check check = {
    "spf",
    "SPF (RFC 7208) of the envelope sender like qmail-spf (spfbehavior 0-6, spfrules, spfguess, spfexp, SPFRESULT), "
    "on libspf2 with our own c-ares DNS layer, lookup limits, record checks and explanations; Received-SPF: and "
    "Authentication-Results: headers; DNS failures give 451 or nothing, never 5xx.",
    kUses,
    kSettings,
    FailMode::open,
    nullptr,
    run,
    lint,
};

}  // namespace spp::spf
