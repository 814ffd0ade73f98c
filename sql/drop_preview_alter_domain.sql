--
-- ri_audit.drop_preview / assert_drop_safe: ALTER DOMAIN ... DROP
-- CONSTRAINT / DROP DEFAULT, and ALTER TYPE ... DROP ATTRIBUTE of a
-- composite type (with its typed tables under CASCADE).  vs_core() runs
-- each statement in a subtransaction that is rolled back and compares what
-- no longer exists afterwards with the preview's rows.
--
SET client_min_messages = notice;
CREATE SCHEMA dpad;
SET search_path = dpad, dp_oracle, public;
CREATE DOMAIN pos AS int DEFAULT 1 CONSTRAINT pos_check CHECK (VALUE > 0)
  CONSTRAINT pos_small CHECK (VALUE < 1000);
CREATE TABLE uses_pos (p pos);

-- The constraint goes; nothing depends on a domain constraint.
SELECT * FROM pv('ALTER DOMAIN pos DROP CONSTRAINT pos_check');
SELECT * FROM vs_core('ALTER DOMAIN pos DROP CONSTRAINT pos_check');
SELECT ri_audit.assert_drop_safe('ALTER DOMAIN pos DROP CONSTRAINT pos_small RESTRICT');
SELECT * FROM pv('ALTER DOMAIN pos DROP CONSTRAINT nope');
SELECT * FROM vs_core('ALTER DOMAIN pos DROP CONSTRAINT nope');
SELECT * FROM pv('ALTER DOMAIN pos DROP CONSTRAINT IF EXISTS nope');
-- A domain's default is a field of pg_type, not an object: no rows.
SELECT * FROM pv('ALTER DOMAIN pos DROP DEFAULT');
SELECT * FROM vs_core('ALTER DOMAIN pos DROP DEFAULT');
SELECT * FROM pv('ALTER DOMAIN pos SET NOT NULL');
-- Not a domain, not a type.
SELECT * FROM pv('ALTER DOMAIN int4 DROP CONSTRAINT x');
SELECT * FROM vs_core('ALTER DOMAIN int4 DROP CONSTRAINT x');
SELECT * FROM pv('ALTER DOMAIN nope DROP DEFAULT');
SELECT * FROM vs_core('ALTER DOMAIN nope DROP DEFAULT');

-- ALTER TYPE ... DROP ATTRIBUTE: the attribute goes, with what uses it.
CREATE TYPE comp AS (a int, b text, c int);
CREATE TABLE holds (x comp);
SELECT * FROM pv('ALTER TYPE comp DROP ATTRIBUTE b');
SELECT * FROM vs_core('ALTER TYPE comp DROP ATTRIBUTE b');
SELECT * FROM pv('ALTER TYPE comp DROP ATTRIBUTE IF EXISTS nope');
SELECT * FROM pv('ALTER TYPE comp DROP ATTRIBUTE nope');
SELECT * FROM vs_core('ALTER TYPE comp DROP ATTRIBUTE nope');
SELECT * FROM pv('ALTER TYPE holds DROP ATTRIBUTE x');
SELECT * FROM vs_core('ALTER TYPE holds DROP ATTRIBUTE x');
SELECT * FROM pv('ALTER TABLE comp DROP COLUMN a');
SELECT * FROM vs_core('ALTER TABLE comp DROP COLUMN a');
-- Typed tables: PostgreSQL refuses without CASCADE, and with it drops the
-- typed tables' columns too, each with what depends on it.
CREATE TABLE typed OF comp;
CREATE VIEW typed_c AS SELECT c FROM typed;
SELECT * FROM pv('ALTER TYPE comp DROP ATTRIBUTE c CASCADE');
SELECT * FROM vs_core('ALTER TYPE comp DROP ATTRIBUTE c CASCADE');
SELECT * FROM pv('ALTER TYPE comp DROP ATTRIBUTE c');
SELECT * FROM vs_core('ALTER TYPE comp DROP ATTRIBUTE c');
SELECT ri_audit.assert_drop_safe('ALTER TYPE comp DROP ATTRIBUTE c');
SELECT ri_audit.assert_drop_safe('ALTER TYPE comp DROP ATTRIBUTE c CASCADE');
SELECT * FROM pv('ALTER TYPE comp DROP ATTRIBUTE a CASCADE, DROP ATTRIBUTE c CASCADE');
SELECT * FROM vs_core('ALTER TYPE comp DROP ATTRIBUTE a CASCADE, DROP ATTRIBUTE c CASCADE');
SELECT * FROM pv('ALTER TABLE typed DROP COLUMN c');
SELECT * FROM vs_core('ALTER TABLE typed DROP COLUMN c');
-- Other ALTER TYPE forms are not ALTER TABLE underneath: refused.
SELECT * FROM pv('ALTER TYPE comp RENAME ATTRIBUTE a TO aa');

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA dpad CASCADE;
RESET client_min_messages;
