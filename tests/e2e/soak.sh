#!/usr/bin/env bash
# Soak (issue 17): kill -9 at random moments, then resume, and nothing may be lost, duplicated,
# half-written or different from an uninterrupted run. For each of `relay train`, `relay
# generate`, `relay pipeline` (tiny configs) and a store writer (`relay eval`):
#   - an uninterrupted reference first, timed; then ROUNDS kills, each at a uniformly random
#     moment within the reference's duration, each followed by the resume (the same command
#     again, or `train --resume`), which the next round kills in turn; the last one finishes;
#   - then `pragma integrity_check` and `foreign_key_check`, no temporary file left, and every
#     row the run recorded (metrics, evaluations, checkpoints, chains, fine-tuning files) equal
#     to the reference's, values compared to the last bit (printed with 17 digits).
# And, ROUNDS times each: a running run cannot be deleted (`runs delete --yes --checkpoints`
# exits 2 and its checkpoints stay), and of two `train --resume` of one run started together
# exactly one proceeds (the other exits 2) while the rows stay equal to the reference's.
# Usage: soak.sh PATH_TO_RELAY
#   RELAY_SOAK_ROUNDS=N (default 2: the CI budget; e.g. 20 by hand), RELAY_SOAK_SEED=S repeats
#   the kill moments of an earlier run (each run prints its seed), RELAY_SOAK_VERBOSE=1 prints
#   each kill of the training runs.
set -euo pipefail

source "$(dirname "$0")/helpers.bash"
relay="$(cd "$(dirname "$relay")" && pwd)/$(basename "$relay")" # used from other folders too
rounds="${RELAY_SOAK_ROUNDS:-2}"
seed="${RELAY_SOAK_SEED:-$$}"
RANDOM=$seed
echo "soak: $rounds rounds each, seed $seed"

tiny=(--set tasks.0.modulus=5 --set train_lengths.max=2 --set test_lengths.max=3
      --set data.train_samples=64 --set data.test_samples_per_length=8
      --set model.hidden_size=16 --set model.layers=1 --set model.heads=2
      --set training.batch_size=8 --set device=cpu --set threads=1)
training=("${tiny[@]}" --set training.steps=200 --set eval.every=50 --set checkpoint.every=10)

now() { date +%s.%N; }
since() { awk -v start="$1" -v end="$(now)" 'BEGIN { printf "%.2f", end - start }'; }

# Kill moments that hit a running process, and those that came after it had finished.
declare -A landed missed

# kill_randomly KIND SECONDS LOG -- COMMAND...: runs COMMAND and sends it SIGKILL at a uniformly
# random moment within SECONDS; counts whether the kill landed ($outcome: killed or finished).
kill_randomly() {
    local kind="$1" limit="$2" log="$3"
    shift 4
    "$@" >"$log" 2>&1 &
    local pid=$! status=0
    sleep "$(awk -v limit="$limit" -v r=$RANDOM 'BEGIN { printf "%.3f", limit * r / 32768 }')"
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || status=$?
    if ((status == 137)); then
        landed[$kind]=$((${landed[$kind]:-0} + 1))
        outcome=killed
    elif ((status == 0)); then
        missed[$kind]=$((${missed[$kind]:-0} + 1))
        outcome=finished
    else
        fail "$kind ended with exit $status before the kill: $(tail -5 "$log")"
    fi
}

# The store is sound: integrity and foreign keys; and once the job has finished (FINISHED=1), no
# temporary file beside it (a killed writer leaves its own; the resume clears them).
check_store() { # DB WHAT [FINISHED]
    local integrity keys leftovers
    integrity="$(sqlite3 "$1" 'PRAGMA integrity_check')"
    [[ "$integrity" == ok ]] || fail "$2: integrity_check says: $integrity"
    keys="$(sqlite3 "$1" 'PRAGMA foreign_key_check')"
    [[ -z "$keys" ]] || fail "$2: foreign_key_check says: $keys"
    [[ "${3:-0}" == 1 ]] || return 0
    leftovers="$(find "$(dirname "$1")" -name '*.tmp-*')"
    [[ -z "$leftovers" ]] || fail "$2: temporary files left behind: $leftovers"
}

