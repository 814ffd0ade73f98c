/*-------------------------------------------------------------------------
 *
 * fk_catalog.c
 *	  Read foreign key constraints into FkInfo, list them, and decide
 *	  whether the caller may check them.
 *
 * Everything here reads system catalogs only (pg_constraint, pg_attribute,
 * pg_class through the syscache); no user table is read.  A foreign key is
 * read first without any lock on its tables, so that a caller who may not
 * check it does not lock them; ri_fk_lock() then takes AccessShareLock on
 * the referencing and the referenced table (held to end of transaction) and
 * reads the constraint again, so that what the scan uses is what the locked
 * tables carry.  AccessShareLock conflicts only with ACCESS EXCLUSIVE: DDL
 * that could drop or change the constraint waits, INSERT, UPDATE and DELETE
 * do not.
 *
 * Only "top-level" rows of pg_constraint are listed (conparentid = 0):
 * partition clones of a constraint are covered by the scan of their parent.
 * A referencing-side partition clone may still be checked by name (that
 * checks just that partition).  The rows PostgreSQL adds for each partition
 * of a partitioned referenced table (conparentid <> 0, same conrelid as the
 * parent) are refused: checking one of them alone would compare against a
 * single referenced partition and report keys that live in another one.
 *
 * Access rule: the caller needs SELECT on the key columns of both tables
 * (table-level SELECT, or column-level SELECT on each key column), plus, on
 * the referencing table, on its ctid and tableoid system columns, which the
 * result reports (table-level SELECT covers those).  Row-level security
 * that applies to the caller on either table would hide referenced rows
 * (false orphans) or referencing rows (missed orphans), so such keys are
 * refused instead of answered wrongly.  This mirrors RI_Initial_Check,
 * which also requires SELECT on the key columns and falls back when RLS
 * is enabled; unlike it, we also refuse an owner subject to FORCE ROW LEVEL
 * SECURITY, because check_enable_rls() reports that case as enabled.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/catalog/fk_catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_trigger.h"
#include "miscadmin.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/rls.h"
#include "utils/syscache.h"

#include "ri_fk_catalog.h"
#include "ri_owner_code.h"

/* One listed constraint, with the names it is ordered by. */
typedef struct FkListEntry
{
	Oid			conoid;			/* pg_constraint OID */
	char	   *nspname;		/* schema of the referencing table */
	char	   *relname;		/* referencing table */
	char	   *conname;		/* constraint name */
} FkListEntry;

static bool ri_fk_fill(Oid conoid, FkInfo *fk, bool missing_ok);
static RiAccessProblem ri_fk_role_access(const FkInfo *fk, Oid userid,
										 Oid *relid);
static bool ri_att_type(Oid relid, AttrNumber attnum, Oid *type,
						Oid *collation);
static int	fk_list_cmp(const void *a, const void *b);
static bool fk_list_wanted(Form_pg_constraint con, bool only_not_valid);
static bool fk_is_top_level(Form_pg_constraint con);
static void fk_list_add(List **entries, Form_pg_constraint con);

/*
 * ri_fk_lookup
 *		The OID of constraint "conname" on table relid; ERROR 42704 when there
 *		is none.  Whether it is a foreign key is checked by ri_fk_read().
 */
Oid
ri_fk_lookup(Oid relid, const char *conname)
{
	return get_relation_constraint_oid(relid, conname, false);
}

/*
 * ri_fk_read
 *		Fill *fk from the pg_constraint row conoid.  Takes no lock.
 *
 * ERROR 42704 when there is no such constraint (or return false, with
 * missing_ok: for callers working through a list of constraints that one
 * may have been dropped from meanwhile), 42809 (wrong object type) when it
 * is not a foreign key or is one of the internal rows PostgreSQL keeps per
 * partition of a partitioned referenced table.
 */
bool
ri_fk_read(Oid conoid, FkInfo *fk, bool missing_ok)
{
	return ri_fk_fill(conoid, fk, missing_ok);
}

/*
 * ri_fk_lock
 *		Take AccessShareLock on both tables of *fk, then read the constraint
 *		again, now that concurrent DDL on it has to wait for us.  When it
 *		was dropped (or its tables changed) meanwhile: ERROR 42704, or false
 *		with missing_ok.
 */
