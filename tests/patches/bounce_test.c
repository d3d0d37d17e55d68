/* bounce_test.c -- Check unit tests for the new C files of the sppkit qmail
 * patch series (patches/src/).  No qmail tree is needed: the files use
 * libc only.  They are written to be #included by the qmail programs, so
 * this test includes them the same way (one translation unit).
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bncopt.c"
#include "bncip.c"
#include "bnctemp.c"
#include "bnctrim.c"
#include "bncstrict.c"
#include "bnctext.c"
#include "bncbody.c"

/* ------------------------------------------------------------ fixtures */

static char tmpdir[256];

static void writefile(const char *name, const char *text)
{
  char path[512];
  FILE *f;

  snprintf(path, sizeof path, "%s/control/%s", tmpdir, name);
  f = fopen(path, "w");
  ck_assert_msg(f != NULL, "cannot create %s", path);
  fputs(text, f);
  fclose(f);
}

static void setup_dir(void)
{
  char path[512];

  snprintf(tmpdir, sizeof tmpdir, "/tmp/bounce_test.XXXXXX");
  ck_assert_ptr_nonnull(mkdtemp(tmpdir));
  snprintf(path, sizeof path, "%s/control", tmpdir);
  ck_assert_int_eq(mkdir(path, 0755), 0);
}

static void teardown_dir(void)
{
  char cmd[600];

  snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", tmpdir);
}

/* ------------------------------------------------------------- bncopt */

static const struct {
  const char *name;
  const char *buf;
  const char *key;
  int rc;
  const char *val;
} parse_rows[] = {
  { "simple", "temperror=1\n", "temperror", 1, "1" },
  { "last match wins", "temperror=2\ntemperror=3\n", "temperror", 1, "3" },
  { "last match wins over comments and others",
    "temperror=1\nx=2\ntemperror = 2\n#temperror=3\n", "temperror", 1, "2" },
  { "last match wins, even when empty", "temperror=1\ntemperror=\n", "temperror", 1, "" },
  { "an earlier too long value is overridden",
    "temperror=0123456789012345678901234567890123456789\ntemperror=1\n", "temperror", 1, "1" },
  { "spaces around", "  temperror =  3  \n", "temperror", 1, "3" },
  { "crlf", "temperror=1\r\n", "temperror", 1, "1" },
  { "no newline at end", "a=b\ntemperror=1", "temperror", 1, "1" },
  { "comment ignored", "#temperror=1\ntemperror=2\n", "temperror", 1, "2" },
  { "prefix is not a match", "temperrorx=1\n", "temperror", 0, "" },
  { "other names skipped", "strictbounce=1\n", "temperror", 0, "" },
  { "missing =", "temperror 1\n", "temperror", 0, "" },
  { "empty value", "temperror=\n", "temperror", 1, "" },
  { "value keeps inner spaces", "bouncebody= a b \n", "bouncebody", 1, "a b" },
  { "empty file", "", "temperror", 0, "" },
};

START_TEST(test_bncopt_parse)
{
  char val[64];
  int rc;

  strcpy(val, "");
  rc = bncopt_parse(parse_rows[_i].buf, strlen(parse_rows[_i].buf),
                    parse_rows[_i].key, val, sizeof val);
  ck_assert_msg(rc == parse_rows[_i].rc, "%s: rc %d", parse_rows[_i].name, rc);
  if (rc == 1)
    ck_assert_msg(!strcmp(val, parse_rows[_i].val), "%s: val '%s'",
                  parse_rows[_i].name, val);
}
END_TEST

START_TEST(test_bncopt_parse_too_long)
{
  char val[4];
  ck_assert_int_eq(bncopt_parse("a=12345\n", 8, "a", val, sizeof val), -1);
  ck_assert_int_eq(bncopt_parse("a=123\n", 6, "a", val, sizeof val), 1);
}
END_TEST

static const struct {
  const char *s;
  unsigned long max;
  int ok;
  unsigned long n;
} num_rows[] = {
  { "0", 3, 1, 0 }, { "3", 3, 1, 3 }, { "4", 3, 0, 0 }, { "", 3, 0, 0 },
  { "-1", 3, 0, 0 }, { "1x", 3, 0, 0 }, { "x", 3, 0, 0 }, { "007", 9, 1, 7 },
  { "99999999999999999999999", 4000000000UL, 0, 0 },
  { "1000000000", 1000000000UL, 1, 1000000000UL },
  { "1000000001", 1000000000UL, 0, 0 }, { "+1", 3, 0, 0 }, { "1 ", 3, 0, 0 },
  { "0", 0, 1, 0 }, { "1", 0, 0, 0 }, { "5", 2, 0, 0 }, { "20", 19, 0, 0 },
  { "4294967295", 4294967295UL, 1, 4294967295UL },
};

START_TEST(test_bncopt_scannum)
{
  unsigned long n = 12345;
  int ok = bncopt_scannum(num_rows[_i].s, num_rows[_i].max, &n);
  ck_assert_msg(ok == num_rows[_i].ok, "'%s': ok %d", num_rows[_i].s, ok);
  if (ok) ck_assert_msg(n == num_rows[_i].n, "'%s': n %lu", num_rows[_i].s, n);
  else ck_assert_msg(n == 12345, "'%s': n changed on error", num_rows[_i].s);
}
END_TEST

START_TEST(test_bncopt_firstline)
{
  char v[16];
  ck_assert_int_eq(bncopt_firstline("abc \t\r\nx\n", 9, v, sizeof v), 1);
  ck_assert_str_eq(v, "abc");
  ck_assert_int_eq(bncopt_firstline("\nabc\n", 5, v, sizeof v), 0);
  ck_assert_int_eq(bncopt_firstline("   \n", 4, v, sizeof v), 0);
  ck_assert_int_eq(bncopt_firstline("", 0, v, sizeof v), 0);
  ck_assert_int_eq(bncopt_firstline("0123456789abcdefg", 17, v, sizeof v), -1);
}
END_TEST

