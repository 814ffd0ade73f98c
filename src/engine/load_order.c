/*-------------------------------------------------------------------------
 *
 * load_order.c
 *	  The order in which tables can be loaded (or emptied) without violating
 *	  a foreign key.
 *
 * ri_load_order() (for ri_audit.load_order(), src/api/load_order_api.c)
 * sorts tables topologically by their foreign keys:
 * a table of level 0 references no other table, a table of level n only
 * tables of lower levels, so loading level by level never meets a missing
 * referenced row, and emptying in descending level never leaves an orphan.
 *
 * How: the tables and the top-level foreign keys between them (from the
 * catalog layer, ri_fk_edges) form a directed graph, each edge going from the
 * referencing to the referenced table.  A partition stands for its root
 * partitioned table, since data is loaded through the root and every
 * partition's constraints are clones of the root's.  Tarjan's algorithm
 * (iterative, so chains of any length are fine) finds the strongly connected
 * components; a component of more than one table is a cycle of foreign keys.
 * Tarjan emits each component after every component it references, so the
 * levels are computed in one pass over the components in emission order.
 *
 * For a cycle, the note says how it can still be loaded: with the cycle's
 * deferrable constraints deferred in one transaction, or by leaving nullable
 * key columns NULL and filling them in afterwards.  Which of these is enough
 * is decided by removing those edges from the component and checking that
 * what remains is acyclic.
 *
 * Locks: none on user tables.  Only system catalogs are read, with the
 * AccessShareLock every catalog scan takes.
 *
 * Concurrent DDL: without a lock, a table may be dropped while the graph is
 * built.  The scans of pg_class and pg_constraint then still see rows that
 * the catalog caches, which the names and key columns are read from, no
 * longer have.  Such a table, or foreign key, is left out, as fk_catalog.c
 * leaves out the keys it lists: a table whose name or schema cannot be read
 * gets no node (even when the table list names it), and a foreign key whose
 * constraint row or key columns are gone gets no edge.  Every node that is
 * kept has its names, so the output order never compares a missing name.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/load_order.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "ri_fk_catalog.h"
#include "ri_graph.h"

/* One foreign key between two tables of the graph. */
typedef struct LoadOrderEdge
{
	int			target;			/* index of the referenced table's node */
	Oid			conoid;			/* the constraint */
	bool		deferrable;		/* condeferrable */
	bool		nullable;		/* the key can be left NULL at first */
} LoadOrderEdge;

/* One table of the graph. */
typedef struct LoadOrderNode
{
	Oid			relid;			/* the table (a root, never a partition) */
	char	   *nspname;		/* its schema, for ordering the output */
	char	   *relname;		/* its name, likewise */
	List	   *edges;			/* LoadOrderEdge *, to referenced tables */
	List	   *self_fks;		/* OIDs of self-referencing constraints */
	int			tarjan_index;	/* discovery number, -1 until visited */
	int			tarjan_lowlink; /* lowest discovery number reachable */
	bool		on_stack;		/* on Tarjan's component stack */
	int			component;		/* strongly connected component number */
} LoadOrderNode;

/* Hash entry mapping a table OID to its node index. */
typedef struct LoadOrderMapEntry
{
	Oid			relid;			/* hash key */
	int			node;			/* index into LoadOrderGraph.nodes */
} LoadOrderMapEntry;

/* One strongly connected component. */
typedef struct LoadOrderComponent
{
	List	   *members;		/* node indexes (int list) */
	int			level;			/* 0 = references nothing outside itself */
} LoadOrderComponent;

/* The whole computation's state. */
typedef struct LoadOrderGraph
{
	LoadOrderNode *nodes;		/* array of nnodes nodes */
	int			nnodes;
	int			maxnodes;		/* allocated length of nodes */
	HTAB	   *map;			/* relid -> node index */
	bool		all_tables;		/* no table list given: add every table */
	LoadOrderComponent *components; /* array, in Tarjan's emission order */
	int			ncomponents;
} LoadOrderGraph;

