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

#include "fmgr.h"

#include "ri_audit.h"

PG_MODULE_MAGIC;

/* PostgreSQL 15's fmgr.h does not declare it yet. */
void		_PG_init(void);

/*
 * Module load callback.  GUCs are defined here as capabilities need them.
 */
void
_PG_init(void)
{
}
