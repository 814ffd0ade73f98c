# Copyright (c) 2026, ri_audit developers
#
# Mangled input never crashes the server nor raises an internal error.
#
# drop_preview() and assert_drop_safe() get more than 100,000 generated
# statements: real statements of every kind PostgreSQL parses, truncated,
# spliced, with bytes flipped, with huge identifiers, deep nesting, many
# objects; random valid UTF-8 in a UTF8 database and random raw bytes in a
# SQL_ASCII database.  The functions taking oids and names (orphans,
# check_foreign_keys, validate, validate_all, assert_no_orphans) get random
# oids, oids of dropped objects, of constraints that are not foreign keys, of
# objects of the wrong kind, NULLs and negative numbers.
#
# Perl generates the inputs and loads them with \copy; one PL/pgSQL DO block
# per batch calls the function once per input inside its own exception block
# and counts the SQLSTATEs.  Asserted: no SQLSTATE of class XX (internal
# error, "cache lookup failed", corruption) or any class outside a list of
# clean ones, every input category gets only its expected SQLSTATEs, nothing
# was executed or written (the catalogs are unchanged), the postmaster never
# restarted and no backend died.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('fuzz');
$node->init(extra => [ '--encoding=UTF8', '--locale=C' ]);
$node->append_conf('postgresql.conf', q{
log_statement = none
log_min_messages = warning
client_min_messages = warning
});
$node->start;

my $start_time =
  $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

# A schema rich in objects of every kind, so that spliced statements often
# name real objects and the previews walk real dependencies.
my $schema = q{
CREATE EXTENSION ri_audit;
CREATE SCHEMA fz;
SET search_path = fz, public;
CREATE TABLE customers (id int PRIMARY KEY, name text UNIQUE, email text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers,
	amount numeric CHECK (amount >= 0), note text DEFAULT 'n',
	total numeric GENERATED ALWAYS AS (amount * 2) STORED);
CREATE TABLE lines (order_id int, line int, item text,
	PRIMARY KEY (order_id, line));
INSERT INTO customers VALUES (1, 'a', 'a@x'), (2, 'b', 'b@x');
INSERT INTO orders VALUES (10, 1, 5), (11, 2, 7);
INSERT INTO lines VALUES (10, 1, 'x'), (99, 1, 'orphan');
ALTER TABLE lines ADD CONSTRAINT lines_order_fk FOREIGN KEY (order_id)
	REFERENCES orders NOT VALID;
CREATE INDEX orders_amount_idx ON orders ((amount + 1));
CREATE SEQUENCE seq1 OWNED BY orders.id;
CREATE VIEW v_orders AS SELECT o.id, c.name FROM orders o JOIN customers c ON c.id = o.customer_id;
CREATE VIEW v_v AS SELECT * FROM v_orders;
CREATE MATERIALIZED VIEW mv AS SELECT count(*) AS n FROM orders;
CREATE TYPE mood AS ENUM ('sad', 'ok');
CREATE TYPE pair AS (a int, b text);
CREATE DOMAIN posint AS int CHECK (VALUE > 0);
CREATE TABLE typed (m mood, p pair, d posint);
CREATE FUNCTION f1(int) RETURNS int LANGUAGE sql IMMUTABLE RETURN $1 + 1;
CREATE FUNCTION f2(a int, b text) RETURNS text LANGUAGE sql BEGIN ATOMIC SELECT b || a; END;
CREATE PROCEDURE p1(int) LANGUAGE sql AS 'SELECT 1';
CREATE AGGREGATE agg1(int) (sfunc = int4pl, stype = int);
CREATE OPERATOR === (leftarg = int, rightarg = int, function = int4eq);
CREATE OPERATOR FAMILY ofam USING btree;
CREATE OPERATOR CLASS ocls FOR TYPE int USING hash AS OPERATOR 1 =, FUNCTION 1 hashint4(int);
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
CREATE TRIGGER t1 BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION trg();
CREATE RULE r1 AS ON UPDATE TO v_orders DO INSTEAD NOTHING;
ALTER TABLE orders ENABLE ROW LEVEL SECURITY;
CREATE POLICY pol1 ON orders USING (amount > 0);
CREATE COLLATION coll1 (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
CREATE STATISTICS st1 ON customer_id, amount FROM orders;
CREATE TEXT SEARCH CONFIGURATION tsc (COPY = english);
CREATE TEXT SEARCH DICTIONARY tsd (TEMPLATE = simple);
CREATE CONVERSION conv1 FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
CREATE CAST (pair AS text) WITH INOUT;
CREATE FOREIGN DATA WRAPPER fdw1;
CREATE SERVER srv1 FOREIGN DATA WRAPPER fdw1;
CREATE USER MAPPING FOR PUBLIC SERVER srv1;
CREATE FOREIGN TABLE ft (a int) SERVER srv1;
CREATE PUBLICATION pub1 FOR TABLE customers;
CREATE ACCESS METHOD am1 TYPE TABLE HANDLER heap_tableam_handler;
CREATE FUNCTION evt() RETURNS event_trigger LANGUAGE plpgsql AS 'BEGIN END';
CREATE EVENT TRIGGER et1 ON ddl_command_start EXECUTE FUNCTION evt();
ALTER EVENT TRIGGER et1 DISABLE;
CREATE TABLE parted (k int, v int) PARTITION BY RANGE (k);
CREATE TABLE parted_1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE TABLE parted_2 PARTITION OF parted FOR VALUES FROM (10) TO (20);
CREATE TABLE inh_parent (a int, b int CHECK (b > 0));
CREATE TABLE inh_child () INHERITS (inh_parent);
CREATE TABLE "We ird.""Tab" ("co l" int, "select" int);
};
$node->safe_psql('postgres', $schema);

# The SQL_ASCII database: random raw bytes (any byte but NUL) are text there.
$node->safe_psql('postgres', q{
	CREATE DATABASE fuzz_ascii ENCODING SQL_ASCII TEMPLATE template0
		LC_COLLATE 'C' LC_CTYPE 'C'});
$node->safe_psql('fuzz_ascii', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE t1 (id int PRIMARY KEY);
	CREATE TABLE t2 (id int REFERENCES t1);});

