# Copyright (c) 2026, ri_audit developers
#
# Differential test: on generated tables and CHECK / domain constraints,
# check_violations() must name exactly the rows PostgreSQL itself rejects,
# and validate()'s dry run must say what VALIDATE CONSTRAINT does.
#
# PostgreSQL's verdict for a row of a table's CHECK constraint: replay the
# row's values (by column name) into a probe table that carries only that
# constraint, validated, inside a savepoint; a check_violation means the row
# violates it.  For a domain constraint: cast the column's value, through
# the base type, to the domain holding the constraint (which carries only
# that constraint), in a savepoint.  For VALIDATE CONSTRAINT: run it in a
# savepoint and see whether it fails.
#
# Shapes: NULLs, expressions over several columns, a function, a text
# expression, NO INHERIT on a parent with children, inheritance children
# with other column orders and extra columns, a partitioned table, and a
# domain over a domain (columns of both).  The seed is fixed so runs are
# repeatable; set RI_AUDIT_SEED to explore other data.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $seed = $ENV{RI_AUDIT_SEED} // 20261202;
note "seed $seed";
srand($seed);

my $node = PostgreSQL::Test::Cluster->new('check_diff');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE FUNCTION near(a int, c text) RETURNS bool IMMUTABLE
		LANGUAGE plpgsql AS $$ BEGIN RETURN a + length(c) < 9; END $$;

	-- PostgreSQL's verdict for a table's CHECK constraint: the rows of src
	-- (ONLY src when only_src), as "table:ctid", that probe rejects.
	CREATE FUNCTION pg_verdict(src regclass, only_src bool, probe regclass,
							   cols text)
	RETURNS SETOF text LANGUAGE plpgsql AS $$
	DECLARE
		r record;
	BEGIN
		FOR r IN EXECUTE format('SELECT tableoid::regclass AS t, ctid AS c FROM %s %s',
								CASE WHEN only_src THEN 'ONLY' ELSE '' END, src)
		LOOP
			BEGIN
				EXECUTE format('INSERT INTO %s (%s) SELECT %s FROM %s'
							   ' WHERE tableoid = $1 AND ctid = $2',
							   probe, cols, cols, src)
					USING r.t, r.c;
				RAISE EXCEPTION 'accepted' USING ERRCODE = 'P0001';
			EXCEPTION
				WHEN check_violation THEN
					RETURN NEXT r.t::text || ':' || r.c::text;
				WHEN raise_exception THEN
					NULL;
			END;
		END LOOP;
	END
	$$;

	-- PostgreSQL's verdict for a domain constraint of domain dom on column
	-- col of table tab (base type base): "table:ctid:column" per rejection.
	CREATE FUNCTION pg_domain_verdict(tab regclass, col name, base regtype,
									  dom regtype)
	RETURNS SETOF text LANGUAGE plpgsql AS $$
	DECLARE
		r record;
	BEGIN
		FOR r IN EXECUTE format('SELECT ctid AS c, %I::%s::text AS v FROM %s',
								col, base, tab)
		LOOP
			BEGIN
				EXECUTE format('SELECT $1::%s::%s', base, dom) USING r.v;
			EXCEPTION
				WHEN check_violation THEN
					RETURN NEXT tab::text || ':' || r.c::text || ':' || col;
			END;
		END LOOP;
	END
	$$;

	-- What VALIDATE CONSTRAINT does: 'ok' or the SQLSTATE it fails with.
	CREATE FUNCTION pg_validate(stmt text) RETURNS text LANGUAGE plpgsql AS $$
	BEGIN
		BEGIN
			EXECUTE stmt;
			RAISE EXCEPTION 'validated' USING ERRCODE = 'P0001';
		EXCEPTION
			WHEN raise_exception THEN
				RETURN 'ok';
			WHEN OTHERS THEN
				RETURN SQLSTATE;
		END;
	END
	$$;
});

sub rand_int { return rand() < 0.15 ? 'NULL' : int(rand(14)) - 3; }
sub rand_text
{
	return 'NULL' if rand() < 0.15;
	my @v = ('', 'a', 'ab', 'abc', 'abcd', 'xyzxyz');
	return "'" . $v[ int(rand(@v)) ] . "'";
}

