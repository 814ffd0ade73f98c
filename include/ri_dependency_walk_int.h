/*-------------------------------------------------------------------------
 *
 * ri_dependency_walk_int.h
 *	  The walk's state and scans, shared by the walk's own code
 *	  (src/engine/dependency_walk.c) and the part that follows
 *	  findDependentObjects() (src/import/dependency.c).  Nothing else
 *	  includes it.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_dependency_walk_int.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_DEPENDENCY_WALK_INT_H
#define RI_DEPENDENCY_WALK_INT_H

#include "access/genam.h"
#include "catalog/pg_depend.h"
#include "nodes/pg_list.h"
#include "utils/relcache.h"

#include "ri_drop.h"

/* dependency_walk.c's pg_depend scans (private to it). */
typedef struct DropWalkScans DropWalkScans;

/* The state of one preview: every batch's entries, in deletion order. */
struct DropWalk
{
	DropWalkEntry *entries;		/* all batches, each in deletion order */
	int			nentries;		/* entries used */
	int			maxentries;		/* entries allocated */
	int			nbatches;		/* batches walked so far */
	int		   *batch_start;	/* first entry of each batch */
	int		   *batch_ntargets; /* number of targets given to each batch */
	ObjectAddress *batch_first; /* the first target given to each batch */
	const char **batch_label;	/* the subcommand of each batch, or NULL */
	int			maxbatches;		/* size of the four arrays above */
	const char *label;			/* label of the batches walked next */
	List	   *blockers;		/* RiWalkBlocker *, in the command's order */
	HTAB	   *index;			/* (classId, objectId) -> first entry */
	Relation	depRel;			/* pg_depend, opened AccessShareLock */
	DropWalkScans *scans;		/* its index scans */
};

/* Key and value of the entry index. */
typedef struct DropWalkIndexKey
{
	Oid			classId;
	Oid			objectId;
} DropWalkIndexKey;

typedef struct DropWalkIndexEntry
{
	DropWalkIndexKey key;		/* hash key: must be first */
	int			newest;			/* newest entry for this object */
} DropWalkIndexEntry;

/* The objects being visited, innermost first (dependency.c's stack). */
typedef struct DropWalkStack
{
	const ObjectAddress *object;	/* object being visited */
	int			flags;			/* its flags so far */
	struct DropWalkStack *next; /* next outer level */
} DropWalkStack;

/* A dependent found by the reference scan, with the flags it inherits. */
typedef struct DropWalkDependent
{
	ObjectAddress obj;			/* must be first: sorted as ObjectAddress */
	int			subflags;		/* DW_* bit for the dependency type */
} DropWalkDependent;

/* What the current batch is: its first entry and its targets. */
typedef struct DropWalkBatch
{
	int			start;			/* first entry of the batch */
	const ObjectAddress *targets;	/* the batch's targets (pendingObjects) */
	int			ntargets;		/* how many */
	bool		detached;		/* the command removed the targets' INTERNAL
								 * and partition dependencies before the
								 * call */
} DropWalkBatch;

#define DW_DEPENDER		0		/* scan what an object depends on */
#define DW_REFERENCE	1		/* scan what depends on an object */

/* One scan: an index scan, or a range of a loaded order array. */
typedef struct DependCursor
{
	IndexScanDesc scan;			/* index scan, or NULL when loaded */
	int			which;			/* loaded: DW_DEPENDER or DW_REFERENCE */
	int			pos;			/* loaded: next position in its order */
	ObjectAddress key;			/* loaded: the object scanned for */
	bool		with_subid;		/* loaded: key includes objectSubId */
} DependCursor;

/* src/engine/dependency_walk.c */
extern void ri_depend_scan(DropWalk *walk, int which,
						   const ObjectAddress *object, DependCursor *cur);
extern Form_pg_depend ri_depend_next(DropWalk *walk, DependCursor *cur);
extern bool ri_walk_dropped_before(DropWalk *walk, int limit,
								   const ObjectAddress *obj);
extern void ri_walk_append_entry(DropWalk *walk, DropWalkIndexEntry *ie,
								 const ObjectAddress *obj, int flags,
								 const ObjectAddress *dependee);

/* src/import/dependency.c */
extern void ri_walk_object(DropWalk *walk, DropWalkBatch *batch,
						   const ObjectAddress *object, int objflags,
						   DropWalkStack *stack);

#endif							/* RI_DEPENDENCY_WALK_INT_H */
