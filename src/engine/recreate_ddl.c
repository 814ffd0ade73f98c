/*-------------------------------------------------------------------------
 *
 * recreate_ddl.c
 *	  One rule per object kind: is the object recreated, and the DDL that
 *	  creates it (with its owner, grants, comment, security labels and
 *	  enable state) or drops it by name.
 *
 * Definitions come from PostgreSQL's own deparsers, the ones pg_dump and
 * ALTER COLUMN TYPE use: pg_get_viewdef, pg_get_constraintdef_command,
 * pg_get_indexdef_string, pg_get_triggerdef, pg_get_ruledef,
 * pg_get_functiondef, pg_get_statisticsobjdef_string and pg_get_expr.  They
 * run with search_path set to pg_catalog alone (ri_deparse_begin), so
 * every name they print is schema-qualified unless it is in pg_catalog, and
 * the script means the same whatever the search_path of the session that
 * runs it.  Every other name is quoted with quote_identifier (through
 * quote_qualified_identifier, getObjectIdentity and format_type_be_qualified,
 * which quote each part).
 *
 * Kinds recreated: views and materialized views (the latter WITH NO DATA,
 * with a commented REFRESH when it was populated), table and domain
 * constraints (NOT VALID kept), indexes that no constraint owns (CLUSTER ON
 * and REPLICA IDENTITY USING INDEX kept), triggers (enable state kept),
 * rules (enable state kept), policies, extended statistics (statistics
 * target kept), column defaults, functions, procedures, aggregates of
 * every kind (normal, ordered-set and hypothetical-set, with argument
 * names and VARIADIC, and every pg_aggregate option, as pg_dump writes
 * them), operators, casts, event triggers (enable state kept) and
 * publication membership.  Objects that hold data (tables, columns,
 * sequences) and every other kind (types, domains, schemas, extensions,
 * operator classes, ...) are not recreated; objects that come back with their owner (a view's _RETURN
 * rule and row type, a constraint's index and internal triggers, partition
 * clones, inherited copies of a constraint) are parts.
 *
 * Grants are replayed from the ACL entries: REVOKE ALL from PUBLIC and
 * from the owner, then one GRANT per entry and grant option, entries of
 * the owner first; an entry granted by another role is granted after SET
 * ROLE to that role (and RESET ROLE), so that it keeps its grantor.
 *
 * Locks: catalog rows are read with AccessShareLock on their catalogs.
 * pg_get_viewdef and pg_get_ruledef take AccessShareLock on the relations
 * the query reads (AcquireRewriteLocks), as they do for pg_dump; nothing
 * stronger is taken.  No user code runs: the deparsers call only type
 * output functions, which only superusers can create.  Privileges: everything read here is in catalogs
 * every role can read (pg_class, pg_proc, pg_rewrite, pg_trigger,
 * pg_policy, pg_description, pg_seclabel, ...), and the deparsers are
 * callable by every role.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/recreate_ddl.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/partition.h"
#include "catalog/pg_aggregate.h"
#include "catalog/pg_am.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_attribute.h"
#include "catalog/pg_cast.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_event_trigger.h"
#include "catalog/pg_index.h"
#include "catalog/pg_namespace.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_publication.h"
#include "catalog/pg_publication_rel.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_seclabel.h"
#include "catalog/pg_statistic_ext.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/comment.h"
#include "commands/defrem.h"
#include "commands/tablespace.h"
#include "commands/trigger.h"
#include "miscadmin.h"
#include "rewrite/prs2lock.h"
#include "rewrite/rewriteDefine.h"
#include "rewrite/rewriteSupport.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/regproc.h"
#include "utils/rel.h"
#include "utils/ruleutils.h"
#include "utils/syscache.h"

#include "ri_fk_catalog.h"
#include "ri_recreate.h"

static HeapTuple fetch_row(Oid classId, Oid objectId, Relation *relp);
static bool sql_name(const ObjectAddress *obj, const char **keyword,
					 char **name, const char **grant_keyword, Oid *owner,
					 Acl **acl);
static void append_properties(StringInfo buf, const ObjectAddress *obj);
static void append_acl(StringInfo buf, const char *grant_keyword,
					   const char *name, const char *column, Acl *acl,
					   Oid owner);
static void append_privileges(StringInfo buf, AclMode privs);
static void append_comment_and_labels(StringInfo buf, const ObjectAddress *obj,
									  const char *keyword, const char *name);
static void append_columns(StringInfo buf, Oid relid, const char *relname,
						   Oid owner);
static void append_enable_state(StringInfo buf, const char *alter,
								const char *what, const char *name,
								char state);
static char *text_datum_or_null(HeapTuple tup, Relation rel, AttrNumber att);
static char *expr_string(HeapTuple tup, Relation rel, AttrNumber att,
						 Oid relid);
static char *role_name(Oid roleid);
static char *on_relation(const char *objname, Oid relid);
static char *func_name(Oid funcid);
static bool append_aggregate(StringInfo buf, Oid aggfnoid);
static void append_modify(StringInfo buf, const char *option, char modify,
						  char kind);
static char *format_operator_qualified_name(Oid oprid);

/* The two links of an operator, by index: pg_operator.oprcom, oprnegate. */
#define OPERATOR_LINK_COMMUTATOR	0
#define OPERATOR_LINK_NEGATOR		1
static const char *const operator_link_names[2] = {"COMMUTATOR", "NEGATOR"};

static bool operator_links(Oid oprid, Oid links[2]);
static const char *operator_link_refusal(Oid oprid, Oid other, int which);

/*
 * ri_deparse_begin, ri_deparse_end
 *		Run the deparsers with search_path = pg_catalog (so that they qualify
 *		every other schema's names), as pg_dump does with an empty one; the
 *		setting is undone at ri_deparse_end or at the end of the
 *		(sub)transaction on error.
 */
int
ri_deparse_begin(void)
{
	int			nestlevel = NewGUCNestLevel();

	(void) set_config_option("search_path", "pg_catalog", PGC_USERSET,
							 PGC_S_SESSION, GUC_ACTION_SAVE, true, 0, false);
	return nestlevel;
}

void
ri_deparse_end(int nestlevel)
{
	AtEOXact_GUC(false, nestlevel);
}

/*
 * ri_recreate_classify
 *		Decide what a recreate script does with obj; false when it no longer
 *		exists (dropped concurrently).
 */
