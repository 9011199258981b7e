"""Measuring Logits' accuracy against high-precision references.

Shared by tools/accuracy.py (the full run that writes ACCURACY.md) and
Tests/python/test_accuracy_contract.py (a quick sample that asserts the bounds
in abi/operations.h). See ACCURACY.md for the method.

References
----------
* float64 results: mpmath at 128 bits, on the exact float64 inputs, with
  formulas that avoid cancellation (log1p of the sum of the non-maximal terms,
  softplus/log-sigmoid by log1p(exp(-|x|)), BCE as a sum of nonnegative
  terms). The 128-bit result is kept as a double-double (hi + lo) so errors
  of float64 outputs are computed exactly enough in numpy.
* float32 results: float64 numpy/math formulas, which are provably enough:
  each is a handful of float64 operations on exact float32 inputs, so its
  relative error is below (few + |z|) * 2^-53, i.e. < 1e-6 float32 ulp for
  every argument that produces a nonzero float32 result; where that bound is
  not small (logsumexp near 0 by cancellation) the row is recomputed with
  mpmath ("escalated"), so the float32 reference error is < 1e-3 ulp always.
* float16 and bfloat16 results: the float32 branch's float64 formulas, on
  the exact 16-bit inputs (every float16 and bfloat16 value is exact in
  float64). Their relative error, (few + |z|) * 2^-53 with |z| < 100 where
  a 16-bit result is nonzero, is below 2^-30 of a float16 ulp (at least
  2^-11 of the value) or a bfloat16 ulp (at least 2^-8): far below the
  0.01 ulp between a correctly rounded 16-bit result (0.5 ulp) and its
  bound (0.51); logsumexp near 0 is escalated to mpmath as for float32.
  The losses of 16-bit inputs are float32 values, measured like float32
  losses against the float64 loss of the same 16-bit inputs.
  numpy/SciPy, which have no 16-bit kernels for most of these functions, are
  measured on the input widened to float32, the result rounded to the format.
* Long rows (10^5 to 10^7 entries) take their values from a pool of 2,048
  distinct numbers in random order: the library sees a genuine long row while
  the exact sum is sum(count_v * exp(v)) over the pool, computed with mpmath.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import mpmath
import numpy as np
from mpmath import mp

from logits import _operations as _ops

mp.prec = 128

F32, F64 = np.dtype(np.float32), np.dtype(np.float64)
F16 = np.dtype(np.float16)
try:  # bfloat16 is ml_dtypes' dtype (optional, as in the binding)
    import ml_dtypes
    BF16: np.dtype | None = np.dtype(ml_dtypes.bfloat16)
except ImportError:  # pragma: no cover - ml_dtypes is a dev requirement
    BF16 = None
HALF = [F16] + ([BF16] if BF16 is not None else [])  # the 16-bit storage formats
# precision p, smallest normal exponent, subnormal spacing exponent
PREC = {F32: 24, F64: 53, F16: 11}
EMIN = {F32: -126, F64: -1022, F16: -14}
EMIN_SUB = {F32: -149, F64: -1074, F16: -24}
if BF16 is not None:
    PREC[BF16], EMIN[BF16], EMIN_SUB[BF16] = 8, -126, -133


def is_half(dtype) -> bool:
    """float16 or bfloat16: a storage format the library widens to float32."""
    return np.dtype(dtype).itemsize == 2


def f64_reference(dtype) -> bool:
    """Whether float64 formulas are the reference (float32 and the 16-bit
    formats; float64 results take mpmath)."""
    return np.dtype(dtype) != F64


def work_dtype(dtype):
    """The dtype the library computes a `dtype` input in (and takes the
    temperature in): float32 for the 16-bit formats."""
    return F32 if is_half(dtype) else np.dtype(dtype)


# --------------------------------------------------------------------------
# ulps and errors
# --------------------------------------------------------------------------

def ulp(ref_hi: np.ndarray, dtype) -> np.ndarray:
    """Spacing of `dtype` at the exact values (given by their double
    approximation): 2^(e - p + 1) with 2^e <= |ref| < 2^(e+1), never below
    the subnormal spacing."""
    dtype = np.dtype(dtype)
    a = np.abs(np.asarray(ref_hi, dtype=np.float64))
    _, e = np.frexp(a)
    e = np.where(a > 0, e - 1, EMIN[dtype])
    e = np.maximum(e, EMIN[dtype])
    return np.ldexp(1.0, (e - PREC[dtype] + 1).astype(np.int64))


def abs_err(got, hi, lo=None) -> np.ndarray:
    """|got - (hi + lo)| in float64 (got - hi is exact when they are close)."""
    g = np.asarray(got, dtype=np.float64)
    with np.errstate(all="ignore"):
        d = g - hi
        if lo is not None:
            d = d - lo
    return np.abs(d)


def dd(x) -> tuple[float, float]:
    """An mpf as a double-double (hi, lo); infinities as (inf, 0)."""
    if not mpmath.isfinite(x):
        return (float(x), 0.0)
    hi = float(x)
    if not math.isfinite(hi):
        return (hi, 0.0)
    return hi, float(x - hi)


@dataclass
class Stat:
    """Running maxima of one (function, dtype, domain, implementation) cell."""
    metric: str
    n: int = 0
    worst: float = 0.0
    worst_at: str = ""
    max_ulp: float = 0.0            # plain ulps (or relative, for "rel"), for context
    special_bad: int = 0            # results that must be exact (inf/NaN/0 rules) and were not
    special_total: int = 0
    notes: list = field(default_factory=list)

    def add(self, err: np.ndarray, plain: np.ndarray | None = None, where=None):
        err = np.asarray(err, dtype=np.float64).ravel()
        if err.size == 0:
            return
        self.n += err.size
        bad = ~np.isfinite(err)
        if bad.any():
            err = np.where(bad, np.inf, err)
        i = int(np.argmax(err))
        if err[i] > self.worst or (self.worst == 0 and not self.worst_at):
            self.worst = float(err[i])
            self.worst_at = where(i) if where else ""
        if plain is not None and np.asarray(plain).size:
            self.max_ulp = max(self.max_ulp, float(np.nanmax(np.asarray(plain, dtype=np.float64))))

    def special(self, ok: np.ndarray):
        ok = np.asarray(ok, dtype=bool).ravel()
        self.special_total += ok.size
        self.special_bad += int((~ok).sum())


def same_special(got, expected) -> np.ndarray:
    """Elementwise: both NaN, or equal (infinities and zeros included)."""
    g = np.asarray(got, dtype=np.float64)
    e = np.asarray(expected, dtype=np.float64)
    return (np.isnan(g) & np.isnan(e)) | (g == e)


# --------------------------------------------------------------------------
# Elementwise references
# --------------------------------------------------------------------------

def _mp_elem(name: str, x: float):
    if math.isnan(x):
        return mpmath.mpf("nan")
    if math.isinf(x):
        return {("sigmoid", 1): mp.mpf(1), ("sigmoid", -1): mp.mpf(0),
                ("log_sigmoid", 1): mp.mpf(0), ("log_sigmoid", -1): mp.mpf("-inf"),
                ("softplus", 1): mp.mpf("inf"), ("softplus", -1): mp.mpf(0)}[(name, 1 if x > 0 else -1)]
    v = mp.mpf(x)
    t = mp.log1p(mp.exp(-abs(v)))  # log(1 + e^-|x|) > 0, no cancellation
    if name == "softplus":
        return (v if v > 0 else 0) + t
    if name == "log_sigmoid":
        return (v if v < 0 else 0) - t
    if name == "sigmoid":
        return 1 / (1 + mp.exp(-v)) if v >= 0 else mp.exp(v) / (1 + mp.exp(v))
    raise ValueError(name)


def _f64_elem(name: str, x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        t = np.log1p(np.exp(-np.abs(x)))
        if name == "softplus":
            return np.maximum(x, 0) + t
        if name == "log_sigmoid":
            return np.minimum(x, 0) - t
        if name == "sigmoid":
            e = np.exp(-np.abs(x))
            return np.where(x >= 0, 1 / (1 + e), e / (1 + e))
    raise ValueError(name)


def ref_elementwise(name: str, x: np.ndarray, dtype) -> tuple[np.ndarray, np.ndarray]:
    """(hi, lo) of the exact result for every entry of x (values of dtype)."""
    dtype = np.dtype(dtype)
    x = np.asarray(x, dtype=dtype)
    if f64_reference(dtype):
        return _f64_elem(name, x), np.zeros(x.shape)
    flat = x.astype(np.float64).ravel()
    uniq, inv = np.unique(flat, return_inverse=True)
    pairs = np.array([dd(_mp_elem(name, float(v))) for v in uniq]).reshape(-1, 2)
    return pairs[inv, 0].reshape(x.shape), pairs[inv, 1].reshape(x.shape)


def ref_elem_backward(name: str, y: np.ndarray, dy: np.ndarray, dtype):
    """(hi, lo) of dx for the elementwise gradients, from y and dy."""
    dtype = np.dtype(dtype)
    y = np.asarray(y, dtype=dtype).astype(np.float64)
    dy = np.asarray(dy, dtype=dtype).astype(np.float64)
    if f64_reference(dtype):
        with np.errstate(all="ignore"):
            if name == "sigmoid_backward":
                r = dy * y * (1 - y)  # dy*y exact, 1-y exact: one rounding
            elif name == "log_sigmoid_backward":
                r = dy * -np.expm1(y)
            else:
                r = dy * -np.expm1(-y)
        return r, np.zeros(r.shape)
    out = []
    for a, b in zip(y.ravel(), dy.ravel()):
        A, B = mp.mpf(float(a)), mp.mpf(float(b))
        if name == "sigmoid_backward":
            r = B * A * (1 - A)
        elif name == "log_sigmoid_backward":
            r = B * -mp.expm1(A)
        else:
            r = B * -mp.expm1(-A)
        out.append(dd(r))
    arr = np.array(out).reshape(-1, 2)
    return arr[:, 0].reshape(y.shape), arr[:, 1].reshape(y.shape)


# --------------------------------------------------------------------------
# Softmax family references, one row at a time
# --------------------------------------------------------------------------

@dataclass
class RowRef:
    soft: tuple            # (hi, lo) arrays
    lsm: tuple
    lse: tuple             # (hi, lo) scalars
    z: np.ndarray          # (x - max)/T in float64 (for the ulp_z metric)
    shift: float           # max/T
    special: bool          # row has inf/NaN: results are checked exactly


def _row_special(x: np.ndarray) -> RowRef | None:
    """Documented results for rows with non-finite entries (or empty)."""
    n = x.size
    if n == 0:
        return RowRef((np.zeros(0), np.zeros(0)), (np.zeros(0), np.zeros(0)), (-np.inf, 0.0),
                      np.zeros(0), -np.inf, True)
    if np.isnan(x).any():
        nan = np.full(n, np.nan)
        return RowRef((nan, np.zeros(n)), (nan, np.zeros(n)), (np.nan, 0.0), nan, np.nan, True)
    if (x == -np.inf).all():
        return RowRef((np.zeros(n), np.zeros(n)), (np.full(n, -np.inf), np.zeros(n)), (-np.inf, 0.0),
                      np.full(n, np.nan), -np.inf, True)
    k = int((x == np.inf).sum())
    if k:
        inf = x == np.inf
        return RowRef((np.where(inf, 1.0 / k, 0.0), np.zeros(n)),
                      (np.where(inf, -math.log(k), -np.inf), np.zeros(n)), (np.inf, 0.0),
                      np.full(n, np.nan), np.inf, True)
    if (x == -np.inf).any():
        return None  # handled by the finite path (exp(-inf) = 0)
    return None


def ref_row(x: np.ndarray, dtype, T: float = 1.0, counts: np.ndarray | None = None) -> RowRef:
    """Exact softmax, log-softmax and logsumexp of one row x / T.

    With `counts`, x holds distinct values and counts[i] how often x[i]
    occurs in the real row (long rows); the arrays returned are per value."""
    dtype = np.dtype(dtype)
    x = np.asarray(x, dtype=np.float64)
    sp = _row_special(x) if counts is None else None
    if sp is not None:
        return sp
    cnt = np.ones(x.size) if counts is None else np.asarray(counts, dtype=np.float64)
    fin = np.isfinite(x)
    imax = int(np.argmax(np.where(fin, x, -np.inf)))
    if f64_reference(dtype) and counts is None:
        Tq = float(np.float32(T))  # the temperature of float32 and 16-bit calls
        z = np.where(fin, (x - x[imax]) / Tq, -np.inf)  # <= 2^-53 relative each
        with np.errstate(all="ignore"):
            e = np.exp(z)
        # rest = sum of all terms but one copy of the maximum (exactly summed)
        rest = math.fsum(np.delete(e, imax)) + (cnt[imax] - 1)
        L = math.log1p(rest)
        soft = e / (1.0 + rest)
        lsm = z - L
        shift = x[imax] / Tq
        lse = shift + L
        # escalate when cancellation in shift + L makes the float64 value loose
        bound = 8 * 2.0 ** -53 * (abs(shift) + L + 1e-300)
        if bound > 1e-3 * float(ulp(np.array([lse]), dtype)[0]):
            lse_mp = mp.mpf(float(x[imax])) / mp.mpf(Tq) + mp.log1p(
                mp.fsum(mp.exp((mp.mpf(float(v)) - mp.mpf(float(x[imax]))) / mp.mpf(Tq))
                        for j, v in enumerate(x) if j != imax and np.isfinite(v)))
            lse_pair = dd(lse_mp)
        else:
            lse_pair = (lse, 0.0)
        return RowRef((soft, np.zeros(x.size)), (lsm, np.zeros(x.size)), lse_pair, z, shift, False)
    # mpmath
    Tm = mp.mpf(float(np.asarray(T, dtype=work_dtype(dtype))))
    xm = mp.mpf(float(x[imax]))
    zs = [((mp.mpf(float(v)) - xm) / Tm) if np.isfinite(v) else mp.mpf("-inf") for v in x]
    es = [mp.exp(z) for z in zs]
    # (adding 1 and subtracting it again would round a tiny rest away)
    rest = mp.fsum([es[j] * int(cnt[j]) for j in range(x.size) if j != imax] + [int(cnt[imax]) - 1])
    L = mp.log1p(rest)
    S = 1 + rest
    soft = np.array([dd(e / S) for e in es]).reshape(-1, 2)
    lsm = np.array([dd(z - L) for z in zs]).reshape(-1, 2)
    shift = xm / Tm
    z64 = np.array([float(z) for z in zs])
    return RowRef((soft[:, 0], soft[:, 1]), (lsm[:, 0], lsm[:, 1]), dd(shift + L), z64, float(shift), False)


# --------------------------------------------------------------------------
# Metrics for the softmax family
# --------------------------------------------------------------------------

def softmax_errors(name: str, dtype, got_row, ref: RowRef, metric: str):
    """(metric errors, plain ulps) of one row's results."""
    dtype = np.dtype(dtype)
    if name == "logsumexp":
        hi, lo = ref.lse
        e = abs_err(np.array([got_row]).ravel(), np.array([hi]), np.array([lo]))
        plain = e / ulp(np.array([hi]), dtype)
        if metric == "ulp_lse":
            scale = max(abs(hi), abs(ref.shift))
            return e / ulp(np.array([scale]), dtype), plain
        return plain, plain
    hi, lo = ref.soft if name == "softmax" else ref.lsm
    e = abs_err(got_row, hi, lo)
    plain = e / ulp(hi, dtype)
    if metric == "ulp_z":
        za = np.abs(ref.z)
        za = np.where(np.isfinite(za), za, 0)
        zabs = za if name == "softmax" else np.full(za.shape, za.max() if za.size else 0.0)
        return plain / (1 + zabs), plain
    return plain, plain


