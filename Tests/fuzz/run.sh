#!/bin/sh
# make fuzz: runs each fuzz target (built by build.sh) for FUZZ_SECONDS on a
# fresh working corpus seeded from the committed one, one after the other
# (FUZZ_PARALLEL=1: at the same time); prints executions per target and in
# total, and fails on any finding (the input is kept in build/fuzz/artifacts/).
# Environment: FUZZ_TARGETS, FUZZ_SECONDS (300), FUZZ_RUNS (a number of
# executions per target instead of a time), FUZZ_PARALLEL, FUZZ_ARGS.
set -u
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dir=build/fuzz
targets=${FUZZ_TARGETS:-activations losses half}
seconds=${FUZZ_SECONDS:-300}
if [ -n "${FUZZ_RUNS:-}" ]; then
    budget="-runs=$FUZZ_RUNS"; what="$FUZZ_RUNS executions"
else
    budget="-max_total_time=$seconds"; what="$seconds s"
fi
echo "== fuzz: $targets, $what each (library: $(cat $dir/libdir)) =="
mkdir -p "$dir/artifacts"
. "$root/Tests/fuzz/env.sh"
run() {
    t=$1
    rm -rf "$dir/work_$t"; mkdir -p "$dir/work_$t"
    # shellcheck disable=SC2086
    nice "$dir/fuzz_$t" "$budget" -timeout=20 -rss_limit_mb=3072 \
        -print_final_stats=1 -artifact_prefix="$dir/artifacts/$t-" ${FUZZ_ARGS:-} \
        "$dir/work_$t" "Tests/fuzz/corpus/$t" > "$dir/fuzz_$t.log" 2>&1
    echo $? > "$dir/fuzz_$t.rc"
}
for t in $targets; do
    if [ "${FUZZ_PARALLEL:-0}" = 1 ]; then run "$t" & else run "$t"; fi
done
wait
total=0; status=0
for t in $targets; do
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$dir/fuzz_$t.log" | tail -1)
    rc=$(cat "$dir/fuzz_$t.rc"); total=$((total + ${n:-0}))
    echo "fuzz_$t: ${n:-?} executions, exit $rc (log: $dir/fuzz_$t.log)"
    if [ "$rc" != 0 ]; then
        status=1
        grep -E -A3 "FUZZ FINDING|ERROR: (AddressSanitizer|libFuzzer|UndefinedBehavior)|runtime error" \
            "$dir/fuzz_$t.log" | head -40
    fi
done
echo "fuzz: $total executions in total"
if [ $status != 0 ]; then echo "fuzz: FINDINGS (inputs in $dir/artifacts/)"; exit 1; fi
echo "fuzz: no findings"
