"""Writes BENCHMARKS.md and docs/benchmarks.png from build/bench/results.json
(made by bench/run.py). `make bench-report` runs only this step."""

from __future__ import annotations

import json
import math
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "build" / "bench" / "results.json"

PEER_ORDER = ["c_fastmath_native", "c_fastmath_v4", "sleef", "xnnpack", "onednn", "onnxruntime",
              "jax", "numpy", "scipy"]
LABEL = {"logits": "**Logits** (fast)", "logits_exact": "**Logits** (exact)",
         "copy_memcpy": "copy floor: memcpy", "copy_stream": "copy floor: streaming stores",
         "c_fastmath_native": "C -ffast-math (native)",
         "c_fastmath_v4": "C -ffast-math (x86-64-v4)", "sleef": "SLEEF C", "xnnpack": "XNNPACK",
         "onednn": "oneDNN", "onnxruntime": "ONNX Runtime", "jax": "JAX (jit)", "numpy": "numpy",
         "scipy": "scipy", "logits_py": "**Logits** (Python binding)",
         "ctypes_noop": "ctypes no-op call (floor)", "numpy_astype": "numpy astype(float32) (copy only)"}
SHAPES = ["4096x1000", "64x50257", "1x10^7", "100000x10"]
ELEMENTWISE = ("sigmoid", "log_sigmoid", "softplus")
GROUPS = [("softmax", "f32"), ("log_softmax", "f32"), ("sigmoid", "f32"), ("log_sigmoid", "f32"),
          ("softplus", "f32"), ("ce_fwd", "f32"), ("ce_fwdgrad", "f32"), ("softmax", "f64"),
          ("log_softmax", "f64"), ("sigmoid", "f64"), ("log_sigmoid", "f64"), ("softplus", "f64"),
          ("ce_fwd", "f64"), ("ce_fwdgrad", "f64")]
LOGITS = ("logits", "logits_exact")
FLOORS = ("copy_memcpy", "copy_stream")
TITLE = {"softmax": "softmax", "log_softmax": "log_softmax", "sigmoid": "sigmoid",
         "log_sigmoid": "log_sigmoid", "softplus": "softplus",
         "ce_fwd": "cross-entropy forward (integer labels, mean)",
         "ce_fwdgrad": "cross-entropy forward + gradient (integer labels, mean)"}
PASS, MISS, NA = "✅ pass", "❌ miss", "— not measured"
HALF = ("f16", "bf16")  # 16-bit storage (issue 15), 1 thread only
HALF_TITLE = {"f16": "float16", "bf16": "bfloat16"}

# What the float32 misses come from (measured while building the kernels; see
# README "Speed" and ACCURACY.md). Static text: the numbers above are this run's.
WHY_SLOWER = """**Two precisions.** "Logits (fast)" is the float32 default: exponentials in float32
lanes (sixteen per AVX-512 register), with what float32 would lose kept in double (sums flushed
from float blocks, the row's maxima counted apart, log S, the log-softmax outputs) and each
exp argument's rounding error carried into the exp. "Logits (exact)" is LOGITS_PRECISION_EXACT:
double lanes, each result rounded once. Bounds: ACCURACY.md. The copy floor rows copy the same
bytes (x to y) with memcpy and with streaming stores.

**Where the fast misses come from** (measured while building the kernels, A/B in one process, 1
thread; the numbers above are this run's). The peers' float32 exp takes its argument x − max as
float32 rounds it, which costs them |z|·2⁻²⁴ relative per term (their error column: up to 1e-3 on
the 1×10⁷ softmax). Logits (fast) keeps every term to about 0.6 ulp: without the carried rounding
error (a TwoSum) its softmax measured 1.61 ulp × (1 + |z|) at z = 0 (over the 1.5 bound, through
S) and its cross-entropy 2.3e-6 relative (over 1e-6); without the counted maxima a 1 in a float
accumulator cost 5 ulp near 1. That accuracy is the gap: dropping the carried error measured 15%
off the softmax of rows of 1000 (0.427 → 0.365 ns/element in cache; flushed 4096×1000 0.46 → 0.41,
still about ONNX Runtime's time), and the prototype in ../shared/research reached 0.72–0.83×
ONNX Runtime only with 32-ulp terms (its exact-shift variants: 1.08–1.42×). The rest is the exp
pass's arithmetic on this Zen 4 (512-bit operations issue as two 256-bit halves). Tried, and
measured no faster or slower on rows of 1000: Fast2Sum (3 operations where TwoSum takes 6) with
the row's min taken in the max pass (the min cost the 4–6% the exp pass saved); a 16-entry-table
exp with 7 multiply-adds instead of 10 (3% slower); the next row's max folded into the exp pass
(10% slower); the sigmoid's division by a reciprocal and a Newton step (27% slower; the division
is 15% of the sigmoid); short rows in sixteen Float lanes through transposed columns (rows of 10:
slower than the exact kernel's in-register transposes, so rows of up to 32 elements run the
exact kernels in both precisions). What helped: rows of at least 8192
elements prefetch the next row during their exp pass (softmax 64×50257 8–10% faster,
cross-entropy 16%, exact softmax 12%), and their fast log-softmax outputs go out with
streaming stores (64×50257 8% faster). log-sigmoid and softplus need exp and log1p: about 2× the
sigmoid's operations in float lanes, and in double lanes (exact, float64) a division and the atanh
series besides.
"""


