/*-------------------------------------------------------------------------
 *
 * pg_shdepend.c
 *	  What DROP OWNED would drop, and why DROP ROLE / DROP TABLESPACE would
 *	  refuse, read from pg_shdepend without changing it.
 *
 * Keep in sync with src/backend/catalog/pg_shdepend.c,
 * src/backend/commands/policy.c and src/backend/catalog/aclchk.c,
 * PostgreSQL 15:
 *
 *	- ri_shared_dependencies() follows checkSharedDependencies() (with
 *	  storeObjectDescription() and shared_dependency_comparator()): the
 *	  pinned-object error, local and shared dependents sorted by OID, the
 *	  dependents in other databases counted per database in pg_shdepend
 *	  order, MAX_REPORTED_DEPS lines for the client and the full list for
 *	  the server log.  It is the same code but for its name and one thing:
 *	  an object that cannot be described any more (dropped since the scan)
 *	  is left out instead of raising "cache lookup failed", which is what
 *	  storeObjectDescription() means to do.
 *
 *	- ri_drop_owned_targets() follows shdepDropOwned(): the roles in the
 *	  statement's order, each role's pg_shdepend entries of this database
 *	  (and of shared objects), owner entries of local objects become
 *	  targets, ACL entries are revokes (below), and a policy entry makes
 *	  the policy a target
 *	  only when RemoveRoleFromObjectPolicy() would return false: when no
 *	  role would be left in its polroles once this role is taken out.  The
 *	  command rewrites polroles (and the policy's pg_shdepend entries) as it
 *	  goes, so a policy naming "a" and "b" loses "a" in DROP OWNED BY a, b
 *	  and is dropped when "b" is taken out; the preview keeps the rewritten
 *	  role lists in a list of its own (PolicyRoles) instead of writing
 *	  them, and treats an entry of a role already taken out of the policy
 *	  as the command treats it (the command either no longer sees it or
 *	  finds nothing to remove and keeps the policy).  The targets are
 *	  sorted as sort_object_addresses() sorts them, for the
 *	  performMultipleDeletions() call the command makes at the end.
 *
 *	- An ACL entry is a revoke (RemoveRoleFromObjectACL()), which deletes
 *	  nothing, except for a default ACL (pg_default_acl): SetDefaultACL()
 *	  deletes the entry, with a performDeletion() call of its own made
 *	  during the scan, when the ACL without the role is the default one.
 *	  default_acl_is_removed() computes that ACL with the same functions
 *	  (merge_acl_with_grant()'s aclupdate(), acldefault(), aclequal()),
 *	  keeping the rewritten ACLs of the statement as for policies; each
 *	  such deletion is a deletion batch of its own, before the last one.
 *	  An entry deleted that way after its owner entry made it a target
 *	  makes the command fail in its last deletion call; the caller raises
 *	  that error.
 *
 * Differences from core, on purpose: pg_shdepend, pg_policy and
 * pg_default_acl are read with AccessShareLock (the command takes RowExclusiveLock and locks every
 * target with AccessExclusiveLock, then rechecks its pg_shdepend row), no
 * catalog row is changed, and DropOwnedObjects()' privilege check
 * (has_privs_of_role) is not made: the preview shows catalog facts, see
 * src/engine/drop_target.c.
 *
 * Memory: everything is allocated in the caller's memory context.
 *
 * Copyright (c) 2026, ri_audit developers
 * Portions Copyright (c) 1996-2022, PostgreSQL Global Development Group
 * Portions Copyright (c) 1994, Regents of the University of California
 *
 * IDENTIFICATION
 *	  ri_audit/src/import/pg_shdepend.c
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/genam.h"
#include "access/htup_details.h"
#include "access/table.h"
#include "catalog/catalog.h"
#include "catalog/dependency.h"
#include "catalog/indexing.h"
#include "catalog/objectaddress.h"
#include "catalog/pg_authid.h"
#include "catalog/pg_database.h"
#include "catalog/pg_default_acl.h"
#include "catalog/pg_policy.h"
#include "catalog/pg_shdepend.h"
#include "lib/stringinfo.h"
#include "miscadmin.h"
#include "utils/acl.h"
#include "utils/array.h"
#include "utils/fmgroids.h"
#include "utils/rel.h"
#include "utils/syscache.h"

#include "ri_drop_shared.h"

typedef enum
{
	LOCAL_OBJECT,
	SHARED_OBJECT,
	REMOTE_OBJECT
} SharedDependencyObjectType;

typedef struct
{
	ObjectAddress object;
	char		deptype;
	SharedDependencyObjectType objtype;
} ShDependObjectInfo;

typedef struct
{
	Oid			dbOid;
	int			count;
} remoteDep;

/*
 * One policy whose polroles DROP OWNED has rewritten so far: the roles left
 * after the roles already processed were taken out.
 */
