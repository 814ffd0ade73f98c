/*-------------------------------------------------------------------------
 *
 * validate.c
 *	  validate() and validate_all(): check NOT VALID foreign keys for
 *	  orphans, and validate the clean ones with PostgreSQL's own command.
 *
 * For each NOT VALID top-level foreign key, the orphans are counted first
 * (orphans.c, AccessShareLock on both tables, concurrent writes go on).
 * With orphans the key is left alone ('orphans'); without, a dry run says
 * 'would validate', and a real run executes
 *
 *		ALTER TABLE schema.table VALIDATE CONSTRAINT name
 *
 * through SPI, so the server itself re-checks the rows and sets
 * convalidated.  The command runs as the table's owner, under
 * SECURITY_RESTRICTED_OPERATION, once the caller has passed ALTER TABLE's
 * ownership check (a superuser, or a member of the owning role): the check
 * it makes may run code the owner wrote (a cast or an operator's function
 * in the key comparison), which must not run with the caller's rights.  It
 * keeps all of ALTER TABLE's rules: ownership of the table,
 * ShareUpdateExclusiveLock on the referencing table and RowShareLock on the
 * referenced one, and PostgreSQL's handling of partitioned tables.  The
 * command runs in a subtransaction with lock_timeout set to the caller's
 * value (restored afterwards); when its lock cannot be had in time the
 * subtransaction is rolled back, nothing changes, and the status is
 * 'lock timeout'.  Other errors propagate, except that validate_all() turns
 * a privilege error of one key into a 'skipped: ...' row and goes on.
 *
 * Statuses: 'already valid' (nothing checked, orphan_count NULL), 'orphans',
 * 'would validate', 'validated', 'lock timeout', and from validate_all()
 * 'skipped: <reason>' for keys the caller may not check or alter.
 *
 * Locks: AccessShareLock on both tables for the check; when validating,
 * whatever ALTER TABLE ... VALIDATE CONSTRAINT takes (see above), held to
 * end of transaction.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/validate.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "datatype/timestamp.h"
#include "executor/spi.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/resowner.h"
#include "utils/timestamp.h"

#include "ri_audit.h"

PG_FUNCTION_INFO_V1(ri_audit_validate);
PG_FUNCTION_INFO_V1(ri_audit_validate_all);

/* The outcome for one foreign key. */
typedef struct ValidateResult
{
	char	   *status;			/* one of the statuses in the header */
	int64		orphan_count;	/* orphans found */
	bool		count_null;		/* orphan_count not computed */
} ValidateResult;

static char *lock_timeout_arg(FunctionCallInfo fcinfo, int argno);
static bool run_validate_command(const FkInfo *fk, const char *lock_timeout,
								 bool skip_privilege_errors,
								 char **skip_reason);
static bool validate_one(FkInfo *fk, bool dry_run, const char *lock_timeout,
						 bool skip_unchecked, ValidateResult *res);
static void put_result_row(ReturnSetInfo *rsinfo, const FkInfo *fk,
						   const ValidateResult *res);
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
 * run_validate_command
 *		Run ALTER TABLE ... VALIDATE CONSTRAINT for *fk in a subtransaction
 *		with the given lock_timeout.  Returns true when it committed, false
 *		when it timed out on a lock (then nothing changed).  With
 *		skip_privilege_errors, a 42501 error is also caught: *skip_reason is
 *		set to its message and false returned.
 */
