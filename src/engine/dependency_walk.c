/*-------------------------------------------------------------------------
 *
 * dependency_walk.c
 *	  What one performDeletion() call would delete, computed without locks.
 *
 * PostgreSQL decides what a DROP removes in findDependentObjects()
 * (src/backend/catalog/dependency.c), which is static and locks every
 * object it visits with AccessExclusiveLock.  This file walks pg_depend the
 * same way, with the same rules, and takes no object lock at all:
 *
 *	- the object's own dependencies are scanned first: an INTERNAL or
 *	  EXTENSION owner that is not already being visited turns the request
 *	  into one for the owner (flag REVERSE), and at the outermost level is an
 *	  error ("cannot drop %s because %s requires it"), unless the owner is
 *	  itself one of the batch's targets;
 *	- PARTITION_PRI/SEC dependencies mark the object IS_PART, and the batch
 *	  fails unless some path reached it through a partition dependency;
 *	- the objects that depend on it are collected, sorted by OID descending
 *	  (then class, then sub-id as unsigned) and visited depth first;
 *	- the object is appended after its dependents, so the entries of a batch
 *	  are in PostgreSQL's deletion order, and its flags are the OR of every
 *	  path that reached it, through the recursion stack and the entries
 *	  already recorded (whole object versus column handled as dependency.c
 *	  does, including the SUBOBJECT flag);
 *	- pinned objects raise "cannot drop %s because it is required by the
 *	  database system".
 *
 * A statement may make several deletion calls in a row (ALTER TABLE with
 * several DROP subcommands, CHECK constraints dropped from inheritance
 * children).  Each is a batch: a later batch sees the catalogs as the
 * earlier ones left them, so pg_depend rows of objects an earlier batch
 * deleted are ignored.
 *
 * Entries are indexed by a hash table on (classId, objectId), so a lookup
 * costs what dependency.c's linear search of its target list costs for a
 * handful of objects, and the walk stays linear in the number of objects.
 *
 * pg_depend is read through its two indexes, two short scans per object as
 * dependency.c does.  A walk that turns out to be large next to pg_depend
 * (a DROP SCHEMA of thousands of tables) reads pg_depend once instead,
 * with the same snapshot, into an array sorted as each index is (key
 * columns, then heap position, the B-tree's tiebreaker), and answers the
 * rest of its scans by binary search: the same rows in the same order,
 * for memory bounded by a multiple of the scans already made.
 *
 * Locks: pg_depend and its two indexes are opened with AccessShareLock for
 * the whole preview; rows are read with one catalog snapshot taken when the
 * preview starts (dependency.c reads with the catalog snapshot too).  No
 * lock is taken on any object, so an object may be dropped concurrently
 * while the preview runs; the preview then describes a catalog state that
 * no longer exists, which is all a preview can do.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/dependency_walk.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/pg_depend.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "storage/bufmgr.h"
#include "utils/fmgroids.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "ri_dependency_walk_int.h"

/* One index entry of a loaded pg_depend: a key and its row. */
typedef struct DependKey
{
	Oid			classid;		/* (ref)classid */
	Oid			objid;			/* (ref)objid */
	int32		subid;			/* (ref)objsubid */
	int			row;			/* row number, in heap order */
} DependKey;

/*
 * The pg_depend index scans of a walk.  Every scan of the walk runs to its
 * end before the walk recurses, so one scan per index and key count is
 * enough: it is rescanned for each object instead of being set up anew,
 * which is most of the cost of a scan this short.  All scans use one
 * registered catalog snapshot, so the whole walk sees one catalog state.
 *
 * The scans, their slot and the loaded copy of pg_depend live in the memory
 * context current at ri_walk_begin (the walk's), and the scans are begun,
 * rescanned and read with that context current, whatever context the
 * caller of ri_walk_batch is in: a B-tree scan allocates part of its
 * state lazily in the current context (the array of dead index entries,
 * the first time it meets one) and uses it on every later rescan.
 */
