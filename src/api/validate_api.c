/*-------------------------------------------------------------------------
 *
 * validate_api.c
 *	  SQL entry points validate() and validate_all(): check NOT VALID
 *	  constraints (foreign keys for orphans, CHECK and domain constraints
 *	  for violating rows), and validate the clean ones with PostgreSQL's
 *	  own command (src/engine/validate_key.c and validate_check.c say how).
 *
 * Two generations of declarations are served.  1.0's and 1.1's
 * (ri_audit_validate, ri_audit_validate_all): foreign keys only, columns
 * (fk, fk_name, table_name, status, orphan_count), status 'skipped:
 * <reason>' in one text.  1.2's (ri_audit_validate_con,
 * ri_audit_validate_by_name, ri_audit_validate_tables): every kind of
 * constraint, columns (con, con_name, constraint_type, table_name,
 * domain_name, status, reason, violation_count), status a stable code
 * ('already valid', 'orphans', 'violations', 'would validate',
 * 'validated', 'lock timeout', 'skipped') and the text in reason;
 * lock_timeout NULL keeps the session's setting; strict raises for a
 * constraint left NOT VALID.
 *
 * Locks: AccessShareLock on the tables checked; when validating, whatever
 * ALTER TABLE / ALTER DOMAIN ... VALIDATE CONSTRAINT takes
 * (ShareUpdateExclusiveLock on the referencing table and RowShareLock on
 * the referenced one for a foreign key; ShareUpdateExclusiveLock on the
 * table and its children for a CHECK; ShareLock on a domain's tables),
 * held to end of transaction.
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
#include "catalog/pg_constraint.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "ri_check.h"
#include "ri_orphan_scan.h"

PG_FUNCTION_INFO_V1(ri_audit_validate);
PG_FUNCTION_INFO_V1(ri_audit_validate_all);
PG_FUNCTION_INFO_V1(ri_audit_validate_con);
PG_FUNCTION_INFO_V1(ri_audit_validate_by_name);
PG_FUNCTION_INFO_V1(ri_audit_validate_tables);

/* Result columns of 1.0's and 1.1's validate() and validate_all(). */
#define VALIDATE_COLS	5
/* Result columns of 1.2's. */
#define VALIDATE_1_2_COLS	8

/* One constraint validate() looked at, for its result row. */
typedef struct ValidatedCon
{
	Oid			conoid;			/* the constraint */
	NameData	conname;		/* its name */
	const char *kind;			/* 'foreign key', 'check' or 'domain check' */
	Oid			relid;			/* its table, or InvalidOid */
	Oid			typid;			/* its domain, or InvalidOid */
} ValidatedCon;

static char *lock_timeout_arg(FunctionCallInfo fcinfo, int argno);
static void put_result_row(ReturnSetInfo *rsinfo, const FkInfo *fk,
						   const RiValidateResult *res);
static void check_common_args(FunctionCallInfo fcinfo, int first);
static bool validate_one(Oid conoid, bool dry_run, const char *lock_timeout,
						 bool skip_unchecked, bool strict,
						 ReturnSetInfo *rsinfo);
static void raise_not_validated(const ValidatedCon *vc,
								const RiValidateResult *res);
static void put_result_row_1_2(ReturnSetInfo *rsinfo, const ValidatedCon *vc,
							   const RiValidateResult *res);

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
	values[3] = CStringGetTextDatum(res->reason ?
									psprintf("%s: %s", res->status, res->reason) :
									res->status);
	values[4] = Int64GetDatum(res->violation_count);
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

/*
 * put_result_row_1_2
 *		(con, con_name, constraint_type, table_name, domain_name, status,
 *		 reason, violation_count)
 */
static void
put_result_row_1_2(ReturnSetInfo *rsinfo, const ValidatedCon *vc,
				   const RiValidateResult *res)
{
	Datum		values[VALIDATE_1_2_COLS];
	bool		nulls[VALIDATE_1_2_COLS] = {0};

	if (rsinfo->setDesc->natts != VALIDATE_1_2_COLS)
		elog(ERROR, "validate() declared with %d result columns, expected %d",
			 rsinfo->setDesc->natts, VALIDATE_1_2_COLS);
	values[0] = ObjectIdGetDatum(vc->conoid);
	values[1] = NameGetDatum(&vc->conname);
	values[2] = CStringGetTextDatum(vc->kind);
	values[3] = ObjectIdGetDatum(vc->relid);
	nulls[3] = !OidIsValid(vc->relid);
	values[4] = ObjectIdGetDatum(vc->typid);
	nulls[4] = !OidIsValid(vc->typid);
	values[5] = CStringGetTextDatum(res->status);
	if (res->reason)
		values[6] = CStringGetTextDatum(res->reason);
	else
		nulls[6] = true;
	values[7] = Int64GetDatum(res->violation_count);
	nulls[7] = res->count_null;
	tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
}

