/*-------------------------------------------------------------------------
 *
 * alter_table.c
 *	  The ALTER subcommands that delete objects without saying DROP ...
 *	  CASCADE: ALTER COLUMN ... DROP DEFAULT / DROP IDENTITY / DROP
 *	  EXPRESSION / [SET DATA] TYPE, and ALTER DOMAIN ... DROP CONSTRAINT:
 *	  their checks, and what each of their deletion calls is given.
 *
 * Keep in sync with src/backend/commands/tablecmds.c and typecmds.c,
 * PostgreSQL 15:
 *	 ri_at_drop_default()		ATExecColumnDefault() without a new default
 *	 ri_at_set_default()		ATExecColumnDefault() with a new default
 *	 ri_at_drop_identity()		ATExecDropIdentity()
 *	 ri_at_prep_drop_expression() ATPrepDropExpression()
 *	 ri_at_drop_expression()	ATExecDropExpression()
 *	 ri_at_prep_alter_type()	ATPrepAlterColumnType() (and the typed-table
 *								recursion of ATTypedTableRecursion())
 *	 ri_at_alter_type()			ATExecAlterColumnType(): its scan of what
 *								depends on the column, and its default
 *	 ri_at_rebuild()			ATPostAlterTypeCleanup()
 *	 ri_typed_tables()			find_typed_table_dependencies()
 *	 ri_domain_drop_constraint() AlterDomainDropConstraint()
 * The checks are the command's, in its order, with its messages.  What the
 * command deletes before the deletion call is mirrored by the batch flag
 * "detached" (the INTERNAL dependencies of an identity's sequence and of a
 * generation expression).
 *
 * Not reproduced: ownership checks (as for every preview); the USING
 * expression of ALTER COLUMN TYPE is not parsed, so errors in it and the
 * check that its result can be cast are not raised (without USING, the
 * cast check is PostgreSQL's); before 15.20, the rowtype check that
 * PostgreSQL makes for plain tables only when it rewrites them, after every
 * deletion (from 15.20 it is made for every table whose column type
 * changes, and src/engine/drop_target_alter.c makes it then).  DROP
 * EXPRESSION's check for children follows PG_VERSION_NUM of the server
 * built against: from 15.20 only the named table is checked.
 *
 * The blockers of ALTER COLUMN TYPE (a view, rule, trigger, policy,
 * function, generated column or publication that uses the column) are
 * recorded with ri_walk_add_blocker(), in pg_depend's order, each with the
 * error PostgreSQL raises for the first; every one of them is kept, so the
 * caller can list them all.  After the first, no more deletion calls are
 * walked (the command never makes them), only more blockers collected.
 *
 * Locks: AccessShareLock on the relations visited (the commands take
 * AccessExclusiveLock), on pg_depend, pg_attrdef and pg_constraint while
 * they are read, and on the domain of ALTER DOMAIN.
 *
 * Copyright (c) 2026, ri_audit developers
 * Portions Copyright (c) 1996-2022, PostgreSQL Global Development Group
 * Portions Copyright (c) 1994, Regents of the University of California
 *
 * IDENTIFICATION
 *	  ri_audit/src/import/alter_table.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/attmap.h"
#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/heap.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_index.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_opclass.h"
#include "catalog/pg_am.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "commands/tablecmds.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_coerce.h"
#include "parser/parse_relation.h"
#include "parser/parse_type.h"
#include "partitioning/partdesc.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/relcache.h"
#include "utils/syscache.h"

#include "ri_drop_target_int.h"

static bool column_gone(DropWalk *walk, Relation rel, AttrNumber attnum);
static void remember(DropWalk *walk, List **list, const ObjectAddress *obj,
					 const ObjectAddress *column);
static void remember_index(DropWalk *walk, RiRebuild *rb, Oid indoid,
						   const ObjectAddress *column);
static void add_blocker(DropWalk *walk, const char *message,
						const ObjectAddress *obj, const char *colname);

/*
 * column_gone
 *		Has an earlier deletion call of the statement dropped the column (or
 *		its table)?  The command would then not find it.
 */
static bool
column_gone(DropWalk *walk, Relation rel, AttrNumber attnum)
{
	ObjectAddress col;

	ObjectAddressSubSet(col, RelationRelationId, RelationGetRelid(rel), attnum);
	return attnum > 0 && ri_walk_is_dropped(walk, &col);
}

/*
 * ri_at_drop_default
 *		ALTER COLUMN ... DROP DEFAULT on one table: ATExecColumnDefault()'s
 *		checks, then RemoveAttrDefault(), a deletion call for the column's
 *		default when it has one (none is no error).
 */
void
ri_at_drop_default(DropWalk *walk, Relation rel, const char *colname)
{
	AttrNumber	attnum = get_attnum(RelationGetRelid(rel), colname);
	Form_pg_attribute att;
	Oid			attrdef;
	ObjectAddress obj;

	if (attnum == InvalidAttrNumber || column_gone(walk, rel, attnum))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, RelationGetRelationName(rel))));
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot alter system column \"%s\"", colname)));
	att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
	if (att->attidentity)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("column \"%s\" of relation \"%s\" is an identity column",
						colname, RelationGetRelationName(rel)),
				 errhint("Use ALTER TABLE ... ALTER COLUMN ... DROP IDENTITY instead.")));
	if (att->attgenerated)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("column \"%s\" of relation \"%s\" is a generated column",
						colname, RelationGetRelationName(rel)),
				 att->attgenerated != ATTRIBUTE_GENERATED_STORED ? 0 :
				 errhint("Use ALTER TABLE ... ALTER COLUMN ... DROP EXPRESSION instead.")));

	attrdef = GetAttrDefaultOid(RelationGetRelid(rel), attnum);
	if (!OidIsValid(attrdef))
		return;
	ObjectAddressSet(obj, AttrDefaultRelationId, attrdef);
	if (ri_walk_is_dropped(walk, &obj))
		return;
	ri_walk_batch(walk, &obj, 1);
}

/*
 * ri_at_set_default
 *		ALTER COLUMN ... SET DEFAULT on one table, in its later pass:
 *		ATExecColumnDefault()'s checks, then the column's old default (if
 *		an earlier subcommand left one) is dropped, an internal deletion
 *		call, and a new one is stored: the old one is 'rebuilt'.
 */
void
ri_at_set_default(DropWalk *walk, Relation rel, const char *colname)
{
	AttrNumber	attnum = get_attnum(RelationGetRelid(rel), colname);
	Form_pg_attribute att;
	Oid			attrdef;
	ObjectAddress obj;
	ObjectAddress col;

	if (attnum == InvalidAttrNumber || column_gone(walk, rel, attnum))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, RelationGetRelationName(rel))));
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot alter system column \"%s\"", colname)));
	att = TupleDescAttr(RelationGetDescr(rel), attnum - 1);
	if (att->attidentity)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("column \"%s\" of relation \"%s\" is an identity column",
						colname, RelationGetRelationName(rel))));
	if (att->attgenerated)
		ereport(ERROR,
				(errcode(ERRCODE_SYNTAX_ERROR),
				 errmsg("column \"%s\" of relation \"%s\" is a generated column",
						colname, RelationGetRelationName(rel))));

	attrdef = GetAttrDefaultOid(RelationGetRelid(rel), attnum);
	if (!OidIsValid(attrdef))
		return;
	ObjectAddressSet(obj, AttrDefaultRelationId, attrdef);
	if (ri_walk_is_dropped(walk, &obj))
		return;
	ObjectAddressSubSet(col, RelationRelationId, RelationGetRelid(rel), attnum);
	ri_walk_batch_as(walk, &obj, 1, DW_REBUILT, &col, false);
}

/*
 * ri_at_drop_identity
 *		ATExecDropIdentity(): the column's identity sequence goes, in an
 *		internal deletion call after its INTERNAL dependency on the column
 *		was removed.  Its row says it goes with the column ('internal').
 */
void
ri_at_drop_identity(DropWalk *walk, Relation rel, const char *colname,
					bool missing_ok)
{
	HeapTuple	tup;
	Form_pg_attribute att;
	AttrNumber	attnum;
	ObjectAddress seq;
	ObjectAddress col;

	tup = SearchSysCacheAttName(RelationGetRelid(rel), colname);
	if (HeapTupleIsValid(tup) &&
		column_gone(walk, rel, ((Form_pg_attribute) GETSTRUCT(tup))->attnum))
	{
		ReleaseSysCache(tup);
		tup = NULL;
	}
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, RelationGetRelationName(rel))));
	att = (Form_pg_attribute) GETSTRUCT(tup);
	attnum = att->attnum;
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot alter system column \"%s\"", colname)));
	if (!att->attidentity)
	{
		ReleaseSysCache(tup);
		if (!missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("column \"%s\" of relation \"%s\" is not an identity column",
							colname, RelationGetRelationName(rel))));
		ereport(NOTICE,
				(errmsg("column \"%s\" of relation \"%s\" is not an identity column, skipping",
						colname, RelationGetRelationName(rel))));
		return;
	}
	ReleaseSysCache(tup);

	ObjectAddressSet(seq, RelationRelationId,
					 getIdentitySequence(RelationGetRelid(rel), attnum, false));
	ObjectAddressSubSet(col, RelationRelationId, RelationGetRelid(rel), attnum);
	ri_walk_batch_as(walk, &seq, 1, DW_INTERNAL, &col, true);
}

/*
 * ri_at_prep_drop_expression
 *		ATPrepDropExpression(): ONLY with inheritance children, and
 *		inherited columns, are refused.
 */
