/*-------------------------------------------------------------------------
 *
 * recreate_script.c
 *	  Scripts built on the drop walk: recreate_script() (what brings back
 *	  the definitions a DROP ... CASCADE removes) and migration_script()
 *	  (one transaction that drops the dependents that block a statement,
 *	  runs it and recreates them).
 *
 * recreate_script walks the statement exactly as drop_preview does
 * (src/engine/drop_target.c, dependency_walk.c) and turns every entry into
 * DDL with the rules of src/engine/recreate_ddl.c.  The walk's entries are
 * in deletion order, where every object comes before the objects it
 * depends on; the script recreates them in the reverse order, so that
 * every object is created after what it needs.  Objects that are not
 * recreated (they hold data, or are kinds the script does not recreate)
 * are named in a comment block at the top, and so is every recreated
 * object whose definition refers (through pg_depend) to one of them: it
 * would fail, so its statements are written commented out.  An object
 * that lives on a table that is not recreated (an index, a trigger, a
 * constraint of a dropped table) is left out silently: the table's own
 * line says it.
 *
 * migration_script handles two shapes of statement:
 *	- one the drop walk understands (DROP ..., ALTER TABLE ... DROP
 *	  COLUMN / DROP CONSTRAINT): the dependents PostgreSQL would refuse it
 *	  for (drop_preview's requires_cascade rows) are the objects to drop;
 *	- ALTER TABLE whose subcommands are all ALTER COLUMN ... TYPE: the
 *	  objects that ATExecAlterColumnType() refuses to rebuild (views and
 *	  rules, triggers, policies, SQL-standard function bodies, publication
 *	  WHERE clauses that use the column, in the table and every
 *	  inheritance child the command recurses to), read from pg_depend on
 *	  the column here.
 * Each of those is named by the object a DROP must name (a view for its
 * _RETURN rule); a walk of their drop gives everything that goes with
 * them.  The script: BEGIN; SET LOCAL lock_timeout; DROP of each in
 * deletion order (dependents first, each by name, without CASCADE); the
 * statement; the recreate statements; COMMIT.  A recreated object whose
 * definition refers to something the statement itself removes stays in
 * the script (it makes the transaction fail, which is the point), and the
 * comment block says so in advance.  Dependents that hold data (a column
 * of a table) are never dropped: the comment block names them, and the
 * statement then fails as it would without the script.  A statement with
 * nothing to drop is returned as it is.
 *
 * The lock_timeout is the session's when it is set, else 5s.
 *
 * Locks: AccessShareLock on the relations and objects the statement names
 * (as drop_preview; for ALTER COLUMN TYPE on the table and the inheritance
 * children the command would visit), on the catalogs read, and, through
 * the deparsers, on the relations the recreated views and rules read
 * (see recreate_ddl.c).  Privileges: every fact used
 * is one the catalogs show to every role (see recreate_ddl.c).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/recreate_script.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relation.h"
#include "access/table.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/namespace.h"
#include "catalog/pg_attrdef.h"
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_inherits.h"
#include "catalog/pg_operator.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_publication_rel.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "miscadmin.h"
#include "nodes/parsenodes.h"
#include "tcop/utility.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/guc.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "ri_drop.h"
#include "ri_recreate.h"

/* The state of one script being built. */
typedef struct ScriptState
{
	DropWalk   *walk;			/* what the script drops (migration) or
								 * the statement drops (recreate) */
	DropWalk   *gone;			/* migration of a DROP: what the statement
								 * itself removes; else NULL */
	int			nentries;		/* entries of walk */
	RiRecreateClass *cls;		/* per entry: what the script does */
	bool	   *exists;			/* per entry: classified (still exists) */
	bool	   *fails;			/* per entry: refers to something lost */
	bool		migration;		/* building migration_script */
	StringInfoData notes;		/* the comment block */
} ScriptState;

static void script_init(ScriptState *st, DropWalk *walk, DropWalk *gone,
						bool migration);
static bool is_lost(ScriptState *st, const ObjectAddress *obj, int depth,
					bool failures);
