/*-------------------------------------------------------------------------
 *
 * drop_target_alter.c
 *	  ALTER TABLE (ALTER FOREIGN TABLE, ALTER VIEW, ALTER TYPE of a
 *	  composite type) and ALTER DOMAIN: the deletion calls the statement
 *	  makes, in PostgreSQL's order.
 *
 * AlterTable() runs in two phases, and the preview follows both:
 *
 *	 preparation	every subcommand, in the statement's order, is checked
 *					and queued on its relation, and on the relations it
 *					recurses into (ATPrepCmd: inheritance descendants for
 *					DROP DEFAULT, DROP EXPRESSION and ALTER COLUMN TYPE, the
 *					typed tables of a composite type); the relations are
 *					queued in the order they are first met;
 *	 execution		pass by pass (ATRewriteCatalogs), each pass over every
 *					queued relation in order: the DROP pass runs DROP
 *					COLUMN, DROP CONSTRAINT, DROP DEFAULT, DROP IDENTITY and
 *					DROP EXPRESSION in the statement's order; the ALTER TYPE
 *					pass then changes column types, and after each
 *					relation's type changes, drops what uses the changed
 *					columns so that it can be created again (rows with
 *					dependency 'rebuilt'); SET DEFAULT, in a later pass,
 *					drops the default it replaces (also 'rebuilt').
 *
 * ATTACH PARTITION and DETACH PARTITION (always alone in their statement,
 * as the grammar has it) run in the last pass: they delete the foreign key
 * triggers and constraints, and the cloned triggers, listed in
 * src/import/alter_table.c.  Every other pass only adds or changes
 * objects, so the subcommands that run there (ADD COLUMN, ADD CONSTRAINT,
 * SET NOT NULL, OWNER, ...) cannot change what the passes above delete:
 * they are accepted and contribute no rows (they are not checked either),
 * except ADD FOREIGN KEY on a partitioned table: in SET DEFAULT's pass,
 * after the SET DEFAULTs of its relation, it attaches the partitions'
 * equal foreign keys and drops their triggers (src/import/alter_table.c).
 * Next to ALTER COLUMN TYPE it is refused with ERRCODE_FEATURE_NOT_SUPPORTED
 * (the foreign keys ALTER TYPE rebuilds would be the candidates).
 *
 * Each deletion call is labelled with its subcommand (ri_walk_set_label),
 * so that assert_drop_safe() can group what it reports by subcommand.
 *
 * Locks: AccessShareLock on the named relation and on every relation the
 * recursion visits, through RangeVarGetRelidExtended() and
 * find_all_inheritors(); the code that follows the subcommands
 * (src/import/alter_table.c, src/import/tablecmds.c) says what it reads.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/drop_target_alter.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/relation.h"
#include "catalog/catalog.h"
#include "catalog/namespace.h"
#include "catalog/pg_class.h"
#include "catalog/pg_inherits.h"
#include "commands/tablecmds.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "nodes/makefuncs.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/hsearch.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "ri_drop_target_int.h"

/* One subcommand queued on one relation. */
typedef struct AlterItem
{
	AlterTableCmd *cmd;			/* the subcommand, as parsed */
	bool		recurse;		/* DROP COLUMN / CONSTRAINT recurse from here */
	const char *label;			/* the subcommand as the statement says it */
} AlterItem;

/* One relation of the work queue (AlteredTableInfo, the passes we run). */
typedef struct AlterTab
{
	Oid			relid;			/* the relation */
	List	   *drop_items;		/* AlterItem *, the DROP pass */
	List	   *type_items;		/* AlterItem *, the ALTER TYPE pass */
	List	   *default_items;	/* AlterItem *, SET DEFAULT's pass */
	List	   *fk_items;		/* AlterItem *, ADD FOREIGN KEY on a
								 * partitioned table (SET DEFAULT's pass,
								 * after it) */
	List	   *fk_col_items;	/* AlterItem *, the same for the REFERENCES
								 * of ADD COLUMN (queued before them) */
	List	   *added_columns;	/* ColumnDef *: the columns ADD COLUMN adds */
	bool		adds_keys;		/* ADD PRIMARY KEY / UNIQUE on it */
	List	   *misc_items;		/* AlterItem *, ATTACH / DETACH PARTITION */
	RiRebuild	rebuild;		/* what the ALTER TYPE pass drops again */
} AlterTab;

