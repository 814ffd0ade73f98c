/*-------------------------------------------------------------------------
 *
 * delete_impact.c
 *	  What a DELETE, an UPDATE of referenced keys or a TRUNCATE would set off
 *	  through the foreign keys, row by row, without running it.
 *
 * The statement is parsed with the raw parser (one statement, of one of the
 * three kinds).  For DELETE and UPDATE, its target, USING / FROM, WHERE and
 * WITH become one SELECT of the target rows' tableoid and ctid (and, for
 * UPDATE, the old value and the new one, cast to the column's type, of each
 * SET column), which is analyzed, rewritten, planned and run by the executor
 * as the calling user: the user's own expressions (a volatile function
 * included) run with the user's rights, as in the real statement.  The whole
 * preview runs with transaction_read_only set in a GUC nest level, so that
 * anything that tries to write (a function that inserts, nextval()) fails
 * with 25006; data-modifying WITH queries are refused before that.
 *
 * Then, breadth first, for every top-level foreign key that references the
 * table holding an affected row (the leaf partition, or a partitioned
 * ancestor of it), what PostgreSQL's RI triggers would do to the
 * referencing rows, found by one read-only SPI query per key and parent
 * leaf (in chunks of parent rows):
 *
 *	SELECT c.tableoid, c.ctid FROM [ONLY] fk_table c
 *	 WHERE EXISTS (SELECT 1 FROM [ONLY] pk_table p
 *				   WHERE p.tableoid = $1 AND p.ctid = ANY ($2)
 *					 AND p.pk1 OPERATOR(ns.op) c.fk1 [COLLATE ...] AND ...)
 *
 * with the constraint's own "pk = fk" operators and the referenced side's
 * collation, as ri_triggers.c compares (generate_operator_clause).  A NULL
 * key never matches (the operators are strict), which is what both MATCH
 * SIMPLE and MATCH FULL do for the referencing rows of a removed key.  For
 * a single-column key (one collation, an operator with a commutator) the
 * parent rows' key values are read first, straight from the parent rows by
 * ctid (parent_keys: no query to plan, and no plan that might scan the
 * whole referenced table for a few rows), and the referencing rows found
 * with
 *
 *	SELECT c.tableoid, c.ctid FROM [ONLY] fk_table c
 *	 WHERE (c.fk1 OPERATOR(ns.commutator) ANY ($1))
 *
 * which the planner answers with an index scan on the referencing column
 * where there is an index, as RI's per-row queries use it; without one,
 * each query scans the referencing table (the real statement's triggers do
 * so once per parent row).
 *
 * Every affected row is kept once in a hash table keyed by (leaf table,
 * ctid), with its final fate (deleted, or updated and which columns), and
 * counted under the step that gave it that fate first: a row set to NULL
 * and later deleted moves from the 'set null' count to the 'cascade
 * delete' one.  Rows only propagate again when their fate gets stronger
 * (updated -> deleted, or more columns updated), so self references and
 * cycles end.  An UPDATE (the statement's, or a cascaded one) fires the ON
 * UPDATE action of a key only when one of its referenced columns really
 * changes: for the statement's rows, as RI_FKey_pk_upd_check_required /
 * ri_KeysEqual decide (a NULL, or a value whose image differs:
 * datum_image_eq, the PostgreSQL 15 rule for the referenced side).
 *
 * RESTRICT and NO ACTION keys collect the referencing rows of the removed
 * keys, and at the end decide which block the statement.  PostgreSQL runs
 * RESTRICT and immediate NO ACTION checks when their trigger fires, and the
 * queries of RI's actions queue the triggers they set off behind those
 * already queued (they run with fire_triggers = false), so PostgreSQL, too,
 * works breadth first: a referencing row reached at step d blocks unless it
 * was removed (deleted, or updated on the key's columns) at an earlier
 * step, or at step d through a key of the same parent row whose trigger
 * fires first (a row's triggers fire in the order of their names; for
 * different parent rows, the order in which those rows were removed: exact
 * for the statement's rows, which the preview's query returns in the
 * statement's scan order, approximate deeper down).  That gives 'blocks'.  A NO ACTION key
 * that is INITIALLY DEFERRED is checked at commit, on the final state:
 * 'blocks at commit'.  SET DEFAULT blocks when the rows it sets would
 * reference a key that no surviving row of the referenced table holds:
 * at once when ri_set's recheck of the removed row holding the default key
 * finds rows referencing it (its own, or rows set to the default by parent
 * rows removed before it), else in the check of the rows set to the
 * default, deferred with the key.  ON UPDATE CASCADE into a MATCH FULL key
 * blocks when the statement, a SET NULL action of some of the key's
 * columns, or an ON UPDATE CASCADE that copies such a key on, gives a
 * parent row a partly NULL key: the check of the rows it copies that key
 * into fails, deferred with the key.
 * A row that two actions update is a row version of the transaction the
 * second time, so all its keys are checked one step later
 * (RI_FKey_fk_upd_check_required); an immediate check fails when the row
 * it references through an unchanged key is deleted at the step of the
 * update but after it, its own action on the row queued behind the check:
 * 'blocks' (updated_row_checks).
 *
 * NO ACTION (and SET DEFAULT's recheck, ri_set calling ri_restrict) first
 * looks whether another row holds the removed key when the check runs
 * (ri_Check_Pk_Match, with the "pk = pk" operators, in the parent row's
 * leaf): the statement's query also returns the old values of the table's
 * referenced columns, so the key every updated row holds after the
 * statement is known (ImpactNewKey), and a key one of them takes over does
 * not block; RESTRICT does not recheck.  The rows that ON UPDATE CASCADE
 * updates get an ImpactNewKey too (cascaded_new_keys: their parent row's
 * new key in the copied columns, their own values in the others, read with
 * the referencing rows), which counts for the checks of later steps, and
 * for all at commit; not for keys whose two sides differ in type, and not
 * for SET NULL (a NULL key holds nothing) or SET DEFAULT.  Deferrable keys
 * are placed by their declared
 * deferral: PostgreSQL 15 gives no way to read SET CONSTRAINTS' state, so
 * a NOTICE names them when a SET CONSTRAINTS may have run in the
 * transaction (constraint_state.c).
 *
 * SET col = DEFAULT takes the column's default, and a stored generated
 * column in a referenced key its expression over the new row, as the
 * rewriter and the executor do; both enter the statement's query through a
 * ParamRef hook, so they run as part of the caller's query.  SET (a, b) =
 * (SELECT ...) becomes one scalar subquery returning the row of new values.
 *
 * An UPDATE of a partitioned table moves a row whose new values fail its
 * partition's constraint to the partition whose constraint they satisfy
 * (both found by running the partition constraints, get_partition_qual_relid,
 * on the row's new partition key values: row_moves).  PostgreSQL refuses
 * such a move with 0A000 when a partitioned table between the row's
 * partition and the statement's table is referenced by a foreign key of
 * its own (ExecCrossPartitionUpdateForeignKey): a 'blocks' row at step 0.
 * Otherwise it inserts the row, and checks its foreign keys as an inserted
 * row's (RI_FKey_check_ins) at the row's turn: a key that no row holds
 * then blocks (moved_row_checks).  A row that no partition takes fails the
 * statement with 23514 (route_failure, ExecFindPartition's message and
 * DETAIL), a 'blocks' row at step 0.  An UPDATE of a leaf partition
 * itself moves nothing: a row whose new values fail the leaf's partition
 * constraint fails the statement with 23514 the same way.  A row that ON
 * UPDATE CASCADE, SET NULL or SET DEFAULT moves in a partitioned
 * referencing table fails the statement at that step the same two ways
 * (cascaded_moves); its insert checks are not followed.
 *
 * What the preview does not run is named in NOTICEs: user triggers and
 * rules on the tables it changes (RI's queries fire and are rewritten by
 * them too).
 *
 * Why a hash table in memory, and not a temporary table: the preview must
 * run in read-only transactions and on a hot standby, where no table can
 * be created or written; a tuplestore spills to disk but cannot answer "was
 * this row reached before", which counting every row once needs.  The hash
 * holds about 64 bytes a row; the new keys of updated rows and the rows an
 * UPDATE moves are kept with their values in their own memory context
 * (values_cxt), whose bytes count too: when the two would need more than
 * maintenance_work_mem, the preview stops with ERROR 54000 instead of
 * growing without bound (check_bound).  Parent rows are handed to each
 * query in chunks of RI_IMPACT_CHUNK ctids, and query results are read
 * through a cursor in batches, so no other structure grows with the data.
 *
 * TRUNCATE reads the catalogs as ExecuteTruncate does (the named tables,
 * their inheritors unless ONLY, and with CASCADE the tables that
 * heap_truncate_find_FKs adds, round by round, as its "truncate cascades
 * to" notices list them), counts the rows of each table it empties, and
 * reports the keys that make the plain statement fail, in the order
 * heap_truncate_check_FKs finds them.
 *
 * Privileges and row-level security: those of orphans().  Every foreign key
 * followed must pass ri_fk_require_access() (SELECT on the key columns of
 * both tables and on the referencing table's ctid and tableoid, no
 * row-level security, no foreign code the table owner could not run), else
 * the preview fails with 42501 instead of counting rows the caller may not
 * read; the statement's own table must not be subject to row-level
 * security either (ri_rel_require_unhidden), and the executor checks the
 * caller's SELECT privileges on everything the statement reads.  Comparing
 * keys that runs another role's code runs as the referencing table's owner
 * (ri_fk_scan_role, ri_become_owner), as the orphan scan does; a column
 * default that SET DEFAULT would store is evaluated as that table's owner
 * too, under SECURITY_RESTRICTED_OPERATION.
 *
 * Locks: AccessShareLock on the statement's tables (taken by the analysis
 * of its query) and, for an UPDATE of a partitioned table, on its
 * partitions, and on both tables of every foreign key followed
 * (ri_fk_lock), held to end of transaction; no row locks.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/delete_impact.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/sysattr.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/heap.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/trigger.h"
#include "executor/executor.h"
#include "executor/spi.h"
#include "executor/tstoreReceiver.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "parser/parse_coerce.h"
#include "parser/parse_expr.h"
#include "parser/parse_relation.h"
#include "parser/parser.h"
#include "rewrite/prs2lock.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "tcop/cmdtag.h"
#include "tcop/tcopprot.h"
#include "tcop/utility.h"
#include "partitioning/partdesc.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/datum.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/partcache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/ruleutils.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "ri_constraint_state.h"
#include "ri_delete_impact.h"
#include "ri_fk_catalog.h"
#include "ri_orphan_scan.h"
#include "ri_owner_code.h"

/* Parent rows handed to one query. */
#define RI_IMPACT_CHUNK		10000
/* Rows fetched from a cursor at a time. */
#define RI_IMPACT_FETCH		1000
/* Keys kept for a blocking key's sample. */
#define RI_IMPACT_SAMPLE	5
/* Bytes a reached row costs, for the maintenance_work_mem bound. */
#define RI_IMPACT_ROW_BYTES 64

/* A row's final fate. */
#define FATE_DELETE		'd'
#define FATE_UPDATE		'u'

/* What a collected referencing row is checked for at the end. */
#define CHECK_RESTRICT	'r'		/* RESTRICT */
#define CHECK_NOACTION	'a'		/* NO ACTION */
#define CHECK_DEFAULT	'd'		/* SET DEFAULT: the default key */
#define CHECK_FULL		'f'		/* MATCH FULL: a cascaded partly-NULL key */
#define CHECK_UPDATED	'u'		/* a key of a row updated twice: its
								 * parent row removed before its check */
#define CHECK_MOVED		'm'		/* a key of a row the UPDATE moves to
								 * another partition: no parent row when its
								 * insert check runs */

/* One row of one table: leaf table and ctid (the hash key). */
typedef struct ImpactRowKey
{
	Oid			relid;			/* the table holding the row */
	ItemPointerData tid;		/* its ctid */
} ImpactRowKey;

/* What happens to one row. */
typedef struct ImpactRowEntry
{
	ImpactRowKey key;
	char		fate;			/* FATE_DELETE or FATE_UPDATE */
	int			stepidx;		/* the step it is counted under */
	Bitmapset  *cols;			/* FATE_UPDATE: the columns changed
								 * (attnums of key.relid) */
	int64		seq;			/* order in which the row was first reached:
								 * for the statement's rows, the order of its
								 * scan, which is the order of their trigger
								 * events */
	int			reupd_depth;	/* step of its first update after another
								 * (a row version of this transaction), -1
								 * when none */
	int64		reupd_seq;		/* the order of that update, as seq */
	Oid			upd_conoids[2];	/* the keys whose actions made the first
								 * update and that one */
} ImpactRowEntry;

/* A referencing row collected for a check at the end (the hash key). */
typedef struct ImpactCheckKey
{
	Oid			conoid;			/* the foreign key */
	Oid			relid;			/* the table holding the referencing row */
	ItemPointerData tid;		/* its ctid */
	char		kind;			/* CHECK_* */
} ImpactCheckKey;

typedef struct ImpactCheckEntry
{
	ImpactCheckKey key;
	int			depth;			/* step at which it was first reached */
	Oid			pk_leaf;		/* the table of the removed parent row;
								 * CHECK_MOVED: the partition the row moves
								 * to */
	bool		on_delete;		/* the parent row deleted (else updated) */
} ImpactCheckEntry;

/*
 * A row the statement or an ON UPDATE CASCADE action updates, with its
 * values after that update of the referenced columns of its table (cols):
 * the keys it holds then, which the NO ACTION recheck (ri_Check_Pk_Match)
 * finds.
 */
typedef struct ImpactNewKey
{
	Oid			relid;			/* the leaf holding the row */
	ItemPointerData tid;		/* its ctid */
	Oid			dest;			/* the leaf holding it after the update:
								 * relid, or the partition it moves to
								 * (InvalidOid: none takes it) */
	int			step;			/* 0: the statement's row; else the step of
								 * the cascaded update */
	List	   *changed;		/* names of the columns it changes */
	List	   *cols;			/* names of the columns of vals:
								 * ImpactState.newkey_cols for the
								 * statement's rows */
	Datum	   *vals;			/* per cols: the value after */
	bool	   *nulls;
} ImpactNewKey;

/* The ImpactNewKey of one row of the statement (the hash key: the row). */
typedef struct ImpactNewKeyRef
{
	ImpactRowKey key;
	ImpactNewKey *nk;
} ImpactNewKeyRef;

/* Is a removed parent row's key held by another row after the statement? */
typedef struct ImpactTakeover
{
	ImpactCheckKey key;			/* the foreign key and the parent row (kind
								 * 0) */
	int			step;			/* key_held_step of its key */
} ImpactTakeover;

/*
 * A row of the statement that the UPDATE moves to another partition, with
 * its values after the statement of ImpactState.move_cols.
 */
typedef struct ImpactMovedRow
{
	ImpactRowKey key;			/* the row before the statement */
	Oid			dest;			/* the leaf partition it moves to */
	Datum	   *vals;			/* per move_cols: the new row's value */
	bool	   *nulls;
} ImpactMovedRow;

/* The partition constraint of a leaf, ready to run on a row of values. */
typedef struct ImpactLeafQual
{
	Oid			relid;			/* the leaf */
	ExprState  *qual;			/* get_partition_qual_relid(), or NULL */
	TupleTableSlot *slot;		/* a virtual slot of the leaf's row type */
	List	   *cols;			/* names of the columns of the values it is
								 * given (move_cols of the state or of a
								 * key) */
	AttrNumber *attnums;		/* per cols: the leaf's column */
} ImpactLeafQual;

/*
 * A list read from the catalogs once per preview for one relation: the
 * partition key columns of a leaf, at every level (names:
 * partition_key_cols), or the leaves of a partitioned table (OIDs:
 * route_leaves).
 */
typedef struct ImpactRelList
{
	Oid			relid;
	List	   *items;
} ImpactRelList;

/* One result row being counted. */
typedef struct ImpactStep
{
	int			step;			/* depth */
	Oid			table;			/* table_name */
	Oid			conoid;			/* InvalidOid for step 0 / truncate */
	const char *action;			/* the action's name */
	int64		count;			/* rows counted under it */
} ImpactStep;

/* Rows of one table reached at one depth, with one fate. */
typedef struct ImpactBatch
{
	Oid			relid;			/* leaf table holding the rows */
	char		fate;			/* FATE_DELETE or FATE_UPDATE */
	List	   *cols;			/* FATE_UPDATE: names of changed columns */
	bool		nulled;			/* FATE_UPDATE: set to NULL (SET NULL) */
	int			ntids;			/* rows */
	int			maxtids;		/* allocated length of tids */
	ItemPointerData *tids;		/* their ctids */
} ImpactBatch;

/* A foreign key followed: its catalog facts, read, checked and locked. */
typedef struct ImpactKey
{
	Oid			conoid;			/* hash key */
	FkEdge	   *edge;			/* actions, deferrability */
	FkInfo		info;			/* operators, types, collations */
	Oid			scan_role;		/* ri_fk_scan_role, or InvalidOid */
	char	   *step_query;		/* the referencing-rows query */
	char	   *any_query;		/* single-column keys, else NULL: the
								 * referencing rows of an array of key
								 * values: "c.fk = ANY ($1)", which the
								 * planner answers with the index */
	Oid			any_elemtype;	/* the array's element type */
	List	   *part_cols;		/* names: the partition key columns of the
								 * referencing table's leaves (NIL when it
								 * is not partitioned nor a partition) */
	bool		part_cols_known;	/* part_cols is set */
} ImpactKey;

/* A blocking key being assembled at the end. */
typedef struct ImpactBlockGroup
{
	Oid			conoid;			/* the foreign key */
	char		kind;			/* CHECK_* */
	int			depth;			/* first step that reached it */
	Oid			pk_leaf;		/* a parent table named in the message */
	bool		on_delete;		/* with pk_leaf: its row deleted (else
								 * updated) */
	int64		count;			/* blocking rows */
	bool		per_row;		/* SET DEFAULT (columns): checked row by row */
	bool		any_removed;	/* per_row: a new key is one the statement
								 * removes */
	char	   *deftext;		/* per_row: the first blocking new key */
	int			nsample;		/* rows kept in sample */
	ImpactRowKey sample[RI_IMPACT_SAMPLE];	/* the smallest (table, ctid) */
} ImpactBlockGroup;

/* The state of one preview. */
typedef struct ImpactState
{
	/* set up once */
	MemoryContext cxt;			/* everything below lives here */
	const char *stmt_text;		/* the statement, for error positions */
	List	   *edges;			/* every top-level foreign key (FkEdge) */
	HTAB	   *keys;			/* ImpactKey by conoid */
	int64		budget;			/* bytes the bound allows:
								 * maintenance_work_mem */
	MemoryContext values_cxt;	/* child of cxt: the ImpactNewKey and
								 * ImpactMovedRow records, their values and
								 * indexes, counted against budget */

	/* growing as the walk proceeds */
	HTAB	   *rows;			/* ImpactRowEntry by (table, ctid) */
	HTAB	   *checks;			/* ImpactCheckEntry */
	int64		nrows;			/* entries in rows and checks */
	int64		seq;			/* the next ImpactRowEntry.seq */
	ImpactStep *steps;			/* result rows, in creation order; grown
								 * with repalloc: refer to them by index */
	int			nsteps;
	int			maxsteps;
	List	   *next;			/* ImpactBatch for the next depth */
	List	   *result;			/* RiImpactRow, the output */

	/* UPDATE: the keys the statement's rows hold after it */
	List	   *newkey_cols;	/* names of the referenced columns */
	List	   *newkeys;		/* ImpactNewKey, rows whose columns change:
								 * the statement's, then cascaded ones */
	HTAB	   *takeovers;		/* ImpactTakeover, made when needed */
	HTAB	   *newkey_rows;	/* ImpactNewKeyRef by row, made when needed:
								 * the statement's rows */
	HTAB	   *cascade_rows;	/* ImpactNewKeyRef by row: the last cascaded
								 * update of each row */
	List	   *partcols;		/* ImpactRelList cache: partition_key_cols */

	/* UPDATE of a partitioned table: the rows it moves */
	List	   *move_cols;		/* names: the partition key columns of the
								 * table's tree and the referencing columns
								 * of its foreign keys */
	List	   *moved;			/* ImpactMovedRow */
	List	   *leaf_quals;		/* ImpactLeafQual cache */
	List	   *route_leaves;	/* ImpactRelList cache: route_leaves */
	EState	   *qual_estate;	/* runs the partition constraints */
	RiImpactRow *move_error;	/* the first move PostgreSQL refuses */

	/* rows that an action moves to another partition (cascaded_moves) */
	RiImpactRow *action_error;	/* the first such move that fails */
} ImpactState;

static void impact_dml(ImpactState *st, RawStmt *raw);
static List *leaf_partition_cols(ImpactState *st, Oid relid);
static void key_defaults(ImpactKey *k, Datum *defvals, bool *defnulls);
static bool names_subset(List *a, List *b);
static bool partition_key_changed(ImpactState *st, Oid leaf, List *changed);
static Oid	moved_to(ImpactState *st, Oid target, Oid leaf, List *cols,
					 Datum *vals, bool *nulls);
static RiImpactRow *move_refused(ImpactState *st, Oid target, Oid leaf);
static List *route_leaves(ImpactState *st, Oid target);
static ImpactRelList *rel_list_entry(ImpactState *st, List **cache,
									 Oid relid, bool *made);
static RiImpactRow *route_failure(ImpactState *st, Oid target, List *cols,
								  Datum *vals, bool *nulls);
static void impact_truncate(ImpactState *st, TruncateStmt *stmt);
static void walk(ImpactState *st, List *frontier);
static void follow_key(ImpactState *st, ImpactBatch *b, FkEdge *e, int depth);
static void row_address(HeapTuple tup, TupleDesc desc, Oid *relid,
						ItemPointer tid);
static void cascade_full_mixed(ImpactState *st, ImpactBatch *b, ImpactKey *k,
							   int depth);
static bool names_subset(List *a, List *b);
static bool cols_colidx(List *cols, const FkInfo *fk, int *colidx);
static List *referenced_col_names(ImpactState *st, Oid relid);
static void fill_leaf_slot(ImpactLeafQual *lq, Datum *vals,
						   bool *nulls);
static void finish_checks(ImpactState *st);
static void emit_steps(ImpactState *st, int from, bool keep_zero);
static bool key_held_after(ImpactState *st, ImpactKey *k, Datum *key,
						   bool fk_side, Oid leaf);
static ImpactMovedRow *find_moved(ImpactState *st, ImpactRowKey *row);
static bool key_holder_left(ImpactState *st, ImpactKey *k, Datum *key,
							int64 seq, bool deferred, bool *held,
							ImpactRowKey *removed);
static void unapplied_of(Oid relid, int16 event, bool rows, bool named,
						 List **out);
static void note_unapplied(List *found);
static void note_unapplied_dml(ImpactState *st);
static int	cstring_cmp(const ListCell *a, const ListCell *b);

/* ---------------------------------------------------------------------
 * Small helpers
 * ---------------------------------------------------------------------
 */

/* "the statement's kind" for messages, from the raw tree */
static const char *
stmt_kind(Node *stmt)
{
	return GetCommandTagName(CreateCommandTag(stmt));
}

/*
 * check_bound
 *		Stop with ERROR 54000 when the rows and checks reached
 *		(RI_IMPACT_ROW_BYTES each) and the values kept for updated and moved
 *		rows (st->values_cxt) need more than st->budget.
 */
static void
check_bound(ImpactState *st)
{
	Size		values = MemoryContextMemAllocated(st->values_cxt, true);

	if (st->nrows * RI_IMPACT_ROW_BYTES + (int64) values > st->budget)
		ereport(ERROR,
				(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
				 errmsg("the statement reaches too many rows to preview within maintenance_work_mem"),
				 errdetail("The preview keeps every reached row in memory, about %d bytes each, and the new values of updated rows; it had reached " INT64_FORMAT " rows and %zu kB of values.",
						   RI_IMPACT_ROW_BYTES, st->nrows, values / 1024),
				 errhint("Raise maintenance_work_mem for this session, or preview a smaller statement.")));
}