bool
ri_recreate_classify(const ObjectAddress *obj, RiRecreateClass *cls)
{
	Relation	rel;
	HeapTuple	tup;

	cls->action = RI_RC_NOT_RECREATED;
	cls->reason = "not a definition this script recreates";
	memset(&cls->parent, 0, sizeof(cls->parent));

	switch (obj->classId)
	{
		case RelationRelationId:
			{
				char		relkind = get_rel_relkind(obj->objectId);

				if (relkind == '\0')
					return false;
				if (obj->objectSubId != 0)
				{
					cls->reason = "holds data";
					ObjectAddressSet(cls->parent, RelationRelationId,
									 obj->objectId);
					return true;
				}
				switch (relkind)
				{
					case RELKIND_VIEW:
					case RELKIND_MATVIEW:
						cls->action = RI_RC_RECREATE;
						break;
					case RELKIND_INDEX:
					case RELKIND_PARTITIONED_INDEX:
						{
							Oid			conoid = get_index_constraint(obj->objectId);
							HeapTuple	itup;

							itup = SearchSysCache1(INDEXRELID,
												   ObjectIdGetDatum(obj->objectId));
							if (!HeapTupleIsValid(itup))
								return false;
							ObjectAddressSet(cls->parent, RelationRelationId,
											 ((Form_pg_index) GETSTRUCT(itup))->indrelid);
							ReleaseSysCache(itup);
							if (get_rel_relkind(cls->parent.objectId) == RELKIND_TOASTVALUE)
								cls->action = RI_RC_PART;
							else if (OidIsValid(conoid))
							{
								cls->action = RI_RC_PART;
								ObjectAddressSet(cls->parent,
												 ConstraintRelationId, conoid);
							}
							else if (get_rel_relispartition(obj->objectId))
							{
								cls->action = RI_RC_PART;
								ObjectAddressSet(cls->parent, RelationRelationId,
												 get_partition_parent(obj->objectId, true));
							}
							else
								cls->action = RI_RC_RECREATE;
						}
						break;
					case RELKIND_TOASTVALUE:
						cls->action = RI_RC_PART;
						cls->parent = ri_recreate_owner_of(obj);
						break;
					case RELKIND_SEQUENCE:
					case RELKIND_RELATION:
					case RELKIND_PARTITIONED_TABLE:
						cls->reason = "holds data";
						break;
					case RELKIND_FOREIGN_TABLE:
						cls->reason = "a foreign table";
						break;
					default:
						break;
				}
				return true;
			}
		case TypeRelationId:
			{
				HeapTuple	ttup = SearchSysCache1(TYPEOID,
												   ObjectIdGetDatum(obj->objectId));
				Form_pg_type typ;

				if (!HeapTupleIsValid(ttup))
					return false;
				typ = (Form_pg_type) GETSTRUCT(ttup);
				if (OidIsValid(typ->typrelid) &&
					get_rel_relkind(typ->typrelid) != RELKIND_COMPOSITE_TYPE)
				{
					/* a relation's row type */
					cls->action = RI_RC_PART;
					ObjectAddressSet(cls->parent, RelationRelationId,
									 typ->typrelid);
				}
				else if (OidIsValid(typ->typelem) &&
						 get_array_type(typ->typelem) == obj->objectId)
				{
					cls->action = RI_RC_PART;
					ObjectAddressSet(cls->parent, TypeRelationId,
									 typ->typelem);
				}
				ReleaseSysCache(ttup);
				return true;
			}
		case RewriteRelationId:
			{
				Form_pg_rewrite rw;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				rw = (Form_pg_rewrite) GETSTRUCT(tup);
				ObjectAddressSet(cls->parent, RelationRelationId, rw->ev_class);
				if (rw->ev_type == '0' + (int) CMD_SELECT &&
					strcmp(NameStr(rw->rulename), ViewSelectRuleName) == 0)
					cls->action = RI_RC_PART;
				else
					cls->action = RI_RC_RECREATE;
				table_close(rel, AccessShareLock);
				return true;
			}
		case TriggerRelationId:
			{
				Form_pg_trigger tg;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				tg = (Form_pg_trigger) GETSTRUCT(tup);
				ObjectAddressSet(cls->parent, RelationRelationId, tg->tgrelid);
				if (tg->tgisinternal || OidIsValid(tg->tgparentid))
				{
					cls->action = RI_RC_PART;
					if (OidIsValid(tg->tgparentid))
						ObjectAddressSet(cls->parent, TriggerRelationId,
										 tg->tgparentid);
					else if (OidIsValid(tg->tgconstraint))
						ObjectAddressSet(cls->parent, ConstraintRelationId,
										 tg->tgconstraint);
				}
				else
					cls->action = RI_RC_RECREATE;
				table_close(rel, AccessShareLock);
				return true;
			}
		case ConstraintRelationId:
			{
				Form_pg_constraint con;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				con = (Form_pg_constraint) GETSTRUCT(tup);
				if (OidIsValid(con->conrelid))
					ObjectAddressSet(cls->parent, RelationRelationId,
									 con->conrelid);
				else
					ObjectAddressSet(cls->parent, TypeRelationId,
									 con->contypid);
				if (con->contype == CONSTRAINT_TRIGGER)
					cls->action = RI_RC_PART;	/* its trigger recreates it */
				else if (OidIsValid(con->conparentid))
				{
					cls->action = RI_RC_PART;
					ObjectAddressSet(cls->parent, ConstraintRelationId,
									 con->conparentid);
				}
				else if (!con->conislocal)
					cls->action = RI_RC_PART;	/* inherited: the parent's */
				else
					cls->action = RI_RC_RECREATE;
				table_close(rel, AccessShareLock);
				return true;
			}
		case AttrDefaultRelationId:
			{
				Form_pg_attrdef ad;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				ad = (Form_pg_attrdef) GETSTRUCT(tup);
				ObjectAddressSubSet(cls->parent, RelationRelationId,
									ad->adrelid, ad->adnum);
				if (get_attgenerated(ad->adrelid, ad->adnum) != '\0')
					cls->action = RI_RC_PART;	/* part of a generated column */
				else
					cls->action = RI_RC_RECREATE;
				table_close(rel, AccessShareLock);
				return true;
			}
		case PolicyRelationId:
		case StatisticExtRelationId:
		case PublicationRelRelationId:
			{
				AttrNumber	att = obj->classId == PolicyRelationId ?
				Anum_pg_policy_polrelid :
				obj->classId == StatisticExtRelationId ?
				Anum_pg_statistic_ext_stxrelid : Anum_pg_publication_rel_prrelid;
				bool		isnull;
				Datum		d;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				d = heap_getattr(tup, att, RelationGetDescr(rel), &isnull);
				ObjectAddressSet(cls->parent, RelationRelationId,
								 DatumGetObjectId(d));
				cls->action = RI_RC_RECREATE;
				table_close(rel, AccessShareLock);
				return true;
			}
		case ProcedureRelationId:
			{
				char		kind = get_func_prokind(obj->objectId);

				if (kind == '\0')
					return false;
				cls->action = RI_RC_RECREATE;
				return true;
			}
		case CastRelationId:
		case EventTriggerRelationId:
		case OperatorRelationId:
			cls->action = RI_RC_RECREATE;
			return true;
		default:
			return true;
	}
}

/*
 * func_name
 *		A function's schema-qualified name, without arguments (as the
 *		support functions of CREATE AGGREGATE are named).
 */
static char *
func_name(Oid funcid)
{
	return quote_qualified_identifier(get_namespace_name(get_func_namespace(funcid)),
									  get_func_name(funcid));
}

/*
 * append_aggregate
 *		CREATE AGGREGATE for an aggregate of any kind, with every option
 *		pg_aggregate records, as pg_dump's dumpAgg writes them; false when it
 *		no longer exists.
 *
 * The signature is pg_get_function_arguments()'s: argument names, VARIADIC,
 * and for ordered-set and hypothetical-set aggregates the direct arguments,
 * ORDER BY, and the aggregated ones (a trailing VARIADIC that covers both
 * lists printed on both sides, as CREATE AGGREGATE reads it).  It prints
 * no DEFAULT: CREATE AGGREGATE's grammar has no argument defaults
 * (DefineAggregate asserts there are none), so no aggregate has one.
 * FINALFUNC_MODIFY and MFINALFUNC_MODIFY are written when they differ from
 * the default of the aggregate's kind (see append_modify).
 */
