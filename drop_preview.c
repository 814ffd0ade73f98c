/*-------------------------------------------------------------------------
 *
 * drop_preview.c
 *	  SQL entry points ri_audit.drop_preview() and ri_audit.assert_drop_safe().
 *
 * Both take the text of one DROP statement (or ALTER TABLE ... DROP COLUMN /
 * DROP CONSTRAINT), never execute it, and compute from the catalogs exactly
 * what the statement with CASCADE would delete: drop_target.c finds the
 * targets and the deletion calls the command would make, dependency_walk.c
 * walks pg_depend as findDependentObjects() does.  drop_preview() returns
 * one row per object; assert_drop_safe() raises the error the statement
 * without CASCADE would raise.
 *
 * Row order ("position"): the deletion calls in the order the command makes
 * them, and within each, PostgreSQL's report order: the reverse of its
 * deletion order, so targets come first and every object comes after the
 * object it was reached through.  This is the order of the "drop cascades
 * to" notice, and of pg_event_trigger_dropped_objects() for statements that
 * make one deletion call.  A column whose table is dropped too is not a row
 * (PostgreSQL does not report it either).
 *
 * Privileges: EXECUTE is granted to PUBLIC.  The rows are catalog facts
 * that pg_depend, pg_class and pg_describe_object() show to every role; no
 * row data is read.  The functions do not require the ownership the DROP
 * itself needs.  Lookup errors are those the DROP raises before its own
 * ownership check (including "permission denied for schema" when a
 * qualified name needs USAGE), so no error says more than the DROP's would.
 *
 * Locks: at most AccessShareLock, on the relations named in the statement
 * (and inheritance children visited by DROP COLUMN / DROP CONSTRAINT), on
 * other named objects, and on pg_depend and pg_constraint; while the rows
 * are described, on the catalogs PostgreSQL's describing functions read
 * (pg_trigger and pg_rewrite are held until the last row); none on the
 * objects reached through dependencies.  It therefore runs in read-only
 * transactions and on a hot standby.
 *
 * Describing 75,000 rows is half the time of a large preview, so the
 * strings of a relation are computed once for its own row and the rows of
 * its triggers, rules and table constraints (see describe_row), and only
 * the descriptions that a later row's depends_on reuses are kept.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/drop_preview.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "drop_preview.h"

PG_FUNCTION_INFO_V1(ri_audit_drop_preview);
PG_FUNCTION_INFO_V1(ri_audit_assert_drop_safe);

#define DROP_PREVIEW_COLS 10

/*
 * A relation's three strings, computed once for its own row and for every
 * trigger, rule and table constraint row that names it (most rows of a large
 * preview are such sub-objects of a few thousand tables).
 */
typedef struct RelStrings
{
	Oid			relid;			/* hash key: must be first */
	char	   *type;			/* getObjectTypeDescription() */
	char	   *identity;		/* getObjectIdentity() */
	char	   *desc;			/* getObjectDescription() */
} RelStrings;

/* A catalog read by its OID index, with one scan rescanned per lookup. */
typedef struct OidLookup
{
	Oid			relid;			/* the catalog */
	Oid			indexid;		/* its OID index */
	Relation	rel;			/* opened AccessShareLock, or NULL */
	Relation	index;			/* likewise */
	IndexScanDesc scan;			/* one-key scan, rescanned per lookup */
	TupleTableSlot *slot;		/* for its tuples */
} OidLookup;

/*
 * What describing the rows of one preview keeps between rows.  Everything
 * it allocates lives in its own memory context, deleted by describer_end:
 * the cached strings, the hash table, and the index scans and slots of the
 * lookups, which are also always advanced with that context current (a
 * B-tree scan allocates part of its state lazily, in whatever context is
 * current when it first needs it).
 */
typedef struct RowDescriber
{
	MemoryContext cxt;			/* "ri_audit drop_preview describer" */
	HTAB	   *rels;			/* relid -> RelStrings */
	Snapshot	snapshot;		/* registered catalog snapshot, or NULL */
	OidLookup	trigger;		/* pg_trigger by OID */
	OidLookup	rule;			/* pg_rewrite by OID */
} RowDescriber;