bool
ri_fk_lock(FkInfo *fk, bool missing_ok)
{
	Oid			conoid = fk->conoid;
	Oid			fk_relid = fk->fk_relid;
	Oid			pk_relid = fk->pk_relid;

	/* Referencing table first, as RI_Initial_Check's callers do. */
	LockRelationOid(fk_relid, AccessShareLock);
	LockRelationOid(pk_relid, AccessShareLock);

	if (!ri_fk_fill(conoid, fk, true) ||
		fk->fk_relid != fk_relid || fk->pk_relid != pk_relid)
	{
		if (missing_ok)
		{
			ereport(DEBUG1,
					(errmsg_internal("skipping foreign key constraint with OID %u, dropped concurrently",
									 conoid)));
			return false;
		}
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("foreign key constraint with OID %u was changed or dropped concurrently",
						conoid)));
	}
	return true;
}

/*
 * ri_att_type
 *		Type and collation of column attnum of relid, from one syscache
 *		lookup; false when it is gone.
 */
static bool
ri_att_type(Oid relid, AttrNumber attnum, Oid *type, Oid *collation)
{
	HeapTuple	tup;
	Form_pg_attribute att;

	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
						  Int16GetDatum(attnum));
	if (!HeapTupleIsValid(tup))
		return false;
	att = (Form_pg_attribute) GETSTRUCT(tup);
	*type = att->atttypid;
	*collation = att->attcollation;
	ReleaseSysCache(tup);
	return true;
}

/*
 * ri_fk_fill
 *		Workhorse of ri_fk_read() and ri_fk_lock().  With missing_ok, return
 *		false instead of raising 42704 when the row is gone.
 */
static bool
ri_fk_fill(Oid conoid, FkInfo *fk, bool missing_ok)
{
	HeapTuple	tup;
	Form_pg_constraint con;

	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	if (!HeapTupleIsValid(tup))
	{
		if (missing_ok)
			return false;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("constraint with OID %u does not exist", conoid)));
	}
	con = (Form_pg_constraint) GETSTRUCT(tup);

	if (con->contype != CONSTRAINT_FOREIGN)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("constraint \"%s\" is not a foreign key constraint",
						NameStr(con->conname))));

	/*
	 * Refuse the per-partition rows of a partitioned referenced table: their
	 * parent has the same referencing table, and only the parent describes
	 * the whole constraint.
	 */
	if (OidIsValid(con->conparentid))
	{
		HeapTuple	ptup;

		ptup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(con->conparentid));
		if (HeapTupleIsValid(ptup))
		{
			Form_pg_constraint parent = (Form_pg_constraint) GETSTRUCT(ptup);

			if (parent->conrelid == con->conrelid)
			{
				char	   *pname = pstrdup(NameStr(parent->conname));

				ReleaseSysCache(ptup);
				ereport(ERROR,
						(errcode(ERRCODE_WRONG_OBJECT_TYPE),
						 errmsg("constraint \"%s\" is an internal part of foreign key constraint \"%s\"",
								NameStr(con->conname), pname),
						 errdetail("PostgreSQL keeps such a row for each partition of a partitioned referenced table."),
						 errhint("Check foreign key constraint \"%s\" instead.",
								 pname)));
			}
			ReleaseSysCache(ptup);
		}
	}

	if (con->confmatchtype != FKCONSTR_MATCH_SIMPLE &&
		con->confmatchtype != FKCONSTR_MATCH_FULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("MATCH PARTIAL not yet implemented")));

	memset(fk, 0, sizeof(FkInfo));
	fk->conoid = conoid;
	namestrcpy(&fk->conname, NameStr(con->conname));
	fk->fk_relid = con->conrelid;
	fk->pk_relid = con->confrelid;
	fk->confmatchtype = con->confmatchtype;
	fk->convalidated = con->convalidated;

	/*
	 * Key columns, the "pk = fk" and "pk = pk" operators; validates the
	 * arrays.
	 */
	DeconstructFkConstraintRow(tup, &fk->nkeys, fk->fk_attnums, fk->pk_attnums,
							   fk->pf_eq_oprs, fk->pp_eq_oprs, NULL, NULL,
							   NULL);
	ReleaseSysCache(tup);

	for (int i = 0; i < fk->nkeys; i++)
	{
		/*
		 * Without a lock on the tables, one may have been dropped since the
		 * constraint was read, and the constraint with it: that is
		 * "missing" too, with the error ri_fk_lock() gives for it.
		 */
		if (!ri_att_type(fk->fk_relid, fk->fk_attnums[i], &fk->fk_types[i],
						 &fk->fk_collations[i]) ||
			!ri_att_type(fk->pk_relid, fk->pk_attnums[i], &fk->pk_types[i],
						 &fk->pk_collations[i]))
		{
			if (missing_ok)
				return false;
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("foreign key constraint with OID %u was changed or dropped concurrently",
							conoid)));
		}
	}
	return true;
}

