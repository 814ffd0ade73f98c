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
 *	  and a cache entry kept) per object; when the preview has many objects
 *	  of a catalog next to the catalog's size, ri_describer_prefetch() reads
 *	  the catalog once, sequentially, and keeps the few fields of the rows of
 *	  the preview's objects (a lookup is a B-tree descent, several times the
 *	  cost of reading one more row of a sequential scan);
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
 * by ri_describer_end(): the strings of each relation, the names of each
 * schema met, and the fields of the rows prefetched (about 60 bytes per
 * object); strings it returns for one row live in the caller's context or
 * in its cache.
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
#include "access/heapam.h"
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
#include "miscadmin.h"
#include "storage/bufmgr.h"
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

/* The fields of a catalog row the describer uses. */
typedef struct DescRow
{
	Oid			oid;			/* the row's OID (hash key: must be first) */
	const char *name;			/* relname, typname, conname, tgname or
								 * rulename */
	Oid			owner;			/* relnamespace, typnamespace, conrelid,
								 * tgrelid or ev_class */
	Oid			elem;			/* pg_type: the element type, when
								 * format_type_extended() names the type by
								 * it (a true array, not of plain storage);
								 * otherwise InvalidOid */
	char		relkind;		/* pg_class: relkind */
} DescRow;

/*
 * A catalog read by its OID index, with one scan rescanned per lookup, or
 * from the rows prefetched.
 */
typedef struct OidLookup
{
	Oid			relid;			/* the catalog */
	Oid			indexid;		/* its OID index */
	Size		rowsize;		/* sizeof its FormData_* (for estimates) */
	Relation	rel;			/* opened AccessShareLock, or NULL */
	Relation	index;			/* likewise, or NULL */
	IndexScanDesc scan;			/* one-key scan, rescanned per lookup */
	TupleTableSlot *slot;		/* for its tuples */
	HTAB	   *prefetched;		/* oid -> DescRow, or NULL */
} OidLookup;

/*
 * ri_describer_prefetch reads a catalog once the preview has at least one
 * object for every DD_PREFETCH_RATIO rows the catalog may hold (its blocks
 * times the rows of the smallest size that fit in one), and at least
 * DD_PREFETCH_MIN objects of it.
 */
#define DD_PREFETCH_RATIO	8
#define DD_PREFETCH_MIN		1024

/*
 * What describing the rows of one preview keeps between rows.  Everything
 * it allocates lives in its own memory context, deleted by ri_describer_end:
 * the cached strings, the hash tables, and the index scans and slots of the
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
static bool fetch_row(RiDescriber *d, DescribeCatalog catalog, Oid oid,
					  DescRow *row);
static void row_fields(DescribeCatalog catalog, HeapTuple tup, DescRow *row);
static void open_catalog(RiDescriber *d, OidLookup *l);

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

	d->lookups[DC_CLASS].relid = RelationRelationId;
	d->lookups[DC_CLASS].indexid = ClassOidIndexId;
	d->lookups[DC_CLASS].rowsize = sizeof(FormData_pg_class);
	d->lookups[DC_TYPE].relid = TypeRelationId;
	d->lookups[DC_TYPE].indexid = TypeOidIndexId;
	d->lookups[DC_TYPE].rowsize = sizeof(FormData_pg_type);
	d->lookups[DC_CONSTRAINT].relid = ConstraintRelationId;
	d->lookups[DC_CONSTRAINT].indexid = ConstraintOidIndexId;
	d->lookups[DC_CONSTRAINT].rowsize = sizeof(FormData_pg_constraint);
	d->lookups[DC_TRIGGER].relid = TriggerRelationId;
	d->lookups[DC_TRIGGER].indexid = TriggerOidIndexId;
	d->lookups[DC_TRIGGER].rowsize = sizeof(FormData_pg_trigger);
	d->lookups[DC_RULE].relid = RewriteRelationId;
	d->lookups[DC_RULE].indexid = RewriteOidIndexId;
	d->lookups[DC_RULE].rowsize = sizeof(FormData_pg_rewrite);
	return d;
}

/*
 * ri_describer_prefetch
 *		Read at once, sequentially, each catalog of which the walk has many
 *		objects next to the catalog's size (see DD_PREFETCH_RATIO), or every
 *		catalog when 'at_once' (ri_audit.debug_load_depend, so that the tests
 *		run this code on small schemas), keeping the fields of the rows of
 *		the walk's objects.  Rows read later by OID come from there; any
 *		other row is still looked up by its index.
 *
 * The rows are read with the describer's catalog snapshot, which a lookup
 * by index uses too, so both ways give the same rows.
 */
