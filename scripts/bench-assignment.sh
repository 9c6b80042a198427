#!/usr/bin/env bash
# Batch assignment speed (issue 4): Guild's dense Jonker–Volgenant solver beside SciPy's
# linear_sum_assignment on the same seeded n × n matrices (integer costs 0–999, n = 1000, 2000,
# 4000), equal optimal totals asserted; and the sparse solver with capacities on 20,000 tasks ×
# 100,000 workers × 50 candidates, certified by its LP dual and checked against the dense solver
# and SciPy on a smaller instance. One core (taskset -c 0), CPU time, best of 3 runs.
# Needs no data and no store; installs SciPy with pip when missing. Extra arguments go to
# `guild bench assignment` (e.g. --sizes 500,1000 --runs 5).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -c 'import scipy' 2>/dev/null || pip install -q scipy
cargo build --release --quiet
taskset -c 0 target/release/guild bench assignment --baseline benches/lsa_baseline.py "$@"
