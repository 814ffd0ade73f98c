# ri_audit/Makefile
#
# PGXS build.  "make && make install && make installcheck" works against a
# running server like any PGXS extension.  "make test" and "make demo" are
# self-contained: they install missing Debian packages, build with -Werror,
# install, and use throwaway clusters (see tools/).

MODULE_big = ri_audit
OBJS = \
	$(WIN32RES) \
	ri_audit.o \
	src/catalog/fk_catalog.o \
	src/catalog/fk_graph_edges.o \
	src/catalog/names.o \
	src/catalog/owner_code.o \
	src/catalog/constraint_state.o \
	src/engine/orphan_scan.o \
	src/engine/orphan_planner.o \
	src/engine/orphan_keyset.o \
	src/engine/orphan_parallel.o \
	src/engine/orphan_row_key.o \
	src/engine/validate_key.o \
	src/api/orphans_api.o \
	src/api/validate_api.o \
	src/engine/dependency_walk.o \
	src/import/dependency.o \
	src/engine/drop_target.o \
	src/engine/drop_target_shared.o \
	src/engine/drop_target_alter.o \
	src/engine/drop_describe.o \
	src/import/objectaddress.o \
	src/import/dropcmds.o \
	src/import/tablecmds.o \
	src/import/pg_shdepend.o \
	src/import/alter_table.o \
	src/engine/load_order.o \
	src/api/drop_preview_api.o \
	src/api/load_order_api.o \
	src/engine/fk_graph.o \
	src/api/fk_graph_api.o \
	src/engine/recreate_ddl.o \
	src/engine/recreate_script.o \
	src/api/recreate_api.o \
	src/engine/delete_impact.o \
	src/api/delete_preview_api.o \
	src/catalog/check_catalog.o \
	src/import/typecmds.o \
	src/engine/check_scan.o \
	src/engine/validate_check.o \
	src/api/check_api.o

# Headers of every layer live in include/; ri_audit.h (the settings) at
# the top.
PG_CPPFLAGS = -I$(srcdir)/include -I$(srcdir)

EXTENSION = ri_audit
EXTVERSION = $(shell sed -n "s/^default_version *= *'\([^']*\)'.*/\1/p" $(EXTENSION).control)
# The base script and every upgrade script: CREATE EXTENSION installs the
# default version by running the base script and the upgrades after it.
# Named relative to $(srcdir), so that VPATH builds (pg_buildext) find them.
DATA = $(patsubst $(srcdir)/%,%,$(wildcard $(srcdir)/$(EXTENSION)--*.sql))
PGFILEDESC = "ri_audit - referential integrity audit and DROP preview"

REGRESS = setup extension_members foreign_keys \
	load_order unindexed_foreign_keys foreign_key_graph \
	orphans_shapes \
	orphans_inputs \
	orphans_privileges \
	assert \
	validate \
	drop_preview_tables \
	drop_preview_columns \
	drop_preview_constraints \
	drop_preview_objects \
	drop_preview_errors \
	assert_drop_safe_allow \
	drop_preview_inheritance \
	drop_preview_memory \
	drop_preview_shared \
	drop_preview_oracle \
	drop_preview_alter_column \
	drop_preview_alter_type \
	drop_preview_alter_multi drop_preview_alter_partition \
	drop_preview_alter_domain \
	hardening_install \
	hardening_names \
	hardening_privileges \
	keyset \
	keyset_reuse keyset_parallel keyset_estimates \
	orphans_shapes_planner \
	security_owner_code \
	orphans_row_key \
	orphans_render \
	orphans_compact \
	report \
	readme_transcripts \
	recipe \
	recreate_script \
	recreate_script_privileges \
	delete_preview \
	delete_preview_keys \
	delete_preview_semantics \
	check_violations \
	validate_check \
	check_owner_code
REGRESS_OPTS = --encoding=UTF8 --no-locale

ISOLATION = foreign_keys_locks \
	orphans_locks \
	drop_preview_locks \
	drop_preview_alter_locks \
	hardening_locks \
	hardening_validate_locks \
	hardening_concurrent_ddl \
	hardening_concurrent_drop \
	load_order_concurrent_drop \
	audit_ddl_queue \
	check_locks
ISOLATION_OPTS = --load-extension=ri_audit --encoding=UTF8 --no-locale

TAP_TESTS = 1

EXTRA_CLEAN = tmp_regress tmp_iso

# Debian installs several majors side by side; pin 15 when it is present.
PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)

ifneq ($(PGXS),)
include $(PGXS)
else
all install installcheck:
	@echo "ri_audit: PostgreSQL 15 server development files not found." >&2
	@echo "Run 'make test' or 'make demo' (they install them), or set PG_CONFIG." >&2
	@exit 1
endif

# A VPATH build (pg_buildext builds in debian's build-15/) needs the
# folders of the objects (absolute: VPATH would find the source folders).
OBJDIRS = $(addprefix $(CURDIR)/,$(sort $(filter-out ./,$(dir $(filter %.o,$(OBJS))))))
$(filter %.o,$(OBJS)): | $(OBJDIRS)
$(OBJDIRS):
	$(MKDIR_P) $@

# One target per test tier, so tools/test.sh can run every tier even when
# an earlier one fails, and count each.
.PHONY: installcheck-regress installcheck-isolation installcheck-tap
installcheck-regress:
	$(pg_regress_installcheck) $(REGRESS_OPTS) $(REGRESS)
installcheck-isolation:
	$(pg_isolation_regress_installcheck) $(ISOLATION_OPTS) $(ISOLATION)
installcheck-tap:
	$(prove_installcheck)

.PHONY: test demo bench typedefs deb
typedefs:
	@bash tools/typedefs.sh
test:
	@bash tools/test.sh
# The Debian package postgresql-15-ri-audit, built from a copy of the tree in
# DEB_DIR (default /tmp/ri_audit_deb), which also receives the .deb.
deb:
	@bash tools/deb.sh

# The same tiers against an assert-enabled PostgreSQL 15 built once per
# machine (tools/cassert_server.sh), ri_audit built against its headers and
# installed into its private prefix; then Valgrind on the preview and
# orphan regress files, and the replay of PostgreSQL's regression scripts
# with every DROP and ALTER TABLE previewed.  .ci/run runs them all.
.PHONY: test-cassert test-valgrind test-replay
test-cassert:
	@bash tools/test_cassert.sh
test-valgrind:
	@bash tools/test_valgrind.sh
test-replay:
	@bash tools/test_replay.sh
demo:
	@bash tools/demo.sh
bench:
	@bash bench/run.sh

# "make print-REGRESS" and the like: tools/test.sh reads the test lists so
# that a test counts as passed only when its runner said so.
print-%:
	@echo $($*)
