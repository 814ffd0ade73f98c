# Copyright (c) 2026, ri_audit developers
#
# ri_audit.foreign_keys on a primary and on its streaming hot standby: the
# view reads only catalogs, so it works in read-only transactions and on a
# standby, and it shows what the primary has replayed.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $primary = PostgreSQL::Test::Cluster->new('primary');
$primary->init(allows_streaming => 1);
$primary->start;

$primary->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE parent (id int PRIMARY KEY);
	CREATE TABLE child (id int, parent_id int);
	ALTER TABLE child ADD FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;
});

$primary->backup('backup');
my $standby = PostgreSQL::Test::Cluster->new('standby');
$standby->init_from_backup($primary, 'backup', has_streaming => 1);
$standby->start;

$primary->safe_psql('postgres', q{
	CREATE TABLE grandchild (id int, child_parent int REFERENCES parent);
});
$primary->wait_for_catchup($standby);

my $query = q{
	SELECT string_agg(fk_name || ':' || validated, ',' ORDER BY fk_name)
	  FROM ri_audit.foreign_keys};

is($primary->safe_psql('postgres', $query),
	'child_parent_id_fkey:false,grandchild_child_parent_fkey:true',
	'view lists both keys on the primary');
is($standby->safe_psql('postgres', $query),
	'child_parent_id_fkey:false,grandchild_child_parent_fkey:true',
	'view lists both keys on the hot standby');
is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
	't', 'the standby is in recovery');
is( $primary->safe_psql(
		'postgres',
		"BEGIN TRANSACTION READ ONLY; $query; COMMIT;"),
	'child_parent_id_fkey:false,grandchild_child_parent_fkey:true',
	'view works in a read-only transaction');

$standby->stop;
$primary->stop;
done_testing();
