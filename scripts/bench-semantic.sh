#!/usr/bin/env bash
# Sentence-encoder speed (issue 18): Guild's model run by candle beside sentence-transformers (PyTorch) running
# the same fine-tuned model, on the same 1,000 SkillSpan job-post sentences (and 200 paragraphs of five), both on
# one thread pinned to one core. Needs ../shared (SkillSpan) and the model venv and fine-tuned model of
# scripts/model/build.sh (venv, pairs, train: ~30 min once, cached in ~/.cache/guild).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${GUILD_SHARED:-../shared}
PY=${GUILD_MODEL_VENV:-$HOME/.cache/guild/model-venv}/bin/python
MODEL=${GUILD_MODEL_WORK:-$HOME/.cache/guild/model-work}/minilm-esco-onet
[ -d "$MODEL" ] || { scripts/model/build.sh venv && scripts/model/build.sh pairs && scripts/model/build.sh train; }
[ -x "$PY" ] || scripts/model/build.sh venv
cargo build --release --quiet
work=$(mktemp -d /tmp/guild-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$SHARED/data/skillspan/json/train.json" > "$work/sentences.txt" <<'PY'
import json, sys
n = 0
for line in open(sys.argv[1], encoding="utf-8"):
    tokens = json.loads(line)["tokens"]
    if len(tokens) >= 4 and n < 1000:
        print(" ".join(tokens))
        n += 1
PY
/usr/bin/time -f "guild bench semantic: %e s wall, peak resident %M KB" taskset -c 0 target/release/guild bench semantic \
  --sentences "$work/sentences.txt" --baseline benches/st_baseline.py --baseline-model "$MODEL" --python "$PY"