static DropWalk *run_preview(text *ddl);
static const char *dependency_label(int flags);
static void describer_init(RowDescriber *d);
static void describer_end(RowDescriber *d);
static bool describe_row(RowDescriber *d, const ObjectAddress *obj,
						 char **type, char **identity, char **desc);
static RelStrings *rel_strings(RowDescriber *d, Oid relid, bool missing_ok);
static HeapTuple lookup_by_oid(RowDescriber *d, OidLookup *l, Oid oid);

/*
 * ri_audit.drop_preview(ddl text) RETURNS TABLE (position int, classid oid,
 *	 objid oid, objsubid int, object_type text, object_identity text,
 *	 description text, depends_on text, dependency text,
 *	 requires_cascade boolean)
 *
 * Every object the statement in 'ddl' would delete with CASCADE.  Takes
 * AccessShareLock at most (see the file comment).
 */
Datum
ri_audit_drop_preview(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DropWalk   *walk;
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	int			position = 0;
	int		   *dependee_entry;
	bool	   *is_dependee;
	char	  **descs;
	RowDescriber describer;

	InitMaterializedSRF(fcinfo, 0);

	walk = run_preview(PG_GETARG_TEXT_PP(0));

	/*
	 * The object an entry was reached through is usually an entry itself,
	 * with an earlier row, so depends_on reuses that row's description
	 * instead of describing it again.  Find those entries first, so that
	 * only their descriptions are kept (a copy of the string, not the
	 * description's own buffer); every other string of a row is freed with
	 * the row.
	 */
	dependee_entry = palloc(Max(walk->nentries, 1) * sizeof(int));
	is_dependee = palloc0(Max(walk->nentries, 1) * sizeof(bool));
	descs = palloc0(Max(walk->nentries, 1) * sizeof(char *));
	for (int i = 0; i < walk->nentries; i++)
	{
		DropWalkEntry *e = &walk->entries[i];
		int			d = -1;

		CHECK_FOR_INTERRUPTS();
		if (OidIsValid(e->dependee.classId) && !(e->flags & DW_SUBOBJECT))
			d = drop_walk_lookup(walk, &e->dependee);
		dependee_entry[i] = d;
		if (d >= 0)
			is_dependee[d] = true;
	}

	describer_init(&describer);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "ri_audit drop_preview row",
								   ALLOCSET_DEFAULT_SIZES);

	for (int b = 0; b < walk->nbatches; b++)
	{
		int			start = walk->batch_start[b];
		int			end = (b + 1 < walk->nbatches) ?
			walk->batch_start[b + 1] : walk->nentries;

		for (int i = end - 1; i >= start; i--)
		{
			DropWalkEntry *e = &walk->entries[i];
			Datum		values[DROP_PREVIEW_COLS];
			bool		nulls[DROP_PREVIEW_COLS];
			char	   *type;
			char	   *identity;
			char	   *desc;
			char	   *str;

			CHECK_FOR_INTERRUPTS();
			if (e->flags & DW_SUBOBJECT)
				continue;

			oldcxt = MemoryContextSwitchTo(rowcxt);

			/* Gone since the walk read it: a concurrent drop. */
			if (!describe_row(&describer, &e->obj, &type, &identity, &desc))
			{
				MemoryContextSwitchTo(oldcxt);
				MemoryContextReset(rowcxt);
				continue;
			}
			if (is_dependee[i])
				descs[i] = MemoryContextStrdup(oldcxt, desc);

			memset(nulls, 0, sizeof(nulls));
			values[0] = Int32GetDatum(++position);
			values[1] = ObjectIdGetDatum(e->obj.classId);
			values[2] = ObjectIdGetDatum(e->obj.objectId);
			values[3] = Int32GetDatum(e->obj.objectSubId);
			values[4] = CStringGetTextDatum(type ? type : "");
			nulls[4] = (type == NULL);
			values[5] = CStringGetTextDatum(identity ? identity : "");
			nulls[5] = (identity == NULL);
			values[6] = CStringGetTextDatum(desc);
			str = NULL;
			if (OidIsValid(e->dependee.classId))
			{
				int			d = dependee_entry[i];

				str = (d >= 0 && descs[d]) ? descs[d] :
					getObjectDescription(&e->dependee, true);
			}
			values[7] = CStringGetTextDatum(str ? str : "");
			nulls[7] = (str == NULL);
			values[8] = CStringGetTextDatum(dependency_label(e->flags));
			values[9] = BoolGetDatum(drop_walk_entry_is_reported(e));

			tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
								 values, nulls);

			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
		}
	}

	MemoryContextDelete(rowcxt);
	describer_end(&describer);
	drop_walk_end(walk);

	return (Datum) 0;
}

