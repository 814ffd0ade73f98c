/* ri_audit/ri_audit--1.0.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "CREATE EXTENSION ri_audit" to load this file. \quit

-- CREATE EXTENSION makes the schema (control file: schema = ri_audit), owned
-- by the installing role.  Every role may look objects up in it; what each
-- object lets a role do is granted object by object below.
GRANT USAGE ON SCHEMA @extschema@ TO PUBLIC;

--
-- ri_audit.foreign_keys
--
-- One row per foreign key constraint in the database, from pg_constraint
-- alone (no user table is read, no lock is taken on one).  Partition copies
-- of a constraint are rows too; parent_fk names the constraint each was
-- cloned from.  has_index: a valid, live, non-partial btree or hash index on
-- the referencing table whose leading key columns are exactly the foreign
-- key's columns, in any order.  Every reference is schema-qualified.
--
CREATE VIEW @extschema@.foreign_keys AS
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
	   c.condeferrable AS deferrable,
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
	   pg_catalog.pg_get_constraintdef(c.oid) AS definition
  FROM pg_catalog.pg_constraint c
 WHERE c.contype OPERATOR(pg_catalog.=) 'f';

COMMENT ON VIEW @extschema@.foreign_keys IS
'one row per foreign key constraint, partition copies included';

-- The view shows catalog facts that pg_constraint already shows to everyone.
GRANT SELECT ON @extschema@.foreign_keys TO PUBLIC;

--
-- ri_audit.load_order(tables regclass[] DEFAULT NULL)
--
-- Tables in an order that loads (ascending level) or empties (descending
-- level) them without violating a foreign key; cycles are numbered and come
-- with a note on how to load them.  Reads only catalogs, so EXECUTE stays
-- granted to PUBLIC like any function's.
--
CREATE FUNCTION @extschema@.load_order(
	tables regclass[] DEFAULT NULL,
	OUT level integer,
	OUT table_name regclass,
	OUT depends_on regclass[],
	OUT self_reference boolean,
	OUT cycle integer,
	OUT note text)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ri_audit_load_order'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.load_order(regclass[]) IS
'tables ordered by foreign key dependencies, for loading and emptying';

--
-- ri_audit.unindexed_foreign_keys
--
-- Top-level foreign keys without a supporting index (has_index false), with
-- what makes them costly: the referenced table's actions, and the size of
-- the referencing table (planner estimates from pg_class, summed over the
-- leaf partitions of a partitioned table; no table is opened or locked).  suggested_index is a statement that adds
-- the index: CONCURRENTLY for a plain table; for a partitioned table, whose
-- indexes cannot be built concurrently, a plain CREATE INDEX.
--
CREATE VIEW @extschema@.unindexed_foreign_keys AS
WITH RECURSIVE tree(root, relid) AS (
	SELECT f.table_name::pg_catalog.oid, f.table_name::pg_catalog.oid
	  FROM @extschema@.foreign_keys f
	 WHERE NOT f.has_index AND f.parent_fk IS NULL
	UNION
	SELECT t.root, i.inhrelid
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
)
SELECT f.fk, f.fk_name, f.table_name, f.columns, f.referenced_table,
	   f.on_delete, f.on_update,
	   s.est_rows AS table_rows,
	   s.est_bytes AS table_bytes,
	   'CREATE INDEX ' ||
	   CASE WHEN c.relkind OPERATOR(pg_catalog.=) 'p' THEN '' ELSE 'CONCURRENTLY ' END ||
	   'ON ' || pg_catalog.quote_ident(n.nspname) || '.' ||
	   pg_catalog.quote_ident(c.relname) || ' (' ||
	   (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(col), ', ' ORDER BY ord)
		  FROM pg_catalog.unnest(f.columns) WITH ORDINALITY AS k(col, ord)) ||
	   ')' AS suggested_index
  FROM @extschema@.foreign_keys f
  JOIN pg_catalog.pg_class c ON c.oid OPERATOR(pg_catalog.=) f.table_name::pg_catalog.oid
  JOIN pg_catalog.pg_namespace n ON n.oid OPERATOR(pg_catalog.=) c.relnamespace
  LEFT JOIN sizes s ON s.root OPERATOR(pg_catalog.=) f.table_name::pg_catalog.oid
 WHERE NOT f.has_index AND f.parent_fk IS NULL;

COMMENT ON VIEW @extschema@.unindexed_foreign_keys IS
'foreign keys whose referencing side has no supporting index, with a statement to add one';

GRANT SELECT ON @extschema@.unindexed_foreign_keys TO PUBLIC;

--
-- ri_audit.foreign_key_graph(tables regclass[] DEFAULT NULL)
--
-- The foreign key graph as Graphviz DOT text (render with dot -Tsvg).  Reads
-- only catalogs, so EXECUTE stays granted to PUBLIC.
--
CREATE FUNCTION @extschema@.foreign_key_graph(tables regclass[] DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'ri_audit_foreign_key_graph'
LANGUAGE C STABLE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.foreign_key_graph(regclass[]) IS
'the foreign key graph in Graphviz DOT format';

--
-- Orphan finder and validation (orphans.c, validate.c)
--
-- Every function here reveals row data (keys and locations of orphan rows)
-- or changes constraints, so none is executable by PUBLIC; grant EXECUTE to
-- the roles that audit.  They run as the caller and check the caller's
-- SELECT privileges and row-level security on every table they read.
-- Not STRICT: a NULL table list means "every table", a NULL max_rows "all
-- rows"; other NULL arguments are rejected with an error.
--

--
-- ri_audit.orphans(fk, max_rows): the orphan rows of one foreign key.
--
CREATE FUNCTION @extschema@.orphans(fk pg_catalog.oid,
									max_rows pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (fk pg_catalog.oid, table_name pg_catalog.regclass,
			   row_ctid pg_catalog.tid, key pg_catalog.jsonb)
AS 'MODULE_PATHNAME', 'ri_audit_orphans'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.orphans(pg_catalog.oid, pg_catalog.int8) IS
'rows violating a foreign key, by table, key and ctid';

REVOKE ALL ON FUNCTION @extschema@.orphans(pg_catalog.oid, pg_catalog.int8)
	FROM PUBLIC;

--
-- ri_audit.orphans(table_name, fk_name, max_rows): the same, by name.
--
CREATE FUNCTION @extschema@.orphans(table_name pg_catalog.regclass,
									fk_name pg_catalog.name,
									max_rows pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (fk pg_catalog.oid, table_name pg_catalog.regclass,
			   row_ctid pg_catalog.tid, key pg_catalog.jsonb)
AS 'MODULE_PATHNAME', 'ri_audit_orphans_by_name'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.orphans(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8) IS
'rows violating a foreign key named by table and constraint name';

REVOKE ALL ON FUNCTION @extschema@.orphans(pg_catalog.regclass, pg_catalog.name, pg_catalog.int8)
	FROM PUBLIC;

--
-- ri_audit.orphans(table_name text, fk_name text, max_rows): the same for
-- untyped literals.  With only the oid and regclass variants, the natural
-- call orphans('orders', 'orders_customer_id_fkey') is ambiguous to
-- PostgreSQL's overload resolution; string-typed parameters win it.  The
-- body is parsed at creation (BEGIN ATOMIC), so the caller's search_path
-- only decides which table the text names, as a regclass cast does.
--
CREATE FUNCTION @extschema@.orphans(table_name pg_catalog.text,
									fk_name pg_catalog.text,
									max_rows pg_catalog.int8 DEFAULT NULL)
RETURNS TABLE (fk pg_catalog.oid, table_name pg_catalog.regclass,
			   row_ctid pg_catalog.tid, key pg_catalog.jsonb)
LANGUAGE sql VOLATILE PARALLEL RESTRICTED
BEGIN ATOMIC
	SELECT o.fk, o.table_name, o.row_ctid, o.key
	  FROM @extschema@.orphans($1::pg_catalog.regclass, $2::pg_catalog.name, $3) o;
END;

COMMENT ON FUNCTION @extschema@.orphans(pg_catalog.text, pg_catalog.text, pg_catalog.int8) IS
'rows violating a foreign key named by table and constraint name, given as text';

REVOKE ALL ON FUNCTION @extschema@.orphans(pg_catalog.text, pg_catalog.text, pg_catalog.int8)
	FROM PUBLIC;

--
-- ri_audit.check_foreign_keys(tables, sample_size): one row per top-level
-- foreign key of the given referencing tables (NULL: all).
--
CREATE FUNCTION @extschema@.check_foreign_keys(
	tables pg_catalog.regclass[] DEFAULT NULL,
	sample_size pg_catalog.int4 DEFAULT 3)
RETURNS TABLE (fk pg_catalog.oid, fk_name pg_catalog.name,
			   table_name pg_catalog.regclass,
			   referenced_table pg_catalog.regclass,
			   validated pg_catalog.bool, status pg_catalog.text,
			   rows_checked pg_catalog.int8, orphan_count pg_catalog.int8,
			   sample pg_catalog.jsonb, elapsed pg_catalog.interval)
AS 'MODULE_PATHNAME', 'ri_audit_check_foreign_keys'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.check_foreign_keys(pg_catalog.regclass[], pg_catalog.int4) IS
'orphan count and sample keys per foreign key';

REVOKE ALL ON FUNCTION @extschema@.check_foreign_keys(pg_catalog.regclass[], pg_catalog.int4)
	FROM PUBLIC;

--
-- ri_audit.orphan_summary: check_foreign_keys() over every foreign key.
--
CREATE VIEW @extschema@.orphan_summary AS
SELECT fk, fk_name, table_name, referenced_table, validated, status,
	   rows_checked, orphan_count, sample, elapsed
  FROM @extschema@.check_foreign_keys(NULL::pg_catalog.regclass[], 3);

COMMENT ON VIEW @extschema@.orphan_summary IS
'orphan count and sample keys of every foreign key';

REVOKE ALL ON @extschema@.orphan_summary FROM PUBLIC;

--
-- ri_audit.assert_no_orphans(tables): ERROR 23503 when any orphan exists.
--
CREATE FUNCTION @extschema@.assert_no_orphans(
	tables pg_catalog.regclass[] DEFAULT NULL)
RETURNS void
AS 'MODULE_PATHNAME', 'ri_audit_assert_no_orphans'
LANGUAGE C VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.assert_no_orphans(pg_catalog.regclass[]) IS
'raise foreign_key_violation if any foreign key of the tables has orphans';

REVOKE ALL ON FUNCTION @extschema@.assert_no_orphans(pg_catalog.regclass[])
	FROM PUBLIC;

--
-- ri_audit.validate(fk, dry_run, lock_timeout): check a NOT VALID foreign
-- key and, unless dry_run, run ALTER TABLE ... VALIDATE CONSTRAINT.
--
CREATE FUNCTION @extschema@.validate(fk pg_catalog.oid,
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

--
-- ri_audit.validate_all(dry_run, lock_timeout): validate() for every NOT
-- VALID foreign key.
--
CREATE FUNCTION @extschema@.validate_all(dry_run pg_catalog.bool DEFAULT true,
										 lock_timeout pg_catalog.interval DEFAULT '5s')
RETURNS TABLE (fk pg_catalog.oid, fk_name pg_catalog.name,
			   table_name pg_catalog.regclass, status pg_catalog.text,
			   orphan_count pg_catalog.int8)
AS 'MODULE_PATHNAME', 'ri_audit_validate_all'
LANGUAGE C VOLATILE PARALLEL UNSAFE;

COMMENT ON FUNCTION @extschema@.validate_all(pg_catalog.bool, pg_catalog.interval) IS
'validate() for every NOT VALID foreign key';

REVOKE ALL ON FUNCTION @extschema@.validate_all(pg_catalog.bool, pg_catalog.interval)
	FROM PUBLIC;

--
-- DROP preview (drop_target.c, dependency_walk.c, drop_preview.c)
--
-- drop_preview(ddl): every object the DROP statement in ddl (or ALTER TABLE
-- ... DROP COLUMN / DROP CONSTRAINT) would delete with CASCADE, from the
-- catalogs, without running it.  assert_drop_safe(ddl): PostgreSQL's
-- "cannot drop ... because other objects depend on it" error when the
-- statement would need CASCADE, with every dependent listed.
--
-- Both show only catalog facts that pg_depend and pg_describe_object()
-- already show to every role, read no table data and take no lock stronger
-- than AccessShareLock, so every role may call them.
--
CREATE FUNCTION @extschema@.drop_preview(
	ddl pg_catalog.text,
	OUT "position" pg_catalog.int4,
	OUT classid pg_catalog.oid,
	OUT objid pg_catalog.oid,
	OUT objsubid pg_catalog.int4,
	OUT object_type pg_catalog.text,
	OUT object_identity pg_catalog.text,
	OUT description pg_catalog.text,
	OUT depends_on pg_catalog.text,
	OUT dependency pg_catalog.text,
	OUT requires_cascade pg_catalog.bool)
RETURNS SETOF record
AS 'MODULE_PATHNAME', 'ri_audit_drop_preview'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.drop_preview(pg_catalog.text) IS
'what the DROP statement would remove with CASCADE, without running it';

REVOKE ALL ON FUNCTION @extschema@.drop_preview(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.drop_preview(pg_catalog.text) TO PUBLIC;

CREATE FUNCTION @extschema@.assert_drop_safe(ddl pg_catalog.text)
RETURNS pg_catalog.void
AS 'MODULE_PATHNAME', 'ri_audit_assert_drop_safe'
LANGUAGE C STRICT VOLATILE PARALLEL RESTRICTED;

COMMENT ON FUNCTION @extschema@.assert_drop_safe(pg_catalog.text) IS
'raise 2BP01 if the DROP statement would need CASCADE';

REVOKE ALL ON FUNCTION @extschema@.assert_drop_safe(pg_catalog.text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION @extschema@.assert_drop_safe(pg_catalog.text) TO PUBLIC;