typedef struct PolicyRoles
{
	Oid			policy;			/* pg_policy OID */
	Oid		   *roles;			/* roles left (palloc'd) */
	int			nroles;			/* how many; always > 0 */
} PolicyRoles;

static int	shared_dependency_comparator(const void *a, const void *b);
static void storeObjectDescription(StringInfo descs,
								   SharedDependencyObjectType type,
								   ObjectAddress *object,
								   SharedDependencyType deptype,
								   int count);
static bool policy_keeps_roles(List **rewritten, Oid roleid, Oid policy_id);
static bool default_acl_is_removed(List **defacls, Oid roleid,
								   Oid defacl_id);
static bool default_acl_deleted(List *defacls, Oid defacl_id);

/*
 * One pg_default_acl entry whose ACL DROP OWNED has rewritten so far, or
 * deleted.
 */
typedef struct DefaultAclState
{
	Oid			defacl;			/* pg_default_acl OID */
	Acl		   *acl;			/* its ACL now (palloc'd); NULL once deleted */
} DefaultAclState;

/*
 * ri_shared_dependencies
 *		checkSharedDependencies(): does any pg_shdepend entry reference the
 *		shared object (classId, objectId)?  If so, return true with the
 *		client's detail (at most MAX_REPORTED_DEPS lines) in *detail_msg and
 *		the full list in *detail_log_msg.  A pinned object is an error, as
 *		in core.  Reads pg_shdepend with AccessShareLock.
 */
