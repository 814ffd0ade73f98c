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
# the prefix, the tarball in $RI_AUDIT_CACHE/src (the replay test reads the
# regression scripts from it), and PostgreSQL's Valgrind suppressions are
# installed as $prefix/share/valgrind.supp for "make test-valgrind"; the
# contrib modules and the test module dummy_seclabel that the tests use are
# installed too.
set -euo pipefail

cache=${RI_AUDIT_CACHE:-/var/cache/ri_audit}
deb_version=$(dpkg-query -W -f='${Version}' postgresql-15)
deb_upstream=${deb_version%%-*}

say() { printf '==> %s\n' "$*" >&2; }

# use_version V: the prefix, log and tarball names for upstream version V.
use_version() {
	upstream=$1
	prefix=$cache/pg-$upstream-cassert
	log=$cache/pg-$upstream-cassert.log
	tarball=postgresql-15_$upstream.orig.tar.bz2
}

# Modules of the source tree the tests load, by their directory in it:
# contrib modules the tests create, and the security label provider
# dummy_seclabel (t/026_recreate_seclabel.pl).  They are built with PGXS
# against the installed server, so a cached prefix gets them without a
# rebuild; $prefix/.contrib holds the list installed, and a prefix whose
# list differs gets them all again.
extra_modules="contrib/citext contrib/hstore src/test/modules/dummy_seclabel"

# install_extras: valgrind.supp from the tarball, and the extra modules,
# into a complete prefix that lacks them (also one cached before they were
# added).  Under the build lock.
install_extras() {
	local want="$extra_modules" tmp m members
	if [ -f "$prefix/share/valgrind.supp" ] &&
		[ "$(cat "$prefix/.contrib" 2>/dev/null)" = "$want" ]; then
		return 0
	fi
	[ -f "$cache/src/$tarball" ] || { echo "no $cache/src/$tarball" >&2; exit 1; }
	mkdir -p "$cache"
	exec 8>"$cache/build.lock"
	flock 8
	if [ ! -f "$prefix/share/valgrind.supp" ]; then
		tar -xjOf "$cache/src/$tarball" "postgresql-$upstream/src/tools/valgrind.supp" \
			>"$prefix/share/valgrind.supp.tmp"
		chmod 644 "$prefix/share/valgrind.supp.tmp"
		mv "$prefix/share/valgrind.supp.tmp" "$prefix/share/valgrind.supp"
	fi
	if [ "$(cat "$prefix/.contrib" 2>/dev/null)" != "$want" ]; then
		say "installing modules into $prefix: $want"
		tmp=$(mktemp -d "$cache/contrib.XXXXXX")
		members=()
		for m in $want; do
			members+=("postgresql-$upstream/$m")
		done
		tar -xjf "$cache/src/$tarball" -C "$tmp" "${members[@]}"
		for m in $want; do
			make -s -C "$tmp/postgresql-$upstream/$m" USE_PGXS=1 \
				PG_CONFIG="$prefix/bin/pg_config" install >>"$log" 2>&1 ||
				{ echo "$m failed to build; see $log" >&2; rm -rf "$tmp"; exit 1; }
		done
		rm -rf "$tmp"
		chmod -R a+rX "$prefix"
		echo "$want" >"$prefix/.contrib"
	fi
	flock -u 8
}

# done_if_built: print the bindir and stop when the prefix is complete.
done_if_built() {
	if [ -f "$prefix/.complete" ]; then
		install_extras
		echo "$prefix/bin"
		exit 0
	fi
}

# The archive may no longer hold the source of the installed version (a
# security update replaces it).  Then the newest 15.x whose tarball is
# cached is used: ri_audit is built against and installed into that private
# server, so the tier is self-consistent.  $cache/src/unavailable-V records
# a failed download so that later runs do not retry it; delete it to retry.
fallback_version() {
	ls "$cache"/src/postgresql-15_*.orig.tar.bz2 2>/dev/null |
		sed 's|.*/postgresql-15_\(.*\)\.orig\.tar\.bz2$|\1|' | sort -V | tail -n 1
}

use_version "$deb_upstream"
done_if_built
if [ -f "$cache/src/unavailable-$deb_upstream" ] && [ -n "$(fallback_version)" ]; then
	use_version "$(fallback_version)"
	done_if_built
fi

say "assert-enabled PostgreSQL $upstream is not cached yet"
mkdir -p "$cache"
exec 8>"$cache/build.lock"
flock 8
done_if_built

# valgrind provides the headers USE_VALGRIND needs, and the tool itself.
need=(dpkg-dev libicu-dev libreadline-dev zlib1g-dev pkg-config
	libipc-run-perl bzip2 gcc make valgrind)
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
if [ $added_src = 1 ] || [ ${#missing[@]} -gt 0 ] || [ ! -f "$cache/src/$tarball" ]; then
	apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		--no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p "$cache/src"
cd "$cache/src"
if [ ! -f "$tarball" ]; then
	say "downloading the postgresql-15 source package"
	apt-get source --download-only "postgresql-15=$deb_version" >/dev/null 2>&1 ||
		apt-get source --download-only postgresql-15 >/dev/null 2>&1 || true
fi
# On a new machine nothing is cached yet: try every other 15.x source the
# archive lists, newest first, until one downloads.
if [ ! -f "$tarball" ] && [ -z "$(fallback_version)" ]; then
	for v in $(apt-cache showsrc postgresql-15 2>/dev/null |
		sed -n 's/^Version: //p' | sort -Vr -u); do
		say "trying the postgresql-15 source package $v"
		apt-get source --download-only "postgresql-15=$v" >/dev/null 2>&1 &&
			[ -n "$(fallback_version)" ] && break
	done
fi
if [ ! -f "$tarball" ]; then
	fb=$(fallback_version)
	[ -n "$fb" ] || { echo "no $tarball after apt-get source, and none cached" >&2; exit 1; }
	touch "$cache/src/unavailable-$upstream"
	say "the source of $upstream cannot be downloaded; using the cached $fb"
	use_version "$fb"
	done_if_built
fi

say "building assert-enabled PostgreSQL $upstream into $prefix (cached per machine)"
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
done_if_built
