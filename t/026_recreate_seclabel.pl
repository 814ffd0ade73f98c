# Copyright (c) 2026, ri_audit developers
#
# Security labels in ri_audit.recreate_script() and migration_script(),
# compared with PostgreSQL itself.
#
# The label providers are PostgreSQL's test module dummy_seclabel (provider
# "dummy"; the labels 'secret' and 'top secret' need a superuser), loaded
# with shared_preload_libraries.  It is the installation's own when its
# library is there (tools/cassert_server.sh installs it into the
# assert-enabled server), else it is built with PGXS from the PostgreSQL
# source tarball that tools/cassert_server.sh keeps in $RI_AUDIT_CACHE/src
# (default /var/cache/ri_audit), in a directory of this test, and loaded by
# its absolute path: nothing is written into the server's directories.
# Without either the test is skipped, unless RI_AUDIT_REQUIRE_SECLABEL is
# set ("make test-cassert" sets it): then it fails.  When the tarball is
# there, a copy registering itself as the provider 'Dummy "2"' (a name
# that needs quoting) is built the same way and adds its labels.
#
# Every kind that the scripts recreate and SECURITY LABEL accepts carries
# labels: views and their columns, materialized views and their columns,
# functions, procedures, aggregates (one with no arguments), event
# triggers, with names that need quoting too.  For each statement, in a
# fresh copy of the template database, the script is computed, the
# statement runs with CASCADE (which must remove as many labels as the
# script writes), the script runs, and pg_seclabels and the dump of
# pg_dump --schema-only (entry by entry, its SECURITY LABEL statements
# included) must equal the template's.  One copy gets a label changed after
# the script, and both comparisons must see it.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;

my $cache = $ENV{RI_AUDIT_CACHE} || '/var/cache/ri_audit';

# The source tarball of PostgreSQL 15 that tools/cassert_server.sh keeps,
# the newest when there are several; undef when there is none.
sub source_tarball
{
	my ($best, $best_minor);
	for my $f (glob("$cache/src/postgresql-15_*.orig.tar.bz2"))
	{
		next unless $f =~ /postgresql-15_15\.(\d+)\.orig\.tar\.bz2$/;
		($best, $best_minor) = ($f, $1) if !defined $best || $1 > $best_minor;
	}
	return $best;
}