# Every row run RUN of DB recorded, in a canonical order; REAL values to 17 significant digits
# (enough to tell any two doubles apart). Wall-clock times and paths are left out.
rows_of() { # DB RUN
    sqlite3 "$1" "
SELECT 'metric', name, step, printf('%!.17g', value) FROM metrics WHERE run = $2
    ORDER BY name, step;
SELECT 'eval', step, task, length, samples, stopping, printf('%!.17g %!.17g %!.17g',
    answer_accuracy, chain_accuracy, token_accuracy) FROM evals WHERE run = $2
    ORDER BY step, task, length, stopping, samples, answer_accuracy;
SELECT 'step_accuracy', step, task, length, cot_step, printf('%!.17g', accuracy)
    FROM step_accuracy WHERE run = $2 ORDER BY step, task, length, cot_step, accuracy;
SELECT 'hit', step, task, length, cot_step, position, samples, printf('%!.17g', accuracy)
    FROM hit_matrix WHERE run = $2 ORDER BY step, task, length, cot_step, position, accuracy;
SELECT 'probe', training_step, problem_index, iteration, problem, predicted, target, confidence
    FROM probes WHERE run = $2 ORDER BY training_step, problem_index, iteration, confidence;
SELECT 'checkpoint', step FROM checkpoints WHERE run = $2 ORDER BY step;
SELECT 'chain', task, length, input, steps, answer, verified, first_wrong_step, answer_correct,
    printf('%!.17g', token_accuracy) FROM chains WHERE run = $2 ORDER BY id;
SELECT 'status', status FROM runs WHERE id = $2;"
}

# same_rows DB RUN REFERENCE_DB REFERENCE_RUN WHAT
same_rows() {
    rows_of "$1" "$2" >"$work/rows.got"
    rows_of "$3" "$4" >"$work/rows.want"
    [[ -s "$work/rows.want" ]] || fail "$5: the reference recorded nothing"
    diff "$work/rows.want" "$work/rows.got" >"$work/rows.diff" ||
        fail "$5: rows differ from the uninterrupted run's (< reference, > soak):
$(head -20 "$work/rows.diff")"
}

run_id() { # LOG: the run a --json job announced
    grep -o '"run":[0-9]*' "$1" | head -1 | cut -d: -f2
}

