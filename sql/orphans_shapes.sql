--
-- ri_audit.orphans() and check_foreign_keys() on every shape of foreign key.
-- Orphans are planted with session_replication_role = replica (RI triggers
-- do not fire), with DISABLE TRIGGER ALL, or before ADD ... NOT VALID.
--
SET client_min_messages = warning;
CREATE SCHEMA orph;
CREATE SCHEMA "Odd Schema";
SET search_path = orph, public;

-- Simple key, valid constraint, orphans loaded in replica mode.
CREATE TABLE customers (id int PRIMARY KEY, email text UNIQUE);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers,
					 customer_email text);
ALTER TABLE orders ADD CONSTRAINT orders_email_fkey
	FOREIGN KEY (customer_email) REFERENCES customers (email);
INSERT INTO customers VALUES (1, 'a@x'), (2, 'b@x');
INSERT INTO orders VALUES (1, 1, 'a@x'), (2, 2, NULL), (3, NULL, 'b@x');
SET session_replication_role = replica;
INSERT INTO orders VALUES (10, 123, 'a@x'), (11, 7, 'zz@x'), (12, 123, NULL),
	(13, NULL, 'nobody@x');
RESET session_replication_role;

-- Every orphan row, ordered by table, key, ctid; the fk column is the oid.
SELECT o.fk = c.oid AS right_fk, o.table_name, o.row_ctid, o.key
  FROM ri_audit.orphans('orders'::regclass, 'orders_customer_id_fkey') o,
	   pg_constraint c WHERE c.conname = 'orders_customer_id_fkey';
SELECT table_name, key FROM ri_audit.orphans('orders'::regclass, 'orders_email_fkey');
-- By OID, with a limit: the first rows in the same order.
SELECT table_name, key
  FROM ri_audit.orphans((SELECT oid FROM pg_constraint
						  WHERE conname = 'orders_customer_id_fkey'), 2);
SELECT count(*) FROM ri_audit.orphans('orders'::regclass, 'orders_customer_id_fkey', 0);
-- Named notation works too (untyped literals pick the text variant,
-- which casts them to regclass and name).
SELECT count(*) FROM ri_audit.orphans(table_name => 'orders',
									  fk_name => 'orders_customer_id_fkey');
-- The result agrees with the rows themselves.
SELECT o.key, t.id
  FROM ri_audit.orphans('orders'::regclass, 'orders_customer_id_fkey') o
  JOIN orders t ON t.ctid = o.row_ctid
 ORDER BY t.id;

-- Composite key, MATCH SIMPLE: any NULL exempts the row.
CREATE TABLE products (region int, sku text, PRIMARY KEY (region, sku));
CREATE TABLE items (id int, region int, sku text,
					FOREIGN KEY (region, sku) REFERENCES products);
INSERT INTO products VALUES (1, 'a'), (2, 'b');
ALTER TABLE items DISABLE TRIGGER ALL;
INSERT INTO items VALUES (1, 1, 'a'), (2, 1, 'b'), (3, NULL, 'zzz'),
	(4, 9, NULL), (5, 2, 'a'), (6, 2, 'b');
ALTER TABLE items ENABLE TRIGGER ALL;
SELECT table_name, key FROM ri_audit.orphans('items'::regclass, 'items_region_sku_fkey');

-- MATCH FULL: all-NULL keys pass, partly-NULL keys are orphans.
CREATE TABLE items_full (id int, region int, sku text,
	FOREIGN KEY (region, sku) REFERENCES products MATCH FULL);
SET session_replication_role = replica;
INSERT INTO items_full VALUES (1, 1, 'a'), (2, NULL, NULL), (3, NULL, 'a'),
	(4, 1, NULL), (5, 3, 'c');
RESET session_replication_role;
SELECT table_name, key FROM ri_audit.orphans('items_full'::regclass, 'items_full_region_sku_fkey');