static bool is_written(ScriptState *st, int i);
static const char *lost_reason(ScriptState *st, const ObjectAddress *obj);
static void find_failures(ScriptState *st);
static void append_creates(ScriptState *st, StringInfo buf);
static char *object_string(const ObjectAddress *obj);
static void append_commented(StringInfo buf, const char *prefix,
							 const char *text);
static int	add_target(ObjectAddress **targets, int n, int *max,
					   const ObjectAddress *obj);
static int	alter_type_blockers(AlterTableStmt *stmt, ObjectAddress **targets,
								StringInfo notes);
static void check_statement_kind(Node *stmt, const char *what,
								 const char *hint);
static char *finish_migration(const char *ddl, ObjectAddress *targets,
							  int ntargets, DropWalk *gone, StringInfo notes);

/*
 * ri_recreate_script
 *		The script that recreates what 'ddl' with CASCADE removes.
 */
char *
ri_recreate_script(const char *ddl)
{
	DropWalk   *walk;
	ScriptState st;
	StringInfoData buf;
	int			nestlevel;

	check_statement_kind(ri_parse_one_statement(ddl, "a recreate script"),
						 "a recreate script",
						 "Give one DROP or ALTER TABLE statement.");
	walk = ri_walk_begin(false);
	ri_drop_targets(ddl, walk, false);
	ri_walk_raise_blockers(walk);

	nestlevel = ri_deparse_begin();
	script_init(&st, walk, NULL, false);
	find_failures(&st);

	initStringInfo(&buf);
	append_commented(&buf, "-- recreates what this statement removes with CASCADE:\n--   ", ddl);
	appendStringInfoString(&buf, st.notes.data);
	append_creates(&st, &buf);
	ri_deparse_end(nestlevel);
	ri_walk_end(walk);
	return buf.data;
}

/*
 * ri_migration_script
 *		The transaction that runs 'ddl' with its blocking dependents dropped
 *		and recreated around it, or 'ddl' itself when nothing blocks it.
 */
char *
ri_migration_script(const char *ddl)
{
	Node	   *stmt = ri_parse_one_statement(ddl, "a migration script");
	ObjectAddress *targets = NULL;
	int			ntargets = 0;
	int			max = 0;
	StringInfoData notes;

	check_statement_kind(stmt, "a migration script",
						 "Give one DROP or ALTER TABLE statement; ALTER COLUMN ... TYPE in a statement of its own.");
	initStringInfo(&notes);
	if (IsA(stmt, AlterTableStmt))
	{
		AlterTableStmt *at = (AlterTableStmt *) stmt;
		ListCell   *lc;
		int			ntype = 0;

		foreach(lc, at->cmds)
			if (lfirst_node(AlterTableCmd, lc)->subtype == AT_AlterColumnType)
				ntype++;
		if (ntype > 0)
		{
			if (ntype != list_length(at->cmds))
				ereport(ERROR,
						(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
						 errmsg("cannot build a migration script for ALTER COLUMN ... TYPE mixed with other subcommands"),
						 errhint("Give the ALTER COLUMN ... TYPE subcommands in a statement of their own.")));
			ntargets = alter_type_blockers(at, &targets, &notes);
			if (ntargets == 0 && notes.len == 0)
				return pstrdup(ddl);
			return finish_migration(ddl, targets, ntargets, NULL, &notes);
		}
	}

	/* A statement the drop walk understands. */
	{
		DropWalk   *gone = ri_walk_begin(false);
		RiWalkIter	it;
		const DropWalkEntry *e;
		int			i;

		ri_drop_targets(ddl, gone, false);
		ri_walk_raise_blockers(gone);
		ri_walk_iter_init(&it, gone);
		while ((e = ri_walk_iter_next(&it, &i)) != NULL)
		{
			ObjectAddress owner;
			RiRecreateClass cls;

			CHECK_FOR_INTERRUPTS();
			if (!ri_walk_entry_is_reported(e) || (e->flags & DW_REBUILT))
				continue;
			owner = ri_recreate_owner_of(&e->obj);
			if (!ri_recreate_classify(&owner, &cls))
				continue;
			if (cls.action == RI_RC_NOT_RECREATED)
			{
				appendStringInfo(&notes,
								 "-- not dropped: %s (%s), which depends on %s: the statement fails while it exists\n",
								 object_string(&owner), cls.reason,
								 object_string(&e->dependee));
				continue;
			}
			ntargets = add_target(&targets, ntargets, &max, &owner);
		}
		if (ntargets == 0 && notes.len == 0)
		{
			ri_walk_end(gone);
			return pstrdup(ddl);
		}
		return finish_migration(ddl, targets, ntargets, gone, &notes);
	}
}

