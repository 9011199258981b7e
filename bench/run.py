"""`make bench`: Logits side by side with its peers on the same inputs.

The parent process makes the inputs and float64 (or long double) references
once (cached under build/bench/data), then runs one worker subprocess per
(implementation, thread mode), so a peer that crashes, hangs or is missing
is reported as "unavailable: <reason>" instead of stopping the run, and each
runtime reads its thread settings from a clean environment. Results go to
build/bench/results.json; bench/report.py turns them into BENCHMARKS.md and
docs/benchmarks.png.

Environment: BENCH_QUICK=1 (smaller shapes, fewer rounds), BENCH_ONLY=a,b
(only workloads whose name contains one of the substrings), BENCH_IMPLS=a,b
(only these implementations), BENCH_BUDGET=seconds per cell (default 0.3).

16-bit storage (issue 15): dtypes f16 (numpy float16) and bf16 (ml_dtypes'
bfloat16), 1 thread, run by the Logits peers, the numpy_astype row (the
float32 copy users make today) and ONNX Runtime (float16 softmax and
log-softmax only). BENCH_ONLY=f16 selects both formats ("bf16" contains it).
"""

from __future__ import annotations

import ctypes
import json
import math
import os
import platform
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

try:  # bfloat16 arrays (JAX's and TensorFlow's dtype); the bf16 rows need it
    import ml_dtypes
    BF16 = np.dtype(ml_dtypes.bfloat16)
except ImportError:
    ml_dtypes = None
    BF16 = None

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "build" / "bench"
NATIVE = OUT / "native"
DATA = OUT / "data"
QUICK = os.environ.get("BENCH_QUICK", "") not in ("", "0")
BUDGET = float(os.environ.get("BENCH_BUDGET", "0.05" if QUICK else "0.3"))
MIN_ROUNDS = 3 if QUICK else 5
MAX_ROUNDS = 30
SEED = 20240601
WORKER_TIMEOUT = 900

OPS = {"softmax": 0, "log_softmax": 1, "sigmoid": 2, "ce_fwd": 3, "ce_fwdgrad": 4,
       "log_sigmoid": 5, "softplus": 6}
ELEMENTWISE = ("sigmoid", "log_sigmoid", "softplus")
DTYPES = {"f32": np.float32, "f64": np.float64, "f16": np.float16, "bf16": BF16}
DT_CODE = {"f32": 0, "f64": 1, "f16": 2, "bf16": 3}  # bench/native/peer.h
HALF = ("f16", "bf16")
# The implementations the 16-bit workloads run on (1 thread only): Logits,
# the upcast copy users make today, and ONNX Runtime's float16 operators.
HALF_IMPLS = ("logits", "logits_exact", "numpy_astype", "onnxruntime")
HALF_OPS = {"softmax": ("4096x1000", "64x50257"), "log_softmax": ("4096x1000", "64x50257"),
            "ce_fwdgrad": ("64x50257",)}

# Implementations: name -> (kind, thread modes, description)
IMPLS = {
    "logits": ("native", ("1", "default"), "Logits, C interface (build/lib/liblogits.so), precision fast "
               "(the float32 default)"),
    "logits_exact": ("native", ("1", "default"), "Logits, C interface, precision exact (LOGITS_PRECISION_EXACT)"),
    "copy_memcpy": ("native", ("1",), "memory floor: memcpy of the same bytes (x -> y)"),
    "copy_stream": ("native", ("1",), "memory floor: AVX-512 streaming-store copy of the same bytes"),
    "c_fastmath_native": ("native", ("1",), "C loops, gcc -O3 -march=native -ffast-math"),
    "c_fastmath_v4": ("native", ("1",), "C loops, gcc -O3 -march=x86-64-v4 -ffast-math"),
    "sleef": ("native", ("1",), "C with SLEEF vector exp (AVX-512, u10)"),
    "xnnpack": ("native", ("1", "default"), "XNNPACK operators (Debian libxnnpack-dev)"),
    "onednn": ("native", ("1", "default"), "oneDNN softmax_v2 / eltwise_logistic"),
    "onnxruntime": ("python", ("1", "default"), "ONNX Runtime CPU, IO binding"),
    "jax": ("python", ("1", "default"), "jax.jit(jax.nn.*), block_until_ready"),
    "numpy": ("python", ("1",), "numpy reference implementation"),
    "scipy": ("python", ("1",), "scipy.special softmax / log_softmax / expit / logsumexp"),
    "numpy_astype": ("python", ("1",), "numpy x.astype(np.float32) alone (the upcast copy, no softmax), "
                     "16-bit rows only: float16 by numpy, bfloat16 by ml_dtypes' cast; a new float32 "
                     "array per call, as users get it"),
    "logits_py": ("python", ("1",), "Logits Python binding (overhead rows only)"),
    "ctypes_noop": ("python", ("1",), "ctypes call of an empty C function (overhead floor)"),
}


