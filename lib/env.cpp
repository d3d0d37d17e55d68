#include "env.h"

#include "escape.h"
#include "reply.h"  // clean_text: the form S stored

#include <cstring>

namespace spp {

Env Env::from_environ(char* const* envp) {
  Env env;
  for (char* const* p = envp; p && *p; ++p) {
    const char* eq = std::strchr(*p, '=');
    if (!eq) continue;  // not NAME=VALUE: execve allows it, getenv ignores it, so do we
    env.vars_.emplace(std::string(*p, eq - *p), std::string(eq + 1));
  }
  return env;
}

std::optional<std::string_view> Env::get(std::string_view name) const {
  auto it = vars_.find(name);
  if (it == vars_.end()) return std::nullopt;
  return std::string_view(it->second);
}

void Env::set(std::string_view name, std::string_view value) {
  vars_.insert_or_assign(std::string(name), std::string(value));
}

void Env::unset(std::string_view name) {
  auto it = vars_.find(name);
  if (it != vars_.end()) vars_.erase(it);
}

std::optional<std::string_view> Env::remote_ip() const {
  if (auto ip = get("TCPREMOTEIP"); ip && !ip->empty()) return ip;
  if (auto ip = get("TCP6REMOTEIP"); ip && !ip->empty()) return ip;
  return std::nullopt;
}

std::optional<unsigned long> parse_ulong(std::string_view text) {
  if (text.empty() || text.size() > 18) return std::nullopt;
  unsigned long n = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    n = n * 10 + unsigned(c - '0');
  }
  return n;
}

std::string lower_ascii(std::string_view text) {
  std::string out(text);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  return out;
}

std::optional<unsigned long> Env::rcpt_count() const {
  auto v = get("SMTPRCPTCOUNT");
  return v ? parse_ulong(*v) : std::nullopt;
}

std::optional<unsigned long> Env::rcpt_count_all() const {
  auto v = get("SMTPRCPTCOUNTALL");
  return v ? parse_ulong(*v) : std::nullopt;
}

std::optional<bool> Env::rcpthosts_ok() const {
  auto v = get("SMTPRCPTHOSTSOK");
  if (v == "1") return true;
  if (v == "0") return false;
  return std::nullopt;
}

bool Env::trusted_client() const {
  // RELAYCLIENT counts when set, even empty (qmail semantics).
  return relay_client() || authenticated();
}

bool Env::authenticated() const {
  // SMTPAUTHUSER is set by the spp auth variants after the credentials were
  // verified, before the [auth] plugins run, and stays set when one refuses.
  auto user = auth_user();
  if (!user || user->empty()) return false;
  auto recorded = get(kAuthMarker);
  if (!recorded) return true;  // spp does not run under [auth]: nothing better to go by
  return !recorded->empty() && *recorded == auth_marker(*user);
}

std::string auth_marker(std::string_view login) {
  std::string m = escape_bytes(login);
  return m.size() > kMaxAuthMarker ? std::string() : m;
}

#ifndef SPP_QMAILDIR
#define SPP_QMAILDIR "/var/qmail"
#endif
const char* const kBuiltQmailHome = SPP_QMAILDIR;

std::optional<std::string_view> Env::marker(std::string_view name, std::string_view subject) const {
  auto v = get(name);
  if (!v) return std::nullopt;
  size_t sp = v->find(' ');
  if (sp == std::string_view::npos) return std::nullopt;
  std::string word(v->substr(0, sp));
  if (*v != clean_text(word + " " + std::string(subject))) return std::nullopt;
  return v->substr(0, sp);
}

std::string qmail_home(const Env& env, std::string_view fallback) {
  auto dir = env.get("QMAILDIR");
  return dir && !dir->empty() ? std::string(*dir) : std::string(fallback);
}

}  // namespace spp
