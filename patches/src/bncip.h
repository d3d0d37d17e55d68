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

#define BNCIP_NONE 0   /* no bind: stock */
#define BNCIP_BIND 1   /* bind to ip[] */
#define BNCIP_BAD -1   /* the control is not an IPv4 address: defer */
#define BNCIP_ERROR -2 /* the control cannot be read: defer */

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
