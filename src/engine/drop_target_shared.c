/*-------------------------------------------------------------------------
 *
 * drop_target_shared.c
 *	  The targets of DROP OWNED, DROP ROLE, DROP DATABASE, DROP TABLESPACE
 *	  and DROP SUBSCRIPTION, and the errors with which PostgreSQL refuses
 *	  the last four.
 *
 * DROP OWNED BY is the only one of these that deletes objects through
 * pg_depend: src/import/pg_shdepend.c finds the objects shdepDropOwned()
 * hands to its last performMultipleDeletions() call, and they are walked
 * as one batch, so the rows are those objects and their cascades; the
 * default ACLs its revokes delete come first, a batch each.  The grants it
 * revokes are not objects and are not rows.
 *
 * DROP ROLE, DROP DATABASE, DROP TABLESPACE and DROP SUBSCRIPTION delete
 * their one catalog row and never cascade: each named object is a batch of
 * its own with that object as its only target (pg_depend references none
 * of them), so drop_preview() shows the target row.  What the command
 * checks before deleting is checked in the command's order, with its
 * messages and SQLSTATEs:
 *
 *	- always (drop_preview and assert_drop_safe): the lookup ("does not
 *	  exist" or its "..., skipping" notice under IF EXISTS), and the facts
 *	  that make the statement impossible whoever runs it: the current or
 *	  session user, a pinned role or tablespace, a template database, the
 *	  current database;
 *	- with 'asserting' (assert_drop_safe), the refusals that describe other
 *	  objects: the role's or tablespace's pg_shdepend entries (2BP01, the
 *	  DETAIL lines of checkSharedDependencies(), "N objects in database X"
 *	  for the other databases), a tablespace that still holds relations
 *	  (55000 "tablespace ... is not empty"), a database used by an active
 *	  logical replication slot, by a subscription, or by other sessions or
 *	  prepared transactions (55006; under FORCE only the prepared
 *	  transactions, which FORCE cannot end).
 *
 * These checks, their order and their messages follow DropRole()
 * (src/backend/commands/user.c), dropdb() and TerminateOtherDBBackends()
 * (commands/dbcommands.c, storage/ipc/procarray.c), DropTableSpace()
 * (commands/tablespace.c) and DropSubscription()
 * (commands/subscriptioncmds.c) of PostgreSQL 15: keep in sync with them.
 *
 * Not reproduced: privilege checks (CREATEROLE, "must be superuser to drop
 * superusers", ownership), as for every statement the preview reads (see
 * drop_target.c); the remote replication slot DROP SUBSCRIPTION drops
 * through its connection; DROP DATABASE's and DROP SUBSCRIPTION's "cannot
 * run inside a transaction block", which concerns the session that runs
 * them; and DROP DATABASE ... WITH (FORCE)'s termination of the other
 * sessions (and its permission to signal them), so that sessions block
 * nothing under FORCE.
 *
 * Locks: AccessShareLock on pg_authid, pg_database, pg_tablespace,
 * pg_subscription, pg_shdepend, pg_policy, pg_default_acl and pg_class as
 * they are read (shared catalogs included); ReplicationSlotControlLock and
 * TwoPhaseStateLock in shared mode to count a database's active slots and
 * prepared transactions (the latter through SPI and pg_prepared_xact()).
 * No object is locked (the commands lock the role, database or
 * subscription with AccessExclusiveLock).  All of it works in a read-only
 * transaction and on a hot standby.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/src/engine/drop_target_shared.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <dirent.h>

#include "access/genam.h"
#include "access/heapam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "access/tableam.h"
#include "catalog/catalog.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_class.h"
#include "catalog/pg_database.h"
#include "catalog/pg_subscription.h"
#include "catalog/pg_tablespace.h"
#include "commands/dbcommands.h"
#include "commands/tablespace.h"
#include "executor/spi.h"
#include "common/relpath.h"
#include "miscadmin.h"
#include "replication/slot.h"
#include "storage/fd.h"
#include "utils/acl.h"
#include "utils/backend_status.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/syscache.h"

#include "ri_drop_shared.h"

static void walk_one(DropWalk *walk, Oid classId, Oid objectId);
static void check_tablespace_empty(Oid tsoid, const char *tsname);
static bool tablespace_dir_has_files(Oid tsoid, Oid skip_db);
static int	count_db_subscriptions(Oid dbid);
static int	count_other_db_sessions(Oid dbid);
static int	count_db_prepared_xacts(Oid dbid);
static int	errdetail_busy_db(int notherbackends, int npreparedxacts);

/*
 * ri_preview_drop_owned
 *		DropOwnedObjects(): the roles (CURRENT_USER and the like resolved,
 *		a missing role is "role ... does not exist"), then shdepDropOwned()'s
 *		deletion calls.  CASCADE / RESTRICT is the walk's business as for
 *		every statement.
 */
