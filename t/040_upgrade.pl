# Copyright (c) 2026, ri_audit developers
#
# ALTER EXTENSION ri_audit UPDATE gives what a fresh CREATE EXTENSION gives,
# from every older version the installed scripts know, in a database that
# users have worked in.
#
# For each older version V (pg_available_extension_versions, so a new
# version is covered as soon as its script is installed): one database
# installs ri_audit at V, gets the users' state (tables with data and a NOT
# VALID key, a view of theirs on a member view, grants and revokes on every
# member, some by a grantee holding the grant option), and is updated to
# the default version; another installs the default version and then gets
# the same state, applied to the same member names.  Then:
#  - every member's definition is the same in both: pg_describe_object,
#    pg_get_functiondef, pg_get_viewdef, columns, owner, ACL, initial
#    privileges (pg_init_privs, what pg_dump compares the ACL with),
#    comments, and the extension's own row and schema;
#  - pg_dump of the two databases is the same text (users' grants included:
#    a grant lost, or recorded as the extension's own, shows here);
#  - the users can still do what their grants allowed, and PUBLIC still
#    cannot do what was revoked.
# sql/extension_members.sql shows the default version's definitions.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('upgrade');
$node->init;
$node->start;

my $default = $node->safe_psql('postgres',
	"SELECT default_version FROM pg_available_extensions WHERE name = 'ri_audit'");
my @older = split /\n/, $node->safe_psql('postgres', qq{
	SELECT version FROM pg_available_extension_versions
	 WHERE name = 'ri_audit' AND version <> '$default'
	 ORDER BY pg_catalog.string_to_array(version, '.')::int[]});
cmp_ok(scalar @older, '>', 0, "versions older than $default are installed");

$node->safe_psql('postgres', q{
	CREATE ROLE regress_auditor;
	CREATE ROLE regress_reader;
	CREATE ROLE regress_junior;
	CREATE ROLE regress_nobody;
});

# Tables and data of the users, and a view of theirs on a member view (only
# columns every version has).
my $user_objects = q{
	CREATE SCHEMA app;
	CREATE TABLE app.customers (id int PRIMARY KEY, name text);
	CREATE TABLE app.orders (id int PRIMARY KEY, customer_id int);
	CREATE TABLE app.lines (order_id int REFERENCES app.orders, n int);
	INSERT INTO app.customers SELECT g, 'c' || g FROM generate_series(1, 10) g;
	INSERT INTO app.orders SELECT g, g FROM generate_series(1, 12) g;
	INSERT INTO app.lines SELECT 1 + g % 12, g FROM generate_series(1, 30) g;
	ALTER TABLE app.orders ADD CONSTRAINT orders_customer_fkey
		FOREIGN KEY (customer_id) REFERENCES app.customers NOT VALID;
	GRANT USAGE ON SCHEMA app TO regress_auditor, regress_junior, regress_reader;
	GRANT SELECT ON ALL TABLES IN SCHEMA app TO regress_auditor, regress_junior;
	CREATE VIEW app.key_names AS
		SELECT fk_name, table_name FROM ri_audit.foreign_keys;
};

# Grants and revokes on the member functions and relations whose names are
# in functions and relations (the names the older version has, so that both
# databases get them on the same members):
# what PUBLIC may run or read is revoked from PUBLIC and granted to
# regress_reader; the rest is granted to regress_auditor WITH GRANT OPTION,
# and regress_auditor grants it on to regress_junior.
sub user_grants
{
	my ($functions, $relations) = @_;
	return qq{
	DO \$\$
	DECLARE
		m record;
	BEGIN
		FOR m IN
			SELECT p.oid::regprocedure AS f,
				   has_function_privilege('public', p.oid, 'EXECUTE') AS public
			  FROM pg_proc p
			  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
			 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
			   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
			   AND p.proname = ANY ('$functions'::name[])
			 ORDER BY 1
		LOOP
			IF m.public THEN
				EXECUTE format('REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC', m.f);
				EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO regress_reader', m.f);
			ELSE
				EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO regress_auditor WITH GRANT OPTION', m.f);
			END IF;
		END LOOP;
		FOR m IN
			SELECT c.oid::regclass AS r,
				   has_table_privilege('public', c.oid, 'SELECT') AS public
			  FROM pg_class c
			  JOIN pg_depend d ON d.classid = 'pg_class'::regclass AND d.objid = c.oid
			 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
			   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
			   AND c.relname = ANY ('$relations'::name[])
			 ORDER BY 1
		LOOP
			IF m.public THEN
				EXECUTE format('REVOKE SELECT ON %s FROM PUBLIC', m.r);
				EXECUTE format('GRANT SELECT ON %s TO regress_reader', m.r);
			ELSE
				EXECUTE format('GRANT SELECT ON %s TO regress_auditor', m.r);
			END IF;
		END LOOP;
	END
	\$\$;
	SET ROLE regress_auditor;
	DO \$\$
	DECLARE
		f regprocedure;
	BEGIN
		FOR f IN
			SELECT p.oid::regprocedure
			  FROM pg_proc p
			  JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
			 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
			   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
			   AND has_function_privilege('regress_auditor', p.oid, 'EXECUTE WITH GRANT OPTION')
			 ORDER BY 1
		LOOP
			EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO regress_junior', f);
		END LOOP;
	END
	\$\$;
	RESET ROLE;
	};
}

