#!/usr/bin/env bash
# The GPU path in one command, for the first time a GPU is at hand. Against a CUDA LibTorch it:
#   1. configures a fresh build folder and checks the LibTorch's version, its cxx11 ABI and
#      that `relay` links torch_cuda (ldd);
#   2. runs the tests that skip without CUDA (suites Cuda*, and two more) and fails if any
#      skipped;
#   3. (among them) checks bf16 autocast: an fp32 matmul in the scope returns bf16, and the
#      state before it comes back after it;
#   4. trains a tiny model on CUDA, cancels it with SIGINT and resumes it to the end;
#   5. evaluates its checkpoint on the CPU (and on CUDA: the accuracies agree);
#   6. compares one-step losses on CPU and CUDA: within a bf16 tolerance for bf16-autocast,
#      tightly for fp32;
#   7. runs `relay bench --device cuda` and prints the training steps per second.
# Stops at the first failed check with what was expected and what came out.
#
# Usage: packaging/gpu-smoke.sh [/path/to/libtorch]    (or RELAY_LIBTORCH=/path/to/libtorch)
# The LibTorch is the cxx11-ABI CUDA 12.x download, unpacked (see cmake/TorchChecks.cmake for the
# toolkit it needs), or the torch/ folder of a CUDA pip wheel of torch 2.8 or later (cxx11 ABI).
# Optional: RELAY_SMOKE_BUILD (build folder, default build-gpu-smoke, wiped first),
# RELAY_SMOKE_JOBS (parallel compile jobs, default: all cores).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
libtorch="${1:-${RELAY_LIBTORCH:-}}"
build="${RELAY_SMOKE_BUILD:-$root/build-gpu-smoke}"
jobs="${RELAY_SMOKE_JOBS:-$(nproc)}"

fail() {
    echo "gpu-smoke FAILED: $*" >&2
    exit 1
}
step() { echo; echo "== $*"; }

# The value of "key" in the first JSON event of kind `event` in a log (events are one object
# per line; their keys come in any order).
event_value() { # log event key
    grep "\"event\":\"$2\"" "$1" | head -1 | grep -o "\"$3\":[^,}]*" | head -1 | cut -d: -f2- |
        tr -d '"'
}

if [[ -z "$libtorch" ]]; then
    echo "usage: $0 /path/to/libtorch   (or set RELAY_LIBTORCH)" >&2
    exit 2
fi
if [[ ! -f "$libtorch/share/cmake/Torch/TorchConfig.cmake" ]]; then
    echo "gpu-smoke: '$libtorch' is not an unpacked LibTorch (no share/cmake/Torch/TorchConfig.cmake)" >&2
    exit 2
fi
libtorch="$(cd "$libtorch" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# ---- 1. configure, version, ABI, torch_cuda --------------------------------------------------
step "1. configure against $libtorch in a fresh $build"
rm -rf "$build"
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release -DRELAY_BUILD_GUI=OFF \
    -DCMAKE_PREFIX_PATH="$libtorch" 2>&1 | tee "$work/configure.log" ||
    fail "configure failed (see above)"
report="$(grep -- "-- LibTorch " "$work/configure.log" || true)"
[[ -n "$report" ]] || fail "configure printed no LibTorch line"
[[ "$report" == *"from $libtorch/"* ]] || fail "configure used another LibTorch: $report"
[[ "$report" == *"CUDA build: yes"* ]] || fail "this LibTorch is not a CUDA build: $report"
if [[ -f "$libtorch/build-version" ]]; then
    version="$(cut -d+ -f1 "$libtorch/build-version")"
    [[ "$report" == *"LibTorch $version "* ]] ||
        fail "configure found LibTorch '$report', the folder says $version"
fi
cxx="$(sed -n 's/^CMAKE_CXX_COMPILER:[A-Z]*=//p' "$build/CMakeCache.txt")" # the compiler configure chose
# The cxx11 ABI: a LibTorch config that names it in TORCH_CXX_FLAGS (LibTorch up to 2.7) puts
# it on every compile command; later ones name no ABI (they all have the cxx11 one), and then
# the compiler's own default must be the cxx11 ABI, with no -D_GLIBCXX_USE_CXX11_ABI=0 anywhere.
if grep -q "_GLIBCXX_USE_CXX11_ABI" "$libtorch/share/cmake/Torch/TorchConfig.cmake"; then
    grep -q "_GLIBCXX_USE_CXX11_ABI=1" "$build/compile_commands.json" ||
        fail "relay_core is not compiled with the cxx11 ABI"
    abi="cxx11 ABI"
