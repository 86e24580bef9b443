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
  echo "scripts/test.sh: the live CockroachDB tests are ignored (BMDB_TEST_COCKROACH_URL is not set): none runs on CockroachDB" >&2
fi

# One clean build: incremental state would add ~1 GB beside the ~40 test binaries.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
cargo test --workspace "$@"

# Tests that need something this machine may lack are #[ignore]d with their reason, so the
# summary above counts them as ignored, not passed. Run them here when the thing is there.
if [ -n "${BMDB_TEST_COCKROACH_URL:-}" ]; then
  echo "scripts/test.sh: BMDB_TEST_COCKROACH_URL is set: running the live CockroachDB tests" >&2
  cargo test --test apply_cockroach --test catalog_cockroach --test lifecycle_cockroach "$@" -- --ignored
fi
if [ "$(id -u)" != 0 ]; then
  echo "scripts/test.sh: not root: running the unreadable-file tests (chmod 000 binds only non-root users)" >&2
  cargo test --test model_files "$@" -- --ignored
fi

# Every CockroachDB statement bmdb renders must parse under CockroachDB's own grammar
# (skipped, saying so, where ../shared/crdb-grammar is absent).
bash scripts/check-crdb-grammar.sh
