--
-- ri_audit.drop_preview: ALTER TABLE ... DROP CONSTRAINT.
--
SET client_min_messages = notice;

CREATE FUNCTION pv(ddl text)
RETURNS TABLE ("position" int, description text, depends_on text,
               dependency text, requires_cascade boolean)
LANGUAGE sql AS $$
  SELECT p.position,
         regexp_replace(p.description, '[0-9]{4,}', 'N', 'g'),
         regexp_replace(p.depends_on, '[0-9]{4,}', 'N', 'g'),
         p.dependency, p.requires_cascade
    FROM ri_audit.drop_preview(ddl) p ORDER BY p.position
$$;

CREATE TABLE users (id int PRIMARY KEY, email text);
CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users);
CREATE TABLE reviews (id int, user_id int REFERENCES users);

-- The classic: a primary key referenced by foreign keys.
SELECT * FROM pv('ALTER TABLE users DROP CONSTRAINT users_pkey');
BEGIN;
ALTER TABLE users DROP CONSTRAINT users_pkey CASCADE;
ROLLBACK;
SELECT ri_audit.assert_drop_safe('ALTER TABLE users DROP CONSTRAINT users_pkey');
ALTER TABLE users DROP CONSTRAINT users_pkey;

-- A foreign key: its triggers on both tables go silently.
SELECT * FROM pv('ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey');
SELECT ri_audit.assert_drop_safe('ALTER TABLE orders DROP CONSTRAINT orders_user_id_fkey');

-- Missing constraints, IF EXISTS.
SELECT * FROM pv('ALTER TABLE orders DROP CONSTRAINT nope');
SELECT * FROM pv('ALTER TABLE orders DROP CONSTRAINT IF EXISTS nope');

-- CHECK constraints recurse into inheritance children: one deletion for
-- the parent's, then one per child constraint that exists only through it.
CREATE TABLE p (a int CONSTRAINT a_pos CHECK (a > 0));
CREATE TABLE c1 () INHERITS (p);
CREATE TABLE c2 (CONSTRAINT a_pos CHECK (a > 0)) INHERITS (p);
SELECT conrelid::regclass, conislocal, coninhcount FROM pg_constraint
 WHERE conname = 'a_pos' ORDER BY 1::text;
SELECT * FROM pv('ALTER TABLE p DROP CONSTRAINT a_pos');
SELECT * FROM pv('ALTER TABLE ONLY p DROP CONSTRAINT a_pos');
SELECT * FROM pv('ALTER TABLE c1 DROP CONSTRAINT a_pos');
-- NO INHERIT constraints do not recurse.
ALTER TABLE p ADD CONSTRAINT a_small CHECK (a < 100) NO INHERIT;
SELECT * FROM pv('ALTER TABLE p DROP CONSTRAINT a_small');

-- Partitioned tables: clones of a foreign key, of a primary key and of a
-- CHECK constraint.
CREATE TABLE pk (id int PRIMARY KEY) PARTITION BY RANGE (id);
CREATE TABLE pk1 PARTITION OF pk FOR VALUES FROM (0) TO (10);
CREATE TABLE fk (ref int REFERENCES pk, CHECK (ref > -1))
  PARTITION BY RANGE (ref);
CREATE TABLE fk1 PARTITION OF fk FOR VALUES FROM (0) TO (10);
SELECT * FROM pv('ALTER TABLE fk DROP CONSTRAINT fk_ref_fkey');
SELECT * FROM pv('ALTER TABLE fk DROP CONSTRAINT fk_ref_check');
SELECT * FROM pv('ALTER TABLE ONLY fk DROP CONSTRAINT fk_ref_check');
SELECT * FROM pv('ALTER TABLE fk1 DROP CONSTRAINT fk_ref_fkey');
SELECT * FROM pv('ALTER TABLE pk DROP CONSTRAINT pk_pkey');
BEGIN;
ALTER TABLE pk DROP CONSTRAINT pk_pkey CASCADE;
ROLLBACK;
SELECT * FROM pv('ALTER TABLE pk1 DROP CONSTRAINT pk1_pkey');

-- A constraint trigger's constraint belongs to the trigger.
CREATE FUNCTION trg() RETURNS trigger LANGUAGE plpgsql
  AS $$ BEGIN RETURN NEW; END $$;
CREATE CONSTRAINT TRIGGER ctrg AFTER INSERT ON orders
  FOR EACH ROW EXECUTE FUNCTION trg();
SELECT * FROM pv('ALTER TABLE orders DROP CONSTRAINT ctrg');
ALTER TABLE orders DROP CONSTRAINT ctrg;
SELECT * FROM pv('DROP TRIGGER ctrg ON orders');

-- Several subcommands: each is its own deletion, in order.
SELECT * FROM pv('ALTER TABLE reviews DROP CONSTRAINT reviews_user_id_fkey, DROP COLUMN user_id');

DROP TABLE users, orders, reviews, p, c1, c2, pk, fk CASCADE;
DROP FUNCTION trg(), pv(text);
