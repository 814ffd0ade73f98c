#!/usr/bin/env bash
# tools/test_replay.sh: "make test-replay".  Replays PostgreSQL 15's own
# regression scripts (src/test/regress/sql of the tarball that
# tools/cassert_server.sh caches), in parallel_schedule order, one at a
# time, into a database of the assert-enabled server where the event
# triggers of test/replay/setup.sql preview every DROP and ALTER TABLE
# before it runs and record what it really dropped.  tools/replay_report.pl
# then compares the two and searches the server log for crashes.
#
# Every script runs: regress.so, autoinc.so and refint.so (the C functions
# some scripts load) are built from the same tarball against the server's
# PGXS.  The scripts' expected output is not compared (the event triggers
# and ri_audit's objects change some of it); what is checked is printed as
# pass/fail lines, and the last line is "[replay] N passed, N failed".
#
# Knobs: REPLAY_TESTS="test_setup create_view ..." replays only those
# scripts (test_setup is always replayed first, the others depend on it);
# REPLAY_KEEP=1 keeps the work directory.
set -u
cd "$(dirname "$0")/.." || exit 1
. tools/common.sh

fail_early() {
	echo "$1"
	echo "[replay] 0 passed, 1 failed"
	exit 1
}

ensure_packages || fail_early "packages missing"
bindir=$(bash tools/cassert_server.sh) || fail_early "the assert-enabled server could not be built"
PG_CONFIG=$bindir/pg_config
PG_BINDIR=$bindir
export PG_CONFIG

version=$("$PG_CONFIG" --version | sed 's/^PostgreSQL \([0-9.]*\).*/\1/')
cache=${RI_AUDIT_CACHE:-/var/cache/ri_audit}
tarball=$cache/src/postgresql-15_$version.orig.tar.bz2
[ -f "$tarball" ] || fail_early "no $tarball"

exec 9>"$(install_lock_file)"
flock -n 9 || { log "waiting for $(install_lock_file): another run uses this server"; flock 9; }
log "[replay] server: $bindir"
t_begin=$(date +%s)
build_and_install || fail_early "build failed"

work=$(mktemp -d /tmp/ri_audit_replay.XXXXXX)
chmod 755 "$work"
src=$work/postgresql-$version
log "[replay] extracting the regression scripts from $tarball"
tar -xjf "$tarball" -C "$work" "postgresql-$version/src/test/regress" \
	"postgresql-$version/contrib/spi" || fail_early "cannot extract the regression scripts"

# The C functions the scripts load, against the server's PGXS.
lib=$work/lib
mkdir -p "$lib"
cp "$src/src/test/regress/regress.c" "$src/contrib/spi/autoinc.c" \
	"$src/contrib/spi/refint.c" "$lib/"
cat >"$lib/Makefile" <<EOF
MODULES = regress autoinc refint
PG_CONFIG = $PG_CONFIG
PGXS := \$(shell \$(PG_CONFIG) --pgxs)
include \$(PGXS)
EOF
make -s -C "$lib" >"$work/lib-build.log" 2>&1 || {
	cat "$work/lib-build.log"
	fail_early "regress.so could not be built"
}

regress=$src/src/test/regress
out=$work/out
mkdir -p "$out/results" "$work/sock" "$work/log"
chmod -R a+rX "$work"
[ "$(id -u)" = 0 ] && chown -R "$RUN_USER" "$out" "$work/sock" "$work/log"

data=$work/data
mkdir -p "$data"
chmod 700 "$data"
[ "$(id -u)" = 0 ] && chown "$RUN_USER" "$data"
port=$((56100 + RANDOM % 800))
as_user initdb -D "$data" -A trust -U postgres -E UTF8 --locale=C \
	>"$work/initdb.log" 2>&1 || {
	cat "$work/initdb.log"
	fail_early "initdb failed"
}
# As pg_regress configures its temporary instance, plus the log the report
# reads.  Autovacuum is off so that the dead catalog entries the scripts
# leave behind stay for the previews to meet, as in a busy database.
cat >>"$data/postgresql.conf" <<EOF
listen_addresses = ''
unix_socket_directories = '$work/sock'
port = $port
fsync = off
max_prepared_transactions = 2
autovacuum = off
lc_messages = 'C'
logging_collector = on
log_directory = '$work/log'
log_filename = 'server.log'
log_line_prefix = '%m [%p] '
log_min_error_statement = panic
log_autovacuum_min_duration = -1
restart_after_crash = on
EOF
[ "$(id -u)" = 0 ] && chown "$RUN_USER" "$data/postgresql.conf"

stop_server() {
	as_user pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 ||
		as_user pg_ctl -D "$data" -m immediate -w stop >/dev/null 2>&1
}
trap stop_server EXIT

