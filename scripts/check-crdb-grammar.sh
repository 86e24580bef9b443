#!/usr/bin/env bash
# Checks every CockroachDB golden file against CockroachDB's own grammar (syntax only), with
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
files=("$root"/tests/golden/cockroach/*.sql)
if [[ ${#files[@]} -eq 0 ]]; then
    echo "no golden files in $root/tests/golden/cockroach: run BMDB_BLESS=1 cargo test --test golden" >&2
    exit 1
fi

exec "$venv/bin/python" "$grammar_dir/check.py" -q "${files[@]}"