static Oid	root_table(Oid relid);
static bool table_is_listed_by_default(Form_pg_class classForm);
static int	add_node(LoadOrderGraph *graph, Oid relid);
static int	lookup_node(LoadOrderGraph *graph, Oid relid);
static void collect_tables(LoadOrderGraph *graph, List *relids);
static void collect_foreign_keys(LoadOrderGraph *graph);
static void find_components(LoadOrderGraph *graph);
static void compute_levels(LoadOrderGraph *graph);
static bool component_acyclic_without(LoadOrderGraph *graph, int comp,
									  bool drop_deferrable, bool drop_nullable);
static char *cycle_note(LoadOrderGraph *graph, int comp);
static int	compare_nodes_by_name(const void *a, const void *b, void *arg);

/*
 * ri_load_order
 *		The answer of ri_audit.load_order(): one row per table, ordered by
 *		level and then by schema and name.  With all_tables, every ordinary,
 *		partitioned and foreign table that is not a partition, outside the
 *		system schemas; otherwise the tables in relids (partitions stand for
 *		their roots; ERROR 42809 for a relation that is not a table), with
 *		the foreign keys among them.  The rows are allocated in the current
 *		memory context.  Takes no lock on any user table.
 */
RiLoadOrderRow *
ri_load_order(List *relids, bool all_tables, int *nrows)
{
	LoadOrderGraph graph;
	HASHCTL		hashctl;
	int		   *order;
	int			cycle_number = 0;
	int		   *cycle_of_component;
	RiLoadOrderRow *rows;

	memset(&graph, 0, sizeof(graph));
	graph.maxnodes = 64;
	graph.nodes = palloc(sizeof(LoadOrderNode) * graph.maxnodes);
	hashctl.keysize = sizeof(Oid);
	hashctl.entrysize = sizeof(LoadOrderMapEntry);
	hashctl.hcxt = CurrentMemoryContext;
	graph.map = hash_create("ri_audit load order", 256, &hashctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	graph.all_tables = all_tables;

	collect_tables(&graph, relids);
	collect_foreign_keys(&graph);
	find_components(&graph);
	compute_levels(&graph);

	/* Number the cycles in emission order, which is a valid load order. */
	cycle_of_component = palloc0(sizeof(int) * Max(graph.ncomponents, 1));
	for (int c = 0; c < graph.ncomponents; c++)
	{
		if (list_length(graph.components[c].members) > 1)
			cycle_of_component[c] = ++cycle_number;
	}

	/* Output order: level, then schema and table name. */
	order = palloc(sizeof(int) * Max(graph.nnodes, 1));
	for (int i = 0; i < graph.nnodes; i++)
		order[i] = i;
	qsort_arg(order, graph.nnodes, sizeof(int), compare_nodes_by_name, &graph);

	rows = palloc0(sizeof(RiLoadOrderRow) * Max(graph.nnodes, 1));
	for (int i = 0; i < graph.nnodes; i++)
	{
		LoadOrderNode *node = &graph.nodes[order[i]];
		int			comp = node->component;
		RiLoadOrderRow *row = &rows[i];
		ListCell   *lc;

		CHECK_FOR_INTERRUPTS();

		row->depends_on = palloc(sizeof(Oid) * Max(list_length(node->edges), 1));
		foreach(lc, node->edges)
		{
			LoadOrderEdge *edge = lfirst(lc);
			Oid			target = graph.nodes[edge->target].relid;
			bool		seen = false;

			for (int k = 0; k < row->ndepends; k++)
				seen |= (row->depends_on[k] == target);
			if (!seen)
				row->depends_on[row->ndepends++] = target;
		}

		row->level = graph.components[comp].level;
		row->relid = node->relid;
		row->self_reference = (node->self_fks != NIL);
		row->cycle = cycle_of_component[comp];
		if (row->cycle > 0)
			row->note = cycle_note(&graph, comp);
		else if (node->self_fks != NIL)
			row->note = pstrdup("self-reference: load referenced rows first, or defer the constraint if it is deferrable");
	}
	*nrows = graph.nnodes;
	return rows;
}

/*
 * The root of a partition tree containing relid, or relid itself.
 */
static Oid
root_table(Oid relid)
{
	List	   *ancestors;
	Oid			root;

	if (!get_rel_relispartition(relid))
		return relid;
	ancestors = get_partition_ancestors(relid);
	root = ancestors != NIL ? llast_oid(ancestors) : relid;
	list_free(ancestors);
	return root;
}

/*
 * Is this pg_class row a table the default listing includes?
 */
static bool
table_is_listed_by_default(Form_pg_class classForm)
{
	if (classForm->relkind != RELKIND_RELATION &&
		classForm->relkind != RELKIND_PARTITIONED_TABLE &&
		classForm->relkind != RELKIND_FOREIGN_TABLE)
		return false;
	if (classForm->relispartition)
		return false;
	if (IsCatalogNamespace(classForm->relnamespace) ||
		IsToastNamespace(classForm->relnamespace) ||
		isOtherTempNamespace(classForm->relnamespace))
		return false;
	if (classForm->relnamespace == get_namespace_oid("information_schema", true))
		return false;
	return true;
}

/*
 * Add a node for relid (a root table) unless it has one; return its index,
 * or -1 when the table's name or schema cannot be read: it was dropped
 * concurrently (see the file header), and gets no node.
 */
static int
add_node(LoadOrderGraph *graph, Oid relid)
{
	LoadOrderMapEntry *entry;
	LoadOrderNode *node;
	bool		found;
	char	   *relname;
	char	   *nspname;

	entry = hash_search(graph->map, &relid, HASH_FIND, NULL);
	if (entry)
		return entry->node;

	/* No lock is held: a NULL here is a table dropped concurrently. */
	relname = get_rel_name(relid);
	if (relname == NULL)
		return -1;
	nspname = get_namespace_name(get_rel_namespace(relid));
	if (nspname == NULL)
		return -1;

	entry = hash_search(graph->map, &relid, HASH_ENTER, &found);
	Assert(!found);

	if (graph->nnodes == graph->maxnodes)
	{
		graph->maxnodes *= 2;
		graph->nodes = repalloc(graph->nodes,
								sizeof(LoadOrderNode) * graph->maxnodes);
	}
	node = &graph->nodes[graph->nnodes];
	memset(node, 0, sizeof(LoadOrderNode));
	node->relid = relid;
	node->nspname = nspname;
	node->relname = relname;
	node->tarjan_index = -1;
	entry->node = graph->nnodes;
	return graph->nnodes++;
}

/*
 * The node index of relid, or -1 when the table is not in the graph.
 */
static int
lookup_node(LoadOrderGraph *graph, Oid relid)
{
	LoadOrderMapEntry *entry;

	entry = hash_search(graph->map, &relid, HASH_FIND, NULL);
	return entry ? entry->node : -1;
}

/*
 * Make the graph's nodes: the given tables, or every table.  A given OID
 * that names no table is an error; a table dropped while the nodes are
 * made is left out (add_node).
 */
static void
collect_tables(LoadOrderGraph *graph, List *relids)
{
	if (!graph->all_tables)
	{
		ListCell   *lc;

		foreach(lc, relids)
		{
			Oid			relid = lfirst_oid(lc);
			char		relkind = get_rel_relkind(relid);

			if (relkind == '\0')
				continue;		/* dropped since the argument was read */
			if (relkind != RELKIND_RELATION &&
				relkind != RELKIND_PARTITIONED_TABLE &&
				relkind != RELKIND_FOREIGN_TABLE)
			{
				char	   *relname = get_rel_name(relid);

				if (relname == NULL)
					continue;	/* dropped since get_rel_relkind() */
				ereport(ERROR,
						(errcode(ERRCODE_WRONG_OBJECT_TYPE),
						 errmsg("\"%s\" is not a table", relname)));
			}
			(void) add_node(graph, root_table(relid));
		}
	}
	else
	{
		Relation	classRel;
		SysScanDesc scan;
		HeapTuple	tuple;

		classRel = table_open(RelationRelationId, AccessShareLock);
		scan = systable_beginscan(classRel, InvalidOid, false, NULL, 0, NULL);
		while (HeapTupleIsValid(tuple = systable_getnext(scan)))
		{
			Form_pg_class classForm = (Form_pg_class) GETSTRUCT(tuple);

			CHECK_FOR_INTERRUPTS();
			if (table_is_listed_by_default(classForm))
				(void) add_node(graph, classForm->oid);
		}
		systable_endscan(scan);
		table_close(classRel, AccessShareLock);
	}
}

/*
 * Add an edge for every top-level foreign key between two tables of the
 * graph; a key whose table was dropped concurrently (its key columns are
 * gone) gets none.
 */
static void
collect_foreign_keys(LoadOrderGraph *graph)
{
	ListCell   *lc;

	foreach(lc, ri_fk_edges(true))
	{
		FkEdge	   *fk = lfirst(lc);
		int			from;
		int			to;

		CHECK_FOR_INTERRUPTS();
		from = lookup_node(graph, root_table(fk->fk_relid));
		to = lookup_node(graph, root_table(fk->pk_relid));
		if (from < 0 || to < 0)
			continue;

		if (from == to)
			graph->nodes[from].self_fks =
				lappend_oid(graph->nodes[from].self_fks, fk->conoid);
		else
		{
			LoadOrderEdge *edge = palloc(sizeof(LoadOrderEdge));

			edge->target = to;
			edge->conoid = fk->conoid;
			edge->deferrable = fk->deferrable;
			edge->nullable = fk->key_can_be_null;
			graph->nodes[from].edges = lappend(graph->nodes[from].edges, edge);
		}
	}
}


/*
 * Tarjan's strongly connected components, iteratively.  Components are
 * numbered in emission order: every component comes after the components it
 * references.
 */
static void
find_components(LoadOrderGraph *graph)
{
	int		   *stack;			/* Tarjan's component stack */
	int			stack_len = 0;
	int		   *call_node;		/* explicit call stack: node ... */
	ListCell  **call_next;		/* ... and its next edge to follow */
	int			call_len = 0;
	int			next_index = 0;

	stack = palloc(sizeof(int) * Max(graph->nnodes, 1));
	call_node = palloc(sizeof(int) * Max(graph->nnodes, 1));
	call_next = palloc(sizeof(ListCell *) * Max(graph->nnodes, 1));
	graph->components = palloc(sizeof(LoadOrderComponent) *
							   Max(graph->nnodes, 1));
	graph->ncomponents = 0;

	for (int start = 0; start < graph->nnodes; start++)
	{
		if (graph->nodes[start].tarjan_index >= 0)
			continue;

		/* "call" start */
		graph->nodes[start].tarjan_index = next_index;
		graph->nodes[start].tarjan_lowlink = next_index++;
		graph->nodes[start].on_stack = true;
		stack[stack_len++] = start;
		call_node[call_len] = start;
		call_next[call_len++] = list_head(graph->nodes[start].edges);

		while (call_len > 0)
		{
			int			v = call_node[call_len - 1];
			LoadOrderNode *vnode = &graph->nodes[v];
			ListCell   *lc = call_next[call_len - 1];

			CHECK_FOR_INTERRUPTS();

			if (lc != NULL)
			{
				int			w = ((LoadOrderEdge *) lfirst(lc))->target;
				LoadOrderNode *wnode = &graph->nodes[w];

				call_next[call_len - 1] = lnext(vnode->edges, lc);
				if (wnode->tarjan_index < 0)
				{
					wnode->tarjan_index = next_index;
					wnode->tarjan_lowlink = next_index++;
					wnode->on_stack = true;
					stack[stack_len++] = w;
					call_node[call_len] = w;
					call_next[call_len++] = list_head(wnode->edges);
				}
				else if (wnode->on_stack)
					vnode->tarjan_lowlink = Min(vnode->tarjan_lowlink,
												wnode->tarjan_index);
				continue;
			}

			/* All of v's edges are done: v may close a component. */
			if (vnode->tarjan_lowlink == vnode->tarjan_index)
			{
				LoadOrderComponent *comp = &graph->components[graph->ncomponents];
				int			w;

				comp->members = NIL;
				comp->level = 0;
				do
				{
					w = stack[--stack_len];
					graph->nodes[w].on_stack = false;
					graph->nodes[w].component = graph->ncomponents;
					comp->members = lappend_int(comp->members, w);
				} while (w != v);
				graph->ncomponents++;
			}

			/* "return" to the caller */
			call_len--;
			if (call_len > 0)
			{
				LoadOrderNode *caller = &graph->nodes[call_node[call_len - 1]];

				caller->tarjan_lowlink = Min(caller->tarjan_lowlink,
											 vnode->tarjan_lowlink);
			}
		}
	}
}

/*
 * Level of each component: one more than the highest level it references.
 * Emission order guarantees referenced components already have theirs.
 */
static void
compute_levels(LoadOrderGraph *graph)
{
	for (int c = 0; c < graph->ncomponents; c++)
	{
		LoadOrderComponent *comp = &graph->components[c];
		ListCell   *lc;

		foreach(lc, comp->members)
		{
			LoadOrderNode *node = &graph->nodes[lfirst_int(lc)];
			ListCell   *elc;

			foreach(elc, node->edges)
			{
				LoadOrderEdge *edge = lfirst(elc);
				int			target_comp = graph->nodes[edge->target].component;

				if (target_comp != c)
				{
					Assert(target_comp < c);
					comp->level = Max(comp->level,
									  graph->components[target_comp].level + 1);
				}
			}
		}
	}
}

/*
 * Is component comp acyclic once the edges that can be set aside (deferrable
 * ones, nullable ones, as asked) are removed?  Kahn's algorithm on the
 * component's remaining internal edges.
 */
static bool
component_acyclic_without(LoadOrderGraph *graph, int comp,
						  bool drop_deferrable, bool drop_nullable)
{
	List	   *members = graph->components[comp].members;
	bool	   *resolved;		/* per node index: loadable already */
	int			nresolved = 0;
	bool		progress = true;

	resolved = palloc0(sizeof(bool) * graph->nnodes);

	/*
	 * Repeatedly resolve the members whose kept edges all point at resolved
	 * members.  Quadratic in the component's size, which is fine for cycles.
	 */
	while (progress && nresolved < list_length(members))
	{
		ListCell   *lc;

		progress = false;
		foreach(lc, members)
		{
			int			v = lfirst_int(lc);
			bool		ready = true;
			ListCell   *elc;

			CHECK_FOR_INTERRUPTS();
			if (resolved[v])
				continue;
			foreach(elc, graph->nodes[v].edges)
			{
				LoadOrderEdge *edge = lfirst(elc);
				bool		kept;

				kept = graph->nodes[edge->target].component == comp &&
					!(drop_deferrable && edge->deferrable) &&
					!(drop_nullable && edge->nullable);
				if (kept && !resolved[edge->target])
				{
					ready = false;
					break;
				}
			}
			if (ready)
			{
				resolved[v] = true;
				nresolved++;
				progress = true;
			}
		}
	}
	pfree(resolved);

	return nresolved == list_length(members);
}

/*
 * The advice printed for a cycle.
 */
static char *
cycle_note(LoadOrderGraph *graph, int comp)
{
	if (component_acyclic_without(graph, comp, true, false))
		return "cycle: load these tables in one transaction after SET CONSTRAINTS ALL DEFERRED";
	if (component_acyclic_without(graph, comp, true, true))
		return "cycle: load with the nullable foreign key columns left NULL (or the deferrable constraints deferred), then fill them in";
	return "cycle: cannot be loaded row by row with these constraints in place; add them NOT VALID after the load and validate";
}

/*
 * qsort_arg comparator: level, then schema name, then table name, then OID.
 * Every node has both names (add_node).
 */
static int
compare_nodes_by_name(const void *a, const void *b, void *arg)
{
	LoadOrderGraph *graph = (LoadOrderGraph *) arg;
	LoadOrderNode *na = &graph->nodes[*(const int *) a];
	LoadOrderNode *nb = &graph->nodes[*(const int *) b];
	int			la = graph->components[na->component].level;
	int			lb = graph->components[nb->component].level;
	int			cmp;

	if (la != lb)
		return la < lb ? -1 : 1;
	cmp = strcmp(na->nspname, nb->nspname);
	if (cmp != 0)
		return cmp;
	cmp = strcmp(na->relname, nb->relname);
	if (cmp != 0)
		return cmp;
	return na->relid < nb->relid ? -1 : (na->relid > nb->relid ? 1 : 0);
}
