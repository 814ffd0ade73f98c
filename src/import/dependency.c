/*-------------------------------------------------------------------------
 *
 * dependency.c
 *	  findDependentObjects() without locks: what one deletion call deletes.
 *
 * Keep in sync with src/backend/catalog/dependency.c, PostgreSQL 15:
 * ri_walk_object() follows findDependentObjects(), the two
 * *_present_add_flags functions follow object_address_present_add_flags()
 * and stack_address_present_add_flags(), ri_object_address_comparator() follows
 * object_address_comparator() (the order dependents are visited in).  They
 * differ from core in this only: no object is locked (core takes
 * AccessExclusiveLock on every object it visits), the target list is the
 * walk's hash-indexed entry list, pg_depend is read through the walk's
 * scans (ri_depend_scan), and an object an earlier deletion call of the
 * same statement deleted is skipped, since that call would have removed
 * its pg_depend rows.  When PostgreSQL changes dependency.c, diff these
 * functions against it.
 *
 * Locks: none (the walk holds AccessShareLock on pg_depend).
 *
 * Copyright (c) 2026, ri_audit developers
 * Portions Copyright (c) 1996-2022, PostgreSQL Global Development Group
 * Portions Copyright (c) 1994, Regents of the University of California
 *
 * IDENTIFICATION
 *	  ri_audit/src/import/dependency.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_depend.h"
#include "miscadmin.h"
#include "utils/hsearch.h"

#include "ri_dependency_walk_int.h"

static bool entries_present_add_flags(DropWalk *walk, DropWalkBatch *batch,
									  DropWalkIndexEntry *ie,
									  const ObjectAddress *object, int flags);
static bool stack_present_add_flags(const ObjectAddress *object, int flags,
									DropWalkStack *stack);

/*
 * ri_walk_object
 *		findDependentObjects() without locks: add 'object' and everything
 *		that depends on it to the current batch, dependents first.
 *
 * objflags: why this object is visited now (DW_* bit of the dependency, or
 * DW_ORIGINAL, or DW_REVERSE); stack: the objects being visited, NULL at
 * the outermost level.
 */
