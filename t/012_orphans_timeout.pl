# Copyright (c) 2026, ri_audit developers
#
# A long orphan scan stops on statement_timeout and on pg_cancel_backend(),
# leaving the server and the session usable.  The data has many orphans so
# that the sort (work_mem kept small, so it spills to disk) and the result
# take a while; no timing is asserted, only that the statement was stopped.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('orph_timeout');
$node->init;
$node->append_conf('postgresql.conf', "work_mem = '64kB'");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE TABLE parent (id int PRIMARY KEY);
	CREATE TABLE child (id int, parent_id int, pad text);
	INSERT INTO child
		SELECT g, g, 'padding padding padding' FROM generate_series(1, 300000) g;
	ALTER TABLE child ADD CONSTRAINT child_parent_fkey
		FOREIGN KEY (parent_id) REFERENCES parent NOT VALID;
});

# statement_timeout
my ($ret, $stdout, $stderr) = $node->psql(
	'postgres', q{
	SET statement_timeout = '20ms';
	SELECT count(*) FROM ri_audit.orphans('child'::regclass, 'child_parent_fkey');
});
isnt($ret, 0, 'orphans() fails under a short statement_timeout');
like($stderr, qr/canceling statement due to statement timeout/,
	'orphans() stopped by statement_timeout');

($ret, $stdout, $stderr) = $node->psql(
	'postgres', q{
	SET statement_timeout = '20ms';
	SELECT count(*) FROM ri_audit.check_foreign_keys('{child}', 100000);
});
like($stderr, qr/canceling statement due to statement timeout/,
	'check_foreign_keys() stopped by statement_timeout');

# pg_cancel_backend from another session.
my $bg = $node->background_psql('postgres', on_error_stop => 0);
my $pid = $bg->query_safe('SELECT pg_backend_pid()');
$bg->query_until(
	qr/started/, q{
	\echo started
	SELECT count(*) FROM ri_audit.orphans('child'::regclass, 'child_parent_fkey');
});
ok( $node->poll_query_until(
		'postgres', qq{
	SELECT pg_cancel_backend($pid)
	  FROM pg_stat_activity
	 WHERE pid = $pid AND state = 'active'
	   AND query LIKE '%ri_audit.orphans%'}),
	'the scan was running and got the cancel');
$bg->quit;
like($bg->{stderr}, qr/canceling statement due to user request/,
	'orphans() stopped by pg_cancel_backend');

# The server is fine and the same query completes without a limit.
is( $node->safe_psql(
		'postgres', q{
	SELECT count(*) FROM ri_audit.orphans('child'::regclass, 'child_parent_fkey', 10)}),
	'10',
	'the server still answers');

$node->stop;
done_testing();