void
ri_preview_drop_owned(DropOwnedStmt *stmt, DropWalk *walk, bool asserting)
{
	List	   *roleids = NIL;
	ListCell   *lc;
	TargetList	targets = {0};
	Oid			doomed;

	foreach(lc, stmt->roles)
		roleids = lappend_oid(roleids,
							  get_rolespec_oid(lfirst(lc), false));

	doomed = ri_drop_owned_targets(roleids, walk, &targets);
	ri_walk_batch(walk, targets.addrs, targets.n);
	list_free(roleids);

	/*
	 * A default ACL of the last deletion call that a revoke has deleted
	 * already: PostgreSQL's RemoveDefaultACLById() fails on it, after
	 * reportDependentObjects() has raised the RESTRICT error if there is
	 * one.  So assert_drop_safe raises that error first, if any; then both
	 * raise PostgreSQL's own message (an internal error, XX000, which
	 * PostgreSQL raises with elog()).
	 */
	if (OidIsValid(doomed))
	{
		bool		restrict_fails = false;

		if (asserting)
		{
			RiWalkIter	it;
			const DropWalkEntry *e;
			int			i;

			ri_walk_iter_init(&it, walk);
			while (!restrict_fails && (e = ri_walk_iter_next(&it, &i)) != NULL)
				restrict_fails = ri_walk_entry_is_reported(e);
		}
		if (!restrict_fails)
			ereport(ERROR,
					(errcode(ERRCODE_INTERNAL_ERROR),
					 errmsg("could not find tuple for default ACL %u", doomed)));
	}
}

/*
 * ri_preview_drop_role
 *		DropRole(): role by role, in the statement's order.  The command
 *		deletes each role before it looks at the next, so a role named
 *		twice does not exist the second time.
 */
void
ri_preview_drop_role(DropRoleStmt *stmt, DropWalk *walk, bool asserting)
{
	List	   *seen = NIL;
	ListCell   *lc;

	foreach(lc, stmt->roles)
	{
		RoleSpec   *rolspec = lfirst(lc);
		const char *role;
		Oid			roleid;

		CHECK_FOR_INTERRUPTS();
		if (rolspec->roletype != ROLESPEC_CSTRING)
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("cannot use special role specifier in DROP ROLE")));
		role = rolspec->rolename;

		roleid = get_role_oid(role, true);
		if (!OidIsValid(roleid) || list_member_oid(seen, roleid))
		{
			if (!stmt->missing_ok)
				ereport(ERROR,
						(errcode(ERRCODE_UNDEFINED_OBJECT),
						 errmsg("role \"%s\" does not exist", role)));
			ereport(NOTICE,
					(errmsg("role \"%s\" does not exist, skipping", role)));
			continue;
		}

		if (roleid == GetUserId())
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("current user cannot be dropped")));
		if (roleid == GetOuterUserId())
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("current user cannot be dropped")));
		if (roleid == GetSessionUserId())
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("session user cannot be dropped")));

		if (asserting)
		{
			char	   *detail;
			char	   *detail_log;

			if (ri_shared_dependencies(AuthIdRelationId, roleid,
									   &detail, &detail_log))
				ereport(ERROR,
						(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
						 errmsg("role \"%s\" cannot be dropped because some objects depend on it",
								role),
						 errdetail_internal("%s", detail),
						 errdetail_log("%s", detail_log)));
		}

		seen = lappend_oid(seen, roleid);
		walk_one(walk, AuthIdRelationId, roleid);
	}
	list_free(seen);
}

/*
 * ri_preview_drop_database
 *		DropDatabase() and dropdb(), up to the deletion.
 */
