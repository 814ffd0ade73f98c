/*-------------------------------------------------------------------------
 *
 * orphans_api.c
 *	  SQL entry points of the orphan finder: orphans(), check_foreign_keys()
 *	  and assert_no_orphans().
 *
 * Each reads the foreign keys (catalog layer), checks the caller's access,
 * locks the two tables, checks again, and hands the keys of one
 * referencing table at a time to the orphan scan engine
 * (src/engine/orphan_scan.c), whose collectors count, order and render the
 * orphans; this file turns them into result rows or errors.
 * check_foreign_keys() and assert_no_orphans() keep the fast path's
 * referenced key sets from one table to the next (RiKeysetCache, within
 * ri_audit.work_mem), each until the last key referencing its table is
 * done, so that a key set is built once per call; check_foreign_keys()
 * checks the referencing tables grouped by the referenced keys they read
 * (so that a set the budget cannot keep beside the others is seldom built
 * again), up to TABLES_PER_RUN consecutive tables that read the same sets
 * together: when those sets do not fit the budget together, each table is
 * read once per set, set by set across the tables, so that each set is
 * built once for all of them (ri_scan_passes).  It returns their rows in
 * name order (through a tuplesort on the listing position when the two
 * orders differ).  Results are returned
 * through a tuplestore (InitMaterializedSRF), which spills to disk.
 * orphans() keeps its sort and its tuplestore together within
 * ri_audit.work_mem (ri_audit_budget_kb): the tuplestore gets what the
 * sorted rows leave of it.
 *
 * orphans() also reads each orphan's row key (primary key or replica
 * identity columns) back by ctid, in the scan's snapshot
 * (src/engine/orphan_row_key.c).  check_foreign_keys() reports a status
 * code ('ok', 'orphans', 'skipped') and, for a skipped key, the reason.
 *
 * Locks: AccessShareLock on each referencing and referenced table checked
 * (and, through the scan, on the partitions scanned), held to end of
 * transaction; nothing stronger, no row locks.  Concurrent INSERT, UPDATE
 * and DELETE are not blocked, but DDL that needs AccessExclusiveLock waits
 * for the transaction to end, and writers that come after it wait behind
 * it (specs/audit_ddl_queue.spec).
 *
 * Progress: check_foreign_keys() and assert_no_orphans() emit one DEBUG1
 * message per foreign key before checking it ("checking foreign key
 * constraint ... (3 of 10)"); SET client_min_messages = debug1 to see them.
 * A NOTICE would end up in every caller's expected output.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/orphans_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/qunique.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"
#include "utils/tuplesort.h"

#include "ri_audit.h"
#include "ri_orphan_scan.h"

PG_FUNCTION_INFO_V1(ri_audit_orphans);
PG_FUNCTION_INFO_V1(ri_audit_orphans_by_name);
PG_FUNCTION_INFO_V1(ri_audit_check_foreign_keys);
PG_FUNCTION_INFO_V1(ri_audit_assert_no_orphans);

/*
 * The result columns of orphans() and check_foreign_keys().  Version 1.2
 * adds columns (orphans: row_table, row_key; check_foreign_keys: reason);
 * each row's values are placed by column name, so one C function serves
 * every version's declaration, including a database not yet updated after
 * the library was.  A column marked optional may be absent.
 */
typedef struct ResultColumn
{
	const char *name;			/* column name */
	Oid			type;			/* its type */
	bool		optional;		/* absent from an older declaration */
} ResultColumn;

typedef enum OrphansColumn
{
	OC_FK,
	OC_TABLE_NAME,
	OC_ROW_TABLE,
	OC_ROW_CTID,
	OC_KEY,
	OC_ROW_KEY,
	ORPHANS_COLS
} OrphansColumn;

/*
 * In 1.0 and 1.1, orphans() had no row_table and its table_name was the
 * table holding the row; from 1.2 table_name is the constraint's table, as
 * in every other function, and row_table the table holding the row.
 */
static const ResultColumn orphans_columns[ORPHANS_COLS] = {
	{"fk", OIDOID, false}, {"table_name", REGCLASSOID, false},
	{"row_table", REGCLASSOID, true}, {"row_ctid", TIDOID, false},
	{"key", JSONBOID, false}, {"row_key", JSONBOID, true}
};

typedef enum CheckColumn
{
	CC_FK,
	CC_FK_NAME,
	CC_TABLE_NAME,
	CC_REFERENCED_TABLE,
	CC_VALIDATED,
	CC_STATUS,
	CC_ROWS_CHECKED,
	CC_ORPHAN_COUNT,
	CC_SAMPLE,
	CC_ELAPSED,
	CC_REASON,
	CHECK_FOREIGN_KEYS_COLS
} CheckColumn;

/*
 * The keys of one referencing table in check_foreign_keys(): a run of the
 * listing (ordered by schema, table and constraint name), and the
 * referenced keys they read, each named by its unique index.
 */
typedef struct TableGroup
{
	int			start;			/* its first key in the listing */
	int			end;			/* one past its last key */
	int			nrefs;			/* number of distinct referenced keys */
	Oid		   *refs;			/* their indexes' OIDs, ascending */
} TableGroup;

