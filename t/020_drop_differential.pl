# Copyright (c) 2026, ri_audit developers
#
# Differential test of ri_audit.drop_preview() and assert_drop_safe()
# against PostgreSQL itself.
#
# Generated schemas rich in dependencies (foreign keys both ways, views on
# views, SQL-standard function bodies, expression indexes, generated
# columns, defaults, domains, enums, composite types, policies, triggers,
# rules, statistics, partitioned and inherited tables, multiple inheritance
# (diamonds, a parent and its child as parents, four levels), an
# extension).  For every candidate statement:
#   1. the preview and assert_drop_safe() run first;
#   2. the statement runs for real with CASCADE in a transaction that is
#      rolled back, while a sql_drop event trigger records
#      pg_event_trigger_dropped_objects(); the "drop cascades to" notice is
#      captured;
#   3. the statement runs for real with RESTRICT, also rolled back.
# Then: the preview's rows must be exactly the dropped objects (class, OID,
# sub-ID, type, identity), in the same order when the statement makes one
# deletion call; the rows with requires_cascade must be exactly the notice's
# lines, in order (below PostgreSQL's 100-line cap); assert_drop_safe() must
# raise exactly the RESTRICT error (message, detail, hint), or return when
# the RESTRICT statement succeeds; errors of the CASCADE statement must be
# the preview's errors.  ALTER statements whose deletions PostgreSQL makes
# internal are compared with what no longer exists afterwards (below).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', "lc_messages = 'C'\nfsync = off\n");
$node->start;

# The oracle: a sql_drop event trigger that records what was dropped.
$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE SCHEMA oracle;
	CREATE TABLE oracle.dropped (n int, classid oid, objid oid,
		objsubid int, object_type text, object_identity text);
	CREATE FUNCTION oracle.capture() RETURNS event_trigger
	LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO oracle.dropped
		SELECT o.n, o.classid, o.objid, o.objsubid, o.object_type,
			   o.object_identity
		  FROM pg_event_trigger_dropped_objects() WITH ORDINALITY
			   AS o(classid, objid, objsubid, original, normal,
					is_temporary, object_type, schema_name, object_name,
					object_identity, address_names, address_args, n);
	END $$;
	CREATE EVENT TRIGGER capture ON sql_drop
		EXECUTE FUNCTION oracle.capture();

	-- The preview as text rows, or its error.
	CREATE FUNCTION oracle.preview(ddl text) RETURNS SETOF text
	LANGUAGE plpgsql AS $$
	DECLARE
		r record;
	BEGIN
		FOR r IN SELECT * FROM ri_audit.drop_preview(ddl) ORDER BY 1 LOOP
			RETURN NEXT concat_ws('|', 'ROW', r.classid::regclass, r.objid,
				r.objsubid, r.object_type, r.object_identity,
				r.requires_cascade, r.description);
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		RETURN NEXT 'ERR|' || SQLERRM;
	END $$;

	-- assert_drop_safe's error, printed as psql prints errors.
	CREATE FUNCTION oracle.assert_text(ddl text) RETURNS text
	LANGUAGE plpgsql AS $$
	DECLARE
		d text;
		h text;
	BEGIN
		PERFORM ri_audit.assert_drop_safe(ddl);
		RETURN 'OK';
	EXCEPTION WHEN OTHERS THEN
		GET STACKED DIAGNOSTICS d = PG_EXCEPTION_DETAIL,
								h = PG_EXCEPTION_HINT;
		RETURN 'ERROR:  ' || SQLERRM
			|| CASE WHEN d <> '' THEN E'\nDETAIL:  ' || d ELSE '' END
			|| CASE WHEN h <> '' THEN E'\nHINT:  ' || h ELSE '' END;
	END $$;
});

