#!/usr/bin/env bash
# tools/deb.sh: "make deb".  Builds the Debian package postgresql-15-ri-audit
# with dpkg-buildpackage (debian/: pg_buildext, dh --with pgxs) from a copy
# of the working tree (tracked and untracked files, without what .gitignore
# names) in a scratch directory, so that no build output lands in the tree.
#
# DEB_DIR (default /tmp/ri_audit_deb) receives the source copy and the
# built files; the path of the .deb is printed on the last line.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/common.sh

DEB_PACKAGES=(dpkg-dev debhelper postgresql-server-dev-all build-essential)
RI_PACKAGES+=("${DEB_PACKAGES[@]}")
ensure_packages

DEB_DIR=${DEB_DIR:-/tmp/ri_audit_deb}
version=$(dpkg-parsechangelog -l debian/changelog -S Version)
src="$DEB_DIR/ri-audit-$version"
rm -rf "$DEB_DIR"
mkdir -p "$src"
if git rev-parse --git-dir >/dev/null 2>&1; then
	git ls-files -z --cached --others --exclude-standard |
		rsync -a --from0 --files-from=- ./ "$src/"
else
	rsync -a --exclude .git ./ "$src/"
fi

log "dpkg-buildpackage in $src"
(cd "$src" && dpkg-buildpackage -us -uc) >"$DEB_DIR/build.log" 2>&1 || {
	tail -n 60 "$DEB_DIR/build.log" >&2
	echo "dpkg-buildpackage failed; log: $DEB_DIR/build.log" >&2
	exit 1
}
deb=$(ls "$DEB_DIR"/postgresql-15-ri-audit_"$version"_*.deb)
log "built $deb"
echo "$deb"