void
ri_at_prep_drop_expression(Relation rel, const char *colname, bool recurse,
						   bool recursing)
{
	/*
	 * From PostgreSQL 15.20 only the named table is checked: its children,
	 * reached by the recursion, may have children of their own.
	 */
#if PG_VERSION_NUM >= 150020
	if (!recurse && !recursing &&
		find_inheritance_children(RelationGetRelid(rel), AccessShareLock))
#else
	if (!recurse &&
		find_inheritance_children(RelationGetRelid(rel), AccessShareLock))
#endif
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("ALTER TABLE / DROP EXPRESSION must be applied to child tables too")));

	if (!recursing)
	{
		HeapTuple	tup = SearchSysCacheAttName(RelationGetRelid(rel), colname);
		int			inhcount;

		if (!HeapTupleIsValid(tup))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation \"%s\" does not exist",
							colname, RelationGetRelationName(rel))));
		inhcount = ((Form_pg_attribute) GETSTRUCT(tup))->attinhcount;
		ReleaseSysCache(tup);
		if (inhcount > 0)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
					 errmsg("cannot drop generation expression from inherited column")));
	}
}

/*
 * ri_at_drop_expression
 *		ATExecDropExpression(): the column's generation expression goes
 *		(RemoveAttrDefault(), a deletion call the event triggers see), after
 *		its dependencies were removed.
 */
void
ri_at_drop_expression(DropWalk *walk, Relation rel, const char *colname,
					  bool missing_ok)
{
	HeapTuple	tup;
	Form_pg_attribute att;
	AttrNumber	attnum;
	Oid			attrdef;
	ObjectAddress obj;

	tup = SearchSysCacheAttName(RelationGetRelid(rel), colname);
	if (HeapTupleIsValid(tup) &&
		column_gone(walk, rel, ((Form_pg_attribute) GETSTRUCT(tup))->attnum))
	{
		ReleaseSysCache(tup);
		tup = NULL;
	}
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, RelationGetRelationName(rel))));
	att = (Form_pg_attribute) GETSTRUCT(tup);
	attnum = att->attnum;
	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot alter system column \"%s\"", colname)));
	if (att->attgenerated != ATTRIBUTE_GENERATED_STORED)
	{
		ReleaseSysCache(tup);
		if (!missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("column \"%s\" of relation \"%s\" is not a stored generated column",
							colname, RelationGetRelationName(rel))));
		ereport(NOTICE,
				(errmsg("column \"%s\" of relation \"%s\" is not a stored generated column, skipping",
						colname, RelationGetRelationName(rel))));
		return;
	}
	ReleaseSysCache(tup);

	attrdef = GetAttrDefaultOid(RelationGetRelid(rel), attnum);
	if (!OidIsValid(attrdef))
		elog(ERROR, "could not find attrdef tuple for relation %u attnum %d",
			 RelationGetRelid(rel), attnum);
	ObjectAddressSet(obj, AttrDefaultRelationId, attrdef);
	ri_walk_batch_as(walk, &obj, 1, 0, NULL, true);
}

/*
 * ri_typed_tables
 *		find_typed_table_dependencies(): the typed tables of a composite
 *		type.  Under RESTRICT PostgreSQL refuses when there are any; the
 *		preview records that error as a blocker that CASCADE resolves and
 *		goes on as CASCADE would.
 */
List *
ri_typed_tables(DropWalk *walk, Relation rel, DropBehavior behavior)
{
	Relation	classRel;
	ScanKeyData key[1];
	TableScanDesc scan;
	HeapTuple	tuple;
	List	   *result = NIL;

	classRel = table_open(RelationRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_class_reloftype, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(rel->rd_rel->reltype));
	scan = table_beginscan_catalog(classRel, 1, key);
	while ((tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (behavior == DROP_RESTRICT && result == NIL)
			ri_walk_add_blocker(walk, ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST,
								psprintf("cannot alter type \"%s\" because it is the type of a typed table",
										 RelationGetRelationName(rel)),
								NULL,
								"Use ALTER ... CASCADE to alter the typed tables too.",
								true);
		result = lappend_oid(result, ((Form_pg_class) GETSTRUCT(tuple))->oid);
	}
	table_endscan(scan);
	table_close(classRel, AccessShareLock);
	return result;
}

/*
 * ri_at_prep_alter_type
 *		ATPrepAlterColumnType(): the checks of ALTER COLUMN ... TYPE on one
 *		relation, then its recursion into every inheritance descendant
 *		(each checked as the command checks it), whose OIDs are appended to
 *		*children.  The typed tables of a composite type are the caller's
 *		(ri_typed_tables).
 */
void
ri_at_prep_alter_type(Relation rel, AlterTableCmd *cmd, bool recurse,
					  bool recursing, List **children)
{
	char	   *colname = cmd->name;
	ColumnDef  *def = (ColumnDef *) cmd->def;
	bool		using = (def->raw_default != NULL);
	HeapTuple	tup;
	Form_pg_attribute att;
	AttrNumber	attnum;
	Oid			targettype;
	int32		targettypmod;
	Oid			targetcollid;
	AclResult	aclresult;
	bool		is_expr;
	char		relkind = rel->rd_rel->relkind;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	if (rel->rd_rel->reloftype && !recursing)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot alter column type of typed table")));

	tup = SearchSysCacheAttName(RelationGetRelid(rel), colname);
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, RelationGetRelationName(rel))));
	att = (Form_pg_attribute) GETSTRUCT(tup);
	attnum = att->attnum;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot alter system column \"%s\"", colname)));
	if (att->attgenerated && using)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_COLUMN_DEFINITION),
				 errmsg("cannot specify USING when altering type of generated column"),
				 errdetail("Column \"%s\" is a generated column.", colname)));
	if (att->attinhcount > 0 && !recursing)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("cannot alter inherited column \"%s\"", colname)));
	if (has_partition_attrs(rel,
							bms_make_singleton(attnum - FirstLowInvalidHeapAttributeNumber),
							&is_expr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("cannot alter column \"%s\" because it is part of the partition key of relation \"%s\"",
						colname, RelationGetRelationName(rel))));

	typenameTypeIdAndMod(NULL, def->typeName, &targettype, &targettypmod);
	aclresult = pg_type_aclcheck(targettype, GetUserId(), ACL_USAGE);
	if (aclresult != ACLCHECK_OK)
		aclcheck_error_type(aclresult, targettype);
	targetcollid = GetColumnDefCollation(NULL, def, targettype);
	CheckAttributeType(colname, targettype, targetcollid,
					   list_make1_oid(rel->rd_rel->reltype), 0);

	if (relkind == RELKIND_RELATION || relkind == RELKIND_PARTITIONED_TABLE)
	{
		/*
		 * Without USING, the old value must be castable: the command's own
		 * test, on a Var of the column (nothing is evaluated).  A USING
		 * expression is not parsed (see the file comment).
		 */
		if (!using)
		{
			Node	   *transform;

			transform = (Node *) makeVar(1, attnum, att->atttypid,
										 att->atttypmod, att->attcollation, 0);
			transform = coerce_to_target_type(NULL, transform,
											  exprType(transform),
											  targettype, targettypmod,
											  COERCION_ASSIGNMENT,
											  COERCE_IMPLICIT_CAST, -1);
			if (transform == NULL)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("column \"%s\" cannot be cast automatically to type %s",
								colname, format_type_be(targettype)),
						 !att->attgenerated ?
						 errhint("You might need to specify \"USING %s::%s\".",
								 quote_identifier(colname),
								 format_type_with_typemod(targettype,
														  targettypmod)) : 0));
		}
	}
	else if (using)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a table", RelationGetRelationName(rel))));

	if (!RELKIND_HAS_STORAGE(relkind))
		find_composite_type_dependencies(rel->rd_rel->reltype, rel, NULL);

	ReleaseSysCache(tup);

	if (recurse)
	{
		Oid			relid = RelationGetRelid(rel);
		List	   *child_oids;
		List	   *child_numparents;
		ListCell   *lo;
		ListCell   *li;

		child_oids = find_all_inheritors(relid, AccessShareLock,
										 &child_numparents);
		forboth(lo, child_oids, li, child_numparents)
		{
			Oid			childrelid = lfirst_oid(lo);
			int			numparents = lfirst_int(li);
			Relation	childrel;
			HeapTuple	childtup;
			int			inhcount;

			CHECK_FOR_INTERRUPTS();
			if (childrelid == relid)
				continue;
			childrel = relation_open(childrelid, NoLock);
			childtup = SearchSysCacheAttName(childrelid, colname);
			if (!HeapTupleIsValid(childtup))
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_COLUMN),
						 errmsg("column \"%s\" of relation \"%s\" does not exist",
								colname, RelationGetRelationName(childrel))));
			inhcount = ((Form_pg_attribute) GETSTRUCT(childtup))->attinhcount;
			ReleaseSysCache(childtup);
			if (inhcount > numparents)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
						 errmsg("cannot alter inherited column \"%s\" of relation \"%s\"",
								colname, RelationGetRelationName(childrel))));
			/* ATPrepCmd() of the child: its relation kind, then these. */
			ri_check_alter_relkind(childrel, AT_AlterColumnType);
			ri_at_prep_alter_type(childrel, cmd, false, true, NULL);
			*children = lappend_oid(*children, childrelid);
			relation_close(childrel, NoLock);
		}
	}
	else if (!recursing &&
			 find_inheritance_children(RelationGetRelid(rel), AccessShareLock) != NIL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("type of inherited column \"%s\" must be changed in child tables too",
						colname)));
}

/*
 * remember
 *		Add an object to one of the rebuild lists, once (the command's
 *		de-duplication), with the column that made it go.
 */
