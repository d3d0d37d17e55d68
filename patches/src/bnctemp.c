/* bnctemp.c -- sppkit bounce patches: temperror.  Contract: bnctemp.h. */
#ifndef BNCTEMP_C
#define BNCTEMP_C

#include "bncopt.h"  /* the program #includes bncopt.c too */
#include "bnctemp.h"

int bnctemp_applies(unsigned long temperror, int kind)
{
  if (temperror > BNCTEMP_MAX) return 0;
  return (temperror & (unsigned long) kind) != 0;
}

const char *bnctemp_why(int kind)
{
  if (kind == BNCTEMP_LOCAL)
    return "This temporary failure of the delivery program is treated as permanent (temperror).\n";
  return "This temporary refusal by the remote server is treated as permanent (temperror).\n";
}

int bnctemp_read(const char *dir, unsigned long *temperror)
{
  *temperror = 0;
  return bncopt_getnum(dir, "temperror", BNCTEMP_MAX, temperror);
}

#endif
