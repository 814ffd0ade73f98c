#!/usr/bin/perl
# tools/replay_report.pl SERVER_LOG SCRIPTS_TXT REPORT
#
# The report of "make test-replay" (tools/test_replay.sh): reads the
# "ri_replay {json}" records that the event triggers of
# test/replay/setup.sql wrote into the server log, one statement at a time:
#
#   start    a DROP, ALTER TABLE / FOREIGN TABLE / VIEW / TYPE or ALTER
#            DOMAIN began (its query,
#            and whether current_query() is another statement: one run from
#            a function or DO block, "nested", is not previewed);
#   preview  ri_audit.drop_preview(current_query()): rows or an error;
#   drop     pg_event_trigger_dropped_objects() of the statement;
#   end      the statement completed; which previewed objects still exist.
#
# For every statement that completed after a preview that gave rows, the
# rows (class, objid, objsubid) must be exactly the dropped objects, with
# the rules of t/020_drop_differential.pl: a dropped column whose relation
# is dropped too is not a row of the preview, and event triggers (which
# event triggers never report) are left out of the preview's rows.  The
# event trigger never reports objects in a temporary schema of another
# kind than the session's own, which includes the toast table and toast
# index of the session's temporary tables: such preview rows count as
# dropped when the catalogs no longer have them after the statement.
# DROP OWNED and DROP SUBSCRIPTION are compared as every DROP (the
# subscription is reported by the event trigger); DROP ROLE, DROP DATABASE
# and DROP TABLESPACE fire no event trigger, so the replay never sees them
# (sql/drop_preview_shared.sql and t/022_drop_shared_differential.pl
# compare them with PostgreSQL).
# PostgreSQL makes some deletions of ALTER statements internal
# (PERFORM_DELETION_INTERNAL: what ALTER COLUMN TYPE rebuilds, an
# identity's sequence, a default replaced), and the event trigger never
# reports those: a row of an ALTER statement that the event trigger did not
# report counts as dropped when the catalogs no longer have it afterwards
# (counted as "internal").  A preview error on a statement that then completed is a mismatch too.
# Refusals with SQLSTATE 0A000 are counted and listed, not failures;
# strings of several statements (sent with \; or from one -c) are counted
# apart.  The server log is searched for failed assertions and crashes.
#
# Prints pass/fail lines and ends with "[replay] N passed, N failed"; the
# exit status is non-zero when anything failed.

use strict;
use warnings;
use JSON::PP;

my ($logfile, $scripts_file, $report_file) = @ARGV;
die "usage: $0 SERVER_LOG SCRIPTS_TXT REPORT\n" unless defined $report_file;

open(my $rep, '>', $report_file) or die "$report_file: $!";
sub say_ { print $rep @_, "\n"; }

my $json = JSON::PP->new->allow_nonref;
my (%st, @order, @trigger_errors, %untracked_drops);
my (@crash_lines, @log_lines);

