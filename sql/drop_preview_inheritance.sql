--
-- ri_audit.drop_preview / assert_drop_safe: ALTER TABLE ... DROP COLUMN and
-- DROP CONSTRAINT on multiple inheritance (diamonds, a table inheriting
-- from a parent and from that parent's child, three levels), on several
-- subcommands in one statement, and on partitioned tables.
--
-- PostgreSQL visits an inheritance child once per path from the table
-- named in the statement: each visit lowers the child's attinhcount
-- (coninhcount) by one, and the visit that finds it at 1 drops the child's
-- column (constraint) and recurses.  Every case is checked against the
-- statement itself, run in a subtransaction that is rolled back: the
-- objects the CASCADE statement drops (recorded by a sql_drop event
-- trigger) must be the preview's rows, in order, and the error of the
-- RESTRICT statement must be assert_drop_safe()'s.
--
SET client_min_messages = notice;
CREATE SCHEMA dpi;
SET search_path = dpi, public;

CREATE FUNCTION pv(ddl text)
RETURNS TABLE ("position" int, description text, dependency text,
               requires_cascade boolean)
LANGUAGE sql AS $$
  SELECT p.position, p.description, p.dependency, p.requires_cascade
    FROM ri_audit.drop_preview(ddl) p ORDER BY p.position
$$;

-- Inheritance counts of the columns and constraints of these tables.
CREATE FUNCTION counts(tabs regclass[])
RETURNS TABLE (object text, inhcount int, islocal boolean)
LANGUAGE sql AS $$
  SELECT format('%s.%s', attrelid::regclass, attname), attinhcount,
         attislocal
    FROM pg_attribute
   WHERE attrelid = ANY (tabs) AND attnum > 0 AND NOT attisdropped
  UNION ALL
  SELECT format('%s constraint %s', conrelid::regclass, conname),
         coninhcount, conislocal
    FROM pg_constraint WHERE conrelid = ANY (tabs)
   ORDER BY 1
$$;

-- The oracle: what PostgreSQL drops.
CREATE TABLE dropped (n int, classid oid, objid oid, objsubid int);
CREATE FUNCTION record_dropped() RETURNS event_trigger
LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO dpi.dropped
  SELECT o.n, o.classid, o.objid, o.objsubid
    FROM pg_event_trigger_dropped_objects() WITH ORDINALITY
         AS o(classid, objid, objsubid, original, normal, is_temporary,
              object_type, schema_name, object_name, object_identity,
              address_names, address_args, n);
END $$;
CREATE EVENT TRIGGER dpi_record_dropped ON sql_drop
  EXECUTE FUNCTION record_dropped();

-- An error as psql prints it (without the context).
CREATE FUNCTION error_text(msg text, detail text, hint text) RETURNS text
LANGUAGE sql AS $$
  SELECT 'ERROR:  ' || msg
         || CASE WHEN detail <> '' THEN E'\nDETAIL:  ' || detail ELSE '' END
         || CASE WHEN hint <> '' THEN E'\nHINT:  ' || hint ELSE '' END
$$;

-- vs_core(stmt): run the statement with CASCADE and with RESTRICT, each in
-- a subtransaction that is rolled back, and compare with the preview.
-- %B marks where RESTRICT or CASCADE goes; without it, at the end.
--   CASCADE:  the objects dropped (or the error), and whether they are the
--             preview's rows (or its error), in the preview's order
--   RESTRICT: "ok" or the error, and whether assert_drop_safe() raises
--             exactly that error (or none)
-- When the statement makes several deletion calls (DROP CONSTRAINT of an
-- inherited CHECK constraint, several subcommands), the steps are named
-- "CASCADE, as sets" and "RESTRICT, detail as subset": the event trigger
-- lists the objects of later calls first, so the objects are compared as
-- sets; PostgreSQL's error lists the dependents of the first call that
-- fails, assert_drop_safe()'s those of every call, so its detail must
-- contain every line of PostgreSQL's (the message and hint must be equal;
-- with several subcommands, each of its lines begins with the subcommand
-- and ": ").
-- When they differ, "difference" shows what only one side has.
CREATE FUNCTION vs_core(stmt text)
RETURNS TABLE (step text, outcome text, same boolean, difference text)
LANGUAGE plpgsql
SET client_min_messages = warning
AS $$
DECLARE
  tmpl text := CASE WHEN stmt LIKE '%\%B%' THEN stmt ELSE stmt || '%B' END;
  plain text := replace(tmpl, '%B', '');
  one_call boolean := plain ~* 'DROP COLUMN' AND plain !~ ',';
  core_parts text[];
  assert_parts text[];
  preview text[];
  preview_err text;
  core text[];
  core_err text;
  assert_err text;
  m text;
  d text;
  h text;
  only_preview text;
  only_core text;