/* The statement's preview: its queue, in the order relations were met. */
typedef struct AlterQueue
{
	List	   *tabs;			/* AlterTab * */
	DropWalk   *walk;			/* where the deletion calls go */
	ObjectType	objtype;		/* OBJECT_TABLE, OBJECT_TYPE, ... */
} AlterQueue;

static bool subcommand_drops(AlterTableCmd *cmd, ObjectType objtype);
static const char *subcommand_label(AlterTableCmd *cmd, ObjectType objtype);
static AlterTab *queue_entry(AlterQueue *q, Oid relid);
static bool label_seen_before(List *items, ListCell *upto);
static void prep_cmd(AlterQueue *q, Relation rel, AlterTableCmd *cmd,
					 bool recurse, bool recursing, const char *label);
static bool adds_foreign_key(AlterTableCmd *cmd);
static void simple_recursion(AlterQueue *q, Relation rel, AlterTableCmd *cmd,
							 bool recurse, const char *label);
static void exec_drop_item(AlterQueue *q, Relation rel, AlterItem *item,
						   HTAB *counts);

/*
 * ri_preview_alter_table
 *		AlterTable() for one ALTER TABLE / FOREIGN TABLE / VIEW / TYPE
 *		statement: the relation is looked up and checked as
 *		RangeVarCallbackForAlterRelation() does (ownership aside), every
 *		subcommand prepared, then the DROP and ALTER TYPE passes run.
 */