def fmt(v, digits=3):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "–"
    if v == 0:
        return "0"
    if abs(v) >= 100:
        return f"{v:.0f}"
    return f"{v:.{digits}g}"


def efmt(v):
    if v is None:
        return "?"
    if v == float("inf"):
        return "inf/NaN"
    if v == 0:
        return "0"
    return f"{v:.1e}"


STAT = os.environ.get("BENCH_STAT", "median").strip().lower()


class R:
    def __init__(self, res):
        self.res = res
        self.cells = {}
        if STAT == "min":  # report the fastest round instead of the median
            for c in res["cells"]:
                if c.get("status") == "ok" and "min_ns_per_elem" in c:
                    scale = c["ns_per_call"] / c["ns_per_elem"]
                    c["ns_per_elem"] = c["min_ns_per_elem"]
                    c["ns_per_call"] = c["min_ns_per_elem"] * scale
        self.versions = {}
        self.whole = {}
        for c in res["cells"]:
            if c["workload"] == "version":
                self.versions[c["impl"]] = c["version"]
            elif c["workload"] == "*":
                self.whole[(c["impl"], c["mode"])] = c["reason"]
            else:
                self.cells[(c["impl"], c["mode"], c["workload"])] = c

    def get(self, impl, mode, wname):
        if (impl, mode) in self.whole:
            return {"status": "unavailable", "reason": self.whole[(impl, mode)]}
        return self.cells.get((impl, mode, wname))

    def ns(self, impl, mode, wname):
        c = self.get(impl, mode, wname)
        return c["ns_per_elem"] if c and c.get("status") == "ok" else None

    def fastest_peer(self, mode, wname, peers=None):
        best = None
        for p in peers or PEER_ORDER:
            v = self.ns(p, mode, wname)
            if v is not None and (best is None or v < best[1]):
                best = (p, v)
        return best


def cell_text(c, op, single):
    if c is None:
        return ""
    st = c.get("status")
    if st == "unsupported":
        return "n/a"
    if st != "ok":
        return f"unavailable: {c.get('reason', '?')}".replace("|", "/")[:120]
    t = fmt(c["ns_per_elem"])
    if single and c.get("cpu_over_wall") and c["cpu_over_wall"] > 1.3:
        t += " †"
    if op == "log_softmax":
        t += f" ({efmt(c.get('rel'))}; abs {efmt(c.get('abs'))})"
    elif op == "ce_fwdgrad":
        t += f" (loss {efmt(c.get('loss_rel'))}; grad {efmt(c.get('grad_rel'))})"
    else:
        t += f" ({efmt(c.get('rel'))})"
    return t


def status(ratio, limit):
    if ratio is None:
        return NA
    return PASS if ratio <= limit else MISS


def floor(r, mode, w):
    """The faster copy of the same bytes, (label, ns/el), or None."""
    best = None
    for f in FLOORS:
        v = r.ns(f, mode, w)
        if v is not None and (best is None or v < best[1]):
            best = (f, v)
    return best


