--
-- Install the extension and check what it creates.
--
CREATE EXTENSION ri_audit;

-- Not relocatable, in its own schema.
SELECT extname, extrelocatable, extnamespace::regnamespace
  FROM pg_extension WHERE extname = 'ri_audit';

-- Every member object, as the catalogs describe it.
SELECT pg_describe_object(classid, objid, objsubid) AS member
  FROM pg_depend
 WHERE refclassid = 'pg_extension'::regclass
   AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'ri_audit')
   AND deptype = 'e'
 ORDER BY 1;

-- Helpers of the orphan tests (keyset, keyset_estimates).  The orphans of
-- one constraint by one scan method, as orphans() returns them (ordered by
-- table, key, ctid).
CREATE SCHEMA ri_regress;
CREATE FUNCTION ri_regress.orphans_by(con oid, method text)
	RETURNS TABLE (row_table regclass, row_ctid tid, key jsonb)
	LANGUAGE plpgsql SET ri_audit.scan_method = 'auto' AS $$
BEGIN
	PERFORM set_config('ri_audit.scan_method', method, true);
	RETURN QUERY SELECT o.row_table, o.row_ctid, o.key FROM ri_audit.orphans(con) o;
END $$;
-- Fast path versus planner path for every foreign key of a table: the
-- number of orphans, and how many rows the two disagree on.
CREATE FUNCTION ri_regress.orphans_compare(tab regclass)
	RETURNS TABLE (fk_name name, orphans bigint, disagree bigint)
	LANGUAGE sql AS $$
	SELECT c.conname,
		   (SELECT count(*) FROM ri_regress.orphans_by(c.oid, 'fast')),
		   (SELECT count(*)
			  FROM ((SELECT * FROM ri_regress.orphans_by(c.oid, 'fast')
					 EXCEPT ALL
					 SELECT * FROM ri_regress.orphans_by(c.oid, 'planner'))
					UNION ALL
					(SELECT * FROM ri_regress.orphans_by(c.oid, 'planner')
					 EXCEPT ALL
					 SELECT * FROM ri_regress.orphans_by(c.oid, 'fast'))) d)
	  FROM pg_constraint c
	 WHERE c.conrelid = tab AND c.contype = 'f' AND c.conparentid = 0
	 ORDER BY 1
$$;
-- check_foreign_keys() of the tables by one scan method.
CREATE FUNCTION ri_regress.check_by(tabs regclass[], method text)
	RETURNS TABLE (fk_name name, status text, rows_checked bigint,
				   orphan_count bigint)
	LANGUAGE sql SET ri_audit.scan_method = 'auto' AS $$
	SELECT set_config('ri_audit.scan_method', method, true);
	SELECT k.fk_name, k.status, k.rows_checked, k.orphan_count
	  FROM ri_audit.check_foreign_keys(tabs) k ORDER BY 1;
$$;