# --------------------------------------------------------------------------
# Input domains
# --------------------------------------------------------------------------

def _sign(rng, n):
    return np.where(rng.random(n) < 0.5, -1.0, 1.0)


def gen_values(domain: str, n: int, dtype, rng) -> np.ndarray:
    """n values of `dtype` from an input domain (see DOMAINS)."""
    dtype = np.dtype(dtype)
    fi = np.finfo(dtype)
    if domain == "normal":
        v = rng.normal(0.0, 3.0, n)
    elif domain == "elem-normal":
        v = rng.uniform(-20.0, 20.0, n)
    elif domain == "wide":                      # |x| from 1e-3 to 1e4
        v = _sign(rng, n) * 10.0 ** rng.uniform(-3.0, 4.0, n)
    elif domain == "huge":                      # |x| from 1 to the largest float
        e = rng.integers(0, fi.maxexp, n)
        v = _sign(rng, n) * np.ldexp(rng.uniform(1.0, 2.0, n), e)
        with np.errstate(over="ignore"):
            v = np.where(np.isfinite(v.astype(dtype)), v, _sign(rng, n) * float(fi.max))
    elif domain == "subnormal":
        p = PREC[dtype] - 1
        v = _sign(rng, n) * np.ldexp(rng.integers(1, 2 ** p, n).astype(np.float64), EMIN_SUB[dtype])
    elif domain == "every":                     # 16-bit formats: every finite value (n is ignored)
        if not is_half(dtype):
            raise ValueError(f"domain 'every' needs a 16-bit dtype, not {dtype}")
        v = np.arange(2 ** 16, dtype=np.uint16).view(dtype)
        with np.errstate(invalid="ignore"):
            return v[np.isfinite(v.astype(np.float64))]
    else:
        raise ValueError(domain)
    return v.astype(dtype)


