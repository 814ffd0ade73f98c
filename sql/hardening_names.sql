--
-- Hostile names and a hostile search_path.
--
-- Part 1: schemas, tables, columns and constraints named with quotes,
-- spaces, dots, unicode, semicolons and SQL keywords: every function
-- answers for them, and its messages quote them as PostgreSQL does.
--
-- Part 2: a role plants, in a schema it puts first on the search_path,
-- operators (= < > <> for the key types) and functions named like those a
-- generated query may call (count, jsonb_build_object, to_jsonb,
-- quote_ident, format, array_agg ...), and a session shadows catalogs and
-- user tables with temporary tables.  Every planted function records its
-- call in a table and returns a wrong answer.  Every function of ri_audit
-- gives the same answers as before, and no planted object is ever called.
--
SET client_min_messages = warning;

CREATE SCHEMA "Sch ""q"".dot";
CREATE SCHEMA "select";

CREATE TABLE "Sch ""q"".dot"."Pa rent.""x""" (
	"i d" int,
	"select" text COLLATE "C",
	PRIMARY KEY ("i d", "select"));
INSERT INTO "Sch ""q"".dot"."Pa rent.""x""" VALUES (1, 'a'), (2, 'b');

CREATE TABLE "Sch ""q"".dot"."chïld 🙂" (
	id int PRIMARY KEY,
	"par""ent id" int2,
	"from" varchar(10),
	"ключ" int);
INSERT INTO "Sch ""q"".dot"."chïld 🙂" VALUES
	(1, 1, 'a', 1),				-- fine
	(2, 2, 'x', 2),				-- orphan: (2, 'x')
	(3, 7, 'a', 3),				-- orphan: (7, 'a')
	(4, NULL, 'zz', 4);			-- MATCH SIMPLE: not checked
ALTER TABLE "Sch ""q"".dot"."chïld 🙂"
	ADD CONSTRAINT "fk ""quoted"".name; DROP TABLE x"
	FOREIGN KEY ("par""ent id", "from")
	REFERENCES "Sch ""q"".dot"."Pa rent.""x""" NOT VALID;

CREATE TABLE "select"."table" ("column" int PRIMARY KEY, "count" int);
INSERT INTO "select"."table" VALUES (1, 1), (2, NULL), (3, 5);
ALTER TABLE "select"."table"
	ADD CONSTRAINT "ключ_fk_ünïcödé_and_a_name_longer_than_sixty_three_bytes_gets_cut"
	FOREIGN KEY ("count") REFERENCES "Sch ""q"".dot"."chïld 🙂" NOT VALID;
-- A clean NOT VALID key, for validate().
CREATE TABLE "select"."a.b" ("a.b" int REFERENCES "select"."table");
ALTER TABLE "select"."a.b" DROP CONSTRAINT "a.b_a.b_fkey";
INSERT INTO "select"."a.b" VALUES (1), (NULL);
ALTER TABLE "select"."a.b" ADD CONSTRAINT "user" FOREIGN KEY ("a.b")
	REFERENCES "select"."table" NOT VALID;

SELECT fk_name, table_name, columns, referenced_table, referenced_columns,
       validated
  FROM ri_audit.foreign_keys
 WHERE (SELECT connamespace FROM pg_constraint c WHERE c.oid = fk)
       IN ('"Sch ""q"".dot"'::regnamespace, '"select"'::regnamespace)
 ORDER BY fk_name COLLATE "C";

-- Every function, as the superuser with a normal search_path.  Each query
-- is kept as text in "calls", run by pg_temp.answers() into "baseline".
-- The test's own queries are written immune (pg_catalog.pg_constraint,
-- OPERATOR(pg_catalog.=)), so that only ri_audit is under test below.
CREATE TEMP TABLE calls (name text PRIMARY KEY, query text);
INSERT INTO calls VALUES
('orphans(oid)', $$
	SELECT table_name::text, key::text
	  FROM ri_audit.orphans((SELECT oid FROM pg_catalog.pg_constraint
		WHERE conname OPERATOR(pg_catalog.=) 'fk "quoted".name; DROP TABLE x'))$$),
