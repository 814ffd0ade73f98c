--
-- Bad input to the orphan finder and validator: each error and its SQLSTATE.
--
SET client_min_messages = warning;
CREATE SCHEMA orph_in;
SET search_path = orph_in, public;

-- Run a statement, show its SQLSTATE and message instead of failing.
CREATE FUNCTION orph_in.try(stmt text) RETURNS text
LANGUAGE plpgsql AS $$
BEGIN
	EXECUTE stmt;
	RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
	RETURN SQLSTATE || ': ' || SQLERRM;
END
$$;

CREATE TABLE parent (id int PRIMARY KEY, CHECK (id > 0));
CREATE TABLE child (id int, parent_id int REFERENCES parent);

-- NULL where NULL has no meaning: 22004.
SELECT try('SELECT * FROM ri_audit.orphans(NULL::oid)');
SELECT try('SELECT * FROM ri_audit.orphans(NULL::regclass, ''x'')');
SELECT try('SELECT * FROM ri_audit.orphans(''child''::regclass, NULL)');
SELECT try('SELECT * FROM ri_audit.check_foreign_keys(NULL, NULL)');
SELECT try('SELECT * FROM ri_audit.check_foreign_keys(ARRAY[NULL]::regclass[])');
SELECT try('SELECT ri_audit.assert_no_orphans(ARRAY[''child'', NULL]::regclass[])');
SELECT try('SELECT * FROM ri_audit.validate(NULL)');
SELECT try($$SELECT * FROM ri_audit.validate((SELECT oid FROM pg_constraint
	WHERE conname = 'child_parent_id_fkey'), NULL)$$);
SELECT try($$SELECT * FROM ri_audit.validate((SELECT oid FROM pg_constraint
	WHERE conname = 'child_parent_id_fkey'), true, NULL, NULL)$$);
SELECT try('SELECT * FROM ri_audit.validate_all(NULL, NULL)');
SELECT try('SELECT * FROM ri_audit.validate_all(NULL, true, NULL, NULL)');
SELECT try($$SELECT * FROM ri_audit.validate(NULL::regclass, 'x')$$);
SELECT try($$SELECT * FROM ri_audit.validate('child'::regclass, NULL)$$);

-- A NULL max_rows means all rows, a NULL table list all tables.
SELECT count(*) FROM ri_audit.orphans('child'::regclass, 'child_parent_id_fkey', NULL);
SELECT count(*) > 0 AS some_keys FROM ri_audit.check_foreign_keys(NULL);
SELECT ri_audit.assert_no_orphans(NULL);

-- Negative counts: 22023.
SELECT try('SELECT * FROM ri_audit.orphans(''child''::regclass, ''child_parent_id_fkey'', -1)');
SELECT try($$SELECT * FROM ri_audit.orphans((SELECT oid FROM pg_constraint
	WHERE conname = 'child_parent_id_fkey'), -5)$$);
SELECT try('SELECT * FROM ri_audit.check_foreign_keys(NULL, -1)');
SELECT try($$SELECT * FROM ri_audit.validate((SELECT oid FROM pg_constraint
	WHERE conname = 'child_parent_id_fkey'), true, '-1 s')$$);
SELECT try($$SELECT * FROM ri_audit.validate_all(NULL, true, '100 years')$$);

-- Unknown constraints: 42704.
SELECT try('SELECT * FROM ri_audit.orphans(0)');
SELECT try('SELECT * FROM ri_audit.orphans(''child''::regclass, ''no_such_fkey'')');
SELECT try('SELECT * FROM ri_audit.validate(0)');
SELECT try($$SELECT * FROM ri_audit.validate('child'::regclass, 'no_such_fkey')$$);
-- Unknown tables: 42P01.
SELECT try('SELECT * FROM ri_audit.orphans(''no_such_table''::regclass, ''x'')');
SELECT try('SELECT * FROM ri_audit.check_foreign_keys(ARRAY[1]::regclass[])');
SELECT try('SELECT * FROM ri_audit.orphans(1::regclass, ''x'')');

-- Constraints that are not foreign keys: 42809.
SELECT try('SELECT * FROM ri_audit.orphans(''parent''::regclass, ''parent_pkey'')');
SELECT try('SELECT * FROM ri_audit.orphans(''parent''::regclass, ''parent_id_check'')');
SELECT try($$SELECT * FROM ri_audit.validate((SELECT oid FROM pg_constraint
	WHERE conname = 'parent_pkey'))$$);

-- The errors in full, as a user sees them.
SELECT * FROM ri_audit.orphans('parent'::regclass, 'parent_pkey');
SELECT * FROM ri_audit.orphans('child'::regclass, 'no_such_fkey');
SELECT * FROM ri_audit.check_foreign_keys(NULL, -1);

-- A table without foreign keys, a table listed twice.
SELECT count(*) FROM ri_audit.check_foreign_keys('{parent}');
SELECT fk_name, status FROM ri_audit.check_foreign_keys('{child, child}');

-- The three ways to name a key pick the same rows; untyped literals resolve
-- to the text variant instead of being ambiguous.
INSERT INTO parent VALUES (1);
SET session_replication_role = replica;
INSERT INTO child VALUES (1, 1), (2, 7), (3, NULL);
RESET session_replication_role;
SELECT table_name, key FROM ri_audit.orphans('child', 'child_parent_id_fkey');
SELECT table_name, key FROM ri_audit.orphans('child'::regclass, 'child_parent_id_fkey');
SELECT table_name, key FROM ri_audit.orphans((SELECT oid FROM pg_constraint
	WHERE conname = 'child_parent_id_fkey'));
SELECT count(*) FROM ri_audit.orphans('orph_in.child', 'child_parent_id_fkey', 0);
SELECT try('SELECT * FROM ri_audit.orphans(''no_such_table'', ''x'')');
SELECT try('SELECT * FROM ri_audit.orphans(''child'', NULL::text)');
SELECT try('SELECT * FROM ri_audit.orphans(''child'', ''child_parent_id_fkey'', -1)');
TRUNCATE child, parent;

RESET search_path;
DROP SCHEMA orph_in CASCADE;