BEGIN
  -- The preview, as (class, OID, sub-ID) in row order.
  BEGIN
    SELECT coalesce(array_agg(format('%s/%s/%s', p.classid::regclass,
                                     p.objid, p.objsubid)
                              ORDER BY p.position), '{}')
      INTO preview FROM ri_audit.drop_preview(plain) p;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                            h = PG_EXCEPTION_HINT;
    preview_err := error_text(m, d, h);
  END;

  -- The statement with CASCADE.  A column is not listed when its whole
  -- relation goes too (the preview does not list it either).
  BEGIN
    DELETE FROM dpi.dropped;
    EXECUTE replace(tmpl, '%B', ' CASCADE');
    SELECT coalesce(array_agg(format('%s/%s/%s', x.classid::regclass,
                                     x.objid, x.objsubid) ORDER BY x.n), '{}')
      INTO core
      FROM dpi.dropped x
     WHERE x.objsubid = 0
        OR NOT EXISTS (SELECT FROM dpi.dropped y
                        WHERE y.classid = x.classid AND y.objid = x.objid
                          AND y.objsubid = 0);
    RAISE SQLSTATE 'XDPI0';
  EXCEPTION
    WHEN SQLSTATE 'XDPI0' THEN NULL;
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                              h = PG_EXCEPTION_HINT;
      core_err := error_text(m, d, h);
  END;

  IF core_err IS NULL AND preview_err IS NULL THEN
    SELECT string_agg(pg_describe_object(split_part(e, '/', 1)::regclass,
                                         split_part(e, '/', 2)::oid,
                                         split_part(e, '/', 3)::int),
                      ', ' ORDER BY e)
      INTO only_preview
      FROM unnest(preview) e WHERE e <> ALL (core);
    SELECT string_agg(pg_describe_object(split_part(e, '/', 1)::regclass,
                                         split_part(e, '/', 2)::oid,
                                         split_part(e, '/', 3)::int),
                      ', ' ORDER BY e)
      INTO only_core
      FROM unnest(core) e WHERE e <> ALL (preview);
    step := CASE WHEN one_call THEN 'CASCADE' ELSE 'CASCADE, as sets' END;
    outcome := format('drops %s objects', cardinality(core));
    IF one_call THEN
      same := preview = core;
    ELSE
      same := ARRAY(SELECT unnest(preview) ORDER BY 1)
              = ARRAY(SELECT unnest(core) ORDER BY 1);
    END IF;
    difference := concat_ws(E'\n',
                            'only in the preview: ' || only_preview,
                            'only in PostgreSQL: ' || only_core,
                            CASE WHEN NOT same AND only_preview IS NULL
                                      AND only_core IS NULL
                                 THEN 'same objects, another order' END);
  ELSE
    step := CASE WHEN one_call THEN 'CASCADE' ELSE 'CASCADE, as sets' END;
    outcome := coalesce(core_err, format('drops %s objects', cardinality(core)));
    same := preview_err IS NOT DISTINCT FROM core_err;
    difference := CASE WHEN NOT same
                       THEN 'preview: ' || coalesce(preview_err, 'no error') END;
  END IF;
  RETURN NEXT;

  -- The statement with RESTRICT, and assert_drop_safe().
  core_err := NULL;
  BEGIN
    EXECUTE replace(tmpl, '%B', ' RESTRICT');
    RAISE SQLSTATE 'XDPI0';
  EXCEPTION
    WHEN SQLSTATE 'XDPI0' THEN NULL;
    WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                              h = PG_EXCEPTION_HINT;
      core_err := error_text(m, d, h);
      core_parts := ARRAY[m, d, h];
  END;
  BEGIN
    PERFORM ri_audit.assert_drop_safe(plain);
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS m = MESSAGE_TEXT, d = PG_EXCEPTION_DETAIL,
                            h = PG_EXCEPTION_HINT;
    assert_err := error_text(m, d, h);
    assert_parts := ARRAY[m, d, h];
  END;
  outcome := coalesce(core_err, 'ok');
  IF one_call THEN
    step := 'RESTRICT';
    same := assert_err IS NOT DISTINCT FROM core_err;
  ELSE
    step := 'RESTRICT, detail as subset';
    same := (core_err IS NULL AND assert_err IS NULL)
            OR (core_parts[1] = assert_parts[1]
                AND core_parts[3] = assert_parts[3]
                AND string_to_array(core_parts[2], E'\n')
                    <@ ARRAY(SELECT regexp_replace(x, '^[^:]*: ', '')
                               FROM unnest(string_to_array(assert_parts[2],
                                                           E'\n')) x));
    same := coalesce(same, false);
  END IF;
  difference := CASE WHEN NOT same
                     THEN 'assert_drop_safe: ' || coalesce(assert_err, 'ok') END;
  RETURN NEXT;
