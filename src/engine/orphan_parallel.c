/*-------------------------------------------------------------------------
 *
 * orphan_parallel.c
 *	  The key set path's scan of the referencing table, run by the leader
 *	  and parallel workers together.
 *
 * What: when orphan_keyset.c holds every referenced key set of a plain
 * referencing table whole in memory, the one heap scan that probes them
 * may be shared with parallel workers, as parallel VACUUM and CREATE INDEX
 * share theirs.  The answer is the one the serial scan gives: the same
 * rows are read under the same snapshot and probed against the same sets,
 * and every orphan is reported by the leader to the caller's OrphanSink.
 *
 * How: the leader enters parallel mode and creates a parallel context
 * whose dynamic shared memory holds a parallel heap scan descriptor
 * (table_parallelscan_initialize), a copy of the key sets made by
 * ri_keyset_export() in a position-independent form (offsets, no
 * pointers), and one shm_mq per worker.  Each worker
 * (ri_orphan_parallel_main) joins the scan with table_beginscan_parallel,
 * probes the shared sets read-only, and sends every orphan it finds to the
 * leader as its foreign key's index, its ctid and its key values
 * (datumSerialize).  The leader scans too; every 1024 rows of its own, and
 * then until every worker has detached, it empties the queues without
 * blocking and reports what it receives, and sleeps on its latch (checking
 * for interrupts: statement_timeout and cancel work) while they are empty.
 * The workers load the leader's own file of the library (the one the
 * dynamic loader reports for it), wherever the functions' probin points.
 * Errors raised in a worker reach the leader through the parallel
 * infrastructure, which also gives each worker the leader's snapshots,
 * user and GUCs.  Probing the sets runs no user code (built-in equality
 * on encoded keys only), so it is parallel safe.
 *
 * The scan runs in parallel only when max_parallel_workers_per_gather > 0,
 * the backend is a regular one not already in parallel mode, the
 * referencing table is a plain table, neither it nor a referenced table is
 * temporary, and the table is at least min_parallel_table_scan_size; the
 * number of workers grows by one for each tripling of that size, as the
 * planner's compute_parallel_worker() does (the table's parallel_workers
 * option overrides it), up to max_parallel_workers_per_gather.  A DEBUG1
 * line says that the scan ran in parallel and with how many workers, its
 * detail each participant's share of the rows; DEBUG3 why a scan did not.
 *
 * Locks: the leader holds AccessShareLock on the referencing table (taken
 * by orphan_keyset.c before; taken again here, held until the end of the
 * transaction); each worker takes AccessShareLock on it in the leader's
 * lock group.  No other lock is taken.
 *
 * Memory: the shared segment holds the sets' copy (about their size in
 * the budget), RI_PAR_QUEUE_SIZE bytes per worker, and the scan
 * descriptor; it lives until DestroyParallelContext at the end of the
 * scan (or the transaction's abort).  A worker whose sets hold text keys
 * makes a private copy of the sets' slots, 16 bytes a slot.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/orphan_parallel.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <dlfcn.h>

#include "access/parallel.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "access/xact.h"
#include "catalog/pg_class.h"
#include "miscadmin.h"
#include "optimizer/cost.h"
#include "optimizer/paths.h"
#include "storage/bufmgr.h"
#include "utils/guc.h"
#include "pgstat.h"
#include "postmaster/bgworker_internals.h"
#include "storage/latch.h"
#include "storage/proc.h"
#include "storage/shm_mq.h"
#include "storage/shm_toc.h"
#include "utils/datum.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/wait_event.h"

#include "ri_audit.h"
#include "ri_orphan_parallel.h"

/* The keys of the parallel context's table of contents. */
#define RI_PAR_KEY_SHARED	UINT64CONST(0xB1A0D17000000001)
#define RI_PAR_KEY_SCAN		UINT64CONST(0xB1A0D17000000002)
#define RI_PAR_KEY_SETS		UINT64CONST(0xB1A0D17000000003)
#define RI_PAR_KEY_QUEUES	UINT64CONST(0xB1A0D17000000004)

/* Bytes of each worker's queue of orphans. */
#define RI_PAR_QUEUE_SIZE	((Size) 256 * 1024)

/*
 * What the leader and the workers share, besides the scan and the sets;
 * an RiParFkTypes per foreign key follows (MAXALIGNed).
 */
typedef struct RiParShared
{
	int			nworkers;		/* workers planned (queues) */
	int			nfks;			/* foreign keys */
	int64		rows[FLEXIBLE_ARRAY_MEMBER];	/* rows read by each worker */
} RiParShared;

