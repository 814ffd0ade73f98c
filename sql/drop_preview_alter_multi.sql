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
SET search_path = dpam, public;
-- pv(ddl): the preview's rows, without OIDs (also in trigger names).
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

-- The objects of schema dpam that a statement can delete or rebuild, with
-- their descriptions (taken while they exist).
CREATE FUNCTION objs()
RETURNS TABLE (classid oid, objid oid, objsubid int)
LANGUAGE sql AS $$
  SELECT 'pg_class'::regclass::oid, c.oid, 0 FROM pg_class c
   WHERE c.relnamespace = 'dpam'::regnamespace
  UNION ALL
  SELECT 'pg_class'::regclass::oid, a.attrelid, a.attnum::int
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = 'dpam'::regnamespace AND a.attnum > 0
     AND NOT a.attisdropped
  UNION ALL
  SELECT 'pg_attrdef'::regclass::oid, d.oid, 0
    FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
   WHERE c.relnamespace = 'dpam'::regnamespace
  UNION ALL
  SELECT 'pg_constraint'::regclass::oid, oid, 0 FROM pg_constraint
   WHERE connamespace = 'dpam'::regnamespace
  UNION ALL
  SELECT 'pg_statistic_ext'::regclass::oid, oid, 0 FROM pg_statistic_ext
   WHERE stxnamespace = 'dpam'::regnamespace
  UNION ALL
  SELECT 'pg_trigger'::regclass::oid, t.oid, 0
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'dpam'::regnamespace
  UNION ALL
  SELECT 'pg_rewrite'::regclass::oid, r.oid, 0
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE c.relnamespace = 'dpam'::regnamespace
  UNION ALL
  SELECT 'pg_policy'::regclass::oid, p.oid, 0
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
   WHERE c.relnamespace = 'dpam'::regnamespace
  UNION ALL
  SELECT 'pg_type'::regclass::oid, oid, 0 FROM pg_type
   WHERE typnamespace = 'dpam'::regnamespace
$$;

-- vs_core(stmt): the statement itself, run in a subtransaction that is
-- rolled back, against the preview.  PostgreSQL's internal deletions
-- (rebuilt indexes, an identity's sequence) are not reported to event
-- triggers, so the oracle is what no longer exists afterwards (a column
-- whose relation is gone too is not counted: the preview leaves it out).
--   outcome: the descriptions of what went, or PostgreSQL's error
--   same:    the preview's rows are exactly those objects, or the preview
--            raised the same SQLSTATE and message, with a detail that
--            begins with PostgreSQL's; when PostgreSQL refuses because
--            dependents need CASCADE (2BP01), assert_drop_safe() must raise
--            that error, with every line of PostgreSQL's detail (alone, or
--            after its subcommand and ": ")
CREATE FUNCTION vs_core(stmt text)
RETURNS TABLE (outcome text, same boolean)
LANGUAGE plpgsql
SET client_min_messages = warning
AS $$
DECLARE
  before_objs text[];
  gone text[];
  gone_desc text;
  preview text[];
  p_state text; p_msg text; p_det text;
  c_state text; c_msg text; c_det text;
BEGIN
  BEGIN
    SELECT coalesce(array_agg(k ORDER BY k), '{}') INTO preview
      FROM (SELECT format('%s/%s/%s', p.classid, p.objid, p.objsubid) AS k
              FROM ri_audit.drop_preview(stmt) p) s;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS p_state = RETURNED_SQLSTATE, p_msg = MESSAGE_TEXT,
                            p_det = PG_EXCEPTION_DETAIL;
  END;
  CREATE TEMP TABLE vs_before ON COMMIT DROP AS
    SELECT o.*, pg_describe_object(o.classid, o.objid, o.objsubid) AS descr
      FROM objs() o;
  BEGIN
    EXECUTE stmt;
    CREATE TEMP TABLE vs_gone ON COMMIT DROP AS
      SELECT b.* FROM vs_before b
       WHERE NOT EXISTS (SELECT FROM objs() o
                          WHERE (o.classid, o.objid, o.objsubid)
                                = (b.classid, b.objid, b.objsubid))
         AND NOT (b.objsubid > 0 AND NOT EXISTS
                  (SELECT FROM objs() o WHERE o.classid = b.classid
                      AND o.objid = b.objid AND o.objsubid = 0));
    SELECT coalesce(array_agg(format('%s/%s/%s', classid, objid, objsubid)
                              ORDER BY format('%s/%s/%s', classid, objid,
                                              objsubid)), '{}'),
           coalesce(string_agg(regexp_replace(descr, '[0-9]{4,}', 'N', 'g'),
                               '; ' ORDER BY descr), '(nothing)')
      INTO gone, gone_desc FROM vs_gone;
    DROP TABLE vs_gone;
    RAISE EXCEPTION USING ERRCODE = 'Z9999', MESSAGE = 'roll back';
  EXCEPTION WHEN OTHERS THEN
    IF SQLSTATE <> 'Z9999' THEN
      GET STACKED DIAGNOSTICS c_state = RETURNED_SQLSTATE,
                              c_msg = MESSAGE_TEXT, c_det = PG_EXCEPTION_DETAIL;
    END IF;
  END;
  DROP TABLE vs_before;
  IF c_state = '2BP01' THEN
    p_state := NULL;
    BEGIN
      PERFORM ri_audit.assert_drop_safe(stmt);
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS p_state = RETURNED_SQLSTATE,
                              p_msg = MESSAGE_TEXT, p_det = PG_EXCEPTION_DETAIL;
    END;
  END IF;
  IF c_state IS NOT NULL THEN
    outcome := format('ERROR %s: %s%s', c_state, c_msg,
                      CASE WHEN c_det <> '' THEN ' / ' || c_det ELSE '' END);
    same := p_state IS NOT DISTINCT FROM c_state AND p_msg = c_msg
            AND CASE WHEN c_state = '2BP01' THEN
                  NOT EXISTS (SELECT FROM regexp_split_to_table(c_det, E'\n') l
                               WHERE l <> '' AND NOT EXISTS
                                     (SELECT FROM regexp_split_to_table(p_det, E'\n') x
                                       WHERE x = l OR x LIKE '%: ' || l))
                ELSE coalesce(p_det, '') LIKE coalesce(c_det, '') || '%' END;
  ELSE
    outcome := gone_desc;
    same := p_state IS NULL AND preview = gone;
  END IF;
  RETURN NEXT;
END
$$;

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
