#!/usr/bin/env bash
# End to end: a tiny `relay pipeline` runs every stage (Stage I looped, vanilla looped, AR
# baseline, Stage II generation, both AR fine-tunes, the self-chain phases), fills every table
# of the store, prints the report, and a re-run resumes without repeating finished stages; a
# pipeline cancelled mid-way continues where it stopped. `relay generate` and `relay finetune`
# on their own. Tiny configs: seconds each. Usage: pipeline_cli.sh PATH_TO_RELAY
set -euo pipefail

source "$(dirname "$0")/helpers.bash"
db="$work/runs.db"
count_rows() {
    sqlite3 "$db" "$1"
}

tiny=(--set tasks.0.modulus=5 --set train_lengths.max=2 --set test_lengths.max=4
      --set data.train_samples=64 --set data.test_samples_per_length=8
      --set model.hidden_size=16 --set model.layers=1 --set model.heads=2
      --set training.batch_size=8 --set training.steps=6 --set eval.every=3
      --set checkpoint.every=3 --set device=cpu --set stage2.generated_samples=20
      --set stage2.steps=4 --set pipeline.self_chain=true --set stage2.self_chain_phases=2
      --set stage2.rounds=0)

run "$relay" pipeline --db "$db" "${tiny[@]}"
expect_status 0 "pipeline"
runs_after_first="$(count_rows "SELECT COUNT(*) FROM runs")"
[[ "$runs_after_first" == 8 ]] || fail "expected 8 runs (3 stage-I/baselines, 3 ar-relay, 2 ar-self), got $runs_after_first"
for table in metrics evals step_accuracy probes chains checkpoints; do
    rows="$(count_rows "SELECT COUNT(*) FROM $table")"
    [[ "$rows" -gt 0 ]] || fail "table $table is empty after the pipeline"
done
[[ "$(count_rows "SELECT COUNT(*) FROM runs WHERE kind='ar-relay' AND parent_run IS NOT NULL AND generator_run IS NOT NULL")" == 3 ]] \
    || fail "ar-relay runs lack their parent or generator"
# Stages I and the baselines start side by side, so run ids follow no fixed order.
looped="$(count_rows "SELECT id FROM runs WHERE kind='looped' ORDER BY id LIMIT 1")"
baseline="$(count_rows "SELECT id FROM runs WHERE kind='ar' ORDER BY id LIMIT 1")"
[[ "$(count_rows "SELECT COUNT(*) FROM chains WHERE run=$looped")" == 20 ]] ||
    fail "Stage II chains not stored with the looped run"
[[ "$(count_rows "SELECT COUNT(*) FROM chains WHERE run=$looped AND token_accuracy < 0")" == 0 ]] ||
    fail "a Stage II chain was stored without its token accuracy (the -1 default)"
[[ "$(count_rows "SELECT COUNT(*) FROM chains WHERE run=$looped AND label_free_kept NOT IN (0, 1)")" == 0 ]] ||
    fail "a Stage II chain was stored without the label-free filter's verdict (the -1 default)"