# What must not change: every object of the schema.  A preview that
# executed its statement would remove some.
my $catalog_fingerprint = q{
	SELECT (SELECT count(*) FROM pg_class) || '/' ||
		   (SELECT count(*) FROM pg_depend) || '/' ||
		   (SELECT count(*) FROM pg_constraint) || '/' ||
		   (SELECT count(*) FROM pg_proc) || '/' ||
		   (SELECT count(*) FROM pg_type) || '/' ||
		   (SELECT count(*) FROM pg_attribute WHERE NOT attisdropped)};
# Tables the DO blocks fill.
$node->safe_psql('postgres', q{
	CREATE TABLE public.fuzz_input (id bigint, category text, input text);
	CREATE TABLE public.fuzz_result (category text, sqlstate text, n bigint);
	CREATE TABLE public.fuzz_bad (category text, sqlstate text, message text,
		input text);
});
$node->safe_psql('fuzz_ascii', q{
	CREATE TABLE public.fuzz_input (id bigint, category text, input bytea);
	CREATE TABLE public.fuzz_result (category text, sqlstate text, n bigint);
	CREATE TABLE public.fuzz_bad (category text, sqlstate text, message text,
		input text);
});

my $fingerprint_before = $node->safe_psql('postgres', $catalog_fingerprint);