START_TEST(test_bncopt_precedence)
{
  char v[64];
  unsigned long n;

  ck_assert_int_eq(bncopt_get(tmpdir, "temperror", v, sizeof v), BNCSTAT_ABSENT);
  writefile("options", "strictbounce=1\ntemperror=2\n");
  ck_assert_int_eq(bncopt_get(tmpdir, "temperror", v, sizeof v), BNCSTAT_FOUND);
  ck_assert_str_eq(v, "2");
  writefile("temperror", "3\n");                  /* own file wins */
  ck_assert_int_eq(bncopt_get(tmpdir, "temperror", v, sizeof v), BNCSTAT_FOUND);
  ck_assert_str_eq(v, "3");
  writefile("temperror", "\n");                   /* empty own file: options */
  ck_assert_int_eq(bncopt_get(tmpdir, "temperror", v, sizeof v), BNCSTAT_FOUND);
  ck_assert_str_eq(v, "2");
  n = 0;
  ck_assert_int_eq(bncopt_getnum(tmpdir, "strictbounce", 2, &n), BNCSTAT_FOUND);
  ck_assert_uint_eq(n, 1);
  ck_assert_int_eq(bncopt_get(tmpdir, "bouncebody", v, sizeof v), BNCSTAT_ABSENT);
}
END_TEST

START_TEST(test_bncopt_bad_values)
{
  unsigned long n;

  writefile("options", "temperror=abc\nstrictbounce=7\n");
  n = 0;
  ck_assert_int_eq(bncopt_getnum(tmpdir, "temperror", 3, &n), BNCSTAT_BAD);
  ck_assert_uint_eq(n, 0);
  ck_assert_str_eq(bncopt_why, "temperror=abc is not a number from 0 to 3; using 0");
  ck_assert_int_eq(bncopt_getnum(tmpdir, "strictbounce", 2, &n), BNCSTAT_BAD);
  ck_assert_str_eq(bncopt_why, "strictbounce=7 is not a number from 0 to 2; using 0");
  writefile("temperror", "1\001\n");
  ck_assert_int_eq(bncopt_getnum(tmpdir, "temperror", 3, &n), BNCSTAT_BAD);
  ck_assert_str_eq(bncopt_why, "temperror=1? is not a number from 0 to 3; using 0");
}
END_TEST

