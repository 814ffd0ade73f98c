/*-------------------------------------------------------------------------
 *
 * orphan_scan.c
 *	  The orphan scan's dispatcher, which picks a scan path for each foreign
 *	  key, and the collector, the sink that counts, orders and renders what
 *	  the paths report.
 *
 * An orphan is a row of the referencing table that PostgreSQL's own RI
 * check would reject if it were inserted now (see orphan_planner.c for the
 * exact semantics).  ri_scan_table_fks() is the single place that picks a
 * scan path; the path reports each orphan, in any order, to an OrphanSink.
 *
 * The collector counts the orphans of each key and, when rows are wanted,
 * puts them into a tuplesort (bounded by ri_audit_budget_kb(), spilling
 * to disk; bounded to the first N rows when only N are wanted) ordered by
 * the schema and name of the table holding the row (bytewise), then the
 * key columns (each by its type's default btree ordering under the
 * referencing column's collation; a type without one, or whose ordering
 * would run another role's code, is ordered by its text output, bytewise),
 * then ctid.  So every scan path yields the same output, in an order that
 * pg_regress expected files can rely on.  The common case of one plain
 * table with a single integer key (int2, int4, int8) and no bound keeps
 * each row in a compact array of (key, ctid) instead, sorted in place
 * with the same order, while the array fits in half the budget; a larger
 * one is moved into the tuplesort, which then gets what the array leaves
 * of the budget.  A referencing table that is not
 * partitioned holds all of its orphans itself (the scan paths read it
 * without its inheritance children), so its sort leaves out the schema and
 * name, which are the same in every row, and starts at the key columns.
 *
 * Keys are shown as jsonb objects {"column": value}: values of built-in
 * types as to_jsonb() converts them, others as their type's output text
 * (ri_key_jsonb_value), so that showing a key never runs a cast to json
 * that a type owner wrote (owner_code.c).  A one-column key with a scalar
 * value is laid out directly in jsonb's on-disk format, the bytes that
 * JsonbValueToJsonb() would make of the same object.
 *
 * Memory: a collector lives in a context of its own, a child of the
 * context current when it is created, deleted by ri_collector_end(); its
 * per-row context is reset after each reported row and after each row the
 * caller reads back.  Its sort (or compact array, or both while the array
 * is moved into the sort) holds at most ri_audit_budget_kb(); what it
 * holds once sorted (ri_collector_sort_kb) tells a caller that keeps the
 * rows read back how much of the budget is left.
 *
 * Locks: none of its own.  The callers hold AccessShareLock on every table
 * involved (ri_fk_lock) and have checked access; the scan paths lock the
 * partitions they read.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/orphan_scan.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/tuplesort.h"
#include "utils/typcache.h"

#include "ri_audit.h"
#include "ri_orphan_scan.h"
#include "ri_owner_code.h"

/* Attribute numbers of the sort tuple (see ri_collector_create). */
#define SORT_ATT_NSP		1	/* schema of the holding table, text; NULL
								 * when one_table */
#define SORT_ATT_REL		2	/* name of the holding table, text; NULL
								 * when one_table */
#define SORT_ATT_CTID		3	/* the row's ctid */
#define SORT_ATT_RELID		4	/* OID of the holding table */
#define SORT_ATT_KEY(k)		(5 + (k))	/* key column k, its own type */
#define SORT_ATT_KEYTEXT(n, k)	(5 + (n) + (k))	/* text of key k, when its
												 * type is ordered by text */

/*
 * One orphan of a compact collector: its integer key, widened to int64
 * (which keeps the order of int2 and int4), and its ctid.
 */
typedef struct CompactOrphan
{
	int64		key;			/* the key column's value; 0 when isnull */
	ItemPointerData tid;		/* the row's ctid */
	bool		isnull;			/* is the key NULL? (sorts last) */
} CompactOrphan;

/* First size of a compact collector's array, in rows. */
#define COMPACT_INITIAL_ROWS	1024

/*
 * What the collector keeps for one foreign key.
 */
struct OrphanCollector
{
	/* set up once */
	const FkInfo *fk;			/* the constraint */
	MemoryContext cxt;			/* long-lived allocations */
	MemoryContext rowcxt;		/* reset after each reported row */
	TupleDesc	sortdesc;		/* layout of the sort tuples */
	TupleTableSlot *inslot;		/* virtual slot, to put rows in the sort */
	TupleTableSlot *slot;		/* minimal tuple slot, the current row read
								 * back from the sort */
	Tuplesortstate *sort;		/* orphans in output order, or NULL when
								 * only counting */
	bool		sorted;			/* tuplesort_performsort done? */
	bool		one_table;		/* every orphan is in fk->fk_relid itself
								 * (not partitioned): no schema and name
								 * in the sort */
	int64		bound;			/* keep at most this many rows; 0: all */
	int64		nread;			/* rows read back from the sort */
	TupleTableSlot *cur;		/* the current row read back: slot, or
								 * inslot for a compact collector */
	CompactOrphan *items;		/* the compact array, in c->cxt, or NULL
								 * when the rows go to sort */
	int64		nitems;			/* rows in items */
	int64		maxitems;		/* rows items has room for */
	int64		maxbytes;		/* the array's limit: half the budget */
	bool		fallback[INDEX_MAX_KEYS];	/* key ordered by its text? */
	RiKeyRenderer render[INDEX_MAX_KEYS];	/* shows each key column */
	char	   *keynames[INDEX_MAX_KEYS];	/* referencing column names */