('orphans(regclass, name)', $$
	SELECT table_name::text, key::text
	  FROM ri_audit.orphans('"Sch ""q"".dot"."chïld 🙂"'::regclass,
							'fk "quoted".name; DROP TABLE x', 10)$$),
('orphans(text, text)', $$
	SELECT table_name::text, key::text
	  FROM ri_audit.orphans('"Sch ""q"".dot"."chïld 🙂"',
							'fk "quoted".name; DROP TABLE x')$$),
('load_order', $$
	SELECT level, table_name::text, depends_on::text, self_reference, cycle, note
	  FROM ri_audit.load_order(ARRAY['"Sch ""q"".dot"."chïld 🙂"',
		'"Sch ""q"".dot"."Pa rent.""x"""', '"select"."table"',
		'"select"."a.b"']::regclass[])$$),
('foreign_key_graph', $$
	SELECT ri_audit.foreign_key_graph(ARRAY['"Sch ""q"".dot"."chïld 🙂"',
		'"Sch ""q"".dot"."Pa rent.""x"""', '"select"."table"',
		'"select"."a.b"']::regclass[])$$),
('unindexed_foreign_keys', $$
	SELECT fk_name::text, table_name::text
	  FROM ri_audit.unindexed_foreign_keys
	 WHERE table_name::text LIKE '"select"%' OR table_name::text LIKE '"Sch%'$$),
('orphans(keyword table)', $$
	SELECT table_name::text, key::text
	  FROM ri_audit.orphans('"select"."table"'::regclass,
		'ключ_fk_ünïcödé_and_a_name_longer_than_sixty_three_bytes_gets_cut')$$),
('check_foreign_keys', $$
	SELECT fk_name::text, table_name::text, referenced_table::text,
		   validated::text, status, rows_checked::text, orphan_count::text,
		   sample::text
	  FROM ri_audit.check_foreign_keys(ARRAY['"Sch ""q"".dot"."chïld 🙂"',
		'"select"."table"', '"select"."a.b"']::regclass[])$$),
('orphan_summary', $$
	SELECT fk_name::text, status, orphan_count::text, sample::text
	  FROM ri_audit.orphan_summary
	 WHERE (SELECT c.connamespace FROM pg_catalog.pg_constraint c
			WHERE c.oid OPERATOR(pg_catalog.=) fk) OPERATOR(pg_catalog.=) ANY (ARRAY[
		   '"Sch ""q"".dot"'::regnamespace, '"select"'::regnamespace]::oid[])$$),
('validate dry run', $$
	SELECT v.con_name::text, v.table_name::text, v.status, v.violation_count::text
	  FROM pg_catalog.pg_constraint c, ri_audit.validate(c.oid) v
	 WHERE c.contype OPERATOR(pg_catalog.=) 'f'
	   AND c.connamespace OPERATOR(pg_catalog.=) ANY (ARRAY[
		   '"Sch ""q"".dot"'::regnamespace, '"select"'::regnamespace]::oid[])$$),
('validate_all dry run', $$
	SELECT con_name::text, table_name::text, status, violation_count::text
	  FROM ri_audit.validate_all()
	 WHERE (SELECT c.connamespace FROM pg_catalog.pg_constraint c
			WHERE c.oid OPERATOR(pg_catalog.=) con) OPERATOR(pg_catalog.=) ANY (ARRAY[
		   '"Sch ""q"".dot"'::regnamespace, '"select"'::regnamespace]::oid[])$$),
('validate', $$
	SELECT v.con_name::text, v.status
	  FROM ri_audit.validate((SELECT oid FROM pg_catalog.pg_constraint
		WHERE conname OPERATOR(pg_catalog.=) 'user'), false) v$$),
('assert_no_orphans', $$
	SELECT pg_temp.error_of($q$SELECT ri_audit.assert_no_orphans(
		ARRAY['"Sch ""q"".dot"."chïld 🙂"'::regclass])$q$)$$),
