# Copyright (c) 2026, ri_audit developers
#
# Scale: memory stays bounded and every long scan can be stopped.
#
# 1. 10,000 foreign keys (100 parents, 100 children each) checked by one
#    check_foreign_keys() call.  While it runs, another session asks the
#    backend to log its memory contexts (pg_log_backend_memory_contexts)
#    again and again; the test parses the dumps.  The memory the call itself
#    uses (everything but PostgreSQL's per-relation caches: relcache,
#    catcache, lock and smgr hash tables, which grow with any statement that
#    touches 10,000 tables) must stay under a bound and not grow between the
#    first and the last dump.
# 2. One million orphans streamed by orphans() with work_mem = 1MB: the
#    backend's peak resident memory (VmHWM in /proc/<pid>/status) grows by
#    far less than holding the rows would take.
# 3. statement_timeout and pg_cancel_backend stop a running orphans(),
#    check_foreign_keys(), validate(), assert_no_orphans() and
#    drop_preview(): the error is 57014 and it comes within 5 seconds (a
#    liveness bound, not a speed measurement).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Time::HiRes qw(time usleep);

if (!-r "/proc/self/status")
{
	plan skip_all => '/proc/<pid>/status is not available';
}

my $node = PostgreSQL::Test::Cluster->new('scale');
$node->init;
# Small shared_buffers, so that the shared memory a scan touches does not
# hide the backend's own memory in VmHWM.  max_locks_per_transaction stays
# at its default: the call holds AccessShareLock on all 10,100 tables until
# it ends, and that must fit in a default lock table.
$node->append_conf('postgresql.conf', q{
shared_buffers = 16MB
log_statement = none
autovacuum = off
work_mem = 1MB
maintenance_work_mem = 1MB
});
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE SCHEMA many;
	CREATE PROCEDURE many.make(first int, last int) LANGUAGE plpgsql AS $$
	BEGIN
		FOR i IN first .. last LOOP
			IF i % 100 = 0 THEN
				EXECUTE format('CREATE TABLE many.p%s (id int PRIMARY KEY)', i / 100);
				EXECUTE format('INSERT INTO many.p%s VALUES (1)', i / 100);
			END IF;
			EXECUTE format('CREATE TABLE many.c%s (pid int REFERENCES many.p%s)', i, i / 100);
			IF i % 500 = 499 THEN
				COMMIT;
			END IF;
		END LOOP;
	END $$;
	CALL many.make(0, 9999);
	-- Every tenth child has one orphan (the keys are valid, the rows were
	-- loaded with triggers off).
	SET session_replication_role = replica;
	DO $$ BEGIN
		FOR i IN 0 .. 9999 BY 10 LOOP
			EXECUTE format('INSERT INTO many.c%s VALUES (1), (2)', i);
		END LOOP;
	END $$;
});
is($node->safe_psql('postgres', q{
	SELECT count(*) FROM pg_constraint
	 WHERE contype = 'f' AND connamespace = 'many'::regnamespace}),
	'10000', '10,000 foreign keys exist');

# Parse the memory context dumps of $pid in the server log from $offset on.
# Returns a list of hashes: total (Grand total), cache (the subtrees of
# CacheMemoryContext), hashes (the per-relation hash tables), work (the rest).
sub memory_dumps
{
	my ($pid, $offset) = @_;
	my $log = slurp_file($node->logfile, $offset);
	my @dumps;
	my $cur;
	my $in_cache = 0;
	for my $line (split /\n/, $log)
	{
		next unless $line =~ /\[$pid\]/;
		if ($line =~ /logging memory contexts of PID/)
		{
			$cur = { total => 0, cache => 0, hashes => 0 };
			$in_cache = 0;
			next;
		}
		next unless $cur;
		if ($line =~ /Grand total: (\d+) bytes/)
		{
			$cur->{total} = $1;
			$cur->{work} = $cur->{total} - $cur->{cache} - $cur->{hashes};
			push @dumps, $cur;
			undef $cur;
			next;
		}
		my ($level, $name, $bytes);
		if ($line =~ /level: (\d+); (\d+) more child contexts containing (\d+) total/)
		{
			($level, $name, $bytes) = ($1, 'more', $3);
		}
		elsif ($line =~ /level: (\d+); ([^:]+):.*?(\d+) total in \d+ blocks/)
		{
			($level, $name, $bytes) = ($1, $2, $3);
		}
		else
		{
			next;
		}
		if ($level <= 1)
		{
			$in_cache = ($name eq 'CacheMemoryContext');
		}
		if ($in_cache)
		{
			$cur->{cache} += $bytes;
		}
		elsif ($level == 1
			&& $name =~ /^(Relcache by OID|LOCALLOCK hash|smgr relation table|MdSmgr|PrivateRefCount|Operator lookup cache|Type information cache|Record information cache|PgStat Pending|PgStat Shared Ref|PgStat Shared Ref Hash)$/)
		{
			# PostgreSQL's own per-relation bookkeeping: every table a
			# transaction touches gets a lock, a cumulative-statistics entry
			# and an smgr entry until the transaction ends, whoever reads it.
			$cur->{hashes} += $bytes;
		}
		elsif ($level == 0 && $name eq 'TopMemoryContext')
		{
			# Its own blocks hold, among others, the owner arrays of the
			# local lock table's entries (one per table locked): bookkeeping
			# of the same kind.  Its child contexts are counted one by one.
			$cur->{hashes} += $bytes;
		}
	}
	return @dumps;
}