/* One more row or check reached. */
static void
count_row(ImpactState *st)
{
	st->nrows++;
	check_bound(st);
}

static int
add_step(ImpactState *st, int depth, Oid table, Oid conoid,
		 const char *action)
{
	for (int i = st->nsteps - 1; i >= 0; i--)
	{
		ImpactStep *s = &st->steps[i];

		if (s->step != depth)
			break;
		if (s->table == table && s->conoid == conoid &&
			strcmp(s->action, action) == 0)
			return i;
	}
	if (st->nsteps == st->maxsteps)
	{
		st->maxsteps *= 2;
		st->steps = repalloc(st->steps, sizeof(ImpactStep) * st->maxsteps);
	}
	st->steps[st->nsteps].step = depth;
	st->steps[st->nsteps].table = table;
	st->steps[st->nsteps].conoid = conoid;
	st->steps[st->nsteps].action = action;
	st->steps[st->nsteps].count = 0;
	return st->nsteps++;
}

/* The batch of st->next for (relid, fate, cols, nulled), made when missing. */
static ImpactBatch *
next_batch(ImpactState *st, Oid relid, char fate, List *cols, bool nulled)
{
	ListCell   *lc;
	ImpactBatch *b;

	foreach(lc, st->next)
	{
		b = lfirst(lc);
		if (b->relid == relid && b->fate == fate && b->nulled == nulled &&
			list_length(b->cols) == list_length(cols))
		{
			bool		same = true;

			for (int i = 0; i < list_length(cols) && same; i++)
				same = strcmp(list_nth(b->cols, i), list_nth(cols, i)) == 0;
			if (same)
				return b;
		}
	}
	b = palloc0(sizeof(ImpactBatch));
	b->relid = relid;
	b->fate = fate;
	b->cols = cols;
	b->nulled = nulled;
	b->maxtids = 64;
	b->tids = palloc(sizeof(ItemPointerData) * b->maxtids);
	st->next = lappend(st->next, b);
	return b;
}

static void
batch_add(ImpactBatch *b, ItemPointer tid)
{
	if (b->ntids == b->maxtids)
	{
		if (b->maxtids >= (int) (MaxAllocSize / sizeof(ItemPointerData) / 2))
			ereport(ERROR,
					(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
					 errmsg("the statement reaches too many rows of table \"%s\" to preview",
							get_rel_name(b->relid))));
		b->maxtids *= 2;
		b->tids = repalloc(b->tids, sizeof(ItemPointerData) * b->maxtids);
	}
	b->tids[b->ntids++] = *tid;
}

/*
 * mark_delete
 *		The row is deleted, counted under stepidx unless it was deleted
 *		before.  True when it was not deleted before (it propagates).
 */
static bool
mark_delete(ImpactState *st, int stepidx, Oid relid, ItemPointer tid)
{
	ImpactRowKey key;
	ImpactRowEntry *e;
	bool		found;

	memset(&key, 0, sizeof(key));
	key.relid = relid;
	key.tid = *tid;
	e = hash_search(st->rows, &key, HASH_ENTER, &found);
	if (!found)
	{
		count_row(st);
		e->seq = st->seq++;
		e->reupd_depth = -1;
		e->reupd_seq = 0;
	}
	else if (e->fate == FATE_DELETE)
		return false;
	else
		st->steps[e->stepidx].count--;	/* updated before: now deleted */
	e->fate = FATE_DELETE;
	e->stepidx = stepidx;
	e->cols = NULL;
	st->steps[stepidx].count++;
	return true;
}

/*
 * mark_update
 *		The row's columns cols are changed; counted under stepidx when it
 *		had no fate yet.  True when the update changes columns it did not
 *		change before (it propagates).
 */
static bool
mark_update(ImpactState *st, int stepidx, Oid relid, ItemPointer tid,
			Bitmapset *cols)
{
	ImpactRowKey key;
	ImpactRowEntry *e;
	bool		found;

	memset(&key, 0, sizeof(key));
	key.relid = relid;
	key.tid = *tid;
	e = hash_search(st->rows, &key, HASH_ENTER, &found);
	if (!found)
	{
		count_row(st);
		e->seq = st->seq++;
		e->reupd_depth = -1;
		e->reupd_seq = 0;
		e->fate = FATE_UPDATE;
		e->stepidx = stepidx;
		e->cols = bms_copy(cols);
		st->steps[stepidx].count++;
		return true;
	}
	if (e->fate == FATE_DELETE || bms_is_subset(cols, e->cols))
		return false;
	if (e->reupd_depth < 0 && !bms_overlap(cols, e->cols))
	{
		/*
		 * A second action's query finds the row by columns the first did
		 * not change: it updates the row version the first one made.
		 */
		e->reupd_depth = st->steps[stepidx].step;
		e->reupd_seq = st->seq++;
		e->upd_conoids[0] = st->steps[e->stepidx].conoid;
		e->upd_conoids[1] = st->steps[stepidx].conoid;
	}
	e->cols = bms_union(e->cols, cols);
	return true;
}

static void
add_check(ImpactState *st, Oid conoid, char kind, Oid relid,
		  ItemPointer tid, int depth, Oid pk_leaf, bool on_delete)
{
	ImpactCheckKey key;
	ImpactCheckEntry *e;
	bool		found;

	memset(&key, 0, sizeof(key));
	key.conoid = conoid;
	key.relid = relid;
	key.tid = *tid;
	key.kind = kind;
	e = hash_search(st->checks, &key, HASH_ENTER, &found);
	if (found)
		return;
	count_row(st);
	e->depth = depth;
	e->pk_leaf = pk_leaf;
	e->on_delete = on_delete;
}

/* Attribute numbers in relid of the named columns. */
static Bitmapset *
cols_of(Oid relid, List *names)
{
	Bitmapset  *bms = NULL;
	ListCell   *lc;

	foreach(lc, names)
	{
		AttrNumber	attnum = get_attnum(relid, lfirst(lc));

		if (attnum == InvalidAttrNumber)
			elog(ERROR, "column \"%s\" of relation %u does not exist",
				 (char *) lfirst(lc), relid);
		bms = bms_add_member(bms, attnum);
	}
	return bms;
}

/* The foreign key, read, checked and locked once per preview. */
static ImpactKey *
get_key(ImpactState *st, FkEdge *e)
{
	ImpactKey  *k;
	bool		found;

	k = hash_search(st->keys, &e->conoid, HASH_ENTER, &found);
	if (found)
		return k;
	k->edge = e;
	ri_fk_read(e->conoid, &k->info, false);
	ri_fk_require_access(&k->info);
	ri_fk_lock(&k->info, false);
	ri_fk_require_access(&k->info);
	k->scan_role = ri_fk_scan_role(&k->info);
	k->step_query = NULL;
	k->any_query = NULL;
	k->any_elemtype = InvalidOid;
	k->part_cols = NIL;
	k->part_cols_known = false;
	return k;
}

/* " AND p.pk1 = c.fk1 ..." in the constraint's operators */
static void
append_key_match(StringInfo buf, const FkInfo *fk, const char *fkside)
{
	for (int i = 0; i < fk->nkeys; i++)
	{
		char	   *pkcol;
		char	   *fkcol;

		pkcol = psprintf("p.%s",
						 quote_identifier(get_attname(fk->pk_relid,
													  fk->pk_attnums[i],
													  false)));
		if (fkside == NULL)
			fkcol = psprintf("c.%s",
							 quote_identifier(ri_fk_column_name(fk, i)));
		else
			fkcol = psprintf("$%d", i + 1);
		appendStringInfoString(buf, " AND ");
		generate_operator_clause(buf, pkcol, fk->pk_types[i],
								 fk->pf_eq_oprs[i], fkcol, fk->fk_types[i]);
		if (fk->pk_collations[i] != fk->fk_collations[i])
			ri_sql_append_collation(buf, fk->pk_collations[i]);
	}
}

/*
 * "pk_table p WHERE p.tableoid = $1 AND p.ctid = ANY ($2) AND p.pk1 = c.fk1
 * ...": the given parent rows (a leaf and an array of its ctids), matched to
 * the referencing row c in the constraint's operators.
 */
static void
append_parent_rows_match(StringInfo buf, const FkInfo *fk)
{
	ri_sql_append_relation(buf, fk->pk_relid);
	appendStringInfoString(buf,
						   " p WHERE p.tableoid OPERATOR(pg_catalog.=) $1"
						   " AND p.ctid OPERATOR(pg_catalog.=) ANY ($2)");
	append_key_match(buf, fk, NULL);
}

/*
 * The referencing rows of given parent rows (file header); extra, when not
 * NULL, is one more condition on the parent row p.
 */
static char *
build_step_query(const FkInfo *fk, const char *extra)
{
	StringInfoData buf;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT c.tableoid, c.ctid FROM ");
	ri_sql_append_relation(&buf, fk->fk_relid);
	appendStringInfoString(&buf, " c WHERE EXISTS (SELECT 1 FROM ");
	append_parent_rows_match(&buf, fk);
	if (extra != NULL)
		appendStringInfo(&buf, " AND %s", extra);
	appendStringInfoChar(&buf, ')');
	return buf.data;
}

/*
 * build_any_query
 *		For a single-column key compared under one collation, by an
 *		operator with a commutator: the referencing rows of an array of the
 *		parent rows' key values ("c.fk OPERATOR(ns.op) ANY ($1)", the
 *		commutator of the constraint's "pk = fk" operator), a shape whose
 *		plan is an index scan on the referencing column where there is an
 *		index, as RI's own per-row queries use it.  Other keys keep the
 *		EXISTS form only.
 */
static void
build_any_query(ImpactKey *k)
{
	FkInfo	   *fk = &k->info;
	Oid			commop;
	Oid			lefttype;
	Oid			righttype;
	StringInfoData buf;

	if (fk->nkeys != 1 || fk->pk_collations[0] != fk->fk_collations[0])
		return;
	commop = get_commutator(fk->pf_eq_oprs[0]);
	if (!OidIsValid(commop))
		return;
	op_input_types(commop, &lefttype, &righttype);
	if (!IsBinaryCoercible(fk->pk_types[0], righttype) ||
		!OidIsValid(get_array_type(righttype)))
		return;

	initStringInfo(&buf);
	appendStringInfoString(&buf, "SELECT c.tableoid, c.ctid FROM ");
	ri_sql_append_relation(&buf, fk->fk_relid);
	appendStringInfoString(&buf, " c WHERE ");
	generate_operator_clause(&buf,
							 psprintf("c.%s", quote_identifier(ri_fk_column_name(fk, 0))),
							 fk->fk_types[0], commop, "ANY ($1)", righttype);
	k->any_query = buf.data;
	k->any_elemtype = righttype;
}

/*
 * parent_keys
 *		The referenced column of single-column key k in the parent rows
 *		tids[0..n-1] of table relid (the referenced table or a leaf
 *		partition of it), into keys and keynulls as values of
 *		k->any_elemtype; returns how many rows were read.
 *
 * The rows are read by ctid under the active snapshot, as a TID scan
 * would: they were found by an earlier query of this preview under the
 * same snapshot, in a table that query locked (AccessShareLock, taken
 * again here).  Reading a column runs no user code, and
 * ri_fk_require_access() has checked that the caller (and the role the
 * key's queries run as) may read it, without row-level security.  The
 * column is found by name: a partition's attribute numbers may differ from
 * its partitioned table's.
 */
static int
parent_keys(ImpactKey *k, Oid relid, ItemPointer tids, int n, Datum *keys,
			bool *keynulls)
{
	FkInfo	   *fk = &k->info;
	Relation	rel;
	TupleTableSlot *slot;
	Snapshot	snapshot = GetActiveSnapshot();
	AttrNumber	attnum = fk->pk_attnums[0];
	int16		typlen;
	bool		typbyval;
	int			nkeys = 0;

	if (relid != fk->pk_relid)
	{
		attnum = get_attnum(relid, get_attname(fk->pk_relid,
											   fk->pk_attnums[0], false));
		if (attnum == InvalidAttrNumber)
			elog(ERROR, "column %d of relation %u has no counterpart in relation %u",
				 fk->pk_attnums[0], fk->pk_relid, relid);
	}
	get_typlenbyval(k->any_elemtype, &typlen, &typbyval);
	rel = table_open(relid, AccessShareLock);
	slot = table_slot_create(rel, NULL);
	for (int i = 0; i < n; i++)
	{
		Datum		d;

		CHECK_FOR_INTERRUPTS();
		if (!table_tuple_fetch_row_version(rel, &tids[i], snapshot, slot))
			continue;
		d = slot_getattr(slot, attnum, &keynulls[nkeys]);
		keys[nkeys] = keynulls[nkeys] ? (Datum) 0 :
			datumCopy(d, typbyval, typlen);
		nkeys++;
	}
	ExecDropSingleTupleTableSlot(slot);
	table_close(rel, NoLock);
	return nkeys;
}

/*
 * Run a generated query as the role it must run as, with search_path
 * pinned; returns the cursor's portal.  end_generated() closes it.
 */
typedef struct GeneratedRun
{
	Oid			role;			/* InvalidOid: the caller */
	RiOwnerSwitch sw;			/* when role is set */
	int			nestlevel;		/* when run as the caller */
	Portal		portal;
} GeneratedRun;

static void
begin_generated(GeneratedRun *run, Oid role, const char *query, int nargs,
				Oid *argtypes, Datum *values)
{
	run->role = role;
	if (OidIsValid(role))
		ri_become_owner(role, &run->sw);
	else
	{
		run->nestlevel = NewGUCNestLevel();
		(void) set_config_option("search_path", "pg_catalog, pg_temp",
								 PGC_USERSET, PGC_S_SESSION,
								 GUC_ACTION_SAVE, true, 0, false);
	}
	run->portal = SPI_cursor_open_with_args(NULL, query, nargs, argtypes,
											values, NULL, true, 0);
}

static void
end_generated(GeneratedRun *run)
{
	SPI_cursor_close(run->portal);
	if (OidIsValid(run->role))
		ri_restore_caller(&run->sw);
	else
		AtEOXact_GUC(true, run->nestlevel);
}

/* ---------------------------------------------------------------------
 * The walk
 * ---------------------------------------------------------------------
 */

/* Top-level foreign keys referencing relid or a partitioned ancestor. */
static List *
inbound_keys(ImpactState *st, Oid relid)
{
	List	   *targets = list_make1_oid(relid);
	List	   *result = NIL;
	ListCell   *lc;

	if (get_rel_relispartition(relid))
		targets = list_concat(targets, get_partition_ancestors(relid));
	foreach(lc, st->edges)
	{
		FkEdge	   *e = lfirst(lc);

		if (list_member_oid(targets, e->pk_relid))
			result = lappend(result, e);
	}
	return result;
}

/* Does key e reference one of the named columns? */
static bool
key_uses_cols(FkEdge *e, List *cols)
{
	for (int i = 0; i < e->nkeys; i++)
	{
		char	   *name = get_attname(e->pk_relid, e->pk_attnums[i], false);
		ListCell   *lc;

		foreach(lc, cols)
		{
			if (strcmp(lfirst(lc), name) == 0)
				return true;
		}
	}
	return false;
}

/* Names of the referencing columns an action of e sets. */
static List *
set_col_names(FkEdge *e, bool on_delete)
{
	List	   *names = NIL;

	if (on_delete && e->ndelsetcols > 0)
	{
		for (int i = 0; i < e->ndelsetcols; i++)
			names = lappend(names, get_attname(e->fk_relid, e->delsetcols[i],
											   false));
	}
	else
	{
		for (int i = 0; i < e->nkeys; i++)
			names = lappend(names, get_attname(e->fk_relid, e->fk_attnums[i],
											   false));
	}
	return names;
}

/* Names of the referenced columns of e. */
static List *
pk_col_name_list(FkEdge *e)
{
	List	   *names = NIL;

	for (int i = 0; i < e->nkeys; i++)
		names = lappend(names, get_attname(e->pk_relid, e->pk_attnums[i],
										   false));
	return names;
}

static const char *
action_name(char action, bool on_delete)
{
	switch (action)
	{
		case FKCONSTR_ACTION_CASCADE:
			return on_delete ? "cascade delete" : "cascade update";
		case FKCONSTR_ACTION_SETNULL:
			return "set null";
		case FKCONSTR_ACTION_SETDEFAULT:
			return "set default";
	}
	return NULL;
}

/*
 * row_address
 *		The leaf table and ctid in the first two columns of a row that one
 *		of the preview's generated queries returns (tableoid, ctid; never
 *		NULL).
 */
static void
row_address(HeapTuple tup, TupleDesc desc, Oid *relid, ItemPointer tid)
{
	bool		isnull;

	*relid = DatumGetObjectId(heap_getattr(tup, 1, desc, &isnull));
	Assert(!isnull);
	*tid = *(ItemPointer) DatumGetPointer(heap_getattr(tup, 2, desc, &isnull));
	Assert(!isnull);
}

/*
 * cols_colidx
 *		The index in cols (an ImpactNewKey's column names) of each
 *		referenced column of fk, into colidx[0..nkeys-1]; false when one of
 *		them is not there (fk does not reference that row's table).
 */
static bool
cols_colidx(List *cols, const FkInfo *fk, int *colidx)
{
	for (int i = 0; i < fk->nkeys; i++)
	{
		char	   *name = get_attname(fk->pk_relid, fk->pk_attnums[i], false);
		ListCell   *lc;

		colidx[i] = -1;
		foreach(lc, cols)
		{
			if (strcmp(lfirst(lc), name) == 0)
				colidx[i] = foreach_current_index(lc);
		}
		if (colidx[i] < 0)
			return false;
	}
	return true;
}

/* The ctids tids[0..n-1] as a tid[] value, for a generated query. */
static Datum
tid_array(ItemPointerData *tids, int n)
{
	Datum	   *elems = palloc(sizeof(Datum) * n);

	for (int i = 0; i < n; i++)
		elems[i] = PointerGetDatum(&tids[i]);
	return PointerGetDatum(construct_array(elems, n, TIDOID,
										   sizeof(ItemPointerData), false,
										   TYPALIGN_SHORT));
}

/*
 * full_mixed_checks
 *		ON UPDATE CASCADE of MATCH FULL key k from parent rows mixed[0..n-1]
 *		of leaf relid, whose new keys are partly NULL: their referencing
 *		rows, found by query (k's step query, or one that also tells which
 *		parent rows are partly NULL), collected as CHECK_FULL checks
 *		(cascade_full_mixed).
 */
static void
full_mixed_checks(ImpactState *st, ImpactKey *k, const char *query,
				  Oid relid, ItemPointerData *mixed, int nmixed, int depth)
{
	for (int start = 0; start < nmixed; start += RI_IMPACT_CHUNK)
	{
		int			n = Min(RI_IMPACT_CHUNK, nmixed - start);
		Oid			argtypes[2] = {OIDOID, TIDARRAYOID};
		Datum		values[2];
		GeneratedRun run;

		values[0] = ObjectIdGetDatum(relid);
		values[1] = tid_array(&mixed[start], n);
		begin_generated(&run, k->scan_role, query, 2, argtypes, values);
		for (;;)
		{
			CHECK_FOR_INTERRUPTS();
			SPI_cursor_fetch(run.portal, true, RI_IMPACT_FETCH);
			if (SPI_processed == 0)
				break;
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				Oid			crelid;
				ItemPointerData tid;

				CHECK_FOR_INTERRUPTS();
				row_address(SPI_tuptable->vals[r], SPI_tuptable->tupdesc,
							&crelid, &tid);
				add_check(st, k->conoid, CHECK_FULL, crelid, &tid, depth,
						  relid, false);
			}
			SPI_freetuptable(SPI_tuptable);
		}
		end_generated(&run);
	}
}

/*
 * nulled_full_mixed
 *		cascade_full_mixed for rows b that a SET NULL action updated (at
 *		any depth): their new key of k has the columns of b->cols NULL and
 *		keeps the others, so it is partly NULL when one of the others is
 *		not NULL, which the query of their referencing rows also asks.
 */
static void
nulled_full_mixed(ImpactState *st, ImpactBatch *b, ImpactKey *k, int depth)
{
	FkInfo	   *fk = &k->info;
	StringInfoData kept;

	initStringInfo(&kept);
	appendStringInfoString(&kept, "(false");
	for (int i = 0; i < fk->nkeys; i++)
	{
		char	   *name = get_attname(fk->pk_relid, fk->pk_attnums[i], false);

		if (!names_subset(list_make1(name), b->cols))
			appendStringInfo(&kept, " OR p.%s IS NOT NULL",
							 quote_identifier(name));
	}
	appendStringInfoChar(&kept, ')');
	if (strcmp(kept.data, "(false)") == 0)
		return;					/* all NULL: MATCH FULL takes it */
	full_mixed_checks(st, k, build_step_query(fk, kept.data), b->relid,
					  b->tids, b->ntids, depth);
}

/*
 * newkey_rows_index
 *		Make st->newkey_rows, the index of the statement's rows in
 *		st->newkeys, when not made yet.  The statement's rows come first in
 *		the list; the cascaded ones after them are left out.
 */
