"""Score sentence-embedding models on the validation splits of shared/eval (protocol of shared/eval/README.md).

Extraction: for each sentence, rank ALL ESCO skills of skills_en.csv by cosine between the sentence and the skill;
a skill is embedded either as its preferred label ("pref") or as the normalised mean of its preferred and
alternative label embeddings ("pref+alt"). RP@5, RP@10, MRR, MAP.
Titles: rank ALL ESCO occupations; an occupation scores the max cosine over its preferred and alternative labels
("max"), or its preferred label only ("pref"). MRR, R@1, R@5, R@10.
Knob choice (the label aggregation) by 5-fold cross-validation inside each validation split: the variant best on
four folds is scored on the fifth; the mean and the spread (min-max) of those five held-out scores are reported.

Usage: python evaluate.py --esco DIR --eval DIR --model NAME=KIND:PATH [...] [--titles-sample 3000] [--out results.json]
KIND is "st" (sentence-transformers directory) or "static" (model2vec directory).
Embeddings are cached under --cache so reruns are cheap.
"""
import argparse
import csv
import hashlib
import json
import random
import time
from collections import OrderedDict, defaultdict
from pathlib import Path

import numpy as np


def lines(s):
    return [x.strip() for x in (s or "").split("\n") if x.strip()]


def read_csv(p):
    with open(p, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Encoder:
    def __init__(self, name, kind, path, cache):
        self.name, self.kind, self.path = name, kind, path
        self.cache = Path(cache) / name
        self.cache.mkdir(parents=True, exist_ok=True)
        self.model = None

    def _load(self):
        if self.model is None:
            if self.kind == "st":
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(1)
                self.model = SentenceTransformer(self.path, device="cpu")
            else:
                from model2vec import StaticModel

                self.model = StaticModel.from_pretrained(self.path)

    def encode(self, texts):
        key = hashlib.sha256("\n".join(texts).encode()).hexdigest()[:16]
        f = self.cache / f"{key}.npy"
        if f.exists():
            return np.load(f)
        self._load()
        t = time.time()
        if self.kind == "st":
            e = self.model.encode(texts, batch_size=128, normalize_embeddings=True, convert_to_numpy=True)
        else:
            e = self.model.encode(texts, batch_size=2048)
        e = np.asarray(e, dtype=np.float32)
        e /= np.maximum(np.linalg.norm(e, axis=1, keepdims=True), 1e-12)
        print(f"  [{self.name}] encoded {len(texts)} texts in {time.time()-t:.1f}s", flush=True)
        np.save(f, e)
        return e


def load_skills(esco):
    rows = read_csv(Path(esco) / "skills_en.csv")
    pref = [r["preferredLabel"].strip() for r in rows]
    alts = [[a for a in lines(r["altLabels"]) if a.lower() != r["preferredLabel"].strip().lower()] for r in rows]
    return pref, alts


def load_occupations(esco):
    rows = read_csv(Path(esco) / "occupations_en.csv")
    uris = [r["conceptUri"] for r in rows]
    pref = [r["preferredLabel"].strip() for r in rows]
    alts = [[a for a in lines(r["altLabels"]) + lines(r["hiddenLabels"]) if a.lower() != p.lower()]
            for r, p in zip(rows, pref)]
    return uris, pref, alts


def load_extraction(path, pref):
    idx = {p.lower(): i for i, p in enumerate(pref)}
    gold = OrderedDict()
    for r in read_csv(path):
        s = r["sentence"]
        gold.setdefault(s, set())
        lab = r["label"].strip()
        if lab in ("LABEL NOT PRESENT", "UNDERSPECIFIED"):
            continue
        if lab.lower() in idx:
            gold[s].add(idx[lab.lower()])
    return [(s, g) for s, g in gold.items() if g]


def load_titles(path, uris, sample, seed=0):
    uidx = {u: i for i, u in enumerate(uris)}
    rows = [(r["vacancyTitle"], uidx[r["conceptUri"]]) for r in read_csv(path) if r["conceptUri"] in uidx]
    if sample and sample < len(rows):
        rows = random.Random(seed).sample(rows, sample)
    return rows


def label_matrix(enc, pref, alts):
    """Embeddings of all preferred + alternative labels, and the owner concept of each row."""
    texts, owner = list(pref), list(range(len(pref)))
    for i, al in enumerate(alts):
        texts += al
        owner += [i] * len(al)
    return enc.encode(texts), np.asarray(owner)


def concept_mean(E, owner, n):
    M = np.zeros((n, E.shape[1]), dtype=np.float32)
    np.add.at(M, owner, E)
    M /= np.maximum(np.linalg.norm(M, axis=1, keepdims=True), 1e-12)
    return M


def ranks_of_gold(scores, gold_sets):
    """Per query: the 1-based ranks of its gold items (ties broken pessimistically)."""
    out = []
    for row, g in zip(scores, gold_sets):
        gs = sorted(g)
        gsc = row[gs]
        out.append(sorted(int((row > v).sum()) + int((row[np.arange(len(row)) != gi] == v).sum()) + 1
                          for gi, v in zip(gs, gsc)))
    return out


def extraction_metrics(rk):
    """Per-query metric arrays from the gold ranks."""
    m = defaultdict(list)
    for r in rk:
        n = len(r)
        for k in (5, 10):
            m[f"RP@{k}"].append(sum(1 for x in r if x <= k) / min(k, n))
        m["MRR"].append(1.0 / r[0])
        m["MAP"].append(np.mean([(j + 1) / x for j, x in enumerate(r)]))
    return {k: np.asarray(v) for k, v in m.items()}


def title_metrics(rk):
    m = defaultdict(list)
    for r in rk:
        x = r[0]
        m["MRR"].append(1.0 / x)
        for k in (1, 5, 10):
            m[f"R@{k}"].append(float(x <= k))
    return {k: np.asarray(v) for k, v in m.items()}


def cv_choice(per_variant, metric, folds=5, seed=0):
    """5-fold choice of a variant: best mean `metric` on 4 folds, scored on the 5th."""
    n = len(next(iter(per_variant.values()))[metric])
    order = list(range(n))
    random.Random(seed).shuffle(order)
    fold_of = np.empty(n, dtype=int)
    for j, i in enumerate(order):
        fold_of[i] = j % folds
    held, chosen = [], []
    for f in range(folds):
        tr, te = fold_of != f, fold_of == f
        best = max(per_variant, key=lambda v: per_variant[v][metric][tr].mean())
        chosen.append(best)
        held.append(per_variant[best][metric][te].mean())
    return {"chosen_per_fold": chosen, "held_out_mean": float(np.mean(held)),
            "held_out_min": float(np.min(held)), "held_out_max": float(np.max(held))}


def topk_ranks_chunked(Q, C, gold, owner=None, n_concepts=None, chunk=512):
    rk = []
    for s in range(0, len(Q), chunk):
        S = Q[s:s + chunk] @ C.T
        if owner is not None:
            M = np.full((S.shape[0], n_concepts), -np.inf, dtype=np.float32)
            np.maximum.at(M.T, owner, S.T)  # max over each concept's labels
            S = M
        rk += ranks_of_gold(S, gold[s:s + chunk])
    return rk


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--esco", required=True)
    ap.add_argument("--eval", required=True)
    ap.add_argument("--model", action="append", required=True)
    ap.add_argument("--titles-sample", type=int, default=3000)
    ap.add_argument("--skill-variants", default="pref,pref+alt")
    ap.add_argument("--cache", default=str(Path.home() / ".cache/guild/model-work/emb-cache"))
    ap.add_argument("--out", default=None)
    args = ap.parse_args()

    ev = Path(args.eval)
    spref, salts = load_skills(args.esco)
    ouris, opref, oalts = load_occupations(args.esco)
    ext = {s: load_extraction(ev / "skill-extraction" / f"{s}_validation_annotations.csv", spref)
           for s in ("house", "tech")}
    titles = load_titles(ev / "job-titles" / "titles.validation.csv", ouris, args.titles_sample)
    results = {}
    for spec in args.model:
        name, rest = spec.split("=", 1)
        kind, path = rest.split(":", 1)
        enc = Encoder(name, kind, path, args.cache)
        t0 = time.time()
        res = {}
        variants = args.skill_variants.split(",")
        skill_embs = {}
        if "pref" in variants:
            skill_embs["pref"] = enc.encode(spref)
        if "pref+alt" in variants:
            E, owner = label_matrix(enc, spref, salts)
            skill_embs["pref+alt"] = concept_mean(E, owner, len(spref))
        for split, data in ext.items():
            Q = enc.encode([s for s, _ in data])
            gold = [g for _, g in data]
            per = {v: extraction_metrics(ranks_of_gold(Q @ C.T, gold)) for v, C in skill_embs.items()}
            res[f"extraction_{split}"] = {
                "queries": len(data),
                "variants": {v: {k: float(a.mean()) for k, a in m.items()} for v, m in per.items()},
                "cv_RP@5": cv_choice(per, "RP@5") if len(per) > 1 else None,
            }
        Eo, oowner = label_matrix(enc, opref, oalts)
        Q = enc.encode([t for t, _ in titles])
        gold = [{g} for _, g in titles]
        per = {
            "max": title_metrics(topk_ranks_chunked(Q, Eo, gold, oowner, len(opref))),
            "pref": title_metrics(topk_ranks_chunked(Q, Eo[: len(opref)], gold)),
        }
        res["titles"] = {
            "queries": len(titles),
            "variants": {v: {k: float(a.mean()) for k, a in m.items()} for v, m in per.items()},
            "cv_MRR": cv_choice(per, "MRR"),
        }
        res["seconds"] = round(time.time() - t0, 1)
        results[name] = res
        print(json.dumps({name: res}, indent=1), flush=True)
    if args.out:
        Path(args.out).write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
