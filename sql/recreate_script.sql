--
-- ri_audit.recreate_script and ri_audit.migration_script: the README's
-- examples, run end to end, and the inputs they refuse.
--
SET client_min_messages = warning;
CREATE ROLE regress_rs_reader;
CREATE ROLE regress_rs_owner;
RESET client_min_messages;
CREATE SCHEMA shop;
GRANT USAGE ON SCHEMA shop TO regress_rs_owner, regress_rs_reader;

-- Schema snapshot: every definition that matters here, as text.
CREATE FUNCTION shop_objects() RETURNS SETOF text LANGUAGE sql AS $$
  SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ': '
         || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'shop'::regnamespace
  UNION ALL
  SELECT 'view ' || c.oid::regclass || ' ' || coalesce(c.relacl::text, '')
         || ' ' || coalesce(obj_description(c.oid, 'pg_class'), '') || ': '
         || pg_get_viewdef(c.oid)
    FROM pg_class c WHERE c.relnamespace = 'shop'::regnamespace
     AND c.relkind IN ('v', 'm')
  UNION ALL
  SELECT 'column ' || attrelid::regclass || '.' || attname || ' '
         || format_type(atttypid, atttypmod) || ' '
         || coalesce(pg_get_expr(d.adbin, d.adrelid), '')
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
    LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE c.relnamespace = 'shop'::regnamespace AND c.relkind = 'r'
     AND a.attnum > 0 AND NOT a.attisdropped
  UNION ALL
  SELECT 'trigger ' || pg_get_triggerdef(t.oid) || ' ' || t.tgenabled::text
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace = 'shop'::regnamespace AND NOT t.tgisinternal
  UNION ALL
  SELECT 'function ' || p.oid::regprocedure || ' ' || coalesce(p.proacl::text, '')
    FROM pg_proc p WHERE p.pronamespace = 'shop'::regnamespace
  ORDER BY 1
$$;

--
-- 1. ALTER TABLE users DROP CONSTRAINT users_pkey: orders_user_id_fkey
--    needs it (2BP01 without CASCADE).
--
CREATE TABLE shop.users (id int PRIMARY KEY, email text NOT NULL);
CREATE TABLE shop.orders (id int PRIMARY KEY, user_id int NOT NULL,
  total numeric(10,2));
ALTER TABLE shop.orders ADD CONSTRAINT orders_user_id_fkey
  FOREIGN KEY (user_id) REFERENCES shop.users (id) ON DELETE CASCADE NOT VALID;
COMMENT ON CONSTRAINT orders_user_id_fkey ON shop.orders IS 'every order has a user';
CREATE TABLE before AS SELECT * FROM shop_objects() o;

SELECT ri_audit.recreate_script('ALTER TABLE shop.users DROP CONSTRAINT users_pkey') AS script
\gset
\echo :script
ALTER TABLE shop.users DROP CONSTRAINT users_pkey CASCADE;
:script
-- the same definitions as before
(SELECT * FROM before EXCEPT SELECT * FROM shop_objects())
UNION ALL
(SELECT * FROM shop_objects() EXCEPT SELECT * FROM before);
SELECT obj_description(oid, 'pg_constraint') FROM pg_constraint
 WHERE conname = 'orders_user_id_fkey';

-- migration_script of the same statement: the foreign key refers to the
-- index the statement drops, so recreating it would fail, and the comment
-- block says so.
SELECT ri_audit.migration_script('ALTER TABLE shop.users DROP CONSTRAINT users_pkey');

--
-- 2. ALTER COLUMN ... TYPE under a view: PostgreSQL refuses it.
--
CREATE VIEW shop.order_totals WITH (security_barrier) AS
  SELECT u.id, u.email, sum(o.total) AS total
    FROM shop.users u JOIN shop.orders o ON o.user_id = u.id
   GROUP BY u.id, u.email;
ALTER VIEW shop.order_totals OWNER TO regress_rs_owner;
GRANT SELECT ON shop.users, shop.orders TO regress_rs_owner;
GRANT SELECT ON shop.order_totals TO regress_rs_reader;
COMMENT ON VIEW shop.order_totals IS 'per user';
CREATE VIEW shop.big_spenders AS
  SELECT id, email FROM shop.order_totals WHERE total > 1000
  WITH CASCADED CHECK OPTION;
INSERT INTO shop.users VALUES (1, 'a@example.com');
INSERT INTO shop.orders VALUES (1, 1, 1500);
DROP TABLE before;
CREATE TABLE before AS SELECT * FROM shop_objects() o;

