/*-------------------------------------------------------------------------
 *
 * typecmds.c
 *	  The columns ALTER DOMAIN ... VALIDATE CONSTRAINT checks: every column
 *	  of a table or materialized view whose type is the domain or a domain
 *	  over it.
 *
 * Keep in sync with src/backend/commands/typecmds.c, PostgreSQL 15:
 * ri_rels_with_domain() follows get_rels_with_domain(), which
 * validateDomainConstraint() scans.  Like it, it follows pg_depend from the
 * domain: a domain over the domain is followed recursively (its columns
 * get an entry of their own), any other type using the domain (its array
 * type, a composite or range type) raises PostgreSQL's own error through
 * find_composite_type_dependencies() when a column stores it, and only
 * relations with storage and user-chosen column types (tables,
 * materialized views) are kept; partitioned tables have no rows of their
 * own, and their partitions have entries of their own.  It differs in one
 * way: a relation dropped between reading pg_depend and locking it is
 * left out instead of raising an error.
 *
 * Locks: lockmode on each relation returned (AccessShareLock from the
 * callers here; the command takes ShareLock), held to end of transaction.
 *
 * Copyright (c) 2026, ri_audit developers
 * Portions Copyright (c) 1996-2022, PostgreSQL Global Development Group
 * Portions Copyright (c) 1994, Regents of the University of California
 *
 * IDENTIFICATION
 *	  ri_audit/src/import/typecmds.c
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
#include "catalog/pg_class.h"
#include "catalog/pg_depend.h"
#include "catalog/pg_type.h"
#include "commands/tablecmds.h"
#include "miscadmin.h"
#include "utils/builtins.h"
#include "utils/fmgroids.h"
#include "utils/lsyscache.h"
#include "utils/rel.h"

#include "ri_check.h"

/*
 * ri_rels_with_domain
 *		get_rels_with_domain(): a list of RiDomainRel, one per relation (per
 *		domain level) with columns of the domain, their attribute numbers
 *		ascending; each relation locked with lockmode.
 */
List *
ri_rels_with_domain(Oid domainOid, LOCKMODE lockmode)
{
	List	   *result = NIL;
	char	   *domainTypeName = format_type_be(domainOid);
	Relation	depRel;
	ScanKeyData key[2];
	SysScanDesc depScan;
	HeapTuple	depTup;

	Assert(lockmode != NoLock);

	/* since this function recurses, it could be driven to stack overflow */
	check_stack_depth();

	depRel = table_open(DependRelationId, AccessShareLock);

	ScanKeyInit(&key[0],
				Anum_pg_depend_refclassid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(TypeRelationId));
	ScanKeyInit(&key[1],
				Anum_pg_depend_refobjid,
				BTEqualStrategyNumber, F_OIDEQ,
				ObjectIdGetDatum(domainOid));

	depScan = systable_beginscan(depRel, DependReferenceIndexId, true,
								 NULL, 2, key);

	while (HeapTupleIsValid(depTup = systable_getnext(depScan)))
	{
		Form_pg_depend pg_depend = (Form_pg_depend) GETSTRUCT(depTup);
		RiDomainRel *rtc = NULL;
		ListCell   *rellist;
		Form_pg_attribute pg_att;
		Relation	rel;
		int			ptr;

		CHECK_FOR_INTERRUPTS();

		/* Check for directly dependent types */
		if (pg_depend->classid == TypeRelationId)
		{
			if (get_typtype(pg_depend->objid) == TYPTYPE_DOMAIN)
				result = list_concat(result,
									 ri_rels_with_domain(pg_depend->objid,
														 lockmode));
			else
				find_composite_type_dependencies(pg_depend->objid,
												 NULL,
												 domainTypeName);
			continue;
		}

		/* Else, ignore dependees that aren't user columns of relations */
		if (pg_depend->classid != RelationRelationId ||
			pg_depend->objsubid <= 0)
			continue;

		foreach(rellist, result)
		{
			RiDomainRel *rt = (RiDomainRel *) lfirst(rellist);

			if (rt->relid == pg_depend->objid)
			{
				rtc = rt;
				break;
			}
		}

		rel = try_relation_open(pg_depend->objid, lockmode);
		if (rel == NULL)
			continue;			/* dropped concurrently */

		if (rtc == NULL)
		{
			if (OidIsValid(rel->rd_rel->reltype))
				find_composite_type_dependencies(rel->rd_rel->reltype,
												 NULL,
												 domainTypeName);

			if (rel->rd_rel->relkind != RELKIND_RELATION &&
				rel->rd_rel->relkind != RELKIND_MATVIEW)
			{
				relation_close(rel, NoLock);
				continue;
			}

			rtc = (RiDomainRel *) palloc(sizeof(RiDomainRel));
			rtc->relid = RelationGetRelid(rel);
			rtc->natts = 0;
			rtc->atts = (AttrNumber *)
				palloc(sizeof(AttrNumber) * RelationGetNumberOfAttributes(rel));
			result = lappend(result, rtc);
		}

		/* the column must still exist and be of the domain */
		if (pg_depend->objsubid > RelationGetNumberOfAttributes(rel))
		{
			relation_close(rel, NoLock);
			continue;
		}
		pg_att = TupleDescAttr(rel->rd_att, pg_depend->objsubid - 1);
		if (pg_att->attisdropped || pg_att->atttypid != domainOid)
		{
			relation_close(rel, NoLock);
			continue;
		}

		Assert(rtc->natts < RelationGetNumberOfAttributes(rel));
		ptr = rtc->natts++;
		while (ptr > 0 && rtc->atts[ptr - 1] > pg_depend->objsubid)
		{
			rtc->atts[ptr] = rtc->atts[ptr - 1];
			ptr--;
		}
		rtc->atts[ptr] = pg_depend->objsubid;
		relation_close(rel, NoLock);
	}

	systable_endscan(depScan);
	table_close(depRel, AccessShareLock);

	return result;
}
