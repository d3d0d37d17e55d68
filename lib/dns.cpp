// dns: reverse-name builders and the c-ares resolver behind spp::Resolver.
//
// The resolver opens one c-ares channel per resolve() call, sends every query
// at once and drives the sockets with poll() until all answers are in or the
// single deadline passes; whatever is still open then is cancelled and
// reported as an error "timeout". c-ares reads /etc/resolv.conf itself and
// never goes through NSS, which a static binary could not load.
#include "dns.h"

#include "clock.h"

#include <ares.h>
#include <arpa/inet.h>
#include <netdb.h>  // struct hostent only; no NSS function is called
#include <netinet/in.h>
#include <poll.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace spp {

// --- reverse names -------------------------------------------------------

namespace {

constexpr char kHex[] = "0123456789abcdef";

// inet_pton needs a NUL-terminated string; an address is never this long.
bool parse_address(std::string_view ip, int family, unsigned char* out) {
  char buf[INET6_ADDRSTRLEN + 1];
  if (ip.empty() || ip.size() >= sizeof buf) return false;
  std::memcpy(buf, ip.data(), ip.size());
  buf[ip.size()] = '\0';
  return inet_pton(family, buf, out) == 1;
}

std::string reversed_octets(const unsigned char* v4) {
  std::string out;
  for (int i = 3; i >= 0; --i) {
    if (i != 3) out += '.';
    out += std::to_string(v4[i]);
  }
  return out;
}

std::string reversed_nibbles(const unsigned char* v6) {
  std::string out;
  out.reserve(63);
  for (int i = 15; i >= 0; --i) {
    if (i != 15) out += '.';
    out += kHex[v6[i] & 0x0f];
    out += '.';
    out += kHex[v6[i] >> 4];
  }
  return out;
}

// ::ffff:a.b.c.d — an IPv4 client seen through an IPv6 socket.
bool is_v4_mapped(const unsigned char* v6) {
  static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(v6, prefix, sizeof prefix) == 0;
}

// The reversed labels for a lookup about a client address, and whether they
// are IPv4 octets (an IPv4-mapped IPv6 address counts as the IPv4 client it is).
std::optional<std::pair<std::string, bool>> reverse_client(std::string_view ip) {
  unsigned char addr[16];
  if (parse_address(ip, AF_INET, addr)) return std::make_pair(reversed_octets(addr), true);
  if (!parse_address(ip, AF_INET6, addr)) return std::nullopt;
  if (is_v4_mapped(addr)) return std::make_pair(reversed_octets(addr + 12), true);
  return std::make_pair(reversed_nibbles(addr), false);
}

}  // namespace

std::optional<std::string> reverse_ipv4(std::string_view ip) {
  unsigned char addr[4];
  if (!parse_address(ip, AF_INET, addr)) return std::nullopt;
  return reversed_octets(addr);
}

std::optional<std::string> reverse_ipv6_nibbles(std::string_view ip) {
  unsigned char addr[16];
  if (!parse_address(ip, AF_INET6, addr)) return std::nullopt;
  return reversed_nibbles(addr);
}

std::optional<std::string> dnsbl_query_name(std::string_view ip, std::string_view zone) {
  while (!zone.empty() && zone.back() == '.') zone.remove_suffix(1);
  if (zone.empty()) return std::nullopt;
  auto rev = reverse_client(ip);
  if (!rev) return std::nullopt;
  return rev->first + '.' + std::string(zone);
}

std::optional<std::string> ptr_query_name(std::string_view ip) {
  auto rev = reverse_client(ip);
  if (!rev) return std::nullopt;
  return rev->first + (rev->second ? ".in-addr.arpa" : ".ip6.arpa");
}

// --- c-ares --------------------------------------------------------------