	/* per row */
	int64		count;			/* orphans reported so far */
	Oid			cached_relid;	/* holding table of the last row */
	Datum		cached_nsp;		/* its schema name, text */
	Datum		cached_rel;		/* its name, text */
};

/* The collectors' sink: fk_index i goes to collectors[i]. */
typedef struct CollectorSink
{
	OrphanSink	sink;			/* what the scan paths report to */
	OrphanCollector **collectors;	/* one per foreign key of the scan */
	int			ncollectors;	/* their number */
} CollectorSink;

static void collector_report(OrphanSink *sink, int fk_index, Oid relid,
							 ItemPointer tid, Datum *keyvals, bool *keynulls);
static void collector_sort(OrphanCollector *c);
static void collector_begin_sort(OrphanCollector *c, int workmem_kb);
static bool compact_add(OrphanCollector *c, ItemPointer tid, Datum keyval,
						bool keynull);
static void compact_to_sort(OrphanCollector *c);
static int	compact_kb(const OrphanCollector *c);

/*
 * compact_cmp
 *		The order of the tuplesort (key by its type's "<", NULLs last, then
 *		ctid) for two compact rows.
 */
static inline int
compact_cmp(const CompactOrphan *a, const CompactOrphan *b)
{
	if (a->isnull != b->isnull)
		return a->isnull ? 1 : -1;
	if (!a->isnull && a->key != b->key)
		return a->key < b->key ? -1 : 1;
	{
		BlockNumber ba = ItemPointerGetBlockNumberNoCheck(&a->tid);
		BlockNumber bb = ItemPointerGetBlockNumberNoCheck(&b->tid);
		OffsetNumber oa = ItemPointerGetOffsetNumberNoCheck(&a->tid);
		OffsetNumber ob = ItemPointerGetOffsetNumberNoCheck(&b->tid);

		if (ba != bb)
			return ba < bb ? -1 : 1;
		return oa < ob ? -1 : oa > ob ? 1 : 0;
	}
}

#define ST_SORT compact_sort
#define ST_ELEMENT_TYPE CompactOrphan
#define ST_COMPARE(a, b) compact_cmp(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/* ------------------------------------------------------------------------
 * THE SCAN PATH CHOICE
 *
 * ri_scan_table_fks
 *		Find the orphans of the foreign keys fks[0..nfks-1], all declared on
 *		the same referencing table, and report them to sink, fks[i] as
 *		fk_index i.  When rows_checked / elapsed_us are not NULL, fill them
 *		per key: the rows of the referencing table covered, and the time
 *		spent in microseconds.  cache (or NULL) keeps the fast path's
 *		referenced key sets for the caller's next tables.
 *
 * This is the only place that decides how orphans are found.  Under
 * ri_audit.scan_method = auto (the default) or fast, every key the fast
 * path supports (ri_keyset_supports(): integer, uuid, and text/varchar keys
 * under deterministic collations) is checked by orphan_keyset.c, all of
 * them in one pass over the table (or one pass per key set when the sets
 * do not fit the budget together, which ri_scan_passes() lets a caller
 * run across several tables); the others, and every key under "planner", go
 * through the planner path (one anti-join query per key, orphan_planner.c).
 * Both read the statement's snapshot and report to the same sink, so
 * callers and output do not depend on the path.  The time of a shared pass
 * is divided evenly among its keys.  The caller holds AccessShareLock on
 * every table involved and has checked access.
 * ------------------------------------------------------------------------
 */

static void
renumber_sink_report(OrphanSink *sink, int fk_index, Oid relid,
					 ItemPointer tid, Datum *keyvals, bool *keynulls)
{
	OrphanRenumberSink *rs = (OrphanRenumberSink *) sink;

	rs->target->report(rs->target, rs->fk_index[fk_index], relid, tid,
					   keyvals, keynulls);
}

/*
 * Make rs the sink that passes the reports of a scan on to target, the
 * scan's key i as target's fk_index[i].
 */
OrphanSink *
ri_renumber_sink(OrphanRenumberSink *rs, OrphanSink *target,
				 const int *fk_index)
{
	rs->sink.report = renumber_sink_report;
	rs->sink.arg = NULL;
	rs->target = target;
	rs->fk_index = fk_index;
	return &rs->sink;
}

/*
 * The keys of fks[0 .. nfks - 1] the fast path checks: fast[0 .. n - 1],
 * where fast[j] is fks[fast_index[j]]; is_fast[i] says whether fks[i] is
 * one.  Returns n.
 */
