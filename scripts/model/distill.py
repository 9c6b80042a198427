"""Distil a sentence-transformers model into a model2vec static embedding model.

Each token of the base model's WordPiece vocabulary is passed through the transformer alone ([CLS] tok [SEP]),
mean-pooled, reduced by PCA to --pca-dims, weighted by SIF (1e-4, Zipf estimate from the token rank) and
stored as float16. Output: model.safetensors (tensor "embeddings" [vocab, dim]), tokenizer.json, config.json.

Usage: python distill.py MODEL_DIR OUT_DIR [--pca-dims 256]
"""
import argparse
import json
import time

import torch

from pairs import lines, read_csv, read_tsv


def taxonomy_vocabulary(data, min_count):
    """Whole words (lower-cased, alphabetic, 3+ letters) seen at least `min_count` times in the taxonomies'
    labels and descriptions (ESCO skills and occupations, English and Dutch occupation labels, O*NET titles,
    alternate titles, tasks). model2vec adds each one not already in the WordPiece vocabulary as a token of its own,
    embedded by passing the whole word through the transformer."""
    import re
    from collections import Counter
    from pathlib import Path

    data = Path(data)
    texts = []
    for r in read_csv(data / "esco-1.2" / "skills_en.csv"):
        texts += [r["preferredLabel"], r["description"]] + lines(r["altLabels"])
    for f in ("occupations_en.csv", "occupations_nl.csv"):
        for r in read_csv(data / "esco-1.2" / f):
            texts += [r["preferredLabel"], r["description"]] + lines(r["altLabels"])
    onet = data / "onet-29.3"
    texts += [r["Alternate Title"] for r in read_tsv(onet / "Alternate Titles.txt")]
    texts += [r["Reported Job Title"] for r in read_tsv(onet / "Sample of Reported Titles.txt")]
    texts += [r["Task"] for r in read_tsv(onet / "Task Statements.txt")]
    c = Counter(w for t in texts for w in re.findall(r"[^\W\d_]{3,}", t.lower()))
    return sorted(w for w, n in c.items() if n >= min_count)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--pca-dims", type=int, default=256)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--vocab-from", default=None, help="shared/data: add whole taxonomy words to the vocabulary")
    ap.add_argument("--vocab-min-count", type=int, default=5)
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    from model2vec.distill import distill

    t = time.time()
    vocab = taxonomy_vocabulary(args.vocab_from, args.vocab_min_count) if args.vocab_from else None
    m = distill(model_name=args.model, vocabulary=vocab, pca_dims=args.pca_dims, device="cpu", quantize_to="float16")
    m.save_pretrained(args.out)
    print(json.dumps({"distilled": args.model, "out": args.out, "shape": list(m.embedding.shape),
                      "dtype": str(m.embedding.dtype), "extra_words": len(vocab or []),
                      "seconds": round(time.time() - t, 1)}))


if __name__ == "__main__":
    main()
