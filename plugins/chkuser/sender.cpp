// chkuser's sender checks at MAIL (chkuser_sender() in chkuser 2.0.9): the
// format rule, the sender domain's MX/A/AAAA on lib/senderdns, and the
// check around them. See chkuser.h.
#include "chkuser/chkuser.h"

#include "log.h"
#include "text.h"

namespace spp::chkuser {

namespace {

// chkuser's own switches: when set (any value), that sender check is skipped.
constexpr const char* kFormatNocheckVar = "CHKUSER_SENDER_FORMAT_NOCHECK";
constexpr const char* kMxNocheckVar = "CHKUSER_SENDER_MX_NOCHECK";

bool is_alnum(unsigned char ch) { return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9'); }

}  // namespace

std::string sender_format_problem(std::string_view sender) {
  size_t at = sender.rfind('@');
  std::string_view user = sender.substr(0, at);
  std::string_view domain = at == std::string_view::npos ? std::string_view() : sender.substr(at + 1);
  for (unsigned char ch : user)
    if (!is_alnum(ch) && std::string_view("_-.=#+$%'*^~&/").find(char(ch)) == std::string_view::npos)
      return ch >= 33 && ch < 127 ? std::string("character '") + char(ch) + "' in the local part"
                                  : std::string("a blank, control or 8-bit byte in the local part");
  if (domain.size() < 4) return at == std::string_view::npos ? "no domain" : "domain shorter than 4 bytes";
  for (unsigned char ch : domain)
    if (!is_alnum(ch) && ch != '-' && ch != '.') return "domain with a character other than letters, digits, - and .";
  if (domain.front() == '-' || domain.front() == '.' || domain.back() == '-' || domain.back() == '.')
    return "domain starts or ends with - or .";
  if (domain.find("..") != std::string_view::npos || domain.find(".-") != std::string_view::npos ||
      domain.find("-.") != std::string_view::npos)
    return "domain with .., .- or -.";
  if (domain.find('.') == std::string_view::npos) return "domain without a dot";
  if (domain.size() > 4 && lower_ascii(domain.substr(0, 4)) == "xn--" &&
      domain.find("--", 4) != std::string_view::npos)
    return "xn-- domain with another --";
  return "";
}

SenderAnswer decide_sender(const Config& config, const std::string& format, senderdns::Result dns) {
  if (config.sender_format && !format.empty()) return SenderAnswer::bad_format;
  if (!config.sender_mx) return SenderAnswer::none;
  if (dns == senderdns::Result::missing) return SenderAnswer::no_mx;
  if (dns == senderdns::Result::dns_error) return SenderAnswer::tempfail;
  return SenderAnswer::none;
}

// chkuser_sender(): at MAIL, before any RCPT; a refused MAIL needs a new one.
Verdict run_sender(const Context& ctx) {
  auto sender = ctx.env.mail_from();
  if (!sender || sender->empty()) return Verdict::no_opinion();  // the null sender, always
  std::vector<std::string> warnings;
  Config config = load_config(ctx.control, ctx.deps, warnings, nullptr, false);
  for (const auto& w : warnings) log::warn(w);
  if (config.start == Start::none) return Verdict::no_opinion();
  bool format = config.sender_format && !ctx.env.has(kFormatNocheckVar);
  bool mx = config.sender_mx && !ctx.env.has(kMxNocheckVar);
  if ((!format && !mx) || config.sender_nocheck) return Verdict::no_opinion();
  if (config.bypass_trusted && ctx.env.trusted_client()) return Verdict::no_opinion();
  if (*sender == kDoubleBounce && config.doublebounce) return Verdict::no_opinion();
  config.sender_format = format;
  config.sender_mx = mx;
  std::string problem = format ? sender_format_problem(*sender) : "";
  senderdns::Verdict dns;
  if (mx && problem.empty()) {
    // spp-mfdnscheck's verdict for this sender, when it looked first.
    auto cached = senderdns::read_marker(ctx.env, *sender);
    if (cached && (*cached == senderdns::Result::exists || *cached == senderdns::Result::missing)) {
      bool invalid = false;
      dns.result = *cached;
      dns.domain = senderdns::sender_domain(*sender, invalid).value_or("");
      dns.why = "as spp-mfdnscheck found";
    } else {
      dns = senderdns::look_up(ctx.deps.dns(), *sender, config.sender_timeout_ms);
    }
  }
  SenderAnswer a = decide_sender(config, problem, dns.result);
  if (a == SenderAnswer::none) return Verdict::no_opinion();
  auto ip = ctx.env.remote_ip();
  std::string who = clean_text(ip ? *ip : "unknown");
  std::string addr = "<" + printable(*sender, 300, EightBit::replace) + ">";
  if (a == SenderAnswer::tempfail) {
    log::warn(who + ": lookup of sender domain " + clean_text(dns.domain) + " failed (" + clean_text(dns.why) +
              ") at MAIL " + addr + (ctx.fail_mode() == FailMode::open ? "; no opinion" : "; answering 451"));
    if (ctx.fail_mode() == FailMode::open) return Verdict::no_opinion();
    return Verdict::error(451, "", kSenderDns);
  }
  std::string why = a == SenderAnswer::bad_format
                        ? "invalid sender address format (" + problem + ")"
                        : "sender domain " + clean_text(dns.domain) + " has no MX, A or AAAA" +
                              (dns.why.empty() ? "" : " (" + clean_text(dns.why) + ")");
  log::info("refused " + who + " at MAIL " + addr + ": " + printable(why, 300, EightBit::replace));
  unsigned long wrong = 0;
  if (auto w = ctx.env.get(kWrongVar)) wrong = parse_ulong(*w).value_or(0);
  if (config.delay_ms) {  // chkuser delays sender refusals too (CHKUSER_SENDER_DELAY_ANYERROR)
    unsigned long long ms = config.delay_ms + static_cast<unsigned long long>(config.delay_step_ms) * wrong;
    ctx.deps.sleep_ms(unsigned(ms > kMaxDelayMs ? kMaxDelayMs : ms));
  }
  return a == SenderAnswer::bad_format ? Verdict::error(553, "", kSenderFormat) : Verdict::error(550, "", kSenderMx);
}

}  // namespace spp::chkuser
