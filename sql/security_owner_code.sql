--
-- Auditing another role's tables never runs that role's code with the
-- auditor's rights.
--
-- regress_oc_owner, a plain role, owns schema oc and plants a function
-- through every vector an audit could reach:
--   color:   a cast to json of an enum key (to_jsonb() would call it)
--   shade:   a cast to text of an enum key
--   evil:    an implicit cast of a composite key to int, which the key
--            comparison applies (the key references an int)
--   posint:  a domain whose CHECK calls a function
--   ===:     the equality operator of a unique index's operator class
--            (made by a superuser, as only superusers can), whose function
--            the owner owns and so may replace at any time
-- Each planted function records who ran it in oc.calls and, when that is a
-- superuser, tries to make its owner a superuser.  A superuser and a
-- granted auditor then run every function: the calls table must never show
-- them, the owner must stay a plain role, and every key gets an exact
-- answer or a clear refusal.
--
SET client_min_messages = warning;

CREATE ROLE regress_oc_owner;
CREATE ROLE regress_oc_other;
CREATE ROLE regress_oc_auditor;
CREATE SCHEMA oc AUTHORIZATION regress_oc_owner;
CREATE SCHEMA oc_other AUTHORIZATION regress_oc_other;
GRANT USAGE ON SCHEMA ri_audit TO regress_oc_auditor;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ri_audit TO regress_oc_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA ri_audit TO regress_oc_auditor;

-- The operator class needs a superuser; its function belongs to the owner.
CREATE FUNCTION oc.int_same(int, int) RETURNS bool
	LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
ALTER FUNCTION oc.int_same(int, int) OWNER TO regress_oc_owner;
CREATE OPERATOR oc.=== (LEFTARG = int, RIGHTARG = int,
	FUNCTION = oc.int_same);
ALTER OPERATOR oc.=== (int, int) OWNER TO regress_oc_owner;
CREATE OPERATOR CLASS oc.int_same_ops FOR TYPE int USING btree AS
	OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 oc.===, OPERATOR 4 >=,
	OPERATOR 5 >, FUNCTION 1 btint4cmp(int, int);

SET ROLE regress_oc_owner;

CREATE TABLE oc.calls (vector text, who name, is_super bool);