static bool
append_aggregate(StringInfo buf, Oid aggfnoid)
{
	HeapTuple	ptup = SearchSysCache1(PROCOID, ObjectIdGetDatum(aggfnoid));
	HeapTuple	atup;
	Form_pg_proc proc;
	Form_pg_aggregate agg;
	bool		isnull;
	Datum		d;

	if (!HeapTupleIsValid(ptup))
		return false;
	atup = SearchSysCache1(AGGFNOID, ObjectIdGetDatum(aggfnoid));
	if (!HeapTupleIsValid(atup))
	{
		ReleaseSysCache(ptup);
		return false;
	}
	proc = (Form_pg_proc) GETSTRUCT(ptup);
	agg = (Form_pg_aggregate) GETSTRUCT(atup);

	appendStringInfo(buf, "CREATE AGGREGATE %s(",
					 quote_qualified_identifier(get_namespace_name(proc->pronamespace),
												NameStr(proc->proname)));
	if (proc->pronargs == 0)
		appendStringInfoChar(buf, '*');
	else
		appendStringInfoString(buf,
							   text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_function_arguments,
																				  ObjectIdGetDatum(aggfnoid)))));
	appendStringInfo(buf, ") (\n    SFUNC = %s,\n    STYPE = %s",
					 func_name(agg->aggtransfn),
					 format_type_be_qualified(agg->aggtranstype));
	if (agg->aggtransspace != 0)
		appendStringInfo(buf, ",\n    SSPACE = %d", agg->aggtransspace);
	d = SysCacheGetAttr(AGGFNOID, atup, Anum_pg_aggregate_agginitval, &isnull);
	if (!isnull)
		appendStringInfo(buf, ",\n    INITCOND = %s",
						 quote_literal_cstr(TextDatumGetCString(d)));
	if (OidIsValid(agg->aggfinalfn))
	{
		appendStringInfo(buf, ",\n    FINALFUNC = %s", func_name(agg->aggfinalfn));
		if (agg->aggfinalextra)
			appendStringInfoString(buf, ",\n    FINALFUNC_EXTRA");
		append_modify(buf, "FINALFUNC_MODIFY", agg->aggfinalmodify, agg->aggkind);
	}
	if (OidIsValid(agg->aggcombinefn))
		appendStringInfo(buf, ",\n    COMBINEFUNC = %s", func_name(agg->aggcombinefn));
	if (OidIsValid(agg->aggserialfn))
		appendStringInfo(buf, ",\n    SERIALFUNC = %s", func_name(agg->aggserialfn));
	if (OidIsValid(agg->aggdeserialfn))
		appendStringInfo(buf, ",\n    DESERIALFUNC = %s", func_name(agg->aggdeserialfn));
	if (OidIsValid(agg->aggmtransfn))
	{
		appendStringInfo(buf, ",\n    MSFUNC = %s,\n    MINVFUNC = %s,\n    MSTYPE = %s",
						 func_name(agg->aggmtransfn), func_name(agg->aggminvtransfn),
						 format_type_be_qualified(agg->aggmtranstype));
		if (agg->aggmtransspace != 0)
			appendStringInfo(buf, ",\n    MSSPACE = %d", agg->aggmtransspace);
		d = SysCacheGetAttr(AGGFNOID, atup, Anum_pg_aggregate_aggminitval, &isnull);
		if (!isnull)
			appendStringInfo(buf, ",\n    MINITCOND = %s",
							 quote_literal_cstr(TextDatumGetCString(d)));
		if (OidIsValid(agg->aggmfinalfn))
		{
			appendStringInfo(buf, ",\n    MFINALFUNC = %s", func_name(agg->aggmfinalfn));
			if (agg->aggmfinalextra)
				appendStringInfoString(buf, ",\n    MFINALFUNC_EXTRA");
			append_modify(buf, "MFINALFUNC_MODIFY", agg->aggmfinalmodify,
						  agg->aggkind);
		}
	}
	if (OidIsValid(agg->aggsortop))
		appendStringInfo(buf, ",\n    SORTOP = OPERATOR(%s)",
						 format_operator_qualified_name(agg->aggsortop));
	if (agg->aggkind == AGGKIND_HYPOTHETICAL)
		appendStringInfoString(buf, ",\n    HYPOTHETICAL");
	if (proc->proparallel == PROPARALLEL_SAFE)
		appendStringInfoString(buf, ",\n    PARALLEL = safe");
	else if (proc->proparallel == PROPARALLEL_RESTRICTED)
		appendStringInfoString(buf, ",\n    PARALLEL = restricted");
	appendStringInfoString(buf, "\n);\n");
	ReleaseSysCache(atup);
	ReleaseSysCache(ptup);
	return true;
}

/*
 * append_modify
 *		", option = value" for a final function's modify flag, unless it is
 *		the default CREATE AGGREGATE gives an aggregate of that kind:
 *		READ_ONLY for a normal aggregate, READ_WRITE for an ordered-set or
 *		hypothetical-set one (DefineAggregate).
 */
static void
append_modify(StringInfo buf, const char *option, char modify, char kind)
{
	char		dflt = kind == AGGKIND_NORMAL ? AGGMODIFY_READ_ONLY :
		AGGMODIFY_READ_WRITE;

	if (modify == dflt)
		return;
	appendStringInfo(buf, ",\n    %s = %s", option,
					 modify == AGGMODIFY_READ_ONLY ? "READ_ONLY" :
					 modify == AGGMODIFY_SHAREABLE ? "SHAREABLE" : "READ_WRITE");
}

/*
 * format_operator_qualified_name
 *		"schema.op" of an operator, for OPERATOR(...).
 */
static char *
format_operator_qualified_name(Oid oprid)
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(oprid));
	Form_pg_operator opr;
	char	   *result;

	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for operator %u", oprid);
	opr = (Form_pg_operator) GETSTRUCT(tup);
	result = psprintf("%s.%s", quote_identifier(get_namespace_name(opr->oprnamespace)),
					  NameStr(opr->oprname));
	ReleaseSysCache(tup);
	return result;
}

/*
 * ri_operator_one_sided_links
 *		The operators whose COMMUTATOR or NEGATOR is oprid while oprid's own
 *		link does not name them back.  Dropping oprid leaves their link
 *		naming its old OID (RemoveOperatorById() resets only the links
 *		oprid itself names), and PostgreSQL 15 can set neither link again
 *		(CREATE OPERATOR fills only links that are unset; ALTER OPERATOR
 *		cannot change them).  Returns a list of "COMMUTATOR" / "NEGATOR"
 *		strings in *what, parallel to the returned OIDs.  Reads pg_operator
 *		with AccessShareLock.
 */
List *
ri_operator_one_sided_links(Oid oprid, List **what)
{
	Relation	rel = table_open(OperatorRelationId, AccessShareLock);
	SysScanDesc scan = systable_beginscan(rel, InvalidOid, false, NULL, 0, NULL);
	HeapTuple	tup;
	Oid			self[2] = {InvalidOid, InvalidOid};
	List	   *result = NIL;

	*what = NIL;
	(void) operator_links(oprid, self);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_operator opr = (Form_pg_operator) GETSTRUCT(tup);

		CHECK_FOR_INTERRUPTS();
		if (opr->oid == oprid)
			continue;
		if (opr->oprcom == oprid &&
			self[OPERATOR_LINK_COMMUTATOR] != opr->oid)
		{
			result = lappend_oid(result, opr->oid);
			*what = lappend(*what,
							(char *) operator_link_names[OPERATOR_LINK_COMMUTATOR]);
		}
		if (opr->oprnegate == oprid &&
			self[OPERATOR_LINK_NEGATOR] != opr->oid)
		{
			result = lappend_oid(result, opr->oid);
			*what = lappend(*what,
							(char *) operator_link_names[OPERATOR_LINK_NEGATOR]);
		}
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return result;
}

/*
 * operator_links
 *		Read oprid's two links into links[] (indexed as above; InvalidOid when
 *		unset).  False when no operator has that OID.
 */
static bool
operator_links(Oid oprid, Oid links[2])
{
	HeapTuple	tup = SearchSysCache1(OPEROID, ObjectIdGetDatum(oprid));

	if (!HeapTupleIsValid(tup))
		return false;
	links[OPERATOR_LINK_COMMUTATOR] = ((Form_pg_operator) GETSTRUCT(tup))->oprcom;
	links[OPERATOR_LINK_NEGATOR] = ((Form_pg_operator) GETSTRUCT(tup))->oprnegate;
	ReleaseSysCache(tup);
	return true;
}

/*
 * ri_operator_links_filled
 *		The operators that oprid names as COMMUTATOR or NEGATOR while their
 *		own link is unset: CREATE OPERATOR of oprid sets it (OperatorUpd()),
 *		which it was not before.  Same result shape as
 *		ri_operator_one_sided_links().
 */
List *
ri_operator_links_filled(Oid oprid, List **what)
{
	Oid			links[2];
	List	   *result = NIL;

	*what = NIL;
	if (!operator_links(oprid, links))
		return NIL;
	for (int which = 0; which < 2; which++)
	{
		Oid			other = links[which];
		Oid			back[2];

		if (!OidIsValid(other) || other == oprid)
			continue;
		if (operator_links(other, back) && !OidIsValid(back[which]))
		{
			result = lappend_oid(result, other);
			*what = lappend(*what, (char *) operator_link_names[which]);
		}
	}
	return result;
}

