#!/bin/sh
# make fuzz-build: builds the library the fuzz targets link (instrumented with
# swiftc -sanitize=fuzzer,address in .build-fuzz, so coverage and ASan reach
# the Swift code; the plain build/lib library when that fails or
# FUZZ_LIB=plain), then each libFuzzer target of Tests/fuzz/ into build/fuzz.
# Environment: SWIFT, FUZZ_CC, FUZZ_CFLAGS, FUZZ_LIB, FUZZ_TARGETS, MAKE.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dir=build/fuzz scratch=.build-fuzz
mkdir -p "$dir"
[ -n "${FUZZ_CC:-}" ] || { echo "error: no clang found for libFuzzer (install the Swift toolchain's clang or apt-get install clang libclang-rt-dev)"; exit 1; }
libdir=""
if [ "${FUZZ_LIB:-instrumented}" = instrumented ]; then
    echo "building the instrumented library ($scratch, swiftc -sanitize=fuzzer,address)" >&2
    if "${SWIFT:-swift}" build -c release --product logits --scratch-path "$scratch" \
           -Xswiftc -sanitize=fuzzer,address \
           -Xlinker --version-script="$root/abi/logits.map" > "$dir/swift-build.log" 2>&1; then
        libdir=$root/$scratch/release
    else
        echo "WARNING: the instrumented Swift build failed (see $dir/swift-build.log):" \
             "falling back to the plain library (no coverage or ASan inside the Swift code)" >&2
    fi
fi
if [ -z "$libdir" ]; then
    "${MAKE:-make}" --no-print-directory lib >&2
    libdir=$root/build/lib
fi
echo "$libdir" > "$dir/libdir"
for t in ${FUZZ_TARGETS:-activations losses half}; do
    echo "$FUZZ_CC $FUZZ_CFLAGS -o $dir/fuzz_$t Tests/fuzz/fuzz_$t.c -L$libdir -llogits"
    # shellcheck disable=SC2086
    if ! $FUZZ_CC $FUZZ_CFLAGS -o "$dir/fuzz_$t" "Tests/fuzz/fuzz_$t.c" \
           -L"$libdir" -llogits -lm -Wl,-rpath,"$libdir" > "$dir/cc.log" 2>&1; then
        grep -v "Cannot export local symbol" "$dir/cc.log" >&2 || true
        echo "error: building the fuzz target failed; $FUZZ_CC needs the libFuzzer runtime" \
             "(Swift toolchain clang, or apt-get install clang libclang-rt-dev)"; exit 1
    fi
    grep -v "Cannot export local symbol" "$dir/cc.log" >&2 || true
done
