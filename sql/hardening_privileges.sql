--
-- Privileges and row level security, for every function.
--
-- Three pairs of tables, each with a NOT VALID foreign key and orphans:
--   A: row level security on the referenced table (parent_a hides tenant
--      'b' rows, and is FORCEd, so it applies to its owner too).  Reading
--      through it would turn child_a's key 2 into a false orphan.
--   B: row level security on the referencing table (child_b hides tenant
--      'b' rows).  Reading through it would miss the orphan 99, a value
--      the role may not read.
--   C: no policy; C2 (clean_c) is a clean NOT VALID key.
-- Roles: one without EXECUTE, one without SELECT, one with SELECT on the
-- key columns only, one with SELECT on the key columns and the referencing
-- table's ctid and tableoid (which orphans() reports), one under the policy of A, one under the policy of B,
-- one with BYPASSRLS, the owner, and a plain reader of C (the control).
-- Each role runs every function on every key; the matrix is printed, and
-- then checked: never a false orphan, never a hidden value, refusals are
-- 42501 errors or 'skipped: ...' statuses.
--
SET client_min_messages = warning;

CREATE ROLE regress_hard_owner;
CREATE ROLE regress_hard_noexec;
CREATE ROLE regress_hard_noselect;
CREATE ROLE regress_hard_cols;
CREATE ROLE regress_hard_cols2;
CREATE ROLE regress_hard_rls_ref;
CREATE ROLE regress_hard_rls_fk;
CREATE ROLE regress_hard_bypass BYPASSRLS;
CREATE ROLE regress_hard_reader;

CREATE SCHEMA priv AUTHORIZATION regress_hard_owner;
GRANT USAGE ON SCHEMA priv TO PUBLIC;
-- D: the referenced table lives in a schema the readers may not use.
CREATE SCHEMA priv_hidden AUTHORIZATION regress_hard_owner;
SET ROLE regress_hard_owner;

CREATE TABLE priv.parent_a (id int PRIMARY KEY, tenant text);
INSERT INTO priv.parent_a VALUES (1, 'a'), (2, 'b');
CREATE TABLE priv.child_a (id int, parent_id int, tenant text);
INSERT INTO priv.child_a VALUES (1, 1, 'a'), (2, 2, 'a'), (3, 99, 'a');
ALTER TABLE priv.child_a ADD CONSTRAINT child_a_fk FOREIGN KEY (parent_id)
	REFERENCES priv.parent_a NOT VALID;
ALTER TABLE priv.parent_a ENABLE ROW LEVEL SECURITY;
ALTER TABLE priv.parent_a FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_a ON priv.parent_a USING (tenant = 'a');

CREATE TABLE priv.parent_b (id int PRIMARY KEY);
INSERT INTO priv.parent_b VALUES (1), (2);
CREATE TABLE priv.child_b (id int, parent_id int, tenant text);
INSERT INTO priv.child_b VALUES (1, 1, 'a'), (2, 99, 'b'), (3, 98, 'a');
ALTER TABLE priv.child_b ADD CONSTRAINT child_b_fk FOREIGN KEY (parent_id)
	REFERENCES priv.parent_b NOT VALID;
ALTER TABLE priv.child_b ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_a ON priv.child_b USING (tenant = 'a');

CREATE TABLE priv.parent_c (id int PRIMARY KEY, secret text);
INSERT INTO priv.parent_c VALUES (1, 's1'), (2, 's2');
CREATE TABLE priv.child_c (id int, parent_id int, note text);
INSERT INTO priv.child_c VALUES (1, 1, 'n1'), (2, 97, 'n2');
ALTER TABLE priv.child_c ADD CONSTRAINT child_c_fk FOREIGN KEY (parent_id)
	REFERENCES priv.parent_c NOT VALID;
CREATE TABLE priv.clean_c (id int, parent_id int);
INSERT INTO priv.clean_c VALUES (1, 2);
ALTER TABLE priv.clean_c ADD CONSTRAINT clean_c_fk FOREIGN KEY (parent_id)
	REFERENCES priv.parent_c NOT VALID;

