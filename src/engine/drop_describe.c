/*-------------------------------------------------------------------------
 *
 * drop_describe.c
 *	  The object_type, object_identity and description of each row of a
 *	  drop preview, as PostgreSQL's objectaddress.c gives them, computed
 *	  once per relation.
 *
 * Describing 75,000 rows is most of the time of a large preview, and most
 * of that is catalog lookups, so:
 *	- the strings of a relation are computed once for its own row and the
 *	  rows of its triggers, rules and table constraints;
 *	- the rows of pg_class, pg_type, pg_constraint, pg_trigger and pg_rewrite
 *	  are read by OID through one index scan per catalog, rescanned for each
 *	  lookup, instead of a catalog cache miss (a scan set up and torn down,
 *	  and a cache entry kept) per object;
 *	- a relation or a type whose schema is not in the search path is
 *	  described from its row with the schema's names cached per schema
 *	  (src/import/objectaddress.c composes the strings as objectaddress.c
 *	  and format_type.c do): its description is qualified whatever
 *	  RelationIsVisible() or TypeIsVisible() would look up;
 *	- a trigger or rule is read once.
 * Everything else (an object in a schema of the search path, a built-in
 * type, other classes) is left to PostgreSQL's getObjectDescription(),
 * getObjectTypeDescription() and getObjectIdentity().
 *
 * Memory: everything the describer keeps lives in its own context, deleted
 * by ri_describer_end(): the strings of each relation and the names of each
 * schema met; strings it returns for one row live in the caller's context
 * or in its cache.
 *
 * Locks: AccessShareLock on pg_class, pg_type, pg_constraint, pg_trigger and
 * pg_rewrite (and their OID indexes) from their first use until
 * ri_describer_end(), read with one registered catalog snapshot;
 * PostgreSQL's describing functions take what they take (AccessShareLock on
 * the catalogs they read).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/drop_describe.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/transam.h"
#include "catalog/namespace.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"

#include "ri_drop.h"

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

/*
 * The names of a schema, for the relations and types in it that are
 * described from their rows.
 */
typedef struct NspNames
{
	Oid			nspid;			/* hash key: must be first */
	bool		in_path;		/* in the search path, pg_catalog, or gone:
								 * its objects are left to PostgreSQL */
	char	   *name;			/* get_namespace_name(), or NULL */
	char	   *name_or_temp;	/* get_namespace_name_or_temp(), or NULL */
} NspNames;

/* The catalogs the describer reads by OID. */
typedef enum DescribeCatalog
{
	DC_CLASS,
	DC_TYPE,
	DC_CONSTRAINT,
	DC_TRIGGER,
	DC_RULE,
	DC_NUM_CATALOGS
} DescribeCatalog;

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
 * it allocates lives in its own memory context, deleted by ri_describer_end:
 * the cached strings, the hash table, and the index scans and slots of the
 * lookups, which are also always advanced with that context current (a
 * B-tree scan allocates part of its state lazily, in whatever context is
 * current when it first needs it).
 */
struct RiDescriber
{
	MemoryContext cxt;			/* "ri_audit drop_preview describer" */
	HTAB	   *rels;			/* relid -> RelStrings */
	HTAB	   *nsps;			/* nspid -> NspNames */
	List	   *search_path;	/* fetch_search_path(false) */
	Snapshot	snapshot;		/* registered catalog snapshot, or NULL */
	OidLookup	lookups[DC_NUM_CATALOGS];	/* each catalog by OID */
};

static RelStrings *rel_strings(RiDescriber *d, Oid relid, bool missing_ok);
static bool type_strings(RiDescriber *d, Oid typid, char **type,
						 char **identity, char **desc);
static NspNames *nsp_names(RiDescriber *d, Oid nspid);
static HeapTuple lookup_by_oid(RiDescriber *d, DescribeCatalog catalog,
							   Oid oid);

/*
 * ri_describer_begin
 *		Start describing rows, in a new memory context that is a child of the
 *		current one (the describer itself is allocated in the current one).
 */
