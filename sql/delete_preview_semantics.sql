--
-- delete_preview(): the finer points of PostgreSQL's RI semantics, each
-- next to the real statement (run and rolled back) as the proof.
--
SET client_min_messages = warning;
CREATE SCHEMA delsem;
SET search_path = delsem, public;
SET client_min_messages = notice;

-- NO ACTION and a key taken over by another updated row: after
-- UPDATE p SET id = id - 1 WHERE id <= 3, keys 1 and 2 still exist (held
-- by the rows that were 2 and 3), key 3 does not.  RI_FKey_noaction_upd
-- rechecks the old key (ri_Check_Pk_Match) and passes for 1 and 2;
-- RESTRICT does not recheck.
CREATE TABLE p (id int PRIMARY KEY);
INSERT INTO p SELECT generate_series(1, 5);
CREATE TABLE c_na (id int, pid int REFERENCES p ON UPDATE NO ACTION);
CREATE TABLE c_def (id int, pid int REFERENCES p ON UPDATE NO ACTION
	DEFERRABLE INITIALLY DEFERRED);
INSERT INTO c_na VALUES (1, 2), (2, 1);
INSERT INTO c_def VALUES (1, 2);
-- nothing blocks: keys 1 and 2 are taken over.  (The session's first call
-- loads ri_audit inside its transaction, so it cannot know whether a SET
-- CONSTRAINTS ran before: the NOTICE about c_def; see SET CONSTRAINTS
-- below.)
SELECT * FROM ri_audit.delete_preview('UPDATE p SET id = id - 1 WHERE id <= 3');
SELECT ri_audit.assert_delete_safe('UPDATE p SET id = id - 1 WHERE id <= 3');
BEGIN;
UPDATE p SET id = id - 1 WHERE id <= 3;
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK;
-- key 2 is given up and not taken over: c_na blocks at once, c_def at
-- commit
SELECT * FROM ri_audit.delete_preview('UPDATE p SET id = id - 1 WHERE id <= 2');
BEGIN;
UPDATE p SET id = id - 1 WHERE id <= 2;
ROLLBACK;
BEGIN;
ALTER TABLE c_na DROP CONSTRAINT c_na_pid_fkey;
UPDATE p SET id = id - 1 WHERE id <= 2;
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK;
-- RESTRICT: no recheck, key 2's referencing row blocks
CREATE TABLE c_re (id int, pid int REFERENCES p ON UPDATE RESTRICT);
INSERT INTO c_re VALUES (1, 2);
SELECT * FROM ri_audit.delete_preview('UPDATE p SET id = id - 1 WHERE id <= 3');
BEGIN;
UPDATE p SET id = id - 1 WHERE id <= 3;
ROLLBACK;
DROP TABLE c_re;

-- The recheck compares with the key's own operators: a numeric key
-- rewritten with another scale (1.0 -> 1.00) is a change (the image
-- differs, the trigger fires), but the row still holds an equal key, so NO
-- ACTION passes and RESTRICT blocks.
CREATE TABLE pn (n numeric PRIMARY KEY);
INSERT INTO pn VALUES (1.0), (2.0);
CREATE TABLE cn_na (n numeric REFERENCES pn ON UPDATE NO ACTION);
INSERT INTO cn_na VALUES (1);
SELECT * FROM ri_audit.delete_preview('UPDATE pn SET n = 1.00 WHERE n = 1');
BEGIN;
UPDATE pn SET n = 1.00 WHERE n = 1;
ROLLBACK;
CREATE TABLE cn_re (n numeric REFERENCES pn ON UPDATE RESTRICT);
INSERT INTO cn_re VALUES (1);
SELECT * FROM ri_audit.delete_preview('UPDATE pn SET n = 1.00 WHERE n = 1');
BEGIN;
UPDATE pn SET n = 1.00 WHERE n = 1;
ROLLBACK;

-- A partitioned referenced table: the recheck looks in the parent row's
-- partition (the trigger's table, "ONLY"); with the partition key in the
-- referenced key, the row taking the key over lands there, moved or not.
CREATE TABLE pp (k int PRIMARY KEY) PARTITION BY RANGE (k);
CREATE TABLE pp1 PARTITION OF pp FOR VALUES FROM (MINVALUE) TO (4);
CREATE TABLE pp2 PARTITION OF pp FOR VALUES FROM (4) TO (MAXVALUE);
INSERT INTO pp SELECT generate_series(1, 6);
CREATE TABLE cp (k int REFERENCES pp ON UPDATE NO ACTION);
INSERT INTO cp VALUES (3), (4), (5);
-- 4 -> 3 moves to pp1 and takes key 3 over; key 5 is given up
SELECT * FROM ri_audit.delete_preview('UPDATE pp SET k = k - 1 WHERE k <= 5');
BEGIN;
UPDATE pp SET k = k - 1 WHERE k <= 5;
ROLLBACK;
SELECT * FROM ri_audit.delete_preview('UPDATE pp SET k = k - 1 WHERE k <= 6');
BEGIN;
UPDATE pp SET k = k - 1 WHERE k <= 6;
SELECT tableoid::regclass, k FROM pp ORDER BY k;
ROLLBACK;

-- ON UPDATE SET DEFAULT to a key the statement gives up and another row
-- takes over: the referencing rows' new key exists, and ri_set's NO
-- ACTION recheck of the old key passes.
CREATE TABLE c_sd (id int, pid int DEFAULT 1
	REFERENCES p ON UPDATE SET DEFAULT);
INSERT INTO c_sd VALUES (1, 3), (2, 1);
SELECT * FROM ri_audit.delete_preview('UPDATE p SET id = id - 1 WHERE id <= 3');
BEGIN;
UPDATE p SET id = id - 1 WHERE id <= 3;
SELECT * FROM c_sd ORDER BY id;
ROLLBACK;
-- key 1 given up and not taken over: blocks
SELECT * FROM ri_audit.delete_preview('UPDATE p SET id = id + 10 WHERE id = 1');
BEGIN;
UPDATE p SET id = id + 10 WHERE id = 1;
ROLLBACK;
DROP TABLE c_sd;

-- User triggers and rules are not run: a NOTICE names each one that the
-- real statement (or RI's queries, which fire triggers and are rewritten
-- by rules too) would run, sorted by table and name.  Disabled triggers
-- and those of another session_replication_role are left out.
CREATE TABLE tp (id int PRIMARY KEY);
CREATE TABLE tc (id int, pid int REFERENCES tp ON DELETE CASCADE
	ON UPDATE CASCADE);
INSERT INTO tp VALUES (1), (2);
INSERT INTO tc VALUES (1, 1);
CREATE FUNCTION skip_row() RETURNS trigger LANGUAGE plpgsql AS
	$$BEGIN RETURN NULL; END$$;
CREATE TRIGGER tc_keep BEFORE DELETE ON tc FOR EACH ROW
	EXECUTE FUNCTION skip_row();
CREATE TRIGGER tc_off AFTER DELETE ON tc FOR EACH ROW
	EXECUTE FUNCTION skip_row();
ALTER TABLE tc DISABLE TRIGGER tc_off;
CREATE TRIGGER tc_replica AFTER DELETE ON tc FOR EACH ROW
	EXECUTE FUNCTION skip_row();
ALTER TABLE tc ENABLE REPLICA TRIGGER tc_replica;
CREATE TRIGGER tp_stmt AFTER DELETE ON tp FOR EACH STATEMENT
	EXECUTE FUNCTION skip_row();
CREATE TRIGGER tp_upd AFTER UPDATE ON tp FOR EACH ROW
	EXECUTE FUNCTION skip_row();
CREATE TRIGGER tp_trunc AFTER TRUNCATE ON tp
	EXECUTE FUNCTION skip_row();
-- the preview counts one cascade delete; the BEFORE trigger keeps the row
SELECT * FROM ri_audit.delete_preview('DELETE FROM tp WHERE id = 1');
BEGIN;
DELETE FROM tp WHERE id = 1;
SELECT * FROM tc;
ROLLBACK;
SELECT * FROM ri_audit.delete_preview('UPDATE tp SET id = 5 WHERE id = 1');
SELECT * FROM ri_audit.delete_preview('TRUNCATE tp, tc');
-- a rule on the referencing table rewrites RI's query: PostgreSQL fails
CREATE RULE tc_never AS ON DELETE TO tc DO INSTEAD NOTHING;
SELECT * FROM ri_audit.delete_preview('DELETE FROM tp WHERE id = 2');
BEGIN;
DELETE FROM tp WHERE id = 2;
ROLLBACK;
DROP TABLE tc, tp;

-- SET col = DEFAULT, SET (a, b) = (...) and SET (a, b) = (SELECT ...):
-- the default is the column's (the table's, for a partition), evaluated as
-- part of the caller's query as the rewriter does; a subquery runs once
-- per row; a stored generated column in a referenced key changes with the
-- columns it is computed from.
CREATE TABLE dp (id int PRIMARY KEY, a int, b int, d int DEFAULT 3 UNIQUE,
	UNIQUE (a, b));
