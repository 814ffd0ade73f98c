/*-------------------------------------------------------------------------
 *
 * validate_check.c
 *	  Validating one NOT VALID CHECK or domain constraint: count the rows
 *	  VALIDATE CONSTRAINT would reject, then validate it, if clean, with
 *	  PostgreSQL's own command.
 *
 * The violations are counted by the check scan (check_scan.c) on the
 * tables VALIDATE CONSTRAINT would check: for a table's constraint the
 * table and its children whose copy is not yet validated (ALTER TABLE skips
 * the others), for a domain's every column of it.  With violations the
 * constraint is left alone ('violations'); without, a dry run says 'would
 * validate', and a real run executes
 *
 *		ALTER TABLE schema.table VALIDATE CONSTRAINT name
 *		ALTER DOMAIN schema.domain VALIDATE CONSTRAINT name
 *
 * through ri_run_validate_command() (validate_key.c): as the owner of the
 * table (or domain) under SECURITY_RESTRICTED_OPERATION once the caller
 * owns it, in a subtransaction with the caller's lock_timeout; a lock
 * timeout gives 'lock timeout'.  An expression that raises an error raises
 * it here as the check scan does, before any command runs.
 *
 * Locks: AccessShareLock on every table checked; when validating, what the
 * command takes (ShareUpdateExclusiveLock on the table and its children;
 * ShareLock on every table with a column of the domain), held to end of
 * transaction.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/validate_check.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "ri_check.h"
#include "ri_orphan_scan.h"

static bool count_row(void *arg, const RiCheckTarget *t, int attidx,
					  TupleTableSlot *slot);

/*
 * count_row
 *		RiCheckRowFn that only lets the scan count.
 */
static bool
count_row(void *arg, const RiCheckTarget *t, int attidx, TupleTableSlot *slot)
{
	return true;
}

/*
 * ri_validate_check
 *		The work for one CHECK or domain constraint; see the file header.
 *		With skip_unchecked (validate_all), one the caller may not check or
 *		alter gets 'skipped' and a reason instead of an error.
 */
void
ri_validate_check(RiCheckInfo *ci, bool dry_run, const char *lock_timeout,
				  bool skip_unchecked, RiValidateResult *res)
{
	List	   *targets;
	ListCell   *lc;
	char	   *cmd;
	char	   *skip_reason;
	bool		caller_owns;
	Oid			owner;

	res->violation_count = 0;
	res->count_null = true;
	res->reason = NULL;

	if (ci->convalidated)
	{
		res->status = "already valid";
		return;
	}

	targets = ri_check_targets(ci);
	if (ci->convalidated)		/* validated while we waited for the lock */
	{
		res->status = "already valid";
		return;
	}
	foreach(lc, targets)
	{
		RiCheckTarget *t = lfirst(lc);
		Oid			relid;
		RiAccessProblem problem;

		if (t->validated)
			continue;
		problem = ri_check_access(ci, t, &relid);
		if (problem == RI_ACCESS_OK)
			continue;
		if (!skip_unchecked)
			ri_check_require_access(ci, t);
		res->status = "skipped";
		res->reason = ri_check_access_reason(ci, t, problem, relid);
		return;
	}

	res->violation_count = ri_check_scan(ci, targets, true, 0, count_row,
										 NULL, NULL);
	res->count_null = false;
	if (res->violation_count > 0)
	{
		res->status = "violations";
		return;
	}
	if (dry_run)
	{
		res->status = "would validate";
		return;
	}

	if (OidIsValid(ci->relid))
	{
		cmd = psprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s",
					   ri_qualified_relname(ci->relid),
					   quote_identifier(NameStr(ci->conname)));
		caller_owns = pg_class_ownercheck(ci->relid, GetUserId());
		owner = ri_rel_owner(ci->relid);
	}
	else
	{
		HeapTuple	tup;

		cmd = psprintf("ALTER DOMAIN %s VALIDATE CONSTRAINT %s",
					   format_type_be_qualified(ci->typid),
					   quote_identifier(NameStr(ci->conname)));
		caller_owns = pg_type_ownercheck(ci->typid, GetUserId());
		tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(ci->typid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for type %u", ci->typid);
		owner = ((Form_pg_type) GETSTRUCT(tup))->typowner;
		ReleaseSysCache(tup);
	}

	if (ri_run_validate_command(cmd, caller_owns, owner, lock_timeout,
								skip_unchecked, &skip_reason))
		res->status = "validated";
	else if (skip_reason)
	{
		res->status = "skipped";
		res->reason = skip_reason;
	}
	else
		res->status = "lock timeout";
}
