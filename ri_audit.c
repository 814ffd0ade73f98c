/*-------------------------------------------------------------------------
 *
 * ri_audit.c
 *	  Module entry point of ri_audit: the magic block and the GUCs.
 *
 * ri_audit audits referential integrity from SQL: it lists foreign keys,
 * finds every row that violates one ("orphans"), checks and validates NOT
 * VALID foreign keys, and previews what DROP ... CASCADE would remove.
 * Each capability lives in its own file; this one holds no capability logic.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/ri_audit.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <limits.h>

#include "fmgr.h"
#include "miscadmin.h"
#include "utils/guc.h"

#include "ri_audit.h"
#include "ri_constraint_state.h"

PG_MODULE_MAGIC;

/* PostgreSQL 15's fmgr.h does not declare it yet. */
void		_PG_init(void);

/* ri_audit.scan_method: see ri_audit.h */
int			ri_audit_scan_method = RI_AUDIT_SCAN_AUTO;

/* ri_audit.work_mem: the fast scan path's budget in kB, -1 for work_mem */
int			ri_audit_work_mem = -1;

/* ri_audit.progress: see ri_audit.h */
bool		ri_audit_progress = false;

/* ri_audit.debug_load_depend: see dependency_walk.c and drop_describe.c */
bool		ri_audit_debug_load_depend = false;

static const struct config_enum_entry scan_method_options[] = {
	{"auto", RI_AUDIT_SCAN_AUTO, false},
	{"fast", RI_AUDIT_SCAN_FAST, false},
	{"planner", RI_AUDIT_SCAN_PLANNER, false},
	{NULL, 0, false}
};

static bool check_work_mem(int *newval, void **extra, GucSource source);

/*
 * ri_audit.work_mem takes -1 or, like work_mem, at least 64 kB.
 */
static bool
check_work_mem(int *newval, void **extra, GucSource source)
{
	if (*newval == -1 || *newval >= 64)
		return true;
	GUC_check_errdetail("ri_audit.work_mem must be -1 or at least 64 kB.");
	return false;
}

/*
 * ri_audit_budget_kb
 *		The memory budget in kB of an orphan scan (its key sets) and of the
 *		orphan rows it keeps (sort and result): ri_audit.work_mem, or
 *		work_mem when that is -1.
 */
int
ri_audit_budget_kb(void)
{
	return ri_audit_work_mem >= 0 ? ri_audit_work_mem : work_mem;
}

/*
 * Module load callback.  GUCs are defined here as capabilities need them.
 */
void
_PG_init(void)
{
	DefineCustomEnumVariable("ri_audit.scan_method",
							 "Chooses how orphan rows are found.",
							 "auto and fast use the in-memory key set scan for "
							 "the foreign keys it supports and a planned "
							 "anti-join for the others; planner always uses "
							 "the anti-join.",
							 &ri_audit_scan_method,
							 RI_AUDIT_SCAN_AUTO,
							 scan_method_options,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomIntVariable("ri_audit.work_mem",
							"Sets the memory budget of the key set scan and of the orphan rows it keeps.",
							"Referenced keys that do not fit are processed in "
							"batches, orphan rows that do not fit spill to "
							"temporary files.  -1 means use work_mem.",
							&ri_audit_work_mem,
							-1,
							-1,
							MAX_KILOBYTES,
							PGC_USERSET,
							GUC_UNIT_KB,
							check_work_mem, NULL, NULL);

	DefineCustomBoolVariable("ri_audit.progress",
							 "Reports each foreign key check_foreign_keys() has checked.",
							 "A NOTICE per key when its table has been read: "
							 "its name, table, position in the list, rows "
							 "checked, orphans and the time taken.",
							 &ri_audit_progress,
							 false,
							 PGC_USERSET,
							 0,
							 NULL, NULL, NULL);

	DefineCustomBoolVariable("ri_audit.debug_load_depend",
							 "Makes drop_preview() read pg_depend in bulk from its first lookup, and the catalogs of the objects it describes in bulk too.",
							 "A developer option: drop_preview() switches to a "
							 "bulk read of pg_depend and of those catalogs only "
							 "on large previews; this lets the tests run that "
							 "code on small schemas.",
							 &ri_audit_debug_load_depend,
							 false,
							 PGC_USERSET,
							 GUC_NOT_IN_SAMPLE,
							 NULL, NULL, NULL);

	MarkGUCPrefixReserved("ri_audit");

	/* delete_preview(): has SET CONSTRAINTS run in this transaction? */
	ri_constraint_state_init();
}
