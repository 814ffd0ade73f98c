/*-------------------------------------------------------------------------
 *
 * keyset_debug.c
 *	  TEMPORARY test entry point for keyset.c, until the orphan finder
 *	  (fk_catalog.c, orphans.c) exists to call it.  Not in the install
 *	  script: tests create the function themselves.  To be removed.
 *
 * ri_audit_keyset_debug(fks oid[]) RETURNS TABLE (fk oid, table_name
 * regclass, row_ctid tid, key text): all constraints must have the same
 * referencing table.  Takes AccessShareLock on both tables.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/keyset_debug.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_constraint.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"

#include "ri_audit.h"

PG_FUNCTION_INFO_V1(ri_audit_keyset_debug);
PG_FUNCTION_INFO_V1(ri_audit_keyset_debug_supports);

typedef struct DebugSink
{
	OrphanSink	sink;
	ReturnSetInfo *rsinfo;
	FkInfo	  **fks;
} DebugSink;

static void
debug_report(OrphanSink *sink, int fk_index, Oid relid, ItemPointer tid,
			 Datum *keyvals, bool *keynulls)
{
	DebugSink  *ds = (DebugSink *) sink;
	FkInfo	   *fk = ds->fks[fk_index];
	StringInfoData buf;
	Datum		values[4];
	bool		nulls[4] = {false, false, false, false};
	int			i;

	initStringInfo(&buf);
	for (i = 0; i < fk->nkeys; i++)
	{
		Oid			out;
		bool		isvarlena;

		if (i > 0)
			appendStringInfoString(&buf, ", ");
		if (keynulls[i])
		{
			appendStringInfoString(&buf, "null");
			continue;
		}
		getTypeOutputInfo(fk->fk_types[i], &out, &isvarlena);
		appendStringInfoString(&buf, OidOutputFunctionCall(out, keyvals[i]));
	}
	values[0] = ObjectIdGetDatum(fk->conoid);
	values[1] = ObjectIdGetDatum(relid);
	values[2] = PointerGetDatum(tid);
	values[3] = CStringGetTextDatum(buf.data);
	tuplestore_putvalues(ds->rsinfo->setResult, ds->rsinfo->setDesc,
						 values, nulls);
}

static FkInfo *
debug_fill(Oid conoid)
{
	FkInfo	   *fk = palloc0(sizeof(FkInfo));
	HeapTuple	tup;
	Form_pg_constraint con;
	int			i;

	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "no constraint %u", conoid);
	con = (Form_pg_constraint) GETSTRUCT(tup);
	if (con->contype != CONSTRAINT_FOREIGN)
		elog(ERROR, "not a foreign key");
	fk->conoid = conoid;
	fk->conname = con->conname;
	fk->fk_relid = con->conrelid;
	fk->pk_relid = con->confrelid;
	fk->confmatchtype = con->confmatchtype;
	fk->convalidated = con->convalidated;
	DeconstructFkConstraintRow(tup, &fk->nkeys, fk->fk_attnums,
							   fk->pk_attnums, fk->pf_eq_oprs, NULL, NULL,
							   NULL, NULL);
	ReleaseSysCache(tup);
	for (i = 0; i < fk->nkeys; i++)
	{
		int32		typmod;

		get_atttypetypmodcoll(fk->fk_relid, fk->fk_attnums[i],
							  &fk->fk_types[i], &typmod, &fk->fk_collations[i]);
		get_atttypetypmodcoll(fk->pk_relid, fk->pk_attnums[i],
							  &fk->pk_types[i], &typmod, &fk->pk_collations[i]);
	}
	return fk;
}

Datum
ri_audit_keyset_debug(PG_FUNCTION_ARGS)
{
	ArrayType  *arr = PG_GETARG_ARRAYTYPE_P(0);
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	Datum	   *elems;
	int			n;
	int			i;
	DebugSink	ds;
	int64		rows = 0;

	InitMaterializedSRF(fcinfo, 0);
	deconstruct_array(arr, OIDOID, sizeof(Oid), true, TYPALIGN_INT,
					  &elems, NULL, &n);
	ds.fks = palloc(n * sizeof(FkInfo *));
	for (i = 0; i < n; i++)
	{
		ds.fks[i] = debug_fill(DatumGetObjectId(elems[i]));
		if (!keyset_supports(ds.fks[i]))
			ereport(ERROR, (errmsg("not supported: %s", NameStr(ds.fks[i]->conname))));
	}
	ds.sink.report = debug_report;
	ds.sink.arg = NULL;
	ds.rsinfo = rsinfo;
	keyset_check(ds.fks, n, GetActiveSnapshot(), &ds.sink, &rows);
	elog(DEBUG1, "rows scanned: " INT64_FORMAT, rows);
	return (Datum) 0;
}

Datum
ri_audit_keyset_debug_supports(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(keyset_supports(debug_fill(PG_GETARG_OID(0))));
}
