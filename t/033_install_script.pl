# Copyright (c) 2026, ri_audit developers
#
# The install and upgrade scripts follow PostgreSQL's rules for extension
# scripts
# (https://www.postgresql.org/docs/15/extend-extensions.html#EXTEND-EXTENSIONS-SECURITY),
# read from the repository's files, statement by statement:
#  - no CREATE OR REPLACE and no IF NOT EXISTS: the script creates every
#    object it owns, and fails rather than adopt one someone planted (an
#    upgrade script may CREATE OR REPLACE a view or function that an earlier
#    script created: the extension owns it, so it cannot be a planted one);
#  - every CREATE FUNCTION states LANGUAGE and a PARALLEL label; every one
#    that reads table data is followed by REVOKE ALL ... FROM PUBLIC on
#    exactly that function (the catalog-only ones may keep PUBLIC's EXECUTE);
#  - no SECURITY DEFINER (every function runs as its caller);
#  - SQL-language bodies and views name operators as OPERATOR(pg_catalog.x)
#    and never rely on the search_path: no bare comparison operator outside
#    comments and string literals in a view or SQL body.
# The catalog side (labels, EXECUTE for PUBLIC) is in sql/hardening_install.sql.

use strict;
use warnings;

use PostgreSQL::Test::Utils;
use Test::More;

my @scripts = glob('ri_audit--*.sql');
ok(-f 'ri_audit--1.0.sql', 'base install script found');

# Objects created by the scripts, by name: what an upgrade script may
# replace.
my %created;
for my $script (@scripts)
{
	my $text = slurp_file($script);
	$created{$1} = 1
	  while $text =~ /^\s*CREATE\s+(?:VIEW|FUNCTION)\s+([\w@."]+)/gim;
}

for my $script (@scripts)
{
	check_script($script);
}

done_testing();

sub check_script
{
	my ($script) = @_;
	my $text = slurp_file($script);

	# Remove comments and string literals (keeping dollar-quoted bodies, whose
	# code must be qualified too, but removing their quote marks).
	my $code = $text;
	$code =~ s{/\*.*?\*/}{}gs;
	$code =~ s/--[^\n]*//g;
	$code =~ s/'(?:[^']|'')*'/''/g;
	# The psql guard is not a statement.
	$code =~ s/^\\echo[^\n]*\n//mg;
	# A dollar-quoted body is part of its CREATE statement: its semicolons
	# do not end statements.
	$code =~ s{(\$\w*\$)(.*?)\1}{my ($q, $b) = ($1, $2); $b =~ s/;/ /g; "$q$b$q"}gse;

	my $upgrade = $script =~ /--.*--/;
	my @replaced = $code =~ /\bCREATE\s+OR\s+REPLACE\s+(?:VIEW|FUNCTION)\s+([\w@."]+)/gi;
	if ($upgrade)
	{
		my @foreign = grep { !$created{$_} } @replaced;
		is(join(' ', @foreign), '',
			"$script: CREATE OR REPLACE only on objects the scripts create");
		$code =~ s/\bCREATE\s+OR\s+REPLACE\s+(VIEW|FUNCTION)\b/CREATE $1/gi;
	}
	unlike($code, qr/\bCREATE\s+OR\s+REPLACE\b/i, "$script: no CREATE OR REPLACE");
	unlike($code, qr/\bIF\s+NOT\s+EXISTS\b/i, "$script: no IF NOT EXISTS");
	unlike($code, qr/\bSECURITY\s+DEFINER\b/i, "$script: no SECURITY DEFINER function");

	my @statements = split /;\s*\n/, $code;
	my @functions = grep { /^\s*CREATE\s+FUNCTION\b/i } @statements;
	cmp_ok(scalar @functions, '>', 0, "$script: creates functions");

	for my $i (0 .. $#statements)
	{
		my $st = $statements[$i];
		next unless $st =~ /^\s*CREATE\s+FUNCTION\s+([\w@."]+)\s*\(/i;
		my $name = $1;
		like($st, qr/\bLANGUAGE\s+\w+/i, "$name: LANGUAGE stated");
		like($st, qr/\bPARALLEL\s+(SAFE|RESTRICTED|UNSAFE)\b/i,
			"$name: explicit PARALLEL label");
		# Catalog-only functions may stay executable by PUBLIC.
		next
		  if $name =~
		  /\.(drop_preview|assert_drop_safe|load_order|foreign_key_graph|unindexed_foreign_keys|report|report_json|assert_all_valid)$/;
		# The REVOKE that follows names the same function with its argument types.
		my ($revoke) = grep { /^\s*REVOKE\s+ALL\s+ON\s+FUNCTION\s+\Q$name\E\s*\(/i }
		  @statements[ $i + 1 .. $#statements ];
		ok(defined $revoke && $revoke =~ /FROM\s+PUBLIC\s*$/i,
			"$name: REVOKE ALL ... FROM PUBLIC follows");
	}

	# Views and SQL-language bodies: operators qualified.  A bare =, <>, <, >,
	# <=, >= between operands is resolved through the caller's search_path in a
	# SQL body, and through the creator's when a view is stored.
	for my $st (@statements)
	{
		next unless $st =~ /^\s*CREATE\s+(VIEW|FUNCTION)\s+([\w@."]+)/i;
		my ($kind, $name) = ($1, $2);
		next if $kind =~ /FUNCTION/i && $st !~ /\bLANGUAGE\s+(sql|plpgsql)\b/i;
		my $body = $st;
		# Named argument defaults (=> and DEFAULT), OPERATOR(...) and the
		# assignments of SET search_path = ... and UPDATE ... SET col = ... are
		# fine.
		$body =~ s/OPERATOR\s*\([^)]*\)//gi;
		$body =~ s/=>//g;
		$body =~ s/\bSET\s+[\w.]+\s*=//gi;
		my @bare = $body =~ /(\S+\s*(?:<>|<=|>=|!=|=|<|>)\s*\S+)/g;
		# "WHEN 'x' THEN" in CASE uses = implicitly: the view is stored with the
		# operator resolved at CREATE EXTENSION time (search_path = the
		# extension's schema, pg_catalog first), which is safe for views only.
		is(join(' | ', @bare), '', "$kind $name: no bare comparison operator");
	}
}
