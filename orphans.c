/*-------------------------------------------------------------------------
 *
 * orphans.c
 *	  SQL entry points of the orphan finder: orphans(), check_foreign_keys()
 *	  and assert_no_orphans(); the choice of scan path; the ordering and
 *	  formatting of what the scan paths report.
 *
 * An orphan is a row of the referencing table that PostgreSQL's own RI
 * check would reject if it were inserted now (see orphan_sql.c for the
 * exact semantics).  This file does not know how orphans are found: it
 * reads the foreign keys (fk_catalog.c), checks the caller's access, locks
 * the two tables, and hands the keys of one referencing table at a time to
 * ri_scan_table_fks(), the single place that picks a scan path.  The path
 * reports each orphan, in any order, to an OrphanSink owned here.
 *
 * The sink counts the orphans of each key and, when rows are wanted, puts
 * them into a tuplesort (bounded by work_mem, spilling to disk; bounded to
 * the first N rows when only N are wanted) ordered by the schema and name
 * of the table holding the row (bytewise), then the key columns (each by
 * its type's default btree ordering under the referencing column's
 * collation; a type without one is ordered by its text output, bytewise),
 * then ctid.  So every scan path yields the same output, in an order that
 * pg_regress expected files can rely on.  Results are returned through a
 * tuplestore (InitMaterializedSRF), which also spills to disk.
 *
 * Keys are shown as jsonb objects {"column": value}: values of built-in
 * types as to_jsonb() converts them, others as their type's output text
 * (ri_key_jsonb), so that showing a key never runs a cast to json that a
 * type owner wrote.  For the same reason a key type whose ordering reaches
 * another role's code is sorted by its text (owner_code.c).
 *
 * Locks: AccessShareLock on each referencing and referenced table checked
 * (and, through the scan, on the partitions scanned), held to end of
 * transaction; nothing stronger, no row locks.  Concurrent INSERT, UPDATE
 * and DELETE are not blocked.
 *
 * Progress: check_foreign_keys() and assert_no_orphans() emit one DEBUG1
 * message per foreign key before checking it ("checking foreign key
 * constraint ... (3 of 10)"); SET client_min_messages = debug1 to see them.
 * A NOTICE would end up in every caller's expected output.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/orphans.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/pg_collation.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/fmgroids.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/timestamp.h"
#include "utils/tuplesort.h"
#include "utils/typcache.h"

#include "ri_audit.h"

PG_FUNCTION_INFO_V1(ri_audit_orphans);
PG_FUNCTION_INFO_V1(ri_audit_orphans_by_name);
PG_FUNCTION_INFO_V1(ri_audit_check_foreign_keys);
PG_FUNCTION_INFO_V1(ri_audit_assert_no_orphans);

/* Attribute numbers of the sort tuple (see collector_init). */
#define SORT_ATT_NSP		1	/* schema of the holding table, text */
#define SORT_ATT_REL		2	/* name of the holding table, text */
#define SORT_ATT_CTID		3	/* the row's ctid */
#define SORT_ATT_RELID		4	/* OID of the holding table */
#define SORT_ATT_KEY(k)		(5 + (k))	/* key column k, its own type */
#define SORT_ATT_KEYTEXT(n, k)	(5 + (n) + (k))	/* text of key k, when its
												 * type has no ordering */

/*
 * What the sink keeps for one foreign key.
 */
typedef struct OrphanCollector
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
	int64		bound;			/* keep at most this many rows; 0: all */
	int64		nread;			/* rows read back from the sort */
	bool		fallback[INDEX_MAX_KEYS];	/* key ordered by its text? */
	RiKeyRenderer render[INDEX_MAX_KEYS];	/* shows each key column */
	char	   *keynames[INDEX_MAX_KEYS];	/* referencing column names */

	/* per row */
	int64		count;			/* orphans reported so far */
	Oid			cached_relid;	/* holding table of the last row */
	Datum		cached_nsp;		/* its schema name, text */
	Datum		cached_rel;		/* its name, text */
} OrphanCollector;