static int
fast_path_keys(const FkInfo *fks, int nfks, const FkInfo **fast,
			   int *fast_index, bool *is_fast)
{
	int			nfast = 0;

	if (ri_audit_scan_method == RI_AUDIT_SCAN_PLANNER)
		return 0;
	for (int i = 0; i < nfks; i++)
	{
		if (ri_keyset_supports(&fks[i]))
		{
			fast[nfast] = &fks[i];
			fast_index[nfast++] = i;
			is_fast[i] = true;
		}
	}
	return nfast;
}

void
ri_scan_table_fks(const FkInfo *fks, int nfks, OrphanSink *sink,
				  int64 *rows_checked, int64 *elapsed_us,
				  RiKeysetCache *cache)
{
	const FkInfo **fast = palloc(Max(nfks, 1) * sizeof(FkInfo *));
	int		   *fast_index = palloc(Max(nfks, 1) * sizeof(int));
	bool	   *is_fast = palloc0(Max(nfks, 1) * sizeof(bool));
	int			nfast = fast_path_keys(fks, nfks, fast, fast_index, is_fast);

	if (nfast > 0)
	{
		TimestampTz start = GetCurrentTimestamp();
		OrphanRenumberSink fast_sink;
		int64		rows = 0;
		int64		elapsed;

		CHECK_FOR_INTERRUPTS();
		ri_keyset_check(fast, nfast, GetActiveSnapshot(),
						ri_renumber_sink(&fast_sink, sink, fast_index),
						&rows, cache);
		elapsed = (GetCurrentTimestamp() - start) / nfast;
		for (int j = 0; j < nfast; j++)
		{
			if (rows_checked)
				rows_checked[fast_index[j]] = rows;
			if (elapsed_us)
				elapsed_us[fast_index[j]] = elapsed;
		}
	}

	for (int i = 0; i < nfks; i++)
	{
		TimestampTz start = GetCurrentTimestamp();

		if (is_fast[i])
			continue;
		CHECK_FOR_INTERRUPTS();
		ri_planner_scan(&fks[i], i, sink,
						rows_checked ? &rows_checked[i] : NULL);
		if (elapsed_us)
			elapsed_us[i] = GetCurrentTimestamp() - start;
	}

	pfree(fast);
	pfree(fast_index);
	pfree(is_fast);
}

/*
 * ri_scan_passes
 *		How ri_scan_table_fks(fks, nfks, ..., cache) would read the table:
 *		in one pass (returns 1), or in one pass per referenced key set of
 *		the fast path, when those sets do not fit the budget together
 *		(returns the number of passes; see ri_keyset_passes()).  pass_of[i]
 *		is the pass that checks fks[i]; the keys of the planner path go with
 *		pass 0.  Calling ri_scan_table_fks() with the keys of each pass in
 *		turn finds what one call with all of them finds.  Takes no lock
 *		beyond ri_keyset_passes()'s.
 */
int
ri_scan_passes(const FkInfo *fks, int nfks, RiKeysetCache *cache,
			   int *pass_of)
{
	const FkInfo **fast = palloc(Max(nfks, 1) * sizeof(FkInfo *));
	int		   *fast_index = palloc(Max(nfks, 1) * sizeof(int));
	bool	   *is_fast = palloc0(Max(nfks, 1) * sizeof(bool));
	int		   *fast_pass = palloc(Max(nfks, 1) * sizeof(int));
	int			nfast = fast_path_keys(fks, nfks, fast, fast_index, is_fast);
	int			npasses = 1;

	for (int i = 0; i < nfks; i++)
		pass_of[i] = 0;
	if (nfast > 1)
	{
		npasses = ri_keyset_passes(fast, nfast, GetActiveSnapshot(), cache,
								   fast_pass);
		for (int j = 0; j < nfast; j++)
			pass_of[fast_index[j]] = fast_pass[j];
	}
	pfree(fast);
	pfree(fast_index);
	pfree(is_fast);
	pfree(fast_pass);
	return npasses;
}

/*
 * ri_count_orphans
 *		Number of orphans of *fk.  The caller holds AccessShareLock on both
 *		tables (ri_fk_lock) and has checked access.
 */
int64
ri_count_orphans(const FkInfo *fk)
{
	OrphanCollector *c = ri_collector_create(fk, false, 0);
	int64		count;

	ri_scan_table_fks(fk, 1, ri_collector_sink(&c, 1), NULL, NULL, NULL);
	count = ri_collector_count(c);
	ri_collector_end(c);
	pfree(c);
	return count;
}

/*
 * ri_collector_create
 *		A collector for *fk, allocated in the current memory context (its
 *		working memory in a child context).  With sorted, it keeps the rows
 *		in output order; with bound > 0, only the first bound of them.
 */