/* How a worker serializes the key values of one foreign key. */
typedef struct RiParFkTypes
{
	int			nkeys;			/* key columns */
	int16		typlen[INDEX_MAX_KEYS]; /* referencing columns' typlen */
	bool		typbyval[INDEX_MAX_KEYS];	/* and typbyval */
} RiParFkTypes;

/* The head of an orphan's message; the serialized key values follow. */
typedef struct RiParMsg
{
	int32		fk_index;		/* which foreign key */
	int32		nkeys;			/* values that follow */
	ItemPointerData tid;		/* the row's ctid */
} RiParMsg;

/* A worker's sink: orphans go to its queue. */
typedef struct RiParSink
{
	OrphanSink	sink;			/* what ri_keyset_worker_scan() reports to */
	shm_mq_handle *mqh;			/* the queue to the leader */
	const RiParFkTypes *types;	/* per foreign key */
	int			nfks;
	StringInfoData buf;			/* the message being built */
} RiParSink;

/* The leader's state while it receives. */
typedef struct RiParLeader
{
	KsState    *st;				/* the key set scan reported to */
	int			nqueues;		/* queues of launched workers */
	shm_mq_handle **mqh;		/* their handles; NULL once detached */
	int			nattached;		/* queues not yet detached */
	MemoryContext msgcxt;		/* decoded values; reset per message */
} RiParLeader;

/*
 * How many workers the scan of rel gets: as compute_parallel_worker() sizes
 * a parallel heap scan, one more for every tripling of
 * min_parallel_table_scan_size, or the table's parallel_workers option; at
 * most max_parallel_workers_per_gather.
 */
static int
ri_par_workers(Relation rel)
{
	BlockNumber pages = RelationGetNumberOfBlocks(rel);
	int			workers = RelationGetParallelWorkers(rel, -1);

	if (workers < 0)
	{
		BlockNumber threshold = Max(min_parallel_table_scan_size, 1);

		if (pages < (BlockNumber) min_parallel_table_scan_size)
			return 0;
		workers = 1;
		while (pages >= threshold * 3 && workers < MAX_PARALLEL_WORKER_LIMIT)
		{
			workers++;
			threshold *= 3;
			if (threshold > INT_MAX / 3)
				break;
		}
	}
	return Min(workers, max_parallel_workers_per_gather);
}

/*
 * The file this library was loaded from, for the workers to load.
 *
 * A worker loads the library that holds its entry point before the ones the
 * leader had loaded.  Named "ri_audit", that is the file of that name in
 * dynamic_library_path, which need not be the file the leader runs: the
 * functions' probin may name a copy elsewhere, and the worker would then
 * load two copies (the second fails defining the same parameters) or run
 * code other than the leader's.  The leader's own file, as the dynamic
 * loader reports it, is the one the worker then finds already loaded.
 * Kept in TopMemoryContext for the life of the backend.
 */
static const char *
ri_par_library_path(void)
{
	static const char *library_path = NULL;

	if (library_path == NULL)
	{
		Dl_info		info;

		if (dladdr((const void *) ri_orphan_parallel_main, &info) != 0 &&
			info.dli_fname != NULL && is_absolute_path(info.dli_fname))
			library_path = MemoryContextStrdup(TopMemoryContext,
											   info.dli_fname);
		else
			library_path = "ri_audit";
	}
	return library_path;
}

/* Why the scan of st is not run in parallel, or NULL when it may be. */
static const char *
ri_par_refusal(KsState *st, Oid relid, Relation *relp, int *nworkers)
{
	Relation	rel;
	int			nfks;

	*relp = NULL;
	*nworkers = 0;
	if (!OidIsValid(relid))
		return "a key set is not held whole in memory";
	if (max_parallel_workers_per_gather <= 0)
		return "max_parallel_workers_per_gather is 0";
	if (!IsUnderPostmaster || IsParallelWorker() || IsInParallelMode())
		return "parallel mode is not available";

	(void) ri_keyset_fk(st, 0, &nfks);
	for (int f = 0; f < nfks; f++)
	{
		if (get_rel_persistence(ri_keyset_fk(st, f, &nfks)->pk_relid) ==
			RELPERSISTENCE_TEMP)
			return "a referenced table is temporary";
	}

	rel = table_open(relid, AccessShareLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION)
	{
		table_close(rel, NoLock);
		return "the table is not a plain table";
	}
	if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
	{
		table_close(rel, NoLock);
		return "the table is temporary";
	}
	*nworkers = ri_par_workers(rel);
	if (*nworkers <= 0)
	{
		table_close(rel, NoLock);
		return "the table is smaller than min_parallel_table_scan_size";
	}
	*relp = rel;
	return NULL;
}

