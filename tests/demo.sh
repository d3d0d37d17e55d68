#!/bin/bash
# demo: install into a scratch qmail home, register the sample configuration
# with spp-conf, and replay sample SMTP sessions with `spp-conf test`.
set -eu
: "${B:=build}"
src=$(pwd)
home=$src/$B/demo-home
rm -rf "$home"
make --no-print-directory install QMAILDIR="$home" PREFIX="$home/usr" >/dev/null
export QMAILDIR=$home
conf=$home/bin/spp-conf
mkdir -p "$home/control"
cd "$home"
echo mx.example.com > control/me
echo example.com > control/rcpthosts
sed 's/^5$/3/' "$src/plugins/tarpit/samples/tarpitcount" > control/tarpitcount
sed 's/^5$/1/' "$src/plugins/tarpit/samples/tarpitdelay" > control/tarpitdelay

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
step "register the hook entry points (spp-conf -b)"
printf 'mail;spp-mail\nrcpt;spp-rcpt\n' | "$conf" -b
step "spp-conf list"
"$conf" list
step "spp-conf check"
"$conf" check
step "spp-conf show"
"$conf" show
for session in "$src"/tests/demo/*.session; do
  step "session $(basename "$session" .session)"
  grep '^# ' "$session" | sed 's/^# /   /'
  "$conf" test "$session" 2>&1
done
printf '\nThe scratch qmail home stays in %s for a look around.\n' "$home"
