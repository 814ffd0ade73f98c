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

-- One statement per row: a plain table's index is built CONCURRENTLY; a
-- partitioned table's, which cannot be, by the online recipe in step
-- order: ON ONLY the parent, CONCURRENTLY per partition, then ATTACH.
SELECT fk_name, table_name, columns, on_delete, on_update, table_rows,
	   table_bytes > 0 AS has_bytes, step, suggested_index
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name::text LIKE 'ufk.%'
 ORDER BY table_name::text, fk_name, step;

-- unindexed_foreign_keys(exclude): the same rows without the keys of the
-- excluded tables and of their partitions (their first steps here).  A key
-- that only one partition has is a row of its own; excluding the
-- partitioned table hides it too.
ALTER TABLE ufk.logs_2 ADD CONSTRAINT logs_2_own_fkey
	FOREIGN KEY (id) REFERENCES ufk.parent NOT VALID;
SELECT fk_name, table_name
  FROM ri_audit.unindexed_foreign_keys(exclude => ARRAY['ufk."Child Table"']::regclass[])
 WHERE table_name::text LIKE 'ufk.%' AND step = 1
 ORDER BY table_name::text, fk_name;
SELECT fk_name, table_name
  FROM ri_audit.unindexed_foreign_keys(ARRAY['ufk.logs']::regclass[])
 WHERE table_name::text LIKE 'ufk.%' AND step = 1
 ORDER BY table_name::text, fk_name;
SELECT fk_name, table_name
  FROM ri_audit.unindexed_foreign_keys(ARRAY['ufk.logs_2']::regclass[])
 WHERE table_name::text LIKE 'ufk.%' AND step = 1
 ORDER BY table_name::text, fk_name;
-- NULL, an empty array or no argument exclude nothing: the view's rows.
SELECT (SELECT array_agg(suggested_index ORDER BY fk, step) FROM ri_audit.unindexed_foreign_keys(NULL)) =
	   (SELECT array_agg(suggested_index ORDER BY fk, step) FROM ri_audit.unindexed_foreign_keys) AS null_is_all,
	   (SELECT array_agg(suggested_index ORDER BY fk, step) FROM ri_audit.unindexed_foreign_keys('{}')) =
	   (SELECT array_agg(suggested_index ORDER BY fk, step) FROM ri_audit.unindexed_foreign_keys) AS empty_is_all,
	   (SELECT array_agg(suggested_index ORDER BY fk, step) FROM ri_audit.unindexed_foreign_keys()) =
	   (SELECT array_agg(suggested_index ORDER BY fk, step) FROM ri_audit.unindexed_foreign_keys) AS no_argument_is_all;
ALTER TABLE ufk.logs_2 DROP CONSTRAINT logs_2_own_fkey;

-- Two levels of partitions: a partitioned partition gets its index ON
-- ONLY too, and is attached after its own partitions' indexes are.  A
-- foreign-table partition could not be indexed; none here.
CREATE TABLE ufk.events (id int, at date, kind text, parent_id int REFERENCES ufk.parent)
	PARTITION BY RANGE (at);
CREATE TABLE ufk.events_2026 PARTITION OF ufk.events
	FOR VALUES FROM ('2026-01-01') TO ('2027-01-01') PARTITION BY LIST (kind);
CREATE TABLE ufk.events_2026_a PARTITION OF ufk.events_2026 FOR VALUES IN ('a');
CREATE TABLE ufk.events_2026_b PARTITION OF ufk.events_2026 FOR VALUES IN ('b');
CREATE TABLE ufk.events_2027 PARTITION OF ufk.events
	FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
SELECT step, suggested_index
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name = 'ufk.events'::regclass
 ORDER BY step;

-- Long names are shortened as PostgreSQL shortens them, and names that
-- then coincide are numbered: the names PostgreSQL itself gives when it
-- builds the index on the partitioned table (rolled back).
CREATE TABLE ufk.measurements_by_customer_and_region_and_day_of_year
	(at date, parent_id int REFERENCES ufk.parent) PARTITION BY RANGE (at);
