--
-- The shape tests of orphans_shapes again, under the planner path for every
-- key (orphans_shapes itself runs under the default, where the keys the fast
-- path supports use it).  The output must be the same, line for line, apart
-- from this header: the two paths cannot disagree silently.
--
SET ri_audit.scan_method = planner;
-- (pg_regress feeds psql on stdin from the source directory)
\i sql/orphans_shapes.sql
RESET ri_audit.scan_method;
