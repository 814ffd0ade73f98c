--
-- The README's migration recipe, step by step, on a partitioned
-- referencing table: ctids repeat across partitions, so the cleanup must
-- match the partition (row_table, the row's tableoid) as well as the ctid,
-- in the statement that finds the orphans (one snapshot); evidence kept for
-- later names rows by row_key, which an UPDATE or VACUUM FULL does not
-- change.  Each cleanup is checked against an anti-join computed here:
-- exactly the orphans are gone, every other row stays.
--
SET client_min_messages = warning;
CREATE SCHEMA recipe;
SET search_path = recipe, public;

CREATE TABLE customers (id int PRIMARY KEY);
INSERT INTO customers SELECT generate_series(1, 10);
CREATE TABLE payments (id int, customer_id int, region text,
	PRIMARY KEY (id, region))
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
INSERT INTO payments VALUES (13, 3, 'us'), (14, 4, 'us'), (15, NULL, 'us');
-- Each partition's rows share ctids with the other's: in payments_eu the
-- clean rows are (0,1) and (0,2), in payments_us the orphans are.
SELECT tableoid::regclass, ctid, id, customer_id FROM payments
 ORDER BY tableoid::regclass::text, ctid;

-- The truth, by an anti-join: the orphans, and every other row.
CREATE TEMP TABLE truth_orphans AS
SELECT p.id, p.region FROM payments p
 WHERE p.customer_id IS NOT NULL
   AND NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = p.customer_id);
CREATE TEMP TABLE truth_others AS
SELECT p.id, p.region FROM payments p
EXCEPT SELECT id, region FROM truth_orphans;
-- is_exact(): exactly the orphans are gone and every other row stays.
CREATE FUNCTION pg_temp.is_exact() RETURNS TABLE (orphans_left bigint,
	others_lost bigint)
LANGUAGE sql AS $$
	SELECT (SELECT count(*) FROM recipe.payments p
			 WHERE (p.id, p.region) IN (SELECT id, region FROM truth_orphans)),
		   (SELECT count(*) FROM truth_others t
			 WHERE (t.id, t.region) NOT IN (SELECT id, region FROM recipe.payments))
$$;

-- 2. Audit: every orphan, by row.  table_name is the constraint's table,
-- row_table the partition holding the row, row_key its primary key.
SELECT table_name, row_table, row_ctid, key, row_key
  FROM ri_audit.orphans('payments', 'payments_customer_id_fkey');

-- A cleanup by ctid alone would delete rows that are not orphans.
BEGIN;
WITH deleted AS (
	DELETE FROM payments p
	 USING ri_audit.orphans('payments', 'payments_customer_id_fkey') x
	 WHERE p.ctid = x.row_ctid
	RETURNING p.tableoid::regclass AS row_table, p.id, p.customer_id)
SELECT * FROM deleted ORDER BY id;
SELECT * FROM pg_temp.is_exact();
ROLLBACK;

-- 3a. The recipe's cleanup: the partition and the ctid, in the statement
-- that finds the orphans (one snapshot).
BEGIN;
WITH deleted AS (
	DELETE FROM payments p
	 USING ri_audit.orphans('payments', 'payments_customer_id_fkey') x
	 WHERE p.tableoid = x.row_table AND p.ctid = x.row_ctid
	RETURNING p.tableoid::regclass AS row_table, p.id, p.customer_id)
SELECT * FROM deleted ORDER BY id;
SELECT * FROM pg_temp.is_exact();
ROLLBACK;

-- 3b. The evidence kept in an exception table, and the cleanup later:
-- meanwhile rows were updated and the table rewritten, so the stored ctids
-- name other rows (or none).  The row key still names the right ones.
CREATE TABLE payments_orphans AS
SELECT row_table, row_ctid, key, row_key
  FROM ri_audit.orphans('payments', 'payments_customer_id_fkey');
UPDATE payments SET customer_id = customer_id WHERE id IN (12, 13);
VACUUM FULL payments_us;
SELECT p.tableoid::regclass AS row_table, p.ctid, p.id, p.customer_id
  FROM payments p JOIN payments_orphans x
	ON p.tableoid = x.row_table AND p.ctid = x.row_ctid
 ORDER BY p.id;
-- ... so the stored ctids are not used: the row key is, typed by
-- jsonb_populate_record against the table's own row type.
WITH deleted AS (
	DELETE FROM payments p
	 USING payments_orphans x,
		   jsonb_populate_record(NULL::payments, x.row_key) k
	 WHERE (p.id, p.region) = (k.id, k.region)
	RETURNING p.tableoid::regclass AS row_table, p.id, p.customer_id)
SELECT * FROM deleted ORDER BY id;
SELECT * FROM pg_temp.is_exact();
SELECT id, customer_id, region FROM payments ORDER BY id;

-- 4. A plain table's NOT VALID key would be validated now; this one is
-- valid already, and clean again.
SELECT fk_name, status, reason, orphan_count
  FROM ri_audit.check_foreign_keys('{payments}');

-- 5. The precondition of later migrations.
SELECT ri_audit.assert_no_orphans('{payments}');

RESET search_path;
DROP SCHEMA recipe CASCADE;
