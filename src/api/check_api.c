/*-------------------------------------------------------------------------
 *
 * check_api.c
 *	  SQL entry points for CHECK and domain constraints: check_violations(),
 *	  check_constraints() and assert_all_valid().
 *
 * check_violations() and check_constraints() read the constraint (catalog
 * layer), lock and list the tables it is checked on, check the caller's
 * access, and hand the tables to the check scan (src/engine/check_scan.c),
 * which evaluates the constraint's own expression on every row as
 * PostgreSQL's VALIDATE CONSTRAINT does.  assert_all_valid() reads the
 * catalogs only.
 *
 * Locks: AccessShareLock on every table checked (the table holding the
 * constraint and its inheritance children and partitions, or every table
 * with a column of the domain), held to end of transaction; nothing
 * stronger, no row locks.  assert_all_valid() locks no table.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/check_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/timestamp.h"

#include "ri_check.h"

PG_FUNCTION_INFO_V1(ri_audit_check_violations);
PG_FUNCTION_INFO_V1(ri_audit_check_constraints);
PG_FUNCTION_INFO_V1(ri_audit_assert_all_valid);

#define CHECK_VIOLATIONS_COLS	5
#define CHECK_CONSTRAINTS_COLS	11

/* How many constraint names assert_all_valid() lists. */
#define ASSERT_NAMES_SHOWN		5

/* State of check_violations()'s row callback. */
typedef struct ViolationSink
{
	ReturnSetInfo *rsinfo;		/* where rows go */
	Oid			conoid;			/* the constraint asked about */
} ViolationSink;

/* State of check_constraints()'s row callback. */
typedef struct SampleSink
{
	int64		sample_size;	/* rows kept */
	int64		kept;			/* rows kept so far */
	JsonbParseState *state;		/* the sample array being built */
	MemoryContext cxt;			/* where the array lives */
} SampleSink;

static bool put_violation(void *arg, const RiCheckTarget *t, int attidx,
						  TupleTableSlot *slot);
static bool keep_sample(void *arg, const RiCheckTarget *t, int attidx,
						TupleTableSlot *slot);

/*
 * put_violation
 *		(con, table_name, column_name, row_ctid, row)
 */
static bool
put_violation(void *arg, const RiCheckTarget *t, int attidx,
			  TupleTableSlot *slot)
{
	ViolationSink *vs = (ViolationSink *) arg;
	Datum		values[CHECK_VIOLATIONS_COLS];
	bool		nulls[CHECK_VIOLATIONS_COLS] = {0};

	values[0] = ObjectIdGetDatum(vs->conoid);
	values[1] = ObjectIdGetDatum(t->relid);
	if (attidx >= 0)
		values[2] = NameGetDatum(&TupleDescAttr(slot->tts_tupleDescriptor,
												t->atts[attidx] - 1)->attname);
	else
		nulls[2] = true;
	values[3] = PointerGetDatum(&slot->tts_tid);
	values[4] = JsonbPGetDatum(ri_check_row_jsonb(t, attidx, slot));
	tuplestore_putvalues(vs->rsinfo->setResult, vs->rsinfo->setDesc,
						 values, nulls);
	return true;
}

/*
 * ri_audit.check_violations(con oid, max_rows bigint DEFAULT NULL)
 *		RETURNS TABLE (con oid, table_name regclass, column_name name,
 *					   row_ctid tid, row jsonb)
 *
 * One row per row violating CHECK constraint con (a table's or a domain's),
 * validated or not, in table and block order; at most max_rows (NULL: all).
 * table_name is the table (partition, child) holding the row; column_name
 * the column of the domain checked (NULL for a table's constraint); row the
 * columns the check reads.  Acquires AccessShareLock on every table
 * checked.  ERROR 42501 when the caller may not read the columns, or
 * row-level security applies.
 */
Datum
ri_audit_check_violations(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	RiCheckInfo ci;
	List	   *targets;
	ListCell   *lc;
	ViolationSink vs;
	int64		max_rows = 0;

	ri_require_arg(fcinfo, 0, "con");
	if (!PG_ARGISNULL(1))
		max_rows = ri_nonneg_int_arg(fcinfo, 1, true, "max_rows");

	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != CHECK_VIOLATIONS_COLS)
		elog(ERROR, "check_violations() declared with %d result columns, expected %d",
			 rsinfo->setDesc->natts, CHECK_VIOLATIONS_COLS);

	ri_check_read(PG_GETARG_OID(0), &ci, false);
	targets = ri_check_targets(&ci);
	foreach(lc, targets)
		ri_check_require_access(&ci, lfirst(lc));

	if (!PG_ARGISNULL(1) && max_rows == 0)
		return (Datum) 0;

	vs.rsinfo = rsinfo;
	vs.conoid = ci.conoid;
	(void) ri_check_scan(&ci, targets, false, max_rows, put_violation, &vs,
						 NULL);
	return (Datum) 0;
}