OrphanCollector *
ri_collector_create(const FkInfo *fk, bool sorted, int64 bound)
{
	OrphanCollector *c = palloc0(sizeof(OrphanCollector));
	int			n = fk->nkeys;
	MemoryContext old;

	c->fk = fk;
	c->cxt = AllocSetContextCreate(CurrentMemoryContext,
								   "ri_audit orphan collector",
								   ALLOCSET_DEFAULT_SIZES);
	c->rowcxt = AllocSetContextCreate(c->cxt, "ri_audit orphan row",
									  ALLOCSET_DEFAULT_SIZES);
	old = MemoryContextSwitchTo(c->cxt);

	for (int k = 0; k < n; k++)
	{
		c->keynames[k] = ri_fk_column_name(fk, k);
		ri_key_jsonb_init(fk->fk_types[k], &c->render[k], c->cxt);

		/*
		 * The sort runs as the caller: a type whose ordering would run
		 * another role's code is ordered by its text instead.
		 */
		c->fallback[k] = !OidIsValid(lookup_type_cache(fk->fk_types[k],
													   TYPECACHE_LT_OPR)->lt_opr) ||
			!ri_type_ordering_is_trusted(fk->fk_types[k]);
	}

	if (sorted)
	{
		c->one_table = get_rel_relkind(fk->fk_relid) != RELKIND_PARTITIONED_TABLE;
		c->sortdesc = CreateTemplateTupleDesc(4 + 2 * n);
		TupleDescInitEntry(c->sortdesc, SORT_ATT_NSP, "nsp", TEXTOID, -1, 0);
		TupleDescInitEntry(c->sortdesc, SORT_ATT_REL, "rel", TEXTOID, -1, 0);
		TupleDescInitEntry(c->sortdesc, SORT_ATT_CTID, "ctid", TIDOID, -1, 0);
		TupleDescInitEntry(c->sortdesc, SORT_ATT_RELID, "relid", OIDOID, -1, 0);
		for (int k = 0; k < n; k++)
		{
			TupleDescInitEntry(c->sortdesc, SORT_ATT_KEY(k), NULL,
							   fk->fk_types[k], -1, 0);
			TupleDescInitEntryCollation(c->sortdesc, SORT_ATT_KEY(k),
										fk->fk_collations[k]);
			TupleDescInitEntry(c->sortdesc, SORT_ATT_KEYTEXT(n, k), NULL,
							   TEXTOID, -1, 0);
		}
		c->inslot = MakeSingleTupleTableSlot(c->sortdesc, &TTSOpsVirtual);
		c->slot = MakeSingleTupleTableSlot(c->sortdesc, &TTSOpsMinimalTuple);
		c->bound = bound;

		/*
		 * One table, one integer key (its built-in "<" is the order), all
		 * rows: the compact array.  A bounded sort keeps only its first
		 * rows, which the tuplesort's heap does within little memory.
		 */
		if (c->one_table && n == 1 && bound == 0 &&
			(fk->fk_types[0] == INT2OID || fk->fk_types[0] == INT4OID ||
			 fk->fk_types[0] == INT8OID))
		{
			c->maxbytes = (int64) ri_audit_budget_kb() * 1024 / 2;
			c->maxitems = COMPACT_INITIAL_ROWS;
			c->items = palloc(c->maxitems * sizeof(CompactOrphan));
		}
		else
			collector_begin_sort(c, ri_audit_budget_kb());
	}
	MemoryContextSwitchTo(old);
	return c;
}

/*
 * collector_begin_sort
 *		Begin c's tuplesort, holding at most workmem_kb kB in memory.  Runs
 *		in c->cxt.
 */
static void
collector_begin_sort(OrphanCollector *c, int workmem_kb)
{
	const FkInfo *fk = c->fk;
	int			n = fk->nkeys;
	int			nsortkeys;
	AttrNumber	attnums[2 + INDEX_MAX_KEYS + 1];
	Oid			sortops[2 + INDEX_MAX_KEYS + 1];
	Oid			colls[2 + INDEX_MAX_KEYS + 1];
	bool		nullsfirst[2 + INDEX_MAX_KEYS + 1];
	Oid			text_lt = lookup_type_cache(TEXTOID, TYPECACHE_LT_OPR)->lt_opr;
	int			s = 0;

	/* schema, table: bytewise */
	if (!c->one_table)
	{
		attnums[s] = SORT_ATT_NSP;
		sortops[s] = text_lt;
		colls[s++] = C_COLLATION_OID;
		attnums[s] = SORT_ATT_REL;
		sortops[s] = text_lt;
		colls[s++] = C_COLLATION_OID;
	}
	/* the key columns */
	for (int k = 0; k < n; k++)
	{
		if (c->fallback[k])
		{
			attnums[s] = SORT_ATT_KEYTEXT(n, k);
			sortops[s] = text_lt;
			colls[s++] = C_COLLATION_OID;
		}
		else
		{
			attnums[s] = SORT_ATT_KEY(k);
			sortops[s] = lookup_type_cache(fk->fk_types[k],
										   TYPECACHE_LT_OPR)->lt_opr;
			colls[s++] = fk->fk_collations[k];
		}
	}
	/* ctid, for rows with equal keys */
	attnums[s] = SORT_ATT_CTID;
	sortops[s] = lookup_type_cache(TIDOID, TYPECACHE_LT_OPR)->lt_opr;
	colls[s++] = InvalidOid;
	nsortkeys = s;
	for (int i = 0; i < nsortkeys; i++)
		nullsfirst[i] = false;

	/* A sort may only be bounded when begun with ALLOWBOUNDED. */
	c->sort = tuplesort_begin_heap(c->sortdesc, nsortkeys, attnums,
								   sortops, colls, nullsfirst,
								   Max(workmem_kb, 64), NULL,
								   c->bound > 0 ? TUPLESORT_ALLOWBOUNDED :
								   TUPLESORT_NONE);
	if (c->bound > 0)
		tuplesort_set_bound(c->sort, c->bound);
}

