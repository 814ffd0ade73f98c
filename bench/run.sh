#!/usr/bin/env bash
# bench/run.sh: "make bench".  Measures ri_audit's orphan scan against what
# PostgreSQL offers (VALIDATE CONSTRAINT, the planner's NOT EXISTS anti-join)
# and against the floor (reading the key columns once), in a throwaway
# cluster, and prints one markdown table per scenario.
#
# Each measurement runs in a fresh session: the statement's time is psql's
# \timing, and the backend's peak private memory (RssAnon, polled from
# /proc every 20 ms) is reported alongside.  Medians of BENCH_RUNS runs;
# ratios are computed from the medians of the same run.
#
# Environment knobs:
#   BENCH_ROWS=4000000      referencing rows per scenario (the published
#                           tables in BENCHMARKS.md use 10000000)
#   BENCH_PARENTS=400000    referenced rows (published: 1000000)
#   BENCH_RUNS=3            runs per measurement (median reported)
#   BENCH_SCENARIOS="int int8 uuid text varchar composite orphans10 wholedb
#                    smallbudget fk4 part16 overbudget drop
#                    delete"
#   BENCH_NOTE=""           a line for the header (e.g. that the machine
#                           was shared with other jobs during the run)
#   BENCH_WORK_MEM=64MB     work_mem (and so ri_audit's budget) in the cluster
#   BENCH_SMALL_MEM=8MB     ri_audit.work_mem of the over-budget scenario
#   BENCH_PORT=54329        port of the throwaway cluster (unix socket only)
#   BENCH_OUT=bench/out/results.md   where the tables are also written
#   BENCH_DROP_LARGE=20000  tables of the drop scenario's second schema,
#                           measured against the 5,000-table one (0: skip)
#   BENCH_RI_SETUP=""       SQL run before each "ri_audit (fast path)"
#                           measurement, e.g. "SET
#                           max_parallel_workers_per_gather = 0;" for the
#                           serial key set scan (the cluster allows 2 workers)
#   BENCH_RI_SERIAL=0       1: every standard scenario also measures the fast
#                           path with max_parallel_workers_per_gather = 0
#                           (serial), interleaved with the others
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/common.sh

BENCH_ROWS=${BENCH_ROWS:-4000000}
BENCH_PARENTS=${BENCH_PARENTS:-400000}
BENCH_RUNS=${BENCH_RUNS:-3}
bench_default_scenarios="int int8 uuid text varchar composite orphans10 wholedb smallbudget fk4 part16 overbudget drop delete"
BENCH_SCENARIOS=${BENCH_SCENARIOS:-$bench_default_scenarios}
BENCH_NOTE=${BENCH_NOTE:-}
BENCH_WORK_MEM_DEFAULT=64MB
BENCH_SMALL_MEM_DEFAULT=8MB
BENCH_DROP_LARGE_DEFAULT=20000
BENCH_RI_SETUP_DEFAULT=
BENCH_RI_SERIAL_DEFAULT=0
BENCH_WORK_MEM=${BENCH_WORK_MEM:-$BENCH_WORK_MEM_DEFAULT}
BENCH_SMALL_MEM=${BENCH_SMALL_MEM:-$BENCH_SMALL_MEM_DEFAULT}
BENCH_PORT=${BENCH_PORT:-54329}
BENCH_OUT=${BENCH_OUT:-bench/out/results.md}
BENCH_DROP_LARGE=${BENCH_DROP_LARGE:-$BENCH_DROP_LARGE_DEFAULT}
BENCH_RI_SETUP=${BENCH_RI_SETUP:-$BENCH_RI_SETUP_DEFAULT}
BENCH_RI_SERIAL=${BENCH_RI_SERIAL:-$BENCH_RI_SERIAL_DEFAULT}
N=$BENCH_ROWS
P=$BENCH_PARENTS

ensure_packages

# All checkouts install into the same server directories.  Hold the test
# lock while building, installing and creating the extension in the bench
# cluster, with its functions pointed at a private copy of the library, so
# another checkout's "make test" cannot swap the code under the benchmark;
# release it before any data is loaded.
exec 9>/tmp/ri_audit_make_test.lock
flock 9
build_and_install

work=$(mktemp -d /tmp/ri_audit_bench.XXXXXX)
chmod 755 "$work"
[ "$(id -u)" = 0 ] && chown "$RUN_USER" "$work"
data=$work/data