# Fill table $t (columns a int, b int, c text, in any order) with $n rows.
sub fill
{
	my ($t, $n, $extra) = @_;
	my @rows;
	for (1 .. $n)
	{
		my $row = join(', ', rand_int(), rand_int(), rand_text());
		$row .= ", 'x'" if $extra;
		push @rows, "($row)";
	}
	my $cols = $extra ? 'a, b, c, extra' : 'a, b, c';
	return "INSERT INTO $t ($cols) VALUES " . join(', ', @rows) . ";\n";
}

my @exprs = (
	[ 'a_positive', 'a > 0' ],
	[ 'a_below_b', 'a < b OR c IS NULL' ],
	[ 'near', 'near(a, c)' ],
	[ 'short_c', 'length(c) < 3' ],
	[ 'b_not_mult3', 'b % 3 <> 0' ],
);

my $rounds = 3;
my $compared = 0;
my %seen_verdict;		# rows rejected / none; VALIDATE ok / failed
for my $round (1 .. $rounds)
{
	my $s = "s$round";
	my $sql = "CREATE SCHEMA $s;\n";

	# A plain table, a parent with two inheritance children (other column
	# orders, an extra column), a partitioned table.
	$sql .= "CREATE TABLE $s.plain (a int, b int, c text);\n";
	$sql .= "CREATE TABLE $s.parent (a int, b int, c text);\n";
	$sql .= "CREATE TABLE $s.kid1 (c text, a int, b int);\n";
	$sql .= "CREATE TABLE $s.kid2 (extra text, b int, c text, a int);\n";
	$sql .= "ALTER TABLE $s.kid1 INHERIT $s.parent;\n";
	$sql .= "ALTER TABLE $s.kid2 INHERIT $s.parent;\n";
	$sql .= "CREATE TABLE $s.part (a int, b int, c text) PARTITION BY RANGE (a);\n";
	$sql .= "CREATE TABLE $s.part_lo PARTITION OF $s.part FOR VALUES FROM (MINVALUE) TO (4);\n";
	$sql .= "CREATE TABLE $s.part_hi (c text, b int, a int);\n";
	$sql .= "ALTER TABLE $s.part ATTACH PARTITION $s.part_hi FOR VALUES FROM (4) TO (MAXVALUE);\n";
	$sql .= "CREATE TABLE $s.part_null PARTITION OF $s.part DEFAULT;\n";
	$sql .= fill("$s.plain", 30);
	$sql .= fill("$s.parent", 10);
	$sql .= fill("$s.kid1", 10);
	$sql .= fill("$s.kid2", 10, 1);
	$sql .= fill("$s.part", 30);

	# Two constraints per table, chosen at random (on the parent, the second
	# NO INHERIT), and one that holds.
	my @cons;
	for my $t (qw(plain parent part))
	{
		my %seen;
		for my $k (1 .. 2)
		{
			my $e = $exprs[ int(rand(@exprs)) ];
			next if $seen{ $e->[0] }++;
			my $noinherit = ($t eq 'parent' && $k == 2) ? ' NO INHERIT' : '';
			my $name = "${t}_$e->[0]";
			$sql .= "ALTER TABLE $s.$t ADD CONSTRAINT $name CHECK ($e->[1])$noinherit NOT VALID;\n";
			push @cons, { table => "$s.$t", name => $name, expr => $e->[1],
				noinherit => $noinherit ne '' };
		}
		# and one that every generated row satisfies
		$sql .= "ALTER TABLE $s.$t ADD CONSTRAINT ${t}_clean CHECK (coalesce(a, 0) + length(coalesce(c, '')) > -100) NOT VALID;\n";
		push @cons, { table => "$s.$t", name => "${t}_clean",
			expr => "coalesce(a, 0) + length(coalesce(c, '')) > -100", noinherit => 0 };
	}

	# Domains: a base domain, a domain over it, a table with columns of both.
	$sql .= "CREATE DOMAIN $s.dbase AS int;\n";
	$sql .= "CREATE DOMAIN $s.dsub AS $s.dbase;\n";
	$sql .= "CREATE TABLE $s.dt (x $s.dbase, y $s.dsub, z int);\n";
	{
		my @rows = map { '(' . join(', ', rand_int(), rand_int(), rand_int()) . ')' } 1 .. 30;
		$sql .= "INSERT INTO $s.dt VALUES " . join(', ', @rows) . ";\n";
	}
	my $dexpr = (rand() < 0.5) ? 'VALUE BETWEEN 0 AND 6' : 'VALUE % 2 = 0';
	$sql .= "ALTER DOMAIN $s.dbase ADD CONSTRAINT dbase_check CHECK ($dexpr) NOT VALID;\n";
	$node->safe_psql('postgres', $sql);

	for my $c (@cons)
	{
		# The probe carries only this constraint, validated.
		my $probe = "$s.probe_$c->{name}";
		$node->safe_psql('postgres', qq{
			CREATE TABLE $probe (a int, b int, c text);
			ALTER TABLE $probe ADD CONSTRAINT $c->{name} CHECK ($c->{expr});});
		my $only = $c->{noinherit} ? 'true' : 'false';
		my $want = $node->safe_psql('postgres', qq{
			SELECT v FROM pg_verdict('$c->{table}', $only, '$probe', 'a, b, c') v
			 ORDER BY 1});
		my $got = $node->safe_psql('postgres', qq{
			SELECT table_name::text || ':' || row_ctid::text
			  FROM ri_audit.check_violations(
				(SELECT oid FROM pg_constraint
				  WHERE conrelid = '$c->{table}'::regclass
					AND conname = '$c->{name}'))
			 ORDER BY 1});
		is($got, $want, "round $round: check_violations($c->{table}.$c->{name}) = PostgreSQL's rejections");
		$seen_verdict{ $want eq '' ? 'none' : 'rows' }++;

		my $pg = $node->safe_psql('postgres', qq{
			SELECT pg_validate('ALTER TABLE $c->{table} VALIDATE CONSTRAINT $c->{name}')});
		my $dry = $node->safe_psql('postgres', qq{
			SELECT status FROM ri_audit.validate('$c->{table}', '$c->{name}')});
		is($dry, $pg eq 'ok' ? 'would validate' : 'violations',
			"round $round: validate($c->{table}.$c->{name}) dry run says what VALIDATE does ($pg)");
		$seen_verdict{ $pg eq 'ok' ? 'valid' : 'invalid' }++;
		$compared++;
	}

	my $want = $node->safe_psql('postgres', qq{
		SELECT v FROM (
			SELECT pg_domain_verdict('$s.dt', 'x', 'int', '$s.dbase') v
			UNION ALL
			SELECT pg_domain_verdict('$s.dt', 'y', 'int', '$s.dbase')) q
		 ORDER BY 1});
	my $got = $node->safe_psql('postgres', qq{
		SELECT table_name::text || ':' || row_ctid::text || ':' || column_name
		  FROM ri_audit.check_violations(
			(SELECT oid FROM pg_constraint WHERE conname = 'dbase_check'
			   AND contypid = '$s.dbase'::regtype))
		 ORDER BY 1});
	is($got, $want, "round $round: domain check_violations = PostgreSQL's rejections");
	my $pg = $node->safe_psql('postgres', qq{
		SELECT pg_validate('ALTER DOMAIN $s.dbase VALIDATE CONSTRAINT dbase_check')});
	my $dry = $node->safe_psql('postgres', qq{
		SELECT status FROM ri_audit.validate(
			(SELECT oid FROM pg_constraint WHERE conname = 'dbase_check'
			   AND contypid = '$s.dbase'::regtype))});
	is($dry, $pg eq 'ok' ? 'would validate' : 'violations',
		"round $round: domain validate dry run says what VALIDATE does ($pg)");
	$compared++;
}

# The comparisons must have had something to compare: constraints with
# rejected rows and without, VALIDATE succeeding and failing, rows in the
# children and partitions.
cmp_ok($seen_verdict{$_} // 0, '>', 0, "some constraints: $_")
  for qw(rows none valid invalid);
cmp_ok($compared, '>=', 10, 'enough constraints compared');
my $where = $node->safe_psql('postgres', q{
	SELECT count(DISTINCT v.table_name)
	  FROM pg_constraint c, ri_audit.check_violations(c.oid) v
	 WHERE c.contype = 'c' AND c.conrelid <> 0
	   AND c.conrelid::regclass::text ~ '^s1\.(parent|part)$'});
cmp_ok($where, '>=', 3, 'violations found in children and partitions');

$node->stop;
done_testing();
