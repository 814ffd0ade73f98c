# Copyright (c) 2026, ri_audit developers
#
# The key set path's parallel scan (orphan_parallel.c) on a few million
# rows: the same orphans as the serial scan and the planner path; stopped
# by statement_timeout and by pg_cancel_backend() while workers run; an
# error in a worker (terminated) reaches the leader; afterwards no parallel
# worker and no dynamic shared memory segment is left behind, and the
# session still answers.  With the functions pointed at a copy of the
# library outside $libdir (as make bench points them), the workers load
# the leader's copy.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use File::Copy;
use Test::More;
use Time::HiRes qw(usleep);

my $node = PostgreSQL::Test::Cluster->new('orph_parallel');
$node->init;
$node->append_conf(
	'postgresql.conf', q{
max_worker_processes = 8
max_parallel_workers = 8
max_parallel_workers_per_gather = 2
dynamic_shared_memory_type = mmap
});
$node->start;

my $rows = 2_000_000;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION ri_audit;
	CREATE TABLE parent (id int PRIMARY KEY, code text UNIQUE, u uuid UNIQUE);
	INSERT INTO parent
		SELECT g, 'c' || g, md5(g::text)::uuid FROM generate_series(1, 20000) g;
	CREATE TABLE child (id int, parent_id int, code text, u uuid);
	INSERT INTO child
		SELECT g,
			   CASE WHEN g % 1000 = 0 THEN -g WHEN g % 777 = 0 THEN NULL
					ELSE g % 20000 + 1 END,
			   CASE WHEN g % 1500 = 0 THEN 'x' || g ELSE 'c' || (g % 20000 + 1) END,
			   CASE WHEN g % 2500 = 0 THEN md5((-g)::text)::uuid
					ELSE md5((g % 20000 + 1)::text)::uuid END
		  FROM generate_series(1, $rows) g;
	ALTER TABLE child ADD CONSTRAINT child_parent_fkey
		FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;
	ALTER TABLE child ADD CONSTRAINT child_code_fkey
		FOREIGN KEY (code) REFERENCES parent (code) NOT VALID;
	ALTER TABLE child ADD CONSTRAINT child_u_fkey
		FOREIGN KEY (u) REFERENCES parent (u) NOT VALID;
	VACUUM ANALYZE child;
});

# The orphans of every key, as one digest, under a setting.
sub digest
{
	my ($setting) = @_;
	my ($ret, $out, $err) = $node->psql(
		'postgres', qq{
		$setting;
		SET client_min_messages = debug1;
		SELECT string_agg(fk_name || '=' || orphan_count, ',' ORDER BY fk_name)
		  FROM ri_audit.check_foreign_keys('{child}');
		SELECT k.conname, count(*), md5(string_agg(o.row_ctid::text || o.key::text,
										 ',' ORDER BY o.row_ctid))
		  FROM pg_constraint k,
			   LATERAL ri_audit.orphans('child'::regclass, k.conname) o
		 WHERE k.conrelid = 'child'::regclass AND k.contype = 'f'
		 GROUP BY 1 ORDER BY 1;
	});
	is($ret, 0, "the orphans under \"$setting\"") or diag $err;
	return ($out, $err);
}

my ($par, $par_err) = digest('SET max_parallel_workers_per_gather = 2');
like($par_err, qr/table "child" scanned in parallel: [12] of 2 workers launched/,
	'the scan ran in parallel');
my ($ser, $ser_err) = digest('SET max_parallel_workers_per_gather = 0');
unlike($ser_err, qr/scanned in parallel/, 'no workers allowed: serial');
my ($pln) = digest('SET ri_audit.scan_method = planner');
is($par, $ser, 'parallel and serial scans report the same orphans');
is($par, $pln, 'parallel scan and planner path report the same orphans');
like($par, qr/child_parent_fkey=2000/, 'the planted orphans are found');

# With dynamic_shared_memory_type = mmap, this cluster's segments are the
# files of its pg_dynshmem (/dev/shm is shared with other clusters).
sub dsm_segments
{
	opendir(my $dh, $node->data_dir . '/pg_dynshmem') or return -1;
	my $n = grep { /^mmap\./ } readdir($dh);
	closedir($dh);
	return $n;
}
# Segments of sessions that have just ended go a moment later: wait for
# the count to settle, and at the end for it to come back to at most that.
sub dsm_settle
{
	my ($max) = @_;
	my $n = dsm_segments();
	for (my $i = 0; $i < 100; $i++)
	{
		usleep(100_000);
		my $m = dsm_segments();
		return $m if defined $max && $m <= $max;
		return $m if !defined $max && $m == $n && $i >= 10;
		$n = $m;
	}
	return $n;
}
my $dsm_before = dsm_settle(undef);