# ----------------------------------------------------------------------
# 1. 10,000 foreign keys, one call, memory sampled while it runs
# ----------------------------------------------------------------------
{
	my $worker = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $worker->query_safe('SELECT pg_backend_pid()');
	my $offset = -s $node->logfile;

	# Start the call; a marker line tells us it has been sent.
	$worker->query_until(qr/started/, q{
\echo started
SELECT count(*) || ' ' || count(*) FILTER (WHERE status = 'orphans') || ' '
	   || coalesce(sum(orphan_count), 0)
  FROM ri_audit.check_foreign_keys(
	   ARRAY(SELECT oid::regclass FROM pg_class
			  WHERE relnamespace = 'many'::regnamespace AND relname LIKE 'c%'
			  ORDER BY oid));
\echo finished
});
	# Ask for a dump every 50 ms until the call is over, from one loop in
	# another backend (no client round trips between the samples, so even a
	# call of a second gets many).  pg_stat_clear_snapshot() makes each
	# iteration see the current state.
	my $asked = $node->safe_psql('postgres', qq{
		CREATE FUNCTION pg_temp.sample_memory(target int) RETURNS int
		LANGUAGE plpgsql AS \$\$
		DECLARE
			n int := 0;
		BEGIN
			-- The call may not have started yet: wait for it (10 s at most).
			FOR i IN 1..200 LOOP
				PERFORM pg_stat_clear_snapshot();
				EXIT WHEN (SELECT state FROM pg_stat_activity
							WHERE pid = target) = 'active';
				PERFORM pg_sleep(0.05);
			END LOOP;
			LOOP
				PERFORM pg_stat_clear_snapshot();
				EXIT WHEN (SELECT state FROM pg_stat_activity
							WHERE pid = target) IS DISTINCT FROM 'active';
				PERFORM pg_log_backend_memory_contexts(target);
				n := n + 1;
				EXIT WHEN n >= 6000;
				PERFORM pg_sleep(0.05);
			END LOOP;
			RETURN n;
		END \$\$;
		SELECT pg_temp.sample_memory($pid);
	});
	my $result = $worker->query_until(qr/finished/, '');
	$result =~ s/\s*finished\s*$//;
	is($result, '10000 1000 1000',
		'one check_foreign_keys() call checked 10,000 keys and found the 1,000 orphans');

	my @dumps = memory_dumps($pid, $offset);
	note sprintf("%d dumps asked, %d logged during the call", $asked, scalar @dumps);
	for my $d (@dumps)
	{
		note sprintf("total %d, caches %d, hash tables %d, the call's own %d",
			$d->{total}, $d->{cache}, $d->{hashes}, $d->{work});
	}
	cmp_ok(scalar @dumps, '>=', 3,
		'the backend logged its memory at least three times during the call '
		  . '(it reaches CHECK_FOR_INTERRUPTS)');
	if (@dumps >= 3)
	{
		my ($max) = sort { $b <=> $a } map { $_->{work} } @dumps;
		cmp_ok($max, '<', 32 * 1024 * 1024,
			"memory the call holds (outside catalog caches) stays under 32 MB (max $max)");
		# From a third of the way in: the early dumps may come while the
		# keys are still being listed (a one-off cost, bounded above).  After
		# that only the result tuplestore grows, up to work_mem (1MB here)
		# before it spills; 10,000 keys held per key would be far more.
		my $from = int(@dumps / 3);
		$from = 1 if $from < 1;
		my $growth = $dumps[-1]{work} - $dumps[$from]{work};
		cmp_ok($growth, '<', 4 * 1024 * 1024,
			"it does not grow from a third of the call to its end ($growth bytes)");
	}
	$worker->quit;
}

# ----------------------------------------------------------------------
# 2. One million orphans streamed by orphans()
# ----------------------------------------------------------------------
$node->safe_psql('postgres', q{
	CREATE TABLE big_parent (id int PRIMARY KEY);
	INSERT INTO big_parent VALUES (0);
	CREATE TABLE big_child (id int, parent_id int);
	INSERT INTO big_child SELECT g, g FROM generate_series(1, 1000000) g;
	ALTER TABLE big_child ADD CONSTRAINT big_child_fk
		FOREIGN KEY (parent_id) REFERENCES big_parent NOT VALID;
	CREATE TABLE clean_child (id int, parent_id int);
	INSERT INTO clean_child SELECT g, 0 FROM generate_series(1, 1000000) g;
	ALTER TABLE clean_child ADD CONSTRAINT clean_child_fk
		FOREIGN KEY (parent_id) REFERENCES big_parent;
	VACUUM ANALYZE big_child, clean_child, big_parent;
});

