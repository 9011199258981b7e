#!/usr/bin/env python3
"""make accuracy: measures every Logits function against high-precision
references over stated input domains, next to numpy/SciPy measured the same
way, and writes ACCURACY.md.

Run from the repository root (the Makefile sets PYTHONPATH):
    PYTHONPATH=bindings/python:tools python3 tools/accuracy.py --out ACCURACY.md
Options: --quick (small samples, for a smoke run), --seed N, --update-list
(write this run's maxima into the `measured` fields of abi/operations.h).
float32, float16 and bfloat16 are measured in both precisions (fast, the
default, and exact); float64, which has one, in the exact run. bfloat16
needs ml_dtypes (a dev requirement); without it its rows are left out.
The method, metrics and references are described in tools/accuracy_contract.py
and in the header this script writes.
"""

from __future__ import annotations

import argparse
import datetime
import math
import platform
import subprocess
import sys
import time

import numpy as np

from logits import _operations as ab  # the bounds: abi/operations.h
import accuracy_contract as ac
import logits as lg

F32, F64, F16, BF16 = ac.F32, ac.F64, ac.F16, ac.BF16
HALF = ac.HALF  # float16, and bfloat16 when ml_dtypes is installed


def _sizes(f32, f64, half):
    """Per-dtype sample sizes: the 16-bit formats share one."""
    return {F32: f32, F64: f64, **{h: half for h in HALF}}


FULL = {
    # (16-bit elementwise: also every finite value of the format)
    "elem_n": _sizes(2_000_000, 100_000, 500_000),
    "ebwd_n": _sizes(2_000_000, 20_000, 2_000_000),
    "rows": _sizes(300, 60, 300),        # rows per length per domain (lengths: ROW_LENGTHS)
    "long": [10 ** 5, 10 ** 6, 10 ** 7],
    "bwd_rows": _sizes(200, 20, 200),    # per length (8, 100, 1000)
    "loss_n": _sizes(20_000, 1_000, 20_000),  # samples per class count (10, 1000)
}
QUICK = {
    "elem_n": _sizes(20_000, 300, 20_000),
    "ebwd_n": _sizes(20_000, 200, 20_000),
    "rows": _sizes(4, 1, 4),
    "long": [10 ** 5],
    "bwd_rows": _sizes(4, 1, 4),
    "loss_n": _sizes(100, 5, 100),
}

ELEM_DOMAINS = ["elem-normal", "wide", "huge", "subnormal"]
AXIS_DOMAINS = ["normal", "wide", "huge", "subnormal", "T=0.37"]
FUNCTIONS = (ac.AXIS + ac.ELEMENTWISE + ac.AXIS_BWD + ac.ELEM_BWD
             + ["cross_entropy_logits", "cross_entropy_probs", "binary_cross_entropy"])

METRIC_TEXT = {
    "ulp": "ulp",
    "ulp_z": "ulp / (1 + \\|z\\|)",
    "ulp_lse": "ulp of max(\\|lse\\|, \\|max/T\\|)",
    "ulp_sc": "ulp of the term scale",
    "rel": "relative (absolute below the smallest normal)",
    "rel_shift": "relative to max(\\|loss\\|, \\|max x/T\\|)",
}


PRECISIONS = ("fast", "exact")
# (dtype, precision) of the report's rows, per function: float64 has one
# precision (measured in the exact run), the others both.
COLUMNS = [("float32", "fast"), ("float32", "exact"), ("float64", "exact")] + [
    (h.name, p) for h in HALF for p in PRECISIONS]


def run(sizes, seed, log, precision):
    """Measures every function in `precision` (float32, float16, bfloat16;
    float64 only in the exact run), with calls that use the process default
    set to it. The 16-bit formats draw from a generator of their own, so
    float32's and float64's inputs do not depend on whether they are measured."""
    res = ac.Results(ab.bounds(precision))
    groups = [("", [F32] if precision == "fast" else [F32, F64])] + ([(", 16-bit", HALF)] if HALF else [])
    lg.set_precision(precision)
    timings = {}
    for label, dts in groups:
        rng = np.random.default_rng(seed)
        steps = [
            ("elementwise", lambda: ac.measure_elementwise(res, lg, dts, ELEM_DOMAINS, sizes["elem_n"], rng)),
            ("elementwise gradients",
             lambda: ac.measure_elem_backward(res, lg, dts, ["elem-normal", "wide"], sizes["ebwd_n"], rng)),
            ("softmax family", lambda: ac.measure_axis(res, lg, dts, AXIS_DOMAINS, sizes["rows"], rng)),
            ("long rows", lambda: ac.measure_long_rows(res, lg, dts, sizes["long"], rng)),
            ("softmax-family gradients",
             lambda: ac.measure_axis_backward(res, lg, dts, ["normal", "wide"], sizes["bwd_rows"], rng)),
            ("losses", lambda: ac.measure_losses(res, lg, dts, ["normal", "wide"], sizes["loss_n"], rng)),
        ]
        for name, fn in steps:
            t = time.time()
            fn()
            timings[f"{name} ({precision}{label})"] = time.time() - t
            log(f"  {name} ({precision}{label}): {time.time() - t:.1f} s")
    lg.set_precision(None)
    return res, timings