/*
 * operator_link_refusal
 *		Why CREATE OPERATOR of oprid cannot name other as its link number
 *		which (OPERATOR_LINK_COMMUTATOR or _NEGATOR), or NULL when it can.
 *		It cannot when other no longer exists (a link an earlier drop left
 *		dangling: see ri_operator_one_sided_links()), and, from PostgreSQL
 *		15.20, when other's own link names a third operator (or a dangling
 *		OID): OperatorUpd() then raises "... is already the negator of
 *		operator ...", where 15.18 leaves other's link as it is.  Only
 *		catalogs made by an earlier release hold such a link on 15.20, which
 *		refuses to create one.
 */
static const char *
operator_link_refusal(Oid oprid, Oid other, int which)
{
	Oid			back[2];

	if (other == oprid)
		return NULL;			/* its own commutator */
	if (!operator_links(other, back))
		return "no operator has that OID any more (a drop left the link dangling), so the link stays unset";
	if (atoi(GetConfigOption("server_version_num", false, false)) >= 150020 &&
		OidIsValid(back[which]) && back[which] != oprid)
		return "that operator's own link names another operator, and PostgreSQL 15.20 refuses to link them";
	return NULL;
}

/*
 * ri_operator_links_refused
 *		The links of oprid that its CREATE OPERATOR leaves out, because
 *		operator_link_refusal() refuses them: a list of the OIDs they name
 *		(InvalidOid never), with "COMMUTATOR" / "NEGATOR" in *what and the
 *		reasons in *why, parallel to it.
 */
List *
ri_operator_links_refused(Oid oprid, List **what, List **why)
{
	Oid			links[2];
	List	   *result = NIL;

	*what = NIL;
	*why = NIL;
	if (!operator_links(oprid, links))
		return NIL;
	for (int which = 0; which < 2; which++)
	{
		const char *reason;

		if (!OidIsValid(links[which]))
			continue;
		reason = operator_link_refusal(oprid, links[which], which);
		if (reason == NULL)
			continue;
		result = lappend_oid(result, links[which]);
		*what = lappend(*what, (char *) operator_link_names[which]);
		*why = lappend(*why, (char *) reason);
	}
	return result;
}

/*
 * ri_recreate_owner_of
 *		The object that has to be named to drop obj: obj itself, or the
 *		owner it has through an internal or primary partition dependency
 *		(a view for its _RETURN rule, a constraint for its index), as
 *		findDependentObjects() finds it.
 */
ObjectAddress
ri_recreate_owner_of(const ObjectAddress *obj)
{
	ObjectAddress cur = *obj;

	for (int depth = 0; depth < 16; depth++)
	{
		Relation	depRel = table_open(DependRelationId, AccessShareLock);
		ScanKeyData key[2];
		SysScanDesc scan;
		HeapTuple	tup;
		bool		found = false;

		ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(cur.classId));
		ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(cur.objectId));
		scan = systable_beginscan(depRel, DependDependerIndexId, true, NULL,
								  2, key);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);

			if (dep->objsubid != cur.objectSubId && cur.objectSubId != 0)
				continue;
			if (dep->deptype == DEPENDENCY_INTERNAL ||
				dep->deptype == DEPENDENCY_PARTITION_PRI)
			{
				cur.classId = dep->refclassid;
				cur.objectId = dep->refobjid;
				cur.objectSubId = dep->refobjsubid;
				found = true;
				break;
			}
		}
		systable_endscan(scan);
		table_close(depRel, AccessShareLock);
		if (!found)
			break;
	}
	return cur;
}

/*
 * ri_recreate_append_ddl
 *		Append the statements that create obj (classified RI_RC_RECREATE)
 *		and give it back its properties; false when it no longer exists.
 */
