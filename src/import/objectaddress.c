/*-------------------------------------------------------------------------
 *
 * objectaddress.c
 *	  The strings PostgreSQL gives a relation, a type, a trigger, a rule and
 *	  a table constraint, composed from catalog fields the caller has read.
 *
 * Keep in sync with src/backend/catalog/objectaddress.c and
 * src/backend/utils/adt/format_type.c, PostgreSQL 15: these functions give
 * what getObjectTypeDescription(), getObjectIdentity() and
 * getObjectDescription() give for
 *	- a whole relation (getRelationTypeDescription, getRelationIdentity,
 *	  getRelationDescription) and a type (format_type_extended's default
 *	  case), from its row, for an object whose schema is not in the search
 *	  path, so that the description is qualified without asking
 *	  RelationIsVisible() or TypeIsVisible();
 *	- a trigger, a rule and a constraint on a relation (the OCLASS_TRIGGER,
 *	  OCLASS_REWRITE and OCLASS_CONSTRAINT cases), from the relation's
 *	  strings computed once, instead of describing the relation again for
 *	  each of them.
 * t/020_drop_differential.pl compares every row with pg_describe_object()
 * and pg_identify_object(); when PostgreSQL changes these texts, that test
 * fails and this file must follow.
 *
 * Locks: none.
 *
 * Copyright (c) 2026, ri_audit developers
 * Portions Copyright (c) 1996-2022, PostgreSQL Global Development Group
 * Portions Copyright (c) 1994, Regents of the University of California
 *
 * IDENTIFICATION
 *	  ri_audit/src/import/objectaddress.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_class.h"
#include "catalog/pg_constraint.h"
#include "catalog/pg_rewrite.h"
#include "catalog/pg_trigger.h"
#include "utils/builtins.h"

#include "ri_drop.h"

/*
 * ri_subobject_strings
 *		*type, *identity and *desc of the trigger, rule (classId) or table
 *		constraint called name on the relation whose identity and
 *		description are rel_identity and rel_desc.  Allocated in the current
 *		memory context (*type is a constant).
 */
void
ri_subobject_strings(Oid classId, const char *name,
					 const char *rel_identity, const char *rel_desc,
					 char **type, char **identity, char **desc)
{
	*identity = psprintf("%s on %s", quote_identifier(name), rel_identity);
	switch (classId)
	{
		case TriggerRelationId:
			*type = "trigger";
			/* translator: second %s is, e.g., "table %s" */
			*desc = psprintf(_("trigger %s on %s"), name, rel_desc);
			break;
		case RewriteRelationId:
			*type = "rule";
			/* translator: second %s is, e.g., "table %s" */
			*desc = psprintf(_("rule %s on %s"), name, rel_desc);
			break;
		case ConstraintRelationId:
			*type = "table constraint";
			/* translator: second %s is, e.g., "table %s" */
			*desc = psprintf(_("constraint %s on %s"), name, rel_desc);
			break;
		default:
			elog(ERROR, "unexpected class %u", classId);
	}
}

/*
 * ri_relation_strings
 *		*type, *identity and *desc of the whole relation called relname, of
 *		kind relkind, in a schema that is not in the search path, whose
 *		get_namespace_name() and get_namespace_name_or_temp() are nspname
 *		and nspname_or_temp.  Allocated in the current memory context
 *		(*type is a constant).
 */
void
ri_relation_strings(char relkind, const char *relname, const char *nspname,
					const char *nspname_or_temp,
					char **type, char **identity, char **desc)
{
	char	   *qualified = quote_qualified_identifier(nspname, relname);

	/* the two names differ only for the session's temporary schema */
	*identity = (strcmp(nspname, nspname_or_temp) == 0) ? qualified :
		quote_qualified_identifier(nspname_or_temp, relname);
	switch (relkind)
	{
		case RELKIND_RELATION:
		case RELKIND_PARTITIONED_TABLE:
			*type = "table";
			*desc = psprintf(_("table %s"), qualified);
			break;
		case RELKIND_INDEX:
		case RELKIND_PARTITIONED_INDEX:
			*type = "index";
			*desc = psprintf(_("index %s"), qualified);
			break;
		case RELKIND_SEQUENCE:
			*type = "sequence";
			*desc = psprintf(_("sequence %s"), qualified);
			break;
		case RELKIND_TOASTVALUE:
			*type = "toast table";
			*desc = psprintf(_("toast table %s"), qualified);
			break;
		case RELKIND_VIEW:
			*type = "view";
			*desc = psprintf(_("view %s"), qualified);
			break;
		case RELKIND_MATVIEW:
			*type = "materialized view";
			*desc = psprintf(_("materialized view %s"), qualified);
			break;
		case RELKIND_COMPOSITE_TYPE:
			*type = "composite type";
			*desc = psprintf(_("composite type %s"), qualified);
			break;
		case RELKIND_FOREIGN_TABLE:
			*type = "foreign table";
			*desc = psprintf(_("foreign table %s"), qualified);
			break;
		default:
			/* shouldn't get here */
			*type = "relation";
			*desc = psprintf(_("relation %s"), qualified);
			break;
	}
}

/*
 * ri_type_strings
 *		*type, *identity and *desc of a type that format_type_extended()
 *		names by its catalog name (no special case for a built-in type):
 *		typname in a schema that is not in the search path, whose
 *		get_namespace_name_or_temp() is nspname_or_temp; is_array: the
 *		array of that type (the name is then the element type's, with
 *		"[]").  Allocated in the current memory context (*type is a
 *		constant).
 */
void
ri_type_strings(const char *typname, const char *nspname_or_temp,
				bool is_array, char **type, char **identity, char **desc)
{
	char	   *name = quote_qualified_identifier(nspname_or_temp, typname);

	if (is_array)
		name = psprintf("%s[]", name);
	*type = "type";
	*identity = name;
	*desc = psprintf(_("type %s"), name);
}
