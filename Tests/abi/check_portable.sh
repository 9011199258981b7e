#!/bin/sh
# liblogits.so must load from C and from Python on a machine without the Swift
# toolchain. We hide the toolchain (the directory holding `swift`) behind an
# empty tmpfs in a private mount namespace and run the C demo and a Python
# import there. Where mount namespaces are not allowed, fall back to checking
# with ldd that nothing resolves into the toolchain, and say so.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-python3}
swift_bin=$(command -v swift)
toolchain=$(cd "$(dirname "$(readlink -f "$swift_bin")")/../.." && pwd)  # e.g. /opt/swift
py=$(command -v "$PYTHON")
run="cd '$root' && ! command -v swift >/dev/null 2>&1 && ./build/demo >/dev/null \
  && PYTHONPATH=bindings/python '$py' -c 'import logits, numpy as np; p = logits.softmax(np.array([1.0, 2.0, 3.0])); assert abs(p.sum() - 1) < 1e-12; print(\"python import ok without the toolchain:\", np.round(p, 4))'"
case "$py" in "$toolchain"/*) echo "python3 lives inside the Swift toolchain; cannot hide it"; exit 1;; esac
if unshare -m sh -c "mount -t tmpfs none '$toolchain' && PATH=/usr/bin:/bin:$(dirname "$py") && $run" 2>/dev/null; then
    echo "C demo and Python import ran with $toolchain hidden: 2 passed, 0 failed"
else
    if unshare -m true 2>/dev/null; then echo "FAIL: could not run with $toolchain hidden"; exit 1; fi
    echo "note: mount namespaces are not available here; checking with ldd instead"
    if ldd "$root/build/lib/liblogits.so" | grep -q "$toolchain"; then
        echo "FAIL: liblogits.so resolves libraries inside $toolchain"; ldd "$root/build/lib/liblogits.so"; exit 1
    fi
    echo "ldd: liblogits.so needs nothing from $toolchain: 1 passed, 0 failed"
fi