bool
ri_recreate_append_ddl(StringInfo buf, const ObjectAddress *obj)
{
	Relation	rel;
	HeapTuple	tup;

	switch (obj->classId)
	{
		case RelationRelationId:
			{
				Form_pg_class cls;
				char	   *qname;
				char	   *def;
				bool		isnull;
				Datum		d;
				StringInfoData opts;
				const char *check_option = NULL;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				cls = (Form_pg_class) GETSTRUCT(tup);
				qname = ri_qualified_relname(obj->objectId);
				if (cls->relkind == RELKIND_INDEX ||
					cls->relkind == RELKIND_PARTITIONED_INDEX)
				{
					HeapTuple	itup = SearchSysCache1(INDEXRELID,
													   ObjectIdGetDatum(obj->objectId));
					Form_pg_index ind;

					if (!HeapTupleIsValid(itup))
						elog(ERROR, "cache lookup failed for index %u",
							 obj->objectId);
					ind = (Form_pg_index) GETSTRUCT(itup);
					appendStringInfo(buf, "%s;\n",
									 pg_get_indexdef_string(obj->objectId));
					if (ind->indisclustered)
						appendStringInfo(buf, "ALTER TABLE %s CLUSTER ON %s;\n",
										 ri_qualified_relname(ind->indrelid),
										 quote_identifier(NameStr(cls->relname)));
					if (ind->indisreplident)
						appendStringInfo(buf, "ALTER TABLE %s REPLICA IDENTITY USING INDEX %s;\n",
										 ri_qualified_relname(ind->indrelid),
										 quote_identifier(NameStr(cls->relname)));
					ReleaseSysCache(itup);
					table_close(rel, AccessShareLock);
					append_properties(buf, obj);
					return true;
				}

				/* A view or materialized view: its options first. */
				initStringInfo(&opts);
				d = heap_getattr(tup, Anum_pg_class_reloptions,
								 RelationGetDescr(rel), &isnull);
				if (!isnull)
				{
					Datum	   *elems;
					int			nelems;

					deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1,
									  false, TYPALIGN_INT, &elems, NULL,
									  &nelems);
					for (int i = 0; i < nelems; i++)
					{
						char	   *opt = TextDatumGetCString(elems[i]);
						char	   *eq = strchr(opt, '=');

						if (eq == NULL)
							continue;
						*eq = '\0';
						if (strcmp(opt, "check_option") == 0)
						{
							check_option = pstrdup(eq + 1);
							continue;
						}
						if (opts.len > 0)
							appendStringInfoString(&opts, ", ");
						appendStringInfo(&opts, "%s=%s", quote_identifier(opt),
										 quote_literal_cstr(eq + 1));
					}
				}

				def = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_viewdef,
																		 ObjectIdGetDatum(obj->objectId))));
				/* pg_get_viewdef ends the query with a semicolon */
				{
					int			len = strlen(def);

					while (len > 0 && (def[len - 1] == ';' ||
									   def[len - 1] == ' ' ||
									   def[len - 1] == '\n'))
						def[--len] = '\0';
				}
				if (cls->relkind == RELKIND_VIEW)
				{
					appendStringInfo(buf, "CREATE VIEW %s", qname);
					if (opts.len > 0)
						appendStringInfo(buf, " WITH (%s)", opts.data);
					appendStringInfo(buf, " AS\n%s", def);
					if (check_option)
						appendStringInfo(buf, "\n  WITH %s CHECK OPTION",
										 pg_strcasecmp(check_option, "local") == 0 ?
										 "LOCAL" : "CASCADED");
					appendStringInfoString(buf, ";\n");
				}
				else
				{
					appendStringInfo(buf, "CREATE MATERIALIZED VIEW %s", qname);
					if (OidIsValid(cls->relam) && cls->relam != HEAP_TABLE_AM_OID)
						appendStringInfo(buf, " USING %s",
										 quote_identifier(get_am_name(cls->relam)));
					if (opts.len > 0)
						appendStringInfo(buf, " WITH (%s)", opts.data);
					if (OidIsValid(cls->reltablespace))
						appendStringInfo(buf, " TABLESPACE %s",
										 quote_identifier(get_tablespace_name(cls->reltablespace)));
					appendStringInfo(buf, " AS\n%s\n  WITH NO DATA;\n", def);
					if (cls->relispopulated)
						appendStringInfo(buf, "-- REFRESH MATERIALIZED VIEW %s;\n",
										 qname);
				}
				table_close(rel, AccessShareLock);
				append_properties(buf, obj);
				append_columns(buf, obj->objectId, qname,
							   ri_rel_owner(obj->objectId));
				return true;
			}
		case RewriteRelationId:
			{
				Form_pg_rewrite rw;
				char	   *def;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				rw = (Form_pg_rewrite) GETSTRUCT(tup);
				def = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_ruledef,
																		 ObjectIdGetDatum(obj->objectId))));
				appendStringInfo(buf, "%s\n", def);
				if (rw->ev_enabled != RULE_FIRES_ON_ORIGIN)
					append_enable_state(buf,
										psprintf("ALTER TABLE %s",
												 ri_qualified_relname(rw->ev_class)),
										"RULE",
										quote_identifier(NameStr(rw->rulename)),
										rw->ev_enabled);
				table_close(rel, AccessShareLock);
				break;
			}
		case TriggerRelationId:
			{
				Form_pg_trigger tg;
				char	   *def;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				tg = (Form_pg_trigger) GETSTRUCT(tup);
				def = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_triggerdef,
																		 ObjectIdGetDatum(obj->objectId))));
				appendStringInfo(buf, "%s;\n", def);
				if (tg->tgenabled != TRIGGER_FIRES_ON_ORIGIN)
					append_enable_state(buf,
										psprintf("ALTER TABLE %s",
												 ri_qualified_relname(tg->tgrelid)),
										"TRIGGER",
										quote_identifier(NameStr(tg->tgname)),
										tg->tgenabled);
				table_close(rel, AccessShareLock);
				break;
			}
		case ConstraintRelationId:
			{
				Form_pg_constraint con;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				con = (Form_pg_constraint) GETSTRUCT(tup);
				appendStringInfo(buf, "%s;\n",
								 pg_get_constraintdef_command(obj->objectId));
				if (OidIsValid(con->conindid) && OidIsValid(con->conrelid) &&
					(con->contype == CONSTRAINT_PRIMARY ||
					 con->contype == CONSTRAINT_UNIQUE ||
					 con->contype == CONSTRAINT_EXCLUSION))
				{
					HeapTuple	itup = SearchSysCache1(INDEXRELID,
													   ObjectIdGetDatum(con->conindid));

					if (HeapTupleIsValid(itup))
					{
						Form_pg_index ind = (Form_pg_index) GETSTRUCT(itup);
						const char *iname = quote_identifier(get_rel_name(con->conindid));

						if (ind->indisclustered)
							appendStringInfo(buf, "ALTER TABLE %s CLUSTER ON %s;\n",
											 ri_qualified_relname(con->conrelid),
											 iname);
						if (ind->indisreplident)
							appendStringInfo(buf, "ALTER TABLE %s REPLICA IDENTITY USING INDEX %s;\n",
											 ri_qualified_relname(con->conrelid),
											 iname);
						ReleaseSysCache(itup);
					}
				}
				table_close(rel, AccessShareLock);
				break;
			}
		case AttrDefaultRelationId:
			{
				Form_pg_attrdef ad;
				char	   *expr;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				ad = (Form_pg_attrdef) GETSTRUCT(tup);
				expr = expr_string(tup, rel, Anum_pg_attrdef_adbin, ad->adrelid);
				appendStringInfo(buf, "ALTER TABLE ONLY %s ALTER COLUMN %s SET DEFAULT %s;\n",
								 ri_qualified_relname(ad->adrelid),
								 quote_identifier(get_attname(ad->adrelid,
															  ad->adnum, false)),
								 expr);
				table_close(rel, AccessShareLock);
				break;
			}
		case PolicyRelationId:
			{
				Form_pg_policy pol;
				char	   *qual;
				char	   *check;
				bool		isnull;
				Datum		d;
				const char *cmd;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				pol = (Form_pg_policy) GETSTRUCT(tup);
				switch (pol->polcmd)
				{
					case 'r':
						cmd = "SELECT";
						break;
					case 'a':
						cmd = "INSERT";
						break;
					case 'w':
						cmd = "UPDATE";
						break;
					case 'd':
						cmd = "DELETE";
						break;
					default:
						cmd = "ALL";
						break;
				}
				appendStringInfo(buf, "CREATE POLICY %s ON %s AS %s FOR %s TO ",
								 quote_identifier(NameStr(pol->polname)),
								 ri_qualified_relname(pol->polrelid),
								 pol->polpermissive ? "PERMISSIVE" : "RESTRICTIVE",
								 cmd);
				d = heap_getattr(tup, Anum_pg_policy_polroles,
								 RelationGetDescr(rel), &isnull);
				{
					ArrayType  *roles = DatumGetArrayTypeP(d);
					Oid		   *r = (Oid *) ARR_DATA_PTR(roles);
					int			n = ArrayGetNItems(ARR_NDIM(roles), ARR_DIMS(roles));

					for (int i = 0; i < n; i++)
						appendStringInfo(buf, "%s%s", i > 0 ? ", " : "",
										 role_name(r[i]));
				}
				qual = expr_string(tup, rel, Anum_pg_policy_polqual, pol->polrelid);
				check = expr_string(tup, rel, Anum_pg_policy_polwithcheck,
									pol->polrelid);
				if (qual)
					appendStringInfo(buf, " USING (%s)", qual);
				if (check)
					appendStringInfo(buf, " WITH CHECK (%s)", check);
				appendStringInfoString(buf, ";\n");
				table_close(rel, AccessShareLock);
				break;
			}
		case StatisticExtRelationId:
			{
				Form_pg_statistic_ext st;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				st = (Form_pg_statistic_ext) GETSTRUCT(tup);
				appendStringInfo(buf, "%s;\n",
								 pg_get_statisticsobjdef_string(obj->objectId));
				if (st->stxstattarget >= 0)
					appendStringInfo(buf, "ALTER STATISTICS %s SET STATISTICS %d;\n",
									 getObjectIdentity(obj, false),
									 st->stxstattarget);
				table_close(rel, AccessShareLock);
				break;
			}
		case ProcedureRelationId:
			if (get_func_prokind(obj->objectId) == PROKIND_AGGREGATE)
			{
				if (!append_aggregate(buf, obj->objectId))
					return false;
				break;
			}
			{
				char	   *def;
				int			len;

				def = text_to_cstring(DatumGetTextPP(DirectFunctionCall1(pg_get_functiondef,
																		 ObjectIdGetDatum(obj->objectId))));
				len = strlen(def);
				while (len > 0 && def[len - 1] == '\n')
					def[--len] = '\0';
				appendStringInfo(buf, "%s;\n", def);
				break;
			}
		case OperatorRelationId:
			{
				Form_pg_operator opr;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				opr = (Form_pg_operator) GETSTRUCT(tup);
				appendStringInfo(buf, "CREATE OPERATOR %s (\n    FUNCTION = %s",
								 format_operator_qualified_name(obj->objectId),
								 func_name(opr->oprcode));
				if (OidIsValid(opr->oprleft))
					appendStringInfo(buf, ",\n    LEFTARG = %s",
									 format_type_be_qualified(opr->oprleft));
				if (OidIsValid(opr->oprright))
					appendStringInfo(buf, ",\n    RIGHTARG = %s",
									 format_type_be_qualified(opr->oprright));
				if (OidIsValid(opr->oprcom) &&
					operator_link_refusal(obj->objectId, opr->oprcom,
										  OPERATOR_LINK_COMMUTATOR) == NULL)
					appendStringInfo(buf, ",\n    COMMUTATOR = OPERATOR(%s)",
									 format_operator_qualified_name(opr->oprcom));
				if (OidIsValid(opr->oprnegate) &&
					operator_link_refusal(obj->objectId, opr->oprnegate,
										  OPERATOR_LINK_NEGATOR) == NULL)
					appendStringInfo(buf, ",\n    NEGATOR = OPERATOR(%s)",
									 format_operator_qualified_name(opr->oprnegate));
				if (opr->oprcanmerge)
					appendStringInfoString(buf, ",\n    MERGES");
				if (opr->oprcanhash)
					appendStringInfoString(buf, ",\n    HASHES");
				if (OidIsValid(opr->oprrest))
					appendStringInfo(buf, ",\n    RESTRICT = %s", func_name(opr->oprrest));
				if (OidIsValid(opr->oprjoin))
					appendStringInfo(buf, ",\n    JOIN = %s", func_name(opr->oprjoin));
				appendStringInfoString(buf, "\n);\n");
				table_close(rel, AccessShareLock);
				break;
			}
		case CastRelationId:
			{
				Form_pg_cast c;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				c = (Form_pg_cast) GETSTRUCT(tup);
				appendStringInfo(buf, "CREATE CAST (%s AS %s) ",
								 format_type_be_qualified(c->castsource),
								 format_type_be_qualified(c->casttarget));
				if (c->castmethod == COERCION_METHOD_FUNCTION)
					appendStringInfo(buf, "WITH FUNCTION %s",
									 format_procedure_qualified(c->castfunc));
				else if (c->castmethod == COERCION_METHOD_INOUT)
					appendStringInfoString(buf, "WITH INOUT");
				else
					appendStringInfoString(buf, "WITHOUT FUNCTION");
				if (c->castcontext == COERCION_CODE_ASSIGNMENT)
					appendStringInfoString(buf, " AS ASSIGNMENT");
				else if (c->castcontext == COERCION_CODE_IMPLICIT)
					appendStringInfoString(buf, " AS IMPLICIT");
				appendStringInfoString(buf, ";\n");
				table_close(rel, AccessShareLock);
				break;
			}
		case EventTriggerRelationId:
			{
				Form_pg_event_trigger evt;
				bool		isnull;
				Datum		d;
				char	   *fname;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				evt = (Form_pg_event_trigger) GETSTRUCT(tup);
				fname = quote_qualified_identifier(get_namespace_name(get_func_namespace(evt->evtfoid)),
												   get_func_name(evt->evtfoid));
				appendStringInfo(buf, "CREATE EVENT TRIGGER %s ON %s",
								 quote_identifier(NameStr(evt->evtname)),
								 quote_identifier(NameStr(evt->evtevent)));
				d = heap_getattr(tup, Anum_pg_event_trigger_evttags,
								 RelationGetDescr(rel), &isnull);
				if (!isnull)
				{
					Datum	   *elems;
					int			nelems;

					deconstruct_array(DatumGetArrayTypeP(d), TEXTOID, -1,
									  false, TYPALIGN_INT, &elems, NULL,
									  &nelems);
					appendStringInfoString(buf, "\n  WHEN TAG IN (");
					for (int i = 0; i < nelems; i++)
						appendStringInfo(buf, "%s%s", i > 0 ? ", " : "",
										 quote_literal_cstr(TextDatumGetCString(elems[i])));
					appendStringInfoChar(buf, ')');
				}
				appendStringInfo(buf, "\n  EXECUTE FUNCTION %s();\n", fname);
				if (evt->evtenabled != TRIGGER_FIRES_ON_ORIGIN)
					append_enable_state(buf,
										psprintf("ALTER EVENT TRIGGER %s",
												 quote_identifier(NameStr(evt->evtname))),
										NULL, NULL, evt->evtenabled);
				table_close(rel, AccessShareLock);
				break;
			}
		case PublicationRelRelationId:
			{
				Form_pg_publication_rel pr;
				bool		isnull;
				Datum		d;
				char	   *qual;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				pr = (Form_pg_publication_rel) GETSTRUCT(tup);
				appendStringInfo(buf, "ALTER PUBLICATION %s ADD TABLE ONLY %s",
								 quote_identifier(get_publication_name(pr->prpubid, false)),
								 ri_qualified_relname(pr->prrelid));
				d = heap_getattr(tup, Anum_pg_publication_rel_prattrs,
								 RelationGetDescr(rel), &isnull);
				if (!isnull)
				{
					int2vector *attrs = (int2vector *) PG_DETOAST_DATUM(d);

					appendStringInfoString(buf, " (");
					for (int i = 0; i < attrs->dim1; i++)
						appendStringInfo(buf, "%s%s", i > 0 ? ", " : "",
										 quote_identifier(get_attname(pr->prrelid,
																	  attrs->values[i],
																	  false)));
					appendStringInfoChar(buf, ')');
				}
				qual = expr_string(tup, rel, Anum_pg_publication_rel_prqual,
								   pr->prrelid);
				if (qual)
					appendStringInfo(buf, " WHERE (%s)", qual);
				appendStringInfoString(buf, ";\n");
				table_close(rel, AccessShareLock);
				return true;	/* membership has no properties */
			}
		default:
			elog(ERROR, "cannot recreate %s", getObjectDescription(obj, false));
	}
	append_properties(buf, obj);
	return true;
}