# ----------------------------------------------------------------------
# The statement corpus: real statements of every kind PostgreSQL parses.
# ----------------------------------------------------------------------
my @drop_statements = (
	'DROP TABLE fz.orders', 'DROP TABLE fz.customers CASCADE',
	'DROP TABLE IF EXISTS fz.nope, fz.lines RESTRICT',
	'DROP TABLE fz.parted', 'DROP TABLE fz.parted_1',
	'DROP TABLE fz.inh_parent', 'DROP TABLE fz."We ird.""Tab"',
	'DROP VIEW fz.v_orders', 'DROP VIEW IF EXISTS fz.v_v, fz.v_orders',
	'DROP MATERIALIZED VIEW fz.mv', 'DROP INDEX fz.orders_amount_idx',
	'DROP INDEX CONCURRENTLY fz.orders_amount_idx',
	'DROP SEQUENCE fz.seq1', 'DROP FOREIGN TABLE fz.ft',
	'DROP TYPE fz.mood', 'DROP TYPE fz.pair CASCADE', 'DROP DOMAIN fz.posint',
	'DROP FUNCTION fz.f1(int)', 'DROP FUNCTION fz.f1', 'DROP FUNCTION fz.f2(int, text)',
	'DROP PROCEDURE fz.p1(int)', 'DROP ROUTINE fz.f1(integer)',
	'DROP AGGREGATE fz.agg1(int)', 'DROP AGGREGATE fz.agg1(*)',
	'DROP OPERATOR fz.=== (int, int)', 'DROP OPERATOR fz.=== (int, NONE)',
	'DROP OPERATOR CLASS fz.ocls USING hash', 'DROP OPERATOR FAMILY fz.ofam USING btree',
	'DROP OPERATOR FAMILY fz.ocls USING hash',
	'DROP SCHEMA fz', 'DROP SCHEMA fz, public CASCADE', 'DROP SCHEMA IF EXISTS nope',
	'DROP EXTENSION ri_audit', 'DROP EXTENSION plpgsql', 'DROP EXTENSION IF EXISTS nope',
	'DROP TRIGGER t1 ON fz.orders', 'DROP TRIGGER IF EXISTS t9 ON fz.orders',
	'DROP POLICY pol1 ON fz.orders', 'DROP RULE r1 ON fz.v_orders',
	'DROP COLLATION fz.coll1', 'DROP CONVERSION fz.conv1',
	'DROP STATISTICS fz.st1', 'DROP TEXT SEARCH CONFIGURATION fz.tsc',
	'DROP TEXT SEARCH DICTIONARY fz.tsd', 'DROP TEXT SEARCH PARSER default',
	'DROP TEXT SEARCH TEMPLATE simple', 'DROP CAST (fz.pair AS text)',
	'DROP CAST IF EXISTS (int AS fz.pair)', 'DROP TRANSFORM FOR int LANGUAGE sql',
	'DROP LANGUAGE plpgsql', 'DROP PROCEDURAL LANGUAGE plpgsql',
	'DROP SERVER srv1', 'DROP FOREIGN DATA WRAPPER fdw1 CASCADE',
	'DROP USER MAPPING FOR PUBLIC SERVER srv1', 'DROP USER MAPPING IF EXISTS FOR CURRENT_USER SERVER srv1',
	'DROP PUBLICATION pub1', 'DROP ACCESS METHOD am1', 'DROP ACCESS METHOD heap',
	'DROP EVENT TRIGGER et1', 'DROP TABLE pg_catalog.pg_class', 'DROP TYPE int4',
	'DROP FUNCTION pg_catalog.now()', 'DROP SCHEMA pg_catalog',
	'DROP DATABASE postgres', 'DROP ROLE nobody', 'DROP USER nobody',
	'DROP GROUP nobody', 'DROP TABLESPACE pg_default', 'DROP OWNED BY CURRENT_USER',
	'DROP SUBSCRIPTION sub1', 'DROP TABLE fz.orders, fz.customers, fz.lines',
	'drop table fz.orders; -- comment', '/* c */ DROP TABLE fz.orders;',
	'DROP TABLE fz.orders;;', 'DROP TABLE fz.orders; DROP TABLE fz.lines',
);
my @alter_statements = (
	'ALTER TABLE fz.orders DROP COLUMN amount',
	'ALTER TABLE fz.orders DROP COLUMN IF EXISTS nope, DROP COLUMN note',
	'ALTER TABLE fz.customers DROP CONSTRAINT customers_pkey',
	'ALTER TABLE fz.orders DROP CONSTRAINT orders_customer_id_fkey CASCADE',
	'ALTER TABLE fz.lines DROP CONSTRAINT lines_order_fk',
	'ALTER TABLE ONLY fz.inh_parent DROP COLUMN b',
	'ALTER TABLE fz.inh_parent DROP CONSTRAINT inh_parent_b_check',
	'ALTER TABLE fz.parted DROP COLUMN v', 'ALTER TABLE fz.parted DROP COLUMN k',
	'ALTER TABLE fz.parted_1 DROP COLUMN v', 'ALTER TABLE fz.orders DROP COLUMN ctid',
	'ALTER TABLE IF EXISTS fz.nope DROP COLUMN a',
	'ALTER TABLE fz.orders ADD COLUMN z int', 'ALTER TABLE fz.parted DETACH PARTITION fz.parted_1',
	'ALTER TABLE fz.orders ALTER COLUMN amount TYPE int', 'ALTER TABLE fz.orders RENAME TO o2',
	'ALTER TABLE fz.orders DROP COLUMN amount, ADD COLUMN y int',
	'ALTER FOREIGN TABLE fz.ft DROP COLUMN a', 'ALTER VIEW fz.v_orders RENAME TO v2',
	'ALTER INDEX fz.orders_amount_idx RENAME TO i2',
	'ALTER TABLE fz.orders VALIDATE CONSTRAINT orders_customer_id_fkey',
	'ALTER DOMAIN fz.posint DROP CONSTRAINT posint_check',
	'ALTER TYPE fz.pair DROP ATTRIBUTE b',
);
my @other_statements = (
	'SELECT 1', 'SELECT * FROM fz.orders', 'INSERT INTO fz.orders VALUES (1)',
	'UPDATE fz.orders SET amount = 0', 'DELETE FROM fz.orders', 'TRUNCATE fz.orders',
	'MERGE INTO fz.orders o USING fz.customers c ON o.id = c.id WHEN MATCHED THEN DELETE',
	'CREATE TABLE x (a int)', 'CREATE INDEX ON fz.orders (note)', 'CREATE VIEW v AS SELECT 1',
	'CREATE FUNCTION g() RETURNS int LANGUAGE sql RETURN 1', 'CREATE SCHEMA s',
	'CREATE EXTENSION hstore', 'COMMENT ON TABLE fz.orders IS $$x$$',
	'GRANT SELECT ON fz.orders TO PUBLIC', 'REVOKE ALL ON fz.orders FROM PUBLIC',
	'VACUUM fz.orders', 'ANALYZE fz.orders', 'CLUSTER fz.orders', 'REINDEX TABLE fz.orders',
	'BEGIN', 'COMMIT', 'ROLLBACK', 'SAVEPOINT a', 'SET search_path = x', 'RESET ALL',
	'SHOW ALL', 'EXPLAIN SELECT 1', 'EXPLAIN ANALYZE DROP TABLE fz.orders',
	'COPY fz.orders TO STDOUT', 'LOCK TABLE fz.orders', 'LISTEN x', 'NOTIFY x',
	'PREPARE p AS SELECT 1', 'EXECUTE p', 'DEALLOCATE ALL', 'DO $$BEGIN END$$',
	'CALL fz.p1(1)', 'CHECKPOINT', 'DISCARD ALL', 'REFRESH MATERIALIZED VIEW fz.mv',
	'ALTER SYSTEM SET work_mem = 1', 'CREATE DATABASE x', 'CREATE ROLE x',
	'SECURITY LABEL ON TABLE fz.orders IS $$x$$', 'IMPORT FOREIGN SCHEMA a FROM SERVER srv1 INTO fz',
	'WITH x AS (DELETE FROM fz.orders RETURNING *) SELECT * FROM x',
	'CREATE TRIGGER t2 AFTER INSERT ON fz.orders EXECUTE FUNCTION fz.trg()',
	'VALUES (1), (2)', 'TABLE fz.orders', 'FETCH ALL FROM c', 'CLOSE ALL',
	'DECLARE c CURSOR FOR SELECT 1', 'REASSIGN OWNED BY CURRENT_USER TO CURRENT_USER',
	'LOAD $$ri_audit$$', 'CREATE RULE r2 AS ON INSERT TO fz.orders DO NOTHING',
	'', ' ', ';', '--', '/*', '/* unterminated', '$$', "'", '"', 'E\'\\', 'U&"\\0000"',
	'DROP', 'DROP TABLE', 'DROP TABLE ;', 'ALTER TABLE fz.orders DROP',
);
my @corpus = (@drop_statements, @alter_statements, @other_statements);

# Tokens spliced into statements.
my @tokens = (
	'DROP', 'TABLE', 'CASCADE', 'RESTRICT', 'IF', 'EXISTS', 'ONLY', '(', ')',
	',', ';', '.', '"', "'", '$$', '$a$', '*', 'fz', 'orders', 'customers',
	'"We ird.""Tab"', 'COLUMN', 'CONSTRAINT', 'ALTER', 'ON', 'USING', 'FOR',
	'SERVER', 'NONE', 'int', 'text', '[]', '::', '%TYPE', 'SETOF', 'VARIADIC',
	'OUT', 'NULL', 'pg_catalog', 'public', 'x' x 70, '1e999', '-', '/*', '*/',
	'--', "\n", "\t", 'U&"d\\0061t"', 'E\'\\x00\'', '\\', 'é', '☃', "\x{1F600}",
	'"\\"', 'LANGUAGE', 'TYPE', 'DOMAIN', 'SCHEMA', 'EXTENSION', 'OPERATOR',
	'CLASS', 'FAMILY', 'TRIGGER', 'POLICY', 'RULE', 'MAPPING', 'CURRENT_USER',
	'SESSION_USER', 'PUBLIC', 'MATERIALIZED', 'VIEW', 'INDEX', 'CONCURRENTLY',
);