INSERT INTO dp SELECT i, i, i, i + 100 FROM generate_series(1, 5) i;
CREATE TABLE dc (id int, pa int, pb int,
	FOREIGN KEY (pa, pb) REFERENCES dp (a, b) ON UPDATE CASCADE);
CREATE TABLE dd (id int, d int REFERENCES dp (d) ON UPDATE RESTRICT);
INSERT INTO dc VALUES (1, 1, 1), (2, 2, 2), (3, 3, 3);
INSERT INTO dd VALUES (1, 101), (2, 103);
CREATE TABLE src (k int, x int, y int);
INSERT INTO src VALUES (1, 50, 60), (2, 2, 2), (4, 1, 1), (4, 2, 2);
-- d of row 1 becomes 3: RESTRICT blocks on key 101
SELECT * FROM ri_audit.delete_preview('UPDATE dp SET d = DEFAULT WHERE id = 1');
BEGIN;
UPDATE dp SET d = DEFAULT WHERE id = 1;
ROLLBACK;
-- row 1 gets (50, 60), row 2 the same (2, 2): one cascade
SELECT * FROM ri_audit.delete_preview(
	'UPDATE dp SET (a, b) = (SELECT x, y FROM src WHERE src.k = dp.id) WHERE id <= 2');
BEGIN;
UPDATE dp SET (a, b) = (SELECT x, y FROM src WHERE src.k = dp.id) WHERE id <= 2;
SELECT * FROM dc ORDER BY id;
ROLLBACK;
-- no row: NULLs, and the MATCH SIMPLE cascade copies them
SELECT * FROM ri_audit.delete_preview(
	'UPDATE dp SET (a, b) = (SELECT x, y FROM src WHERE src.k = dp.id) WHERE id = 3');
BEGIN;
UPDATE dp SET (a, b) = (SELECT x, y FROM src WHERE src.k = dp.id) WHERE id = 3;
SELECT * FROM dc ORDER BY id;
ROLLBACK;
-- two rows: the statement's own error
SELECT * FROM ri_audit.delete_preview(
	'UPDATE dp SET (a, b) = (SELECT x, y FROM src WHERE src.k = dp.id) WHERE id = 4');
