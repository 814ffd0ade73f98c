/*-------------------------------------------------------------------------
 *
 * drop_preview.c
 *	  SQL entry points ri_audit.drop_preview() and ri_audit.assert_drop_safe().
 *
 * Both take the text of one DROP statement (or ALTER TABLE ... DROP COLUMN /
 * DROP CONSTRAINT), never execute it, and compute from the catalogs exactly
 * what the statement with CASCADE would delete: src/engine/drop_target.c
 * finds the targets and the deletion calls the command would make,
 * src/engine/dependency_walk.c walks pg_depend as findDependentObjects()
 * does.  drop_preview() returns
 * one row per object; assert_drop_safe() raises the error the statement
 * without CASCADE would raise.
 *
 * Row order ("position"): the deletion calls in the order the command makes
 * them, and within each, PostgreSQL's report order: the reverse of its
 * deletion order, so targets come first and every object comes after the
 * object it was reached through.  This is the order of the "drop cascades
 * to" notice, and of pg_event_trigger_dropped_objects() for statements that
 * make one deletion call.  A column whose table is dropped too is not a row
 * (PostgreSQL does not report it either).
 *
 * Privileges: EXECUTE is granted to PUBLIC.  The rows are catalog facts
 * that pg_depend, pg_class and pg_describe_object() show to every role; no
 * row data is read.  The functions do not require the ownership the DROP
 * itself needs.  Lookup errors are those the DROP raises before its own
 * ownership check (including "permission denied for schema" when a
 * qualified name needs USAGE), so no error says more than the DROP's would.
 *
 * Locks: at most AccessShareLock, on the relations named in the statement
 * (and inheritance children visited by DROP COLUMN / DROP CONSTRAINT), on
 * other named objects, and on pg_depend and pg_constraint; while the rows
 * are described, on the catalogs PostgreSQL's describing functions read
 * (pg_class, pg_type, pg_constraint, pg_trigger and pg_rewrite are held
 * until the last row); none on the objects reached through dependencies.
 * It therefore runs in read-only transactions and on a hot standby.
 *
 * The rows' strings come from src/engine/drop_describe.c, which computes
 * a relation's strings once for its own row and the rows of its triggers,
 * rules and table constraints, and on a large preview reads those catalogs
 * at once (ri_describer_prefetch); only the descriptions that a later row's
 * depends_on reuses are kept.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/drop_preview_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/relscan.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "catalog/pg_type.h"
#include "executor/tuptable.h"
#include "fmgr.h"
#include "funcapi.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/hsearch.h"
#include "utils/memutils.h"
#include "utils/rel.h"
#include "utils/snapmgr.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"

#include "ri_audit.h"
#include "ri_drop.h"
#include "ri_fk_catalog.h"

PG_FUNCTION_INFO_V1(ri_audit_drop_preview);
PG_FUNCTION_INFO_V1(ri_audit_assert_drop_safe);

/*
 * drop_preview()'s columns.  Version 1.2 puts them in reading order
 * (position, description, ... identifiers last); 1.0 and 1.1 declare the
 * identifiers first.  Each row's values are placed by column name, so one
 * C function serves every version's declaration, including a database not
 * yet updated after the library was.
 */
typedef enum DropPreviewColumn
{
	DPC_POSITION,
	DPC_DESCRIPTION,
	DPC_DEPENDS_ON,
	DPC_DEPENDENCY,
	DPC_REQUIRES_CASCADE,
	DPC_OBJECT_TYPE,
	DPC_OBJECT_IDENTITY,
	DPC_CLASSID,
	DPC_OBJID,
	DPC_OBJSUBID,
	DROP_PREVIEW_COLS
} DropPreviewColumn;

static const char *const drop_preview_column_names[DROP_PREVIEW_COLS] = {
	"position", "description", "depends_on", "dependency",
	"requires_cascade", "object_type", "object_identity",
	"classid", "objid", "objsubid"
};

static DropWalk *run_preview(text *ddl, bool asserting);
/* One line of assert_drop_safe()'s detail, with its subcommand. */
typedef struct DetailLine
{
	const char *label;			/* the subcommand, or NULL */
	char	   *line;			/* "x depends on y", or a blocker's detail */
} DetailLine;

static void add_line(DetailLine **lines, int *n, int *max, const char *label,
					 char *line);