def targets(r, wnames):
    """[(target text, measured text, status)] for issue 14's targets."""
    rows = []
    m1 = "1"

    def have(w):
        return w in wnames

    def vs(impl, mode, w, ref, limit, text):
        lg = r.ns(impl, mode, w)
        ratio = lg / ref[1] if lg and ref else None
        rows.append((text, f"{fmt(ratio)}× ({fmt(lg)} vs {LABEL[ref[0]]} {fmt(ref[1])} ns/el)"
                     if ratio else "–", status(ratio, limit)))

    for op in ("softmax", "log_softmax"):
        for s in SHAPES:
            w = f"{op} f32 {s}"
            if have(w):
                limit = 0.5 if s == "100000x10" else 0.85
                vs("logits", m1, w, r.fastest_peer(m1, w), limit, f"{w}, fast, 1 thread: ≤ {limit}× fastest peer")
    w = "sigmoid f32 10^7"
    if have(w):
        xn = r.ns("xnnpack", m1, w)
        ref = ("xnnpack", xn) if xn else r.fastest_peer(m1, w)
        vs("logits", m1, w, ref, 0.95, f"{w}, fast, 1 thread: ≤ 0.95× XNNPACK")
    for op in ("ce_fwd", "ce_fwdgrad"):
        for s in ("4096x1000", "64x50257"):
            w = f"{op} f32 {s}"
            if have(w):
                vs("logits", m1, w, r.fastest_peer(m1, w, ["c_fastmath_native", "c_fastmath_v4"]), 0.8,
                   f"{w}, fast, 1 thread: ≤ 0.8× the fast-math C loop")
    for op in ("softmax", "log_softmax"):
        for s in SHAPES:
            w = f"{op} f32 {s}"
            ort = r.ns("onnxruntime", "default", w)
            if have(w) and ort:
                vs("logits", "default", w, ("onnxruntime", ort), 0.85,
                   f"{w}, fast, default threads: ≤ 0.85× ONNX Runtime (default threads)")
    w = "sigmoid f32 10^7"
    xn = r.ns("xnnpack", "default", w)
    if have(w) and xn:
        vs("logits", "default", w, ("xnnpack", xn), 1.0, f"{w}, fast, default threads: ≤ 1.0× XNNPACK")
    for w in ("softmax f32 4096x1000", "sigmoid f32 10^7"):
        fl = floor(r, m1, w)
        if have(w) and fl:
            vs("logits", m1, w, fl, 1.2, f"{w}, fast, 1 thread: ≤ 1.2× the copy floor")
    for op in ("log_sigmoid", "softplus"):
        for dt in ("f32", "f64"):
            w, ws = f"{op} {dt} 10^7", f"sigmoid {dt} 10^7"
            for impl in (LOGITS if dt == "f32" else ("logits",)):
                sg = r.ns(impl, m1, ws)
                if have(w) and sg:
                    prec = "" if dt == "f64" else (" fast" if impl == "logits" else " exact")
                    vs(impl, m1, w, (impl, sg), 1.5, f"{w}{prec}, 1 thread: ≤ 1.5× Logits' own sigmoid")
    w = "softmax f32 1x10^7"
    c = r.get("logits", m1, w)
    if have(w) and c and c.get("status") == "ok":
        err = c.get("rel")
        rows.append((f"{w}, fast: max relative error ≤ 3e-6", efmt(err),
                     NA if err is None else (PASS if err <= 3e-6 else MISS)))
    c = r.get("logits", m1, "overhead C softmax f32 1x3")
    if c and c.get("status") == "ok":
        v = c["ns_per_call"] / 1000
        rows.append(("1×3 softmax from C: ≤ 0.03 µs per call", f"{fmt(v)} µs", status(v, 0.03)))
    c = r.get("logits_py", m1, "overhead Python softmax f32 1x3")
    if c and c.get("status") == "ok":
        v = c["ns_per_call"] / 1000
        rows.append(("1×3 softmax from Python: ≤ 1.5 µs per call", f"{fmt(v)} µs", status(v, 1.5)))
    return rows


