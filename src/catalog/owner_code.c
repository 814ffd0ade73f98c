/*-------------------------------------------------------------------------
 *
 * owner_code.c
 *	  Which code comparing a foreign key's values would run that a role
 *	  other than the caller (or a superuser) defined, and running such code
 *	  as the table owner under SECURITY_RESTRICTED_OPERATION.
 *
 * Checking a foreign key compares values of the referencing and referenced
 * columns.  Besides the constraint's equality operator (and its selectivity
 * estimators, which the planner calls), that comparison may run a cast (the
 * referencing column's type converted to the operator's input type,
 * perhaps through an implicit cast a type owner created), the members of
 * the operator families the planner may use for a hash or merge join, a
 * sort or a memoized lookup, and, for arrays, ranges and composite types,
 * the comparison code of their element, subtype or column types.  Any of these
 * functions may belong to a table owner, who can replace its body at any
 * time (CREATE OR REPLACE FUNCTION).  Run with the caller's rights, a
 * superuser's audit would run that owner's code as a superuser: the hole
 * PostgreSQL closed in VACUUM, ANALYZE, REINDEX, CLUSTER and REFRESH
 * MATERIALIZED VIEW by switching to the table owner under
 * SECURITY_RESTRICTED_OPERATION.
 *
 * ri_fk_foreign_function() finds such code: a function is trusted when its
 * owner is a superuser (built-in functions, those of extensions a superuser
 * installed) or the caller; it looks at every function the comparison can
 * reach, and says which one it found first.  Types' input and output
 * functions are not looked at: only a superuser can create a base type,
 * and they must be written in C.  Operator classes and families can only be
 * created by a superuser too, but the functions in them may be owned, and
 * so replaced, by anyone, which is why their members are looked at.
 *
 * The choice, per case:
 *	- comparing keys (the planner path's anti-join): when it reaches foreign
 *	  code, the query runs as the owner of the referencing table, as VACUUM
 *	  and REFRESH run a table's code as its owner, under
 *	  SECURITY_RESTRICTED_OPERATION, in a new GUC nest level with
 *	  search_path "pg_catalog, pg_temp" (ri_become_owner()).  That is exact
 *	  only when the owner can read both tables' key columns with no
 *	  row-level security; when it cannot, the key is refused
 *	  (RI_ACCESS_FOREIGN_CODE: a 'skipped' status, or 42501 naming the
 *	  function and its owner).  The fast path (orphan_keyset.c) only admits
 *	  built-in operators on built-in types and never reaches foreign code.
 *	- showing and ordering keys (orphan_scan.c): never through foreign code.
 *	  Keys are rendered by ri_key_jsonb(), which uses to_jsonb() only for
 *	  built-in types (for which to_jsonb() looks up no cast) and the type's
 *	  output function otherwise; a key type whose ordering reaches foreign
 *	  code is ordered by its text.
 *	- validating (validate.c): ALTER TABLE ... VALIDATE CONSTRAINT runs as
 *	  the table owner under SECURITY_RESTRICTED_OPERATION, after the caller
 *	  has passed PostgreSQL's own ownership check.
 *	- CHECK and domain expressions (check_scan.c): ri_expr_foreign_function()
 *	  looks at every function the expression calls (operators' functions,
 *	  casts, I/O conversions, array element coercions), at the comparison
 *	  code of the types its comparisons compare (type_if_foreign) and at
 *	  the constraints of every domain it coerces to; when one is foreign, the
 *	  expression runs as the owner of the table scanned, under the same
 *	  rules as the anti-join above (ri_check_access in check_catalog.c).
 *
 * Reads pg_proc, pg_operator, pg_amop, pg_amproc, pg_type, pg_cast,
 * pg_range and pg_attribute through the syscache; takes no locks.  What an
 * operator family's members show of their owners is kept for the backend's
 * life, dropped on any change to those catalogs or to pg_authid.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/catalog/owner_code.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "access/transam.h"
#include "catalog/pg_amop.h"
#include "catalog/pg_amproc.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "miscadmin.h"
#include "nodes/execnodes.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_coerce.h"
#include "utils/builtins.h"
#include "utils/catcache.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/hsearch.h"
#include "utils/inval.h"
#include "utils/jsonb.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/numeric.h"
#include "utils/regproc.h"
#include "utils/syscache.h"
#include "utils/typcache.h"

#include "ri_orphan_scan.h"
#include "ri_owner_code.h"

/* How deep types may nest (arrays of composites of ranges ...). */
#define RI_MAX_TYPE_DEPTH	32

