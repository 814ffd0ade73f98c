--
-- ri_audit.drop_preview and assert_drop_safe for the statements about
-- roles and shared objects: DROP OWNED, DROP ROLE, DROP DATABASE,
-- DROP TABLESPACE, DROP SUBSCRIPTION.
--
SET client_min_messages = notice;
SELECT current_database() AS regress_db \gset

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

CREATE ROLE regress_sh_alice;
CREATE ROLE regress_sh_bob;
CREATE ROLE regress_sh_carol;

-- alice owns a schema with a table, a view of bob's table, a function;
-- bob owns a table and a view of alice's table; policies name alice alone,
-- alice and bob, alice and carol; alice has privileges on bob's table.
CREATE TABLE sh_bob_t (id int PRIMARY KEY, v text);
ALTER TABLE sh_bob_t OWNER TO regress_sh_bob;
CREATE SCHEMA sh_alice AUTHORIZATION regress_sh_alice;
CREATE TABLE sh_alice.t (id int PRIMARY KEY, bob_id int REFERENCES sh_bob_t);
ALTER TABLE sh_alice.t OWNER TO regress_sh_alice;
CREATE VIEW sh_alice_v AS SELECT id, v FROM sh_bob_t;
ALTER VIEW sh_alice_v OWNER TO regress_sh_alice;
CREATE VIEW sh_bob_v AS SELECT id FROM sh_alice.t;
ALTER VIEW sh_bob_v OWNER TO regress_sh_bob;
CREATE FUNCTION sh_alice_f() RETURNS int LANGUAGE sql RETURN 1;
ALTER FUNCTION sh_alice_f() OWNER TO regress_sh_alice;
GRANT SELECT ON sh_bob_t TO regress_sh_alice;
CREATE POLICY p_alice ON sh_bob_t TO regress_sh_alice USING (true);
CREATE POLICY p_alice_bob ON sh_bob_t TO regress_sh_alice, regress_sh_bob
  USING (true);
CREATE POLICY p_alice_carol ON sh_bob_t TO regress_sh_alice, regress_sh_carol
  USING (true);
CREATE POLICY p_carol ON sh_bob_t TO regress_sh_carol USING (true);

-- DROP OWNED BY alice: her objects (sorted as shdepDropOwned sorts them)
-- and their cascades; the policy naming only her goes, the policies that
-- name another role too are altered, not dropped; her grant is revoked,
-- which is not a row.
SELECT * FROM pv('DROP OWNED BY regress_sh_alice');
SELECT ri_audit.assert_drop_safe('DROP OWNED BY regress_sh_alice');
-- PostgreSQL itself:
BEGIN;
DROP OWNED BY regress_sh_alice;
ROLLBACK;
BEGIN;
DROP OWNED BY regress_sh_alice CASCADE;
SELECT polname, polroles::regrole[] FROM pg_policy ORDER BY 1;
ROLLBACK;

-- Both alice and bob: p_alice_bob loses alice, then bob, and goes.
SELECT * FROM pv('DROP OWNED BY regress_sh_alice, regress_sh_bob');
SELECT * FROM pv('DROP OWNED BY regress_sh_bob, regress_sh_alice');
BEGIN;
SET LOCAL client_min_messages = warning;
DROP OWNED BY regress_sh_alice, regress_sh_bob CASCADE;
SELECT polname, polroles::regrole[] FROM pg_policy ORDER BY 1;
ROLLBACK;
-- A role named twice changes nothing.
SELECT count(*) FROM ri_audit.drop_preview(
  'DROP OWNED BY regress_sh_alice, regress_sh_alice');
-- A role that owns nothing: only the policy that names it alone goes.
SELECT * FROM pv('DROP OWNED BY regress_sh_carol');
SELECT ri_audit.assert_drop_safe('DROP OWNED BY regress_sh_carol');

-- Lookup errors are the command's own.
SELECT * FROM pv('DROP OWNED BY regress_sh_nobody');
SELECT * FROM pv('DROP OWNED BY public');
SELECT * FROM pv('DROP OWNED BY pg_signal_backend');
SET ROLE regress_sh_alice;
SELECT count(*) FROM pv('DROP OWNED BY CURRENT_USER');
RESET ROLE;

-- The grants DROP OWNED only revokes are privileges, not objects: they are
-- the "privileges for" lines of DROP ROLE's refusal, or in pg_shdepend.
SELECT pg_describe_object(classid, objid, objsubid) AS revoked
  FROM pg_shdepend
 WHERE refclassid = 'pg_authid'::regclass
   AND refobjid = 'regress_sh_alice'::regrole AND deptype = 'a'
   AND dbid = (SELECT oid FROM pg_database WHERE datname = current_database());

