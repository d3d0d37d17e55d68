#!/bin/bash
# sandbox.sh -- the qmail-send/qmail-remote patch series on a real qmail.
#
# With QMAIL_SRC (a notqmail 1.09 or netqmail 1.06 tree, with or without
# qmail-spp) this test:
#   1. applies the matching series to a copy (patches/apply-series: no
#      fuzz, no offset), builds it, and for notqmail runs its own
#      "make test" (Check unit tests);
#   2. builds an unpatched qmail-send from the same tree, for the
#      "options off = byte-identical bounce" check;
#   3. creates its own users and groups (sppq<4 hex><role>), installs the
#      patched qmail into a scratch home under /tmp, configures a local
#      domain sandbox.test and routes remote.test to a loopback SMTP
#      listener (smtpsink.pl, 127.0.0.1) that answers 4xx/5xx as scripted
#      and records the peer address;
#   4. runs real qmail-start/qmail-send once per control set and checks,
#      from the delivered messages (a .qmail program stores each one with
#      its envelope), the qmail-send log and the listener's log: bounce
#      envelope and recipient (single, double, triple), QSBMF validity
#      (qsbmf.pl), custom text, body policy and MIME skeleton
#      (mimecheck.pl), temperror for a local exit 111 and a remote 4xx
#      versus infrastructure failures, the bounce source address, and bad
#      control values (log line + fallback).
# Everything (processes, users, groups, files) is removed at exit; KEEP=1
# keeps the scratch directory.  Needs root.  Without QMAIL_SRC it skips.
set -u

if [ -z "${QMAIL_SRC:-}" ]; then
  echo "SKIP: patched qmail-send/qmail-remote in a scratch qmail home (set QMAIL_SRC)"
  exit 77
fi
if [ "$(id -u)" != 0 ]; then
  echo "FAIL: tests/patches/sandbox.sh must run as root (it adds users and runs qmail-start)"
  exit 1
fi
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
T=$SRCDIR/tests/patches
t0=$(date +%s)

W=$(mktemp -d /tmp/sppq.XXXXXX) || exit 1
chmod 755 "$W"
Q=$W/qmail          # scratch qmail home
OUT=$W/out          # messages stored by the catch program
LOG=$W/send.log     # qmail-send log of the current run
SINKLOG=$W/sink.log
DOM=sandbox.test
# unique names: retry while any of them is taken; only what we created is removed
for _ in 1 2 3 4 5 6 7 8; do
  sfx=$(printf '%04x' $(( ($$ * 7 + RANDOM) % 65536 )))
  U=sppq$sfx
  taken=0
  for n in a d l p q r s u m n; do
    getent passwd "$U$n" > /dev/null || getent group "$U$n" > /dev/null && taken=1
  done
  [ $taken = 0 ] && break
done
[ $taken = 0 ] || { echo "FAIL: sandbox: no free user names"; exit 1; }
USERS=     # users and groups this run created, removed at exit
GROUPS_=
TU=${U}u            # the test user; mail to $TU@$DOM
QPID=
SINKPID=
npass=0
nfail=0