/*
 * keep_sample
 *		Keep the first sample_size violating rows as
 *		{"table_name": ..., "row_ctid": ..., "column_name": ..., "row": ...}.
 */
static bool
keep_sample(void *arg, const RiCheckTarget *t, int attidx,
			TupleTableSlot *slot)
{
	SampleSink *ss = (SampleSink *) arg;
	MemoryContext old;
	JsonbValue	k;
	JsonbValue	v;
	Jsonb	   *row;
	char	   *s;

	if (ss->kept >= ss->sample_size)
		return true;
	row = ri_check_row_jsonb(t, attidx, slot);
	old = MemoryContextSwitchTo(ss->cxt);
	ss->kept++;
	(void) pushJsonbValue(&ss->state, WJB_BEGIN_OBJECT, NULL);

#define PUSH_KEY(name) \
	do { k.type = jbvString; k.val.string.val = (name); \
		 k.val.string.len = strlen(name); \
		 (void) pushJsonbValue(&ss->state, WJB_KEY, &k); } while (0)
#define PUSH_STRING(str) \
	do { v.type = jbvString; s = pstrdup(str); v.val.string.val = s; \
		 v.val.string.len = strlen(s); \
		 (void) pushJsonbValue(&ss->state, WJB_VALUE, &v); } while (0)

	PUSH_KEY("table_name");
	PUSH_STRING(ri_qualified_relname(t->relid));
	PUSH_KEY("row_ctid");
	PUSH_STRING(DatumGetCString(DirectFunctionCall1(tidout,
													PointerGetDatum(&slot->tts_tid))));
	if (attidx >= 0)
	{
		PUSH_KEY("column_name");
		PUSH_STRING(NameStr(TupleDescAttr(slot->tts_tupleDescriptor,
										  t->atts[attidx] - 1)->attname));
	}
	PUSH_KEY("row");
	row = (Jsonb *) PG_DETOAST_DATUM_COPY(JsonbPGetDatum(row));
	JsonbToJsonbValue(row, &v);
	(void) pushJsonbValue(&ss->state, WJB_VALUE, &v);
	(void) pushJsonbValue(&ss->state, WJB_END_OBJECT, NULL);
#undef PUSH_KEY
#undef PUSH_STRING
	MemoryContextSwitchTo(old);
	return true;
}

/*
 * ri_audit.check_constraints(tables regclass[] DEFAULT NULL,
 *							  sample_size int DEFAULT 3)
 *		RETURNS TABLE (con oid, con_name name, table_name regclass,
 *					   domain_name regtype, validated bool, status text,
 *					   reason text, rows_checked bigint,
 *					   violation_count bigint, sample jsonb,
 *					   elapsed interval)
 *
 * One row per top-level CHECK constraint of the given tables (NULL: every
 * table, and every domain's CHECK constraints), by schema, table and name,
 * then domains.  status is 'ok', 'violations', or 'skipped' (with a
 * reason; the counts are NULL) for a constraint the caller may not check.
 * sample holds the first sample_size violating rows.  Acquires
 * AccessShareLock on every table checked, one constraint after the other,
 * held to end of transaction.
 */