# statement_timeout during the parallel scan.
my ($ret, $stdout, $stderr) = $node->psql(
	'postgres', q{
	SET statement_timeout = '300ms';
	DO $$BEGIN
		FOR i IN 1 .. 100 LOOP
			PERFORM count(*) FROM ri_audit.orphans('child'::regclass, 'child_parent_fkey');
		END LOOP;
	END$$;
});
like($stderr, qr/canceling statement due to statement timeout/,
	'a parallel scan stops on statement_timeout');

# The loop of parallel scans in a background session, and its workers.
sub start_loop
{
	my $bg = $node->background_psql('postgres', on_error_stop => 0);
	my $pid = $bg->query_safe('SELECT pg_backend_pid()');
	$bg->query_until(
		qr/started/, q{
		\echo started
		DO $$BEGIN
			FOR i IN 1 .. 1000 LOOP
				PERFORM count(*) FROM ri_audit.orphans('child'::regclass, 'child_code_fkey');
			END LOOP;
		END$$;
	});
	ok( $node->poll_query_until(
			'postgres', qq{
		SELECT count(*) > 0 FROM pg_stat_activity
		 WHERE leader_pid = $pid AND backend_type = 'parallel worker'}),
		'parallel workers run for the loop');
	return ($bg, $pid);
}

# pg_cancel_backend while workers run.
my ($bg, $pid) = start_loop();
ok( $node->poll_query_until(
		'postgres', qq{
	SELECT pg_cancel_backend($pid)
	  FROM pg_stat_activity
	 WHERE pid = $pid AND state = 'active'}),
	'the leader got the cancel');
$bg->quit;
like($bg->{stderr}, qr/canceling statement due to user request/,
	'a parallel scan stops on pg_cancel_backend');

# A worker terminated: its error reaches the leader.  Each scan of the
# loop has workers of its own, and one that is signalled after it has
# sent its last message ends without an error, so the workers of the
# leader are terminated, poll after poll, until its statement has ended.
($bg, $pid) = start_loop();
ok( $node->poll_query_until(
		'postgres', qq{
	SELECT count(pg_terminate_backend(w.pid)) >= 0
	   AND NOT EXISTS (SELECT FROM pg_stat_activity
					    WHERE pid = $pid AND state = 'active')
	  FROM pg_stat_activity w
	 WHERE w.leader_pid = $pid AND w.backend_type = 'parallel worker'}),
	'workers were terminated until the leader\'s statement ended');
$bg->quit;
like($bg->{stderr},
	qr/terminating background worker "parallel worker" due to administrator command/,
	'the error of a worker reaches the leader');
unlike($bg->{stderr}, qr/leak/i, 'no resource leak is reported');

# Nothing is left behind.
ok( $node->poll_query_until(
		'postgres', q{
	SELECT count(*) = 0 FROM pg_stat_activity WHERE backend_type = 'parallel worker'}),
	'no parallel worker is left');
isnt($dsm_before, -1, 'pg_dynshmem is readable');
cmp_ok(dsm_settle($dsm_before), '<=', $dsm_before,
	'no dynamic shared memory segment is left');
my ($again) = digest('SET max_parallel_workers_per_gather = 2');
is($again, $par, 'the server still answers, the same');

# The functions' library is a copy outside $libdir: a worker that loaded
# $libdir's file besides the leader's copy would fail defining the same
# parameters again ("attempt to redefine parameter").
my $copy_dir = PostgreSQL::Test::Utils::tempdir();
my $libdir = $node->config_data('--pkglibdir');
copy("$libdir/ri_audit.so", "$copy_dir/ri_audit.so")
  or die "copying the library: $!";
$node->safe_psql('postgres', qq{
	UPDATE pg_proc SET probin = '$copy_dir/ri_audit'
	 WHERE probin = '\$libdir/ri_audit'});
is( $node->safe_psql('postgres', qq{
	SELECT count(*) FILTER (WHERE probin = '$copy_dir/ri_audit') > 0
	   AND count(*) FILTER (WHERE probin = '\$libdir/ri_audit') = 0
	  FROM pg_proc}),
	't', 'the functions name the copy');
my ($moved, $moved_err) = digest('SET max_parallel_workers_per_gather = 2');
like($moved_err, qr/table "child" scanned in parallel: [12] of 2 workers launched/,
	'the scan ran in parallel with the library copy');
unlike($moved_err, qr/redefine parameter/, 'the workers loaded the leader\'s copy');
is($moved, $par, 'the same orphans with the library copy');

$node->stop;
done_testing();
