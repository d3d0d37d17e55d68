/* bnctemp.h -- sppkit bounce patches: temperror.
 *
 * temperror (control/temperror, else control/options temperror=N) is a bit
 * mask: 1 = local, 2 = remote, 3 = both.  For the deliveries it covers, a
 * temporary failure that the recipient's side really reported is turned
 * into a permanent one, so the sender gets a bounce now instead of after
 * queuelifetime.  What counts (everything else stays a deferral):
 *   remote: the SMTP server answered 4xx to RCPT, to DATA, or after the
 *           message was sent;
 *   local:  a .qmail delivery program exited with a temporary code (111,
 *           or any code qmail-command(8) does not call permanent/success).
 * Never converted: DNS failures, connection failures, greeting/HELO/MAIL
 * 4xx, timeouts, tcpto, out of memory, fork/exec failures, mailbox write
 * errors, writable .qmail files, qmail-lspawn/qmail-local internal errors.
 */
#ifndef BNCTEMP_H
#define BNCTEMP_H

#define BNCTEMP_LOCAL 1
#define BNCTEMP_REMOTE 2
#define BNCTEMP_MAX 3

/* qmail-local exits with this code (instead of 111) when a .qmail program
 * failed temporarily; stock qmail-lspawn already maps 75 to a deferral */
#define BNCTEMP_PROGEXIT 75

/* pure: 1 if temperror covers that kind of delivery (BNCTEMP_LOCAL/REMOTE) */
int bnctemp_applies(unsigned long temperror, int kind);
/* pure: the line appended to the failure report (ends with LF) */
const char *bnctemp_why(int kind);
/* the setting under DIR; 0 when unset, unreadable or bad (bncopt_why) */
int bnctemp_read(const char *dir, unsigned long *temperror);

#endif