void
ri_walk_object(DropWalk *walk, DropWalkBatch *batch, const ObjectAddress *object,
			int objflags, DropWalkStack *stack)
{
	DependCursor scan;
	Form_pg_depend dep;
	ObjectAddress other;
	ObjectAddress owner;
	ObjectAddress partowner;
	DropWalkDependent *deps;
	int			ndeps;
	int			maxdeps;
	DropWalkStack mystack;
	bool		later_batch = (batch->start > 0);
	DropWalkIndexKey key;
	DropWalkIndexEntry *ie;
	bool		found;

	/* Already being visited further out: report the flags back there. */
	if (stack_present_add_flags(object, objflags, stack))
		return;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	/*
	 * Already scheduled by this batch?  The index entry found here stays
	 * valid through the recursion (dynahash never moves entries), and is
	 * where this object's own entry is linked in at the end.
	 */
	key.classId = object->classId;
	key.objectId = object->objectId;
	ie = hash_search(walk->index, &key, HASH_ENTER, &found);
	if (!found)
		ie->newest = -1;
	if (entries_present_add_flags(walk, batch, ie, object, objflags))
		return;

	if (IsPinnedObject(object->classId, object->objectId))
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop %s because it is required by the database system",
						getObjectDescription(object, false))));

	/*
	 * What this object depends on: find its owners.  With sub-id 0 the scan
	 * covers the object's sub-objects too.
	 */
	ri_depend_scan(walk, DW_DEPENDER, object, &scan);

	memset(&owner, 0, sizeof(owner));
	memset(&partowner, 0, sizeof(partowner));

	while ((dep = ri_depend_next(walk, &scan)) != NULL)
	{
		other.classId = dep->refclassid;
		other.objectId = dep->refobjid;
		other.objectSubId = dep->refobjsubid;

		/* A sub-object depending on its own object (partitioning). */
		if (other.classId == object->classId &&
			other.objectId == object->objectId &&
			object->objectSubId == 0)
			continue;

		/* Rows of objects an earlier batch deleted are gone by now. */
		if (later_batch && ri_walk_dropped_before(walk, batch->start, &other))
			continue;

		switch (dep->deptype)
		{
			case DEPENDENCY_NORMAL:
			case DEPENDENCY_AUTO:
			case DEPENDENCY_AUTO_EXTENSION:
				break;

			case DEPENDENCY_EXTENSION:
			case DEPENDENCY_INTERNAL:

				/*
				 * (A preview never runs inside an extension script, so
				 * dependency.c's creating_extension exception cannot apply.)
				 *
				 * At the outermost level: fine if the owner is a target of
				 * the batch (it will bring this object along), else an
				 * error after the scan.
				 */
				if (stack == NULL)
				{
					/* Deleted by the command before the call. */
					if (batch->detached &&
						dep->deptype == DEPENDENCY_INTERNAL)
						break;
					for (int i = 0; i < batch->ntargets; i++)
					{
						const ObjectAddress *t = &batch->targets[i];

						if (t->classId == other.classId &&
							t->objectId == other.objectId &&
							(t->objectSubId == other.objectSubId ||
							 t->objectSubId == 0))
							return;
					}
					if (!OidIsValid(owner.classId) ||
						dep->deptype == DEPENDENCY_EXTENSION)
						owner = other;
					break;
				}

				/* Reached from the owner (or from a whole owner): fine. */
				if (stack_present_add_flags(&other, 0, stack))
					break;

				/*
				 * Otherwise drop the owner instead; its walk comes back to
				 * this object.  This object is not pushed on the stack.
				 * (The scan is left unfinished: the next rescan resets it.)
				 */
				ri_walk_object(walk, batch, &other, DW_REVERSE, stack);
				if (!entries_present_add_flags(walk, batch, ie, object,
											   objflags))
					elog(ERROR, "deletion of owning object %s failed to delete %s",
						 getObjectDescription(&other, false),
						 getObjectDescription(object, false));
				return;

			case DEPENDENCY_PARTITION_PRI:
				/* Deleted by the command before the call. */
				if (stack == NULL && batch->detached)
					break;
				objflags |= DW_IS_PART;
				partowner = other;
				break;

			case DEPENDENCY_PARTITION_SEC:
				if (stack == NULL && batch->detached)
					break;
				if (!(objflags & DW_IS_PART))
					partowner = other;
				objflags |= DW_IS_PART;
				break;

			default:
				elog(ERROR, "unrecognized dependency type '%c' for %s",
					 dep->deptype, getObjectDescription(object, false));
				break;
		}
	}

	if (OidIsValid(owner.classId))
	{
		char	   *otherdesc;

		otherdesc = getObjectDescription(OidIsValid(partowner.classId) ?
										 &partowner : &owner, false);
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop %s because %s requires it",
						getObjectDescription(object, false), otherdesc),
				 errhint("You can drop %s instead.", otherdesc)));
	}

	/* What depends on this object. */
	ri_depend_scan(walk, DW_REFERENCE, object, &scan);

	maxdeps = 16;
	deps = palloc(maxdeps * sizeof(DropWalkDependent));
	ndeps = 0;

	while ((dep = ri_depend_next(walk, &scan)) != NULL)
	{
		int			subflags;

		other.classId = dep->classid;
		other.objectId = dep->objid;
		other.objectSubId = dep->objsubid;

		if (other.classId == object->classId &&
			other.objectId == object->objectId &&
			object->objectSubId == 0)
			continue;

		if (later_batch && ri_walk_dropped_before(walk, batch->start, &other))
			continue;

		switch (dep->deptype)
		{
			case DEPENDENCY_NORMAL:
				subflags = DW_NORMAL;
				break;
			case DEPENDENCY_AUTO:
			case DEPENDENCY_AUTO_EXTENSION:
				subflags = DW_AUTO;
				break;
			case DEPENDENCY_INTERNAL:
				subflags = DW_INTERNAL;
				break;
			case DEPENDENCY_PARTITION_PRI:
			case DEPENDENCY_PARTITION_SEC:
				subflags = DW_PARTITION;
				break;
			case DEPENDENCY_EXTENSION:
				subflags = DW_EXTENSION;
				break;
			default:
				elog(ERROR, "unrecognized dependency type '%c' for %s",
					 dep->deptype, getObjectDescription(object, false));
				subflags = 0;	/* keep compiler quiet */
				break;
		}

		if (ndeps >= maxdeps)
		{
			maxdeps *= 2;
			deps = repalloc(deps, maxdeps * sizeof(DropWalkDependent));
		}
		deps[ndeps].obj = other;
		deps[ndeps].subflags = subflags;
		ndeps++;
	}

	if (ndeps > 1)
		qsort(deps, ndeps, sizeof(DropWalkDependent),
			  ri_object_address_comparator);

	mystack.object = object;
	mystack.flags = objflags;
	mystack.next = stack;

	for (int i = 0; i < ndeps; i++)
		ri_walk_object(walk, batch, &deps[i].obj, deps[i].subflags, &mystack);

	pfree(deps);

	/* Dependents are in; now this object, with every flag it collected. */
	if (mystack.flags & DW_IS_PART)
		ri_walk_append_entry(walk, ie, object, mystack.flags, &partowner);
	else
		ri_walk_append_entry(walk, ie, object, mystack.flags,
					 stack ? stack->object : NULL);
}

