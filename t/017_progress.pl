# Copyright (c) 2026, ri_audit developers
#
# SET ri_audit.progress = on: check_foreign_keys() sends one NOTICE per key,
# in the order the keys are checked (tables grouped by the referenced keys
# they read; here that is name order), once the key's table has been read:
# the key, its table, its position, rows checked, orphans, and the time
# taken (for the key, and since the call started), or why it was skipped.
# The times are replaced by "T" before comparing; no time is asserted.  Off
# (the default): no NOTICE.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('progress');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE p (id int PRIMARY KEY, t text UNIQUE, n numeric UNIQUE);
	INSERT INTO p SELECT g, 'k' || g, g FROM generate_series(1, 100) g;
	CREATE TABLE a (id int REFERENCES p, t text REFERENCES p (t));
	INSERT INTO a SELECT g, 'k' || g FROM generate_series(1, 50) g;
	CREATE TABLE b (n numeric REFERENCES p (n));
	INSERT INTO b SELECT g FROM generate_series(1, 30) g;
	SET session_replication_role = replica;
	INSERT INTO a VALUES (101, 'k1'), (102, 'nope');
	INSERT INTO b VALUES (500);
	RESET session_replication_role;
	CREATE ROLE reader;
	GRANT USAGE ON SCHEMA ri_audit TO reader;
	GRANT SELECT ON a, p TO reader;
	GRANT EXECUTE ON FUNCTION ri_audit.check_foreign_keys(regclass[], int4) TO reader;
});

sub progress
{
	my ($sql) = @_;
	my ($out, $err) = ('', '');
	$node->psql('postgres', $sql, stdout => \$out, stderr => \$err,
		on_error_die => 1);
	$err =~ s/[0-9]+\.[0-9]{3} ms/T ms/g;
	$err =~ s/^psql:<stdin>:[0-9]+: //mg;
	return ($out, $err);
}

my ($out, $err) = progress(q{
	SELECT fk_name, status, orphan_count FROM ri_audit.check_foreign_keys()});
is($err, '', 'no NOTICE by default');

($out, $err) = progress(q{
	SET ri_audit.progress = on;
	SELECT fk_name, status, orphan_count FROM ri_audit.check_foreign_keys()});
is($out, "a_id_fkey|orphans|2\na_t_fkey|orphans|1\nb_n_fkey|orphans|1",
	'the check itself');
is( $err,
	qq{NOTICE:  foreign key constraint "a_id_fkey" on table "a" (1 of 3) checked: 52 rows, 2 orphans, T ms, T ms in all
NOTICE:  foreign key constraint "a_t_fkey" on table "a" (2 of 3) checked: 52 rows, 1 orphans, T ms, T ms in all
NOTICE:  foreign key constraint "b_n_fkey" on table "b" (3 of 3) checked: 31 rows, 1 orphans, T ms, T ms in all},
	'one NOTICE per key: rows, orphans, times (both paths)');

# A key the caller may not check: the NOTICE says what status says.
($out, $err) = progress(q{
	SET ROLE reader;
	SET ri_audit.progress = on;
	SELECT status || '|' || reason FROM ri_audit.check_foreign_keys() WHERE fk_name = 'b_n_fkey'});
like($out, qr/^skipped\|permission denied /, 'b_n_fkey is skipped for reader');
my ($reason) = $out =~ /^skipped\|(.*)$/;
is( $err,
	qq{NOTICE:  foreign key constraint "a_id_fkey" on table "a" (1 of 3) checked: 52 rows, 2 orphans, T ms, T ms in all
NOTICE:  foreign key constraint "a_t_fkey" on table "a" (2 of 3) checked: 52 rows, 1 orphans, T ms, T ms in all
NOTICE:  foreign key constraint "b_n_fkey" on table "b" (3 of 3) skipped: $reason},
	'a skipped key: its reason');

$node->stop;
done_testing();
