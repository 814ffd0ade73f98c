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
#
# The server is Debian's PostgreSQL 15 unless PG_CONFIG names another one
# (see tools/common.sh); "make test-cassert" runs this script with the
# assert-enabled server's pg_config and TEST_LABEL=cassert.  After each
# tier the server logs of its clusters are searched for failed assertions,
# crashes and memory corruption reports; each log with such a report counts
# as one more failed test, since a postmaster that restarted after a crash
# can let later tests pass.
set -u
cd "$(dirname "$0")/.."
. tools/common.sh

TIERS=${TIERS:-regress isolation tap}
label=${TEST_LABEL:+[$TEST_LABEL] }
passed=0
failed=0

ensure_packages || { echo "0 passed, 1 failed"; exit 1; }
# Mermaid's parser, for t/050_graph_render.pl (installed once per machine).
RI_AUDIT_MERMAID_DIR=${RI_AUDIT_MERMAID_DIR:-$(bash tools/mermaid.sh)}
export RI_AUDIT_MERMAID_DIR

# Several checkouts on one machine share the server's extension directory:
# hold a lock from install until the last test has run.
exec 9>"$(install_lock_file)"
flock -n 9 || { log "waiting for $(install_lock_file): another run uses this server"; flock 9; }
log "${label}server: $PG_BINDIR"

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

# temp_config TIER: a --temp-config for pg_regress's temporary instance:
# test/regress.conf, plus a logging collector writing outside the instance,
# since pg_regress removes the instance (and its log) when all tests pass,
# and the log must be searched for crashes all the same.
temp_config() {
	local conf=$work/$1.conf dir=$work/serverlog-$1
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown "$RUN_USER" "$dir"
	{
		cat "$work/src/test/regress.conf"
		echo "logging_collector = on"
		echo "log_directory = '$dir'"
	} >"$conf"
	chmod 644 "$conf"
	echo "$conf"
}

# tally TIER EXPECTED OK: add a tier's results to the totals.
tally() {
	local tier=$1 expected=$2 ok=$3
	[ "$ok" -gt "$expected" ] && ok=$expected
	passed=$((passed + ok))
	failed=$((failed + expected - ok))
	echo "==> $label$tier: $ok of $expected passed" >&2
}

# What a server log says when a backend failed an assertion, died on a
# signal, or glibc caught heap corruption; "terminating connection because
# of crash" is what the other backends see.
CRASH_PATTERN='TRAP: |was terminated by signal|server process \(PID [0-9]+\) was terminated|terminating connection because of crash|PANIC:  |double free|corrupted (size|double-linked|top size)|malloc\(\): |free\(\): '

# scan_logs TIER LOG...: count each server log that reports a crash as one
# failed test, and print the lines that say so.
scan_logs() {
	local tier=$1 f bad=0
	shift
	for f in "$@"; do
		[ -f "$f" ] || continue
		if grep -qE "$CRASH_PATTERN" "$f"; then
			bad=$((bad + 1))
			echo "==> $label$tier: server log $f reports a crash or a failed assertion:"
			grep -nE -B3 -A3 "$CRASH_PATTERN" "$f" | head -n 60
		fi
	done
	if [ $bad -gt 0 ]; then
		failed=$((failed + bad))
		echo "==> $label$tier: $bad server log(s) with a crash" >&2
	fi
}

for tier in $TIERS; do
	case $tier in
	regress)
		log "pg_regress"
		expected=$(tests_in REGRESS | wc -w)
		as_user make -s "${make_args[@]}" installcheck-regress \
			EXTRA_REGRESS_OPTS="--temp-instance=$work/src/tmp_regress --temp-config=$(temp_config regress)" \
			>"$work/regress.log" 2>&1
		rc=$?
		cat "$work/regress.log"
		ok=$(count_ok "$work/regress.log" '\.\.\. ok( |$)')
		[ $rc -ne 0 ] && [ -f regression.diffs ] && cat regression.diffs
		tally regress "$expected" "$ok"
		scan_logs regress "$work"/serverlog-regress/* tmp_regress/log/*.log
		;;
	isolation)
		log "isolation"
		expected=$(tests_in ISOLATION | wc -w)
		as_user make -s "${make_args[@]}" installcheck-isolation \
			EXTRA_REGRESS_OPTS="--temp-instance=$work/src/tmp_iso --temp-config=$(temp_config isolation)" \
			>"$work/isolation.log" 2>&1
		rc=$?
		cat "$work/isolation.log"
		ok=$(count_ok "$work/isolation.log" '\.\.\. ok( |$)')
		[ $rc -ne 0 ] && [ -f output_iso/regression.diffs ] && cat output_iso/regression.diffs
		tally isolation "$expected" "$ok"
		scan_logs isolation "$work"/serverlog-isolation/* tmp_iso/log/*.log
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
		# prove prints "t/NNN_x.pl ..... ok" for each file that passed, and
		# "t/NNN_x.pl ..... skipped: <reason>" for one that planned
		# skip_all: that one counts as neither passed nor failed.
		ok=$(count_ok "$work/tap.log" '^t/[^ ]+\.pl \.+ ok$')
		skipped=$(count_ok "$work/tap.log" '^t/[^ ]+\.pl \.+ skipped: ')
		expected=$((expected - skipped))
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
		[ "$skipped" -gt 0 ] && log "${label}TAP: $skipped skipped, counted as neither"
		# The nodes' server logs, not the harness's regress_log_* files
		# (which quote logs that tests matched against these patterns).
		node_logs=()
		for f in tmp_check/log/*.log; do
			case $f in */regress_log_*) ;; *) node_logs+=("$f") ;; esac
		done
		scan_logs TAP "${node_logs[@]}"
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
echo "$label$passed passed, $failed failed"
[ "$failed" -eq 0 ]
