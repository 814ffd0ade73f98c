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
-- (nothing yet)


-- ==== CHECK and domain constraints, validate ====
--
-- ri_audit.constraints: every CHECK, foreign key and domain CHECK
-- constraint, from the catalogs.  can_check says whether the caller has the
-- privileges check_violations() and orphans() need (SELECT on the columns
-- read, no row-level security); catalog facts only, so every role may
-- read it.
--
CREATE VIEW @extschema@.constraints AS
WITH RECURSIVE domain_tree(root, typid) AS (
	SELECT t.oid, t.oid
	  FROM pg_catalog.pg_type t
	 WHERE t.typtype OPERATOR(pg_catalog.=) 'd'
	UNION ALL
	SELECT d.root, t.oid
	  FROM domain_tree d
	  JOIN pg_catalog.pg_type t
		ON t.typbasetype OPERATOR(pg_catalog.=) d.typid
	   AND t.typtype OPERATOR(pg_catalog.=) 'd'
)
SELECT c.oid AS con,
	   CASE WHEN c.contype OPERATOR(pg_catalog.=) 'f' THEN 'foreign key'
			WHEN c.contypid OPERATOR(pg_catalog.<>) 0 THEN 'domain check'
			ELSE 'check' END AS constraint_type,
	   NULLIF(c.conrelid, 0)::pg_catalog.regclass AS table_name,
	   NULLIF(c.contypid, 0)::pg_catalog.regtype AS domain_name,
	   c.conname AS con_name,
	   c.convalidated AS validated,
	   c.connoinherit AS no_inherit,
	   c.coninhcount OPERATOR(pg_catalog.>) 0 AS inherited,
	   pg_catalog.pg_get_constraintdef(c.oid) AS definition,
	   CASE
		 WHEN c.contypid OPERATOR(pg_catalog.<>) 0 THEN
		   NOT EXISTS (
			 SELECT 1
			   FROM domain_tree d
			   JOIN pg_catalog.pg_attribute a
				 ON a.atttypid OPERATOR(pg_catalog.=) d.typid
				AND a.attnum OPERATOR(pg_catalog.>) 0
				AND NOT a.attisdropped
			   JOIN pg_catalog.pg_class r
				 ON r.oid OPERATOR(pg_catalog.=) a.attrelid
				AND r.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'm']::pg_catalog."char"[])
			  WHERE d.root OPERATOR(pg_catalog.=) c.contypid
				AND (NOT pg_catalog.has_column_privilege(r.oid, a.attnum, 'SELECT')
					 OR pg_catalog.row_security_active(r.oid)))
		 ELSE
		   (pg_catalog.has_table_privilege(c.conrelid, 'SELECT')
			OR NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(c.conkey) k
							WHERE NOT COALESCE(pg_catalog.has_column_privilege(c.conrelid, k, 'SELECT'), false)))
		   AND NOT pg_catalog.row_security_active(c.conrelid)
		   AND (c.contype OPERATOR(pg_catalog.<>) 'f'
				OR ((pg_catalog.has_table_privilege(c.confrelid, 'SELECT')
					 OR NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(c.confkey) k
									 WHERE NOT COALESCE(pg_catalog.has_column_privilege(c.confrelid, k, 'SELECT'), false)))
					AND NOT pg_catalog.row_security_active(c.confrelid)))
	   END AS can_check
  FROM pg_catalog.pg_constraint c
 WHERE c.contype OPERATOR(pg_catalog.=) ANY (ARRAY['c', 'f']::pg_catalog."char"[]);

COMMENT ON VIEW @extschema@.constraints IS
'every CHECK, foreign key and domain CHECK constraint, validated or not';
COMMENT ON COLUMN @extschema@.constraints.con IS
'pg_constraint OID: the argument of check_violations(), orphans() and validate()';
COMMENT ON COLUMN @extschema@.constraints.constraint_type IS
'''foreign key'', ''check'' (a table''s CHECK constraint) or ''domain check''';
COMMENT ON COLUMN @extschema@.constraints.table_name IS
'the table holding the constraint (NULL for a domain''s)';
COMMENT ON COLUMN @extschema@.constraints.domain_name IS
'the domain holding the constraint (NULL for a table''s)';
COMMENT ON COLUMN @extschema@.constraints.con_name IS
'the constraint''s name';
COMMENT ON COLUMN @extschema@.constraints.validated IS
'false: NOT VALID, the rows present when it was added were never checked';
COMMENT ON COLUMN @extschema@.constraints.no_inherit IS
'NO INHERIT: checked on its own table only, not on its children';
COMMENT ON COLUMN @extschema@.constraints.inherited IS
'a copy inherited from a parent (validating the parent validates it)';
COMMENT ON COLUMN @extschema@.constraints.definition IS
'pg_get_constraintdef()';
COMMENT ON COLUMN @extschema@.constraints.can_check IS
'the caller may read the columns checked, with no row-level security (privileges only: another role''s code in the expression may still refuse)';