# The report's table, cell by cell, against SQL over the store: model columns are the final
# answer accuracy of the run's newest evaluation (oracle or greedy), the chain columns the share
# of the generator's chains verified, their mean token accuracy, the share the label-free filter
# keeps and the share of those verified, per task and length.
reports=("$work"/pipelines/*/report.json)
[[ ${#reports[@]} == 1 && -f "${reports[0]}" ]] || fail "expected one report.json: ${reports[*]}"
report_check="$(count_rows "
WITH report AS (SELECT CAST(readfile('${reports[0]}') AS TEXT) AS j),
columns AS (
    SELECT key AS col, json_extract(value, '\$.title') AS title, json_extract(value, '\$.run') AS run
    FROM json_each((SELECT j FROM report), '\$.columns')),
cells AS (
    SELECT json_extract(r.value, '\$.task') AS task, json_extract(r.value, '\$.length') AS length,
           v.key AS col, v.value AS value
    FROM json_each((SELECT j FROM report), '\$.rows') r, json_each(r.value, '\$.values') v),
expected AS (
    SELECT c.task, c.length, k.title, c.value,
        CASE k.title
        WHEN 'chains verified' THEN (SELECT AVG(verified) FROM chains
            WHERE run = k.run AND task = c.task AND length = c.length)
        WHEN 'chain tokens right' THEN (SELECT AVG(token_accuracy) FROM chains
            WHERE run = k.run AND task = c.task AND length = c.length AND token_accuracy >= 0)
        WHEN 'looped tokens right' THEN (SELECT token_accuracy FROM evals
            WHERE run = k.run AND task = c.task AND length = c.length AND stopping = 'oracle'
              AND step = (SELECT MAX(step) FROM evals WHERE run = k.run))
        WHEN 'label-free kept' THEN (SELECT AVG(label_free_kept = 1) FROM chains
            WHERE run = k.run AND task = c.task AND length = c.length)
        WHEN 'label-free precision' THEN (SELECT AVG(verified) FROM chains
            WHERE run = k.run AND task = c.task AND length = c.length AND label_free_kept = 1)
        ELSE (SELECT answer_accuracy FROM evals
            WHERE run = k.run AND task = c.task AND length = c.length
              AND stopping IN ('oracle', 'greedy')
              AND step = (SELECT MAX(step) FROM evals WHERE run = k.run))
        END AS truth
    FROM cells c JOIN columns k ON k.col = c.col)
SELECT (SELECT COUNT(*) FROM cells) || ' cells, ' ||
       (SELECT COUNT(*) FROM expected
        WHERE value IS NOT NULL AND title != 'label-free precision') || ' with values' ||
       ifnull((SELECT group_concat(task || ' ' || length || ' ' || title || ': report ' ||
                                   ifnull(value, 'null') || ', store ' || ifnull(truth, 'null'), '; ')
               FROM expected
               WHERE NOT ((value IS NULL AND truth IS NULL) OR abs(value - truth) < 1e-9)), '')")"
# 3 test lengths (2-4) x 12 columns (7 models, the looped model's token accuracy, 4 of the
# chains); the chain columns are empty at the training length 2, and the label-free precision
# is left out of the count (empty when the tiny model's filter keeps nothing); every cell with
# a value agrees with the store.
[[ "$report_check" == "36 cells, 30 with values" ]] || fail "report.json against the store: $report_check"
# Each column names a run of its stage's kind.
wrong_columns="$(count_rows "SELECT COUNT(*) || ifnull(' ' || group_concat(title || '=' || kind, ', '), '')
    FROM (SELECT json_extract(c.value, '\$.title') AS title, r.kind AS kind
          FROM json_each(CAST(readfile('${reports[0]}') AS TEXT), '\$.columns') c
          LEFT JOIN runs r ON r.id = json_extract(c.value, '\$.run'))
    WHERE kind IS NOT CASE title
        WHEN 'looped (aligned)' THEN 'looped' WHEN 'looped (vanilla)' THEN 'looped-vanilla'
        WHEN 'AR baseline' THEN 'ar' WHEN 'AR + RELAY chains' THEN 'ar-relay'
        WHEN 'AR + verified chains' THEN 'ar-relay' WHEN 'AR + label-free chains' THEN 'ar-relay'
        WHEN 'AR self-chain' THEN 'ar-self'
        WHEN 'chains verified' THEN 'looped' WHEN 'chain tokens right' THEN 'looped'
        WHEN 'label-free kept' THEN 'looped' WHEN 'label-free precision' THEN 'looped'
        WHEN 'looped tokens right' THEN 'looped' END")"
[[ "$wrong_columns" == 0 ]] || fail "report columns whose run is of another kind: $wrong_columns"

# A re-run skips every finished stage and starts no run.
run "$relay" pipeline --db "$db" --json "${tiny[@]}"
expect_status 0 "pipeline re-run"
skipped="$(grep -c '"state":"skipped"' <<<"$output" || true)"
[[ "$skipped" == 9 ]] || fail "re-run should skip 9 stages, skipped $skipped; output:
$output"
[[ "$(count_rows "SELECT COUNT(*) FROM runs")" == 8 ]] || fail "re-run started new runs"
while IFS= read -r line; do
    [[ "$line" == \{*\} ]] || fail "not a JSON event line: $line"
done <<<"$output"

# A different config is a different pipeline. This one gives the looped runs randomized
# positions from a range too short for any AR sequence, so the AR baseline and its fine-tunes
# can only run because model.ar_position_encoding keeps them on the paper's RoPE.
run "$relay" pipeline --db "$db" "${tiny[@]}" --set pipeline.self_chain=false --set seed=2 \
    --set model.position_encoding=rope-randomized --set model.maximum_positions=20 \
    --set model.ar_position_encoding=rope --set training.curriculum=true \
    --set training.curriculum_grow_every=3 --set pipeline.vanilla_curriculum_grow_every=2 \
    --set pipeline.ar_curriculum_grow_every=1
expect_status 0 "second pipeline"
[[ "$(count_rows "SELECT COUNT(*) FROM runs")" == 14 ]] || fail "second pipeline should add 6 runs"
# Each baseline trains with its own curriculum interval; Stage I keeps training's.
intervals="$(count_rows "SELECT group_concat(kind || '=' || json_extract(config, '\$.training.curriculum_grow_every'), ' ') FROM (SELECT kind, config FROM runs WHERE id > 8 AND kind IN ('looped', 'looped-vanilla', 'ar') ORDER BY kind)")"
[[ "$intervals" == "ar=1 looped=3 looped-vanilla=2" ]] ||
    fail "curriculum intervals per stage: $intervals"
encodings="$(count_rows "SELECT DISTINCT json_extract(config, '\$.model.ar_position_encoding') FROM runs WHERE id > 8")"
[[ "$encodings" == rope ]] || fail "runs should record model.ar_position_encoding=rope: $encodings"
run "$relay" train --db "$db" "${tiny[@]}" --kind ar --set model.position_encoding=rope-randomized \
    --set model.maximum_positions=20
expect_status 2 "AR sequences longer than the randomized range"
expect_output "model.maximum_positions" "the error names the key"

# An interrupted stage is resumed, not restarted: kill the engine during Stage I.
longer=("${tiny[@]}" --set training.steps=1500 --set checkpoint.every=50 --set eval.every=1000 --set seed=3)
"$relay" pipeline --db "$db" --json "${longer[@]}" --set pipeline.self_chain=false >"$work/long.log" 2>&1 &
pid=$!
for _ in $(seq 1 100); do
    grep -q '"event":"checkpoint"' "$work/long.log" 2>/dev/null && break
    sleep 0.2
done
kill -INT $pid
status=0
wait $pid || status=$?
[[ "$status" == 1 ]] || fail "cancelled pipeline exits $status, expected 1: $(tail -5 "$work/long.log")"
grep -q '"status":"cancelled"' "$work/long.log" || fail "cancelled pipeline did not cancel its stage: $(cat "$work/long.log" | tail -5)"
before="$(count_rows "SELECT COUNT(*) FROM runs")"
run "$relay" pipeline --db "$db" --json "${longer[@]}" --set pipeline.self_chain=false
expect_output '"state":"resumed"' "re-run resumes the cancelled stage"
expect_status 0 "resumed pipeline"

# generate and finetune on their own, from the first pipeline's looped and AR runs.
run "$relay" generate "$looped" --db "$db" --folder "$work/stage2"
expect_status 0 "generate"
stored_verified="$(count_rows "SELECT COUNT(*) FROM chains WHERE run=$looped AND verified=1")"
expect_output "chains written by run $looped: 20 ($stored_verified verified)" \
    "generate prints the verified count the store holds"
[[ -s "$work/stage2/finetune-all.jsonl" ]] || fail "generate wrote no fine-tuning set"
run "$relay" data verify "$work/stage2/finetune-verified.jsonl"
expect_status 0 "the verified-only set verifies"
# Stage II settings from the command line: 17 chains instead of the config's count.
run "$relay" generate "$looped" --db "$db" --folder "$work/stage2-17" --set stage2.generated_samples=17 --json
expect_status 0 "generate --set"
expect_output '"generated":17' "generate --set stage2.generated_samples=17 writes 17 chains"
run "$relay" generate "$looped" --db "$db" --folder "$work/stage2-bad" --set training.steps=5
expect_status 2 "generate --set of a non-stage2 key is a usage error"
expect_output "stage2" "the error names the keys generate takes"
run "$relay" finetune --generator "$looped" --baseline "$baseline" --verified-only --db "$db" --folder "$work/stage2" --set training.steps=3
expect_status 0 "finetune"
run "$relay" finetune --generator "$looped" --baseline "$baseline" --chains label-free --db "$db" --folder "$work/stage2" --set training.steps=3
expect_status 0 "finetune on the label-free chains"
[[ "$(count_rows "SELECT json_extract(config, '\$.data.train_file') FROM runs ORDER BY id DESC LIMIT 1")" == "$work/stage2/finetune-label-free.jsonl" ]] ||
    fail "the label-free fine-tune does not train on the filter's set"
run "$relay" finetune --generator "$looped" --baseline "$baseline" --chains some --db "$db" --folder "$work/stage2"
expect_status 2 "--chains outside its set is a usage error"
run "$relay" finetune --generator "$looped" --baseline "$looped" --db "$db" --folder "$work/stage2"
expect_status 2 "finetune from a looped baseline is a usage error"

# --seeds sets pipeline.seeds, checked as the key is (running seeds is tested in
# tests/core/train/pipeline_seeds_test.cpp: a pipeline more here would cost a minute).
run "$relay" pipeline --db "$db" "${tiny[@]}" --seeds 0
expect_status 2 "--seeds 0 is a usage error"
expect_output "pipeline.seeds" "the error names the key"
echo "pipeline_cli: all checks passed"
