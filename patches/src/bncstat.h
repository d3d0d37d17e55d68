/* bncstat.h -- sppkit bounce patches: the one status numbering.
 *
 * Every lookup of a setting (bncopt_get, bncopt_getnum, bncip_choose and
 * the *_read functions) and the control-file reader answer with these,
 * in the spirit of qmail's control.c: 1 found, 0 absent, negative = the
 * caller uses its default (stock behaviour) and logs bncopt_why.
 */
#ifndef BNCSTAT_H
#define BNCSTAT_H

#define BNCSTAT_ABSENT 0  /* set nowhere (bncip: no bind): the default */
#define BNCSTAT_FOUND 1   /* set and valid (bncip: bind to the address) */
#define BNCSTAT_ERROR -1  /* a file exists but cannot be read */
#define BNCSTAT_BAD -2    /* a value is present but not valid */

#endif
