# tools/common.sh: shared by test.sh, demo.sh, bench/run.sh and the other
# test tiers.
#
# Installs what is missing (Debian 12 packages), builds and installs the
# extension, and runs commands as an unprivileged user, since initdb and
# postgres refuse to run as root.
#
# The server built against and tested is Debian's PostgreSQL 15, unless
# PG_CONFIG in the environment names another installation's pg_config
# ("make test-cassert" passes the assert-enabled server's).  Its bindir
# comes first in the PATH of every command run as the test user, so initdb,
# postgres, psql and pg_ctl are that installation's; PGXS finds pg_regress,
# pg_isolation_regress and the TAP modules under its pgxs directory.

DEBIAN_PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
PG_CONFIG=${PG_CONFIG:-$DEBIAN_PG_CONFIG}
case $PG_CONFIG in
*/*) ;;
*) PG_CONFIG=$(command -v "$PG_CONFIG" || echo "$PG_CONFIG") ;;
esac
if [ "$PG_CONFIG" = "$DEBIAN_PG_CONFIG" ]; then
	# Known before postgresql-server-dev-15 is installed.
	PG_BINDIR=/usr/lib/postgresql/15/bin
elif [ -x "$PG_CONFIG" ]; then
	PG_BINDIR=$("$PG_CONFIG" --bindir)
else
	echo "PG_CONFIG=$PG_CONFIG is not an executable pg_config" >&2
	exit 1
fi
export PG_CONFIG

# install_lock_file: the lock that serializes installing into, and testing
# against, this server's directories, shared by every checkout on the
# machine.  Debian's server keeps the historical name.
install_lock_file() {
	if [ "$PG_CONFIG" = "$DEBIAN_PG_CONFIG" ]; then
		echo /tmp/ri_audit_make_test.lock
	else
		echo "/tmp/ri_audit_make_test.$(printf '%s' "$PG_BINDIR" | tr -c 'A-Za-z0-9' _).lock"
	fi
}

# Packages the build and every test tier need.
RI_PACKAGES=(make gcc postgresql-15 postgresql-server-dev-15
	postgresql-common libipc-run-perl perl rsync util-linux graphviz)

if [ "$(id -u)" = 0 ]; then
	AS_ROOT=()
	RUN_USER=postgres
else
	AS_ROOT=(sudo)
	RUN_USER=$(id -un)
fi

log() { printf '==> %s\n' "$*" >&2; }

ensure_packages() {
	local missing=() p
	for p in "${RI_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	log "installing missing packages: ${missing[*]}"
	"${AS_ROOT[@]}" apt-get update -qq
	"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# as_user CMD...: run CMD as the unprivileged test user.
as_user() {
	if [ "$(id -u)" = 0 ]; then
		runuser -u "$RUN_USER" -- env PATH="$PG_BINDIR:$PATH" "$@"
	else
		env PATH="$PG_BINDIR:$PATH" "$@"
	fi
}

# build_and_install [extra make args]: build with warnings as errors and
# install into the server's directories.
build_and_install() {
	make -s clean >/dev/null
	log "building (-Wall -Werror)"
	make -s PG_CONFIG="$PG_CONFIG" PG_CFLAGS="-Wall -Werror" "$@" || return 1
	log "installing"
	# Scripts of versions this tree does not have (left by another checkout
	# or an older build) would be offered to CREATE and ALTER EXTENSION.
	"${AS_ROOT[@]}" rm -f "$("$PG_CONFIG" --sharedir)"/extension/ri_audit--*.sql \
		"$("$PG_CONFIG" --sharedir)"/extension/ri_audit.control
	"${AS_ROOT[@]}" make -s PG_CONFIG="$PG_CONFIG" install >/dev/null || return 1
}

# stage_tree DIR: copy the source tree (without .git) into DIR, owned by the
# test user, so tests can write results there whatever the checkout's owner.
stage_tree() {
	local dest=$1
	mkdir -p "$dest"
	rsync -a --exclude .git --exclude results --exclude output_iso \
		--exclude tmp_check --exclude tmp_regress ./ "$dest/"
	[ "$(id -u)" = 0 ] && chown -R "$RUN_USER" "$dest"
	return 0
}
