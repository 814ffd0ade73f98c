--
-- foreign_keys.enforced, report() and report_json(): catalog facts only.
-- Every column of the extension's views has a comment (\d+ shows it).
--
SET client_min_messages = warning;
CREATE SCHEMA rep;
SET search_path = rep, public;

CREATE TABLE parent (id int PRIMARY KEY);
CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent);
CREATE INDEX ON child (parent_id);
CREATE TABLE other (id int PRIMARY KEY, parent_id int REFERENCES parent);
CREATE INDEX ON other (parent_id);
CREATE TABLE parted (id int, parent_id int REFERENCES parent)
	PARTITION BY RANGE (id);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (10) TO (20);
CREATE INDEX ON parted (parent_id);

SELECT table_name, fk_name, enforced FROM ri_audit.foreign_keys
 WHERE table_name::oid IN (SELECT oid FROM pg_class WHERE relnamespace = 'rep'::regnamespace) ORDER BY 1, 2;

-- enforced is false when a trigger of the key is disabled, on either
-- table: DISABLE TRIGGER ALL on the referencing table (its check
-- triggers), on the referenced table (its action triggers), or on one
-- partition (the triggers of the partition's copy of the key).
ALTER TABLE child DISABLE TRIGGER ALL;
ALTER TABLE parted_2 DISABLE TRIGGER ALL;
SELECT table_name, fk_name, enforced, parent_fk IS NOT NULL AS is_copy
  FROM ri_audit.foreign_keys
 WHERE table_name::oid IN (SELECT oid FROM pg_class WHERE relnamespace = 'rep'::regnamespace) ORDER BY 1, 2;
ALTER TABLE child ENABLE TRIGGER ALL;
ALTER TABLE parted_2 ENABLE TRIGGER ALL;
ALTER TABLE parent DISABLE TRIGGER ALL;
SELECT table_name, fk_name, enforced FROM ri_audit.foreign_keys
 WHERE table_name::oid IN (SELECT oid FROM pg_class WHERE relnamespace = 'rep'::regnamespace) AND parent_fk IS NULL ORDER BY 1, 2;
ALTER TABLE parent ENABLE TRIGGER ALL;
-- ... or fires only in replica mode (ENABLE REPLICA TRIGGER); ENABLE
-- ALWAYS TRIGGER still enforces.
DO $$
DECLARE
	t record;
BEGIN
	FOR t IN SELECT tg.tgname, tg.tgrelid::regclass AS rel
			   FROM pg_trigger tg JOIN pg_constraint c ON c.oid = tg.tgconstraint
			  WHERE c.conname = 'other_parent_id_fkey'
				AND tg.tgrelid = 'rep.other'::regclass LOOP
		EXECUTE format('ALTER TABLE %s ENABLE REPLICA TRIGGER %I', t.rel, t.tgname);
	END LOOP;
	FOR t IN SELECT tg.tgname, tg.tgrelid::regclass AS rel
			   FROM pg_trigger tg JOIN pg_constraint c ON c.oid = tg.tgconstraint
			  WHERE c.conname = 'child_parent_id_fkey' LOOP
		EXECUTE format('ALTER TABLE %s ENABLE ALWAYS TRIGGER %I', t.rel, t.tgname);
	END LOOP;
END $$;
SELECT table_name, fk_name, enforced FROM ri_audit.foreign_keys
 WHERE table_name::oid IN (SELECT oid FROM pg_class WHERE relnamespace = 'rep'::regnamespace) AND parent_fk IS NULL ORDER BY 1, 2;
-- The difference is real: PostgreSQL does not check a row written now.
INSERT INTO other VALUES (1, 42);
INSERT INTO child VALUES (1, 42);

-- report(): the key not enforced is an error; add a NOT VALID key, a
-- cycle without a deferrable key that loads only with NULLs first (a
-- notice), one that cannot load (a warning), one with a deferrable key
-- (not reported), an unindexed key on a
-- partitioned table and a cross-type key (bigint referencing int; a domain
-- over the referenced type, or a domain over such a domain, is not
-- cross-type; a domain over a domain over bigint is).
CREATE TABLE a (id int PRIMARY KEY, b_id int);
CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a);
ALTER TABLE a ADD FOREIGN KEY (b_id) REFERENCES b;
CREATE INDEX ON a (b_id);
CREATE INDEX ON b (a_id);
-- A cycle whose key columns are all NOT NULL cannot be loaded at all.
CREATE TABLE e (id int PRIMARY KEY, f_id int NOT NULL);
CREATE TABLE f (id int PRIMARY KEY, e_id int NOT NULL REFERENCES e);
ALTER TABLE e ADD FOREIGN KEY (f_id) REFERENCES f;
CREATE INDEX ON e (f_id);
CREATE INDEX ON f (e_id);
CREATE TABLE c (id int PRIMARY KEY, d_id int);
CREATE TABLE d (id int PRIMARY KEY, c_id int REFERENCES c DEFERRABLE);
ALTER TABLE c ADD FOREIGN KEY (d_id) REFERENCES d;
CREATE INDEX ON c (d_id);
CREATE INDEX ON d (c_id);
CREATE TABLE loose (id int, parent_id int) PARTITION BY RANGE (id);
CREATE TABLE loose_1 PARTITION OF loose FOR VALUES FROM (0) TO (10);
ALTER TABLE loose ADD FOREIGN KEY (parent_id) REFERENCES parent;
CREATE DOMAIN parent_ref AS int;
CREATE DOMAIN parent_ref_ref AS parent_ref;
CREATE DOMAIN wide_ref AS bigint;
CREATE DOMAIN wide_ref_ref AS wide_ref;
CREATE TABLE wide (id int PRIMARY KEY, parent_id bigint REFERENCES parent,
	dom_id parent_ref REFERENCES parent);