else
    ! grep -q "_GLIBCXX_USE_CXX11_ABI=0" "$build/compile_commands.json" ||
        fail "relay_core is compiled with the pre-cxx11 ABI"
    default_abi="$(echo '#include <string>' | "$cxx" -x c++ -std=c++17 -dM -E - |
        awk '$2 == "_GLIBCXX_USE_CXX11_ABI" { print $3 }')"
    [[ "$default_abi" == 1 ]] || fail "relay_core is not compiled with the cxx11 ABI (this" \
        "LibTorch's config names no ABI; $cxx defaults to _GLIBCXX_USE_CXX11_ABI=${default_abi:-?})"
    abi="cxx11 ABI (the compiler's default; this LibTorch's config names none)"
fi
echo "ok: $report; $abi"

cmake --build "$build" -j"$jobs" --target relay relay_core_tests
relay="$build/app/cli/relay"
core_tests="$build/tests/relay_core_tests"
linked="$(ldd "$relay" | grep "libtorch_cuda.so" || true)"
[[ -n "$linked" ]] || fail "relay does not link libtorch_cuda.so (CUDA would be unavailable)"
[[ "$linked" != *"not found"* ]] || fail "libtorch_cuda.so is not found at run time: $linked"
echo "ok: relay links$linked"
command -v nvidia-smi >/dev/null && nvidia-smi -L

# A pip wheel's libtorch.so can export its own copy of libstdc++'s std::filesystem as strong
# symbols; the dynamic linker then binds our calls to that copy, whose remove_all jumps to
# address 0 (seen with torch 2.11.0+cu130: every test that deletes a scratch folder crashed).
# The compiler's libstdc++, preloaded, takes those symbols back (the whole script passed so).
if [[ -f "$libtorch/lib/libtorch.so" ]] &&
    nm -D --defined-only "$libtorch/lib/libtorch.so" 2>/dev/null | grep -q ' T _ZNSt10filesystem'; then
    preload="$("$cxx" -print-file-name=libstdc++.so.6)"
    [[ -f "$preload" ]] || fail "$libtorch/lib/libtorch.so exports std::filesystem and $cxx" \
        "names no libstdc++.so.6 to preload ahead of it"
    export LD_PRELOAD="$preload${LD_PRELOAD:+:$LD_PRELOAD}"
    echo "note: $libtorch/lib/libtorch.so exports std::filesystem; running with LD_PRELOAD=$preload"
fi

# ---- 2 and 3. the tests that skip without CUDA -----------------------------------------------
step "2. CUDA tests (3. autocast among them)"
filter="Cuda*:Checkpoint.MovesFromCpuToCudaAndBack:Device.CudaResolvesToAnIndexedDevice"
expected="$("$core_tests" --gtest_filter="$filter" --gtest_list_tests | grep -c '^  ' || true)"
[[ "$expected" -ge 4 ]] || fail "only $expected CUDA tests found for '$filter'"
"$core_tests" --gtest_filter="$filter" 2>&1 | tee "$work/cuda-tests.log" ||
    fail "CUDA tests failed (see above)"
! grep -q '^\[  SKIPPED \]' "$work/cuda-tests.log" || fail "CUDA tests skipped (see above)"
passed="$(grep -c '^\[       OK \]' "$work/cuda-tests.log" || true)"
[[ "$passed" == "$expected" ]] || fail "$passed of $expected CUDA tests passed"
grep -q '^\[       OK \] CudaAutocast\.' "$work/cuda-tests.log" || fail "the autocast test did not run"
echo "ok: $passed CUDA tests ran and passed"

# ---- 4. tiny CUDA run: cancel, resume --------------------------------------------------------
db="$work/runs.db"
tiny=(--set tasks.0.modulus=5 --set train_lengths.max=2 --set test_lengths.max=3
      --set data.train_samples=256 --set data.test_samples_per_length=64
      --set model.hidden_size=32 --set model.layers=1 --set model.heads=2
      --set model.dropout=0 --set training.batch_size=16 --set seed=3)

step "4. tiny CUDA training run, cancelled and resumed"
"$relay" train --db "$db" --json "${tiny[@]}" --set device=cuda --set training.steps=3000 \
    --set eval.every=100000 --set checkpoint.every=100000 >"$work/cuda-run.log" 2>&1 &
pid=$!
for _ in $(seq 1 600); do # until step 10 or later is reported (steps are throttled in time)
    grep '"event":"step"' "$work/cuda-run.log" | grep -q '"step":[0-9]\{2,\}' && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
done
kill -INT $pid 2>/dev/null || true
status=0
wait $pid || status=$?
[[ "$status" == 1 ]] || fail "cancelled CUDA run exits $status, expected 1: $(tail -5 "$work/cuda-run.log")"
[[ "$(event_value "$work/cuda-run.log" started device)" == cuda:0 ]] ||
    fail "the run did not start on cuda:0: $(head -3 "$work/cuda-run.log")"
[[ "$(event_value "$work/cuda-run.log" started precision)" == bf16-autocast ]] ||
    fail "the CUDA run does not record bf16-autocast: $(head -3 "$work/cuda-run.log")"