DOMAIN_TEXT = {
    "elem-normal": "x ~ U(-20, 20)",
    "normal": "x ~ N(0, 3^2)",
    "wide": "|x| = 10^U(-3, 4) (up to 1e4), random sign",
    "huge": "|x| = U(1, 2) * 2^k, k uniform up to the largest exponent (up to the largest finite value "
            "of the dtype: 3.4e38 float32, 1.8e308 float64, 65504 float16, 3.39e38 bfloat16)",
    "subnormal": "random subnormals of the dtype, random sign",
    "every": "every finite value of the format (float16 and bfloat16 only: 63,488 and 65,280 inputs)",
    "T=0.37": "x ~ N(0, 3^2), temperature 0.37 (the _axis form)",
    "long": "rows of 10^5, 10^6 and 10^7 entries from a pool of 2,048 values ~ N(0, 3^2)",
    "special": "+-inf, NaN, +-0, fully masked rows, +inf entries, empty axis: documented results, exactly",
}


# --------------------------------------------------------------------------
# The measurement
# --------------------------------------------------------------------------

# The functions measured, by kind, from the operation list (abi/operations.h):
# a function added there is measured here, and fails until it has a reference.
ELEMENTWISE = _ops.functions("EW")
AXIS = _ops.functions("AXIS_FWD", "AXIS_LSE")
ELEM_BWD = _ops.functions("EW_BWD")
AXIS_BWD = _ops.functions("AXIS_BWD")


