/* bncstrict.c -- sppkit bounce patches: strictbounce.  See bncstrict.h. */
#ifndef BNCSTRICT_C
#define BNCSTRICT_C

#include <string.h>
#include "bncopt.h"  /* the program #includes bncopt.c too */
#include "bncstrict.h"

int bncstrict_class(const char *sender, unsigned long strictbounce)
{
  if (!strcmp(sender, "#@[]")) return BNC_TRIPLE;
  if (strictbounce == 2) return BNC_STRICT;
  if (!*sender) return BNC_DOUBLE;
  if (strictbounce == 1) return BNC_DOUBLE;
  return BNC_SINGLE;
}

int bncstrict_read(const char *dir, unsigned long *strictbounce)
{
  *strictbounce = 0;
  return bncopt_getnum(dir, "strictbounce", BNCSTRICT_MAX, strictbounce);
}

#endif