/*
 * ri_fk_column_name
 *		Name of referencing column number "key" (0-based, key order).
 */
char *
ri_fk_column_name(const FkInfo *fk, int key)
{
	return get_attname(fk->fk_relid, fk->fk_attnums[key], false);
}

/*
 * Does ri_fk_list() list this constraint?  Top-level foreign keys only
 * (partition copies are covered by their parent), and with only_not_valid
 * only those not validated yet.
 */
static bool
fk_list_wanted(Form_pg_constraint con, bool only_not_valid)
{
	return fk_is_top_level(con) && !(only_not_valid && con->convalidated);
}

/*
 * fk_is_top_level
 *		Is this pg_constraint row a top-level foreign key?  Partition clones
 *		(conparentid <> 0) are covered by their parent: the clones on the
 *		referencing side by the scan of the partitioned table, the rows
 *		PostgreSQL adds per partition of a partitioned referenced table by
 *		the parent row, which references the whole table.
 */
static bool
fk_is_top_level(Form_pg_constraint con)
{
	return con->contype == CONSTRAINT_FOREIGN && !OidIsValid(con->conparentid);
}

/*
 * ri_fk_edges
 *		Every top-level foreign key of the database as an FkEdge, in
 *		pg_constraint's heap order, from one scan of pg_constraint with the
 *		catalog snapshot.  With nullability, key_can_be_null is set from
 *		the key columns' attnotnull, and a key whose table was dropped while
 *		the scan ran (a key column gone from the catalog cache) is left out;
 *		without it, key_can_be_null is false and no column is looked up, so
 *		that the cost does not grow with pg_attribute lookups for every key
 *		of the database.  Takes AccessShareLock on pg_constraint only; no
 *		user table is locked.
 */
List *
ri_fk_edges(bool nullability)
{
	Relation	conRel;
	SysScanDesc scan;
	HeapTuple	tuple;
	List	   *edges = NIL;

	conRel = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(conRel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tuple = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tuple);
		FkEdge	   *e;
		int			nnullable = 0;
		bool		gone = false;

		CHECK_FOR_INTERRUPTS();
		if (!fk_is_top_level(con))
			continue;

		e = palloc0(sizeof(FkEdge));
		e->conoid = con->oid;
		namestrcpy(&e->conname, NameStr(con->conname));
		e->fk_relid = con->conrelid;
		e->pk_relid = con->confrelid;
		e->deferrable = con->condeferrable;
		e->initdeferred = con->condeferred;
		e->validated = con->convalidated;
		e->matchtype = con->confmatchtype;
		e->deltype = con->confdeltype;
		e->updtype = con->confupdtype;
		DeconstructFkConstraintRow(tuple, &e->nkeys, e->fk_attnums,
								   e->pk_attnums, NULL, NULL, NULL,
								   &e->ndelsetcols, e->delsetcols);

		/* MATCH SIMPLE: one nullable column; MATCH FULL: all of them */
		for (int i = 0; nullability && i < e->nkeys && !gone; i++)
		{
			HeapTuple	atttup;

			atttup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(e->fk_relid),
									 Int16GetDatum(e->fk_attnums[i]));
			if (!HeapTupleIsValid(atttup))
			{
				gone = true;
				break;
			}
			if (!((Form_pg_attribute) GETSTRUCT(atttup))->attnotnull)
				nnullable++;
			ReleaseSysCache(atttup);
		}
		if (gone)
		{
			pfree(e);
			continue;
		}
		e->key_can_be_null = nullability &&
			((e->matchtype == FKCONSTR_MATCH_FULL) ?
			 (nnullable == e->nkeys) : (nnullable > 0));
		edges = lappend(edges, e);
	}
	systable_endscan(scan);
	table_close(conRel, AccessShareLock);
	return edges;
}

/*
 * fk_list_add
 *		Append one pg_constraint row to a list of FkListEntry.
 */
static void
fk_list_add(List **entries, Form_pg_constraint con)
{
	FkListEntry *e = palloc(sizeof(FkListEntry));
	char	   *relname = get_rel_name(con->conrelid);

	if (relname == NULL)
		return;					/* table dropped concurrently */
	e->conoid = con->oid;
	e->relname = relname;
	e->nspname = get_namespace_name(get_rel_namespace(con->conrelid));
	e->conname = pstrdup(NameStr(con->conname));
	*entries = lappend(*entries, e);
}

