--
-- ri_audit.drop_preview / assert_drop_safe: ALTER TABLE ... ALTER COLUMN
-- ... [SET DATA] TYPE.  PostgreSQL drops and creates again the indexes,
-- constraints and statistics objects that use the column (rows with
-- dependency 'rebuilt', and the column's default), and refuses when a
-- view, rule, trigger, policy, function or generated column uses it: then
-- the preview raises PostgreSQL's error, with a detail that lists every
-- such blocker, PostgreSQL's own line first.  vs_core() runs each statement
-- in a subtransaction that is rolled back and compares what no longer
-- exists afterwards with the preview's rows.
--
SET client_min_messages = notice;
CREATE SCHEMA dpat;
SET search_path = dpat, dp_oracle, public;
CREATE TABLE pk (id int PRIMARY KEY, code int UNIQUE, note text DEFAULT 'n');
CREATE TABLE fk (id int PRIMARY KEY, pk_id int REFERENCES pk,
                 code int CHECK (code > 0), other int);
CREATE INDEX fk_code ON fk (code);
CREATE INDEX fk_code_other ON fk (code, other);
CREATE INDEX fk_other_part ON fk (other) WHERE code > 1;
CREATE STATISTICS fk_stats ON code, other FROM fk;

-- The column's indexes, constraints and statistics go and come back; the
-- index of a constraint goes with it ('internal').
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN code TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN code TYPE bigint');
SELECT ri_audit.assert_drop_safe('ALTER TABLE fk ALTER COLUMN code TYPE bigint');
-- A referenced key: the foreign key of the other table is rebuilt too.
SELECT * FROM pv('ALTER TABLE pk ALTER COLUMN id SET DATA TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE pk ALTER COLUMN id SET DATA TYPE bigint');
-- A default is dropped and stored again.
SELECT * FROM pv('ALTER TABLE pk ALTER COLUMN note TYPE varchar(10)');
SELECT * FROM vs_core('ALTER TABLE pk ALTER COLUMN note TYPE varchar(10)');
-- The same type again: PostgreSQL still rebuilds what uses the column.
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN id TYPE int');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN id TYPE int');
-- The same column twice: PostgreSQL refuses only when the first changed
-- its type.
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN code TYPE bigint, ALTER COLUMN code TYPE int');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN code TYPE bigint, ALTER COLUMN code TYPE int');
-- Two columns of one table: each object once.
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN code TYPE bigint, ALTER COLUMN other TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN code TYPE bigint, ALTER COLUMN other TYPE bigint');

-- PostgreSQL's errors before anything is dropped.
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN code TYPE point');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN code TYPE point');
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN nope TYPE int');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN nope TYPE int');
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN xmin TYPE int');
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN code TYPE no_such_type');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN code TYPE no_such_type');
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN code TYPE int, ALTER COLUMN code TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN code TYPE int, ALTER COLUMN code TYPE bigint');
-- USING is not parsed by the preview: the rows are the same.
SELECT * FROM pv('ALTER TABLE fk ALTER COLUMN other TYPE text USING other::text');
SELECT * FROM vs_core('ALTER TABLE fk ALTER COLUMN other TYPE text USING other::text');
CREATE TABLE d (t text DEFAULT 'abc');
SELECT * FROM pv('ALTER TABLE d ALTER COLUMN t TYPE int USING 1');
SELECT * FROM vs_core('ALTER TABLE d ALTER COLUMN t TYPE int USING 1');