UPDATE dp SET (a, b) = (SELECT x, y FROM src WHERE src.k = dp.id) WHERE id = 4;
-- a ROW with DEFAULT (b has none: NULL)
SELECT * FROM ri_audit.delete_preview('UPDATE dp SET (a, b) = (7, DEFAULT) WHERE id = 1');
BEGIN;
UPDATE dp SET (a, b) = (7, DEFAULT) WHERE id = 1;
SELECT * FROM dc ORDER BY id;
ROLLBACK;
-- $n is the caller's to bind, and there is none
SELECT * FROM ri_audit.delete_preview('UPDATE dp SET a = $1 WHERE id = 2');
-- a default that draws from a sequence cannot run read-only
CREATE TABLE di (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
CREATE TABLE dic (id int REFERENCES di ON UPDATE CASCADE);
INSERT INTO di DEFAULT VALUES;
SELECT * FROM ri_audit.delete_preview('UPDATE di SET id = DEFAULT');
DROP TABLE dic, di;
-- a referenced stored generated column
CREATE TABLE gp (id int PRIMARY KEY, a int,
	g int GENERATED ALWAYS AS (a * 10) STORED UNIQUE);
INSERT INTO gp (id, a) VALUES (1, 1), (2, 2);
CREATE TABLE gc (id int, g int REFERENCES gp (g) ON UPDATE SET NULL);
INSERT INTO gc VALUES (1, 10), (2, 20);
SELECT * FROM ri_audit.delete_preview('UPDATE gp SET a = 5 WHERE id = 1');
SELECT * FROM ri_audit.delete_preview('UPDATE gp SET a = a, g = DEFAULT WHERE id = 1');
BEGIN;
UPDATE gp SET a = 5 WHERE id = 1;
SELECT * FROM gc ORDER BY id;
ROLLBACK;
SELECT * FROM ri_audit.delete_preview(
	'UPDATE gp SET (a, id) = (SELECT 3, 1) WHERE id = 1');
DROP TABLE gc, gp, dc, dd, dp, src;

-- SET CONSTRAINTS: PostgreSQL 15 keeps its state private to trigger.c, so
-- the preview places a deferrable key's check by its declared deferral.
-- That is exact in a transaction that has run no SET CONSTRAINTS (ri_audit
-- sees every one through a ProcessUtility hook once it is loaded, which
-- the previews above did); otherwise a NOTICE says which keys it placed so.
CREATE TABLE sp (id int PRIMARY KEY);
CREATE TABLE sc_def (id int, pid int REFERENCES sp
	DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE sc_imm (id int, pid int REFERENCES sp DEFERRABLE);
INSERT INTO sp VALUES (1), (2);
INSERT INTO sc_def VALUES (1, 1);
INSERT INTO sc_imm VALUES (1, 2);
-- no SET CONSTRAINTS: exact, no NOTICE
SELECT * FROM ri_audit.delete_preview('DELETE FROM sp');
BEGIN;
SELECT * FROM ri_audit.delete_preview('DELETE FROM sp');
ROLLBACK;
-- after SET CONSTRAINTS, in the same transaction: a NOTICE per key
BEGIN;
SET CONSTRAINTS sc_imm_pid_fkey DEFERRED;
SELECT * FROM ri_audit.delete_preview('DELETE FROM sp');
-- PostgreSQL now checks sc_imm at commit: the DELETE itself goes through,
-- unlike the preview's 'blocks'
SAVEPOINT s;
DELETE FROM sp;
RELEASE s;
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK;
-- even when a function runs it
BEGIN;
DO $$BEGIN SET CONSTRAINTS ALL IMMEDIATE; END$$;
SELECT * FROM ri_audit.delete_preview('DELETE FROM sp WHERE id = 1');
ROLLBACK;
-- the next transaction starts from the declared state again
SELECT * FROM ri_audit.delete_preview('DELETE FROM sp WHERE id = 1');
DROP TABLE sc_def, sc_imm, sp;

-- An UPDATE that moves rows to another partition: PostgreSQL 15 runs
-- their RI actions through the root's update triggers (ON UPDATE, as the
-- preview does), and checks each moved row's own foreign keys as an
-- inserted row's, at the row's turn.  Here row 2 (k 2 -> 102) references
-- row 4 (-> 104): row 2's insert check runs before row 4's ON UPDATE
-- CASCADE reaches it, finds no key 4, and fails: 'blocks'.
CREATE TABLE mv (k int PRIMARY KEY, ref int REFERENCES mv
	ON UPDATE CASCADE) PARTITION BY RANGE (k);
CREATE TABLE mv1 PARTITION OF mv FOR VALUES FROM (MINVALUE) TO (100);
CREATE TABLE mv2 PARTITION OF mv FOR VALUES FROM (100) TO (MAXVALUE);
INSERT INTO mv VALUES (1, NULL), (2, 4), (3, 1), (4, NULL);
SELECT * FROM ri_audit.delete_preview('UPDATE mv SET k = k + 100 WHERE k IN (2, 4)');
SELECT ri_audit.assert_delete_safe('UPDATE mv SET k = k + 100 WHERE k IN (2, 4)');
BEGIN;
UPDATE mv SET k = k + 100 WHERE k IN (2, 4);
ROLLBACK;
-- the same rows' move without a key of their own moving under them
SELECT * FROM ri_audit.delete_preview('UPDATE mv SET k = k + 100 WHERE k = 1');
BEGIN;
UPDATE mv SET k = k + 100 WHERE k = 1;
SELECT tableoid::regclass, * FROM mv ORDER BY k;
ROLLBACK;
-- a row that stays in its partition is not checked as inserted (k 2 -> 3
-- stays in mv1; key 4 goes to mv2)
SELECT * FROM ri_audit.delete_preview('UPDATE mv SET k = k + 1 WHERE k = 2 OR k = 4 AND k > 3');
SELECT * FROM ri_audit.delete_preview('UPDATE mv SET k = CASE k WHEN 2 THEN 5 ELSE 104 END WHERE k IN (2, 4)');
BEGIN;
UPDATE mv SET k = CASE k WHEN 2 THEN 5 ELSE 104 END WHERE k IN (2, 4);
SELECT tableoid::regclass, * FROM mv ORDER BY k;
ROLLBACK;
DROP TABLE mv;
-- Row 4 comes first in the scan: its cascade updates the moved row 2 before
-- row 2's insert check runs, which skips that dead row version; the new one
-- references 104.
CREATE TABLE mv (k int PRIMARY KEY, ref int REFERENCES mv
	ON UPDATE CASCADE) PARTITION BY RANGE (k);
CREATE TABLE mv1 PARTITION OF mv FOR VALUES FROM (MINVALUE) TO (100);
CREATE TABLE mv2 PARTITION OF mv FOR VALUES FROM (100) TO (MAXVALUE);
INSERT INTO mv VALUES (4, NULL), (2, 4);
SELECT * FROM ri_audit.delete_preview('UPDATE mv SET k = k + 100');
BEGIN;
UPDATE mv SET k = k + 100;
SELECT tableoid::regclass, * FROM mv ORDER BY k;
ROLLBACK;
-- initially deferred, row 2 first: the check waits for commit, when the
-- row version it checks is gone
TRUNCATE mv;
INSERT INTO mv VALUES (2, 4), (4, NULL);
ALTER TABLE mv ALTER CONSTRAINT mv_ref_fkey DEFERRABLE INITIALLY DEFERRED;
SELECT * FROM ri_audit.delete_preview('UPDATE mv SET k = k + 100');
BEGIN;
UPDATE mv SET k = k + 100;
COMMIT;
SELECT tableoid::regclass, * FROM mv ORDER BY k;
-- a moved row's own key that the statement sets: the insert check of an
-- initially deferred key fails at commit when no row holds it (p = 3), and
-- passes when one does (p = 2)
CREATE TABLE mvp (k int PRIMARY KEY);
INSERT INTO mvp VALUES (1), (2);
CREATE TABLE mvc (k int PRIMARY KEY, p int REFERENCES mvp
	ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED) PARTITION BY RANGE (k);
CREATE TABLE mvc1 PARTITION OF mvc FOR VALUES FROM (MINVALUE) TO (100);
CREATE TABLE mvc2 PARTITION OF mvc FOR VALUES FROM (100) TO (MAXVALUE);
INSERT INTO mvc VALUES (1, 1), (2, NULL);
SELECT * FROM ri_audit.delete_preview('UPDATE mvc SET k = 101, p = 3 WHERE k = 1');
SELECT ri_audit.assert_delete_safe('UPDATE mvc SET k = 101, p = 3 WHERE k = 1');
SELECT * FROM ri_audit.delete_preview('UPDATE mvc SET k = 101, p = 2 WHERE k = 1');
BEGIN;
UPDATE mvc SET k = 101, p = 3 WHERE k = 1;
COMMIT;
DROP TABLE mvc, mvp, mv;

-- A SET NULL action that nulls one column of a referenced key (a, b):
-- ON UPDATE CASCADE copies the partly NULL key into a MATCH FULL key, whose
-- check fails, at once or at commit as the key is deferred.
CREATE TABLE fa (k int PRIMARY KEY);
CREATE TABLE fb (a int, b int REFERENCES fa ON DELETE SET NULL,
	UNIQUE (a, b));
CREATE TABLE fc (id int, ca int, cb int, FOREIGN KEY (ca, cb)
	REFERENCES fb (a, b) MATCH FULL ON UPDATE CASCADE);
INSERT INTO fa VALUES (1), (2);
INSERT INTO fb VALUES (1, 1), (NULL, 2), (3, 2);
INSERT INTO fc VALUES (1, 1, 1), (2, 3, 2);
-- fb (1, 1) becomes (1, NULL): fc row 1 fails
SELECT * FROM ri_audit.delete_preview('DELETE FROM fa WHERE k = 1');
SELECT ri_audit.assert_delete_safe('DELETE FROM fa WHERE k = 1');
DELETE FROM fa WHERE k = 1;
-- fb (NULL, 2) becomes all NULL, (3, 2) partly: fc row 2 fails at commit
ALTER TABLE fc ALTER CONSTRAINT fc_ca_cb_fkey DEFERRABLE INITIALLY DEFERRED;
SELECT * FROM ri_audit.delete_preview('DELETE FROM fa WHERE k = 2');
BEGIN;
DELETE FROM fa WHERE k = 2;
SELECT * FROM fc ORDER BY id;
COMMIT;
-- without fc row 2, nothing blocks
DELETE FROM fc WHERE id = 2;
SELECT * FROM ri_audit.delete_preview('DELETE FROM fa WHERE k = 2');
BEGIN;
DELETE FROM fa WHERE k = 2;
COMMIT;
DROP TABLE fc, fb, fa;

-- A cross-partition UPDATE moving a row out of a partitioned partition
-- that a foreign key references directly: PostgreSQL refuses the move
-- (0A000) as the statement runs, before any foreign key check.  Moves
-- inside the statement's target, and statements whose target is that
-- partition, are fine.
CREATE TABLE nr (k int PRIMARY KEY) PARTITION BY RANGE (k);
CREATE TABLE nr1 PARTITION OF nr FOR VALUES FROM (MINVALUE) TO (100)
	PARTITION BY RANGE (k);
CREATE TABLE nr1a PARTITION OF nr1 FOR VALUES FROM (MINVALUE) TO (50);
CREATE TABLE nr1b PARTITION OF nr1 FOR VALUES FROM (50) TO (100);
CREATE TABLE nr2 PARTITION OF nr FOR VALUES FROM (100) TO (MAXVALUE);
CREATE TABLE nrc (x int REFERENCES nr1 ON UPDATE CASCADE);
INSERT INTO nr VALUES (1), (2), (60);
INSERT INTO nrc VALUES (1), (2);
SELECT * FROM ri_audit.delete_preview('UPDATE nr SET k = k + 100 WHERE k = 1');
SELECT ri_audit.assert_delete_safe('UPDATE nr SET k = k + 100 WHERE k = 1');
UPDATE nr SET k = k + 100 WHERE k = 1;
-- from nr1a to nr1b: the same
SELECT * FROM ri_audit.delete_preview('UPDATE nr SET k = 61 WHERE k = 2');
UPDATE nr SET k = 61 WHERE k = 2;
-- no move (2 -> 3 stays in nr1a), or a move of nr1's own rows
SELECT * FROM ri_audit.delete_preview('UPDATE nr SET k = k + 1 WHERE k = 2');
SELECT * FROM ri_audit.delete_preview('UPDATE nr1 SET k = 61 WHERE k = 2');
BEGIN;
UPDATE nr1 SET k = 61 WHERE k = 2;
SELECT tableoid::regclass, * FROM nr ORDER BY k;
SELECT * FROM nrc ORDER BY x;
ROLLBACK;
DROP TABLE nrc, nr;

-- A row that a cross-partition UPDATE moves where no partition takes it:
-- it is deleted and inserted through the statement's table, whose tuple
-- routing fails (23514) as the statement runs, before any foreign key
-- check, at the partitioned table that has no partition for it (a
-- sub-partitioned one, or the root), with the key's values; when the
-- statement's table is a partition itself, its own partition constraint
-- fails first.  The first such row in scan order decides, as for 0A000.
CREATE TABLE np (k int PRIMARY KEY, t text) PARTITION BY RANGE (k);
CREATE TABLE np1 PARTITION OF np FOR VALUES FROM (0) TO (100)
	PARTITION BY RANGE (k);
CREATE TABLE np1a PARTITION OF np1 FOR VALUES FROM (0) TO (10);
CREATE TABLE np2 PARTITION OF np FOR VALUES FROM (100) TO (200);
CREATE TABLE npc (x int REFERENCES np ON UPDATE CASCADE);
INSERT INTO np VALUES (2, 'a'), (4, 'b'), (150, 'c');
INSERT INTO npc VALUES (2), (150);
-- into np1, which has no partition for 50
SELECT * FROM ri_audit.delete_preview('UPDATE np SET k = 50 WHERE k = 150');
SELECT ri_audit.assert_delete_safe('UPDATE np SET k = 50 WHERE k = 150');
\echo :LAST_ERROR_SQLSTATE
UPDATE np SET k = 50 WHERE k = 150;
\echo :LAST_ERROR_SQLSTATE
-- beyond every partition of np
SELECT * FROM ri_audit.delete_preview('UPDATE np SET k = k + 300 WHERE k < 10');
SELECT ri_audit.assert_delete_safe('UPDATE np SET k = k + 300 WHERE k < 10');
UPDATE np SET k = k + 300 WHERE k < 10;
-- the statement's table np1 is a partition: its constraint fails first
-- (PostgreSQL's DETAIL lists the whole new row, which the preview leaves
-- out), unless the row stays within np1
SELECT * FROM ri_audit.delete_preview('UPDATE np1 SET k = 150 WHERE k = 2');
SELECT ri_audit.assert_delete_safe('UPDATE np1 SET k = 150 WHERE k = 2');
UPDATE np1 SET k = 150 WHERE k = 2;
SELECT * FROM ri_audit.delete_preview('UPDATE np1 SET k = 50 WHERE k = 2');
UPDATE np1 SET k = 50 WHERE k = 2;
-- the statement's table is a leaf partition: it moves no row, and a row
-- its constraint (with its ancestors') no longer takes fails the
-- statement; one that still fits is updated in place
SELECT * FROM ri_audit.delete_preview('UPDATE np2 SET k = 50 WHERE k = 150');
SELECT ri_audit.assert_delete_safe('UPDATE np2 SET k = 50 WHERE k = 150');
\echo :LAST_ERROR_SQLSTATE
UPDATE np2 SET k = 50 WHERE k = 150;
\echo :LAST_ERROR_SQLSTATE
SELECT * FROM ri_audit.delete_preview('UPDATE np1a SET k = 50 WHERE k = 4');
SELECT ri_audit.assert_delete_safe('UPDATE np1a SET k = 50 WHERE k = 4');
UPDATE np1a SET k = 50 WHERE k = 4;
SELECT * FROM ri_audit.delete_preview('UPDATE np1a SET k = NULL WHERE k = 4');
UPDATE np1a SET k = NULL WHERE k = 4;
SELECT * FROM ri_audit.delete_preview('UPDATE np2 SET k = 160 WHERE k = 150');
BEGIN;
UPDATE np2 SET k = 160 WHERE k = 150;
SELECT tableoid::regclass, * FROM np ORDER BY k;
SELECT * FROM npc ORDER BY x;
ROLLBACK;
-- a row that fits: the statement runs
SELECT * FROM ri_audit.delete_preview('UPDATE np SET k = 5 WHERE k = 150');
BEGIN;
UPDATE np SET k = 5 WHERE k = 150;
SELECT tableoid::regclass, * FROM np ORDER BY k;
SELECT * FROM npc ORDER BY x;
ROLLBACK;
-- a NULL key (no partition takes it), and a key expression one level down
CREATE TABLE nl (k int, j int) PARTITION BY LIST (k);
CREATE TABLE nl1 PARTITION OF nl FOR VALUES IN (1);
CREATE TABLE nle (k int, j int) PARTITION BY RANGE ((j * 2), k);
CREATE TABLE nle1 PARTITION OF nle FOR VALUES FROM (0, 0) TO (10, 10);
ALTER TABLE nl ATTACH PARTITION nle FOR VALUES IN (2);
INSERT INTO nl VALUES (1, 1);
SELECT * FROM ri_audit.delete_preview('UPDATE nl SET k = NULL');
SELECT ri_audit.assert_delete_safe('UPDATE nl SET k = NULL');
UPDATE nl SET k = NULL;
SELECT * FROM ri_audit.delete_preview('UPDATE nl SET k = 2, j = 7');
SELECT ri_audit.assert_delete_safe('UPDATE nl SET k = 2, j = 7');
UPDATE nl SET k = 2, j = 7;
SELECT * FROM ri_audit.delete_preview('UPDATE nl SET k = 2, j = 2');
DROP TABLE nl, npc, np;

-- Rows that an action moves in a partitioned referencing table: ON UPDATE
-- CASCADE and SET NULL set mvc's partition key pk, so RI's UPDATE of mvc
-- moves the row to the partition that takes its new key, and fails the
-- statement at that step when none does (23514, with the key's new
-- values), or when a partitioned partition of mvc that the row leaves is
-- referenced by a key of its own (0A000).  A row that stays is updated in
-- place.
CREATE TABLE mvp (k int PRIMARY KEY);
CREATE TABLE mvc (id int, pk int REFERENCES mvp ON UPDATE CASCADE
	ON DELETE SET NULL) PARTITION BY RANGE (pk);
CREATE TABLE mvc1 PARTITION OF mvc FOR VALUES FROM (0) TO (100);
CREATE TABLE mvc2 PARTITION OF mvc FOR VALUES FROM (100) TO (200);
INSERT INTO mvp VALUES (5), (6), (50), (150);
INSERT INTO mvc VALUES (1, 5), (2, 50), (3, 150);
-- 5 -> 105: the row moves from mvc1 to mvc2
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = k + 100 WHERE k = 5');
BEGIN;
UPDATE mvp SET k = k + 100 WHERE k = 5;
SELECT tableoid::regclass, * FROM mvc ORDER BY id;
ROLLBACK;
-- 5 -> 500: no partition of mvc takes the row
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = 500 WHERE k = 5');
SELECT ri_audit.assert_delete_safe('UPDATE mvp SET k = 500 WHERE k = 5');
\echo :LAST_ERROR_SQLSTATE
UPDATE mvp SET k = 500 WHERE k = 5;
\echo :LAST_ERROR_SQLSTATE
-- 50 -> 60 stays in mvc1; 150 -> 60 moves back to mvc1
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = k + 10 WHERE k = 50');
SELECT ri_audit.assert_delete_safe('UPDATE mvp SET k = k + 10 WHERE k = 50');
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = 60 WHERE k = 150');
BEGIN;
UPDATE mvp SET k = 60 WHERE k = 150;
SELECT tableoid::regclass, * FROM mvc ORDER BY id;
ROLLBACK;
-- ON DELETE SET NULL: a NULL pk fits no range partition, until mvc has a
-- default partition; a parent row nobody references changes nothing
SELECT * FROM ri_audit.delete_preview('DELETE FROM mvp WHERE k IN (5, 6)');
SELECT ri_audit.assert_delete_safe('DELETE FROM mvp WHERE k IN (5, 6)');
DELETE FROM mvp WHERE k IN (5, 6);
SELECT * FROM ri_audit.delete_preview('DELETE FROM mvp WHERE k = 6');
CREATE TABLE mvcd PARTITION OF mvc DEFAULT;
SELECT * FROM ri_audit.delete_preview('DELETE FROM mvp WHERE k IN (5, 6)');
BEGIN;
DELETE FROM mvp WHERE k IN (5, 6);
SELECT tableoid::regclass, * FROM mvc ORDER BY id;
ROLLBACK;
DROP TABLE mvcd;
-- SET DEFAULT sets pk to its default: 150 moves the row to mvs2; 500 fits
-- no partition (and is no key of mvp either: the move fails first)
CREATE TABLE mvs (id int, pk int DEFAULT 150 REFERENCES mvp
	ON DELETE SET DEFAULT) PARTITION BY RANGE (pk);
CREATE TABLE mvs1 PARTITION OF mvs FOR VALUES FROM (0) TO (100);
CREATE TABLE mvs2 PARTITION OF mvs FOR VALUES FROM (100) TO (200);
INSERT INTO mvs VALUES (1, 6);
SELECT * FROM ri_audit.delete_preview('DELETE FROM mvp WHERE k = 6');
BEGIN;
DELETE FROM mvp WHERE k = 6;
SELECT tableoid::regclass, * FROM mvs ORDER BY id;
ROLLBACK;
ALTER TABLE mvs ALTER pk SET DEFAULT 500;
SELECT * FROM ri_audit.delete_preview('DELETE FROM mvp WHERE k = 6');
SELECT ri_audit.assert_delete_safe('DELETE FROM mvp WHERE k = 6');
DELETE FROM mvp WHERE k = 6;
DROP TABLE mvs;
-- a bigint key referencing int: the cascade assigns the new key cast to
-- bigint, and no partition takes 500
CREATE TABLE mvb (id int, pk bigint REFERENCES mvp ON UPDATE CASCADE)
	PARTITION BY RANGE (pk);
CREATE TABLE mvb1 PARTITION OF mvb FOR VALUES FROM (0) TO (100);
CREATE TABLE mvb2 PARTITION OF mvb FOR VALUES FROM (100) TO (200);
INSERT INTO mvb VALUES (1, 6);
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = 106 WHERE k = 6');
BEGIN;
UPDATE mvp SET k = 106 WHERE k = 6;
SELECT tableoid::regclass, * FROM mvb ORDER BY id;
ROLLBACK;
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = 500 WHERE k = 6');
SELECT ri_audit.assert_delete_safe('UPDATE mvp SET k = 500 WHERE k = 6');
UPDATE mvp SET k = 500 WHERE k = 6;
DROP TABLE mvb;
-- mvc1 partitioned and referenced itself: moving a row out of it is refused
ALTER TABLE mvc DETACH PARTITION mvc1;
DROP TABLE mvc1;
CREATE TABLE mvc1 PARTITION OF mvc FOR VALUES FROM (0) TO (100)
	PARTITION BY RANGE (pk);
CREATE TABLE mvc1a PARTITION OF mvc1 FOR VALUES FROM (0) TO (100);
ALTER TABLE mvc1 ADD UNIQUE (pk, id);
CREATE TABLE mvcr (pk int, id int, FOREIGN KEY (pk, id) REFERENCES mvc1 (pk, id));
INSERT INTO mvc VALUES (1, 5), (2, 50);
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = k + 100 WHERE k = 5');
SELECT ri_audit.assert_delete_safe('UPDATE mvp SET k = k + 100 WHERE k = 5');
UPDATE mvp SET k = k + 100 WHERE k = 5;
SELECT * FROM ri_audit.delete_preview('UPDATE mvp SET k = 7 WHERE k = 5');
SELECT ri_audit.assert_delete_safe('UPDATE mvp SET k = 7 WHERE k = 5');
DROP TABLE mvcr, mvc, mvp;
-- Where a row moves can depend on a column the key does not have (mwc2 is
-- partitioned by id): a caller who may not read it is refused (42501)
-- rather than told the statement passes.
CREATE TABLE mwp (k int PRIMARY KEY);
CREATE TABLE mwc (id int, pk int REFERENCES mwp ON UPDATE CASCADE)
	PARTITION BY RANGE (pk);
CREATE TABLE mwc1 PARTITION OF mwc FOR VALUES FROM (0) TO (100);
CREATE TABLE mwc2 PARTITION OF mwc FOR VALUES FROM (100) TO (200)
	PARTITION BY RANGE (id);
CREATE TABLE mwc2a PARTITION OF mwc2 FOR VALUES FROM (0) TO (10);
INSERT INTO mwp VALUES (5), (6);
INSERT INTO mwc VALUES (1, 5), (20, 6);
CREATE ROLE regress_delsem_mover;
GRANT USAGE ON SCHEMA delsem TO regress_delsem_mover;
GRANT EXECUTE ON FUNCTION ri_audit.delete_preview(text) TO regress_delsem_mover;
GRANT SELECT ON mwp TO regress_delsem_mover;
GRANT SELECT (pk, ctid, tableoid) ON mwc TO regress_delsem_mover;
SET ROLE regress_delsem_mover;
SELECT * FROM ri_audit.delete_preview('UPDATE mwp SET k = k + 100');
\echo :LAST_ERROR_SQLSTATE
RESET ROLE;
GRANT SELECT (id) ON mwc TO regress_delsem_mover;
SET ROLE regress_delsem_mover;
SELECT * FROM ri_audit.delete_preview('UPDATE mwp SET k = k + 100');
RESET ROLE;
UPDATE mwp SET k = k + 100;
DROP TABLE mwc, mwp;
DROP OWNED BY regress_delsem_mover;
DROP ROLE regress_delsem_mover;
-- SET DEFAULT's default is the table owner's code: the preview, run by a
-- superuser, evaluates it as that owner (where it moves the row), as RI's
-- UPDATE does, never with the caller's rights.
CREATE ROLE regress_delsem_owner;
GRANT CREATE, USAGE ON SCHEMA delsem TO regress_delsem_owner;
CREATE TABLE mop (k int PRIMARY KEY);
INSERT INTO mop VALUES (1), (150);
GRANT SELECT, REFERENCES ON mop TO regress_delsem_owner;
SET ROLE regress_delsem_owner;
CREATE FUNCTION mo_default() RETURNS int LANGUAGE plpgsql AS
	$$BEGIN RAISE NOTICE 'default evaluated as %', current_user; RETURN 150; END$$;
CREATE TABLE moc (id int, pk int DEFAULT mo_default() REFERENCES mop
	ON DELETE SET DEFAULT) PARTITION BY RANGE (pk);
CREATE TABLE moc1 PARTITION OF moc FOR VALUES FROM (0) TO (100);
CREATE TABLE moc2 PARTITION OF moc FOR VALUES FROM (100) TO (200);
INSERT INTO moc VALUES (1, 1);
RESET ROLE;
SELECT current_user = 'regress_delsem_owner' AS caller_is_owner;
SELECT * FROM ri_audit.delete_preview('DELETE FROM mop WHERE k = 1');
BEGIN;
DELETE FROM mop WHERE k = 1;
SELECT tableoid::regclass, * FROM moc;
ROLLBACK;
DROP TABLE moc, mop;
DROP FUNCTION mo_default();
REVOKE ALL ON SCHEMA delsem FROM regress_delsem_owner;
DROP ROLE regress_delsem_owner;

-- NO ACTION's recheck and keys that ON UPDATE CASCADE sets: g's rows 1 and
-- 2 become 10 and 1, the cascade gives p and then q the same keys, so q's
-- row that was 2 holds key 1 when the checks of c (immediate, reached at
-- step 3, after the cascade of step 2) and cd (at commit) run: nothing
-- blocks.  RESTRICT does not recheck.  A key nobody takes over (3) blocks.
CREATE TABLE tg (k int PRIMARY KEY);
CREATE TABLE tp (id int PRIMARY KEY REFERENCES tg ON UPDATE CASCADE);
CREATE TABLE tq (id int PRIMARY KEY REFERENCES tp ON UPDATE CASCADE, t text);
CREATE TABLE tc (qid int REFERENCES tq ON UPDATE NO ACTION);
CREATE TABLE tcd (qid int REFERENCES tq ON UPDATE NO ACTION
	DEFERRABLE INITIALLY DEFERRED);
INSERT INTO tg VALUES (1), (2), (3);
INSERT INTO tp VALUES (1), (2), (3);
INSERT INTO tq VALUES (1, 'a'), (2, 'b'), (3, 'c');
INSERT INTO tc VALUES (1), (3);
INSERT INTO tcd VALUES (1);
SELECT * FROM ri_audit.delete_preview('UPDATE tg SET k = CASE k WHEN 1 THEN 10 ELSE 1 END WHERE k IN (1, 2)');
SELECT ri_audit.assert_delete_safe('UPDATE tg SET k = CASE k WHEN 1 THEN 10 ELSE 1 END WHERE k IN (1, 2)');
BEGIN;
UPDATE tg SET k = CASE k WHEN 1 THEN 10 ELSE 1 END WHERE k IN (1, 2);
SELECT * FROM tq ORDER BY id;
SELECT * FROM tc ORDER BY qid;
SET CONSTRAINTS ALL IMMEDIATE;
ROLLBACK;
SELECT * FROM ri_audit.delete_preview('UPDATE tg SET k = 30 WHERE k = 3');
UPDATE tg SET k = 30 WHERE k = 3;
-- the same through RESTRICT: blocks
CREATE TABLE tcr (qid int REFERENCES tq ON UPDATE RESTRICT);
INSERT INTO tcr VALUES (1);
SELECT * FROM ri_audit.delete_preview('UPDATE tg SET k = CASE k WHEN 1 THEN 10 ELSE 1 END WHERE k IN (1, 2)');
UPDATE tg SET k = CASE k WHEN 1 THEN 10 ELSE 1 END WHERE k IN (1, 2);
DROP TABLE tcr, tcd, tc, tq, tp, tg;

-- A partly-NULL key copied on by ON UPDATE CASCADE from table to table:
-- fb's MATCH SIMPLE key takes (NULL, 1), and its own cascade copies it into
-- fc's MATCH FULL key, whose check fails.  All NULL passes.
CREATE TABLE mfa (a int, b int, UNIQUE (a, b));
CREATE TABLE mfb (a int, b int, UNIQUE (a, b),
	FOREIGN KEY (a, b) REFERENCES mfa (a, b) ON UPDATE CASCADE);
CREATE TABLE mfc (id int, a int, b int,
	FOREIGN KEY (a, b) REFERENCES mfb (a, b) MATCH FULL ON UPDATE CASCADE);
INSERT INTO mfa VALUES (1, 1), (2, 2);
INSERT INTO mfb VALUES (1, 1), (2, 2);
INSERT INTO mfc VALUES (1, 1, 1), (2, 2, 2);
SELECT * FROM ri_audit.delete_preview('UPDATE mfa SET a = NULL WHERE a = 1');
SELECT ri_audit.assert_delete_safe('UPDATE mfa SET a = NULL WHERE a = 1');
UPDATE mfa SET a = NULL WHERE a = 1;
SELECT * FROM ri_audit.delete_preview('UPDATE mfa SET a = NULL, b = NULL WHERE a = 1');
BEGIN;
UPDATE mfa SET a = NULL, b = NULL WHERE a = 1;
SELECT * FROM mfc ORDER BY id;
ROLLBACK;
DROP TABLE mfc, mfb, mfa;

-- A self reference: the cascade from the statement's own rows updates
-- rows that the statement updates too; their other referenced columns
-- hold the statement's new values, so key 3 is not taken over.
CREATE TABLE sr (k int UNIQUE, fk int REFERENCES sr (k) ON UPDATE CASCADE);
CREATE TABLE src (x int REFERENCES sr (k) ON UPDATE NO ACTION
	DEFERRABLE INITIALLY DEFERRED);
INSERT INTO sr VALUES (1, 1), (2, 2), (3, 3);
INSERT INTO src VALUES (3);
SELECT * FROM ri_audit.delete_preview('UPDATE sr SET k = k - 1');
BEGIN;
UPDATE sr SET k = k - 1;
SELECT * FROM sr ORDER BY k;
COMMIT;
DROP TABLE src, sr;

-- ON UPDATE / ON DELETE SET DEFAULT whose default key (3) the statement
-- removes, on an initially deferred key.  After setting a removed parent
-- row's referencing rows to the default, ri_set rechecks that parent's old
-- key at once (the action triggers are never deferred): for row 3 it fails
-- when rows reference key 3 at that moment.  Here row 3 comes first in the
-- scan and has no referencing rows, so its recheck passes, and the rows
-- that rows 6 and 9 then set to 3 fail their deferred check at commit.
CREATE TABLE sdp (k int PRIMARY KEY);
INSERT INTO sdp SELECT generate_series(1, 9);
CREATE TABLE sdc (id int, pid int DEFAULT 3 REFERENCES sdp
	ON UPDATE SET DEFAULT ON DELETE SET DEFAULT
	DEFERRABLE INITIALLY DEFERRED);
INSERT INTO sdc VALUES (1, 6), (2, 9);
SELECT * FROM ri_audit.delete_preview('UPDATE sdp SET k = k + 100 WHERE k % 3 = 0');
SELECT ri_audit.assert_delete_safe('UPDATE sdp SET k = k + 100 WHERE k % 3 = 0');
BEGIN;
UPDATE sdp SET k = k + 100 WHERE k % 3 = 0;
SELECT * FROM sdc ORDER BY id;
COMMIT;
SELECT * FROM ri_audit.delete_preview('DELETE FROM sdp WHERE k % 3 = 0');
BEGIN;
DELETE FROM sdp WHERE k % 3 = 0;
COMMIT;
-- row 3 moved to the end of the heap: rows 6 and 9 come first and set
-- their rows to 3, and row 3's recheck finds them, at once
UPDATE sdp SET k = k WHERE k = 3;
SELECT ctid, k FROM sdp WHERE k % 3 = 0 ORDER BY ctid;
SELECT * FROM ri_audit.delete_preview('DELETE FROM sdp WHERE k % 3 = 0');
BEGIN;
DELETE FROM sdp WHERE k % 3 = 0;
ROLLBACK;
-- row 3 first again, with a referencing row of its own: that row keeps key
-- 3, and the recheck finds it
DELETE FROM sdp WHERE k = 3;
INSERT INTO sdp VALUES (3);
UPDATE sdp SET k = k WHERE k IN (6, 9);
INSERT INTO sdc VALUES (3, 3);
SELECT ctid, k FROM sdp WHERE k % 3 = 0 ORDER BY ctid;
SELECT * FROM ri_audit.delete_preview('DELETE FROM sdp WHERE k % 3 = 0');
BEGIN;
DELETE FROM sdp WHERE k % 3 = 0;
ROLLBACK;
DROP TABLE sdc, sdp;

-- MATCH FULL and ON UPDATE CASCADE: the cascade copies the parent row's new
-- key into its referencing rows (RI_FKey_cascade_upd), and a key partly
-- NULL fails their check (RI_FKey_check: a MATCH FULL key is all NULL or
-- all set), at once or at commit as the key is deferred.  MATCH SIMPLE
-- takes such a key; all NULL passes both.
CREATE TABLE fp (a int, b int, UNIQUE (a, b));
INSERT INTO fp VALUES (1, 1), (2, 2);
CREATE TABLE fc (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES fp (a, b)
	MATCH FULL ON UPDATE CASCADE);
CREATE TABLE fcd (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES fp (a, b)
	MATCH FULL ON UPDATE CASCADE DEFERRABLE INITIALLY DEFERRED);
CREATE TABLE fcs (id int, a int, b int, FOREIGN KEY (a, b) REFERENCES fp (a, b)
	ON UPDATE CASCADE);
INSERT INTO fc VALUES (1, 1, 1);
INSERT INTO fcd VALUES (1, 2, 2);
INSERT INTO fcs VALUES (1, 1, 1), (2, 2, 2);
SELECT * FROM ri_audit.delete_preview('UPDATE fp SET b = NULL');
SELECT ri_audit.assert_delete_safe('UPDATE fp SET b = NULL');
BEGIN;
UPDATE fp SET b = NULL;
ROLLBACK;
SELECT * FROM ri_audit.delete_preview('UPDATE fp SET b = NULL WHERE a = 2');
BEGIN;
UPDATE fp SET b = NULL WHERE a = 2;
SELECT * FROM fcd;
COMMIT;
SELECT * FROM ri_audit.delete_preview('UPDATE fp SET a = NULL, b = NULL');
BEGIN;
UPDATE fp SET a = NULL, b = NULL;
SELECT * FROM fc UNION ALL SELECT * FROM fcd UNION ALL SELECT * FROM fcs;
ROLLBACK;
DROP TABLE fc, fcd, fcs, fp;

-- A row that two actions update: the second updates the row version the
-- first one made, a version of this transaction, so every key of it that
-- is not NULL is checked (RI_FKey_fk_upd_check_required), changed or not,
-- one step later.  Here deleting row 1 sets rc.f1, then rc.f2 to NULL, and
-- its cascade through rp.pf (a trigger that fires after those two) deletes
-- row 2, which rc.f3 references: the check of rc.f3 runs before row 2's ON
-- DELETE CASCADE reaches rc, and fails at once.
CREATE TABLE rp (k int PRIMARY KEY, pf int);
CREATE TABLE rc (id int, f1 int REFERENCES rp ON DELETE SET NULL,
	f2 int REFERENCES rp ON DELETE SET NULL,
	f3 int REFERENCES rp ON DELETE CASCADE);
ALTER TABLE rp ADD FOREIGN KEY (pf) REFERENCES rp ON DELETE CASCADE;
INSERT INTO rp VALUES (1, NULL), (2, 1), (3, NULL);
INSERT INTO rc VALUES (1, 1, 1, 2), (2, 1, NULL, 2), (3, 3, 1, 2);
SELECT * FROM ri_audit.delete_preview('DELETE FROM rp WHERE k = 1');
SELECT ri_audit.assert_delete_safe('DELETE FROM rp WHERE k = 1');
BEGIN;
DELETE FROM rp WHERE k = 1;
ROLLBACK;
-- updated once only (rc rows 2 and 3): their keys are not checked, and row
-- 2's cascade deletes them
DELETE FROM rc WHERE id = 1;
SELECT * FROM ri_audit.delete_preview('DELETE FROM rp WHERE k = 1');
BEGIN;
DELETE FROM rp WHERE k = 1;
SELECT * FROM rc;
ROLLBACK;
-- rc.f3 INITIALLY DEFERRED: its check waits for commit, by when row 2's
-- cascade has deleted the row
INSERT INTO rc VALUES (1, 1, 1, 2);
ALTER TABLE rc ALTER CONSTRAINT rc_f3_fkey DEFERRABLE INITIALLY DEFERRED;
SELECT * FROM ri_audit.delete_preview('DELETE FROM rp WHERE k = 1');
BEGIN;
DELETE FROM rp WHERE k = 1;
COMMIT;
SELECT * FROM rc;
DROP TABLE rc, rp;
-- updated twice, the parent row gone first: rp.pf's trigger fires before
-- rc.f1's and rc.f2's, so row 2's cascade is queued before the check, and
-- deletes the row first
CREATE TABLE rp (k int PRIMARY KEY, pf int REFERENCES rp ON DELETE CASCADE);
CREATE TABLE rc (id int, f1 int REFERENCES rp ON DELETE SET NULL,
	f2 int REFERENCES rp ON DELETE SET NULL,
	f3 int REFERENCES rp ON DELETE CASCADE);
INSERT INTO rp VALUES (1, NULL), (2, 1);
INSERT INTO rc VALUES (1, 1, 1, 2);
SELECT * FROM ri_audit.delete_preview('DELETE FROM rp WHERE k = 1');
BEGIN;
DELETE FROM rp WHERE k = 1;
SELECT * FROM rc;
ROLLBACK;
DROP TABLE rc, rp;

RESET client_min_messages;
RESET search_path;
DROP SCHEMA delsem CASCADE;
