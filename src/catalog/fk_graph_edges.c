/*-------------------------------------------------------------------------
 *
 * fk_graph_edges.c
 *	  The foreign key graph's edges, read from the catalogs in one query.
 *
 * One edge per top-level foreign key: the rows of ri_audit.foreign_keys
 * with parent_fk NULL (partition copies are not edges of their own), with
 * the names, key columns, ON DELETE action, NOT VALID state and index
 * support the graph shows.
 *
 * Concurrent DDL: the whole graph comes from one query, run read-only in
 * the caller's snapshot, and every name in it is read from the catalog
 * rows that snapshot sees (not from the catalog caches, which may already
 * show a table as dropped).  So a table dropped meanwhile is drawn as that
 * snapshot sees it, with all its edges, or not at all; no name is ever
 * missing.  (ri_fk_edges in fk_catalog.c, which load_order uses, reads the
 * catalog caches instead and leaves such keys out.)
 *
 * Locks: none on user tables; AccessShareLock on the catalogs the query
 * reads.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/catalog/fk_graph_edges.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/memutils.h"

#include "ri_fk_catalog.h"

/* Columns of the edge query. */
#define EDGE_QUERY_COLS 10

/*
 * ri_fk_graph_edges
 *		Every top-level foreign key as an edge, ordered by referencing
 *		table and constraint name (byte order), so that the text is stable
 *		for the same catalog state.
 *
 * The query runs through SPI on catalog views only, with every name
 * schema-qualified, read-only in the caller's snapshot.
 */
List *
ri_fk_graph_edges(void)
{
	MemoryContext callercxt = CurrentMemoryContext;
	List	   *edges = NIL;
	int			ret;

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute(
		"SELECT g.from_rel, g.to_rel, g.from_table, g.to_table, g.fk_name,"
		"       g.columns, g.on_delete, g.validated, g.has_index, g.not_null"
		"  FROM (SELECT t.oid AS from_rel, r.oid AS to_rel,"
		"               pg_catalog.format('%I.%I', tn.nspname, t.relname) AS from_table,"
		"               pg_catalog.format('%I.%I', rn.nspname, r.relname) AS to_table,"
		"               f.fk_name::pg_catalog.text AS fk_name,"
		"               pg_catalog.array_to_string(f.columns, ', ') AS columns,"
		"               f.on_delete, f.validated, f.has_index,"
		"               COALESCE((SELECT pg_catalog.bool_and(a.attnotnull)"
		"                           FROM pg_catalog.pg_attribute a"
		"                          WHERE a.attrelid OPERATOR(pg_catalog.=) t.oid"
		"                            AND a.attname OPERATOR(pg_catalog.=) ANY (f.columns)),"
		"                        false) AS not_null"
		"          FROM ri_audit.foreign_keys f"
		"          JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) f.table_name"
		"          JOIN pg_catalog.pg_namespace tn ON tn.oid OPERATOR(pg_catalog.=) t.relnamespace"
		"          JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) f.referenced_table"
		"          JOIN pg_catalog.pg_namespace rn ON rn.oid OPERATOR(pg_catalog.=) r.relnamespace"
		"         WHERE f.parent_fk IS NULL) g"
		" ORDER BY g.from_table COLLATE pg_catalog.\"C\","
		"          g.fk_name COLLATE pg_catalog.\"C\"",
		true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute failed: %s", SPI_result_code_string(ret));
	if (SPI_tuptable->tupdesc->natts != EDGE_QUERY_COLS)
		elog(ERROR, "the foreign key graph query returned %d columns, expected %d",
			 SPI_tuptable->tupdesc->natts, EDGE_QUERY_COLS);

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		Datum		bin[EDGE_QUERY_COLS];
		char	   *text[EDGE_QUERY_COLS];
		MemoryContext oldcxt;
		RiFkEdge   *edge;

		CHECK_FOR_INTERRUPTS();

		/* The query's columns are never NULL; do not trust that blindly. */
		for (int c = 0; c < EDGE_QUERY_COLS; c++)
		{
			bool		isnull;

			bin[c] = SPI_getbinval(tuple, tupdesc, c + 1, &isnull);
			if (isnull)
				elog(ERROR, "unexpected null in column %d of the foreign key graph query",
					 c + 1);
			text[c] = (c >= 2 && c <= 6) ? SPI_getvalue(tuple, tupdesc, c + 1) : NULL;
		}

		/* SPI's memory goes at SPI_finish: the edges live in the caller's. */
		oldcxt = MemoryContextSwitchTo(callercxt);
		edge = palloc(sizeof(RiFkEdge));
		edge->from_rel = DatumGetObjectId(bin[0]);
		edge->to_rel = DatumGetObjectId(bin[1]);
		edge->from_name = pstrdup(text[2]);
		edge->to_name = pstrdup(text[3]);
		edge->fk_name = pstrdup(text[4]);
		edge->columns = pstrdup(text[5]);
		edge->on_delete = pstrdup(text[6]);
		edge->validated = DatumGetBool(bin[7]);
		edge->has_index = DatumGetBool(bin[8]);
		edge->not_null = DatumGetBool(bin[9]);
		edges = lappend(edges, edge);
		MemoryContextSwitchTo(oldcxt);
	}
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	return edges;
}
