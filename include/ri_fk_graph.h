/*-------------------------------------------------------------------------
 *
 * ri_fk_graph.h
 *	  The foreign key graph engine (src/engine/fk_graph.c): the edges, the
 *	  part of the graph near some tables, and its text as Graphviz DOT or
 *	  a Mermaid erDiagram.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_fk_graph.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_FK_GRAPH_H
#define RI_FK_GRAPH_H

#include "nodes/pg_list.h"

/* One top-level foreign key: an edge from the referencing table. */
typedef struct RiFkEdge
{
	Oid			from_rel;		/* referencing table */
	Oid			to_rel;			/* referenced table */
	char	   *from_name;		/* qualified, quoted where needed */
	char	   *to_name;
	char	   *fk_name;		/* constraint name */
	char	   *columns;		/* referencing columns, "a, b" */
	char	   *on_delete;		/* "NO ACTION", "CASCADE", ... */
	bool		validated;		/* false: NOT VALID */
	bool		has_index;		/* foreign_keys.has_index */
	bool		not_null;		/* every referencing column NOT NULL */
} RiFkEdge;

typedef enum RiGraphFormat
{
	RI_GRAPH_DOT,
	RI_GRAPH_MERMAID
} RiGraphFormat;

extern List *ri_fk_graph_edges(void);
extern List *ri_fk_graph_near(List *edges, List *relids, int depth);
extern char *ri_fk_graph_text(List *edges, RiGraphFormat format);

#endif							/* RI_FK_GRAPH_H */
