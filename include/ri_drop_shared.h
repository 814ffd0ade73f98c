/*-------------------------------------------------------------------------
 *
 * ri_drop_shared.h
 *	  The drop preview of statements about shared objects and role-owned
 *	  objects: DROP OWNED, DROP ROLE, DROP DATABASE, DROP TABLESPACE and
 *	  DROP SUBSCRIPTION (src/engine/drop_target_shared.c), and the parts
 *	  that follow pg_shdepend.c (src/import/pg_shdepend.c).  Included by
 *	  the drop preview's target lookup only.
 *
 * Copyright (c) 2026, ri_audit developers
 *
 * IDENTIFICATION
 *	  ri_audit/include/ri_drop_shared.h
 *
 *-------------------------------------------------------------------------
 */
#ifndef RI_DROP_SHARED_H
#define RI_DROP_SHARED_H

#include "nodes/parsenodes.h"

#include "ri_drop_target_int.h"

/* src/engine/drop_target_shared.c */
extern void ri_preview_drop_owned(DropOwnedStmt *stmt, DropWalk *walk,
								  bool asserting);
extern void ri_preview_drop_role(DropRoleStmt *stmt, DropWalk *walk,
								 bool asserting);
extern void ri_preview_drop_database(DropdbStmt *stmt, DropWalk *walk,
									 bool asserting);
extern void ri_preview_drop_tablespace(DropTableSpaceStmt *stmt,
									   DropWalk *walk, bool asserting);
extern void ri_preview_drop_subscription(DropSubscriptionStmt *stmt,
										 DropWalk *walk);

/* src/import/pg_shdepend.c */
extern bool ri_shared_dependencies(Oid classId, Oid objectId,
								   char **detail_msg, char **detail_log_msg);
extern Oid	ri_drop_owned_targets(List *roleids, DropWalk *walk,
								  TargetList *targets);

#endif							/* RI_DROP_SHARED_H */
