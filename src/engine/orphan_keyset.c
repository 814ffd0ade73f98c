/*-------------------------------------------------------------------------
 *
 * orphan_keyset.c
 *	  The fast orphan scan path: an in-memory set of the referenced keys,
 *	  probed during one heap scan of the referencing table.
 *
 * A row of the referencing table is an orphan when PostgreSQL's own RI check
 * would reject it: under MATCH SIMPLE a row with any NULL key column passes,
 * under MATCH FULL an all-NULL key passes and a partly-NULL one fails, and
 * any other key fails when no row of the referenced table has an equal key
 * under the constraint's operators (pg_constraint.conpfeqop) and the
 * referenced columns' collations.
 *
 * This file answers that question without the executor, for the key types
 * where equality is plain equality of a canonical encoding: int2, int4 and
 * int8 in any mix (compared as int64), uuid (16 bytes), and text and varchar
 * under deterministic collations (texteq compares the bytes then).
 * ri_keyset_supports() admits a constraint only when every conpfeqop is
 * implemented by one of those built-in functions (looked up by the
 * operator's oprcode, never by name) and the column types are the
 * operator's own input types (or binary-identical domains and varchar), so
 * the encoding provably decides exactly what the operator decides.  Every
 * other constraint goes through the planner path.
 *
 * How: each referenced key set is built in one scan of the referenced
 * table, planned from estimates rather than from a counting scan: the keys
 * as the planner estimates each leaf's rows (estimate_rel_size: reltuples
 * scaled to the current pages; a table never vacuumed nor analyzed has no
 * reltuples, and its keys are counted by a first scan instead), their
 * encoded size from the columns' average width (pg_statistic, else the
 * type's), and, for one integer column, the exact
 * smallest and largest key: the entries at the two ends of each leaf's
 * btree index of the column whose row the caller's snapshot sees (an index
 * scan forward and one backward, as get_actual_variable_range() does), so
 * the bounds are those of the keys the build reads.  A single integer
 * column whose keys are dense gets a bitmap over [min, max]; other keys go
 * into an open-addressing hash table (int64 keys, and fixed-width encoded
 * keys such as uuids or composites of integers and uuids, stored in the
 * slots; keys with a text column in an arena; compared byte for byte).
 * The estimates only size the set: a hash table that gets more keys than
 * planned doubles its slots and rehashes while the old and the new slots
 * fit in its budget together, and beyond that its batch overflows to the
 * tapes (below), so the answer is exact whatever the statistics say; the
 * build counts the keys, which replace the estimates.  All foreign keys of
 * the table are probed during one scan of it.
 *
 * Memory: the key sets share a budget (ri_audit.work_mem, or work_mem).
 * When a set does not fit, its key space is partitioned as a hash join or
 * hash aggregate spills: the first pass holds one batch in memory during
 * the table scan and writes the rows whose keys fall elsewhere (the key,
 * its hash and the row's ctid: a few dozen bytes a row), and the
 * referenced keys of the other batches, to 2^k tapes of a logical tape set
 * (utils/logtape.c), one per partition of the next k bits of the hash; k
 * is at least 4 and as large as a quarter of the budget's worth of tape
 * buffers allows.  Each partition is then done in a pass of its own:
 * built from its tape of keys, probed with its tape of rows, and, when
 * still too big, partitioned again the same way.  Every record is written
 * and read once per pass, and passes nest about log(set / budget) / k
 * deep, so the I/O is the data times a small factor at any budget (about
 * 3 times one spill of everything at 64 kB, t/015_keyset_spill_io.pl).
 * A batch whose keys unexpectedly overflow its share is written out to the
 * tapes too, and done by the finer passes.  An orphan found in a queued
 * probe or a pass over tapes is reported from its encoded key (the same
 * values as its columns), without fetching the row again.  Foreign keys of the
 * table that reference the same columns share one set and its passes.
 * Peak memory is the budget plus a small constant per key set (the tapes'
 * buffers: up to 17 blocks while a fan-out of 16 needs more than a quarter
 * of the budget, the probe queues, the largest key).  A caller checking
 * many referencing tables passes a cache (RiKeysetCache) in which the sets
 * built whole are kept, within the same budget, for the next tables that
 * reference the same keys, so that each is read and built once per call;
 * such a caller's table whose sets fit the budget each but not together is
 * read once per set, each set built whole (or taken from the cache) and
 * kept, rather than once with every set split into batches that each
 * table would build again.
 *
 * Both tables are read with the caller's snapshot (the statement's); each
 * leaf partition of a partitioned table is read (columns mapped by name),
 * and a plain table is read alone, since foreign keys do not cover
 * inheritance children.  The heap scan checks for interrupts once per page
 * (heapgetpage) and this file once per row.
 *
 * Locks: AccessShareLock on the referencing and referenced tables and on
 * each of their partitions, and on the referenced leaves' indexes looked
 * at for the bounds, held until the end of the transaction.  No
 * privilege or row security check is made here: the caller (the SQL entry points,
 * through fk_catalog.c) has refused whoever may not read the key columns,
 * or is subject to row security on either table, before choosing a path.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/orphan_keyset.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/nbtree.h"
#include "access/relscan.h"
#include "access/skey.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/pg_am.h"
#include "catalog/pg_index.h"
#include "catalog/pg_opfamily.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_type.h"
#include "common/hashfn.h"
#include "executor/tuptable.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "optimizer/plancat.h"
#include "partitioning/partdesc.h"
#include "port/pg_bitutils.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/relcache.h"
#include "utils/logtape.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/uuid.h"

#include "ri_audit.h"
#include "ri_orphan_parallel.h"
#include "ri_orphan_scan.h"

/* How one key column's Datum is read and encoded. */
typedef enum KsColKind
{
	KS_COL_INT2,				/* int2, encoded as int64 */
	KS_COL_INT4,				/* int4, encoded as int64 */
	KS_COL_INT8,				/* int8, encoded as int64 */
	KS_COL_UUID,				/* uuid, its 16 bytes */
	KS_COL_TEXT					/* text or varchar: uint32 length, bytes */
} KsColKind;

/* Which structure holds the referenced keys of one foreign key. */
typedef enum KsSetKind
{
	KS_SET_BITMAP,				/* one integer column, dense: a bitmap */
	KS_SET_INT,					/* one integer column: hash of int64 */
	KS_SET_BYTES				/* anything else: hash of encoded keys */
} KsSetKind;

/*
 * A batch: the part of the key space held in memory at once.  For a hash
 * set, the keys whose 64-bit hash has "value" in its top "bits" bits; for a
 * bitmap, the keys whose offset from the minimum has "value" in its low
 * "bits" bits.  bits = 0 is the whole key space.
 */
typedef struct KsBatch
{
	int			bits;
	uint64		value;
} KsBatch;

/* A slot of the encoded-key hash table; ptr NULL means empty. */
typedef struct KsSlot
{
	uint32		tag;			/* 32 bits of the hash, to skip memcmp */
	uint32		len;			/* encoded key length */
	char	   *ptr;			/* encoded key, in the arena */
} KsSlot;

/*
 * Hash probes are queued and done KS_QUEUE at a time; each probe's slot is
 * prefetched when it is queued and, for encoded keys, the stored key a slot
 * points to before the probes are done, so the cache misses of a large set
 * overlap instead of following each other.
 */
#define KS_QUEUE		32

#if defined(__GNUC__) || defined(__clang__)
#define ks_prefetch(p)	__builtin_prefetch(p)
#else
#define ks_prefetch(p)	((void) 0)
#endif

/* Marks an empty slot of the int64 hash table. */
#define KS_EMPTY_INT	PG_INT64_MIN

/*
 * Tapes a pass over spilled keys writes: between 2^KS_MIN_FANOUT_BITS
 * and 2^KS_MAX_FANOUT_BITS partitions, as the budget allows.
 */
#define KS_MIN_FANOUT_BITS	4
#define KS_MAX_FANOUT_BITS	10

/* Largest share of the hash tables' slots in use. */
#define KS_FILL_NUM		3
#define KS_FILL_DEN		4

/* State of one foreign key during ri_keyset_check(). */
typedef struct KsFk
{
	/* set up once */
	const FkInfo *fk;			/* the constraint */
	int			fk_index;		/* its index in the caller's array */
	struct KsFk *owner;			/* an earlier key with the same referenced
								 * columns, whose sets this one uses, or
								 * NULL */
	int			nkeys;			/* number of key columns */
	KsColKind	fkcol[INDEX_MAX_KEYS];	/* encoding of referencing columns */
	KsColKind	pkcol[INDEX_MAX_KEYS];	/* encoding of referenced columns */
	bool		single_int;		/* one integer key column */
	Size		budget;			/* this key set's share of the budget */
	List	   *pk_leaves;		/* owner only: the referenced tables read
								 * (ks_leaf_relids), by every scan of them */
	struct KsCacheEntry *cached;	/* owner only: its entry in the call's
									 * cache, or NULL */
	bool		use_cached;		/* owner only: probe the entry's kept set
								 * instead of building one */

	/*
	 * The referenced keys: estimated by ks_estimate_pk() before the build,
	 * counted by the build (ks_build_tables) and exact after it
	 */
	int64		npk;			/* referenced rows with no NULL key column */
	int64		pk_min;			/* smallest key (has_range only) */
	int64		pk_max;			/* largest key (has_range only) */
	bool		has_range;		/* pk_min and pk_max are the exact bounds of
								 * the keys (single_int, from the indexes) */
	uint64		pk_bytes;		/* arena bytes of all keys (MAXALIGNed) */

	/* the plan */
	KsSetKind	kind;			/* structure of the set */
	Size		plan_capacity;	/* keys a hash batch is sized for */
	int			bits0;			/* bitmap: "bits" of every batch */
	int			kmax;			/* most partition bits one pass adds */

	/* the keys that use this set: owner only */
	int			member;			/* this key's index among its owner's members */
	int			nmembers;		/* keys using this set, itself included */
	struct KsFk **members;		/* those keys; members[0] is this one */

	/* the pass under way (owner only) and the partitions still to do */
	KsBatch		sub;			/* the partition the pass reads */
	int			subk;			/* its split into 2^subk partitions on tape;
								 * 0: the pass writes no tape */
	LogicalTape **subkeys;		/* referenced keys, by sub-partition */
	uint64	   *subnkeys;		/* their number */
	uint64	   *subbytes;		/* their MAXALIGNed encoded size */
	LogicalTape **subrows;		/* rows: [member * 2^subk + sub-partition] */
	uint64	   *subnrows;		/* their number */
	struct KsPart *parts;		/* partitions on tape still to do (a stack) */
	int			nparts;
	int			maxparts;
	int			npasses;		/* passes over tapes done */
	int			noverflows;		/* batches written out for not fitting */

	/* the batch in memory */
	KsBatch		cur;
	bool		cur_empty;		/* no batch in memory: every key goes to tape */
	MemoryContext setcxt;		/* holds the set; reset per batch */
	uint64	   *bitmap;			/* KS_SET_BITMAP: bit (offset >> bits) */
	uint64		nbits;
	int64	   *islots;			/* KS_SET_INT: slots, KS_EMPTY_INT if free */
	bool		has_empty_key;	/* KS_EMPTY_INT itself is a key */
	KsSlot	   *bslots;			/* KS_SET_BYTES: slots */
	uint32		fixed_len;		/* KS_SET_BYTES: the keys' length when no
								 * column is text (keys then sit in fslots),
								 * else 0 */
	Size		fstride;		/* bytes per fslots slot */
	char	   *fslots;			/* slots of a uint32 tag (0: empty) and the
								 * key */
	uint64		mask;			/* number of slots - 1 */
	uint64		nused;			/* keys stored */
	uint64		maxused;		/* keys the slots may hold */
	char	   *arena;			/* KS_SET_BYTES: free space of last chunk */
	Size		arena_left;
	Size		arena_used;		/* bytes of arena chunks allocated */
	Size		arena_limit;	/* most arena bytes allowed */
	bool		overflow;		/* the batch did not fit */
	int			ngrows;			/* times a hash set was grown (ks_grow) */
	int			nbatches;		/* batches built so far */

	/* per leaf partition of the table being scanned */
	AttrNumber	leaf_attnums[INDEX_MAX_KEYS];

	/* probes queued during the table scan (hash sets only) */
	int			nq;				/* entries queued */
	uint64		qhash[KS_QUEUE];	/* key hash */
	int64		qint[KS_QUEUE]; /* KS_SET_INT: the key */
	uint32		qoff[KS_QUEUE]; /* KS_SET_BYTES: key's offset in qkeys */
	uint32		qlen[KS_QUEUE]; /* KS_SET_BYTES: key's length */
	int			qleaf[KS_QUEUE];	/* row's leaf (index into leaves) */
	ItemPointerData qtid[KS_QUEUE]; /* row's ctid */
	StringInfoData qkeys;		/* KS_SET_BYTES: the keys, concatenated */
} KsFk;

/*
 * A record on a spill tape, a row (or, leaf and tid zero, a referenced
 * key): the key's hash (for a bitmap, its offset from the minimum), the
 * row's leaf partition (index into KsState.leaves) and ctid, then len bytes
 * of encoded key.
 */
typedef struct KsSpillHeader
{
	uint64		hash;			/* the key's hash */
	uint32		len;			/* bytes of the encoded key that follow */
	uint32		leaf;			/* the leaf partition's index */
	ItemPointerData tid;		/* the row's ctid */
} KsSpillHeader;

/*
 * A partition of the key space (a KsBatch) whose referenced keys and
 * referencing rows wait on tapes for a later pass.
 */
typedef struct KsPart
{
	KsBatch		b;				/* its part of the key space */
	LogicalTape *keys;			/* its referenced keys */
	uint64		nkeys;			/* their number */
	uint64		bytes;			/* their MAXALIGNed encoded size */
	LogicalTape **rows;			/* its rows, one tape per member key */
} KsPart;

/* State of one ri_keyset_check() call. */
typedef struct KsState
{
	KsFk	   *fks;			/* one per foreign key */
	int			nfks;
	Snapshot	snapshot;		/* the statement's */
	MemoryContext cxt;			/* keyset_check's own memory */
	MemoryContext callercxt;	/* where sink->report() runs */
	MemoryContext rowcxt;		/* detoasted values; reset per row */
	StringInfoData keybuf;		/* the key being encoded */
	OrphanSink *sink;			/* where orphans go */
	List	   *leaf_relids;	/* leaves of the referencing table */
	Relation   *leaves;			/* the same, open */
	int			nleaves;
	LogicalTapeSet *tapes;		/* the spill tapes, created when first needed */
	uint64		spill_written;	/* bytes of records written to tapes */
	uint64		spill_read;		/* bytes of records read from them */
	ParallelTableScanDesc pscan;	/* a parallel scan (orphan_parallel.c)
									 * to join instead of a scan of our own,
									 * or NULL */
	void		(*poll) (void *arg);	/* called every 1024 rows, or NULL */
	void	   *poll_arg;		/* its argument */
} KsState;

static bool ks_column_kind(Oid typid, KsColKind *kind);
static List *ks_leaf_relids(Oid relid);
static void ks_map_attnums(Oid parent, Relation leaf, const AttrNumber *attnums,
						   int nkeys, AttrNumber *out);
static void ks_count_pk(KsState *st, KsFk *kf);
static void ks_estimate_pk(KsState *st, KsFk *kf);
static void ks_plan(KsFk *kf);
static void ks_plan_pass(KsState *st, KsFk *o, KsBatch p, uint64 n,
						 uint64 bytes);
static void ks_build_tables(KsState *st, KsFk *kf);
static void ks_do_parts(KsState *st, KsFk *o);
static void ks_end_pass(KsFk *o);
static void ks_reset_set(KsFk *kf);
static void ks_share(KsFk *kf, bool plan);
static void ks_scan_fk(KsState *st, int64 *rows_scanned);
static void ks_report(KsState *st, KsFk *kf, int leaf, ItemPointer tid,
					  Datum *keyvals, bool *keynulls);
static void ks_report_key(KsState *st, KsFk *kf, int leaf,
						  ItemPointer tid, const char *key, uint32 len);
