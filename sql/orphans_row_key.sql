--
-- orphans(): row_table and row_key, and the declarations of 1.0 and 1.1,
-- which the same C functions serve (by column name) until a database is
-- updated.
--
SET client_min_messages = warning;
CREATE SCHEMA rk;
SET search_path = rk, public;

CREATE TABLE parent (id int PRIMARY KEY);
INSERT INTO parent VALUES (1), (2);

-- Which columns: the primary key (whatever the replica identity); else the
-- replica identity index; else none (a unique key alone, no key): NULL.
CREATE TABLE with_pk (a int, b text, parent_id int REFERENCES parent,
	PRIMARY KEY (b, a));
CREATE TABLE with_ri (id int NOT NULL, code text NOT NULL, parent_id int REFERENCES parent);
CREATE UNIQUE INDEX with_ri_code ON with_ri (code);
ALTER TABLE with_ri REPLICA IDENTITY USING INDEX with_ri_code;
CREATE TABLE with_unique (id int UNIQUE, parent_id int REFERENCES parent);
CREATE TABLE with_full (id int PRIMARY KEY, parent_id int REFERENCES parent);
CREATE TABLE no_key (id int, parent_id int REFERENCES parent);
-- A partitioned table whose partitions' primary key comes from the parent;
-- one partition has a key of its own only (the parent has none).
CREATE TABLE parted (id int, region text, parent_id int REFERENCES parent,
	PRIMARY KEY (id, region)) PARTITION BY LIST (region);
CREATE TABLE parted_eu PARTITION OF parted FOR VALUES IN ('eu');
CREATE TABLE parted_us PARTITION OF parted FOR VALUES IN ('us');
CREATE TABLE loose (id int, k int, parent_id int REFERENCES parent)
	PARTITION BY LIST (k);
CREATE TABLE loose_1 PARTITION OF loose FOR VALUES IN (1);
ALTER TABLE loose_1 ADD PRIMARY KEY (id);
CREATE TABLE loose_2 PARTITION OF loose FOR VALUES IN (2);

SET session_replication_role = replica;
INSERT INTO with_pk VALUES (1, 'x', 1), (2, 'y', 9), (3, 'z"q', 8);
INSERT INTO with_ri VALUES (1, 'c1', 9), (2, 'c2', 2);
INSERT INTO with_unique VALUES (1, 9);
INSERT INTO with_full VALUES (1, 9);
ALTER TABLE with_full REPLICA IDENTITY FULL;
INSERT INTO no_key VALUES (1, 9);
INSERT INTO parted VALUES (1, 'eu', 9), (1, 'us', 9), (2, 'us', 1);
INSERT INTO loose VALUES (1, 1, 9), (1, 2, 9);
RESET session_replication_role;

SELECT o.table_name, o.row_table, o.key, o.row_key
  FROM pg_constraint c, ri_audit.orphans(c.oid) o
 WHERE c.connamespace = 'rk'::regnamespace AND c.contype = 'f'
   AND c.conparentid = 0
 ORDER BY c.conname, o.row_table::text, o.row_ctid;

-- Both scan paths give the same rows and row keys (the planner path reads
-- the same snapshot).
CREATE TEMP TABLE by_auto AS
SELECT o.fk, o.row_table, o.row_ctid, o.key::text AS key, o.row_key::text AS row_key
  FROM pg_constraint c, ri_audit.orphans(c.oid) o
 WHERE c.connamespace = 'rk'::regnamespace AND c.contype = 'f';
SET ri_audit.scan_method = planner;
CREATE TEMP TABLE by_planner AS
SELECT o.fk, o.row_table, o.row_ctid, o.key::text AS key, o.row_key::text AS row_key
  FROM pg_constraint c, ri_audit.orphans(c.oid) o
 WHERE c.connamespace = 'rk'::regnamespace AND c.contype = 'f';
RESET ri_audit.scan_method;
SELECT (SELECT count(*) FROM by_auto) AS orphans,
	   (SELECT count(*) FROM by_auto WHERE row_key IS NOT NULL) AS with_row_key,
	   (SELECT count(*) FROM ((TABLE by_auto EXCEPT ALL TABLE by_planner)
			UNION ALL (TABLE by_planner EXCEPT ALL TABLE by_auto)) d) AS rows_differing;

-- The row key names the row: it finds exactly the orphan, by the values
-- the table holds (a text key with a quote included).
SELECT count(*) AS rows_found
  FROM ri_audit.orphans('with_pk', 'with_pk_parent_id_fkey') o,
	   jsonb_populate_record(NULL::with_pk, o.row_key) k
  JOIN with_pk t ON (t.a, t.b) = (k.a, k.b)
 WHERE t.parent_id NOT IN (SELECT id FROM parent);

-- Privileges: the row key shows columns the caller may read through the
-- constraint's table, else NULL; everything else as before.
CREATE ROLE regress_rk_auditor;
GRANT USAGE ON SCHEMA rk TO regress_rk_auditor;
GRANT EXECUTE ON FUNCTION ri_audit.orphans(regclass, name, bigint),
	ri_audit.orphans(text, text, bigint) TO regress_rk_auditor;
