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
 * ATExecDropConstraint), with the same checks and the same messages: missing
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
 *	  ri_audit/drop_target.c
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

#include "drop_preview.h"

/* The relation kinds RemoveRelations() accepts, with its messages. */
typedef struct DropRelKind
{
	ObjectType	objtype;		/* DROP TABLE, DROP INDEX, ... */
	char		relkind;		/* the kind it requires */
	int			missing_code;	/* SQLSTATE when missing */
	const char *missing_msg;	/* "table \"%s\" does not exist" */
	const char *skipping_msg;	/* the IF EXISTS notice */
	const char *wrong_msg;		/* "\"%s\" is not a table" */
	const char *drop_hint;		/* hint naming the command for this kind */
} DropRelKind;

static const DropRelKind drop_rel_kinds[] = {
	{OBJECT_TABLE, RELKIND_RELATION, ERRCODE_UNDEFINED_TABLE,
		gettext_noop("table \"%s\" does not exist"),
		gettext_noop("table \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not a table"),
	gettext_noop("Use DROP TABLE to remove a table.")},
	{OBJECT_SEQUENCE, RELKIND_SEQUENCE, ERRCODE_UNDEFINED_TABLE,
		gettext_noop("sequence \"%s\" does not exist"),
		gettext_noop("sequence \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not a sequence"),
	gettext_noop("Use DROP SEQUENCE to remove a sequence.")},
	{OBJECT_VIEW, RELKIND_VIEW, ERRCODE_UNDEFINED_TABLE,
		gettext_noop("view \"%s\" does not exist"),
		gettext_noop("view \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not a view"),
	gettext_noop("Use DROP VIEW to remove a view.")},
	{OBJECT_MATVIEW, RELKIND_MATVIEW, ERRCODE_UNDEFINED_TABLE,
		gettext_noop("materialized view \"%s\" does not exist"),
		gettext_noop("materialized view \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not a materialized view"),
	gettext_noop("Use DROP MATERIALIZED VIEW to remove a materialized view.")},
	{OBJECT_INDEX, RELKIND_INDEX, ERRCODE_UNDEFINED_OBJECT,
		gettext_noop("index \"%s\" does not exist"),
		gettext_noop("index \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not an index"),
	gettext_noop("Use DROP INDEX to remove an index.")},
	{OBJECT_TYPE, RELKIND_COMPOSITE_TYPE, ERRCODE_UNDEFINED_OBJECT,
		gettext_noop("type \"%s\" does not exist"),
		gettext_noop("type \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not a type"),
	gettext_noop("Use DROP TYPE to remove a type.")},
	{OBJECT_FOREIGN_TABLE, RELKIND_FOREIGN_TABLE, ERRCODE_UNDEFINED_OBJECT,
		gettext_noop("foreign table \"%s\" does not exist"),
		gettext_noop("foreign table \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not a foreign table"),
	gettext_noop("Use DROP FOREIGN TABLE to remove a foreign table.")},
	{OBJECT_TABLE, RELKIND_PARTITIONED_TABLE, ERRCODE_UNDEFINED_TABLE,
		gettext_noop("table \"%s\" does not exist"),
		gettext_noop("table \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not a table"),
	gettext_noop("Use DROP TABLE to remove a table.")},
	{OBJECT_INDEX, RELKIND_PARTITIONED_INDEX, ERRCODE_UNDEFINED_OBJECT,
		gettext_noop("index \"%s\" does not exist"),
		gettext_noop("index \"%s\" does not exist, skipping"),
		gettext_noop("\"%s\" is not an index"),
	gettext_noop("Use DROP INDEX to remove an index.")}
};

/* A growing list of deletion targets: one batch. */
typedef struct TargetList
{
	ObjectAddress *addrs;		/* palloc'd array */
	int			n;				/* used */
	int			max;			/* allocated */
} TargetList;

/*
 * The inheritance count of one child column or CHECK constraint, as the
 * statement's recursion has left it so far.  ATExecDropColumn() and
 * ATExecDropConstraint() decrement attinhcount / coninhcount (and, under
 * ONLY, set attislocal / conislocal) in the catalogs, with a
 * CommandCounterIncrement() after each change, so a later visit of the same
 * child, through another parent or in a later subcommand, sees the new
 * values.  The preview changes nothing in the catalogs; it keeps the new
 * values here instead, in a hash table of the one ALTER TABLE statement
 * (created in preview_alter_table(), in the caller's memory context, and
 * destroyed at its end).  An entry is made at the first visit, from the
 * catalog row.
 */
