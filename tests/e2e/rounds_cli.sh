#!/usr/bin/env bash
# End to end: `relay pipeline --set stage2.rounds=2` on a tiny config (seconds). The pipeline is
# interrupted during round 1's looped fine-tune and resumes it; the rounds train beside the AR
# fine-tune; round r's run continues round
# r-1's looped run, trains on the originals plus the chains rounds 1..r kept (as the store's
# chains of those rounds say), and the report keeps each round's accuracy by length and its
# frontier, checked against the store. Asking for a third round trains only that one.
# Usage: rounds_cli.sh PATH_TO_RELAY
set -euo pipefail

source "$(dirname "$0")/helpers.bash"
db="$work/runs.db"
sql() {
    sqlite3 "$db" "$1"
}

tiny=(--set tasks.0.modulus=5 --set train_lengths.max=2 --set test_lengths.max=4
      --set data.train_samples=64 --set data.test_samples_per_length=8
      --set model.hidden_size=16 --set model.layers=1 --set model.heads=2
      --set training.batch_size=8 --set training.steps=6 --set eval.every=1000
      --set checkpoint.every=50 --set device=cpu --set stage2.generated_samples=20
      --set stage2.steps=300 --set pipeline.verified_only_ablation=false
      --set pipeline.label_free_filter=false --set stage2.original_samples=10
      --set stage2.round_samples=12 --set stage2.round_steps=400
      --set stage2.label_free_confidence=0 --set pipeline.vanilla_steps=6
      --set pipeline.ar_steps=6)

# Interrupt round 1's fine-tune at its first checkpoint.
"$relay" pipeline --db "$db" --json "${tiny[@]}" --set stage2.rounds=2 >"$work/first.log" 2>&1 &
pid=$!
round1_checkpointed() {
    sed -n '/"stage":"looped-round-1","state":"started"/,$p' "$work/first.log" 2>/dev/null |
        grep -q '"event":"checkpoint"'
}
for _ in $(seq 1 1200); do # up to two minutes on a busy machine
    round1_checkpointed && break
    sleep 0.1
done
round1_checkpointed || fail "round 1 wrote no checkpoint in time: $(tail -5 "$work/first.log")"
kill -INT $pid
status=0
wait $pid || status=$?
[[ "$status" == 1 ]] || fail "interrupted pipeline exits $status, expected 1: $(tail -5 "$work/first.log")"
round1="$(sql "SELECT id FROM runs WHERE tags LIKE '%stage:looped-round-1'")"
[[ -n "$round1" && "$(sql "SELECT status FROM runs WHERE id=$round1")" == cancelled ]] ||
    fail "round 1's run should be cancelled: $(sql "SELECT id, status, tags FROM runs")"

run "$relay" pipeline --db "$db" --json "${tiny[@]}" --set stage2.rounds=2
expect_status 0 "resumed pipeline"
expect_output '"stage":"looped-round-1","state":"resumed"' "the re-run resumes round 1"
[[ "$(sql "SELECT COUNT(*) FROM runs WHERE tags LIKE '%stage:looped-round-1'")" == 1 ]] ||
    fail "round 1 was started again instead of resumed"

looped="$(sql "SELECT id FROM runs WHERE tags LIKE '%,stage:looped'")"
round2="$(sql "SELECT id FROM runs WHERE tags LIKE '%stage:looped-round-2'")"
# Each round continues the previous round's looped model.
[[ "$(sql "SELECT kind || ' ' || parent_run FROM runs WHERE id=$round1")" == "looped $looped" ]] ||
    fail "round 1's run is not a looped fine-tune of Stage I's run $looped"
[[ "$(sql "SELECT kind || ' ' || parent_run FROM runs WHERE id=$round2")" == "looped $round1" ]] ||
    fail "round 2's run is not a looped fine-tune of round 1's run $round1"
[[ "$(sql "SELECT status FROM runs WHERE id IN ($round1, $round2)" | sort -u)" == finished ]] ||
    fail "round runs not finished"

# The rounds train beside the AR fine-tune (both need only Stage I and its chains): round 1's
# run was created before the fine-tune finished (one after the other, it would start after).
finetune="$(sql "SELECT id FROM runs WHERE tags LIKE '%stage:ar-relay'")"
[[ "$(sql "SELECT (SELECT created_at FROM runs WHERE id=$round1) <
                  (SELECT finished_at FROM runs WHERE id=$finetune)")" == 1 ]] ||
    fail "round 1 did not train beside the AR fine-tune: $(sql "SELECT id, tags, created_at, finished_at FROM runs")"