static void
newkey_rows_index(ImpactState *st)
{
	HASHCTL		ctl;
	ListCell   *lc;

	if (st->newkey_rows != NULL)
		return;
	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(ImpactRowKey);
	ctl.entrysize = sizeof(ImpactNewKeyRef);
	ctl.hcxt = st->values_cxt;
	st->newkey_rows = hash_create("ri_audit impact new keys",
								  Max(list_length(st->newkeys), 1), &ctl,
								  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	foreach(lc, st->newkeys)
	{
		ImpactNewKey *nk = lfirst(lc);
		ImpactRowKey key;
		ImpactNewKeyRef *ref;

		CHECK_FOR_INTERRUPTS();
		if (nk->step != 0)
			break;
		memset(&key, 0, sizeof(key));
		key.relid = nk->relid;
		key.tid = nk->tid;
		ref = hash_search(st->newkey_rows, &key, HASH_ENTER, NULL);
		ref->nk = nk;
	}
	check_bound(st);
}

/*
 * cascade_full_mixed
 *		ON UPDATE CASCADE of MATCH FULL key k from the statement's updated
 *		rows b: RI_FKey_cascade_upd copies each parent row's new key into its
 *		referencing rows, and a new key with some columns NULL and others not
 *		makes those rows fail RI_FKey_check ("MATCH FULL does not allow
 *		mixing of null and nonnull key values").  The check is queued for
 *		them whatever their old key (RI_FKey_fk_upd_check_required) and runs
 *		with the key's deferral.  Such referencing rows are collected as
 *		CHECK_FULL.  The new keys known are those of the statement's rows
 *		(depth 1), of rows a SET NULL action updates (nulled_full_mixed),
 *		and those that ON UPDATE CASCADE copies on from them
 *		(cascaded_new_keys, recorded at the step before).
 */
static void
cascade_full_mixed(ImpactState *st, ImpactBatch *b, ImpactKey *k, int depth)
{
	FkInfo	   *fk = &k->info;
	int			colidx[INDEX_MAX_KEYS];
	ItemPointerData *mixed;
	int			nmixed = 0;

	if (b->nulled)
	{
		nulled_full_mixed(st, b, k, depth);
		return;
	}
	if (st->newkeys == NIL)
		return;
	newkey_rows_index(st);

	mixed = palloc(sizeof(ItemPointerData) * b->ntids);
	for (int i = 0; i < b->ntids; i++)
	{
		ImpactRowKey key;
		ImpactNewKeyRef *ref = NULL;
		HTAB	   *index = depth == 1 ? st->newkey_rows : st->cascade_rows;
		int			nnull = 0;

		CHECK_FOR_INTERRUPTS();
		if (index == NULL)
			break;
		memset(&key, 0, sizeof(key));
		key.relid = b->relid;
		key.tid = b->tids[i];
		ref = hash_search(index, &key, HASH_FIND, NULL);
		/* the update of the step before, whose trigger this is */
		if (ref == NULL || ref->nk->step != depth - 1 ||
			!cols_colidx(ref->nk->cols, fk, colidx))
			continue;
		for (int j = 0; j < fk->nkeys; j++)
			nnull += ref->nk->nulls[colidx[j]] ? 1 : 0;
		if (nnull > 0 && nnull < fk->nkeys)
			mixed[nmixed++] = b->tids[i];
	}

	full_mixed_checks(st, k, k->step_query, b->relid, mixed, nmixed, depth);
	pfree(mixed);
}

/*
 * newkey_of
 *		The ImpactNewKey of the last update of row (relid, tid) recorded so
 *		far: its cascaded update, else the statement's; NULL when none.
 */
static ImpactNewKey *
newkey_of(ImpactState *st, Oid relid, ItemPointer tid)
{
	ImpactRowKey key;
	ImpactNewKeyRef *ref = NULL;

	memset(&key, 0, sizeof(key));
	key.relid = relid;
	key.tid = *tid;
	if (st->cascade_rows != NULL)
		ref = hash_search(st->cascade_rows, &key, HASH_FIND, NULL);
	if (ref == NULL && st->newkey_rows != NULL)
		ref = hash_search(st->newkey_rows, &key, HASH_FIND, NULL);
	return ref ? ref->nk : NULL;
}

/*
 * cascaded_new_keys
 *		ON UPDATE CASCADE through key e (k) from the parent rows of batch b,
 *		at step depth: RI_FKey_cascade_upd sets each referencing row's
 *		columns to its parent row's new key.  The referenced columns of the
 *		referencing table after that (that row's new key, ImpactNewKey, step
 *		depth) are recorded for the NO ACTION recheck (old_key_taken_over),
 *		the columns the action does not set taken from the row's own
 *		record when an update before set them (a row of the statement, in
 *		a self reference),
 *		for the parent rows whose new key is known (the statement's rows,
 *		and rows recorded here before).  One query per chunk of parent rows
 *		finds the referencing rows with their parent row and their other
 *		referenced columns.  Not recorded: keys whose column types differ
 *		on the two sides (the copy is then an assignment cast), and tables
 *		whose other referenced columns the role running the query may not
 *		read.
 */
static void
cascaded_new_keys(ImpactState *st, ImpactBatch *b, FkEdge *e, ImpactKey *k,
				  int depth)
{
	FkInfo	   *fk = &k->info;
	List	   *cols;
	int			ncols;
	int		   *keyidx;			/* per cols: the key column it is, or -1 */
	char	  **pknames;
	int16	   *typlens;
	bool	   *typbyvals;
	StringInfoData q;
	ListCell   *lc;
	bool		any = false;
	MemoryContext oldcxt;
	List	   *changed;

	if (st->newkeys == NIL)
		return;
	for (int i = 0; i < fk->nkeys; i++)
	{
		if (fk->pk_types[i] != fk->fk_types[i])
			return;
	}
	cols = referenced_col_names(st, fk->fk_relid);
	if (cols == NIL)
		return;					/* no key references the updated rows */
	newkey_rows_index(st);
	for (int i = 0; i < b->ntids && !any; i++)
		any = newkey_of(st, b->relid, &b->tids[i]) != NULL;
	if (!any)
		return;

	ncols = list_length(cols);
	keyidx = palloc(sizeof(int) * ncols);
	typlens = palloc(sizeof(int16) * ncols);
	typbyvals = palloc(sizeof(bool) * ncols);
	pknames = palloc(sizeof(char *) * fk->nkeys);
	for (int i = 0; i < fk->nkeys; i++)
		pknames[i] = get_attname(fk->pk_relid, fk->pk_attnums[i], false);
	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT c.tableoid, c.ctid, p.ctid");
	foreach(lc, cols)
	{
		int			j = foreach_current_index(lc);
		AttrNumber	attnum = get_attnum(fk->fk_relid, lfirst(lc));
		Oid			roleid = OidIsValid(k->scan_role) ? k->scan_role :
			GetUserId();

		if (attnum == InvalidAttrNumber ||
			(pg_class_aclcheck(fk->fk_relid, roleid,
							   ACL_SELECT) != ACLCHECK_OK &&
			 pg_attribute_aclcheck(fk->fk_relid, attnum, roleid,
								   ACL_SELECT) != ACLCHECK_OK))
			return;
		keyidx[j] = -1;
		for (int i = 0; i < fk->nkeys; i++)
		{
			if (strcmp(ri_fk_column_name(fk, i), lfirst(lc)) == 0)
				keyidx[j] = i;
		}
		get_typlenbyval(get_atttype(fk->fk_relid, attnum), &typlens[j],
						&typbyvals[j]);
		appendStringInfo(&q, ", c.%s", quote_identifier(lfirst(lc)));
	}
	appendStringInfoString(&q, " FROM ");
	ri_sql_append_relation(&q, fk->fk_relid);
	appendStringInfoString(&q, " c, ");
	append_parent_rows_match(&q, fk);

	/* the columns each recorded row changes, in the records' context */
	oldcxt = MemoryContextSwitchTo(st->values_cxt);
	changed = set_col_names(e, false);
	MemoryContextSwitchTo(oldcxt);

	if (st->cascade_rows == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(ImpactRowKey);
		ctl.entrysize = sizeof(ImpactNewKeyRef);
		ctl.hcxt = st->values_cxt;
		st->cascade_rows = hash_create("ri_audit impact cascaded keys", 64,
									   &ctl,
									   HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	for (int start = 0; start < b->ntids; start += RI_IMPACT_CHUNK)
	{
		int			n = Min(RI_IMPACT_CHUNK, b->ntids - start);
		Oid			argtypes[2] = {OIDOID, TIDARRAYOID};
		Datum		values[2];
		GeneratedRun run;
		List	   *found = NIL;

		values[0] = ObjectIdGetDatum(b->relid);
		values[1] = tid_array(&b->tids[start], n);
		begin_generated(&run, k->scan_role, q.data, 2, argtypes, values);
		for (;;)
		{
			CHECK_FOR_INTERRUPTS();
			SPI_cursor_fetch(run.portal, true, RI_IMPACT_FETCH);
			if (SPI_processed == 0)
				break;
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				HeapTuple	tup = SPI_tuptable->vals[r];
				TupleDesc	desc = SPI_tuptable->tupdesc;
				ImpactNewKey *pnk;
				ImpactNewKey *nk;
				ImpactNewKey *prev;
				ItemPointerData ptid;
				int			pidx[INDEX_MAX_KEYS];
				bool		isnull;
				bool		ok = true;

				CHECK_FOR_INTERRUPTS();
				ptid = *(ItemPointer) DatumGetPointer(heap_getattr(tup, 3, desc,
																   &isnull));
				pnk = newkey_of(st, b->relid, &ptid);
				if (pnk == NULL)
					continue;
				for (int i = 0; i < fk->nkeys && ok; i++)
				{
					pidx[i] = -1;
					foreach(lc, pnk->cols)
					{
						if (strcmp(lfirst(lc), pknames[i]) == 0)
							pidx[i] = foreach_current_index(lc);
					}
					ok = pidx[i] >= 0;
				}
				if (!ok)
					continue;
				oldcxt = MemoryContextSwitchTo(st->values_cxt);
				nk = palloc0(sizeof(ImpactNewKey));
				row_address(tup, desc, &nk->relid, &nk->tid);
				/* a row updated before holds its values after that update */
				prev = newkey_of(st, nk->relid, &nk->tid);
				nk->dest = prev != NULL ? prev->dest : nk->relid;
				nk->step = depth;
				nk->changed = changed;
				nk->cols = cols;
				nk->vals = palloc(sizeof(Datum) * ncols);
				nk->nulls = palloc(sizeof(bool) * ncols);
				for (int j = 0; j < ncols; j++)
				{
					if (keyidx[j] >= 0)
					{
						int			pj = pidx[keyidx[j]];

						nk->nulls[j] = pnk->nulls[pj];
						nk->vals[j] = pnk->vals[pj];
					}
					else
					{
						int			prevj = -1;
						Datum		d;

						if (prev != NULL)
						{
							ListCell   *lc2;

							foreach(lc2, prev->cols)
							{
								if (strcmp(lfirst(lc2), list_nth(cols, j)) == 0)
									prevj = foreach_current_index(lc2);
							}
						}
						if (prevj >= 0)
						{
							nk->nulls[j] = prev->nulls[prevj];
							nk->vals[j] = prev->vals[prevj];
							continue;
						}
						d = heap_getattr(tup, 4 + j, desc, &nk->nulls[j]);
						nk->vals[j] = nk->nulls[j] ? (Datum) 0 :
							datumCopy(d, typbyvals[j], typlens[j]);
					}
				}
				MemoryContextSwitchTo(oldcxt);
				check_bound(st);
				found = lappend(found, nk);
			}
			SPI_freetuptable(SPI_tuptable);
		}
		end_generated(&run);

		/* entered after the chunk: a parent is looked up by its old row */
		foreach(lc, found)
		{
			ImpactNewKey *nk = lfirst(lc);
			ImpactRowKey key;
			ImpactNewKeyRef *ref;

			memset(&key, 0, sizeof(key));
			key.relid = nk->relid;
			key.tid = nk->tid;
			ref = hash_search(st->cascade_rows, &key, HASH_ENTER, NULL);
			ref->nk = nk;
			st->newkeys = lappend(st->newkeys, nk);	/* in values_cxt */
		}
		list_free(found);
		check_bound(st);
	}
}

/*
 * assignment_cast
 *		RI_FKey_cascade_upd's UPDATE assigns the parent row's new key to
 *		referencing column i of fk: the assignment cast from the referenced
 *		column's type, into *cast with its number of arguments in *nargs (0:
 *		none, for the same type or a binary-coercible one).  False when the
 *		preview does not follow it: a cast function that is not built in
 *		(another role's code would run), an I/O conversion, or a column
 *		with a typmod (a length coercion would follow).
 */
static bool
assignment_cast(const FkInfo *fk, int i, FmgrInfo *cast, int *nargs)
{
	Oid			typid;
	int32		typmod;
	Oid			collid;
	Oid			funcid;
	CoercionPathType path;

	*nargs = 0;
	if (fk->pk_types[i] == fk->fk_types[i])
		return true;
	get_atttypetypmodcoll(fk->fk_relid, fk->fk_attnums[i], &typid, &typmod,
						  &collid);
	if (typmod >= 0)
		return false;
	path = find_coercion_pathway(fk->fk_types[i], fk->pk_types[i],
								 COERCION_ASSIGNMENT, &funcid);
	if (path == COERCION_PATH_RELABELTYPE)
		return true;
	if (path != COERCION_PATH_FUNC || funcid >= FirstNormalObjectId)
		return false;
	fmgr_info(funcid, cast);
	*nargs = get_func_nargs(funcid);
	return true;
}

/*
 * cascaded_moves
 *		ON UPDATE CASCADE, SET NULL or SET DEFAULT (action) through key e
 *		(k) from the parent rows of batch b, at step depth, when the columns
 *		it sets
 *		(setnames) are partition key columns of e's referencing table:
 *		RI's UPDATE of that table moves a row whose new values fail its
 *		partition's constraint to the partition that takes them
 *		(ExecCrossPartitionUpdate), and fails, ending the statement, when
 *		none does (23514, route_failure) or when a partitioned table between
 *		the row's partition and the referencing table is the referenced
 *		table of a key (0A000, move_refused).  The first such error, in the
 *		order the rows are reached, is kept in st->action_error at step
 *		depth; the action's triggers are not deferrable, so it fails at
 *		that step.  A row's new values: NULL for SET NULL, the columns'
 *		defaults for SET DEFAULT (key_defaults), its parent row's new key
 *		for CASCADE (known as for cascaded_new_keys), its own values in the
 *		other columns, read with the referencing rows, one query per chunk
 *		of parent rows; the caller must be allowed to read them.  A key
 *		whose two sides differ in type takes the assignment cast of the
 *		parent's new key, as RI's UPDATE does (assignment_cast).  Not
 *		followed: a cascade whose parent row's new key is not known, one
 *		through a cast assignment_cast does not follow, and the insert
 *		checks of the rows that move.
 */
static void
cascaded_moves(ImpactState *st, ImpactBatch *b, FkEdge *e, ImpactKey *k,
			   int depth, List *setnames, char action)
{
	FkInfo	   *fk = &k->info;
	List	   *cols;
	int			ncols;
	int		   *keyidx;			/* per cols: the key column it sets, or -1 */
	Datum		defvals[INDEX_MAX_KEYS];	/* SET DEFAULT: per key column */
	bool		defnulls[INDEX_MAX_KEYS];
	FmgrInfo	casts[INDEX_MAX_KEYS];	/* CASCADE: per key column */
	int			cast_nargs[INDEX_MAX_KEYS]; /* 0: no cast */
	MemoryContext rowcxt;		/* one row's work, reset per row */
	List	   *leaves_allowed = NIL;	/* leaves move_refused let rows
										 * leave */
	Datum	   *vals;
	bool	   *nulls;
	bool		moves = false;
	StringInfoData q;
	ListCell   *lc;

	if (st->action_error != NULL)
		return;					/* the statement fails there already */
	if (!k->part_cols_known)
	{
		k->part_cols = leaf_partition_cols(st, fk->fk_relid);
		k->part_cols_known = true;
	}
	cols = k->part_cols;
	foreach(lc, setnames)
	{
		ListCell   *lc2;

		foreach(lc2, cols)
			moves = moves || strcmp(lfirst(lc), lfirst(lc2)) == 0;
	}
	if (!moves)
		return;
	if (action == FKCONSTR_ACTION_CASCADE)
	{
		for (int i = 0; i < fk->nkeys; i++)
		{
			if (!assignment_cast(fk, i, &casts[i], &cast_nargs[i]))
				return;			/* not followed */
		}
		newkey_rows_index(st);
	}
	else if (action == FKCONSTR_ACTION_SETDEFAULT)
		key_defaults(k, defvals, defnulls);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "ri_audit impact moved row",
								   ALLOCSET_SMALL_SIZES);

	ncols = list_length(cols);
	keyidx = palloc(sizeof(int) * ncols);
	vals = palloc(sizeof(Datum) * ncols);
	nulls = palloc(sizeof(bool) * ncols);
	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT c.tableoid, c.ctid, p.ctid");
	foreach(lc, cols)
	{
		int			j = foreach_current_index(lc);
		AttrNumber	attnum = get_attnum(fk->fk_relid, lfirst(lc));

		if (pg_class_aclcheck(fk->fk_relid, GetUserId(),
							  ACL_SELECT) != ACLCHECK_OK &&
			pg_attribute_aclcheck(fk->fk_relid, attnum, GetUserId(),
								  ACL_SELECT) != ACLCHECK_OK)
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied for table %s",
							get_rel_name(fk->fk_relid)),
					 errdetail("Foreign key \"%s\" sets partition key columns of the table; the preview reads them to find where its rows move.",
							   NameStr(fk->conname))));
		keyidx[j] = -1;
		for (int i = 0; i < fk->nkeys; i++)
		{
			if (strcmp(ri_fk_column_name(fk, i), lfirst(lc)) == 0 &&
				names_subset(list_make1(lfirst(lc)), setnames))
				keyidx[j] = i;
		}
		appendStringInfo(&q, ", c.%s", quote_identifier(lfirst(lc)));
	}
	appendStringInfoString(&q, " FROM ");
	ri_sql_append_relation(&q, fk->fk_relid);
	appendStringInfoString(&q, " c, ");
	append_parent_rows_match(&q, fk);

	for (int start = 0; start < b->ntids && st->action_error == NULL;
		 start += RI_IMPACT_CHUNK)
	{
		int			n = Min(RI_IMPACT_CHUNK, b->ntids - start);
		Oid			argtypes[2] = {OIDOID, TIDARRAYOID};
		Datum		values[2];
		GeneratedRun run;

		values[0] = ObjectIdGetDatum(b->relid);
		values[1] = tid_array(&b->tids[start], n);
		begin_generated(&run, k->scan_role, q.data, 2, argtypes, values);
		while (st->action_error == NULL)
		{
			CHECK_FOR_INTERRUPTS();
			SPI_cursor_fetch(run.portal, true, RI_IMPACT_FETCH);
			if (SPI_processed == 0)
				break;
			for (uint64 r = 0; r < SPI_processed && st->action_error == NULL;
				 r++)
			{
				HeapTuple	tup = SPI_tuptable->vals[r];
				TupleDesc	desc = SPI_tuptable->tupdesc;
				ImpactNewKey *pnk = NULL;
				int			pidx[INDEX_MAX_KEYS];
				ImpactRowKey key;
				ImpactRowEntry *re;
				ItemPointerData ptid;
				bool		isnull;
				bool		skip;
				Oid			dest = InvalidOid;
				MemoryContext outercxt;

				CHECK_FOR_INTERRUPTS();
				MemoryContextReset(rowcxt);
				outercxt = MemoryContextSwitchTo(rowcxt);
				memset(&key, 0, sizeof(key));
				row_address(tup, desc, &key.relid, &key.tid);

				/*
				 * Only rows this action is the first to change: the values
				 * read are those before the statement, which a row an
				 * earlier update changed (or moved) no longer holds.
				 */
				re = hash_search(st->rows, &key, HASH_FIND, NULL);
				skip = re == NULL || re->fate != FATE_UPDATE ||
					re->reupd_depth >= 0 ||
					st->steps[re->stepidx].step != depth ||
					st->steps[re->stepidx].conoid != e->conoid ||
					!partition_key_changed(st, key.relid, setnames);
				if (!skip && action == FKCONSTR_ACTION_CASCADE)
				{
					ptid = *(ItemPointer) DatumGetPointer(heap_getattr(tup, 3,
																	   desc,
																	   &isnull));
					pnk = newkey_of(st, b->relid, &ptid);
					/* its new key is not known */
					skip = pnk == NULL || !cols_colidx(pnk->cols, fk, pidx);
				}
				for (int j = 0; j < ncols && !skip; j++)
				{
					int			i = keyidx[j];

					if (i < 0)
						vals[j] = heap_getattr(tup, 4 + j, desc, &nulls[j]);
					else if (action == FKCONSTR_ACTION_SETNULL)
					{
						vals[j] = (Datum) 0;
						nulls[j] = true;
					}
					else if (action == FKCONSTR_ACTION_SETDEFAULT)
					{
						vals[j] = defvals[i];
						nulls[j] = defnulls[i];
					}
					else
					{
						vals[j] = pnk->vals[pidx[i]];
						nulls[j] = pnk->nulls[pidx[i]];
						if (!nulls[j] && cast_nargs[i] > 0)
							vals[j] = cast_nargs[i] == 1 ?
								FunctionCall1(&casts[i], vals[j]) :
								FunctionCall3(&casts[i], vals[j],
											  Int32GetDatum(-1),
											  BoolGetDatum(false));
					}
				}
				if (!skip)
					dest = moved_to(st, fk->fk_relid, key.relid, cols, vals,
									nulls);
				MemoryContextSwitchTo(outercxt);
				if (skip || dest == key.relid)
					continue;
				if (!OidIsValid(dest))
					st->action_error = route_failure(st, fk->fk_relid, cols,
													 vals, nulls);
				else if (!list_member_oid(leaves_allowed, key.relid))
				{
					st->action_error = move_refused(st, fk->fk_relid,
													key.relid);
					if (st->action_error == NULL)
						leaves_allowed = lappend_oid(leaves_allowed, key.relid);
				}
				if (st->action_error != NULL)
				{
					/* named: the key that refuses, else the one moving it */
					st->action_error->step = depth;
					st->action_error->trigger_name =
						ri_fk_action_trigger_name(e->conoid, b->relid,
												  b->fate == FATE_DELETE);
					if (st->action_error->fk_name == NULL)
						st->action_error->fk_name = pstrdup(NameStr(fk->conname));
				}
			}
			SPI_freetuptable(SPI_tuptable);
		}
		end_generated(&run);
	}
	MemoryContextDelete(rowcxt);
}

/*
 * follow_key
 *		What foreign key e does to the rows referencing the rows of batch b.
 */
static void
follow_key(ImpactState *st, ImpactBatch *b, FkEdge *e, int depth)
{
	bool		on_delete = b->fate == FATE_DELETE;
	char		action = on_delete ? e->deltype : e->updtype;
	ImpactKey  *k = get_key(st, e);
	const char *aname = action_name(action, on_delete);
	int			stepidx = -1;
	List	   *setnames = NIL;
	char		check = 0;
	Oid			cache_relid = InvalidOid;
	Bitmapset  *cache_cols = NULL;

	if (k->step_query == NULL)
	{
		k->step_query = build_step_query(&k->info, NULL);
		build_any_query(k);
	}
	if (aname != NULL)
	{
		stepidx = add_step(st, depth, e->fk_relid, e->conoid, aname);
		setnames = set_col_names(e, on_delete);
	}
	if (action == FKCONSTR_ACTION_RESTRICT)
		check = CHECK_RESTRICT;
	else if (action == FKCONSTR_ACTION_NOACTION)
		check = CHECK_NOACTION;
	else if (action == FKCONSTR_ACTION_SETDEFAULT)
		check = CHECK_DEFAULT;

	for (int start = 0; start < b->ntids; start += RI_IMPACT_CHUNK)
	{
		int			n = Min(RI_IMPACT_CHUNK, b->ntids - start);
		Oid			argtypes[2] = {OIDOID, TIDARRAYOID};
		Datum		values[2];
		GeneratedRun run;

		values[0] = ObjectIdGetDatum(b->relid);
		values[1] = tid_array(&b->tids[start], n);
		if (k->any_query != NULL)
		{
			/* the parent rows' keys, then their referencing rows */
			Datum	   *keys = palloc(sizeof(Datum) * n);
			bool	   *keynulls = palloc(sizeof(bool) * n);
			int			nkeys;
			int16		typlen;
			bool		typbyval;
			char		typalign;
			int			dims[1];
			int			lbs[1] = {1};
			Oid			arrtype = get_array_type(k->any_elemtype);

			get_typlenbyvalalign(k->any_elemtype, &typlen, &typbyval,
								 &typalign);
			nkeys = parent_keys(k, b->relid, &b->tids[start], n, keys,
								keynulls);
			dims[0] = nkeys;
			values[0] = PointerGetDatum(construct_md_array(keys, keynulls, 1,
														   dims, lbs,
														   k->any_elemtype,
														   typlen, typbyval,
														   typalign));
			begin_generated(&run, k->scan_role, k->any_query, 1, &arrtype,
							values);
		}
		else
			begin_generated(&run, k->scan_role, k->step_query, 2, argtypes,
							values);
		for (;;)
		{
			SPITupleTable *tuptable;

			CHECK_FOR_INTERRUPTS();
			SPI_cursor_fetch(run.portal, true, RI_IMPACT_FETCH);
			if (SPI_processed == 0)
				break;
			tuptable = SPI_tuptable;
			for (uint64 r = 0; r < SPI_processed; r++)
			{
				Oid			crelid;
				ItemPointerData tid;

				CHECK_FOR_INTERRUPTS();
				row_address(tuptable->vals[r], tuptable->tupdesc, &crelid, &tid);
				if (action == FKCONSTR_ACTION_CASCADE && on_delete)
				{
					if (mark_delete(st, stepidx, crelid, &tid))
						batch_add(next_batch(st, crelid, FATE_DELETE, NIL,
											 false),
								  &tid);
				}
				else if (aname != NULL)
				{
					if (crelid != cache_relid)
					{
						cache_relid = crelid;
						cache_cols = cols_of(crelid, setnames);
					}
					if (mark_update(st, stepidx, crelid, &tid, cache_cols))
						batch_add(next_batch(st, crelid, FATE_UPDATE,
											 setnames,
											 action == FKCONSTR_ACTION_SETNULL),
								  &tid);
				}
				if (check != 0)
					add_check(st, e->conoid, check, crelid, &tid, depth,
							  b->relid, on_delete);
			}
			SPI_freetuptable(tuptable);
		}
		end_generated(&run);
	}
	if (action == FKCONSTR_ACTION_CASCADE && !on_delete &&
		k->info.confmatchtype == FKCONSTR_MATCH_FULL && k->info.nkeys > 1)
		cascade_full_mixed(st, b, k, depth);
	/* before this step's new keys: a parent row's are those before it */
	if ((action == FKCONSTR_ACTION_CASCADE && !on_delete) ||
		action == FKCONSTR_ACTION_SETNULL ||
		action == FKCONSTR_ACTION_SETDEFAULT)
		cascaded_moves(st, b, e, k, depth, setnames, action);
	if (action == FKCONSTR_ACTION_CASCADE && !on_delete)
		cascaded_new_keys(st, b, e, k, depth);
}

