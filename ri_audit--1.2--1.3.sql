/* ri_audit/ri_audit--1.2--1.3.sql */

-- complain if script is sourced in psql, rather than via CREATE EXTENSION
\echo Use "ALTER EXTENSION ri_audit UPDATE TO '1.3'" to load this file. \quit

-- CREATE EXTENSION ri_audit (version 1.3) runs ri_audit--1.0.sql and the
-- update scripts to 1.1, 1.2 and then this one; an update from an older
-- version runs the same statements.  Conventions are those of
-- ri_audit--1.0--1.1.sql.  Members replaced here keep their signatures, so
-- CREATE OR REPLACE keeps their owners, grants and comments.
--

-- ==== report(): exact cycle and cross-type findings ====
--
-- report() as in 1.2 (see ri_audit--1.1--1.2.sql for what each finding
-- means), with two findings made exact:
--   'cycle without deferrable key' is reported for each set of tables that
--     still reference each other in a cycle when the deferrable keys are
--     left out (1.2 left out a cycle as soon as any key among its tables
--     was deferrable, even one on another loop of the same cycle);
--   'cross-type key' is reported when RI compares with a cross-type
--     operator or casts the referencing value (1.2 compared the base types,
--     so varchar referencing text, a binary coercion, was reported).
--
CREATE OR REPLACE FUNCTION @extschema@.report(
	OUT severity pg_catalog.text,
	OUT problem pg_catalog.text,
	OUT table_name pg_catalog.regclass,
	OUT fk_name pg_catalog.name,
	OUT fk pg_catalog.oid,
	OUT reason pg_catalog.text,
	OUT advice pg_catalog.text)
