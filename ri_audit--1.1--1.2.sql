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
-- (no SQL object changes: drop_preview and assert_drop_safe accept these
-- statements with their existing declarations)


-- ==== drop preview of more statements: ALTER TABLE, ALTER TYPE and ALTER DOMAIN subcommands ====
-- (no SQL object changes: drop_preview() and assert_drop_safe() accept these
-- statements in C, with the 1.2 declarations above)


-- ==== recreate_script and migration_script ====
--
-- recreate_script(ddl): the SQL that, run after the statement with CASCADE,
-- recreates every definition it removed (views, constraints, indexes,
-- triggers, rules, policies, statistics, defaults, functions, aggregates,
-- operators, casts, event triggers, publication membership, with owners,
-- grants, comments and security labels); a comment block at the top names
-- what it cannot bring back.  migration_script(ddl): one transaction that drops the dependents
-- that block the statement (2BP01, ALTER COLUMN ... TYPE under a view,
-- rule, trigger or policy), runs it and recreates them.  Neither runs the
-- statement.  Catalog facts only: EXECUTE for everyone, as drop_preview.
--
CREATE FUNCTION @extschema@.recreate_script(ddl pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'ri_audit_recreate_script'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.recreate_script(pg_catalog.text) IS
'the SQL that recreates what the statement removes with CASCADE, without running it';

REVOKE ALL ON FUNCTION @extschema@.recreate_script(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.recreate_script(pg_catalog.text) TO PUBLIC;

CREATE FUNCTION @extschema@.migration_script(ddl pg_catalog.text)
RETURNS pg_catalog.text
AS 'MODULE_PATHNAME', 'ri_audit_migration_script'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.migration_script(pg_catalog.text) IS
'one transaction: drop the dependents that block the statement, run it, recreate them';

REVOKE ALL ON FUNCTION @extschema@.migration_script(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.migration_script(pg_catalog.text) TO PUBLIC;


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

--
-- ri_audit.orphans(...): two columns more, and table_name means what it
-- means everywhere else.
--   table_name  the table that holds the constraint (1.0, 1.1: the table
--               holding the row);
--   row_table   the table holding the row: a leaf partition when
--               table_name is partitioned;
--   row_key     the row's primary key (or replica identity index) columns
--               as jsonb, read in the scan's snapshot; NULL when the table
--               has neither, or the caller may not read those columns.
-- A ctid names a row version only until it is updated or the table is
-- rewritten; row_key stays valid.  The C functions place their values by
-- column name, so they serve 1.1's declarations too.  The text variant
-- calls the regclass variant, so the old ones are dropped text first.
--
ALTER FUNCTION @extschema@.orphans(pg_catalog.oid, pg_catalog.int8)
	RENAME TO orphans_1_1;
ALTER FUNCTION @extschema@.orphans(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8)
	RENAME TO orphans_1_1;
ALTER FUNCTION @extschema@.orphans(pg_catalog.text, pg_catalog.text, pg_catalog.int8)
	RENAME TO orphans_1_1;

CREATE FUNCTION @extschema@.orphans(fk pg_catalog.oid,
									max_rows pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (fk pg_catalog.oid, table_name pg_catalog.regclass,
			   row_table pg_catalog.regclass, row_ctid pg_catalog.tid,
			   key pg_catalog.jsonb, row_key pg_catalog.jsonb)
AS 'MODULE_PATHNAME', 'ri_audit_orphans'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.orphans(pg_catalog.oid, pg_catalog.int8) IS
'rows violating a foreign key: constraint table, row table, ctid, key and row key';

REVOKE ALL ON FUNCTION @extschema@.orphans(pg_catalog.oid, pg_catalog.int8)
	FROM PUBLIC;

CREATE FUNCTION @extschema@.orphans(table_name pg_catalog.regclass,
									fk_name pg_catalog.name,
									max_rows pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (fk pg_catalog.oid, table_name pg_catalog.regclass,
			   row_table pg_catalog.regclass, row_ctid pg_catalog.tid,
			   key pg_catalog.jsonb, row_key pg_catalog.jsonb)
AS 'MODULE_PATHNAME', 'ri_audit_orphans_by_name'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.orphans(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8) IS
'rows violating a foreign key named by table and constraint name';

REVOKE ALL ON FUNCTION @extschema@.orphans(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8)
	FROM PUBLIC;

CREATE FUNCTION @extschema@.orphans(table_name pg_catalog.text,
									fk_name pg_catalog.text,
									max_rows pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (fk pg_catalog.oid, table_name pg_catalog.regclass,
			   row_table pg_catalog.regclass, row_ctid pg_catalog.tid,
			   key pg_catalog.jsonb, row_key pg_catalog.jsonb)
LANGUAGE sql VOLATILE PARALLEL RESTRICTED
BEGIN ATOMIC
	SELECT o.fk, o.table_name, o.row_table, o.row_ctid, o.key, o.row_key
	  FROM @extschema@.orphans($1::pg_catalog.regclass, $2::pg_catalog.name, $3) o;
END;

COMMENT ON FUNCTION @extschema@.orphans(pg_catalog.text, pg_catalog.text, pg_catalog.int8) IS
'rows violating a foreign key named by table and constraint name, given as text';

REVOKE ALL ON FUNCTION @extschema@.orphans(pg_catalog.text, pg_catalog.text, pg_catalog.int8)
	FROM PUBLIC;

SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.orphans_1_1(pg_catalog.oid, pg_catalog.int8)',
	'@extschema@.orphans(pg_catalog.oid, pg_catalog.int8)');
SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.orphans_1_1(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8)',
	'@extschema@.orphans(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8)');
SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.orphans_1_1(pg_catalog.text, pg_catalog.text, pg_catalog.int8)',
	'@extschema@.orphans(pg_catalog.text, pg_catalog.text, pg_catalog.int8)');

DROP FUNCTION @extschema@.orphans_1_1(pg_catalog.text, pg_catalog.text, pg_catalog.int8);
DROP FUNCTION @extschema@.orphans_1_1(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8);
DROP FUNCTION @extschema@.orphans_1_1(pg_catalog.oid, pg_catalog.int8);

--
-- ri_audit.check_foreign_keys(tables, sample_size): status is one of the
-- codes 'ok', 'orphans', 'skipped'; the new last column reason says why a
-- key was skipped (1.0, 1.1: status 'skipped: <reason>').  orphan_summary,
-- built on it, is replaced in place with reason appended, so its grants and
-- its users' views stay.  The C function places its values by column name.
--
ALTER FUNCTION @extschema@.check_foreign_keys(pg_catalog.regclass[], pg_catalog.int4)
	RENAME TO check_foreign_keys_1_1;

CREATE FUNCTION @extschema@.check_foreign_keys(
	tables pg_catalog.regclass[] DEFAULT NULL,
	sample_size pg_catalog.int4 DEFAULT 3)
RETURNS TABLE (fk pg_catalog.oid, fk_name pg_catalog.name,
			   table_name pg_catalog.regclass,
			   referenced_table pg_catalog.regclass,
			   validated pg_catalog.bool, status pg_catalog.text,
			   rows_checked pg_catalog.int8, orphan_count pg_catalog.int8,
			   sample pg_catalog.jsonb, elapsed pg_catalog.interval,
			   reason pg_catalog.text)
AS 'MODULE_PATHNAME', 'ri_audit_check_foreign_keys'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.check_foreign_keys(pg_catalog.regclass[], pg_catalog.int4) IS
'orphan count and sample keys per foreign key; status ok, orphans or skipped, with the reason';

REVOKE ALL ON FUNCTION @extschema@.check_foreign_keys(pg_catalog.regclass[], pg_catalog.int4)
	FROM PUBLIC;

CREATE OR REPLACE VIEW @extschema@.orphan_summary AS
SELECT fk, fk_name, table_name, referenced_table, validated, status,
	   rows_checked, orphan_count, sample, elapsed, reason
  FROM @extschema@.check_foreign_keys(NULL::pg_catalog.regclass[], 3);

SELECT @extschema@.upgrade_carry_privileges(
	'@extschema@.check_foreign_keys_1_1(pg_catalog.regclass[], pg_catalog.int4)',
	'@extschema@.check_foreign_keys(pg_catalog.regclass[], pg_catalog.int4)');

DROP FUNCTION @extschema@.check_foreign_keys_1_1(pg_catalog.regclass[], pg_catalog.int4);

COMMENT ON VIEW @extschema@.orphan_summary IS
'orphan count and sample keys of every foreign key: reads every referencing and referenced table, holding AccessShareLock on each to the end of the transaction';

COMMENT ON COLUMN @extschema@.orphan_summary.fk IS 'OID of the foreign key constraint (pg_constraint.oid)';
COMMENT ON COLUMN @extschema@.orphan_summary.fk_name IS 'constraint name';
COMMENT ON COLUMN @extschema@.orphan_summary.table_name IS 'the referencing table, which holds the constraint';
COMMENT ON COLUMN @extschema@.orphan_summary.referenced_table IS 'the referenced table';
COMMENT ON COLUMN @extschema@.orphan_summary.validated IS 'false for a NOT VALID constraint (pg_constraint.convalidated)';
COMMENT ON COLUMN @extschema@.orphan_summary.status IS 'ok (no orphans), orphans, or skipped (not checked, see reason)';
COMMENT ON COLUMN @extschema@.orphan_summary.rows_checked IS 'rows of the referencing table read (NULL when skipped)';
COMMENT ON COLUMN @extschema@.orphan_summary.orphan_count IS 'rows whose key has no referenced row (NULL when skipped)';
COMMENT ON COLUMN @extschema@.orphan_summary.sample IS 'the first 3 orphan keys, as a jsonb array of {"column": value} (NULL when skipped)';
COMMENT ON COLUMN @extschema@.orphan_summary.elapsed IS 'time spent checking this key (NULL when skipped)';
COMMENT ON COLUMN @extschema@.orphan_summary.reason IS 'why the key was skipped; NULL otherwise';

--
-- ri_audit.foreign_keys: enforced, appended, is false when PostgreSQL would
-- not check new rows against the key in an ordinary session: one of its RI
-- triggers (on either table, or on the partitions of either, through the
-- constraint's partition copies) is disabled (ALTER TABLE ... DISABLE
-- TRIGGER ALL) or fires only in replica mode (ENABLE REPLICA TRIGGER).  A
-- session with session_replication_role = replica skips even enforced
-- keys' triggers; that is a session's setting, not the key's, and not
-- shown.  Replaced in place: grants, comments and the views built on it
-- (unindexed_foreign_keys, users' own) stay.
--
CREATE OR REPLACE VIEW @extschema@.foreign_keys AS
SELECT c.oid AS fk,
	   c.conname AS fk_name,
	   c.conrelid::pg_catalog.regclass AS table_name,
	   ARRAY(SELECT a.attname
			   FROM pg_catalog.unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
			   JOIN pg_catalog.pg_attribute a
				 ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid
				AND a.attnum OPERATOR(pg_catalog.=) k.attnum
			  ORDER BY k.ord) AS columns,
	   c.confrelid::pg_catalog.regclass AS referenced_table,
	   ARRAY(SELECT a.attname
			   FROM pg_catalog.unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
			   JOIN pg_catalog.pg_attribute a
				 ON a.attrelid OPERATOR(pg_catalog.=) c.confrelid
				AND a.attnum OPERATOR(pg_catalog.=) k.attnum
			  ORDER BY k.ord) AS referenced_columns,
	   CASE c.confmatchtype
		   WHEN 'f' THEN 'FULL'
		   WHEN 'p' THEN 'PARTIAL'
		   ELSE 'SIMPLE'
	   END AS match_type,
	   CASE c.confupdtype
		   WHEN 'r' THEN 'RESTRICT'
		   WHEN 'c' THEN 'CASCADE'
		   WHEN 'n' THEN 'SET NULL'
		   WHEN 'd' THEN 'SET DEFAULT'
		   ELSE 'NO ACTION'
	   END AS on_update,
	   CASE c.confdeltype
		   WHEN 'r' THEN 'RESTRICT'
		   WHEN 'c' THEN 'CASCADE'
		   WHEN 'n' THEN 'SET NULL'
		   WHEN 'd' THEN 'SET DEFAULT'
		   ELSE 'NO ACTION'
	   END AS on_delete,
	   CASE WHEN pg_catalog.cardinality(c.confdelsetcols) OPERATOR(pg_catalog.>) 0 THEN
		   ARRAY(SELECT a.attname
				   FROM pg_catalog.unnest(c.confdelsetcols) WITH ORDINALITY AS k(attnum, ord)
				   JOIN pg_catalog.pg_attribute a
					 ON a.attrelid OPERATOR(pg_catalog.=) c.conrelid
					AND a.attnum OPERATOR(pg_catalog.=) k.attnum
				  ORDER BY k.ord)
	   END AS set_columns,
	   c.condeferrable AS is_deferrable,
	   c.condeferred AS initially_deferred,
	   c.convalidated AS validated,
	   CASE WHEN c.conparentid OPERATOR(pg_catalog.<>) 0::pg_catalog.oid
		   THEN c.conparentid END AS parent_fk,
	   EXISTS (SELECT 1
				 FROM pg_catalog.pg_index i
				 JOIN pg_catalog.pg_class ic ON ic.oid OPERATOR(pg_catalog.=) i.indexrelid
				 JOIN pg_catalog.pg_am am ON am.oid OPERATOR(pg_catalog.=) ic.relam
				WHERE i.indrelid OPERATOR(pg_catalog.=) c.conrelid
				  AND i.indisvalid
				  AND i.indislive
				  AND i.indpred IS NULL
				  AND am.amname OPERATOR(pg_catalog.=) ANY (ARRAY['btree', 'hash']::pg_catalog.name[])
				  AND i.indnkeyatts OPERATOR(pg_catalog.>=) pg_catalog.cardinality(c.conkey)
				  AND (i.indkey::pg_catalog.int2[])[0:pg_catalog.cardinality(c.conkey) OPERATOR(pg_catalog.-) 1]
					  OPERATOR(pg_catalog.@>) c.conkey
				  AND (i.indkey::pg_catalog.int2[])[0:pg_catalog.cardinality(c.conkey) OPERATOR(pg_catalog.-) 1]
					  OPERATOR(pg_catalog.<@) c.conkey) AS has_index,
	   pg_catalog.pg_get_constraintdef(c.oid) AS definition,
	   NOT EXISTS (
		   WITH RECURSIVE copies(oid) AS (
			   SELECT c.oid
			   UNION ALL
			   SELECT d.oid
				 FROM pg_catalog.pg_constraint d
				 JOIN copies ON d.conparentid OPERATOR(pg_catalog.=) copies.oid)
		   SELECT 1
			 FROM copies
			 JOIN pg_catalog.pg_trigger t ON t.tgconstraint OPERATOR(pg_catalog.=) copies.oid
			WHERE t.tgenabled OPERATOR(pg_catalog.<>) ALL (ARRAY['O', 'A']::pg_catalog."char"[])) AS enforced
  FROM pg_catalog.pg_constraint c
 WHERE c.contype OPERATOR(pg_catalog.=) 'f';

COMMENT ON COLUMN @extschema@.foreign_keys.fk IS 'OID of the foreign key constraint (pg_constraint.oid)';
COMMENT ON COLUMN @extschema@.foreign_keys.fk_name IS 'constraint name';
COMMENT ON COLUMN @extschema@.foreign_keys.table_name IS 'the referencing table, which holds the constraint';
COMMENT ON COLUMN @extschema@.foreign_keys.columns IS 'the referencing columns, in key order';
COMMENT ON COLUMN @extschema@.foreign_keys.referenced_table IS 'the referenced table';
COMMENT ON COLUMN @extschema@.foreign_keys.referenced_columns IS 'the referenced columns, in key order';
COMMENT ON COLUMN @extschema@.foreign_keys.match_type IS 'SIMPLE, FULL or PARTIAL';
COMMENT ON COLUMN @extschema@.foreign_keys.on_update IS 'the action on update of a referenced key: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT';
COMMENT ON COLUMN @extschema@.foreign_keys.on_delete IS 'the action on delete of a referenced row: NO ACTION, RESTRICT, CASCADE, SET NULL, SET DEFAULT';
COMMENT ON COLUMN @extschema@.foreign_keys.set_columns IS 'the columns ON DELETE SET NULL / SET DEFAULT sets, when limited to some; NULL: all key columns';
COMMENT ON COLUMN @extschema@.foreign_keys.is_deferrable IS 'DEFERRABLE';
COMMENT ON COLUMN @extschema@.foreign_keys.initially_deferred IS 'INITIALLY DEFERRED';
COMMENT ON COLUMN @extschema@.foreign_keys.validated IS 'false for a NOT VALID constraint: existing rows were never checked';
COMMENT ON COLUMN @extschema@.foreign_keys.parent_fk IS 'for a partition''s copy of a constraint, the constraint it was cloned from; NULL for a top-level constraint';
COMMENT ON COLUMN @extschema@.foreign_keys.has_index IS 'a valid btree or hash index on the referencing table leads with exactly the key columns';
COMMENT ON COLUMN @extschema@.foreign_keys.definition IS 'pg_get_constraintdef()';
COMMENT ON COLUMN @extschema@.foreign_keys.enforced IS 'false when one of its RI triggers, on either table or their partitions, is disabled or fires only in replica mode: new rows are not checked';

--
-- ri_audit.unindexed_foreign_keys: one statement per row.  For a plain
-- table, one row (step 1): CREATE INDEX CONCURRENTLY.  For a partitioned
-- table, whose indexes cannot be built concurrently, the online recipe, one
-- statement per row in the order of step: CREATE INDEX ... ON ONLY for the
-- table and each partitioned partition (instant, the index is invalid), one
-- CREATE INDEX CONCURRENTLY per leaf partition (writes continue), then
-- ALTER INDEX ... ATTACH PARTITION from the deepest level up, after which
-- the parent's index is valid.  Index names are <table>_<columns>_idx,
-- shortened as PostgreSQL shortens them; rows of one key share fk and the
-- other columns.
-- Foreign-table partitions cannot be indexed and get no row.  step is
-- appended, so the view is replaced in place; unindexed_foreign_keys(exclude),
-- whose body names the columns it returns, is replaced to return it too.
--
CREATE OR REPLACE VIEW @extschema@.unindexed_foreign_keys AS
WITH RECURSIVE tree(root, relid, parent, depth) AS (
	SELECT f.table_name::pg_catalog.oid, f.table_name::pg_catalog.oid,
		   NULL::pg_catalog.oid, 0
	  FROM @extschema@.foreign_keys f
	 WHERE NOT f.has_index AND f.parent_fk IS NULL
	UNION
	SELECT t.root, i.inhrelid, t.relid, t.depth OPERATOR(pg_catalog.+) 1
	  FROM tree t
	  JOIN pg_catalog.pg_inherits i ON i.inhparent OPERATOR(pg_catalog.=) t.relid
	  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) i.inhrelid
	 WHERE c.relispartition
),
sizes AS (
	SELECT t.root,
		   pg_catalog.sum(GREATEST(c.reltuples, 0::pg_catalog.float4))::pg_catalog.int8 AS est_rows,
		   pg_catalog.sum(GREATEST(c.relpages, 0)::pg_catalog.int8
						  OPERATOR(pg_catalog.*) pg_catalog.current_setting('block_size')::pg_catalog.int8)
			   AS est_bytes
	  FROM tree t
	  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.relid
	 WHERE c.relkind OPERATOR(pg_catalog.<>) 'p'
	 GROUP BY t.root
),
keys AS (
	SELECT f.*, c.relkind,
		   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(col), ', ' ORDER BY ord)
			  FROM pg_catalog.unnest(f.columns) WITH ORDINALITY AS k(col, ord)) AS collist,
		   (SELECT pg_catalog.string_agg(col, '_' ORDER BY ord)
			  FROM pg_catalog.unnest(f.columns) WITH ORDINALITY AS k(col, ord)) AS colnames
	  FROM @extschema@.foreign_keys f
	  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) f.table_name::pg_catalog.oid
	 WHERE NOT f.has_index AND f.parent_fk IS NULL
),
-- Every relation of a key's tree that gets an index.
tree_members AS (
	SELECT k.fk, t.relid, t.parent, t.depth, c.relkind,
		   c.relname::pg_catalog.text AS bare_name, k.colnames,
		   pg_catalog.quote_ident(n.nspname) OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||)
			   pg_catalog.quote_ident(c.relname) AS relname,
		   pg_catalog.quote_ident(n.nspname) AS nspname
	  FROM keys k
	  JOIN tree t ON t.root OPERATOR(pg_catalog.=) k.table_name::pg_catalog.oid
	  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) t.relid
	  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
	 WHERE c.relkind OPERATOR(pg_catalog.=) ANY (ARRAY['r', 'p', 'm']::pg_catalog."char"[])
),
-- Index names as PostgreSQL's makeObjectName() makes them (table name,
-- columns, label 'idx'; the longer of the first two, counted in bytes, is
-- shortened until the name fits in 63 bytes, and each is then cut back to
-- a character boundary as pg_mbcliplen() cuts); names that coincide within one key's recipe
-- get labels idx1, idx2, ... as ChooseRelationName() would.  Existing
-- relations of the same name are not looked for.
named AS (
	SELECT m.*,
		   pg_catalog.row_number() OVER (PARTITION BY m.fk, m.base_name
										 ORDER BY m.depth, m.relname COLLATE "C")
			   OPERATOR(pg_catalog.-) 1 AS dup
	  FROM (SELECT tm.*, x.name AS base_name
			  FROM tree_members tm
			  CROSS JOIN LATERAL (
				   SELECT (SELECT pg_catalog."left"(tm.bare_name, pg_catalog.max(c.n))
				   	   FROM pg_catalog.generate_series(0, pg_catalog.length(tm.bare_name)) AS c(n)
				   	  WHERE pg_catalog.octet_length(pg_catalog."left"(tm.bare_name, c.n)) OPERATOR(pg_catalog.<=) y.n1) OPERATOR(pg_catalog.||) '_'
						  OPERATOR(pg_catalog.||) (SELECT pg_catalog."left"(tm.colnames, pg_catalog.max(c.n))
						  	   FROM pg_catalog.generate_series(0, pg_catalog.length(tm.colnames)) AS c(n)
						  	  WHERE pg_catalog.octet_length(pg_catalog."left"(tm.colnames, c.n)) OPERATOR(pg_catalog.<=) y.n2)
						  OPERATOR(pg_catalog.||) '_idx' AS name
					 FROM (SELECT CASE WHEN z.l1 OPERATOR(pg_catalog.+) z.l2 OPERATOR(pg_catalog.<=) z.a THEN z.l1
									   WHEN z.l1 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.l1
									   WHEN z.l2 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.a OPERATOR(pg_catalog.-) z.l2
									   ELSE (z.a OPERATOR(pg_catalog.+) 1) OPERATOR(pg_catalog./) 2 END AS n1,
								  CASE WHEN z.l1 OPERATOR(pg_catalog.+) z.l2 OPERATOR(pg_catalog.<=) z.a THEN z.l2
									   WHEN z.l1 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.a OPERATOR(pg_catalog.-) z.l1
									   WHEN z.l2 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.l2
									   ELSE z.a OPERATOR(pg_catalog./) 2 END AS n2
							 FROM (SELECT 63 OPERATOR(pg_catalog.-) 5 AS a,
										  pg_catalog.octet_length(tm.bare_name) AS l1,
										  pg_catalog.octet_length(tm.colnames) AS l2) z) y) x) m
),
members AS (
	SELECT nm.fk, nm.relid, nm.parent, nm.depth, nm.relkind, nm.relname, nm.nspname,
		   pg_catalog.quote_ident(CASE WHEN nm.dup OPERATOR(pg_catalog.=) 0 THEN nm.base_name
			   ELSE (SELECT pg_catalog."left"(nm.bare_name, pg_catalog.max(c.n))
			   	   FROM pg_catalog.generate_series(0, pg_catalog.length(nm.bare_name)) AS c(n)
			   	  WHERE pg_catalog.octet_length(pg_catalog."left"(nm.bare_name, c.n)) OPERATOR(pg_catalog.<=) y.n1) OPERATOR(pg_catalog.||) '_'
					OPERATOR(pg_catalog.||) (SELECT pg_catalog."left"(nm.colnames, pg_catalog.max(c.n))
						   FROM pg_catalog.generate_series(0, pg_catalog.length(nm.colnames)) AS c(n)
						  WHERE pg_catalog.octet_length(pg_catalog."left"(nm.colnames, c.n)) OPERATOR(pg_catalog.<=) y.n2)
					OPERATOR(pg_catalog.||) '_idx' OPERATOR(pg_catalog.||) nm.dup::pg_catalog.text END) AS indexname
	  FROM named nm
	  CROSS JOIN LATERAL (
		   SELECT CASE WHEN z.l1 OPERATOR(pg_catalog.+) z.l2 OPERATOR(pg_catalog.<=) z.a THEN z.l1
					   WHEN z.l1 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.l1
					   WHEN z.l2 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.a OPERATOR(pg_catalog.-) z.l2
					   ELSE (z.a OPERATOR(pg_catalog.+) 1) OPERATOR(pg_catalog./) 2 END AS n1,
				  CASE WHEN z.l1 OPERATOR(pg_catalog.+) z.l2 OPERATOR(pg_catalog.<=) z.a THEN z.l2
					   WHEN z.l1 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.a OPERATOR(pg_catalog.-) z.l1
					   WHEN z.l2 OPERATOR(pg_catalog.<=) (z.a OPERATOR(pg_catalog./) 2) THEN z.l2
					   ELSE z.a OPERATOR(pg_catalog./) 2 END AS n2
			 FROM (SELECT 63 OPERATOR(pg_catalog.-) (5 OPERATOR(pg_catalog.+) pg_catalog.length(nm.dup::pg_catalog.text)) AS a,
						  pg_catalog.octet_length(nm.bare_name) AS l1,
						  pg_catalog.octet_length(nm.colnames) AS l2) z) y
),
statements AS (
	-- a plain table: one concurrent build
	SELECT k.fk, 1 AS phase, 0 AS depth, ''::pg_catalog.text AS sortname,
		   'CREATE INDEX CONCURRENTLY ON ' OPERATOR(pg_catalog.||) m.relname
			   OPERATOR(pg_catalog.||) ' (' OPERATOR(pg_catalog.||) k.collist
			   OPERATOR(pg_catalog.||) ')' AS stmt
	  FROM keys k
	  JOIN members m ON m.fk OPERATOR(pg_catalog.=) k.fk AND m.depth OPERATOR(pg_catalog.=) 0
	 WHERE k.relkind OPERATOR(pg_catalog.<>) 'p'
	UNION ALL
	-- a partitioned table and its partitioned partitions: ON ONLY, top down
	SELECT k.fk, 1, m.depth, m.relname,
		   'CREATE INDEX ' OPERATOR(pg_catalog.||) m.indexname OPERATOR(pg_catalog.||)
			   ' ON ONLY ' OPERATOR(pg_catalog.||) m.relname
			   OPERATOR(pg_catalog.||) ' (' OPERATOR(pg_catalog.||) k.collist
			   OPERATOR(pg_catalog.||) ')'
	  FROM keys k
	  JOIN members m ON m.fk OPERATOR(pg_catalog.=) k.fk AND m.relkind OPERATOR(pg_catalog.=) 'p'
	 WHERE k.relkind OPERATOR(pg_catalog.=) 'p'
	UNION ALL
	-- each leaf: a concurrent build
	SELECT k.fk, 2, m.depth, m.relname,
		   'CREATE INDEX CONCURRENTLY ' OPERATOR(pg_catalog.||) m.indexname
			   OPERATOR(pg_catalog.||) ' ON ' OPERATOR(pg_catalog.||) m.relname
			   OPERATOR(pg_catalog.||) ' (' OPERATOR(pg_catalog.||) k.collist
			   OPERATOR(pg_catalog.||) ')'
	  FROM keys k
	  JOIN members m ON m.fk OPERATOR(pg_catalog.=) k.fk AND m.relkind OPERATOR(pg_catalog.<>) 'p'
	 WHERE k.relkind OPERATOR(pg_catalog.=) 'p'
	UNION ALL
	-- every partition's index attached to its parent's, bottom up
	SELECT k.fk, 3, -m.depth, m.relname,
		   'ALTER INDEX ' OPERATOR(pg_catalog.||) p.nspname OPERATOR(pg_catalog.||) '.'
			   OPERATOR(pg_catalog.||) p.indexname
			   OPERATOR(pg_catalog.||) ' ATTACH PARTITION ' OPERATOR(pg_catalog.||) m.nspname
			   OPERATOR(pg_catalog.||) '.' OPERATOR(pg_catalog.||) m.indexname
	  FROM keys k
	  JOIN members m ON m.fk OPERATOR(pg_catalog.=) k.fk AND m.depth OPERATOR(pg_catalog.>) 0
	  JOIN members p ON p.fk OPERATOR(pg_catalog.=) k.fk AND p.relid OPERATOR(pg_catalog.=) m.parent
	 WHERE k.relkind OPERATOR(pg_catalog.=) 'p'
),
numbered AS (
	SELECT s.fk, s.stmt,
		   pg_catalog.row_number() OVER (PARTITION BY s.fk
										 ORDER BY s.phase, s.depth, s.sortname COLLATE "C")::pg_catalog.int4 AS step
	  FROM statements s
)
SELECT k.fk, k.fk_name, k.table_name, k.columns, k.referenced_table,
	   k.on_delete, k.on_update,
	   s.est_rows AS table_rows,
	   s.est_bytes AS table_bytes,
	   st.stmt AS suggested_index,
	   st.step
  FROM keys k
  LEFT JOIN sizes s ON s.root OPERATOR(pg_catalog.=) k.table_name::pg_catalog.oid
  LEFT JOIN numbered st ON st.fk OPERATOR(pg_catalog.=) k.fk;