void
ri_preview_alter_table(AlterTableStmt *stmt, DropWalk *walk)
{
	AlterQueue	q;
	Oid			relid;
	Relation	rel;
	ListCell   *lc;
	HASHCTL		ctl;
	HTAB	   *counts;
	const char *relname = stmt->relation->relname;

	if (stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_FOREIGN_TABLE &&
		stmt->objtype != OBJECT_TYPE && stmt->objtype != OBJECT_VIEW)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot preview a %s statement",
						CreateCommandName((Node *) stmt))));

	/* Refuse what the preview cannot compute before looking anything up. */
	foreach(lc, stmt->cmds)
		(void) subcommand_drops(lfirst_node(AlterTableCmd, lc), stmt->objtype);

	relid = RangeVarGetRelidExtended(stmt->relation, AccessShareLock,
									 stmt->missing_ok ? RVR_MISSING_OK : 0,
									 NULL, NULL);
	if (!OidIsValid(relid))
	{
		ereport(NOTICE,
				(errmsg("relation \"%s\" does not exist, skipping", relname)));
		return;
	}
	rel = relation_open(relid, NoLock);

	/* RangeVarCallbackForAlterRelation's checks, ownership aside. */
	if (!allowSystemTableMods && IsSystemClass(relid, rel->rd_rel))
		ereport(ERROR,
				(errcode(ERRCODE_INSUFFICIENT_PRIVILEGE),
				 errmsg("permission denied: \"%s\" is a system catalog",
						relname)));
	if (stmt->objtype == OBJECT_VIEW &&
		rel->rd_rel->relkind != RELKIND_VIEW)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a view", relname)));
	if (stmt->objtype == OBJECT_FOREIGN_TABLE &&
		rel->rd_rel->relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a foreign table", relname)));
	if (stmt->objtype == OBJECT_TYPE &&
		rel->rd_rel->relkind != RELKIND_COMPOSITE_TYPE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is not a composite type", relname)));
	if (stmt->objtype != OBJECT_TYPE &&
		rel->rd_rel->relkind == RELKIND_COMPOSITE_TYPE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("\"%s\" is a composite type", relname),
				 errhint("Use ALTER TYPE instead.")));

	/* Preparation phase: every subcommand, in order. */
	memset(&q, 0, sizeof(q));
	q.walk = walk;
	q.objtype = stmt->objtype;
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		CHECK_FOR_INTERRUPTS();
		prep_cmd(&q, rel, cmd, stmt->relation->inh, false,
				 subcommand_label(cmd, stmt->objtype));
	}
	relation_close(rel, NoLock);

	/*
	 * The inheritance counts DROP COLUMN and DROP CONSTRAINT lower are
	 * shared by all subcommands, as the catalogs are in the command.
	 */
	ctl.keysize = sizeof(ObjectAddress);
	ctl.entrysize = sizeof(InhCount);
	ctl.hcxt = CurrentMemoryContext;
	counts = hash_create("ri_audit inheritance counts", 16, &ctl,
						 HASH_ELEM | HASH_BLOBS | HASH_CONTEXT);

	/* The DROP pass. */
	foreach(lc, q.tabs)
	{
		AlterTab   *tab = (AlterTab *) lfirst(lc);
		ListCell   *li;

		if (tab->drop_items == NIL)
			continue;
		rel = relation_open(tab->relid, NoLock);
		foreach(li, tab->drop_items)
		{
			CHECK_FOR_INTERRUPTS();
			exec_drop_item(&q, rel, (AlterItem *) lfirst(li), counts);
		}
		relation_close(rel, NoLock);
	}

	/* The ALTER TYPE pass, and each relation's cleanup after it. */
	foreach(lc, q.tabs)
	{
		AlterTab   *tab = (AlterTab *) lfirst(lc);
		ListCell   *li;
		StringInfoData label;

		if (tab->type_items == NIL)
			continue;
		rel = relation_open(tab->relid, NoLock);
		initStringInfo(&label);
		foreach(li, tab->type_items)
		{
			AlterItem  *item = (AlterItem *) lfirst(li);

			CHECK_FOR_INTERRUPTS();
			ri_walk_set_label(walk, item->label);
			ri_at_alter_type(walk, rel, item->cmd, &tab->rebuild);
			if (!label_seen_before(tab->type_items, li))
				appendStringInfo(&label, "%s%s", label.len > 0 ? ", " : "",
								 item->label);
		}
		ri_walk_set_label(walk, label.data);
		ri_at_rebuild(walk, &tab->rebuild);
		relation_close(rel, NoLock);
	}

	/*
	 * SET DEFAULT's pass: the defaults it replaces; then, on a partitioned
	 * table, the foreign keys added (those of ADD COLUMN first).
	 */
	foreach(lc, q.tabs)
	{
		AlterTab   *tab = (AlterTab *) lfirst(lc);
		ListCell   *li;
		List	   *fks;

		if ((tab->default_items == NIL && tab->fk_items == NIL &&
			 tab->fk_col_items == NIL) || ri_walk_blocked(walk))
			continue;
		fks = list_concat_copy(tab->fk_col_items, tab->fk_items);
		rel = relation_open(tab->relid, NoLock);
		foreach(li, tab->default_items)
		{
			AlterItem  *item = (AlterItem *) lfirst(li);

			CHECK_FOR_INTERRUPTS();
			ri_walk_set_label(walk, item->label);
			ri_at_set_default(walk, rel, item->cmd->name);
		}
		foreach(li, fks)
		{
			AlterItem  *item = (AlterItem *) lfirst(li);
			ListCell   *lt;

			CHECK_FOR_INTERRUPTS();
			foreach(lt, q.tabs)
			{
				if (((AlterTab *) lfirst(lt))->type_items != NIL)
					ereport(ERROR,
							(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
							 errmsg("cannot preview ALTER TABLE ... ADD FOREIGN KEY on a partitioned table next to ALTER COLUMN TYPE"),
							 errdetail("The foreign keys that ALTER COLUMN TYPE creates again are compared with the new one, which the preview does not compute.")));
			}
			ri_walk_set_label(walk, item->label);
			ri_at_add_foreign_key(walk, rel, (Constraint *) item->cmd->def,
								  item->recurse, tab->added_columns,
								  tab->adds_keys);
		}
		relation_close(rel, NoLock);
	}

	/* The last pass: ATTACH / DETACH PARTITION. */
	foreach(lc, q.tabs)
	{
		AlterTab   *tab = (AlterTab *) lfirst(lc);
		ListCell   *li;

		if (tab->misc_items == NIL || ri_walk_blocked(walk))
			continue;
		rel = relation_open(tab->relid, NoLock);
		foreach(li, tab->misc_items)
		{
			AlterItem  *item = (AlterItem *) lfirst(li);

			CHECK_FOR_INTERRUPTS();
			ri_walk_set_label(walk, item->label);
			if (item->cmd->subtype == AT_AttachPartition)
				ri_at_attach_partition(walk, rel, item->cmd);
			else
				ri_at_detach_partition(walk, rel, item->cmd);
		}
		relation_close(rel, NoLock);
	}

