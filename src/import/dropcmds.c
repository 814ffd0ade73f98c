/*-------------------------------------------------------------------------
 *
 * dropcmds.c
 *	  The drop commands' target lookup, without locks beyond
 *	  AccessShareLock and without executing anything.
 *
 * Keep in sync with PostgreSQL 15: ri_preview_drop_relations() follows
 * RemoveRelations() and RangeVarCallbackForDropRelation() in
 * src/backend/commands/tablecmds.c (drop_rel_kinds is its
 * dropmsgstringarray, with DropErrorMsgNonExistent() and
 * DropErrorMsgWrongType()); ri_preview_drop_objects() follows
 * RemoveObjects() and report_missing_object() does_not_exist_skipping() in
 * src/backend/commands/dropcmds.c; ri_preview_drop_user_mapping() follows
 * RemoveUserMapping() in src/backend/commands/foreigncmds.c.  They differ
 * from core in this only: relations are locked with AccessShareLock, not
 * the command's AccessExclusiveLock, ownership is not checked (see
 * drop_target.c), and the targets are handed to the walk instead of to
 * performMultipleDeletions().  When PostgreSQL changes those files, diff
 * these functions against them.
 *
 * Copyright (c) 2026, ri_audit developers
 * Portions Copyright (c) 1996-2022, PostgreSQL Global Development Group
 * Portions Copyright (c) 1994, Regents of the University of California
 *
 * IDENTIFICATION
 *	  ri_audit/src/import/dropcmds.c
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


static const DropRelKind *rel_kind_entry(char relkind);
static void report_missing_object(ObjectType objtype, Node *object);
static bool schema_missing(List *names, const char **msg, char **name);
static bool types_missing(List *typenames, const char **msg, char **name);
static bool owning_rel_missing(List *names, const char **msg, char **name);

/*
 * ri_preview_drop_relations
 *		RemoveRelations(): DROP TABLE, INDEX, SEQUENCE, VIEW, MATERIALIZED
 *		VIEW, FOREIGN TABLE.  One batch with every relation found.
 */
void
ri_preview_drop_relations(DropStmt *stmt, DropWalk *walk)
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

		ri_target_add(&targets, RelationRelationId, relid, 0);
	}

	ri_walk_batch(walk, targets.addrs, targets.n);
}

/*
 * ri_preview_drop_objects
 *		RemoveObjects(): every other DROP.  One batch.
 */
void
ri_preview_drop_objects(DropStmt *stmt, DropWalk *walk)
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

		ri_target_add(&targets, address.classId, address.objectId,
				   address.objectSubId);
	}

	ri_walk_batch(walk, targets.addrs, targets.n);
}

/*
 * ri_preview_drop_user_mapping
 *		RemoveUserMapping(): one object, looked up by role and server.
 */
void
ri_preview_drop_user_mapping(DropUserMappingStmt *stmt, DropWalk *walk)
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
	ri_walk_batch(walk, &target, 1);
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
