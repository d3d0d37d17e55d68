#!/bin/bash
# series.sh -- the patch series themselves.
#
# Always (no qmail tree needed):
#   - the new-file hunks of every .patch equal patches/src/ (mkseries check);
#   - every patch has its header (Base, Depends on, Controls read, Test);
#   - both series have the same patches in the same order, and
#     patches/README.md describes each one;
#   - each patches/src/ file is added by exactly one patch of each series;
#   - apply-series, which empties OUTDIR, refuses an OUTDIR that is,
#     contains or lies inside the tree, and leaves the tree alone.
# With QMAIL_SRC (a notqmail 1.09 or netqmail 1.06 tree):
#   - make patch's apply-series refuses without QMAIL_SRC, refuses a tree
#     of the other kind with a clear message, and never changes QMAIL_SRC;
#   - the whole series applies in order without fuzz or offset;
#   - each patch applies (no fuzz) on top of only the prerequisites its
#     header names, and the changed qmail sources then compile.
set -u
SRCDIR=${SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
P=$SRCDIR/patches
npass=0
nfail=0
ok() { npass=$((npass + 1)); echo "ok - $*"; }
notok() { nfail=$((nfail + 1)); echo "not ok - $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else notok "$what"; fi; }

check "new-file hunks equal patches/src (mkseries check)" "$P/mkseries" check "$P"

names() { (cd "$P/$1" && ls [0-9][0-9][0-9][0-9]-*.patch); }
check "both series have the same patches in the same order" \
  cmp -s <(names notqmail-1.09) <(names netqmail-1.06)
check "each series has 7 patches" test "$(names notqmail-1.09 | wc -l)" -eq 7

for s in notqmail-1.09 netqmail-1.06; do
  for p in $(names $s); do
    h=$(sed -n '1,/^---$/p' "$P/$s/$p")
    for field in 'Base:' 'Depends on:' 'Controls read:' 'Test:'; do
      check "$s/$p header has '$field'" grep -q "^$field" <<< "$h"
    done
    check "patches/README.md describes $p" grep -qF "${p%.patch}" "$P/README.md"
  done
  # the C files that qmail gets (not the fuzz targets and their corpora)
  for f in $(cd "$P/src" && ls *.[ch] | grep -v "_fuzz\.c$"); do
    n=$(grep -l "^+++ b/$f\$" "$P/$s"/*.patch | wc -l)
    check "$s: src/$f is added by exactly one patch" test "$n" -eq 1
  done
done

# comments name only bnc* files and functions that exist
stale=
for w in $(grep -ohE '\bbnc[a-z0-9_]*\.[ch]\b' "$P/src"/*.[ch] "$SRCDIR"/tests/patches/* | sort -u); do
  [ -f "$P/src/$w" ] || stale="$stale $w"
done
for w in $(grep -ohE '\bbnc[a-z0-9_]+\(\)' "$P/src"/*.[ch] "$SRCDIR"/tests/patches/* | sort -u); do
  grep -qE "^[a-z].*[ *]${w%()}\(" "$P/src"/*.c || stale="$stale $w"
done
check "comments name only bnc* files and functions that exist${stale:+ (stale:$stale)}" test -z "$stale"

F=$(mktemp -d /tmp/sppq-fake.XXXXXX) || exit 1
mkdir -p "$F/q" && echo '/* qslog2 */' > "$F/q/qmail-send.c"
for o in "$F" "$F/q" "$F/q/sub" "$F/q/../"; do
  out=$("$P/apply-series" "$F/q" "$o" notqmail-1.09 2>&1)
  check "apply-series refuses OUTDIR $o (the tree is $F/q)" test $? -ne 0
  check "... saying why" grep -q "must not \(contain\|be inside\) QMAIL_SRC" <<< "$out"
done
check "... and leaves the tree and its parent as they were" \
  test "$(cd "$F" && find . | sort | tr '\n' ' ')" = ". ./q ./q/qmail-send.c "
rm -rf "$F"

if [ -z "${QMAIL_SRC:-}" ]; then
  echo "series: applying to a real tree not tested (set QMAIL_SRC)"
  echo "series: $npass passed, $nfail failed"
  [ $nfail -eq 0 ]
  exit
fi

W=$(mktemp -d /tmp/sppq-series.XXXXXX) || exit 1
trap 'rm -rf "$W"' EXIT
if grep -q qslog2 "$QMAIL_SRC/qmail-send.c"; then series=notqmail-1.09 other=netqmail-1.06
else series=netqmail-1.06 other=notqmail-1.09; fi
before=$(cd "$QMAIL_SRC" && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 cat | md5sum)

out=$("$P/apply-series" "" "$W/x" 2>&1); rc=$?
check "apply-series refuses without QMAIL_SRC" test $rc -ne 0
check "... saying QMAIL_SRC is not set" grep -q 'QMAIL_SRC is not set' <<< "$out"
out=$("$P/apply-series" "$QMAIL_SRC" "$W/wrong" "$other" 2>&1); rc=$?
check "apply-series refuses the $other series on a $series tree" test $rc -ne 0
check "... with a message naming the patch" grep -q "does not apply to .*refusing" <<< "$out"

"$P/apply-series" "$QMAIL_SRC" "$W/all" > "$W/all.log" 2>&1
check "$series applies in order to $QMAIL_SRC (detected, no fuzz, no offset)" \
  grep -q "+ $series ->" "$W/all.log"

for p in $(names $series); do
  n=${p%%-*}
  deps=$(sed -n 's/^Depends on: //p' "$P/$series/$p" | grep -o '[0-9][0-9][0-9][0-9]' | tr '\n' ' ')
  "$P/apply-series" -o "$QMAIL_SRC" "$W/alone" "$series" $deps "$n" > "$W/alone.log" 2>&1
  rc=$?
  check "$p applies on top of only its prerequisites (${deps:-none})" test $rc -eq 0
  [ $rc -eq 0 ] || { cat "$W/alone.log"; continue; }
  (cd "$W/alone" && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL \
    make qmail-send.o qmail-remote.o qmail-lspawn.o qmail-local.o > "$W/alone.build" 2>&1)
  rc=$?
  check "$p alone: qmail-send, qmail-remote, qmail-lspawn, qmail-local compile" test $rc -eq 0
  [ $rc -eq 0 ] || tail -20 "$W/alone.build"
done

# make patch itself (the top-level target): refuses without QMAIL_SRC;
# on notqmail (no build-time users) it also builds the patched copy
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make -s -C "$SRCDIR" "$@"; }
out=$(mk patch QMAIL_SRC= 2>&1); rc=$?
check "make patch without QMAIL_SRC refuses" test $rc -ne 0
check "... and says to set QMAIL_SRC" grep -q 'set QMAIL_SRC' <<< "$out"
if [ $series = notqmail-1.09 ]; then
  mk patch QMAIL_SRC="$QMAIL_SRC" PATCHED="$W/made" > "$W/make-patch.log" 2>&1
  check "make patch QMAIL_SRC=... builds the patched copy" test -x "$W/made/qmail-send" -a -x "$W/made/qmail-remote"
  check "... which contains the series" grep -q 'bncbody_feed' "$W/made/qmail-send.c"
fi

after=$(cd "$QMAIL_SRC" && find . -path ./.git -prune -o -type f -print0 | sort -z | xargs -0 cat | md5sum)
check "QMAIL_SRC is unchanged" test "$before" = "$after"
echo "series: $npass passed, $nfail failed"
[ $nfail -eq 0 ]
