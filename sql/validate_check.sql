--
-- validate() and validate_all() on CHECK and domain constraints; the
-- 1.2 forms (by table and name, a table list, lock_timeout NULL, strict).
--
SET client_min_messages = warning;
CREATE SCHEMA vchk;
SET search_path = vchk, public;

CREATE TABLE accounts (id int, balance int, credit int);
INSERT INTO accounts VALUES (1, 10, 0), (2, -3, 5), (3, NULL, 1);
ALTER TABLE accounts ADD CONSTRAINT balance_nonneg CHECK (balance >= 0) NOT VALID;
ALTER TABLE accounts ADD CONSTRAINT credit_small CHECK (credit < 10) NOT VALID;
ALTER TABLE accounts ADD CONSTRAINT id_positive CHECK (id > 0);

-- Inheritance: a child whose copy is already validated is not checked by
-- VALIDATE, so its violating row does not stop the parent.
CREATE TABLE ledger (id int, amount int);
CREATE TABLE ledger_old (id int, amount int);
INSERT INTO ledger VALUES (1, 5);
INSERT INTO ledger_old VALUES (2, -1);
ALTER TABLE ledger ADD CONSTRAINT amount_pos CHECK (amount > 0) NOT VALID;
-- the child's copy, marked validated although a row violates it (as a
-- load with the check off leaves it)
ALTER TABLE ledger_old ADD CONSTRAINT amount_pos CHECK (amount > 0) NOT VALID;
UPDATE pg_constraint SET convalidated = true
 WHERE conname = 'amount_pos' AND conrelid = 'ledger_old'::regclass;
ALTER TABLE ledger_old INHERIT ledger;

CREATE DOMAIN code AS text;
CREATE DOMAIN short_code AS code;
CREATE TABLE items (id int, c code, s short_code);
INSERT INTO items VALUES (1, 'ab', 'cd'), (2, 'abcdef', NULL), (3, NULL, 'xyzxyz');
ALTER DOMAIN code ADD CONSTRAINT code_len CHECK (length(VALUE) <= 4) NOT VALID;

CREATE FUNCTION vchk.con(regclass, name) RETURNS oid LANGUAGE sql
	AS $$ SELECT oid FROM pg_constraint WHERE conrelid = $1 AND conname = $2 $$;

-- Dry runs: violations, would validate, already valid.
SELECT con_name, constraint_type, table_name, domain_name, status, reason,
	   violation_count
  FROM ri_audit.validate(con('accounts', 'balance_nonneg'));
SELECT con_name, status, violation_count
  FROM ri_audit.validate('accounts', 'credit_small');
SELECT con_name, status, violation_count
  FROM ri_audit.validate('accounts', 'id_positive');
SELECT con_name, status, violation_count
  FROM ri_audit.validate('ledger', 'amount_pos');
-- check_violations() still shows the child's row: the constraint is
-- violated there, validated or not.
SELECT table_name, "row" FROM ri_audit.check_violations(con('ledger', 'amount_pos'));
SELECT con_name, constraint_type, domain_name, status, violation_count
  FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'code_len'));
SELECT con_name, constraint_type, table_name, domain_name, status, violation_count
  FROM ri_audit.validate_all()
 WHERE table_name::text LIKE 'vchk.%' OR table_name IN ('accounts'::regclass,
	   'ledger'::regclass) OR domain_name IN ('code'::regtype, 'short_code'::regtype)
 ORDER BY constraint_type, con_name;
SELECT con_name, status FROM ri_audit.validate_all(ARRAY['ledger'::regclass]);

-- For real: the same decision as PostgreSQL's VALIDATE CONSTRAINT.
SELECT con_name, status, violation_count
  FROM ri_audit.validate('accounts', 'credit_small', false);
SELECT con_name, status, violation_count
  FROM ri_audit.validate('ledger', 'amount_pos', dry_run => false);
SELECT conrelid::regclass, conname, convalidated FROM pg_constraint
 WHERE conname IN ('credit_small', 'amount_pos', 'balance_nonneg')
 ORDER BY conrelid::regclass::text, conname;
BEGIN;
ALTER TABLE accounts VALIDATE CONSTRAINT balance_nonneg;
ROLLBACK;
SELECT con_name, status, violation_count
  FROM ri_audit.validate('accounts', 'balance_nonneg', false);

-- strict: a constraint left NOT VALID raises.
SELECT * FROM ri_audit.validate('accounts', 'balance_nonneg', strict => true);
SELECT * FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'code_len'),
								false, NULL, true);
SELECT * FROM ri_audit.validate_all(ARRAY['accounts'::regclass], strict => true);
-- strict with nothing wrong is quiet.
SELECT con_name, status FROM ri_audit.validate('accounts', 'credit_small', strict => true);

-- A foreign key with orphans: 23503 with the count.
CREATE TABLE owners (id int PRIMARY KEY);
CREATE TABLE pets (id int, owner_id int);
INSERT INTO pets VALUES (1, 7), (2, 8);
ALTER TABLE pets ADD CONSTRAINT pets_owner_fkey FOREIGN KEY (owner_id)
	REFERENCES owners NOT VALID;
SELECT con_name, constraint_type, status, violation_count
  FROM ri_audit.validate('pets', 'pets_owner_fkey');
SELECT * FROM ri_audit.validate('pets', 'pets_owner_fkey', strict => true);

-- A skip raises 42501 under strict.
CREATE ROLE regress_vchk_reader;
GRANT USAGE ON SCHEMA vchk, ri_audit TO regress_vchk_reader;
GRANT EXECUTE ON FUNCTION
	ri_audit.validate_all(regclass[], boolean, interval, boolean) TO regress_vchk_reader;
SET ROLE regress_vchk_reader;
SELECT con_name, status, reason FROM ri_audit.validate_all(ARRAY['accounts'::regclass]);
SELECT * FROM ri_audit.validate_all(ARRAY['accounts'::regclass], strict => true);
RESET ROLE;

-- Fix the data, then validate the domain: ALTER DOMAIN runs.
UPDATE items SET c = 'abc' WHERE id = 2;
UPDATE items SET s = 'xyz' WHERE id = 3;
SELECT con_name, status, violation_count
  FROM ri_audit.validate((SELECT oid FROM pg_constraint WHERE conname = 'code_len'), false);
SELECT convalidated FROM pg_constraint WHERE conname = 'code_len';

-- lock_timeout NULL keeps the session's setting; a value is restored after.
SET lock_timeout = '7s';
SELECT con_name, status FROM ri_audit.validate('pets', 'pets_owner_fkey', false, '1s');
SHOW lock_timeout;
RESET lock_timeout;

-- Bad input.
SELECT * FROM ri_audit.validate('accounts', 'no_such');
SELECT * FROM ri_audit.validate(NULL::regclass, 'x');
SELECT * FROM ri_audit.validate('accounts', 'balance_nonneg', NULL);
SELECT * FROM ri_audit.validate('accounts', 'balance_nonneg', true, NULL, NULL);
SELECT * FROM ri_audit.validate_all(ARRAY[NULL]::regclass[]);
SELECT * FROM ri_audit.validate_all(NULL, true, '-1s');
CREATE TABLE pk_only (id int PRIMARY KEY);
SELECT * FROM ri_audit.validate('pk_only', 'pk_only_pkey');

RESET search_path;
DROP SCHEMA vchk CASCADE;
DROP OWNED BY regress_vchk_reader;
DROP ROLE regress_vchk_reader;