/* The sink's private state: one collector per key of the scan. */
typedef struct CollectorSet
{
	OrphanCollector *collectors;
	int			ncollectors;
} CollectorSet;

static void collector_init(OrphanCollector *c, const FkInfo *fk, bool sorted,
						   int64 bound);
static void collector_report(OrphanSink *sink, int fk_index, Oid relid,
							 ItemPointer tid, Datum *keyvals, bool *keynulls);
static bool collector_next(OrphanCollector *c);
static void collector_end(OrphanCollector *c);
static Datum collector_key_jsonb(OrphanCollector *c);
static char *collector_key_values(OrphanCollector *c);
static List *relids_from_array(ArrayType *arr);
static int64 get_nonneg_int_arg(FunctionCallInfo fcinfo, int argno,
								bool is_int8, const char *argname);
static void orphans_internal(FunctionCallInfo fcinfo, Oid conoid,
							 bool has_limit, int64 max_rows);
static Datum sample_jsonb(OrphanCollector *c);
static void jsonb_as_value(Jsonb *j, JsonbValue *v);
static void report_progress(const FkInfo *fk, int done, int total);

/* ------------------------------------------------------------------------
 * THE SCAN PATH CHOICE
 *
 * ri_scan_table_fks
 *		Find the orphans of the foreign keys fks[0..nfks-1], all declared on
 *		the same referencing table, and report them to sink, fks[i] as
 *		fk_index i.  When rows_checked / elapsed_us are not NULL, fill them
 *		per key: the rows of the referencing table covered, and the time
 *		spent in microseconds.
 *
 * This is the only place that decides how orphans are found.  Under
 * ri_audit.scan_method = auto (the default) or fast, every key the fast
 * path supports (keyset_supports(): integer, uuid, and text/varchar keys
 * under deterministic collations) is checked by keyset.c, all of them in
 * one pass over the table; the others, and every key under "planner", go
 * through the planner path (one anti-join query per key, orphan_sql.c).
 * Both read the statement's snapshot and report to the same sink, so
 * callers and output do not depend on the path.  The time of a shared pass
 * is divided evenly among its keys.  The caller holds AccessShareLock on
 * every table involved and has checked access.
 * ------------------------------------------------------------------------
 */

/* Renumbers the fast path's reports to the caller's fk_index. */
typedef struct FastSink
{
	OrphanSink	sink;			/* what keyset_check() reports to */
	OrphanSink *target;			/* the caller's sink */
	const int  *fk_index;		/* fast key i is the caller's fk_index[i] */
} FastSink;

static void
fast_sink_report(OrphanSink *sink, int fk_index, Oid relid, ItemPointer tid,
				 Datum *keyvals, bool *keynulls)
{
	FastSink   *fs = (FastSink *) sink;

	fs->target->report(fs->target, fs->fk_index[fk_index], relid, tid,
					   keyvals, keynulls);
}

