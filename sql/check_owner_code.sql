--
-- CHECK and domain expressions that call another role's code run as the
-- owner of the table checked, under SECURITY_RESTRICTED_OPERATION, never
-- with the rights of the (superuser) caller; when that owner cannot read
-- the table, the constraint is refused.
--
SET client_min_messages = warning;
CREATE ROLE regress_chko_owner;
CREATE ROLE regress_chko_user;
CREATE SCHEMA chko AUTHORIZATION regress_chko_owner;
GRANT USAGE, CREATE ON SCHEMA chko TO regress_chko_user;

SET ROLE regress_chko_owner;
-- What the planted code saw: who ran it, and whether that role is a
-- superuser; and whether it could make its owner a superuser.
CREATE TABLE chko.calls (vector text, who name, is_super bool);
GRANT INSERT ON chko.calls TO PUBLIC;
CREATE FUNCTION chko.planted(x int) RETURNS bool LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO chko.calls
	SELECT 'check', current_user, rolsuper FROM pg_roles
	 WHERE rolname = current_user;
	BEGIN
		EXECUTE 'ALTER ROLE regress_chko_owner SUPERUSER';
		INSERT INTO chko.calls VALUES ('alter role succeeded', current_user, NULL);
	EXCEPTION WHEN insufficient_privilege THEN
		INSERT INTO chko.calls VALUES ('alter role refused', current_user, NULL);
	END;
	RETURN x > 0;
END $$;
CREATE TABLE chko.t (id int, x int);
INSERT INTO chko.t VALUES (1, 1), (2, -1), (3, NULL);
ALTER TABLE chko.t ADD CONSTRAINT planted_check CHECK (chko.planted(x)) NOT VALID;
-- A domain of the same owner, on a table of another role: its expression
-- runs as that table's owner.
CREATE DOMAIN chko.d AS int;
ALTER DOMAIN chko.d ADD CONSTRAINT d_planted CHECK (chko.planted(VALUE));
RESET ROLE;
SET ROLE regress_chko_user;
CREATE TABLE chko.user_t (v chko.d);
RESET ROLE;
ALTER DOMAIN chko.d DROP CONSTRAINT d_planted;
INSERT INTO chko.user_t VALUES (5), (-5);
SET ROLE regress_chko_owner;
ALTER DOMAIN chko.d ADD CONSTRAINT d_planted CHECK (chko.planted(VALUE)) NOT VALID;
RESET ROLE;
TRUNCATE chko.calls;

-- The superuser's audit: the answers, and who ran the code.
SELECT table_name, "row" FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'planted_check'));
SELECT table_name, column_name, "row" FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'd_planted'));
SELECT con_name, status, violation_count
  FROM ri_audit.check_constraints(ARRAY['chko.t'::regclass]);
SELECT DISTINCT vector, who, is_super FROM chko.calls ORDER BY 1, 2;
SELECT rolname, rolsuper FROM pg_roles WHERE rolname = 'regress_chko_owner';
-- PostgreSQL's own check, as the owner, agrees.
SET ROLE regress_chko_owner;
SELECT id, x FROM chko.t WHERE NOT chko.planted(x) ORDER BY id;
RESET ROLE;

-- validate() runs VALIDATE CONSTRAINT as the owner too.
TRUNCATE chko.calls;
DELETE FROM chko.t WHERE x < 0;
DELETE FROM chko.user_t WHERE v < 0;
SELECT con_name, status FROM ri_audit.validate('chko.t', 'planted_check', false);
SELECT con_name, status FROM ri_audit.validate(
	(SELECT oid FROM pg_constraint WHERE conname = 'd_planted'), false);
SELECT DISTINCT vector, who, is_super FROM chko.calls ORDER BY 1, 2;
SELECT rolname, rolsuper FROM pg_roles WHERE rolname = 'regress_chko_owner';

-- Again NOT VALID, with a violating row, for the refusals below.
ALTER TABLE chko.t DROP CONSTRAINT planted_check;
INSERT INTO chko.t VALUES (4, -4);
SET ROLE regress_chko_owner;
ALTER TABLE chko.t ADD CONSTRAINT planted_check CHECK (chko.planted(x)) NOT VALID;
RESET ROLE;

-- When the owner may not read its table, the expression cannot run as
-- the owner: refused, never run as the caller.
REVOKE SELECT ON chko.t FROM regress_chko_owner;
TRUNCATE chko.calls;
SELECT * FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'planted_check'));
SELECT con_name, status, reason
  FROM ri_audit.check_constraints(ARRAY['chko.t'::regclass]);
SELECT con_name, status, reason
  FROM ri_audit.validate_all(ARRAY['chko.t'::regclass]);
SELECT count(*) AS code_ran FROM chko.calls;

