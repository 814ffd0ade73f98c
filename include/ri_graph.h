/*-------------------------------------------------------------------------
 *
 * ri_graph.h
 *	  Graph algorithms over the foreign keys: the load order
 *	  (src/engine/load_order.c) and the drawn graph, as Graphviz DOT or a
 *	  Mermaid erDiagram (src/engine/fk_graph.c).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_graph.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_GRAPH_H
#define RI_GRAPH_H

#include "nodes/pg_list.h"

#include "ri_fk_catalog.h"

/* One table of the load order (ri_load_order). */
typedef struct RiLoadOrderRow
{
	int			level;			/* 0: references no table outside its cycle */
	Oid			relid;			/* the table (a root, never a partition) */
	Oid		   *depends_on;		/* the other tables it references */
	int			ndepends;		/* their number */
	bool		self_reference; /* has a foreign key to itself */
	int			cycle;			/* number of its cycle, or 0 */
	char	   *note;			/* how to load its cycle, or NULL */
} RiLoadOrderRow;

extern RiLoadOrderRow *ri_load_order(List *relids, bool all_tables,
									 int *nrows);

typedef enum RiGraphFormat
{
	RI_GRAPH_DOT,
	RI_GRAPH_MERMAID
} RiGraphFormat;

/* src/engine/fk_graph.c */
extern List *ri_fk_graph_near(List *edges, List *relids, int depth);
extern char *ri_fk_graph_text(List *edges, RiGraphFormat format);

#endif							/* RI_GRAPH_H */
