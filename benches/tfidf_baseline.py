#!/usr/bin/env python3
"""The TF-IDF baseline of the skill-extraction benchmark (shared/eval/README.md): character 2-5-grams
of the sentence against the skills' preferred labels, cosine similarity, top 20 skills per sentence.

Run by `guild bench extraction` on the same sentences and labels as Guild's engine, one sentence at a
time on one core, so that the two throughputs compare. Prints one JSON object.

usage: tfidf_baseline.py LABELS.txt SENTENCES.txt
"""
import json
import os
import sys
import time

# One thread, so that thread CPU time is the whole cost (the figure compared is per-second of
# CPU time on one core, as for Guild).
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import numpy as np  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402


def main() -> None:
    labels = [line.rstrip("\n") for line in open(sys.argv[1], encoding="utf-8")]
    sentences = [line.rstrip("\n") for line in open(sys.argv[2], encoding="utf-8")]
    started = time.perf_counter()
    vectorizer = TfidfVectorizer(analyzer="char", ngram_range=(2, 5), lowercase=True)
    label_matrix = vectorizer.fit_transform(labels).T.tocsr()
    fit_seconds = time.perf_counter() - started
    # As for Guild: the best of several passes (a shared machine slows some), latencies over all.
    passes = int(os.environ.get("BENCH_PASSES", "3"))
    latencies = []
    best = None
    for _ in range(passes):
        started = time.perf_counter()
        cpu_started = time.thread_time()
        for sentence in sentences:
            t0 = time.perf_counter()
            scores = (vectorizer.transform([sentence]) @ label_matrix).toarray().ravel()
            top = np.argpartition(-scores, 20)[:20]
            top = top[np.argsort(-scores[top])]
            latencies.append(time.perf_counter() - t0)
        run = (time.thread_time() - cpu_started, time.perf_counter() - started)
        if best is None or run[0] < best[0]:
            best = run
    cpu_seconds, seconds = best
    latencies.sort()
    print(json.dumps({
        "sentences": len(sentences),
        "seconds": seconds,
        "per_second": len(sentences) / cpu_seconds,
        "wall_per_second": len(sentences) / seconds,
        "p50_ms": 1000 * latencies[len(latencies) // 2],
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "fit_seconds": fit_seconds,
    }))


if __name__ == "__main__":
    main()
