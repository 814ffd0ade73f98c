#!/usr/bin/env bash
# tools/test.sh: "make test".  Installs what is missing, builds with -Werror,
# installs, then runs every test tier in throwaway clusters as an unprivileged
# user: pg_regress (sql/, expected/), isolation (specs/), TAP (t/).  Prints the
# diffs of failing tests and ends with one line "N passed, N failed".
#
# Knobs for development, given on make's command line so that they override
# the Makefile's own lists: make test TIERS="regress isolation tap" picks
# tiers; REGRESS="...", ISOLATION="..." and PROVE_TESTS="t/..." narrow a
# tier to the named tests.
set -u
cd "$(dirname "$0")/.."
. tools/common.sh

TIERS=${TIERS:-regress isolation tap}
passed=0
failed=0

ensure_packages || { echo "0 passed, 1 failed"; exit 1; }
# Mermaid's parser, for t/050_graph_render.pl (installed once per machine).
RI_AUDIT_MERMAID_DIR=${RI_AUDIT_MERMAID_DIR:-$(bash tools/mermaid.sh)}
export RI_AUDIT_MERMAID_DIR

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

# tests_in LIST-VARIABLE: the tests a tier should run, from the Makefile (or
# the REGRESS/ISOLATION override).
tests_in() {
	make -s --no-print-directory "${make_args[@]}" "print-$1"
}

# count_ok LOG PATTERN: how many tests a runner's log reports as passed; 0
# when the log is missing.  Every test of a tier that is not reported as
# passed counts as failed, so a runner that dies, or a log that vanishes,
# can never look like success.
count_ok() {
	[ -s "$1" ] || { echo 0; return; }
	grep -cE "$2" "$1"
}

# tally TIER EXPECTED OK: add a tier's results to the totals.
tally() {
	local tier=$1 expected=$2 ok=$3
	[ "$ok" -gt "$expected" ] && ok=$expected
	passed=$((passed + ok))
	failed=$((failed + expected - ok))
	echo "==> $tier: $ok of $expected passed" >&2
}

for tier in $TIERS; do
	case $tier in
	regress)
		log "pg_regress"
		expected=$(tests_in REGRESS | wc -w)
		as_user make -s "${make_args[@]}" installcheck-regress \
			EXTRA_REGRESS_OPTS="--temp-instance=$work/src/tmp_regress --temp-config=$work/src/test/regress.conf" \
			>"$work/regress.log" 2>&1
		rc=$?
		cat "$work/regress.log"
		ok=$(count_ok "$work/regress.log" '\.\.\. ok( |$)')
		[ $rc -ne 0 ] && [ -f regression.diffs ] && cat regression.diffs
		tally regress "$expected" "$ok"
		;;
	isolation)
		log "isolation"
		expected=$(tests_in ISOLATION | wc -w)
		as_user make -s "${make_args[@]}" installcheck-isolation \
			EXTRA_REGRESS_OPTS="--temp-instance=$work/src/tmp_iso --temp-config=$work/src/test/regress.conf" \
			>"$work/isolation.log" 2>&1
		rc=$?
		cat "$work/isolation.log"
		ok=$(count_ok "$work/isolation.log" '\.\.\. ok( |$)')
		[ $rc -ne 0 ] && [ -f output_iso/regression.diffs ] && cat output_iso/regression.diffs
		tally isolation "$expected" "$ok"
		;;
	tap)
		log "TAP"
		if [ -n "${PROVE_TESTS:-}" ]; then
			expected=$(echo "$PROVE_TESTS" | wc -w)
		else
			expected=$(ls t/*.pl 2>/dev/null | wc -l)
		fi
		as_user make -s "${make_args[@]}" installcheck-tap \
			>"$work/tap.log" 2>&1
		rc=$?
		# prove prints "t/NNN_x.pl ..... ok" for each file that passed.
		ok=$(count_ok "$work/tap.log" '^t/[^ ]+\.pl \.+ ok$')
		[ $rc -ne 0 ] && ok=$((ok < expected ? ok : expected - 1))
		if [ $rc -eq 0 ]; then
			grep -E '^(t/|All tests|Files=|Result)' "$work/tap.log"
		else
			cat "$work/tap.log"
			for f in tmp_check/log/regress_log_*; do
				[ -f "$f" ] || continue
				echo "---- tail of $f"
				tail -n 40 "$f"
			done
		fi
		tally TAP "$expected" "$ok"
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