/*
 * The tables checked together (set by set when their sets do not fit the
 * budget together): at most this many, so that the memory of their keys
 * and collectors stays bounded.
 */
#define TABLES_PER_RUN 16

/* One referencing table's keys while check_foreign_keys() checks them. */
typedef struct TableCheck
{
	int			start;			/* its first key in the listing */
	int			nkeys;			/* its number of keys */
	int			first_done;		/* keys checked before its first, for the
								 * progress lines */
	FkInfo	   *fks;			/* each key, as read after locking */
	char	  **skip;			/* why a key is skipped, or NULL */
	FkInfo	   *scan_fks;		/* the keys checked, nscan of them */
	int			nscan;
	int		   *scan_index;		/* fks[i] is scan_fks[scan_index[i]] */
	OrphanCollector **collectors;	/* one per key checked */
	int64	   *rows_checked;	/* per key checked */
	int64	   *elapsed;		/* per key checked, in microseconds */
	int			npasses;		/* passes over the table (ri_scan_passes) */
	int		   *pass_of;		/* the pass of each key checked */
} TableCheck;

/*
 * check_foreign_keys()'s result rows, put back into listing order.  When
 * the tables are checked in listing order the rows go straight into the
 * tuplestore; otherwise through a tuplesort on the listing position, which
 * like the tuplestore holds at most work_mem and spills the rest, so that
 * memory does not grow with the number of keys.
 */
typedef struct ListingOrderRows
{
	Tuplestorestate *store;		/* the SRF's result */
	TupleDesc	resultdesc;		/* its rows' descriptor */
	Tuplesortstate *sort;		/* NULL when rows come in listing order */
	TupleDesc	sortdesc;		/* the listing position (int4), then
								 * resultdesc's columns */
	TupleTableSlot *in_slot;	/* a virtual slot of sortdesc, to sort */
	TupleTableSlot *out_slot;	/* a minimal-tuple slot of sortdesc, read
								 * back from the sort */
} ListingOrderRows;

/*
 * In 1.0 and 1.1, check_foreign_keys() had no reason: a skipped key's
 * status was 'skipped: <reason>'.
 */
static const ResultColumn check_columns[CHECK_FOREIGN_KEYS_COLS] = {
	{"fk", OIDOID, false}, {"fk_name", NAMEOID, false},
	{"table_name", REGCLASSOID, false},
	{"referenced_table", REGCLASSOID, false}, {"validated", BOOLOID, false},
	{"status", TEXTOID, false}, {"rows_checked", INT8OID, false},
	{"orphan_count", INT8OID, false}, {"sample", JSONBOID, false},
	{"elapsed", INTERVALOID, false}, {"reason", TEXTOID, true}
};

static void result_column_map(TupleDesc tupdesc, const char *function,
							  const ResultColumn *cols, int ncols, int *map);

static void report_progress(const FkInfo *fk, int done, int total);
static TableGroup *table_groups_in_check_order(const FkListing *keys,
											   int nkeys, int *ngroups);
static int	table_group_cmp(const void *a, const void *b);
static int	table_group_cmp_refs(const TableGroup *ga, const TableGroup *gb);
static void table_check_begin(TableCheck *tc, const FkListing *keys,
							  int start, int end, int64 sample_size,
							  int first_done, int total,
							  RiKeysetCache *cache);
static void table_check_pass(TableCheck *tc, int pass, RiKeysetCache *cache);
static void table_check_rows(TableCheck *tc, ListingOrderRows *rows,
							 const int *colmap, int64 sample_size, int total,
							 TimestampTz started);
static void listing_order_begin(ListingOrderRows *rows, ReturnSetInfo *rsinfo,
								const TableGroup *groups, int ngroups);
static void listing_order_put(ListingOrderRows *rows, int position,
							  Datum *values, bool *nulls);
static void listing_order_end(ListingOrderRows *rows);
static void report_done(const FkInfo *fk, int done, int total,
						const char *skip, int64 rows, int64 orphans,
						int64 elapsed_us, TimestampTz started);
static void result_store_limit(ReturnSetInfo *rsinfo, int kb);
static void orphans_internal(FunctionCallInfo fcinfo, Oid conoid,
							 bool has_limit, int64 max_rows);
static void raise_orphan_error(const FkInfo *fk, OrphanCollector *c,
							   int64 total, int naffected);

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
 * result_column_map
 *		For each of cols[0..ncols-1], its position in the declared result
 *		row, or -1 for an optional column the declaration lacks.  A
 *		declaration without a required column, with a column of another
 *		type, or with a column this library does not know (a function
 *		created by hand over the symbol), is an error, not a crash.
 */
