#!/usr/bin/perl
# oracle.pl: the independent SRS implementation for tests/srs-compat.test
# (Debian's Perl Mail::SRS, libmail-srs-perl), at a fixed time.
#   SRS_NOW=seconds perl oracle.pl [-l hashlen] [-m hashmin] [-a maxage] [-S sep] [-w]
#       -s secret [-s secret...] forward ALIAS | reverse    < addresses
# Prints one line per input line: the result, or "ERR".
use strict;
use warnings;
BEGIN { *CORE::GLOBAL::time = sub () { $ENV{SRS_NOW} }; }
use Getopt::Std;
use Mail::SRS;
my @secrets;
my %o;
while (@ARGV && $ARGV[0] =~ /^-/) {
  my $f = shift @ARGV;
  if ($f eq '-w') { $o{w} = 1; next; }
  my $v = shift @ARGV;
  if ($f eq '-s') { push @secrets, $v } else { $o{substr($f, 1)} = $v }
}
my $mode = shift @ARGV;
my $alias = shift @ARGV;
my $srs = Mail::SRS->new(Secret => [@secrets], MaxAge => $o{a} // 21, HashLength => $o{l} // 4,
                         HashMin => $o{m} // ($o{l} // 4), Separator => $o{S} // '=',
                         AlwaysRewrite => $o{w} // 0);
$SIG{__WARN__} = sub {};
while (my $line = <STDIN>) {
  chomp $line;
  my $out = eval { $mode eq 'forward' ? $srs->forward($line, $alias) : $srs->reverse($line) };
  print defined $out && !$@ ? "$out\n" : "ERR\n";
}
