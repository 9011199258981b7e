#!/bin/sh
# make test-cpu-levels: the C test programs with each kernel copy forced by
# LOGITS_CPU (natively), then under qemu-user emulating a Nehalem (SSE4.2, no
# AVX), where the library must pick its baseline kernels and pass. Not on
# x86-64: skipped. Environment: CC, CWARN, CLINK, QEMU (qemu-x86_64), and the
# test programs as arguments.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
QEMU=${QEMU:-qemu-x86_64}
echo "== CPU levels: each kernel copy, and an emulated Nehalem =="
if [ "$(uname -m)" != x86_64 ]; then echo "not x86-64: one kernel copy only; skipped"; exit 0; fi
for level in baseline x86-64-v3 x86-64-v4; do
    for precision in fast exact; do
        for t in "$@"; do
            rc=0; out=$(LOGITS_CPU=$level LOGITS_PRECISION=$precision "./$t" 2>&1) || rc=$?
            echo "$t LOGITS_CPU=$level LOGITS_PRECISION=$precision: $(echo "$out" | tail -1)"
            [ $rc -eq 0 ] || { echo "$out"; exit 1; }
        done
    done
done
command -v "$QEMU" >/dev/null 2>&1 || { echo "error: $QEMU not found: run make deps (or apt-get install qemu-user)"; exit 1; }
printf '#include <stdio.h>\n#include "logits.h"\nint main(void){puts(logits_cpu_kernels());return 0;}\n' \
    > build/cpu_kernels.c
# shellcheck disable=SC2086
"${CC:-cc}" $CWARN -o build/cpu_kernels build/cpu_kernels.c $CLINK
got=$("$QEMU" -cpu Nehalem ./build/cpu_kernels 2>/dev/null)
echo "qemu -cpu Nehalem: logits_cpu_kernels() = $got"
[ "$got" = baseline ] || { echo "expected baseline under Nehalem"; exit 1; }
# The 16-bit conversions' portable code on a CPU without F16C or AVX (the
# quick cases of test_half: every pattern, special values, refusals).
rc=0; out=$(LOGITS_TEST_QUICK=1 "$QEMU" -cpu Nehalem ./build/test_half 2>/dev/null) || rc=$?
echo "build/test_half (quick) under qemu -cpu Nehalem: $(echo "$out" | tail -1)"
[ $rc -eq 0 ] || { echo "$out"; exit 1; }
for precision in fast exact; do
    for t in build/test_losses build/test_threads_split build/test_guard_pages; do
        rc=0; out=$(LOGITS_PRECISION=$precision "$QEMU" -cpu Nehalem "./$t" 2>/dev/null) || rc=$?
        echo "$t under qemu -cpu Nehalem, LOGITS_PRECISION=$precision: $(echo "$out" | tail -1)"
        [ $rc -eq 0 ] || { echo "$out"; exit 1; }
    done
done
