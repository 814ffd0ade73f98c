--
-- drop_preview() and assert_drop_safe() over catalogs whose indexes hold
-- dead entries.
--
-- drop_preview() reads triggers and rules by OID, and the dependency walk
-- reads pg_depend, through index scans that each preview begins once and
-- rescans for every lookup, while the rows are described in a memory
-- context reset after each row.  A B-tree scan that meets an index entry
-- of a dead row remembers it, in memory it allocates on first need, and
-- marks it dead at the next rescan; that memory must live as long as the
-- scan.  On an assert-enabled server, a preview that got this wrong fails
-- an assertion or crashes the backend here.
--
-- Dead entries with the very OID a lookup asks for come from non-HOT
-- updates of the row: renaming a trigger or a rule changes a column of
-- another index on its catalog, so the row gets a new index entry for its
-- OID and the old one points to a dead row version.  A column default
-- dropped leaves dead pg_depend entries that reference the table.
--
SET client_min_messages = notice;
CREATE SCHEMA pv_memory;
SET search_path = pv_memory, public;

CREATE FUNCTION pass() RETURNS trigger LANGUAGE plpgsql
  AS $$BEGIN RETURN NEW; END$$;
CREATE TABLE t (a int PRIMARY KEY, b int, c int);
CREATE TABLE child (a int REFERENCES t);
CREATE TRIGGER tr1 BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION pass();
CREATE TRIGGER tr2 BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION pass();
CREATE TRIGGER tr3 BEFORE DELETE ON t FOR EACH ROW EXECUTE FUNCTION pass();
CREATE TRIGGER tr4 AFTER INSERT ON t FOR EACH ROW EXECUTE FUNCTION pass();
CREATE RULE ru1 AS ON UPDATE TO t WHERE false DO ALSO NOTHING;
CREATE RULE ru2 AS ON DELETE TO t WHERE false DO ALSO NOTHING;
CREATE RULE ru3 AS ON INSERT TO t WHERE false DO ALSO NOTHING;
CREATE VIEW v1 AS SELECT a FROM t;
CREATE VIEW v2 AS SELECT a FROM v1;

ALTER TRIGGER tr1 ON t RENAME TO tr1_renamed;
ALTER TRIGGER tr2 ON t RENAME TO tr2_renamed;
ALTER TRIGGER tr3 ON t RENAME TO tr3_renamed;
ALTER TRIGGER tr4 ON t RENAME TO tr4_renamed;
ALTER RULE ru1 ON t RENAME TO ru1_renamed;
ALTER RULE ru2 ON t RENAME TO ru2_renamed;
ALTER RULE ru3 ON t RENAME TO ru3_renamed;
ALTER TABLE t ALTER b SET DEFAULT 1, ALTER c SET DEFAULT 2;
ALTER TABLE t ALTER b DROP DEFAULT, ALTER c DROP DEFAULT;
CREATE OR REPLACE VIEW v1 AS SELECT a, b FROM t;

-- Every row described, triggers and rules by their new names.  The RI
-- triggers' names contain OIDs: masked.
SELECT p.position, p.object_type,
       regexp_replace(p.object_identity, '[0-9]{4,}', 'N', 'g') AS identity,
       regexp_replace(p.depends_on, '[0-9]{4,}', 'N', 'g') AS depends_on,
       p.dependency, p.requires_cascade
  FROM ri_audit.drop_preview('DROP TABLE t') p
 ORDER BY p.position;

-- The same walk without descriptions.
SELECT ri_audit.assert_drop_safe('DROP TABLE t');

-- Once more, now that the first preview has marked the dead entries.
SELECT count(*) FROM ri_audit.drop_preview('DROP TABLE t');

-- The statement itself agrees.
BEGIN;
DROP TABLE t CASCADE;
ROLLBACK;

DROP SCHEMA pv_memory CASCADE;
RESET search_path;
