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

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/dependency.h"
#include "catalog/heap.h"
#include "catalog/indexing.h"
#include "catalog/partition.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_type.h"
#include "commands/tablecmds.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/nodeFuncs.h"
#include "parser/parse_coerce.h"
#include "parser/parse_type.h"
#include "rewrite/rewriteHandler.h"
#include "storage/lmgr.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
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
