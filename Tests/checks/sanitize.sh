#!/bin/sh
# make test-sanitize: every C test suite (Tests/c/test_*.c) built with ASan +
# UBSan (and LeakSanitizer where this machine allows it) and run.
# Environment: CWARN, CLINK (from the Makefile), SAN_CC (a compiler to use).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
flags="-fsanitize=address,undefined -fno-sanitize-recover=all -g"
candidates=${SAN_CC:-gcc clang ${CC:-cc}}
# shellcheck disable=SC2086
pick=$(sh "$here/pick_compiler.sh" "$flags" "$here/probe_main.c" $candidates) || {
    echo "error: no compiler here builds and runs -fsanitize=address,undefined programs (tried: $candidates)"; exit 1; }
cc=${pick%%|*}; run=${pick#*|}
# LeakSanitizer needs ptrace-like access that some sandboxes deny.
d=$(mktemp -d); trap 'rm -rf "$d"' EXIT
"$cc" -fsanitize=address -g -o "$d/leak" "$here/probe_leak.c" >/dev/null 2>&1 || true
if ASAN_OPTIONS=detect_leaks=1 $run "$d/leak" 2>&1 | grep -q 'LeakSanitizer: detected memory leaks'; then
    leaks=1; echo "LeakSanitizer works here: detect_leaks=1"
else
    leaks=0; echo "note: LeakSanitizer does not work here: detect_leaks=0 (leaks are still checked by test-valgrind)"
fi
for src in Tests/c/test_*.c; do
    t=build/san_$(basename "$src" .c)
    echo "$cc $CWARN -O1 $flags -o $t $src $CLINK"
    # shellcheck disable=SC2086
    "$cc" $CWARN -O1 $flags -o "$t" "$src" $CLINK > "$t.log" 2>&1 || { cat "$t.log"; exit 1; }
    grep -v "Cannot export local symbol '__asan" "$t.log" >&2 || true
    echo "-- $t"
    ASAN_OPTIONS=detect_leaks=$leaks:abort_on_error=0:halt_on_error=1 \
    UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 $run "./$t"
done
