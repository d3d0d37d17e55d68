#!/usr/bin/perl
# mimecheck.pl -- print the MIME skeleton of a message and check that it
# is well formed: every multipart has its delimiters and its closing
# delimiter, every part header ends with a blank line.
#
#   mimecheck.pl FILE   ->  e.g. multipart/mixed[text/plain,message/rfc822[text/plain]]
# Exits 1 with "mimecheck: ..." when the structure is broken.
use strict;
use warnings;

my $file = shift or die "usage: mimecheck.pl FILE\n";
open(my $f, '<', $file) or die "mimecheck: $file: $!\n";
my @l = map { s/\r?\n\z//r } <$f>;
close $f;
my $i = 0;
sub bad { print "mimecheck: $file: $_[0] (line ", $i + 1, ")\n"; exit 1; }

# parse an entity starting at $i whose body ends before a line for which
# $stop->(line) is true; returns its skeleton string
sub entity {
  my ($stop) = @_;
  my $ct = '';
  my $cur = '';
  while ($i < @l && $l[$i] ne '') {
    bad("delimiter inside a header block") if $stop->($l[$i]);
    if ($l[$i] =~ /^[ \t]/) { $cur .= ' ' . $l[$i]; }
    else { $ct = $cur if $cur =~ /^content-type:/i; $cur = $l[$i]; }
    ++$i;
  }
  $ct = $cur if $cur =~ /^content-type:/i;
  ++$i if $i < @l;                 # the blank line
  my ($type) = $ct =~ /^content-type:\s*([^;\s]+)/i;
  $type = lc($type // 'text/plain');
  if ($type =~ m{^multipart/}) {
    my ($b) = $ct =~ /boundary\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/i;
    $b = $1 // $2;
    bad("multipart without boundary") unless defined $b && length $b;
    $b =~ s/\\(.)/$1/g;
    my @parts;
    while ($i < @l && $l[$i] !~ /^--\Q$b\E[ \t]*$/) {
      bad("closing delimiter before any part") if $l[$i] =~ /^--\Q$b\E--[ \t]*$/;
      bad("outer delimiter inside $type") if $stop->($l[$i]);
      ++$i;
    }
    bad("no delimiter for boundary $b") if $i >= @l;
    ++$i;
    my $inner = sub { $_[0] =~ /^--\Q$b\E(--)?[ \t]*$/ || $stop->($_[0]) };
    for (;;) {
      push @parts, entity($inner);
      bad("missing closing delimiter for boundary $b") if $i >= @l;
      bad("outer delimiter before closing $b") unless $l[$i] =~ /^--\Q$b\E(--)?[ \t]*$/;
      my $closing = defined $1;
      ++$i;
      last if $closing;
    }
    while ($i < @l && !$stop->($l[$i])) { ++$i; }   # epilogue
    return "$type\[" . join(',', @parts) . "]";
  }
  if ($type eq 'message/rfc822') {
    my $inner = entity($stop);
    return "$type\[$inner]";
  }
  while ($i < @l && !$stop->($l[$i])) { ++$i; }
  return $type;
}

my $s = entity(sub { 0 });
print "$s\n";
