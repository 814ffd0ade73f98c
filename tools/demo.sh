#!/usr/bin/env bash
# tools/demo.sh: "make demo".  Installs what is missing, builds and installs
# ri_audit, starts a throwaway cluster as an unprivileged user, loads the
# sample shop database (demo/sample.sql) and prints the audit report
# (demo/report.sql).  The cluster is removed afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/common.sh

ensure_packages
exec 9>/tmp/ri_audit_make_test.lock
flock 9
build_and_install
flock -u 9

dir=$(mktemp -d /tmp/ri_audit_demo.XXXXXX)
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown "$RUN_USER" "$dir"
port=$((20000 + RANDOM % 20000))
stop_cluster() {
	as_user pg_ctl -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
	rm -rf "$dir"
}
trap stop_cluster EXIT

log "starting a throwaway cluster in $dir"
as_user initdb -D "$dir/data" -A trust -U postgres -E UTF8 --no-locale >/dev/null
as_user pg_ctl -D "$dir/data" -l "$dir/server.log" -w \
	-o "-k $dir -p $port -c listen_addresses=''" start >/dev/null

psql_demo() {
	as_user psql -X -q -h "$dir" -p "$port" -U postgres -d postgres "$@"
}

log "loading the sample shop database (demo/sample.sql)"
psql_demo -v ON_ERROR_STOP=1 <demo/sample.sql
log "running the audit (demo/report.sql)"
echo
psql_demo -v ON_ERROR_STOP=1 <demo/report.sql