CREATE INDEX ON wide (parent_id);
CREATE INDEX ON wide (dom_id);
CREATE TABLE wider (id int PRIMARY KEY,
	dom_dom_id parent_ref_ref REFERENCES parent,
	wide_dom_id wide_ref_ref REFERENCES parent);
CREATE INDEX ON wider (dom_dom_id);
CREATE INDEX ON wider (wide_dom_id);
CREATE TABLE late (parent_id int);
CREATE INDEX ON late (parent_id);
ALTER TABLE late ADD FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;
-- RI compares with the constraint's operator: varchar referencing text is
-- a binary coercion to texteq (not reported); int referencing numeric
-- casts every value to numeric (reported, as bigint referencing int is).
CREATE TABLE named (name text PRIMARY KEY);
CREATE TABLE priced (price numeric PRIMARY KEY);
CREATE TABLE naming (id int PRIMARY KEY, name varchar(20) REFERENCES named,
	price int REFERENCES priced);
CREATE INDEX ON naming (name);
CREATE INDEX ON naming (price);
-- One cycle of load_order (g, h, i) whose deferrable key (i -> h) breaks
-- only one of its loops: g and h still reference each other through keys
-- that are not deferrable (reported), h and i do not.  And j, k, l, m: two
-- loops (j <-> k, l <-> m) joined into one cycle by deferrable keys, each
-- reported on its own.
CREATE TABLE g (id int PRIMARY KEY, h_id int);
CREATE TABLE h (id int PRIMARY KEY, g_id int REFERENCES g, i_id int);
CREATE TABLE i (id int PRIMARY KEY, h_id int REFERENCES h DEFERRABLE);
ALTER TABLE g ADD FOREIGN KEY (h_id) REFERENCES h;
ALTER TABLE h ADD FOREIGN KEY (i_id) REFERENCES i;
CREATE TABLE j (id int PRIMARY KEY, k_id int, l_id int);
CREATE TABLE k (id int PRIMARY KEY, j_id int REFERENCES j);
CREATE TABLE l (id int PRIMARY KEY, m_id int, j_id int REFERENCES j DEFERRABLE);
CREATE TABLE m (id int PRIMARY KEY, l_id int REFERENCES l);
ALTER TABLE j ADD FOREIGN KEY (k_id) REFERENCES k;
ALTER TABLE j ADD FOREIGN KEY (l_id) REFERENCES l DEFERRABLE;
ALTER TABLE l ADD FOREIGN KEY (m_id) REFERENCES m;
CREATE INDEX ON g (h_id);
CREATE INDEX ON h (g_id);
CREATE INDEX ON h (i_id);
CREATE INDEX ON i (h_id);
CREATE INDEX ON j (k_id);
CREATE INDEX ON j (l_id);
CREATE INDEX ON k (j_id);
CREATE INDEX ON l (j_id);
CREATE INDEX ON l (m_id);
CREATE INDEX ON m (l_id);
SELECT cycle, string_agg(relname, ', ' ORDER BY relname) AS load_order_cycle
  FROM ri_audit.load_order() JOIN pg_class ON pg_class.oid = table_name
 WHERE relnamespace = 'rep'::regnamespace AND relname ~ '^[g-m]$'
 GROUP BY cycle;
