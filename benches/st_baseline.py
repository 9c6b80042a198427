"""Baseline for `guild bench semantic`: the same model through sentence-transformers (PyTorch, CPU, one thread)
on the same sentences and paragraphs, measured the same way. Prints JSON.

    python st_baseline.py MODEL_DIR SENTENCES.txt PARAGRAPHS.jsonl
"""
import json
import os
import resource
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
import torch  # noqa: E402

torch.set_num_threads(1)
from sentence_transformers import SentenceTransformer  # noqa: E402


def main():
    model_dir, sentences_file, paragraphs_file = sys.argv[1:4]
    t0 = time.perf_counter()
    model = SentenceTransformer(model_dir, device="cpu")
    model.max_seq_length = 256
    load = time.perf_counter() - t0
    sentences = [l.strip() for l in open(sentences_file, encoding="utf-8") if l.strip()]
    paragraphs = [json.loads(l) for l in open(paragraphs_file, encoding="utf-8") if l.strip()]
    for s in sentences[:5]:
        model.encode([s], normalize_embeddings=True)
    cpu0 = time.process_time()
    lat = []
    for s in sentences:
        t = time.perf_counter()
        model.encode([s], normalize_embeddings=True, batch_size=1)
        lat.append(time.perf_counter() - t)
    cpu = time.process_time() - cpu0
    plat = []
    for p in paragraphs:
        t = time.perf_counter()
        model.encode(p, normalize_embeddings=True, batch_size=32)
        plat.append(time.perf_counter() - t)
    lat.sort()
    plat.sort()
    q = lambda v, p: v[min(len(v) - 1, int(len(v) * p))] * 1000
    print(json.dumps({
        "load_s": load,
        "sentences": len(sentences),
        "sentences_per_cpu_s": len(sentences) / cpu,
        "p50_ms": q(lat, 0.5), "p99_ms": q(lat, 0.99),
        "paragraphs": len(paragraphs),
        "paragraph_p50_ms": q(plat, 0.5), "paragraph_p99_ms": q(plat, 0.99),
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
