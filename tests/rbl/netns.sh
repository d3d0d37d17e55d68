# shellcheck shell=bash
# netns.sh: a private network for the RBL tests. Source it from a test after
# assert.sh. The test re-runs itself in a new network and mount namespace
# (unshare -n -m), brings lo up and bind-mounts its own /etc/resolv.conf, so
# nothing leaves the machine and the host's resolver is untouched.
#
#   start_dns [DELAY_MS]   rbldnsd with every zone of tests/rbl/*.zone as
#                          <name>.example on 127.0.0.1:5300, behind tests/dnsdelay
#                          on 127.0.0.1:53, which holds back answers for
#                          slow.example by DELAY_MS (default 3000)
#   use_nameserver IP      point resolv.conf at IP (127.0.0.2: nothing listens)
# Daemons started here are stopped at exit; $WORK is a scratch directory.
if [ -z "${SPP_IN_NETNS:-}" ]; then
  command -v unshare >/dev/null || fail "unshare (util-linux) is missing"
  SPP_IN_NETNS=1 exec unshare -n -m "$0" "$@"
  fail "unshare -n -m failed"
fi
ip link set lo up || fail "cannot bring lo up in the namespace"
WORK=$(mktemp -d /tmp/spprbl.XXXXXX)
PIDS=
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
  [ -n "${HOME_DIR:-}" ] && rm -rf "$HOME_DIR"
}
trap cleanup EXIT
trap "exit 143" TERM INT HUP
echo 'nameserver 127.0.0.1' > "$WORK/resolv.conf"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf || fail "cannot bind-mount resolv.conf"

use_nameserver() { echo "nameserver $1" > "$WORK/resolv.conf"; }

start_dns() {
  local delay=${1:-3000} specs= z name type
  for z in "$SRCDIR"/tests/rbl/*.zone; do
    name=$(basename "$z" .zone)
    type=ip4set
    case $name in *6) type=ip6trie ;; esac
    specs="$specs $name.example:$type:$z"
  done
  rbldnsd -n -b 127.0.0.1/5300 -p "$WORK/rbldnsd.pid" $specs >"$WORK/rbldnsd.log" 2>&1 &
  PIDS="$PIDS $!"
  "$B/tests/dnsdelay" 127.0.0.1 53 127.0.0.1 5300 "$delay" slow.example &
  PIDS="$PIDS $!"
  # Wait until both answer (rbldnsd loads its zones first).
  local i
  for i in $(seq 50); do
    case $("$B/tests/dnsq" -t 200 a 2.2.0.192.bl1.example 2>/dev/null) in found*) return 0 ;; esac
    sleep 0.1
  done
  cat "$WORK/rbldnsd.log" >&2
  fail "rbldnsd/dnsdelay did not come up"
}