# build_provider TARBALL NAME PROVIDER: dummy_seclabel built with PGXS in a
# directory of this test as library NAME, registering itself as PROVIDER;
# the library's absolute path, or undef and why not.
sub build_provider
{
	my ($tarball, $name, $provider) = @_;
	my ($version) = $tarball =~ /postgresql-15_(15\.\d+)\.orig/;
	my $dir = PostgreSQL::Test::Utils::tempdir($name);
	my $module = "postgresql-$version/src/test/modules/dummy_seclabel";
	my ($out, $err) = ('', '');
	IPC::Run::run([ 'tar', '-xjf', $tarball, '-C', $dir, $module ],
		'>', \$out, '2>', \$err)
	  or return (undef, "cannot extract $module from $tarball: $err");
	my $src = slurp_file("$dir/$module/dummy_seclabel.c");
	my $c_provider = $provider =~ s/(["\\])/\\$1/gr;
	$src =~ s/register_label_provider\("dummy",/register_label_provider("$c_provider",/
	  or return (undef, "no register_label_provider(\"dummy\", ...) in $module");
	open(my $fh, '>', "$dir/$module/$name.c") or die "$dir/$module/$name.c: $!";
	print $fh $src;
	close($fh);
	my $pg_config = $node->config_data('--bindir') . '/pg_config';
	IPC::Run::run(
		[
			'make', '-C', "$dir/$module", 'USE_PGXS=1',
			"PG_CONFIG=$pg_config", "MODULES=$name"
		],
		'>', \$out, '2>', \$err)
	  or return (undef, "$name does not build with PGXS: $err");
	return ("$dir/$module/$name.so", undef) if -f "$dir/$module/$name.so";
	return (undef, "make built no $dir/$module/$name.so");
}

# The provider "dummy": the installation's dummy_seclabel, or one built
# from the tarball.  A second provider, whose name needs quoting, comes
# only from the tarball.
my $tarball = source_tarball();
my $pkglibdir = $node->config_data('--pkglibdir');
my ($library, $why_not);
if (-f "$pkglibdir/dummy_seclabel.so")
{
	$library = 'dummy_seclabel';
}
elsif (defined $tarball)
{
	($library, $why_not) = build_provider($tarball, 'dummy_seclabel', 'dummy');
}
else
{
	$why_not = "dummy_seclabel is not installed in $pkglibdir and there is no "
	  . "PostgreSQL 15 source tarball in $cache/src (tools/cassert_server.sh keeps it)";
}
if (!defined $library)
{
	plan skip_all => $why_not unless $ENV{RI_AUDIT_REQUIRE_SECLABEL};
	fail("the label provider dummy_seclabel: $why_not");
	done_testing();
	exit;
}
my $quoted = 'Dummy "2"';
my ($library2, $why_not2) =
  defined $tarball
  ? build_provider($tarball, 'dummy_seclabel_q', $quoted)
  : (undef, 'no source tarball');
if (!defined $library2)
{
	fail("the second label provider: $why_not2") if defined $tarball;
	note "without the provider $quoted: $why_not2";
}
note "label providers: " . join(', ', grep { defined } $library, $library2);

$node->append_conf('postgresql.conf',
	"lc_messages = 'C'\nfsync = off\nshared_preload_libraries = '"
	  . join(', ', grep { defined } $library, $library2) . "'\n");
$node->start;

$node->safe_psql('postgres', 'CREATE DATABASE tmpl;');
$node->safe_psql(
	'tmpl', q{
	CREATE EXTENSION ri_audit;
	CREATE ROLE regress_sl_owner;
	CREATE SCHEMA sl;
	GRANT USAGE ON SCHEMA sl TO regress_sl_owner;
	CREATE TABLE sl.t (id int PRIMARY KEY, v int);
	GRANT SELECT ON sl.t TO regress_sl_owner;
	SECURITY LABEL FOR dummy ON TABLE sl.t IS 'classified';
	SECURITY LABEL FOR dummy ON COLUMN sl.t.v IS 'secret';

	CREATE FUNCTION sl.f(int) RETURNS int LANGUAGE sql IMMUTABLE RETURN $1 + 1;
	SECURITY LABEL FOR dummy ON FUNCTION sl.f(int) IS 'unclassified';
	CREATE PROCEDURE sl.p() LANGUAGE sql BEGIN ATOMIC SELECT sl.f(1); END;
	SECURITY LABEL FOR dummy ON PROCEDURE sl.p() IS 'top secret';

	CREATE FUNCTION sl.add(int, int) RETURNS int LANGUAGE sql IMMUTABLE
		RETURN $1 + $2;
	SECURITY LABEL FOR dummy ON FUNCTION sl.add(int, int) IS 'classified';
	CREATE AGGREGATE sl.agg(int) (sfunc = sl.add, stype = int, initcond = '0');
	SECURITY LABEL FOR dummy ON AGGREGATE sl.agg(int) IS 'secret';
	CREATE FUNCTION sl.inc(bigint) RETURNS bigint LANGUAGE sql IMMUTABLE
		RETURN $1 + 1;
	CREATE AGGREGATE sl."Cnt"(*) (sfunc = sl.inc, stype = bigint, initcond = '0');
	SECURITY LABEL FOR dummy ON AGGREGATE sl."Cnt"(*) IS 'classified';

	CREATE VIEW sl.v AS SELECT id, sl.f(v) AS fv FROM sl.t;
	ALTER VIEW sl.v OWNER TO regress_sl_owner;
	SECURITY LABEL FOR dummy ON VIEW sl.v IS 'classified';
	SECURITY LABEL FOR dummy ON COLUMN sl.v.id IS 'top secret';
	SECURITY LABEL FOR dummy ON COLUMN sl.v.fv IS 'secret';
	CREATE MATERIALIZED VIEW sl.mv AS SELECT id, fv FROM sl.v;
	SECURITY LABEL FOR dummy ON MATERIALIZED VIEW sl.mv IS 'secret';
	SECURITY LABEL FOR dummy ON COLUMN sl.mv.fv IS 'unclassified';
	CREATE VIEW sl.aggv AS SELECT sl.agg(v) AS total, sl."Cnt"(*) AS n FROM sl.t;
	SECURITY LABEL FOR dummy ON VIEW sl.aggv IS 'top secret';
	SECURITY LABEL FOR dummy ON COLUMN sl.aggv.n IS 'classified';
	CREATE VIEW sl."Odd ""v""" AS SELECT sl.f(v) AS "col one" FROM sl.t;
	SECURITY LABEL FOR dummy ON VIEW sl."Odd ""v""" IS 'unclassified';
	SECURITY LABEL FOR dummy ON COLUMN sl."Odd ""v"""."col one" IS 'top secret';

	CREATE FUNCTION sl.evt_fn() RETURNS event_trigger LANGUAGE plpgsql
		AS $$ BEGIN END $$;
	SECURITY LABEL FOR dummy ON FUNCTION sl.evt_fn() IS 'classified';
	CREATE EVENT TRIGGER sl_evt ON ddl_command_end EXECUTE FUNCTION sl.evt_fn();
	SECURITY LABEL FOR dummy ON EVENT TRIGGER sl_evt IS 'secret';
});

my $nwanted = 18;
if (defined $library2)
{
	my $p = '"Dummy ""2"""';
	$node->safe_psql(
		'tmpl', qq{
		SECURITY LABEL FOR $p ON VIEW sl.v IS 'secret';
		SECURITY LABEL FOR $p ON COLUMN sl.v.fv IS 'classified';
		SECURITY LABEL FOR $p ON FUNCTION sl.f(int) IS 'unclassified';
		SECURITY LABEL FOR $p ON EVENT TRIGGER sl_evt IS 'top secret';
	});
	$nwanted += 4;
}

my $labels_sql = q{
	SELECT objtype, objname, provider, label FROM pg_seclabels
	 WHERE objtype NOT IN ('role', 'database', 'tablespace', 'subscription')
	 ORDER BY 1, 2, 3
};
my $labels = $node->safe_psql('tmpl', $labels_sql);
my $nlabels = () = $labels =~ /\n/g;
$nlabels++;
is($nlabels, $nwanted, "$nwanted labels in the template") or diag($labels);

my $pg_dump = $node->installed_command('pg_dump');
my ($host, $port) = ($node->host, $node->port);

# A dump as a sorted list of its entries, each "-- Name: ...; Type: ..."
# header with its statements, the statements of a SECURITY LABEL entry
# sorted.
sub dump_entries
{
	my ($db) = @_;
	my ($out, $err) = ('', '');
	IPC::Run::run([ $pg_dump, '--schema-only', '-h', $host, '-p', $port, $db ],
		'>', \$out, '2>', \$err)
	  or die "pg_dump $db failed: $err";
	my @e;
	for my $chunk (split /\n--\n(?=-- Name: )/, $out)
	{
		next unless $chunk =~ /^-- Name: /;
		$chunk =~ s/\n--\n-- PostgreSQL database dump complete.*//s;
		$chunk =~ s/^SET default_(?:tablespace|table_access_method) = .*\n?//mg;
		$chunk =~ s/\n+\z//;
		# The labels of one object by several providers come in the order
		# of pg_seclabel's heap (pg_dump sorts them by object only), which
		# means nothing.
		if ($chunk =~ /^-- Name: [^\n]*; Type: SECURITY LABEL;/)
		{
			my @lines = split /\n/, $chunk;
			$chunk = join("\n",
				(grep { !/^SECURITY LABEL / } @lines),
				sort grep { /^SECURITY LABEL / } @lines);
		}
		push @e, $chunk;
	}
	return sort @e;
}

my @before = dump_entries('tmpl');
my @dumped_labels = grep { /^SECURITY LABEL FOR / } map { split /\n/ } @before;
is(scalar(@dumped_labels), $nlabels,
	"pg_dump writes a SECURITY LABEL statement for every label")
  or diag(join("\n", @dumped_labels));

# same_as_template LABEL DB: pg_seclabels and the dump of DB are the
# template's; true when both are.
sub same_as_template
{
	my ($label, $db) = @_;
	my $after = $node->safe_psql($db, $labels_sql);
	my $ok = is($after, $labels, "$label: pg_seclabels is the template's");
	my %count;
	$count{$_}++ for @before;
	$count{$_}-- for dump_entries($db);
	my @diff = grep { $count{$_} != 0 } sort keys %count;
	ok(!@diff, "$label: the dump is the template's")
	  or diag(join("\n====\n", map { "($count{$_}) $_" } @diff));
	return $ok && !@diff;
}

my $dbn = 0;

sub fresh_db
{
	my $db = 'c' . (++$dbn);
	$node->safe_psql('postgres', "CREATE DATABASE $db TEMPLATE tmpl;");
	return $db;
}

my @stmts = (
	'DROP FUNCTION sl.f(int)',
	'DROP FUNCTION sl.add(int, int)',
	'DROP FUNCTION sl.inc(bigint)',
	'DROP AGGREGATE sl.agg(int)',
	'DROP FUNCTION sl.evt_fn()',
	'DROP EVENT TRIGGER sl_evt',
	'DROP PROCEDURE sl.p()',
	'DROP VIEW sl.v',
	'DROP MATERIALIZED VIEW sl.mv',
	'DROP VIEW sl."Odd ""v"""');
for my $stmt (@stmts)
{
	my $db = fresh_db();
	my $script = $node->safe_psql($db,
		"SELECT ri_audit.recreate_script(\$ddl\$$stmt\$ddl\$)");
	unlike($script, qr/^-- (?:not recreated|would fail):/m,
		"$stmt: everything comes back")
	  or diag($script);
	my $gone = $nlabels - $node->safe_psql($db,
		"$stmt CASCADE; SELECT count(*) FROM ($labels_sql) l");
	my $written = () = $script =~ /^SECURITY LABEL FOR /mg;
	ok($gone > 0 && $written == $gone,
		"$stmt: CASCADE removes $gone labels, the script writes $written")
	  or diag($script);
	my ($ret, $out, $err) = $node->psql($db, $script, on_error_stop => 1);
	is($ret, 0, "$stmt: the script runs") or diag("$err\n$script");
	same_as_template($stmt, $db) or diag($script);
	$node->safe_psql('postgres', "DROP DATABASE $db;");
}

# migration_script rebuilds the views over sl.t.id with their labels.
{
	my $stmt = 'ALTER TABLE sl.t ALTER COLUMN id TYPE bigint';
	my $db = fresh_db();
	my $script = $node->safe_psql($db,
		"SELECT ri_audit.migration_script(\$ddl\$$stmt\$ddl\$)");
	like($script, qr/^SECURITY LABEL FOR dummy ON COLUMN sl\.v\.id IS 'top secret';$/m,
		"$stmt: the migration script relabels the view columns");
	my ($ret, $out, $err) = $node->psql($db, $script, on_error_stop => 1);
	is($ret, 0, "$stmt: the migration script runs") or diag("$err\n$script");
	is($node->safe_psql($db, $labels_sql), $labels,
		"$stmt: pg_seclabels is the template's");
	$node->safe_psql('postgres', "DROP DATABASE $db;");
}

# The comparisons see a label that the script did not give back.
{
	my $stmt = 'DROP VIEW sl.v';
	my $db = fresh_db();
	my $script = $node->safe_psql($db,
		"SELECT ri_audit.recreate_script(\$ddl\$$stmt\$ddl\$)");
	$node->safe_psql($db, "$stmt CASCADE;\n$script\n"
		  . "SECURITY LABEL FOR dummy ON COLUMN sl.v.fv IS 'classified';");
	isnt($node->safe_psql($db, $labels_sql), $labels,
		'a label changed after the script: pg_seclabels differs');
	my %count;
	$count{$_}++ for @before;
	$count{$_}-- for dump_entries($db);
	my @diff = grep { $count{$_} != 0 } sort keys %count;
	is(scalar(@diff), 2, 'a label changed after the script: the dump differs')
	  or diag(join("\n====\n", @diff));
	$node->safe_psql('postgres', "DROP DATABASE $db;");
}

$node->stop;
done_testing();
