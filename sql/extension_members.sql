--
-- The definition of every member of the installed version, as the catalogs
-- hold it: what CREATE EXTENSION ri_audit gives (the base script and the
-- upgrade scripts after it).  Any change to an install or upgrade script
-- shows here; t/040_upgrade.pl proves that updating a database from each
-- older version gives the same definitions.
--
-- Privileges are shown with the owner written "owner", so the output does
-- not depend on the installing role's name.
--
CREATE TEMP VIEW ext_members AS
SELECT d.classid, d.objid, d.objsubid,
       pg_describe_object(d.classid, d.objid, d.objsubid) AS member
  FROM pg_depend d
 WHERE d.refclassid = 'pg_extension'::regclass
   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
   AND d.deptype = 'e';

-- The ACL in PostgreSQL's notation (r: SELECT, X: EXECUTE, ...), with the
-- owner's name written "owner".
CREATE TEMP VIEW ext_privs AS
SELECT m.member,
       regexp_replace(o.acl::text,
                      '(^|[{,=/])' || o.owner::regrole::text || '(?=[=/,}])',
                      '\1owner', 'g') AS privileges
  FROM ext_members m
  JOIN (SELECT p.oid, 'pg_proc'::regclass AS classid,
               coalesce(p.proacl, acldefault('f', p.proowner)) AS acl,
               p.proowner AS owner
          FROM pg_proc p
        UNION ALL
        SELECT c.oid, 'pg_class'::regclass,
               coalesce(c.relacl, acldefault('r', c.relowner)), c.relowner
          FROM pg_class c) o
    ON o.classid = m.classid AND o.oid = m.objid;

-- Every member with its comment and privileges.
SELECT m.member, obj_description(m.objid, m.classid::regclass::name) AS comment,
       p.privileges
  FROM ext_members m
  LEFT JOIN ext_privs p USING (member)
 ORDER BY m.member COLLATE "C";

-- Definitions are multi-line: unaligned output keeps them readable.
\pset format unaligned

-- Functions: the whole definition (arguments, defaults, results, language,
-- labels, C symbol).
SELECT pg_get_functiondef(m.objid) AS definition
  FROM ext_members m
 WHERE m.classid = 'pg_proc'::regclass
 ORDER BY m.objid::regprocedure::text COLLATE "C";

-- Views: columns (name, type) and the query.
SELECT m.member, a.attnum, a.attname, format_type(a.atttypid, a.atttypmod) AS type
  FROM ext_members m
  JOIN pg_attribute a ON a.attrelid = m.objid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE m.classid = 'pg_class'::regclass
 ORDER BY m.member COLLATE "C", a.attnum;

SELECT m.member, pg_get_viewdef(m.objid) AS query
  FROM ext_members m
 WHERE m.classid = 'pg_class'::regclass
 ORDER BY m.member COLLATE "C";

\pset format aligned

-- The version installed, and the update paths the scripts provide.
SELECT extversion FROM pg_extension WHERE extname = 'ri_audit';
SELECT source, target, path FROM pg_extension_update_paths('ri_audit')
 WHERE path IS NOT NULL ORDER BY source, target;

DROP VIEW ext_privs;
DROP VIEW ext_members;
