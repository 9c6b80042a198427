#!/usr/bin/env bash
# Times `guild import onet` + `guild import esco --lang en,nl` of ../shared/data into a fresh store,
# on SQLite and on PostgreSQL (default durability), with the release build. Usage:
#   scripts/bench-import.sh [RUNS]      (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-3}
SHARED=${GUILD_SHARED:-../shared}
cargo build --release --quiet
GUILD=target/release/guild
PG_DURABLE=1
source scripts/pg.sh
start_pg

work=$(mktemp -d /tmp/guild-bench.XXXXXX)
trap 'rm -rf "$work"; stop_pg' EXIT

run() {
  local db=$1
  local t0 t1 t2
  t0=$(date +%s.%N)
  "$GUILD" --db "$db" import onet "$SHARED/data/onet-29.3" >/dev/null
  t1=$(date +%s.%N)
  "$GUILD" --db "$db" import esco "$SHARED/data/esco-1.2" --lang en,nl >/dev/null
  t2=$(date +%s.%N)
  python3 -c "print(f'{$t1-$t0:.2f} {$t2-$t1:.2f} {$t2-$t0:.2f}')"
}

echo "backend   run  onet_s  esco_s  total_s"
for i in $(seq 1 "$RUNS"); do
  rm -f "$work"/guild.db*
  read -r a b c < <(run "sqlite:$work/guild.db")
  echo "sqlite    $i    $a    $b    $c"
done
for i in $(seq 1 "$RUNS"); do
  psql -q -h 127.0.0.1 -p "$PG_PORT" -U guild -d postgres -c "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench" >/dev/null
  read -r a b c < <(run "postgres://guild@127.0.0.1:$PG_PORT/bench")
  echo "postgres  $i    $a    $b    $c"
done
# Re-import into the filled SQLite store (replaces every row of both sources).
read -r a b c < <(run "sqlite:$work/guild.db")
echo "sqlite re-import  $a    $b    $c"