void
ri_scan_table_fks(const FkInfo *fks, int nfks, OrphanSink *sink,
				  int64 *rows_checked, int64 *elapsed_us)
{
	const FkInfo **fast = palloc(Max(nfks, 1) * sizeof(FkInfo *));
	int		   *fast_index = palloc(Max(nfks, 1) * sizeof(int));
	bool	   *is_fast = palloc0(Max(nfks, 1) * sizeof(bool));
	int			nfast = 0;

	if (ri_audit_scan_method != RI_AUDIT_SCAN_PLANNER)
	{
		for (int i = 0; i < nfks; i++)
		{
			if (keyset_supports(&fks[i]))
			{
				fast[nfast] = &fks[i];
				fast_index[nfast++] = i;
				is_fast[i] = true;
			}
		}
	}

	if (nfast > 0)
	{
		TimestampTz start = GetCurrentTimestamp();
		FastSink	fs;
		int64		rows = 0;
		int64		elapsed;

		fs.sink.report = fast_sink_report;
		fs.sink.arg = NULL;
		fs.target = sink;
		fs.fk_index = fast_index;
		CHECK_FOR_INTERRUPTS();
		keyset_check(fast, nfast, GetActiveSnapshot(), &fs.sink, &rows);
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
 * ri_count_orphans
 *		Number of orphans of *fk.  The caller holds AccessShareLock on both
 *		tables (ri_fk_lock) and has checked access.
 */
int64
ri_count_orphans(const FkInfo *fk)
{
	OrphanCollector c;
	CollectorSet set = {&c, 1};
	OrphanSink sink = {collector_report, &set};

	collector_init(&c, fk, false, 0);
	ri_scan_table_fks(fk, 1, &sink, NULL, NULL);
	collector_end(&c);
	return c.count;
}

/*
 * collector_init
 *		Set up *c for *fk.  With sorted, keep the rows in output order; with
 *		bound > 0, only the first bound of them.
 */
static void
collector_init(OrphanCollector *c, const FkInfo *fk, bool sorted, int64 bound)
{
	int			n = fk->nkeys;
	int			nsortkeys = 2 + n + 1;
	AttrNumber	attnums[2 + INDEX_MAX_KEYS + 1];
	Oid			sortops[2 + INDEX_MAX_KEYS + 1];
	Oid			colls[2 + INDEX_MAX_KEYS + 1];
	bool		nullsfirst[2 + INDEX_MAX_KEYS + 1];
	Oid			text_lt = lookup_type_cache(TEXTOID, TYPECACHE_LT_OPR)->lt_opr;
	MemoryContext old;
	int			s = 0;

	memset(c, 0, sizeof(OrphanCollector));
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

		/* schema, table: bytewise */
		attnums[s] = SORT_ATT_NSP;
		sortops[s] = text_lt;
		colls[s++] = C_COLLATION_OID;
		attnums[s] = SORT_ATT_REL;
		sortops[s] = text_lt;
		colls[s++] = C_COLLATION_OID;
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
		Assert(s == nsortkeys);
		for (int i = 0; i < nsortkeys; i++)
			nullsfirst[i] = false;

		/* A sort may only be bounded when begun with ALLOWBOUNDED. */
		c->sort = tuplesort_begin_heap(c->sortdesc, nsortkeys, attnums,
									   sortops, colls, nullsfirst,
									   work_mem, NULL,
									   bound > 0 ? TUPLESORT_ALLOWBOUNDED :
									   TUPLESORT_NONE);
		c->bound = bound;
		if (bound > 0)
			tuplesort_set_bound(c->sort, bound);
	}
	MemoryContextSwitchTo(old);
}

/*
 * collector_report
 *		OrphanSink.report: count the orphan and, when sorting, keep it.
 */
static void
collector_report(OrphanSink *sink, int fk_index, Oid relid, ItemPointer tid,
				 Datum *keyvals, bool *keynulls)
{
	CollectorSet *set = (CollectorSet *) sink->arg;
	OrphanCollector *c;
	int			n;
	Datum	   *values;
	bool	   *isnull;
	MemoryContext old;

	Assert(fk_index >= 0 && fk_index < set->ncollectors);
	c = &set->collectors[fk_index];
	c->count++;
	if (c->sort == NULL)
		return;

	n = c->fk->nkeys;
	if (relid != c->cached_relid)
	{
		char	   *relname = get_rel_name(relid);

		if (relname == NULL)
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
		c->cached_nsp =
			CStringGetTextDatum(get_namespace_name(get_rel_namespace(relid)));
		MemoryContextSwitchTo(old);
	}

	old = MemoryContextSwitchTo(c->rowcxt);
	ExecClearTuple(c->inslot);
	values = c->inslot->tts_values;
	isnull = c->inslot->tts_isnull;
	values[SORT_ATT_NSP - 1] = c->cached_nsp;
	isnull[SORT_ATT_NSP - 1] = false;
	values[SORT_ATT_REL - 1] = c->cached_rel;
	isnull[SORT_ATT_REL - 1] = false;
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
 * collector_next
 *		Load the next orphan in output order into c->slot; false at the end.
 *		The first call sorts.
 */
static bool
collector_next(OrphanCollector *c)
{
	if (c->sort == NULL)
		return false;
	if (!c->sorted)
	{
		tuplesort_performsort(c->sort);
		c->sorted = true;
	}
	/* A bounded sort must not be read past its bound. */
	if (c->bound > 0 && c->nread >= c->bound)
		return false;
	if (!tuplesort_gettupleslot(c->sort, true, false, c->slot, NULL))
		return false;
	c->nread++;
	slot_getallattrs(c->slot);
	return true;
}

/*
 * collector_end
 *		Release the collector's sort and memory (its count stays readable).
 */
static void
collector_end(OrphanCollector *c)
{
	if (c->sort)
	{
		tuplesort_end(c->sort);
		c->sort = NULL;
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
 * jsonb_as_value
 *		*v becomes j as a value to push into another jsonb being built: its
 *		scalar, or its container by reference.
 */
static void
jsonb_as_value(Jsonb *j, JsonbValue *v)
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
 * collector_key_jsonb
 *		The key of the row in c->slot as {"column": value, ...}, each value
 *		as to_jsonb() converts it.  Allocated in the current context.
 */
static Datum
collector_key_jsonb(OrphanCollector *c)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int k = 0; k < c->fk->nkeys; k++)
	{
		JsonbValue	key;
		JsonbValue	val;

		key.type = jbvString;
		key.val.string.val = c->keynames[k];
		key.val.string.len = strlen(c->keynames[k]);
		pushJsonbValue(&state, WJB_KEY, &key);

		if (c->slot->tts_isnull[SORT_ATT_KEY(k) - 1])
			val.type = jbvNull;
		else
		{
			Jsonb	   *j;

			j = ri_key_jsonb(&c->render[k],
							 c->slot->tts_values[SORT_ATT_KEY(k) - 1]);
			jsonb_as_value(j, &val);
		}
		pushJsonbValue(&state, WJB_VALUE, &val);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(res));
}

/*
 * collector_key_values
 *		The key of the row in c->slot as core's errdetail prints it:
 *		"v1, v2", NULL as "null".
 */
static char *
collector_key_values(OrphanCollector *c)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int k = 0; k < c->fk->nkeys; k++)
	{
		if (k > 0)
			appendStringInfoString(&buf, ", ");
		if (c->slot->tts_isnull[SORT_ATT_KEY(k) - 1])
			appendStringInfoString(&buf, "null");
		else
			appendStringInfoString(&buf,
								   OutputFunctionCall(&c->render[k].outfunc,
													  c->slot->tts_values[SORT_ATT_KEY(k) - 1]));
	}
	return buf.data;
}