Datum
ri_audit_check_constraints(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	List	   *relids = NIL;
	List	   *conoids;
	ListCell   *lc;
	int64		sample_size;

	ri_require_arg(fcinfo, 1, "sample_size");
	sample_size = ri_nonneg_int_arg(fcinfo, 1, false, "sample_size");
	InitMaterializedSRF(fcinfo, 0);
	if (rsinfo->setDesc->natts != CHECK_CONSTRAINTS_COLS)
		elog(ERROR, "check_constraints() declared with %d result columns, expected %d",
			 rsinfo->setDesc->natts, CHECK_CONSTRAINTS_COLS);
	if (!PG_ARGISNULL(0))
	{
		relids = ri_regclass_array_arg(PG_GETARG_ARRAYTYPE_P(0), "tables");
		if (relids == NIL)
			return (Datum) 0;
	}

	conoids = ri_check_list(relids, false, relids == NIL);
	foreach(lc, conoids)
	{
		RiCheckInfo ci;
		List	   *targets;
		ListCell   *tc;
		Datum		values[CHECK_CONSTRAINTS_COLS];
		bool		nulls[CHECK_CONSTRAINTS_COLS] = {0};
		char	   *reason = NULL;
		TimestampTz start = GetCurrentTimestamp();

		CHECK_FOR_INTERRUPTS();
		if (!ri_check_read(lfirst_oid(lc), &ci, true))
			continue;			/* dropped since it was listed */
		targets = ri_check_targets(&ci);
		foreach(tc, targets)
		{
			RiCheckTarget *t = lfirst(tc);
			Oid			relid;
			RiAccessProblem problem = ri_check_access(&ci, t, &relid);

			if (problem != RI_ACCESS_OK)
			{
				reason = ri_check_access_reason(&ci, t, problem, relid);
				break;
			}
		}

		values[0] = ObjectIdGetDatum(ci.conoid);
		values[1] = NameGetDatum(&ci.conname);
		values[2] = ObjectIdGetDatum(ci.relid);
		nulls[2] = !OidIsValid(ci.relid);
		values[3] = ObjectIdGetDatum(ci.typid);
		nulls[3] = !OidIsValid(ci.typid);
		values[4] = BoolGetDatum(ci.convalidated);
		if (reason)
		{
			values[5] = CStringGetTextDatum("skipped");
			values[6] = CStringGetTextDatum(reason);
			for (int i = 7; i < CHECK_CONSTRAINTS_COLS; i++)
				nulls[i] = true;
		}
		else
		{
			SampleSink ss;
			int64		rows = 0;
			int64		found;
			JsonbValue *arr;

			ss.sample_size = sample_size;
			ss.kept = 0;
			ss.state = NULL;
			ss.cxt = CurrentMemoryContext;
			(void) pushJsonbValue(&ss.state, WJB_BEGIN_ARRAY, NULL);
			found = ri_check_scan(&ci, targets, false, 0, keep_sample, &ss,
								  &rows);
			arr = pushJsonbValue(&ss.state, WJB_END_ARRAY, NULL);

			values[5] = CStringGetTextDatum(found > 0 ? "violations" : "ok");
			nulls[6] = true;
			values[7] = Int64GetDatum(rows);
			values[8] = Int64GetDatum(found);
			if (sample_size > 0)
				values[9] = JsonbPGetDatum(JsonbValueToJsonb(arr));
			else
				nulls[9] = true;
			values[10] = IntervalPGetDatum(DatumGetIntervalP(
															 DirectFunctionCall2(timestamp_mi,
																				 TimestampTzGetDatum(GetCurrentTimestamp()),
																				 TimestampTzGetDatum(start))));
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc, values, nulls);
	}
	return (Datum) 0;
}

/*
 * ri_audit.assert_all_valid(max_not_valid int DEFAULT 0) RETURNS void
 *
 * ERROR when more than max_not_valid foreign keys and CHECK constraints
 * (tables' and domains', top level only) are NOT VALID: 23503 when foreign
 * keys are among them, else 23514; the message gives the count, the detail
 * the first names.  Reads the catalogs only; locks no table.
 */
Datum
ri_audit_assert_all_valid(PG_FUNCTION_ARGS)
{
	int64		max_not_valid;
	List	   *fks;
	List	   *checks;
	int			total;
	int			shown = 0;
	StringInfoData names;
	ListCell   *lc;

	ri_require_arg(fcinfo, 0, "max_not_valid");
	max_not_valid = ri_nonneg_int_arg(fcinfo, 0, false, "max_not_valid");

	fks = ri_fk_list(NIL, true);
	checks = ri_check_list(NIL, true, true);
	total = list_length(fks) + list_length(checks);
	if (total <= max_not_valid)
		PG_RETURN_VOID();

	initStringInfo(&names);
	foreach(lc, fks)
	{
		FkInfo		fk;

		if (shown >= ASSERT_NAMES_SHOWN)
			break;
		if (!ri_fk_read(lfirst_oid(lc), &fk, true))
			continue;
		appendStringInfo(&names, "%sforeign key constraint \"%s\" of relation \"%s\"",
						 shown++ ? ", " : "", NameStr(fk.conname),
						 get_rel_name(fk.fk_relid));
	}
	foreach(lc, checks)
	{
		RiCheckInfo ci;

		if (shown >= ASSERT_NAMES_SHOWN)
			break;
		if (!ri_check_read(lfirst_oid(lc), &ci, true))
			continue;
		appendStringInfo(&names, "%s%s", shown++ ? ", " : "",
						 ri_check_describe(&ci));
	}

	ereport(ERROR,
			(errcode(fks != NIL ? ERRCODE_FOREIGN_KEY_VIOLATION :
					 ERRCODE_CHECK_VIOLATION),
			 errmsg_plural("%d constraint is NOT VALID, more than the " INT64_FORMAT " allowed",
						   "%d constraints are NOT VALID, more than the " INT64_FORMAT " allowed",
						   total, total, max_not_valid),
			 errdetail("%s %s%s.",
					   total > ASSERT_NAMES_SHOWN ? "The first are" :
					   total == 1 ? "It is" : "They are",
					   names.data,
					   total > ASSERT_NAMES_SHOWN ? ", ..." : ""),
			 errhint("Validate them with ri_audit.validate_all().")));
	PG_RETURN_VOID();
}
