/*-------------------------------------------------------------------------
 *
 * ri_orphan_parallel.h
 *	  The parallel scan of the key set path (orphan_parallel.c) and what
 *	  the key set path (orphan_keyset.c) offers it.
 *
 * orphan_keyset.c decides which sets it builds; when every set is whole in
 * memory it offers the scan of the referencing table to
 * ri_parallel_keyset_scan(), which may run it with parallel workers that
 * probe a shared copy of the sets.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_orphan_parallel.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_ORPHAN_PARALLEL_H
#define RI_ORPHAN_PARALLEL_H

#include "access/relscan.h"
#include "storage/dsm.h"
#include "storage/shm_toc.h"

#include "ri_orphan_scan.h"

/* The state of one ri_keyset_check() call, private to orphan_keyset.c. */
typedef struct KsState KsState;

/* orphan_parallel.c */
extern bool ri_parallel_keyset_scan(KsState *st, int64 *rows_scanned);
extern PGDLLEXPORT void ri_orphan_parallel_main(dsm_segment *seg,
												shm_toc *toc);

/* orphan_keyset.c */
extern Oid	ri_keyset_parallel_target(const KsState *st, Snapshot *snapshot);
extern const FkInfo *ri_keyset_fk(const KsState *st, int f, int *nfks);
extern Size ri_keyset_export_size(const KsState *st);
extern void ri_keyset_export(const KsState *st, char *dst, Size size);
extern void ri_keyset_scan_shared(KsState *st, ParallelTableScanDesc pscan,
								  void (*poll) (void *arg), void *arg,
								  int64 *rows_scanned);
extern void ri_keyset_report_row(KsState *st, int fk_index, ItemPointer tid,
								 Datum *keyvals, bool *keynulls);
extern void ri_keyset_worker_scan(const char *src, ParallelTableScanDesc pscan,
								  OrphanSink *sink, int64 *rows_scanned);

#endif							/* RI_ORPHAN_PARALLEL_H */
