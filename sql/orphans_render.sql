--
-- How orphans() shows keys: each value as to_jsonb() makes it for built-in
-- types (integers and booleans made directly, the other scalars as their
-- output text, the rest through to_jsonb() itself), a domain as its base
-- type, and the output text of a type that is not built in.  Then the
-- order and contents when the sort and the result spill to disk.
--
SET client_min_messages = warning;
CREATE SCHEMA orph_render;
SET search_path = orph_render, public;

CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE DOMAIN label AS text;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TYPE pair AS (a int, b text);

-- One referencing table per type, its orphans planted in replica mode.
CREATE TABLE shapes (typ text, vals text);
INSERT INTO shapes VALUES
	('int2', $$ '-32768', '0', '32767' $$),
	('int4', $$ '-2147483648', '-1', '0', '7', '2147483647' $$),
	('int8', $$ '-9223372036854775808', '0', '10000', '9223372036854775807' $$),
	('bool', $$ 'false', 'true' $$),
	('text', $$ '', 'a"b\c', E'tab\there', 'é' $$),
	('varchar(8)', $$ 'x', 'y z' $$),
	('char(4)', $$ 'ab', 'abcd' $$),
	('name', $$ 'pg_class' $$),
	('uuid', $$ '00000000-0000-0000-0000-000000000000', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11' $$),
	('oid', $$ '0', '4294967295' $$),
	('numeric', $$ '-1.50', '0', '1e20', 'NaN' $$),
	('float8', $$ '-0', '1.5', 'Infinity', 'NaN' $$),
	('float4', $$ '0.1' $$),
	('date', $$ '2024-02-29', 'infinity' $$),
	('timestamp', $$ '2024-02-29 12:34:56.789' $$),
	('timestamptz', $$ '2024-02-29 12:34:56+02' $$),
	('interval', $$ '1 day 02:00' $$),
	('inet', $$ '10.0.0.1/8', '::1' $$),
	('bytea', $$ '\x00ff' $$),
	('int4[]', $$ '{1,NULL,3}', '{}' $$),
	('text[]', $$ '{"a b",c}' $$),
	('jsonb', $$ '{"b": 1, "a": [2]}', '"s"' $$),
	('posint', $$ '5' $$),
	('label', $$ 'dom' $$),
	('mood', $$ 'ok' $$),
	('pair', $$ '(1,x)' $$);

DO $$
DECLARE
	s record;
	i int := 0;
BEGIN
	FOR s IN SELECT * FROM shapes LOOP
		i := i + 1;
		EXECUTE format('CREATE TABLE p%s (k %s PRIMARY KEY)', i, s.typ);
		EXECUTE format('CREATE TABLE c%s (id int, k %s)', i, s.typ);
		EXECUTE format('INSERT INTO c%s SELECT n, v::%s FROM unnest(ARRAY[%s]::text[]) WITH ORDINALITY u(v, n)',
					   i, s.typ, s.vals);
		EXECUTE format('ALTER TABLE c%s ADD CONSTRAINT c%s_fk FOREIGN KEY (k) REFERENCES p%s NOT VALID',
					   i, i, i);
	END LOOP;
END $$;

-- Every key as shown, and whether its text is that of to_jsonb() of the
-- row's value (for a type not built in, of its text).
CREATE FUNCTION shown(i int)
RETURNS TABLE (key text, as_expected bool) LANGUAGE plpgsql AS $$
BEGIN
	RETURN QUERY EXECUTE format(
		'SELECT o.key::text,
				o.key::text = jsonb_build_object(''k'',
					CASE WHEN (SELECT coalesce(nullif(typbasetype, 0), oid)
								 FROM pg_type WHERE oid = pg_typeof(c.k)) < 16384
						 THEN to_jsonb(c.k) ELSE to_jsonb(c.k::text) END)::text
		   FROM ri_audit.orphans(%L::regclass, %L) o JOIN c%s c ON c.ctid = o.row_ctid',
		'c' || i, 'c' || i || '_fk', i);
END $$;
SELECT s.typ, r.key, r.as_expected
  FROM (SELECT typ, row_number() OVER () AS i FROM shapes) s,
	   LATERAL shown(s.i::int) r
 ORDER BY s.i;

-- Many orphans, sorted and returned within a budget of 64 kB: both the
-- sort and the result spill, and the rows are the same, in the same order.
CREATE TABLE big_parent (id int PRIMARY KEY);
INSERT INTO big_parent SELECT g FROM generate_series(1, 1000) g;
CREATE TABLE big_child (id int, parent_id int, note text);
INSERT INTO big_child
	SELECT g, CASE WHEN g % 3 = 0 THEN 1000 + (g * 7) % 5000 ELSE 1 + g % 1000 END,
		   repeat('n', g % 50)
	  FROM generate_series(1, 30000) g;
ALTER TABLE big_child ADD CONSTRAINT big_child_fk
	FOREIGN KEY (parent_id) REFERENCES big_parent NOT VALID;
CREATE TEMP TABLE roomy AS
	SELECT row_number() OVER () AS n, o.*
	  FROM ri_audit.orphans('big_child'::regclass, 'big_child_fk') o;
SET ri_audit.work_mem = 64;
CREATE TEMP TABLE tight AS
	SELECT row_number() OVER () AS n, o.*
	  FROM ri_audit.orphans('big_child'::regclass, 'big_child_fk') o;
RESET ri_audit.work_mem;
SELECT count(*) AS orphans,
	   count(*) FILTER (WHERE r.row_ctid = t.row_ctid AND r.key = t.key) AS same_rows
  FROM roomy r JOIN tight t USING (n);
-- ordered by key, then ctid
SELECT count(*) AS out_of_order
  FROM (SELECT (key->>'parent_id')::int AS k, row_ctid,
			   lag((key->>'parent_id')::int) OVER (ORDER BY n) AS pk,
			   lag(row_ctid) OVER (ORDER BY n) AS pc
		  FROM tight) s
 WHERE (pk, pc) >= (k, row_ctid);

RESET search_path;
DROP SCHEMA orph_render CASCADE;