bool
ri_shared_dependencies(Oid classId, Oid objectId,
					   char **detail_msg, char **detail_log_msg)
{
	Relation	sdepRel;
	ScanKeyData key[2];
	SysScanDesc scan;
	HeapTuple	tup;
	int			numReportedDeps = 0;
	int			numNotReportedDeps = 0;
	int			numNotReportedDbs = 0;
	List	   *remDeps = NIL;
	ListCell   *cell;
	ObjectAddress object;
	ShDependObjectInfo *objects;
	int			numobjects;
	int			allocedobjects;
	StringInfoData descs;
	StringInfoData alldescs;

	/* This case can be dispatched quickly */
	if (IsPinnedObject(classId, objectId))
	{
		object.classId = classId;
		object.objectId = objectId;
		object.objectSubId = 0;
		ereport(ERROR,
				(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
				 errmsg("cannot drop %s because it is required by the database system",
						getObjectDescription(&object, false))));
	}

	/*
	 * We limit the number of dependencies reported to the client to
	 * MAX_REPORTED_DEPS, since client software may not deal well with
	 * enormous error strings.  The server log always gets a full report.
	 *
	 * For stability of regression test results, we sort local and shared
	 * objects by OID before reporting them.  We don't worry about the order
	 * in which other databases are reported, though.
	 */
#define MAX_REPORTED_DEPS 100

	allocedobjects = 128;		/* arbitrary initial array size */
	objects = (ShDependObjectInfo *)
		palloc(allocedobjects * sizeof(ShDependObjectInfo));
	numobjects = 0;
	initStringInfo(&descs);
	initStringInfo(&alldescs);

	sdepRel = table_open(SharedDependRelationId, AccessShareLock);

	ScanKeyInit(&key[0],
				Anum_pg_shdepend_refclassid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(classId));
	ScanKeyInit(&key[1],
				Anum_pg_shdepend_refobjid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(objectId));

	scan = systable_beginscan(sdepRel, SharedDependReferenceIndexId, true,
							  NULL, 2, key);

	while (HeapTupleIsValid(tup = systable_getnext(scan)))
	{
		Form_pg_shdepend sdepForm = (Form_pg_shdepend) GETSTRUCT(tup);

		CHECK_FOR_INTERRUPTS();

		object.classId = sdepForm->classid;
		object.objectId = sdepForm->objid;
		object.objectSubId = sdepForm->objsubid;

		/*
		 * If it's a dependency local to this database or it's a shared
		 * object, add it to the objects array.
		 *
		 * If it's a remote dependency, keep track of it so we can report the
		 * number of them later.
		 */
		if (sdepForm->dbid == MyDatabaseId ||
			sdepForm->dbid == InvalidOid)
		{
			if (numobjects >= allocedobjects)
			{
				allocedobjects *= 2;
				objects = (ShDependObjectInfo *)
					repalloc(objects,
							 allocedobjects * sizeof(ShDependObjectInfo));
			}
			objects[numobjects].object = object;
			objects[numobjects].deptype = sdepForm->deptype;
			objects[numobjects].objtype = (sdepForm->dbid == MyDatabaseId) ?
				LOCAL_OBJECT : SHARED_OBJECT;
			numobjects++;
		}
		else
		{
			/* It's not local nor shared, so it must be remote. */
			remoteDep  *dep;
			bool		stored = false;

			foreach(cell, remDeps)
			{
				dep = lfirst(cell);
				if (dep->dbOid == sdepForm->dbid)
				{
					dep->count++;
					stored = true;
					break;
				}
			}
			if (!stored)
			{
				dep = (remoteDep *) palloc(sizeof(remoteDep));
				dep->dbOid = sdepForm->dbid;
				dep->count = 1;
				remDeps = lappend(remDeps, dep);
			}
		}
	}

	systable_endscan(scan);

	table_close(sdepRel, AccessShareLock);

	/*
	 * Sort and report local and shared objects.
	 */
	if (numobjects > 1)
		qsort((void *) objects, numobjects,
			  sizeof(ShDependObjectInfo), shared_dependency_comparator);

	for (int i = 0; i < numobjects; i++)
	{
		CHECK_FOR_INTERRUPTS();
		if (numReportedDeps < MAX_REPORTED_DEPS)
		{
			numReportedDeps++;
			storeObjectDescription(&descs,
								   objects[i].objtype,
								   &objects[i].object,
								   objects[i].deptype,
								   0);
		}
		else
			numNotReportedDeps++;
		storeObjectDescription(&alldescs,
							   objects[i].objtype,
							   &objects[i].object,
							   objects[i].deptype,
							   0);
	}

	/*
	 * Summarize dependencies in remote databases.
	 */
	foreach(cell, remDeps)
	{
		remoteDep  *dep = lfirst(cell);

		object.classId = DatabaseRelationId;
		object.objectId = dep->dbOid;
		object.objectSubId = 0;

		if (numReportedDeps < MAX_REPORTED_DEPS)
		{
			numReportedDeps++;
			storeObjectDescription(&descs, REMOTE_OBJECT, &object,
								   SHARED_DEPENDENCY_INVALID, dep->count);
		}
		else
			numNotReportedDbs++;
		storeObjectDescription(&alldescs, REMOTE_OBJECT, &object,
							   SHARED_DEPENDENCY_INVALID, dep->count);
	}

	pfree(objects);
	list_free_deep(remDeps);

	if (descs.len == 0)
	{
		pfree(descs.data);
		pfree(alldescs.data);
		*detail_msg = *detail_log_msg = NULL;
		return false;
	}

	if (numNotReportedDeps > 0)
		appendStringInfo(&descs, ngettext("\nand %d other object "
										  "(see server log for list)",
										  "\nand %d other objects "
										  "(see server log for list)",
										  numNotReportedDeps),
						 numNotReportedDeps);
	if (numNotReportedDbs > 0)
		appendStringInfo(&descs, ngettext("\nand objects in %d other database "
										  "(see server log for list)",
										  "\nand objects in %d other databases "
										  "(see server log for list)",
										  numNotReportedDbs),
						 numNotReportedDbs);

	*detail_msg = descs.data;
	*detail_log_msg = alldescs.data;
	return true;
}

