/*-------------------------------------------------------------------------
 *
 * tablecmds.c
 *	  ALTER TABLE ... DROP COLUMN and DROP CONSTRAINT: what each deletion
 *	  call of the command would be given, with PostgreSQL's checks and its
 *	  recursion into inheritance children.
 *
 * Keep in sync with src/backend/commands/tablecmds.c, PostgreSQL 15:
 * ri_drop_column() follows ATExecDropColumn(), ri_drop_constraint()
 * ATExecDropConstraint(), ri_check_alter_relkind() the relation kind test
 * of ATSimplePermissions().  The banner below says how they differ.  When
 * PostgreSQL changes tablecmds.c, diff these functions against it.
 *
 * Locks: AccessShareLock on each inheritance child visited (the command
 * takes AccessExclusiveLock).
 *
 * Copyright (c) 2026, ri_audit developers
 * Portions Copyright (c) 1996-2022, PostgreSQL Global Development Group
 * Portions Copyright (c) 1994, Regents of the University of California
 *
 * IDENTIFICATION
 *	  ri_audit/src/import/tablecmds.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/catalog.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/partition.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_user_mapping.h"
#include "foreign/foreign.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "parser/parse_type.h"
#include "parser/parser.h"
#include "tcop/utility.h"
#include "utils/acl.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/inval.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "ri_drop_target_int.h"

static InhCount *inh_count_get(HTAB *counts, const ObjectAddress *obj,
							   int catalog_inhcount, bool catalog_islocal);

/* ------------------------------------------------------------------------
 * The code from here to the "end" line below follows ATExecDropColumn /
 * ATExecDropConstraint in src/backend/commands/tablecmds.c, PostgreSQL 15:
 * the same checks in the same order, the same recursion into
 * find_inheritance_children() one level at a time, and for each child the
 * same decision, taken on the inheritance count as the statement has left
 * it (InhCount), not on the stored one:
 *
 *	 with recursion, count 1 and not local:  drop the child's column
 *											 (constraint), and recurse
 *	 with recursion, otherwise:				 count - 1, no recursion
 *	 ONLY:									 count - 1, local, no recursion
 *
 * Dropping does not change the count, as in the command.  Keep this code in
 * step with tablecmds.c when it changes.
 * ------------------------------------------------------------------------
 */

/*
 * ri_drop_column
 *		ATExecDropColumn(): the column of 'rel' and, recursively, the
 *		children's columns whose last inheritance path it is, collected into
 *		one batch (children first, as the command collects them).  'counts'
 *		holds the statement's inheritance counts.
 */
void
ri_drop_column(DropWalk *walk, Relation rel, const char *colname,
			bool recurse, bool recursing, bool missing_ok,
			HTAB *counts, TargetList *targets)
{
	HeapTuple	tup;
	Form_pg_attribute att;
	AttrNumber	attnum;
	bool		is_expr;
	List	   *children;
	ListCell   *lc;
	ObjectAddress colobj;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	if (recursing)
		ri_check_alter_relkind(rel, AT_DropColumn);

	tup = SearchSysCacheAttName(RelationGetRelid(rel), colname);
	if (HeapTupleIsValid(tup))
	{
		/* An earlier subcommand of the statement may have dropped it. */
		ObjectAddressSubSet(colobj, RelationRelationId, RelationGetRelid(rel),
							((Form_pg_attribute) GETSTRUCT(tup))->attnum);
		if (ri_walk_is_dropped(walk, &colobj))
		{
			ReleaseSysCache(tup);
			tup = NULL;
		}
	}
	if (!HeapTupleIsValid(tup))
	{
		if (!missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_COLUMN),
					 errmsg("column \"%s\" of relation \"%s\" does not exist",
							colname, RelationGetRelationName(rel))));
		ereport(NOTICE,
				(errmsg("column \"%s\" of relation \"%s\" does not exist, skipping",
						colname, RelationGetRelationName(rel))));
		return;
	}
	att = (Form_pg_attribute) GETSTRUCT(tup);
	attnum = att->attnum;

	if (attnum <= 0)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot drop system column \"%s\"", colname)));
	if (att->attinhcount > 0 && !recursing)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("cannot drop inherited column \"%s\"", colname)));
	if (has_partition_attrs(rel,
							bms_make_singleton(attnum - FirstLowInvalidHeapAttributeNumber),
							&is_expr))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("cannot drop column \"%s\" because it is part of the partition key of relation \"%s\"",
						colname, RelationGetRelationName(rel))));
	ReleaseSysCache(tup);

	children = find_inheritance_children(RelationGetRelid(rel),
										 AccessShareLock);
	if (children != NIL &&
		rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE && !recurse)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("cannot drop column from only the partitioned table when partitions exist"),
				 errhint("Do not specify the ONLY keyword.")));

	foreach(lc, children)
	{
		Oid			childid = lfirst_oid(lc);
		Relation	childrel;
		Form_pg_attribute childatt;
		ObjectAddress childobj;
		InhCount   *count;

		childrel = relation_open(childid, NoLock);
		tup = SearchSysCacheAttName(childid, colname);
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for attribute \"%s\" of relation %u",
				 colname, childid);
		childatt = (Form_pg_attribute) GETSTRUCT(tup);
		ObjectAddressSubSet(childobj, RelationRelationId, childid,
							childatt->attnum);
		count = inh_count_get(counts, &childobj, childatt->attinhcount,
							  childatt->attislocal);
		ReleaseSysCache(tup);

		if (count->inhcount <= 0)
			elog(ERROR, "relation %u has non-inherited attribute \"%s\"",
				 childid, colname);

		if (recurse)
		{
			/*
			 * A column with no other definition source goes, with its own
			 * children's; any other just loses one inheritance count.
			 */
			if (count->inhcount == 1 && !count->islocal)
				ri_drop_column(walk, childrel, colname, true, true, false,
							counts, targets);
			else
				count->inhcount--;
		}
		else
		{
			/* ONLY: the child's column becomes locally defined. */
			count->inhcount--;
			count->islocal = true;
		}
		relation_close(childrel, NoLock);
	}

	ri_target_add(targets, RelationRelationId, RelationGetRelid(rel), attnum);
}