/*
 * walk
 *		Breadth first from the statement's rows (frontier, depth 0's
 *		batches) until no row gets a new fate.
 */
static void
walk(ImpactState *st, List *frontier)
{
	int			depth = 1;

	while (frontier != NIL)
	{
		ListCell   *lc;

		st->next = NIL;
		foreach(lc, frontier)
		{
			ImpactBatch *b = lfirst(lc);
			List	   *inbound = inbound_keys(st, b->relid);
			ListCell   *lc2;

			foreach(lc2, inbound)
			{
				FkEdge	   *e = lfirst(lc2);

				CHECK_FOR_INTERRUPTS();
				if (b->fate == FATE_UPDATE && !key_uses_cols(e, b->cols))
					continue;
				follow_key(st, b, e, depth);
			}
			pfree(b->tids);
		}
		frontier = st->next;
		depth++;
	}
}

/* ---------------------------------------------------------------------
 * The checks at the end
 * ---------------------------------------------------------------------
 */

static int
rowkey_cmp(const ImpactRowKey *a, const ImpactRowKey *b)
{
	if (a->relid != b->relid)
		return a->relid < b->relid ? -1 : 1;
	return ItemPointerCompare((ItemPointer) &a->tid, (ItemPointer) &b->tid);
}

/* Keep the RI_IMPACT_SAMPLE smallest rows. */
static void
group_add(ImpactBlockGroup *g, Oid relid, ItemPointer tid)
{
	ImpactRowKey key;
	int			pos;

	memset(&key, 0, sizeof(key));
	key.relid = relid;
	key.tid = *tid;
	g->count++;
	pos = g->nsample;
	while (pos > 0 && rowkey_cmp(&key, &g->sample[pos - 1]) < 0)
		pos--;
	if (pos >= RI_IMPACT_SAMPLE)
		return;
	if (g->nsample < RI_IMPACT_SAMPLE)
		g->nsample++;
	memmove(&g->sample[pos + 1], &g->sample[pos],
			sizeof(ImpactRowKey) * (g->nsample - 1 - pos));
	g->sample[pos] = key;
}

static int
group_cmp(const void *a, const void *b)
{
	const ImpactBlockGroup *ga = *(ImpactBlockGroup *const *) a;
	const ImpactBlockGroup *gb = *(ImpactBlockGroup *const *) b;

	if (ga->depth != gb->depth)
		return ga->depth < gb->depth ? -1 : 1;
	if (ga->conoid != gb->conoid)
	{
		char	   *na = get_constraint_name(ga->conoid);
		char	   *nb = get_constraint_name(gb->conoid);
		int			r = strcmp(na ? na : "", nb ? nb : "");

		if (r != 0)
			return r;
		return ga->conoid < gb->conoid ? -1 : 1;
	}
	return (int) ga->kind - (int) gb->kind;
}

/*
 * render_key
 *		A referencing key of k (values of its referencing columns) as the
 *		sample's object and as the text of PostgreSQL's DETAIL.
 */
static void
render_key(ImpactKey *k, Datum *vals, bool *nulls, Jsonb **json,
		   char **text)
{
	FkInfo	   *fk = &k->info;
	StringInfoData buf;
	JsonbParseState *state = NULL;
	JsonbValue *res;

	initStringInfo(&buf);
	pushJsonbValue(&state, WJB_BEGIN_OBJECT, NULL);
	for (int i = 0; i < fk->nkeys; i++)
	{
		JsonbValue	key;
		JsonbValue	val;
		char	   *name = ri_fk_column_name(fk, i);

		key.type = jbvString;
		key.val.string.val = name;
		key.val.string.len = strlen(name);
		pushJsonbValue(&state, WJB_KEY, &key);
		if (nulls[i])
		{
			val.type = jbvNull;
			appendStringInfo(&buf, "%snull", i > 0 ? ", " : "");
		}
		else
		{
			RiKeyRenderer r;
			Jsonb	   *j;
			Oid			outfunc;
			bool		varlena;

			ri_key_jsonb_init(fk->fk_types[i], &r, CurrentMemoryContext);
			j = ri_key_jsonb(&r, vals[i]);
			if (JB_ROOT_IS_SCALAR(j))
				JsonbExtractScalar(&j->root, &val);
			else
			{
				val.type = jbvBinary;
				val.val.binary.data = &j->root;
				val.val.binary.len = VARSIZE(j) - VARHDRSZ;
			}
			getTypeOutputInfo(fk->fk_types[i], &outfunc, &varlena);
			appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
							 OidOutputFunctionCall(outfunc, vals[i]));
		}
		pushJsonbValue(&state, WJB_VALUE, &val);
	}
	res = pushJsonbValue(&state, WJB_END_OBJECT, NULL);
	*json = JsonbValueToJsonb(res);
	*text = buf.data;
}

/* The referencing key values of one row, as jsonb and as text. */
static void
fetch_key(ImpactKey *k, ImpactRowKey *row, Jsonb **json, char **text)
{
	FkInfo	   *fk = &k->info;
	StringInfoData q;
	Oid			argtypes[2] = {OIDOID, TIDOID};
	Datum		values[2];
	GeneratedRun run;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT ");
	for (int i = 0; i < fk->nkeys; i++)
		appendStringInfo(&q, "%sc.%s", i > 0 ? ", " : "",
						 quote_identifier(ri_fk_column_name(fk, i)));
	appendStringInfoString(&q, " FROM ");
	ri_sql_append_relation(&q, fk->fk_relid);
	appendStringInfoString(&q, " c WHERE c.tableoid OPERATOR(pg_catalog.=) $1"
						   " AND c.ctid OPERATOR(pg_catalog.=) $2");
	values[0] = ObjectIdGetDatum(row->relid);
	values[1] = PointerGetDatum(&row->tid);

	*json = NULL;
	*text = NULL;
	begin_generated(&run, k->scan_role, q.data, 2, argtypes, values);
	SPI_cursor_fetch(run.portal, true, 1);
	if (SPI_processed == 1)
	{
		Datum		vals[INDEX_MAX_KEYS];
		bool		nulls[INDEX_MAX_KEYS];

		for (int i = 0; i < fk->nkeys; i++)
			vals[i] = heap_getattr(SPI_tuptable->vals[0], i + 1,
								   SPI_tuptable->tupdesc, &nulls[i]);
		render_key(k, vals, nulls, json, text);
	}
	end_generated(&run);
}

/* "a, b": the referenced columns of fk */
static char *
pk_col_names(const FkInfo *fk)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < fk->nkeys; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
						 get_attname(fk->pk_relid, fk->pk_attnums[i], false));
	return buf.data;
}

static char *
fk_col_names(const FkInfo *fk)
{
	StringInfoData buf;

	initStringInfo(&buf);
	for (int i = 0; i < fk->nkeys; i++)
		appendStringInfo(&buf, "%s%s", i > 0 ? ", " : "",
						 ri_fk_column_name(fk, i));
	return buf.data;
}

/*
 * key_defaults
 *		The defaults of the referencing columns of k's key, into defvals and
 *		defnulls (NULL for a column without one), as SET DEFAULT sets them:
 *		evaluated once, as the referencing table's owner, and copied into
 *		the current memory context.
 */
static void
key_defaults(ImpactKey *k, Datum *defvals, bool *defnulls)
{
	FkInfo	   *fk = &k->info;
	Relation	rel;
	RiOwnerSwitch sw;
	EState	   *estate;
	ExprContext *econtext;

	rel = table_open(fk->fk_relid, NoLock);
	ri_become_owner(ri_rel_owner(fk->fk_relid), &sw);
	estate = CreateExecutorState();
	econtext = GetPerTupleExprContext(estate);
	for (int i = 0; i < fk->nkeys; i++)
	{
		Node	   *def = build_column_default(rel, fk->fk_attnums[i]);
		int16		typlen;
		bool		typbyval;

		if (def == NULL)
		{
			defnulls[i] = true;
			defvals[i] = (Datum) 0;
		}
		else
		{
			ExprState  *es = ExecPrepareExpr(expression_planner((Expr *) def),
											 estate);

			defvals[i] = ExecEvalExprSwitchContext(es, econtext, &defnulls[i]);
			get_typlenbyval(fk->fk_types[i], &typlen, &typbyval);
			if (!defnulls[i])
				defvals[i] = datumCopy(defvals[i], typbyval, typlen);
		}
	}
	FreeExecutorState(estate);
	ri_restore_caller(&sw);
	table_close(rel, NoLock);
}

/*
 * Does the SET DEFAULT key of fk exist in a surviving row of the
 * referenced table?  Sets *absent when no row of the table holds it at all
 * (even before the statement), *holder (when not NULL) to the row that
 * held it and that the statement removes (relid InvalidOid when none), and
 * *values_text to the key as text.  Returns true when the check passes (a
 * NULL default included).
 */
static bool
default_key_present(ImpactState *st, ImpactKey *k, bool *absent,
					char **values_text, Datum *defvals,
					const ImpactRowKey *row, ImpactRowKey *holder)
{
	FkInfo	   *fk = &k->info;
	bool		defnulls[INDEX_MAX_KEYS];
	int			nnull = 0;
	StringInfoData vals;
	bool		present;
	bool		held;

	*absent = false;
	if (holder != NULL)
		memset(holder, 0, sizeof(ImpactRowKey));
	initStringInfo(&vals);

	key_defaults(k, defvals, defnulls);
	for (int i = 0; i < fk->nkeys; i++)
	{
		if (defnulls[i])
		{
			nnull++;
			appendStringInfo(&vals, "%snull", i > 0 ? ", " : "");
		}
		else
		{
			Oid			outfunc;
			bool		varlena;

			getTypeOutputInfo(fk->fk_types[i], &outfunc, &varlena);
			appendStringInfo(&vals, "%s%s", i > 0 ? ", " : "",
							 OidOutputFunctionCall(outfunc, defvals[i]));
		}
	}

	/*
	 * ON DELETE SET DEFAULT (columns): the columns not listed keep the
	 * row's values, so the new key is the row's own.
	 */
	if (row != NULL)
	{
		StringInfoData rq;
		Oid			rtypes[2] = {OIDOID, TIDOID};
		Datum		rvals[2];
		GeneratedRun rrun;

		initStringInfo(&rq);
		appendStringInfoString(&rq, "SELECT ");
		for (int i = 0; i < fk->nkeys; i++)
			appendStringInfo(&rq, "%sc.%s", i > 0 ? ", " : "",
							 quote_identifier(ri_fk_column_name(fk, i)));
		appendStringInfoString(&rq, " FROM ");
		ri_sql_append_relation(&rq, fk->fk_relid);
		appendStringInfoString(&rq, " c WHERE c.tableoid OPERATOR(pg_catalog.=) $1"
							   " AND c.ctid OPERATOR(pg_catalog.=) $2");
		rvals[0] = ObjectIdGetDatum(row->relid);
		rvals[1] = PointerGetDatum(&row->tid);
		begin_generated(&rrun, k->scan_role, rq.data, 2, rtypes, rvals);
		SPI_cursor_fetch(rrun.portal, true, 1);
		if (SPI_processed == 1)
		{
			resetStringInfo(&vals);
			nnull = 0;
			for (int i = 0; i < fk->nkeys; i++)
			{
				bool		listed = false;

				for (int j = 0; j < k->edge->ndelsetcols; j++)
					listed = listed || k->edge->delsetcols[j] == fk->fk_attnums[i];
				if (!listed)
				{
					int16		typlen;
					bool		typbyval;
					Datum		d = heap_getattr(SPI_tuptable->vals[0], i + 1,
												 SPI_tuptable->tupdesc,
												 &defnulls[i]);

					get_typlenbyval(fk->fk_types[i], &typlen, &typbyval);
					defvals[i] = defnulls[i] ? (Datum) 0 :
						datumCopy(d, typbyval, typlen);
				}
				if (defnulls[i])
				{
					nnull++;
					appendStringInfo(&vals, "%snull", i > 0 ? ", " : "");
				}
				else
				{
					Oid			outfunc;
					bool		varlena;

					getTypeOutputInfo(fk->fk_types[i], &outfunc, &varlena);
					appendStringInfo(&vals, "%s%s", i > 0 ? ", " : "",
									 OidOutputFunctionCall(outfunc, defvals[i]));
				}
			}
		}
		end_generated(&rrun);
	}
	*values_text = vals.data;

	/* MATCH SIMPLE: a NULL column exempts the row; FULL: all NULL. */
	if (nnull > 0 &&
		(fk->confmatchtype == FKCONSTR_MATCH_SIMPLE || nnull == fk->nkeys))
		return true;

	present = key_holder_left(st, k, defvals, 0, true, &held, holder);
	*absent = !held;

	/* a row the statement updates to the default key */
	if (!present && key_held_after(st, k, defvals, true, InvalidOid))
	{
		present = true;
		*absent = false;
	}
	return present;
}

/*
 * parent_of
 *		The row of key k's referenced table that the referencing row
 *		(relid, tid) references, into *parent; false when none.
 */
static bool
parent_of(ImpactKey *k, Oid relid, ItemPointer tid, ImpactRowKey *parent)
{
	StringInfoData q;
	Oid			argtypes[2] = {OIDOID, TIDOID};
	Datum		values[2];
	GeneratedRun run;
	bool		found = false;

	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT p.tableoid, p.ctid FROM ");
	ri_sql_append_relation(&q, k->info.pk_relid);
	appendStringInfoString(&q, " p, ");
	ri_sql_append_relation(&q, k->info.fk_relid);
	appendStringInfoString(&q, " c WHERE c.tableoid OPERATOR(pg_catalog.=) $1"
						   " AND c.ctid OPERATOR(pg_catalog.=) $2");
	append_key_match(&q, &k->info, NULL);
	values[0] = ObjectIdGetDatum(relid);
	values[1] = PointerGetDatum(tid);
	memset(parent, 0, sizeof(ImpactRowKey));
	begin_generated(&run, k->scan_role, q.data, 2, argtypes, values);
	SPI_cursor_fetch(run.portal, true, 1);
	if (SPI_processed == 1)
	{
		row_address(SPI_tuptable->vals[0], SPI_tuptable->tupdesc,
					&parent->relid, &parent->tid);
		found = true;
	}
	end_generated(&run);
	return found;
}

/*
 * removed_first
 *		A referencing row that the check of c would see and that step s
 *		removes at the same depth: does the removal come first?  When both
 *		come from the same parent row, its triggers fire in the order of
 *		their names, as PostgreSQL fires a row's triggers; when they come
 *		from different parent rows, the order of those rows in the queue
 *		decides, which the preview does not follow: taken as first.
 */
static bool
removed_first(ImpactState *st, ImpactStep *s, ImpactCheckEntry *c)
{
	ImpactKey  *rk;
	ImpactKey  *ck;
	ImpactRowKey p1;
	ImpactRowKey p2;
	char	   *mine;
	char	   *theirs;

	if (!OidIsValid(s->conoid))
		return true;
	rk = hash_search(st->keys, &s->conoid, HASH_FIND, NULL);
	ck = hash_search(st->keys, &c->key.conoid, HASH_FIND, NULL);
	if (rk == NULL || ck == NULL)
		return true;
	if (!parent_of(ck, c->key.relid, &c->key.tid, &p1) ||
		!parent_of(rk, c->key.relid, &c->key.tid, &p2))
		return true;
	if (rowkey_cmp(&p1, &p2) != 0)
	{
		/*
		 * Different parent rows: their events fire in the order the rows
		 * were removed.  For the statement's own rows that is the order
		 * of its scan, which the preview's query of them followed; deeper
		 * down it is the order in which the preview reached them, an
		 * approximation (PostgreSQL interleaves the keys of one parent
		 * row, the preview takes one key at a time).
		 */
		ImpactRowEntry *e1 = hash_search(st->rows, &p1, HASH_FIND, NULL);
		ImpactRowEntry *e2 = hash_search(st->rows, &p2, HASH_FIND, NULL);

		if (e1 == NULL || e2 == NULL)
			return true;
		return e2->seq < e1->seq;
	}
	mine = ri_fk_action_trigger_name(c->key.conoid, p1.relid, c->on_delete);
	theirs = ri_fk_action_trigger_name(s->conoid, p1.relid, c->on_delete);
	if (mine == NULL || theirs == NULL)
		return true;
	return strcmp(theirs, mine) < 0;
}

/*
 * partition_key_cols
 *		Names of the columns the partition keys of leaf's ancestors use
 *		(columns and the columns of expressions); NIL for a table that is
 *		not a partition.  Cached per preview.
 */
static List *
partition_key_cols(ImpactState *st, Oid leaf)
{
	ListCell   *lc;
	ImpactRelList *pc;
	MemoryContext oldcxt;
	bool		made;

	pc = rel_list_entry(st, &st->partcols, leaf, &made);
	if (!made)
		return pc->items;
	oldcxt = MemoryContextSwitchTo(st->cxt);
	if (get_rel_relispartition(leaf))
	{
		foreach(lc, get_partition_ancestors(leaf))
		{
			Oid			anc = lfirst_oid(lc);
			Relation	rel = relation_open(anc, AccessShareLock);
			PartitionKey key = RelationGetPartitionKey(rel);
			Bitmapset  *vars = NULL;
			int			x = -1;

			for (int i = 0; i < key->partnatts; i++)
			{
				if (key->partattrs[i] != 0)
					pc->items = lappend(pc->items,
										get_attname(anc, key->partattrs[i],
													false));
			}
			pull_varattnos((Node *) key->partexprs, 1, &vars);
			while ((x = bms_next_member(vars, x)) >= 0)
			{
				AttrNumber	attnum = x + FirstLowInvalidHeapAttributeNumber;

				if (attnum > 0)
					pc->items = lappend(pc->items,
										get_attname(anc, attnum, false));
			}
			relation_close(rel, NoLock);
		}
	}
	MemoryContextSwitchTo(oldcxt);
	return pc->items;
}

/*
 * rel_list_entry
 *		The entry for relid in cache (a List of ImpactRelList); when there
 *		is none, a new one with no items, appended to it, and *made set.
 *		Both are allocated in st->cxt, for the whole preview: the caller
 *		fills a new entry's items there too, never in a per-row context.
 */
static ImpactRelList *
rel_list_entry(ImpactState *st, List **cache, Oid relid, bool *made)
{
	ListCell   *lc;
	ImpactRelList *entry;
	MemoryContext oldcxt;

	*made = false;
	foreach(lc, *cache)
	{
		entry = lfirst(lc);
		if (entry->relid == relid)
			return entry;
	}
	oldcxt = MemoryContextSwitchTo(st->cxt);
	entry = palloc0(sizeof(ImpactRelList));
	entry->relid = relid;
	*cache = lappend(*cache, entry);
	MemoryContextSwitchTo(oldcxt);
	*made = true;
	return entry;
}

/* Is every name of a also in b? */
static bool
names_subset(List *a, List *b)
{
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, a)
	{
		bool		found = false;

		foreach(lc2, b)
			found = found || strcmp(lfirst(lc), lfirst(lc2)) == 0;
		if (!found)
			return false;
	}
	return true;
}

/*
 * key_held_step
 *		The first step after which one of the updated rows holds key: 0 for
 *		one of the statement's rows, the step of the update for a row an
 *		ON UPDATE CASCADE action updates, INT_MAX when none does.  key:
 *		values of k's referenced columns, compared with the "pk = pk"
 *		operators as ri_Check_Pk_Match does, or with fk_side, values of its
 *		referencing columns, compared with the "pk = fk" operators as
 *		RI_FKey_check does.  In the leaf that held it (leaf), or anywhere in
 *		the referenced table when leaf is InvalidOid (RI_FKey_check's query
 *		of the referenced table).
 */
static int
key_held_step(ImpactState *st, ImpactKey *k, Datum *key, bool fk_side,
			  Oid leaf)
{
	FkInfo	   *fk = &k->info;
	int			colidx[INDEX_MAX_KEYS];
	List	   *idxcols = NIL;
	bool		idxok = false;
	FmgrInfo	eq[INDEX_MAX_KEYS];
	ListCell   *lc;
	int			first = INT_MAX;

	if (st->newkeys == NIL)
		return INT_MAX;
	for (int i = 0; i < fk->nkeys; i++)
		fmgr_info(get_opcode(fk_side ? fk->pf_eq_oprs[i] : fk->pp_eq_oprs[i]),
				  &eq[i]);

	foreach(lc, st->newkeys)
	{
		ImpactNewKey *nk = lfirst(lc);
		bool		match = true;

		CHECK_FOR_INTERRUPTS();
		if (nk->step >= first)
			continue;
		if (nk->relid != fk->pk_relid &&
			!(get_rel_relispartition(nk->relid) &&
			  list_member_oid(get_partition_ancestors(nk->relid),
							  fk->pk_relid)))
			continue;
		if (nk->cols != idxcols || idxcols == NIL)
		{
			/* the rows of one table share their list of columns */
			idxcols = nk->cols;
			idxok = cols_colidx(nk->cols, fk, colidx);
		}
		if (!idxok)
			continue;			/* a table the update does not reach */
		for (int i = 0; i < fk->nkeys && match; i++)
		{
			int			j = colidx[i];

			match = !nk->nulls[j] &&
				DatumGetBool(FunctionCall2Coll(&eq[i], fk->pk_collations[i],
											   nk->vals[j], key[i]));
		}
		if (match && (!OidIsValid(leaf) || nk->dest == leaf))
			first = nk->step;
	}
	return first;
}

/*
 * key_held_after
 *		Does one of the statement's updated rows hold key after the
 *		statement (key_held_step)?
 */
static bool
key_held_after(ImpactState *st, ImpactKey *k, Datum *key, bool fk_side,
			   Oid leaf)
{
	return key_held_step(st, k, key, fk_side, leaf) == 0;
}

/*
 * old_key_taken_over
 *		ri_Check_Pk_Match for the NO ACTION check of referencing row c: is
 *		the key of the parent row it references, which the statement
 *		removed, held by another row when the check runs, so that
 *		RI_FKey_noaction_del / _upd do nothing?  PostgreSQL looks in the
 *		parent's leaf ("ONLY", the trigger's table), or in the whole
 *		partitioned table for the root's trigger of a parent row moved to
 *		another partition; with the "pk = pk" operators.  The rows that can
 *		hold it are the statement's updated rows (PostgreSQL runs the checks
 *		after the statement, so they see all of them), in the leaf they
 *		land in (ImpactNewKey.dest), and the rows that ON UPDATE CASCADE
 *		actions update: those of the steps before the check's (an
 *		immediate check reached at step d runs after every action of step
 *		d - 1, and before or after those of step d, as the trigger queue
 *		has it: taken as after), or all of them for a check at commit.
 */