/* qsort comparator: schema, table, constraint name, bytewise; then OID. */
static int
fk_list_cmp(const void *a, const void *b)
{
	const FkListEntry *ea = *(FkListEntry *const *) a;
	const FkListEntry *eb = *(FkListEntry *const *) b;
	int			r;

	if ((r = strcmp(ea->nspname ? ea->nspname : "",
					eb->nspname ? eb->nspname : "")) != 0)
		return r;
	if ((r = strcmp(ea->relname, eb->relname)) != 0)
		return r;
	if ((r = strcmp(ea->conname, eb->conname)) != 0)
		return r;
	if (ea->conoid != eb->conoid)
		return ea->conoid < eb->conoid ? -1 : 1;
	return 0;
}

/*
 * ri_fk_list
 *		The top-level foreign keys (conparentid = 0) whose referencing table
 *		is in relids, or of every table when relids is NIL, ordered by
 *		schema, table and constraint name (bytewise, so independent of the
 *		database collation).  With only_not_valid, just the NOT VALID ones.
 *		Returns a List of constraint OIDs.  Reads pg_constraint; no lock on
 *		user tables.
 */
List *
ri_fk_list(List *relids, bool only_not_valid)
{
	Relation	conrel;
	List	   *entries = NIL;
	List	   *result = NIL;
	FkListEntry **arr;
	int			n;
	ListCell   *lc;

	conrel = table_open(ConstraintRelationId, AccessShareLock);

	if (relids == NIL)
	{
		SysScanDesc scan;
		HeapTuple	tup;

		scan = systable_beginscan(conrel, InvalidOid, false, NULL, 0, NULL);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

			CHECK_FOR_INTERRUPTS();
			if (fk_list_wanted(con, only_not_valid))
				fk_list_add(&entries, con);
		}
		systable_endscan(scan);
	}
	else
	{
		List	   *unique = NIL;

		/* Tables listed twice are checked once. */
		foreach(lc, relids)
			unique = list_append_unique_oid(unique, lfirst_oid(lc));

		foreach(lc, unique)
		{
			Oid			relid = lfirst_oid(lc);
			ScanKeyData key;
			SysScanDesc scan;
			HeapTuple	tup;

			ScanKeyInit(&key, Anum_pg_constraint_conrelid,
						BTEqualStrategyNumber, F_OIDEQ,
						ObjectIdGetDatum(relid));
			scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId,
									  true, NULL, 1, &key);
			while (HeapTupleIsValid(tup = systable_getnext(scan)))
			{
				Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);

				CHECK_FOR_INTERRUPTS();
				if (fk_list_wanted(con, only_not_valid))
					fk_list_add(&entries, con);
			}
			systable_endscan(scan);
		}
	}
	table_close(conrel, AccessShareLock);

	n = list_length(entries);
	if (n == 0)
		return NIL;
	arr = palloc(sizeof(FkListEntry *) * n);
	for (int i = 0; i < n; i++)
		arr[i] = list_nth(entries, i);
	qsort(arr, n, sizeof(FkListEntry *), fk_list_cmp);
	for (int i = 0; i < n; i++)
		result = lappend_oid(result, arr[i]->conoid);
	return result;
}

/*
 * ri_fk_listing
 *		The facts check_foreign_keys() reports about each listed key even when
 *		the key is dropped before its turn comes: OID, name, tables, validity.
 *		About 80 bytes a key, so that the full FkInfo (about 1 kB) is read
 *		for one referencing table's keys at a time.  Keys dropped since
 *		ri_fk_list() saw them are passed over: nothing is left to name them.
 */
FkListing *
ri_fk_listing(List *conoids, int *nkeys)
{
	FkListing  *keys = palloc(sizeof(FkListing) * Max(list_length(conoids), 1));
	int			n = 0;
	ListCell   *lc;

	foreach(lc, conoids)
	{
		HeapTuple	tuple;
		Form_pg_constraint con;

		tuple = SearchSysCache1(CONSTROID, ObjectIdGetDatum(lfirst_oid(lc)));
		if (!HeapTupleIsValid(tuple))
			continue;
		con = (Form_pg_constraint) GETSTRUCT(tuple);
		keys[n].conoid = con->oid;
		keys[n].conname = con->conname;
		keys[n].fk_relid = con->conrelid;
		keys[n].pk_relid = con->confrelid;
		keys[n].pk_index = con->conindid;
		keys[n].convalidated = con->convalidated;
		n++;
		ReleaseSysCache(tuple);
	}
	*nkeys = n;
	return keys;
}

