--
-- The orphans of one plain table with a single integer key: kept as
-- (key, ctid) and sorted in place while they fit in half of
-- ri_audit.work_mem, moved into the tuplesort past that, and through the
-- tuplesort when bounded.  Every way must return the rows a plain query
-- finds, in its order: key (negative values, int2/int4/int8 limits), then
-- ctid among rows with the same key, each key rendered as to_jsonb().
--
SET client_min_messages = warning;
CREATE SCHEMA orph_compact;
SET search_path = orph_compact, public;

CREATE TABLE p2 (id int2 PRIMARY KEY);
CREATE TABLE p4 (id int4 PRIMARY KEY);
CREATE TABLE p8 (id int8 PRIMARY KEY);
INSERT INTO p2 SELECT g FROM generate_series(1, 100) g;
INSERT INTO p4 SELECT g FROM generate_series(1, 100) g;
INSERT INTO p8 SELECT g FROM generate_series(1, 100) g;

-- Keys out of scan order, many rows per missing key (their ctids are far
-- apart), NULLs (never orphans), the types' limits.
CREATE TABLE c2 (id int, parent_id int2);
CREATE TABLE c4 (id int, parent_id int4);
CREATE TABLE c8 (id int, parent_id int8);
INSERT INTO c2 SELECT g, CASE WHEN g % 4 = 0 THEN ((g * 7919) % 300 - 150)::int2
							  WHEN g % 4 = 1 THEN NULL ELSE 1 + g % 100 END
  FROM generate_series(1, 12000) g;
INSERT INTO c2 VALUES (0, 32767), (0, -32768), (0, 32767);
INSERT INTO c4 SELECT g, CASE WHEN g % 3 = 0 THEN (g * 7919) % 503 - 250
							  WHEN g % 3 = 1 THEN NULL ELSE 1 + g % 100 END
  FROM generate_series(1, 12000) g;
INSERT INTO c4 VALUES (0, 2147483647), (0, -2147483648);
INSERT INTO c8 SELECT g, CASE WHEN g % 2 = 0 THEN ((g::int8 * 7919) % 4001 - 2000) * 1000000000000
							  ELSE 1 + g % 100 END
  FROM generate_series(1, 12000) g;
INSERT INTO c8 VALUES (0, 9223372036854775807), (0, -9223372036854775808);
ALTER TABLE c2 ADD CONSTRAINT c2_fk FOREIGN KEY (parent_id) REFERENCES p2 NOT VALID;
ALTER TABLE c4 ADD CONSTRAINT c4_fk FOREIGN KEY (parent_id) REFERENCES p4 NOT VALID;
ALTER TABLE c8 ADD CONSTRAINT c8_fk FOREIGN KEY (parent_id) REFERENCES p8 NOT VALID;

-- What a plain query finds, numbered in its order.
CREATE FUNCTION expected(tab regclass, ptab regclass)
RETURNS TABLE (n bigint, row_ctid tid, key text)
LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format(
		'SELECT row_number() OVER (ORDER BY c.parent_id, c.ctid), c.ctid,
				jsonb_build_object(''parent_id'', to_jsonb(c.parent_id))::text
		   FROM %s c
		  WHERE c.parent_id IS NOT NULL
			AND NOT EXISTS (SELECT FROM %s p WHERE p.id = c.parent_id)',
		tab, ptab);
END $$;

-- Rows of orphans() that differ from expected(), as a count.
CREATE FUNCTION mismatches(tab regclass, ptab regclass, fk name,
						   max_rows bigint DEFAULT NULL)
RETURNS TABLE (orphans bigint, differ bigint)
LANGUAGE sql AS $$
	WITH got AS (
		SELECT row_number() OVER () AS n, o.row_ctid, o.key::text AS key
		  FROM ri_audit.orphans(tab, fk, max_rows) o),
	want AS (
		SELECT * FROM expected(tab, ptab)
		 WHERE max_rows IS NULL OR n <= max_rows)
	SELECT (SELECT count(*) FROM got),
		   count(*) FILTER (WHERE g.n IS NULL OR w.n IS NULL OR
							g.row_ctid <> w.row_ctid OR g.key <> w.key)
	  FROM got g FULL JOIN want w USING (n)
$$;

-- Within the default budget: the compact array.
SELECT 'c2' AS t, * FROM mismatches('c2', 'p2', 'c2_fk')
UNION ALL SELECT 'c4', * FROM mismatches('c4', 'p4', 'c4_fk')
UNION ALL SELECT 'c8', * FROM mismatches('c8', 'p8', 'c8_fk');

-- 64 kB: the array holds 2048 rows, then moves into a sort that spills.
SET ri_audit.work_mem = 64;
SELECT 'c2' AS t, * FROM mismatches('c2', 'p2', 'c2_fk')
UNION ALL SELECT 'c4', * FROM mismatches('c4', 'p4', 'c4_fk')
UNION ALL SELECT 'c8', * FROM mismatches('c8', 'p8', 'c8_fk');
RESET ri_audit.work_mem;

-- Bounded: the first rows only, through the tuplesort.
SELECT 'c4' AS t, * FROM mismatches('c4', 'p4', 'c4_fk', 7)
UNION ALL SELECT 'c8', * FROM mismatches('c8', 'p8', 'c8_fk', 3000);

-- The same rows whichever path finds them.
SET ri_audit.scan_method = planner;
SELECT 'c4' AS t, * FROM mismatches('c4', 'p4', 'c4_fk');
RESET ri_audit.scan_method;

-- The ends of the output, as rows.
SELECT key FROM ri_audit.orphans('c8', 'c8_fk') LIMIT 3;
SELECT key
  FROM (SELECT row_number() OVER () AS n, key
		  FROM ri_audit.orphans('c2', 'c2_fk')) s
 ORDER BY n DESC LIMIT 3;

RESET search_path;
DROP SCHEMA orph_compact CASCADE;