END $$;

--
-- The diamond: g inherits a from p through c1 and through c2.
--
CREATE TABLE p (a int CONSTRAINT ck CHECK (a > 0), b int);
CREATE TABLE c1 () INHERITS (p);
CREATE TABLE c2 () INHERITS (p);
CREATE TABLE g () INHERITS (c1, c2);
CREATE VIEW gv AS SELECT a FROM g;
SELECT * FROM counts('{p,c1,c2,g}');

-- Through c1 g.a's count goes down to 1, through c2 g.a goes, with g's ck
-- (silently) and the view (which needs CASCADE).
SELECT * FROM pv('ALTER TABLE p DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE p DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE p DROP COLUMN a');
BEGIN;
ALTER TABLE p DROP COLUMN a;
ROLLBACK;
SELECT * FROM counts('{p,c1,c2,g}');

-- A column nothing depends on: g.b goes too, no CASCADE needed.
SELECT * FROM pv('ALTER TABLE p DROP COLUMN b');
SELECT ri_audit.assert_drop_safe('ALTER TABLE p DROP COLUMN b');
SELECT * FROM vs_core('ALTER TABLE p DROP COLUMN b');

-- The CHECK constraint: one deletion each for p's, c1's, c2's and g's.
SELECT * FROM pv('ALTER TABLE p DROP CONSTRAINT ck');
SELECT ri_audit.assert_drop_safe('ALTER TABLE p DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE p DROP CONSTRAINT ck');

-- ONLY: the children's columns and constraints become local, g keeps its.
SELECT * FROM pv('ALTER TABLE ONLY p DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE ONLY p DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE ONLY p DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE ONLY p DROP CONSTRAINT ck');

-- Inherited columns and constraints of the children cannot be dropped.
SELECT * FROM pv('ALTER TABLE c1 DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE c1 DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE g DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE g DROP CONSTRAINT ck');

-- Several subcommands in one statement: each sees what the earlier ones
-- did (dropped objects, and lowered inheritance counts).
SELECT * FROM pv('ALTER TABLE p DROP CONSTRAINT ck, DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE p DROP CONSTRAINT ck, DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE p DROP CONSTRAINT ck%B, DROP COLUMN a%B');
SELECT * FROM pv('ALTER TABLE p DROP COLUMN b, DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE p DROP COLUMN b%B, DROP COLUMN a%B');
SELECT * FROM pv('ALTER TABLE p DROP COLUMN a, DROP CONSTRAINT IF EXISTS ck');
SELECT * FROM vs_core('ALTER TABLE p DROP COLUMN a%B, DROP CONSTRAINT IF EXISTS ck%B');
-- The second subcommand finds the column gone, as the CASCADE statement
-- does.  (With RESTRICT, PostgreSQL stops at the first subcommand's
-- dependency error instead; assert_drop_safe() raises the missing column.)
SELECT * FROM pv('ALTER TABLE p DROP COLUMN a, DROP COLUMN a');
BEGIN;
ALTER TABLE p DROP COLUMN a CASCADE, DROP COLUMN a CASCADE;
ROLLBACK;
SELECT * FROM pv('ALTER TABLE ONLY p DROP CONSTRAINT ck, DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE ONLY p DROP CONSTRAINT ck%B, DROP COLUMN a%B');

-- The diamond one level down: a child of g, and a view on it.
CREATE TABLE gg () INHERITS (g);
CREATE VIEW ggv AS SELECT a, b FROM gg;
SELECT * FROM pv('ALTER TABLE p DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE p DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE p DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE p DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE p DROP CONSTRAINT ck');
-- g.a is inherited: it cannot be dropped from g itself.
SELECT * FROM vs_core('ALTER TABLE g DROP COLUMN a');

--
-- Paths of different lengths: h inherits from c11 (a child of c1) and
-- from c2; k, three levels below p, from h and from c1.
--
CREATE TABLE c11 () INHERITS (c1);
CREATE TABLE h () INHERITS (c11, c2);
CREATE TABLE k () INHERITS (h, c1);
CREATE VIEW hv AS SELECT a FROM h;
CREATE VIEW kv AS SELECT a FROM k;
SELECT * FROM counts('{c11,h,k}');
SELECT * FROM pv('ALTER TABLE p DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE p DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE p DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE p DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE p DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE ONLY p DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE p DROP COLUMN b%B, DROP CONSTRAINT ck%B, DROP COLUMN a%B');
DROP TABLE p CASCADE;