-- DROP ROLE: the role is the target row; assert_drop_safe raises
-- PostgreSQL's refusal, DETAIL lines and all, including the objects in the
-- other database.
CREATE DATABASE regress_sh_other;
\c regress_sh_other
CREATE TABLE other_t1 (a int);
CREATE TABLE other_t2 (a int);
ALTER TABLE other_t1 OWNER TO regress_sh_alice;
GRANT SELECT ON other_t2 TO regress_sh_alice;
\c :regress_db
SELECT * FROM pv('DROP ROLE regress_sh_alice');
SELECT * FROM pv('DROP ROLE regress_sh_alice, regress_sh_carol');
\set VERBOSITY default
SELECT ri_audit.assert_drop_safe('DROP ROLE regress_sh_alice');
DROP ROLE regress_sh_alice;
SELECT ri_audit.assert_drop_safe('DROP ROLE IF EXISTS regress_sh_bob');
DROP ROLE IF EXISTS regress_sh_bob;
-- The first role that fails gives the error, in the statement's order.
SELECT ri_audit.assert_drop_safe('DROP ROLE regress_sh_carol, regress_sh_bob');
DROP ROLE regress_sh_carol, regress_sh_bob;
\set VERBOSITY terse
-- allow does not apply: DROP ROLE drops none of them.
SELECT ri_audit.assert_drop_safe('DROP ROLE regress_sh_carol',
  ARRAY['policy p_carol on public.sh_bob_t', 'policy p_alice_carol on public.sh_bob_t']);
-- A role without dependents is safe to drop.
CREATE ROLE regress_sh_dave;
SELECT ri_audit.assert_drop_safe('DROP ROLE regress_sh_dave');
-- Errors the command raises whoever runs it.
SELECT * FROM pv('DROP ROLE regress_sh_nobody');
SELECT * FROM pv('DROP ROLE IF EXISTS regress_sh_nobody, regress_sh_dave');
SELECT * FROM pv('DROP ROLE regress_sh_dave, regress_sh_dave');
SELECT * FROM pv('DROP ROLE CURRENT_USER');
SELECT * FROM pv('DROP ROLE public');
DO $$ BEGIN PERFORM ri_audit.drop_preview(format('DROP ROLE %I', current_user)); END $$;
SET ROLE regress_sh_dave;
SELECT * FROM pv('DROP ROLE regress_sh_dave');
RESET ROLE;
SELECT * FROM pv('DROP ROLE pg_signal_backend');
SELECT ri_audit.assert_drop_safe('DROP ROLE pg_signal_backend');
DROP ROLE pg_signal_backend;

-- DROP TABLESPACE: the target row; assert_drop_safe raises the refusal of
-- a tablespace that partitioned tables name (pg_shdepend), then that of a
-- tablespace that still holds relations.
SET allow_in_place_tablespaces = on;
CREATE TABLESPACE regress_sh_ts LOCATION '';
CREATE TABLESPACE regress_sh_ts2 LOCATION '';
RESET allow_in_place_tablespaces;
CREATE TABLE sh_ts_t (a int) TABLESPACE regress_sh_ts;
CREATE TABLE sh_ts_p (a int) PARTITION BY LIST (a) TABLESPACE regress_sh_ts2;
SELECT * FROM pv('DROP TABLESPACE regress_sh_ts');
\set VERBOSITY default
SELECT ri_audit.assert_drop_safe('DROP TABLESPACE regress_sh_ts');
DROP TABLESPACE regress_sh_ts;
SELECT ri_audit.assert_drop_safe('DROP TABLESPACE regress_sh_ts2');
DROP TABLESPACE regress_sh_ts2;
\set VERBOSITY terse
-- An index counts as well; once empty, the tablespace is safe to drop.
ALTER TABLE sh_ts_t SET TABLESPACE pg_default;
CREATE INDEX ON sh_ts_t (a) TABLESPACE regress_sh_ts;
SELECT ri_audit.assert_drop_safe('DROP TABLESPACE regress_sh_ts');
DROP TABLE sh_ts_t, sh_ts_p;
SELECT ri_audit.assert_drop_safe('DROP TABLESPACE regress_sh_ts');
SELECT ri_audit.assert_drop_safe('DROP TABLESPACE regress_sh_ts2');
-- A relation of the other database in it.
\c regress_sh_other
CREATE TABLE other_ts (a int) TABLESPACE regress_sh_ts;
\c :regress_db
SELECT ri_audit.assert_drop_safe('DROP TABLESPACE regress_sh_ts');
SELECT * FROM pv('DROP TABLESPACE pg_default');
SELECT * FROM pv('DROP TABLESPACE regress_sh_nots');
SELECT * FROM pv('DROP TABLESPACE IF EXISTS regress_sh_nots');
DROP TABLESPACE regress_sh_ts2;

