#!/usr/bin/env bash
# README command 1: install dependencies, build, and run the main job — the workbench when a
# display is available, otherwise the headless demo of the engine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bash "$root/packaging/build.sh"
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
    exec "$root/build/app/workbench/relay-workbench" "$@"
fi
exec bash "$root/packaging/headless-demo.sh" "$root/build/app/cli/relay"
