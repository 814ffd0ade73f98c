--
-- The fast path plans each referenced key set from estimates (the leaves'
-- pg_class.reltuples and relpages, the columns' average width, and, for one
-- integer column, the exact bounds read from the referenced index) and builds
-- it in one pass; when the statistics lie, the hash sets grow or spill and
-- the orphans stay exactly the planner path's (ri_audit.scan_method =
-- planner).  The lies are made by ANALYZE at the wrong time, by DELETE, and
-- by writing pg_class directly.
--
SET client_min_messages = warning;
SET log_temp_files = -1;
CREATE SCHEMA kse;
SET search_path = kse, public;

-- check_foreign_keys() of the tables by both paths: true when they agree.
CREATE FUNCTION kse_check_both(tabs regclass[])
	RETURNS TABLE (fk_name name, orphan_count bigint, same_with_planner bool)
	LANGUAGE sql AS $$
	SELECT f.fk_name, f.orphan_count, f IS NOT DISTINCT FROM p
	  FROM ri_regress.check_by(tabs, 'fast') f
		   JOIN ri_regress.check_by(tabs, 'planner') p USING (fk_name)
	 ORDER BY 1
$$;
-- How the fast path did one constraint (its DEBUG2 line).
CREATE FUNCTION kse_how(con name) RETURNS bigint
	LANGUAGE plpgsql AS $$
DECLARE
	n bigint;
BEGIN
	SET LOCAL client_min_messages = debug2;
	SELECT count(*) INTO n
	  FROM ri_regress.orphans_by((SELECT oid FROM pg_constraint WHERE conname = con), 'fast');
	RETURN n;
END $$;
-- Make the statistics of a table say what we like.
CREATE FUNCTION kse_lie(tab regclass, tuples real, pages int) RETURNS void
	LANGUAGE sql AS $$
	UPDATE pg_class SET reltuples = tuples, relpages = pages WHERE oid = tab
$$;

-- Analyzed empty, then filled: the estimate says no key, the sets grow
-- (integers, uuids, text, a composite of integers and text).
CREATE TABLE pe (i int8 PRIMARY KEY, u uuid UNIQUE, t text UNIQUE,
	a int4, b text, UNIQUE (a, b)) WITH (autovacuum_enabled = off);
ANALYZE pe;
SELECT relpages, reltuples FROM pg_class WHERE oid = 'pe'::regclass;
INSERT INTO pe SELECT g * 7, md5(g::text)::uuid, 'key ' || g, g, 'b' || g
  FROM generate_series(1, 20000) g;
CREATE TABLE ce (i int8, u uuid, t text, a int4, b text) WITH (autovacuum_enabled = off);
INSERT INTO ce SELECT i, u, t, a, b FROM pe;
INSERT INTO ce VALUES (1, md5('x')::uuid, 'key 0', 0, 'b0'), (NULL, NULL, NULL, 1, NULL),
	(140007, md5('20001')::uuid, 'key 20001', 20001, 'b20001');
ALTER TABLE ce ADD FOREIGN KEY (i) REFERENCES pe (i) NOT VALID,
	ADD FOREIGN KEY (u) REFERENCES pe (u) NOT VALID,
	ADD FOREIGN KEY (t) REFERENCES pe (t) NOT VALID,
	ADD FOREIGN KEY (a, b) REFERENCES pe (a, b) NOT VALID;
-- the estimate of a table that has pages but no tuples is 0
SELECT kse_lie('pe', 0, 1000);
SELECT * FROM ri_regress.orphans_compare('ce');
SELECT * FROM kse_check_both('{ce}');
SELECT kse_how('ce_i_fkey'), kse_how('ce_u_fkey'), kse_how('ce_t_fkey'),
	kse_how('ce_a_b_fkey');