/*
 * check_statement_kind
 *		Refuse, in the script's own words, a statement that is no DROP and
 *		no ALTER TABLE (the drop walk checks the subcommands).
 */
static void
check_statement_kind(Node *stmt, const char *what, const char *hint)
{
	if (IsA(stmt, DropStmt) || IsA(stmt, DropUserMappingStmt) ||
		IsA(stmt, AlterTableStmt))
		return;
	ereport(ERROR,
			(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			 errmsg("cannot build %s for a %s statement", what,
					CreateCommandName(stmt)),
			 errhint("%s", hint)));
}

/*
 * finish_migration
 *		The migration transaction for 'ddl', dropping and recreating the
 *		objects that a drop of 'targets' removes.
 */
static char *
finish_migration(const char *ddl, ObjectAddress *targets, int ntargets,
				 DropWalk *gone, StringInfo notes)
{
	DropWalk   *walk = ri_walk_begin(false);
	ScriptState st;
	StringInfoData buf;
	int			nestlevel;
	const char *timeout = GetConfigOption("lock_timeout", false, false);
	int			len;

	if (ntargets > 0)
		ri_walk_batch(walk, targets, ntargets);

	nestlevel = ri_deparse_begin();
	script_init(&st, walk, gone, true);
	find_failures(&st);

	initStringInfo(&buf);
	append_commented(&buf, "-- migration for:\n--   ", ddl);
	appendStringInfoString(&buf, notes->data);
	appendStringInfoString(&buf, st.notes.data);
	appendStringInfoString(&buf, "BEGIN;\n");
	appendStringInfo(&buf, "SET LOCAL lock_timeout = %s;\n",
					 quote_literal_cstr(timeout == NULL || strcmp(timeout, "0") == 0 ?
										"5s" : timeout));
	appendStringInfoString(&buf, "-- the dependents, dependents first\n");
	for (int i = 0; i < st.nentries; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (is_written(&st, i))
			(void) ri_recreate_append_drop(&buf, &ri_walk_entry(walk, i)->obj);
	}
	appendStringInfoString(&buf, "-- the statement\n");
	len = strlen(ddl);
	while (len > 0 && (ddl[len - 1] == ';' || ddl[len - 1] == ' ' ||
					   ddl[len - 1] == '\n' || ddl[len - 1] == '\t'))
		len--;
	appendBinaryStringInfo(&buf, ddl, len);
	appendStringInfoString(&buf, ";\n");
	appendStringInfoString(&buf, "-- the dependents again\n");
	append_creates(&st, &buf);
	appendStringInfoString(&buf, "COMMIT;\n");
	ri_deparse_end(nestlevel);
	ri_walk_end(walk);
	if (gone)
		ri_walk_end(gone);
	return buf.data;
}

/*
 * script_init
 *		Classify every entry of the walk; name the objects that are not
 *		recreated in the comment block.
 */
