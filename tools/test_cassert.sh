#!/usr/bin/env bash
# tools/test_cassert.sh: "make test-cassert".  The regress, isolation and
# TAP tiers of "make test" (tools/test.sh, with the same knobs: TIERS,
# REGRESS, ISOLATION, PROVE_TESTS) against the assert-enabled server of
# tools/cassert_server.sh, built first when the machine has none: ri_audit
# is built against that server's PGXS and installed into its private
# prefix.  Ends with one line "[cassert] N passed, N failed".
set -u
cd "$(dirname "$0")/.." || exit 1
. tools/common.sh

ensure_packages || { echo "[cassert] 0 passed, 1 failed"; exit 1; }
if ! bindir=$(bash tools/cassert_server.sh); then
	echo "the assert-enabled server could not be built"
	echo "[cassert] 0 passed, 1 failed"
	exit 1
fi
# tools/cassert_server.sh installs dummy_seclabel: t/026 must not skip.
PG_CONFIG=$bindir/pg_config TEST_LABEL=cassert RI_AUDIT_REQUIRE_SECLABEL=1 \
	exec bash tools/test.sh
