# tools/common.sh: shared by test.sh, demo.sh and bench/run.sh.
#
# Installs what is missing (Debian 12 packages), builds and installs the
# extension, and runs commands as an unprivileged user, since initdb and
# postgres refuse to run as root.

PG_BINDIR=/usr/lib/postgresql/15/bin
PG_CONFIG=$PG_BINDIR/pg_config
export PG_CONFIG

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
