--
-- ri_audit.assert_no_orphans(): quiet when clean, core's 23503 wording
-- otherwise.
--
SET client_min_messages = warning;
CREATE SCHEMA orph_assert;
SET search_path = orph_assert, public;

CREATE TABLE customers (id int PRIMARY KEY);
CREATE TABLE orders (id int, customer_id int REFERENCES customers);
CREATE TABLE items (id int, a int, b text);
CREATE TABLE products (a int, b text, PRIMARY KEY (a, b));
ALTER TABLE items ADD CONSTRAINT items_product_fkey
	FOREIGN KEY (a, b) REFERENCES products MATCH FULL;
INSERT INTO customers VALUES (1), (2);
INSERT INTO orders VALUES (1, 1), (2, NULL);

-- Clean: returns quietly.
SELECT ri_audit.assert_no_orphans('{orders, items}');
SELECT ri_audit.assert_no_orphans();

-- Orphans: the first one in output order, the totals in the hint.
SET session_replication_role = replica;
INSERT INTO orders VALUES (3, 123), (4, 124), (5, 123);
RESET session_replication_role;
SELECT ri_audit.assert_no_orphans('{orders}');

ALTER TABLE items DISABLE TRIGGER ALL;
INSERT INTO items VALUES (1, 5, 'x'), (2, NULL, 'y');
ALTER TABLE items ENABLE TRIGGER ALL;
SELECT ri_audit.assert_no_orphans();
SELECT ri_audit.assert_no_orphans('{items}');
-- MATCH FULL: a partly-NULL key gets core's MATCH FULL detail.
DELETE FROM items WHERE a = 5;
SELECT ri_audit.assert_no_orphans('{items}');

-- The error fields a client can use.
DO $$
DECLARE
	st text; sch text; tab text; con text; msg text; det text;
BEGIN
	PERFORM ri_audit.assert_no_orphans('{orders}');
EXCEPTION WHEN foreign_key_violation THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, sch = SCHEMA_NAME,
		tab = TABLE_NAME, con = CONSTRAINT_NAME, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL;
	RAISE WARNING 'sqlstate %, schema %, table %, constraint %', st, sch, tab, con;
	RAISE WARNING '%', msg;
	RAISE WARNING '%', det;
END
$$;

-- The same check as PostgreSQL's: VALIDATE fails on the same key.
ALTER TABLE orders ADD CONSTRAINT orders_customer_nv
	FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;
ALTER TABLE orders VALIDATE CONSTRAINT orders_customer_nv;
ALTER TABLE orders DROP CONSTRAINT orders_customer_nv;

-- Fixed: quiet again.
DELETE FROM orders WHERE customer_id > 100;
DELETE FROM items;
SELECT ri_audit.assert_no_orphans();

RESET search_path;
DROP SCHEMA orph_assert CASCADE;
