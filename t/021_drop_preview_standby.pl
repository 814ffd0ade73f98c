# Copyright (c) 2026, ri_audit developers
#
# ri_audit.drop_preview and assert_drop_safe on a hot standby and in a
# read-only transaction: they only read catalogs and take AccessShareLock at
# most, so they work there, and the standby's answer is the primary's.

use strict;
use warnings;

use FindBin;
use lib "$FindBin::RealBin/lib";
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use RiAuditStandby;

my $primary = start_primary();

$primary->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE);
	CREATE TABLE orders (id int, user_id int REFERENCES users,
		email text REFERENCES users (email));
	CREATE VIEW user_emails AS SELECT email FROM users;
	CREATE TABLE parts (id int PRIMARY KEY) PARTITION BY RANGE (id);
	CREATE TABLE parts_1 PARTITION OF parts FOR VALUES FROM (0) TO (10);
	CREATE ROLE app;
	CREATE TABLE app_log (id int, user_id int REFERENCES users);
	ALTER TABLE app_log OWNER TO app;
	CREATE VIEW app_log_v AS SELECT id FROM app_log;
	GRANT SELECT ON users TO app;
	CREATE POLICY app_only ON users TO app USING (true);
});

$primary->safe_psql('postgres', 'CREATE DATABASE scratch');

my $standby = start_standby($primary);

my $preview = q{
	SELECT string_agg(concat_ws(':', position, description, dependency,
							   requires_cascade), ',' ORDER BY position)
	  FROM ri_audit.drop_preview($1)};

for my $ddl ('DROP TABLE users', 'ALTER TABLE users DROP COLUMN email',
	'ALTER TABLE users DROP CONSTRAINT users_pkey', 'DROP TABLE parts',
	'DROP SCHEMA public', 'DROP OWNED BY app', 'DROP ROLE app',
	'DROP DATABASE scratch')
{
	my $q = $preview =~ s/\$1/'$ddl'/r;
	isnt(same_on_standby($primary, $standby, $q, $ddl), '',
		"$ddl: the primary previews it");
}

my ($ret, $out, $err) = $standby->psql('postgres',
	"SELECT ri_audit.assert_drop_safe('DROP TABLE users')");
like($err, qr/cannot drop table users because other objects depend on it/,
	'assert_drop_safe raises on the standby');
like($err, qr/view user_emails depends on column email of table users|view user_emails depends on table users/,
	'with the dependents in the detail');

# DROP ROLE's refusal (pg_shdepend, a shared catalog) is the primary's.
my ($pret, $pout, $perr) = $primary->psql('postgres',
	"SELECT ri_audit.assert_drop_safe('DROP ROLE app')");
($ret, $out, $err) = $standby->psql('postgres',
	"SELECT ri_audit.assert_drop_safe('DROP ROLE app')");
like($err, qr/role "app" cannot be dropped because some objects depend on it\nDETAIL:  privileges for table users\nowner of table app_log\ntarget of policy app_only on table users/,
	'assert_drop_safe raises DROP ROLE\'s refusal on the standby');
is($err, $perr, 'the same error as on the primary');

# The table, its row and array types, its toast table and index, two
# foreign keys with two triggers on each table: 15 objects.
is($standby->safe_psql('postgres',
		"SELECT count(*) FROM ri_audit.drop_preview('DROP TABLE orders')"),
	'15', 'the standby previews a statement that would drop 15 objects');

$standby->stop;
$primary->stop;
done_testing();