/*
 * shared_dependency_comparator: OID ascending, then class, then sub-ID as
 * unsigned, then dependency type (core's order of the DETAIL lines).
 */
static int
shared_dependency_comparator(const void *a, const void *b)
{
	const ShDependObjectInfo *obja = (const ShDependObjectInfo *) a;
	const ShDependObjectInfo *objb = (const ShDependObjectInfo *) b;

	if (obja->object.objectId < objb->object.objectId)
		return -1;
	if (obja->object.objectId > objb->object.objectId)
		return 1;
	if (obja->object.classId < objb->object.classId)
		return -1;
	if (obja->object.classId > objb->object.classId)
		return 1;
	if ((unsigned int) obja->object.objectSubId < (unsigned int) objb->object.objectSubId)
		return -1;
	if ((unsigned int) obja->object.objectSubId > (unsigned int) objb->object.objectSubId)
		return 1;
	if (obja->deptype < objb->deptype)
		return -1;
	if (obja->deptype > objb->deptype)
		return 1;
	return 0;
}

/*
 * storeObjectDescription: append one DETAIL line ("owner of ...",
 * "privileges for ...", "target of ...", "tablespace for ...", "N objects
 * in database ...").  An object dropped concurrently is left out.
 */
static void
storeObjectDescription(StringInfo descs,
					   SharedDependencyObjectType type,
					   ObjectAddress *object,
					   SharedDependencyType deptype,
					   int count)
{
	char	   *objdesc = getObjectDescription(object, true);

	if (objdesc == NULL)
		return;

	/* separate entries with a newline */
	if (descs->len != 0)
		appendStringInfoChar(descs, '\n');

	switch (type)
	{
		case LOCAL_OBJECT:
		case SHARED_OBJECT:
			if (deptype == SHARED_DEPENDENCY_OWNER)
				appendStringInfo(descs, _("owner of %s"), objdesc);
			else if (deptype == SHARED_DEPENDENCY_ACL)
				appendStringInfo(descs, _("privileges for %s"), objdesc);
			else if (deptype == SHARED_DEPENDENCY_POLICY)
				appendStringInfo(descs, _("target of %s"), objdesc);
			else if (deptype == SHARED_DEPENDENCY_TABLESPACE)
				appendStringInfo(descs, _("tablespace for %s"), objdesc);
			else
				elog(ERROR, "unrecognized dependency type: %d",
					 (int) deptype);
			break;

		case REMOTE_OBJECT:
			/* translator: %s will always be "database %s" */
			appendStringInfo(descs, ngettext("%d object in %s",
											 "%d objects in %s",
											 count),
							 count, objdesc);
			break;

		default:
			elog(ERROR, "unrecognized object type: %d", type);
	}

	pfree(objdesc);
}

/*
 * ri_drop_owned_targets
 *		shdepDropOwned() up to its performMultipleDeletions() call: the
 *		objects DROP OWNED BY 'roleids' would hand to it, in the order it
 *		would hand them, appended to 'targets'; the default ACLs its
 *		revokes delete are walked into 'walk' as they are met.  A default
 *		ACL deleted that way before its owner entry is met is not a target
 *		(the command no longer sees that entry); one deleted after its owner
 *		entry made it a target is returned (else InvalidOid): the command
 *		fails on it.  Reads pg_shdepend (and
 *		pg_policy) with AccessShareLock.
 */
