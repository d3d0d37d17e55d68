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
# Ports are fixed: the network namespace is this test's alone.
# Daemons may drop privileges (rbldnsd runs as its own user, dnsmasq as
# dnsmasq): the checkout can be anywhere (a clone in a 0700 directory), so
# they read only copies under $WORK, which is 0755 with 0644 files
# (daemon_file). Put nothing secret there.
if [ -z "${SPP_IN_NETNS:-}" ]; then
  command -v unshare >/dev/null || fail "unshare (util-linux) is missing"
  SPP_IN_NETNS=1 exec unshare -n -m "$0" "$@"
  fail "unshare -n -m failed"
fi
ip link set lo up || fail "cannot bring lo up in the namespace"
WORK=$(mktemp -d /tmp/spprbl.XXXXXX) || fail "mktemp"
chmod 755 "$WORK"
PIDS=
cleanup() {
  for p in $PIDS; do kill "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
  [ -n "${HOME_DIR:-}" ] && rm -rf "$HOME_DIR"
}
trap cleanup EXIT
trap "exit 143" TERM INT HUP
# daemon_file SRC DEST: a copy any user can read (SRC "-": stdin).
daemon_file() {
  mkdir -p "$(dirname "$2")" && chmod 755 "$(dirname "$2")" || fail "cannot make $(dirname "$2")"
  if [ "$1" = - ]; then cat > "$2"; else cat "$1" > "$2"; fi || fail "cannot write $2"
  chmod 644 "$2"
}
echo 'nameserver 127.0.0.1' | daemon_file - "$WORK/resolv.conf"
mount --bind "$WORK/resolv.conf" /etc/resolv.conf || fail "cannot bind-mount resolv.conf"

use_nameserver() { echo "nameserver $1" > "$WORK/resolv.conf"; }

start_dns() {
  local delay=${1:-3000} specs= z name type
  for z in "$SRCDIR"/tests/rbl/*.zone; do
    name=$(basename "$z" .zone)
    type=ip4set
    case $name in *6) type=ip6trie ;; esac
    daemon_file "$z" "$WORK/zones/$name.zone"
    specs="$specs $name.example:$type:$WORK/zones/$name.zone"
  done
  rbldnsd -n -b 127.0.0.1/5300 -p "$WORK/rbldnsd.pid" $specs >"$WORK/rbldnsd.log" 2>&1 &
  PIDS="$PIDS $!"
  "$B/tests/dnsdelay" 127.0.0.1 53 127.0.0.1 5300 "$delay" slow.example &
  PIDS="$PIDS $!"
  # Wait until both answer (rbldnsd loads its zones first); slow when the
  # machine is loaded, so give it a minute.
  local i
  for i in $(seq 120); do
    case $("$B/tests/dnsq" -t 300 a 2.2.0.192.bl1.example 2>/dev/null) in found*) return 0 ;; esac
    sleep 0.2
  done
  cat "$WORK/rbldnsd.log" >&2
  fail "rbldnsd/dnsdelay did not come up"
}