def shapes():
    if QUICK:
        return {"4096x1000": (512, 1000), "64x50257": (8, 50257), "1x10^7": (1, 10**6),
                "100000x10": (12500, 10), "10^7": (1, 10**6)}
    return {"4096x1000": (4096, 1000), "64x50257": (64, 50257), "1x10^7": (1, 10**7),
            "100000x10": (100000, 10), "10^7": (1, 10**7)}


def workloads():
    """Every throughput workload: name, op, dtype, shape label, rows, cols."""
    sh = shapes()
    out = []
    for dt in ("f32", "f64"):
        for op in ("softmax", "log_softmax"):
            for s in ("4096x1000", "64x50257", "1x10^7", "100000x10"):
                out.append((op, dt, s))
        for op in ELEMENTWISE:
            out.append((op, dt, "10^7"))
        for op in ("ce_fwd", "ce_fwdgrad"):
            for s in ("4096x1000", "64x50257"):
                out.append((op, dt, s))
    for dt in HALF:
        for op, op_shapes in HALF_OPS.items():
            for s in op_shapes:
                out.append((op, dt, s))
    res = []
    for op, dt, s in out:
        rows, cols = sh[s]
        label = s if not QUICK else f"{s} (quick: {rows}x{cols})"
        res.append({"name": f"{op} {dt} {s}", "op": op, "dtype": dt, "shape": s,
                    "shape_run": f"{rows}x{cols}", "rows": rows, "cols": cols, "label": label})
    return res


OVERHEAD = [{"name": "overhead C softmax f32 1x3", "kind": "c"},
            {"name": "overhead Python softmax f32 1x3", "kind": "python"}]


def selected(name: str) -> bool:
    only = os.environ.get("BENCH_ONLY", "").strip()
    if not only:
        return True
    return any(s.strip() and s.strip() in name for s in only.split(","))


# --------------------------------------------------------------------------
# Inputs and references (parent)
# --------------------------------------------------------------------------

def data_key(rows, cols):
    return f"x_{rows}x{cols}_{SEED}"


def make_inputs(rows, cols):
    """Random normal logits, scale 3, fixed seed; float64 master copy and
    labels. The float32 workloads use the float64 values rounded to float32."""
    key = data_key(rows, cols)
    f64, lab = DATA / f"{key}_f64.npy", DATA / f"{key}_labels.npy"
    if not f64.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        rng = np.random.default_rng([SEED, rows, cols])
        x = rng.standard_normal((rows, cols)) * 3.0
        np.save(DATA / f"{key}_f32.npy", x.astype(np.float32))
        np.save(f64, x)
        np.save(lab, rng.integers(0, cols, size=rows, dtype=np.int64))
    return key


def half_input(key, dtype):
    """The float32 workload's array rounded to the 16-bit format (to nearest
    even: numpy for float16, ml_dtypes for bfloat16), cached as its bits."""
    path = DATA / f"{key}_{dtype}.npy"
    if not path.exists():
        x = np.load(DATA / f"{key}_f32.npy").astype(DTYPES[dtype])
        np.save(path, x.view(np.uint16))
    return path


def load_x(key, dtype):
    """The input array of a workload in its dtype (16-bit ones from their bits)."""
    x = np.load(DATA / f"{key}_{dtype}.npy")
    return x.view(DTYPES[dtype]) if dtype in HALF else x


def _row_sums(e: np.ndarray) -> np.ndarray:
    """Row sums with math.fsum for long rows (exact), numpy's pairwise sums otherwise."""
    if e.dtype == np.float64 and e.shape[1] >= 10**5:
        return np.array([[math.fsum(r)] for r in e])
    return e.sum(axis=1, keepdims=True)


def reference(w, key):
    """The exact-ish answer: float64 for float32 and 16-bit inputs (of the
    16-bit values themselves), long double for float64."""
    ref_path = DATA / f"ref_{w['op']}_{w['dtype']}_{key}.npy"
    if ref_path.exists():
        return ref_path
    x = load_x(key, w["dtype"])
    hp = np.longdouble if w["dtype"] == "f64" else np.float64
    x = x.astype(hp)
    op = w["op"]
    if op == "sigmoid":
        ref = 1 / (1 + np.exp(-x))
    elif op in ("softplus", "log_sigmoid"):
        v = -x if op == "log_sigmoid" else x
        sp = np.maximum(v, 0) + np.log1p(np.exp(-np.abs(v)))
        ref = -sp if op == "log_sigmoid" else sp
    else:
        m = x.max(axis=1, keepdims=True)
        e = np.exp(x - m)
        s = _row_sums(e)
        if op == "softmax":
            ref = e / s
        elif op == "log_softmax":
            ref = (x - m) - np.log(s)
        else:
            labels = np.load(DATA / f"{key}_labels.npy")
            r = np.arange(x.shape[0])
            per = (m[:, 0] + np.log(s[:, 0])) - x[r, labels]
            loss = math.fsum(per.astype(np.float64)) / x.shape[0] if hp is np.float64 \
                else per.sum() / x.shape[0]
            if op == "ce_fwd":
                ref = np.array([loss], dtype=hp)
            else:
                g = e / s
                g[r, labels] -= 1
                g /= x.shape[0]
                ref = np.concatenate([np.array([loss], dtype=hp), g.ravel()])
    np.save(ref_path, np.ascontiguousarray(ref, dtype=hp))
    return ref_path