[[ "$(event_value "$work/cuda-run.log" finished status)" == cancelled ]] ||
    fail "the CUDA run did not end cancelled: $(tail -3 "$work/cuda-run.log")"
run_id="$(event_value "$work/cuda-run.log" started run)"
[[ -n "$run_id" ]] || fail "no run id in the CUDA run's events"
"$relay" train --db "$db" --json --resume "$run_id" >"$work/resume.log" 2>&1 ||
    fail "resume failed: $(tail -5 "$work/resume.log")"
[[ "$(event_value "$work/resume.log" finished status)" == finished &&
   "$(event_value "$work/resume.log" finished steps)" == 3000 ]] ||
    fail "the resumed run did not finish 3000 steps: $(tail -3 "$work/resume.log")"
echo "ok: run $run_id cancelled, resumed and finished on CUDA"

# ---- 5. its checkpoint on the CPU ------------------------------------------------------------
step "5. CPU evaluation of the CUDA run's checkpoint"
"$relay" eval "$run_id" --db "$db" --device cpu >"$work/eval-cpu.txt" 2>&1 ||
    fail "CPU evaluation failed: $(cat "$work/eval-cpu.txt")"
"$relay" eval "$run_id" --db "$db" --device cuda >"$work/eval-cuda.txt" 2>&1 ||
    fail "CUDA evaluation failed: $(cat "$work/eval-cuda.txt")"
cat "$work/eval-cpu.txt"
# Oracle answer and token accuracy per length, CPU against CUDA (both fp32): a few flips at most.
paste <(awk '$3 == "oracle" {print $2, $5, $7}' "$work/eval-cpu.txt") \
      <(awk '$3 == "oracle" {print $2, $5, $7}' "$work/eval-cuda.txt") >"$work/eval-pairs.txt"
[[ -s "$work/eval-pairs.txt" ]] || fail "no oracle rows in the evaluations"
awk 'function far(a, b) { return a - b > 0.1 || b - a > 0.1 }
     { if ($1 != $4 || far($2, $5) || far($3, $6)) bad = 1 } END { exit bad }' \
    "$work/eval-pairs.txt" || fail "CPU and CUDA accuracies differ: $(cat "$work/eval-pairs.txt")"
echo "ok: the checkpoint evaluates on the CPU as on CUDA"

# ---- 6. one-step losses ----------------------------------------------------------------------
step "6. one-step losses, CPU against CUDA"
one_step_loss() { # device precision
    "$relay" train --db "$work/one-step.db" --json "${tiny[@]}" --set training.steps=1 \
        --set device="$1" --set precision="$2" >"$work/one-step.log" 2>&1 ||
        fail "one-step run on $1 ($2) failed: $(tail -3 "$work/one-step.log")"
    event_value "$work/one-step.log" step loss
}
cpu_loss="$(one_step_loss cpu fp32)"
fp32_loss="$(one_step_loss cuda fp32)"
bf16_loss="$(one_step_loss cuda bf16-autocast)"
[[ -n "$cpu_loss" && -n "$fp32_loss" && -n "$bf16_loss" ]] || fail "a one-step run reported no loss"
echo "loss cpu $cpu_loss, cuda fp32 $fp32_loss, cuda bf16-autocast $bf16_loss"
within() { # a b relative_tolerance
    awk -v a="$1" -v b="$2" -v t="$3" \
        'BEGIN { d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); exit !(a != "" && d <= t * m + 1e-6) }'
}
within "$cpu_loss" "$fp32_loss" 1e-4 || fail "fp32 CUDA loss $fp32_loss is not the CPU's $cpu_loss"
within "$cpu_loss" "$bf16_loss" 2e-2 ||
    fail "bf16 CUDA loss $bf16_loss is not within 2% of the CPU's $cpu_loss"
echo "ok: fp32 within 1e-4, bf16-autocast within 2e-2 of the CPU"

# ---- 7. bench --------------------------------------------------------------------------------
step "7. relay bench --device cuda"
"$relay" bench --device cuda --quick --seconds 2 --json >"$work/bench.json" ||
    fail "relay bench --device cuda failed"
grep '"name":"train' "$work/bench.json" | while IFS= read -r line; do
    name="$(grep -o '"name":"[^"]*"' <<<"$line" | cut -d'"' -f4)"
    seconds="$(grep -o '"seconds_per_iteration":[-0-9.eE+]*' <<<"$line" | cut -d: -f2)"
    awk -v n="$name" -v s="$seconds" 'BEGIN { printf "%-48s %10.1f steps/s\n", n, 1 / s }'
done
grep -q '"name":"train looped' "$work/bench.json" || fail "bench reported no looped training case"
cat "$work/bench.json"

echo
echo "gpu-smoke: all checks passed"