static void
result_column_map(TupleDesc tupdesc, const char *function,
				  const ResultColumn *cols, int ncols, int *map)
{
	int			found = 0;

	for (int c = 0; c < ncols; c++)
	{
		map[c] = -1;
		for (int a = 0; a < tupdesc->natts; a++)
			if (strcmp(NameStr(TupleDescAttr(tupdesc, a)->attname),
					   cols[c].name) == 0)
				map[c] = a;
		if (map[c] >= 0)
		{
			if (TupleDescAttr(tupdesc, map[c])->atttypid != cols[c].type)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("function returning %s rows declares column \"%s\" as type %s, not %s",
								function, cols[c].name,
								format_type_be(TupleDescAttr(tupdesc, map[c])->atttypid),
								format_type_be(cols[c].type))));
			found++;
		}
		else if (!cols[c].optional)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("function returning %s rows has no column \"%s\"",
							function, cols[c].name)));
	}
	if (found != tupdesc->natts)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("function returning %s rows declares a column it does not know",
						function)));
}

/*
 * report_done
 *		The NOTICE of check_foreign_keys() under ri_audit.progress for key
 *		*fk, number done of total: checked (rows, orphans, its share of its
 *		table's scan time, and the time since the call started) or skipped.
 */
static void
report_done(const FkInfo *fk, int done, int total, const char *skip,
			int64 rows, int64 orphans, int64 elapsed_us, TimestampTz started)
{
	char	   *relname;

	if (!ri_audit_progress)
		return;
	/* (a key dropped since it was listed may have lost its table too) */
	relname = OidIsValid(fk->fk_relid) ? get_rel_name(fk->fk_relid) : NULL;
	if (skip)
		ereport(NOTICE,
				(errmsg("foreign key constraint \"%s\" on table \"%s\" (%d of %d) skipped: %s",
						NameStr(fk->conname), relname ? relname : "?",
						done, total, skip)));
	else
		ereport(NOTICE,
				(errmsg("foreign key constraint \"%s\" on table \"%s\" (%d of %d) checked: "
						INT64_FORMAT " rows, " INT64_FORMAT " orphans, %.3f ms, %.3f ms in all",
						NameStr(fk->conname), relname ? relname : "?",
						done, total, rows, orphans, elapsed_us / 1000.0,
						(GetCurrentTimestamp() - started) / 1000.0)));
}

/*
 * result_store_limit
 *		Replace the empty tuplestore InitMaterializedSRF() made, bounded by
 *		work_mem, with one that keeps at most kb kB in memory (at least 64,
 *		work_mem's own minimum), made as InitMaterializedSRF() makes it.
 */
static void
result_store_limit(ReturnSetInfo *rsinfo, int kb)
{
	MemoryContext old;

	Assert(tuplestore_tuple_count(rsinfo->setResult) == 0);
	old = MemoryContextSwitchTo(rsinfo->econtext->ecxt_per_query_memory);
	tuplestore_end(rsinfo->setResult);
	rsinfo->setResult =
		tuplestore_begin_heap((rsinfo->allowedModes & SFRM_Materialize_Random) != 0,
							  false, Max(kb, 64));
	MemoryContextSwitchTo(old);
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
	OrphanCollector *c;
	RiRowKeyReader *rk = NULL;
	int			colmap[ORPHANS_COLS];

	InitMaterializedSRF(fcinfo, 0);
	result_column_map(rsinfo->setDesc, "orphans", orphans_columns,
					  ORPHANS_COLS, colmap);

	ri_fk_read(conoid, &fk, false);
	ri_fk_require_access(&fk);
	ri_fk_lock(&fk, false);
	ri_fk_require_access(&fk);

	if (has_limit && max_rows == 0)
		return;

	c = ri_collector_create(&fk, true, has_limit ? max_rows : 0);
	ri_scan_table_fks(&fk, 1, ri_collector_sink(&c, 1), NULL, NULL, NULL);
	if (colmap[OC_ROW_KEY] >= 0)
		rk = ri_row_key_reader_create(&fk);
	result_store_limit(rsinfo, ri_audit_budget_kb() - ri_collector_sort_kb(c));

	while (ri_collector_next(c))
	{
		Datum		values[ORPHANS_COLS];
		bool		nulls[ORPHANS_COLS];
		Oid			row_relid = ri_collector_row_relid(c);
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(ri_collector_row_context(c));
		memset(nulls, false, sizeof(nulls));
		values[colmap[OC_FK]] = ObjectIdGetDatum(fk.conoid);
		if (colmap[OC_ROW_TABLE] >= 0)
		{
			values[colmap[OC_TABLE_NAME]] = ObjectIdGetDatum(fk.fk_relid);
			values[colmap[OC_ROW_TABLE]] = ObjectIdGetDatum(row_relid);
		}
		else
			values[colmap[OC_TABLE_NAME]] = ObjectIdGetDatum(row_relid);
		values[colmap[OC_ROW_CTID]] = PointerGetDatum(ri_collector_row_tid(c));
		values[colmap[OC_KEY]] = JsonbPGetDatum(ri_collector_row_key(c));
		if (rk)
		{
			Jsonb	   *row_key = ri_row_key(rk, row_relid,
											 ri_collector_row_tid(c));

			if (row_key)
				values[colmap[OC_ROW_KEY]] = JsonbPGetDatum(row_key);
			else
				nulls[colmap[OC_ROW_KEY]] = true;
		}
		Assert(rsinfo->setDesc->natts <= ORPHANS_COLS);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
		MemoryContextSwitchTo(old);
	}
	if (rk)
		ri_row_key_reader_end(rk);
	ri_collector_end(c);
}