def _numpy_impl(name: str, x, dtype, T=1.0):
    """SciPy / numpy formulations, computed in the input dtype (16-bit
    formats: in float32 on the widened input, rounded to the format)."""
    import scipy.special as sp
    if is_half(dtype):
        r = _numpy_impl(name, np.asarray(x, dtype=dtype).astype(F32), F32, T)
        with np.errstate(all="ignore"):
            return np.asarray(r, dtype=F32).astype(dtype)
    x = np.asarray(x, dtype=dtype)
    with np.errstate(all="ignore"):
        if T != 1.0:
            x = x / np.asarray(T, dtype=dtype)
        if name == "softmax":
            return sp.softmax(x, axis=-1)
        if name == "log_softmax":
            return sp.log_softmax(x, axis=-1)
        if name == "logsumexp":
            return np.asarray(sp.logsumexp(x, axis=-1), dtype=dtype)
        if name == "sigmoid":
            return sp.expit(x)
        if name == "log_sigmoid":
            return sp.log_expit(x)
        if name == "softplus":
            return np.logaddexp(np.asarray(0, dtype=dtype), x)
    raise ValueError(name)


NUMPY_NAME = {
    "softmax": "scipy.special.softmax", "log_softmax": "scipy.special.log_softmax",
    "logsumexp": "scipy.special.logsumexp", "sigmoid": "scipy.special.expit",
    "log_sigmoid": "scipy.special.log_expit", "softplus": "numpy.logaddexp(0, x)",
    "softmax_backward": "numpy: y * (dy - sum(y * dy))",
    "log_softmax_backward": "numpy: dy - exp(y) * sum(dy)",
    "sigmoid_backward": "numpy: dy * y * (1 - y)",
    "log_sigmoid_backward": "numpy: dy * -expm1(y)",
    "softplus_backward": "numpy: dy * -expm1(-y)",
    "cross_entropy_logits": "numpy: -scipy.special.log_softmax(x)[label]",
    "cross_entropy_probs": "numpy (Keras): -log(clip(x / sum(x), eps, 1 - eps))[label]",
    "binary_cross_entropy": "numpy (PyTorch): max(x, 0) - x y + log1p(exp(-|x|))",
}


