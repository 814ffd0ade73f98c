# Copyright (c) 2026, ri_audit developers
#
# Orphans behind a VALID foreign key: rows loaded with
# session_replication_role = replica (as pg_restore --disable-triggers,
# logical replication apply workers and bulk loaders do) skip the RI
# triggers.  PostgreSQL's VALIDATE never looks again at a valid key;
# ri_audit finds them.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('replica_load');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE customers (id int PRIMARY KEY);
	CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers);
	INSERT INTO customers SELECT g FROM generate_series(1, 50) g;
	INSERT INTO orders SELECT g, 1 + g % 50 FROM generate_series(1, 200) g;
});

# A replica-role load, as a replication apply or a trigger-less restore does.
$node->safe_psql('postgres', q{
	SET session_replication_role = replica;
	COPY orders FROM stdin;
1001	77
1002	78
1003	\N
1004	77
\.
	DELETE FROM customers WHERE id = 3;
});

is( $node->safe_psql(
		'postgres', q{
	SELECT convalidated FROM pg_constraint
	 WHERE conname = 'orders_customer_id_fkey'}),
	't',
	'the constraint is still marked valid');

# VALIDATE is a no-op on a valid constraint: PostgreSQL does not notice.
$node->safe_psql('postgres',
	'ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_id_fkey');

is( $node->safe_psql(
		'postgres', q{
	SELECT string_agg(key->>'customer_id', ',')
	  FROM ri_audit.orphans('orders'::regclass, 'orders_customer_id_fkey')}),
	'3,3,3,3,77,77,78',
	'orphans() lists the replica-loaded rows and the ones left by the delete');

is( $node->safe_psql(
		'postgres', q{
	SELECT status || ' ' || orphan_count || ' ' || rows_checked
	  FROM ri_audit.check_foreign_keys('{orders}')}),
	'orphans 7 204',
	'check_foreign_keys() counts them');

my ($ret, $stdout, $stderr) =
  $node->psql('postgres', 'SELECT ri_audit.assert_no_orphans()');
isnt($ret, 0, 'assert_no_orphans() fails');
like(
	$stderr,
	qr/table "orders" violates foreign key constraint "orders_customer_id_fkey"/,
	'with the core wording');
like(
	$stderr,
	qr/Key \(customer_id\)=\(3\) is not present in table "customers"\./,
	'naming the first orphan key');

# After the repair the audit is clean.
$node->safe_psql('postgres', q{
	INSERT INTO customers VALUES (3), (77), (78);
});
is($node->safe_psql('postgres', q{
	SELECT status FROM ri_audit.check_foreign_keys('{orders}')}),
	'ok', 'clean after the repair');

$node->stop;
done_testing();
