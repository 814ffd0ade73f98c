--
-- The key set path's scan of the referencing table run in parallel
-- (orphan_parallel.c): the same orphans, rows and keys as the planner path,
-- on integer, uuid, text and composite keys, with NULLs and MATCH FULL; a
-- table below min_parallel_table_scan_size, or no workers allowed, stays
-- serial (no "scanned in parallel" line at DEBUG1).
--
SET client_min_messages = warning;
CREATE SCHEMA kpar;
SET search_path = kpar, public;
\set VERBOSITY terse

CREATE TABLE p_int (id int PRIMARY KEY);
CREATE TABLE p_uuid (id uuid PRIMARY KEY);
CREATE TABLE p_text (id text PRIMARY KEY);
CREATE TABLE p_comp (a int, b text, c uuid, PRIMARY KEY (a, b, c));
INSERT INTO p_int SELECT g FROM generate_series(1, 20000) g;
INSERT INTO p_uuid SELECT md5(g::text)::uuid FROM generate_series(1, 5000) g;
INSERT INTO p_text SELECT 'k' || g FROM generate_series(1, 5000) g;
INSERT INTO p_comp SELECT g % 50, 'b' || (g % 7), md5((g % 13)::text)::uuid
  FROM generate_series(1, 5000) g ON CONFLICT DO NOTHING;

-- One table with a foreign key of each kind (two sharing a set), and
-- orphans, NULLs and partly-NULL MATCH FULL keys spread over its pages.
CREATE TABLE c (id int, i int REFERENCES p_int, i2 int REFERENCES p_int,
				u uuid REFERENCES p_uuid, t text REFERENCES p_text,
				a int, b text, cu uuid,
				FOREIGN KEY (a, b, cu) REFERENCES p_comp,
				CONSTRAINT c_full FOREIGN KEY (a, b, cu) REFERENCES p_comp MATCH FULL);
SET session_replication_role = replica;
INSERT INTO c
SELECT g,
	   CASE WHEN g % 97 = 0 THEN 100000 + g WHEN g % 89 = 0 THEN NULL ELSE g % 20000 + 1 END,
	   CASE WHEN g % 101 = 0 THEN -g ELSE g % 20000 + 1 END,
	   CASE WHEN g % 83 = 0 THEN md5((-g)::text)::uuid WHEN g % 79 = 0 THEN NULL
			ELSE md5((g % 5000 + 1)::text)::uuid END,
	   CASE WHEN g % 73 = 0 THEN 'missing' || g WHEN g % 71 = 0 THEN NULL
			ELSE 'k' || (g % 5000 + 1) END,
	   CASE WHEN g % 67 = 0 THEN NULL ELSE g % 50 END,
	   CASE WHEN g % 61 = 0 THEN 'nope' WHEN g % 59 = 0 THEN NULL ELSE 'b' || (g % 50 % 7) END,
	   md5((g % 50 % 13)::text)::uuid
  FROM generate_series(1, 60000) g;
RESET session_replication_role;
ANALYZE c;

-- The orphans under the planner path, for comparison.
SET ri_audit.scan_method = planner;
CREATE TABLE want AS
SELECT k.conname AS fk_name, o.row_ctid, o.key::text AS key
  FROM pg_constraint k,
	   LATERAL ri_audit.orphans('c'::regclass, k.conname) o
 WHERE k.conrelid = 'c'::regclass AND k.contype = 'f';
CREATE TABLE want_counts AS
SELECT fk_name, orphan_count FROM ri_audit.check_foreign_keys('{c}');
RESET ri_audit.scan_method;
SELECT fk_name, count(*) FROM want GROUP BY 1 ORDER BY 1;

-- Forced parallel: the same rows and counts, and the DEBUG1 line.
SET max_parallel_workers_per_gather = 2;
SET min_parallel_table_scan_size = 0;
SET client_min_messages = debug1;
CREATE TABLE got_counts AS
SELECT fk_name, orphan_count FROM ri_audit.check_foreign_keys('{c}');
SET client_min_messages = warning;
SELECT * FROM want_counts EXCEPT ALL SELECT * FROM got_counts;
SELECT * FROM got_counts EXCEPT ALL SELECT * FROM want_counts;
CREATE TABLE got AS
SELECT k.conname AS fk_name, o.row_ctid, o.key::text AS key
  FROM pg_constraint k,
	   LATERAL ri_audit.orphans('c'::regclass, k.conname) o
 WHERE k.conrelid = 'c'::regclass AND k.contype = 'f';
SELECT count(*) AS missing FROM (TABLE want EXCEPT ALL TABLE got) x;
SELECT count(*) AS extra FROM (TABLE got EXCEPT ALL TABLE want) x;
SELECT count(*) AS rows FROM got;

-- One orphans() call, at DEBUG1: parallel too.
SET client_min_messages = debug1;
SELECT count(*) FROM ri_audit.orphans('c'::regclass, 'c_full');
SET client_min_messages = warning;

-- No workers allowed, or a table below the threshold: serial, no line.
SET max_parallel_workers_per_gather = 0;
SET client_min_messages = debug1;
SELECT count(*) FROM ri_audit.orphans('c'::regclass, 'c_full');
SET client_min_messages = warning;
RESET max_parallel_workers_per_gather;
SET min_parallel_table_scan_size = '1GB';
SET client_min_messages = debug1;
SELECT count(*) FROM ri_audit.orphans('c'::regclass, 'c_full');
SET client_min_messages = warning;
-- Partitioned referencing tables stay serial.
SET min_parallel_table_scan_size = 0;
CREATE TABLE cp (i int REFERENCES p_int) PARTITION BY RANGE (i);
CREATE TABLE cp1 PARTITION OF cp FOR VALUES FROM (MINVALUE) TO (10000);
CREATE TABLE cp2 PARTITION OF cp FOR VALUES FROM (10000) TO (MAXVALUE);
SET session_replication_role = replica;
INSERT INTO cp SELECT CASE WHEN g % 10 = 0 THEN -g ELSE g END
  FROM generate_series(1, 20000) g;
RESET session_replication_role;
SET client_min_messages = debug1;
SELECT orphan_count FROM ri_audit.check_foreign_keys('{cp}');
SET client_min_messages = warning;
-- A key set that does not fit the budget (spilled) stays serial.
SET ri_audit.work_mem = 64;
SET log_temp_files = -1;
SET client_min_messages = debug1;
SELECT count(*) FROM ri_audit.orphans('c'::regclass, 'c_u_fkey');
SET client_min_messages = warning;
RESET ri_audit.work_mem;
RESET log_temp_files;
RESET min_parallel_table_scan_size;
RESET max_parallel_workers_per_gather;

DROP SCHEMA kpar CASCADE;