def half_section(r, wl):
    """The 16-bit storage section (issue 15): targets, then every 16-bit row
    with its ratios to Logits' float32 time on the same shape and to the
    numpy astype(float32) copy, 1 thread. Nothing when no 16-bit row ran."""
    hw = [w for w in wl if w["dtype"] in HALF]
    if not hw:
        return []
    wnames = {w["name"] for w in hw}
    m1 = "1"

    def ratio(a, b):
        return a / b if a and b else None

    def faster(x):
        return NA if x is None else (PASS if x < 1.0 else MISS)

    tr = []
    for dt in ("bf16", "f16"):
        for s in ("64x50257", "4096x1000"):
            w = f"softmax {dt} {s}"
            if w not in wnames:
                continue
            lg, f32, ast = r.ns("logits", m1, w), r.ns("logits", m1, f"softmax f32 {s}"), r.ns("numpy_astype", m1, w)
            x = ratio(lg, f32)
            tr.append((f"{w}, fast, 1 thread: ≤ 0.6× Logits' softmax f32 {s}",
                       f"{fmt(x)}× ({fmt(lg)} vs {fmt(f32)} ns/el)" if x else "–", status(x, 0.6)))
            x = ratio(lg, ast)
            tr.append((f"{w}, fast, 1 thread: faster than numpy astype(float32) alone",
                       f"{fmt(x)}× ({fmt(lg)} vs {fmt(ast)} ns/el)" if x else "–", faster(x)))
    w = "ce_fwdgrad bf16 64x50257"
    if w in wnames:
        lg, f32 = r.ns("logits", m1, w), r.ns("logits", m1, "ce_fwdgrad f32 64x50257")
        x = ratio(lg, f32)
        tr.append((f"{w}, fast, 1 thread: ≤ 0.6× Logits' ce_fwdgrad f32 64x50257",
                   f"{fmt(x)}× ({fmt(lg)} vs {fmt(f32)} ns/el)" if x else "–", status(x, 0.6)))
    L = ["## 16-bit storage (issue 15: float16 and bfloat16)\n",
         "1 thread. Inputs: the float32 workloads' arrays rounded to the format (to nearest even: "
         "numpy's float16, ml_dtypes' bfloat16). Logits reads them as they are and writes its outputs "
         "in the format to a second buffer (`logits_softmax_f16` / `_bf16`, `logits_log_softmax_*`, "
         "`logits_cross_entropy_labels_*` with a float32 loss and the gradient in the format, in a "
         "second buffer as in the float32 forward + gradient row, so both rows do the same work). "
         "**÷ float32**: Logits' time over its own float32 time on the same shape in this run (the "
         "issue's target: ≤ 0.6× for softmax and for the bfloat16 cross-entropy forward + gradient). "
         "**÷ astype**: Logits' time over `x.astype(np.float32)` of the same 16-bit array alone, the "
         "upcast copy users make today before a float32 softmax (a new array per call; bfloat16 "
         "through ml_dtypes' cast); the target is to be faster than that copy alone. The error "
         "column is against float64 of the 16-bit inputs; the formats' unit roundoff is 2⁻¹¹ ≈ 4.9e-4 "
         "(float16) and 2⁻⁸ ≈ 3.9e-3 (bfloat16), and float16 outputs below 2⁻¹⁴ (subnormal) are left "
         "out of the relative error. ONNX Runtime runs float16 Softmax and LogSoftmax (it has no "
         "bfloat16 kernels on the CPU; with onnxruntime 1.32 its CPU provider has no float16 "
         "Softmax either: the optimizer expands the node into float32 ReduceMax, Sub, Exp, "
         "ReduceSum, Div (Log, Sub) between two Casts).\n"]
    if tr:
        npass = sum(1 for t in tr if t[2] == PASS)
        L.append(f"{npass} of {len(tr)} targets met in this run.\n")
        L.append(md_table(["target", "measured (Logits ÷ reference)", "status"], tr))
        L.append("")
    header = ["workload", "**Logits** (fast) ns/el", "÷ float32", "÷ astype", "**Logits** (exact) ns/el",
              "exact ÷ exact float32", "numpy astype(float32) ns/el", "ONNX Runtime ns/el"]
    rows = []
    for w in hw:
        op, dt, s = w["op"], w["dtype"], w["shape"]
        name, f32 = w["name"], f"{op} f32 {s}"
        lg, ex, ast = r.ns("logits", m1, name), r.ns("logits_exact", m1, name), r.ns("numpy_astype", m1, name)
        x32, xex, xast = ratio(lg, r.ns("logits", m1, f32)), ratio(ex, r.ns("logits_exact", m1, f32)), ratio(lg, ast)
        ast_c = r.get("numpy_astype", m1, name)
        rows.append([f"{op} {HALF_TITLE[dt]} {w['label']}",
                     cell_text(r.get("logits", m1, name), op, True) or "–",
                     f"**{fmt(x32)}×**" if x32 else "–", f"{fmt(xast)}×" if xast else "–",
                     cell_text(r.get("logits_exact", m1, name), op, True) or "–",
                     f"{fmt(xex)}×" if xex else "–",
                     fmt(ast) if ast else ("n/a" if ast_c is None or ast_c.get("status") == "unsupported"
                                           else cell_text(ast_c, op, True)),
                     cell_text(r.get("onnxruntime", m1, name), op, True) or "–"])
    L.append(md_table(header, rows))
    L.append("")
    return L


def exact_ratios(r, wnames):
    """The exact precision's ratio to the fastest peer, 1 thread (reported, no target)."""
    rows = []
    for op, dt in GROUPS:
        if dt != "f32":
            continue
        for s in shapes_of(op):
            w = f"{op} {dt} {s}"
            if w not in wnames:
                continue
            lg, fp = r.ns("logits_exact", "1", w), r.fastest_peer("1", w)
            fast = r.ns("logits", "1", w)
            rows.append((w, fmt(lg), fmt(fast), f"{fmt(lg / fp[1])}× ({LABEL[fp[0]]})" if lg and fp else "–"))
    return rows


def shapes_of(op):
    return (SHAPES if op in ("softmax", "log_softmax") else
            ["10^7"] if op in ELEMENTWISE else ["4096x1000", "64x50257"])


def md_table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    out += ["| " + " | ".join(str(x) for x in row) + " |" for row in rows]
    return "\n".join(out)


def group_table(r, op, dt, mode, wmap, impls):
    shapes = [s for s in shapes_of(op) if f"{op} {dt} {s}" in wmap]
    if not shapes:
        return None
    header = ["implementation"] + [wmap[f"{op} {dt} {s}"]["label"] for s in shapes]
    rows = []
    for impl in impls:
        cells = [r.get(impl, mode, f"{op} {dt} {s}") for s in shapes]
        if all(c is None for c in cells):
            continue
        if all(c is not None and c.get("status") == "unsupported" for c in cells):
            continue
        rows.append([LABEL[impl]] + [cell_text(c, op, mode == "1") for c in cells])
    if not rows:
        return None
    fp_row, ratio_row = ["fastest peer"], ["**Logits (fast) ÷ fastest peer**"]
    exact_row = ["**Logits (exact) ÷ fastest peer**"]
    for s in shapes:
        w = f"{op} {dt} {s}"
        fp = r.fastest_peer(mode, w, [i for i in impls if i not in LOGITS + FLOORS])
        lg, ex = r.ns("logits", mode, w), r.ns("logits_exact", mode, w)
        fp_row.append(f"{LABEL[fp[0]]} {fmt(fp[1])}" if fp else "–")
        ratio_row.append(f"**{fmt(lg / fp[1])}×**" if fp and lg else "–")
        exact_row.append(f"{fmt(ex / fp[1])}×" if fp and ex else "–")
    rows += [fp_row, ratio_row] + ([exact_row] if dt == "f32" else [])
    return md_table(header, rows)