START_TEST(test_bncopt_unreadable)
{
  char path[512];
  char v[16];

  /* a directory where a file is expected: said as such, not as EIO */
  snprintf(path, sizeof path, "%s/control/options", tmpdir);
  ck_assert_int_eq(mkdir(path, 0755), 0);
  ck_assert_int_eq(bncopt_get(tmpdir, "temperror", v, sizeof v), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/options is not a regular file");
}
END_TEST

/* found by bncopt_fuzz: a NUL inside a value left trailing blanks in the
 * C string; the value now ends at the NUL and is trimmed there */
START_TEST(test_bncopt_value_nul)
{
  char v[16];

  ck_assert_int_eq(bncopt_firstline("a \0b\n", 5, v, sizeof v), 1);
  ck_assert_str_eq(v, "a");
  ck_assert_int_eq(bncopt_parse("x=1 \0\t2\n", 8, "x", v, sizeof v), 1);
  ck_assert_str_eq(v, "1");
}
END_TEST

START_TEST(test_bncopt_printable)
{
  char out[8];

  bncopt_printable("1.2.3.4", out, sizeof out);
  ck_assert_str_eq(out, "1.2.3.4");
  bncopt_printable("a\tb\001\r\n\xc3\xa4 c", out, sizeof out);
  ck_assert_str_eq(out, "a?b????");              /* cut at 7 bytes */
  bncopt_printable("a b", out, sizeof out);
  ck_assert_str_eq(out, "a b");
  bncopt_printable("xyz", out, 1);
  ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_bncopt_readcontrol)
{
  char *buf = (char *) 1;
  char dir[1100];
  unsigned int len = 99;

  ck_assert_int_eq(bncopt_readcontrol(tmpdir, "nosuch", 16, 0, &buf, &len), BNCSTAT_ABSENT);
  ck_assert_uint_eq(len, 0);
  ck_assert_ptr_null(buf);
  writefile("x", "0123456789abcdefghij");
  ck_assert_int_eq(bncopt_readcontrol(tmpdir, "x", 16, 1, &buf, &len), BNCSTAT_FOUND);
  ck_assert_uint_eq(len, 16);                     /* flagcut: the first max bytes */
  ck_assert(!memcmp(buf, "0123456789abcdef", 16));
  free(buf);
  ck_assert_int_eq(bncopt_readcontrol(tmpdir, "x", 16, 0, &buf, &len), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/x is larger than 16 bytes");
  ck_assert_int_eq(bncopt_readcontrol(tmpdir, "x", 20, 0, &buf, &len), BNCSTAT_FOUND);
  ck_assert_uint_eq(len, 20);                     /* exactly max: whole */
  ck_assert(!memcmp(buf, "0123456789abcdefghij", 20));
  free(buf);
  writefile("x", "");
  ck_assert_int_eq(bncopt_readcontrol(tmpdir, "x", 20, 0, &buf, &len), BNCSTAT_FOUND);
  ck_assert_uint_eq(len, 0);
  free(buf);
  memset(dir, 'd', sizeof dir - 1);
  dir[sizeof dir - 1] = 0;
  ck_assert_int_eq(bncopt_readcontrol(dir, "x", 16, 0, &buf, &len), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/x: path too long");
}
END_TEST

/* defect 1/7: a FIFO, a directory or a device as a control file must not
 * hang the reader (open(2) on a FIFO without a writer blocks), and must
 * be reported as what it is */
static void mkfifo_control(const char *name)
{
  char path[512];

  snprintf(path, sizeof path, "%s/control/%s", tmpdir, name);
  ck_assert_int_eq(mkfifo(path, 0644), 0);
}

START_TEST(test_bncopt_not_regular)
{
  char path[512];
  char v[16];
  unsigned long n = 7;
  int l;

  mkfifo_control("options");
  ck_assert_int_eq(bncopt_get(tmpdir, "temperror", v, sizeof v), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/options is not a regular file");
  ck_assert_int_eq(bncopt_getnum(tmpdir, "strictbounce", 2, &n), BNCSTAT_ERROR);
  ck_assert_uint_eq(n, 7);                       /* caller's default kept */

  mkfifo_control("temperror");
  ck_assert_int_eq(bncopt_get(tmpdir, "temperror", v, sizeof v), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/temperror is not a regular file");

  snprintf(path, sizeof path, "%s/control/bouncebody", tmpdir);
  ck_assert_int_eq(mkdir(path, 0755), 0);
  ck_assert_int_eq(bncbody_read(tmpdir, &l, &n), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/bouncebody is not a regular file");
  ck_assert_int_eq(l, 0);                        /* all: stock */

  snprintf(path, sizeof path, "%s/control/strictbounce", tmpdir);
  ck_assert_int_eq(symlink("/dev/null", path), 0);  /* a character device */
  ck_assert_int_eq(bncstrict_read(tmpdir, &n), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/strictbounce is not a regular file");
  ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(test_bnctext_not_regular)
{
  struct bnctext t;

  writefile("bouncesubject", "Returned mail\n");
  mkfifo_control("bouncemessage");
  ck_assert_int_eq(bnctext_readall(tmpdir, &t), -1);
  ck_assert_str_eq(bncopt_why, "control/bouncemessage is not a regular file");
  ck_assert_ptr_null(bnctext_msg(&t, 0));
  ck_assert_str_eq(bnctext_subj(&t, 0), "Returned mail");
}
END_TEST

START_TEST(test_bncip_not_regular)
{
  struct bncip b;

  mkfifo_control("bouncingip");
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_ERROR);
  ck_assert_str_eq(bncopt_why, "control/bouncingip is not a regular file");
}
END_TEST

/* defect 2: control/options is read whole (up to a cap), so a value that
 * straddles 64 KiB is not misread; a bigger file is refused, by name */
/* control/options: PAD bytes of comment lines, then TAIL */
static void write_options_padded(unsigned long pad, const char *tail)
{
  char path[512];
  FILE *f;
  unsigned long i;

  snprintf(path, sizeof path, "%s/control/options", tmpdir);
  f = fopen(path, "w");
  ck_assert_ptr_nonnull(f);
  for (i = 0; i < pad; ++i)
    fputc((i % 64 == 63 || i + 1 == pad) ? '\n' : '#', f);
  fputs(tail, f);
  fclose(f);
}

START_TEST(test_bncopt_options_large)
{
  char v[64];
  struct stat st;
  char path[512];

  /* "bouncebody=12345" with the 64 KiB boundary inside the value */
  write_options_padded(65536 - 13, "bouncebody=12345\n");
  snprintf(path, sizeof path, "%s/control/options", tmpdir);
  ck_assert_int_eq(stat(path, &st), 0);
  ck_assert_int_gt(st.st_size, 65536);
  ck_assert_int_eq(bncopt_get(tmpdir, "bouncebody", v, sizeof v), BNCSTAT_FOUND);
  ck_assert_str_eq(v, "12345");

  /* over the cap: refused with a clear reason, never misread */
  write_options_padded(BNCOPT_FILEMAX + 10, "bouncebody=1\n");
  ck_assert_int_eq(bncopt_get(tmpdir, "bouncebody", v, sizeof v), BNCSTAT_ERROR);
  ck_assert_msg(strstr(bncopt_why, "control/options") != NULL
                && strstr(bncopt_why, "1048576") != NULL, "why: %s", bncopt_why);
}
END_TEST

/* defect 3: duplicate names, the last line wins through the file reader */
START_TEST(test_bncopt_last_wins)
{
  unsigned long n = 0;

  writefile("options", "temperror=1\nstrictbounce=2\ntemperror=3\n");
  ck_assert_int_eq(bncopt_getnum(tmpdir, "temperror", 3, &n), BNCSTAT_FOUND);
  ck_assert_uint_eq(n, 3);
  writefile("options", "temperror=abc\ntemperror=2\n");
  ck_assert_int_eq(bncopt_getnum(tmpdir, "temperror", 3, &n), BNCSTAT_FOUND);
  ck_assert_uint_eq(n, 2);
}
END_TEST

/* defect 4: bncip and bncopt report the same status for the same cause */
START_TEST(test_bncstat_shared)
{
  struct bncip b;
  char v[BNCOPT_VALMAX];
  char path[512];
  char longval[400];

  memset(longval, '1', sizeof longval - 2);
  longval[sizeof longval - 2] = '\n';
  longval[sizeof longval - 1] = 0;
  writefile("bouncingip", longval);                  /* too long: bad */
  ck_assert_int_eq(bncopt_get(tmpdir, "bouncingip", v, sizeof v), BNCSTAT_BAD);
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_BAD);
  snprintf(path, sizeof path, "%s/control/bouncingip", tmpdir);
  ck_assert_int_eq(unlink(path), 0);
  ck_assert_int_eq(mkdir(path, 0755), 0);            /* unreadable: error */
  ck_assert_int_eq(bncopt_get(tmpdir, "bouncingip", v, sizeof v), BNCSTAT_ERROR);
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_ERROR);
  writefile("outgoingip", "mail.example.com\n");     /* not an address: bad */
  ck_assert_int_eq(bncip_choose(tmpdir, "a@b", &b), BNCSTAT_BAD);
  ck_assert_int_eq(BNCSTAT_ERROR, -1);                /* the numbering itself */
  ck_assert_int_eq(BNCSTAT_BAD, -2);
}
END_TEST

/* -------------------------------------------------------------- bncip */

static const struct {
  const char *s;
  int ok;
  unsigned char ip[4];
} ip_rows[] = {
  { "127.0.0.2", 1, { 127, 0, 0, 2 } }, { "0.0.0.0", 1, { 0, 0, 0, 0 } },
  { "255.255.255.255", 1, { 255, 255, 255, 255 } },
  { "256.0.0.1", 0, { 0 } }, { "1.2.3", 0, { 0 } }, { "1.2.3.4.5", 0, { 0 } },
  { "1.2.3.4 ", 0, { 0 } }, { "bogus", 0, { 0 } }, { "", 0, { 0 } },
  { "1..2.3", 0, { 0 } }, { "0001.2.3.4", 0, { 0 } }, { "::1", 0, { 0 } },
  { "1.2.3.-4", 0, { 0 } },
};

START_TEST(test_bncip_scan)
{
  unsigned char ip[4] = { 9, 9, 9, 9 };
  int ok = bncip_scan(ip_rows[_i].s, ip);
  ck_assert_msg(ok == ip_rows[_i].ok, "'%s': ok %d", ip_rows[_i].s, ok);
  if (ok) ck_assert_msg(!memcmp(ip, ip_rows[_i].ip, 4), "'%s': wrong bytes", ip_rows[_i].s);
}
END_TEST

START_TEST(test_bncip_isbounce)
{
  ck_assert_int_eq(bncip_isbounce(""), 1);
  ck_assert_int_eq(bncip_isbounce("#@[]"), 1);
  ck_assert_int_eq(bncip_isbounce("user@example.com"), 0);
  ck_assert_int_eq(bncip_isbounce("#@[]x"), 0);
  ck_assert_int_eq(bncip_isbounce("owner-@host-@[]"), 0);
}
END_TEST

START_TEST(test_bncip_choose)
{
  struct bncip b;

  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_ABSENT);
  ck_assert_int_eq(bncip_choose(tmpdir, "a@b", &b), BNCSTAT_ABSENT);
  writefile("bouncingip", "127.0.0.2\n");
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_FOUND);
  ck_assert_str_eq(b.control, "bouncingip");
  ck_assert_str_eq(b.text, "127.0.0.2");
  ck_assert_int_eq(b.ip[3], 2);
  ck_assert_int_eq(bncip_choose(tmpdir, "#@[]", &b), BNCSTAT_FOUND);
  ck_assert_int_eq(bncip_choose(tmpdir, "a@b", &b), BNCSTAT_ABSENT);
  writefile("outgoingip", "127.0.0.3\n");
  ck_assert_int_eq(bncip_choose(tmpdir, "a@b", &b), BNCSTAT_FOUND);
  ck_assert_str_eq(b.control, "outgoingip");
  ck_assert_int_eq(b.ip[3], 3);
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_FOUND);
  ck_assert_int_eq(b.ip[3], 2);
  writefile("bouncingip", "0.0.0.0\n");  /* explicit default: no fallback */
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_ABSENT);
  writefile("bouncingip", "\n");         /* empty: as unset, outgoingip */
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_FOUND);
  ck_assert_int_eq(b.ip[3], 3);
  writefile("bouncingip", "mail.example.com\n");
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_BAD);
  ck_assert_str_eq(b.control, "bouncingip");
  ck_assert_str_eq(b.text, "mail.example.com");
  writefile("bouncingip", "1.2.3.4\tx\001\n");
  ck_assert_int_eq(bncip_choose(tmpdir, "", &b), BNCSTAT_BAD);
  ck_assert_str_eq(b.text, "1.2.3.4?x?");
  writefile("options", "outgoingip=127.0.0.4\n");
  {
    char p[512];
    snprintf(p, sizeof p, "%s/control/outgoingip", tmpdir);
    ck_assert_int_eq(unlink(p), 0);
  }
  ck_assert_int_eq(bncip_choose(tmpdir, "a@b", &b), BNCSTAT_FOUND);
  ck_assert_int_eq(b.ip[3], 4);
}
END_TEST

