#!/usr/bin/env bash
# End to end: `relay bench --device`: the CPU by default and when asked, CUDA only where there
# is a GPU (a clear error otherwise), and a device name that does not parse is refused.
# Usage: bench_cli.sh PATH_TO_RELAY
set -euo pipefail

source "$(dirname "$0")/helpers.bash"

quick=(--quick --seconds 0.01 --threads 1)

run "$relay" bench "${quick[@]}"
expect_status 0 "bench on the default device"
expect_output "device cpu" "bench says it runs on the CPU by default"
# The allocator the build linked (ctest passes it; cmake/Allocator.cmake): a link that lost
# tcmalloc would print "glibc malloc" here.
if [[ -n "${RELAY_ALLOCATOR:-}" ]]; then
    expect_output "allocator $RELAY_ALLOCATOR" "bench names the allocator the build linked"
fi
expect_output "train looped d=64" "bench times looped training"
expect_output "train AR d=64" "bench times AR training"
# The list ends with the trainer at the default parallelism: one process per core while each
# keeps 32 of the preset's 64 examples.
processes=$(( $(nproc) >= 2 ? 2 : 1 ))
expect_output "trainer looped cpu-quick-ari 1-4 ops, $processes proc" "bench times the default trainer"
# Its threads share the cores out whatever --threads says: never more threads than cores.
threads=$(( $(nproc) / processes ))
grep -Eq "trainer looped cpu-quick-ari 1-4 ops, $processes proc x $threads thr +[1-9][0-9]*\.[0-9] examples" <<<"$output" ||
    fail "the default trainer's rate is missing or zero: $output"

# The trainer on a case of the user's choosing: it trains for --seconds and stops (the step
# count is open-ended, so a stop that never came would hang here), and the case reaches the
# trained config (a width the heads do not divide is the config's error).
run timeout 120 "$relay" bench --nproc "$processes" --threads 1 --case ar --hidden 32 --heads 2 \
    --layers 1 --complexity 2-3 --batch 16 --seconds 1
expect_status 0 "bench --nproc on a chosen case"
grep -Eq "trainer ar d=32 L=1 H=2 ARI 2-3 ops B=16, $processes proc x 1 thr +[1-9][0-9]*\.[0-9] examples" <<<"$output" ||
    fail "the chosen case's trainer rate is missing or zero: $output"
run timeout 120 "$relay" bench --nproc 1 --threads 1 --hidden 32 --heads 3 --seconds 1
expect_status 2 "bench --nproc on a case the config refuses"
expect_output "model.heads: hidden_size 32 is not divisible by 3 heads" "the case reaches the config"

# CUDA: runs where there is a GPU, and is refused with the reason everywhere else.
run "$relay" bench "${quick[@]}" --device cuda
if [[ "$status" == 0 ]]; then
    expect_output "device cuda:0" "bench on CUDA says so"
else
    expect_status 2 "bench --device cuda without CUDA"
    expect_output "device 'cuda'" "the refused device is named"
    expect_output "CUDA is not available" "the reason is given"
fi

run "$relay" bench "${quick[@]}" --device gpu
expect_status 2 "bench --device gpu"
expect_output "device 'gpu': expected cpu, cuda, cuda:N or auto" "a bad device name is explained"
echo "bench_cli: all checks passed"
