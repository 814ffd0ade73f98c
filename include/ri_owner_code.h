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

/* How ri_key_jsonb() makes a key column's value into a jsonb scalar. */
typedef enum RiKeyRenderKind
{
	RI_RENDER_TO_JSONB,			/* to_jsonb(), for the other built-in types */
	RI_RENDER_INTEGER,			/* int2, int4, int8: a number, as to_jsonb() */
	RI_RENDER_BOOL,				/* bool: true or false, as to_jsonb() */
	RI_RENDER_OUTPUT_TEXT		/* a string of the output function's text:
								 * to_jsonb()'s rendering of the built-in
								 * types it has no other rule for, and
								 * ri_audit's of every type not built in */
} RiKeyRenderKind;

/* How one key column's values are shown as jsonb (ri_key_jsonb). */
typedef struct RiKeyRenderer
{
	RiKeyRenderKind kind;		/* how values are rendered */
	Oid			basetype;		/* the type, or a domain's base type */
	FmgrInfo	tojsonb;		/* to_jsonb() for the type, when kind is
								 * RI_RENDER_TO_JSONB */
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
extern void ri_key_jsonb_value(RiKeyRenderer *r, Datum value, JsonbValue *v);

#endif							/* RI_OWNER_CODE_H */
