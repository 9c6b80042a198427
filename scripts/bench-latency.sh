#!/usr/bin/env bash
# How long Guild's text commands take from the command line, by meaning and by words only.
# usage: scripts/bench-latency.sh sqlite:STORE.db [RUNS]
# STORE.db: a store with O*NET and ESCO imported (the import keeps the analyzer and embeddings).
# Texts: the machinist's story and the stock-dashboard problem of eval/people/dev.jsonl.
set -euo pipefail
db=${1:?usage: $0 sqlite:STORE.db [RUNS]}
runs=${2:-7}
cd "$(dirname "$0")/.."
cargo build --release -q -p guild
bin=target/release/guild
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 - "$tmp" <<'PY'
import json, sys
for line in open("eval/people/dev.jsonl"):
    d = json.loads(line)
    if d["id"] in ("en-worker-machinist", "en-client-stock-dashboard"):
        open(f"{sys.argv[1]}/{d['id']}.txt", "w").write(d["text"])
PY
timed() {
  local times=()
  for _ in $(seq "$runs"); do
    local start end
    start=$(date +%s.%N)
    "$@" > /dev/null 2>&1
    end=$(date +%s.%N)
    times+=("$(echo "$end - $start" | bc)")
  done
  printf '%s\n' "${times[@]}" | sort -n |
    awk '{a[NR]=$1} END {printf "median %.2f s (min %.2f, max %.2f)\n", a[int((NR+1)/2)], a[1], a[NR]}'
}
for mode in "" "--lexical"; do
  echo "== ${mode:-by meaning}"
  echo -n "profile extract: "; timed $bin --db "$db" $mode profile extract "$tmp/en-worker-machinist.txt"
  echo -n "extract:         "; timed $bin --db "$db" $mode extract "$tmp/en-worker-machinist.txt"
  echo -n "title:           "; timed $bin --db "$db" $mode title "Junior Software Engineer"
  echo -n "deconstruct:     "; timed $bin --db "$db" $mode deconstruct "$tmp/en-client-stock-dashboard.txt"
done
/usr/bin/time -f "profile extract by meaning: %M KB resident at most" \
  $bin --db "$db" profile extract "$tmp/en-worker-machinist.txt" > /dev/null
/usr/bin/time -f "profile extract by words: %M KB resident at most" \
  $bin --db "$db" --lexical profile extract "$tmp/en-worker-machinist.txt" > /dev/null