static bool
old_key_taken_over(ImpactState *st, ImpactCheckEntry *c)
{
	ImpactKey  *k = hash_search(st->keys, &c->key.conoid, HASH_FIND, NULL);
	FkInfo	   *fk = &k->info;
	StringInfoData q;
	Oid			argtypes[2] = {OIDOID, TIDOID};
	Datum		values[2];
	GeneratedRun run;
	ImpactCheckKey tkey;
	ImpactTakeover *t;
	bool		found;
	Datum		oldkey[INDEX_MAX_KEYS];

	if (st->newkeys == NIL)
		return false;

	/* The parent row and its key, in the referenced table's types. */
	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT p.tableoid, p.ctid");
	for (int i = 0; i < fk->nkeys; i++)
		appendStringInfo(&q, ", p.%s",
						 quote_identifier(get_attname(fk->pk_relid,
													  fk->pk_attnums[i],
													  false)));
	appendStringInfoString(&q, " FROM ");
	ri_sql_append_relation(&q, fk->pk_relid);
	appendStringInfoString(&q, " p, ");
	ri_sql_append_relation(&q, fk->fk_relid);
	appendStringInfoString(&q, " c WHERE c.tableoid OPERATOR(pg_catalog.=) $1"
						   " AND c.ctid OPERATOR(pg_catalog.=) $2");
	append_key_match(&q, fk, NULL);
	values[0] = ObjectIdGetDatum(c->key.relid);
	values[1] = PointerGetDatum(&c->key.tid);
	memset(&tkey, 0, sizeof(tkey));
	tkey.conoid = c->key.conoid;
	begin_generated(&run, k->scan_role, q.data, 2, argtypes, values);
	SPI_cursor_fetch(run.portal, true, 1);
	found = SPI_processed == 1;
	if (found)
	{
		HeapTuple	tup = SPI_tuptable->vals[0];
		TupleDesc	desc = SPI_tuptable->tupdesc;
		bool		isnull;

		row_address(tup, desc, &tkey.relid, &tkey.tid);
		for (int i = 0; i < fk->nkeys; i++)
		{
			int16		typlen;
			bool		typbyval;
			Datum		d = heap_getattr(tup, 3 + i, desc, &isnull);

			if (isnull)
				found = false;	/* a NULL key fires no check */
			get_typlenbyval(fk->pk_types[i], &typlen, &typbyval);
			oldkey[i] = isnull ? (Datum) 0 : datumCopy(d, typbyval, typlen);
		}
	}
	end_generated(&run);
	if (!found)
		return false;

	if (st->takeovers == NULL)
	{
		HASHCTL		ctl;

		memset(&ctl, 0, sizeof(ctl));
		ctl.keysize = sizeof(ImpactCheckKey);
		ctl.entrysize = sizeof(ImpactTakeover);
		ctl.hcxt = st->cxt;
		st->takeovers = hash_create("ri_audit impact takeovers", 64, &ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	}
	t = hash_search(st->takeovers, &tkey, HASH_ENTER, &found);
	if (!found)
	{
		ImpactRowKey parent;

		memset(&parent, 0, sizeof(parent));
		parent.relid = tkey.relid;
		parent.tid = tkey.tid;
		t->step = key_held_step(st, k, oldkey, false,
								find_moved(st, &parent) ? InvalidOid :
								tkey.relid);
	}
	if (k->edge->initdeferred)
		return t->step < INT_MAX;
	return t->step < c->depth;
}

/*
 * note_set_constraints
 *		The deferrable keys whose checks the preview placed by their
 *		declared deferral, in a transaction where SET CONSTRAINTS may have
 *		changed it (constraint_state.c): a NOTICE each, by name.
 */
static void
note_set_constraints(ImpactState *st, List *conoids)
{
	List	   *names = NIL;
	ListCell   *lc;

	foreach(lc, conoids)
	{
		ImpactKey  *k = hash_search(st->keys, &lfirst_oid(lc), HASH_FIND,
									NULL);

		names = lappend(names, psprintf("%s\t%s", NameStr(k->edge->conname),
										k->edge->initdeferred ?
										"INITIALLY DEFERRED" :
										"INITIALLY IMMEDIATE"));
	}
	list_sort(names, cstring_cmp);
	foreach(lc, names)
	{
		char	   *name = pstrdup(lfirst(lc));
		char	   *how = strchr(name, '\t');

		*how++ = '\0';
		ereport(NOTICE,
				(errmsg("the preview checks constraint \"%s\" as declared, DEFERRABLE %s",
						name, how),
				 errdetail("A SET CONSTRAINTS command may have changed that in this transaction, and PostgreSQL 15 gives extensions no way to read the current setting."),
				 errhint("The preview is exact in a transaction that runs no SET CONSTRAINTS before it, once ri_audit is loaded (in an earlier transaction, or by shared_preload_libraries).")));
	}
}

/*
 * check_row_removed
 *		Does the referencing row of check c escape its check, removed by the
 *		statement or its actions before the check runs?
 *
 * RESTRICT and immediate NO ACTION check when their trigger fires: RI's own
 * queries queue the triggers they set off behind the ones already queued,
 * so PostgreSQL works breadth first, and the check of a row reached at step
 * d sees only what steps up to d did (within one step, the order of rows
 * and triggers decides; taken as done).  A deferred NO ACTION key and SET
 * DEFAULT's check of the updated rows see the final state.
 */
static bool
check_row_removed(ImpactState *st, ImpactCheckEntry *c)
{
	ImpactRowKey key;
	ImpactRowEntry *row;
	ImpactKey  *k;
	bool		at_once;
	bool		removed;

	memset(&key, 0, sizeof(key));
	key.relid = c->key.relid;
	key.tid = c->key.tid;
	row = hash_search(st->rows, &key, HASH_FIND, NULL);
	if (row == NULL)
		return false;
	k = hash_search(st->keys, &c->key.conoid, HASH_FIND, NULL);
	if (c->key.kind == CHECK_UPDATED || c->key.kind == CHECK_MOVED)
		return false;			/* decided by updated_row_checks and
								 * moved_row_checks */
	if (c->key.kind == CHECK_FULL)
	{
		/* RI_FKey_check skips a row version deleted since */
		return row->fate == FATE_DELETE &&
			((k->edge->deferrable && k->edge->initdeferred) ||
			 st->steps[row->stepidx].step <= c->depth);
	}
	at_once = c->key.kind == CHECK_RESTRICT ||
		(c->key.kind == CHECK_NOACTION &&
		 !(k->edge->deferrable && k->edge->initdeferred));
	if (row->fate == FATE_DELETE)
		removed = true;
	else
		/* updated on the key's columns: references no removed key */
		removed = c->key.kind != CHECK_DEFAULT &&
			bms_overlap(row->cols,
						cols_of(key.relid, set_col_names(k->edge, false)));
	if (removed && at_once &&
		st->steps[row->stepidx].step == c->depth)
		removed = removed_first(st, &st->steps[row->stepidx], c);
	return removed &&
		(!at_once || st->steps[row->stepidx].step <= c->depth);
}

/*
 * default_recheck_fails
 *		ON ... SET DEFAULT of key k, whose default key the statement removes
 *		from the row holder: does ri_set's recheck fail?
 *
 * After setting the referencing rows of a removed parent row to the
 * default, ri_set runs the NO ACTION check of that parent's old key
 * (ri_restrict), at once: the action triggers are never deferred.  For the
 * parent holder it finds the rows that reference the default key at that
 * moment: holder's own referencing rows (set to the key they already hold),
 * and the rows that the actions of parent rows removed before holder set
 * to it; any of them and it fails ("is still referenced").  Otherwise it
 * passes, and the rows set to the default after it fail RI_FKey_check ("is
 * not present") when the key's check of them runs, at commit for an
 * initially deferred key.  Holder's removal that fires another action (ON
 * UPDATE CASCADE and ON DELETE SET DEFAULT) does not recheck.  The order of
 * the parent rows is the order in which the preview reached them
 * (ImpactRowEntry.seq): the statement's scan order, approximate deeper down.
 */
static bool
default_recheck_fails(ImpactState *st, ImpactKey *k, ImpactRowKey *holder)
{
	ImpactRowEntry *he = hash_search(st->rows, holder, HASH_FIND, NULL);
	HASH_SEQ_STATUS seq;
	ImpactCheckEntry *c;
	char		action;
	bool		fails = false;

	if (he == NULL)
		return true;
	action = he->fate == FATE_DELETE ? k->edge->deltype : k->edge->updtype;
	if (action != FKCONSTR_ACTION_SETDEFAULT)
		return false;
	hash_seq_init(&seq, st->checks);
	while ((c = hash_seq_search(&seq)) != NULL)
	{
		ImpactRowKey parent;
		ImpactRowEntry *pe;

		CHECK_FOR_INTERRUPTS();
		if (c->key.conoid != k->conoid || c->key.kind != CHECK_DEFAULT ||
			check_row_removed(st, c))
			continue;
		if (!parent_of(k, c->key.relid, &c->key.tid, &parent) ||
			(pe = hash_search(st->rows, &parent, HASH_FIND, NULL)) == NULL ||
			pe->seq <= he->seq)
		{
			fails = true;
			hash_seq_term(&seq);
			break;
		}
	}
	return fails;
}

/*
 * action_time
 *		When the action of key conoid that reached the row fired: the order
 *		of the parent row it came from (ImpactRowEntry.seq) and the name of
 *		the trigger, which orders the triggers of one parent row.  False
 *		when not known.
 */
static bool
action_time(ImpactState *st, Oid conoid, ImpactRowKey *row, int64 *pseq,
			char **trig)
{
	ImpactKey  *k = hash_search(st->keys, &conoid, HASH_FIND, NULL);
	ImpactRowKey parent;
	ImpactRowEntry *pe;

	if (k == NULL || !parent_of(k, row->relid, &row->tid, &parent) ||
		(pe = hash_search(st->rows, &parent, HASH_FIND, NULL)) == NULL)
		return false;
	*pseq = pe->seq;
	*trig = ri_fk_action_trigger_name(conoid, parent.relid,
									  pe->fate == FATE_DELETE);
	return *trig != NULL;
}

/* Does the action at (seq1, trig1) fire after the one at (seq2, trig2)? */
static bool
fires_after(int64 seq1, const char *trig1, int64 seq2, const char *trig2)
{
	if (seq1 != seq2)
		return seq1 > seq2;
	return strcmp(trig1, trig2) > 0;
}

/*
 * second_update_time
 *		When row re, updated twice, got its second update: the later of
 *		the two actions' times.  False when not known.
 */
static bool
second_update_time(ImpactState *st, ImpactRowEntry *re, int64 *pseq,
				   char **trig)
{
	int64		s0,
				s1;
	char	   *t0,
			   *t1;

	if (!action_time(st, re->upd_conoids[0], &re->key, &s0, &t0) ||
		!action_time(st, re->upd_conoids[1], &re->key, &s1, &t1))
		return false;
	if (fires_after(s0, t0, s1, t1))
	{
		*pseq = s0;
		*trig = t0;
	}
	else
	{
		*pseq = s1;
		*trig = t1;
	}
	return true;
}

/*
 * updated_row_checks
 *		The rows that two actions update, whose other keys' checks find
 *		their parent row removed: as CHECK_UPDATED checks.
 *
 * The second action updates the row version the first one made, and
 * RI_FKey_fk_upd_check_required queues RI_FKey_check_upd for every key of
 * that version that is not NULL, changed or not, as for any row version of
 * the transaction.  Such a check of key X runs when its trigger fires, one
 * step after the update, unless X is initially deferred; it skips the row
 * when the row was deleted since, and otherwise fails ("is not present")
 * when the row's parent through X has been deleted, which happens when that
 * parent is deleted after the update at the same step: its X action on the
 * row is queued behind the check.  Followed for the rows that the actions
 * of the statement's own rows update twice, where the order of the actions
 * is known (action_time: the statement's scan order, then the trigger
 * names); deeper down the preview does not follow PostgreSQL's order (it
 * takes one key at a time where PostgreSQL fires the triggers of one
 * parent row together), and does not report.  Not followed either: parent
 * rows the statement updates, a third update of the row before its check.
 */
static void
updated_row_checks(ImpactState *st)
{
	HASH_SEQ_STATUS seq;
	ImpactRowEntry *r;
	List	   *deleted_in = NIL;	/* tables (and ancestors) with a deleted
									 * row */
	List	   *cands = NIL;	/* ImpactRowEntry updated twice at step 1 */
	ListCell   *lc;

	hash_seq_init(&seq, st->rows);
	while ((r = hash_seq_search(&seq)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (r->fate == FATE_DELETE &&
			!list_member_oid(deleted_in, r->key.relid))
		{
			deleted_in = lappend_oid(deleted_in, r->key.relid);
			if (get_rel_relispartition(r->key.relid))
				deleted_in = list_concat_unique_oid(deleted_in,
													get_partition_ancestors(r->key.relid));
		}
		if (r->reupd_depth == 1)
			cands = lappend(cands, r);
	}

	foreach(lc, cands)
	{
		ImpactRowEntry *re = lfirst(lc);
		List	   *targets = list_make1_oid(re->key.relid);
		int64		useq;
		char	   *utrig;
		ListCell   *lc2;

		if (!second_update_time(st, re, &useq, &utrig))
			continue;
		if (re->fate == FATE_DELETE)
		{
			/* deleted before the check fires? */
			ImpactStep *ds = &st->steps[re->stepidx];

			if (ds->step <= 1)
				continue;
			if (ds->step == 2)
			{
				/* by the action of a row deleted before the update */
				ImpactKey  *dk = hash_search(st->keys, &ds->conoid,
											 HASH_FIND, NULL);
				ImpactRowKey dparent;
				ImpactRowEntry *de;
				int64		dseq;
				char	   *dtrig;

				if (dk == NULL ||
					!parent_of(dk, re->key.relid, &re->key.tid, &dparent) ||
					(de = hash_search(st->rows, &dparent, HASH_FIND,
									  NULL)) == NULL ||
					!action_time(st, st->steps[de->stepidx].conoid,
								 &dparent, &dseq, &dtrig) ||
					!fires_after(dseq, dtrig, useq, utrig))
					continue;
			}
		}
		if (get_rel_relispartition(re->key.relid))
			targets = list_concat(targets,
								  get_partition_ancestors(re->key.relid));
		foreach(lc2, st->edges)
		{
			FkEdge	   *e = lfirst(lc2);
			ImpactKey  *k;
			ImpactRowKey parent;
			ImpactRowEntry *pe;
			int64		pseq;
			char	   *ptrig;

			CHECK_FOR_INTERRUPTS();
			if (!list_member_oid(targets, e->fk_relid) ||
				!list_member_oid(deleted_in, e->pk_relid) ||
				(e->deferrable && e->initdeferred))
				continue;
			if (re->fate == FATE_UPDATE &&
				bms_overlap(re->cols,
							cols_of(re->key.relid, set_col_names(e, false))))
				continue;		/* the updates set this key */
			k = get_key(st, e);
			if (!parent_of(k, re->key.relid, &re->key.tid, &parent))
				continue;
			pe = hash_search(st->rows, &parent, HASH_FIND, NULL);
			if (pe == NULL || pe->fate != FATE_DELETE ||
				st->steps[pe->stepidx].step != 1 ||
				!action_time(st, st->steps[pe->stepidx].conoid, &parent,
							 &pseq, &ptrig) ||
				!fires_after(pseq, ptrig, useq, utrig))
				continue;
			add_check(st, e->conoid, CHECK_UPDATED, re->key.relid,
					  &re->key.tid, 2, parent.relid, true);
		}
	}
}

/*
 * removed_before
 *		Row entry re, reached by the walk: is it gone (deleted, or with
 *		cols, when not NULL, updated) when a check runs at step 1 at the
 *		turn of the statement's row of order seq, or at commit (deferred)?
 *		The statement's own changes come before every trigger; an action of
 *		step 1 comes before when its parent row's events come first (the
 *		events of the row of order seq itself come after its insert checks);
 *		deeper steps come after.
 */
static bool
removed_before(ImpactState *st, ImpactRowEntry *re, Bitmapset *cols,
			   int64 seq, bool deferred)
{
	ImpactStep *s = &st->steps[re->stepidx];
	int64		pseq;
	char	   *trig;

	if (re->fate != FATE_DELETE &&
		(cols == NULL || !bms_overlap(re->cols, cols)))
		return false;
	if (deferred || s->step == 0)
		return true;
	if (s->step > 1)
		return false;
	return !action_time(st, s->conoid, &re->key, &pseq, &trig) || pseq < seq;
}

/*
 * key_holder_left
 *		RI_FKey_check's query of k's referenced table for key (values of the
 *		referencing columns), on the rows before the statement: does one of
 *		them still hold it when the check runs (removed_before: at commit
 *		when deferred, else at the turn of the statement's row of order
 *		seq)?  *held: a row held it before the statement; *removed (when not
 *		NULL): the first of those rows found removed (relid InvalidOid when
 *		none).
 */
static bool
key_holder_left(ImpactState *st, ImpactKey *k, Datum *key, int64 seq,
				bool deferred, bool *held, ImpactRowKey *removed)
{
	FkInfo	   *fk = &k->info;
	Oid			argtypes[INDEX_MAX_KEYS];
	StringInfoData q;
	GeneratedRun run;
	bool		present = false;

	*held = false;
	if (removed != NULL)
		memset(removed, 0, sizeof(ImpactRowKey));
	for (int i = 0; i < fk->nkeys; i++)
		argtypes[i] = fk->fk_types[i];
	initStringInfo(&q);
	appendStringInfoString(&q, "SELECT p.tableoid, p.ctid FROM ");
	ri_sql_append_relation(&q, fk->pk_relid);
	appendStringInfoString(&q, " p WHERE true");
	append_key_match(&q, fk, "$");
	begin_generated(&run, k->scan_role, q.data, fk->nkeys, argtypes, key);
	for (;;)
	{
		CHECK_FOR_INTERRUPTS();
		SPI_cursor_fetch(run.portal, true, RI_IMPACT_FETCH);
		if (SPI_processed == 0)
			break;
		for (uint64 r = 0; r < SPI_processed && !present; r++)
		{
			ImpactRowKey hkey;
			ImpactRowEntry *he;
			Bitmapset  *pkcols = NULL;

			memset(&hkey, 0, sizeof(hkey));
			row_address(SPI_tuptable->vals[r], SPI_tuptable->tupdesc,
						&hkey.relid, &hkey.tid);
			*held = true;
			he = hash_search(st->rows, &hkey, HASH_FIND, NULL);
			if (he != NULL && he->fate == FATE_UPDATE)
				pkcols = cols_of(hkey.relid, pk_col_name_list(k->edge));
			present = he == NULL ||
				!removed_before(st, he, pkcols, seq, deferred);
			if (!present && removed != NULL && !OidIsValid(removed->relid))
				*removed = hkey;
		}
		SPI_freetuptable(SPI_tuptable);
		if (present)
			break;
	}
	end_generated(&run);
	return present;
}

/*
 * moved_key_present
 *		RI_FKey_check_ins of a moved row of order seq, whose key of k
 *		(values of the referencing columns) is key: does a row of the
 *		referenced table hold it when the check runs?  A row that held it
 *		before the statement and is not removed by then (key_holder_left),
 *		or one of the statement's updated rows holding it after it.
 */
static bool
moved_key_present(ImpactState *st, ImpactKey *k, Datum *key, int64 seq,
				  bool deferred)
{
	bool		held;

	return key_holder_left(st, k, key, seq, deferred, &held, NULL) ||
		key_held_after(st, k, key, true, InvalidOid);
}

/*
 * moved_key
 *		The key of foreign key e (values of its referencing columns) that
 *		moved row m holds after the statement, into key and nulls; returns
 *		how many of its columns are NULL.
 */
static int
moved_key(ImpactState *st, ImpactMovedRow *m, FkEdge *e, Datum *key,
		  bool *nulls)
{
	int			nnull = 0;

	for (int i = 0; i < e->nkeys; i++)
	{
		char	   *name = get_attname(e->fk_relid, e->fk_attnums[i], false);
		ListCell   *lc;

		key[i] = (Datum) 0;
		nulls[i] = true;
		foreach(lc, st->move_cols)
		{
			if (strcmp(lfirst(lc), name) == 0)
			{
				key[i] = m->vals[foreach_current_index(lc)];
				nulls[i] = m->nulls[foreach_current_index(lc)];
			}
		}
		nnull += nulls[i] ? 1 : 0;
	}
	return nnull;
}

/* The moved row of st->moved that was row before the statement, or NULL. */
static ImpactMovedRow *
find_moved(ImpactState *st, ImpactRowKey *row)
{
	ListCell   *lc;

	foreach(lc, st->moved)
	{
		ImpactMovedRow *m = lfirst(lc);

		if (rowkey_cmp(&m->key, row) == 0)
			return m;
	}
	return NULL;
}

/*
 * moved_row_checks
 *		The foreign keys of the rows the UPDATE moves to another partition
 *		that fail: as CHECK_MOVED (no referenced row) and CHECK_FULL (a
 *		MATCH FULL key partly NULL) checks.
 *
 * A moved row is deleted from its partition and inserted into the new one,
 * and the insert queues RI_FKey_check_ins for every foreign key of the new
 * partition, at the row's turn in the statement's events (before the
 * root's update event that runs its actions), or at commit for an
 * initially deferred key.  The check passes for a key with a NULL column
 * (MATCH SIMPLE) or all NULL (MATCH FULL), and is skipped when the row
 * version was removed before it runs; else it fails unless a row of the
 * referenced table holds the key (moved_key_present).  Keys set by
 * cascaded updates are not followed there.
 */
static void
moved_row_checks(ImpactState *st)
{
	ListCell   *lc;

	foreach(lc, st->moved)
	{
		ImpactMovedRow *m = lfirst(lc);
		ImpactRowEntry *me = hash_search(st->rows, &m->key, HASH_FIND, NULL);
		List	   *targets = list_make1_oid(m->dest);
		ListCell   *lc2;

		Assert(me != NULL);
		targets = list_concat(targets, get_partition_ancestors(m->dest));
		foreach(lc2, st->edges)
		{
			FkEdge	   *e = lfirst(lc2);
			bool		deferred = e->deferrable && e->initdeferred;
			ImpactKey  *k;
			Datum		key[INDEX_MAX_KEYS];
			bool		keynulls[INDEX_MAX_KEYS];
			int			nnull;
			int64		useq;
			char	   *utrig;

			CHECK_FOR_INTERRUPTS();
			if (!list_member_oid(targets, e->fk_relid))
				continue;
			/* the row version is gone before the check runs */
			if (removed_before(st, me, NULL, me->seq, deferred))
				continue;
			/* an action updated it: before the check, a dead version */
			if (me->reupd_depth >= 0 &&
				(deferred ||
				 !action_time(st, me->upd_conoids[1], &me->key, &useq,
							  &utrig) ||
				 useq < me->seq))
				continue;
			nnull = moved_key(st, m, e, key, keynulls);
			if (nnull > 0 &&
				(e->matchtype != FKCONSTR_MATCH_FULL || nnull == e->nkeys))
				continue;
			k = get_key(st, e);
			if (nnull > 0)
				add_check(st, e->conoid, CHECK_FULL, m->key.relid,
						  &m->key.tid, 1, m->dest, false);
			else if (!moved_key_present(st, k, key, me->seq, deferred))
				add_check(st, e->conoid, CHECK_MOVED, m->key.relid,
						  &m->key.tid, 1, m->dest, false);
		}
	}
}

/*
 * finish_checks
 *		The referencing rows collected for RESTRICT, NO ACTION and SET
 *		DEFAULT that block the statement, as result rows.
 */
static void
finish_checks(ImpactState *st)
{
	HASH_SEQ_STATUS seq;
	ImpactCheckEntry *c;
	List	   *groups = NIL;
	ImpactBlockGroup **arr;
	int			n;
	ListCell   *lc;
	bool		state_unknown = ri_constraint_state_may_differ();
	List	   *deferrable = NIL;

	updated_row_checks(st);
	moved_row_checks(st);
	hash_seq_init(&seq, st->checks);
	while ((c = hash_seq_search(&seq)) != NULL)
	{
		ImpactRowKey key;
		ImpactBlockGroup *g = NULL;
		bool		per_row = false;
		bool		row_removed = false;
		char	   *rowtext = NULL;

		CHECK_FOR_INTERRUPTS();
		if (state_unknown && c->key.kind != CHECK_RESTRICT)
		{
			ImpactKey  *k = hash_search(st->keys, &c->key.conoid, HASH_FIND,
										NULL);

			if (k->edge->deferrable)
				deferrable = list_append_unique_oid(deferrable,
													c->key.conoid);
		}
		memset(&key, 0, sizeof(key));
		key.relid = c->key.relid;
		key.tid = c->key.tid;
		if (check_row_removed(st, c))
			continue;
		if (c->key.kind == CHECK_DEFAULT)
		{
			ImpactKey  *k = hash_search(st->keys, &c->key.conoid, HASH_FIND,
										NULL);

			if (k->edge->ndelsetcols > 0 && k->edge->ndelsetcols < k->edge->nkeys)
			{
				bool		absent;
				Datum		vals[INDEX_MAX_KEYS];

				if (default_key_present(st, k, &absent, &rowtext, vals, &key,
										NULL))
					continue;
				row_removed = !absent;
				per_row = true;
			}
		}
		else if (c->key.kind == CHECK_NOACTION &&
				 old_key_taken_over(st, c))
			continue;			/* ri_Check_Pk_Match finds the key */
		foreach(lc, groups)
		{
			ImpactBlockGroup *cand = lfirst(lc);

			if (cand->conoid == c->key.conoid && cand->kind == c->key.kind)
			{
				g = cand;
				break;
			}
		}
		if (g == NULL)
		{
			g = palloc0(sizeof(ImpactBlockGroup));
			g->conoid = c->key.conoid;
			g->kind = c->key.kind;
			g->depth = c->depth;
			g->pk_leaf = c->pk_leaf;
			g->on_delete = c->on_delete;
			groups = lappend(groups, g);
		}
		if (c->depth < g->depth)
		{
			g->depth = c->depth;
			g->pk_leaf = c->pk_leaf;
			g->on_delete = c->on_delete;
		}
		if (per_row)
		{
			g->per_row = true;
			g->any_removed = g->any_removed || row_removed;
			if (g->deftext == NULL)
				g->deftext = rowtext;
		}
		group_add(g, c->key.relid, &c->key.tid);
	}

	note_set_constraints(st, deferrable);

	n = list_length(groups);
	if (n == 0)
		return;
	arr = palloc(sizeof(ImpactBlockGroup *) * n);
	for (int i = 0; i < n; i++)
		arr[i] = list_nth(groups, i);
	qsort(arr, n, sizeof(ImpactBlockGroup *), group_cmp);

	for (int i = 0; i < n; i++)
	{
		ImpactBlockGroup *g = arr[i];
		ImpactKey  *k = hash_search(st->keys, &g->conoid, HASH_FIND, NULL);
		FkInfo	   *fk = &k->info;
		RiImpactRow *row = palloc0(sizeof(RiImpactRow));
		bool		deferred = k->edge->deferrable && k->edge->initdeferred;
		char	   *first_text = NULL;
		List	   *seen_texts = NIL;
		bool		show = ri_fk_can_show_key(fk);
		JsonbParseState *state = NULL;
		JsonbValue *res;

		row->step = g->depth;
		row->table = fk->fk_relid;
		row->fk_name = pstrdup(NameStr(fk->conname));
		row->count = g->count;
		row->sqlstate = ERRCODE_FOREIGN_KEY_VIOLATION;

		if (g->kind == CHECK_FULL)
		{
			/* RI_FKey_check on the rows the cascade updated */
			row->block = deferred ? RI_IMPACT_BLOCKS_AT_COMMIT :
				RI_IMPACT_BLOCKS;
			row->message = psprintf("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
									get_rel_name(fk->fk_relid),
									NameStr(fk->conname));
			row->detail = pstrdup("MATCH FULL does not allow mixing of null and nonnull key values.");
		}
		else if (g->kind == CHECK_UPDATED)
		{
			/* RI_FKey_check_upd on a row updated twice, at once */
			row->block = RI_IMPACT_BLOCKS;
			row->message = psprintf("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
									get_rel_name(g->sample[0].relid),
									NameStr(fk->conname));
		}
		else if (g->kind == CHECK_MOVED)
		{
			/* RI_FKey_check_ins on the partition a row moves to */
			char	   *conname = ri_fk_check_conname(fk->conoid, g->pk_leaf);

			row->block = deferred ? RI_IMPACT_BLOCKS_AT_COMMIT :
				RI_IMPACT_BLOCKS;
			row->message = psprintf("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
									get_rel_name(g->pk_leaf),
									conname ? conname : NameStr(fk->conname));
		}
		else if (g->kind == CHECK_DEFAULT)
		{
			bool		absent;
			char	   *deftext;
			Datum		defvals[INDEX_MAX_KEYS];
			ImpactRowKey holder;

			if (g->per_row)
			{
				absent = !g->any_removed;
				deftext = g->deftext;
			}
			else if (default_key_present(st, k, &absent, &deftext, defvals,
										 NULL, &holder))
				continue;
			if (!absent &&
				(g->per_row || default_recheck_fails(st, k, &holder)))
			{
				/* ri_set's recheck of the removed default key */
				row->block = RI_IMPACT_BLOCKS;
				row->message = psprintf("update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"",
										get_rel_name(g->pk_leaf),
										ri_fk_trigger_conname(fk->conoid, g->pk_leaf),
										get_rel_name(fk->fk_relid));
				row->detail = show ?
					psprintf("Key (%s)=(%s) is still referenced from table \"%s\".",
							 pk_col_names(fk), deftext,
							 get_rel_name(fk->fk_relid)) :
					psprintf("Key is still referenced from table \"%s\".",
							 get_rel_name(fk->fk_relid));
			}
			else
			{
				/* RI_FKey_check on the updated rows, deferred with the key */
				row->block = deferred ? RI_IMPACT_BLOCKS_AT_COMMIT :
					RI_IMPACT_BLOCKS;
				row->message = psprintf("insert or update on table \"%s\" violates foreign key constraint \"%s\"",
										get_rel_name(fk->fk_relid),
										NameStr(fk->conname));
				row->detail = show ?
					psprintf("Key (%s)=(%s) is not present in table \"%s\".",
							 fk_col_names(fk), deftext,
							 get_rel_name(fk->pk_relid)) :
					psprintf("Key is not present in table \"%s\".",
							 get_rel_name(fk->pk_relid));
			}
		}
		else
		{
			/* RESTRICT and NO ACTION: the parent row's trigger */
			row->trigger_name = ri_fk_action_trigger_name(g->conoid,
														  g->pk_leaf,
														  g->on_delete);
			row->block = (g->kind == CHECK_NOACTION && deferred) ?
				RI_IMPACT_BLOCKS_AT_COMMIT : RI_IMPACT_BLOCKS;
			row->message = psprintf("update or delete on table \"%s\" violates foreign key constraint \"%s\" on table \"%s\"",
									get_rel_name(g->pk_leaf),
									ri_fk_trigger_conname(fk->conoid, g->pk_leaf),
									get_rel_name(fk->fk_relid));
		}
		row->action = row->block == RI_IMPACT_BLOCKS_AT_COMMIT ?
			"blocks at commit" : "blocks";

		/* The sample: the referencing keys of the first rows. */
		pushJsonbValue(&state, WJB_BEGIN_ARRAY, NULL);
		for (int s = 0; s < g->nsample; s++)
		{
			Jsonb	   *j;
			char	   *text;
			JsonbValue	v;
			bool		seen = false;
			ListCell   *lc2;

			if (g->kind == CHECK_MOVED || (g->kind == CHECK_FULL &&
										   find_moved(st, &g->sample[s])))
			{
				/* the key the row holds after the statement */
				Datum		key[INDEX_MAX_KEYS];
				bool		keynulls[INDEX_MAX_KEYS];

				(void) moved_key(st, find_moved(st, &g->sample[s]), k->edge,
								 key, keynulls);
				render_key(k, key, keynulls, &j, &text);
			}
			else
				fetch_key(k, &g->sample[s], &j, &text);
			if (j == NULL)
				continue;
			/* distinct keys: several rows often share one */
			foreach(lc2, seen_texts)
				seen = seen || strcmp(lfirst(lc2), text) == 0;
			if (seen)
				continue;
			seen_texts = lappend(seen_texts, text);
			if (first_text == NULL)
				first_text = text;
			v.type = jbvBinary;
			v.val.binary.data = &j->root;
			v.val.binary.len = VARSIZE(j) - VARHDRSZ;
			pushJsonbValue(&state, WJB_ELEM, &v);
		}
		res = pushJsonbValue(&state, WJB_END_ARRAY, NULL);
		row->sample = show ? JsonbValueToJsonb(res) : NULL;
		if (row->detail == NULL &&
			(g->kind == CHECK_UPDATED || g->kind == CHECK_MOVED))
			row->detail = (show && first_text != NULL) ?
				psprintf("Key (%s)=(%s) is not present in table \"%s\".",
						 fk_col_names(fk), first_text,
						 get_rel_name(fk->pk_relid)) :
				psprintf("Key is not present in table \"%s\".",
						 get_rel_name(fk->pk_relid));
		if (row->detail == NULL)
			row->detail = (show && first_text != NULL) ?
				psprintf("Key (%s)=(%s) is still referenced from table \"%s\".",
						 pk_col_names(fk), first_text,
						 get_rel_name(fk->fk_relid)) :
				psprintf("Key is still referenced from table \"%s\".",
						 get_rel_name(fk->fk_relid));
		st->result = lappend(st->result, row);
	}
}

/* Result rows from the counted steps from index "from" on. */
static void
emit_steps(ImpactState *st, int from, bool keep_zero)
{
	for (int i = from; i < st->nsteps; i++)
	{
		ImpactStep *s = &st->steps[i];
		RiImpactRow *row;

		if (s->count == 0 && !keep_zero)
			continue;
		row = palloc0(sizeof(RiImpactRow));
		row->step = s->step;
		row->table = s->table;
		row->fk_name = OidIsValid(s->conoid) ?
			get_constraint_name(s->conoid) : NULL;
		row->action = s->action;
		row->count = s->count;
		st->result = lappend(st->result, row);
	}
}

/* ---------------------------------------------------------------------
 * The statement
 * ---------------------------------------------------------------------
 */

static ColumnRef *
make_colref(const char *relname, const char *colname)
{
	ColumnRef  *c = makeNode(ColumnRef);

	c->fields = list_make2(makeString(pstrdup(relname)),
						   makeString(pstrdup(colname)));
	c->location = -1;
	return c;
}

static ResTarget *
make_target(Node *val)
{
	ResTarget  *r = makeNode(ResTarget);

	r->name = "ri_audit_value";	/* a cast to a type by OID has no name */
	r->val = val;
	r->location = -1;
	return r;
}

/* Refuse data-modifying WITH queries. */
static void
check_with(WithClause *with)
{
	ListCell   *lc;

	if (with == NULL)
		return;
	foreach(lc, with->ctes)
	{
		CommonTableExpr *cte = lfirst(lc);

		if (!IsA(cte->ctequery, SelectStmt))
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot preview a statement with a data-modifying WITH query"),
					 errdetail("WITH query \"%s\" is a %s statement.",
							   cte->ctename, stmt_kind(cte->ctequery))));
	}
}