static Oid	function_if_foreign(Oid funcid);
static Oid	operator_if_foreign(Oid oprid);
static Oid	opfamily_if_foreign(Oid opfamily);
static Oid	operator_families_if_foreign(Oid oprid);
static Oid	type_if_foreign(Oid typid, int depth);
static Oid	coercion_if_foreign(Oid targettype, Oid sourcetype, int depth);
static bool expr_foreign_walker(Node *node, Oid *found);

/*
 * ri_role_is_trusted
 *		True when code roleid owns may run with the caller's rights: the
 *		caller's own code, or a superuser's.
 */
bool
ri_role_is_trusted(Oid roleid)
{
	return roleid == GetUserId() || superuser_arg(roleid);
}

/*
 * function_if_foreign
 *		funcid when a role that is not trusted owns it, else InvalidOid.  A
 *		function dropped meanwhile runs nobody's code.
 */
static Oid
function_if_foreign(Oid funcid)
{
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(funcid))
		return InvalidOid;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);
	return ri_role_is_trusted(owner) ? InvalidOid : funcid;
}

/*
 * operator_if_foreign
 *		The operator's function, or its restriction or join selectivity
 *		estimator (which the planner calls), when it is foreign; else
 *		InvalidOid.
 */
static Oid
operator_if_foreign(Oid oprid)
{
	HeapTuple	tup;
	Form_pg_operator opr;
	Oid			found;

	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(oprid));
	if (!HeapTupleIsValid(tup))
		return InvalidOid;
	opr = (Form_pg_operator) GETSTRUCT(tup);
	found = function_if_foreign(opr->oprcode);
	if (!OidIsValid(found))
		found = function_if_foreign(opr->oprrest);
	if (!OidIsValid(found))
		found = function_if_foreign(opr->oprjoin);
	ReleaseSysCache(tup);
	return found;
}

/*
 * What the members of one operator family show of their owners: the first
 * two distinct roles that own member functions and are not superusers,
 * with a function of each.  Two suffice: the caller is at most one of them.
 * Kept for the backend's life in a hash table, dropped whenever pg_proc,
 * pg_operator, pg_amop, pg_amproc or pg_authid changes, since a family's
 * members are many (the integer family has over a hundred) and every key
 * asks about the same few families.
 */
typedef struct FamilyOwners
{
	Oid			opfamily;		/* hash key */
	int			nowners;		/* roles kept in owners[], 0 to 2 */
	Oid			owners[2];		/* roles, not superusers, owning members */
	Oid			funcs[2];		/* a member function of each */
} FamilyOwners;

static HTAB *family_owners = NULL;
static bool family_owners_stale = false;
static bool family_owners_callbacks = false;

/*
 * family_owners_invalidate
 *		Syscache callback: a catalog the cached answers rest on changed.
 */
static void
family_owners_invalidate(Datum arg, int cacheid, uint32 hashvalue)
{
	family_owners_stale = true;
}

/*
 * note_function_owner
 *		Count funcid's owner in *fo when it is not a superuser.
 */
static void
note_function_owner(FamilyOwners *fo, Oid funcid)
{
	HeapTuple	tup;
	Oid			owner;

	if (!OidIsValid(funcid))
		return;
	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	if (!HeapTupleIsValid(tup))
		return;
	owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
	ReleaseSysCache(tup);
	if (superuser_arg(owner))
		return;
	for (int i = 0; i < fo->nowners; i++)
		if (fo->owners[i] == owner)
			return;
	if (fo->nowners < 2)
	{
		fo->owners[fo->nowners] = owner;
		fo->funcs[fo->nowners++] = funcid;
	}
}

