#!/usr/bin/env python3
"""Occupation transitions (issue 5): the cosine baseline of shared/eval/README.md, and the descriptor
combinations explored before the engine was written, scored with the eval protocol (P@10, R@20,
nDCG@20 with gains Primary-Short 3 / Primary-Long 2 / Supplemental 1, MAP).

Every ranking is computed from O*NET descriptors only (Skills, Knowledge, Interests, Work Styles,
detailed work activities through Tasks to DWAs); the related-occupation lists are read only as
ground truth. Needs numpy.

usage: transitions_baseline.py ONET_DIR RELATED.tsv
"""
import collections
import csv
import math
import sys

import numpy as np

GAIN = {"Primary-Short": 3, "Primary-Long": 2, "Supplemental": 1}


def rows(onet, name):
    with open(f"{onet}/{name}", encoding="utf-8", errors="replace") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def ratings(onet, name, scale):
    by_occupation, elements = {}, set()
    for r in rows(onet, name):
        if r["Scale ID"] == scale:
            by_occupation.setdefault(r["O*NET-SOC Code"], {})[r["Element ID"]] = float(r["Data Value"])
            elements.add(r["Element ID"])
    return by_occupation, sorted(elements)


def centred_cosine(x):
    x = x - x.mean(0)
    n = np.linalg.norm(x, axis=1, keepdims=True)
    n[n == 0] = 1
    x = x / n
    return x @ x.T


def main(onet, related):
    skills, skill_ids = ratings(onet, "Skills.txt", "IM")
    knowledge, knowledge_ids = ratings(onet, "Knowledge.txt", "IM")
    interests, interest_ids = ratings(onet, "Interests.txt", "OI")
    styles, style_ids = ratings(onet, "Work Styles.txt", "IM")
    occupations = sorted(set(skills) & set(knowledge))
    index = {o: i for i, o in enumerate(occupations)}

    def matrix(table, ids):
        return np.array([[table.get(o, {}).get(e, 0.0) for e in ids] for o in occupations])

    s, k = matrix(skills, skill_ids), matrix(knowledge, knowledge_ids)
    i, w = matrix(interests, interest_ids), matrix(styles, style_ids)
    dwas = collections.defaultdict(set)
    for r in rows(onet, "Tasks to DWAs.txt"):
        dwas[r["O*NET-SOC Code"]].add(r["DWA ID"])
    dwa_ids = {d: n for n, d in enumerate(sorted(set().union(*dwas.values())))}
    d = np.zeros((len(occupations), len(dwa_ids)))
    for n, o in enumerate(occupations):
        for x in dwas.get(o, ()):
            d[n, dwa_ids[x]] = 1
    d /= np.maximum(np.linalg.norm(d, axis=1, keepdims=True), 1e-9)
    dwa = d @ d.T

    truth = collections.defaultdict(dict)
    with open(related, encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            # Listed occupations without ratings cannot be ranked; the published baseline drops
            # them from the gold (with this rule it is reproduced exactly).
            if r["Related O*NET-SOC Code"] in index:
                truth[r["O*NET-SOC Code"]][r["Related O*NET-SOC Code"]] = GAIN[r["Relatedness Tier"]]

    def score(similarity, name):
        p10 = r20 = ndcg = ap_sum = 0.0
        queries = 0
        for source, listed in truth.items():
            if source not in index:
                continue
            row = similarity[index[source]].copy()
            row[index[source]] = -np.inf
            ranked = [occupations[j] for j in np.argsort(-row, kind="stable")[:-1]]
            queries += 1
            p10 += sum(t in listed for t in ranked[:10]) / 10
            r20 += sum(t in listed for t in ranked[:20]) / len(listed)
            dcg = sum(listed.get(t, 0) / math.log2(n + 2) for n, t in enumerate(ranked[:20]))
            ideal = sorted(listed.values(), reverse=True)[:20]
            ndcg += dcg / sum(g / math.log2(n + 2) for n, g in enumerate(ideal))
            hits, ap = 0, 0.0
            for n, t in enumerate(ranked):
                if t in listed:
                    hits += 1
                    ap += hits / (n + 1)
            ap_sum += ap / len(listed)
        q = max(queries, 1)
        print(f"{name:44s} queries={queries} P@10={p10/q:.3f} R@20={r20/q:.3f} "
              f"nDCG@20={ndcg/q:.3f} MAP={ap_sum/q:.3f}")

    score(centred_cosine(np.hstack([s, k])), "baseline: skills + knowledge")
    score(dwa, "work activities (DWA) cosine")
    score(centred_cosine(np.hstack([s, k, i])), "skills + knowledge + interests")
    score(centred_cosine(np.hstack([s, k, i])) + 0.5 * dwa, "skills + knowledge + interests + 0.5 DWA")
    score(centred_cosine(np.hstack([s, k, i, w])) + 0.5 * dwa, "... + work styles")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
