/*-------------------------------------------------------------------------
 *
 * check_catalog.c
 *	  CHECK constraints of tables and domains read from pg_constraint, the
 *	  tables each is checked on, and the caller's access to them.
 *
 * A table's CHECK constraint is checked, as ALTER TABLE ... VALIDATE
 * CONSTRAINT checks it (ATExecValidateConstraint), on the table and, unless
 * it is NO INHERIT, on every inheritance child and partition, each through
 * its own copy of the constraint (same name, attribute numbers of that
 * table, its own convalidated); relations without storage (partitioned
 * and foreign tables) hold no rows to check.  A domain's CHECK constraint
 * is checked on the columns ALTER DOMAIN ... VALIDATE CONSTRAINT checks
 * (src/import/typecmds.c).
 *
 * Access: the caller needs USAGE on the schema and SELECT on the columns
 * the constraint reads (table-level SELECT, or column-level SELECT on each)
 * and on ctid and tableoid, with no row-level security applying: for a
 * table's constraint on the table holding it (as a SELECT on a parent reads
 * its children's rows), for a domain's on each table with a column of it.
 * When the expression calls another role's code (owner_code.c), it runs as
 * the owner of the table scanned, who must then read those columns with no
 * row-level security too (RI_ACCESS_FOREIGN_CODE otherwise).
 *
 * Locks: ri_check_targets() takes AccessShareLock on every table it
 * returns (held to end of transaction); the rest reads the catalogs only.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/catalog/check_catalog.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "miscadmin.h"
#include "nodes/nodeFuncs.h"
#include "optimizer/optimizer.h"
#include "storage/lmgr.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/syscache.h"

#include "ri_check.h"
#include "ri_owner_code.h"

/* One listed constraint, with what it is sorted by. */
typedef struct CheckListEntry
{
	Oid			conoid;
	bool		is_domain;		/* domains sort after tables */
	char	   *nspname;		/* schema of the table or domain */
	char	   *objname;		/* table or domain name */
	char	   *conname;
} CheckListEntry;

static Node *constraint_expr(HeapTuple tup);
static int	check_list_cmp(const void *a, const void *b);
static char *type_name(Oid typid);
static bool is_system_namespace(Oid nspid);
static int	read_columns(Oid relid, const int16 *keys, int nkeys,
						 AttrNumber **atts);

/*
 * read_columns
 *		The user columns of relid that an expression reading keys (attribute
 *		numbers as pull_varattnos() or conkey give them) reads, ascending,
 *		into *atts (palloc'd): a whole-row reference (0) reads every column
 *		not dropped; system columns (tableoid) are left out, their access
 *		being checked with ctid's.  Returns how many.
 */
static int
read_columns(Oid relid, const int16 *keys, int nkeys, AttrNumber **atts)
{
	bool		whole_row = false;
	Bitmapset  *cols = NULL;
	int			n = 0;
	int			col;

	for (int i = 0; i < nkeys; i++)
	{
		if (keys[i] == 0)
			whole_row = true;
		else if (keys[i] > 0)
			cols = bms_add_member(cols, keys[i]);
	}
	if (whole_row)
	{
		HeapTuple	reltup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
		int			natts = 0;

		if (HeapTupleIsValid(reltup))
		{
			natts = ((Form_pg_class) GETSTRUCT(reltup))->relnatts;
			ReleaseSysCache(reltup);
		}

		for (AttrNumber attnum = 1; attnum <= natts; attnum++)
		{
			HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
											  Int16GetDatum(attnum));

			if (!HeapTupleIsValid(tup))
				continue;
			if (!((Form_pg_attribute) GETSTRUCT(tup))->attisdropped)
				cols = bms_add_member(cols, attnum);
			ReleaseSysCache(tup);
		}
	}
	*atts = palloc(sizeof(AttrNumber) * (bms_num_members(cols) + 1));
	col = -1;
	while ((col = bms_next_member(cols, col)) >= 0)
		(*atts)[n++] = col;
	return n;
}