SET search_path = public;
SELECT severity, problem, table_name, fk_name, reason, advice
  FROM ri_audit.report()
 WHERE table_name::text LIKE 'rep.%';

-- report_json(): the same findings in the same order, with counts.
SELECT jsonb_path_query_array(ri_audit.report_json(),
		'$.findings[*] ? (@.table_name starts with "rep.").problem') AS problems;
SELECT (ri_audit.report_json() ->> 'errors')::int =
	   (SELECT count(*) FROM ri_audit.report() WHERE severity = 'error') AS errors_counted,
	   (ri_audit.report_json() ->> 'warnings')::int =
	   (SELECT count(*) FROM ri_audit.report() WHERE severity = 'warning') AS warnings_counted,
	   (ri_audit.report_json() ->> 'notices')::int =
	   (SELECT count(*) FROM ri_audit.report() WHERE severity = 'notice') AS notices_counted,
	   jsonb_array_length(ri_audit.report_json() -> 'findings') =
	   (SELECT count(*) FROM ri_audit.report()) AS all_findings;
SELECT jsonb_pretty(f - 'fk') AS finding, (f ->> 'fk')::oid = (SELECT oid FROM pg_constraint WHERE conname = 'other_parent_id_fkey') AS fk_ok FROM jsonb_array_elements(ri_audit.report_json() -> 'findings') f
 WHERE f ->> 'problem' = 'not enforced';

-- Catalog only: no lock on any user table.
BEGIN;
SELECT count(*) > 0 AS found FROM ri_audit.report();
SELECT count(*) AS user_table_locks
  FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
 WHERE l.pid = pg_backend_pid() AND c.relnamespace = 'rep'::regnamespace;
COMMIT;

-- Nothing wrong, nothing reported.
DROP SCHEMA rep CASCADE;
SELECT count(*) FROM ri_audit.report();
SELECT ri_audit.report_json();

-- Every column of every view of the extension is documented.
SELECT c.relname, a.attname
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
 WHERE c.relnamespace = 'ri_audit'::regnamespace AND c.relkind = 'v'
   AND col_description(c.oid, a.attnum) IS NULL
 ORDER BY 1, a.attnum;
SELECT c.relname, count(*) AS documented_columns
  FROM pg_class c
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0
 WHERE c.relnamespace = 'ri_audit'::regnamespace AND c.relkind = 'v'
 GROUP BY 1 ORDER BY 1;
SELECT a.attname, col_description(a.attrelid, a.attnum)
  FROM pg_attribute a
 WHERE a.attrelid = 'ri_audit.foreign_keys'::regclass AND a.attname = 'enforced';
