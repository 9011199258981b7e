#!/bin/sh
# make install into a temporary prefix; build every bindings/c example with
# `pkg-config --cflags --libs logits` and run it; check the SONAME links and a
# DESTDIR staged install; make uninstall must leave no file behind.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
CC=${CC:-cc}
MAKE=${MAKE:-make}
cd "$root"
version=$(sed -n 's/^#define LOGITS_VERSION_STRING "\(.*\)"/\1/p' include/logits.h)
major=$(sed -n 's/^#define LOGITS_VERSION_MAJOR \([0-9]*\).*/\1/p' include/logits.h)
minor=$(sed -n 's/^#define LOGITS_VERSION_MINOR \([0-9]*\).*/\1/p' include/logits.h)
# The SONAME's version: the major, or major.minor while the major is 0.
[ "$major" = 0 ] && major="$major.$minor"
mkdir -p build/ship
work=$(mktemp -d "$root/build/ship/install.XXXXXX")
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"
passed=0
pass() { passed=$((passed + 1)); echo "ok   $*"; }
fail() { echo "FAIL $*"; exit 1; }

$MAKE --no-print-directory install PREFIX="$prefix" >"$work/install.log" 2>&1 || { cat "$work/install.log"; fail "make install"; }
for f in "lib/liblogits.so.$version" include/logits.h lib/pkgconfig/logits.pc; do
    [ -f "$prefix/$f" ] || fail "make install did not create $f"
done
[ "$(readlink "$prefix/lib/liblogits.so.$major")" = "liblogits.so.$version" ] || fail "liblogits.so.$major link"
[ "$(readlink "$prefix/lib/liblogits.so")" = "liblogits.so.$major" ] || fail "liblogits.so link"
soname=$(objdump -p "$prefix/lib/liblogits.so.$version" | awk '/SONAME/ {print $2}')
[ "$soname" = "liblogits.so.$major" ] || fail "SONAME is '$soname'"
pass "installed lib/liblogits.so.$version (SONAME $soname) + .so.$major + .so, include/logits.h, lib/pkgconfig/logits.pc"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion logits)" = "$version" ] || fail "pkg-config --modversion logits"
[ "$(pkg-config --variable=libdir logits)" = "$prefix/lib" ] || fail "pkg-config libdir"
pass "pkg-config: logits $version, $(pkg-config --cflags --libs logits)"

n=0
for src in bindings/c/*.c; do
    name=$(basename "$src" .c)
    # shellcheck disable=SC2046 # pkg-config output is a list of flags
    "$CC" -std=c99 -Wall -Wextra -Werror -pedantic -O2 -o "$work/$name" "$src" \
        $(pkg-config --cflags --libs logits) -Wl,-rpath,"$(pkg-config --variable=libdir logits)" \
        || fail "compile $src with pkg-config"
    lib=$(ldd "$work/$name" | awk '/liblogits/ {print $3}')
    case "$lib" in "$prefix/lib/"*) ;; *) fail "$name resolves liblogits to '$lib', not the prefix";; esac
    "$work/$name" >"$work/$name.out" || { cat "$work/$name.out"; fail "$name exited with an error"; }
    n=$((n + 1))
done
[ "$n" -gt 0 ] || fail "no bindings/c examples"
grep -q '^softmax(\[1, 2, 3\]) = \[0.0900, 0.2447, 0.6652\]' "$work/demo.out" || { cat "$work/demo.out"; fail "demo output"; }
grep -q '^sigmoid(\[1, 2, 3\]) = \[0.7311, 0.8808, 0.9526\]' "$work/demo.out" || { cat "$work/demo.out"; fail "demo output"; }
pass "$n bindings/c example(s) built with pkg-config, linked against the prefix, ran (demo: $(head -1 "$work/demo.out"))"

$MAKE --no-print-directory uninstall PREFIX="$prefix" >"$work/uninstall.log" 2>&1 || { cat "$work/uninstall.log"; fail "make uninstall"; }
left=$(find "$prefix" ! -type d)
[ -z "$left" ] || fail "make uninstall left: $left"
pass "make uninstall removed every installed file"

stage="$work/stage"
$MAKE --no-print-directory install DESTDIR="$stage" PREFIX=/opt/logits >"$work/stage.log" 2>&1 || { cat "$work/stage.log"; fail "make install DESTDIR"; }
[ -f "$stage/opt/logits/lib/liblogits.so.$version" ] && [ -f "$stage/opt/logits/include/logits.h" ] || fail "DESTDIR layout"
grep -qx 'prefix=/opt/logits' "$stage/opt/logits/lib/pkgconfig/logits.pc" || fail "staged logits.pc prefix"
[ "$(PKG_CONFIG_PATH="$stage/opt/logits/lib/pkgconfig" pkg-config --define-prefix --variable=includedir logits)" \
  = "$stage/opt/logits/include" ] || fail "logits.pc is not relocatable with --define-prefix"
$MAKE --no-print-directory uninstall DESTDIR="$stage" PREFIX=/opt/logits >/dev/null 2>&1 || fail "make uninstall DESTDIR"
left=$(find "$stage" ! -type d)
[ -z "$left" ] || fail "make uninstall DESTDIR left: $left"
pass "DESTDIR=... PREFIX=/opt/logits stages under DESTDIR, logits.pc names /opt/logits and relocates"

echo "make install: $passed passed, 0 failed"
