/* bncip.h -- sppkit bounce patches: source address for qmail-remote.
 *
 * qmail-remote binds its socket to control/bouncingip when the envelope
 * sender is empty (a bounce) or "#@[]" (a double bounce), and to
 * control/outgoingip for any other sender; a bounce falls back to
 * outgoingip when bouncingip is unset.  Unset, empty or 0.0.0.0 means
 * "let the kernel choose" (stock behaviour).
 */
#ifndef BNCIP_H
#define BNCIP_H

#include "bncstat.h"
/* bncip_choose: BNCSTAT_FOUND bind to ip[]; BNCSTAT_ABSENT no bind
 * (stock); BNCSTAT_BAD the control is not an IPv4 address, BNCSTAT_ERROR
 * it cannot be read: qmail-remote defers */

struct bncip {
  unsigned char ip[4];
  const char *control;  /* "bouncingip" or "outgoingip" */
  char text[64];        /* the address as written (printable, cut) */
};

/* pure: 1 if the sender marks a bounce ("" or "#@[]") */
int bncip_isbounce(const char *sender);
/* pure: strict dotted quad a.b.c.d, each 0..255, nothing else; 1 ok, 0 not */
int bncip_scan(const char *s, unsigned char ip[4]);
/* look up the address for SENDER under DIR (the qmail home) */
int bncip_choose(const char *dir, const char *sender, struct bncip *b);
/* bind FD to b->ip, port 0; 0 ok, -1 with errno */
int bncip_bind(int fd, const struct bncip *b);

#endif