-- Row-level security forced on the owner refuses too.
GRANT SELECT ON chko.t TO regress_chko_owner;
ALTER TABLE chko.t ENABLE ROW LEVEL SECURITY;
ALTER TABLE chko.t FORCE ROW LEVEL SECURITY;
SELECT con_name, status, reason
  FROM ri_audit.check_constraints(ARRAY['chko.t'::regclass]);
ALTER TABLE chko.t NO FORCE ROW LEVEL SECURITY;
SELECT con_name, status, violation_count
  FROM ri_audit.check_constraints(ARRAY['chko.t'::regclass]);

-- A comparison whose function is built in may still run the owner's code:
-- array equality (array_eq) compares the elements with their type's
-- default operator class, here one whose functions belong to the owner
-- (creating the type and the operator class needs a superuser).
ALTER TABLE chko.t NO FORCE ROW LEVEL SECURITY;
CREATE TYPE chko.tag;
CREATE FUNCTION chko.tag_in(cstring) RETURNS chko.tag
	AS 'textin' LANGUAGE internal IMMUTABLE STRICT;
CREATE FUNCTION chko.tag_out(chko.tag) RETURNS cstring
	AS 'textout' LANGUAGE internal IMMUTABLE STRICT;
CREATE TYPE chko.tag (INPUT = chko.tag_in, OUTPUT = chko.tag_out, LIKE = text);
CREATE CAST (chko.tag AS text) WITHOUT FUNCTION;
CREATE FUNCTION chko.tag_cmp(a chko.tag, b chko.tag) RETURNS int
	LANGUAGE plpgsql VOLATILE AS $$
BEGIN
	INSERT INTO chko.calls
	SELECT 'tag comparison', current_user, rolsuper FROM pg_roles
	 WHERE rolname = current_user;
	RETURN bttextcmp(a::text, b::text);
END $$;
CREATE FUNCTION chko.tag_lt(chko.tag, chko.tag) RETURNS bool LANGUAGE sql
	IMMUTABLE AS 'SELECT chko.tag_cmp($1, $2) < 0';
CREATE FUNCTION chko.tag_le(chko.tag, chko.tag) RETURNS bool LANGUAGE sql
	IMMUTABLE AS 'SELECT chko.tag_cmp($1, $2) <= 0';
CREATE FUNCTION chko.tag_eq(chko.tag, chko.tag) RETURNS bool LANGUAGE sql
	IMMUTABLE AS 'SELECT chko.tag_cmp($1, $2) = 0';
CREATE FUNCTION chko.tag_ge(chko.tag, chko.tag) RETURNS bool LANGUAGE sql
	IMMUTABLE AS 'SELECT chko.tag_cmp($1, $2) >= 0';
CREATE FUNCTION chko.tag_gt(chko.tag, chko.tag) RETURNS bool LANGUAGE sql
	IMMUTABLE AS 'SELECT chko.tag_cmp($1, $2) > 0';
CREATE OPERATOR chko.< (LEFTARG = chko.tag, RIGHTARG = chko.tag, FUNCTION = chko.tag_lt);
CREATE OPERATOR chko.<= (LEFTARG = chko.tag, RIGHTARG = chko.tag, FUNCTION = chko.tag_le);
CREATE OPERATOR chko.= (LEFTARG = chko.tag, RIGHTARG = chko.tag, FUNCTION = chko.tag_eq);
CREATE OPERATOR chko.>= (LEFTARG = chko.tag, RIGHTARG = chko.tag, FUNCTION = chko.tag_ge);
CREATE OPERATOR chko.> (LEFTARG = chko.tag, RIGHTARG = chko.tag, FUNCTION = chko.tag_gt);
CREATE OPERATOR CLASS chko.tag_ops DEFAULT FOR TYPE chko.tag USING btree AS
	OPERATOR 1 chko.<, OPERATOR 2 chko.<=, OPERATOR 3 chko.=,
	OPERATOR 4 chko.>=, OPERATOR 5 chko.>, FUNCTION 1 chko.tag_cmp(chko.tag, chko.tag);
ALTER FUNCTION chko.tag_cmp(chko.tag, chko.tag) OWNER TO regress_chko_owner;
ALTER FUNCTION chko.tag_eq(chko.tag, chko.tag) OWNER TO regress_chko_owner;
SET ROLE regress_chko_owner;
CREATE TABLE chko.tagged (id int, tags chko.tag[]);
INSERT INTO chko.tagged VALUES (1, '{a}'), (2, '{bad}');
ALTER TABLE chko.tagged ADD CONSTRAINT not_bad
	CHECK (tags <> '{bad}'::chko.tag[]) NOT VALID;
RESET ROLE;
TRUNCATE chko.calls;
SELECT table_name, "row" FROM ri_audit.check_violations(
	(SELECT oid FROM pg_constraint WHERE conname = 'not_bad'));
SELECT DISTINCT vector, who, is_super FROM chko.calls ORDER BY 1, 2;

DROP SCHEMA chko CASCADE;
DROP ROLE regress_chko_owner, regress_chko_user;
