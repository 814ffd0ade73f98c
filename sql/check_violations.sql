--
-- ri_audit.check_violations(), check_constraints(), the constraints view
-- and assert_all_valid(): CHECK and domain constraints.
--
SET client_min_messages = warning;
CREATE SCHEMA chk;
SET search_path = chk, public;

-- NULL passes, several columns, a function of the caller's.
CREATE FUNCTION chk.positive(numeric) RETURNS boolean IMMUTABLE
	LANGUAGE sql AS $$ SELECT $1 > 0 $$;
CREATE TABLE payments (id int, amount numeric, fee numeric, note text);
INSERT INTO payments VALUES
	(1, 10, 1, 'ok'), (2, -5, 0, 'negative'), (3, NULL, 1, 'null amount'),
	(4, 3, 5, 'fee above amount'), (5, 0, NULL, 'zero, null fee');
ALTER TABLE payments ADD CONSTRAINT amount_positive
	CHECK (positive(amount)) NOT VALID;
ALTER TABLE payments ADD CONSTRAINT fee_below_amount
	CHECK (fee <= amount) NOT VALID;

SELECT table_name, column_name, row_ctid, "row"
  FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'amount_positive'));
SELECT table_name, column_name, row_ctid, "row"
  FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'fee_below_amount'));
-- max_rows
SELECT count(*) FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'amount_positive'), 1);
SELECT count(*) FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'amount_positive'), 0);

-- Inheritance: the constraint is checked on every child through its copy;
-- table_name is the child.  NO INHERIT: on its own table only.
CREATE TABLE events (id int, starts int, ends int);
CREATE TABLE events_2025 () INHERITS (events);
CREATE TABLE events_2026 (extra text, CHECK (starts >= 0)) INHERITS (events);
INSERT INTO events VALUES (1, 5, 1);
INSERT INTO events_2025 VALUES (2, 9, 3), (3, 1, 2);
INSERT INTO events_2026 VALUES (4, 7, 6, 'x');
ALTER TABLE events ADD CONSTRAINT ends_after_starts
	CHECK (ends > starts) NOT VALID;
ALTER TABLE events ADD CONSTRAINT local_only
	CHECK (id < 2) NO INHERIT NOT VALID;
SELECT table_name, row_ctid, "row"
  FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'ends_after_starts'
	   AND conrelid = 'events'::regclass))
 ORDER BY table_name::text, row_ctid;
SELECT table_name, row_ctid, "row"
  FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'local_only'));

-- Partitions: columns in another order in one partition.
CREATE TABLE orders (region int, qty int, price int) PARTITION BY LIST (region);
CREATE TABLE orders_1 PARTITION OF orders FOR VALUES IN (1);
CREATE TABLE orders_2 (price int, qty int, region int);
ALTER TABLE orders ATTACH PARTITION orders_2 FOR VALUES IN (2);
INSERT INTO orders VALUES (1, 2, 10), (1, -1, 10), (2, 3, -4), (2, 1, 1);
ALTER TABLE orders ADD CONSTRAINT qty_price
	CHECK (qty > 0 AND price > 0) NOT VALID;
SELECT table_name, row_ctid, "row"
  FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'qty_price'
	   AND conrelid = 'orders'::regclass))
 ORDER BY table_name::text, row_ctid;
-- A constraint marked valid still hides violating rows when the catalog
-- says so (rows loaded with the check off): they are found all the same.
UPDATE pg_constraint SET convalidated = true WHERE conname = 'qty_price';
SELECT count(*) FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'qty_price'
	   AND conrelid = 'orders'::regclass));
UPDATE pg_constraint SET convalidated = false WHERE conname = 'qty_price';

-- Domains, and a domain over the domain: ALTER DOMAIN checks both columns;
-- column_name says which.  NULL passes.
CREATE DOMAIN percent AS int;
CREATE DOMAIN small_percent AS percent CHECK (VALUE < 50);
CREATE TABLE scores (id int, p percent, sp small_percent, q percent);
INSERT INTO scores VALUES (1, 120, 10, 5), (2, 50, NULL, -1), (3, NULL, 20, 101),
	(4, 1, -3, NULL);
ALTER DOMAIN percent ADD CONSTRAINT percent_range
	CHECK (VALUE BETWEEN 0 AND 100) NOT VALID;
SELECT table_name, column_name, row_ctid, "row"
  FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'percent_range'))
 ORDER BY row_ctid, column_name;
-- The same decision as PostgreSQL's:
BEGIN;
ALTER DOMAIN percent VALIDATE CONSTRAINT percent_range;
ROLLBACK;
-- A column of an array of the domain: PostgreSQL's own error.
CREATE TABLE score_lists (ps percent[]);
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'percent_range'));
DROP TABLE score_lists;

