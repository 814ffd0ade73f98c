/*-------------------------------------------------------------------------
 *
 * load_order_api.c
 *	  SQL entry point ri_audit.load_order(): the order in which tables can
 *	  be loaded (or emptied) without violating a foreign key
 *	  (src/engine/load_order.c computes it).
 *
 * Locks: none on user tables; the catalogs are read with the
 * AccessShareLock every catalog scan takes.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/load_order_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "ri_fk_catalog.h"
#include "ri_graph.h"

PG_FUNCTION_INFO_V1(ri_audit_load_order);

/* Result columns of load_order(). */
#define LOAD_ORDER_COLS		6

/*
 * ri_audit.load_order(tables regclass[] DEFAULT NULL)
 *	  RETURNS TABLE (level int, table_name regclass, depends_on regclass[],
 *					 self_reference bool, cycle int, note text)
 *
 * One row per table, ordered by level and then by schema and name.  With
 * tables NULL, every ordinary, partitioned and foreign table that is not a
 * partition, outside the system schemas, is listed; otherwise only the given
 * tables (partitions stand for their roots), with the foreign keys among
 * them.  depends_on lists the other tables each references; cycle numbers
 * the tables of one cycle alike.  Takes no lock on any user table.
 */
Datum
ri_audit_load_order(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *relids = NIL;
	RiLoadOrderRow *rows;
	int			nrows;

	InitMaterializedSRF(fcinfo, 0);
	Assert(rsinfo->setDesc->natts == LOAD_ORDER_COLS);

	if (!PG_ARGISNULL(0))
		relids = ri_regclass_array_arg(PG_GETARG_ARRAYTYPE_P(0), "tables");
	rows = ri_load_order(relids, PG_ARGISNULL(0), &nrows);

	for (int i = 0; i < nrows; i++)
	{
		RiLoadOrderRow *row = &rows[i];
		Datum		values[LOAD_ORDER_COLS];
		bool		nulls[LOAD_ORDER_COLS] = {0};
		Datum	   *parents;

		CHECK_FOR_INTERRUPTS();
		parents = palloc(sizeof(Datum) * Max(row->ndepends, 1));
		for (int k = 0; k < row->ndepends; k++)
			parents[k] = ObjectIdGetDatum(row->depends_on[k]);

		values[0] = Int32GetDatum(row->level);
		values[1] = ObjectIdGetDatum(row->relid);
		values[2] = PointerGetDatum(construct_array(parents, row->ndepends,
													REGCLASSOID, sizeof(Oid),
													true, TYPALIGN_INT));
		values[3] = BoolGetDatum(row->self_reference);
		values[4] = Int32GetDatum(row->cycle);
		nulls[4] = (row->cycle == 0);
		if (row->note)
			values[5] = CStringGetTextDatum(row->note);
		nulls[5] = (row->note == NULL);
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);
	}
	return (Datum) 0;
}
