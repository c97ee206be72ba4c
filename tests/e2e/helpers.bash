# Shared by the e2e scripts (sourced, not a test: ctest runs only *.sh). Sets $relay from the
# first argument and a scratch folder $work removed on exit.
relay="$1"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# Runs a command, keeping its exit status in $status and its stdout+stderr in $output.
run() {
    status=0
    output="$("$@" 2>&1)" || status=$?
}

expect_status() { # expected, description
    [[ "$status" == "$1" ]] || fail "$2: exit $status, expected $1; output:
$output"
}

expect_output() { # text, description
    [[ "$output" == *"$1"* ]] || fail "$2: output lacks '$1'; output:
$output"
}

# The sqlite3 shell the scripts read stores with waits for a writer as the engine does (a
# worker or a just-finished run may still hold the lock for a moment) instead of failing at
# once with "database is locked".
sqlite3() {
    command sqlite3 -cmd ".timeout 15000" "$@"
}
