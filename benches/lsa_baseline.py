#!/usr/bin/env python3
"""The SciPy baseline of the assignment benchmark: scipy.optimize.linear_sum_assignment on the
matrices that `guild bench assignment` solved, in the same run, so that times and optimal totals
compare. Each matrix is a raw little-endian float64 file, row-major.

Prints one JSON list: per matrix its name, optimal total, and the best CPU (thread) time and the
wall time of that run over RUNS runs, in seconds.

usage: lsa_baseline.py RUNS NAME:ROWS:COLS:PATH ...
"""
import json
import os
import sys
import time

# One thread, as for Guild (linear_sum_assignment is single-threaded C++; this keeps NumPy so).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
from scipy.optimize import linear_sum_assignment  # noqa: E402


def main() -> None:
    runs = int(sys.argv[1])
    results = []
    for spec in sys.argv[2:]:
        name, rows, cols, path = spec.split(":", 3)
        costs = np.fromfile(path, dtype="<f8").reshape(int(rows), int(cols))
        best = None
        for _ in range(max(runs, 1)):
            wall = time.perf_counter()
            cpu = time.thread_time()
            rows_idx, cols_idx = linear_sum_assignment(costs)
            run = (time.thread_time() - cpu, time.perf_counter() - wall)
            if best is None or run[0] < best[0]:
                best = run
        total = float(costs[rows_idx, cols_idx].sum())
        results.append({
            "name": name,
            "total": total,
            "cpu_seconds": best[0],
            "wall_seconds": best[1],
        })
    print(json.dumps(results))


if __name__ == "__main__":
    main()