/*
 * ri_recreate_append_drop
 *		Append the statement that drops obj by name, without CASCADE;
 *		false when it no longer exists.
 */
bool
ri_recreate_append_drop(StringInfo buf, const ObjectAddress *obj)
{
	const char *keyword;
	char	   *name;
	const char *grant_keyword;
	Oid			owner;
	Acl		   *acl;

	if (obj->classId == ConstraintRelationId)
	{
		Relation	rel;
		HeapTuple	tup = fetch_row(obj->classId, obj->objectId, &rel);
		Form_pg_constraint con;

		if (tup == NULL)
			return false;
		con = (Form_pg_constraint) GETSTRUCT(tup);
		if (OidIsValid(con->conrelid))
			appendStringInfo(buf, "ALTER TABLE %s DROP CONSTRAINT %s;\n",
							 ri_qualified_relname(con->conrelid),
							 quote_identifier(NameStr(con->conname)));
		else
			appendStringInfo(buf, "ALTER DOMAIN %s DROP CONSTRAINT %s;\n",
							 format_type_be_qualified(con->contypid),
							 quote_identifier(NameStr(con->conname)));
		table_close(rel, AccessShareLock);
		return true;
	}
	if (obj->classId == AttrDefaultRelationId)
	{
		Relation	rel;
		HeapTuple	tup = fetch_row(obj->classId, obj->objectId, &rel);
		Form_pg_attrdef ad;

		if (tup == NULL)
			return false;
		ad = (Form_pg_attrdef) GETSTRUCT(tup);
		appendStringInfo(buf, "ALTER TABLE ONLY %s ALTER COLUMN %s DROP DEFAULT;\n",
						 ri_qualified_relname(ad->adrelid),
						 quote_identifier(get_attname(ad->adrelid, ad->adnum,
													  false)));
		table_close(rel, AccessShareLock);
		return true;
	}
	if (obj->classId == PublicationRelRelationId)
	{
		Relation	rel;
		HeapTuple	tup = fetch_row(obj->classId, obj->objectId, &rel);
		Form_pg_publication_rel pr;

		if (tup == NULL)
			return false;
		pr = (Form_pg_publication_rel) GETSTRUCT(tup);
		appendStringInfo(buf, "ALTER PUBLICATION %s DROP TABLE ONLY %s;\n",
						 quote_identifier(get_publication_name(pr->prpubid, false)),
						 ri_qualified_relname(pr->prrelid));
		table_close(rel, AccessShareLock);
		return true;
	}
	if (!sql_name(obj, &keyword, &name, &grant_keyword, &owner, &acl))
		return false;
	appendStringInfo(buf, "DROP %s %s;\n", keyword, name);
	return true;
}

/*
 * sql_name
 *		How statements name obj: the keyword of COMMENT ON / DROP / ALTER
 *		... OWNER TO ("VIEW", "TRIGGER", ...), the name ("public.v",
 *		"trg ON public.t"), the keyword of GRANT (NULL when the kind has no
 *		privileges), its owner (InvalidOid when the kind has none) and ACL.
 *		False when the object no longer exists.
 */