/*
 * ri_rel_access
 *		What, if anything, keeps role userid from reading the key columns of
 *		relid (and, with with_location, the ctid and tableoid of its rows):
 *		the table gone, no USAGE on its schema (the scan names it), no SELECT
 *		on the columns (table-level SELECT, or column-level SELECT on each),
 *		row-level security.  Never fails on a table dropped concurrently.
 */
RiAccessProblem
ri_rel_access(Oid userid, Oid relid, const AttrNumber *attnums, int nkeys,
			  bool with_location)
{
	Oid			nspid = get_rel_namespace(relid);
	bool		is_missing = false;

	if (!OidIsValid(nspid))
		return RI_ACCESS_GONE;
	if (isOtherTempNamespace(nspid))
		return RI_ACCESS_OTHER_TEMP;
	if (!SearchSysCacheExists1(NAMESPACEOID, ObjectIdGetDatum(nspid)))
		return RI_ACCESS_GONE;
	if (pg_namespace_aclcheck(nspid, userid, ACL_USAGE) != ACLCHECK_OK)
		return RI_ACCESS_NO_SCHEMA;

	if (pg_class_aclcheck_ext(relid, userid, ACL_SELECT,
							  &is_missing) != ACLCHECK_OK)
	{
		if (is_missing)
			return RI_ACCESS_GONE;
		for (int i = 0; i < nkeys; i++)
		{
			if (pg_attribute_aclcheck_ext(relid, attnums[i], userid,
										  ACL_SELECT,
										  &is_missing) != ACLCHECK_OK)
				return is_missing ? RI_ACCESS_GONE : RI_ACCESS_NO_SELECT;
		}
		if (with_location &&
			(pg_attribute_aclcheck_ext(relid, SelfItemPointerAttributeNumber,
									   userid, ACL_SELECT,
									   &is_missing) != ACLCHECK_OK ||
			 pg_attribute_aclcheck_ext(relid, TableOidAttributeNumber,
									   userid, ACL_SELECT,
									   &is_missing) != ACLCHECK_OK))
			return is_missing ? RI_ACCESS_GONE : RI_ACCESS_NO_LOCATION;
	}

	/* check_enable_rls() treats a missing table as one without RLS. */
	if (check_enable_rls(relid, userid, true) == RLS_ENABLED)
		return RI_ACCESS_RLS;
	return RI_ACCESS_OK;
}

/*
 * ri_fk_access
 *		RI_ACCESS_OK when the caller may check *fk; otherwise the problem,
 *		with *relid set to the table it concerns.  Safe to call before the
 *		tables are locked: a table dropped meanwhile is RI_ACCESS_GONE, not
 *		an error.
 */
RiAccessProblem
ri_fk_access(const FkInfo *fk, Oid *relid)
{
	RiAccessProblem problem;
	Oid			scan_role;

	problem = ri_fk_role_access(fk, GetUserId(), relid);
	if (problem != RI_ACCESS_OK)
		return problem;

	/*
	 * When comparing the keys runs another role's code, the comparison runs
	 * as the referencing table's owner, which must then see exactly what
	 * the caller sees: both key column sets, no row-level security.
	 */
	scan_role = ri_fk_scan_role(fk);
	if (OidIsValid(scan_role))
	{
		problem = ri_fk_role_access(fk, scan_role, relid);
		if (problem == RI_ACCESS_GONE)
			return problem;
		if (problem != RI_ACCESS_OK)
			return RI_ACCESS_FOREIGN_CODE;
	}
	*relid = InvalidOid;
	return RI_ACCESS_OK;
}

/*
 * ri_fk_role_access
 *		ri_fk_access's rule for role userid: RI_ACCESS_OK when it may read
 *		the key columns of both tables (and the ctid and tableoid of the
 *		referencing one) with no row-level security; otherwise the problem,
 *		with *relid set to the table it concerns.
 */
static RiAccessProblem
ri_fk_role_access(const FkInfo *fk, Oid userid, Oid *relid)
{
	Oid			rels[2] = {fk->fk_relid, fk->pk_relid};

	for (int side = 0; side < 2; side++)
	{
		const AttrNumber *attnums = side == 0 ? fk->fk_attnums : fk->pk_attnums;
		RiAccessProblem problem;

		*relid = rels[side];
		problem = ri_rel_access(userid, rels[side], attnums, fk->nkeys,
								side == 0);
		if (problem != RI_ACCESS_OK)
			return problem;
	}
	*relid = InvalidOid;
	return RI_ACCESS_OK;
}

