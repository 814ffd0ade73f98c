/*-------------------------------------------------------------------------
 *
 * ri_fk_catalog.h
 *	  The catalog layer: foreign keys read from pg_constraint, the caller's
 *	  access to them, names and arguments (src/catalog/).
 *
 * Every read of pg_constraint, every privilege and row-level security
 * decision, every qualified name and every regclass[] argument goes
 * through the functions declared here; the engines and the SQL entry
 * points do not read those catalogs themselves.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_fk_catalog.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_FK_CATALOG_H
#define RI_FK_CATALOG_H

#include "access/attnum.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "pg_config_manual.h"
#include "utils/array.h"

/*
 * Everything the orphan scan needs to know about one foreign key constraint,
 * read from pg_constraint and pg_attribute.  Attribute numbers are those of
 * the tables named in the constraint (the top-level tables when either side
 * is partitioned); a scan of a partition maps them by column name.
 */
typedef struct FkInfo
{
	Oid			conoid;			/* pg_constraint OID */
	NameData	conname;		/* constraint name */
	Oid			fk_relid;		/* referencing table, as declared */
	Oid			pk_relid;		/* referenced table, as declared */
	char		confmatchtype;	/* FKCONSTR_MATCH_SIMPLE or _FULL */
	bool		convalidated;	/* pg_constraint.convalidated */
	int			nkeys;			/* number of key columns */
	AttrNumber	fk_attnums[INDEX_MAX_KEYS];	/* referencing columns, key order */
	AttrNumber	pk_attnums[INDEX_MAX_KEYS];	/* referenced columns, key order */
	Oid			pf_eq_oprs[INDEX_MAX_KEYS];	/* conpfeqop: "pk = fk" operators */
	Oid			fk_types[INDEX_MAX_KEYS];	/* referencing column types */
	Oid			pk_types[INDEX_MAX_KEYS];	/* referenced column types */
	Oid			fk_collations[INDEX_MAX_KEYS];	/* referencing column collations */
	Oid			pk_collations[INDEX_MAX_KEYS];	/* referenced column collations;
												 * RI compares under these */
	Oid			pp_eq_oprs[INDEX_MAX_KEYS];	/* conppeqop: "pk = pk" operators,
											 * ri_Check_Pk_Match's */
} FkInfo;

/* Why a caller may not check a foreign key (fk_catalog.c). */
typedef enum RiAccessProblem
{
	RI_ACCESS_OK = 0,			/* the caller may check it */
	RI_ACCESS_OTHER_TEMP,		/* a temporary table of another session */
	RI_ACCESS_GONE,				/* a table was dropped concurrently */
	RI_ACCESS_NO_SCHEMA,		/* no USAGE on a table's schema */
	RI_ACCESS_NO_SELECT,		/* no SELECT on the key columns */
	RI_ACCESS_NO_LOCATION,		/* no SELECT on the referencing table's ctid
								 * and tableoid, which locate the rows */
	RI_ACCESS_RLS,				/* row-level security applies to the caller */
	RI_ACCESS_FOREIGN_CODE		/* comparing the keys runs code of another
								 * role, and the referencing table's owner,
								 * who would run it, cannot read both key
								 * column sets (owner_code.c) */
} RiAccessProblem;

/*
 * What is known of a listed key before it is read whole: enough to report
 * it even when it is dropped before its turn comes (fk_catalog.c).
 */
typedef struct FkListing
{
	Oid			conoid;			/* pg_constraint OID */
	NameData	conname;		/* constraint name */
	Oid			fk_relid;		/* referencing table */
	Oid			pk_relid;		/* referenced table */
	Oid			pk_index;		/* the referenced key's unique index
								 * (pg_constraint.conindid) */
	bool		convalidated;	/* pg_constraint.convalidated */
} FkListing;

/*
 * One top-level foreign key as the graph algorithms see it: catalog facts
 * only (ri_fk_edges).
 */
