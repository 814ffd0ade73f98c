/*-------------------------------------------------------------------------
 *
 * drop_target.c
 *	  From the text of one DROP statement to the objects it deletes.
 *
 * The statement is parsed with PostgreSQL's raw parser and never executed.
 * It must be exactly one statement: a DropStmt (DROP TABLE, DROP SCHEMA,
 * DROP FUNCTION, ... everything that ends in performMultipleDeletions()),
 * DROP USER MAPPING, an ALTER TABLE / FOREIGN TABLE / VIEW / TYPE, or an
 * ALTER DOMAIN (src/engine/drop_target_alter.c: the subcommands that
 * delete objects, in PostgreSQL's passes).  Anything else is refused with
 * ERRCODE_FEATURE_NOT_SUPPORTED.
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

#include "ri_drop_shared.h"
#include "ri_drop_target_int.h"

static void parse_error_callback(void *arg);

/*
 * ri_drop_targets
 *		Parse 'ddl', look its targets up and walk every deletion batch the
 *		statement would make into 'walk'.  DROP OWNED, DROP ROLE, DROP
 *		DATABASE, DROP TABLESPACE and DROP SUBSCRIPTION are previewed in
 *		drop_target_shared.c; 'asserting' is for them.
 */
void
ri_drop_targets(const char *ddl, DropWalk *walk, bool asserting)
{
	Node	   *stmt = ri_parse_one_statement(ddl, NULL);

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
			ri_preview_alter_table((AlterTableStmt *) stmt, walk);
			break;
		case T_AlterDomainStmt:
			ri_preview_alter_domain((AlterDomainStmt *) stmt, walk);
			break;
		case T_DropOwnedStmt:
			ri_preview_drop_owned((DropOwnedStmt *) stmt, walk, asserting);
			break;
		case T_DropRoleStmt:
			ri_preview_drop_role((DropRoleStmt *) stmt, walk, asserting);
			break;
		case T_DropdbStmt:
			ri_preview_drop_database((DropdbStmt *) stmt, walk, asserting);
			break;
		case T_DropTableSpaceStmt:
			ri_preview_drop_tablespace((DropTableSpaceStmt *) stmt, walk,
									   asserting);
			break;
		case T_DropSubscriptionStmt:
			ri_preview_drop_subscription((DropSubscriptionStmt *) stmt, walk);
			break;
		default:
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot preview a %s statement",
							CreateCommandName(stmt)),
					 errhint("Give one DROP, ALTER TABLE, ALTER TYPE or ALTER DOMAIN statement.")));
	}
}

/*
 * ri_parse_one_statement
 *		Raw-parse 'ddl' and return its only statement.  Syntax errors are the
 *		parser's own (42601), with the cursor placed in 'ddl'.  'script'
 *		names what the caller builds from it ("a recreate script"), for the
 *		error when there is not exactly one statement; NULL for a preview.
 */
Node *
ri_parse_one_statement(const char *ddl, const char *script)
{
	ErrorContextCallback errcallback;
	List	   *stmts;

	errcallback.callback = parse_error_callback;
	errcallback.arg = (void *) ddl;
	errcallback.previous = error_context_stack;
	error_context_stack = &errcallback;

	stmts = raw_parser(ddl, RAW_PARSE_DEFAULT);

	error_context_stack = errcallback.previous;

	if (list_length(stmts) != 1 && script == NULL)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 list_length(stmts) == 0 ?
				 errmsg("no statement to preview") :
				 errmsg("cannot preview more than one statement at a time"),
				 errhint("Give exactly one statement.")));
	if (list_length(stmts) != 1)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 list_length(stmts) == 0 ?
				 errmsg("cannot build %s without a statement", script) :
				 errmsg("cannot build %s for more than one statement at a time",
						script),
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