COMMENT ON VIEW @extschema@.unindexed_foreign_keys IS
'foreign keys whose referencing side has no supporting index, with the statements that add one online, one per row in step order';

COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.fk IS 'OID of the foreign key constraint';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.fk_name IS 'constraint name';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.table_name IS 'the referencing table, which holds the constraint';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.columns IS 'the referencing columns the index needs, in key order';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.referenced_table IS 'the referenced table: each DELETE or key UPDATE there scans table_name without the index';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.table_rows IS 'planner estimate of the rows of table_name (summed over its leaf partitions)';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.table_bytes IS 'size of table_name from pg_class.relpages (summed over its leaf partitions)';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.suggested_index IS 'one statement of the recipe that adds the index without blocking writes; run them in step order, outside a transaction block';
COMMENT ON COLUMN @extschema@.unindexed_foreign_keys.step IS 'position of suggested_index among the statements of this key: 1 for a plain table; for a partitioned one, ON ONLY, then CONCURRENTLY per partition, then ATTACH PARTITION';

CREATE OR REPLACE FUNCTION @extschema@.unindexed_foreign_keys(
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

--
-- ri_audit.report(): what is wrong with the database's foreign keys, from
-- the catalogs alone (no table is read or locked; what it reads is what
-- foreign_keys, unindexed_foreign_keys and load_order read, under
-- AccessShareLock on the catalogs only).  One row per finding:
--   severity  'error' (the key does not hold for new rows), 'warning' (it
--             may not hold for existing rows, or the tables cannot be
--             loaded row by row), 'notice' (cost or fragility: a cycle
--             that loads only with NULLs filled in later, unindexed and
--             cross-type keys);
--   problem   'not enforced', 'not valid', 'cycle without deferrable key',
--             'unindexed', 'cross-type key';
--   table_name, fk_name, fk: the constraint (for a cycle, the first key of
--             the cycle by table and name);
--   reason    what was found, with the identifiers;
--   advice    what to do.
-- Finding orphans needs a scan: check_foreign_keys() says what that reads.
-- Catalog facts that every role can read, so EXECUTE stays granted to
-- PUBLIC.
--
CREATE FUNCTION @extschema@.report(
	OUT severity pg_catalog.text,
	OUT problem pg_catalog.text,
	OUT table_name pg_catalog.regclass,
	OUT fk_name pg_catalog.name,
	OUT fk pg_catalog.oid,
	OUT reason pg_catalog.text,
	OUT advice pg_catalog.text)
RETURNS SETOF record
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
	WITH findings AS (
		SELECT 1 AS rank, 'error' AS severity, 'not enforced' AS problem,
			   f.table_name, f.fk_name, f.fk,
			   'one of its RI triggers is disabled or fires only in replica mode: rows written now are not checked' AS reason,
			   'as a superuser, ALTER TABLE ' OPERATOR(pg_catalog.||) f.table_name::pg_catalog.text OPERATOR(pg_catalog.||)
				   ' ENABLE TRIGGER ALL and ALTER TABLE ' OPERATOR(pg_catalog.||)
				   f.referenced_table::pg_catalog.text OPERATOR(pg_catalog.||)
				   ' ENABLE TRIGGER ALL (this enables their other disabled triggers too), then look for the orphans written meanwhile: ri_audit.check_foreign_keys(ARRAY['
				   OPERATOR(pg_catalog.||) pg_catalog.quote_literal(f.table_name::pg_catalog.text)
				   OPERATOR(pg_catalog.||) ']::regclass[])' AS advice
		  FROM @extschema@.foreign_keys f
		 WHERE NOT f.enforced AND f.parent_fk IS NULL
		UNION ALL
		SELECT 2, 'warning', 'not valid', f.table_name, f.fk_name, f.fk,
			   'NOT VALID: the rows that existed when it was added were never checked',
			   'find the orphans with ri_audit.orphans(' OPERATOR(pg_catalog.||)
				   pg_catalog.quote_literal(f.table_name::pg_catalog.text) OPERATOR(pg_catalog.||) ', '
				   OPERATOR(pg_catalog.||) pg_catalog.quote_literal(f.fk_name)
				   OPERATOR(pg_catalog.||) '), fix them, then validate the key (ri_audit.validate)'
		  FROM @extschema@.foreign_keys f
		 WHERE NOT f.validated AND f.parent_fk IS NULL
		UNION ALL
		SELECT 3, cy.severity, 'cycle without deferrable key', f.table_name, f.fk_name, f.fk,
			   'tables ' OPERATOR(pg_catalog.||) cy.tables OPERATOR(pg_catalog.||)
				   ' reference each other and none of the keys between them is deferrable',
			   'make one of the keys DEFERRABLE, so that the tables can be loaded in one transaction after SET CONSTRAINTS ALL DEFERRED; until then, '
				   OPERATOR(pg_catalog.||) pg_catalog.regexp_replace(cy.note, '^cycle: ', '')
		  FROM (SELECT l.cycle,
					   pg_catalog.string_agg(l.table_name::pg_catalog.text, ', '
											 ORDER BY l.table_name::pg_catalog.text COLLATE "C") AS tables,
					   pg_catalog.array_agg(l.table_name::pg_catalog.oid) AS members,
					   pg_catalog.min(l.note) AS note,
					   -- load_order's note: loadable with NULLs first, or not at all
					   CASE WHEN pg_catalog.bool_or(l.note OPERATOR(pg_catalog.~~) 'cycle: cannot%')
							THEN 'warning' ELSE 'notice' END AS severity
				  FROM @extschema@.load_order() l
				 WHERE l.cycle IS NOT NULL AND l.cycle OPERATOR(pg_catalog.>) 0
				 GROUP BY l.cycle) cy
		  CROSS JOIN LATERAL (
			   SELECT f.table_name, f.fk_name, f.fk
				 FROM @extschema@.foreign_keys f
				WHERE f.parent_fk IS NULL
				  AND f.table_name::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (cy.members)
				  AND f.referenced_table::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (cy.members)
				  AND f.table_name::pg_catalog.oid OPERATOR(pg_catalog.<>) f.referenced_table::pg_catalog.oid
				ORDER BY f.table_name::pg_catalog.text COLLATE "C", f.fk_name COLLATE "C"
				LIMIT 1) f
		 WHERE NOT EXISTS (
			   SELECT 1
				 FROM @extschema@.foreign_keys d
				WHERE d.parent_fk IS NULL AND d.is_deferrable
				  AND d.table_name::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (cy.members)
				  AND d.referenced_table::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (cy.members))
		UNION ALL
		SELECT 4, 'notice', 'unindexed', u.table_name, u.fk_name, u.fk,
			   'no index leads with the columns (' OPERATOR(pg_catalog.||)
				   pg_catalog.array_to_string(u.columns, ', ') OPERATOR(pg_catalog.||)
				   ') of ' OPERATOR(pg_catalog.||) u.table_name::pg_catalog.text OPERATOR(pg_catalog.||)
				   ': each DELETE or key UPDATE on ' OPERATOR(pg_catalog.||)
				   u.referenced_table::pg_catalog.text OPERATOR(pg_catalog.||) ' scans it',
			   CASE WHEN u.step IS NULL THEN 'add an index on its columns to each partition that can have one'
					WHEN u.nsteps OPERATOR(pg_catalog.>) 1
					THEN 'add the index online with the statements of ri_audit.unindexed_foreign_keys for ' OPERATOR(pg_catalog.||)
						 pg_catalog.quote_ident(u.fk_name) OPERATOR(pg_catalog.||) ', in step order'
					ELSE u.suggested_index END
		  FROM (SELECT u.*, pg_catalog.count(*) OVER (PARTITION BY u.fk) AS nsteps
				  FROM @extschema@.unindexed_foreign_keys u) u
		 WHERE u.step IS NULL OR u.step OPERATOR(pg_catalog.=) 1
		UNION ALL
		SELECT 5, 'notice', 'cross-type key', x.table_name, x.fk_name, x.fk,
			   'key columns of different types: ' OPERATOR(pg_catalog.||) x.pairs,
			   'make the referencing columns the type of the referenced ones, so that comparisons need no cross-type operator and values cannot overflow'
		  FROM (SELECT f.table_name, f.fk_name, f.fk,
					   pg_catalog.string_agg(
						   pg_catalog.quote_ident(fa.attname) OPERATOR(pg_catalog.||) ' '
						   OPERATOR(pg_catalog.||) pg_catalog.format_type(fa.atttypid, fa.atttypmod)
						   OPERATOR(pg_catalog.||) ' references '
						   OPERATOR(pg_catalog.||) pg_catalog.quote_ident(pa.attname) OPERATOR(pg_catalog.||) ' '
						   OPERATOR(pg_catalog.||) pg_catalog.format_type(pa.atttypid, pa.atttypmod),
						   ', ' ORDER BY k.ord) AS pairs
				  FROM @extschema@.foreign_keys f
				  JOIN pg_catalog.pg_constraint c ON c.oid OPERATOR(pg_catalog.=) f.fk
				  CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(c.conkey), pg_catalog.unnest(c.confkey)) WITH ORDINALITY AS k(fkatt, pkatt, ord)
				  JOIN pg_catalog.pg_attribute fa
					ON fa.attrelid OPERATOR(pg_catalog.=) c.conrelid AND fa.attnum OPERATOR(pg_catalog.=) k.fkatt
				  JOIN pg_catalog.pg_attribute pa
					ON pa.attrelid OPERATOR(pg_catalog.=) c.confrelid AND pa.attnum OPERATOR(pg_catalog.=) k.pkatt
				  -- the base types, through domains over domains (getBaseType())
				  CROSS JOIN LATERAL (
					   WITH RECURSIVE base(side, oid, typtype, typbasetype) AS (
						   SELECT s.side, t.oid, t.typtype, t.typbasetype
							 FROM (VALUES (1, fa.atttypid), (2, pa.atttypid)) AS s(side, typ)
							 JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) s.typ
						   UNION ALL
						   SELECT b.side, t.oid, t.typtype, t.typbasetype
							 FROM base b
							 JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) b.typbasetype
							WHERE b.typtype OPERATOR(pg_catalog.=) 'd')
					   SELECT pg_catalog.min(b.oid) FILTER (WHERE b.side OPERATOR(pg_catalog.=) 1) AS fk_base,
							  pg_catalog.min(b.oid) FILTER (WHERE b.side OPERATOR(pg_catalog.=) 2) AS pk_base
						 FROM base b
						WHERE b.typtype OPERATOR(pg_catalog.<>) 'd') bt
				 WHERE f.parent_fk IS NULL
				   AND bt.fk_base OPERATOR(pg_catalog.<>) bt.pk_base
				 GROUP BY f.table_name, f.fk_name, f.fk) x
	)
	SELECT severity, problem, table_name, fk_name, fk, reason, advice
	  FROM findings
	 ORDER BY CASE WHEN severity OPERATOR(pg_catalog.=) 'error' THEN 1
				   WHEN severity OPERATOR(pg_catalog.=) 'warning' THEN 2 ELSE 3 END,
			  rank, table_name::pg_catalog.text COLLATE "C", fk_name COLLATE "C";
