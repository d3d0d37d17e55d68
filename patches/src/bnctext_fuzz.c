/* bnctext_fuzz.c -- libFuzzer target for bnctext_subject and
 * bnctext_message over hostile control-file text.
 *
 * Input: byte 0 selects outmax (small sizes and the real ones), the rest
 * is the file.  Invariants, abort() on violation:
 *   subject: never written past outmax; a custom subject is one header
 *     value: no CR, no control byte, LF only as a fold ("\n ") between
 *     encoded words; "Subject: " + the first line and every folded line
 *     fit in 76 columns when encoded; plain ASCII is at most 200 bytes;
 *   message: never written past outmax; only lines ending in LF, no blank
 *     line (QSBMF), no CR, no control byte, no trailing blank.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "bnctext.h"

#define GUARD 16

static void check_guard(const unsigned char *g)
{
  int i;
  for (i = 0; i < GUARD; ++i) if (g[i] != 0xa5) abort();
}

/* did the subject keep an 8-bit byte (then it must be encoded)?  The
 * first line, control bytes dropped, at most BNCTEXT_SUBJRAW + 1 kept */
static int eightbit(const char *in, unsigned int len)
{
  unsigned int i, n = 0;
  unsigned char last = 0;
  for (i = 0; i < len && in[i] != '\n' && n <= BNCTEXT_SUBJRAW; ++i) {
    unsigned char c = (unsigned char) in[i];
    if (c == '\t') c = ' ';
    if (c < 32 || c == 127) continue;
    if (c == ' ' && (n == 0 || last == ' ')) continue;
    if (c > 127) return 1;
    last = c;
    ++n;
  }
  return 0;
}

static void check_subject(const char *s, unsigned int outmax, int encoded)
{
  size_t n = strnlen(s, outmax);
  size_t i, col = 9;                            /* "Subject: " */

  if (n >= outmax) abort();
  for (i = 0; i < n; ++i) {
    unsigned char c = (unsigned char) s[i];
    if (c == '\n') {
      if (!encoded || s[i + 1] != ' ' || i < 2 || s[i - 1] != '=' || s[i - 2] != '?')
        abort();
      if (strncmp(s + i + 2, "=?UTF-8?B?", 10)) abort();
      col = 0;
      continue;
    }
    if (c < 32 || c == 127) abort();
    if (encoded && c > 126) abort();
    if (++col > 76 && encoded) abort();
  }
  if (!encoded && n > BNCTEXT_SUBJRAW) abort();
  if (n && (s[0] == ' ' || s[n - 1] == ' ')) abort();
}

static void check_message(const char *s, unsigned int outmax)
{
  size_t n = strnlen(s, outmax);
  size_t i;

  if (n >= outmax) abort();
  if (n && s[n - 1] != '\n') abort();
  for (i = 0; i < n; ++i) {
    unsigned char c = (unsigned char) s[i];
    if (c == '\n') {
      if (i == 0 || s[i - 1] == '\n' || s[i - 1] == ' ') abort();
      continue;
    }
    if (c < 32 || c == 127) abort();
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const unsigned int sizes[8] = { 0, 1, 2, 20, 100, 300,
                                         BNCTEXT_SUBJMAX, BNCTEXT_MSGMAX };
  unsigned char *out;
  unsigned int outmax, len;
  const char *in;
  int r;

  if (size < 1) return 0;
  outmax = sizes[data[0] % 8];
  in = (const char *) data + 1;
  len = (unsigned int) (size - 1);
  out = malloc(outmax + GUARD);
  if (!out) return 0;

  memset(out, 0xa5, outmax + GUARD);
  r = bnctext_subject(in, len, (char *) out, outmax);
  check_guard(out + outmax);
  if (r != 0 && r != 1) abort();
  if (r == 1) check_subject((char *) out, outmax, eightbit(in, len));
  if (r == 0 && outmax && out[0]) abort();

  memset(out, 0xa5, outmax + GUARD);
  r = bnctext_message(in, len, (char *) out, outmax);
  check_guard(out + outmax);
  if (r != 0 && r != 1) abort();
  if (outmax) {
    check_message((char *) out, outmax);
    if ((r == 1) != (out[0] != 0)) abort();
  }
  free(out);
  return 0;
}