def fmt(v, metric):
    if v == 0:
        return "0"
    if v == float("inf"):
        return "inf"
    if metric == "rel":
        return f"{v:.2e}"
    if v >= 1e4:
        return f"{v:.2e}"
    return f"{v:.3g}"


def git_info():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "Sources", "include"],
                               capture_output=True, text=True).stdout.strip()
        return rev + (" (+ uncommitted changes in Sources/include)" if dirty else "")
    except Exception:
        return "unknown"


def worst(results):
    """(contract, dtype, precision) -> Logits' largest error over the domains."""
    out = {}
    for precision, res in results.items():
        for (fn, dt, _dom, impl), st in res.cells.items():
            if impl == "logits":
                key = (fn, dt, precision)
                out[key] = max(out.get(key, 0.0), st.worst)
    return out


def update_list(results, path):
    """Writes the maxima of this run into the `measured` fields of the list:
    float32 and float64 from the exact run (float32's fast maxima go to the
    LOGITS_FAST_BOUND lines), float16 and bfloat16, whose one bound holds in
    both precisions, the larger of the two runs'."""
    w = worst(results)
    text = open(path).read()

    def measured(v):
        # 3 significant digits, rounded up (a maximum is never understated:
        # 0.50012 is written 0.501, not 0.5).
        if v == 0:
            return "0"
        text = f"{v:.3g}"
        return text if float(text) >= v else f"{float(text) + 10 ** (math.floor(math.log10(abs(v))) - 2):.3g}"

    def bound_line(m):
        c, suffix, metric, bound = m.group(1), m.group(2), m.group(3), m.group(4)
        t = {t.suffix: t for t in ab.TYPES}[suffix]
        runs = ("exact", "fast") if t.storage else ("exact",)
        found = [w[(c, t.numpy, p)] for p in runs if (c, t.numpy, p) in w]
        v = max(found) if found else None
        return m.group(0) if v is None else f"LOGITS_BOUND({c}, {suffix}, {metric}, {bound}, {measured(v)})"

    def fast_line(m):
        c, metric, bound = m.group(1), m.group(2), m.group(3)
        v = w.get((c, "float32", "fast"))
        return m.group(0) if v is None else f"LOGITS_FAST_BOUND({c}, {metric}, {bound}, {measured(v)})"

    import re
    text = re.sub(r"^LOGITS_BOUND\((\w+), (\w+), (\w+), ([^,]+), [^)]+\)", bound_line, text, flags=re.M)
    text = re.sub(r"^LOGITS_FAST_BOUND\((\w+), (\w+), ([^,]+), [^)]+\)", fast_line, text, flags=re.M)
    open(path, "w").write(text)


