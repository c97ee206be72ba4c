#!/usr/bin/env bash
# End to end: `relay bench` measures one training case of the user's choosing (model, size,
# ARI lengths, batch) next to the GEMM rate, and rejects a malformed --complexity.
# Usage: bench_cli.sh PATH_TO_RELAY
set -euo pipefail

source "$(dirname "$0")/helpers.bash"

for model in looped ar; do
    run "$relay" bench --case "$model" --hidden 32 --layers 1 --heads 2 --complexity 2-3 \
        --batch 8 --seconds 0.05 --threads 1 --json
    expect_status 0 "bench --case $model"
    # Exactly two results: the GEMM, then the case asked for (not the standard list).
    [[ "$(grep -c '"name"' <<<"$output")" == 2 ]] || fail "bench --case $model: $output"
    expect_output "\"name\":\"gemm fp32 512x512x512\"" "bench --case $model runs the GEMM"
    expect_output "\"name\":\"train $model d=32 L=1 H=2 ARI 2-3 ops B=8\"" \
        "bench --case $model runs that size"
done

run "$relay" bench --complexity 4-2 --seconds 0.05
expect_status 2 "bench --complexity 4-2"
expect_output "--complexity" "bench --complexity 4-2 names the option"

run "$relay" bench --heads 3 --hidden 32 --seconds 0.05
[[ "$status" != 0 ]] || fail "bench --heads 3 --hidden 32 should fail: $output"
expect_output "head" "bench --heads 3 --hidden 32 says what is wrong"
echo "bench_case_cli: ok"
