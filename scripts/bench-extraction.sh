#!/usr/bin/env bash
# Skill extraction speed: Guild's engine and the scikit-learn TF-IDF baseline on the same SkillSpan
# job-post sentences against the same 13,939 ESCO skills, one sentence at a time on one core.
# Needs ../shared (ESCO and SkillSpan); installs scikit-learn with pip when missing.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED=${GUILD_SHARED:-../shared}
python3 -c 'import sklearn' 2>/dev/null || pip install -q scikit-learn
cargo build --release --quiet
work=$(mktemp -d /tmp/guild-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 - "$SHARED/data/skillspan/json/train.json" > "$work/sentences.txt" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    tokens = json.loads(line)["tokens"]
    if len(tokens) >= 4:
        print(" ".join(tokens))
PY
DB="sqlite:$work/guild.db"
target/release/guild --lexical --db "$DB" import esco "$SHARED/data/esco-1.2" >/dev/null
taskset -c 0 target/release/guild --db "$DB" bench extraction --sentences "$work/sentences.txt" --baseline benches/tfidf_baseline.py
