#include "spf/engine.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <ctime>
#include <memory>
#include <set>

#include "clock.h"

extern "C" {
#include <spf2/spf.h>
#include <spf2/spf_dns.h>
}

namespace spp::spf {

namespace {

constexpr int kMaxDnsTerms = 10;    // RFC 7208 4.6.4: DNS-querying terms
constexpr int kMaxVoid = 2;         // RFC 7208 4.6.4: void lookups
constexpr size_t kMaxNames = 10;    // MX / PTR names looked at
constexpr size_t kMaxExp = 512;     // bytes of an explanation

struct Layer {
  SPF_dns_server_t server;  // first: libspf2 hands us &server
  Resolver* dns = nullptr;
  long long deadline = 0;
  const Request* request = nullptr;
  SPF_request_t* spf_request = nullptr;
  bool ipv6 = false;
  std::string ip;
  std::string sender;
  int terms = 0;
  int voids = 0;
  int get_spf_calls = 0;
  bool used_guess = false;
  bool perm = false;
  bool temp = false;
  std::string why;
  std::set<std::string> secondary;  // MX / PTR names: their address lookups are not terms
  std::string last_exp;
};

Layer* layer_of(SPF_dns_server_t* s) { return reinterpret_cast<Layer*>(s); }
Layer* layer_of(SPF_server_t* s) { return layer_of(s->resolver); }

void set_perm(Layer& l, const std::string& why) {
  if (!l.perm && !l.temp) l.why = why;
  l.perm = true;
}
void set_temp(Layer& l, const std::string& why) {
  if (!l.perm && !l.temp) l.why = why;
  l.temp = true;
}

std::string lower_name(std::string_view n) {
  std::string s(n);
  for (auto& c : s)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  while (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

// Only the lengths, unlike lib's valid_dns_name (a host name rule): a name
// expanded from SPF macros may hold any octet, and the DNS answers for it
// (RFC 7208 7.3); an empty or over-long label is what cannot be asked.
bool dns_name_ok(std::string_view name) {
  if (!name.empty() && name.back() == '.') name.remove_suffix(1);
  if (name.empty() || name.size() > 253) return false;
  size_t label = 0;
  for (char c : name) {
    if (c == '.') {
      if (label == 0) return false;
      label = 0;
    } else if (++label > 63) {
      return false;
    }
  }
  return label > 0;
}

// RFC 7208 7.3: an expanded name over 253 bytes loses labels on the left.
std::string fit_name(std::string name) {
  if (!name.empty() && name.back() == '.') name.pop_back();
  while (name.size() > 253) {
    size_t dot = name.find('.');
    if (dot == std::string::npos) break;
    name.erase(0, dot + 1);
  }
  return name;
}

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

Answer query(Layer& l, const std::string& name, RRType type) {
  long long left = l.deadline - now_ms();
  if (left <= 0) return Answer{Lookup::error, {}, "timeout"};
  return l.dns->query({name, type}, int(left));
}

SPF_dns_rr_t* make_rr(Layer& l, const char* domain, ns_type type, SPF_dns_stat_t herrno) {
  return SPF_dns_rr_new_init(&l.server, domain, type, 0, herrno);
}

// Our answer as libspf2's RR set.
SPF_dns_rr_t* to_rr(Layer& l, const char* domain, ns_type type, const Answer& a) {
  if (a.status == Lookup::error) return make_rr(l, domain, type, TRY_AGAIN);
  if (a.status == Lookup::missing) return make_rr(l, domain, type, HOST_NOT_FOUND);
  SPF_dns_rr_t* rr = make_rr(l, domain, type, NETDB_SUCCESS);
  if (!rr) return nullptr;
  int n = 0;
  for (const auto& rec : a.records) {
    switch (type) {
      case ns_t_a: {
        if (SPF_dns_rr_buf_realloc(rr, n, sizeof(struct in_addr)) != SPF_E_SUCCESS) break;
        if (inet_pton(AF_INET, rec.c_str(), &rr->rr[n]->a) == 1) ++n;
        break;
      }
      case ns_t_aaaa: {
        if (SPF_dns_rr_buf_realloc(rr, n, sizeof(struct in6_addr)) != SPF_E_SUCCESS) break;
        if (inet_pton(AF_INET6, rec.c_str(), &rr->rr[n]->aaaa) == 1) ++n;
        break;
      }
      case ns_t_mx: {
        size_t sp = rec.find(' ');
        std::string host = sp == std::string::npos ? rec : rec.substr(sp + 1);
        if (SPF_dns_rr_buf_realloc(rr, n, host.size() + 1) != SPF_E_SUCCESS) break;
        std::memcpy(rr->rr[n]->mx, host.c_str(), host.size() + 1);
        ++n;
        break;
      }
      default: {  // ptr, txt: text without NUL bytes
        if (rec.find('\0') != std::string::npos) break;
        if (SPF_dns_rr_buf_realloc(rr, n, rec.size() + 1) != SPF_E_SUCCESS) break;
        std::memcpy(rr->rr[n]->txt, rec.c_str(), rec.size() + 1);
        ++n;
        break;
      }
    }
  }
  rr->num_rr = n;
  if (n == 0) rr->herrno = NO_DATA;
  return rr;
}

// Counts a DNS-querying term; false (and permerror) past the limit.
bool count_term(Layer& l) {
  if (++l.terms > kMaxDnsTerms) {
    set_perm(l, "more than 10 DNS-querying terms");
    return false;
  }
  return true;
}

// A void lookup (NXDOMAIN or no records) of a term; false past the limit.
bool count_void(Layer& l) {
  if (++l.voids > kMaxVoid) {
    set_perm(l, "more than 2 void lookups");
    return false;
  }
  return true;
}

SPF_dns_rr_t* layer_lookup(SPF_dns_server_t* server, const char* domain_c, ns_type type, int /*should_cache*/) {
  Layer& l = *layer_of(server);
  std::string domain = fit_name(domain_c ? domain_c : "");
  // RFC 7208 3.1: the SPF RR type is not asked for.
  if (type == ns_t_spf) return make_rr(l, domain_c, type, NO_DATA);
  if (l.perm || l.temp) return make_rr(l, domain_c, type, TRY_AGAIN);
  if (!dns_name_ok(domain)) return make_rr(l, domain_c, type, HOST_NOT_FOUND);
  std::string key = lower_name(domain);
  bool cidr0 = ends_with(key, kCidr0Suffix);
  std::string real = cidr0 ? key.substr(0, key.size() - std::strlen(kCidr0Suffix)) : key;
  RRType t;
  switch (type) {
    case ns_t_a: t = RRType::a; break;
    case ns_t_aaaa: t = RRType::aaaa; break;
    case ns_t_mx: t = RRType::mx; break;
    case ns_t_ptr: t = RRType::ptr; break;
    case ns_t_txt: t = RRType::txt; break;  // only explanations come here (get_spf does records)
    default: return make_rr(l, domain_c, type, NO_RECOVERY);
  }
  bool secondary = (t == RRType::a || t == RRType::aaaa) && l.secondary.count(key);
  bool term = !secondary && t != RRType::txt;
  if (term && !count_term(l)) return make_rr(l, domain_c, type, TRY_AGAIN);
  Answer a = query(l, real, t);
  if (a.status == Lookup::error && a.error == "timeout" && now_ms() >= l.deadline) set_temp(l, "DNS timeout");
  if (term && a.status == Lookup::missing && !count_void(l)) return make_rr(l, domain_c, type, TRY_AGAIN);
  // RFC 7208 5.5: a DNS error while validating a PTR name skips that name.
  if (secondary && a.status == Lookup::error && !l.temp) a = Answer{Lookup::missing, {}, ""};
  if (a.status == Lookup::found) {
    if (t == RRType::ptr) {
      // RFC 7208 4.6.4: at most 10 PTR names are looked at, the rest ignored.
      if (a.records.size() > kMaxNames) a.records.resize(kMaxNames);
      for (const auto& n : a.records) l.secondary.insert(lower_name(n));
    }
    if (t == RRType::mx) {
      for (auto& rec : a.records) {
        if (cidr0) rec += kCidr0Suffix;
        size_t sp = rec.find(' ');
        l.secondary.insert(lower_name(sp == std::string::npos ? rec : rec.substr(sp + 1)));
      }
    }
    if (cidr0 && (t == RRType::a || t == RRType::aaaa))
      a.records = t == RRType::a ? std::vector<std::string>{"0.0.0.0", "128.0.0.0"}
                                 : std::vector<std::string>{"::", "8000::"};
  }
  return to_rr(l, domain_c, type, a);
}

SPF_errcode_t fail_record(SPF_response_t* resp, SPF_result_t result, SPF_errcode_t err) {
  resp->result = result;
  resp->reason = SPF_REASON_FAILURE;
  resp->err = err;
  return err;
}

SPF_errcode_t compile(SPF_server_t* server, Layer& l, SPF_response_t* resp, SPF_record_t** out,
                      const std::string& text) {
  SPF_errcode_t err = SPF_record_compile(server, resp, out, text.c_str());
  if (err != SPF_E_SUCCESS) {
    if (*out) {
      SPF_record_free(*out);
      *out = nullptr;
    }
    set_perm(l, "record not accepted by libspf2");
    return fail_record(resp, SPF_RESULT_PERMERROR, SPF_E_SYNTAX);
  }
  return SPF_E_SUCCESS;
}

// Record retrieval for the top level, include and redirect.
SPF_errcode_t layer_get_spf(SPF_server_t* server, SPF_request_t* req, SPF_response_t* resp, SPF_record_t** out) {
  Layer& l = *layer_of(server);
  *out = nullptr;
  bool top = l.get_spf_calls++ == 0;
  std::string domain = fit_name(req->cur_dom ? req->cur_dom : "");
  if (l.perm || l.temp) return fail_record(resp, l.temp ? SPF_RESULT_TEMPERROR : SPF_RESULT_PERMERROR,
                                           l.temp ? SPF_E_DNS_ERROR : SPF_E_SYNTAX);
  if (!top && !count_term(l)) return fail_record(resp, SPF_RESULT_PERMERROR, SPF_E_BIG_DNS);
  auto use_guess = [&]() -> SPF_errcode_t {
    if (!top || (l.request->guess.empty() && l.request->rules.empty()))
      return fail_record(resp, SPF_RESULT_NONE, SPF_E_NOT_SPF);
    Record r;
    r.directives = l.request->guess;
    r.directives.insert(r.directives.end(), l.request->rules.begin(), l.request->rules.end());
    l.used_guess = true;
    return compile(server, l, resp, out, canonical(r, l.ipv6));
  };
  if (!dns_name_ok(domain)) {
    if (!top) set_perm(l, "invalid domain name in include or redirect");
    return fail_record(resp, top ? SPF_RESULT_NONE : SPF_RESULT_PERMERROR, SPF_E_NOT_SPF);
  }
  Answer a = query(l, domain, RRType::txt);
  if (a.status == Lookup::error) {
    set_temp(l, "DNS error looking up " + domain + " (" + a.error + ")");
    return fail_record(resp, SPF_RESULT_TEMPERROR, SPF_E_DNS_ERROR);
  }
  if (a.status == Lookup::missing && !top && !count_void(l))
    return fail_record(resp, SPF_RESULT_PERMERROR, SPF_E_BIG_DNS);
  const std::string* found = nullptr;
  int n = 0;
  for (const auto& rec : a.records)
    if (is_spf_record(rec)) {
      found = &rec;
      ++n;
    }
  if (n > 1) {
    set_perm(l, "more than one SPF record at " + domain);
    return fail_record(resp, SPF_RESULT_PERMERROR, SPF_E_MULTIPLE_RECORDS);
  }
  if (n == 0) {
    if (!top) set_perm(l, "no SPF record at " + domain + " (include or redirect)");
    return use_guess();
  }
  std::string error;
  auto record = parse_record(*found, error);
  if (!record) {
    set_perm(l, "SPF record at " + domain + ": " + error);
    return fail_record(resp, SPF_RESULT_PERMERROR, SPF_E_SYNTAX);
  }
  return compile(server, l, resp, out, canonical(*record, l.ipv6, top ? &l.request->rules : nullptr));
}

// The validated name of the client (%{p}), looked up only when asked for.
std::string validated_name(Layer& l, const std::string& domain) {
  auto ptr = ptr_query_name(l.ip);
  if (!ptr) return "unknown";
  Answer a = query(l, *ptr, RRType::ptr);
  if (a.status != Lookup::found) return "unknown";
  if (a.records.size() > kMaxNames) a.records.resize(kMaxNames);
  std::string first;
  unsigned char want[16], got[16];
  int family = l.ipv6 ? AF_INET6 : AF_INET;
  inet_pton(family, l.ip.c_str(), want);
  std::string d = lower_name(domain);
  for (const auto& name : a.records) {
    Answer addrs = query(l, name, l.ipv6 ? RRType::aaaa : RRType::a);
    bool match = false;
    for (const auto& ad : addrs.records)
      if (inet_pton(family, ad.c_str(), got) == 1 && std::memcmp(want, got, l.ipv6 ? 16 : 4) == 0) match = true;
    if (!match) continue;
    std::string n = lower_name(name);
    if (n == d || ends_with(n, "." + d)) return lower_name(name);
    if (first.empty()) first = lower_name(name);
  }
  return first.empty() ? "unknown" : first;
}

MacroValues macro_values(Layer& l, const std::string& domain) {
  MacroValues v;
  v.sender = l.sender;
  v.domain = domain;
  v.ip = l.ip;
  v.ipv6 = l.ipv6;
  v.helo = l.request->helo;
  v.receiver = l.request->receiver;
  v.now = (long long)time(nullptr);
  return v;
}

// exp=: fetched and expanded here (libspf2 turns spaces into '%').
SPF_errcode_t layer_get_exp(SPF_server_t* server, const char* domain_c, char** buf, size_t* buf_len) {
  Layer& l = *layer_of(server);
  std::string domain = fit_name(domain_c ? domain_c : "");
  if (!(l.request->explain & (1u << unsigned(Result::fail))) || !dns_name_ok(domain)) return SPF_E_NOT_SPF;
  Answer a = query(l, domain, RRType::txt);
  // RFC 7208 6.2: no record, several records, an error or bad syntax: the default.
  if (a.status != Lookup::found || a.records.size() != 1) return SPF_E_NOT_SPF;
  const std::string& text = a.records.front();
  if (text.size() > kMaxRecord || !valid_macro_string(text, true)) return SPF_E_NOT_SPF;
  std::string cur = l.spf_request && l.spf_request->cur_dom ? l.spf_request->cur_dom : "";
  MacroValues v = macro_values(l, cur);
  if (text.find("%{p") != std::string::npos || text.find("%{P") != std::string::npos)
    v.validated = validated_name(l, cur);
  std::string out = expand_macros(text, v, kMaxExp);
  if (out.size() + 1 > *buf_len) {
    char* bigger = static_cast<char*>(std::realloc(*buf, out.size() + 1));
    if (!bigger) return SPF_E_NO_MEMORY;
    *buf = bigger;
    *buf_len = out.size() + 1;
  }
  std::memcpy(*buf, out.c_str(), out.size() + 1);
  l.last_exp = out;
  return SPF_E_SUCCESS;
}

struct ServerFree {
  void operator()(SPF_server_t* s) const { SPF_server_free(s); }
};
struct RequestFree {
  void operator()(SPF_request_t* r) const { SPF_request_free(r); }
};
struct ResponseFree {
  void operator()(SPF_response_t* r) const { SPF_response_free(r); }
};

bool has_dns_error(SPF_response_t* resp) {
  for (int i = 0; i < SPF_response_messages(resp); ++i)
    if (SPF_error_code(SPF_response_message(resp, i)) == SPF_E_DNS_ERROR) return true;
  return SPF_response_errcode(resp) == SPF_E_DNS_ERROR;
}

// libspf2 prints its errors to stderr by default; the check logs its own.
void quiet_handler(const char*, int, const char*) {}

}  // namespace

const char* result_name(Result r) {
  static const char* const names[] = {"none", "neutral", "pass", "fail", "softfail", "temperror", "permerror"};
  return names[unsigned(r)];
}

const char* qmail_name(Result r) {
  static const char* const names[] = {"none", "neutral", "pass", "fail", "softfail", "error", "unknown"};
  return names[unsigned(r)];
}

std::string default_explanation(const Request& request, const Outcome& outcome) {
  MacroValues v;
  v.sender = outcome.sender;
  v.domain = outcome.domain;
  v.ip = outcome.ip.empty() ? request.ip : outcome.ip;
  v.ipv6 = v.ip.find(':') != std::string::npos;
  v.helo = request.helo;
  v.receiver = request.receiver;
  v.source = outcome.local_policy ? "local policy" : "SPF record at " + outcome.domain;
  v.error = outcome.reason;
  v.now = (long long)time(nullptr);
  return expand_macros(request.default_exp, v, kMaxExp);
}

bool is_own_address(const std::string& ip, const std::vector<std::string>& own) {
  unsigned char a[16], b[16];
  if (inet_pton(AF_INET, ip.c_str(), a) == 1) {
    if (a[0] == 127) return true;
    for (const auto& o : own)
      if (inet_pton(AF_INET, o.c_str(), b) == 1 && std::memcmp(a, b, 4) == 0) return true;
    return false;
  }
  if (inet_pton(AF_INET6, ip.c_str(), a) != 1) return false;
  static const unsigned char loop[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  static const unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(a, loop, 16) == 0) return true;
  if (std::memcmp(a, mapped, 12) == 0 && a[12] == 127) return true;
  for (const auto& o : own)
    if (inet_pton(AF_INET6, o.c_str(), b) == 1 && std::memcmp(a, b, 16) == 0) return true;
  return false;
}

Outcome evaluate(const Request& request, Resolver& dns) {
  static const bool handlers = [] {
    SPF_warning_handler = quiet_handler;
    SPF_info_handler = quiet_handler;
    SPF_debug_handler = quiet_handler;
    return true;
  }();
  (void)handlers;
  Outcome out;
  // The identity: MAIL FROM's domain, or the HELO name for <>.
  std::string sender = request.sender;
  if (sender.empty()) {
    out.helo_identity = true;
    std::string helo = request.helo;
    size_t at = helo.rfind('@');
    if (at != std::string::npos) helo = helo.substr(at + 1);
    out.domain = helo;
    sender = "postmaster@" + helo;
  } else {
    size_t at = sender.rfind('@');
    out.domain = at == std::string::npos ? sender : sender.substr(at + 1);
    if (at == 0) sender = "postmaster" + sender;
    else if (at == std::string::npos) sender = "postmaster@" + sender;
  }
  out.sender = sender;
  // The client: IPv4, IPv6, or IPv4-mapped IPv6 (evaluated as the IPv4 client it is).
  struct in_addr v4;
  struct in6_addr v6;
  bool ipv6 = false;
  if (inet_pton(AF_INET, request.ip.c_str(), &v4) == 1) {
    out.ip = request.ip;
  } else if (inet_pton(AF_INET6, request.ip.c_str(), &v6) == 1) {
    if (IN6_IS_ADDR_V4MAPPED(&v6)) {
      std::memcpy(&v4, &v6.s6_addr[12], 4);
      char t[INET_ADDRSTRLEN];
      inet_ntop(AF_INET, &v4, t, sizeof t);
      out.ip = t;
    } else {
      ipv6 = true;
      char t[INET6_ADDRSTRLEN];
      inet_ntop(AF_INET6, &v6, t, sizeof t);
      out.ip = t;
    }
  } else {
    out.result = Result::permerror;
    out.reason = "no IP address in conversation";
    return out;
  }
  // RFC 7208 4.3: a domain that is not a valid FQDN gives none.
  if (!valid_fqdn(out.domain)) {
    out.result = Result::none;
    out.reason = "not a domain name: " + out.domain;
    return out;
  }

  Layer l;
  std::memset(&l.server, 0, sizeof l.server);
  l.server.lookup = layer_lookup;
  l.server.get_spf = layer_get_spf;
  l.server.get_exp = layer_get_exp;
  l.server.name = "sppkit";
  l.dns = &dns;
  l.request = &request;
  l.deadline = now_ms() + (request.timeout_ms > 0 ? request.timeout_ms : 1);
  l.ipv6 = ipv6;
  l.ip = out.ip;
  l.sender = sender;

  std::unique_ptr<SPF_server_t, ServerFree> server(SPF_server_new_dns(&l.server, 0));
  if (!server) {
    out.result = Result::temperror;
    out.reason = "libspf2: out of memory";
    return out;
  }
  SPF_server_set_max_dns_mech(server.get(), 100);  // our layer counts (it also counts include/redirect)
  SPF_server_set_max_dns_mx(server.get(), int(kMaxNames));
  SPF_server_set_max_dns_ptr(server.get(), int(kMaxNames));
  if (!request.receiver.empty()) SPF_server_set_rec_dom(server.get(), request.receiver.c_str());
  std::unique_ptr<SPF_request_t, RequestFree> req(SPF_request_new(server.get()));
  if (!req) {
    out.result = Result::temperror;
    out.reason = "libspf2: out of memory";
    return out;
  }
  if (ipv6) SPF_request_set_ipv6(req.get(), v6);
  else SPF_request_set_ipv4(req.get(), v4);
  std::string helo = request.helo.empty() ? out.domain : request.helo;
  SPF_request_set_helo_dom(req.get(), helo.c_str());
  SPF_request_set_env_from(req.get(), sender.c_str());
  l.spf_request = req.get();
  SPF_response_t* raw = nullptr;
  SPF_request_query_mailfrom(req.get(), &raw);
  std::unique_ptr<SPF_response_t, ResponseFree> resp(raw);
  out.lookups = l.terms > kMaxDnsTerms ? kMaxDnsTerms : l.terms;
  if (!resp) {
    out.result = Result::temperror;
    out.reason = "libspf2: out of memory";
    return out;
  }
  SPF_result_t r = SPF_response_result(resp.get());
  if (l.perm) {
    out.result = Result::permerror;
  } else if (l.temp) {
    out.result = Result::temperror;
  } else {
    switch (r) {
      case SPF_RESULT_PASS: out.result = Result::pass; break;
      case SPF_RESULT_FAIL: out.result = Result::fail; break;
      case SPF_RESULT_SOFTFAIL: out.result = Result::softfail; break;
      case SPF_RESULT_NEUTRAL: out.result = Result::neutral; break;
      case SPF_RESULT_NONE: out.result = Result::none; break;
      case SPF_RESULT_TEMPERROR: out.result = Result::temperror; break;
      case SPF_RESULT_PERMERROR: out.result = Result::permerror; break;
      default: out.result = has_dns_error(resp.get()) ? Result::temperror : Result::permerror; break;
    }
  }
  out.reason = l.why;
  if (out.reason.empty() && (out.result == Result::permerror || out.result == Result::temperror)) {
    SPF_errcode_t e = SPF_response_errcode(resp.get());
    out.reason = e == SPF_E_DNS_ERROR ? "DNS problem" : SPF_strerror(e);
  }
  if (l.used_guess) {
    out.local_policy = true;
    // qmail-spf: nothing matched in the guess, or a DNS error in it, is none.
    if ((out.result == Result::neutral && SPF_response_reason(resp.get()) == SPF_REASON_DEFAULT) ||
        out.result == Result::temperror)
      out.result = Result::none;
  }
  if (request.explain & (1u << unsigned(out.result))) {
    const char* e = resp->explanation;
    if (out.result == Result::fail && e && *e && l.last_exp == e) {
      out.explanation = l.last_exp;
    } else if (!request.default_exp.empty()) {
      MacroValues v = macro_values(l, out.domain);
      v.source = out.local_policy ? "local policy" : "SPF record at " + out.domain;
      if (request.default_exp.find("%{p") != std::string::npos ||
          request.default_exp.find("%{P") != std::string::npos)
        v.validated = validated_name(l, out.domain);
      out.explanation = expand_macros(request.default_exp, v, kMaxExp);
    }
  }
  return out;
}

}  // namespace spp::spf