static void ks_spill(KsState *st, KsFk *kf, uint64 h, const char *key,
					 uint32 len, int leaf, ItemPointer tid);
static void ks_flush(KsState *st, KsFk *kf);
static inline int64 ks_int_value(KsColKind kind, Datum d);
static void ks_encode(KsState *st, const KsColKind *kinds, int nkeys,
					  const Datum *vals);
static inline uint64 ks_mix64(uint64 h);
static inline uint64 ks_hash_key(const char *key, uint32 len);
static inline bool ks_hash_in_batch(const KsBatch *b, uint64 h);
static bool ks_insert_int(KsFk *kf, int64 v);
static bool ks_lookup_int(const KsFk *kf, int64 v);
static bool ks_insert_bytes(KsFk *kf, const char *key, uint32 len, uint64 h);
static bool ks_lookup_bytes(const KsFk *kf, const char *key, uint32 len,
							uint64 h);
static Size ks_budget(void);

/*
 * The memory budget of a ri_keyset_check() call, in bytes:
 * ri_audit.work_mem, or work_mem when that is -1.
 */
static Size
ks_budget(void)
{
	return (Size) ri_audit_budget_kb() * 1024;
}

/*
 * How a column of type typid (or a domain over it) is encoded; false when
 * the type is not one the fast path handles.
 */
static bool
ks_column_kind(Oid typid, KsColKind *kind)
{
	switch (getBaseType(typid))
	{
		case INT2OID:
			*kind = KS_COL_INT2;
			return true;
		case INT4OID:
			*kind = KS_COL_INT4;
			return true;
		case INT8OID:
			*kind = KS_COL_INT8;
			return true;
		case UUIDOID:
			*kind = KS_COL_UUID;
			return true;
		case TEXTOID:
		case VARCHAROID:
			*kind = KS_COL_TEXT;
			return true;
		default:
			return false;
	}
}

/*
 * keyset_supports
 *		True when the fast path decides exactly what the constraint's own
 *		equality decides, for every key column of fk.
 *
 * Each conpfeqop must be implemented by a built-in equality function of the
 * integer family, uuid_eq, or texteq (identified by the operator's oprcode,
 * so a look-alike operator elsewhere in the search path cannot pass, and a
 * renamed or moved one with the same code is still exact).  The referenced
 * and referencing columns' base types must be the operator's left and
 * right input types, except that texteq also takes varchar, which has
 * text's representation.  texteq is byte equality only under a
 * deterministic collation, and RI compares under the referenced column's
 * collation.  MATCH PARTIAL (not implemented by PostgreSQL) is refused.
 * Takes no locks; reads pg_operator, pg_type and pg_collation.
 */
bool
ri_keyset_supports(const FkInfo *fk)
{
	int			i;

	if (fk->nkeys < 1 || fk->nkeys > INDEX_MAX_KEYS)
		return false;
	if (fk->confmatchtype != FKCONSTR_MATCH_SIMPLE &&
		fk->confmatchtype != FKCONSTR_MATCH_FULL)
		return false;

	for (i = 0; i < fk->nkeys; i++)
	{
		HeapTuple	tup;
		Form_pg_operator opr;
		RegProcedure code;
		Oid			left;
		Oid			right;
		Oid			pkbase = getBaseType(fk->pk_types[i]);
		Oid			fkbase = getBaseType(fk->fk_types[i]);

		tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(fk->pf_eq_oprs[i]));
		if (!HeapTupleIsValid(tup))
			return false;
		opr = (Form_pg_operator) GETSTRUCT(tup);
		code = opr->oprcode;
		left = opr->oprleft;
		right = opr->oprright;
		ReleaseSysCache(tup);

		switch (code)
		{
			case F_INT2EQ:
			case F_INT24EQ:
			case F_INT28EQ:
			case F_INT42EQ:
			case F_INT4EQ:
			case F_INT48EQ:
			case F_INT82EQ:
			case F_INT84EQ:
			case F_INT8EQ:
			case F_UUID_EQ:
				/* "pk = fk": the referenced column is the left input */
				if (pkbase != left || fkbase != right)
					return false;
				break;
			case F_TEXTEQ:
				if ((pkbase != TEXTOID && pkbase != VARCHAROID) ||
					(fkbase != TEXTOID && fkbase != VARCHAROID))
					return false;
				if (!OidIsValid(fk->pk_collations[i]) ||
					!get_collation_isdeterministic(fk->pk_collations[i]))
					return false;
				break;
			default:
				return false;
		}
	}
	return true;
}

/*
 * ks_getnext
 *		The next row of scan into slot.  The loops that call it keep the
 *		per-row context current, which is reset for every row; the row is
 *		fetched with the context the scan was begun in (st->cxt) current
 *		instead, so that whatever a table access method allocates lazily
 *		for the scan lives as long as the scan.
 */
static bool
ks_getnext(KsState *st, TableScanDesc scan, TupleTableSlot *slot)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->cxt);
	bool		found;

	found = table_scan_getnextslot(scan, ForwardScanDirection, slot);
	MemoryContextSwitchTo(oldcxt);
	return found;
}

/*
 * Fetch the key columns att[0..nkeys-1] of the row in slot into vals (maxatt
 * is the highest of them).  False when one is NULL: a referenced row with a
 * NULL key column can match no referencing row.
 */
static inline bool
ks_slot_keys(TupleTableSlot *slot, const AttrNumber *att, int nkeys,
			 AttrNumber maxatt, Datum *vals)
{
	slot_getsomeattrs(slot, maxatt);
	for (int i = 0; i < nkeys; i++)
	{
		if (slot->tts_isnull[att[i] - 1])
			return false;
		vals[i] = slot->tts_values[att[i] - 1];
	}
	return true;
}

/*
 * The tables a scan of relid must read: relid itself when it is a plain
 * table, or every leaf partition of it, as the planner would expand it
 * (partitions being detached concurrently are left out for the same
 * snapshots as the planner's PartitionDirectory leaves them out).  Takes
 * AccessShareLock on relid and every partition, held until end of
 * transaction.
 */
static List *
ks_leaf_relids(Oid relid)
{
	List	   *result = NIL;
	List	   *todo = list_make1_oid(relid);

	while (todo != NIL)
	{
		Oid			cur = linitial_oid(todo);
		Relation	rel;

		todo = list_delete_first(todo);
		CHECK_FOR_INTERRUPTS();

		rel = table_open(cur, AccessShareLock);
		if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
		{
			PartitionDesc pd = RelationGetPartitionDesc(rel, true);
			int			i;

			for (i = 0; i < pd->nparts; i++)
				todo = lappend_oid(todo, pd->oids[i]);
		}
		else if (rel->rd_rel->relkind == RELKIND_RELATION)
			result = lappend_oid(result, cur);
		else
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot scan \"%s\" for orphans",
							RelationGetRelationName(rel)),
					 errdetail_relkind_not_supported(rel->rd_rel->relkind)));
		table_close(rel, NoLock);
	}
	return result;
}

/*
 * Map the key columns attnums (of table parent, in key order) to the
 * attribute numbers of the same-named columns of leaf.
 */
static void
ks_map_attnums(Oid parent, Relation leaf, const AttrNumber *attnums,
			   int nkeys, AttrNumber *out)
{
	int			i;

	for (i = 0; i < nkeys; i++)
	{
		char	   *name;

		if (RelationGetRelid(leaf) == parent)
		{
			out[i] = attnums[i];
			continue;
		}
		name = get_attname(parent, attnums[i], false);
		out[i] = get_attnum(RelationGetRelid(leaf), name);
		if (out[i] == InvalidAttrNumber)
			elog(ERROR, "column \"%s\" not found in partition \"%s\"",
				 name, RelationGetRelationName(leaf));
		pfree(name);
	}
}

/* An integer key column's value as int64. */
static inline int64
ks_int_value(KsColKind kind, Datum d)
{
	switch (kind)
	{
		case KS_COL_INT2:
			return (int64) DatumGetInt16(d);
		case KS_COL_INT4:
			return (int64) DatumGetInt32(d);
		default:
			return DatumGetInt64(d);
	}
}

/*
 * Append the encoding of a key (no NULLs) to buf: each integer column as an
 * int64, a uuid as its 16 bytes, a text column as a uint32 length and its
 * bytes.  Two keys of the same foreign key are equal under its operators
 * exactly when their encodings are equal.  A text value stored inline and
 * uncompressed (a short or a 4-byte header) is copied from where it lies;
 * only a compressed or out-of-line one is detoasted, in the current memory
 * context.  buf is enlarged once per key.
 */
static inline void
ks_encode_append(StringInfo buf, const KsColKind *kinds, int nkeys,
				 const Datum *vals)
{
	const char *ptr[INDEX_MAX_KEYS];
	uint32		len[INDEX_MAX_KEYS];
	int			need = 0;
	char	   *out;
	int			i;

	for (i = 0; i < nkeys; i++)
	{
		if (kinds[i] == KS_COL_TEXT)
		{
			struct varlena *t = (struct varlena *) DatumGetPointer(vals[i]);

			if (VARATT_IS_EXTENDED(t) && !VARATT_IS_SHORT(t))
				t = pg_detoast_datum_packed(t);
			ptr[i] = VARDATA_ANY(t);
			len[i] = VARSIZE_ANY_EXHDR(t);
			need += sizeof(uint32) + len[i];
		}
		else if (kinds[i] == KS_COL_UUID)
			need += UUID_LEN;
		else
			need += sizeof(int64);
	}
	if (buf->maxlen - buf->len <= need)
		enlargeStringInfo(buf, need);
	out = buf->data + buf->len;
	for (i = 0; i < nkeys; i++)
	{
		switch (kinds[i])
		{
			case KS_COL_INT2:
			case KS_COL_INT4:
			case KS_COL_INT8:
				{
					int64		v = ks_int_value(kinds[i], vals[i]);

					memcpy(out, &v, sizeof(v));
					out += sizeof(v);
					break;
				}
			case KS_COL_UUID:
				memcpy(out, DatumGetUUIDP(vals[i])->data, UUID_LEN);
				out += UUID_LEN;
				break;
			case KS_COL_TEXT:
				memcpy(out, &len[i], sizeof(uint32));
				memcpy(out + sizeof(uint32), ptr[i], len[i]);
				out += sizeof(uint32) + len[i];
				break;
		}
	}
	buf->len += need;
	buf->data[buf->len] = '\0';
}

/*
 * Encode a key (no NULLs) into st->keybuf, as ks_encode_append() does.
 */
static void
ks_encode(KsState *st, const KsColKind *kinds, int nkeys, const Datum *vals)
{
	resetStringInfo(&st->keybuf);
	ks_encode_append(&st->keybuf, kinds, nkeys, vals);
}

/* A 64-bit finalizer (splitmix64's), spreading int64 keys over the hash. */
static inline uint64
ks_mix64(uint64 h)
{
	h ^= h >> 30;
	h *= UINT64CONST(0xbf58476d1ce4e5b9);
	h ^= h >> 27;
	h *= UINT64CONST(0x94d049bb133111eb);
	h ^= h >> 31;
	return h;
}

/*
 * The 64-bit hash of an encoded key of len bytes: each 8 bytes are mixed
 * in with a multiply and a shift, the last 1 to 7 as one word (read as
 * two overlapping 4-byte halves, or 3 single bytes), and the result goes
 * through ks_mix64(), so that every bit of it (the slot, the tag, the
 * batch) depends on every byte.  Encoded keys are short (a uuid is 16
 * bytes), for which this is several times cheaper than
 * hash_bytes_extended().  Equal keys hash equal; unequal keys are told
 * apart by comparing them.
 */
static inline uint64
ks_hash_key(const char *key, uint32 len)
{
	const unsigned char *p = (const unsigned char *) key;
	uint64		h = UINT64CONST(0x9e3779b97f4a7c15) ^
		((uint64) len * UINT64CONST(0xff51afd7ed558ccd));
	uint64		w;
	uint32		a;
	uint32		b;

	while (len >= 8)
	{
		memcpy(&w, p, sizeof(w));
		h = (h ^ w) * UINT64CONST(0x9fb21c651e98df25);
		h ^= h >> 29;
		p += 8;
		len -= 8;
	}
	if (len >= 4)
	{
		memcpy(&a, p, sizeof(a));
		memcpy(&b, p + len - 4, sizeof(b));
		w = ((uint64) a << 32) | b;
	}
	else if (len > 0)
		w = ((uint64) p[0] << 16) | ((uint64) p[len >> 1] << 8) | p[len - 1];
	else
		w = 0;
	h = (h ^ w) * UINT64CONST(0x9fb21c651e98df25);
	return ks_mix64(h);
}

/* Does a key with hash h belong to hash batch b? */
static inline bool
ks_hash_in_batch(const KsBatch *b, uint64 h)
{
	return b->bits == 0 || (h >> (64 - b->bits)) == b->value;
}

/*
 * The smallest and largest key of the single integer column att of leaf,
 * among the rows visible to the scan's snapshot, read from both ends of a
 * btree index of that column (integer_ops, ascending or DESC, no
 * predicate, usable by every snapshot) whose heap tuple is visible, as
 * get_actual_variable_range() does but with the caller's snapshot: so the
 * bounds are exact for the keys the build will read.  False when leaf has
 * no such index; *empty true when no row of leaf has a non-NULL key.
 * Takes AccessShareLock on each index of leaf it looks at.
 */
