# Copyright (c) 2026, ri_audit developers
#
# The orphan finder only reads: it works on a streaming hot standby and in
# read-only transactions, and gives there what it gives on the primary.
# Validating for real needs a writable primary.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('orph_primary');
$primary->init(allows_streaming => 1);
$primary->start;

$primary->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE parent (id int PRIMARY KEY);
	CREATE TABLE child (id int, parent_id int);
	INSERT INTO parent VALUES (1), (2);
	INSERT INTO child VALUES (1, 1), (2, 5), (3, NULL), (4, 6);
	ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;
	CREATE TABLE pchild (id int, parent_id int REFERENCES parent)
		PARTITION BY RANGE (id);
	CREATE TABLE pchild_1 PARTITION OF pchild FOR VALUES FROM (0) TO (10);
	CREATE TABLE pchild_2 PARTITION OF pchild FOR VALUES FROM (10) TO (20);
	SET session_replication_role = replica;
	INSERT INTO pchild VALUES (1, 1), (2, 9), (15, 9), (16, 2);
});

$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('orph_standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;

# Changes after the base backup arrive by streaming.
$primary->safe_psql('postgres', q{
	SET session_replication_role = replica;
	INSERT INTO child VALUES (5, 7);
});
$primary->wait_for_catchup($standby);

my $orphans = q{
	SELECT string_agg(row_table || ':' || key::text, ' ')
	  FROM (SELECT * FROM ri_audit.orphans('child'::regclass, 'child_parent_id_fkey')
			UNION ALL
			SELECT * FROM ri_audit.orphans('pchild'::regclass, 'pchild_parent_id_fkey')) o};
my $check = q{
	SELECT string_agg(fk_name || ':' || status || ':' || orphan_count, ' ')
	  FROM ri_audit.check_foreign_keys()};

my $expect_orphans =
    'child:{"parent_id": 5} child:{"parent_id": 6} child:{"parent_id": 7} '
  . 'pchild_1:{"parent_id": 9} pchild_2:{"parent_id": 9}';
my $expect_check = 'child_parent_id_fkey:orphans:3 pchild_parent_id_fkey:orphans:2';

is($primary->safe_psql('postgres', $orphans), $expect_orphans,
	'orphans() on the primary');
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');
is($standby->safe_psql('postgres', $orphans), $expect_orphans,
	'orphans() on the hot standby');
is($standby->safe_psql('postgres', $check), $expect_check,
	'check_foreign_keys() on the hot standby');
is( $standby->safe_psql(
		'postgres', q{
	SELECT status || ':' || violation_count FROM ri_audit.validate(
		(SELECT oid FROM pg_constraint WHERE conname = 'child_parent_id_fkey'))}),
	'orphans:3',
	'a dry-run validate() on the hot standby');

my ($ret, $stdout, $stderr) = $standby->psql(
	'postgres', q{
	SELECT ri_audit.assert_no_orphans('{child}')});
like(
	$stderr,
	qr/Key \(parent_id\)=\(5\) is not present in table "parent"/,
	'assert_no_orphans() on the hot standby');

is( $primary->safe_psql(
		'postgres', "BEGIN TRANSACTION READ ONLY; $orphans; COMMIT;"),
	$expect_orphans,
	'orphans() in a read-only transaction');
is( $primary->safe_psql(
		'postgres', "BEGIN TRANSACTION READ ONLY; $check; COMMIT;"),
	$expect_check,
	'check_foreign_keys() in a read-only transaction');

# Fix on the primary, validate there; the standby sees the result.
$primary->safe_psql('postgres', q{
	DELETE FROM child WHERE parent_id > 2;
	SELECT ri_audit.validate(
		(SELECT oid FROM pg_constraint WHERE conname = 'child_parent_id_fkey'),
		false);
});
$primary->wait_for_catchup($standby);
($ret, $stdout, $stderr) = $standby->psql(
	'postgres', q{
	SELECT * FROM ri_audit.validate_all(false)});
is($stdout, '', 'nothing left to validate on the standby');
is( $standby->safe_psql(
		'postgres', q{
	SELECT convalidated FROM pg_constraint WHERE conname = 'child_parent_id_fkey'}),
	't',
	'the validation replayed on the standby');

$standby->stop;
$primary->stop;
done_testing();
