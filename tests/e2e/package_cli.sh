#!/usr/bin/env bash
# End to end: the Debian package. cpack builds it from this build tree (into a scratch folder);
# dpkg -x unpacks it into a scratch root, where the packaged relay must report this build's
# version, generate a dataset and accept it, and reject the same file with one step corrupted.
# The package must hold the presets (identical to resources/presets), the man pages, the bash
# completion and, in a tree with the GUI, the workbench, its desktop entry, AppStream data and
# icon; Debian's validators and lintian must find no error.
# Usage: package_cli.sh PATH_TO_RELAY (the relay of a configured and built tree)
set -euo pipefail

source "$(dirname "$0")/helpers.bash"
source_dir=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "$(dirname "$relay")/../.." && pwd)
config="$build/CPackConfig.cmake"
[[ -f "$config" ]] || fail "no CPackConfig.cmake in $build"
version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$config")
[[ -n "$version" ]] || fail "no CPACK_PACKAGE_VERSION in $config"

run cpack -G DEB --config "$config" -B "$work/package"
expect_status 0 "cpack -G DEB"
debs=("$work"/package/relay-workbench_"$version"_*.deb)
[[ -f "${debs[0]}" ]] || fail "cpack wrote no relay-workbench_${version}_*.deb; output:
$output"
deb=${debs[0]}
echo "package: $(basename "$deb"), $(du -k "$deb" | cut -f1) KiB"
dpkg-deb -x "$deb" "$work/root"
dpkg-deb -c "$deb" | awk '{print $1, $3, $6}'

# The packaged engine runs from the unpacked root.
packaged="$work/root/usr/bin/relay"
run "$packaged" --version
expect_status 0 "relay --version"
[[ "$output" =~ ^relay\ ${version//./\\.}\ \(commit\ ([0-9a-f]{12}(-dirty)?|unknown), ]] ||
    fail "relay --version should start 'relay $version (commit <12 hex digits>,'; got: $output"

data="$work/ed.txt"
run "$packaged" data generate --task ed --lengths 2-4 --per-length 5 --seed 11 \
    --format cotbench --out "$data"
expect_status 0 "packaged relay data generate"
[[ $(wc -l <"$data") -eq 15 ]] || fail "expected 15 problems in $data, got $(wc -l <"$data")"
run "$packaged" data verify --task ed "$data"
expect_status 0 "packaged relay data verify on its own data"
expect_output "15 chains, 15 correct, 0 wrong" "packaged relay data verify on its own data"
# The first DP cell of line 4's first row, plus one: a chain no exact solver would write.
awk 'NR == 4 { for (i = 1; i <= NF; ++i) if ($i == "<sep>") { $(i + 1) += 1; break } } { print }' \
    "$data" >"$work/ed-wrong.txt"
run "$packaged" data verify --task ed "$work/ed-wrong.txt"
[[ "$status" -ne 0 ]] || fail "packaged relay data verify accepted a corrupted chain: $output"
expect_output "14 correct, 1 wrong" "the corrupted file's verdict"
expect_output "line 4 (ed): step" "the corrupted chain's report"

# Presets, identical to the source tree's.
shipped="$work/root/usr/share/relay-workbench/presets"
for preset in "$source_dir"/resources/presets/*.json; do
    cmp -s "$preset" "$shipped/$(basename "$preset")" ||
        fail "package preset $(basename "$preset") missing or different"
done
[[ $(ls "$shipped" | wc -l) -eq $(ls "$source_dir"/resources/presets/*.json | wc -l) ]] ||
    fail "the package has presets the source tree does not"

# A man page for relay and each of its subcommands, and the bash completion.
expected=(usr/share/man/man1/relay.1.gz usr/share/bash-completion/completions/relay
          usr/share/doc/relay-workbench/copyright usr/share/doc/relay-workbench/changelog.gz)
for subcommand in $("$packaged" --help | awk '/^Subcommands:$/ {on = 1; next} /^$/ {on = 0}
                                             on && /^  [^ ]/ {print $1}'); do
    expected+=("usr/share/man/man1/relay-$subcommand.1.gz")
done
[[ ${#expected[@]} -gt 8 ]] || fail "relay --help lists too few subcommands: ${expected[*]}"

if [[ -x "$build/app/workbench/relay-workbench" ]]; then
    app_id=org.relayworkbench.RelayWorkbench
    expected+=(usr/bin/relay-workbench usr/share/man/man1/relay-workbench.1.gz
               "usr/share/applications/$app_id.desktop" "usr/share/metainfo/$app_id.metainfo.xml"
               usr/share/icons/hicolor/scalable/apps/relay-workbench.svg)
    run desktop-file-validate "$work/root/usr/share/applications/$app_id.desktop"
    [[ "$status" -eq 0 && -z "$output" ]] || fail "desktop-file-validate: $output"
    run appstreamcli validate --no-net --pedantic \
        "$work/root/usr/share/metainfo/$app_id.metainfo.xml"
    expect_status 0 "appstreamcli validate"
fi
for path in "${expected[@]}"; do
    [[ -s "$work/root/$path" ]] || fail "the package lacks $path"
done

run lintian --fail-on error --tag-display-limit 0 "$deb"
echo "lintian:"
echo "$output"
expect_status 0 "lintian"
echo "package_cli: ok"