static bool
ks_index_range(KsState *st, KsFk *kf, Relation leaf, AttrNumber att,
			   int64 *min, int64 *max, bool *empty)
{
	List	   *indexes = RelationGetIndexList(leaf);
	ListCell   *lc;
	bool		found = false;

	*empty = true;
	foreach(lc, indexes)
	{
		Relation	irel = index_open(lfirst_oid(lc), AccessShareLock);
		Form_pg_index ind = irel->rd_index;
		bool		usable;

		usable = irel->rd_rel->relam == BTREE_AM_OID &&
			ind->indisvalid && ind->indisready && ind->indislive &&
			!ind->indcheckxmin &&
			ind->indnkeyatts >= 1 && ind->indkey.values[0] == att &&
			irel->rd_opfamily[0] == INTEGER_BTREE_FAM_OID &&
			heap_attisnull(irel->rd_indextuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(irel->rd_indextuple, Anum_pg_index_indexprs, NULL);
		if (usable)
		{
			TupleTableSlot *slot = table_slot_create(leaf, NULL);
			ScanKeyData key;
			bool		desc = (irel->rd_indoption[0] & INDOPTION_DESC) != 0;
			int			dir;

			/* skip the NULLs, wherever the index keeps them */
			ScanKeyEntryInitialize(&key, SK_ISNULL | SK_SEARCHNOTNULL, 1,
								   InvalidStrategy, InvalidOid, InvalidOid,
								   InvalidOid, (Datum) 0);
			for (dir = 0; dir < 2; dir++)
			{
				IndexScanDesc scan = index_beginscan(leaf, irel, st->snapshot,
													 1, 0);

				/* dir 0 looks for the smallest key: last in a DESC index */
				ScanDirection toward = (dir == 0) != desc ?
					ForwardScanDirection : BackwardScanDirection;
				bool		isnull;
				Datum		d;
				int64		v;

				index_rescan(scan, &key, 1, NULL, 0);
				if (index_getnext_slot(scan, toward, slot))
				{
					d = slot_getattr(slot, att, &isnull);
					if (isnull)
						elog(ERROR, "unexpected NULL key in index \"%s\"",
							 RelationGetRelationName(irel));
					v = ks_int_value(kf->pkcol[0], d);
					*empty = false;
					if (dir == 0)
						*min = v;
					else
						*max = v;
				}
				index_endscan(scan);
				if (*empty)
					break;		/* no visible key: no need to look back */
			}
			ExecDropSingleTupleTableSlot(slot);
			found = true;
		}
		index_close(irel, NoLock);
		if (found)
			break;
	}
	list_free(indexes);
	return found;
}

/*
 * Scan the referenced table once to count its keys, their range (one
 * integer column) and their encoded size, for ks_estimate_pk() when a leaf
 * has no statistics to plan from.  Rows with a NULL key column (a UNIQUE
 * constraint allows them) can never match and are left out.  It reads the
 * tables of kf->pk_leaves, as the build does.
 */
static void
ks_count_pk(KsState *st, KsFk *kf)
{
	const FkInfo *fk = kf->fk;
	ListCell   *lc;
	Datum		vals[INDEX_MAX_KEYS];
	MemoryContext oldcxt;

	kf->npk = 0;
	kf->pk_min = PG_INT64_MAX;
	kf->pk_max = PG_INT64_MIN;
	kf->pk_bytes = 0;

	foreach(lc, kf->pk_leaves)
	{
		Relation	rel = table_open(lfirst_oid(lc), AccessShareLock);
		AttrNumber	att[INDEX_MAX_KEYS];
		AttrNumber	maxatt = 0;
		TupleTableSlot *slot = table_slot_create(rel, NULL);
		TableScanDesc scan = table_beginscan(rel, st->snapshot, 0, NULL);
		int			i;

		ks_map_attnums(fk->pk_relid, rel, fk->pk_attnums, kf->nkeys, att);
		for (i = 0; i < kf->nkeys; i++)
			maxatt = Max(maxatt, att[i]);

		oldcxt = MemoryContextSwitchTo(st->rowcxt);
		while (ks_getnext(st, scan, slot))
		{
			CHECK_FOR_INTERRUPTS();
			MemoryContextReset(st->rowcxt);
			if (!ks_slot_keys(slot, att, kf->nkeys, maxatt, vals))
				continue;
			kf->npk++;
			if (kf->single_int)
			{
				int64		v = ks_int_value(kf->pkcol[0], vals[0]);

				kf->pk_min = Min(kf->pk_min, v);
				kf->pk_max = Max(kf->pk_max, v);
				kf->pk_bytes += sizeof(int64);
			}
			else
			{
				ks_encode(st, kf->pkcol, kf->nkeys, vals);
				kf->pk_bytes += MAXALIGN(st->keybuf.len);
			}
		}
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(st->rowcxt);

		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		table_close(rel, NoLock);
	}
	kf->has_range = kf->single_int && kf->npk > 0;
	if (!kf->has_range)
	{
		kf->pk_min = 0;
		kf->pk_max = -1;
	}
}

/*
 * Plan kf's set from estimates, without reading the referenced table: the
 * keys it holds are estimated as the planner estimates the rows of each
 * leaf (estimate_rel_size: pg_class.reltuples scaled to the current
 * number of pages; when a leaf was never vacuumed nor analyzed, the keys
 * are counted by ks_count_pk() instead), their encoded size from the columns' average
 * width (pg_statistic, else the type's), and, for one integer column, the
 * exact smallest and largest key come from an index of each leaf
 * (ks_index_range), which allows a bitmap.  The build stays exact whatever
 * these estimates say (a hash set grows, or spills, when more keys come;
 * see ks_grow() and ks_overflow()) and counts the keys it reads, which
 * replace the estimates in kf->npk and kf->pk_bytes.  It opens the tables
 * of kf->pk_leaves, which the build reads.
 */
static void
ks_estimate_pk(KsState *st, KsFk *kf)
{
	const FkInfo *fk = kf->fk;
	ListCell   *lc;
	double		ntuples = 0;
	double		nbytes = 0;
	bool		range = kf->single_int;
	bool		any = false;

	kf->pk_min = PG_INT64_MAX;
	kf->pk_max = PG_INT64_MIN;

	foreach(lc, kf->pk_leaves)
	{
		Relation	rel = table_open(lfirst_oid(lc), AccessShareLock);
		AttrNumber	att[INDEX_MAX_KEYS];
		BlockNumber pages;
		double		tuples;
		double		allvisfrac;
		Size		width = 0;
		int			i;

		CHECK_FOR_INTERRUPTS();

		/*
		 * A leaf never vacuumed nor analyzed (reltuples -1, as after CREATE
		 * TABLE and a load) has only a guess from its pages, which can be
		 * far too low for wide keys: its set is planned from a count.
		 */
		if (rel->rd_rel->reltuples < 0)
		{
			table_close(rel, NoLock);
			ks_count_pk(st, kf);
			return;
		}
		ks_map_attnums(fk->pk_relid, rel, fk->pk_attnums, kf->nkeys, att);
		estimate_rel_size(rel, NULL, &pages, &tuples, &allvisfrac);
		tuples = Max(tuples, 0);
		for (i = 0; i < kf->nkeys; i++)
		{
			int32		w;

			switch (kf->pkcol[i])
			{
				case KS_COL_UUID:
					width += UUID_LEN;
					break;
				case KS_COL_TEXT:
					w = get_attavgwidth(RelationGetRelid(rel), att[i]);
					if (w <= 0)
						w = get_typavgwidth(TupleDescAttr(RelationGetDescr(rel),
														  att[i] - 1)->atttypid,
											TupleDescAttr(RelationGetDescr(rel),
														  att[i] - 1)->atttypmod);
					width += sizeof(uint32) + Max(w, 0);
					break;
				default:
					width += sizeof(int64);
					break;
			}
		}
		ntuples += tuples;
		nbytes += tuples * MAXALIGN(width);

		if (range)
		{
			int64		lo = 0;
			int64		hi = 0;
			bool		empty;

			if (!ks_index_range(st, kf, rel, att[0], &lo, &hi, &empty))
				range = false;
			else if (!empty)
			{
				any = true;
				kf->pk_min = Min(kf->pk_min, lo);
				kf->pk_max = Max(kf->pk_max, hi);
			}
		}
		table_close(rel, NoLock);
	}

	/*
	 * The estimates only size the set: at most 2^40 keys (and 2^50 bytes),
	 * so that no size computed from them overflows, whatever pg_class says
	 */
	kf->npk = (int64) Min(ntuples, (double) (INT64CONST(1) << 40));
	kf->pk_bytes = (uint64) Min(nbytes, (double) (INT64CONST(1) << 50));
	kf->has_range = range && any;
	if (range && !any)
		kf->npk = kf->pk_bytes = 0;	/* the indexes say: no key */
	if (!kf->has_range)
	{
		kf->pk_min = 0;
		kf->pk_max = -1;
	}
}

/* Slots of a hash table sized for n keys: a power of 2, at least 16. */
static uint64
ks_slots_for(uint64 n)
{
	uint64		want = n * KS_FILL_DEN / KS_FILL_NUM + 1;

	return Max(UINT64CONST(16), pg_nextpower2_64(want));
}

/* The average MAXALIGNed encoded size of n keys of "bytes" bytes in all. */
static inline uint64
ks_avg_bytes(uint64 n, uint64 bytes)
{
	return n > 0 ? (bytes + n - 1) / n : 8;
}

/* Bytes of a hash batch sized for n keys averaging avg encoded bytes. */
static Size
ks_hash_bytes(const KsFk *kf, uint64 n, uint64 avg)
{
	if (kf->kind == KS_SET_INT)
		return ks_slots_for(n) * sizeof(int64);
	if (kf->fixed_len > 0)
		return ks_slots_for(n) * MAXALIGN(sizeof(uint32) + kf->fixed_len);
	/* avg: the keys' average MAXALIGNed length; chunk ends waste a little */
	return ks_slots_for(n) * sizeof(KsSlot) + n * avg + n * avg / 32;
}

/*
 * The fewest batch bits for n hash keys of "bytes" MAXALIGNed encoded
 * bytes in all, with budget bytes: a hash batch is sized for its expected
 * share of the keys plus an eighth for skew.  Sets kf->plan_capacity for
 * that choice.  At most maxbits.
 */
static int
ks_hash_bits(KsFk *kf, uint64 n, uint64 bytes, Size budget, int maxbits)
{
	uint64		avg = ks_avg_bytes(n, bytes);
	int			bits = 0;

	for (;;)
	{
		uint64		per = (n >> bits) + 1;

		kf->plan_capacity = per + per / 8 + 16;
		if (bits >= maxbits ||
			ks_hash_bytes(kf, kf->plan_capacity, avg) <= budget)
			return bits;
		bits++;
	}
}

/*
 * The fewest batch bits for kf's keys with budget bytes: a bitmap batch
 * covers every 2^bits-th offset, a hash batch as ks_hash_bits() says.
 * Sets kf->nbits or kf->plan_capacity for that choice.
 */
static int
ks_plan_bits(KsFk *kf, Size budget)
{
	int			bits = 0;

	if (kf->kind == KS_SET_BITMAP)
	{
		uint64		range = (uint64) kf->pk_max - (uint64) kf->pk_min;

		while (bits < 62 &&
			   (((range >> bits) / 64 + 1) * sizeof(uint64)) > budget)
			bits++;
		kf->nbits = (range >> bits) + 1;
		return bits;
	}
	return ks_hash_bits(kf, (uint64) kf->npk, kf->pk_bytes, budget, 40);
}

/*
 * Choose the set's structure from the counts, and how the keys that do not
 * fit are partitioned, as a hash join or a hash aggregate spills: each pass
 * holds one batch in memory and writes every other key and row to one of
 * 2^kmax tapes of a finer partition, which a later pass reads once (and
 * partitions again while still too big).  So every record is written and
 * read once per pass, and a key set of S bytes under a budget B takes
 * about log2(S / B) / kmax levels of passes.
 *
 * The tapes' buffers (a block for each tape being written, one for the
 * tape being read) are taken out of the set's budget, at most half of it:
 * as many as a quarter of the budget holds, and at least what a fan-out of
 * 2^KS_MIN_FANOUT_BITS needs, which under a small budget exceeds it by a
 * constant (16 blocks per member key, plus one), so that small budgets
 * still take few levels.
 */
static void
ks_plan(KsFk *kf)
{
	int			bits;

	if (kf->single_int && kf->has_range)
	{
		uint64		range = (uint64) kf->pk_max - (uint64) kf->pk_min;

		/* range + 1 bits, unless that would wrap */
		kf->kind = KS_SET_INT;
		if (range < PG_UINT64_MAX / 2 &&
			(range / 64 + 1) * sizeof(uint64) <=
			2 * ks_hash_bytes(kf, kf->npk, 8))
			kf->kind = KS_SET_BITMAP;
	}
	else if (kf->single_int)
		kf->kind = KS_SET_INT;
	else
		kf->kind = KS_SET_BYTES;

	kf->kmax = KS_MIN_FANOUT_BITS;
	bits = ks_plan_bits(kf, kf->budget);
	if (bits > 0)
	{
		Size		m = (Size) Max(kf->nmembers, 1);
		Size		allow = Max(kf->budget / 4,
								((m << KS_MIN_FANOUT_BITS) + 1) * BLCKSZ);

		while (kf->kmax < Min(KS_MAX_FANOUT_BITS, bits + 1) &&
			   ((m << (kf->kmax + 1)) + 1) * BLCKSZ <= allow)
			kf->kmax++;
		kf->budget -= Min(((m << kf->kmax) + 1) * BLCKSZ, kf->budget / 2);
		bits = ks_plan_bits(kf, kf->budget);
	}
	kf->bits0 = bits;
}

/* Drop the current batch's set. */
static void
ks_reset_set(KsFk *kf)
{
	MemoryContextReset(kf->setcxt);
	kf->bitmap = NULL;
	kf->islots = NULL;
	kf->bslots = NULL;
	kf->fslots = NULL;
	kf->arena = NULL;
	kf->arena_left = 0;
	kf->arena_used = 0;
	kf->nused = 0;
	kf->has_empty_key = false;
	kf->overflow = false;
}

/*
 * The hash set of the batch in memory is full: double its slots and
 * rehash its keys, when the old and the new slots (and the arena) fit in
 * the set's budget together; false when they do not, and the batch is
 * then full.  The plan sized the set from estimates, so a set of more keys
 * than planned grows as far as the budget allows before it overflows.
 */
static bool
ks_grow(KsFk *kf)
{
	uint64		oldn = kf->mask + 1;
	uint64		newn = oldn * 2;
	Size		stride;
	Size		extra;
	uint64		i;

	if (kf->kind == KS_SET_INT)
		stride = sizeof(int64);
	else if (kf->fixed_len > 0)
		stride = kf->fstride;
	else
		stride = sizeof(KsSlot);
	extra = kf->kind == KS_SET_BYTES && kf->fixed_len == 0 ? kf->arena_used : 0;
	if (newn > (UINT64CONST(1) << 40) ||
		(oldn + newn) * stride + extra > kf->budget)
		return false;

	if (kf->kind == KS_SET_INT)
	{
		int64	   *old = kf->islots;

		kf->islots = MemoryContextAllocHuge(kf->setcxt, newn * sizeof(int64));
		for (i = 0; i < newn; i++)
			kf->islots[i] = KS_EMPTY_INT;
		kf->mask = newn - 1;
		for (i = 0; i < oldn; i++)
		{
			int64		v = old[i];
			uint64		j;

			if (v == KS_EMPTY_INT)
				continue;
			j = ks_mix64((uint64) v) & kf->mask;
			while (kf->islots[j] != KS_EMPTY_INT)
				j = (j + 1) & kf->mask;
			kf->islots[j] = v;
		}
		pfree(old);
	}
	else if (kf->fixed_len > 0)
	{
		char	   *old = kf->fslots;

		kf->fslots = MemoryContextAllocExtended(kf->setcxt, newn * stride,
												MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		kf->mask = newn - 1;
		for (i = 0; i < oldn; i++)
		{
			const char *slot = old + i * stride;
			uint64		j;

			if (*(const uint32 *) slot == 0)
				continue;
			j = ks_hash_key(slot + sizeof(uint32), kf->fixed_len) & kf->mask;
			while (*(uint32 *) (kf->fslots + j * stride) != 0)
				j = (j + 1) & kf->mask;
			memcpy(kf->fslots + j * stride, slot, stride);
		}
		pfree(old);
	}
	else
	{
		KsSlot	   *old = kf->bslots;

		kf->bslots = MemoryContextAllocExtended(kf->setcxt, newn * stride,
												MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
		kf->mask = newn - 1;
		for (i = 0; i < oldn; i++)
		{
			uint64		j;

			if (old[i].ptr == NULL)
				continue;
			j = ks_hash_key(old[i].ptr, old[i].len) & kf->mask;
			while (kf->bslots[j].ptr != NULL)
				j = (j + 1) & kf->mask;
			kf->bslots[j] = old[i];
		}
		pfree(old);
		kf->arena_limit = kf->budget > newn * stride ?
			kf->budget - newn * stride : 0;
	}
	kf->maxused = newn * KS_FILL_NUM / KS_FILL_DEN;
	kf->plan_capacity = kf->maxused;
	kf->ngrows++;
	return true;
}

/* Add an int64 key to the hash set; false when the batch is full. */
static bool
ks_insert_int(KsFk *kf, int64 v)
{
	uint64		i;

	if (v == KS_EMPTY_INT)
	{
		kf->has_empty_key = true;
		return true;
	}
again:
	i = ks_mix64((uint64) v) & kf->mask;
	for (;;)
	{
		if (kf->islots[i] == v)
			return true;
		if (kf->islots[i] == KS_EMPTY_INT)
			break;
		i = (i + 1) & kf->mask;
	}
	if (kf->nused >= kf->maxused)
	{
		if (ks_grow(kf))
			goto again;
		return false;
	}
	kf->islots[i] = v;
	kf->nused++;
	return true;
}

/* Is the int64 key in the hash set? */
static bool
ks_lookup_int(const KsFk *kf, int64 v)
{
	uint64		i;

	if (v == KS_EMPTY_INT)
		return kf->has_empty_key;
	i = ks_mix64((uint64) v) & kf->mask;
	for (;;)
	{
		int64		s = kf->islots[i];

		if (s == v)
			return true;
		if (s == KS_EMPTY_INT)
			return false;
		i = (i + 1) & kf->mask;
	}
}

/*
 * Add an encoded key with hash h to the hash set; false when the batch is
 * full.  A key alone in its batch is always taken, so a single key larger
 * than the budget still gets through (the budget is then exceeded by that
 * one key).
 */
static bool
ks_insert_bytes(KsFk *kf, const char *key, uint32 len, uint64 h)
{
	uint32		tag = (uint32) (h >> 16);
	uint64		i;
	char	   *copy;

again:
	i = h & kf->mask;
	if (kf->fixed_len > 0)
	{
		char	   *slot;

		Assert(len == kf->fixed_len);
		tag |= 1;
		for (;;)
		{
			slot = kf->fslots + i * kf->fstride;
			if (*(uint32 *) slot == 0)
				break;
			if (*(uint32 *) slot == tag &&
				memcmp(slot + sizeof(uint32), key, len) == 0)
				return true;
			i = (i + 1) & kf->mask;
		}
		if (kf->nused >= kf->maxused)
		{
			if (ks_grow(kf))
				goto again;
			return false;
		}
		*(uint32 *) slot = tag;
		memcpy(slot + sizeof(uint32), key, len);
		kf->nused++;
		return true;
	}

	for (;;)
	{
		KsSlot	   *s = &kf->bslots[i];

		if (s->ptr == NULL)
			break;
		if (s->tag == tag && s->len == len && memcmp(s->ptr, key, len) == 0)
			return true;
		i = (i + 1) & kf->mask;
	}
	if (kf->nused >= kf->maxused)
	{
		if (ks_grow(kf))
			goto again;
		return false;
	}

	/* copy the key into the arena */
	if (MAXALIGN(len) > kf->arena_left)
	{
		Size		chunk = Max((Size) 8192, Min((Size) 1024 * 1024,
												  kf->arena_limit / 16));

		if (MAXALIGN(len) > chunk / 4)
		{
			/* a big key gets its own chunk */
			if (kf->nused > 0 &&
				kf->arena_used + MAXALIGN(len) > kf->arena_limit)
				return false;
			copy = MemoryContextAllocHuge(kf->setcxt, Max(len, 1));
			kf->arena_used += MAXALIGN(len);
			goto stored;
		}
		if (kf->nused > 0 && kf->arena_used + chunk > kf->arena_limit)
			return false;
		kf->arena = MemoryContextAlloc(kf->setcxt, chunk);
		kf->arena_left = chunk;
		kf->arena_used += chunk;
	}
	copy = kf->arena;
	kf->arena += MAXALIGN(len);
	kf->arena_left -= MAXALIGN(len);

stored:
	memcpy(copy, key, len);
	kf->bslots[i].tag = tag;
	kf->bslots[i].len = len;
	kf->bslots[i].ptr = copy;
	kf->nused++;
	return true;
}

/* Is the encoded key with hash h in the hash set? */
static bool
ks_lookup_bytes(const KsFk *kf, const char *key, uint32 len, uint64 h)
{
	uint32		tag = (uint32) (h >> 16);
	uint64		i = h & kf->mask;

	if (kf->fixed_len > 0)
	{
		tag |= 1;
		for (;;)
		{
			const char *slot = kf->fslots + i * kf->fstride;

			if (*(const uint32 *) slot == 0)
				return false;
			if (*(const uint32 *) slot == tag &&
				memcmp(slot + sizeof(uint32), key, len) == 0)
				return true;
			i = (i + 1) & kf->mask;
		}
	}

	for (;;)
	{
		const KsSlot *s = &kf->bslots[i];

		if (s->ptr == NULL)
			return false;
		if (s->tag == tag && s->len == len && memcmp(s->ptr, key, len) == 0)
			return true;
		i = (i + 1) & kf->mask;
	}
}

/*
 * Add a referenced key (hash or offset h, encoded key) to the set of the
 * batch in memory, if it belongs to that batch; false when the set is full.
 */
static bool
ks_add_key(KsFk *kf, uint64 h, const char *key, uint32 len)
{
	if (kf->kind == KS_SET_BITMAP)
	{
		uint64		bmask = (UINT64CONST(1) << kf->cur.bits) - 1;
		uint64		off = h;

		if ((off & bmask) != kf->cur.value)
			return true;
		off >>= kf->cur.bits;
		/* the build checked the key against the range: off < nbits */
		kf->bitmap[off / 64] |= UINT64CONST(1) << (off % 64);
		return true;
	}
	if (!ks_hash_in_batch(&kf->cur, h))
		return true;
	if (kf->kind == KS_SET_INT)
	{
		int64		v;

		memcpy(&v, key, sizeof(v));
		return ks_insert_int(kf, v);
	}
	return ks_insert_bytes(kf, key, len, h);
}

/* Allocate the empty set of the batch in memory. */
static void
ks_alloc_set(KsFk *kf)
{
	ks_reset_set(kf);
	switch (kf->kind)
	{
		case KS_SET_BITMAP:
			kf->bitmap = MemoryContextAllocExtended(kf->setcxt,
													(kf->nbits / 64 + 1) * sizeof(uint64),
													MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
			break;
		case KS_SET_INT:
			{
				uint64		nslots = ks_slots_for(kf->plan_capacity);
				uint64		i;

				kf->islots = MemoryContextAllocHuge(kf->setcxt,
													nslots * sizeof(int64));
				for (i = 0; i < nslots; i++)
					kf->islots[i] = KS_EMPTY_INT;
				kf->mask = nslots - 1;
				kf->maxused = nslots * KS_FILL_NUM / KS_FILL_DEN;
				break;
			}
		case KS_SET_BYTES:
			{
				uint64		nslots = ks_slots_for(kf->plan_capacity);
				Size		slot_bytes = nslots * sizeof(KsSlot);

				if (kf->fixed_len > 0)
				{
					kf->fstride = MAXALIGN(sizeof(uint32) + kf->fixed_len);
					kf->fslots = MemoryContextAllocExtended(kf->setcxt,
															nslots * kf->fstride,
															MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
					kf->mask = nslots - 1;
					kf->maxused = nslots * KS_FILL_NUM / KS_FILL_DEN;
					break;
				}
				kf->bslots = MemoryContextAllocExtended(kf->setcxt, slot_bytes,
														MCXT_ALLOC_HUGE | MCXT_ALLOC_ZERO);
				kf->mask = nslots - 1;
				kf->maxused = nslots * KS_FILL_NUM / KS_FILL_DEN;
				kf->arena_limit = kf->budget > slot_bytes ?
					kf->budget - slot_bytes : 0;
				break;
			}
	}
}

/*
 * The part of partition p with k more bits equal to j: for a hash set the
 * next k bits from the top of the hash, for a bitmap the next k low bits
 * of the offset.
 */
static KsBatch
ks_extend(const KsFk *o, KsBatch p, int k, uint64 j)
{
	KsBatch		r;

	r.bits = p.bits + k;
	if (o->kind == KS_SET_BITMAP)
		r.value = p.value | (j << p.bits);
	else
		r.value = (p.value << k) | j;
	return r;
}

/* The sub-partition of the pass under way that hash or offset h falls in. */
static inline uint32
ks_sub_index(const KsFk *o, uint64 h)
{
	uint64		m = (UINT64CONST(1) << o->subk) - 1;

	Assert(o->subk > 0);
	if (o->kind == KS_SET_BITMAP)
		return (uint32) ((h >> o->sub.bits) & m);
	return (uint32) ((h >> (64 - o->sub.bits - o->subk)) & m);
}

/* Does hash or offset h belong to the batch in memory of kf? */
static inline bool
ks_in_cur(const KsFk *kf, uint64 h)
{
	if (kf->cur_empty)
		return false;
	if (kf->kind == KS_SET_BITMAP)
		return (h & ((UINT64CONST(1) << kf->cur.bits) - 1)) == kf->cur.value;
	return ks_hash_in_batch(&kf->cur, h);
}

/*
 * Prefetch the first slot the probe of hash h reads in the hash set of
 * kf, when the probe is queued: by the time ks_flush() does the probe,
 * KS_QUEUE rows later, the slot has arrived.
 */
static inline void
ks_prefetch_slot(const KsFk *kf, uint64 h)
{
	if (kf->kind == KS_SET_INT)
		ks_prefetch(&kf->islots[h & kf->mask]);
	else if (kf->fixed_len > 0)
		ks_prefetch(kf->fslots + (h & kf->mask) * kf->fstride);
	else
		ks_prefetch(&kf->bslots[h & kf->mask]);
}

/*
 * Create the 2^k tapes of keys and 2^k tapes of rows per member of the
 * pass under way over partition o->sub.  A tape takes a buffer only once
 * written to.
 */
static void
ks_open_sub(KsState *st, KsFk *o, int k)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->cxt);
	int			nsub = 1 << k;
	int			i;

	if (o->sub.bits + k > 62)
		elog(ERROR, "could not split the keys of foreign key constraint \"%s\" into batches",
			 NameStr(o->fk->conname));
	if (st->tapes == NULL)
		st->tapes = LogicalTapeSetCreate(false, NULL, -1);
	o->subk = k;
	o->subkeys = palloc(nsub * sizeof(LogicalTape *));
	o->subnkeys = palloc0(nsub * sizeof(uint64));
	o->subbytes = palloc0(nsub * sizeof(uint64));
	o->subrows = palloc(nsub * o->nmembers * sizeof(LogicalTape *));
	o->subnrows = palloc0(nsub * o->nmembers * sizeof(uint64));
	for (i = 0; i < nsub; i++)
		o->subkeys[i] = LogicalTapeCreate(st->tapes);
	for (i = 0; i < nsub * o->nmembers; i++)
		o->subrows[i] = LogicalTapeCreate(st->tapes);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Plan a pass over partition p of o's keys, which holds n keys of "bytes"
 * encoded bytes: the batch it holds in memory and, when that is not all
 * of p, the tapes for the rest.
 */
static void
ks_plan_pass(KsState *st, KsFk *o, KsBatch p, uint64 n, uint64 bytes)
{
	int			d;

	if (o->kind == KS_SET_BITMAP)
		d = o->bits0 - p.bits;
	else
		d = ks_hash_bits(o, n, bytes, o->budget, Max(0, 62 - p.bits));
	o->sub = p;
	o->subk = 0;
	o->cur_empty = false;
	if (d <= 0)
	{
		o->cur = p;
		return;
	}
	o->cur = ks_extend(o, p, d, 0);
	ks_open_sub(st, o, Min(d, o->kmax));
}

/*
 * Write a record (header, key) to tape t.  (A tape allocates its buffers
 * in the memory context current at its first write or read: st->cxt.)
 */
static void
ks_write_rec(KsState *st, LogicalTape *t, KsSpillHeader *hdr, const char *key)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->cxt);

	LogicalTapeWrite(t, hdr, sizeof(*hdr));
	if (hdr->len > 0)
		LogicalTapeWrite(t, (void *) key, hdr->len);
	MemoryContextSwitchTo(oldcxt);
	st->spill_written += sizeof(*hdr) + hdr->len;
}

/* Read the next record of tape t into *hdr and key; false at its end. */
static bool
ks_read_rec(KsState *st, LogicalTape *t, KsSpillHeader *hdr, StringInfo key)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->cxt);
	size_t		n = LogicalTapeRead(t, hdr, sizeof(*hdr));

	MemoryContextSwitchTo(oldcxt);
	if (n == 0)
		return false;
	if (n != sizeof(*hdr))
		elog(ERROR, "could not read temporary file: read only %zu of %zu bytes",
			 n, sizeof(*hdr));
	enlargeStringInfo(key, hdr->len);
	oldcxt = MemoryContextSwitchTo(st->cxt);
	if (hdr->len > 0 && LogicalTapeRead(t, key->data, hdr->len) != hdr->len)
		elog(ERROR, "could not read temporary file");
	MemoryContextSwitchTo(oldcxt);
	st->spill_read += sizeof(*hdr) + hdr->len;
	return true;
}