static bool
sql_name(const ObjectAddress *obj, const char **keyword, char **name,
		 const char **grant_keyword, Oid *owner, Acl **acl)
{
	Relation	rel;
	HeapTuple	tup;
	bool		isnull;
	Datum		d;

	*grant_keyword = NULL;
	*owner = InvalidOid;
	*acl = NULL;
	switch (obj->classId)
	{
		case RelationRelationId:
			{
				Form_pg_class cls;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				cls = (Form_pg_class) GETSTRUCT(tup);
				*name = ri_qualified_relname(obj->objectId);
				switch (cls->relkind)
				{
					case RELKIND_VIEW:
						*keyword = "VIEW";
						break;
					case RELKIND_MATVIEW:
						*keyword = "MATERIALIZED VIEW";
						break;
					case RELKIND_INDEX:
					case RELKIND_PARTITIONED_INDEX:
						*keyword = "INDEX";
						break;
					default:
						*keyword = "TABLE";
						break;
				}
				if (cls->relkind != RELKIND_INDEX &&
					cls->relkind != RELKIND_PARTITIONED_INDEX)
				{
					*grant_keyword = "TABLE";
					*owner = cls->relowner;
					d = heap_getattr(tup, Anum_pg_class_relacl,
									 RelationGetDescr(rel), &isnull);
					if (!isnull)
						*acl = DatumGetAclPCopy(d);
				}
				table_close(rel, AccessShareLock);
				return true;
			}
		case ProcedureRelationId:
			{
				Form_pg_proc proc;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				proc = (Form_pg_proc) GETSTRUCT(tup);
				*keyword = proc->prokind == PROKIND_PROCEDURE ? "PROCEDURE" :
					proc->prokind == PROKIND_AGGREGATE ? "AGGREGATE" : "FUNCTION";
				*grant_keyword = proc->prokind == PROKIND_PROCEDURE ? "PROCEDURE" :
					"FUNCTION";
				*name = proc->prokind == PROKIND_AGGREGATE && proc->pronargs == 0 ?
					psprintf("%s(*)",
							 quote_qualified_identifier(get_namespace_name(proc->pronamespace),
														NameStr(proc->proname))) :
					format_procedure_qualified(obj->objectId);
				*owner = proc->proowner;
				d = heap_getattr(tup, Anum_pg_proc_proacl,
								 RelationGetDescr(rel), &isnull);
				if (!isnull)
					*acl = DatumGetAclPCopy(d);
				table_close(rel, AccessShareLock);
				return true;
			}
		case TriggerRelationId:
		case RewriteRelationId:
		case PolicyRelationId:
			{
				AttrNumber	nameatt;
				AttrNumber	relatt;

				if (obj->classId == TriggerRelationId)
				{
					*keyword = "TRIGGER";
					nameatt = Anum_pg_trigger_tgname;
					relatt = Anum_pg_trigger_tgrelid;
				}
				else if (obj->classId == RewriteRelationId)
				{
					*keyword = "RULE";
					nameatt = Anum_pg_rewrite_rulename;
					relatt = Anum_pg_rewrite_ev_class;
				}
				else
				{
					*keyword = "POLICY";
					nameatt = Anum_pg_policy_polname;
					relatt = Anum_pg_policy_polrelid;
				}
				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				d = heap_getattr(tup, nameatt, RelationGetDescr(rel), &isnull);
				*name = on_relation(NameStr(*DatumGetName(d)),
									DatumGetObjectId(heap_getattr(tup, relatt,
																  RelationGetDescr(rel),
																  &isnull)));
				table_close(rel, AccessShareLock);
				return true;
			}
		case ConstraintRelationId:
			{
				Form_pg_constraint con;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				con = (Form_pg_constraint) GETSTRUCT(tup);
				*keyword = "CONSTRAINT";
				if (OidIsValid(con->conrelid))
					*name = on_relation(NameStr(con->conname), con->conrelid);
				else
					*name = psprintf("%s ON DOMAIN %s",
									 quote_identifier(NameStr(con->conname)),
									 format_type_be_qualified(con->contypid));
				table_close(rel, AccessShareLock);
				return true;
			}
		case StatisticExtRelationId:
			{
				Form_pg_statistic_ext st;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				st = (Form_pg_statistic_ext) GETSTRUCT(tup);
				*keyword = "STATISTICS";
				*name = quote_qualified_identifier(get_namespace_name(st->stxnamespace),
												   NameStr(st->stxname));
				*owner = st->stxowner;
				table_close(rel, AccessShareLock);
				return true;
			}
		case OperatorRelationId:
			{
				Form_pg_operator opr;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				opr = (Form_pg_operator) GETSTRUCT(tup);
				*keyword = "OPERATOR";
				*name = format_operator_qualified(obj->objectId);
				*owner = opr->oprowner;
				table_close(rel, AccessShareLock);
				return true;
			}
		case CastRelationId:
			{
				Form_pg_cast c;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				c = (Form_pg_cast) GETSTRUCT(tup);
				*keyword = "CAST";
				*name = psprintf("(%s AS %s)",
								 format_type_be_qualified(c->castsource),
								 format_type_be_qualified(c->casttarget));
				table_close(rel, AccessShareLock);
				return true;
			}
		case EventTriggerRelationId:
			{
				Form_pg_event_trigger evt;

				tup = fetch_row(obj->classId, obj->objectId, &rel);
				if (tup == NULL)
					return false;
				evt = (Form_pg_event_trigger) GETSTRUCT(tup);
				*keyword = "EVENT TRIGGER";
				*name = pstrdup(quote_identifier(NameStr(evt->evtname)));
				*owner = evt->evtowner;
				table_close(rel, AccessShareLock);
				return true;
			}
		default:
			elog(ERROR, "cannot name %s", getObjectDescription(obj, false));
	}
	return false;				/* keep compiler quiet */
}

/*
 * append_properties
 *		Owner, grants, comment and security labels of obj.
 */
static void
append_properties(StringInfo buf, const ObjectAddress *obj)
{
	const char *keyword;
	char	   *name;
	const char *grant_keyword;
	Oid			owner;
	Acl		   *acl;

	/* a default and a publication membership have no properties */
	if (obj->classId == AttrDefaultRelationId ||
		obj->classId == PublicationRelRelationId)
		return;
	if (!sql_name(obj, &keyword, &name, &grant_keyword, &owner, &acl))
		return;
	if (OidIsValid(owner))
		appendStringInfo(buf, "ALTER %s %s OWNER TO %s;\n", keyword, name,
						 role_name(owner));
	if (grant_keyword && acl)
		append_acl(buf, grant_keyword, name, NULL, acl, owner);
	append_comment_and_labels(buf, obj, keyword, name);
}

/*
 * append_columns
 *		The column-level grants, comments and security labels of a view or
 *		materialized view.
 */
static void
append_columns(StringInfo buf, Oid relid, const char *relname, Oid owner)
{
	for (AttrNumber attnum = 1;; attnum++)
	{
		HeapTuple	tup = SearchSysCache2(ATTNUM, ObjectIdGetDatum(relid),
										  Int16GetDatum(attnum));
		Form_pg_attribute att;
		bool		isnull;
		Datum		d;
		char	   *colname;
		ObjectAddress col;

		CHECK_FOR_INTERRUPTS();
		if (!HeapTupleIsValid(tup))
			break;
		att = (Form_pg_attribute) GETSTRUCT(tup);
		if (att->attisdropped)
		{
			ReleaseSysCache(tup);
			continue;
		}
		colname = pstrdup(quote_identifier(NameStr(att->attname)));
		d = SysCacheGetAttr(ATTNUM, tup, Anum_pg_attribute_attacl, &isnull);
		if (!isnull)
			append_acl(buf, "TABLE", relname, colname, DatumGetAclPCopy(d),
					   owner);
		ReleaseSysCache(tup);
		ObjectAddressSubSet(col, RelationRelationId, relid, attnum);
		append_comment_and_labels(buf, &col, "COLUMN",
								  psprintf("%s.%s", relname, colname));
	}
}

/*
 * append_acl
 *		GRANT statements that rebuild 'acl' on the object (or its column).
 *		The object's own ACL starts from nothing (REVOKE ALL from PUBLIC
 *		and the owner): an ACL that is not NULL lists every privilege,
 *		the owner's included.  A column's ACL adds to its table's.
 */
