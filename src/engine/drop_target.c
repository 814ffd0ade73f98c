/*-------------------------------------------------------------------------
 *
 * drop_target.c
 *	  From the text of one DROP statement to the objects it deletes.
 *
 * The statement is parsed with PostgreSQL's raw parser and never executed.
 * It must be exactly one statement: a DropStmt (DROP TABLE, DROP SCHEMA,
 * DROP FUNCTION, ... everything that ends in performMultipleDeletions()),
 * DROP USER MAPPING, or an ALTER TABLE / ALTER FOREIGN TABLE whose
 * subcommands are all DROP COLUMN or DROP CONSTRAINT.  Anything else is
 * refused with ERRCODE_FEATURE_NOT_SUPPORTED.
 *
 * The targets are looked up the way the command looks them up
 * (RemoveRelations, RemoveObjects, RemoveUserMapping, ATExecDropColumn,
 * ATExecDropConstraint; the code that follows them is in
 * src/import/dropcmds.c and src/import/tablecmds.c), with the same checks and the same messages: missing
 * objects raise PostgreSQL's own error, or its "..., skipping" notice under
 * IF EXISTS; wrong relation kinds, system catalogs, aggregates given to DROP
 * FUNCTION, inherited columns and constraints, partition key columns and
 * system columns are refused as the command refuses them.  DROP COLUMN and
 * CHECK-constraint drops recurse into inheritance children and partitions
 * by hand, as tablecmds.c does: a child is visited once per inheritance
 * path from the table named in the statement, and each visit either drops
 * the child's column (constraint) or lowers its inheritance count.  The
 * command writes the lowered counts to the catalogs as it goes; the
 * preview keeps them in a map that lives for one ALTER TABLE statement
 * (see InhCount), so that in a diamond the second path finds the count the
 * first one left.  Each deletion call the command would make is handed to
 * dependency_walk.c as one batch, in the command's order.
 *
 * Not reproduced, on purpose: ownership checks (the preview shows catalog
 * facts that pg_depend and pg_class show to every role, so it does not
 * require the privileges the DROP needs), and "in use by active queries"
 * checks, which concern the session that would run the statement.
 *
 * Locks: relations named in the statement, and inheritance children visited
 * by the recursion, are locked with AccessShareLock; other named objects get
 * AccessShareLock through get_object_address().  Nothing stronger is taken,
 * so the preview works in read-only transactions and on a hot standby, and
 * waits only for sessions holding AccessExclusiveLock on a named relation.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/drop_target.c
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

static void parse_error_callback(void *arg);
static void preview_alter_table(AlterTableStmt *stmt, DropWalk *walk);

/*
 * ri_drop_targets
 *		Parse 'ddl', look its targets up and walk every deletion batch the
 *		statement would make into 'walk'.
 */
void
ri_drop_targets(const char *ddl, DropWalk *walk)
{
	Node	   *stmt = ri_parse_one_statement(ddl);

	switch (nodeTag(stmt))
	{
		case T_DropStmt:
			{
				DropStmt   *drop = (DropStmt *) stmt;

				switch (drop->removeType)
				{
					case OBJECT_TABLE:
					case OBJECT_INDEX:
					case OBJECT_SEQUENCE:
					case OBJECT_VIEW:
					case OBJECT_MATVIEW:
					case OBJECT_FOREIGN_TABLE:
						ri_preview_drop_relations(drop, walk);
						break;
					default:
						ri_preview_drop_objects(drop, walk);
						break;
				}
			}
			break;
		case T_DropUserMappingStmt:
			ri_preview_drop_user_mapping((DropUserMappingStmt *) stmt, walk);
			break;
		case T_AlterTableStmt:
			preview_alter_table((AlterTableStmt *) stmt, walk);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot preview a %s statement",
							CreateCommandName(stmt)),
					 errhint("Give one DROP statement, or ALTER TABLE with only DROP COLUMN and DROP CONSTRAINT subcommands.")));
	}
}

/*
 * ri_parse_one_statement
 *		Raw-parse 'ddl' and return its only statement.  Syntax errors are the
 *		parser's own (42601), with the cursor placed in 'ddl'.
 */