/*
 * ri_audit.assert_drop_safe(ddl text) RETURNS void
 *
 * Raise what the statement in 'ddl' without CASCADE would raise when other
 * objects depend on its targets (2BP01, PostgreSQL's message and hint),
 * with a detail that lists every such dependent, without PostgreSQL's
 * 100-line cap.  Return quietly when the statement needs no CASCADE.
 * Takes AccessShareLock at most (see the file comment).
 */
Datum
ri_audit_assert_drop_safe(PG_FUNCTION_ARGS)
{
	DropWalk   *walk = run_preview(PG_GETARG_TEXT_PP(0));
	StringInfoData detail;
	int			failing_batch = -1;

	initStringInfo(&detail);

	for (int b = 0; b < walk->nbatches; b++)
	{
		int			start = walk->batch_start[b];
		int			end = (b + 1 < walk->nbatches) ?
			walk->batch_start[b + 1] : walk->nentries;

		for (int i = end - 1; i >= start; i--)
		{
			DropWalkEntry *e = &walk->entries[i];
			char	   *desc;
			char	   *otherdesc;

			CHECK_FOR_INTERRUPTS();
			if (!drop_walk_entry_is_reported(e))
				continue;
			desc = getObjectDescription(&e->obj, true);
			if (desc == NULL)
				continue;
			if (failing_batch < 0)
				failing_batch = b;
			otherdesc = getObjectDescription(&e->dependee, true);
			if (otherdesc == NULL)
				continue;
			if (detail.len > 0)
				appendStringInfoChar(&detail, '\n');
			appendStringInfo(&detail, _("%s depends on %s"), desc, otherdesc);
			pfree(desc);
			pfree(otherdesc);
		}
	}

	drop_walk_end(walk);

	if (failing_batch < 0)
		PG_RETURN_VOID();

	/* The first deletion call that fails gives the message's wording. */
	if (walk->batch_ntargets[failing_batch] == 1)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop %s because other objects depend on it",
						getObjectDescription(&walk->batch_first[failing_batch],
											 false)),
				 errdetail_internal("%s", detail.data),
				 errhint("Use DROP ... CASCADE to drop the dependent objects too.")));
	else
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop desired object(s) because other objects depend on them"),
				 errdetail_internal("%s", detail.data),
				 errhint("Use DROP ... CASCADE to drop the dependent objects too.")));

	PG_RETURN_VOID();
}

/*
 * run_preview
 *		Resolve and walk the statement; the result lives in the current
 *		memory context.
 */
static DropWalk *
run_preview(text *ddl)
{
	DropWalk   *walk = drop_walk_begin();

	drop_target_preview(text_to_cstring(ddl), walk);
	return walk;
}

/*
 * dependency_label
 *		How an entry was reached, for the "dependency" column: 'target' for
 *		the statement's own targets; otherwise the silent kinds first (one of
 *		them is enough to drop the object silently), then 'normal', then
 *		'owner' for an object pulled in only because something it owns
 *		through an internal or extension dependency had to go.
 */
static const char *
dependency_label(int flags)
{
	if (flags & DW_ORIGINAL)
		return "target";
	if (flags & DW_INTERNAL)
		return "internal";
	if (flags & DW_EXTENSION)
		return "extension";
	if (flags & DW_PARTITION)
		return "partition";
	if (flags & DW_AUTO)
		return "auto";
	if (flags & DW_NORMAL)
		return "normal";
	return "owner";
}

