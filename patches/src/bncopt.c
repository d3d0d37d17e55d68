/* bncopt.c -- sppkit bounce patches: settings from control files.
 *
 * Contract: see bncopt.h.  control/options holds one "name=value" per
 * line; white space around name and value is ignored, lines starting with
 * '#' are comments, CR before LF is ignored, the last match wins and
 * unknown names are ignored.  A missing file is not an error.  A file that
 * exists but cannot be read gives BNCSTAT_ERROR; the callers then behave as
 * if the option were unset (stock qmail) and log bncopt_why.
 *
 * The qmail programs #include this file (it is guarded against double
 * inclusion), so the series needs no Makefile change.  The other bnc*.c
 * files include only bncopt.h, and each program #includes bncopt.c next
 * to them: bncopt's functions are then defined once per program, and
 * the files of patches/src also link as separate objects.
 */
#ifndef BNCOPT_C
#define BNCOPT_C

#include <sys/types.h>
#include <sys/stat.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "bncopt.h"

char bncopt_why[BNCOPT_WHYMAX];

extern int close(int);  /* <unistd.h> clashes with netqmail's readwrite.h */

static int bncopt_isspace(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

static int bncopt_copy(const char *s, unsigned int len, char *val,
                       unsigned int valmax)
{
  unsigned int i;

  /* C code sees the value up to a NUL: end it there, then trim */
  for (i = 0; i < len && s[i]; ++i) ;
  len = i;
  while (len && bncopt_isspace(s[len - 1])) --len;
  if (len + 1 > valmax) return -1;
  memcpy(val, s, len);
  val[len] = 0;
  return 1;
}

int bncopt_parse(const char *buf, unsigned int len, const char *name,
                 char *val, unsigned int valmax)
{
  unsigned int pos = 0;
  unsigned int namelen = strlen(name);
  unsigned int vpos = 0;
  unsigned int vlen = 0;
  int found = 0;

  /* the last "name=value" line wins, as in a shell file sourced top to
   * bottom (and as the C++ plugins read control/options) */
  while (pos < len) {
    unsigned int end = pos;
    unsigned int i;
    unsigned int k;

    while (end < len && buf[end] != '\n') ++end;
    i = pos;
    while (i < end && bncopt_isspace(buf[i])) ++i;
    if (i < end && buf[i] != '#' && end - i > namelen
        && !memcmp(buf + i, name, namelen)) {
      k = i + namelen;
      while (k < end && bncopt_isspace(buf[k])) ++k;
      if (k < end && buf[k] == '=') {
        ++k;
        while (k < end && bncopt_isspace(buf[k])) ++k;
        vpos = k;
        vlen = end - k;
        found = 1;
      }
    }
    pos = end + 1;
  }
  if (!found) return 0;
  return bncopt_copy(buf + vpos, vlen, val, valmax);
}

int bncopt_firstline(const char *buf, unsigned int len, char *val,
                     unsigned int valmax)
{
  unsigned int end = 0;

  while (end < len && buf[end] != '\n') ++end;
  if (bncopt_copy(buf, end, val, valmax) == -1) return -1;
  return val[0] != 0;
}

int bncopt_scannum(const char *s, unsigned long max, unsigned long *n)
{
  unsigned long r = 0;

  if (!*s) return 0;
  for (; *s; ++s) {
    unsigned long d;
    if (*s < '0' || *s > '9') return 0;
    d = (unsigned long) (*s - '0');
    if (d > max || r > (max - d) / 10) return 0;  /* r * 10 + d > max */
    r = r * 10 + d;
  }
  *n = r;
  return 1;
}

/* The one reader of control files.  open(2) with O_NONBLOCK, so a FIFO
 * without a writer cannot block qmail-send at start-up, then fstat(2):
 * only a regular file is read (a FIFO, directory or device is an error
 * that says so).  The file is read whole into a malloc'd buffer that
 * grows up to max bytes.  stdio, not read(2): netqmail's readwrite.h
 * clashes with <unistd.h>. */
int bncopt_readcontrol(const char *dir, const char *name, unsigned int max,
                       int flagcut, char **buf, unsigned int *len)
{
  char path[1024];
  struct stat st;
  FILE *f;
  char *b = 0;
  size_t cap;
  size_t n = 0;
  int fd;

  *buf = 0;
  *len = 0;
  if (strlen(dir) + strlen(name) + sizeof "/control/" > sizeof path) {
    snprintf(bncopt_why, sizeof bncopt_why, "control/%s: path too long", name);
    return BNCSTAT_ERROR;
  }
  sprintf(path, "%s/control/%s", dir, name);
  fd = open(path, O_RDONLY | O_NONBLOCK);
  if (fd == -1) {
    if (errno == ENOENT) return BNCSTAT_ABSENT;
    goto syserr;
  }
  f = fdopen(fd, "r");
  if (!f) { close(fd); goto syserr; }
  if (fstat(fd, &st) == -1) { fclose(f); goto syserr; }
  if (!S_ISREG(st.st_mode)) {
    fclose(f);
    snprintf(bncopt_why, sizeof bncopt_why,
             "control/%s is not a regular file", name);
    return BNCSTAT_ERROR;
  }
  /* room for the whole file and one byte more, to see that it is longer
   * than max (it may also grow while we read) */
  cap = (st.st_size >= 0 && (unsigned long) st.st_size < max)
        ? (size_t) st.st_size + 1 : (size_t) max + 1;
  for (;;) {
    size_t r;
    if (n == cap) {
      char *nb;
      if (cap > max) break;                         /* max + 1 read */
      cap = (cap * 2 > (size_t) max + 1) ? (size_t) max + 1 : cap * 2;
      nb = realloc(b, cap);
      if (!nb) { free(b); fclose(f); errno = ENOMEM; goto syserr; }
      b = nb;
    }
    if (!b) {
      b = malloc(cap);
      if (!b) { fclose(f); errno = ENOMEM; goto syserr; }
    }
    r = fread(b + n, 1, cap - n, f);
    n += r;
    if (r == 0) break;
  }
  if (ferror(f)) {
    free(b);
    fclose(f);
    errno = EIO;
    goto syserr;
  }
  fclose(f);
  if (n > max) {
    if (!flagcut) {
      free(b);
      snprintf(bncopt_why, sizeof bncopt_why,
               "control/%s is larger than %u bytes", name, max);
      return BNCSTAT_ERROR;
    }
    n = max;
  }
  *buf = b;
  *len = (unsigned int) n;
  return BNCSTAT_FOUND;

 syserr:
  snprintf(bncopt_why, sizeof bncopt_why, "unable to read control/%s: %s",
           name, strerror(errno));
  return BNCSTAT_ERROR;
}

void bncopt_printable(const char *val, char *out, unsigned int outmax)
{
  unsigned int i;

  if (!outmax) return;
  for (i = 0; val[i] && i + 1 < outmax; ++i) {
    unsigned char c = (unsigned char) val[i];
    out[i] = (c < 32 || c > 126) ? '?' : (char) c;
  }
  out[i] = 0;
}

int bncopt_get(const char *dir, const char *name, char *val,
               unsigned int valmax)
{
  char *file;
  unsigned int len;
  int r;

  bncopt_why[0] = 0;
  r = bncopt_readcontrol(dir, name, BNCOPT_FILEMAX, 0, &file, &len);
  if (r == BNCSTAT_ERROR) return BNCSTAT_ERROR;
  if (r == BNCSTAT_FOUND) {
    r = bncopt_firstline(file, len, val, valmax);
    free(file);
    if (r == 1) return BNCSTAT_FOUND;
    if (r == -1) {
      snprintf(bncopt_why, sizeof bncopt_why,
               "control/%s: first line too long", name);
      return BNCSTAT_BAD;
    }
  }

  r = bncopt_readcontrol(dir, "options", BNCOPT_FILEMAX, 0, &file, &len);
  if (r != BNCSTAT_FOUND) return r;
  r = bncopt_parse(file, len, name, val, valmax);
  free(file);
  if (r == -1) {
    snprintf(bncopt_why, sizeof bncopt_why,
             "control/options: value of %s too long", name);
    return BNCSTAT_BAD;
  }
  if (r == 0 || !val[0]) return BNCSTAT_ABSENT;
  return BNCSTAT_FOUND;
}

int bncopt_getnum(const char *dir, const char *name, unsigned long max,
                  unsigned long *n)
{
  char val[BNCOPT_VALMAX];
  char shown[BNCOPT_SHOWMAX];
  int r;

  r = bncopt_get(dir, name, val, sizeof val);
  if (r != BNCSTAT_FOUND) return r;
  if (bncopt_scannum(val, max, n)) return BNCSTAT_FOUND;
  bncopt_printable(val, shown, sizeof shown);
  snprintf(bncopt_why, sizeof bncopt_why,
           "%s=%s is not a number from 0 to %lu; using %lu", name, shown,
           max, *n);
  return BNCSTAT_BAD;
}

#endif