/*
 * family_owners_scan
 *		Fill *fo from every member of opfamily: its operators' functions and
 *		selectivity estimators, and its support functions.
 */
static void
family_owners_scan(Oid opfamily, FamilyOwners *fo)
{
	CatCList   *list;

	fo->nowners = 0;
	list = SearchSysCacheList1(AMOPSTRATEGY, ObjectIdGetDatum(opfamily));
	for (int i = 0; i < list->n_members; i++)
	{
		Form_pg_amop amop = (Form_pg_amop) GETSTRUCT(&list->members[i]->tuple);
		HeapTuple	tup;

		tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(amop->amopopr));
		if (HeapTupleIsValid(tup))
		{
			Form_pg_operator opr = (Form_pg_operator) GETSTRUCT(tup);

			note_function_owner(fo, opr->oprcode);
			note_function_owner(fo, opr->oprrest);
			note_function_owner(fo, opr->oprjoin);
			ReleaseSysCache(tup);
		}
	}
	ReleaseSysCacheList(list);

	list = SearchSysCacheList1(AMPROCNUM, ObjectIdGetDatum(opfamily));
	for (int i = 0; i < list->n_members; i++)
	{
		Form_pg_amproc amproc = (Form_pg_amproc) GETSTRUCT(&list->members[i]->tuple);

		note_function_owner(fo, amproc->amproc);
	}
	ReleaseSysCacheList(list);
}

/*
 * opfamily_if_foreign
 *		A foreign function among the members of an operator family (its
 *		operators' functions and estimators, its support functions), else
 *		InvalidOid.
 */
static Oid
opfamily_if_foreign(Oid opfamily)
{
	FamilyOwners *fo;
	bool		found;

	if (!OidIsValid(opfamily))
		return InvalidOid;

	if (!family_owners_callbacks)
	{
		CacheRegisterSyscacheCallback(PROCOID, family_owners_invalidate, 0);
		CacheRegisterSyscacheCallback(OPEROID, family_owners_invalidate, 0);
		CacheRegisterSyscacheCallback(AMOPSTRATEGY, family_owners_invalidate, 0);
		CacheRegisterSyscacheCallback(AMPROCNUM, family_owners_invalidate, 0);
		CacheRegisterSyscacheCallback(AUTHOID, family_owners_invalidate, 0);
		family_owners_callbacks = true;
	}
	if (family_owners != NULL && family_owners_stale)
	{
		hash_destroy(family_owners);
		family_owners = NULL;
	}
	if (family_owners == NULL)
	{
		HASHCTL		ctl;

		ctl.keysize = sizeof(Oid);
		ctl.entrysize = sizeof(FamilyOwners);
		ctl.hcxt = CacheMemoryContext;
		family_owners = hash_create("ri_audit operator family owners", 64,
									&ctl,
									HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);
		family_owners_stale = false;
	}

	fo = hash_search(family_owners, &opfamily, HASH_ENTER, &found);
	if (!found)
	{
		PG_TRY();
		{
			family_owners_scan(opfamily, fo);
		}
		PG_CATCH();
		{
			hash_search(family_owners, &opfamily, HASH_REMOVE, NULL);
			PG_RE_THROW();
		}
		PG_END_TRY();
	}

	for (int i = 0; i < fo->nowners; i++)
		if (fo->owners[i] != GetUserId())
			return fo->funcs[i];
	return InvalidOid;
}

/*
 * operator_families_if_foreign
 *		The first foreign function of the operator itself or of any operator
 *		family it belongs to (whose members a hash or merge join, and the
 *		sorts feeding it, call).
 */
