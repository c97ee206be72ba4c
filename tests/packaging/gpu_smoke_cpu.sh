#!/usr/bin/env bash
# What of packaging/gpu-smoke.sh runs without a GPU: its syntax, its arguments, and its first
# step's checks against fake LibTorch package configs (configure only; nothing is compiled).
# Usage: gpu_smoke_cpu.sh SOURCE_DIR
set -euo pipefail

source_dir="$1"
smoke="$source_dir/packaging/gpu-smoke.sh"
source "$source_dir/tests/cmake/fake_torch.bash"

run() { # stdout+stderr in $output, exit status in $status
    status=0
    output="$(RELAY_SMOKE_BUILD="$work/build" "$@" 2>&1)" || status=$?
}
expect() { # status, text, description
    [[ "$status" == "$1" && "$output" == *"$2"* ]] ||
        fail "$3: exit $status (expected $1), output lacks '$2':
$output"
}

bash -n "$smoke" || fail "gpu-smoke.sh has a syntax error"

run env -u RELAY_LIBTORCH bash "$smoke"
expect 2 "usage:" "no LibTorch given"
run bash "$smoke" "$work"
expect 2 "'$work' is not an unpacked LibTorch" "a folder without a LibTorch"

# A CPU-only LibTorch stops the smoke test after configure.
fake_torch "$work/cpu" 2.5.1 1 no
run bash "$smoke" "$work/cpu"
expect 1 "this LibTorch is not a CUDA build" "a CPU LibTorch"

# The folder's build-version must be the version CMake found.
fake_torch "$work/cuda" 2.5.1 1 yes
echo "2.4.0+cu124" >"$work/cuda/build-version"
run bash "$smoke" "$work/cuda"
expect 1 "the folder says 2.4.0" "a version that differs from build-version"

# The right version, but the fake compiles nothing with the cxx11 ABI flag.
echo "2.5.1+cu124" >"$work/cuda/build-version"
run bash "$smoke" "$work/cuda"
expect 1 "relay_core is not compiled with the cxx11 ABI" "no cxx11 ABI in the compile commands"

# A pre-cxx11-ABI LibTorch is stopped by configure itself.
fake_torch "$work/old-abi" 2.3.1 0 yes
run bash "$smoke" "$work/old-abi"
expect 1 "configure failed" "a pre-cxx11-ABI LibTorch"
expect 1 "pre-cxx11 ABI" "configure's reason is shown"

echo "gpu_smoke_cpu: all checks passed"
