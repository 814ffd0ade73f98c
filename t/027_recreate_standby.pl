# Copyright (c) 2026, ri_audit developers
#
# ri_audit.recreate_script and migration_script on a hot standby and in a
# read-only transaction: they only read catalogs and take AccessShareLock at
# most, so they work there, and the standby's script is the primary's, for
# the README's three examples (a foreign key taken by DROP CONSTRAINT pkey
# CASCADE, views under ALTER COLUMN TYPE, a function used by a default and
# a trigger), also for a role without privileges on the objects.  Also the
# locks: another session's ROW EXCLUSIVE or SHARE UPDATE EXCLUSIVE lock on
# a table the call reads does not make it wait; an ACCESS EXCLUSIVE lock
# does (55P03 under lock_timeout), on the primary and, once the lock is
# replayed, on the standby.

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
	CREATE ROLE regress_rs_owner;
	CREATE ROLE regress_rs_reader;
	CREATE ROLE regress_rs_nobody;
	CREATE SCHEMA shop;
	GRANT USAGE ON SCHEMA shop TO regress_rs_owner, regress_rs_reader,
		regress_rs_nobody;
	CREATE TABLE shop.users (id int PRIMARY KEY, email text NOT NULL);
	CREATE TABLE shop.orders (id int PRIMARY KEY, user_id int NOT NULL,
		total numeric(10,2));
	ALTER TABLE shop.orders ADD CONSTRAINT orders_user_id_fkey
		FOREIGN KEY (user_id) REFERENCES shop.users (id) ON DELETE CASCADE NOT VALID;
	COMMENT ON CONSTRAINT orders_user_id_fkey ON shop.orders IS 'every order has a user';
	CREATE VIEW shop.order_totals WITH (security_barrier) AS
		SELECT u.id, u.email, sum(o.total) AS total
		  FROM shop.users u JOIN shop.orders o ON o.user_id = u.id
		 GROUP BY u.id, u.email;
	ALTER VIEW shop.order_totals OWNER TO regress_rs_owner;
	GRANT SELECT ON shop.users, shop.orders TO regress_rs_owner;
	GRANT SELECT ON shop.order_totals TO regress_rs_reader;
	COMMENT ON VIEW shop.order_totals IS 'per user';
	CREATE VIEW shop.big_spenders AS
		SELECT id, email FROM shop.order_totals WHERE total > 1000
		WITH CASCADED CHECK OPTION;
	CREATE FUNCTION shop.next_code() RETURNS text LANGUAGE sql
		AS $$ SELECT 'c-' || 1 $$;
	REVOKE ALL ON FUNCTION shop.next_code() FROM PUBLIC;
	GRANT EXECUTE ON FUNCTION shop.next_code() TO regress_rs_reader;
	ALTER TABLE shop.orders ADD COLUMN code text DEFAULT shop.next_code();
	CREATE FUNCTION shop.stamp() RETURNS trigger LANGUAGE plpgsql
		AS $$ BEGIN NEW.code := shop.next_code(); RETURN NEW; END $$;
	CREATE TRIGGER orders_stamp BEFORE INSERT ON shop.orders
		FOR EACH ROW WHEN (shop.next_code() IS NOT NULL)
		EXECUTE FUNCTION shop.stamp();
	ALTER TABLE shop.orders DISABLE TRIGGER orders_stamp;
	INSERT INTO shop.users VALUES (1, 'a@example.com');
	INSERT INTO shop.orders VALUES (1, 1, 1500);
});

my $standby = start_standby($primary);

# Each call with the text it must contain (so that an empty or unchanged
# answer cannot pass).
my @calls = (
	[ 'recreate_script', 'ALTER TABLE shop.users DROP CONSTRAINT users_pkey',
		qr/^ALTER TABLE shop\.orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY/m ],
	[ 'migration_script', 'ALTER TABLE shop.users DROP CONSTRAINT users_pkey',
		qr/^ALTER TABLE shop\.orders DROP CONSTRAINT orders_user_id_fkey;$/m ],
	[ 'migration_script', 'ALTER TABLE shop.orders ALTER COLUMN total TYPE numeric(12,2)',
		qr/^DROP VIEW shop\.big_spenders;\nDROP VIEW shop\.order_totals;\n/m ],
	[ 'recreate_script', 'ALTER TABLE shop.orders DROP COLUMN total',
		qr/^-- \(would fail, see above\)\n-- CREATE VIEW shop\.order_totals/m ],
	[ 'recreate_script', 'DROP FUNCTION shop.next_code()',
		qr/^ALTER TABLE ONLY shop\.orders ALTER COLUMN code SET DEFAULT shop\.next_code\(\);\nCREATE TRIGGER orders_stamp .*\nALTER TABLE shop\.orders DISABLE TRIGGER orders_stamp;$/m ],
	[ 'migration_script', 'DROP FUNCTION shop.next_code()',
		qr/^ALTER TABLE ONLY shop\.orders ALTER COLUMN code DROP DEFAULT;$/m ]);

for my $c (@calls)
{
	my ($fn, $ddl, $expect) = @$c;
	my $q = "SELECT ri_audit.$fn('$ddl')";
	my $on_primary = same_on_standby($primary, $standby, $q, "$fn($ddl)");

	like($on_primary, $expect, "$fn($ddl): the primary's script");
	# a role with no privilege on the objects reads the same catalogs
	is($standby->safe_psql('postgres', "SET ROLE regress_rs_nobody; $q"),
		$on_primary,
		"$fn($ddl): the same script for a role without privileges on the standby");
}

