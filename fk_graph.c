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

	SPI_connect();
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

	for (uint64 i = 0; i < SPI_processed; i++)
	{
		HeapTuple	tuple = SPI_tuptable->vals[i];
		TupleDesc	tupdesc = SPI_tuptable->tupdesc;
		bool		isnull;
		bool		validated;
		bool		has_index;

		CHECK_FOR_INTERRUPTS();

		validated = DatumGetBool(SPI_getbinval(tuple, tupdesc, 5, &isnull));
		has_index = DatumGetBool(SPI_getbinval(tuple, tupdesc, 6, &isnull));

		appendStringInfoChar(&buf, '\t');
		append_dot_string(&buf, SPI_getvalue(tuple, tupdesc, 1));
		appendStringInfoString(&buf, " -> ");
		append_dot_string(&buf, SPI_getvalue(tuple, tupdesc, 2));
		appendStringInfoString(&buf, " [label=");
		append_dot_string(&buf, psprintf("%s\n(%s)",
										 SPI_getvalue(tuple, tupdesc, 3),
										 SPI_getvalue(tuple, tupdesc, 4)));
		if (!validated)
			appendStringInfoString(&buf, ", style=dashed");
		if (!has_index)
			appendStringInfoString(&buf, ", color=red");
		appendStringInfoString(&buf, "];\n");
	}
	SPI_finish();

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
