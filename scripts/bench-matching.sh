#!/usr/bin/env bash
# Ranking and team formation (issue 4), on workers and tasks generated from the ESCO occupations:
#   guild bench matching: top 20 workers for tasks of 10 required skills over 1,000,000 workers,
#     from the index and by a brute-force scan in the same run (equal results asserted);
#   guild bench teams: 200 projects of 5–15 needs over 100,000 workers, exact and approximate;
#   guild bench follow: changes applied to the live index over 1,000,000 workers, beside a rebuild.
# One core (taskset -c 0). Needs ../shared (ESCO). Extra arguments go to `guild bench matching`.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${GUILD_SHARED:-../shared}
cargo build --release --quiet
work=$(mktemp -d /tmp/guild-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
DB="sqlite:$work/guild.db"
target/release/guild --db "$DB" import esco "$SHARED/data/esco-1.2" >/dev/null
taskset -c 0 target/release/guild --db "$DB" bench matching "$@"
taskset -c 0 target/release/guild --db "$DB" bench teams
taskset -c 0 target/release/guild --db "$DB" bench follow