/*
 * compact_add
 *		Keep one orphan in c's compact array, growing it up to c->maxbytes;
 *		past that, move the array into the tuplesort and return false: the
 *		row is the caller's to put in the sort.
 */
static bool
compact_add(OrphanCollector *c, ItemPointer tid, Datum keyval, bool keynull)
{
	CompactOrphan *item;

	if (c->nitems >= c->maxitems)
	{
		int64		newmax = c->maxitems * 2;

		if (newmax * (int64) sizeof(CompactOrphan) > c->maxbytes)
		{
			compact_to_sort(c);
			return false;
		}
		c->items = repalloc_huge(c->items, newmax * sizeof(CompactOrphan));
		c->maxitems = newmax;
	}
	item = &c->items[c->nitems++];
	item->isnull = keynull;
	item->tid = *tid;
	if (keynull)
		item->key = 0;
	else if (c->fk->fk_types[0] == INT2OID)
		item->key = DatumGetInt16(keyval);
	else if (c->fk->fk_types[0] == INT4OID)
		item->key = DatumGetInt32(keyval);
	else
		item->key = DatumGetInt64(keyval);
	return true;
}

/*
 * compact_item_slot
 *		Store compact row *item in c->inslot, as the sort would return it.
 */
static void
compact_item_slot(OrphanCollector *c, CompactOrphan *item)
{
	Datum	   *values = c->inslot->tts_values;
	bool	   *isnull = c->inslot->tts_isnull;
	Oid			type = c->fk->fk_types[0];

	ExecClearTuple(c->inslot);
	values[SORT_ATT_NSP - 1] = (Datum) 0;
	isnull[SORT_ATT_NSP - 1] = true;
	values[SORT_ATT_REL - 1] = (Datum) 0;
	isnull[SORT_ATT_REL - 1] = true;
	values[SORT_ATT_CTID - 1] = PointerGetDatum(&item->tid);
	isnull[SORT_ATT_CTID - 1] = false;
	values[SORT_ATT_RELID - 1] = ObjectIdGetDatum(c->fk->fk_relid);
	isnull[SORT_ATT_RELID - 1] = false;
	if (item->isnull)
		values[SORT_ATT_KEY(0) - 1] = (Datum) 0;
	else if (type == INT2OID)
		values[SORT_ATT_KEY(0) - 1] = Int16GetDatum((int16) item->key);
	else if (type == INT4OID)
		values[SORT_ATT_KEY(0) - 1] = Int32GetDatum((int32) item->key);
	else
		values[SORT_ATT_KEY(0) - 1] = Int64GetDatum(item->key);
	isnull[SORT_ATT_KEY(0) - 1] = item->isnull;
	values[SORT_ATT_KEYTEXT(1, 0) - 1] = (Datum) 0;
	isnull[SORT_ATT_KEYTEXT(1, 0) - 1] = true;
	ExecStoreVirtualTuple(c->inslot);
}

/*
 * compact_kb
 *		The memory in kB of c's compact array (its room, not its rows).
 */
static int
compact_kb(const OrphanCollector *c)
{
	int64		bytes = c->maxitems * (int64) sizeof(CompactOrphan);

	return (int) Min((bytes + 1023) / 1024, (int64) MAX_KILOBYTES);
}

/*
 * compact_to_sort
 *		Move c's compact array into a tuplesort that gets what the array
 *		leaves of the budget, then free the array: the rows to come go to
 *		the sort.  The array and the sort together stay within the budget.
 */
static void
compact_to_sort(OrphanCollector *c)
{
	MemoryContext old = MemoryContextSwitchTo(c->cxt);

	collector_begin_sort(c, ri_audit_budget_kb() - compact_kb(c));
	for (int64 i = 0; i < c->nitems; i++)
	{
		CHECK_FOR_INTERRUPTS();
		compact_item_slot(c, &c->items[i]);
		tuplesort_puttupleslot(c->sort, c->inslot);
	}
	ExecClearTuple(c->inslot);
	pfree(c->items);
	c->items = NULL;
	c->nitems = c->maxitems = 0;
	MemoryContextSwitchTo(old);
}

/*
 * ri_collector_sink
 *		The sink that routes what a scan reports for fk_index i to
 *		collectors[i].  Allocated in the current memory context.
 */
