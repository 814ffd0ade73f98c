/*-------------------------------------------------------------------------
 *
 * ri_recreate.h
 *	  Recreate scripts: the DDL that brings back what a DROP ... CASCADE
 *	  removes (src/engine/recreate_ddl.c: one rule per object kind;
 *	  src/engine/recreate_script.c: the scripts built on the drop walk).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_recreate.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_RECREATE_H
#define RI_RECREATE_H

#include "catalog/objectaddress.h"
#include "lib/stringinfo.h"
#include "nodes/pg_list.h"

/* What a recreate script does with one object that a walk deletes. */
typedef enum RiRecreateAction
{
	RI_RC_PART,					/* goes and comes back with its owner (a
								 * view's rule and row type, a constraint's
								 * index and triggers, a partition's clone) */
	RI_RC_NOT_RECREATED,		/* cannot be brought back (holds data, or a
								 * kind the script does not recreate) */
	RI_RC_RECREATE				/* a definition the script recreates */
} RiRecreateAction;

typedef struct RiRecreateClass
{
	RiRecreateAction action;	/* see above */
	const char *reason;			/* RI_RC_NOT_RECREATED: why, for the
								 * comment ("holds data", ...) */
	ObjectAddress parent;		/* what it lives on: the relation (or the
								 * column, for a default), the domain, the
								 * owner of a part; classId 0 when none */
} RiRecreateClass;

/* src/engine/recreate_ddl.c */
extern bool ri_recreate_classify(const ObjectAddress *obj,
								 RiRecreateClass *cls);
extern bool ri_recreate_append_ddl(StringInfo buf, const ObjectAddress *obj);
extern bool ri_recreate_append_drop(StringInfo buf, const ObjectAddress *obj);
extern ObjectAddress ri_recreate_owner_of(const ObjectAddress *obj);
extern List *ri_operator_one_sided_links(Oid oprid, List **what);
extern List *ri_operator_links_filled(Oid oprid, List **what);
extern List *ri_operator_links_refused(Oid oprid, List **what, List **why);
extern int	ri_deparse_begin(void);
extern void ri_deparse_end(int nestlevel);

/* src/engine/recreate_script.c */
extern char *ri_recreate_script(const char *ddl);
extern char *ri_migration_script(const char *ddl);

#endif							/* RI_RECREATE_H */