void
ri_preview_drop_database(DropdbStmt *stmt, DropWalk *walk, bool asserting)
{
	bool		force = false;
	ListCell   *lc;
	Oid			db_id;
	HeapTuple	tup;
	bool		istemplate;

	foreach(lc, stmt->options)
	{
		DefElem    *opt = (DefElem *) lfirst(lc);

		if (strcmp(opt->defname, "force") == 0)
			force = true;
		else
			ereport(ERROR,
					(errcode(ERRCODE_SYNTAX_ERROR),
					 errmsg("unrecognized DROP DATABASE option \"%s\"",
							opt->defname)));
	}

	db_id = get_database_oid(stmt->dbname, true);
	if (!OidIsValid(db_id))
	{
		if (!stmt->missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_DATABASE),
					 errmsg("database \"%s\" does not exist", stmt->dbname)));
		ereport(NOTICE,
				(errmsg("database \"%s\" does not exist, skipping",
						stmt->dbname)));
		return;
	}

	tup = SearchSysCache1(DATABASEOID, ObjectIdGetDatum(db_id));
	if (!HeapTupleIsValid(tup))
		ereport(ERROR,
				(errcode(ERRCODE_UNDEFINED_DATABASE),
				 errmsg("database \"%s\" does not exist", stmt->dbname)));
	istemplate = ((Form_pg_database) GETSTRUCT(tup))->datistemplate;
	ReleaseSysCache(tup);

	if (istemplate)
		ereport(ERROR,
				(errcode(ERRCODE_WRONG_OBJECT_TYPE),
				 errmsg("cannot drop a template database")));
	if (db_id == MyDatabaseId)
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_IN_USE),
				 errmsg("cannot drop the currently open database")));

	if (asserting)
	{
		int			nslots;
		int			nslots_active;
		int			nsubscriptions;
		int			nsessions;
		int			nprepared;

		(void) ReplicationSlotsCountDBSlots(db_id, &nslots, &nslots_active);
		if (nslots_active)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("database \"%s\" is used by an active logical replication slot",
							stmt->dbname),
					 errdetail_plural("There is %d active slot.",
									  "There are %d active slots.",
									  nslots_active, nslots_active)));

		if ((nsubscriptions = count_db_subscriptions(db_id)) > 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("database \"%s\" is being used by logical replication subscription",
							stmt->dbname),
					 errdetail_plural("There is %d subscription.",
									  "There are %d subscriptions.",
									  nsubscriptions, nsubscriptions)));

		nprepared = count_db_prepared_xacts(db_id);
		if (force && nprepared > 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("database \"%s\" is being used by prepared transactions",
							stmt->dbname),
					 errdetail_plural("There is %d prepared transaction using the database.",
									  "There are %d prepared transactions using the database.",
									  nprepared, nprepared)));

		nsessions = force ? 0 : count_other_db_sessions(db_id);
		if (nsessions > 0 || nprepared > 0)
			ereport(ERROR,
					(errcode(ERRCODE_OBJECT_IN_USE),
					 errmsg("database \"%s\" is being accessed by other users",
							stmt->dbname),
					 errdetail_busy_db(nsessions, nprepared)));
	}

	walk_one(walk, DatabaseRelationId, db_id);
}

/*
 * ri_preview_drop_tablespace
 *		DropTableSpace(), up to the removal of its directories.
 */
void
ri_preview_drop_tablespace(DropTableSpaceStmt *stmt, DropWalk *walk,
						   bool asserting)
{
	Oid			tsoid = get_tablespace_oid(stmt->tablespacename, true);

	if (!OidIsValid(tsoid))
	{
		if (!stmt->missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("tablespace \"%s\" does not exist",
							stmt->tablespacename)));
		ereport(NOTICE,
				(errmsg("tablespace \"%s\" does not exist, skipping",
						stmt->tablespacename)));
		return;
	}

	/* Disallow drop of the standard tablespaces, even by superuser */
	if (IsPinnedObject(TableSpaceRelationId, tsoid))
		aclcheck_error(ACLCHECK_NO_PRIV, OBJECT_TABLESPACE,
					   stmt->tablespacename);

	if (asserting)
	{
		char	   *detail;
		char	   *detail_log;

		if (ri_shared_dependencies(TableSpaceRelationId, tsoid,
								   &detail, &detail_log))
			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("tablespace \"%s\" cannot be dropped because some objects depend on it",
							stmt->tablespacename),
					 errdetail_internal("%s", detail),
					 errdetail_log("%s", detail_log)));
		check_tablespace_empty(tsoid, stmt->tablespacename);
	}

	walk_one(walk, TableSpaceRelationId, tsoid);
}

