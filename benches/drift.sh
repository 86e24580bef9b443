#!/usr/bin/env bash
# Benchmark: `bmdb drift` against a PostgreSQL database of N tables (about 10 columns and
# 2 secondary indexes each), side by side with migra (PyPI) comparing the same database
# with itself, in the same run. Prints both times, the ratio, and bmdb's catalog query
# count for 100 and 1,000 tables (it must not grow with the number of tables).
#
#   benches/drift.sh            # 100 and 1000 tables
#   TABLES="1000" benches/drift.sh
#   BMDB=target/debug/bmdb benches/drift.sh     # another build of bmdb
#   BASE_BMDB=/path/to/older/bmdb benches/drift.sh
#       # also times another build on the same database (its own inspected project),
#       # in the same run, and prints this/base
#
# Starts its own PostgreSQL 15 (scripts/test.sh installs it) in a temp dir and removes it
# at exit; migra goes into a venv under the same temp dir.
set -euo pipefail
cd "$(dirname "$0")/.."

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
TABLES=${TABLES:-"100 1000"}
RUNS=${RUNS:-3}
[ -x "$PG_BIN/initdb" ] || { echo "PostgreSQL 15 not found in $PG_BIN: run scripts/test.sh first" >&2; exit 1; }
if [ -z "${BMDB:-}" ]; then
  # a benchmark measures what users run: the release build
  cargo build -q --release
  BMDB=target/release/bmdb
fi
BMDB=$(realpath "$BMDB")

TMP=$(mktemp -d /tmp/bmdb-drift-bench.XXXXXX)
chmod 755 "$TMP"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$TMP"
  as_pg=(setpriv --reuid postgres --regid postgres --clear-groups --)
fi
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$TMP/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT

"${as_pg[@]}" "$PG_BIN/initdb" -D "$TMP/data" -U bench --auth=trust -E UTF8 --no-sync >/dev/null
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w \
  -o "-p $PORT -k $TMP -c listen_addresses=127.0.0.1 -c fsync=off -c max_locks_per_transaction=1024" start >/dev/null
psql() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PORT" -U bench "$@"; }

echo "drift benchmark: installing migra into $TMP/venv" >&2
python3 -m venv "$TMP/venv"
"$TMP/venv/bin/pip" install -q --disable-pip-version-check migra psycopg2-binary "psycopg[binary]" setuptools >&2

now() { date +%s.%N; }
# best of $RUNS wall-clock seconds of a command (its output discarded)
best_of() {
  local best="" t0 t1 d
  for _ in $(seq "$RUNS"); do
    t0=$(now); "$@" >/dev/null 2>&1 || true; t1=$(now)
    d=$(echo "$t1 - $t0" | bc -l)
    if [ -z "$best" ] || [ "$(echo "$d < $best" | bc -l)" = 1 ]; then best=$d; fi
  done
  printf '%.3f' "$best"
}

printf '%-8s %-10s %-12s %-12s %-8s %-8s\n' tables queries "bmdb drift" migra ratio "drift exit"
for n in $TABLES; do
  db="bench_$n"
  psql -d postgres -c "CREATE DATABASE $db"
  python3 - "$n" > "$TMP/schema_$n.sql" <<'EOF'
import sys
n = int(sys.argv[1])
for i in range(n):
    print(f"""CREATE TABLE t{i:04d} (
  id bigint PRIMARY KEY, player_id bigint NOT NULL, name text NOT NULL DEFAULT 'x',
  qty integer DEFAULT 1 CHECK (qty >= 0), price numeric(12,2), flags boolean DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT now(), note varchar(200), props jsonb, score double precision);
CREATE INDEX t{i:04d}_player ON t{i:04d} (player_id, created_at DESC);
CREATE INDEX t{i:04d}_name ON t{i:04d} (name) WHERE qty > 0;""")
EOF
  psql -d "$db" -f "$TMP/schema_$n.sql"
  url="postgres://bench@127.0.0.1:$PORT/$db?sslmode=disable"
  proj="$TMP/project_$n"
  "$BMDB" inspect --url "$url" --out "$proj" >/dev/null
  "$BMDB" --project "$proj" plan --write init >/dev/null
  # adopt: record V1 as applied when this build has `apply --baseline`; else drift reports it pending
  "$BMDB" --project "$proj" apply --baseline 1 --url "$url" -q >/dev/null 2>&1 || true
  set +e
  json=$("$BMDB" --project "$proj" drift --url "$url" --format json)
  code=$?
  set -e
  queries=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["catalog_queries"])')
  live_clean=$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["categories"]["live_vs_model"]["clean"])')
  [ "$live_clean" = True ] || { echo "live schema vs model is not clean for $n tables:" >&2; echo "$json" | head -40 >&2; exit 1; }
  t_bmdb=$(best_of "$BMDB" --project "$proj" drift --url "$url")
  t_migra=$(best_of "$TMP/venv/bin/migra" --unsafe "postgresql://bench@127.0.0.1:$PORT/$db" "postgresql://bench@127.0.0.1:$PORT/$db")
  # migra must report no differences comparing a database with itself
  "$TMP/venv/bin/migra" --unsafe "postgresql://bench@127.0.0.1:$PORT/$db" "postgresql://bench@127.0.0.1:$PORT/$db" >/dev/null \
    || { echo "migra failed or found differences on $db" >&2; exit 1; }
  ratio=$(echo "$t_migra / $t_bmdb" | bc -l)
  printf '%-8s %-10s %-12s %-12s %-8s %-8s\n' "$n" "$queries" "${t_bmdb}s" "${t_migra}s" "$(printf '%.1fx' "$ratio")" "$code"
  if [ -n "${BASE_BMDB:-}" ]; then
    bproj="$TMP/base_project_$n"
    "$BASE_BMDB" inspect --url "$url" --out "$bproj" >/dev/null
    "$BASE_BMDB" --project "$bproj" plan --write init >/dev/null 2>&1 || true
    "$BASE_BMDB" --project "$bproj" apply --baseline 1 --url "$url" -q >/dev/null 2>&1 || true
    # interleaved with this build again, so both see the same machine
    t_this=$(best_of "$BMDB" --project "$proj" drift --url "$url")
    t_base=$(best_of "$BASE_BMDB" --project "$bproj" drift --url "$url")
    t_this2=$(best_of "$BMDB" --project "$proj" drift --url "$url")
    t_this=$(echo "if ($t_this2 < $t_this) $t_this2 else $t_this" | bc -l)
    printf '         side by side: this %.3fs, base %.3fs (%s), this/base %.2fx\n' \
      "$t_this" "$t_base" "$BASE_BMDB" "$(echo "$t_this / $t_base" | bc -l)"
  fi
done
echo "(best of $RUNS runs each; bmdb: $BMDB; queries = catalog queries of the live read)"
