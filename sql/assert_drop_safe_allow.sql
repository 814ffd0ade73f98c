--
-- ri_audit.assert_drop_safe(ddl, allow): dependents that are expected to go,
-- by pg_identify_object() identity (drop_preview's object_identity), with or
-- without the object type in front.  Every object the CASCADE would remove
-- must be allowed for the statement to pass.
--
SET client_min_messages = warning;
CREATE SCHEMA "s x";
SET search_path = "s x";
CREATE TABLE accounts (id int PRIMARY KEY, email text, note text);
CREATE INDEX ON accounts (email);
CREATE VIEW active AS SELECT id, email FROM accounts;
CREATE VIEW "Active Emails" AS SELECT email FROM active;
CREATE VIEW notes AS SELECT note FROM accounts;
CREATE TABLE orders (id int, account_id int REFERENCES accounts);
RESET search_path;

-- Without allow: every dependent listed (the index goes silently, as with
-- DROP ... RESTRICT).
SELECT ri_audit.assert_drop_safe('DROP TABLE "s x".accounts');

-- Allowing one view: the other dependents are still listed, and so is the
-- view built on the allowed one.
SELECT ri_audit.assert_drop_safe('DROP TABLE "s x".accounts',
	allow => ARRAY['"s x".active']);

-- Every dependent allowed, by identity or by type and identity: passes.
SELECT ri_audit.assert_drop_safe('DROP TABLE "s x".accounts',
	ARRAY['"s x".active', 'view "s x"."Active Emails"', '"s x".notes',
		  'orders_account_id_fkey on "s x".orders']);

-- The type must be the object's own.
SELECT ri_audit.assert_drop_safe('DROP VIEW "s x".active',
	ARRAY['table "s x"."Active Emails"']);
SELECT ri_audit.assert_drop_safe('DROP VIEW "s x".active',
	ARRAY['view "s x"."Active Emails"']);

-- drop_preview's rows are the allow list of a statement reviewed as a whole.
SELECT ri_audit.assert_drop_safe('DROP TABLE "s x".accounts',
	ARRAY(SELECT object_identity FROM ri_audit.drop_preview('DROP TABLE "s x".accounts')
		   WHERE requires_cascade));

-- Columns: a view on the column is the dependent.
SELECT ri_audit.assert_drop_safe('ALTER TABLE "s x".accounts DROP COLUMN note');
SELECT ri_audit.assert_drop_safe('ALTER TABLE "s x".accounts DROP COLUMN note',
	ARRAY['"s x".notes']);

-- NULL and an empty list allow nothing; a NULL element or ddl is an error.
SELECT ri_audit.assert_drop_safe('DROP VIEW "s x".active', NULL);
SELECT ri_audit.assert_drop_safe('DROP VIEW "s x".active', '{}');
SELECT ri_audit.assert_drop_safe('DROP VIEW "s x".active', ARRAY[NULL]::text[]);
SELECT ri_audit.assert_drop_safe(NULL, ARRAY['"s x".active']);

-- A statement that needs no CASCADE passes whatever the list.
SELECT ri_audit.assert_drop_safe('DROP VIEW "s x"."Active Emails"', ARRAY['nothing']);

-- Nothing was dropped.
SELECT count(*) FROM pg_class WHERE relnamespace = '"s x"'::regnamespace;

DROP SCHEMA "s x" CASCADE;