def write_report(results, timings, sizes, seed, path, quick):
    import mpmath
    import scipy
    rows_summary, detail = [], []
    violations = []
    for fn in FUNCTIONS:
        for dt, precision in COLUMNS:
            res = results[precision]
            shown = "(one)" if dt == "float64" else precision
            metric, bound = res.bounds[(fn, dt)]
            cells = {k: v for k, v in res.cells.items() if k[0] == fn and k[1] == dt}
            domains = sorted({k[2] for k in cells}, key=lambda d: (d == "special", d))
            lw = max([v.worst for k, v in cells.items() if k[3] == "logits"] or [0])
            nw = max([v.worst for k, v in cells.items() if k[3] == "numpy"] or [0])
            lsb = sum(v.special_bad for k, v in cells.items() if k[3] == "logits")
            lst = sum(v.special_total for k, v in cells.items() if k[3] == "logits")
            nsb = sum(v.special_bad for k, v in cells.items() if k[3] == "numpy")
            ok = lw <= bound and lsb == 0
            if not ok:
                violations.append((fn, f"{dt} {precision}", lw, bound, lsb))
            rows_summary.append(
                f"| {fn} | {dt} | {shown} | {METRIC_TEXT[metric]} | {fmt(bound, metric)} | **{fmt(lw, metric)}**"
                f"{'' if ok else ' (OVER)'} | {fmt(nw, metric)} | {lst - lsb}/{lst} | "
                f"{(lst - nsb) if lst else 0}/{lst} |")
            for d in domains:
                L = cells.get((fn, dt, d, "logits"))
                N = cells.get((fn, dt, d, "numpy"))
                if L is None:
                    continue
                if d == "special":
                    peer = (f"{N.special_total - N.special_bad}/{N.special_total}" if N else "-/-")
                    detail.append(f"| {fn} | {dt} | {shown} | special | {L.special_total} | exact: "
                                  f"{L.special_total - L.special_bad}/{L.special_total} | | exact: "
                                  f"{peer} | |")
                    continue
                extra = "" if not L.special_total else f" ({L.special_total - L.special_bad}/{L.special_total} exact)"
                detail.append(
                    f"| {fn} | {dt} | {shown} | {d} | {L.n} | {fmt(L.worst, metric)}{extra} | "
                    f"{fmt(L.max_ulp, metric)} | "
                    f"{fmt(N.worst, metric) if N else '-'} | {fmt(N.max_ulp, metric) if N else '-'} |")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    total = sum(timings.values())
    lines = []
    w = lines.append
    w("# Accuracy of Logits")
    w("")
    w("Generated by `make accuracy` (tools/accuracy.py); do not edit by hand. The bounds "
      "are the LOGITS_BOUND lines of `abi/operations.h` (and LOGITS_FAST_BOUND for float32 in "
      "the fast precision), asserted on a quick sample by "
      "`Tests/python/test_accuracy_contract.py` inside `make test` in both precisions; this "
      "run's maxima are written back into the list's `measured` fields.")
    w("")
    w("float32 has two precisions (include/logits.h, \"Precision\"): **fast**, the default, "
      "computes the exponentials in float32 lanes, carrying the rounding of each argument "
      "x − max (so its error does not grow with |z| = |x − max|/T as the float32-lane peers' "
      "does; the fast softmax bound is still stated per (1 + |z|)), and keeps long sums, "
      "log S and the log outputs in double; **exact** computes in double "
      "lanes and rounds each result once. float64 has one precision (column *precision* "
      "\"(one)\"). The fast rows are measured with the same inputs as the exact ones.")
    w("")
    w("float16 and bfloat16 (`ml_dtypes.bfloat16`) are storage formats: the library widens the "
      "inputs to float32, runs the float32 kernels of the precision chosen and rounds each result "
      "once to the format; the losses return float32 values (the gradient in the input's format). "
      "They are measured in both precisions, against one bound per function that holds in both "
      "(the f16 and bf16 LOGITS_BOUND lines: 0.51 ulp of the format, the losses 10⁻⁶ relative).")
    w("")
    w(f"- Library: `liblogits.so` {lg.version()}, commit {git_info()}, CPU kernels "
      f"`{lg.cpu_kernels()}` (LOGITS_CPU=baseline or x86-64-v3 measures the other copies), "
      f"measured {now}{' (QUICK run: small samples)' if quick else ''}.")
    mld = f", ml_dtypes {ac.ml_dtypes.__version__} (bfloat16)" if BF16 is not None else \
        " (ml_dtypes missing: no bfloat16 rows)"
    w(f"- Peers: numpy {np.__version__}, SciPy {scipy.__version__}{mld}; references: mpmath {mpmath.__version__} "
      f"at 128 bits; Python {platform.python_version()} on {platform.machine()}.")
    w(f"- Seed {seed}; the run took {total:.0f} s.")
    w("")
    w("## Method")
    w("")
    w("Every function is called through the Python binding (`bindings/python/logits`, the C "
      "library underneath) on float32, float64, float16 and bfloat16 inputs, and every output is "
      "compared with the exact result for the *same* (already rounded) inputs. numpy/SciPy get the "
      "same inputs in the same dtype and are measured the same way; for float16 and bfloat16, which "
      "most of their functions have no kernels for, they compute in float32 on the widened input and "
      "the result is rounded to the format (the losses stay float32).")
    w("")
    w("**ulp.** For an exact result r, ulp(r) = 2^(e − p + 1) where 2^e ≤ |r| < 2^(e+1) and p is "
      "the precision (24 for float32, 53 for float64, 11 for float16, 8 for bfloat16) and e is at "
      "least the smallest normal exponent (−126, −1022, −14, −126), so ulp(r) is never less than the "
      "subnormal spacing (2^−149, 2^−1074, 2^−24, 2^−133); ulp(0) is the subnormal spacing. Ulps are "
      "those of the output's format (float16 and bfloat16 for their results). The error of an output y is "
      "|y − r| / ulp(r): a correctly rounded result has at most 0.5 ulp.")
    w("")
    w("**Metrics** (one per function and dtype, the one its bound is stated in):")
    w("")
    w("- `ulp`: as above, per output element.")
    w("- `ulp / (1 + |z|)` (float64 softmax and log-softmax): ulps divided by 1 + |z|, z = (x − max)/T "
      "of the entry (softmax) or the largest |z| of the row (log-softmax). Rounding x/T to "
      "double perturbs exp by |z|·2⁻⁵³ relative; float32 avoids this by computing in double.")
    w("- `ulp of max(|lse|, |max/T|)` (float64 logsumexp): the absolute error in ulps of the "
      "larger of the result and the shift (the result can be ~0 by cancellation).")
    w("- `ulp of the term scale` (softmax / log-softmax gradients): the absolute error in ulps of "
      "|y|(|dy| + Σ|y·dy|)/T resp. (|dy| + e^y·Σ|dy|)/T. The gradient itself can be ~0 by "
      "cancellation; this is the bound a backward-stable computation meets. The plain ulp "
      "error is listed too.")
    w("- `relative`: |y − r| / |r| per sample (losses, `reduction='none'`); |r| is floored at "
      "the smallest normal of the loss's dtype (a loss of 1e-50 correctly rounds to 0 in float32; "
      "the losses of float16 and bfloat16 inputs are float32).")
    w("- `relative to max(|loss|, |max x/T|)` (float64 cross-entropy from logits): Logits computes "
      "lse(x/T) − x_label/T, which cancels down from the size of the largest logit; README's "
      "\"~1e-15 relative\" holds for logits of moderate size (domain `normal`). The plain "
      "relative error is listed too.")
    w("")
    w("Entries whose exact result is not finite in the dtype (±inf, NaN, overflow) and the "
      "special inputs are not measured in ulps: they must equal the documented result "
      "exactly (columns *exact*).")
    w("")
    w("**References.**")
    w("")
    w("- float64 outputs: mpmath at 128 bits on the exact inputs, with cancellation-free "
      "formulas (log-softmax and logsumexp through log1p of the sum of the non-maximal terms; "
      "softplus/log-sigmoid as max/min(x, 0) ± log1p(e^−|x|); BCE as (1−y)·softplus(x) + "
      "y·softplus(−x); cross-entropy as (max − x_label) + log1p(rest)); kept as double-doubles "
      "so the error of a float64 output is itself computed exactly enough.")
    w("- float32 outputs: float64 formulas (numpy/math.fsum), which are provably enough: each "
      "is a few float64 operations on exact float32 inputs, relative error below "
      "(few + |z|)·2⁻⁵³, i.e. under 10⁻⁶ float32 ulp wherever the float32 result is nonzero. "
      "Where cancellation could make that bound loose (logsumexp near 0; cross-entropy from "
      "probabilities with p > 0.5) the reference is recomputed with mpmath.")
    w("- float16 and bfloat16 outputs (and the float32 losses of 16-bit inputs): the same float64 "
      "formulas on the exact 16-bit inputs (every 16-bit value is exact in float64). Their error, "
      "(few + |z|)·2⁻⁵³ relative, is below 2⁻³⁰ of a float16 or bfloat16 ulp: the reference cannot "
      "move a result across the 0.01 ulp between correct rounding (0.5) and the bound (0.51).")
    w("- Long rows (10⁵, 10⁶, 10⁷ entries; mpmath over 10⁷ terms would take too long): the row "
      "is filled in random order from a pool of 2,048 distinct values, so the library sees a "
      "genuine long row while the exact sum is Σ count_v·e^v over the pool, in mpmath; every "
      "entry's reference is its value's. (No float64 summation error enters the reference.)")
    w("")
    w("**Domains** (inputs are drawn in float64 and rounded to the dtype):")
    w("")
    for d, text in ac.DOMAIN_TEXT.items():
        w(f"- `{d}`: {text}")
    w("")
    w("Softmax-family rows have lengths " + ", ".join(map(str, ac.ROW_LENGTHS)) +
      " (SIMD widths ±1 included); gradients are measured at y = the library's own forward "
      "output and dy ~ N(0, 1) (×10⁴ in `wide`, ×10² for float16, whose sums would overflow); "
      "losses on 10 and 1,000 classes with random labels, binary cross-entropy with hard and soft "
      "targets, cross-entropy from probabilities on "
      "unnormalised positive rows (one tiny entry per row, ×10⁻⁹, ×10⁻⁵ for float16, so the clip at "
      "eps = 1e-7 is active).")
    w("")
    h = F16  # the 16-bit formats share their sizes

    def per(key, f=","):
        return f"{sizes[key][F32]:{f}} / {sizes[key][F64]:{f}} / {sizes[key][h]:{f}}"
    w("**Sample sizes** (per dtype and domain; float32 / float64 / each 16-bit format): elementwise "
      f"{per('elem_n')} points (the 16-bit formats also on every finite value, domain `every`); "
      f"elementwise gradients {per('ebwd_n')}; softmax family {per('rows', '')} rows of each length; "
      "long rows " + ", ".join(f"{n:,}" for n in sizes["long"]) +
      f" entries; gradients {per('bwd_rows', '')} rows of 8, 100 and 1,000; losses {per('loss_n')} "
      "samples per class count. The column *n* gives the number of measured outputs.")
    w("")
    w("## Summary")
    w("")
    w("Max error over all domains; *bound* is the documented contract (README.md \"Accuracy\" "
      "and the test tolerances), asserted by `make test`.")
    w("")
    w("| function | dtype | precision | metric | bound | Logits | numpy/SciPy "
      "| special exact (Logits) | special exact (numpy/SciPy) |")
    w("|---|---|---|---|---|---|---|---|---|")
    lines.extend(rows_summary)
    w("")
    if violations:
        w("**Bounds exceeded in this run:** " + "; ".join(
            f"{f} {d}: {fmt(v, 'ulp')} > {b}" + (f", {s} special results wrong" if s else "")
            for f, d, v, b, s in violations))
    else:
        w("Every Logits result is within its bound, and every special value is exactly the documented one.")
    w("")
    w("numpy/SciPy formulations: " + "; ".join(f"{k}: `{v}`" for k, v in ac.NUMPY_NAME.items()) + ".")
    w("Their *special* failures are the decided edge cases where they differ: a fully masked "
      "row gives NaN (Logits: zeros / −inf), +inf entries give NaN (Logits: equal shares).")
    w("")
    w("## Per domain")
    w("")
    w("| function | dtype | precision | domain | n | Logits (metric) | Logits (plain ulp / rel) "
      "| numpy/SciPy (metric) | numpy/SciPy (plain) |")
    w("|---|---|---|---|---|---|---|---|---|")
    lines.extend(detail)
    w("")
    w("## Not covered")
    w("")
    w("- Loss gradients are checked by the test suites (finite differences, analytic formulas), "
      "not here; binary cross-entropy from probabilities and the focal loss likewise.")
    w("- Temperatures other than 0.37 (the kernels divide once; T = 0.37 exercises it).")
    w("")
    w("Timing of this run: " + ", ".join(f"{k} {v:.0f} s" for k, v in timings.items()) + ".")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")
    return violations


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="ACCURACY.md")
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--seed", type=int, default=20260)
    ap.add_argument("--update-list", action="store_true")
    args = ap.parse_args()
    sizes = QUICK if args.quick else FULL
    print(f"accuracy: measuring ({'quick' if args.quick else 'full'} run, seed {args.seed})", flush=True)
    results, timings = {}, {}
    for precision in PRECISIONS:
        results[precision], t = run(sizes, args.seed, lambda s: print(s, flush=True), precision)
        timings.update(t)
    violations = write_report(results, timings, sizes, args.seed, args.out, args.quick)
    if args.update_list:
        update_list(results, str(ab.PATH))
        print(f"accuracy: wrote the measured maxima into {ab.PATH}")
    print(f"accuracy: wrote {args.out} ({sum(timings.values()):.0f} s)")
    if violations:
        for f, d, v, b, s in violations:
            print(f"accuracy: BOUND EXCEEDED: {f} {d}: {v:.4g} > {b}" + (f" ({s} special wrong)" if s else ""))
        sys.exit(1)


if __name__ == "__main__":
    main()
