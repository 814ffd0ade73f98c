--
-- ri_audit.foreign_keys: every column, on every shape of foreign key.
--
SET client_min_messages = warning;
CREATE SCHEMA fk_shapes;
CREATE SCHEMA "Other Schema";
SET search_path = fk_shapes, public;

-- Simple key, default actions, an index on the FK column.
CREATE TABLE customers (id int PRIMARY KEY, email text UNIQUE);
CREATE TABLE orders (
	id int PRIMARY KEY,
	customer_id int REFERENCES customers,
	customer_email text
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

-- FK to a UNIQUE constraint (not the primary key), no index.
ALTER TABLE orders ADD CONSTRAINT orders_email_fkey
	FOREIGN KEY (customer_email) REFERENCES customers (email)
	ON UPDATE CASCADE ON DELETE SET NULL;

-- Composite key, MATCH FULL, referenced columns in a different order than
-- the referenced table's key; the index has the FK columns in another order.
CREATE TABLE products (sku text, region int, PRIMARY KEY (region, sku));
CREATE TABLE order_items (
	order_id int REFERENCES orders ON DELETE CASCADE,
	sku text,
	region int,
	qty int,
	FOREIGN KEY (sku, region) REFERENCES products (sku, region) MATCH FULL
		ON UPDATE RESTRICT ON DELETE RESTRICT
);
CREATE INDEX order_items_region_sku_idx ON order_items (region, sku, qty);

-- Self reference, deferrable initially deferred, ON DELETE SET NULL (cols).
CREATE TABLE employees (
	company int,
	id int,
	manager_id int,
	PRIMARY KEY (company, id),
	CONSTRAINT employees_manager_fkey FOREIGN KEY (company, manager_id)
		REFERENCES employees (company, id)
		ON DELETE SET NULL (manager_id)
		DEFERRABLE INITIALLY DEFERRED
);
-- A partial index does not count.
CREATE INDEX employees_mgr_partial ON employees (company, manager_id)
	WHERE manager_id IS NOT NULL;

-- ON DELETE SET DEFAULT, deferrable but immediate, NOT VALID, cross schema,
-- quoted identifiers.  The only index has the FK column second: no help.
CREATE TABLE "Other Schema"."Audit Log" (
	"Entry Id" int PRIMARY KEY,
	"Customer" int DEFAULT 0,
	noted date
);
INSERT INTO customers VALUES (0, 'nobody@example.com');
ALTER TABLE "Other Schema"."Audit Log" ADD CONSTRAINT "Audit ""Customer"" FK"
	FOREIGN KEY ("Customer") REFERENCES customers
	ON DELETE SET DEFAULT DEFERRABLE NOT VALID;
CREATE INDEX ON "Other Schema"."Audit Log" (noted, "Customer");

-- A BRIN index leading with the key does not count either.
CREATE TABLE readings (id int, customer_id int REFERENCES customers);
CREATE INDEX readings_brin ON readings USING brin (customer_id);

-- A hash index does.
CREATE TABLE visits (id int, customer_id int REFERENCES customers);
CREATE INDEX visits_hash ON visits USING hash (customer_id);

-- Partitioned referencing table: the constraint is cloned on each partition.
CREATE TABLE payments (
	id int,
	paid_on date,
	order_id int REFERENCES orders
) PARTITION BY RANGE (paid_on);
CREATE TABLE payments_2026_01 PARTITION OF payments
	FOR VALUES FROM ('2026-01-01') TO ('2026-02-01');
CREATE TABLE payments_2026_02 PARTITION OF payments
	FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE INDEX ON payments (order_id);

-- Partitioned referenced table: PostgreSQL adds one constraint row per
-- referenced partition, all on the referencing table.
CREATE TABLE regions (id int PRIMARY KEY, name text) PARTITION BY LIST (id);
CREATE TABLE regions_eu PARTITION OF regions FOR VALUES IN (1, 2);
CREATE TABLE regions_us PARTITION OF regions FOR VALUES IN (3, 4);
CREATE TABLE stores (id int, region_id int REFERENCES regions);

-- Every column, one row per constraint.  OIDs vary from run to run, so the
-- fk and parent_fk columns are shown as names.
SELECT f.fk_name, f.table_name, f.columns, f.referenced_table,
	   f.referenced_columns, f.match_type, f.on_update, f.on_delete,
	   f.set_columns, f.is_deferrable, f.initially_deferred, f.validated,
	   p.fk_name AS parent_fk_name, p.table_name AS parent_table,
	   f.has_index
  FROM ri_audit.foreign_keys f
  LEFT JOIN ri_audit.foreign_keys p ON p.fk = f.parent_fk
 ORDER BY f.table_name::text COLLATE "C", f.fk_name COLLATE "C",
		  f.referenced_table::text COLLATE "C";

-- fk is the constraint's OID; definition is pg_get_constraintdef's text.
SELECT f.fk_name, f.definition,
	   f.fk = c.oid AS fk_is_oid
  FROM ri_audit.foreign_keys f
  JOIN pg_constraint c ON c.conname = f.fk_name AND c.conrelid = f.table_name
 WHERE f.parent_fk IS NULL
 ORDER BY f.table_name::text COLLATE "C", f.fk_name COLLATE "C";

-- Exactly one row per foreign key constraint, and nothing else.
SELECT (SELECT count(*) FROM ri_audit.foreign_keys) =
	   (SELECT count(*) FROM pg_constraint WHERE contype = 'f') AS one_row_each,
	   (SELECT count(*) FROM ri_audit.foreign_keys f
		  JOIN pg_constraint c ON c.oid = f.fk
		 WHERE c.contype <> 'f') AS non_fk_rows;

-- has_index follows index changes: drop the only supporting index.
DROP INDEX orders_customer_id_idx;
SELECT fk_name, has_index FROM ri_audit.foreign_keys
 WHERE fk_name = 'orders_customer_id_fkey';
-- An index whose leading columns are a superset of the key does not count
-- unless the key columns come first.
CREATE INDEX orders_id_customer_idx ON orders (id, customer_id);
SELECT fk_name, has_index FROM ri_audit.foreign_keys
 WHERE fk_name = 'orders_customer_id_fkey';
CREATE INDEX orders_customer_id_id_idx ON orders (customer_id, id);
SELECT fk_name, has_index FROM ri_audit.foreign_keys
 WHERE fk_name = 'orders_customer_id_fkey';

-- Validating the NOT VALID key shows up at once.
ALTER TABLE "Other Schema"."Audit Log" VALIDATE CONSTRAINT "Audit ""Customer"" FK";
SELECT fk_name, validated FROM ri_audit.foreign_keys
 WHERE table_name = '"Other Schema"."Audit Log"'::regclass;

-- Any role can read the view; it shows only catalog facts.
CREATE ROLE regress_fk_reader;
SET ROLE regress_fk_reader;
SELECT count(*) > 0 AS can_read FROM ri_audit.foreign_keys;
RESET ROLE;
DROP ROLE regress_fk_reader;

RESET search_path;
DROP SCHEMA fk_shapes CASCADE;
DROP SCHEMA "Other Schema" CASCADE;