sub vm_hwm_kb
{
	my ($pid) = @_;
	my $status = slurp_file("/proc/$pid/status");
	$status =~ /^VmHWM:\s+(\d+) kB/m or die "no VmHWM for $pid";
	return $1;
}

{
	my $s = $node->background_psql('postgres');
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	# Warm up the caches on a small call first.
	$s->query_safe(q{SELECT count(*) FROM ri_audit.orphans(
		(SELECT oid FROM pg_constraint WHERE conname = 'big_child_fk'), 10)});
	my $before = vm_hwm_kb($pid);
	my $n = $s->query_safe(q{SELECT count(*) FROM ri_audit.orphans(
		(SELECT oid FROM pg_constraint WHERE conname = 'big_child_fk'))});
	my $after = vm_hwm_kb($pid);
	is($n, '1000000', 'orphans() returned one million orphans');
	my $growth_mb = ($after - $before) / 1024;
	note "VmHWM before $before kB, after $after kB";
	# Holding one million rows (oid, regclass, tid and a jsonb key each)
	# would take well over 100 MB.  Allow 16 MB of shared buffers and some
	# slack.
	cmp_ok($growth_mb, '<', 48,
		sprintf('peak backend memory grew by %.1f MB, bounded (work_mem 1MB)', $growth_mb));
	$s->quit;
}

# ----------------------------------------------------------------------
# 3. statement_timeout and pg_cancel_backend stop every long scan
# ----------------------------------------------------------------------
# Each statement repeats the function with a varying argument, so it runs
# far longer than the timeout and the interrupt lands inside a scan.
my %long = (
	'orphans' => q{SELECT count(*) FROM generate_series(1, 1000) g,
		LATERAL ri_audit.orphans((SELECT oid FROM pg_constraint
			WHERE conname = 'big_child_fk'), 2000000 + g) o},
	'check_foreign_keys' => q{SELECT count(*) FROM generate_series(1, 1000) g,
		LATERAL ri_audit.check_foreign_keys(NULL, g) c},
	'validate' => q{SELECT count(*) FROM generate_series(1, 1000) g,
		LATERAL ri_audit.validate((SELECT oid FROM pg_constraint
			WHERE conname = 'big_child_fk'), true, g * interval '1s') v},
	'assert_no_orphans' => q{SELECT count(*) FROM generate_series(1, 1000) g
		WHERE ri_audit.assert_no_orphans(ARRAY['clean_child'::regclass]) IS NULL},
	'drop_preview' => q{SELECT count(*) FROM generate_series(1, 1000) g,
		LATERAL ri_audit.drop_preview('DROP SCHEMA many' || repeat(' ', g)) d},
);

for my $f (sort keys %long)
{
	# statement_timeout
	my ($ret, $stdout, $stderr);
	my $t0 = time();
	$ret = $node->psql('postgres',
		"SET statement_timeout = '300ms'; $long{$f}",
		stdout => \$stdout, stderr => \$stderr);
	my $elapsed = time() - $t0;
	like($stderr, qr/canceling statement due to statement timeout/,
		"$f: statement_timeout stops it");
	cmp_ok($elapsed, '<', 5, sprintf("$f: stopped within 5 s of start (%.2f s)", $elapsed));

	# pg_cancel_backend
	my $s = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	$s->query_until(qr/started/, "\\echo started\n$long{$f};\n");
	# Wait until the statement is running, then let it work a little.
	$node->poll_query_until('postgres', qq{
		SELECT state = 'active' FROM pg_stat_activity WHERE pid = $pid})
	  or die "statement did not start";
	usleep(500_000);
	my $running = $node->safe_psql('postgres',
		"SELECT state FROM pg_stat_activity WHERE pid = $pid");
	is($running, 'active', "$f: still running after 0.5 s");
	$t0 = time();
	$node->safe_psql('postgres', "SELECT pg_cancel_backend($pid)");
	my ($out, $err) = $s->query('SELECT 1');
	$elapsed = time() - $t0;
	like($s->{stderr}, qr/canceling statement due to user request/,
		"$f: pg_cancel_backend stops it");
	cmp_ok($elapsed, '<', 5, sprintf("$f: stopped within 5 s of the cancel (%.2f s)", $elapsed));
	$s->{stderr} = '';
	$s->quit;
}

my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|PANIC:|TRAP:/, 'no backend crashed');

$node->stop;
done_testing();