void
ri_describer_prefetch(RiDescriber *d, DropWalk *walk, bool at_once)
{
	int			counts[DC_NUM_CATALOGS] = {0};
	int			nentries = ri_walk_nentries(walk);
	MemoryContext oldcxt;

	for (int i = 0; i < nentries; i++)
	{
		const DropWalkEntry *e = ri_walk_entry(walk, i);

		if (e->obj.objectSubId != 0)
			continue;
		for (int c = 0; c < DC_NUM_CATALOGS; c++)
			if (d->lookups[c].relid == e->obj.classId)
				counts[c]++;
	}

	oldcxt = MemoryContextSwitchTo(d->cxt);
	for (int c = 0; c < DC_NUM_CATALOGS; c++)
	{
		OidLookup  *l = &d->lookups[c];
		double		estimate;
		HASHCTL		ctl;
		TableScanDesc hscan;
		HeapTuple	tup;

		if (counts[c] == 0 || l->prefetched != NULL)
			continue;
		open_catalog(d, l);
		/* At most this many rows fit in a page (header, line pointer). */
		estimate = (double) RelationGetNumberOfBlocks(l->rel) *
			(BLCKSZ / (MAXALIGN(SizeofHeapTupleHeader + l->rowsize) +
					   sizeof(ItemIdData)));
		if (!at_once &&
			(counts[c] < DD_PREFETCH_MIN ||
			 estimate > (double) counts[c] * DD_PREFETCH_RATIO))
			continue;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(DescRow);
		ctl.hcxt = d->cxt;
		l->prefetched = hash_create("ri_audit drop preview rows", counts[c],
									&ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		hscan = table_beginscan_strat(l->rel, d->snapshot, 0, NULL,
									  true, false);
		while ((tup = heap_getnext(hscan, ForwardScanDirection)) != NULL)
		{
			DescRow		row;
			ObjectAddress obj;
			DescRow    *kept;
			bool		found;

			CHECK_FOR_INTERRUPTS();
			row_fields(c, tup, &row);
			ObjectAddressSet(obj, l->relid, row.oid);
			if (ri_walk_lookup(walk, &obj) < 0)
				continue;
			kept = hash_search(l->prefetched, &row.oid, HASH_ENTER, &found);
			*kept = row;
			kept->name = pstrdup(row.name);
		}
		table_endscan(hscan);
	}
	MemoryContextSwitchTo(oldcxt);
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
		if (l->scan)
			index_endscan(l->scan);
		if (l->slot)
			ExecDropSingleTupleTableSlot(l->slot);
		if (l->index)
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
	DescRow		row;

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
		obj->classId == RewriteRelationId ||
		obj->classId == ConstraintRelationId)
	{
		DescribeCatalog catalog;
		RelStrings *rs;

		catalog = (obj->classId == TriggerRelationId) ? DC_TRIGGER :
			(obj->classId == RewriteRelationId) ? DC_RULE : DC_CONSTRAINT;
		if (!fetch_row(d, catalog, obj->objectId, &row))
			return false;
		/* a domain constraint: PostgreSQL's functions below */
		if (OidIsValid(row.owner))
		{
			rs = rel_strings(d, row.owner, false);
			ri_subobject_strings(obj->classId, row.name,
								 rs->identity, rs->desc,
								 type, identity, desc);
			return true;
		}
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
	DescRow		row;
	NspNames   *ns = NULL;
	char	   *desc;
	char	   *type;
	char	   *identity;

	rs = hash_search(d->rels, &relid, HASH_FIND, NULL);
	if (rs)
		return rs;

	/* Described in the caller's (per-row) context; only copies are kept. */
	if (fetch_row(d, DC_CLASS, relid, &row))
	{
		ns = nsp_names(d, row.owner);
		if (!ns->in_path)
			ri_relation_strings(row.relkind, row.name, ns->name,
								ns->name_or_temp, &type, &identity, &desc);
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
	DescRow		row;
	bool		is_array = false;
	NspNames   *ns;

	if (!fetch_row(d, DC_TYPE, typid, &row))
		return false;
	if (OidIsValid(row.elem))
	{
		if (!fetch_row(d, DC_TYPE, row.elem, &row))
			return false;
		is_array = true;
	}
	/* format_type_extended's special cases are all built-in types */
	if (row.oid < FirstNormalObjectId)
		return false;
	ns = nsp_names(d, row.owner);
	if (ns->in_path)
		return false;
	ri_type_strings(row.name, ns->name_or_temp, is_array,
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
	char	   *name;
	char	   *name_or_temp;

	ns = hash_search(d->nsps, &nspid, HASH_FIND, NULL);
	if (ns)
		return ns;
	name = get_namespace_name(nspid);
	name_or_temp = get_namespace_name_or_temp(nspid);
	ns = hash_search(d->nsps, &nspid, HASH_ENTER, &found);
	ns->in_path = (nspid == PG_CATALOG_NAMESPACE ||
				   list_member_oid(d->search_path, nspid) ||
				   name == NULL || name_or_temp == NULL);
	ns->name = name ? MemoryContextStrdup(d->cxt, name) : NULL;
	ns->name_or_temp = name_or_temp ?
		MemoryContextStrdup(d->cxt, name_or_temp) : NULL;
	return ns;
}

/*
 * fetch_row
 *		The fields of the row of 'catalog' whose OID is 'oid' into *row;
 *		false when there is none.  row->name is valid until the next
 *		fetch_row of the same catalog.
 */
static bool
fetch_row(RiDescriber *d, DescribeCatalog catalog, Oid oid, DescRow *row)
{
	OidLookup  *l = &d->lookups[catalog];
	MemoryContext oldcxt;
	ScanKeyData key;
	bool		found = false;

	if (l->prefetched)
	{
		DescRow    *kept = hash_search(l->prefetched, &oid, HASH_FIND, NULL);

		if (kept)
		{
			*row = *kept;
			return true;
		}
	}

	oldcxt = MemoryContextSwitchTo(d->cxt);
	open_catalog(d, l);
	if (l->index == NULL)
	{
		l->index = index_open(l->indexid, AccessShareLock);
		l->scan = index_beginscan(l->rel, l->index, d->snapshot, 1, 0);
		l->slot = table_slot_create(l->rel, NULL);
	}
	ScanKeyInit(&key, 1, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(oid));
	index_rescan(l->scan, &key, 1, NULL, 0);
	if (index_getnext_slot(l->scan, ForwardScanDirection, l->slot))
	{
		bool		shouldfree;
		HeapTuple	tup;

		/* A buffer tuple: no copy is made, the slot keeps its pin. */
		tup = ExecFetchSlotHeapTuple(l->slot, false, &shouldfree);
		Assert(!shouldfree);
		row_fields(catalog, tup, row);
		found = true;
	}
	MemoryContextSwitchTo(oldcxt);
	return found;
}

/*
 * row_fields
 *		The fields of a row of 'catalog' the describer uses; row->name points
 *		into the tuple.
 */
static void
row_fields(DescribeCatalog catalog, HeapTuple tup, DescRow *row)
{
	memset(row, 0, sizeof(DescRow));
	switch (catalog)
	{
		case DC_CLASS:
			{
				Form_pg_class rel = (Form_pg_class) GETSTRUCT(tup);

				row->oid = rel->oid;
				row->name = NameStr(rel->relname);
				row->owner = rel->relnamespace;
				row->relkind = rel->relkind;
				break;
			}
		case DC_TYPE:
			{
				Form_pg_type typ = (Form_pg_type) GETSTRUCT(tup);

				row->oid = typ->oid;
				row->name = NameStr(typ->typname);
				row->owner = typ->typnamespace;
				/* format_type_extended's test of an array it names by its element */
				if (IsTrueArrayType(typ) && typ->typstorage != TYPSTORAGE_PLAIN)
					row->elem = typ->typelem;
				break;
			}
		case DC_CONSTRAINT:
			{
				Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

				row->oid = con->oid;
				row->name = NameStr(con->conname);
				row->owner = con->conrelid;
				break;
			}
		case DC_TRIGGER:
			{
				Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);

				row->oid = trig->oid;
				row->name = NameStr(trig->tgname);
				row->owner = trig->tgrelid;
				break;
			}
		case DC_RULE:
			{
				Form_pg_rewrite rule = (Form_pg_rewrite) GETSTRUCT(tup);

				row->oid = rule->oid;
				row->name = NameStr(rule->rulename);
				row->owner = rule->ev_class;
				break;
			}
		case DC_NUM_CATALOGS:
			elog(ERROR, "unexpected catalog %d", (int) catalog);
	}
}

/*
 * open_catalog
 *		Open a catalog with AccessShareLock on first use, until
 *		ri_describer_end; the first one opened registers the catalog
 *		snapshot every read of the describer uses.
 *
 * The index scan, its slot and the prefetched rows live in the describer's
 * context, and the scan is begun, rescanned and read with that context
 * current, whatever the caller's (ri_describe_object runs in a context
 * reset after every row).  This matters: the first time a B-tree scan
 * returns a tuple whose index entry it can mark dead, btgettuple allocates
 * the array of such entries in the current context, and every later rescan
 * reads and writes that array.
 */
static void
open_catalog(RiDescriber *d, OidLookup *l)
{
	if (l->rel != NULL)
		return;
	if (d->snapshot == NULL)
		d->snapshot = RegisterSnapshot(GetCatalogSnapshot(l->relid));
	l->rel = table_open(l->relid, AccessShareLock);
}