static char *grouped_detail(DetailLine *lines, int n);
static bool same_label(const char *a, const char *b);
static bool is_allowed(const ObjectAddress *obj, Datum *allow, int nallow);
static const char *dependency_label(int flags);
static void drop_preview_column_map(TupleDesc tupdesc,
									int map[DROP_PREVIEW_COLS]);

/*
 * ri_audit.drop_preview(ddl text) RETURNS TABLE (position int,
 *	 description text, depends_on text, dependency text,
 *	 requires_cascade boolean, object_type text, object_identity text,
 *	 classid oid, objid oid, objsubid int)
 *
 * Every object the statement in 'ddl' would delete with CASCADE.  Takes
 * AccessShareLock at most (see the file comment).
 */
Datum
ri_audit_drop_preview(PG_FUNCTION_ARGS)
{
	ReturnSetInfo *rsinfo = (ReturnSetInfo *) fcinfo->resultinfo;
	DropWalk   *walk;
	MemoryContext rowcxt;
	MemoryContext oldcxt;
	int			position = 0;
	int		   *dependee_entry;
	bool	   *is_dependee;
	char	  **descs;
	RiDescriber *describer;
	RiWalkIter	it;
	const DropWalkEntry *e;
	int			i;
	int			nentries;
	int			colmap[DROP_PREVIEW_COLS];

	InitMaterializedSRF(fcinfo, 0);
	drop_preview_column_map(rsinfo->setDesc, colmap);

	walk = run_preview(PG_GETARG_TEXT_PP(0), false);
	ri_walk_raise_blockers(walk);

	/*
	 * The object an entry was reached through is usually an entry itself,
	 * with an earlier row, so depends_on reuses that row's description
	 * instead of describing it again.  Find those entries first, so that
	 * only their descriptions are kept (a copy of the string, not the
	 * description's own buffer); every other string of a row is freed with
	 * the row.
	 */
	nentries = ri_walk_nentries(walk);
	dependee_entry = palloc(Max(nentries, 1) * sizeof(int));
	is_dependee = palloc0(Max(nentries, 1) * sizeof(bool));
	descs = palloc0(Max(nentries, 1) * sizeof(char *));
	ri_walk_iter_init(&it, walk);
	while ((e = ri_walk_iter_next(&it, &i)) != NULL)
	{
		int			d = -1;

		CHECK_FOR_INTERRUPTS();
		if (OidIsValid(e->dependee.classId) && !(e->flags & DW_SUBOBJECT))
			d = ri_walk_lookup(walk, &e->dependee);
		dependee_entry[i] = d;
		if (d >= 0)
			is_dependee[d] = true;
	}

	describer = ri_describer_begin();
	ri_describer_prefetch(describer, walk, ri_audit_debug_load_depend);
	rowcxt = AllocSetContextCreate(CurrentMemoryContext,
								   "ri_audit drop_preview row",
								   ALLOCSET_DEFAULT_SIZES);

	ri_walk_iter_init(&it, walk);
	while ((e = ri_walk_iter_next(&it, &i)) != NULL)
	{
		Datum		row_values[DROP_PREVIEW_COLS];
		bool		row_nulls[DROP_PREVIEW_COLS];
		Datum		values[DROP_PREVIEW_COLS];
		bool		nulls[DROP_PREVIEW_COLS];
		char	   *type;
		char	   *identity;
		char	   *desc;
		char	   *str;

		CHECK_FOR_INTERRUPTS();
		if (e->flags & DW_SUBOBJECT)
			continue;

		oldcxt = MemoryContextSwitchTo(rowcxt);

		/* Gone since the walk read it: a concurrent drop. */
		if (!ri_describe_object(describer, &e->obj, &type, &identity, &desc))
		{
			MemoryContextSwitchTo(oldcxt);
			MemoryContextReset(rowcxt);
			continue;
		}
		if (is_dependee[i])
			descs[i] = MemoryContextStrdup(oldcxt, desc);

		memset(row_nulls, 0, sizeof(row_nulls));
		row_values[DPC_POSITION] = Int32GetDatum(++position);
		row_values[DPC_CLASSID] = ObjectIdGetDatum(e->obj.classId);
		row_values[DPC_OBJID] = ObjectIdGetDatum(e->obj.objectId);
		row_values[DPC_OBJSUBID] = Int32GetDatum(e->obj.objectSubId);
		row_values[DPC_OBJECT_TYPE] = CStringGetTextDatum(type ? type : "");
		row_nulls[DPC_OBJECT_TYPE] = (type == NULL);
		row_values[DPC_OBJECT_IDENTITY] = CStringGetTextDatum(identity ? identity : "");
		row_nulls[DPC_OBJECT_IDENTITY] = (identity == NULL);
		row_values[DPC_DESCRIPTION] = CStringGetTextDatum(desc);
		str = NULL;
		if (OidIsValid(e->dependee.classId))
		{
			int			d = dependee_entry[i];

			str = (d >= 0 && descs[d]) ? descs[d] :
				getObjectDescription(&e->dependee, true);
		}
		row_values[DPC_DEPENDS_ON] = CStringGetTextDatum(str ? str : "");
		row_nulls[DPC_DEPENDS_ON] = (str == NULL);
		row_values[DPC_DEPENDENCY] = CStringGetTextDatum(dependency_label(e->flags));
		row_values[DPC_REQUIRES_CASCADE] = BoolGetDatum(ri_walk_entry_is_reported(e));

		for (int c = 0; c < DROP_PREVIEW_COLS; c++)
		{
			values[colmap[c]] = row_values[c];
			nulls[colmap[c]] = row_nulls[c];
		}
		tuplestore_putvalues(rsinfo->setResult, rsinfo->setDesc,
							 values, nulls);

		MemoryContextSwitchTo(oldcxt);
		MemoryContextReset(rowcxt);
	}

	MemoryContextDelete(rowcxt);
	ri_describer_end(describer);
	ri_walk_end(walk);

	return (Datum) 0;
}

