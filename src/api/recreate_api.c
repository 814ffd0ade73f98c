/*-------------------------------------------------------------------------
 *
 * recreate_api.c
 *	  SQL entry points ri_audit.recreate_script() and
 *	  ri_audit.migration_script().
 *
 * Both take the text of one statement, never execute it, and return a SQL
 * script as text (src/engine/recreate_script.c builds it on the drop walk,
 * src/engine/recreate_ddl.c writes each object's DDL).
 *
 * Privileges: EXECUTE is granted to PUBLIC, as for drop_preview.  The
 * scripts are made of catalog facts every role can read: definitions as
 * pg_get_viewdef() and the other deparsers show them to every role,
 * function bodies as pg_proc shows them, ACLs, comments and security
 * labels as their catalogs show them.  No row data is read, nor any
 * catalog that PUBLIC cannot read (pg_statistic_ext_data, pg_user_mapping):
 * a role without privileges on the objects gets the superuser's script.
 *
 * Locks: AccessShareLock at most: on what the statement names (as
 * drop_preview), on the catalogs read, and, through PostgreSQL's
 * deparsers (pg_get_viewdef and pg_get_ruledef lock the relations a query
 * reads, as pg_dump's calls do), on the relations the recreated views and
 * rules read.  Nothing stronger, so they run in read-only transactions and
 * on a hot standby, and wait only for a session that holds
 * AccessExclusiveLock on one of those relations or objects.  The locks are
 * taken whatever the caller's privileges, as pg_get_viewdef() takes them.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/api/recreate_api.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"

#include "ri_fk_catalog.h"
#include "ri_recreate.h"

PG_FUNCTION_INFO_V1(ri_audit_recreate_script);
PG_FUNCTION_INFO_V1(ri_audit_migration_script);

/*
 * ri_audit.recreate_script(ddl text) RETURNS text
 *
 * The SQL that, run after the statement in 'ddl' with CASCADE, recreates
 * every definition it removed.  Takes AccessShareLock at most.
 */
Datum
ri_audit_recreate_script(PG_FUNCTION_ARGS)
{
	ri_require_arg(fcinfo, 0, "ddl");
	PG_RETURN_TEXT_P(cstring_to_text(ri_recreate_script(text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}

/*
 * ri_audit.migration_script(ddl text) RETURNS text
 *
 * One transaction that drops the dependents blocking the statement in
 * 'ddl', runs it and recreates them; 'ddl' itself when nothing blocks it.
 * Takes AccessShareLock at most.
 */
Datum
ri_audit_migration_script(PG_FUNCTION_ARGS)
{
	ri_require_arg(fcinfo, 0, "ddl");
	PG_RETURN_TEXT_P(cstring_to_text(ri_migration_script(text_to_cstring(PG_GETARG_TEXT_PP(0)))));
}