/*
 * ri_drop_constraint
 *		ATExecDropConstraint(): one batch for the constraint, then, for
 *		CHECK constraints of tables with inheritance children (and of
 *		partitioned tables), one batch per child constraint whose last
 *		inheritance path it is, depth first.  'counts' holds the statement's
 *		inheritance counts.
 */
void
ri_drop_constraint(DropWalk *walk, Relation rel, const char *conname,
				bool recurse, bool recursing, bool missing_ok, HTAB *counts)
{
	Relation	conrel;
	ScanKeyData skey[3];
	SysScanDesc scan;
	HeapTuple	tup;
	Form_pg_constraint con;
	bool		found = false;
	bool		noinherit = false;
	char		contype = 0;
	List	   *children;
	ListCell   *lc;

	check_stack_depth();
	CHECK_FOR_INTERRUPTS();

	if (recursing)
		ri_check_alter_relkind(rel, AT_DropConstraint);

	conrel = table_open(ConstraintRelationId, AccessShareLock);

	ScanKeyInit(&skey[0], Anum_pg_constraint_conrelid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(RelationGetRelid(rel)));
	ScanKeyInit(&skey[1], Anum_pg_constraint_contypid, BTEqualStrategyNumber,
				F_OIDEQ, ObjectIdGetDatum(InvalidOid));
	ScanKeyInit(&skey[2], Anum_pg_constraint_conname, BTEqualStrategyNumber,
				F_NAMEEQ, CStringGetDatum(conname));
	scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId, true,
							  NULL, 3, skey);
	tup = systable_getnext(scan);
	if (HeapTupleIsValid(tup))
	{
		ObjectAddress conobj;

		con = (Form_pg_constraint) GETSTRUCT(tup);
		ObjectAddressSet(conobj, ConstraintRelationId, con->oid);

		/* An earlier subcommand may have dropped it already. */
		if (!ri_walk_is_dropped(walk, &conobj))
		{
			if (con->coninhcount > 0 && !recursing)
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
						 errmsg("cannot drop inherited constraint \"%s\" of relation \"%s\"",
								conname, RelationGetRelationName(rel))));
			noinherit = con->connoinherit;
			contype = con->contype;
			found = true;
			systable_endscan(scan);
			ri_walk_batch(walk, &conobj, 1);
		}
	}
	if (!found)
	{
		systable_endscan(scan);
		table_close(conrel, AccessShareLock);
		if (!missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("constraint \"%s\" of relation \"%s\" does not exist",
							conname, RelationGetRelationName(rel))));
		ereport(NOTICE,
				(errmsg("constraint \"%s\" of relation \"%s\" does not exist, skipping",
						conname, RelationGetRelationName(rel))));
		return;
	}

	/* Partitions' copies of other constraints go through pg_depend. */
	if (contype != CONSTRAINT_CHECK &&
		rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE)
	{
		table_close(conrel, AccessShareLock);
		return;
	}

	children = noinherit ? NIL :
		find_inheritance_children(RelationGetRelid(rel), AccessShareLock);
	if (rel->rd_rel->relkind == RELKIND_PARTITIONED_TABLE &&
		children != NIL && !recurse)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_TABLE_DEFINITION),
				 errmsg("cannot remove constraint from only the partitioned table when partitions exist"),
				 errhint("Do not specify the ONLY keyword.")));

	foreach(lc, children)
	{
		Oid			childid = lfirst_oid(lc);
		Relation	childrel;
		ObjectAddress childobj;
		InhCount   *count;
		bool		drop_child = false;

		childrel = relation_open(childid, NoLock);
		ScanKeyInit(&skey[0], Anum_pg_constraint_conrelid,
					BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(childid));
		ScanKeyInit(&skey[1], Anum_pg_constraint_contypid,
					BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(InvalidOid));
		ScanKeyInit(&skey[2], Anum_pg_constraint_conname,
					BTEqualStrategyNumber, F_NAMEEQ, CStringGetDatum(conname));
		scan = systable_beginscan(conrel, ConstraintRelidTypidNameIndexId,
								  true, NULL, 3, skey);
		tup = systable_getnext(scan);
		if (!HeapTupleIsValid(tup))
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("constraint \"%s\" of relation \"%s\" does not exist",
							conname, RelationGetRelationName(childrel))));
		con = (Form_pg_constraint) GETSTRUCT(tup);
		ObjectAddressSet(childobj, ConstraintRelationId, con->oid);
		count = inh_count_get(counts, &childobj, con->coninhcount,
							  con->conislocal);
		if (con->contype != CONSTRAINT_CHECK)
			elog(ERROR, "inherited constraint is not a CHECK constraint");
		systable_endscan(scan);

		if (count->inhcount <= 0)
			elog(ERROR, "relation %u has non-inherited constraint \"%s\"",
				 childid, conname);

		if (recurse)
		{
			/*
			 * A constraint with no other definition source goes, with its
			 * own children's; any other just loses one inheritance count.
			 */
			if (count->inhcount == 1 && !count->islocal)
				drop_child = true;
			else
				count->inhcount--;
		}
		else
		{
			/* ONLY: the child's constraint becomes locally defined. */
			count->inhcount--;
			count->islocal = true;
		}

		if (drop_child)
			ri_drop_constraint(walk, childrel, conname, true, true, false,
							counts);
		relation_close(childrel, NoLock);
	}

	table_close(conrel, AccessShareLock);
}

