#!/usr/bin/env bash
# tools/test_deb.sh: the Debian package tier of CI.  Builds
# postgresql-15-ri-audit (tools/deb.sh), installs it with dpkg -i, checks that
# the server's extension files are the package's, and runs what
# debian/tests/installcheck runs (pg_buildext installcheck: pg_regress,
# isolation and TAP against the installed files, in a throwaway cluster made
# by pg_virtualenv) as an unprivileged user, from a copy of the tree that has
# no build output in it.  Ends with one line "N passed, N failed".
#
# The package installs into the same directories as "make install", which
# tools/test.sh of every checkout on this machine uses under the lock
# /tmp/ri_audit_make_test.lock: the lock is held from dpkg -i until the
# package is removed again (dpkg -r), so no "make test" runs against the
# package's files and none finds a package owning files it installs.
set -u
cd "$(dirname "$0")/.."
. tools/common.sh

if [ "$(id -u)" != 0 ]; then
	echo "tools/test_deb.sh installs a package: run it as root" >&2
	echo "0 passed, 1 failed"
	exit 1
fi

RI_PACKAGES+=(dpkg-dev debhelper postgresql-server-dev-all build-essential)
ensure_packages || { echo "0 passed, 1 failed"; exit 1; }
RI_AUDIT_MERMAID_DIR=${RI_AUDIT_MERMAID_DIR:-$(bash tools/mermaid.sh)}
export RI_AUDIT_MERMAID_DIR

work=$(mktemp -d /tmp/ri_audit_test_deb.XXXXXX)
chmod 755 "$work"
export DEB_DIR=$work/deb
deb=$(bash tools/deb.sh | tail -n 1)
if [ ! -f "$deb" ]; then
	echo "the package did not build"
	echo "0 passed, 1 failed"
	exit 1
fi

stage_tree "$work/src"
expected=$(( $(make -s --no-print-directory print-REGRESS | wc -w) +
	$(make -s --no-print-directory print-ISOLATION | wc -w) +
	$(ls t/*.pl | wc -l) ))

exec 9>"$(install_lock_file)"
flock 9

log "dpkg -i $(basename "$deb")"
if ! dpkg -i "$deb" >"$work/dpkg.log" 2>&1; then
	cat "$work/dpkg.log"
	dpkg -r postgresql-15-ri-audit >/dev/null 2>&1
	echo "0 passed, $expected failed"
	exit 1
fi

# Every file the server loads for ri_audit is the package's, unmodified.
ok_files=1
for f in /usr/lib/postgresql/15/lib/ri_audit.so \
	/usr/share/postgresql/15/extension/ri_audit.control \
	/usr/share/postgresql/15/extension/ri_audit--*.sql; do
	dpkg -S "$f" 2>/dev/null | grep -q '^postgresql-15-ri-audit:' || {
		echo "not from the package: $f" >&2
		ok_files=0
	}
done
dpkg --verify postgresql-15-ri-audit || ok_files=0

log "pg_buildext installcheck (debian/tests/installcheck) as $RUN_USER"
(cd "$work/src" && as_user env PG_REGRESS_DIFF_OPTS=-U3 \
	sh debian/tests/installcheck) >"$work/installcheck.log" 2>&1
rc=$?

log "dpkg -r postgresql-15-ri-audit"
dpkg -r postgresql-15-ri-audit >"$work/dpkg_r.log" 2>&1 || cat "$work/dpkg_r.log"
flock -u 9

# pg_regress and isolation print "test NAME ... ok"; prove prints
# "t/NAME.pl .. ok", or "t/NAME.pl .. skipped: <reason>" for a file that
# planned skip_all, which counts as neither passed nor failed.  A test not
# reported as passed or skipped counts as failed.
ok=$(grep -cE '\.\.\. ok( |$)|^t/[^ ]+\.pl \.+ ok$' "$work/installcheck.log")
skipped=$(grep -cE '^t/[^ ]+\.pl \.+ skipped: ' "$work/installcheck.log")
expected=$((expected - skipped))
[ "$ok" -gt "$expected" ] && ok=$expected
[ $rc -ne 0 ] && [ "$ok" -ge "$expected" ] && ok=$((expected - 1))
if [ $rc -eq 0 ]; then
	grep -E '(\.\.\. ok|^t/.* (ok|skipped: .*)$|tests passed|^Result)' "$work/installcheck.log"
else
	cat "$work/installcheck.log"
fi
passed=$((ok + ok_files))
failed=$((expected - ok + 1 - ok_files))
echo "==> deb: package built, installed from $(basename "$deb"), installcheck $ok of $expected passed, $skipped skipped" >&2
cd /
if [ "$failed" -eq 0 ]; then
	rm -rf "$work"
else
	echo "test outputs kept in $work"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