\set VERBOSITY terse
ALTER TABLE shop.orders ALTER COLUMN total TYPE numeric(12,2);
\set VERBOSITY default
SELECT ri_audit.migration_script('ALTER TABLE shop.orders ALTER COLUMN total TYPE numeric(12,2)') AS script
\gset
\echo :script
:script
-- only the column's type changed
(SELECT * FROM before EXCEPT SELECT * FROM shop_objects())
UNION ALL
(SELECT * FROM shop_objects() EXCEPT SELECT * FROM before);
SELECT * FROM shop.big_spenders;
SET ROLE regress_rs_reader;
SELECT * FROM shop.order_totals;
RESET ROLE;

-- A statement that needs no help is returned as it is.
SELECT ri_audit.migration_script('ALTER TABLE shop.orders ALTER COLUMN id TYPE bigint');
-- (a column the views use does)
SELECT ri_audit.migration_script('ALTER TABLE shop.users ALTER COLUMN email TYPE varchar(200)') LIKE '%DROP VIEW shop.order_totals;%' AS drops_the_view;
SELECT ri_audit.migration_script('DROP VIEW shop.big_spenders');

--
-- 3. DROP FUNCTION of a function used by a default and a trigger.
--
CREATE FUNCTION shop.next_code() RETURNS text LANGUAGE sql
  AS $$ SELECT 'c-' || 1 $$;
REVOKE ALL ON FUNCTION shop.next_code() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION shop.next_code() TO regress_rs_reader;
ALTER TABLE shop.orders ADD COLUMN code text DEFAULT shop.next_code();
CREATE FUNCTION shop.stamp() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN NEW.code := shop.next_code(); RETURN NEW; END $$;
CREATE TRIGGER orders_stamp BEFORE INSERT ON shop.orders
  FOR EACH ROW WHEN (shop.next_code() IS NOT NULL)
  EXECUTE FUNCTION shop.stamp();
ALTER TABLE shop.orders DISABLE TRIGGER orders_stamp;
DROP TABLE before;
CREATE TABLE before AS SELECT * FROM shop_objects() o;

SELECT ri_audit.recreate_script('DROP FUNCTION shop.next_code()') AS script
\gset
\echo :script
DROP FUNCTION shop.next_code() CASCADE;
:script
(SELECT * FROM before EXCEPT SELECT * FROM shop_objects())
UNION ALL
(SELECT * FROM shop_objects() EXCEPT SELECT * FROM before);

--
-- What cannot come back is named at the top; what refers to it is
-- written commented out.
--
SELECT ri_audit.recreate_script('ALTER TABLE shop.orders DROP COLUMN total');
SELECT ri_audit.recreate_script('DROP TABLE shop.users');
-- A dependent that holds data is not dropped by a migration.
CREATE TYPE shop.mood AS ENUM ('ok');
CREATE TABLE shop.moods (m shop.mood);
SELECT ri_audit.migration_script('DROP TYPE shop.mood');

-- A name with a line break cannot end a comment line early.
CREATE TABLE shop."evil
DROP TABLE shop.users; --" (a int);
CREATE VIEW shop.evil_v AS SELECT a FROM shop."evil
DROP TABLE shop.users; --";
SELECT ri_audit.recreate_script(E'DROP TABLE shop."evil\nDROP TABLE shop.users; --"');

-- Every role may call them (catalog facts only).
SET ROLE regress_rs_reader;
SELECT ri_audit.recreate_script('DROP VIEW shop.big_spenders');
RESET ROLE;

-- ALTER COLUMN ... TYPE under a publication WHERE clause, a trigger (UPDATE
-- OF the column, fired on replicas only) and a policy: all dropped by name
-- and recreated around the statement, the trigger's state too.
CREATE TABLE shop.pt (id int PRIMARY KEY, a int, b text);
SET client_min_messages = error;
CREATE PUBLICATION regress_rs_pub FOR TABLE shop.pt (id, a) WHERE (a > 0);
RESET client_min_messages;
CREATE TRIGGER pt_t BEFORE UPDATE OF a ON shop.pt FOR EACH ROW
  EXECUTE FUNCTION suppress_redundant_updates_trigger();
ALTER TABLE shop.pt ENABLE REPLICA TRIGGER pt_t;
CREATE POLICY pol ON shop.pt AS RESTRICTIVE FOR UPDATE TO regress_rs_reader
  USING (a > 0) WITH CHECK (a < 100);
