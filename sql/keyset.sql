--
-- keyset.c, the fast orphan scan path, on the key types and shapes it takes
-- and under a budget that forces batches.  Every answer is compared with
-- the planner path's (ri_audit.scan_method = planner), which runs
-- RI_Initial_Check's anti-join; orphans_shapes_planner runs the shape tests
-- of orphans_shapes under the planner path as well.
--
SET client_min_messages = warning;
CREATE SCHEMA ks;
SET search_path = ks, public;

-- Both paths through check_foreign_keys(), where the fast path checks all
-- keys of the table in one pass (ri_regress.orphans_compare, from setup,
-- compares them key by key).
CREATE FUNCTION ks_check_both(tab regclass)
	RETURNS TABLE (fk_name name, status text, rows_checked bigint,
				   orphan_count bigint, same_with_planner bool)
	LANGUAGE sql AS $$
	SELECT f.*, f IS NOT DISTINCT FROM p
	  FROM ri_regress.check_by(ARRAY[tab], 'fast') f
		   JOIN ri_regress.check_by(ARRAY[tab], 'planner') p USING (fk_name)
	 ORDER BY 1
$$;

-- Dense int4 keys (a bitmap), int2/int8 referencing columns, out-of-range
-- int8 values (orphans of an int4 key), NULLs.
CREATE TABLE p4 (id int4 PRIMARY KEY);
INSERT INTO p4 SELECT g FROM generate_series(1, 1000) g;
CREATE TABLE c_int (a int4, b int2, c int8);
INSERT INTO c_int VALUES (1, 1, 1), (1000, 1000, 1000), (0, 0, 0),
	(1001, -1, 4294967297), (NULL, NULL, NULL), (500, 32767, -4294967295),
	(-2147483648, -32768, 2147483648);
ALTER TABLE c_int ADD FOREIGN KEY (a) REFERENCES p4 NOT VALID,
	ADD FOREIGN KEY (b) REFERENCES p4 NOT VALID,
	ADD FOREIGN KEY (c) REFERENCES p4 NOT VALID;
SELECT * FROM ri_regress.orphans_compare('c_int');
SELECT c.conname, o.key FROM pg_constraint c, ri_regress.orphans_by(c.oid, 'fast') o
 WHERE c.conrelid = 'c_int'::regclass ORDER BY 1, o.row_table, o.key;
SELECT * FROM ks_check_both('c_int');

-- A key column added with a default after the rows were written: its value
-- is in the catalog ("missing"), not in the old tuples.
CREATE TABLE cm (a int);
INSERT INTO cm VALUES (1), (2);
ALTER TABLE cm ADD COLUMN m int DEFAULT 2000;
INSERT INTO cm VALUES (3, 5), (4, NULL);
ALTER TABLE cm ADD FOREIGN KEY (m) REFERENCES p4 NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cm');
SELECT o.key, t.a FROM ri_regress.orphans_by((SELECT oid FROM pg_constraint WHERE conrelid = 'cm'::regclass), 'fast') o
  JOIN cm t ON t.ctid = o.row_ctid ORDER BY t.a;

-- Sparse int8 keys (a hash), including the extreme values.
CREATE TABLE p8 (id int8 PRIMARY KEY);
INSERT INTO p8 VALUES (-9223372036854775808), (9223372036854775807), (0);
INSERT INTO p8 SELECT g * 1000003 FROM generate_series(1, 2000) g;
CREATE TABLE c8 (a int8, b int4, c int2);
INSERT INTO c8 VALUES (-9223372036854775808, 0, 0), (9223372036854775807, 1, 1),
	(-9223372036854775807, 1000003, 3), (2000006, -1000003, NULL);
INSERT INTO c8 SELECT g * 1000003, g, g FROM generate_series(1, 2100) g;
ALTER TABLE c8 ADD FOREIGN KEY (a) REFERENCES p8 NOT VALID,
	ADD FOREIGN KEY (b) REFERENCES p8 NOT VALID,
	ADD FOREIGN KEY (c) REFERENCES p8 NOT VALID;
SELECT * FROM ri_regress.orphans_compare('c8');

-- uuid.
CREATE TABLE pu (id uuid PRIMARY KEY);
INSERT INTO pu SELECT md5(g::text)::uuid FROM generate_series(1, 500) g;
CREATE TABLE cu (u uuid);
INSERT INTO cu SELECT md5(g::text)::uuid FROM generate_series(1, 510) g;
INSERT INTO cu VALUES (NULL), ('00000000-0000-0000-0000-000000000000');
ALTER TABLE cu ADD FOREIGN KEY (u) REFERENCES pu NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cu');