#if PG_VERSION_NUM >= 150020

	/*
	 * After every pass (ALTER TABLE's phase 3), PostgreSQL from 15.20
	 * refuses to change a column type of a table whose row type is used
	 * elsewhere (a column of that type, a SQL-standard function body),
	 * whether or not it rewrites the table; the server's own
	 * find_composite_type_dependencies() raises its error.  Relations
	 * without storage were checked with the subcommand.  Earlier releases
	 * check only the tables they rewrite, which the preview does not
	 * foresee.
	 */
	foreach(lc, q.tabs)
	{
		AlterTab   *tab = (AlterTab *) lfirst(lc);

		if (tab->type_items == NIL || ri_walk_blocked(walk))
			continue;
		rel = relation_open(tab->relid, NoLock);
		if (RELKIND_HAS_STORAGE(rel->rd_rel->relkind))
			find_composite_type_dependencies(rel->rd_rel->reltype, rel, NULL);
		relation_close(rel, NoLock);
	}
#endif
	ri_walk_set_label(walk, NULL);

	hash_destroy(counts);
}

/*
 * ri_preview_alter_domain
 *		ALTER DOMAIN: DROP CONSTRAINT deletes the constraint; no other form
 *		deletes an object (a domain's default is a field of pg_type), so
 *		they only look the domain up, with the command's errors.
 */
void
ri_preview_alter_domain(AlterDomainStmt *stmt, DropWalk *walk)
{
	if (stmt->subtype == 'X')
		ri_domain_drop_constraint(walk, stmt);
	else
		(void) ri_domain_lookup(makeTypeNameFromNameList(stmt->typeName));
}

/*
 * subcommand_drops
 *		Does the subcommand delete objects in the DROP or ALTER TYPE pass
 *		(true), or neither delete nor change what those passes delete
 *		(false)?  Any other is refused.
 */
static bool
subcommand_drops(AlterTableCmd *cmd, ObjectType objtype)
{
	switch (cmd->subtype)
	{
		case AT_DropColumn:
		case AT_DropConstraint:
		case AT_DropIdentity:
		case AT_DropExpression:
		case AT_AlterColumnType:
		case AT_ColumnDefault:
			return true;

			/* Later passes, no deletion. */
		case AT_AddColumn:
		case AT_AddIdentity:
		case AT_SetIdentity:
		case AT_DropNotNull:
		case AT_SetNotNull:
		case AT_SetStatistics:
		case AT_SetOptions:
		case AT_ResetOptions:
		case AT_SetStorage:
		case AT_SetCompression:
		case AT_AddIndex:
		case AT_AddConstraint:
		case AT_AddIndexConstraint:
		case AT_AlterConstraint:
		case AT_ValidateConstraint:
		case AT_AlterColumnGenericOptions:
		case AT_ChangeOwner:
		case AT_ClusterOn:
		case AT_DropCluster:
		case AT_SetLogged:
		case AT_SetUnLogged:
		case AT_DropOids:
		case AT_SetAccessMethod:
		case AT_SetTableSpace:
		case AT_SetRelOptions:
		case AT_ResetRelOptions:
		case AT_ReplaceRelOptions:
		case AT_EnableTrig:
		case AT_EnableAlwaysTrig:
		case AT_EnableReplicaTrig:
		case AT_EnableTrigAll:
		case AT_EnableTrigUser:
		case AT_DisableTrig:
		case AT_DisableTrigAll:
		case AT_DisableTrigUser:
		case AT_EnableRule:
		case AT_EnableAlwaysRule:
		case AT_EnableReplicaRule:
		case AT_DisableRule:
		case AT_AddInherit:
		case AT_DropInherit:
		case AT_AddOf:
		case AT_DropOf:
		case AT_ReplicaIdentity:
		case AT_EnableRowSecurity:
		case AT_DisableRowSecurity:
		case AT_ForceRowSecurity:
		case AT_NoForceRowSecurity:
		case AT_GenericOptions:
			return false;

		case AT_AttachPartition:
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			return true;
		default:
			break;
	}
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot preview this %s subcommand",
					objtype == OBJECT_TYPE ? "ALTER TYPE" : "ALTER TABLE")));
	return false;				/* keep compiler quiet */
}

