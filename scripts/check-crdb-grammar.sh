#!/usr/bin/env bash
# Checks every CockroachDB golden file (and the bundled project's migrations) against CockroachDB's own grammar (syntax only), with
# crdb-grammar's check.py: $CRDB_GRAMMAR_DIR, else ../shared/crdb-grammar beside the repository.
# Skips (exit 0) when the checker is absent, so the script is safe to run anywhere.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
grammar_dir="${CRDB_GRAMMAR_DIR:-$root/../shared/crdb-grammar}"
venv="${HOME}/.venvs/crdb-grammar"

if [[ ! -f "$grammar_dir/check.py" ]]; then
    echo "crdb-grammar not found at $grammar_dir: skipping the CockroachDB grammar check"
    exit 0
fi

if [[ ! -x "$venv/bin/python" ]]; then
    echo "creating $venv (lark==1.3.1) for the grammar check" >&2
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet lark==1.3.1
fi

shopt -s nullglob
files=("$root"/tests/golden/cockroach/*.sql "$root"/tests/golden/lifecycle/*.sql "$root"/tests/golden/schema_locked/*.sql)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "no golden files in $root/tests/golden/cockroach: run BMDB_BLESS=1 cargo test --test golden" >&2
    exit 1
fi

# The repository's own BlueMarble migrations are CockroachDB SQL that bmdb rendered, too:
# its cockroach line (migrations/cockroach/, under environments:), or migrations/ itself
# when regions.yaml says `dialect: cockroach`.
files+=("$root"/migrations/cockroach/V*.sql)
if grep -q '^dialect: *cockroach' "$root/regions.yaml" 2>/dev/null; then
    files+=("$root"/migrations/V*.sql)
fi

# A statement under `-- bmdb:backup-schedule-id <label>` has the placeholder `:schedule_id`,
# which apply replaces with the schedule's id (an integer literal: CockroachDB's grammar takes
# nothing else there). The grammar checks the statement as apply sends it, with a sample id
# (one of pkg/backup/testdata/backup-restore/alter-schedule/recurrence's), in a copy of the file
# under the same relative path.
sample_id=1145734748573630465
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
checked=()
for f in "${files[@]}"; do
    if grep -q ':schedule_id' "$f"; then
        rel="${f#"$root"/}"
        mkdir -p "$tmp/$(dirname "$rel")"
        sed -E "s/(^|[^:]):schedule_id([^A-Za-z0-9_]|$)/\1${sample_id}\2/g" "$f" >"$tmp/$rel"
        checked+=("$tmp/$rel")
    else
        checked+=("$f")
    fi
done

"$venv/bin/python" "$grammar_dir/check.py" -q "${checked[@]}"
