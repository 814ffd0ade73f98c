/*-------------------------------------------------------------------------
 *
 * ri_drop_target_int.h
 *	  Shared by the drop preview's target lookup: its own code
 *	  (src/engine/drop_target.c) and the parts that follow PostgreSQL's drop
 *	  commands (src/import/dropcmds.c, src/import/tablecmds.c).  Nothing
 *	  else includes it.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_drop_target_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_DROP_TARGET_INT_H
#define RI_DROP_TARGET_INT_H

#include "nodes/parsenodes.h"
#include "utils/hsearch.h"
#include "utils/relcache.h"

#include "ri_drop.h"

typedef struct TargetList
{
	ObjectAddress *addrs;		/* palloc'd array */
	int			n;				/* used */
	int			max;			/* allocated */
} TargetList;

/*
 * The inheritance count of one child column or CHECK constraint, as the
 * statement's recursion has left it so far.  ATExecDropColumn() and
 * ATExecDropConstraint() decrement attinhcount / coninhcount (and, under
 * ONLY, set attislocal / conislocal) in the catalogs, with a
 * CommandCounterIncrement() after each change, so a later visit of the same
 * child, through another parent or in a later subcommand, sees the new
 * values.  The preview changes nothing in the catalogs; it keeps the new
 * values here instead, in a hash table of the one ALTER TABLE statement
 * (created in preview_alter_table(), in the caller's memory context, and
 * destroyed at its end).  An entry is made at the first visit, from the
 * catalog row.
 */
typedef struct InhCount
{
	ObjectAddress obj;			/* hash key: the child's column (class
								 * pg_class, its relation, its attnum) or
								 * constraint (class pg_constraint, its OID) */
	int			inhcount;		/* attinhcount / coninhcount now */
	bool		islocal;		/* attislocal / conislocal now */
} InhCount;

/* src/engine/drop_target.c */
extern void ri_target_add(TargetList *list, Oid classId, Oid objectId,
						  int32 subId);

/* src/import/dropcmds.c */
extern void ri_preview_drop_relations(DropStmt *stmt, DropWalk *walk);
extern void ri_preview_drop_objects(DropStmt *stmt, DropWalk *walk);
extern void ri_preview_drop_user_mapping(DropUserMappingStmt *stmt,
										 DropWalk *walk);

/* src/import/tablecmds.c */
extern void ri_check_alter_relkind(Relation rel, AlterTableType cmdtype);
extern void ri_drop_column(DropWalk *walk, Relation rel, const char *colname,
						   bool recurse, bool recursing, bool missing_ok,
						   HTAB *counts, TargetList *targets);
extern void ri_drop_constraint(DropWalk *walk, Relation rel,
							   const char *conname, bool recurse,
							   bool recursing, bool missing_ok, HTAB *counts);

#endif							/* RI_DROP_TARGET_INT_H */
