#!/bin/sh
# make test-valgrind: the C test programs under valgrind memcheck: no error,
# no definite leak, and each program runs to its summary line.
#
# Valgrind simulates x87 long double with 64-bit doubles, so some long-double
# references of test_logits would be wrong under it (infinities read back as
# LDBL_MAX, DBL_MAX / 0.5 overflows): with LOGITS_TEST_VALGRIND set it leaves
# those cases out (and says so). Every program must pass its own checks.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
TESTS="build/test_losses build/test_logits build/test_bad_input build/test_threads_split build/test_guard_pages"
command -v valgrind >/dev/null 2>&1 || { echo "error: valgrind not found: run make deps (or apt-get install valgrind)"; exit 1; }
status=0
for t in $TESTS; do
    log=$t.valgrind.log; out=$t.valgrind.out; s=$(date +%s)
    LOGITS_TEST_QUICK=1 LOGITS_TEST_VALGRIND=1 valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
        --suppressions=Tests/c/valgrind.supp --log-file="$log" "./$t" > "$out" 2>&1; rc=$?
    errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9,]*\) errors.*/\1/p' "$log" | tail -1)
    definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$log" | tail -1)
    summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
    echo "-- $t: ${summary:-no summary line} ($(( $(date +%s) - s )) s under valgrind);" \
         "valgrind: ${errors:-?} errors, ${definite:-0} bytes definitely lost (log: $log)"
    if [ "$errors" != 0 ] || [ "${definite:-0}" != 0 ] || [ -z "$summary" ]; then
        echo "FAIL: $t under valgrind"; grep -E '^==[0-9]+== ' "$log" | head -60; status=1
    elif [ $rc != 0 ]; then
        echo "FAIL: $t fails its own checks under valgrind:"; grep FAIL "$out" | head -20; status=1
    fi
done
exit $status
