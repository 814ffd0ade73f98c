--
-- The README's migration recipe, step by step, on a partitioned
-- referencing table: ctids repeat across partitions, so the cleanup must
-- match the partition (tableoid) as well as the ctid.
--
SET client_min_messages = warning;
CREATE SCHEMA recipe;
SET search_path = recipe, public;

CREATE TABLE customers (id int PRIMARY KEY);
INSERT INTO customers SELECT generate_series(1, 10);
CREATE TABLE payments (id int, customer_id int, region text)
	PARTITION BY LIST (region);
CREATE TABLE payments_eu PARTITION OF payments FOR VALUES IN ('eu');
CREATE TABLE payments_us PARTITION OF payments FOR VALUES IN ('us');
-- PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned table
-- (step 1 of the recipe), so the key is added on clean rows and the
-- orphans arrive the way they do on such tables: loaded with the RI
-- triggers off (session_replication_role = replica, as pg_restore
-- --disable-triggers and logical replication do).
INSERT INTO payments VALUES (1, 1, 'eu'), (2, 2, 'eu');
ALTER TABLE payments ADD CONSTRAINT payments_customer_id_fkey
	FOREIGN KEY (customer_id) REFERENCES customers;
SET session_replication_role = replica;
INSERT INTO payments VALUES (3, 93, 'eu'), (4, 94, 'eu'),
	(11, 81, 'us'), (12, 82, 'us');
RESET session_replication_role;
INSERT INTO payments VALUES (13, 3, 'us'), (14, 4, 'us');
-- Each partition's rows share ctids with the other's: in payments_eu the
-- clean rows are (0,1) and (0,2), in payments_us the orphans are.
SELECT tableoid::regclass, ctid, id, customer_id FROM payments
 ORDER BY tableoid::regclass::text, ctid;

-- 2. Audit: every orphan, by row.
SELECT table_name, row_ctid, key
  FROM ri_audit.orphans('payments', 'payments_customer_id_fkey');

-- A cleanup by ctid alone would delete rows that are not orphans.
BEGIN;
WITH deleted AS (
	DELETE FROM payments p
	 USING ri_audit.orphans('payments', 'payments_customer_id_fkey') x
	 WHERE p.ctid = x.row_ctid
	RETURNING p.tableoid::regclass AS table_name, p.id, p.customer_id)
SELECT * FROM deleted ORDER BY id;
ROLLBACK;

-- 3. The recipe's cleanup: the partition and the ctid, in one statement
-- (one snapshot).
WITH deleted AS (
	DELETE FROM payments p
	 USING ri_audit.orphans('payments', 'payments_customer_id_fkey') x
	 WHERE p.tableoid = x.table_name AND p.ctid = x.row_ctid
	RETURNING p.tableoid::regclass AS table_name, p.id, p.customer_id)
SELECT * FROM deleted ORDER BY id;
SELECT id, customer_id FROM payments ORDER BY id;

-- 4. A plain table's NOT VALID key would be validated now; this one is
-- valid already, and clean again.
SELECT fk_name, status, orphan_count
  FROM ri_audit.check_foreign_keys('{payments}');

-- 5. The precondition of later migrations.
SELECT ri_audit.assert_no_orphans('{payments}');

RESET search_path;
DROP SCHEMA recipe CASCADE;
