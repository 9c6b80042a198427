#!/usr/bin/env bash
# Runs Guild's whole test suite on both backends: starts a throwaway PostgreSQL server on a
# loopback port, runs every test (SQLite, then the PostgreSQL and browser tests, which a plain
# `cargo test` reports as ignored), stops the server again, and runs schemathesis against a real
# server.
# Arguments are test name filters, for both passes (`bash scripts/test.sh ledger`).
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/pg.sh
start_pg
export GUILD_TEST_POSTGRES_URL="$PG_URL"
echo "PostgreSQL for tests: 127.0.0.1:$PG_PORT"
# Every test that needs nothing outside Rust; the PostgreSQL and browser tests show as ignored.
cargo test --workspace -- "$@"
# The integration tests that need PostgreSQL or Chromium: they fail when it is missing.
cargo test --workspace --test it -- --ignored "$@"
# The whole suite (no filter given) ends with the API contract under an outside tester:
# schemathesis, pinned, installed once into a cached venv (scripts/schemathesis.sh).
if [ $# -eq 0 ]; then
  bash scripts/schemathesis.sh
fi