/*
 * ri_fk_scan_role
 *		The role the planner path's query for *fk must run as: InvalidOid
 *		(the caller) when comparing its keys runs only trusted code, else
 *		the owner of the referencing table (owner_code.c says why).  A table
 *		dropped meanwhile gives InvalidOid; ri_fk_lock() finds out.
 */
Oid
ri_fk_scan_role(const FkInfo *fk)
{
	if (!OidIsValid(ri_fk_foreign_function(fk)))
		return InvalidOid;
	return ri_rel_owner(fk->fk_relid);
}

/*
 * ri_fk_foreign_code_text
 *		What ri_fk_access's RI_ACCESS_FOREIGN_CODE is about: the foreign
 *		function, and the role it would run as.
 */
static void
ri_fk_foreign_code_text(const FkInfo *fk, char **function, char **role)
{
	Oid			funcid = ri_fk_foreign_function(fk);
	Oid			owner = ri_fk_scan_role(fk);
	char	   *rolname = OidIsValid(owner) ? GetUserNameFromId(owner, true) : NULL;

	*function = OidIsValid(funcid) ? ri_foreign_function_text(funcid) :
		pstrdup("code of another role");
	*role = rolname ? pstrdup(quote_identifier(rolname)) : pstrdup("(dropped)");
}

/*
 * ri_access_reason
 *		A problem ri_fk_access or ri_check_access found on relation relid,
 *		as a lower-case phrase.  NULL for RI_ACCESS_OK, and for the two
 *		problems whose phrase names what the constraint reads or runs
 *		(RI_ACCESS_NO_SELECT and RI_ACCESS_FOREIGN_CODE), which the caller
 *		phrases.  A relation that is gone by now is reported as dropped
 *		concurrently, whatever the problem was.
 */
char *
ri_access_reason(RiAccessProblem problem, Oid relid)
{
	char	   *relname = get_rel_name(relid);
	char	   *nspname;

	if (problem != RI_ACCESS_OK && problem != RI_ACCESS_GONE &&
		relname == NULL)
		problem = RI_ACCESS_GONE;	/* dropped since it was checked */

	switch (problem)
	{
		case RI_ACCESS_OK:
		case RI_ACCESS_NO_SELECT:
		case RI_ACCESS_FOREIGN_CODE:
			break;
		case RI_ACCESS_GONE:
			return pstrdup("the constraint or its table was dropped or changed concurrently");
		case RI_ACCESS_OTHER_TEMP:
			return psprintf("table \"%s\" is a temporary table of another session",
							relname);
		case RI_ACCESS_NO_SCHEMA:
			nspname = get_namespace_name(get_rel_namespace(relid));
			return psprintf("permission denied for schema %s",
							nspname ? nspname : "(dropped)");
		case RI_ACCESS_NO_LOCATION:
			return psprintf("permission denied for the ctid and tableoid columns of table \"%s\"",
							relname);
		case RI_ACCESS_RLS:
			return psprintf("row-level security applies to table \"%s\"",
							relname);
	}
	return NULL;
}

/*
 * ri_fk_access_reason
 *		The problem as a lower-case phrase, for "skipped: <reason>".
 */
char *
ri_fk_access_reason(const FkInfo *fk, RiAccessProblem problem, Oid relid)
{
	char	   *relname = get_rel_name(relid);
	char	   *function;
	char	   *role;

	if (relname == NULL)
		return ri_access_reason(problem, relid);
	if (problem == RI_ACCESS_NO_SELECT)
		return psprintf("permission denied for the key columns of table \"%s\"",
						relname);
	if (problem != RI_ACCESS_FOREIGN_CODE)
		return ri_access_reason(problem, relid);
	ri_fk_foreign_code_text(fk, &function, &role);
	return psprintf("comparing its keys runs %s, which runs only as table owner %s, who cannot read table \"%s\"",
					function, role, relname);
}

/*
 * ri_fk_require_access
 *		ERROR 42501 (or 0A000 for another session's temporary table) when the
 *		caller may not check *fk.
 *
 * Callers may come here before the tables are locked: the names the
 * messages need are read first, and a table whose name is gone by then
 * was dropped concurrently, which ri_fk_lock() reports.
 */