START_TEST(test_bncip_bind)
{
  struct bncip b;
  int fd;

  memset(&b, 0, sizeof b);
  ck_assert(bncip_scan("127.0.0.1", b.ip));
  fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(bncip_bind(fd, &b), 0);
  close(fd);
  ck_assert(bncip_scan("192.0.2.1", b.ip));  /* TEST-NET-1: not ours */
  fd = socket(AF_INET, SOCK_STREAM, 0);
  ck_assert_int_ge(fd, 0);
  ck_assert_int_eq(bncip_bind(fd, &b), -1);
  ck_assert_int_eq(errno, EADDRNOTAVAIL);
  close(fd);
}
END_TEST

/* ------------------------------------------------------------ bnctemp */

START_TEST(test_bnctemp_applies)
{
  static const int want[5][2] = { { 0, 0 }, { 1, 0 }, { 0, 1 }, { 1, 1 }, { 0, 0 } };
  unsigned long v = (unsigned long) _i;
  ck_assert_msg(bnctemp_applies(v, BNCTEMP_LOCAL) == want[_i][0], "temperror=%lu local", v);
  ck_assert_msg(bnctemp_applies(v, BNCTEMP_REMOTE) == want[_i][1], "temperror=%lu remote", v);
}
END_TEST

START_TEST(test_bnctemp_why)
{
  const char *l = bnctemp_why(BNCTEMP_LOCAL);
  const char *r = bnctemp_why(BNCTEMP_REMOTE);
  ck_assert(strstr(l, "delivery program") != NULL);
  ck_assert(strstr(r, "remote server") != NULL);
  ck_assert(strstr(l, "temperror") && strstr(r, "temperror"));
  ck_assert_int_eq(l[strlen(l) - 1], '\n');
  ck_assert_int_eq(r[strlen(r) - 1], '\n');
  ck_assert(!strstr(l, "\n\n") && !strstr(r, "\n\n"));
}
END_TEST

START_TEST(test_bnctemp_read)
{
  unsigned long t = 99;

  ck_assert_int_eq(bnctemp_read(tmpdir, &t), BNCSTAT_ABSENT);
  ck_assert_uint_eq(t, 0);
  writefile("options", "temperror=3\n");
  ck_assert_int_eq(bnctemp_read(tmpdir, &t), BNCSTAT_FOUND);
  ck_assert_uint_eq(t, 3);
  writefile("temperror", "4\n");
  ck_assert_int_eq(bnctemp_read(tmpdir, &t), BNCSTAT_BAD);
  ck_assert_uint_eq(t, 0);
  ck_assert_str_eq(bncopt_why, "temperror=4 is not a number from 0 to 3; using 0");
  writefile("temperror", "one\n");
  ck_assert_int_eq(bnctemp_read(tmpdir, &t), BNCSTAT_BAD);
  ck_assert_uint_eq(t, 0);
}
END_TEST

/* ------------------------------------------------ bnctrim, bncstrict */

START_TEST(test_bnctrim)
{
  ck_assert_int_eq(bnctrim("postmaster@example.com"), 0);
  ck_assert_int_eq(bnctrim("@example.com"), 1);
  ck_assert_int_eq(bnctrim(""), 1);
  ck_assert_int_eq(bnctrim("x@"), 0);
}
END_TEST

static const struct {
  const char *sender;
  unsigned long strict;
  int want;
} class_rows[] = {
  { "a@b", 0, BNC_SINGLE }, { "", 0, BNC_DOUBLE }, { "#@[]", 0, BNC_TRIPLE },
  { "a@b", 1, BNC_DOUBLE }, { "", 1, BNC_DOUBLE }, { "#@[]", 1, BNC_TRIPLE },
  { "a@b", 2, BNC_STRICT }, { "", 2, BNC_STRICT }, { "#@[]", 2, BNC_TRIPLE },
  { "a@b", 3, BNC_SINGLE }, /* out of range: stock (the reader never gives 3) */
};