-- The body every planted function shares: record, then escalate.
CREATE FUNCTION oc.plant(vector text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
	BEGIN
		INSERT INTO oc.calls
		SELECT vector, current_user, rolsuper FROM pg_roles
		 WHERE rolname = current_user;
	EXCEPTION WHEN read_only_sql_transaction THEN
		RAISE WARNING '% ran as % in a read-only transaction',
			vector, current_user;
	END;
	IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
		EXECUTE 'ALTER ROLE regress_oc_owner SUPERUSER';
	END IF;
END $$;

-- color: a cast to json.
CREATE TYPE oc.color AS ENUM ('red', 'green', 'blue');
CREATE FUNCTION oc.color_to_json(oc.color) RETURNS json LANGUAGE plpgsql AS $$
BEGIN
	PERFORM oc.plant('cast to json');
	RETURN to_json($1::text);
END $$;
CREATE CAST (oc.color AS json) WITH FUNCTION oc.color_to_json(oc.color);
CREATE TABLE oc.color_pk (c oc.color PRIMARY KEY);
INSERT INTO oc.color_pk VALUES ('red');
CREATE TABLE oc.color_fk (id int, c oc.color);
INSERT INTO oc.color_fk VALUES (1, 'red'), (2, 'blue');
ALTER TABLE oc.color_fk ADD CONSTRAINT color_fk_c_fkey FOREIGN KEY (c)
	REFERENCES oc.color_pk NOT VALID;

-- shade: a cast to text.
CREATE TYPE oc.shade AS ENUM ('light', 'dark');
CREATE FUNCTION oc.shade_to_text(oc.shade) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
	PERFORM oc.plant('cast to text');
	RETURN 'x';
END $$;
CREATE CAST (oc.shade AS text) WITH FUNCTION oc.shade_to_text(oc.shade);
CREATE TABLE oc.shade_pk (s oc.shade PRIMARY KEY);
INSERT INTO oc.shade_pk VALUES ('light');
CREATE TABLE oc.shade_fk (id int, s oc.shade);
INSERT INTO oc.shade_fk VALUES (1, 'light'), (2, 'dark');
ALTER TABLE oc.shade_fk ADD CONSTRAINT shade_fk_s_fkey FOREIGN KEY (s)
	REFERENCES oc.shade_pk NOT VALID;

-- evil: an implicit cast that the key comparison applies.
CREATE TYPE oc.evil AS (a int);
CREATE FUNCTION oc.evil_to_int(oc.evil) RETURNS int LANGUAGE plpgsql AS $$
BEGIN
	PERFORM oc.plant('implicit cast');
	RETURN ($1).a;
END $$;
CREATE CAST (oc.evil AS int) WITH FUNCTION oc.evil_to_int(oc.evil)
	AS IMPLICIT;
CREATE TABLE oc.evil_pk (i int PRIMARY KEY);
INSERT INTO oc.evil_pk VALUES (1), (2);
CREATE TABLE oc.evil_fk (id int, e oc.evil);
INSERT INTO oc.evil_fk VALUES (1, ROW(1)), (2, ROW(5)), (3, NULL);
ALTER TABLE oc.evil_fk ADD CONSTRAINT evil_fk_e_fkey FOREIGN KEY (e)
	REFERENCES oc.evil_pk NOT VALID;

-- posint: a domain CHECK that calls a function.
CREATE FUNCTION oc.positive(int) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
	PERFORM oc.plant('domain check');
	RETURN $1 > 0;
END $$;
CREATE DOMAIN oc.posint AS int CHECK (oc.positive(VALUE));
CREATE TABLE oc.dom_pk (d oc.posint PRIMARY KEY);
INSERT INTO oc.dom_pk VALUES (1);
CREATE TABLE oc.dom_fk (id int, d oc.posint);
INSERT INTO oc.dom_fk VALUES (1, 1), (2, 7);
ALTER TABLE oc.dom_fk ADD CONSTRAINT dom_fk_d_fkey FOREIGN KEY (d)
	REFERENCES oc.dom_pk NOT VALID;

-- ===: the operator class's equality, through a unique index.
CREATE TABLE oc.op_pk (i int);
CREATE UNIQUE INDEX op_pk_i ON oc.op_pk (i oc.int_same_ops);
INSERT INTO oc.op_pk VALUES (1), (2);
CREATE TABLE oc.op_fk (id int, i int);
INSERT INTO oc.op_fk VALUES (1, 2), (2, 8);
ALTER TABLE oc.op_fk ADD CONSTRAINT op_fk_i_fkey FOREIGN KEY (i)
	REFERENCES oc.op_pk (i) NOT VALID;
-- The owner replaces the operator's function now that it is in use.
CREATE OR REPLACE FUNCTION oc.int_same(int, int) RETURNS bool
	LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	PERFORM oc.plant('operator function');
	RETURN $1 = $2;
END $$;

GRANT USAGE ON SCHEMA oc TO regress_oc_auditor;
GRANT SELECT ON ALL TABLES IN SCHEMA oc TO regress_oc_auditor;
RESET ROLE;

-- The constraint comparisons, as PostgreSQL made them.
SELECT conname, conpfeqop::regoper[]
  FROM pg_constraint WHERE connamespace = 'oc'::regnamespace AND contype = 'f'
 ORDER BY conname;

-- Run every orphan function, under both scan paths, as role r.
CREATE FUNCTION pg_temp.audit_all(r name, label text) RETURNS SETOF text
LANGUAGE plpgsql AS $$
DECLARE
	m text;
	k record;
	x record;
	e text;
BEGIN
	FOREACH m IN ARRAY ARRAY['auto', 'planner'] LOOP
		PERFORM set_config('ri_audit.scan_method', m, true);
		EXECUTE format('SET LOCAL ROLE %I', r);
		FOR x IN SELECT * FROM ri_audit.check_foreign_keys(
				ARRAY(SELECT oid FROM pg_class
					   WHERE relnamespace = 'oc'::regnamespace
						 AND relkind = 'r')::regclass[])
		LOOP
			RETURN NEXT format('%s %s check_foreign_keys %s: %s%s %s %s', label, m,
							   x.fk_name, x.status, ' (' || x.reason || ')',
							   x.orphan_count, x.sample);
		END LOOP;
		FOR x IN SELECT fk_name, status, reason, orphan_count
				   FROM ri_audit.orphan_summary
				  WHERE table_name::text LIKE 'oc.%'
		LOOP
			RETURN NEXT format('%s %s orphan_summary %s: %s%s %s', label, m,
							   x.fk_name, x.status, ' (' || x.reason || ')',
							   x.orphan_count);
		END LOOP;
		FOR k IN SELECT oid, conname FROM pg_constraint
				  WHERE connamespace = 'oc'::regnamespace AND contype = 'f'
				  ORDER BY conname
		LOOP
			BEGIN
				FOR x IN SELECT * FROM ri_audit.orphans(k.oid) LOOP
					RETURN NEXT format('%s %s orphans %s: %s %s', label, m,
									   k.conname, x.table_name, x.key);
				END LOOP;
			EXCEPTION WHEN OTHERS THEN
				RETURN NEXT format('%s %s orphans %s: ERROR %s %s', label, m,
								   k.conname, SQLSTATE, SQLERRM);
			END;
			BEGIN
				PERFORM ri_audit.assert_no_orphans(
					ARRAY[(SELECT conrelid FROM pg_constraint
							WHERE oid = k.oid)]::regclass[]);
				RETURN NEXT format('%s %s assert_no_orphans %s: ok', label, m,
								   k.conname);
			EXCEPTION WHEN OTHERS THEN
				GET STACKED DIAGNOSTICS e = PG_EXCEPTION_DETAIL;
				RETURN NEXT format('%s %s assert_no_orphans %s: ERROR %s %s / %s',
								   label, m, k.conname, SQLSTATE, SQLERRM, e);
			END;
			FOR x IN SELECT * FROM ri_audit.validate(k.oid) LOOP
				RETURN NEXT format('%s %s validate %s: %s %s', label, m,
								   k.conname, x.status || coalesce(': ' || x.reason, ''),
								   x.violation_count);
			END LOOP;
		END LOOP;
		RESET ROLE;
	END LOOP;
END $$;

-- Setting up ran the domain check (as the owner); start afresh.
TRUNCATE oc.calls;
BEGIN;
SELECT * FROM pg_temp.audit_all(current_user, 'superuser');
COMMIT;
BEGIN;
SELECT * FROM pg_temp.audit_all('regress_oc_auditor', 'auditor');
COMMIT;

-- In a read-only transaction too.
BEGIN READ ONLY;
SELECT fk_name, status, reason, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{oc.evil_fk}');
COMMIT;

-- The planted code never ran as the superuser or the auditor: what ran,
-- ran as its owner (the comparisons that reach the implicit cast and the
-- operator's function); casts to json and text and the domain check never
-- ran at all.
SELECT DISTINCT vector, who, is_super FROM oc.calls ORDER BY 1, 2;
SELECT rolname, rolsuper FROM pg_roles WHERE rolname = 'regress_oc_owner';

-- The answers are exact: PostgreSQL's own verdict, row by row, for the
-- keys whose comparison ran as the owner (asked as the owner, since the
-- question itself runs the owner's code).
SET ROLE regress_oc_owner;
SELECT e, EXISTS (SELECT 1 FROM oc.evil_pk p WHERE p.i = f.e::int) AS found
  FROM oc.evil_fk f ORDER BY id;
SELECT i, EXISTS (SELECT 1 FROM oc.op_pk p WHERE p.i OPERATOR(oc.===) f.i)
	   AS found
  FROM oc.op_fk f ORDER BY id;
RESET ROLE;

-- validate() runs VALIDATE CONSTRAINT as the table owner: with the orphans
-- gone, the superuser validates, the owner's code runs as the owner.
DELETE FROM oc.evil_fk WHERE id = 2;
DELETE FROM oc.op_fk WHERE id = 2;
TRUNCATE oc.calls;
SELECT con_name, status, violation_count
  FROM ri_audit.validate((SELECT oid FROM pg_constraint
						   WHERE conname = 'evil_fk_e_fkey'), false);
SELECT con_name, status, violation_count
  FROM ri_audit.validate((SELECT oid FROM pg_constraint
						   WHERE conname = 'op_fk_i_fkey'), false);
SELECT convalidated FROM pg_constraint
 WHERE conname IN ('evil_fk_e_fkey', 'op_fk_i_fkey') ORDER BY conname;
SELECT DISTINCT vector, who, is_super FROM oc.calls ORDER BY 1, 2;
SELECT rolname, rolsuper FROM pg_roles WHERE rolname = 'regress_oc_owner';

-- A caller who does not own the table gets ALTER TABLE's own error.
DELETE FROM oc.dom_fk WHERE id = 2;
SET ROLE regress_oc_auditor;
SELECT con_name, status
  FROM ri_audit.validate((SELECT oid FROM pg_constraint
						   WHERE conname = 'dom_fk_d_fkey'), false);
RESET ROLE;

-- When the owner cannot read the referenced table, the comparison cannot
-- run as the owner: the key is refused, naming the function and the role.
SET ROLE regress_oc_other;
CREATE TABLE oc_other.pk (i int PRIMARY KEY);
INSERT INTO oc_other.pk VALUES (1);
GRANT USAGE ON SCHEMA oc_other TO regress_oc_owner, regress_oc_auditor;
GRANT REFERENCES ON oc_other.pk TO regress_oc_owner;
GRANT SELECT ON oc_other.pk TO regress_oc_auditor;
SET ROLE regress_oc_owner;
CREATE TABLE oc.evil_fk2 (id int, e oc.evil);
INSERT INTO oc.evil_fk2 VALUES (1, ROW(1)), (2, ROW(3));
ALTER TABLE oc.evil_fk2 ADD CONSTRAINT evil_fk2_e_fkey FOREIGN KEY (e)
	REFERENCES oc_other.pk NOT VALID;
GRANT SELECT ON oc.evil_fk2 TO regress_oc_auditor;
RESET ROLE;
TRUNCATE oc.calls;
SELECT fk_name, status, reason, orphan_count
  FROM ri_audit.check_foreign_keys('{oc.evil_fk2}');
\set VERBOSITY default
SELECT * FROM ri_audit.orphans('oc.evil_fk2', 'evil_fk2_e_fkey');
SELECT ri_audit.assert_no_orphans('{oc.evil_fk2}');
SET ROLE regress_oc_auditor;
SELECT * FROM ri_audit.orphans('oc.evil_fk2', 'evil_fk2_e_fkey');
RESET ROLE;
\set VERBOSITY terse
SELECT count(*) AS calls FROM oc.calls;

-- Granting the owner SELECT makes it exact again.
GRANT SELECT ON oc_other.pk TO regress_oc_owner;
SELECT fk_name, status, reason, orphan_count, sample
  FROM ri_audit.check_foreign_keys('{oc.evil_fk2}');
SELECT DISTINCT vector, who, is_super FROM oc.calls ORDER BY 1, 2;

-- The owner's own audit runs its own code as itself.
TRUNCATE oc.calls;
GRANT EXECUTE ON FUNCTION ri_audit.check_foreign_keys TO regress_oc_owner;
SET ROLE regress_oc_owner;
SELECT fk_name, status, reason, orphan_count
  FROM ri_audit.check_foreign_keys('{oc.evil_fk}');
RESET ROLE;
SELECT DISTINCT vector, who, is_super FROM oc.calls ORDER BY 1, 2;

-- The verdict follows the catalogs.  While a superuser owns the
-- operator's function it is trusted and runs as the caller; handed to the
-- owner after that audit, it is foreign at the next one.
CREATE OR REPLACE FUNCTION oc.int_same(int, int) RETURNS bool
	LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	INSERT INTO oc.calls VALUES ('operator function', current_user, NULL);
	RETURN $1 = $2;
END $$;
ALTER FUNCTION oc.int_same(int, int) OWNER TO CURRENT_USER;
TRUNCATE oc.calls;
SELECT fk_name, status, reason FROM ri_audit.check_foreign_keys('{oc.op_fk}');
SELECT DISTINCT vector, who = current_user AS caller FROM oc.calls;
ALTER FUNCTION oc.int_same(int, int) OWNER TO regress_oc_owner;
TRUNCATE oc.calls;
SELECT fk_name, status, reason FROM ri_audit.check_foreign_keys('{oc.op_fk}');
SELECT DISTINCT vector, who FROM oc.calls;

DROP SCHEMA oc, oc_other CASCADE;
REVOKE ALL ON SCHEMA ri_audit FROM regress_oc_auditor;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA ri_audit FROM regress_oc_auditor;
REVOKE ALL ON FUNCTION ri_audit.check_foreign_keys FROM regress_oc_owner;
REVOKE ALL ON ALL TABLES IN SCHEMA ri_audit FROM regress_oc_auditor;
DROP ROLE regress_oc_owner, regress_oc_other, regress_oc_auditor;
