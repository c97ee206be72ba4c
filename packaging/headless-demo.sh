#!/usr/bin/env bash
# The headless main job (README command 1 without a display), in three parts:
#   1. the shipped demo's accuracy-by-length table (the default pipeline, run by
#      packaging/make-demo.sh) — at once;
#   2. one problem one length beyond training, stepped through the demo's aligned looped model
#      iteration by iteration (`relay inspect`) — seconds;
#   3. the default `relay pipeline` itself, with its progress bar. Ctrl-C cancels it after the
#      current step; running this script again resumes it.
#   usage: packaging/headless-demo.sh [relay binary] (store: RELAY_DEMO_DB, default the user's
#          store; the demo itself is never written: it is read from a copy)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
relay=${1:-relay}
demo=${RELAY_DEMO_STORE:-$root/resources/demo}
[ -f "$demo/runs.db" ] || demo=/usr/share/relay-workbench/demo

if [ -f "$demo/runs.db" ]; then
    copy=$(mktemp -d)
    trap 'rm -rf "$copy"' EXIT
    cp -r "$demo/." "$copy/"
    echo "== The shipped demo: the default pipeline (cpu-quick-ari), final-answer accuracy by"
    echo "== length ('*': longer than any problem in training)"
    cat "$copy/report.txt"
    looped=$(sqlite3 "$copy/runs.db" "SELECT id FROM runs WHERE kind = 'looped' LIMIT 1")
    if [ -n "$looped" ]; then
        echo
        echo "== One problem with five operators (training saw at most four), stepped through"
        echo "== the aligned looped model (run $looped): each loop iteration reads out one CoT step"
        "$relay" inspect "$looped" --db "$copy/runs.db" --length 5 --index 0
    fi
fi

echo
echo "== Now the real thing: the default pipeline on this machine (about 20 minutes on 2 cores;"
echo "== Ctrl-C to stop, run again to resume). Runs land in the default store."
exec "$relay" pipeline ${RELAY_DEMO_DB:+--db "$RELAY_DEMO_DB"}