namespace {

int ares_type(RRType t) {
  switch (t) {
    case RRType::a: return 1;
    case RRType::aaaa: return 28;
    case RRType::txt: return 16;
    case RRType::mx: return 15;
    case RRType::ptr: return 12;
  }
  return 1;
}

std::string status_text(int status) {
  switch (status) {
    case ARES_ETIMEOUT:
    case ARES_ECANCELLED:
    case ARES_EDESTRUCTION: return "timeout";
    case ARES_ESERVFAIL: return "SERVFAIL";
    case ARES_EREFUSED: return "REFUSED";
    case ARES_ECONNREFUSED: return "connection refused";
    default: return ares_strerror(status);
  }
}

Answer temp_fail(std::string why) { return Answer{Lookup::error, {}, std::move(why)}; }

// A and AAAA records of the answer section, as text. Done here rather than
// with ares_parse_a_reply, whose object drags ares_getaddrinfo (and its
// getservbyname) into the static binary. (ares_init still links
// ares_getnameinfo and its getservbyport_r; nothing we call reaches it.)
int parse_addresses(const unsigned char* buf, int len, int rrtype, int size, int family,
                    std::vector<std::string>& out) {
  if (len < 12) return ARES_EBADRESP;
  int questions = buf[4] << 8 | buf[5];
  int answers = buf[6] << 8 | buf[7];
  const unsigned char* p = buf + 12;
  const unsigned char* end = buf + len;
  auto skip_name = [&]() {
    char* name = nullptr;
    long used = 0;
    if (ares_expand_name(p, buf, len, &name, &used) != ARES_SUCCESS) return false;
    ares_free_string(name);
    p += used;
    return p <= end;
  };
  for (int i = 0; i < questions; ++i)
    if (!skip_name() || end - p < 4) return ARES_EBADRESP; else p += 4;
  for (int i = 0; i < answers; ++i) {
    if (!skip_name() || end - p < 10) return ARES_EBADRESP;
    int type = p[0] << 8 | p[1];
    int rdlen = p[8] << 8 | p[9];
    p += 10;
    if (end - p < rdlen) return ARES_EBADRESP;
    // A record of the asked type with a wrong length is a broken reply, not
    // "no such record": skipping it would read as "not listed".
    if (type == rrtype && rdlen != size) return ARES_EBADRESP;
    char text[INET6_ADDRSTRLEN];
    if (type == rrtype && inet_ntop(family, p, text, sizeof text)) out.emplace_back(text);
    p += rdlen;
  }
  return ARES_SUCCESS;
}

}  // namespace

// Turns one successful reply into records; NODATA (no record of the type,
// e.g. only a CNAME) is missing like NXDOMAIN.
Answer parse_reply(RRType type, const unsigned char* buf, size_t size) {
  if (size > 65535) return temp_fail("bad reply: too long");  // no DNS message is
  int len = int(size);
  Answer out{Lookup::found, {}, ""};
  int rc = ARES_SUCCESS;
  switch (type) {
    case RRType::a:
      rc = parse_addresses(buf, len, 1, 4, AF_INET, out.records);
      break;
    case RRType::aaaa:
      rc = parse_addresses(buf, len, 28, 16, AF_INET6, out.records);
      break;
    case RRType::txt: {
      struct ares_txt_ext* txt = nullptr;
      rc = ares_parse_txt_reply_ext(buf, len, &txt);
      for (auto* t = txt; rc == ARES_SUCCESS && t; t = t->next) {
        if (t->record_start || out.records.empty()) out.records.emplace_back();
        out.records.back().append(reinterpret_cast<const char*>(t->txt), t->length);
      }
      if (txt) ares_free_data(txt);
      break;
    }
    case RRType::mx: {
      struct ares_mx_reply* mx = nullptr;
      rc = ares_parse_mx_reply(buf, len, &mx);
      for (auto* m = mx; rc == ARES_SUCCESS && m; m = m->next)
        out.records.push_back(std::to_string(m->priority) + ' ' + m->host);
      if (mx) ares_free_data(mx);
      break;
    }
    case RRType::ptr: {
      // c-ares copies the address into the hostent; we only want the names.
      const unsigned char unused[4] = {0, 0, 0, 0};
      struct hostent* host = nullptr;
      rc = ares_parse_ptr_reply(buf, len, unused, sizeof unused, AF_INET, &host);
      if (rc == ARES_SUCCESS && host) {
        if (host->h_name) out.records.emplace_back(host->h_name);
        for (char** alias = host->h_aliases; alias && *alias; ++alias)
          if (out.records.empty() || out.records.front() != *alias) out.records.emplace_back(*alias);
      }
      if (host) ares_free_hostent(host);
      break;
    }
  }
  if (rc == ARES_ENODATA || (rc == ARES_SUCCESS && out.records.empty()))
    return Answer{Lookup::missing, {}, ""};
  // A malformed reply is a failed lookup (fail mode decides), never "not found".
  if (rc == ARES_EBADRESP) return temp_fail("malformed reply");
  if (rc != ARES_SUCCESS) return temp_fail("bad reply: " + status_text(rc));
  return out;
}