static void
append_acl(StringInfo buf, const char *grant_keyword, const char *name,
		   const char *column, Acl *acl, Oid owner)
{
	AclItem    *items = ACL_DAT(acl);
	int			n = ACL_NUM(acl);
	char	   *target;

	if (column)
		target = psprintf("ON %s %s", grant_keyword, name);
	else
	{
		target = psprintf("ON %s %s", grant_keyword, name);
		appendStringInfo(buf, "REVOKE ALL %s FROM PUBLIC;\n", target);
		if (OidIsValid(owner))
			appendStringInfo(buf, "REVOKE ALL %s FROM %s;\n", target,
							 role_name(owner));
	}

	/* the owner's grants first: other grantors need their grant options */
	for (int pass = 0; pass < 2; pass++)
	{
		for (int i = 0; i < n; i++)
		{
			AclItem    *item = &items[i];
			AclMode		privs = ACLITEM_GET_PRIVS(*item);
			AclMode		goptions = ACLITEM_GET_GOPTIONS(*item);
			bool		by_owner = item->ai_grantor == owner;

			if ((pass == 0) != by_owner)
				continue;
			if (!by_owner)
				appendStringInfo(buf, "SET ROLE %s;\n",
								 role_name(item->ai_grantor));
			for (int withgo = 0; withgo < 2; withgo++)
			{
				AclMode		these = withgo ? goptions : (privs & ~goptions);

				if (these == 0)
					continue;
				appendStringInfoString(buf, "GRANT ");
				append_privileges(buf, these);
				if (column)
					appendStringInfo(buf, " (%s)", column);
				appendStringInfo(buf, " %s TO %s%s;\n", target,
								 item->ai_grantee == ACL_ID_PUBLIC ? "PUBLIC" :
								 role_name(item->ai_grantee),
								 withgo ? " WITH GRANT OPTION" : "");
			}
			if (!by_owner)
				appendStringInfoString(buf, "RESET ROLE;\n");
		}
	}
}

/*
 * append_privileges
 *		The privilege keywords of the bits in privs, comma-separated.
 */
static void
append_privileges(StringInfo buf, AclMode privs)
{
	static const struct
	{
		AclMode		bit;
		const char *word;
	}			words[] = {
		{ACL_INSERT, "INSERT"}, {ACL_SELECT, "SELECT"},
		{ACL_UPDATE, "UPDATE"}, {ACL_DELETE, "DELETE"},
		{ACL_TRUNCATE, "TRUNCATE"}, {ACL_REFERENCES, "REFERENCES"},
		{ACL_TRIGGER, "TRIGGER"}, {ACL_EXECUTE, "EXECUTE"},
		{ACL_USAGE, "USAGE"}, {ACL_CREATE, "CREATE"},
		{ACL_CREATE_TEMP, "TEMPORARY"}, {ACL_CONNECT, "CONNECT"},
		{ACL_SET, "SET"}, {ACL_ALTER_SYSTEM, "ALTER SYSTEM"}
	};
	bool		first = true;

	for (int i = 0; i < lengthof(words); i++)
	{
		if ((privs & words[i].bit) == 0)
			continue;
		appendStringInfo(buf, "%s%s", first ? "" : ", ", words[i].word);
		first = false;
	}
}

/*
 * append_comment_and_labels
 *		COMMENT ON and SECURITY LABEL statements for obj, when it has them.
 */
static void
append_comment_and_labels(StringInfo buf, const ObjectAddress *obj,
						  const char *keyword, const char *name)
{
	char	   *comment = GetComment(obj->objectId, obj->classId,
									 obj->objectSubId);
	Relation	rel;
	ScanKeyData key[3];
	SysScanDesc scan;
	HeapTuple	tup;

	if (comment)
		appendStringInfo(buf, "COMMENT ON %s %s IS %s;\n", keyword, name,
						 quote_literal_cstr(comment));

	rel = table_open(SecLabelRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_seclabel_objoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(obj->objectId));
	ScanKeyInit(&key[1], Anum_pg_seclabel_classoid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(obj->classId));
	ScanKeyInit(&key[2], Anum_pg_seclabel_objsubid, BTEqualStrategyNumber,
				F_INT4EQ, Int32GetDatum(obj->objectSubId));
	scan = systable_beginscan(rel, SecLabelObjectIndexId, true, NULL, 3, key);
	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		char	   *provider = text_datum_or_null(tup, rel,
												  Anum_pg_seclabel_provider);
		char	   *label = text_datum_or_null(tup, rel, Anum_pg_seclabel_label);

		appendStringInfo(buf, "SECURITY LABEL FOR %s ON %s %s IS %s;\n",
						 quote_identifier(provider), keyword, name,
						 quote_literal_cstr(label));
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
}

/*
 * append_enable_state
 *		"<alter> DISABLE|ENABLE REPLICA|ENABLE ALWAYS [<what> <name>]" for a
 *		trigger, rule or event trigger state other than the default.
 */
static void
append_enable_state(StringInfo buf, const char *alter, const char *what,
					const char *name, char state)
{
	const char *verb;

	switch (state)
	{
		case TRIGGER_DISABLED:
			verb = "DISABLE";
			break;
		case TRIGGER_FIRES_ON_REPLICA:
			verb = "ENABLE REPLICA";
			break;
		case TRIGGER_FIRES_ALWAYS:
			verb = "ENABLE ALWAYS";
			break;
		default:
			return;
	}
	if (what)
		appendStringInfo(buf, "%s %s %s %s;\n", alter, verb, what, name);
	else
		appendStringInfo(buf, "%s %s;\n", alter, verb);
}

/*
 * fetch_row
 *		A copy of obj's catalog row, with its catalog left open (AccessShareLock)
 *		in *relp; NULL (catalog closed) when the object no longer exists.
 */
static HeapTuple
fetch_row(Oid classId, Oid objectId, Relation *relp)
{
	Relation	rel = table_open(classId, AccessShareLock);
	HeapTuple	tup;

	/* two catalogs that objectaddress.c's property table does not know */
	if (classId == AttrDefaultRelationId || classId == PublicationRelRelationId)
	{
		ScanKeyData key;
		SysScanDesc scan;

		ScanKeyInit(&key, classId == AttrDefaultRelationId ?
					Anum_pg_attrdef_oid : Anum_pg_publication_rel_oid,
					BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(objectId));
		scan = systable_beginscan(rel, classId == AttrDefaultRelationId ?
								  AttrDefaultOidIndexId :
								  PublicationRelObjectIndexId,
								  true, NULL, 1, &key);
		tup = systable_getnext(scan);
		if (HeapTupleIsValid(tup))
			tup = heap_copytuple(tup);
		systable_endscan(scan);
	}
	else
		tup = get_catalog_object_by_oid(rel, get_object_attnum_oid(classId),
										objectId);

	if (!HeapTupleIsValid(tup))
	{
		table_close(rel, AccessShareLock);
		return NULL;
	}
	*relp = rel;
	return tup;
}

static char *
text_datum_or_null(HeapTuple tup, Relation rel, AttrNumber att)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, att, RelationGetDescr(rel), &isnull);

	return isnull ? NULL : TextDatumGetCString(d);
}

/*
 * expr_string
 *		pg_get_expr() of a pg_node_tree column, or NULL when it is null.
 */
static char *
expr_string(HeapTuple tup, Relation rel, AttrNumber att, Oid relid)
{
	bool		isnull;
	Datum		d = heap_getattr(tup, att, RelationGetDescr(rel), &isnull);

	if (isnull)
		return NULL;
	return text_to_cstring(DatumGetTextPP(DirectFunctionCall2(pg_get_expr, d,
															  ObjectIdGetDatum(relid))));
}

static char *
role_name(Oid roleid)
{
	if (roleid == ACL_ID_PUBLIC)
		return "PUBLIC";
	return pstrdup(quote_identifier(GetUserNameFromId(roleid, false)));
}

/*
 * on_relation
 *		"name ON schema.table", as DROP TRIGGER / RULE / POLICY and COMMENT
 *		ON them name an object that lives on a relation; just the quoted
 *		name when relid is InvalidOid.
 */
static char *
on_relation(const char *objname, Oid relid)
{
	if (!OidIsValid(relid))
		return pstrdup(quote_identifier(objname));
	return psprintf("%s ON %s", quote_identifier(objname),
					ri_qualified_relname(relid));
}
