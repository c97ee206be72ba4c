#!/usr/bin/env bash
# The headless main job (README command 1 without a display): for each task (arithmetic, edit
# distance, LIS) it generates 20 problems per length in CoT_benchmark's text format, prints
# their statistics, and checks every chain with the task's exact verifier. It trains nothing;
# `relay pipeline` runs the method. Data goes to $RELAY_DEMO_DIR, else a fresh temporary folder.
# Usage: headless-demo.sh [PATH_TO_RELAY]
set -euo pipefail
relay=${1:-relay}
out=${RELAY_DEMO_DIR:-$(mktemp -d)}
mkdir -p "$out"
echo "RELAY headless demo: data in $out"
for task in ari ed lis; do
    case $task in
        ari) lengths=1-8 ;;
        ed) lengths=2-10 ;;
        lis) lengths=5-30 ;;
    esac
    "$relay" data generate --task $task --lengths $lengths --per-length 20 --seed 1 \
        --format cotbench --out "$out/$task.txt"
    "$relay" data stats --task $task "$out/$task.txt"
    "$relay" data verify --task $task "$out/$task.txt"
done
