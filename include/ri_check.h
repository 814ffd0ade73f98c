/*-------------------------------------------------------------------------
 *
 * ri_check.h
 *	  CHECK and domain constraints: the catalog layer's reader
 *	  (src/catalog/check_catalog.c), the tables a constraint applies to
 *	  (src/import/typecmds.c for domains) and the violation scan
 *	  (src/engine/check_scan.c).
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_check.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_CHECK_H
#define RI_CHECK_H

#include "access/attnum.h"
#include "executor/tuptable.h"
#include "nodes/pg_list.h"
#include "storage/lockdefs.h"
#include "utils/jsonb.h"
#include "utils/snapshot.h"

#include "ri_fk_catalog.h"

/* One CHECK constraint of a table, or a CHECK constraint of a domain. */
typedef struct RiCheckInfo
{
	Oid			conoid;			/* pg_constraint OID */
	NameData	conname;		/* constraint name */
	Oid			relid;			/* the table holding it; InvalidOid for a
								 * domain constraint */
	Oid			typid;			/* the domain; InvalidOid for a table's */
	bool		convalidated;	/* pg_constraint.convalidated */
	bool		connoinherit;	/* NO INHERIT: only its own table */
	int			natts;			/* entries in atts */
	AttrNumber *atts;			/* conkey: the columns of relid it reads
								 * (palloc'd in the caller's context) */
} RiCheckInfo;

/*
 * One table a constraint is checked on, as PostgreSQL's VALIDATE CONSTRAINT
 * checks it: for a table's CHECK constraint, the table and (unless NO
 * INHERIT) every inheritance child and partition with storage, each with
 * its own copy of the constraint; for a domain's, every table or
 * materialized view with a column of the domain or of a domain over it.
 * Built by ri_check_targets(), in the caller's memory context.
 */
typedef struct RiCheckTarget
{
	Oid			relid;			/* the table scanned */
	Oid			conoid;			/* its copy of the constraint (the domain
								 * constraint itself for a domain) */
	bool		validated;		/* that copy is marked valid: VALIDATE
								 * CONSTRAINT does not check this table */
	Node	   *expr;			/* the copy's conbin, attnos of this table */
	int			natts;			/* entries in atts */
	AttrNumber *atts;			/* CHECK: the columns the expression reads,
								 * ascending; domain: the columns of the
								 * domain (each checked on its own) */
} RiCheckTarget;

/*
 * Called for each violating row: the target, the index in t->atts of the
 * domain column (-1 for a CHECK constraint) and the row.  Returns false to
 * stop the scan.
 */
typedef bool (*RiCheckRowFn) (void *arg, const RiCheckTarget *t,
							  int attidx, TupleTableSlot *slot);

/* src/catalog/check_catalog.c */
extern bool ri_check_read(Oid conoid, RiCheckInfo *ci, bool missing_ok);
extern char ri_constraint_type(Oid conoid);
extern Oid	ri_constraint_lookup(Oid relid, const char *conname);
extern List *ri_check_list(List *relids, bool only_not_valid,
						   bool with_domains);
extern List *ri_check_targets(RiCheckInfo *ci);
extern RiAccessProblem ri_check_access(const RiCheckInfo *ci,
									   const RiCheckTarget *t, Oid *relid);
extern char *ri_check_access_reason(const RiCheckInfo *ci,
									const RiCheckTarget *t,
									RiAccessProblem problem, Oid relid);
extern void ri_check_require_access(const RiCheckInfo *ci,
									const RiCheckTarget *t);
extern Oid	ri_check_scan_role(const RiCheckTarget *t);
extern char *ri_check_describe(const RiCheckInfo *ci);

/* src/import/typecmds.c */
typedef struct RiDomainRel
{
	Oid			relid;			/* a table or materialized view */
	int			natts;			/* entries in atts */
	AttrNumber *atts;			/* its columns of the domain, or of a domain
								 * over it */
} RiDomainRel;

extern List *ri_rels_with_domain(Oid domainOid, LOCKMODE lockmode);

/* src/engine/check_scan.c */
extern int64 ri_check_scan(const RiCheckInfo *ci, List *targets,
						   bool only_not_validated, int64 max_rows,
						   RiCheckRowFn fn, void *arg, int64 *rows_scanned);
extern Jsonb *ri_check_row_jsonb(const RiCheckTarget *t, int attidx,
								 TupleTableSlot *slot);

/* src/engine/validate_check.c: validating a CHECK or domain constraint */
struct RiValidateResult;
extern void ri_validate_check(RiCheckInfo *ci, bool dry_run,
							  const char *lock_timeout, bool skip_unchecked,
							  struct RiValidateResult *res);

#endif							/* RI_CHECK_H */
