--
-- ri_audit.validate() and validate_all(): every status but 'lock timeout'
-- (see specs/orphans_locks.spec for that one).
--
SET client_min_messages = warning;
CREATE SCHEMA orph_val;
CREATE SCHEMA "Val Schema";
SET search_path = orph_val, public;

CREATE TABLE customers (id int PRIMARY KEY);
INSERT INTO customers VALUES (1), (2);
CREATE TABLE clean_orders (id int, customer_id int);
CREATE TABLE dirty_orders (id int, customer_id int);
CREATE TABLE valid_orders (id int, customer_id int REFERENCES customers);
INSERT INTO clean_orders VALUES (1, 1), (2, NULL);
INSERT INTO dirty_orders VALUES (1, 1), (2, 5), (3, 6);
ALTER TABLE clean_orders ADD CONSTRAINT clean_fkey
	FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;
ALTER TABLE dirty_orders ADD CONSTRAINT dirty_fkey
	FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;

-- A quoted name in another schema, referencing a partitioned table.
CREATE TABLE "Val Schema"."Regions" (id int PRIMARY KEY) PARTITION BY LIST (id);
CREATE TABLE "Val Schema"."Regions 1" PARTITION OF "Val Schema"."Regions"
	FOR VALUES IN (1, 2);
CREATE TABLE "Val Schema"."Regions 2" PARTITION OF "Val Schema"."Regions"
	FOR VALUES IN (3, 4);
INSERT INTO "Val Schema"."Regions" VALUES (1), (3);
CREATE TABLE "Val Schema"."Shop ""X""" (id int, region int);
INSERT INTO "Val Schema"."Shop ""X""" VALUES (1, 1), (2, 3);
ALTER TABLE "Val Schema"."Shop ""X"""
	ADD CONSTRAINT "shop region" FOREIGN KEY (region)
	REFERENCES "Val Schema"."Regions" NOT VALID;

CREATE FUNCTION orph_val.fk(name) RETURNS oid LANGUAGE sql
	AS $$ SELECT oid FROM pg_catalog.pg_constraint WHERE conname = $1 $$;
-- validate_all() covers the whole database; show this test's keys only.
CREATE FUNCTION orph_val.mine(regclass) RETURNS bool LANGUAGE sql
	AS $$ SELECT relnamespace IN ('orph_val'::regnamespace,
								  '"Val Schema"'::regnamespace)
			FROM pg_catalog.pg_class WHERE oid = $1 $$;

-- Dry runs (the default) change nothing.
SELECT con_name, table_name, status, violation_count FROM ri_audit.validate(fk('clean_fkey'));
SELECT con_name, table_name, status, violation_count FROM ri_audit.validate(fk('dirty_fkey'));
SELECT con_name, table_name, status, violation_count FROM ri_audit.validate(fk('valid_orders_customer_id_fkey'));
SELECT con_name, table_name, status, violation_count FROM ri_audit.validate_all()
 WHERE mine(table_name);
SELECT conname, convalidated FROM pg_constraint
 WHERE contype = 'f' AND conparentid = 0
   AND connamespace IN ('orph_val'::regnamespace, '"Val Schema"'::regnamespace)
 ORDER BY conname;

-- For real: PostgreSQL's own VALIDATE sets convalidated.
SELECT con_name, status, violation_count FROM ri_audit.validate(fk('clean_fkey'), false);
SELECT con_name, status, violation_count FROM ri_audit.validate(fk('dirty_fkey'), false, '1s');
SELECT con_name, status, violation_count FROM ri_audit.validate(fk('clean_fkey'), false);
SELECT con_name, status, violation_count FROM ri_audit.validate_all(NULL, false, '0')
 WHERE mine(table_name);
SELECT conname, convalidated FROM pg_constraint
 WHERE contype = 'f' AND conparentid = 0
   AND connamespace IN ('orph_val'::regnamespace, '"Val Schema"'::regnamespace)
 ORDER BY conname;

-- Fix the data, then validate the rest.
DELETE FROM dirty_orders WHERE customer_id > 2;
SELECT con_name, status, violation_count FROM ri_audit.validate_all(dry_run => false)
 WHERE mine(table_name);
SELECT count(*) FROM ri_audit.validate_all() WHERE mine(table_name);

-- validate() inside a transaction that is rolled back leaves nothing.
ALTER TABLE dirty_orders DROP CONSTRAINT dirty_fkey;
ALTER TABLE dirty_orders ADD CONSTRAINT dirty_fkey
	FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;
BEGIN;
SELECT status FROM ri_audit.validate(fk('dirty_fkey'), false);
SELECT convalidated FROM pg_constraint WHERE conname = 'dirty_fkey';
ROLLBACK;
SELECT convalidated FROM pg_constraint WHERE conname = 'dirty_fkey';

-- In a read-only transaction a dry run works and a real one is refused.
BEGIN TRANSACTION READ ONLY;
SELECT status FROM ri_audit.validate(fk('dirty_fkey'));
SELECT status FROM ri_audit.validate(fk('dirty_fkey'), false);
ROLLBACK;

RESET search_path;
DROP SCHEMA orph_val CASCADE;
DROP SCHEMA "Val Schema" CASCADE;
