#!/usr/bin/env bash
# Issue 12's acceptance run: bmdb over third-party schema-diff cases (docs/corpus.md).
#
#   benches/corpus.sh [CASES_DIR] [extra benches/corpus.py flags: --only GLOB, --sample N]
#   CORPUS_OUT=/tmp/corpus-run benches/corpus.sh /work/corpus/cases --only 'sqldef/tests_tables/*'
#   BMDB=target/debug/bmdb benches/corpus.sh      # the default: a debug build is enough
#
# Starts its own PostgreSQL 15 (benches/pg_server.sh: initdb into a temp dir, loopback port,
# as the postgres user when run as root), runs the cases one after another, and writes
# $CORPUS_OUT/cases.tsv, summary.txt and logs/. The corpus itself is third-party data kept
# outside the repository: benches/corpus_import.py builds it (docs/corpus.md says how).
set -euo pipefail
cd "$(dirname "$0")/.."
CASES=${1:-/work/corpus/cases}
shift || true
[ -d "$CASES" ] || { echo "no corpus at $CASES: see docs/corpus.md" >&2; exit 1; }
if [ -z "${BMDB:-}" ]; then
  cargo build -q
  BMDB=target/debug/bmdb
fi
BMDB=$(realpath "$BMDB")
OUT=${CORPUS_OUT:-/tmp/bmdb-corpus-out}
mkdir -p "$OUT"
. benches/pg_server.sh
echo "corpus: $CASES, bmdb $("$BMDB" --version 2>/dev/null | head -1) at $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+dirty'), PostgreSQL on port $PGPORT, results in $OUT" >&2
python3 benches/corpus.py "$CASES" --url-base "$PG_URL_BASE" --bmdb "$BMDB" --pg-bin "$PG_BIN" --out "$OUT" "$@"