Oid
ri_drop_owned_targets(List *roleids, DropWalk *walk, TargetList *targets)
{
	Oid			doomed = InvalidOid;
	Relation	sdepRel;
	ListCell   *cell;
	List	   *rewritten = NIL;
	List	   *defacls = NIL;
	int			first = targets->n;

	sdepRel = table_open(SharedDependRelationId, AccessShareLock);

	foreach(cell, roleids)
	{
		Oid			roleid = lfirst_oid(cell);
		ScanKeyData key[2];
		SysScanDesc scan;
		HeapTuple	tuple;

		/* Doesn't work for pinned objects */
		if (IsPinnedObject(AuthIdRelationId, roleid))
		{
			ObjectAddress obj;

			obj.classId = AuthIdRelationId;
			obj.objectId = roleid;
			obj.objectSubId = 0;

			ereport(ERROR,
					(errcode(ERRCODE_DEPENDENT_OBJECTS_STILL_EXIST),
					 errmsg("cannot drop objects owned by %s because they are "
							"required by the database system",
							getObjectDescription(&obj, false))));
		}

		ScanKeyInit(&key[0],
					Anum_pg_shdepend_refclassid,
					BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(AuthIdRelationId));
		ScanKeyInit(&key[1],
					Anum_pg_shdepend_refobjid,
					BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(roleid));

		scan = systable_beginscan(sdepRel, SharedDependReferenceIndexId, true,
								  NULL, 2, key);

		while ((tuple = systable_getnext(scan)) != NULL)
		{
			Form_pg_shdepend sdepForm = (Form_pg_shdepend) GETSTRUCT(tuple);

			CHECK_FOR_INTERRUPTS();

			/*
			 * We only operate on shared objects and objects in the current
			 * database
			 */
			if (sdepForm->dbid != MyDatabaseId &&
				sdepForm->dbid != InvalidOid)
				continue;

			switch (sdepForm->deptype)
			{
				case SHARED_DEPENDENCY_INVALID:
					elog(ERROR, "unexpected dependency type");
					break;
				case SHARED_DEPENDENCY_ACL:
					/*
					 * RemoveRoleFromObjectACL(): a revoke, which deletes
					 * only a default ACL left with the default privileges.
					 */
					if (sdepForm->classid == DefaultAclRelationId &&
						default_acl_is_removed(&defacls, roleid,
											   sdepForm->objid))
					{
						ObjectAddress obj;

						obj.classId = DefaultAclRelationId;
						obj.objectId = sdepForm->objid;
						obj.objectSubId = 0;
						ri_walk_batch(walk, &obj, 1);
					}
					break;
				case SHARED_DEPENDENCY_POLICY:
					if (!policy_keeps_roles(&rewritten, roleid,
											sdepForm->objid))
						ri_target_add(targets, sdepForm->classid,
									  sdepForm->objid, sdepForm->objsubid);
					break;
				case SHARED_DEPENDENCY_OWNER:
					/* If a local object, save it for deletion below */
					if (sdepForm->dbid == MyDatabaseId &&
						!(sdepForm->classid == DefaultAclRelationId &&
						  default_acl_deleted(defacls, sdepForm->objid)))
						ri_target_add(targets, sdepForm->classid,
									  sdepForm->objid, sdepForm->objsubid);
					break;
			}
		}

		systable_endscan(scan);
	}

	table_close(sdepRel, AccessShareLock);

	/*
	 * A default ACL that a role of the statement owns (a target) and that a
	 * later role's revoke deleted: the command's last deletion call fails
	 * when it comes to delete it again (see ri_preview_drop_owned).
	 */
	for (int i = first; i < targets->n; i++)
		if (targets->addrs[i].classId == DefaultAclRelationId &&
			default_acl_deleted(defacls, targets->addrs[i].objectId))
			doomed = targets->addrs[i].objectId;

	/* sort_object_addresses() */
	if (targets->n - first > 1)
		qsort(targets->addrs + first, targets->n - first,
			  sizeof(ObjectAddress), ri_object_address_comparator);
	return doomed;
}

/*
 * policy_keeps_roles
 *		RemoveRoleFromObjectPolicy() without the update: would the policy
 *		keep a role once 'roleid' is taken out of its polroles?  If so,
 *		remember the remaining roles in '*rewritten' for the roles that come
 *		later in the statement.  A role already taken out (the command's
 *		pg_shdepend entry for it is gone, or its second removal finds
 *		nothing to remove) keeps the policy.  Reads pg_policy with
 *		AccessShareLock.
 */
