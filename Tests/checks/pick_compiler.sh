#!/bin/sh
# Prints "COMPILER|PREFIX": the first of the candidate compilers that builds
# a probe program with FLAGS into a binary that runs, and the command prefix
# it needed to run ("" or "setarch <arch> -R": some sanitizers need ASLR off).
# Usage: pick_compiler.sh "FLAGS" PROBE.c CANDIDATE...   (exit 1: none works)
set -u
flags=$1; probe=$2; shift 2
d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || continue
    # shellcheck disable=SC2086
    "$c" $flags -o "$d/p" "$probe" >/dev/null 2>&1 || continue
    if "$d/p" >/dev/null 2>&1; then echo "$c|"; exit 0; fi
    if setarch "$(uname -m)" -R "$d/p" >/dev/null 2>&1; then echo "$c|setarch $(uname -m) -R"; exit 0; fi
done
exit 1
