#!/usr/bin/env bash
# End to end: `relay data generate | stats | verify` on every task and both formats, corrupted
# and malformed files, and the CoT_benchmark samples shipped in tests/data/cotbench/.
# Usage: data_cli.sh PATH_TO_RELAY
set -euo pipefail

source "$(dirname "$0")/helpers.bash"

# Changes one digit on line $2 of file $1 (in place): the first single-digit number after the
# input (after the first '=' for ARI, the first '<sep>' otherwise) becomes (digit + 1) mod 10.
corrupt_digit() {
    awk -v target="$2" -v task="$3" '
        NR == target {
            past = 0
            for (i = 1; i <= NF; ++i) {
                if (past && $i ~ /^[0-9]$/) { $i = ($i + 1) % 10; break }
                if ((task == "ari" && $i == "=") || (task != "ari" && $i == "<sep>")) past = 1
            }
        }
        { print }' "$1" >"$1.tmp"
    mv "$1.tmp" "$1"
}

for task in ari ed lis; do
    for format in cotbench jsonl; do
        extension=txt
        [[ "$format" == jsonl ]] && extension=jsonl
        file="$work/$task.$extension"

        run "$relay" data generate --task "$task" --lengths 1-3,5 --per-length 20 --seed 7 \
            --format "$format" --out "$file"
        expect_status 0 "generate $task $format"
        expect_output "wrote 80 $task problems" "generate $task $format"
        [[ "$(grep -c . "$file")" == 80 ]] || fail "$file does not have 80 lines"

        run "$relay" data generate --task "$task" --lengths 1-3,5 --per-length 20 --seed 7 \
            --format "$format" --out "$file.again"
        cmp -s "$file" "$file.again" || fail "generate $task $format is not deterministic"

        run "$relay" data verify --task "$task" "$file"
        expect_status 0 "verify $task $format"
        expect_output "80 chains, 80 correct, 0 wrong" "verify $task $format"

        run "$relay" data stats "$file" --task "$task"
        expect_status 0 "stats $task $format"
        expect_output "80 examples [$format], tasks: $task" "stats $task $format"
        expect_output "$(printf '%8d %6d' 5 20)" "stats $task $format per-length row"
    done

    # One changed digit on line 45 (length 3) of the text file: exit 1, and that line named.
    cp "$work/$task.txt" "$work/$task-bad.txt"
    corrupt_digit "$work/$task-bad.txt" 45 "$task"
    cmp -s "$work/$task.txt" "$work/$task-bad.txt" && fail "corrupt_digit changed nothing"
    run "$relay" data verify --task "$task" "$work/$task-bad.txt"
    expect_status 1 "verify corrupted $task"
    expect_output "79 correct, 1 wrong" "verify corrupted $task"
    expect_output "line 45 ($task): step" "verify corrupted $task"
done

# JSONL records name their task: no --task needed. A wrong answer is a wrong chain.
sed -E '3s/"answer":"([0-9]+)"/"answer":"\19"/' "$work/ed.jsonl" >"$work/ed-bad.jsonl"
run "$relay" data verify "$work/ed-bad.jsonl"
expect_status 1 "verify JSONL with a wrong answer"
expect_output "line 3 (ed): answer wrong" "verify JSONL with a wrong answer"

# Malformed files: exit 2, naming the file and line.
printf '3 + 4 = 7\n3 + 4\n' >"$work/malformed.txt"
run "$relay" data verify --task ari "$work/malformed.txt"
expect_status 2 "verify malformed text"
expect_output "$work/malformed.txt:2: no '='" "verify malformed text"

printf '{"task":"lis","input":"3 1 <sep>"}\n' >"$work/malformed.jsonl"
run "$relay" data verify "$work/malformed.jsonl"
expect_status 2 "verify malformed JSONL"
expect_output "$work/malformed.jsonl:1: missing key \"steps\"" "verify malformed JSONL"

run "$relay" data verify "$work/ari.txt"
expect_status 2 "verify text without --task"
expect_output "pass --task" "verify text without --task"

run "$relay" data verify --task ari "$work/does-not-exist.txt"
expect_status 2 "verify a missing file"
expect_output "cannot read '$work/does-not-exist.txt'" "verify a missing file"
run "$relay" data generate --task chess --lengths 1 --per-length 1 --out "$work/x.txt"
expect_status 2 "generate an unknown task"
expect_output "unknown task 'chess'" "generate an unknown task"

# The third-party CoT_benchmark samples: every chain verifies.
cotbench="$(dirname "$0")/../data/cotbench"
for sample in ari:ari_ops5_p11.txt ed:ed_len8.txt lis:lis_len25.txt; do
    [[ -f "$cotbench/${sample#*:}" ]] || fail "CoT_benchmark sample $cotbench/${sample#*:} is missing"
    run "$relay" data verify --task "${sample%%:*}" "$cotbench/${sample#*:}"
    expect_status 0 "verify CoT_benchmark ${sample#*:}"
    expect_output "100 chains, 100 correct, 0 wrong" "verify CoT_benchmark ${sample#*:}"
done

echo "data_cli: all checks passed"
