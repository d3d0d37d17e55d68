/* bncip.c -- sppkit bounce patches: source address for qmail-remote.
 *
 * Contract: see bncip.h.  A bad or unreadable control makes qmail-remote
 * defer with a report naming the control and its value, never connect
 * from an address the operator did not ask for.  bind() failing (the
 * address is not configured on this host: EADDRNOTAVAIL) is also a
 * temporary error naming the address; it is not a "can't connect", so it
 * does not touch lock/tcpto.  IPv4 only, as qmail-remote.
 */
#ifndef BNCIP_C
#define BNCIP_C

#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <string.h>
#include "bncopt.h"  /* the program #includes bncopt.c too */
#include "bncip.h"

int bncip_isbounce(const char *sender)
{
  return !*sender || !strcmp(sender, "#@[]");
}

int bncip_scan(const char *s, unsigned char ip[4])
{
  int i;

  for (i = 0; i < 4; ++i) {
    unsigned int v = 0;
    int digits = 0;

    if (i) {
      if (*s != '.') return 0;
      ++s;
    }
    while (*s >= '0' && *s <= '9') {
      v = v * 10 + (unsigned int) (*s++ - '0');
      if (++digits > 3 || v > 255) return 0;
    }
    if (!digits) return 0;
    ip[i] = (unsigned char) v;
  }
  return *s == 0;
}

static int bncip_lookup(const char *dir, const char *name, struct bncip *b)
{
  char val[BNCOPT_VALMAX];
  int r;

  b->control = name;
  b->text[0] = 0;
  r = bncopt_get(dir, name, val, sizeof val);
  if (r != BNCSTAT_FOUND) return r;
  bncopt_printable(val, b->text, sizeof b->text);
  if (!bncip_scan(val, b->ip)) return BNCSTAT_BAD;
  if (!b->ip[0] && !b->ip[1] && !b->ip[2] && !b->ip[3]) return BNCSTAT_ABSENT;
  return BNCSTAT_FOUND;
}

int bncip_choose(const char *dir, const char *sender, struct bncip *b)
{
  int r;

  if (bncip_isbounce(sender)) {
    r = bncip_lookup(dir, "bouncingip", b);
    if (r != BNCSTAT_ABSENT || b->text[0]) return r;  /* set, even to 0.0.0.0 */
  }
  return bncip_lookup(dir, "outgoingip", b);
}

int bncip_bind(int fd, const struct bncip *b)
{
  struct sockaddr_in sa;

  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = 0;
  memcpy(&sa.sin_addr, b->ip, 4);
  return bind(fd, (struct sockaddr *) &sa, sizeof sa);
}

#endif