def errors(op, dtype, y, loss, ref):
    """max relative error (where |ref| >= the smallest normal), and max
    absolute error for log-space outputs."""
    tiny = np.finfo(DTYPES[dtype]).tiny
    hp = ref.dtype

    def rel(a, r):
        a = np.asarray(a, dtype=hp).ravel()
        r = np.asarray(r).ravel()
        if not np.all(np.isfinite(a)):
            return float("inf")
        mask = np.abs(r) >= tiny
        if not mask.any():
            return 0.0
        return float(np.max(np.abs(a[mask] - r[mask]) / np.abs(r[mask])))

    if op in ("softmax",) + ELEMENTWISE:
        return {"rel": rel(y, ref)}
    if op == "log_softmax":
        a = np.asarray(y, dtype=hp).ravel()
        abs_err = float(np.max(np.abs(a - ref.ravel()))) if np.all(np.isfinite(a)) else float("inf")
        return {"rel": rel(y, ref), "abs": abs_err}
    if op == "ce_fwd":
        return {"rel": rel([loss], ref[:1]), "loss_rel": rel([loss], ref[:1])}
    lr, gr = rel([loss], ref[:1]), rel(y, ref[1:])
    return {"rel": max(lr, gr), "loss_rel": lr, "grad_rel": gr}


# --------------------------------------------------------------------------
# Worker: one implementation, one thread mode
# --------------------------------------------------------------------------

class BenchArgs(ctypes.Structure):
    _fields_ = [("op", ctypes.c_int32), ("dtype", ctypes.c_int32), ("threads", ctypes.c_int32),
                ("pad", ctypes.c_int32), ("rows", ctypes.c_uint64), ("cols", ctypes.c_uint64),
                ("x", ctypes.c_void_p), ("y", ctypes.c_void_p), ("labels", ctypes.c_void_p),
                ("loss", ctypes.c_void_p), ("state", ctypes.c_void_p)]


def aligned_empty(shape, dtype, align=64):
    n = int(np.prod(shape))
    itemsize = np.dtype(dtype).itemsize
    buf = np.empty(n * itemsize + align, dtype=np.uint8)
    off = (-buf.ctypes.data) % align
    a = buf[off:off + n * itemsize].view(dtype).reshape(shape)
    a.fill(0)  # map the pages before timing
    return a


def aligned_copy(x):
    a = aligned_empty(x.shape, x.dtype)
    a[...] = x
    return a


def flush_bytes():
    l3 = 0
    try:
        l3 = os.sysconf("SC_LEVEL3_CACHE_SIZE")
    except (ValueError, OSError):
        pass
    if l3 <= 0:
        try:
            txt = Path("/sys/devices/system/cpu/cpu0/cache/index3/size").read_text().strip()
            l3 = int(txt[:-1]) * (1024 if txt.endswith("K") else 1024 * 1024)
        except (OSError, ValueError):
            l3 = 32 << 20
    return max(2 * l3, 64 << 20)


class Core:
    """benchcore.so: cache flush and the C timing loop."""

    def __init__(self):
        self.lib = ctypes.CDLL(str(NATIVE / "benchcore.so"))
        self.lib.bench_flush.argtypes = [ctypes.c_size_t]
        self.lib.bench_time.argtypes = [ctypes.c_void_p, ctypes.POINTER(BenchArgs), ctypes.c_int,
                                        ctypes.c_long, ctypes.c_size_t,
                                        ctypes.POINTER(ctypes.c_double), ctypes.POINTER(ctypes.c_double)]
        self.lib.bench_time.restype = ctypes.c_int
        self.flush = flush_bytes()


def rounds_for(t_est_ns):
    return int(min(MAX_ROUNDS, max(MIN_ROUNDS, math.ceil(BUDGET * 1e9 / max(t_est_ns, 1.0)))))


def summarize(wall, cpu, elements):
    med = statistics.median(wall)
    return {"ns_per_elem": med / elements, "min_ns_per_elem": min(wall) / elements,
            "rounds": len(wall), "ns_per_call": med,
            "cpu_over_wall": statistics.median(cpu) / med if med > 0 else None}


