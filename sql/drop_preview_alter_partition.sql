--
-- ri_audit.drop_preview / assert_drop_safe: ALTER TABLE ... ATTACH
-- PARTITION and DETACH PARTITION [CONCURRENTLY | FINALIZE].  Attaching
-- gives the partition the parent's foreign keys: an equal foreign key of
-- the partition is attached to the parent's and its action triggers (and,
-- when the referenced table is partitioned, its constraints on the
-- referenced partitions) are dropped.  Detaching drops the partition's
-- cloned row triggers and the constraints that made it part of the
-- referenced side of a parent's foreign key.  vs_core() runs each statement
-- in a subtransaction that is rolled back and compares what no longer
-- exists afterwards with the preview's rows.
--
SET client_min_messages = notice;
CREATE SCHEMA dppa;
SET search_path = dppa, dp_oracle, public;
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NULL; END$$;
CREATE TABLE pk (id int PRIMARY KEY);

-- ATTACH PARTITION: the partition's equal foreign key is attached to the
-- parent's; its two action triggers on pk go, one deletion call each.
CREATE TABLE pt (a int, ref int REFERENCES pk) PARTITION BY RANGE (a);
CREATE TABLE p1 (a int, ref int REFERENCES pk);
SELECT * FROM pv('ALTER TABLE pt ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10)');
-- Columns in another order: the key is mapped by name.
CREATE TABLE p1b (ref int, x int, a int, FOREIGN KEY (ref) REFERENCES pk);
ALTER TABLE p1b DROP COLUMN x;
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p1b FOR VALUES FROM (10) TO (20)');
-- Not equal (another ON DELETE action, not validated, deferrable): the
-- parent's is cloned, nothing is dropped.
CREATE TABLE p2 (a int, ref int REFERENCES pk ON DELETE CASCADE);
SELECT * FROM pv('ALTER TABLE pt ATTACH PARTITION p2 FOR VALUES FROM (20) TO (30)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p2 FOR VALUES FROM (20) TO (30)');
CREATE TABLE p3 (a int, ref int);
ALTER TABLE p3 ADD FOREIGN KEY (ref) REFERENCES pk NOT VALID;
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p3 FOR VALUES FROM (30) TO (40)');
CREATE TABLE p4 (a int, ref int REFERENCES pk DEFERRABLE);
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p4 FOR VALUES FROM (40) TO (50)');
-- Two equal foreign keys on the partition: only the first is attached.
CREATE TABLE p5 (a int, ref int, CONSTRAINT p5_a FOREIGN KEY (ref) REFERENCES pk,
                 CONSTRAINT p5_b FOREIGN KEY (ref) REFERENCES pk);
SELECT * FROM pv('ALTER TABLE pt ATTACH PARTITION p5 FOR VALUES FROM (50) TO (60)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p5 FOR VALUES FROM (50) TO (60)');
-- No foreign key on the parent: nothing.
CREATE TABLE plain_parent (a int, ref int) PARTITION BY LIST (a);
CREATE TABLE plain_part (a int, ref int REFERENCES pk);
SELECT * FROM vs_core('ALTER TABLE plain_parent ATTACH PARTITION plain_part FOR VALUES IN (1)');

-- A partitioned partition without the foreign key gets a clone, and the
-- clone goes on into its partitions: the sub-partition's equal one is
-- attached.
CREATE TABLE p6 (a int, ref int) PARTITION BY RANGE (a);
CREATE TABLE p6a (a int, ref int REFERENCES pk);
ALTER TABLE p6 ATTACH PARTITION p6a FOR VALUES FROM (60) TO (65);
CREATE TABLE p6b (a int, ref int REFERENCES pk ON UPDATE CASCADE);
ALTER TABLE p6 ATTACH PARTITION p6b FOR VALUES FROM (65) TO (70);
SELECT * FROM pv('ALTER TABLE pt ATTACH PARTITION p6 FOR VALUES FROM (60) TO (70)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p6 FOR VALUES FROM (60) TO (70)');
-- A partitioned partition with the equal foreign key: attached at its
-- level, its own partitions keep theirs.
CREATE TABLE p7 (a int, ref int REFERENCES pk) PARTITION BY RANGE (a);
CREATE TABLE p7a PARTITION OF p7 FOR VALUES FROM (70) TO (80);
SELECT * FROM pv('ALTER TABLE pt ATTACH PARTITION p7 FOR VALUES FROM (70) TO (80)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p7 FOR VALUES FROM (70) TO (80)');

