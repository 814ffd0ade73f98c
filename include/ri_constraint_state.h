/*-------------------------------------------------------------------------
 *
 * ri_constraint_state.h
 *	  Whether SET CONSTRAINTS may have run in the current transaction
 *	  (src/catalog/constraint_state.c).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_constraint_state.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_CONSTRAINT_STATE_H
#define RI_CONSTRAINT_STATE_H

extern void ri_constraint_state_init(void);
extern bool ri_constraint_state_may_differ(void);

#endif							/* RI_CONSTRAINT_STATE_H */