-- Cross-type keys use the constraint's own operators.
CREATE TABLE pk_int4 (id int4 PRIMARY KEY);
CREATE TABLE fk_int2 (id int2 REFERENCES pk_int4);
CREATE TABLE pk_numeric (id numeric PRIMARY KEY);
CREATE TABLE fk_int4 (id int4 REFERENCES pk_numeric);
CREATE TABLE pk_text (id text PRIMARY KEY);
CREATE TABLE fk_varchar (id varchar(10) REFERENCES pk_text);
INSERT INTO pk_int4 VALUES (1), (2);
INSERT INTO pk_numeric VALUES (1.0), (2.5);
INSERT INTO pk_text VALUES ('a'), ('b ');
SET session_replication_role = replica;
INSERT INTO fk_int2 VALUES (1), (2), (3), (-4);
INSERT INTO fk_int4 VALUES (1), (2), (3);
INSERT INTO fk_varchar VALUES ('a'), ('b'), ('b '), ('c');
RESET session_replication_role;
SELECT table_name, key FROM ri_audit.orphans('fk_int2'::regclass, 'fk_int2_id_fkey');
SELECT table_name, key FROM ri_audit.orphans('fk_int4'::regclass, 'fk_int4_id_fkey');
SELECT table_name, key FROM ri_audit.orphans('fk_varchar'::regclass, 'fk_varchar_id_fkey');

-- A nondeterministic collation on the referenced column: the comparison
-- uses it, as PostgreSQL's RI check does.
CREATE COLLATION ci (provider = icu, locale = 'und-u-ks-level2',
					 deterministic = false);
CREATE TABLE users_ci (name text COLLATE ci PRIMARY KEY);
CREATE TABLE posts (author text REFERENCES users_ci);
INSERT INTO users_ci VALUES ('Alice');
SET session_replication_role = replica;
INSERT INTO posts VALUES ('Alice'), ('ALICE'), ('alice'), ('Bob'), ('bob');
RESET session_replication_role;
SELECT table_name, key FROM ri_audit.orphans('posts'::regclass, 'posts_author_fkey');
-- PostgreSQL itself agrees: ALICE is accepted, BOB is not.
INSERT INTO posts VALUES ('ALICE');
INSERT INTO posts VALUES ('BOB');

-- Partitioned referencing table: each orphan names its partition.
CREATE TABLE events (id int, customer_id int REFERENCES customers)
	PARTITION BY RANGE (id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES FROM (0) TO (100);
CREATE TABLE events_2 PARTITION OF events FOR VALUES FROM (100) TO (200)
	PARTITION BY LIST (customer_id);
CREATE TABLE events_2a PARTITION OF events_2 DEFAULT;
SET session_replication_role = replica;
INSERT INTO events VALUES (1, 1), (2, 55), (150, 2), (151, 66), (152, 55);
RESET session_replication_role;
SELECT table_name, row_table, key FROM ri_audit.orphans('events'::regclass, 'events_customer_id_fkey');
-- A partition's clone may be checked on its own.
SELECT table_name, key FROM ri_audit.orphans('events_1'::regclass, 'events_customer_id_fkey');

-- Partitioned referenced table, NOT VALID key from a plain table.
CREATE TABLE regions (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE regions_1 PARTITION OF regions FOR VALUES FROM (0) TO (100);
CREATE TABLE regions_2 PARTITION OF regions FOR VALUES FROM (100) TO (200);
INSERT INTO regions VALUES (1), (150);
CREATE TABLE shops (id int, region_id int);
INSERT INTO shops VALUES (1, 1), (2, 150), (3, 99), (4, 250);
ALTER TABLE shops ADD CONSTRAINT shops_region_fkey
	FOREIGN KEY (region_id) REFERENCES regions NOT VALID;
SELECT table_name, key FROM ri_audit.orphans('shops'::regclass, 'shops_region_fkey');
-- The per-partition rows PostgreSQL adds for the referenced partitions are
-- not foreign keys of their own.
SELECT count(*) FROM ri_audit.orphans(
	(SELECT oid FROM pg_constraint
	  WHERE conrelid = 'shops'::regclass AND conparentid <> 0 LIMIT 1));

-- Legacy inheritance: a foreign key covers only the table declaring it,
-- and only rows of the referenced table itself (not of its children).
CREATE TABLE animals (id int PRIMARY KEY);
CREATE TABLE dogs () INHERITS (animals);
CREATE TABLE pets (id int, animal_id int);
CREATE TABLE puppies () INHERITS (pets);
INSERT INTO animals VALUES (1);
INSERT INTO dogs VALUES (2);
INSERT INTO pets VALUES (1, 1), (2, 2), (3, 3);
INSERT INTO puppies VALUES (4, 4);
ALTER TABLE pets ADD CONSTRAINT pets_animal_fkey
	FOREIGN KEY (animal_id) REFERENCES animals NOT VALID;
SELECT table_name, key FROM ri_audit.orphans('pets'::regclass, 'pets_animal_fkey');

-- Self reference.
CREATE TABLE staff (id int PRIMARY KEY, boss int REFERENCES staff);
INSERT INTO staff VALUES (1, NULL), (2, 1);
SET session_replication_role = replica;
INSERT INTO staff VALUES (3, 42), (4, 3), (5, 5), (6, 43);
DELETE FROM staff WHERE id = 3;
RESET session_replication_role;
SELECT table_name, key FROM ri_audit.orphans('staff'::regclass, 'staff_boss_fkey');

-- Odd identifiers in another schema.
CREATE TABLE "Odd Schema"."Parent ""T""" ("Key Col" int PRIMARY KEY);
CREATE TABLE "Odd Schema"."select" ("from" int, "Key ""Ref""" int,
	CONSTRAINT "odd ""fk"" name" FOREIGN KEY ("Key ""Ref""")
		REFERENCES "Odd Schema"."Parent ""T""");
INSERT INTO "Odd Schema"."Parent ""T""" VALUES (1);
SET session_replication_role = replica;
INSERT INTO "Odd Schema"."select" VALUES (1, 1), (2, 2);
RESET session_replication_role;
SELECT table_name, key
  FROM ri_audit.orphans('"Odd Schema"."select"'::regclass, 'odd "fk" name');

-- check_foreign_keys(): one row per top-level key of the given tables.
SELECT fk_name, table_name, referenced_table, validated, status,
	   rows_checked, orphan_count, sample
  FROM ri_audit.check_foreign_keys(ARRAY['orders', 'items', 'items_full',
		'events', 'shops', 'pets', 'staff', 'posts', 'fk_int2',
		'"Odd Schema"."select"']::regclass[]);
SELECT fk_name, status, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders}', 1);
SELECT fk_name, status, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders}', 0);
-- elapsed is measured per key; progress shows at DEBUG1, one line per key.
SELECT bool_and(elapsed >= '0') AS timed
  FROM ri_audit.check_foreign_keys('{orders, items}');
