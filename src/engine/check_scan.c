/*-------------------------------------------------------------------------
 *
 * check_scan.c
 *	  The rows that violate a CHECK or domain constraint, found as
 *	  PostgreSQL's own VALIDATE CONSTRAINT finds them.
 *
 * For each table the constraint is checked on (check_catalog.c's targets),
 * the table is read with a heap scan under the active snapshot, and the
 * constraint's own expression (conbin of that table's copy) is evaluated
 * in an executor expression state of our own, exactly as ATRewriteTable()
 * and validateDomainConstraint() evaluate it: ExecPrepareExpr(), then for a
 * table's constraint ExecCheck() (a NULL result passes), for a domain's
 * the expression with the column value as CoerceToDomainValue, for each
 * column of the domain (a NULL result passes).  No SQL text is built.  A
 * row is a violation when the check fails; an expression that raises an
 * error (division by zero, a volatile function's own error) raises that
 * error, with a context line naming the constraint, the table and the
 * row's ctid, as PostgreSQL's check would fail.
 *
 * The expression runs as the caller, or, when it calls another role's code
 * (owner_code.c), as the owner of the table scanned under
 * SECURITY_RESTRICTED_OPERATION (ri_become_owner); check_catalog.c has
 * refused the targets where that would not be exact.  Violating rows are
 * handed to the caller's callback, which runs in a per-row memory context
 * reset after each row.
 *
 * Locks: none of its own; the targets were locked (AccessShareLock) by
 * ri_check_targets().
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/check_scan.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "executor/executor.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "ri_check.h"
#include "ri_owner_code.h"

/* What the error context callback names. */
typedef struct CheckScanErrArg
{
	const RiCheckInfo *ci;		/* the constraint */
	Relation	rel;			/* the table scanned */
	TupleTableSlot *slot;		/* the row being checked */
	int			attidx;			/* domain column index, or -1 */
	const RiCheckTarget *t;		/* the target */
} CheckScanErrArg;

static void check_scan_error_callback(void *arg);
static int64 scan_target(const RiCheckInfo *ci, const RiCheckTarget *t,
						 int64 max_rows, RiCheckRowFn fn, void *arg,
						 bool *stop, int64 *rows_scanned);

/*
 * check_scan_error_callback
 *		"checking row (0,3) of table "t" for check constraint "c"".
 */
static void
check_scan_error_callback(void *arg)
{
	CheckScanErrArg *ea = (CheckScanErrArg *) arg;
	char	   *tid;

	tid = DatumGetCString(DirectFunctionCall1(tidout,
											  PointerGetDatum(&ea->slot->tts_tid)));
	if (ea->attidx >= 0)
		errcontext("checking column \"%s\" of row %s of table \"%s\" for constraint \"%s\" of domain %s",
				   NameStr(TupleDescAttr(RelationGetDescr(ea->rel),
										 ea->t->atts[ea->attidx] - 1)->attname),
				   tid, RelationGetRelationName(ea->rel),
				   NameStr(ea->ci->conname), format_type_be(ea->ci->typid));
	else
		errcontext("checking row %s of table \"%s\" for check constraint \"%s\"",
				   tid, RelationGetRelationName(ea->rel),
				   NameStr(ea->ci->conname));
}

/*
 * scan_target
 *		Scan one target; see the file header.  Returns the violations
 *		found; *stop is set when max_rows (0: no limit) was reached or fn
 *		asked to stop.
 */