typedef struct InhCount
{
	ObjectAddress obj;			/* hash key: the child's column (class
								 * pg_class, its relation, its attnum) or
								 * constraint (class pg_constraint, its OID) */
	int			inhcount;		/* attinhcount / coninhcount now */
	bool		islocal;		/* attislocal / conislocal now */
} InhCount;

static Node *parse_one_statement(const char *ddl);
static void parse_error_callback(void *arg);
static void preview_drop_relations(DropStmt *stmt, DropWalk *walk);
static void preview_drop_objects(DropStmt *stmt, DropWalk *walk);
static void preview_drop_user_mapping(DropUserMappingStmt *stmt,
									  DropWalk *walk);
static void preview_alter_table(AlterTableStmt *stmt, DropWalk *walk);
static void drop_column(DropWalk *walk, Relation rel, const char *colname,
						bool recurse, bool recursing, bool missing_ok,
						HTAB *counts, TargetList *targets);
static void drop_constraint(DropWalk *walk, Relation rel, const char *conname,
							bool recurse, bool recursing, bool missing_ok,
							HTAB *counts);
static InhCount *inh_count_get(HTAB *counts, const ObjectAddress *obj,
							   int catalog_inhcount, bool catalog_islocal);
static void check_alter_relkind(Relation rel, AlterTableType cmdtype);
static const DropRelKind *rel_kind_entry(char relkind);
static void report_missing_object(ObjectType objtype, Node *object);
static bool schema_missing(List *names, const char **msg, char **name);
static bool types_missing(List *typenames, const char **msg, char **name);
static bool owning_rel_missing(List *names, const char **msg, char **name);
static void target_add(TargetList *list, Oid classId, Oid objectId,
					   int32 subId);

/*
 * drop_target_preview
 *		Parse 'ddl', look its targets up and walk every deletion batch the
 *		statement would make into 'walk'.
 */
void
drop_target_preview(const char *ddl, DropWalk *walk)
{
	Node	   *stmt = parse_one_statement(ddl);

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
						preview_drop_relations(drop, walk);
						break;
					default:
						preview_drop_objects(drop, walk);
						break;
				}
			}
			break;
		case T_DropUserMappingStmt:
			preview_drop_user_mapping((DropUserMappingStmt *) stmt, walk);
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
 * parse_one_statement
 *		Raw-parse 'ddl' and return its only statement.  Syntax errors are the
 *		parser's own (42601), with the cursor placed in 'ddl'.
 */
static Node *
parse_one_statement(const char *ddl)
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
 * preview_drop_relations
 *		RemoveRelations(): DROP TABLE, INDEX, SEQUENCE, VIEW, MATERIALIZED
 *		VIEW, FOREIGN TABLE.  One batch with every relation found.
 */
