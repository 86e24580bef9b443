#!/usr/bin/env bash
# THE test command (README, .ci/run): installs PostgreSQL 15 and PostGIS from the system's
# packages when they are missing, then runs every test of the workspace. The tests start
# their own PostgreSQL on a loopback port; set BMDB_TEST_COCKROACH_URL to also run the live
# CockroachDB scenarios.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
[ -x /usr/lib/postgresql/15/bin/initdb ] || need+=(postgresql-15)
[ -f /usr/share/postgresql/15/extension/postgis.control ] || need+=(postgresql-15-postgis-3)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "scripts/test.sh: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

if [ -z "${BMDB_TEST_COCKROACH_URL:-}" ]; then
  echo "scripts/test.sh: live CockroachDB scenarios will be SKIPPED (BMDB_TEST_COCKROACH_URL is not set)" >&2
fi

# One clean build: incremental state would add ~1 GB beside the ~40 test binaries.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
cargo test --workspace "$@"

# Every CockroachDB statement bmdb renders must parse under CockroachDB's own grammar
# (skipped, saying so, where ../shared/crdb-grammar is absent).
bash scripts/check-crdb-grammar.sh
