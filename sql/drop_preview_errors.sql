--
-- ri_audit.drop_preview: what it refuses, and errors that must be the
-- statement's own.  Each line shows the preview's SQLSTATE and message next
-- to those of the real statement (run in a subtransaction that is always
-- rolled back).
--
SET client_min_messages = notice;

CREATE FUNCTION preview_err(ddl text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM ri_audit.drop_preview(ddl);
  RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || SQLERRM;
END $$;

CREATE FUNCTION real_err(ddl text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
  BEGIN
    EXECUTE ddl;
    RAISE EXCEPTION 'regress_rollback';
  EXCEPTION WHEN OTHERS THEN
    IF SQLERRM = 'regress_rollback' THEN
      RETURN 'ok';
    END IF;
    RETURN SQLSTATE || ': ' || SQLERRM;
  END;
END $$;

-- SQLSTATE, message, detail and hint: of assert_drop_safe(ddl) when
-- assert is true, else of the real statement (always rolled back).
CREATE FUNCTION full_err(ddl text, assert boolean) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
  d text;
  h text;
BEGIN
  BEGIN
    IF assert THEN
      PERFORM ri_audit.assert_drop_safe(ddl);
    ELSE
      EXECUTE ddl;
    END IF;
    RAISE EXCEPTION 'regress_rollback';
  EXCEPTION WHEN OTHERS THEN
    IF SQLERRM = 'regress_rollback' THEN
      RETURN 'ok';
    END IF;
    GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL, h = PG_EXCEPTION_HINT;
    RETURN concat_ws(E'\n', SQLSTATE || ': ' || SQLERRM, d, h);
  END;
END $$;

CREATE TABLE users (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int, user_id int REFERENCES users);
CREATE VIEW v AS SELECT * FROM users;
CREATE SCHEMA hidden;
CREATE TABLE hidden.t (a int);

-- Not previewed: anything but one DROP (0A000).
SELECT d, preview_err(d)
  FROM unnest(ARRAY[
    'SELECT 1',
    'ALTER TABLE users ADD COLUMN x int',
    'ALTER TABLE users DROP COLUMN name, ADD COLUMN x int',
    'ALTER TABLE users RENAME TO x',
    'ALTER TABLE users ALTER COLUMN name DROP NOT NULL',
    'DROP TABLE users; DROP TABLE orders',
    'ALTER TYPE users DROP ATTRIBUTE name',
    'TRUNCATE users',
    '',
    ' -- just a comment']) AS d;

-- Syntax errors are the parser's own (42601).
SELECT preview_err('DROP TABLE');
SELECT preview_err('DROP TABEL users');
SELECT ri_audit.drop_preview('DROP TABLE users,');

-- NULL: drop_preview is strict (no rows); assert_drop_safe raises, since
-- an assertion that passes on a NULL statement would check nothing.
SELECT count(*) FROM ri_audit.drop_preview(NULL);
SELECT ri_audit.assert_drop_safe(NULL);

-- Missing objects and wrong kinds: the statement's own errors.
SELECT d, preview_err(d) AS preview, preview_err(d) = real_err(d) AS same
  FROM unnest(ARRAY[
    'DROP TABLE nope',
    'DROP TABLE nope_s.nope',
    'DROP TABLE v',
    'DROP VIEW users',
    'DROP INDEX users',
    'DROP SEQUENCE users',
    'DROP MATERIALIZED VIEW v',
    'DROP FOREIGN TABLE users',
    'DROP INDEX nope',
    'DROP TYPE nope',
    'DROP DOMAIN users',
    'DROP FUNCTION nope()',
    'DROP FUNCTION nope',
    'DROP FUNCTION int4pl(int, int, int)',
    'DROP FUNCTION count(*)',
    'DROP SCHEMA nope',
    'DROP EXTENSION nope',
    'DROP TRIGGER nope ON users',
    'DROP TRIGGER nope ON nope',
    'DROP POLICY nope ON users',
    'DROP RULE nope ON users',
    'DROP OPERATOR ### (int, int)',
    'DROP COLLATION nope',
    'DROP CAST (int AS nope)',
    'DROP SERVER nope',
    'DROP USER MAPPING FOR PUBLIC SERVER nope',
    'DROP PUBLICATION nope',
    'DROP ACCESS METHOD nope',
    'DROP EVENT TRIGGER nope',
    'DROP STATISTICS nope',
    'DROP TEXT SEARCH CONFIGURATION nope',
    'ALTER TABLE nope DROP COLUMN x',
    'ALTER TABLE users DROP COLUMN nope',
    'ALTER TABLE users DROP CONSTRAINT nope',
    'ALTER TABLE v DROP COLUMN name',
    'ALTER FOREIGN TABLE users DROP COLUMN name']) AS d;
-- DROP INDEX CONCURRENTLY's own restrictions (it cannot run in the
-- subtransaction real_err uses).
SELECT preview_err('DROP INDEX CONCURRENTLY users_pkey, users_pkey');
SELECT preview_err('DROP INDEX CONCURRENTLY users_pkey CASCADE');
DROP INDEX CONCURRENTLY users_pkey CASCADE;

-- IF EXISTS: same notices as the statement, and no rows.
SELECT count(*) FROM ri_audit.drop_preview('DROP TABLE IF EXISTS nope, nope_s.nope');
DROP TABLE IF EXISTS nope, nope_s.nope;
SELECT count(*) FROM ri_audit.drop_preview('DROP FUNCTION IF EXISTS nope(int)');
DROP FUNCTION IF EXISTS nope(int);
SELECT count(*) FROM ri_audit.drop_preview('DROP INDEX IF EXISTS nope');
DROP INDEX IF EXISTS nope;

-- System objects.
SELECT d, preview_err(d) AS preview, preview_err(d) = real_err(d) AS same
  FROM unnest(ARRAY[
    'DROP TABLE pg_class',
    'DROP SCHEMA pg_catalog',
    'DROP FUNCTION int4pl(int, int)',
    'DROP TYPE int4',
    'ALTER TABLE pg_class DROP COLUMN relname',
    'ALTER TABLE users DROP COLUMN ctid',
    'DROP INDEX users_pkey',
    'DROP TYPE users',
    'DROP TYPE _users']) AS d;

-- The dependents' error of a plain DROP is what assert_drop_safe raises.
SELECT d, full_err(d, true) = full_err(d, false) AS same_error,
       full_err(d, true) AS assert_drop_safe
  FROM unnest(ARRAY[
    'DROP TABLE users',
    'DROP TABLE users, orders',
    'DROP TABLE orders',
    'ALTER TABLE users DROP COLUMN id',
    'ALTER TABLE users DROP CONSTRAINT users_pkey',
    'DROP INDEX users_pkey']) AS d;

-- No cap: PostgreSQL's detail stops after 100 lines, assert_drop_safe's
-- lists every dependent.
CREATE TABLE wide (id int);
DO $$
BEGIN
  FOR i IN 1..105 LOOP
    EXECUTE format('CREATE VIEW wide_v%s AS SELECT id FROM wide', i);
  END LOOP;
END $$;
SELECT array_length(regexp_split_to_array(full_err('DROP TABLE wide', true),
                                          E'\n'), 1) - 2 AS assert_lines,
       array_length(regexp_split_to_array(full_err('DROP TABLE wide', false),
                                          E'\n'), 1) - 2 AS restrict_lines,
       split_part(full_err('DROP TABLE wide', false), E'\n', 102) AS restrict_last;
SELECT count(*) FILTER (WHERE requires_cascade) AS requires_cascade
  FROM ri_audit.drop_preview('DROP TABLE wide');
SET client_min_messages = warning;
DROP TABLE wide CASCADE;
RESET client_min_messages;
SET client_min_messages = notice;

-- Privileges: any role may preview; errors say no more than the DROP's.
CREATE ROLE regress_drop_user;
REVOKE ALL ON SCHEMA hidden FROM PUBLIC;
SET ROLE regress_drop_user;
SELECT count(*) FROM ri_audit.drop_preview('DROP TABLE users');
SELECT preview_err('DROP TABLE hidden.t') AS preview,
       real_err('DROP TABLE hidden.t') AS real;
-- Not the owner: the DROP would fail, the preview still shows the catalog
-- facts anyone can read in pg_depend.
SELECT preview_err('DROP SCHEMA hidden') AS preview,
       real_err('DROP SCHEMA hidden') AS real;
RESET ROLE;
DROP ROLE regress_drop_user;

DROP TABLE users, orders, hidden.t CASCADE;
DROP SCHEMA hidden;
DROP FUNCTION preview_err(text), real_err(text), full_err(text, boolean);
