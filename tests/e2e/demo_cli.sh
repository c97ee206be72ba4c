#!/usr/bin/env bash
# The demo store shipped in resources/demo (packaging/make-demo.sh): it opens from a copy, every
# checkpoint it names lies inside it, and its trained models reproduce what the store says they
# did — the loop-iteration viewer's inference (`relay inspect`, the code the workbench's viewer
# runs) writes the same chains and answers Stage II stored, and re-evaluating the looped model
# gives the stored accuracy. Catches: a demo whose checkpoints are not the runs' final weights,
# absolute checkpoint paths that break when the folder moves, and inference that drifted from
# what generated the demo.
set -euo pipefail
source "$(dirname "$0")/helpers.bash"
demo="$(cd "$(dirname "$0")/../../resources" && pwd)/demo"
[[ -f "$demo/runs.db" ]] || fail "no demo store in $demo (packaging/make-demo.sh makes it)"
mkdir "$work/demo"
cp -r "$demo/." "$work/demo/"
chmod -R u+w "$work/demo"
db="$work/demo/runs.db"
q() { sqlite3 "$db" "$1"; }

[[ "$(q 'PRAGMA integrity_check')" == ok ]] || fail "the demo store is damaged"
[[ -f "$demo/report.txt" ]] || fail "the demo has no pipeline report"

# The pipeline's eight runs; each model a view or a new fine-tune starts from (Stage I and the
# two rounds' looped models, vanilla looped, AR baseline) has one checkpoint, stored relative to
# the store, present in the copy.
runs=$(q "SELECT COUNT(*) FROM runs")
(( runs >= 8 )) || fail "expected the pipeline's eight runs, found $runs"
while IFS='|' read -r run path; do
    [[ "$path" != /* ]] || fail "run $run: checkpoint path $path is absolute"
    [[ -f "$work/demo/$path" ]] || fail "run $run: checkpoint $path is missing"
done < <(q "SELECT run, path FROM checkpoints")
kinds="$(q "SELECT GROUP_CONCAT(kind) FROM (SELECT kind FROM runs JOIN checkpoints ON run = id
                                           ORDER BY kind)")"
[[ "$kinds" == "ar,looped,looped,looped,looped-vanilla" ]] ||
    fail "Stage I, both rounds, the vanilla looped and AR baseline runs need one checkpoint each"

looped=$(q "SELECT id FROM runs WHERE kind = 'looped' ORDER BY id LIMIT 1")
[[ -n "$looped" ]] || fail "no looped run in the demo"

# The viewer's inference on stored Stage II chains: same answer, same step at each iteration.
compared=0
while IFS=$'\t' read -r input steps answer; do
    run "$relay" inspect "$looped" --db "$db" --problem "$input" --json
    expect_status 0 "inspect the stored chain input '$input'"
    viewed=$(printf '%s' "$output" | sed -n 's/.*"answer":"\([^"]*\)".*/\1/p')
    [[ "$viewed" == "$answer" ]] ||
        fail "'$input': the viewer answers '$viewed', Stage II stored '$answer'"
    # Stored steps are a JSON array of strings; the viewer's rows carry "step" per iteration.
    viewed_steps=$(printf '%s' "$output" | grep -o '"step":"[^"]*"' | sed 's/"step":"\(.*\)"/"\1"/' |
        paste -sd, -)
    [[ "[$viewed_steps]" == "$steps" ]] ||
        fail "'$input': the viewer's steps [$viewed_steps] differ from the stored $steps"
    compared=$((compared + 1))
done < <(sqlite3 -separator $'\t' "$db" \
    "SELECT input, steps, answer FROM chains WHERE run = $looped ORDER BY id LIMIT 6")
(( compared == 6 )) || fail "compared $compared stored chains, expected 6"

# Re-evaluating the looped model at every stored length reproduces the accuracies stored at its
# final step (the same test problems: the run's seed and sample count).
final="SELECT MAX(step) FROM evals WHERE run = $looped"
read -r low high samples < <(sqlite3 -separator ' ' "$db" \
    "SELECT MIN(length), MAX(length), MAX(samples) FROM evals WHERE run = $looped AND step = ($final)")
before=$(q "SELECT COUNT(*) FROM evals WHERE run = $looped AND step = ($final)")
run "$relay" eval "$looped" --db "$db" --lengths "$low-$high" --samples "$samples"
expect_status 0 "re-evaluate the demo's looped model"
[[ "$(q "SELECT COUNT(*) FROM evals WHERE run = $looped AND step = ($final)")" == \
    "$((2 * before))" ]] || fail "re-evaluation did not add one row per stored row"
differing=$(q "SELECT length || ' ' || stopping || ': ' || GROUP_CONCAT(answer_accuracy, ' vs ')
                 FROM evals WHERE run = $looped AND step = ($final)
                 GROUP BY length, stopping HAVING MAX(answer_accuracy) - MIN(answer_accuracy) > 1e-9")
[[ -z "$differing" ]] || fail "re-evaluated accuracy differs from the stored one: $differing"
echo "demo: $runs runs; $compared stored chains and $before stored accuracies (lengths $low-$high) reproduced"
