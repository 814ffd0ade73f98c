--
-- ri_audit.delete_preview() and assert_delete_safe(): what a DELETE,
-- UPDATE or TRUNCATE would do through the foreign keys.
--
SET client_min_messages = warning;
CREATE SCHEMA delprev;
SET search_path = delprev, public;

-- The README's example: customers <- orders <- order_items.
CREATE TABLE customers (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int PRIMARY KEY,
	customer_id int NOT NULL REFERENCES customers);
CREATE TABLE order_items (id int PRIMARY KEY,
	order_id int NOT NULL REFERENCES orders ON DELETE CASCADE,
	qty int);
CREATE INDEX ON orders (customer_id);
CREATE INDEX ON order_items (order_id);
INSERT INTO customers SELECT g, 'c' || g FROM generate_series(1, 200) g;
INSERT INTO orders SELECT g, 100 + g % 50 FROM generate_series(1, 500) g;
INSERT INTO order_items SELECT g, 1 + g % 500, 1 FROM generate_series(1, 2000) g;

-- Without CASCADE: orders blocks, with a sample of its keys.
SELECT * FROM ri_audit.delete_preview('DELETE FROM customers WHERE id = 123');
SELECT ri_audit.assert_delete_safe('DELETE FROM customers WHERE id = 123');
-- The real statement says the same.
DELETE FROM customers WHERE id = 123;
-- A customer without orders: safe.
SELECT * FROM ri_audit.delete_preview('DELETE FROM customers WHERE id = 7');
SELECT ri_audit.assert_delete_safe('DELETE FROM customers WHERE id = 7');

-- With CASCADE: orders and, two levels down, order_items.
ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey,
	ADD FOREIGN KEY (customer_id) REFERENCES customers ON DELETE CASCADE;
SELECT * FROM ri_audit.delete_preview('DELETE FROM customers WHERE id = 123');
SELECT ri_audit.assert_delete_safe('DELETE FROM customers WHERE id = 123');
-- The real statement deletes exactly that many (rolled back).
BEGIN;
WITH d AS (DELETE FROM customers WHERE id = 123 RETURNING 1)
SELECT count(*) FROM d;
SELECT (SELECT count(*) FROM orders) AS orders_left,
	   (SELECT count(*) FROM order_items) AS items_left;
ROLLBACK;
-- Several customers, USING and WITH.
SELECT * FROM ri_audit.delete_preview($$
	WITH big AS (SELECT customer_id FROM orders GROUP BY 1 HAVING count(*) >= 10)
	DELETE FROM customers c USING big WHERE c.id = big.customer_id AND c.id < 105$$);

-- The README's partitioned example: events partitioned by its key, whose
-- SET NULL and ON UPDATE CASCADE move rows to no partition (23514), until
-- a default partition takes them; each next to the real statement.
CREATE TABLE tenants (id int PRIMARY KEY);
CREATE TABLE events (id bigint, tenant_id int REFERENCES tenants
	ON UPDATE CASCADE ON DELETE SET NULL) PARTITION BY LIST (tenant_id);
CREATE TABLE events_1 PARTITION OF events FOR VALUES IN (1);
CREATE TABLE events_2 PARTITION OF events FOR VALUES IN (2);
INSERT INTO tenants VALUES (1), (2);
INSERT INTO events VALUES (10, 1), (11, 1), (20, 2);
SELECT * FROM ri_audit.delete_preview('DELETE FROM tenants WHERE id = 2');
SELECT ri_audit.assert_delete_safe('DELETE FROM tenants WHERE id = 2');
DELETE FROM tenants WHERE id = 2;
SELECT ri_audit.assert_delete_safe('UPDATE tenants SET id = 3 WHERE id = 1');
UPDATE tenants SET id = 3 WHERE id = 1;
CREATE TABLE events_other PARTITION OF events DEFAULT;
SELECT * FROM ri_audit.delete_preview('UPDATE tenants SET id = 3 WHERE id = 1');
BEGIN;
UPDATE tenants SET id = 3 WHERE id = 1;
SELECT tableoid::regclass, * FROM events ORDER BY id;
ROLLBACK;
DROP TABLE events, tenants;