/* A SET column of an UPDATE that the preview compares. */
typedef struct SetColumn
{
	char	   *name;			/* column name */
	int16		typlen;			/* its type's length */
	bool		typbyval;		/* and by-value flag */
	int			recattr;		/* SET (a, b) = (SELECT ...): the query's
								 * column holding the row of new values, or
								 * 0 */
	int			recfield;		/* and this column's field in it */
} SetColumn;

/*
 * Expressions the preview's query takes from the catalogs, not from the
 * statement's text: a column's default (SET col = DEFAULT), and a stored
 * generated column's expression over the row's new values.  The raw query
 * refers to them by ParamRefs numbered from RI_PARAM_BASE with no location
 * (the statement's own $n have one), which preview_paramref() resolves,
 * as the rewriter (rewriteTargetListIU) and the executor
 * (ExecComputeStoredGenerated) evaluate them in the real UPDATE: as part
 * of the caller's query.
 */
#define RI_PARAM_BASE	1000000

typedef struct PreviewParam
{
	AttrNumber	attnum;			/* the column of the statement's table */
	bool		generated;		/* its generation expression, else its
								 * default */
} PreviewParam;

typedef struct PreviewAssign
{
	AttrNumber	attnum;			/* a SET column */
	Node	   *raw;			/* its raw new value, or NULL for DEFAULT */
	bool		from_row;		/* SET (a, b) = (SELECT ...) */
} PreviewAssign;

typedef struct PreviewParams
{
	Relation	rel;			/* the statement's table */
	List	   *params;			/* PreviewParam, by number - RI_PARAM_BASE */
	List	   *assigns;		/* PreviewAssign */
} PreviewParams;

typedef struct GeneratedVarsContext
{
	ParseState *pstate;
	PreviewParams *pp;
} GeneratedVarsContext;

static Node *preview_default(PreviewParams *pp, AttrNumber attnum);

/* The new value of a SET column, analyzed and coerced as UPDATE does. */
static Node *
preview_assigned(ParseState *pstate, PreviewParams *pp, PreviewAssign *a)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(pp->rel),
										  a->attnum - 1);
	Node	   *expr;
	Node	   *res;

	if (a->raw == NULL)
		return preview_default(pp, a->attnum);
	if (a->from_row)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot preview an UPDATE that sets column \"%s\" from a subquery when a generated column of a referenced key depends on it",
						NameStr(att->attname))));
	expr = transformExpr(pstate, copyObject(a->raw), EXPR_KIND_SELECT_TARGET);
	res = coerce_to_target_type(pstate, expr, exprType(expr),
								att->atttypid, att->atttypmod,
								COERCION_ASSIGNMENT, COERCE_IMPLICIT_CAST,
								-1);
	if (res == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("column \"%s\" is of type %s but expression is of type %s",
						NameStr(att->attname), format_type_be(att->atttypid),
						format_type_be(exprType(expr)))));
	return res;
}

/* A generation expression's Vars: the row's new values. */
static Node *
generated_vars_mutator(Node *node, GeneratedVarsContext *cxt)
{
	if (node == NULL)
		return NULL;
	if (IsA(node, Var) && ((Var *) node)->varno == 1 &&
		((Var *) node)->varlevelsup == 0)
	{
		Var		   *var = (Var *) node;
		ListCell   *lc;

		foreach(lc, cxt->pp->assigns)
		{
			PreviewAssign *a = lfirst(lc);

			if (a->attnum == var->varattno)
				return preview_assigned(cxt->pstate, cxt->pp, a);
		}
		/* an unchanged column: the target's own, read as the caller */
		var = copyObject(var);
		var->location = -1;
		markVarForSelectPriv(cxt->pstate, var);
		return (Node *) var;
	}
	return expression_tree_mutator(node, generated_vars_mutator,
								   (void *) cxt);
}

/* SET col = DEFAULT: rewriteTargetListIU's expression (NULL when none). */
static Node *
preview_default(PreviewParams *pp, AttrNumber attnum)
{
	Form_pg_attribute att = TupleDescAttr(RelationGetDescr(pp->rel),
										  attnum - 1);
	Node	   *def = build_column_default(pp->rel, attnum);

	if (def == NULL)
		def = (Node *) makeNullConst(att->atttypid, att->atttypmod,
									 att->attcollation);
	return def;
}

static Node *
preview_paramref(ParseState *pstate, ParamRef *pref)
{
	PreviewParams *pp = (PreviewParams *) pstate->p_ref_hook_state;
	int			i = pref->number - RI_PARAM_BASE;
	PreviewParam *p;

	if (pref->location >= 0 || i < 0 || i >= list_length(pp->params))
		return NULL;			/* "there is no parameter $n" */
	p = list_nth(pp->params, i);
	if (p->generated)
	{
		GeneratedVarsContext cxt;
		Node	   *expr = build_column_default(pp->rel, p->attnum);

		if (expr == NULL)
			elog(ERROR, "generation expression not found for column %d of relation \"%s\"",
				 p->attnum, RelationGetRelationName(pp->rel));
		cxt.pstate = pstate;
		cxt.pp = pp;
		return generated_vars_mutator(expr, &cxt);
	}
	return preview_default(pp, p->attnum);
}

static void
preview_parser_setup(ParseState *pstate, void *arg)
{
	pstate->p_paramref_hook = preview_paramref;
	pstate->p_ref_hook_state = arg;
}

/* A ParamRef for preview_paramref(). */
static Node *
preview_param(PreviewParams *pp, AttrNumber attnum, bool generated)
{
	PreviewParam *p = palloc(sizeof(PreviewParam));
	ParamRef   *ref = makeNode(ParamRef);

	p->attnum = attnum;
	p->generated = generated;
	pp->params = lappend(pp->params, p);
	ref->number = RI_PARAM_BASE + list_length(pp->params) - 1;
	ref->location = -1;
	return (Node *) ref;
}

/*
 * SET (a, b) = (SELECT x, y ...): one scalar subquery returning the row of
 * new values, each cast to its column's type,
 *	(SELECT ROW(CAST(ri_ma.c1 AS t1), ...) FROM (SELECT x, y ...) ri_ma (c1, ...))
 * which, as PostgreSQL's MULTIEXPR subquery, is evaluated once per row,
 * gives NULLs when it returns no row and fails (21000) when it returns
 * more than one.
 */
static Node *
multiassign_row(SubLink *sub, List *names, List *types)
{
	SubLink    *outer = makeNode(SubLink);
	SelectStmt *sel = makeNode(SelectStmt);
	RangeSubselect *rs = makeNode(RangeSubselect);
	RowExpr    *row = makeNode(RowExpr);
	List	   *colnames = NIL;
	ListCell   *lc;
	ListCell   *lc2;
	int			i = 0;

	forboth(lc, names, lc2, types)
	{
		char	   *cname = psprintf("c%d", ++i);
		TypeCast   *cast = makeNode(TypeCast);

		colnames = lappend(colnames, makeString(cname));
		cast->arg = (Node *) make_colref("ri_ma", cname);
		cast->typeName = lfirst(lc2);
		cast->location = -1;
		row->args = lappend(row->args, cast);
	}
	row->row_format = COERCE_EXPLICIT_CALL;
	row->location = -1;
	rs->subquery = sub->subselect;
	rs->alias = makeAlias("ri_ma", colnames);
	sel->targetList = list_make1(make_target((Node *) row));
	sel->fromClause = list_make1(rs);
	outer->subLinkType = EXPR_SUBLINK;
	outer->subselect = (Node *) sel;
	outer->location = sub->location;
	return (Node *) outer;
}

/* The new value of SET column i from the statement query's slot. */
static Datum
set_new_value(TupleTableSlot *slot, SetColumn *sc, int i, bool *isnull)
{
	Datum		d;
	HeapTupleHeader td;
	TupleDesc	desc;
	HeapTupleData tmptup;

	if (sc->recattr == 0)
		return slot_getattr(slot, 4 + 2 * i, isnull);
	d = slot_getattr(slot, sc->recattr, isnull);
	if (*isnull)
		return (Datum) 0;		/* the subquery returned no row */
	td = DatumGetHeapTupleHeader(d);
	desc = lookup_rowtype_tupdesc(HeapTupleHeaderGetTypeId(td),
								  HeapTupleHeaderGetTypMod(td));
	tmptup.t_len = HeapTupleHeaderGetDatumLength(td);
	ItemPointerSetInvalid(&tmptup.t_self);
	tmptup.t_tableOid = InvalidOid;
	tmptup.t_data = td;
	d = heap_getattr(&tmptup, sc->recfield, desc, isnull);
	ReleaseTupleDesc(desc);
	return d;
}

/*
 * table_tree
 *		relid, its partitions (or inheritors) and its partitioned ancestors:
 *		every table at whose level a foreign key that applies to relid's
 *		rows may be declared, on either side.  Locks the inheritors with
 *		AccessShareLock (find_all_inheritors).
 */
static List *
table_tree(Oid relid)
{
	List	   *tree = find_all_inheritors(relid, AccessShareLock, NULL);

	if (get_rel_relispartition(relid))
		tree = list_concat(tree, get_partition_ancestors(relid));
	return tree;
}

/*
 * key_col_names
 *		names, with the columns added that the foreign keys use on the
 *		tables of tree: their referencing columns (fk_side) or their
 *		referenced ones; each name once.
 */
static List *
key_col_names(ImpactState *st, List *tree, bool fk_side, List *names)
{
	ListCell   *lc;

	foreach(lc, st->edges)
	{
		FkEdge	   *e = lfirst(lc);
		Oid			rel = fk_side ? e->fk_relid : e->pk_relid;

		if (!list_member_oid(tree, rel))
			continue;
		for (int i = 0; i < e->nkeys; i++)
		{
			char	   *name = get_attname(rel, fk_side ? e->fk_attnums[i] :
										   e->pk_attnums[i], false);

			if (!names_subset(list_make1(name), names))
				names = lappend(names, name);
		}
	}
	return names;
}

/*
 * The referenced columns of relid's table, its partitions and its
 * partitioned ancestors: those whose values after an UPDATE the NO ACTION
 * recheck compares (old_key_taken_over).
 */
static List *
referenced_col_names(ImpactState *st, Oid relid)
{
	return key_col_names(st, table_tree(relid), false, NIL);
}

/*
 * new_row_value
 *		The value after the statement of column col of an updated row, from
 *		the statement query's slot: the SET column's new value, or the old
 *		value in the slot's column oldattr; copied out of the slot.
 */
static Datum
new_row_value(TupleTableSlot *slot, SetColumn *setcols, int nset,
			  SetColumn *col, int oldattr, bool *isnull)
{
	int			set = -1;
	Datum		d;

	for (int i = 0; i < nset; i++)
	{
		if (strcmp(setcols[i].name, col->name) == 0)
			set = i;
	}
	if (set >= 0)
		d = set_new_value(slot, &setcols[set], set, isnull);
	else
		d = slot_getattr(slot, oldattr, isnull);
	return *isnull ? (Datum) 0 : datumCopy(d, col->typbyval, col->typlen);
}

/*
 * keep_new_key
 *		An updated row of the statement whose columns change: its values of
 *		st->newkey_cols after the statement (the SET column's new value, or
 *		the old one), from the statement query's slot, and the leaf that
 *		holds it then (dest).
 */
static void
keep_new_key(ImpactState *st, TupleTableSlot *slot, Oid rowrel,
			 ItemPointer tid, Oid dest, List *changed, SetColumn *setcols,
			 int nset, SetColumn *keycols)
{
	MemoryContext oldcxt = MemoryContextSwitchTo(st->values_cxt);
	ImpactNewKey *nk = palloc(sizeof(ImpactNewKey));
	int			n = list_length(st->newkey_cols);

	nk->relid = rowrel;
	nk->tid = *tid;
	nk->dest = dest;
	nk->step = 0;
	nk->changed = changed;
	nk->cols = st->newkey_cols;
	nk->vals = palloc(sizeof(Datum) * n);
	nk->nulls = palloc(sizeof(bool) * n);
	for (int j = 0; j < n; j++)
		nk->vals[j] = new_row_value(slot, setcols, nset, &keycols[j],
									3 + 2 * nset + j, &nk->nulls[j]);
	st->newkeys = lappend(st->newkeys, nk);
	MemoryContextSwitchTo(oldcxt);
	check_bound(st);
}

/* Does the update of columns changed alter the partition key of leaf? */
static bool
partition_key_changed(ImpactState *st, Oid leaf, List *changed)
{
	List	   *pcols = partition_key_cols(st, leaf);
	ListCell   *lc;

	foreach(lc, changed)
	{
		if (names_subset(list_make1(lfirst(lc)), pcols))
			return true;
	}
	return false;
}

/*
 * move_col_names
 *		The columns of an UPDATE of relid whose new values decide where a
 *		row moves and what its insert checks look for: the partition key
 *		columns of every leaf of relid (at every level above it), and the
 *		referencing columns of the foreign keys of relid's tree.  For a
 *		leaf partition, only its partition key columns: its rows cannot
 *		move, but a row whose new values fail its partition constraint
 *		fails the statement (ExecCrossPartitionUpdate, when the statement's
 *		table is the leaf itself).  NIL when relid is neither partitioned
 *		nor a partition.
 */
static List *
move_col_names(ImpactState *st, Oid relid)
{
	List	   *names = leaf_partition_cols(st, relid);

	if (get_rel_relkind(relid) != RELKIND_PARTITIONED_TABLE)
		return names;
	return key_col_names(st, table_tree(relid), true, names);
}

