/*-------------------------------------------------------------------------
 *
 * fk_graph.c
 *	  The foreign key graph of the database as Graphviz DOT text.
 *
 * ri_audit.foreign_key_graph() writes one node per table and one edge per
 * top-level foreign key (pg_constraint rows with conparentid = 0), from the
 * referencing to the referenced table, labelled with the constraint's name
 * and columns.  NOT VALID keys are drawn dashed, keys without a supporting
 * index are drawn red; the output renders with "dot -Tsvg".
 *
 * Locks: none on user tables.  Only system catalogs are read.
 *
 * Concurrent DDL: the whole graph comes from one query, run read-only in
 * the caller's snapshot, and every name in it is read from the catalog
 * rows that snapshot sees (not from the catalog caches, which may already
 * show a table as dropped).  So a table dropped while the function runs
 * is drawn as that snapshot sees it, with all its edges, or not at all; no
 * name is ever missing.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/fk_graph.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "fmgr.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "ri_audit.h"

PG_FUNCTION_INFO_V1(ri_audit_foreign_key_graph);

static void append_dot_string(StringInfo buf, const char *str);

/*
 * ri_audit.foreign_key_graph(tables regclass[] DEFAULT NULL) RETURNS text
 *
 * The DOT text of the graph, restricted to the foreign keys that touch one
 * of the given tables when tables is not NULL.  Edges come in a fixed order
 * (referencing table, constraint name), so the text is stable for the same
 * catalog state.  The query runs through SPI on catalog views only, with
 * every name schema-qualified.  Takes no lock on any user table.
 */
Datum
ri_audit_foreign_key_graph(PG_FUNCTION_ARGS)
{
	StringInfoData buf;
	Datum		args[1];
	char		argnulls[1] = {' '};
	Oid			argtypes[1] = {REGCLASSARRAYOID};
	int			ret;

	if (PG_ARGISNULL(0))
		argnulls[0] = 'n';
	else
		args[0] = PG_GETARG_DATUM(0);

	initStringInfo(&buf);
	appendStringInfoString(&buf,
						   "digraph foreign_keys {\n"
						   "\trankdir=LR;\n"
						   "\tnode [shape=box, fontname=\"Helvetica\"];\n"
						   "\tedge [fontname=\"Helvetica\", fontsize=10];\n");

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args(
		"SELECT g.from_table, g.to_table, g.fk_name, g.columns,"
		"       g.validated, g.has_index"
		"  FROM (SELECT pg_catalog.format('%I.%I', tn.nspname, t.relname) AS from_table,"
		"               pg_catalog.format('%I.%I', rn.nspname, r.relname) AS to_table,"
		"               f.fk_name::pg_catalog.text AS fk_name,"
		"               pg_catalog.array_to_string(f.columns, ', ') AS columns,"
		"               f.validated, f.has_index"
		"          FROM ri_audit.foreign_keys f"
		"          JOIN pg_catalog.pg_class t ON t.oid OPERATOR(pg_catalog.=) f.table_name"
		"          JOIN pg_catalog.pg_namespace tn ON tn.oid OPERATOR(pg_catalog.=) t.relnamespace"
		"          JOIN pg_catalog.pg_class r ON r.oid OPERATOR(pg_catalog.=) f.referenced_table"
		"          JOIN pg_catalog.pg_namespace rn ON rn.oid OPERATOR(pg_catalog.=) r.relnamespace"
		"         WHERE f.parent_fk IS NULL"
		"           AND ($1 IS NULL"
		"                OR f.table_name OPERATOR(pg_catalog.=) ANY ($1)"
		"                OR f.referenced_table OPERATOR(pg_catalog.=) ANY ($1))) g"
		" ORDER BY g.from_table COLLATE pg_catalog.\"C\","
		"          g.fk_name COLLATE pg_catalog.\"C\"",
		1, argtypes, args, argnulls, true, 0);
	if (ret != SPI_OK_SELECT)
		elog(ERROR, "SPI_execute_with_args failed: %s",
			 SPI_result_code_string(ret));

	/*
	 * The rows live in SPI's memory until SPI_finish; buf was allocated
	 * before SPI_connect, in the caller's context, and outlives it.
	 */
	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		validated;
		bool		has_index;
		char	   *text[4];

		CHECK_FOR_INTERRUPTS();

		/* The query's columns are never NULL; do not trust that blindly. */
		for (int c = 0; c < 4; c++)
		{
			text[c] = SPI_getvalue(tuple, tupdesc, c + 1);
			if (text[c] == NULL)
				elog(ERROR, "unexpected null in column %d of the foreign key graph query",
					 c + 1);
		}
		validated = DatumGetBool(SPI_getbinval(tuple, tupdesc, 5, &isnull));
		if (!isnull)
			has_index = DatumGetBool(SPI_getbinval(tuple, tupdesc, 6,
												   &isnull));
		if (isnull)
			elog(ERROR, "unexpected null in the foreign key graph query");

		appendStringInfoChar(&buf, '\t');
		append_dot_string(&buf, text[0]);
		appendStringInfoString(&buf, " -> ");
		append_dot_string(&buf, text[1]);
		appendStringInfoString(&buf, " [label=");
		append_dot_string(&buf, psprintf("%s\n(%s)", text[2], text[3]));
		if (!validated)
			appendStringInfoString(&buf, ", style=dashed");
		if (!has_index)
			appendStringInfoString(&buf, ", color=red");
		appendStringInfoString(&buf, "];\n");
	}
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	appendStringInfoString(&buf, "}\n");
	PG_RETURN_TEXT_P(cstring_to_text_with_len(buf.data, buf.len));
}

/*
 * Append str as a double-quoted DOT string: quotes and backslashes escaped,
 * newlines written as DOT's centred line break.
 */
static void
append_dot_string(StringInfo buf, const char *str)
{
	appendStringInfoChar(buf, '"');
	for (const char *p = str; *p; p++)
	{
		if (*p == '"' || *p == '\\')
			appendStringInfoChar(buf, '\\');
		if (*p == '\n')
		{
			appendStringInfoString(buf, "\\n");
			continue;
		}
		appendStringInfoChar(buf, *p);
	}
	appendStringInfoChar(buf, '"');
}