/*
 * is_system_namespace
 *		pg_catalog, pg_toast and information_schema, whose constraints a
 *		listing of every constraint leaves out.
 */
static bool
is_system_namespace(Oid nspid)
{
	char	   *nspname;

	if (IsCatalogNamespace(nspid) || IsToastNamespace(nspid))
		return true;
	nspname = get_namespace_name(nspid);
	return nspname != NULL && strcmp(nspname, "information_schema") == 0;
}

/*
 * type_name
 *		pg_type.typname, or NULL when the type is gone.
 */
static char *
type_name(Oid typid)
{
	HeapTuple	tup;
	char	   *result;

	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(typid));
	if (!HeapTupleIsValid(tup))
		return NULL;
	result = pstrdup(NameStr(((Form_pg_type) GETSTRUCT(tup))->typname));
	ReleaseSysCache(tup);
	return result;
}

/*
 * constraint_expr
 *		The conbin of a pg_constraint tuple, as a node tree.
 */
static Node *
constraint_expr(HeapTuple tup)
{
	Datum		val;
	bool		isnull;

	val = SysCacheGetAttr(CONSTROID, tup, Anum_pg_constraint_conbin, &isnull);
	if (isnull)
		elog(ERROR, "null conbin for constraint %u",
			 ((Form_pg_constraint) GETSTRUCT(tup))->oid);
	return (Node *) stringToNode(TextDatumGetCString(val));
}

/*
 * ri_check_read
 *		Fill *ci from pg_constraint.  Unknown OID: 42704 (or false with
 *		missing_ok); not a CHECK constraint: 42809.
 */
bool
ri_check_read(Oid conoid, RiCheckInfo *ci, bool missing_ok)
{
	HeapTuple	tup;
	Form_pg_constraint con;
	Datum		val;
	bool		isnull;

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
	if (con->contype != CONSTRAINT_CHECK)
	{
		char		contype = con->contype;
		char	   *name = pstrdup(NameStr(con->conname));

		ReleaseSysCache(tup);
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("constraint \"%s\" is not a check constraint", name),
				 contype == CONSTRAINT_FOREIGN ?
				 errhint("Find the orphans of a foreign key with ri_audit.orphans().") : 0));
	}
	ci->conoid = conoid;
	ci->conname = con->conname;
	ci->relid = con->conrelid;
	ci->typid = con->contypid;
	ci->convalidated = con->convalidated;
	ci->connoinherit = con->connoinherit;
	ci->natts = 0;
	ci->atts = NULL;
	val = SysCacheGetAttr(CONSTROID, tup, Anum_pg_constraint_conkey, &isnull);
	if (!isnull && OidIsValid(ci->relid))
	{
		ArrayType  *arr = DatumGetArrayTypeP(val);

		ci->natts = read_columns(ci->relid, (int16 *) ARR_DATA_PTR(arr),
								 ARR_DIMS(arr)[0], &ci->atts);
	}
	ReleaseSysCache(tup);
	return true;
}

/*
 * ri_constraint_type
 *		pg_constraint.contype of conoid, '\0' when there is no such
 *		constraint.
 */
char
ri_constraint_type(Oid conoid)
{
	HeapTuple	tup;
	char		result;

	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
	if (!HeapTupleIsValid(tup))
		return '\0';
	result = ((Form_pg_constraint) GETSTRUCT(tup))->contype;
	ReleaseSysCache(tup);
	return result;
}

/*
 * ri_constraint_lookup
 *		The constraint of table relid named conname: PostgreSQL's lookup and
 *		its error (42704) when there is none.
 */