OrphanSink *
ri_collector_sink(OrphanCollector **collectors, int n)
{
	CollectorSink *cs = palloc(sizeof(CollectorSink));

	cs->sink.report = collector_report;
	cs->sink.arg = NULL;
	cs->collectors = collectors;
	cs->ncollectors = n;
	return &cs->sink;
}

/*
 * ri_collector_count
 *		The number of orphans reported to c so far.
 */
int64
ri_collector_count(const OrphanCollector *c)
{
	return c->count;
}

/*
 * collector_report
 *		OrphanSink.report: count the orphan and, when sorting, keep it.
 */
static void
collector_report(OrphanSink *sink, int fk_index, Oid relid, ItemPointer tid,
				 Datum *keyvals, bool *keynulls)
{
	CollectorSink *cs = (CollectorSink *) sink;
	OrphanCollector *c;
	int			n;
	Datum	   *values;
	bool	   *isnull;
	MemoryContext old;

	Assert(fk_index >= 0 && fk_index < cs->ncollectors);
	c = cs->collectors[fk_index];
	c->count++;
	if (c->items)
	{
		/* what the array leaves out must be the same in every row */
		if (relid != c->fk->fk_relid)
			elog(ERROR, "orphan reported in relation %u, not in relation %u",
				 relid, c->fk->fk_relid);
		if (compact_add(c, tid, keyvals[0], keynulls[0]))
			return;
	}
	if (c->sort == NULL)
		return;

	n = c->fk->nkeys;
	if (c->one_table)
	{
		/* what the sort leaves out must be the same in every row */
		if (relid != c->fk->fk_relid)
			elog(ERROR, "orphan reported in relation %u, not in relation %u",
				 relid, c->fk->fk_relid);
	}
	else if (relid != c->cached_relid)
	{
		char	   *relname = get_rel_name(relid);
		char	   *nspname = get_namespace_name(get_rel_namespace(relid));

		/* the scan holds a lock on the table: it cannot be gone */
		if (relname == NULL || nspname == NULL)
			elog(ERROR, "cache lookup failed for relation %u", relid);
		/* rows of several partitions may come interleaved: free the old */
		if (OidIsValid(c->cached_relid))
		{
			pfree(DatumGetPointer(c->cached_rel));
			pfree(DatumGetPointer(c->cached_nsp));
		}
		old = MemoryContextSwitchTo(c->cxt);
		c->cached_relid = relid;
		c->cached_rel = CStringGetTextDatum(relname);
		c->cached_nsp = CStringGetTextDatum(nspname);
		MemoryContextSwitchTo(old);
	}

	old = MemoryContextSwitchTo(c->rowcxt);
	ExecClearTuple(c->inslot);
	values = c->inslot->tts_values;
	isnull = c->inslot->tts_isnull;
	values[SORT_ATT_NSP - 1] = c->cached_nsp;
	isnull[SORT_ATT_NSP - 1] = c->one_table;
	values[SORT_ATT_REL - 1] = c->cached_rel;
	isnull[SORT_ATT_REL - 1] = c->one_table;
	values[SORT_ATT_CTID - 1] = PointerGetDatum(tid);
	isnull[SORT_ATT_CTID - 1] = false;
	values[SORT_ATT_RELID - 1] = ObjectIdGetDatum(relid);
	isnull[SORT_ATT_RELID - 1] = false;
	for (int k = 0; k < n; k++)
	{
		values[SORT_ATT_KEY(k) - 1] = keyvals[k];
		isnull[SORT_ATT_KEY(k) - 1] = keynulls[k];
		isnull[SORT_ATT_KEYTEXT(n, k) - 1] = true;
		if (c->fallback[k] && !keynulls[k])
		{
			values[SORT_ATT_KEYTEXT(n, k) - 1] =
				CStringGetTextDatum(OutputFunctionCall(&c->render[k].outfunc,
													   keyvals[k]));
			isnull[SORT_ATT_KEYTEXT(n, k) - 1] = false;
		}
	}
	ExecStoreVirtualTuple(c->inslot);
	tuplesort_puttupleslot(c->sort, c->inslot);	/* copies the tuple */
	MemoryContextSwitchTo(old);
	MemoryContextReset(c->rowcxt);
}

/*
 * collector_sort
 *		Sort c's rows, once, before the first is read back.
 */
static void
collector_sort(OrphanCollector *c)
{
	if (!c->sorted)
	{
		if (c->items)
			compact_sort(c->items, c->nitems);
		else
			tuplesort_performsort(c->sort);
		c->sorted = true;
	}
}

/*
 * ri_collector_sort_kb
 *		Sort c's rows, if not done yet, and return the memory in kB its sort
 *		holds while they are read back: what the sorted rows take in memory,
 *		or the whole budget when they spilled to disk (the merge's buffers).
 *		0 when c only counts.
 */
