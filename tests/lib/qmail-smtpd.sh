# qmail-smtpd.sh: a real qmail-smtpd (with qmail-spp) for integration tests.
#
# Source it from a test (bash). Needs QMAIL_SRC (a notqmail or netqmail tree with
# qmail-spp: notqmail branch patches/notqmail/smtpd-spp, or netqmail-1.06 +
# spp 0.42), tcpserver (ucspi-tcp) and perl. QMAIL_SRC is never modified: it is
# copied and built under $B/qmail-smtpd/<key>/ (this checkout's build
# directory, so concurrent `make check`s in other clones never share it), where
# <key> comes from the tree's path and the mtimes of qmail-smtpd.c/qmail-spp.c,
# so every test of one `make check` reuses one build (a lock serialises
# concurrent builders). The server runs as root (tcpserver has no -u), so the
# checkout and scratch directories may be private (0700).
#
#   . "$SRCDIR/tests/lib/qmail-smtpd.sh"
#   qs_need_src "what"      print "SKIP: what (set QMAIL_SRC)" and exit 77 when unset
#   qs_build                build or reuse; sets QS_SMTPD (the binary), QS_VARIANT
#                           (notqmail|netqmail, for `spp-conf test --variant`)
#   qs_use_home DIR         the qmail home (control/, plugins/) for the next qs_start.
#                           qmail-smtpd chdirs to its compiled-in home; qs_start runs
#                           tcpserver in a private mount namespace (unshare -m) with DIR
#                           bind-mounted there, so concurrent tests never share a home.
#                           Change DIR's contents freely, but don't replace DIR itself
#                           while the server runs (qs_make_home empties it in place).
#   qs_start ENVFILE        tcpserver on 127.0.0.1:<port the kernel picks> (port 0;
#                           tcpserver -1 reports it, so no other test can race for it)
#                           running qmail-smtpd with
#                           exactly the environment in ENVFILE (one NAME=value a line,
#                           re-read for every connection). Sets QS_PORT, QS_PID; the
#                           server's stderr (plugins' stderr too) goes to $QS_LOG.
#                           Stopped by qs_stop (also registered on EXIT).
#   qs_capture_script FILE DIR
#                           writes a QMAILQUEUE program that stores message N as
#                           DIR/N.msg, DIR/N.envelope and DIR/N.env (sorted env without PWD), exit 0
#   qs_replay DUMP          drives one connection from `spp-conf test --dump-session`
#                           output ("cmd", "body" lines; "auth" is refused) and prints
#                           the transcript in spp-conf test's format: C:/S: lines and
#                           "-- connection closed by server". A reply is complete when
#                           its last line is "NNN text" or "NNN" ending in CRLF and
#                           nothing follows within QS_QUIET_MS (default 300 ms; a
#                           server that closes after the reply is seen closing). Text
#                           that isn't a final SMTP line waits 2 s for more. After
#                           QUIT, the close is waited for (up to 60 s), not guessed.
#                           A DATA body is sent only after "354 go ahead".
#   qs_normalize            filter: "S: 250 ok <time> qp <pid>" -> "S: 250 ok N qp N"

qs_need_src() {
  if [ -z "${QMAIL_SRC:-}" ]; then
    echo "SKIP: $1 (set QMAIL_SRC)"
    exit 77
  fi
}

qs_build() {
  local src key root
  src=$(cd "$QMAIL_SRC" && pwd) || { echo "qmail-smtpd.sh: no such tree: $QMAIL_SRC" >&2; return 1; }
  [ -f "$src/qmail-spp.c" ] || { echo "qmail-smtpd.sh: $src has no qmail-spp.c" >&2; return 1; }
  key=$(printf '%s %s %s' "$src" "$(stat -c %Y "$src/qmail-smtpd.c")" "$(stat -c %Y "$src/qmail-spp.c")" |
        md5sum | cut -c1-12)
  root=$B/qmail-smtpd/$key
  QS_ROOT=$root
  QS_SMTPD=$root/src/qmail-smtpd
  mkdir -p "$root"
  (
    flock 9
    if [ ! -x "$QS_SMTPD" ]; then
      rm -rf "$root/src"
      cp -a "$src" "$root/src"
      echo "$root/home" > "$root/src/conf-qmail"
      (cd "$root/src" && make qmail-smtpd) > "$root/build.log" 2>&1 ||
        { echo "qmail-smtpd.sh: build failed, see $root/build.log" >&2; tail -20 "$root/build.log" >&2; exit 1; }
    fi
  ) 9>"$root/lock" || return 1
  if grep -q 'netqmail home page' "$root/src/qmail-smtpd.c"; then QS_VARIANT=netqmail; else QS_VARIANT=notqmail; fi
}