/* Report the orphan of one message from a worker. */
static void
ri_par_handle(RiParLeader *ls, const char *data, Size nbytes)
{
	RiParMsg	msg;
	char	   *p;
	Datum		keyvals[INDEX_MAX_KEYS];
	bool		keynulls[INDEX_MAX_KEYS];
	MemoryContext oldcxt;

	if (nbytes < sizeof(msg))
		elog(ERROR, "short orphan message from a parallel worker");
	memcpy(&msg, data, sizeof(msg));
	if (msg.nkeys < 1 || msg.nkeys > INDEX_MAX_KEYS)
		elog(ERROR, "unexpected orphan message from a parallel worker");

	oldcxt = MemoryContextSwitchTo(ls->msgcxt);
	/* datumRestore() reads with memcpy, but wants a writable pointer */
	p = palloc(nbytes);
	memcpy(p, data, nbytes);
	p += sizeof(msg);
	for (int i = 0; i < msg.nkeys; i++)
		keyvals[i] = datumRestore(&p, &keynulls[i]);
	MemoryContextSwitchTo(oldcxt);

	ri_keyset_report_row(ls->st, msg.fk_index, &msg.tid, keyvals, keynulls);
	MemoryContextReset(ls->msgcxt);
}

/*
 * Receive and report what the workers have sent, without blocking; true
 * when something was received.
 */
static bool
ri_par_drain(RiParLeader *ls)
{
	bool		got = false;

	for (int i = 0; i < ls->nqueues; i++)
	{
		while (ls->mqh[i] != NULL)
		{
			Size		nbytes;
			void	   *data;
			shm_mq_result res;

			CHECK_FOR_INTERRUPTS();
			res = shm_mq_receive(ls->mqh[i], &nbytes, &data, true);
			if (res == SHM_MQ_WOULD_BLOCK)
				break;
			if (res == SHM_MQ_DETACHED)
			{
				shm_mq_detach(ls->mqh[i]);
				ls->mqh[i] = NULL;
				ls->nattached--;
				break;
			}
			got = true;
			ri_par_handle(ls, data, nbytes);
		}
	}
	return got;
}

/* The poll callback of the leader's own scan. */
static void
ri_par_poll(void *arg)
{
	(void) ri_par_drain((RiParLeader *) arg);
}

/*
 * ri_parallel_keyset_scan
 *		Do the scan of ri_keyset_check()'s state st in parallel, if it may
 *		be (see the file's comment), adding the rows read by all
 *		participants to *rows_scanned (when not NULL); false, having done
 *		nothing, when the scan is to be done serially.  Takes
 *		AccessShareLock on the referencing table.
 */
