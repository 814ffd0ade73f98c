/*-------------------------------------------------------------------------
 *
 * ri_audit.h
 *	  Declarations shared by the ri_audit source files.
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

#endif							/* RI_AUDIT_H */