/*
 * ri_audit.orphans(fk oid, max_rows bigint DEFAULT NULL)
 *		RETURNS TABLE (fk oid, table_name regclass, row_table regclass,
 *					   row_ctid tid, key jsonb, row_key jsonb)
 *
 * One row per orphan of foreign key constraint fk, ordered by holding table,
 * key and ctid; at most max_rows rows (NULL: all).  table_name is the
 * constraint's table, row_table the table holding the row (a leaf partition
 * of a partitioned table), row_key the row's primary key or replica
 * identity (orphan_row_key.c; NULL when it has none the caller may read).
 * 1.0 and 1.1 declare (fk, table_name, row_ctid, key) with table_name the
 * holding table; the columns are placed by name (result_column_map).
 * Acquires AccessShareLock on the referencing and referenced tables (and
 * the partitions scanned).  ERROR 42501 when the caller may not read the
 * key columns or row-level security applies.
 */
Datum
ri_audit_orphans(PG_FUNCTION_ARGS)
{
	ri_require_arg(fcinfo, 0, "fk");
	orphans_internal(fcinfo, PG_GETARG_OID(0), !PG_ARGISNULL(1),
					 PG_ARGISNULL(1) ? 0 :
					 ri_nonneg_int_arg(fcinfo, 1, true, "max_rows"));
	return (Datum) 0;
}

/*
 * ri_audit.orphans(table_name regclass, fk_name name,
 *					max_rows bigint DEFAULT NULL)
 *		RETURNS TABLE (fk oid, table_name regclass, row_table regclass,
 *					   row_ctid tid, key jsonb, row_key jsonb)
 *
 * The same, naming the constraint by its table and name.
 */
Datum
ri_audit_orphans_by_name(PG_FUNCTION_ARGS)
{
	Oid			conoid;

	ri_require_arg(fcinfo, 0, "table_name");
	ri_require_arg(fcinfo, 1, "fk_name");
	if (get_rel_name(PG_GETARG_OID(0)) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist",
						PG_GETARG_OID(0))));
	conoid = ri_fk_lookup(PG_GETARG_OID(0), NameStr(*PG_GETARG_NAME(1)));
	orphans_internal(fcinfo, conoid, !PG_ARGISNULL(2),
					 PG_ARGISNULL(2) ? 0 :
					 ri_nonneg_int_arg(fcinfo, 2, true, "max_rows"));
	return (Datum) 0;
}

/*
 * table_groups_in_check_order
 *		The referencing tables of keys[0 .. nkeys - 1] (the listing, in which
 *		each table's keys are consecutive), in the order check_foreign_keys()
 *		checks them: by the referenced keys they read (the OIDs of the keys'
 *		unique indexes, ascending, compared as sequences), then in listing
 *		order.  So the tables that read the same referenced key sets come
 *		one after another, and a key set that the cache cannot keep while
 *		others are built is built once, not once for each run of the listing
 *		that uses it.
 */
static TableGroup *
table_groups_in_check_order(const FkListing *keys, int nkeys, int *ngroups)
{
	TableGroup *groups = palloc(sizeof(TableGroup) * Max(nkeys, 1));
	int			n = 0;
	int			end;

	for (int start = 0; start < nkeys; start = end)
	{
		TableGroup *g = &groups[n++];

		for (end = start + 1;
			 end < nkeys && keys[end].fk_relid == keys[start].fk_relid;
			 end++)
			;
		g->start = start;
		g->end = end;
		g->refs = palloc(sizeof(Oid) * (end - start));
		for (int i = start; i < end; i++)
			g->refs[i - start] = keys[i].pk_index;
		qsort(g->refs, end - start, sizeof(Oid), oid_cmp);
		g->nrefs = qunique(g->refs, end - start, sizeof(Oid), oid_cmp);
	}
	qsort(groups, n, sizeof(TableGroup), table_group_cmp);
	*ngroups = n;
	return groups;
}

/* qsort comparator of table_groups_in_check_order(). */
static int
table_group_cmp(const void *a, const void *b)
{
	const TableGroup *ga = (const TableGroup *) a;
	const TableGroup *gb = (const TableGroup *) b;
	int			c = table_group_cmp_refs(ga, gb);

	if (c != 0)
		return c;
	return ga->start < gb->start ? -1 : 1;
}

/* Compare the referenced keys of two groups, as sequences. */
static int
table_group_cmp_refs(const TableGroup *ga, const TableGroup *gb)
{
	for (int i = 0; i < Min(ga->nrefs, gb->nrefs); i++)
	{
		if (ga->refs[i] != gb->refs[i])
			return ga->refs[i] < gb->refs[i] ? -1 : 1;
	}
	if (ga->nrefs != gb->nrefs)
		return ga->nrefs < gb->nrefs ? -1 : 1;
	return 0;
}

