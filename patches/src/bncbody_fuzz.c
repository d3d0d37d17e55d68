/* bncbody_fuzz.c -- libFuzzer target for the bounce body policy, with a
 * structural oracle.
 *
 * Input: byte 0 = policy (0 all, 1 headers, 2 N = byte 1, 3 N = byte 1
 * * 64), byte 2 = feed step, then the original message (hostile: NULs,
 * no final LF, huge lines, broken MIME).  What bncbody.h promises, and
 * abort() on violation:
 *   - all: the output is the input, byte for byte;
 *   - the output does not depend on how the input is cut into feeds;
 *   - not shortened: the output is the input followed only by the
 *     closing delimiters of multiparts left open, each on its own line;
 *   - shortened: the output ends with a blank line and the marker line;
 *   - length: at most the input, plus one LF and one closing delimiter
 *     per open multipart, plus a blank line and the marker;
 *   - headers only: no body line of a plain (non-MIME) message survives.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "bncbody.h"

struct sink {
  char *s;
  size_t len;
  size_t max;
};

static void put(void *ctx, const char *s, unsigned int n)
{
  struct sink *k = ctx;
  if (k->len + n > k->max) abort();             /* past the promised bound */
  memcpy(k->s + k->len, s, n);
  k->len += n;
}

static struct bncbody b;

static int run(const char *in, size_t inlen, int limited, unsigned long limit,
               size_t step, struct sink *k)
{
  size_t pos = 0;

  k->len = 0;
  bncbody_init(&b, limited, limit, put, k);
  while (pos < inlen) {
    size_t n = inlen - pos < step ? inlen - pos : step;
    bncbody_feed(&b, in + pos, (unsigned int) n);
    pos += n;
  }
  bncbody_end(&b);
  return b.cut;
}

/* s[0..n) is made of closing delimiter lines "--X--\n" only */
static int closings_only(const char *s, size_t n)
{
  size_t i = 0;

  while (i < n) {
    const char *lf = memchr(s + i, '\n', n - i);
    size_t e;
    if (!lf) return 0;
    e = (size_t) (lf - s);
    if (e - i < 5 || s[i] != '-' || s[i + 1] != '-' || s[e - 1] != '-'
        || s[e - 2] != '-') return 0;
    i = e + 1;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const char marker[] = BNCBODY_MARKER;
  const size_t ml = sizeof marker - 1;
  struct sink k1, k2;
  const char *in;
  size_t inlen, step, extra;
  unsigned long limit = 0;
  int limited = 1, cut;

  if (size < 3) return 0;
  switch (data[0] % 4) {
    case 0: limited = 0; break;
    case 1: limit = 0; break;
    case 2: limit = data[1]; break;
    default: limit = (unsigned long) data[1] * 64;
  }
  step = 1 + data[2] % 67;
  in = (const char *) data + 3;
  inlen = size - 3;
  extra = BNCBODY_DEPTH * (BNCBODY_BOUNDMAX + 6) + 2 + ml + 1;
  k1.max = k2.max = inlen + extra;
  k1.s = malloc(k1.max + 1);
  k2.s = malloc(k2.max + 1);
  if (!k1.s || !k2.s) abort();

  cut = run(in, inlen, limited, limit, inlen ? inlen : 1, &k1);
  if (run(in, inlen, limited, limit, step, &k2) != cut) abort();
  if (k1.len != k2.len || memcmp(k1.s, k2.s, k1.len)) abort();

  if (!limited) {
    if (k1.len != inlen || memcmp(k1.s, in, inlen)) abort();
  } else if (!cut) {
    size_t t = inlen;
    if (k1.len < inlen || memcmp(k1.s, in, inlen)) abort();
    if (k1.len > inlen) {
      if (inlen && in[inlen - 1] != '\n') {   /* ended with LF first */
        if (k1.s[t] != '\n') abort();
        ++t;
      }
      if (!closings_only(k1.s + t, k1.len - t)) abort();
    }
  } else {
    if (k1.len < ml + 2) abort();
    if (memcmp(k1.s + k1.len - ml, marker, ml)) abort();
    if (k1.s[k1.len - ml - 1] != '\n' || k1.s[k1.len - ml - 2] != '\n') abort();
  }

  /* headers only, a message without Content-Type: the header block (up
   * to the first empty line) and then nothing but the marker */
  if (limited && limit == 0 && cut) {
    const char *h = in;
    size_t hl = inlen, i;
    int isplain = 1;
    if (hl && h[0] == '\n') hl = 1;            /* an empty header block */
    else
      for (i = 0; i + 1 < hl; ++i)
        if (h[i] == '\n' && h[i + 1] == '\n') { hl = i + 2; break; }
    for (i = 0; i + 12 <= hl; ++i)
      if (!strncasecmp(h + i, "content-type", 12)) isplain = 0;
    if (memchr(h, '\r', hl) || memchr(h, '\0', hl)) isplain = 0;
    if (isplain && hl < inlen && hl < BNCBODY_LINEMAX) {
      if (k1.len != hl + 1 + ml || memcmp(k1.s, in, hl)) abort();
    }
  }
  free(k1.s);
  free(k2.s);
  return 0;
}
