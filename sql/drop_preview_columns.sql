--
-- ri_audit.drop_preview: ALTER TABLE ... DROP COLUMN, with the recursion
-- into inheritance children and partitions, and the command's own checks.
--
SET client_min_messages = notice;

CREATE FUNCTION pv(ddl text)
RETURNS TABLE ("position" int, description text, depends_on text,
               dependency text, requires_cascade boolean)
LANGUAGE sql AS $$
  SELECT p.position,
         regexp_replace(p.description, '[0-9]{4,}', 'N', 'g'),
         regexp_replace(p.depends_on, '[0-9]{4,}', 'N', 'g'),
         p.dependency, p.requires_cascade
    FROM ri_audit.drop_preview(ddl) p ORDER BY p.position
$$;

CREATE TABLE users (id int PRIMARY KEY, email text UNIQUE, name text,
                    nick text DEFAULT 'n', score int CHECK (score > 0));
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users,
                     email text);
ALTER TABLE orders ADD FOREIGN KEY (email) REFERENCES users (email);
CREATE VIEW user_emails AS SELECT id, email FROM users;
CREATE VIEW user_names AS SELECT name FROM users;
CREATE INDEX users_lower_email ON users (lower(email));

-- A column nobody uses: one row, objsubid > 0.
SELECT objsubid > 0 AS is_column, object_type, object_identity, description
  FROM ri_audit.drop_preview('ALTER TABLE users DROP COLUMN nick');

-- A column with a unique constraint, a referencing FK, a view and an
-- expression index: the view goes (through its _RETURN rule), the FK is
-- reported, the constraint and indexes go silently.
SELECT * FROM pv('ALTER TABLE users DROP COLUMN email');
BEGIN;
ALTER TABLE users DROP COLUMN email CASCADE;
ROLLBACK;
SELECT ri_audit.assert_drop_safe('ALTER TABLE users DROP COLUMN email');
ALTER TABLE users DROP COLUMN email;

-- The referencing column: its FK goes silently.
SELECT * FROM pv('ALTER TABLE orders DROP COLUMN user_id');
SELECT ri_audit.assert_drop_safe('ALTER TABLE orders DROP COLUMN user_id');

-- Two subcommands are two deletions; the second sees what the first left.
SELECT * FROM pv('ALTER TABLE users DROP COLUMN name, DROP COLUMN score');
-- A CHECK constraint already dropped with its column is missing afterwards,
-- as in PostgreSQL.
SELECT * FROM pv('ALTER TABLE users DROP COLUMN score, DROP CONSTRAINT users_score_check');
ALTER TABLE users DROP COLUMN score, DROP CONSTRAINT users_score_check;
SELECT * FROM pv('ALTER TABLE users DROP COLUMN score, DROP CONSTRAINT IF EXISTS users_score_check');

-- IF EXISTS and missing columns.
SELECT * FROM pv('ALTER TABLE users DROP COLUMN IF EXISTS nope');
SELECT * FROM pv('ALTER TABLE users DROP COLUMN nope');
SELECT * FROM pv('ALTER TABLE IF EXISTS nope DROP COLUMN nope');
SELECT * FROM pv('ALTER TABLE nope DROP COLUMN nope');

-- System columns cannot be dropped.
SELECT * FROM pv('ALTER TABLE users DROP COLUMN xmin');

-- Inheritance: the child's inherited column goes with the parent's; a
-- child column also defined locally stays; ONLY keeps the children's.
CREATE TABLE p (a int, b int);
CREATE TABLE c1 () INHERITS (p);
CREATE TABLE c2 (b int) INHERITS (p);
CREATE TABLE gc () INHERITS (c1);
CREATE VIEW gc_v AS SELECT a FROM gc;
SELECT * FROM pv('ALTER TABLE p DROP COLUMN a');
BEGIN;
ALTER TABLE p DROP COLUMN a CASCADE;
ROLLBACK;
SELECT ri_audit.assert_drop_safe('ALTER TABLE p DROP COLUMN a');
ALTER TABLE p DROP COLUMN a;
SELECT * FROM pv('ALTER TABLE p DROP COLUMN b');
SELECT * FROM pv('ALTER TABLE ONLY p DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE c1 DROP COLUMN a');

-- Partitions: the column goes from every partition; key columns cannot go.
CREATE TABLE m (k int, v text, w int) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2) PARTITION BY LIST (w);
CREATE TABLE m21 PARTITION OF m2 FOR VALUES IN (1);
CREATE INDEX m_v ON m (v);
SELECT * FROM pv('ALTER TABLE m DROP COLUMN v');
SELECT * FROM pv('ALTER TABLE m DROP COLUMN k');
SELECT * FROM pv('ALTER TABLE m DROP COLUMN w');
SELECT * FROM pv('ALTER TABLE ONLY m DROP COLUMN v');
SELECT * FROM pv('ALTER TABLE m1 DROP COLUMN v');

-- A type used by a partition key column: DROP TYPE takes the whole
-- partitioned table (the key column is internal to its table).
CREATE TYPE mood AS ENUM ('ok', 'sad');
CREATE TABLE by_mood (m mood, x int) PARTITION BY LIST (m);
CREATE TABLE plain_mood (m mood, x int);
SELECT * FROM pv('DROP TYPE mood');
BEGIN;
DROP TYPE mood CASCADE;
ROLLBACK;

-- Views on other relation kinds and typed tables are refused as ALTER
-- TABLE refuses them.
CREATE TYPE pair AS (x int, y int);
CREATE TABLE typed OF pair;
SELECT * FROM pv('ALTER TABLE typed DROP COLUMN x');
SELECT * FROM pv('ALTER TABLE user_names DROP COLUMN name');
SELECT * FROM pv('ALTER TABLE pair DROP COLUMN x');

DROP TABLE users, orders, p, c1, c2, gc, m, by_mood, plain_mood, typed CASCADE;
DROP TYPE mood, pair;
DROP FUNCTION pv(text);