def plot(r, wl, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except Exception as e:  # noqa: BLE001
        return f"plot not written: matplotlib unavailable ({e})"
    panels = [("float32, 1 thread", "1", [w for w in wl if w["dtype"] == "f32"]),
              ("float64, 1 thread", "1", [w for w in wl if w["dtype"] == "f64"]),
              ("float32, default threads", "default", [w for w in wl if w["dtype"] == "f32"]),
              ("float16 and bfloat16 (16-bit storage), 1 thread", "1", [w for w in wl if w["dtype"] in HALF])]
    panels = [p for p in panels if p[2]]
    impls = ["logits", "logits_exact"] + PEER_ORDER + ["copy_stream", "numpy_astype"]
    colors = plt.get_cmap("tab20").colors
    fig, axes = plt.subplots(len(panels), 1, figsize=(18, 5.2 * len(panels)), squeeze=False)
    for ax, (title, mode, ws) in zip(axes[:, 0], panels):
        present = [i for i in impls if any(r.ns(i, mode, w["name"]) for w in ws)]
        n = max(len(present), 1)
        width = 0.85 / n
        for k, impl in enumerate(present):
            xs, ys = [], []
            for j, w in enumerate(ws):
                v = r.ns(impl, mode, w["name"])
                if v:
                    xs.append(j - 0.425 + width * (k + 0.5))
                    ys.append(v)
            ax.bar(xs, ys, width, label=LABEL[impl].replace("*", ""), color=colors[impls.index(impl) % 20],
                   edgecolor="black" if impl in LOGITS else None, linewidth=1.2 if impl in LOGITS else 0)
        ax.set_yscale("log")
        ax.set_xticks(range(len(ws)))
        ax.set_xticklabels([w["name"].replace(" f32", "").replace(" f64", "") for w in ws],
                           rotation=25, ha="right", fontsize=8)
        ax.set_ylabel("ns per element (log scale, lower is better)")
        ax.set_title(title)
        ax.grid(axis="y", which="both", alpha=0.3)
        ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.005, 1.0))
        top = max((r.ns(i, mode, w["name"]) or 0) for i in present for w in ws) if present else 1
        ax.set_ylim(top=top * 1.6)
    fig.suptitle("Logits vs peers (" + r.res["machine"]["cpu"] + f", {r.res['machine']['cpus']} CPUs)"
                 + (" — BENCH_QUICK" if r.res["quick"] else ""))
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=90)
    return None


