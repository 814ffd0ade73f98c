--
-- The oracle of the drop_preview_alter_* tests, created once in schema
-- dp_oracle; each of those tests puts dp_oracle after its own schema in
-- search_path.
--   pv(ddl):       the preview's rows, without OIDs
--   objs():        what a statement can delete in the caller's schema
--   vs_core(stmt): the statement itself, rolled back, against the preview
--
CREATE SCHEMA dp_oracle;
SET search_path = dp_oracle;
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

-- The objects of the current schema (the calling test's) that a statement
-- can delete or rebuild.
CREATE FUNCTION objs()
RETURNS TABLE (classid oid, objid oid, objsubid int)
LANGUAGE sql AS $$
  SELECT 'pg_class'::regclass::oid, c.oid, 0 FROM pg_class c
   WHERE c.relnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'pg_class'::regclass::oid, a.attrelid, a.attnum::int
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace = current_schema()::regnamespace AND a.attnum > 0
     AND NOT a.attisdropped
  UNION ALL
  SELECT 'pg_attrdef'::regclass::oid, d.oid, 0
    FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
   WHERE c.relnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'pg_constraint'::regclass::oid, oid, 0 FROM pg_constraint
   WHERE connamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'pg_statistic_ext'::regclass::oid, oid, 0 FROM pg_statistic_ext
   WHERE stxnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'pg_trigger'::regclass::oid, t.oid, 0
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'pg_rewrite'::regclass::oid, r.oid, 0
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE c.relnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'pg_policy'::regclass::oid, p.oid, 0
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
   WHERE c.relnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT 'pg_type'::regclass::oid, oid, 0 FROM pg_type
   WHERE typnamespace = current_schema()::regnamespace
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

RESET search_path;