/*
 * table_check_begin
 *		Prepare tc to check the keys keys[start .. end - 1] of one
 *		referencing table: check access, lock (AccessShareLock on both
 *		tables of each key), check access again, create each checked key's
 *		collector, and ask the scan how many passes it needs.  first_done
 *		keys of total are checked before these.  Allocates in the current
 *		memory context.
 */
static void
table_check_begin(TableCheck *tc, const FkListing *keys, int start, int end,
				  int64 sample_size, int first_done, int total,
				  RiKeysetCache *cache)
{
	int			n = end - start;

	tc->start = start;
	tc->nkeys = n;
	tc->first_done = first_done;
	tc->fks = palloc0(sizeof(FkInfo) * n);
	tc->scan_fks = palloc(sizeof(FkInfo) * n);
	tc->scan_index = palloc(sizeof(int) * n);
	tc->skip = palloc0(sizeof(char *) * n);
	tc->nscan = 0;
	for (int i = 0; i < n; i++)
	{
		FkInfo	   *fk = &tc->fks[i];
		const FkListing *listed = &keys[start + i];
		Oid			relid;
		RiAccessProblem problem;

		/*
		 * Check access before locking (a role may not hold locks on tables
		 * it cannot read), lock, then check again: privileges or the key
		 * itself may have changed while we waited.
		 */
		if (!ri_fk_read(listed->conoid, fk, true))
		{
			/* dropped since it was listed: report what the list knew */
			fk->conoid = listed->conoid;
			fk->conname = listed->conname;
			fk->fk_relid = listed->fk_relid;
			fk->pk_relid = listed->pk_relid;
			fk->convalidated = listed->convalidated;
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
			tc->skip[i] = ri_fk_access_reason(fk, problem, relid);
			continue;
		}
		tc->scan_index[i] = tc->nscan;
		tc->scan_fks[tc->nscan++] = *fk;
	}

	tc->collectors = palloc0(sizeof(OrphanCollector *) * n);
	for (int i = 0; i < n; i++)
	{
		if (tc->skip[i])
			continue;
		tc->collectors[tc->scan_index[i]] =
			ri_collector_create(&tc->scan_fks[tc->scan_index[i]],
								sample_size > 0, sample_size);
		report_progress(&tc->scan_fks[tc->scan_index[i]],
						first_done + i + 1, total);
	}
	tc->rows_checked = palloc0(sizeof(int64) * n);
	tc->elapsed = palloc0(sizeof(int64) * n);
	tc->pass_of = palloc0(sizeof(int) * n);
	tc->npasses = tc->nscan == 0 ? 0 :
		ri_scan_passes(tc->scan_fks, tc->nscan, cache, tc->pass_of);
}

/*
 * table_check_pass
 *		Check the keys of tc's pass pass (none when it has fewer passes).
 */
static void
table_check_pass(TableCheck *tc, int pass, RiKeysetCache *cache)
{
	FkInfo	   *pass_fks;
	OrphanCollector **pass_collectors;
	int64	   *pass_rows;
	int64	   *pass_elapsed;
	int		   *pass_index;
	int			n = 0;

	if (pass >= tc->npasses)
		return;
	if (tc->npasses == 1)
	{
		ri_scan_table_fks(tc->scan_fks, tc->nscan,
						  ri_collector_sink(tc->collectors, tc->nscan),
						  tc->rows_checked, tc->elapsed, cache);
		return;
	}

	pass_fks = palloc(sizeof(FkInfo) * tc->nscan);
	pass_collectors = palloc(sizeof(OrphanCollector *) * tc->nscan);
	pass_rows = palloc0(sizeof(int64) * tc->nscan);
	pass_elapsed = palloc0(sizeof(int64) * tc->nscan);
	pass_index = palloc(sizeof(int) * tc->nscan);
	for (int j = 0; j < tc->nscan; j++)
	{
		if (tc->pass_of[j] != pass)
			continue;
		pass_fks[n] = tc->scan_fks[j];
		pass_collectors[n] = tc->collectors[j];
		pass_index[n++] = j;
	}
	CHECK_FOR_INTERRUPTS();
	ri_scan_table_fks(pass_fks, n, ri_collector_sink(pass_collectors, n),
					  pass_rows, pass_elapsed, cache);
	for (int k = 0; k < n; k++)
	{
		tc->rows_checked[pass_index[k]] = pass_rows[k];
		tc->elapsed[pass_index[k]] = pass_elapsed[k];
	}
	pfree(pass_fks);
	pfree(pass_collectors);
	pfree(pass_rows);
	pfree(pass_elapsed);
	pfree(pass_index);
}

/*
 * table_check_rows
 *		Pass tc's result rows to rows, one per key in listing order, and
 *		send their progress lines; total keys are checked in all, since
 *		started.
 */
