#!/usr/bin/env bash
# The structure measures of issue 19, from the working tree: how big the store and the server's
# handlers are, how rows are read, how ids are typed, how often a handler hops to the blocking
# pool, and how much code repeats. Run from the repository root; prints `name value` lines.
set -euo pipefail
cd "$(dirname "$0")/.."
rs() { find "$@" -name '*.rs' -print0 | xargs -0 cat; }
echo "store_lines $(rs crates/store/src | wc -l)"
echo "server_handler_lines $(rs crates/server/src | wc -l)"
# Rows read by position: `r[0]`, `row[3]`, `rows[0][1]`.
echo "positional_row_reads $(grep -rhoE '\b(r|row|rows\[[0-9]+\])\[[0-9]+\]' crates --include='*.rs' | wc -l)"
# Ids passed as bare integers: a parameter or field named for an entity, typed i64.
echo "bare_i64_ids $(grep -rhoE '\b(id|[a-z_]+_id|account|client|worker|owner|contract|project|proposal|task|milestone|credential|organisation|reviewer|buyer|seller|learner|trainer)s?: (&)?i64\b' crates --include='*.rs' | wc -l)"
# States compared as text rather than as their enums, in Rust and in the page templates:
# `status == "open"`, `status.as_str() != "passed"`, `matches!(m.status.as_str(), "…"`, and
# match arms on a state's name (`"draft" =>`, `"open" | "invited" =>`, `"cancelled" if … =>`).
# The names are every typed state's: tasks, projects (and their audience), contracts,
# milestones, proposals, skill-test attempts, payments and webhook deliveries.
states='proposed|active|completed|cancelled|disputed|declined|open|closed|draft|funded|submitted|approved|published|invited|accepted|withdrawn|unfunded|changes_requested|refunded|settled|in_progress|awaiting_assessor|passed|failed|returned|pending|delivered'
echo "status_strings_compared $(grep -rhoE "status(\.as_str\(\)|\.to_string\(\))? *(==|!=) *\"[a-z_]+\"|matches!\([a-z_.]*status(\.as_str\(\))?, *\"|\"($states)\" *(\| *\"[a-z_]+\" *)*(if [^=]*)?=> " crates --include='*.rs' --include='*.html' | wc -l)"
echo "blocking_move $(grep -rho 'blocking(move' crates --include='*.rs' | wc -l)"
echo "now_helpers $(grep -rhoE 'fn now(_[a-z]+)?\(\)' crates --include='*.rs' | wc -l)"
echo "money_types $(grep -rhoE '^pub (struct|enum) (Money|Amount)\b' -r crates --include='*.rs' | wc -l)"
if command -v duplicates >/dev/null; then
  # Its first line: "N pairs of places (… files read), … (B by shape alone, M of those marked boilerplate)".
  duplicates --seconds 120 | head -1 | sed -E 's/^([0-9]+) pairs.*\(([0-9]+) by shape alone, ([0-9]+) of those.*/duplicate_pairs \1\nduplicate_pairs_boilerplate \3/'
fi
