/*-------------------------------------------------------------------------
 *
 * constraint_state.c
 *	  Whether the session's SET CONSTRAINTS state may differ from the
 *	  constraints' declared deferral, for delete_preview().
 *
 * PostgreSQL 15 keeps the state SET CONSTRAINTS sets (which deferrable
 * constraints are deferred now) in trigger.c's static afterTriggers.state,
 * with no function to read it; AfterTriggerPendingOnRel() and the like
 * answer other questions.  So ri_audit cannot know the state; it can know
 * that the state is the declared one: when no SET CONSTRAINTS command has
 * run in the current transaction.  A ProcessUtility hook sees every SET
 * CONSTRAINTS (typed, run by a function through SPI, or in a DO block) and
 * marks the transaction; the mark is cleared when the transaction ends.
 * When the module is loaded inside a transaction (its first function call
 * in the session, CREATE EXTENSION), a SET CONSTRAINTS may have run
 * before: that transaction is marked too.  A marked transaction is one
 * where the declared deferral may be wrong; nothing here is ever wrong the
 * other way (a SET CONSTRAINTS in a rolled-back subtransaction leaves the
 * mark: the answer is then "may differ", never a false "declared").
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/catalog/constraint_state.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/xact.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"

#include "ri_constraint_state.h"

static ProcessUtility_hook_type prev_ProcessUtility = NULL;

/* the current transaction may have run SET CONSTRAINTS */
static bool set_constraints_seen = false;

static void
ri_constraint_state_utility(PlannedStmt *pstmt, const char *queryString,
							bool readOnlyTree, ProcessUtilityContext context,
							ParamListInfo params, QueryEnvironment *queryEnv,
							DestReceiver *dest, QueryCompletion *qc)
{
	if (IsA(pstmt->utilityStmt, ConstraintsSetStmt))
		set_constraints_seen = true;
	if (prev_ProcessUtility)
		prev_ProcessUtility(pstmt, queryString, readOnlyTree, context, params,
							queryEnv, dest, qc);
	else
		standard_ProcessUtility(pstmt, queryString, readOnlyTree, context,
								params, queryEnv, dest, qc);
}

static void
ri_constraint_state_xact(XactEvent event, void *arg)
{
	switch (event)
	{
		case XACT_EVENT_COMMIT:
		case XACT_EVENT_PARALLEL_COMMIT:
		case XACT_EVENT_ABORT:
		case XACT_EVENT_PARALLEL_ABORT:
		case XACT_EVENT_PREPARE:
			set_constraints_seen = false;
			break;
		default:
			break;
	}
}

/*
 * ri_constraint_state_init
 *		From _PG_init: install the hook and the transaction callback.
 */
void
ri_constraint_state_init(void)
{
	prev_ProcessUtility = ProcessUtility_hook;
	ProcessUtility_hook = ri_constraint_state_utility;
	RegisterXactCallback(ri_constraint_state_xact, NULL);
	if (IsTransactionState())
		set_constraints_seen = true;	/* what ran before is unknown */
}

/*
 * ri_constraint_state_may_differ
 *		May a SET CONSTRAINTS have changed, in this transaction, when the
 *		deferrable constraints are checked?  False: every constraint is
 *		checked as declared (DEFERRABLE INITIALLY DEFERRED or IMMEDIATE).
 */
bool
ri_constraint_state_may_differ(void)
{
	return set_constraints_seen;
}