open(my $lf, '<', $logfile) or die "$logfile: $!";
while (my $line = <$lf>)
{
	chomp $line;
	push @log_lines, $line;
	if ($line =~ /^\S+ \S+ \S+ \[(\d+)\] LOG:  ri_replay (\{.*\})$/)
	{
		my $pid = $1;
		my $r = eval { $json->decode($2) };
		unless ($r)
		{
			push @trigger_errors, "unreadable record: " . substr($2, 0, 200);
			next;
		}
		my $ev = $r->{ev};
		my $k = $r->{key} // '';
		if ($ev eq 'trigger_error')
		{
			push @trigger_errors,
			  "$r->{where}: $r->{sqlstate} $r->{message}"
			  . ($st{$k} ? " [$st{$k}{query}]" : '');
			next;
		}
		if ($ev eq 'start')
		{
			$st{$k} = { %$r, pid => $pid, drops => [] };
			push @order, $k;
			next;
		}
		my $s = $st{$k};
		if (!$s)
		{
			$untracked_drops{ $r->{tag} // '?' }++ if $ev eq 'drop';
			next;
		}
		if ($ev eq 'preview')
		{
			$s->{preview} = $r;
		}
		elsif ($ev eq 'drop')
		{
			push @{ $s->{drops} }, @{ $r->{rows} // [] };
		}
		elsif ($ev eq 'end')
		{
			$s->{end} = $r;
		}
	}
}
close $lf;

# Crashes: failed assertions, signals, heap corruption, PANIC.
my $crash_re = qr/TRAP: |was terminated by signal|server process \(PID \d+\) was terminated|PANIC:  |double free|corrupted (size|double-linked|top size)|malloc\(\): |free\(\): /;
my @crashes;
for my $i (0 .. $#log_lines)
{
	my $l = $log_lines[$i];
	next unless $l =~ $crash_re;
	my @excerpt = ($l);
	if ($l =~ /^TRAP: /)
	{
		# PostgreSQL 15 prints the backtrace after the TRAP line.
		for my $j ($i + 1 .. $i + 16)
		{
			last if $j > $#log_lines || $log_lines[$j] =~ /^\d{4}-\d\d-\d\d /;
			push @excerpt, $log_lines[$j];
		}
	}
	elsif ($l =~ /server process \(PID (\d+)\) was terminated/)
	{
		my $pid = $1;
		push @excerpt, $log_lines[ $i + 1 ]
		  if $i < $#log_lines && $log_lines[ $i + 1 ] =~ /DETAIL:  Failed process/;
		# The last statement that backend began, from the records.
		my ($last) = grep { $st{$_}{pid} eq $pid } reverse @order;
		if ($last)
		{
			my $s = $st{$last};
			push @excerpt, "last DROP/ALTER TABLE of that backend: "
			  . one_line($s->{query})
			  . ($s->{preview} ? " (preview returned)" : " (inside the preview)");
		}
	}
	push @crashes, \@excerpt;
}

sub one_line
{
	my ($q) = @_;
	$q //= '';
	$q =~ s/\s+/ /g;
	$q =~ s/^ //;
	return length($q) > 160 ? substr($q, 0, 157) . '...' : $q;
}

sub rowkey { my ($r) = @_; return "$r->[0]|$r->[1]|$r->[2]"; }
sub rowtext { my ($r) = @_; return "$r->[3] $r->[4] ($r->[0],$r->[1],$r->[2])"; }

# Scripts
my (@scripts_bad, $n_scripts);
open(my $sf, '<', $scripts_file) or die "$scripts_file: $!";
while (<$sf>)
{
	chomp;
	my ($t, $rc, $secs) = split / /;
	$n_scripts++;
	push @scripts_bad, "$t: " . ($rc eq 'missing' ? 'missing from the tarball' : "psql exited with $rc")
	  if $rc ne '0';
}
close $sf;

my %n = map { $_ => 0 } qw(tracked nested multi previewed rows err refused refused_dropping
  completed compared agreed mismatched failed_stmt temp_toast order_diff
  err_agreed internal);
my (@refused, @mismatches, @order_diffs);
my %err_states;

for my $k (@order)
{
	my $s = $st{$k};
	$n{tracked}++;
	if ($s->{nested})
	{
		$n{nested}++;
		next;
	}
	my $p = $s->{preview};
	next unless $p;    # the backend died in the preview: a crash, above
	$n{previewed}++;
	my $q = one_line($s->{query});
	if (defined $p->{sqlstate})
	{
		if ($p->{sqlstate} eq '0A000'
			&& $p->{message} =~ /more than one statement/)
		{
			$n{multi}++;
			next;
		}
		# The preview's own refusals; other 0A000 errors are PostgreSQL's
		# ("cannot drop system column"), checked as any error.
		if ($p->{sqlstate} eq '0A000'
			&& $p->{message} =~ /^(cannot preview|no statement to preview)/)
		{
			$n{refused}++;
			my $dropped = $s->{end} && @{ $s->{drops} };
			$n{refused_dropping}++ if $dropped;
			push @refused, "$s->{tag}: $p->{message} [$q]"
			  . ($dropped ? ' (dropped ' . scalar(@{ $s->{drops} }) . ' objects)' : '');
			next;
		}
		$n{err}++;
		$err_states{ $p->{sqlstate} }++;
		if ($s->{end})
		{
			$n{mismatched}++;
			push @mismatches,
			  "preview raised $p->{sqlstate} \"$p->{message}\", "
			  . "the statement succeeded: $q";
		}
		else
		{
			$n{err_agreed}++;
		}
		next;
	}
	$n{rows}++;
	unless ($s->{end})
	{
		$n{failed_stmt}++;
		next;
	}
	$n{completed}++;
	my @prev = @{ $p->{rows} };
	my @drops = @{ $s->{drops} };
	next unless @prev || @drops;
	$n{compared}++;

	my %whole = map { ("$_->[0]|$_->[1]" => 1) } grep { $_->[2] == 0 } @drops;
	my @want = grep { !($_->[2] != 0 && $whole{"$_->[0]|$_->[1]"}) } @drops;
	my @got = grep { $_->[0] != 3466 } @prev;    # pg_event_trigger
	my %want = map { (rowkey($_) => $_) } @want;
	my %got = map { (rowkey($_) => $_) } @got;
	my %remaining = map { ($_ => 1) } @{ $s->{end}{remaining} // [] };
	my %prev_pos;
	$prev_pos{ rowkey($prev[$_]) } = $_ for 0 .. $#prev;

	my (@missing, @extra, $toast, $internal);
	my $is_alter = ($s->{tag} =~ /^ALTER /);
	for my $w (@want)
	{
		push @missing, rowtext($w) unless $got{ rowkey($w) };
	}
	for my $g (@got)
	{
		next if $want{ rowkey($g) };
		if (($g->[4] // '') =~ /^pg_toast_temp_\d+\./
			&& !$remaining{ $prev_pos{ rowkey($g) } })
		{
			$toast++;
			next;
		}
		if ($is_alter && !$remaining{ $prev_pos{ rowkey($g) } })
		{
			$internal++;
			next;
		}
		push @extra,
		  rowtext($g)
		  . ($remaining{ $prev_pos{ rowkey($g) } } ? ' (still exists)' : ' (gone, not reported)');
	}
	$n{temp_toast}++ if $toast;
	$n{internal}++ if $internal;
	if (@missing || @extra)
	{
		$n{mismatched}++;
		my $m = "$q\n";
		$m .= "      dropped, not previewed: $_\n" for @missing;
		$m .= "      previewed, not dropped: $_\n" for @extra;
		chomp $m;
		push @mismatches, $m;
		next;
	}
	$n{agreed}++;

	# Order (informational): the preview's order is PostgreSQL's for a
	# statement that makes one deletion call.
	if ($s->{tag} !~ /^ALTER /)
	{
		my @a = map { rowkey($_) } @want;
		my @b = grep { $want{$_} } map { rowkey($_) } @got;
		if ("@a" ne "@b")
		{
			$n{order_diff}++;
			push @order_diffs, $q;
		}
	}
}

my @checks;
sub check
{
	my ($ok, $what) = @_;
	push @checks, [ $ok, $what ];
}

say_ "replayed $n_scripts scripts; $n{tracked} DROP / ALTER TABLE / ALTER TYPE / ALTER DOMAIN statements seen";
say_ "  run from a function or DO block (current_query() is another statement, not previewed): $n{nested}";
say_ "  strings of several statements (refused by design, skipped): $n{multi}";
say_ "  previewed: $n{previewed}";
say_ "    rows returned: $n{rows} (statement then completed: $n{completed}; failed: $n{failed_stmt})";
say_ "    error raised: $n{err} ("
  . join(', ', map { "$_: $err_states{$_}" } sort keys %err_states)
  . "; the statement failed too: $n{err_agreed})";
say_ "    refused with 0A000 (\"cannot preview ...\"): $n{refused} "
  . "(of which completed and dropped objects: $n{refused_dropping})";
say_ "  dropping statements compared: $n{compared}; agreed: $n{agreed}; "
  . "mismatches: $n{mismatched}";
say_ "  (temporary tables whose toast table the catalogs show dropped: $n{temp_toast}; "
  . "ALTER statements with internal deletions the catalogs show done: $n{internal}; "
  . "same objects in another order: $n{order_diff})";
say_ "  dropped objects of commands not previewed: "
  . (join(', ', map { "$_ ($untracked_drops{$_})" } sort keys %untracked_drops) || 'none');
say_ "";
if (@crashes)
{
	say_ "CRASHES AND FAILED ASSERTIONS:";
	say_ "  " . join("\n  ", @$_) for @crashes;
	say_ "";
}
if (@mismatches)
{
	say_ "MISMATCHES:";
	say_ "  $_" for @mismatches;
	say_ "";
}
if (@trigger_errors)
{
	say_ "EVENT TRIGGER ERRORS:";
	say_ "  $_" for @trigger_errors;
	say_ "";
}
if (@scripts_bad)
{
	say_ "SCRIPTS THAT DID NOT RUN TO THEIR END:";
	say_ "  $_" for @scripts_bad;
	say_ "";
}
if (@refused)
{
	my %by;
	for (@refused)
	{
		my ($m) = /^([^:]*: .*?) \[/;
		$by{$m}++;
	}
	say_ "REFUSED WITH 0A000 (not failures), by message:";
	say_ sprintf("  %5d  %s", $by{$_}, $_) for sort { $by{$b} <=> $by{$a} } keys %by;
	say_ "every refused statement:";
	say_ "  $_" for @refused;
	say_ "";
}
if (@order_diffs)
{
	say_ "same objects, another order (informational):";
	say_ "  $_" for @order_diffs;
	say_ "";
}

check(!@scripts_bad, 'every regression script ran to its end (psql exit status 0)');
check(!@crashes, 'no crash, no failed assertion in the server log');
check(!@mismatches, 'the preview equals the dropped objects for every dropping statement');
check(!@trigger_errors, 'the event triggers recorded every statement');
check($n{compared} > 0, 'dropping statements were compared');

my ($pass, $fail) = (0, 0);
for my $c (@checks)
{
	say_ sprintf("[replay] %-70s %s", $c->[1], $c->[0] ? 'ok' : 'FAILED');
	$c->[0] ? $pass++ : $fail++;
}
say_ "[replay] $pass passed, $fail failed";
close $rep;
exit($fail ? 1 : 0);
