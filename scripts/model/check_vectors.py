"""Write check vectors for the Rust implementation: sentences, their token ids, and their embeddings as computed
by model2vec's own StaticModel.encode (first 8 dims and L2 norm), normalised (the model's default) and not.

Usage: python check_vectors.py STATIC_MODEL_DIR OUT.json
"""
import json
import sys

import numpy as np
from model2vec import StaticModel

SENTENCES = [
    "roof bolting in an underground coal mine",
    "animated explainer video",
    "CNC milling machine operator",
    "orderpicker in een magazijn",
    "Sales Executive",
    "manage musical staff",
    "Experience with PostgreSQL, Redis and Kubernetes (K8s) is a plus.",
    "Café-Restaurant Zürich: Kellner/in gesucht!",
    "nurse",
    "☃",
    "",
]


def main(model_dir, out):
    m = StaticModel.from_pretrained(model_dir)
    ids = m.tokenize(SENTENCES)
    toks = [[m.tokenizer.id_to_token(i) for i in row] for row in ids]
    norm = m.encode(SENTENCES, use_multiprocessing=False)
    raw = m.encode(SENTENCES, normalize=False, use_multiprocessing=False)
    rows = []
    for s, i, t, n, r in zip(SENTENCES, ids, toks, norm, raw):
        n32, r32 = np.asarray(n, dtype=np.float64), np.asarray(r, dtype=np.float64)
        rows.append({
            "sentence": s,
            "token_ids": [int(x) for x in i],
            "tokens": t,
            "normalized_first8": [round(float(x), 6) for x in n32[:8]],
            "normalized_l2": round(float(np.linalg.norm(n32)), 6),
            "mean_first8": [round(float(x), 6) for x in r32[:8]],
            "mean_l2": round(float(np.linalg.norm(r32)), 6),
        })
    doc = {
        "model_dir": model_dir,
        "dim": int(m.dim),
        "vocab": int(m.embedding.shape[0]),
        "output_dtype": str(norm.dtype),
        "note": "computed by model2vec StaticModel.encode; 'mean' = encode(normalize=False), 'normalized' = "
                "encode() (the model's config has normalize=true). encode returns the embedding table's dtype "
                "(float16), so compare with a tolerance of about 2e-3 (relative) per component.",
        "sentences": rows,
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(doc, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