GRANT SELECT (parent_id, ctid, tableoid) ON with_pk, parted TO regress_rk_auditor;
GRANT SELECT (id) ON parent TO regress_rk_auditor;
SET ROLE regress_rk_auditor;
SELECT row_table, key, row_key FROM ri_audit.orphans('with_pk', 'with_pk_parent_id_fkey');
SELECT row_table, key, row_key FROM ri_audit.orphans('parted', 'parted_parent_id_fkey');
RESET ROLE;
-- One key column is not enough.
GRANT SELECT (a) ON with_pk TO regress_rk_auditor;
SET ROLE regress_rk_auditor;
SELECT row_table, key, row_key FROM ri_audit.orphans('with_pk', 'with_pk_parent_id_fkey');
RESET ROLE;
GRANT SELECT (b) ON with_pk TO regress_rk_auditor;
GRANT SELECT (id, region) ON parted TO regress_rk_auditor;
SET ROLE regress_rk_auditor;
SELECT row_table, key, row_key FROM ri_audit.orphans('with_pk', 'with_pk_parent_id_fkey');
-- A partition's columns are those of the partitioned table it was read
-- through.
SELECT row_table, key, row_key FROM ri_audit.orphans('parted', 'parted_parent_id_fkey');
RESET ROLE;

-- The declarations of 1.0 and 1.1 (fk, table_name, row_ctid, key), where
-- table_name was the table holding the row, still work with this library:
-- the values are placed by column name.
CREATE FUNCTION public.orphans_1_1(fk oid, max_rows bigint DEFAULT NULL)
RETURNS TABLE (fk oid, table_name regclass, row_ctid tid, key jsonb)
AS '$libdir/ri_audit', 'ri_audit_orphans' LANGUAGE C VOLATILE;
SELECT o.table_name, o.row_ctid, o.key
  FROM public.orphans_1_1((SELECT oid FROM pg_constraint
						   WHERE conname = 'parted_parent_id_fkey'
							 AND conparentid = 0)) o;
CREATE FUNCTION public.check_foreign_keys_1_1(tables regclass[] DEFAULT NULL,
	sample_size int DEFAULT 3)
RETURNS TABLE (fk oid, fk_name name, table_name regclass,
			   referenced_table regclass, validated bool, status text,
			   rows_checked bigint, orphan_count bigint, sample jsonb,
			   elapsed interval)
AS '$libdir/ri_audit', 'ri_audit_check_foreign_keys' LANGUAGE C VOLATILE;
GRANT EXECUTE ON FUNCTION public.check_foreign_keys_1_1(regclass[], int) TO regress_rk_auditor;
SET ROLE regress_rk_auditor;
SELECT fk_name, status, orphan_count
  FROM public.check_foreign_keys_1_1('{rk.with_pk, rk.no_key}');
RESET ROLE;
-- Columns in another order are placed by name too.
CREATE FUNCTION public.orphans_shuffled(fk oid, max_rows bigint DEFAULT NULL)
RETURNS TABLE (row_key jsonb, key jsonb, row_ctid tid, row_table regclass,
			   table_name regclass, fk oid)
AS '$libdir/ri_audit', 'ri_audit_orphans' LANGUAGE C VOLATILE;
SELECT o.row_key, o.key, o.row_table, o.table_name
  FROM public.orphans_shuffled((SELECT oid FROM pg_constraint
								WHERE conname = 'parted_parent_id_fkey'
								  AND conparentid = 0)) o;
-- A declaration without a required column, with one the library does not
-- know, or with a column of another type, is refused.
CREATE FUNCTION public.orphans_bad(fk oid, max_rows bigint DEFAULT NULL)
RETURNS TABLE (fk oid, table_name regclass, key jsonb)
AS '$libdir/ri_audit', 'ri_audit_orphans' LANGUAGE C VOLATILE;
SELECT * FROM public.orphans_bad(0);
CREATE FUNCTION public.orphans_extra(fk oid, max_rows bigint DEFAULT NULL)
RETURNS TABLE (fk oid, table_name regclass, row_ctid tid, key jsonb, extra int)
AS '$libdir/ri_audit', 'ri_audit_orphans' LANGUAGE C VOLATILE;
SELECT * FROM public.orphans_extra(0);
CREATE FUNCTION public.orphans_mistyped(fk oid, max_rows bigint DEFAULT NULL)
RETURNS TABLE (fk oid, table_name text, row_ctid tid, key jsonb)
AS '$libdir/ri_audit', 'ri_audit_orphans' LANGUAGE C VOLATILE;
SELECT * FROM public.orphans_mistyped(0);
DROP FUNCTION public.orphans_1_1(oid, bigint), public.orphans_shuffled(oid, bigint),
	public.orphans_bad(oid, bigint), public.orphans_extra(oid, bigint),
	public.orphans_mistyped(oid, bigint),
	public.check_foreign_keys_1_1(regclass[], int);

RESET search_path;
DROP SCHEMA rk CASCADE;
REVOKE EXECUTE ON FUNCTION ri_audit.orphans(regclass, name, bigint),
	ri_audit.orphans(text, text, bigint) FROM regress_rk_auditor;
DROP ROLE regress_rk_auditor;
