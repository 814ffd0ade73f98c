/*-------------------------------------------------------------------------
 *
 * validate_api.c
 *	  SQL entry points validate() and validate_all(): check NOT VALID
 *	  foreign keys for orphans, and validate the clean ones with
 *	  PostgreSQL's own command (src/engine/validate_key.c says how).
 *
 * Statuses: 'already valid' (nothing checked, orphan_count NULL), 'orphans',
 * 'would validate', 'validated', 'lock timeout', and from validate_all()
 * 'skipped: <reason>' for keys the caller may not check or alter.
 *
 * Locks: AccessShareLock on both tables for the check; when validating,
 * whatever ALTER TABLE ... VALIDATE CONSTRAINT takes
 * (ShareUpdateExclusiveLock on the referencing table, RowShareLock on the
 * referenced one), held to end of transaction.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/validate_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "datatype/timestamp.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/timestamp.h"

#include "ri_orphan_scan.h"

PG_FUNCTION_INFO_V1(ri_audit_validate);
PG_FUNCTION_INFO_V1(ri_audit_validate_all);

/* Result columns of validate() and validate_all(). */
#define VALIDATE_COLS	5

static char *lock_timeout_arg(FunctionCallInfo fcinfo, int argno);
static void put_result_row(ReturnSetInfo *rsinfo, const FkInfo *fk,
						   const RiValidateResult *res);
static void check_common_args(FunctionCallInfo fcinfo, int first);

/*
 * lock_timeout_arg
 *		The interval argument as a lock_timeout setting in milliseconds.
 *		Zero means no limit, as for the GUC; negative or too large: 22023.
 */
static char *
lock_timeout_arg(FunctionCallInfo fcinfo, int argno)
{
	Interval   *iv = PG_GETARG_INTERVAL_P(argno);
	double		ms;

	ms = ((double) iv->time +
		  (double) iv->day * USECS_PER_DAY +
		  (double) iv->month * DAYS_PER_MONTH * USECS_PER_DAY) / 1000.0;
	if (ms < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lock_timeout must not be negative")));
	if (ms > INT_MAX)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("lock_timeout must be less than %d milliseconds",
						INT_MAX)));
	/* round up a positive fraction of a millisecond rather than to 0 */
	if (ms > 0 && ms < 1)
		ms = 1;
	return psprintf("%d", (int) ms);
}

/*
 * put_result_row
 *		(fk, fk_name, table_name, status, orphan_count)
 */
static void
put_result_row(ReturnSetInfo *rsinfo, const FkInfo *fk,
			   const RiValidateResult *res)
{
	Datum		values[VALIDATE_COLS];
	bool		nulls[VALIDATE_COLS] = {0};

	Assert(rsinfo->setDesc->natts == VALIDATE_COLS);

	values[0] = ObjectIdGetDatum(fk->conoid);
	values[1] = NameGetDatum(&fk->conname);
	values[2] = ObjectIdGetDatum(fk->fk_relid);
	values[3] = CStringGetTextDatum(res->status);
	values[4] = Int64GetDatum(res->orphan_count);
	nulls[4] = res->count_null;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * check_common_args
 *		dry_run and lock_timeout (arguments first, first + 1) must not be
 *		NULL.
 */
static void
check_common_args(FunctionCallInfo fcinfo, int first)
{
	ri_require_arg(fcinfo, first, "dry_run");
	ri_require_arg(fcinfo, first + 1, "lock_timeout");
}

/*
 * ri_audit.validate(fk oid, dry_run boolean DEFAULT true,
 *					 lock_timeout interval DEFAULT '5s')
 *		RETURNS TABLE (fk oid, fk_name name, table_name regclass,
 *					   status text, orphan_count bigint)
 *
 * Check foreign key fk for orphans and, unless dry_run, validate it when
 * clean.  Acquires AccessShareLock on both tables, and when validating,
 * what ALTER TABLE ... VALIDATE CONSTRAINT acquires.  ERROR 42501 when the
 * caller may not check the key, and ALTER TABLE's own errors (e.g. not the
 * owner) when validating.
 */
Datum
ri_audit_validate(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	FkInfo		fk;
	RiValidateResult res;
	char	   *lock_timeout;

	ri_require_arg(fcinfo, 0, "fk");
	check_common_args(fcinfo, 1);
	lock_timeout = lock_timeout_arg(fcinfo, 2);

	InitMaterializedSRF(fcinfo, 0);
	ri_fk_read(PG_GETARG_OID(0), &fk, false);
	(void) ri_validate_key(&fk, PG_GETARG_BOOL(1), lock_timeout, false, &res);
	put_result_row(rsinfo, &fk, &res);
	return (Datum) 0;
}

/*
 * ri_audit.validate_all(dry_run boolean DEFAULT true,
 *						 lock_timeout interval DEFAULT '5s')
 *		RETURNS TABLE (fk oid, fk_name name, table_name regclass,
 *					   status text, orphan_count bigint)
 *
 * validate() for every NOT VALID top-level foreign key of the database, by
 * schema, table and constraint name; keys the caller may not check (or,
 * when not a dry run, not alter) get a 'skipped: ...' row.  Locks as
 * validate(), one key at a time, all held to end of transaction.
 */
Datum
ri_audit_validate_all(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *conoids;
	ListCell   *lc;
	char	   *lock_timeout;
	bool		dry_run;

	check_common_args(fcinfo, 0);
	dry_run = PG_GETARG_BOOL(0);
	lock_timeout = lock_timeout_arg(fcinfo, 1);

	InitMaterializedSRF(fcinfo, 0);
	conoids = ri_fk_list(NIL, true);
	foreach(lc, conoids)
	{
		FkInfo		fk;
		RiValidateResult res;

		CHECK_FOR_INTERRUPTS();
		/* skip keys dropped since they were listed */
		if (!ri_fk_read(lfirst_oid(lc), &fk, true))
			continue;
		if (ri_validate_key(&fk, dry_run, lock_timeout, true, &res))
			put_result_row(rsinfo, &fk, &res);
	}
	return (Datum) 0;
}
