/* bncbody.c -- sppkit bounce patches: bounce body policy.  Contract:
 * bncbody.h.  A streaming, line-oriented filter: it never holds more than
 * one line (BNCBODY_LINEMAX bytes) of the original in memory.  The
 * original is LF-terminated on disk; CR before LF is tolerated.
 */
#ifndef BNCBODY_C
#define BNCBODY_C

#include <stdio.h>
#include <string.h>
#include "bncopt.h"  /* the program #includes bncopt.c too */
#include "bncbody.h"

#define BNCBODY_HEADER 0
#define BNCBODY_CONTENT 1

int bncbody_parse(const char *val, int *limited, unsigned long *limit)
{
  if (!strcmp(val, "all")) { *limited = 0; *limit = 0; return 1; }
  if (!strcmp(val, "headers")) { *limited = 1; *limit = 0; return 1; }
  if (!bncopt_scannum(val, BNCBODY_NMAX, limit)) return 0;
  *limited = 1;
  return 1;
}

int bncbody_read(const char *dir, int *limited, unsigned long *limit)
{
  char val[BNCOPT_VALMAX];
  char shown[BNCOPT_SHOWMAX];
  int r;

  *limited = 0;
  *limit = 0;
  r = bncopt_get(dir, "bouncebody", val, sizeof val);
  if (r != BNCSTAT_FOUND) return r;
  if (bncbody_parse(val, limited, limit)) return r;
  bncopt_printable(val, shown, sizeof shown);
  snprintf(bncopt_why, sizeof bncopt_why,
           "bouncebody=%s is not all, headers or a number up to %lu; using all",
           shown, BNCBODY_NMAX);
  *limited = 0;
  *limit = 0;
  return BNCSTAT_BAD;
}

static void bncbody_emit(struct bncbody *b, const char *s, unsigned int n)
{
  if (!n) return;
  b->put(b->ctx, s, n);
  b->bol = s[n - 1] == '\n';
}

static void bncbody_newline(struct bncbody *b)
{
  if (!b->bol) bncbody_emit(b, "\n", 1);
}

static void bncbody_close(struct bncbody *b, int k)
{
  bncbody_newline(b);
  bncbody_emit(b, "--", 2);
  bncbody_emit(b, b->bound[k], b->boundlen[k]);
  bncbody_emit(b, "--\n", 3);
}

static int bncbody_lower(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + 32 : c;
}

static int bncbody_ieq(const char *s, unsigned int n, const char *lit)
{
  unsigned int i;

  for (i = 0; i < n; ++i)
    if (!lit[i] || bncbody_lower((unsigned char) s[i]) != lit[i]) return 0;
  return lit[n] == 0;
}