static void
preview_drop_relations(DropStmt *stmt, DropWalk *walk)
{
	const DropRelKind *want = NULL;
	TargetList	targets = {0};
	ListCell   *lc;

	for (int i = 0; i < lengthof(drop_rel_kinds); i++)
	{
		if (drop_rel_kinds[i].objtype == stmt->removeType)
		{
			want = &drop_rel_kinds[i];
			break;
		}
	}
	Assert(want != NULL);

	if (stmt->concurrent)
	{
		if (list_length(stmt->objects) != 1)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("DROP INDEX CONCURRENTLY does not support dropping multiple objects")));
		if (stmt->behavior == DROP_CASCADE)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("DROP INDEX CONCURRENTLY does not support CASCADE")));
	}

	foreach(lc, stmt->objects)
	{
		RangeVar   *rv = makeRangeVarFromNameList((List *) lfirst(lc));
		Oid			relid;
		HeapTuple	tup;
		Form_pg_class classform;
		char		kind;

		AcceptInvalidationMessages();
		relid = RangeVarGetRelidExtended(rv, AccessShareLock, RVR_MISSING_OK,
										 NULL, NULL);
		if (!OidIsValid(relid))
		{
			if (rv->schemaname != NULL &&
				!OidIsValid(LookupNamespaceNoError(rv->schemaname)))
			{
				if (!stmt->missing_ok)
					ereport(ERROR,
							(errcode(ERRCODE_UNDEFINED_SCHEMA),
							 errmsg("schema \"%s\" does not exist",
									rv->schemaname)));
				ereport(NOTICE,
						(errmsg("schema \"%s\" does not exist, skipping",
								rv->schemaname)));
				continue;
			}
			if (!stmt->missing_ok)
				ereport(ERROR,
						(errcode(want->missing_code),
						 errmsg(want->missing_msg, rv->relname)));
			ereport(NOTICE, (errmsg(want->skipping_msg, rv->relname)));
			continue;
		}

		tup = SearchSysCache1(RELOID, ObjectIdGetDatum(relid));
		if (!HeapTupleIsValid(tup))
			elog(ERROR, "cache lookup failed for relation %u", relid);
		classform = (Form_pg_class) GETSTRUCT(tup);

		/* Partitioned tables and indexes go with their plain kinds. */
		kind = classform->relkind;
		if (kind == RELKIND_PARTITIONED_TABLE)
			kind = RELKIND_RELATION;
		else if (kind == RELKIND_PARTITIONED_INDEX)
			kind = RELKIND_INDEX;
		if (kind != want->relkind)
		{
			const DropRelKind *actual = rel_kind_entry(classform->relkind);

			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg(want->wrong_msg, rv->relname),
					 actual ? errhint("%s", _(actual->drop_hint)) : 0));
		}

		if (!allowSystemTableMods && IsSystemClass(relid, classform))
			ereport(ERROR,
					(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
					 errmsg("permission denied: \"%s\" is a system catalog",
							rv->relname)));

		if (stmt->concurrent &&
			classform->relpersistence != RELPERSISTENCE_TEMP &&
			classform->relkind == RELKIND_PARTITIONED_INDEX)
			ereport(ERROR,
					(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
					 errmsg("cannot drop partitioned index \"%s\" concurrently",
							rv->relname)));
		ReleaseSysCache(tup);

		target_add(&targets, RelationRelationId, relid, 0);
	}

	drop_walk_batch(walk, targets.addrs, targets.n);
}

/*
 * preview_drop_objects
 *		RemoveObjects(): every other DROP.  One batch.
 */
static void
preview_drop_objects(DropStmt *stmt, DropWalk *walk)
{
	TargetList	targets = {0};
	ListCell   *lc;

	foreach(lc, stmt->objects)
	{
		Node	   *object = lfirst(lc);
		ObjectAddress address;
		Relation	relation = NULL;

		address = get_object_address(stmt->removeType, object, &relation,
									 AccessShareLock, stmt->missing_ok);
		if (!OidIsValid(address.objectId))
		{
			report_missing_object(stmt->removeType, object);
			continue;
		}

		if (stmt->removeType == OBJECT_FUNCTION &&
			get_func_prokind(address.objectId) == PROKIND_AGGREGATE)
			ereport(ERROR,
					(errcode(ERRCODE_WRONG_OBJECT_TYPE),
					 errmsg("\"%s\" is an aggregate function",
							NameListToString(castNode(ObjectWithArgs, object)->objname)),
					 errhint("Use DROP AGGREGATE to drop aggregate functions.")));

		/* Keep the AccessShareLock until the end of the transaction. */
		if (relation)
			table_close(relation, NoLock);

		target_add(&targets, address.classId, address.objectId,
				   address.objectSubId);
	}

	drop_walk_batch(walk, targets.addrs, targets.n);
}

/*
 * preview_drop_user_mapping
 *		RemoveUserMapping(): one object, looked up by role and server.
 */