int
ri_collector_sort_kb(OrphanCollector *c)
{
	TuplesortInstrumentation stats;

	if (c->items)
	{
		collector_sort(c);
		return compact_kb(c);
	}
	if (c->sort == NULL)
		return 0;
	collector_sort(c);
	tuplesort_get_stats(c->sort, &stats);
	if (stats.spaceType == SORT_SPACE_TYPE_DISK)
		return ri_audit_budget_kb();
	return (int) Min(stats.spaceUsed, (int64) MAX_KILOBYTES);
}

/*
 * ri_collector_next
 *		Make the next orphan in output order the current row; false at the
 *		end.  The first call sorts.  Resets the row context, so what was
 *		made from the previous row in it is gone.
 */
bool
ri_collector_next(OrphanCollector *c)
{
	MemoryContextReset(c->rowcxt);
	if (c->items)
	{
		collector_sort(c);
		if (c->nread >= c->nitems)
			return false;
		compact_item_slot(c, &c->items[c->nread++]);
		c->cur = c->inslot;
		return true;
	}
	if (c->sort == NULL)
		return false;
	collector_sort(c);
	/* A bounded sort must not be read past its bound. */
	if (c->bound > 0 && c->nread >= c->bound)
		return false;
	if (!tuplesort_gettupleslot(c->sort, true, false, c->slot, NULL))
		return false;
	c->nread++;
	slot_getallattrs(c->slot);
	c->cur = c->slot;
	return true;
}

/*
 * ri_collector_row_relid, ri_collector_row_tid
 *		The table holding the current row, and the row's ctid.
 */
Oid
ri_collector_row_relid(const OrphanCollector *c)
{
	return DatumGetObjectId(c->cur->tts_values[SORT_ATT_RELID - 1]);
}

ItemPointer
ri_collector_row_tid(const OrphanCollector *c)
{
	return (ItemPointer) DatumGetPointer(c->cur->tts_values[SORT_ATT_CTID - 1]);
}

/*
 * ri_collector_row_has_null
 *		Does the current row's key have a NULL column (MATCH FULL's
 *		partly-NULL keys)?
 */
bool
ri_collector_row_has_null(const OrphanCollector *c)
{
	for (int k = 0; k < c->fk->nkeys; k++)
		if (c->cur->tts_isnull[SORT_ATT_KEY(k) - 1])
			return true;
	return false;
}

/*
 * ri_collector_key_names
 *		The referencing columns as core's errdetail names them: "c1, c2".
 */
char *
ri_collector_key_names(const OrphanCollector *c)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < c->fk->nkeys; k++)
		appendStringInfo(&buf, "%s%s", k > 0 ? ", " : "", c->keynames[k]);
	return buf.data;
}

/*
 * ri_collector_row_context
 *		A context reset when the next row is read: for what the caller
 *		makes from the current row.
 */
MemoryContext
ri_collector_row_context(const OrphanCollector *c)
{
	return c->rowcxt;
}

/*
 * ri_collector_end
 *		Release the collector's sort and memory (its count stays readable;
 *		the struct itself is the caller's to free).
 */
void
ri_collector_end(OrphanCollector *c)
{
	if (c->sort)
	{
		tuplesort_end(c->sort);
		c->sort = NULL;
	}
	if (c->items)
	{
		pfree(c->items);
		c->items = NULL;
	}
	if (c->slot)
	{
		ExecDropSingleTupleTableSlot(c->slot);
		ExecDropSingleTupleTableSlot(c->inslot);
		c->slot = c->inslot = NULL;
	}
	MemoryContextDelete(c->cxt);
	c->cxt = NULL;
}

/*
 * ri_jsonb_as_value
 *		*v becomes j as a value to push into another jsonb being built: its
 *		scalar, or its container by reference.
 */
void
ri_jsonb_as_value(Jsonb *j, JsonbValue *v)
{
	if (JB_ROOT_IS_SCALAR(j))
		JsonbExtractScalar(&j->root, v);
	else
	{
		v->type = jbvBinary;
		v->val.binary.data = &j->root;
		v->val.binary.len = VARSIZE(j) - VARHDRSZ;
	}
}

/*
 * one_pair_jsonb
 *		The object {key: *val} for a scalar *val (null, bool, numeric, or a
 *		string short enough that no jsonb limit applies), laid out as
 *		JsonbValueToJsonb() lays it out: the container header, the key's
 *		JEntry (an offset, as every 32nd entry), the value's JEntry (a
 *		length), the key's bytes, then the value's (a numeric after padding
 *		to an int boundary, counted in its length).  Allocated in the
 *		current context.
 */