CREATE TABLE priv_hidden.parent_d (id int PRIMARY KEY);
INSERT INTO priv_hidden.parent_d VALUES (1);
CREATE TABLE priv.child_d (id int, parent_id int);
INSERT INTO priv.child_d VALUES (1, 1), (2, 96);
ALTER TABLE priv.child_d ADD CONSTRAINT child_d_fk FOREIGN KEY (parent_id)
	REFERENCES priv_hidden.parent_d NOT VALID;
GRANT SELECT ON priv_hidden.parent_d, priv.child_d TO regress_hard_reader;

GRANT SELECT ON ALL TABLES IN SCHEMA priv TO regress_hard_noexec,
	regress_hard_bypass;
GRANT SELECT ON priv.parent_a, priv.child_a TO regress_hard_rls_ref;
GRANT SELECT ON priv.parent_b, priv.child_b TO regress_hard_rls_fk;
GRANT SELECT ON priv.parent_c, priv.child_c, priv.clean_c TO regress_hard_reader;
GRANT SELECT (id) ON priv.parent_c TO regress_hard_cols;
GRANT SELECT (parent_id) ON priv.child_c, priv.clean_c TO regress_hard_cols;
GRANT SELECT (id) ON priv.parent_c TO regress_hard_cols2;
GRANT SELECT (parent_id, ctid, tableoid) ON priv.child_c, priv.clean_c
	TO regress_hard_cols2;
RESET ROLE;

-- EXECUTE on the functions that are not PUBLIC, to every role but noexec.
DO $$
DECLARE
	f regprocedure;
	r text;
BEGIN
	FOR f IN SELECT p.oid FROM pg_proc p
			  WHERE p.pronamespace = 'ri_audit'::regnamespace LOOP
		FOREACH r IN ARRAY ARRAY['regress_hard_owner', 'regress_hard_noselect',
			'regress_hard_cols', 'regress_hard_cols2', 'regress_hard_rls_ref', 'regress_hard_rls_fk',
			'regress_hard_bypass', 'regress_hard_reader'] LOOP
			EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', f, r);
		END LOOP;
	END LOOP;
END $$;
GRANT SELECT ON ri_audit.orphan_summary TO regress_hard_owner,
	regress_hard_noselect, regress_hard_cols, regress_hard_cols2,
	regress_hard_rls_ref,
	regress_hard_rls_fk, regress_hard_bypass, regress_hard_reader;