# World generator: a deterministic pseudo-random schema per seed.
sub world_sql
{
	my ($w, $seed) = @_;
	srand($seed);
	my $s  = "w${w}a";
	my $s2 = "w${w}b";
	my $ntab = 5 + int(rand(3));
	my @sql;

	push @sql, "CREATE SCHEMA $s; CREATE SCHEMA $s2;";
	push @sql, "CREATE TYPE $s.mood AS ENUM ('ok', 'sad');";
	push @sql, "CREATE TYPE $s2.pair AS (x int, y int);";
	push @sql, "CREATE DOMAIN $s.posint AS int CHECK (VALUE > 0);";
	push @sql, "CREATE DOMAIN $s2.smallpos AS $s.posint CHECK (VALUE < 1000);";
	push @sql, "CREATE FUNCTION $s.f1(int) RETURNS int LANGUAGE sql "
	  . "IMMUTABLE RETURN \$1 + 1;";
	push @sql, "CREATE FUNCTION $s2.f2(int) RETURNS int LANGUAGE sql "
	  . "IMMUTABLE BEGIN ATOMIC SELECT $s.f1($s.f1(\$1)); END;";
	push @sql, "CREATE FUNCTION $s.trg() RETURNS trigger LANGUAGE plpgsql "
	  . "AS \$\$ BEGIN RETURN NEW; END \$\$;";
	push @sql, "CREATE SEQUENCE $s.shared_seq;";

	for my $i (1 .. $ntab)
	{
		my $sch = ($i % 3 == 0) ? $s2 : $s;
		my @cols = ("id int PRIMARY KEY",
			"code int UNIQUE",
			"v int DEFAULT $s.f1(0)");
		if ($i > 1 && rand() < 0.8)
		{
			my $k = 1 + int(rand($i - 1));
			push @cols, "ref int REFERENCES " . ($k % 3 == 0 ? $s2 : $s)
			  . ".t$k ON DELETE CASCADE";
		}
		push @cols, "m $s.mood" if rand() < 0.5;
		push @cols, "p $s2.pair" if rand() < 0.3;
		push @cols, "d $s2.smallpos" if rand() < 0.4;
		push @cols, "g int GENERATED ALWAYS AS (v * 2) STORED"
		  if rand() < 0.5;
		push @cols, "n bigint DEFAULT nextval('$s.shared_seq')"
		  if rand() < 0.3;
		push @cols, "s serial" if rand() < 0.3;
		push @cols, "ident int GENERATED BY DEFAULT AS IDENTITY"
		  if rand() < 0.3;
		push @cols, "c text CHECK ($s2.f2(length(c)) < 100)" if rand() < 0.5;
		push @cols, "e public.citext" if rand() < 0.3;
		# names: t1..tN, whatever the schema, so refs above resolve
		my $t = "$sch.t$i";
		push @sql, "CREATE TABLE $t (" . join(', ', @cols) . ");";
		push @sql, "CREATE INDEX ON $t ($s.f1(v));" if rand() < 0.5;
		push @sql, "CREATE INDEX ON $t (code) WHERE v > 0;" if rand() < 0.3;
		push @sql, "CREATE STATISTICS $sch.st$i ON id, v FROM $t;"
		  if rand() < 0.3;
		push @sql, "CREATE TRIGGER tg$i BEFORE UPDATE OF v ON $t "
		  . "FOR EACH ROW EXECUTE FUNCTION $s.trg();"
		  if rand() < 0.4;
		if (rand() < 0.3)
		{
			push @sql, "ALTER TABLE $t ENABLE ROW LEVEL SECURITY;";
			push @sql, "CREATE POLICY pol$i ON $t USING (v > 0);";
		}
		push @sql, "CREATE RULE r$i AS ON DELETE TO $t WHERE id < 0 "
		  . "DO INSTEAD NOTHING;"
		  if rand() < 0.3;
		push @sql, "CREATE VIEW $sch.v$i AS SELECT id, v FROM $t;"
		  if rand() < 0.6;
	}

	# Foreign keys "backwards": an earlier table references a later one.
	push @sql, "ALTER TABLE $s.t1 ADD COLUMN back int "
	  . "REFERENCES $s.t2 (code);";
	push @sql, "ALTER TABLE $s.t2 ADD COLUMN self int REFERENCES $s.t2;";

	# Views on views, across schemas, and a materialized view.
	push @sql, "CREATE VIEW $s2.vv AS SELECT a.id, b.v FROM $s.t1 a "
	  . "JOIN $s.t2 b ON a.id = b.id;";
	push @sql, "CREATE VIEW $s.vvv AS SELECT id, $s2.f2(v) FROM $s2.vv;";
	push @sql, "CREATE MATERIALIZED VIEW $s.mv AS SELECT id, v FROM $s.t2;";
	push @sql, "CREATE INDEX ON $s.mv (v);";
	push @sql, "CREATE FUNCTION $s2.rowfn($s.t1) RETURNS int LANGUAGE sql "
	  . "RETURN (\$1).id;";

	# Partitioned tables, referenced and referencing.
	push @sql, "CREATE TABLE $s.pk (id int PRIMARY KEY, m $s.mood) "
	  . "PARTITION BY RANGE (id);";
	push @sql, "CREATE TABLE $s.pk1 PARTITION OF $s.pk "
	  . "FOR VALUES FROM (0) TO (100);";
	push @sql, "CREATE TABLE $s.pk2 PARTITION OF $s.pk "
	  . "FOR VALUES FROM (100) TO (200) PARTITION BY RANGE (id);";
	push @sql, "CREATE TABLE $s.pk21 PARTITION OF $s.pk2 "
	  . "FOR VALUES FROM (100) TO (150);";
	push @sql, "CREATE INDEX ON $s.pk (m);";
	push @sql, "CREATE TABLE $s2.pfk (id int, ref int REFERENCES $s.pk, "
	  . "up int REFERENCES $s.t1, CHECK (id > -1)) PARTITION BY LIST (id);";
	push @sql, "CREATE TABLE $s2.pfk1 PARTITION OF $s2.pfk FOR VALUES IN (1);";
	push @sql, "CREATE TABLE $s2.pfk2 PARTITION OF $s2.pfk FOR VALUES IN (2);";
	push @sql, "CREATE TRIGGER ptg AFTER INSERT ON $s2.pfk "
	  . "FOR EACH ROW EXECUTE FUNCTION $s.trg();";
	push @sql, "CREATE TABLE $s.bykey (m $s.mood, x int) PARTITION BY LIST (m);";
	push @sql, "CREATE TABLE $s.bykey_ok PARTITION OF $s.bykey "
	  . "FOR VALUES IN ('ok');";

	# Legacy inheritance with CHECK constraints.
	push @sql, "CREATE TABLE $s.ip (a int CONSTRAINT a_pos CHECK (a > 0), "
	  . "b int, c int);";
	push @sql, "CREATE TABLE $s.ic1 () INHERITS ($s.ip);";
	push @sql, "CREATE TABLE $s.ic2 (b int, CONSTRAINT a_pos CHECK (a > 0)) "
	  . "INHERITS ($s.ip);";
	push @sql, "CREATE TABLE $s.ip2 (c int, z int);";
	push @sql, "CREATE TABLE $s.igc (CHECK (z > 0)) INHERITS ($s.ic1, $s.ip2);";
	push @sql, "CREATE VIEW $s.igc_v AS SELECT a, c FROM $s.igc;";

	# Multiple inheritance, where DROP COLUMN / DROP CONSTRAINT reach a
	# child once per path and only the last path drops its column: a
	# diamond (dm inherits from dl and dr, both children of dp) with a
	# fourth level below it, a table inheriting from dp and from its child
	# dl, the same shape with the bottom table older than its second parent
	# (so the recursion meets the children in the other order), and three
	# parents, two of them unrelated, merging a column and a constraint.
	# Some paths define the column or constraint locally, by seed.
	push @sql, "CREATE TABLE $s.dp (a int CONSTRAINT a_pos CHECK (a > 0), "
	  . "b int, c int CHECK (c <> 0));";
	push @sql, "CREATE TABLE $s.dl () INHERITS ($s.dp);";
	push @sql, "CREATE TABLE $s.dr ("
	  . (rand() < 0.5 ? "b int" : "") . ") INHERITS ($s.dp);";
	push @sql, "CREATE TABLE $s.dm ("
	  . (rand() < 0.3 ? "c int" : "") . ") INHERITS ($s.dl, $s.dr);";
	push @sql, "CREATE TABLE $s.dmm () INHERITS ($s.dm);";
	push @sql, "CREATE TABLE $s.dmmm (d int) INHERITS ($s.dmm);";
	push @sql, "CREATE VIEW $s.dm_v AS SELECT a, b FROM $s.dm;";
	push @sql, "CREATE VIEW $s.dmmm_v AS SELECT a, c FROM $s.dmmm;";
	push @sql, "CREATE TABLE $s.pc ("
	  . (rand() < 0.3 ? "CONSTRAINT a_pos CHECK (a > 0)" : "")
	  . ") INHERITS ($s.dp, $s.dl);";
	push @sql, "CREATE VIEW $s.pc_v AS SELECT a FROM $s.pc;";
	push @sql, "CREATE TABLE $s.xp (a int CONSTRAINT a_pos CHECK (a > 0), "
	  . "b int);";
	push @sql, "CREATE TABLE $s.xg () INHERITS ($s.xp);";
	push @sql, "CREATE TABLE $s.x1 () INHERITS ($s.xp);";
	push @sql, "ALTER TABLE $s.xg INHERIT $s.x1;";
	push @sql, "CREATE VIEW $s.xg_v AS SELECT a, b FROM $s.xg;";
	push @sql, "CREATE TABLE $s2.mp1 (a int CONSTRAINT a_pos CHECK (a > 0), "
	  . "k int);";
	push @sql, "CREATE TABLE $s2.mp2 (a int CONSTRAINT a_pos CHECK (a > 0), "
	  . "k int);";
	push @sql, "CREATE TABLE $s2.mg ("
	  . (rand() < 0.5 ? "k int" : "")
	  . ") INHERITS ($s2.mp1, $s2.mp2, $s.dr);";
	push @sql, "CREATE VIEW $s2.mg_v AS SELECT a, k FROM $s2.mg;";
	return join("\n", @sql);
}

