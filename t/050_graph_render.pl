# Copyright (c) 2026, ri_audit developers
#
# foreign_key_graph()'s text is what the tools that draw it accept:
#  - the DOT text renders to SVG with Graphviz (dot -Tsvg), one edge per
#    foreign key;
#  - the Mermaid text parses with Mermaid's own parser (the mermaid npm
#    package under node, tools/mermaid/check.mjs; tools/mermaid.sh installs
#    it and tools/test.sh sets RI_AUDIT_MERMAID_DIR), and the relationships
#    the parser reads are the keys: their tables, cardinalities, NOT VALID as
#    a non-identifying (dotted) line, and their labels, names with quotes,
#    "%%", "#", ";", brackets, newlines and emoji included.
# Without graphviz or the Mermaid parser the test is skipped, unless
# RI_AUDIT_MERMAID_DIR is set (tools/test.sh and tools/test_deb.sh set it,
# and count a skipped file as neither passed nor failed): then it fails.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $mermaid_dir = $ENV{RI_AUDIT_MERMAID_DIR} // '';
my ($dot_ok) = run_command([ 'sh', '-c', 'command -v dot' ]);
my $missing =
    !$dot_ok ? 'graphviz (dot) is not installed'
  : !($mermaid_dir ne '' && -f "$mermaid_dir/.complete")
  ? 'RI_AUDIT_MERMAID_DIR does not name the Mermaid parser (tools/mermaid.sh)'
  : undef;
if (defined $missing)
{
	plan skip_all => $missing unless defined $ENV{RI_AUDIT_MERMAID_DIR};
	fail($missing);
	done_testing();
	exit;
}

my $node = PostgreSQL::Test::Cluster->new('graph');
$node->init;
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE SCHEMA shop;
	CREATE TABLE shop.customers (id int PRIMARY KEY);
	CREATE TABLE shop.orders (id int PRIMARY KEY,
		customer_id int NOT NULL REFERENCES shop.customers ON DELETE CASCADE,
		parent_id int REFERENCES shop.orders ON DELETE SET NULL);
	CREATE TABLE shop.lines (order_id int, n int, PRIMARY KEY (order_id, n));
	ALTER TABLE shop.lines ADD FOREIGN KEY (order_id) REFERENCES shop.orders NOT VALID;
	CREATE SCHEMA "we""ird %% #; {x}";
	CREATE TABLE "we""ird %% #; {x}"."t|o:1
2 🙂" (id int PRIMARY KEY,
		"col ""a""" int CONSTRAINT "k %% #quot; ""q"" : x" REFERENCES shop.customers);
	CREATE TABLE shop.back (id int REFERENCES "we""ird %% #; {x}"."t|o:1
2 🙂");
	-- A cycle.
	CREATE TABLE shop.a (id int PRIMARY KEY, b_id int);
	CREATE TABLE shop.b (id int PRIMARY KEY, a_id int REFERENCES shop.a);
	ALTER TABLE shop.a ADD FOREIGN KEY (b_id) REFERENCES shop.b;
	-- Partition clones are not edges of their own.
	CREATE TABLE shop.events (at date, customer_id int REFERENCES shop.customers)
		PARTITION BY RANGE (at);
	CREATE TABLE shop.events_1 PARTITION OF shop.events
		FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
});
my $nkeys = $node->safe_psql('postgres',
	'SELECT count(*) FROM ri_audit.foreign_keys WHERE parent_fk IS NULL');
is($nkeys, '8', 'eight top-level foreign keys');

my $dir = PostgreSQL::Test::Utils::tempdir();

# DOT renders, with one edge per key.
my $dot = $node->safe_psql('postgres', 'SELECT ri_audit.foreign_key_graph()');
append_to_file("$dir/graph.dot", $dot . "\n");
my ($svg, $err) = run_command([ 'dot', '-Tsvg', "$dir/graph.dot" ]);
is($err, '', 'dot -Tsvg: no warning or error');
like($svg, qr/<svg\b/, 'dot -Tsvg: an SVG document');
my $edges = () = $svg =~ /<g id="edge\d+" class="edge">/g;
is($edges, $nkeys, 'the SVG has one edge per foreign key');
like($svg, qr/stroke-dasharray/, 'the NOT VALID key is dashed');