/*
 * ri_preview_drop_subscription
 *		DropSubscription()'s lookup (the subscriptions of this database).
 *		The catalog rows it deletes belong to the subscription, the target
 *		row; the replication slot it drops on the publisher is not an
 *		object of this cluster and is not previewed.
 */
void
ri_preview_drop_subscription(DropSubscriptionStmt *stmt, DropWalk *walk)
{
	Oid			subid;

	subid = GetSysCacheOid2(SUBSCRIPTIONNAME, Anum_pg_subscription_oid,
							ObjectIdGetDatum(MyDatabaseId),
							CStringGetDatum(stmt->subname));
	if (!OidIsValid(subid))
	{
		if (!stmt->missing_ok)
			ereport(ERROR,
					(errcode(ERRCODE_UNDEFINED_OBJECT),
					 errmsg("subscription \"%s\" does not exist",
							stmt->subname)));
		ereport(NOTICE,
				(errmsg("subscription \"%s\" does not exist, skipping",
						stmt->subname)));
		return;
	}

	walk_one(walk, SubscriptionRelationId, subid);
}

/*
 * walk_one
 *		A batch whose one target is the object the command deletes.
 */
static void
walk_one(DropWalk *walk, Oid classId, Oid objectId)
{
	ObjectAddress addr;

	addr.classId = classId;
	addr.objectId = objectId;
	addr.objectSubId = 0;
	ri_walk_batch(walk, &addr, 1);
}

/*
 * check_tablespace_empty
 *		destroy_tablespace_directories() fails, after a checkpoint that
 *		removes the files dropped relations left behind, when a database's
 *		directory in the tablespace still holds files: "tablespace ... is
 *		not empty".  For this database that means a relation with storage in
 *		the tablespace, explicitly or as the database's default (pg_class,
 *		read with AccessShareLock); another database's directory is read on
 *		the filesystem, where a file a DROP left for the next checkpoint
 *		also counts (the command would checkpoint first), so the answer
 *		errs on the side of "not empty" for those.
 */
static void
check_tablespace_empty(Oid tsoid, const char *tsname)
{
	Relation	rel;
	TableScanDesc scan;
	HeapTuple	tuple;
	bool		found = false;

	rel = table_open(RelationRelationId, AccessShareLock);
	scan = table_beginscan_catalog(rel, 0, NULL);
	while (!found &&
		   (tuple = heap_getnext(scan, ForwardScanDirection)) != NULL)
	{
		Form_pg_class form = (Form_pg_class) GETSTRUCT(tuple);
		Oid			spc = OidIsValid(form->reltablespace) ?
			form->reltablespace : MyDatabaseTableSpace;

		CHECK_FOR_INTERRUPTS();
		if (RELKIND_HAS_STORAGE(form->relkind) && spc == tsoid &&
			!form->relisshared)
			found = true;
	}
	table_endscan(scan);
	table_close(rel, AccessShareLock);

	if (found || tablespace_dir_has_files(tsoid, MyDatabaseId))
		ereport(ERROR,
				(errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
				 errmsg("tablespace \"%s\" is not empty", tsname)));
}

/*
 * tablespace_dir_has_files
 *		Does any directory under pg_tblspc/<tsoid>/<version directory>, but
 *		that of database 'skip_db', hold an entry?
 */
static bool
tablespace_dir_has_files(Oid tsoid, Oid skip_db)
{
	char	   *path = psprintf("pg_tblspc/%u/%s", tsoid,
								TABLESPACE_VERSION_DIRECTORY);
	char	   *skip = psprintf("%u", skip_db);
	DIR		   *dir;
	struct dirent *de;
	bool		found = false;

	dir = AllocateDir(path);
	if (dir == NULL)
		return false;			/* nothing was ever created in it */
	while (!found && (de = ReadDirExtended(dir, path, LOG)) != NULL)
	{
		char	   *sub;
		DIR		   *subdir;
		struct dirent *se;

		CHECK_FOR_INTERRUPTS();
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0 ||
			strcmp(de->d_name, skip) == 0)
			continue;
		sub = psprintf("%s/%s", path, de->d_name);
		subdir = AllocateDir(sub);
		if (subdir != NULL)
		{
			while ((se = ReadDirExtended(subdir, sub, LOG)) != NULL)
			{
				if (strcmp(se->d_name, ".") != 0 &&
					strcmp(se->d_name, "..") != 0)
				{
					found = true;
					break;
				}
			}
			FreeDir(subdir);
		}
		pfree(sub);
	}
	FreeDir(dir);
	pfree(path);
	pfree(skip);
	return found;
}