static int bncbody_ws(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void bncbody_ctadd(struct bncbody *b, const char *s, unsigned int n)
{
  unsigned int i;

  for (i = 0; i < n; ++i) {
    if (b->ctlen >= sizeof b->ct) { b->ctbad = 1; return; }
    b->ct[b->ctlen++] = (s[i] == '\r' || s[i] == '\n') ? ' ' : s[i];
  }
}

/* Content-Type in b->ct: 1 multipart with a usable boundary (stored in
 * out/outlen), 2 message/rfc822, 0 anything else */
static int bncbody_ctparse(const struct bncbody *b, char *out,
                           unsigned int *outlen)
{
  const char *s = b->ct;
  unsigned int n = b->ctlen;
  unsigned int i = 0;
  unsigned int t;
  int multipart;

  if (b->ctbad) return 0;
  while (i < n && bncbody_ws(s[i])) ++i;
  t = i;
  while (i < n && s[i] != '/' && s[i] != ';' && !bncbody_ws(s[i])) ++i;
  multipart = bncbody_ieq(s + t, i - t, "multipart");
  if (!multipart && !bncbody_ieq(s + t, i - t, "message")) return 0;
  if (i >= n || s[i] != '/') return 0;
  t = ++i;
  while (i < n && s[i] != ';' && !bncbody_ws(s[i])) ++i;
  if (!multipart) return bncbody_ieq(s + t, i - t, "rfc822") ? 2 : 0;

  for (;;) {
    unsigned int a;
    unsigned int alen;

    while (i < n && s[i] != ';') {
      if (s[i] == '"') {  /* skip a stray quoted string */
        ++i;
        while (i < n && s[i] != '"') { if (s[i] == '\\') ++i; ++i; }
      }
      ++i;
    }
    if (i >= n) return 0;
    ++i;
    while (i < n && bncbody_ws(s[i])) ++i;
    a = i;
    while (i < n && s[i] != '=' && s[i] != ';' && !bncbody_ws(s[i])) ++i;
    alen = i - a;
    while (i < n && bncbody_ws(s[i])) ++i;
    if (i >= n || s[i] != '=') continue;
    ++i;
    while (i < n && bncbody_ws(s[i])) ++i;
    if (!bncbody_ieq(s + a, alen, "boundary")) continue;
    *outlen = 0;
    if (i < n && s[i] == '"') {
      ++i;
      while (i < n && s[i] != '"') {
        if (s[i] == '\\' && i + 1 < n) ++i;
        if (*outlen >= BNCBODY_BOUNDMAX) return 0;
        out[(*outlen)++] = s[i++];
      }
      if (i >= n) return 0;
    } else {
      while (i < n && s[i] != ';' && !bncbody_ws(s[i])) {
        if (*outlen >= BNCBODY_BOUNDMAX) return 0;
        out[(*outlen)++] = s[i++];
      }
    }
    return *outlen > 0;
  }
}

/* is s[0..n) a delimiter line of an open multipart?  level or -1 */
static int bncbody_delim(const struct bncbody *b, const char *s,
                         unsigned int n, int *closing)
{
  int k;

  while (n && bncbody_ws(s[n - 1])) --n;
  if (n < 3 || s[0] != '-' || s[1] != '-') return -1;
  for (k = b->depth - 1; k >= 0; --k) {
    unsigned int len = b->boundlen[k];
    if (n != 2 + len && n != 4 + len) continue;
    if (memcmp(s + 2, b->bound[k], len)) continue;
    if (n == 4 + len && (s[2 + len] != '-' || s[3 + len] != '-')) continue;
    *closing = n == 4 + len;
    return k;
  }
  return -1;
}

static void bncbody_resetct(struct bncbody *b)
{
  b->ctlen = 0;
  b->inct = 0;
  b->ctbad = 0;
}

static void bncbody_headerend(struct bncbody *b)
{
  char bound[BNCBODY_BOUNDMAX];
  unsigned int len = 0;

  switch (bncbody_ctparse(b, bound, &len)) {
    case 1:
      b->state = BNCBODY_CONTENT;
      if (b->depth < BNCBODY_DEPTH) {
        memcpy(b->bound[b->depth], bound, len);
        b->boundlen[b->depth] = len;
        ++b->depth;
      }
      break;
    case 2:
      b->state = BNCBODY_HEADER;  /* the inner message's own header */
      break;
    default:
      b->state = BNCBODY_CONTENT;
  }
  bncbody_resetct(b);
}

/* one header line, or a piece of a long one (linecont) */
static void bncbody_header(struct bncbody *b, const char *s, unsigned int n,
                           int final)
{
  unsigned int i;

  bncbody_emit(b, s, n);
  if (b->linecont) {
    if (b->inct) bncbody_ctadd(b, s, n);
    return;
  }
  if (final && (n == 1 || (n == 2 && s[0] == '\r')) && s[n - 1] == '\n') {
    bncbody_headerend(b);
    return;
  }
  if (n && (s[0] == ' ' || s[0] == '\t')) {
    if (b->inct) bncbody_ctadd(b, s, n);
    return;
  }
  b->inct = 0;
  for (i = 0; i < n && s[i] != ':' && s[i] != ' ' && s[i] != '\t'; ++i) ;
  if (!bncbody_ieq(s, i, "content-type")) return;
  while (i < n && (s[i] == ' ' || s[i] == '\t')) ++i;
  if (i >= n || s[i] != ':') return;
  b->ctlen = 0;
  b->ctbad = 0;
  b->inct = 1;
  bncbody_ctadd(b, s + i + 1, n - i - 1);
}

/* body text: copied while it fits the budget, then dropped */
static void bncbody_content(struct bncbody *b, const char *s, unsigned int n)
{
  if (b->linecont && !b->lineemit) return;  /* rest of a dropped line */
  if (!b->cut && b->budget >= n) {
    bncbody_emit(b, s, n);
    b->budget -= n;
    b->lineemit = 1;
    return;
  }
  b->cut = 1;
  b->budget = 0;
  if (b->lineemit) bncbody_emit(b, "\n", 1);
  b->lineemit = 0;
}

static void bncbody_line(struct bncbody *b, int final)
{
  const char *s = b->line;
  unsigned int n = b->linelen;
  int closing;
  int k;

  if (final && !b->linecont && b->depth > 0
      && (k = bncbody_delim(b, s, n, &closing)) >= 0) {
    /* inner multiparts left open end here; their closing delimiters are
     * added only once something was cut: an uncut copy stays the original */
    while (b->depth > k + 1) {
      --b->depth;
      if (b->cut) bncbody_close(b, b->depth);
    }
    bncbody_newline(b);
    bncbody_emit(b, s, n);
    if (closing) {
      b->depth = k;
      b->state = BNCBODY_CONTENT;
    } else {
      b->state = BNCBODY_HEADER;
      bncbody_resetct(b);
    }
  } else if (b->state == BNCBODY_HEADER)
    bncbody_header(b, s, n, final);
  else
    bncbody_content(b, s, n);

  b->linelen = 0;
  if (final) {
    b->linecont = 0;
    b->lineemit = 0;
  } else
    b->linecont = 1;
}

void bncbody_init(struct bncbody *b, int limited, unsigned long limit,
                  bncbody_put put, void *ctx)
{
  b->limited = limited;
  b->budget = limit;
  b->cut = 0;
  b->state = BNCBODY_HEADER;
  b->depth = 0;
  b->linelen = 0;
  b->linecont = 0;
  b->lineemit = 0;
  bncbody_resetct(b);
  b->bol = 1;
  b->put = put;
  b->ctx = ctx;
}

void bncbody_feed(struct bncbody *b, const char *s, unsigned int n)
{
  unsigned int i;

  if (!b->limited) { bncbody_emit(b, s, n); return; }
  for (i = 0; i < n; ++i) {
    b->line[b->linelen++] = s[i];
    if (s[i] == '\n')
      bncbody_line(b, 1);
    else if (b->linelen == sizeof b->line)
      bncbody_line(b, 0);
  }
}

void bncbody_end(struct bncbody *b)
{
  if (!b->limited) return;
  if (b->linelen || b->linecont) bncbody_line(b, 1);
  while (b->depth > 0) bncbody_close(b, --b->depth);
  if (b->cut) {
    bncbody_newline(b);
    bncbody_emit(b, "\n", 1);
    bncbody_emit(b, BNCBODY_MARKER, sizeof BNCBODY_MARKER - 1);
  }
}

#endif
