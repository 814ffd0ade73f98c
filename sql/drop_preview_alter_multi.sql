--
-- ri_audit.drop_preview / assert_drop_safe: ALTER TABLE with several
-- subcommands.  PostgreSQL runs them in passes: every DROP subcommand
-- first (in the statement's order), then every ALTER COLUMN TYPE with what
-- it rebuilds, then the passes that add and change objects, which cannot
-- change what the first two delete; the rows follow that order.
-- assert_drop_safe() lists the blockers of every subcommand (PostgreSQL
-- stops at the first), each line after its subcommand.  vs_core() runs each
-- statement in a subtransaction that is rolled back and compares what no
-- longer exists afterwards with the preview's rows.
--
SET client_min_messages = notice;
CREATE SCHEMA dpam;
SET search_path = dpam, dp_oracle, public;
-- From PostgreSQL's regression scripts: a constraint replaced by one
-- using another index.
CREATE TABLE cwi_test (a int UNIQUE, b int);
CREATE UNIQUE INDEX cwi_uniq2_idx ON cwi_test (b, a);
ALTER TABLE cwi_test ALTER COLUMN b SET NOT NULL;
SELECT * FROM pv('ALTER TABLE cwi_test DROP CONSTRAINT cwi_test_a_key, ADD CONSTRAINT cwi_replaced_pkey PRIMARY KEY USING INDEX cwi_uniq2_idx');
SELECT * FROM vs_core('ALTER TABLE cwi_test DROP CONSTRAINT cwi_test_a_key, ADD CONSTRAINT cwi_replaced_pkey PRIMARY KEY USING INDEX cwi_uniq2_idx');

-- ALTER TYPE next to DROP COLUMN: the DROP runs first, whatever the order
-- in the statement.
CREATE TABLE another (f1 int, f2 text, f3 text);
CREATE INDEX another_f1 ON another (f1);
CREATE INDEX another_f3 ON another (f3);
SELECT * FROM pv($$ALTER TABLE another ALTER f1 TYPE text USING f2 || ' and ' || f3, ALTER f2 TYPE bigint USING f1 * 10, DROP COLUMN f3$$);
SELECT * FROM vs_core($$ALTER TABLE another ALTER f1 TYPE text USING f2 || ' and ' || f3, ALTER f2 TYPE bigint USING f1 * 10, DROP COLUMN f3$$);

-- A generated column replaced (gtest27).
CREATE TABLE gtest27 (a int, b int, x int GENERATED ALWAYS AS ((a + b) * 2) STORED);
CREATE INDEX gtest27_a ON gtest27 (a);
SELECT * FROM pv('ALTER TABLE gtest27 DROP COLUMN x, ALTER COLUMN a TYPE bigint, ALTER COLUMN b TYPE bigint, ADD COLUMN x bigint GENERATED ALWAYS AS ((a + b) * 2) STORED');
SELECT * FROM vs_core('ALTER TABLE gtest27 DROP COLUMN x, ALTER COLUMN a TYPE bigint, ALTER COLUMN b TYPE bigint, ADD COLUMN x bigint GENERATED ALWAYS AS ((a + b) * 2) STORED');

-- SET DEFAULT next to DROP DEFAULT: DROP DEFAULT runs in the DROP pass,
-- SET DEFAULT later; SET DEFAULT replaces a default (PostgreSQL drops the
-- old one internally: 'rebuilt').
CREATE TABLE d (a int DEFAULT 1, b int DEFAULT 2, c int);
SELECT * FROM pv('ALTER TABLE d ALTER COLUMN b SET DEFAULT 5');
SELECT * FROM vs_core('ALTER TABLE d ALTER COLUMN b SET DEFAULT 5');
SELECT * FROM pv('ALTER TABLE d ALTER COLUMN a DROP DEFAULT, ALTER COLUMN c SET DEFAULT 3');
SELECT * FROM vs_core('ALTER TABLE d ALTER COLUMN a DROP DEFAULT, ALTER COLUMN c SET DEFAULT 3');
SELECT * FROM pv('ALTER TABLE d ALTER COLUMN a SET DEFAULT 4, ALTER COLUMN a DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE d ALTER COLUMN a SET DEFAULT 4, ALTER COLUMN a DROP DEFAULT');
SELECT * FROM pv('ALTER TABLE d ALTER COLUMN a DROP DEFAULT, ALTER COLUMN a DROP DEFAULT');
SELECT * FROM pv('ALTER TABLE d DROP COLUMN a, ALTER COLUMN a DROP DEFAULT');
SELECT * FROM vs_core('ALTER TABLE d DROP COLUMN a, ALTER COLUMN a DROP DEFAULT');
-- A column dropped and added again.
SELECT * FROM pv('ALTER TABLE d DROP b, ADD b char');
SELECT * FROM vs_core('ALTER TABLE d DROP b, ADD b char');
-- Subcommands that drop nothing: no rows (they are not checked).
SELECT * FROM pv('ALTER TABLE d ADD COLUMN e int, ALTER COLUMN c SET NOT NULL, OWNER TO CURRENT_USER');

-- assert_drop_safe(): every subcommand's dependents, each line after its
-- subcommand when there are several; PostgreSQL's message is that of the
-- first deletion that fails.
CREATE TABLE s (a int, b int, c int);
CREATE VIEW s_a AS SELECT a FROM s;
CREATE VIEW s_b AS SELECT b FROM s;
CREATE VIEW s_c AS SELECT c FROM s;
SELECT ri_audit.assert_drop_safe('ALTER TABLE s DROP COLUMN a, DROP COLUMN b');
SELECT * FROM vs_core('ALTER TABLE s DROP COLUMN a, DROP COLUMN b');
SELECT ri_audit.assert_drop_safe('ALTER TABLE s DROP COLUMN a, ALTER COLUMN c TYPE bigint');
SELECT * FROM vs_core('ALTER TABLE s DROP COLUMN a, ALTER COLUMN c TYPE bigint');
SELECT ri_audit.assert_drop_safe('ALTER TABLE s ALTER COLUMN c TYPE bigint, DROP COLUMN a CASCADE');
SELECT ri_audit.assert_drop_safe('ALTER TABLE s DROP COLUMN a, DROP COLUMN b', ARRAY['dpam.s_a']);
SELECT ri_audit.assert_drop_safe('ALTER TABLE s DROP COLUMN a, DROP COLUMN b', ARRAY['dpam.s_a', 'dpam.s_b']);

-- ATTACH / DETACH PARTITION and ADD FOREIGN KEY on a partitioned table
-- (drop_preview_alter_partition.sql has their cases): without foreign keys
-- or cloned triggers they drop nothing; next to ALTER COLUMN TYPE, ADD
-- FOREIGN KEY on a partitioned table is refused, named.
CREATE TABLE pt (k int, r int) PARTITION BY LIST (k);
CREATE TABLE pt1 (k int, r int);
SELECT * FROM pv('ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES IN (1)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES IN (1)');
ALTER TABLE pt ATTACH PARTITION pt1 FOR VALUES IN (1);
SELECT * FROM pv('ALTER TABLE pt DETACH PARTITION pt1');
SELECT * FROM vs_core('ALTER TABLE pt DETACH PARTITION pt1');
SELECT * FROM vs_core('ALTER TABLE pt ADD FOREIGN KEY (r) REFERENCES s (a)');
SELECT * FROM vs_core('ALTER TABLE pt ADD COLUMN q int REFERENCES s (a), DROP COLUMN r');
SELECT * FROM pv('ALTER TABLE pt ALTER COLUMN r TYPE bigint, ADD FOREIGN KEY (r) REFERENCES s (a)');
SELECT * FROM pv('ALTER TABLE pt ADD COLUMN q int, DROP COLUMN r');
SELECT * FROM vs_core('ALTER TABLE pt ADD COLUMN q int, DROP COLUMN r');
SELECT * FROM pv('ALTER INDEX cwi_uniq2_idx SET (fillfactor = 50)');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA dpam CASCADE;
RESET client_min_messages;