srand(20261122);

sub pick { return $_[ int(rand(@_)) ]; }

# A random valid UTF-8 string (as a Perl character string) of up to $max
# characters, mixing ASCII, control characters, and multi-byte characters.
sub random_text
{
	my ($max) = @_;
	my $n = int(rand($max + 1));
	my $s = '';
	for (1 .. $n)
	{
		my $r = rand();
		my $cp;
		if ($r < 0.6) { $cp = 32 + int(rand(95)); }
		elsif ($r < 0.7) { $cp = 1 + int(rand(31)); }
		elsif ($r < 0.85) { $cp = 0x80 + int(rand(0x780)); }
		elsif ($r < 0.95) { $cp = 0x800 + int(rand(0xD000)); }
		else { $cp = 0x10000 + int(rand(0xFFFF)); }
		$s .= chr($cp);
	}
	return $s;
}

# One mutation of a corpus statement.
sub mutate
{
	my ($s) = @_;
	my $kind = int(rand(9));
	my $len = length($s);
	if ($kind == 0)			# truncate
	{
		return substr($s, 0, int(rand($len + 1)));
	}
	elsif ($kind == 1)		# splice two statements
	{
		my $t = pick(@corpus);
		return substr($s, 0, int(rand($len + 1)))
		  . substr($t, int(rand(length($t) + 1)));
	}
	elsif ($kind == 2)		# insert a token
	{
		my $p = int(rand($len + 1));
		return substr($s, 0, $p) . ' ' . pick(@tokens) . ' ' . substr($s, $p);
	}
	elsif ($kind == 3)		# delete a range
	{
		my $p = int(rand($len + 1));
		my $l = int(rand(8));
		substr($s, $p, $l) = '' if $p < $len;
		return $s;
	}
	elsif ($kind == 4)		# replace a character
	{
		return $s if $len == 0;
		my $p = int(rand($len));
		substr($s, $p, 1) = random_text(2);
		return $s;
	}
	elsif ($kind == 5)		# duplicate a range
	{
		my $p = int(rand($len + 1));
		my $l = int(rand(20));
		return substr($s, 0, $p + $l) . substr($s, $p);
	}
	elsif ($kind == 6)		# random text inserted
	{
		my $p = int(rand($len + 1));
		return substr($s, 0, $p) . random_text(12) . substr($s, $p);
	}
	elsif ($kind == 7)		# change case, whitespace
	{
		$s = rand() < 0.5 ? lc($s) : uc($s);
		$s =~ s/ /pick(' ', "\n", "\t", '  ', '\/**\/', "--x\n")/ge;
		return $s;
	}
	else					# several tokens in a row
	{
		return join(' ', map { pick(@tokens) } 1 .. int(rand(12)));
	}
}

# Escape a string for COPY text format.
sub copy_escape
{
	my ($s) = @_;
	$s =~ s/\\/\\\\/g;
	$s =~ s/\n/\\n/g;
	$s =~ s/\r/\\r/g;
	$s =~ s/\t/\\t/g;
	return $s;
}

# Load [category, input] pairs into fuzz_input of $db.  Text inputs are
# character strings written as UTF-8; bytea inputs (SQL_ASCII database) are
# byte strings written as hex.
my $batch_no = 0;
sub load_inputs
{
	my ($db, $rows, $as_bytea) = @_;
	my $file = "$PostgreSQL::Test::Utils::tmp_check/fuzz_$batch_no.copy";
	$batch_no++;
	open(my $fh, '>:raw', $file) or die "could not open $file: $!";
	my $id = 0;
	for my $r (@$rows)
	{
		my ($cat, $in) = @$r;
		my $val;
		if (!defined $in) { $val = '\N'; }
		elsif ($as_bytea) { $val = '\\\\x' . unpack('H*', $in); }
		else
		{
			my $bytes = $in;
			utf8::encode($bytes);
			$val = copy_escape($bytes);
		}
		print $fh join("\t", $id++, $cat, $val), "\n";
	}
	close($fh);
	$node->safe_psql($db, "TRUNCATE public.fuzz_input;\n"
		  . "\\copy public.fuzz_input FROM '$file'");
	unlink($file);
}

# Run $call (an SQL expression over the variable "inp", the input) once per
# row of fuzz_input inside an exception block; count SQLSTATEs per category;
# keep inputs that raised a state outside $ok_classes.  $decode turns the
# column into the argument.
sub run_batch
{
	my ($db, $call, $decode) = @_;
	$decode //= 'r.input';
	$node->safe_psql($db, qq{
SET client_min_messages = warning;
DO \$fuzz\$
DECLARE
	r record;
	st text;
	msg text;
	n bigint;
BEGIN
	CREATE TEMP TABLE counts (category text, sqlstate text, n bigint);
	FOR r IN SELECT * FROM public.fuzz_input ORDER BY id LOOP
		BEGIN
			$call;
			st := '00000';
		EXCEPTION WHEN OTHERS THEN
			GET STACKED DIAGNOSTICS st = RETURNED_SQLSTATE, msg = MESSAGE_TEXT;
			IF st LIKE 'XX%' OR st NOT SIMILAR TO '(0A|22|23|2B|3D|3F|42|54|55)%' THEN
				INSERT INTO public.fuzz_bad VALUES (r.category, st, msg,
					left(r.input::text, 2000));
			END IF;
		END;
		UPDATE counts SET n = counts.n + 1
		 WHERE category = r.category AND sqlstate = st;
		IF NOT FOUND THEN
			INSERT INTO counts VALUES (r.category, st, 1);
		END IF;
	END LOOP;
	INSERT INTO public.fuzz_result SELECT * FROM counts;
	DROP TABLE counts;
END
\$fuzz\$;});
}