static void
remember(DropWalk *walk, List **list, const ObjectAddress *obj,
		 const ObjectAddress *column)
{
	ListCell   *lc;
	RiRebuildItem *item;

	foreach(lc, *list)
	{
		if (((RiRebuildItem *) lfirst(lc))->obj.objectId == obj->objectId)
			return;
	}
	if (ri_walk_is_dropped(walk, obj))
		return;
	item = palloc(sizeof(RiRebuildItem));
	item->obj = *obj;
	item->column = *column;
	*list = lappend(*list, item);
}

/*
 * remember_index
 *		RememberIndexForRebuilding(): an index that belongs to a constraint
 *		is rebuilt through the constraint.
 */
static void
remember_index(DropWalk *walk, RiRebuild *rb, Oid indoid,
			   const ObjectAddress *column)
{
	Oid			conoid = get_index_constraint(indoid);
	ObjectAddress obj;

	if (OidIsValid(conoid))
	{
		ObjectAddressSet(obj, ConstraintRelationId, conoid);
		remember(walk, &rb->constraints, &obj, column);
	}
	else
	{
		ObjectAddressSet(obj, RelationRelationId, indoid);
		remember(walk, &rb->indexes, &obj, column);
	}
}

/*
 * add_blocker
 *		One object that makes ALTER COLUMN TYPE fail, with the command's
 *		message and its detail "<object> depends on column "<name>"".
 */
static void
add_blocker(DropWalk *walk, const char *message, const ObjectAddress *obj,
			const char *colname)
{
	char	   *desc = getObjectDescription(obj, true);

	if (desc == NULL)
		return;					/* dropped concurrently */
	ri_walk_add_blocker(walk, ERRCODE_FEATURE_NOT_SUPPORTED, message,
						psprintf("%s depends on column \"%s\"", desc, colname),
						NULL, false);
}

/*
 * ri_at_alter_type
 *		ATExecAlterColumnType() on one relation: the column is found again
 *		(an earlier DROP may have removed it), its default must cast to the
 *		new type, and everything that depends on it is either remembered in
 *		'rb' for ATPostAlterTypeCleanup() or is a blocker; then the column's
 *		own default (or generation expression) is dropped and stored again,
 *		one internal deletion call of its own.  rb->altered lists the
 *		columns of this relation whose type changed so far (the command
 *		refuses a second ALTER TYPE of such a column).  Once the walk has a blocker, only more
 *		blockers are collected: the command has stopped at the first.
 */
void
ri_at_alter_type(DropWalk *walk, Relation rel, AlterTableCmd *cmd,
				 RiRebuild *rb)
{
	char	   *colname = cmd->name;
	ColumnDef  *def = (ColumnDef *) cmd->def;
	bool		blocked = ri_walk_blocked(walk);
	HeapTuple	tup;
	Form_pg_attribute att;
	AttrNumber	attnum;
	bool		generated;
	Oid			attrdef = InvalidOid;
	ObjectAddress col;
	Relation	depRel;
	ScanKeyData key[3];
	SysScanDesc scan;
	HeapTuple	depTup;
	Oid			targettype;
	int32		targettypmod;

	CHECK_FOR_INTERRUPTS();

	tup = SearchSysCacheAttName(RelationGetRelid(rel), colname);
	if (HeapTupleIsValid(tup) &&
		column_gone(walk, rel, ((Form_pg_attribute) GETSTRUCT(tup))->attnum))
	{
		ReleaseSysCache(tup);
		tup = NULL;
	}
	if (!HeapTupleIsValid(tup))
	{
		if (blocked)
			return;
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_COLUMN),
				 errmsg("column \"%s\" of relation \"%s\" does not exist",
						colname, RelationGetRelationName(rel))));
	}
	att = (Form_pg_attribute) GETSTRUCT(tup);
	attnum = att->attnum;
	generated = (att->attgenerated != '\0');
	ObjectAddressSubSet(col, RelationRelationId, RelationGetRelid(rel), attnum);

	/*
	 * The command refuses a second ALTER TYPE of a column whose type an
	 * earlier one changed (it compares with the relation's old row type).
	 */
	typenameTypeIdAndMod(NULL, def->typeName, &targettype, &targettypmod);
	if (list_member_int(rb->altered, attnum))
	{
		ReleaseSysCache(tup);
		if (blocked)
			return;
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot alter type of column \"%s\" twice", colname)));
	}
	if (targettype != att->atttypid || targettypmod != att->atttypmod)
		rb->altered = lappend_int(rb->altered, attnum);

	/* The default must cast to the new type (an earlier DROP DEFAULT may
	 * have removed it). */
	if (att->atthasdef)
	{
		ObjectAddress defobj;

		attrdef = GetAttrDefaultOid(RelationGetRelid(rel), attnum);
		ObjectAddressSet(defobj, AttrDefaultRelationId, attrdef);
		if (!OidIsValid(attrdef) || ri_walk_is_dropped(walk, &defobj))
			attrdef = InvalidOid;
	}
	if (OidIsValid(attrdef) && !blocked)
	{
		Node	   *defaultexpr;

		defaultexpr = build_column_default(rel, attnum);
		if (defaultexpr == NULL)
			elog(ERROR, "default of column \"%s\" not found", colname);
		defaultexpr = strip_implicit_coercions(defaultexpr);
		defaultexpr = coerce_to_target_type(NULL, defaultexpr,
											exprType(defaultexpr),
											targettype, targettypmod,
											COERCION_ASSIGNMENT,
											COERCE_IMPLICIT_CAST, -1);
		if (defaultexpr == NULL)
		{
			if (generated)
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("generation expression for column \"%s\" cannot be cast automatically to type %s",
								colname, format_type_be(targettype))));
			else
				ereport(ERROR,
						(errcode(ERRCODE_DATATYPE_MISMATCH),
						 errmsg("default for column \"%s\" cannot be cast automatically to type %s",
								colname, format_type_be(targettype))));
		}
	}
	ReleaseSysCache(tup);

	/* Everything that depends on the column, in pg_depend's order. */
	depRel = table_open(DependRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_depend_refclassid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationRelationId));
	ScanKeyInit(&key[1], Anum_pg_depend_refobjid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationGetRelid(rel)));
	ScanKeyInit(&key[2], Anum_pg_depend_refobjsubid, BTEqualStrategyNumber,
				F_INT4EQ, Int32GetDatum((int32) attnum));
	scan = systable_beginscan(depRel, DependReferenceIndexId, true,
							  NULL, 3, key);
	while (HeapTupleIsValid(depTup = systable_getnext(scan)))
	{
		Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(depTup);
		ObjectAddress found;

		CHECK_FOR_INTERRUPTS();
		found.classId = dep->classid;
		found.objectId = dep->objid;
		found.objectSubId = dep->objsubid;

		/* Deleted by an earlier call, with its pg_depend rows. */
		if (ri_walk_is_dropped(walk, &found))
			continue;

		switch (getObjectClass(&found))
		{
			case OCLASS_CLASS:
				{
					char		relkind = get_rel_relkind(found.objectId);

					if (relkind == RELKIND_INDEX ||
						relkind == RELKIND_PARTITIONED_INDEX)
						remember_index(walk, rb, found.objectId, &col);
					else if (relkind != RELKIND_SEQUENCE &&
							 relkind != '\0')
						ri_walk_add_blocker(walk, ERRCODE_INTERNAL_ERROR,
											psprintf("unexpected object depending on column: %s",
													 getObjectDescription(&found, false)),
											NULL, NULL, false);
					break;
				}
			case OCLASS_CONSTRAINT:
				remember(walk, &rb->constraints, &found, &col);
				break;
			case OCLASS_PROC:
				add_blocker(walk, "cannot alter type of a column used by a function or procedure",
							&found, colname);
				break;
			case OCLASS_REWRITE:
				add_blocker(walk, "cannot alter type of a column used by a view or rule",
							&found, colname);
				break;
			case OCLASS_TRIGGER:
				add_blocker(walk, "cannot alter type of a column used in a trigger definition",
							&found, colname);
				break;
			case OCLASS_POLICY:
				add_blocker(walk, "cannot alter type of a column used in a policy definition",
							&found, colname);
				break;
			case OCLASS_DEFAULT:
				{
					ObjectAddress defcol = GetAttrDefaultColumnAddress(found.objectId);

					if (defcol.objectId == RelationGetRelid(rel) &&
						defcol.objectSubId == attnum)
						break;	/* the column's own default, below */
					ri_walk_add_blocker(walk, ERRCODE_FEATURE_NOT_SUPPORTED,
										"cannot alter type of a column used by a generated column",
										psprintf("Column \"%s\" is used by generated column \"%s\".",
												 colname,
												 get_attname(defcol.objectId,
															 defcol.objectSubId,
															 false)),
										NULL, false);
					break;
				}
			case OCLASS_STATISTIC_EXT:
				remember(walk, &rb->statistics, &found, &col);
				break;
			case OCLASS_PUBLICATION_REL:
				add_blocker(walk, "cannot alter type of a column used by a publication WHERE clause",
							&found, colname);
				break;
			default:
				ri_walk_add_blocker(walk, ERRCODE_INTERNAL_ERROR,
									psprintf("unexpected object depending on column: %s",
											 getObjectDescription(&found, false)),
									NULL, NULL, false);
				break;
		}
	}
	systable_endscan(scan);
	table_close(depRel, AccessShareLock);

	/*
	 * The default, dropped and stored again (RemoveAttrDefault(), internal);
	 * a generation expression's dependencies are removed first.
	 */
	if (OidIsValid(attrdef) && !ri_walk_blocked(walk))
	{
		ObjectAddress defobj;

		ObjectAddressSet(defobj, AttrDefaultRelationId, attrdef);
		ri_walk_batch_as(walk, &defobj, 1, DW_REBUILT, &col, generated);
	}
}