struct DropWalkScans
{
	MemoryContext cxt;			/* the walk's memory context */
	Snapshot	snapshot;		/* registered catalog snapshot */
	Relation	index[2];		/* depender index, reference index */
	IndexScanDesc scan[2][2];	/* [index][0: 2 keys, 1: 3 keys], lazily */
	TupleTableSlot *slot;		/* for pg_depend tuples */
	int64		nscans;			/* scans started so far */
	int64		next_check;		/* when to consider loading pg_depend */
	bool		load_at_once;	/* load pg_depend at the first scan, whatever
								 * its size (ri_walk_begin's argument) */
	FormData_pg_depend *rows;	/* all of pg_depend once loaded, or NULL */
	int			nrows;			/* rows loaded */
	DependKey  *order[2];		/* each index's keys, in its order */
};

/*
 * A walk that has already scanned pg_depend this many times (index scans
 * only below it) loads all of pg_depend once pg_depend's estimated size is
 * at most DW_LOAD_RATIO times the scans made so far: the copy then costs
 * memory linear in the objects walked, and each later scan is a binary
 * search instead of a descent of a B-tree.  Reading and sorting a row costs
 * about a tenth of an index scan, so a load costs at most about one and a
 * half times the scans made before it, and the walk that goes on as long
 * again saves more than that.
 */
#define DW_LOAD_MIN_SCANS	4096
#define DW_LOAD_RATIO		16

static void depend_maybe_load(DropWalk *walk);
static int	newest_entry(DropWalk *walk, const ObjectAddress *obj);
static bool depend_key_below(const DependKey *k, const ObjectAddress *key,
							 bool with_subid);
static inline int depend_key_cmp(const DependKey *ka, const DependKey *kb);

/*
 * sort_depend_keys(DependKey *keys, size_t n): the keys in depend_key_cmp's
 * order, by a sort whose comparison is inlined (the sort of a loaded
 * pg_depend's keys is most of the cost of loading it).
 */
#define ST_SORT sort_depend_keys
#define ST_ELEMENT_TYPE DependKey
#define ST_COMPARE(a, b) depend_key_cmp(a, b)
#define ST_CHECK_FOR_INTERRUPTS
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

/*
 * ri_walk_begin
 *		Start a preview: an empty entry list, and pg_depend opened with
 *		AccessShareLock until ri_walk_end.  The walk lives in the current
 *		memory context, which must last until the entries have been read.
 */
