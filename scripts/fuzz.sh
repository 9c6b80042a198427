#!/usr/bin/env bash
# Runs every fuzz target (fuzz/fuzz_targets) for a bounded time each: `bash scripts/fuzz.sh [SECONDS]`
# (default 60). Crashing inputs land in fuzz/artifacts/TARGET/; once fixed, keep each in
# fuzz/regressions/TARGET/, which this script replays first, every time.
# cargo-fuzz needs nightly compiler features; the stable toolchain offers them with RUSTC_BOOTSTRAP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
secs=${1:-60}
export RUSTC_BOOTSTRAP=1

# Seed the corpora (not kept in the repository): Guild's own starter files, and when ../shared
# is beside the checkout, slices of the real O*NET release and the W3C credential vectors.
python3 - <<'PY'
import glob, os
c = "fuzz/corpus"
for t in ["taxonomy_files", "skill_extraction", "credential_verify", "api_bodies"]:
    os.makedirs(f"{c}/{t}", exist_ok=True)
st = "crates/taxonomy/starter/"
parts = [open(st + f, "rb").read()[:20000] for f in ["skills.tsv", "occupations.tsv", "tasks.tsv", "occupation_skills.tsv"]]
open(f"{c}/taxonomy_files/starter", "wb").write(b"\x02" + b"\x00".join(parts))
onet = "../shared/data/onet-29.3/"
if os.path.isdir(onet):
    files = ["Occupation Data.txt", "Task Statements.txt", "Skills.txt", "Alternate Titles.txt", "Content Model Reference.txt"]
    seed = [open(onet + f, "rb").read()[:8000] if os.path.exists(onet + f) else b"" for f in files]
    open(f"{c}/taxonomy_files/onet", "wb").write(b"\x00" + b"\x00".join(seed))
for i, f in enumerate(sorted(glob.glob("../shared/vectors/vc-di-eddsa/TestVectors/**/*.json", recursive=True))[:12]):
    open(f"{c}/credential_verify/w3c-{i}", "wb").write(open(f, "rb").read())
open(f"{c}/skill_extraction/machinist", "w").write(
    "Machinist. I set up CNC lathes, wrote G-code and read engineering drawings.\n- Count the stock\n- Build a dashboard")
open(f"{c}/api_bodies/task", "w").write(
    '{"title":"Weld","required":[{"skill":"guild:skill/g-code"}],"hours":4,"budget":{"minor":100,"currency":"EUR"}}')
open(f"{c}/api_bodies/money", "w").write("EUR12.50")
PY
for target in taxonomy_files skill_extraction credential_verify api_bodies; do
  if [ -d "fuzz/regressions/$target" ]; then
    echo "== $target: replaying fuzz/regressions/$target"
    cargo fuzz run "$target" --fuzz-dir fuzz "fuzz/regressions/$target" -- -runs=0
  fi
  echo "== $target ($secs s)"
  cargo fuzz run "$target" --fuzz-dir fuzz -- \
    -max_total_time="$secs" -rss_limit_mb=4096 -max_len=65536 -timeout=20
done