/*
 * subcommand_label
 *		The subcommand as the statement spells it ("DROP COLUMN a", "ALTER
 *		COLUMN a TYPE"), for grouping assert_drop_safe()'s detail; NULL for
 *		subcommands that delete nothing.
 */
static const char *
subcommand_label(AlterTableCmd *cmd, ObjectType objtype)
{
	const char *name = cmd->name ? quote_identifier(cmd->name) : "";
	bool		type = (objtype == OBJECT_TYPE);

	switch (cmd->subtype)
	{
		case AT_DropColumn:
			return psprintf("DROP %s %s", type ? "ATTRIBUTE" : "COLUMN", name);
		case AT_DropConstraint:
			return psprintf("DROP CONSTRAINT %s", name);
		case AT_ColumnDefault:
			return psprintf("ALTER COLUMN %s %s DEFAULT", name,
							cmd->def ? "SET" : "DROP");
		case AT_DropIdentity:
			return psprintf("ALTER COLUMN %s DROP IDENTITY", name);
		case AT_DropExpression:
			return psprintf("ALTER COLUMN %s DROP EXPRESSION", name);
		case AT_AlterColumnType:
			return psprintf("ALTER %s %s TYPE", type ? "ATTRIBUTE" : "COLUMN",
							name);
		case AT_AddConstraint:
			if (cmd->def && IsA(cmd->def, Constraint) &&
				((Constraint *) cmd->def)->contype == CONSTR_FOREIGN)
				return ((Constraint *) cmd->def)->conname ?
					psprintf("ADD CONSTRAINT %s FOREIGN KEY",
							 quote_identifier(((Constraint *) cmd->def)->conname)) :
					"ADD FOREIGN KEY";
			return NULL;
		case AT_AttachPartition:
			return psprintf("ATTACH PARTITION %s",
							quote_identifier(((PartitionCmd *) cmd->def)->name->relname));
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			return psprintf("DETACH PARTITION %s",
							quote_identifier(((PartitionCmd *) cmd->def)->name->relname));
		default:
			return NULL;
	}
}

/*
 * queue_entry
 *		ATGetQueueEntry(): the relation's entry, appended at the first call.
 */
static AlterTab *
queue_entry(AlterQueue *q, Oid relid)
{
	ListCell   *lc;
	AlterTab   *tab;

	foreach(lc, q->tabs)
	{
		tab = (AlterTab *) lfirst(lc);
		if (tab->relid == relid)
			return tab;
	}
	tab = palloc0(sizeof(AlterTab));
	tab->relid = relid;
	q->tabs = lappend(q->tabs, tab);
	return tab;
}

/*
 * label_seen_before
 *		Whether an AlterItem of 'items' before 'upto' has the same label as
 *		the one at 'upto' (a subcommand queued again by recursion).
 */
static bool
label_seen_before(List *items, ListCell *upto)
{
	const char *label = ((AlterItem *) lfirst(upto))->label;
	ListCell   *lc;

	foreach(lc, items)
	{
		if (lc == upto)
			break;
		if (strcmp(((AlterItem *) lfirst(lc))->label, label) == 0)
			return true;
	}
	return false;
}

/*
 * prep_cmd
 *		ATPrepCmd() for one subcommand on one relation: its relation kind
 *		check, its recursion, its own preparation checks, and its place in
 *		the relation's DROP or ALTER TYPE pass.
 */