class Results:
    """(function, dtype, domain, impl) -> Stat."""

    def __init__(self, bounds):
        self.bounds = bounds
        self.cells: dict = {}

    def stat(self, fn, dtype, domain, impl) -> Stat:
        key = (fn, np.dtype(dtype).name, domain, impl)
        if key not in self.cells:
            metric = self.bounds[(fn, np.dtype(dtype).name)][0]
            self.cells[key] = Stat(metric)
        return self.cells[key]


def _split(got, hi, dtype):
    """Entries whose exact result is not finite in dtype are checked exactly;
    returns (mask of ordinary entries, ok flags of the exact ones)."""
    dtype = np.dtype(dtype)
    hi = np.asarray(hi, dtype=np.float64)
    g = np.asarray(got, dtype=np.float64)
    with np.errstate(all="ignore"):
        rounded = hi.astype(dtype).astype(np.float64)
    exact = ~np.isfinite(rounded)
    ok = same_special(g[exact], rounded[exact])
    return ~exact, ok


def record(stat: Stat, got, hi, lo, dtype, err_fn=None):
    """Adds the ulp errors (or err_fn(got, hi, lo) errors) of got against (hi, lo)."""
    got = np.asarray(got)
    ordinary, ok = _split(got, hi, dtype)
    stat.special(ok)
    g, h, l = got[ordinary], np.asarray(hi)[ordinary], np.asarray(lo)[ordinary]
    if err_fn is None:
        e = abs_err(g, h, l) / ulp(h, dtype)
        stat.add(e, e)
    else:
        e, plain = err_fn(g, h, l, ordinary)
        stat.add(e, plain)


def measure_elementwise(res: Results, lg, dtypes, domains, n_by_dtype, rng):
    for dtype in dtypes:
        n = n_by_dtype[np.dtype(dtype)]
        # the 16-bit formats also on every finite value (at most 65,536 inputs)
        for dom in list(domains) + (["every"] if is_half(dtype) and "every" not in domains else []):
            x = gen_values(dom, n, dtype, rng)
            for name in ELEMENTWISE:
                hi, lo = ref_elementwise(name, x, dtype)
                record(res.stat(name, dtype, dom, "logits"), getattr(lg, name)(x), hi, lo, dtype)
                record(res.stat(name, dtype, dom, "numpy"), _numpy_impl(name, x, dtype), hi, lo, dtype)
        # special values: documented results, exactly
        fi = np.finfo(dtype)
        xs = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, fi.max, -fi.max], dtype=dtype)
        for name in ELEMENTWISE:
            hi, lo = ref_elementwise(name, xs, dtype)
            exp = hi.astype(dtype)
            for impl, got in (("logits", getattr(lg, name)(xs)), ("numpy", _numpy_impl(name, xs, dtype))):
                res.stat(name, dtype, "special", impl).special(same_special(got, exp))


def measure_elem_backward(res: Results, lg, dtypes, domains, n_by_dtype, rng):
    for dtype in dtypes:
        n = n_by_dtype[np.dtype(dtype)]
        for dom in domains:
            x = gen_values(dom, n, dtype, rng)
            dy = rng.normal(0.0, 1.0, n).astype(dtype)
            for name in ELEM_BWD:
                fwd = name[: -len("_backward")]
                y = getattr(lg, fwd)(x)
                hi, lo = ref_elem_backward(name, y, dy, dtype)
                record(res.stat(name, dtype, dom, "logits"), getattr(lg, name)(y, dy), hi, lo, dtype)
                w = work_dtype(dtype)  # numpy: float32 for the 16-bit formats, rounded back
                yd, dyd = np.asarray(y).astype(w), dy.astype(w)
                with np.errstate(all="ignore"):
                    one = np.asarray(1, dtype=w)
                    npv = (dyd * yd * (one - yd) if fwd == "sigmoid" else
                           dyd * -np.expm1(yd) if fwd == "log_sigmoid" else dyd * -np.expm1(-yd))
                    npv = npv.astype(dtype)
                record(res.stat(name, dtype, dom, "numpy"), npv, hi, lo, dtype)


