#!/usr/bin/env bash
# End to end: data-parallel training (`relay train --nproc`, two "nodes" on the loopback). The
# same global batch split over workers gives the loss curve of one process (the gradients are
# summed shares of the whole batch's loss); a killed worker leaves a resumable interrupted
# run; Ctrl-C to the launcher cancels every worker. Tiny configs: seconds each.
# Usage: data_parallel_cli.sh PATH_TO_RELAY
set -euo pipefail

source "$(dirname "$0")/helpers.bash"
db="$work/runs.db"

# An odd global batch (7 = 4 + 3): the slices differ in examples, scored positions per
# iteration and iteration count, so a per-slice mean would not add up to the batch's. No
# dropout and fixed positions: the training forward draws no random numbers, which ranks draw
# apart from one process.
tiny=(--set model.dropout=0 --set model.position_encoding=rope --set model.ar_position_encoding=rope
      --set tasks.0.modulus=5 --set train_lengths.max=3 --set test_lengths.max=3
      --set data.train_samples=64 --set data.test_samples_per_length=8
      --set model.hidden_size=16 --set model.layers=1 --set model.heads=2
      --set training.batch_size=7 --set training.steps=8 --set eval.every=8
      --set checkpoint.every=4 --set device=cpu --set threads=1)

# The per-step metrics of a run, one "step name value" line each.
metrics() { # run
    sqlite3 -separator ' ' "$db" "SELECT step, name, printf('%.9e', value) FROM metrics WHERE run = $1 AND
        name IN ('loss', 'loss_answer', 'loss_iteration', 'gradient_norm') ORDER BY name, step"
}