static Oid
operator_families_if_foreign(Oid oprid)
{
	CatCList   *list;
	Oid			found;

	found = operator_if_foreign(oprid);
	if (OidIsValid(found))
		return found;

	list = SearchSysCacheList1(AMOPOPID, ObjectIdGetDatum(oprid));
	for (int i = 0; i < list->n_members && !OidIsValid(found); i++)
	{
		Form_pg_amop amop = (Form_pg_amop) GETSTRUCT(&list->members[i]->tuple);

		found = opfamily_if_foreign(amop->amopfamily);
	}
	ReleaseSysCacheList(list);
	return found;
}

/*
 * type_if_foreign
 *		The first foreign function that comparing, hashing or ordering values
 *		of typid may call: the members of its default btree and hash
 *		operator families, and the same for the element type of an array,
 *		the subtype of a range (and the range's subtype comparison), the range
 *		of a multirange and each column of a composite type.  A domain is
 *		compared as its base type.
 */
static Oid
type_if_foreign(Oid typid, int depth)
{
	TypeCacheEntry *tc;
	Oid			found;
	Oid			elemtype;
	char		typtype;

	check_stack_depth();
	if (depth > RI_MAX_TYPE_DEPTH)
		elog(ERROR, "type %u nests too deeply", typid);

	typid = getBaseType(typid);
	tc = lookup_type_cache(typid, TYPECACHE_BTREE_OPFAMILY |
						   TYPECACHE_HASH_OPFAMILY);
	found = opfamily_if_foreign(tc->btree_opf);
	if (!OidIsValid(found))
		found = opfamily_if_foreign(tc->hash_opf);
	if (OidIsValid(found))
		return found;

	elemtype = get_element_type(typid);
	if (OidIsValid(elemtype))
		return type_if_foreign(elemtype, depth + 1);

	typtype = get_typtype(typid);
	if (typtype == TYPTYPE_RANGE)
	{
		tc = lookup_type_cache(typid, TYPECACHE_RANGE_INFO);
		if (tc->rngelemtype == NULL)
			return InvalidOid;
		found = function_if_foreign(tc->rng_cmp_proc_finfo.fn_oid);
		if (OidIsValid(found))
			return found;
		return type_if_foreign(tc->rngelemtype->type_id, depth + 1);
	}
	if (typtype == TYPTYPE_MULTIRANGE)
		return type_if_foreign(get_multirange_range(typid), depth + 1);
	if (typtype == TYPTYPE_COMPOSITE)
	{
		TupleDesc	desc = lookup_rowtype_tupdesc(typid, -1);

		for (int i = 0; i < desc->natts && !OidIsValid(found); i++)
		{
			Form_pg_attribute att = TupleDescAttr(desc, i);

			if (!att->attisdropped)
				found = type_if_foreign(att->atttypid, depth + 1);
		}
		ReleaseTupleDesc(desc);
		return found;
	}
	return InvalidOid;
}

/*
 * coercion_if_foreign
 *		The foreign cast function, if any, that converting sourcetype to
 *		targettype with an explicit cast runs (what "col::type" runs in the
 *		planner path's query).  Binary-compatible conversions and I/O
 *		conversions run no foreign code.
 */
static Oid
coercion_if_foreign(Oid targettype, Oid sourcetype, int depth)
{
	CoercionPathType path;
	Oid			funcid = InvalidOid;

	check_stack_depth();
	if (depth > RI_MAX_TYPE_DEPTH)
		elog(ERROR, "type %u nests too deeply", sourcetype);
	if (targettype == sourcetype || IsBinaryCoercible(sourcetype, targettype))
		return InvalidOid;

	path = find_coercion_pathway(targettype, sourcetype, COERCION_EXPLICIT,
								 &funcid);
	switch (path)
	{
		case COERCION_PATH_FUNC:
			return function_if_foreign(funcid);
		case COERCION_PATH_ARRAYCOERCE:
			return coercion_if_foreign(get_element_type(targettype),
									   get_element_type(sourcetype),
									   depth + 1);
		case COERCION_PATH_NONE:
		case COERCION_PATH_RELABELTYPE:
		case COERCION_PATH_COERCEVIAIO:
			break;
	}
	return InvalidOid;
}