/*
 * ri_at_rebuild
 *		ATPostAlterTypeCleanup(): one internal deletion call for every
 *		constraint, index and statistics object remembered for the table
 *		(in that order), each marked DW_REBUILT, with the column that made
 *		it go as what it depends on.  Nothing once the walk is blocked.
 */
void
ri_at_rebuild(DropWalk *walk, RiRebuild *rb)
{
	List	   *all;
	int			n;
	ObjectAddress *targets;
	ObjectAddress *columns;
	ListCell   *lc;
	int			i = 0;

	if (ri_walk_blocked(walk))
		return;
	all = list_concat(list_concat(list_copy(rb->constraints), rb->indexes),
					  rb->statistics);
	n = list_length(all);
	if (n == 0)
		return;
	targets = palloc(n * sizeof(ObjectAddress));
	columns = palloc(n * sizeof(ObjectAddress));
	foreach(lc, all)
	{
		RiRebuildItem *item = (RiRebuildItem *) lfirst(lc);

		targets[i] = item->obj;
		columns[i] = item->column;
		i++;
	}
	ri_walk_batch_as(walk, targets, n, DW_REBUILT, columns, false);
	pfree(targets);
	pfree(columns);
	list_free(all);
}

/*
 * ri_domain_drop_constraint
 *		AlterDomainDropConstraint(): the domain is looked up (and locked
 *		AccessShareLock), must be a domain, and its constraint goes in one
 *		deletion call; a missing one is an error, or a notice under IF
 *		EXISTS.
 */
void
ri_domain_drop_constraint(DropWalk *walk, AlterDomainStmt *stmt)
{
	TypeName   *typename = makeTypeNameFromNameList(stmt->typeName);
	Oid			domainoid = ri_domain_lookup(typename);
	Relation	conrel;
	ScanKeyData skey[3];
	SysScanDesc scan;
	HeapTuple	tup;
	ObjectAddress conobj;
	bool		found = false;

	conrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&skey[0], Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(InvalidOid));
	ScanKeyInit(&skey[1], Anum_pg_constraint_contypid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(domainoid));
	ScanKeyInit(&skey[2], Anum_pg_constraint_conname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(stmt->name));
	scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId, true,
							  NULL, 3, skey);
	if ((tup = systable_getnext(scan)) != NULL)
	{
		ObjectAddressSet(conobj, ConstraintRelationId,
						 ((Form_pg_constraint) GETSTRUCT(tup))->oid);
		found = true;
	}
	systable_endscan(scan);
	table_close(conrel, AccessShareLock);

	if (found)
		ri_walk_batch(walk, &conobj, 1);
	else if (!stmt->missing_ok)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("constraint \"%s\" of domain \"%s\" does not exist",
						stmt->name, TypeNameToString(typename))));
	else
		ereport(NOTICE,
				(errmsg("constraint \"%s\" of domain \"%s\" does not exist, skipping",
						stmt->name, TypeNameToString(typename))));
}

/*
 * ri_domain_lookup
 *		The domain of an ALTER DOMAIN statement: typenameTypeId(), then
 *		checkDomainOwner()'s test that it is a domain (ownership aside).
 *		AccessShareLock on the type.
 */
Oid
ri_domain_lookup(TypeName *typename)
{
	Oid			domainoid = typenameTypeId(NULL, typename);
	HeapTuple	tup;
	char		typtype;

	LockDatabaseObject(TypeRelationId, domainoid, 0, AccessShareLock);
	tup = SearchSysCache1(TYPEOID, ObjectIdGetDatum(domainoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for type %u", domainoid);
	typtype = ((Form_pg_type) GETSTRUCT(tup))->typtype;
	ReleaseSysCache(tup);
	if (typtype != TYPTYPE_DOMAIN)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("%s is not a domain", format_type_be(domainoid))));
	return domainoid;
}

/*
 * The partition subcommands and ADD FOREIGN KEY on a partitioned table.
 * Keep in sync with src/backend/commands/tablecmds.c, PostgreSQL 15:
 *	 ri_at_attach_partition()	ATExecAttachPartition(): what its
 *								CloneFkReferencing() deletes
 *	 try_attach_fk()			tryAttachPartitionForeignKey()
 *	 recurse_referencing()		addFkRecurseReferencing()'s partition loop
 *	 ri_at_add_foreign_key()	ATAddForeignKeyConstraint() on a partitioned
 *								table, up to its addFkRecurseReferencing()
 *	 fk_column_list()			transformColumnNameList()
 *	 fk_primary_key()			transformFkeyGetPrimaryKey()
 *	 fk_check_attrs()			transformFkeyCheckAttrs()
 *	 ri_at_detach_partition()	ATExecDetachPartition() and
 *								ATExecDetachPartitionFinalize(): what
 *								DetachPartitionFinalize() deletes
 *
 * Attaching a partition (or adding a foreign key to a partitioned table)
 * gives each partition the parent's foreign keys; a partition foreign key
 * equal to the parent's is attached to it instead of cloned, and its action
 * triggers on the referenced table (and, when that table is partitioned,
 * its constraints on the referenced partitions with their triggers) are
 * deleted: the parent's make them redundant.  Detaching deletes the
 * partition's cloned row triggers and the constraints (with their action
 * triggers) that made the partition part of the referenced side of a
 * parent's foreign key.  Every other change these commands make (cloned
 * constraints, triggers and indexes, pg_inherits, relpartbound) creates or
 * updates rows and deletes nothing.
 */

/* What tryAttachPartitionForeignKey() compares of the parent's foreign key. */
typedef struct RiParentFk
{
	Oid			conoid;			/* the constraint, or InvalidOid while it is
								 * a clone the command would create */
	Oid			confrelid;		/* referenced table */
	bool		condeferrable;	/* DEFERRABLE */
	bool		condeferred;	/* INITIALLY DEFERRED */
	char		confupdtype;	/* ON UPDATE action */
	char		confdeltype;	/* ON DELETE action */
	char		confmatchtype;	/* MATCH type */
	int			numfks;			/* number of key columns */
	AttrNumber	confkey[INDEX_MAX_KEYS];	/* referenced columns */
	Oid			conpfeqop[INDEX_MAX_KEYS];	/* PK = FK operators */
} RiParentFk;

/*
 * try_attach_fk
 *		tryAttachPartitionForeignKey(): is the partition's foreign key fk
 *		equal to the parent's?  Then the command attaches it (no catalog
 *		change the preview keeps, except that it is now attached: 'attached'
 *		lists those, as their conparentid would show) and deletes, one call
 *		each, its action triggers, after deleting their dependencies; then,
 *		when the referenced table is partitioned, in one internal call, the
 *		constraints of fk's relation whose parent is fk (the referenced
 *		partitions' side), with their triggers, after deleting each one's
 *		internal dependency on fk.
 */
static bool
try_attach_fk(DropWalk *walk, ForeignKeyCacheInfo *fk,
			  const RiParentFk *parent, const AttrNumber *mapped_conkey,
			  List **attached)
{
	HeapTuple	tup;
	Form_pg_constraint partConstr;
	Relation	trigrel;
	ScanKeyData key;
	SysScanDesc scan;
	HeapTuple	trigtup;
	ObjectAddress conaddr;
	bool		ok;

	if (fk->confrelid != parent->confrelid || fk->nkeys != parent->numfks)
		return false;
	/* Dropped by an earlier subcommand of the statement. */
	ObjectAddressSet(conaddr, ConstraintRelationId, fk->conoid);
	if (ri_walk_is_dropped(walk, &conaddr))
		return false;
	for (int i = 0; i < parent->numfks; i++)
	{
		if (fk->conkey[i] != mapped_conkey[i] ||
			fk->confkey[i] != parent->confkey[i] ||
			fk->conpfeqop[i] != parent->conpfeqop[i])
			return false;
	}

	tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(fk->conoid));
	if (!HeapTupleIsValid(tup))
		elog(ERROR, "cache lookup failed for constraint %u", fk->conoid);
	partConstr = (Form_pg_constraint) GETSTRUCT(tup);
	ok = !(OidIsValid(partConstr->conparentid) ||
		   list_member_oid(*attached, fk->conoid) ||
		   !partConstr->convalidated ||
		   partConstr->condeferrable != parent->condeferrable ||
		   partConstr->condeferred != parent->condeferred ||
		   partConstr->confupdtype != parent->confupdtype ||
		   partConstr->confdeltype != parent->confdeltype ||
		   partConstr->confmatchtype != parent->confmatchtype);
	ReleaseSysCache(tup);
	if (!ok)
		return false;

	*attached = lappend_oid(*attached, fk->conoid);

	/* The partition's action triggers, each its own performDeletion(). */
	trigrel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyInit(&key, Anum_pg_trigger_tgconstraint, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(fk->conoid));
	scan = systable_beginscan(trigrel, TriggerConstraintIndexId, true,
							  NULL, 1, &key);
	while ((trigtup = systable_getnext(scan)) != NULL)
	{
		Form_pg_trigger trgform = (Form_pg_trigger) GETSTRUCT(trigtup);
		ObjectAddress trig;

		CHECK_FOR_INTERRUPTS();
		if (trgform->tgconstrrelid != fk->conrelid ||
			trgform->tgrelid != fk->confrelid)
			continue;
		ObjectAddressSet(trig, TriggerRelationId, trgform->oid);
		ri_walk_batch_as(walk, &trig, 1, DW_INTERNAL, &conaddr, true);
	}
	systable_endscan(scan);

	/* The referenced partitions' side, one internal call. */
	if (get_rel_relkind(fk->confrelid) == RELKIND_PARTITIONED_TABLE)
	{
		Relation	conrel = table_open(ConstraintRelationId, AccessShareLock);
		TargetList	targets = {0};
		ObjectAddress *dependees;
		int			maxdeps = 8;
		int			ndeps = 0;
		HeapTuple	contup;

		dependees = palloc(maxdeps * sizeof(ObjectAddress));
		ScanKeyInit(&key, Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(fk->conrelid));
		scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId,
								  true, NULL, 1, &key);
		while ((contup = systable_getnext(scan)) != NULL)
		{
			Form_pg_constraint conform = (Form_pg_constraint) GETSTRUCT(contup);
			ObjectAddress child;
			ScanKeyData key2;
			SysScanDesc scan2;

			CHECK_FOR_INTERRUPTS();
			if (conform->conparentid != fk->conoid)
				continue;
			ObjectAddressSet(child, ConstraintRelationId, conform->oid);
			ri_target_add(&targets, child.classId, child.objectId, 0);
			if (ndeps >= maxdeps)
			{
				maxdeps *= 2;
				dependees = repalloc(dependees, maxdeps * sizeof(ObjectAddress));
			}
			dependees[ndeps++] = conaddr;

			ScanKeyInit(&key2, Anum_pg_trigger_tgconstraint,
						BTEqualStrategyNumber, F_OIDEQ,
						ObjectIdGetDatum(conform->oid));
			scan2 = systable_beginscan(trigrel, TriggerConstraintIndexId,
									   true, NULL, 1, &key2);
			while ((trigtup = systable_getnext(scan2)) != NULL)
			{
				ri_target_add(&targets, TriggerRelationId,
							  ((Form_pg_trigger) GETSTRUCT(trigtup))->oid, 0);
				if (ndeps >= maxdeps)
				{
					maxdeps *= 2;
					dependees = repalloc(dependees,
										 maxdeps * sizeof(ObjectAddress));
				}
				dependees[ndeps++] = child;
			}
			systable_endscan(scan2);
		}
		systable_endscan(scan);
		table_close(conrel, AccessShareLock);
		ri_walk_batch_as(walk, targets.addrs, targets.n, DW_INTERNAL,
						 dependees, true);
	}
	table_close(trigrel, AccessShareLock);
	return true;
}

