/*-------------------------------------------------------------------------
 *
 * fk_graph.c
 *	  The foreign key graph engine: edges, neighbourhoods, DOT and Mermaid.
 *
 * The edges come from the catalog layer (ri_fk_graph_edges, in
 * src/catalog/fk_graph_edges.c): one per top-level foreign key, from the
 * referencing to the referenced table.  ri_fk_graph_near() keeps the part of the graph near some tables: the keys
 * that touch them, or every key between the tables within a number of
 * foreign key hops (in either direction) of them.  ri_fk_graph_text()
 * writes the edges as Graphviz DOT ("dot -Tsvg" renders it) or as a Mermaid
 * erDiagram (GitHub and GitLab render it in Markdown).
 *
 * What an edge shows, in both formats: the constraint's name, its
 * referencing columns and its ON DELETE action when that is not NO ACTION
 * (the default).  A NOT VALID key is dashed (DOT style=dashed; Mermaid's
 * ".." line, with "NOT VALID" in the label); a key without a supporting
 * index is red in DOT and says "no index" in Mermaid, where a relationship
 * cannot be coloured.  Mermaid's cardinalities: the referenced side is
 * "exactly one" when every referencing column is NOT NULL, else "zero or
 * one"; the referencing side "zero or more".
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
 * Memory: the edges and the text are allocated in the caller's memory
 * context (the SQL function's, for the call).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/fk_graph.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"

#include "ri_graph.h"

/* The tables of a set of edges, sorted by OID, for lookups by index. */
typedef struct GraphNodes
{
	int			n;
	Oid		   *relids;			/* sorted, unique */
	const char **names;			/* qualified names, same order */
} GraphNodes;

static GraphNodes *graph_nodes(List *edges);
static int	node_index(const GraphNodes *nodes, Oid relid);
static char *edge_label(const RiFkEdge *edge, const char *sep, bool notes);
static void append_dot_string(StringInfo buf, const char *str);
static void append_mermaid_string(StringInfo buf, const char *str);
static int	compare_oids(const void *a, const void *b);
static int	compare_names(const void *a, const void *b, void *arg);

/*
 * ri_fk_graph_near
 *		The edges near the tables relids, in the order of edges.
 *
 * depth < 0: the edges with one of the tables at either end.  depth >= 0:
 * the tables within depth foreign key hops of one of them (following edges
 * in either direction; depth 0 is the tables themselves), and every edge
 * between two of those.
 */
List *
ri_fk_graph_near(List *edges, List *relids, int depth)
{
	GraphNodes *nodes = graph_nodes(edges);
	int		   *dist = palloc(sizeof(int) * Max(nodes->n, 1));
	List	   *result = NIL;
	ListCell   *lc;

	for (int i = 0; i < nodes->n; i++)
		dist[i] = -1;
	foreach(lc, relids)
	{
		int			i = node_index(nodes, lfirst_oid(lc));

		if (i >= 0)
			dist[i] = 0;
	}

	if (depth < 0)
	{
		foreach(lc, edges)
		{
			RiFkEdge   *edge = lfirst(lc);

			if (dist[node_index(nodes, edge->from_rel)] == 0 ||
				dist[node_index(nodes, edge->to_rel)] == 0)
				result = lappend(result, edge);
		}
		return result;
	}

	/* Breadth first, one hop a round, until depth or nothing new. */
	for (int hop = 0; hop < depth; hop++)
	{
		bool		grew = false;

		foreach(lc, edges)
		{
			RiFkEdge   *edge = lfirst(lc);
			int			f = node_index(nodes, edge->from_rel);
			int			t = node_index(nodes, edge->to_rel);

			CHECK_FOR_INTERRUPTS();
			if (dist[f] == hop && dist[t] < 0)
			{
				dist[t] = hop + 1;
				grew = true;
			}
			else if (dist[t] == hop && dist[f] < 0)
			{
				dist[f] = hop + 1;
				grew = true;
			}
		}
		if (!grew)
			break;
	}

	foreach(lc, edges)
	{
		RiFkEdge   *edge = lfirst(lc);

		if (dist[node_index(nodes, edge->from_rel)] >= 0 &&
			dist[node_index(nodes, edge->to_rel)] >= 0)
			result = lappend(result, edge);
	}
	return result;
}

/*
 * ri_fk_graph_text
 *		The edges as DOT or Mermaid text.  Only tables with an edge are
 *		drawn.
 */
