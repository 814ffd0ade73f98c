--
-- ri_audit.drop_preview: functions, types, domains, schemas, extensions and
-- the other object kinds a DROP statement names.
--
SET client_min_messages = notice;

CREATE FUNCTION pv(ddl text)
RETURNS TABLE ("position" int, type text, description text, depends_on text,
               dependency text, requires_cascade boolean)
LANGUAGE sql AS $$
  SELECT p.position, p.object_type,
         regexp_replace(p.description, '[0-9]{4,}', 'N', 'g'),
         regexp_replace(p.depends_on, '[0-9]{4,}', 'N', 'g'),
         p.dependency, p.requires_cascade
    FROM ri_audit.drop_preview(ddl) p ORDER BY p.position
$$;

-- Only the rows PostgreSQL's notice lists, for the long previews.
CREATE FUNCTION reported(ddl text)
RETURNS TABLE ("position" int, description text, depends_on text)
LANGUAGE sql AS $$
  SELECT p.position, p.description, p.depends_on
    FROM ri_audit.drop_preview(ddl) p
   WHERE p.requires_cascade ORDER BY p.position
$$;

-- Functions: defaults, CHECKs, index expressions, triggers, views and
-- SQL-standard bodies that use them.
CREATE FUNCTION twice(int) RETURNS int LANGUAGE sql IMMUTABLE
  RETURN $1 * 2;
CREATE FUNCTION quad(int) RETURNS int LANGUAGE sql IMMUTABLE
  BEGIN ATOMIC SELECT twice(twice($1)); END;
CREATE TABLE t (a int DEFAULT twice(1) CHECK (twice(a) < 100), b int);
CREATE INDEX t_twice ON t (twice(b));
CREATE VIEW t_v AS SELECT twice(a) FROM t;
SELECT * FROM pv('DROP FUNCTION twice(int)');
BEGIN;
DROP FUNCTION twice(int) CASCADE;
ROLLBACK;
SELECT ri_audit.assert_drop_safe('DROP FUNCTION twice');
DROP FUNCTION twice;

-- Procedures, routines, aggregates.
CREATE PROCEDURE proc(int) LANGUAGE sql BEGIN ATOMIC SELECT 1; END;
CREATE AGGREGATE agg(int) (sfunc = int4pl, stype = int);
SELECT * FROM pv('DROP PROCEDURE proc');
SELECT * FROM pv('DROP ROUTINE proc(int), quad(int)');
SELECT * FROM pv('DROP AGGREGATE agg(int)');
SELECT * FROM pv('DROP FUNCTION agg(int)');

-- Types: enums, composite types, domains with constraints.
CREATE TYPE color AS ENUM ('red', 'green');
CREATE TYPE point2 AS (x int, y int);
CREATE DOMAIN posint AS int CONSTRAINT posint_check CHECK (VALUE > 0);
CREATE DOMAIN smallpos AS posint CHECK (VALUE < 10);
CREATE TABLE shapes (id int, c color, p point2, n smallpos);
CREATE FUNCTION paint(color) RETURNS color LANGUAGE sql RETURN $1;
SELECT * FROM pv('DROP TYPE color');
SELECT * FROM pv('DROP TYPE point2');
SELECT * FROM pv('DROP DOMAIN posint');
BEGIN;
DROP DOMAIN posint CASCADE;
ROLLBACK;
SELECT * FROM pv('DROP TYPE color, point2');
SELECT * FROM pv('DROP DOMAIN color');

-- Schemas: everything in them is reported.
CREATE SCHEMA s;
CREATE TABLE s.a (id int PRIMARY KEY);
CREATE TABLE s.b (id int, a_id int REFERENCES s.a);
CREATE VIEW s.bv AS SELECT * FROM s.b;
CREATE SEQUENCE s.seq;
CREATE FUNCTION s.f() RETURNS int LANGUAGE sql RETURN 1;
CREATE TABLE outside (id int REFERENCES s.a, v int DEFAULT s.f());
SELECT * FROM reported('DROP SCHEMA s');
BEGIN;
DROP SCHEMA s CASCADE;
ROLLBACK;
SELECT ri_audit.assert_drop_safe('DROP SCHEMA s');
DROP SCHEMA s;
SELECT count(*) AS rows, count(*) FILTER (WHERE requires_cascade) AS reported
  FROM ri_audit.drop_preview('DROP SCHEMA s');