/*
 * recurse_referencing
 *		addFkRecurseReferencing() for a foreign key the command creates on
 *		rel (a clone, or the new constraint of ADD FOREIGN KEY): on a
 *		partitioned rel, each partition in partition-bound order either has
 *		an equal foreign key, which is attached, or gets a clone, and the
 *		recursion goes on into it.  fkattnum: the key columns in rel.
 */
static void
recurse_referencing(DropWalk *walk, Relation rel, const RiParentFk *parent,
					const AttrNumber *fkattnum, List **attached)
{
	PartitionDesc pd;

	check_stack_depth();
	if (rel->rd_rel->relkind == RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("foreign key constraints are not supported on foreign tables")));
	if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		return;

	pd = RelationGetPartitionDesc(rel, true);
	for (int i = 0; i < pd->nparts; i++)
	{
		Relation	partition = table_open(pd->oids[i], AccessShareLock);
		AttrMap    *attmap;
		AttrNumber	mapped[INDEX_MAX_KEYS];
		List	   *partFKs;
		ListCell   *lc;
		bool		done = false;

		CHECK_FOR_INTERRUPTS();
		attmap = build_attrmap_by_name(RelationGetDescr(partition),
									   RelationGetDescr(rel));
		for (int j = 0; j < parent->numfks; j++)
			mapped[j] = attmap->attnums[fkattnum[j] - 1];

		partFKs = copyObject(RelationGetFKeyList(partition));
		foreach(lc, partFKs)
		{
			if (try_attach_fk(walk, lfirst_node(ForeignKeyCacheInfo, lc),
							  parent, mapped, attached))
			{
				done = true;
				break;
			}
		}
		if (!done)
			recurse_referencing(walk, partition, parent, mapped, attached);
		table_close(partition, NoLock);
	}
}

/*
 * parent_fk_from_catalog
 *		The comparison fields of an existing foreign key constraint.
 */
static void
parent_fk_from_catalog(HeapTuple tup, RiParentFk *parent, AttrNumber *conkey)
{
	Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
	Oid			conppeqop[INDEX_MAX_KEYS];
	Oid			conffeqop[INDEX_MAX_KEYS];
	int			numfkdelsetcols;
	AttrNumber	confdelsetcols[INDEX_MAX_KEYS];

	memset(parent, 0, sizeof(*parent));
	parent->conoid = con->oid;
	parent->confrelid = con->confrelid;
	parent->condeferrable = con->condeferrable;
	parent->condeferred = con->condeferred;
	parent->confupdtype = con->confupdtype;
	parent->confdeltype = con->confdeltype;
	parent->confmatchtype = con->confmatchtype;
	DeconstructFkConstraintRow(tup, &parent->numfks, conkey, parent->confkey,
							   parent->conpfeqop, conppeqop, conffeqop,
							   &numfkdelsetcols, confdelsetcols);
}

/*
 * attach_checks
 *		ATExecAttachPartition()'s checks after the typed-table one, up to
 *		CreateInheritance()'s MergeAttributesIntoExisting() column checks
 *		(type, collation, NOT NULL, missing column); not the generation
 *		expressions, the constraints (MergeConstraintsIntoExisting), the
 *		triggers with transition tables or the bound.
 */
static void
attach_checks(Relation rel, Relation attachrel)
{
	Relation	catalog;
	ScanKeyData skey;
	SysScanDesc scan;
	List	   *children;
	TupleDesc	desc;

	catalog = table_open(InheritsRelationId, AccessShareLock);
	ScanKeyInit(&skey, Anum_pg_inherits_inhrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationGetRelid(attachrel)));
	scan = systable_beginscan(catalog, InheritsRelidSeqnoIndexId, true,
							  NULL, 1, &skey);
	if (HeapTupleIsValid(systable_getnext(scan)))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot attach inheritance child as partition")));
	systable_endscan(scan);
	ScanKeyInit(&skey, Anum_pg_inherits_inhparent, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationGetRelid(attachrel)));
	scan = systable_beginscan(catalog, InheritsParentIndexId, true, NULL,
							  1, &skey);
	if (HeapTupleIsValid(systable_getnext(scan)) &&
		attachrel->rd_rel->relkind == RELKIND_RELATION)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot attach inheritance parent as partition")));
	systable_endscan(scan);
	table_close(catalog, AccessShareLock);

	children = find_all_inheritors(RelationGetRelid(attachrel),
								   AccessShareLock, NULL);
	if (list_member_oid(children, RelationGetRelid(rel)))
		ereport(ERROR,
				(errcode(ERRCODE_DUPLICATE_TABLE),
				 errmsg("circular inheritance not allowed"),
				 errdetail("\"%s\" is already a child of \"%s\".",
						   RelationGetRelationName(rel),
						   RelationGetRelationName(attachrel))));
	if (rel->rd_rel->relpersistence != RELPERSISTENCE_TEMP &&
		attachrel->rd_rel->relpersistence == RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot attach a temporary relation as partition of permanent relation \"%s\"",
						RelationGetRelationName(rel))));
	if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP &&
		attachrel->rd_rel->relpersistence != RELPERSISTENCE_TEMP)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot attach a permanent relation as partition of temporary relation \"%s\"",
						RelationGetRelationName(rel))));
	if (rel->rd_rel->relpersistence == RELPERSISTENCE_TEMP &&
		!rel->rd_islocaltemp)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot attach as partition of temporary relation of another session")));
	if (attachrel->rd_rel->relpersistence == RELPERSISTENCE_TEMP &&
		!attachrel->rd_islocaltemp)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot attach temporary relation of another session as partition")));

	desc = RelationGetDescr(attachrel);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);

		if (att->attisdropped)
			continue;
		if (!SearchSysCacheExists2(ATTNAME,
								   ObjectIdGetDatum(RelationGetRelid(rel)),
								   CStringGetDatum(NameStr(att->attname))))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("table \"%s\" contains column \"%s\" not found in parent \"%s\"",
							RelationGetRelationName(attachrel),
							NameStr(att->attname),
							RelationGetRelationName(rel)),
					 errdetail("The new partition may contain only the columns present in parent.")));
	}

	desc = RelationGetDescr(rel);
	for (int i = 0; i < desc->natts; i++)
	{
		Form_pg_attribute att = TupleDescAttr(desc, i);
		HeapTuple	tup;
		Form_pg_attribute child;

		if (att->attisdropped)
			continue;
		tup = SearchSysCacheAttName(RelationGetRelid(attachrel),
									NameStr(att->attname));
		if (!HeapTupleIsValid(tup))
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("child table is missing column \"%s\"",
							NameStr(att->attname))));
		child = (Form_pg_attribute) GETSTRUCT(tup);
		if (att->atttypid != child->atttypid ||
			att->atttypmod != child->atttypmod)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("child table \"%s\" has different type for column \"%s\"",
							RelationGetRelationName(attachrel),
							NameStr(att->attname))));
		if (att->attcollation != child->attcollation)
			ereport(ERROR,
					(errcode(ERRCODE_COLLATION_MISMATCH),
					 errmsg("child table \"%s\" has different collation for column \"%s\"",
							RelationGetRelationName(attachrel),
							NameStr(att->attname))));
		if (att->attnotnull && !child->attnotnull)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" in child table must be marked NOT NULL",
							NameStr(att->attname))));
		if (att->attgenerated && !child->attgenerated)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("column \"%s\" in child table must be a generated column",
							NameStr(att->attname))));
		ReleaseSysCache(tup);
	}
}