DropWalk *
ri_walk_begin(bool load_depend_at_once)
{
	DropWalk   *walk = palloc0(sizeof(DropWalk));
	HASHCTL		ctl;

	walk->maxentries = 256;
	walk->entries = palloc(walk->maxentries * sizeof(DropWalkEntry));
	walk->maxbatches = 4;
	walk->batch_start = palloc(walk->maxbatches * sizeof(int));
	walk->batch_ntargets = palloc(walk->maxbatches * sizeof(int));
	walk->batch_first = palloc(walk->maxbatches * sizeof(ObjectAddress));
	walk->batch_label = palloc(walk->maxbatches * sizeof(const char *));

	ctl.keysize = sizeof(DropWalkIndexKey);
	ctl.entrysize = sizeof(DropWalkIndexEntry);
	ctl.hcxt = CurrentMemoryContext;
	walk->index = hash_create("ri_audit drop preview", 1024, &ctl,
							  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	walk->depRel = table_open(DependRelationId, AccessShareLock);
	walk->scans = palloc0(sizeof(DropWalkScans));
	walk->scans->cxt = CurrentMemoryContext;
	walk->scans->snapshot =
		RegisterSnapshot(GetCatalogSnapshot(DependRelationId));
	walk->scans->index[DW_DEPENDER] = index_open(DependDependerIndexId,
												 AccessShareLock);
	walk->scans->index[DW_REFERENCE] = index_open(DependReferenceIndexId,
												  AccessShareLock);
	walk->scans->slot = table_slot_create(walk->depRel, NULL);
	/* the tests load at the first scan, to run that code on small schemas */
	walk->scans->load_at_once = load_depend_at_once;
	walk->scans->next_check = load_depend_at_once ? 0 : DW_LOAD_MIN_SCANS;

	return walk;
}

/*
 * ri_walk_end
 *		Close pg_depend.  The entries stay readable until the memory context
 *		they were allocated in goes away.
 */
void
ri_walk_end(DropWalk *walk)
{
	DropWalkScans *scans = walk->scans;

	if (walk->depRel == NULL)
		return;
	for (int i = 0; i < 2; i++)
	{
		for (int k = 0; k < 2; k++)
		{
			if (scans->scan[i][k])
				index_endscan(scans->scan[i][k]);
		}
		index_close(scans->index[i], AccessShareLock);
	}
	ExecDropSingleTupleTableSlot(scans->slot);
	UnregisterSnapshot(scans->snapshot);
	table_close(walk->depRel, AccessShareLock);
	walk->depRel = NULL;
}

/*
 * ri_walk_entry_is_reported
 *		Would PostgreSQL list this entry in its "drop cascades to" notice
 *		(and so fail the statement without CASCADE)?  The same test as
 *		reportDependentObjects().
 */
bool
ri_walk_entry_is_reported(const DropWalkEntry *entry)
{
	return (entry->flags & (DW_ORIGINAL | DW_SUBOBJECT | DW_SILENT |
							DW_REBUILT)) == 0;
}

/*
 * ri_walk_is_dropped
 *		Has a batch walked so far deleted this object (or, for a column, its
 *		whole table)?
 */
bool
ri_walk_is_dropped(DropWalk *walk, const ObjectAddress *obj)
{
	return ri_walk_dropped_before(walk, walk->nentries, obj);
}

/*
 * newest_entry
 *		The newest entry with obj's classId and objectId (whatever its
 *		sub-ID), the head of their next_same chain, or -1.
 */
static int
newest_entry(DropWalk *walk, const ObjectAddress *obj)
{
	DropWalkIndexKey key;
	DropWalkIndexEntry *ie;

	key.classId = obj->classId;
	key.objectId = obj->objectId;
	ie = hash_search(walk->index, &key, HASH_FIND, NULL);
	return ie ? ie->newest : -1;
}

/*
 * ri_walk_lookup
 *		The newest entry for exactly this object, or -1.
 */
int
ri_walk_lookup(DropWalk *walk, const ObjectAddress *obj)
{
	for (int i = newest_entry(walk, obj); i >= 0;
		 i = walk->entries[i].next_same)
	{
		if (walk->entries[i].obj.objectSubId == obj->objectSubId)
			return i;
	}
	return -1;
}

/*
 * ri_walk_nentries
 *		How many entries the batches walked so far have.
 */
int
ri_walk_nentries(const DropWalk *walk)
{
	return walk->nentries;
}

/*
 * ri_walk_entry
 *		Entry number 'index' (0 .. ri_walk_nentries() - 1, deletion order
 *		over all batches); valid until the walk grows.
 */
const DropWalkEntry *
ri_walk_entry(const DropWalk *walk, int index)
{
	Assert(index >= 0 && index < walk->nentries);
	return &walk->entries[index];
}

/*
 * ri_walk_batch_ntargets, ri_walk_batch_first
 *		How many targets deletion call batch was given, and the first.
 */
int
ri_walk_batch_ntargets(const DropWalk *walk, int batch)
{
	Assert(batch >= 0 && batch < walk->nbatches);
	return walk->batch_ntargets[batch];
}

const ObjectAddress *
ri_walk_batch_first(const DropWalk *walk, int batch)
{
	Assert(batch >= 0 && batch < walk->nbatches);
	return &walk->batch_first[batch];
}

/*
 * ri_walk_iter_init, ri_walk_iter_next
 *		Step through the walk's entries in report order (see RiWalkIter).
 *		ri_walk_iter_next returns NULL after the last, and sets *index to
 *		the entry's number, the one ri_walk_lookup() returns.  The walk must
 *		not grow while it is stepped through.
 */
void
ri_walk_iter_init(RiWalkIter *it, const DropWalk *walk)
{
	it->walk = walk;
	it->batch = -1;
	it->next = -1;
}

const DropWalkEntry *
ri_walk_iter_next(RiWalkIter *it, int *index)
{
	const DropWalk *walk = it->walk;

	while (it->next < 0 ||
		   it->next < walk->batch_start[it->batch])
	{
		if (it->batch + 1 >= walk->nbatches)
			return NULL;
		it->batch++;
		/* a batch's entries end where the next batch's begin */
		it->next = (it->batch + 1 < walk->nbatches ?
					walk->batch_start[it->batch + 1] : walk->nentries) - 1;
	}
	*index = it->next;
	return &walk->entries[it->next--];
}

/*
 * ri_walk_batch
 *		Walk what performMultipleDeletions(targets) would delete, appending
 *		the entries in deletion order, then apply reportDependentObjects()'
 *		partition check.  Errors are PostgreSQL's own.
 */
void
ri_walk_batch(DropWalk *walk, const ObjectAddress *targets, int ntargets)
{
	ri_walk_batch_as(walk, targets, ntargets, 0, NULL, false);
}

/*
 * ri_walk_batch_as
 *		ri_walk_batch() for a deletion call whose targets the statement does
 *		not name: with target_flags (DW_REBUILT, DW_INTERNAL) the targets'
 *		entries carry those flags instead of DW_ORIGINAL, and dependees[i]
 *		(when given) as what targets[i] goes with (an identity's sequence
 *		goes with its column, a rebuilt index with the column whose type
 *		changes).  'detached': the
 *		command deleted the targets' INTERNAL and partition dependencies
 *		before the call (ATExecDropIdentity, ATExecDropExpression: the
 *		INTERNAL ones, the targets have no others; tryAttachPartitionForeignKey
 *		and DetachPartitionFinalize: those of foreign key triggers and
 *		constraints; DropClonedTriggersFromPartition: the partition ones), so
 *		they are not owners to turn the request into.
 */
void
ri_walk_batch_as(DropWalk *walk, const ObjectAddress *targets, int ntargets,
				 int target_flags, const ObjectAddress *dependees,
				 bool detached)
{
	DropWalkBatch batch;

	if (ntargets <= 0)
		return;

	if (walk->nbatches >= walk->maxbatches)
	{
		walk->maxbatches *= 2;
		walk->batch_start = repalloc(walk->batch_start,
									 walk->maxbatches * sizeof(int));
		walk->batch_ntargets = repalloc(walk->batch_ntargets,
										walk->maxbatches * sizeof(int));
		walk->batch_first = repalloc(walk->batch_first,
									 walk->maxbatches * sizeof(ObjectAddress));
		walk->batch_label = repalloc(walk->batch_label,
									 walk->maxbatches * sizeof(const char *));
	}
	walk->batch_start[walk->nbatches] = walk->nentries;
	walk->batch_ntargets[walk->nbatches] = ntargets;
	walk->batch_first[walk->nbatches] = targets[0];
	walk->batch_label[walk->nbatches] = walk->label;

	batch.start = walk->nentries;
	batch.targets = targets;
	batch.ntargets = ntargets;
	batch.detached = detached;

	for (int i = 0; i < ntargets; i++)
		ri_walk_object(walk, &batch, &targets[i], DW_ORIGINAL, NULL);

	walk->nbatches++;

	if (target_flags != 0)
	{
		for (int i = batch.start; i < walk->nentries; i++)
		{
			DropWalkEntry *e = &walk->entries[i];

			if (!(e->flags & DW_ORIGINAL))
				continue;
			e->flags = (e->flags & ~DW_ORIGINAL) | target_flags;
			for (int t = 0; dependees && t < ntargets; t++)
			{
				if (targets[t].classId == e->obj.classId &&
					targets[t].objectId == e->obj.objectId &&
					targets[t].objectSubId == e->obj.objectSubId)
				{
					e->dependee = dependees[t];
					break;
				}
			}
		}
	}

	/*
	 * An object with a partition dependency must have been reached through
	 * one of them: otherwise PostgreSQL refuses, whatever the behavior.
	 */
	for (int i = batch.start; i < walk->nentries; i++)
	{
		DropWalkEntry *e = &walk->entries[i];

		if ((e->flags & DW_IS_PART) && !(e->flags & DW_PARTITION))
		{
			char	   *otherdesc = getObjectDescription(&e->dependee, false);

			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("cannot drop %s because %s requires it",
							getObjectDescription(&e->obj, false), otherdesc),
					 errhint("You can drop %s instead.", otherdesc)));
		}
	}
}

