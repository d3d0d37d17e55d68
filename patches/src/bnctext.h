/* bnctext.h -- sppkit bounce patches: custom bounce subject and text.
 *
 * Controls (own files only; control/options is one line per name and
 * cannot hold a text):
 *   bouncesubject, doublebouncesubject: first line of the file.  White
 *     space is trimmed, control characters dropped, at most 200 bytes
 *     kept (never splitting a UTF-8 sequence); 8-bit text is sent as
 *     RFC 2047 encoded words (charset UTF-8), one per header line of at
 *     most 76 columns.  Missing or blank (H-Sphere
 *     writes a single space) means "failure notice".
 *   bouncemessage, doublebouncemessage: up to 4000 bytes.  The text
 *     replaces the stock sentences that follow the first intro line
 *     "Hi. This is the qmail-send program at <bouncehost>." and so stays
 *     inside the QSBMF introductory paragraph: blank lines are dropped,
 *     CR and trailing white space removed, control characters become '?'.
 *     Missing or blank means the stock sentences.
 */
#ifndef BNCTEXT_H
#define BNCTEXT_H

#define BNCTEXT_SUBJRAW 200   /* bytes of subject text kept */
#define BNCTEXT_SUBJMAX 800   /* room for the encoded subject */
/* RFC 2047: a header line with encoded words has at most 76 columns;
 * "Subject: " + "=?UTF-8?B?" + 52 base64 + "?=" = 73 */
#define BNCTEXT_WORDRAW 39
#define BNCTEXT_WORDMAX (10 + 4 * ((BNCTEXT_WORDRAW + 2) / 3) + 2)
#define BNCTEXT_MSGRAW 4000   /* bytes of message file read */
#define BNCTEXT_MSGMAX 4100   /* room for the cleaned message */

/* pure: 1 custom subject in out (NUL-terminated), 0 use the default
 * (out is then the empty string, if outmax > 0) */
int bnctext_subject(const char *in, unsigned int len, char *out,
                    unsigned int outmax);
/* pure: 1 custom text in out (lines ending LF, no blank line), 0 none */
int bnctext_message(const char *in, unsigned int len, char *out,
                    unsigned int outmax);
struct bnctext {
  char subject[2][BNCTEXT_SUBJMAX];  /* [0] single, [1] double bounce */
  char message[2][BNCTEXT_MSGMAX];
};

/* read all four controls under DIR; 0 ok, -1 one was unreadable
 * (bncopt_why; the others are still read, that one keeps the stock text) */
int bnctext_readall(const char *dir, struct bnctext *t);
/* the subject to use: custom or "failure notice" */
const char *bnctext_subj(const struct bnctext *t, int flagdouble);
/* the custom intro text, or 0 for the stock sentences */
const char *bnctext_msg(const struct bnctext *t, int flagdouble);

/* read control/NAME under DIR and clean it (subject if flagsubject);
 * 1 custom, 0 default, -1 unreadable (bncopt_why says why) */
int bnctext_read(const char *dir, const char *name, int flagsubject,
                 char *out, unsigned int outmax);

#endif
