--
-- demo/sample.sql: a small shop database with referential integrity problems
-- of the kinds that occur in real databases.  Loaded by "make demo" into a
-- throwaway cluster.
--
\set ON_ERROR_STOP on
SET client_min_messages = warning;

CREATE SCHEMA shop;
SET search_path = shop, public;
-- Case-insensitive nicknames (contrib's citext, part of Debian's
-- postgresql-15 package): a column whose type an extension provides.
CREATE EXTENSION IF NOT EXISTS citext WITH SCHEMA public;

CREATE TABLE customers (
	id			int PRIMARY KEY,
	email		text NOT NULL UNIQUE,
	name		text NOT NULL,
	nickname	citext,
	created_at	timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE products (
	sku			text PRIMARY KEY,
	title		text NOT NULL,
	price		numeric(10, 2) NOT NULL CHECK (price >= 0)
);

CREATE TABLE orders (
	id			int PRIMARY KEY,
	customer_id	int NOT NULL REFERENCES customers,
	ordered_at	date NOT NULL,
	status		text NOT NULL DEFAULT 'open'
);
CREATE INDEX orders_customer_id_idx ON orders (customer_id);

CREATE TABLE order_items (
	order_id	int REFERENCES orders ON DELETE CASCADE,
	line_no		int,
	sku			text NOT NULL REFERENCES products ON UPDATE CASCADE,
	qty			int NOT NULL CHECK (qty > 0),
	PRIMARY KEY (order_id, line_no)
);

-- Payments are partitioned by month; the foreign key is cloned onto every
-- partition.
CREATE TABLE payments (
	id			bigint,
	order_id	int REFERENCES orders,
	paid_on		date NOT NULL,
	amount		numeric(10, 2) NOT NULL,
	PRIMARY KEY (id, paid_on)
) PARTITION BY RANGE (paid_on);
CREATE TABLE payments_2026_09 PARTITION OF payments
	FOR VALUES FROM ('2026-09-01') TO ('2026-10-01');
CREATE TABLE payments_2026_10 PARTITION OF payments
	FOR VALUES FROM ('2026-10-01') TO ('2026-11-01');
CREATE TABLE payments_2026_11 PARTITION OF payments
	FOR VALUES FROM ('2026-11-01') TO ('2026-12-01');

-- Reviews were imported from an old system; their foreign key was added NOT
-- VALID so the import would not be checked.
CREATE TABLE reviews (
	id			int PRIMARY KEY,
	sku			text NOT NULL,
	customer_id	int,
	stars		int CHECK (stars BETWEEN 1 AND 5)
);

-- The web shop's accounts, apart from the customers; sessions and logins
-- reference them.  legacy_id is left over from an old system.
CREATE TABLE users (
	id			int PRIMARY KEY,
	login		text NOT NULL UNIQUE,
	legacy_id	int
);
CREATE TABLE sessions (
	id			bigint PRIMARY KEY,
	user_id		int NOT NULL REFERENCES users,
	started_at	timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE logins (
	id			bigint PRIMARY KEY,
	user_id		int NOT NULL REFERENCES users,
	at			timestamptz NOT NULL DEFAULT now()
);

-- Shipments were bulk-loaded with the foreign key's triggers disabled,
-- and nobody enabled them again: new rows are not checked either.
CREATE TABLE shipments (
	id			int PRIMARY KEY,
	order_id	int NOT NULL REFERENCES orders,
	carrier		text NOT NULL
);
CREATE INDEX shipments_order_id_idx ON shipments (order_id);

-- Refunds were designed with bigint keys; orders.id is an int.
CREATE TABLE refunds (
	id			bigint PRIMARY KEY,
	order_id	bigint NOT NULL REFERENCES orders,
	amount		numeric(10, 2) NOT NULL
);
CREATE INDEX refunds_order_id_idx ON refunds (order_id);

-- Warehouses and their staff reference each other, and neither key is
-- deferrable: the two tables cannot be loaded row by row.
CREATE TABLE warehouses (
	id			int PRIMARY KEY,
	city		text NOT NULL,
	manager_id	int
);
CREATE TABLE staff (
	id			int PRIMARY KEY,
	name		text NOT NULL,
	warehouse_id int NOT NULL REFERENCES warehouses
);
CREATE INDEX staff_warehouse_id_idx ON staff (warehouse_id);
ALTER TABLE warehouses ADD CONSTRAINT warehouses_manager_id_fkey
	FOREIGN KEY (manager_id) REFERENCES staff;
CREATE INDEX warehouses_manager_id_idx ON warehouses (manager_id);

CREATE VIEW order_totals AS
SELECT o.id, o.customer_id, sum(i.qty * p.price) AS total
  FROM orders o
  JOIN order_items i ON i.order_id = o.id
  JOIN products p ON p.sku = i.sku
 GROUP BY o.id, o.customer_id;

CREATE VIEW big_spenders AS
SELECT customer_id, sum(total) AS spent
  FROM order_totals
 GROUP BY customer_id
HAVING sum(total) > 500;

CREATE FUNCTION customer_order_count(cust int) RETURNS bigint
LANGUAGE sql STABLE
BEGIN ATOMIC
	SELECT count(*) FROM shop.orders WHERE customer_id = cust;
END;

-- Clean data.
INSERT INTO customers (id, email, name)
SELECT g, 'customer' || g || '@example.com', 'Customer ' || g
  FROM generate_series(1, 200) g;
INSERT INTO products (sku, title, price)
SELECT 'SKU-' || lpad(g::text, 4, '0'), 'Product ' || g, (g % 50) + 0.99
  FROM generate_series(1, 100) g;
INSERT INTO orders (id, customer_id, ordered_at)
SELECT g, 1 + (g * 7) % 200, date '2026-09-01' + (g % 90)
  FROM generate_series(1, 1000) g;
INSERT INTO order_items (order_id, line_no, sku, qty)
SELECT o, l, 'SKU-' || lpad((1 + (o * l) % 100)::text, 4, '0'), 1 + l
  FROM generate_series(1, 1000) o, generate_series(1, 3) l;
INSERT INTO payments (id, order_id, paid_on, amount)
SELECT g, g, date '2026-09-01' + (g % 90), 10 + g % 90
  FROM generate_series(1, 1000) g;
INSERT INTO reviews (id, sku, customer_id, stars)
SELECT g, 'SKU-' || lpad((1 + g % 100)::text, 4, '0'), 1 + g % 200, 1 + g % 5
  FROM generate_series(1, 300) g;
UPDATE customers SET nickname = 'C' || id WHERE id % 10 = 0;
INSERT INTO users (id, login) SELECT g, 'user' || g FROM generate_series(1, 50) g;
INSERT INTO sessions (id, user_id) SELECT g, 1 + g % 50 FROM generate_series(1, 100) g;
INSERT INTO logins (id, user_id) SELECT g, 1 + g % 50 FROM generate_series(1, 100) g;
INSERT INTO refunds (id, order_id, amount)
SELECT g, g * 10, 5 FROM generate_series(1, 20) g;
INSERT INTO warehouses (id, city) VALUES (1, 'Lyon'), (2, 'Porto');
INSERT INTO staff (id, name, warehouse_id) VALUES (1, 'Ana', 1), (2, 'Rui', 2);
UPDATE warehouses SET manager_id = id;

-- The shipments load: triggers off for speed, and never turned on again.
ALTER TABLE shipments DISABLE TRIGGER ALL;
INSERT INTO shipments (id, order_id, carrier)
SELECT g, g, CASE WHEN g % 2 = 0 THEN 'post' ELSE 'courier' END
  FROM generate_series(1, 500) g;
INSERT INTO shipments (id, order_id, carrier) VALUES (501, 6006, 'post');

-- A bulk load run with triggers off (as logical replication appliers and
-- some ETL tools do): foreign keys are not checked, and nothing says so.
SET session_replication_role = replica;
INSERT INTO orders (id, customer_id, ordered_at) VALUES
	(1001, 4242, '2026-11-03'),
	(1002, 4242, '2026-11-04'),
	(1003, 9001, '2026-11-05');
INSERT INTO order_items (order_id, line_no, sku, qty) VALUES
	(1001, 1, 'SKU-0001', 1),
	(1002, 1, 'SKU-9999', 2),
	(5000, 1, 'SKU-0002', 1);
INSERT INTO payments (id, order_id, paid_on, amount) VALUES
	(2001, 7777, '2026-11-10', 99.00);
RESET session_replication_role;

-- The imported reviews include some for products that no longer exist.
INSERT INTO reviews (id, sku, customer_id, stars) VALUES
	(301, 'SKU-0404', 12, 1),
	(302, 'SKU-0500', NULL, 5);
ALTER TABLE reviews ADD CONSTRAINT reviews_sku_fkey
	FOREIGN KEY (sku) REFERENCES products NOT VALID;
ALTER TABLE reviews ADD CONSTRAINT reviews_customer_id_fkey
	FOREIGN KEY (customer_id) REFERENCES customers NOT VALID;

-- Refunds were once stored as payments of zero or less; the rule that an
-- amount is positive was added NOT VALID, and those rows still break it.
INSERT INTO payments (id, order_id, paid_on, amount) VALUES
	(3001, 10, '2026-09-15', -10.00),
	(3002, 11, '2026-10-20', 0.00),
	(3003, 12, '2026-11-02', -4.50);
ALTER TABLE payments ADD CONSTRAINT payments_amount_positive
	CHECK (amount > 0) NOT VALID;

ANALYZE;
