/*-------------------------------------------------------------------------
 *
 * orphan_planner.c
 *	  The planner path of the orphan finder: one anti-join query per foreign
 *	  key, run through SPI, each result row reported to an OrphanSink.
 *
 * The query has the semantics of RI_Initial_Check (ri_triggers.c), the
 * check PostgreSQL runs for ADD FOREIGN KEY and VALIDATE CONSTRAINT, except
 * that it lists every violating row instead of stopping at the first:
 *
 *	SELECT fk.tableoid, fk.ctid, fk."c1" [, ...]
 *	  FROM [ONLY] "s"."fk" fk LEFT OUTER JOIN [ONLY] "s"."pk" pk
 *		ON (pk."p1" OPERATOR(ns.op) fk."c1" [COLLATE "ns"."coll"] [AND ...])
 *	 WHERE pk."p1" IS NULL
 *	   AND (fk."c1" IS NOT NULL [AND | OR ...])
 *
 * - the operators are the constraint's own conpfeqop (PK on the left), with
 *	 casts where a column's type differs from the operator's input type
 *	 (generate_operator_clause(), the function RI uses);
 * - when the two columns' collations differ, the PK column's collation is
 *	 applied, as RI does;
 * - MATCH SIMPLE: a row with any NULL key column is exempt (AND); MATCH
 *	 FULL: only an all-NULL key is exempt, so partly-NULL keys are reported
 *	 (OR; a strict operator never matches NULL);
 * - ONLY for plain tables, because a foreign key does not cover the
 *	 legacy-inheritance children of either table; no ONLY for partitioned
 *	 tables, which hold no rows themselves; tableoid reports the partition
 *	 holding the row.
 *
 * Every identifier is quoted and every relation, operator, type and
 * collation is schema-qualified, and the query runs with search_path set to
 * "pg_catalog, pg_temp", so objects a user puts on the search_path cannot
 * change what it means.  As in RI_Initial_Check, work_mem is raised to
 * maintenance_work_mem and hash_mem_multiplier set to 1 for the join.  These
 * settings live in a GUC nest level (NewGUCNestLevel / AtEOXact_GUC, as
 * amcheck and RI do), so they are undone on return and on error.
 *
 * The query runs as the calling user when comparing the keys runs only
 * trusted code: the caller's privileges were checked by fk_catalog.c, and
 * the executor checks them again.  When the comparison reaches a function
 * of another role (a cast, an operator's function, an operator family
 * member: see owner_code.c), the query runs as the referencing table's
 * owner under SECURITY_RESTRICTED_OPERATION instead, after fk_catalog.c has
 * checked that the owner, too, can read both key column sets with no
 * row-level security, so the answer is the same.  It runs read-only in the caller's snapshot, so it
 * works in read-only transactions and on a hot standby, and every key
 * checked by one call sees the same data.  Results are fetched through an
 * SPI cursor in batches, so memory stays bounded whatever the number of
 * orphans; what the sink keeps is the sink's business.
 *
 * Locks: the query takes AccessShareLock on both tables (and on the
 * partitions it scans); callers already hold AccessShareLock on both
 * tables from ri_fk_lock().  No row locks are taken (unlike RI's per-row
 * check, which takes FOR KEY SHARE).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/orphan_planner.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "catalog/pg_collation.h"
#include "executor/spi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "ri_orphan_scan.h"
#include "ri_owner_code.h"

/* Rows fetched from the cursor at a time. */
#define RI_FETCH_BATCH	1000

static char *build_orphan_query(const FkInfo *fk);
static char *build_count_query(const FkInfo *fk);

/*
 * ri_sql_append_relation
 *		"[ONLY ]schema.table", quoted as needed; ONLY unless partitioned.
 */
void
ri_sql_append_relation(StringInfo buf, Oid relid)
{
	if (get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE)
		appendStringInfoString(buf, "ONLY ");
	appendStringInfoString(buf, ri_qualified_relname(relid));
}

/*
 * ri_sql_append_collation
 *		" COLLATE schema.name" for collid, as ri_GenerateQualCollation does.
 */
