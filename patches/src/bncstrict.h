/* bncstrict.h -- sppkit bounce patches: strictbounce.
 *
 * strictbounce (control/strictbounce, else control/options
 * strictbounce=N):
 *   0  stock;
 *   1  a single bounce (the failed message had a sender) is sent the way
 *      a double bounce is: envelope sender "#@[]", recipient
 *      doublebounceto@doublebouncehost.  Its text stays the single-bounce
 *      text, because it reports the original failure.  If it fails in
 *      turn, its "#@[]" sender makes it a triple bounce: no loop;
 *   2  single and double bounces are discarded like triple bounces.
 * The "#@[]" marker itself is never changed.
 */
#ifndef BNCSTRICT_H
#define BNCSTRICT_H

#define BNCSTRICT_MAX 2

#define BNC_SINGLE 1   /* send to the original sender, from "" */
#define BNC_DOUBLE 2   /* send to doublebounceto, from "#@[]" */
#define BNC_TRIPLE 3   /* the sender was "#@[]": discard (stock) */
#define BNC_STRICT 4   /* discarded because of strictbounce=2 */

/* pure: what to do with the bounce of a message sent by SENDER */
int bncstrict_class(const char *sender, unsigned long strictbounce);
/* the setting under DIR; 0 when unset, unreadable or bad (bncopt_why) */
int bncstrict_read(const char *dir, unsigned long *strictbounce);

#endif
