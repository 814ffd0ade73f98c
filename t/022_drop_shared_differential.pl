# Copyright (c) 2026, ri_audit developers
#
# Differential test of drop_preview() and assert_drop_safe() for DROP OWNED
# and DROP ROLE against PostgreSQL itself, in a cluster with two databases
# ("postgres", where the extension is, and "other").
#
# Generated worlds: roles that own schemas, tables, views on one another's
# tables, functions, sequences, types and default privileges in both
# databases, hold grants there, and are named by policies alone, with
# another role, or with PUBLIC.  For every DROP OWNED BY (one role, two in
# both orders, a role twice) the preview's rows must be exactly what the
# real statement with CASCADE drops (a sql_drop event trigger records
# pg_event_trigger_dropped_objects(), in a transaction that is rolled
# back), in the same order, and assert_drop_safe() must raise exactly what
# the statement with RESTRICT raises.  For every DROP ROLE (one role, two)
# assert_drop_safe() must raise exactly what the real statement raises, in
# a rolled-back transaction: SQLSTATE, message and every DETAIL line,
# "N objects in database other" and the 100-line cap included.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('main');
$node->init;
$node->append_conf('postgresql.conf',
	"lc_messages = 'C'\nfsync = off\nmax_prepared_transactions = 2\n");
$node->start;
$node->safe_psql('postgres', 'CREATE DATABASE other');

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

	CREATE FUNCTION oracle.preview(ddl text) RETURNS SETOF text
	LANGUAGE plpgsql AS $$
	DECLARE
		r record;
	BEGIN
		FOR r IN SELECT * FROM ri_audit.drop_preview(ddl) ORDER BY 1 LOOP
			RETURN NEXT concat_ws('|', 'ROW', r.classid::regclass, r.objid,
				r.objsubid, r.object_type, r.object_identity,
				r.requires_cascade, r.dependency);
		END LOOP;
	EXCEPTION WHEN OTHERS THEN
		RETURN NEXT 'ERR|' || SQLERRM;
	END $$;

	-- assert_drop_safe's error as psql prints it in verbose mode, without
	-- the LOCATION line.
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
		RETURN 'ERROR:  ' || SQLSTATE || ': ' || SQLERRM
			|| CASE WHEN d <> '' THEN E'\nDETAIL:  ' || d ELSE '' END
			|| CASE WHEN h <> '' THEN E'\nHINT:  ' || h ELSE '' END;
	END $$;
});

# One world: roles r<w>_0 .. r<w>_3 and their objects in both databases.
sub world
{
	my ($w, $seed) = @_;
	srand($seed);
	my @r = map { "r${w}_$_" } 0 .. 3;
	my (@main, @other);
	my $pick = sub { $r[ int(rand(@r)) ] };

	push @main, "CREATE ROLE $_;" for @r;
	push @main, "CREATE SCHEMA s$w AUTHORIZATION $r[0];";
	push @main, "GRANT CREATE, USAGE ON SCHEMA s$w TO PUBLIC;";
	my $ntab = 4 + int(rand(4));
	for my $i (1 .. $ntab)
	{
		my $o = $pick->();
		my $ref = ($i > 1 && rand() < 0.6) ? ", ref int REFERENCES s$w.t"
		  . (1 + int(rand($i - 1))) : '';
		push @main, "CREATE TABLE s$w.t$i (id int PRIMARY KEY, v int$ref);";
		push @main, "ALTER TABLE s$w.t$i OWNER TO $o;";
		push @main, "CREATE INDEX ON s$w.t$i (v);" if rand() < 0.4;
		push @main, "GRANT SELECT ON s$w.t$i TO " . $pick->() . ";"
		  if rand() < 0.5;
		if (rand() < 0.6)
		{
			my %roles = map { ($pick->() => 1) } 1 .. 1 + int(rand(3));
			my $to = join(', ', sort keys %roles);
			push @main, "CREATE POLICY p$i ON s$w.t$i TO $to USING (v > 0);";
		}
		if (rand() < 0.6)
		{
			push @main, "CREATE VIEW s$w.v$i AS SELECT id, v FROM s$w.t$i;";
			push @main, "ALTER VIEW s$w.v$i OWNER TO " . $pick->() . ";";
		}
	}
	push @main, "CREATE VIEW s$w.vv AS SELECT a.id FROM s$w.t1 a, s$w.t2 b;";
	push @main, "ALTER VIEW s$w.vv OWNER TO " . $pick->() . ";";
	push @main, "CREATE FUNCTION s$w.f() RETURNS int LANGUAGE sql RETURN 1;";
	push @main, "ALTER FUNCTION s$w.f() OWNER TO " . $pick->() . ";";
	push @main, "CREATE SEQUENCE s$w.q;";
	push @main, "ALTER SEQUENCE s$w.q OWNER TO " . $pick->() . ";";
	push @main, "CREATE TYPE s$w.e AS ENUM ('a');";
	push @main, "ALTER TYPE s$w.e OWNER TO " . $pick->() . ";";
	push @main, "CREATE TABLE s$w.uses_e (x s$w.e);";
	push @main, "ALTER DEFAULT PRIVILEGES FOR ROLE $r[1] IN SCHEMA s$w "
	  . "GRANT SELECT ON TABLES TO $r[2];";
	push @main, "CREATE POLICY pp ON s$w.t1 TO $r[3], PUBLIC USING (true);"
	  if rand() < 0.5;

	for my $i (1 .. 1 + int(rand(4)))
	{
		push @other, "CREATE TABLE o${w}_$i (a int);";
		push @other, "ALTER TABLE o${w}_$i OWNER TO " . $pick->() . ";"
		  if rand() < 0.7;
		push @other, "GRANT SELECT ON o${w}_$i TO " . $pick->() . ";"
		  if rand() < 0.5;
	}

	my @cands;
	for my $a (@r)
	{
		push @cands, [ 'owned', "DROP OWNED BY $a" ];
		push @cands, [ 'role', "DROP ROLE $a" ];
	}
	push @cands, [ 'owned', "DROP OWNED BY $r[1], $r[2]" ];
	push @cands, [ 'owned', "DROP OWNED BY $r[2], $r[1]" ];
	push @cands, [ 'owned', "DROP OWNED BY $r[3], $r[0], $r[3]" ];
	push @cands, [ 'role', "DROP ROLE $r[3], $r[2]" ];
	return (join("\n", @main), join("\n", @other), \@cands);
}