/* Write a referenced key not in the batch in memory to its tape. */
static void
ks_spill_key(KsState *st, KsFk *o, uint64 h, const char *key, uint32 len)
{
	KsSpillHeader hdr;
	uint32		j = ks_sub_index(o, h);

	/* the struct's tail padding is written too: no uninitialised bytes */
	memset(&hdr, 0, sizeof(hdr));
	hdr.hash = h;
	hdr.len = len;
	ks_write_rec(st, o->subkeys[j], &hdr, key);
	o->subnkeys[j]++;
	o->subbytes[j] += o->kind == KS_SET_BYTES ? MAXALIGN(len) : sizeof(int64);
}

/*
 * The hash batch in memory did not fit: write the keys it holds to the
 * tapes (creating them when the pass planned none) and hold no batch in
 * memory for the rest of the pass.  Every key and row of the pass then
 * goes to tape, and the next passes, over finer partitions, do them.
 */
static void
ks_overflow(KsState *st, KsFk *o)
{
	uint64		i;

	if (o->kind == KS_SET_BITMAP)
		elog(ERROR, "bitmap of foreign key constraint \"%s\" overflowed",
			 NameStr(o->fk->conname));
	if (o->subk == 0)
		ks_open_sub(st, o, Min(o->kmax, 62 - o->sub.bits));
	if (o->kind == KS_SET_INT)
	{
		for (i = 0; i <= o->mask; i++)
		{
			int64		v = o->islots[i];

			if (v != KS_EMPTY_INT)
				ks_spill_key(st, o, ks_mix64((uint64) v), (char *) &v, sizeof(v));
		}
		if (o->has_empty_key)
		{
			int64		v = KS_EMPTY_INT;

			ks_spill_key(st, o, ks_mix64((uint64) v), (char *) &v, sizeof(v));
		}
	}
	else if (o->fixed_len > 0)
	{
		for (i = 0; i <= o->mask; i++)
		{
			const char *slot = o->fslots + i * o->fstride;

			if (*(const uint32 *) slot != 0)
				ks_spill_key(st, o,
							 ks_hash_key(slot + sizeof(uint32), o->fixed_len),
							 slot + sizeof(uint32), o->fixed_len);
		}
	}
	else
	{
		for (i = 0; i <= o->mask; i++)
		{
			KsSlot	   *s = &o->bslots[i];

			if (s->ptr != NULL)
				ks_spill_key(st, o,
							 ks_hash_key(s->ptr, s->len),
							 s->ptr, s->len);
		}
	}
	ks_reset_set(o);
	o->cur_empty = true;
	o->noverflows++;
}

/*
 * A referenced key (hash or offset h, encoded key) read by the pass: into
 * the set when it is in the batch in memory, else to its tape.
 */
static void
ks_take_key(KsState *st, KsFk *o, uint64 h, const char *key, uint32 len)
{
	if (ks_in_cur(o, h))
	{
		if (ks_add_key(o, h, key, len))
			return;
		ks_overflow(st, o);
	}
	ks_spill_key(st, o, h, key, len);
}

/*
 * The first pass's build: read the referenced table (each leaf) into the
 * set of the batch in memory, and the other keys to the tapes.
 */
static void
ks_build_tables(KsState *st, KsFk *kf)
{
	const FkInfo *fk = kf->fk;
	ListCell   *lc;
	Datum		vals[INDEX_MAX_KEYS];
	MemoryContext oldcxt;
	KsBatch		all = {0, 0};
	int64		npk;
	uint64		pk_bytes;
	int			i;

	ks_plan_pass(st, kf, all, (uint64) kf->npk, kf->pk_bytes);
	ks_alloc_set(kf);
	npk = 0;
	pk_bytes = 0;

	foreach(lc, kf->pk_leaves)
	{
		Relation	rel = table_open(lfirst_oid(lc), AccessShareLock);
		AttrNumber	att[INDEX_MAX_KEYS];
		AttrNumber	maxatt = 0;
		TupleTableSlot *slot = table_slot_create(rel, NULL);
		TableScanDesc scan = table_beginscan(rel, st->snapshot, 0, NULL);

		ks_map_attnums(fk->pk_relid, rel, fk->pk_attnums, kf->nkeys, att);
		for (i = 0; i < kf->nkeys; i++)
			maxatt = Max(maxatt, att[i]);

		oldcxt = MemoryContextSwitchTo(st->rowcxt);
		while (ks_getnext(st, scan, slot))
		{
			uint64		h;
			int64		v;

			CHECK_FOR_INTERRUPTS();
			MemoryContextReset(st->rowcxt);
			if (!ks_slot_keys(slot, att, kf->nkeys, maxatt, vals))
				continue;

			npk++;
			if (kf->kind == KS_SET_BYTES)
			{
				ks_encode(st, kf->pkcol, kf->nkeys, vals);
				pk_bytes += MAXALIGN(st->keybuf.len);
				h = ks_hash_key(st->keybuf.data, st->keybuf.len);
				ks_take_key(st, kf, h, st->keybuf.data, st->keybuf.len);
				continue;
			}
			v = ks_int_value(kf->pkcol[0], vals[0]);
			pk_bytes += sizeof(int64);
			if (kf->kind == KS_SET_BITMAP)
			{
				/* the indexes gave the bounds under the same snapshot */
				if (v < kf->pk_min || v > kf->pk_max)
					elog(ERROR, "key of foreign key constraint \"%s\" outside the referenced index's range",
						 NameStr(fk->conname));
				h = (uint64) v - (uint64) kf->pk_min;
			}
			else
				h = ks_mix64((uint64) v);
			ks_take_key(st, kf, h, (const char *) &v, sizeof(v));
		}
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(st->rowcxt);

		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		table_close(rel, NoLock);
	}
	kf->nbatches++;

	/* the counts replace the estimates */
	kf->npk = npk;
	kf->pk_bytes = pk_bytes;
}