-- An expression that fails on one row fails as PostgreSQL's check does,
-- naming the row.
CREATE TABLE ratios (a int, b int);
INSERT INTO ratios VALUES (4, 2), (1, 0);
ALTER TABLE ratios ADD CONSTRAINT ratio_small CHECK (a / b < 3) NOT VALID;
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'ratio_small'));
BEGIN;
ALTER TABLE ratios VALIDATE CONSTRAINT ratio_small;
ROLLBACK;
DELETE FROM ratios WHERE b = 0;

-- Bad input.
SELECT * FROM ri_audit.check_violations(NULL);
SELECT * FROM ri_audit.check_violations(0);
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'amount_positive'), -1);
CREATE TABLE parent_keys (id int PRIMARY KEY);
CREATE TABLE child_keys (id int REFERENCES parent_keys);
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'child_keys_id_fkey'));

-- check_constraints(): counts and samples; tables limits it.
SELECT con_name, table_name, domain_name, validated, status, reason,
	   rows_checked, violation_count, sample
  FROM ri_audit.check_constraints()
 WHERE table_name::text LIKE 'chk.%' OR domain_name::text LIKE 'chk.%'
	OR table_name IN ('payments'::regclass, 'events'::regclass,
					  'orders'::regclass, 'ratios'::regclass)
	OR domain_name IN ('percent'::regtype, 'small_percent'::regtype);
SELECT con_name, status, violation_count, sample
  FROM ri_audit.check_constraints(ARRAY['payments'::regclass], 1);
SELECT count(*) FROM ri_audit.check_constraints(ARRAY[]::regclass[]);
SELECT * FROM ri_audit.check_constraints(NULL, -1);

-- The constraints view.
SELECT constraint_type, table_name, domain_name, con_name, validated,
	   no_inherit, inherited, definition, can_check
  FROM ri_audit.constraints
 WHERE table_name IN ('payments'::regclass, 'events'::regclass,
					  'events_2026'::regclass, 'child_keys'::regclass)
	OR domain_name IN ('percent'::regtype, 'small_percent'::regtype)
 ORDER BY constraint_type, table_name::text, domain_name::text, con_name;

-- Privileges: no SELECT, or row-level security, refuses.
CREATE ROLE regress_chk_reader;
GRANT USAGE ON SCHEMA chk TO regress_chk_reader;
GRANT USAGE ON SCHEMA ri_audit TO regress_chk_reader;
GRANT EXECUTE ON FUNCTION ri_audit.check_violations(oid, bigint),
	ri_audit.check_constraints(regclass[], int) TO regress_chk_reader;
GRANT SELECT (id, note) ON payments TO regress_chk_reader;
SET ROLE regress_chk_reader;
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'fee_below_amount'));
SELECT con_name, status, reason, violation_count
  FROM ri_audit.check_constraints(ARRAY['payments'::regclass]);
SELECT con_name, can_check FROM ri_audit.constraints
 WHERE table_name = 'payments'::regclass ORDER BY con_name;
RESET ROLE;
GRANT SELECT ON payments TO regress_chk_reader;
ALTER TABLE payments ENABLE ROW LEVEL SECURITY;
CREATE POLICY only_ok ON payments USING (note = 'ok');
SET ROLE regress_chk_reader;
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'fee_below_amount'));
RESET ROLE;
ALTER TABLE payments DISABLE ROW LEVEL SECURITY;
SET ROLE regress_chk_reader;
SELECT count(*) FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'fee_below_amount'));
RESET ROLE;

-- A whole-row reference reads every column: the row shows them all, and a
-- reader needs SELECT on all of them.
CREATE TABLE pairs (a int, b int);
INSERT INTO pairs VALUES (1, 2), (3, NULL);
ALTER TABLE pairs ADD CONSTRAINT pair_complete CHECK (pairs IS NOT NULL) NOT VALID;
SELECT table_name, row_ctid, "row" FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'pair_complete'));
GRANT SELECT (a, ctid, tableoid) ON pairs TO regress_chk_reader;
SET ROLE regress_chk_reader;
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'pair_complete'));
SELECT can_check FROM ri_audit.constraints WHERE con_name = 'pair_complete';
RESET ROLE;
GRANT SELECT (b) ON pairs TO regress_chk_reader;
SET ROLE regress_chk_reader;
SELECT count(*) FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'pair_complete'));
RESET ROLE;

-- assert_all_valid(): too many NOT VALID constraints raise.
SELECT ri_audit.assert_all_valid(1000);
DO $$
BEGIN
	PERFORM ri_audit.assert_all_valid();
EXCEPTION WHEN check_violation OR foreign_key_violation THEN
	RAISE WARNING 'assert_all_valid: SQLSTATE %', SQLSTATE;
END $$;
SELECT ri_audit.assert_all_valid(NULL);
SELECT ri_audit.assert_all_valid(-1);

RESET search_path;
DROP SCHEMA chk CASCADE;
DROP OWNED BY regress_chk_reader;
DROP ROLE regress_chk_reader;
