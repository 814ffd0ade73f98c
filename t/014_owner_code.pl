# Copyright (c) 2026, ri_audit developers
#
# A database-wide sweep by a superuser and by a granted auditor never runs
# a table owner's code with their rights.
#
# A plain role owns two schemas whose foreign keys reach its own code
# through every vector an audit could touch (a cast to json and a cast to
# text of enum keys, an implicit cast the key comparison applies, a domain
# CHECK calling a function, an operator class member's function it owns).
# Each planted function records who ran it and, if that role is a
# superuser, makes its owner a superuser.  The superuser then runs every
# sweep: orphan_summary, check_foreign_keys(), assert_no_orphans(),
# validate_all() for real; the auditor (pg_read_all_data plus EXECUTE)
# runs the read-only ones.  The owner must stay a plain role, no planted
# function may have run as anyone but its owner, and the answers must be
# PostgreSQL's own.

use strict;
use warnings;

use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;

my $node = PostgreSQL::Test::Cluster->new('owner_code');
$node->init;
$node->append_conf('postgresql.conf', "lc_messages = 'C'\n");
$node->start;

$node->safe_psql('postgres', q{
	CREATE EXTENSION ri_audit;
	CREATE ROLE mallory LOGIN;
	CREATE ROLE auditor LOGIN IN ROLE pg_read_all_data;
	GRANT USAGE ON SCHEMA ri_audit TO auditor;
	GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ri_audit TO auditor;
	GRANT SELECT ON ALL TABLES IN SCHEMA ri_audit TO auditor;
	CREATE SCHEMA app AUTHORIZATION mallory;

	-- Only a superuser can make an operator class; its function is mallory's.
	CREATE FUNCTION app.same(int, int) RETURNS bool
		LANGUAGE sql IMMUTABLE AS 'SELECT $1 = $2';
	ALTER FUNCTION app.same(int, int) OWNER TO mallory;
	CREATE OPERATOR app.=== (LEFTARG = int, RIGHTARG = int,
		FUNCTION = app.same);
	CREATE OPERATOR CLASS app.same_ops FOR TYPE int USING btree AS
		OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 app.===, OPERATOR 4 >=,
		OPERATOR 5 >, FUNCTION 1 btint4cmp(int, int);
});

$node->safe_psql('postgres', q{
	SET ROLE mallory;
	CREATE TABLE app.calls (vector text, who name);
	GRANT INSERT ON app.calls TO PUBLIC;
	CREATE FUNCTION app.plant(vector text) RETURNS void LANGUAGE plpgsql AS $$
	BEGIN
		INSERT INTO app.calls VALUES (vector, current_user);
		IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
			EXECUTE 'ALTER ROLE mallory SUPERUSER';
		END IF;
	END $$;

	CREATE TYPE app.color AS ENUM ('red', 'green', 'blue');
	CREATE FUNCTION app.color_json(app.color) RETURNS json LANGUAGE plpgsql
		AS $$ BEGIN PERFORM app.plant('json'); RETURN to_json($1::text); END $$;
	CREATE CAST (app.color AS json) WITH FUNCTION app.color_json(app.color);
	CREATE FUNCTION app.color_text(app.color) RETURNS text LANGUAGE plpgsql
		AS $$ BEGIN PERFORM app.plant('text'); RETURN 'x'; END $$;
	CREATE CAST (app.color AS text) WITH FUNCTION app.color_text(app.color);
	CREATE TABLE app.pc (c app.color PRIMARY KEY);
	INSERT INTO app.pc VALUES ('red');
	CREATE TABLE app.cc (c app.color);
	INSERT INTO app.cc VALUES ('red'), ('blue');
	ALTER TABLE app.cc ADD FOREIGN KEY (c) REFERENCES app.pc NOT VALID;

	CREATE TYPE app.evil AS (a int);
	CREATE FUNCTION app.evil_int(app.evil) RETURNS int LANGUAGE plpgsql
		AS $$ BEGIN PERFORM app.plant('implicit'); RETURN ($1).a; END $$;
	CREATE CAST (app.evil AS int) WITH FUNCTION app.evil_int(app.evil)
		AS IMPLICIT;
	CREATE TABLE app.ip (i int PRIMARY KEY);
	INSERT INTO app.ip SELECT generate_series(1, 100);
	CREATE TABLE app.ec (id int, e app.evil);
	INSERT INTO app.ec SELECT g, ROW(g % 120)::app.evil FROM generate_series(1, 500) g;
	ALTER TABLE app.ec ADD FOREIGN KEY (e) REFERENCES app.ip NOT VALID;
	CREATE TABLE app.ec_clean (id int, e app.evil);
	INSERT INTO app.ec_clean SELECT g, ROW(1 + g % 100)::app.evil FROM generate_series(1, 50) g;
	ALTER TABLE app.ec_clean ADD FOREIGN KEY (e) REFERENCES app.ip NOT VALID;

	CREATE FUNCTION app.positive(int) RETURNS bool LANGUAGE plpgsql
		AS $$ BEGIN PERFORM app.plant('domain'); RETURN $1 > 0; END $$;
	CREATE DOMAIN app.posint AS int CHECK (app.positive(VALUE));
	CREATE TABLE app.dp (d app.posint PRIMARY KEY);
	INSERT INTO app.dp VALUES (1);
	CREATE TABLE app.dc (d app.posint);
	INSERT INTO app.dc VALUES (1), (4);
	ALTER TABLE app.dc ADD FOREIGN KEY (d) REFERENCES app.dp NOT VALID;

	CREATE TABLE app.op (i int);
	CREATE UNIQUE INDEX ON app.op (i app.same_ops);
	INSERT INTO app.op VALUES (1), (2);
	CREATE TABLE app.oc (i int);
	INSERT INTO app.oc VALUES (1), (9);
	ALTER TABLE app.oc ADD FOREIGN KEY (i) REFERENCES app.op (i) NOT VALID;
	CREATE OR REPLACE FUNCTION app.same(int, int) RETURNS bool
		LANGUAGE plpgsql IMMUTABLE
		AS $$ BEGIN PERFORM app.plant('operator'); RETURN $1 = $2; END $$;
	TRUNCATE app.calls;
});