/*
 * sample_jsonb
 *		A jsonb array of the keys of the orphans kept by c, in output order.
 */
static Datum
sample_jsonb(OrphanCollector *c)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;

	pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
	while (collector_next(c))
	{
		JsonbValue	v;

		jsonb_as_value(DatumGetJsonbP(collector_key_jsonb(c)), &v);
		pushJsonbValue(&state, WJB_ELEM, &v);
	}
	res = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
	return JsonbPGetDatum(JsonbValueToJsonb(res));
}

/*
 * relids_from_array
 *		The OIDs in a regclass[]; ERROR on NULL elements and on OIDs that
 *		name no relation.
 */
static List *
relids_from_array(ArrayType *arr)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	List	   *result = NIL;

	deconstruct_array(arr, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		Oid			relid;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("tables must not contain null elements")));
		relid = DatumGetObjectId(elems[i]);
		if (get_rel_name(relid) == NULL)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation with OID %u does not exist", relid)));
		result = lappend_oid(result, relid);
	}
	return result;
}

/*
 * get_nonneg_int_arg
 *		Argument argno (bigint when is_int8, else integer) as an integer that
 *		must be >= 0 (22023 otherwise).  The caller has checked it is not
 *		NULL.
 */
static int64
get_nonneg_int_arg(FunctionCallInfo fcinfo, int argno, bool is_int8,
				   const char *argname)
{
	int64		v;

	if (is_int8)
		v = PG_GETARG_INT64(argno);
	else
		v = PG_GETARG_INT32(argno);
	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", argname)));
	return v;
}