ROW_LENGTHS = [1, 2, 3, 7, 8, 9, 16, 17, 33, 64, 100, 1000]


def _rows(domain, dtype, rng, rows_per_length, lengths):
    for L in lengths:
        for _ in range(rows_per_length):
            d = "normal" if domain == "T=0.37" else domain
            yield gen_values(d, L, dtype, rng)


def measure_axis(res: Results, lg, dtypes, domains, rows_by_dtype, rng, lengths=ROW_LENGTHS):
    for dtype in dtypes:
        for dom in domains:
            T = 0.37 if dom == "T=0.37" else 1.0
            Teff = float(np.asarray(T, dtype=work_dtype(dtype)))  # the temperature as the call takes it
            for x in _rows(dom, dtype, rng, rows_by_dtype[np.dtype(dtype)], lengths):
                ref = ref_row(x, dtype, T)
                for name in AXIS:
                    metric = res.bounds[(name, np.dtype(dtype).name)][0]
                    for impl in ("logits", "numpy"):
                        got = (getattr(lg, name)(x, temperature=T) if impl == "logits"
                               else _numpy_impl(name, x, dtype, Teff))
                        st = res.stat(name, dtype, dom, impl)
                        _record_axis(st, name, dtype, got, ref, metric)
        _measure_axis_special(res, lg, dtype)


def _record_axis(st: Stat, name, dtype, got, ref: RowRef, metric):
    got = np.asarray(got, dtype=np.float64).ravel()
    hi, lo = (np.array([ref.lse[0]]), np.array([ref.lse[1]])) if name == "logsumexp" else \
        (ref.soft if name == "softmax" else ref.lsm)
    ordinary, ok = _split(got, hi, dtype)
    st.special(ok)
    if not ordinary.any():
        return
    e, plain = softmax_errors(name, dtype, got, ref, metric)
    if name != "logsumexp":
        e, plain = e[ordinary], plain[ordinary]
    st.add(e, plain)


def _measure_axis_special(res, lg, dtype):
    rows = [np.full(5, -np.inf), np.array([np.inf, 1.0, np.inf, -np.inf, 0.0]),
            np.array([1.0, np.nan, 2.0]), np.array([np.inf]), np.array([-np.inf, 3.0, -np.inf]),
            np.array([np.finfo(dtype).max, -np.finfo(dtype).max])]
    for x in rows:
        x = x.astype(dtype)
        ref = _row_special(x.astype(np.float64))
        if ref is None:
            ref = ref_row(x, dtype)
        for name in AXIS:
            want = np.array([ref.lse[0]]) if name == "logsumexp" else (ref.soft if name == "softmax" else ref.lsm)[0]
            with np.errstate(all="ignore"):
                want = np.asarray(want, dtype=np.float64).astype(dtype)
            for impl in ("logits", "numpy"):
                got = getattr(lg, name)(x) if impl == "logits" else _numpy_impl(name, x, dtype)
                got = np.asarray(got, dtype=np.float64).ravel()
                if np.isfinite(want).all() and name != "logsumexp" and np.isfinite(x).all():
                    continue  # an ordinary row: measured elsewhere
                with np.errstate(all="ignore"):
                    close = np.isfinite(want) & (np.abs(got - want) <= 2 * ulp(want, dtype))
                res.stat(name, dtype, "special", impl).special(same_special(got, want) | close)
    # empty axis: logsumexp = -inf
    e = np.zeros((2, 0), dtype=dtype)
    for impl in ("logits", "numpy"):
        got = lg.logsumexp(e) if impl == "logits" else _numpy_impl("logsumexp", e, dtype)
        res.stat("logsumexp", dtype, "special", impl).special(same_special(np.ravel(got), [-np.inf, -np.inf]))


def measure_long_rows(res: Results, lg, dtypes, lengths, rng, pool_size=2048):
    for dtype in dtypes:
        for L in lengths:
            pool = np.unique(gen_values("normal", pool_size, dtype, rng))
            idx = rng.integers(0, pool.size, L)
            x = pool[idx]
            counts = np.bincount(idx, minlength=pool.size)
            keep = counts > 0
            ref = ref_row(pool[keep], dtype, 1.0, counts=counts[keep])
            # map every entry to its pool value's reference
            remap = np.cumsum(keep) - 1
            where = remap[idx]
            full = RowRef((ref.soft[0][where], ref.soft[1][where]), (ref.lsm[0][where], ref.lsm[1][where]),
                          ref.lse, ref.z[where], ref.shift, False)
            for name in AXIS:
                metric = res.bounds[(name, np.dtype(dtype).name)][0]
                for impl in ("logits", "numpy"):
                    got = getattr(lg, name)(x) if impl == "logits" else _numpy_impl(name, x, dtype)
                    _record_axis(res.stat(name, dtype, "long", impl), name, dtype, got, full, metric)