# ----------------------------------------------------------------------
# drop_preview() and assert_drop_safe() in the UTF8 database
# ----------------------------------------------------------------------
my $total_text_inputs = 0;
my @special;

# Huge identifiers, deep nesting, many objects, long inputs: a few each.
push @special, [ 'huge', 'DROP TABLE ' . ('a' x 100_000) ];
push @special, [ 'huge', 'DROP TABLE "' . ('é' x 50_000) . '"' ];
push @special, [ 'huge', 'DROP TABLE fz.' . ('x' x 63) . ', fz.' . ('y' x 64) ];
push @special, [ 'huge', 'ALTER TABLE fz.orders DROP COLUMN ' . ('c' x 10_000) ];
push @special, [ 'huge', 'DROP FUNCTION fz.f1(' . join(',', ('int') x 200) . ')' ];
push @special, [ 'huge', 'DROP TABLE ' . join('.', ('a') x 1000) ];
push @special, [ 'huge', 'DROP TABLE IF EXISTS '
	  . join(', ', map { "fz.t$_" } 1 .. 5000) ];
push @special, [ 'huge', 'DROP TABLE IF EXISTS '
	  . join(', ', ('fz.orders') x 2000) ];
push @special, [ 'huge', 'DROP VIEW IF EXISTS '
	  . join(', ', map { "\"v$_\"" } 1 .. 3000) . ' CASCADE' ];
push @special, [ 'huge', 'ALTER TABLE fz.orders '
	  . join(', ', map { "DROP COLUMN IF EXISTS c$_" } 1 .. 1600) ];
push @special, [ 'huge', 'ALTER TABLE fz.orders '
	  . join(', ', ('DROP COLUMN amount') x 50) ];
push @special, [ 'huge', 'DROP TABLE fz.orders' . (' ' x 500_000) ];
push @special, [ 'huge', '/*' x 10_000 . 'x' . '*/' x 10_000 ];
push @special, [ 'huge', ("--\n" x 50_000) . 'DROP TABLE fz.orders' ];
for my $depth (10, 100, 1000, 10_000, 100_000)
{
	push @special, [ 'nesting', 'SELECT ' . ('(' x $depth) . '1' . (')' x $depth) ];
	push @special, [ 'nesting', 'DROP TABLE ' . ('(' x $depth) . 'fz.orders' . (')' x $depth) ];
	push @special, [ 'nesting', 'SELECT ' . ('ARRAY[' x $depth) . '1' . (']' x $depth) ];
	push @special, [ 'nesting', 'DROP FUNCTION fz.f1(' . ('int[]' x 1) . ('[]' x $depth) . ')' ];
	push @special, [ 'nesting', 'DROP FUNCTION fz.f1(' . ('SETOF ' x $depth) . 'int)' ];
	push @special, [ 'nesting', ('SELECT * FROM (' x ($depth / 10 + 1)) . 'SELECT 1'
		  . (') s' x ($depth / 10 + 1)) ];
}

my $preview_batches = 10;
my $per_batch = 10_000;
for my $b (1 .. $preview_batches)
{
	my @rows;
	@rows = @special if $b == 1;
	# Every corpus statement unchanged, in each batch.
	push @rows, map { [ 'corpus', $_ ] } @corpus;
	while (@rows < $per_batch)
	{
		my $r = rand();
		if ($r < 0.10)
		{
			push @rows, [ 'random', random_text(80) ];
		}
		elsif ($r < 0.85)
		{
			my $s = pick(@corpus);
			$s = mutate($s) for 1 .. 1 + int(rand(3));
			push @rows, [ 'mutated', $s ];
		}
		else
		{
			push @rows, [ 'tokens', mutate('') ];
		}
	}
	load_inputs('postgres', \@rows, 0);
	$total_text_inputs += @rows;
	# Odd batches preview; even ones assert.  Both run the same parser and walk.
	if ($b % 2)
	{
		run_batch('postgres',
			"PERFORM count(*) FROM ri_audit.drop_preview(r.input)");
	}
	else
	{
		run_batch('postgres', "PERFORM ri_audit.drop_preview(r.input) LIMIT 1; "
			  . "PERFORM ri_audit.assert_drop_safe(r.input)");
	}
}
# NULL input: drop_preview (STRICT) returns nothing; assert_drop_safe, an
# assertion, raises instead of passing unchecked.
$node->safe_psql('postgres', 'SELECT count(*) FROM ri_audit.drop_preview(NULL)');
{
	my ($ret, $out, $err) =
	  $node->psql('postgres', 'SELECT ri_audit.assert_drop_safe(NULL)');
	like($err, qr/ddl cannot be null/, 'assert_drop_safe(NULL) raises');
}

is($node->safe_psql('postgres', $catalog_fingerprint),
	$fingerprint_before, 'no previewed statement was executed: the catalogs are unchanged');

cmp_ok($total_text_inputs, '>=', 100_000,
	"at least 100,000 statements given to drop_preview/assert_drop_safe ($total_text_inputs)");

# ----------------------------------------------------------------------
# Raw bytes in the SQL_ASCII database
# ----------------------------------------------------------------------
{
	my @rows;
	my @ascii_corpus = ('DROP TABLE t1', 'DROP TABLE t1 CASCADE',
		'ALTER TABLE t2 DROP CONSTRAINT t2_id_fkey', 'DROP SCHEMA public',
		'SELECT 1', 'DROP TABLE "t1"');
	while (@rows < 10_000)
	{
		my $s;
		if (rand() < 0.5)
		{
			$s = join('', map { chr(1 + int(rand(255))) } 1 .. int(rand(60)));
		}
		else
		{
			$s = pick(@ascii_corpus);
			my $p = int(rand(length($s) + 1));
			substr($s, $p, int(rand(3))) =
			  join('', map { chr(128 + int(rand(128))) } 1 .. 1 + int(rand(6)));
		}
		push @rows, [ 'rawbytes', $s ];
	}
	load_inputs('fuzz_ascii', \@rows, 1);
	run_batch('fuzz_ascii',
		"PERFORM count(*) FROM ri_audit.drop_preview("
		  . "pg_catalog.convert_from(r.input, 'SQL_ASCII'))");
}

