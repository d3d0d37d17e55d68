/* bnctrim.h -- sppkit bounce patches: doublebounce-trim.
 *
 * A double bounce is discarded, not queued, when the first line of
 * control/doublebounceto exists and is empty (or holds only an "@..."),
 * i.e. when qmail-send's assembled doublebounceto@doublebouncehost
 * starts with '@'.  A missing file still means "postmaster".
 */
#ifndef BNCTRIM_H
#define BNCTRIM_H

/* pure: 1 if the assembled double-bounce recipient says "discard" */
int bnctrim(const char *doublebounceto);

#endif