/*
 * report_progress
 *		The progress line of check_foreign_keys() and assert_no_orphans().
 */
static void
report_progress(const FkInfo *fk, int done, int total)
{
	ereport(DEBUG1,
			(errmsg_internal("checking foreign key constraint \"%s\" on table \"%s\" (%d of %d)",
							 NameStr(fk->conname), get_rel_name(fk->fk_relid),
							 done, total)));
}

/*
 * orphans_internal
 *		Body of both orphans() variants.
 */
static void
orphans_internal(FunctionCallInfo fcinfo, Oid conoid, bool has_limit,
				 int64 max_rows)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FkInfo		fk;
	OrphanCollector c;
	CollectorSet set = {&c, 1};
	OrphanSink sink = {collector_report, &set};

	InitMaterializedSRF(fcinfo, 0);

	ri_fk_read(conoid, &fk, false);
	ri_fk_require_access(&fk);
	ri_fk_lock(&fk, false);
	ri_fk_require_access(&fk);

	if (has_limit && max_rows == 0)
		return;

	collector_init(&c, &fk, true, has_limit ? max_rows : 0);
	ri_scan_table_fks(&fk, 1, &sink, NULL, NULL);

	while (collector_next(&c))
	{
		Datum		values[4];
		bool		nulls[4] = {false, false, false, false};
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(c.rowcxt);
		values[0] = ObjectIdGetDatum(fk.conoid);
		values[1] = c.slot->tts_values[SORT_ATT_RELID - 1];
		values[2] = c.slot->tts_values[SORT_ATT_CTID - 1];
		values[3] = collector_key_jsonb(&c);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
		MemoryContextSwitchTo(old);
		MemoryContextReset(c.rowcxt);
	}
	collector_end(&c);
}

/*
 * ri_audit.orphans(fk oid, max_rows bigint DEFAULT NULL)
 *		RETURNS TABLE (fk oid, table_name regclass, row_ctid tid, key jsonb)
 *
 * One row per orphan of foreign key constraint fk, ordered by holding table,
 * key and ctid; at most max_rows rows (NULL: all).  Acquires AccessShareLock
 * on the referencing and referenced tables.  ERROR 42501 when the caller
 * may not read the key columns or row-level security applies.
 */
Datum
ri_audit_orphans(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("fk cannot be null")));
	orphans_internal(fcinfo, PG_GETARG_OID(0), !PG_ARGISNULL(1),
					 PG_ARGISNULL(1) ? 0 :
					 get_nonneg_int_arg(fcinfo, 1, true, "max_rows"));
	return (Datum) 0;
}

/*
 * ri_audit.orphans(table_name regclass, fk_name name,
 *					max_rows bigint DEFAULT NULL)
 *		RETURNS TABLE (fk oid, table_name regclass, row_ctid tid, key jsonb)
 *
 * The same, naming the constraint by its table and name.
 */
Datum
ri_audit_orphans_by_name(PG_FUNCTION_ARGS)
{
	Oid			conoid;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("table_name cannot be null")));
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("fk_name cannot be null")));
	if (get_rel_name(PG_GETARG_OID(0)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist",
						PG_GETARG_OID(0))));
	conoid = ri_fk_lookup(PG_GETARG_OID(0), NameStr(*PG_GETARG_NAME(1)));
	orphans_internal(fcinfo, conoid, !PG_ARGISNULL(2),
					 PG_ARGISNULL(2) ? 0 :
					 get_nonneg_int_arg(fcinfo, 2, true, "max_rows"));
	return (Datum) 0;
}