static void
prep_cmd(AlterQueue *q, Relation rel, AlterTableCmd *cmd, bool recurse,
		 bool recursing, const char *label)
{
	AlterTab   *tab = queue_entry(q, RelationGetRelid(rel));
	AlterItem  *item;
	List	   *children = NIL;
	ListCell   *lc;
	bool		type_pass = false;
	bool		late_pass = false;
	bool		misc_pass = false;

	check_stack_depth();

	switch (cmd->subtype)
	{
		case AT_DropColumn:
			ri_check_alter_relkind(rel, cmd->subtype);
			if (rel->rd_rel->reloftype && !recursing)
				ereport(ERROR,
						(errcode(ERRCODE_WRONG_OBJECT_TYPE),
						 errmsg("cannot drop column from typed table")));
			if (rel->rd_rel->relkind == RELKIND_COMPOSITE_TYPE)
			{
				ri_walk_set_label(q->walk, label);
				children = ri_typed_tables(q->walk, rel, cmd->behavior);
				foreach(lc, children)
				{
					Relation	child = relation_open(lfirst_oid(lc),
													  AccessShareLock);

					prep_cmd(q, child, cmd, true, true, label);
					relation_close(child, NoLock);
				}
			}
			break;
		case AT_DropConstraint:
			ri_check_alter_relkind(rel, cmd->subtype);
			break;
		case AT_ColumnDefault:
			ri_check_alter_relkind(rel, cmd->subtype);
			simple_recursion(q, rel, cmd, recurse, label);
			if (cmd->def != NULL)
				late_pass = true;	/* SET DEFAULT: AT_PASS_ADD_OTHERCONSTR */
			break;
		case AT_DropIdentity:
			ri_check_alter_relkind(rel, cmd->subtype);
			break;
		case AT_DropExpression:
			ri_check_alter_relkind(rel, cmd->subtype);
			simple_recursion(q, rel, cmd, recurse, label);
			ri_at_prep_drop_expression(rel, cmd->name, recurse, recursing);
			break;
		case AT_AlterColumnType:
			ri_check_alter_relkind(rel, cmd->subtype);
			ri_at_prep_alter_type(rel, cmd, recurse, recursing, &children);
			foreach(lc, children)
			{
				AlterItem  *child_item = palloc0(sizeof(AlterItem));
				AlterTab   *child_tab = queue_entry(q, lfirst_oid(lc));

				child_item->cmd = cmd;
				child_item->label = label;
				child_tab->type_items = lappend(child_tab->type_items,
												child_item);
			}
			if (rel->rd_rel->relkind == RELKIND_COMPOSITE_TYPE)
			{
				ri_walk_set_label(q->walk, label);
				children = ri_typed_tables(q->walk, rel, cmd->behavior);
				foreach(lc, children)
				{
					Relation	child = relation_open(lfirst_oid(lc),
													  AccessShareLock);

					prep_cmd(q, child, cmd, true, true, label);
					relation_close(child, NoLock);
				}
			}
			type_pass = true;
			break;
		case AT_AttachPartition:
		case AT_DetachPartition:
		case AT_DetachPartitionFinalize:
			misc_pass = true;	/* AT_PASS_MISC; checked in the pass */
			break;
		case AT_AddColumn:
			if (cmd->def && IsA(cmd->def, ColumnDef))
			{
				ColumnDef  *cd = (ColumnDef *) cmd->def;

				tab->added_columns = lappend(tab->added_columns, cd);
				if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE)
					return;

				/*
				 * Its REFERENCES become ADD CONSTRAINT subcommands on the
				 * column (transformColumnDefinition), queued before those
				 * of ADD CONSTRAINT (ATExecAddColumn's pass comes first).
				 */
				foreach(lc, cd->constraints)
				{
					Constraint *c = lfirst(lc);
					AlterTableCmd *fkcmd;

					if (!IsA(c, Constraint) || c->contype != CONSTR_FOREIGN)
						continue;
					c = copyObject(c);
					c->fk_attrs = list_make1(makeString(cd->colname));
					fkcmd = makeNode(AlterTableCmd);
					fkcmd->subtype = AT_AddConstraint;
					fkcmd->def = (Node *) c;
					item = palloc0(sizeof(AlterItem));
					item->cmd = fkcmd;
					item->recurse = recurse;
					item->label = subcommand_label(fkcmd, q->objtype);
					tab->fk_col_items = lappend(tab->fk_col_items, item);
				}
			}
			return;
		case AT_AddConstraint:
			if (cmd->def && IsA(cmd->def, Constraint) &&
				(((Constraint *) cmd->def)->contype == CONSTR_PRIMARY ||
				 ((Constraint *) cmd->def)->contype == CONSTR_UNIQUE))
				tab->adds_keys = true;
			if (rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE ||
				!adds_foreign_key(cmd))
				return;
			item = palloc0(sizeof(AlterItem));
			item->cmd = cmd;
			item->recurse = recurse;
			item->label = label;
			tab->fk_items = lappend(tab->fk_items, item);
			return;
		case AT_AddIndexConstraint:
		case AT_AddIndex:
			if (cmd->def && IsA(cmd->def, IndexStmt) &&
				(((IndexStmt *) cmd->def)->primary ||
				 ((IndexStmt *) cmd->def)->unique))
				tab->adds_keys = true;
			return;
		default:
			return;				/* a later pass, no deletion */
	}

	item = palloc0(sizeof(AlterItem));
	item->cmd = cmd;
	item->recurse = recurse;
	item->label = label;
	if (misc_pass)
		tab->misc_items = lappend(tab->misc_items, item);
	else if (type_pass)
		tab->type_items = lappend(tab->type_items, item);
	else if (late_pass)
		tab->default_items = lappend(tab->default_items, item);
	else
		tab->drop_items = lappend(tab->drop_items, item);
}