-- run(sql): sql's rows as text ('; ' between rows), or its error as
-- "ERROR <sqlstate>: <message> / <detail>".  Whatever sql changed is undone.
CREATE FUNCTION pg_temp.run(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	st text;
	msg text;
	det text;
BEGIN
	BEGIN
		EXECUTE 'SELECT pg_catalog.string_agg(t::text, ''; '') FROM ('
			|| sql || ') t' INTO r;
		RAISE EXCEPTION USING ERRCODE = 'RIA01';
	EXCEPTION WHEN SQLSTATE 'RIA01' THEN
		RETURN coalesce(r, '(no rows)');
	END;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL;
	RETURN 'ERROR ' || st || ': ' || msg || coalesce(' / ' || det, '');
END $$;

-- The calls: tset says which pair of tables a call reads.
CREATE TEMP TABLE calls (tset text, name text, query text);
INSERT INTO calls
SELECT s.tset, c.name, replace(replace(c.query, '%T', s.child), '%F', s.fk)
  FROM (VALUES ('A', 'priv.child_a', 'child_a_fk'),
			   ('B', 'priv.child_b', 'child_b_fk'),
			   ('C', 'priv.child_c', 'child_c_fk'),
			   ('C2', 'priv.clean_c', 'clean_c_fk'),
			   ('D', 'priv.child_d', 'child_d_fk')) AS s(tset, child, fk),
	   (VALUES
	('1 orphans(oid)', $$SELECT key FROM ri_audit.orphans(
		(SELECT oid FROM pg_constraint WHERE conname = '%F'))$$),
	('2 orphans(regclass, name)', $$SELECT key FROM ri_audit.orphans(
		'%T', '%F', 10)$$),
	('2 orphans(text, text)', $$SELECT key FROM ri_audit.orphans(
		'%T'::text, '%F'::text)$$),
	('3 check_foreign_keys', $$SELECT status, reason, rows_checked, orphan_count, sample
		FROM ri_audit.check_foreign_keys(ARRAY['%T'::regclass], 5)$$),
	('4 orphan_summary', $$SELECT status, reason, orphan_count, sample
		FROM ri_audit.orphan_summary WHERE fk_name = '%F'$$),
	('5 validate dry run', $$SELECT status || coalesce(': ' || reason, ''),
		violation_count FROM ri_audit.validate(
		(SELECT oid FROM pg_constraint WHERE conname = '%F'))$$),
	('6 validate_all dry run', $$SELECT status || coalesce(': ' || reason, ''),
		violation_count
		FROM ri_audit.validate_all() WHERE con_name = '%F'$$),
	('7 validate', $$SELECT status || coalesce(': ' || reason, ''),
		violation_count FROM ri_audit.validate(
		(SELECT oid FROM pg_constraint WHERE conname = '%F'), false)$$),
	('8 assert_no_orphans', $$SELECT ri_audit.assert_no_orphans(
		ARRAY['%T'::regclass])$$),
	('9 drop_preview', $$SELECT count(*) AS objects,
		count(*) FILTER (WHERE requires_cascade) AS dependents
		FROM ri_audit.drop_preview('DROP TABLE %T')$$),
	('9 assert_drop_safe', $$SELECT ri_audit.assert_drop_safe(
		'ALTER TABLE %T DROP CONSTRAINT %F')$$)
	   ) AS c(name, query);
GRANT SELECT ON calls TO PUBLIC;

CREATE TEMP TABLE matrix (role text, tset text, name text, result text);
GRANT INSERT ON matrix TO PUBLIC;
DO $$
DECLARE
	r text;
BEGIN
	FOREACH r IN ARRAY ARRAY['regress_hard_noexec', 'regress_hard_noselect',
		'regress_hard_cols', 'regress_hard_cols2', 'regress_hard_rls_ref', 'regress_hard_rls_fk',
		'regress_hard_bypass', 'regress_hard_owner', 'regress_hard_reader'] LOOP
		EXECUTE format('SET ROLE %I', r);
		INSERT INTO pg_temp.matrix
		SELECT r, c.tset, c.name, pg_temp.run(c.query) FROM pg_temp.calls c;
		RESET ROLE;
	END LOOP;
END $$;

-- The matrix, for each role on the tables that show its case (the checks
-- below read all of it).  For D only the SQLSTATE of an error is shown.
SELECT role, tset, name,
       CASE WHEN tset = 'D'
            THEN regexp_replace(regexp_replace(regexp_replace(result, '^(ERROR 42501):.*$', '\1'),
                                '"skipped: ([^"]|"")*"', 'skipped', 'g'),
                                'skipped,"([^"]|"")*"', 'skipped', 'g')
            ELSE result END AS result
  FROM matrix
 WHERE (role, tset) IN (('regress_hard_noexec', 'C'), ('regress_hard_noselect', 'C'),
		('regress_hard_cols', 'C'), ('regress_hard_cols2', 'C'),
		('regress_hard_cols2', 'C2'), ('regress_hard_rls_ref', 'A'),
		('regress_hard_rls_fk', 'B'), ('regress_hard_bypass', 'A'),
		('regress_hard_bypass', 'B'), ('regress_hard_owner', 'A'),
		('regress_hard_owner', 'C2'), ('regress_hard_reader', 'C'),
		('regress_hard_reader', 'C2'), ('regress_hard_reader', 'D'))
 ORDER BY role, tset, name;

--
-- The checks.
--
-- 1. Never a false orphan: key 2 of child_a exists in parent_a (hidden from
--    roles under its policy) and must never be reported as an orphan.
SELECT role, name, result FROM matrix
 WHERE tset = 'A' AND result ~ '"parent_id": 2\M' ORDER BY 1, 2;

-- 2. Never a hidden value: child_b's row with key 99 is hidden from every
--    role under its policy; 99 must not appear in what they get.
SELECT role, name, result FROM matrix
 WHERE tset = 'B' AND result ~ '\m99\M'
   AND role NOT IN ('regress_hard_bypass', 'regress_hard_owner')
 ORDER BY 1, 2;

-- 3. A role that may not check a key is refused: 42501 from orphans(),
--    validate() and assert_no_orphans(), status 'skipped' with a reason
--    from check_foreign_keys() and orphan_summary, 'skipped: ...' from
--    validate_all().  Rows here
--    are answers given although the role may not check the key.
SELECT role, tset, name, result FROM matrix
 WHERE ((tset = 'A' AND role IN ('regress_hard_rls_ref', 'regress_hard_owner',
			'regress_hard_noselect', 'regress_hard_cols', 'regress_hard_cols2',
			'regress_hard_reader',
			'regress_hard_rls_fk'))
		OR (tset = 'B' AND role NOT IN ('regress_hard_bypass', 'regress_hard_owner'))
		OR (tset IN ('C', 'C2') AND role IN ('regress_hard_noselect',
			'regress_hard_rls_ref', 'regress_hard_rls_fk'))
		OR (tset = 'D' AND role NOT IN ('regress_hard_bypass', 'regress_hard_owner')))
   AND role <> 'regress_hard_noexec'
   AND name NOT LIKE '9 %'
   AND result NOT LIKE 'ERROR 42501:%'
   AND result NOT LIKE '%skipped: %'
   AND result !~ '^\(skipped,"[^"]'
   AND result <> '(no rows)'
 ORDER BY 1, 2, 3;

-- 4. The roles that may check a key get the same answers as the superuser.
CREATE TEMP TABLE truth AS
SELECT c.tset, c.name, pg_temp.run(c.query) AS result FROM calls c;
SELECT m.role, m.tset, m.name, m.result, t.result AS superuser
  FROM matrix m JOIN truth t USING (tset, name)
 WHERE ((m.role IN ('regress_hard_bypass') AND m.tset IN ('A', 'B'))
		OR (m.role = 'regress_hard_owner' AND m.tset IN ('B', 'C', 'C2'))
		OR (m.role IN ('regress_hard_reader', 'regress_hard_cols2')
			AND m.tset IN ('C', 'C2')))
   AND m.name NOT IN ('7 validate')
   AND m.result IS DISTINCT FROM t.result
 ORDER BY 1, 2, 3;

-- 5. Only the owner may validate for real (ALTER TABLE needs ownership).
SELECT role, tset, result FROM matrix
 WHERE name = '7 validate' AND result ~ 'validated' AND result !~ 'would'
 ORDER BY 1, 2;

-- 6. Without EXECUTE, every data-revealing function is refused; the
--    catalog-only previews are not.
SELECT name, count(*) FILTER (WHERE result LIKE 'ERROR 42501: permission denied%')
		AS refused, count(*) AS calls
  FROM matrix WHERE role = 'regress_hard_noexec'
 GROUP BY name ORDER BY name;

-- 7. A key the role may not check does not stop a listing of the others:
--    orphan_summary and validate_all answer for the keys the reader may
--    check, and skip the one whose referenced table is in a schema it may
--    not use.
SET ROLE regress_hard_reader;
SELECT fk_name, status, reason, orphan_count
  FROM ri_audit.orphan_summary
 WHERE table_name::text LIKE 'priv.%' ORDER BY fk_name;
SELECT con_name, status
  FROM ri_audit.validate_all()
 WHERE table_name::text LIKE 'priv.%' ORDER BY con_name;
RESET ROLE;

-- Clean up.
DROP SCHEMA priv CASCADE;
DROP SCHEMA priv_hidden CASCADE;
DO $$
DECLARE
	f regprocedure;
	r text;
BEGIN
	FOR f IN SELECT p.oid FROM pg_proc p
			  WHERE p.pronamespace = 'ri_audit'::regnamespace LOOP
		FOREACH r IN ARRAY ARRAY['regress_hard_owner', 'regress_hard_noselect',
			'regress_hard_cols', 'regress_hard_cols2', 'regress_hard_rls_ref', 'regress_hard_rls_fk',
			'regress_hard_bypass', 'regress_hard_reader'] LOOP
			EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM %I', f, r);
		END LOOP;
	END LOOP;
END $$;
REVOKE SELECT ON ri_audit.orphan_summary FROM regress_hard_owner,
	regress_hard_noselect, regress_hard_cols, regress_hard_cols2,
	regress_hard_rls_ref,
	regress_hard_rls_fk, regress_hard_bypass, regress_hard_reader;
DROP ROLE regress_hard_owner, regress_hard_noexec, regress_hard_noselect,
	regress_hard_cols, regress_hard_cols2, regress_hard_rls_ref,
	regress_hard_rls_fk, regress_hard_bypass, regress_hard_reader;