# Mermaid parses, and reads the keys back.
sub parse_mermaid
{
	my ($name, $text) = @_;
	my $file = "$dir/$name.mmd";
	append_to_file($file, $text . "\n");
	local $ENV{RI_AUDIT_MERMAID_DIR} = $mermaid_dir;
	my ($out, $stderr) =
	  run_command([ 'node', 'tools/mermaid/check.mjs', $file ]);
	diag($stderr) if $stderr ne '';
	$out =~ s/^\Q$file\E: //;
	return $out;
}

# What each key should read as: referenced entity, cardinality, line type,
# referencing entity, label (NO ACTION is not written).
my $want = $node->safe_psql('postgres', q{
	SELECT string_agg(format('  %s %s-%s-ZERO_OR_MORE %s : %s%s%s%s',
			pg_catalog.format('%I.%I', rn.nspname, r.relname),
			CASE WHEN (SELECT bool_and(a.attnotnull) FROM pg_attribute a
						WHERE a.attrelid = f.table_name AND a.attname = ANY (f.columns))
				 THEN 'ONLY_ONE' ELSE 'ZERO_OR_ONE' END,
			CASE WHEN f.validated THEN 'IDENTIFYING' ELSE 'NON_IDENTIFYING' END,
			pg_catalog.format('%I.%I', tn.nspname, t.relname),
			f.fk_name || ' (' || array_to_string(f.columns, ', ') || ')',
			CASE WHEN f.on_delete <> 'NO ACTION' THEN ' ON DELETE ' || f.on_delete ELSE '' END,
			CASE WHEN NOT f.validated THEN ', NOT VALID' ELSE '' END,
			CASE WHEN NOT f.has_index THEN ', no index' ELSE '' END),
		E'\n' ORDER BY pg_catalog.format('%I.%I', tn.nspname, t.relname) COLLATE "C",
					   f.fk_name COLLATE "C")
	  FROM ri_audit.foreign_keys f
	  JOIN pg_class t ON t.oid = f.table_name
	  JOIN pg_namespace tn ON tn.oid = t.relnamespace
	  JOIN pg_class r ON r.oid = f.referenced_table
	  JOIN pg_namespace rn ON rn.oid = r.relnamespace
	 WHERE f.parent_fk IS NULL});

my $ntables = $node->safe_psql('postgres', q{
	SELECT count(DISTINCT x) FROM ri_audit.foreign_keys f,
		   LATERAL (VALUES (f.table_name), (f.referenced_table)) v(x)
	 WHERE f.parent_fk IS NULL});
my $mermaid = $node->safe_psql('postgres',
	"SELECT ri_audit.foreign_key_graph(format => 'mermaid')");
is( parse_mermaid('whole', $mermaid),
	"er $ntables entities $nkeys relationships\n$want",
	'the Mermaid text parses, with every key read back as drawn');

# depth: the part near the odd table, one hop.
my $near = $node->safe_psql('postgres', q{
	SELECT ri_audit.foreign_key_graph(ARRAY['"we""ird %% #; {x}"."t|o:1
2 🙂"']::regclass[], 'mermaid', 1)});
like(parse_mermaid('near', $near),
	qr/^er 3 entities 2 relationships\n/,
	'depth 1 from the odd table: it, customers and back, and their two keys');

# The checker does fail on a text that is not an erDiagram: one quote left
# unescaped.
(my $broken = $mermaid) =~ s/#34;/"/;
like(parse_mermaid('broken', $broken), qr/^error /,
	'an unescaped quote makes the parser fail: the check can fail');

$node->stop;
done_testing();