static bool
run_validate_command(const FkInfo *fk, const char *lock_timeout,
					 bool skip_privilege_errors, char **skip_reason)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	char	   *relname = get_rel_name(fk->fk_relid);
	char	   *cmd;
	bool		done = false;

	*skip_reason = NULL;
	cmd = psprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s",
				   quote_qualified_identifier(get_namespace_name(get_rel_namespace(fk->fk_relid)),
											  relname),
				   quote_identifier(NameStr(fk->conname)));

	BeginInternalSubTransaction(NULL);
	MemoryContextSwitchTo(oldcxt);

	PG_TRY();
	{
		RiOwnerSwitch owner_switch;
		bool		as_owner;
		int			save_nestlevel;

		/*
		 * Once the caller has passed ALTER TABLE's ownership check, run the
		 * command as the table's owner: the check it makes may run code the
		 * owner wrote.  A caller who is not an owner gets ALTER TABLE's own
		 * error.
		 */
		as_owner = pg_class_ownercheck(fk->fk_relid, GetUserId());
		if (as_owner)
			ri_become_owner(ri_rel_owner(fk->fk_relid), &owner_switch);
		save_nestlevel = NewGUCNestLevel();

		(void) set_config_option("lock_timeout", lock_timeout,
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		(void) set_config_option("search_path", "pg_catalog, pg_temp",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
		if (SPI_connect() != SPI_OK_CONNECT)
			elog(ERROR, "SPI_connect failed");
		if (SPI_execute(cmd, false, 0) != SPI_OK_UTILITY)
			elog(ERROR, "SPI_execute failed: %s", cmd);
		if (SPI_finish() != SPI_OK_FINISH)
			elog(ERROR, "SPI_finish failed");
		AtEOXact_GUC(true, save_nestlevel);
		if (as_owner)
			ri_restore_caller(&owner_switch);

		ReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;
		done = true;
	}
	PG_CATCH();
	{
		ErrorData  *edata;

		/* Roll the subtransaction back first, whatever the error. */
		MemoryContextSwitchTo(oldcxt);
		edata = CopyErrorData();
		FlushErrorState();
		RollbackAndReleaseCurrentSubTransaction();
		MemoryContextSwitchTo(oldcxt);
		CurrentResourceOwner = oldowner;

		if (edata->sqlerrcode != ERRCODE_LOCK_NOT_AVAILABLE &&
			!(skip_privilege_errors &&
			  edata->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE))
			ReThrowError(edata);
		if (edata->sqlerrcode == ERRCODE_INSUFFICIENT_PRIVILEGE)
			*skip_reason = pstrdup(edata->message);
		FreeErrorData(edata);
	}
	PG_END_TRY();

	return done;
}

/*
 * validate_one
 *		The work for one foreign key; see the file header.  With
 *		skip_unchecked (validate_all), keys the caller may not check or
 *		alter give a 'skipped: ...' status instead of an error, and a key
 *		dropped concurrently makes it return false (no result).
 */
static bool
validate_one(FkInfo *fk, bool dry_run, const char *lock_timeout,
			 bool skip_unchecked, ValidateResult *res)
{
	Oid			relid;
	RiAccessProblem problem;
	char	   *skip_reason;

	res->orphan_count = 0;
	res->count_null = true;

	if (fk->convalidated)
	{
		res->status = "already valid";
		return true;
	}

	problem = ri_fk_access(fk, &relid);
	if (problem == RI_ACCESS_OK)
	{
		if (!ri_fk_lock(fk, skip_unchecked))
			return false;
		problem = ri_fk_access(fk, &relid);
	}
	if (problem != RI_ACCESS_OK)
	{
		if (!skip_unchecked)
			ri_fk_require_access(fk);
		res->status = psprintf("skipped: %s",
							   ri_fk_access_reason(fk, problem, relid));
		return true;
	}
	if (fk->convalidated)		/* validated while we waited for the lock */
	{
		res->status = "already valid";
		return true;
	}

	res->orphan_count = ri_count_orphans(fk);
	res->count_null = false;
	if (res->orphan_count > 0)
		res->status = "orphans";
	else if (dry_run)
		res->status = "would validate";
	else if (run_validate_command(fk, lock_timeout, skip_unchecked,
								  &skip_reason))
		res->status = "validated";
	else if (skip_reason)
		res->status = psprintf("skipped: %s", skip_reason);
	else
		res->status = "lock timeout";
	return true;
}

/*
 * put_result_row
 *		(fk, fk_name, table_name, status, orphan_count)
 */
static void
put_result_row(ReturnSetInfo *rsinfo, const FkInfo *fk,
			   const ValidateResult *res)
{
	Datum		values[5];
	bool		nulls[5] = {false, false, false, false, false};

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
	if (PG_ARGISNULL(first))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("dry_run cannot be null")));
	if (PG_ARGISNULL(first + 1))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("lock_timeout cannot be null")));
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
	ValidateResult res;
	char	   *lock_timeout;

	if (PG_ARGISNULL(0))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("fk cannot be null")));
	check_common_args(fcinfo, 1);
	lock_timeout = lock_timeout_arg(fcinfo, 2);

	InitMaterializedSRF(fcinfo, 0);
	ri_fk_read(PG_GETARG_OID(0), &fk, false);
	(void) validate_one(&fk, PG_GETARG_BOOL(1), lock_timeout, false, &res);
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
		ValidateResult res;

		CHECK_FOR_INTERRUPTS();
		/* skip keys dropped since they were listed */
		if (!ri_fk_read(lfirst_oid(lc), &fk, true))
			continue;
		if (validate_one(&fk, dry_run, lock_timeout, true, &res))
			put_result_row(rsinfo, &fk, &res);
	}
	return (Datum) 0;
}