class NativeImpl:
    def __init__(self, name, core, threads):
        path = NATIVE / f"{name}.so"
        if not path.exists():
            err = NATIVE / f"{name}.err"
            why = err.read_text().strip().splitlines()[:1] if err.exists() else ["not built"]
            raise RuntimeError(f"peer library did not build: {why[0] if why else '?'}")
        self.lib = ctypes.CDLL(str(path))
        for f in ("peer_prepare", "peer_call"):
            getattr(self.lib, f).argtypes = [ctypes.POINTER(BenchArgs)]
            getattr(self.lib, f).restype = ctypes.c_int
        self.lib.peer_release.argtypes = [ctypes.POINTER(BenchArgs)]
        self.lib.peer_message.restype = ctypes.c_char_p
        self.lib.peer_version.restype = ctypes.c_char_p
        self.core, self.threads = core, threads
        self.call_ptr = ctypes.cast(self.lib.peer_call, ctypes.c_void_p).value

    def version(self):
        return self.lib.peer_version().decode()

    def _args(self, op, dtype, rows, cols, x, y, labels, loss):
        a = BenchArgs(op=OPS[op], dtype=DT_CODE[dtype], threads=self.threads,
                      rows=rows, cols=cols, x=x.ctypes.data, y=y.ctypes.data,
                      labels=labels.ctypes.data if labels is not None else None,
                      loss=loss.ctypes.data)
        return a

    def _time(self, a, rounds, inner, flush):
        wall = (ctypes.c_double * rounds)()
        cpu = (ctypes.c_double * rounds)()
        rc = self.core.lib.bench_time(self.call_ptr, ctypes.byref(a), rounds, inner, flush, wall, cpu)
        if rc:
            raise RuntimeError(f"call failed with status {rc}: {self.lib.peer_message().decode()}")
        return list(wall), list(cpu)

    def run(self, w, x, labels):
        rows, cols = w["rows"], w["cols"]
        y = aligned_empty(x.shape, x.dtype)  # the CE gradient too: grad is not x, as for float32
        loss = np.zeros(1, dtype=np.float32 if w["dtype"] in HALF else x.dtype)
        a = self._args(w["op"], w["dtype"], rows, cols, x, y, labels, loss)
        rc = self.lib.peer_prepare(ctypes.byref(a))
        if rc == 1:
            return {"status": "unsupported"}, None, None
        if rc != 0:
            raise RuntimeError(self.lib.peer_message().decode())
        info = self.lib.peer_message().decode()
        try:
            self._time(a, 1, 1, self.core.flush)
            wall, _ = self._time(a, 1, 1, self.core.flush)
            n = rounds_for(wall[0])
            wall, cpu = self._time(a, n, 1, self.core.flush)
        finally:
            self.lib.peer_release(ctypes.byref(a))
        res = summarize(wall, cpu, rows * cols)
        res["info"] = info
        return res, y, float(loss[0])

    def overhead(self):
        x = aligned_copy(np.array([[1.0, 2.0, 3.0]], dtype=np.float32))
        y = aligned_empty(x.shape, x.dtype)
        loss = np.zeros(1, dtype=np.float32)
        a = self._args("softmax", "f32", 1, 3, x, y, None, loss)
        rc = self.lib.peer_prepare(ctypes.byref(a))
        if rc == 1:
            return {"status": "unsupported"}
        if rc != 0:
            raise RuntimeError(self.lib.peer_message().decode())
        try:
            self._time(a, 1, 1000, 0)
            wall, _ = self._time(a, 1, 1000, 0)
            inner = int(min(10**6, max(1, 2e6 / max(wall[0], 1.0))))
            wall, cpu = self._time(a, 5 if QUICK else 15, inner, 0)
        finally:
            self.lib.peer_release(ctypes.byref(a))
        res = summarize(wall, cpu, 3)
        ref = np.exp(np.array([1.0, 2.0, 3.0]) - 3) / np.exp(np.array([1.0, 2.0, 3.0]) - 3).sum()
        res["rel"] = float(np.max(np.abs(y.ravel() - ref) / ref))
        return res


def py_time(fn, core, flush, rounds=None, inner=1):
    """Times fn() in Python: optional cache flush, then `inner` calls per round."""
    def one(n_inner):
        if flush:
            core.lib.bench_flush(core.flush)
        c0, t0 = time.process_time_ns(), time.perf_counter_ns()
        for _ in range(n_inner):
            fn()
        t1, c1 = time.perf_counter_ns(), time.process_time_ns()
        return (t1 - t0) / n_inner, (c1 - c0) / n_inner
    one(inner)
    est, _ = one(inner)
    n = rounds or rounds_for(est)
    wall, cpu = zip(*[one(inner) for _ in range(n)])
    return list(wall), list(cpu)


def np_softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    e /= e.sum(axis=-1, keepdims=True)
    return e


