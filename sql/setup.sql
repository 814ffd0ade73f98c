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