static void
table_check_rows(TableCheck *tc, ListingOrderRows *rows, const int *colmap,
				 int64 sample_size, int total, TimestampTz started)
{
	for (int i = 0; i < tc->nkeys; i++)
	{
		FkInfo	   *fk = &tc->fks[i];
		int			done = tc->first_done + i + 1;
		Datum		values[CHECK_FOREIGN_KEYS_COLS];
		bool		nulls[CHECK_FOREIGN_KEYS_COLS];

		memset(nulls, false, sizeof(nulls));
		values[colmap[CC_FK]] = ObjectIdGetDatum(fk->conoid);
		values[colmap[CC_FK_NAME]] = NameGetDatum(&fk->conname);
		values[colmap[CC_TABLE_NAME]] = ObjectIdGetDatum(fk->fk_relid);
		values[colmap[CC_REFERENCED_TABLE]] = ObjectIdGetDatum(fk->pk_relid);
		values[colmap[CC_VALIDATED]] = BoolGetDatum(fk->convalidated);
		if (colmap[CC_REASON] >= 0)
			nulls[colmap[CC_REASON]] = true;
		if (tc->skip[i])
		{
			if (colmap[CC_REASON] >= 0)
			{
				values[colmap[CC_STATUS]] = CStringGetTextDatum("skipped");
				values[colmap[CC_REASON]] = CStringGetTextDatum(tc->skip[i]);
				nulls[colmap[CC_REASON]] = false;
			}
			else
				values[colmap[CC_STATUS]] =
					CStringGetTextDatum(psprintf("skipped: %s", tc->skip[i]));
			nulls[colmap[CC_ROWS_CHECKED]] = true;
			nulls[colmap[CC_ORPHAN_COUNT]] = true;
			nulls[colmap[CC_SAMPLE]] = true;
			nulls[colmap[CC_ELAPSED]] = true;
			report_done(fk, done, total, tc->skip[i], 0, 0, 0, started);
		}
		else
		{
			int			j = tc->scan_index[i];
			OrphanCollector *c = tc->collectors[j];
			Interval   *iv = palloc0(sizeof(Interval));
			int64		count = ri_collector_count(c);

			values[colmap[CC_STATUS]] =
				CStringGetTextDatum(count > 0 ? "orphans" : "ok");
			values[colmap[CC_ROWS_CHECKED]] = Int64GetDatum(tc->rows_checked[j]);
			values[colmap[CC_ORPHAN_COUNT]] = Int64GetDatum(count);
			if (sample_size > 0)
				values[colmap[CC_SAMPLE]] =
					JsonbPGetDatum(ri_collector_sample(c));
			else
				values[colmap[CC_SAMPLE]] =
					DirectFunctionCall1(jsonb_in, CStringGetDatum("[]"));
			iv->time = tc->elapsed[j];
			values[colmap[CC_ELAPSED]] = IntervalPGetDatum(iv);
			report_done(fk, done, total, NULL, tc->rows_checked[j], count,
						tc->elapsed[j], started);
			ri_collector_end(c);
		}
		listing_order_put(rows, tc->start + i, values, nulls);
	}
}

/*
 * listing_order_begin
 *		Prepare *rows for the result rows of the tables in groups[0 ..
 *		ngroups - 1], checked in that order, to reach rsinfo's tuplestore in
 *		listing order.  Call in the function call's memory context: the sort
 *		lives until listing_order_end().
 */
static void
listing_order_begin(ListingOrderRows *rows, ReturnSetInfo *rsinfo,
					const TableGroup *groups, int ngroups)
{
	bool		in_listing_order = true;
	TupleDesc	resultdesc = rsinfo->setDesc;
	AttrNumber	position_att = 1;
	Oid			position_lt = Int4LessOperator;
	Oid			position_coll = InvalidOid;
	bool		nulls_first = false;

	rows->store = rsinfo->setResult;
	rows->resultdesc = resultdesc;
	rows->sort = NULL;
	rows->sortdesc = NULL;
	rows->in_slot = NULL;
	rows->out_slot = NULL;
	for (int g = 1; g < ngroups; g++)
	{
		if (groups[g].start < groups[g - 1].start)
		{
			in_listing_order = false;
			break;
		}
	}
	if (in_listing_order)
		return;

	rows->sortdesc = CreateTemplateTupleDesc(resultdesc->natts + 1);
	TupleDescInitEntry(rows->sortdesc, 1, "position", INT4OID, -1, 0);
	for (int i = 0; i < resultdesc->natts; i++)
		TupleDescCopyEntry(rows->sortdesc, i + 2, resultdesc, i + 1);
	rows->in_slot = MakeSingleTupleTableSlot(rows->sortdesc, &TTSOpsVirtual);
	rows->out_slot = MakeSingleTupleTableSlot(rows->sortdesc,
											  &TTSOpsMinimalTuple);
	rows->sort = tuplesort_begin_heap(rows->sortdesc, 1, &position_att,
									  &position_lt, &position_coll,
									  &nulls_first, work_mem, NULL,
									  TUPLESORT_NONE);
}

/*
 * listing_order_put
 *		The result row of the key at position (0-based) in the listing.
 *		The row is copied; values and nulls may be freed afterwards.
 */