Oid
ri_constraint_lookup(Oid relid, const char *conname)
{
	if (get_rel_name(relid) == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation with OID %u does not exist", relid)));
	return get_relation_constraint_oid(relid, conname, false);
}

/*
 * check_list_cmp
 *		Tables' constraints by schema, table and name, then domains'.
 */
static int
check_list_cmp(const void *a, const void *b)
{
	const CheckListEntry *x = (const CheckListEntry *) a;
	const CheckListEntry *y = (const CheckListEntry *) b;
	int			c;

	if (x->is_domain != y->is_domain)
		return x->is_domain ? 1 : -1;
	if ((c = strcmp(x->nspname, y->nspname)) != 0)
		return c;
	if ((c = strcmp(x->objname, y->objname)) != 0)
		return c;
	if ((c = strcmp(x->conname, y->conname)) != 0)
		return c;
	return x->conoid < y->conoid ? -1 : x->conoid > y->conoid ? 1 : 0;
}

/*
 * ri_check_list
 *		OIDs of the top-level CHECK constraints (not inherited from a
 *		parent: validating the parent's checks its children) of the tables
 *		in relids (NIL: every table outside pg_catalog, pg_toast and
 *		information_schema), optionally only the NOT VALID ones, and, with
 *		with_domains, those of every domain outside them; ordered as
 *		check_list_cmp says.  Reads pg_constraint; takes no lock on the
 *		tables.
 */
List *
ri_check_list(List *relids, bool only_not_valid, bool with_domains)
{
	Relation	conrel;
	SysScanDesc scan;
	HeapTuple	tup;
	CheckListEntry *entries;
	int			nentries = 0;
	int			maxentries = 16;
	List	   *result = NIL;

	entries = palloc(sizeof(CheckListEntry) * maxentries);
	conrel = table_open(ConstraintRelationId, AccessShareLock);
	scan = systable_beginscan(conrel, InvalidOid, false, NULL, 0, NULL);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		CheckListEntry *e;
		char	   *nspname;
		char	   *objname;

		CHECK_FOR_INTERRUPTS();
		if (con->contype != CONSTRAINT_CHECK || con->coninhcount > 0)
			continue;
		if (only_not_valid && con->convalidated)
			continue;
		/* listing everything: not the system's own (information_schema) */
		if (relids == NIL && is_system_namespace(con->connamespace))
			continue;
		if (OidIsValid(con->contypid))
		{
			if (!with_domains)
				continue;
			objname = type_name(con->contypid);
		}
		else
		{
			if (relids != NIL && !list_member_oid(relids, con->conrelid))
				continue;
			objname = get_rel_name(con->conrelid);
		}
		nspname = get_namespace_name(con->connamespace);
		if (objname == NULL || nspname == NULL)
			continue;			/* dropped concurrently */
		if (nentries == maxentries)
		{
			maxentries *= 2;
			entries = repalloc(entries, sizeof(CheckListEntry) * maxentries);
		}
		e = &entries[nentries++];
		e->conoid = con->oid;
		e->is_domain = OidIsValid(con->contypid);
		e->nspname = nspname;
		e->objname = objname;
		e->conname = pstrdup(NameStr(con->conname));
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);

	if (nentries > 1)
		qsort(entries, nentries, sizeof(CheckListEntry), check_list_cmp);
	for (int i = 0; i < nentries; i++)
		result = lappend_oid(result, entries[i].conoid);
	pfree(entries);
	return result;
}

/*
 * ri_check_targets
 *		Lock and list the tables ci is checked on (the file header says
 *		which), as a List of RiCheckTarget: a table's constraint on its own
 *		table first, then its children in find_all_inheritors() order.  The
 *		constraint must still exist once its table is locked (42704
 *		otherwise); its validated flag is read again then.
 */