# Fails unless two runs logged the same metrics within a relative tolerance; prints the
# largest relative difference.
same_curves() { # run, other run, what
    local differences
    differences=$(paste -d' ' <(metrics "$1") <(metrics "$2") | awk '
        { if ($1 != $4 || $2 != $5) { bad = 1; exit }
          d = $3 - $6; if (d < 0) d = -d; m = $3 < 0 ? -$3 : $3; r = d / (m > 1e-12 ? m : 1e-12)
          if (r > worst) worst = r; n++ }
        END { if (bad) print "misaligned"; else if (n == 0) print "empty";
              else printf "%d %.3e\n", n, worst }')
    [[ "$differences" != misaligned && "$differences" != empty ]] ||
        fail "$3: metrics of runs $1 and $2 are $differences"
    local count worst
    read -r count worst <<<"$differences"
    [[ "$count" -ge 16 ]] || fail "$3: only $count values compared"
    awk -v w="$worst" 'BEGIN { exit !(w + 0 < 1e-4) }' ||
        fail "$3: runs $1 and $2 differ by $worst (relative) over $count values"
    echo "$3: $count values, largest relative difference $worst"
}

last_run() {
    sqlite3 "$db" "SELECT max(id) FROM runs"
}

# The pids of a process's children (no procps needed).
children_of() { # pid
    local stat
    for stat in /proc/[0-9]*/stat; do
        read -r child _ _ parent _ <"$stat" 2>/dev/null || continue
        [[ "$parent" == "$1" ]] && echo "$child"
    done
    return 0
}

wait_for_step() { # log file
    for _ in $(seq 1 300); do
        grep -q '"event":"step"' "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    fail "no step event in $1: $(cat "$1")"
}

# 1. Two processes and one process take the same steps on the same global batches.
declare -A single_run
for kind in looped ar; do
    run "$relay" train --db "$db" --kind $kind "${tiny[@]}" --nproc 1
    expect_status 0 "train --kind $kind --nproc 1"
    single=$(last_run)
    single_run[$kind]=$single
    run "$relay" train --db "$db" --kind $kind "${tiny[@]}" --nproc 2 --json
    expect_status 0 "train --kind $kind --nproc 2"
    parallel=$(last_run)
    same_curves "$single" "$parallel" "$kind: 2 processes against 1"
    [[ $(sqlite3 "$db" "SELECT json_extract(config, '$.processes') FROM runs
                        WHERE id = $parallel") == 2 ]] || fail "run $parallel lacks processes=2"
    # Rank 0 alone writes: one row per step and metric, one checkpoint per save.
    [[ $(sqlite3 "$db" "SELECT count(*) FROM metrics WHERE run = $parallel AND name = 'loss'") \
        == 8 ]] || fail "run $parallel: not one loss row per step"
    [[ $(grep -c '"event":"finished"' <<<"$output") == 1 ]] || fail "finished twice: $output"
    [[ "$output" != *"more threads than cores"* ]] || fail "2 x 1 thread warned: $output"
done

# More threads than cores in all gets a warning: it is not silently 15x slower.
run "$relay" train --db "$db" "${tiny[@]}" --set training.steps=1 --set threads="$(nproc)" --nproc 2
expect_status 0 "train --nproc 2 with threads = cores"
expect_output "2 processes x $(nproc) threads on $(nproc) cores" "oversubscribed cores are named"

# 2. Two "nodes" on the loopback, one process each: node 0 picks a free port and prints it.
"$relay" train --db "$db" "${tiny[@]}" --nnodes 2 --node-rank 0 --master-addr 127.0.0.1 \
    --master-port 0 >"$work/node0.log" 2>&1 &
node0=$!
port=""
for _ in $(seq 1 300); do
    port=$(grep -o 'other nodes at 127.0.0.1:[0-9]*' "$work/node0.log" | cut -d: -f2) || true
    [[ -n "$port" ]] && break
    sleep 0.1
done
[[ -n "$port" ]] || fail "node 0 printed no port: $(cat "$work/node0.log")"
run "$relay" train --nnodes 2 --node-rank 1 --master-addr 127.0.0.1 --master-port "$port"
expect_status 0 "node 1"
wait $node0 || fail "node 0 failed: $(cat "$work/node0.log")"
same_curves "${single_run[looped]}" "$(last_run)" "two nodes against one process"

# 3. A worker killed with SIGKILL ends the run interrupted, at once.
long=(--set training.steps=100000 --set eval.every=100000 --set checkpoint.every=5)
"$relay" train --db "$db" --json "${tiny[@]}" "${long[@]}" --nproc 2 >"$work/killed.log" 2>&1 &
launcher=$!
wait_for_step "$work/killed.log"
sleep 0.5 # past a checkpoint
worker=$(children_of $launcher)
[[ -n "$worker" ]] || fail "no worker process under the launcher"
kill -9 $worker
status=0
wait $launcher || status=$?
[[ "$status" == 1 ]] || fail "killed worker: launcher exit $status, expected 1"
killed=$(last_run)
run "$relay" runs show "$killed" --db "$db"
expect_output '"status": "interrupted"' "a killed worker leaves the run interrupted"

# 4. --resume continues it with another process count (one); Ctrl-C cancels it.
resumes() { # log file: the step the resumed run started from
    grep -o '"start_step":[0-9]*' "$1" | head -1 | cut -d: -f2
}
"$relay" train --db "$db" --resume "$killed" --nproc 1 --json >"$work/resume1.log" 2>&1 &
launcher=$!
wait_for_step "$work/resume1.log"
kill -INT $launcher
status=0
wait $launcher || status=$?
[[ "$status" == 1 ]] || fail "Ctrl-C: launcher exit $status, expected 1: $(cat "$work/resume1.log")"
first=$(resumes "$work/resume1.log")
[[ -n "$first" && "$first" -ge 5 && $((first % 5)) == 0 ]] ||
    fail "resume started at '$first', not at a checkpoint (every 5 steps)"

# 5. ... and again with two processes: Ctrl-C to the launcher stops both workers at one step,
# rank 0 checkpoints and the run is cancelled.
"$relay" train --db "$db" --resume "$killed" --nproc 2 --json >"$work/resume2.log" 2>&1 &
launcher=$!
wait_for_step "$work/resume2.log"
worker=$(children_of $launcher)
[[ -n "$worker" ]] || fail "no worker process under the resumed launcher"
kill -INT $launcher
status=0
wait $launcher || status=$?
[[ "$status" == 1 ]] || fail "Ctrl-C: launcher exit $status, expected 1: $(cat "$work/resume2.log")"
[[ ! -e /proc/$worker ]] || fail "worker $worker outlived Ctrl-C"
second=$(resumes "$work/resume2.log")
[[ "$second" -gt "$first" ]] || fail "the second resume started at $second, not past $first"
run "$relay" runs show "$killed" --db "$db"
expect_output '"status": "cancelled"' "Ctrl-C cancels a data-parallel run"
grep -q '"event":"checkpoint"' "$work/resume2.log" || fail "no checkpoint on Ctrl-C"
# 6. A pipeline over two processes: its stages start side by side, so rank 0 hands out several
# jobs at once and the worker builds and joins them together. (Joining them one by one on one
# store connection deadlocked, about one pipeline in two here: each side waited on a job the
# other was not joining yet.) A few seconds each, so three times.
pipeline=(--set tasks.0.modulus=5 --set train_lengths.max=2 --set test_lengths.max=4
          --set data.train_samples=64 --set data.test_samples_per_length=8
          --set model.hidden_size=16 --set model.layers=1 --set model.heads=2
          --set training.batch_size=8 --set training.steps=6 --set eval.every=3
          --set checkpoint.every=3 --set device=cpu --set threads=1
          --set pipeline.vanilla_steps=6 --set pipeline.ar_steps=6
          --set stage2.generated_samples=20 --set stage2.steps=4 --set stage2.rounds=0)
for attempt in 1 2 3; do
    pipeline_db="$work/pipeline-$attempt.db"
    run timeout -s KILL 300 "$relay" pipeline --db "$pipeline_db" "${pipeline[@]}" --nproc 2
    expect_status 0 "pipeline --nproc 2 (attempt $attempt)"
    [[ $(sqlite3 "$pipeline_db" "SELECT count(*) FROM runs WHERE status = 'finished' AND
                                 json_extract(config, '$.processes') = 2") == 6 ]] ||
        fail "pipeline --nproc 2: not 6 finished runs of 2 processes: $(sqlite3 "$pipeline_db" \
            "SELECT id, kind, status FROM runs")"
done
echo "pipeline over 2 processes: 3 x 6 runs finished"
echo "data_parallel_cli: all checks passed"