/*
 * raise_not_validated
 *		strict: the error for a constraint left NOT VALID (statuses
 *		'orphans', 'violations', 'lock timeout', 'skipped'); nothing for
 *		the others.
 */
static void
raise_not_validated(const ValidatedCon *vc, const RiValidateResult *res)
{
	const char *what = OidIsValid(vc->relid) ?
		psprintf("%s constraint \"%s\" of relation \"%s\"",
				 vc->kind[0] == 'f' ? "foreign key" : "check",
				 NameStr(vc->conname), get_rel_name(vc->relid)) :
		psprintf("constraint \"%s\" of domain %s", NameStr(vc->conname),
				 format_type_be(vc->typid));

	if (strcmp(res->status, "orphans") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_FOREIGN_KEY_VIOLATION),
				 errmsg_plural("%s was not validated: " INT64_FORMAT " orphan",
							   "%s was not validated: " INT64_FORMAT " orphans",
							   res->violation_count,
							   what, res->violation_count),
				 errhint("List them with ri_audit.orphans().")));
	else if (strcmp(res->status, "violations") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_CHECK_VIOLATION),
				 errmsg_plural("%s was not validated: " INT64_FORMAT " violating row",
							   "%s was not validated: " INT64_FORMAT " violating rows",
							   res->violation_count,
							   what, res->violation_count),
				 errhint("List them with ri_audit.check_violations().")));
	else if (strcmp(res->status, "lock timeout") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_LOCK_NOT_AVAILABLE),
				 errmsg("%s was not validated: its lock could not be acquired within lock_timeout",
						what)));
	else if (strcmp(res->status, "skipped") == 0)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("%s was not validated: %s", what,
						res->reason ? res->reason : "skipped")));
}

/*
 * validate_one
 *		validate() of one constraint of any kind, its result row put into
 *		rsinfo.  Returns false when it was dropped concurrently (only with
 *		skip_unchecked: then no row).
 */
static bool
validate_one(Oid conoid, bool dry_run, const char *lock_timeout,
			 bool skip_unchecked, bool strict, ReturnSetInfo *rsinfo)
{
	RiValidateResult res;
	ValidatedCon vc;
	char		contype = ri_constraint_type(conoid);

	if (contype != '\0' && contype != CONSTRAINT_CHECK &&
		contype != CONSTRAINT_FOREIGN)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("constraint \"%s\" is not a foreign key or check constraint",
						get_constraint_name(conoid))));
	if (contype == CONSTRAINT_CHECK)
	{
		RiCheckInfo ci;

		if (!ri_check_read(conoid, &ci, skip_unchecked))
			return false;
		vc.conoid = ci.conoid;
		vc.conname = ci.conname;
		vc.relid = ci.relid;
		vc.typid = ci.typid;
		vc.kind = OidIsValid(ci.relid) ? "check" : "domain check";
		ri_validate_check(&ci, dry_run, lock_timeout, skip_unchecked, &res);
	}
	else
	{
		FkInfo		fk;

		if (!ri_fk_read(conoid, &fk, skip_unchecked))
			return false;
		vc.conoid = fk.conoid;
		vc.conname = fk.conname;
		vc.relid = fk.fk_relid;
		vc.typid = InvalidOid;
		vc.kind = "foreign key";
		if (!ri_validate_key(&fk, dry_run, lock_timeout, skip_unchecked, &res))
			return false;
	}
	if (strict)
		raise_not_validated(&vc, &res);
	put_result_row_1_2(rsinfo, &vc, &res);
	return true;
}

/*
 * lock_timeout_arg_1_2
 *		NULL: the session's setting (no change); else as lock_timeout_arg.
 */
static char *
lock_timeout_arg_1_2(FunctionCallInfo fcinfo, int argno)
{
	return PG_ARGISNULL(argno) ? NULL : lock_timeout_arg(fcinfo, argno);
}