bool
ri_parallel_keyset_scan(KsState *st, int64 *rows_scanned)
{
	Snapshot	snapshot;
	Oid			relid = ri_keyset_parallel_target(st, &snapshot);
	Relation	rel;
	int			nworkers = 0;
	const char *refusal;
	ParallelContext *pcxt;
	RiParShared *shared;
	RiParFkTypes *types;
	ParallelTableScanDesc pscan;
	char	   *sets;
	char	   *queues;
	Size		shared_size;
	Size		types_size;
	Size		pscan_size;
	Size		sets_size;
	int			nfks;
	RiParLeader ls;
	int64		leader_rows = 0;
	int64		total;
	StringInfoData shares;

	refusal = ri_par_refusal(st, relid, &rel, &nworkers);
	if (refusal != NULL)
	{
		if (OidIsValid(relid))
			elog(DEBUG3, "ri_audit: table \"%s\" scanned serially: %s",
				 get_rel_name(relid), refusal);
		return false;
	}

	(void) ri_keyset_fk(st, 0, &nfks);
	shared_size = add_size(offsetof(RiParShared, rows),
						   mul_size(nworkers, sizeof(int64)));
	types_size = mul_size(nfks, sizeof(RiParFkTypes));
	pscan_size = table_parallelscan_estimate(rel, snapshot);
	sets_size = ri_keyset_export_size(st);

	EnterParallelMode();
	pcxt = CreateParallelContext(ri_par_library_path(),
								 "ri_orphan_parallel_main", nworkers);
	shm_toc_estimate_chunk(&pcxt->estimator,
						   add_size(MAXALIGN(shared_size), types_size));
	shm_toc_estimate_chunk(&pcxt->estimator, pscan_size);
	shm_toc_estimate_chunk(&pcxt->estimator, sets_size);
	shm_toc_estimate_chunk(&pcxt->estimator,
						   mul_size(RI_PAR_QUEUE_SIZE, nworkers));
	shm_toc_estimate_keys(&pcxt->estimator, 4);
	InitializeParallelDSM(pcxt);
	if (pcxt->seg == NULL)
	{
		/* no dynamic shared memory: serially */
		DestroyParallelContext(pcxt);
		ExitParallelMode();
		table_close(rel, NoLock);
		elog(DEBUG3, "ri_audit: table \"%s\" scanned serially: no dynamic shared memory",
			 get_rel_name(relid));
		return false;
	}

	shared = shm_toc_allocate(pcxt->toc,
							  add_size(MAXALIGN(shared_size), types_size));
	memset(shared, 0, shared_size);
	shared->nworkers = nworkers;
	shared->nfks = nfks;
	types = (RiParFkTypes *) ((char *) shared + MAXALIGN(shared_size));
	for (int f = 0; f < nfks; f++)
	{
		const FkInfo *fk = ri_keyset_fk(st, f, &nfks);

		types[f].nkeys = fk->nkeys;
		for (int i = 0; i < fk->nkeys; i++)
			get_typlenbyval(fk->fk_types[i], &types[f].typlen[i],
							&types[f].typbyval[i]);
	}
	shm_toc_insert(pcxt->toc, RI_PAR_KEY_SHARED, shared);

	pscan = shm_toc_allocate(pcxt->toc, pscan_size);
	table_parallelscan_initialize(rel, pscan, snapshot);
	shm_toc_insert(pcxt->toc, RI_PAR_KEY_SCAN, pscan);

	sets = shm_toc_allocate(pcxt->toc, sets_size);
	ri_keyset_export(st, sets, sets_size);
	shm_toc_insert(pcxt->toc, RI_PAR_KEY_SETS, sets);

	queues = shm_toc_allocate(pcxt->toc, mul_size(RI_PAR_QUEUE_SIZE, nworkers));
	for (int i = 0; i < nworkers; i++)
	{
		shm_mq	   *mq = shm_mq_create(queues + i * RI_PAR_QUEUE_SIZE,
									   RI_PAR_QUEUE_SIZE);

		shm_mq_set_receiver(mq, MyProc);
	}
	shm_toc_insert(pcxt->toc, RI_PAR_KEY_QUEUES, queues);

	LaunchParallelWorkers(pcxt);

	memset(&ls, 0, sizeof(ls));
	ls.st = st;
	ls.nqueues = pcxt->nworkers_launched;
	ls.mqh = palloc0(Max(ls.nqueues, 1) * sizeof(shm_mq_handle *));
	ls.msgcxt = AllocSetContextCreate(CurrentMemoryContext,
									  "ri_audit parallel orphan",
									  ALLOCSET_SMALL_SIZES);
	for (int i = 0; i < ls.nqueues; i++)
	{
		ls.mqh[i] = shm_mq_attach((shm_mq *) (queues + i * RI_PAR_QUEUE_SIZE),
								  pcxt->seg, pcxt->worker[i].bgwhandle);
		ls.nattached++;
	}

	/* the leader's share of the scan, then what the workers still send */
	ri_keyset_scan_shared(st, pscan, ri_par_poll, &ls, &leader_rows);
	while (ls.nattached > 0)
	{
		if (ri_par_drain(&ls))
			continue;
		if (ls.nattached == 0)
			break;
		(void) WaitLatch(MyLatch, WL_LATCH_SET | WL_EXIT_ON_PM_DEATH, -1,
						 PG_WAIT_EXTENSION);
		ResetLatch(MyLatch);
		CHECK_FOR_INTERRUPTS();
	}

	WaitForParallelWorkersToFinish(pcxt);

	total = leader_rows;
	for (int i = 0; i < pcxt->nworkers_launched; i++)
		total += shared->rows[i];
	initStringInfo(&shares);
	appendStringInfo(&shares, "leader %.1f%%",
					 total > 0 ? 100.0 * leader_rows / total : 0.0);
	for (int i = 0; i < pcxt->nworkers_launched; i++)
		appendStringInfo(&shares, ", worker %d %.1f%%", i,
						 total > 0 ? 100.0 * shared->rows[i] / total : 0.0);
	ereport(DEBUG1,
			(errmsg_internal("ri_audit: table \"%s\" scanned in parallel: %d of %d workers launched",
							 RelationGetRelationName(rel),
							 pcxt->nworkers_launched, nworkers),
			 errdetail_internal("Rows read: %s.", shares.data)));
	if (rows_scanned)
		*rows_scanned += total;

	pfree(shares.data);
	pfree(ls.mqh);
	MemoryContextDelete(ls.msgcxt);
	DestroyParallelContext(pcxt);
	ExitParallelMode();
	table_close(rel, NoLock);
	return true;
}

