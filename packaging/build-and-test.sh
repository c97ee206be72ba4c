#!/usr/bin/env bash
# README command 2 (and CI): install dependencies, build, run every test with ctest, then the
# sanitizer job.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/build.sh"
cd "$root/build"
QT_QPA_PLATFORM=offscreen ctest --output-on-failure -j"$(nproc)"

# Sanitizers (issue 17): the torch-free libraries (tasks, config, store) and their tests, the
# hostile configs among them, built with ASan + UBSan (preset asan-torch-free: Debug, any report
# fails the test). The subset that fits CI's time: cold (no ccache) it took 459 s to build and
# 109 s to test on 2 cores shared with three other builds, where the whole engine under ASan
# (LibTorch headers in every translation unit) would take several times that. The readers also
# run under ASan + UBSan above, in fuzz.short (libFuzzer targets replaying their seed corpora,
# crash regressions included, then mutating them) and fuzz.checkpoint_replay (the checkpoint
# loader on its corpus; its mutations run by hand: tests/fuzz/run.sh checkpoint).
cd "$root"
cmake --preset asan-torch-free >/dev/null
cmake --build --preset asan-torch-free -j"$(nproc)"
ctest --preset asan-torch-free -j"$(nproc)"
