#!/usr/bin/env bash
# Runs Guild's whole test suite on both backends: starts a throwaway PostgreSQL server on a
# loopback port, runs every test (SQLite and PostgreSQL), stops the server again, and runs
# schemathesis against a real server.
# Extra arguments go to `cargo test` (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/pg.sh
start_pg
export GUILD_TEST_POSTGRES_URL="$PG_URL"
echo "PostgreSQL for tests: 127.0.0.1:$PG_PORT"
cargo test --workspace "$@"
# The whole suite (no filter given) ends with the API contract under an outside tester:
# schemathesis, pinned, installed once into a cached venv (scripts/schemathesis.sh).
if [ $# -eq 0 ]; then
  bash scripts/schemathesis.sh
fi