$node->safe_psql('postgres', 'CREATE EXTENSION citext;');
my @worlds = (1, 2, 3);
for my $w (@worlds)
{
	$node->safe_psql('postgres', world_sql($w, 1000 + $w));
}

# Other object kinds, and a table with more than 100 dependents (to see
# the notice's cap).
$node->safe_psql('postgres', q{
	CREATE SCHEMA w9a;
	CREATE FUNCTION w9a.close(int, int) RETURNS bool LANGUAGE sql
		IMMUTABLE RETURN abs($1 - $2) < 2;
	CREATE OPERATOR w9a.~~~ (leftarg = int, rightarg = int,
		function = w9a.close);
	CREATE COLLATION w9a.coll (provider = libc, locale = 'C');
	CREATE TABLE w9a.uses (a int CHECK (a OPERATOR(w9a.~~~) 1),
		s text COLLATE w9a.coll);
	CREATE OPERATOR FAMILY w9a.fam USING btree;
	CREATE OPERATOR CLASS w9a.cls FOR TYPE int USING btree FAMILY w9a.fam
		AS OPERATOR 1 <, OPERATOR 3 =, FUNCTION 1 btint4cmp(int, int);
	CREATE INDEX uses_cls ON w9a.uses (a w9a.cls);
	CREATE CONVERSION w9a.conv FOR 'LATIN1' TO 'UTF8' FROM iso8859_1_to_utf8;
	CREATE TEXT SEARCH DICTIONARY w9a.dict (template = simple);
	CREATE TEXT SEARCH CONFIGURATION w9a.cfg (copy = simple);
	ALTER TEXT SEARCH CONFIGURATION w9a.cfg ALTER MAPPING FOR word
		WITH w9a.dict;
	CREATE TEXT SEARCH TEMPLATE w9a.tmpl (lexize = dsimple_lexize);
	CREATE TEXT SEARCH DICTIONARY w9a.dict2 (template = w9a.tmpl);
	CREATE TEXT SEARCH PARSER w9a.prs (start = prsd_start,
		gettoken = prsd_nexttoken, end = prsd_end, lextypes = prsd_lextype);
	CREATE TEXT SEARCH CONFIGURATION w9a.cfg2 (parser = w9a.prs);
	ALTER TEXT SEARCH CONFIGURATION w9a.cfg2 ADD MAPPING FOR word
		WITH w9a.dict2;
	CREATE TYPE w9a.color AS ENUM ('r');
	CREATE FUNCTION w9a.int_to_color(int) RETURNS w9a.color LANGUAGE sql
		RETURN 'r'::w9a.color;
	CREATE CAST (int AS w9a.color) WITH FUNCTION w9a.int_to_color(int);
	CREATE ACCESS METHOD am9 TYPE INDEX HANDLER bthandler;
	CREATE FOREIGN DATA WRAPPER fdw9;
	CREATE SERVER srv9 FOREIGN DATA WRAPPER fdw9;
	CREATE USER MAPPING FOR PUBLIC SERVER srv9;
	CREATE FOREIGN TABLE w9a.ft (a int) SERVER srv9;
	CREATE VIEW w9a.ftv AS SELECT * FROM w9a.ft;
	SET client_min_messages = error;
	CREATE PUBLICATION pub9 FOR TABLE w9a.uses;
	RESET client_min_messages;
	CREATE AGGREGATE w9a.agg(int) (sfunc = int4pl, stype = int);
	CREATE VIEW w9a.aggv AS SELECT w9a.agg(a) FROM w9a.uses;
	CREATE PROCEDURE w9a.proc() LANGUAGE sql
		BEGIN ATOMIC SELECT w9a.close(1, 2); END;
	CREATE FUNCTION w9a.h() RETURNS language_handler
		AS 'plpgsql', 'plpgsql_call_handler' LANGUAGE c;
	CREATE LANGUAGE lang9 HANDLER w9a.h;
	CREATE TRANSFORM FOR int LANGUAGE lang9 (
		FROM SQL WITH FUNCTION varchar_support(internal),
		TO SQL WITH FUNCTION int4recv(internal));
	CREATE FUNCTION w9a.lf() RETURNS int LANGUAGE lang9
		TRANSFORM FOR TYPE int AS 'begin return 1; end';
	CREATE FUNCTION w9a.evt_row() RETURNS trigger LANGUAGE plpgsql
		AS $$ BEGIN RETURN NEW; END $$;
	CREATE FUNCTION w9a.evt() RETURNS event_trigger LANGUAGE plpgsql
		AS $$ BEGIN END $$;
	CREATE EVENT TRIGGER evt9 ON ddl_command_start
		EXECUTE FUNCTION w9a.evt();

	CREATE FUNCTION w9a.ext_dep() RETURNS int LANGUAGE sql RETURN 1;
	ALTER FUNCTION w9a.ext_dep() DEPENDS ON EXTENSION citext;
	CREATE DOMAIN w9a.dd AS int CHECK (w9a.close(VALUE, 1));
	CREATE TYPE w9a.pair AS (x int, y w9a.dd);
	CREATE TABLE w9a.typed OF w9a.pair;
	CREATE TABLE w9a.other (id int PRIMARY KEY, note text);
	CREATE SEQUENCE w9a.other_seq OWNED BY w9a.other.id;
	ALTER TABLE w9a.uses ADD COLUMN n int DEFAULT nextval('w9a.other_seq');
	CREATE POLICY pol_other ON w9a.uses
		USING (a IN (SELECT id FROM w9a.other));
	CREATE RULE log_ins AS ON INSERT TO w9a.uses
		DO ALSO INSERT INTO w9a.other VALUES (NEW.a, 'x');
	CREATE TRIGGER uses_when BEFORE UPDATE ON w9a.uses FOR EACH ROW
		WHEN (OLD.s IS DISTINCT FROM NEW.s) EXECUTE FUNCTION w9a.evt_row();

	CREATE SCHEMA wbig;
	CREATE TABLE wbig.base (id int PRIMARY KEY, v int);
	SELECT format('CREATE VIEW wbig.v%s AS SELECT id, v + %s AS v FROM wbig.base',
				  i, i)
	  FROM generate_series(1, 110) i \gexec
});