cleanup() {
	if [ -f "$data/postmaster.pid" ]; then
		as_user pg_ctl -D "$data" -m fast -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT

log "creating a throwaway cluster in $work (port $BENCH_PORT)"
as_user initdb -D "$data" -A trust -E UTF8 --no-locale -U postgres >/dev/null
cat >>"$data/postgresql.conf" <<CONF
listen_addresses = ''
port = $BENCH_PORT
unix_socket_directories = '$work'
shared_buffers = 1GB
work_mem = '$BENCH_WORK_MEM'
maintenance_work_mem = 64MB
jit = off
autovacuum = off
max_wal_size = 8GB
checkpoint_timeout = 30min
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
as_user pg_ctl -D "$data" -l "$work/server.log" -w start >/dev/null
mkdir -p "$work/lib"
cp ri_audit.so "$work/lib/ri_audit.so"

psql_b() {
	as_user psql -X -q -v ON_ERROR_STOP=1 -h "$work" -p "$BENCH_PORT" \
		-U postgres "$@"
}
psql_b -d postgres -c "CREATE DATABASE bench"
psql_b -d bench -c "CREATE EXTENSION ri_audit"
psql_b -d bench -c "UPDATE pg_proc SET probin = '$work/lib/ri_audit' WHERE probin = '\$libdir/ri_audit'" >/dev/null
flock -u 9
exec 9>&-

# server_version and settings, for the report header
pg_version=$(psql_b -d bench -At -c "SHOW server_version")
ncpu=$(nproc)
mem_gib=$(awk '/^MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)

# poll_mem PIDFILE: print the peak RssAnon (kB) of the backend whose pid
# appears in PIDFILE, until that process exits.
poll_mem() {
	local pidf=$1 pid="" max=0 k v rest i
	for i in $(seq 1000); do
		[ -s "$pidf" ] && break
		sleep 0.01
	done
	pid=$(tr -dc '0-9' <"$pidf" 2>/dev/null || true)
	[ -n "$pid" ] || { echo 0; return; }
	while [ -r "/proc/$pid/status" ]; do
		while read -r k v rest; do
			if [ "$k" = "RssAnon:" ]; then
				[ "$v" -gt "$max" ] && max=$v
				break
			fi
		done <"/proc/$pid/status" 2>/dev/null || break
		sleep 0.02
	done
	echo "$max"
}

# measure SETUP STATEMENT AFTER: run STATEMENT in a fresh session after
# SETUP (not timed) and before AFTER; print "milliseconds peak_kB".  The
# pause before it lets the memory poller find the backend first.
measure() {
	local setup=$1 stmt=$2 after=$3 pidf=$work/pid memf=$work/mem out ms
	rm -f "$pidf" "$memf"
	poll_mem "$pidf" >"$memf" &
	local poller=$!
	out=$(psql_b -d bench <<SQL
\pset tuples_only on
\pset format unaligned
\o $pidf
SELECT pg_backend_pid();
\o /dev/null
$setup
SELECT pg_sleep(0.1);
\timing on
$stmt
\timing off
$after
SQL
	)
	wait "$poller"
	ms=$(printf '%s\n' "$out" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p' | head -n1)
	echo "$ms $(cat "$memf")"
}

# median of the numbers on stdin
median() {
	sort -g | awk '{ a[NR] = $1 } END {
		if (NR % 2) printf "%.0f", a[(NR + 1) / 2];
		else printf "%.0f", (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

results=""
emit() {
	printf '%s\n' "$*"
	results+="$*"$'\n'
}

# The methods of the scenario being measured: parallel arrays.
m_name=() m_setup=() m_stmt=() m_after=()
add_method() {
	m_name+=("$1") m_setup+=("$2") m_stmt+=("$3") m_after+=("$4")
}
reset_methods() {
	m_name=() m_setup=() m_stmt=() m_after=()
}

# run_scenario TITLE NOTE: measure every method BENCH_RUNS times
# (interleaved, so drift affects all alike) and print the table.  The first
# method is the reference of the ratio column.
run_scenario() {
	local title=$1 note=$2 i r n=${#m_name[@]}
	local -a times mems
	for ((i = 0; i < n; i++)); do
		times[i]="" mems[i]=0
	done
	for ((r = 1; r <= BENCH_RUNS; r++)); do
		for ((i = 0; i < n; i++)); do
			read -r ms kb < <(measure "${m_setup[i]}" "${m_stmt[i]}" "${m_after[i]}")
			times[i]+="$ms "
			[ "$kb" -gt "${mems[i]}" ] && mems[i]=$kb
			log "$title: ${m_name[i]} run $r: ${ms} ms, ${kb} kB"
		done
	done
	local ref
	ref=$(printf '%s\n' ${times[0]} | median)
	emit ""
	emit "### $title"
	emit ""
	[ -n "$note" ] && emit "$note" && emit ""
	emit "| method | median ms | runs (ms) | time / ri_audit | peak backend RssAnon (MB) |"
	emit "|---|---:|---|---:|---:|"
	MED=()
	for ((i = 0; i < n; i++)); do
		local med runs
		med=$(printf '%s\n' ${times[i]} | median)
		MED[i]=$med
		runs=$(printf '%s\n' ${times[i]} | awk '{ printf "%s%.0f", (NR > 1 ? ", " : ""), $1 }')
		emit "| ${m_name[i]} | $med | $runs | $(awk -v a="$med" -v b="$ref" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }') | $(awk -v k="${mems[i]}" 'BEGIN { printf "%.1f", k / 1024 }') |"
	done
}

# ratio A B: A / B with two decimals
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'
}

# goal_line: ri_audit (method 0) against VALIDATE (method $1) and the floor
# (method $2), with the goals of issue 5.
goal_line() {
	emit ""
	emit "ri_audit is $(ratio "${MED[$1]}" "${MED[0]}")x faster than ${m_name[$1]%% (*} (goal for the int key: at least 5x) and takes $(ratio "${MED[0]}" "${MED[$2]}")x the time of the scan floor (goal: at most 1.5x)."
}

# method_index PREFIX: the index of the first method whose name starts with
# PREFIX
method_index() {
	local i
	for ((i = 0; i < ${#m_name[@]}; i++)); do
		case ${m_name[i]} in "$1"*) echo "$i"; return ;; esac
	done
	echo 0
}

# shape_goals: the goals of a key shape (ri_audit is method 0) against the
# scan floor, the parallel anti-join and VALIDATE.
shape_goals() {
	local f p v
	f=$(method_index "scan floor")
	p=$(method_index "NOT EXISTS, parallel")
	v=$(method_index "VALIDATE")
	emit ""
	emit "Goals (at 10M rows referencing 1M): ri_audit at most 1.5x the scan floor, at least 3x faster than the parallel anti-join, at least 5x faster than VALIDATE. Here: $(ratio "${MED[0]}" "${MED[$f]}")x the scan floor, $(ratio "${MED[$p]}" "${MED[0]}")x faster than the parallel anti-join, $(ratio "${MED[$v]}" "${MED[0]}")x faster than VALIDATE."
}

# shape NAME PKTYPE FKTYPE PKEXPR: a one-column key of PKTYPE referenced
# from FKTYPE, keys PKEXPR(g) for g in 1..P, with the standard methods.
shape_load() {
	local name=$1 pktype=$2 fktype=$3 expr=$4
	local kexpr=${expr//g/k}
	load "$name key, $N referencing rows, $P referenced" "
		CREATE TABLE parent_$name (id $pktype PRIMARY KEY);
		INSERT INTO parent_$name SELECT $expr FROM generate_series(1, $P) g;
		CREATE TABLE child_$name (id bigint, parent_id $fktype);
		INSERT INTO child_$name SELECT g, $kexpr
		  FROM (SELECT g, 1 + (g * 7919) % $P AS k FROM generate_series(1, $N::bigint) g) s;
		ALTER TABLE child_$name ADD CONSTRAINT child_${name}_fk FOREIGN KEY (parent_id)
			REFERENCES parent_$name NOT VALID;
		VACUUM (FREEZE, ANALYZE) parent_$name, child_$name;"
}
shape() {
	local name=$1 pktype=$2 fktype=$3 expr=$4
	shape_load "$@"
	standard_methods child_$name child_${name}_fk \
		"SELECT count(*) FROM child_$name c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent_$name p WHERE p.id = c.parent_id);" \
		"SELECT count(parent_id) FROM child_$name;"
	run_scenario "$name key ($fktype referencing $pktype): $N rows referencing $P" ""
	shape_goals
}

load() {
	log "loading: $1"
	printf '%s\n' "$2" | psql_b -d bench >/dev/null
}

SERIAL="SET max_parallel_workers_per_gather = 0;"

# ri_audit calls: one foreign key, or every foreign key of a table.
ri_one() {
	echo "SELECT count(*) FROM ri_audit.orphans('$1'::regclass, '$2');"
}
ri_table() {
	echo "SELECT sum(orphan_count) FROM ri_audit.check_foreign_keys(ARRAY['$1'::regclass]);"
}

# The usual comparison for one foreign key: $1 table, $2 constraint,
# $3 NOT EXISTS query, $4 floor query, $5 "planner" to add ri_audit's own
# planner path.
standard_methods() {
	add_method "ri_audit (fast path)" "$BENCH_RI_SETUP" "$(ri_one "$1" "$2")" ""
	if [ "$BENCH_RI_SERIAL" = 1 ]; then
		add_method "ri_audit (fast path), serial scan" "$SERIAL" \
			"$(ri_one "$1" "$2")" ""
	fi
	if [ "${5:-}" = planner ]; then
		add_method "ri_audit, scan_method = planner" \
			"SET ri_audit.scan_method = planner;" "$(ri_one "$1" "$2")" ""
	fi
	add_method "VALIDATE CONSTRAINT (rolled back)" "BEGIN;" \
		"ALTER TABLE $1 VALIDATE CONSTRAINT $2;" "ROLLBACK;"
	add_method "NOT EXISTS, serial" "$SERIAL" "$3" ""
	add_method "NOT EXISTS, parallel (2 workers)" "" "$3" ""
	add_method "scan floor: serial count(key)" "$SERIAL" "$4" ""
}

emit "# ri_audit benchmark"
emit ""
emit "PostgreSQL $pg_version, $ncpu CPUs, $mem_gib GiB RAM; shared_buffers = 1GB,"
emit "work_mem = $BENCH_WORK_MEM (ri_audit.work_mem = -1 follows it), maintenance_work_mem = 64MB,"
emit "jit = off, max_parallel_workers_per_gather = 2 (default). BENCH_ROWS=$N BENCH_PARENTS=$P"
emit "BENCH_RUNS=$BENCH_RUNS. Tables are loaded, then VACUUM (FREEZE, ANALYZE)d; every query reads"
emit "them from shared buffers after the first run. Peak memory is the backend's private memory"
emit "(RssAnon), polled; parallel workers' memory is not included."
# the command that repeats this run: the settings that differ from the defaults too
bench_command="BENCH_ROWS=$N BENCH_PARENTS=$P BENCH_RUNS=$BENCH_RUNS"
[ "$BENCH_SCENARIOS" = "$bench_default_scenarios" ] ||
	bench_command+=" BENCH_SCENARIOS=\"$BENCH_SCENARIOS\""
for v in BENCH_WORK_MEM BENCH_SMALL_MEM BENCH_DROP_LARGE BENCH_RI_SETUP BENCH_RI_SERIAL; do
	eval "val=\${$v}"
	eval "def=\${${v}_DEFAULT}"
	[ "$val" = "$def" ] || bench_command+=" $v=\"$val\""
done
emit "Commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)$(git diff --quiet HEAD 2>/dev/null || echo ' (with uncommitted changes)'); command: $bench_command make bench."
[ -n "$BENCH_NOTE" ] && emit "$BENCH_NOTE"

for scenario in $BENCH_SCENARIOS; do
	reset_methods
	case $scenario in
	int)
		load "int key, $N referencing rows, $P referenced" "
			CREATE TABLE parent_int (id int PRIMARY KEY);
			INSERT INTO parent_int SELECT g FROM generate_series(1, $P) g;
			CREATE TABLE child_int (id bigint, parent_id int);
			INSERT INTO child_int SELECT g, 1 + (g * 7919) % $P FROM generate_series(1, $N::bigint) g;
			ALTER TABLE child_int ADD CONSTRAINT child_int_fk FOREIGN KEY (parent_id)
				REFERENCES parent_int NOT VALID;
			VACUUM (FREEZE, ANALYZE) parent_int, child_int;"
		standard_methods child_int child_int_fk \
			"SELECT count(*) FROM child_int c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent_int p WHERE p.id = c.parent_id);" \
			"SELECT count(parent_id) FROM child_int;" planner
		run_scenario "int key: $N rows referencing $P" ""
		shape_goals
		;;
	composite)
		load "composite (int, text) key" "
			CREATE TABLE parent_comp (a int, b text, PRIMARY KEY (a, b));
			INSERT INTO parent_comp SELECT g / 10, 'key-' || g FROM generate_series(1, $P) g;
			CREATE TABLE child_comp (id bigint, a int, b text);
			INSERT INTO child_comp SELECT g, k / 10, 'key-' || k
			  FROM (SELECT g, 1 + (g * 7919) % $P AS k FROM generate_series(1, $N::bigint) g) s;
			ALTER TABLE child_comp ADD CONSTRAINT child_comp_fk FOREIGN KEY (a, b)
				REFERENCES parent_comp NOT VALID;
			VACUUM (FREEZE, ANALYZE) parent_comp, child_comp;"
		standard_methods child_comp child_comp_fk \
			"SELECT count(*) FROM child_comp c WHERE c.a IS NOT NULL AND c.b IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent_comp p WHERE p.a = c.a AND p.b = c.b);" \
			"SELECT count(b) FROM child_comp;"
		run_scenario "composite (int, text) key: $N rows referencing $P" ""
		shape_goals
		;;
	uuid | overbudget)
		if [ -z "$(psql_b -d bench -At -c "SELECT to_regclass('child_uuid')")" ]; then
			load "uuid key" "
				CREATE TABLE parent_uuid (id uuid PRIMARY KEY);
				INSERT INTO parent_uuid SELECT md5(g::text)::uuid FROM generate_series(1, $P) g;
				CREATE TABLE child_uuid (id bigint, parent_id uuid);
				INSERT INTO child_uuid SELECT g, md5((1 + (g * 7919) % $P)::text)::uuid
				  FROM generate_series(1, $N::bigint) g;
				ALTER TABLE child_uuid ADD CONSTRAINT child_uuid_fk FOREIGN KEY (parent_id)
					REFERENCES parent_uuid NOT VALID;
				VACUUM (FREEZE, ANALYZE) parent_uuid, child_uuid;"
		fi
		if [ "$scenario" = uuid ]; then
			standard_methods child_uuid child_uuid_fk \
				"SELECT count(*) FROM child_uuid c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent_uuid p WHERE p.id = c.parent_id);" \
				"SELECT count(parent_id) FROM child_uuid;"
			run_scenario "uuid key: $N rows referencing $P" ""
			shape_goals
		else
			add_method "ri_audit, in budget (work_mem $BENCH_WORK_MEM)" "" \
				"$(ri_one child_uuid child_uuid_fk)" ""
			add_method "ri_audit, ri_audit.work_mem = $BENCH_SMALL_MEM" \
				"SET ri_audit.work_mem = '$BENCH_SMALL_MEM';" \
				"$(ri_one child_uuid child_uuid_fk)" ""
			add_method "NOT EXISTS, serial, work_mem = $BENCH_SMALL_MEM" \
				"$SERIAL SET work_mem = '$BENCH_SMALL_MEM';" \
				"SELECT count(*) FROM child_uuid c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent_uuid p WHERE p.id = c.parent_id);" ""
			add_method "scan floor: serial count(key)" "$SERIAL" \
				"SELECT count(parent_id) FROM child_uuid;" ""
			run_scenario "referenced keys over the memory budget: the uuid key under ri_audit.work_mem = $BENCH_SMALL_MEM" \
				"ri_audit's hash set takes about 50 bytes per uuid key ($P keys); with a smaller budget they are split into batches and the rows of later batches spill to temporary files."
			emit ""
			emit "Over budget, ri_audit takes $(ratio "${MED[1]}" "${MED[0]}")x its in-budget time (goal: at most 3x); peak memory is in the table (goal: within the budget plus a constant)."
		fi
		;;
	int8)
		shape int8 int8 int8 "g::int8 * 7919"
		;;
	text)
		shape text text text "'key-' || g"
		;;
	varchar)
		shape varchar text varchar "'key-' || g"
		;;
	orphans10)
		# 10% of the rows reference keys that do not exist
		load "int key with 10% orphans" "
			CREATE TABLE parent_o (id int PRIMARY KEY);
			INSERT INTO parent_o SELECT g FROM generate_series(1, $P) g;
			CREATE TABLE child_clean (id bigint, parent_id int);
			INSERT INTO child_clean SELECT g, 1 + (g * 7919) % $P FROM generate_series(1, $N::bigint) g;
			CREATE TABLE child_o10 (id bigint, parent_id int);
			INSERT INTO child_o10 SELECT g, CASE WHEN g % 10 = 0 THEN $P + g ELSE 1 + (g * 7919) % $P END
			  FROM generate_series(1, $N::bigint) g;
			ALTER TABLE child_clean ADD CONSTRAINT child_clean_fk FOREIGN KEY (parent_id)
				REFERENCES parent_o NOT VALID;
			ALTER TABLE child_o10 ADD CONSTRAINT child_o10_fk FOREIGN KEY (parent_id)
				REFERENCES parent_o NOT VALID;
			VACUUM (FREEZE, ANALYZE) parent_o, child_clean, child_o10;"
		add_method "ri_audit orphans(), 10% orphans" "" "$(ri_one child_o10 child_o10_fk)" ""
		add_method "ri_audit orphans(), clean" "" "$(ri_one child_clean child_clean_fk)" ""
		add_method "scan floor: serial count(key)" "$SERIAL" \
			"SELECT count(parent_id) FROM child_o10;" ""
		run_scenario "10% orphans ($((N / 10)) of $N rows, found and returned by orphans()) against the clean run" ""
		emit ""
		emit "Goal: at most 1.5x the clean run. Here: $(ratio "${MED[0]}" "${MED[1]}")x."
		;;
	wholedb)
		# 40 referencing tables, 2 keys each (80 keys) of the six shapes,
		# 2N rows in all, against 6 referenced tables of P rows
		sql="
			CREATE TABLE w_p_int (id int PRIMARY KEY);
			INSERT INTO w_p_int SELECT g FROM generate_series(1, $P) g;
			CREATE TABLE w_p_int8 (id int8 PRIMARY KEY);
			INSERT INTO w_p_int8 SELECT g::int8 * 7919 FROM generate_series(1, $P) g;
			CREATE TABLE w_p_uuid (id uuid PRIMARY KEY);
			INSERT INTO w_p_uuid SELECT md5(g::text)::uuid FROM generate_series(1, $P) g;
			CREATE TABLE w_p_text (id text PRIMARY KEY);
			INSERT INTO w_p_text SELECT 'key-' || g FROM generate_series(1, $P) g;
			CREATE TABLE w_p_comp (a int, b text, PRIMARY KEY (a, b));
			INSERT INTO w_p_comp SELECT g / 10, 'key-' || g FROM generate_series(1, $P) g;"
		per=$((2 * N / 40))
		floor=""
		for t in $(seq 1 40); do
			case $((t % 5)) in
			0) cols="k1 int, k2 int" ; e1="1 + (g * 7919) % $P" ; e2="1 + (g * 104729) % $P" ; r1="w_p_int" ; r2="w_p_int" ;;
			1) cols="k1 int8, k2 uuid" ; e1="(1 + (g * 7919) % $P)::int8 * 7919" ; e2="md5((1 + (g * 104729) % $P)::text)::uuid" ; r1="w_p_int8" ; r2="w_p_uuid" ;;
			2) cols="k1 text, k2 varchar" ; e1="'key-' || (1 + (g * 7919) % $P)" ; e2="'key-' || (1 + (g * 104729) % $P)" ; r1="w_p_text" ; r2="w_p_text" ;;
			3) cols="k1 uuid, k2 int" ; e1="md5((1 + (g * 7919) % $P)::text)::uuid" ; e2="1 + (g * 104729) % $P" ; r1="w_p_uuid" ; r2="w_p_int" ;;
			4) cols="k1 int, k2 text" ; e1="(1 + (g * 7919) % $P) / 10" ; e2="'key-' || (1 + (g * 7919) % $P)" ; r1="" ; r2="" ;;
			esac
			sql+="
			CREATE TABLE w_c_$t (id bigint, $cols);
			INSERT INTO w_c_$t SELECT g, $e1, $e2 FROM generate_series(1, $per::bigint) g;"
			if [ -n "$r1" ]; then
				sql+="
			ALTER TABLE w_c_$t ADD FOREIGN KEY (k1) REFERENCES $r1 NOT VALID,
				ADD FOREIGN KEY (k2) REFERENCES $r2 NOT VALID;"
			else
				# a composite key and a text key over the same table
				sql+="
			ALTER TABLE w_c_$t ADD FOREIGN KEY (k1, k2) REFERENCES w_p_comp NOT VALID,
				ADD FOREIGN KEY (k2) REFERENCES w_p_text NOT VALID;"
			fi
			floor+="${floor:+ UNION ALL }SELECT count(k1) + count(k2) AS c FROM w_c_$t"
		done
		load "whole database: 40 tables, 80 keys, $((2 * N)) rows" "$sql
			VACUUM (FREEZE, ANALYZE);"
		add_method "ri_audit check_foreign_keys(), whole database" "" \
			"SELECT count(*), sum(orphan_count) FROM ri_audit.check_foreign_keys();" ""
		add_method "sum of each table's scan floor (serial)" "$SERIAL" \
			"SELECT sum(c) FROM ($floor) s;" ""
		run_scenario "whole database: check_foreign_keys() over 40 tables with 80 keys, $((2 * N)) rows in all" ""
		emit ""
		emit "Goal: at most 1.3x the sum of each table's scan floor. Here: $(ratio "${MED[0]}" "${MED[1]}")x."
		;;
	smallbudget)
		# the uuid and text keys under small budgets
		for sh in uuid text; do
			if [ -z "$(psql_b -d bench -At -c "SELECT to_regclass('child_$sh')")" ]; then
				if [ $sh = uuid ]; then
					shape_load uuid uuid uuid "md5(g::text)::uuid"
				else
					shape_load text text text "'key-' || g"
				fi
			fi
			reset_methods
			add_method "ri_audit, in budget (work_mem $BENCH_WORK_MEM)" "" \
				"$(ri_one child_$sh child_${sh}_fk)" ""
			for b in 8MB 1MB 64kB; do
				add_method "ri_audit, ri_audit.work_mem = $b" \
					"SET ri_audit.work_mem = '$b';" "$(ri_one child_$sh child_${sh}_fk)" ""
			done
			add_method "scan floor: serial count(key)" "$SERIAL" \
				"SELECT count(parent_id) FROM child_$sh;" ""
			run_scenario "small budgets: the $sh key under ri_audit.work_mem = 8MB, 1MB, 64kB" \
				"Keys that do not fit are partitioned onto tapes (fan-out 16 or more) and each partition done in a pass that reads its tapes once; t/015_keyset_spill_io.pl checks the bytes spilled."
			emit ""
			emit "Goal: degrade like a hash join (I/O the data times a small constant at every budget). Here 64kB takes $(ratio "${MED[3]}" "${MED[0]}")x, 1MB $(ratio "${MED[2]}" "${MED[0]}")x and 8MB $(ratio "${MED[1]}" "${MED[0]}")x the in-budget time."
		done
		;;
	fk4)
		if [ -z "$(psql_b -d bench -At -c "SELECT to_regclass('parent_int')")" ]; then
			load "parent_int" "
				CREATE TABLE parent_int (id int PRIMARY KEY);
				INSERT INTO parent_int SELECT g FROM generate_series(1, $P) g;
				VACUUM (FREEZE, ANALYZE) parent_int;"
		fi
		load "one table with 4 foreign keys" "
			CREATE TABLE child_fk4 (id bigint, r1 int, r2 int, r3 int, r4 int);
			INSERT INTO child_fk4 SELECT g, 1 + (g * 7919) % $P, 1 + (g * 104729) % $P,
				1 + (g * 15485863) % $P, 1 + g % $P FROM generate_series(1, $N::bigint) g;
			ALTER TABLE child_fk4
				ADD CONSTRAINT child_fk4_r1 FOREIGN KEY (r1) REFERENCES parent_int NOT VALID,
				ADD CONSTRAINT child_fk4_r2 FOREIGN KEY (r2) REFERENCES parent_int NOT VALID,
				ADD CONSTRAINT child_fk4_r3 FOREIGN KEY (r3) REFERENCES parent_int NOT VALID,
				ADD CONSTRAINT child_fk4_r4 FOREIGN KEY (r4) REFERENCES parent_int NOT VALID;
			VACUUM (FREEZE, ANALYZE) child_fk4;"
		q4=""
		for k in 1 2 3 4; do
			q4+="${q4:+ + }(SELECT count(*) FROM child_fk4 c WHERE c.r$k IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent_int p WHERE p.id = c.r$k))"
		done
		add_method "ri_audit, all 4 foreign keys (check_foreign_keys)" "" "$(ri_table child_fk4)" ""
		add_method "ri_audit, 1 foreign key (orphans)" "" "$(ri_one child_fk4 child_fk4_r1)" ""
		add_method "VALIDATE CONSTRAINT x4 (one ALTER, rolled back)" "BEGIN;" \
			"ALTER TABLE child_fk4 VALIDATE CONSTRAINT child_fk4_r1, VALIDATE CONSTRAINT child_fk4_r2, VALIDATE CONSTRAINT child_fk4_r3, VALIDATE CONSTRAINT child_fk4_r4;" \
			"ROLLBACK;"
		add_method "4 NOT EXISTS anti-joins, parallel (2 workers)" "" "SELECT $q4;" ""
		add_method "scan floor: serial count() of the 4 keys" "$SERIAL" \
			"SELECT count(r1), count(r2), count(r3), count(r4) FROM child_fk4;" ""
		run_scenario "one table with 4 foreign keys: $N rows referencing $P" ""
		emit ""
		emit "Checking all 4 keys takes $(ratio "${MED[0]}" "${MED[1]}")x the time of checking one (goal: at most 1.3x); $(ratio "${MED[0]}" "${MED[4]}")x the scan floor of the 4 key columns."
		;;
	part16)
		if [ -z "$(psql_b -d bench -At -c "SELECT to_regclass('parent_int')")" ]; then
			load "parent_int" "
				CREATE TABLE parent_int (id int PRIMARY KEY);
				INSERT INTO parent_int SELECT g FROM generate_series(1, $P) g;
				VACUUM (FREEZE, ANALYZE) parent_int;"
		fi
		parts=""
		for k in $(seq 0 15); do
			parts+="CREATE TABLE child_part_$k PARTITION OF child_part FOR VALUES WITH (MODULUS 16, REMAINDER $k);"
		done
		load "referencing table partitioned 16 ways" "
			CREATE TABLE child_part (id bigint, parent_id int) PARTITION BY HASH (id);
			$parts
			INSERT INTO child_part SELECT g, 1 + (g * 7919) % $P FROM generate_series(1, $N::bigint) g;
			ALTER TABLE child_part ADD CONSTRAINT child_part_fk FOREIGN KEY (parent_id)
				REFERENCES parent_int;
			VACUUM (FREEZE, ANALYZE) child_part;"
		add_method "ri_audit (fast path)" "" "$(ri_one child_part child_part_fk)" ""
		add_method "ri_audit, scan_method = planner" \
			"SET ri_audit.scan_method = planner;" "$(ri_one child_part child_part_fk)" ""
		add_method "ADD FOREIGN KEY (validating, rolled back)" "BEGIN;" \
			"ALTER TABLE child_part ADD CONSTRAINT child_part_fk2 FOREIGN KEY (parent_id) REFERENCES parent_int;" \
			"ROLLBACK;"
		q="SELECT count(*) FROM child_part c WHERE c.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent_int p WHERE p.id = c.parent_id);"
		add_method "NOT EXISTS, serial" "$SERIAL" "$q" ""
		add_method "NOT EXISTS, parallel (2 workers)" "" "$q" ""
		add_method "scan floor: serial count(key)" "$SERIAL" \
			"SELECT count(parent_id) FROM child_part;" ""
		run_scenario "referencing table partitioned 16 ways: $N rows referencing $P" \
			"PostgreSQL 15 cannot add a NOT VALID foreign key to a partitioned table, so the VALIDATE row is the validation done by ADD FOREIGN KEY (an identical second key, rolled back)."
		goal_line 2 5
		;;
	drop)
		# bench/drop_preview.sql comes from the drop preview work: a psql
		# script in three sections, each starting with a marker line:
		# "-- @generate" (builds the 5,000-table schema), "-- @preview" (one
		# statement: ri_audit's preview of DROP SCHEMA ... CASCADE) and
		# "-- @cte" (one statement: a bare recursive CTE over pg_depend on the
		# same schema).
		dp=bench/drop_preview.sql
		if [ ! -f $dp ] || ! grep -q '^-- @generate' $dp ||
			! grep -q '^-- @preview' $dp || ! grep -q '^-- @cte' $dp; then
			emit ""
			emit "### drop preview of a 5,000-table schema"
			emit ""
			emit "Skipped: $dp (the schema generator and the two queries, marked -- @generate, -- @preview and -- @cte) is not in this tree."
			continue
		fi
		section() {
			awk -v want="$1" '/^-- @[a-z]+/ { cur = substr($2, 2); next }
				cur == want { print }' $dp
		}
		load "drop preview schema" "$(section generate)"
		psql_b -d bench -c "VACUUM ANALYZE" >/dev/null
		add_method "ri_audit drop preview" "" "$(section preview)" ""
		add_method "recursive CTE over pg_depend" "" "$(section cte)" ""
		run_scenario "drop preview of a 5,000-table schema" ""
		emit ""
		emit "The preview takes $(ratio "${MED[0]}" "${MED[1]}")x the time of the bare recursive CTE (goal: at most 1.3x)."
		if [ "$BENCH_DROP_LARGE" -gt 0 ]; then
			# The same schema with BENCH_DROP_LARGE tables, beside the
			# first one (a DROP of either would need a lock per object).
			small_ms=${MED[0]}
			large() { section "$1" | sed 's/bench_drop/bench_drop_large/g'; }
			load "drop preview schema, $BENCH_DROP_LARGE tables" "\set N $BENCH_DROP_LARGE