def measure_axis_backward(res: Results, lg, dtypes, domains, rows_by_dtype, rng, lengths=(8, 100, 1000)):
    for dtype in dtypes:
        dtype = np.dtype(dtype)
        for dom in domains:
            for L in lengths:
                for _ in range(rows_by_dtype[dtype]):
                    x = gen_values(dom, L, dtype, rng)
                    dy = (rng.normal(0, 1, L) * _dy_scale(dom, dtype)).astype(dtype)
                    for name in AXIS_BWD:
                        y = (lg.softmax if name == "softmax_backward" else lg.log_softmax)(x)
                        hi, lo, scale = _ref_axis_bwd(name, y, dy, dtype)
                        w = work_dtype(dtype)  # numpy: float32 for the 16-bit formats, rounded back
                        yw, dyw = np.asarray(y).astype(w), dy.astype(w)
                        with np.errstate(all="ignore"):
                            if name == "softmax_backward":
                                npv = yw * (dyw - np.sum(yw * dyw, dtype=w))
                            else:
                                npv = dyw - np.exp(yw) * np.sum(dyw, dtype=w)
                            npv = npv.astype(dtype)
                        for impl, got in (("logits", getattr(lg, name)(y, dy)), ("numpy", npv)):
                            st = res.stat(name, dtype, dom, impl)
                            got = np.asarray(got)
                            ordinary, ok = _split(got, hi, dtype)  # overflow: exactly +-inf
                            st.special(ok)
                            e = abs_err(got[ordinary], hi[ordinary], lo[ordinary])
                            st.add(e / ulp(scale[ordinary], dtype), e / ulp(hi[ordinary], dtype))


def _dy_scale(domain, dtype):
    """dy ~ N(0, 1) times this: 10^4 in `wide` (10^2 for float16: the sum
    of 1,000 terms of size 10^4 would pass its largest value, 65504)."""
    if domain != "wide":
        return 1.0
    return 1e2 if np.dtype(dtype) == F16 else 1e4


def _ref_axis_bwd(name, y, dy, dtype):
    """(hi, lo, term scale) of the axis gradients (T = 1)."""
    y64, dy64 = y.astype(np.float64), dy.astype(np.float64)
    if f64_reference(dtype):
        if name == "softmax_backward":
            s = math.fsum(y64 * dy64)          # products of float32s are exact in float64
            ref = y64 * (dy64 - s)
            scale = np.abs(y64) * (np.abs(dy64) + math.fsum(np.abs(y64 * dy64)))
        else:
            s = math.fsum(dy64)
            ey = np.exp(y64)
            ref = dy64 - ey * s
            scale = np.abs(dy64) + ey * math.fsum(np.abs(dy64))
        return ref, np.zeros(ref.shape), scale
    Y = [mp.mpf(float(v)) for v in y64]
    D = [mp.mpf(float(v)) for v in dy64]
    if name == "softmax_backward":
        s = mp.fsum(a * b for a, b in zip(Y, D))
        out = [dd(a * (b - s)) for a, b in zip(Y, D)]
        scale = np.abs(y64) * (np.abs(dy64) + math.fsum(np.abs(y64 * dy64)))
    else:
        s = mp.fsum(D)
        out = [dd(b - mp.exp(a) * s) for a, b in zip(Y, D)]
        scale = np.abs(dy64) + np.exp(y64) * math.fsum(np.abs(dy64))
    arr = np.array(out).reshape(-1, 2)
    return arr[:, 0], arr[:, 1], scale