END;

COMMENT ON FUNCTION @extschema@.report() IS
'what is wrong with the foreign keys, from the catalogs only: severity, problem (not enforced, not valid, cycle without deferrable key, unindexed, cross-type key), the constraint, reason and advice';

--
-- ri_audit.report_json(): report() for CI, as one jsonb object
-- {"errors": n, "warnings": n, "notices": n, "findings": [{...}, ...]},
-- findings in report()'s order, each with report()'s columns (table_name
-- as its qualified name).  Catalog facts only, EXECUTE granted to PUBLIC.
--
CREATE FUNCTION @extschema@.report_json()
RETURNS pg_catalog.jsonb
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
	SELECT pg_catalog.jsonb_build_object(
			   'errors', pg_catalog.count(*) FILTER (WHERE r.severity OPERATOR(pg_catalog.=) 'error'),
			   'warnings', pg_catalog.count(*) FILTER (WHERE r.severity OPERATOR(pg_catalog.=) 'warning'),
			   'notices', pg_catalog.count(*) FILTER (WHERE r.severity OPERATOR(pg_catalog.=) 'notice'),
			   'findings', COALESCE(pg_catalog.jsonb_agg(pg_catalog.jsonb_build_object(
								   'severity', r.severity,
								   'problem', r.problem,
								   'table_name', r.table_name::pg_catalog.text,
								   'fk_name', r.fk_name,
								   'fk', r.fk::pg_catalog.int8,
								   'reason', r.reason,
								   'advice', r.advice) ORDER BY r.n)
							   FILTER (WHERE r.n IS NOT NULL),
							   '[]'::pg_catalog.jsonb))
	  FROM @extschema@.report() WITH ORDINALITY AS r(severity, problem, table_name, fk_name, fk, reason, advice, n);
END;

COMMENT ON FUNCTION @extschema@.report_json() IS
'report() as one jsonb object for CI: counts of errors, warnings and notices, and the findings';


-- The helper is not part of the extension.
DROP FUNCTION @extschema@.upgrade_carry_privileges(pg_catalog.regprocedure, pg_catalog.regprocedure);