# Candidate statements, from the catalogs.  %B marks where RESTRICT or
# CASCADE goes; "multi" marks statements that make several deletion calls
# (their rows are compared as sets, the notices one by one).
my $cands = $node->safe_psql('postgres', q{
	WITH rels AS (
		SELECT c.oid, c.relkind, c.oid::regclass::text AS name
		  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname ~ '^w[0-9]+[ab]$')
	SELECT 'single|DROP ' || CASE relkind
			WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW'
			WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
			WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'INDEX' END
			|| ' ' || name || '%B'
	  FROM rels WHERE relkind IN ('r', 'p', 'v', 'm', 'S', 'i', 'I')
	UNION ALL
	SELECT 'single|ALTER TABLE ' || r.name || ' DROP COLUMN '
			|| quote_ident(a.attname) || '%B'
	  FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid
	 WHERE r.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
	UNION ALL
	SELECT CASE WHEN co.contype = 'c' THEN 'multi|' ELSE 'single|' END
			|| 'ALTER TABLE ' || r.name || ' DROP CONSTRAINT '
			|| quote_ident(co.conname) || '%B'
	  FROM rels r JOIN pg_constraint co ON co.conrelid = r.oid
	UNION ALL
	SELECT 'single|DROP TRIGGER ' || quote_ident(tgname) || ' ON '
			|| tgrelid::regclass || '%B'
	  FROM pg_trigger JOIN rels r ON r.oid = tgrelid
	UNION ALL
	SELECT 'single|DROP POLICY ' || quote_ident(polname) || ' ON '
			|| polrelid::regclass || '%B'
	  FROM pg_policy JOIN rels r ON r.oid = polrelid
	UNION ALL
	SELECT 'single|DROP RULE ' || quote_ident(rulename) || ' ON '
			|| ev_class::regclass || '%B'
	  FROM pg_rewrite JOIN rels r ON r.oid = ev_class
	UNION ALL
	SELECT 'single|DROP STATISTICS ' || s.stxnamespace::regnamespace || '.'
			|| quote_ident(stxname) || '%B'
	  FROM pg_statistic_ext s JOIN rels r ON r.oid = stxrelid
	UNION ALL
	SELECT 'single|DROP FUNCTION ' || p.oid::regprocedure || '%B'
	  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	 WHERE n.nspname ~ '^w[0-9]+[ab]$'
	UNION ALL
	SELECT 'single|DROP ' || CASE t.typtype WHEN 'd' THEN 'DOMAIN '
			ELSE 'TYPE ' END || t.oid::regtype || '%B'
	  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
	 WHERE n.nspname ~ '^w[0-9]+[ab]$' AND t.typtype IN ('e', 'd', 'c')
	UNION ALL
	SELECT 'single|DROP SCHEMA ' || nspname || '%B'
	  FROM pg_namespace WHERE nspname ~ '^w[0-9]+[ab]$'
	UNION ALL
	SELECT 'single|DROP EXTENSION citext%B'
	UNION ALL
	SELECT 'single|DROP TYPE public.citext%B'
	UNION ALL
	SELECT 'single|DROP TABLE w1a.t1, w1a.t2, w1b.pfk%B'
	UNION ALL
	SELECT 'single|DROP SCHEMA w2a, w2b%B'
	UNION ALL
	SELECT 'single|DROP FUNCTION w3a.f1(int), w3b.f2(int)%B'
	UNION ALL
	SELECT 'single|DROP TABLE w1a.t1, w1a.t1%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE w1a.ip DROP COLUMN a%B, DROP COLUMN c%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE w2a.t1 DROP CONSTRAINT t1_pkey%B, DROP COLUMN v%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE w2a.t2 DROP COLUMN code%B, DROP CONSTRAINT t2_pkey%B'
	UNION ALL
	SELECT 'single|ALTER TABLE ONLY w1a.ip DROP COLUMN b%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE ONLY w1a.ip DROP CONSTRAINT a_pos%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE w1a.dp DROP CONSTRAINT a_pos%B, DROP COLUMN a%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE w2a.dp DROP COLUMN b%B, DROP COLUMN a%B, DROP COLUMN c%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE w3a.dp DROP COLUMN a%B, DROP CONSTRAINT IF EXISTS a_pos%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE w1b.mp1 DROP CONSTRAINT a_pos%B, DROP COLUMN a%B'
	UNION ALL
	SELECT 'single|ALTER TABLE ONLY w2a.dp DROP COLUMN a%B'
	UNION ALL
	SELECT 'multi|ALTER TABLE ONLY w3a.xp DROP CONSTRAINT a_pos%B'
	UNION ALL
	SELECT 'single|' || x FROM unnest(ARRAY[
		'DROP OPERATOR w9a.~~~ (int, int)%B',
		'DROP OPERATOR CLASS w9a.cls USING btree%B',
		'DROP OPERATOR FAMILY w9a.fam USING btree%B',
		'DROP COLLATION w9a.coll%B',
		'DROP CONVERSION w9a.conv%B',
		'DROP TEXT SEARCH DICTIONARY w9a.dict%B',
		'DROP TEXT SEARCH CONFIGURATION w9a.cfg%B',
		'DROP TEXT SEARCH TEMPLATE w9a.tmpl%B',
		'DROP TEXT SEARCH PARSER w9a.prs%B',
		'DROP CAST (int AS w9a.color)%B',
		'DROP TYPE w9a.color%B',
		'DROP ACCESS METHOD am9%B',
		'DROP FOREIGN DATA WRAPPER fdw9%B',
		'DROP SERVER srv9%B',
		'DROP USER MAPPING FOR PUBLIC SERVER srv9',
		'DROP FOREIGN TABLE w9a.ft%B',
		'DROP PUBLICATION pub9%B',
		'DROP AGGREGATE w9a.agg(int)%B',
		'DROP PROCEDURE w9a.proc()%B',
		'DROP ROUTINE w9a.proc, w9a.lf%B',
		'DROP LANGUAGE lang9%B',
		'DROP TRANSFORM FOR int LANGUAGE lang9%B',
		'DROP FUNCTION w9a.h()%B',
		'DROP EVENT TRIGGER evt9%B',
		'DROP FUNCTION w9a.evt()%B',
		'DROP TABLE w9a.uses%B',
		'DROP SCHEMA w9a%B',
		'DROP TABLE wbig.base%B',
		'DROP TABLE w9a.other%B',
		'DROP SEQUENCE w9a.other_seq%B',
		'DROP TYPE w9a.pair%B',
		'DROP DOMAIN w9a.dd%B',
		'ALTER TABLE w9a.uses DROP COLUMN s%B',
		'ALTER TABLE w9a.other DROP COLUMN id%B',
		'DROP SCHEMA public%B',
		'DROP SCHEMA wbig%B']) AS x
	ORDER BY 1
});