char *
ri_fk_graph_text(List *edges, RiGraphFormat format)
{
	StringInfoData buf;
	ListCell   *lc;

	initStringInfo(&buf);

	if (format == RI_GRAPH_DOT)
	{
		appendStringInfoString(&buf,
							   "digraph foreign_keys {\n"
							   "\trankdir=LR;\n"
							   "\tnode [shape=box, fontname=\"Helvetica\"];\n"
							   "\tedge [fontname=\"Helvetica\", fontsize=10];\n");
		foreach(lc, edges)
		{
			RiFkEdge   *edge = lfirst(lc);

			CHECK_FOR_INTERRUPTS();
			appendStringInfoChar(&buf, '\t');
			append_dot_string(&buf, edge->from_name);
			appendStringInfoString(&buf, " -> ");
			append_dot_string(&buf, edge->to_name);
			appendStringInfoString(&buf, " [label=");
			append_dot_string(&buf, edge_label(edge, "\n", false));
			if (!edge->validated)
				appendStringInfoString(&buf, ", style=dashed");
			if (!edge->has_index)
				appendStringInfoString(&buf, ", color=red");
			appendStringInfoString(&buf, "];\n");
		}
		appendStringInfoString(&buf, "}\n");
	}
	else
	{
		GraphNodes *nodes = graph_nodes(edges);
		int		   *order = palloc(sizeof(int) * Max(nodes->n, 1));
		int		   *alias = palloc(sizeof(int) * Max(nodes->n, 1));

		/*
		 * Tables are entities named t1, t2, ... in the order of their names,
		 * and shown by their names (an alias, which may hold any
		 * character).
		 */
		for (int i = 0; i < nodes->n; i++)
			order[i] = i;
		qsort_arg(order, nodes->n, sizeof(int), compare_names, nodes);
		appendStringInfoString(&buf, "erDiagram\n");
		for (int k = 0; k < nodes->n; k++)
		{
			alias[order[k]] = k + 1;
			appendStringInfo(&buf, "    t%d[", k + 1);
			append_mermaid_string(&buf, nodes->names[order[k]]);
			appendStringInfoString(&buf, "]\n");
		}
		foreach(lc, edges)
		{
			RiFkEdge   *edge = lfirst(lc);

			CHECK_FOR_INTERRUPTS();
			appendStringInfo(&buf, "    t%d %s%so{ t%d : ",
							 alias[node_index(nodes, edge->to_rel)],
							 edge->not_null ? "||" : "|o",
							 edge->validated ? "--" : "..",
							 alias[node_index(nodes, edge->from_rel)]);
			append_mermaid_string(&buf, edge_label(edge, " ", true));
			appendStringInfoChar(&buf, '\n');
		}
	}
	return buf.data;
}

/*
 * edge_label
 *		"name<sep>(columns)", then "<sep>ON DELETE action" unless NO ACTION;
 *		with notes, ", NOT VALID" and ", no index" where they apply.
 */
static char *
edge_label(const RiFkEdge *edge, const char *sep, bool notes)
{
	StringInfoData label;

	initStringInfo(&label);
	appendStringInfo(&label, "%s%s(%s)", edge->fk_name, sep, edge->columns);
	if (strcmp(edge->on_delete, "NO ACTION") != 0)
		appendStringInfo(&label, "%sON DELETE %s", sep, edge->on_delete);
	if (notes && !edge->validated)
		appendStringInfoString(&label, ", NOT VALID");
	if (notes && !edge->has_index)
		appendStringInfoString(&label, ", no index");
	return label.data;
}

/*
 * graph_nodes
 *		The tables at the ends of the edges.
 */
static GraphNodes *
graph_nodes(List *edges)
{
	GraphNodes *nodes = palloc(sizeof(GraphNodes));
	int			max = 2 * list_length(edges);
	Oid		   *all = palloc(sizeof(Oid) * Max(max, 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, edges)
	{
		RiFkEdge   *edge = lfirst(lc);

		all[n++] = edge->from_rel;
		all[n++] = edge->to_rel;
	}
	qsort(all, n, sizeof(Oid), compare_oids);
	nodes->n = 0;
	nodes->relids = all;
	for (int i = 0; i < n; i++)
		if (nodes->n == 0 || all[nodes->n - 1] != all[i])
			all[nodes->n++] = all[i];

	nodes->names = palloc(sizeof(char *) * Max(nodes->n, 1));
	foreach(lc, edges)
	{
		RiFkEdge   *edge = lfirst(lc);

		nodes->names[node_index(nodes, edge->from_rel)] = edge->from_name;
		nodes->names[node_index(nodes, edge->to_rel)] = edge->to_name;
	}
	return nodes;
}

/* Index of relid in nodes, or -1. */
static int
node_index(const GraphNodes *nodes, Oid relid)
{
	Oid		   *hit = bsearch(&relid, nodes->relids, nodes->n, sizeof(Oid),
							  compare_oids);

	return hit ? (int) (hit - nodes->relids) : -1;
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

/*
 * Append str as a double-quoted Mermaid string.  Letters, digits, spaces,
 * "_.,()-" and every byte of a multibyte character stay as they are; every
 * other ASCII character (quotes, "%%" that starts a comment, "#", ";",
 * brackets, newlines) is written as Mermaid's entity code "#<number>;",
 * which Mermaid shows as the character.
 */
static void
append_mermaid_string(StringInfo buf, const char *str)
{
	appendStringInfoChar(buf, '"');
	for (const unsigned char *p = (const unsigned char *) str; *p; p++)
	{
		if (*p >= 0x80 || (*p >= 'a' && *p <= 'z') ||
			(*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
			strchr(" _.,()-", *p) != NULL)
			appendStringInfoChar(buf, (char) *p);
		else
			appendStringInfo(buf, "#%d;", (int) *p);
	}
	appendStringInfoChar(buf, '"');
}

static int
compare_oids(const void *a, const void *b)
{
	Oid			x = *(const Oid *) a;
	Oid			y = *(const Oid *) b;

	return (x > y) - (x < y);
}

/* Node indexes by the bytes of their names. */
static int
compare_names(const void *a, const void *b, void *arg)
{
	const GraphNodes *nodes = arg;

	return strcmp(nodes->names[*(const int *) a], nodes->names[*(const int *) b]);
}
