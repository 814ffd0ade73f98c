/*-------------------------------------------------------------------------
 *
 * delete_preview_api.c
 *	  SQL entry points of the delete impact engine: delete_preview() and
 *	  assert_delete_safe().
 *
 * Both hand the statement text to ri_delete_impact()
 * (src/engine/delete_impact.c), which never changes data: it evaluates the
 * statement's rows with one read-only query as the caller and follows the
 * foreign keys with read-only queries.  delete_preview() returns its rows
 * through a tuplestore (InitMaterializedSRF); assert_delete_safe() raises
 * PostgreSQL's own error for the first key that would block the statement.
 *
 * Locks: AccessShareLock on every table read (the statement's tables, both
 * tables of every foreign key followed), held to end of transaction; no
 * row locks.  Privileges: those of orphans() (the engine's file header
 * says which); no ACL check of its own beyond that.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/delete_preview_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/tuplestore.h"

#include "ri_delete_impact.h"
#include "ri_fk_catalog.h"

PG_FUNCTION_INFO_V1(ri_audit_delete_preview);
PG_FUNCTION_INFO_V1(ri_audit_assert_delete_safe);

#define DELETE_PREVIEW_COLS 6

/*
 * ri_audit.delete_preview(stmt text) RETURNS TABLE (step int,
 *	 table_name regclass, fk_name name, action text, row_count bigint,
 *	 sample jsonb)
 *
 * What the DELETE, UPDATE or TRUNCATE statement in stmt would do through
 * the foreign keys, step by step, without running it.  Acquires
 * AccessShareLock on every table it reads.
 */
Datum
ri_audit_delete_preview(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *rows;
	ListCell   *lc;

	ri_require_arg(fcinfo, 0, "stmt");
	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != DELETE_PREVIEW_COLS)
		elog(ERROR, "delete_preview() declared with %d result columns",
			 rsinfo->setDesc->natts);

	rows = ri_delete_impact(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	foreach(lc, rows)
	{
		RiImpactRow *r = lfirst(lc);
		Datum		values[DELETE_PREVIEW_COLS];
		bool		nulls[DELETE_PREVIEW_COLS] = {0};
		NameData	fkname;

		CHECK_FOR_INTERRUPTS();
		values[0] = Int32GetDatum(r->step);
		values[1] = ObjectIdGetDatum(r->table);
		if (r->fk_name != NULL)
		{
			namestrcpy(&fkname, r->fk_name);
			values[2] = NameGetDatum(&fkname);
		}
		else
			nulls[2] = true;
		values[3] = CStringGetTextDatum(r->action);
		if (r->count >= 0)
			values[4] = Int64GetDatum(r->count);
		else
			nulls[4] = true;
		if (r->sample != NULL)
			values[5] = JsonbPGetDatum(r->sample);
		else
			nulls[5] = true;
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
	}
	return (Datum) 0;
}

/*
 * ri_audit.assert_delete_safe(stmt text) RETURNS void
 *
 * Raises the error PostgreSQL would raise for the first foreign key that
 * blocks the statement (23503 with PostgreSQL's message and DETAIL, and
 * the number of blocking rows in a HINT; for TRUNCATE, TRUNCATE's own
 * 0A000; for an UPDATE whose row no partition takes, the executor's 23514
 * with no HINT), preferring a key that blocks at once to one that blocks at
 * commit; returns quietly when nothing blocks.  Locks as delete_preview().
 */
Datum
ri_audit_assert_delete_safe(PG_FUNCTION_ARGS)
{
	List	   *rows;
	ListCell   *lc;
	RiImpactRow *first = NULL;
	int64		total = 0;

	ri_require_arg(fcinfo, 0, "stmt");
	rows = ri_delete_impact(text_to_cstring(PG_GETARG_TEXT_PP(0)));
	foreach(lc, rows)
	{
		RiImpactRow *r = lfirst(lc);

		if (r->block == RI_IMPACT_NO_BLOCK)
			continue;
		if (r->count > 0)
			total += r->count;
		if (first == NULL ||
			(first->block == RI_IMPACT_BLOCKS_AT_COMMIT &&
			 r->block == RI_IMPACT_BLOCKS))
			first = r;
	}
	if (first == NULL)
		PG_RETURN_VOID();

	/* the statement's own errors other than 23503 carry their own HINT */
	if (first->hint != NULL ||
		first->sqlstate != ERRCODE_FOREIGN_KEY_VIOLATION)
		ereport(ERROR,
				(errcode(first->sqlstate),
				 errmsg_internal("%s", first->message),
				 first->detail ? errdetail_internal("%s", first->detail) : 0,
				 first->hint ? errhint("%s", first->hint) : 0));
	ereport(ERROR,
			(errcode(first->sqlstate),
			 errmsg_internal("%s", first->message),
			 errdetail_internal("%s", first->detail),
			 errhint_plural("%lld referencing row in all blocks the statement.",
							"%lld referencing rows in all block the statement.",
							(unsigned long) total, (long long) total)));
	PG_RETURN_VOID();
}
