#!/usr/bin/env bash
# tools/test_valgrind.sh: "make test-valgrind".  Runs the drop-preview,
# orphan and keyset regress files (and setup, which they need) against the
# assert-enabled server of tools/cassert_server.sh running under Valgrind's
# memcheck.  That server is built with USE_VALGRIND, so palloc'd chunks are
# known to memcheck: a read of freed or uninitialised memory, or past the
# end of a chunk, is reported where it happens, not when it crashes.
#
# pg_regress cannot start its temporary instance under Valgrind, so this
# script runs initdb, starts the postmaster under valgrind by hand on a
# private port and socket directory (every backend is a forked child and
# writes its own log), and runs pg_regress against it.  The suppressions
# are PostgreSQL's own src/tools/valgrind.supp.  Every pg_regress test not
# reported "ok" fails, and so does every process log with a Valgrind error.
# No --error-exitcode: a backend exiting with it is a crash to the
# postmaster, which would end the sessions of the files after it, so that
# one error would hide what those files do.  A crash (signal, failed
# assertion) is searched for in the postmaster's log.  Ends with
# "[valgrind] N passed, N failed".
#
# Knobs: VALGRIND_REGRESS="setup keyset" picks the files; the default is
# every file of the Makefile's REGRESS list named setup, drop_preview_*,
# orphans_* or keyset*.
set -u
cd "$(dirname "$0")/.." || exit 1
. tools/common.sh

fail_early() {
	echo "$1"
	echo "[valgrind] 0 passed, 1 failed"
	exit 1
}

ensure_packages || fail_early "packages missing"
command -v valgrind >/dev/null || {
	"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends valgrind >/dev/null
} || fail_early "valgrind is not installed"
bindir=$(bash tools/cassert_server.sh) || fail_early "the assert-enabled server could not be built"
PG_CONFIG=$bindir/pg_config
PG_BINDIR=$bindir
export PG_CONFIG
supp=$(dirname "$bindir")/share/valgrind.supp
[ -f "$supp" ] || fail_early "no $supp"

exec 9>"$(install_lock_file)"
flock -n 9 || { log "waiting for $(install_lock_file): another run uses this server"; flock 9; }
log "[valgrind] server: $bindir"
build_and_install || fail_early "build failed"

work=$(mktemp -d /tmp/ri_audit_valgrind.XXXXXX)
chmod 755 "$work"
stage_tree "$work/src"
cd "$work/src" || exit 1

if [ -n "${VALGRIND_REGRESS:-}" ]; then
	tests=$VALGRIND_REGRESS
else
	tests=$(make -s --no-print-directory PG_CONFIG="$PG_CONFIG" print-REGRESS |
		tr ' ' '\n' | grep -E '^(setup|drop_preview_.*|orphans_.*|keyset.*)$' | tr '\n' ' ')
fi
expected=$(echo $tests | wc -w)

data=$work/data
vg=$work/valgrind
mkdir -p "$data" "$vg" "$work/sock"
chmod 700 "$data"
[ "$(id -u)" = 0 ] && chown "$RUN_USER" "$data" "$vg" "$work/sock"
port=$((57100 + RANDOM % 800))
as_user initdb -D "$data" -A trust -U postgres -E UTF8 --no-locale \
	>"$work/initdb.log" 2>&1 || { cat "$work/initdb.log"; fail_early "initdb failed"; }
{
	cat test/regress.conf
	cat <<EOF
listen_addresses = ''
unix_socket_directories = '$work/sock'
port = $port
fsync = off
autovacuum = off
max_connections = 20
EOF
} >>"$data/postgresql.conf"

start=$(date +%s)
log "[valgrind] starting the postmaster under valgrind (logs: $vg)"
as_user valgrind --quiet --trace-children=yes --track-origins=yes \
	--read-var-info=no --leak-check=no --num-callers=30 \
	--gen-suppressions=all --suppressions="$supp" \
	--error-markers=VALGRINDERROR-BEGIN,VALGRINDERROR-END \
	--log-file="$vg/%p.log" \
	postgres -D "$data" >"$work/postmaster.log" 2>&1 &
vg_pid=$!

stop_server() {
	as_user pg_ctl -D "$data" -m fast -w -t 300 stop >/dev/null 2>&1 ||
		as_user pg_ctl -D "$data" -m immediate -w stop >/dev/null 2>&1
	wait "$vg_pid" 2>/dev/null
}
trap stop_server EXIT

for _ in $(seq 1 300); do
	as_user pg_isready -q -h "$work/sock" -p "$port" && break
	kill -0 "$vg_pid" 2>/dev/null || break
	sleep 1
done
as_user pg_isready -q -h "$work/sock" -p "$port" || {
	cat "$work/postmaster.log"
	fail_early "the server did not start under valgrind"
}
log "[valgrind] server up after $(($(date +%s) - start)) s; running: $tests"

as_user env PGHOST="$work/sock" PGPORT="$port" \
	make -s PG_CONFIG="$PG_CONFIG" installcheck-regress REGRESS="$tests" \
	>"$work/regress.log" 2>&1
rc=$?
cat "$work/regress.log"
[ $rc -ne 0 ] && [ -f regression.diffs ] && head -n 200 regression.diffs

stop_server
trap - EXIT
log "[valgrind] $(($(date +%s) - start)) s under valgrind"

ok=0
[ -s "$work/regress.log" ] && ok=$(grep -cE '\.\.\. ok( |$)' "$work/regress.log")
[ "$ok" -gt "$expected" ] && ok=$expected
passed=$ok
failed=$((expected - ok))
echo "==> [valgrind] regress: $ok of $expected passed" >&2

bad=0
nlogs=0
for f in "$vg"/*.log; do
	[ -f "$f" ] || continue
	nlogs=$((nlogs + 1))
	if grep -qE 'VALGRINDERROR-BEGIN|ERROR SUMMARY: [1-9]|Invalid (read|write|free)|uninitialised' "$f"; then
		bad=$((bad + 1))
		if [ $bad -le 5 ]; then
			echo "==> [valgrind] $f:"
			sed -n '/VALGRINDERROR-BEGIN/,/VALGRINDERROR-END/p' "$f" | head -n 80
		fi
	fi
done
echo "==> [valgrind] $nlogs process logs, $bad with a Valgrind error" >&2
failed=$((failed + bad))
# A postmaster that crashed or restarted, or an error outside a backend.
if grep -qE 'TRAP: |was terminated by signal|server process \(PID [0-9]+\) exited with exit code|terminating connection because of crash|PANIC:  ' "$work/postmaster.log"; then
	echo "==> [valgrind] the postmaster log reports a crash:"
	grep -nE -A2 'TRAP: |was terminated by signal|server process \(PID [0-9]+\) exited with exit code|terminating connection because of crash|PANIC:  ' "$work/postmaster.log" | head -n 40
	[ $bad -eq 0 ] && failed=$((failed + 1))
fi

cd /
if [ "$failed" -eq 0 ]; then
	rm -rf "$work"
else
	echo "valgrind outputs kept in $work"
fi
echo "[valgrind] $passed passed, $failed failed"
[ "$failed" -eq 0 ]
