/* ri_audit/ri_audit--1.1--1.2.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION ri_audit UPDATE TO '1.2'" to load this file. \quit

-- CREATE EXTENSION ri_audit (version 1.2) runs ri_audit--1.0.sql,
-- ri_audit--1.0--1.1.sql and then this script, as contrib does; an update
-- from 1.0 or 1.1 runs the same statements.  Conventions, and the way a
-- function whose parameters or result columns change is replaced without
-- losing its users' grants, are those of ri_audit--1.0--1.1.sql: each
-- released script stays as it was released, so the helper below is that
-- script's, defined again for this one.
--
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
-- ri_audit.drop_preview(ddl): the columns in reading order: position,
-- description, depends_on, dependency, requires_cascade, then the
-- identifiers (object_type, object_identity, classid, objid, objsubid).
-- The C function places its values by column name, so it serves 1.1's
-- declaration too.
--
ALTER FUNCTION @extschema@.drop_preview(pg_catalog.text)
	RENAME TO drop_preview_1_1;

CREATE FUNCTION @extschema@.drop_preview(
	ddl pg_catalog.text,
	OUT "position" pg_catalog.int4,
	OUT description pg_catalog.text,
	OUT depends_on pg_catalog.text,
	OUT dependency pg_catalog.text,
	OUT requires_cascade pg_catalog.bool,
	OUT object_type pg_catalog.text,
	OUT object_identity pg_catalog.text,
	OUT classid pg_catalog.oid,
	OUT objid pg_catalog.oid,
	OUT objsubid pg_catalog.int4)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ri_audit_drop_preview'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.drop_preview(pg_catalog.text) IS
'what the DROP statement would remove with CASCADE, without running it';

REVOKE ALL ON FUNCTION @extschema@.drop_preview(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.drop_preview(pg_catalog.text) TO PUBLIC;

SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.drop_preview_1_1(pg_catalog.text)',
	'@extschema@.drop_preview(pg_catalog.text)');

DROP FUNCTION @extschema@.drop_preview_1_1(pg_catalog.text);

-- ==== drop preview of more statements: shared objects (DROP OWNED, ROLE, DATABASE, TABLESPACE, SUBSCRIPTION) ====
-- (nothing yet)


-- ==== drop preview of more statements: ALTER TABLE, ALTER TYPE and ALTER DOMAIN subcommands ====
-- (nothing yet)


-- ==== recreate_script and migration_script ====
-- (nothing yet)


-- ==== delete_preview and assert_delete_safe ====

--
-- delete_preview(stmt): what one DELETE, UPDATE or TRUNCATE statement
-- would do through the foreign keys, step by step, without running it.
-- Reveals counts and keys of rows: revoked from PUBLIC.
--
CREATE FUNCTION @extschema@.delete_preview(
	stmt pg_catalog.text,
	OUT step pg_catalog.int4,
	OUT table_name pg_catalog.regclass,
	OUT fk_name pg_catalog.name,
	OUT action pg_catalog.text,
	OUT row_count pg_catalog.int8,
	OUT sample pg_catalog.jsonb)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ri_audit_delete_preview'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.delete_preview(pg_catalog.text) IS
'what a DELETE, UPDATE or TRUNCATE would do through the foreign keys, without running it';

REVOKE ALL ON FUNCTION @extschema@.delete_preview(pg_catalog.text) FROM PUBLIC;

--
-- assert_delete_safe(stmt): PostgreSQL's own error for the first foreign
-- key that would block the statement; quiet otherwise.
--
CREATE FUNCTION @extschema@.assert_delete_safe(stmt pg_catalog.text)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'ri_audit_assert_delete_safe'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.assert_delete_safe(pg_catalog.text) IS
'raise the foreign key error a DELETE, UPDATE or TRUNCATE would raise, without running it';

REVOKE ALL ON FUNCTION @extschema@.assert_delete_safe(pg_catalog.text) FROM PUBLIC;

--
-- unindexed_foreign_keys: every key it lists makes a DELETE or a key
-- UPDATE of its referenced table scan the referencing table (once per
-- removed parent row, in PostgreSQL's RI triggers), and delete_preview()
-- of such a statement scan it too (once per 10,000 parent rows).  That is
-- true of every row, so the view keeps its columns (a new one would be
-- true everywhere, and would change the row type that 1.1's
-- unindexed_foreign_keys(exclude) returns): the comments of its action
-- columns say it.
--
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.on_delete IS
'the ON DELETE action; whatever it is, a DELETE of the referenced table (and delete_preview() of one) scans this unindexed referencing table for every removed key';

COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.on_update IS
'the ON UPDATE action; whatever it is, an UPDATE of the referenced key (and delete_preview() of one) scans this unindexed referencing table for every changed key';


-- ==== CHECK and domain constraints, validate ====
-- (nothing yet)


-- ==== speed and progress ====
-- (nothing yet)


-- ==== ergonomics: row_key, statuses, enforced, report ====
-- (nothing yet)


-- The helper is not part of the extension.
DROP FUNCTION @extschema@.upgrade_carry_privileges(pg_catalog.regprocedure, pg_catalog.regprocedure);