-- text and varchar under deterministic collations, toasted and compressed
-- values, case and trailing blanks that equality must not ignore.
CREATE TABLE pt (t text PRIMARY KEY, v varchar(20000) COLLATE "C" UNIQUE);
INSERT INTO pt VALUES ('a', 'a'), ('B', 'B '), ('', 'x'),
	(repeat('long', 5000), repeat('z', 19999));
CREATE TABLE ct (t varchar, v text COLLATE "POSIX");
INSERT INTO ct VALUES ('a', 'a'), ('A', 'B'), ('b', 'B '), ('', ''),
	(repeat('long', 5000), repeat('z', 19999)),
	(repeat('long', 4999) || 'lonG', repeat('z', 19998) || 'Z'), (NULL, NULL);
ALTER TABLE ct ADD FOREIGN KEY (t) REFERENCES pt (t) NOT VALID,
	ADD FOREIGN KEY (v) REFERENCES pt (v) NOT VALID;
SELECT * FROM ri_regress.orphans_compare('ct');
SELECT c.conname, left(o.key::text, 20), length(o.key::text)
  FROM pg_constraint c, ri_regress.orphans_by(c.oid, 'fast') o
 WHERE c.conrelid = 'ct'::regclass ORDER BY 1, o.key;

-- Composite (int, text) keys, MATCH SIMPLE and MATCH FULL.
CREATE TABLE pc (a int, b text, PRIMARY KEY (a, b));
INSERT INTO pc VALUES (1, 'x'), (1, 'y'), (2, 'x');
CREATE TABLE cc (a int8, b text, a2 int2, b2 varchar);
INSERT INTO cc VALUES (1, 'x', 1, 'x'), (2, 'y', 2, 'y'), (1, NULL, 1, NULL),
	(NULL, NULL, NULL, NULL), (NULL, 'x', NULL, 'q'), (3, 'x', 2, 'x');
ALTER TABLE cc ADD FOREIGN KEY (a, b) REFERENCES pc NOT VALID,
	ADD FOREIGN KEY (a2, b2) REFERENCES pc MATCH FULL NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cc');
SELECT c.conname, o.key FROM pg_constraint c, ri_regress.orphans_by(c.oid, 'fast') o
 WHERE c.conrelid = 'cc'::regclass ORDER BY 1, o.key;
SELECT * FROM ks_check_both('cc');

-- A fixed-width composite (int, uuid) key, in budget and in batches.
CREATE TABLE pf (a int, u uuid, PRIMARY KEY (a, u));
INSERT INTO pf SELECT g % 7, md5(g::text)::uuid FROM generate_series(1, 3000) g;
CREATE TABLE cf (a int8, u uuid);
INSERT INTO cf SELECT g % 7, md5(g::text)::uuid FROM generate_series(1, 3010) g;
INSERT INTO cf VALUES (1, md5('2')::uuid), (NULL, md5('2')::uuid);
ALTER TABLE cf ADD FOREIGN KEY (a, u) REFERENCES pf NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cf');
SET ri_audit.work_mem = 64;
SELECT * FROM ri_regress.orphans_compare('cf');
RESET ri_audit.work_mem;