/*
 * ri_walk_set_label, ri_walk_batch_label
 *		The subcommand the next batches and blockers belong to (a string
 *		that lives as long as the walk), and a batch's.
 */
void
ri_walk_set_label(DropWalk *walk, const char *label)
{
	walk->label = label;
}

const char *
ri_walk_batch_label(const DropWalk *walk, int batch)
{
	Assert(batch >= 0 && batch < walk->nbatches);
	return walk->batch_label[batch];
}

/*
 * ri_walk_add_blocker
 *		Record an error the command raises at this point (see RiWalkBlocker);
 *		the strings are copied into the walk's memory context.
 */
void
ri_walk_add_blocker(DropWalk *walk, int sqlerrcode, const char *message,
					const char *detail, const char *hint,
					bool cascade_resolves)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(walk->scans->cxt);
	RiWalkBlocker *b = palloc0(sizeof(RiWalkBlocker));

	b->sqlerrcode = sqlerrcode;
	b->message = pstrdup(message);
	b->detail = detail ? pstrdup(detail) : NULL;
	b->hint = hint ? pstrdup(hint) : NULL;
	b->label = walk->label;
	b->before_batch = walk->nbatches;
	b->cascade_resolves = cascade_resolves;
	walk->blockers = lappend(walk->blockers, b);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * ri_walk_blocked
 *		Has the command stopped: a blocker that CASCADE does not resolve?
 */
