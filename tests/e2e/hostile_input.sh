#!/usr/bin/env bash
# End to end (issue 17): input as a hostile user gives it. Every case must end with its expected
# exit status and an error that names what is wrong: no signal, no hang, no raw library text
# (json.exception, LibTorch backtraces, std::bad_alloc, terminate). Cases, by category:
# config values given with --set, config files, model combinations, flag bounds, damaged
# stores, crafted checkpoints, training files, and two processes on one run.
# Usage: hostile_input.sh PATH_TO_RELAY
#   RELAY_HOSTILE_REPORT=1: print a table of cases per category (ok, crash, hang, unclear) and
#   exit 0 whatever happened (to measure an older binary too).
set -uo pipefail

source "$(dirname "$0")/helpers.bash"
db="$work/runs.db"
report="${RELAY_HOSTILE_REPORT:-0}"
declare -A total crashes hangs unclear
failures=()

tiny=(--set tasks.0.modulus=5 --set train_lengths.max=2 --set test_lengths.max=3
      --set data.train_samples=64 --set data.test_samples_per_length=8
      --set model.hidden_size=16 --set model.layers=1 --set model.heads=2
      --set training.batch_size=8 --set training.steps=4 --set eval.every=4
      --set checkpoint.every=4 --set device=cpu --set threads=1)

# check CATEGORY EXPECTED_STATUS EXPECTED_TEXT SECONDS -- COMMAND...: runs COMMAND under a time
# limit and files the outcome. EXPECTED_TEXT must appear in the output ("" for any).
check() {
    local category="$1" expected="$2" text="$3" seconds="$4"
    shift 5
    local status=0 output
    output="$(timeout -k 5 "$seconds" "$@" 2>&1)" || status=$?
    total[$category]=$((${total[$category]:-0} + 1))
    local verdict=ok
    if [[ $status == 124 || $status == 137 ]]; then
        verdict=hang
        hangs[$category]=$((${hangs[$category]:-0} + 1))
    elif ((status > 128)); then
        verdict=crash
        crashes[$category]=$((${crashes[$category]:-0} + 1))
    elif [[ "$output" == *json.exception* || "$output" == *"Exception raised from"* ||
            "$output" == *"frame #"* || "$output" == *bad_alloc* ||
            "$output" == *"terminate called"* || $status != "$expected" ||
            "$output" != *"$text"* ]]; then
        verdict=unclear
        unclear[$category]=$((${unclear[$category]:-0} + 1))
    fi
    if [[ $verdict != ok ]]; then
        failures+=("$category: $verdict (exit $status, expected $expected): ${*:2:8}
    ${output:0:400}")
    fi
}

# Config values given with --set (crash 2: null; library texts 305, 406, 316).
for key in training.steps optimizer.beta1 name model.layers stage2 tasks.0.modulus; do
    check set 2 "'$key'" 30 -- "$relay" config check --set "$key=null"
done
check set 2 "training.steps" 30 -- "$relay" config check --set training.steps=1e400
check set 2 "'name'" 30 -- "$relay" config check --set $'name=bad\xff\xfe'
check set 2 "training.steps" 30 -- "$relay" config check --set training=5 --set training.steps=3
check set 2 "tasks.x.modulus" 30 -- "$relay" config check --set tasks.x.modulus=7
check set 2 "training.steps" 30 -- "$relay" config check --set "training.steps=$(printf '%*s' 5000 '' | tr ' ' '[')"
check set 2 "unknown key" 30 -- "$relay" config check --set training.steps.deeper=1

# Config files (crash 3: nesting; nulls; numbers out of range; not JSON; not UTF-8).
printf '%*s' 100000 '' | tr ' ' '[' >"$work/deep.json"
check file 2 "deep.json" 30 -- "$relay" config check --config "$work/deep.json"
printf '%*s' 100000 '' | tr ' ' '{' >"$work/deep-objects.json"
check file 2 "deep-objects.json" 30 -- "$relay" config check --config "$work/deep-objects.json"
echo '{"training": {"steps": null}}' >"$work/null.json"
check file 2 "'training.steps'" 30 -- "$relay" config check --config "$work/null.json"
echo '{"training": {"steps": 1e400}}' >"$work/huge.json"
check file 2 "huge.json" 30 -- "$relay" config check --config "$work/huge.json"
head -c 3000 /dev/urandom >"$work/binary.json"
check file 2 "binary.json" 30 -- "$relay" config check --config "$work/binary.json"
: >"$work/empty.json"
check file 2 "empty.json" 30 -- "$relay" config check --config "$work/empty.json"
printf '{"name": "bad\xff"}' >"$work/latin1.json"
check file 2 "latin1.json" 30 -- "$relay" config check --config "$work/latin1.json"
echo '[1, 2, 3]' >"$work/list.json"
check file 2 "(top level)" 30 -- "$relay" config check --config "$work/list.json"

# Model combinations (crash 1: a tied read-out without its own answer head).
for kind in looped looped-vanilla; do
    check model 0 "" 120 -- "$relay" train --db "$work/model.db" --kind $kind "${tiny[@]}" \
        --set model.tie_embeddings=true --set model.separate_answer_head=false
done

# A small finished run for the flag and store cases below.
"$relay" train --db "$db" --kind looped "${tiny[@]}" >/dev/null 2>&1 ||
    fail "the tiny run for the flag cases did not train"

# Flag bounds (crash 4: --index -1; hangs on huge lengths, iterations, sample counts).
check flags 2 "--index" 30 -- "$relay" inspect 1 --db "$db" --length 2 --index -1
check flags 2 "--length" 30 -- "$relay" inspect 1 --db "$db" --length 100000
check flags 2 "--iterations" 30 -- "$relay" inspect 1 --db "$db" --length 2 --iterations 2000000
check flags 2 "--hit-matrix" 30 -- "$relay" eval 1 --db "$db" --hit-matrix 100000
check flags 2 "--samples" 30 -- "$relay" eval 1 --db "$db" --samples 2000000000
check flags 2 "--lengths" 30 -- "$relay" eval 1 --db "$db" --lengths 100000
check flags 2 "only" 30 -- "$relay" inspect 1 --db "$db" --length 2 --index 50

# Damaged stores (crash 5: created_at out of range; names that are not UTF-8; stored nulls).
for value in 1e300 -1e300 9e18; do
    cp "$db" "$work/time.db"
    sqlite3 "$work/time.db" "UPDATE runs SET created_at = $value"
    check store 0 "" 30 -- "$relay" runs list --db "$work/time.db"
    check store 0 "" 30 -- "$relay" runs list --db "$work/time.db" --json
done
cp "$db" "$work/name.db"
sqlite3 "$work/name.db" "UPDATE runs SET name = CAST(X'62616Dff' AS TEXT)"
check store 0 "" 30 -- "$relay" runs list --db "$work/name.db" --json
cp "$db" "$work/nullconfig.db"
sqlite3 "$work/nullconfig.db" \
    "UPDATE runs SET config = json_set(config, '\$.training.steps', json('null'))"
check store 2 "'training.steps'" 30 -- "$relay" inspect 1 --db "$work/nullconfig.db" --length 2
sqlite3 "$work/nullconfig.db" "UPDATE runs SET status = 'interrupted'"
check store 2 "'training.steps'" 30 -- "$relay" train --db "$work/nullconfig.db" --resume 1
cp "$db" "$work/badconfig.db"
sqlite3 "$work/badconfig.db" "UPDATE runs SET config = '{\"seed\": '"
check store 2 "stored config" 30 -- "$relay" runs show 1 --db "$work/badconfig.db"
head -c 5000 /dev/urandom >"$work/garbage.db"
check store 2 "garbage.db" 30 -- "$relay" runs list --db "$work/garbage.db"

# Crafted checkpoints: truncated, emptied, replaced by garbage (the CRC catches these).
checkpoint="$(sqlite3 "$db" "SELECT path FROM checkpoints WHERE run = 1 ORDER BY step DESC LIMIT 1")"
[[ -f "$checkpoint" ]] || fail "the tiny run has no checkpoint file"
cp "$checkpoint" "$work/checkpoint.keep"
for damage in truncate empty garbage; do
    case $damage in
    truncate) head -c 2000 "$work/checkpoint.keep" >"$checkpoint" ;;
    empty) : >"$checkpoint" ;;
    garbage) head -c 20000 /dev/urandom >"$checkpoint" ;;
    esac
    check checkpoint 2 "$checkpoint" 30 -- "$relay" inspect 1 --db "$db" --length 2
