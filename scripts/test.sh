#!/usr/bin/env bash
# THE test command (README): the whole suite, then CockroachDB's grammar over the rendered SQL.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets
bash scripts/check-crdb-grammar.sh