def main():
    res = json.loads(RESULTS.read_text())
    r = R(res)
    wl = res["workloads"]  # in the canonical order (bench/run.py sorts them)
    wmap = {w["name"]: w for w in wl}
    wnames = set(wmap)
    mach = res["machine"]
    L = []
    L.append("# Benchmarks\n")
    L.append("Generated by `make bench` (bench/run.py, bench/report.py) on "
             f"{res['started']}. Do not edit by hand: rerun `make bench`.\n")
    if res["quick"]:
        L.append("> **BENCH_QUICK=1 run: smaller shapes and fewer rounds; not the reference numbers.**\n")
    load0, load1 = mach.get("load_average_start"), res.get("load_average_end")
    busy = max(load0[0] if load0 else 0, load1[0] if load1 else 0)
    if busy > 1.2:
        L.append("> **Noise:** this run was taken on a busy machine "
                 f"(load average {fmt(load0[0]) if load0 else '?'} at the start, "
                 f"{fmt(load1[0]) if load1 else '?'} at the end, on {mach['cpus']} CPUs; the benchmark "
                 "itself accounts for about 1). Other jobs were running, so single-thread numbers can be "
                 "inflated and the default-threads numbers in particular are unreliable (a second thread "
                 "competes with other processes for the second core). Rerun on a quiet machine before "
                 "drawing conclusions; `BENCH_STAT=min` reports the fastest round instead of the median.\n")
    else:
        L.append(f"Load average {fmt(load0[0]) if load0 else '?'} at the start and "
                 f"{fmt(load1[0]) if load1 else '?'} at the end of the run ({mach['cpus']} CPUs).\n")
    L.append(f"Numbers are **{'median' if STAT != 'min' else 'fastest-round'} ns per element** "
             "(lower is better) over several rounds, with the "
             "caches flushed before every round (out-of-cache inputs and outputs). In brackets: the "
             "**maximum relative error** against a float64 reference (long double for float64 "
             "inputs), computed over every output element whose reference is at least the smallest "
             "normal number; for log_softmax also the maximum absolute error; for the "
             "cross-entropy forward + gradient the loss's and the gradient's. `n/a`: the peer has "
             "no such operation. † a single-thread cell whose process used more than 1.3 CPU-seconds "
             "per second.\n")
    # targets
    L.append("## Targets (issue 14: float32 in two precisions)\n")
    tr = targets(r, wnames)
    if tr:
        npass = sum(1 for t in tr if t[2] == PASS)
        L.append(f"{npass} of {len(tr)} targets met in this run.\n")
        L.append(md_table(["target", "measured (Logits ÷ reference)", "status"], tr))
        L.append("")
        L.append(WHY_SLOWER)
    er = exact_ratios(r, wnames)
    if er:
        L.append("The exact precision (no speed target but \"no slower than before\"), 1 thread:\n")
        L.append(md_table(["workload", "exact ns/el", "fast ns/el", "exact ÷ fastest peer"], er))
        L.append("")
    L += half_section(r, wl)
    # single thread
    L.append("## Single thread\n")
    L.append("Thread controls: Logits `LOGITS_NUM_THREADS=1` and `logits_set_num_threads(1)` when "
             "the library has it; ONNX Runtime `intra_op_num_threads=1, inter_op_num_threads=1`; "
             "oneDNN `OMP_NUM_THREADS=1` (Debian's libdnnl uses OpenMP); XNNPACK no thread pool; "
             "JAX `XLA_FLAGS=--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1` and, "
             "because XLA still ran some ops on a second thread with those flags, its process pinned "
             "to one CPU (sched_setaffinity); "
             "numpy, scipy and the C peers are single-threaded.\n")
    single_impls = list(LOGITS) + PEER_ORDER + list(FLOORS)
    for op, dt in GROUPS:
        t = group_table(r, op, dt, "1", wmap, single_impls)
        if t:
            L.append(f"### {TITLE[op]}, {'float32' if dt == 'f32' else 'float64'}\n")
            L.append(t)
            L.append("")
    # default threads
    multi = ["logits", "logits_exact", "xnnpack", "onednn", "onnxruntime", "jax"]
    dt_tables = []
    for op, dt in GROUPS:
        t = group_table(r, op, dt, "default", wmap, multi)
        if t:
            dt_tables.append(f"### {TITLE[op]}, {'float32' if dt == 'f32' else 'float64'}, "
                             f"default threads\n\n{t}\n")
    if dt_tables:
        L.append(f"## Default threads ({mach['cpus']} CPUs)\n")
        L.append("Each runtime with its own default thread count (environment variables unset; "
                 "ONNX Runtime intra_op_num_threads=0; XNNPACK pthreadpool_create(0); oneDNN OpenMP "
                 "default; Logits' default, i.e. LOGITS_NUM_THREADS unset / "
                 "logits_set_num_threads(0) when available). Only the implementations that can use "
                 "more than one thread are shown; the single-thread peers' numbers are above.\n")
        L += dt_tables
    # overhead
    L.append("## Per-call overhead of a 1×3 float32 softmax\n")
    rows = []
    for mode in ("1", "default"):
        for impl in list(LOGITS) + PEER_ORDER:
            c = r.get(impl, mode, "overhead C softmax f32 1x3")
            if c is None or c.get("status") == "unsupported":
                continue
            val = f"{fmt(c['ns_per_call'])} ns" if c.get("status") == "ok" else \
                f"unavailable: {c.get('reason', '?')}"
            rows.append(["C", LABEL[impl], "1" if mode == "1" else "default", val])
    for impl in ["ctypes_noop", "logits_py", "onnxruntime", "numpy", "scipy", "jax"]:
        c = r.get(impl, "1", "overhead Python softmax f32 1x3")
        if c is None or c.get("status") == "unsupported":
            continue
        val = f"{fmt(c['ns_per_call'] / 1000)} µs" if c.get("status") == "ok" else \
            f"unavailable: {c.get('reason', '?')}"
        rows.append(["Python", LABEL[impl], "1", val])
    if rows:
        L.append("From C: the timing loop calls the function directly (ns per call). From Python: "
                 "a loop of calls with the result kept (µs per call): `logits.softmax(x)`, a ctypes "
                 "call of an empty C function with four arguments (the floor for any ctypes "
                 "binding), ONNX Runtime `session.run`, a numpy three-liner, "
                 "`scipy.special.softmax`, and a jitted `jax.nn.softmax` on a device array with "
                 "`block_until_ready`.\n")
        L.append(md_table(["from", "implementation", "threads", "per call"], rows))
        L.append("")
    # notes
    L.append("## Peers and method\n")
    L.append("| implementation | what runs | version |\n|---|---|---|")
    for impl, desc in res["implementations"].items():
        v = r.versions.get(impl, "")
        why = r.whole.get((impl, "1"))
        if why:
            v = f"unavailable: {why}"
        L.append(f"| {LABEL[impl]} | {desc} | {v} |")
    L.append("")
    L.append("""- Inputs: random normal logits × 3 from numpy's default generator with a fixed seed, the
  same arrays for every implementation (float32 workloads use the float64 values rounded to
  float32); labels uniform in [0, classes). Buffers are 64-byte aligned.
- Timing: one warm-up call, then rounds of one call each with the caches flushed before every
  round (a 2×L3, at least 64 MiB, read-modify-write of scratch memory), as many rounds as fit in
  about 0.3 s per cell, between 5 and 30; the table shows the median. Native peers are timed by
  a C loop (bench/native/benchcore.c, CLOCK_MONOTONIC); Python peers with time.perf_counter_ns
  around the call (their interpreter overhead is < 0.1% of these sizes).
- Each (implementation, thread mode) runs in its own process, so a peer that crashes or is
  missing shows as "unavailable: reason" and thread settings come from a clean environment.
- ONNX Runtime runs a one-node graph (Softmax, LogSoftmax, Sigmoid; axis −1) through IO binding
  into preallocated output buffers. Cross-entropy forward is `SoftmaxCrossEntropyLoss`
  (reduction mean); forward + gradient is that node's log_prob output turned into
  (exp(log_prob) − OneHot(labels)) / N in the same graph (ONNX Runtime's inference build has no
  gradient op).
- JAX: `jax.jit` of `jax.nn.softmax`, `log_softmax`, `sigmoid`, and for cross-entropy
  `mean(logsumexp(x) − x[label])` and `jax.value_and_grad` of it; x64 enabled for float64.
- numpy: `exp(x − max)`, divided by its sum (three temporaries); scipy: `scipy.special`.
- C fast-math loops (bench/native/peer_fastmath.c): the classic three-pass softmax, compiled on
  the spot with gcc `-O3 -ffast-math` and `-march=native` or `-march=x86-64-v4` (gcc vectorises
  expf through glibc's libmvec). SLEEF C (peer_sleef.c): AVX-512 loops with `Sleef_expf16_u10`
  and float lane sums. XNNPACK (Debian's 2022 snapshot): `softmax_nc_f32`, `sigmoid_nc_f32`
  (no log-softmax, no float64). oneDNN 2.6: `softmax_v2_forward` (forward_inference,
  softmax_accurate / softmax_log) and `eltwise_logistic`; float32 only.
- References: float64 (long double for float64 inputs), row sums with `math.fsum` for rows of
  100,000 or more elements, so sums that drift over long rows show up in the error column
  (1×10⁷ softmax: the float32 lane sums of the C, SLEEF, XNNPACK, oneDNN and ONNX Runtime
  kernels drift to ~1e-3 relative error; numpy, scipy and JAX sum pairwise).
- log_softmax: the relative error of outputs near 0 (rows with one dominant entry, e.g.
  100000×10) is dominated by cancellation in `x − logsumexp`; the absolute error is the
  meaningful number there.
- ONNX Runtime's float32 Sigmoid is accurate in absolute, not relative, terms: it returns 0 for
  x < −18 and is off by tens of percent near x ≈ −16 (a relative error of 1 in the table). Its
  float64 kernels are much slower than its float32 ones.
- The cross-entropy forward + gradient error column gives the loss's relative error and the
  gradient's maximum elementwise relative error.
- 16-bit rows (float16, bfloat16): 1 thread only, run by Logits, ONNX Runtime (float16 softmax
  and log-softmax) and the numpy astype row, which times `x.astype(np.float32)` of the same
  16-bit array with the same cache flush (no operation, so no error column); see "16-bit
  storage" above.
""")
    inst = res.get("install", {})
    first = inst.get("first", {}).get("seconds")
    L.append("## Reproduce\n")
    L.append("```sh\nmake bench                      # installs the peers on first use, then runs everything\n"
             "BENCH_QUICK=1 make bench        # smaller shapes, fewer rounds\n"
             "BENCH_ONLY='softmax f32 4096x1000,ce_fwd' make bench   # only these workloads "
             "(merged into the last results)\n"
             "BENCH_ONLY=f16 make bench       # the 16-bit rows (\"f16\" matches bf16 too)\n"
             "BENCH_IMPLS=logits,onnxruntime make bench\n"
             "make bench-report               # rewrite this file and the plot from build/bench/results.json\n```\n")
    L.append(f"This run: {res['run_seconds']} s for `bench/run.py`"
             + (f"; first installation of the peers took {fmt(float(first))} s" if first else "")
             + ". Raw results: `build/bench/results.json`. Plot: `docs/benchmarks.png`.\n")
    L += sampling_section()
    L += swift_door_section()
    L.append("## Machine\n")
    flags = ", ".join(f"{k}{'' if v else ' (absent)'}" for k, v in mach["flags"].items())
    L.append(f"- CPU: {mach['cpu']}, {mach['cpus']} CPUs; flags: {flags}")
    for line in mach.get("lscpu", "").splitlines():
        L.append(f"  - {' '.join(line.split())}")
    L.append(f"- OS: {mach.get('os')}, kernel {mach['kernel']}")
    L.append(f"- Compilers: {mach['gcc']}; Swift: {mach.get('swift')}")
    L.append(f"- Python {mach['python']}, numpy {mach['numpy']}"
             + (f", ml_dtypes {mach['ml_dtypes']}" if mach.get("ml_dtypes") else ""))
    for line in mach.get("debian_packages", "").splitlines():
        L.append(f"- Debian: {line}")
    L.append("")
    msg = plot(r, wl, ROOT / "docs" / "benchmarks.png")
    L.insert(3, "![ns per element, log scale](docs/benchmarks.png)\n" if msg is None else f"({msg})\n")
    (ROOT / "BENCHMARKS.md").write_text("\n".join(L) + "\n")
    print("bench: wrote BENCHMARKS.md" + (", docs/benchmarks.png" if msg is None else f" ({msg})"))