/*
 * adds_foreign_key
 *		Does ADD CONSTRAINT or ADD COLUMN add a foreign key?
 */
static bool
adds_foreign_key(AlterTableCmd *cmd)
{
	ListCell   *lc;

	if (cmd->def == NULL)
		return false;
	if (IsA(cmd->def, Constraint))
		return ((Constraint *) cmd->def)->contype == CONSTR_FOREIGN;
	if (IsA(cmd->def, ColumnDef))
	{
		foreach(lc, ((ColumnDef *) cmd->def)->constraints)
		{
			Node	   *c = lfirst(lc);

			if (IsA(c, Constraint) &&
				((Constraint *) c)->contype == CONSTR_FOREIGN)
				return true;
		}
	}
	return false;
}

/*
 * simple_recursion
 *		ATSimpleRecursion(): the subcommand again on every inheritance
 *		descendant (each locked AccessShareLock), as a recursing one.
 */
static void
simple_recursion(AlterQueue *q, Relation rel, AlterTableCmd *cmd,
				 bool recurse, const char *label)
{
	List	   *children;
	ListCell   *lc;

	if (!recurse || !rel->rd_rel->relhassubclass)
		return;
	children = find_all_inheritors(RelationGetRelid(rel), AccessShareLock,
								   NULL);
	foreach(lc, children)
	{
		Oid			childid = lfirst_oid(lc);
		Relation	child;

		CHECK_FOR_INTERRUPTS();
		if (childid == RelationGetRelid(rel))
			continue;
		child = relation_open(childid, NoLock);
		prep_cmd(q, child, cmd, false, true, label);
		relation_close(child, NoLock);
	}
}

/*
 * exec_drop_item
 *		ATExecCmd() in the DROP pass: the deletion calls of one subcommand
 *		on one relation.
 */
static void
exec_drop_item(AlterQueue *q, Relation rel, AlterItem *item, HTAB *counts)
{
	AlterTableCmd *cmd = item->cmd;
	DropWalk   *walk = q->walk;

	ri_walk_set_label(walk, item->label);
	switch (cmd->subtype)
	{
		case AT_DropColumn:
			{
				TargetList	targets = {0};

				ri_drop_column(walk, rel, cmd->name, item->recurse, false,
							   cmd->missing_ok, counts, &targets);
				ri_walk_batch(walk, targets.addrs, targets.n);
			}
			break;
		case AT_DropConstraint:
			ri_drop_constraint(walk, rel, cmd->name, item->recurse, false,
							   cmd->missing_ok, counts);
			break;
		case AT_ColumnDefault:
			ri_at_drop_default(walk, rel, cmd->name);
			break;
		case AT_DropIdentity:
			ri_at_drop_identity(walk, rel, cmd->name, cmd->missing_ok);
			break;
		case AT_DropExpression:
			ri_at_drop_expression(walk, rel, cmd->name, cmd->missing_ok);
			break;
		default:
			elog(ERROR, "unexpected ALTER TABLE subcommand %d in the DROP pass",
				 (int) cmd->subtype);
	}
	ri_walk_set_label(walk, NULL);
}
