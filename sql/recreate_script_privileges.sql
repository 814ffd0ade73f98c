--
-- ri_audit.recreate_script and migration_script called by a role without
-- any privilege on the objects, and the inputs they refuse.
--
-- The scripts are built from catalog rows every role may read and from
-- PostgreSQL's deparsers, which every role may call: a view's query as
-- pg_get_viewdef shows it (even of a view the role cannot SELECT from), a
-- function's body as pg_proc shows it, a policy's expressions as pg_policy
-- shows them, a default as pg_attrdef shows it, an extended statistics
-- object's definition as pg_statistic_ext shows it.  No row data is read:
-- a populated materialized view comes back WITH NO DATA, an extended
-- statistics object without its pg_statistic_ext_data values, a user
-- mapping not at all (its options are in pg_user_mapping, which PUBLIC
-- cannot read).  So the unprivileged role's script is the superuser's, text
-- for text, and running it without the rights fails with PostgreSQL's own
-- 42501 errors, never with a part of it done.
--
-- Without USAGE on the schema the role cannot even name the objects: the
-- call fails as 'schema.table'::regclass does.
--
SET client_min_messages = warning;
CREATE ROLE regress_rsp_nobody;
CREATE ROLE regress_rsp_user;
RESET client_min_messages;

CREATE SCHEMA rsp;
CREATE TABLE rsp.users (id int PRIMARY KEY, email text NOT NULL);
CREATE TABLE rsp.orders (id int PRIMARY KEY, user_id int NOT NULL,
  total numeric(10,2));
ALTER TABLE rsp.orders ADD CONSTRAINT orders_user_id_fkey
  FOREIGN KEY (user_id) REFERENCES rsp.users (id) NOT VALID;
COMMENT ON CONSTRAINT orders_user_id_fkey ON rsp.orders IS 'every order has a user';
CREATE VIEW rsp.order_totals WITH (security_barrier) AS
  SELECT u.id, u.email, sum(o.total) AS total
    FROM rsp.users u JOIN rsp.orders o ON o.user_id = u.id
   WHERE u.email <> 'hidden-in-the-view@example.com'
   GROUP BY u.id, u.email;
GRANT SELECT ON rsp.order_totals TO regress_rsp_user;
CREATE FUNCTION rsp.next_code() RETURNS text LANGUAGE sql
  AS $$ SELECT 'code-in-the-body' $$;
REVOKE ALL ON FUNCTION rsp.next_code() FROM PUBLIC;
ALTER TABLE rsp.orders ADD COLUMN code text DEFAULT rsp.next_code();
CREATE FUNCTION rsp.stamp() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN NEW.code := rsp.next_code(); RETURN NEW; END $$;
CREATE TRIGGER orders_stamp BEFORE INSERT ON rsp.orders
  FOR EACH ROW EXECUTE FUNCTION rsp.stamp();
CREATE POLICY only_small ON rsp.orders USING (total < 100);
CREATE STATISTICS rsp.orders_stats (ndistinct, dependencies, mcv)
  ON user_id, total FROM rsp.orders;
ALTER STATISTICS rsp.orders_stats SET STATISTICS 500;
-- Row data that must never appear in a script.
INSERT INTO rsp.users SELECT g, 'secret-' || g || '@example.com'
  FROM generate_series(1, 20) g;
INSERT INTO rsp.orders SELECT g, 1 + g % 20, 4242.42 FROM generate_series(1, 200) g;
ANALYZE rsp.users, rsp.orders;
CREATE MATERIALIZED VIEW rsp.emails AS SELECT email FROM rsp.users;
-- A user mapping's options are hidden from other roles.
CREATE FOREIGN DATA WRAPPER regress_rsp_fdw;
CREATE SERVER regress_rsp_server FOREIGN DATA WRAPPER regress_rsp_fdw;
CREATE USER MAPPING FOR regress_rsp_user SERVER regress_rsp_server
  OPTIONS (password 'secret-password');

