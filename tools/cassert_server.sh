#!/usr/bin/env bash
# tools/cassert_server.sh: build (once per machine and version) an
# assert-enabled PostgreSQL 15 from the pristine upstream tarball that
# "apt-get source postgresql-15" downloads, and print its bindir.
#
# The server is configured --enable-cassert --enable-debug --with-icu
# --enable-tap-tests, with USE_VALGRIND defined (its client requests cost
# nothing outside Valgrind and let "make test-valgrind" see palloc chunks), and
# installed into a private prefix under $RI_AUDIT_CACHE (default
# /var/cache/ri_audit).  Debian's patched tree is not used: its "make install"
# writes into the system server's module directory whatever the prefix.
#
# The version built is the one the Debian server reports, so the cache is
# rebuilt only when postgresql-15 is upgraded.  The build log stays beside
# the prefix.
set -euo pipefail

cache=${RI_AUDIT_CACHE:-/var/cache/ri_audit}
deb_version=$(dpkg-query -W -f='${Version}' postgresql-15)
upstream=${deb_version%%-*}
prefix=$cache/pg-$upstream-cassert
log=$cache/pg-$upstream-cassert.log

if [ -f "$prefix/.complete" ]; then
	echo "$prefix/bin"
	exit 0
fi

say() { printf '==> %s\n' "$*" >&2; }

say "building assert-enabled PostgreSQL $upstream into $prefix (cached per machine)"
mkdir -p "$cache"
exec 8>"$cache/build.lock"
flock 8
if [ -f "$prefix/.complete" ]; then
	echo "$prefix/bin"
	exit 0
fi

need=(dpkg-dev libicu-dev libreadline-dev zlib1g-dev pkg-config
	libipc-run-perl bzip2 gcc make)
missing=()
for p in "${need[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done

# apt-get source needs deb-src entries.
sources=/etc/apt/sources.list.d/debian.sources
added_src=0
if [ -f "$sources" ] && ! grep -q '^Types:.*deb-src' "$sources"; then
	sed -i 's/^Types: deb$/Types: deb deb-src/' "$sources"
	added_src=1
fi
if [ $added_src = 1 ] || [ ${#missing[@]} -gt 0 ] ||
	! ls "$cache"/src/postgresql-15_"$upstream".orig.tar.bz2 >/dev/null 2>&1; then
	apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$cache/src"
cd "$cache/src"
tarball=postgresql-15_$upstream.orig.tar.bz2
if [ ! -f "$tarball" ]; then
	say "downloading the postgresql-15 source package"
	apt-get source --download-only "postgresql-15=$deb_version" >/dev/null 2>&1 ||
		apt-get source --download-only postgresql-15 >/dev/null
fi
[ -f "$tarball" ] || { echo "no $tarball after apt-get source" >&2; exit 1; }

build=$cache/build-$upstream
rm -rf "$build"
mkdir -p "$build"
tar -xjf "$tarball" -C "$build" --strip-components=1
cd "$build"

say "configure, make, install (about 3 minutes on 2 cores; log: $log)"
{
	./configure --prefix="$prefix" --enable-cassert --enable-debug \
		--with-icu --enable-tap-tests CPPFLAGS="-DUSE_VALGRIND" \
		CFLAGS="-O2 -g -fno-omit-frame-pointer"
	make -j"$(nproc)" -s
	make -s install
	# PGXS's installcheck for isolation specs and TAP tests needs these.
	make -s -C src/test/isolation install
	make -s -C src/test/perl install
} >"$log" 2>&1 || { echo "cassert build failed; see $log" >&2; tail -n 30 "$log" >&2; exit 1; }

# The tests run as an unprivileged user, who must read (not write) it.
chmod -R a+rX "$prefix"
touch "$prefix/.complete"
cd "$cache"
rm -rf "$build"
echo "$prefix/bin"
