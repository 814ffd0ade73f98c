--
-- ri_audit.load_order(): topological order of tables by foreign key.
--
SET client_min_messages = warning;
CREATE SCHEMA lo;
SET search_path = public;

-- A diamond: lines reference orders and products, orders reference
-- customers, products reference suppliers.
CREATE TABLE lo.customers (id int PRIMARY KEY);
CREATE TABLE lo.suppliers (id int PRIMARY KEY);
CREATE TABLE lo.products (id int PRIMARY KEY, supplier_id int REFERENCES lo.suppliers);
CREATE TABLE lo.orders (id int PRIMARY KEY, customer_id int REFERENCES lo.customers);
CREATE TABLE lo.lines (
	order_id int REFERENCES lo.orders,
	product_id int REFERENCES lo.products,
	-- two keys to the same table count once in depends_on
	alt_product_id int REFERENCES lo.products
);
-- A table with no keys at all, and a self reference.
CREATE TABLE lo.settings (k text PRIMARY KEY);
CREATE TABLE lo.employees (id int PRIMARY KEY, boss int REFERENCES lo.employees);

-- A partitioned table: a partition's own foreign key counts for its root,
-- and a key referencing a partition counts as referencing the root.
CREATE TABLE lo.events (id int, at date, setting text,
	customer_id int REFERENCES lo.customers) PARTITION BY RANGE (at);
CREATE TABLE lo.events_2026 PARTITION OF lo.events
	FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
ALTER TABLE lo.events_2026 ADD UNIQUE (id);
ALTER TABLE lo.events_2026 ADD FOREIGN KEY (setting) REFERENCES lo.settings;
CREATE TABLE lo.event_notes (event_id int REFERENCES lo.events_2026 (id));

-- Three cycles: one whose keys are deferrable, one whose key columns are
-- nullable, and one that can only be loaded with its keys added afterwards.
CREATE TABLE lo.husbands (id int PRIMARY KEY, wife int NOT NULL);
CREATE TABLE lo.wives (id int PRIMARY KEY,
	husband int NOT NULL REFERENCES lo.husbands DEFERRABLE);
ALTER TABLE lo.husbands ADD FOREIGN KEY (wife) REFERENCES lo.wives
	DEFERRABLE INITIALLY DEFERRED;
CREATE TABLE lo.teams (id int PRIMARY KEY, captain int);
CREATE TABLE lo.players (id int PRIMARY KEY, team int NOT NULL REFERENCES lo.teams);
ALTER TABLE lo.teams ADD FOREIGN KEY (captain) REFERENCES lo.players;
CREATE TABLE lo.chickens (id int PRIMARY KEY, egg int NOT NULL);
CREATE TABLE lo.eggs (id int PRIMARY KEY, chicken int NOT NULL REFERENCES lo.chickens);
ALTER TABLE lo.chickens ADD FOREIGN KEY (egg) REFERENCES lo.eggs;
-- Depending on a cycle puts a table above it.
CREATE TABLE lo.coops (id int, chicken int REFERENCES lo.chickens);

SELECT level, table_name, depends_on, self_reference, cycle, note
  FROM ri_audit.load_order()
 WHERE table_name::text LIKE 'lo.%';

-- Only the tables asked for, and the keys among them: a partition stands for
-- its root, duplicates collapse.
SELECT level, table_name, depends_on
  FROM ri_audit.load_order(ARRAY['lo.lines', 'lo.orders', 'lo.events_2026',
								 'lo.events', 'lo.customers']::regclass[]);
SELECT count(*) FROM ri_audit.load_order('{}');

-- Loading in this order really works: every key is checked on insert.
DO $$
DECLARE
	t regclass;
BEGIN
	FOR t IN SELECT table_name FROM ri_audit.load_order(ARRAY[
			'lo.customers', 'lo.suppliers', 'lo.products', 'lo.orders',
			'lo.lines']::regclass[]) ORDER BY level
	LOOP
		CASE t::text
			WHEN 'lo.customers' THEN INSERT INTO lo.customers VALUES (1);
			WHEN 'lo.suppliers' THEN INSERT INTO lo.suppliers VALUES (1);
			WHEN 'lo.products' THEN INSERT INTO lo.products VALUES (1, 1);
			WHEN 'lo.orders' THEN INSERT INTO lo.orders VALUES (1, 1);
			WHEN 'lo.lines' THEN INSERT INTO lo.lines VALUES (1, 1, 1);
		END CASE;
	END LOOP;
	-- ... and emptying in descending level does too.
	FOR t IN SELECT table_name FROM ri_audit.load_order(ARRAY[
			'lo.customers', 'lo.suppliers', 'lo.products', 'lo.orders',
			'lo.lines']::regclass[]) ORDER BY level DESC
	LOOP
		EXECUTE format('DELETE FROM %s', t);
	END LOOP;
END
$$;

-- Bad input.
SELECT * FROM ri_audit.load_order(ARRAY[NULL]::regclass[]);
SELECT * FROM ri_audit.load_order(ARRAY['lo.customers_pkey']::regclass[]);
SELECT * FROM ri_audit.load_order(ARRAY[0]::oid[]::regclass[]);
SELECT * FROM ri_audit.load_order('{{lo.customers},{lo.orders}}');

-- Only catalogs are read: no lock on any table is held afterwards.
BEGIN;
SELECT count(*) > 0 AS listed FROM ri_audit.load_order();
SELECT count(*) AS table_locks
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
 WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'lo'::regnamespace;
COMMIT;

DROP SCHEMA lo CASCADE;