SET client_min_messages = debug1;
SELECT fk_name, status FROM ri_audit.check_foreign_keys('{orders, items}');
SET client_min_messages = warning;
-- A partition alone has no top-level keys; an empty list checks nothing.
SELECT count(*) FROM ri_audit.check_foreign_keys('{events_1}');
SELECT count(*) FROM ri_audit.check_foreign_keys('{}');
-- The whole database, and the view over it.
SELECT fk_name, table_name, status, orphan_count
  FROM ri_audit.check_foreign_keys() ORDER BY table_name::text, fk_name;
SELECT count(*), sum(orphan_count)
  FROM ri_audit.orphan_summary WHERE status = 'orphans';

-- Fixing the data empties the result.
DELETE FROM orders WHERE id >= 10;
SELECT fk_name, status, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{orders}');

-- search_path objects cannot hijack the check.
CREATE FUNCTION public.int4eq_evil(int4, int4) RETURNS bool
	LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR public.= (leftarg = int4, rightarg = int4,
	function = public.int4eq_evil);
SET search_path = public, orph, pg_catalog;
SELECT 1 = 2 AS "evil operator answers true";
SELECT table_name, row_table, key
  FROM ri_audit.orphans('orph.events'::regclass, 'events_customer_id_fkey');
SET search_path = orph, public;
DROP OPERATOR public.= (int4, int4);
DROP FUNCTION public.int4eq_evil(int4, int4);

-- No lock is left behind but AccessShareLock, for the transaction.
BEGIN;
SELECT count(*) FROM ri_audit.orphans('events'::regclass, 'events_customer_id_fkey');
SELECT c.relname, l.mode
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
 WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'orph'::regnamespace
   AND c.relkind IN ('r', 'p')
 ORDER BY 1, 2;
COMMIT;

RESET search_path;
DROP SCHEMA orph CASCADE;
DROP SCHEMA "Odd Schema" CASCADE;
