#!/usr/bin/env bash
# tools/test.sh: "make test".  Installs what is missing, builds with -Werror,
# installs, then runs every test tier in throwaway clusters as an unprivileged
# user: pg_regress (sql/, expected/), isolation (specs/), TAP (t/).  Prints the
# diffs of failing tests and ends with one line "N passed, N failed".
#
# Environment knobs (for development): TIERS="regress isolation tap" picks
# tiers; REGRESS, ISOLATION and PROVE_TESTS narrow a tier to named tests.
set -u
cd "$(dirname "$0")/.."
. tools/common.sh

TIERS=${TIERS:-regress isolation tap}
passed=0
failed=0

ensure_packages || { echo "0 passed, 1 failed"; exit 1; }

# Several checkouts on one machine share the server's extension directory:
# hold a lock from install until the last test has run.
exec 9>/tmp/ri_audit_make_test.lock
flock 9

if ! build_and_install; then
	echo "build failed"
	echo "0 passed, 1 failed"
	exit 1
fi

work=$(mktemp -d /tmp/ri_audit_test.XXXXXX)
chmod 755 "$work"
stage_tree "$work/src"
cd "$work/src"

make_args=(PG_CONFIG="$PG_CONFIG")
[ -n "${REGRESS:-}" ] && make_args+=(REGRESS="$REGRESS")
[ -n "${ISOLATION:-}" ] && make_args+=(ISOLATION="$ISOLATION")
[ -n "${PROVE_TESTS:-}" ] && make_args+=(PROVE_TESTS="$PROVE_TESTS")

# count_pg_regress OUTPUT: print the numbers of passed and failed tests in
# a pg_regress or pg_isolation_regress output.
count_pg_regress() {
	local out=$1 ok bad
	ok=$(grep -cE '\.\.\. ok( |$)' "$out")
	bad=$(grep -cE '\.\.\. (FAILED|failed)' "$out")
	echo "$ok $bad"
}

for tier in $TIERS; do
	case $tier in
	regress)
		log "pg_regress"
		as_user make -s "${make_args[@]}" installcheck-regress \
			EXTRA_REGRESS_OPTS="--temp-instance=$work/src/tmp_regress --temp-config=$work/src/test/regress.conf" \
			>"$work/regress.log" 2>&1
		rc=$?
		cat "$work/regress.log"
		read -r ok bad < <(count_pg_regress "$work/regress.log")
		passed=$((passed + ok))
		failed=$((failed + bad))
		if [ $rc -ne 0 ]; then
			[ -f regression.diffs ] && cat regression.diffs
			[ "$bad" -eq 0 ] && failed=$((failed + 1))
		fi
		;;
	isolation)
		log "isolation"
		as_user make -s "${make_args[@]}" installcheck-isolation \
			EXTRA_REGRESS_OPTS="--temp-instance=$work/src/tmp_iso --temp-config=$work/src/test/regress.conf" \
			>"$work/isolation.log" 2>&1
		rc=$?
		cat "$work/isolation.log"
		read -r ok bad < <(count_pg_regress "$work/isolation.log")
		passed=$((passed + ok))
		failed=$((failed + bad))
		if [ $rc -ne 0 ]; then
			[ -f output_iso/regression.diffs ] && cat output_iso/regression.diffs
			[ "$bad" -eq 0 ] && failed=$((failed + 1))
		fi
		;;
	tap)
		log "TAP"
		ntap=$(ls t/*.pl 2>/dev/null | wc -l)
		as_user make -s "${make_args[@]}" installcheck-tap \
			>"$work/tap.log" 2>&1
		rc=$?
		if [ $rc -eq 0 ]; then
			grep -E '^(t/|All tests|Files=|Result)' "$work/tap.log"
		else
			cat "$work/tap.log"
		fi
		if [ -n "${PROVE_TESTS:-}" ]; then
			ntap=$(echo "$PROVE_TESTS" | wc -w)
		fi
		# prove lists each failing file in its summary as "t/NNN_x.pl (Wstat: ...".
		bad=$(grep -cE '^t/[^ ]+\.pl +\(Wstat' "$work/tap.log")
		if [ $rc -ne 0 ] && [ "$bad" -eq 0 ]; then
			bad=$ntap
		fi
		if [ "$bad" -gt 0 ]; then
			for f in tmp_check/log/regress_log_*; do
				[ -f "$f" ] || continue
				echo "---- tail of $f"
				tail -n 40 "$f"
			done
		fi
		passed=$((passed + ntap - bad))
		failed=$((failed + bad))
		;;
	*)
		echo "unknown tier: $tier" >&2
		failed=$((failed + 1))
		;;
	esac
done

cd /
if [ "$failed" -eq 0 ]; then
	rm -rf "$work"
else
	echo "test outputs kept in $work"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
