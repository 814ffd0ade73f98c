--
-- check_foreign_keys() and assert_no_orphans() keep a referenced key set
-- from one referencing table to the next (RiKeysetCache, orphan_keyset.c)
-- while the budget holds it.  Referencing tables that share referenced
-- keys, with orphans in each, get exactly the planner path's answers
-- (every orphan key, in order, through a sample as large as the count)
-- when the sets are kept (the default budget: DEBUG2 says "kept from an
-- earlier table"), when they make room for each other (1400 kB: some are
-- dropped and built again), and when none can be kept (64 kB: each is
-- built again for each table, in batches).
--
SET client_min_messages = warning;
CREATE SCHEMA kr;
SET search_path = kr, public;

-- Referenced: an int key (sparse: a hash set), a text key and a composite
-- (int, text) key of one table, and a uuid key of a partitioned table.
CREATE TABLE rp (id int PRIMARY KEY, code text UNIQUE, a int, b text,
	UNIQUE (a, b));
INSERT INTO rp SELECT g * 7919, 'code ' || g, g % 100, 'b' || g
  FROM generate_series(1, 20000) g;
CREATE TABLE ru (id uuid PRIMARY KEY) PARTITION BY HASH (id);
CREATE TABLE ru_0 PARTITION OF ru FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE ru_1 PARTITION OF ru FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO ru SELECT md5(g::text)::uuid FROM generate_series(1, 20000) g;
-- (analyzed: the key sets are planned from the statistics, and the sizes
-- below are those of sets planned for the keys there are)
ANALYZE rp, ru;

-- Referencing: a1 and a2 (int and bigint) share rp.id, b1 and b2 (text
-- and varchar) rp.code, c1 and c2 rp (a, b) (the second MATCH FULL), d1
-- and d2 ru.id; e1 and e2 come back to rp.id and rp.code after the others
-- in name order, and f1 reads rp.id and rp (a, b).  check_foreign_keys()
-- checks them grouped by the keys they read: a1, a2, e1 (rp.id), f1 (rp.id
-- and rp (a, b)), b1, b2, e2 (rp.code), c1, c2 (rp (a, b)), d1, d2 (ru.id).
-- Every table has orphans (about one row in 90), some NULL keys.
CREATE TABLE a1 (k int);
CREATE TABLE a2 (k bigint, x text);
CREATE TABLE b1 (k text);
CREATE TABLE b2 (x int, k varchar);
CREATE TABLE c1 (a int, b text);
CREATE TABLE c2 (b varchar, a int);
CREATE TABLE d1 (k uuid);
CREATE TABLE d2 (k uuid, j int);
CREATE TABLE e1 (k int);
CREATE TABLE e2 (k text);
CREATE TABLE f1 (k int, a int, b text);
INSERT INTO a1 SELECT CASE WHEN g % 97 = 0 THEN g * 7919 + 1 ELSE (g % 20000 + 1) * 7919 END
  FROM generate_series(1, 30000) g;
INSERT INTO a2 SELECT CASE WHEN g % 89 = 0 THEN -g ELSE (g % 20000 + 1) * 7919 END, 'x'
  FROM generate_series(1, 30000) g;
INSERT INTO a2 VALUES (NULL, 'null'), (7919::bigint * 1000000, 'out of int range');
INSERT INTO e1 SELECT CASE WHEN g % 101 = 0 THEN 3 ELSE g * 7919 END
  FROM generate_series(1, 20000) g;
INSERT INTO b1 SELECT CASE WHEN g % 97 = 0 THEN 'code ' || (g + 20000) ELSE 'code ' || (g % 20000 + 1) END
  FROM generate_series(1, 30000) g;
INSERT INTO b2 SELECT g, CASE WHEN g % 83 = 0 THEN 'Code ' || g ELSE 'code ' || (g % 20000 + 1) END
  FROM generate_series(1, 30000) g;
INSERT INTO b2 VALUES (0, NULL);
INSERT INTO e2 SELECT CASE WHEN g % 103 = 0 THEN 'code ' || g || ' ' ELSE 'code ' || g END
  FROM generate_series(1, 20000) g;
INSERT INTO f1 SELECT CASE WHEN g % 91 = 0 THEN -g ELSE g * 7919 END, g % 100,
	CASE WHEN g % 93 = 0 THEN 'f' || g ELSE 'b' || g END
  FROM generate_series(1, 20000) g;
INSERT INTO c1 SELECT g % 100, CASE WHEN g % 97 = 0 THEN 'c' || g ELSE 'b' || g END
  FROM generate_series(1, 20000) g;
INSERT INTO c1 VALUES (NULL, 'b1'), (1, NULL);
INSERT INTO c2 SELECT CASE WHEN g % 89 = 0 THEN 'b' || (g + 1) ELSE 'b' || g END, g % 100
  FROM generate_series(1, 20000) g;
INSERT INTO c2 VALUES (NULL, 1), ('b1', NULL), (NULL, NULL);
INSERT INTO d1 SELECT md5(CASE WHEN g % 97 = 0 THEN -g ELSE g % 20000 + 1 END::text)::uuid
  FROM generate_series(1, 10000) g;