/* A worker's OrphanSink: one message to the leader per orphan. */
static void
ri_par_sink_report(OrphanSink *sink, int fk_index, Oid relid,
				   ItemPointer tid, Datum *keyvals, bool *keynulls)
{
	RiParSink  *ps = (RiParSink *) sink;
	const RiParFkTypes *t;
	RiParMsg	msg;
	Size		len = sizeof(msg);
	char	   *p;
	shm_mq_result res;

	if (fk_index < 0 || fk_index >= ps->nfks)
		elog(ERROR, "unexpected foreign key index %d in a parallel worker",
			 fk_index);
	t = &ps->types[fk_index];
	for (int i = 0; i < t->nkeys; i++)
		len += datumEstimateSpace(keyvals[i], keynulls[i], t->typbyval[i],
								  t->typlen[i]);

	msg.fk_index = fk_index;
	msg.nkeys = t->nkeys;
	msg.tid = *tid;
	resetStringInfo(&ps->buf);
	enlargeStringInfo(&ps->buf, len);
	p = ps->buf.data;
	memcpy(p, &msg, sizeof(msg));
	p += sizeof(msg);
	for (int i = 0; i < t->nkeys; i++)
		datumSerialize(keyvals[i], keynulls[i], t->typbyval[i], t->typlen[i],
					   &p);
	Assert(p == ps->buf.data + len);

	/* blocks while the queue is full, checking for interrupts */
	res = shm_mq_send(ps->mqh, len, ps->buf.data, false, false);
	if (res != SHM_MQ_SUCCESS)
		ereport(ERROR,
				(errcode(ERRCODE_INTERNAL_ERROR),
				 errmsg("could not send an orphan row to the parallel leader")));
}

/*
 * ri_orphan_parallel_main
 *		The entry point of a parallel worker of ri_parallel_keyset_scan():
 *		join the scan, probe the shared sets, send the orphans found.
 *		Runs in the leader's transaction, snapshots and user (restored by
 *		ParallelWorkerMain).  Takes AccessShareLock on the referencing
 *		table.
 */
void
ri_orphan_parallel_main(dsm_segment *seg, shm_toc *toc)
{
	RiParShared *shared = shm_toc_lookup(toc, RI_PAR_KEY_SHARED, false);
	ParallelTableScanDesc pscan = shm_toc_lookup(toc, RI_PAR_KEY_SCAN, false);
	char	   *sets = shm_toc_lookup(toc, RI_PAR_KEY_SETS, false);
	char	   *queues = shm_toc_lookup(toc, RI_PAR_KEY_QUEUES, false);
	Size		shared_size = offsetof(RiParShared, rows) +
		shared->nworkers * sizeof(int64);
	shm_mq	   *mq;
	RiParSink	ps;
	int64		rows = 0;

	if (ParallelWorkerNumber < 0 || ParallelWorkerNumber >= shared->nworkers)
		elog(ERROR, "unexpected parallel worker number %d",
			 ParallelWorkerNumber);
	mq = (shm_mq *) (queues + ParallelWorkerNumber * RI_PAR_QUEUE_SIZE);
	shm_mq_set_sender(mq, MyProc);

	memset(&ps, 0, sizeof(ps));
	ps.sink.report = ri_par_sink_report;
	ps.sink.arg = NULL;
	ps.mqh = shm_mq_attach(mq, seg, NULL);
	ps.types = (const RiParFkTypes *) ((char *) shared + MAXALIGN(shared_size));
	ps.nfks = shared->nfks;
	initStringInfo(&ps.buf);

	ri_keyset_worker_scan(sets, pscan, &ps.sink, &rows);

	shared->rows[ParallelWorkerNumber] = rows;
	/* detaching flushes what is still unsent, then tells the leader */
	shm_mq_detach(ps.mqh);
}
