-- bench/drop_preview.sql: the drop preview benchmark (issue 4).
--
-- A schema of :N tables (default 5,000), each with a foreign key to the
-- previous one, an index and a view (about 17 objects per table), then two
-- timed statements: ri_audit's preview of DROP SCHEMA ... CASCADE, and a
-- bare recursive CTE over pg_depend from the same schema (what a naive
-- dependency walk costs: no owner redirection, no flags, no descriptions).
--
-- Three sections, each starting with a marker line, for bench/run.sh:
--   -- @generate   builds the schema (one statement per table, autocommit,
--                  so no transaction needs thousands of locks)
--   -- @preview    the preview
--   -- @cte        the recursive CTE
-- Standalone: psql -v N=500 -f bench/drop_preview.sql (needs ri_audit).
--
-- @generate
\if :{?N}
\else
\set N 5000
\endif
CREATE SCHEMA bench_drop;
CREATE TABLE bench_drop.t0 (id int PRIMARY KEY, prev_id int);
CREATE INDEX ON bench_drop.t0 (prev_id);
CREATE VIEW bench_drop.v0 AS SELECT id, prev_id FROM bench_drop.t0;
SELECT format('CREATE TABLE bench_drop.t%1$s (id int PRIMARY KEY, '
			  'prev_id int REFERENCES bench_drop.t%2$s); '
			  'CREATE INDEX ON bench_drop.t%1$s (prev_id); '
			  'CREATE VIEW bench_drop.v%1$s AS '
			  'SELECT id, prev_id FROM bench_drop.t%1$s', i, i - 1)
  FROM generate_series(1, :N - 1) AS i \gexec
-- @preview
SELECT count(*), count(*) FILTER (WHERE requires_cascade) AS reported
  FROM ri_audit.drop_preview('DROP SCHEMA bench_drop CASCADE');
-- @cte
WITH RECURSIVE deps(classid, objid, objsubid) AS (
	SELECT 'pg_catalog.pg_namespace'::pg_catalog.regclass::pg_catalog.oid,
		   'bench_drop'::pg_catalog.regnamespace::pg_catalog.oid, 0
	UNION
	SELECT d.classid, d.objid, d.objsubid
	  FROM pg_catalog.pg_depend d
	  JOIN deps ON d.refclassid = deps.classid
			   AND d.refobjid = deps.objid
			   AND (deps.objsubid = 0 OR d.refobjsubid = deps.objsubid)
)
SELECT count(*) FROM deps;
