--
-- ri_audit.drop_preview / assert_drop_safe: ALTER TABLE ... ALTER COLUMN
-- ... DROP DEFAULT, DROP IDENTITY [IF EXISTS], DROP EXPRESSION, with the
-- recursion into inheritance children and the commands' own errors.
-- vs_core() runs each statement in a subtransaction that is rolled back and
-- compares what no longer exists afterwards with the preview's rows.
--
SET client_min_messages = notice;
CREATE SCHEMA dpac;
SET search_path = dpac, public;
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

-- The objects of schema dpac that a statement can delete or rebuild, with
-- their descriptions (taken while they exist).
CREATE FUNCTION objs()
RETURNS TABLE (classid oid, objid oid, objsubid int)
LANGUAGE sql AS $$
  SELECT 'pg_class'::regclass::oid, c.oid, 0 FROM pg_class c
   WHERE c.relnamespace = 'dpac'::regnamespace
  UNION ALL
  SELECT 'pg_class'::regclass::oid, a.attrelid, a.attnum::int
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = 'dpac'::regnamespace AND a.attnum > 0
     AND NOT a.attisdropped
  UNION ALL
  SELECT 'pg_attrdef'::regclass::oid, d.oid, 0
    FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
   WHERE c.relnamespace = 'dpac'::regnamespace
  UNION ALL
  SELECT 'pg_constraint'::regclass::oid, oid, 0 FROM pg_constraint
   WHERE connamespace = 'dpac'::regnamespace
  UNION ALL
  SELECT 'pg_statistic_ext'::regclass::oid, oid, 0 FROM pg_statistic_ext
   WHERE stxnamespace = 'dpac'::regnamespace
  UNION ALL
  SELECT 'pg_trigger'::regclass::oid, t.oid, 0
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'dpac'::regnamespace
  UNION ALL
  SELECT 'pg_rewrite'::regclass::oid, r.oid, 0
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE c.relnamespace = 'dpac'::regnamespace
  UNION ALL
  SELECT 'pg_policy'::regclass::oid, p.oid, 0
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
   WHERE c.relnamespace = 'dpac'::regnamespace
  UNION ALL
  SELECT 'pg_type'::regclass::oid, oid, 0 FROM pg_type
   WHERE typnamespace = 'dpac'::regnamespace
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