static int64
scan_target(const RiCheckInfo *ci, const RiCheckTarget *t, int64 max_rows,
			RiCheckRowFn fn, void *arg, bool *stop, int64 *rows_scanned)
{
	Relation	rel;
	Oid			scan_role;
	RiOwnerSwitch owner_switch;
	EState	   *estate;
	ExprContext *econtext;
	ExprState  *exprstate;
	TupleTableSlot *slot;
	TableScanDesc scan;
	ErrorContextCallback errcb;
	CheckScanErrArg errarg;
	bool		is_domain = !OidIsValid(ci->relid);
	int64		found = 0;

	/* ri_check_targets() locked it */
	rel = table_open(t->relid, NoLock);

	scan_role = ri_check_scan_role(t);
	if (OidIsValid(scan_role))
		ri_become_owner(scan_role, &owner_switch);

	estate = CreateExecutorState();
	econtext = GetPerTupleExprContext(estate);
	exprstate = ExecPrepareExpr((Expr *) copyObject(t->expr), estate);

	slot = table_slot_create(rel, NULL);
	/* no synchronized scan: rows come in block order, every time */
	scan = table_beginscan_strat(rel, GetActiveSnapshot(), 0, NULL,
								 true, false);

	errarg.ci = ci;
	errarg.rel = rel;
	errarg.slot = slot;
	errarg.attidx = -1;
	errarg.t = t;
	errcb.callback = check_scan_error_callback;
	errcb.arg = &errarg;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	while (!*stop &&
		   table_scan_getnextslot(scan, ForwardScanDirection, slot))
	{
		CHECK_FOR_INTERRUPTS();
		if (rows_scanned)
			(*rows_scanned)++;
		econtext->ecxt_scantuple = slot;

		for (int i = 0; i < (is_domain ? t->natts : 1) && !*stop; i++)
		{
			bool		violated;

			if (is_domain)
			{
				Datum		d;
				bool		isnull;
				Datum		result;

				errarg.attidx = i;
				d = slot_getattr(slot, t->atts[i], &isnull);
				econtext->domainValue_datum = d;
				econtext->domainValue_isNull = isnull;
				result = ExecEvalExprSwitchContext(exprstate, econtext,
												   &isnull);
				violated = !isnull && !DatumGetBool(result);
			}
			else
				violated = !ExecCheck(exprstate, econtext);

			if (violated)
			{
				MemoryContext old;
				bool		go_on;

				found++;
				old = MemoryContextSwitchTo(econtext->ecxt_per_tuple_memory);
				go_on = fn(arg, t, is_domain ? i : -1, slot);
				MemoryContextSwitchTo(old);
				if (!go_on || (max_rows > 0 && found >= max_rows))
					*stop = true;
			}
		}
		errarg.attidx = -1;
		ResetExprContext(econtext);
	}

	error_context_stack = errcb.previous;
	table_endscan(scan);
	ExecDropSingleTupleTableSlot(slot);
	FreeExecutorState(estate);
	if (OidIsValid(scan_role))
		ri_restore_caller(&owner_switch);
	table_close(rel, NoLock);
	return found;
}

/*
 * ri_check_scan
 *		Hand every row violating ci on the targets (a List of RiCheckTarget)
 *		to fn, at most max_rows (0: all); with only_not_validated, only on
 *		the targets whose copy of the constraint is not validated, as VALIDATE
 *		CONSTRAINT checks.  Returns the violations found; *rows_scanned, when
 *		not NULL, is increased by the rows read.
 */
int64
ri_check_scan(const RiCheckInfo *ci, List *targets, bool only_not_validated,
			  int64 max_rows, RiCheckRowFn fn, void *arg, int64 *rows_scanned)
{
	ListCell   *lc;
	int64		found = 0;
	bool		stop = false;

	foreach(lc, targets)
	{
		RiCheckTarget *t = lfirst(lc);

		CHECK_FOR_INTERRUPTS();
		if (only_not_validated && t->validated)
			continue;
		found += scan_target(ci, t, max_rows > 0 ? max_rows - found : 0,
							 fn, arg, &stop, rows_scanned);
		if (stop)
			break;
	}
	return found;
}

/*
 * ri_check_row_jsonb
 *		A violating row as a jsonb object of the columns the check reads
 *		(for a domain, the one column checked), in column order, rendered
 *		without running foreign code (ri_key_jsonb).  Allocated in the
 *		current memory context.
 */
Jsonb *
ri_check_row_jsonb(const RiCheckTarget *t, int attidx, TupleTableSlot *slot)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	TupleDesc	desc = slot->tts_tupleDescriptor;
	int			first = attidx >= 0 ? attidx : 0;
	int			last = attidx >= 0 ? attidx + 1 : t->natts;

	(void) pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = first; i < last; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, t->atts[i] - 1);
		JsonbValue	k;
		JsonbValue	v;
		bool		isnull;
		Datum		d;

		k.type = jbvString;
		k.val.string.val = NameStr(att->attname);
		k.val.string.len = strlen(k.val.string.val);
		(void) pushJsonbValue(&state, WJB_KEY, &k);

		d = slot_getattr(slot, t->atts[i], &isnull);
		if (isnull)
			v.type = jbvNull;
		else
		{
			RiKeyRenderer r;
			Jsonb	   *jb;

			ri_key_jsonb_init(att->atttypid, &r, CurrentMemoryContext);
			jb = ri_key_jsonb(&r, d);
			if (JB_ROOT_IS_SCALAR(jb))
				(void) JsonbExtractScalar(&jb->root, &v);
			else
				JsonbToJsonbValue(jb, &v);
		}
		(void) pushJsonbValue(&state, WJB_VALUE, &v);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	return JsonbValueToJsonb(res);
}
