#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing, packaging and screenshotting RELAY
# Workbench needs. Idempotent: does nothing (and prints nothing) when everything is present.
set -euo pipefail

packages=(
    build-essential cmake ninja-build ccache pkg-config git
    libtorch-dev libgloo-dev libopenblas0-openmp libgoogle-perftools-dev
    libsqlite3-dev sqlite3 nlohmann-json3-dev libcli11-dev
    libgtest-dev libgmock-dev libbenchmark-dev
    qt6-base-dev libqcustomplot-dev libgl-dev
    xvfb xauth imagemagick clang-format
    desktop-file-utils appstream lintian
    clang-14 libfuzzer-14-dev
)

missing=()
for package in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed'; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo_prefix=""
[ "$(id -u)" -ne 0 ] && sudo_prefix="sudo"
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo_prefix apt-get update -qq
$sudo_prefix apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
