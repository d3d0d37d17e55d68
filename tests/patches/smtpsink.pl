#!/usr/bin/perl
# smtpsink.pl -- a scripted loopback SMTP server for the sandbox test.
#
#   smtpsink.pl ADDR PORT LOGFILE [IDLE_SECONDS]
#
# Listens on ADDR:PORT (loopback only), serves one session at a time and
# appends one line per session to LOGFILE:
#   peer=<client address> from=<MAIL FROM> rcpt=<RCPT TO> result=<code>
# The answer depends on the recipient's local part:
#   tmp450-*   450 to RCPT        data451-*  451 to DATA
#   after452-* 452 after the message           perm550-*  550 to RCPT
#   anything else is accepted (250).
# Exits by itself after IDLE_SECONDS (default 120) without a connection.
use strict;
use warnings;
use IO::Socket::INET;
use IO::Handle;

my ($addr, $port, $logfile, $idle) = @ARGV;
die "usage: smtpsink.pl ADDR PORT LOGFILE [IDLE]\n" unless $logfile;
die "smtpsink.pl: refusing non-loopback address $addr\n" unless $addr =~ /^127\./;
$idle ||= 120;

my $srv = IO::Socket::INET->new(LocalAddr => $addr, LocalPort => $port,
                                Listen => 16, ReuseAddr => 1, Proto => 'tcp')
  or die "smtpsink.pl: listen $addr:$port: $!\n";
open(my $log, '>>', $logfile) or die "smtpsink.pl: $logfile: $!\n";
$log->autoflush(1);
print "ready\n";
STDOUT->flush;

for (;;) {
  my $rin = '';
  vec($rin, fileno($srv), 1) = 1;
  my $n = select(my $rout = $rin, undef, undef, $idle);
  exit 0 if $n == 0;
  next if $n < 0;
  my $c = $srv->accept or next;
  session($c);
  close $c;
}

sub session {
  my ($c) = @_;
  my $peer = $c->peerhost;
  my ($from, @rcpt, @tried) = ('');
  my $result = 'none';
  my $say = sub { print $c "$_[0]\r\n"; };
  local $SIG{ALRM} = sub { die "timeout\n" };
  alarm 30;
  eval {
    $say->("220 sink.test ESMTP");
    while (defined(my $l = <$c>)) {
      $l =~ s/\r?\n\z//;
      if ($l =~ /^(HELO|EHLO)/i) { $say->("250 sink.test"); }
      elsif ($l =~ /^MAIL FROM:\s*<(.*)>/i) { $from = $1; @rcpt = (); @tried = (); $say->("250 ok"); }
      elsif ($l =~ /^RCPT TO:\s*<(.*)>/i) {
        my $r = $1;
        push @tried, $r;
        if ($r =~ /^tmp450-/) { $say->("450 mailbox busy, try later"); $result = 450; }
        elsif ($r =~ /^perm550-/) { $say->("550 no such user"); $result = 550; }
        else { push @rcpt, $r; $say->("250 ok"); }
      }
      elsif ($l =~ /^DATA/i) {
        if (grep { /^data451-/ } @rcpt) { $say->("451 local error in processing"); $result = 451; next; }
        $say->("354 go ahead");
        while (defined(my $d = <$c>)) { last if $d =~ /^\.\r?\n\z/; }
        if (grep { /^after452-/ } @rcpt) { $say->("452 insufficient system storage"); $result = 452; }
        else { $say->("250 ok queued"); $result = 250; }
      }
      elsif ($l =~ /^QUIT/i) { $say->("221 bye"); last; }
      elsif ($l =~ /^RSET/i) { $say->("250 ok"); }
      else { $say->("502 unimplemented"); }
    }
  };
  alarm 0;
  print $log "peer=$peer from=<$from> rcpt=<", join(',', @tried), "> result=$result\n";
}