static void
script_init(ScriptState *st, DropWalk *walk, DropWalk *gone, bool migration)
{
	RiWalkIter	it;
	const DropWalkEntry *e;
	int			i;

	st->walk = walk;
	st->gone = gone;
	st->migration = migration;
	st->nentries = ri_walk_nentries(walk);
	st->cls = palloc0(Max(st->nentries, 1) * sizeof(RiRecreateClass));
	st->exists = palloc0(Max(st->nentries, 1) * sizeof(bool));
	st->fails = palloc0(Max(st->nentries, 1) * sizeof(bool));
	initStringInfo(&st->notes);

	for (i = 0; i < st->nentries; i++)
	{
		e = ri_walk_entry(walk, i);
		CHECK_FOR_INTERRUPTS();
		st->exists[i] = ri_recreate_classify(&e->obj, &st->cls[i]);
	}

	/* in report order, as drop_preview lists them */
	ri_walk_iter_init(&it, walk);
	while ((e = ri_walk_iter_next(&it, &i)) != NULL)
	{
		CHECK_FOR_INTERRUPTS();
		if (!st->exists[i] || (e->flags & (DW_SUBOBJECT | DW_REBUILT)) ||
			st->cls[i].action != RI_RC_NOT_RECREATED ||
			ri_walk_lookup(walk, &e->obj) != i)
			continue;
		appendStringInfo(&st->notes, migration ?
						 "-- not dropped: %s (%s): the script fails while it depends on what the script drops\n" :
						 "-- not recreated: %s (%s)\n",
						 object_string(&e->obj), st->cls[i].reason);
	}
}

/*
 * is_lost
 *		Is obj gone after the script ran: deleted and not recreated (or a
 *		part of such an object), or removed by the statement itself?  With
 *		'failures', a recreated object that would fail counts as lost too.
 */
static bool
is_lost(ScriptState *st, const ObjectAddress *obj, int depth, bool failures)
{
	int			i;

	if (st->gone && ri_walk_is_dropped(st->gone, obj) &&
		!ri_walk_is_dropped(st->walk, obj))
		return true;
	i = ri_walk_lookup(st->walk, obj);
	if (i < 0 && obj->objectSubId != 0)
	{
		ObjectAddress whole = *obj;

		whole.objectSubId = 0;
		i = ri_walk_lookup(st->walk, &whole);
	}
	if (i < 0 || !st->exists[i])
		return false;
	switch (st->cls[i].action)
	{
		case RI_RC_NOT_RECREATED:
			return true;
		case RI_RC_PART:
			return depth < 16 && OidIsValid(st->cls[i].parent.classId) &&
				is_lost(st, &st->cls[i].parent, depth + 1, failures);
		default:
			return failures && st->fails[i];
	}
}

/*
 * lost_reason
 *		Why a lost object is gone, for the comment block.
 */
static const char *
lost_reason(ScriptState *st, const ObjectAddress *obj)
{
	int			i;

	if (st->gone && ri_walk_is_dropped(st->gone, obj) &&
		!ri_walk_is_dropped(st->walk, obj))
		return "the statement drops";
	i = ri_walk_lookup(st->walk, obj);
	if (i < 0 && obj->objectSubId != 0)
	{
		ObjectAddress whole = *obj;

		whole.objectSubId = 0;
		i = ri_walk_lookup(st->walk, &whole);
	}
	if (i >= 0 && st->exists[i] && st->cls[i].action == RI_RC_RECREATE)
		return "would fail too";
	return "is not recreated";
}

/*
 * is_written
 *		Does the script write entry i: a recreated object, its newest entry,
 *		that does not live on an object that is lost?
 */
static bool
is_written(ScriptState *st, int i)
{
	const DropWalkEntry *e = ri_walk_entry(st->walk, i);

	if (!st->exists[i] || st->cls[i].action != RI_RC_RECREATE ||
		(e->flags & (DW_SUBOBJECT | DW_REBUILT)) ||
		ri_walk_lookup(st->walk, &e->obj) != i)
		return false;
	if (OidIsValid(st->cls[i].parent.classId) &&
		is_lost(st, &st->cls[i].parent, 0, false))
		return false;
	return true;
}

/*
 * find_failures
 *		Mark every written object whose definition refers to a lost object,
 *		and name it in the comment block.
 */