# -c: a crashing backend leaves a core file in the data directory, and its
# backtrace is printed below.
as_user pg_ctl -D "$data" -l "$work/log/postmaster.log" -c -w start >/dev/null ||
	fail_early "the server did not start"

psql_as_user() {
	as_user env PGHOST="$work/sock" PGPORT="$port" PGUSER=postgres \
		PGTZ=PST8PDT PGDATESTYLE='Postgres, MDY' \
		PG_ABS_SRCDIR="$regress" PG_ABS_BUILDDIR="$out" \
		PG_LIBDIR="$lib" PG_DLSUFFIX=.so \
		timeout -k 10 "${REPLAY_TIMEOUT:-300}" psql -X "$@"
}

# The database, as pg_regress creates it.
psql_as_user -q -d postgres -v ON_ERROR_STOP=1 >"$work/setup.log" 2>&1 <<'EOF' ||
CREATE DATABASE "regression" TEMPLATE=template0;
ALTER DATABASE "regression" SET lc_messages TO 'C';
ALTER DATABASE "regression" SET lc_monetary TO 'C';
ALTER DATABASE "regression" SET lc_numeric TO 'C';
ALTER DATABASE "regression" SET lc_time TO 'C';
ALTER DATABASE "regression" SET bytea_output TO 'hex';
ALTER DATABASE "regression" SET timezone_abbreviations TO 'Default';
EOF
	{ cat "$work/setup.log"; fail_early "cannot create the database"; }
# Read as the caller: the test user may not enter the checkout.
psql_as_user -q -d regression -v ON_ERROR_STOP=1 <test/replay/setup.sql \
	>>"$work/setup.log" 2>&1 || {
	cat "$work/setup.log"
	fail_early "cannot install the event triggers"
}

# The scripts, in parallel_schedule order.
tests=$(sed -n 's/^test: *//p' "$regress/parallel_schedule" | tr ' ' '\n' | grep -v '^$')
if [ -n "${REPLAY_TESTS:-}" ]; then
	tests=$(printf 'test_setup\n%s\n' "$REPLAY_TESTS" | tr ' ' '\n' | grep -v '^$' | awk '!seen[$0]++')
fi

start=$(date +%s)
: >"$work/scripts.txt"
for t in $tests; do
	f=$regress/sql/$t.sql
	if [ ! -f "$f" ]; then
		echo "$t missing" >>"$work/scripts.txt"
		continue
	fi
	# After a crash the postmaster reinitializes; wait for it.
	for _ in $(seq 1 60); do
		as_user pg_isready -q -h "$work/sock" -p "$port" && break
		sleep 1
	done
	t0=$(date +%s)
	# A script must not hang the tier: 10 minutes each at most.
	REPLAY_TIMEOUT=600 psql_as_user -a -q -d regression -v HIDE_TABLEAM=on \
		-v HIDE_TOAST_COMPRESSION=on <"$f" >"$out/$t.out" 2>&1
	rc=$?
	printf '%s %s %s\n' "$t" "$rc" "$(($(date +%s) - t0))" >>"$work/scripts.txt"
	# A lost connection is usually a crash: the postmaster then ends every
	# session and reinitializes; let it begin before the next script
	# connects, or that script is ended with this crash.
	[ $rc -eq 2 ] && sleep 3
	[ $rc -ne 0 ] && printf '  %-28s psql exited with %s after %ss\n' "$t" "$rc" "$(($(date +%s) - t0))" >&2
done
log "[replay] $(wc -l <"$work/scripts.txt") scripts in $(($(date +%s) - start)) s ($(($(date +%s) - t_begin)) s with the build and setup)"

stop_server
trap - EXIT

# Backtraces of the backends that crashed (with this machine's
# kernel.core_pattern "core", of the last one only: each core overwrites
# the previous).
if command -v gdb >/dev/null; then
	for core in "$data"/core*; do
		[ -f "$core" ] || continue
		echo "==> [replay] backtrace of $core:"
		gdb -batch -nx -ex 'bt 25' "$bindir/postgres" "$core" 2>/dev/null |
			grep -E '^#[0-9]+' | awk '!seen[$0]++' | head -n 25
	done >"$work/backtraces.txt"
fi

perl tools/replay_report.pl "$work/log/server.log" "$work/scripts.txt" \
	"$work/report.txt"
rc=$?
[ -s "$work/backtraces.txt" ] && cat "$work/backtraces.txt"
cat "$work/report.txt"
if [ $rc -eq 0 ] && [ -z "${REPLAY_KEEP:-}" ]; then
	rm -rf "$work"
else
	echo "replay outputs kept in $work (server log: $work/log/server.log, script outputs: $out)"
fi
exit $rc