/*
 * ri_at_attach_partition
 *		ALTER TABLE parent ATTACH PARTITION: the partition is looked up,
 *		with the command's first checks (transformPartitionCmd(),
 *		ATExecAttachPartition()'s relation checks), then CloneFkReferencing()
 *		is followed: every foreign key of the parent (except those whose
 *		parent is cloned too) goes to an equal foreign key of the partition,
 *		or is cloned there and recursed into the partition's partitions.
 *		ALTER TABLE on a partitioned index (an index's ATTACH PARTITION)
 *		deletes nothing.
 */
void
ri_at_attach_partition(DropWalk *walk, Relation rel, AlterTableCmd *cmd)
{
	PartitionCmd *pc = (PartitionCmd *) cmd->def;
	Relation	attachrel;
	Oid			attachid;
	List	   *parentFKs;
	List	   *clone = NIL;
	List	   *attached = NIL;
	List	   *partFKs;
	ListCell   *lc;
	AttrMap    *attmap;

	switch (rel->rd_rel->relkind)
	{
		case RELKIND_PARTITIONED_TABLE:
			break;
		case RELKIND_PARTITIONED_INDEX:
			if (pc->bound != NULL)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
						 errmsg("\"%s\" is not a partitioned table",
								RelationGetRelationName(rel))));
			return;
		case RELKIND_RELATION:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("table \"%s\" is not partitioned",
							RelationGetRelationName(rel))));
			break;
		case RELKIND_INDEX:
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("index \"%s\" is not partitioned",
							RelationGetRelationName(rel))));
			break;
		default:
			ri_check_alter_relkind(rel, cmd->subtype);
			return;
	}

	attachid = RangeVarGetRelidExtended(pc->name, AccessShareLock, 0,
										NULL, NULL);
	attachrel = table_open(attachid, NoLock);
	if (attachrel->rd_rel->relispartition)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is already a partition",
						RelationGetRelationName(attachrel))));
	if (OidIsValid(attachrel->rd_rel->reloftype))
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot attach a typed table as partition")));
	attach_checks(rel, attachrel);

	/* CloneFkReferenced() only creates; CloneFkReferencing(): */
	parentFKs = RelationGetFKeyList(rel);
	foreach(lc, parentFKs)
	{
		ForeignKeyCacheInfo *fk = lfirst(lc);

		if (fk->confrelid == attachid)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot attach table \"%s\" as a partition because it is referenced by foreign key \"%s\"",
							RelationGetRelationName(attachrel),
							get_constraint_name(fk->conoid))));
		clone = lappend_oid(clone, fk->conoid);
	}
	if (clone == NIL)
	{
		table_close(attachrel, NoLock);
		return;
	}
	if (attachrel->rd_rel->relkind == RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("foreign key constraints are not supported on foreign tables")));

	attmap = build_attrmap_by_name(RelationGetDescr(attachrel),
								   RelationGetDescr(rel));
	partFKs = copyObject(RelationGetFKeyList(attachrel));
	foreach(lc, clone)
	{
		HeapTuple	tup;
		RiParentFk	parent;
		AttrNumber	conkey[INDEX_MAX_KEYS];
		AttrNumber	mapped[INDEX_MAX_KEYS];
		ListCell   *lp;
		bool		done = false;

		CHECK_FOR_INTERRUPTS();
		tup = SearchSysCache1(CONSTROID, ObjectIdGetDatum(lfirst_oid(lc)));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for constraint %u",
				 lfirst_oid(lc));
		if (list_member_oid(clone,
							((Form_pg_constraint) GETSTRUCT(tup))->conparentid))
		{
			ReleaseSysCache(tup);
			continue;
		}
		parent_fk_from_catalog(tup, &parent, conkey);
		ReleaseSysCache(tup);
		for (int i = 0; i < parent.numfks; i++)
			mapped[i] = attmap->attnums[conkey[i] - 1];

		foreach(lp, partFKs)
		{
			if (try_attach_fk(walk, lfirst_node(ForeignKeyCacheInfo, lp),
							  &parent, mapped, &attached))
			{
				done = true;
				break;
			}
		}
		if (!done)
			recurse_referencing(walk, attachrel, &parent, mapped, &attached);
	}
	table_close(attachrel, NoLock);
}

/*
 * ri_at_detach_partition
 *		ALTER TABLE parent DETACH PARTITION [CONCURRENTLY | FINALIZE]: the
 *		partition is looked up and checked as ATExecDetachPartition()
 *		(RemoveInheritance(), MarkInheritDetached()) and
 *		ATExecDetachPartitionFinalize() do, then DetachPartitionFinalize()'s
 *		deletions: first, in one internal call, the partition's triggers
 *		cloned from the parent's (not the foreign keys' own), after deleting
 *		their partition dependencies; then, one call each, the constraints
 *		that reference the partition on behalf of a parent's constraint,
 *		after deleting their internal dependency on it (their action
 *		triggers go with them).  CONCURRENTLY makes the same deletions in
 *		its second transaction.
 */
void
ri_at_detach_partition(DropWalk *walk, Relation rel, AlterTableCmd *cmd)
{
	PartitionCmd *pc = (PartitionCmd *) cmd->def;
	bool		finalize = (cmd->subtype == AT_DetachPartitionFinalize);
	Relation	partrel;
	Oid			partid;
	Relation	inhrel;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	bool		found = false;
	bool		pending = false;
	TargetList	targets = {0};
	ObjectAddress *dependees;
	int			maxdeps = 8;
	int			ndeps = 0;
	Relation	catrel;

	if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
	{
		if (rel->rd_rel->relkind == RELKIND_RELATION)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_OBJECT_DEFINITION),
					 errmsg("table \"%s\" is not partitioned",
							RelationGetRelationName(rel))));
		ri_check_alter_relkind(rel, cmd->subtype);
		return;
	}

	if (pc->concurrent && !finalize)
	{
		PartitionDesc pd = RelationGetPartitionDesc(rel, true);

		if (OidIsValid(get_default_oid_from_partdesc(pd)))
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot detach partitions concurrently when a default partition exists")));
	}

	partid = RangeVarGetRelidExtended(pc->name, AccessShareLock, 0,
									  NULL, NULL);
	partrel = table_open(partid, NoLock);

	/* MarkInheritDetached()'s and DeleteInheritsTuple()'s checks. */
	inhrel = table_open(InheritsRelationId, AccessShareLock);
	if (pc->concurrent && !finalize)
	{
		ScanKeyInit(&key[0], Anum_pg_inherits_inhparent,
					BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(RelationGetRelid(rel)));
		scan = systable_beginscan(inhrel, InheritsParentIndexId, true,
								  NULL, 1, key);
		while ((tup = systable_getnext(scan)) != NULL)
		{
			Form_pg_inherits inh = (Form_pg_inherits) GETSTRUCT(tup);

			if (inh->inhdetachpending)
				ereport(ERROR,
						errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						errmsg("partition \"%s\" already pending detach in partitioned table \"%s.%s\"",
							   get_rel_name(inh->inhrelid),
							   get_namespace_name(rel->rd_rel->relnamespace),
							   RelationGetRelationName(rel)),
						errhint("Use ALTER TABLE ... DETACH PARTITION ... FINALIZE to complete the pending detach operation."));
		}
		systable_endscan(scan);
	}
	ScanKeyInit(&key[0], Anum_pg_inherits_inhrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(partid));
	scan = systable_beginscan(inhrel, InheritsRelidSeqnoIndexId, true,
							  NULL, 1, key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_inherits inh = (Form_pg_inherits) GETSTRUCT(tup);

		if (inh->inhparent != RelationGetRelid(rel))
			continue;
		found = true;
		pending = inh->inhdetachpending;
	}
	systable_endscan(scan);
	table_close(inhrel, AccessShareLock);
	if (found && pending && !finalize)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot detach partition \"%s\"",
						RelationGetRelationName(partrel)),
				 errdetail("The partition is being detached concurrently or has an unfinished detach."),
				 errhint("Use ALTER TABLE ... DETACH PARTITION ... FINALIZE to complete the pending detach operation.")));
	if (found && !pending && finalize)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("cannot complete detaching partition \"%s\"",
						RelationGetRelationName(partrel)),
				 errdetail("There's no pending concurrent detach.")));
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_TABLE),
				 errmsg("relation \"%s\" is not a partition of relation \"%s\"",
						RelationGetRelationName(partrel),
						RelationGetRelationName(rel))));

	/* DropClonedTriggersFromPartition() */
	dependees = palloc(maxdeps * sizeof(ObjectAddress));
	catrel = table_open(TriggerRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_trigger_tgrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(partid));
	scan = systable_beginscan(catrel, TriggerRelidNameIndexId, true,
							  NULL, 1, key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_trigger trg = (Form_pg_trigger) GETSTRUCT(tup);

		CHECK_FOR_INTERRUPTS();
		if (!OidIsValid(trg->tgparentid) || OidIsValid(trg->tgconstrrelid))
			continue;
		ri_target_add(&targets, TriggerRelationId, trg->oid, 0);
		if (ndeps >= maxdeps)
		{
			maxdeps *= 2;
			dependees = repalloc(dependees, maxdeps * sizeof(ObjectAddress));
		}
		ObjectAddressSet(dependees[ndeps], TriggerRelationId, trg->tgparentid);
		ndeps++;
	}
	systable_endscan(scan);
	table_close(catrel, AccessShareLock);
	ri_walk_batch_as(walk, targets.addrs, targets.n, DW_INTERNAL, dependees,
					 true);

	/* GetParentedForeignKeyRefs(), then one performDeletion() each. */
	catrel = table_open(ConstraintRelationId, AccessShareLock);
	ScanKeyInit(&key[0], Anum_pg_constraint_confrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(partid));
	ScanKeyInit(&key[1], Anum_pg_constraint_contype, BTEqualStrategyNumber,
				F_CHAREQ, CharGetDatum(CONSTRAINT_FOREIGN));
	scan = systable_beginscan(catrel, InvalidOid, true, NULL, 2, key);
	while ((tup = systable_getnext(scan)) != NULL)
	{
		Form_pg_constraint con = (Form_pg_constraint) GETSTRUCT(tup);
		ObjectAddress conaddr;
		ObjectAddress parentaddr;

		CHECK_FOR_INTERRUPTS();
		if (!OidIsValid(con->conparentid))
			continue;
		ObjectAddressSet(conaddr, ConstraintRelationId, con->oid);
		ObjectAddressSet(parentaddr, ConstraintRelationId, con->conparentid);
		ri_walk_batch_as(walk, &conaddr, 1, DW_INTERNAL, &parentaddr, true);
	}
	systable_endscan(scan);
	table_close(catrel, AccessShareLock);
	table_close(partrel, NoLock);
}