static void
preview_drop_user_mapping(DropUserMappingStmt *stmt, DropWalk *walk)
{
	RoleSpec   *role = stmt->user;
	Oid			userid;
	ForeignServer *server;
	Oid			umid;
	ObjectAddress target;

	if (role->roletype == ROLESPEC_PUBLIC)
		userid = ACL_ID_PUBLIC;
	else
	{
		userid = get_rolespec_oid(role, stmt->missing_ok);
		if (!OidIsValid(userid))
		{
			ereport(NOTICE,
					(errmsg("role \"%s\" does not exist, skipping",
							role->rolename)));
			return;
		}
	}

	server = GetForeignServerByName(stmt->servername, true);
	if (server == NULL)
	{
		if (!stmt->missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("server \"%s\" does not exist", stmt->servername)));
		ereport(NOTICE,
				(errmsg("server \"%s\" does not exist, skipping",
						stmt->servername)));
		return;
	}

	umid = GetSysCacheOid2(USERMAPPINGUSERSERVER, Anum_pg_user_mapping_oid,
						   ObjectIdGetDatum(userid),
						   ObjectIdGetDatum(server->serverid));
	if (!OidIsValid(umid))
	{
		if (!stmt->missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("user mapping for \"%s\" does not exist for server \"%s\"",
							MappingUserName(userid), stmt->servername)));
		ereport(NOTICE,
				(errmsg("user mapping for \"%s\" does not exist for server \"%s\", skipping",
						MappingUserName(userid), stmt->servername)));
		return;
	}

	ObjectAddressSet(target, UserMappingRelationId, umid);
	drop_walk_batch(walk, &target, 1);
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

		check_alter_relkind(rel, cmd->subtype);
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

			drop_column(walk, rel, cmd->name, recurse, false,
						cmd->missing_ok, counts, &targets);
			drop_walk_batch(walk, targets.addrs, targets.n);
		}
		else
			drop_constraint(walk, rel, cmd->name, recurse, false,
							cmd->missing_ok, counts);
	}

	hash_destroy(counts);
	relation_close(rel, NoLock);
}

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
 * drop_column
 *		ATExecDropColumn(): the column of 'rel' and, recursively, the
 *		children's columns whose last inheritance path it is, collected into
 *		one batch (children first, as the command collects them).  'counts'
 *		holds the statement's inheritance counts.
 */
