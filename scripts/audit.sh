#!/usr/bin/env bash
# Dependency audit with cargo-deny (deny.toml): licences, bans (duplicate versions warn) and
# sources (crates.io only) always run and must pass; known vulnerabilities (RustSec advisories)
# are checked when the advisory database can be fetched from GitHub, and otherwise skipped with
# a clear message, without failing the run (some machines cannot reach GitHub).
set -euo pipefail
cd "$(dirname "$0")/.."

DENY_VERSION=0.20.2
if [ "$(cargo deny --version 2>/dev/null)" != "cargo-deny $DENY_VERSION" ]; then
  echo "Installing cargo-deny $DENY_VERSION from crates.io (about 3.5 min on 2 cores)"
  # Its own target directory: a CARGO_TARGET_DIR set for Guild's builds stays Guild's.
  build=$(mktemp -d)
  trap 'rm -rf "$build"' EXIT
  cargo install --locked --quiet cargo-deny --version "$DENY_VERSION" --target-dir "$build"
fi

echo "cargo deny: licences, bans, sources"
# Duplicates are listed without their inclusion graphs, which run to thousands of lines.
cargo deny --locked --color never check --hide-inclusion-graph licenses bans sources

echo "cargo deny: advisories"
# The database is a git clone of github.com/RustSec/advisory-db: fetch it first, alone, so that
# an unreachable GitHub is told apart from a vulnerable dependency.
if fetched=$(timeout 300 cargo deny --color never fetch db 2>&1); then
  cargo deny --locked --offline --color never check advisories
else
  echo "SKIPPED the advisory check: the RustSec advisory database could not be fetched"
  echo "(github.com unreachable from this machine?). cargo deny said:"
  echo "$fetched" | sed 's/^/    /' | tail -n 5
  echo "Licences, bans and sources were checked; run 'bash scripts/audit.sh' where GitHub is reachable for advisories."
fi
