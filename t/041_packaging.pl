# Copyright (c) 2026, ri_audit developers
#
# The version is told the same everywhere it is written, and every script
# is installed:
#  - META.json (PGXN) is valid JSON, meta-spec 1.0.0, with the required
#    keys, and its versions are the control file's default_version (as
#    "X.Y.0", PGXN's semantic versions);
#  - debian/changelog's version is the same;
#  - the server's extension directory (pg_config --sharedir) holds every
#    ri_audit--*.sql of the tree, unchanged (Makefile DATA, or the Debian
#    package, installs them all).

use strict;
use warnings;

use JSON::PP;
use PostgreSQL::Test::Utils;
use Test::More;

my ($default) = slurp_file('ri_audit.control') =~ /^default_version\s*=\s*'([^']+)'/m;
ok(defined $default, "control file: default_version $default");

my $meta = eval { JSON::PP->new->decode(slurp_file('META.json')) };
ok($meta, 'META.json parses as JSON') or diag($@);
is($meta->{'meta-spec'}{version}, '1.0.0', 'META.json: meta-spec 1.0.0');
for my $key (qw(name abstract version maintainer license provides meta-spec))
{
	ok(exists $meta->{$key}, "META.json: $key present");
}
is($meta->{version}, "$default.0", 'META.json: version is the default_version');
is($meta->{provides}{ri_audit}{version}, "$default.0",
	'META.json: provides ri_audit at the default_version');
ok(-f $meta->{provides}{ri_audit}{file}, 'META.json: the provided file exists');
is($meta->{prereqs}{runtime}{requires}{PostgreSQL}, '15.0.0',
	'META.json: requires PostgreSQL 15');

my ($deb) = slurp_file('debian/changelog') =~ /^ri-audit \(([^)]+)\)/;
is($deb, "$default.0", 'debian/changelog: the same version');

my ($sharedir) = run_command([ 'pg_config', '--sharedir' ]);
chomp $sharedir;
my @scripts = glob('ri_audit--*.sql');
cmp_ok(scalar @scripts, '>=', 2, 'a base and an upgrade script');
for my $s (@scripts)
{
	my $installed = "$sharedir/extension/$s";
	ok(-f $installed && slurp_file($installed) eq slurp_file($s),
		"$s is installed, unchanged");
}

done_testing();