# What PostgreSQL itself says, asked as the owner (the question runs the
# owner's code, so it must run as the owner).
my $truth = $node->safe_psql('postgres', q{
	SET ROLE mallory;
	SELECT 'app.cc', count(*) FROM app.cc f
	 WHERE NOT EXISTS (SELECT 1 FROM app.pc p WHERE p.c = f.c)
	UNION ALL
	SELECT 'app.dc', count(*) FROM app.dc f
	 WHERE NOT EXISTS (SELECT 1 FROM app.dp p WHERE p.d = f.d)
	UNION ALL
	SELECT 'app.ec', count(*) FROM app.ec f
	 WHERE NOT EXISTS (SELECT 1 FROM app.ip p WHERE p.i = f.e::int)
	UNION ALL
	SELECT 'app.ec_clean', count(*) FROM app.ec_clean f
	 WHERE NOT EXISTS (SELECT 1 FROM app.ip p WHERE p.i = f.e::int)
	UNION ALL
	SELECT 'app.oc', count(*) FROM app.oc f
	 WHERE NOT EXISTS (SELECT 1 FROM app.op p WHERE p.i OPERATOR(app.===) f.i)
	ORDER BY 1;
	RESET ROLE;
	TRUNCATE app.calls;
});
is($truth, "app.cc|1\napp.dc|1\napp.ec|80\napp.ec_clean|0\napp.oc|1",
	'the planted schema has the orphans PostgreSQL sees');

my $summary_sql = q{
	SELECT table_name, orphan_count FROM ri_audit.orphan_summary
	 WHERE table_name::text LIKE 'app.%' ORDER BY table_name::text};

for my $method ('auto', 'planner')
{
	for my $who ('postgres', 'auditor')
	{
		my $set = "SET ri_audit.scan_method = $method;";
		is($node->safe_psql('postgres', $set . $summary_sql, extra_params => ['-U', $who]),
			$truth, "$who ($method): orphan_summary gives PostgreSQL's counts");

		my ($ret, $out, $err) = $node->psql('postgres',
			$set . 'SELECT ri_audit.assert_no_orphans()',
			extra_params => ['-U', $who]);
		like($err, qr/ERROR:  table "cc" violates foreign key constraint "cc_c_fkey"/,
			"$who ($method): assert_no_orphans raises 23503 for the first key");
		like($err, qr/Key \(c\)=\(blue\) is not present in table "pc"/,
			"$who ($method): the key is shown by its output function");

		is($node->safe_psql('postgres', $set . q{
			SELECT count(*) FILTER (WHERE status = 'would validate'),
				   count(*) FILTER (WHERE status = 'orphans')
			  FROM ri_audit.validate_all()}, extra_params => ['-U', $who]),
			'1|4', "$who ($method): validate_all dry run");
	}
}

# The superuser validates for real: the clean key is validated by
# PostgreSQL's own command, run as its owner.
is($node->safe_psql('postgres', q{
	SELECT con_name, status FROM ri_audit.validate_all(dry_run => false)
	 WHERE status <> 'orphans'}),
	'ec_clean_e_fkey|validated', 'validate_all validates the clean key');

is($node->safe_psql('postgres', q{
	SELECT string_agg(DISTINCT vector || ':' || who, ',' ORDER BY vector || ':' || who)
	  FROM app.calls}),
	'implicit:mallory,operator:mallory',
	'planted code ran only as its owner, and only where a comparison needs it');
is($node->safe_psql('postgres',
		q{SELECT rolsuper FROM pg_roles WHERE rolname = 'mallory'}),
	'f', 'the owner is still a plain role');

$node->stop;
done_testing();
