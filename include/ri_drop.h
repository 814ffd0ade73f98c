/*-------------------------------------------------------------------------
 *
 * drop_preview.h
 *	  Declarations shared by the DROP preview files.
 *
 * drop_target.c turns the text of one DROP or ALTER TABLE ... DROP statement
 * into "deletion batches": each batch is what one performDeletion() or
 * performMultipleDeletions() call of PostgreSQL would receive.  For every
 * batch it calls drop_walk_batch() (dependency_walk.c), which computes what
 * that call would delete, exactly as findDependentObjects() does, without
 * taking object locks.  drop_preview.c owns the SQL entry points and turns
 * the walk's entries into rows and messages.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/drop_preview.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef DROP_PREVIEW_H
#define DROP_PREVIEW_H

#include "catalog/objectaddress.h"
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

/* dependency_walk.c's pg_depend scans (private). */
typedef struct DropWalkScans DropWalkScans;

/* The state of one preview: every batch's entries, in deletion order. */
typedef struct DropWalk
{
	DropWalkEntry *entries;		/* all batches, each in deletion order */
	int			nentries;		/* entries used */
	int			maxentries;		/* entries allocated */
	int			nbatches;		/* batches walked so far */
	int		   *batch_start;	/* first entry of each batch */
	int		   *batch_ntargets; /* number of targets given to each batch */
	ObjectAddress *batch_first; /* the first target given to each batch */
	int			maxbatches;		/* size of the three arrays above */
	HTAB	   *index;			/* (classId, objectId) -> first entry */
	Relation	depRel;			/* pg_depend, opened AccessShareLock */
	DropWalkScans *scans;		/* its index scans */
} DropWalk;

/* dependency_walk.c */
extern DropWalk *drop_walk_begin(void);
extern void drop_walk_batch(DropWalk *walk, const ObjectAddress *targets,
							int ntargets);
extern bool drop_walk_is_dropped(DropWalk *walk, const ObjectAddress *obj);
extern int	drop_walk_lookup(DropWalk *walk, const ObjectAddress *obj);
extern void drop_walk_end(DropWalk *walk);
extern bool drop_walk_entry_is_reported(const DropWalkEntry *entry);

/* drop_target.c */
extern void drop_target_preview(const char *ddl, DropWalk *walk);

#endif							/* DROP_PREVIEW_H */
