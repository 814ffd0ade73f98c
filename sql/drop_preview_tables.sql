--
-- ri_audit.drop_preview and assert_drop_safe: DROP TABLE, VIEW, INDEX,
-- SEQUENCE, MATERIALIZED VIEW.  Each preview is followed by the real
-- statement inside a rolled-back transaction, so the expected file shows
-- PostgreSQL's own notice next to the preview.
--
SET client_min_messages = notice;

-- OIDs in generated names (toast tables, RI triggers) are masked.
CREATE FUNCTION pv(ddl text)
RETURNS TABLE ("position" int, type text, description text, depends_on text,
               dependency text, requires_cascade boolean)
LANGUAGE sql AS $$
  SELECT p.position, p.object_type,
         regexp_replace(p.description, '[0-9]{4,}', 'N', 'g'),
         regexp_replace(p.depends_on, '[0-9]{4,}', 'N', 'g'),
         p.dependency, p.requires_cascade
    FROM ri_audit.drop_preview(ddl) p ORDER BY p.position
$$;

CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL DEFAULT 'x',
                    bio text);
CREATE TABLE orders (id serial PRIMARY KEY,
                     user_id int REFERENCES users,
                     total numeric CHECK (total >= 0));
CREATE INDEX orders_user_idx ON orders (user_id);
CREATE VIEW user_names AS SELECT id, name FROM users;
CREATE VIEW user_names2 AS SELECT name FROM user_names;
CREATE FUNCTION user_count() RETURNS bigint
  LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM users; END;

-- The classic: the referenced table.  The FK of orders and the views are
-- reported; the table's own pieces go silently.
SELECT * FROM pv('DROP TABLE users');
BEGIN;
DROP TABLE users CASCADE;
ROLLBACK;

-- assert_drop_safe raises what the plain DROP raises, with every dependent.
SELECT ri_audit.assert_drop_safe('DROP TABLE users;');
DROP TABLE users;

-- A table nothing depends on: no cascade needed.
SELECT * FROM pv('DROP TABLE orders');
SELECT ri_audit.assert_drop_safe('DROP TABLE orders');

-- Several tables in one statement: dependencies inside the set need no
-- CASCADE, and the message is "desired object(s)".
SELECT * FROM pv('DROP TABLE orders, users');
SELECT ri_audit.assert_drop_safe('DROP TABLE orders, users');
BEGIN;
DROP TABLE orders, users;
ROLLBACK;

-- Views: dropping a view cascades to views on it.
SELECT * FROM pv('DROP VIEW user_names');
BEGIN;
DROP VIEW user_names CASCADE;
ROLLBACK;

-- Indexes: a plain one, and one that belongs to a constraint.
SELECT * FROM pv('DROP INDEX orders_user_idx');
SELECT * FROM pv('DROP INDEX users_pkey');
DROP INDEX users_pkey;

-- Sequences: an owned (serial) sequence is used by the column default.
SELECT * FROM pv('DROP SEQUENCE orders_id_seq');
BEGIN;
DROP SEQUENCE orders_id_seq CASCADE;
ROLLBACK;

-- Materialized views.
CREATE MATERIALIZED VIEW order_totals AS
  SELECT user_id, sum(total) AS total FROM orders GROUP BY user_id;
CREATE INDEX ON order_totals (user_id);
SELECT * FROM pv('DROP MATERIALIZED VIEW order_totals');

-- Identity columns, generated columns, expression indexes, statistics,
-- triggers, policies, rules.
CREATE TABLE items (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    price numeric, qty int,
                    amount numeric GENERATED ALWAYS AS (price * qty) STORED);
CREATE INDEX items_expr_idx ON items ((price * 2));
CREATE STATISTICS items_stats ON price, qty FROM items;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER items_trg BEFORE INSERT ON items
  FOR EACH ROW EXECUTE FUNCTION trg();
ALTER TABLE items ENABLE ROW LEVEL SECURITY;
CREATE POLICY items_pol ON items USING (qty > 0);
CREATE RULE items_rule AS ON DELETE TO items DO INSTEAD NOTHING;
SELECT * FROM pv('DROP TABLE items');
SELECT ri_audit.assert_drop_safe('DROP TABLE items');
SELECT * FROM pv('DROP SEQUENCE items_id_seq');

-- Legacy inheritance: children are reported.
CREATE TABLE parent_t (a int);
CREATE TABLE child_t (b int) INHERITS (parent_t);
SELECT * FROM pv('DROP TABLE parent_t');
BEGIN;
DROP TABLE parent_t CASCADE;
ROLLBACK;

-- Partitions go silently; FKs referencing a partitioned table are reported.
CREATE TABLE accounts (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE accounts_1 PARTITION OF accounts FOR VALUES FROM (0) TO (100);
CREATE TABLE accounts_2 PARTITION OF accounts FOR VALUES FROM (100) TO (200);
CREATE TABLE ledger (account_id int REFERENCES accounts);
SELECT * FROM pv('DROP TABLE accounts');
BEGIN;
DROP TABLE accounts CASCADE;
ROLLBACK;
-- One referenced partition: the whole FK goes (owner redirection).
SELECT * FROM pv('DROP TABLE accounts_1');
BEGIN;
DROP TABLE accounts_1 CASCADE;
ROLLBACK;
-- A partition of an index cannot be dropped alone, even with CASCADE.
SELECT * FROM pv('DROP INDEX accounts_1_pkey');
DROP INDEX accounts_1_pkey CASCADE;

-- The row type of a table.
SELECT * FROM pv('DROP TYPE users');

-- RESTRICT and CASCADE do not change the rows; a trailing comment is fine.
SELECT count(*) FROM pv('DROP TABLE users RESTRICT; -- done');
SELECT count(*) FROM pv('/* c */ DROP TABLE users CASCADE');

-- The preview writes nothing and keeps nothing but AccessShareLocks.
BEGIN;
SELECT count(*) > 0 FROM ri_audit.drop_preview('DROP TABLE users');
SELECT relation::regclass, mode FROM pg_locks
 WHERE locktype = 'relation' AND pid = pg_backend_pid()
   AND mode <> 'AccessShareLock';
SELECT count(*) AS object_locks FROM pg_locks
 WHERE locktype = 'object' AND pid = pg_backend_pid();
ROLLBACK;

-- Read-only transactions are fine.
BEGIN TRANSACTION READ ONLY;
SELECT count(*) FROM ri_audit.drop_preview('DROP TABLE users');
COMMIT;

-- Output is deterministic: the same call twice gives the same rows.
SELECT (SELECT array_agg(p ORDER BY p.position)
          FROM ri_audit.drop_preview('DROP TABLE users') p) =
       (SELECT array_agg(p ORDER BY p.position)
          FROM ri_audit.drop_preview('DROP TABLE users') p) AS same;

DROP TABLE ledger, accounts, parent_t, child_t, items, orders, users CASCADE;
DROP FUNCTION trg(), pv(text);