RETURNS SETOF record
LANGUAGE sql STABLE PARALLEL RESTRICTED
BEGIN ATOMIC
	WITH findings AS (
		SELECT 1 AS rank, 'error' AS severity, 'not enforced' AS problem,
			   f.table_name, f.fk_name, f.fk,
			   'one of its RI triggers is disabled or fires only in replica mode: rows written now are not checked' AS reason,
			   'as a superuser, ALTER TABLE ' OPERATOR(pg_catalog.||) f.table_name::pg_catalog.text OPERATOR(pg_catalog.||)
				   ' ENABLE TRIGGER ALL and ALTER TABLE ' OPERATOR(pg_catalog.||)
				   f.referenced_table::pg_catalog.text OPERATOR(pg_catalog.||)
				   ' ENABLE TRIGGER ALL (this enables their other disabled triggers too), then look for the orphans written meanwhile: ri_audit.check_foreign_keys(ARRAY['
				   OPERATOR(pg_catalog.||) pg_catalog.quote_literal(f.table_name::pg_catalog.text)
				   OPERATOR(pg_catalog.||) ']::regclass[])' AS advice
		  FROM @extschema@.foreign_keys f
		 WHERE NOT f.enforced AND f.parent_fk IS NULL
		UNION ALL
		SELECT 2, 'warning', 'not valid', f.table_name, f.fk_name, f.fk,
			   'NOT VALID: the rows that existed when it was added were never checked',
			   'find the orphans with ri_audit.orphans(' OPERATOR(pg_catalog.||)
				   pg_catalog.quote_literal(f.table_name::pg_catalog.text) OPERATOR(pg_catalog.||) ', '
				   OPERATOR(pg_catalog.||) pg_catalog.quote_literal(f.fk_name)
				   OPERATOR(pg_catalog.||) '), fix them, then validate the key (ri_audit.validate)'
		  FROM @extschema@.foreign_keys f
		 WHERE NOT f.validated AND f.parent_fk IS NULL
		UNION ALL
		SELECT 3, cy.severity, 'cycle without deferrable key', f.table_name, f.fk_name, f.fk,
			   'tables ' OPERATOR(pg_catalog.||) sc.tables OPERATOR(pg_catalog.||)
				   ' reference each other and none of the keys between them is deferrable',
			   'make one of the keys DEFERRABLE, so that the tables can be loaded in one transaction after SET CONSTRAINTS ALL DEFERRED; until then, '
				   OPERATOR(pg_catalog.||) pg_catalog.regexp_replace(cy.note, '^cycle: ', '')
		  FROM (SELECT l.cycle,
					   pg_catalog.array_agg(l.table_name::pg_catalog.oid) AS members,
					   pg_catalog.min(l.note) AS note,
					   -- load_order's note: loadable with NULLs first, or not at all
					   CASE WHEN pg_catalog.bool_or(l.note OPERATOR(pg_catalog.~~) 'cycle: cannot%')
							THEN 'warning' ELSE 'notice' END AS severity
				  FROM @extschema@.load_order() l
				 WHERE l.cycle IS NOT NULL AND l.cycle OPERATOR(pg_catalog.>) 0
				 GROUP BY l.cycle) cy
		  -- the cycles that remain when the deferrable keys are left out:
		  -- the strongly connected sets of tables of the cycle's keys that
		  -- are not deferrable (each one finding), found from reachability
		  CROSS JOIN LATERAL (
			   WITH RECURSIVE edge(src, dst) AS (
				   SELECT DISTINCT e.table_name::pg_catalog.oid, e.referenced_table::pg_catalog.oid
					 FROM @extschema@.foreign_keys e
					WHERE e.parent_fk IS NULL AND NOT e.is_deferrable
					  AND e.table_name::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (cy.members)
					  AND e.referenced_table::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (cy.members)
					  AND e.table_name::pg_catalog.oid OPERATOR(pg_catalog.<>) e.referenced_table::pg_catalog.oid),
			   reach(src, dst) AS (
				   SELECT src, dst FROM edge
				   UNION
				   SELECT r.src, e.dst FROM reach r JOIN edge e ON e.src OPERATOR(pg_catalog.=) r.dst)
			   SELECT DISTINCT
					  (SELECT pg_catalog.array_agg(m.dst ORDER BY m.dst)
						 FROM reach m
						WHERE m.src OPERATOR(pg_catalog.=) t.src
						  AND EXISTS (SELECT 1 FROM reach back
									   WHERE back.src OPERATOR(pg_catalog.=) m.dst
										 AND back.dst OPERATOR(pg_catalog.=) t.src)) AS scc
				 FROM reach t
				WHERE t.src OPERATOR(pg_catalog.=) t.dst) s
		  CROSS JOIN LATERAL (
			   SELECT pg_catalog.string_agg(m::pg_catalog.regclass::pg_catalog.text, ', '
											ORDER BY m::pg_catalog.regclass::pg_catalog.text COLLATE "C") AS tables
				 FROM pg_catalog.unnest(s.scc) AS m) sc
		  CROSS JOIN LATERAL (
			   SELECT f.table_name, f.fk_name, f.fk
				 FROM @extschema@.foreign_keys f
				WHERE f.parent_fk IS NULL AND NOT f.is_deferrable
				  AND f.table_name::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (s.scc)
				  AND f.referenced_table::pg_catalog.oid OPERATOR(pg_catalog.=) ANY (s.scc)
				  AND f.table_name::pg_catalog.oid OPERATOR(pg_catalog.<>) f.referenced_table::pg_catalog.oid
				ORDER BY f.table_name::pg_catalog.text COLLATE "C", f.fk_name COLLATE "C"
				LIMIT 1) f
		UNION ALL
		SELECT 4, 'notice', 'unindexed', u.table_name, u.fk_name, u.fk,
			   'no index leads with the columns (' OPERATOR(pg_catalog.||)
				   pg_catalog.array_to_string(u.columns, ', ') OPERATOR(pg_catalog.||)
				   ') of ' OPERATOR(pg_catalog.||) u.table_name::pg_catalog.text OPERATOR(pg_catalog.||)
				   ': each DELETE or key UPDATE on ' OPERATOR(pg_catalog.||)
				   u.referenced_table::pg_catalog.text OPERATOR(pg_catalog.||) ' scans it',
			   CASE WHEN u.step IS NULL THEN 'add an index on its columns to each partition that can have one'
					WHEN u.nsteps OPERATOR(pg_catalog.>) 1
					THEN 'add the index online with the statements of ri_audit.unindexed_foreign_keys for ' OPERATOR(pg_catalog.||)
						 pg_catalog.quote_ident(u.fk_name) OPERATOR(pg_catalog.||) ', in step order'
					ELSE u.suggested_index END
		  FROM (SELECT u.*, pg_catalog.count(*) OVER (PARTITION BY u.fk) AS nsteps
				  FROM @extschema@.unindexed_foreign_keys u) u
		 WHERE u.step IS NULL OR u.step OPERATOR(pg_catalog.=) 1
		UNION ALL
		SELECT 5, 'notice', 'cross-type key', x.table_name, x.fk_name, x.fk,
			   'key columns of different types: ' OPERATOR(pg_catalog.||) x.pairs,
			   'make the referencing columns the type of the referenced ones, so that comparisons need no cross-type operator and values cannot overflow'
		  FROM (SELECT f.table_name, f.fk_name, f.fk,
					   pg_catalog.string_agg(
						   pg_catalog.quote_ident(fa.attname) OPERATOR(pg_catalog.||) ' '
						   OPERATOR(pg_catalog.||) pg_catalog.format_type(fa.atttypid, fa.atttypmod)
						   OPERATOR(pg_catalog.||) ' references '
						   OPERATOR(pg_catalog.||) pg_catalog.quote_ident(pa.attname) OPERATOR(pg_catalog.||) ' '
						   OPERATOR(pg_catalog.||) pg_catalog.format_type(pa.atttypid, pa.atttypmod),
						   ', ' ORDER BY k.ord) AS pairs
				  FROM @extschema@.foreign_keys f
				  JOIN pg_catalog.pg_constraint c ON c.oid OPERATOR(pg_catalog.=) f.fk
				  CROSS JOIN LATERAL ROWS FROM (pg_catalog.unnest(c.conkey), pg_catalog.unnest(c.confkey), pg_catalog.unnest(c.conpfeqop)) WITH ORDINALITY AS k(fkatt, pkatt, pfeqop, ord)
				  JOIN pg_catalog.pg_attribute fa
					ON fa.attrelid OPERATOR(pg_catalog.=) c.conrelid AND fa.attnum OPERATOR(pg_catalog.=) k.fkatt
				  JOIN pg_catalog.pg_attribute pa
					ON pa.attrelid OPERATOR(pg_catalog.=) c.confrelid AND pa.attnum OPERATOR(pg_catalog.=) k.pkatt
				  JOIN pg_catalog.pg_operator o ON o.oid OPERATOR(pg_catalog.=) k.pfeqop
				  -- the referencing column's base type, through domains over
				  -- domains (getBaseType())
				  CROSS JOIN LATERAL (
					   WITH RECURSIVE base(oid, typtype, typbasetype) AS (
						   SELECT t.oid, t.typtype, t.typbasetype
							 FROM pg_catalog.pg_type t
							WHERE t.oid OPERATOR(pg_catalog.=) fa.atttypid
						   UNION ALL
						   SELECT t.oid, t.typtype, t.typbasetype
							 FROM base b
							 JOIN pg_catalog.pg_type t ON t.oid OPERATOR(pg_catalog.=) b.typbasetype
							WHERE b.typtype OPERATOR(pg_catalog.=) 'd')
					   SELECT b.oid AS fk_base
						 FROM base b
						WHERE b.typtype OPERATOR(pg_catalog.<>) 'd') bt
				 WHERE f.parent_fk IS NULL
				   -- RI compares with the constraint's operator (conpfeqop):
				   -- a cross-type one, or one the referencing value reaches
				   -- only through a cast that is not binary (int referencing
				   -- numeric), not when it is a binary coercion (varchar
				   -- referencing text) or a polymorphic operator (enums)
				   AND (o.oprleft OPERATOR(pg_catalog.<>) o.oprright
						OR (bt.fk_base OPERATOR(pg_catalog.<>) o.oprright
							AND NOT EXISTS (
								SELECT 1 FROM pg_catalog.pg_type p
								 WHERE p.oid OPERATOR(pg_catalog.=) o.oprright
								   AND p.typtype OPERATOR(pg_catalog.=) 'p')
							AND NOT EXISTS (
								SELECT 1 FROM pg_catalog.pg_cast bc
								 WHERE bc.castsource OPERATOR(pg_catalog.=) bt.fk_base
								   AND bc.casttarget OPERATOR(pg_catalog.=) o.oprright
								   AND bc.castmethod OPERATOR(pg_catalog.=) 'b')))
				 GROUP BY f.table_name, f.fk_name, f.fk) x
	)
	SELECT severity, problem, table_name, fk_name, fk, reason, advice
	  FROM findings
	 ORDER BY CASE WHEN severity OPERATOR(pg_catalog.=) 'error' THEN 1
				   WHEN severity OPERATOR(pg_catalog.=) 'warning' THEN 2 ELSE 3 END,
			  rank, table_name::pg_catalog.text COLLATE "C", fk_name COLLATE "C";
END;
