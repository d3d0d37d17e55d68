#!/usr/bin/perl
# qsbmf.pl -- a strict parser of qmail bounce messages (QSBMF, D. J.
# Bernstein 1997) for the sandbox test.
#
#   qsbmf.pl MESSAGE [COPYFILE]
#
# Checks: the body starts with "Hi. This is the"; it is made of paragraphs
# (non-blank lines, then exactly one blank line); the first is the intro;
# then failure paragraphs whose first line is "<address>:"; then the break
# paragraph, the only one starting with "-"; then "Return-Path: <...>" and
# the copy of the message (written to COPYFILE).  Prints what it found as
# "key: value" lines; exits 1 with "qsbmf: ..." on the first violation.
use strict;
use warnings;

my ($file, $copyfile) = @ARGV;
die "usage: qsbmf.pl MESSAGE [COPYFILE]\n" unless $file;
open(my $f, '<', $file) or die "qsbmf: $file: $!\n";
my $text = do { local $/; <$f> };
close $f;
sub bad { print "qsbmf: $file: $_[0]\n"; exit 1; }

my ($head, $body) = split(/\n\n/, $text, 2);
bad("no body") unless defined $body;
$head =~ s/\n[ \t]+/ /g;          # unfold
for my $h (split(/\n/, $head)) {
  print "subject: $1\n" if $h =~ /^Subject: (.*)$/;
  print "from: $1\n" if $h =~ /^From: (.*)$/;
  print "to: $1\n" if $h =~ /^To: (.*)$/;
  print "received: $1\n" if $h =~ /^Received: (\(qmail \d+ invoked for bounce\))/;
}
bad("body does not start with 'Hi. This is the'") unless $body =~ /^Hi\. This is the/;

my @lines = split(/\n/, $body, -1);
my $i = 0;
my @para;
my $kind = 'intro';
my $nrecip = 0;
for (;;) {
  bad("no break paragraph") if $i >= @lines;
  bad("blank line where a paragraph should start (line " . ($i + 1) . ")") if $lines[$i] eq '';
  my @p;
  while ($i < @lines && $lines[$i] ne '') { push @p, $lines[$i++]; }
  bad("paragraph not followed by a blank line") if $i >= @lines;
  ++$i;                            # the one blank line
  if ($kind eq 'intro') {
    bad("intro starts with '-' or '<'") if $p[0] =~ /^[-<]/;
    print "intro: $_\n" for @p;
    $kind = 'recipients';
    next;
  }
  if ($p[0] =~ /^-/) {
    print "break: $p[0]\n";
    bad("break paragraph is not one of qmail's texts")
      unless $p[0] eq '--- Below this line is a copy of the message.'
          || $p[0] eq '--- Below this line is the original bounce.';
    last;
  }
  bad("paragraph starts with neither '<' nor '-': $p[0]") unless $p[0] =~ /^</;
  bad("failure paragraph first line is not <address>: $p[0]") unless $p[0] =~ /^<(.*)>:$/;
  print "recipient: $1\n";
  print "reason: ", join('|', @p[1 .. $#p]), "\n";
  ++$nrecip;
}
print "recipients: $nrecip\n";
bad("no Return-Path line after the break paragraph")
  unless $i < @lines && $lines[$i] =~ /^Return-Path: <(.*)>$/;
print "return-path: $1\n";
++$i;
if ($copyfile) {
  open(my $c, '>', $copyfile) or die "qsbmf: $copyfile: $!\n";
  print $c join("\n", @lines[$i .. $#lines]);
  close $c;
}
print "ok\n";
