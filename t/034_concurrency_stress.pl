# Copyright (c) 2026, ri_audit developers
#
# Concurrency stress: for 15 seconds, pgbench clients run every function of
# ri_audit (check_foreign_keys, orphans by oid and by name, validate with
# and without dry run, validate_all, assert_no_orphans, drop_preview) while
# other clients drop, recreate, alter, retype, truncate and validate the
# same tables and keys, and write to them.  Each call runs in a DO block
# that records its SQLSTATE.  Asserted: the functions only ever fail with
# clean errors (no XX class: no "cache lookup failed", "could not open
# relation", no internal error), every function succeeded many times, no
# backend crashed and the server never restarted, and afterwards orphans()
# agrees with an independent anti-join on every key that is left.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('stress');
$node->init;
$node->append_conf('postgresql.conf', q{
log_statement = none
log_min_messages = warning
deadlock_timeout = 100ms
});
$node->start;
my $start_time =
  $node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()');

my $nparents = 4;
my $nchildren = 8;
$node->safe_psql('postgres', qq{
	CREATE EXTENSION ri_audit;
	CREATE TABLE stress_log (what text, sqlstate text, message text);
	DO \$\$
	BEGIN
		FOR p IN 1 .. $nparents LOOP
			EXECUTE format('CREATE TABLE s_parent_%s (id int PRIMARY KEY)', p);
			EXECUTE format('INSERT INTO s_parent_%s SELECT generate_series(1, 5)', p);
		END LOOP;
		FOR j IN 1 .. $nchildren LOOP
			EXECUTE format('CREATE TABLE s_child_%s (id int, pid int)', j);
			EXECUTE format('INSERT INTO s_child_%s SELECT g, g %% 7 FROM generate_series(1, 50) g', j);
			EXECUTE format('ALTER TABLE s_child_%s ADD CONSTRAINT s_fk_%s FOREIGN KEY (pid) '
				'REFERENCES s_parent_%s NOT VALID', j, j, 1 + j % $nparents);
		END LOOP;
	END \$\$;
});

# Every script is one DO block recording its outcome in stress_log.
sub script
{
	my ($what, $vars, $body) = @_;
	return qq{$vars
DO \$\$
BEGIN
	SET LOCAL lock_timeout = '2s';
	$body
	INSERT INTO stress_log VALUES ('$what', '00000', NULL);
EXCEPTION WHEN OTHERS THEN
	INSERT INTO stress_log VALUES ('$what', SQLSTATE, SQLERRM);
END \$\$;
};
}

my $vars = "\\set j random(1, $nchildren)\n\\set p random(1, $nparents)\n"
  . "\\set a random(1, 9)\n\\set dry random(0, 1)";

my %scripts = (
	'ddl@4' => script('ddl', $vars, q{
	CASE :a
	WHEN 1 THEN
		DROP TABLE IF EXISTS s_child_:j ;
		CREATE TABLE s_child_:j (id int, pid int);
		INSERT INTO s_child_:j SELECT g, g % 7 FROM generate_series(1, 50) g;
		ALTER TABLE s_child_:j ADD CONSTRAINT s_fk_:j FOREIGN KEY (pid)
			REFERENCES s_parent_:p NOT VALID;
	WHEN 2 THEN
		ALTER TABLE s_child_:j ADD COLUMN x int;
	WHEN 3 THEN
		ALTER TABLE s_child_:j DROP COLUMN x;
	WHEN 4 THEN
		ALTER TABLE s_child_:j ALTER COLUMN pid TYPE bigint;
	WHEN 5 THEN
		ALTER TABLE s_child_:j ALTER COLUMN pid TYPE int;
	WHEN 6 THEN
		ALTER TABLE s_child_:j DROP CONSTRAINT s_fk_:j ;
	WHEN 7 THEN
		ALTER TABLE s_child_:j ADD CONSTRAINT s_fk_:j FOREIGN KEY (pid)
			REFERENCES s_parent_:p NOT VALID;
	WHEN 8 THEN
		TRUNCATE s_child_:j ;
		INSERT INTO s_child_:j SELECT g, g % 6 FROM generate_series(1, 30) g;
	ELSE
		DROP TABLE s_parent_:p CASCADE;
		CREATE TABLE s_parent_:p (id int PRIMARY KEY);
		INSERT INTO s_parent_:p SELECT generate_series(1, 5);
	END CASE;}),
	'dml@2' => script('dml', $vars, q{
	SET LOCAL session_replication_role = replica;
	INSERT INTO s_child_:j VALUES (1000 + :a, 90 + :a);
	DELETE FROM s_child_:j WHERE id = 1000 + :p ;
	UPDATE s_child_:j SET pid = :a WHERE id = :p ;
	INSERT INTO s_parent_:p VALUES (100 + :a) ON CONFLICT DO NOTHING;
	DELETE FROM s_parent_:p WHERE id = 100 + :j ;}),
	'check@2' => script('check_foreign_keys', $vars, q{
	PERFORM count(*) FROM ri_audit.check_foreign_keys();
	PERFORM count(*) FROM ri_audit.check_foreign_keys(
		ARRAY['s_child_:j', 's_child_1']::regclass[], :a);}),
	'summary@1' => script('orphan_summary', $vars, q{
	PERFORM count(*) FROM ri_audit.orphan_summary;}),
	'orphans@2' => script('orphans', $vars, q{
	PERFORM count(*) FROM pg_constraint c, ri_audit.orphans(c.oid) o
	 WHERE c.conname = 's_fk_:j' ;
	PERFORM count(*) FROM ri_audit.orphans('s_child_:j'::regclass, 's_fk_:j', :a);}),
	'validate@2' => script('validate', $vars, q{
	PERFORM count(*) FROM pg_constraint c,
		ri_audit.validate(c.oid, :dry = 1, '100ms') v
	 WHERE c.conname = 's_fk_:j' ;}),
	'validate_all@1' => script('validate_all', $vars, q{
	PERFORM count(*) FROM ri_audit.validate_all(dry_run => true);}),
	'assert@1' => script('assert_no_orphans', $vars, q{
	PERFORM ri_audit.assert_no_orphans(ARRAY['s_child_:j']::regclass[]);}),
	'preview@2' => script('drop_preview', $vars, q{
	PERFORM count(*) FROM ri_audit.drop_preview('DROP TABLE s_parent_:p');
	PERFORM count(*) FROM ri_audit.drop_preview('ALTER TABLE s_child_:j DROP COLUMN pid');
	PERFORM ri_audit.assert_drop_safe('ALTER TABLE s_child_:j DROP CONSTRAINT s_fk_:j');}),
);

