--
-- Who may run the orphan finder, and what it refuses to answer.
--
SET client_min_messages = warning;
CREATE SCHEMA orph_priv;
SET search_path = orph_priv, public;
CREATE ROLE regress_orph_auditor;
CREATE ROLE regress_orph_owner;
GRANT USAGE, CREATE ON SCHEMA orph_priv TO regress_orph_owner;
GRANT USAGE ON SCHEMA orph_priv TO regress_orph_auditor;

SET ROLE regress_orph_owner;
CREATE TABLE customers (id int PRIMARY KEY, secret text);
CREATE TABLE orders (id int, customer_id int, note text);
INSERT INTO customers VALUES (1, 's1'), (2, 's2');
INSERT INTO orders VALUES (1, 1, 'n'), (2, 99, 'n'), (3, 98, 'n');
ALTER TABLE orders ADD CONSTRAINT orders_customer_fkey
	FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;
CREATE TABLE notes (id int, customer_id int REFERENCES customers);
RESET ROLE;

-- No EXECUTE for PUBLIC on anything that shows rows.
SET ROLE regress_orph_auditor;
SELECT * FROM ri_audit.orphans('orders'::regclass, 'orders_customer_fkey');
SELECT * FROM ri_audit.check_foreign_keys();
SELECT * FROM ri_audit.orphan_summary;
SELECT ri_audit.assert_no_orphans();
SELECT * FROM ri_audit.validate_all();
-- The catalog view stays readable by everyone.
SELECT fk_name FROM ri_audit.foreign_keys WHERE table_name = 'orders'::regclass;
RESET ROLE;

GRANT EXECUTE ON FUNCTION ri_audit.orphans(oid, bigint),
	ri_audit.orphans(regclass, name, bigint),
	ri_audit.check_foreign_keys(regclass[], int),
	ri_audit.assert_no_orphans(regclass[]),
	ri_audit.validate(oid, boolean, interval, boolean),
	ri_audit.validate_all(regclass[], boolean, interval, boolean)
	TO regress_orph_auditor;
GRANT SELECT ON ri_audit.orphan_summary TO regress_orph_auditor;

-- EXECUTE alone is not enough: SELECT on the key columns of both tables.
SET ROLE regress_orph_auditor;
SELECT * FROM ri_audit.orphans('orders'::regclass, 'orders_customer_fkey');
SELECT fk_name, status, reason, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders, notes}');
SELECT fk_name, status, reason FROM ri_audit.orphan_summary
 WHERE table_name::text IN ('orders', 'notes');
SELECT ri_audit.assert_no_orphans('{orders}');
SELECT con_name, status, reason, violation_count FROM ri_audit.validate_all()
 WHERE con_name = 'orders_customer_fkey';
RESET ROLE;

-- Column privileges on the key columns of the referenced table only.
GRANT SELECT (id) ON customers TO regress_orph_auditor;
SET ROLE regress_orph_auditor;
SELECT fk_name, status, reason FROM ri_audit.check_foreign_keys('{orders}');
RESET ROLE;
-- ... and on the referencing key column: the rows' ctid and tableoid are
-- part of the answer, so they need SELECT too.
GRANT SELECT (customer_id) ON orders TO regress_orph_auditor;
SET ROLE regress_orph_auditor;
SELECT fk_name, status, reason FROM ri_audit.check_foreign_keys('{orders}');
RESET ROLE;
GRANT SELECT (ctid, tableoid) ON orders TO regress_orph_auditor;
SET ROLE regress_orph_auditor;
SELECT fk_name, status, reason, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders}');
SELECT table_name, key FROM ri_audit.orphans('orders'::regclass, 'orders_customer_fkey');
-- Still no access to the other columns.
SELECT note FROM orders;
-- validate: a dry run needs only what a check needs; a real one needs what
-- ALTER TABLE ... VALIDATE CONSTRAINT needs (ownership).
RESET ROLE;
DELETE FROM orders WHERE customer_id > 2;
SET ROLE regress_orph_auditor;
SELECT con_name, status, violation_count
  FROM ri_audit.validate((SELECT oid FROM pg_constraint
						   WHERE conname = 'orders_customer_fkey'));
SELECT con_name, status, violation_count
  FROM ri_audit.validate((SELECT oid FROM pg_constraint
						   WHERE conname = 'orders_customer_fkey'), false);
SELECT con_name, status, reason, violation_count
  FROM ri_audit.validate_all(dry_run => false)
 WHERE con_name = 'orders_customer_fkey';
SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_fkey';
RESET ROLE;
GRANT EXECUTE ON FUNCTION ri_audit.validate(oid, boolean, interval, boolean) TO regress_orph_owner;
SET ROLE regress_orph_owner;
SELECT con_name, status, violation_count
  FROM ri_audit.validate((SELECT oid FROM pg_constraint
						   WHERE conname = 'orders_customer_fkey'), false);
SELECT convalidated FROM pg_constraint WHERE conname = 'orders_customer_fkey';
RESET ROLE;

-- Row-level security that applies to the caller is refused, on either side.
SET session_replication_role = replica;
INSERT INTO orders VALUES (4, 77, 'n');
RESET session_replication_role;
ALTER TABLE customers ENABLE ROW LEVEL SECURITY;
CREATE POLICY customers_some ON customers USING (id = 1);
SET ROLE regress_orph_auditor;
SELECT fk_name, status, reason FROM ri_audit.check_foreign_keys('{orders}');
SELECT * FROM ri_audit.orphans('orders'::regclass, 'orders_customer_fkey');
SELECT ri_audit.assert_no_orphans('{orders}');
RESET ROLE;
-- The owner is exempt from its table's policies, unless FORCEd.
GRANT EXECUTE ON FUNCTION ri_audit.check_foreign_keys(regclass[], int)
	TO regress_orph_owner;
SET ROLE regress_orph_owner;
SELECT fk_name, status, reason, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders}');
ALTER TABLE customers FORCE ROW LEVEL SECURITY;
SELECT fk_name, status, reason, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders}');
ALTER TABLE customers NO FORCE ROW LEVEL SECURITY;
ALTER TABLE customers DISABLE ROW LEVEL SECURITY;
-- RLS on the referencing side.
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
RESET ROLE;
SET ROLE regress_orph_auditor;
SELECT fk_name, status, reason FROM ri_audit.check_foreign_keys('{orders}');
RESET ROLE;
-- A superuser bypasses row-level security and gets the answer.
SELECT fk_name, status, reason, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders}');

RESET search_path;
DROP SCHEMA orph_priv CASCADE;
REVOKE ALL ON FUNCTION ri_audit.orphans(oid, bigint),
	ri_audit.orphans(regclass, name, bigint),
	ri_audit.check_foreign_keys(regclass[], int),
	ri_audit.assert_no_orphans(regclass[]),
	ri_audit.validate(oid, boolean, interval, boolean),
	ri_audit.validate_all(regclass[], boolean, interval, boolean)
	FROM regress_orph_auditor, regress_orph_owner;
REVOKE ALL ON ri_audit.orphan_summary FROM regress_orph_auditor;
DROP OWNED BY regress_orph_auditor, regress_orph_owner;
DROP ROLE regress_orph_auditor, regress_orph_owner;