INSERT INTO d2 SELECT md5(CASE WHEN g % 89 = 0 THEN -g ELSE g % 20000 + 1 END::text)::uuid, g
  FROM generate_series(1, 10000) g;
ALTER TABLE a1 ADD FOREIGN KEY (k) REFERENCES rp NOT VALID;
ALTER TABLE a2 ADD FOREIGN KEY (k) REFERENCES rp NOT VALID;
ALTER TABLE b1 ADD FOREIGN KEY (k) REFERENCES rp (code) NOT VALID;
ALTER TABLE b2 ADD FOREIGN KEY (k) REFERENCES rp (code) NOT VALID;
ALTER TABLE c1 ADD FOREIGN KEY (a, b) REFERENCES rp (a, b) NOT VALID;
ALTER TABLE c2 ADD FOREIGN KEY (a, b) REFERENCES rp (a, b) MATCH FULL NOT VALID;
ALTER TABLE d1 ADD FOREIGN KEY (k) REFERENCES ru NOT VALID;
ALTER TABLE d2 ADD FOREIGN KEY (k) REFERENCES ru NOT VALID;
ALTER TABLE e1 ADD FOREIGN KEY (k) REFERENCES rp NOT VALID;
ALTER TABLE e2 ADD FOREIGN KEY (k) REFERENCES rp (code) NOT VALID;
ALTER TABLE f1 ADD FOREIGN KEY (k) REFERENCES rp NOT VALID,
	ADD FOREIGN KEY (a, b) REFERENCES rp (a, b) NOT VALID;

-- check_foreign_keys() over tables by one scan method, with every orphan
-- key in the sample.
CREATE FUNCTION kr_check(method text, tables regclass[])
	RETURNS TABLE (fk_name name, status text, rows_checked bigint,
				   orphan_count bigint, sample jsonb)
	LANGUAGE plpgsql SET ri_audit.scan_method = 'auto' AS $$
BEGIN
	PERFORM set_config('ri_audit.scan_method', method, true);
	RETURN QUERY SELECT k.fk_name, k.status, k.rows_checked, k.orphan_count,
						k.sample
		FROM ri_audit.check_foreign_keys(tables, 100000) k;
END $$;
-- Both paths side by side over tables (by default all of the above): the
-- counts, whether the fast path's row (its sample holding every orphan key
-- in output order) equals the planner's.
CREATE FUNCTION kr_compare(
		tables regclass[] DEFAULT '{a1, a2, b1, b2, c1, c2, d1, d2, e1, e2, f1}')
	RETURNS TABLE (fk_name name, status text, rows_checked bigint,
				   orphan_count bigint, same_with_planner bool)
	LANGUAGE sql AS $$
	SELECT f.fk_name, f.status, f.rows_checked, f.orphan_count,
		   f IS NOT DISTINCT FROM p
	  FROM kr_check('fast', tables) f
		   FULL JOIN kr_check('planner', tables) p USING (fk_name)
	 ORDER BY 1
$$;
-- assert_no_orphans() by one scan method: its error.
CREATE FUNCTION kr_assert(method text) RETURNS text
	LANGUAGE plpgsql SET ri_audit.scan_method = 'auto' AS $$
BEGIN
	PERFORM set_config('ri_audit.scan_method', method, true);
	PERFORM ri_audit.assert_no_orphans('{a1, a2, b1, b2, c1, c2, d1, d2, e1, e2, f1}');
	RETURN 'no orphans';
EXCEPTION WHEN foreign_key_violation THEN
	DECLARE
		msg text;
		detail text;
		hint text;
	BEGIN
		GET STACKED DIAGNOSTICS msg = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL,
			hint = PG_EXCEPTION_HINT;
		RETURN msg || ' / ' || detail || ' / ' || hint;
	END;
END $$;
-- The same orphans as the planner path, key by key, for assert_no_orphans()
-- with a key set kept for a later table too.
CREATE FUNCTION kr_assert_compare() RETURNS TABLE (fast text, same_with_planner bool)
	LANGUAGE sql AS $$
	SELECT kr_assert('fast'), kr_assert('fast') = kr_assert('planner')
$$;

-- The default budget: every set is built once; the later tables probe
-- the kept sets.  (A first run warms the caches, whose growth is also
-- reported at DEBUG1.)
SELECT * FROM kr_compare();
SELECT * FROM kr_assert_compare();
SET client_min_messages = debug2;
SELECT count(*) FROM ri_audit.check_foreign_keys('{a1, a2, b1, b2, c1, c2, d1, d2, e1, e2, f1}');
SET client_min_messages = warning;

