"""Contrastive fine-tuning of all-MiniLM-L6-v2 on taxonomy pairs (CPU).

Loss: in-batch negatives ranking loss (MultipleNegativesRankingLoss, cosine x scale 20), made symmetric
(anchor->positive and positive->anchor), as a plain PyTorch loop so no extra training packages are needed.
Batches never hold the same text twice (a duplicate would be a false negative).

Usage: python train.py PAIRS.tsv OUT_DIR [--steps N] [--batch B] [--lr LR] [--max-seq-len L] [--seed S]
"""
import argparse
import csv
import json
import math
import random
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F


LONG_SOURCES = {"skill_desc_pref", "occ_desc_label", "onet_task_dwa", "onet_task_title"}


def load_pairs(path):
    with open(path, encoding="utf-8", newline="") as f:
        r = csv.reader(f, delimiter="\t")
        next(r)
        return [(row[0], row[1], row[2]) for row in r]


def group_batches(pairs, batch, rng):
    """One pass over `pairs` (shuffled) in batches of `batch`; a pair whose text is already in the batch
    being filled waits for the next batch (a repeated text would be a false in-batch negative)."""
    order = list(range(len(pairs)))
    rng.shuffle(order)
    out, waiting, cur, texts = [], [], [], set()
    for i in order:
        for j in waiting + [i]:
            a, b = pairs[j]
            ka, kb = a.lower(), b.lower()
            if ka in texts or kb in texts:
                continue
            cur.append(j)
            texts.update((ka, kb))
        cs = set(cur)
        waiting = [j for j in waiting + [i] if j not in cs][-4 * batch :]
        if len(cur) >= batch:
            out.append([pairs[j] for j in cur[:batch]])
            waiting = cur[batch:] + waiting
            cur, texts = [], set()
    return out


def batches(pairs, batch, rng):
    """Yield batches forever. Pairs with a long anchor (descriptions, task statements) are batched apart from
    the short label pairs, so short batches are not padded to the longest description (about 4x less compute);
    the batch order is shuffled, so the model sees both kinds throughout."""
    long_ = [(a, b) for s, a, b in pairs if s in LONG_SOURCES]
    short = [(a, b) for s, a, b in pairs if s not in LONG_SOURCES]
    while True:
        bs = group_batches(long_, batch, rng) + group_batches(short, batch, rng)
        rng.shuffle(bs)
        yield from bs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("pairs")
    ap.add_argument("out")
    ap.add_argument("--base", required=True, help="directory of the base sentence-transformers model")
    ap.add_argument("--steps", type=int, default=300)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--warmup", type=float, default=0.05)
    ap.add_argument("--max-seq-len", type=int, default=48)
    ap.add_argument("--scale", type=float, default=20.0)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--threads", type=int, default=1,
                    help="torch threads; 1 is 3-4x faster than 2 on a 2-core machine shared with other builds")
    ap.add_argument("--time-budget", type=float, default=0, help="stop early after this many seconds (0: never)")
    ap.add_argument("--stop-at", type=int, default=0,
                    help="stop after this many steps of the --steps schedule (0: run it all); reproduces a run that a time budget stopped")
    args = ap.parse_args()

    from sentence_transformers import SentenceTransformer

    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    rng = random.Random(args.seed)
    torch.set_num_threads(args.threads)

    model = SentenceTransformer(args.base, device="cpu")
    base_max_len = model.max_seq_length
    model.max_seq_length = args.max_seq_len
    model.train()
    # the word-embedding table stays frozen: it halves the optimizer's work, and the distillation reads the
    # token vectors through the (adapted) transformer layers anyway
    model[0].auto_model.embeddings.word_embeddings.requires_grad_(False)
    pairs = load_pairs(args.pairs)
    opt = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr, weight_decay=0.01)
    warm = max(1, int(args.warmup * args.steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (args.steps - s) / max(1, args.steps - warm)))
    )

    def embed(texts):
        feats = model.tokenize(texts)
        return model(feats)["sentence_embedding"]

    t0 = time.time()
    gen = batches(pairs, args.batch, rng)
    losses = []
    for step in range(args.steps):
        b = next(gen)
        a = embed([x for x, _ in b])
        p = embed([y for _, y in b])
        a = F.normalize(a, dim=-1)
        p = F.normalize(p, dim=-1)
        logits = args.scale * a @ p.T
        labels = torch.arange(len(b))
        loss = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_([p for p in model.parameters() if p.requires_grad], 1.0)
        opt.step()
        sched.step()
        losses.append(loss.item())
        if args.stop_at and step + 1 >= args.stop_at:
            print(f"stopped after {step+1} steps (--stop-at)", flush=True)
            break
        if args.time_budget and time.time() - t0 > args.time_budget:
            print(f"time budget reached after {step+1} steps", flush=True)
            break
        if (step + 1) % 25 == 0 or step == 0:
            el = time.time() - t0
            print(f"step {step+1}/{args.steps} loss {np.mean(losses[-25:]):.4f} "
                  f"lr {sched.get_last_lr()[0]:.2e} {el:.0f}s ({el/(step+1):.2f}s/step)", flush=True)
    wall = time.time() - t0
    model.eval()
    model.max_seq_length = base_max_len  # training truncated at --max-seq-len; inference keeps the base's limit
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    model.save(str(out))
    rec = dict(vars(args), pairs_total=len(pairs), steps_done=len(losses),
               examples_seen=len(losses) * args.batch, epochs=len(losses) * args.batch / len(pairs), wall_seconds=round(wall, 1),
               final_loss=float(np.mean(losses[-100:])), torch=torch.__version__)
    (out / "training_record.json").write_text(json.dumps(rec, indent=2))
    print(json.dumps(rec, indent=2))


if __name__ == "__main__":
    main()