CREATE TABLE ufk.measurements_by_customer_and_region_and_day_of_year_2026
	PARTITION OF ufk.measurements_by_customer_and_region_and_day_of_year
	FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE TABLE ufk.measurements_by_customer_and_region_and_day_of_year_2027
	PARTITION OF ufk.measurements_by_customer_and_region_and_day_of_year
	FOR VALUES FROM ('2027-01-01') TO ('2028-01-01');
SELECT step, suggested_index
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name = 'ufk.measurements_by_customer_and_region_and_day_of_year'::regclass
 ORDER BY step;
CREATE TEMP TABLE suggested AS
SELECT substring(suggested_index FROM 'CREATE INDEX (?:CONCURRENTLY )?(\S+) ON') AS index_name
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name = 'ufk.measurements_by_customer_and_region_and_day_of_year'::regclass
   AND suggested_index LIKE 'CREATE INDEX %';
BEGIN;
CREATE INDEX ON ufk.measurements_by_customer_and_region_and_day_of_year (parent_id);
SELECT c.relname AS postgres_named, i.indrelid::regclass AS on_table,
	   c.relname::text IN (SELECT index_name FROM suggested) AS same_as_suggested
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN (SELECT relid FROM pg_partition_tree('ufk.measurements_by_customer_and_region_and_day_of_year'))
 ORDER BY i.indrelid::regclass::text;
ROLLBACK;
DROP TABLE suggested;

-- PostgreSQL counts bytes, not characters, when it shortens a name, and
-- cuts at a character boundary: "éééééééééééééééééééééééé_t" is 26 characters
-- but 50 bytes, so with "_parent_id_idx" it is shortened, to the same name
-- as its partition's, which is then numbered.
CREATE TABLE ufk."éééééééééééééééééééééééé_t"
	(at date, parent_id int REFERENCES ufk.parent) PARTITION BY RANGE (at);
CREATE TABLE ufk."éééééééééééééééééééééééé_t_1"
	PARTITION OF ufk."éééééééééééééééééééééééé_t"
	FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
SELECT step, suggested_index
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name = 'ufk."éééééééééééééééééééééééé_t"'::regclass
 ORDER BY step;
CREATE TEMP TABLE suggested AS
SELECT substring(suggested_index FROM 'CREATE INDEX (?:CONCURRENTLY )?(\S+) ON') AS index_name
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name = 'ufk."éééééééééééééééééééééééé_t"'::regclass
   AND suggested_index LIKE 'CREATE INDEX %';
BEGIN;
CREATE INDEX ON ufk."éééééééééééééééééééééééé_t" (parent_id);
SELECT c.relname AS postgres_named, i.indrelid::regclass AS on_table,
	   quote_ident(c.relname) IN (SELECT index_name FROM suggested) AS same_as_suggested
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE i.indrelid IN (SELECT relid FROM pg_partition_tree('ufk."éééééééééééééééééééééééé_t"'))
 ORDER BY i.indrelid::regclass::text;
ROLLBACK;
DROP TABLE suggested;

-- The suggested statements work as given (CONCURRENTLY too: \gexec runs
-- each on its own, outside a transaction block), in step order, and then
-- nothing is left to suggest, and every partitioned index is valid.
SELECT suggested_index
  FROM ri_audit.unindexed_foreign_keys
 WHERE table_name::text LIKE 'ufk.%'
 ORDER BY table_name::text, fk_name, step \gexec
SELECT count(*) FROM ri_audit.unindexed_foreign_keys
 WHERE table_name::text LIKE 'ufk.%';
SELECT c.relname AS index_name, i.indisvalid
  FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
 WHERE c.relnamespace = 'ufk'::regnamespace AND c.relkind = 'I'
 ORDER BY 1;
SELECT f.fk_name, f.has_index
  FROM ri_audit.foreign_keys f
 WHERE f.table_name::text IN ('ufk.events', 'ufk.logs') AND f.parent_fk IS NULL
 ORDER BY 1;

DROP SCHEMA ufk CASCADE;