-- A partitioned referenced table: the partition's constraints on the
-- referenced partitions go too, with their triggers, in one call.
CREATE TABLE rpk (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE rpk1 PARTITION OF rpk FOR VALUES FROM (0) TO (100);
CREATE TABLE rpk2 PARTITION OF rpk FOR VALUES FROM (100) TO (200)
  PARTITION BY RANGE (id);
CREATE TABLE rpk2a PARTITION OF rpk2 FOR VALUES FROM (100) TO (150);
CREATE TABLE rt (a int, ref int REFERENCES rpk) PARTITION BY LIST (a);
CREATE TABLE rt1 (a int, ref int REFERENCES rpk);
SELECT * FROM pv('ALTER TABLE rt ATTACH PARTITION rt1 FOR VALUES IN (1)');
SELECT * FROM vs_core('ALTER TABLE rt ATTACH PARTITION rt1 FOR VALUES IN (1)');

-- ATTACH PARTITION's errors.
SELECT * FROM vs_core('ALTER TABLE pk ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION p6a FOR VALUES FROM (0) TO (10)');
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION nosuch FOR VALUES FROM (0) TO (10)');
CREATE TABLE pextra (a int, ref int, x int);
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION pextra FOR VALUES FROM (0) TO (10)');
CREATE TABLE pmiss (a int);
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION pmiss FOR VALUES FROM (0) TO (10)');
CREATE TABLE pinh () INHERITS (pmiss);
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION pinh FOR VALUES FROM (0) TO (10)');
CREATE TABLE ptype (a int, ref bigint);
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION ptype FOR VALUES FROM (0) TO (10)');
CREATE TABLE pnn (a int, ref int);
ALTER TABLE pt ALTER COLUMN a SET NOT NULL;
SELECT * FROM vs_core('ALTER TABLE pt ATTACH PARTITION pnn FOR VALUES FROM (0) TO (10)');
ALTER TABLE pt ALTER COLUMN a DROP NOT NULL;
SELECT * FROM vs_core('ALTER TABLE p6 ATTACH PARTITION p6 FOR VALUES FROM (0) TO (10)');
DROP TABLE pextra, pinh, pmiss, ptype, pnn;
CREATE TABLE selfref (a int PRIMARY KEY, ref int) PARTITION BY RANGE (a);
CREATE TABLE selfref1 (a int PRIMARY KEY, ref int);
ALTER TABLE selfref ADD FOREIGN KEY (ref) REFERENCES selfref1;
SELECT * FROM vs_core('ALTER TABLE selfref ATTACH PARTITION selfref1 FOR VALUES FROM (0) TO (10)');
DROP TABLE selfref, selfref1;

-- DETACH PARTITION: the partition's row triggers cloned from the parent's
-- go, in one internal call (the foreign key's own triggers stay; its
-- constraint stays, now the partition's own).
CREATE TABLE dt (a int, ref int REFERENCES pk) PARTITION BY RANGE (a);
CREATE TRIGGER dt_row AFTER INSERT ON dt FOR EACH ROW EXECUTE FUNCTION trg();
CREATE TRIGGER dt_stmt AFTER INSERT ON dt FOR EACH STATEMENT EXECUTE FUNCTION trg();
CREATE TABLE dt1 PARTITION OF dt FOR VALUES FROM (0) TO (10);
CREATE TRIGGER dt1_own AFTER INSERT ON dt1 FOR EACH ROW EXECUTE FUNCTION trg();
SELECT * FROM pv('ALTER TABLE dt DETACH PARTITION dt1');
SELECT * FROM vs_core('ALTER TABLE dt DETACH PARTITION dt1');
-- FINALIZE without a pending detach, and a partition of another table.
SELECT * FROM vs_core('ALTER TABLE dt DETACH PARTITION dt1 FINALIZE');
SELECT * FROM vs_core('ALTER TABLE dt DETACH PARTITION p1');
SELECT * FROM vs_core('ALTER TABLE pk DETACH PARTITION p1');
-- CONCURRENTLY cannot run in a transaction block (so not in vs_core): it
-- deletes what the plain form deletes, in its second transaction.
SELECT * FROM pv('ALTER TABLE dt DETACH PARTITION dt1 CONCURRENTLY');
CREATE TABLE dt_def PARTITION OF dt DEFAULT;
SELECT * FROM pv('ALTER TABLE dt DETACH PARTITION dt1 CONCURRENTLY');
DROP TABLE dt_def;
-- A partitioned partition: its cloned trigger goes, and with it (partition
-- dependency) the triggers of its own partitions.
CREATE TABLE dt2 PARTITION OF dt FOR VALUES FROM (10) TO (20) PARTITION BY RANGE (a);
CREATE TABLE dt2a PARTITION OF dt2 FOR VALUES FROM (10) TO (15);
SELECT * FROM pv('ALTER TABLE dt DETACH PARTITION dt2');
SELECT * FROM vs_core('ALTER TABLE dt DETACH PARTITION dt2');

-- DETACH of a referenced partition: the constraints that reference it on
-- behalf of the parent's foreign key go, each in its own call, with their
-- action triggers.  The calls come in pg_constraint's physical order (a
-- sequential scan, in PostgreSQL too), so the rows are shown sorted here.
CREATE TABLE rr (ref int REFERENCES rpk);
SELECT description, depends_on, dependency, requires_cascade
  FROM pv('ALTER TABLE rpk DETACH PARTITION rpk1') ORDER BY 2, 1;
SELECT * FROM vs_core('ALTER TABLE rpk DETACH PARTITION rpk1');
SELECT description, depends_on, dependency, requires_cascade
  FROM pv('ALTER TABLE rpk DETACH PARTITION rpk2') ORDER BY 2, 1;
SELECT * FROM vs_core('ALTER TABLE rpk DETACH PARTITION rpk2');
-- A referencing partitioned table too.
SELECT * FROM vs_core('ALTER TABLE rpk2 DETACH PARTITION rpk2a');
SELECT * FROM vs_core('ALTER TABLE rt ATTACH PARTITION rt1 FOR VALUES IN (1)');

-- ADD FOREIGN KEY on a partitioned table: each partition's equal foreign
-- key is attached to the new one (its action triggers go), the others get
-- a clone.
CREATE TABLE ft (a int, ref int, ref2 int) PARTITION BY RANGE (a);
CREATE TABLE ft1 PARTITION OF ft FOR VALUES FROM (0) TO (10);
CREATE TABLE ft2 PARTITION OF ft FOR VALUES FROM (10) TO (20);
ALTER TABLE ft1 ADD FOREIGN KEY (ref) REFERENCES pk;
ALTER TABLE ft2 ADD FOREIGN KEY (ref) REFERENCES pk ON DELETE CASCADE;
CREATE TABLE ft3 PARTITION OF ft FOR VALUES FROM (20) TO (30) PARTITION BY RANGE (a);
CREATE TABLE ft3a PARTITION OF ft3 FOR VALUES FROM (20) TO (25);
ALTER TABLE ft3a ADD FOREIGN KEY (ref) REFERENCES pk (id);
SELECT * FROM pv('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ADD CONSTRAINT ft_cascade FOREIGN KEY (ref) REFERENCES pk ON DELETE CASCADE');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref2) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES pk DEFERRABLE');
-- Another type: the operator differs (int8 = int4 against int4 = int4).
CREATE TABLE pk8 (id bigint PRIMARY KEY);
ALTER TABLE ft1 ADD FOREIGN KEY (ref) REFERENCES pk8;
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES pk8');
-- With other subcommands: the DROP pass runs first (a dropped column is
-- gone when the foreign key looks it up).
SELECT * FROM pv('ALTER TABLE ft DROP COLUMN ref2, ADD FOREIGN KEY (ref) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft DROP COLUMN ref2, ADD FOREIGN KEY (ref) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft DROP COLUMN ref, ADD FOREIGN KEY (ref) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ALTER COLUMN ref2 SET DEFAULT 1, ADD FOREIGN KEY (ref) REFERENCES pk');
-- On a new column: no partition has it.
SELECT * FROM vs_core('ALTER TABLE ft ADD COLUMN ref3 int REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ADD COLUMN ref3 int, ADD FOREIGN KEY (ref3) REFERENCES pk');
-- A partitioned referenced table.
ALTER TABLE ft1 ADD FOREIGN KEY (ref2) REFERENCES rpk;
SELECT * FROM pv('ALTER TABLE ft ADD FOREIGN KEY (ref2) REFERENCES rpk');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref2) REFERENCES rpk');
-- Its errors.
SELECT * FROM vs_core('ALTER TABLE ONLY ft ADD FOREIGN KEY (ref) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES pk NOT VALID');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (nosuch) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES pk (nosuch)');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref, ref2) REFERENCES pk');
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES ft');
CREATE TABLE pkt (id text PRIMARY KEY);
SELECT * FROM vs_core('ALTER TABLE ft ADD FOREIGN KEY (ref) REFERENCES pkt');
-- Refused: the foreign keys ALTER COLUMN TYPE rebuilds would be compared.
SELECT * FROM pv('ALTER TABLE ft ALTER COLUMN ref2 TYPE bigint, ADD FOREIGN KEY (ref) REFERENCES pk');

-- The preview changes nothing and takes AccessShareLock only.
BEGIN;
SELECT count(*) FROM ri_audit.drop_preview('ALTER TABLE pt ATTACH PARTITION p1 FOR VALUES FROM (0) TO (10)');
SELECT count(*) FROM ri_audit.drop_preview('ALTER TABLE dt DETACH PARTITION dt1');
SELECT DISTINCT mode FROM pg_locks
 WHERE locktype = 'relation' AND pid = pg_backend_pid()
   AND relation IN (SELECT oid FROM pg_class WHERE relnamespace = 'dppa'::regnamespace);
COMMIT;
SELECT count(*) AS triggers_of_p1_fk FROM pg_trigger t JOIN pg_constraint c ON c.oid = t.tgconstraint
 WHERE c.conrelid = 'p1'::regclass;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA dppa CASCADE;