/*
 * describer_init
 *		Start describing rows, in a new memory context that is a child of the
 *		current one.
 */
static void
describer_init(RowDescriber *d)
{
	HASHCTL		ctl;

	memset(d, 0, sizeof(*d));
	d->cxt = AllocSetContextCreate(CurrentMemoryContext,
								   "ri_audit drop_preview describer",
								   ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelStrings);
	ctl.hcxt = d->cxt;
	d->rels = hash_create("ri_audit drop preview relations", 256, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	d->trigger.relid = TriggerRelationId;
	d->trigger.indexid = TriggerOidIndexId;
	d->rule.relid = RewriteRelationId;
	d->rule.indexid = RewriteOidIndexId;
}

/*
 * describer_end
 *		Close the catalogs describe_row opened and free the describer's
 *		memory; strings describe_row returned from its cache are gone too.
 */
static void
describer_end(RowDescriber *d)
{
	OidLookup  *lookups[2] = {&d->trigger, &d->rule};

	for (int i = 0; i < 2; i++)
	{
		OidLookup  *l = lookups[i];

		if (l->rel == NULL)
			continue;
		index_endscan(l->scan);
		ExecDropSingleTupleTableSlot(l->slot);
		index_close(l->index, AccessShareLock);
		table_close(l->rel, AccessShareLock);
		l->rel = NULL;
	}
	if (d->snapshot)
		UnregisterSnapshot(d->snapshot);
	d->snapshot = NULL;
	MemoryContextDelete(d->cxt);
	d->cxt = NULL;
	d->rels = NULL;
}

/*
 * describe_row
 *		The object_type, object_identity and description of a row, exactly
 *		as getObjectTypeDescription(), getObjectIdentity() and
 *		getObjectDescription() give them (missing_ok); false when the object
 *		is gone (no description).  The strings live in the current memory
 *		context or in the describer's cache: the caller must not free them.
 *
 * For a whole relation, a trigger, a rule and a table constraint, those
 * three functions compose the relation's own description and identity
 * with the sub-object's name; here the relation's strings come from a
 * cache, so each relation is described once, and a trigger or rule is
 * read once instead of twice.  The texts are PostgreSQL's own
 * (objectaddress.c); t/020_drop_differential.pl compares them with what
 * pg_describe_object() says.  Everything else is left to PostgreSQL.
 */
static bool
describe_row(RowDescriber *d, const ObjectAddress *obj,
			 char **type, char **identity, char **desc)
{
	if (obj->classId == RelationRelationId && obj->objectSubId == 0)
	{
		RelStrings *rs = rel_strings(d, obj->objectId, true);

		if (rs == NULL)
			return false;
		*type = rs->type;
		*identity = rs->identity;
		*desc = rs->desc;
		return true;
	}

	if (obj->classId == TriggerRelationId ||
		obj->classId == RewriteRelationId)
	{
		bool		is_trigger = (obj->classId == TriggerRelationId);
		HeapTuple	tup;
		char	   *name;
		Oid			relid;
		RelStrings *rs;

		tup = lookup_by_oid(d, is_trigger ? &d->trigger : &d->rule,
							obj->objectId);
		if (tup == NULL)
			return false;
		if (is_trigger)
		{
			Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);

			name = pstrdup(NameStr(trig->tgname));
			relid = trig->tgrelid;
		}
		else
		{
			Form_pg_rewrite rule = (Form_pg_rewrite) GETSTRUCT(tup);

			name = pstrdup(NameStr(rule->rulename));
			relid = rule->ev_class;
		}
		rs = rel_strings(d, relid, false);
		*type = is_trigger ? "trigger" : "rule";
		*identity = psprintf("%s on %s", quote_identifier(name),
							 rs->identity);
		/* translator: second %s is, e.g., "table %s" */
		*desc = is_trigger ? psprintf(_("trigger %s on %s"), name, rs->desc) :
			psprintf(_("rule %s on %s"), name, rs->desc);
		return true;
	}

	if (obj->classId == ConstraintRelationId)
	{
		HeapTuple	tup;
		Form_pg_constraint con;

		tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(obj->objectId));
		if (!HeapTupleIsValid(tup))
			return false;
		con = (Form_pg_constraint) GETSTRUCT(tup);
		if (OidIsValid(con->conrelid))
		{
			RelStrings *rs = rel_strings(d, con->conrelid, false);

			*type = "table constraint";
			*identity = psprintf("%s on %s",
								 quote_identifier(NameStr(con->conname)),
								 rs->identity);
			/* translator: second %s is, e.g., "table %s" */
			*desc = psprintf(_("constraint %s on %s"),
							 NameStr(con->conname), rs->desc);
			ReleaseSysCache(tup);
			return true;
		}
		ReleaseSysCache(tup);
		/* a domain constraint: PostgreSQL's functions below */
	}

	*desc = getObjectDescription(obj, true);
	if (*desc == NULL)
		return false;
	*type = getObjectTypeDescription(obj, true);
	*identity = getObjectIdentity(obj, true);
	return true;
}