wait_for_step() { # LOG PID
    for _ in $(seq 1 600); do
        grep -q '"event":"step"' "$1" 2>/dev/null && return 0
        kill -0 "$2" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# --- a store given by a relative path ------------------------------------------------------------
# Its checkpoints must be found again by resume and inspect (they were once recorded relative to
# the working directory and then looked for relative to the store's folder).
mkdir -p "$work/relative/stores"
(cd "$work/relative" && "$relay" train --db stores/runs.db "${tiny[@]}" --set training.steps=4 \
    --set checkpoint.every=2 --set eval.every=4 >/dev/null 2>&1) || fail "train with a relative --db"
run bash -c "cd '$work/relative' && '$relay' inspect 1 --db stores/runs.db --length 2"
expect_status 0 "inspect a run of a store given by a relative path"

# --- relay train ---------------------------------------------------------------------------
db="$work/train/runs.db"
mkdir -p "$work/train"
start="$(now)"
"$relay" train --db "$db" --json "${training[@]}" >"$work/reference.log" 2>&1 ||
    fail "reference training: $(tail -5 "$work/reference.log")"
train_seconds="$(since "$start")"
reference="$(run_id "$work/reference.log")"

# Kill the run, resume it, kill the resume, ... until ROUNDS kills have landed. A resume that
# ends before its kill has finished the run: it is compared, and a new run is soaked.
soaked=""
compared=0
early=0
for ((attempt = 1; ${landed[train]:-0} < rounds; ++attempt)); do
    ((attempt <= 4 * rounds + 4)) || fail "train: only ${landed[train]:-0} of $rounds kills landed"
    if [[ -z "$soaked" ]]; then
        newest="$(sqlite3 "$db" "SELECT IFNULL(MAX(id), 0) FROM runs")"
        kill_randomly train "$train_seconds" "$work/soak.log" -- \
            "$relay" train --db "$db" --json "${training[@]}"
        soaked="$(sqlite3 "$db" "SELECT id FROM runs WHERE id > $newest")"
        if [[ -z "$soaked" && $outcome == killed ]]; then # before the run existed: not counted
            landed[train]=$((landed[train] - 1))
            early=$((early + 1))
        fi
    else
        kill_randomly train "$train_seconds" "$work/soak.log" -- \
            "$relay" train --db "$db" --json --resume "$soaked"
    fi
    check_store "$db" "train, after kill $attempt"
    [[ -z "${RELAY_SOAK_VERBOSE:-}" ]] ||
        echo "train attempt $attempt: $outcome, run '$soaked', ${landed[train]:-0} landed" >&2
    # (A kill may also land after the run finished, while the process exits.)
    if [[ -n "$soaked" &&
          "$(sqlite3 "$db" "SELECT status FROM runs WHERE id = $soaked")" == finished ]]; then
        same_rows "$db" "$soaked" "$db" "$reference" "train run $soaked, killed and resumed"
        compared=$((compared + 1))
        soaked=""
    fi
done
if [[ -n "$soaked" ]]; then
    "$relay" train --db "$db" --json --resume "$soaked" >"$work/soak.log" 2>&1 ||
        fail "the last resume: $(tail -5 "$work/soak.log")"
    same_rows "$db" "$soaked" "$db" "$reference" "train run $soaked, killed and resumed"
    compared=$((compared + 1))
fi
check_store "$db" "train" 1
echo "soak: train: $compared killed runs resumed to the reference's rows ($early more kills \
came before a run existed)"

# --- a delete while the run trains, and two resumes at once ----------------------------------
"$relay" train --db "$db" --json "${training[@]}" --set training.steps=1000000 \
    >"$work/busy.log" 2>&1 &
pid=$!
wait_for_step "$work/busy.log" $pid || fail "the busy run never trained"
busy="$(run_id "$work/busy.log")"
for ((round = 1; round <= rounds; ++round)); do
    sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.3f", r / 32768 }')"
    run "$relay" runs delete "$busy" --db "$db" --yes --checkpoints
    expect_status 2 "deleting running run $busy"
    expect_output "is running" "the refused delete says why"
    [[ "$(sqlite3 "$db" "SELECT COUNT(*) FROM runs WHERE id = $busy")" == 1 ]] ||
        fail "run $busy was deleted while it ran"
    for checkpoint in $(sqlite3 "$db" "SELECT path FROM checkpoints WHERE run = $busy"); do
        [[ -f "$checkpoint" || -f "$(dirname "$db")/$checkpoint" ]] ||
            fail "checkpoint $checkpoint of running run $busy was deleted"
    done
done
kill -0 $pid 2>/dev/null || fail "the busy run ended early: $(tail -3 "$work/busy.log")"
kill -TERM $pid
wait $pid 2>/dev/null || true

for ((round = 1; round <= rounds; ++round)); do
    # A run killed at a random moment (again until the kill finds the run made, not finished).
    pair=""
    for ((attempt = 1; attempt <= 40; ++attempt)); do
        [[ -z "$pair" ]] || break
        newest="$(sqlite3 "$db" "SELECT IFNULL(MAX(id), 0) FROM runs")"
        kill_randomly pair "$train_seconds" "$work/pair.log" -- \
            "$relay" train --db "$db" --json "${training[@]}"
        pair="$(sqlite3 "$db" "SELECT id FROM runs WHERE id > $newest AND status != 'finished'")"
    done
    [[ -n "$pair" ]] || fail "no kill found a run to resume twice"
    "$relay" train --db "$db" --json --resume "$pair" >"$work/first.log" 2>&1 &
    first=$!
    "$relay" train --db "$db" --json --resume "$pair" >"$work/second.log" 2>&1 &
    second=$!
    statuses=()
    for job in $first $second; do
        status=0
        wait $job || status=$?
        statuses+=("$status")
    done
    outcome="${statuses[*]}"
    [[ "$outcome" == "0 2" || "$outcome" == "2 0" ]] ||
        fail "two resumes of run $pair ended with exits $outcome (expected one 0, one 2):
$(tail -3 "$work/first.log")
$(tail -3 "$work/second.log")"
    check_store "$db" "two resumes" 1
    same_rows "$db" "$pair" "$db" "$reference" "two resumes at once, round $round"
done
echo "soak: $rounds deletes of a running run refused; $rounds pairs of resumes: one proceeded"

# --- relay generate (Stage II chains of the reference run) ------------------------------------
generate=(--db "$db" --folder "$work/generated" --set stage2.generated_samples=200
          --set stage2.lengths_max=4)
start="$(now)"
"$relay" generate "$reference" "${generate[@]}" >"$work/generate.log" 2>&1 ||
    fail "reference generate: $(tail -5 "$work/generate.log")"
generate_seconds="$(since "$start")"
cp "$db" "$work/generated.db"
cp -r "$work/generated" "$work/generated-reference"
# (Until ROUNDS kills have landed: one that comes after the end lets the job finish, as here.)
for ((round = 1; ${landed[generate]:-0} < rounds; ++round)); do
    ((round <= 4 * rounds + 4)) || fail "generate: only ${landed[generate]:-0} of $rounds kills landed"
    kill_randomly generate "$generate_seconds" "$work/generate.log" -- \
        "$relay" generate "$reference" "${generate[@]}"
    check_store "$db" "generate, after kill $round"
done
"$relay" generate "$reference" "${generate[@]}" >"$work/generate.log" 2>&1 ||
    fail "the last generate: $(tail -5 "$work/generate.log")"
check_store "$db" "generate" 1
same_rows "$db" "$reference" "$work/generated.db" "$reference" "generate killed $rounds times"
diff -r -I '"wall_seconds"' "$work/generated-reference" "$work/generated" >&2 ||
    fail "generate killed $rounds times wrote other fine-tuning files than the reference"

# --- a store writer: relay eval -----------------------------------------------------------------
# Every evaluation is stored whole or not at all: after each kill the run holds a whole number
# of the reference evaluation's rows in every table.
evaluate=(--db "$db" --lengths 1-3 --hit-matrix 3)
count_evaluation() { # DB RUN
    sqlite3 "$1" "SELECT (SELECT COUNT(*) FROM evals WHERE run = $2) || ' ' ||
        (SELECT COUNT(*) FROM step_accuracy WHERE run = $2) || ' ' ||
        (SELECT COUNT(*) FROM hit_matrix WHERE run = $2)"
}
read -r evals_before steps_before hits_before <<<"$(count_evaluation "$db" "$reference")"
start="$(now)"
"$relay" eval "$reference" "${evaluate[@]}" >"$work/eval.log" 2>&1 ||
    fail "reference eval: $(tail -5 "$work/eval.log")"
eval_seconds="$(since "$start")"
read -r evals steps hits <<<"$(count_evaluation "$db" "$reference")"
evals=$((evals - evals_before)) steps=$((steps - steps_before)) hits=$((hits - hits_before))
((evals > 0 && steps > 0 && hits > 0)) || fail "eval stored $evals $steps $hits rows"
for ((round = 1; ${landed[eval]:-0} < rounds; ++round)); do
    ((round <= 4 * rounds + 4)) || fail "eval: only ${landed[eval]:-0} of $rounds kills landed"
    kill_randomly eval "$eval_seconds" "$work/eval.log" -- "$relay" eval "$reference" "${evaluate[@]}"
    check_store "$db" "eval, after kill $round"
    read -r e s h <<<"$(count_evaluation "$db" "$reference")"
    e=$((e - evals_before)) s=$((s - steps_before)) h=$((h - hits_before))
    ((e % evals == 0 && s * evals == e * steps && h * evals == e * hits)) ||
        fail "eval killed in round $round left a partial evaluation: $e $s $h rows, whole ones \
have $evals $steps $hits"
done

# --- relay pipeline -----------------------------------------------------------------------------
pipeline=("${tiny[@]}" --set training.steps=30 --set eval.every=10 --set checkpoint.every=5
          --set pipeline.vanilla_steps=30 --set pipeline.ar_steps=30
          --set stage2.generated_samples=40 --set stage2.steps=20 --set stage2.rounds=0)
reference_pipeline="$work/pipeline-reference"
mkdir -p "$reference_pipeline"
start="$(now)"
"$relay" pipeline --db "$reference_pipeline/runs.db" "${pipeline[@]}" \
    >"$work/pipeline.log" 2>&1 || fail "reference pipeline: $(tail -5 "$work/pipeline.log")"
pipeline_seconds="$(since "$start")"

# same_pipeline FOLDER: the pipeline there recorded what the reference did. Stages run side by
# side, so run ids differ between the two stores: runs are matched by their stage tags.
same_pipeline() {
    local stages tags id_in
    check_store "$1/runs.db" "pipeline" 1
    stages="$(sqlite3 "$reference_pipeline/runs.db" "SELECT tags FROM runs ORDER BY tags")"
    [[ "$stages" == "$(sqlite3 "$1/runs.db" "SELECT tags FROM runs ORDER BY tags")" ]] ||
        fail "the pipelines' runs differ: $(sqlite3 "$1/runs.db" "SELECT id, tags FROM runs")"
    while IFS= read -r tags; do
        id_in() { sqlite3 "$1" "SELECT id FROM runs WHERE tags = '$tags'"; }
        same_rows "$1/runs.db" "$(id_in "$1/runs.db")" \
            "$reference_pipeline/runs.db" "$(id_in "$reference_pipeline/runs.db")" \
            "pipeline $1 killed and resumed, run $tags"
    done <<<"$stages"
    for file in "$reference_pipeline"/pipelines/*/*.jsonl; do
        cmp -s "$file" "$1/pipelines/$(basename "$(dirname "$file")")/$(basename "$file")" ||
            fail "pipeline $1 wrote another $(basename "$file") than the reference"
    done
}

# As for train: the same command again resumes; one that ends before its kill is compared, and
# the next round starts a new pipeline in a new store.
folder=""
compared=0
for ((attempt = 1; ${landed[pipeline]:-0} < rounds; ++attempt)); do
    ((attempt <= 4 * rounds + 4)) || fail "pipeline: only ${landed[pipeline]:-0} of $rounds kills landed"
    [[ -n "$folder" ]] || { folder="$work/pipeline-$attempt" && mkdir -p "$folder"; }
    kill_randomly pipeline "$pipeline_seconds" "$work/pipeline.log" -- \
        "$relay" pipeline --db "$folder/runs.db" "${pipeline[@]}"
    [[ ! -f "$folder/runs.db" ]] || check_store "$folder/runs.db" "pipeline, kill $attempt"
    if [[ $outcome == finished ]]; then
        same_pipeline "$folder"
        compared=$((compared + 1))
        folder=""
    fi
done
if [[ -n "$folder" ]]; then
    "$relay" pipeline --db "$folder/runs.db" "${pipeline[@]}" >"$work/pipeline.log" 2>&1 ||
        fail "the last pipeline: $(tail -5 "$work/pipeline.log")"
    same_pipeline "$folder"
    compared=$((compared + 1))
fi
echo "soak: pipeline: $compared killed pipelines resumed to the reference's rows and files"

for kind in train generate eval pipeline; do
    printf 'soak: %-8s %3d kills landed, %3d came after the end (reference %ss)\n' "$kind" \
        "${landed[$kind]:-0}" "${missed[$kind]:-0}" \
        "$(eval echo "\$${kind}_seconds")"
done
echo "soak: all checks passed"