Node *
ri_parse_one_statement(const char *ddl)
{
	ErrorContextCallback errcallback;
	List	   *stmts;

	errcallback.callback = parse_error_callback;
	errcallback.arg = (void *) ddl;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	stmts = raw_parser(ddl, RAW_PARSE_DEFAULT);

	error_context_stack = errcallback.previous;

	if (list_length(stmts) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 list_length(stmts) == 0 ?
				 errmsg("no statement to preview") :
				 errmsg("cannot preview more than one statement at a time"),
				 errhint("Give exactly one statement.")));

	return linitial_node(RawStmt, stmts)->stmt;
}

/*
 * parse_error_callback
 *		Turn a syntax error's cursor position into one inside the previewed
 *		statement, as SPI does for the queries it runs.
 */
static void
parse_error_callback(void *arg)
{
	const char *ddl = (const char *) arg;
	int			pos = geterrposition();

	if (pos > 0)
	{
		errposition(0);
		internalerrposition(pos);
		internalerrquery(ddl);
	}
}

/*
 * preview_alter_table
 *		AlterTable() for DROP COLUMN and DROP CONSTRAINT subcommands: the
 *		checks of the preparation phase for every subcommand first, then
 *		each subcommand in order, each with its own deletion batches.
 */
static void
preview_alter_table(AlterTableStmt *stmt, DropWalk *walk)
{
	Oid			relid;
	Relation	rel;
	ListCell   *lc;
	bool		recurse = stmt->relation->inh;
	HASHCTL		ctl;
	HTAB	   *counts;

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		if (cmd->subtype != AT_DropColumn &&
			cmd->subtype != AT_DropConstraint)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot preview ALTER TABLE subcommands other than DROP COLUMN and DROP CONSTRAINT")));
	}
	if (stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot preview a %s statement",
						CreateCommandName((Node *) stmt))));

	relid = RangeVarGetRelidExtended(stmt->relation, AccessShareLock,
									 stmt->missing_ok ? RVR_MISSING_OK : 0,
									 NULL, NULL);
	if (!OidIsValid(relid))
	{
		ereport(NOTICE,
				(errmsg("relation \"%s\" does not exist, skipping",
						stmt->relation->relname)));
		return;
	}
	rel = relation_open(relid, NoLock);

	/* RangeVarCallbackForAlterRelation's checks, ownership aside. */
	if (!allowSystemTableMods && IsSystemClass(relid, rel->rd_rel))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied: \"%s\" is a system catalog",
						stmt->relation->relname)));
	if (stmt->objtype == OBJECT_FOREIGN_TABLE &&
		rel->rd_rel->relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a foreign table",
						stmt->relation->relname)));
	if (rel->rd_rel->relkind == RELKIND_COMPOSITE_TYPE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a composite type", stmt->relation->relname),
				 errhint("Use ALTER TYPE instead.")));

	/* Preparation phase (ATPrepCmd) for every subcommand. */
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		ri_check_alter_relkind(rel, cmd->subtype);
		if (cmd->subtype == AT_DropColumn && rel->rd_rel->reloftype)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("cannot drop column from typed table")));
	}

	/*
	 * Execution phase: the DROP pass runs the subcommands in order.  The
	 * inheritance counts they lower are shared by all of them, as the
	 * catalogs are in the command.
	 */
	ctl.keysize = sizeof(ObjectAddress);
	ctl.entrysize = sizeof(InhCount);
	ctl.hcxt = CurrentMemoryContext;
	counts = hash_create("ri_audit inheritance counts", 16, &ctl,
						 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		CHECK_FOR_INTERRUPTS();
		if (cmd->subtype == AT_DropColumn)
		{
			TargetList	targets = {0};

			ri_drop_column(walk, rel, cmd->name, recurse, false,
						cmd->missing_ok, counts, &targets);
			ri_walk_batch(walk, targets.addrs, targets.n);
		}
		else
			ri_drop_constraint(walk, rel, cmd->name, recurse, false,
							cmd->missing_ok, counts);
	}

	hash_destroy(counts);
	relation_close(rel, NoLock);
}

/*
 * ri_target_add
 *		Append one address to a batch's target list.
 */
void
ri_target_add(TargetList *list, Oid classId, Oid objectId, int32 subId)
{
	if (list->n >= list->max)
	{
		list->max = list->max ? list->max * 2 : 8;
		list->addrs = list->addrs ?
			repalloc(list->addrs, list->max * sizeof(ObjectAddress)) :
			palloc(list->max * sizeof(ObjectAddress));
	}
	list->addrs[list->n].classId = classId;
	list->addrs[list->n].objectId = objectId;
	list->addrs[list->n].objectSubId = subId;
	list->n++;
}
