/*-------------------------------------------------------------------------
 *
 * ri_drop.h
 *	  The drop preview engine: statement text to deletion batches
 *	  (src/engine/drop_target.c), and the walk of what each batch deletes
 *	  (src/engine/dependency_walk.c, src/import/dependency.c).
 *
 * drop_target.c turns the text of one DROP or ALTER TABLE ... DROP statement
 * into "deletion batches": each batch is what one performDeletion() or
 * performMultipleDeletions() call of PostgreSQL would receive.  For every
 * batch it calls ri_walk_batch() (dependency_walk.c), which computes what
 * that call would delete, exactly as findDependentObjects() does, without
 * taking object locks.  src/api/drop_preview_api.c owns the SQL entry points and turns
 * the walk's entries into rows and messages.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_drop.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_DROP_H
#define RI_DROP_H

#include "catalog/objectaddress.h"
#include "nodes/nodes.h"
#include "utils/hsearch.h"

/*
 * Flag bits of one walk entry: the same meaning as dependency.c's
 * DEPFLAG_* bits (static there), ORed over every path that reached it.
 */
#define DW_ORIGINAL		0x0001	/* named in the statement */
#define DW_NORMAL		0x0002	/* reached via a normal dependency */
#define DW_AUTO			0x0004	/* reached via an auto dependency */
#define DW_INTERNAL		0x0008	/* reached via an internal dependency */
#define DW_PARTITION	0x0010	/* reached via a partition dependency */
#define DW_EXTENSION	0x0020	/* reached via an extension dependency */
#define DW_REVERSE		0x0040	/* pulled in as the owner of a dependent */
#define DW_IS_PART		0x0080	/* has a partition dependency itself */
#define DW_SUBOBJECT	0x0100	/* column whose whole table is dropped too */
#define DW_REBUILT		0x0200	/* dropped and created again by the command
								 * (ALTER COLUMN TYPE): a target of an
								 * internal deletion call */

/* Entries reached this way are dropped silently, even under RESTRICT. */
#define DW_SILENT	(DW_AUTO | DW_INTERNAL | DW_PARTITION | DW_EXTENSION)

/* One object the previewed statement would delete. */
typedef struct DropWalkEntry
{
	ObjectAddress obj;			/* the object (objectSubId > 0: a column) */
	int			flags;			/* DW_* bits */
	ObjectAddress dependee;		/* what forced it (partition owner when
								 * DW_IS_PART), or classId 0 for a target */
	int			batch;			/* 0-based deletion batch */
	int			next_same;		/* next entry with the same classId and
								 * objectId, or -1 */
} DropWalkEntry;

/*
 * Why the statement fails whatever is dropped, or fails without CASCADE for
 * another reason than dependent objects (ALTER COLUMN TYPE of a column a
 * view uses; ALTER TYPE ... DROP ATTRIBUTE of a typed table's type), with
 * PostgreSQL's own error.  Recorded where the command raises it, so that the
 * deletion calls before it are known.
 */
typedef struct RiWalkBlocker
{
	int			sqlerrcode;		/* PostgreSQL's SQLSTATE */
	char	   *message;		/* its message */
	char	   *detail;			/* its detail (one line), or NULL */
	char	   *hint;			/* its hint, or NULL */
	const char *label;			/* the subcommand (ri_walk_set_label) */
	int			before_batch;	/* deletion calls made before the error */
	bool		cascade_resolves;	/* raised only without CASCADE */
} RiWalkBlocker;

/* The state of one preview (opaque; src/engine/dependency_walk.c). */
typedef struct DropWalk DropWalk;

/*
 * Steps through a walk's entries in report order: batch by batch, each
 * batch from its last deleted entry to its first (the order of
 * PostgreSQL's "drop cascades to" notice: targets first, every object after
 * the one it was reached through).
 */
typedef struct RiWalkIter
{
	const DropWalk *walk;		/* the walk */
	int			batch;			/* current batch */
	int			next;			/* entry to return next; -1 before a batch */
} RiWalkIter;

/* src/engine/dependency_walk.c */
extern DropWalk *ri_walk_begin(bool load_depend_at_once);
extern void ri_walk_batch(DropWalk *walk, const ObjectAddress *targets,
						  int ntargets);
extern void ri_walk_batch_as(DropWalk *walk, const ObjectAddress *targets,
							 int ntargets, int target_flags,
							 const ObjectAddress *dependees, bool detached);
extern void ri_walk_set_label(DropWalk *walk, const char *label);
extern const char *ri_walk_batch_label(const DropWalk *walk, int batch);
extern void ri_walk_add_blocker(DropWalk *walk, int sqlerrcode,
								const char *message, const char *detail,
								const char *hint, bool cascade_resolves);
extern bool ri_walk_blocked(const DropWalk *walk);
extern int	ri_walk_nblockers(const DropWalk *walk);
extern void ri_walk_raise_blockers(DropWalk *walk);
extern const RiWalkBlocker *ri_walk_blocker(const DropWalk *walk, int i);
extern bool ri_walk_is_dropped(DropWalk *walk, const ObjectAddress *obj);
extern int	ri_walk_lookup(DropWalk *walk, const ObjectAddress *obj);
extern void ri_walk_end(DropWalk *walk);
extern bool ri_walk_entry_is_reported(const DropWalkEntry *entry);
extern int	ri_walk_nentries(const DropWalk *walk);
extern const DropWalkEntry *ri_walk_entry(const DropWalk *walk, int index);
extern int	ri_walk_batch_ntargets(const DropWalk *walk, int batch);
extern const ObjectAddress *ri_walk_batch_first(const DropWalk *walk,
												int batch);
extern void ri_walk_iter_init(RiWalkIter *it, const DropWalk *walk);
extern const DropWalkEntry *ri_walk_iter_next(RiWalkIter *it, int *index);

/* src/engine/drop_describe.c: the strings of each row (opaque state) */
typedef struct RiDescriber RiDescriber;

extern RiDescriber *ri_describer_begin(void);
extern void ri_describer_prefetch(RiDescriber *d, DropWalk *walk,
								  bool at_once);
extern bool ri_describe_object(RiDescriber *d, const ObjectAddress *obj,
							   char **type, char **identity, char **desc);
extern void ri_describer_end(RiDescriber *d);

/* src/import/objectaddress.c */
extern void ri_subobject_strings(Oid classId, const char *name,
								 const char *rel_identity,
								 const char *rel_desc, char **type,
								 char **identity, char **desc);
extern void ri_relation_strings(char relkind, const char *relname,
								const char *nspname,
								const char *nspname_or_temp, char **type,
								char **identity, char **desc);
extern void ri_type_strings(const char *typname, const char *nspname_or_temp,
							bool is_array, char **type, char **identity,
							char **desc);

/* src/import/dependency.c */
extern int	ri_object_address_comparator(const void *a, const void *b);

/*
 * src/engine/drop_target.c.  'asserting': the caller is assert_drop_safe,
 * so statements that PostgreSQL refuses without deleting anything (DROP
 * ROLE with dependents, DROP TABLESPACE not empty, ...) raise its error
 * where the command raises it; drop_preview only shows their target.
 */
extern void ri_drop_targets(const char *ddl, DropWalk *walk, bool asserting);
extern Node *ri_parse_one_statement(const char *ddl, const char *script);

#endif							/* RI_DROP_H */