void
ri_fk_require_access(const FkInfo *fk)
{
	Oid			relid;
	RiAccessProblem problem = ri_fk_access(fk, &relid);
	char	   *relname = NULL;
	char	   *nspname = NULL;
	char	   *fk_relname = NULL;
	char	   *pk_relname = NULL;

	if (problem == RI_ACCESS_OK || problem == RI_ACCESS_GONE)
		return;
	relname = get_rel_name(relid);
	nspname = get_namespace_name(get_rel_namespace(relid));
	fk_relname = get_rel_name(fk->fk_relid);
	pk_relname = get_rel_name(fk->pk_relid);
	if (relname == NULL || nspname == NULL || fk_relname == NULL ||
		pk_relname == NULL)
		return;					/* dropped concurrently */

	switch (problem)
	{
		case RI_ACCESS_OK:
		case RI_ACCESS_GONE:
			/* ri_fk_lock() finds out, and says so */
			break;
		case RI_ACCESS_OTHER_TEMP:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot check foreign key constraint \"%s\"",
							NameStr(fk->conname)),
					 errdetail("Table \"%s\" is a temporary table of another session.",
							   relname)));
			break;
		case RI_ACCESS_NO_SCHEMA:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to check foreign key constraint \"%s\"",
							NameStr(fk->conname)),
					 errdetail("Checking it needs USAGE on schema \"%s\".",
							   nspname)));
			break;
		case RI_ACCESS_NO_SELECT:
		case RI_ACCESS_NO_LOCATION:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to check foreign key constraint \"%s\"",
							NameStr(fk->conname)),
					 errdetail("Checking it needs SELECT on the key columns of tables \"%s\" and \"%s\", and on the ctid and tableoid columns of table \"%s\".",
							   fk_relname, pk_relname, fk_relname)));
			break;
		case RI_ACCESS_RLS:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot check foreign key constraint \"%s\" because row-level security applies to table \"%s\"",
							NameStr(fk->conname), relname),
					 errdetail("Rows hidden by a policy would make the result wrong."),
					 errhint("Check it as a role that bypasses row-level security or owns the table.")));
			break;
		case RI_ACCESS_FOREIGN_CODE:
			{
				char	   *function;
				char	   *role;

				ri_fk_foreign_code_text(fk, &function, &role);
				ereport(ERROR,
						(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
						 errmsg("cannot check foreign key constraint \"%s\" because comparing its keys runs %s",
								NameStr(fk->conname), function),
						 errdetail("Code of another role runs only as the owner of table \"%s\", role %s, and that role cannot read the key columns of table \"%s\" without row-level security.",
								   get_rel_name(fk->fk_relid), role,
								   get_rel_name(relid)),
						 errhint("Grant role %s SELECT on the key columns of table \"%s\", or check the key as a role that owns the function.",
								 role, get_rel_name(relid))));
			}
			break;
	}
}

/*
 * ri_rel_can_read_columns
 *		May the caller read columns attnums[0..n-1] of relid (SELECT on the
 *		table or on each column, USAGE on its schema, no row-level
 *		security)?  The rule of ri_fk_can_show_key, for other columns.
 */
bool
ri_rel_can_read_columns(Oid relid, const AttrNumber *attnums, int n)
{
	return ri_rel_access(GetUserId(), relid, attnums, n, false) == RI_ACCESS_OK;
}

/*
 * ri_fk_can_show_key
 *		May key values of referencing rows be shown to the caller?  The rule
 *		of ri_ReportViolation: no RLS on the referencing table for the caller,
 *		and SELECT on it or on each of its key columns.
 */
bool
ri_fk_can_show_key(const FkInfo *fk)
{
	return ri_rel_access(GetUserId(), fk->fk_relid, fk->fk_attnums,
						 fk->nkeys, false) == RI_ACCESS_OK;
}

/*
 * ri_rel_require_unhidden
 *		ERROR 42501 when row-level security applies to the caller on relid:
 *		rows hidden by a policy would make an answer about the table's rows
 *		wrong (the rule of ri_fk_access for the tables of a foreign key, for
 *		a table read on its own).  Privileges are checked by the executor of
 *		the query that reads it.
 */
void
ri_rel_require_unhidden(Oid relid)
{
	if (ri_rel_access(GetUserId(), relid, NULL, 0, false) == RI_ACCESS_RLS)
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("cannot read table \"%s\" because row-level security applies to it",
						get_rel_name(relid)),
				 errdetail("Rows hidden by a policy would make the result wrong."),
				 errhint("Run it as a role that bypasses row-level security or owns the table.")));
}

