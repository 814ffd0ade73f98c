--
-- delete_preview() reads the key values of a single-column key straight
-- from the parent rows, by ctid: in a partition of the referenced table the
-- key column is found by name, since a partition attached with its columns
-- in another order, or with a dropped column, numbers them differently.
-- Each preview is followed by the real statement, rolled back, counting
-- what it did.
--
SET client_min_messages = warning;
CREATE SCHEMA delkeys;
SET search_path = delkeys, public;

CREATE TABLE pk (id int NOT NULL, other int, PRIMARY KEY (id))
	PARTITION BY RANGE (id);
CREATE TABLE pk_lo PARTITION OF pk FOR VALUES FROM (MINVALUE) TO (100);
-- id is column 2 here, and other (id + 1000, a key no row references)
-- column 1
CREATE TABLE pk_swapped (other int, id int NOT NULL);
ALTER TABLE pk ATTACH PARTITION pk_swapped FOR VALUES FROM (100) TO (200);
-- id is column 3 here, column 1 dropped
CREATE TABLE pk_dropped (junk int, other int, id int NOT NULL);
ALTER TABLE pk_dropped DROP COLUMN junk;
ALTER TABLE pk ATTACH PARTITION pk_dropped FOR VALUES FROM (200) TO (MAXVALUE);
SELECT c.relname, a.attname, a.attnum
  FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
 WHERE c.relname IN ('pk', 'pk_lo', 'pk_swapped', 'pk_dropped')
   AND a.attname = 'id'
 ORDER BY 1;
INSERT INTO pk SELECT g, g + 1000 FROM generate_series(1, 300) g;

CREATE TABLE child_cascade (id int, pid int REFERENCES pk ON DELETE CASCADE);
CREATE TABLE child_null (id int, pid int REFERENCES pk ON DELETE SET NULL);
CREATE TABLE child_restrict (id int, pid int REFERENCES pk ON DELETE RESTRICT);
CREATE INDEX ON child_cascade (pid);
INSERT INTO child_cascade SELECT g, 1 + g % 300 FROM generate_series(1, 900) g;
INSERT INTO child_null SELECT g, 1 + g % 300 FROM generate_series(1, 600) g;
INSERT INTO child_restrict VALUES (1, 253), (2, 253), (3, 12);
ANALYZE pk, child_cascade, child_null, child_restrict;

-- Parent rows in all three partitions: 30 parents (10 in each), 3
-- children each through the cascade, 2 each set to NULL.  Reading column 1
-- of pk_swapped or pk_dropped would find no children for 20 of them.
SELECT step, table_name, fk_name, action, row_count, sample
  FROM ri_audit.delete_preview('DELETE FROM pk WHERE id % 10 = 5');
BEGIN;
DELETE FROM pk WHERE id % 10 = 5;
SELECT (SELECT 900 - count(*) FROM child_cascade) AS cascade_deleted,
	   (SELECT count(*) FROM child_null WHERE pid IS NULL) AS set_null;
ROLLBACK;

-- The RESTRICT key blocks, for a parent row in pk_lo and one in
-- pk_dropped; the real statement fails on the first it meets.
SELECT step, table_name, fk_name, action, row_count, sample
  FROM ri_audit.delete_preview('DELETE FROM pk WHERE id IN (12, 155, 253)');
DELETE FROM pk WHERE id IN (12, 155, 253);
SELECT count(*) FROM pk;
SELECT step, table_name, fk_name, action, row_count
  FROM ri_audit.delete_preview('DELETE FROM pk WHERE id IN (155, 156)');
BEGIN;
DELETE FROM pk WHERE id IN (155, 156);
SELECT (SELECT 900 - count(*) FROM child_cascade) AS cascade_deleted,
	   (SELECT count(*) FROM child_null WHERE pid IS NULL) AS set_null;
ROLLBACK;

RESET search_path;
DROP SCHEMA delkeys CASCADE;
