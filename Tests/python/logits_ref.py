"""Independent reference implementations, tolerances and hypothesis strategies
shared by the Logits Python tests.

The references are computed in numpy longdouble (x87 80-bit extended precision
on x86-64, 64-bit significand), from the exact values the library sees (the
input converted to the result dtype, the temperature rounded to float32 for
float32 data). They implement the special-value rules of include/logits.h
explicitly, so they can also be used for rows with +-inf and NaN.
"""

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
import logits
from logits import _operations as _ops

LD = np.longdouble
F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)
FLOAT_DTYPES = [np.float32, np.float64]

EPS = {F32: 2.0 ** -24, F64: 2.0 ** -53}
# Absolute floors for results in the subnormal range: two subnormal ulps for
# float32, eight for float64 (outputs that underflow may be rounded twice).
FLOOR = {F32: 2.0 ** -148, F64: 2.0 ** -1071}
# Softmax family relative factor (brief: 4 ulp f32, 8 ulp f64) and elementwise.
# Rounding-error multipliers of the tolerances: the list's bounds of the
# softmax gradient (4 ulp f32, 8 f64, of the term scale) and of the
# elementwise gradients (2 ulp f32, 4 f64), abi/operations.h.
# float32 has a table per precision: these follow the process default
# (conftest.py runs every test in each precision).


class _Bound:
    """dtype -> the list's bound of `contract` in the current precision."""

    def __init__(self, contract):
        self.contract = contract

    def __getitem__(self, dtype):
        return _ops.bounds(logits.get_precision())[(self.contract, np.dtype(dtype).name)][1]


C_AXIS = _Bound("softmax_backward")
C_ELEM = _Bound("sigmoid_backward")
# Every function computes in double internally.
EPS_INTERNAL = 2.0 ** -53

AXIS_LENGTHS = [0, 1, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000]


def eps(dtype):
    return EPS[np.dtype(dtype)]


def floor(dtype):
    return FLOOR[np.dtype(dtype)]


def result_dtype(dtype):
    """The dtype the binding must compute in for an input of `dtype`."""
    dtype = np.dtype(dtype)
    if dtype in (F32, F64):
        return dtype
    return np.result_type(dtype, np.float32)


def eff_temperature(temperature, dtype):
    """The temperature as the C function for `dtype` receives it."""
    if np.dtype(dtype) == F32:
        return LD(np.float32(temperature))
    return LD(float(temperature))


# --------------------------------------------------------------------------
# Softmax family
# --------------------------------------------------------------------------