/*
 * fk_column_list
 *		transformColumnNameList(): the attnums and types of a foreign key's
 *		column names.  A column an earlier subcommand of the statement drops
 *		does not exist any more; one that the statement adds (added:
 *		ColumnDef nodes) gets attnum 0, its type from the ColumnDef, and
 *		sets *has_new.
 */
static int
fk_column_list(DropWalk *walk, Oid relId, List *colList, List *added,
			   int16 *attnums, Oid *atttypids, bool *has_new)
{
	ListCell   *l;
	int			attnum = 0;

	foreach(l, colList)
	{
		char	   *attname = strVal(lfirst(l));
		HeapTuple	atttuple;
		Form_pg_attribute attform;
		ObjectAddress col;
		ColumnDef  *newcol = NULL;
		ListCell   *la;

		atttuple = SearchSysCacheAttName(relId, attname);
		if (HeapTupleIsValid(atttuple))
		{
			ObjectAddressSubSet(col, RelationRelationId, relId,
								((Form_pg_attribute) GETSTRUCT(atttuple))->attnum);
			if (ri_walk_is_dropped(walk, &col))
			{
				ReleaseSysCache(atttuple);
				atttuple = NULL;
			}
		}
		if (!HeapTupleIsValid(atttuple))
		{
			foreach(la, added)
			{
				if (strcmp(((ColumnDef *) lfirst(la))->colname, attname) == 0)
					newcol = (ColumnDef *) lfirst(la);
			}
		}
		if (newcol != NULL)
		{
			if (attnum >= INDEX_MAX_KEYS)
				ereport(ERROR,
						(errcode(ERRCODE_TOO_MANY_COLUMNS),
						 errmsg("cannot have more than %d keys in a foreign key",
								INDEX_MAX_KEYS)));
			attnums[attnum] = InvalidAttrNumber;
			if (atttypids != NULL)
				atttypids[attnum] = typenameTypeId(NULL, newcol->typeName);
			*has_new = true;
			attnum++;
			continue;
		}
		if (!HeapTupleIsValid(atttuple))
		{
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" referenced in foreign key constraint does not exist",
							attname)));
		}
		attform = (Form_pg_attribute) GETSTRUCT(atttuple);
		if (attform->attnum < 0)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("system columns cannot be used in foreign keys")));
		if (attnum >= INDEX_MAX_KEYS)
			ereport(ERROR,
					(errcode(ERRCODE_TOO_MANY_COLUMNS),
					 errmsg("cannot have more than %d keys in a foreign key",
							INDEX_MAX_KEYS)));
		attnums[attnum] = attform->attnum;
		if (atttypids != NULL)
			atttypids[attnum] = attform->atttypid;
		ReleaseSysCache(atttuple);
		attnum++;
	}
	return attnum;
}

/*
 * fk_primary_key
 *		transformFkeyGetPrimaryKey(): the referenced table's primary key
 *		columns, their types and index opclasses.
 */
static int
fk_primary_key(Relation pkrel, int16 *attnums, Oid *atttypids,
			   Oid *opclasses)
{
	List	   *indexoidlist = RelationGetIndexList(pkrel);
	ListCell   *lc;
	HeapTuple	indexTuple = NULL;
	Form_pg_index indexStruct = NULL;
	Datum		indclassDatum;
	bool		isnull;
	oidvector  *indclass;
	bool		found = false;
	int			i;

	foreach(lc, indexoidlist)
	{
		Oid			indexoid = lfirst_oid(lc);

		indexTuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		if (!HeapTupleIsValid(indexTuple))
			elog(ERROR, "cache lookup failed for index %u", indexoid);
		indexStruct = (Form_pg_index) GETSTRUCT(indexTuple);
		if (indexStruct->indisprimary && indexStruct->indisvalid)
		{
			if (!indexStruct->indimmediate)
				ereport(ERROR,
						(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
						 errmsg("cannot use a deferrable primary key for referenced table \"%s\"",
								RelationGetRelationName(pkrel))));
			found = true;
			break;
		}
		ReleaseSysCache(indexTuple);
	}
	list_free(indexoidlist);
	if (!found)
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_OBJECT),
				 errmsg("there is no primary key for referenced table \"%s\"",
						RelationGetRelationName(pkrel))));

	indclassDatum = SysCacheGetAttr(INDEXRELID, indexTuple,
									Anum_pg_index_indclass, &isnull);
	Assert(!isnull);
	indclass = (oidvector *) DatumGetPointer(indclassDatum);
	for (i = 0; i < indexStruct->indnkeyatts; i++)
	{
		int			pkattno = indexStruct->indkey.values[i];

		attnums[i] = pkattno;
		atttypids[i] = attnumTypeId(pkrel, pkattno);
		opclasses[i] = indclass->values[i];
	}
	ReleaseSysCache(indexTuple);
	return i;
}

/*
 * fk_check_attrs
 *		transformFkeyCheckAttrs(): the opclasses of the first valid unique
 *		index without predicate or expressions on exactly the referenced
 *		columns (in any order), with the command's errors.
 */
static void
fk_check_attrs(Relation pkrel, int numattrs, const int16 *attnums,
			   Oid *opclasses)
{
	bool		found = false;
	bool		found_deferrable = false;
	List	   *indexoidlist;
	ListCell   *lc;

	for (int i = 0; i < numattrs; i++)
		for (int j = i + 1; j < numattrs; j++)
			if (attnums[i] == attnums[j])
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_FOREIGN_KEY),
						 errmsg("foreign key referenced-columns list must not contain duplicates")));

	indexoidlist = RelationGetIndexList(pkrel);
	foreach(lc, indexoidlist)
	{
		Oid			indexoid = lfirst_oid(lc);
		HeapTuple	indexTuple;
		Form_pg_index indexStruct;

		indexTuple = SearchSysCache1(INDEXRELID, ObjectIdGetDatum(indexoid));
		if (!HeapTupleIsValid(indexTuple))
			elog(ERROR, "cache lookup failed for index %u", indexoid);
		indexStruct = (Form_pg_index) GETSTRUCT(indexTuple);
		if (indexStruct->indnkeyatts == numattrs &&
			indexStruct->indisunique &&
			indexStruct->indisvalid &&
			heap_attisnull(indexTuple, Anum_pg_index_indpred, NULL) &&
			heap_attisnull(indexTuple, Anum_pg_index_indexprs, NULL))
		{
			Datum		indclassDatum;
			bool		isnull;
			oidvector  *indclass;

			indclassDatum = SysCacheGetAttr(INDEXRELID, indexTuple,
											Anum_pg_index_indclass, &isnull);
			Assert(!isnull);
			indclass = (oidvector *) DatumGetPointer(indclassDatum);
			for (int i = 0; i < numattrs; i++)
			{
				found = false;
				for (int j = 0; j < numattrs; j++)
				{
					if (attnums[i] == indexStruct->indkey.values[j])
					{
						opclasses[i] = indclass->values[j];
						found = true;
						break;
					}
				}
				if (!found)
					break;
			}
			if (found && !indexStruct->indimmediate)
			{
				found_deferrable = true;
				found = false;
			}
		}
		ReleaseSysCache(indexTuple);
		if (found)
			break;
	}
	if (!found)
	{
		if (found_deferrable)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
					 errmsg("cannot use a deferrable unique constraint for referenced table \"%s\"",
							RelationGetRelationName(pkrel))));
		else
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FOREIGN_KEY),
					 errmsg("there is no unique constraint matching given keys for referenced table \"%s\"",
							RelationGetRelationName(pkrel))));
	}
	list_free(indexoidlist);
}

/*
 * fk_named
 *		A copy of the constraint with the name ATExecAddConstraint() chooses
 *		for an unnamed foreign key (ChooseForeignKeyConstraintNameAddition()
 *		and ChooseConstraintName()), for the command's messages.
 */
