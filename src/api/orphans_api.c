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
 * orphans; this file turns them into result rows or errors.  Results are
 * returned through a tuplestore (InitMaterializedSRF), which spills to
 * disk.
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
 *	  ri_audit/src/api/orphans_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/timestamp.h"

#include "ri_audit.h"
#include "ri_orphan_scan.h"

PG_FUNCTION_INFO_V1(ri_audit_orphans);
PG_FUNCTION_INFO_V1(ri_audit_orphans_by_name);
PG_FUNCTION_INFO_V1(ri_audit_check_foreign_keys);
PG_FUNCTION_INFO_V1(ri_audit_assert_no_orphans);

/* Result columns of orphans() and of check_foreign_keys(). */
#define ORPHANS_COLS				4
#define CHECK_FOREIGN_KEYS_COLS		10

static void report_progress(const FkInfo *fk, int done, int total);
static void report_done(const FkInfo *fk, int done, int total,
						const char *skip, int64 rows, int64 orphans,
						int64 elapsed_us, TimestampTz started);
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
				(errmsg("foreign key constraint \"%s\" on table \"%s\" (%d of %d) %s",
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

	InitMaterializedSRF(fcinfo, 0);
	Assert(rsinfo->setDesc->natts == ORPHANS_COLS);

	ri_fk_read(conoid, &fk, false);
	ri_fk_require_access(&fk);
	ri_fk_lock(&fk, false);
	ri_fk_require_access(&fk);

	if (has_limit && max_rows == 0)
		return;

	c = ri_collector_create(&fk, true, has_limit ? max_rows : 0);
	ri_scan_table_fks(&fk, 1, ri_collector_sink(&c, 1), NULL, NULL);

	while (ri_collector_next(c))
	{
		Datum		values[ORPHANS_COLS];
		bool		nulls[ORPHANS_COLS] = {0};
		MemoryContext old;

		CHECK_FOR_INTERRUPTS();
		old = MemoryContextSwitchTo(ri_collector_row_context(c));
		values[0] = ObjectIdGetDatum(fk.conoid);
		values[1] = ObjectIdGetDatum(ri_collector_row_relid(c));
		values[2] = PointerGetDatum(ri_collector_row_tid(c));
		values[3] = JsonbPGetDatum(ri_collector_row_key(c));
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
		MemoryContextSwitchTo(old);
	}
	ri_collector_end(c);
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
	ri_require_arg(fcinfo, 0, "fk");
	orphans_internal(fcinfo, PG_GETARG_OID(0), !PG_ARGISNULL(1),
					 PG_ARGISNULL(1) ? 0 :
					 ri_nonneg_int_arg(fcinfo, 1, true, "max_rows"));
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
	TimestampTz started = GetCurrentTimestamp();

	ri_require_arg(fcinfo, 1, "sample_size");
	sample_size = ri_nonneg_int_arg(fcinfo, 1, false, "sample_size");

	InitMaterializedSRF(fcinfo, 0);
	Assert(rsinfo->setDesc->natts == CHECK_FOREIGN_KEYS_COLS);
	if (!PG_ARGISNULL(0))
	{
		relids = ri_regclass_array_arg(PG_GETARG_ARRAYTYPE_P(0), "tables");
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
		OrphanCollector **collectors;
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
		scan_fks = palloc(sizeof(FkInfo) * ngroup);
		scan_index = palloc(sizeof(int) * ngroup);
		skip = palloc0(sizeof(char *) * ngroup);
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

		collectors = palloc0(sizeof(OrphanCollector *) * ngroup);
		for (int i = 0; i < ngroup; i++)
		{
			if (skip[i])
				continue;
			collectors[scan_index[i]] =
				ri_collector_create(&scan_fks[scan_index[i]], sample_size > 0,
									sample_size);
			report_progress(&scan_fks[scan_index[i]], start + i + 1, nkeys);
		}
		rows_checked = palloc0(sizeof(int64) * ngroup);
		elapsed = palloc0(sizeof(int64) * ngroup);
		if (nscan > 0)
			ri_scan_table_fks(scan_fks, nscan,
							  ri_collector_sink(collectors, nscan),
							  rows_checked, elapsed);

		for (int i = 0; i < ngroup; i++)
		{
			FkInfo	   *fk = &fks[i];
			Datum		values[CHECK_FOREIGN_KEYS_COLS];
			bool		nulls[CHECK_FOREIGN_KEYS_COLS] = {0};

			values[0] = ObjectIdGetDatum(fk->conoid);
			values[1] = NameGetDatum(&fk->conname);
			values[2] = ObjectIdGetDatum(fk->fk_relid);
			values[3] = ObjectIdGetDatum(fk->pk_relid);
			values[4] = BoolGetDatum(fk->convalidated);
			if (skip[i])
			{
				values[5] = CStringGetTextDatum(skip[i]);
				nulls[6] = nulls[7] = nulls[8] = nulls[9] = true;
				report_done(fk, start + i + 1, nkeys, skip[i], 0, 0, 0,
							started);
			}
			else
			{
				OrphanCollector *c = collectors[scan_index[i]];
				Interval   *iv = palloc0(sizeof(Interval));
				int64		count = ri_collector_count(c);

				values[5] = CStringGetTextDatum(count > 0 ? "orphans" : "ok");
				values[6] = Int64GetDatum(rows_checked[scan_index[i]]);
				values[7] = Int64GetDatum(count);
				if (sample_size > 0)
					values[8] = JsonbPGetDatum(ri_collector_sample(c));
				else
					values[8] = DirectFunctionCall1(jsonb_in,
													CStringGetDatum("[]"));
				iv->time = elapsed[scan_index[i]];
				values[9] = IntervalPGetDatum(iv);
				report_done(fk, start + i + 1, nkeys, NULL,
							rows_checked[scan_index[i]], count,
							elapsed[scan_index[i]], started);
				ri_collector_end(c);
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
		ri_scan_table_fks(&fks[i], 1, ri_collector_sink(&c, 1), NULL, NULL);
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

	if (first >= 0)
	{
		if (!ri_collector_next(first_c))
			elog(ERROR, "orphan of constraint \"%s\" vanished",
				 NameStr(fks[first].conname));
		raise_orphan_error(&fks[first], first_c, total, naffected);
	}
	PG_RETURN_VOID();
}