# The primary's own refusals are the standby's (no partial script).
my ($pret, $pout, $perr) = $primary->psql('postgres',
	"SELECT ri_audit.recreate_script('DROP VIEW shop.nosuch')");
my ($ret, $out, $err) = $standby->psql('postgres',
	"SELECT ri_audit.recreate_script('DROP VIEW shop.nosuch')");
like($err, qr/ERROR:  view "nosuch" does not exist/,
	'an unknown view is refused on the standby');
is($err, $perr, 'with the primary\'s error');

# What the calls hold, in a transaction: AccessShareLock and nothing else.
for my $c (@calls)
{
	my ($fn, $ddl) = @$c;
	is( $primary->safe_psql(
			'postgres', qq{
		BEGIN;
		SELECT length(ri_audit.$fn('$ddl')) > 0;
		SELECT string_agg(DISTINCT mode, ',') FROM pg_locks
		 WHERE pid = pg_backend_pid() AND locktype IN ('relation', 'object');
		COMMIT;}),
		"t\nAccessShareLock",
		"$fn($ddl): holds AccessShareLock only");
}

# Another session's lock on a table the calls read.  ROW EXCLUSIVE (a
# writer) and SHARE UPDATE EXCLUSIVE (VACUUM, CREATE INDEX CONCURRENTLY)
# do not conflict with AccessShareLock: the calls answer without waiting,
# which a lock_timeout of 5s would otherwise end.
my $holder = $primary->background_psql('postgres', on_error_stop => 0);
for my $mode ('ROW EXCLUSIVE', 'SHARE UPDATE EXCLUSIVE')
{
	$holder->query_safe(
		"BEGIN; LOCK TABLE shop.users, shop.orders IN $mode MODE;");
	for my $c (@calls)
	{
		my ($fn, $ddl, $expect) = @$c;
		($ret, $out, $err) = $primary->psql('postgres',
			"SET lock_timeout = '5s'; SELECT ri_audit.$fn('$ddl')");
		like($out, $expect,
			"$fn($ddl): answers while another session holds $mode");
	}
	$holder->query_safe('COMMIT;');
}

# ACCESS EXCLUSIVE (ALTER TABLE, DROP) conflicts: the call waits, and
# lock_timeout ends the wait with 55P03.
$holder->query_safe(
	'BEGIN; LOCK TABLE shop.users, shop.orders IN ACCESS EXCLUSIVE MODE;');
for my $c (@calls)
{
	my ($fn, $ddl) = @$c;
	($ret, $out, $err) = $primary->psql('postgres',
		"\\set VERBOSITY verbose\nSET lock_timeout = '200ms'; SELECT ri_audit.$fn('$ddl')");
	like($err, qr/ERROR:  55P03: canceling statement due to lock timeout/,
		"$fn($ddl): waits for another session's ACCESS EXCLUSIVE, until lock_timeout");
}

# The standby replays the ACCESS EXCLUSIVE lock (PostgreSQL logs only that
# mode; a committed transaction after it flushes its WAL record): the
# standby's call waits as well, and answers once the lock is released.
$primary->safe_psql('postgres', 'CREATE TABLE flush_wal ()');
$primary->wait_for_catchup($standby);
($ret, $out, $err) = $standby->psql('postgres',
	"SET lock_timeout = '200ms'; SELECT ri_audit.recreate_script('DROP FUNCTION shop.next_code()')");
like($err, qr/ERROR:  canceling statement due to lock timeout/,
	'on the standby the call waits for the primary\'s ACCESS EXCLUSIVE lock');
$holder->query_safe('COMMIT;');
$primary->safe_psql('postgres', 'DROP TABLE flush_wal');
$primary->wait_for_catchup($standby);
($ret, $out, $err) = $standby->psql('postgres',
	"SET lock_timeout = '5s'; SELECT ri_audit.recreate_script('DROP FUNCTION shop.next_code()')");
like($out, $calls[4][2], 'and answers once the primary released it');

# A function target: a DROP FUNCTION in progress holds ACCESS EXCLUSIVE on
# the function (and here on the table whose default and trigger it drops);
# the call waits for it.  A function nothing uses shows the lock on the
# function alone.
$holder->query_safe(
	'SET client_min_messages = warning; BEGIN; DROP FUNCTION shop.next_code() CASCADE;');
($ret, $out, $err) = $primary->psql('postgres',
	"SET lock_timeout = '200ms'; SELECT ri_audit.recreate_script('DROP FUNCTION shop.next_code()')");
like($err, qr/ERROR:  canceling statement due to lock timeout/,
	'the call waits for a DROP FUNCTION in progress');
$holder->query_safe('ROLLBACK;');
$primary->safe_psql('postgres',
	'CREATE FUNCTION shop.unused() RETURNS int LANGUAGE sql RETURN 1');
$holder->query_safe('BEGIN; DROP FUNCTION shop.unused();');
($ret, $out, $err) = $primary->psql('postgres',
	"SET lock_timeout = '200ms'; SELECT ri_audit.migration_script('DROP FUNCTION shop.unused()')");
like($err, qr/ERROR:  canceling statement due to lock timeout/,
	'the call waits for the lock on the function it names');
$holder->query_safe('ROLLBACK;');
is( $primary->safe_psql(
		'postgres', "SELECT ri_audit.migration_script('DROP FUNCTION shop.unused()')"),
	'DROP FUNCTION shop.unused()',
	'and answers once it is released');
$holder->quit;

$standby->stop;
$primary->stop;
done_testing();
