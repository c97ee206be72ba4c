#!/usr/bin/env bash
# Writes the man pages of relay from the built binary's own --help, so they cannot drift from
# the command line: relay.1 (the command and its subcommands) and relay-SUB.1 for every
# subcommand, with the options of each of its own subcommands. Pages are gzipped (gzip -n, no
# timestamp, as Debian wants them).
#   make-man-pages.sh RELAY OUTDIR VERSION DATE
set -euo pipefail
binary=$(realpath "$1")
out=$2
version=$3
date=$4
mkdir -p "$out"
rm -f "$out"/relay*.1 "$out"/relay*.1.gz

# Keeps the engine from re-executing itself for its BLAS kernel choice: --help needs no BLAS.
export RELAY_KEEP_BLAS_KERNELS=1

# CLI11 help -> roff. Sections "Options:", "Positionals:" and "Subcommands:" become tagged
# paragraphs; text before "Usage:" is the description. $1: man name of the command (used to
# link subcommand pages), $2: heading level (SH for a page's own command, SS for a nested one).
help_to_roff() {
    awk -v level="$2" -v page="$1" '
        function roff(text) {
            gsub(/\\/, "\\e", text)
            gsub(/-/, "\\-", text)
            sub(/^[.'"'"']/, "\\\\\\&&", text)
            return text
        }
        function flush() {
            if (name != "") {
                print ".TP"
                print "\\fB" roff(name) "\\fR"
                print roff(description)
            }
            name = ""; description = ""
        }
        /^Usage: / { usage = substr($0, 8); next }
        /^(Options|Positionals|Subcommands):$/ {
            flush(); section = $0; sub(/:$/, "", section)
            print "." level " " toupper(section)
            next
        }
        /^$/ { flush(); next }
        section == "" && usage == "" { about = about (about == "" ? "" : " ") $0; next }
        section != "" && /^  [^ ]/ {
            flush()
            line = substr($0, 3)
            split_at = match(line, /  +/)
            if (split_at) {
                name = substr(line, 1, split_at - 1)
                description = substr(line, split_at + RLENGTH)
            } else {
                name = line
            }
            next
        }
        section != "" && /^   +[^ ]/ {
            text = $0; sub(/^ +/, "", text)
            if (name == "") next
            description = description (description == "" ? "" : " ") text
            next
        }
        END {
            flush()
            # Printed last by the caller: usage and description, kept in files for it.
            print usage > (ENVIRON["RELAY_MAN_TMP"] "/usage")
            print about > (ENVIRON["RELAY_MAN_TMP"] "/about")
        }'
}

RELAY_MAN_TMP=$(mktemp -d)
export RELAY_MAN_TMP
trap 'rm -rf "$RELAY_MAN_TMP"' EXIT
# CLI11 prints the program as invoked in "Usage:" lines: invoke it by its installed name.
mkdir "$RELAY_MAN_TMP/bin"
ln -s "$binary" "$RELAY_MAN_TMP/bin/relay"
relay=relay
export PATH="$RELAY_MAN_TMP/bin:$PATH"

# `relay WORDS --help`, run once per command (each run loads LibTorch).
help_of() {
    local file="$RELAY_MAN_TMP/help-$(tr ' ' '_' <<<"top $*")"
    [ -f "$file" ] || "$relay" "$@" --help >"$file"
    cat "$file"
}

subcommands_of() { # the subcommand names in a help text on stdin
    awk '/^Subcommands:$/ { inside = 1; next } /^$/ { inside = 0 }
         inside && /^  [^ ]/ { print $1 }'
}

escape() { sed -e 's/\\/\\e/g' -e 's/-/\\-/g'; }

# One command's block: its usage, description and option sections.
command_block() { # $1: level (SH/SS), rest: command words after relay
    local level=$1
    shift
    local help
    help=$(help_of "$@")
    local body
    body=$(printf '%s\n' "$help" | help_to_roff "relay-$*" "$level")
    local usage about
    usage=$(escape <"$RELAY_MAN_TMP/usage")
    about=$(escape <"$RELAY_MAN_TMP/about")
    if [ "$level" = SS ]; then
        printf '.SS "relay %s"\n' "$*"
        printf '%s\n.PP\n\\fBUsage:\\fR %s\n' "$about" "$usage"
        printf '%s\n' "$body" | sed -e 's/^\.SS OPTIONS$/.PP\n\\fIOptions\\fR/' \
            -e 's/^\.SS POSITIONALS$/.PP\n\\fIPositionals\\fR/' \
            -e 's/^\.SS SUBCOMMANDS$/.PP\n\\fISubcommands\\fR/'
    else
        printf '.SH SYNOPSIS\n%s\n.SH DESCRIPTION\n%s\n' "$usage" "$about"
        printf '%s\n' "$body"
    fi
}

page_header() { # $1: page name, $2: one-line summary
    local upper
    upper=$(tr '[:lower:]' '[:upper:]' <<<"$1")
    printf '.TH %s 1 "%s" "relay %s" "RELAY Workbench"\n' "$upper" "$date" "$version"
    printf '.SH NAME\n%s \\- %s\n' "$(escape <<<"$1")" "$(escape <<<"$2")"
}

summary_of() { # the first help line of a command
    help_of "$@" | head -n 1 | sed -e 's/[.]$//'
}

# relay.1
top_subcommands=$(help_of | subcommands_of)
{
    page_header relay "the RELAY Workbench engine: data, training, Stage II, evaluation, runs"
    command_block SH
    cat <<'EOF'
.SH EXIT STATUS
0 on success; 1 when a run failed or was cancelled; 2 for a usage or configuration error (the
message names the key, file or line).
.SH ENVIRONMENT
.TP
\fBRELAY_PRESETS_DIR\fR
a folder searched first for preset files.
.TP
\fBRELAY_KEEP_BLAS_KERNELS\fR
set to 1 to keep OpenBLAS's own kernel choice (relay otherwise picks one from the CPU's
features and re-executes itself once).
.SH FILES
.TP
\fI~/.local/share/relay\-workbench/runs.db\fR
the default run store, with checkpoints in \fIcheckpoints/run\-N/\fR beside it.
.TP
\fI/usr/share/relay\-workbench/presets/\fR
the shipped experiment presets.
EOF
    printf '.SH SEE ALSO\n'
    for sub in $top_subcommands; do printf '.BR relay\\-%s (1),\n' "$sub"; done
    printf '.BR relay\\-workbench (1)\n'
} >"$out/relay.1"

# relay-SUB.1, with the SUB's own subcommands as subsections.
for sub in $top_subcommands; do
    {
        page_header "relay-$sub" "$(summary_of "$sub")"
        command_block SH "$sub"
        nested=$(help_of "$sub" | subcommands_of)
        if [ -n "$nested" ]; then
            printf '.SH COMMANDS\n'
            for leaf in $nested; do command_block SS "$sub" "$leaf"; done
        fi
        printf '.SH SEE ALSO\n.BR relay (1)\n'
    } >"$out/relay-$sub.1"
done

gzip -9nf "$out"/relay*.1