/* Write a row whose key is not in the batch in memory to its tape. */
static void
ks_spill(KsState *st, KsFk *kf, uint64 h, const char *key, uint32 len,
		 int leaf, ItemPointer tid)
{
	KsFk	   *o = kf->owner ? kf->owner : kf;
	KsSpillHeader hdr;
	uint32		i;

	/* the struct's tail padding is written too: no uninitialised bytes */
	memset(&hdr, 0, sizeof(hdr));
	hdr.hash = h;
	hdr.len = len;
	hdr.leaf = (uint32) leaf;
	ItemPointerCopy(tid, &hdr.tid);
	i = (uint32) kf->member * (1U << o->subk) + ks_sub_index(o, h);
	ks_write_rec(st, o->subrows[i], &hdr, key);
	o->subnrows[i]++;
}

/*
 * End the pass of o: each sub-partition with rows of some member becomes a
 * partition to do, its tapes rewound for reading.
 */
static void
ks_end_pass(KsFk *o)
{
	int			nsub = 1 << o->subk;
	int			j;
	int			g;

	if (o->subk == 0)
		return;
	for (j = nsub - 1; j >= 0; j--)
	{
		bool		any = false;
		KsPart	   *part;

		for (g = 0; g < o->nmembers; g++)
			any |= o->subnrows[g * nsub + j] > 0;
		if (!any)
		{
			/* nothing references these keys: nothing to do */
			LogicalTapeClose(o->subkeys[j]);
			for (g = 0; g < o->nmembers; g++)
				LogicalTapeClose(o->subrows[g * nsub + j]);
			continue;
		}
		if (o->nparts >= o->maxparts)
		{
			o->maxparts = Max(16, o->maxparts * 2);
			o->parts = o->parts ?
				repalloc(o->parts, o->maxparts * sizeof(KsPart)) :
				palloc(o->maxparts * sizeof(KsPart));
		}
		part = &o->parts[o->nparts++];
		part->b = ks_extend(o, o->sub, o->subk, (uint64) j);
		part->keys = o->subkeys[j];
		part->nkeys = o->subnkeys[j];
		part->bytes = o->subbytes[j];
		LogicalTapeRewindForRead(part->keys, BLCKSZ);
		part->rows = palloc(o->nmembers * sizeof(LogicalTape *));
		for (g = 0; g < o->nmembers; g++)
		{
			part->rows[g] = o->subrows[g * nsub + j];
			LogicalTapeRewindForRead(part->rows[g], BLCKSZ);
		}
	}
	pfree(o->subkeys);
	pfree(o->subnkeys);
	pfree(o->subbytes);
	pfree(o->subrows);
	pfree(o->subnrows);
	o->subk = 0;
}

/*
 * Probe the batch in memory with the rows of tape t, for kf; rows of other
 * batches go to the tapes of the pass under way.
 */
static void
ks_probe_tape(KsState *st, KsFk *kf, LogicalTape *t)
{
	KsSpillHeader hdr;
	StringInfoData key;
	MemoryContext oldcxt;

	initStringInfo(&key);
	oldcxt = MemoryContextSwitchTo(st->rowcxt);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		MemoryContextReset(st->rowcxt);
		if (!ks_read_rec(st, t, &hdr, &key))
			break;

		if (!ks_in_cur(kf, hdr.hash))
		{
			ks_spill(st, kf, hdr.hash, key.data, hdr.len, (int) hdr.leaf,
					 &hdr.tid);
			continue;
		}
		if (kf->kind == KS_SET_BITMAP)
		{
			uint64		off = hdr.hash >> kf->cur.bits;

			if ((kf->bitmap[off / 64] & (UINT64CONST(1) << (off % 64))) == 0)
				ks_report_key(st, kf, (int) hdr.leaf, &hdr.tid, key.data,
							  hdr.len);
			continue;
		}
		/* queue the probe, as the table scan does */
		ks_prefetch_slot(kf, hdr.hash);
		kf->qhash[kf->nq] = hdr.hash;
		if (kf->kind == KS_SET_INT)
			memcpy(&kf->qint[kf->nq], key.data, sizeof(int64));
		else
		{
			kf->qoff[kf->nq] = kf->qkeys.len;
			kf->qlen[kf->nq] = hdr.len;
			appendBinaryStringInfoNT(&kf->qkeys, key.data, hdr.len);
		}
		kf->qleaf[kf->nq] = (int) hdr.leaf;
		kf->qtid[kf->nq] = hdr.tid;
		if (++kf->nq == KS_QUEUE)
			ks_flush(st, kf);
	}
	ks_flush(st, kf);
	MemoryContextSwitchTo(oldcxt);
	MemoryContextReset(st->rowcxt);
	pfree(key.data);
}

/*
 * Do the partitions on tape of o's set, one pass each: build the batch in
 * memory from the partition's keys (the others to finer tapes), probe it
 * with each member's rows (the others to finer tapes), then do the finer
 * partitions.  Each tape is read once and freed as it is read.
 */
static void
ks_do_parts(KsState *st, KsFk *o)
{
	StringInfoData key;

	initStringInfo(&key);
	while (o->nparts > 0)
	{
		KsPart		part = o->parts[--o->nparts];
		KsSpillHeader hdr;
		int			g;

		ks_plan_pass(st, o, part.b, part.nkeys, part.bytes);
		ks_alloc_set(o);
		while (ks_read_rec(st, part.keys, &hdr, &key))
		{
			CHECK_FOR_INTERRUPTS();
			ks_take_key(st, o, hdr.hash, key.data, hdr.len);
		}
		LogicalTapeClose(part.keys);
		o->nbatches++;
		o->npasses++;

		for (g = 0; g < o->nmembers; g++)
		{
			KsFk	   *kf = o->members[g];

			if (kf != o)
				ks_share(kf, false);
			ks_probe_tape(st, kf, part.rows[g]);
			LogicalTapeClose(part.rows[g]);
		}
		pfree(part.rows);
		ks_reset_set(o);
		ks_end_pass(o);
	}
	pfree(key.data);
}

/* Report an orphan found during the table scan. */
static void
ks_report(KsState *st, KsFk *kf, int leaf, ItemPointer tid, Datum *keyvals,
		  bool *keynulls)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->callercxt);

	st->sink->report(st->sink, kf->fk_index,
					 RelationGetRelid(st->leaves[leaf]), tid,
					 keyvals, keynulls);
	MemoryContextSwitchTo(oldcxt);
}

/*
 * Report an orphan whose row the scan has left (a queued probe, or a row
 * read from a tape) from its encoded key, which ks_encode() made from the
 * row's referencing columns (or, one integer column, its int64 value): the
 * same values, so no second fetch of the row by ctid is needed.  The
 * values live in st->rowcxt until the next row.
 */
static void
ks_report_key(KsState *st, KsFk *kf, int leaf, ItemPointer tid,
			  const char *key, uint32 len)
{
	Datum		keyvals[INDEX_MAX_KEYS];
	bool		keynulls[INDEX_MAX_KEYS];
	MemoryContext oldcxt = MemoryContextSwitchTo(st->rowcxt);
	const char *p = key;
	int			i;

	for (i = 0; i < kf->nkeys; i++)
	{
		keynulls[i] = false;
		switch (kf->fkcol[i])
		{
			case KS_COL_INT2:
			case KS_COL_INT4:
			case KS_COL_INT8:
				{
					int64		v;

					memcpy(&v, p, sizeof(v));
					p += sizeof(v);
					keyvals[i] = kf->fkcol[i] == KS_COL_INT2 ?
						Int16GetDatum((int16) v) :
						kf->fkcol[i] == KS_COL_INT4 ?
						Int32GetDatum((int32) v) : Int64GetDatum(v);
					break;
				}
			case KS_COL_UUID:
				{
					pg_uuid_t  *u = palloc(sizeof(pg_uuid_t));

					memcpy(u->data, p, UUID_LEN);
					p += UUID_LEN;
					keyvals[i] = UUIDPGetDatum(u);
					break;
				}
			case KS_COL_TEXT:
				{
					uint32		n;

					memcpy(&n, p, sizeof(n));
					p += sizeof(n);
					keyvals[i] = PointerGetDatum(cstring_to_text_with_len(p, n));
					p += n;
					break;
				}
		}
	}
	if (p != key + len)
		elog(ERROR, "could not decode the key of a row of \"%s\"",
			 RelationGetRelationName(st->leaves[leaf]));
	MemoryContextSwitchTo(oldcxt);
	ks_report(st, kf, leaf, tid, keyvals, keynulls);
}

/*
 * Do the queued probes of kf, whose first slots were prefetched when they
 * were queued: prefetch (encoded keys) the key stored in each first slot
 * whose tag matches, then look each up.
 * Orphans are reported from their queued encoded keys, since the scan has
 * moved on.
 */
static void
ks_flush(KsState *st, KsFk *kf)
{
	int			n = kf->nq;
	int			i;

	if (n == 0)
		return;
	if (kf->kind == KS_SET_INT)
	{
		for (i = 0; i < n; i++)
			if (!ks_lookup_int(kf, kf->qint[i]))
				ks_report_key(st, kf, kf->qleaf[i], &kf->qtid[i],
							  (char *) &kf->qint[i], sizeof(int64));
	}
	else if (kf->fixed_len > 0)
	{
		for (i = 0; i < n; i++)
			if (!ks_lookup_bytes(kf, kf->qkeys.data + kf->qoff[i], kf->qlen[i],
								 kf->qhash[i]))
				ks_report_key(st, kf, kf->qleaf[i], &kf->qtid[i],
							  kf->qkeys.data + kf->qoff[i], kf->qlen[i]);
		resetStringInfo(&kf->qkeys);
	}
	else
	{
		for (i = 0; i < n; i++)
		{
			KsSlot	   *slot = &kf->bslots[kf->qhash[i] & kf->mask];

			if (slot->ptr != NULL && slot->tag == (uint32) (kf->qhash[i] >> 16))
				ks_prefetch(slot->ptr);
		}
		for (i = 0; i < n; i++)
			if (!ks_lookup_bytes(kf, kf->qkeys.data + kf->qoff[i], kf->qlen[i],
								 kf->qhash[i]))
				ks_report_key(st, kf, kf->qleaf[i], &kf->qtid[i],
							  kf->qkeys.data + kf->qoff[i], kf->qlen[i]);
		resetStringInfo(&kf->qkeys);
	}
	kf->nq = 0;
}

/*
 * Read the referencing table once.  For each row and foreign key: a
 * MATCH FULL key with some but not all columns NULL is an orphan, a key
 * with a NULL column otherwise passes; a key in the batch in memory is
 * probed; any other key is spilled to its partition's tape.  Opens every
 * leaf into st->leaves, for the reports of later passes.
 */
static void
ks_scan_fk(KsState *st, int64 *rows_scanned)
{
	Oid			fk_relid = st->fks[0].fk->fk_relid;
	ListCell   *lc;
	Datum		keyvals[INDEX_MAX_KEYS];
	bool		keynulls[INDEX_MAX_KEYS];
	int			leaf = 0;
	uint64		nrows = 0;

	st->leaf_relids = ks_leaf_relids(fk_relid);
	st->nleaves = list_length(st->leaf_relids);
	st->leaves = palloc0(Max(st->nleaves, 1) * sizeof(Relation));

	foreach(lc, st->leaf_relids)
	{
		Relation	rel = table_open(lfirst_oid(lc), AccessShareLock);
		AttrNumber	maxatt = 0;
		TupleTableSlot *slot = table_slot_create(rel, NULL);
		TableScanDesc scan = st->pscan ?
			table_beginscan_parallel(rel, st->pscan) :
			table_beginscan(rel, st->snapshot, 0, NULL);
		TupleDesc	tupdesc = RelationGetDescr(rel);
		HeapTuple	htup;
		MemoryContext oldcxt;
		int			f;
		int			i;

		st->leaves[leaf] = rel;
		for (f = 0; f < st->nfks; f++)
		{
			KsFk	   *kf = &st->fks[f];

			ks_map_attnums(fk_relid, rel, kf->fk->fk_attnums, kf->nkeys,
						   kf->leaf_attnums);
			for (i = 0; i < kf->nkeys; i++)
				maxatt = Max(maxatt, kf->leaf_attnums[i]);
		}

		oldcxt = MemoryContextSwitchTo(st->rowcxt);
		while (ks_getnext(st, scan, slot))
		{
			CHECK_FOR_INTERRUPTS();
			/* most rows allocate nothing: skip the call then */
			if (!st->rowcxt->isReset)
				MemoryContextReset(st->rowcxt);
			if (rows_scanned)
				(*rows_scanned)++;
			if (st->poll && (++nrows & 1023) == 0)
				st->poll(st->poll_arg);

			/*
			 * A heap tuple's key columns are fetched one by one (at cached
			 * offsets when the tuple has no NULLs) rather than deforming
			 * every column before them into the slot.
			 */
			if (TTS_IS_BUFFERTUPLE(slot))
				htup = ((BufferHeapTupleTableSlot *) slot)->base.tuple;
			else
			{
				htup = NULL;
				slot_getsomeattrs(slot, maxatt);
			}

			for (f = 0; f < st->nfks; f++)
			{
				KsFk	   *kf = &st->fks[f];
				int			nnulls = 0;
				bool		orphan;

				/* the common case, one integer column and one bitmap */
				if (htup && kf->kind == KS_SET_BITMAP && kf->cur.bits == 0)
				{
					int64		v;
					uint64		off;

					keyvals[0] = heap_getattr(htup, kf->leaf_attnums[0],
											  tupdesc, &keynulls[0]);
					if (keynulls[0])
						continue;	/* an all-NULL key passes */
					v = ks_int_value(kf->fkcol[0], keyvals[0]);
					off = (uint64) v - (uint64) kf->pk_min;
					if (v >= kf->pk_min && v <= kf->pk_max &&
						(kf->bitmap[off / 64] & (UINT64CONST(1) << (off % 64))) != 0)
						continue;
					ks_report(st, kf, leaf, &slot->tts_tid, keyvals, keynulls);
					continue;
				}

				for (i = 0; i < kf->nkeys; i++)
				{
					AttrNumber	a = kf->leaf_attnums[i];

					if (htup)
						keyvals[i] = heap_getattr(htup, a, tupdesc, &keynulls[i]);
					else
					{
						keyvals[i] = slot->tts_values[a - 1];
						keynulls[i] = slot->tts_isnull[a - 1];
					}
					nnulls += keynulls[i] ? 1 : 0;
				}

				if (nnulls > 0)
				{
					/* all NULL passes; partly NULL passes under SIMPLE */
					if (nnulls == kf->nkeys ||
						kf->fk->confmatchtype != FKCONSTR_MATCH_FULL)
						continue;
					orphan = true;
				}
				else if (kf->npk == 0)
					orphan = true;	/* nothing is referenced */
				else if (kf->kind == KS_SET_BITMAP)
				{
					int64		v = ks_int_value(kf->fkcol[0], keyvals[0]);
					uint64		off = (uint64) v - (uint64) kf->pk_min;
					uint64		bmask = (UINT64CONST(1) << kf->cur.bits) - 1;

					if (v < kf->pk_min || v > kf->pk_max)
						orphan = true;	/* in no batch */
					else if ((off & bmask) != kf->cur.value)
					{
						ks_spill(st, kf, off, (char *) &v, sizeof(v), leaf,
								 &slot->tts_tid);
						continue;
					}
					else
					{
						off >>= kf->cur.bits;
						orphan = (kf->bitmap[off / 64] &
								  (UINT64CONST(1) << (off % 64))) == 0;
					}
				}
				else if (kf->kind == KS_SET_INT)
				{
					int64		v = ks_int_value(kf->fkcol[0], keyvals[0]);
					uint64		h = ks_mix64((uint64) v);

					if (!ks_in_cur(kf, h))
					{
						ks_spill(st, kf, h, (char *) &v, sizeof(v), leaf,
								 &slot->tts_tid);
						continue;
					}
					ks_prefetch_slot(kf, h);
					kf->qhash[kf->nq] = h;
					kf->qint[kf->nq] = v;
					kf->qleaf[kf->nq] = leaf;
					kf->qtid[kf->nq] = slot->tts_tid;
					if (++kf->nq == KS_QUEUE)
						ks_flush(st, kf);
					continue;
				}
				else
				{
					uint64		h;
					int			off = kf->qkeys.len;
					uint32		len;

					/* encoded at the end of the queue's keys */
					ks_encode_append(&kf->qkeys, kf->fkcol, kf->nkeys, keyvals);
					len = kf->qkeys.len - off;
					h = ks_hash_key(kf->qkeys.data + off, len);
					if (!ks_in_cur(kf, h))
					{
						ks_spill(st, kf, h, kf->qkeys.data + off, len,
								 leaf, &slot->tts_tid);
						kf->qkeys.len = off;
						kf->qkeys.data[off] = '\0';
						continue;
					}
					ks_prefetch_slot(kf, h);
					kf->qhash[kf->nq] = h;
					kf->qoff[kf->nq] = off;
					kf->qlen[kf->nq] = len;
					kf->qleaf[kf->nq] = leaf;
					kf->qtid[kf->nq] = slot->tts_tid;
					if (++kf->nq == KS_QUEUE)
						ks_flush(st, kf);
					continue;
				}

				if (orphan)
					ks_report(st, kf, leaf, &slot->tts_tid, keyvals, keynulls);
			}
		}
		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(st->rowcxt);
		for (f = 0; f < st->nfks; f++)
			ks_flush(st, &st->fks[f]);

		table_endscan(scan);
		ExecDropSingleTupleTableSlot(slot);
		leaf++;
	}
}