# Every member's definition, one line per fact, in a fixed order.
my $members_query = q{
	WITH m AS (
		SELECT d.classid, d.objid
		  FROM pg_depend d
		 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
	),
	facts(member, fact, value) AS (
		SELECT pg_describe_object(m.classid, m.objid, 0), 'identity',
			   pg_identify_object_as_address(m.classid, m.objid, 0)::text
		  FROM m
		UNION ALL
		SELECT pg_describe_object(m.classid, m.objid, 0), 'comment',
			   obj_description(m.objid, m.classid::regclass::name)
		  FROM m
		UNION ALL
		SELECT pg_describe_object(ip.classoid, ip.objoid, ip.objsubid), 'initial privileges',
			   ip.privtype::text || ' ' || ip.initprivs::text
		  FROM pg_init_privs ip
		  JOIN m ON m.classid = ip.classoid AND m.objid = ip.objoid
		UNION ALL
		SELECT pg_describe_object(m.classid, m.objid, 0), 'function',
			   pg_get_functiondef(p.oid) || ' owner ' || p.proowner::regrole::text ||
			   ' acl ' || coalesce(p.proacl::text, 'default')
		  FROM m JOIN pg_proc p ON m.classid = 'pg_proc'::regclass AND p.oid = m.objid
		UNION ALL
		SELECT pg_describe_object(m.classid, m.objid, 0), 'relation',
			   c.relkind::text || ' owner ' || c.relowner::regrole::text ||
			   ' acl ' || coalesce(c.relacl::text, 'default') ||
			   ' options ' || coalesce(c.reloptions::text, '') ||
			   ' query ' || coalesce(pg_get_viewdef(c.oid), '')
		  FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
		UNION ALL
		SELECT pg_describe_object(m.classid, m.objid, 0), 'column ' || a.attnum,
			   a.attname || ' ' || format_type(a.atttypid, a.atttypmod) ||
			   ' acl ' || coalesce(a.attacl::text, '') ||
			   ' comment ' || coalesce(col_description(c.oid, a.attnum), '')
		  FROM m JOIN pg_class c ON m.classid = 'pg_class'::regclass AND c.oid = m.objid
		  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
		UNION ALL
		SELECT 'extension', 'row',
			   e.extversion || ' owner ' || e.extowner::regrole::text ||
			   ' schema ' || e.extnamespace::regnamespace::text ||
			   ' relocatable ' || e.extrelocatable::text ||
			   ' config ' || coalesce(e.extconfig::text, '') ||
			   ' condition ' || coalesce(e.extcondition::text, '')
		  FROM pg_extension e WHERE e.extname = 'ri_audit'
		UNION ALL
		SELECT 'extension schema', 'row',
			   n.nspname || ' owner ' || n.nspowner::regrole::text ||
			   ' acl ' || coalesce(n.nspacl::text, 'default') ||
			   ' comment ' || coalesce(obj_description(n.oid, 'pg_namespace'), '')
		  FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
		 WHERE e.extname = 'ri_audit'
	)
	SELECT member || ' | ' || fact || ' | ' || coalesce(value, '(null)')
	  FROM facts
	 ORDER BY member COLLATE "C", fact COLLATE "C", value COLLATE "C"};

# pg_dump's text of a database, without the random key of its \restrict
# lines.
sub dump_db
{
	my ($db) = @_;
	my ($out, $err) = run_command([ 'pg_dump', '-d', $node->connstr($db) ]);
	is($err, '', "pg_dump of $db: no error");
	$out =~ s/^\\(restrict|unrestrict) \S+$/\\$1 KEY/mg;
	return $out;
}

# is() for long texts: on a difference, the diff -u of the two.
sub same_text
{
	my ($got, $want, $name) = @_;
	local $Test::Builder::Level = $Test::Builder::Level + 1;
	my $dir = PostgreSQL::Test::Utils::tempdir();
	if (!ok($got eq $want, $name))
	{
		append_to_file("$dir/want", $want);
		append_to_file("$dir/got", $got);
		my ($diff) = run_command([ 'diff', '-u', "$dir/want", "$dir/got" ]);
		diag($diff);
	}
}

