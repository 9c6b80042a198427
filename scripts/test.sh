#!/usr/bin/env bash
# Runs Guild's whole test suite on both backends: starts a throwaway PostgreSQL server on a
# loopback port, runs every test (SQLite and PostgreSQL), and stops the server again.
# Extra arguments go to `cargo test` (e.g. a test name filter).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/pg.sh
start_pg
export GUILD_TEST_POSTGRES_URL="$PG_URL"
echo "PostgreSQL for tests: 127.0.0.1:$PG_PORT"
cargo test --workspace "$@"
