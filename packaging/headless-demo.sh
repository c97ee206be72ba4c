#!/usr/bin/env bash
# The headless main job: generate a dataset of each task, show its statistics and verify
# every chain with the exact verifiers. (The full training pipeline joins here when it lands.)
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
