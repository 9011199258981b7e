#!/bin/sh
# ABI checks for liblogits.so: exports == committed list == header, SONAME,
# no dependency on the Swift toolchain's shared libraries.
# Usage: check_abi.sh path/to/liblogits.so.X.Y.Z ABI_VERSION (the major, or 0.MINOR while the major is 0)
set -eu
lib=$1
major=$2
root=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
pass=0
check() { # name, then a command that must succeed
    name=$1; shift
    if "$@"; then pass=$((pass + 1)); echo "ok   $name"; else fail=$((fail + 1)); echo "FAIL $name"; fi
}

# 1. Global symbols the library exports (functions and data).
nm -D --defined-only "$lib" | awk '$2 ~ /^[A-Z]$/ {print $3}' | sort > "$tmp/exported"
check "exports match abi/exports.txt" diff -u "$root/abi/exports.txt" "$tmp/exported"

# 2. Functions the header declares (declaration lines, not comments).
grep -v '^ *\*' "$root/include/logits.h" | grep -v '^ */\*' \
    | grep -o 'logits_[a-z0-9_]*(' | tr -d '(' | sort -u > "$tmp/declared"
check "header declarations match abi/exports.txt" diff -u "$root/abi/exports.txt" "$tmp/declared"

# 3. Every export starts with logits_.
check "every export is prefixed logits_" sh -c "! grep -v '^logits_' '$tmp/exported'"

# 4. SONAME carries the ABI version.
soname=$(readelf -d "$lib" | sed -n 's/.*Library soname: \[\(.*\)\].*/\1/p')
check "SONAME is liblogits.so.$major (got '$soname')" test "$soname" = "liblogits.so.$major"

# 5. Needs no Swift runtime library at load time.
check "no libswift* in NEEDED" sh -c "! readelf -d '$lib' | grep -i 'NEEDED.*swift'"

# 6. Signatures: LogitsC implements each header declaration with
#    `@c @implementation`, so the Swift compiler rejects any export whose type
#    differs from include/logits.h. Confirm every export uses it.
n_impl=$(grep -h -A1 '^@c @implementation' "$root"/Sources/LogitsC/*.swift | grep -c 'public func logits_')
n_exp=$(wc -l < "$root/abi/exports.txt")
check "all $n_exp exports are @c @implementation (found $n_impl)" test "$n_impl" -eq "$n_exp"

echo "$pass passed, $fail failed"
test "$fail" -eq 0