/*
 * ri_audit.check_foreign_keys(tables regclass[] DEFAULT NULL,
 *							   sample_size int DEFAULT 3)
 *		RETURNS TABLE (fk oid, fk_name name, table_name regclass,
 *					   referenced_table regclass, validated bool, status text,
 *					   rows_checked bigint, orphan_count bigint, sample jsonb,
 *					   elapsed interval)
 *
 * One row per top-level foreign key of the given referencing tables (NULL:
 * every table), ordered by schema, table and constraint name.  status is
 * 'ok', 'orphans', or 'skipped: <reason>' for keys the caller may not
 * check (their other result columns are NULL).  sample holds the first
 * sample_size orphan keys in output order.  Acquires AccessShareLock on the
 * tables of each checked key, one referencing table at a time.
 */
Datum
ri_audit_check_foreign_keys(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *relids = NIL;
	int64		sample_size;
	FkListing  *keys;
	int			nkeys;
	int			end;
	MemoryContext groupcxt;
	MemoryContext oldcxt;

	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("sample_size cannot be null")));
	sample_size = get_nonneg_int_arg(fcinfo, 1, false, "sample_size");

	InitMaterializedSRF(fcinfo, 0);
	if (!PG_ARGISNULL(0))
	{
		relids = relids_from_array(PG_GETARG_ARRAYTYPE_P(0));
		if (relids == NIL)
			return (Datum) 0;	/* an empty array: no tables, no rows */
	}
	keys = ri_fk_listing(ri_fk_list(relids, false), &nkeys);

	/*
	 * Everything one group needs lives in groupcxt, reset after the group's
	 * rows are in the tuplestore, so memory does not grow with the number of
	 * keys checked.
	 */
	groupcxt = AllocSetContextCreate(CurrentMemoryContext,
									 "ri_audit check_foreign_keys group",
									 ALLOCSET_DEFAULT_SIZES);

	/* One group of consecutive keys with the same referencing table. */
	for (int start = 0; start < nkeys; start = end)
	{
		FkInfo	   *fks;
		int			ngroup;
		FkInfo	   *scan_fks;
		int		   *scan_index;
		char	  **skip;
		int			nscan = 0;
		OrphanCollector *collectors;
		CollectorSet set;
		OrphanSink	sink = {collector_report, &set};
		int64	   *rows_checked;
		int64	   *elapsed;

		CHECK_FOR_INTERRUPTS();
		oldcxt = MemoryContextSwitchTo(groupcxt);

		for (end = start + 1;
			 end < nkeys && keys[end].fk_relid == keys[start].fk_relid;
			 end++)
			;
		ngroup = end - start;
		fks = palloc0(sizeof(FkInfo) * ngroup);
		scan_fks = palloc(sizeof(FkInfo) * Max(ngroup, 1));
		scan_index = palloc(sizeof(int) * Max(ngroup, 1));
		skip = palloc0(sizeof(char *) * Max(ngroup, 1));
		for (int i = 0; i < ngroup; i++)
		{
			FkInfo	   *fk = &fks[i];
			Oid			relid;
			RiAccessProblem problem;

			/*
			 * Check access before locking (a role may not hold locks on
			 * tables it cannot read), lock, then check again: privileges or
			 * the key itself may have changed while we waited.
			 */
			if (!ri_fk_read(keys[start + i].conoid, fk, true))
			{
				/* dropped since it was listed: report what the list knew */
				fk->conoid = keys[start + i].conoid;
				fk->conname = keys[start + i].conname;
				fk->fk_relid = keys[start + i].fk_relid;
				fk->pk_relid = keys[start + i].pk_relid;
				fk->convalidated = keys[start + i].convalidated;
				problem = RI_ACCESS_GONE;
				relid = InvalidOid;
			}
			else
				problem = ri_fk_access(fk, &relid);
			if (problem == RI_ACCESS_OK)
			{
				if (!ri_fk_lock(fk, true))
					problem = RI_ACCESS_GONE;
				else
					problem = ri_fk_access(fk, &relid);
			}
			if (problem != RI_ACCESS_OK)
			{
				skip[i] = psprintf("skipped: %s",
								   ri_fk_access_reason(fk, problem, relid));
				continue;
			}
			scan_index[i] = nscan;
			scan_fks[nscan++] = *fk;
		}

		collectors = palloc0(sizeof(OrphanCollector) * Max(nscan, 1));
		for (int i = 0; i < ngroup; i++)
		{
			if (skip[i])
				continue;
			collector_init(&collectors[scan_index[i]],
						   &scan_fks[scan_index[i]], sample_size > 0,
						   sample_size);
			report_progress(&scan_fks[scan_index[i]], start + i + 1, nkeys);
		}
		set.collectors = collectors;
		set.ncollectors = nscan;
		rows_checked = palloc0(sizeof(int64) * Max(nscan, 1));
		elapsed = palloc0(sizeof(int64) * Max(nscan, 1));
		if (nscan > 0)
			ri_scan_table_fks(scan_fks, nscan, &sink, rows_checked, elapsed);

		for (int i = 0; i < ngroup; i++)
		{
			FkInfo	   *fk = &fks[i];
			Datum		values[10];
			bool		nulls[10];

			memset(nulls, 0, sizeof(nulls));
			values[0] = ObjectIdGetDatum(fk->conoid);
			values[1] = NameGetDatum(&fk->conname);
			values[2] = ObjectIdGetDatum(fk->fk_relid);
			values[3] = ObjectIdGetDatum(fk->pk_relid);
			values[4] = BoolGetDatum(fk->convalidated);
			if (skip[i])
			{
				values[5] = CStringGetTextDatum(skip[i]);
				nulls[6] = nulls[7] = nulls[8] = nulls[9] = true;
			}
			else
			{
				OrphanCollector *c = &collectors[scan_index[i]];
				Interval   *iv = palloc0(sizeof(Interval));

				values[5] = CStringGetTextDatum(c->count > 0 ? "orphans" : "ok");
				values[6] = Int64GetDatum(rows_checked[scan_index[i]]);
				values[7] = Int64GetDatum(c->count);
				if (sample_size > 0)
					values[8] = sample_jsonb(c);
				else
					values[8] = DirectFunctionCall1(jsonb_in,
													CStringGetDatum("[]"));
				iv->time = elapsed[scan_index[i]];
				values[9] = IntervalPGetDatum(iv);
				collector_end(c);
			}
			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);
		}

		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(groupcxt);
	}
	MemoryContextDelete(groupcxt);
	return (Datum) 0;
}