def swift_door_section():
    """The Swift door beside the C door (issue 19) from build/bench/swift_door*.json,
    written by bench/swift (make bench-swift); nothing when it has not run."""
    runs = []
    for name, what in (("swift_door.json", "the CPU's level"),
                       ("swift_door_baseline.json", "LOGITS_CPU=baseline")):
        path = ROOT / "build" / "bench" / name
        if path.exists():
            runs.append((what, json.loads(path.read_text())))
    if not runs:
        return []
    L = ["## Swift door\n",
         "`make bench-swift` (bench/swift): one process, 1 thread, release build, median of 15 rounds, "
         "warm caches. **Swift**: the Swift API (`import Logits`, a path dependency with the trait "
         "`DispatchedKernels`, unsafe-buffer forms so no allocation is timed); **C**: the same arrays "
         "through `liblogits.so`. At `LOGITS_CPU=baseline` both doors run the baseline kernels, which is "
         "what a URL dependency (no trait possible) gets (checked once with a real URL dependency on a "
         "tagged clone: the same times, 3.70× and 4.50×, and enabling the trait there fails with SwiftPM's "
         "\"contains unsafe build flags\").\n"]
    header = ["workload", "kernels", "Swift ns/el", "C ns/el", "Swift / C"]
    rows = []
    top = {r["workload"]: r["c_ns"] for r in runs[0][1]} if runs[0][0] == "the CPU's level" else {}
    for what, rs in runs:
        for r in rs:
            rows.append([r["workload"], what, f"{r['swift_ns']:.3f}", f"{r['c_ns']:.3f}",
                         f"{r['swift_ns'] / r['c_ns']:.2f}×"])
    L.append(md_table(header, rows))
    if top and len(runs) > 1:
        L.append("")
        L.append("Swift door without the trait (baseline kernels) against the C door at the CPU's level: "
                 + ", ".join(f"{r['workload']} {r['swift_ns'] / top[r['workload']]:.1f}×"
                             for r in runs[1][1] if r["workload"] in top) + ".")
    L.append("")
    return L