/*
 * leaf_partition_cols
 *		The partition key columns (names, each once) of every leaf of relid,
 *		at every level above it, or of relid itself when it is a leaf
 *		partition; NIL when it is neither partitioned nor a partition.
 */
static List *
leaf_partition_cols(ImpactState *st, Oid relid)
{
	List	   *leaves;
	List	   *names = NIL;
	ListCell   *lc;

	if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
		leaves = find_all_inheritors(relid, AccessShareLock, NULL);
	else if (get_rel_relispartition(relid))
		leaves = list_make1_oid(relid);
	else
		return NIL;
	foreach(lc, leaves)
	{
		ListCell   *lc2;

		CHECK_FOR_INTERRUPTS();
		if (get_rel_relkind(lfirst_oid(lc)) == RELKIND_PARTITIONED_TABLE)
			continue;
		foreach(lc2, partition_key_cols(st, lfirst_oid(lc)))
		{
			if (!names_subset(list_make1(lfirst(lc2)), names))
				names = lappend(names, lfirst(lc2));
		}
	}
	return names;
}

/*
 * The partition constraint of leaf, for rows of values of the columns
 * cols, prepared once per preview.
 */
static ImpactLeafQual *
leaf_qual(ImpactState *st, Oid leaf, List *cols)
{
	ListCell   *lc;
	ImpactLeafQual *lq;
	Expr	   *qual;
	Relation	rel;
	TupleDesc	desc;
	MemoryContext oldcxt;

	foreach(lc, st->leaf_quals)
	{
		lq = lfirst(lc);
		if (lq->relid == leaf && lq->cols == cols)
			return lq;
	}
	/* cached for the preview: not in a per-row context */
	oldcxt = MemoryContextSwitchTo(st->cxt);
	if (st->qual_estate == NULL)
		st->qual_estate = CreateExecutorState();
	lq = palloc0(sizeof(ImpactLeafQual));
	lq->relid = leaf;
	qual = get_partition_qual_relid(leaf);
	lq->qual = qual ? ExecPrepareCheck(list_make1(qual), st->qual_estate) :
		NULL;
	rel = relation_open(leaf, AccessShareLock);
	desc = CreateTupleDescCopy(RelationGetDescr(rel));
	relation_close(rel, NoLock);
	lq->slot = MakeSingleTupleTableSlot(desc, &TTSOpsVirtual);
	lq->cols = cols;
	lq->attnums = palloc(sizeof(AttrNumber) * list_length(cols));
	foreach(lc, cols)
		lq->attnums[foreach_current_index(lc)] = get_attnum(leaf, lfirst(lc));
	st->leaf_quals = lappend(st->leaf_quals, lq);
	MemoryContextSwitchTo(oldcxt);
	return lq;
}

/*
 * row_fits
 *		Does a row with values vals of the columns cols satisfy leaf's
 *		partition constraint (ExecPartitionCheck: a NULL result passes)?
 *		The constraint reads only partition key columns, all among them.
 */
static bool
row_fits(ImpactState *st, Oid leaf, List *cols, Datum *vals, bool *nulls)
{
	ImpactLeafQual *lq = leaf_qual(st, leaf, cols);
	ExprContext *econtext;
	bool		fits;

	if (lq->qual == NULL)
		return true;
	fill_leaf_slot(lq, vals, nulls);
	econtext = GetPerTupleExprContext(st->qual_estate);
	econtext->ecxt_scantuple = lq->slot;
	fits = ExecCheck(lq->qual, econtext);
	ResetExprContext(econtext);
	return fits;
}

/*
 * fill_leaf_slot
 *		Store a row with values vals of lq->cols, its other columns NULL, in
 *		lq's slot (of lq->relid's row type).
 */
static void
fill_leaf_slot(ImpactLeafQual *lq, Datum *vals, bool *nulls)
{
	TupleTableSlot *slot = lq->slot;

	ExecClearTuple(slot);
	for (int i = 0; i < slot->tts_tupleDescriptor->natts; i++)
		slot->tts_isnull[i] = true;
	for (int j = 0; j < list_length(lq->cols); j++)
	{
		AttrNumber	attnum = lq->attnums[j];

		if (attnum > 0)
		{
			slot->tts_values[attnum - 1] = vals[j];
			slot->tts_isnull[attnum - 1] = nulls[j];
		}
	}
	ExecStoreVirtualTuple(slot);
}

/*
 * moved_to
 *		The leaf that the UPDATE of target puts a row of leaf into, given
 *		its new values: leaf itself when the row still satisfies leaf's
 *		partition constraint (ExecUpdate then updates it in place), else the
 *		leaf of target whose constraint it satisfies (tuple routing; the
 *		bounds of a partitioned table's partitions do not overlap).
 *		InvalidOid when none does: the statement fails there (23514).  The
 *		new values vals are those of the columns cols.
 */
static Oid
moved_to(ImpactState *st, Oid target, Oid leaf, List *cols, Datum *vals,
		 bool *nulls)
{
	ListCell   *lc;

	if (row_fits(st, leaf, cols, vals, nulls))
		return leaf;
	foreach(lc, route_leaves(st, target))
	{
		Oid			cand = lfirst_oid(lc);

		CHECK_FOR_INTERRUPTS();
		if (cand != leaf && row_fits(st, cand, cols, vals, nulls))
			return cand;
	}
	return InvalidOid;
}

/*
 * route_leaves
 *		The leaf partitions of target (an OID list), read once per preview:
 *		moved_to runs for every row that leaves its partition, and must
 *		neither scan pg_inherits nor allocate for each.
 */
static List *
route_leaves(ImpactState *st, Oid target)
{
	ListCell   *lc;
	ImpactRelList *rl;
	MemoryContext oldcxt;
	bool		made;

	rl = rel_list_entry(st, &st->route_leaves, target, &made);
	if (!made)
		return rl->items;
	oldcxt = MemoryContextSwitchTo(st->cxt);
	foreach(lc, find_all_inheritors(target, AccessShareLock, NULL))
	{
		if (get_rel_relkind(lfirst_oid(lc)) != RELKIND_PARTITIONED_TABLE)
			rl->items = lappend_oid(rl->items, lfirst_oid(lc));
	}
	MemoryContextSwitchTo(oldcxt);
	return rl->items;
}

/*
 * statement_error
 *		A 'blocks' row at step 0, NULL row count: an error (sqlstate) that
 *		the statement itself raises, before any trigger, naming table and
 *		key fk_name (or none), with PostgreSQL's message, detail and hint
 *		(either NULL when PostgreSQL gives none).
 */
static RiImpactRow *
statement_error(int sqlstate, Oid table, char *fk_name, char *message,
				char *detail, char *hint)
{
	RiImpactRow *row = palloc0(sizeof(RiImpactRow));

	row->step = 0;
	row->table = table;
	row->fk_name = fk_name;
	row->action = "blocks";
	row->count = -1;
	row->block = RI_IMPACT_BLOCKS;
	row->sqlstate = sqlstate;
	row->message = message;
	row->detail = detail;
	row->hint = hint;
	return row;
}

/*
 * move_refused
 *		A row of leaf that the UPDATE of target moves to another partition:
 *		ExecCrossPartitionUpdateForeignKey fails (0A000) when a partitioned
 *		ancestor of leaf below target is the referenced table of a foreign
 *		key (its own RI triggers, not clones of target's, would have to
 *		fire): that error as a 'blocks' row with PostgreSQL's message, at
 *		step 0 (the UPDATE that moves the row fails, before its triggers),
 *		or NULL when the move is allowed.
 */
static RiImpactRow *
move_refused(ImpactState *st, Oid target, Oid leaf)
{
	ListCell   *lc;

	foreach(lc, get_partition_ancestors(leaf))
	{
		Oid			anc = lfirst_oid(lc);
		ListCell   *lc2;

		if (anc == target)
			break;
		foreach(lc2, st->edges)
		{
			FkEdge	   *e = lfirst(lc2);

			if (e->pk_relid != anc)
				continue;
			return statement_error(ERRCODE_FEATURE_NOT_SUPPORTED, anc,
								   pstrdup(NameStr(e->conname)),
								   pstrdup("cannot move tuple across partitions when a non-root ancestor of the source partition is directly referenced in a foreign key"),
								   psprintf("A foreign key points to ancestor \"%s\" but not the root ancestor \"%s\".",
											get_rel_name(anc), get_rel_name(target)),
								   psprintf("Consider defining the foreign key on table \"%s\".",
											get_rel_name(target)));
		}
	}
	return NULL;
}

/*
 * partkey_description
 *		ExecBuildSlotPartitionKeyDescription (execPartition.c) for the
 *		partitioned table rel and a row with values vals of the columns cols:
 *		"(key columns) = (values)", each value cut at 64 bytes; NULL when
 *		the caller may not see them (row-level security enabled for rel, or
 *		SELECT on neither rel nor every key column, an expression counting
 *		as not granted).  The key expressions run in st->qual_estate's
 *		per-tuple context, reset before return; the text is palloc'd in the
 *		current context.
 */
static char *
partkey_description(ImpactState *st, Relation rel, List *cols, Datum *vals,
					bool *nulls)
{
	PartitionKey key = RelationGetPartitionKey(rel);
	Oid			relid = RelationGetRelid(rel);
	ImpactLeafQual *lq;
	ExprContext *econtext;
	ListCell   *partexpr;
	StringInfoData buf;

	if (check_enable_rls(relid, InvalidOid, true) == RLS_ENABLED)
		return NULL;
	if (pg_class_aclcheck(relid, GetUserId(), ACL_SELECT) != ACLCHECK_OK)
	{
		for (int i = 0; i < key->partnatts; i++)
		{
			if (key->partattrs[i] == InvalidAttrNumber ||
				pg_attribute_aclcheck(relid, key->partattrs[i], GetUserId(),
									  ACL_SELECT) != ACLCHECK_OK)
				return NULL;
		}
	}

	/* the row in rel's row type, as FormPartitionKeyDatum reads it */
	lq = leaf_qual(st, relid, cols);
	fill_leaf_slot(lq, vals, nulls);
	econtext = GetPerTupleExprContext(st->qual_estate);
	econtext->ecxt_scantuple = lq->slot;

	initStringInfo(&buf);
	appendStringInfo(&buf, "(%s) = (", pg_get_partkeydef_columns(relid, true));
	partexpr = list_head(key->partexprs);
	for (int i = 0; i < key->partnatts; i++)
	{
		Datum		d;
		bool		isnull;
		char	   *val;
		int			vallen;

		if (key->partattrs[i] != InvalidAttrNumber)
			d = slot_getattr(lq->slot, key->partattrs[i], &isnull);
		else
		{
			ExprState  *es = ExecPrepareExpr(lfirst(partexpr),
											 st->qual_estate);

			partexpr = lnext(key->partexprs, partexpr);
			d = ExecEvalExprSwitchContext(es, econtext, &isnull);
		}
		if (isnull)
			val = "null";
		else
		{
			Oid			foutoid;
			bool		typisvarlena;

			getTypeOutputInfo(key->parttypid[i], &foutoid, &typisvarlena);
			val = OidOutputFunctionCall(foutoid, d);
		}
		if (i > 0)
			appendStringInfoString(&buf, ", ");
		vallen = strlen(val);
		if (vallen <= 64)
			appendBinaryStringInfo(&buf, val, vallen);
		else
		{
			vallen = pg_mbcliplen(val, vallen, 64);
			appendBinaryStringInfo(&buf, val, vallen);
			appendStringInfoString(&buf, "...");
		}
	}
	appendStringInfoChar(&buf, ')');
	ResetExprContext(econtext);
	return buf.data;
}

/*
 * route_failure
 *		The error of a row of target's tree, with new values vals of the
 *		columns cols, that no partition takes (moved_to gave InvalidOid),
 *		as a 'blocks' row at step 0 (23514): the row is deleted from its
 *		partition and inserted through target (ExecCrossPartitionUpdate),
 *		whose routing (ExecFindPartition) first checks target's own
 *		partition constraint when target is a partition, then descends from
 *		target level by level to the partition whose constraint the row
 *		satisfies, and fails at the partitioned table that has none.  The
 *		DETAIL of the first error lists the whole new row, which the
 *		preview does not read: left out.
 */
static RiImpactRow *
route_failure(ImpactState *st, Oid target, List *cols, Datum *vals,
			  bool *nulls)
{
	Oid			relid = target;

	if (get_rel_relispartition(target) &&
		!row_fits(st, target, cols, vals, nulls))
		return statement_error(ERRCODE_CHECK_VIOLATION, target, NULL,
							   psprintf("new row for relation \"%s\" violates partition constraint",
										get_rel_name(target)),
							   NULL, NULL);
	for (;;)
	{
		Relation	rel = relation_open(relid, AccessShareLock);
		PartitionDesc pd = RelationGetPartitionDesc(rel, true);
		Oid			next = InvalidOid;

		CHECK_FOR_INTERRUPTS();
		for (int i = 0; i < pd->nparts && !OidIsValid(next); i++)
		{
			if (row_fits(st, pd->oids[i], cols, vals, nulls))
				next = pd->oids[i];
		}
		if (!OidIsValid(next))
		{
			char	   *desc = partkey_description(st, rel, cols, vals, nulls);
			RiImpactRow *row;

			row = statement_error(ERRCODE_CHECK_VIOLATION, relid, NULL,
								  psprintf("no partition of relation \"%s\" found for row",
										   RelationGetRelationName(rel)),
								  desc ? psprintf("Partition key of the failing row contains %s.",
												  desc) : NULL,
								  NULL);
			relation_close(rel, NoLock);
			return row;
		}
		relation_close(rel, NoLock);
		if (get_rel_relkind(next) != RELKIND_PARTITIONED_TABLE)
			elog(ERROR, "row of \"%s\" fits partition \"%s\" after all",
				 get_rel_name(target), get_rel_name(next));
		relid = next;
	}
}

/*
 * row_moves
 *		The leaf that holds the statement's updated row (rowrel, tid) of
 *		target after it (moved_to), from the row's new values of
 *		st->move_cols (their old values are the slot's columns from
 *		firstattr on).  A row moved to another partition is kept in
 *		st->moved for its insert checks (moved_row_checks), and a move that
 *		PostgreSQL refuses, or one that no partition takes, in
 *		st->move_error.
 */
static Oid
row_moves(ImpactState *st, TupleTableSlot *slot, Oid target, Oid rowrel,
		  ItemPointer tid, SetColumn *setcols, int nset, int firstattr,
		  SetColumn *movecols)
{
	int			n = list_length(st->move_cols);
	MemoryContext oldcxt = MemoryContextSwitchTo(st->values_cxt);
	ImpactMovedRow *m = palloc0(sizeof(ImpactMovedRow));
	Oid			dest;

	m->key.relid = rowrel;
	m->key.tid = *tid;
	m->vals = palloc(sizeof(Datum) * n);
	m->nulls = palloc(sizeof(bool) * n);
	for (int j = 0; j < n; j++)
		m->vals[j] = new_row_value(slot, setcols, nset, &movecols[j],
								   firstattr + j, &m->nulls[j]);
	MemoryContextSwitchTo(oldcxt);
	dest = m->dest = moved_to(st, target, rowrel, st->move_cols, m->vals,
							  m->nulls);
	if (!OidIsValid(dest) || dest == rowrel)
	{
		/* the statement fails on this row, unless on one before it */
		if (!OidIsValid(dest) && st->move_error == NULL)
			st->move_error = route_failure(st, target, st->move_cols,
										   m->vals, m->nulls);
		/* not kept: its chunks are reused for the next rows' values */
		for (int j = 0; j < n; j++)
		{
			if (!m->nulls[j] && !movecols[j].typbyval)
				pfree(DatumGetPointer(m->vals[j]));
		}
		pfree(m->vals);
		pfree(m->nulls);
		pfree(m);
		return dest;
	}
	oldcxt = MemoryContextSwitchTo(st->values_cxt);
	st->moved = lappend(st->moved, m);
	MemoryContextSwitchTo(oldcxt);
	check_bound(st);
	if (st->move_error == NULL)
		st->move_error = move_refused(st, target, rowrel);
	return dest;
}

/*
 * impact_dml
 *		DELETE or UPDATE: the statement's rows, then the walk.
 */
static void
impact_dml(ImpactState *st, RawStmt *raw)
{
	Node	   *node = raw->stmt;
	RangeVar   *relation;
	Node	   *where;
	List	   *from;
	WithClause *with;
	List	   *targets = NIL;
	bool		is_update = IsA(node, UpdateStmt);
	Oid			relid;
	char		relkind;
	const char *alias;
	SelectStmt *sel = makeNode(SelectStmt);
	RawStmt    *selraw = makeNode(RawStmt);
	SetColumn  *setcols = NULL;
	SetColumn  *keycols = NULL;
	SetColumn  *movecols = NULL;
	int			nset = 0;
	PreviewParams pp = {0};
	List	   *querytrees;
	Query	   *query;
	PlannedStmt *plan;
	Tuplestorestate *ts;
	DestReceiver *dest;
	QueryDesc  *qd;
	TupleDesc	desc;
	TupleTableSlot *slot;
	int			stepidx;
	List	   *frontier;
	ListCell   *lc;

	if (is_update)
	{
		UpdateStmt *u = (UpdateStmt *) node;

		relation = u->relation;
		where = u->whereClause;
		from = u->fromClause;
		with = u->withClause;
		targets = u->targetList;
	}
	else
	{
		DeleteStmt *d = (DeleteStmt *) node;

		relation = d->relation;
		where = d->whereClause;
		from = d->usingClause;
		with = d->withClause;
	}
	check_with(with);
	if (where != NULL && IsA(where, CurrentOfExpr))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot preview a statement with WHERE CURRENT OF")));

	relid = RangeVarGetRelid(relation, AccessShareLock, false);
	relkind = get_rel_relkind(relid);
	if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot preview a %s on relation \"%s\"",
						stmt_kind(node), relation->relname),
				 errdetail("Foreign keys reference only tables.")));
	ri_rel_require_unhidden(relid);
	alias = relation->alias ? relation->alias->aliasname : relation->relname;

	/* SELECT a.tableoid, a.ctid [, a.col, (expr)::type ...] */
	sel->targetList = list_make2(make_target((Node *) make_colref(alias, "tableoid")),
								 make_target((Node *) make_colref(alias, "ctid")));
	if (is_update)
	{
		pp.rel = table_open(relid, NoLock);
		st->newkey_cols = referenced_col_names(st, relid);
		st->move_cols = move_col_names(st, relid);
		setcols = palloc0(sizeof(SetColumn) *
						  (list_length(targets) + RelationGetNumberOfAttributes(pp.rel)));
	}
	foreach(lc, targets)
	{
		ResTarget  *rt = lfirst(lc);
		Node	   *val = rt->val;
		AttrNumber	attnum;
		Oid			typid;
		int32		typmod;
		Oid			collid;
		PreviewAssign *a;
		bool		from_row = false;

		if (rt->indirection != NIL)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot preview an UPDATE that assigns to a part of column \"%s\"",
							rt->name)));
		attnum = get_attnum(relid, rt->name);
		if (attnum == InvalidAttrNumber)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation \"%s\" does not exist",
							rt->name, relation->relname)));
		get_atttypetypmodcoll(relid, attnum, &typid, &typmod, &collid);
		setcols[nset].name = rt->name;
		get_typlenbyval(typid, &setcols[nset].typlen, &setcols[nset].typbyval);

		if (IsA(val, MultiAssignRef))
		{
			MultiAssignRef *m = (MultiAssignRef *) val;

			if (IsA(m->source, RowExpr))
				val = list_nth(((RowExpr *) m->source)->args, m->colno - 1);
			else if (IsA(m->source, SubLink) &&
					 ((SubLink *) m->source)->subLinkType == EXPR_SUBLINK)
			{
				/* the group's first column holds the row, the others NULL */
				int			first = nset - (m->colno - 1);

				from_row = true;
				setcols[nset].recattr = 4 + 2 * first;
				setcols[nset].recfield = m->colno;
				if (m->colno == 1)
				{
					List	   *names = NIL;
					List	   *types = NIL;

					for (int j = 0; j < m->ncolumns; j++)
					{
						ResTarget  *grt = list_nth(targets,
												   foreach_current_index(lc) + j);
						AttrNumber	gatt = get_attnum(relid, grt->name);
						Oid			gtyp;
						int32		gmod;
						Oid			gcoll;

						if (gatt == InvalidAttrNumber)
							ereport(ERROR,
									(errcode(ERRCODE_UNDEFINED_COLUMN),
									 errmsg("column \"%s\" of relation \"%s\" does not exist",
											grt->name, relation->relname)));
						get_atttypetypmodcoll(relid, gatt, &gtyp, &gmod, &gcoll);
						names = lappend(names, grt->name);
						types = lappend(types, makeTypeNameFromOid(gtyp, gmod));
					}
					val = multiassign_row((SubLink *) m->source, names, types);
				}
				else
				{
					A_Const    *n = makeNode(A_Const);

					n->isnull = true;
					n->location = -1;
					val = (Node *) n;
				}
			}
			else
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot preview this multiple-column UPDATE item"),
						 errdetail("Its source is neither a sub-SELECT nor a ROW() expression.")));
		}
		a = palloc(sizeof(PreviewAssign));
		a->attnum = attnum;
		a->raw = IsA(val, SetToDefault) ? NULL : val;
		a->from_row = from_row;
		if (IsA(val, SetToDefault))
		{
			/* rewriteTargetListIU; a generated column is recomputed */
			val = preview_param(&pp, attnum,
								get_attgenerated(relid, attnum) != '\0');
		}
		if (get_attgenerated(relid, attnum) == '\0')
			pp.assigns = lappend(pp.assigns, a);
		nset++;
		sel->targetList = lappend(sel->targetList,
								  make_target((Node *) make_colref(alias, rt->name)));
		if (from_row)
			sel->targetList = lappend(sel->targetList, make_target(val));
		else
		{
			TypeCast   *cast = makeNode(TypeCast);

			cast->arg = val;
			cast->typeName = makeTypeNameFromOid(typid, typmod);
			cast->location = -1;
			sel->targetList = lappend(sel->targetList,
									  make_target((Node *) cast));
		}
	}
	/* UPDATE: the old values of the referenced columns (keep_new_key) */
	if (is_update)
	{
		TupleDesc	tdesc = RelationGetDescr(pp.rel);
		int			j = 0;

		/*
		 * A stored generated column in a referenced key changes with the
		 * columns it is computed from (ExecComputeStoredGenerated): compared
		 * like a SET column.
		 */
		for (int i = 0; targets != NIL && i < tdesc->natts; i++)
		{
			Form_pg_attribute att = TupleDescAttr(tdesc, i);
			bool		listed = false;

			if (att->attisdropped ||
				att->attgenerated != ATTRIBUTE_GENERATED_STORED ||
				!names_subset(list_make1(NameStr(att->attname)),
							  st->newkey_cols))
				continue;
			for (int k = 0; k < nset; k++)
				listed = listed ||
					strcmp(setcols[k].name, NameStr(att->attname)) == 0;
			if (listed)
				continue;
			setcols[nset].name = pstrdup(NameStr(att->attname));
			setcols[nset].typlen = att->attlen;
			setcols[nset].typbyval = att->attbyval;
			nset++;
			sel->targetList = lappend(sel->targetList,
									  make_target((Node *) make_colref(alias, NameStr(att->attname))));
			sel->targetList = lappend(sel->targetList,
									  make_target(preview_param(&pp, att->attnum, true)));
		}

		keycols = palloc(sizeof(SetColumn) * (list_length(st->newkey_cols) + 1));
		foreach(lc, st->newkey_cols)
		{
			AttrNumber	attnum = get_attnum(relid, lfirst(lc));
			Oid			typid = get_atttype(relid, attnum);

			keycols[j].name = lfirst(lc);
			get_typlenbyval(typid, &keycols[j].typlen, &keycols[j].typbyval);
			j++;
			sel->targetList = lappend(sel->targetList,
									  make_target((Node *) make_colref(alias, lfirst(lc))));
		}

		/* and of the columns that say where a row moves (row_moves) */
		movecols = palloc(sizeof(SetColumn) * (list_length(st->move_cols) + 1));
		foreach(lc, st->move_cols)
		{
			AttrNumber	attnum = get_attnum(relid, lfirst(lc));
			Oid			typid = get_atttype(relid, attnum);
			int			m = foreach_current_index(lc);

			movecols[m].name = lfirst(lc);
			get_typlenbyval(typid, &movecols[m].typlen, &movecols[m].typbyval);
			sel->targetList = lappend(sel->targetList,
									  make_target((Node *) make_colref(alias, lfirst(lc))));
		}
	}
	sel->fromClause = lcons(relation, list_copy(from));
	sel->whereClause = where;
	sel->withClause = with;
	selraw->stmt = (Node *) sel;
	selraw->stmt_location = raw->stmt_location;
	selraw->stmt_len = raw->stmt_len;

	/* Analyze, rewrite and plan it as the caller; run it read-only. */
	querytrees = pg_analyze_and_rewrite_withcb(selraw, st->stmt_text,
											   preview_parser_setup, &pp,
											   NULL);
	if (pp.rel != NULL)
		table_close(pp.rel, NoLock);
	if (list_length(querytrees) != 1)
		elog(ERROR, "the statement's query was rewritten into %d queries",
			 list_length(querytrees));
	query = linitial(querytrees);
	if (query->hasModifyingCTE || query->commandType != CMD_SELECT)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot preview a statement with a data-modifying WITH query")));
	plan = pg_plan_query(query, st->stmt_text, 0, NULL);

	ts = tuplestore_begin_heap(false, false, work_mem);
	dest = CreateDestReceiver(DestTuplestore);
	SetTuplestoreDestReceiverParams(dest, ts, CurrentMemoryContext, false,
									NULL, NULL);
	qd = CreateQueryDesc(plan, st->stmt_text, GetActiveSnapshot(),
						 InvalidSnapshot, dest, NULL, NULL, 0);
	ExecutorStart(qd, 0);
	ExecutorRun(qd, ForwardScanDirection, 0, true);
	ExecutorFinish(qd);
	desc = CreateTupleDescCopy(qd->tupDesc);
	ExecutorEnd(qd);
	FreeQueryDesc(qd);
	dest->rDestroy(dest);

	/* Step 0: the statement's own rows. */
	stepidx = add_step(st, 0, relid, InvalidOid,
					   is_update ? "update" : "delete");
	slot = MakeSingleTupleTableSlot(desc, &TTSOpsMinimalTuple);
	st->next = NIL;
	while (tuplestore_gettupleslot(ts, true, false, slot))
	{
		bool		isnull;
		Oid			rowrel;
		ItemPointerData tid;

		CHECK_FOR_INTERRUPTS();
		rowrel = DatumGetObjectId(slot_getattr(slot, 1, &isnull));
		tid = *(ItemPointer) DatumGetPointer(slot_getattr(slot, 2, &isnull));
		if (!is_update)
		{
			/* DELETE ... USING may list a row more than once */
			if (mark_delete(st, stepidx, rowrel, &tid))
				batch_add(next_batch(st, rowrel, FATE_DELETE, NIL, false),
						  &tid);
		}
		else
		{
			List	   *changed = NIL;
			Oid			dest = rowrel;

			for (int i = 0; i < nset; i++)
			{
				bool		oldnull;
				bool		newnull;
				Datum		oldv = slot_getattr(slot, 3 + 2 * i, &oldnull);
				Datum		newv = set_new_value(slot, &setcols[i], i, &newnull);

				/* ri_KeysEqual on the referenced side: images */
				if (oldnull || newnull ||
					!datum_image_eq(oldv, newv, setcols[i].typbyval,
									setcols[i].typlen))
					changed = lappend(changed, setcols[i].name);
			}
			if (changed != NIL && st->move_cols != NIL &&
				partition_key_changed(st, rowrel, changed))
				dest = row_moves(st, slot, relid, rowrel, &tid, setcols, nset,
								 3 + 2 * nset + list_length(st->newkey_cols),
								 movecols);
			if (mark_update(st, stepidx, rowrel, &tid,
							changed != NIL ? cols_of(rowrel, changed) : NULL) &&
				changed != NIL)
			{
				batch_add(next_batch(st, rowrel, FATE_UPDATE, changed, false),
						  &tid);
				if (st->newkey_cols != NIL)
					keep_new_key(st, slot, rowrel, &tid, dest, changed,
								 setcols, nset, keycols);
			}
			else if (changed != NIL)
			{
				/* the same row listed again (UPDATE ... FROM): once */
			}
		}
	}
	ExecDropSingleTupleTableSlot(slot);
	tuplestore_end(ts);

	frontier = st->next;
	walk(st, frontier);
	finish_checks(st);
	if (st->action_error != NULL)
	{
		/*
		 * Among the rows of its step: first, unless a key's check there
		 * fails at once in a parent row's trigger that fires before the
		 * moving action's (the triggers of one row fire in name order;
		 * which parent row comes first is not followed), then last.
		 */
		RiImpactRow *err = st->action_error;
		int			first = -1;	/* the step's first row */
		int			after = -1; /* the row after the step's last */
		bool		later = false;

		foreach(lc, st->result)
		{
			RiImpactRow *r = lfirst(lc);

			if (r->step < err->step)
				continue;
			if (r->step > err->step)
			{
				after = foreach_current_index(lc);
				break;
			}
			if (first < 0)
				first = foreach_current_index(lc);
			if (r->block == RI_IMPACT_BLOCKS && r->trigger_name != NULL &&
				err->trigger_name != NULL &&
				strcmp(r->trigger_name, err->trigger_name) < 0)
				later = true;
		}
		if (after < 0)
			after = list_length(st->result);
		st->result = list_insert_nth(st->result,
									 later ? after : (first >= 0 ? first : after),
									 err);
	}
	if (st->move_error != NULL)
		st->result = lcons(st->move_error, st->result);
	note_unapplied_dml(st);
}