List *
ri_check_targets(RiCheckInfo *ci)
{
	List	   *result = NIL;
	HeapTuple	tup;
	Node	   *expr;

	if (OidIsValid(ci->relid))
	{
		List	   *rels;
		ListCell   *lc;

		LockRelationOid(ci->relid, AccessShareLock);
		if (!SearchSysCacheExists1(RELOID, ObjectIdGetDatum(ci->relid)) ||
			!ri_check_read(ci->conoid, ci, true))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("constraint \"%s\" was dropped concurrently",
							NameStr(ci->conname))));

		if (ci->connoinherit)
			rels = list_make1_oid(ci->relid);
		else
			rels = find_all_inheritors(ci->relid, AccessShareLock, NULL);

		foreach(lc, rels)
		{
			Oid			relid = lfirst_oid(lc);
			Oid			conoid;
			RiCheckTarget *t;
			Bitmapset  *cols = NULL;
			int			col;
			int16	   *keys;
			int			nkeys;

			CHECK_FOR_INTERRUPTS();
			if (get_rel_relkind(relid) != RELKIND_RELATION)
				continue;		/* no storage: nothing to check */
			conoid = relid == ci->relid ? ci->conoid :
				get_relation_constraint_oid(relid, NameStr(ci->conname), true);
			if (!OidIsValid(conoid))
				continue;
			tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(conoid));
			if (!HeapTupleIsValid(tup))
				continue;
			t = palloc0(sizeof(RiCheckTarget));
			t->relid = relid;
			t->conoid = conoid;
			t->validated = ((Form_pg_constraint) GETSTRUCT(tup))->convalidated;
			t->expr = constraint_expr(tup);
			ReleaseSysCache(tup);

			/* the user columns the expression reads, ascending */
			pull_varattnos(t->expr, 1, &cols);
			nkeys = 0;
			keys = palloc(sizeof(int16) * (bms_num_members(cols) + 1));
			col = -1;
			while ((col = bms_next_member(cols, col)) >= 0)
				keys[nkeys++] = col + FirstLowInvalidHeapAttributeNumber;
			t->natts = read_columns(relid, keys, nkeys, &t->atts);
			result = lappend(result, t);
		}
	}
	else
	{
		List	   *rels;
		ListCell   *lc;

		tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(ci->conoid));
		if (!HeapTupleIsValid(tup))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("constraint \"%s\" was dropped concurrently",
							NameStr(ci->conname))));
		expr = constraint_expr(tup);
		ReleaseSysCache(tup);

		rels = ri_rels_with_domain(ci->typid, AccessShareLock);
		foreach(lc, rels)
		{
			RiDomainRel *dr = lfirst(lc);
			RiCheckTarget *t = palloc0(sizeof(RiCheckTarget));

			t->relid = dr->relid;
			t->conoid = ci->conoid;
			t->validated = ci->convalidated;
			t->expr = expr;
			t->natts = dr->natts;
			t->atts = dr->atts;
			result = lappend(result, t);
		}
	}
	return result;
}

/*
 * ri_check_scan_role
 *		The role t's expression must run as: InvalidOid (the caller) when it
 *		runs only trusted code, else the owner of the table scanned.
 */
Oid
ri_check_scan_role(const RiCheckTarget *t)
{
	if (!OidIsValid(ri_expr_foreign_function(t->expr)))
		return InvalidOid;
	return ri_rel_owner(t->relid);
}

/*
 * ri_check_access
 *		RI_ACCESS_OK when the caller may check ci on target t; otherwise the
 *		problem, with *relid set to the table it concerns.
 */
RiAccessProblem
ri_check_access(const RiCheckInfo *ci, const RiCheckTarget *t, Oid *relid)
{
	RiAccessProblem problem;
	Oid			scan_role;

	if (OidIsValid(ci->relid))
	{
		*relid = ci->relid;
		problem = ri_rel_access(GetUserId(), ci->relid, ci->atts, ci->natts,
								true);
	}
	else
	{
		*relid = t->relid;
		problem = ri_rel_access(GetUserId(), t->relid, t->atts, t->natts,
								true);
	}
	if (problem != RI_ACCESS_OK)
		return problem;

	scan_role = ri_check_scan_role(t);
	if (OidIsValid(scan_role))
	{
		*relid = t->relid;
		problem = ri_rel_access(scan_role, t->relid, t->atts, t->natts, false);
		if (problem == RI_ACCESS_GONE)
			return problem;
		if (problem != RI_ACCESS_OK)
			return RI_ACCESS_FOREIGN_CODE;
	}
	*relid = InvalidOid;
	return RI_ACCESS_OK;
}

