/*-------------------------------------------------------------------------
 *
 * ri_audit.h
 *	  The module's settings (ri_audit.c): the GUC variables and their
 *	  values.  The bottom of the include graph; it includes no other
 *	  ri_audit header.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/ri_audit.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_AUDIT_H
#define RI_AUDIT_H

/*
 * ri_audit.scan_method chooses how orphans are found: "auto" and "fast" use
 * the fast path for every foreign key ri_keyset_supports() accepts and the
 * planner path for the others ("fast" exists so tests can name the path
 * they exercise; it never makes an unsupported key fail); "planner" always
 * uses the planner path.
 */
typedef enum RiAuditScanMethod
{
	RI_AUDIT_SCAN_AUTO,
	RI_AUDIT_SCAN_FAST,
	RI_AUDIT_SCAN_PLANNER
} RiAuditScanMethod;

extern PGDLLIMPORT int ri_audit_scan_method;

/*
 * ri_audit.work_mem: the memory budget in kB of the fast path's key sets and
 * of the orphan rows kept for output; -1: work_mem (ri_audit_budget_kb)
 */
extern PGDLLIMPORT int ri_audit_work_mem;
extern int	ri_audit_budget_kb(void);

/*
 * ri_audit.progress: check_foreign_keys() reports each key when done, in a
 * NOTICE (key, table, position, rows checked, orphans, elapsed)
 */
extern PGDLLIMPORT bool ri_audit_progress;

/*
 * ri_audit.debug_load_depend: drop_preview() reads pg_depend into memory
 * from the first lookup, and prefetches every catalog it describes objects
 * from (a test switch; the walk and ri_describer_prefetch take it as an
 * argument)
 */
extern PGDLLIMPORT bool ri_audit_debug_load_depend;

#endif							/* RI_AUDIT_H */