GRANT SELECT ON @extschema@.constraints TO PUBLIC;

--
-- ri_audit.check_violations(con, max_rows): the rows violating a CHECK or
-- domain constraint, as PostgreSQL's own check decides (NULL passes).
--
CREATE FUNCTION @extschema@.check_violations(
	con pg_catalog.oid,
	max_rows pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (con pg_catalog.oid, table_name pg_catalog.regclass,
			   column_name pg_catalog.name, row_ctid pg_catalog.tid,
			   "row" pg_catalog.jsonb)
AS 'MODULE_PATHNAME', 'ri_audit_check_violations'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.check_violations(pg_catalog.oid, pg_catalog.int8) IS
'rows that violate a CHECK or domain constraint, validated or not';

REVOKE ALL ON FUNCTION @extschema@.check_violations(pg_catalog.oid, pg_catalog.int8)
	FROM PUBLIC;

--
-- ri_audit.check_constraints(tables, sample_size): count and sample per
-- CHECK constraint, as check_foreign_keys() per foreign key.
--
CREATE FUNCTION @extschema@.check_constraints(
	tables pg_catalog.regclass[] DEFAULT NULL,
	sample_size pg_catalog.int4 DEFAULT 3)
RETURNS TABLE (con pg_catalog.oid, con_name pg_catalog.name,
			   table_name pg_catalog.regclass,
			   domain_name pg_catalog.regtype,
			   validated pg_catalog.bool, status pg_catalog.text,
			   reason pg_catalog.text, rows_checked pg_catalog.int8,
			   violation_count pg_catalog.int8, sample pg_catalog.jsonb,
			   elapsed pg_catalog.interval)
AS 'MODULE_PATHNAME', 'ri_audit_check_constraints'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.check_constraints(pg_catalog.regclass[], pg_catalog.int4) IS
'violation count and sample rows per CHECK constraint (NULL tables: every table and domain)';

REVOKE ALL ON FUNCTION @extschema@.check_constraints(pg_catalog.regclass[], pg_catalog.int4)
	FROM PUBLIC;

--
-- ri_audit.assert_all_valid(max_not_valid): ERROR when more constraints
-- are NOT VALID than allowed.  Catalog facts only: every role may call it.
--
CREATE FUNCTION @extschema@.assert_all_valid(
	max_not_valid pg_catalog.int4 DEFAULT 0)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'ri_audit_assert_all_valid'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.assert_all_valid(pg_catalog.int4) IS
'raise 23503 (foreign keys among them) or 23514 when more than max_not_valid constraints are NOT VALID';

REVOKE ALL ON FUNCTION @extschema@.assert_all_valid(pg_catalog.int4) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.assert_all_valid(pg_catalog.int4) TO PUBLIC;

--
-- ri_audit.validate(con, dry_run, lock_timeout, strict): every kind of
-- NOT VALID constraint; a NULL lock_timeout keeps the session's setting;
-- status is a code, reason the text.  Replaces 1.1's validate(con,
-- dry_run, lock_timeout), whose C function stays for databases not yet
-- updated.
--
ALTER FUNCTION @extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)
	RENAME TO validate_1_1;

CREATE FUNCTION @extschema@.validate(
	con pg_catalog.oid,
	dry_run pg_catalog.bool DEFAULT true,
	lock_timeout pg_catalog.interval DEFAULT NULL,
	strict pg_catalog.bool DEFAULT false)
RETURNS TABLE (con pg_catalog.oid, con_name pg_catalog.name,
			   constraint_type pg_catalog.text,
			   table_name pg_catalog.regclass,
			   domain_name pg_catalog.regtype, status pg_catalog.text,
			   reason pg_catalog.text, violation_count pg_catalog.int8)
AS 'MODULE_PATHNAME', 'ri_audit_validate_con'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool) IS
'check a NOT VALID foreign key, CHECK or domain constraint and validate it when clean';

REVOKE ALL ON FUNCTION @extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)
	FROM PUBLIC;


CREATE FUNCTION @extschema@.validate(
	table_name pg_catalog.regclass,
	con_name pg_catalog.name,
	dry_run pg_catalog.bool DEFAULT true,
	lock_timeout pg_catalog.interval DEFAULT NULL,
	strict pg_catalog.bool DEFAULT false)
RETURNS TABLE (con pg_catalog.oid, con_name pg_catalog.name,
			   constraint_type pg_catalog.text,
			   table_name pg_catalog.regclass,
			   domain_name pg_catalog.regtype, status pg_catalog.text,
			   reason pg_catalog.text, violation_count pg_catalog.int8)
