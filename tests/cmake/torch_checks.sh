#!/usr/bin/env bash
# cmake/TorchChecks.cmake against fake LibTorch package configs (no compiler, no LibTorch): a
# pre-cxx11-ABI LibTorch stops configure, a cached Torch_DIR from another prefix stops it, the
# version and CUDA build are reported, and the install RPATH names LibTorch's lib folder.
# Usage: torch_checks.sh SOURCE_DIR [CMAKE]
set -euo pipefail

source_dir="$1"
cmake="${2:-cmake}"
source "$source_dir/tests/cmake/fake_torch.bash"

mkdir -p "$work/project"
cat >"$work/project/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.25)
project(torch_checks NONE)
find_package(Torch REQUIRED)
include("$source_dir/cmake/TorchChecks.cmake")
EOF

configure() { # build folder, cmake arguments...
    local build="$1"
    shift
    status=0
    output="$("$cmake" -S "$work/project" -B "$build" "$@" 2>&1)" || status=$?
}

expect() { # text, description
    [[ "$output" == *"$1"* ]] || fail "$2: output lacks '$1':
$output"
}

fake_torch "$work/cpu" 2.5.1 1 no
fake_torch "$work/cuda" 2.4.0 1 yes
fake_torch "$work/old-abi" 2.3.1 0 yes

# A good CPU LibTorch: its version, no CUDA, and the RPATH of its lib folder.
configure "$work/build" -DCMAKE_PREFIX_PATH="$work/cpu"
[[ "$status" == 0 ]] || fail "cxx11-ABI CPU LibTorch: configure failed: $output"
expect "LibTorch 2.5.1 from $work/cpu/share/cmake/Torch; CUDA build: no" "CPU LibTorch report"
expect "RPATH $(realpath "$work/cpu/lib")" "install RPATH"

# The same folder, now pointed at another LibTorch: the cached Torch_DIR would win silently.
configure "$work/build" -DCMAKE_PREFIX_PATH="$work/cuda"
[[ "$status" != 0 ]] || fail "a stale Torch_DIR was accepted: $output"
expect "CMAKE_PREFIX_PATH names $work/cuda" "stale Torch_DIR names the new prefix"
expect "fresh build folder" "stale Torch_DIR says what to do"

# The same prefix again is fine (re-running cmake in a folder must keep working).
configure "$work/build" -DCMAKE_PREFIX_PATH="$work/cpu"
[[ "$status" == 0 ]] || fail "re-configure with the same prefix failed: $output"

# A fresh folder takes the CUDA LibTorch and says so.
configure "$work/build-cuda" -DCMAKE_PREFIX_PATH="$work/cuda"
[[ "$status" == 0 ]] || fail "CUDA LibTorch in a fresh folder: configure failed: $output"
expect "LibTorch 2.4.0 from $work/cuda/share/cmake/Torch; CUDA build: yes" "CUDA LibTorch report"

# The pre-cxx11 ABI stops configure and names the download to use.
configure "$work/build-old" -DCMAKE_PREFIX_PATH="$work/old-abi"
[[ "$status" != 0 ]] || fail "a pre-cxx11-ABI LibTorch was accepted: $output"
expect "pre-cxx11 ABI" "old ABI is named"
expect "libtorch-cxx11-abi-shared-with-deps" "old ABI names the cxx11-ABI download"

echo "torch_checks: all checks passed"
