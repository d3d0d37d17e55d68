/* dnsdelay: a UDP DNS proxy that holds back the replies for some zones.
 *   dnsdelay LISTEN_IP PORT UPSTREAM_IP UPSTREAM_PORT DELAY_MS [SUFFIX ...]
 * Forwards every query to the upstream server (rbldnsd, dnsmasq) and sends
 * the reply back; replies to names ending in one of the SUFFIXes (all names
 * when none is given) are sent DELAY_MS later. Lets a test or a benchmark
 * make one DNSBL zone slow while the others answer at once. Test-only.
 * A SUFFIX of the form =NAME[/T1,T2...] matches NAME exactly (any case) and
 * holds back every query type except the listed ones (numbers): the SPF
 * suite's TIMEOUT for a name that still answers its other records. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SLOTS 65536
#define HELD 1024

struct origin { struct sockaddr_in from; unsigned short id; int used; int slow; };
struct held { long long due; struct sockaddr_in to; int len; unsigned char buf[1500]; };

static struct origin origins[SLOTS];
static struct held holds[HELD];
static int nheld;

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The question name, lower-cased and dotted, or "" if the packet is odd;
 * *qtype gets the question type (0 when odd). */
static void qname(const unsigned char *p, int len, char *out, int outlen, int *qtype) {
  int i = 12, o = 0;
  out[0] = 0;
  *qtype = 0;
  while (i < len && p[i]) {
    int l = p[i++];
    if (l > 63 || i + l > len || o + l + 2 > outlen) { out[0] = 0; return; }
    if (o) out[o++] = '.';
    while (l--) out[o++] = (char)tolower(p[i++]);
  }
  out[o] = 0;
  if (i + 2 < len) *qtype = p[i + 1] << 8 | p[i + 2];
}

/* "=NAME/T1,T2": NAME exactly, every type but T1, T2, ... */
static int exact_slow(const char *name, int qtype, const char *spec) {
  const char *slash = strchr(spec, '/');
  size_t n = slash ? (size_t)(slash - spec) : strlen(spec);
  if (strlen(name) != n || strncasecmp(name, spec, n) != 0) return 0;
  for (const char *t = slash; t; t = strchr(t + 1, ','))
    if (atoi(t + 1) == qtype) return 0;
  return 1;
}

static int is_slow(const char *name, int qtype, int nsuffix, char **suffix) {
  size_t n = strlen(name);
  if (nsuffix == 0) return 1;
  for (int k = 0; k < nsuffix; ++k) {
    if (suffix[k][0] == '=') {
      if (exact_slow(name, qtype, suffix[k] + 1)) return 1;
      continue;
    }
    size_t s = strlen(suffix[k]);
    if (n >= s && strcasecmp(name + n - s, suffix[k]) == 0 && (n == s || name[n - s - 1] == '.')) return 1;
  }
  return 0;
}

static int udp_socket(const char *ip, int port, int do_bind) {
  struct sockaddr_in a;
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  memset(&a, 0, sizeof a);
  a.sin_family = AF_INET;
  a.sin_port = htons((unsigned short)port);
  if (fd < 0 || inet_pton(AF_INET, ip, &a.sin_addr) != 1) return -1;
  if (do_bind ? bind(fd, (struct sockaddr *)&a, sizeof a) : connect(fd, (struct sockaddr *)&a, sizeof a)) return -1;
  return fd;
}

int main(int argc, char **argv) {
  if (argc < 6) {
    fprintf(stderr, "usage: dnsdelay LISTEN_IP PORT UPSTREAM_IP UPSTREAM_PORT DELAY_MS [SUFFIX ...]\n");
    return 100;
  }
  int front = udp_socket(argv[1], atoi(argv[2]), 1);
  int back = udp_socket(argv[3], atoi(argv[4]), 0);
  long long delay = atoll(argv[5]);
  unsigned short next_id = 1;
  if (front < 0 || back < 0) { perror("dnsdelay: socket"); return 111; }
  for (;;) {
    long long now = now_ms();
    int wait = -1;
    for (int h = 0; h < nheld; ++h) {
      if (holds[h].due <= now) {
        sendto(front, holds[h].buf, holds[h].len, 0, (struct sockaddr *)&holds[h].to, sizeof holds[h].to);
        holds[h--] = holds[--nheld];
        continue;
      }
      if (wait < 0 || holds[h].due - now < wait) wait = (int)(holds[h].due - now);
    }
    struct pollfd fds[2] = {{front, POLLIN, 0}, {back, POLLIN, 0}};
    if (poll(fds, 2, wait) <= 0) continue;
    unsigned char buf[1500];
    if (fds[0].revents & POLLIN) { /* a query from a client */
      struct sockaddr_in from;
      socklen_t fl = sizeof from;
      int n = (int)recvfrom(front, buf, sizeof buf, 0, (struct sockaddr *)&from, &fl);
      if (n >= 12) {
        char name[300];
        int qtype;
        unsigned short id = next_id++;
        struct origin *o = &origins[id];
        qname(buf, n, name, sizeof name, &qtype);
        o->from = from;
        o->id = (unsigned short)(buf[0] << 8 | buf[1]);
        o->used = 1;
        o->slow = is_slow(name, qtype, argc - 6, argv + 6);
        buf[0] = (unsigned char)(id >> 8);
        buf[1] = (unsigned char)id;
        send(back, buf, n, 0);
      }
    }
    if (fds[1].revents & POLLIN) { /* a reply from upstream */
      int n = (int)recv(back, buf, sizeof buf, 0);
      if (n < 12) continue;
      struct origin *o = &origins[buf[0] << 8 | buf[1]];
      if (!o->used) continue;
      o->used = 0;
      buf[0] = (unsigned char)(o->id >> 8);
      buf[1] = (unsigned char)o->id;
      if (o->slow && delay > 0 && nheld < HELD) {
        struct held *h = &holds[nheld++];
        h->due = now_ms() + delay;
        h->to = o->from;
        h->len = n;
        memcpy(h->buf, buf, (size_t)n);
      } else {
        sendto(front, buf, n, 0, (struct sockaddr *)&o->from, sizeof o->from);
      }
    }
  }
}
