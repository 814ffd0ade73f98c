# Copyright (c) 2026, ri_audit developers
#
# Differential test of ri_audit.recreate_script() and migration_script()
# against PostgreSQL itself, through pg_dump --schema-only.
#
# A generated schema rich in dependencies (the drop differential's
# generator, one world, plus every kind the scripts recreate with owners,
# aggregates of every kind (ordered-set, hypothetical-set, named and
# VARIADIC arguments) with every kind of support function, operators with
# commutator and negator,
# grants by other grantors, comments, options and enable states) is built
# in a template database.  For every candidate statement, in a fresh copy
# of the template:
#   recreate_script: the script is computed, the statement runs with
#     CASCADE, the script runs (ON_ERROR_STOP), and pg_dump --schema-only
#     of the copy must equal the template's dump, entry by entry, except
#     for the entries of the objects the script names as not recreated
#     (and of what lives on them or refers to them: the "would fail"
#     lines).  A script with no such line must give an identical dump.
#   migration_script (ALTER COLUMN ... TYPE bigint of columns that views,
#     rules, triggers and policies use, and 2BP01 statements): the script
#     runs as one transaction; when it succeeds, the dump must equal the
#     template's with only that column's type changed; when it fails (a
#     recreated view no longer fits, or PostgreSQL refuses the statement
#     itself), the dump must equal the template's exactly (nothing half
#     done).

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf', "lc_messages = 'C'\nfsync = off\n");
$node->start;

my $s  = 'wa';
my $s2 = 'wb';

