# assert.sh: tiny assertions for shell tests. Source it; set NAME first.
# Every failure names the test and what differed, then exits 1.
: "${B:=build}" "${SRCDIR:=$(pwd)}"
B=$(cd "$SRCDIR" && cd "$B" && pwd)
fail() { echo "FAIL ${NAME:-test}: $*" >&2; exit 1; }
assert_eq() {  # assert_eq WHAT EXPECTED ACTUAL
  [ "$2" = "$3" ] || fail "$1: expected [$2], got [$3]"
}
assert_contains() {  # assert_contains WHAT NEEDLE HAYSTACK
  case $3 in *"$2"*) ;; *) fail "$1: [$2] not found in [$3]" ;; esac
}
assert_not_contains() {
  case $3 in *"$2"*) fail "$1: [$2] unexpectedly in [$3]" ;; esac
}
# A scratch qmail home with control/; removed at exit.
new_home() {
  HOME_DIR=$(mktemp -d /tmp/spphome.XXXXXX)
  mkdir -p "$HOME_DIR/control" "$HOME_DIR/plugins"
  trap 'rm -rf "$HOME_DIR"' EXIT
}