# ----------------------------------------------------------------------
# The functions taking oids and names
# ----------------------------------------------------------------------
# Objects of every kind, some dropped.
$node->safe_psql('postgres', q{
	SET search_path = fz, public;
	CREATE TABLE gone_parent (id int PRIMARY KEY);
	CREATE TABLE gone_child (id int REFERENCES gone_parent);
	CREATE TABLE public.fuzz_oids (kind text, o oid);
	INSERT INTO public.fuzz_oids
	SELECT 'dropped_fk', oid FROM pg_constraint WHERE conname = 'gone_child_id_fkey'
	UNION ALL SELECT 'dropped_table', 'gone_child'::regclass::oid;
	DROP TABLE gone_child, gone_parent;
	INSERT INTO public.fuzz_oids
	SELECT 'fk', oid FROM pg_constraint WHERE contype = 'f'
	UNION ALL
	SELECT 'non_fk_constraint', oid FROM pg_constraint WHERE contype <> 'f'
	UNION ALL
	SELECT 'relation', oid FROM pg_class
	 WHERE relnamespace IN ('fz'::regnamespace, 'pg_catalog'::regnamespace)
	UNION ALL
	SELECT 'other_object', oid FROM pg_proc WHERE pronamespace = 'fz'::regnamespace
	UNION ALL
	SELECT 'other_object', oid FROM pg_type WHERE typnamespace = 'fz'::regnamespace
	UNION ALL
	SELECT 'special', o::oid FROM unnest(ARRAY[0, 1, 4294967295, 2147483647,
		2147483648, 16384, 12000]::bigint[]) AS o;
});

# Random oids, loaded as text and cast in the call.  Negative values: oid
# input accepts them and wraps; so do regclass and regclass[].
{
	my @rows;
	for (1 .. 3000)
	{
		my $r = rand();
		my $v;
		if ($r < 0.3) { $v = int(rand(4294967296)); }
		elsif ($r < 0.6) { $v = int(rand(40000)); }
		elsif ($r < 0.8) { $v = -int(rand(2147483648)); }
		else { $v = int(rand(20000)) + 12000; }
		push @rows, [ 'random_oid', $v ];
	}
	push @rows, [ 'null', undef ] for 1 .. 5;
	load_inputs('postgres', \@rows, 0);
	$node->safe_psql('postgres', q{
		INSERT INTO public.fuzz_input
		SELECT 100000 + row_number() OVER (), kind, o::text
		  FROM public.fuzz_oids;});
}

# Each call; its name prefixes the category in the results.
my @oid_calls = (
	[ 'orphans_oid', "PERFORM count(*) FROM ri_audit.orphans(r.input::oid)" ],
	[ 'orphans_oid_max', "PERFORM count(*) FROM ri_audit.orphans(r.input::oid, "
		  . "pg_catalog.abs(pg_catalog.hashtext(r.input) % 5)::bigint)" ],
	[ 'orphans_name', "PERFORM count(*) FROM ri_audit.orphans("
		  . "coalesce((SELECT conrelid FROM pg_catalog.pg_constraint WHERE oid = r.input::oid), "
		  . "r.input::oid)::regclass, "
		  . "coalesce((SELECT conname FROM pg_catalog.pg_constraint WHERE oid = r.input::oid), "
		  . "'x' || r.input))" ],
	[ 'check_fks', "PERFORM count(*) FROM ri_audit.check_foreign_keys("
		  . "ARRAY[r.input::oid::regclass], pg_catalog.abs(pg_catalog.hashtext(r.input) % 4))" ],
	[ 'validate_dry', "PERFORM count(*) FROM ri_audit.validate(r.input::oid)" ],
	[ 'validate_real', "PERFORM count(*) FROM ri_audit.validate(r.input::oid, false, '10ms')" ],
	[ 'assert_no_orphans', "PERFORM ri_audit.assert_no_orphans(ARRAY[r.input::oid::regclass])" ],
);
for my $c (@oid_calls)
{
	my ($name, $call) = @$c;
	$node->safe_psql('postgres', q{
		UPDATE public.fuzz_input SET category = split_part(category, ':', -1);
		UPDATE public.fuzz_input SET category = '} . $name . q{:' || category;});
	run_batch('postgres', $call);
}

# orphans(text, text): random and mangled names, as text.
{
	my @rows;
	my @names = ('fz.lines', 'lines_order_fk', 'fz."We ird.""Tab"', 'pg_class',
		'fz.v_orders', 'public.fuzz_input', '"fz"."lines"', 'fz.nope');
	while (@rows < 3000)
	{
		my $r = rand();
		my $s;
		if ($r < 0.4) { $s = random_text(30); }
		elsif ($r < 0.8) { $s = mutate(pick(@names)); }
		else { $s = join('.', map { pick(@names) } 1 .. 1 + int(rand(4))); }
		push @rows, [ 'text_name', $s ];
	}
	push @rows, [ 'text_name', 'x' x 10_000 ];
	push @rows, [ 'text_name', join('.', ('a') x 500) ];
	load_inputs('postgres', \@rows, 0);
	$node->safe_psql('postgres',
		q{UPDATE public.fuzz_input SET category = 'orphans_text:' || category});
	run_batch('postgres',
		"PERFORM count(*) FROM ri_audit.orphans(r.input, "
		  . "pg_catalog.reverse(r.input)); "
		  . "PERFORM count(*) FROM ri_audit.orphans('fz.lines', r.input)");
}

