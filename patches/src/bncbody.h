/* bncbody.h -- sppkit bounce patches: how much of the original a bounce
 * carries.
 *
 * control/bouncebody (else control/options bouncebody=...):
 *   all (or unset)  the whole original, byte for byte (stock);
 *   headers         the header block only (same as 0);
 *   N               at most N bytes of body text.
 * When the body is shortened the MIME structure survives: every multipart
 * delimiter line and every part header block is kept (and not counted in
 * N), message/rfc822 parts keep their inner header block, multiparts left
 * open are closed with their closing delimiter, lines are never split
 * (except one longer than BNCBODY_LINEMAX bytes, which is ended with LF
 * where the budget runs out), and a marker line says the copy was
 * shortened.  Limits: BNCBODY_DEPTH nested multiparts, boundaries up to
 * BNCBODY_BOUNDMAX bytes; a multipart past those limits has its body
 * treated as text.
 */
#ifndef BNCBODY_H
#define BNCBODY_H

#define BNCBODY_LINEMAX 1024
#define BNCBODY_CTMAX 4096
#define BNCBODY_DEPTH 16
#define BNCBODY_BOUNDMAX 200
#define BNCBODY_NMAX 1000000000UL

#define BNCBODY_MARKER "--- This copy of the message was shortened (control/bouncebody).\n"

typedef void (*bncbody_put)(void *ctx, const char *s, unsigned int n);

struct bncbody {
  int limited;           /* 0: copy verbatim */
  unsigned long budget;  /* body bytes still allowed */
  int cut;               /* some body text was dropped */
  int state;
  int depth;
  char bound[BNCBODY_DEPTH][BNCBODY_BOUNDMAX];
  unsigned int boundlen[BNCBODY_DEPTH];
  char line[BNCBODY_LINEMAX];
  unsigned int linelen;
  int linecont;          /* the current line is longer than line[] */
  int lineemit;          /* ... and its first part was copied */
  char ct[BNCBODY_CTMAX];
  unsigned int ctlen;
  int inct;
  int ctbad;
  int bol;               /* at the start of a line: nothing written yet,
                          * or the last byte written was LF (a NUL is
                          * an ordinary byte) */
  bncbody_put put;
  void *ctx;
};

/* pure: parse a bouncebody value; 1 ok, 0 not */
int bncbody_parse(const char *val, int *limited, unsigned long *limit);
/* the setting under DIR; unset/bad/unreadable = all (bncopt_why says why) */
int bncbody_read(const char *dir, int *limited, unsigned long *limit);

void bncbody_init(struct bncbody *b, int limited, unsigned long limit,
                  bncbody_put put, void *ctx);
void bncbody_feed(struct bncbody *b, const char *s, unsigned int n);
void bncbody_end(struct bncbody *b);

#endif