sub world_sql
{
	my ($seed) = @_;
	srand($seed);
	my $ntab = 6;
	my @sql;

	push @sql, "CREATE ROLE regress_rc_owner; CREATE ROLE regress_rc_reader;";
	push @sql, "CREATE SCHEMA $s; CREATE SCHEMA $s2;";
	push @sql, "GRANT USAGE ON SCHEMA $s, $s2 TO regress_rc_owner, regress_rc_reader;";
	push @sql, "CREATE TYPE $s.mood AS ENUM ('ok', 'sad');";
	push @sql, "CREATE DOMAIN $s.posint AS int CHECK (VALUE > 0);";
	push @sql, "ALTER DOMAIN $s.posint ADD CONSTRAINT posint_small CHECK (VALUE < 10000) NOT VALID;";
	push @sql, "CREATE FUNCTION $s.f1(int) RETURNS int LANGUAGE sql "
	  . "IMMUTABLE RETURN \$1 + 1;";
	push @sql, "COMMENT ON FUNCTION $s.f1(int) IS 'plus one';";
	push @sql, "REVOKE ALL ON FUNCTION $s.f1(int) FROM PUBLIC;";
	push @sql, "GRANT EXECUTE ON FUNCTION $s.f1(int) TO regress_rc_owner WITH GRANT OPTION;";
	push @sql, "SET ROLE regress_rc_owner; GRANT EXECUTE ON FUNCTION $s.f1(int) TO regress_rc_reader; RESET ROLE;";
	push @sql, "CREATE FUNCTION $s2.f2(int) RETURNS int LANGUAGE sql "
	  . "IMMUTABLE BEGIN ATOMIC SELECT $s.f1($s.f1(\$1)); END;";
	push @sql, "CREATE FUNCTION $s.trg() RETURNS trigger LANGUAGE plpgsql "
	  . "AS \$\$ BEGIN RETURN NEW; END \$\$;";
	push @sql, "CREATE FUNCTION $s.ok(int) RETURNS bool LANGUAGE sql "
	  . "STABLE RETURN \$1 IS NOT NULL;";
	push @sql, "CREATE PROCEDURE $s.proc() LANGUAGE sql BEGIN ATOMIC SELECT $s.f1(1); END;";
	push @sql, "CREATE SEQUENCE $s.shared_seq;";
	push @sql, "CREATE FUNCTION $s.addup(int, int) RETURNS int LANGUAGE sql "
	  . "IMMUTABLE RETURN \$1 + \$2;";
	push @sql, "CREATE FUNCTION $s.addfin(int) RETURNS bigint LANGUAGE sql "
	  . "IMMUTABLE RETURN \$1 * 10;";
	push @sql, "CREATE AGGREGATE $s.agg1(int) (sfunc = $s.addup, stype = int, "
	  . "initcond = '0', finalfunc = $s.addfin, combinefunc = $s.addup, "
	  . "parallel = safe);";
	push @sql, "CREATE AGGREGATE $s.agg2(int) (sfunc = $s.addup, stype = int, "
	  . "msfunc = $s.addup, minvfunc = $s.addup, mstype = int, "
	  . "minitcond = '0', sortop = >);";
	push @sql, "COMMENT ON AGGREGATE $s.agg1(int) IS 'sum times ten';";
	# Every other aggregate kind: ordered-set (FINALFUNC_MODIFY other than
	# its kind's default), hypothetical-set, named and VARIADIC arguments,
	# and VARIADIC "any" on both sides of ORDER BY, as rank().
	push @sql, "CREATE FUNCTION $s.push(int[], int) RETURNS int[] LANGUAGE sql "
	  . "IMMUTABLE RETURN \$1 || \$2;";
	push @sql, "CREATE FUNCTION $s.push_all(int[], VARIADIC int[]) RETURNS int[] "
	  . "LANGUAGE sql IMMUTABLE RETURN \$1 || \$2;";
	push @sql, "CREATE FUNCTION $s.pick(int[], int) RETURNS int LANGUAGE sql "
	  . "IMMUTABLE RETURN \$1[\$2];";
	push @sql, "CREATE FUNCTION $s.total(int[]) RETURNS int LANGUAGE sql "
	  . "IMMUTABLE RETURN (SELECT sum(x) FROM unnest(\$1) x);";
	push @sql, "CREATE FUNCTION $s.os_multi(internal, VARIADIC \"any\") "
	  . "RETURNS internal LANGUAGE internal AS 'ordered_set_transition_multi';";
	push @sql, "CREATE AGGREGATE $s.nth(n int ORDER BY v int) (sfunc = $s.push, "
	  . "stype = int[], initcond = '{}', finalfunc = $s.pick, "
	  . "finalfunc_modify = read_only);";
	push @sql, "CREATE AGGREGATE $s.hyp(int ORDER BY int) (sfunc = $s.push, "
	  . "stype = int[], initcond = '{}', finalfunc = $s.pick, "
	  . "finalfunc_modify = shareable, hypothetical, parallel = safe);";
	push @sql, "CREATE AGGREGATE $s.named(val int) (sfunc = $s.push, "
	  . "stype = int[], initcond = '{}', finalfunc = $s.total, "
	  . "msfunc = $s.addup, minvfunc = $s.addup, mstype = int, "
	  . "mfinalfunc = $s.f1, mfinalfunc_modify = shareable);";
	push @sql, "CREATE AGGREGATE $s.vsum(VARIADIC vals int[]) (sfunc = $s.push_all, "
	  . "stype = int[], initcond = '{}', finalfunc = $s.total);";
	push @sql, "CREATE AGGREGATE $s.mrank(VARIADIC \"any\" ORDER BY VARIADIC \"any\") "
	  . "(sfunc = $s.os_multi, stype = internal, finalfunc = rank_final, "
	  . "finalfunc_extra, hypothetical);";
	push @sql, "COMMENT ON AGGREGATE $s.nth(int ORDER BY int) IS 'n-th';";
	push @sql, "CREATE FUNCTION $s.near(int, int) RETURNS bool LANGUAGE sql "
	  . "IMMUTABLE RETURN abs(\$1 - \$2) < 2;";
	push @sql, "CREATE FUNCTION $s.far(int, int) RETURNS bool LANGUAGE sql "
	  . "IMMUTABLE RETURN abs(\$1 - \$2) >= 2;";
	push @sql, "CREATE OPERATOR $s.~~~ (leftarg = int, rightarg = int, "
	  . "function = $s.near, commutator = OPERATOR($s.~~~), "
	  . "negator = OPERATOR($s.!~~), restrict = eqsel, join = eqjoinsel);";
	push @sql, "CREATE OPERATOR $s.!~~ (leftarg = int, rightarg = int, function = $s.far);";
	push @sql, "CREATE OPERATOR $s.@@ (rightarg = int, function = abs);";
	push @sql, "COMMENT ON OPERATOR $s.~~~ (int, int) IS 'near';";
	push @sql, "REVOKE ALL ON FUNCTION $s.agg1(int) FROM PUBLIC;";
	push @sql, "GRANT EXECUTE ON FUNCTION $s.agg1(int) TO regress_rc_reader;";

	for my $i (1 .. $ntab)
	{
		my $sch = ($i % 3 == 0) ? $s2 : $s;
		my @cols = ("id int PRIMARY KEY",
			"code int UNIQUE",
			"v int DEFAULT $s.f1(0)");
		if ($i > 1)
		{
			my $k = 1 + int(rand($i - 1));
			push @cols, "ref int REFERENCES " . ($k % 3 == 0 ? $s2 : $s)
			  . ".t$k ON DELETE CASCADE";
		}
		push @cols, "m $s.mood" if rand() < 0.5;
		push @cols, "d $s.posint" if rand() < 0.4;
		push @cols, "g int GENERATED ALWAYS AS (v * 2) STORED"
		  if rand() < 0.4;
		push @cols, "n bigint DEFAULT nextval('$s.shared_seq')"
		  if rand() < 0.3;
		push @cols, "c text CHECK ($s2.f2(length(c)) < 100)" if rand() < 0.5;
		my $t = "$sch.t$i";
		push @sql, "CREATE TABLE $t (" . join(', ', @cols) . ");";
		push @sql, "GRANT SELECT ON $t TO regress_rc_owner;";
		push @sql, "CREATE INDEX ON $t ($s.f1(v));" if rand() < 0.4;
		push @sql, "CREATE INDEX t${i}_part ON $t (code) WHERE $s.ok(v);" if rand() < 0.5;
		push @sql, "CREATE STATISTICS $sch.st$i ON id, v FROM $t;"
		  if rand() < 0.4;
		push @sql, "ALTER STATISTICS $sch.st$i SET STATISTICS 300;"
		  if $sql[-1] =~ /STATISTICS $sch.st$i ON/ && rand() < 0.5;
		if (rand() < 0.6)
		{
			push @sql, "CREATE TRIGGER tg$i BEFORE UPDATE OF v ON $t "
			  . "FOR EACH ROW WHEN ($s.ok(NEW.v)) EXECUTE FUNCTION $s.trg();";
			push @sql, "ALTER TABLE $t DISABLE TRIGGER tg$i;" if rand() < 0.5;
			push @sql, "COMMENT ON TRIGGER tg$i ON $t IS 'trigger $i';";
		}
		if (rand() < 0.5)
		{
			push @sql, "ALTER TABLE $t ENABLE ROW LEVEL SECURITY;";
			push @sql, "CREATE POLICY pol$i ON $t AS RESTRICTIVE FOR SELECT "
			  . "TO regress_rc_reader USING ($s.ok(v) AND v > 0);";
		}
		if (rand() < 0.4)
		{
			push @sql, "CREATE RULE r$i AS ON DELETE TO $t WHERE old.v < 0 "
			  . "DO INSTEAD NOTHING;";
			push @sql, "ALTER TABLE $t DISABLE RULE r$i;" if rand() < 0.5;
		}
		if (rand() < 0.7)
		{
			push @sql, "CREATE VIEW $sch.v$i WITH (security_barrier) AS "
			  . "SELECT id, v, $s.f1(code) AS c1 FROM $t WHERE v > 0 "
			  . "WITH LOCAL CHECK OPTION;";
			push @sql, "ALTER VIEW $sch.v$i OWNER TO regress_rc_owner;";
			push @sql, "GRANT SELECT ON $sch.v$i TO regress_rc_reader;";
			push @sql, "GRANT UPDATE (v) ON $sch.v$i TO regress_rc_reader;";
			push @sql, "COMMENT ON VIEW $sch.v$i IS 'view $i';";
			push @sql, "COMMENT ON COLUMN $sch.v$i.v IS 'the v';";
			push @sql, "ALTER VIEW $sch.v$i ALTER COLUMN v SET DEFAULT $s.f1(7);";
		}
	}

	push @sql, "ALTER TABLE $s.t1 ADD COLUMN back int;";
	push @sql, "ALTER TABLE $s.t1 ADD CONSTRAINT t1_back_fkey FOREIGN KEY (back) "
	  . "REFERENCES $s.t2 (code) NOT VALID;";
	push @sql, "COMMENT ON CONSTRAINT t1_back_fkey ON $s.t1 IS 'backwards';";
	push @sql, "ALTER TABLE $s.t2 ADD COLUMN self int REFERENCES $s.t2 DEFERRABLE INITIALLY DEFERRED;";
	push @sql, "ALTER TABLE $s.t2 ADD CONSTRAINT t2_v_chk CHECK ($s.f1(v) > 0) NOT VALID;";
	push @sql, "ALTER TABLE $s.t4 ADD CONSTRAINT t4_excl EXCLUDE USING btree (code WITH =);";
	push @sql, "CREATE UNIQUE INDEX t4_id_v ON $s.t4 (id, v);";
	push @sql, "ALTER TABLE $s.t4 CLUSTER ON t4_id_v;";
	push @sql, "ALTER TABLE $s.t5 REPLICA IDENTITY USING INDEX t5_pkey;";
	push @sql, "COMMENT ON INDEX $s.t4_id_v IS 'clustered';";

	push @sql, "CREATE VIEW $s2.vv WITH (security_invoker) AS SELECT a.id, b.v FROM $s.t1 a "
	  . "JOIN $s.t2 b ON a.id = b.id;";
	push @sql, "CREATE VIEW $s.vvv AS SELECT id, $s2.f2(v) FROM $s2.vv;";
	push @sql, "CREATE RULE vvv_ins AS ON INSERT TO $s.vvv DO INSTEAD NOTHING;";
	push @sql, "CREATE MATERIALIZED VIEW $s.mv WITH (fillfactor = 70) AS SELECT id, v FROM $s.t2;";
	push @sql, "CREATE INDEX mv_v ON $s.mv (v);";
	push @sql, "CREATE MATERIALIZED VIEW $s.mv_empty AS SELECT id FROM $s2.vv WITH NO DATA;";
	push @sql, "CREATE FUNCTION $s2.rowfn($s.t1) RETURNS int LANGUAGE sql "
	  . "RETURN (\$1).id;";
	push @sql, "CREATE FUNCTION $s.touch() RETURNS event_trigger LANGUAGE plpgsql "
	  . "AS \$\$ BEGIN END \$\$;";
	push @sql, "CREATE EVENT TRIGGER rc_evt ON ddl_command_end WHEN TAG IN ('CREATE TABLE', 'ALTER TABLE') "
	  . "EXECUTE FUNCTION $s.touch();";
	push @sql, "ALTER EVENT TRIGGER rc_evt DISABLE;";
	push @sql, "COMMENT ON EVENT TRIGGER rc_evt IS 'evt';";
	push @sql, "CREATE TYPE $s.color AS ENUM ('r');";
	push @sql, "CREATE FUNCTION $s.int_to_color(int) RETURNS $s.color LANGUAGE sql "
	  . "IMMUTABLE RETURN 'r'::$s.color;";
	push @sql, "CREATE CAST (int AS $s.color) WITH FUNCTION $s.int_to_color(int) AS ASSIGNMENT;";
	push @sql, "COMMENT ON CAST (int AS $s.color) IS 'to color';";
	push @sql, "SET client_min_messages = error;";
	push @sql, "CREATE PUBLICATION rc_pub FOR TABLE $s.t1 (id, v) WHERE (v > 0), $s.t2;";
	push @sql, "RESET client_min_messages;";
	push @sql, "CREATE TABLE $s.pk (id int PRIMARY KEY, m $s.mood) "
	  . "PARTITION BY RANGE (id);";
	push @sql, "CREATE TABLE $s.pk1 PARTITION OF $s.pk "
	  . "FOR VALUES FROM (0) TO (100);";
	push @sql, "CREATE INDEX pk_m ON $s.pk (m);";
	push @sql, "CREATE TABLE $s2.pfk (id int, ref int REFERENCES $s.pk, "
	  . "CHECK (id > -1)) PARTITION BY LIST (id);";
	push @sql, "CREATE TABLE $s2.pfk1 PARTITION OF $s2.pfk FOR VALUES IN (1);";
	push @sql, "CREATE TRIGGER ptg AFTER INSERT ON $s2.pfk "
	  . "FOR EACH ROW EXECUTE FUNCTION $s.trg();";
	push @sql, "CREATE VIEW $s.aggv AS SELECT $s.agg1(v), $s.agg2(v) FROM $s.t2;";
	push @sql, "CREATE VIEW $s.aggv2 AS SELECT $s.nth(1) WITHIN GROUP (ORDER BY v), "
	  . "$s.hyp(1) WITHIN GROUP (ORDER BY v), $s.named(v), $s.vsum(v, id), "
	  . "$s.mrank(1, 2) WITHIN GROUP (ORDER BY v, id) FROM $s.t2;";
	push @sql, "CREATE VIEW $s.opv AS SELECT id FROM $s.t2 WHERE v OPERATOR($s.~~~) 3 "
	  . "OR OPERATOR($s.@@) v > 5;";
	push @sql, "ALTER TABLE $s2.t3 ADD CONSTRAINT t3_near CHECK (v OPERATOR($s.~~~) 1 "
	  . "OR v OPERATOR($s.!~~) 1);";
	push @sql, "CREATE TABLE $s.ip (a int CONSTRAINT a_pos CHECK (a > 0), b int);";
	push @sql, "CREATE TABLE $s.ic1 () INHERITS ($s.ip);";
	push @sql, "CREATE VIEW $s.ic1_v AS SELECT a, b FROM $s.ic1;";
	return join("\n", @sql);
}