class PythonImpl:
    """numpy, scipy, ONNX Runtime, JAX (and the Logits binding for overhead)."""

    def __init__(self, name, core, threads):
        self.name, self.core, self.threads = name, core, threads
        if name == "jax":
            import jax
            jax.config.update("jax_enable_x64", True)
            self.jax = jax
        elif name == "onnxruntime":
            import onnx  # noqa: F401
            import onnxruntime
            self.ort = onnxruntime
        elif name == "scipy":
            import scipy.special
            self.sp = scipy.special
        elif name == "logits_py":
            sys.path.insert(0, str(ROOT / "bindings" / "python"))
            import logits
            self.logits = logits

    def version(self):
        if self.name == "jax":
            import jaxlib
            return f"jax {self.jax.__version__}, jaxlib {jaxlib.__version__}"
        if self.name == "onnxruntime":
            import onnx
            return f"onnxruntime {self.ort.__version__}, onnx {onnx.__version__}"
        if self.name == "scipy":
            import scipy
            return f"scipy {scipy.__version__}"
        if self.name == "logits_py":
            return f"logits {self.logits.version()} (Python binding)"
        if self.name == "ctypes_noop":
            return f"ctypes, Python {platform.python_version()}"
        if self.name == "numpy_astype":
            return f"numpy {np.__version__}" + (f", ml_dtypes {ml_dtypes.__version__}" if ml_dtypes else "")
        return f"numpy {np.__version__}"

    # ---- ONNX Runtime -----------------------------------------------------
    def _ort_session(self, op, dtype, rows, cols):
        from onnx import TensorProto, helper
        et = {"f32": TensorProto.FLOAT, "f64": TensorProto.DOUBLE, "f16": TensorProto.FLOAT16}[dtype]
        x = helper.make_tensor_value_info("x", et, [rows, cols])
        outs, nodes, inits, ins = [], [], [], [x]
        if op in ("softmax", "log_softmax", "sigmoid", "softplus"):
            kind = {"softmax": "Softmax", "log_softmax": "LogSoftmax", "sigmoid": "Sigmoid",
                    "softplus": "Softplus"}[op]
            attrs = {"axis": -1} if op in ("softmax", "log_softmax") else {}
            nodes.append(helper.make_node(kind, ["x"], ["y"], **attrs))
            outs.append(helper.make_tensor_value_info("y", et, [rows, cols]))
        elif op == "log_sigmoid":
            # ONNX has no LogSigmoid: -Softplus(-x)
            nodes += [helper.make_node("Neg", ["x"], ["nx"]), helper.make_node("Softplus", ["nx"], ["s"]),
                      helper.make_node("Neg", ["s"], ["y"])]
            outs.append(helper.make_tensor_value_info("y", et, [rows, cols]))
        else:
            ins.append(helper.make_tensor_value_info("labels", TensorProto.INT64, [rows]))
            sce_outs = ["loss", "logp"] if op == "ce_fwdgrad" else ["loss"]
            nodes.append(helper.make_node("SoftmaxCrossEntropyLoss", ["x", "labels"], sce_outs,
                                          reduction="mean"))
            outs.append(helper.make_tensor_value_info("loss", et, []))
            if op == "ce_fwdgrad":
                # onehot = Cast(Equal(Unsqueeze(labels, 1), arange(C))): ORT has no float64 OneHot
                inits += [helper.make_tensor("classes", TensorProto.INT64, [cols], list(range(cols))),
                          helper.make_tensor("one", TensorProto.INT64, [1], [1]),
                          helper.make_tensor("invn", et, [], [1.0 / rows])]
                nodes += [helper.make_node("Exp", ["logp"], ["p"]),
                          helper.make_node("Unsqueeze", ["labels", "one"], ["lab2"]),
                          helper.make_node("Equal", ["lab2", "classes"], ["hot"]),
                          helper.make_node("Cast", ["hot"], ["onehot"], to=et),
                          helper.make_node("Sub", ["p", "onehot"], ["d"]),
                          helper.make_node("Mul", ["d", "invn"], ["y"])]
                outs.append(helper.make_tensor_value_info("y", et, [rows, cols]))
        graph = helper.make_graph(nodes, "g", ins, outs, initializer=inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
        model.ir_version = 8
        so = self.ort.SessionOptions()
        if self.threads == 1:
            so.intra_op_num_threads = 1
            so.inter_op_num_threads = 1
        so.execution_mode = self.ort.ExecutionMode.ORT_SEQUENTIAL
        so.graph_optimization_level = self.ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        return self.ort.InferenceSession(model.SerializeToString(), so,
                                         providers=["CPUExecutionProvider"])

    def _make_fn(self, op, dtype, x, labels):
        """Returns (fn, result) where result() gives (y or None, loss or None)."""
        rows, cols = x.shape
        name = self.name
        if name == "numpy_astype":
            if dtype not in HALF or op not in ("softmax", "log_softmax"):
                raise KeyError("unsupported")
            holder = {}

            def fn():
                holder["r"] = x.astype(np.float32)

            def result():
                return None, None  # a copy, not the operation: no error column
            return fn, result
        if dtype in HALF and (name != "onnxruntime" or dtype != "f16" or op not in ("softmax", "log_softmax")):
            # ONNX Runtime: float16 Softmax / LogSoftmax only (no bfloat16 kernels
            # on the CPU); the other Python peers have no 16-bit rows.
            raise KeyError("unsupported")
        if name == "onnxruntime":
            sess = self._ort_session(op, dtype, rows, cols)
            b = sess.io_binding()
            b.bind_cpu_input("x", x)
            if labels is not None:
                b.bind_cpu_input("labels", labels)
            y = None
            if op not in ("ce_fwd",):
                y = aligned_empty(x.shape, x.dtype)
                b.bind_output("y", "cpu", 0, x.dtype, list(x.shape), y.ctypes.data)
            if op.startswith("ce"):
                b.bind_output("loss")

            def fn():
                sess.run_with_iobinding(b)

            def result():
                outs = b.copy_outputs_to_cpu()  # in binding order: y, then loss
                loss = float(outs[-1]) if op.startswith("ce") else None
                return y, loss
            return fn, result
        if name == "jax":
            jax, jnp = self.jax, self.jax.numpy

            def ce(v, lab):
                picked = jnp.take_along_axis(v, lab[:, None], axis=-1)[:, 0]
                return jnp.mean(jax.nn.logsumexp(v, axis=-1) - picked)
            f = {"softmax": lambda v: jax.nn.softmax(v, axis=-1),
                 "log_softmax": lambda v: jax.nn.log_softmax(v, axis=-1),
                 "sigmoid": jax.nn.sigmoid, "log_sigmoid": jax.nn.log_sigmoid,
                 "softplus": jax.nn.softplus, "ce_fwd": ce,
                 "ce_fwdgrad": jax.value_and_grad(ce)}[op]
            jf = jax.jit(f)
            xd = jax.device_put(x)
            args = (xd,) if labels is None else (xd, jax.device_put(labels))
            holder = {}

            def fn():
                holder["r"] = jax.block_until_ready(jf(*args))

            def result():
                r = holder["r"]
                if op == "ce_fwd":
                    return None, float(r)
                if op == "ce_fwdgrad":
                    return np.asarray(r[1]), float(r[0])
                return np.asarray(r), None
            return fn, result
        if name in ("numpy", "scipy"):
            sp = getattr(self, "sp", None)
            r = np.arange(rows)
            if name == "numpy":
                def lse(v):
                    m = v.max(axis=-1, keepdims=True)
                    return (m + np.log(np.exp(v - m).sum(axis=-1, keepdims=True)))
                f = {"softmax": np_softmax,
                     "log_softmax": lambda v: v - lse(v),
                     "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
                     "log_sigmoid": lambda v: -np.logaddexp(0, -v),
                     "softplus": lambda v: np.logaddexp(0, v),
                     "ce_fwd": lambda v: (lse(v)[:, 0] - v[r, labels]).mean(),
                     "ce_fwdgrad": lambda v: ((lse(v)[:, 0] - v[r, labels]).mean(), np_softmax(v))}[op]
            else:
                f = {"softmax": lambda v: sp.softmax(v, axis=-1),
                     "log_softmax": lambda v: sp.log_softmax(v, axis=-1),
                     "sigmoid": sp.expit, "log_sigmoid": sp.log_expit,
                     "softplus": lambda v: np.logaddexp(0, v),
                     "ce_fwd": lambda v: (sp.logsumexp(v, axis=-1) - v[r, labels]).mean(),
                     "ce_fwdgrad": lambda v: ((sp.logsumexp(v, axis=-1) - v[r, labels]).mean(),
                                              sp.softmax(v, axis=-1))}[op]
            if op == "ce_fwdgrad":
                inner_f = f

                def f(v):
                    loss, g = inner_f(v)
                    g[r, labels] -= 1
                    g /= rows
                    return loss, g
            holder = {}

            def fn():
                holder["r"] = f(x)

            def result():
                out = holder["r"]
                if op == "ce_fwd":
                    return None, float(out)
                if op == "ce_fwdgrad":
                    return out[1], float(out[0])
                return out, None
            return fn, result
        raise KeyError("unsupported")

    def run(self, w, x, labels):
        if self.name in ("logits_py", "ctypes_noop"):
            return {"status": "unsupported"}, None, None
        try:
            fn, result = self._make_fn(w["op"], w["dtype"], x, labels if w["op"].startswith("ce") else None)
        except KeyError:
            return {"status": "unsupported"}, None, None
        wall, cpu = py_time(fn, self.core, True)
        res = summarize(wall, cpu, x.size)
        y, loss = result()
        return res, y, loss

    def overhead(self):
        x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
        name = self.name
        if name == "ctypes_noop":
            f = self.core.lib.bench_noop
            f.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_size_t]
            f.restype = ctypes.c_int
            y = np.empty_like(x)
            px, py = x.ctypes.data, y.ctypes.data

            def fn():
                f(px, py, 1, 3)
            get = None
        elif name == "logits_py":
            lg = self.logits
            holder = {}

            def fn():
                holder["y"] = lg.softmax(x)

            def get():
                return holder["y"]
        elif name == "onnxruntime":
            sess = self._ort_session("softmax", "f32", 1, 3)
            holder = {}
            feed = {"x": x}

            def fn():
                holder["y"] = sess.run(None, feed)[0]

            def get():
                return holder["y"]
        else:
            fn0, result = self._make_fn("softmax", "f32", x, None)
            fn = fn0

            def get():
                return result()[0]
        fn()
        t0 = time.perf_counter_ns()
        for _ in range(100):
            fn()
        est = (time.perf_counter_ns() - t0) / 100
        inner = int(max(1, 20e6 / max(est, 1.0)))
        wall, cpu = py_time(fn, self.core, False, rounds=5 if QUICK else 15, inner=inner)
        res = summarize(wall, cpu, 3)
        if get is not None:
            ref = np.exp(np.array([1.0, 2.0, 3.0]) - 3)
            ref /= ref.sum()
            res["rel"] = float(np.max(np.abs(np.asarray(get(), dtype=np.float64).ravel() - ref) / ref))
        return res


