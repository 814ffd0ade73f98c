/* ri_audit/ri_audit--1.0--1.1.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION ri_audit UPDATE TO '1.1'" to load this file. \quit

-- CREATE EXTENSION ri_audit (version 1.1) runs ri_audit--1.0.sql and then
-- this script, as contrib does: there is no full 1.1 script, so a fresh
-- install and an update from 1.0 run the same statements.  What differs is
-- what a database at 1.0 holds before the update: its users' grants on the
-- extension's objects, and their objects that depend on them.  This script
-- keeps both (t/040_upgrade.pl proves it); sql/extension_members.sql shows
-- the definition of every member of the current version.
--
-- Conventions are those of ri_audit--1.0.sql: schema-qualified names, plain
-- CREATE, REVOKE ALL ... FROM PUBLIC on every function that reveals row
-- data or changes constraints, operators written OPERATOR(pg_catalog.x).
--
-- A function whose parameter names or argument types change cannot be
-- altered in place (CREATE OR REPLACE refuses to rename a parameter).  Such
-- a function is replaced in five steps, so that neither the new function's
-- privileges nor its users' grants are lost:
--   1. ALTER FUNCTION ... RENAME the old one out of the way;
--   2. CREATE FUNCTION the new one, COMMENT, REVOKE / GRANT as a fresh install
--      of this version would;
--   3. upgrade_carry_privileges(old, new) replays the grants and revokes that
--      the database's users made on the old function since it was installed;
--   4. DROP FUNCTION the old one (this fails, and so the whole update, when a
--      user's object depends on it: nothing is dropped silently);
--   5. at the end of the script, DROP the helper.
-- A view keeps its privileges and dependents when it is changed with ALTER
-- VIEW ... RENAME COLUMN or CREATE OR REPLACE VIEW (columns appended only).

--
-- upgrade_carry_privileges(old_function, new_function): the users' changes
-- to old_function's privileges, applied to new_function.
--
-- A member's initial privileges (pg_init_privs) are what the extension's
-- scripts granted; pg_dump dumps only the difference between them and the
-- current ACL.  The difference on old_function (grants added by users,
-- grants of the script that users revoked) is replayed on new_function, as
-- its grantor where that is not the owner, and new_function's initial
-- privileges are then set back to what this script granted, so that pg_dump
-- still dumps the users' grants.  Exists only while this script runs.
--
CREATE FUNCTION @extschema@.upgrade_carry_privileges(
	old_function pg_catalog.regprocedure,
	new_function pg_catalog.regprocedure)
RETURNS pg_catalog.void
LANGUAGE plpgsql VOLATILE PARALLEL UNSAFE
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
	script_privs pg_catalog.aclitem[];
	me pg_catalog.text;
	change record;
BEGIN
	SELECT pg_catalog.quote_ident(current_user) INTO me;

	-- What this script itself granted on new_function (no row: the default).
	SELECT ip.initprivs INTO script_privs
	  FROM pg_catalog.pg_init_privs ip
	 WHERE ip.objoid OPERATOR(pg_catalog.=) new_function
	   AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
	   AND ip.objsubid OPERATOR(pg_catalog.=) 0;

	FOR change IN
		WITH old AS (
			SELECT p.proowner,
				   COALESCE(p.proacl, pg_catalog.acldefault('f', p.proowner)) AS acl,
				   COALESCE(
					   (SELECT ip.initprivs
						  FROM pg_catalog.pg_init_privs ip
						 WHERE ip.objoid OPERATOR(pg_catalog.=) p.oid
						   AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
						   AND ip.objsubid OPERATOR(pg_catalog.=) 0),
					   pg_catalog.acldefault('f', p.proowner)) AS init
			  FROM pg_catalog.pg_proc p
			 WHERE p.oid OPERATOR(pg_catalog.=) old_function
		),
		now_acl AS (
			SELECT a.grantor, a.grantee, a.privilege_type, a.is_grantable, a.ord
			  FROM old, pg_catalog.aclexplode(old.acl) WITH ORDINALITY AS a(grantor, grantee, privilege_type, is_grantable, ord)
		),
		init_acl AS (
			SELECT a.grantor, a.grantee, a.privilege_type, a.is_grantable, a.ord
			  FROM old, pg_catalog.aclexplode(old.init) WITH ORDINALITY AS a(grantor, grantee, privilege_type, is_grantable, ord)
		)
		SELECT 'GRANT' AS action, 1 AS pass, n.ord, n.grantor, n.grantee,
			   n.privilege_type, n.is_grantable,
			   n.grantor OPERATOR(pg_catalog.=) old.proowner AS by_owner
		  FROM now_acl n, old
		 WHERE NOT EXISTS (SELECT 1 FROM init_acl i
							WHERE i.grantor OPERATOR(pg_catalog.=) n.grantor
							  AND i.grantee OPERATOR(pg_catalog.=) n.grantee
							  AND i.privilege_type OPERATOR(pg_catalog.=) n.privilege_type
							  AND i.is_grantable OPERATOR(pg_catalog.=) n.is_grantable)
		UNION ALL
		SELECT 'REVOKE', 2, i.ord, i.grantor, i.grantee,
			   i.privilege_type, i.is_grantable,
			   i.grantor OPERATOR(pg_catalog.=) old.proowner
		  FROM init_acl i, old
		 WHERE NOT EXISTS (SELECT 1 FROM now_acl n
							WHERE n.grantor OPERATOR(pg_catalog.=) i.grantor
							  AND n.grantee OPERATOR(pg_catalog.=) i.grantee
							  AND n.privilege_type OPERATOR(pg_catalog.=) i.privilege_type
							  AND n.is_grantable OPERATOR(pg_catalog.=) i.is_grantable)
		 ORDER BY pass, ord
	LOOP
		-- A grant made by a role other than the owner (one holding the grant
		-- option) is replayed as that role, so that it keeps its grantor.
		IF NOT change.by_owner THEN
			EXECUTE pg_catalog.format('SET ROLE %s',
									  change.grantor::pg_catalog.regrole::pg_catalog.text);
		END IF;
		EXECUTE pg_catalog.format('%s %s ON FUNCTION %s %s %s%s',
			change.action,
			change.privilege_type,
			new_function::pg_catalog.text,
			CASE WHEN change.action OPERATOR(pg_catalog.=) 'GRANT' THEN 'TO' ELSE 'FROM' END,
			CASE WHEN change.grantee OPERATOR(pg_catalog.=) 0::pg_catalog.oid THEN 'PUBLIC'
				 ELSE change.grantee::pg_catalog.regrole::pg_catalog.text END,
			CASE WHEN change.action OPERATOR(pg_catalog.=) 'GRANT' AND change.is_grantable
				 THEN ' WITH GRANT OPTION' ELSE '' END);
		IF NOT change.by_owner THEN
			EXECUTE pg_catalog.format('SET ROLE %s', me);
		END IF;
	END LOOP;

	-- The replayed GRANTs ran inside an extension script, which records
	-- them as initial privileges: put back this script's own.
	IF script_privs IS NULL THEN
		DELETE FROM pg_catalog.pg_init_privs ip
		 WHERE ip.objoid OPERATOR(pg_catalog.=) new_function
		   AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
		   AND ip.objsubid OPERATOR(pg_catalog.=) 0;
	ELSE
		UPDATE pg_catalog.pg_init_privs ip
		   SET initprivs = script_privs
		 WHERE ip.objoid OPERATOR(pg_catalog.=) new_function
		   AND ip.classoid OPERATOR(pg_catalog.=) 'pg_catalog.pg_proc'::pg_catalog.regclass
		   AND ip.objsubid OPERATOR(pg_catalog.=) 0;
	END IF;
END
$$;

REVOKE ALL ON FUNCTION @extschema@.upgrade_carry_privileges(pg_catalog.regprocedure, pg_catalog.regprocedure)
	FROM PUBLIC;

--
-- ri_audit.foreign_keys: the column "deferrable" is a reserved word (WHERE
-- deferrable is a syntax error); it becomes is_deferrable, the name
-- information_schema uses.  Renamed in place: grants, comments and the views
-- built on foreign_keys (unindexed_foreign_keys, users' own) stay.
--
ALTER VIEW @extschema@.foreign_keys RENAME COLUMN "deferrable" TO is_deferrable;

--
-- ri_audit.unindexed_foreign_keys(exclude regclass[] DEFAULT NULL)
--
-- The rows of the view unindexed_foreign_keys except those of the tables in
-- exclude, and of their partitions: tables whose keys are knowingly left
-- without an index.  NULL or an empty array excludes nothing.  A function
-- beside the view of the same name (functions and relations have separate
-- names), so the lint is one call; reads only catalogs, so EXECUTE stays
-- granted to PUBLIC like the view's SELECT.
--
CREATE FUNCTION @extschema@.unindexed_foreign_keys(
	exclude pg_catalog.regclass[] DEFAULT NULL)
RETURNS SETOF @extschema@.unindexed_foreign_keys
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
	SELECT u.*
	  FROM @extschema@.unindexed_foreign_keys u
	 WHERE NOT EXISTS (
		   SELECT 1
			 FROM pg_catalog.unnest($1) AS x(rel)
			WHERE x.rel::pg_catalog.oid OPERATOR(pg_catalog.=) u.table_name::pg_catalog.oid
			   OR x.rel::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (
				  ARRAY(SELECT a.relid::pg_catalog.oid
						  FROM pg_catalog.pg_partition_ancestors(u.table_name) AS a(relid))));
END;

COMMENT ON FUNCTION @extschema@.unindexed_foreign_keys(pg_catalog.regclass[]) IS
'unindexed_foreign_keys without the keys of the excluded tables and their partitions';

--
-- ri_audit.foreign_key_graph(tables, format, depth): the graph as Graphviz
-- DOT ('dot') or a Mermaid erDiagram ('mermaid'), limited to the tables
-- within depth foreign key hops of the given ones.  Replaces
-- foreign_key_graph(tables); the C function serves both definitions.  Reads
-- only catalogs, so EXECUTE stays granted to PUBLIC.
--
ALTER FUNCTION @extschema@.foreign_key_graph(pg_catalog.regclass[])
	RENAME TO foreign_key_graph_1_0;

CREATE FUNCTION @extschema@.foreign_key_graph(
	tables pg_catalog.regclass[] DEFAULT NULL,
	format pg_catalog.text DEFAULT 'dot',
	depth pg_catalog.int4 DEFAULT NULL)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'ri_audit_foreign_key_graph'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.foreign_key_graph(pg_catalog.regclass[], pg_catalog.text, pg_catalog.int4) IS
'the foreign key graph as Graphviz DOT or a Mermaid erDiagram';

SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.foreign_key_graph_1_0(pg_catalog.regclass[])',
	'@extschema@.foreign_key_graph(pg_catalog.regclass[], pg_catalog.text, pg_catalog.int4)');

DROP FUNCTION @extschema@.foreign_key_graph_1_0(pg_catalog.regclass[]);

--
-- ri_audit.validate(con, dry_run, lock_timeout): the parameter is named con,
-- as it names a constraint.  Same C function, same result columns.
--
ALTER FUNCTION @extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)
	RENAME TO validate_1_0;

CREATE FUNCTION @extschema@.validate(con pg_catalog.oid,
									 dry_run pg_catalog.bool DEFAULT true,
									 lock_timeout pg_catalog.interval DEFAULT '5s')
RETURNS TABLE (fk pg_catalog.oid, fk_name pg_catalog.name,
			   table_name pg_catalog.regclass, status pg_catalog.text,
			   orphan_count pg_catalog.int8)
AS 'MODULE_PATHNAME', 'ri_audit_validate'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval) IS
'check a NOT VALID foreign key for orphans and validate it when clean';

REVOKE ALL ON FUNCTION @extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)
	FROM PUBLIC;

SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.validate_1_0(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)',
	'@extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)');

DROP FUNCTION @extschema@.validate_1_0(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval);

--
-- ri_audit.assert_drop_safe(ddl, allow): allow lists the dependents that
-- are expected to go, by pg_identify_object() identity; only the others
-- make the statement unsafe.  Not STRICT: a NULL allow allows nothing (a
-- STRICT function would return without checking), a NULL ddl is an error.
-- Replaces assert_drop_safe(ddl); the C function serves both definitions.
-- Catalog facts only, so every role may call it.
--
ALTER FUNCTION @extschema@.assert_drop_safe(pg_catalog.text)
	RENAME TO assert_drop_safe_1_0;

CREATE FUNCTION @extschema@.assert_drop_safe(ddl pg_catalog.text,
											 allow pg_catalog.text[] DEFAULT NULL)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'ri_audit_assert_drop_safe'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.assert_drop_safe(pg_catalog.text, pg_catalog.text[]) IS
'raise 2BP01 if the DROP statement would need CASCADE for a dependent not in allow';

REVOKE ALL ON FUNCTION @extschema@.assert_drop_safe(pg_catalog.text, pg_catalog.text[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.assert_drop_safe(pg_catalog.text, pg_catalog.text[]) TO PUBLIC;

SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.assert_drop_safe_1_0(pg_catalog.text)',
	'@extschema@.assert_drop_safe(pg_catalog.text, pg_catalog.text[])');

DROP FUNCTION @extschema@.assert_drop_safe_1_0(pg_catalog.text);

-- The helper is not part of the extension.
DROP FUNCTION @extschema@.upgrade_carry_privileges(pg_catalog.regprocedure, pg_catalog.regprocedure);