-- SET NULL and SET DEFAULT, a row reached twice counted once under its
-- final fate.
CREATE TABLE notes (id int PRIMARY KEY,
	customer_id int REFERENCES customers ON DELETE SET NULL,
	order_id int REFERENCES orders ON DELETE CASCADE);
INSERT INTO notes VALUES (1, 123, NULL), (2, 123, 1), (3, 124, NULL);
-- order 1 belongs to customer 101
SELECT * FROM ri_audit.delete_preview('DELETE FROM customers WHERE id IN (101, 123)');
CREATE TABLE flags (id int PRIMARY KEY,
	customer_id int DEFAULT 1 REFERENCES customers ON DELETE SET DEFAULT);
INSERT INTO flags VALUES (1, 150), (2, 151);
SELECT * FROM ri_audit.delete_preview('DELETE FROM customers WHERE id = 150');
-- the default is a key the statement deletes: blocks.  PostgreSQL fails
-- in the NO ACTION check it runs after each deleted row (ri_set) when the
-- row holding the default comes after rows set to the default, else in the
-- check of the updated rows; both at once here (not deferred), with
-- different messages.  Row 1 comes first and nothing references it, so
-- PostgreSQL fails in the second, and the preview says so.
SELECT * FROM ri_audit.delete_preview('DELETE FROM customers WHERE id IN (1, 150)');
SELECT ri_audit.assert_delete_safe('DELETE FROM customers WHERE id IN (1, 150)');
DELETE FROM customers WHERE id IN (1, 150);
DROP TABLE flags;

-- UPDATE: only a real change of the key fires ON UPDATE actions.
CREATE TABLE parent (id int PRIMARY KEY, v int);
CREATE TABLE child_c (id int, pid int REFERENCES parent ON UPDATE CASCADE);
CREATE TABLE child_r (id int, pid int REFERENCES parent);
CREATE TABLE child_d (id int, pid int REFERENCES parent DEFERRABLE INITIALLY DEFERRED);
INSERT INTO parent VALUES (1, 0), (2, 0), (3, 0);
INSERT INTO child_c VALUES (1, 1), (2, 1), (3, 2);
INSERT INTO child_r VALUES (1, 2);
INSERT INTO child_d VALUES (1, 3);
SELECT * FROM ri_audit.delete_preview('UPDATE parent SET id = id WHERE id = 1');
SELECT * FROM ri_audit.delete_preview('UPDATE parent SET v = 5');
SELECT * FROM ri_audit.delete_preview('UPDATE parent SET id = id + 10');
SELECT * FROM ri_audit.delete_preview('DELETE FROM parent WHERE id = 3');
SELECT ri_audit.assert_delete_safe('DELETE FROM parent WHERE id = 3');

-- Self reference and a cycle end.
CREATE TABLE tree (id int PRIMARY KEY,
	parent_id int REFERENCES tree ON DELETE CASCADE);
INSERT INTO tree VALUES (1, NULL), (2, 1), (3, 2), (4, 3), (5, 1), (6, NULL);
SELECT * FROM ri_audit.delete_preview('DELETE FROM tree WHERE id = 1');
CREATE TABLE ring_a (id int PRIMARY KEY, b_id int);
CREATE TABLE ring_b (id int PRIMARY KEY,
	a_id int REFERENCES ring_a ON DELETE CASCADE);
ALTER TABLE ring_a ADD FOREIGN KEY (b_id) REFERENCES ring_b ON DELETE CASCADE;
INSERT INTO ring_a VALUES (1, NULL), (2, NULL);
INSERT INTO ring_b VALUES (10, 1), (20, 2);
UPDATE ring_a SET b_id = 20 WHERE id = 1;
UPDATE ring_a SET b_id = 10 WHERE id = 2;
SELECT * FROM ri_audit.delete_preview('DELETE FROM ring_a WHERE id = 1');

