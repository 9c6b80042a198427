"""Is the semantic share of the hybrid (one global knob, SEMANTIC_WEIGHT) over-fitted to the validation splits?

5-fold cross-validation inside each validation split: sentences are shuffled (seed 0) into 5 folds; for each fold,
the weight with the best mean RP@5 over the other four folds is chosen from a grid and scored on the held-out fold.
Prints, per split, each fold's choice and held-out RP@5, and the mean held-out RP@5 next to the full-split RP@5 of
the shipped weight.

    python3 scripts/eval/kfold_weight.py GUILD_BINARY DATABASE_URL SPLIT.csv [SPLIT.csv ...]
"""
import csv
import os
import random
import re
import subprocess
import sys
import tempfile

GRID = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9]


def run(guild, db, path):
    env = dict(os.environ, GUILD_EVAL_SWEEP=",".join(str(w) for w in GRID))
    out = subprocess.run([guild, "--db", db, "eval", "extraction", path], env=env, capture_output=True,
                         text=True, check=True).stdout
    scores = {}
    for line in out.splitlines():
        m = re.match(r"hybrid w=([0-9.]+): queries=(\d+) RP@5=([0-9.]+)", line)
        if m:
            scores[float(m.group(1))] = (int(m.group(2)), float(m.group(3)))
    last = out.strip().splitlines()[-1]
    return scores, last


def main():
    guild, db, splits = sys.argv[1], sys.argv[2], sys.argv[3:]
    for split in splits:
        with open(split, newline="") as f:
            reader = csv.DictReader(f)
            fields = reader.fieldnames
            rows = list(reader)
        sentences = sorted({r["sentence"] for r in rows})
        random.Random(0).shuffle(sentences)
        fold_of = {s: i % 5 for i, s in enumerate(sentences)}
        per_fold = []
        with tempfile.TemporaryDirectory() as tmp:
            for k in range(5):
                path = os.path.join(tmp, f"fold{k}.csv")
                with open(path, "w", newline="") as f:
                    w = csv.DictWriter(f, fieldnames=fields)
                    w.writeheader()
                    w.writerows(r for r in rows if fold_of[r["sentence"]] == k)
                per_fold.append(run(guild, db, path)[0])
            full_scores, headline = run(guild, db, split)
        held = []
        for k in range(5):
            def train_score(w):
                n = sum(per_fold[j][w][0] for j in range(5) if j != k)
                return sum(per_fold[j][w][0] * per_fold[j][w][1] for j in range(5) if j != k) / max(n, 1)
            best = max(GRID, key=lambda w: (train_score(w), -abs(w - 0.8)))
            q, rp = per_fold[k][best]
            held.append((best, q, rp))
            print(f"{os.path.basename(split)} fold {k}: chose w={best}, held-out RP@5 {rp:.3f} ({q} sentences)")
        n = sum(q for _, q, _ in held)
        mean = sum(q * rp for _, q, rp in held) / n
        print(f"{os.path.basename(split)}: 5-fold held-out RP@5 {mean:.3f} (range {min(r for *_, r in held):.3f}-"
              f"{max(r for *_, r in held):.3f}); full split, shipped weight: {headline}")


if __name__ == "__main__":
    main()