-- Partitioned on both sides, with columns at different positions in the
-- partitions; a plain referencing table's inheritance child is not covered.
CREATE TABLE pp (junk int, id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE pp1 PARTITION OF pp FOR VALUES FROM (0) TO (100);
CREATE TABLE pp2 (id int NOT NULL, other text, junk int);
ALTER TABLE pp2 DROP COLUMN other;
ALTER TABLE pp ATTACH PARTITION pp2 FOR VALUES FROM (100) TO (200);
INSERT INTO pp (id) SELECT g FROM generate_series(0, 150, 3) g;
CREATE TABLE cp (x text, ref int, k int) PARTITION BY LIST (k);
CREATE TABLE cp1 PARTITION OF cp FOR VALUES IN (1);
CREATE TABLE cp2 (k int, y int, ref int, x text);
ALTER TABLE cp2 DROP COLUMN y;
ALTER TABLE cp ATTACH PARTITION cp2 FOR VALUES IN (2);
INSERT INTO cp (ref, k) SELECT g, 1 + g % 2 FROM generate_series(0, 160, 5) g;
DELETE FROM cp WHERE ref NOT IN (SELECT id FROM pp);
ALTER TABLE cp ADD FOREIGN KEY (ref) REFERENCES pp;
SET session_replication_role = replica;
INSERT INTO cp (ref, k) VALUES (1, 1), (2, 2), (999, 2);
RESET session_replication_role;
SELECT * FROM ri_regress.orphans_compare('cp');
SELECT c.conname, o.row_table, o.key FROM pg_constraint c, ri_regress.orphans_by(c.oid, 'fast') o
 WHERE c.conrelid = 'cp'::regclass AND c.conparentid = 0 ORDER BY 1, 2, 3;
SELECT * FROM ks_check_both('cp');
CREATE TABLE ch (x int) INHERITS (c_int);
INSERT INTO ch VALUES (-5, -5, -5, -5);
SELECT * FROM ri_regress.orphans_compare('c_int');

-- The statement's snapshot: a key deleted in this transaction is missing.
BEGIN;
SET LOCAL session_replication_role = replica;
DELETE FROM p4 WHERE id = 1000;
SELECT * FROM ri_regress.orphans_compare('c_int');
ROLLBACK;

-- Over budget: the same answers from many batches, for each set kind.
CREATE TABLE pbig (i int8 PRIMARY KEY, d int4 UNIQUE, t text UNIQUE);
INSERT INTO pbig SELECT g * 7919, g * 40, 'key ' || g FROM generate_series(1, 30000) g;
CREATE TABLE cbig (i int8, d int4, t text);
INSERT INTO cbig SELECT g * 7919, g * 40, 'key ' || g FROM generate_series(-5, 30005, 2) g;
INSERT INTO cbig VALUES (7919, 60, 'key 1'), (7919, 400020, 'key 1');
ALTER TABLE cbig ADD FOREIGN KEY (i) REFERENCES pbig (i) NOT VALID,
	ADD FOREIGN KEY (d) REFERENCES pbig (d) NOT VALID,
	ADD FOREIGN KEY (t) REFERENCES pbig (t) NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cbig');
SELECT * FROM ks_check_both('cbig');
SET ri_audit.work_mem = 64;
SELECT * FROM ri_regress.orphans_compare('cbig');
SELECT * FROM ks_check_both('cbig');
-- Two keys referencing the same column share one set, and its batches.
CREATE TABLE cbig2 (t text, t2 varchar);
INSERT INTO cbig2 SELECT 'key ' || g, 'key ' || (g + 7) FROM generate_series(-3, 30003, 3) g;
ALTER TABLE cbig2 ADD FOREIGN KEY (t) REFERENCES pbig (t) NOT VALID,
	ADD FOREIGN KEY (t2) REFERENCES pbig (t) NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cbig2');
SELECT * FROM ks_check_both('cbig2');
-- The number of batches shows the budget was exceeded: one pass over
-- cbig for the three keys in budget, many batches under 64 kB.
SET log_temp_files = -1;
SET client_min_messages = debug2;
RESET ri_audit.work_mem;
SELECT count(*) FROM ri_regress.orphans_by((SELECT oid FROM pg_constraint WHERE conname = 'cbig_t_fkey'), 'fast');
SET ri_audit.work_mem = 64;
SELECT count(*) FROM ri_regress.orphans_by((SELECT oid FROM pg_constraint WHERE conname = 'cbig_t_fkey'), 'fast');
SELECT count(*) FROM ri_regress.orphans_by((SELECT oid FROM pg_constraint WHERE conname = 'cbig_t_fkey'), 'planner');
SELECT fk_name, orphan_count FROM ri_audit.check_foreign_keys('{cbig2}');
RESET client_min_messages;
SET client_min_messages = warning;
RESET ri_audit.work_mem;
-- Keys of very different sizes: some batches get more big keys than
-- their share and overflow; they are written out to the tapes and done by
-- finer passes, with the same answers.
CREATE TABLE ps (t text PRIMARY KEY);
INSERT INTO ps SELECT 'k' || g FROM generate_series(1, 3000) g;
INSERT INTO ps SELECT repeat('x', 6000) || g FROM generate_series(1, 150) g;
CREATE TABLE cs (t text);
INSERT INTO cs SELECT t FROM ps;
INSERT INTO cs VALUES ('k0'), (repeat('x', 6000) || '0'), (repeat('x', 6000) || '151');
ALTER TABLE cs ADD FOREIGN KEY (t) REFERENCES ps NOT VALID;
SET ri_audit.work_mem = 64;
SELECT * FROM ri_regress.orphans_compare('cs');
SET client_min_messages = debug2;
SELECT count(*) FROM ri_regress.orphans_by((SELECT oid FROM pg_constraint WHERE conname = 'cs_t_fkey'), 'fast');
SET client_min_messages = warning;
RESET ri_audit.work_mem;
-- Over budget with both sides partitioned (the referencing partitions'
-- columns at other positions): rows on the tapes carry their partition.
CREATE TABLE pp5 (t text, i int8, PRIMARY KEY (t, i)) PARTITION BY HASH (i);
CREATE TABLE pp5_0 PARTITION OF pp5 FOR VALUES WITH (MODULUS 2, REMAINDER 0);
CREATE TABLE pp5_1 PARTITION OF pp5 FOR VALUES WITH (MODULUS 2, REMAINDER 1);
INSERT INTO pp5 SELECT 'k' || g, g FROM generate_series(1, 30000) g;
CREATE TABLE pc5 (junk int, i int8, t text) PARTITION BY LIST ((i % 3));
CREATE TABLE pc5_0 PARTITION OF pc5 FOR VALUES IN (0);
CREATE TABLE pc5_1 (t text, i int8, junk int);
ALTER TABLE pc5 ATTACH PARTITION pc5_1 FOR VALUES IN (1);
CREATE TABLE pc5_2 PARTITION OF pc5 FOR VALUES IN (2);
INSERT INTO pc5 (t, i) SELECT 'k' || g, g FROM generate_series(1, 30000) g;
ALTER TABLE pc5 ADD FOREIGN KEY (t, i) REFERENCES pp5;
SET session_replication_role = replica;
INSERT INTO pc5 (t, i) SELECT 'k' || g, g + 1 FROM generate_series(1, 30000, 97) g;
RESET session_replication_role;
SET ri_audit.work_mem = 64;
SELECT * FROM ri_regress.orphans_compare('pc5');
SET client_min_messages = debug2;
SELECT count(*) FROM ri_regress.orphans_by((SELECT oid FROM pg_constraint WHERE conname = 'pc5_t_i_fkey' AND conrelid = 'pc5'::regclass), 'fast');
SET client_min_messages = warning;
RESET ri_audit.work_mem;

-- Which keys the fast path takes: numeric, bpchar, nondeterministic
-- collations, and operators of other types are left to the planner path.
CREATE COLLATION ks_ci (provider = icu, locale = 'und-u-ks-level2',
	deterministic = false);
CREATE DOMAIN ks_dom AS int8;
CREATE TABLE pn (n numeric PRIMARY KEY, b char(3) UNIQUE, ci text COLLATE ks_ci UNIQUE,
	i int4 UNIQUE, t text COLLATE "C" UNIQUE, u uuid UNIQUE, d ks_dom UNIQUE,
	x int, y text, UNIQUE (x, y), f float8 UNIQUE);
CREATE TABLE cn (n int REFERENCES pn, b char(3) REFERENCES pn (b),
	ci text REFERENCES pn (ci), cic text COLLATE "C" REFERENCES pn (ci),
	i ks_dom REFERENCES pn (i), t text COLLATE ks_ci REFERENCES pn (t),
	u uuid REFERENCES pn (u), d int2 REFERENCES pn (d),
	x int8, y varchar, FOREIGN KEY (x, y) REFERENCES pn (x, y) MATCH FULL,
	f int REFERENCES pn (f));
SELECT conname, pg_get_constraintdef(oid)
  FROM pg_constraint WHERE conrelid = 'cn'::regclass AND contype = 'f'
 ORDER BY 1;
-- (a first run warms the caches, whose growth is also reported at DEBUG1)
SELECT count(*) FROM ri_audit.check_foreign_keys(ARRAY['cn'::regclass]);
SET client_min_messages = debug2;
SELECT fk_name, status FROM ri_audit.check_foreign_keys(ARRAY['cn'::regclass]);
SET ri_audit.scan_method = planner;
SELECT fk_name, status FROM ri_audit.check_foreign_keys(ARRAY['cn'::regclass]);
RESET ri_audit.scan_method;
SET client_min_messages = warning;

-- ri_audit.work_mem bounds.
SET ri_audit.work_mem = 10;
SET ri_audit.work_mem = -1;
SET ri_audit.scan_method = 'bogus';

RESET search_path;
DROP SCHEMA ks CASCADE;