static bool
policy_keeps_roles(List **rewritten, Oid roleid, Oid policy_id)
{
	PolicyRoles *pr = NULL;
	ListCell   *lc;
	Oid		   *left;
	int			nleft = 0;

	foreach(lc, *rewritten)
	{
		PolicyRoles *p = (PolicyRoles *) lfirst(lc);

		if (p->policy == policy_id)
		{
			pr = p;
			break;
		}
	}

	if (pr == NULL)
	{
		Relation	pg_policy_rel;
		ScanKeyData skey[1];
		SysScanDesc sscan;
		HeapTuple	tuple;
		Datum		roles_datum;
		bool		attr_isnull;
		ArrayType  *policy_roles;

		pg_policy_rel = table_open(PolicyRelationId, AccessShareLock);
		ScanKeyInit(&skey[0],
					Anum_pg_policy_oid,
					BTEqualStrategyNumber, F_OIDEQ,
					ObjectIdGetDatum(policy_id));
		sscan = systable_beginscan(pg_policy_rel, PolicyOidIndexId, true,
								   NULL, 1, skey);
		tuple = systable_getnext(sscan);
		if (!HeapTupleIsValid(tuple))
			elog(ERROR, "could not find tuple for policy %u", policy_id);
		roles_datum = heap_getattr(tuple, Anum_pg_policy_polroles,
								   RelationGetDescr(pg_policy_rel),
								   &attr_isnull);
		Assert(!attr_isnull);
		policy_roles = DatumGetArrayTypePCopy(roles_datum);
		systable_endscan(sscan);
		table_close(pg_policy_rel, AccessShareLock);

		pr = palloc(sizeof(PolicyRoles));
		pr->policy = policy_id;
		pr->nroles = ARR_DIMS(policy_roles)[0];
		pr->roles = palloc(Max(pr->nroles, 1) * sizeof(Oid));
		memcpy(pr->roles, ARR_DATA_PTR(policy_roles),
			   pr->nroles * sizeof(Oid));
		pfree(policy_roles);
	}
	else
	{
		bool		named = false;

		for (int i = 0; i < pr->nroles; i++)
			if (pr->roles[i] == roleid)
				named = true;
		if (!named)
			return true;
	}

	/*
	 * Rebuild the polroles array, without any mentions of the target role
	 * (duplicate mentions included, as core does).
	 */
	left = palloc(Max(pr->nroles, 1) * sizeof(Oid));
	for (int i = 0; i < pr->nroles; i++)
		if (pr->roles[i] != roleid)
			left[nleft++] = pr->roles[i];

	if (nleft == 0)
	{
		/* No roles would remain: the policy is dropped, left unchanged. */
		pfree(left);
		if (!list_member_ptr(*rewritten, pr))
		{
			pfree(pr->roles);
			pfree(pr);
		}
		return false;
	}

	pfree(pr->roles);
	pr->roles = left;
	pr->nroles = nleft;
	if (!list_member_ptr(*rewritten, pr))
		*rewritten = lappend(*rewritten, pr);
	return true;
}

/*
 * find_default_acl: the statement's state of one default ACL, or NULL.
 */
static DefaultAclState *
find_default_acl(List *defacls, Oid defacl_id)
{
	ListCell   *lc;

	foreach(lc, defacls)
	{
		DefaultAclState *d = (DefaultAclState *) lfirst(lc);

		if (d->defacl == defacl_id)
			return d;
	}
	return NULL;
}

/*
 * default_acl_deleted: has an earlier revoke of the statement deleted it?
 */
static bool
default_acl_deleted(List *defacls, Oid defacl_id)
{
	DefaultAclState *d = find_default_acl(defacls, defacl_id);

	return d != NULL && d->acl == NULL;
}

/*
 * default_acl_is_removed
 *		RemoveRoleFromObjectACL() and SetDefaultACL() for a default ACL,
 *		without the update: REVOKE ALL ... FROM 'roleid' CASCADE on the
 *		entry's ACL as the statement has left it; true when the result is
 *		the default ACL, so that the command deletes the entry.  Reads
 *		pg_default_acl through its syscache.
 */