# A role with more than 100 dependents: the DETAIL's cap.
my @many = ("CREATE ROLE rmany;", "CREATE SCHEMA smany;");
push @many, "CREATE SEQUENCE smany.q$_; ALTER SEQUENCE smany.q$_ OWNER TO rmany;"
  for 1 .. 105;
$node->safe_psql('postgres', join("\n", @many));
$node->safe_psql('other',
	"CREATE TABLE many_other (a int); ALTER TABLE many_other OWNER TO rmany;");

my @all_cands = ([ 'role', 'DROP ROLE rmany' ],
	[ 'owned', 'DROP OWNED BY rmany' ]);
for my $w (1 .. 5)
{
	my ($main, $other, $cands) = world($w, 1000 + $w);
	$node->safe_psql('postgres', $main);
	$node->safe_psql('other', $other) if $other ne '';
	push @all_cands, @$cands;
}

my ($n_owned, $n_role, $n_refused, $n_capped, $n_defacl, $n_failing) =
  (0, 0, 0, 0, 0, 0);
for my $c (@all_cands)
{
	my ($kind, $ddl) = @$c;
	if ($kind eq 'owned')
	{
		my $script = <<"EOS";
\\set VERBOSITY verbose
\\echo ==PREVIEW==
SELECT oracle.preview(\$ddl\$$ddl\$ddl\$);
\\echo ==ASSERT==
SELECT oracle.assert_text(\$ddl\$$ddl\$ddl\$);
\\echo ==DROPPED==
BEGIN;
TRUNCATE oracle.dropped;
SET LOCAL client_min_messages = warning;
$ddl CASCADE;
SELECT concat_ws('|', 'DROP', classid::regclass, objid, objsubid,
	object_type, object_identity) FROM oracle.dropped ORDER BY n;
ROLLBACK;
\\warn ==RESTRICT==
BEGIN;
$ddl RESTRICT;
ROLLBACK;
\\warn ==END==
EOS
		my ($out, $err);
		$node->psql('postgres', $script, stdout => \$out, stderr => \$err,
			on_error_stop => 0);
		unless ($out =~ /==DROPPED==/ && $err =~ /==END==/)
		{
			fail("$ddl: psql ran the whole script");
			diag($err);
			next;
		}
		my ($preview_txt) = $out =~ /==PREVIEW==\n(.*?)==ASSERT==\n/s;
		my ($assert_txt) = $out =~ /==ASSERT==\n(.*?)\n==DROPPED==/s;
		my ($dropped_txt) = $out =~ /==DROPPED==\n(.*)\z/s;
		my @preview = grep { length } split /\n/, $preview_txt;
		my @dropped = grep { /^DROP\|/ } split /\n/, $dropped_txt;
		$err =~ s/^psql:[^:\n]*:\d+: //mg;
		$err =~ s/^LOCATION: .*\n//mg;
		my ($restrict_err) = $err =~ /==RESTRICT==\n(.*?)==END==/s;
		$restrict_err =~ s/\n+\z//;

		# Columns whose whole object is dropped too are not rows.
		my %whole;
		for my $d (@dropped)
		{
			my (undef, $cl, $oid, $sub) = split /\|/, $d;
			$whole{"$cl|$oid"} = 1 if $sub == 0;
		}
		my @want = map { my @f = split /\|/, $_, 6; join('|', @f[1 .. 5]) }
		  grep {
			my (undef, $cl, $oid, $sub) = split /\|/, $_;
			!($sub != 0 && $whole{"$cl|$oid"});
		  } @dropped;
		# PostgreSQL's own failure (see pg_shdepend.c) must be the preview's.
		if (@preview && $preview[0] =~ /^ERR\|(.*)$/)
		{
			my $perr = $1;
			my ($real) = $err =~ /^ERROR:  \w{5}: (.*)$/m;
			is($perr, $real // '(no error)',
				"$ddl: the preview fails as the statement does");
			is($assert_txt, $restrict_err,
				"$ddl: assert_drop_safe fails as RESTRICT does");
			$n_owned++;
			$n_failing++;
			next;
		}

		# A default ACL deleted by a revoke is a deletion call of its own,
		# made before the last one, and the event trigger lists the calls in
		# reverse order; a target default ACL may be one of those or a
		# target of the last call (owned by a role of the statement).  So:
		# the same rows, and the same order but for target default ACLs.
		my @got = map { my @f = split /\|/, $_, 8; join('|', @f[1 .. 5]) }
		  @preview;
		my %is_target_acl = map {
			my @f = split /\|/, $_, 8;
			($f[1] eq 'pg_default_acl' && $f[7] eq 'target')
			  ? (join('|', @f[1 .. 5]) => 1) : ()
		} @preview;
		is_deeply([ sort @got ], [ sort @want ],
			"$ddl: preview rows are the dropped objects")
		  or diag($err);
		is_deeply([ grep { !$is_target_acl{$_} } @got ],
			[ grep { !$is_target_acl{$_} } @want ],
			"$ddl: in the same order");
		$n_defacl++ if %is_target_acl;
		is($assert_txt, $restrict_err eq '' ? 'OK' : $restrict_err,
			"$ddl: assert_drop_safe raises what RESTRICT raises");
		$n_owned++;
	}
	else
	{
		my $script = <<"EOS";
\\set VERBOSITY verbose
\\echo ==ASSERT==
SELECT oracle.assert_text(\$ddl\$$ddl\$ddl\$);
\\echo ==PREVIEW==
SELECT oracle.preview(\$ddl\$$ddl\$ddl\$);
\\warn ==REAL==
BEGIN;
$ddl;
ROLLBACK;
\\warn ==END==
EOS
		my ($out, $err);
		$node->psql('postgres', $script, stdout => \$out, stderr => \$err,
			on_error_stop => 0);
		unless ($out =~ /==PREVIEW==/ && $err =~ /==END==/)
		{
			fail("$ddl: psql ran the whole script");
			diag($err);
			next;
		}
		my ($assert_txt) = $out =~ /==ASSERT==\n(.*?)\n==PREVIEW==/s;
		my ($preview_txt) = $out =~ /==PREVIEW==\n(.*)\z/s;
		$err =~ s/^psql:[^:\n]*:\d+: //mg;
		$err =~ s/^LOCATION: .*\n//mg;
		my ($real_err) = $err =~ /==REAL==\n(.*?)==END==/s;
		$real_err =~ s/\n+\z//;
		is($assert_txt, $real_err eq '' ? 'OK' : $real_err,
			"$ddl: assert_drop_safe raises what DROP ROLE raises");
		my @names = $ddl =~ /(r\w+)/g;
		my @rows = map { (split /\|/, $_)[5] } grep { /^ROW\|/ }
		  split /\n/, $preview_txt;
		is_deeply(\@rows, \@names, "$ddl: the preview's rows are the roles");
		$n_role++;
		$n_refused++ if $real_err =~ /2BP01/;
		$n_capped++ if $real_err =~ /other objects \(see server log/;
	}
}

note "DROP OWNED statements: $n_owned ($n_defacl delete default ACLs, "
  . "$n_failing fail in PostgreSQL), "
  . "DROP ROLE statements: $n_role "
  . "($n_refused refused, $n_capped with the DETAIL capped)";
cmp_ok($n_refused, '>=', 10, 'enough DROP ROLE statements are refused');
cmp_ok($n_defacl, '>=', 3, 'enough DROP OWNED statements delete default ACLs');
cmp_ok($n_failing, '>=', 1, 'a DROP OWNED that PostgreSQL fails is compared');
is($n_capped, 1, 'the 100-line cap is exercised');

# The same statements on a read-only transaction: nothing stronger than
# AccessShareLock, and no error about writing.
my $ro = $node->safe_psql('postgres', q{
	BEGIN READ ONLY;
	SELECT count(*) FROM ri_audit.drop_preview('DROP OWNED BY rmany');
	SELECT oracle.assert_text('DROP ROLE rmany') LIKE 'ERROR:  2BP01:%';
	SELECT string_agg(DISTINCT mode, ',') FROM pg_locks
	 WHERE pid = pg_backend_pid() AND locktype IN ('relation', 'object');
	COMMIT;
});
is($ro, "105\nt\nAccessShareLock", 'read-only transaction, AccessShareLock');

# DROP DATABASE, compared with the real statement (which refuses, so
# nothing is dropped): the sessions that ran the setup must be gone first,
# or the real statement (which waits up to 5 s for sessions to end) and the
# preview (which counts them once) could see different sessions.
sub real_error
{
	my ($ddl) = @_;
	my $e;
	$node->psql('postgres', "\\set VERBOSITY verbose\n$ddl;", stderr => \$e);
	$e =~ s/^psql:[^:\n]*:\d+: //mg;
	$e =~ s/^LOCATION: .*\n?//mg;
	$e =~ s/\n+\z//;
	return $e;
}
sub assert_error
{
	my ($ddl) = @_;
	return $node->safe_psql('postgres',
		"\\set VERBOSITY verbose\nSELECT oracle.assert_text(\$\$$ddl\$\$);");
}
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = 'other'")
  or die "sessions of database other did not end";

# A prepared transaction in it, with and without FORCE.
$node->safe_psql('other',
	"BEGIN; CREATE TABLE px (a int); PREPARE TRANSACTION 'px';");
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = 'other'")
  or die "sessions of database other did not end";
for my $ddl ('DROP DATABASE other', 'DROP DATABASE other WITH (FORCE)')
{
	my $a = assert_error($ddl);
	like($a, qr/^ERROR:  55006: /, "$ddl: refused while a transaction is prepared");
	is($a, real_error($ddl), "$ddl: the same error as the statement");
}
$node->safe_psql('other', "ROLLBACK PREPARED 'px'");
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = 'other'")
  or die "sessions of database other did not end";

# Another session connected to it is reported as the command reports it;
# under FORCE it blocks nothing.
my $bg = $node->background_psql('other');
$bg->query_safe('SELECT 1');
my $busy = $node->safe_psql('postgres', q{
	\set VERBOSITY verbose
	SELECT oracle.assert_text('DROP DATABASE other');
});
my ($real_busy, $real_busy_err);
$node->psql('postgres', "\\set VERBOSITY verbose\nDROP DATABASE other;",
	stderr => \$real_busy_err);
$real_busy_err =~ s/^psql:[^:\n]*:\d+: //mg;
$real_busy_err =~ s/^LOCATION: .*\n?//mg;
$real_busy_err =~ s/\n+\z//;
is($busy, $real_busy_err, 'DROP DATABASE of a database in use');
is(assert_error('DROP DATABASE other WITH (FORCE)'), 'OK',
	'DROP DATABASE ... WITH (FORCE) of a database in use is safe');
$bg->quit;

# Called twice in one transaction, it counts the sessions anew each time:
# one that has ended since the first call no longer makes it refuse.
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = 'other'")
  or die "sessions of database other did not end";
$bg = $node->background_psql('other');
$bg->query_safe('SELECT 1');
my $tx = $node->background_psql('postgres');
$tx->query_safe('BEGIN');
like($tx->query_safe("SELECT oracle.assert_text('DROP DATABASE other')"),
	qr/^ERROR:  55006: database "other" is being accessed by other users/,
	'in a transaction, first call: the database is in use');
$bg->quit;
$node->poll_query_until('postgres',
	"SELECT count(*) = 0 FROM pg_stat_activity WHERE datname = 'other'")
  or die "sessions of database other did not end";
is($tx->query_safe("SELECT oracle.assert_text('DROP DATABASE other')"), 'OK',
	'in the same transaction, second call: the ended session is not counted');
$tx->query_safe('COMMIT');
$tx->quit;

done_testing();