void
ri_sql_append_collation(StringInfo buf, Oid collid)
{
	HeapTuple	tup;
	Form_pg_collation coll;
	char	   *nspname;

	if (!OidIsValid(collid))
		return;
	tup = SearchSysCache1(COLLOID, ObjectIdGetDatum(collid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for collation %u", collid);
	coll = (Form_pg_collation) GETSTRUCT(tup);
	nspname = get_namespace_name(coll->collnamespace);
	if (nspname == NULL)
		elog(ERROR, "cache lookup failed for namespace %u",
			 coll->collnamespace);
	appendStringInfo(buf, " COLLATE %s",
					 quote_qualified_identifier(nspname,
												NameStr(coll->collname)));
	ReleaseSysCache(tup);
}

/*
 * build_orphan_query
 *		The anti-join described in the file header.
 */
static char *
build_orphan_query(const FkInfo *fk)
{
	StringInfoData buf;
	const char *sep;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT fk.tableoid, fk.ctid");
	for (int i = 0; i < fk->nkeys; i++)
		appendStringInfo(&buf, ", fk.%s",
						 quote_identifier(ri_fk_column_name(fk, i)));

	appendStringInfoString(&buf, " FROM ");
	ri_sql_append_relation(&buf, fk->fk_relid);
	appendStringInfoString(&buf, " fk LEFT OUTER JOIN ");
	ri_sql_append_relation(&buf, fk->pk_relid);
	appendStringInfoString(&buf, " pk ON (");

	for (int i = 0; i < fk->nkeys; i++)
	{
		char	   *pkcol;
		char	   *fkcol;

		pkcol = psprintf("pk.%s",
						 quote_identifier(get_attname(fk->pk_relid,
													  fk->pk_attnums[i],
													  false)));
		fkcol = psprintf("fk.%s",
						 quote_identifier(ri_fk_column_name(fk, i)));
		if (i > 0)
			appendStringInfoString(&buf, " AND ");
		generate_operator_clause(&buf, pkcol, fk->pk_types[i],
								 fk->pf_eq_oprs[i], fkcol, fk->fk_types[i]);
		if (fk->pk_collations[i] != fk->fk_collations[i])
			ri_sql_append_collation(&buf, fk->pk_collations[i]);
	}

	/* A failed join leaves every pk column NULL; testing one suffices. */
	appendStringInfo(&buf, ") WHERE pk.%s IS NULL AND (",
					 quote_identifier(get_attname(fk->pk_relid,
												  fk->pk_attnums[0], false)));
	sep = "";
	for (int i = 0; i < fk->nkeys; i++)
	{
		appendStringInfo(&buf, "%sfk.%s IS NOT NULL", sep,
						 quote_identifier(ri_fk_column_name(fk, i)));
		sep = fk->confmatchtype == FKCONSTR_MATCH_FULL ? " OR " : " AND ";
	}
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * build_count_query
 *		Number of rows of the referencing table the check covers.
 */
static char *
build_count_query(const FkInfo *fk)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT pg_catalog.count(*) FROM ");
	ri_sql_append_relation(&buf, fk->fk_relid);
	return buf.data;
}

/*
 * ri_planner_scan
 *		Report every orphan of *fk to sink, as fk_index.  When rows_checked is
 *		not NULL, also count the rows of the referencing table (a second query
 *		in the same snapshot).  The caller holds AccessShareLock on both
 *		tables and has checked the caller's access (ri_fk_require_access).
 */
void
ri_planner_scan(const FkInfo *fk, int fk_index, OrphanSink *sink,
				int64 *rows_checked)
{
	char	   *query;
	SPIPlanPtr	plan;
	Portal		portal;
	int			save_nestlevel;
	char		workmembuf[32];
	Datum		keyvals[INDEX_MAX_KEYS];
	bool		keynulls[INDEX_MAX_KEYS];
	Oid			scan_role = ri_fk_scan_role(fk);
	RiOwnerSwitch owner_switch;

	query = build_orphan_query(fk);

	/* Another role's code in the comparison runs as the table's owner. */
	if (OidIsValid(scan_role))
		ri_become_owner(scan_role, &owner_switch);

	/* Pin the search_path; give the join RI's memory budget. */
	save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	snprintf(workmembuf, sizeof(workmembuf), "%d", maintenance_work_mem);
	(void) set_config_option("work_mem", workmembuf,
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
	(void) set_config_option("hash_mem_multiplier", "1",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");

	plan = SPI_prepare(query, 0, NULL);
	if (plan == NULL)
		elog(ERROR, "SPI_prepare returned %s for %s",
			 SPI_result_code_string(SPI_result), query);
	portal = SPI_cursor_open(NULL, plan, NULL, NULL, true);

	for (;;)
	{
		SPITupleTable *tuptable;

		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(portal, true, RI_FETCH_BATCH);
		if (SPI_processed == 0)
			break;
		tuptable = SPI_tuptable;
		for (uint64 r = 0; r < SPI_processed; r++)
		{
			HeapTuple	tup = tuptable->vals[r];
			TupleDesc	desc = tuptable->tupdesc;
			bool		isnull;
			Oid			relid;
			ItemPointer tid;

			CHECK_FOR_INTERRUPTS();
			relid = DatumGetObjectId(heap_getattr(tup, 1, desc, &isnull));
			tid = (ItemPointer) DatumGetPointer(heap_getattr(tup, 2, desc,
															 &isnull));
			for (int k = 0; k < fk->nkeys; k++)
				keyvals[k] = heap_getattr(tup, k + 3, desc, &keynulls[k]);
			sink->report(sink, fk_index, relid, tid, keyvals, keynulls);
		}
		SPI_freetuptable(tuptable);
	}
	SPI_cursor_close(portal);

	if (rows_checked != NULL)
	{
		char	   *cquery = build_count_query(fk);
		bool		isnull;
		int			ret;

		CHECK_FOR_INTERRUPTS();
		ret = SPI_execute(cquery, true, 0);
		if (ret != SPI_OK_SELECT || SPI_processed != 1)
			elog(ERROR, "SPI_execute failed: %s", cquery);
		*rows_checked = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
													SPI_tuptable->tupdesc,
													1, &isnull));
	}

	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");

	AtEOXact_GUC(true, save_nestlevel);
	if (OidIsValid(scan_role))
		ri_restore_caller(&owner_switch);
}