-- DROP DATABASE: the target row; the checks that a preview can make.
SELECT * FROM pv('DROP DATABASE regress_sh_other');
SELECT * FROM pv('DROP DATABASE regress_sh_other WITH (FORCE)');
SELECT * FROM pv('DROP DATABASE regress_sh_other WITH (nonsense)');
SELECT * FROM pv('DROP DATABASE regress_sh_nodb');
SELECT * FROM pv('DROP DATABASE IF EXISTS regress_sh_nodb');
SELECT * FROM pv('DROP DATABASE template1');
DO $$ BEGIN PERFORM ri_audit.drop_preview(format('DROP DATABASE %I', current_database())); END $$;

-- DROP SUBSCRIPTION: the subscription is the target row (the slot it drops
-- on the publisher is not previewed).
SET client_min_messages = warning;
CREATE SUBSCRIPTION regress_sh_sub CONNECTION 'dbname=regress_sh_nodb'
  PUBLICATION p WITH (connect = false, slot_name = NONE);
RESET client_min_messages;
SELECT * FROM pv('DROP SUBSCRIPTION regress_sh_sub');
SELECT ri_audit.assert_drop_safe('DROP SUBSCRIPTION regress_sh_sub');
SELECT * FROM pv('DROP SUBSCRIPTION regress_sh_nosub');
SELECT * FROM pv('DROP SUBSCRIPTION IF EXISTS regress_sh_nosub');
DROP SUBSCRIPTION regress_sh_sub;

-- A default ACL left with the default privileges once carol's grant is
-- revoked is deleted by DROP OWNED BY carol, by a deletion of its own that
-- comes first; one that still grants to dave is only altered.
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sh_bob IN SCHEMA public
  GRANT SELECT ON TABLES TO regress_sh_carol;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sh_bob IN SCHEMA sh_alice
  GRANT SELECT ON TABLES TO regress_sh_carol, regress_sh_dave;
SELECT * FROM pv('DROP OWNED BY regress_sh_carol');
BEGIN;
DROP OWNED BY regress_sh_carol;
SELECT defaclnamespace::regnamespace, defaclacl FROM pg_default_acl ORDER BY 1;
ROLLBACK;
-- Bob owns both: they are his objects, in the last deletion.
SELECT * FROM pv('DROP OWNED BY regress_sh_bob')
 WHERE type = 'default acl' OR dependency = 'target';
-- Carol's revoke deletes the first before bob's objects are collected.
SELECT * FROM pv('DROP OWNED BY regress_sh_carol, regress_sh_bob')
 WHERE type = 'default acl' OR dependency = 'target';
-- Bob's entry is a target when carol's revoke deletes it: PostgreSQL fails
-- (the OID masked).
CREATE FUNCTION masked_error(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN SQLSTATE || ': ' || regexp_replace(SQLERRM, '[0-9]{4,}', 'N', 'g');
END $$;
SET client_min_messages = warning;
SELECT masked_error(
  'SELECT count(*) FROM ri_audit.drop_preview(''DROP OWNED BY regress_sh_bob, regress_sh_carol'')');
SELECT masked_error('SELECT ri_audit.assert_drop_safe(''DROP OWNED BY regress_sh_bob, regress_sh_carol'')');
SELECT masked_error('DROP OWNED BY regress_sh_bob, regress_sh_carol CASCADE');
SELECT masked_error('DROP OWNED BY regress_sh_bob, regress_sh_carol');
RESET client_min_messages;
DROP FUNCTION masked_error(text);
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sh_bob IN SCHEMA public
  REVOKE ALL ON TABLES FROM regress_sh_carol;
ALTER DEFAULT PRIVILEGES FOR ROLE regress_sh_bob IN SCHEMA sh_alice
  REVOKE ALL ON TABLES FROM regress_sh_carol, regress_sh_dave;

-- In a read-only transaction, with AccessShareLock at most.
BEGIN READ ONLY;
SELECT count(*) FROM ri_audit.drop_preview('DROP OWNED BY regress_sh_alice');
SELECT count(*) FROM ri_audit.drop_preview('DROP ROLE regress_sh_dave');
SELECT ri_audit.assert_drop_safe('DROP ROLE regress_sh_dave');
SELECT DISTINCT mode FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype IN ('relation', 'object');
COMMIT;

-- Clean up.
DROP DATABASE regress_sh_other;
DROP TABLESPACE regress_sh_ts;
DROP OWNED BY regress_sh_alice, regress_sh_bob, regress_sh_carol CASCADE;
DROP ROLE regress_sh_alice, regress_sh_bob, regress_sh_carol, regress_sh_dave;
DROP FUNCTION pv(text);