bool
ri_walk_blocked(const DropWalk *walk)
{
	ListCell   *lc;

	foreach(lc, walk->blockers)
	{
		if (!((RiWalkBlocker *) lfirst(lc))->cascade_resolves)
			return true;
	}
	return false;
}

int
ri_walk_nblockers(const DropWalk *walk)
{
	return list_length(walk->blockers);
}

const RiWalkBlocker *
ri_walk_blocker(const DropWalk *walk, int i)
{
	return (const RiWalkBlocker *) list_nth(walk->blockers, i);
}

/*
 * depend_scan
 *		Start a scan of the pg_depend rows whose depender (DW_DEPENDER) or
 *		referenced object (DW_REFERENCE) is 'object'; with sub-ID 0, the
 *		rows of its sub-objects too.  Read it with depend_next.
 *
 * Rows come in the index's order: class, object, sub-object, then heap
 * position (the B-tree's tiebreaker), whether read through the index or
 * from the loaded copy, which is sorted the same way.
 */
void
ri_depend_scan(DropWalk *walk, int which, const ObjectAddress *object,
			DependCursor *cur)
{
	DropWalkScans *scans = walk->scans;
	ScanKeyData key[3];
	int			nkeys = (object->objectSubId != 0) ? 3 : 2;
	IndexScanDesc scan;
	MemoryContext oldcxt;

	scans->nscans++;
	if (scans->rows == NULL && scans->nscans >= scans->next_check)
		depend_maybe_load(walk);

	if (scans->rows != NULL)
	{
		const DependKey *order = scans->order[which];
		int			lo = 0;
		int			hi = scans->nrows;

		/* The first row not below (class, object[, sub-object]). */
		while (lo < hi)
		{
			int			mid = lo + (hi - lo) / 2;

			if (depend_key_below(&order[mid], object, nkeys == 3))
				lo = mid + 1;
			else
				hi = mid;
		}
		cur->scan = NULL;
		cur->which = which;
		cur->pos = lo;
		cur->key = *object;
		cur->with_subid = (nkeys == 3);
		return;
	}

	/* Index columns 1-3 of both indexes: class, object, sub-object. */
	ScanKeyInit(&key[0], 1, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(object->classId));
	ScanKeyInit(&key[1], 2, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(object->objectId));
	ScanKeyInit(&key[2], 3, BTEqualStrategyNumber, F_INT4EQ,
				Int32GetDatum(object->objectSubId));

	oldcxt = MemoryContextSwitchTo(scans->cxt);
	scan = scans->scan[which][nkeys - 2];
	if (scan == NULL)
	{
		scan = index_beginscan(walk->depRel, scans->index[which],
							   scans->snapshot, nkeys, 0);
		scans->scan[which][nkeys - 2] = scan;
	}
	index_rescan(scan, key, nkeys, NULL, 0);
	MemoryContextSwitchTo(oldcxt);
	cur->scan = scan;
}

/*
 * depend_next
 *		The next row of a depend_scan, or NULL.  Valid until the next call.
 */