/*
 * Do a and b read the same referenced keys (same table, same columns, same
 * encoding)?  Then one set serves both.
 */
static bool
ks_same_referenced_keys(const KsFk *a, const KsFk *b)
{
	int			i;

	if (a->fk->pk_relid != b->fk->pk_relid || a->nkeys != b->nkeys)
		return false;
	for (i = 0; i < a->nkeys; i++)
	{
		if (a->fk->pk_attnums[i] != b->fk->pk_attnums[i] ||
			a->pkcol[i] != b->pkcol[i])
			return false;
	}
	return true;
}

/*
 * Let kf, whose owner read the same referenced keys, use the owner's plan
 * (plan = true: counts, structure and partitioning, so its rows go to the
 * owner's tapes as the owner's do) or the owner's set of the batch in
 * memory.
 */
static void
ks_share(KsFk *kf, bool plan)
{
	KsFk	   *o = kf->owner;

	if (plan)
	{
		kf->npk = o->npk;
		kf->pk_min = o->pk_min;
		kf->pk_max = o->pk_max;
		kf->has_range = o->has_range;
		kf->pk_bytes = o->pk_bytes;
		kf->kind = o->kind;
		kf->nbits = o->nbits;
		kf->plan_capacity = o->plan_capacity;
		kf->budget = o->budget;
		kf->bits0 = o->bits0;
		kf->kmax = o->kmax;
		return;
	}
	kf->cur = o->cur;
	kf->cur_empty = o->cur_empty;
	kf->bitmap = o->bitmap;
	kf->islots = o->islots;
	kf->has_empty_key = o->has_empty_key;
	kf->bslots = o->bslots;
	kf->fslots = o->fslots;
	kf->fstride = o->fstride;
	kf->mask = o->mask;
	kf->nbatches++;
}

/* ------------------------------------------------------------------------
 * THE KEY SETS KEPT ACROSS TABLES
 *
 * A call that checks the keys of many referencing tables (check_foreign_keys,
 * assert_no_orphans) creates an RiKeysetCache and passes it to every
 * ri_keyset_check() it makes, so that a referenced key set is read and
 * built once, not once per referencing table.  An entry is one referenced
 * key set (table, columns and their encodings, as ks_same_referenced_keys
 * compares them): its counts, always, and the set itself when it was built
 * whole (one batch, nothing on tape) and the kept sets together fit in the
 * budget.  The sets kept and the sets a call builds share the budget: a
 * call first drops the kept sets it does not use, those needed again
 * last first (the caller gives the cache the referenced table of each key
 * in the order they are checked), as far as its own sets need the room;
 * when its sets and the kept ones it uses cannot be held together, it
 * drops those too and builds every set again as a call without a cache
 * does.  An entry goes when no key left to check references its table
 * (ri_keyset_cache_advance).  When a table's sets fit the budget each but
 * not together, the table is read once per set (ks_pass_per_set), the kept
 * sets first; ri_keyset_passes() tells a caller so, and in which order,
 * so that it can check several such tables set by set and build each set
 * once for all of them.
 *
 * Exactness: a set is only used under the snapshot it was read with (the
 * cache keeps that snapshot registered, so another snapshot cannot take
 * its address), and only while the referenced table expands to the same
 * leaves; the caller holds AccessShareLock on each of them since the set
 * was read, so no TRUNCATE, rewrite or column change can have happened.
 * Rows are read under the same snapshot, so the set holds exactly what
 * building it again would.
 * ------------------------------------------------------------------------
 */

/* One referenced key set of the cache. */
typedef struct KsCacheEntry
{
	/* what it is: ks_same_referenced_keys's identity, and its leaves */
	Oid			pk_relid;		/* the referenced table */
	int			nkeys;			/* number of key columns */
	AttrNumber	pk_attnums[INDEX_MAX_KEYS]; /* referenced columns */
	KsColKind	pkcol[INDEX_MAX_KEYS];	/* their encoding */
	List	   *leaves;			/* the tables read (ks_leaf_relids) */

	/*
	 * its counts: ks_estimate_pk()'s estimates, replaced by the counts of
	 * the first build (ks_build_tables)
	 */
	int64		npk;
	int64		pk_min;
	int64		pk_max;
	bool		has_range;
	uint64		pk_bytes;

	/* the next key to check that references pk_relid (INT_MAX: none) */
	int			next;

	/* the set built whole, when kept (setcxt not NULL) */
	MemoryContext setcxt;		/* holds it; a child of the cache's */
	Size		set_bytes;		/* memory it takes */
	KsSetKind	kind;
	Size		plan_capacity;
	uint64		nbits;
	uint64	   *bitmap;
	int64	   *islots;
	bool		has_empty_key;
	KsSlot	   *bslots;
	Size		fstride;
	char	   *fslots;
	uint64		mask;
	uint64		nused;
} KsCacheEntry;

/* While planning the cache: the first position of a table seen so far. */
typedef struct KsNextPos
{
	Oid			pk_relid;		/* hash key */
	int			pos;
} KsNextPos;

struct RiKeysetCache
{
	MemoryContext cxt;			/* the entries and kept sets */
	Snapshot	snapshot;		/* registered: what the sets were read with */
	List	   *entries;		/* KsCacheEntry pointers */
	Size		set_bytes;		/* memory of the kept sets */
	int			nkeys;			/* the keys of the caller's plan */
	Oid		   *pk_relids;		/* the table each references, in order */
	int		   *nextpos;		/* the next key referencing the same
								 * table, or INT_MAX */
	int			done;			/* keys [0, done) are checked */
};

/*
 * ri_keyset_cache_create
 *		An empty cache of referenced key sets, in a child of the current
 *		memory context, for the ri_keyset_check() calls of one statement
 *		that check nkeys keys, referencing pk_relids[0 .. nkeys - 1], in
 *		that order.  ri_keyset_cache_end() frees it.
 */
RiKeysetCache *
ri_keyset_cache_create(const Oid *pk_relids, int nkeys)
{
	MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext,
											  "ri_audit keyset cache",
											  ALLOCSET_DEFAULT_SIZES);
	RiKeysetCache *cache = MemoryContextAllocZero(cxt, sizeof(RiKeysetCache));
	HASHCTL		ctl;
	HTAB	   *later;

	cache->cxt = cxt;
	cache->nkeys = nkeys;
	cache->pk_relids = MemoryContextAlloc(cxt, sizeof(Oid) * Max(nkeys, 1));
	cache->nextpos = MemoryContextAlloc(cxt, sizeof(int) * Max(nkeys, 1));
	memcpy(cache->pk_relids, pk_relids, sizeof(Oid) * nkeys);

	/* from the end: the next position of each table seen so far */
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(KsNextPos);
	ctl.hcxt = CurrentMemoryContext;
	later = hash_create("ri_audit keyset cache plan", Max(nkeys, 16), &ctl,
						HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	for (int i = nkeys - 1; i >= 0; i--)
	{
		bool		found;
		KsNextPos  *np = hash_search(later, &pk_relids[i], HASH_ENTER, &found);

		cache->nextpos[i] = found ? np->pos : INT_MAX;
		np->pos = i;
	}
	hash_destroy(later);
	return cache;
}

/* Free the set kept in e, keeping its counts. */
static void
ks_cache_drop_set(RiKeysetCache *cache, KsCacheEntry *e)
{
	if (e->setcxt == NULL)
		return;
	MemoryContextDelete(e->setcxt);
	e->setcxt = NULL;
	cache->set_bytes -= e->set_bytes;
	e->set_bytes = 0;
}

/*
 * ri_keyset_cache_advance
 *		The caller's keys [0, done) are checked: forget the key sets of the
 *		tables no later key references.
 */
void
ri_keyset_cache_advance(RiKeysetCache *cache, int done)
{
	ListCell   *lc;

	cache->done = Max(cache->done, done);
	foreach(lc, cache->entries)
	{
		KsCacheEntry *e = (KsCacheEntry *) lfirst(lc);

		while (e->next < cache->done)
			e->next = cache->nextpos[e->next];
		if (e->next != INT_MAX)
			continue;
		ks_cache_drop_set(cache, e);
		list_free(e->leaves);
		pfree(e);
		cache->entries = foreach_delete_current(cache->entries, lc);
	}
}

/*
 * ri_keyset_cache_end
 *		Free the cache and everything it keeps.
 */
void
ri_keyset_cache_end(RiKeysetCache *cache)
{
	if (cache == NULL)
		return;
	if (cache->snapshot)
		UnregisterSnapshot(cache->snapshot);
	MemoryContextDelete(cache->cxt);
}

/*
 * Can the cache serve a call reading with snapshot?  Only the snapshot of
 * its first call, which it keeps registered (so no other snapshot can be
 * at that address).
 */
static bool
ks_cache_serves(RiKeysetCache *cache, Snapshot snapshot)
{
	if (cache->snapshot == NULL)
		cache->snapshot = RegisterSnapshot(snapshot);
	return cache->snapshot == snapshot;
}

/*
 * The entry of the cache for the set owner kf reads, created when there is
 * none; *counted says whether it has the counts already.  An entry whose
 * table now has other leaves than kf->pk_leaves is dropped and made again.
 */
static KsCacheEntry *
ks_cache_entry(RiKeysetCache *cache, KsFk *kf, bool *counted)
{
	MemoryContext oldcxt;
	KsCacheEntry *e;
	ListCell   *lc;

	*counted = false;
	foreach(lc, cache->entries)
	{
		int			i;

		e = (KsCacheEntry *) lfirst(lc);
		if (e->pk_relid != kf->fk->pk_relid || e->nkeys != kf->nkeys)
			continue;
		for (i = 0; i < kf->nkeys; i++)
			if (e->pk_attnums[i] != kf->fk->pk_attnums[i] ||
				e->pkcol[i] != kf->pkcol[i])
				break;
		if (i < kf->nkeys)
			continue;
		if (equal(e->leaves, kf->pk_leaves))
		{
			*counted = true;
			return e;
		}
		/* a partition attached or detached since: read it all again */
		ks_cache_drop_set(cache, e);
		list_free(e->leaves);
		pfree(e);
		cache->entries = foreach_delete_current(cache->entries, lc);
		break;
	}

	oldcxt = MemoryContextSwitchTo(cache->cxt);
	e = palloc0(sizeof(KsCacheEntry));
	e->pk_relid = kf->fk->pk_relid;
	e->nkeys = kf->nkeys;
	memcpy(e->pk_attnums, kf->fk->pk_attnums, kf->nkeys * sizeof(AttrNumber));
	memcpy(e->pkcol, kf->pkcol, kf->nkeys * sizeof(KsColKind));
	e->leaves = list_copy(kf->pk_leaves);
	e->next = INT_MAX;
	for (int i = cache->done; i < cache->nkeys; i++)
		if (cache->pk_relids[i] == e->pk_relid)
		{
			e->next = i;
			break;
		}
	cache->entries = lappend(cache->entries, e);
	MemoryContextSwitchTo(oldcxt);
	return e;
}

/*
 * The memory of kf's set built whole, in one batch, as ks_plan() and
 * ks_alloc_set() would size it with a budget that holds it.  Leaves kf
 * planned for that budget; ks_plan() plans it again.
 */
static Size
ks_whole_bytes(KsFk *kf)
{
	kf->budget = MaxAllocHugeSize;
	ks_plan(kf);
	Assert(kf->bits0 == 0);
	if (kf->kind == KS_SET_BITMAP)
		return (kf->nbits / 64 + 1) * sizeof(uint64);
	return ks_hash_bytes(kf, kf->plan_capacity,
						 ks_avg_bytes((uint64) kf->npk, kf->pk_bytes));
}

/*
 * Give each key set of st (the owners) its budget, deciding which kept sets
 * of the cache it probes (use_cached) and which kept sets make room.
 * Without a cache, each set gets an even share, at least 8 kB.
 */
static void
ks_share_budget(KsState *st, RiKeysetCache *cache, Size budget, int nsets)
{
	Size		used = 0;		/* kept sets this call probes */
	Size		need = 0;		/* the sets it builds, whole */
	Size		spare;
	ListCell   *lc;
	int			f;

	for (f = 0; f < st->nfks; f++)
	{
		KsFk	   *kf = &st->fks[f];

		if (kf->owner != NULL)
			continue;
		kf->use_cached = kf->cached != NULL && kf->cached->setcxt != NULL;
		if (kf->use_cached)
			used += kf->cached->set_bytes;
		else if (kf->cached != NULL)
		{
			kf->budget = ks_whole_bytes(kf);
			need += kf->budget;
		}
	}
	if (cache == NULL || used + need > budget)
	{
		/*
		 * No cache, or this call's sets cannot be held at once: every set
		 * is built with an even share of the budget, and the cache keeps
		 * nothing meanwhile.
		 */
		if (cache != NULL)
		{
			foreach(lc, cache->entries)
				ks_cache_drop_set(cache, (KsCacheEntry *) lfirst(lc));
		}
		for (f = 0; f < st->nfks; f++)
		{
			st->fks[f].use_cached = false;
			st->fks[f].budget = Max(budget / nsets, (Size) 8192);
		}
		return;
	}

	/*
	 * The kept sets this call does not use make room, the one needed again
	 * last first.
	 */
	while (cache->set_bytes + need > budget)
	{
		KsCacheEntry *victim = NULL;

		foreach(lc, cache->entries)
		{
			KsCacheEntry *e = (KsCacheEntry *) lfirst(lc);
			bool		mine = false;

			if (e->setcxt == NULL)
				continue;
			for (f = 0; f < st->nfks && !mine; f++)
				mine = st->fks[f].owner == NULL && st->fks[f].cached == e;
			if (!mine && (victim == NULL || e->next > victim->next))
				victim = e;
		}
		Assert(victim != NULL);
		ks_cache_drop_set(cache, victim);
	}

	/* each set built gets its whole size and its share of the rest */
	spare = budget - cache->set_bytes - need;
	for (f = 0; f < st->nfks; f++)
	{
		KsFk	   *kf = &st->fks[f];

		if (kf->owner != NULL || kf->use_cached)
			continue;
		kf->budget += (Size) ((double) spare * kf->budget / Max(need, 1));
		kf->budget = Max(kf->budget, (Size) 8192);
	}
}