--
-- A table inheriting from a parent and from that parent's child.
--
CREATE TABLE r (a int CONSTRAINT ck CHECK (a > 0), b int);
CREATE TABLE r1 () INHERITS (r);
CREATE TABLE rg () INHERITS (r, r1);
CREATE VIEW rgv AS SELECT a FROM rg;
SELECT * FROM counts('{r,r1,rg}');
SELECT * FROM pv('ALTER TABLE r DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE r DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE r DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE r DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE r DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE ONLY r DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE r DROP CONSTRAINT ck%B, DROP COLUMN a%B');
-- Dropping from r1 is refused: r1.a is inherited.
SELECT * FROM vs_core('ALTER TABLE r1 DROP COLUMN a');
DROP TABLE r CASCADE;

-- The same shape with the child of both created first (lower OID), so
-- r's children are visited in the other order: rg's column loses one
-- count directly under r, and goes under r1.
CREATE TABLE r (a int CONSTRAINT ck CHECK (a > 0), b int);
CREATE TABLE rg () INHERITS (r);
CREATE TABLE r1 () INHERITS (r);
ALTER TABLE rg INHERIT r1;
CREATE VIEW rgv AS SELECT a FROM rg;
SELECT * FROM counts('{r,r1,rg}');
SELECT * FROM pv('ALTER TABLE r DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE r DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE r DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE r DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE r DROP CONSTRAINT ck');
DROP TABLE r CASCADE;

--
-- Diamonds where the column survives.
--
-- The child of both also defines the column and the constraint itself:
-- both paths only lower the counts.
CREATE TABLE t (a int CONSTRAINT ck CHECK (a > 0));
CREATE TABLE t1 () INHERITS (t);
CREATE TABLE t2 () INHERITS (t);
CREATE TABLE tg (a int, CONSTRAINT ck CHECK (a > 0)) INHERITS (t1, t2);
CREATE VIEW tgv AS SELECT a FROM tg;
SELECT * FROM counts('{tg}');
SELECT * FROM pv('ALTER TABLE t DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE t DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE t DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE t DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE t DROP CONSTRAINT ck');
DROP TABLE t CASCADE;

-- One side of the diamond defines the column itself: it stays (with its
-- count lowered), so nothing below it is visited through it and the
-- bottom table keeps its column.
CREATE TABLE u (a int CONSTRAINT ck CHECK (a > 0));
CREATE TABLE u1 () INHERITS (u);
CREATE TABLE u2 (a int, CONSTRAINT ck CHECK (a > 0)) INHERITS (u);
CREATE TABLE ug () INHERITS (u1, u2);
CREATE VIEW ugv AS SELECT a FROM ug;
SELECT * FROM counts('{u1,u2,ug}');
SELECT * FROM pv('ALTER TABLE u DROP COLUMN a');
SELECT ri_audit.assert_drop_safe('ALTER TABLE u DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE u DROP COLUMN a');
SELECT * FROM pv('ALTER TABLE u DROP CONSTRAINT ck');
SELECT * FROM vs_core('ALTER TABLE u DROP CONSTRAINT ck');
DROP TABLE u CASCADE;

-- Two unrelated parents: dropping from one only lowers the count.
CREATE TABLE v1 (a int CONSTRAINT ck CHECK (a > 0));
CREATE TABLE v2 (a int CONSTRAINT ck CHECK (a > 0));
CREATE TABLE vg () INHERITS (v1, v2);
CREATE VIEW vgv AS SELECT a FROM vg;
SELECT * FROM pv('ALTER TABLE v1 DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE v1 DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE v2 DROP CONSTRAINT ck');
DROP TABLE v1, v2 CASCADE;

--
-- Partitioned tables have no multiple inheritance; they still recurse.
--
CREATE TABLE m (k int, v int CONSTRAINT v_pos CHECK (v > 0), w int)
  PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2) PARTITION BY LIST (w);
CREATE TABLE m21 PARTITION OF m2 FOR VALUES IN (1);
CREATE VIEW m21v AS SELECT v FROM m21;
SELECT * FROM pv('ALTER TABLE m DROP COLUMN v');
SELECT ri_audit.assert_drop_safe('ALTER TABLE m DROP COLUMN v');
SELECT * FROM vs_core('ALTER TABLE m DROP COLUMN v');
SELECT * FROM pv('ALTER TABLE m DROP CONSTRAINT v_pos');
SELECT * FROM vs_core('ALTER TABLE m DROP CONSTRAINT v_pos');
SELECT * FROM vs_core('ALTER TABLE m DROP CONSTRAINT v_pos%B, DROP COLUMN v%B');
SELECT * FROM vs_core('ALTER TABLE ONLY m DROP COLUMN v');
SELECT * FROM vs_core('ALTER TABLE ONLY m DROP CONSTRAINT v_pos');
SELECT * FROM vs_core('ALTER TABLE m2 DROP COLUMN v');
SELECT * FROM vs_core('ALTER TABLE m DROP COLUMN w');
DROP TABLE m CASCADE;

DROP EVENT TRIGGER dpi_record_dropped;
RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA dpi CASCADE;
RESET client_min_messages;