-- run(sql): 'ok', or the error as "ERROR <sqlstate>: <message>".  An error
-- undoes whatever sql did.
CREATE FUNCTION pg_temp.run(sql text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	st text;
	msg text;
BEGIN
	EXECUTE sql;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN 'ERROR ' || st || ': ' || msg;
END $$;
-- script(fn, ddl): ri_audit.<fn>(ddl), or its error as run() gives it.
CREATE FUNCTION pg_temp.script(fn text, ddl text) RETURNS text
LANGUAGE plpgsql AS $$
DECLARE
	r text;
	st text;
	msg text;
BEGIN
	EXECUTE format('SELECT ri_audit.%I($1)', fn) INTO r USING ddl;
	RETURN r;
EXCEPTION WHEN OTHERS THEN
	GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
	RETURN 'ERROR ' || st || ': ' || msg;
END $$;

CREATE TEMP TABLE calls (n int, fn text, ddl text);
INSERT INTO calls VALUES
  (1, 'recreate_script', 'ALTER TABLE rsp.users DROP CONSTRAINT users_pkey'),
  (2, 'migration_script', 'ALTER TABLE rsp.users DROP CONSTRAINT users_pkey'),
  (3, 'migration_script', 'ALTER TABLE rsp.orders ALTER COLUMN total TYPE numeric(12,2)'),
  (4, 'recreate_script', 'ALTER TABLE rsp.orders DROP COLUMN total'),
  (5, 'recreate_script', 'DROP FUNCTION rsp.next_code()'),
  (6, 'migration_script', 'DROP FUNCTION rsp.next_code()'),
  (7, 'recreate_script', 'DROP TABLE rsp.users'),
  (8, 'recreate_script', 'DROP MATERIALIZED VIEW rsp.emails'),
  (9, 'recreate_script', 'DROP STATISTICS rsp.orders_stats'),
  (10, 'recreate_script', 'DROP SERVER regress_rsp_server CASCADE'),
  (11, 'recreate_script', 'DROP USER MAPPING FOR regress_rsp_user SERVER regress_rsp_server'),
  (12, 'migration_script', 'DROP SCHEMA rsp');
CREATE TEMP TABLE as_superuser AS
  SELECT n, pg_temp.script(fn, ddl) AS script FROM calls;
GRANT SELECT ON calls, as_superuser TO regress_rsp_nobody;

--
-- Without USAGE on the schema: PostgreSQL's own refusal, as for a regclass.
-- DROP SCHEMA names no object in the schema (PostgreSQL's own DROP SCHEMA
-- needs no USAGE either): its script is the superuser's, made of what the
-- catalogs show the role without USAGE too.
--
SET ROLE regress_rsp_nobody;
SELECT pg_temp.run($$SELECT 'rsp.users'::regclass$$);
SELECT n, pg_temp.script(fn, ddl) FROM calls WHERE n IN (1, 5, 8) ORDER BY n;
SELECT pg_temp.script(fn, ddl) = s.script AS same
  FROM calls c JOIN as_superuser s USING (n) WHERE n = 12;
SELECT strpos(s.script, rtrim(pg_get_viewdef(v.oid), ';')) > 0 AS viewdef_shown,
       strpos(s.script, p.prosrc) > 0 AS body_shown
  FROM as_superuser s, pg_class v, pg_proc p
 WHERE s.n = 12 AND v.relname = 'order_totals' AND p.proname = 'next_code';
RESET ROLE;

--
-- With USAGE on the schema and nothing else: the superuser's scripts.
--
GRANT USAGE ON SCHEMA rsp TO regress_rsp_nobody;
SET ROLE regress_rsp_nobody;
-- the role reads no data, and the catalogs all the same
SELECT pg_temp.run('SELECT * FROM rsp.users');
SELECT pg_temp.run('SELECT * FROM rsp.order_totals');
SELECT pg_temp.run('SELECT * FROM pg_statistic_ext_data');
SELECT pg_temp.run('SELECT * FROM pg_user_mapping');
SELECT umoptions FROM pg_user_mappings WHERE srvname = 'regress_rsp_server';
SELECT count(*) FROM pg_stats_ext WHERE statistics_name = 'orders_stats';
SELECT c.n, c.fn, c.ddl, pg_temp.script(c.fn, c.ddl) = s.script AS same,
       s.script LIKE 'ERROR%' AS refused,
       s.script ~ '(secret|4242)' AS shows_data
  FROM calls c JOIN as_superuser s USING (n) ORDER BY c.n;
-- what PostgreSQL shows the role is in its script, word for word
SELECT strpos(pg_temp.script('recreate_script', 'DROP VIEW rsp.order_totals'),
              rtrim(pg_get_viewdef('rsp.order_totals'::regclass), ';')) > 0
       AS viewdef_as_pg_get_viewdef_shows;
SELECT strpos(pg_temp.script('recreate_script', 'DROP FUNCTION rsp.next_code()'),
              (SELECT prosrc FROM pg_proc WHERE oid = 'rsp.next_code()'::regprocedure)) > 0
       AS body_as_pg_proc_shows;
SELECT strpos(pg_temp.script('migration_script', 'ALTER TABLE rsp.orders ALTER COLUMN total TYPE numeric(12,2)'),
              (SELECT pg_get_expr(polqual, polrelid) FROM pg_policy
                WHERE polname = 'only_small')) > 0
       AS policy_as_pg_policy_shows;
SELECT strpos(pg_temp.script('recreate_script', 'DROP FUNCTION rsp.next_code()'),
              (SELECT pg_get_expr(adbin, adrelid) FROM pg_attrdef
                WHERE adrelid = 'rsp.orders'::regclass)) > 0
       AS default_as_pg_attrdef_shows;
-- three of the scripts in full
SELECT pg_temp.script('recreate_script', 'DROP MATERIALIZED VIEW rsp.emails');
SELECT pg_temp.script('recreate_script', 'DROP STATISTICS rsp.orders_stats');
SELECT pg_temp.script('recreate_script', 'DROP SERVER regress_rsp_server CASCADE');

--
-- Running them without the rights: PostgreSQL's own 42501, nothing done.
--
-- the statement itself
SELECT pg_temp.run('DROP FUNCTION rsp.next_code() CASCADE');
-- the migration transaction: its first DROP fails, the rest is skipped,
-- COMMIT rolls back
SELECT pg_temp.script('migration_script', 'ALTER TABLE rsp.orders ALTER COLUMN total TYPE numeric(12,2)') AS script
\gset
\set VERBOSITY terse
:script
\set VERBOSITY default
SELECT pg_temp.run('DROP VIEW rsp.order_totals');
RESET ROLE;
SELECT format_type(atttypid, atttypmod) AS total_type,
       (SELECT count(*) FROM pg_views WHERE schemaname = 'rsp') AS views,
       (SELECT count(*) FROM pg_policy WHERE polname = 'only_small') AS policies
  FROM pg_attribute WHERE attrelid = 'rsp.orders'::regclass AND attname = 'total';
-- the recreate script after the superuser's DROP ... CASCADE: its first
-- statement fails with 42501, and none of it is left behind
SELECT pg_temp.script('recreate_script', 'DROP FUNCTION rsp.next_code()') AS script
\gset
BEGIN;
SET client_min_messages = warning;
DROP FUNCTION rsp.next_code() CASCADE;
RESET client_min_messages;
SET LOCAL ROLE regress_rsp_nobody;
SELECT pg_temp.run(:'script');
RESET ROLE;
SELECT count(*) AS next_code_functions FROM pg_proc WHERE proname = 'next_code';
ROLLBACK;
-- a role with CREATE on the schema, still without the rights: CREATE
-- FUNCTION passes, its OWNER TO fails, and the error undoes the function
GRANT CREATE ON SCHEMA rsp TO regress_rsp_nobody;
BEGIN;
SET client_min_messages = warning;
DROP FUNCTION rsp.next_code() CASCADE;
RESET client_min_messages;
SET LOCAL ROLE regress_rsp_nobody;
SELECT pg_temp.run(:'script');
RESET ROLE;
SELECT count(*) AS next_code_functions FROM pg_proc WHERE proname = 'next_code';
ROLLBACK;
REVOKE CREATE ON SCHEMA rsp FROM regress_rsp_nobody;

--
-- Inputs they refuse, with their SQLSTATEs.
--
SET ROLE regress_rsp_nobody;
SELECT ri_audit.recreate_script(NULL) IS NULL AS recreate_null,
       ri_audit.migration_script(NULL) IS NULL AS migration_null;
SELECT f.fn, i.ddl, pg_temp.script(f.fn, i.ddl) AS result
  FROM (VALUES ('recreate_script'), ('migration_script')) f(fn),
       (VALUES (1, ''),
               (2, '   '),
               (3, '-- a comment only'),
               (4, 'DROP VIEW rsp.order_totals; DROP VIEW rsp.emails'),
               (5, 'DROP VIEW rsp.order_totals; SELECT 1'),
               (6, 'DROP VIEW ('),
               (7, 'SELECT 1'),
               (8, 'CREATE TABLE rsp.t (a int)'),
               (9, 'DROP ROLE regress_rsp_user'),
               (10, 'DROP OWNED BY regress_rsp_user'),
               (11, 'DROP DATABASE regress_rsp_nosuch'),
               (12, 'DROP VIEW rsp.nosuch'),
               (13, 'DROP TABLE rsp.order_totals'),
               (14, 'DROP FUNCTION rsp.nosuch()'),
               (15, 'DROP SCHEMA regress_rsp_nosuch'),
               (16, 'DROP TABLE regress_rsp_nosuch.t'),
               (17, 'ALTER TABLE rsp.orders DROP COLUMN nosuch'),
               (18, 'ALTER TABLE rsp.orders DROP CONSTRAINT nosuch'),
               (19, 'ALTER TABLE rsp.orders ALTER COLUMN nosuch TYPE int'),
               (20, 'ALTER TABLE rsp.order_totals ALTER COLUMN total TYPE int'),
               (21, 'ALTER TABLE rsp.orders ALTER COLUMN total TYPE int, ADD COLUMN x int')) i(n, ddl)
 ORDER BY i.n, f.fn DESC;
-- a statement that removes nothing: an empty recreate script, and the
-- statement itself as its migration
SELECT ri_audit.recreate_script('ALTER TABLE rsp.orders ADD COLUMN x int');
SELECT ri_audit.migration_script('ALTER TABLE rsp.orders ADD COLUMN x int');
SELECT ri_audit.recreate_script('ALTER TABLE rsp.orders ALTER COLUMN total SET NOT NULL');
-- IF EXISTS of an unknown object: PostgreSQL's notice, nothing to do
SELECT ri_audit.recreate_script('DROP VIEW IF EXISTS rsp.nosuch');
SELECT ri_audit.migration_script('DROP VIEW IF EXISTS rsp.nosuch');
SELECT ri_audit.migration_script('ALTER TABLE IF EXISTS rsp.nosuch ALTER COLUMN a TYPE int');
RESET ROLE;

SET client_min_messages = warning;
DROP TABLE calls, as_superuser;
DROP SCHEMA rsp CASCADE;
DROP SERVER regress_rsp_server CASCADE;
DROP FOREIGN DATA WRAPPER regress_rsp_fdw;
DROP ROLE regress_rsp_nobody;
DROP ROLE regress_rsp_user;
