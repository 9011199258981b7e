#!/bin/sh
# make test-fuzz-replay: replays the committed corpus (Tests/fuzz/corpus/)
# through every fuzz target once, each file one call; fails on any finding.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
dir=build/fuzz
. "$root/Tests/fuzz/env.sh"
echo "== Fuzz corpus replay (Tests/fuzz/corpus) =="
for t in ${FUZZ_TARGETS:-activations losses half}; do
    n=$(ls "Tests/fuzz/corpus/$t" | wc -l)
    "$dir/fuzz_$t" -runs=0 -timeout=20 "Tests/fuzz/corpus/$t" > "$dir/replay_$t.log" 2>&1 || {
        tail -40 "$dir/replay_$t.log"; echo "FAIL: fuzz_$t on its corpus"; exit 1; }
    echo "fuzz_$t: $n corpus inputs replayed, no findings"
done