-- the same under 64 kB: the sets grow to the budget, then spill
SET ri_audit.work_mem = 64;
SELECT * FROM ri_regress.orphans_compare('ce');
SELECT * FROM kse_check_both('{ce}');
SELECT kse_how('ce_i_fkey'), kse_how('ce_u_fkey'), kse_how('ce_t_fkey'),
	kse_how('ce_a_b_fkey');
RESET ri_audit.work_mem;

-- Never analyzed nor vacuumed (reltuples = -1): the keys are counted by a
-- first scan, and the sets are planned for them (none grows).
SELECT kse_lie('pe', -1, 0);
SELECT * FROM ri_regress.orphans_compare('ce');
SELECT * FROM kse_check_both('{ce}');
SELECT kse_how('ce_i_fkey'), kse_how('ce_u_fkey'), kse_how('ce_t_fkey'),
	kse_how('ce_a_b_fkey');

-- Analyzed full, then mostly deleted: the estimate is far too high, the
-- plan takes batches the keys do not need.
CREATE TABLE pd (t text PRIMARY KEY) WITH (autovacuum_enabled = off);
INSERT INTO pd SELECT 'key ' || g FROM generate_series(1, 30000) g;
ANALYZE pd;
DELETE FROM pd WHERE right(t, 2) <> '00';
CREATE TABLE cd (t text) WITH (autovacuum_enabled = off);
INSERT INTO cd SELECT 'key ' || g FROM generate_series(1, 30000, 50) g;
ALTER TABLE cd ADD FOREIGN KEY (t) REFERENCES pd NOT VALID;
SET ri_audit.work_mem = 64;
SELECT * FROM ri_regress.orphans_compare('cd');
SELECT * FROM kse_check_both('{cd}');
-- a billion keys said, a few hundred there
SELECT kse_lie('pd', 1e9, 100000);
SELECT * FROM ri_regress.orphans_compare('cd');
RESET ri_audit.work_mem;
SELECT * FROM ri_regress.orphans_compare('cd');

-- An empty referenced table, whatever its statistics say.
CREATE TABLE pz (i int4 PRIMARY KEY, t text UNIQUE) WITH (autovacuum_enabled = off);
CREATE TABLE cz (i int4, t text) WITH (autovacuum_enabled = off);
INSERT INTO cz VALUES (1, 'a'), (NULL, NULL);
ALTER TABLE cz ADD FOREIGN KEY (i) REFERENCES pz NOT VALID,
	ADD FOREIGN KEY (t) REFERENCES pz (t) NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cz');
SELECT kse_lie('pz', 1e6, 5000);
SELECT * FROM ri_regress.orphans_compare('cz');
SELECT kse_lie('pz', 1e30, 1);
SELECT * FROM ri_regress.orphans_compare('cz');
-- rows inserted then deleted: the index has entries, none visible
INSERT INTO pz SELECT g, 'k' || g FROM generate_series(1, 100) g;
SET session_replication_role = replica;
DELETE FROM pz;
RESET session_replication_role;
SELECT * FROM ri_regress.orphans_compare('cz');

-- A bitmap over the exact bounds of the visible keys, read from the index:
-- after ANALYZE, keys below the smallest and above the largest are added,
-- and the smallest and largest deleted or left invisible.
CREATE TABLE pb (i int4 PRIMARY KEY) WITH (autovacuum_enabled = off);
INSERT INTO pb SELECT g FROM generate_series(1000, 2000) g;
ANALYZE pb;
INSERT INTO pb SELECT g FROM generate_series(1, 999, 2) g;
INSERT INTO pb SELECT g FROM generate_series(2001, 3000, 3) g;
DELETE FROM pb WHERE i IN (1, 2998);
CREATE TABLE cb (i int8) WITH (autovacuum_enabled = off);
INSERT INTO cb SELECT g FROM generate_series(-5, 3005) g;
ALTER TABLE cb ADD FOREIGN KEY (i) REFERENCES pb NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cb');
SELECT * FROM kse_check_both('{cb}');
SELECT kse_how('cb_i_fkey');
-- keys the transaction itself added, beyond the bounds ANALYZE saw, and
-- a key it deleted: the bounds are those of the keys the snapshot sees
BEGIN;
SET LOCAL session_replication_role = replica;
INSERT INTO pb VALUES (-100), (5000);
INSERT INTO cb VALUES (-100), (5000), (-99), (4999);
DELETE FROM pb WHERE i = 3000;
SELECT * FROM ri_regress.orphans_compare('cb');
SELECT kse_how('cb_i_fkey');
ROLLBACK;
SELECT * FROM ri_regress.orphans_compare('cb');