# Names and scalar arguments that make no sense.
$node->safe_psql('postgres', q{
	TRUNCATE public.fuzz_input;
	INSERT INTO public.fuzz_input VALUES
	(1, 'bad_args:orphans_name_null', $$PERFORM count(*) FROM ri_audit.orphans('fz.lines'::regclass, NULL)$$),
	(2, 'bad_args:orphans_name_empty', $$PERFORM count(*) FROM ri_audit.orphans('fz.lines'::regclass, '')$$),
	(3, 'bad_args:orphans_name_missing', $$PERFORM count(*) FROM ri_audit.orphans('fz.lines'::regclass, 'nope')$$),
	(4, 'bad_args:orphans_name_notfk', $$PERFORM count(*) FROM ri_audit.orphans('fz.lines'::regclass, 'lines_pkey')$$),
	(5, 'bad_args:orphans_name_huge', $$PERFORM count(*) FROM ri_audit.orphans('fz.lines'::regclass, repeat('x', 100000))$$),
	(6, 'bad_args:orphans_name_wrongtable', $$PERFORM count(*) FROM ri_audit.orphans('fz.orders'::regclass, 'lines_order_fk')$$),
	(7, 'bad_args:orphans_negative_max', $$PERFORM count(*) FROM ri_audit.orphans((SELECT oid FROM pg_constraint WHERE conname = 'lines_order_fk'), -1)$$),
	(8, 'bad_args:orphans_negative_max', $$PERFORM count(*) FROM ri_audit.orphans('fz.lines'::regclass, 'lines_order_fk', -9223372036854775808)$$),
	(9, 'bad_args:orphans_null_oid', $$PERFORM count(*) FROM ri_audit.orphans(NULL::oid)$$),
	(10, 'bad_args:orphans_null_table', $$PERFORM count(*) FROM ri_audit.orphans(NULL::regclass, 'lines_order_fk')$$),
	(11, 'bad_args:check_negative_sample', $$PERFORM count(*) FROM ri_audit.check_foreign_keys(NULL, -1)$$),
	(12, 'bad_args:check_negative_sample', $$PERFORM count(*) FROM ri_audit.check_foreign_keys(ARRAY['fz.lines'::regclass], -2147483648)$$),
	(13, 'bad_args:check_empty_array', $$PERFORM count(*) FROM ri_audit.check_foreign_keys(ARRAY[]::regclass[])$$),
	(14, 'bad_args:check_null_elements', $$PERFORM count(*) FROM ri_audit.check_foreign_keys(ARRAY[NULL, 'fz.lines']::regclass[])$$),
	(15, 'bad_args:check_2d_array', $$PERFORM count(*) FROM ri_audit.check_foreign_keys(ARRAY[['fz.lines'], ['fz.orders']]::regclass[])$$),
	(16, 'bad_args:check_huge_sample', $$PERFORM count(*) FROM ri_audit.check_foreign_keys(ARRAY['fz.lines'::regclass], 2147483647)$$),
	(17, 'bad_args:check_wrong_kind', $$PERFORM count(*) FROM ri_audit.check_foreign_keys(ARRAY['fz.v_orders', 'fz.seq1', 'fz.orders_amount_idx', 'fz.mv', 'fz.ft', 'pg_class']::regclass[])$$),
	(18, 'bad_args:validate_null_dry', $$PERFORM count(*) FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'lines_order_fk'), NULL)$$),
	(19, 'bad_args:validate_null_timeout', $$PERFORM count(*) FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'lines_order_fk'), false, NULL)$$),
	(20, 'bad_args:validate_negative_timeout', $$PERFORM count(*) FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'lines_order_fk'), false, '-1s')$$),
	(21, 'bad_args:validate_huge_timeout', $$PERFORM count(*) FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'lines_order_fk'), true, '1000 years')$$),
	(22, 'bad_args:validate_all_negative_timeout', $$PERFORM count(*) FROM ri_audit.validate_all(NULL, true, '-5 min')$$),
	(23, 'bad_args:validate_all_null', $$PERFORM count(*) FROM ri_audit.validate_all(NULL, NULL)$$),
	(24, 'bad_args:assert_empty_array', $$PERFORM ri_audit.assert_no_orphans(ARRAY[]::regclass[])$$),
	(25, 'bad_args:assert_null_elements', $$PERFORM ri_audit.assert_no_orphans(ARRAY[NULL]::regclass[])$$),
	(26, 'bad_args:assert_wrong_kind', $$PERFORM ri_audit.assert_no_orphans(ARRAY['fz.v_orders', 'fz.seq1']::regclass[])$$),
	(27, 'bad_args:validate_interval_months', $$PERFORM count(*) FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'lines_order_fk'), true, '1 month')$$);
});
run_batch('postgres', 'EXECUTE pg_catalog.replace(r.input, $q$PERFORM$q$, $q$SELECT$q$)');

# ----------------------------------------------------------------------
# Verdicts
# ----------------------------------------------------------------------
my $bad = $node->safe_psql('postgres', q{
	SELECT count(*) FROM public.fuzz_bad});
is($bad, '0', 'UTF8 database: no internal error and no unexpected SQLSTATE class');
if ($bad ne '0')
{
	diag $node->safe_psql('postgres', q{
		SELECT category, sqlstate, message, left(input, 300)
		  FROM public.fuzz_bad ORDER BY 1, 2 LIMIT 40});
}
my $bad_ascii = $node->safe_psql('fuzz_ascii', q{
	SELECT count(*) FROM public.fuzz_bad});
is($bad_ascii, '0', 'SQL_ASCII database: no internal error and no unexpected SQLSTATE class');
if ($bad_ascii ne '0')
{
	diag $node->safe_psql('fuzz_ascii', q{
		SELECT category, sqlstate, message, left(input, 300)
		  FROM public.fuzz_bad ORDER BY 1, 2 LIMIT 40});
}

