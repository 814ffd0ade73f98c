/*-------------------------------------------------------------------------
 *
 * fk_graph_api.c
 *	  SQL entry point ri_audit.foreign_key_graph().
 *
 * Argument checks and the result; the graph itself (which edges, how they
 * are drawn, locks and concurrent DDL) is src/engine/fk_graph.c's.
 *
 * One C function serves both SQL definitions: foreign_key_graph(tables) of
 * version 1.0 (one argument: DOT, the keys touching the tables) and
 * foreign_key_graph(tables, format, depth) of 1.1, so a database not yet
 * updated keeps working with this library.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/fk_graph_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "ri_audit.h"
#include "ri_fk_catalog.h"
#include "ri_graph.h"

PG_FUNCTION_INFO_V1(ri_audit_foreign_key_graph);

/*
 * ri_audit.foreign_key_graph(tables regclass[] DEFAULT NULL,
 *							  format text DEFAULT 'dot',
 *							  depth int DEFAULT NULL) RETURNS text
 *
 * The foreign key graph as text in format ('dot': Graphviz; 'mermaid': a
 * Mermaid erDiagram; any case).  tables NULL: the whole graph (depth must
 * then be NULL).  Otherwise, with depth NULL, the keys that touch one of
 * the tables; with depth N >= 0, the tables within N foreign key hops of
 * them and every key between those.  Takes no lock on any user table.
 */
Datum
ri_audit_foreign_key_graph(PG_FUNCTION_ARGS)
{
	RiGraphFormat format = RI_GRAPH_DOT;
	int			depth = -1;
	List	   *edges;

	if (PG_NARGS() > 1)
	{
		char	   *name;

		ri_require_arg(fcinfo, 1, "format");
		name = text_to_cstring(PG_GETARG_TEXT_PP(1));
		if (pg_strcasecmp(name, "dot") == 0)
			format = RI_GRAPH_DOT;
		else if (pg_strcasecmp(name, "mermaid") == 0)
			format = RI_GRAPH_MERMAID;
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("unrecognized graph format \"%s\"", name),
					 errhint("Valid formats are \"dot\" and \"mermaid\".")));
	}
	if (PG_NARGS() > 2 && !PG_ARGISNULL(2))
	{
		depth = (int) ri_nonneg_int_arg(fcinfo, 2, false, "depth");
		if (PG_ARGISNULL(0))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("depth needs tables to count the hops from"),
					 errhint("Pass the tables to start from, or leave depth NULL for the whole graph.")));
	}

	edges = ri_fk_graph_edges();
	if (!PG_ARGISNULL(0))
		edges = ri_fk_graph_near(edges,
								 ri_regclass_array_arg(PG_GETARG_ARRAYTYPE_P(0),
													   "tables"),
								 depth);

	PG_RETURN_TEXT_P(cstring_to_text(ri_fk_graph_text(edges, format)));
}
