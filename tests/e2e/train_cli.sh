#!/usr/bin/env bash
# End to end: `relay train` (each kind, --json protocol), `relay runs`, config errors, a corrupted
# checkpoint on resume, and a killed run marked interrupted. Tiny configs: seconds each.
# Usage: train_cli.sh PATH_TO_RELAY
set -euo pipefail

source "$(dirname "$0")/helpers.bash"
db="$work/runs.db"

tiny=(--set tasks.0.modulus=5 --set train_lengths.max=2 --set test_lengths.max=3
      --set data.train_samples=64 --set data.test_samples_per_length=8
      --set model.hidden_size=16 --set model.layers=1 --set model.heads=2
      --set training.batch_size=8 --set training.steps=6 --set eval.every=3
      --set checkpoint.every=3 --set device=cpu --set threads=1)

for kind in looped looped-vanilla ar; do
    run "$relay" train --db "$db" --kind $kind --json "${tiny[@]}"
    expect_status 0 "train --kind $kind"
    for event in started step eval checkpoint finished; do
        expect_output "\"event\":\"$event\"" "train --kind $kind emits $event"
    done
    # Every line of the protocol is one JSON object.
    while IFS= read -r line; do
        [[ "$line" == \{*\} ]] || fail "not a JSON event line: $line"
    done <<<"$output"
done

run "$relay" runs list --db "$db"
expect_status 0 "runs list"
expect_output "looped-vanilla" "runs list shows the vanilla run"
expect_output "finished" "runs list shows status"
run "$relay" runs list --db "$db" --json
expect_output '"best_in_distribution"' "runs list --json"

run "$relay" runs export 1 --db "$db" --csv "$work/run1.csv"
expect_status 0 "runs export"
grep -q '^metric,6,' "$work/run1.csv" || fail "export lacks step-6 metrics"
grep -q '^eval,6,' "$work/run1.csv" || fail "export lacks step-6 evals"

run "$relay" runs rename 1 "renamed run" --db "$db"
expect_status 0 "runs rename"
run "$relay" runs show 1 --db "$db"
expect_output '"name": "renamed run"' "runs show after rename"
expect_output '"checkpoints"' "runs show lists checkpoints"

# Config errors name the key and exit 2.
run "$relay" train --db "$db" --set optimizer.lrate=1
expect_status 2 "unknown key"
expect_output "optimizer.lrate" "unknown key is named"
echo '{"training": {"batch_size": "many"}}' >"$work/bad.json"
run "$relay" train --db "$db" --config "$work/bad.json"
expect_status 2 "wrong type"
expect_output "training.batch_size" "wrong type is named"
echo '{"training": ' >"$work/broken.json"
run "$relay" train --db "$db" --config "$work/broken.json"
expect_status 2 "broken JSON"
expect_output "broken.json" "broken JSON names the file"

# A killed run is marked interrupted the next time the store is opened.
"$relay" train --db "$db" --json "${tiny[@]}" --set training.steps=100000 >"$work/long.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    grep -q '"event":"step"' "$work/long.log" 2>/dev/null && break
    sleep 0.2
done
kill -9 $pid
status=0
wait $pid 2>/dev/null || status=$?
[[ "$status" == 137 ]] || fail "the run outlived SIGKILL (exit $status)"
killed=$(grep -o '"run":[0-9]*' "$work/long.log" | head -1 | cut -d: -f2)
[[ -n "$killed" ]] || fail "no run id for the killed run"
run "$relay" runs show "$killed" --db "$db"
expect_output '"status": "interrupted"' "the killed run $killed is marked interrupted"

# SIGINT cancels: checkpoint, status cancelled, exit 1, then resume.
"$relay" train --db "$db" "${tiny[@]}" --set training.steps=100000 --set eval.every=100000 \
    --set checkpoint.every=100000 \
    >"$work/cancel.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    [[ -s "$work/cancel.log" ]] && grep -q "run" "$work/cancel.log" && break
    sleep 0.2
done
sleep 1
kill -INT $pid
status=0
wait $pid || status=$?
[[ "$status" == 1 ]] || fail "cancelled train exits $status, expected 1: $(cat "$work/cancel.log")"
grep -q "resume with: relay train --resume" "$work/cancel.log" || fail "no resume hint"
cancelled=$(grep -o -- '--resume [0-9][0-9]*' "$work/cancel.log" | head -1 | cut -d' ' -f2)
run "$relay" runs show "$cancelled" --db "$db"
expect_output '"status": "cancelled"' "cancelled run status"

# A corrupted checkpoint is refused with a clear error on resume.
checkpoint=$(ls "$work"/checkpoints/run-"$cancelled"/*.ckpt | tail -1)
printf 'garbage' | dd of="$checkpoint" bs=1 seek=100 conv=notrunc status=none
run "$relay" train --db "$db" --resume "$cancelled"
[[ "$status" != 0 ]] || fail "resume from a corrupted checkpoint succeeded"
expect_output "$checkpoint" "corrupted checkpoint is named"
echo "train_cli: all checks passed"
