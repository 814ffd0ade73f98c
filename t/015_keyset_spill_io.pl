# Copyright (c) 2026, ri_audit developers
#
# The fast path's spill I/O under small budgets: when the referenced keys do
# not fit ri_audit.work_mem, every pass over the spill tapes reads each
# record once and writes it at most once more, so the bytes written to and
# read from the tapes stay within a small constant factor of the data at
# every budget, from 64 kB to 8 MB, instead of growing with the number of
# batches.  The counters come from the DEBUG2 line
# "spill tapes of table ...: W bytes written, R bytes read"; the answers are
# compared with the planner path at each budget.  No timing is asserted.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('spill_io');
$node->init;
$node->start;

# 200,000 referenced keys of each shape: text (about 11 MB as a set, more
# than 8 MB), uuid and a sparse int8 (hash sets), and as many referencing
# rows, 1% of them orphans.
$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE p (t text PRIMARY KEY, u uuid UNIQUE, i int8 UNIQUE);
	INSERT INTO p SELECT 'key ' || g, md5(g::text)::uuid, g::int8 * 7919
	  FROM generate_series(1, 200000) g;
	CREATE TABLE c (t text, u uuid, i int8);
	INSERT INTO c SELECT 'key ' || h, md5(h::text)::uuid, h::int8 * 7919
	  FROM (SELECT CASE WHEN g % 100 = 0 THEN g + 1000000 ELSE g END AS h
	          FROM generate_series(1, 200000) g) s;
	ALTER TABLE c ADD FOREIGN KEY (t) REFERENCES p NOT VALID,
		ADD FOREIGN KEY (u) REFERENCES p (u) NOT VALID,
		ADD FOREIGN KEY (i) REFERENCES p (i) NOT VALID;
	ANALYZE p, c;
});

# The bytes of spilling every key and row once: a 24-byte header and the
# encoded key (text: 4 bytes of length and the bytes; uuid 16; int8 8).
my $once = $node->safe_psql('postgres', q{
	SELECT sum(2 * 24 + 4 + octet_length(t)) + sum(2 * (24 + 16)) + sum(2 * (24 + 8))
	  FROM c
});
note "one spill of everything: $once bytes";

my $planner = $node->safe_psql('postgres', q{
	SET ri_audit.scan_method = planner;
	SELECT string_agg(fk_name || '=' || orphan_count, ',' ORDER BY fk_name)
	  FROM ri_audit.check_foreign_keys('{c}')
});
is($planner, 'c_i_fkey=2000,c_t_fkey=2000,c_u_fkey=2000',
	'the planner path finds the orphans');

# The orphans themselves (row and key), in a canonical order.
my $rows_sql = q{
	SELECT md5(string_agg(f || ' ' || row_ctid::text || ' ' || key::text, ','
	                      ORDER BY f, row_ctid))
	  FROM unnest('{c_t_fkey,c_u_fkey,c_i_fkey}'::name[]) f,
	       ri_audit.orphans('c'::regclass, f)
};
my $planner_rows = $node->safe_psql('postgres',
	"SET ri_audit.scan_method = planner; $rows_sql");

my %io;
foreach my $kb (64, 1024, 8192)
{
	is($node->safe_psql('postgres', "SET ri_audit.work_mem = $kb; $rows_sql"),
		$planner_rows, "orphans() returns the planner path's rows at $kb kB");

	my ($out, $err) = ('', '');
	$node->psql('postgres', qq{
		SET ri_audit.work_mem = $kb;
		SET client_min_messages = debug2;
		SELECT string_agg(fk_name || '=' || orphan_count, ',' ORDER BY fk_name)
		  FROM ri_audit.check_foreign_keys('{c}');
	}, stdout => \$out, stderr => \$err, on_error_die => 1);
	is($out, $planner, "same orphans as the planner path at $kb kB");
	my ($w, $r) = $err =~
	  /spill tapes of table "c": (\d+) bytes written, (\d+) bytes read/;
	ok(defined $w, "the keys spill at $kb kB")
	  or diag $err;
	$w //= 0;
	$r //= 0;
	my @passes = $err =~ /(\d+) pass\(es\) over tapes/g;
	note sprintf("%5d kB: %d bytes written, %d read (%.2f x one spill), passes %s",
		$kb, $w, $r, $w / $once, join('/', @passes));
	is($r, $w, "at $kb kB each record written is read once");
	$io{$kb} = $w;
}

# Within a constant factor of the data at every budget: the 64 kB budget
# takes a few levels of partitioning (fan-out 16), not one pass per batch.
cmp_ok($io{8192}, '<=', 1.1 * $once, '8 MB: at most one spill of the data');
cmp_ok($io{64}, '<=', 4 * $once, '64 kB: at most 4 times one spill of the data');
cmp_ok($io{64}, '<=', 5 * $io{8192}, '64 kB: at most 5 times the I/O of 8 MB');

$node->stop;
done_testing();