static Jsonb *
one_pair_jsonb(const char *key, int keylen, const JsonbValue *val)
{
	int			datalen = 0;
	int			pad = 0;
	int			vlen = 0;
	JEntry		vmeta;
	Size		size;
	Jsonb	   *res;
	char	   *p;
	uint32		header = JB_FOBJECT | 1;
	JEntry		kmeta = JENTRY_HAS_OFF | (JEntry) keylen;
	const int	start = VARHDRSZ + sizeof(uint32) + 2 * sizeof(JEntry);

	switch (val->type)
	{
		case jbvNull:
			vmeta = JENTRY_ISNULL;
			break;
		case jbvBool:
			vmeta = val->val.boolean ? JENTRY_ISBOOL_TRUE : JENTRY_ISBOOL_FALSE;
			break;
		case jbvString:
			vlen = val->val.string.len;
			vmeta = (JEntry) vlen;
			break;
		case jbvNumeric:
			pad = INTALIGN(start + keylen) - (start + keylen);
			vlen = VARSIZE_ANY(val->val.numeric);
			vmeta = JENTRY_ISNUMERIC | (JEntry) (pad + vlen);
			break;
		default:
			elog(ERROR, "unexpected jsonb value type %d", (int) val->type);
			vmeta = 0;			/* keep compiler quiet */
	}
	datalen = keylen + pad + vlen;
	size = start + datalen;
	res = (Jsonb *) palloc(size);
	SET_VARSIZE(res, size);
	p = (char *) res + VARHDRSZ;
	memcpy(p, &header, sizeof(uint32));
	p += sizeof(uint32);
	memcpy(p, &kmeta, sizeof(JEntry));
	p += sizeof(JEntry);
	memcpy(p, &vmeta, sizeof(JEntry));
	p += sizeof(JEntry);
	memcpy(p, key, keylen);
	p += keylen;
	if (pad > 0)
		memset(p, 0, pad);
	p += pad;
	if (val->type == jbvString)
		memcpy(p, val->val.string.val, vlen);
	else if (val->type == jbvNumeric)
		memcpy(p, val->val.numeric, vlen);
	return res;
}

/*
 * ri_collector_row_key
 *		The current row's key as {"column": value, ...}, each value as
 *		ri_key_jsonb_value() renders it.  Allocated in the current context.
 */
Jsonb *
ri_collector_row_key(OrphanCollector *c)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;

	/* one column, a scalar value: its bytes directly */
	if (c->fk->nkeys == 1)
	{
		JsonbValue	val;
		Jsonb	   *j;

		if (c->cur->tts_isnull[SORT_ATT_KEY(0) - 1])
			val.type = jbvNull;
		else
			ri_key_jsonb_value(&c->render[0],
							   c->cur->tts_values[SORT_ATT_KEY(0) - 1],
							   &val);
		if (val.type == jbvNull || val.type == jbvBool ||
			val.type == jbvNumeric ||
			(val.type == jbvString &&
			 val.val.string.len < JENTRY_OFFLENMASK / 2))
		{
			j = one_pair_jsonb(c->keynames[0], strlen(c->keynames[0]), &val);
#ifdef USE_ASSERT_CHECKING
			{
				JsonbValue	key;

				key.type = jbvString;
				key.val.string.val = c->keynames[0];
				key.val.string.len = strlen(c->keynames[0]);
				pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
				pushJsonbValue(&state, WJB_KEY, &key);
				pushJsonbValue(&state, WJB_VALUE, &val);
				res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
				Assert(VARSIZE(j) == VARSIZE(JsonbValueToJsonb(res)) &&
					   memcmp(j, JsonbValueToJsonb(res), VARSIZE(j)) == 0);
			}
#endif
			return j;
		}
	}

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int k = 0; k < c->fk->nkeys; k++)
	{
		JsonbValue	key;
		JsonbValue	val;

		key.type = jbvString;
		key.val.string.val = c->keynames[k];
		key.val.string.len = strlen(c->keynames[k]);
		pushJsonbValue(&state, WJB_KEY, &key);

		if (c->cur->tts_isnull[SORT_ATT_KEY(k) - 1])
			val.type = jbvNull;
		else
			ri_key_jsonb_value(&c->render[k],
							   c->cur->tts_values[SORT_ATT_KEY(k) - 1],
							   &val);
		pushJsonbValue(&state, WJB_VALUE, &val);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}

/*
 * ri_collector_row_key_text
 *		The current row's key as core's errdetail prints it: "v1, v2", NULL
 *		as "null".  Allocated in the current context.
 */
char *
ri_collector_row_key_text(OrphanCollector *c)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < c->fk->nkeys; k++)
	{
		if (k > 0)
			appendStringInfoString(&buf, ", ");
		if (c->cur->tts_isnull[SORT_ATT_KEY(k) - 1])
			appendStringInfoString(&buf, "null");
		else
			appendStringInfoString(&buf,
								   OutputFunctionCall(&c->render[k].outfunc,
													  c->cur->tts_values[SORT_ATT_KEY(k) - 1]));
	}
	return buf.data;
}

/*
 * ri_collector_sample
 *		A jsonb array of the keys of the orphans kept by c, in output order.
 *		Allocated in the current context.
 */
Jsonb *
ri_collector_sample(OrphanCollector *c)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;

	/*
	 * The keys are built in the current context, not the row context: the
	 * array's values point into them until it is flattened.
	 */
	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	while (ri_collector_next(c))
	{
		JsonbValue	v;

		ri_jsonb_as_value(ri_collector_row_key(c), &v);
		pushJsonbValue(&state, WJB_ELEM, &v);
	}
	res = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return JsonbValueToJsonb(res);
}
