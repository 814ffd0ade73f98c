/*-------------------------------------------------------------------------
 *
 * orphan_row_key.c
 *	  The row key of an orphan: the primary key, or else the replica
 *	  identity index, columns of the table holding the row, as jsonb
 *	  {"column": value}.
 *
 * A ctid names a row version only until the row is updated, moved to
 * another partition or the table is rewritten (VACUUM FULL, CLUSTER); the
 * row key stays valid, so evidence kept in an exception table can still
 * find its rows later.  The scan paths report only the foreign key's
 * columns; the row key is read back here by ctid, from the table holding
 * the row (a leaf partition when the referencing table is partitioned), in
 * the active snapshot, which is the one the scan read (orphan_scan.c): the
 * version the scan found is the version read.
 *
 * Which columns: the table's primary key (RelationGetPrimaryKeyIndex: a
 * valid, immediate, non-partial one), else the index of REPLICA IDENTITY
 * USING INDEX.  A table with neither (no key, REPLICA IDENTITY FULL or
 * NOTHING) has no row key: NULL.  NULL too when the caller may not read
 * those columns through the referencing table that was checked (column
 * privileges are those of that table, as for the scan), so a row key never
 * shows what a SELECT would not.  Values are rendered by ri_key_jsonb(),
 * which never runs another role's code (owner_code.c).
 *
 * Memory: the reader lives in a context of its own, a child of the context
 * current when it is created, deleted by ri_row_key_reader_end(); the jsonb
 * returned is allocated in the caller's current context.
 *
 * Locks: AccessShareLock on the table holding the row, which the scan
 * already holds (taken again, held to end of transaction).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/orphan_row_key.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "access/tableam.h"
#include "catalog/pg_index.h"
#include "executor/tuptable.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "ri_orphan_scan.h"
#include "ri_owner_code.h"

/*
 * The reader keeps what it learnt of the last table holding a row: the
 * collector returns rows grouped by that table, so it changes rarely.
 */
struct RiRowKeyReader
{
	const FkInfo *fk;			/* the constraint whose rows are read */
	MemoryContext cxt;			/* the reader's allocations */
	Oid			relid;			/* table described below; InvalidOid: none */
	Relation	rel;			/* that table, open */
	TupleTableSlot *slot;		/* a slot of its own kind, for one row */
	int			nkeys;			/* row key columns; 0: no row key */
	AttrNumber	attnums[INDEX_MAX_KEYS];	/* in the holding table */
	char	   *names[INDEX_MAX_KEYS];	/* their names */
	RiKeyRenderer render[INDEX_MAX_KEYS];	/* shows each of them */
};

static void row_key_switch(RiRowKeyReader *r, Oid relid);
static void row_key_close(RiRowKeyReader *r);

/*
 * ri_row_key_reader_create
 *		A reader for the rows of *fk's referencing table (and partitions),
 *		allocated in the current memory context.
 */
RiRowKeyReader *
ri_row_key_reader_create(const FkInfo *fk)
{
	RiRowKeyReader *r = palloc0(sizeof(RiRowKeyReader));

	r->fk = fk;
	r->cxt = AllocSetContextCreate(CurrentMemoryContext,
								   "ri_audit row key reader",
								   ALLOCSET_SMALL_SIZES);
	r->relid = InvalidOid;
	return r;
}

/*
 * row_key_close
 *		Forget the table described; its lock stays.
 */
static void
row_key_close(RiRowKeyReader *r)
{
	if (r->slot)
		ExecDropSingleTupleTableSlot(r->slot);
	if (r->rel)
		relation_close(r->rel, NoLock);
	r->slot = NULL;
	r->rel = NULL;
	r->relid = InvalidOid;
	r->nkeys = 0;
	MemoryContextReset(r->cxt);
}

/*
 * row_key_switch
 *		Describe relid: its row key columns, and whether the caller may read
 *		them through the referencing table.
 */
static void
row_key_switch(RiRowKeyReader *r, Oid relid)
{
	Oid			indexoid;
	HeapTuple	tuple;
	Form_pg_index index;
	AttrNumber	top_attnums[INDEX_MAX_KEYS];
	MemoryContext old;

	row_key_close(r);
	old = MemoryContextSwitchTo(r->cxt);
	r->relid = relid;
	r->rel = relation_open(relid, AccessShareLock);
	r->slot = table_slot_create(r->rel, NULL);
	MemoryContextSwitchTo(old);

	indexoid = RelationGetPrimaryKeyIndex(r->rel);
	if (!OidIsValid(indexoid))
		indexoid = RelationGetReplicaIndex(r->rel);
	if (!OidIsValid(indexoid))
		return;

	tuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "cache lookup failed for index %u", indexoid);
	index = (Form_pg_index) GETSTRUCT(tuple);

	old = MemoryContextSwitchTo(r->cxt);
	for (int k = 0; k < index->indnkeyatts; k++)
	{
		AttrNumber	attnum = index->indkey.values[k];
		Form_pg_attribute att;

		/* A key on an expression has no column to show. */
		if (attnum <= 0)
		{
			r->nkeys = 0;
			break;
		}
		att = TupleDescAttr(RelationGetDescr(r->rel), attnum - 1);
		r->attnums[k] = attnum;
		r->names[k] = pstrdup(NameStr(att->attname));
		/* The caller read the rows through the referencing table. */
		top_attnums[k] = relid == r->fk->fk_relid ? attnum :
			get_attnum(r->fk->fk_relid, r->names[k]);
		if (top_attnums[k] == InvalidAttrNumber)
		{
			r->nkeys = 0;
			break;
		}
		ri_key_jsonb_init(att->atttypid, &r->render[k], r->cxt);
		r->nkeys = k + 1;
	}
	MemoryContextSwitchTo(old);
	ReleaseSysCache(tuple);

	if (r->nkeys > 0 &&
		!ri_rel_can_read_columns(r->fk->fk_relid, top_attnums, r->nkeys))
		r->nkeys = 0;
}

/*
 * ri_row_key
 *		The row key of the row at tid in relid, or NULL when its table has
 *		none the caller may read, or the row is not visible in the active
 *		snapshot.  Allocated in the current memory context.
 */
Jsonb *
ri_row_key(RiRowKeyReader *r, Oid relid, ItemPointer tid)
{
	JsonbParseState *state = NULL;
	JsonbValue *res;
	ItemPointerData ctid = *tid;

	if (relid != r->relid)
		row_key_switch(r, relid);
	if (r->nkeys == 0)
		return NULL;
	if (!table_tuple_fetch_row_version(r->rel, &ctid, GetActiveSnapshot(),
									   r->slot))
		return NULL;
	slot_getallattrs(r->slot);

	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int k = 0; k < r->nkeys; k++)
	{
		JsonbValue	key;
		JsonbValue	val;
		int			a = r->attnums[k] - 1;

		key.type = jbvString;
		key.val.string.val = r->names[k];
		key.val.string.len = strlen(r->names[k]);
		pushJsonbValue(&state, WJB_KEY, &key);
		if (r->slot->tts_isnull[a])
			val.type = jbvNull;
		else
			ri_jsonb_as_value(ri_key_jsonb(&r->render[k],
										   r->slot->tts_values[a]), &val);
		pushJsonbValue(&state, WJB_VALUE, &val);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	ExecClearTuple(r->slot);
	return JsonbValueToJsonb(res);
}

/*
 * ri_row_key_reader_end
 *		Release the reader (the struct itself is the caller's to free).
 */
void
ri_row_key_reader_end(RiRowKeyReader *r)
{
	row_key_close(r);
	MemoryContextDelete(r->cxt);
	r->cxt = NULL;
}