static void
listing_order_put(ListingOrderRows *rows, int position, Datum *values,
				  bool *nulls)
{
	TupleTableSlot *slot = rows->in_slot;

	if (rows->sort == NULL)
	{
		tuplestore_putvalues(rows->store, rows->resultdesc, values, nulls);
		return;
	}
	ExecClearTuple(slot);
	slot->tts_values[0] = Int32GetDatum(position);
	slot->tts_isnull[0] = false;
	memcpy(&slot->tts_values[1], values,
		   sizeof(Datum) * rows->resultdesc->natts);
	memcpy(&slot->tts_isnull[1], nulls,
		   sizeof(bool) * rows->resultdesc->natts);
	ExecStoreVirtualTuple(slot);
	tuplesort_puttupleslot(rows->sort, slot);
}

/*
 * listing_order_end
 *		Put the sorted rows into the tuplestore and free the sort.
 */
static void
listing_order_end(ListingOrderRows *rows)
{
	TupleTableSlot *slot = rows->out_slot;

	if (rows->sort == NULL)
		return;
	tuplesort_performsort(rows->sort);
	while (tuplesort_gettupleslot(rows->sort, true, false, slot, NULL))
	{
		CHECK_FOR_INTERRUPTS();
		slot_getallattrs(slot);
		tuplestore_putvalues(rows->store, rows->resultdesc,
							 &slot->tts_values[1], &slot->tts_isnull[1]);
	}
	tuplesort_end(rows->sort);
	ExecDropSingleTupleTableSlot(rows->in_slot);
	ExecDropSingleTupleTableSlot(slot);
	FreeTupleDesc(rows->sortdesc);
	rows->sort = NULL;
}

/*
 * ri_audit.check_foreign_keys(tables regclass[] DEFAULT NULL,
 *							   sample_size int DEFAULT 3)
 *		RETURNS TABLE (fk oid, fk_name name, table_name regclass,
 *					   referenced_table regclass, validated bool, status text,
 *					   rows_checked bigint, orphan_count bigint, sample jsonb,
 *					   elapsed interval, reason text)
 *
 * One row per top-level foreign key of the given referencing tables (NULL:
 * every table), ordered by schema, table and constraint name.  status is
 * 'ok', 'orphans', or 'skipped' for keys the caller may not check (their
 * counts, sample and elapsed are NULL), reason why it was skipped (NULL
 * otherwise).  1.0 and 1.1 declare no reason column: there status is
 * 'skipped: <reason>'.  sample holds the first
 * sample_size orphan keys in output order.  Acquires AccessShareLock on the
 * tables of each checked key, for up to TABLES_PER_RUN referencing tables
 * at a time before they are read.
 */
Datum
ri_audit_check_foreign_keys(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *relids = NIL;
	int64		sample_size;
	FkListing  *keys;
	int			nkeys;
	TableGroup *groups;
	int			ngroups;
	int			checked = 0;	/* keys of the groups done */
	ListingOrderRows rows;		/* the result rows, back in listing order */
	MemoryContext groupcxt;
	MemoryContext oldcxt;
	int			colmap[CHECK_FOREIGN_KEYS_COLS];
	TimestampTz started = GetCurrentTimestamp();
	RiKeysetCache *cache;
	Oid		   *pk_relids;

	ri_require_arg(fcinfo, 1, "sample_size");
	sample_size = ri_nonneg_int_arg(fcinfo, 1, false, "sample_size");

	InitMaterializedSRF(fcinfo, 0);
	result_column_map(rsinfo->setDesc, "check_foreign_keys", check_columns,
					  CHECK_FOREIGN_KEYS_COLS, colmap);
	if (!PG_ARGISNULL(0))
	{
		relids = ri_regclass_array_arg(PG_GETARG_ARRAYTYPE_P(0), "tables");
		if (relids == NIL)
			return (Datum) 0;	/* an empty array: no tables, no rows */
	}
	keys = ri_fk_listing(ri_fk_list(relids, false), &nkeys);

	/*
	 * A referenced key set is built once for all the tables that reference
	 * it, as the budget allows (orphan_keyset.c), and freed after the last
	 * key that references its table.  The tables are checked grouped by the
	 * key sets they read; their rows are returned in listing order.
	 */
	groups = table_groups_in_check_order(keys, nkeys, &ngroups);
	pk_relids = palloc(sizeof(Oid) * Max(nkeys, 1));
	for (int g = 0, k = 0; g < ngroups; g++)
	{
		for (int i = groups[g].start; i < groups[g].end; i++)
			pk_relids[k++] = keys[i].pk_relid;
	}
	cache = ri_keyset_cache_create(pk_relids, nkeys);
	listing_order_begin(&rows, rsinfo, groups, ngroups);

	/*
	 * Everything one group needs lives in groupcxt, reset after the group's
	 * rows are passed on (listing_order_put copies them), so memory does
	 * not grow with the number of keys checked.
	 */
	groupcxt = AllocSetContextCreate(CurrentMemoryContext,
									 "ri_audit check_foreign_keys group",
									 ALLOCSET_DEFAULT_SIZES);

	/*
	 * One run of groups at a time: consecutive tables that read the same
	 * two or more key sets (at most TABLES_PER_RUN of them), or one table.
	 * When a run's sets do not fit the budget together, each is checked
	 * in one pass per set, set by set across the run's tables, so that
	 * each set is built once for the run.
	 */
	for (int g = 0, run_end; g < ngroups; g = run_end)
	{
		TableCheck *run;
		int			nrun;
		int			run_keys = 0;
		int			npasses = 0;

		CHECK_FOR_INTERRUPTS();
		for (run_end = g + 1;
			 run_end < ngroups && run_end - g < TABLES_PER_RUN &&
			 groups[g].nrefs >= 2 &&
			 table_group_cmp_refs(&groups[g], &groups[run_end]) == 0;
			 run_end++)
			;
		nrun = run_end - g;
		oldcxt = MemoryContextSwitchTo(groupcxt);

		run = palloc0(sizeof(TableCheck) * nrun);
		for (int t = 0; t < nrun; t++)
		{
			table_check_begin(&run[t], keys, groups[g + t].start,
							  groups[g + t].end, sample_size,
							  checked + run_keys, nkeys, cache);
			run_keys += run[t].nkeys;
			npasses = Max(npasses, run[t].npasses);
		}
		for (int p = 0; p < npasses; p++)
		{
			for (int t = 0; t < nrun; t++)
				table_check_pass(&run[t], p, cache);
		}
		ri_keyset_cache_advance(cache, checked + run_keys);

		for (int t = 0; t < nrun; t++)
		{
			table_check_rows(&run[t], &rows, colmap, sample_size, nkeys,
							 started);
			checked += run[t].nkeys;
		}

		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(groupcxt);
	}
	MemoryContextDelete(groupcxt);
	ri_keyset_cache_end(cache);
	listing_order_end(&rows);
	return (Datum) 0;
}

