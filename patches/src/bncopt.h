/* bncopt.h -- sppkit bounce patches: settings from control files.
 *
 * A setting NAME is looked up, in this order:
 *   1. the first line of control/NAME (an empty first line counts as unset);
 *   2. the last "NAME=value" line of control/options (a name given twice:
 *      the later line wins, as in a shell file sourced top to bottom, and
 *      as the C++ plugins read it);
 *   3. the caller's default.
 * Only libc is used, so the functions are unit-tested without a qmail tree.
 */
#ifndef BNCOPT_H
#define BNCOPT_H

#include "bncstat.h"  /* FOUND 1, ABSENT 0, ERROR -1, BAD -2 */

#define BNCOPT_VALMAX 256     /* longest value kept; longer ones are BAD */
#define BNCOPT_FILEMAX 1048576 /* a longer control/options (or control/NAME)
                                * is an ERROR, never read in part */
#define BNCOPT_WHYMAX 300
#define BNCOPT_SHOWMAX 33     /* bytes of a bad value shown in a log line, + NUL */

/* why the last lookup returned BNCSTAT_ERROR or BNCSTAT_BAD */
extern char bncopt_why[BNCOPT_WHYMAX];

/* pure: the value of the last NAME= line of the text of control/options;
 * 1 found, 0 not, -1 too long (that last value) */
int bncopt_parse(const char *buf, unsigned int len, const char *name,
                 char *val, unsigned int valmax);
/* pure: the first line of a control file, trailing white space removed;
 * 1 non-empty, 0 empty, -1 too long */
int bncopt_firstline(const char *buf, unsigned int len,
                     char *val, unsigned int valmax);
/* pure: decimal number 0..max, nothing else; 1 ok, 0 not */
int bncopt_scannum(const char *s, unsigned long max, unsigned long *n);

/* the one reader of control files: DIR/control/NAME, which must be a
 * regular file (it is opened without blocking, so a FIFO cannot hang the
 * caller), read whole into a malloc'd *buf of *len bytes (not
 * NUL-terminated; the caller free()s it).  A file longer than max bytes
 * gives its first max bytes if flagcut, else ERROR.  FOUND, ABSENT (no
 * such file: *buf is 0) or ERROR (bncopt_why says why) */
int bncopt_readcontrol(const char *dir, const char *name, unsigned int max,
                       int flagcut, char **buf, unsigned int *len);
/* pure: val for a log or report line: at most outmax - 1 bytes, bytes
 * outside 32..126 as '?', NUL-terminated */
void bncopt_printable(const char *val, char *out, unsigned int outmax);
/* look NAME up under DIR (the qmail home) */
int bncopt_get(const char *dir, const char *name, char *val,
               unsigned int valmax);
/* a number 0..max; on ERROR or BAD, *n is left at the caller's default */
int bncopt_getnum(const char *dir, const char *name, unsigned long max,
                  unsigned long *n);

#endif
