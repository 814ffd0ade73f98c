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
-- NOT NULL key columns, an ON DELETE action, an index.
CREATE TABLE fkg.line_notes (order_id int NOT NULL, line int NOT NULL,
	FOREIGN KEY (order_id, line) REFERENCES fkg.lines ON DELETE CASCADE);
CREATE INDEX ON fkg.line_notes (order_id, line);

-- Solid black: validated and indexed; dashed: NOT VALID; red: no index.
-- Quotes in names are escaped.
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.customers', 'fkg.orders']::regclass[]);

-- Only keys touching the tables asked for.
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.lines']::regclass[]);
SELECT ri_audit.foreign_key_graph('{}');

-- format => 'mermaid': an erDiagram.  Tables are entities t1, t2, ... shown
-- by name (quotes and other punctuation as Mermaid entity codes); the
-- referenced side is "exactly one" (||) when the key columns are NOT NULL,
-- else "zero or one" (|o); NOT VALID keys are dotted (..); labels carry the
-- columns, the ON DELETE action unless NO ACTION, and the notes.
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.orders']::regclass[], format => 'mermaid');
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.lines']::regclass[], 'MERMAID');
SELECT ri_audit.foreign_key_graph('{}', 'mermaid');

-- depth: the tables within that many hops, either way, and every key
-- between them.  From fkg.customers: 0 hops is the table alone (no key),
-- 1 adds orders and events, 2 adds lines and notes, 3 line_notes.  (The
-- label of "note""s key" shows as note here.)
SELECT d, ARRAY(SELECT regexp_replace(line, '^.*label="([^\\]*).*$', '\1')
				  FROM regexp_split_to_table(
						   ri_audit.foreign_key_graph(ARRAY['fkg.customers']::regclass[],
													  depth => d), E'\n') AS line
				 WHERE line LIKE '%->%'
				 ORDER BY 1) AS keys
  FROM generate_series(0, 4) d ORDER BY d;
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.line_notes']::regclass[], 'dot', 1);
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.line_notes', 'fkg.customers']::regclass[],
								  'mermaid', 0);

-- Wrong arguments.
SELECT ri_audit.foreign_key_graph(NULL, 'svg');
SELECT ri_audit.foreign_key_graph(NULL, NULL);
SELECT ri_audit.foreign_key_graph(ARRAY['fkg.orders']::regclass[], 'dot', -1);
SELECT ri_audit.foreign_key_graph(NULL, 'dot', 2);
SELECT ri_audit.foreign_key_graph(ARRAY[NULL]::regclass[]);

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
