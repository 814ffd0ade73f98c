--
-- demo/report.sql: the ri_audit report on the sample shop database.
--
\set ON_ERROR_STOP on
\pset footer on
SET search_path = shop, public;
SET client_min_messages = warning;
CREATE EXTENSION ri_audit;

\echo '== 0. What is wrong, from the catalogs alone (ri_audit.report) ==='
\echo 'No table is read or locked; finding orphans (section 2) reads them.'
SELECT severity, problem, table_name, fk_name, reason
  FROM ri_audit.report();

\echo
\echo '== 1. Foreign keys (ri_audit.foreign_keys) ======================'
\echo 'Every declared foreign key, its validation state, whether PostgreSQL'
\echo 'enforces it now (its triggers enabled), and whether an index supports it.'
SELECT table_name, fk_name, columns, referenced_table AS refs,
	   on_delete, validated, enforced, has_index
  FROM ri_audit.foreign_keys
 WHERE parent_fk IS NULL
 ORDER BY table_name::text, fk_name;

\echo
\echo '== 2. Orphans, per foreign key (ri_audit.check_foreign_keys) ====='
\echo 'Validated keys can hide orphans too: this database had a bulk load'
\echo 'run with session_replication_role = replica.'
SELECT table_name, fk_name, validated, status, rows_checked, orphan_count,
	   sample, reason
  FROM ri_audit.check_foreign_keys()
 ORDER BY table_name::text, fk_name;

\echo
\echo '== 3. Every orphan row of orders_customer_id_fkey (ri_audit.orphans) =='
SELECT table_name, row_table, row_ctid, key, row_key
  FROM ri_audit.orphans('orders'::regclass, 'orders_customer_id_fkey');

\echo
\echo '== 4. Can the NOT VALID constraints be validated? (ri_audit.validate_all, dry run) =='
SELECT table_name, con_name, constraint_type, status, violation_count
  FROM ri_audit.validate_all(dry_run => true);

\echo
\echo '== 5. What would DROP TABLE shop.orders CASCADE remove? (ri_audit.drop_preview) =='
SELECT count(*) AS objects_removed,
	   count(*) FILTER (WHERE requires_cascade) AS need_cascade,
	   count(*) FILTER (WHERE dependency IN ('internal', 'auto', 'partition')) AS removed_silently
  FROM ri_audit.drop_preview('DROP TABLE shop.orders');
\echo 'The objects a plain DROP TABLE refuses to remove, and why each goes:'
SELECT position, description, depends_on, dependency
  FROM ri_audit.drop_preview('DROP TABLE shop.orders')
 WHERE requires_cascade OR dependency = 'target';

\echo
\echo '== 6. The same statement as a migration precondition (ri_audit.assert_drop_safe) =='
DO $$
BEGIN
	PERFORM ri_audit.assert_drop_safe('DROP TABLE shop.orders');
EXCEPTION WHEN dependent_objects_still_exist THEN
	RAISE WARNING 'assert_drop_safe refused (SQLSTATE %): %', SQLSTATE, SQLERRM;
END
$$;

\echo
\echo '== 7. Load order (ri_audit.load_order) ==========================='
SELECT level, table_name, depends_on, note
  FROM ri_audit.load_order()
 WHERE table_name::text NOT LIKE 'ri_audit.%';

\echo
\echo '== 8. Foreign keys without a supporting index (ri_audit.unindexed_foreign_keys) =='
\echo 'One statement per row, in step order; a partitioned table gets the'
\echo 'online recipe (ON ONLY, CONCURRENTLY per partition, ATTACH PARTITION).'
SELECT table_name, fk_name, on_delete, table_rows, step, suggested_index
  FROM ri_audit.unindexed_foreign_keys
 ORDER BY table_name::text, fk_name, step;

\echo
\echo '== 9. The migration recipe: fix the orphans, then validate (rolled back here) =='
BEGIN;
DELETE FROM shop.reviews r
 USING ri_audit.orphans('shop.reviews'::regclass, 'reviews_sku_fkey') o
 WHERE r.tableoid = o.row_table AND r.ctid = o.row_ctid;
SELECT table_name, con_name, status, violation_count
  FROM ri_audit.validate('shop.reviews', 'reviews_sku_fkey',
						  dry_run => false, lock_timeout => '2s');
SELECT fk_name, validated FROM ri_audit.foreign_keys
 WHERE table_name = 'shop.reviews'::regclass ORDER BY fk_name;
ROLLBACK;

\echo
\echo '== 10. CHECK constraints (ri_audit.check_constraints) =========='
\echo 'Every CHECK constraint of every table, validated or not, with its'
\echo 'violating rows counted as PostgreSQL itself would judge them.'
SELECT table_name, con_name, validated, status, rows_checked, violation_count,
	   sample
  FROM ri_audit.check_constraints()
 ORDER BY table_name::text, con_name;

\echo
\echo '== 11. The rows that break payments_amount_positive (ri_audit.check_violations) =='
\echo 'table_name is the partition that holds the row.'
SELECT table_name, row_ctid, "row"
  FROM ri_audit.check_violations(
	(SELECT con FROM ri_audit.constraints
	  WHERE table_name = 'shop.payments'::regclass
		AND con_name = 'payments_amount_positive'));

\echo
\echo '== 12. The migration guard (ri_audit.assert_all_valid) =========='
DO $$
BEGIN
	PERFORM ri_audit.assert_all_valid();
EXCEPTION WHEN foreign_key_violation OR check_violation THEN
	RAISE WARNING 'assert_all_valid refused (SQLSTATE %): %', SQLSTATE, SQLERRM;
END
$$;