# Notices (drop cascades to ...) are not what this test looks at.
$ENV{PGOPTIONS} = '-c client_min_messages=warning';
$node->pgbench('--no-vacuum --client=6 --jobs=2 --time=15', 0,
	[qr{processed: \d+}], [qr{^$}], 'pgbench runs the functions and the DDL', \%scripts);

my $summary = $node->safe_psql('postgres', q{
	SELECT what || ' ' || sqlstate || ' ' || count(*)
	  FROM stress_log GROUP BY what, sqlstate ORDER BY what, sqlstate});
note "function sqlstate count:\n$summary";
note "errors of the functions:\n" . $node->safe_psql('postgres', q{
	SELECT DISTINCT what || ' ' || sqlstate || ': '
		   || regexp_replace(message, '[0-9]{4,}', 'N', 'g')
	  FROM stress_log
	 WHERE what NOT IN ('ddl', 'dml') AND sqlstate <> '00000'
	 ORDER BY 1});

# The functions: clean errors only.
my $bad = $node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT what || ' ' || sqlstate || ': ' || message, E'\n')
	  FROM stress_log
	 WHERE what NOT IN ('ddl', 'dml')
	   AND (sqlstate LIKE 'XX%' OR sqlstate LIKE '58%'
			OR sqlstate NOT SIMILAR TO '(00|0A|22|23|2B|40|42|55|57)%')});
is($bad, '', 'the functions raised only clean errors under concurrent DDL and DML');

# Every function did answer, many times.
for my $what (qw(check_foreign_keys orphan_summary orphans validate
	validate_all assert_no_orphans drop_preview))
{
	my $ok = $node->safe_psql('postgres', qq{
		SELECT count(*) FROM stress_log
		 WHERE what = '$what' AND sqlstate IN ('00000', '23503')});
	cmp_ok($ok, '>', 5, "$what answered $ok times");
}
my $ddl = $node->safe_psql('postgres', q{
	SELECT count(*) FROM stress_log WHERE what = 'ddl' AND sqlstate = '00000'});
cmp_ok($ddl, '>', 20, "$ddl DDL statements succeeded meanwhile");

# The random DDL may have dropped every key (DROP TABLE ... CASCADE of the
# parents): add back the missing ones, NOT VALID over whatever rows the run
# left, so the check below always has keys to compare.
$node->safe_psql('postgres', qq{
	DO \$\$
	BEGIN
		FOR j IN 1 .. $nchildren LOOP
			IF to_regclass(format('s_child_%s', j)) IS NOT NULL
			   AND NOT EXISTS (SELECT 1 FROM pg_constraint
								WHERE conname = format('s_fk_%s', j)) THEN
				EXECUTE format('ALTER TABLE s_child_%s ADD CONSTRAINT s_fk_%s '
					'FOREIGN KEY (pid) REFERENCES s_parent_%s NOT VALID',
					j, j, 1 + j % $nparents);
			END IF;
		END LOOP;
	END \$\$;
});

# Afterwards, orphans() agrees with an independent anti-join on every key.
my $after = $node->safe_psql('postgres', q{
	CREATE FUNCTION pg_temp.naive_orphans(con oid) RETURNS bigint
	LANGUAGE plpgsql AS $$
	DECLARE
		r record;
		n bigint;
	BEGIN
		SELECT c.conrelid::regclass AS fk, c.confrelid::regclass AS pk,
			   fa.attname AS fkcol, pa.attname AS pkcol
		  INTO r
		  FROM pg_constraint c
		  JOIN pg_attribute fa ON fa.attrelid = c.conrelid AND fa.attnum = c.conkey[1]
		  JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
		 WHERE c.oid = con;
		EXECUTE format('SELECT count(*) FROM ONLY %s f WHERE f.%I IS NOT NULL '
			'AND NOT EXISTS (SELECT 1 FROM ONLY %s p WHERE p.%I = f.%I)',
			r.fk, r.fkcol, r.pk, r.pkcol, r.fkcol) INTO n;
		RETURN n;
	END $$;
	SELECT count(*) || ' ' || count(*) FILTER (
			WHERE (SELECT count(*) FROM ri_audit.orphans(c.oid))
				  <> pg_temp.naive_orphans(c.oid))
	  FROM pg_constraint c
	 WHERE c.contype = 'f' AND c.conname LIKE 's\_fk\_%'});
my ($nkeys, $ndiff) = split / /, $after;
cmp_ok($nkeys, '>', 0, "$nkeys keys left after the run");
is($ndiff, '0', 'orphans() agrees with an anti-join on every key left');

is($node->safe_psql('postgres', 'SELECT pg_postmaster_start_time()'),
	$start_time, 'the server never restarted');
unlike(slurp_file($node->logfile),
	qr/terminated by signal|was terminated|PANIC:|TRAP:/, 'no backend crashed');

$node->stop;
done_testing();