/*
 * count_db_subscriptions
 *		CountDBSubscriptions() with AccessShareLock (core takes
 *		RowExclusiveLock).
 */
static int
count_db_subscriptions(Oid dbid)
{
	int			nsubs = 0;
	Relation	rel;
	ScanKeyData scankey;
	SysScanDesc scan;

	rel = table_open(SubscriptionRelationId, AccessShareLock);
	ScanKeyInit(&scankey,
				Anum_pg_subscription_subdbid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(dbid));
	scan = systable_beginscan(rel, InvalidOid, false, NULL, 1, &scankey);
	while (HeapTupleIsValid(systable_getnext(scan)))
		nsubs++;
	systable_endscan(scan);
	table_close(rel, AccessShareLock);
	return nsubs;
}

/*
 * count_other_db_sessions
 *		CountOtherDBBackends() without its waiting: the sessions connected
 *		to 'dbid', from the backend status table (what pg_stat_activity
 *		shows).  Autovacuum workers are not counted: the command signals
 *		them to exit and waits for them.  The transaction's copy of that
 *		table is dropped first, as pg_stat_clear_snapshot() drops it, so
 *		that each call counts the sessions connected now, not those of an
 *		earlier call in the same transaction.
 */
static int
count_other_db_sessions(Oid dbid)
{
	int			n = 0;
	int			nbackends;

	pgstat_clear_backend_activity_snapshot();
	nbackends = pgstat_fetch_stat_numbackends();

	for (int i = 1; i <= nbackends; i++)
	{
		LocalPgBackendStatus *local = pgstat_fetch_stat_local_beentry(i);
		PgBackendStatus *be;

		if (local == NULL)
			continue;
		be = &local->backendStatus;
		if (be->st_databaseid != dbid || be->st_procpid == MyProcPid ||
			be->st_backendType == B_AUTOVAC_WORKER)
			continue;
		n++;
	}
	return n;
}

/*
 * count_db_prepared_xacts
 *		The prepared transactions of database 'dbid', as pg_prepared_xacts
 *		shows them (core counts them from its process array, which is not
 *		exported).  Runs one query through SPI; pg_prepared_xact() takes
 *		TwoPhaseStateLock in shared mode.
 */
static int
count_db_prepared_xacts(Oid dbid)
{
	Oid			argtypes[1] = {OIDOID};
	Datum		args[1];
	bool		isnull;
	int64		n;
	int			ret;

	args[0] = ObjectIdGetDatum(dbid);
	if (SPI_connect() != SPI_OK_CONNECT)
		elog(ERROR, "SPI_connect failed");
	ret = SPI_execute_with_args("SELECT pg_catalog.count(*)"
								" FROM pg_catalog.pg_prepared_xact() p"
								" WHERE p.dbid OPERATOR(pg_catalog.=) $1",
								1, argtypes, args, NULL, true, 1);
	if (ret != SPI_OK_SELECT || SPI_processed != 1)
		elog(ERROR, "SPI_execute_with_args failed: %s",
			 SPI_result_code_string(ret));
	n = DatumGetInt64(SPI_getbinval(SPI_tuptable->vals[0],
									SPI_tuptable->tupdesc, 1, &isnull));
	SPI_finish();
	return (int) n;
}

/*
 * errdetail_busy_db: dbcommands.c's DETAIL (static there), unchanged.
 */
static int
errdetail_busy_db(int notherbackends, int npreparedxacts)
{
	if (notherbackends > 0 && npreparedxacts > 0)

		/*
		 * We don't deal with singular versus plural here, since gettext
		 * doesn't support multiple plurals in one string.
		 */
		errdetail("There are %d other session(s) and %d prepared transaction(s) using the database.",
				  notherbackends, npreparedxacts);
	else if (notherbackends > 0)
		errdetail_plural("There is %d other session using the database.",
						 "There are %d other sessions using the database.",
						 notherbackends,
						 notherbackends);
	else
		errdetail_plural("There is %d prepared transaction using the database.",
						 "There are %d prepared transactions using the database.",
						 npreparedxacts,
						 npreparedxacts);
	return 0;					/* just to keep ereport macro happy */
}