START_TEST(test_bncstrict_class)
{
  int k = bncstrict_class(class_rows[_i].sender, class_rows[_i].strict);
  ck_assert_msg(k == class_rows[_i].want, "sender '%s' strictbounce=%lu: %d",
                class_rows[_i].sender, class_rows[_i].strict, k);
}
END_TEST

START_TEST(test_bncstrict_read)
{
  unsigned long s = 9;
  ck_assert_int_eq(bncstrict_read(tmpdir, &s), BNCSTAT_ABSENT);
  ck_assert_uint_eq(s, 0);
  writefile("options", "strictbounce=2\n");
  ck_assert_int_eq(bncstrict_read(tmpdir, &s), BNCSTAT_FOUND);
  ck_assert_uint_eq(s, 2);
  writefile("options", "strictbounce=3\n");
  ck_assert_int_eq(bncstrict_read(tmpdir, &s), BNCSTAT_BAD);
  ck_assert_uint_eq(s, 0);
}
END_TEST

/* ------------------------------------------------------------ bnctext */

static const struct {
  const char *name;
  const char *in;
  int rc;
  const char *out;
} subj_rows[] = {
  { "plain", "Undeliverable mail\n", 1, "Undeliverable mail" },
  { "first line only", "one\ntwo\n", 1, "one" },
  { "trim and squeeze", "  a \t  b  \r\n", 1, "a b" },
  { "control chars dropped", "a\001b\033c\n", 1, "abc" },
  { "blank", "   \n", 0, "" },
  { "hsphere single space", " ", 0, "" },
  { "empty", "", 0, "" },
  { "utf-8", "Fehler \xc3\xa4\n", 1, "=?UTF-8?B?RmVobGVyIMOk?=" },
};

START_TEST(test_bnctext_subject)
{
  char out[BNCTEXT_SUBJMAX];
  int rc = bnctext_subject(subj_rows[_i].in, strlen(subj_rows[_i].in), out, sizeof out);
  ck_assert_msg(rc == subj_rows[_i].rc, "%s: rc %d", subj_rows[_i].name, rc);
  if (rc) ck_assert_msg(!strcmp(out, subj_rows[_i].out), "%s: '%s'", subj_rows[_i].name, out);
}
END_TEST

static int b64val(char c)
{
  const char *p = strchr(bnctext_b64, c);
  return p ? (int) (p - bnctext_b64) : -1;
}

/* decode a subject made of encoded words; checks word length and that
 * no word ends inside a UTF-8 sequence */
static void decode_subject(const char *s, char *out, unsigned int *outlen)
{
  *outlen = 0;
  while (*s) {
    const char *e;
    unsigned int bits = 0, nbits = 0, start = *outlen;
    if (!strncmp(s, "\n ", 2)) s += 2;
    ck_assert_msg(!strncmp(s, "=?UTF-8?B?", 10), "not an encoded word: %s", s);
    e = strstr(s + 10, "?=");
    ck_assert_ptr_nonnull(e);
    ck_assert_msg(e + 2 - s <= 75, "encoded word longer than 75");
    /* RFC 2047 line limit 76, with "Subject: " before the first word */
    ck_assert_msg(e + 2 - s <= 76 - (int) strlen("Subject: "), "header line longer than 76");
    for (s += 10; s < e; ++s) {
      if (*s == '=') continue;
      ck_assert_int_ge(b64val(*s), 0);
      bits = (bits << 6) | (unsigned int) b64val(*s);
      nbits += 6;
      if (nbits >= 8) { nbits -= 8; out[(*outlen)++] = (char) ((bits >> nbits) & 255); }
    }
    s = e + 2;
    ck_assert_msg(*outlen == start || ((unsigned char) out[start] & 0xc0) != 0x80,
                  "word starts inside a UTF-8 character");
  }
}

START_TEST(test_bnctext_subject_long_utf8)
{
  char in[1000];
  char out[BNCTEXT_SUBJMAX];
  char dec[1000];
  unsigned int n = 0, declen, i;

  for (i = 0; i < 150; ++i) { in[n++] = (char) 0xc3; in[n++] = (char) 0xa4; } /* 300 bytes */
  ck_assert_int_eq(bnctext_subject(in, n, out, sizeof out), 1);
  decode_subject(out, dec, &declen);
  ck_assert_uint_eq(declen, 200);               /* cut at 200, on a boundary */
  ck_assert(!memcmp(dec, in, declen));
  /* ASCII longer than the limit is cut too */
  memset(in, 'x', 300);
  ck_assert_int_eq(bnctext_subject(in, 300, out, sizeof out), 1);
  ck_assert_uint_eq(strlen(out), BNCTEXT_SUBJRAW);
}
END_TEST

static const struct {
  const char *name;
  const char *in;
  int rc;
  const char *out;
} msg_rows[] = {
  { "one line", "Your mail could not be delivered.\n", 1, "Your mail could not be delivered.\n" },
  { "blank lines dropped", "a\n\n\nb\n  \n", 1, "a\nb\n" },
  { "crlf and trailing blanks", "a  \r\nb\t\r\n", 1, "a\nb\n" },
  { "no final newline", "a\nb", 1, "a\nb\n" },
  { "control chars", "a\001b\n", 1, "a?b\n" },
  { "leading dash kept inside the paragraph", "- x\n<y>\n", 1, "- x\n<y>\n" },
  { "empty", "", 0, "" },
  { "only blank lines", "\n \n\t\n", 0, "" },
};

START_TEST(test_bnctext_message)
{
  char out[BNCTEXT_MSGMAX];
  int rc = bnctext_message(msg_rows[_i].in, strlen(msg_rows[_i].in), out, sizeof out);
  ck_assert_msg(rc == msg_rows[_i].rc, "%s: rc %d", msg_rows[_i].name, rc);
  ck_assert_msg(!strcmp(out, msg_rows[_i].out), "%s: '%s'", msg_rows[_i].name, out);
  ck_assert_msg(!strstr(out, "\n\n"), "%s: blank line", msg_rows[_i].name);
}
END_TEST

START_TEST(test_bnctext_message_cap)
{
  static char in[10000];
  static char out[BNCTEXT_MSGMAX];
  unsigned int i;

  for (i = 0; i < sizeof in; ++i) in[i] = (i % 50 == 49) ? '\n' : 'x';
  ck_assert_int_eq(bnctext_message(in, sizeof in, out, sizeof out), 1);
  ck_assert_uint_le(strlen(out), BNCTEXT_MSGRAW);
  ck_assert_int_eq(out[strlen(out) - 1], '\n');
  ck_assert_uint_eq(strlen(out) % 50, 0);        /* whole lines only */
}
END_TEST