class SoftmaxRef:
    """softmax, log_softmax, logsumexp of x/T along `axis`, in longdouble.

    Attributes (all longdouble):
      softmax, log_softmax, z  -- shape of x; z = (x - max)/T (0 in special rows)
      logsumexp, shift         -- reduced shape; shift = max/T (0 in special rows)
    """

    def __init__(self, x, axis=-1, temperature=1.0, dtype=None):
        x = np.asarray(x)
        if dtype is None:
            dtype = result_dtype(x.dtype)
        self.dtype = np.dtype(dtype)
        xd = x.astype(self.dtype)
        axis = axis % xd.ndim
        self.axis = axis
        T = eff_temperature(temperature, self.dtype)
        self.T = T
        xl = np.moveaxis(xd, axis, -1).astype(LD)
        ninf = LD(-np.inf)
        with np.errstate(all="ignore"):
            nan_row = np.isnan(xl).any(axis=-1)
            pinf = np.isposinf(xl)
            k = pinf.sum(axis=-1)
            ninf_row = np.isneginf(xl).all(axis=-1)  # also true for empty rows
            normal = ~nan_row & (k == 0) & ~ninf_row
            inf_row = ~nan_row & (k > 0)
            m = np.max(xl, axis=-1, initial=ninf)
            m = np.where(normal, m, LD(0))
            z = (xl - m[..., None]) / T
            z = np.where(normal[..., None], z, LD(0))
            e = np.exp(z)
            S = np.where(normal, e.sum(axis=-1), LD(1))
            logS = np.log(S)
            sm = e / S[..., None]
            lsm = z - logS[..., None]
            lse = m / T + logS
            kk = np.maximum(k, 1).astype(LD)[..., None]
            sm = np.where(inf_row[..., None], np.where(pinf, 1 / kk, LD(0)), sm)
            lsm = np.where(inf_row[..., None], np.where(pinf, -np.log(kk), ninf), lsm)
            lse = np.where(inf_row, LD(np.inf), lse)
            sm = np.where(ninf_row[..., None], LD(0), sm)
            lsm = np.where(ninf_row[..., None], ninf, lsm)
            lse = np.where(ninf_row, ninf, lse)
            sm = np.where(nan_row[..., None], LD(np.nan), sm)
            lsm = np.where(nan_row[..., None], LD(np.nan), lsm)
            lse = np.where(nan_row, LD(np.nan), lse)
        self.softmax = np.moveaxis(sm, -1, axis)
        self.log_softmax = np.moveaxis(lsm, -1, axis)
        self.z = np.moveaxis(z, -1, axis)
        self.logsumexp = lse
        self.shift = m / T
        self.x = xd

    def _zabs(self):
        with np.errstate(all="ignore"):
            return np.where(np.isfinite(self.z), np.abs(self.z), LD(0))

    def tol_softmax(self):
        e, c = EPS[self.dtype], C_AXIS[self.dtype]
        with np.errstate(all="ignore"):
            ref = np.where(np.isfinite(self.softmax), np.abs(self.softmax), LD(0))
            return c * e * (1 + self._zabs()) * ref + FLOOR[self.dtype]

    def tol_log_softmax(self):
        e, c = EPS[self.dtype], C_AXIS[self.dtype]
        with np.errstate(all="ignore"):
            ref = np.where(np.isfinite(self.log_softmax), np.abs(self.log_softmax), LD(0))
            return c * e * (1 + self._zabs() + ref) + FLOOR[self.dtype]

    def tol_logsumexp(self):
        e, c = EPS[self.dtype], C_AXIS[self.dtype]
        with np.errstate(all="ignore"):
            ref = np.where(np.isfinite(self.logsumexp), np.abs(self.logsumexp), LD(0))
            sh = np.where(np.isfinite(self.shift), np.abs(self.shift), LD(0))
            return c * e * (1 + ref + sh) + FLOOR[self.dtype]

    def check(self, name, got, keepdims=False, extra=""):
        ref = getattr(self, name)
        tol = getattr(self, "tol_" + name)()
        if name == "logsumexp" and keepdims:
            ref = np.expand_dims(ref, self.axis)
            tol = np.expand_dims(tol, self.axis)
        assert_close(got, ref, tol, what=f"{name} axis={self.axis} T={self.T} {extra}")


# --------------------------------------------------------------------------
# Elementwise
# --------------------------------------------------------------------------


def _ld(x, dtype=None):
    x = np.asarray(x)
    if dtype is None:
        dtype = result_dtype(x.dtype)
    return x.astype(dtype).astype(LD)


def ref_sigmoid(x, dtype=None):
    xl = _ld(x, dtype)
    with np.errstate(all="ignore"):
        en = np.exp(-np.abs(xl))
        return np.where(xl >= 0, 1 / (1 + en), en / (1 + en))


def ref_log_sigmoid(x, dtype=None):
    xl = _ld(x, dtype)
    with np.errstate(all="ignore"):
        return np.minimum(xl, 0) - np.log1p(np.exp(-np.abs(xl)))


def ref_softplus(x, dtype=None):
    xl = _ld(x, dtype)
    with np.errstate(all="ignore"):
        return np.maximum(xl, 0) + np.log1p(np.exp(-np.abs(xl)))


ELEMENTWISE_REFS = {
    "sigmoid": ref_sigmoid,
    "log_sigmoid": ref_log_sigmoid,
    "softplus": ref_softplus,
}


def tol_elementwise(ref, dtype, c=None):
    dtype = np.dtype(dtype)
    if c is None:
        c = C_ELEM[dtype]
    with np.errstate(all="ignore"):
        r = np.where(np.isfinite(ref), np.abs(ref), LD(0))
    return c * EPS[dtype] * r + FLOOR[dtype]