def measure_losses(res: Results, lg, dtypes, domains, samples_by_dtype, rng, classes=(10, 1000)):
    import scipy.special as sp
    for dtype in dtypes:
        dtype = np.dtype(dtype)
        ns = samples_by_dtype[dtype]
        out = work_dtype(dtype)  # the loss's dtype: float32 for 16-bit inputs (and numpy's)
        for dom in domains:
            for C in classes:
                x = gen_values(dom, ns * C, dtype, rng).reshape(ns, C)
                lab = rng.integers(0, C, ns)
                ref = [_ref_ce_logits(x[i], lab[i], dtype) for i in range(ns)]
                hi = np.array([r[0] for r in ref])
                lo = np.array([r[1] for r in ref])
                got = lg.cross_entropy(x, lab, reduction="none")
                with np.errstate(all="ignore"):
                    npv = -sp.log_softmax(x.astype(out), axis=-1)[np.arange(ns), lab]
                metric = res.bounds[("cross_entropy_logits", dtype.name)][0]
                err_fn = _rel_for(out) if metric == "rel" else _rel_shift_for(out, x.max(axis=-1))
                for impl, g in (("logits", got), ("numpy", npv)):
                    record(res.stat("cross_entropy_logits", dtype, dom, impl), g, hi, lo, out, err_fn)
            # binary cross-entropy from logits, hard and soft targets
            n = ns * 10
            xb = gen_values("elem-normal" if dom == "normal" else dom, n, dtype, rng)
            yb = np.where(rng.random(n) < 0.5, rng.integers(0, 2, n), rng.random(n)).astype(dtype)
            if f64_reference(dtype):  # nonnegative terms, each a few float64 roundings
                x64, y64 = xb.astype(np.float64), yb.astype(np.float64)
                hi = (1 - y64) * _f64_elem("softplus", x64) + y64 * _f64_elem("softplus", -x64)
                lo = np.zeros(n)
            else:
                ref = [_ref_bce(float(a), float(b)) for a, b in zip(xb, yb)]
                hi = np.array([r[0] for r in ref])
                lo = np.array([r[1] for r in ref])
            got = lg.binary_cross_entropy_with_logits(xb, yb, reduction="none")
            xw, yw = xb.astype(out), yb.astype(out)
            with np.errstate(all="ignore"):
                npv = np.maximum(xw, 0) - xw * yw + np.log1p(np.exp(-np.abs(xw)))
            for impl, g in (("logits", got), ("numpy", npv)):
                record(res.stat("binary_cross_entropy", dtype, dom, impl), g, hi, lo, out, _rel_for(out))
        # from probabilities (Keras): positive rows, not normalised
        for C in classes:
            x = rng.uniform(0.0, 1.0, (ns, C))
            # some tiny probabilities: the clip matters (float16: subnormals, 1e-9 would be 0)
            x[:, 0] = x[:, 0] * (1e-5 if dtype == F16 else 1e-9)
            x = x.astype(dtype)
            lab = rng.integers(0, C, ns)
            ref = [_ref_ce_probs(x[i], lab[i], dtype) for i in range(ns)]
            hi = np.array([r[0] for r in ref])
            lo = np.array([r[1] for r in ref])
            got = lg.cross_entropy(x, lab, from_logits=False, reduction="none")
            xw = x.astype(out)
            with np.errstate(all="ignore"):
                p = xw / np.sum(xw, axis=-1, keepdims=True, dtype=out)
                eps = np.asarray(1e-7, dtype=out)
                npv = -np.log(np.clip(p, eps, 1 - eps))[np.arange(ns), lab]
            for impl, g in (("logits", got), ("numpy", npv)):
                record(res.stat("cross_entropy_probs", dtype, "probabilities", impl), g, hi, lo, out, _rel_for(out))


def _rel_for(dtype):
    """Relative error; below the smallest normal of dtype, absolute error in
    units of it (a loss of 1e-50 correctly rounds to 0 in float32)."""
    tiny = float(np.finfo(dtype).tiny)

    def rel(g, h, l, ordinary):
        e = abs_err(g, h, l) / np.maximum(np.abs(h), tiny)
        return e, e
    return rel


def _rel_shift_for(dtype, shift):
    """Error relative to max(|loss|, |max logit / T|): computing lse(x) - x_label
    cancels down from the size of the largest logit."""
    tiny = float(np.finfo(dtype).tiny)
    shift = np.abs(np.asarray(shift, dtype=np.float64))

    def rel(g, h, l, ordinary):
        e = abs_err(g, h, l)
        return e / np.maximum(np.maximum(np.abs(h), shift[ordinary]), tiny), e / np.maximum(np.abs(h), tiny)
    return rel


def _ref_ce_logits(x, label, dtype):
    """loss = lse(x) - x[label] without cancellation: (m - x_l) + log1p(rest)."""
    x = np.asarray(x, dtype=np.float64)
    imax = int(np.argmax(x))
    if f64_reference(dtype):
        e = np.exp(x - x[imax])
        L = math.log1p(math.fsum(np.delete(e, imax)))
        return (x[imax] - x[label]) + L, 0.0
    xm = mp.mpf(float(x[imax]))
    rest = mp.fsum(mp.exp(mp.mpf(float(v)) - xm) for j, v in enumerate(x) if j != imax)
    return dd((xm - mp.mpf(float(x[label]))) + mp.log1p(rest))


def _ref_ce_probs(x, label, dtype, eps=1e-7):
    """Keras: -log(clip(x_l / sum(x), eps, 1 - eps)); the clip bounds are
    doubles (eps and 1 - eps rounded to double), as the library uses them."""
    hi_clip = 1.0 - eps
    if f64_reference(dtype):
        p = float(x[label]) / math.fsum(np.asarray(x, dtype=np.float64))
        if p <= 0.5:  # -log(p) >= log 2: the float64 value is within 2^-51 relative
            return -math.log(min(max(p, eps), hi_clip)), 0.0
    s = mp.fsum(mp.mpf(float(v)) for v in np.asarray(x, dtype=np.float64))
    p = mp.mpf(float(x[label])) / s
    p = max(min(p, mp.mpf(hi_clip)), mp.mpf(eps))
    return dd(-mp.log(p))


def _ref_bce(x, y):
    """(1 - y) softplus(x) + y softplus(-x): a sum of nonnegative terms."""
    if not (math.isfinite(x)):
        return (float("nan"), 0.0)
    Y = mp.mpf(y)
    return dd((1 - Y) * _mp_elem("softplus", x) + Y * _mp_elem("softplus", -x))