namespace {

struct Pending {
  RRType type;
  Answer* answer;
  int* open;
};

void on_reply(void* arg, int status, int /*timeouts*/, unsigned char* buf, int len) {
  auto* p = static_cast<Pending*>(arg);
  --*p->open;
  if (status == ARES_SUCCESS)
    *p->answer = parse_reply(p->type, buf, len < 0 ? 0 : size_t(len));
  else if (status == ARES_ENOTFOUND || status == ARES_ENODATA)  // NXDOMAIN, NODATA
    *p->answer = Answer{Lookup::missing, {}, ""};
  else
    *p->answer = temp_fail(status_text(status));
}

// Drives the channel until nothing is open or the deadline passes.
void run_until(ares_channel channel, const int& open, long long deadline) {
  while (open > 0) {
    long long left = deadline - now_ms();
    if (left <= 0) return;
    ares_socket_t socks[ARES_GETSOCK_MAXNUM];
    int bits = ares_getsock(channel, socks, ARES_GETSOCK_MAXNUM);
    struct pollfd fds[ARES_GETSOCK_MAXNUM];
    nfds_t n = 0;
    for (int i = 0; i < ARES_GETSOCK_MAXNUM; ++i) {
      short events = 0;
      if (ARES_GETSOCK_READABLE(bits, i)) events |= POLLIN;
      if (ARES_GETSOCK_WRITABLE(bits, i)) events |= POLLOUT;
      if (events) fds[n++] = {socks[i], events, 0};
    }
    struct timeval limit = {static_cast<time_t>(left / 1000), static_cast<suseconds_t>(left % 1000 * 1000)};
    struct timeval tv;
    struct timeval* wait = ares_timeout(channel, &limit, &tv);
    int wait_ms = int(wait->tv_sec * 1000 + (wait->tv_usec + 999) / 1000);
    int ready = poll(fds, n, wait_ms);
    if (ready < 0 && errno != EINTR) return;
    if (ready <= 0) {
      ares_process_fd(channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);  // retransmits, timeouts
      continue;
    }
    for (nfds_t i = 0; i < n; ++i) {
      if (!fds[i].revents) continue;
      bool readable = fds[i].revents & (POLLIN | POLLERR | POLLHUP);
      bool writable = fds[i].revents & POLLOUT;
      ares_process_fd(channel, readable ? fds[i].fd : ARES_SOCKET_BAD, writable ? fds[i].fd : ARES_SOCKET_BAD);
    }
  }
}

class CaresResolver : public Resolver {
 public:
  std::vector<Answer> resolve(const std::vector<Query>& queries, int timeout_ms) override {
    std::vector<Answer> answers(queries.size(), temp_fail("timeout"));
    if (queries.empty()) return answers;
    if (timeout_ms < 1) timeout_ms = 1;
    long long deadline = now_ms() + timeout_ms;

    static const int library = ares_library_init(ARES_LIB_INIT_ALL);
    if (library != ARES_SUCCESS) return fail_all(answers, "c-ares init: " + status_text(library));

    struct ares_options opts;
    std::memset(&opts, 0, sizeof opts);
    // Names are absolute (no search list). The first try gets a third of the
    // budget so a lost UDP packet is retried once or twice; the deadline
    // cuts everything else. NOCHECKRESP: a SERVFAIL or REFUSED answer is final
    // (reported as such) instead of sending the query round the other servers
    // within the same budget. "b" skips reading nsswitch.conf and host.conf.
    opts.flags = ARES_FLAG_NOSEARCH | ARES_FLAG_NOCHECKRESP;
    opts.timeout = timeout_ms / 3 < 50 ? 50 : (timeout_ms / 3 > 2000 ? 2000 : timeout_ms / 3);
    opts.tries = 4;
    char lookups[] = "b";
    opts.lookups = lookups;
    int mask = ARES_OPT_FLAGS | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES | ARES_OPT_LOOKUPS;
    ares_channel channel = nullptr;
    int rc = ares_init_options(&channel, &opts, mask);
    if (rc != ARES_SUCCESS) {
      if (channel) ares_destroy(channel);
      return fail_all(answers, "resolver init: " + status_text(rc));
    }

    int open = int(queries.size());
    std::vector<Pending> pending(queries.size());
    for (size_t i = 0; i < queries.size(); ++i) {
      pending[i] = Pending{queries[i].type, &answers[i], &open};
      ares_query(channel, queries[i].name.c_str(), 1 /* class IN */, ares_type(queries[i].type), on_reply,
                 &pending[i]);
    }
    run_until(channel, open, deadline);
    ares_cancel(channel);  // what is still open becomes "timeout" via on_reply
    ares_destroy(channel);
    return answers;
  }

 private:
  static std::vector<Answer> fail_all(std::vector<Answer>& answers, const std::string& why) {
    for (auto& a : answers) a = temp_fail(why);
    return answers;
  }
};

}  // namespace

std::unique_ptr<Resolver> make_system_resolver() { return std::make_unique<CaresResolver>(); }

}  // namespace spp