static void
find_failures(ScriptState *st)
{
	Relation	depRel = table_open(DependRelationId, AccessShareLock);

	for (int i = st->nentries - 1; i >= 0; i--)
	{
		const DropWalkEntry *e = ri_walk_entry(st->walk, i);
		ScanKeyData key[2];
		SysScanDesc scan;
		HeapTuple	tup;

		int			target = i;

		CHECK_FOR_INTERRUPTS();

		/*
		 * A part's definition is its owner's: a view's query is its
		 * _RETURN rule's, so what the rule refers to makes the view fail.
		 */
		for (int depth = 0; depth < 16 && target >= 0 &&
			 st->exists[target] && st->cls[target].action == RI_RC_PART;
			 depth++)
			target = OidIsValid(st->cls[target].parent.classId) ?
				ri_walk_lookup(st->walk, &st->cls[target].parent) : -1;
		if (target < 0 || !is_written(st, target) || st->fails[target])
			continue;
		if (target == i && OidIsValid(st->cls[i].parent.classId) &&
			is_lost(st, &st->cls[i].parent, 0, true))
		{
			st->fails[i] = true;
			appendStringInfo(&st->notes,
							 "-- would fail: %s lives on %s, which would fail too\n",
							 object_string(&e->obj),
							 object_string(&st->cls[i].parent));
			continue;
		}
		ScanKeyInit(&key[0], Anum_pg_depend_classid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(e->obj.classId));
		ScanKeyInit(&key[1], Anum_pg_depend_objid, BTEqualStrategyNumber,
					F_OIDEQ, ObjectIdGetDatum(e->obj.objectId));
		scan = systable_beginscan(depRel, DependDependerIndexId, true, NULL,
								  2, key);
		while (HeapTupleIsValid(tup = systable_getnext(scan)))
		{
			Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
			ObjectAddress ref;

			ObjectAddressSubSet(ref, dep->refclassid, dep->refobjid,
								dep->refobjsubid);
			if (ref.classId == e->obj.classId &&
				ref.objectId == e->obj.objectId)
				continue;
			if (!is_lost(st, &ref, 0, true))
				continue;
			st->fails[target] = true;
			appendStringInfo(&st->notes,
							 "-- would fail: %s refers to %s, which %s\n",
							 object_string(&ri_walk_entry(st->walk, target)->obj),
							 object_string(&ref),
							 lost_reason(st, &ref));
			break;
		}
		systable_endscan(scan);
	}
	table_close(depRel, AccessShareLock);

	/* links of surviving operators that the drop leaves dangling */
	for (int i = st->nentries - 1; i >= 0; i--)
	{
		const DropWalkEntry *e = ri_walk_entry(st->walk, i);
		List	   *what;
		List	   *why;
		List	   *links;
		ListCell   *lo;
		ListCell   *lw;
		ListCell   *ly;

		CHECK_FOR_INTERRUPTS();
		if (e->obj.classId != OperatorRelationId || !is_written(st, i))
			continue;
		links = ri_operator_one_sided_links(e->obj.objectId, &what);
		forboth(lo, links, lw, what)
		{
			ObjectAddress other;

			ObjectAddressSet(other, OperatorRelationId, lfirst_oid(lo));
			if (ri_walk_is_dropped(st->walk, &other))
				continue;
			appendStringInfo(&st->notes,
							 "-- not restored: the %s of %s, which names %s: the drop leaves it naming the old operator, and PostgreSQL 15 cannot set it again\n",
							 (const char *) lfirst(lw), object_string(&other),
							 object_string(&e->obj));
		}
		links = ri_operator_links_refused(e->obj.objectId, &what, &why);
		forthree(lo, links, lw, what, ly, why)
		{
			ObjectAddress other;

			ObjectAddressSet(other, OperatorRelationId, lfirst_oid(lo));
			appendStringInfo(&st->notes,
							 "-- not restored: the %s of %s, which names %s: %s\n",
							 (const char *) lfirst(lw), object_string(&e->obj),
							 get_opname(lfirst_oid(lo)) != NULL ?
							 object_string(&other) :
							 psprintf("operator %u", lfirst_oid(lo)),
							 (const char *) lfirst(ly));
		}
		links = ri_operator_links_filled(e->obj.objectId, &what);
		forboth(lo, links, lw, what)
		{
			ObjectAddress other;

			ObjectAddressSet(other, OperatorRelationId, lfirst_oid(lo));
			if (ri_walk_is_dropped(st->walk, &other))
				continue;
			appendStringInfo(&st->notes,
							 "-- changes: the %s of %s, unset before, will name %s (CREATE OPERATOR sets it)\n",
							 (const char *) lfirst(lw), object_string(&other),
							 object_string(&e->obj));
		}
	}
}