/* ---------------------------------------------------------------------
 * TRUNCATE
 * ---------------------------------------------------------------------
 */

static int64
count_rows(Oid relid)
{
	char	   *q = psprintf("SELECT pg_catalog.count(*) FROM ONLY %s",
							 ri_qualified_relname(relid));
	GeneratedRun run;
	bool		isnull;
	int64		n;

	ri_rel_require_unhidden(relid);
	begin_generated(&run, InvalidOid, q, 0, NULL, NULL);
	SPI_cursor_fetch(run.portal, true, 1);
	n = DatumGetInt64(heap_getattr(SPI_tuptable->vals[0], 1,
								   SPI_tuptable->tupdesc, &isnull));
	end_generated(&run);
	return n;
}

/* A top-level foreign key of dep (or a partitioned ancestor) on relid's. */
static Oid
truncate_blocking_key(ImpactState *st, Oid dep, Oid relid)
{
	List	   *fkside = list_make1_oid(dep);
	List	   *pkside = list_make1_oid(relid);
	ListCell   *lc;

	if (get_rel_relispartition(dep))
		fkside = list_concat(fkside, get_partition_ancestors(dep));
	if (get_rel_relispartition(relid))
		pkside = list_concat(pkside, get_partition_ancestors(relid));
	foreach(lc, st->edges)
	{
		FkEdge	   *e = lfirst(lc);

		if (list_member_oid(fkside, e->fk_relid) &&
			list_member_oid(pkside, e->pk_relid))
			return e->conoid;
	}
	return InvalidOid;
}

static void
impact_truncate(ImpactState *st, TruncateStmt *stmt)
{
	List	   *relids = NIL;
	List	   *rounds = NIL;	/* the step of each of relids */
	List	   *oids = NIL;
	ListCell   *lc;
	ListCell   *lc2;

	foreach(lc, stmt->relations)
	{
		RangeVar   *rv = lfirst(lc);
		Oid			relid = RangeVarGetRelid(rv, AccessShareLock, false);
		char		relkind = get_rel_relkind(relid);

		if (list_member_oid(relids, relid))
			continue;
		if (relkind != RELKIND_RELATION && relkind != RELKIND_PARTITIONED_TABLE)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is not a table", rv->relname)));
		if (!rv->inh && relkind == RELKIND_PARTITIONED_TABLE)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("cannot truncate only a partitioned table"),
					 errhint("Do not specify the ONLY keyword, or use TRUNCATE ONLY on the partitions directly.")));
		relids = lappend_oid(relids, relid);
		rounds = lappend_int(rounds, 0);
		if (rv->inh)
		{
			foreach(lc2, find_all_inheritors(relid, AccessShareLock, NULL))
			{
				Oid			child = lfirst_oid(lc2);

				if (list_member_oid(relids, child) ||
					isOtherTempNamespace(get_rel_namespace(child)))
					continue;
				relids = lappend_oid(relids, child);
				rounds = lappend_int(rounds, 0);
			}
		}
	}

	if (stmt->behavior == DROP_CASCADE)
	{
		for (int round = 1;; round++)
		{
			List	   *added = heap_truncate_find_FKs(relids);

			if (added == NIL)
				break;
			foreach(lc, added)
			{
				LockRelationOid(lfirst_oid(lc), AccessShareLock);
				relids = lappend_oid(relids, lfirst_oid(lc));
				rounds = lappend_int(rounds, round);
			}
		}
	}

	forboth(lc, relids, lc2, rounds)
	{
		Oid			relid = lfirst_oid(lc);
		RiImpactRow *row;

		CHECK_FOR_INTERRUPTS();
		if (get_rel_relkind(relid) == RELKIND_PARTITIONED_TABLE)
			continue;			/* no rows of its own */
		row = palloc0(sizeof(RiImpactRow));
		row->step = lfirst_int(lc2);
		row->table = relid;
		row->action = "truncate";
		row->count = count_rows(relid);
		st->result = lappend(st->result, row);
	}

	{
		List	   *found = NIL;

		foreach(lc, relids)
			unapplied_of(lfirst_oid(lc), TRIGGER_TYPE_TRUNCATE, false, true,
						 &found);
		note_unapplied(found);
	}

	if (stmt->behavior == DROP_CASCADE)
		return;

	/* heap_truncate_check_FKs, reporting instead of failing */
	foreach(lc, relids)
	{
		Oid			relid = lfirst_oid(lc);
		HeapTuple	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
		Form_pg_class cls;

		if (!HeapTupleIsValid(tup))
			continue;
		cls = (Form_pg_class) GETSTRUCT(tup);
		if (cls->relhastriggers || cls->relkind == RELKIND_PARTITIONED_TABLE)
			oids = lappend_oid(oids, relid);
		ReleaseSysCache(tup);
	}
	if (oids == NIL || heap_truncate_find_FKs(oids) == NIL)
		return;
	foreach(lc, oids)
	{
		Oid			relid = lfirst_oid(lc);

		foreach(lc2, heap_truncate_find_FKs(list_make1_oid(relid)))
		{
			Oid			dep = lfirst_oid(lc2);
			Oid			conoid;
			RiImpactRow *row;

			if (list_member_oid(oids, dep))
				continue;
			conoid = truncate_blocking_key(st, dep, relid);
			row = statement_error(ERRCODE_FEATURE_NOT_SUPPORTED, dep,
								  OidIsValid(conoid) ? get_constraint_name(conoid) : NULL,
								  pstrdup("cannot truncate a table referenced in a foreign key constraint"),
								  psprintf("Table \"%s\" references \"%s\".",
										   get_rel_name(dep), get_rel_name(relid)),
								  psprintf("Truncate table \"%s\" at the same time, or use TRUNCATE ... CASCADE.",
										   get_rel_name(dep)));
			st->result = lappend(st->result, row);
		}
	}
}

/* ---------------------------------------------------------------------
 * What the preview does not run
 * ---------------------------------------------------------------------
 */

/* Does a trigger or rule with this pg_trigger.tgenabled / ev_enabled fire? */
static bool
fires_now(char enabled)
{
	/* TriggerEnabled's and fireRIRrules' test of session_replication_role */
	if (enabled == TRIGGER_DISABLED)
		return false;
	if (SessionReplicationRole == SESSION_REPLICATION_ROLE_REPLICA)
		return enabled != TRIGGER_FIRES_ON_ORIGIN;
	return enabled != TRIGGER_FIRES_ON_REPLICA;
}

static char *
rule_name(Oid ruleoid)
{
	Relation	rel = table_open(RewriteRelationId, AccessShareLock);
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *name = NULL;

	ScanKeyInit(&key, Anum_pg_rewrite_oid, BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(ruleoid));
	scan = systable_beginscan(rel, RewriteOidIndexId, true, NULL, 1, &key);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
		name = pstrdup(NameStr(((Form_pg_rewrite) GETSTRUCT(tup))->rulename));
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return name;
}

/*
 * unapplied_of
 *		The user triggers of relid that the statement's or RI's query fires
 *		for event (TRIGGER_TYPE_DELETE, _UPDATE or _TRUNCATE): row triggers
 *		when rows is set (relid holds the rows), statement triggers and
 *		rules when named is set (relid is the table the query names), as
 *		"table\ttrigger|rule\tname\tlevel" strings appended to *out.
 */
static void
unapplied_of(Oid relid, int16 event, bool rows, bool named, List **out)
{
	Relation	rel = table_open(relid, AccessShareLock);
	TriggerDesc *td = rel->trigdesc;
	RuleLock   *rules = rel->rd_rules;
	char	   *relname = ri_qualified_relname(relid);

	for (int i = 0; td != NULL && i < td->numtriggers; i++)
	{
		Trigger    *t = &td->triggers[i];
		bool		row = TRIGGER_FOR_ROW(t->tgtype);

		if (t->tgisinternal || !fires_now(t->tgenabled) ||
			(t->tgtype & event) == 0 || (row ? !rows : !named))
			continue;
		*out = lappend(*out, psprintf("%s\ttrigger\t%s\t%s", relname,
									  t->tgname,
									  row ? "row" : "statement"));
	}
	for (int i = 0; named && rules != NULL && i < rules->numLocks; i++)
	{
		RewriteRule *r = rules->rules[i];
		char	   *name;

		if ((event == TRIGGER_TYPE_DELETE ? r->event != CMD_DELETE :
			 event == TRIGGER_TYPE_UPDATE ? r->event != CMD_UPDATE : true) ||
			!fires_now(r->enabled))
			continue;
		name = rule_name(r->ruleId);
		if (name != NULL)
			*out = lappend(*out, psprintf("%s\trule\t%s\t%s", relname, name,
										  r->isInstead ? "instead" : "also"));
	}
	table_close(rel, NoLock);
}

static int
cstring_cmp(const ListCell *a, const ListCell *b)
{
	return strcmp(lfirst(a), lfirst(b));
}

/*
 * note_unapplied
 *		A NOTICE for every user trigger and rule that the real statement
 *		would run and the preview does not: on the tables whose rows it
 *		deletes or updates (row triggers, on the leaves holding the rows),
 *		and on the tables its queries and RI's name (statement triggers;
 *		rules, which rewrite RI's queries too).  The counts are those of
 *		PostgreSQL's RI actions alone.
 */
static void
note_unapplied(List *found)
{
	char	   *prev = NULL;
	ListCell   *lc;

	list_sort(found, cstring_cmp);
	foreach(lc, found)
	{
		char	   *s = lfirst(lc);
		char	   *fields[4];
		char	   *p = pstrdup(s);

		if (prev != NULL && strcmp(prev, s) == 0)
			continue;
		prev = s;
		for (int i = 0; i < 4; i++)
		{
			fields[i] = p;
			p = strchr(p, '\t');
			if (p != NULL)
				*p++ = '\0';
			else
				p = "";
		}
		if (strcmp(fields[1], "trigger") == 0)
			ereport(NOTICE,
					(errmsg("the preview does not run trigger \"%s\" on table %s",
							fields[2], fields[0]),
					 errdetail(strcmp(fields[3], "row") == 0 ?
							   "The real statement fires it for the rows it changes there; what the trigger does is not in the preview's counts." :
							   "The real statement fires it once for the table; what the trigger does is not in the preview's counts.")));
		else
			ereport(NOTICE,
					(errmsg("the preview does not apply rule \"%s\" on table %s",
							fields[2], fields[0]),
					 errdetail(strcmp(fields[3], "instead") == 0 ?
							   "PostgreSQL would run the rule's actions instead of the query that changes the table (a query of RI so rewritten fails: \"referential integrity query ... gave unexpected result\"); the preview counts the rows as if the rule did not exist." :
							   "PostgreSQL would run the rule's actions as well; the preview does not count what they do.")));
	}
}

/*
 * note_unapplied_dml
 *		note_unapplied for a DELETE or UPDATE: the leaves holding reached
 *		rows, and the tables of the result rows with a count.
 */
static void
note_unapplied_dml(ImpactState *st)
{
	HASH_SEQ_STATUS seq;
	ImpactRowEntry *e;
	List	   *del_leaves = NIL;
	List	   *upd_leaves = NIL;
	List	   *found = NIL;
	ListCell   *lc;

	hash_seq_init(&seq, st->rows);
	while ((e = hash_seq_search(&seq)) != NULL)
	{
		if (e->fate == FATE_DELETE)
			del_leaves = list_append_unique_oid(del_leaves, e->key.relid);
		else if (e->cols != NULL || st->steps[e->stepidx].step == 0)
			upd_leaves = list_append_unique_oid(upd_leaves, e->key.relid);
	}
	foreach(lc, del_leaves)
		unapplied_of(lfirst_oid(lc), TRIGGER_TYPE_DELETE, true, false, &found);
	foreach(lc, upd_leaves)
		unapplied_of(lfirst_oid(lc), TRIGGER_TYPE_UPDATE, true, false, &found);
	for (int i = 0; i < st->nsteps; i++)
	{
		ImpactStep *s = &st->steps[i];
		bool		del = strcmp(s->action, "delete") == 0 ||
			strcmp(s->action, "cascade delete") == 0;

		/*
		 * Every step is a query that runs (the statement's, or RI's for a
		 * key it follows), even when it changes no rows: statement
		 * triggers fire then too.
		 */
		unapplied_of(s->table, del ? TRIGGER_TYPE_DELETE : TRIGGER_TYPE_UPDATE,
					 false, true, &found);
	}
	note_unapplied(found);
}

/* ---------------------------------------------------------------------
 * Entry point
 * ---------------------------------------------------------------------
 */

/*
 * A syntax or analysis error in the statement points into the statement,
 * as SPI's _SPI_error_callback does, not into the caller's query.
 */
static void
impact_error_callback(void *arg)
{
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery((const char *) arg);
	}
}

/*
 * ri_delete_impact
 *		The rows of delete_preview(stmt), in output order (step, then the
 *		order in which the walk reached them; blocking keys after the
 *		actions of their step), allocated in the caller's memory context.
 *		Locks: see the file header.
 */
List *
ri_delete_impact(const char *stmt)
{
	List	   *raws;
	RawStmt    *raw;
	Node	   *node;
	ImpactState st;
	HASHCTL		ctl;
	int			nestlevel;
	MemoryContext callercxt = CurrentMemoryContext;
	MemoryContext oldcxt;
	List	   *result;
	ErrorContextCallback errcb;

	errcb.callback = impact_error_callback;
	errcb.arg = (void *) stmt;
	errcb.previous = error_context_stack;
	error_context_stack = &errcb;

	raws = raw_parser(stmt, RAW_PARSE_DEFAULT);
	if (list_length(raws) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 raws == NIL ?
				 errmsg("no statement to preview") :
				 errmsg("cannot preview more than one statement at a time")));
	raw = linitial(raws);
	node = raw->stmt;
	if (!IsA(node, DeleteStmt) && !IsA(node, UpdateStmt) &&
		!IsA(node, TruncateStmt))
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot preview a %s statement", stmt_kind(node)),
				 errhint("delete_preview() takes one DELETE, UPDATE or TRUNCATE statement.")));

	memset(&st, 0, sizeof(st));
	st.cxt = AllocSetContextCreate(callercxt, "ri_audit delete impact",
								   ALLOCSET_DEFAULT_SIZES);
	oldcxt = MemoryContextSwitchTo(st.cxt);
	st.stmt_text = stmt;
	st.budget = Max((int64) maintenance_work_mem * 1024,
					1024 * RI_IMPACT_ROW_BYTES);
	st.values_cxt = AllocSetContextCreate(st.cxt, "ri_audit impact values",
										  ALLOCSET_DEFAULT_SIZES);
	st.maxsteps = 16;
	st.steps = palloc(sizeof(ImpactStep) * st.maxsteps);

	memset(&ctl, 0, sizeof(ctl));
	ctl.keysize = sizeof(ImpactRowKey);
	ctl.entrysize = sizeof(ImpactRowEntry);
	ctl.hcxt = st.cxt;
	st.rows = hash_create("ri_audit impact rows", 1024, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(ImpactCheckKey);
	ctl.entrysize = sizeof(ImpactCheckEntry);
	st.checks = hash_create("ri_audit impact checks", 256, &ctl,
							HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	ctl.keysize = sizeof(Oid);
	ctl.entrysize = sizeof(ImpactKey);
	st.keys = hash_create("ri_audit impact keys", 64, &ctl,
						  HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
	st.edges = ri_fk_edges(false);

	/* Nothing below may write: the user's expressions included. */
	nestlevel = NewGUCNestLevel();
	(void) set_config_option("transaction_read_only", "on",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);

	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	MemoryContextSwitchTo(st.cxt);

	if (IsA(node, TruncateStmt))
		impact_truncate(&st, (TruncateStmt *) node);
	else
	{
		impact_dml(&st, raw);

		/* the actions before the blocking keys, in step order */
		result = st.result;
		st.result = NIL;
		emit_steps(&st, 0, false);
		if (st.nsteps > 0 && st.steps[0].count == 0)
		{
			/* the statement's own rows: shown even when there are none */
			RiImpactRow *row = palloc0(sizeof(RiImpactRow));

			row->step = 0;
			row->table = st.steps[0].table;
			row->action = st.steps[0].action;
			st.result = lcons(row, st.result);
		}
		/* merge the blocking rows in by step */
		{
			List	   *merged = NIL;
			ListCell   *a = list_head(st.result);
			ListCell   *b = list_head(result);

			while (a != NULL || b != NULL)
			{
				RiImpactRow *ra = a ? lfirst(a) : NULL;
				RiImpactRow *rb = b ? lfirst(b) : NULL;

				if (rb == NULL || (ra != NULL && ra->step <= rb->step))
				{
					merged = lappend(merged, ra);
					a = lnext(st.result, a);
				}
				else
				{
					merged = lappend(merged, rb);
					b = lnext(result, b);
				}
			}
			st.result = merged;
		}
	}

	/*
	 * Copy the result out of the preview's memory (SPI calls leave
	 * CurrentMemoryContext in SPI's procedure context, which SPI_finish
	 * frees: copy first).
	 */
	MemoryContextSwitchTo(callercxt);
	result = NIL;
	{
		ListCell   *lc;

		foreach(lc, st.result)
		{
			RiImpactRow *src = lfirst(lc);
			RiImpactRow *dst = palloc(sizeof(RiImpactRow));

			*dst = *src;
			dst->fk_name = src->fk_name ? pstrdup(src->fk_name) : NULL;
			dst->sample = src->sample ?
				(Jsonb *) DatumGetPointer(datumCopy(PointerGetDatum(src->sample), false, -1)) :
				NULL;
			dst->message = src->message ? pstrdup(src->message) : NULL;
			dst->detail = src->detail ? pstrdup(src->detail) : NULL;
			dst->hint = src->hint ? pstrdup(src->hint) : NULL;
			dst->trigger_name = NULL;	/* used for ordering only */
			result = lappend(result, dst);
		}
	}
	if (SPI_finish() != SPI_OK_FINISH)
		elog(ERROR, "SPI_finish failed");
	AtEOXact_GUC(true, nestlevel);
	MemoryContextSwitchTo(callercxt);
	MemoryContextDelete(st.cxt);
	(void) oldcxt;
	error_context_stack = errcb.previous;
	return result;
}
