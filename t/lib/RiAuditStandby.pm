# Copyright (c) 2026, ri_audit developers
#
# RiAuditStandby: the primary and hot standby pair of the standby tests
# (t/021, t/027, t/061), and their one check: a read-only call answers the
# same on the primary, on the standby, and in a READ ONLY transaction on the
# primary.

package RiAuditStandby;

use strict;
use warnings;

use Exporter 'import';
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

our @EXPORT = qw(start_primary start_standby same_on_standby);

# A started primary that allows streaming, with messages in English.
sub start_primary
{
	my $primary = PostgreSQL::Test::Cluster->new('primary');
	$primary->init(allows_streaming => 1);
	$primary->append_conf('postgresql.conf', "lc_messages = 'C'\n");
	$primary->start;
	return $primary;
}

# A hot standby of $primary from a new base backup, caught up with it; one
# test that it is in recovery.
sub start_standby
{
	my ($primary) = @_;

	$primary->backup('backup');
	my $standby = PostgreSQL::Test::Cluster->new('standby');
	$standby->init_from_backup($primary, 'backup', has_streaming => 1);
	$standby->append_conf('postgresql.conf', "lc_messages = 'C'\n");
	$standby->start;
	$primary->wait_for_catchup($standby);
	is($standby->safe_psql('postgres', 'SELECT pg_is_in_recovery()'),
		't', 'the standby is in recovery');
	return $standby;
}

# Three tests of query $q, named by $label: the standby's answer and that of
# a READ ONLY transaction on the primary are the primary's.  Returns the
# primary's answer, for the caller's own checks of it.
sub same_on_standby
{
	my ($primary, $standby, $q, $label) = @_;
	my $on_primary = $primary->safe_psql('postgres', $q);

	is($standby->safe_psql('postgres', $q), $on_primary,
		"$label: the standby gives the primary's answer");
	is( $primary->safe_psql(
			'postgres', "BEGIN TRANSACTION READ ONLY; $q; COMMIT;"),
		$on_primary,
		"$label: the same answer in a read-only transaction");
	return $on_primary;
}

1;