static Constraint *
fk_named(Relation rel, Constraint *fkc)
{
	Constraint *copy = copyObject(fkc);
	char		buf[NAMEDATALEN * 2];
	int			buflen = 0;
	ListCell   *lc;

	buf[0] = '\0';
	foreach(lc, fkc->fk_attrs)
	{
		const char *name = strVal(lfirst(lc));

		if (buflen > 0)
			buf[buflen++] = '_';
		strlcpy(buf + buflen, name, NAMEDATALEN);
		buflen += strlen(buf + buflen);
		if (buflen >= NAMEDATALEN)
			break;
	}
	copy->conname = ChooseConstraintName(RelationGetRelationName(rel),
										 pstrdup(buf), "fkey",
										 RelationGetNamespace(rel), NIL);
	return copy;
}

/*
 * ri_at_add_foreign_key
 *		ADD [CONSTRAINT ...] FOREIGN KEY on a partitioned table: the new
 *		constraint's key as ATAddForeignKeyConstraint() computes it (columns,
 *		referenced columns and index, the PK = FK operators), with its
 *		checks up to there, then addFkRecurseReferencing()'s partition loop:
 *		an equal foreign key of a partition is attached and its triggers
 *		dropped.  On any other relation kind the command deletes nothing.
 *		addFkRecurseReferenced() only creates.  The checks after the key
 *		(permissions, generated columns, validation of existing rows) are
 *		not made.  added_columns: the ColumnDefs of the columns the
 *		statement adds to rel; adds_keys: it adds a primary key or unique
 *		constraint to rel (which runs in an earlier pass).
 */
void
ri_at_add_foreign_key(DropWalk *walk, Relation rel, Constraint *fkc,
					  bool recurse, List *added_columns, bool adds_keys)
{
	Relation	pkrel;
	Oid			pkrelid;
	RiParentFk	parent;
	int16		fkattnum[INDEX_MAX_KEYS];
	int16		pkattnum[INDEX_MAX_KEYS];
	AttrNumber	mapped[INDEX_MAX_KEYS];
	Oid			fktypoid[INDEX_MAX_KEYS];
	Oid			pktypoid[INDEX_MAX_KEYS];
	Oid			opclasses[INDEX_MAX_KEYS];
	int			numfks;
	int			numpks;
	List	   *attached = NIL;
	bool		has_new = false;

	if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		return;

	pkrelid = RangeVarGetRelidExtended(fkc->pktable, AccessShareLock, 0,
									   NULL, NULL);
	pkrel = table_open(pkrelid, NoLock);
	if (!recurse)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot use ONLY for foreign key on partitioned table \"%s\" referencing relation \"%s\"",
						RelationGetRelationName(rel),
						RelationGetRelationName(pkrel))));
	if (fkc->skip_validation && !fkc->initially_valid)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot add NOT VALID foreign key on partitioned table \"%s\" referencing relation \"%s\"",
						RelationGetRelationName(rel),
						RelationGetRelationName(pkrel)),
				 errdetail("This feature is not yet supported on partitioned tables.")));
	if (pkrel->rd_rel->relkind != RELKIND_RELATION &&
		pkrel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("referenced relation \"%s\" is not a table",
						RelationGetRelationName(pkrel))));
	if (!allowSystemTableMods && IsSystemRelation(pkrel))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied: \"%s\" is a system catalog",
						RelationGetRelationName(pkrel))));
	switch (rel->rd_rel->relpersistence)
	{
		case RELPERSISTENCE_PERMANENT:
			if (!RelationIsPermanent(pkrel))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
						 errmsg("constraints on permanent tables may reference only permanent tables")));
			break;
		case RELPERSISTENCE_UNLOGGED:
			if (!RelationIsPermanent(pkrel) &&
				pkrel->rd_rel->relpersistence != RELPERSISTENCE_UNLOGGED)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
						 errmsg("constraints on unlogged tables may reference only permanent or unlogged tables")));
			break;
		case RELPERSISTENCE_TEMP:
			if (pkrel->rd_rel->relpersistence != RELPERSISTENCE_TEMP)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
						 errmsg("constraints on temporary tables may reference only temporary tables")));
			if (!pkrel->rd_islocaltemp || !rel->rd_islocaltemp)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
						 errmsg("constraints on temporary tables must involve temporary tables of this session")));
			break;
	}

	if (fkc->conname != NULL)
	{
		ObjectAddress old;

		ObjectAddressSet(old, ConstraintRelationId,
						 get_relation_constraint_oid(RelationGetRelid(rel),
													 fkc->conname, true));
		if (OidIsValid(old.objectId) && !ri_walk_is_dropped(walk, &old))
			ereport(ERROR,
					(errcode(ERRCODE_DUPLICATE_OBJECT),
					 errmsg("constraint \"%s\" for relation \"%s\" already exists",
							fkc->conname, RelationGetRelationName(rel))));
	}
	else
		fkc = fk_named(rel, fkc);
	memset(fkattnum, 0, sizeof(fkattnum));
	memset(pkattnum, 0, sizeof(pkattnum));
	numfks = fk_column_list(walk, RelationGetRelid(rel), fkc->fk_attrs,
							added_columns, fkattnum, fktypoid, &has_new);
	if (pkrelid == RelationGetRelid(rel) && adds_keys)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot preview ALTER TABLE ... ADD FOREIGN KEY on a partitioned table referencing itself next to ADD PRIMARY KEY or UNIQUE"),
				 errdetail("The referenced key is created by the same statement, so the key the partitions' foreign keys are compared with is not known.")));
	if (fkc->pk_attrs == NIL)
		numpks = fk_primary_key(pkrel, pkattnum, pktypoid, opclasses);
	else
	{
		bool		pk_new = false;

		numpks = fk_column_list(walk, pkrelid, fkc->pk_attrs,
								pkrelid == RelationGetRelid(rel) ?
								added_columns : NIL, pkattnum, pktypoid,
								&pk_new);
		/* A new column has no unique index (one added with it is refused). */
		if (pk_new)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_FOREIGN_KEY),
					 errmsg("there is no unique constraint matching given keys for referenced table \"%s\"",
							RelationGetRelationName(pkrel))));
		fk_check_attrs(pkrel, numpks, pkattnum, opclasses);
	}
	if (numfks != numpks)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_FOREIGN_KEY),
				 errmsg("number of referencing and referenced columns for foreign key disagree")));

	memset(&parent, 0, sizeof(parent));
	parent.confrelid = pkrelid;
	parent.condeferrable = fkc->deferrable;
	parent.condeferred = fkc->initdeferred;
	parent.confupdtype = fkc->fk_upd_action;
	parent.confdeltype = fkc->fk_del_action;
	parent.confmatchtype = fkc->fk_matchtype;
	parent.numfks = numfks;
	for (int i = 0; i < numpks; i++)
	{
		HeapTuple	cla_ht;
		Form_pg_opclass cla_tup;
		Oid			opfamily;
		Oid			opcintype;
		Oid			ppeqop;
		Oid			pfeqop;
		Oid			ffeqop = InvalidOid;
		Oid			fktyped;

		cla_ht = SearchSysCache1(CLAOID, ObjectIdGetDatum(opclasses[i]));
		if (!HeapTupleIsValid(cla_ht))
			elog(ERROR, "cache lookup failed for opclass %u", opclasses[i]);
		cla_tup = (Form_pg_opclass) GETSTRUCT(cla_ht);
		if (cla_tup->opcmethod != BTREE_AM_OID)
			elog(ERROR, "only b-tree indexes are supported for foreign keys");
		opfamily = cla_tup->opcfamily;
		opcintype = cla_tup->opcintype;
		ReleaseSysCache(cla_ht);

		ppeqop = get_opfamily_member(opfamily, opcintype, opcintype,
									 BTEqualStrategyNumber);
		if (!OidIsValid(ppeqop))
			elog(ERROR, "missing operator %d(%u,%u) in opfamily %u",
				 BTEqualStrategyNumber, opcintype, opcintype, opfamily);
		fktyped = getBaseType(fktypoid[i]);
		pfeqop = get_opfamily_member(opfamily, opcintype, fktyped,
									 BTEqualStrategyNumber);
		if (OidIsValid(pfeqop))
			ffeqop = get_opfamily_member(opfamily, fktyped, fktyped,
										 BTEqualStrategyNumber);
		if (!(OidIsValid(pfeqop) && OidIsValid(ffeqop)))
		{
			Oid			input_typeids[2];
			Oid			target_typeids[2];

			input_typeids[0] = pktypoid[i];
			input_typeids[1] = fktypoid[i];
			target_typeids[0] = opcintype;
			target_typeids[1] = opcintype;
			if (can_coerce_type(2, input_typeids, target_typeids,
								COERCION_IMPLICIT))
				pfeqop = ffeqop = ppeqop;
		}
		if (!(OidIsValid(pfeqop) && OidIsValid(ffeqop)))
		{
			const char *pkname = fkc->pk_attrs != NIL ?
				strVal(list_nth(fkc->pk_attrs, i)) :
				NameStr(*attnumAttName(pkrel, pkattnum[i]));

			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("foreign key constraint \"%s\" cannot be implemented",
							fkc->conname),
					 errdetail("Key columns \"%s\" and \"%s\" "
							   "are of incompatible types: %s and %s.",
							   strVal(list_nth(fkc->fk_attrs, i)),
							   pkname,
							   format_type_be(fktypoid[i]),
							   format_type_be(pktypoid[i]))));
		}
		parent.confkey[i] = pkattnum[i];
		parent.conpfeqop[i] = pfeqop;
		mapped[i] = fkattnum[i];
	}

	/* A new column: no partition's foreign key can be on it. */
	if (!has_new)
		recurse_referencing(walk, rel, &parent, mapped, &attached);
	table_close(pkrel, NoLock);
}
