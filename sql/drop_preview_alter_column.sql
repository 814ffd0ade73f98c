--
-- ri_audit.drop_preview / assert_drop_safe: ALTER TABLE ... ALTER COLUMN
-- ... DROP DEFAULT, DROP IDENTITY [IF EXISTS], DROP EXPRESSION, with the
-- recursion into inheritance children and the commands' own errors.
-- vs_core() runs each statement in a subtransaction that is rolled back and
-- compares what no longer exists afterwards with the preview's rows.
--
SET client_min_messages = notice;
CREATE SCHEMA dpac;
SET search_path = dpac, dp_oracle, public;
CREATE TABLE t (id int GENERATED ALWAYS AS IDENTITY,
                a int DEFAULT 1, b text DEFAULT 'x' || 'y', c int,
                g int GENERATED ALWAYS AS (a * 2) STORED,
                s serial);

-- DROP DEFAULT: the default goes, a target like any DROP's.
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN a DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN a DROP DEFAULT');
SELECT ri_audit.assert_drop_safe('ALTER TABLE t ALTER COLUMN a DROP DEFAULT');
-- No default: nothing goes, and it is no error.
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN c DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN c DROP DEFAULT');
-- A serial's default: the default goes, the sequence stays (it is owned by
-- the column, not by the default).
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN s DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN s DROP DEFAULT');
-- PostgreSQL's errors: identity and generated columns, system and missing
-- columns.
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN id DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN id DROP DEFAULT');
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN g DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN g DROP DEFAULT');
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN xmin DROP DEFAULT');
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN nope DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN nope DROP DEFAULT');

-- DROP IDENTITY: the identity's sequence goes with the column ('internal',
-- not a dependent that needs CASCADE).
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN id DROP IDENTITY');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN id DROP IDENTITY');
SELECT ri_audit.assert_drop_safe('ALTER TABLE t ALTER COLUMN id DROP IDENTITY');
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN a DROP IDENTITY');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN a DROP IDENTITY');
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN a DROP IDENTITY IF EXISTS');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN a DROP IDENTITY IF EXISTS');
-- Something that uses the identity's sequence: PostgreSQL drops the
-- sequence with RESTRICT, so the user of it is a dependent that fails the
-- statement.
CREATE TABLE uses_seq (n bigint DEFAULT nextval('t_id_seq'));
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN id DROP IDENTITY');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN id DROP IDENTITY');
SELECT ri_audit.assert_drop_safe('ALTER TABLE t ALTER COLUMN id DROP IDENTITY');
DROP TABLE uses_seq;

-- DROP EXPRESSION: the generation expression goes.
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN g DROP EXPRESSION');
SELECT ri_audit.assert_drop_safe('ALTER TABLE t ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN a DROP EXPRESSION');
SELECT * FROM vs_core('ALTER TABLE t ALTER COLUMN a DROP EXPRESSION');
SELECT * FROM pv('ALTER TABLE t ALTER COLUMN a DROP EXPRESSION IF EXISTS');

-- Inheritance: DROP DEFAULT and DROP EXPRESSION recurse into every
-- descendant (each its own deletion call); ONLY does not.
CREATE TABLE p (a int DEFAULT 5, g int GENERATED ALWAYS AS (a + 1) STORED);
CREATE TABLE c1 () INHERITS (p);
CREATE TABLE c2 (a int DEFAULT 7) INHERITS (p);
CREATE TABLE gc () INHERITS (c1);
SELECT * FROM pv('ALTER TABLE p ALTER COLUMN a DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE p ALTER COLUMN a DROP DEFAULT');
SELECT * FROM pv('ALTER TABLE ONLY p ALTER COLUMN a DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE ONLY p ALTER COLUMN a DROP DEFAULT');
-- PostgreSQL before 15.20 refuses DROP EXPRESSION on a child with
-- children of its own (it recurses without recursion); from 15.20 the
-- expression goes in every table (drop_preview_alter_column_1.out).  ONLY
-- with children is refused by both.
SELECT * FROM pv('ALTER TABLE p ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM vs_core('ALTER TABLE p ALTER COLUMN g DROP EXPRESSION');
DROP TABLE gc;
SELECT * FROM pv('ALTER TABLE p ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM vs_core('ALTER TABLE p ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM pv('ALTER TABLE ONLY p ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM vs_core('ALTER TABLE ONLY p ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM pv('ALTER TABLE c1 ALTER COLUMN g DROP EXPRESSION');
SELECT * FROM vs_core('ALTER TABLE c1 ALTER COLUMN g DROP EXPRESSION');

-- Views have defaults too (ALTER VIEW); a view is not a foreign table.
CREATE VIEW v AS SELECT a, c FROM t;
ALTER VIEW v ALTER COLUMN a SET DEFAULT 3;
SELECT * FROM pv('ALTER VIEW v ALTER COLUMN a DROP DEFAULT');
SELECT * FROM vs_core('ALTER VIEW v ALTER COLUMN a DROP DEFAULT');
SELECT * FROM pv('ALTER VIEW t ALTER COLUMN a DROP DEFAULT');
SELECT * FROM pv('ALTER FOREIGN TABLE t ALTER COLUMN a DROP DEFAULT');
SELECT * FROM pv('ALTER TABLE v ALTER COLUMN a DROP EXPRESSION');
SELECT * FROM vs_core('ALTER TABLE v ALTER COLUMN a DROP EXPRESSION');
SELECT * FROM pv('ALTER TABLE IF EXISTS nope ALTER COLUMN a DROP DEFAULT');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA dpac CASCADE;
RESET client_min_messages;