/*
 * ri_fk_foreign_function
 *		The first function found that comparing fk's key values may run and
 *		that neither the caller nor a superuser owns (see the file header);
 *		InvalidOid when there is none.  Looks at, for each key column: the
 *		constraint's "pk = fk" operator and its operator families, the casts
 *		from the columns' types to the operator's input types, and the
 *		comparison code of both column types.
 */
Oid
ri_fk_foreign_function(const FkInfo *fk)
{
	for (int i = 0; i < fk->nkeys; i++)
	{
		Oid			oprleft;
		Oid			oprright;
		Oid			found;

		found = operator_families_if_foreign(fk->pf_eq_oprs[i]);
		if (OidIsValid(found))
			return found;

		op_input_types(fk->pf_eq_oprs[i], &oprleft, &oprright);
		found = coercion_if_foreign(oprleft, fk->pk_types[i], 0);
		if (!OidIsValid(found))
			found = coercion_if_foreign(oprright, fk->fk_types[i], 0);
		if (!OidIsValid(found))
			found = type_if_foreign(fk->pk_types[i], 0);
		if (!OidIsValid(found))
			found = type_if_foreign(fk->fk_types[i], 0);
		if (OidIsValid(found))
			return found;
	}
	return InvalidOid;
}

/*
 * ri_type_ordering_is_trusted
 *		True when sorting values of typid by its default ordering runs no
 *		foreign code.
 */
bool
ri_type_ordering_is_trusted(Oid typid)
{
	return !OidIsValid(type_if_foreign(typid, 0));
}

/*
 * ri_foreign_function_text
 *		"function s.f(integer) of role r", for messages about foreign code.
 */
char *
ri_foreign_function_text(Oid funcid)
{
	HeapTuple	tup;
	Oid			owner = InvalidOid;
	char	   *rolname;

	tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(funcid));
	if (HeapTupleIsValid(tup))
	{
		owner = ((Form_pg_proc) GETSTRUCT(tup))->proowner;
		ReleaseSysCache(tup);
	}
	rolname = GetUserNameFromId(owner, true);
	return psprintf("function %s of role %s",
					format_procedure_qualified(funcid),
					rolname ? quote_identifier(rolname) : "(dropped)");
}

/*
 * ri_become_owner
 *		Run what follows as role owner, under SECURITY_RESTRICTED_OPERATION,
 *		in a new GUC nest level with search_path "pg_catalog, pg_temp", as
 *		PostgreSQL's maintenance commands run a table owner's code.  *sw
 *		records what ri_restore_caller() puts back.  On error, transaction
 *		(or subtransaction) abort restores the user, the security context
 *		and the settings.
 */
void
ri_become_owner(Oid owner, RiOwnerSwitch *sw)
{
	GetUserIdAndSecContext(&sw->save_userid, &sw->save_sec_context);
	SetUserIdAndSecContext(owner,
						   sw->save_sec_context |
						   SECURITY_LOCAL_USERID_CHANGE |
						   SECURITY_RESTRICTED_OPERATION);
	sw->save_nestlevel = NewGUCNestLevel();
	(void) set_config_option("search_path", "pg_catalog, pg_temp",
							 PGC_USERSET, PGC_S_SESSION,
							 GUC_ACTION_SAVE, true, 0, false);
}

/*
 * ri_restore_caller
 *		Undo ri_become_owner().
 */
void
ri_restore_caller(RiOwnerSwitch *sw)
{
	AtEOXact_GUC(false, sw->save_nestlevel);
	SetUserIdAndSecContext(sw->save_userid, sw->save_sec_context);
}