say() { echo "sandbox: $*"; }
ok() { npass=$((npass + 1)); echo "ok - $*"; }
notok() { nfail=$((nfail + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

stop_qmail() {
  [ -n "$QPID" ] || return 0
  kill -TERM "$QPID" 2>/dev/null
  for _ in $(seq 1 50); do kill -0 "$QPID" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$QPID" 2>/dev/null
  for _ in $(seq 1 50); do
    [ -z "$(ps -o pid= -g "$QPID" 2>/dev/null)" ] && break
    sleep 0.1
  done
  wait "$QPID" 2>/dev/null
  QPID=
}

cleanup() {
  stop_qmail
  if [ -n "$SINKPID" ]; then kill "$SINKPID" 2>/dev/null; wait "$SINKPID" 2>/dev/null; fi
  for u in $USERS; do userdel "$u" >/dev/null 2>&1; done
  for g in $GROUPS_; do groupdel "$g" >/dev/null 2>&1; done
  if [ "${KEEP:-0}" = 1 ]; then say "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

die() { echo "FAIL: sandbox: $*"; exit 1; }

# ------------------------------------------------------------ build
series=
if grep -q 'qslog2' "$QMAIL_SRC/qmail-send.c" 2>/dev/null; then series=notqmail-1.09
elif grep -q 'log2("bounce msg' "$QMAIL_SRC/qmail-send.c" 2>/dev/null; then series=netqmail-1.06
else die "$QMAIL_SRC is neither notqmail 1.09 nor netqmail 1.06"; fi
say "series $series on $QMAIL_SRC, scratch $W, users $U*"

"$SRCDIR/patches/apply-series" "$QMAIL_SRC" "$W/src" "$series" > "$W/apply.log" 2>&1
rc=$?
check "series $series applies in order without fuzz or offset" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { cat "$W/apply.log"; die "cannot apply the series"; }

mkdir -p "$W/stock" && (cd "$QMAIL_SRC" && tar -cf - --exclude=.git .) | (cd "$W/stock" && tar -xf -)

addgroup_() { groupadd "$1" || die "groupadd $1 failed"; GROUPS_="$GROUPS_ $1"; }
adduser_() { useradd -M -d "$2" -s "$3" ${4:+-g "$4"} "$1" || die "useradd $1 failed"; USERS="$USERS $1"; }
addgroup_ "${U}m"
addgroup_ "${U}n"
mkdir -p "$Q" "$W/home/$TU" "$OUT" "$W/bin"
adduser_ "${U}a" "$Q/alias" /usr/sbin/nologin "${U}n"
for r in d l p; do adduser_ "${U}$r" "$Q" /usr/sbin/nologin "${U}n"; done
for r in q r s; do adduser_ "${U}$r" "$Q" /usr/sbin/nologin "${U}m"; done
adduser_ "$TU" "$W/home/$TU" /bin/sh "${U}n"
chown "$TU" "$W/home/$TU" && chmod 755 "$W/home/$TU"
chmod 1777 "$OUT"

for d in "$W/src" "$W/stock"; do
  echo "$Q" > "$d/conf-qmail"
  printf '%s\n' "${U}a" "${U}d" "${U}l" root "${U}p" "${U}q" "${U}r" "${U}s" > "$d/conf-users"
  printf '%s\n' "${U}m" "${U}n" > "$d/conf-groups"
done

say "building (make it man; stock qmail-send in parallel) at $(( $(date +%s) - t0 )) s"
(cd "$W/stock" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make qmail-send > "$W/stock.log" 2>&1) &
stockpid=$!
(cd "$W/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -j2 it man NROFF=true > "$W/build.log" 2>&1)
rc=$?
wait $stockpid
src=$?
check "patched tree builds" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { tail -30 "$W/build.log"; die "build failed"; }
check "unpatched qmail-send builds" [ $src -eq 0 ]
[ $src -eq 0 ] || { tail -30 "$W/stock.log"; die "stock build failed"; }

if [ -f "$W/src/tests/Makefile" ]; then
  (cd "$W/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make test > "$W/maketest.log" 2>&1)
  rc=$?
  grep '^[0-9]*%: Checks' "$W/maketest.log" | sed 's/^/sandbox: qmail make test: /'
  check "the patched tree's own make test passes" [ $rc -eq 0 ]
  [ $rc -eq 0 ] || tail -20 "$W/maketest.log"
fi

(cd "$W/src" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make setup check > "$W/install.log" 2>&1)
rc=$?
check "make setup check installs into the scratch home" [ $rc -eq 0 ]
[ $rc -eq 0 ] || { tail -20 "$W/install.log"; die "install failed"; }
cp "$Q/bin/qmail-send" "$W/bin/qmail-send.patched"
cp "$W/stock/qmail-send" "$W/bin/qmail-send.stock"

# ------------------------------------------------------------ configure
cat > "$W/bin/catch" <<EOF
#!/bin/sh
# catch NAME: store the message and its envelope (qmail-command(8))
f=$OUT/\$1.\$\$.\$(date +%s%N)
cat > "\$f.eml" || exit 111
printf '%s\n%s\n' "\$SENDER" "\$RECIPIENT" > "\$f.tmp" && mv "\$f.tmp" "\$f.env" || exit 111
EOF
chmod 755 "$W/bin/catch"

echo "$DOM" > "$Q/control/me"
echo "$DOM" > "$Q/control/locals"
# the listener: try a few random ports; CLOSED is one nobody listens on
for _ in 1 2 3 4 5; do
  PORT=$(( 20000 + RANDOM % 20000 ))
  perl "$T/smtpsink.pl" 127.0.0.1 "$PORT" "$SINKLOG" 300 > "$W/sink.out" 2>&1 &
  SINKPID=$!
  for _ in $(seq 1 50); do grep -q ready "$W/sink.out" 2>/dev/null && break; kill -0 $SINKPID 2>/dev/null || break; sleep 0.1; done
  grep -q ready "$W/sink.out" && break
  kill "$SINKPID" 2>/dev/null; wait "$SINKPID" 2>/dev/null; SINKPID=
done
[ -n "$SINKPID" ] || die "smtpsink did not start: $(cat "$W/sink.out")"
for CLOSED in $(seq $((PORT + 1)) $((PORT + 50))); do
  perl -MIO::Socket::INET -e 'exit(IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $ARGV[0]) ? 1 : 0)' "$CLOSED" && break
done
# loopback only: any other remote domain goes to the closed port, never to DNS
printf 'remote.test:127.0.0.1:%s\nrefused.test:127.0.0.1:%s\n:127.0.0.1:%s\n' "$PORT" "$CLOSED" "$CLOSED" > "$Q/control/smtproutes"
for a in postmaster mailer-daemon root; do
  echo "|$W/bin/catch postmaster" > "$Q/alias/.qmail-$a"
  chown "${U}a" "$Q/alias/.qmail-$a"; chmod 644 "$Q/alias/.qmail-$a"
done
H=$W/home/$TU
echo "|$W/bin/catch u" > "$H/.qmail"
printf '%s\n' '|echo program says try later; exit 111' > "$H/.qmail-tmp"
echo "|$W/bin/catch u" > "$H/.qmail-writable"
chown "$TU" "$H"/.qmail*
chmod 644 "$H"/.qmail*
chmod 666 "$H/.qmail-writable"   # qmail-local's own "Uh-oh" temporary error


# ------------------------------------------------------------ messages
M=$W/msgs
mkdir -p "$M"
printf 'From: %s@%s\nTo: nobody\nSubject: test %s\nMessage-Id: <%s@%s>\n\nThis is a test message.\nSecond line.\n' \
  "$TU" "$DOM" plain plain "$DOM" > "$M/plain"
cat > "$M/mime" <<'EOF'
From: someone@sandbox.test
Subject: a MIME message
MIME-Version: 1.0
Content-Type: multipart/mixed;
	boundary="=_outer_1"

This is a multi-part message in MIME format.
--=_outer_1
Content-Type: text/plain; charset=us-ascii

FIRSTPART line one of the first part
FIRSTPART line two of the first part
FIRSTPART line three of the first part
--=_outer_1
Content-Type: multipart/alternative; boundary=inner2

--inner2
Content-Type: text/html

<p>SECRETHTML</p>
--inner2--
--=_outer_1
Content-Type: message/rfc822

From: inner@example.com
Subject: forwarded

SECRETFORWARD body
--=_outer_1
Content-Type: application/octet-stream
Content-Transfer-Encoding: base64

U0VDUkVUQkFTRTY0U0VDUkVUQkFTRTY0
U0VDUkVUQkFTRTY0U0VDUkVUQkFTRTY0
--=_outer_1--
EOF
{ printf 'From: %s@%s\nSubject: long plain\n\n' "$TU" "$DOM"; for i in $(seq 1 40); do echo "LONGLINE $i of a long plain body"; done; } > "$M/long"

# inject FROM TO MSGFILE -- straight into qmail-queue (exact bytes)
inject() {
  printf 'F%s\0T%s\0\0' "$1" "$2" > "$W/envelope"
  "$Q/bin/qmail-queue" < "$3" 1< "$W/envelope" || notok "qmail-queue accepts mail from <$1> to <$2>"
}

CONTROLS="bouncefrom bouncehost bouncingip outgoingip options temperror strictbounce bouncebody bouncesubject
  bouncemessage doublebouncesubject doublebouncemessage doublebounceto doublebouncehost"

# start_run NAME -- empty queue, mailboxes and logs; write controls with ctl; start
start_run() {
  RUN=$1
  say "run $RUN"
  : > "$LOG"
  chown "${U}l" "$LOG"
  : > "$SINKLOG"
  rm -f "$OUT"/*
  (
    cd / && exec setsid env - PATH="$Q/bin:/usr/bin:/bin" "$Q/bin/qmail-start" ./Mailbox \
      /bin/sh -c "exec cat >> $LOG"
  ) < /dev/null > /dev/null 2>&1 &
  QPID=$!
  wait_for "qmail-send started" 10 grep -q 'status: local 0/' "$LOG"
}

end_run() {
  stop_qmail
  find "$Q/queue/mess" "$Q/queue/info" "$Q/queue/local" "$Q/queue/remote" \
    "$Q/queue/bounce" "$Q/queue/todo" "$Q/queue/intd" -type f -delete 2>/dev/null
  rm -f "$Q/queue/lock/tcpto"; touch "$Q/queue/lock/tcpto"; chown "${U}r" "$Q/queue/lock/tcpto"
  for c in $CONTROLS; do rm -f "$Q/control/$c"; done
}
ctl() { printf '%b' "$2" > "$Q/control/$1"; chmod 644 "$Q/control/$1"; }

# wait_for WHAT SECONDS CMD... -- poll until CMD succeeds
wait_for() {
  local what=$1 secs=$2; shift 2
  local n=$((secs * 10))
  while [ $n -gt 0 ]; do "$@" 2>/dev/null && return 0; sleep 0.1; n=$((n - 1)); done
  notok "$RUN: timed out waiting for: $what"
  return 1
}
count() { ls "$OUT"/"$1".*.env 2>/dev/null | wc -l; }
has_count() { [ "$(count "$1")" -ge "$2" ]; }
# the result of the delivery to RCPT from the log: "success: ...", "deferral: ..." or "failure: ..."
result_of() {
  perl -ne 'BEGIN { $r = shift } if (/starting delivery (\d+): msg \d+ to \w+ (\S+-)?\Q$r\E$/) { $d = $1 }
            if (defined $d && /delivery \Q$d\E: (success|deferral|failure): (.*)$/) { print "$1: $2\n"; exit }' "$1" "$LOG"
}
has_result() { [ -n "$(result_of "$1")" ]; }
# find the stored message for mailbox NAME whose QSBMF recipient is RCPT
find_bounce() {
  local f
  for f in "$OUT"/"$1".*.eml; do
    [ -f "$f" ] || continue
    if perl "$T/qsbmf.pl" "$f" 2>/dev/null | grep -qx "recipient: $2"; then echo "$f"; return 0; fi
  done
  return 1
}
env_of() { sed -n "$2p" "${1%.eml}.env"; }
queue_empty() { [ -z "$(find "$Q/queue/mess" "$Q/queue/bounce" -type f 2>/dev/null)" ]; }
sink_has() { grep -qxF -- "$1" "$SINKLOG"; }
log_count_ge() { [ "$(grep -cF -- "$1" "$LOG")" -ge "$2" ]; }
sink_count_ge() { [ "$(grep -cF -- "$1" "$SINKLOG")" -ge "$2" ]; }
logged() { grep -qF -- "$1" "$LOG"; }
# normalise what differs between two runs: dates, pids, qp numbers
normalise() {
  perl -pe 's/^Date: .*/Date: X/; s/^Received: \(qmail \d+ invoked (by uid \d+|for bounce)\); .*/Received: (qmail N invoked $1); X/' "$1"
}
qsbmf_ok() { perl "$T/qsbmf.pl" "$1" "${2:-/dev/null}" > "$1.qsbmf" 2>&1 && grep -qx ok "$1.qsbmf"; }
qs() { grep -x "$2" "$1.qsbmf" > /dev/null; }
bounce_ok() { [ -n "$1" ] && qsbmf_ok "$1" "${2:-/dev/null}"; }

say "installed at $(( $(date +%s) - t0 )) s"
# ------------------------------------------------------------ run 0: stock qmail-send
cp "$W/bin/qmail-send.stock" "$Q/bin/qmail-send"
start_run stock
inject "$TU@$DOM" "nosuch@$DOM" "$M/plain"
inject "nosuch2@$DOM" "nosuch3@$DOM" "$M/plain"
wait_for "stock single bounce" 20 has_count u 1
wait_for "stock double bounce" 20 has_count postmaster 1
end_run
mkdir -p "$W/stockout" && cp "$OUT"/* "$W/stockout/" 2>/dev/null
cp "$W/bin/qmail-send.patched" "$Q/bin/qmail-send"

# ------------------------------------------------------------ run 1: patched, every option off
start_run off
inject "$TU@$DOM" "nosuch@$DOM" "$M/plain"
inject "nosuch2@$DOM" "nosuch3@$DOM" "$M/plain"
inject "$TU@$DOM" "$TU-tmp@$DOM" "$M/plain"
inject "$TU@$DOM" "tmp450-a@remote.test" "$M/plain"
inject "$TU@$DOM" "ok-a@remote.test" "$M/plain"
inject "r1@remote.test" "nosuch4@$DOM" "$M/plain"
wait_for "single bounce" 20 has_count u 1
wait_for "double bounce" 20 has_count postmaster 1
wait_for "exit 111 delivery" 20 has_result "$TU-tmp@$DOM"
wait_for "remote 450" 20 has_result "tmp450-a@remote.test"
wait_for "remote bounce delivered" 20 sink_has "peer=127.0.0.1 from=<> rcpt=<r1@remote.test> result=250"
end_run
b=$(find_bounce u "nosuch@$DOM")
check "off: single bounce reaches the sender" [ -n "$b" ]
if [ -n "$b" ]; then
  check "off: single bounce envelope sender is empty" [ "$(env_of "$b" 1)" = "" ]
  check "off: single bounce goes to the original sender" [ "$(env_of "$b" 2)" = "$TU@$DOM" ]
  check "off: single bounce is valid QSBMF" qsbmf_ok "$b" "$W/copy1"
  check "off: subject is 'failure notice'" qs "$b" "subject: failure notice"
  check "off: reason is qmail-local's" qs "$b" "reason: Sorry, no mailbox here by that name. (#5.1.1)"
  check "off: break line and Return-Path" qs "$b" "return-path: $TU@$DOM"
  check "off: the copy is the whole original" cmp -s <(tail -c "$(wc -c < "$M/plain")" "$W/copy1") "$M/plain"
  sb=$(ls "$W/stockout"/u.*.eml 2>/dev/null | head -1)
  check "off: single bounce byte-identical to stock qmail-send (dates, pids aside)" \
    cmp -s <(normalise "$b") <(normalise "$sb")
fi
b=$(find_bounce postmaster "nosuch2@$DOM")
check "off: double bounce reaches postmaster" [ -n "$b" ]
if [ -n "$b" ]; then
  check "off: double bounce envelope sender is #@[]" [ "$(env_of "$b" 1)" = "#@[]" ]
  check "off: double bounce recipient is doublebounceto@doublebouncehost" [ "$(env_of "$b" 2)" = "postmaster@$DOM" ]
  check "off: double bounce is valid QSBMF" qsbmf_ok "$b"
  check "off: double bounce says the bounce bounced" qs "$b" "intro: I tried to deliver a bounce message to this address, but the bounce bounced!"
  sb=$(ls "$W/stockout"/postmaster.*.eml 2>/dev/null | head -1)
  check "off: double bounce byte-identical to stock qmail-send" cmp -s <(normalise "$b") <(normalise "$sb")
fi
r=$(result_of "$TU-tmp@$DOM")
check "off: a local exit 111 is a deferral ($r)" [ "${r%%:*}" = deferral ]
r=$(result_of "tmp450-a@remote.test")
check "off: a remote 450 is a deferral" [ "${r%%:*}" = deferral ]
check "off: normal remote mail leaves from 127.0.0.1" sink_has "peer=127.0.0.1 from=<$TU@$DOM> rcpt=<ok-a@remote.test> result=250"
check "off: a remote bounce leaves from 127.0.0.1 with sender <>" sink_has "peer=127.0.0.1 from=<> rcpt=<r1@remote.test> result=250"

# ------------------------------------------------------------ run 2: triple bounce, temperror=1, bad values
ctl doublebounceto 'nosuchpm\n'
ctl options 'temperror=1\nstrictbounce=9\nbouncebody=half\n'
start_run triple
inject "$TU@$DOM" "nosuch@$DOM" "$M/plain"
inject "nosuch2@$DOM" "nosuch3@$DOM" "$M/plain"
inject "$TU@$DOM" "$TU-tmp@$DOM" "$M/plain"
wait_for "two bounces" 20 has_count u 2
wait_for "triple bounce" 20 logged "triple bounce: discarding bounce/"
wait_for "queue empty" 20 queue_empty
end_run
check "triple: log says strictbounce=9 is bad and 0 is used" logged "warning: strictbounce=9 is not a number from 0 to 2; using 0"
check "triple: log says bouncebody=half is bad and all is used" logged "warning: bouncebody=half is not all, headers or a number up to 1000000000; using all"
check "triple: the double bounce to nosuchpm is discarded as a triple bounce" logged "triple bounce: discarding bounce/"
check "triple: no mail reaches postmaster" [ "$(count postmaster)" -eq 0 ]
check "triple: the discard removed the bounce file (queue empty)" queue_empty
b=$(find_bounce u "nosuch@$DOM")
check "triple: with strictbounce=9 (fallback 0) the single bounce is stock" bounce_ok "$b" "$W/copy2"
[ -n "$b" ] && check "triple: with bouncebody=half (fallback all) the copy is whole" \
  cmp -s <(tail -c "$(wc -c < "$M/plain")" "$W/copy2") "$M/plain"
b=$(find_bounce u "$TU-tmp@$DOM")
check "temperror=1: the exit 111 delivery bounces at once" [ -n "$b" ]
if [ -n "$b" ]; then
  check "temperror=1: bounce is valid QSBMF" qsbmf_ok "$b"
  check "temperror=1: the bounce says why" \
    qs "$b" "reason: program says try later|This temporary failure of the delivery program is treated as permanent (temperror)."
fi

# ------------------------------------------------------------ run 3: temperror=3 (own file wins over options)
ctl temperror '3\n'
ctl options 'temperror=0\n'
start_run temperror
inject "$TU@$DOM" "$TU-writable@$DOM" "$M/plain"
inject "$TU@$DOM" "$TU-tmp@$DOM" "$M/plain"
inject "$TU@$DOM" "tmp450-b@remote.test" "$M/plain"
inject "$TU@$DOM" "data451-b@remote.test" "$M/plain"
inject "$TU@$DOM" "after452-b@remote.test" "$M/plain"
inject "$TU@$DOM" "x@refused.test" "$M/plain"
wait_for "four bounces" 30 has_count u 4
wait_for "writable .qmail result" 20 has_result "$TU-writable@$DOM"
wait_for "refused connection result" 20 has_result "x@refused.test"
end_run
r=$(result_of "$TU-writable@$DOM")
check "temperror=3: qmail-local's own error (writable .qmail) stays a deferral" [ "${r%%:*}" = deferral ]
check "temperror=3: ... and says why (${r:0:60})" grep -q 'writable' <<< "$r"
r=$(result_of "x@refused.test")
check "temperror=3: a refused connection stays a deferral" [ "${r%%:*}" = deferral ]
check "temperror=3: ... with qmail-remote's connect text" grep -q "establish_an_SMTP_connection" <<< "$r"
for x in "$TU-tmp@$DOM:This temporary failure of the delivery program" \
         "tmp450-b@remote.test:Remote host said: 450 mailbox busy" \
         "data451-b@remote.test:Remote host said: 451 local error" \
         "after452-b@remote.test:Remote host said: 452 insufficient"; do
  rc=${x%%:*} why=${x#*:}
  b=$(find_bounce u "$rc")
  check "temperror=3: $rc bounces" [ -n "$b" ]
  if [ -n "$b" ]; then
    check "temperror=3: $rc bounce is QSBMF with the reason ($why)" qsbmf_ok "$b"
    check "temperror=3: $rc reason" grep -qF "$why" "$b.qsbmf"
    check "temperror=3: $rc says temperror" grep -q 'treated as permanent (temperror)' "$b.qsbmf"
  fi
done

# ------------------------------------------------------------ run 4: strictbounce=1, temperror=abc
ctl options 'strictbounce=1\ntemperror=abc\n'
start_run strict1
inject "$TU@$DOM" "nosuch@$DOM" "$M/plain"
inject "$TU@$DOM" "$TU-tmp@$DOM" "$M/plain"
wait_for "bounce to postmaster" 20 has_count postmaster 1
wait_for "exit 111 result" 20 has_result "$TU-tmp@$DOM"
end_run
check "strict1: log says temperror=abc is bad and 0 is used" logged "warning: temperror=abc is not a number from 0 to 3; using 0"
r=$(result_of "$TU-tmp@$DOM")
check "strict1: with temperror=abc (fallback 0) exit 111 is a deferral" [ "${r%%:*}" = deferral ]
check "strict1: the sender gets no bounce" [ "$(count u)" -eq 0 ]
b=$(find_bounce postmaster "nosuch@$DOM")
check "strict1: the single bounce goes to doublebounceto" [ -n "$b" ]
if [ -n "$b" ]; then
  check "strict1: envelope sender #@[]" [ "$(env_of "$b" 1)" = "#@[]" ]
  check "strict1: envelope recipient postmaster@$DOM" [ "$(env_of "$b" 2)" = "postmaster@$DOM" ]
  check "strict1: valid QSBMF with the single-bounce text" qsbmf_ok "$b"
  check "strict1: To: is doublebounceto" qs "$b" "to: postmaster@$DOM"
  check "strict1: Return-Path is the original sender" qs "$b" "return-path: $TU@$DOM"
fi

# ------------------------------------------------------------ run 5: strictbounce=2
ctl strictbounce '2\n'
start_run strict2
inject "$TU@$DOM" "nosuch@$DOM" "$M/plain"
inject "nosuch2@$DOM" "nosuch3@$DOM" "$M/plain"
wait_for "two discards" 20 log_count_ge 'strictbounce: discarding bounce/' 2
wait_for "queue empty" 20 queue_empty
end_run
check "strict2: single and double bounce discarded with their own log line" test "$(grep -c 'strictbounce: discarding bounce/' "$LOG")" -eq 2
check "strict2: nothing delivered" [ "$(ls "$OUT" | wc -l)" -eq 0 ]
check "strict2: bounce files removed (queue empty)" queue_empty

# ------------------------------------------------------------ run 6: doublebounce-trim
ctl doublebounceto '\n'
start_run trim
inject "$TU@$DOM" "nosuch@$DOM" "$M/plain"
inject "nosuch2@$DOM" "nosuch3@$DOM" "$M/plain"
wait_for "single bounce" 20 has_count u 1
wait_for "double bounce discarded" 20 logged "double bounce: discarding bounce/"
wait_for "queue empty" 20 queue_empty
end_run
check "trim: double bounce discarded without queuing" logged "double bounce: discarding bounce/"
check "trim: no mail to postmaster" [ "$(count postmaster)" -eq 0 ]
check "trim: single bounces still delivered" [ -n "$(find_bounce u "nosuch@$DOM")" ]
check "trim: bounce file removed (queue empty)" queue_empty

# ------------------------------------------------------------ run 7: bounce text + headers-only body
SUBJ='Undelivered mail – ünïcode'
ctl bouncesubject "$SUBJ\\n"
ctl bouncemessage 'Your message could not be delivered.\n\n   \nPlease check the address.\n'
ctl doublebouncesubject 'Double bounce at sandbox\n'
ctl doublebouncemessage 'A bounce could not be delivered.\n'
ctl bouncebody 'headers\n'
ctl bouncefrom 'bounces\n'
ctl bouncehost 'bh.sandbox.test\n'
start_run text
inject "$TU@$DOM" "nosuch@$DOM" "$M/mime"
inject "nosuch2@$DOM" "nosuch3@$DOM" "$M/plain"
wait_for "single bounce" 20 has_count u 1
wait_for "double bounce" 20 has_count postmaster 1
end_run
b=$(find_bounce u "nosuch@$DOM")
check "text: custom single bounce delivered" [ -n "$b" ]
if [ -n "$b" ]; then
  check "text: valid QSBMF" qsbmf_ok "$b" "$W/copy7"
  got=$(perl -MEncode -ne 'BEGIN{$/=undef} /^Subject: (.*?)\n(?![ \t])/ms and do { ($s=$1) =~ s/\n[ \t]+/ /g; print encode("UTF-8", decode("MIME-Header", $s)) }' "$b")
  check "text: 8-bit subject sent as encoded words and decodes back ($got)" [ "$got" = "$SUBJ" ]
  check "text: body still starts 'Hi. This is the qmail-send program at <bouncehost>'" qs "$b" "intro: Hi. This is the qmail-send program at bh.sandbox.test."
  check "text: From: is still bouncefrom@bouncehost" qs "$b" "from: bounces@bh.sandbox.test"
  check "text: custom text inside the intro, blank lines dropped" \
    bash -c "grep -x 'intro: .*' '$b.qsbmf' | cut -c8- | cmp -s - <(printf '%s\n' 'Hi. This is the qmail-send program at bh.sandbox.test.' 'Your message could not be delivered.' 'Please check the address.')"
  check "text: recipient paragraph intact" qs "$b" "reason: Sorry, no mailbox here by that name. (#5.1.1)"
  check "headers: copy keeps the MIME skeleton" \
    [ "$(perl "$T/mimecheck.pl" "$W/copy7")" = "$(perl "$T/mimecheck.pl" "$M/mime")" ]
  check "headers: copy has no body text" bash -c "! grep -q 'SECRET\|FIRSTPART\|U0VD' '$W/copy7'"
  check "headers: copy says it was shortened" grep -q 'This copy of the message was shortened (control/bouncebody)' "$W/copy7"
fi
b=$(find_bounce postmaster "nosuch2@$DOM")
check "text: custom double bounce delivered" [ -n "$b" ]
if [ -n "$b" ]; then
  check "text: double bounce valid QSBMF" qsbmf_ok "$b"
  check "text: double bounce subject" qs "$b" "subject: Double bounce at sandbox"
  check "text: double bounce text" qs "$b" "intro: A bounce could not be delivered."
fi

# ------------------------------------------------------------ run 8: at most N bytes of body
ctl options 'bouncebody=120\n'
start_run bodyN
inject "$TU@$DOM" "nosuch@$DOM" "$M/mime"
inject "$TU@$DOM" "nosuch5@$DOM" "$M/long"
wait_for "two bounces" 20 has_count u 2
end_run
b=$(find_bounce u "nosuch@$DOM")
check "N=120: MIME bounce delivered and QSBMF" bounce_ok "$b" "$W/copy8"
if [ -n "$b" ]; then
  check "N=120: copy keeps the MIME skeleton" \
    [ "$(perl "$T/mimecheck.pl" "$W/copy8")" = "$(perl "$T/mimecheck.pl" "$M/mime")" ]
  check "N=120: the first part's text is kept" grep -q 'FIRSTPART line two' "$W/copy8"
  check "N=120: text past the budget is gone" bash -c "! grep -q 'SECRETFORWARD\|U0VD' '$W/copy8'"
fi
b=$(find_bounce u "nosuch5@$DOM")
check "N=120: plain bounce delivered and QSBMF" bounce_ok "$b" "$W/copy8b"
if [ -n "$b" ]; then
  n=$(perl -ne 'BEGIN{$/=undef} ($h,$body)=split(/\n\n/,$_,2); $body =~ s/\n--- This copy.*//s; print length($body)' "$W/copy8b")
  check "N=120: at most 120 body bytes kept ($n)" test "$n" -le 120 -a "$n" -gt 60
  check "N=120: marker line" grep -q 'This copy of the message was shortened' "$W/copy8b"
fi

# ------------------------------------------------------------ run 9: bouncingip
ctl bouncingip '127.0.0.2\n'
ctl doublebouncehost 'remote.test\n'
ctl doublebounceto 'pm\n'
start_run bounceip
inject "$TU@$DOM" "ok-b@remote.test" "$M/plain"
inject "r2@remote.test" "nosuch@$DOM" "$M/plain"
inject "" "nosuch6@$DOM" "$M/plain"
wait_for "three remote sessions" 20 sink_count_ge result=250 3
end_run
check "bounceip: normal mail leaves from 127.0.0.1" sink_has "peer=127.0.0.1 from=<$TU@$DOM> rcpt=<ok-b@remote.test> result=250"
check "bounceip: a bounce leaves from bouncingip 127.0.0.2" sink_has "peer=127.0.0.2 from=<> rcpt=<r2@remote.test> result=250"
check "bounceip: a double bounce (#@[]) leaves from 127.0.0.2" sink_has "peer=127.0.0.2 from=<#@[]> rcpt=<pm@remote.test> result=250"

# ------------------------------------------------------------ run 10: outgoingip, bouncingip not local
ctl bouncingip '192.0.2.1\n'
ctl outgoingip '127.0.0.3\n'
start_run notlocal
inject "$TU@$DOM" "ok-c@remote.test" "$M/plain"
inject "r3@remote.test" "nosuch@$DOM" "$M/plain"
wait_for "normal mail" 20 sink_has "peer=127.0.0.3 from=<$TU@$DOM> rcpt=<ok-c@remote.test> result=250"
wait_for "bounce result" 20 has_result "r3@remote.test"
end_run
check "notlocal: normal mail leaves from outgoingip 127.0.0.3" sink_has "peer=127.0.0.3 from=<$TU@$DOM> rcpt=<ok-c@remote.test> result=250"
r=$(result_of "r3@remote.test")
check "notlocal: a bounce with a non-local bouncingip is deferred, not bounced" [ "${r%%:*}" = deferral ]
check "notlocal: ... naming the address ($r)" grep -q 'Unable_to_bind_to_192.0.2.1_from_control/bouncingip:.*(not_an_address_of_this_host)' <<< "$r"
check "notlocal: the bounce never reached the listener" bash -c "! grep -q 'rcpt=<r3@' '$SINKLOG'"

# ------------------------------------------------------------ run 11: bouncingip not an address
ctl options 'bouncingip=mail.example.com\n'
start_run notaddr
inject "$TU@$DOM" "ok-d@remote.test" "$M/plain"
inject "r4@remote.test" "nosuch@$DOM" "$M/plain"
wait_for "normal mail" 20 sink_has "peer=127.0.0.1 from=<$TU@$DOM> rcpt=<ok-d@remote.test> result=250"
wait_for "bounce result" 20 has_result "r4@remote.test"
end_run
r=$(result_of "r4@remote.test")
check "notaddr: a bounce with bouncingip=mail.example.com is deferred" [ "${r%%:*}" = deferral ]
check "notaddr: ... with a clear reason ($r)" grep -q 'Unable_to_use_control/bouncingip_mail.example.com:_not_an_IPv4_address' <<< "$r"
check "notaddr: normal mail is not affected" sink_has "peer=127.0.0.1 from=<$TU@$DOM> rcpt=<ok-d@remote.test> result=250"

say "$(( $(date +%s) - t0 )) s"
echo "sandbox ($series): $npass passed, $nfail failed"
[ $nfail -eq 0 ]