$(large generate)"
			psql_b -d bench -c "VACUUM ANALYZE" >/dev/null
			reset_methods
			add_method "ri_audit drop preview" "" "$(large preview)" ""
			add_method "recursive CTE over pg_depend" "" "$(large cte)" ""
			run_scenario "drop preview of a $BENCH_DROP_LARGE-table schema" ""
			emit ""
			emit "The preview takes $(ratio "${MED[0]}" "${MED[1]}")x the time of the bare recursive CTE, and $(ratio "${MED[0]}" "$small_ms")x the time of the 5,000-table preview (goal for 20,000 tables: at most 4.4x)."
		fi
		;;
	delete)
		# delete_preview() against the statement it previews (issue 13):
		# 1,000 parents deleted, their children (an index on the key,
		# about N / P each) removed by ON DELETE CASCADE; the real DELETE
		# runs in a transaction that is rolled back.  The rolled-back
		# DELETE leaves its aborted deletions in every page it touched, and
		# the next statement to read those pages prunes them and sets their
		# hint bits (several times the preview's own work): so after each
		# ROLLBACK, untimed, a query reads the same rows, and every
		# measurement starts from the same pages.  The first two rows are
		# fresh sessions (the goal compares them); the last two are a second
		# call in the same session, to show the first call's cost apart.
		load "delete preview: $N children with an index, $P parents" "
			CREATE TABLE parent_del (id int PRIMARY KEY);
			INSERT INTO parent_del SELECT g FROM generate_series(1, $P) g;
			CREATE TABLE child_del (id bigint, parent_id int NOT NULL
				REFERENCES parent_del ON DELETE CASCADE);
			INSERT INTO child_del SELECT g, 1 + (g * 7919) % $P FROM generate_series(1, $N::bigint) g;
			CREATE INDEX ON child_del (parent_id);
			VACUUM (FREEZE, ANALYZE) parent_del, child_del;"
		del="DELETE FROM parent_del WHERE id <= 1000"
		preview="SELECT sum(row_count) FROM ri_audit.delete_preview('$del');"
		settle="BEGIN; SET LOCAL enable_seqscan = off;
			SELECT count(*) FROM parent_del WHERE id <= 1000;
			SELECT count(*) FROM child_del WHERE parent_id <= 1000; COMMIT;"
		add_method "ri_audit delete_preview" "" "$preview" ""
		add_method "the DELETE itself (rolled back)" "BEGIN;" "$del;" \
			"ROLLBACK; $settle"
		add_method "delete_preview, second call in the session" "$preview" \
			"$preview" ""
		add_method "the DELETE, second in the session (rolled back)" \
			"BEGIN; $del; ROLLBACK; $settle BEGIN;" "$del;" "ROLLBACK; $settle"
		run_scenario "delete preview: 1,000 parents of $N indexed child rows ($P parents)" \
			"Each parent has about $((N / P)) children, deleted by ON DELETE CASCADE. Rows 1 and 2 run in fresh sessions; rows 3 and 4 run second in their session, after the same statement, untimed. After each rolled-back DELETE, a query reads the rows it touched (untimed), so that the next measurement does not pay for pruning its aborted deletions."
		emit ""
		emit "Goal (issue 13, at 10M children): the preview takes at most the time of the real DELETE, both in a fresh session. Here: $(ratio "${MED[0]}" "${MED[1]}")x. Second in the session: the preview $(ratio "${MED[2]}" "${MED[3]}")x the DELETE."
		;;
	*)
		echo "unknown scenario: $scenario" >&2
		exit 1
		;;
	esac
done

mkdir -p "$(dirname "$BENCH_OUT")"
printf '%s' "$results" >"$BENCH_OUT"
log "tables written to $BENCH_OUT"