$node->safe_psql('postgres', 'CREATE DATABASE tmpl;');
$node->safe_psql('tmpl', 'CREATE EXTENSION ri_audit;');
$node->safe_psql('tmpl', world_sql(4242));
$node->safe_psql('tmpl', "INSERT INTO $s.t2 (id, code, v) VALUES (1, 1, 1); REFRESH MATERIALIZED VIEW $s.mv;");

my $pg_dump = $node->installed_command('pg_dump');
my $port = $node->port;
my $host = $node->host;

sub dump_db
{
	my ($db) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ $pg_dump, '--schema-only', '-h', $host, '-p', $port, $db ],
		'>', \$out, '2>', \$err)
	  or die "pg_dump $db failed: $err";
	return $out;
}

# A dump as a sorted list of its entries, each "-- Name: ...; Type: ..."
# header with its statements, without the lines that name the server.
sub entries
{
	my ($dump) = @_;
	my @e;
	for my $chunk (split /\n--\n(?=-- (?:Data for )?Name: )/, $dump)
	{
		next unless $chunk =~ /^-- (?:Data for )?Name: /;
		$chunk =~ s/\n+\z//;
		$chunk =~ s/\n--\n-- PostgreSQL database dump complete.*//s;
		# session settings pg_dump writes before the next entries
		$chunk =~ s/^SET default_(?:tablespace|table_access_method) = .*\n?//mg;
		$chunk =~ s/\n+\z//;
		push @e, $chunk;
	}
	return sort @e;
}

