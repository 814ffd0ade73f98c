/*-------------------------------------------------------------------------
 *
 * ri_orphan_scan.h
 *	  The orphan scan engine (src/engine/orphan_*.c) and the validation
 *	  engine built on it (src/engine/validate_key.c).
 *
 * The engine has one dispatcher, ri_scan_table_fks() (orphan_scan.c), that
 * hands the foreign keys of one referencing table to two scan paths: the
 * planner path (orphan_planner.c, one anti-join query run through SPI) and
 * the fast path (orphan_keyset.c, an in-memory key set probed during one
 * heap scan).  Both report orphans to an OrphanSink.  The collector
 * (orphan_scan.c) is the sink the SQL entry points use: it counts, orders
 * and renders what the paths report.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_orphan_scan.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_ORPHAN_SCAN_H
#define RI_ORPHAN_SCAN_H

#include "lib/stringinfo.h"
#include "storage/itemptr.h"
#include "utils/jsonb.h"
#include "utils/snapshot.h"

#include "ri_fk_catalog.h"

/*
 * Where a scan path reports the orphans it finds.  A path calls report()
 * once per orphan row, in whatever order it finds them; the sink's owner
 * counts, orders and returns them.
 */
typedef struct OrphanSink OrphanSink;

struct OrphanSink
{
	/*
	 * fk_index: which of the constraints given to the scan (0-based);
	 * relid: the table holding the row (a leaf partition when the
	 * referencing table is partitioned); tid: the row's ctid; keyvals and
	 * keynulls: the row's key columns in key order, of the referencing
	 * columns' types.  Values are only valid during the call.
	 */
	void		(*report) (OrphanSink *sink, int fk_index, Oid relid,
						   ItemPointer tid, Datum *keyvals, bool *keynulls);
	void	   *arg;			/* the sink owner's private state */
};

/*
 * orphan_scan.c: a sink that passes each report on to another, under the
 * other's numbering: the scan's key i is target's fk_index[i].  It lives
 * in the caller's frame, for the one scan it is given to.
 */
typedef struct OrphanRenumberSink
{
	OrphanSink	sink;			/* what the scan reports to */
	OrphanSink *target;			/* the sink the reports go on to */
	const int  *fk_index;		/* the scan's key i is target's fk_index[i] */
} OrphanRenumberSink;

extern OrphanSink *ri_renumber_sink(OrphanRenumberSink *rs,
									OrphanSink *target,
									const int *fk_index);

/*
 * orphan_keyset.c: referenced key sets kept across the referencing tables
 * of one call (check_foreign_keys, assert_no_orphans), within the budget.
 */
typedef struct RiKeysetCache RiKeysetCache;

extern RiKeysetCache *ri_keyset_cache_create(const Oid *pk_relids, int nkeys);
extern void ri_keyset_cache_advance(RiKeysetCache *cache, int done);
extern void ri_keyset_cache_end(RiKeysetCache *cache);

/* orphan_scan.c: the dispatcher */
extern void ri_scan_table_fks(const FkInfo *fks, int nfks, OrphanSink *sink,
							  int64 *rows_checked, int64 *elapsed_us,
							  RiKeysetCache *cache);
extern int	ri_scan_passes(const FkInfo *fks, int nfks, RiKeysetCache *cache,
						   int *pass_of);
extern int64 ri_count_orphans(const FkInfo *fk);

/*
 * orphan_scan.c: the collector, the sink of the SQL entry points.  One
 * collector per foreign key; ri_collector_sink() makes the sink that
 * routes fk_index i to collectors[i].  A collector keeps its rows in
 * output order (sorted) or only counts them; ri_collector_next() then
 * steps through the kept rows, and the ri_collector_row_* functions read
 * the current one.
 */
typedef struct OrphanCollector OrphanCollector;

extern OrphanCollector *ri_collector_create(const FkInfo *fk, bool sorted,
											int64 bound);
extern OrphanSink *ri_collector_sink(OrphanCollector **collectors, int n);
extern int64 ri_collector_count(const OrphanCollector *c);
extern int	ri_collector_sort_kb(OrphanCollector *c);
extern bool ri_collector_next(OrphanCollector *c);
extern Oid	ri_collector_row_relid(const OrphanCollector *c);
extern ItemPointer ri_collector_row_tid(const OrphanCollector *c);
extern Jsonb *ri_collector_row_key(OrphanCollector *c);
extern bool ri_collector_row_has_null(const OrphanCollector *c);
extern char *ri_collector_row_key_text(OrphanCollector *c);
extern char *ri_collector_key_names(const OrphanCollector *c);
extern Jsonb *ri_collector_sample(OrphanCollector *c);
extern MemoryContext ri_collector_row_context(const OrphanCollector *c);
extern void ri_collector_end(OrphanCollector *c);
extern void ri_jsonb_as_value(Jsonb *j, JsonbValue *v);

/*
 * orphan_row_key.c: the primary key (or replica identity) of a row found
 * by the scan, read back by ctid in the scan's snapshot.
 */
typedef struct RiRowKeyReader RiRowKeyReader;

extern RiRowKeyReader *ri_row_key_reader_create(const FkInfo *fk);
extern Jsonb *ri_row_key(RiRowKeyReader *r, Oid relid, ItemPointer tid);
extern void ri_row_key_reader_end(RiRowKeyReader *r);

/* orphan_planner.c: the planner path, and the SQL fragments it shares */
extern void ri_sql_append_relation(StringInfo buf, Oid relid);
extern void ri_sql_append_collation(StringInfo buf, Oid collid);
extern void ri_planner_scan(const FkInfo *fk, int fk_index,
							OrphanSink *sink, int64 *rows_checked);

/* orphan_keyset.c: the fast path */
extern bool ri_keyset_supports(const FkInfo *fk);
extern void ri_keyset_check(const FkInfo **fks, int nfks, Snapshot snapshot,
							OrphanSink *sink, int64 *rows_scanned,
							RiKeysetCache *cache);
extern int	ri_keyset_passes(const FkInfo **fks, int nfks, Snapshot snapshot,
							 RiKeysetCache *cache, int *pass_of);

/* validate_key.c: validating one NOT VALID foreign key */
typedef struct RiValidateResult
{
	const char *status;			/* 'already valid', 'orphans', 'violations',
								 * 'would validate', 'validated', 'lock
								 * timeout' or 'skipped' */
	char	   *reason;			/* why skipped, or NULL */
	int64		violation_count;	/* orphans or violating rows found */
	bool		count_null;		/* violation_count not computed */
} RiValidateResult;

extern bool ri_validate_key(FkInfo *fk, bool dry_run, const char *lock_timeout,
							bool skip_unchecked, RiValidateResult *res);
extern bool ri_run_validate_command(const char *cmd, bool caller_owns,
									Oid owner, const char *lock_timeout,
									bool skip_privilege_errors,
									char **skip_reason);

#endif							/* RI_ORPHAN_SCAN_H */
