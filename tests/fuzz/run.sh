#!/usr/bin/env bash
# Builds the libFuzzer targets (clang++-14, ASan + UBSan) and runs each on its seed corpus for a
# fixed time, or for a fixed number of inputs from a fixed seed (--runs: the same inputs on
# every machine, so a CI run is reproducible), or only replays the seed corpus, crash
# reproducers included (--replay: each shipped input once, no mutation). CI runs the torch-free
# targets for a short budget (ctest's fuzz.short) and replays the checkpoint target's corpus
# (fuzz.checkpoint_replay: its custom mutator draws differently from run to run, so a budget of
# mutations would not be reproducible); run it by hand for as long as you like, e.g. an hour per
# target:
#   tests/fuzz/run.sh --seconds 3600 [--runs N | --replay] [--no-sanitizers] [--build DIR]
#                     [--jobs N] [TARGET...]
# --no-sanitizers builds them without ASan and UBSan (only what crashes or aborts is found), for
# runs of tens of millions of inputs: they execute several times faster.
# Targets: dataset (CoT_benchmark and JSONL readers), typed (typed problems of the three tasks),
# config (config file + --set), store (the store opener): torch-free, the default set; and
# checkpoint (the checkpoint reader, which links LibTorch), only when named. Exits 1 when a
# target finds a crash; the reproducer is left in the build folder (crash-*), and each target's
# last lines show its executions.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds=60
runs=""
replay=0
build="$root/build-fuzz"
jobs=2
sanitizers=address,undefined,
targets=()
while (($#)); do
    case "$1" in
    --seconds) seconds="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --replay) replay=1; shift ;;
    --no-sanitizers) sanitizers=""; shift ;;
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
flags=(-std=c++17 -O1 -g -fno-omit-frame-pointer -fsanitize="${sanitizers}fuzzer-no-link"
       -I"$root/core")

# Objects are built once per build folder and source; the torch-free libraries every target but
# checkpoint links: tasks, config (with model_config), store.
torch_free=("$root"/core/tasks/*.cpp "$root"/core/config/*.cpp "$root"/core/model/model_config.cpp
            "$root"/core/store/*.cpp)
# The checkpoint reader and what it calls, against the system LibTorch (gcc's C++11 ABI).
checkpoint=("$root"/core/model/checkpoint.cpp "$root"/core/model/archive_reader.cpp "$root"/core/model/checkpoint_format.cpp
            "$root"/core/model/checksum.cpp "$root"/core/model/generator_state.cpp
            "$root"/core/model/thread_generator.cpp
            "$root"/core/tasks/atomic_file.cpp "$root"/core/version.cpp)
torch_flags=(-isystem /usr/include/torch/csrc/api/include -D_GLIBCXX_USE_CXX11_ABI=1
             -DRELAY_HAVE_TORCH -DRELAY_VERSION='"fuzz"' -DRELAY_COMMIT='"fuzz"')
mkdir -p "$build/objects"
build="$(cd "$build" && pwd)" # the fuzzers run inside it
# An object is rebuilt when its source is newer; a changed header (a struct that grew a member)
# would leave objects of two layouts side by side, so any change to core's headers drops them all.
# Objects of the other sanitizer setting are dropped the same way.
headers="$( (echo "sanitizers: $sanitizers"; cat "$root"/core/*.h "$root"/core/*/*.h) | cksum)"
if [[ "$(cat "$build/objects/headers.cksum" 2>/dev/null)" != "$headers" ]]; then
    rm -f "$build"/objects/*.o
    echo "$headers" >"$build/objects/headers.cksum"
fi

# compile SOURCE... : sets $objects to their object files, compiling those older than their
# source ($jobs at a time).
compile() {
    objects=()
    local source object
    for source in "$@"; do
        relative="${source#"$root"/}"
        object="$build/objects/${relative//\//_}.o"
        objects+=("$object")
        [[ "$object" -nt "$source" ]] && continue
        "${launcher[@]}" "$compiler" "${flags[@]}" "${extra[@]}" -c "$source" -o "$object" &
        while (($(jobs -rp | wc -l) >= jobs)); do wait -n; done
    done
    wait
}

status=0
for target in "${targets[@]}"; do
    binary="$build/fuzz_$target"
    extra=()
    libraries=(-lsqlite3)
    max_len=4096
    environment=()
    if [[ $target == store ]]; then
        max_len=32768 # whole seed stores (page size 512) of up to about 20 kB
        [[ -d /dev/shm && -w /dev/shm ]] && environment=(TMPDIR=/dev/shm)
    fi
    if [[ $target == checkpoint ]]; then
        extra=("${torch_flags[@]}")
        libraries=(-ltorch -ltorch_cpu -lc10 -lsqlite3)
        max_len=65536 # the seeds are about 10 kB
        environment=(LSAN_OPTIONS="suppressions=$root/tests/fuzz/checkpoint.lsan-suppressions")
        compile "${checkpoint[@]}" "$root/tests/fuzz/fuzz_$target.cpp"
    else
        compile "${torch_free[@]}" "$root/tests/fuzz/fuzz_$target.cpp"
    fi
    "$compiler" "${flags[@]/fuzzer-no-link/fuzzer}" "${objects[@]}" "${libraries[@]}" -o "$binary"
    corpus="$build/corpus/$target"
    budget=(-max_total_time="$seconds")
    if [[ -n "$runs" ]]; then
        # Start from the shipped seeds alone each time: what earlier runs added would change
        # which inputs a fixed seed tries.
        rm -rf "$corpus"
        budget=(-runs="$runs" -seed=1)
    fi
    mkdir -p "$corpus"
    inputs=("$corpus" "$root/tests/fuzz/corpus/$target")
    if ((replay)); then
        # Files, not folders: libFuzzer runs each once and mutates nothing.
        inputs=("$root/tests/fuzz/corpus/$target"/*)
        budget=()
    fi
    log="$build/fuzz_$target.log"
    if ((replay)); then
        echo "== fuzz_$target: replay of ${#inputs[@]} inputs"
    else
        echo "== fuzz_$target: ${runs:-$seconds s}${runs:+ inputs}"
    fi
    if ! (cd "$build" && env "${environment[@]}" "$binary" "${budget[@]}" -max_len="$max_len" \
              -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 "${inputs[@]}" >"$log" 2>&1); then
        status=1
        echo "fuzz_$target FOUND A PROBLEM (see $log):"
        grep -m5 -E 'ERROR|SUMMARY|Test unit written' "$log" || tail -20 "$log"
    fi
    if ((replay)); then
        echo "    executed $(grep -c '^Executed ' "$log" || true) of ${#inputs[@]} inputs"
    else
        grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | sed "s/^/    /"
    fi
done
exit $status