-- 1400 kB: the sets of rp.id and rp (a, b) (about 260 kB and 1 MB) fit
-- together, rp.code (about 890 kB) not beside rp (a, b): b1 drops the set
-- of rp (a, b) that f1 built, and c1 builds it again; d1 builds ru.id
-- (about 790 kB) once c2 is done with rp (a, b).  The other tables probe
-- the kept sets.
SET ri_audit.work_mem = 1400;
SELECT * FROM kr_compare();
SELECT * FROM kr_assert_compare();
SET client_min_messages = debug2;
SELECT count(*) FROM ri_audit.check_foreign_keys('{a1, a2, b1, b2, c1, c2, d1, d2, e1, e2, f1}');
SET client_min_messages = warning;

-- 64 kB: no set fits whole, none is kept; each table's set is built again,
-- in batches.
SET ri_audit.work_mem = 64;
SET log_temp_files = -1;
SELECT * FROM kr_compare();
SELECT * FROM kr_assert_compare();
SET client_min_messages = debug2;
SELECT count(*) FROM ri_audit.check_foreign_keys('{a1, a2, b1, b2}');
SET client_min_messages = warning;
RESET ri_audit.work_mem;
RESET log_temp_files;

-- 1200 kB: g1, g2 and g3 each read rp.code (about 890 kB) and ru.id
-- (about 790 kB), which fit the budget each but not together.  Each table
-- is read once per set instead of once with both sets in batches, and the
-- three tables are checked set by set: rp.code is built once and probed by
-- g1, g2 and g3, then ru.id is built once and probed by the three.  (Table
-- by table, each table after the first built one of the sets again.)  The
-- sets come in the same order for every table, also for g2, whose first
-- key (by name) reads ru.id.  The same orphans as the planner path.
CREATE TABLE g1 (c text, u uuid);
CREATE TABLE g2 (u uuid, c varchar);
CREATE TABLE g3 (c text, u uuid);
INSERT INTO g1 SELECT CASE WHEN g % 97 = 0 THEN 'nope ' || g ELSE 'code ' || (g % 20000 + 1) END,
	md5(CASE WHEN g % 89 = 0 THEN -g ELSE g % 20000 + 1 END::text)::uuid
  FROM generate_series(1, 20000) g;
INSERT INTO g2 SELECT CASE WHEN g % 83 = 0 THEN NULL ELSE md5(CASE WHEN g % 79 = 0 THEN -g ELSE g % 20000 + 1 END::text)::uuid END,
	CASE WHEN g % 101 = 0 THEN 'Code ' || g ELSE 'code ' || (g % 20000 + 1) END
  FROM generate_series(1, 20000) g;
INSERT INTO g3 SELECT CASE WHEN g % 71 = 0 THEN 'nope ' || g ELSE 'code ' || (g % 20000 + 1) END,
	md5(CASE WHEN g % 67 = 0 THEN -g ELSE g % 20000 + 1 END::text)::uuid
  FROM generate_series(1, 5000) g;
ALTER TABLE g1 ADD FOREIGN KEY (c) REFERENCES rp (code) NOT VALID,
	ADD FOREIGN KEY (u) REFERENCES ru NOT VALID;
ALTER TABLE g2 ADD CONSTRAINT g2_a_fkey FOREIGN KEY (u) REFERENCES ru NOT VALID,
	ADD CONSTRAINT g2_b_fkey FOREIGN KEY (c) REFERENCES rp (code) NOT VALID;
ALTER TABLE g3 ADD FOREIGN KEY (c) REFERENCES rp (code) NOT VALID,
	ADD FOREIGN KEY (u) REFERENCES ru NOT VALID;
SET ri_audit.work_mem = 1200;
SELECT * FROM kr_compare('{g1, g2, g3}');
SET client_min_messages = debug2;
SELECT count(*) FROM ri_audit.check_foreign_keys('{g1, g2, g3}');
SET client_min_messages = warning;
RESET ri_audit.work_mem;

-- The rows come back in name order although the tables are checked in
-- another one, also when they pass through a sort that spills (work_mem
-- 64 kB, every orphan key in each row's sample: about 100 kB of rows; the
-- key sets kept whole, so that only that sort spills).
SET work_mem = 64;
SET ri_audit.work_mem = '16MB';
SELECT count(*) AS keys,
	   array_agg(k.fk_name ORDER BY n) =
	   array_agg(k.fk_name ORDER BY k.table_name::text, k.fk_name) AS name_order,
	   sum(pg_column_size(k.*)) > 64 * 1024 AS rows_over_work_mem
  FROM ri_audit.check_foreign_keys(
		'{a1, a2, b1, b2, c1, c2, d1, d2, e1, e2, f1}', 100000)
	   WITH ORDINALITY AS k(fk, fk_name, table_name, referenced_table, validated,
							status, rows_checked, orphan_count, sample,
							elapsed, reason, n);
RESET work_mem;
RESET ri_audit.work_mem;

-- A set is kept only for the tables of the same call.
SET client_min_messages = debug2;
SELECT count(*) FROM ri_audit.check_foreign_keys('{a1}');
SELECT count(*) FROM ri_audit.check_foreign_keys('{a2}');
SET client_min_messages = warning;

RESET search_path;
DROP SCHEMA kr CASCADE;