def sampling_section():
    """The sampling table (issue 16) from build/bench/sampling.json, written by
    bench/sampling.py; nothing when it has not run."""
    path = ROOT / "build" / "bench" / "sampling.json"
    if not path.exists():
        return []
    s = json.loads(path.read_text())
    st = s["settings"]
    L = ["## Sampling\n",
         f"`bench/sampling.py`: one token per row, float32, 1 thread, caches flushed, median µs per call "
         f"(through Python for every implementation). Settings: temperature {st['temperature']}, "
         f"top_k {st['top_k']}, top_p {st['top_p']}; \"p only\": top_p alone. JAX: {s['jax']}. "
         "Ratios: Logits' sampler to Logits' softmax of the same logits (the issue's yardstick: "
         "≤ 1.5× with top_k, ≤ 3× top_p alone), and each peer to Logits' sampler (target ≥ 10×).\n"]
    names = [("logits softmax", "Logits softmax"), ("logits k50 p0.9", "**Logits** k+p"),
             ("logits p0.9", "**Logits** p only"), ("numpy argpartition k50 p0.9", "numpy argpartition k+p"),
             ("numpy sort k50 p0.9", "numpy sort k+p"), ("numpy sort p0.9", "numpy sort p only"),
             ("jax k50 p0.9", "JAX k+p"), ("jax p0.9", "JAX p only")]
    header = ["batch x vocab"] + [n for _, n in names] + ["k+p / softmax", "p only / softmax",
                                                          "numpy / Logits k+p", "JAX / Logits k+p"]
    rows = []
    for c in s["cells"]:
        us = c["us"]
        sm, kp, p = us["logits softmax"], us["logits k50 p0.9"], us["logits p0.9"]
        row = [f"{c['batch']}x{c['vocab']}"] + [fmt(us[k]) if k in us else "n/a" for k, _ in names]
        row += [f"{kp / sm:.2f}×", f"{p / sm:.2f}×", f"{us['numpy argpartition k50 p0.9'] / kp:.2f}×",
                f"{us['jax k50 p0.9'] / kp:.2f}×" if "jax k50 p0.9" in us else "n/a"]
        rows.append(row)
    L.append(md_table(header, rows))
    L.append("")
    return L


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