-- A NO ACTION key whose referencing rows a cascade deletes one step later
-- blocks: PostgreSQL checks it when its trigger fires, before the deeper
-- cascade has run (breadth first).  Deferred, it is checked at the end,
-- when they are gone.
CREATE TABLE dc (id int PRIMARY KEY);
CREATE TABLE dorder (id int PRIMARY KEY, cid int REFERENCES dc ON DELETE CASCADE);
CREATE TABLE ditem (id int, oid_ int REFERENCES dorder ON DELETE CASCADE,
	cid int REFERENCES dc);
INSERT INTO dc VALUES (1); INSERT INTO dorder VALUES (10, 1);
INSERT INTO ditem VALUES (100, 10, 1);
SELECT * FROM ri_audit.delete_preview('DELETE FROM dc');
DELETE FROM dc;
ALTER TABLE ditem ALTER CONSTRAINT ditem_cid_fkey DEFERRABLE INITIALLY DEFERRED;
SELECT * FROM ri_audit.delete_preview('DELETE FROM dc');
BEGIN;
DELETE FROM dc;
SELECT count(*) FROM ditem;
COMMIT;
-- Within one step, the triggers of one parent row fire in the order of
-- their names: a NO ACTION key created before a cascade of the same rows
-- blocks, one created after it does not.
DROP TABLE ditem;
CREATE TABLE dnote (id int, cid int REFERENCES dc,
	cid2 int REFERENCES dc ON DELETE CASCADE);
INSERT INTO dc VALUES (2); INSERT INTO dnote VALUES (1, 2, 2);
SELECT * FROM ri_audit.delete_preview('DELETE FROM dc WHERE id = 2');
DELETE FROM dc WHERE id = 2;
CREATE TABLE dnote2 (id int, cid2 int REFERENCES dc ON DELETE CASCADE, cid int);
ALTER TABLE dnote2 ADD FOREIGN KEY (cid) REFERENCES dc;
DELETE FROM dnote;
INSERT INTO dnote2 VALUES (1, 2, 2);
SELECT * FROM ri_audit.delete_preview('DELETE FROM dc WHERE id = 2');
BEGIN;
DELETE FROM dc WHERE id = 2;
ROLLBACK;

-- Comments of unindexed_foreign_keys on what an unindexed key costs.
SELECT a.attname, col_description(a.attrelid, a.attnum)
  FROM pg_attribute a
 WHERE a.attrelid = 'ri_audit.unindexed_foreign_keys'::regclass
   AND a.attname IN ('on_delete', 'on_update')
 ORDER BY a.attnum;

-- TRUNCATE
SELECT * FROM ri_audit.delete_preview('TRUNCATE customers');
SELECT ri_audit.assert_delete_safe('TRUNCATE customers');
SELECT * FROM ri_audit.delete_preview('TRUNCATE customers CASCADE');

-- Wrong statements.
SELECT * FROM ri_audit.delete_preview(NULL);
SELECT * FROM ri_audit.delete_preview('');
SELECT * FROM ri_audit.delete_preview('SELECT 1');
SELECT * FROM ri_audit.delete_preview('DELETE FROM tree; DELETE FROM tree');
SELECT * FROM ri_audit.delete_preview('DELETE FROM nosuchtable');
SELECT * FROM ri_audit.delete_preview('DELETE FRM tree');
SELECT * FROM ri_audit.delete_preview(
	'WITH x AS (DELETE FROM tree RETURNING id) DELETE FROM tree WHERE id IN (SELECT id FROM x)');
CREATE FUNCTION writes() RETURNS bool LANGUAGE plpgsql AS
	$$BEGIN INSERT INTO tree VALUES (100, NULL); RETURN true; END$$;
SELECT * FROM ri_audit.delete_preview('DELETE FROM tree WHERE writes()');
SELECT count(*) FROM tree WHERE id = 100;
CREATE SEQUENCE seq;
SELECT * FROM ri_audit.delete_preview('DELETE FROM tree WHERE id = nextval(''seq'')');
CREATE VIEW v AS SELECT * FROM tree;
SELECT * FROM ri_audit.delete_preview('DELETE FROM v');


