/*-------------------------------------------------------------------------
 *
 * objectaddress.c
 *	  The strings PostgreSQL gives a trigger, a rule and a table constraint,
 *	  composed from its relation's strings.
 *
 * Keep in sync with src/backend/catalog/objectaddress.c, PostgreSQL 15:
 * ri_subobject_strings() gives what getObjectTypeDescription(),
 * getObjectIdentity() and getObjectDescription() give for those three
 * classes (the OCLASS_TRIGGER, OCLASS_REWRITE and OCLASS_CONSTRAINT cases of
 * a constraint on a relation), but from the relation's strings computed
 * once, instead of describing the relation again for each of them.
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