/*
 * ri_audit.assert_no_orphans(tables regclass[] DEFAULT NULL) RETURNS void
 *
 * Returns quietly when no top-level foreign key of the given referencing
 * tables (NULL: every table) has an orphan.  Otherwise raises 23503 with
 * core's wording for the first orphan in output order (first key by schema,
 * table and constraint name, then its first row), and a hint with the total
 * number of orphans and of constraints affected.  ERROR 42501 when the
 * caller may not check one of the keys: an assertion that skipped keys
 * would prove nothing.  Acquires AccessShareLock on the tables of each key.
 */
Datum
ri_audit_assert_no_orphans(PG_FUNCTION_ARGS)
{
	List	   *relids = NIL;
	List	   *conoids;
	int			nfks;
	FkInfo	   *fks;
	int64		total = 0;
	int			naffected = 0;
	int			first = -1;
	OrphanCollector first_c;
	ListCell   *lc;

	if (!PG_ARGISNULL(0))
	{
		relids = relids_from_array(PG_GETARG_ARRAYTYPE_P(0));
		if (relids == NIL)
			PG_RETURN_VOID();
	}

	conoids = ri_fk_list(relids, false);
	fks = palloc0(sizeof(FkInfo) * Max(list_length(conoids), 1));
	nfks = 0;
	foreach(lc, conoids)
	{
		/* skip keys dropped since they were listed */
		if (!ri_fk_read(lfirst_oid(lc), &fks[nfks], true))
			continue;
		ri_fk_require_access(&fks[nfks]);
		nfks++;
	}

	for (int i = 0; i < nfks; i++)
	{
		OrphanCollector c;
		CollectorSet set = {&c, 1};
		OrphanSink	sink = {collector_report, &set};

		if (!ri_fk_lock(&fks[i], true))
			continue;
		ri_fk_require_access(&fks[i]);
		report_progress(&fks[i], i + 1, nfks);
		/* Keep the first orphan only for the first key that has any. */
		collector_init(&c, &fks[i], first < 0, 1);
		ri_scan_table_fks(&fks[i], 1, &sink, NULL, NULL);
		if (c.count > 0)
		{
			total += c.count;
			naffected++;
			if (first < 0)
			{
				first = i;
				first_c = c;
				continue;		/* ended below */
			}
		}
		collector_end(&c);
	}

	if (first >= 0)
	{
		FkInfo	   *fk = &fks[first];
		OrphanCollector *c = &first_c;
		Relation	rel;
		bool		partial_null = false;
		char	   *rows_text;
		char	   *cons_text;

		if (!collector_next(c))
			elog(ERROR, "orphan of constraint \"%s\" vanished",
				 NameStr(fk->conname));
		for (int k = 0; k < fk->nkeys; k++)
			if (c->slot->tts_isnull[SORT_ATT_KEY(k) - 1])
				partial_null = true;

		rows_text = total == 1 ? pstrdup("1 orphan row") :
			psprintf(INT64_FORMAT " orphan rows", total);
		cons_text = naffected == 1 ? pstrdup("1 foreign key constraint") :
			psprintf("%d foreign key constraints", naffected);

		/* Locked by ri_fk_lock; errtableconstraint needs the relation. */
		rel = relation_open(fk->fk_relid, NoLock);

		if (partial_null)
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("table \"%s\" violates foreign key constraint \"%s\"",
							RelationGetRelationName(rel),
							NameStr(fk->conname)),
					 errdetail("MATCH FULL does not allow mixing of null and nonnull key values."),
					 errhint("Found %s in %s; ri_audit.check_foreign_keys() lists them.",
							 rows_text, cons_text),
					 errtableconstraint(rel, NameStr(fk->conname))));
		else if (ri_fk_can_show_key(fk))
		{
			StringInfoData names;

			initStringInfo(&names);
			for (int k = 0; k < fk->nkeys; k++)
				appendStringInfo(&names, "%s%s", k > 0 ? ", " : "",
								 c->keynames[k]);
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("table \"%s\" violates foreign key constraint \"%s\"",
							RelationGetRelationName(rel),
							NameStr(fk->conname)),
					 errdetail("Key (%s)=(%s) is not present in table \"%s\".",
							   names.data, collector_key_values(c),
							   get_rel_name(fk->pk_relid)),
					 errhint("Found %s in %s; ri_audit.check_foreign_keys() lists them.",
							 rows_text, cons_text),
					 errtableconstraint(rel, NameStr(fk->conname))));
		}
		else
			ereport(ERROR,
					(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
					 errmsg("table \"%s\" violates foreign key constraint \"%s\"",
							RelationGetRelationName(rel),
							NameStr(fk->conname)),
					 errdetail("Key is not present in table \"%s\".",
							   get_rel_name(fk->pk_relid)),
					 errhint("Found %s in %s; ri_audit.check_foreign_keys() lists them.",
							 rows_text, cons_text),
					 errtableconstraint(rel, NameStr(fk->conname))));
	}
	PG_RETURN_VOID();
}