/* Let owner kf probe the set kept in its cache entry. */
static void
ks_cache_take(KsFk *kf)
{
	KsCacheEntry *e = kf->cached;
	KsBatch		all = {0, 0};

	kf->kind = e->kind;
	kf->budget = e->set_bytes;
	kf->plan_capacity = e->plan_capacity;
	kf->nbits = e->nbits;
	kf->bits0 = 0;
	kf->kmax = KS_MIN_FANOUT_BITS;
	kf->sub = all;
	kf->subk = 0;
	kf->cur = all;
	kf->cur_empty = false;
	kf->bitmap = e->bitmap;
	kf->islots = e->islots;
	kf->has_empty_key = e->has_empty_key;
	kf->bslots = e->bslots;
	kf->fslots = e->fslots;
	kf->fstride = e->fstride;
	kf->mask = e->mask;
	kf->nused = e->nused;
	kf->nbatches++;
}

/*
 * After the scan: keep the set owner kf built, when it holds every key (one
 * batch, nothing on tape) and fits in what the budget leaves.  Its memory
 * context moves to the cache; kf gets an empty one for ks_reset_set().
 */
static void
ks_cache_keep(KsState *st, RiKeysetCache *cache, KsFk *kf, Size budget)
{
	KsCacheEntry *e = kf->cached;
	Size		bytes;

	if (e == NULL || kf->use_cached || e->setcxt != NULL ||
		kf->bits0 != 0 || kf->subk != 0 || kf->cur_empty ||
		kf->noverflows > 0 || kf->cur.bits != 0)
		return;
	bytes = MemoryContextMemAllocated(kf->setcxt, true);
	if (cache->set_bytes + bytes > budget)
		return;

	MemoryContextSetParent(kf->setcxt, cache->cxt);
	e->setcxt = kf->setcxt;
	e->set_bytes = bytes;
	cache->set_bytes += bytes;
	e->kind = kf->kind;
	e->plan_capacity = kf->plan_capacity;
	e->nbits = kf->nbits;
	e->bitmap = kf->bitmap;
	e->islots = kf->islots;
	e->has_empty_key = kf->has_empty_key;
	e->bslots = kf->bslots;
	e->fslots = kf->fslots;
	e->fstride = kf->fstride;
	e->mask = kf->mask;
	e->nused = kf->nused;
	kf->setcxt = AllocSetContextCreate(st->cxt, "ri_audit key set",
									   ALLOCSET_DEFAULT_SIZES);
}

/*
 * Should the sets of st be probed in one pass over the table per set?
 * With a cache, when the sets cannot be held together whole (with the
 * kept sets they use) but each can alone: then each set is built whole,
 * or taken from the cache, and kept for the next tables, where one pass
 * for all of them would split every set into batches, build them again
 * for each table and write the rows to tapes.
 */
static bool
ks_pass_per_set(KsState *st, RiKeysetCache *cache, Size budget, int nsets)
{
	Size		together = 0;

	if (cache == NULL || nsets < 2)
		return false;
	for (int f = 0; f < st->nfks; f++)
	{
		KsFk	   *kf = &st->fks[f];
		Size		whole;

		if (kf->owner != NULL)
			continue;
		if (kf->cached != NULL && kf->cached->setcxt != NULL)
		{
			/* a kept set counts as ks_share_budget() counts it */
			whole = kf->cached->set_bytes;
		}
		else
		{
			KsFk		plan = *kf; /* ks_whole_bytes plans its argument */

			whole = ks_whole_bytes(&plan);
		}
		if (whole > budget)
			return false;
		together = add_size(together, whole);
	}
	return together > budget;
}

/*
 * qsort comparator of ks_pass_order(): the sets the cache keeps first,
 * then by referenced table, columns and encodings, so that tables reading
 * the same sets put them in the same order.
 */
static int
ks_pass_cmp(const void *a, const void *b)
{
	const KsFk *x = *(const KsFk *const *) a;
	const KsFk *y = *(const KsFk *const *) b;
	bool		x_kept = x->cached != NULL && x->cached->setcxt != NULL;
	bool		y_kept = y->cached != NULL && y->cached->setcxt != NULL;

	if (x_kept != y_kept)
		return x_kept ? -1 : 1;
	if (x->fk->pk_relid != y->fk->pk_relid)
		return x->fk->pk_relid < y->fk->pk_relid ? -1 : 1;
	if (x->nkeys != y->nkeys)
		return x->nkeys < y->nkeys ? -1 : 1;
	for (int i = 0; i < x->nkeys; i++)
	{
		if (x->fk->pk_attnums[i] != y->fk->pk_attnums[i])
			return x->fk->pk_attnums[i] < y->fk->pk_attnums[i] ? -1 : 1;
		if (x->pkcol[i] != y->pkcol[i])
			return x->pkcol[i] < y->pkcol[i] ? -1 : 1;
	}
	return 0;
}

/*
 * The pass of each key of st when they are checked in one pass per set
 * (ks_pass_per_set): pass_of[f] for st->fks[f].  The sets the cache keeps
 * come first, so that no pass drops a kept set another pass probes; then
 * the others, in ks_pass_cmp's order.  Returns the number of passes.
 */
static int
ks_pass_order(KsState *st, int *pass_of)
{
	KsFk	  **owners = palloc(st->nfks * sizeof(KsFk *));
	int			npasses = 0;

	for (int f = 0; f < st->nfks; f++)
	{
		if (st->fks[f].owner == NULL)
			owners[npasses++] = &st->fks[f];
	}
	qsort(owners, npasses, sizeof(KsFk *), ks_pass_cmp);
	for (int p = 0; p < npasses; p++)
	{
		for (int m = 0; m < owners[p]->nmembers; m++)
			pass_of[owners[p]->members[m]->fk_index] = p;
	}
	pfree(owners);
	return npasses;
}

/*
 * Check st's keys in one pass per set (ks_pass_per_set), in ks_pass_order,
 * each pass a call of its own with the same cache.  Every pass reads the
 * same rows (the same snapshot): *rows_scanned gets them once.
 */
static void
ks_check_per_set(KsState *st, OrphanSink *sink, int64 *rows_scanned,
				 RiKeysetCache *cache)
{
	const FkInfo **pass_fks = palloc(st->nfks * sizeof(FkInfo *));
	int		   *pass_index = palloc(st->nfks * sizeof(int));
	int		   *pass_of = palloc(st->nfks * sizeof(int));
	int			npasses;
	int64		pass_rows = 0;
	OrphanRenumberSink pass_sink;
	OrphanSink *pass_target = ri_renumber_sink(&pass_sink, sink, pass_index);

	/* which sets are kept decides the order, before any pass changes it */
	npasses = ks_pass_order(st, pass_of);
	for (int p = 0; p < npasses; p++)
	{
		int			n = 0;

		for (int f = 0; f < st->nfks; f++)
		{
			if (pass_of[f] != p)
				continue;
			pass_fks[n] = st->fks[f].fk;
			pass_index[n++] = f;
		}
		CHECK_FOR_INTERRUPTS();
		pass_rows = 0;
		ri_keyset_check(pass_fks, n, st->snapshot, pass_target, &pass_rows,
						cache);
	}
	if (rows_scanned)
		*rows_scanned += pass_rows;
	pfree(pass_of);
	pfree(pass_fks);
	pfree(pass_index);
}

/*
 * ks_begin
 *		Set up st, in the current memory context (which becomes st->cxt), to
 *		check fks[0 .. nfks - 1]: each key's encodings, the keys that share
 *		a set, and each set's referenced tables and counts (the cache's
 *		counts when it has them, which ks_estimate_pk() gives it
 *		otherwise).  *cache becomes NULL when it cannot serve snapshot.
 *		sink->report() will run in callercxt.  Returns the number of sets.
 */
static int
ks_begin(KsState *st, const FkInfo **fks, int nfks, Snapshot snapshot,
		 OrphanSink *sink, MemoryContext callercxt, RiKeysetCache **cache)
{
	int			nsets = 0;
	int			f;
	int			i;

	memset(st, 0, sizeof(*st));
	st->cxt = CurrentMemoryContext;
	st->callercxt = callercxt;
	st->nfks = nfks;
	st->snapshot = snapshot;
	st->sink = sink;
	st->fks = palloc0(nfks * sizeof(KsFk));
	st->rowcxt = AllocSetContextCreate(st->cxt, "ri_audit keyset row",
									  ALLOCSET_DEFAULT_SIZES);
	initStringInfo(&st->keybuf);

	for (f = 0; f < nfks; f++)
	{
		KsFk	   *kf = &st->fks[f];
		const FkInfo *fk = fks[f];

		if (fk->fk_relid != fks[0]->fk_relid)
			elog(ERROR, "foreign keys of different tables given to keyset_check");
		if (!ri_keyset_supports(fk))
			elog(ERROR, "foreign key constraint \"%s\" is not supported by the fast scan path",
				 NameStr(fk->conname));

		kf->fk = fk;
		kf->fk_index = f;
		kf->nkeys = fk->nkeys;
		for (i = 0; i < fk->nkeys; i++)
		{
			if (!ks_column_kind(fk->fk_types[i], &kf->fkcol[i]) ||
				!ks_column_kind(fk->pk_types[i], &kf->pkcol[i]))
				elog(ERROR, "unexpected key column type in foreign key constraint \"%s\"",
					 NameStr(fk->conname));
		}
		kf->single_int = (fk->nkeys == 1 &&
						  kf->fkcol[0] != KS_COL_UUID &&
						  kf->fkcol[0] != KS_COL_TEXT);
		kf->fixed_len = 0;
		for (i = 0; i < fk->nkeys; i++)
		{
			if (kf->pkcol[i] == KS_COL_TEXT)
			{
				kf->fixed_len = 0;
				break;
			}
			kf->fixed_len += kf->pkcol[i] == KS_COL_UUID ? UUID_LEN : sizeof(int64);
		}
		kf->setcxt = AllocSetContextCreate(st->cxt, "ri_audit key set",
										   ALLOCSET_DEFAULT_SIZES);
		initStringInfo(&kf->qkeys);

		/* keys referencing the same columns share one set */
		for (i = 0; i < f && kf->owner == NULL; i++)
		{
			if (st->fks[i].owner == NULL &&
				ks_same_referenced_keys(&st->fks[i], kf))
				kf->owner = &st->fks[i];
		}
		if (kf->owner == NULL)
			nsets++;
	}

	/* each set's members: its owner first, then the keys sharing it */
	for (f = 0; f < nfks; f++)
	{
		KsFk	   *kf = &st->fks[f];
		KsFk	   *o = kf->owner ? kf->owner : kf;

		if (o->members == NULL)
			o->members = palloc(nfks * sizeof(KsFk *));
		kf->member = o->nmembers;
		o->members[o->nmembers++] = kf;
	}

	/* each key set's referenced tables, and its estimated counts */
	if (*cache != NULL && !ks_cache_serves(*cache, snapshot))
		*cache = NULL;
	for (f = 0; f < nfks; f++)
	{
		KsFk	   *kf = &st->fks[f];
		bool		counted = false;

		if (kf->owner != NULL)
			continue;
		kf->pk_leaves = ks_leaf_relids(kf->fk->pk_relid);
		if (*cache != NULL)
			kf->cached = ks_cache_entry(*cache, kf, &counted);
		if (counted)
		{
			kf->npk = kf->cached->npk;
			kf->pk_min = kf->cached->pk_min;
			kf->pk_max = kf->cached->pk_max;
			kf->has_range = kf->cached->has_range;
			kf->pk_bytes = kf->cached->pk_bytes;
			continue;
		}
		ks_estimate_pk(st, kf);
		if (kf->cached != NULL)
		{
			kf->cached->npk = kf->npk;
			kf->cached->pk_min = kf->pk_min;
			kf->cached->pk_max = kf->pk_max;
			kf->cached->has_range = kf->has_range;
			kf->cached->pk_bytes = kf->pk_bytes;
		}
	}
	return nsets;
}

/*
 * ri_keyset_passes
 *		How ri_keyset_check(fks, nfks, snapshot, ..., cache) would read the
 *		referencing table: in one pass for every key (returns 1, and
 *		pass_of[i] = 0 for each key), or in one pass per key set, when the
 *		sets fit the budget each but not together (ks_pass_per_set; returns
 *		the number of passes, and pass_of[i] is the pass of fks[i], in
 *		ks_pass_order).  A caller that checks several tables reading the
 *		same sets can run the passes of all of them set by set, calling
 *		ri_keyset_check() with the keys of one pass at a time, so that each
 *		set is built once for all those tables rather than once per table.
 *		Reads the referenced tables' counts as ri_keyset_check() does (into
 *		the cache, which keeps them for the calls that follow); takes
 *		AccessShareLock on a referenced table it has to count.
 */
int
ri_keyset_passes(const FkInfo **fks, int nfks, Snapshot snapshot,
				 RiKeysetCache *cache, int *pass_of)
{
	KsState		st;
	MemoryContext cxt;
	MemoryContext oldcxt;
	int			nsets;
	int			npasses = 1;

	for (int f = 0; f < nfks; f++)
		pass_of[f] = 0;
	if (nfks <= 1 || cache == NULL)
		return 1;

	cxt = AllocSetContextCreate(CurrentMemoryContext, "ri_audit keyset plan",
								ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);
	nsets = ks_begin(&st, fks, nfks, snapshot, NULL, oldcxt, &cache);
	if (ks_pass_per_set(&st, cache, ks_budget(), nsets))
	{
		elog(DEBUG2, "ri_audit: table \"%s\" checked in one pass per key set: its %d sets do not fit in the budget together",
			 get_rel_name(fks[0]->fk_relid), nsets);
		npasses = ks_pass_order(&st, pass_of);
	}
	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(cxt);
	return npasses;
}

/*
 * keyset_check
 *		Report every orphan of the foreign keys fks[0 .. nfks-1], which all
 *		have the same referencing table and pass ri_keyset_supports().
 *
 * Each orphan goes to sink->report() once, in the memory context current
 * at the call, with fk_index its constraint's index in fks; orphans come
 * in no particular order.  The referencing table is read once (rows of
 * batches beyond the first are spilled to temporary tapes, with their
 * keys and ctids), or, with a cache, once per key set when the sets fit
 * the budget each but not together (ks_pass_per_set); *rows_scanned, when
 * not NULL, is increased by the number of rows in the table.  Rows and keys visible to snapshot
 * are considered.  With a cache (NULL: none), the referenced key sets kept
 * by earlier calls are probed instead of built again, and those built
 * whole are kept for later calls (see THE KEY SETS KEPT ACROSS TABLES).
 * Takes AccessShareLock on the referencing and referenced tables and all
 * their partitions.
 */