/*
 * ri_key_jsonb_init
 *		Set up *r to render values of type typid (ri_key_jsonb), with its
 *		function lookups allocated in cxt, which must live as long as *r is
 *		used.  A domain is rendered as its base type.
 *
 * to_jsonb() renders booleans and integers as JSON booleans and numbers,
 * and every built-in scalar type it has no other rule for (not a number,
 * date, timestamp, json or jsonb type) as a string of its output function,
 * looking up no cast for a built-in type (jsonb_categorize_type).  Those
 * are made here directly, without to_jsonb()'s per-call type lookups and
 * its integer's round trip through text and numeric_in(), to the same
 * value; the rest of the built-in types go through to_jsonb() itself.
 */
void
ri_key_jsonb_init(Oid typid, RiKeyRenderer *r, MemoryContext cxt)
{
	Oid			basetype = getBaseType(typid);
	Oid			outfunc;
	bool		varlena;

	r->basetype = basetype;
	getTypeOutputInfo(typid, &outfunc, &varlena);
	fmgr_info_cxt(outfunc, &r->outfunc, cxt);
	if (basetype >= FirstNormalObjectId)
		r->kind = RI_RENDER_OUTPUT_TEXT;
	else
	{
		switch (basetype)
		{
			case BOOLOID:
				r->kind = RI_RENDER_BOOL;
				break;
			case INT2OID:
			case INT4OID:
			case INT8OID:
				r->kind = RI_RENDER_INTEGER;
				break;
			case FLOAT4OID:
			case FLOAT8OID:
			case NUMERICOID:
			case DATEOID:
			case TIMESTAMPOID:
			case TIMESTAMPTZOID:
			case JSONOID:
			case JSONBOID:
			case ANYARRAYOID:
			case ANYCOMPATIBLEARRAYOID:
			case RECORDARRAYOID:
				r->kind = RI_RENDER_TO_JSONB;
				break;
			default:
				if (OidIsValid(get_element_type(basetype)) ||
					type_is_rowtype(basetype))
					r->kind = RI_RENDER_TO_JSONB;
				else
					r->kind = RI_RENDER_OUTPUT_TEXT;
				break;
		}
	}
	if (r->kind == RI_RENDER_TO_JSONB)
	{
		MemoryContext old = MemoryContextSwitchTo(cxt);
		FuncExpr   *expr;

		/* to_jsonb(anyelement) learns its argument type from fn_expr. */
		fmgr_info_cxt(F_TO_JSONB, &r->tojsonb, cxt);
		expr = makeFuncExpr(F_TO_JSONB, JSONBOID,
							list_make1(makeNullConst(basetype, -1, InvalidOid)),
							InvalidOid, InvalidOid, COERCE_EXPLICIT_CALL);
		fmgr_info_set_expr((Node *) expr, &r->tojsonb);
		MemoryContextSwitchTo(old);
	}
}

/*
 * ri_key_jsonb_value
 *		A key value as a jsonb value to push into a jsonb being built, without
 *		running foreign code: what to_jsonb() makes of it for built-in types
 *		(numbers, booleans, strings, and arrays of them as to_jsonb() makes
 *		them; to_jsonb() looks up casts to json only for types that are not
 *		built in), and a string of the type's output function otherwise.
 *		What *v points to is allocated in the current memory context.
 */
void
ri_key_jsonb_value(RiKeyRenderer *r, Datum value, JsonbValue *v)
{
	switch (r->kind)
	{
		case RI_RENDER_INTEGER:
			v->type = jbvNumeric;
			if (r->basetype == INT2OID)
				v->val.numeric = int64_to_numeric(DatumGetInt16(value));
			else if (r->basetype == INT4OID)
				v->val.numeric = int64_to_numeric(DatumGetInt32(value));
			else
				v->val.numeric = int64_to_numeric(DatumGetInt64(value));
			break;
		case RI_RENDER_BOOL:
			v->type = jbvBool;
			v->val.boolean = DatumGetBool(value);
			break;
		case RI_RENDER_OUTPUT_TEXT:
			v->type = jbvString;
			v->val.string.val = OutputFunctionCall(&r->outfunc, value);
			v->val.string.len = strlen(v->val.string.val);
			/* to_jsonb()'s limit (checkStringLen), in its words */
			if (v->val.string.len > JENTRY_OFFLENMASK)
				ereport(ERROR,
						(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
						 errmsg("string too long to represent as jsonb string"),
						 errdetail("Due to an implementation restriction, jsonb strings cannot exceed %d bytes.",
								   JENTRY_OFFLENMASK)));
			break;
		case RI_RENDER_TO_JSONB:
			ri_jsonb_as_value(DatumGetJsonbP(FunctionCall1(&r->tojsonb, value)),
							  v);
			break;
	}
}