def check_elementwise(name, got, x, dtype=None, what=""):
    x = np.asarray(x)
    if dtype is None:
        dtype = result_dtype(x.dtype)
    ref = ELEMENTWISE_REFS[name](x, dtype)
    assert_close(got, ref, tol_elementwise(ref, dtype), what=f"{name} {what}", x=x)


# --------------------------------------------------------------------------
# Backward references (formulas of the header, in longdouble)
# --------------------------------------------------------------------------


def _sum_axis(a, axis):
    return np.sum(a, axis=axis, keepdims=True)


def ref_softmax_backward(y, dy, axis=-1, temperature=1.0, dtype=None):
    """(ref, tol) for dx = y*(dy - sum(y*dy))/T."""
    y = np.asarray(y)
    dtype = np.dtype(dtype or result_dtype(y.dtype))
    yl, dyl = _ld(y, dtype), _ld(dy, dtype)
    T = eff_temperature(temperature, dtype)
    n = y.shape[axis] if y.ndim else 1
    with np.errstate(all="ignore"):
        s = _sum_axis(yl * dyl, axis)
        ref = yl * (dyl - s) / T
        scale = np.abs(yl) * (np.abs(dyl) + _sum_axis(np.abs(yl * dyl), axis)) / T
        r = np.where(np.isfinite(ref), np.abs(ref), LD(0))
        # Intermediate subnormal roundings are amplified by 1/T.
        tol = C_AXIS[dtype] * EPS[dtype] * r + (n + 4) * EPS_INTERNAL * scale + FLOOR[dtype] * (1 + 1 / T)
    return ref, tol


def ref_log_softmax_backward(y, dy, axis=-1, temperature=1.0, dtype=None):
    """(ref, tol) for dx = (dy - exp(y)*sum(dy))/T."""
    y = np.asarray(y)
    dtype = np.dtype(dtype or result_dtype(y.dtype))
    yl, dyl = _ld(y, dtype), _ld(dy, dtype)
    T = eff_temperature(temperature, dtype)
    n = y.shape[axis] if y.ndim else 1
    with np.errstate(all="ignore"):
        s = _sum_axis(dyl, axis)
        ey = np.exp(yl)
        ref = (dyl - ey * s) / T
        scale = (np.abs(dyl) + ey * _sum_axis(np.abs(dyl), axis)) / T
        r = np.where(np.isfinite(ref), np.abs(ref), LD(0))
        # Intermediate subnormal roundings are amplified by 1/T.
        tol = C_AXIS[dtype] * EPS[dtype] * r + (n + 4) * EPS_INTERNAL * scale + FLOOR[dtype] * (1 + 1 / T)
    return ref, tol


def ref_sigmoid_backward(y, dy, dtype=None):
    dtype = np.dtype(dtype or result_dtype(np.asarray(y).dtype))
    yl, dyl = _ld(y, dtype), _ld(dy, dtype)
    with np.errstate(all="ignore"):
        return dyl * yl * (1 - yl)


def ref_log_sigmoid_backward(y, dy, dtype=None):
    dtype = np.dtype(dtype or result_dtype(np.asarray(y).dtype))
    yl, dyl = _ld(y, dtype), _ld(dy, dtype)
    with np.errstate(all="ignore"):
        return dyl * -np.expm1(yl)


def ref_softplus_backward(y, dy, dtype=None):
    dtype = np.dtype(dtype or result_dtype(np.asarray(y).dtype))
    yl, dyl = _ld(y, dtype), _ld(dy, dtype)
    with np.errstate(all="ignore"):
        return dyl * -np.expm1(-yl)


# The references of the gradients, by function (the one table the Python
# tests read: a gradient added to abi/operations.h needs its reference here).
BACKWARD_REFS = {
    "softmax_backward": ref_softmax_backward,
    "log_softmax_backward": ref_log_softmax_backward,
    "sigmoid_backward": ref_sigmoid_backward,
    "log_sigmoid_backward": ref_log_sigmoid_backward,
    "softplus_backward": ref_softplus_backward,
}


