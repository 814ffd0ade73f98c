--
-- The README's transcripts, on the demo database (demo/sample.sql, what
-- "make demo" loads): this file's expected output is where they come from,
-- so anyone can reproduce them.  Nothing here shows an OID.
--
\set ECHO none
\i demo/sample.sql
\set ON_ERROR_STOP off
\set ECHO all
SET search_path = shop, public;
SET datestyle = ISO, YMD;

-- == Quick start: what is wrong, from the catalogs alone ==
SELECT severity, problem, table_name, fk_name, reason
  FROM ri_audit.report();
SELECT severity, problem, table_name, fk_name, advice
  FROM ri_audit.report()
 WHERE problem IN ('not enforced', 'cycle without deferrable key', 'cross-type key');
SELECT jsonb_pretty(ri_audit.report_json() - 'findings') AS counts;
SELECT jsonb_pretty(f - 'fk') AS first_finding
  FROM jsonb_array_elements(ri_audit.report_json() -> 'findings') WITH ORDINALITY AS x(f, n)
 WHERE n = 1;

-- == The foreign keys ==
SELECT table_name, fk_name, columns, referenced_table AS refs,
	   on_delete, validated, enforced, has_index
  FROM ri_audit.foreign_keys
 WHERE parent_fk IS NULL
 ORDER BY table_name::text, fk_name;

-- == Orphans: check_foreign_keys ==
SELECT table_name, fk_name, validated, status, rows_checked, orphan_count,
	   sample
  FROM ri_audit.check_foreign_keys()
 ORDER BY table_name::text, fk_name;

-- == Orphans: every orphan row of one key ==
SELECT table_name, row_table, row_ctid, key, row_key
  FROM ri_audit.orphans('orders', 'orders_customer_id_fkey');
SELECT table_name, row_table, row_ctid, key, row_key
  FROM ri_audit.orphans('payments', 'payments_order_id_fkey');

-- == Before a migration: the recipe (rolled back here) ==
-- 3. Delete the orphans found, matching the partition holding each row as
-- well as its ctid, in the statement that finds them (one snapshot).
BEGIN;
WITH deleted AS (
	DELETE FROM order_items i
	 USING ri_audit.orphans('order_items', 'order_items_order_id_fkey') x
	 WHERE i.tableoid = x.row_table AND i.ctid = x.row_ctid
	RETURNING i.*)
SELECT * FROM deleted;
WITH deleted AS (
	DELETE FROM payments p
	 USING ri_audit.orphans('payments', 'payments_order_id_fkey') x
	 WHERE p.tableoid = x.row_table AND p.ctid = x.row_ctid
	RETURNING p.tableoid::regclass AS row_table, p.*)
SELECT * FROM deleted;
ROLLBACK;
-- Keep the evidence in an exception table, and delete later by row key,
-- which an UPDATE or VACUUM FULL does not change (a stored ctid would).
BEGIN;
CREATE TABLE orders_orphans_2026_11 AS
SELECT row_table, row_key, key, now() AS found_at
  FROM ri_audit.orphans('orders', 'orders_customer_id_fkey');
UPDATE orders SET status = 'held' WHERE customer_id NOT IN (SELECT id FROM customers);
WITH deleted AS (
	DELETE FROM orders o
	 USING orders_orphans_2026_11 x,
		   jsonb_populate_record(NULL::orders, x.row_key) k
	 WHERE o.id = k.id
	RETURNING o.*)
SELECT * FROM deleted;
ROLLBACK;

-- == Keys whose triggers are off ==
SELECT tgname LIKE 'RI_ConstraintTrigger_%' AS ri_trigger,
	   tgrelid::regclass AS on_table, tgenabled
  FROM pg_trigger
 WHERE tgconstraint = (SELECT fk FROM ri_audit.foreign_keys
						WHERE fk_name = 'shipments_order_id_fkey')
 ORDER BY tgrelid::regclass::text, tgenabled;

-- == drop_preview ==
SELECT position, description, depends_on, dependency, requires_cascade
  FROM ri_audit.drop_preview('DROP TABLE users')
 WHERE dependency NOT IN ('internal', 'auto');
SELECT ri_audit.assert_drop_safe('DROP TABLE users');
SELECT position, description, depends_on, dependency, requires_cascade
  FROM ri_audit.drop_preview('ALTER TABLE users DROP CONSTRAINT users_pkey')
 WHERE requires_cascade OR dependency = 'target';
SELECT ri_audit.assert_drop_safe('ALTER TABLE users DROP COLUMN legacy_id');
SELECT position, description, depends_on, dependency, requires_cascade
  FROM ri_audit.drop_preview('DROP EXTENSION citext')
 WHERE requires_cascade OR dependency = 'target';
SELECT count(*) AS objects_removed,
	   count(*) FILTER (WHERE dependency = 'extension') AS extension_members
  FROM ri_audit.drop_preview('DROP EXTENSION citext');
SELECT * FROM ri_audit.drop_preview('DROP TABLE IF EXISTS no_such_table');

-- == Load order ==
SELECT level, table_name, depends_on, self_reference, cycle, note
  FROM ri_audit.load_order()
 WHERE table_name::text NOT LIKE 'ri_audit.%';

-- == Foreign keys without an index ==
SELECT table_name, fk_name, on_delete, table_rows, table_bytes, step,
	   suggested_index
  FROM ri_audit.unindexed_foreign_keys
 ORDER BY table_name::text, fk_name, step;

-- == What \d+ says ==
SELECT a.attname AS column, col_description(a.attrelid, a.attnum) AS description
  FROM pg_attribute a
 WHERE a.attrelid = 'ri_audit.orphan_summary'::regclass AND a.attnum > 0
 ORDER BY a.attnum;

RESET search_path;
DROP SCHEMA shop CASCADE;
DROP EXTENSION citext;
RESET client_min_messages;
RESET datestyle;