\set VERBOSITY terse
ALTER TABLE shop.pt ALTER COLUMN a TYPE bigint;
\set VERBOSITY default
SELECT ri_audit.migration_script('ALTER TABLE shop.pt ALTER COLUMN a TYPE bigint') AS script
\gset
\echo :script
:script
SELECT pg_get_expr(prqual, prrelid) AS qual, prattrs FROM pg_publication_rel
 WHERE prpubid = (SELECT oid FROM pg_publication WHERE pubname = 'regress_rs_pub');
SELECT tgname, tgenabled FROM pg_trigger WHERE tgrelid = 'shop.pt'::regclass;
SELECT polname, polpermissive, polcmd, polroles::regrole[],
       pg_get_expr(polqual, polrelid) AS qual,
       pg_get_expr(polwithcheck, polrelid) AS check
  FROM pg_policy WHERE polrelid = 'shop.pt'::regclass;
SELECT format_type(atttypid, atttypmod) FROM pg_attribute
 WHERE attrelid = 'shop.pt'::regclass AND attname = 'a';
DROP PUBLICATION regress_rs_pub;

-- A domain constraint (NOT VALID kept, its comment too), an aggregate and
-- an operator that use the dropped function.
CREATE FUNCTION shop.small(int) RETURNS bool LANGUAGE sql IMMUTABLE
  RETURN $1 < 100;
CREATE DOMAIN shop.qty AS int;
ALTER DOMAIN shop.qty ADD CONSTRAINT qty_small CHECK (shop.small(VALUE)) NOT VALID;
COMMENT ON CONSTRAINT qty_small ON DOMAIN shop.qty IS 'small';
CREATE FUNCTION shop.add_small(int, int) RETURNS int LANGUAGE sql IMMUTABLE
  RETURN CASE WHEN shop.small($2) THEN $1 + $2 ELSE $1 END;
CREATE AGGREGATE shop.sum_small(int) (sfunc = shop.add_small, stype = int,
  initcond = '0', combinefunc = shop.add_small, parallel = safe);
CREATE FUNCTION shop.both_small(int, int) RETURNS bool LANGUAGE sql IMMUTABLE
  RETURN shop.small($1) AND shop.small($2);
CREATE OPERATOR shop.<<< (leftarg = int, rightarg = int,
  function = shop.both_small, commutator = OPERATOR(shop.<<<));
SELECT ri_audit.recreate_script('DROP FUNCTION shop.small(int)') AS script
\gset
\echo :script
DROP FUNCTION shop.small(int) CASCADE;
:script
SELECT conname, convalidated, obj_description(oid, 'pg_constraint')
  FROM pg_constraint WHERE contypid = 'shop.qty'::regtype;
SELECT shop.sum_small(x) FROM (VALUES (1), (200), (3)) v(x);
SELECT 1 OPERATOR(shop.<<<) 2 AS both_small;
-- Operator links: a pair that names each other comes back whole; a link
-- only one side has (>>> names !>>> as its negator, made as a shell that
-- !>>> filled without naming >>> back) cannot be put back by PostgreSQL
-- 15, and creating >>> again would set the link on !>>>: both are named.
-- From 15.20, filling the shell names >>> back, so there is no one-sided
-- link and both come back whole (recreate_script_1.out).
CREATE FUNCTION shop.not_both_small(int, int) RETURNS bool LANGUAGE sql
  IMMUTABLE RETURN NOT shop.both_small($1, $2);
CREATE OPERATOR shop.!<<< (leftarg = int, rightarg = int,
  function = shop.not_both_small, negator = OPERATOR(shop.<<<));
SELECT ri_audit.recreate_script('DROP OPERATOR shop.<<< (int, int)');
CREATE OPERATOR shop.>>> (leftarg = int, rightarg = int,
  function = shop.both_small, negator = OPERATOR(shop.!>>>));
CREATE OPERATOR shop.!>>> (leftarg = int, rightarg = int,
  function = shop.not_both_small);
SELECT ri_audit.recreate_script('DROP OPERATOR shop.!>>> (int, int)');
SELECT ri_audit.recreate_script('DROP OPERATOR shop.>>> (int, int)');

-- Links CREATE OPERATOR cannot write, as a catalog made by an earlier
-- release can hold them (made here by hand): a COMMUTATOR naming an OID
-- that no operator has (a drop left it dangling), and a NEGATOR naming an
-- operator whose own NEGATOR names another one.  The script leaves out
-- the first, and the second from 15.20, which refuses it
-- (recreate_script_1.out); 15.18 writes it and leaves !<=> as it was.
CREATE OPERATOR shop.<=> (leftarg = int, rightarg = int,
  function = shop.both_small);
CREATE OPERATOR shop.!<=> (leftarg = int, rightarg = int,
  function = shop.not_both_small);
