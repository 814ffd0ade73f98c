--
-- ri_audit.foreign_key_graph(): the foreign key graph as DOT text.
--
SET client_min_messages = warning;
CREATE SCHEMA fkg;
CREATE SCHEMA "Odd ""Schema""";
SET search_path = public;
CREATE TABLE fkg.customers (id int PRIMARY KEY);
CREATE TABLE fkg.orders (id int PRIMARY KEY,
	customer_id int REFERENCES fkg.customers);
CREATE INDEX ON fkg.orders (customer_id);
CREATE TABLE fkg.lines (order_id int, line int, PRIMARY KEY (order_id, line));
ALTER TABLE fkg.lines ADD FOREIGN KEY (order_id) REFERENCES fkg.orders NOT VALID;
CREATE TABLE "Odd ""Schema""".notes (id int,
	"Order Id" int CONSTRAINT "note""s key" REFERENCES fkg.orders);
-- Partition clones are not edges of their own.
CREATE TABLE fkg.events (id int, at date, customer_id int REFERENCES fkg.customers)
	PARTITION BY RANGE (at);
CREATE TABLE fkg.events_1 PARTITION OF fkg.events
	FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

-- Solid black: validated and indexed; dashed: NOT VALID; red: no index.
-- Quotes in names are escaped.
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.customers', 'fkg.orders']::regclass[]);

-- Only keys touching the tables asked for.
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.lines']::regclass[]);
SELECT ri_audit.foreign_key_graph('{}');

-- A "C" collation and an "=" operator planted earlier on the search_path
-- change nothing: every name in the query is qualified.
SELECT ri_audit.foreign_key_graph() AS before \gset
CREATE COLLATION fkg."C" (provider = icu, locale = 'und-u-kr-digit-latn');
CREATE FUNCTION fkg.trap_eq(oid, oid) RETURNS bool LANGUAGE plpgsql AS
$$ BEGIN RAISE EXCEPTION 'planted operator called'; END $$;
CREATE OPERATOR fkg.= (LEFTARG = oid, RIGHTARG = oid, FUNCTION = fkg.trap_eq);
SET search_path = fkg, pg_catalog;
SELECT ri_audit.foreign_key_graph() = :'before' AS unchanged;
RESET search_path;

DROP SCHEMA fkg CASCADE;
DROP SCHEMA "Odd ""Schema""" CASCADE;