my $fresh = 'fresh';
$node->safe_psql('postgres', "CREATE DATABASE $fresh");
$node->safe_psql($fresh, 'CREATE EXTENSION ri_audit');
is($node->safe_psql($fresh,
		"SELECT extversion FROM pg_extension WHERE extname = 'ri_audit'"),
	$default, "CREATE EXTENSION installs $default");

for my $v (@older)
{
	(my $db = "from_$v") =~ s/\W/_/g;
	$node->safe_psql('postgres', "CREATE DATABASE $db");
	$node->safe_psql($db, "CREATE EXTENSION ri_audit VERSION '$v'");

	# The member names of version V: the users' grants are made on them.
	my ($functions, $relations) = map {
		$node->safe_psql($db, qq{
		SELECT '{' || string_agg(DISTINCT x.$_->[1], ',') || '}'
		  FROM pg_depend d
		  JOIN $_->[0] x ON x.oid = d.objid AND d.classid = '$_->[0]'::regclass
		 WHERE d.refclassid = 'pg_extension'::regclass AND d.deptype = 'e'
		   AND d.refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')})
	} ([ 'pg_proc', 'proname' ], [ 'pg_class', 'relname' ]);

	$node->safe_psql($db, $user_objects . user_grants($functions, $relations));

	# The library is already the new one while the database still holds
	# V's declarations: functions whose result columns changed since V
	# must give the same values, column by column, before and after.
	my $preview = q{
		SELECT "position", description, depends_on, dependency,
			   requires_cascade, object_type, object_identity,
			   classid, objid, objsubid
		  FROM ri_audit.drop_preview('DROP TABLE app.customers')
		 ORDER BY 1};
	my $preview_before = $node->safe_psql($db, $preview);
	like($preview_before, qr/^1\|table app\.customers\|/,
		"$v: drop_preview at $v with the new library");

	$node->safe_psql($db, 'ALTER EXTENSION ri_audit UPDATE');
	is($node->safe_psql($db, $preview), $preview_before,
		"$v: drop_preview gives the same columns after the update");
	is($node->safe_psql($db,
			"SELECT extversion FROM pg_extension WHERE extname = 'ri_audit'"),
		$default, "$v: updated to $default");

	# The same state in a fresh database at the default version.
	my $ref = "fresh_for_$db";
	$node->safe_psql('postgres', "CREATE DATABASE $ref");
	$node->safe_psql($ref, 'CREATE EXTENSION ri_audit');
	$node->safe_psql($ref, $user_objects . user_grants($functions, $relations));

	my $got = $node->safe_psql($db, $members_query);
	my $want = $node->safe_psql($ref, $members_query);
	cmp_ok(scalar(split /\n/, $want), '>', 40, "$v: the member dump is not empty");
	same_text($got, $want,
		"$v: every member's definition, ACL and comment as in a fresh install");

	# Not only the members: the users' grants, as pg_dump sees them.
	my $got_dump = dump_db($db);
	my $want_dump = dump_db($ref);
	like($got_dump, qr/GRANT ALL ON FUNCTION ri_audit\.orphans\(fk oid, max_rows bigint\) TO regress_auditor WITH GRANT OPTION/,
		"$v: pg_dump keeps a user's grant on orphans()");
	same_text($got_dump, $want_dump,
		"$v: pg_dump of the updated database as of a fresh one");

	# What the grants allow still works, and what was revoked still is.
	is($node->safe_psql($db, q{
		SET ROLE regress_auditor;
		SELECT count(*) FROM ri_audit.orphans('app.orders'::regclass, 'orders_customer_fkey')}),
		'2', "$v: regress_auditor still runs orphans()");
	is($node->safe_psql($db, q{
		SET ROLE regress_junior;
		SELECT status FROM ri_audit.validate(
			(SELECT oid FROM pg_constraint WHERE conname = 'orders_customer_fkey'))}),
		'orphans', "$v: regress_junior (granted by regress_auditor) still runs validate()");
	is($node->safe_psql($db, q{
		SET ROLE regress_reader;
		SELECT count(*) FROM ri_audit.foreign_keys WHERE table_name::text LIKE 'app.%';
		SELECT ri_audit.foreign_key_graph(ARRAY['app.orders']::regclass[]) LIKE 'digraph%'}),
		"2\nt", "$v: regress_reader still reads foreign_keys and draws the graph");
	my ($ret, $out, $err) = $node->psql($db, q{
		SET ROLE regress_nobody;
		SELECT ri_audit.foreign_key_graph()});
	like($err, qr/permission denied for function foreign_key_graph/,
		"$v: PUBLIC still may not run what was revoked from it");
	is($node->safe_psql($db, 'SELECT count(*) FROM app.key_names WHERE table_name::text LIKE \'app.%\''),
		'2', "$v: the users' view on foreign_keys still works");
}

$node->stop;
done_testing();
