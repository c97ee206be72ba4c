#!/usr/bin/env bash
# Installs the Debian packages, configures and builds RELAY Workbench (preset "default").
# Extra arguments go to CMake's configure step (e.g. -DRELAY_BUILD_GUI=OFF).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/install-deps.sh"
cd "$root"
cmake --preset default "$@" >/dev/null
cmake --build --preset default -j"$(nproc)"