/*
 * drop_preview_column_map: for each DropPreviewColumn, its position in the
 * declared result row.  A declaration without one of the columns (a
 * function created by hand over this symbol) is an error, not a crash.
 */
static void
drop_preview_column_map(TupleDesc tupdesc, int map[DROP_PREVIEW_COLS])
{
	if (tupdesc->natts != DROP_PREVIEW_COLS)
		ereport(ERROR,
				(errcode(ERRCODE_DATATYPE_MISMATCH),
				 errmsg("function returning drop_preview rows must declare %d columns",
						DROP_PREVIEW_COLS)));
	for (int c = 0; c < DROP_PREVIEW_COLS; c++)
	{
		map[c] = -1;
		for (int a = 0; a < tupdesc->natts; a++)
			if (strcmp(NameStr(TupleDescAttr(tupdesc, a)->attname),
					   drop_preview_column_names[c]) == 0)
				map[c] = a;
		if (map[c] < 0)
			ereport(ERROR,
					(errcode(ERRCODE_DATATYPE_MISMATCH),
					 errmsg("function returning drop_preview rows has no column \"%s\"",
							drop_preview_column_names[c])));
	}
}

/*
 * ri_audit.assert_drop_safe(ddl text, allow text[] DEFAULT NULL) RETURNS void
 *
 * Raise what the statement in 'ddl' without CASCADE would raise when other
 * objects depend on its targets (2BP01, PostgreSQL's message and hint),
 * with a detail that lists every such dependent, without PostgreSQL's
 * 100-line cap.  Return quietly when the statement needs no CASCADE.
 * DROP ROLE, DROP TABLESPACE and DROP DATABASE, which have no CASCADE,
 * raise PostgreSQL's own refusal instead (src/engine/drop_target_shared.c:
 * 2BP01 with checkSharedDependencies()' detail, 55000, 55006).
 * Takes AccessShareLock at most (see the file comment).
 *
 * allow: dependents that are expected to go, each as its
 * pg_identify_object() identity (drop_preview's object_identity, e.g.
 * 'public.order_totals'), optionally after its type ('view
 * public.order_totals').  Only the other dependents count; every object
 * the CASCADE would remove must be allowed, so a dependent of an allowed
 * view still makes the statement unsafe.  NULL allows nothing; a NULL
 * element or ddl is an error.  Version 1.0's definition has no allow.
 */