/*
 * rel_strings
 *		A relation's cached strings, computed on first use; NULL when it is
 *		missing and missing_ok (an error otherwise, as PostgreSQL's functions
 *		raise when a sub-object names a relation that is gone).
 */
static RelStrings *
rel_strings(RowDescriber *d, Oid relid, bool missing_ok)
{
	RelStrings *rs;
	bool		found;
	ObjectAddress addr;
	char	   *desc;
	char	   *type;
	char	   *identity;

	rs = hash_search(d->rels, &relid, HASH_FIND, NULL);
	if (rs)
		return rs;

	/* Described in the caller's (per-row) context; only copies are kept. */
	ObjectAddressSet(addr, RelationRelationId, relid);
	desc = getObjectDescription(&addr, missing_ok);
	if (desc == NULL)
		return NULL;
	type = getObjectTypeDescription(&addr, missing_ok);
	identity = getObjectIdentity(&addr, missing_ok);

	rs = hash_search(d->rels, &relid, HASH_ENTER, &found);
	rs->desc = MemoryContextStrdup(d->cxt, desc);
	rs->type = type ? MemoryContextStrdup(d->cxt, type) : NULL;
	rs->identity = identity ? MemoryContextStrdup(d->cxt, identity) : NULL;
	return rs;
}

/*
 * lookup_by_oid
 *		The row of catalog 'l' whose OID is 'oid', or NULL; valid until the
 *		next lookup in the same catalog.  The catalog is opened with
 *		AccessShareLock on first use, until describer_end, and read with one
 *		catalog snapshot registered at that time.
 *
 * The scan and its slot live in the describer's context, and are begun,
 * rescanned and read with that context current, whatever the caller's
 * (describe_row runs in a context reset after every row).  This matters:
 * the first time a B-tree scan returns a tuple whose index entry it can
 * mark dead, btgettuple allocates the array of such entries in the current
 * context, and every later rescan reads and writes that array.
 */
static HeapTuple
lookup_by_oid(RowDescriber *d, OidLookup *l, Oid oid)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(d->cxt);
	ScanKeyData key;
	HeapTuple	tup = NULL;
	bool		shouldfree;

	if (l->rel == NULL)
	{
		if (d->snapshot == NULL)
			d->snapshot = RegisterSnapshot(GetCatalogSnapshot(l->relid));
		l->rel = table_open(l->relid, AccessShareLock);
		l->index = index_open(l->indexid, AccessShareLock);
		l->scan = index_beginscan(l->rel, l->index, d->snapshot, 1, 0);
		l->slot = table_slot_create(l->rel, NULL);
	}

	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(oid));
	index_rescan(l->scan, &key, 1, NULL, 0);
	if (index_getnext_slot(l->scan, ForwardScanDirection, l->slot))
	{
		/* A buffer tuple: no copy is made, the slot keeps its pin. */
		tup = ExecFetchSlotHeapTuple(l->slot, false, &shouldfree);
		Assert(!shouldfree);
	}
	MemoryContextSwitchTo(oldcxt);
	return tup;
}