/*
 * ri_audit.validate(con oid, dry_run boolean DEFAULT true,
 *					 lock_timeout interval DEFAULT NULL,
 *					 strict boolean DEFAULT false)
 *		RETURNS TABLE (con oid, con_name name, constraint_type text,
 *					   table_name regclass, domain_name regtype, status text,
 *					   reason text, violation_count bigint)
 *
 * Check NOT VALID constraint con (a foreign key, a table's or a domain's
 * CHECK constraint) and, unless dry_run, validate it when clean.  A NULL
 * lock_timeout keeps the session's setting.  With strict, a constraint
 * left NOT VALID raises 23503 (orphans), 23514 (violations), 55P03 (lock
 * timeout) or 42501 (skipped).  Locks: AccessShareLock on the tables
 * checked, and when validating what VALIDATE CONSTRAINT takes.
 */
Datum
ri_audit_validate_con(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;

	ri_require_arg(fcinfo, 0, "con");
	ri_require_arg(fcinfo, 1, "dry_run");
	ri_require_arg(fcinfo, 3, "strict");
	InitMaterializedSRF(fcinfo, 0);
	(void) validate_one(PG_GETARG_OID(0), PG_GETARG_BOOL(1),
						lock_timeout_arg_1_2(fcinfo, 2), false,
						PG_GETARG_BOOL(3), rsinfo);
	return (Datum) 0;
}

/*
 * ri_audit.validate(table_name regclass, con_name name,
 *					 dry_run boolean DEFAULT true,
 *					 lock_timeout interval DEFAULT NULL,
 *					 strict boolean DEFAULT false)
 *
 * The same, naming the constraint by its table and name (PostgreSQL's
 * lookup: 42704 when the table has no such constraint).
 */
Datum
ri_audit_validate_by_name(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Oid			conoid;

	ri_require_arg(fcinfo, 0, "table_name");
	ri_require_arg(fcinfo, 1, "con_name");
	ri_require_arg(fcinfo, 2, "dry_run");
	ri_require_arg(fcinfo, 4, "strict");
	conoid = ri_constraint_lookup(PG_GETARG_OID(0),
								  NameStr(*PG_GETARG_NAME(1)));
	InitMaterializedSRF(fcinfo, 0);
	(void) validate_one(conoid, PG_GETARG_BOOL(2),
						lock_timeout_arg_1_2(fcinfo, 3), false,
						PG_GETARG_BOOL(4), rsinfo);
	return (Datum) 0;
}

/*
 * ri_audit.validate_all(tables regclass[] DEFAULT NULL,
 *						 dry_run boolean DEFAULT true,
 *						 lock_timeout interval DEFAULT NULL,
 *						 strict boolean DEFAULT false)
 *
 * validate() for every NOT VALID top-level foreign key and CHECK
 * constraint of the given tables (NULL: every table, and every domain's
 * NOT VALID constraints): foreign keys by schema, table and name, then
 * tables' CHECK constraints, then domains'.  Constraints the caller may not
 * check or alter get status 'skipped' and a reason (with strict: 42501).
 * With strict, the first constraint left NOT VALID raises its error, and
 * the transaction, with the validations done before it, rolls back.
 * Locks as validate(), one constraint at a time, held to end of
 * transaction.
 */
Datum
ri_audit_validate_tables(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *relids = NIL;
	List	   *conoids;
	ListCell   *lc;
	char	   *lock_timeout;
	bool		dry_run;
	bool		strict;

	ri_require_arg(fcinfo, 1, "dry_run");
	ri_require_arg(fcinfo, 3, "strict");
	if (!PG_ARGISNULL(0))
	{
		relids = ri_regclass_array_arg(PG_GETARG_ARRAYTYPE_P(0), "tables");
		if (relids == NIL)
		{
			InitMaterializedSRF(fcinfo, 0);
			return (Datum) 0;
		}
	}
	dry_run = PG_GETARG_BOOL(1);
	lock_timeout = lock_timeout_arg_1_2(fcinfo, 2);
	strict = PG_GETARG_BOOL(3);

	InitMaterializedSRF(fcinfo, 0);
	conoids = list_concat(ri_fk_list(relids, true),
						  ri_check_list(relids, true, relids == NIL));
	foreach(lc, conoids)
	{
		CHECK_FOR_INTERRUPTS();
		(void) validate_one(lfirst_oid(lc), dry_run, lock_timeout, true,
							strict, rsinfo);
	}
	return (Datum) 0;
}