static bool
default_acl_is_removed(List **defacls, Oid roleid, Oid defacl_id)
{
	DefaultAclState *d = find_default_acl(*defacls, defacl_id);
	Relation	rel;
	ScanKeyData skey[1];
	SysScanDesc scan;
	HeapTuple	tuple;
	Form_pg_default_acl form;
	Oid			defaclrole;
	Oid			nspid;
	ObjectType	objtype;
	AclMode		privileges;
	Acl		   *old_acl;
	Acl		   *def_acl;
	Acl		   *new_acl;
	Datum		aclDatum;
	bool		isNull;

	if (d != NULL && d->acl == NULL)
		return false;			/* deleted already: no entry to revoke */

	rel = table_open(DefaultAclRelationId, AccessShareLock);
	ScanKeyInit(&skey[0],
				Anum_pg_default_acl_oid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(defacl_id));
	scan = systable_beginscan(rel, DefaultAclOidIndexId, true,
							  NULL, 1, skey);
	tuple = systable_getnext(scan);
	if (!HeapTupleIsValid(tuple))
		elog(ERROR, "could not find tuple for default ACL %u", defacl_id);
	form = (Form_pg_default_acl) GETSTRUCT(tuple);
	defaclrole = form->defaclrole;
	nspid = form->defaclnamespace;
	switch (form->defaclobjtype)
	{
		case DEFACLOBJ_RELATION:
			objtype = OBJECT_TABLE;
			privileges = ACL_ALL_RIGHTS_RELATION;
			break;
		case DEFACLOBJ_SEQUENCE:
			objtype = OBJECT_SEQUENCE;
			privileges = ACL_ALL_RIGHTS_SEQUENCE;
			break;
		case DEFACLOBJ_FUNCTION:
			objtype = OBJECT_FUNCTION;
			privileges = ACL_ALL_RIGHTS_FUNCTION;
			break;
		case DEFACLOBJ_TYPE:
			objtype = OBJECT_TYPE;
			privileges = ACL_ALL_RIGHTS_TYPE;
			break;
		case DEFACLOBJ_NAMESPACE:
			objtype = OBJECT_SCHEMA;
			privileges = ACL_ALL_RIGHTS_SCHEMA;
			break;
		default:
			elog(ERROR, "unexpected default ACL type: %d",
				 (int) form->defaclobjtype);
			objtype = OBJECT_TABLE; /* keep compiler quiet */
			privileges = ACL_NO_RIGHTS;
			break;
	}
	if (d != NULL)
		old_acl = aclcopy(d->acl);
	else
	{
		aclDatum = heap_getattr(tuple, Anum_pg_default_acl_defaclacl,
								RelationGetDescr(rel), &isNull);
		old_acl = isNull ? NULL : DatumGetAclPCopy(aclDatum);
	}
	systable_endscan(scan);
	table_close(rel, AccessShareLock);

	/*
	 * The default for a global entry is the hard-wired default ACL for the
	 * particular object type.  The default for non-global entries is an
	 * empty ACL.
	 */
	if (!OidIsValid(nspid))
		def_acl = acldefault(objtype, defaclrole);
	else
		def_acl = make_empty_acl();
	if (old_acl == NULL)
		old_acl = aclcopy(def_acl);

	/*
	 * merge_acl_with_grant() (static in aclchk.c) for a plain REVOKE of one
	 * grantee: privileges and grant options, by the entry's role.
	 */
	{
		AclItem		aclitem;

		aclitem.ai_grantee = roleid;
		aclitem.ai_grantor = defaclrole;
		ACLITEM_SET_PRIVS_GOPTIONS(aclitem, privileges, privileges);
		new_acl = aclupdate(old_acl, &aclitem, ACL_MODECHG_DEL, defaclrole,
							DROP_CASCADE);
	}
	aclitemsort(new_acl);
	aclitemsort(def_acl);

	if (d == NULL)
	{
		d = palloc(sizeof(DefaultAclState));
		d->defacl = defacl_id;
		*defacls = lappend(*defacls, d);
	}
	if (aclequal(new_acl, def_acl))
	{
		d->acl = NULL;
		return true;
	}
	d->acl = new_acl;
	return false;
}