Datum
ri_audit_assert_drop_safe(PG_FUNCTION_ARGS)
{
	DropWalk   *walk;
	RiWalkIter	it;
	const DropWalkEntry *e;
	int			i;
	int			failing_batch = -1;
	Datum	   *allow = NULL;
	int			nallow = 0;
	DetailLine *lines = NULL;
	int			nlines = 0;
	int			maxlines = 0;
	int			nblockers;
	int			next_blocker = 0;
	const RiWalkBlocker *b;
	const RiWalkBlocker *first_blocker = NULL;

	ri_require_arg(fcinfo, 0, "ddl");
	if (PG_NARGS() > 1 && !PG_ARGISNULL(1))
	{
		bool	   *nulls;

		deconstruct_array(PG_GETARG_ARRAYTYPE_P(1), TEXTOID, -1, false,
						  TYPALIGN_INT, &allow, &nulls, &nallow);
		for (int k = 0; k < nallow; k++)
			if (nulls[k])
				ereport(ERROR,
						(errcode(ERRCODE_NULL_VALUE_NOT_ALLOWED),
						 errmsg("allow must not contain null elements")));
	}
	walk = run_preview(PG_GETARG_TEXT_PP(0), true);

	/*
	 * Every dependent that needs CASCADE and every blocker, in the order
	 * the command meets them, each with its subcommand.
	 */
	nblockers = ri_walk_nblockers(walk);
	ri_walk_iter_init(&it, walk);
	while ((e = ri_walk_iter_next(&it, &i)) != NULL)
	{
		char	   *desc;
		char	   *otherdesc;

		CHECK_FOR_INTERRUPTS();
		while (next_blocker < nblockers &&
			   ri_walk_blocker(walk, next_blocker)->before_batch <= e->batch)
		{
			b = ri_walk_blocker(walk, next_blocker++);
			if (first_blocker == NULL && failing_batch < 0)
				first_blocker = b;
			if (b->detail)
				add_line(&lines, &nlines, &maxlines, b->label,
						 pstrdup(b->detail));
		}
		if (!ri_walk_entry_is_reported(e))
			continue;
		if (nallow > 0 && is_allowed(&e->obj, allow, nallow))
			continue;
		desc = getObjectDescription(&e->obj, true);
		if (desc == NULL)
			continue;
		otherdesc = getObjectDescription(&e->dependee, true);
		if (otherdesc == NULL)
			continue;
		if (failing_batch < 0 && first_blocker == NULL)
			failing_batch = e->batch;
		add_line(&lines, &nlines, &maxlines,
				 ri_walk_batch_label(walk, e->batch),
				 psprintf(_("%s depends on %s"), desc, otherdesc));
		pfree(desc);
		pfree(otherdesc);
	}
	while (next_blocker < nblockers)
	{
		b = ri_walk_blocker(walk, next_blocker++);
		if (first_blocker == NULL && failing_batch < 0)
			first_blocker = b;
		if (b->detail)
			add_line(&lines, &nlines, &maxlines, b->label, pstrdup(b->detail));
	}

	ri_walk_end(walk);

	if (first_blocker != NULL)
	{
		char	   *detail = grouped_detail(lines, nlines);

		ereport(ERROR,
				(errcode(first_blocker->sqlerrcode),
				 errmsg_internal("%s", first_blocker->message),
				 detail ? errdetail_internal("%s", detail) : 0,
				 first_blocker->hint ? errhint("%s", first_blocker->hint) : 0));
	}
	if (failing_batch < 0)
		PG_RETURN_VOID();

	/* The first deletion call that fails gives the message's wording. */
	if (ri_walk_batch_ntargets(walk, failing_batch) == 1)
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop %s because other objects depend on it",
						getObjectDescription(ri_walk_batch_first(walk, failing_batch),
											 false)),
				 errdetail_internal("%s", grouped_detail(lines, nlines)),
				 errhint("Use DROP ... CASCADE to drop the dependent objects too.")));
	else
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop desired object(s) because other objects depend on them"),
				 errdetail_internal("%s", grouped_detail(lines, nlines)),
				 errhint("Use DROP ... CASCADE to drop the dependent objects too.")));

	PG_RETURN_VOID();
}

/*
 * add_line
 *		Append one detail line (grown by doubling; the array is only read
 *		after the last append).
 */
