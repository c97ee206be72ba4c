#!/usr/bin/env bash
# Makes the demo store shipped in resources/demo/ from a real run of the default method:
#   1. `relay pipeline` with no arguments (the cpu-quick-ari preset) into a work folder;
#      cut off, the same command resumes it (rerun this script with the same work folder);
#   2. keeps what the workbench's views need: the store (runs, metrics, evaluations, hit
#      matrices, probe snapshots, Stage II chains) and each run's final checkpoint, stored with
#      a path relative to the store so the folder can move (an installed copy, a user's copy);
#   3. replaces resources/demo/ in one rename, with the pipeline's report beside the store.
# Run it again whenever the default preset changes.
#   usage: packaging/make-demo.sh [relay binary] (work folder: RELAY_DEMO_WORK, default
#          build/demo-work)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
relay=${1:-$root/build/app/cli/relay}
work=${RELAY_DEMO_WORK:-$root/build/demo-work}
out=$root/resources/demo
command -v sqlite3 >/dev/null || { echo "make-demo: sqlite3 is needed" >&2; exit 2; }

mkdir -p "$work"
"$relay" pipeline --db "$work/runs.db"

next=$out.next
rm -rf "$next"
mkdir -p "$next/checkpoints"
# A consistent copy even if the store has a write-ahead log beside it.
sqlite3 "$work/runs.db" ".backup '$next/runs.db'"
# What the views need, within the 15 MB a shipped demo may take: the final checkpoint of every
# model the viewer or a new fine-tune starts from (Stage I and each self-improvement round's
# looped model, the vanilla looped model, the AR baseline; the AR fine-tunes keep their
# evaluations, hit matrices and curves), the training curves at every tenth step (and the last), and a uniform
# fifth of the Stage II chains (the report keeps the shares measured over all of them).
sqlite3 "$next/runs.db" <<'SQL'
DELETE FROM checkpoints
 WHERE step < (SELECT MAX(step) FROM checkpoints AS newest WHERE newest.run = checkpoints.run)
    OR run IN (SELECT id FROM runs WHERE kind NOT IN ('looped', 'looped-vanilla', 'ar'));
-- Each run's last step once (a correlated MAX per row would read a run's curve per row).
CREATE TEMP TABLE last_metric AS SELECT run, MAX(step) AS step FROM metrics GROUP BY run;
DELETE FROM metrics
 WHERE step % 10 != 0
   AND step < (SELECT step FROM last_metric WHERE last_metric.run = metrics.run);
DELETE FROM chains WHERE id % 5 != 0;
SQL
sqlite3 -separator ' ' "$next/runs.db" 'SELECT run, path FROM checkpoints' |
    while read -r run path; do
        mkdir -p "$next/checkpoints/run-$run"
        cp "$path" "$next/checkpoints/run-$run/"
        relative="checkpoints/run-$run/$(basename "$path")"
        sqlite3 "$next/runs.db" "UPDATE checkpoints SET path = '$relative' WHERE run = $run"
    done
sqlite3 "$next/runs.db" 'PRAGMA journal_mode = DELETE; VACUUM;' >/dev/null
report=$(find "$work/pipelines" -name report.txt -printf '%T@ %p\n' | sort -n | tail -n 1 |
    cut -d' ' -f2-)
cp "$report" "$next/report.txt"
cp "$(dirname "$report")/report.json" "$next/report.json"

rm -rf "$out.old"
[ -d "$out" ] && mv "$out" "$out.old"
mv "$next" "$out"
rm -rf "$out.old"
echo "make-demo: $(du -sh "$out" | cut -f1) in $out"
