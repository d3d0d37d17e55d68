/* bnctext.c -- sppkit bounce patches: custom bounce subject and text.
 * Contract: bnctext.h.  Both results keep the bounce valid QSBMF: the
 * body still starts "Hi. This is the", the custom text never contains a
 * blank line (which would end the intro paragraph early), and the subject
 * is one header line (folded only between encoded words).
 */
#ifndef BNCTEXT_C
#define BNCTEXT_C

#include <stdlib.h>
#include <string.h>
#include "bncopt.h"  /* the program #includes bncopt.c too */
#include "bnctext.h"

static const char bnctext_b64[] =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* append base64 of s[0..n) to out at *o; caller guarantees room */
static void bnctext_base64(const unsigned char *s, unsigned int n, char *out,
                           unsigned int *o)
{
  unsigned int i;

  for (i = 0; i + 2 < n; i += 3) {
    out[(*o)++] = bnctext_b64[s[i] >> 2];
    out[(*o)++] = bnctext_b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
    out[(*o)++] = bnctext_b64[((s[i + 1] & 15) << 2) | (s[i + 2] >> 6)];
    out[(*o)++] = bnctext_b64[s[i + 2] & 63];
  }
  if (n - i == 1) {
    out[(*o)++] = bnctext_b64[s[i] >> 2];
    out[(*o)++] = bnctext_b64[(s[i] & 3) << 4];
    out[(*o)++] = '=';
    out[(*o)++] = '=';
  } else if (n - i == 2) {
    out[(*o)++] = bnctext_b64[s[i] >> 2];
    out[(*o)++] = bnctext_b64[((s[i] & 3) << 4) | (s[i + 1] >> 4)];
    out[(*o)++] = bnctext_b64[(s[i + 1] & 15) << 2];
    out[(*o)++] = '=';
  }
}

/* length of a prefix of s[0..n) that is at most max and ends on a UTF-8
 * character boundary (never before a continuation byte) */
static unsigned int bnctext_utf8cut(const unsigned char *s, unsigned int n,
                                    unsigned int max)
{
  unsigned int k;

  if (n <= max) return n;
  k = max;
  while (k > 0 && (s[k] & 0xc0) == 0x80) --k;
  return k ? k : max;
}

int bnctext_subject(const char *in, unsigned int len, char *out,
                    unsigned int outmax)
{
  unsigned char raw[BNCTEXT_SUBJRAW + 1];
  unsigned int n = 0;
  unsigned int i;
  unsigned int o = 0;
  int flag8bit = 0;

  if (!outmax) return 0;
  out[0] = 0;  /* 0 leaves an empty string, whatever outmax is */
  if (outmax < 2) return 0;
  for (i = 0; i < len && in[i] != '\n' && n < sizeof raw; ++i) {
    unsigned char c = (unsigned char) in[i];
    if (c == '\t') c = ' ';
    if (c < 32 || c == 127) continue;
    if (c == ' ' && (n == 0 || raw[n - 1] == ' ')) continue;
    if (c > 127) flag8bit = 1;
    raw[n++] = c;
  }
  n = bnctext_utf8cut(raw, n, BNCTEXT_SUBJRAW);
  while (n && raw[n - 1] == ' ') --n;
  if (!n) return 0;

  if (!flag8bit) {
    if (n + 1 > outmax) return 0;
    memcpy(out, raw, n);
    out[n] = 0;
    return 1;
  }
  /* encoded words of at most BNCTEXT_WORDRAW raw bytes, one per line */
  i = 0;
  while (i < n) {
    unsigned int k = bnctext_utf8cut(raw + i, n - i, BNCTEXT_WORDRAW);
    if (o + 2 + BNCTEXT_WORDMAX + 1 > outmax) { out[0] = 0; return 0; }
    if (i) { out[o++] = '\n'; out[o++] = ' '; }
    memcpy(out + o, "=?UTF-8?B?", 10);
    o += 10;
    bnctext_base64(raw + i, k, out, &o);
    out[o++] = '?';
    out[o++] = '=';
    i += k;
  }
  out[o] = 0;
  return 1;
}

int bnctext_message(const char *in, unsigned int len, char *out,
                    unsigned int outmax)
{
  unsigned int pos = 0;
  unsigned int o = 0;

  if (outmax < 1) return 0;
  if (len > BNCTEXT_MSGRAW) len = BNCTEXT_MSGRAW;
  while (pos < len) {
    unsigned int end = pos;
    unsigned int start;
    unsigned int i;

    while (end < len && in[end] != '\n') ++end;
    start = o;
    for (i = pos; i < end; ++i) {
      unsigned char c = (unsigned char) in[i];
      if (c == '\r') continue;
      if (c == '\t') c = ' ';
      if (c < 32 || c == 127) c = '?';
      if (o + 2 >= outmax) { o = start; goto done; }
      out[o++] = (char) c;
    }
    while (o > start && out[o - 1] == ' ') --o;
    if (o > start) out[o++] = '\n';
    pos = end + 1;
  }
 done:
  out[o] = 0;
  return o > 0;
}

int bnctext_read(const char *dir, const char *name, int flagsubject,
                 char *out, unsigned int outmax)
{
  char *buf;
  unsigned int len;
  int r;

  out[0] = 0;
  bncopt_why[0] = 0;
  /* only the first BNCTEXT_MSGRAW bytes count: a longer file is cut */
  r = bncopt_readcontrol(dir, name, BNCTEXT_MSGRAW, 1, &buf, &len);
  if (r != BNCSTAT_FOUND) return r;
  if (flagsubject) r = bnctext_subject(buf, len, out, outmax);
  else r = bnctext_message(buf, len, out, outmax);
  free(buf);
  return r;
}

int bnctext_readall(const char *dir, struct bnctext *t)
{
  static const char *subj[2] = { "bouncesubject", "doublebouncesubject" };
  static const char *msg[2] = { "bouncemessage", "doublebouncemessage" };
  char why[BNCOPT_WHYMAX];
  int r = 0;
  int i;

  why[0] = 0;
  for (i = 0; i < 2; ++i) {
    if (bnctext_read(dir, subj[i], 1, t->subject[i], BNCTEXT_SUBJMAX) < 0) {
      r = -1;
      memcpy(why, bncopt_why, sizeof why);
    }
    if (bnctext_read(dir, msg[i], 0, t->message[i], BNCTEXT_MSGMAX) < 0) {
      r = -1;
      memcpy(why, bncopt_why, sizeof why);
    }
  }
  memcpy(bncopt_why, why, sizeof why);
  return r;
}

const char *bnctext_subj(const struct bnctext *t, int flagdouble)
{
  const char *s = t->subject[flagdouble ? 1 : 0];
  return *s ? s : "failure notice";
}

const char *bnctext_msg(const struct bnctext *t, int flagdouble)
{
  const char *s = t->message[flagdouble ? 1 : 0];
  return *s ? s : 0;
}

#endif