/*
 * inh_count_get
 *		The entry of 'counts' for a child's column or constraint, made from
 *		its catalog values at the first visit.
 */
static InhCount *
inh_count_get(HTAB *counts, const ObjectAddress *obj, int catalog_inhcount,
			  bool catalog_islocal)
{
	InhCount   *count;
	bool		found;

	count = hash_search(counts, obj, HASH_ENTER, &found);
	if (!found)
	{
		count->inhcount = catalog_inhcount;
		count->islocal = catalog_islocal;
	}
	return count;
}

/* ---- end of the code that follows tablecmds.c ---- */

/*
 * ri_at_subcommand_name
 *		alter_table_type_to_string(): the subcommand as the grammar spells
 *		it, for messages.
 */
const char *
ri_at_subcommand_name(AlterTableType cmdtype)
{
	switch (cmdtype)
	{
		case AT_ColumnDefault:
			return "ALTER COLUMN ... SET DEFAULT";
		case AT_DropExpression:
			return "ALTER COLUMN ... DROP EXPRESSION";
		case AT_DropColumn:
			return "DROP COLUMN";
		case AT_DropConstraint:
			return "DROP CONSTRAINT";
		case AT_AlterColumnType:
			return "ALTER COLUMN ... SET DATA TYPE";
		case AT_DropIdentity:
			return "ALTER COLUMN ... DROP IDENTITY";
		default:
			return "?";
	}
}

/*
 * ri_check_alter_relkind
 *		ATSimplePermissions()' relation kind test for the subcommands the
 *		preview computes, with the targets ATPrepCmd() allows each
 *		(ownership is not checked, see the file comment).
 */
void
ri_check_alter_relkind(Relation rel, AlterTableType cmdtype)
{
	char		relkind = rel->rd_rel->relkind;
	bool		table = (relkind == RELKIND_RELATION ||
						 relkind == RELKIND_PARTITIONED_TABLE);
	bool		ok;

	switch (cmdtype)
	{
		case AT_DropColumn:
		case AT_AlterColumnType:
			ok = table || relkind == RELKIND_COMPOSITE_TYPE ||
				relkind == RELKIND_FOREIGN_TABLE;
			break;
		case AT_ColumnDefault:
		case AT_DropIdentity:
			ok = table || relkind == RELKIND_VIEW ||
				relkind == RELKIND_FOREIGN_TABLE;
			break;
		default:				/* DROP CONSTRAINT, DROP EXPRESSION */
			ok = table || relkind == RELKIND_FOREIGN_TABLE;
			break;
	}
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("ALTER action %s cannot be performed on relation \"%s\"",
						ri_at_subcommand_name(cmdtype),
						RelationGetRelationName(rel)),
				 errdetail_relkind_not_supported(relkind)));
}