START_TEST(test_bnctext_readall)
{
  struct bnctext t;

  ck_assert_int_eq(bnctext_readall(tmpdir, &t), 0);
  ck_assert_str_eq(bnctext_subj(&t, 0), "failure notice");
  ck_assert_str_eq(bnctext_subj(&t, 1), "failure notice");
  ck_assert_ptr_null(bnctext_msg(&t, 0));
  writefile("bouncesubject", "Returned mail\n");
  writefile("doublebouncesubject", " \n");
  writefile("bouncemessage", "Sorry.\n\nAsk postmaster.\n");
  ck_assert_int_eq(bnctext_readall(tmpdir, &t), 0);
  ck_assert_str_eq(bnctext_subj(&t, 0), "Returned mail");
  ck_assert_str_eq(bnctext_subj(&t, 1), "failure notice");
  ck_assert_str_eq(bnctext_msg(&t, 0), "Sorry.\nAsk postmaster.\n");
  ck_assert_ptr_null(bnctext_msg(&t, 1));
}
END_TEST

/* found by bnctext_fuzz: with no room (outmax 1) the subject was left
 * unterminated; "use the default" must leave an empty string */
START_TEST(test_bnctext_subject_tiny_out)
{
  char out[4] = "zzz";

  ck_assert_int_eq(bnctext_subject("x\n", 2, out, 1), 0);
  ck_assert_str_eq(out, "");
  memcpy(out, "zzz", 4);
  ck_assert_int_eq(bnctext_message("x\n", 2, out, 1), 0);
  ck_assert_str_eq(out, "");
}
END_TEST

START_TEST(test_bnctext_readall_unreadable)
{
  struct bnctext t;
  char path[512];

  writefile("bouncesubject", "Returned mail\n");
  writefile("doublebouncemessage", "Double.\n");
  /* a directory where a file is expected */
  snprintf(path, sizeof path, "%s/control/bouncemessage", tmpdir);
  ck_assert_int_eq(mkdir(path, 0755), 0);
  ck_assert_int_eq(bnctext_readall(tmpdir, &t), -1);
  ck_assert_str_eq(bncopt_why, "control/bouncemessage is not a regular file");
  ck_assert_ptr_null(bnctext_msg(&t, 0));            /* that one: stock text */
  ck_assert_str_eq(bnctext_subj(&t, 0), "Returned mail");  /* the others: read */
  ck_assert_str_eq(bnctext_msg(&t, 1), "Double.\n");
}
END_TEST

/* ------------------------------------------------------------ bncbody */

struct sink {
  char *s;
  unsigned int len;
  unsigned int max;
};

static void sink_put(void *ctx, const char *s, unsigned int n)
{
  struct sink *k = ctx;
  ck_assert_uint_le(k->len + n, k->max);
  memcpy(k->s + k->len, s, n);
  k->len += n;
  k->s[k->len] = 0;
}

/* run the filter; feed in pieces of `step` bytes (0 = all at once) */
static char *run_body(const char *in, unsigned int inlen, int limited,
                      unsigned long limit, unsigned int step)
{
  static struct bncbody b;
  struct sink k;
  unsigned int pos = 0;

  k.max = inlen * 2 + 4096;
  k.s = malloc(k.max + 1);
  ck_assert_ptr_nonnull(k.s);
  k.len = 0;
  k.s[0] = 0;
  bncbody_init(&b, limited, limit, sink_put, &k);
  if (!step) step = inlen ? inlen : 1;
  while (pos < inlen) {
    unsigned int n = inlen - pos < step ? inlen - pos : step;
    bncbody_feed(&b, in + pos, n);
    pos += n;
  }
  bncbody_end(&b);
  return k.s;
}

#define M BNCBODY_MARKER

static const char plain[] =
  "Received: x\nSubject: hi\n\nline one\nline two\nline three\n";

static const char mixed[] =
  "Subject: m\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n"
  "\tboundary=\"=_outer\"\n\npreamble\n--=_outer\nContent-Type: text/plain\n\n"
  "hello\nworld\n--=_outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
  "--inner\nContent-Type: text/html\n\n<p>x</p>\n--inner--\n"
  "--=_outer\nContent-Type: message/rfc822\n\nFrom: a@b\nSubject: inner\n\ninner body\n"
  "--=_outer\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
  "QUJD\nREVG\n--=_outer--\nepilogue\n";