Form_pg_depend
ri_depend_next(DropWalk *walk, DependCursor *cur)
{
	DropWalkScans *scans = walk->scans;
	HeapTuple	tup;
	bool		shouldfree;
	const DependKey *k;
	MemoryContext oldcxt;
	bool		found;

	if (cur->scan == NULL)
	{
		if (cur->pos >= scans->nrows)
			return NULL;
		k = &scans->order[cur->which][cur->pos];
		if (k->classid != cur->key.classId ||
			k->objid != cur->key.objectId ||
			(cur->with_subid && k->subid != cur->key.objectSubId))
			return NULL;
		cur->pos++;
		return &scans->rows[k->row];
	}

	/* In the scan's own context: see DropWalkScans. */
	oldcxt = MemoryContextSwitchTo(scans->cxt);
	found = index_getnext_slot(cur->scan, ForwardScanDirection, scans->slot);
	MemoryContextSwitchTo(oldcxt);
	if (!found)
		return NULL;
	tup = ExecFetchSlotHeapTuple(scans->slot, false, &shouldfree);
	Assert(!shouldfree);
	return (Form_pg_depend) GETSTRUCT(tup);
}

/*
 * depend_maybe_load
 *		Load all of pg_depend if it is small next to the walk so far (see
 *		DW_LOAD_RATIO); otherwise decide again after twice as many scans.
 *
 * The rows are read with the walk's snapshot, so they are the rows the
 * index scans would return, in heap order (no synchronized scan); sorting
 * (key, row number) pairs by key, then by row number, gives each index's
 * order, whose tiebreaker is the heap position.  (PostgreSQL's updates of pg_depend
 * rows change the object or the referenced object, both indexed, so no row
 * is a HOT update whose index entry points at another heap position.)
 */
