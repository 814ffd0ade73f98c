#!/usr/bin/env bash
# tools/typedefs.sh: write typedefs.list, the type names pgindent needs
# (pgindent --typedefs=typedefs.list), from the typedefs of our sources.
set -euo pipefail
cd "$(dirname "$0")/.."
{
	grep -hoE '^\} [A-Za-z_][A-Za-z0-9_]*;' ri_audit.h include/*.h src/*/*.c |
		sed -E 's/^\} //; s/;$//'
	grep -hoE '^typedef struct [A-Za-z_][A-Za-z0-9_]* [A-Za-z_][A-Za-z0-9_]*;' \
		ri_audit.h include/*.h src/*/*.c | awk '{print $4}' | sed 's/;$//'
	grep -hoE '^typedef enum [A-Za-z_][A-Za-z0-9_]*' ri_audit.h include/*.h src/*/*.c |
		awk '{print $3}'
} | sort -u >typedefs.list
