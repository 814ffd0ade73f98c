/*-------------------------------------------------------------------------
 *
 * ri_audit.h
 *	  Declarations shared by the ri_audit source files.
 *
 * The orphan finder has one catalog reader (fk_catalog.c) that fills an
 * FkInfo per foreign key, and two scan paths that report orphans through an
 * OrphanSink: the planner path (orphan_sql.c, one anti-join query run through
 * SPI) and the fast path (keyset.c, an in-memory key set probed during one
 * heap scan of the referencing table).  orphans.c owns the SQL entry points,
 * chooses the path, and turns what the sink receives into result rows.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/ri_audit.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_AUDIT_H
#define RI_AUDIT_H

#include "access/attnum.h"
#include "fmgr.h"
#include "nodes/pg_list.h"
#include "pg_config_manual.h"
#include "storage/itemptr.h"
#include "utils/jsonb.h"
#include "utils/snapshot.h"

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
} FkInfo;

/*
 * Where a scan path reports the orphans it finds.  A path calls report()
 * once per orphan row, in whatever order it finds them; the sink's owner
 * (orphans.c) counts, orders and returns them.
 */
typedef struct OrphanSink OrphanSink;

struct OrphanSink
{
	/*
	 * fk_index: which of the constraints given to the scan (0-based);
	 * relid: the table holding the row (a leaf partition when the
	 * referencing table is partitioned); tid: the row's ctid; keyvals and
	 * keynulls: the row's key columns in key order, of the referencing
	 * columns' types.  Values are only valid during the call.
	 */
	void		(*report) (OrphanSink *sink, int fk_index, Oid relid,
						   ItemPointer tid, Datum *keyvals, bool *keynulls);
	void	   *arg;			/* the sink owner's private state */
};

/*
 * Catalog reader and planner path of the orphan finder (issue 3).
 */

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
	bool		convalidated;	/* pg_constraint.convalidated */
} FkListing;

/* fk_catalog.c */
extern FkListing *ri_fk_listing(List *conoids, int *nkeys);
extern Oid	ri_fk_lookup(Oid relid, const char *conname);
extern bool ri_fk_read(Oid conoid, FkInfo *fk, bool missing_ok);
extern bool ri_fk_lock(FkInfo *fk, bool missing_ok);
extern List *ri_fk_list(List *relids, bool only_not_valid);
extern RiAccessProblem ri_fk_access(const FkInfo *fk, Oid *relid);
extern char *ri_fk_access_reason(const FkInfo *fk, RiAccessProblem problem,
								 Oid relid);
extern Oid	ri_fk_scan_role(const FkInfo *fk);
extern Oid	ri_rel_owner(Oid relid);
extern void ri_fk_require_access(const FkInfo *fk);
extern bool ri_fk_can_show_key(const FkInfo *fk);
extern char *ri_fk_column_name(const FkInfo *fk, int key);

/*
 * Code of other roles (owner_code.c).
 *
 * "Foreign" code is a function owned by a role that is neither the caller
 * nor a superuser; it is never run with the caller's rights.
 */

/* What ri_become_owner() saved, for ri_restore_caller(). */
typedef struct RiOwnerSwitch
{
	Oid			save_userid;	/* the caller's user ID */
	int			save_sec_context;	/* the caller's security context */
	int			save_nestlevel; /* GUC nest level to unwind */
} RiOwnerSwitch;

/* How one key column's values are shown as jsonb (ri_key_jsonb). */
typedef struct RiKeyRenderer
{
	bool		builtin;		/* a built-in type: rendered by to_jsonb() */
	FmgrInfo	tojsonb;		/* to_jsonb() for the type, when builtin */
	FmgrInfo	outfunc;		/* the type's output function */
} RiKeyRenderer;

extern bool ri_role_is_trusted(Oid roleid);
extern Oid	ri_fk_foreign_function(const FkInfo *fk);
extern bool ri_type_ordering_is_trusted(Oid typid);
extern char *ri_foreign_function_text(Oid funcid);
extern void ri_become_owner(Oid owner, RiOwnerSwitch *sw);
extern void ri_restore_caller(RiOwnerSwitch *sw);
extern void ri_key_jsonb_init(Oid typid, RiKeyRenderer *r, MemoryContext cxt);
extern Jsonb *ri_key_jsonb(RiKeyRenderer *r, Datum value);

/* orphan_sql.c: the planner path */
extern void ri_planner_scan(const FkInfo *fk, int fk_index,
							OrphanSink *sink, int64 *rows_checked);

/* orphans.c */
extern void ri_scan_table_fks(const FkInfo *fks, int nfks, OrphanSink *sink,
							  int64 *rows_checked, int64 *elapsed_us);
extern int64 ri_count_orphans(const FkInfo *fk);

/*
 * The fast scan path (keyset.c) and its settings (ri_audit.c).
 *
 * ri_audit.scan_method chooses how orphans are found: "auto" and "fast" use
 * the fast path for every foreign key keyset_supports() accepts and the
 * planner path for the others ("fast" exists so tests can name the path
 * they exercise; it never makes an unsupported key fail); "planner" always
 * uses the planner path.  ri_audit.work_mem is the fast path's memory
 * budget in kB; -1 means work_mem.
 */
typedef enum RiAuditScanMethod
{
	RI_AUDIT_SCAN_AUTO,
	RI_AUDIT_SCAN_FAST,
	RI_AUDIT_SCAN_PLANNER
} RiAuditScanMethod;

extern PGDLLIMPORT int ri_audit_scan_method;

/* ri_audit.debug_load_depend: drop_preview() loads pg_depend at once */
extern PGDLLIMPORT bool ri_audit_debug_load_depend;
extern PGDLLIMPORT int ri_audit_work_mem;

extern bool keyset_supports(const FkInfo *fk);
extern void keyset_check(const FkInfo **fks, int nfks, Snapshot snapshot,
						 OrphanSink *sink, int64 *rows_scanned);

#endif							/* RI_AUDIT_H */
