# bench/home.sh: the configuration bench/run measures, shared with
# scripts/startup-order (which profiles the same runs to lay out the code
# every spp-* run executes). Sourced, not run.
#
#   bench_home DIR          writes DIR/control/... (DIR must exist)
#   bench_entries           the spp-* names bench/run times
#   bench_env               the client's environment (env -i NAME=VALUE ...)

# Every check enabled, none sleeping or waiting on the network: the tarpit
# starts after 1000 recipients; the RBL verdict is already cached in the
# environment, as it is after the first lookup of a connection.
# The list checks configured, nothing matching: sender and recipient lists
# with exact, special and wildmat lines, a recipient limit, authsender (the
# client is not authenticated). spp-mfdnscheck (off here) is measured with its
# verdict cached in SPP_MFDNS by its own entry, which acts as at RCPT; turning
# it on would make spp-mail ask the DNS.
# spp-spf refusing fail: spp-spf alone (SMTPRCPTTO set: it acts as at RCPT)
# enforces the verdict spp-mail cached in SPP_SPF; the client is the host's
# own address (TCPLOCALIP), so spp-mail's SPF passes it without DNS.
# A fresh evaluation against spfquery: bench/spf.
# helocheck: badhelo (exact, name!, wildmat with an exception) and the
# switches that need no DNS; client.example matches none of them.
bench_home() {
  local home=$1
  mkdir -p "$home/control"
  echo 1000 > "$home/control/tarpitcount"
  echo 5 > "$home/control/tarpitdelay"
  echo zen.example.invalid > "$home/control/rblhosts"
  printf '@spam.example\n?boss@spam.example\n@relay.example+\n.sub.example\n*@*.invalid\n!ok@x.invalid\n[0-9]*@*\n' > "$home/control/badmailfrom"
  printf '*@\\[*\\]\n@retired.example.net\n' > "$home/control/badrcptto"
  echo 100 > "$home/control/maxrecipients"
  echo 1 > "$home/control/authsender"
  echo 3 > "$home/control/spfbehavior"
  printf 'localhost\n[192.168.1.2]!\n*.dyn.example\n!ok.dyn.example\n[0-9]*.[0-9]*\n' > "$home/control/badhelo"
  local f
  for f in stricthelocheck heloself helobareip helofqdn; do echo 1 > "$home/control/$f"; done
  echo mx.example.test > "$home/control/me"
}

bench_entries="tarpit rbl badmailfrom badrcptto maxrecipients authsender mfdnscheck spf helocheck connect helo mail rcpt data auth"

bench_env=(PATH=/usr/bin:/bin TCPREMOTEIP=192.0.2.1 SMTPHELOHOST=client.example
  SMTPMAILFROM=a@example.org SMTPRCPTTO=b@example.net SMTPRCPTCOUNT=3 SMTPRCPTCOUNTALL=4
  SMTPRCPTHOSTSOK=1 SPP_RBL_RESULT=clean SPP_MFDNS="exists a@example.org"
  SPP_SPF="pass a@example.org" TCPLOCALIP=192.0.2.1)
