# Copyright (c) 2026, ri_audit developers
#
# ri_audit.delete_preview and assert_delete_safe on a hot standby and in a
# read-only transaction: the preview only reads (its statement's query and
# its own queries run read-only, its work sets live in memory), so it works
# there, and the standby's answer is the primary's.  Also: the preview
# takes AccessShareLock only (a concurrent ACCESS EXCLUSIVE request waits
# for it, a concurrent DELETE does not), and comparing keys with another
# role's operator runs as the referencing table's owner, never as the
# caller.

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
	CREATE TABLE customers (id int PRIMARY KEY);
	CREATE TABLE orders (id int PRIMARY KEY,
		customer_id int REFERENCES customers ON DELETE CASCADE);
	CREATE TABLE order_items (id int,
		order_id int REFERENCES orders);
	CREATE TABLE parts (id int PRIMARY KEY) PARTITION BY RANGE (id);
	CREATE TABLE parts_1 PARTITION OF parts FOR VALUES FROM (0) TO (10);
	CREATE TABLE parts_2 PARTITION OF parts FOR VALUES FROM (10) TO (100);
	CREATE TABLE uses (id int, part_id int REFERENCES parts ON DELETE SET NULL);
	INSERT INTO customers SELECT g FROM generate_series(1, 10) g;
	INSERT INTO orders SELECT g, 1 + g % 10 FROM generate_series(1, 50) g;
	INSERT INTO order_items SELECT g, g FROM generate_series(1, 20) g;
	INSERT INTO parts SELECT g FROM generate_series(1, 30) g;
	INSERT INTO uses SELECT g, g FROM generate_series(1, 30) g;
});

my $standby = start_standby($primary);

my $preview = q{
	SELECT string_agg(concat_ws(':', step, table_name, fk_name, action,
							   row_count, sample), ',' ORDER BY step, table_name::text, action)
	  FROM ri_audit.delete_preview($1)};

for my $stmt ('DELETE FROM customers WHERE id = 3',
	'DELETE FROM customers WHERE id > 7',
	'DELETE FROM parts WHERE id BETWEEN 5 AND 15',
	'UPDATE parts SET id = id + 100 WHERE id < 3',
	'TRUNCATE customers', 'TRUNCATE customers CASCADE')
{
	my $q = $preview =~ s/\$1/'$stmt'/r;
	isnt(same_on_standby($primary, $standby, $q, $stmt), '',
		"$stmt: the primary previews it");
}

my ($ret, $out, $err) = $standby->psql('postgres',
	"SELECT ri_audit.assert_delete_safe('DELETE FROM customers WHERE id = 3')");
like($err,
	qr/ERROR:  update or delete on table "orders" violates foreign key constraint "order_items_order_id_fkey" on table "order_items"/,
	'assert_delete_safe on the standby raises the 23503 of the real DELETE');
($ret, $out, $err) = $primary->psql('postgres',
	"DELETE FROM customers WHERE id = 3");
like($err,
	qr/ERROR:  update or delete on table "orders" violates foreign key constraint "order_items_order_id_fkey" on table "order_items"/,
	'which is what the primary raises for the real DELETE');

# Locks: AccessShareLock on every table read, held to end of transaction.
is( $primary->safe_psql(
		'postgres', q{
	BEGIN;
	SELECT count(*) FROM ri_audit.delete_preview('DELETE FROM customers WHERE id = 3');
	SELECT string_agg(c.relname || ':' || l.mode, ',' ORDER BY c.relname, l.mode)
	  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
	 WHERE l.pid = pg_backend_pid() AND c.relname IN ('customers', 'orders', 'order_items');
	COMMIT;}),
	"3\ncustomers:AccessShareLock,order_items:AccessShareLock,orders:AccessShareLock",
	'the preview holds AccessShareLock, and nothing stronger, on the tables it read');

# Another role's equality operator: run as the referencing table's owner
# (who may read both tables), never as the caller.  The operator's function
# records the role it runs as.
$primary->safe_psql('postgres', q{
	CREATE ROLE regress_opowner;
	CREATE ROLE regress_tabowner;
	CREATE ROLE regress_caller;
	CREATE SCHEMA ops;
	GRANT USAGE ON SCHEMA ops TO PUBLIC;
	-- Only a superuser can make an operator class; its function is
	-- regress_opowner's, and says whom it runs as.
	CREATE FUNCTION ops.same(int, int) RETURNS bool LANGUAGE plpgsql IMMUTABLE
		AS $$ BEGIN RAISE NOTICE 'same runs as %', current_user; RETURN $1 = $2; END $$;
	ALTER FUNCTION ops.same(int, int) OWNER TO regress_opowner;
	CREATE OPERATOR ops.=== (LEFTARG = int, RIGHTARG = int, FUNCTION = ops.same);
	CREATE OPERATOR CLASS ops.same_ops FOR TYPE int USING btree AS
		OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 ops.===, OPERATOR 4 >=,
		OPERATOR 5 >, FUNCTION 1 btint4cmp(int, int);
	CREATE TABLE coded (c int NOT NULL);
	CREATE UNIQUE INDEX ON coded (c ops.same_ops);
	CREATE TABLE coded_ref (c int REFERENCES coded (c));
	INSERT INTO coded VALUES (1), (2);
	INSERT INTO coded_ref VALUES (1);
	ALTER TABLE coded OWNER TO regress_tabowner;
	ALTER TABLE coded_ref OWNER TO regress_tabowner;
	GRANT SELECT ON coded, coded_ref TO regress_caller;
	GRANT EXECUTE ON FUNCTION ri_audit.delete_preview(text) TO regress_caller;
});
($ret, $out, $err) = $primary->psql('postgres', q{
	SET ROLE regress_caller;
	SELECT action, row_count FROM ri_audit.delete_preview('DELETE FROM coded WHERE c = 1') ORDER BY step;});
like($out, qr/^delete\|1\nblocks\|1$/m, 'another role\'s operator: the preview answers');
unlike($err, qr/same runs as regress_caller/,
	'the foreign operator never runs as the caller');
like($err, qr/same runs as regress_tabowner/,
	'it runs as the referencing table\'s owner');

done_testing();
