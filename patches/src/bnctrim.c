/* bnctrim.c -- sppkit bounce patches: doublebounce-trim.  See bnctrim.h. */
#ifndef BNCTRIM_C
#define BNCTRIM_C

#include "bnctrim.h"

int bnctrim(const char *doublebounceto)
{
  return doublebounceto[0] == '@' || doublebounceto[0] == 0;
}

#endif