/*
 * entries_present_add_flags
 *		dependency.c's object_address_present_add_flags over the current
 *		batch's entries; 'ie' is the object's index entry.
 */
static bool
entries_present_add_flags(DropWalk *walk, DropWalkBatch *batch,
						  DropWalkIndexEntry *ie,
						  const ObjectAddress *object, int flags)
{
	bool		result = false;

	for (int i = ie->newest; i >= batch->start; i = walk->entries[i].next_same)
	{
		DropWalkEntry *e = &walk->entries[i];

		if (e->obj.objectSubId == object->objectSubId)
		{
			e->flags |= flags;
			result = true;
		}
		else if (e->obj.objectSubId == 0)
		{
			/* The whole table is scheduled: the column comes with it. */
			result = true;
		}
		else if (object->objectSubId == 0)
		{
			/* A column was scheduled before its whole table. */
			if (flags)
				e->flags |= (flags | DW_SUBOBJECT);
		}
	}
	return result;
}

/*
 * stack_present_add_flags
 *		dependency.c's stack_address_present_add_flags.
 */
static bool
stack_present_add_flags(const ObjectAddress *object, int flags,
						DropWalkStack *stack)
{
	bool		result = false;

	for (DropWalkStack *s = stack; s; s = s->next)
	{
		const ObjectAddress *thisobj = s->object;

		if (object->classId != thisobj->classId ||
			object->objectId != thisobj->objectId)
			continue;
		if (object->objectSubId == thisobj->objectSubId)
		{
			s->flags |= flags;
			result = true;
		}
		else if (thisobj->objectSubId == 0)
			result = true;
		else if (object->objectSubId == 0)
		{
			if (flags)
				s->flags |= (flags | DW_SUBOBJECT);
		}
	}
	return result;
}

/*
 * ri_object_address_comparator
 *		dependency.c's object_address_comparator: OID descending, then class
 *		ID, then sub-ID as unsigned (so the whole object comes first).  The
 *		order in which findDependentObjects() visits dependents, and the one
 *		sort_object_addresses() gives DROP OWNED's targets.
 */
int
ri_object_address_comparator(const void *a, const void *b)
{
	const ObjectAddress *obja = (const ObjectAddress *) a;
	const ObjectAddress *objb = (const ObjectAddress *) b;

	if (obja->objectId > objb->objectId)
		return -1;
	if (obja->objectId < objb->objectId)
		return 1;
	if (obja->classId < objb->classId)
		return -1;
	if (obja->classId > objb->classId)
		return 1;
	if ((unsigned int) obja->objectSubId < (unsigned int) objb->objectSubId)
		return -1;
	if ((unsigned int) obja->objectSubId > (unsigned int) objb->objectSubId)
		return 1;
	return 0;
}