qs_use_home() {
  mkdir -p "$1" && QS_HOME_DIR=$(cd "$1" && pwd)
}

qs_start() {
  local envfile=$1 i
  [ -n "${QS_HOME_DIR:-}" ] || { echo "qmail-smtpd.sh: qs_use_home first" >&2; return 1; }
  [ -L "$QS_ROOT/home" ] && rm -f "$QS_ROOT/home"   # left by an older version of this file
  mkdir -p "$QS_ROOT/home"
  QS_RUN=$(mktemp -d /tmp/qs-run.XXXXXX)
  QS_LOG=$QS_RUN/stderr
  cat > "$QS_RUN/wrapper" <<EOF
#!/bin/bash
mapfile -t vars < "$envfile"
exec env -i "\${vars[@]}" "$QS_SMTPD"
EOF
  chmod 755 "$QS_RUN/wrapper"
  : > "$QS_LOG"
  : > "$QS_RUN/port"
  # Port 0: the kernel picks a free one and tcpserver -1 prints it once it listens.
  unshare -m --propagation private sh -c 'mount --bind "$1" "$2" && shift 2 && exec "$@"' sh \
    "$QS_HOME_DIR" "$QS_ROOT/home" \
    tcpserver -1 -HR -l localhost 127.0.0.1 0 "$QS_RUN/wrapper" >"$QS_RUN/port" 2>>"$QS_LOG" &
  QS_PID=$!
  trap qs_stop EXIT
  QS_PORT=
  for i in $(seq 600); do   # up to a minute: the machine may be loaded
    QS_PORT=$(sed -n '1s/^\([0-9][0-9]*\)$/\1/p' "$QS_RUN/port")
    [ -n "$QS_PORT" ] && return 0
    kill -0 "$QS_PID" 2>/dev/null || break
    sleep 0.1
  done
  echo "qmail-smtpd.sh: tcpserver did not start: $(cat "$QS_LOG")" >&2
  return 1
}

qs_stop() {
  if [ -n "${QS_PID:-}" ]; then kill "$QS_PID" 2>/dev/null; wait "$QS_PID" 2>/dev/null; QS_PID=; fi
  [ -n "${QS_RUN:-}" ] && rm -rf "$QS_RUN"
  QS_RUN=
}

qs_capture_script() {
  local file=$1 dir=$2
  cat > "$file" <<EOF
#!/bin/sh
# QMAILQUEUE stand-in: message on fd 0, envelope on fd 1; keeps both and the env.
dir='$dir'
mkdir -p "\$dir"
n=1; while [ -e "\$dir/\$n.msg" ]; do n=\$((n+1)); done
cat > "\$dir/\$n.msg"
cat <&1 > "\$dir/\$n.envelope"
env | grep -v "^PWD=" | LC_ALL=C sort > "\$dir/\$n.env"   # PWD: set by sh, differs
exit 0
EOF
  chmod 755 "$file"
}