static void
depend_maybe_load(DropWalk *walk)
{
	DropWalkScans *scans = walk->scans;
	BlockNumber nblocks = RelationGetNumberOfBlocks(walk->depRel);
	double		estimate;
	int			maxrows;
	TableScanDesc hscan;
	HeapTuple	tup;
	Form_pg_depend dep;
	Form_pg_depend row;
	MemoryContext oldcxt;

	scans->next_check = Max(scans->nscans * 2, DW_LOAD_MIN_SCANS);

	/* At most this many rows fit in a page (header, line pointer). */
	estimate = (double) nblocks *
		(BLCKSZ / (MAXALIGN(SizeofHeapTupleHeader +
							sizeof(FormData_pg_depend)) +
				   sizeof(ItemIdData)));
	if ((!scans->load_at_once &&
		 estimate > (double) scans->nscans * DW_LOAD_RATIO) ||
		estimate > (double) (MaxAllocSize / sizeof(FormData_pg_depend)))
		return;

	/* The copy, like the scans, lives in the walk's context. */
	oldcxt = MemoryContextSwitchTo(scans->cxt);
	maxrows = Max((int) estimate, 1024);
	scans->rows = palloc(maxrows * sizeof(FormData_pg_depend));
	scans->nrows = 0;

	hscan = table_beginscan_strat(walk->depRel, scans->snapshot, 0, NULL,
								  true, false);
	while ((tup = heap_getnext(hscan, ForwardScanDirection)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (scans->nrows >= maxrows)
		{
			maxrows *= 2;
			scans->rows = repalloc_huge(scans->rows,
										maxrows * sizeof(FormData_pg_depend));
		}
		dep = (Form_pg_depend) GETSTRUCT(tup);
		row = &scans->rows[scans->nrows++];
		row->classid = dep->classid;
		row->objid = dep->objid;
		row->objsubid = dep->objsubid;
		row->refclassid = dep->refclassid;
		row->refobjid = dep->refobjid;
		row->refobjsubid = dep->refobjsubid;
		row->deptype = dep->deptype;
	}
	table_endscan(hscan);

	for (int which = 0; which < 2; which++)
	{
		DependKey  *order;

		order = palloc_extended(Max(scans->nrows, 1) * sizeof(DependKey),
								MCXT_ALLOC_HUGE);
		for (int i = 0; i < scans->nrows; i++)
		{
			const FormData_pg_depend *row = &scans->rows[i];

			order[i].classid = (which == DW_DEPENDER) ?
				row->classid : row->refclassid;
			order[i].objid = (which == DW_DEPENDER) ?
				row->objid : row->refobjid;
			order[i].subid = (which == DW_DEPENDER) ?
				row->objsubid : row->refobjsubid;
			order[i].row = i;
		}
		sort_depend_keys(order, scans->nrows);
		scans->order[which] = order;
	}
	MemoryContextSwitchTo(oldcxt);
}

/*
 * depend_key_below
 *		Does 'k' sort before every entry of 'key'?  Without a sub-ID, the key
 *		covers all of the object's sub-IDs.
 */
static bool
depend_key_below(const DependKey *k, const ObjectAddress *key,
				 bool with_subid)
{
	if (k->classid != key->classId)
		return k->classid < key->classId;
	if (k->objid != key->objectId)
		return k->objid < key->objectId;
	return with_subid && k->subid < key->objectSubId;
}

/*
 * depend_key_cmp
 *		Order DependKeys as pg_depend's indexes order their entries: class,
 *		object (unsigned), sub-object (signed), then heap position.
 */
static inline int
depend_key_cmp(const DependKey *ka, const DependKey *kb)
{
	if (ka->classid != kb->classid)
		return (ka->classid < kb->classid) ? -1 : 1;
	if (ka->objid != kb->objid)
		return (ka->objid < kb->objid) ? -1 : 1;
	if (ka->subid != kb->subid)
		return (ka->subid < kb->subid) ? -1 : 1;
	return (ka->row < kb->row) ? -1 : (ka->row > kb->row) ? 1 : 0;
}

/*
 * dropped_before
 *		Is 'obj' (or its whole object) among the entries before 'limit'?
 */
bool
ri_walk_dropped_before(DropWalk *walk, int limit, const ObjectAddress *obj)
{
	for (int i = newest_entry(walk, obj); i >= 0;
		 i = walk->entries[i].next_same)
	{
		DropWalkEntry *e = &walk->entries[i];

		if (i >= limit)
			continue;
		if (e->obj.objectSubId == obj->objectSubId ||
			e->obj.objectSubId == 0)
			return true;
	}
	return false;
}

/*
 * append_entry
 *		Record one object at the end of the deletion order, linked from its
 *		index entry 'ie'.
 */
void
ri_walk_append_entry(DropWalk *walk, DropWalkIndexEntry *ie, const ObjectAddress *obj,
			 int flags, const ObjectAddress *dependee)
{
	DropWalkEntry *e;

	if (walk->nentries >= walk->maxentries)
	{
		walk->maxentries *= 2;
		walk->entries = repalloc_huge(walk->entries,
									  walk->maxentries * sizeof(DropWalkEntry));
	}
	e = &walk->entries[walk->nentries];
	e->obj = *obj;
	e->flags = flags;
	if (dependee)
		e->dependee = *dependee;
	else
		memset(&e->dependee, 0, sizeof(e->dependee));
	e->batch = walk->nbatches;

	e->next_same = ie->newest;
	ie->newest = walk->nentries;

	walk->nentries++;
}

/*
 * ri_walk_raise_blockers
 *		drop_preview() or recreate_script() of a statement that fails even
 *		with CASCADE (ALTER
 *		COLUMN TYPE of a column a view uses): PostgreSQL's error for the
 *		first blocker, its SQLSTATE and message, and a detail that lists
 *		every blocker, one line each, the first line being PostgreSQL's.
 */
void
ri_walk_raise_blockers(DropWalk *walk)
{
	StringInfoData detail;
	const RiWalkBlocker *first = NULL;

	initStringInfo(&detail);
	for (int k = 0; k < ri_walk_nblockers(walk); k++)
	{
		const RiWalkBlocker *b = ri_walk_blocker(walk, k);

		if (b->cascade_resolves)
			continue;
		if (first == NULL)
			first = b;
		if (b->detail)
			appendStringInfo(&detail, "%s%s", detail.len > 0 ? "\n" : "",
							 b->detail);
	}
	if (first == NULL)
		return;
	ereport(ERROR,
			(errcode(first->sqlerrcode),
			 errmsg_internal("%s", first->message),
			 detail.len > 0 ? errdetail_internal("%s", detail.data) : 0,
			 first->hint ? errhint("%s", first->hint) : 0));
}