/*
 * append_creates
 *		The create statements of every written object, in creation order
 *		(the reverse of the deletion order); those that would fail are
 *		commented out in recreate_script.
 */
static void
append_creates(ScriptState *st, StringInfo buf)
{
	StringInfoData one;

	initStringInfo(&one);
	for (int i = st->nentries - 1; i >= 0; i--)
	{
		CHECK_FOR_INTERRUPTS();
		if (!is_written(st, i))
			continue;
		resetStringInfo(&one);
		if (!ri_recreate_append_ddl(&one, &ri_walk_entry(st->walk, i)->obj))
			continue;
		if (st->fails[i] && !st->migration)
		{
			appendStringInfoString(buf, "-- (would fail, see above)\n");
			append_commented(buf, "-- ", one.data);
		}
		else
			appendStringInfoString(buf, one.data);
	}
	pfree(one.data);
}

/*
 * append_commented
 *		Append text with prefix before its first line and "-- " before
 *		every other (after every newline and carriage return, both of which
 *		end an SQL comment), ending with a newline.
 */
static void
append_commented(StringInfo buf, const char *prefix, const char *text)
{
	const char *p = text;
	int			len = strlen(text);

	while (len > 0 && text[len - 1] == '\n')
		len--;
	appendStringInfoString(buf, prefix);
	for (p = text; p < text + len; p++)
	{
		appendStringInfoChar(buf, *p);
		/* the SQL lexer ends a comment at either */
		if (*p == '\n' || *p == '\r')
			appendStringInfoString(buf, "-- ");
	}
	appendStringInfoChar(buf, '\n');
}

/*
 * object_string
 *		"<type> <identity>", e.g. "view public.v", for the comment block,
 *		with line breaks written as \n and \r.
 */
static char *
object_string(const ObjectAddress *obj)
{
	char	   *identity = getObjectIdentity(obj, true);
	StringInfoData buf;

	if (identity == NULL)
		return pstrdup("(dropped object)");

	/*
	 * It goes into a comment line: a line break in a quoted name would end
	 * the comment and make the rest of the name a statement.
	 */
	initStringInfo(&buf);
	appendStringInfo(&buf, "%s ", getObjectTypeDescription(obj, false));
	for (const char *p = identity; *p; p++)
	{
		if (*p == '\n')
			appendStringInfoString(&buf, "\\n");
		else if (*p == '\r')
			appendStringInfoString(&buf, "\\r");
		else
			appendStringInfoChar(&buf, *p);
	}
	pfree(identity);
	return buf.data;
}

/*
 * add_target
 *		Append obj to a growing target array unless it is already there.
 */
static int
add_target(ObjectAddress **targets, int n, int *max, const ObjectAddress *obj)
{
	for (int i = 0; i < n; i++)
		if ((*targets)[i].classId == obj->classId &&
			(*targets)[i].objectId == obj->objectId &&
			(*targets)[i].objectSubId == obj->objectSubId)
			return n;
	if (n >= *max)
	{
		*max = *max ? *max * 2 : 8;
		*targets = *targets ? repalloc(*targets, *max * sizeof(ObjectAddress)) :
			palloc(*max * sizeof(ObjectAddress));
	}
	(*targets)[n] = *obj;
	return n + 1;
}

/*
 * alter_type_blockers
 *		The objects ATExecAlterColumnType() refuses for each ALTER COLUMN
 *		... TYPE subcommand of stmt, in the table and the inheritance
 *		children it recurses to (unless ONLY), each as the object a DROP
 *		names.  Blockers that cannot be dropped (a generated column) go
 *		into notes.  Locks the relations with AccessShareLock.
 */