my @cands = split /\n/, $cands;
note scalar(@cands) . " candidate statements";

my ($n_rows, $n_notice, $n_restrict, $n_err, $n_capped) = (0, 0, 0, 0, 0);
my %kinds_seen;

for my $cand (@cands)
{
	my ($kind, $tmpl) = split /\|/, $cand, 2;
	my $plain    = $tmpl =~ s/%B//gr;
	my $cascade  = $tmpl =~ s/%B/ CASCADE/gr;
	my $restrict = $tmpl =~ s/%B/ RESTRICT/gr;
	my $script = <<"EOS";
SET client_min_messages = notice;
\\echo ==PREVIEW==
SELECT oracle.preview(\$ddl\$$plain\$ddl\$);
\\echo ==LOADED==
SET ri_audit.debug_load_depend = on;
SELECT oracle.preview(\$ddl\$$plain\$ddl\$);
RESET ri_audit.debug_load_depend;
\\echo ==ASSERT==
SELECT oracle.assert_text(\$ddl\$$plain\$ddl\$);
\\echo ==DROPPED==
\\warn ==CASCADE==
BEGIN;
TRUNCATE oracle.dropped;
$cascade;
SELECT concat_ws('|', 'DROP', classid::regclass, objid, objsubid,
	object_type, object_identity) FROM oracle.dropped ORDER BY n;
ROLLBACK;
\\warn ==RESTRICT==
BEGIN;
$restrict;
ROLLBACK;
\\warn ==END==
EOS
	my ($out, $err);
	$node->psql('postgres', $script, stdout => \$out, stderr => \$err,
		on_error_stop => 0);

	# A lost connection must fail the test, not compare two empty lists.
	unless ($out =~ /==DROPPED==/ && $err =~ /==END==/)
	{
		fail("$plain: psql ran the whole script");
		diag($err);
		next;
	}

	# stdout sections
	my ($preview_txt) = $out =~ /==PREVIEW==\n(.*?)==LOADED==\n/s;
	my ($loaded_txt)  = $out =~ /==LOADED==\n(.*?)==ASSERT==\n/s;

	# The bulk read of pg_depend (normally only on large walks) must give
	# the very same rows, in the same order.
	is($loaded_txt, $preview_txt,
		"$plain: same preview with pg_depend read in bulk");
	my ($assert_txt)  = $out =~ /==ASSERT==\n(.*?)\n==DROPPED==/s;
	my ($dropped_txt) = $out =~ /==DROPPED==\n(.*)\z/s;
	my @preview = grep { length } split /\n/, ($preview_txt // '');
	my @dropped = grep { /^DROP\|/ } split /\n/, ($dropped_txt // '');

	# stderr sections, without psql's "psql:<stdin>:N: " prefixes
	$err =~ s/^psql:[^:\n]*:\d+: //mg;
	my ($cascade_err)  = $err =~ /==CASCADE==\n(.*?)==RESTRICT==\n/s;
	my ($restrict_err) = $err =~ /==RESTRICT==\n(.*?)==END==/s;
	$cascade_err  //= '';
	$restrict_err //= '';
	$restrict_err =~ s/\n+\z//;

	my $real_error;
	if ($cascade_err =~ /^ERROR:  (.*)$/m)
	{
		$real_error = $1;
	}

	if (@preview && $preview[0] =~ /^ERR\|(.*)$/)
	{
		my $perr = $1;
		is($perr, $real_error // '(no error)',
			"$plain: the preview fails as the statement does");
		is($assert_txt, $restrict_err,
			"$plain: assert_drop_safe fails as the statement does");
		$n_err++;
		next;
	}
	if (defined $real_error)
	{
		fail("$plain: the statement fails ($real_error), the preview does not");
		next;
	}

	# 1. the rows are the dropped objects (a column whose table is dropped
	# too is reported by the event trigger, not by PostgreSQL's messages)
	my %whole;
	for my $d (@dropped)
	{
		my (undef, $cl, $oid, $sub) = split /\|/, $d;
		$whole{"$cl|$oid"} = 1 if $sub == 0;
	}
	my @want = map { my @f = split /\|/, $_, 7; join('|', @f[1 .. 5]) }
	  grep {
		my (undef, $cl, $oid, $sub) = split /\|/, $_;
		!($sub != 0 && $whole{"$cl|$oid"});
	  } @dropped;
	my @got = map { my @f = split /\|/, $_, 8; join('|', @f[1 .. 5]) }
	  grep { !/^ROW\|pg_event_trigger\|/ } @preview;
	if ($kind eq 'multi')
	{
		is_deeply([ sort @got ], [ sort @want ],
			"$plain: preview rows are the dropped objects");
	}
	else
	{
		is_deeply(\@got, \@want,
			"$plain: preview rows are the dropped objects, in order");
	}
	$n_rows++;

	# 2. requires_cascade rows are the notice's lines, in order
	my @notice;
	my $capped = 0;
	my @lines = split /\n/, $cascade_err;
	for my $i (0 .. $#lines)
	{
		my $l = $lines[$i];
		if ($l =~ /^NOTICE:  drop cascades to (\d+) other objects?$/
			&& $i < $#lines && $lines[ $i + 1 ] =~ /^DETAIL:  /)
		{
			next;
		}
		$l =~ s/^(NOTICE|DETAIL):  //;
		if ($l =~ /^and \d+ other objects? \(see server log for list\)$/)
		{
			$capped = 1;
			next;
		}
		push @notice, $1 if $l =~ /^drop cascades to (.*)$/;
	}
	my @reported = map { (split /\|/, $_, 8)[7] }
	  grep { (split /\|/, $_, 8)[6] eq 't' } @preview;
	if ($capped)
	{
		$n_capped++;
		is_deeply([ @reported[ 0 .. $#notice ] ], \@notice,
			"$plain: the first lines of the capped notice match");
	}
	else
	{
		is_deeply(\@reported, \@notice,
			"$plain: requires_cascade rows are the notice's lines");
		$n_notice++;
	}

	# 3. assert_drop_safe raises what the RESTRICT statement raises
	if ($kind eq 'multi' && $restrict_err ne '' && $assert_txt ne 'OK')
	{
		my ($a1) = split /\n/, $assert_txt;
		my ($r1) = split /\n/, $restrict_err;
		is($a1, $r1, "$plain: assert_drop_safe's message is the RESTRICT one");
	}
	elsif ($restrict_err eq '')
	{
		is($assert_txt, 'OK', "$plain: assert_drop_safe passes");
	}
	elsif (!$capped)
	{
		is($assert_txt, $restrict_err,
			"$plain: assert_drop_safe raises the RESTRICT error");
	}
	$n_restrict++;
	my ($verb) = $plain =~ /^(\w+(?: ONLY)? \w+)/;
	$kinds_seen{$verb}++;
}

note "compared rows for $n_rows statements, notices for $n_notice "
  . "($n_capped capped), assert for $n_restrict, errors for $n_err";
note "statement kinds compared: "
  . join(', ', map { "$_ ($kinds_seen{$_})" } sort keys %kinds_seen);
cmp_ok($n_rows, '>', 100, 'many statements compared');


# ALTER statements: ALTER COLUMN ... DROP DEFAULT / DROP IDENTITY / DROP
# EXPRESSION / TYPE, ALTER DOMAIN ... DROP CONSTRAINT, ALTER TYPE ... DROP
# ATTRIBUTE, and ALTER TABLE with several subcommands.  PostgreSQL makes
# some of their deletions internal (what ALTER COLUMN TYPE rebuilds, an
# identity's sequence), which event triggers never report, so the oracle is
# what no longer exists after the statement, run in a subtransaction that
# is rolled back (oracle.vs_core below: its "same" says the preview's rows
# are exactly those objects, or the preview raised PostgreSQL's error, or
# for 2BP01 assert_drop_safe() did).
$node->safe_psql('postgres', q{
-- The objects of the worlds' schemas that a statement can delete or rebuild, with
-- their descriptions (taken while they exist).
CREATE FUNCTION oracle.objs()
RETURNS TABLE (classid oid, objid oid, objsubid int)
LANGUAGE sql AS $$
  SELECT 'pg_class'::regclass::oid, c.oid, 0 FROM pg_class c
   WHERE c.relnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
  UNION ALL
  SELECT 'pg_class'::regclass::oid, a.attrelid, a.attnum::int
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
   WHERE c.relnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$' AND a.attnum > 0
     AND NOT a.attisdropped
  UNION ALL
  SELECT 'pg_attrdef'::regclass::oid, d.oid, 0
    FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
   WHERE c.relnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
  UNION ALL
  SELECT 'pg_constraint'::regclass::oid, oid, 0 FROM pg_constraint
   WHERE connamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
  UNION ALL
  SELECT 'pg_statistic_ext'::regclass::oid, oid, 0 FROM pg_statistic_ext
   WHERE stxnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
  UNION ALL
  SELECT 'pg_trigger'::regclass::oid, t.oid, 0
    FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
   WHERE c.relnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
  UNION ALL
  SELECT 'pg_rewrite'::regclass::oid, r.oid, 0
    FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
   WHERE c.relnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
  UNION ALL
  SELECT 'pg_policy'::regclass::oid, p.oid, 0
    FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
   WHERE c.relnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
  UNION ALL
  SELECT 'pg_type'::regclass::oid, oid, 0 FROM pg_type
   WHERE typnamespace ::regnamespace::text ~ '^w[0-9]+[ab]$'
$$;

-- vs_core(stmt): the statement itself, run in a subtransaction that is
-- rolled back, against the preview.  PostgreSQL's internal deletions
-- (rebuilt indexes, an identity's sequence) are not reported to event
-- triggers, so the oracle is what no longer exists afterwards (a column
-- whose relation is gone too is not counted: the preview leaves it out).
--   outcome: the descriptions of what went, or PostgreSQL's error
--   same:    the preview's rows are exactly those objects, or the preview
--            raised the same SQLSTATE and message, with a detail that
--            begins with PostgreSQL's; when PostgreSQL refuses because
--            dependents need CASCADE (2BP01), assert_drop_safe() must raise
--            that error, with every line of PostgreSQL's detail (alone, or
--            after its subcommand and ": ")
CREATE FUNCTION oracle.vs_core(stmt text)
RETURNS TABLE (outcome text, same boolean)
LANGUAGE plpgsql
SET client_min_messages = warning
AS $$
DECLARE
  before_objs text[];
  gone text[];
  gone_desc text;
  preview text[];
  p_state text; p_msg text; p_det text;
  c_state text; c_msg text; c_det text;
BEGIN
  BEGIN
    SELECT coalesce(array_agg(k ORDER BY k), '{}') INTO preview
      FROM (SELECT format('%s/%s/%s', p.classid, p.objid, p.objsubid) AS k
              FROM ri_audit.drop_preview(stmt) p) s;
  EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS p_state = RETURNED_SQLSTATE, p_msg = MESSAGE_TEXT,
                            p_det = PG_EXCEPTION_DETAIL;
  END;
  CREATE TEMP TABLE vs_before ON COMMIT DROP AS
    SELECT o.*, pg_describe_object(o.classid, o.objid, o.objsubid) AS descr
      FROM oracle.objs() o;
  BEGIN
    EXECUTE stmt;
    CREATE TEMP TABLE vs_gone ON COMMIT DROP AS
      SELECT b.* FROM vs_before b
       WHERE NOT EXISTS (SELECT FROM oracle.objs() o
                          WHERE (o.classid, o.objid, o.objsubid)
                                = (b.classid, b.objid, b.objsubid))
         AND NOT (b.objsubid > 0 AND NOT EXISTS
                  (SELECT FROM oracle.objs() o WHERE o.classid = b.classid
                      AND o.objid = b.objid AND o.objsubid = 0));
    SELECT coalesce(array_agg(format('%s/%s/%s', classid, objid, objsubid)
                              ORDER BY format('%s/%s/%s', classid, objid,
                                              objsubid)), '{}'),
           coalesce(string_agg(regexp_replace(descr, '[0-9]{4,}', 'N', 'g'),
                               '; ' ORDER BY descr), '(nothing)')
      INTO gone, gone_desc FROM vs_gone;
    DROP TABLE vs_gone;
    RAISE EXCEPTION USING ERRCODE = 'Z9999', MESSAGE = 'roll back';
  EXCEPTION WHEN OTHERS THEN
    IF SQLSTATE <> 'Z9999' THEN
      GET STACKED DIAGNOSTICS c_state = RETURNED_SQLSTATE,
                              c_msg = MESSAGE_TEXT, c_det = PG_EXCEPTION_DETAIL;
    END IF;
  END;
  DROP TABLE vs_before;
  IF c_state = '2BP01' THEN
    p_state := NULL;
    BEGIN
      PERFORM ri_audit.assert_drop_safe(stmt);
    EXCEPTION WHEN OTHERS THEN
      GET STACKED DIAGNOSTICS p_state = RETURNED_SQLSTATE,
                              p_msg = MESSAGE_TEXT, p_det = PG_EXCEPTION_DETAIL;
    END;
  END IF;
  IF c_state IS NOT NULL THEN
    outcome := format('ERROR %s: %s%s', c_state, c_msg,
                      CASE WHEN c_det <> '' THEN ' / ' || c_det ELSE '' END);
    same := p_state IS NOT DISTINCT FROM c_state AND p_msg = c_msg
            AND CASE WHEN c_state = '2BP01' THEN
                  NOT EXISTS (SELECT FROM regexp_split_to_table(c_det, E'\n') l
                               WHERE l <> '' AND NOT EXISTS
                                     (SELECT FROM regexp_split_to_table(p_det, E'\n') x
                                       WHERE x = l OR x LIKE '%: ' || l))
                ELSE coalesce(p_det, '') LIKE coalesce(c_det, '') || '%' END;
  ELSE
    outcome := gone_desc;
    same := p_state IS NULL AND preview = gone;
  END IF;
  RETURN NEXT;
END
$$;
});

$node->safe_psql('postgres', q{
	CREATE FUNCTION oracle.preview_rebuilt(ddl text) RETURNS SETOF oid
	LANGUAGE plpgsql AS $$
	BEGIN
		RETURN QUERY SELECT objid FROM ri_audit.drop_preview(ddl)
		  WHERE dependency = 'rebuilt';
	EXCEPTION WHEN OTHERS THEN
		RETURN;
	END $$;
});

# Partitions to attach, and partitions with foreign keys of their own:
# ATTACH PARTITION attaches a partition's foreign key equal to the
# parent's and drops its triggers (also in a partitioned partition);
# ADD FOREIGN KEY on the partitioned table does the same to its partitions.
for my $w (@worlds)
{
	my ($s, $s2) = ("w${w}a", "w${w}b");
	$node->safe_psql('postgres', qq{
		CREATE TABLE $s2.pfk3 (LIKE $s2.pfk INCLUDING ALL);
		ALTER TABLE $s2.pfk3 ADD FOREIGN KEY (ref) REFERENCES $s.pk,
			ADD FOREIGN KEY (up) REFERENCES $s.t1 ON DELETE CASCADE;
		CREATE TABLE $s2.pfk4 (LIKE $s2.pfk INCLUDING ALL) PARTITION BY LIST (id);
		CREATE TABLE $s2.pfk4a PARTITION OF $s2.pfk4 FOR VALUES IN (4);
		ALTER TABLE $s2.pfk4a ADD FOREIGN KEY (up) REFERENCES $s.t1;
		ALTER TABLE $s2.pfk1 ADD CONSTRAINT own_up FOREIGN KEY (up)
			REFERENCES $s.t1 ON DELETE SET NULL;
		CREATE TABLE $s.pk3 (LIKE $s.pk INCLUDING ALL);
	});
}
my $alter_cands = $node->safe_psql('postgres', q{
	WITH cols AS (
		SELECT c.oid::regclass::text AS rel, quote_ident(a.attname) AS col,
			   a.atthasdef, a.attidentity, a.attgenerated, a.atttypid,
			   a.attinhcount, c.relkind
		  FROM pg_class c
		  JOIN pg_namespace n ON n.oid = c.relnamespace
		  JOIN pg_attribute a ON a.attrelid = c.oid
		 WHERE n.nspname ~ '^w[0-9]+[ab]$' AND c.relkind IN ('r', 'p')
		   AND a.attnum > 0 AND NOT a.attisdropped)
	SELECT 'ALTER TABLE ' || rel || ' ALTER COLUMN ' || col || ' DROP DEFAULT'
	  FROM cols WHERE atthasdef AND attgenerated = ''
	UNION ALL
	SELECT 'ALTER TABLE ' || rel || ' ALTER COLUMN ' || col || ' DROP IDENTITY'
	  FROM cols WHERE attidentity <> ''
	UNION ALL
	SELECT 'ALTER TABLE ' || rel || ' ALTER COLUMN ' || col
		   || ' DROP EXPRESSION'
	  FROM cols WHERE attgenerated = 's'
	UNION ALL
	SELECT 'ALTER TABLE ' || rel || ' ALTER COLUMN ' || col
		   || ' TYPE bigint'
	  FROM cols WHERE atttypid = 'int4'::regtype
	UNION ALL
	SELECT 'ALTER TABLE ' || rel || ' ALTER COLUMN ' || col
		   || ' SET DATA TYPE varchar(200)'
	  FROM cols WHERE atttypid = 'text'::regtype
	UNION ALL
	SELECT 'ALTER DOMAIN ' || t.oid::regtype || ' DROP CONSTRAINT '
		   || quote_ident(co.conname)
	  FROM pg_constraint co JOIN pg_type t ON t.oid = co.contypid
	 WHERE t.typnamespace::regnamespace::text ~ '^w[0-9]+[ab]$'
	UNION ALL
	SELECT 'ALTER TYPE ' || t.oid::regtype || ' DROP ATTRIBUTE '
		   || quote_ident(a.attname) || ' CASCADE'
	  FROM pg_type t JOIN pg_attribute a ON a.attrelid = t.typrelid
	 WHERE t.typnamespace::regnamespace::text ~ '^w[0-9]+[ab]$'
	   AND t.typtype = 'c' AND a.attnum > 0
	   AND (SELECT relkind FROM pg_class WHERE oid = t.typrelid) = 'c'
	UNION ALL
	SELECT 'ALTER TABLE ' || i.inhparent::regclass || ' DETACH PARTITION '
		   || i.inhrelid::regclass
	  FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent
	 WHERE p.relnamespace::regnamespace::text ~ '^w[0-9]+[ab]$'
	   AND p.relkind = 'p'
	UNION ALL
	SELECT format(x, n) FROM unnest(ARRAY[
		'ALTER TABLE w%sb.pfk ATTACH PARTITION w%1$sb.pfk3 FOR VALUES IN (3)',
		'ALTER TABLE w%sb.pfk ATTACH PARTITION w%1$sb.pfk4 FOR VALUES IN (4)',
		'ALTER TABLE w%sa.pk ATTACH PARTITION w%1$sa.pk3 FOR VALUES FROM (200) TO (300)',
		'ALTER TABLE w%sb.pfk ADD FOREIGN KEY (up) REFERENCES w%1$sa.t1 ON DELETE SET NULL',
		'ALTER TABLE w%sb.pfk ADD FOREIGN KEY (ref) REFERENCES w%1$sa.pk',
		'ALTER TABLE w%sb.pfk DROP CONSTRAINT pfk_up_fkey, ADD FOREIGN KEY (up) REFERENCES w%1$sa.t1 ON DELETE SET NULL']) AS x,
		generate_series(1, 3) AS n
	UNION ALL
	SELECT x FROM unnest(ARRAY[
		'ALTER TABLE w1a.t2 ALTER COLUMN v DROP DEFAULT, ALTER COLUMN code TYPE bigint, DROP COLUMN id CASCADE',
		'ALTER TABLE w2a.t1 ALTER COLUMN code TYPE bigint, ADD COLUMN extra int, DROP CONSTRAINT t1_pkey CASCADE',
		'ALTER TABLE w3a.t2 DROP CONSTRAINT t2_code_key CASCADE, ADD CONSTRAINT t2_code_key2 UNIQUE (code), ALTER COLUMN v SET DEFAULT 7',
		'ALTER TABLE w1a.ip ALTER COLUMN b TYPE bigint, DROP COLUMN c, ALTER COLUMN a DROP DEFAULT',
		'ALTER TABLE w2a.dp ALTER COLUMN a TYPE bigint, ALTER COLUMN b TYPE bigint',
		'ALTER TABLE w9a.uses ALTER COLUMN n DROP DEFAULT, ALTER COLUMN s TYPE text',
		'ALTER TABLE w9a.other ALTER COLUMN id TYPE bigint, ALTER COLUMN note SET NOT NULL',
		'ALTER TABLE w1a.t1 ALTER COLUMN v SET DEFAULT 3',
		'ALTER TABLE w2a.t2 ALTER COLUMN v SET DEFAULT 3, ALTER COLUMN v DROP DEFAULT',
		'ALTER TABLE w1a.ip ALTER COLUMN a SET DEFAULT 1',
		'ALTER TYPE w9a.pair ALTER ATTRIBUTE x TYPE bigint CASCADE',
		'ALTER TYPE w9a.pair DROP ATTRIBUTE y CASCADE, ALTER ATTRIBUTE x TYPE bigint CASCADE']) AS x
	ORDER BY 1
});
my @alter_cands = split /\n/, $alter_cands;
note scalar(@alter_cands) . " ALTER candidate statements";
my ($n_alter_rows, $n_alter_err) = (0, 0);
for my $stmt (@alter_cands)
{
	my $res = $node->safe_psql('postgres',
		"SELECT same::text || '|' || outcome FROM oracle.vs_core(\$ddl\$$stmt\$ddl\$)");
	my ($same, $outcome) = split /\|/, $res, 2;
	$outcome //= '';
	$same //= '';

	# PostgreSQL creates the rebuilt objects again in a later pass, from
	# their definitions, which can fail for the new type (an index on
	# f1(v) when f1(bigint) does not exist); the preview does not parse
	# those definitions.
	my $rebuilt = $node->safe_psql('postgres',
		"SELECT count(*) FROM oracle.preview_rebuilt(\$ddl\$$stmt\$ddl\$)");
	# From PostgreSQL 15.20 the row-type check of ALTER COLUMN TYPE comes
	# after that pass too, so a preview that raises it cannot list the
	# rebuilt objects whose re-creation fails first.
	my $preview_err = $node->safe_psql('postgres',
		"SELECT string_agg(p, E'\\n') FROM oracle.preview(\$ddl\$$stmt\$ddl\$) p");
	local $TODO = 'errors of re-creating rebuilt objects are not foreseen'
	  if $same ne 'true' && $outcome =~ /^ERROR /
	  && ($rebuilt > 0
		|| ($preview_err =~ /uses its row type/ && $outcome !~ /uses its row type/));
	ok($same eq 'true', "$stmt: the preview is what PostgreSQL does")
	  or diag("PostgreSQL: $outcome\npreview: "
		  . $node->safe_psql('postgres',
			  "SELECT string_agg(p, E'\\n') FROM oracle.preview(\$ddl\$$stmt\$ddl\$) p"));
	$outcome =~ /^ERROR / ? $n_alter_err++ : $n_alter_rows++;
}
ok($n_alter_rows > 50 && $n_alter_err > 5,
	"ALTER statements compared: $n_alter_rows completed, $n_alter_err refused by PostgreSQL");

$node->stop;
done_testing();