def worker(plan_path):
    plan = json.loads(Path(plan_path).read_text())
    name, mode = plan["impl"], plan["mode"]
    kind = IMPLS[name][0]
    threads = 1 if mode == "1" else 0
    core = Core()
    out_path = Path(plan["out"])
    results = []

    def emit(r):
        results.append(r)
        out_path.write_text(json.dumps(results, indent=1))

    if name == "jax" and mode == "1" and hasattr(os, "sched_setaffinity"):
        # XLA's CPU runtime still runs some ops on a second thread with
        # --xla_cpu_multi_thread_eigen=false: pin the process to one CPU.
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    try:
        impl = NativeImpl(name, core, threads) if kind == "native" else PythonImpl(name, core, threads)
        version = impl.version()
    except Exception as e:  # noqa: BLE001
        emit({"impl": name, "mode": mode, "workload": "*", "status": "unavailable",
              "reason": f"{type(e).__name__}: {e}"})
        return
    emit({"impl": name, "mode": mode, "workload": "version", "status": "info", "version": version})
    for w in plan["workloads"]:
        rec = {"impl": name, "mode": mode, "workload": w["name"]}
        t_cell = time.perf_counter()
        try:
            if w.get("kind") in ("c", "python"):
                if (w["kind"] == "c") != (kind == "native"):
                    continue
                res = impl.overhead()
                rec.update({"status": "ok"} | res if res.get("status") != "unsupported" else res)
            else:
                key = w["key"]
                x = aligned_copy(load_x(key, w["dtype"]))
                labels = np.load(DATA / f"{key}_labels.npy") if w["op"].startswith("ce") else None
                res, y, loss = impl.run(w, x, labels)
                if res.get("status") == "unsupported":
                    rec.update(res)
                else:
                    rec.update({"status": "ok"} | res)
                    if y is not None or loss is not None:
                        ref = np.load(w["ref"])
                        rec.update(errors(w["op"], w["dtype"], y, loss, ref))
                del x, labels
        except Exception as e:  # noqa: BLE001
            rec.update({"status": "unavailable", "reason": f"{type(e).__name__}: {e}"[:300]})
        rec["cell_seconds"] = round(time.perf_counter() - t_cell, 3)
        emit(rec)