-- Blockers: a view, a rule, a trigger, a policy, a generated column.
CREATE TABLE b (x int, y int, z int GENERATED ALWAYS AS (y * 2) STORED);
CREATE VIEW bv1 AS SELECT x FROM b;
CREATE VIEW bv2 AS SELECT x + 1 AS x1 FROM b;
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN x TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN x TYPE bigint');
SELECT ri_audit.assert_drop_safe('ALTER TABLE b ALTER COLUMN x TYPE bigint');
CREATE FUNCTION bt() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER b_trg BEFORE UPDATE OF y ON b FOR EACH ROW EXECUTE FUNCTION bt();
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN y TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN y TYPE bigint');
DROP TRIGGER b_trg ON b;
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN y TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN y TYPE bigint');
-- The generated column itself can change type: its expression is rebuilt.
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN z TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN z TYPE bigint');
CREATE POLICY b_pol ON b USING (z > 0);
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN z TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN z TYPE bigint');
-- Blockers of two subcommands: PostgreSQL stops at the first, the detail
-- lists both.
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN x TYPE bigint, ALTER COLUMN z TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN x TYPE bigint, ALTER COLUMN z TYPE bigint');
SELECT ri_audit.assert_drop_safe('ALTER TABLE b ALTER COLUMN x TYPE bigint, ALTER COLUMN z TYPE bigint');
-- A blocker dropped in the same statement: the DROP pass runs first.
DROP POLICY b_pol ON b;
CREATE VIEW bv3 AS SELECT x, z FROM b;
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN z TYPE bigint');
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN z TYPE bigint, DROP COLUMN x CASCADE');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN z TYPE bigint, DROP COLUMN x CASCADE');
SELECT ri_audit.assert_drop_safe('ALTER TABLE b ALTER COLUMN z TYPE bigint, DROP COLUMN x');
-- A column the DROP pass removed is gone for ALTER TYPE.
SELECT * FROM pv('ALTER TABLE b ALTER COLUMN x TYPE bigint, DROP COLUMN x CASCADE');
SELECT * FROM vs_core('ALTER TABLE b ALTER COLUMN x TYPE bigint, DROP COLUMN x CASCADE');

-- Inheritance: every descendant's column changes, and what uses it is
-- rebuilt; ONLY is refused with children.
CREATE TABLE ip (a int, b int);
CREATE INDEX ip_a ON ip (a);
CREATE TABLE ic (c int) INHERITS (ip);
CREATE INDEX ic_a ON ic (a);
SELECT * FROM pv('ALTER TABLE ip ALTER COLUMN a TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE ip ALTER COLUMN a TYPE bigint');
SELECT * FROM pv('ALTER TABLE ONLY ip ALTER COLUMN a TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE ONLY ip ALTER COLUMN a TYPE bigint');
SELECT * FROM pv('ALTER TABLE ic ALTER COLUMN a TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE ic ALTER COLUMN a TYPE bigint');
-- Partitions: the partitioned index and each partition's.
CREATE TABLE pp (k int, v int) PARTITION BY RANGE (k);
CREATE TABLE pp1 PARTITION OF pp FOR VALUES FROM (0) TO (10);
CREATE INDEX pp_v ON pp (v);
SELECT * FROM pv('ALTER TABLE pp ALTER COLUMN v TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE pp ALTER COLUMN v TYPE bigint');
SELECT * FROM pv('ALTER TABLE pp ALTER COLUMN k TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE pp ALTER COLUMN k TYPE bigint');

-- Composite types: ALTER TYPE ... ALTER ATTRIBUTE ... TYPE, with the typed
-- tables under CASCADE.
CREATE TYPE ct AS (f1 int, f2 text);
CREATE TABLE tt OF ct;
CREATE INDEX tt_f1 ON tt (f1);
SELECT * FROM pv('ALTER TYPE ct ALTER ATTRIBUTE f1 TYPE bigint CASCADE');
SELECT * FROM vs_core('ALTER TYPE ct ALTER ATTRIBUTE f1 TYPE bigint CASCADE');
SELECT * FROM pv('ALTER TYPE ct ALTER ATTRIBUTE f1 TYPE bigint');
SELECT * FROM vs_core('ALTER TYPE ct ALTER ATTRIBUTE f1 TYPE bigint');
SELECT ri_audit.assert_drop_safe('ALTER TYPE ct ALTER ATTRIBUTE f1 TYPE bigint');
SELECT * FROM pv('ALTER TABLE tt ALTER COLUMN f1 TYPE bigint');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA dpat CASCADE;
RESET client_min_messages;
