--
-- ri_audit.unindexed_foreign_keys: the foreign keys has_index says are not
-- supported, with sizes and a statement that adds the index.
--
SET client_min_messages = warning;
CREATE SCHEMA ufk;
SET search_path = public;
CREATE TABLE ufk.parent (id int PRIMARY KEY, code text UNIQUE);
CREATE TABLE ufk."Child Table" (
	id int,
	"Parent Id" int REFERENCES ufk.parent ON DELETE CASCADE,
	code text
);
ALTER TABLE ufk.parent ADD UNIQUE (code, id);
ALTER TABLE ufk."Child Table" ADD FOREIGN KEY (code, id)
	REFERENCES ufk.parent (code, id) ON DELETE SET NULL;
INSERT INTO ufk.parent SELECT g, 'c' || g FROM generate_series(1, 100) g;
INSERT INTO ufk."Child Table" SELECT g, g, 'c' || g FROM generate_series(1, 100) g;
CREATE TABLE ufk.indexed (parent_id int REFERENCES ufk.parent);
CREATE INDEX ON ufk.indexed (parent_id);
CREATE TABLE ufk.logs (id int, at date, parent_id int REFERENCES ufk.parent)
	PARTITION BY RANGE (at);
CREATE TABLE ufk.logs_1 PARTITION OF ufk.logs FOR VALUES FROM ('2026-01-01') TO ('2026-07-01');
CREATE TABLE ufk.logs_2 PARTITION OF ufk.logs FOR VALUES FROM ('2026-07-01') TO ('2027-01-01');
INSERT INTO ufk.logs SELECT g, date '2026-01-01' + g, 1 + g % 100 FROM generate_series(1, 300) g;
ANALYZE ufk."Child Table", ufk.logs_1, ufk.logs_2;

SELECT fk_name, table_name, columns, on_delete, on_update, table_rows,
	   table_bytes > 0 AS has_bytes, suggested_index
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name::text LIKE 'ufk.%'
 ORDER BY table_name::text, fk_name;

-- unindexed_foreign_keys(exclude): the same rows without the keys of the
-- excluded tables and of their partitions.  A key that only one partition
-- has is a row of its own; excluding the partitioned table hides it too.
ALTER TABLE ufk.logs_2 ADD CONSTRAINT logs_2_own_fkey
	FOREIGN KEY (id) REFERENCES ufk.parent NOT VALID;
SELECT fk_name, table_name
  FROM ri_audit.unindexed_foreign_keys(exclude => ARRAY['ufk."Child Table"']::regclass[])
 WHERE table_name::text LIKE 'ufk.%'
 ORDER BY table_name::text, fk_name;
SELECT fk_name, table_name
  FROM ri_audit.unindexed_foreign_keys(ARRAY['ufk.logs']::regclass[])
 WHERE table_name::text LIKE 'ufk.%'
 ORDER BY table_name::text, fk_name;
SELECT fk_name, table_name
  FROM ri_audit.unindexed_foreign_keys(ARRAY['ufk.logs_2']::regclass[])
 WHERE table_name::text LIKE 'ufk.%'
 ORDER BY table_name::text, fk_name;
-- NULL, an empty array or no argument exclude nothing: the view's rows.
SELECT (SELECT array_agg(fk ORDER BY fk) FROM ri_audit.unindexed_foreign_keys(NULL)) =
	   (SELECT array_agg(fk ORDER BY fk) FROM ri_audit.unindexed_foreign_keys) AS null_is_all,
	   (SELECT array_agg(fk ORDER BY fk) FROM ri_audit.unindexed_foreign_keys('{}')) =
	   (SELECT array_agg(fk ORDER BY fk) FROM ri_audit.unindexed_foreign_keys) AS empty_is_all,
	   (SELECT array_agg(fk ORDER BY fk) FROM ri_audit.unindexed_foreign_keys()) =
	   (SELECT array_agg(fk ORDER BY fk) FROM ri_audit.unindexed_foreign_keys) AS no_argument_is_all;
ALTER TABLE ufk.logs_2 DROP CONSTRAINT logs_2_own_fkey;

-- The suggested statements work, and then nothing is left to suggest.
DO $$
DECLARE
	stmt text;
BEGIN
	FOR stmt IN SELECT replace(suggested_index, 'CONCURRENTLY ', '')
				  FROM ri_audit.unindexed_foreign_keys
				 WHERE table_name::text LIKE 'ufk.%'
	LOOP
		EXECUTE stmt;
	END LOOP;
END
$$;
SELECT count(*) FROM ri_audit.unindexed_foreign_keys
 WHERE table_name::text LIKE 'ufk.%';

DROP SCHEMA ufk CASCADE;
