--
-- The installed extension, from the catalog side: how each function is
-- labelled and who may run it.  (The install script's text is checked by
-- t/033_install_script.pl.)
--
-- Functions that only read catalogs (drop_preview, assert_drop_safe,
-- load_order, foreign_key_graph, unindexed_foreign_keys, report,
-- report_json) may be run by
-- everyone; every other function reads or changes table data and must not
-- be executable by PUBLIC.
--
CREATE TEMP VIEW members AS
SELECT p.oid, p.proname, p.oid::regprocedure::text AS signature,
       p.proparallel, p.provolatile, p.proisstrict, p.prosecdef,
       (SELECT lanname FROM pg_language WHERE oid = p.prolang)::text AS language, p.proconfig,
       p.prosqlbody IS NOT NULL AS atomic_body,
       p.pronamespace::regnamespace::text AS schema
  FROM pg_proc p
  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
   AND d.deptype = 'e';

-- The whole picture, for review: parallel label, volatility, strictness and
-- whether PUBLIC may execute.
SELECT signature, proparallel AS parallel, provolatile AS volatility,
       proisstrict AS strict,
       has_function_privilege('public', oid, 'EXECUTE') AS public_execute
  FROM members ORDER BY signature;

-- Rule 1: validate and validate_all run ALTER TABLE: PARALLEL UNSAFE and
-- VOLATILE.  Every other function only reads: PARALLEL RESTRICTED or SAFE
-- (RESTRICTED when it reads tables, which may be the session's temporary
-- ones).  Rows listed here break the rule.
SELECT signature, proparallel
  FROM members
 WHERE CASE WHEN proname IN ('validate', 'validate_all')
            THEN proparallel <> 'u' OR provolatile <> 'v'
            ELSE proparallel NOT IN ('r', 's') END;

-- Rule 2: no function that reads table rows is executable by PUBLIC.
SELECT signature
  FROM members
 WHERE proname NOT IN ('drop_preview', 'assert_drop_safe', 'load_order',
                       'foreign_key_graph', 'unindexed_foreign_keys',
                       'report', 'report_json',
                       'recreate_script', 'migration_script',
                       'assert_all_valid')
   AND has_function_privilege('public', oid, 'EXECUTE');

-- Rule 3: every function runs as its caller.
SELECT signature FROM members WHERE prosecdef;

-- Rule 4: SQL and PL/pgSQL functions do not depend on the caller's
-- search_path: a BEGIN ATOMIC body (bound at creation) or a pinned
-- search_path.
SELECT signature
  FROM members
 WHERE language IN ('sql', 'plpgsql')
   AND NOT atomic_body
   AND NOT coalesce(proconfig::text LIKE '%search_path=%', false);

-- Rule 5: everything lives in the extension's schema.
SELECT pg_describe_object(classid, objid, objsubid) AS member
  FROM pg_depend d
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
   AND deptype = 'e'
   AND (pg_identify_object(classid, objid, objsubid)).schema <> 'ri_audit';

-- Relations (views) of the extension: who may read them.  orphan_summary
-- shows key values, so PUBLIC must not; foreign_keys and
-- unindexed_foreign_keys show catalog facts.
SELECT c.relname, c.relkind,
       has_table_privilege('public', c.oid, 'SELECT') AS public_select
  FROM pg_class c
  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
   AND d.deptype = 'e'
 ORDER BY c.relname;

-- The extension is not trusted: only a superuser may create or update it,
-- at any version.
SELECT version, trusted, superuser FROM pg_available_extension_versions
 WHERE name = 'ri_audit' ORDER BY version;