# --------------------------------------------------------------------------
# Parent
# --------------------------------------------------------------------------

def thread_env(mode):
    env = dict(os.environ)
    for k in ("LOGITS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS",
              "XLA_FLAGS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env.pop(k, None)
    env["PYTHONPATH"] = str(ROOT / "bindings" / "python")
    env["JAX_PLATFORMS"] = "cpu"
    env["TF_CPP_MIN_LOG_LEVEL"] = "2"
    if mode == "1":
        env.update({"LOGITS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                    "OPENBLAS_NUM_THREADS": "1",
                    "XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"})
    return env


def sh(cmd):
    try:
        return subprocess.run(cmd, shell=True, capture_output=True, text=True, timeout=60).stdout.strip()
    except Exception:  # noqa: BLE001
        return ""


def machine():
    cpuinfo = Path("/proc/cpuinfo").read_text()
    model = re.search(r"model name\s*:\s*(.*)", cpuinfo)
    fl = re.search(r"flags\s*:\s*(.*)", cpuinfo)
    flags = set(fl.group(1).split()) if fl else set()
    return {
        "cpu": model.group(1) if model else platform.processor(),
        "lscpu": sh("lscpu | grep -E 'Model name|Thread|Core|Socket|L2|L3|Hypervisor'"),
        "flags": {f: f in flags for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl", "avx512dq")},
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "os": sh(". /etc/os-release && echo $PRETTY_NAME"),
        "gcc": sh("gcc --version | head -1"),
        "cc": sh("${CC:-cc} --version | head -1"),
        "swift": sh("swift --version 2>&1 | head -1"),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "ml_dtypes": ml_dtypes.__version__ if ml_dtypes else None,
        "debian_packages": sh("dpkg-query -W -f='${Package} ${Version}\\n' libdnnl-dev libxnnpack-dev "
                              "libsleef-dev libpthreadpool-dev 2>/dev/null"),
        "load_average_start": os.getloadavg(),
        "flush_bytes": flush_bytes(),
    }


def main():
    t_start = time.time()
    OUT.mkdir(parents=True, exist_ok=True)
    wl = [w for w in workloads() if selected(w["name"])]
    if BF16 is None and any(w["dtype"] == "bf16" for w in wl):
        print("bench: ml_dtypes is not installed: the bfloat16 workloads are left out "
              "(bench/install_peers.sh installs it)", flush=True)
        wl = [w for w in wl if w["dtype"] != "bf16"]
    ov = [w for w in OVERHEAD if selected(w["name"])]
    impls_env = [s.strip() for s in os.environ.get("BENCH_IMPLS", "").split(",") if s.strip()]
    impls = [i for i in IMPLS if not impls_env or i in impls_env]
    print(f"bench: {len(wl)} workloads, {len(ov)} overhead rows, implementations: {', '.join(impls)}"
          + (" (BENCH_QUICK)" if QUICK else ""), flush=True)
    t0 = time.time()
    for w in wl:
        w["key"] = make_inputs(w["rows"], w["cols"])
        if w["dtype"] in HALF:
            half_input(w["key"], w["dtype"])
        w["ref"] = str(reference(w, w["key"]))
    print(f"bench: inputs and references ready ({time.time() - t0:.1f} s)", flush=True)
    cells = []
    per_worker = []
    for mode in ("1", "default"):
        for name in impls:
            if mode not in IMPLS[name][1]:
                continue
            if mode == "default":
                mine = [w for w in wl if w["dtype"] == "f32"] + [w for w in ov if w["kind"] == "c"]
            else:
                mine = wl + ov
            if name in ("logits_py", "ctypes_noop"):
                mine = [w for w in mine if w.get("kind") == "python"]
            if name == "numpy_astype":  # the upcast copy: the 16-bit softmax and log-softmax rows
                mine = [w for w in mine if w.get("dtype") in HALF and w["op"] in ("softmax", "log_softmax")]
            elif name not in HALF_IMPLS:
                mine = [w for w in mine if w.get("dtype") not in HALF]
            if not mine:
                continue
            plan = OUT / f"plan_{name}_{mode}.json"
            part = OUT / f"part_{name}_{mode}.json"
            part.unlink(missing_ok=True)
            plan.write_text(json.dumps({"impl": name, "mode": mode, "workloads": mine, "out": str(part)}))
            t1 = time.time()
            print(f"bench: {name:18s} threads={mode:7s} ...", end="", flush=True)
            reason = None
            try:
                p = subprocess.run([sys.executable, __file__, "--worker", str(plan)], env=thread_env(mode),
                                   capture_output=True, text=True, timeout=WORKER_TIMEOUT)
                if p.returncode != 0:
                    tail = (p.stderr.strip().splitlines() or ["?"])[-1]
                    reason = f"worker exited with status {p.returncode}: {tail}"[:300]
            except subprocess.TimeoutExpired:
                reason = f"worker timed out after {WORKER_TIMEOUT} s"
            got = json.loads(part.read_text()) if part.exists() else []
            done = {r["workload"] for r in got}
            if reason:
                for w in mine:
                    if w["name"] not in done:
                        got.append({"impl": name, "mode": mode, "workload": w["name"],
                                    "status": "unavailable", "reason": reason})
            cells += got
            dt = time.time() - t1
            per_worker.append({"impl": name, "mode": mode, "seconds": round(dt, 1)})
            print(f" {dt:6.1f} s" + (f"  ({reason})" if reason else ""), flush=True)
    install = {}
    for k in ("first", "last"):
        f = OUT / f"install-{k}.json"
        if f.exists():
            try:
                install[k] = json.loads(f.read_text())
            except ValueError:
                pass
    partial = bool(os.environ.get("BENCH_ONLY", "").strip() or impls_env)
    old_path = OUT / "results.json"
    if partial and old_path.exists():
        try:
            old = json.loads(old_path.read_text())
        except ValueError:
            old = None
        if old and old.get("quick") == QUICK:
            fresh = {(c["impl"], c["mode"], c["workload"]) for c in cells}
            cells = [c for c in old["cells"] if (c["impl"], c["mode"], c["workload"]) not in fresh] + cells
            names = {w["name"] for w in wl}
            wl = [w for w in old["workloads"] if w["name"] not in names] + wl
            ov_names = {w["name"] for w in ov}
            ov = [w for w in old["overhead"] if w["name"] not in ov_names] + ov
            again = {(x["impl"], x["mode"]) for x in per_worker}
            per_worker = [x for x in old.get("workers", []) if (x["impl"], x["mode"]) not in again] + per_worker
            print("bench: merged into the previous results.json (BENCH_ONLY / BENCH_IMPLS)")
    # The canonical workload order (merged runs append), which report.py keeps.
    order = {w["name"]: i for i, w in enumerate(workloads())}
    wl = sorted(wl, key=lambda w: order.get(w["name"], len(order)))
    results = {
        "quick": QUICK, "budget_s": BUDGET, "min_rounds": MIN_ROUNDS, "max_rounds": MAX_ROUNDS,
        "seed": SEED, "only": os.environ.get("BENCH_ONLY", ""), "impls_filter": impls_env,
        "machine": machine(), "implementations": {k: v[2] for k, v in IMPLS.items()},
        "workloads": wl, "overhead": ov, "cells": cells, "workers": per_worker, "install": install,
        "started": time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(t_start)),
        "run_seconds": round(time.time() - t_start, 1),
        "load_average_end": os.getloadavg(),
    }
    (OUT / "results.json").write_text(json.dumps(results, indent=1))
    print(f"bench: results in {OUT / 'results.json'} ({results['run_seconds']} s); "
          "bench/report.py writes BENCHMARKS.md from them", flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--worker":
        worker(sys.argv[2])
    else:
        main()
