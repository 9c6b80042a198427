"""Export a sentence-transformers BERT model (all-MiniLM-L6-v2 or its fine-tuned copy) as the compact model
directory that Guild embeds (crates/semantic, `Encoder`).

    python export.py MODEL_DIR OUT_DIR

What it writes (and why):
- model.safetensors: the BERT encoder's tensors (the pooler is dropped: Guild mean-pools the last layer, as
  sentence-transformers does for this model). Every tensor is float16, except the word-embedding table, which is
  int8 with one float32 scale per row (`embeddings.word_embeddings.weight.q` as uint8 holding value + 128, and
  `embeddings.word_embeddings.weight.scale`): the table is half of the model and its rows are looked up, not
  multiplied, so per-row int8 costs almost nothing and keeps the file under ~35 MB. Guild converts everything to
  float32 when it loads (computing in float16 is slower on CPUs and unstable in attention).
- tokenizer.json: the model's WordPiece tokenizer with the training-time truncation and padding removed (Guild
  sets its own: 256 tokens, like sentence-transformers' max_seq_length for this model).
- config.json: the BERT configuration plus Guild's pooling settings.
- check-vectors.json: reference embeddings of a few sentences, computed by sentence-transformers (PyTorch) from
  the exported, de-quantised weights (`dequantised`) and from the original float32 model (`original`), for the
  Rust test that holds Guild's encoder to them.
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
from safetensors import safe_open
from safetensors.numpy import save_file
from sentence_transformers import SentenceTransformer

CHECK_SENTENCES = [
    "Produce a 3-minute animated explainer video for our product",
    "We need our warehouse stock data cleaned up and a dashboard",
    "I did roof bolting and conducted methane gas checks underground for twelve years.",
    "Ik heb vijf jaar als orderpicker gewerkt en met de heftruck gereden.",
    "operate lathe",
    "Junior Software Engineer",
    "",
    "☃",
]


def main():
    src, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    tensors = {}
    with safe_open(src / "model.safetensors", "np") as f:
        for name in f.keys():
            if name.startswith("pooler."):
                continue
            t = f.get_tensor(name).astype(np.float32)
            name = name.replace("LayerNorm.gamma", "LayerNorm.weight").replace("LayerNorm.beta", "LayerNorm.bias")
            if name == "embeddings.word_embeddings.weight":
                scale = np.abs(t).max(axis=1) / 127.0
                scale[scale == 0] = 1.0
                q = np.clip(np.rint(t / scale[:, None]), -127, 127).astype(np.int16) + 128
                tensors[name + ".q"] = q.astype(np.uint8)
                tensors[name + ".scale"] = scale.astype(np.float32)
            else:
                tensors[name] = t.astype(np.float16)
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "guild-bert-f16-q8emb"})

    tok = json.loads((src / "tokenizer.json").read_text())
    tok["truncation"] = None
    tok["padding"] = None
    (out / "tokenizer.json").write_text(json.dumps(tok, ensure_ascii=False))

    cfg = json.loads((src / "config.json").read_text())
    keep = ["vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size",
            "hidden_act", "hidden_dropout_prob", "max_position_embeddings", "type_vocab_size",
            "initializer_range", "layer_norm_eps", "pad_token_id", "position_embedding_type"]
    config = {k: cfg[k] for k in keep if k in cfg}
    config["model_type"] = "bert"
    config["guild"] = {"pooling": "mean", "normalize": True, "max_tokens": 256}
    (out / "config.json").write_text(json.dumps(config, indent=2) + "\n")

    # References: the original model, and the same model with the exported (rounded) weights put back.
    original = SentenceTransformer(str(src), device="cpu")
    original.max_seq_length = 256
    ref_original = original.encode(CHECK_SENTENCES, normalize_embeddings=True, batch_size=1)
    state = original[0].auto_model.state_dict()
    with torch.no_grad():
        for name, t in tensors.items():
            if name.endswith(".scale"):
                continue
            if name.endswith(".q"):
                base = name[: -len(".q")]
                w = (t.astype(np.float32) - 128.0) * tensors[base + ".scale"][:, None]
                name = base
            else:
                w = t.astype(np.float32)
            key = name
            if key not in state:
                key = key.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
            state[key].copy_(torch.from_numpy(w))
    ref_deq = original.encode(CHECK_SENTENCES, normalize_embeddings=True, batch_size=1)
    tk = original.tokenizer
    checks = []
    for s, a, b in zip(CHECK_SENTENCES, ref_deq, ref_original):
        checks.append({
            "text": s,
            "ids": tk(s, truncation=True, max_length=256)["input_ids"],
            "dequantised": [round(float(x), 7) for x in a],
            "original": [round(float(x), 7) for x in b],
        })
    cos = [float(np.dot(a, b)) for a, b in zip(ref_deq, ref_original)]
    (out / "check-vectors.json").write_text(json.dumps({"sentences": checks, "min_cosine_deq_vs_original": min(cos)}) + "\n")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"exported {len(tensors)} tensors to {out} ({size / 1e6:.1f} MB); cosine(dequantised, original) >= {min(cos):.6f}")


if __name__ == "__main__":
    main()
