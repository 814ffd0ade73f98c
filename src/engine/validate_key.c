/*-------------------------------------------------------------------------
 *
 * validate.c
 *	  Validating one NOT VALID foreign key: count its orphans, then validate
 *	  it, if clean, with PostgreSQL's own command.
 *
 * For each NOT VALID top-level foreign key, the orphans are counted first
 * (the orphan scan, AccessShareLock on both tables, concurrent writes go on).
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
 * value (restored afterwards; NULL keeps the session's); when its lock cannot be had in time the
 * subtransaction is rolled back, nothing changes, and the status is
 * 'lock timeout'.  Other errors propagate, except that validate_all() turns
 * a privilege error of one key into a 'skipped: ...' row and goes on.
 *
 * Statuses: 'already valid' (nothing checked, count NULL), 'orphans',
 * 'would validate', 'validated', 'lock timeout', and from validate_all()
 * 'skipped' (with a reason) for keys the caller may not check or alter.
 * ri_run_validate_command() serves CHECK and domain constraints too
 * (validate_check.c).  A NULL lock_timeout keeps the session's setting.
 *
 * Locks: AccessShareLock on both tables for the check; when validating,
 * whatever ALTER TABLE ... VALIDATE CONSTRAINT takes (see above), held to
 * end of transaction.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/validate_key.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "executor/spi.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"

#include "ri_orphan_scan.h"
#include "ri_owner_code.h"

/*
 * ri_run_validate_command
 *		Run cmd (ALTER TABLE or ALTER DOMAIN ... VALIDATE CONSTRAINT) in a
 *		subtransaction with the given lock_timeout (NULL: the session's
 *		setting), as role owner under SECURITY_RESTRICTED_OPERATION when the
 *		caller owns the object (caller_owns), else as the caller, who then
 *		gets PostgreSQL's own ownership error.  Returns true when it
 *		committed, false when it timed out on a lock (then nothing changed).
 *		With skip_privilege_errors, a 42501 error is also caught:
 *		*skip_reason is set to its message and false returned.
 */
bool
ri_run_validate_command(const char *cmd, bool caller_owns, Oid owner,
						const char *lock_timeout,
						bool skip_privilege_errors, char **skip_reason)
{
	MemoryContext oldcxt = CurrentMemoryContext;
	ResourceOwner oldowner = CurrentResourceOwner;
	bool		done = false;

	*skip_reason = NULL;

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
		as_owner = caller_owns;
		if (as_owner)
			ri_become_owner(owner, &owner_switch);
		save_nestlevel = NewGUCNestLevel();

		if (lock_timeout != NULL)
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
 * ri_validate_key
 *		The work for one foreign key; see the file header.  With
 *		skip_unchecked (validate_all), keys the caller may not check or
 *		alter give a 'skipped: ...' status instead of an error, and a key
 *		dropped concurrently makes it return false (no result).
 */
bool
ri_validate_key(FkInfo *fk, bool dry_run, const char *lock_timeout,
				bool skip_unchecked, RiValidateResult *res)
{
	Oid			relid;
	RiAccessProblem problem;
	char	   *skip_reason;

	res->violation_count = 0;
	res->count_null = true;
	res->reason = NULL;

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
		res->status = "skipped";
		res->reason = ri_fk_access_reason(fk, problem, relid);
		return true;
	}
	if (fk->convalidated)		/* validated while we waited for the lock */
	{
		res->status = "already valid";
		return true;
	}

	res->violation_count = ri_count_orphans(fk);
	res->count_null = false;
	if (res->violation_count > 0)
		res->status = "orphans";
	else if (dry_run)
		res->status = "would validate";
	else if (ri_run_validate_command(psprintf("ALTER TABLE %s VALIDATE CONSTRAINT %s",
											  ri_qualified_relname(fk->fk_relid),
											  quote_identifier(NameStr(fk->conname))),
									 pg_class_ownercheck(fk->fk_relid, GetUserId()),
									 ri_rel_owner(fk->fk_relid),
									 lock_timeout, skip_unchecked,
									 &skip_reason))
		res->status = "validated";
	else if (skip_reason)
	{
		res->status = "skipped";
		res->reason = skip_reason;
	}
	else
		res->status = "lock timeout";
	return true;
}