static const struct {
  const char *name;
  const char *in;
  int limited;
  unsigned long limit;
  const char *want;
} body_rows[] = {
  { "all is verbatim", plain, 0, 0, plain },
  { "headers only, plain", plain, 1, 0,
    "Received: x\nSubject: hi\n\n\n" M },
  { "N bytes, whole lines", plain, 1, 18,
    "Received: x\nSubject: hi\n\nline one\nline two\n\n" M },
  { "N covers everything: no marker", plain, 1, 1000, plain },
  { "header only message", "Subject: x\n", 1, 0, "Subject: x\n" },
  { "headers only, multipart skeleton", mixed, 1, 0,
    "Subject: m\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n"
    "\tboundary=\"=_outer\"\n\n--=_outer\nContent-Type: text/plain\n\n"
    "--=_outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
    "--inner\nContent-Type: text/html\n\n--inner--\n"
    "--=_outer\nContent-Type: message/rfc822\n\nFrom: a@b\nSubject: inner\n\n"
    "--=_outer\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
    "--=_outer--\n\n" M },
  { "N bytes of a multipart", mixed, 1, 15,
    "Subject: m\nMIME-Version: 1.0\nContent-Type: multipart/mixed;\n"
    "\tboundary=\"=_outer\"\n\npreamble\n--=_outer\nContent-Type: text/plain\n\n"
    "hello\n"
    "--=_outer\nContent-Type: multipart/alternative; boundary=inner\n\n"
    "--inner\nContent-Type: text/html\n\n--inner--\n"
    "--=_outer\nContent-Type: message/rfc822\n\nFrom: a@b\nSubject: inner\n\n"
    "--=_outer\nContent-Type: application/pdf\nContent-Transfer-Encoding: base64\n\n"
    "--=_outer--\n\n" M },
  { "missing closing delimiter is added",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nbody\nmore\n", 1, 0,
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b--\n\n" M },
  { "inner left open is closed before the outer delimiter",
    "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/related; boundary=i\n\n"
    "--i\n\nx\n--o--\n", 1, 0,
    "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/related; boundary=i\n\n"
    "--i\n\n--i--\n--o--\n\n" M },
  { "case-insensitive names, quoted boundary with escape, crlf",
    "CONTENT-TYPE: Multipart/Mixed; BOUNDARY=\"a\\\"b\"\r\n\r\n--a\"b\r\n\r\ntext\r\n--a\"b-- \r\n",
    1, 0,
    "CONTENT-TYPE: Multipart/Mixed; BOUNDARY=\"a\\\"b\"\r\n\r\n--a\"b\r\n\r\n--a\"b-- \r\n\n" M },
  { "boundary that never occurs",
    "Content-Type: multipart/mixed; boundary=zz\n\nonly text\n", 1, 0,
    "Content-Type: multipart/mixed; boundary=zz\n\n--zz--\n\n" M },
  { "part header without blank line before the next delimiter",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n--b--\n", 1, 0,
    "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n--b--\n" },
  { "not multipart: dashes are text",
    "Content-Type: text/plain\n\n--b\n--b--\n", 1, 4,
    "Content-Type: text/plain\n\n--b\n\n" M },
  { "multipart without boundary is text",
    "Content-Type: multipart/mixed\n\n--b\n", 1, 0,
    "Content-Type: multipart/mixed\n\n\n" M },
  { "no final newline", "Subject: x\n\nabc", 1, 10, "Subject: x\n\nabc" },
  { "uncut copy with an inner multipart left open stays the original (bncbody_fuzz)",
    "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/related; boundary=i\n\n"
    "--i\n\nx\n--o--\n", 1, 100,
    "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: multipart/related; boundary=i\n\n"
    "--i\n\nx\n--o--\n" },
  { "delimiter look-alikes are text",
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--bxy\n--bb\n--b--x\n--c\n--b--\n", 1, 0,
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b--\n\n" M },
};

START_TEST(test_bncbody_table)
{
  const char *in = body_rows[_i].in;
  unsigned int inlen = strlen(in);
  unsigned int steps[] = { 0, 1, 2, 3, 7, 64 };
  unsigned int j;

  for (j = 0; j < sizeof steps / sizeof steps[0]; ++j) {
    char *out = run_body(in, inlen, body_rows[_i].limited, body_rows[_i].limit, steps[j]);
    ck_assert_msg(!strcmp(out, body_rows[_i].want), "%s (step %u):\n--- got\n%s\n--- want\n%s",
                  body_rows[_i].name, steps[j], out, body_rows[_i].want);
    free(out);
  }
}
END_TEST

/* defect 5: the last byte written is a NUL (no LF at the end): the closing
 * delimiter still starts a line and the marker is still after a blank line */
START_TEST(test_bncbody_nul_last)
{
  static const char in1[] =
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nabc\0";
  static const char want1[] =
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\nabc\0\n--b--\n";
  static const char in2[] =
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\ndropped\n--b\nX: y\0";
  static const char want2[] =
    "Content-Type: multipart/mixed; boundary=b\n\n--b\n\n--b\nX: y\0\n--b--\n\n" M;
  static const char in3[] = "Subject: x\n\nab\0";
  static const char in4[] = "Subject: x\n\n\0";
  unsigned int steps[] = { 0, 1, 3 };
  unsigned int j;
  char *out;

  for (j = 0; j < 3; ++j) {
    out = run_body(in1, sizeof in1 - 1, 1, 100, steps[j]);
    ck_assert_msg(!memcmp(out, want1, sizeof want1), "in1 step %u: %s", steps[j], out + 47);
    free(out);
    out = run_body(in2, sizeof in2 - 1, 1, 0, steps[j]);
    ck_assert_msg(!memcmp(out, want2, sizeof want2), "in2 step %u", steps[j]);
    free(out);
    /* not shortened: no LF is added to a message that had none */
    out = run_body(in3, sizeof in3 - 1, 1, 10, steps[j]);
    ck_assert(!memcmp(out, in3, sizeof in3));
    free(out);
    out = run_body(in4, sizeof in4 - 1, 1, 10, steps[j]);
    ck_assert(!memcmp(out, in4, sizeof in4));
    free(out);
  }
}
END_TEST

START_TEST(test_bncbody_all_exact_with_nul)
{
  static const char in[] = "Subject: x\n\na\0b\n";
  char *out = run_body(in, sizeof in - 1, 0, 0, 3);
  ck_assert(!memcmp(out, in, sizeof in - 1));
  free(out);
  out = run_body(in, sizeof in - 1, 1, 100, 1);  /* limited, all fits */
  ck_assert(!memcmp(out, in, sizeof in - 1));
  free(out);
}
END_TEST

START_TEST(test_bncbody_long_lines)
{
  static char in[5000];
  char *out;
  unsigned int n;

  strcpy(in, "Subject: x\n\n");
  n = strlen(in);
  memset(in + n, 'a', 3000);
  in[n + 3000] = '\n';
  in[n + 3001] = 0;
  /* budget inside the long line: cut there and ended with LF */
  out = run_body(in, n + 3001, 1, 1500, 0);
  ck_assert_uint_eq(strlen(out), n + 1024 + 1 + 1 + strlen(M));
  ck_assert_int_eq(out[n + 1024], '\n');
  free(out);
  /* budget fits the whole line */
  out = run_body(in, n + 3001, 1, 3001, 5);
  ck_assert_str_eq(out, in);
  free(out);
  /* a long header line is kept whole */
  memset(in, 'h', 2000);
  memcpy(in, "X-Long: ", 8);
  strcpy(in + 2000, "\n\nbody\n");
  out = run_body(in, strlen(in), 1, 0, 0);
  ck_assert_uint_eq(strlen(out), 2000 + 2 + 1 + strlen(M));
  free(out);
}
END_TEST

START_TEST(test_bncbody_deep_nesting)
{
  static char in[20000];
  char *out;
  int d;

  in[0] = 0;
  for (d = 0; d < BNCBODY_DEPTH + 4; ++d) {
    char line[200];
    snprintf(line, sizeof line, "Content-Type: multipart/mixed; boundary=b%d\n\n--b%d\n", d, d);
    strcat(in, line);
  }
  strcat(in, "\ntext\n");
  out = run_body(in, strlen(in), 1, 0, 0);
  /* every opened delimiter that the filter tracked is closed, innermost first */
  for (d = BNCBODY_DEPTH - 1; d >= 0; --d) {
    char close[40];
    snprintf(close, sizeof close, "--b%d--\n", d);
    ck_assert_msg(strstr(out, close) != NULL, "level %d not closed", d);
  }
  ck_assert(strstr(out, "text") == NULL);
  free(out);
}
END_TEST

START_TEST(test_bncbody_parse)
{
  int l = 9;
  unsigned long n = 9;
  ck_assert_int_eq(bncbody_parse("all", &l, &n), 1); ck_assert_int_eq(l, 0);
  ck_assert_int_eq(bncbody_parse("headers", &l, &n), 1); ck_assert_int_eq(l, 1); ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(bncbody_parse("0", &l, &n), 1); ck_assert_int_eq(l, 1); ck_assert_uint_eq(n, 0);
  ck_assert_int_eq(bncbody_parse("5000", &l, &n), 1); ck_assert_int_eq(l, 1); ck_assert_uint_eq(n, 5000);
  ck_assert_int_eq(bncbody_parse("lots", &l, &n), 0);
  ck_assert_int_eq(bncbody_parse("-5", &l, &n), 0);
  ck_assert_int_eq(bncbody_parse("", &l, &n), 0);
  ck_assert_int_eq(bncbody_parse("99999999999", &l, &n), 0);
}
END_TEST

START_TEST(test_bncbody_read)
{
  int l = 9;
  unsigned long n = 9;
  ck_assert_int_eq(bncbody_read(tmpdir, &l, &n), BNCSTAT_ABSENT);
  ck_assert_int_eq(l, 0);
  writefile("options", "bouncebody=headers\n");
  ck_assert_int_eq(bncbody_read(tmpdir, &l, &n), BNCSTAT_FOUND);
  ck_assert_int_eq(l, 1);
  writefile("bouncebody", "2000\n");
  ck_assert_int_eq(bncbody_read(tmpdir, &l, &n), BNCSTAT_FOUND);
  ck_assert_uint_eq(n, 2000);
  writefile("bouncebody", "half\n");
  ck_assert_int_eq(bncbody_read(tmpdir, &l, &n), BNCSTAT_BAD);
  ck_assert_int_eq(l, 0);
  ck_assert(strstr(bncopt_why, "bouncebody=half is not all, headers or a number") != NULL);
}
END_TEST

/* ------------------------------------------------------------- suite */

static Suite *bounce_suite(void)
{
  Suite *s = suite_create("sppkit bounce patches");
  TCase *tc;

  tc = tcase_create("options");
  tcase_add_loop_test(tc, test_bncopt_parse, 0, sizeof parse_rows / sizeof parse_rows[0]);
  tcase_add_test(tc, test_bncopt_parse_too_long);
  tcase_add_loop_test(tc, test_bncopt_scannum, 0, sizeof num_rows / sizeof num_rows[0]);
  tcase_add_test(tc, test_bncopt_firstline);
  tcase_add_test(tc, test_bncopt_printable);
  tcase_add_test(tc, test_bncopt_value_nul);
  suite_add_tcase(s, tc);

  tc = tcase_create("options-files");
  tcase_add_checked_fixture(tc, setup_dir, teardown_dir);
  tcase_add_test(tc, test_bncopt_precedence);
  tcase_add_test(tc, test_bncopt_bad_values);
  tcase_add_test(tc, test_bncopt_unreadable);
  tcase_add_test(tc, test_bncopt_readcontrol);
  tcase_add_test(tc, test_bncip_choose);
  tcase_add_test(tc, test_bnctemp_read);
  tcase_add_test(tc, test_bncstrict_read);
  tcase_add_test(tc, test_bnctext_readall);
  tcase_add_test(tc, test_bnctext_readall_unreadable);
  tcase_add_test(tc, test_bncbody_read);
  tcase_add_test(tc, test_bncopt_not_regular);
  tcase_add_test(tc, test_bnctext_not_regular);
  tcase_add_test(tc, test_bncip_not_regular);
  tcase_add_test(tc, test_bncopt_options_large);
  tcase_add_test(tc, test_bncopt_last_wins);
  tcase_add_test(tc, test_bncstat_shared);
  suite_add_tcase(s, tc);

  tc = tcase_create("bounce-ip");
  tcase_add_loop_test(tc, test_bncip_scan, 0, sizeof ip_rows / sizeof ip_rows[0]);
  tcase_add_test(tc, test_bncip_isbounce);
  tcase_add_test(tc, test_bncip_bind);
  suite_add_tcase(s, tc);

  tc = tcase_create("temperror");
  tcase_add_loop_test(tc, test_bnctemp_applies, 0, 5);
  tcase_add_test(tc, test_bnctemp_why);
  suite_add_tcase(s, tc);

  tc = tcase_create("classify");
  tcase_add_test(tc, test_bnctrim);
  tcase_add_loop_test(tc, test_bncstrict_class, 0, sizeof class_rows / sizeof class_rows[0]);
  suite_add_tcase(s, tc);

  tc = tcase_create("bounce-text");
  tcase_add_loop_test(tc, test_bnctext_subject, 0, sizeof subj_rows / sizeof subj_rows[0]);
  tcase_add_test(tc, test_bnctext_subject_long_utf8);
  tcase_add_loop_test(tc, test_bnctext_message, 0, sizeof msg_rows / sizeof msg_rows[0]);
  tcase_add_test(tc, test_bnctext_message_cap);
  tcase_add_test(tc, test_bnctext_subject_tiny_out);
  suite_add_tcase(s, tc);

  tc = tcase_create("bounce-body");
  tcase_add_loop_test(tc, test_bncbody_table, 0, sizeof body_rows / sizeof body_rows[0]);
  tcase_add_test(tc, test_bncbody_all_exact_with_nul);
  tcase_add_test(tc, test_bncbody_nul_last);
  tcase_add_test(tc, test_bncbody_long_lines);
  tcase_add_test(tc, test_bncbody_deep_nesting);
  tcase_add_test(tc, test_bncbody_parse);
  suite_add_tcase(s, tc);
  return s;
}

int main(void)
{
  SRunner *sr = srunner_create(bounce_suite());
  int failed;

  srunner_run_all(sr, CK_NORMAL);
  failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
