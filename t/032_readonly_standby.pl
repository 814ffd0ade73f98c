# Copyright (c) 2026, ri_audit developers
#
# Every read-only function works in a read-only transaction and on a hot
# standby, with the same answer as on the primary: foreign_keys,
# unindexed_foreign_keys, load_order, foreign_key_graph, orphans (all
# forms), check_foreign_keys, orphan_summary, validate and validate_all with
# dry_run true, assert_no_orphans, drop_preview and assert_drop_safe.  The
# one function that writes, validate with dry_run false, fails there with
# PostgreSQL's clean read-only error (25006), never an internal one.  A
# check running on the standby while the primary drops its table is
# cancelled by replay with PostgreSQL's recovery-conflict error.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('ro_primary');
$primary->init(allows_streaming => 1);
$primary->start;

$primary->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE parent (id int PRIMARY KEY, name text);
	INSERT INTO parent VALUES (1, 'one'), (2, 'two');
	-- NOT VALID with orphans
	CREATE TABLE child (id int PRIMARY KEY, parent_id int);
	INSERT INTO child VALUES (1, 1), (2, 5), (3, NULL), (4, 7);
	ALTER TABLE child ADD CONSTRAINT child_parent_fk FOREIGN KEY (parent_id)
		REFERENCES parent NOT VALID;
	-- NOT VALID and clean
	CREATE TABLE clean_child (id int, parent_id int);
	INSERT INTO clean_child VALUES (1, 2);
	ALTER TABLE clean_child ADD CONSTRAINT clean_child_fk FOREIGN KEY (parent_id)
		REFERENCES parent NOT VALID;
	-- validated, with an orphan loaded in replica mode
	CREATE TABLE loaded (id int, parent_id int REFERENCES parent);
	SET session_replication_role = replica;
	INSERT INTO loaded VALUES (1, 9);
	RESET session_replication_role;
	CREATE VIEW child_view AS SELECT * FROM child;
	CREATE TABLE leaf (a int);
});