-- An empty schema.
CREATE SCHEMA empty_s;
SELECT * FROM pv('DROP SCHEMA empty_s');
SELECT ri_audit.assert_drop_safe('DROP SCHEMA empty_s');

-- An extension: its members go silently, outside objects using them are
-- reported; a member cannot be dropped alone.
CREATE EXTENSION citext;
CREATE TABLE people (name citext, email citext);
CREATE INDEX people_name ON people (name);
SELECT count(*) FILTER (WHERE dependency = 'extension') > 0 AS has_members,
       count(*) FILTER (WHERE dependency = 'target') AS targets
  FROM ri_audit.drop_preview('DROP EXTENSION citext');
SELECT * FROM reported('DROP EXTENSION citext');
BEGIN;
DROP EXTENSION citext CASCADE;
ROLLBACK;
SELECT * FROM pv('DROP FUNCTION citext_eq(citext, citext)');
SELECT * FROM pv('DROP TYPE citext');
-- An extension in a schema goes with the schema.
CREATE SCHEMA ext_s;
ALTER EXTENSION citext SET SCHEMA ext_s;
SELECT * FROM reported('DROP SCHEMA ext_s');
BEGIN;
DROP SCHEMA ext_s CASCADE;
ROLLBACK;

-- Triggers, policies, rules, statistics.
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN RETURN NEW; END $$;
CREATE TRIGGER t_trg BEFORE UPDATE OF b ON t FOR EACH ROW
  EXECUTE FUNCTION trg();
CREATE POLICY t_pol ON t USING (b > 0);
CREATE RULE t_rule AS ON INSERT TO t WHERE a < 0 DO INSTEAD NOTHING;
CREATE STATISTICS t_stats ON a, b FROM t;
SELECT * FROM pv('DROP TRIGGER t_trg ON t');
SELECT * FROM pv('DROP POLICY t_pol ON t');
SELECT * FROM pv('DROP RULE t_rule ON t');
SELECT * FROM pv('DROP STATISTICS t_stats');
SELECT * FROM pv('DROP FUNCTION trg()');
SELECT * FROM pv('DROP RULE "_RETURN" ON t_v');

-- Operators, operator classes and families, casts, collations,
-- conversions, text search objects, access methods.
CREATE FUNCTION int_close(int, int) RETURNS bool LANGUAGE sql IMMUTABLE
  RETURN abs($1 - $2) < 2;
CREATE OPERATOR ~~~ (leftarg = int, rightarg = int, function = int_close);
CREATE TABLE uses_op (a int CHECK (a ~~~ 1));
SELECT * FROM pv('DROP OPERATOR ~~~ (int, int)');
SELECT * FROM pv('DROP FUNCTION int_close(int, int)');
CREATE OPERATOR FAMILY fam USING btree;
CREATE OPERATOR CLASS cls FOR TYPE int USING btree FAMILY fam AS
  OPERATOR 1 <, OPERATOR 3 =, FUNCTION 1 btint4cmp(int, int);
CREATE INDEX uses_op_cls ON uses_op (a cls);
SELECT * FROM pv('DROP OPERATOR CLASS cls USING btree');
SELECT * FROM pv('DROP OPERATOR FAMILY fam USING btree');
CREATE FUNCTION int_to_color(int) RETURNS color LANGUAGE sql
  RETURN 'red'::color;
