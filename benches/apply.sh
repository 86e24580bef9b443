#!/usr/bin/env bash
# Apply benchmark: bmdb apply against psql running the same SQL, on one throwaway
# PostgreSQL 15, in the same run. Two sets:
#   - BlueMarble rendered for the postgres dialect (one migration; psql runs the file with
#     --single-transaction, as bmdb runs a PostgreSQL migration in one transaction);
#   - 500 small migrations (psql runs them concatenated, each in its own BEGIN/COMMIT).
# Each figure is the median of RUNS runs, each on a fresh database; the ratio is bmdb / psql.
#
#   bash benches/apply.sh          RUNS=5 bash benches/apply.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
cargo build --release --quiet
BIN=$PWD/target/release/bmdb
WORK=$(mktemp -d)
. benches/pg_server.sh
psql -q -c "SELECT 1" postgres >/dev/null
if [ -f /usr/share/postgresql/15/extension/postgis.control ]; then HAVE_POSTGIS=1; else HAVE_POSTGIS=0; fi

# BlueMarble, postgres dialect, written by bmdb itself.
BM=$WORK/bluemarble
mkdir -p "$BM"
cp -r regions.yaml schema "$BM/"
# BlueMarble declares environments; the bench runs its model as a one-line postgres project.
sed -i -e '/^environments:/d' -e '/^  prototype:/d' -e '/^  production:/d' \
  -e 's/^default_environment: .*/dialect: postgres/' "$BM/regions.yaml"
"$BIN" --project "$BM" plan --write init >/dev/null

# 500 small migrations (a model-less folder: bmdb runs it as a plain migration runner).
SMALL=$WORK/small
mkdir -p "$SMALL/migrations"
printf 'database: small\ndialect: postgres\n' >"$SMALL/regions.yaml"
for i in $(seq 1 500); do
  printf 'CREATE TABLE t%d (id INT8 PRIMARY KEY, v TEXT);\nCREATE INDEX t%d_v_idx ON t%d (v);\n' "$i" "$i" "$i" \
    >"$SMALL/migrations/V${i}__t${i}.sql"
done
for i in $(seq 1 500); do
  printf 'BEGIN;\n'; cat "$SMALL/migrations/V${i}__t${i}.sql"; printf 'COMMIT;\n'
done >"$WORK/small_all.sql"

fresh_db() { # runs in a subshell ($(...)): a unique name, not a counter
  local db="b$(date +%s%N)"
  psql -q -v ON_ERROR_STOP=1 -c "CREATE DATABASE $db" postgres
  if [ "$1" = postgis ]; then psql -q -v ON_ERROR_STOP=1 -c "CREATE EXTENSION postgis" "$db"; fi
  echo "$db"
}
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null 2>"$WORK/err" || { cat "$WORK/err"; exit 1; }; e=$(date +%s.%N); awk -v s="$s" -v e="$e" 'BEGIN{printf "%.4f", e - s}'; }
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END{printf "%.3f", a[int((NR+1)/2)]}'; }

run_set() { # name project sqlfile psql-args...
  local name=$1 project=$2 sql=$3; shift 3
  local ext=plain; [ "$name" = bluemarble ] && [ $HAVE_POSTGIS = 1 ] && ext=postgis
  local tb=() tp=()
  for _ in $(seq "$RUNS"); do
    db=$(fresh_db $ext); tb+=("$(secs "$BIN" --project "$project" apply --quiet --url "$PG_URL_BASE/$db")")
    db=$(fresh_db $ext); tp+=("$(secs psql -q -v ON_ERROR_STOP=1 "$@" -f "$sql" "$db")")
  done
  local mb mp; mb=$(median "${tb[@]}"); mp=$(median "${tp[@]}")
  printf '%-12s %10s %10s %8s\n' "$name" "$mb" "$mp" "$(awk -v a="$mb" -v b="$mp" 'BEGIN{printf "%.2fx", a / b}')"
}

printf '%-12s %10s %10s %8s\n' set bmdb_s psql_s ratio
run_set bluemarble "$BM" "$BM/migrations/V1__init.sql" --single-transaction
run_set small500 "$SMALL" "$WORK/small_all.sql"