AS 'MODULE_PATHNAME', 'ri_audit_validate_by_name'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.validate(pg_catalog.regclass, pg_catalog.name, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool) IS
'validate() naming the constraint by its table and name';

REVOKE ALL ON FUNCTION @extschema@.validate(pg_catalog.regclass, pg_catalog.name, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)
	FROM PUBLIC;

--
-- ri_audit.validate(table_name text, con_name text, ...): the same for
-- untyped literals, as orphans(text, text) is: with only the oid and
-- regclass variants, validate('orders', 'orders_customer_fkey') is
-- ambiguous to PostgreSQL's overload resolution; string-typed parameters
-- win it.  The body is parsed at creation (BEGIN ATOMIC).
--
CREATE FUNCTION @extschema@.validate(
	table_name pg_catalog.text,
	con_name pg_catalog.text,
	dry_run pg_catalog.bool DEFAULT true,
	lock_timeout pg_catalog.interval DEFAULT NULL,
	strict pg_catalog.bool DEFAULT false)
RETURNS TABLE (con pg_catalog.oid, con_name pg_catalog.name,
			   constraint_type pg_catalog.text,
			   table_name pg_catalog.regclass,
			   domain_name pg_catalog.regtype, status pg_catalog.text,
			   reason pg_catalog.text, violation_count pg_catalog.int8)
LANGUAGE sql VOLATILE PARALLEL UNSAFE
BEGIN ATOMIC
	SELECT v.con, v.con_name, v.constraint_type, v.table_name, v.domain_name,
		   v.status, v.reason, v.violation_count
	  FROM @extschema@.validate($1::pg_catalog.regclass, $2::pg_catalog.name,
								$3, $4, $5) v;
END;

COMMENT ON FUNCTION @extschema@.validate(pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool) IS
'validate() naming the constraint by its table and name, given as text';

REVOKE ALL ON FUNCTION @extschema@.validate(pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)
	FROM PUBLIC;

-- Whoever may run validate() may run it by name too: the users' grants on
-- 1.1's validate() go to all three.
SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.validate_1_1(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)',
	'@extschema@.validate(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)');
SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.validate_1_1(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)',
	'@extschema@.validate(pg_catalog.regclass, pg_catalog.name, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)');
SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.validate_1_1(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval)',
	'@extschema@.validate(pg_catalog.text, pg_catalog.text, pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)');

DROP FUNCTION @extschema@.validate_1_1(pg_catalog.oid, pg_catalog.bool, pg_catalog.interval);

--
-- ri_audit.validate_all(tables, dry_run, lock_timeout, strict): validate()
-- for every NOT VALID constraint of the tables (NULL: all, and domains').
-- Replaces validate_all(dry_run, lock_timeout).
--
ALTER FUNCTION @extschema@.validate_all(pg_catalog.bool, pg_catalog.interval)
	RENAME TO validate_all_1_1;

CREATE FUNCTION @extschema@.validate_all(
	tables pg_catalog.regclass[] DEFAULT NULL,
	dry_run pg_catalog.bool DEFAULT true,
	lock_timeout pg_catalog.interval DEFAULT NULL,
	strict pg_catalog.bool DEFAULT false)
RETURNS TABLE (con pg_catalog.oid, con_name pg_catalog.name,
			   constraint_type pg_catalog.text,
			   table_name pg_catalog.regclass,
			   domain_name pg_catalog.regtype, status pg_catalog.text,
			   reason pg_catalog.text, violation_count pg_catalog.int8)
AS 'MODULE_PATHNAME', 'ri_audit_validate_tables'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.validate_all(pg_catalog.regclass[], pg_catalog.bool, pg_catalog.interval, pg_catalog.bool) IS
'validate() for every NOT VALID constraint of the tables (NULL: every table and domain)';

REVOKE ALL ON FUNCTION @extschema@.validate_all(pg_catalog.regclass[], pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)
	FROM PUBLIC;

SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.validate_all_1_1(pg_catalog.bool, pg_catalog.interval)',
	'@extschema@.validate_all(pg_catalog.regclass[], pg_catalog.bool, pg_catalog.interval, pg_catalog.bool)');

DROP FUNCTION @extschema@.validate_all_1_1(pg_catalog.bool, pg_catalog.interval);


-- ==== speed and progress ====
-- (nothing yet)


-- ==== ergonomics: row_key, statuses, enforced, report ====
-- (nothing yet)


-- The helper is not part of the extension.
DROP FUNCTION @extschema@.upgrade_carry_privileges(pg_catalog.regprocedure, pg_catalog.regprocedure);