$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('ro_standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
# Replay waits at most 100ms for a standby query that conflicts with it.
$standby->append_conf('postgresql.conf', "max_standby_streaming_delay = 100ms\n");
$standby->start;
$primary->wait_for_catchup($standby);
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');

my $fk = q{(SELECT oid FROM pg_constraint WHERE conname = 'child_parent_fk')};
my $clean_fk = q{(SELECT oid FROM pg_constraint WHERE conname = 'clean_child_fk')};

# name => query returning rows.  No column that varies between runs
# (elapsed) and no oid.
my @queries = (
	[ 'foreign_keys', q{SELECT fk_name, table_name, validated
		FROM ri_audit.foreign_keys ORDER BY fk_name} ],
	[ 'orphans(oid)', qq{SELECT table_name, row_ctid, key
		FROM ri_audit.orphans($fk)} ],
	[ 'orphans(oid, max_rows)', qq{SELECT table_name, key
		FROM ri_audit.orphans($fk, 1)} ],
	[ 'orphans(regclass, name)', q{SELECT table_name, row_ctid, key
		FROM ri_audit.orphans('child'::regclass, 'child_parent_fk')} ],
	[ 'orphans(text, text)', q{SELECT table_name, key
		FROM ri_audit.orphans('child', 'child_parent_fk')} ],
	[ 'load_order', q{SELECT level, table_name, depends_on, self_reference
		FROM ri_audit.load_order() ORDER BY level, table_name::text} ],
	[ 'foreign_key_graph', q{SELECT ri_audit.foreign_key_graph()} ],
	[ 'unindexed_foreign_keys', q{SELECT fk_name, table_name
		FROM ri_audit.unindexed_foreign_keys ORDER BY fk_name} ],
	[ 'orphans(validated key)', q{SELECT table_name, key
		FROM ri_audit.orphans('loaded'::regclass, 'loaded_parent_id_fkey')} ],
	[ 'check_foreign_keys', q{SELECT fk_name, table_name, referenced_table,
		validated, status, rows_checked, orphan_count, sample
		FROM ri_audit.check_foreign_keys() ORDER BY fk_name} ],
	[ 'check_foreign_keys(tables)', q{SELECT fk_name, status, orphan_count
		FROM ri_audit.check_foreign_keys(ARRAY['child'::regclass], 1)} ],
	[ 'orphan_summary', q{SELECT fk_name, status, orphan_count, sample
		FROM ri_audit.orphan_summary ORDER BY fk_name} ],
	[ 'validate dry run (orphans)', qq{SELECT con_name, table_name, status,
		violation_count FROM ri_audit.validate($fk)} ],
	[ 'validate dry run (clean)', qq{SELECT con_name, table_name, status,
		violation_count FROM ri_audit.validate($clean_fk, true)} ],
	[ 'validate_all dry run', q{SELECT con_name, table_name, status,
		violation_count FROM ri_audit.validate_all() ORDER BY con_name} ],
	[ 'assert_no_orphans (clean)', q{SELECT ri_audit.assert_no_orphans(
		ARRAY['clean_child'::regclass]) IS NULL} ],
	[ 'drop_preview', q{SELECT position, object_type, object_identity,
		description, depends_on, dependency, requires_cascade
		FROM ri_audit.drop_preview('DROP TABLE parent') ORDER BY position} ],
	[ 'drop_preview (column)', q{SELECT position, object_type, object_identity,
		dependency, requires_cascade
		FROM ri_audit.drop_preview('ALTER TABLE child DROP COLUMN parent_id')
		ORDER BY position} ],
	[ 'assert_drop_safe (safe)', q{SELECT ri_audit.assert_drop_safe(
		'DROP TABLE leaf') IS NULL} ],
);

# Statements that must fail, the same way everywhere.
my @failing = (
	[ 'assert_no_orphans (orphans)',
		q{SELECT ri_audit.assert_no_orphans(ARRAY['child'::regclass])},
		qr/ERROR:  23503: table "child" violates foreign key constraint "child_parent_fk"/ ],
	[ 'assert_drop_safe (needs cascade)',
		q{SELECT ri_audit.assert_drop_safe('DROP TABLE parent')},
		qr/ERROR:  2BP01: cannot drop table parent because other objects depend on it/ ],
);

for my $q (@queries)
{
	my ($name, $sql) = @$q;
	my $expected = $primary->safe_psql('postgres', $sql);
	isnt($expected, '', "$name: answers on the primary");
	is($primary->safe_psql('postgres', "BEGIN READ ONLY; $sql; COMMIT;"),
		$expected, "$name: same answer in a read-only transaction");
	is($standby->safe_psql('postgres', $sql),
		$expected, "$name: same answer on the hot standby");
}

for my $q (@failing)
{
	my ($name, $sql, $re) = @$q;
	for my $where ([ 'primary', $primary, $sql ],
		[ 'read-only transaction', $primary, "BEGIN READ ONLY; $sql; COMMIT;" ],
		[ 'hot standby', $standby, $sql ])
	{
		my ($label, $node, $s) = @$where;
		my ($stdout, $stderr);
		$node->psql('postgres', $s, stdout => \$stdout, stderr => \$stderr,
			extra_params => [ '-v', 'VERBOSITY=verbose' ]);
		like($stderr, $re, "$name: PostgreSQL's error on the $label");
	}
}

# validate with dry_run false writes: a clean read-only error.
for my $where ([ 'read-only transaction', $primary,
		"BEGIN READ ONLY; SELECT status FROM ri_audit.validate($clean_fk, false); COMMIT;" ],
	[ 'hot standby', $standby,
		"SELECT status FROM ri_audit.validate($clean_fk, false)" ])
{
	my ($label, $node, $sql) = @$where;
	my ($stdout, $stderr);
	$node->psql('postgres', $sql, stdout => \$stdout, stderr => \$stderr,
		extra_params => [ '-v', 'VERBOSITY=verbose' ]);
	like($stderr, qr/ERROR:  25006: /,
		"validate(dry_run false) fails with 25006 in a $label");
}
is($primary->safe_psql('postgres', q{
	SELECT convalidated FROM pg_constraint WHERE conname = 'clean_child_fk'}),
	'f', 'nothing was validated');

# A check running on the standby while the primary drops its table: replay
# cancels it with PostgreSQL's recovery conflict error, the standby goes on.
$primary->safe_psql('postgres', q{
	CREATE TABLE conflict_parent (id int PRIMARY KEY);
	CREATE TABLE conflict_child (id int, parent_id int);
	INSERT INTO conflict_child SELECT g, g FROM generate_series(1, 100) g;
	ALTER TABLE conflict_child ADD CONSTRAINT conflict_fk FOREIGN KEY (parent_id)
		REFERENCES conflict_parent NOT VALID;
});
$primary->wait_for_catchup($standby);
{
	my $s = $standby->background_psql('postgres', on_error_stop => 0);
	my $pid = $s->query_safe('SELECT pg_backend_pid()');
	# The first call takes AccessShareLock on the tables, held to the end
	# of the transaction; the second runs long.
	$s->query_safe(q{BEGIN; SELECT count(*) FROM ri_audit.orphans(
		'conflict_child'::regclass, 'conflict_fk')});
	$s->query_until(qr/started/, q{
\echo started
SELECT count(*) FROM generate_series(1, 1000000) g,
	LATERAL ri_audit.orphans('conflict_child'::regclass, 'conflict_fk', g) o;
});
	$standby->poll_query_until('postgres', qq{
		SELECT state = 'active' FROM pg_stat_activity WHERE pid = $pid})
	  or die "the standby check did not start";
	$primary->safe_psql('postgres', 'DROP TABLE conflict_child');
	$primary->wait_for_catchup($standby);
	# Replay cancels the check; when it signals again while the session
	# sits in its aborted transaction, PostgreSQL ends the session instead.
	# Either way the standby's log has the recovery-conflict error.
	eval { $s->query('SELECT 1'); };
	like(slurp_file($standby->logfile),
		qr/canceling statement due to conflict with recovery/,
		'a check on the standby is cancelled by replay of a DROP (recovery conflict)');
	$s->{stderr} = '';
	eval { $s->quit; };
	is($standby->safe_psql('postgres', q{
		SELECT count(*) FROM ri_audit.foreign_keys WHERE fk_name = 'conflict_fk'}),
		'0', 'the standby replayed the DROP and answers');
}

# Nothing crashed on either node.
for my $node ($primary, $standby)
{
	unlike(slurp_file($node->logfile), qr/terminated by signal|PANIC:|TRAP:/,
		$node->name . ': no backend crashed');
}

$standby->stop;
$primary->stop;
done_testing();