void
ri_keyset_check(const FkInfo **fks, int nfks, Snapshot snapshot,
				OrphanSink *sink, int64 *rows_scanned, RiKeysetCache *cache)
{
	KsState		st;
	MemoryContext cxt;
	MemoryContext oldcxt;
	Size		budget = ks_budget();
	int			nsets = 0;
	int			f;
	int			i;

	if (nfks <= 0)
		return;

	cxt = AllocSetContextCreate(CurrentMemoryContext, "ri_audit keyset",
								ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(cxt);

	nsets = ks_begin(&st, fks, nfks, snapshot, sink, oldcxt, &cache);

	if (ks_pass_per_set(&st, cache, budget, nsets))
	{
		elog(DEBUG2, "ri_audit: table \"%s\" checked in one pass per key set: its %d sets do not fit in the budget together",
			 get_rel_name(fks[0]->fk_relid), nsets);
		MemoryContextSwitchTo(oldcxt);
		ks_check_per_set(&st, sink, rows_scanned, cache);
		MemoryContextDelete(cxt);
		return;
	}

	/* the budget is shared by the key sets held at once */
	ks_share_budget(&st, cache, budget, nsets);
	for (f = 0; f < nfks; f++)
	{
		KsFk	   *kf = &st.fks[f];

		if (kf->owner != NULL)
		{
			ks_share(kf, true);
			ks_share(kf, false);
			continue;
		}
		if (kf->use_cached)
			ks_cache_take(kf);
		else
		{
			ks_plan(kf);
			ks_build_tables(&st, kf);
			if (kf->cached != NULL)
			{
				/* the next calls plan from the counts */
				kf->cached->npk = kf->npk;
				kf->cached->pk_bytes = kf->pk_bytes;
			}
		}
	}

	/* the first batch of every key set, probed in one scan */
	if (!ri_parallel_keyset_scan(&st, rows_scanned))
		ks_scan_fk(&st, rows_scanned);
	for (f = 0; f < nfks && cache != NULL; f++)
	{
		if (st.fks[f].owner == NULL)
			ks_cache_keep(&st, cache, &st.fks[f], budget);
	}
	for (f = 0; f < nfks; f++)
	{
		ks_reset_set(&st.fks[f]);
		if (st.fks[f].owner == NULL)
			ks_end_pass(&st.fks[f]);
	}

	/*
	 * Then each key set's partitions on tape, one set at a time, probed
	 * with the rows of every key that uses the set.
	 */
	for (f = 0; f < nfks; f++)
	{
		if (st.fks[f].owner == NULL)
			ks_do_parts(&st, &st.fks[f]);
	}
	if (st.tapes)
	{
		elog(DEBUG2, "ri_audit: spill tapes of table \"%s\": " UINT64_FORMAT " bytes written, " UINT64_FORMAT " bytes read",
			 get_rel_name(fks[0]->fk_relid),
			 st.spill_written, st.spill_read);
		LogicalTapeSetClose(st.tapes);
	}

	for (i = 0; i < st.nleaves; i++)
		table_close(st.leaves[i], NoLock);

	for (f = 0; f < nfks; f++)
	{
		KsFk	   *o = st.fks[f].owner ? st.fks[f].owner : &st.fks[f];

		elog(DEBUG2, "ri_audit: foreign key constraint \"%s\" checked with a %s%s in %d batch(es)%s%s%s%s%s",
			 NameStr(st.fks[f].fk->conname),
			 st.fks[f].kind == KS_SET_BITMAP ? "bitmap" :
			 st.fks[f].kind == KS_SET_INT ? "hash set of integers" :
			 "hash set of encoded keys",
			 o->use_cached ? " kept from an earlier table" : "",
			 st.fks[f].nbatches,
			 o->ngrows == 0 || st.fks[f].owner ? "" :
			 psprintf(", grown %d time(s)", o->ngrows),
			 o->npasses == 0 ? "" :
			 o->noverflows == 0 ?
			 psprintf(", %d pass(es) over tapes", o->npasses) :
			 psprintf(", %d pass(es) over tapes, %d overflowed", o->npasses,
					  o->noverflows),
			 st.fks[f].owner ? ", shared with \"" : "",
			 st.fks[f].owner ? NameStr(st.fks[f].owner->fk->conname) : "",
			 st.fks[f].owner ? "\"" : "");
	}

	MemoryContextSwitchTo(oldcxt);
	MemoryContextDelete(cxt);
}

/* ------------------------------------------------------------------------
 * THE KEY SETS SHARED WITH PARALLEL WORKERS
 *
 * orphan_parallel.c runs the scan of a plain referencing table in parallel
 * when every key set is held whole (one batch in memory, nothing on tape).
 * The leader copies the sets into the parallel context's shared memory in
 * a position-independent form (KsExport below: offsets from the start of
 * the copy, no pointers), and each worker rebuilds a KsState whose sets
 * point into that copy and probes them read-only with ks_scan_fk(), joined
 * to the leader's parallel heap scan.  The arrays of bitmaps, int64 slots
 * and fixed-width slots are probed in place; the slots of keys with a text
 * column hold pointers into the arena, so a worker makes its own copy of
 * those slots (16 bytes a slot, not the keys) with the pointers relocated.
 * ------------------------------------------------------------------------
 */

/* One foreign key of the shared copy. */
typedef struct KsExportFk
{
	FkInfo		fk;				/* the constraint */
	KsColKind	fkcol[INDEX_MAX_KEYS];	/* encoding of referencing columns */
	KsSetKind	kind;			/* structure of the set */
	int64		npk;			/* referenced rows with no NULL key column */
	int64		pk_min;			/* smallest key (single_int only) */
	int64		pk_max;			/* largest key (single_int only) */
	uint64		nbits;			/* KS_SET_BITMAP: bits of the bitmap */
	uint64		mask;			/* hash sets: number of slots - 1 */
	bool		has_empty_key;	/* KS_SET_INT: KS_EMPTY_INT is a key */
	uint32		fixed_len;		/* as KsFk.fixed_len */
	Size		fstride;		/* as KsFk.fstride */
	Size		set_off;		/* the set's array, from the copy's start;
								 * 0: none (the set is empty) */
	Size		arena_off;		/* KS_SET_BYTES with text: the keys; the
								 * slots' ptr fields hold the key's offset
								 * from here plus one (0: empty slot) */
} KsExportFk;

/* The head of the shared copy; nfks KsExportFk and the sets follow. */
typedef struct KsExport
{
	int			nfks;			/* foreign keys */
	Size		total;			/* bytes of the whole copy */
} KsExport;

/* Bytes of the array of kf's set (not the arena), 0 when there is none. */
static Size
ks_set_array_bytes(const KsFk *kf)
{
	switch (kf->kind)
	{
		case KS_SET_BITMAP:
			return kf->bitmap ? (kf->nbits / 64 + 1) * sizeof(uint64) : 0;
		case KS_SET_INT:
			return kf->islots ? (kf->mask + 1) * sizeof(int64) : 0;
		case KS_SET_BYTES:
			if (kf->fixed_len > 0)
				return kf->fslots ? (kf->mask + 1) * kf->fstride : 0;
			return kf->bslots ? (kf->mask + 1) * sizeof(KsSlot) : 0;
	}
	return 0;
}

/* Bytes of the arena of kf's set as copied (MAXALIGNed keys). */
static Size
ks_set_arena_bytes(const KsFk *kf)
{
	Size		n = 0;

	if (kf->kind != KS_SET_BYTES || kf->fixed_len > 0 || kf->bslots == NULL)
		return 0;
	for (uint64 i = 0; i <= kf->mask; i++)
	{
		if (kf->bslots[i].ptr != NULL)
			n += MAXALIGN(kf->bslots[i].len);
		if ((i & 65535) == 0)
			CHECK_FOR_INTERRUPTS();
	}
	return n;
}

/*
 * ri_keyset_parallel_target
 *		The referencing table of st when its scan may run in parallel
 *		(every key set whole in memory: one batch, no tape), else
 *		InvalidOid; *snapshot the snapshot it is read with.  Takes no
 *		locks.
 */
Oid
ri_keyset_parallel_target(const KsState *st, Snapshot *snapshot)
{
	*snapshot = st->snapshot;
	for (int f = 0; f < st->nfks; f++)
	{
		const KsFk *kf = &st->fks[f];

		if (kf->cur_empty || kf->cur.bits != 0 || kf->bits0 != 0 ||
			kf->subk != 0 || kf->overflow || kf->noverflows > 0)
			return InvalidOid;
	}
	return st->fks[0].fk->fk_relid;
}

/* Foreign key f of st (0 <= f < *nfks). */
const FkInfo *
ri_keyset_fk(const KsState *st, int f, int *nfks)
{
	*nfks = st->nfks;
	return st->fks[f].fk;
}

/*
 * ri_keyset_export_size
 *		Bytes ri_keyset_export() writes.  Reads the sets (the arena's size
 *		is counted over the slots), so call it once.
 */
Size
ri_keyset_export_size(const KsState *st)
{
	Size		n = MAXALIGN(sizeof(KsExport)) +
		MAXALIGN(st->nfks * sizeof(KsExportFk));

	for (int f = 0; f < st->nfks; f++)
	{
		const KsFk *kf = &st->fks[f];

		if (kf->owner != NULL)
			continue;			/* uses its owner's copy */
		n += MAXALIGN(ks_set_array_bytes(kf)) + ks_set_arena_bytes(kf);
	}
	return n;
}

/*
 * ri_keyset_export
 *		Copy the key sets of st into dst (ri_keyset_export_size() bytes, in
 *		shared memory), position-independent.
 */
void
ri_keyset_export(const KsState *st, char *dst, Size size)
{
	KsExport   *hdr = (KsExport *) dst;
	KsExportFk *efks = (KsExportFk *) (dst + MAXALIGN(sizeof(KsExport)));
	Size		off = MAXALIGN(sizeof(KsExport)) +
		MAXALIGN(st->nfks * sizeof(KsExportFk));

	hdr->nfks = st->nfks;
	hdr->total = size;
	for (int f = 0; f < st->nfks; f++)
	{
		const KsFk *kf = &st->fks[f];
		KsExportFk *e = &efks[f];
		Size		abytes;

		memset(e, 0, sizeof(*e));
		e->fk = *kf->fk;
		memcpy(e->fkcol, kf->fkcol, sizeof(e->fkcol));
		e->kind = kf->kind;
		e->npk = kf->npk;
		e->pk_min = kf->pk_min;
		e->pk_max = kf->pk_max;
		e->nbits = kf->nbits;
		e->mask = kf->mask;
		e->has_empty_key = kf->has_empty_key;
		e->fixed_len = kf->fixed_len;
		e->fstride = kf->fstride;
		if (kf->owner != NULL)
		{
			/* owners come first in fks */
			const KsExportFk *oe = &efks[kf->owner - st->fks];

			e->set_off = oe->set_off;
			e->arena_off = oe->arena_off;
			continue;
		}

		abytes = ks_set_array_bytes(kf);
		if (abytes == 0)
			continue;
		e->set_off = off;
		if (kf->kind == KS_SET_BITMAP)
			memcpy(dst + off, kf->bitmap, abytes);
		else if (kf->kind == KS_SET_INT)
			memcpy(dst + off, kf->islots, abytes);
		else if (kf->fixed_len > 0)
			memcpy(dst + off, kf->fslots, abytes);
		else
		{
			KsSlot	   *slots = (KsSlot *) (dst + off);
			Size		aoff = 0;

			e->arena_off = off + MAXALIGN(abytes);
			for (uint64 i = 0; i <= kf->mask; i++)
			{
				const KsSlot *s = &kf->bslots[i];

				slots[i].tag = s->tag;
				slots[i].len = s->len;
				slots[i].ptr = NULL;
				if (s->ptr == NULL)
					continue;
				if (e->arena_off + aoff + MAXALIGN(s->len) > size)
					elog(ERROR, "key set grew while it was copied");
				memcpy(dst + e->arena_off + aoff, s->ptr, s->len);
				slots[i].ptr = (char *) (uintptr_t) (aoff + 1);
				aoff += MAXALIGN(s->len);
				if ((i & 65535) == 0)
					CHECK_FOR_INTERRUPTS();
			}
			off += aoff;
		}
		off += MAXALIGN(abytes);
	}
	if (off > size)
		elog(ERROR, "key set copy overran its space");
}

/*
 * ri_keyset_scan_shared
 *		The leader's part of a parallel scan: ks_scan_fk() of st joined to
 *		pscan, calling poll(arg) every 1024 rows.
 */
void
ri_keyset_scan_shared(KsState *st, ParallelTableScanDesc pscan,
					  void (*poll) (void *arg), void *arg,
					  int64 *rows_scanned)
{
	st->pscan = pscan;
	st->poll = poll;
	st->poll_arg = arg;
	ks_scan_fk(st, rows_scanned);
	st->pscan = NULL;
	st->poll = NULL;
}

/*
 * ri_keyset_report_row
 *		Report, as the leader's own scan would, an orphan a worker found:
 *		foreign key fk_index of st, the row tid of the referencing table (a
 *		plain table: leaf 0), its key values.
 */
void
ri_keyset_report_row(KsState *st, int fk_index, ItemPointer tid,
					 Datum *keyvals, bool *keynulls)
{
	if (fk_index < 0 || fk_index >= st->nfks || st->nleaves < 1)
		elog(ERROR, "unexpected orphan report from a parallel worker");
	ks_report(st, &st->fks[fk_index], 0, tid, keyvals, keynulls);
}

/*
 * ri_keyset_worker_scan
 *		A parallel worker's part: probe the key sets copied at src (by
 *		ri_keyset_export()) read-only during its share of pscan, reporting
 *		orphans to sink.  Memory in CurrentMemoryContext, for the worker's
 *		life.  Takes AccessShareLock on the referencing table (in the
 *		leader's lock group).
 */
void
ri_keyset_worker_scan(const char *src, ParallelTableScanDesc pscan,
					  OrphanSink *sink, int64 *rows_scanned)
{
	const KsExport *hdr = (const KsExport *) src;
	const KsExportFk *efks =
		(const KsExportFk *) (src + MAXALIGN(sizeof(KsExport)));
	KsState		st;
	KsBatch		all = {0, 0};

	memset(&st, 0, sizeof(st));
	st.cxt = CurrentMemoryContext;
	st.callercxt = CurrentMemoryContext;
	st.nfks = hdr->nfks;
	st.snapshot = GetActiveSnapshot();
	st.sink = sink;
	st.pscan = pscan;
	st.fks = palloc0(st.nfks * sizeof(KsFk));
	st.rowcxt = AllocSetContextCreate(CurrentMemoryContext,
									  "ri_audit keyset row",
									  ALLOCSET_DEFAULT_SIZES);
	initStringInfo(&st.keybuf);

	for (int f = 0; f < st.nfks; f++)
	{
		KsFk	   *kf = &st.fks[f];
		const KsExportFk *e = &efks[f];
		char	   *set = e->set_off ? (char *) src + e->set_off : NULL;

		kf->fk = &e->fk;
		kf->fk_index = f;
		kf->nkeys = e->fk.nkeys;
		memcpy(kf->fkcol, e->fkcol, sizeof(kf->fkcol));
		kf->single_int = (kf->nkeys == 1 && kf->fkcol[0] != KS_COL_UUID &&
						  kf->fkcol[0] != KS_COL_TEXT);
		kf->kind = e->kind;
		kf->npk = e->npk;
		kf->pk_min = e->pk_min;
		kf->pk_max = e->pk_max;
		kf->nbits = e->nbits;
		kf->mask = e->mask;
		kf->has_empty_key = e->has_empty_key;
		kf->fixed_len = e->fixed_len;
		kf->fstride = e->fstride;
		kf->cur = all;
		kf->sub = all;
		kf->nmembers = 1;
		initStringInfo(&kf->qkeys);
		if (set == NULL)
			continue;
		if (kf->kind == KS_SET_BITMAP)
			kf->bitmap = (uint64 *) set;
		else if (kf->kind == KS_SET_INT)
			kf->islots = (int64 *) set;
		else if (kf->fixed_len > 0)
			kf->fslots = set;
		else
		{
			const KsSlot *shared = (const KsSlot *) set;
			const char *arena = src + e->arena_off;

			/* a set shared by two keys is relocated once */
			for (int g = 0; g < f && kf->bslots == NULL; g++)
			{
				if (efks[g].set_off == e->set_off)
					kf->bslots = st.fks[g].bslots;
			}
			if (kf->bslots != NULL)
				continue;
			kf->bslots = MemoryContextAllocHuge(CurrentMemoryContext,
												(kf->mask + 1) * sizeof(KsSlot));
			for (uint64 i = 0; i <= kf->mask; i++)
			{
				uintptr_t	o = (uintptr_t) shared[i].ptr;

				kf->bslots[i].tag = shared[i].tag;
				kf->bslots[i].len = shared[i].len;
				kf->bslots[i].ptr = o == 0 ? NULL : (char *) arena + (o - 1);
				if ((i & 65535) == 0)
					CHECK_FOR_INTERRUPTS();
			}
		}
	}

	ks_scan_fk(&st, rows_scanned);
	for (int i = 0; i < st.nleaves; i++)
		table_close(st.leaves[i], NoLock);
}