static int
alter_type_blockers(AlterTableStmt *stmt, ObjectAddress **targets,
					StringInfo notes)
{
	Oid			relid;
	Relation	rel;
	List	   *rels;
	ListCell   *lc;
	ListCell   *lr;
	int			n = 0;
	int			max = 0;
	Relation	depRel;

	if (stmt->objtype != OBJECT_TABLE && stmt->objtype != OBJECT_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
				 errmsg("cannot build a migration script for ALTER %s",
						stmt->objtype == OBJECT_TYPE ? "TYPE" : "VIEW")));
	relid = RangeVarGetRelidExtended(stmt->relation, AccessShareLock,
									 stmt->missing_ok ? RVR_MISSING_OK : 0,
									 NULL, NULL);
	if (!OidIsValid(relid))
	{
		ereport(NOTICE,
				(errmsg("relation \"%s\" does not exist, skipping",
						stmt->relation->relname)));
		return 0;
	}
	rel = relation_open(relid, NoLock);
	if (rel->rd_rel->relkind != RELKIND_RELATION &&
		rel->rd_rel->relkind != RELKIND_PARTITIONED_TABLE &&
		rel->rd_rel->relkind != RELKIND_FOREIGN_TABLE)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("ALTER action ALTER COLUMN ... SET DATA TYPE cannot be performed on relation \"%s\"",
						RelationGetRelationName(rel)),
				 errdetail_relkind_not_supported(rel->rd_rel->relkind)));
	relation_close(rel, NoLock);

	rels = stmt->relation->inh ?
		find_all_inheritors(relid, AccessShareLock, NULL) :
		list_make1_oid(relid);

	depRel = table_open(DependRelationId, AccessShareLock);
	foreach(lc, stmt->cmds)
	{
		AlterTableCmd *cmd = lfirst_node(AlterTableCmd, lc);

		foreach(lr, rels)
		{
			Oid			r = lfirst_oid(lr);
			AttrNumber	attnum = get_attnum(r, cmd->name);
			ScanKeyData key[3];
			SysScanDesc scan;
			HeapTuple	tup;

			CHECK_FOR_INTERRUPTS();
			if (attnum == InvalidAttrNumber)
			{
				if (r == relid)
					ereport(ERROR,
							(errcode(ERRCODE_UNDEFINED_COLUMN),
							 errmsg("column \"%s\" of relation \"%s\" does not exist",
									cmd->name, stmt->relation->relname)));
				continue;
			}
			ScanKeyInit(&key[0], Anum_pg_depend_refclassid,
						BTEqualStrategyNumber, F_OIDEQ,
						ObjectIdGetDatum(RelationRelationId));
			ScanKeyInit(&key[1], Anum_pg_depend_refobjid,
						BTEqualStrategyNumber, F_OIDEQ, ObjectIdGetDatum(r));
			ScanKeyInit(&key[2], Anum_pg_depend_refobjsubid,
						BTEqualStrategyNumber, F_INT4EQ,
						Int32GetDatum((int32) attnum));
			scan = systable_beginscan(depRel, DependReferenceIndexId, true,
									  NULL, 3, key);
			while (HeapTupleIsValid(tup = systable_getnext(scan)))
			{
				Form_pg_depend dep = (Form_pg_depend) GETSTRUCT(tup);
				ObjectAddress found;
				ObjectAddress owner;

				ObjectAddressSubSet(found, dep->classid, dep->objid,
									dep->objsubid);
				switch (found.classId)
				{
					case ProcedureRelationId:
					case RewriteRelationId:
					case TriggerRelationId:
					case PolicyRelationId:
					case PublicationRelRelationId:
						owner = ri_recreate_owner_of(&found);
						n = add_target(targets, n, &max, &owner);
						break;
					case AttrDefaultRelationId:
						{
							RiRecreateClass cls;

							/* a generated column using this column */
							if (ri_recreate_classify(&found, &cls) &&
								cls.action == RI_RC_PART &&
								!(cls.parent.objectId == r &&
								  cls.parent.objectSubId == attnum))
								appendStringInfo(notes,
												 "-- not dropped: %s (holds data), generated from column %s: the statement fails while it exists\n",
												 object_string(&cls.parent),
												 quote_identifier(cmd->name));
						}
						break;
					default:
						break;
				}
			}
			systable_endscan(scan);
		}
	}
	table_close(depRel, AccessShareLock);
	return n;
}