# Round r wrote 12 chains at K_train + r = 2 + r, and trains on the 10 originals (lengths 1-2)
# plus the chains the filter kept in rounds 1..r, lengths 3..2+r. (A model this small keeps
# few chains or none; tests/core/train/looped_rounds_test.cpp checks the files with the demo's
# trained model, which keeps dozens.)
kept_total=0
for round in 1 2; do
    id="$(sql "SELECT id FROM runs WHERE tags LIKE '%stage:looped-round-$round'")"
    [[ "$(sql "SELECT COUNT(*) || ' ' || MIN(length) || ' ' || MAX(length) FROM chains WHERE run=$id")" == "12 $((2 + round)) $((2 + round))" ]] ||
        fail "round $round's chains: $(sql "SELECT COUNT(*), MIN(length), MAX(length) FROM chains WHERE run=$id")"
    kept="$(sql "SELECT COUNT(*) FROM chains WHERE run=$id AND label_free_kept=1")"
    kept_total=$((kept_total + kept))
    file="$(sql "SELECT json_extract(config, '\$.data.train_file') FROM runs WHERE id=$id")"
    [[ -f "$file" ]] || fail "round $round's training file $file is missing"
    [[ "$(wc -l <"$file")" == $((10 + kept_total)) ]] ||
        fail "round $round trains on $(wc -l <"$file") examples, expected 10 originals + $kept_total kept"
    lengths="$(grep -o '"complexity": *[0-9]*' "$file" | grep -o '[0-9]*$' | sort -n | uniq -c |
        awk '{printf "%s:%s ", $2, $1}')"
    expected_longer=""
    for length in $(seq 3 $((2 + round))); do
        id_at="$(sql "SELECT id FROM runs WHERE tags LIKE '%stage:looped-round-$((length - 2))'")"
        count="$(sql "SELECT COUNT(*) FROM chains WHERE run=$id_at AND label_free_kept=1")"
        [[ "$count" == 0 ]] || expected_longer+="$length:$count "
    done
    [[ "$lengths" =~ ^(1:[0-9]+\ )?2:[0-9]+\ (.*)$ && "${BASH_REMATCH[2]}" == "$expected_longer" ]] ||
        fail "round $round's training lengths '$lengths', expected originals at 1-2 then '$expected_longer'"
done
echo "kept chains over both rounds: $kept_total"

# The report: rounds 0-2, each with accuracy at lengths 2-4 equal to its run's last evaluation
# (oracle) and the frontier recomputed here, the first length above 2 below one half.
reports=("$work"/pipelines/*/report.json)
[[ ${#reports[@]} == 1 ]] || fail "expected one report.json: ${reports[*]}"
check="$(sql "
WITH rounds AS (SELECT value FROM json_each(CAST(readfile('${reports[0]}') AS TEXT), '\$.rounds')),
rows AS (SELECT json_extract(value, '\$.round') AS round, json_extract(value, '\$.run') AS run,
                json_extract(value, '\$.chain_length') AS chain_length,
                json_extract(value, '\$.frontier') AS frontier, value FROM rounds),
cells AS (SELECT r.round, r.run, json_extract(a.value, '\$.length') AS length,
                 json_extract(a.value, '\$.answer_accuracy') AS accuracy
          FROM rows r, json_each(r.value, '\$.accuracy') a),
truth AS (SELECT e.run, e.length, e.answer_accuracy FROM evals e
          WHERE e.stopping = 'oracle' AND e.step = (SELECT MAX(step) FROM evals WHERE run = e.run))
SELECT (SELECT group_concat(round || '@' || run || '@' || ifnull(chain_length, '-'), ' ') FROM rows)
    || ' | ' || (SELECT group_concat(round || ':' || n, ' ') FROM
                 (SELECT round, COUNT(*) AS n FROM cells GROUP BY round))
    || ' | ' || (SELECT COUNT(*) FROM cells c JOIN truth t ON t.run = c.run AND t.length = c.length
                 WHERE abs(t.answer_accuracy - c.accuracy) > 1e-9)
    || ' | ' || (SELECT COUNT(*) FROM rows r WHERE r.frontier IS NOT
                 (SELECT MIN(t.length) FROM truth t
                  WHERE t.run = r.run AND t.length > 2 AND t.answer_accuracy < 0.5))")"
[[ "$check" == "0@$looped@- 1@$round1@3 2@$round2@4 | 0:3 1:3 2:3 | 0 | 0" ]] ||
    fail "report rounds against the store: $check"
report_text="$(cat "$(dirname "${reports[0]}")/report.txt")"
[[ "$report_text" == *"self-improvement rounds"* ]] || fail "report.txt lacks the frontier table"
[[ "$(grep -cE '^[0-2] +[0-9]+ +ari ' <<<"$report_text")" == 3 ]] ||
    fail "report.txt should have one frontier row per round 0-2: $report_text"

# A third round extends the same pipeline: every earlier stage is skipped, one run is added.
runs_before="$(sql "SELECT COUNT(*) FROM runs")"
run "$relay" pipeline --db "$db" --json "${tiny[@]}" --set stage2.rounds=3
expect_status 0 "three rounds"
[[ "$(sql "SELECT COUNT(*) FROM runs")" == $((runs_before + 1)) ]] ||
    fail "asking for round 3 should add one run"
round3="$(sql "SELECT id FROM runs WHERE tags LIKE '%stage:looped-round-3'")"
[[ "$(sql "SELECT parent_run FROM runs WHERE id=$round3")" == "$round2" ]] ||
    fail "round 3 does not continue round 2"

run "$relay" config describe
expect_output "stage2.rounds" "config describe lists the rounds key"
echo "rounds_cli: all checks passed"