/*
 * ri_key_jsonb
 *		A key value as a jsonb scalar (or, for arrays, the array), as
 *		ri_key_jsonb_value() makes it.  Allocated in the current memory
 *		context.
 */
Jsonb *
ri_key_jsonb(RiKeyRenderer *r, Datum value)
{
	JsonbValue	v;

	if (r->kind == RI_RENDER_TO_JSONB)
		return DatumGetJsonbP(FunctionCall1(&r->tojsonb, value));
	ri_key_jsonb_value(r, value, &v);
	return JsonbValueToJsonb(&v);
}

/*
 * function_foreign_checker
 *		check_functions_in_node() callback: note a foreign function.
 */
static bool
function_foreign_checker(Oid funcid, void *context)
{
	Oid			found = function_if_foreign(funcid);

	if (!OidIsValid(found))
		return false;
	*(Oid *) context = found;
	return true;
}

/*
 * expr_foreign_walker
 *		Walk an expression for ri_expr_foreign_function(): the functions of
 *		each node, and the CHECK constraints of every domain coerced to
 *		(those of its base domains included), which run with it.
 */
static bool
expr_foreign_walker(Node *node, Oid *found)
{
	if (node == NULL)
		return false;
	check_stack_depth();
	if (check_functions_in_node(node, function_foreign_checker, found))
		return true;

	/*
	 * Comparisons whose function is built in may still compare element,
	 * column or subtype values through those types' operator families
	 * (array_eq, record_eq, GREATEST, row comparisons).
	 */
	if (IsA(node, OpExpr) || IsA(node, DistinctExpr) ||
		IsA(node, NullIfExpr) || IsA(node, ScalarArrayOpExpr) ||
		IsA(node, MinMaxExpr) || IsA(node, RowCompareExpr))
	{
		List	   *args;
		ListCell   *lc;

		if (IsA(node, ScalarArrayOpExpr))
			args = ((ScalarArrayOpExpr *) node)->args;
		else if (IsA(node, MinMaxExpr))
			args = ((MinMaxExpr *) node)->args;
		else if (IsA(node, RowCompareExpr))
			args = list_concat_copy(((RowCompareExpr *) node)->largs,
									((RowCompareExpr *) node)->rargs);
		else
			args = ((OpExpr *) node)->args;
		foreach(lc, args)
		{
			*found = type_if_foreign(exprType(lfirst(lc)), 0);
			if (OidIsValid(*found))
				return true;
		}
	}

	if (IsA(node, CoerceToDomain))
	{
		DomainConstraintRef ref;
		ListCell   *lc;

		InitDomainConstraintRef(((CoerceToDomain *) node)->resulttype, &ref,
								CurrentMemoryContext, false);
		foreach(lc, ref.constraints)
		{
			DomainConstraintState *dcs = lfirst(lc);

			if (dcs->constrainttype == DOM_CONSTRAINT_CHECK &&
				expr_foreign_walker((Node *) dcs->check_expr, found))
				return true;
		}
	}
	return expression_tree_walker(node, expr_foreign_walker, found);
}

/*
 * ri_expr_foreign_function
 *		The first foreign function a CHECK or domain expression (a conbin,
 *		not yet planned) runs, or InvalidOid.  Works on a copy: looking
 *		operators up fills in their function OIDs.
 */
Oid
ri_expr_foreign_function(Node *expr)
{
	Oid			found = InvalidOid;

	(void) expr_foreign_walker(copyObject(expr), &found);
	return found;
}