-- Privileges and row-level security: refused, never counted.
CREATE ROLE regress_delprev_reader;
GRANT USAGE ON SCHEMA delprev TO regress_delprev_reader;
GRANT EXECUTE ON FUNCTION ri_audit.delete_preview(text) TO regress_delprev_reader;
GRANT SELECT ON parent, child_c, child_d TO regress_delprev_reader;
SET ROLE regress_delprev_reader;
-- no SELECT on child_r
SELECT * FROM ri_audit.delete_preview('DELETE FROM parent WHERE id = 2');
RESET ROLE;
GRANT SELECT ON child_r TO regress_delprev_reader;
ALTER TABLE child_r ENABLE ROW LEVEL SECURITY;
CREATE POLICY p ON child_r USING (id > 100);
SET ROLE regress_delprev_reader;
SELECT * FROM ri_audit.delete_preview('DELETE FROM parent WHERE id = 2');
RESET ROLE;
ALTER TABLE child_r DISABLE ROW LEVEL SECURITY;
SET ROLE regress_delprev_reader;
SELECT * FROM ri_audit.delete_preview('DELETE FROM parent WHERE id = 2');
RESET ROLE;

-- Read-only transactions.
BEGIN TRANSACTION READ ONLY;
SELECT * FROM ri_audit.delete_preview('DELETE FROM parent WHERE id = 2');
COMMIT;

-- The maintenance_work_mem bound (1 MB, the least it can be): every row
-- reached costs about 64 bytes, so 20,000 rows are too many and 10,000
-- are not; the new keys of updated rows count too: those of the
-- statement's own rows (300 rows with new 4 kB keys), and those that ON
-- UPDATE CASCADE gives 12,000 referencing rows (fewer rows than the row
-- count alone allows).  The DETAIL's counts are left out.
SET maintenance_work_mem = '1MB';
\set VERBOSITY terse
CREATE TABLE mb (k int PRIMARY KEY);
INSERT INTO mb SELECT generate_series(1, 20000);
SELECT count(*) FROM ri_audit.delete_preview('DELETE FROM mb');
\echo :LAST_ERROR_SQLSTATE
SELECT action, row_count FROM ri_audit.delete_preview('DELETE FROM mb WHERE k <= 10000');
CREATE TABLE mt (k text PRIMARY KEY);
CREATE TABLE mtc (k text PRIMARY KEY REFERENCES mt ON UPDATE CASCADE);
CREATE TABLE mtd (k text REFERENCES mtc);
INSERT INTO mt SELECT i FROM generate_series(1, 300) i;
SELECT count(*) FROM ri_audit.delete_preview('UPDATE mt SET k = k || repeat(''x'', 4000)');
\echo :LAST_ERROR_SQLSTATE
SELECT action, row_count FROM ri_audit.delete_preview('UPDATE mt SET k = k || repeat(''x'', 4000) WHERE k::int <= 100');
CREATE TABLE mtm (g int PRIMARY KEY);
CREATE TABLE mtn (id int PRIMARY KEY, g int REFERENCES mtm ON UPDATE CASCADE,
	UNIQUE (id, g));
CREATE TABLE mto (id int, g int, FOREIGN KEY (id, g) REFERENCES mtn (id, g));
INSERT INTO mtm VALUES (1), (2);
INSERT INTO mtn SELECT i, 1 FROM generate_series(1, 12000) i;
INSERT INTO mtn SELECT i, 2 FROM generate_series(12001, 13000) i;
SELECT count(*) FROM ri_audit.delete_preview('UPDATE mtm SET g = 10 WHERE g = 1');
\echo :LAST_ERROR_SQLSTATE
SELECT step, action, row_count FROM ri_audit.delete_preview('UPDATE mtm SET g = 20 WHERE g = 2');
\set VERBOSITY default
RESET maintenance_work_mem;
DROP TABLE mb, mto, mtn, mtm, mtd, mtc, mt;

RESET search_path;
DROP SCHEMA delprev CASCADE;
DROP OWNED BY regress_delprev_reader;
DROP ROLE regress_delprev_reader;