-- A partitioned referenced table: one index per leaf, the bounds from all
-- of them; a leaf analyzed empty and then filled, the other never analyzed.
CREATE TABLE pp (i int8 PRIMARY KEY) PARTITION BY RANGE (i);
CREATE TABLE pp_1 PARTITION OF pp FOR VALUES FROM (MINVALUE) TO (1000)
	WITH (autovacuum_enabled = off);
CREATE TABLE pp_2 PARTITION OF pp FOR VALUES FROM (1000) TO (MAXVALUE)
	WITH (autovacuum_enabled = off);
ANALYZE pp_1;
INSERT INTO pp SELECT g FROM generate_series(-500, 5000, 3) g;
CREATE TABLE cp (i int8) WITH (autovacuum_enabled = off);
INSERT INTO cp SELECT g FROM generate_series(-510, 5010) g;
ALTER TABLE cp ADD FOREIGN KEY (i) REFERENCES pp NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cp');
SELECT kse_how('cp_i_fkey');
SET ri_audit.work_mem = 64;
SELECT * FROM ri_regress.orphans_compare('cp');
RESET ri_audit.work_mem;
-- The bounds from DESC indexes: the leaves get the parent's DESC index
-- before its primary key, so it is the first index of each, and its last
-- entry is the smallest key.  Both leaves analyzed, so that the bounds come
-- from the indexes; a bitmap over [1, 200].
CREATE TABLE pq (i int4 NOT NULL) PARTITION BY RANGE (i);
CREATE INDEX pq_desc ON pq (i DESC);
ALTER TABLE pq ADD PRIMARY KEY (i);
CREATE TABLE pq_1 PARTITION OF pq FOR VALUES FROM (1) TO (101)
	WITH (autovacuum_enabled = off);
CREATE TABLE pq_2 PARTITION OF pq FOR VALUES FROM (101) TO (201)
	WITH (autovacuum_enabled = off);
INSERT INTO pq SELECT generate_series(1, 200);
ANALYZE pq_1, pq_2;
SELECT c.relname, i.indoption
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN ('pq_1'::regclass, 'pq_2'::regclass)
 ORDER BY i.indrelid, i.indexrelid;
CREATE TABLE cq (i int4) WITH (autovacuum_enabled = off);
INSERT INTO cq SELECT g FROM generate_series(-5, 205) g;
ALTER TABLE cq ADD FOREIGN KEY (i) REFERENCES pq NOT VALID;
SELECT * FROM ri_regress.orphans_compare('cq');
SELECT kse_how('cq_i_fkey');
-- several tables referencing the same sets, which are kept across them
CREATE TABLE ce2 (i int8 REFERENCES pe (i), t text REFERENCES pe (t),
	p int8 REFERENCES pp) WITH (autovacuum_enabled = off);
SET session_replication_role = replica;
INSERT INTO ce2 SELECT g, 'key ' || g, g FROM generate_series(1, 30000, 7) g;
RESET session_replication_role;
SELECT kse_lie('pe', 0, 1000);
SELECT * FROM kse_check_both('{ce,ce2,cp}');
SET ri_audit.work_mem = 64;
SELECT * FROM kse_check_both('{ce,ce2,cp}');
RESET ri_audit.work_mem;

DROP SCHEMA kse CASCADE;