# Is an entry one that the script may leave out?  $lost holds what the
# comment block names: [ 'relation', schema, name ] for a table or sequence
# not recreated (every entry about it, or that names it, goes with it),
# [ 'column', schema, table, column ] for a column (its table's CREATE
# TABLE changes, its default and grants go), and [ 'object', schema, name ]
# for anything else (the entries whose header names it).
sub excused
{
	my ($entry, $lost) = @_;
	my ($hname, $htype, $hschema) =
	  $entry =~ /^-- (?:Data for )?Name: ([^\n]*?); Type: ([^\n;]*); Schema: ([^\n;]*);/;
	return 0 unless defined $hname;
	for my $l (@$lost)
	{
		my ($kind, $sch, $name, $col) = @$l;
		if ($kind eq 'relation')
		{
			return 1 if $entry =~ /\Q$sch.$name\E\b/;
			return 1 if $hschema eq $sch && $hname =~ /(?:^|[ .])\Q$name\E(?:$|[ .(])/;
			# its indexes attached to a partitioned index (named after it)
			return 1 if $htype eq 'INDEX ATTACH' && $hschema eq $sch
			  && $hname =~ /^\Q$name\E_/;
		}
		elsif ($kind eq 'schema')
		{
			return 1 if $hschema eq $name;
			return 1 if $hname eq $name || $hname eq "SCHEMA $name";
		}
		elsif ($kind eq 'tableentry')
		{
			# a CHECK constraint that pg_dump writes inside CREATE TABLE
			return 1 if $hschema eq $sch && $htype eq 'TABLE' && $hname eq $name;
		}
		elsif ($kind eq 'cast')
		{
			return 1 if $hname eq "CAST ($sch)";
		}
		elsif ($kind eq 'column')
		{
			return 1 if $hschema eq $sch && $htype eq 'TABLE' && $hname eq $name;
			return 1 if $hschema eq $sch && $hname =~ /^(?:COLUMN )?\Q$name\E[ .]\Q$col\E$/;
		}
		else
		{
			return 1 if ($hschema eq $sch || $hschema eq '-')
			  && $hname =~ /(?:^|[ .])\Q$name\E(?:$|[ .(])/;
			return 1 if $hschema eq $sch && $htype eq 'OPERATOR' && $hname eq $name;
		}
	}
	return 0;
}

# What the comment block of a recreate script names, for excused().
sub lost_objects
{
	my ($script) = @_;
	my @lost;
	for my $line (split /\n/, $script)
	{
		my $what;
		if ($line =~ /^-- not recreated: (.*) \([^()]*\)$/)
		{
			$what = $1;
		}
		elsif ($line =~ /^-- would fail: (.*?) (?:refers to|lives on) /)
		{
			$what = $1;
		}
		elsif ($line =~ /^-- (?:not restored|changes): the \w+ of operator (\w+)\.(\S+?)\(/)
		{
			push @lost, [ 'object', $1, $2 ];
			next;
		}
		else
		{
			next;
		}
		if ($what =~ /^(?:(?:table|view|materialized view) column|default value for) (\w+)\.(\w+)\.(\w+)$/)
		{
			push @lost, [ 'column', $1, $2, $3 ];
		}
		elsif ($what =~ /^schema (\w+)$/)
		{
			push @lost, [ 'schema', '-', $1 ];
		}
		elsif ($what =~ /^cast \((.*)\)$/)
		{
			push @lost, [ 'cast', $1 ];
		}
		elsif ($what =~ /^(?:table|sequence|foreign table) (\w+)\.(\w+)$/)
		{
			push @lost, [ 'relation', $1, $2 ];
		}
		elsif ($what =~ / (\w+) on (\w+)\.(\w+)$/)
		{
			push @lost, [ 'object', $2, $1 ], [ 'tableentry', $2, $3 ];
		}
		elsif ($what =~ / (\w+)\.(\w+) in publication (\w+)$/)
		{
			push @lost, [ 'object', $1, "$3 $2" ];
		}
		elsif ($what =~ / (\w+)\.(\w+)(?:\(.*\))?$/)
		{
			push @lost, [ 'object', $1, $2 ];
		}
		elsif ($what =~ / (\w+)$/)
		{
			push @lost, [ 'object', '-', $1 ];
		}
	}
	return @lost;
}

my $before = dump_db('tmpl');
my @before = entries($before);
ok(scalar(@before) > 100, scalar(@before) . " entries in the template's dump");

my $cands = $node->safe_psql('tmpl', q{
	WITH rels AS (
		SELECT c.oid, c.relkind, c.oid::regclass::text AS name
		  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
		 WHERE n.nspname IN ('wa', 'wb'))
	SELECT 'DROP ' || CASE relkind
			WHEN 'r' THEN 'TABLE' WHEN 'p' THEN 'TABLE' WHEN 'v' THEN 'VIEW'
			WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE'
			WHEN 'i' THEN 'INDEX' WHEN 'I' THEN 'INDEX' END
			|| ' ' || name
	  FROM rels WHERE relkind IN ('v', 'm', 'S', 'i', 'I')
		 OR (relkind IN ('r', 'p') AND name ~ '(t1|t2|pk)$')
	UNION ALL
	SELECT 'ALTER TABLE ' || r.name || ' DROP COLUMN ' || quote_ident(a.attname)
	  FROM rels r JOIN pg_attribute a ON a.attrelid = r.oid
	 WHERE r.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
	   AND r.name ~ '(t1|t2|t3)$'
	UNION ALL
	SELECT 'ALTER TABLE ' || r.name || ' DROP CONSTRAINT ' || quote_ident(co.conname)
	  FROM rels r JOIN pg_constraint co ON co.conrelid = r.oid
	 WHERE co.conislocal
	UNION ALL
	SELECT 'DROP TRIGGER ' || quote_ident(tgname) || ' ON ' || tgrelid::regclass
	  FROM pg_trigger JOIN rels r ON r.oid = tgrelid WHERE NOT tgisinternal
	   AND tgparentid = 0
	UNION ALL
	SELECT 'DROP POLICY ' || quote_ident(polname) || ' ON ' || polrelid::regclass
	  FROM pg_policy JOIN rels r ON r.oid = polrelid
	UNION ALL
	SELECT 'DROP RULE ' || quote_ident(rulename) || ' ON ' || ev_class::regclass
	  FROM pg_rewrite JOIN rels r ON r.oid = ev_class WHERE rulename <> '_RETURN'
	UNION ALL
	SELECT 'DROP STATISTICS ' || s.stxnamespace::regnamespace || '.' || quote_ident(stxname)
	  FROM pg_statistic_ext s JOIN rels r ON r.oid = stxrelid
	UNION ALL
	SELECT 'DROP ' || CASE p.prokind WHEN 'p' THEN 'PROCEDURE '
			WHEN 'a' THEN 'AGGREGATE ' ELSE 'FUNCTION ' END
			|| p.oid::regprocedure
	  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
	 WHERE n.nspname IN ('wa', 'wb')
	UNION ALL
	SELECT 'DROP TYPE ' || t.oid::regtype
	  FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
	 WHERE n.nspname IN ('wa', 'wb') AND t.typtype IN ('e', 'd')
	UNION ALL
	SELECT x FROM unnest(ARRAY['DROP CAST (int AS wa.color)',
		'DROP OPERATOR wa.~~~ (int, int)', 'DROP OPERATOR wa.!~~ (int, int)',
		'DROP OPERATOR wa.@@ (none, int)',
		'DROP EVENT TRIGGER rc_evt', 'DROP PUBLICATION rc_pub',
		'DROP SCHEMA wb']) AS x
	ORDER BY 1
});
my @cands = split /\n/, $cands;
note scalar(@cands) . " recreate candidates";

my $dbn = 0;
my ($n_identical, $n_excused) = (0, 0);

sub fresh_db
{
	my $db = 'c' . (++$dbn);
	$node->safe_psql('postgres', "CREATE DATABASE $db TEMPLATE tmpl;");
	return $db;
}

# Compare a copy's dump with the template's, excusing entries about $lost.
sub compare
{
	my ($label, $db, $lost, $edit) = @_;
	my @after = entries(dump_db($db));
	my @want = @before;
	@want = map { $edit->($_) } @want if $edit;

	# An index of a partitioned table comes with its partitions' indexes.
	my @more;
	for my $l (@$lost)
	{
		next unless $l->[0] eq 'object';
		for my $e (@before)
		{
			push @more, [ 'object', $l->[1], $1 ]
			  if $e =~ /^ALTER INDEX \Q$l->[1].$l->[2]\E ATTACH PARTITION \w+\.(\w+);/m;
		}
	}
	$lost = [ @$lost, @more ];
	my @w = grep { !excused($_, $lost) } @want;
	my @a = grep { !excused($_, $lost) } @after;
	my %count;
	$count{$_}++ for @w;
	$count{$_}-- for @a;
	my @diff = grep { $count{$_} != 0 } sort keys %count;
	ok(!@diff, "$label: the dump is the template's"
		  . (@$lost ? " except " . scalar(@w < @want ? @want - @w : 0)
			  . " entries of what is not recreated" : ""))
	  or diag(join("\n====\n", map { "($count{$_}) $_" } @diff[0 .. ($#diff < 5 ? $#diff : 5)]));
	return !@diff;
}

for my $stmt (@cands)
{
	my $db = fresh_db();
	my ($sret, $script, $serr) = $node->psql($db,
		"SELECT ri_audit.recreate_script(\$ddl\$$stmt\$ddl\$)");
	if ($sret != 0)
	{
		# The statement itself must fail the same way.
		my ($r2, $o2, $e2) = $node->psql($db, "BEGIN; $stmt CASCADE; ROLLBACK;");
		my ($m1) = $serr =~ /ERROR:  (.*)/;
		my ($m2) = $e2 =~ /ERROR:  (.*)/;
		is($m1, $m2, "$stmt: the script fails as the statement does");
		$node->safe_psql('postgres', "DROP DATABASE $db;");
		next;
	}
	my @lost = lost_objects($script);
	# Statements whose removed objects are all definitions: nothing may be
	# left out.
	ok($script !~ /^-- (?:not recreated|would fail):/m,
		"$stmt: everything comes back") or diag($script)
	  if $stmt =~ /^DROP (?:FUNCTION|AGGREGATE|PROCEDURE|CAST|EVENT TRIGGER|OPERATOR|TRIGGER|POLICY|RULE|STATISTICS|VIEW wa\.v|INDEX|MATERIALIZED VIEW)\b/
	  || $stmt =~ /DROP CONSTRAINT/;
	my ($ret, $out, $err) = $node->psql($db,
		"SET client_min_messages = warning;\n$stmt CASCADE;\n$script",
		on_error_stop => 1);
	if (!is($ret, 0, "$stmt: CASCADE and the script run"))
	{
		diag($err);
		diag($script);
		next;
	}
	if (compare($stmt, $db, \@lost))
	{
		if (@lost) { $n_excused++ } else { $n_identical++ }
	}
	else
	{
		diag($script);
	}
	$node->safe_psql('postgres', "DROP DATABASE $db;");
}
ok($n_identical > 40, "$n_identical scripts give back an identical dump");
note "$n_excused scripts with objects not recreated";

# migration_script: ALTER COLUMN ... TYPE bigint of every int column that
# a view, rule, trigger or policy uses, and every statement PostgreSQL
# refuses with 2BP01.
my $mcands = $node->safe_psql('tmpl', q{
	SELECT DISTINCT 'type|' || c.oid::regclass || '|' || quote_ident(a.attname)
	  FROM pg_depend d
	  JOIN pg_class c ON c.oid = d.refobjid AND d.refclassid = 'pg_class'::regclass
	  JOIN pg_namespace n ON n.oid = c.relnamespace
	  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
	 WHERE n.nspname IN ('wa', 'wb') AND c.relkind = 'r'
	   AND a.atttypid = 'int4'::regtype
	   AND d.classid IN ('pg_rewrite'::regclass, 'pg_trigger'::regclass,
						 'pg_policy'::regclass)
	   AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhparent = c.oid)
	ORDER BY 1
});
my @mcands = split /\n/, $mcands;
push @mcands, map { "drop|$_" } grep { !/^DROP SCHEMA/ } @cands;
note scalar(@mcands) . " migration candidates";

my ($n_migrated, $n_atomic, $n_plain) = (0, 0, 0);
for my $m (@mcands)
{
	my ($kind, @rest) = split /\|/, $m;
	my ($stmt, $edit);
	if ($kind eq 'type')
	{
		my ($table, $col) = @rest;
		$stmt = "ALTER TABLE $table ALTER COLUMN $col TYPE bigint";
		my ($sch, $tab) = split /\./, $table;
		# The statement's own effect: the column's type; and PostgreSQL 15
		# rebuilds the table's extended statistics without their
		# statistics target.
		$edit = sub {
			my $e = shift;
			$e =~ s/^(    \Q$col\E) integer/$1 bigint/m
			  if $e =~ /^-- Name: \Q$tab\E; Type: TABLE; Schema: \Q$sch\E;/;
			$e =~ s/^ALTER STATISTICS .* SET STATISTICS \d+;\n//m
			  if $e =~ /^-- Name: [^\n]*; Type: STATISTICS;/
			  && $e =~ /FROM \Q$table\E;/;
			return $e;
		};
	}
	else
	{
		$stmt = $rest[0];
	}
	my $db = fresh_db();
	my ($sret, $script, $serr) = $node->psql($db,
		"SELECT ri_audit.migration_script(\$ddl\$$stmt\$ddl\$)");
	if ($sret != 0)
	{
		my ($r2, $o2, $e2) = $node->psql($db, "BEGIN; $stmt; ROLLBACK;");
		my ($m1) = $serr =~ /ERROR:  (.*)/;
		my ($m2) = $e2 =~ /ERROR:  (.*)/;
		is($m1, $m2, "$stmt: the migration script fails as the statement does");
		$node->safe_psql('postgres', "DROP DATABASE $db;");
		next;
	}
	if ($script eq $stmt)
	{
		# Nothing blocks it: PostgreSQL must agree.
		my ($ret, $out, $err) = $node->psql($db, "BEGIN; $stmt; ROLLBACK;");
		unlike($err, qr/2BP01|cannot alter type of a column used/,
			"$stmt: needs no help, and PostgreSQL runs it");
		$n_plain++;
		$node->safe_psql('postgres', "DROP DATABASE $db;");
		next;
	}
	like($script, qr/^BEGIN;\nSET LOCAL lock_timeout = /m,
		"$stmt: one transaction with a lock_timeout");
	my ($ret, $out, $err) = $node->psql($db,
		"SET client_min_messages = warning;\n$script", on_error_stop => 1);
	if ($ret == 0)
	{
		$n_migrated++;
		if ($kind eq 'type')
		{
			compare("$stmt (migration)", $db, [], $edit) or diag($script);
		}
		else
		{
			# the statement's own effect: what its CASCADE would drop beyond
			# the dependents (nothing, when the script ran)
			pass("$stmt (migration): ran");
		}
	}
	else
	{
		$n_atomic++;
		my ($why) = $err =~ /(ERROR:  .*)/;
		note "$stmt: the migration fails: " . ($why // $err);
		unlike($err, qr/syntax error|does not exist, skipping|permission denied/,
			"$stmt: the migration fails on the definitions, not on its own text");
		compare("$stmt (failed migration leaves nothing done)", $db, [])
		  or diag($err);
	}
	$node->safe_psql('postgres', "DROP DATABASE $db;");
}
ok($n_migrated > 3, "$n_migrated migration scripts ran");
note "$n_atomic migration scripts failed as a whole, $n_plain needed no help";

$node->stop;
done_testing();
