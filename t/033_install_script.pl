# Copyright (c) 2026, ri_audit developers
#
# The install script follows PostgreSQL's rules for extension scripts
# (https://www.postgresql.org/docs/15/extend-extensions.html#EXTEND-EXTENSIONS-SECURITY),
# read from the repository's file, statement by statement:
#  - no CREATE OR REPLACE and no IF NOT EXISTS: the script creates every
#    object it owns, and fails rather than adopt one someone planted;
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

my ($script) = glob('ri_audit--*.sql');
ok(defined $script && -f $script, 'install script found');
my $text = slurp_file($script);

# Remove comments and string literals (keeping dollar-quoted bodies, whose
# code must be qualified too, but removing their quote marks).
my $code = $text;
$code =~ s/--[^\n]*//g;
$code =~ s{/\*.*?\*/}{}gs;
$code =~ s/'(?:[^']|'')*'/''/g;

unlike($code, qr/\bCREATE\s+OR\s+REPLACE\b/i, 'no CREATE OR REPLACE');
unlike($code, qr/\bIF\s+NOT\s+EXISTS\b/i, 'no IF NOT EXISTS');
unlike($code, qr/\bSECURITY\s+DEFINER\b/i, 'no SECURITY DEFINER function');

my @statements = split /;\s*\n/, $code;
my @functions = grep { /^\s*CREATE\s+FUNCTION\b/i } @statements;
cmp_ok(scalar @functions, '>', 0, 'the script creates functions');

for my $i (0 .. $#statements)
{
	my $st = $statements[$i];
	next unless $st =~ /^\s*CREATE\s+FUNCTION\s+([\w@."]+)\s*\(/i;
	my $name = $1;
	like($st, qr/\bLANGUAGE\s+\w+/i, "$name: LANGUAGE stated");
	like($st, qr/\bPARALLEL\s+(SAFE|RESTRICTED|UNSAFE)\b/i,
		"$name: explicit PARALLEL label");
	# Catalog-only functions may stay executable by PUBLIC.
	next if $name =~ /\.(drop_preview|assert_drop_safe|load_order|foreign_key_graph)$/;
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
	# Named argument defaults (=> and DEFAULT) and OPERATOR(...) are fine.
	$body =~ s/OPERATOR\s*\([^)]*\)//gi;
	$body =~ s/=>//g;
	my @bare = $body =~ /(\S+\s*(?:<>|<=|>=|!=|=|<|>)\s*\S+)/g;
	# "WHEN 'x' THEN" in CASE uses = implicitly: the view is stored with the
	# operator resolved at CREATE EXTENSION time (search_path = the
	# extension's schema, pg_catalog first), which is safe for views only.
	is(join(' | ', @bare), '', "$kind $name: no bare comparison operator");
}

done_testing();