typedef struct FkEdge
{
	Oid			conoid;			/* pg_constraint OID */
	NameData	conname;		/* constraint name */
	Oid			fk_relid;		/* referencing table */
	Oid			pk_relid;		/* referenced table */
	bool		deferrable;		/* condeferrable */
	bool		initdeferred;	/* condeferred: INITIALLY DEFERRED */
	bool		validated;		/* convalidated */
	char		matchtype;		/* confmatchtype */
	char		deltype;		/* confdeltype: FKCONSTR_ACTION_* */
	char		updtype;		/* confupdtype: FKCONSTR_ACTION_* */
	int			nkeys;			/* number of key columns */
	AttrNumber	fk_attnums[INDEX_MAX_KEYS];	/* referencing columns */
	AttrNumber	pk_attnums[INDEX_MAX_KEYS];	/* referenced columns */
	int			ndelsetcols;	/* ON DELETE SET NULL / SET DEFAULT column
								 * list length; 0: every referencing column */
	AttrNumber	delsetcols[INDEX_MAX_KEYS]; /* confdelsetcols */
	bool		key_can_be_null;	/* a row may leave the key NULL, so that
									 * it is not checked (MATCH SIMPLE: one
									 * nullable column; FULL: all); only
									 * from ri_fk_edges(true) */
} FkEdge;

/* src/catalog/fk_catalog.c: foreign keys and access to them */
extern List *ri_fk_edges(bool nullability);
extern FkListing *ri_fk_listing(List *conoids, int *nkeys);
extern Oid	ri_fk_lookup(Oid relid, const char *conname);
extern bool ri_fk_read(Oid conoid, FkInfo *fk, bool missing_ok);
extern bool ri_fk_lock(FkInfo *fk, bool missing_ok);
extern List *ri_fk_list(List *relids, bool only_not_valid);
extern RiAccessProblem ri_fk_access(const FkInfo *fk, Oid *relid);
extern char *ri_access_reason(RiAccessProblem problem, Oid relid);
extern char *ri_fk_access_reason(const FkInfo *fk, RiAccessProblem problem,
								 Oid relid);
extern void ri_fk_require_access(const FkInfo *fk);
extern void ri_rel_require_unhidden(Oid relid);
extern char *ri_fk_trigger_conname(Oid conoid, Oid pk_leaf);
extern char *ri_fk_check_conname(Oid conoid, Oid fk_leaf);
extern char *ri_fk_action_trigger_name(Oid conoid, Oid pk_leaf,
									   bool on_delete);
extern bool ri_fk_can_show_key(const FkInfo *fk);
extern bool ri_rel_can_read_columns(Oid relid, const AttrNumber *attnums,
									int n);
extern char *ri_fk_column_name(const FkInfo *fk, int key);
extern Oid	ri_fk_scan_role(const FkInfo *fk);
extern RiAccessProblem ri_rel_access(Oid userid, Oid relid,
									 const AttrNumber *attnums, int nkeys,
									 bool with_location);

/* One top-level foreign key: an edge from the referencing table. */
typedef struct RiFkEdge
{
	Oid			from_rel;		/* referencing table */
	Oid			to_rel;			/* referenced table */
	char	   *from_name;		/* qualified, quoted where needed */
	char	   *to_name;
	char	   *fk_name;		/* constraint name */
	char	   *columns;		/* referencing columns, "a, b" */
	char	   *on_delete;		/* "NO ACTION", "CASCADE", ... */
	bool		validated;		/* false: NOT VALID */
	bool		has_index;		/* foreign_keys.has_index */
	bool		not_null;		/* every referencing column NOT NULL */
} RiFkEdge;

/* src/catalog/fk_graph_edges.c: the graph's edges, in one query */
extern List *ri_fk_graph_edges(void);

/* src/catalog/names.c: relations, names and arguments */
extern Oid	ri_rel_owner(Oid relid);
extern char *ri_qualified_relname(Oid relid);
extern List *ri_regclass_array_arg(ArrayType *arr, const char *argname);
extern int64 ri_nonneg_int_arg(FunctionCallInfo fcinfo, int argno,
							   bool is_int8, const char *argname);
extern void ri_require_arg(FunctionCallInfo fcinfo, int argno,
						   const char *argname);

#endif							/* RI_FK_CATALOG_H */
