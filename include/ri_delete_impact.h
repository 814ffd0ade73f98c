/*-------------------------------------------------------------------------
 *
 * ri_delete_impact.h
 *	  The delete impact engine (src/engine/delete_impact.c): what a DELETE,
 *	  an UPDATE of referenced keys or a TRUNCATE would set off through the
 *	  foreign keys, without running it.
 *
 * ri_delete_impact() parses the statement, evaluates its rows with one
 * read-only query as the caller, then follows the referential actions
 * breadth first and returns the result rows of delete_preview(), in
 * output order.  src/api/delete_preview_api.c turns them into rows, or
 * into the error of assert_delete_safe().
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_delete_impact.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_DELETE_IMPACT_H
#define RI_DELETE_IMPACT_H

#include "nodes/pg_list.h"
#include "utils/jsonb.h"

/* How a result row blocks the statement. */
typedef enum RiImpactBlock
{
	RI_IMPACT_NO_BLOCK = 0,		/* an action, or the statement's own rows */
	RI_IMPACT_BLOCKS,			/* the statement fails ('blocks') */
	RI_IMPACT_BLOCKS_AT_COMMIT	/* the transaction fails at commit */
} RiImpactBlock;

/* One result row of delete_preview(). */
typedef struct RiImpactRow
{
	int			step;			/* 0: the statement; then the depth */
	Oid			table;			/* the table holding the constraint (the
								 * statement's table for step 0) */
	char	   *fk_name;		/* NULL for step 0 and 'truncate' */
	const char *action;			/* 'delete', 'update', 'cascade delete',
								 * 'set null', 'blocks', 'truncate', ... */
	int64		count;			/* rows; -1: NULL (a TRUNCATE block) */
	Jsonb	   *sample;			/* keys of blocking rows, or NULL */
	RiImpactBlock block;		/* does this row make the statement fail? */
	/* The error PostgreSQL raises for a blocking row: */
	int			sqlstate;		/* ERRCODE_FOREIGN_KEY_VIOLATION, ... */
	char	   *message;		/* its message */
	char	   *detail;			/* its DETAIL, for the first row */
	char	   *hint;			/* its HINT, or NULL */
	const char *trigger_name;	/* the parent row's RI trigger whose firing
								 * raises it, ordering the blocking rows of
								 * one step; NULL when not known, and in
								 * ri_delete_impact()'s result */
} RiImpactRow;

extern List *ri_delete_impact(const char *stmt);

#endif							/* RI_DELETE_IMPACT_H */