RiDescriber *
ri_describer_begin(void)
{
	RiDescriber *d = palloc0(sizeof(RiDescriber));
	HASHCTL		ctl;
	static const Oid catalogs[DC_NUM_CATALOGS][2] = {
		[DC_CLASS] = {RelationRelationId, ClassOidIndexId},
		[DC_TYPE] = {TypeRelationId, TypeOidIndexId},
		[DC_CONSTRAINT] = {ConstraintRelationId, ConstraintOidIndexId},
		[DC_TRIGGER] = {TriggerRelationId, TriggerOidIndexId},
		[DC_RULE] = {RewriteRelationId, RewriteOidIndexId},
	};
	MemoryContext oldcxt;

	d->cxt = AllocSetContextCreate(CurrentMemoryContext,
								   "ri_audit drop_preview describer",
								   ALLOCSET_DEFAULT_SIZES);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(RelStrings);
	ctl.hcxt = d->cxt;
	d->rels = hash_create("ri_audit drop preview relations", 256, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.entrysize = sizeof(NspNames);
	d->nsps = hash_create("ri_audit drop preview schemas", 16, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	oldcxt = MemoryContextSwitchTo(d->cxt);
	d->search_path = fetch_search_path(false);
	MemoryContextSwitchTo(oldcxt);
	for (int c = 0; c < DC_NUM_CATALOGS; c++)
	{
		d->lookups[c].relid = catalogs[c][0];
		d->lookups[c].indexid = catalogs[c][1];
	}
	return d;
}

/*
 * ri_describer_end
 *		Close the catalogs describe_row opened and free the describer's
 *		memory; strings describe_row returned from its cache are gone too.
 */
void
ri_describer_end(RiDescriber *d)
{
	for (int c = 0; c < DC_NUM_CATALOGS; c++)
	{
		OidLookup  *l = &d->lookups[c];

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
	d->nsps = NULL;
	d->search_path = NIL;
}

/*
 * ri_describe_object
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
 * read once instead of twice.  A relation or type outside the search path
 * is described from its row (see the file comment).  The texts are
 * PostgreSQL's own (objectaddress.c); t/020_drop_differential.pl compares
 * them with what pg_describe_object() says.  Everything else is left to
 * PostgreSQL.
 */
bool
ri_describe_object(RiDescriber *d, const ObjectAddress *obj,
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

		tup = lookup_by_oid(d, is_trigger ? DC_TRIGGER : DC_RULE,
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
		ri_subobject_strings(obj->classId, name, rs->identity, rs->desc,
							 type, identity, desc);
		return true;
	}

	if (obj->classId == ConstraintRelationId)
	{
		HeapTuple	tup;
		Form_pg_constraint con;

		tup = lookup_by_oid(d, DC_CONSTRAINT, obj->objectId);
		if (tup == NULL)
			return false;
		con = (Form_pg_constraint) GETSTRUCT(tup);
		if (OidIsValid(con->conrelid))
		{
			RelStrings *rs = rel_strings(d, con->conrelid, false);

			ri_subobject_strings(ConstraintRelationId, NameStr(con->conname),
								 rs->identity, rs->desc,
								 type, identity, desc);
			return true;
		}
		/* a domain constraint: PostgreSQL's functions below */
	}

	if (obj->classId == TypeRelationId && obj->objectSubId == 0 &&
		type_strings(d, obj->objectId, type, identity, desc))
		return true;

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
rel_strings(RiDescriber *d, Oid relid, bool missing_ok)
{
	RelStrings *rs;
	bool		found;
	HeapTuple	tup;
	NspNames   *ns = NULL;
	char	   *desc;
	char	   *type;
	char	   *identity;

	rs = hash_search(d->rels, &relid, HASH_FIND, NULL);
	if (rs)
		return rs;

	/* Described in the caller's (per-row) context; only copies are kept. */
	tup = lookup_by_oid(d, DC_CLASS, relid);
	if (tup != NULL)
	{
		Form_pg_class rel = (Form_pg_class) GETSTRUCT(tup);

		ns = nsp_names(d, rel->relnamespace);
		if (!ns->in_path)
			ri_relation_strings(rel->relkind, NameStr(rel->relname),
								ns->name, ns->name_or_temp,
								&type, &identity, &desc);
	}
	if (ns == NULL || ns->in_path)
	{
		ObjectAddress addr;

		ObjectAddressSet(addr, RelationRelationId, relid);
		desc = getObjectDescription(&addr, missing_ok);
		if (desc == NULL)
			return NULL;
		type = getObjectTypeDescription(&addr, missing_ok);
		identity = getObjectIdentity(&addr, missing_ok);
	}

	rs = hash_search(d->rels, &relid, HASH_ENTER, &found);
	rs->desc = MemoryContextStrdup(d->cxt, desc);
	rs->type = type ? MemoryContextStrdup(d->cxt, type) : NULL;
	rs->identity = identity ? MemoryContextStrdup(d->cxt, identity) : NULL;
	return rs;
}

/*
 * type_strings
 *		The strings of a type whose name format_type_extended() takes from
 *		its row (or its element type's, for a true array type) and whose
 *		schema is not in the search path; false when PostgreSQL's functions
 *		must describe it (it is missing, a built-in type, or in the search
 *		path).
 */
static bool
type_strings(RiDescriber *d, Oid typid, char **type, char **identity,
			 char **desc)
{
	HeapTuple	tup = lookup_by_oid(d, DC_TYPE, typid);
	Form_pg_type typ;
	bool		is_array = false;
	NspNames   *ns;

	if (tup == NULL)
		return false;
	typ = (Form_pg_type) GETSTRUCT(tup);
	/* format_type_extended's test of an array it names by its element */
	if (IsTrueArrayType(typ) && typ->typstorage != TYPSTORAGE_PLAIN)
	{
		tup = lookup_by_oid(d, DC_TYPE, typ->typelem);
		if (tup == NULL)
			return false;
		typ = (Form_pg_type) GETSTRUCT(tup);
		is_array = true;
	}
	/* its special cases are all built-in types */
	if (typ->oid < FirstNormalObjectId)
		return false;
	ns = nsp_names(d, typ->typnamespace);
	if (ns->in_path)
		return false;
	ri_type_strings(NameStr(typ->typname), ns->name_or_temp, is_array,
					type, identity, desc);
	return true;
}

/*
 * nsp_names
 *		A schema's cached names, read on first use.  Objects of a schema in
 *		the search path may be visible (RelationIsVisible() and
 *		TypeIsVisible() unqualify them), which only PostgreSQL's functions
 *		decide; in_path is also set for pg_catalog, which is searched
 *		whatever the path, and for a schema gone since the walk.
 */
static NspNames *
nsp_names(RiDescriber *d, Oid nspid)
{
	NspNames   *ns;
	bool		found;

	ns = hash_search(d->nsps, &nspid, HASH_ENTER, &found);
	if (found)
		return ns;
	ns->name = get_namespace_name(nspid);
	ns->name_or_temp = get_namespace_name_or_temp(nspid);
	ns->in_path = (nspid == PG_CATALOG_NAMESPACE ||
				   list_member_oid(d->search_path, nspid) ||
				   ns->name == NULL || ns->name_or_temp == NULL);
	if (ns->name)
		ns->name = MemoryContextStrdup(d->cxt, ns->name);
	if (ns->name_or_temp)
		ns->name_or_temp = MemoryContextStrdup(d->cxt, ns->name_or_temp);
	return ns;
}

/*
 * lookup_by_oid
 *		The row of 'catalog' whose OID is 'oid', or NULL; valid until the
 *		next lookup in the same catalog.  The catalog is opened with
 *		AccessShareLock on first use, until ri_describer_end, and read with one
 *		catalog snapshot registered at that time.
 *
 * The scan and its slot live in the describer's context, and are begun,
 * rescanned and read with that context current, whatever the caller's
 * (ri_describe_object runs in a context reset after every row).  This matters:
 * the first time a B-tree scan returns a tuple whose index entry it can
 * mark dead, btgettuple allocates the array of such entries in the current
 * context, and every later rescan reads and writes that array.
 */
static HeapTuple
lookup_by_oid(RiDescriber *d, DescribeCatalog catalog, Oid oid)
{
	OidLookup  *l = &d->lookups[catalog];
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
