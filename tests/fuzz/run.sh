#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++-14, ASan + UBSan, no LibTorch) and runs each on its seed
# corpus for a fixed time, or for a fixed number of inputs from a fixed seed (--runs: the same
# inputs on every machine, so a CI run is reproducible). CI runs a short budget through ctest
# (fuzz.short); run it by hand for as long as you like, e.g. an hour per target:
#   tests/fuzz/run.sh --seconds 3600 [--runs N] [--build DIR] [--jobs N] [TARGET...]
# Targets: dataset (CoT_benchmark and JSONL readers), typed (typed problems of the three tasks),
# config (config file + --set), store (the store opener). Exits 1 when a target finds a crash;
# the reproducer is left in the build folder (crash-*), and each target's last lines show its
# executions.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds=60
runs=""
build="$root/build-fuzz"
jobs=2
targets=()
while (($#)); do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --build) build="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    *) targets+=("$1"); shift ;;
    esac
done
((${#targets[@]})) || targets=(dataset typed config store)

compiler="${RELAY_FUZZ_CXX:-clang++-14}"
command -v "$compiler" >/dev/null || { echo "run.sh: $compiler not found (packaging/install-deps.sh installs it)" >&2; exit 2; }
launcher=()
command -v ccache >/dev/null && launcher=(ccache)
flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined,fuzzer-no-link
       -I"$root/core")

# The torch-free libraries every target links: tasks, config (with model_config), store.
mkdir -p "$build/objects"
sources=("$root"/core/tasks/*.cpp "$root"/core/config/*.cpp "$root"/core/model/model_config.cpp
         "$root"/core/store/*.cpp)
objects=()
for source in "${sources[@]}"; do
    relative="${source#"$root"/}"
    objects+=("$build/objects/${relative//\//_}.o")
done
for index in "${!sources[@]}"; do
    [[ "${objects[$index]}" -nt "${sources[$index]}" ]] && continue
    "${launcher[@]}" "$compiler" "${flags[@]}" -c "${sources[$index]}" -o "${objects[$index]}" &
    while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
done
wait

status=0
for target in "${targets[@]}"; do
    binary="$build/fuzz_$target"
    "${launcher[@]}" "$compiler" "${flags[@]/fuzzer-no-link/fuzzer}" "$root/tests/fuzz/fuzz_$target.cpp" \
        "${objects[@]}" -lsqlite3 -o "$binary"
    corpus="$build/corpus/$target"
    budget=(-max_total_time="$seconds")
    if [[ -n "$runs" ]]; then
        # Start from the shipped seeds alone each time: what earlier runs added would change
        # which inputs a fixed seed tries.
        rm -rf "$corpus"
        budget=(-runs="$runs" -seed=1)
    fi
    mkdir -p "$corpus"
    log="$build/fuzz_$target.log"
    echo "== fuzz_$target: ${runs:-$seconds s}${runs:+ inputs}"
    if ! (cd "$build" && "$binary" "${budget[@]}" -max_len=4096 -timeout=10 \
              -rss_limit_mb=2048 -print_final_stats=1 "$corpus" \
              "$root/tests/fuzz/corpus/$target" >"$log" 2>&1); then
        status=1
        echo "fuzz_$target FOUND A PROBLEM (see $log):"
        grep -m5 -E 'ERROR|SUMMARY|Test unit written' "$log" || tail -20 "$log"
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed "s/^/    /"
done
exit $status
