--
-- demo/report.sql: the ri_audit report on the sample shop database.
--
\set ON_ERROR_STOP on
\pset footer on
SET search_path = shop, public;
CREATE EXTENSION ri_audit;

\echo '== Foreign keys (ri_audit.foreign_keys) ========================='
\echo 'Every foreign key with its columns, actions, validation state and'
\echo 'whether an index supports it.'
SELECT table_name, fk_name, columns, referenced_table AS refs,
	   on_delete, validated, has_index,
	   CASE WHEN parent_fk IS NOT NULL THEN 'clone' ELSE '' END AS clone
  FROM ri_audit.foreign_keys
 ORDER BY table_name::text, fk_name;

\echo
\echo '== Foreign keys with no supporting index ======================='
\echo 'A DELETE or key UPDATE on the referenced table must scan these'
\echo 'referencing tables in full.'
SELECT table_name, fk_name, columns
  FROM ri_audit.foreign_keys
 WHERE NOT has_index AND parent_fk IS NULL
 ORDER BY table_name::text, fk_name;