/*
 * raise_orphan_error
 *		The 23503 error of assert_no_orphans() for the current row of c, an
 *		orphan of *fk, in core's wording, with a hint counting all of them.
 *		The key is shown only to a caller who may read it.
 */
static void
raise_orphan_error(const FkInfo *fk, OrphanCollector *c, int64 total,
				   int naffected)
{
	Relation	rel;
	char	   *detail;

	if (ri_collector_row_has_null(c))
		detail = pstrdup("MATCH FULL does not allow mixing of null and nonnull key values.");
	else if (ri_fk_can_show_key(fk))
		detail = psprintf("Key (%s)=(%s) is not present in table \"%s\".",
						  ri_collector_key_names(c),
						  ri_collector_row_key_text(c),
						  get_rel_name(fk->pk_relid));
	else
		detail = psprintf("Key is not present in table \"%s\".",
						  get_rel_name(fk->pk_relid));

	/* Locked by ri_fk_lock; errtableconstraint needs the relation. */
	rel = relation_open(fk->fk_relid, NoLock);
	ereport(ERROR,
			(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
			 errmsg("table \"%s\" violates foreign key constraint \"%s\"",
					RelationGetRelationName(rel), NameStr(fk->conname)),
			 errdetail_internal("%s", detail),
			 errhint_plural("Found %lld orphan row in %s; ri_audit.check_foreign_keys() lists them.",
							"Found %lld orphan rows in %s; ri_audit.check_foreign_keys() lists them.",
							total, (long long) total,
							naffected == 1 ? "1 foreign key constraint" :
							psprintf("%d foreign key constraints", naffected)),
			 errtableconstraint(rel, NameStr(fk->conname))));
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
	OrphanCollector *first_c = NULL;
	ListCell   *lc;
	RiKeysetCache *cache;
	Oid		   *pk_relids;

	if (!PG_ARGISNULL(0))
	{
		relids = ri_regclass_array_arg(PG_GETARG_ARRAYTYPE_P(0), "tables");
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

	/* each referenced key set built once, as in check_foreign_keys() */
	pk_relids = palloc(sizeof(Oid) * Max(nfks, 1));
	for (int i = 0; i < nfks; i++)
		pk_relids[i] = fks[i].pk_relid;
	cache = ri_keyset_cache_create(pk_relids, nfks);

	for (int i = 0; i < nfks; i++)
	{
		OrphanCollector *c;
		int64		count;

		if (!ri_fk_lock(&fks[i], true))
			continue;
		ri_fk_require_access(&fks[i]);
		report_progress(&fks[i], i + 1, nfks);
		/* Keep the first orphan only for the first key that has any. */
		c = ri_collector_create(&fks[i], first < 0, 1);
		ri_scan_table_fks(&fks[i], 1, ri_collector_sink(&c, 1), NULL, NULL,
						  cache);
		ri_keyset_cache_advance(cache, i + 1);
		count = ri_collector_count(c);
		if (count > 0)
		{
			total += count;
			naffected++;
			if (first < 0)
			{
				first = i;
				first_c = c;
				continue;		/* raised from below */
			}
		}
		ri_collector_end(c);
		pfree(c);
	}

	ri_keyset_cache_end(cache);

	if (first >= 0)
	{
		if (!ri_collector_next(first_c))
			elog(ERROR, "orphan of constraint \"%s\" vanished",
				 NameStr(fks[first].conname));
		raise_orphan_error(&fks[first], first_c, total, naffected);
	}
	PG_RETURN_VOID();
}