UPDATE pg_operator SET oprcom = 4000000000,
       oprnegate = 'shop.!<=>(int, int)'::regoperator
 WHERE oid = 'shop.<=>(int, int)'::regoperator;
UPDATE pg_operator SET oprnegate = 4000000001
 WHERE oid = 'shop.!<=>(int, int)'::regoperator;
SELECT ri_audit.recreate_script('DROP OPERATOR shop.<=> (int, int)') AS script
\gset
\echo :script
DROP OPERATOR shop.<=> (int, int) CASCADE;
:script
SELECT oid::regoperator, oprcom, oprnegate::regoperator FROM pg_operator
 WHERE oprname IN ('<=>', '!<=>') ORDER BY oprname;

-- Aggregates of every kind, each used by a view: an ordered-set one (a
-- direct argument, ORDER BY an aggregated one, FINALFUNC_MODIFY READ_ONLY
-- where its kind's default is READ_WRITE), a hypothetical-set one, one with
-- an argument name, a VARIADIC int[] one, and a hypothetical-set one on
-- VARIADIC "any" on both sides, as rank(); the first four use shop.push,
-- the last shop.os_multi, and the drops remove them with their views.
CREATE FUNCTION shop.push(int[], int) RETURNS int[] LANGUAGE sql IMMUTABLE
  RETURN $1 || $2;
CREATE FUNCTION shop.push_all(int[], VARIADIC int[]) RETURNS int[]
  LANGUAGE sql IMMUTABLE RETURN $1 || $2;
CREATE FUNCTION shop.nth_final(int[], int) RETURNS int LANGUAGE sql IMMUTABLE
  RETURN (SELECT x FROM unnest($1) x ORDER BY x OFFSET $2 - 1 LIMIT 1);
CREATE FUNCTION shop.rank_final(int[], int) RETURNS bigint LANGUAGE sql
  IMMUTABLE RETURN 1 + (SELECT count(*) FROM unnest($1) x WHERE x < $2);
CREATE FUNCTION shop.total(int[]) RETURNS int LANGUAGE sql IMMUTABLE
  RETURN (SELECT sum(x) FROM unnest($1) x);
CREATE FUNCTION shop.os_multi(internal, VARIADIC "any") RETURNS internal
  LANGUAGE internal AS 'ordered_set_transition_multi';
CREATE AGGREGATE shop.nth(n int ORDER BY v int) (sfunc = shop.push,
  stype = int[], initcond = '{}', finalfunc = shop.nth_final,
  finalfunc_modify = read_only);
CREATE AGGREGATE shop.hyp_rank(int ORDER BY int) (sfunc = shop.push,
  stype = int[], initcond = '{}', finalfunc = shop.rank_final,
  finalfunc_modify = shareable, hypothetical, parallel = safe);
CREATE AGGREGATE shop.named_total(val int) (sfunc = shop.push,
  stype = int[], initcond = '{}', finalfunc = shop.total);
CREATE AGGREGATE shop.var_total(VARIADIC vals int[]) (sfunc = shop.push_all,
  stype = int[], initcond = '{}', finalfunc = shop.total);
CREATE AGGREGATE shop.multi_rank(VARIADIC "any" ORDER BY VARIADIC "any")
  (sfunc = shop.os_multi, stype = internal, finalfunc = rank_final,
  finalfunc_extra, hypothetical);
COMMENT ON AGGREGATE shop.nth(int ORDER BY int) IS 'n-th smallest';
CREATE VIEW shop.agg_v AS
  SELECT shop.nth(2) WITHIN GROUP (ORDER BY x) AS nth,
         shop.hyp_rank(3) WITHIN GROUP (ORDER BY x) AS hyp_rank,
         shop.named_total(x) AS named_total,
         shop.var_total(x, 10 * x) AS var_total
    FROM (VALUES (5), (1), (4), (2)) v(x);
CREATE VIEW shop.multi_v AS
  SELECT shop.multi_rank(3, 0) WITHIN GROUP (ORDER BY x, y) AS multi_rank,
         rank(3, 0) WITHIN GROUP (ORDER BY x, y) AS rank
    FROM (VALUES (5, 0), (1, 1), (4, 0), (2, 0)) v(x, y);
CREATE FUNCTION shop_aggregates() RETURNS SETOF text LANGUAGE sql AS $$
  SELECT concat_ws(' ', a.aggfnoid::regprocedure,
         pg_get_function_arguments(a.aggfnoid), a.aggkind,
         a.aggnumdirectargs, a.aggtransfn, a.aggfinalfn, a.aggfinalextra,
         a.aggfinalmodify, a.agginitval, p.proparallel, p.provariadic::regtype,
         obj_description(a.aggfnoid, 'pg_proc'))
    FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid
   WHERE p.pronamespace = 'shop'::regnamespace
  ORDER BY 1
$$;
CREATE TABLE agg_before AS SELECT * FROM shop_aggregates() a;
SELECT * FROM agg_before;
SELECT * FROM shop.agg_v, shop.multi_v;
SELECT ri_audit.recreate_script('DROP FUNCTION shop.push(int[], int)') AS script
\gset
\echo :script
DROP FUNCTION shop.push(int[], int) CASCADE;
:script
SELECT ri_audit.recreate_script('DROP FUNCTION shop.push_all(int[], int[])') AS script
\gset
\echo :script
DROP FUNCTION shop.push_all(int[], int[]) CASCADE;
:script
SELECT ri_audit.recreate_script('DROP FUNCTION shop.os_multi(internal, "any")') AS script
\gset
\echo :script
DROP FUNCTION shop.os_multi(internal, "any") CASCADE;
:script
-- the same aggregates as before, and the views give the same rows
(SELECT * FROM agg_before EXCEPT SELECT * FROM shop_aggregates())
UNION ALL
(SELECT * FROM shop_aggregates() EXCEPT SELECT * FROM agg_before);
SELECT * FROM shop.agg_v, shop.multi_v;
DROP TABLE agg_before;
DROP FUNCTION shop_aggregates();

-- Locks: AccessShareLock at most: on what the statement names, and, through
-- PostgreSQL's deparsers (as pg_dump), on the relations the recreated
-- views read.
BEGIN;
SELECT length(ri_audit.migration_script('ALTER TABLE shop.orders ALTER COLUMN total TYPE numeric(14,2)')) > 0 AS built;
SELECT relation::regclass, mode FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype = 'relation'
   AND relation IN (SELECT oid FROM pg_class
                     WHERE relnamespace = 'shop'::regnamespace)
 ORDER BY relation::regclass::text, mode;
SELECT DISTINCT mode FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype = 'relation' ORDER BY 1;
COMMIT;
BEGIN;
SELECT length(ri_audit.recreate_script('DROP VIEW shop.order_totals')) > 0 AS built;
SELECT relation::regclass, mode FROM pg_locks
 WHERE pid = pg_backend_pid() AND locktype = 'relation'
   AND relation IN (SELECT oid FROM pg_class
                     WHERE relnamespace = 'shop'::regnamespace)
 ORDER BY relation::regclass::text, mode;
COMMIT;

--
-- Inputs they refuse.
--
SELECT ri_audit.recreate_script(NULL) IS NULL AS strict;
SELECT ri_audit.recreate_script('SELECT 1');
SELECT ri_audit.recreate_script('DROP VIEW shop.nosuch');
SELECT ri_audit.recreate_script('DROP VIEW IF EXISTS shop.nosuch');
SELECT ri_audit.recreate_script('DROP VIEW shop.order_totals; DROP VIEW shop.big_spenders');
SELECT ri_audit.recreate_script('DROP VIEW (');
SELECT ri_audit.migration_script('ALTER TABLE shop.orders ALTER COLUMN total TYPE int, ADD COLUMN x int');
SELECT ri_audit.migration_script('ALTER TABLE shop.orders ALTER COLUMN nosuch TYPE int');
SELECT ri_audit.migration_script('ALTER TABLE shop.order_totals ALTER COLUMN total TYPE int');
SELECT ri_audit.migration_script('ALTER TABLE IF EXISTS shop.nosuch ALTER COLUMN a TYPE int');
SELECT ri_audit.migration_script('VACUUM');

-- ALTER COLUMN ... TYPE removes nothing for good: PostgreSQL rebuilds the
-- index and the constraint itself, so the script recreates neither; a view
-- on the column makes the statement fail, and the script raises that error.
CREATE TABLE rs_alter (id int PRIMARY KEY, n int CHECK (n > 0));
CREATE INDEX rs_alter_n ON rs_alter (n);
SELECT ri_audit.recreate_script('ALTER TABLE rs_alter ALTER COLUMN n TYPE bigint');
CREATE VIEW rs_alter_v AS SELECT n FROM rs_alter;
SELECT ri_audit.recreate_script('ALTER TABLE rs_alter ALTER COLUMN n TYPE bigint');
DROP TABLE rs_alter CASCADE;

SET client_min_messages = warning;
DROP SCHEMA shop CASCADE;
DROP FUNCTION shop_objects();
DROP TABLE before;
DROP ROLE regress_rs_reader;
DROP ROLE regress_rs_owner;