CREATE CAST (int AS color) WITH FUNCTION int_to_color(int);
SELECT * FROM pv('DROP CAST (int AS color)');
SELECT * FROM pv('DROP FUNCTION int_to_color');
CREATE COLLATION coll (provider = libc, locale = 'C');
CREATE TABLE uses_coll (s text COLLATE coll);
SELECT * FROM pv('DROP COLLATION coll');
CREATE CONVERSION conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
SELECT * FROM pv('DROP CONVERSION conv');
CREATE TEXT SEARCH DICTIONARY dict (template = simple);
CREATE TEXT SEARCH CONFIGURATION cfg (copy = simple);
ALTER TEXT SEARCH CONFIGURATION cfg ALTER MAPPING FOR word WITH dict;
SELECT * FROM pv('DROP TEXT SEARCH DICTIONARY dict');
SELECT * FROM pv('DROP TEXT SEARCH CONFIGURATION cfg');
CREATE ACCESS METHOD am2 TYPE INDEX HANDLER bthandler;
SELECT * FROM pv('DROP ACCESS METHOD am2');

-- Foreign data wrappers, servers, user mappings, foreign tables.
CREATE FOREIGN DATA WRAPPER fdw;
CREATE SERVER srv FOREIGN DATA WRAPPER fdw;
CREATE USER MAPPING FOR PUBLIC SERVER srv;
CREATE FOREIGN TABLE ft (a int) SERVER srv;
SELECT * FROM pv('DROP FOREIGN DATA WRAPPER fdw');
SELECT * FROM pv('DROP SERVER srv');
SELECT * FROM pv('DROP USER MAPPING FOR PUBLIC SERVER srv');
SELECT * FROM pv('DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER srv');
SELECT * FROM pv('DROP FOREIGN TABLE ft');

-- Publications, event triggers, languages.
CREATE PUBLICATION pub FOR TABLE t;
SELECT * FROM pv('DROP PUBLICATION pub');
SELECT * FROM pv('DROP TABLE t');
CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql
  AS $$ BEGIN END $$;
CREATE EVENT TRIGGER evt ON ddl_command_start EXECUTE FUNCTION evt();
SELECT * FROM pv('DROP EVENT TRIGGER evt');
SELECT * FROM pv('DROP FUNCTION evt');
DROP EVENT TRIGGER evt;
-- plpgsql is a member of its extension.
SELECT count(*) FROM ri_audit.drop_preview('DROP LANGUAGE plpgsql');
SELECT count(*) FILTER (WHERE requires_cascade) AS reported
  FROM ri_audit.drop_preview('DROP EXTENSION plpgsql');

-- IF EXISTS: the same notices as PostgreSQL.
SELECT * FROM pv('DROP FUNCTION IF EXISTS nope(int)');
SELECT * FROM pv('DROP FUNCTION IF EXISTS nope(nope_t)');
SELECT * FROM pv('DROP TYPE IF EXISTS nope_s.x');
SELECT * FROM pv('DROP TRIGGER IF EXISTS x ON nope_t');
SELECT * FROM pv('DROP SCHEMA IF EXISTS nope, empty_s');
SELECT * FROM pv('DROP EXTENSION IF EXISTS nope');
SELECT * FROM pv('DROP OPERATOR CLASS IF EXISTS nope USING btree');

DROP PUBLICATION pub;
DROP TABLE t, shapes, outside, people, uses_op, uses_coll CASCADE;
DROP FOREIGN DATA WRAPPER fdw CASCADE;
DROP SCHEMA ext_s, empty_s, s CASCADE;
DROP FUNCTION quad, trg, paint, int_to_color, int_close, evt, pv, reported
  CASCADE;
DROP PROCEDURE proc;
DROP AGGREGATE agg(int);
DROP TYPE color, point2 CASCADE;
DROP DOMAIN smallpos, posint;
DROP OPERATOR FAMILY fam USING btree;
DROP COLLATION coll;
DROP CONVERSION conv;
DROP TEXT SEARCH CONFIGURATION cfg;
DROP TEXT SEARCH DICTIONARY dict;
DROP ACCESS METHOD am2;
