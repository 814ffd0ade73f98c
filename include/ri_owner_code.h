/*-------------------------------------------------------------------------
 *
 * ri_owner_code.h
 *	  The catalog layer's rule for other roles' code
 *	  (src/catalog/owner_code.c).
 *
 * "Foreign" code is a function owned by a role that is neither the caller
 * nor a superuser; it is never run with the caller's rights.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_owner_code.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_OWNER_CODE_H
#define RI_OWNER_CODE_H

#include "fmgr.h"
#include "nodes/nodes.h"
#include "utils/jsonb.h"

#include "ri_fk_catalog.h"

/* What ri_become_owner() saved, for ri_restore_caller(). */
typedef struct RiOwnerSwitch
{
	Oid			save_userid;	/* the caller's user ID */
	int			save_sec_context;	/* the caller's security context */
	int			save_nestlevel; /* GUC nest level to unwind */
} RiOwnerSwitch;

/* How one key column's values are shown as jsonb (ri_key_jsonb). */
typedef struct RiKeyRenderer
{
	bool		builtin;		/* a built-in type: rendered by to_jsonb() */
	FmgrInfo	tojsonb;		/* to_jsonb() for the type, when builtin */
	FmgrInfo	outfunc;		/* the type's output function */
} RiKeyRenderer;

extern bool ri_role_is_trusted(Oid roleid);
extern Oid	ri_fk_foreign_function(const FkInfo *fk);
extern bool ri_type_ordering_is_trusted(Oid typid);
extern char *ri_foreign_function_text(Oid funcid);
extern Oid	ri_expr_foreign_function(Node *expr);
extern void ri_become_owner(Oid owner, RiOwnerSwitch *sw);
extern void ri_restore_caller(RiOwnerSwitch *sw);
extern void ri_key_jsonb_init(Oid typid, RiKeyRenderer *r, MemoryContext cxt);
extern Jsonb *ri_key_jsonb(RiKeyRenderer *r, Datum value);

#endif							/* RI_OWNER_CODE_H */
