/* bncopt_fuzz.c -- libFuzzer target for the pure functions of bncopt.c.
 *
 * Input: byte 0 = valmax (1..64), byte 1 = outmax (0..63), byte 2 =
 * length of the name (0..15), then the name, then the control/options
 * text (hostile: NULs, no LF, long lines).  Invariants, abort() on
 * violation: bncopt_parse and bncopt_firstline never write past valmax
 * (guard bytes), a value is NUL-terminated, holds no LF and no trailing
 * white space, and parse returns the value of the last matching line;
 * bncopt_scannum accepts only digits up to max; bncopt_printable emits
 * bytes 32..126 only, NUL-terminated, within outmax.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bncopt.h"

#define GUARD 16

static void check_value(const char *val, unsigned int valmax)
{
  size_t n = strnlen(val, valmax);
  if (n >= valmax) abort();                     /* NUL-terminated inside */
  if (memchr(val, '\n', n)) abort();
  if (n && (val[n - 1] == ' ' || val[n - 1] == '\t' || val[n - 1] == '\r'))
    abort();
}

static void check_guard(const unsigned char *g)
{
  int i;
  for (i = 0; i < GUARD; ++i) if (g[i] != 0xa5) abort();
}

/* reference: the last line "name=value" (name at a line start after
 * blanks, not a comment); 1 and its value bounds, or 0 */
static int last_match(const char *buf, unsigned int len, const char *name,
                      unsigned int *vpos, unsigned int *vlen)
{
  unsigned int namelen = strlen(name);
  unsigned int pos = 0;
  int found = 0;

  while (pos < len) {
    unsigned int end = pos, i, k;
    while (end < len && buf[end] != '\n') ++end;
    for (i = pos; i < end && strchr(" \t\r\v\f", buf[i]) && buf[i]; ++i) ;
    if (i < end && buf[i] != '#' && end - i > namelen && !memcmp(buf + i, name, namelen)) {
      for (k = i + namelen; k < end && buf[k] && strchr(" \t\r\v\f", buf[k]); ++k) ;
      if (k < end && buf[k] == '=') {
        for (++k; k < end && buf[k] && strchr(" \t\r\v\f", buf[k]); ++k) ;
        *vpos = k;
        *vlen = end - k;
        found = 1;
      }
    }
    pos = end + 1;
  }
  return found;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  unsigned char vbuf[64 + GUARD];
  unsigned char pbuf[64 + GUARD];
  char name[16];
  char *text;
  unsigned int valmax, outmax, namelen, len, vpos = 0, vlen = 0, i;
  unsigned long n;
  int r;

  if (size < 3) return 0;
  valmax = 1 + data[0] % 64;
  outmax = data[1] % 64;
  namelen = data[2] % 16;
  if (size < 3 + namelen) return 0;
  memcpy(name, data + 3, namelen);
  name[namelen] = 0;
  namelen = strlen(name);                       /* a NUL ends the name */
  len = (unsigned int) (size - 3 - (data[2] % 16));
  text = malloc(len + 1);
  if (!text) return 0;
  memcpy(text, data + size - len, len);
  text[len] = 0;

  memset(vbuf, 0xa5, sizeof vbuf);
  r = bncopt_parse(text, len, name, (char *) vbuf, valmax);
  check_guard(vbuf + valmax);
  if (r < -1 || r > 1) abort();
  if (namelen && last_match(text, len, name, &vpos, &vlen) != (r != 0)) abort();
  if (r == 1) {
    size_t k = strlen((char *) vbuf);
    check_value((char *) vbuf, valmax);
    /* the value is the (trimmed) last match, byte for byte */
    if (namelen && (k > vlen || memcmp(vbuf, text + vpos, k))) abort();
  }

  memset(vbuf, 0xa5, sizeof vbuf);
  r = bncopt_firstline(text, len, (char *) vbuf, valmax);
  check_guard(vbuf + valmax);
  if (r == 0 && vbuf[0]) abort();
  if (r >= 0) check_value((char *) vbuf, valmax);

  if (bncopt_scannum(text, (unsigned long) valmax * 1000, &n)) {
    if (!text[0] || n > (unsigned long) valmax * 1000) abort();
    for (i = 0; text[i]; ++i) if (text[i] < '0' || text[i] > '9') abort();
    if (strtoul(text, 0, 10) != n) abort();
  }

  memset(pbuf, 0xa5, sizeof pbuf);
  bncopt_printable(text, (char *) pbuf, outmax);
  check_guard(pbuf + outmax);
  if (outmax) {
    size_t k = strnlen((char *) pbuf, outmax);
    size_t want = strlen(text) < outmax - 1 ? strlen(text) : outmax - 1;
    if (k != want) abort();
    for (i = 0; i < k; ++i) if (pbuf[i] < 32 || pbuf[i] > 126) abort();
  }
  free(text);
  return 0;
}
