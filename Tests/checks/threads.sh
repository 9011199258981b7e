#!/bin/sh
# make test-threads: Tests/c/threads_test.c (8 host threads against serial
# results, with the library's own threads off and on) and test_threads_split.c
# (large calls split over 1, 2, 8 threads), then both built with
# -fsanitize=thread where a compiler here supports it.
# Environment: CWARN, CLINK, THREADS_ITERATIONS (1000), TSAN_CC.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cd "$root"
n=${THREADS_ITERATIONS:-1000}
echo "== Threads: Tests/c/threads_test.c =="
./build/threads_test "$n"
echo "-- again with the library's own threads on (LOGITS_NUM_THREADS=2; these inputs stay serial), precision exact"
LOGITS_NUM_THREADS=2 LOGITS_PRECISION=exact ./build/threads_test "$n"
echo "-- Tests/c/test_threads_split.c: large calls split over 1, 2, 8 threads; 8 host threads at once"
./build/test_threads_split
LOGITS_PRECISION=exact ./build/test_threads_split
echo "-- the same built with -fsanitize=thread (the library itself is not instrumented)"
flags="-fsanitize=thread -g -pthread"
candidates=${TSAN_CC:-gcc clang ${CC:-cc}}
# shellcheck disable=SC2086
pick=$(sh "$here/pick_compiler.sh" "$flags" "$here/probe_threads.c" $candidates) || {
    echo "SKIPPED the ThreadSanitizer half: no compiler here (tried: $candidates)" \
         "builds a -fsanitize=thread program that runs, also under setarch -R (no ASLR)."
    echo "(the plain threaded run above passed)"; exit 0; }
cc=${pick%%|*}; run=${pick#*|}
[ -z "$run" ] || echo "(running under '$run': TSan needs ASLR off here)"
for prog in threads_test test_threads_split; do
    echo "$cc $CWARN -O1 $flags -o build/tsan_$prog Tests/c/$prog.c $CLINK"
    # shellcheck disable=SC2086
    "$cc" $CWARN -O1 $flags -o "build/tsan_$prog" "Tests/c/$prog.c" $CLINK
    arg=""; [ "$prog" = threads_test ] && arg=$n
    # shellcheck disable=SC2086
    TSAN_OPTIONS="halt_on_error=1 exitcode=66 suppressions=$root/Tests/c/tsan.supp" \
        $run "./build/tsan_$prog" $arg
done