static void
add_line(DetailLine **lines, int *n, int *max, const char *label, char *line)
{
	if (*n >= *max)
	{
		*max = *max ? *max * 2 : 16;
		*lines = *lines ? repalloc(*lines, *max * sizeof(DetailLine)) :
			palloc(*max * sizeof(DetailLine));
	}
	(*lines)[*n].label = label;
	(*lines)[*n].line = line;
	(*n)++;
}

/*
 * grouped_detail
 *		The detail lines, grouped by subcommand in the order the subcommands
 *		first appear (time: lines times subcommands).  When more than one subcommand has lines, each line
 *		starts with its subcommand ("DROP COLUMN b: view v depends on ...");
 *		otherwise the lines are PostgreSQL's, unchanged.  NULL when there
 *		are none.
 */
static char *
grouped_detail(DetailLine *lines, int n)
{
	StringInfoData buf;
	const char **labels;
	int			nlabels = 0;

	if (n == 0)
		return NULL;

	/* The subcommands, in the order they first appear (a few). */
	labels = palloc(n * sizeof(const char *));
	for (int k = 0; k < n; k++)
	{
		int			l;

		CHECK_FOR_INTERRUPTS();
		for (l = 0; l < nlabels; l++)
		{
			if (same_label(labels[l], lines[k].label))
				break;
		}
		if (l == nlabels)
			labels[nlabels++] = lines[k].label;
	}

	initStringInfo(&buf);
	for (int l = 0; l < nlabels; l++)
	{
		for (int k = 0; k < n; k++)
		{
			CHECK_FOR_INTERRUPTS();
			if (!same_label(labels[l], lines[k].label))
				continue;
			if (buf.len > 0)
				appendStringInfoChar(&buf, '\n');
			if (nlabels > 1 && lines[k].label)
				appendStringInfo(&buf, "%s: ", lines[k].label);
			appendStringInfoString(&buf, lines[k].line);
		}
	}
	pfree(labels);
	return buf.data;
}

/*
 * same_label
 *		Are two subcommand labels (either may be NULL) the same?
 */
static bool
same_label(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return a == b || strcmp(a, b) == 0;
}

/*
 * is_allowed
 *		Is obj in assert_drop_safe's allow list: its getObjectIdentity(), or
 *		"<getObjectTypeDescription()> <identity>"?
 */
static bool
is_allowed(const ObjectAddress *obj, Datum *allow, int nallow)
{
	char	   *identity = getObjectIdentity(obj, true);
	char	   *typed;
	bool		found = false;

	if (identity == NULL)
		return false;
	typed = psprintf("%s %s", getObjectTypeDescription(obj, false), identity);
	for (int i = 0; i < nallow && !found; i++)
	{
		char	   *a = TextDatumGetCString(allow[i]);

		found = strcmp(a, identity) == 0 || strcmp(a, typed) == 0;
		pfree(a);
	}
	pfree(identity);
	pfree(typed);
	return found;
}

/*
 * run_preview
 *		Resolve and walk the statement; the result lives in the current
 *		memory context.  'asserting': for assert_drop_safe, which raises
 *		the errors of statements PostgreSQL refuses without a CASCADE to
 *		offer (DROP ROLE, DROP TABLESPACE, DROP DATABASE).
 */
static DropWalk *
run_preview(text *ddl, bool asserting)
{
	DropWalk   *walk = ri_walk_begin(ri_audit_debug_load_depend);

	ri_drop_targets(text_to_cstring(ddl), walk, asserting);
	return walk;
}

/*
 * dependency_label
 *		How an entry was reached, for the "dependency" column: 'rebuilt'
 *		for what ALTER COLUMN TYPE drops and creates again, 'target' for
 *		the statement's own targets; otherwise the silent kinds first (one of
 *		them is enough to drop the object silently), then 'normal', then
 *		'owner' for an object pulled in only because something it owns
 *		through an internal or extension dependency had to go.
 */
static const char *
dependency_label(int flags)
{
	if (flags & DW_REBUILT)
		return "rebuilt";
	if (flags & DW_ORIGINAL)
		return "target";
	if (flags & DW_INTERNAL)
		return "internal";
	if (flags & DW_EXTENSION)
		return "extension";
	if (flags & DW_PARTITION)
		return "partition";
	if (flags & DW_AUTO)
		return "auto";
	if (flags & DW_NORMAL)
		return "normal";
	return "owner";
}