/*
 * fk_leaf_constraint
 *		The row of pg_constraint whose RI triggers fire for rows of pk_leaf,
 *		a partition of the table foreign key conoid references (or that
 *		table itself): conoid, or the copy PostgreSQL keeps for pk_leaf
 *		(same conrelid, confrelid pk_leaf, descending from conoid).  With
 *		fk_leaf valid instead, a partition of the referencing table (or that
 *		table): the one whose check triggers fire for rows of fk_leaf
 *		(conrelid fk_leaf, the same confrelid, descending from conoid).
 */
static Oid
fk_leaf_constraint(Oid conoid, Oid pk_leaf, Oid fk_leaf)
{
	HeapTuple	tup;
	Oid			fk_relid;
	Oid			pk_relid;
	Oid			result = conoid;
	Relation	conrel;
	ScanKeyData key;
	SysScanDesc scan;

	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	fk_relid = ((Form_pg_constraint) GETSTRUCT(tup))->conrelid;
	pk_relid = ((Form_pg_constraint) GETSTRUCT(tup))->confrelid;
	ReleaseSysCache(tup);
	if (OidIsValid(fk_leaf))
		pk_leaf = pk_relid;
	else
		fk_leaf = fk_relid;
	if (pk_leaf == pk_relid && fk_leaf == fk_relid)
		return conoid;

	conrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_constraint_conrelid,
				BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(fk_leaf));
	scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId,
							  true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		Oid			up = con->conparentid;
		int			depth = 0;

		CHECK_FOR_INTERRUPTS();
		if (con->contype != CONSTRAINT_FOREIGN || con->confrelid != pk_leaf)
			continue;
		/* does it descend from conoid? */
		while (OidIsValid(up) && up != conoid && depth++ < 100)
		{
			HeapTuple	ptup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(up));

			if (!HeapTupleIsValid(ptup))
				break;
			up = ((Form_pg_constraint) GETSTRUCT(ptup))->conparentid;
			ReleaseSysCache(ptup);
		}
		if (up == conoid)
		{
			result = con->oid;
			break;
		}
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);
	return result;
}

/*
 * ri_fk_trigger_conname
 *		The name PostgreSQL's errors give foreign key conoid when a row of
 *		pk_leaf, a partition of its referenced table, is removed: the RI
 *		triggers of a partition belong to the copy of the constraint that
 *		PostgreSQL keeps for that partition, which may have a name of its
 *		own.  Reads pg_constraint; no locks.
 */
char *
ri_fk_trigger_conname(Oid conoid, Oid pk_leaf)
{
	Oid			leafcon = fk_leaf_constraint(conoid, pk_leaf, InvalidOid);

	return OidIsValid(leafcon) ? get_constraint_name(leafcon) : NULL;
}

/*
 * ri_fk_check_conname
 *		The name PostgreSQL's errors give foreign key conoid when it checks
 *		a row of fk_leaf, a partition of its referencing table: that of the
 *		copy of the constraint on fk_leaf, whose check triggers fire there.
 *		Reads pg_constraint; no locks.
 */
char *
ri_fk_check_conname(Oid conoid, Oid fk_leaf)
{
	Oid			leafcon = fk_leaf_constraint(conoid, InvalidOid, fk_leaf);

	return OidIsValid(leafcon) ? get_constraint_name(leafcon) : NULL;
}

/*
 * ri_fk_action_trigger_name
 *		The name of the RI trigger of foreign key conoid that fires on
 *		pk_leaf for a DELETE (on_delete) or an UPDATE of a referenced row;
 *		the triggers of one row fire in the order of these names.  NULL
 *		when there is none.  Reads pg_constraint and pg_trigger; no locks.
 */
char *
ri_fk_action_trigger_name(Oid conoid, Oid pk_leaf, bool on_delete)
{
	Oid			leafcon = fk_leaf_constraint(conoid, pk_leaf, InvalidOid);
	Relation	trigrel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	tup;
	char	   *result = NULL;

	if (!OidIsValid(leafcon))
		return NULL;
	trigrel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_trigger_tgconstraint,
				BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(leafcon));
	scan = systable_beginscan(trigrel, TriggerConstraintIndexId,
							  true, NULL, 1, &key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_trigger trig = (Form_pg_trigger) GETSTRUCT(tup);

		if (trig->tgrelid != pk_leaf)
			continue;
		if (on_delete ? TRIGGER_FOR_DELETE(trig->tgtype) :
			TRIGGER_FOR_UPDATE(trig->tgtype))
		{
			result = pstrdup(NameStr(trig->tgname));
			break;
		}
	}
	systable_endscan(scan);
	table_close(trigrel, AccessShareLock);
	return result;
}
