/*-------------------------------------------------------------------------
 *
 * names.c
 *	  Relations by name and owner, and the checks of the SQL functions'
 *	  arguments that every entry point shares.
 *
 * Each fact lives here once: how a relation is named in generated SQL and
 * messages (schema-qualified, quoted as needed), who owns it, how a
 * regclass[] argument is read, and the messages for NULL, negative and
 * unknown arguments.
 *
 * Reads pg_class and pg_namespace through the syscache; takes no locks.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/catalog/names.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_class.h"
#include "catalog/pg_type.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "ri_fk_catalog.h"

/*
 * ri_rel_owner
 *		The owner of relation relid; InvalidOid when it was dropped.
 */
Oid
ri_rel_owner(Oid relid)
{
	HeapTuple	tup;
	Oid			owner;

	tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_class) GETSTRUCT(tup))->relowner;
	ReleaseSysCache(tup);
	return owner;
}

/*
 * ri_qualified_relname
 *		"schema.table", each part quoted as needed, for generated SQL.
 *		ERROR when the relation was dropped: callers hold a lock on it, or
 *		have just read it from the catalogs.
 */
char *
ri_qualified_relname(Oid relid)
{
	char	   *relname = get_rel_name(relid);
	char	   *nspname;

	if (relname == NULL)
		elog(ERROR, "cache lookup failed for relation %u", relid);
	nspname = get_namespace_name(get_rel_namespace(relid));
	if (nspname == NULL)
		elog(ERROR, "cache lookup failed for namespace of relation %u",
			 relid);
	return quote_qualified_identifier(nspname, relname);
}

/*
 * ri_regclass_array_arg
 *		The OIDs of a regclass[] argument named argname, in order; ERROR
 *		2202E for an array of more than one dimension, 22004 on NULL
 *		elements and 42P01 on OIDs that name no relation.
 */
List *
ri_regclass_array_arg(ArrayType *arr, const char *argname)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	List	   *result = NIL;

	if (ARR_NDIM(arr) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("%s must be a one-dimensional array", argname)));
	deconstruct_array(arr, REGCLASSOID, sizeof(Oid), true, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	for (int i = 0; i < nelems; i++)
	{
		Oid			relid;

		if (nulls[i])
			ereport(ERROR,
					(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
					 errmsg("%s must not contain null elements", argname)));
		relid = DatumGetObjectId(elems[i]);
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(relid)))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_TABLE),
					 errmsg("relation with OID %u does not exist", relid)));
		result = lappend_oid(result, relid);
	}
	return result;
}

/*
 * ri_require_arg
 *		ERROR 22004 "<argname> cannot be null" when argument argno is NULL.
 */
void
ri_require_arg(FunctionCallInfo fcinfo, int argno, const char *argname)
{
	if (PG_ARGISNULL(argno))
		ereport(ERROR,
				(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
				 errmsg("%s cannot be null", argname)));
}

/*
 * ri_nonneg_int_arg
 *		Argument argno (bigint when is_int8, else integer) as an integer that
 *		must be >= 0 (22023 otherwise).  The caller has checked it is not
 *		NULL.
 */
int64
ri_nonneg_int_arg(FunctionCallInfo fcinfo, int argno, bool is_int8,
				  const char *argname)
{
	int64		v;

	if (is_int8)
		v = PG_GETARG_INT64(argno);
	else
		v = PG_GETARG_INT32(argno);
	if (v < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s must not be negative", argname)));
	return v;
}
