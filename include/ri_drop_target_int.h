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

/*
 * What ATPostAlterTypeCleanup() drops and creates again for one relation:
 * the constraints, indexes and statistics objects that use a column whose
 * type the statement changes, each once, with that column.  Lives as long
 * as the ALTER TABLE statement's preview (the caller's memory context).
 */
typedef struct RiRebuildItem
{
	ObjectAddress obj;			/* the constraint, index or statistics */
	ObjectAddress column;		/* the altered column it uses (the first) */
} RiRebuildItem;

typedef struct RiRebuild
{
	List	   *constraints;	/* RiRebuildItem *, as remembered */
	List	   *indexes;		/* RiRebuildItem * */
	List	   *statistics;		/* RiRebuildItem * */
	List	   *altered;		/* attnums whose type changed so far (int) */
} RiRebuild;

/* src/engine/drop_target.c */
extern void ri_target_add(TargetList *list, Oid classId, Oid objectId,
						  int32 subId);

/* src/import/dropcmds.c */
extern void ri_preview_drop_relations(DropStmt *stmt, DropWalk *walk);
extern void ri_preview_drop_objects(DropStmt *stmt, DropWalk *walk);
extern void ri_preview_drop_user_mapping(DropUserMappingStmt *stmt,
										 DropWalk *walk);

/* src/engine/drop_target_alter.c */
extern void ri_preview_alter_table(AlterTableStmt *stmt, DropWalk *walk);
extern void ri_preview_alter_domain(AlterDomainStmt *stmt, DropWalk *walk);

/* src/import/alter_table.c */
extern void ri_at_drop_default(DropWalk *walk, Relation rel,
							   const char *colname);
extern void ri_at_set_default(DropWalk *walk, Relation rel,
							  const char *colname);
extern void ri_at_drop_identity(DropWalk *walk, Relation rel,
								const char *colname, bool missing_ok);
extern void ri_at_prep_drop_expression(Relation rel, const char *colname,
									   bool recurse, bool recursing);
extern void ri_at_drop_expression(DropWalk *walk, Relation rel,
								  const char *colname, bool missing_ok);
extern List *ri_typed_tables(DropWalk *walk, Relation rel,
							 DropBehavior behavior);
extern void ri_at_prep_alter_type(Relation rel, AlterTableCmd *cmd,
								  bool recurse, bool recursing,
								  List **children);
extern void ri_at_alter_type(DropWalk *walk, Relation rel,
							 AlterTableCmd *cmd, RiRebuild *rb);
extern void ri_at_rebuild(DropWalk *walk, RiRebuild *rb);
extern void ri_domain_drop_constraint(DropWalk *walk, AlterDomainStmt *stmt);
extern Oid	ri_domain_lookup(TypeName *typename);
extern void ri_at_attach_partition(DropWalk *walk, Relation rel,
								   AlterTableCmd *cmd);
extern void ri_at_detach_partition(DropWalk *walk, Relation rel,
								   AlterTableCmd *cmd);
extern void ri_at_add_foreign_key(DropWalk *walk, Relation rel,
								  Constraint *fkc, bool recurse,
								  List *added_columns, bool adds_keys);

/* src/import/tablecmds.c */
extern const char *ri_at_subcommand_name(AlterTableType cmdtype);
extern void ri_check_alter_relkind(Relation rel, AlterTableType cmdtype);
extern void ri_drop_column(DropWalk *walk, Relation rel, const char *colname,
						   bool recurse, bool recursing, bool missing_ok,
						   HTAB *counts, TargetList *targets);
extern void ri_drop_constraint(DropWalk *walk, Relation rel,
							   const char *conname, bool recurse,
							   bool recursing, bool missing_ok, HTAB *counts);

#endif							/* RI_DROP_TARGET_INT_H */