static void
drop_column(DropWalk *walk, Relation rel, const char *colname,
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
		check_alter_relkind(rel, AT_DropColumn);

	tup = SearchSysCacheAttName(RelationGetRelid(rel), colname);
	if (HeapTupleIsValid(tup))
	{
		/* An earlier subcommand of the statement may have dropped it. */
		ObjectAddressSubSet(colobj, RelationRelationId, RelationGetRelid(rel),
							((Form_pg_attribute) GETSTRUCT(tup))->attnum);
		if (drop_walk_is_dropped(walk, &colobj))
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
				drop_column(walk, childrel, colname, true, true, false,
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

	target_add(targets, RelationRelationId, RelationGetRelid(rel), attnum);
}

/*
 * drop_constraint
 *		ATExecDropConstraint(): one batch for the constraint, then, for
 *		CHECK constraints of tables with inheritance children (and of
 *		partitioned tables), one batch per child constraint whose last
 *		inheritance path it is, depth first.  'counts' holds the statement's
 *		inheritance counts.
 */
static void
drop_constraint(DropWalk *walk, Relation rel, const char *conname,
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
		check_alter_relkind(rel, AT_DropConstraint);

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
		if (!drop_walk_is_dropped(walk, &conobj))
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
			drop_walk_batch(walk, &conobj, 1);
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
			drop_constraint(walk, childrel, conname, true, true, false,
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
 * check_alter_relkind
 *		ATSimplePermissions()' relation kind test for DROP COLUMN and DROP
 *		CONSTRAINT (ownership is not checked, see the file comment).
 */
static void
check_alter_relkind(Relation rel, AlterTableType cmdtype)
{
	char		relkind = rel->rd_rel->relkind;
	bool		ok;

	ok = (relkind == RELKIND_RELATION ||
		  relkind == RELKIND_PARTITIONED_TABLE ||
		  relkind == RELKIND_FOREIGN_TABLE ||
		  (cmdtype == AT_DropColumn && relkind == RELKIND_COMPOSITE_TYPE));
	if (!ok)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("ALTER action %s cannot be performed on relation \"%s\"",
						cmdtype == AT_DropColumn ? "DROP COLUMN" : "DROP CONSTRAINT",
						RelationGetRelationName(rel)),
				 errdetail_relkind_not_supported(relkind)));
}

/*
 * rel_kind_entry
 *		The drop_rel_kinds entry of a relation kind, or NULL.
 */
static const DropRelKind *
rel_kind_entry(char relkind)
{
	for (int i = 0; i < lengthof(drop_rel_kinds); i++)
	{
		if (drop_rel_kinds[i].relkind == relkind)
			return &drop_rel_kinds[i];
	}
	return NULL;
}

/*
 * report_missing_object
 *		The NOTICE RemoveObjects() gives for an object that IF EXISTS lets it
 *		skip (dropcmds.c's does_not_exist_skipping): it names the missing
 *		schema, type or relation when that is why the object is missing.
 */
static void
report_missing_object(ObjectType objtype, Node *object)
{
	const char *msg = NULL;
	char	   *name = NULL;
	char	   *args = NULL;

	switch (objtype)
	{
		case OBJECT_ACCESS_METHOD:
		case OBJECT_SCHEMA:
		case OBJECT_EXTENSION:
		case OBJECT_LANGUAGE:
		case OBJECT_EVENT_TRIGGER:
		case OBJECT_FDW:
		case OBJECT_FOREIGN_SERVER:
		case OBJECT_PUBLICATION:
			switch (objtype)
			{
				case OBJECT_ACCESS_METHOD:
					msg = gettext_noop("access method \"%s\" does not exist, skipping");
					break;
				case OBJECT_SCHEMA:
					msg = gettext_noop("schema \"%s\" does not exist, skipping");
					break;
				case OBJECT_EXTENSION:
					msg = gettext_noop("extension \"%s\" does not exist, skipping");
					break;
				case OBJECT_LANGUAGE:
					msg = gettext_noop("language \"%s\" does not exist, skipping");
					break;
				case OBJECT_EVENT_TRIGGER:
					msg = gettext_noop("event trigger \"%s\" does not exist, skipping");
					break;
				case OBJECT_FDW:
					msg = gettext_noop("foreign-data wrapper \"%s\" does not exist, skipping");
					break;
				case OBJECT_FOREIGN_SERVER:
					msg = gettext_noop("server \"%s\" does not exist, skipping");
					break;
				default:
					msg = gettext_noop("publication \"%s\" does not exist, skipping");
					break;
			}
			name = strVal(object);
			break;
		case OBJECT_TYPE:
		case OBJECT_DOMAIN:
			{
				TypeName   *typ = castNode(TypeName, object);

				if (!schema_missing(typ->names, &msg, &name))
				{
					msg = gettext_noop("type \"%s\" does not exist, skipping");
					name = TypeNameToString(typ);
				}
			}
			break;
		case OBJECT_COLLATION:
		case OBJECT_CONVERSION:
		case OBJECT_STATISTIC_EXT:
		case OBJECT_TSPARSER:
		case OBJECT_TSDICTIONARY:
		case OBJECT_TSTEMPLATE:
		case OBJECT_TSCONFIGURATION:
			if (schema_missing(castNode(List, object), &msg, &name))
				break;
			switch (objtype)
			{
				case OBJECT_COLLATION:
					msg = gettext_noop("collation \"%s\" does not exist, skipping");
					break;
				case OBJECT_CONVERSION:
					msg = gettext_noop("conversion \"%s\" does not exist, skipping");
					break;
				case OBJECT_STATISTIC_EXT:
					msg = gettext_noop("statistics object \"%s\" does not exist, skipping");
					break;
				case OBJECT_TSPARSER:
					msg = gettext_noop("text search parser \"%s\" does not exist, skipping");
					break;
				case OBJECT_TSDICTIONARY:
					msg = gettext_noop("text search dictionary \"%s\" does not exist, skipping");
					break;
				case OBJECT_TSTEMPLATE:
					msg = gettext_noop("text search template \"%s\" does not exist, skipping");
					break;
				default:
					msg = gettext_noop("text search configuration \"%s\" does not exist, skipping");
					break;
			}
			name = NameListToString(castNode(List, object));
			break;
		case OBJECT_FUNCTION:
		case OBJECT_PROCEDURE:
		case OBJECT_ROUTINE:
		case OBJECT_AGGREGATE:
		case OBJECT_OPERATOR:
			{
				ObjectWithArgs *owa = castNode(ObjectWithArgs, object);

				if (schema_missing(owa->objname, &msg, &name) ||
					types_missing(owa->objargs, &msg, &name))
					break;
				name = NameListToString(owa->objname);
				args = TypeNameListToString(owa->objargs);
				switch (objtype)
				{
					case OBJECT_FUNCTION:
						msg = gettext_noop("function %s(%s) does not exist, skipping");
						break;
					case OBJECT_PROCEDURE:
						msg = gettext_noop("procedure %s(%s) does not exist, skipping");
						break;
					case OBJECT_ROUTINE:
						msg = gettext_noop("routine %s(%s) does not exist, skipping");
						break;
					case OBJECT_AGGREGATE:
						msg = gettext_noop("aggregate %s(%s) does not exist, skipping");
						break;
					default:
						msg = gettext_noop("operator %s does not exist, skipping");
						args = NULL;
						break;
				}
			}
			break;
		case OBJECT_CAST:
			{
				List	   *l = castNode(List, object);

				if (types_missing(list_make1(linitial(l)), &msg, &name) ||
					types_missing(list_make1(lsecond(l)), &msg, &name))
					break;
				msg = gettext_noop("cast from type %s to type %s does not exist, skipping");
				name = TypeNameToString(linitial_node(TypeName, l));
				args = TypeNameToString(lsecond_node(TypeName, l));
			}
			break;
		case OBJECT_TRANSFORM:
			{
				List	   *l = castNode(List, object);

				if (types_missing(list_make1(linitial(l)), &msg, &name))
					break;
				msg = gettext_noop("transform for type %s language \"%s\" does not exist, skipping");
				name = TypeNameToString(linitial_node(TypeName, l));
				args = strVal(lsecond(l));
			}
			break;
		case OBJECT_TRIGGER:
		case OBJECT_POLICY:
		case OBJECT_RULE:
			{
				List	   *l = castNode(List, object);

				if (owning_rel_missing(l, &msg, &name))
					break;
				if (objtype == OBJECT_TRIGGER)
					msg = gettext_noop("trigger \"%s\" for relation \"%s\" does not exist, skipping");
				else if (objtype == OBJECT_POLICY)
					msg = gettext_noop("policy \"%s\" for relation \"%s\" does not exist, skipping");
				else
					msg = gettext_noop("rule \"%s\" for relation \"%s\" does not exist, skipping");
				name = strVal(llast(l));
				args = NameListToString(list_truncate(list_copy(l),
													  list_length(l) - 1));
			}
			break;
		case OBJECT_OPCLASS:
		case OBJECT_OPFAMILY:
			{
				List	   *l = castNode(List, object);
				List	   *opname = list_copy_tail(l, 1);

				if (schema_missing(opname, &msg, &name))
					break;
				msg = (objtype == OBJECT_OPCLASS) ?
					gettext_noop("operator class \"%s\" does not exist for access method \"%s\", skipping") :
					gettext_noop("operator family \"%s\" does not exist for access method \"%s\", skipping");
				name = NameListToString(opname);
				args = strVal(linitial(l));
			}
			break;
		default:
			elog(ERROR, "unrecognized object type: %d", (int) objtype);
			break;
	}

	if (args == NULL)
		ereport(NOTICE, (errmsg(msg, name)));
	else
		ereport(NOTICE, (errmsg(msg, name, args)));
}

/*
 * schema_missing
 *		Is the schema a qualified name names missing?  If so, set the notice.
 */
static bool
schema_missing(List *names, const char **msg, char **name)
{
	RangeVar   *rv = makeRangeVarFromNameList(names);

	if (rv->schemaname != NULL &&
		!OidIsValid(LookupNamespaceNoError(rv->schemaname)))
	{
		*msg = gettext_noop("schema \"%s\" does not exist, skipping");
		*name = rv->schemaname;
		return true;
	}
	return false;
}

/*
 * types_missing
 *		Is one of the argument types missing?  If so, set the notice.
 */
static bool
types_missing(List *typenames, const char **msg, char **name)
{
	ListCell   *lc;

	foreach(lc, typenames)
	{
		TypeName   *typ = lfirst_node(TypeName, lc);

		if (typ == NULL || OidIsValid(LookupTypeNameOid(NULL, typ, true)))
			continue;
		if (!schema_missing(typ->names, msg, name))
		{
			*msg = gettext_noop("type \"%s\" does not exist, skipping");
			*name = TypeNameToString(typ);
		}
		return true;
	}
	return false;
}

/*
 * owning_rel_missing
 *		For a trigger, rule or policy: is its table (or the table's schema)
 *		missing?  If so, set the notice.
 */
static bool
owning_rel_missing(List *names, const char **msg, char **name)
{
	List	   *relnames = list_truncate(list_copy(names),
										 list_length(names) - 1);

	if (schema_missing(relnames, msg, name))
		return true;
	if (!OidIsValid(RangeVarGetRelid(makeRangeVarFromNameList(relnames),
									 NoLock, true)))
	{
		*msg = gettext_noop("relation \"%s\" does not exist, skipping");
		*name = NameListToString(relnames);
		return true;
	}
	return false;
}

/*
 * target_add
 *		Append one address to a batch's target list.
 */
static void
target_add(TargetList *list, Oid classId, Oid objectId, int32 subId)
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