# --------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------


def assert_close(got, ref, tol, what="", x=None):
    """Every element of `got` is NaN where ref is NaN, equal to ref where ref is
    infinite, equal to ref rounded to got's dtype, or within `tol` of ref."""
    assert isinstance(got, np.ndarray), f"{what}: result is {type(got)!r}, not ndarray"
    ref = np.asarray(ref, dtype=LD)
    assert got.shape == ref.shape, f"{what}: shape {got.shape} != expected {ref.shape}"
    if got.size == 0:
        return
    tol = np.broadcast_to(np.asarray(tol, dtype=LD), ref.shape)
    with np.errstate(all="ignore"):
        ref_r = ref.astype(got.dtype)
        g = got.astype(LD)
        diff = np.abs(g - ref)
        ok = (np.isnan(g) & np.isnan(ref)) | (got == ref_r) | (g == ref) | (diff <= tol)
    if not ok.all():
        bad = np.argwhere(~ok)
        lines = [f"{what}: {len(bad)} of {got.size} elements out of tolerance ({got.dtype})"]
        with np.errstate(all="ignore"):
            ratio = np.where(ok, 0, diff / tol)
        order = np.argsort(-np.nan_to_num(ratio.ravel().astype(np.float64), nan=np.inf))
        for flat in order[:8]:
            idx = np.unravel_index(flat, got.shape)
            if ok[idx]:
                break
            xs = ""
            if x is not None and np.shape(x) == got.shape:
                xs = f" x={np.asarray(x)[idx]!r}"
            lines.append(
                f"  at {tuple(int(i) for i in idx)}: got={got[idx]!r} ref={float(ref[idx])!r} "
                f"|diff|={float(diff[idx]):.3e} tol={float(tol[idx]):.3e}{xs}"
            )
        raise AssertionError("\n".join(lines))


def bits(a):
    """A byte view for bit-identical comparisons."""
    a = np.ascontiguousarray(a)
    return a.view(np.uint8).tobytes()


def assert_bit_identical(a, b, what=""):
    assert isinstance(a, np.ndarray) and isinstance(b, np.ndarray)
    assert a.dtype == b.dtype and a.shape == b.shape, what
    assert bits(a) == bits(b), f"{what}: results are not bit-identical"


# --------------------------------------------------------------------------
# Hypothesis strategies
# --------------------------------------------------------------------------


def float_elements(dtype, kind="bounded"):
    """Elements for arrays of `dtype`.

    kind: "bounded"  -- moderate finite values (|x| <= 100)
          "finite"   -- any finite value, including subnormals and +-max
          "special"  -- anything, including +-inf and NaN
          "mixed"    -- moderate values with occasional +-inf / huge values
    """
    width = 32 if np.dtype(dtype) == F32 else 64
    big = float(np.finfo(dtype).max)
    if kind == "bounded":
        return st.floats(-100, 100, width=width)
    if kind == "finite":
        return st.floats(allow_nan=False, allow_infinity=False, width=width)
    if kind == "special":
        return st.floats(width=width)
    if kind == "mixed":
        return st.one_of(
            st.floats(-50, 50, width=width),
            st.sampled_from([-np.inf, np.inf, big, -big, 0.0, -0.0]),
            st.floats(allow_nan=False, allow_infinity=False, width=width),
        )
    raise ValueError(kind)


shapes_small = hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=6)
shapes_rows = hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=80)
shapes_any = st.one_of(shapes_small, shapes_rows)
shapes_elementwise = hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=8)


@st.composite
def array_and_axis(draw, dtype, kind="bounded", shapes=shapes_any):
    shape = draw(shapes)
    x = draw(hnp.arrays(dtype, shape, elements=float_elements(dtype, kind)))
    axis = draw(st.integers(-len(shape), len(shape) - 1))
    return x, axis


temperatures = st.one_of(
    st.just(1.0),
    st.sampled_from([0.5, 0.7, 2.0, 1e-3, 10.0]),
    st.floats(1e-2, 1e2),
)