my $summary = $node->safe_psql('postgres', q{
	SELECT category || ' ' || sqlstate || ' ' || sum(n)
	  FROM public.fuzz_result GROUP BY category, sqlstate ORDER BY 1});
note "UTF8 database, category sqlstate count:\n$summary";
note "SQL_ASCII database:\n"
  . $node->safe_psql('fuzz_ascii', q{
	SELECT category || ' ' || sqlstate || ' ' || sum(n)
	  FROM public.fuzz_result GROUP BY category, sqlstate ORDER BY 1});

# Each category may get only the SQLSTATEs that fit it.
my %expected_states = (
	# Statement text: syntax (42601), not previewed (0A000), missing or
	# wrong object (42704, 42P01, 42883, 42809, 3F000 ...), too many dotted
	# names, overlong input (54000, 54001), bad escapes (22xxx), and for
	# assert_drop_safe the dependency error (2BP01); DROP DATABASE of a
	# missing database (3D000), of the current one and DROP ROLE of the
	# current user (55006).
	'corpus' => qr/^(00000|0A000|42\w\w\w|3F000|3D000|2BP01|22\w\w\w|54\w\w\w|55000|55006)$/,
	'mutated' => qr/^(00000|0A000|42\w\w\w|3F000|3D000|2BP01|22\w\w\w|54\w\w\w|55000|55006)$/,
	'tokens' => qr/^(00000|0A000|42\w\w\w|3F000|3D000|2BP01|22\w\w\w|54\w\w\w|55000|55006)$/,
	'random' => qr/^(00000|0A000|42\w\w\w|3F000|22\w\w\w|54\w\w\w)$/,
	'huge' => qr/^(00000|0A000|42\w\w\w|3F000|2BP01|54\w\w\w)$/,
	'nesting' => qr/^(0A000|42\w\w\w|54\w\w\w)$/,
	'rawbytes' => qr/^(00000|0A000|42\w\w\w|3F000|2BP01|22\w\w\w|54\w\w\w)$/,
	# oids: a real foreign key works (or reports orphans: 23503 from
	# assert_no_orphans), anything else is undefined or the wrong kind.
	'fk' => qr/^(00000|23503|55P03|42P01)$/,
	'dropped_fk' => qr/^(42704|42P01|42809)$/,
	'dropped_table' => qr/^(00000|42704|42P01|42809)$/,
	'non_fk_constraint' => qr/^(00000|42704|42809|22023|42P01)$/,
	'relation' => qr/^(00000|23503|42704|42809|42P01|22023|42501)$/,
	'other_object' => qr/^(00000|42704|42809|42P01|22023)$/,
	'special' => qr/^(00000|42704|42809|42P01|22023)$/,
	'random_oid' => qr/^(00000|23503|42704|42809|42P01|22023|42501)$/,
	'null' => qr/^(00000|22004|22023)$/,
	'text_name' => qr/^(42P01|42602|42601|3F000|0A000|42704|22\w\w\w|42809)$/,
	'orphans_name_null' => qr/^(00000|22004|22023)$/,
	'orphans_name_empty' => qr/^(42704)$/,
	'orphans_name_missing' => qr/^(42704)$/,
	'orphans_name_notfk' => qr/^(42809|22023|42704)$/,
	'orphans_name_huge' => qr/^(42704)$/,
	'orphans_name_wrongtable' => qr/^(42704)$/,
	'orphans_negative_max' => qr/^(22023)$/,
	'orphans_null_oid' => qr/^(00000|22004|22023)$/,
	'orphans_null_table' => qr/^(00000|22004|22023)$/,
	'check_negative_sample' => qr/^(22023)$/,
	'check_empty_array' => qr/^(00000)$/,
	'check_null_elements' => qr/^(00000|22004|22023)$/,
	'check_2d_array' => qr/^(00000|2202E|22023)$/,
	'check_huge_sample' => qr/^(00000)$/,
	'check_wrong_kind' => qr/^(00000|42809)$/,
	'validate_null_dry' => qr/^(00000|22004|22023)$/,
	'validate_null_timeout' => qr/^(00000|22004|22023)$/,
	'validate_negative_timeout' => qr/^(22023)$/,
	'validate_huge_timeout' => qr/^(00000|22023)$/,
	'validate_all_negative_timeout' => qr/^(22023)$/,
	'validate_all_null' => qr/^(00000|22004|22023)$/,
	'assert_empty_array' => qr/^(00000)$/,
	'assert_null_elements' => qr/^(00000|22004|22023)$/,
	'assert_wrong_kind' => qr/^(00000|42809)$/,
	'validate_interval_months' => qr/^(00000|22023)$/,
);
my @mismatch;
for my $line (split /\n/, $summary)
{
	my ($cat, $st, $n) = split / /, $line;
	my $key = $cat;
	$key =~ s/^.*://;
	my $re = $expected_states{$key};
	push @mismatch, $line unless defined $re && $st =~ $re;
}
is(join("\n", @mismatch), '', 'every input category got only its expected SQLSTATEs');

# Some real previews did succeed (the fuzzing reached the walk).
my $ok_previews = $node->safe_psql('postgres', q{
	SELECT coalesce(sum(n), 0) FROM public.fuzz_result
	 WHERE category IN ('corpus', 'mutated') AND sqlstate = '00000'});
cmp_ok($ok_previews, '>', 1000, "many inputs were valid previews ($ok_previews)");

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'),
	$start_time, 'the server never restarted');
my $log = slurp_file($node->logfile);
unlike($log, qr/terminated by signal|was terminated|PANIC:|TRAP:|server process \(PID \d+\) exited/,
	'no backend crashed');

$node->stop;
done_testing();
