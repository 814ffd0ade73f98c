#!/usr/bin/env bash
# tools/mermaid.sh: install Mermaid's parser (tools/mermaid/package-lock.json:
# mermaid and jsdom, from the npm registry) once per machine and lock file,
# into /var/cache/ri_audit/mermaid-<hash of the lock file>, and print that
# directory.  node and npm come from Debian (nodejs, npm) when missing.
# tools/mermaid/check.mjs runs the parser; t/050_graph_render.pl uses it.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/common.sh

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	log "installing nodejs and npm"
	"${AS_ROOT[@]}" apt-get update -qq
	"${AS_ROOT[@]}" env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

hash=$(cat tools/mermaid/package.json tools/mermaid/package-lock.json | sha256sum | cut -c1-16)
dir=/var/cache/ri_audit/mermaid-$hash
if [ ! -f "$dir/.complete" ]; then
	log "installing the Mermaid parser into $dir"
	"${AS_ROOT[@]}" mkdir -p /var/cache/ri_audit
	tmp=$("${AS_ROOT[@]}" mktemp -d /var/cache/ri_audit/mermaid-tmp.XXXXXX)
	"${AS_ROOT[@]}" cp tools/mermaid/package.json tools/mermaid/package-lock.json "$tmp/"
	(cd "$tmp" && "${AS_ROOT[@]}" npm ci --no-audit --no-fund --ignore-scripts \
		--loglevel=error >/dev/null)
	"${AS_ROOT[@]}" chmod -R a+rX "$tmp"
	"${AS_ROOT[@]}" touch "$tmp/.complete"
	# Another checkout may have finished the same install meanwhile.
	"${AS_ROOT[@]}" mv -T "$tmp" "$dir" 2>/dev/null || "${AS_ROOT[@]}" rm -rf "$tmp"
fi
echo "$dir"
