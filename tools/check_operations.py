#!/usr/bin/env python3
"""Checks that the operation list (abi/operations.h) agrees with the ABI
freeze list (abi/exports.txt), the header's prototypes (include/logits.h),
and the Python binding (every operation symbol called exactly once, status
codes named as in the header). Part of `make test` (test-abi)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bindings" / "python" / "logits"))
import _operations as ops  # noqa: E402 (the module alone: no library needed)

# The parameter types of each kind (T: the element type, W: its work type), as
# the header writes them.
SIGNATURES = {
    "ROW_FWD": "const T *, T *, size_t, size_t",
    "ROW_LSE": "const T *, T *, size_t, size_t",
    "ROW_BWD": "const T *, const T *, T *, size_t, size_t",
    "AXIS_FWD": "const T *, T *, size_t, size_t, size_t, W, logits_precision",
    "AXIS_LSE": "const T *, T *, size_t, size_t, size_t, W, logits_precision",
    "AXIS_BWD": "const T *, const T *, T *, size_t, size_t, size_t, W, logits_precision",
    "EW": "const T *, T *, size_t",
    "EW_BWD": "const T *, const T *, T *, size_t",
    "EW_EX": "const T *, T *, size_t, logits_precision",
    "EW_BWD_EX": "const T *, const T *, T *, size_t, logits_precision",
    "CE_LABELS": "const T *, const int64_t *, const W *, W *, T *, size_t, size_t, size_t, "
                 "const logits_ce_options *",
    "CE_SOFT": "const T *, const T *, const W *, W *, T *, size_t, size_t, size_t, "
               "const logits_ce_options *",
    "BCE": "const T *, const T *, const W *, const W *, W *, T *, size_t, size_t, "
           "const logits_bce_options *",
    "SAMPLE": "const T *, int64_t *, W *, W *, size_t, size_t, const logits_sampler_options *",
    "SAMPLE_U": "const T *, const double *, int64_t *, W *, W *, size_t, size_t, "
                "const logits_sampler_options *",
    "TOP_K": "const T *, T *, int64_t *, size_t, size_t, size_t",
    "ARGMAX": "const T *, int64_t *, size_t, size_t",
}

# Kinds without an accuracy line: top-k and argmax copy values (exact), and
# the sampler's probabilities are checked against a float64 sorting
# reference by Tests/python/test_sampling.py (1e-6) and do not depend on the
# precision setting.
UNBOUNDED_KINDS = {"SAMPLE", "SAMPLE_U", "TOP_K", "ARGMAX"}

failures: list[str] = []


def fail(message: str) -> None:
    failures.append(message)


def prototypes(header: str) -> dict[str, str]:
    """Function name -> normalised parameter types, for every declaration."""
    text = re.sub(r"/\*.*?\*/", " ", header, flags=re.S)
    found = {}
    for m in re.finditer(r"^[a-z][\w ]*?\**\s*\b(logits_\w+)\s*\(([^;{]*?)\)\s*;", text, re.M):
        params = []
        for p in m.group(2).split(","):
            tokens = p.replace("*", " * ").split()
            if tokens == ["void"]:
                continue
            if len(tokens) > 1 and tokens[-1] != "*":
                tokens = tokens[:-1]  # the parameter's name
            params.append(" ".join(tokens).replace("* ", "*").replace(" *", " *"))
        found[m.group(1)] = ", ".join(params)
    return found


def main() -> int:
    listed = ops.symbols()
    exports = [s for s in (ROOT / "abi" / "exports.txt").read_text().split() if s]
    if len(set(listed)) != len(listed):
        fail("abi/operations.h lists a symbol twice")
    for s in sorted(set(listed) - set(exports)):
        fail(f"{s}: in abi/operations.h but not in abi/exports.txt")
    for s in sorted(set(exports) - set(listed)):
        fail(f"{s}: in abi/exports.txt but not in abi/operations.h")

    header = (ROOT / "include" / "logits.h").read_text()
    protos = prototypes(header)
    for s in sorted(set(exports) - set(protos)):
        fail(f"{s}: exported but not declared in include/logits.h")
    for s in sorted(set(protos) - set(exports)):
        fail(f"{s}: declared in include/logits.h but not in abi/exports.txt")
    for op in ops.OPS:
        if op.kind not in SIGNATURES:
            fail(f"{op.name}: unknown kind {op.kind}")
            continue
        for t in ops.TYPES:
            if not op.has(t):
                continue
            sym = f"logits_{op.name}_{t.suffix}"
            want = SIGNATURES[op.kind].replace("T", t.ctype).replace("W", t.work)
            got = protos.get(sym)
            if got is not None and got != want:
                fail(f"{sym}: the header declares ({got}); kind {op.kind} means ({want})")
            contracts = [c for c in ops.contracts_of(op.function) if (c, t.numpy) in ops.CONTRACTS]
            if not contracts and op.kind not in UNBOUNDED_KINDS:
                fail(f"{sym}: no LOGITS_BOUND for {op.function} in {t.suffix}")

    # Each operation's bound is stated beside its declaration: the comment
    # just before its prototypes has a "Bound" sentence with the list's number.
    for op in ops.OPS:
        for t in ops.TYPES:
            if not op.has(t):
                continue
            sym = f"logits_{op.name}_{t.suffix}"
            at = re.search(rf"\b{sym}\s*\(", header)
            if at is None:
                continue
            start = header.rfind("/*", 0, at.start())
            comment = header[start:header.find("*/", start)]
            bound_text = comment[comment.find("Bound"):] if "Bound" in comment else ""
            numbers = {float(n) for n in re.findall(r"\d+(?:\.\d+)?(?:e-?\d+)?", bound_text)}
            for c in ops.contracts_of(op.function):
                b = ops.CONTRACTS.get((c, t.numpy))
                if b is not None and b.bound not in numbers:
                    fail(f"{sym}: its comment in include/logits.h does not state the bound "
                         f"{b.bound:g} ({b.metric}, {c}) of abi/operations.h")
                fb = ops.FAST_CONTRACTS.get(c)
                if t.numpy == "float32" and (fb is None or fb.bound not in numbers):
                    fail(f"{sym}: its comment in include/logits.h does not state the fast bound "
                         f"of {c} (LOGITS_FAST_BOUND in abi/operations.h)")

    binding = ROOT / "bindings" / "python" / "logits"
    sources = {p.name: p.read_text() for p in binding.glob("*.py") if p.name != "_operations.py"}
    for op in ops.OPS:
        for t in ops.TYPES:
            if not op.has(t):
                continue
            sym = f"logits_{op.name}_{t.suffix}"
            uses = [name for name, text in sources.items()
                    for _ in re.finditer(rf'"{sym}"', text)]
            if len(uses) != 1:
                fail(f"{sym}: written {len(uses)} times in the Python binding "
                     f"({', '.join(uses) or 'nowhere'}); it must be written once")
    macros = dict(re.findall(r"^#define LOGITS_((?:OK|ERROR_\w+))\s+(\d+)", header, re.M))
    enum = dict(re.findall(r"^    ((?:OK|ERROR_\w+)) = (\d+)$", sources["_library.py"], re.M))
    if macros != enum:
        fail(f"Python Status {enum} differs from the header's status codes {macros}")

    for f in failures:
        print("check_operations: " + f, file=sys.stderr)
    n = len(ops.OPS)
    print(f"check_operations: {n} operations over {len(ops.TYPES)} types + {len(ops.SUPPORT)} "
          f"support functions = {len(listed)} exports; header, exports.txt and the Python "
          f"binding agree" if not failures else f"check_operations: {len(failures)} problems")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