/*
 * ri_check_describe
 *		'check constraint "c" of relation "t"' or 'constraint "c" of domain
 *		d', for messages.
 */
char *
ri_check_describe(const RiCheckInfo *ci)
{
	if (OidIsValid(ci->relid))
		return psprintf("check constraint \"%s\" of relation \"%s\"",
						NameStr(ci->conname), get_rel_name(ci->relid));
	return psprintf("constraint \"%s\" of domain %s",
					NameStr(ci->conname), format_type_be(ci->typid));
}

/*
 * ri_check_access_reason
 *		The problem as a lower-case phrase, for the reason column.
 */
char *
ri_check_access_reason(const RiCheckInfo *ci, const RiCheckTarget *t,
					   RiAccessProblem problem, Oid relid)
{
	char	   *relname = get_rel_name(relid);
	Oid			funcid;
	Oid			owner;
	char	   *rolname;

	if (relname == NULL)
		return ri_access_reason(problem, relid);
	if (problem == RI_ACCESS_NO_SELECT)
		return psprintf("permission denied for the columns of table \"%s\" that the constraint reads",
						relname);
	if (problem != RI_ACCESS_FOREIGN_CODE)
		return ri_access_reason(problem, relid);
	funcid = ri_expr_foreign_function(t->expr);
	owner = ri_rel_owner(t->relid);
	rolname = OidIsValid(owner) ? GetUserNameFromId(owner, true) : NULL;
	return psprintf("its expression runs %s, which runs only as table owner %s, who cannot read table \"%s\"",
					OidIsValid(funcid) ? ri_foreign_function_text(funcid) : "code of another role",
					rolname ? quote_identifier(rolname) : "(dropped)",
					relname);
}

/*
 * ri_check_require_access
 *		ERROR 42501 (or 0A000 for another session's temporary table) when the
 *		caller may not check ci on target t.
 */
void
ri_check_require_access(const RiCheckInfo *ci, const RiCheckTarget *t)
{
	Oid			relid;
	RiAccessProblem problem = ri_check_access(ci, t, &relid);
	char	   *what;
	char	   *reason;

	if (problem == RI_ACCESS_OK)
		return;
	what = ri_check_describe(ci);
	reason = ri_check_access_reason(ci, t, problem, relid);
	switch (problem)
	{
		case RI_ACCESS_OK:
			break;
		case RI_ACCESS_GONE:
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("cannot audit %s", what),
					 errdetail("The constraint or its table was dropped or changed concurrently.")));
			break;
		case RI_ACCESS_OTHER_TEMP:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot audit %s", what),
					 errdetail("Table \"%s\" is a temporary table of another session.",
							   get_rel_name(relid))));
			break;
		case RI_ACCESS_RLS:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot audit %s because row-level security applies to table \"%s\"",
							what, get_rel_name(relid)),
					 errdetail("Rows hidden by a policy would make the result wrong."),
					 errhint("Check it as a role that bypasses row-level security or owns the table.")));
			break;
		case RI_ACCESS_FOREIGN_CODE:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("cannot audit %s because %s", what, reason),
					 errdetail("Code of another role runs only as the owner of the table checked, without row-level security."),
					 errhint("Grant the table's owner SELECT on the columns the constraint reads, or check it as a role that owns the function.")));
			break;
		case RI_ACCESS_NO_SCHEMA:
		case RI_ACCESS_NO_SELECT:
		case RI_ACCESS_NO_LOCATION:
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied to audit %s", what),
					 errdetail("Auditing it needs USAGE on the schema of table \"%s\" and SELECT on the columns the constraint reads and on ctid and tableoid.",
							   get_rel_name(relid))));
			break;
	}
}