qs_replay() {
  perl -e '
use strict; use warnings; use IO::Socket::INET; use IO::Select;
my ($port, $dump, $quiet) = @ARGV;
open(my $fh, "<", $dump) or die "$dump: $!";
my @steps;
while (my $l = <$fh>) {
  chomp $l;
  if ($l =~ /^cmd (.*)\z/s) { push @steps, [$1, []]; }
  elsif ($l =~ /^body (.*)\z/s) { push @{$steps[-1][1]}, $1; }
  elsif ($l =~ /^auth /) { die "qs_replay: AUTH is simulated only; stock qmail-spp has none\n"; }
}
my $s = IO::Socket::INET->new(PeerAddr => "127.0.0.1", PeerPort => $port) or die "connect: $!";
binmode $s;
my $closed = 0;
sub esc { my $x = shift; $x =~ s/([\\\x00-\x1f\x7f])/$1 eq "\\" ? "\\\\" : $1 eq "\r" ? "\\r" : $1 eq "\t" ? "\\t" : sprintf("\\x%02x", ord $1)/ge; return $x; }
sub reply {
  my ($final) = @_;
  my $buf = ""; my $sel = IO::Select->new($s);
  for (;;) {
    my $wait = $buf eq "" ? 120
             : $buf !~ /\r\n\z/ ? 10
             : $buf =~ /(?:\A|\n)\d{3}(?: [^\n]*)?\r\n\z/ ? ($final ? 60 : $quiet) : 2;
    last unless $sel->can_read($wait);
    my $n = sysread($s, my $chunk, 65536);
    if (!$n) { $closed = 1; last; }
    $buf .= $chunk;
  }
  my $copy = $buf;
  while (length $copy) {
    if ($copy =~ s/\A(.*?)\r\n//s) { print "S: ", esc($1), "\n"; }
    else { print "S: ", esc($copy), " [no CRLF]\n"; last; }
  }
  return $buf;
}
$| = 1;
reply();
for my $st (@steps) {
  last if $closed;
  print "C: ", esc($st->[0]), "\n";
  syswrite($s, "$st->[0]\r\n");
  my $r = reply($st->[0] =~ /\Aquit\z/i);
  if (@{$st->[1]} && !$closed && $r =~ /(?:\A|\r\n)354 go ahead\r\n\z/) {
    for my $b (@{$st->[1]}) { print "C: ", esc($b), "\n"; }
    syswrite($s, join("", map { "$_\r\n" } @{$st->[1]}));
    reply();
  }
}
print "-- connection closed by server\n" if $closed;
' "$QS_PORT" "$1" "$(( ${QS_QUIET_MS:-300} ))e-3"
}

qs_normalize() {
  sed -E 's/^S: 250 ok [0-9]+ qp [0-9]+$/S: 250 ok N qp N/'
}

# ---- shared by conformance.test and qmail-smtpd.test (no QMAIL_SRC needed) ----
#   qs_make_home DIR SMTPPLUGINS [PLUGINDIR...]
#       a fresh qmail home: control/me (mx.example.test), control/rcpthosts
#       (example.test), control/badmailfrom (bad@example.net, @spam.example);
#       SMTPPLUGINS copied to control/smtpplugins unless it is "-" or missing;
#       the files of each PLUGINDIR in plugins/, plus plugins/probe ($B/tests/probe)
#       and plugins/spp-* (symlinks to $B/bin/spp-*).
#   qs_sim HOME SESSION CAPTURE_SCRIPT [spp-conf test options...]
#       spp-conf test in a clean environment (PATH only), like qs_start's server.
QS_PATH=/usr/local/bin:/usr/bin:/bin

qs_make_home() {
  local home=$1 plugins=$2 d f
  shift 2
  mkdir -p "$home"
  find "$home" -mindepth 1 -delete   # emptied in place: it may be bind-mounted (qs_start)
  mkdir -p "$home/control" "$home/plugins"
  echo mx.example.test > "$home/control/me"
  printf 'example.test\nmx.example.test\n' > "$home/control/rcpthosts"
  printf 'bad@example.net\n@spam.example\n' > "$home/control/badmailfrom"
  if [ "$plugins" != - ] && [ -f "$plugins" ]; then cp "$plugins" "$home/control/smtpplugins"; fi
  for d in "$@"; do
    [ -d "$d" ] && cp -a "$d/." "$home/plugins/"
  done
  ln -sf "$B/tests/probe" "$home/plugins/probe"
  for f in "$B"/bin/spp-*; do
    [ -e "$f" ] && ln -sf "$f" "$home/plugins/$(basename "$f")"
  done
  return 0
}

qs_sim() {
  local home=$1 session=$2 capture=$3
  shift 3
  env -i PATH=$QS_PATH "$B/spp-conf" test --qmaildir "$home" --queue "$capture" "$@" "$session"
}