('assert_no_orphans clean', $$
	SELECT pg_temp.error_of($q$SELECT ri_audit.assert_no_orphans(
		ARRAY['"select"."a.b"'::regclass])$q$)$$),
('drop_preview table', $$
	SELECT position::text, object_type, object_identity, description,
		   depends_on, dependency, requires_cascade::text
	  FROM ri_audit.drop_preview('DROP TABLE "Sch ""q"".dot"."Pa rent.""x"""')$$),
('drop_preview constraint', $$
	SELECT position::text, object_type, object_identity, description,
		   depends_on, dependency, requires_cascade::text
	  FROM ri_audit.drop_preview('ALTER TABLE "Sch ""q"".dot"."chïld 🙂"
		DROP CONSTRAINT "fk ""quoted"".name; DROP TABLE x"')$$),
('drop_preview column', $$
	SELECT position::text, object_type, object_identity, description,
		   depends_on, dependency, requires_cascade::text
	  FROM ri_audit.drop_preview('ALTER TABLE "select"."table" DROP COLUMN "column"')$$),
('drop_preview schema', $$
	SELECT position::text, object_type, object_identity, description,
		   depends_on, dependency, requires_cascade::text
	  FROM ri_audit.drop_preview('DROP SCHEMA "select"')$$),
('assert_drop_safe', $$
	SELECT pg_temp.error_of($q$SELECT ri_audit.assert_drop_safe(
		'DROP TABLE "Sch ""q"".dot"."Pa rent.""x"""')$q$)$$);

-- error_of(sql): the error sql raises, as "SQLSTATE: message / detail", or
-- 'no error'.
CREATE FUNCTION pg_temp.error_of(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
	det text;
BEGIN
	EXECUTE sql;
	RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT,
		det = PG_EXCEPTION_DETAIL;
	RETURN st || ': ' || msg || coalesce(' / ' || det, '');
END $$;

-- answers(): every call's rows as text, numbered within the call in the
-- order the function returned them; oids in the names of RI triggers and
-- toast tables are masked.  validate() with dry_run false runs
-- in a subtransaction that is rolled back, so each run starts equal.
CREATE FUNCTION pg_temp.answers()
RETURNS TABLE (name text, n bigint, answer text)
LANGUAGE plpgsql AS $$
DECLARE
	c record;
BEGIN
	FOR c IN SELECT * FROM pg_temp.calls ORDER BY calls.name LOOP
		BEGIN
			RETURN QUERY EXECUTE
				'SELECT $1, row_number() OVER (), '
				|| 'pg_catalog.regexp_replace(t::text, ''_[0-9]{5,}'', ''_N'', ''g'') '
				|| 'FROM (' || c.query || ') t'
				USING c.name;
			RAISE EXCEPTION USING ERRCODE = 'RIA01';
		EXCEPTION WHEN SQLSTATE 'RIA01' THEN
			NULL;	-- undo what the call did
		WHEN OTHERS THEN
			name := c.name;
			n := 0;
			answer := 'ERROR ' || SQLSTATE || ': ' || SQLERRM;
			RETURN NEXT;
		END;
	END LOOP;
END $$;

CREATE TEMP TABLE baseline AS SELECT * FROM pg_temp.answers();
SELECT name, n, answer FROM baseline ORDER BY name, n;

--
-- Part 2: the planted objects.
--
CREATE ROLE regress_hard_attacker;
CREATE SCHEMA regress_hard_evil AUTHORIZATION regress_hard_attacker;
SET ROLE regress_hard_attacker;
CREATE TABLE regress_hard_evil.called (what text);
GRANT INSERT, SELECT ON regress_hard_evil.called TO PUBLIC;

-- Comparison operators that log the call and answer "true", one function
-- per key type.
DO $do$
DECLARE
	t text;
	op text;
BEGIN
	FOREACH t IN ARRAY ARRAY['int2', 'int4', 'int8', 'text', 'varchar',
		'numeric', 'oid', 'name', 'regclass', 'char', 'bool', 'tid', 'jsonb'] LOOP
		EXECUTE format($f$CREATE FUNCTION regress_hard_evil.yes_%s(%I, %I)
			RETURNS bool LANGUAGE plpgsql AS $b$
			BEGIN
				INSERT INTO regress_hard_evil.called VALUES ('operator %s');
				RETURN true;
			END $b$$f$, t, t, t, t);
		FOREACH op IN ARRAY ARRAY['=', '<>', '<', '>', '<=', '>='] LOOP
			EXECUTE format('CREATE OPERATOR regress_hard_evil.%s (LEFTARG = %I, '
				'RIGHTARG = %I, FUNCTION = regress_hard_evil.yes_%s)', op, t, t, t);
		END LOOP;
	END LOOP;
END $do$;
CREATE FUNCTION regress_hard_evil.yes2(int2, int4) RETURNS bool
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO regress_hard_evil.called VALUES ('operator int2 int4');
	RETURN true;
END $$;
CREATE FUNCTION regress_hard_evil.yes3(varchar, text) RETURNS bool
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO regress_hard_evil.called VALUES ('operator varchar text');
	RETURN true;
END $$;
CREATE OPERATOR regress_hard_evil.= (LEFTARG = int2, RIGHTARG = int4,
	FUNCTION = regress_hard_evil.yes2);
CREATE OPERATOR regress_hard_evil.= (LEFTARG = varchar, RIGHTARG = text,
	FUNCTION = regress_hard_evil.yes3);

-- Functions and aggregates with the names a generated query may call.
CREATE FUNCTION regress_hard_evil.log_call(what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO regress_hard_evil.called VALUES (what);
END $$;
CREATE FUNCTION regress_hard_evil.jsonb_build_object(text, int) RETURNS jsonb
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('jsonb_build_object'); RETURN '{"planted": 1}'; END $$;
CREATE FUNCTION regress_hard_evil.jsonb_build_object(text, text) RETURNS jsonb
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('jsonb_build_object'); RETURN '{"planted": 1}'; END $$;
CREATE FUNCTION regress_hard_evil.jsonb_build_object(text, int2, text, varchar) RETURNS jsonb
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('jsonb_build_object'); RETURN '{"planted": 1}'; END $$;
CREATE FUNCTION regress_hard_evil.to_jsonb(anyelement) RETURNS jsonb
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('to_jsonb'); RETURN '{"planted": 1}'; END $$;
CREATE FUNCTION regress_hard_evil.row_to_json(record) RETURNS json
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('row_to_json'); RETURN '{"planted": 1}'; END $$;
CREATE FUNCTION regress_hard_evil.quote_ident(text) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('quote_ident'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.quote_literal(text) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('quote_literal'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.format(text) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('format'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.format(text, VARIADIC text[]) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('format'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.lower(text) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('lower'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.textcat(text, text) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('textcat'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.pg_get_constraintdef(oid) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('pg_get_constraintdef'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.pg_describe_object(oid, oid, int) RETURNS text
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('pg_describe_object'); RETURN 'planted'; END $$;
CREATE FUNCTION regress_hard_evil.has_table_privilege(oid, text) RETURNS bool
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('has_table_privilege'); RETURN true; END $$;
CREATE FUNCTION regress_hard_evil.has_column_privilege(oid, int2, text) RETURNS bool
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('has_column_privilege'); RETURN true; END $$;
CREATE FUNCTION regress_hard_evil.row_security_active(oid) RETURNS bool
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('row_security_active'); RETURN false; END $$;
CREATE FUNCTION regress_hard_evil.evil_int8inc(int8) RETURNS int8
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('count'); RETURN $1 + 1000; END $$;
CREATE FUNCTION regress_hard_evil.evil_int8inc_any(int8, anyelement) RETURNS int8
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('count'); RETURN $1 + 1000; END $$;
CREATE AGGREGATE regress_hard_evil.count(*) (SFUNC = regress_hard_evil.evil_int8inc,
	STYPE = int8, INITCOND = 0);
CREATE AGGREGATE regress_hard_evil.count(anyelement) (SFUNC = regress_hard_evil.evil_int8inc_any,
	STYPE = int8, INITCOND = 0);
CREATE FUNCTION regress_hard_evil.evil_agg(jsonb, anyelement) RETURNS jsonb
LANGUAGE plpgsql AS $$ BEGIN PERFORM regress_hard_evil.log_call('aggregate'); RETURN '{"planted": 1}'; END $$;
CREATE AGGREGATE regress_hard_evil.jsonb_agg(anyelement) (SFUNC = regress_hard_evil.evil_agg,
	STYPE = jsonb);
CREATE AGGREGATE regress_hard_evil.array_agg(anyelement) (SFUNC = regress_hard_evil.evil_agg,
	STYPE = jsonb);
CREATE AGGREGATE regress_hard_evil.min(anyelement) (SFUNC = regress_hard_evil.evil_agg,
	STYPE = jsonb);
CREATE AGGREGATE regress_hard_evil.max(anyelement) (SFUNC = regress_hard_evil.evil_agg,
	STYPE = jsonb);
-- Tables named like the catalogs and like the user tables.
CREATE TABLE regress_hard_evil.pg_constraint (oid oid, conname name);
CREATE TABLE regress_hard_evil."chïld 🙂" (id int, "par""ent id" int2, "from" varchar(10));
CREATE TABLE regress_hard_evil."Pa rent.""x""" ("i d" int, "select" text);
INSERT INTO regress_hard_evil."Pa rent.""x""" VALUES (2, 'x'), (7, 'a');
GRANT SELECT ON ALL TABLES IN SCHEMA regress_hard_evil TO PUBLIC;
RESET ROLE;

-- The session's temporary tables shadow catalogs and user tables too: the
-- temporary schema comes first for relations unless named.
CREATE TEMP TABLE pg_constraint (oid oid, conname name, contype "char");
CREATE TEMP TABLE pg_class (oid oid, relname name);
CREATE TEMP TABLE pg_attribute (attrelid oid, attname name, attnum int2);
CREATE TEMP TABLE pg_namespace (oid oid, nspname name);
CREATE TEMP TABLE pg_depend (classid oid, objid oid, objsubid int);
CREATE TEMP TABLE pg_index (indexrelid oid, indrelid oid);
CREATE TEMP TABLE "Pa rent.""x""" ("i d" int, "select" text);
INSERT INTO "Pa rent.""x""" VALUES (2, 'x'), (7, 'a');

-- The attacker's schema first, pg_catalog after it.
SET search_path = regress_hard_evil, pg_catalog, public;

-- Same answers (the calls name their own objects qualified) ...
CREATE TEMP TABLE hostile AS SELECT * FROM pg_temp.answers();
RESET search_path;
SELECT 'missing' AS diff, * FROM (SELECT * FROM baseline EXCEPT SELECT * FROM hostile) m
UNION ALL
SELECT 'extra', * FROM (SELECT * FROM hostile EXCEPT SELECT * FROM baseline) e
ORDER BY 1, 2, 3;
SELECT count(*) AS calls_compared FROM (SELECT DISTINCT name FROM hostile) h;

-- ... and no planted object was called.
SELECT what, count(*) FROM regress_hard_evil.called GROUP BY what ORDER BY what;

-- The planted objects work when called on purpose: the test can fail.
SET search_path = regress_hard_evil, pg_catalog, public;
SELECT 1 = 2 AS planted_equals, count(*) AS planted_count
  FROM generate_series(1, 3);
RESET search_path;
SELECT what, count(*) FROM regress_hard_evil.called GROUP BY what ORDER BY what;

-- Clean up.
DROP TABLE pg_constraint, pg_class, pg_attribute, pg_namespace, pg_depend,
	pg_index, "Pa rent.""x""";
DROP SCHEMA regress_hard_evil CASCADE;
DROP ROLE regress_hard_attacker;
DROP SCHEMA "select" CASCADE;
DROP SCHEMA "Sch ""q"".dot" CASCADE;