done
cp "$work/checkpoint.keep" "$checkpoint"

# Training files: a token the run's vocabulary lacks (numbers of modulus 11 in a modulus-5 run)
# fails when the file is loaded, naming the file and the line.
"$relay" data generate --task ari --lengths 1-2 --per-length 20 --modulus 11 \
    --out "$work/train.jsonl" >/dev/null 2>&1 || fail "data generate"
check trainfile 2 "train.jsonl:" 60 -- "$relay" train --db "$work/file.db" "${tiny[@]}" \
    --set data.train_file="$work/train.jsonl"

# Two processes on one run: a second resume, and a delete while it trains.
"$relay" train --db "$work/busy.db" --kind looped "${tiny[@]}" --set training.steps=100000 \
    --json >"$work/busy.log" 2>&1 &
trainer=$!
for _ in $(seq 1 300); do
    grep -q '"event":"step"' "$work/busy.log" 2>/dev/null && break
    sleep 0.1
done
check concurrency 2 "running" 30 -- "$relay" runs delete 1 --db "$work/busy.db" --yes --checkpoints
check concurrency 2 "resumed twice" 30 -- "$relay" train --db "$work/busy.db" --resume 1
kill -TERM "$trainer" 2>/dev/null
wait "$trainer" 2>/dev/null
check concurrency 0 "" 30 -- "$relay" runs show 1 --db "$work/busy.db"

if [[ $report == 1 ]]; then
    printf '%-12s %6s %8s %6s %8s\n' category cases crashes hangs unclear
    for category in set file model flags store checkpoint trainfile concurrency; do
        printf '%-12s %6d %8d %6d %8d\n' "$category" "${total[$category]:-0}" \
            "${crashes[$category]:-0}" "${hangs[$category]:-0}" "${unclear[$category]:-0}"
    done
    printf '%s\n' "${failures[@]}"
    exit 0
fi
((${#failures[@]} == 0)) || fail "$(printf '%s\n' "${failures[@]}")"
