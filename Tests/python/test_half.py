"""float16 and bfloat16 storage (issue 15): the softmax family, the sigmoid
family, their gradients, the losses, the sampler, top-k and argmax on
16-bit arrays.

Driven by the operation list (abi/operations.h): every logits_<name>_f16 and
logits_<name>_bf16 symbol an operation has is called (a spy on the binding's
C functions records the calls and the pointers they get), and every result is
checked against a float64 reference computed from the exact 16-bit inputs, in
ulps of the 16-bit format, within the list's bound (LOGITS_BOUND(..., f16 |
bf16, ...): 0.51 ulp of the result, or of the term scale for the softmax
gradients). The losses (their own section below) are float32 values, within
the list's 1e-6 relative bound, and their gradients 16-bit, within 0.51 ulp
of the format plus the float32 kernel's error. The sampler, top-k and argmax
(their own section) are the float32 functions on the widened values,
exactly: the same tokens, log-probabilities and indices, and top-k's values
the rows' own. conftest.py runs every test once per precision ("fast", "exact");
the 16-bit bound is the same in both.

bfloat16 is ml_dtypes' dtype: its tests skip when ml_dtypes is missing.
"""

import ctypes
import math
import os
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest

import logits
from logits import _axes, _library, activations, losses, sampling
from logits import _operations as ops

try:
    import ml_dtypes
except ImportError:  # bfloat16's tests skip (Fmt)
    ml_dtypes = None

F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)

# The 16-bit storage types of the list, and the operations of the softmax and
# sigmoid families each has (the losses' 16-bit forms, LOSS_OPS, and the
# sampler's, top-k's and argmax's, SAMPLING_OPS, have their own sections
# below).
STORAGE = [t for t in ops.TYPES if t.storage]
KINDS = ["ROW_FWD", "ROW_LSE", "ROW_BWD", "AXIS_FWD", "AXIS_LSE", "AXIS_BWD",
         "EW", "EW_BWD", "EW_EX", "EW_BWD_EX"]
HALF_OPS = [(t, o) for t in STORAGE for o in ops.OPS if o.kind in KINDS and o.has(t)]
FORWARD_AXIS = ["softmax", "log_softmax", "logsumexp"]
FORWARD_ELEM = ["sigmoid", "log_sigmoid", "softplus"]
BACKWARD_AXIS = ["softmax_backward", "log_softmax_backward"]
BACKWARD_ELEM = ["sigmoid_backward", "log_sigmoid_backward", "softplus_backward"]
# Every function with 16-bit forms is one of these (checked below).
FUNCTIONS = FORWARD_AXIS + FORWARD_ELEM + BACKWARD_AXIS + BACKWARD_ELEM
LENGTHS = [1, 7, 8, 15, 16, 17, 33, 1000]


def test_the_list_has_16_bit_forms_of_these_functions():
    assert len(STORAGE) == 2 and {t.numpy for t in STORAGE} == {"float16", "bfloat16"}
    assert sorted({o.function for _, o in HALF_OPS}) == sorted(FUNCTIONS)
    family = [o for o in ops.OPS if o.kind in KINDS]
    assert all(o.types == "ALL" for o in family)
    assert len(HALF_OPS) == 2 * len(family) == 44
    for t, o in HALF_OPS:
        assert f"logits_{o.name}_{t.suffix}" in ops.symbols()


# --------------------------------------------------------------------------
# The formats and the error measure
# --------------------------------------------------------------------------


class Fmt:
    """A 16-bit format: its numpy dtype, precision p (significand bits with
    the hidden one), smallest normal exponent, and the ulp of a value."""

    def __init__(self, t):
        self.t = t
        self.name = t.numpy
        if t.numpy == "float16":
            self.dtype = np.dtype(np.float16)
            self.p, self.emin, self.emax = 11, -14, 15
        elif t.numpy == "bfloat16":
            pytest.importorskip("ml_dtypes")
            self.dtype = np.dtype(ml_dtypes.bfloat16)
            self.p, self.emin, self.emax = 8, -126, 127
        else:  # pragma: no cover - a new storage type needs its parameters here
            raise AssertionError(f"unknown storage type {t}")
        self.max = (2.0 - 2.0 ** (1 - self.p)) * 2.0 ** self.emax
        # Round to nearest gives inf from here on (65520 for float16).
        self.overflow = (2.0 - 2.0 ** -self.p) * 2.0 ** self.emax
        self.tiny = 2.0 ** self.emin
        self.subnormal = 2.0 ** (self.emin - self.p + 1)

    def __repr__(self):
        return self.name

    def ulp(self, v):
        """2^(floor(log2|v|) - (p - 1)), floored at the subnormal spacing:
        float16 2^-24 below 2^-14, bfloat16 2^-133 below 2^-126."""
        a = np.abs(np.asarray(v, dtype=np.float64))
        _, e = np.frexp(a)
        e = np.where(a > 0, e - 1, self.emin)
        return np.ldexp(1.0, np.maximum(e, self.emin) - (self.p - 1))

    def array(self, values):
        """float64 values rounded once (to nearest) to the format."""
        return np.asarray(values, dtype=np.float64).astype(self.dtype)

    def random(self, shape, scale=3.0, seed=0):
        return self.array(np.random.default_rng(seed).normal(0.0, scale, shape))


def fmt_named(name):
    return Fmt(next(t for t in STORAGE if t.numpy == name))


@pytest.fixture(params=STORAGE, ids=lambda t: t.numpy)
def fmt(request):
    return Fmt(request.param)


def test_the_ulp_measure(fmt):
    """Fmt.ulp is the spacing of the format at |v| (np.spacing for float16),
    from the subnormals to the largest value; bfloat16's is 2^(e - 7), 2^-133
    below 2^-126."""
    rng = np.random.default_rng(0)
    v = np.concatenate([[0.0, fmt.subnormal, fmt.tiny / 3, fmt.tiny, 1.0, 1.5, 3.0],
                        np.exp(rng.uniform(np.log(fmt.subnormal), np.log(fmt.max), 300))])
    v = f64(fmt.array(np.minimum(v, fmt.max / 2)))
    if fmt.name == "float16":
        np.testing.assert_array_equal(fmt.ulp(v), f64(np.spacing(v.astype(np.float16))))
    else:
        e = np.floor(np.log2(np.where(v > 0, v, 1.0)))
        want = np.where(v >= 2.0 ** -126, 2.0 ** (e - 7), 2.0 ** -133)
        np.testing.assert_array_equal(fmt.ulp(v), want)
    assert fmt.ulp(fmt.max) == 2.0 ** (fmt.emax - fmt.p + 1)


def f64(a):
    return np.asarray(a).astype(np.float64)


def t32(temperature):
    """The temperature as the C functions receive it (a float)."""
    return float(np.float32(temperature))


def check(got, ref, fmt, contract, scale=None, what=""):
    """Every element of ``got`` (of the format's dtype) within the list's
    bound of the float64 ``ref``: NaN where ref is NaN, +-inf where ref
    rounds to it (|ref| >= the overflow threshold), else |got - ref| in ulps
    of |ref| (metric "ulp") or of ``scale`` (metric "ulp_sc")."""
    metric, bound = ops.BOUNDS[(contract, fmt.name)]
    got = np.asarray(got)
    assert got.dtype == fmt.dtype, f"{what}: dtype {got.dtype}, expected {fmt.dtype}"
    g, r = f64(got), np.asarray(ref, dtype=np.float64)
    assert g.shape == r.shape, f"{what}: shape {g.shape}, expected {r.shape}"
    if not r.size:
        return
    nan = np.isnan(r)
    over = ~nan & (np.abs(r) >= fmt.overflow)
    fin = ~nan & ~over
    if metric == "ulp":
        m = np.abs(r)
    else:
        assert metric == "ulp_sc" and scale is not None
        m = np.broadcast_to(np.asarray(scale, dtype=np.float64), r.shape)
    err = np.zeros(r.shape)
    with np.errstate(invalid="ignore"):
        err[fin] = np.abs(g[fin] - r[fin]) / fmt.ulp(m[fin])
    err[np.isnan(err)] = np.inf
    err[nan & ~np.isnan(g)] = np.inf
    err[over & (g != np.copysign(np.inf, r))] = np.inf
    worst = int(np.argmax(err))
    idx = np.unravel_index(worst, r.shape)
    assert err[idx] <= bound, (
        f"{what} {fmt}: {err[idx]:.4g} {metric} > {bound} at {idx}: got {g[idx]!r}, "
        f"expected {r[idx]!r} (scale {m[idx]!r})")


# --------------------------------------------------------------------------
# float64 references from the exact 16-bit inputs
# --------------------------------------------------------------------------


def _axes_kw(axis):
    return {"axis": axis, "keepdims": True}


def ref_forward(function, x, axis=-1, temperature=1.0, where=None):
    """softmax, log_softmax or logsumexp of the float64 values ``x`` along
    ``axis`` (int, tuple or None), temperature T (a float)."""
    s = f64(x) / temperature
    if where is not None:
        s = np.where(where, s, -np.inf)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        m = np.max(s, **_axes_kw(axis))
        m = np.where(np.isfinite(m), m, 0.0)
        z = s - m
        e = np.exp(z)
        total = np.sum(e, **_axes_kw(axis))
        if function == "softmax":
            return e / total
        # log(total) as log1p(total - 1), total - 1 summed without the 1 of
        # a maximum (float64's 1 + 1e-17 would be 1: log_softmax's largest
        # entries are then -1e-17, not 0).
        top = z == 0
        rest = (np.sum(np.where(top, 0.0, e), **_axes_kw(axis))
                + (np.sum(top, **_axes_kw(axis)) - 1.0))
        log_total = np.log1p(rest)
        if function == "log_softmax":
            return z - log_total
        assert function == "logsumexp"
        lse = m + log_total
        return lse.reshape(np.sum(s, axis=axis).shape)


def ref_elementwise(function, x):
    x = f64(x)
    with np.errstate(over="ignore", invalid="ignore"):
        if function == "sigmoid":
            e = np.exp(-np.abs(x))
            return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        if function == "log_sigmoid":
            return np.minimum(x, 0.0) - np.log1p(np.exp(-np.abs(x)))
        assert function == "softplus"
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def ref_backward(function, y, dy, axis=-1, temperature=1.0):
    """(dx, term scale) of a gradient from the float64 values of y and dy;
    the scale is that of ulp_sc for the softmax gradients, None otherwise."""
    y, dy = f64(y), f64(dy)
    with np.errstate(over="ignore", invalid="ignore"):
        if function == "softmax_backward":
            s = np.sum(y * dy, **_axes_kw(axis))
            dx = y * (dy - s) / temperature
            scale = np.abs(y) * (np.abs(dy) + np.sum(np.abs(y * dy), **_axes_kw(axis))) / temperature
            return dx, scale
        if function == "log_softmax_backward":
            p = np.exp(y)
            dx = (dy - p * np.sum(dy, **_axes_kw(axis))) / temperature
            scale = (np.abs(dy) + p * np.sum(np.abs(dy), **_axes_kw(axis))) / temperature
            return dx, scale
        if function == "sigmoid_backward":
            return dy * y * (1.0 - y), None
        if function == "log_sigmoid_backward":
            return dy * -np.expm1(y), None
        assert function == "softplus_backward"
        return dy * -np.expm1(-y), None


FORWARD_OF = {"softmax_backward": "softmax", "log_softmax_backward": "log_softmax",
              "sigmoid_backward": "sigmoid", "log_sigmoid_backward": "log_sigmoid",
              "softplus_backward": "softplus"}


def gradient_inputs(function, fmt, shape, axis=-1, temperature=1.0, seed=0):
    """(y, dy) of the format: y the forward's 16-bit output on random logits
    (as a training step has it), dy random."""
    x = fmt.random(shape, 3.0, seed)
    forward = getattr(logits, FORWARD_OF[function])
    if function in BACKWARD_AXIS:
        y = forward(x, axis, temperature=temperature)
    else:
        y = forward(x)
    dy = fmt.random(shape, 1.0, seed + 1)
    return y, dy


def call_and_check(function, fmt, shape, axis=-1, temperature=1.0, seed=0, **kw):
    """Calls ``function`` on random 16-bit data of ``shape`` and checks the
    result; returns (inputs, result)."""
    f = getattr(logits, function)
    T = t32(temperature)
    targs = {} if temperature == 1.0 else {"temperature": temperature}
    if function in FORWARD_AXIS:
        x = fmt.random(shape, 3.0, seed)
        got = f(x, axis, **targs, **kw)
        check(got, ref_forward(function, x, axis, T), fmt, function, what=f"{function}{shape} axis {axis}")
        return (x,), got
    if function in FORWARD_ELEM:
        x = fmt.random(shape, 6.0, seed)
        got = f(x, **kw)
        check(got, ref_elementwise(function, x), fmt, function, what=f"{function}{shape}")
        return (x,), got
    y, dy = gradient_inputs(function, fmt, shape, axis, temperature, seed)
    if function in BACKWARD_AXIS:
        got = f(y, dy, axis, **targs, **kw)
        ref, scale = ref_backward(function, y, dy, axis, T)
    else:
        got = f(y, dy, **kw)
        ref, scale = ref_backward(function, y, dy)
    check(got, ref, fmt, function, scale, what=f"{function}{shape} axis {axis}")
    return (y, dy), got


# --------------------------------------------------------------------------
# Every 16-bit symbol of the list, through the public function that calls it
# --------------------------------------------------------------------------

_ADDRESS = {ctypes.cast(_library.lib[s], ctypes.c_void_p).value: s for s in ops.symbols()
            if not s.startswith(tuple(f"logits_{n}" for n in ops.SUPPORT))}


@pytest.fixture
def spy(monkeypatch):
    """Records (symbol, arguments) of every C call the activations, the
    losses and the sampling functions make."""
    calls = []
    for module in (activations, losses, sampling):
        for name, value in list(vars(module).items()):
            if not (isinstance(value, tuple) and value and name.startswith("_")
                    and all(type(fn).__name__ == "_FuncPtr" for fn in value)):
                continue
            wrapped = []
            for fn in value:
                symbol = _ADDRESS[ctypes.cast(fn, ctypes.c_void_p).value]

                def recorder(*args, _fn=fn, _symbol=symbol):
                    # Pointers as they are at the call: the binding's may read
                    # an array object's data field, and the object (a view
                    # made for the call) may be gone when the test looks.
                    calls.append((_symbol, tuple(ctypes.c_void_p(a.value) if isinstance(a, ctypes.c_void_p)
                                                 else a for a in args)))
                    return _fn(*args)
                wrapped.append(recorder)
            monkeypatch.setattr(module, name, tuple(wrapped))
    return calls


def _address(arg):
    return arg.value if isinstance(arg, ctypes.c_void_p) else None


@pytest.mark.parametrize("t,o", HALF_OPS, ids=[f"{o.name}_{t.suffix}" for t, o in HALF_OPS])
def test_every_16_bit_symbol(t, o, spy, precision):
    """logits_<name>_<f16|bf16>: its public function called the way that
    reaches it (the row and plain forms: the defaults, the fast path; the
    _axis and _ex forms: an axis, a temperature, precision=), on the
    caller's arrays (no copy), within the bound."""
    fmt = Fmt(t)
    symbol = f"logits_{o.name}_{t.suffix}"
    f = getattr(logits, o.function)
    T = 0.7
    if o.kind in ("ROW_FWD", "ROW_LSE", "AXIS_FWD", "AXIS_LSE"):
        row = o.kind.startswith("ROW")
        x = fmt.random((4, 33) if row else (4, 33, 5), 3.0, seed=len(o.name))
        spy.clear()
        got = f(x) if row else f(x, 1, temperature=T, precision=precision)
        ref = ref_forward(o.function, x, -1 if row else 1, 1.0 if row else t32(T))
        check(got, ref, fmt, o.function, what=symbol)
        inputs = [x]
    elif o.kind in ("EW", "EW_EX"):
        x = fmt.random((5, 41), 6.0, seed=len(o.name))
        spy.clear()
        got = f(x) if o.kind == "EW" else f(x, precision=precision)
        check(got, ref_elementwise(o.function, x), fmt, o.function, what=symbol)
        inputs = [x]
    else:
        row = o.kind in ("ROW_BWD", "EW_BWD", "EW_BWD_EX")
        shape = (4, 33) if row else (4, 33, 5)
        axis = -1 if row else 1
        temperature = 1.0 if row else T
        y, dy = gradient_inputs(o.function, fmt, shape, axis, temperature, seed=len(o.name))
        spy.clear()
        if o.kind == "ROW_BWD" or o.kind == "EW_BWD":
            got = f(y, dy)
        elif o.kind == "EW_BWD_EX":
            got = f(y, dy, precision=precision)
        else:
            got = f(y, dy, axis, temperature=T, precision=precision)
        if o.function in BACKWARD_AXIS:
            ref, scale = ref_backward(o.function, y, dy, axis, t32(temperature))
        else:
            ref, scale = ref_backward(o.function, y, dy)
        check(got, ref, fmt, o.function, scale, what=symbol)
        inputs = [y, dy]
    called = [s for s, _ in spy]
    assert called == [symbol], f"{o.function} called {called}, expected {symbol}"
    args = spy[0][1]
    for i, a in enumerate(inputs):  # the caller's arrays, not copies
        assert _address(args[i]) == a.ctypes.data, f"{symbol}: argument {i} is a copy"
    assert _address(args[len(inputs)]) == got.ctypes.data
    if o.kind.startswith("AXIS"):
        assert isinstance(args[-2], ctypes.c_float) and args[-2].value == t32(T)


# --------------------------------------------------------------------------
# Accuracy: lengths around the SIMD widths, every axis, temperatures, precisions
# --------------------------------------------------------------------------


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("n", LENGTHS)
def test_lengths(function, fmt, n):
    call_and_check(function, fmt, (3, n), seed=n)


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("n", [1, 17, 1000])
def test_one_dimensional_and_wide_values(function, fmt, n):
    for scale in (0.01, 30.0):
        f = getattr(logits, function)
        if function in FORWARD_AXIS:
            x = fmt.random((n,), scale, seed=n)
            check(f(x), ref_forward(function, x), fmt, function, what=f"{function} scale {scale}")
        elif function in FORWARD_ELEM:
            x = fmt.random((n,), scale, seed=n)
            check(f(x), ref_elementwise(function, x), fmt, function, what=f"{function} scale {scale}")
        else:
            call_and_check(function, fmt, (n,), seed=n)


@pytest.mark.parametrize("function", FORWARD_AXIS + BACKWARD_AXIS)
@pytest.mark.parametrize("axis", [0, 1, 2, -1, (0, 2), (1, 2), None])
def test_every_axis_of_a_3d_array(function, fmt, axis):
    call_and_check(function, fmt, (5, 17, 9), axis=axis, seed=3)


@pytest.mark.parametrize("function", FORWARD_AXIS + BACKWARD_AXIS)
@pytest.mark.parametrize("temperature", [0.1, 0.5, 0.7, 3.0, 100.0])
@pytest.mark.parametrize("axis", [-1, 0])
def test_temperature(function, fmt, temperature, axis):
    call_and_check(function, fmt, (6, 40), axis=axis, temperature=temperature, seed=4)


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("p", ["fast", "exact"])
def test_explicit_precision(function, fmt, p):
    call_and_check(function, fmt, (4, 100), precision=p, seed=5)


def test_temperature_is_a_float(fmt):
    x = fmt.random((2, 5))
    with pytest.raises(logits.LogitsError, match="float32"):
        logits.softmax(x, temperature=1e-50)  # 0 in float32
    with pytest.raises(logits.LogitsError, match="float32"):
        logits.log_softmax(x, temperature=1e39)  # inf in float32
    with pytest.raises(logits.LogitsError):
        logits.softmax_backward(x, x, temperature=0.0)


# --------------------------------------------------------------------------
# out=, in place, no copies
# --------------------------------------------------------------------------


def _args(function, fmt, shape=(3, 17)):
    if function in FORWARD_AXIS + FORWARD_ELEM:
        return (fmt.random(shape, 3.0, 7),)
    return gradient_inputs(function, fmt, shape, seed=7)


def _out_shape(function, shape):
    return shape[:-1] if function == "logsumexp" else shape


def _bits(a):
    return np.asarray(a).view(np.uint16).copy()


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("general", [False, True], ids=["defaults", "precision"])
def test_out_is_written(function, fmt, general):
    f = getattr(logits, function)
    args = _args(function, fmt)
    kw = {"precision": "exact"} if general else {}
    want = f(*args, **kw)
    out = np.full(_out_shape(function, args[0].shape), 7, dtype=fmt.dtype)
    got = f(*args, out=out, **kw)
    assert got is out and np.shares_memory(got, out) and out.dtype == fmt.dtype
    np.testing.assert_array_equal(_bits(out), _bits(want))


@pytest.mark.parametrize("function", [f for f in FUNCTIONS if f != "logsumexp"])
def test_in_place(function, fmt):
    f = getattr(logits, function)
    args = _args(function, fmt)
    want = f(*args)
    for i in range(len(args)):  # out = x; for the gradients out = y and out = dy
        copies = [a.copy() for a in args]
        got = f(*copies, out=copies[i])
        assert got is copies[i]
        np.testing.assert_array_equal(_bits(got), _bits(want), err_msg=f"{function} out=argument {i}")
    if function in ("softmax", "log_softmax"):  # the general path in place
        x = args[0].copy()
        want = f(args[0], 0, temperature=0.5)
        assert f(x, 0, temperature=0.5, out=x) is x
        np.testing.assert_array_equal(_bits(x), _bits(want))


@pytest.mark.parametrize("function", FUNCTIONS)
def test_wrong_out_dtype_raises(function, fmt):
    f = getattr(logits, function)
    args = _args(function, fmt)
    others = [np.float16] if fmt.name == "bfloat16" else [] if ml_dtypes is None else [ml_dtypes.bfloat16]
    for odt in [np.float32, np.float64] + others:
        out = np.full(_out_shape(function, args[0].shape), 7, dtype=odt)
        before = out.copy()
        with pytest.raises(logits.LogitsTypeError, match="dtype"):
            f(*args, out=out)
        np.testing.assert_array_equal(out, before)


@pytest.mark.parametrize("function", FUNCTIONS)
def test_read_only_out_raises(function, fmt):
    f = getattr(logits, function)
    args = _args(function, fmt)
    out = np.zeros(_out_shape(function, args[0].shape), dtype=fmt.dtype)
    out.flags.writeable = False
    with pytest.raises(logits.LogitsError, match="read-only"):
        f(*args, out=out)
    assert not f64(out).any()


@pytest.mark.parametrize("function", FUNCTIONS)
def test_inputs_are_not_copied_or_changed(function, fmt, spy):
    """The C function reads the caller's arrays (C-contiguous 16-bit input:
    no copy, no float32 array), also on the general path, and leaves them as
    they were."""
    f = getattr(logits, function)
    args = _args(function, fmt, (4, 9, 5))
    before = [_bits(a) for a in args]
    for kw in ({}, {"precision": "exact"}) + (({"axis": 1, "temperature": 0.5},)
                                               if function in FORWARD_AXIS + BACKWARD_AXIS else ()):
        spy.clear()
        f(*args, **kw)
        assert len(spy) == 1, spy
        symbol, cargs = spy[0]
        assert symbol.endswith("_" + fmt.t.suffix), symbol
        for i, a in enumerate(args):
            assert _address(cargs[i]) == a.ctypes.data, f"{function}{kw}: argument {i} was copied"
    for a, b in zip(args, before):
        np.testing.assert_array_equal(_bits(a), b)


def test_non_contiguous_input_is_copied_once_and_agrees(fmt):
    x = fmt.random((6, 40), 3.0, 8)
    view = x[:, ::2]
    got = logits.softmax(view)
    assert got.dtype == fmt.dtype and got.flags.c_contiguous
    np.testing.assert_array_equal(_bits(got), _bits(logits.softmax(np.ascontiguousarray(view))))
    fortran = np.asfortranarray(x)
    np.testing.assert_array_equal(_bits(logits.sigmoid(fortran)), _bits(logits.sigmoid(x)))


def test_byteswapped_float16_is_converted():
    x = fmt_named("float16").random((3, 9))
    swapped = x.astype(">f2")
    got = logits.softmax(swapped)
    assert got.dtype == np.float16
    np.testing.assert_array_equal(_bits(got), _bits(logits.softmax(x)))


# --------------------------------------------------------------------------
# Special values, the format's extremes, empty arrays
# --------------------------------------------------------------------------

SPECIAL_ROWS = [
    [np.inf, 1.0, 2.0, -1.0],
    [np.inf, np.inf, 0.0, -np.inf],
    [-np.inf, 0.0, 1.0, 2.0],
    [-np.inf, -np.inf, -np.inf, -np.inf],
    [np.nan, 1.0, 2.0, 3.0],
    [np.inf, -np.inf, np.nan, 0.0],
    [1.0, 2.0, 3.0, 4.0],
]


def _as_float32_does(function, fmt, *args, **kw):
    """The float32 call on the exact values, rounded once to the format: the
    special values' rules are float32's."""
    out = getattr(logits, function)(*[a.astype(np.float32) for a in args], **kw)
    return np.asarray(out).astype(fmt.dtype)


@pytest.mark.parametrize("function", FORWARD_AXIS + FORWARD_ELEM)
def test_special_values_as_float32(function, fmt):
    x = fmt.array(SPECIAL_ROWS)
    f = getattr(logits, function)
    for kw in ({}, {"precision": "exact"}, {"temperature": 0.5}, {"axis": 0}):
        if function in FORWARD_ELEM and kw and "precision" not in kw:
            continue
        got = f(x, **kw)
        want = _as_float32_does(function, fmt, x, **kw)
        np.testing.assert_array_equal(f64(got), f64(want), err_msg=f"{function} {kw}")
    if function == "softmax":
        np.testing.assert_array_equal(f64(f(x))[3], 0.0)  # a fully masked row
        assert np.isnan(f64(f(x))[4]).all()  # a NaN makes its row NaN
    if function == "logsumexp":
        assert f64(f(x))[3] == -np.inf
    if function in FORWARD_ELEM:
        check(f(x), ref_elementwise(function, x), fmt, function, what=f"{function} special")


@pytest.mark.parametrize("function", BACKWARD_AXIS + BACKWARD_ELEM)
def test_special_values_of_gradients_as_float32(function, fmt):
    y, dy = gradient_inputs(function, fmt, (7, 4), seed=9)
    y = y.copy()
    dy = dy.copy()
    y[0, 1] = np.nan
    dy[1, 2] = np.inf
    dy[2, 0] = np.nan
    dy[3, 3] = -np.inf
    got = getattr(logits, function)(y, dy)
    want = _as_float32_does(function, fmt, y, dy)
    special = ~np.isfinite(f64(want))
    assert special.any()
    np.testing.assert_array_equal(np.isnan(f64(got)), np.isnan(f64(want)))
    np.testing.assert_array_equal(f64(got)[special], f64(want)[special])


def test_extremes_of_the_format(fmt):
    """Values at the largest finite value: results within the bound, and
    +-inf where round to nearest takes the result past it."""
    big = fmt.max
    x = fmt.array([[big, big, big / 2, -big], [big, -big, 0.0, 1.0], [-big, -big, -big, -big]])
    for function in FORWARD_AXIS:
        for T in (1.0, 0.5, 2.0):
            got = getattr(logits, function)(x, temperature=T)
            check(got, ref_forward(function, x, -1, t32(T)), fmt, function, what=f"{function} max T={T}")
    # T = 0.5 doubles the largest value: logsumexp and log_softmax overflow.
    assert f64(logits.logsumexp(x, temperature=0.5))[0] == np.inf
    assert f64(logits.log_softmax(x, temperature=0.5))[1, 1] == -np.inf
    e = fmt.array([big, -big, big / 3, -big / 3, fmt.max * 0.999])
    for function in FORWARD_ELEM:
        check(getattr(logits, function)(e), ref_elementwise(function, e), fmt, function,
              what=f"{function} extremes")
    assert f64(logits.softplus(e))[0] == big and f64(logits.log_sigmoid(e))[1] == -big


def test_subnormals(fmt):
    """Subnormal inputs, and results in the subnormal range (the ulp there is
    the subnormal spacing)."""
    sub = fmt.subnormal
    k = -np.log(fmt.tiny)  # exp(-k) is the smallest normal
    x = fmt.array([[sub, -sub, 3 * sub, fmt.tiny / 2, -fmt.tiny / 4, 0.0],
                   [0.0, -(k + 1), -(k + 2.5), -(k + 4), -(k - 1), -3.0]])
    for function in FORWARD_AXIS:
        check(getattr(logits, function)(x), ref_forward(function, x), fmt, function, what=f"{function} sub")
    assert (0 < f64(logits.softmax(x))[1, 1:4]).all() and (f64(logits.softmax(x))[1, 1:4] < fmt.tiny).all()
    for function in FORWARD_ELEM:
        check(getattr(logits, function)(x), ref_elementwise(function, x), fmt, function,
              what=f"{function} sub")
    s = f64(logits.sigmoid(x))[1, 1:4]
    assert (0 < s).all() and (s < fmt.tiny).all()
    for function in BACKWARD_AXIS + BACKWARD_ELEM:
        y, _ = gradient_inputs(function, fmt, x.shape, seed=10)
        dy = x
        f = getattr(logits, function)
        ref, scale = ref_backward(function, y, dy)
        check(f(y, dy), ref, fmt, function, scale, what=f"{function} sub")


@pytest.mark.parametrize("function", FUNCTIONS)
@pytest.mark.parametrize("shape", [(0,), (3, 0), (0, 5), (2, 0, 3)])
def test_empty(function, fmt, shape):
    f = getattr(logits, function)
    args = [np.zeros(shape, dtype=fmt.dtype)] * (2 if function.endswith("backward") else 1)
    got = f(*args)
    want = _as_float32_does(function, fmt, *args)
    assert got.dtype == fmt.dtype and got.shape == want.shape
    np.testing.assert_array_equal(f64(got), f64(want))
    if function == "logsumexp" and shape == (3, 0):
        assert (f64(got) == -np.inf).all()
    if function in FORWARD_AXIS + BACKWARD_AXIS:
        got0 = f(*args, axis=0)
        np.testing.assert_array_equal(f64(got0), f64(_as_float32_does(function, fmt, *args, axis=0)))


def test_zero_dimensional(fmt):
    x = fmt.array(2.5)
    assert f64(logits.softmax(x)) == 1.0 and logits.softmax(x).dtype == fmt.dtype
    lse = logits.logsumexp(x)
    assert np.ndim(lse) == 0 and np.asarray(lse).dtype == fmt.dtype and float(lse) == 2.5
    check(logits.sigmoid(x), ref_elementwise("sigmoid", x), fmt, "sigmoid")


# --------------------------------------------------------------------------
# where=, logsumexp's b= and return_sign
# --------------------------------------------------------------------------


@pytest.mark.parametrize("function", FORWARD_AXIS)
@pytest.mark.parametrize("axis", [-1, 0, None])
def test_where(function, fmt, axis):
    x = fmt.random((6, 20), 3.0, 11)
    m = np.random.default_rng(12).random((6, 20)) < 0.7
    m[2] = False  # a fully masked row
    before = _bits(x)
    got = getattr(logits, function)(x, axis, where=m, temperature=0.8)
    np.testing.assert_array_equal(_bits(x), before)  # x is not written
    want = _as_float32_does(function, fmt, x, axis=axis, where=m, temperature=0.8)
    if axis == -1:  # the masked row: as float32 (zeros, -inf)
        np.testing.assert_array_equal(f64(got)[2], f64(want)[2])
    ref = ref_forward(function, x, axis, t32(0.8), where=m)
    finite_rows = np.ones(np.shape(ref), dtype=bool)
    if axis == -1:
        finite_rows[2] = False
    check(np.asarray(got)[finite_rows], ref[finite_rows], fmt, function, what=f"{function} where")
    out = np.empty(np.shape(got), dtype=fmt.dtype)
    if function != "logsumexp" or axis is not None:
        assert getattr(logits, function)(x, axis, where=m, temperature=0.8, out=out) is out
        np.testing.assert_array_equal(_bits(out), _bits(got))


def test_where_in_place_softmax(fmt):
    x = fmt.random((4, 30), 3.0, 13)
    m = np.arange(30) % 3 != 0
    want = logits.softmax(x, where=m)
    y = x.copy()
    assert logits.softmax(y, where=m, out=y) is y
    np.testing.assert_array_equal(_bits(y), _bits(want))
    assert (f64(y)[:, ~m] == 0).all()


def _ref_weighted(x, b, axis, T):
    """(log|sum b exp(x/T)|, sign) in float64, sums well away from 0."""
    s = f64(x) / T
    m = np.max(s, axis=axis, keepdims=True)
    total = np.sum(f64(b) * np.exp(s - m), axis=axis, keepdims=True)
    return (np.log(np.abs(total)) + m).squeeze(axis), np.sign(total).squeeze(axis)


@pytest.mark.parametrize("axis", [-1, 0])
def test_logsumexp_weights_and_sign(fmt, axis):
    x = fmt.random((5, 12), 2.0, 14)
    b = fmt.array(np.random.default_rng(15).uniform(0.1, 3.0, (5, 12)))
    T = 0.9
    got = logits.logsumexp(x, axis, b=b, temperature=T)
    ref, _ = _ref_weighted(x, b, axis, t32(T))
    check(got, ref, fmt, "logsumexp", what="logsumexp b")
    value, sign = logits.logsumexp(x, axis, b=b, return_sign=True, temperature=T)
    check(value, ref, fmt, "logsumexp", what="logsumexp b return_sign")
    assert sign.dtype == fmt.dtype and (f64(sign) == 1).all()
    # Weights of both signs, one part well above the other in each slice.
    bn = f64(b).copy()
    bn[::2] *= -1 if axis == 0 else 1
    bn[:, ::2] *= -1 if axis == -1 else 1
    xs = f64(x).copy()
    if axis == -1:
        xs[:, 0] = 12.0 + np.arange(5)  # a dominant entry per row
    else:
        xs[0, :] = 12.0
    x2, b2 = fmt.array(xs), fmt.array(bn)
    value, sign = logits.logsumexp(x2, axis, b=b2, return_sign=True, temperature=T)
    ref, ref_sign = _ref_weighted(x2, b2, axis, t32(T))
    check(value, ref, fmt, "logsumexp", what="logsumexp signed")
    np.testing.assert_array_equal(f64(sign), ref_sign)
    got = logits.logsumexp(x2, axis, b=b2, temperature=T)
    assert got.dtype == fmt.dtype
    np.testing.assert_array_equal(np.isnan(f64(got)), ref_sign < 0)
    # Without b: the signs of the library's 16-bit result.
    value, sign = logits.logsumexp(x, axis, return_sign=True)
    assert value.dtype == sign.dtype == fmt.dtype
    check(value, ref_forward("logsumexp", x, axis), fmt, "logsumexp", what="return_sign")
    out = np.empty(value.shape, dtype=fmt.dtype)
    assert logits.logsumexp(x, axis, b=b, out=out) is out


def test_logsumexp_weights_of_another_dtype(fmt):
    """b of float32 (or a list, float64): numpy's promotion of x and b, as for
    float32 x with float64 b."""
    x = fmt.random((3, 8), 2.0, 16)
    got = logits.logsumexp(x, b=np.full(8, 0.5, np.float32))
    assert got.dtype == np.float32
    got = logits.logsumexp(x, b=[0.5] * 8)
    assert got.dtype == np.float64
    got = logits.logsumexp(x, b=np.full(8, 2, np.uint8))
    assert got.dtype == fmt.dtype
    check(got, _ref_weighted(x, np.full(8, 2.0), -1, 1.0)[0], fmt, "logsumexp", what="b uint8")


# --------------------------------------------------------------------------
# Mixed dtypes (the gradients' two inputs)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("function", BACKWARD_AXIS + BACKWARD_ELEM)
def test_mixed_dtypes_follow_numpys_promotion(function, fmt):
    f = getattr(logits, function)
    y, dy = gradient_inputs(function, fmt, (3, 10), seed=17)
    assert f(y, dy).dtype == fmt.dtype
    for other in (np.float32, np.float64):
        for a, b in ((y, dy.astype(other)), (y.astype(other), dy)):
            got = f(a, b)
            assert got.dtype == other
            want = f(a.astype(other), b.astype(other))
            np.testing.assert_array_equal(got, want)
    # bools and 8-bit integers keep the 16-bit dtype, as numpy promotes them.
    ones = np.ones(y.shape, dtype=np.uint8)
    got = f(y, ones)
    assert got.dtype == fmt.dtype
    np.testing.assert_array_equal(_bits(got), _bits(f(y, fmt.array(ones))))
    # The result of a mixed call is written to an out= of the promoted dtype only.
    with pytest.raises(logits.LogitsTypeError, match="dtype"):
        f(y, dy.astype(np.float32), out=np.empty(y.shape, fmt.dtype))
    # float16 with bfloat16: float32, numpy's (ml_dtypes') rule.
    if ml_dtypes is not None:
        other16 = np.float16 if fmt.name == "bfloat16" else ml_dtypes.bfloat16
        got = f(y, dy.astype(other16))
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, f(y.astype(np.float32), dy.astype(other16).astype(np.float32)))


# --------------------------------------------------------------------------
# The losses: 16-bit logits, float32 losses, 16-bit gradients
# --------------------------------------------------------------------------

# The losses' 16-bit forms in the list (both formats), each reached through
# its public function below.
LOSS_KINDS = ["CE_LABELS", "CE_SOFT", "BCE"]
LOSS_OPS = [(t, o) for t in STORAGE for o in ops.OPS if o.kind in LOSS_KINDS and o.has(t)]
# The sampler's, top-k's and argmax's 16-bit forms (their section below).
SAMPLING_KINDS = ["SAMPLE", "SAMPLE_U", "TOP_K", "ARGMAX"]
SAMPLING_OPS = [(t, o) for t in STORAGE for o in ops.OPS if o.kind in SAMPLING_KINDS and o.has(t)]
# The gradients' bound (include/logits.h, the losses' 16-bit forms): 0.51 ulp
# of the format of the float64 gradient, plus the float32 kernel's error,
# taken as 1e-6 of the largest gradient of the sample (the class axis; for
# the binary loss the row).
GRAD_ULPS = 0.51
KERNEL_REL = 1e-6
F32_TINY = 2.0 ** -126  # the "rel" metric's floor: float32's smallest normal


def test_every_16_bit_symbol_of_the_list_is_tested_here():
    every = [(t, o) for t in STORAGE for o in ops.OPS if o.has(t)]
    assert sorted(every) == sorted(HALF_OPS + LOSS_OPS + SAMPLING_OPS)
    assert len(SAMPLING_OPS) == 2 * len(SAMPLING_KINDS) == 8
    assert {o.function for _, o in SAMPLING_OPS} == {"sample", "top_k", "argmax"}
    assert len(LOSS_OPS) == 2 * len(LOSS_KINDS) == 6
    assert {o.function for _, o in LOSS_OPS} == {"cross_entropy", "binary_cross_entropy"}
    for t, o in LOSS_OPS:
        assert t.work == "float"  # float32 weights and losses
        assert f"logits_{o.name}_{t.suffix}" in ops.symbols()


def ref_ce(x, target, *, axis=-1, where=None, from_logits=True, reduction="mean",
           label_smoothing=0.0, weight=None, ignore_index=None, temperature=1.0, eps=1e-7):
    """(loss, gradient) in float64 of include/logits.h's categorical
    cross-entropy of the float64 values of ``x`` (classes along ``axis``, an
    int, a tuple flattened in C order, or None), integer labels or soft
    targets; ``where`` masks logits to -inf (and soft-target mass to 0)."""
    x = f64(x)
    nd = x.ndim
    axes = (tuple(range(nd)) if axis is None
            else tuple(sorted(a % nd for a in (axis if isinstance(axis, tuple) else (axis,)))))
    rest = tuple(i for i in range(nd) if i not in axes)
    perm = rest + axes
    sample_shape = tuple(x.shape[i] for i in rest)
    moved_shape = sample_shape + tuple(x.shape[i] for i in axes)
    C = math.prod(x.shape[i] for i in axes)
    z = np.transpose(x, perm).reshape(-1, C)
    S = z.shape[0]
    w = np.ones(C) if weight is None else f64(weight)
    t = np.asarray(target)
    if t.dtype.kind in "iu":
        lab = t.reshape(-1).astype(np.int64)
        keep = np.ones(S, bool) if ignore_index is None else lab != ignore_index
        tt = np.zeros((S, C))
        tt[np.arange(S)[keep], lab[keep]] = 1.0
        D = float(np.sum(w[lab[keep]]))
    else:
        tt = np.transpose(f64(t), perm).reshape(-1, C)
        keep = np.ones(S, bool)
        D = float(S)
    if where is not None:
        m = np.transpose(np.broadcast_to(where, x.shape), perm).reshape(-1, C)
        z = np.where(m, z, -np.inf)
        if t.dtype.kind not in "iu":
            tt = np.where(m, tt, 0.0)
    q = (1.0 - label_smoothing) * tt + label_smoothing / C
    q[~keep] = 0.0
    wq = w * q
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        if from_logits:
            zz = z / temperature
            mx = np.max(zz, axis=1, keepdims=True)
            mx = np.where(np.isfinite(mx), mx, 0.0)
            logp = zz - mx - np.log(np.sum(np.exp(zz - mx), axis=1, keepdims=True))
        else:
            total = np.sum(z, axis=1, keepdims=True)
            p = z / total
            logp = np.log(np.clip(p, eps, 1.0 - eps))
        per = np.sum(np.where(wq == 0, 0.0, -wq * logp), axis=1)
        per[~keep] = 0.0
        if reduction == "none":
            loss, scale = per.reshape(sample_shape), 1.0
        elif reduction == "sum":
            loss, scale = np.float64(per.sum()), 1.0
        else:
            loss = np.float64(per.sum() / D) if D else np.float64(0.0)
            scale = 1.0 / D if D else 0.0
        if from_logits:
            g = (np.exp(logp) * wq.sum(axis=1, keepdims=True) - wq) / temperature
        else:
            # d/dx_j of -sum_c wq_c log clip(x_c / s): (A - wq_j / p_j) / s, A the
            # sum of wq_c over the classes whose clip is not active (those
            # contribute nothing).
            active = (p > eps) & (p < 1.0 - eps)
            a = np.sum(np.where(active, wq, 0.0), axis=1, keepdims=True)
            g = (a - np.where(active, wq / p, 0.0)) / total
    g = g * scale
    g[~keep] = 0.0
    g = np.transpose(g.reshape(moved_shape), np.argsort(perm))
    return loss, g


def ref_bce(x, y, *, from_logits=True, pos_weight=None, weight=None, label_smoothing=0.0,
            gamma=0.0, alpha=None, reduction="mean", eps=1e-7):
    """(loss, gradient) in float64 of include/logits.h's binary cross-entropy
    (PyTorch's BCEWithLogitsLoss, Keras from probabilities, focal loss)."""
    x, y = f64(x), f64(y)
    ys = y * (1.0 - label_smoothing) + label_smoothing / 2.0
    pw = np.ones(x.shape[-1] if x.ndim else 1) if pos_weight is None else f64(pos_weight)
    w = np.ones(x.shape) if weight is None else np.broadcast_to(f64(weight), x.shape)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore", under="ignore"):
        if from_logits:
            softplus = ref_elementwise("softplus", x)     # -log_sigmoid(-x)
            softplus_neg = ref_elementwise("softplus", -x)  # -log_sigmoid(x)
            bce = w * ((1.0 - ys) * softplus + pw * ys * softplus_neg)
            p, q = ref_elementwise("sigmoid", x), ref_elementwise("sigmoid", -x)
            dbce = w * ((1.0 - ys) * p - pw * ys * q)
            dp = p * q
        else:
            p = np.clip(x, eps, 1.0 - eps)
            q = 1.0 - p
            bce = -w * (pw * ys * np.log(p) + (1.0 - ys) * np.log(q))
            active = (x > eps) & (x < 1.0 - eps)
            dbce = np.where(active, -w * (pw * ys / p - (1.0 - ys) / q), 0.0)
            dp = np.where(active, 1.0, 0.0)
        if gamma > 0 or alpha is not None:
            m = q * ys + p * (1.0 - ys)  # 1 - p_t
            at = 1.0 if alpha is None else alpha * ys + (1.0 - alpha) * (1.0 - ys)
            mg = m ** gamma
            # (d m / dx) / m, exact for hard labels where m underflows.
            r = (1.0 - 2.0 * ys) * dp / m
            if from_logits:
                r = np.where(ys == 1.0, -p, np.where(ys == 0.0, q, r))
            loss = at * mg * bce
            g = at * mg * (gamma * r * bce + dbce)
        else:
            loss, g = bce, dbce
    if reduction == "none":
        return loss, g
    if reduction == "sum":
        return np.float64(loss.sum()), g
    n = x.size
    return (np.float64(loss.sum() / n) if n else np.float64(0.0)), (g / n if n else g)


def check_loss(got, ref, fmt, contract, what=""):
    """A float32 loss (a numpy float32 scalar for a reduction, else a
    float32 array) within the list's bound, relative to the float64 ``ref``
    (floored at float32's smallest normal); returns the largest error."""
    metric, bound = ops.BOUNDS[(contract, fmt.name)]
    assert metric == "rel"
    r = np.asarray(ref, dtype=np.float64)
    if r.ndim == 0:
        assert type(got) is np.float32, f"{what}: a {type(got).__name__}, expected numpy.float32"
    else:
        assert type(got) is np.ndarray and got.dtype == F32, f"{what}: {type(got)} {got.dtype}"
    g = f64(got)
    assert g.shape == r.shape, f"{what}: shape {g.shape}, expected {r.shape}"
    if not r.size:
        return 0.0
    special = ~np.isfinite(r)
    np.testing.assert_array_equal(g[special], r[special], err_msg=what)
    err = np.zeros(r.shape)
    with np.errstate(invalid="ignore"):
        err[~special] = np.abs(g[~special] - r[~special]) / np.maximum(np.abs(r[~special]), F32_TINY)
    err[np.isnan(err)] = np.inf
    worst = np.unravel_index(int(np.argmax(err)), r.shape)
    assert err[worst] <= bound, (f"{what} {fmt}: loss error {err[worst]:.3g} > {bound} at {worst}: "
                                 f"got {g[worst]!r}, expected {r[worst]!r}")
    return float(err[worst])


def check_grad(got, ref, fmt, axis=-1, what=""):
    """A gradient of the format within GRAD_ULPS ulps of the float64 ``ref``
    plus KERNEL_REL times the largest |ref| along ``axis`` (the sample);
    returns the largest error in ulps of the format (of max(|ref|, tiny))."""
    got = np.asarray(got)
    assert got.dtype == fmt.dtype, f"{what}: gradient dtype {got.dtype}, expected {fmt.dtype}"
    g, r = f64(got), np.asarray(ref, dtype=np.float64)
    assert g.shape == r.shape, f"{what}: shape {g.shape}, expected {r.shape}"
    if not r.size:
        return 0.0
    nan = np.isnan(r)
    np.testing.assert_array_equal(np.isnan(g), nan, err_msg=f"{what}: NaN gradients")
    fin = np.isfinite(r) & (np.abs(r) < fmt.overflow)
    np.testing.assert_array_equal(g[~nan & ~fin], np.copysign(np.inf, r[~nan & ~fin]), err_msg=what)
    row = np.max(np.where(fin, np.abs(r), 0.0), axis=axis, keepdims=True)
    ulp = fmt.ulp(r)
    err = np.where(fin, np.abs(g - r), 0.0)
    allowed = GRAD_ULPS * ulp + KERNEL_REL * row
    excess = np.where(fin, err / allowed, 0.0)
    worst = np.unravel_index(int(np.argmax(excess)), r.shape)
    assert excess[worst] <= 1.0, (
        f"{what} {fmt}: gradient error {err[worst] / ulp[worst]:.4g} ulp (allowed "
        f"{allowed[worst] / ulp[worst]:.4g}) at {worst}: got {g[worst]!r}, expected {r[worst]!r}")
    return float(np.max(err / ulp))


def _probabilities(fmt, shape, seed):
    """16-bit probabilities away from the clip (rows need not sum to 1)."""
    return fmt.array(np.random.default_rng(seed).uniform(0.02, 0.98, shape))


def _soft_targets(fmt, shape, seed):
    """16-bit soft targets along the last axis, rows near a distribution."""
    rng = np.random.default_rng(seed)
    return fmt.array(rng.dirichlet(np.ones(shape[-1]), shape[:-1]))


def _weights(n, seed):
    """Class or element weights, exact in float32, as float64 values."""
    return np.random.default_rng(seed).uniform(0.25, 2.0, n).astype(np.float32).astype(np.float64)


@pytest.fixture
def general_calls(monkeypatch):
    """Counts the losses' calls that took the general path."""
    seen = []
    original = losses._grad_array

    def recorder(*args, **kw):
        seen.append("_grad_array")
        return original(*args, **kw)
    monkeypatch.setattr(losses, "_grad_array", recorder)
    return seen


@pytest.mark.parametrize("t,o", LOSS_OPS, ids=[f"{o.name}_{t.suffix}" for t, o in LOSS_OPS])
def test_every_16_bit_loss_symbol(t, o, spy, general_calls, precision):
    """logits_<loss>_<f16|bf16>: the public function calls it on the caller's
    16-bit logits and targets (no copy, no float32 array), by its fast path
    (defaults) and its general path (options, precision=); the loss is a
    numpy float32 and the gradient of the logits' dtype, both within the
    bounds."""
    fmt = Fmt(t)
    symbol = f"logits_{o.name}_{t.suffix}"
    x = fmt.random((6, 37), 3.0, seed=21)
    rng = np.random.default_rng(22)
    w = _weights(37, 23)
    if o.kind == "CE_LABELS":
        target = rng.integers(0, 37, 6)
        f, contract, grad_arg = logits.cross_entropy, "cross_entropy_logits", 4
        calls = [({}, {}), ({"weight": w, "precision": precision, "label_smoothing": 0.1},
                            {"weight": w, "label_smoothing": 0.1})]
        reference = ref_ce
    elif o.kind == "CE_SOFT":
        target = _soft_targets(fmt, x.shape, 24)
        f, contract, grad_arg = logits.cross_entropy, "cross_entropy_logits", 4
        calls = [({}, {}), ({"weight": w, "precision": precision, "temperature": 0.7},
                            {"weight": w, "temperature": t32(0.7)})]
        reference = ref_ce
    else:
        assert o.kind == "BCE"
        target = fmt.array(rng.random(x.shape))
        f, contract, grad_arg = logits.binary_cross_entropy_with_logits, "binary_cross_entropy", 5
        calls = [({}, {}), ({"pos_weight": w, "precision": precision, "gamma": 2.0},
                            {"pos_weight": w, "gamma": 2.0})]
        reference = ref_bce
    for kw, ref_kw in calls:
        spy.clear()
        general_calls.clear()
        loss, grad = f(x, target, return_grad=True, **kw)
        # The fast paths: labels and the binary loss with the defaults.
        fast = not kw and o.kind != "CE_SOFT"
        assert bool(general_calls) != fast, f"{symbol} {kw}: fast path {not general_calls}"
        assert [s for s, _ in spy] == [symbol], f"{o.function}{kw} called {[s for s, _ in spy]}"
        args = spy[0][1]
        assert _address(args[0]) == x.ctypes.data, f"{symbol}: the logits were copied"
        if o.kind != "CE_LABELS":
            assert _address(args[1]) == target.ctypes.data, f"{symbol}: the targets were copied"
        assert _address(args[grad_arg]) == grad.ctypes.data
        ref_loss, ref_grad = reference(x, target, **ref_kw)
        check_loss(loss, ref_loss, fmt, contract, what=f"{symbol}{kw}")
        check_grad(grad, ref_grad, fmt, what=f"{symbol}{kw}")


CE_LABEL_OPTIONS = {
    "defaults": {},
    "weight": {"weight": "w"},
    "ignore_index -100": {"ignore_index": -100},
    "ignore_index 3": {"ignore_index": 3},
    "smoothing": {"label_smoothing": 0.1},
    "temperature": {"temperature": 0.7},
    "everything": {"temperature": 3.0, "label_smoothing": 0.2, "weight": "w", "ignore_index": -100},
    "probabilities": {"from_logits": False},
    "probabilities weighted": {"from_logits": False, "weight": "w", "label_smoothing": 0.1},
}


def _ce_kw(options, classes, seed):
    """The call's keywords and the reference's (weights as float64 values
    exact in float32, the temperature as a float)."""
    kw = dict(options)
    if kw.get("weight") == "w":
        kw["weight"] = _weights(classes, seed)
    ref_kw = dict(kw)
    if "temperature" in kw:
        ref_kw["temperature"] = t32(kw["temperature"])
    return kw, ref_kw


def _ce_contract(kw):
    return "cross_entropy_logits" if kw.get("from_logits", True) else "cross_entropy_probs"


@pytest.mark.parametrize("options", CE_LABEL_OPTIONS.values(), ids=CE_LABEL_OPTIONS.keys())
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("n", [1, 17, 1000])
def test_cross_entropy_labels(fmt, options, reduction, n):
    shape = (9, n)
    kw, ref_kw = _ce_kw(options, n, 30)
    x = (_probabilities(fmt, shape, 31) if not kw.get("from_logits", True)
         else fmt.random(shape, 3.0, 31))
    labels = np.random.default_rng(32).integers(0, n, 9)
    if "ignore_index" in kw:
        labels[[1, 4, 5]] = kw["ignore_index"] if kw["ignore_index"] < 0 else min(3, n - 1)
    loss, grad = logits.cross_entropy(x, labels, reduction=reduction, return_grad=True, **kw)
    ref_loss, ref_grad = ref_ce(x, labels, reduction=reduction, **ref_kw)
    what = f"labels {options} {reduction} n={n}"
    check_loss(loss, ref_loss, fmt, _ce_contract(kw), what=what)
    check_grad(grad, ref_grad, fmt, what=what)
    alone = logits.cross_entropy(x, labels, reduction=reduction, **kw)  # without the gradient
    np.testing.assert_array_equal(alone, loss)


CE_SOFT_OPTIONS = {
    "defaults": {},
    "weight": {"weight": "w"},
    "smoothing": {"label_smoothing": 0.15},
    "temperature": {"temperature": 0.5},
    "everything": {"temperature": 2.0, "label_smoothing": 0.1, "weight": "w"},
    "probabilities": {"from_logits": False},
    "probabilities weighted": {"from_logits": False, "weight": "w", "label_smoothing": 0.05},
}


@pytest.mark.parametrize("options", CE_SOFT_OPTIONS.values(), ids=CE_SOFT_OPTIONS.keys())
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("n", [1, 17, 1000])
def test_cross_entropy_soft(fmt, options, reduction, n):
    shape = (7, n)
    kw, ref_kw = _ce_kw(options, n, 33)
    x = (_probabilities(fmt, shape, 34) if not kw.get("from_logits", True)
         else fmt.random(shape, 3.0, 34))
    target = _soft_targets(fmt, shape, 35)
    target[2] = fmt.array(f64(target[2]) * 1.5)  # a row that does not sum to 1
    loss, grad = logits.cross_entropy(x, target, reduction=reduction, return_grad=True, **kw)
    ref_loss, ref_grad = ref_ce(x, target, reduction=reduction, **ref_kw)
    what = f"soft {options} {reduction} n={n}"
    check_loss(loss, ref_loss, fmt, _ce_contract(kw), what=what)
    check_grad(grad, ref_grad, fmt, what=what)


@pytest.mark.parametrize("axis", [0, 1, -1, (0, 2), (1, 2), None])
@pytest.mark.parametrize("kind", ["labels", "soft"])
def test_cross_entropy_axes(fmt, axis, kind):
    """Classes along any axis or axes of a 3-d array (PyTorch's N x C x d,
    optax's tuples): the non-neighbouring (0, 2) is moved in 16 bits."""
    x = fmt.random((4, 9, 5), 3.0, 36)
    plan = _axes.plan(x.shape, axis)
    if kind == "labels":
        target = np.random.default_rng(37).integers(0, plan.length, plan.reduced_shape(False))
    else:
        target = fmt.array(np.random.default_rng(37).random(x.shape))
    for reduction in ("none", "mean"):
        loss, grad = logits.cross_entropy(x, target, axis=axis, reduction=reduction,
                                          return_grad=True, temperature=0.8)
        ref_loss, ref_grad = ref_ce(x, target, axis=axis, reduction=reduction, temperature=t32(0.8))
        what = f"{kind} axis {axis} {reduction}"
        check_loss(loss, ref_loss, fmt, "cross_entropy_logits", what=what)
        check_grad(grad, ref_grad, fmt, axis=plan.axes, what=what)


@pytest.mark.parametrize("kind", ["labels", "soft"])
@pytest.mark.parametrize("axis", [-1, 1, (0, 2)])
def test_cross_entropy_where(fmt, kind, axis):
    """where= masks logits to -inf in a 16-bit array: the gradient's array
    (no copy) or, without a gradient, a 16-bit temporary; the logits are
    not written."""
    x = fmt.random((4, 9, 6), 3.0, 38)
    plan = _axes.plan(x.shape, axis)
    m = np.random.default_rng(39).random(x.shape) < 0.75
    moved = plan.moved(m).reshape(plan.outer, plan.length, plan.inner)  # a copy when moved
    moved[:, 0, :] = True  # class 0 is never masked: the labels' class
    m = _axes.restored(moved.reshape(plan.moved(m).shape), plan)
    if kind == "labels":
        target = np.zeros(plan.reduced_shape(False), dtype=np.int64)
    else:
        target = fmt.array(np.random.default_rng(40).random(x.shape))
    before = _bits(x)
    ref_loss, ref_grad = ref_ce(x, target, axis=axis, where=m)
    loss, grad = logits.cross_entropy(x, target, axis=axis, where=m, return_grad=True)
    what = f"{kind} where axis {axis}"
    check_loss(loss, ref_loss, fmt, "cross_entropy_logits", what=what)
    check_grad(grad, ref_grad, fmt, axis=plan.axes, what=what)
    assert (f64(grad)[~m] == 0).all()
    alone = logits.cross_entropy(x, target, axis=axis, where=m)
    assert alone == loss
    np.testing.assert_array_equal(_bits(x), before)
    xx = x.copy()  # in place: the gradient over the logits
    loss2, g2 = logits.cross_entropy(xx, target, axis=axis, where=m, grad_out=xx)
    assert g2 is xx and loss2 == loss
    np.testing.assert_array_equal(_bits(xx), _bits(grad))


def test_cross_entropy_where_masks_in_the_gradient_array(fmt, spy):
    """With a gradient (classes along neighbouring axes) the library reads
    the masked logits from the gradient's array and writes the gradient over
    them: the call's input and gradient pointers are the gradient's."""
    x = fmt.random((5, 12), 3.0, 41)
    m = np.arange(12) % 4 != 1
    spy.clear()
    _, grad = logits.cross_entropy(x, np.zeros(5, np.int64), where=m, return_grad=True)
    (symbol, args), = spy
    assert symbol == f"logits_cross_entropy_labels_{fmt.t.suffix}"
    assert _address(args[0]) == _address(args[4]) == grad.ctypes.data


BCE_OPTIONS = {
    "defaults": {},
    "pos_weight": {"pos_weight": "pw"},
    "row weight": {"weight": "row"},
    "weight": {"weight": "full"},
    "smoothing": {"label_smoothing": 0.1},
    "gamma": {"gamma": 2.0},
    "alpha": {"alpha": 0.25},
    "focal everything": {"gamma": 1.5, "alpha": 0.75, "label_smoothing": 0.05, "pos_weight": "pw",
                         "weight": "full"},
    "probabilities": {"from_logits": False},
    "probabilities focal": {"from_logits": False, "gamma": 2.0, "alpha": 0.25, "pos_weight": "pw",
                            "weight": "full", "label_smoothing": 0.1},
}


@pytest.mark.parametrize("options", BCE_OPTIONS.values(), ids=BCE_OPTIONS.keys())
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("shape", [(33,), (6, 17), (2, 3, 40)], ids=str)
def test_binary_cross_entropy(fmt, options, reduction, shape):
    kw = dict(options)
    classes = shape[-1]
    if kw.get("pos_weight") == "pw":
        kw["pos_weight"] = _weights(classes, 42)
    if kw.get("weight") == "row":
        kw["weight"] = _weights(classes, 43)
    elif kw.get("weight") == "full":
        kw["weight"] = _weights(math.prod(shape), 44).reshape(shape)
    from_logits = kw.pop("from_logits", True)
    x = fmt.random(shape, 3.0, 45) if from_logits else _probabilities(fmt, shape, 45)
    rng = np.random.default_rng(46)
    y = fmt.array(np.where(rng.random(shape) < 0.5, rng.random(shape), rng.random(shape) < 0.5))
    loss, grad = logits.binary_cross_entropy(x, y, from_logits=from_logits, reduction=reduction,
                                             return_grad=True, **kw)
    ref_loss, ref_grad = ref_bce(x, y, from_logits=from_logits, reduction=reduction, **kw)
    what = f"bce {options} {reduction}"
    check_loss(loss, ref_loss, fmt, "binary_cross_entropy", what=what)
    check_grad(grad, ref_grad, fmt, what=what)


def _loss_calls(fmt, seed=47):
    """(name, function of (x, **kw), logits) for each 16-bit loss form."""
    x = fmt.random((5, 23), 3.0, seed)
    labels = np.random.default_rng(seed).integers(0, 23, 5)
    soft = _soft_targets(fmt, x.shape, seed + 1)
    y = fmt.array(np.random.default_rng(seed + 2).random(x.shape))
    return [
        ("labels", lambda a, **kw: logits.cross_entropy(a, labels, **kw), x),
        ("soft", lambda a, **kw: logits.cross_entropy(a, soft, **kw), x),
        ("bce", lambda a, **kw: logits.binary_cross_entropy_with_logits(a, y, **kw), x),
        ("bce probabilities", lambda a, **kw: logits.binary_cross_entropy(a, y, from_logits=False, **kw),
         _probabilities(fmt, x.shape, seed + 3)),
    ]


@pytest.mark.parametrize("general", [False, True], ids=["defaults", "precision"])
def test_losses_in_place(fmt, general):
    """grad_out=the logits: the gradient overwrites them (no other array),
    the same bits and loss as a separate gradient."""
    kw = {"precision": "exact"} if general else {}
    for name, f, x in _loss_calls(fmt):
        for reduction in ("none", "mean", "sum"):
            want_loss, want = f(x, reduction=reduction, return_grad=True, **kw)
            xx = x.copy()
            loss, grad = f(xx, reduction=reduction, grad_out=xx, **kw)
            assert grad is xx and np.shares_memory(grad, xx), name
            np.testing.assert_array_equal(_bits(grad), _bits(want), err_msg=f"{name} {reduction}")
            np.testing.assert_array_equal(loss, want_loss)
            assert type(loss) is type(want_loss)
            out = np.full(x.shape, 7, dtype=fmt.dtype)
            loss, grad = f(x, reduction=reduction, grad_out=out, **kw)
            assert grad is out
            np.testing.assert_array_equal(_bits(out), _bits(want))


def test_losses_wrong_grad_out_raises(fmt):
    others = [np.float16] if fmt.name == "bfloat16" else [] if ml_dtypes is None else [ml_dtypes.bfloat16]
    for name, f, x in _loss_calls(fmt):
        for odt in [np.float32, np.float64] + others:
            out = np.full(x.shape, 7, dtype=odt)
            before = out.copy()
            with pytest.raises(logits.LogitsTypeError, match="dtype"):
                f(x, grad_out=out)
            np.testing.assert_array_equal(out, before, err_msg=name)


def test_losses_bad_input_raises_and_leaves_the_logits_untouched(fmt):
    """The library checks the whole call first: a refused call writes no
    gradient, not even in place over the logits."""
    x = fmt.random((5, 23), 3.0, 48)
    p = _probabilities(fmt, x.shape, 49)
    labels = np.random.default_rng(50).integers(0, 23, 5)
    soft = _soft_targets(fmt, x.shape, 51)
    y = fmt.array(np.random.default_rng(52).random(x.shape))
    bad_labels = labels.copy()
    bad_labels[3] = 23
    negative = _weights(23, 53)
    negative[7] = -1.0
    bad_soft = soft.copy()
    bad_soft[2, 5] = -0.5
    bad_y = y.copy()
    bad_y[1, 1] = 1.5
    bad_p = p.copy()
    bad_p[4, 2] = -0.25
    cases = [
        ("label", lambda a, **kw: logits.cross_entropy(a, bad_labels, **kw), x, r"label 23"),
        ("class weight", lambda a, **kw: logits.cross_entropy(a, labels, weight=negative, **kw), x, "weight"),
        ("soft weight", lambda a, **kw: logits.cross_entropy(a, soft, weight=negative, **kw), x, "weight"),
        ("soft target", lambda a, **kw: logits.cross_entropy(a, bad_soft, **kw), x, "target"),
        ("probabilities", lambda a, **kw: logits.cross_entropy(a, labels, from_logits=False, **kw),
         bad_p, "from_logits"),
        ("bce target", lambda a, **kw: logits.binary_cross_entropy_with_logits(a, bad_y, **kw), x, "target"),
        ("bce pos_weight", lambda a, **kw: logits.binary_cross_entropy_with_logits(
            a, y, pos_weight=negative, **kw), x, "pos_weight"),
        ("bce weight", lambda a, **kw: logits.binary_cross_entropy_with_logits(
            a, y, weight=negative, **kw), x, "weight"),
        ("bce probabilities", lambda a, **kw: logits.binary_cross_entropy(
            a, y, from_logits=False, **kw), bad_p, "probability"),
    ]
    for name, f, a, match in cases:
        for kw in ({}, {"precision": "exact"}):
            aa = a.copy()
            before = _bits(aa)
            with pytest.raises(logits.LogitsError, match=f"(?i){match}") as info:
                f(aa, grad_out=aa, **kw)
            assert info.value.status != _library.Status.OK, name
            np.testing.assert_array_equal(_bits(aa), before, err_msg=f"{name}: the logits were written")
            out = np.full(a.shape, 7, dtype=fmt.dtype)
            with pytest.raises(logits.LogitsError, match=f"(?i){match}"):
                f(a, grad_out=out, **kw)
            assert (f64(out) == 7).all(), f"{name}: grad_out was written"
            with pytest.raises(logits.LogitsError, match=f"(?i){match}"):
                f(a, **kw)


def _as_float32_loss(f, *arrays, **kw):
    """The float32 call on the exact values (targets and weights too)."""
    return f(*[a.astype(np.float32) if isinstance(a, np.ndarray) and a.dtype.kind != "i" else a
               for a in arrays], **kw)


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
def test_losses_are_the_float32_kernels_on_the_widened_values(fmt, reduction):
    """include/logits.h: the float32 kernels run on the widened values and
    each gradient value is rounded once to the format: per-sample losses
    equal the float32 call's, gradients its gradients rounded to the format;
    a reduced loss (summed per block, in double) within the bound of it."""
    for name, f, x in _loss_calls(fmt, seed=54):
        for kw in ({}, {"precision": "exact"}, {"label_smoothing": 0.1}):
            loss, grad = f(x, reduction=reduction, return_grad=True, **kw)
            loss32, grad32 = f(x.astype(np.float32), reduction=reduction, return_grad=True, **kw)
            # float32 logits compute in float32, the 16-bit targets converted exactly.
            assert grad32.dtype == F32
            np.testing.assert_array_equal(_bits(grad), _bits(grad32.astype(fmt.dtype)),
                                          err_msg=f"{name} {kw}")
            if reduction == "none":
                np.testing.assert_array_equal(loss, loss32, err_msg=f"{name} {kw}")
            else:
                assert abs(float(loss) - float(loss32)) <= 1e-6 * abs(float(loss32)), (name, kw)


def test_loss_targets_follow_numpys_promotion(fmt):
    """Soft and binary targets stay 16-bit when numpy's promotion with the
    logits is their 16-bit dtype (the dtype itself, bools, 8-bit integers);
    otherwise the call computes in float32 (float32 or float64 targets, the
    other 16-bit format, 16-bit integers), as float32 logits do. Labels of
    any integer dtype and weights of any real dtype keep the 16-bit forms
    (weights are converted to float32)."""
    x = fmt.random((4, 10), 2.0, 55)
    x32 = x.astype(F32)
    soft = _soft_targets(fmt, x.shape, 56)
    hard = np.random.default_rng(57).random(x.shape) < 0.5
    ce = logits.cross_entropy
    bce = logits.binary_cross_entropy_with_logits
    other16 = [] if ml_dtypes is None else [np.float16 if fmt.name == "bfloat16" else ml_dtypes.bfloat16]
    # 16-bit: the dtype itself, bools, 8-bit integers (for the binary loss:
    # cross_entropy takes integers as labels).
    for f, target in ((ce, soft), (ce, hard), (bce, fmt.array(hard)),
                      (bce, hard), (bce, hard.astype(np.int8)), (bce, hard.astype(np.uint8))):
        loss, grad = f(x, target, return_grad=True)
        assert type(loss) is np.float32 and grad.dtype == fmt.dtype, (f, target.dtype)
        want_loss, want = f(x, fmt.array(target), return_grad=True)
        np.testing.assert_array_equal(_bits(grad), _bits(want))
        assert loss == want_loss
    # float32: float32 or float64 targets, the other 16-bit format, int16.
    promoted = [(ce, soft.astype(F32)), (ce, soft.astype(F64)), (bce, hard.astype(F32)),
                (bce, hard.astype(F64)), (bce, hard.astype(np.int16)), (bce, [[0.5] * 10] * 4)]
    promoted += [(f, soft.astype(o)) for f in (ce, bce) for o in other16]
    for f, target in promoted:
        loss, grad = f(x, target, return_grad=True)
        assert type(loss) is np.float32 and grad.dtype == F32, (f, np.asarray(target).dtype)
        want_loss, want = f(x32, np.asarray(target).astype(F32), return_grad=True)
        np.testing.assert_array_equal(grad, want)
        assert loss == want_loss
    # Labels of any integer dtype.
    labels = np.array([1, 0, 9, 4])
    want_loss, want = ce(x, labels, return_grad=True)
    for dt in (np.int32, np.uint8, np.int16, np.uint64):
        loss, grad = ce(x, labels.astype(dt), return_grad=True)
        assert grad.dtype == fmt.dtype and loss == want_loss
        np.testing.assert_array_equal(_bits(grad), _bits(want))
    # Weights of any real dtype: converted to float32.
    w = _weights(10, 58)
    for wt in [np.float64, np.float32, np.float16] + ([ml_dtypes.bfloat16] if ml_dtypes else []):
        ww = w.astype(wt)
        w32 = ww.astype(F32)
        loss, grad = ce(x, labels, weight=ww, return_grad=True)
        want_loss, want = ce(x, labels, weight=w32, return_grad=True)
        assert grad.dtype == fmt.dtype and loss == want_loss
        np.testing.assert_array_equal(_bits(grad), _bits(want))
        loss, grad = bce(x, fmt.array(hard), pos_weight=ww, weight=ww, return_grad=True)
        want_loss, want = bce(x, fmt.array(hard), pos_weight=w32, weight=np.broadcast_to(w32, x.shape),
                              return_grad=True)
        assert grad.dtype == fmt.dtype and loss == want_loss
        np.testing.assert_array_equal(_bits(grad), _bits(want))
    # The loss of a 16-bit call is float32: a float32 scalar, or array for "none".
    assert ce(x, labels, reduction="none").dtype == F32
    assert bce(x, hard, reduction="none").dtype == F32


@pytest.mark.parametrize("shape", [(0, 5), (2, 0, 3), (0,)], ids=str)
def test_losses_empty(fmt, shape):
    """Empty arrays as float32 does: a 0 loss, an empty gradient of the
    format."""
    x = np.zeros(shape, dtype=fmt.dtype)
    calls = [(logits.binary_cross_entropy_with_logits, np.zeros(shape, fmt.dtype))]
    if len(shape) > 1 and shape[-1]:
        calls += [(logits.cross_entropy, np.zeros(shape[:-1], np.int64)),
                  (logits.cross_entropy, np.zeros(shape, fmt.dtype))]
    for f, target in calls:
        for reduction in ("none", "mean", "sum"):
            loss, grad = f(x, target, reduction=reduction, return_grad=True)
            want_loss, want = _as_float32_loss(f, x, target, reduction=reduction, return_grad=True)
            assert grad.dtype == fmt.dtype and grad.shape == want.shape
            assert np.asarray(loss).dtype == F32 and np.shape(loss) == np.shape(want_loss)
            np.testing.assert_array_equal(loss, want_loss)


def test_cross_entropy_zero_classes_with_samples_raises(fmt):
    x = np.zeros((3, 0), dtype=fmt.dtype)
    with pytest.raises(logits.LogitsError):
        logits.cross_entropy(x, np.zeros(3, np.int64))
    with pytest.raises(logits.LogitsError):
        logits.cross_entropy(x.astype(F32), np.zeros(3, np.int64))


def test_losses_special_values_as_float32(fmt):
    """NaN, +-inf and the format's largest values: as the float32 call on the
    exact values (its rules), the gradient rounded to the format."""
    x = fmt.array([[np.nan, 1.0, 2.0, 3.0],       # a NaN: its own sample NaN
                   [-np.inf, 0.0, 1.0, 2.0],      # -inf on the true class: +inf loss
                   [1.0, -np.inf, 2.0, 3.0],      # -inf elsewhere: finite
                   [np.inf, 1.0, 2.0, -1.0],      # +inf
                   [fmt.max, -fmt.max, 0.0, 1.0],  # the format's extremes
                   [1.0, 2.0, 3.0, 4.0]])
    labels = np.array([1, 0, 3, 2, 0, 3])
    w = np.array([1.0, 0.0, 1.0, 2.0])
    y = fmt.array(np.tile([1.0, 0.0, 0.5, 1.0], (6, 1)))
    calls = [(logits.cross_entropy, (labels,), {}), (logits.cross_entropy, (labels,), {"weight": w}),
             (logits.cross_entropy, (logits.softmax(fmt.array(np.ones((6, 4)))),), {}),
             (logits.binary_cross_entropy_with_logits, (y,), {}),
             (logits.binary_cross_entropy_with_logits, (y,), {"gamma": 2.0, "alpha": 0.25})]
    for f, targets, kw in calls:
        with np.errstate(invalid="ignore", over="ignore"):
            loss, grad = f(x, *targets, reduction="none", return_grad=True, **kw)
            want_loss, want = _as_float32_loss(f, x, *targets, reduction="none", return_grad=True, **kw)
            want16 = want.astype(fmt.dtype)
        np.testing.assert_array_equal(loss, want_loss, err_msg=f"{f.__name__} {kw}")
        np.testing.assert_array_equal(f64(grad), f64(want16), err_msg=f"{f.__name__} {kw}")
    loss = logits.cross_entropy(x, labels, reduction="none")
    assert np.isnan(loss[0]) and loss[1] == np.inf and np.isfinite(loss[2]) and np.isfinite(loss[5])


def test_losses_fast_and_general_paths_agree(fmt, monkeypatch):
    results = []
    for fast in (True, False):
        monkeypatch.setattr(losses, "_FAST", fast)
        results.append([f(x, reduction=r, return_grad=True) for _, f, x in _loss_calls(fmt, seed=59)
                        for r in ("none", "mean", "sum")])
    for (l1, g1), (l2, g2) in zip(*results):
        assert type(l1) is type(l2)
        np.testing.assert_array_equal(l1, l2)
        np.testing.assert_array_equal(_bits(g1), _bits(g2))


def test_bfloat16_losses_allocate_no_float32_array():
    """bfloat16 losses with their gradients over a 64 x 128256 (Llama 3
    vocabulary) batch: numpy's allocations (tracemalloc) stay below a
    float32 array of that size (the library widens a block at a time): the
    bfloat16 gradient only, nothing in place."""
    pytest.importorskip("ml_dtypes")
    bf16 = np.dtype(ml_dtypes.bfloat16)
    rng = np.random.default_rng(60)
    x = rng.standard_normal((64, 128256), dtype=np.float32).astype(bf16)
    labels = rng.integers(0, 128256, 64)
    f32_bytes = x.size * 4
    logits.cross_entropy(x[:1, :8], labels[:1] % 8)  # the dtype looked up, the function loaded
    for kw in ({}, {"precision": "exact"}, {"label_smoothing": 0.1, "temperature": 0.7},
               {"reduction": "none"}):
        (loss, grad), used = _traced_peak(lambda: logits.cross_entropy(x, labels, return_grad=True, **kw))
        assert grad.dtype == bf16 and np.asarray(loss).dtype == F32
        assert used < f32_bytes, f"cross_entropy{kw} allocated {used} bytes"
        assert used < x.nbytes + (1 << 20), f"cross_entropy{kw} allocated {used} bytes"
        del grad
    loss, used = _traced_peak(lambda: logits.cross_entropy(x, labels))
    assert used < (1 << 20), f"cross_entropy without a gradient allocated {used} bytes"
    xx = x.copy()
    (loss, grad), used = _traced_peak(lambda: logits.cross_entropy(xx, labels, grad_out=xx))
    assert grad is xx and used < (1 << 20), f"cross_entropy in place allocated {used} bytes"
    m = np.arange(128256) % 7 != 3
    m[labels] = True
    (loss, grad), used = _traced_peak(lambda: logits.cross_entropy(x, labels, where=m, return_grad=True))
    assert used < f32_bytes, f"cross_entropy where= allocated {used} bytes"
    del grad
    y = (x > bf16.type(0)).astype(bf16)
    (loss, grad), used = _traced_peak(lambda: logits.binary_cross_entropy_with_logits(x, y, return_grad=True))
    assert grad.dtype == bf16 and used < x.nbytes + (1 << 20), f"bce allocated {used} bytes"


# --------------------------------------------------------------------------
# The sampler, top-k and argmax: the float32 functions on the widened values
# --------------------------------------------------------------------------
#
# include/logits.h: blocks of whole rows are widened exactly to float32 and
# the float32 code runs on them with the call's row numbers, so every result
# is the float32 call's on x.astype(np.float32), bit for bit: the tokens
# (the same seed's Philox draw of (seed, row), or the same uniforms), the
# float32 log-probabilities, top-k's indices (its values are the rows' own
# 16-bit values) and argmax's indices.


def _sampling_logits(fmt, shape, seed):
    """16-bit logits with ties (rounded values), masked tokens (-inf) and,
    in the last row, two +inf."""
    x = fmt.random(shape, 2.0, seed)
    x[:, ::11] = fmt.array(np.round(f64(x[:, ::11])))
    x[:, 3::17] = fmt.array(-np.inf)
    if shape[0] > 2:
        x[-1, [1, 7]] = fmt.array(np.inf)
    return x


def _history_for(rows, vocab, seed):
    rng = np.random.default_rng(seed)
    h = rng.integers(0, vocab, (rows, 12))
    h[:, -3:] = -1  # padding
    return h


@pytest.mark.parametrize("t,o", SAMPLING_OPS, ids=[f"{o.name}_{t.suffix}" for t, o in SAMPLING_OPS])
def test_every_16_bit_sampling_symbol(t, o, spy):
    """logits_<sample | sample_from_uniform | top_k | argmax>_<f16|bf16>:
    the public function calls it on the caller's 16-bit array (no copy, no
    float32 array), and its results are the float32 call's on the widened
    values: the same tokens and float32 log-probabilities, the same indices,
    top-k's values the input's own, in its dtype."""
    fmt = Fmt(t)
    symbol = f"logits_{o.name}_{t.suffix}"
    x = _sampling_logits(fmt, (9, 301), seed=len(o.name))
    x32 = x.astype(np.float32)
    rows = x.shape[0]
    spy.clear()
    if o.kind in ("SAMPLE", "SAMPLE_U"):
        kw = {"top_p": 0.9, "temperature": 0.8, "return_logprobs": True}
        if o.kind == "SAMPLE":
            kw["seed"] = 0x5EED
        else:
            kw["uniform"] = (np.arange(rows) + 0.5) / rows
        got = logits.sample(x, **kw)
        calls = list(spy)
        want = logits.sample(x32, **kw)
        tokens, lp, raw = got
        assert tokens.dtype == np.int64 and lp.dtype == raw.dtype == F32
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g, w, err_msg=symbol)
        out = tokens
    elif o.kind == "TOP_K":
        values, indices = logits.top_k(x, 13)
        calls = list(spy)
        v32, i32 = logits.top_k(x32, 13)
        assert values.dtype == fmt.dtype and indices.dtype == np.int64
        np.testing.assert_array_equal(indices, i32)
        np.testing.assert_array_equal(_bits(values), _bits(np.take_along_axis(x, indices, axis=1)))
        np.testing.assert_array_equal(f64(values), f64(v32))
        out = values
    else:
        got = logits.argmax(x)
        calls = list(spy)
        np.testing.assert_array_equal(got, logits.argmax(x32))
        np.testing.assert_array_equal(got, np.argmax(x32, axis=1))
        out = got
    assert [s for s, _ in calls] == [symbol], f"{o.function} called {[s for s, _ in calls]}"
    args = calls[0][1]
    assert _address(args[0]) == x.ctypes.data, f"{symbol}: the logits were copied"
    result_arg = 2 if o.kind == "SAMPLE_U" else 1
    assert _address(args[result_arg]) == out.ctypes.data


SAMPLER_SETTINGS = {
    "defaults": {},
    "greedy": {"temperature": 0},
    "near greedy": {"temperature": 1e-30},
    "temperature top_k": {"temperature": 0.7, "top_k": 5},
    "top_p min_p": {"top_p": 0.8, "min_p": 0.05},
    "llama.cpp": {"order": "llama.cpp", "temperature": 1.5, "top_k": 40, "top_p": 0.95, "min_p": 0.02},
    "penalties": {"repetition_penalty": 1.3, "presence_penalty": 0.5, "frequency_penalty": 0.2,
                  "history": "h"},
    "bias": {"logit_bias": {0: 2.5, 5: -np.inf, 9: np.inf}},
    "everything": {"temperature": 0.9, "top_k": 50, "top_p": 0.9, "min_p": 0.01,
                   "repetition_penalty": 1.1, "frequency_penalty": 0.1, "history": "h",
                   "logit_bias": {2: 1.0}},
}


@pytest.mark.parametrize("settings", SAMPLER_SETTINGS.values(), ids=SAMPLER_SETTINGS.keys())
@pytest.mark.parametrize("shape", [(40, 301), (200, 1000), (3, 70_000)], ids=str)
def test_sample_is_the_float32_sampler_on_the_widened_values(fmt, settings, shape):
    """Tokens and both log-probabilities equal the float32 call's on
    x.astype(np.float32), with a seed and with uniforms; several blocks of
    rows (200 x 1000: blocks of 65 rows) and rows longer than a block
    (70000) take the call's row numbers."""
    x = _sampling_logits(fmt, shape, seed=shape[1])
    x32 = x.astype(np.float32)
    kw = dict(settings)
    if kw.get("history") == "h":
        kw["history"] = _history_for(shape[0], shape[1], 5)
    u = np.random.default_rng(6).random(shape[0])
    for draw in ({"seed": 20261206}, {"uniform": u}):
        got = logits.sample(x, return_logprobs=True, **draw, **kw)
        want = logits.sample(x32, return_logprobs=True, **draw, **kw)
        assert got[1].dtype == got[2].dtype == F32
        for g, w, what in zip(got, want, ("tokens", "logprobs", "raw logprobs")):
            np.testing.assert_array_equal(g, w, err_msg=f"{what} {draw.keys()}")
        tokens = logits.sample(x, **draw, **kw)  # without the log-probabilities
        np.testing.assert_array_equal(tokens, got[0])


def test_sample_one_row(fmt):
    """1-D logits give a scalar token and scalar float32 log-probabilities."""
    x = _sampling_logits(fmt, (1, 500), seed=3)[0]
    tok, lp, raw = logits.sample(x, seed=9, top_k=20, return_logprobs=True)
    tok32, lp32, raw32 = logits.sample(x.astype(np.float32), seed=9, top_k=20, return_logprobs=True)
    assert np.ndim(tok) == 0 and tok == tok32
    assert lp.dtype == raw.dtype == F32 and lp == lp32 and raw == raw32
    assert logits.sample(x, uniform=[0.25]) == logits.sample(x.astype(np.float32), uniform=[0.25])


@pytest.mark.parametrize("shape,k", [((1, 10), 3), ((5, 1000), 1), ((3, 70_000), 50), ((2, 4097), 4097),
                                     ((4, 3000), 1500), ((2, 7), 0)], ids=str)
def test_top_k_values_are_the_rows_own(fmt, shape, k):
    """Indices: the float32 call's (ties to the lower index, NaN first);
    values: the input's own bits at those indices, in its dtype."""
    x = _sampling_logits(fmt, shape, seed=shape[1] + k)
    if shape[1] > 5:
        x[0, 5] = fmt.array(np.nan)
    values, indices = logits.top_k(x, k)
    v32, i32 = logits.top_k(x.astype(np.float32), k)
    assert values.dtype == fmt.dtype and values.shape == indices.shape == shape[:-1] + (k,)
    np.testing.assert_array_equal(indices, i32)
    np.testing.assert_array_equal(_bits(values), _bits(np.take_along_axis(x, indices, axis=1)))
    np.testing.assert_array_equal(f64(values), f64(v32))


def test_top_k_and_argmax_along_other_axes(fmt):
    x = _sampling_logits(fmt, (6, 40), seed=12).reshape(6, 8, 5)
    x32 = x.astype(np.float32)
    for axis in (0, 1, -1):
        values, indices = logits.top_k(x, 3, axis=axis)
        v32, i32 = logits.top_k(x32, 3, axis=axis)
        assert values.dtype == fmt.dtype
        np.testing.assert_array_equal(indices, i32)
        np.testing.assert_array_equal(_bits(values), _bits(np.take_along_axis(x, indices, axis=axis)))
        np.testing.assert_array_equal(logits.argmax(x, axis=axis), logits.argmax(x32, axis=axis))
    one = x[0, 0]
    assert logits.argmax(one) == logits.argmax(one.astype(np.float32))


def test_argmax_is_numpys(fmt):
    """The lowest index on ties, the first NaN if any, 0 for a row of -inf."""
    x = _sampling_logits(fmt, (7, 513), seed=5)
    x[2, 100] = x[2, 300] = fmt.array(50.0)
    x[4, 17] = x[4, 18] = fmt.array(np.nan)
    x[5] = fmt.array(-np.inf)
    got = logits.argmax(x)
    np.testing.assert_array_equal(got, logits.argmax(x.astype(np.float32)))
    np.testing.assert_array_equal(got, np.argmax(x.astype(np.float32), axis=1))
    assert got[2] == 100 and got[4] == 17 and got[5] == 0


def _raises_as_float32(f, x, *args, **kw):
    """f on 16-bit x raises the float32 call's error (type, status, message)."""
    with pytest.raises(logits.LogitsError) as want:
        f(x.astype(np.float32), *args, **kw)
    before = _bits(x)
    with pytest.raises(logits.LogitsError) as got:
        f(x, *args, **kw)
    assert type(got.value) is type(want.value) and got.value.status == want.value.status
    assert str(got.value) == str(want.value)
    np.testing.assert_array_equal(_bits(x), before)
    return str(got.value)


def test_sampling_bad_input_raises_as_float32(fmt):
    x = _sampling_logits(fmt, (4, 30), seed=14)
    nan = x.copy()
    nan[3, 2] = fmt.array(np.nan)
    assert "logits at (3, 2) is NaN" in _raises_as_float32(logits.sample, nan, seed=1)
    assert "logits at (3, 2) is NaN" in _raises_as_float32(logits.sample, nan, uniform=[0.5] * 4)
    dead = x.copy()
    dead[2] = fmt.array(-np.inf)
    assert "row 2 has nothing left" in _raises_as_float32(logits.sample, dead, seed=1)
    for kw, message in [({"top_p": 1.5}, "top_p must be in (0, 1]"), ({"top_p": 0.0}, "top_p"),
                        ({"min_p": 1.0}, "min_p"), ({"temperature": -1.0}, "temperature"),
                        ({"top_k": -1}, "top_k"), ({"history": [[40]] * 4}, "history"),
                        ({"logit_bias": {30: 1.0}}, "logit_bias"),
                        ({"uniform": [0.1, 0.2, 0.3, 1.0]}, "uniform")]:
        assert message in _raises_as_float32(logits.sample, x, **kw), kw
    assert "k must be at most" in _raises_as_float32(logits.top_k, x, 31)
    empty = fmt.array(np.zeros((2, 0)))
    assert "vocabulary" in _raises_as_float32(logits.sample, empty, seed=1)
    assert "vocabulary" in _raises_as_float32(logits.argmax, empty)


def _c_args(*arrays):
    return [ctypes.c_void_p(a.ctypes.data) for a in arrays]


def test_sampling_refusals_write_nothing(fmt):
    """The C functions refuse before writing any row: a NaN (or a row with
    nothing to sample, or a bad uniform) in the last row leaves the tokens and
    log-probabilities of every row as they were; a bad option, too; top-k's
    k > cols and argmax's empty rows leave their outputs."""
    rows, vocab = 6, 50
    suffix = fmt.t.suffix
    x = _sampling_logits(fmt, (rows, vocab), seed=15)
    nan = x.copy()
    nan[-1, 20] = fmt.array(np.nan)
    dead = x.copy()
    dead[-1] = fmt.array(-np.inf)
    size = ctypes.c_size_t
    sample = _library.raw_function(f"logits_sample_{suffix}")
    sample_u = _library.raw_function(f"logits_sample_from_uniform_{suffix}")

    def options(**fields):
        o = _library.SamplerOptions()
        _library.lib.logits_sampler_options_init(ctypes.byref(o))
        for name, value in fields.items():
            setattr(o, name, value)
        return o

    u = np.full(rows, 0.5)
    bad_u = u.copy()
    bad_u[-1] = 1.0
    cases = [("NaN", nan, u, options(seed=3)), ("nothing to sample", dead, u, options(seed=3)),
             ("top_p", x, u, options(top_p=1.5)), ("uniform", x, bad_u, options())]
    for name, logits_in, uniform, o in cases:
        for with_u in (False, True):
            if name == "uniform" and not with_u:
                continue
            tokens = np.full(rows, -7, np.int64)
            lp = np.full(rows, 7, np.float32)
            raw = np.full(rows, 7, np.float32)
            if with_u:
                status = sample_u(*_c_args(logits_in, uniform, tokens, lp, raw), size(rows), size(vocab),
                                  ctypes.byref(o))
            else:
                status = sample(*_c_args(logits_in, tokens, lp, raw), size(rows), size(vocab),
                                ctypes.byref(o))
            assert status == _library.Status.ERROR_INVALID_ARGUMENT, name
            assert (tokens == -7).all() and (lp == 7).all() and (raw == 7).all(), f"{name}: written"
    top_k = _library.raw_function(f"logits_top_k_{suffix}")
    values = np.full((rows, 3), 7, fmt.dtype)
    indices = np.full((rows, 3), -7, np.int64)
    status = top_k(*_c_args(x[:, :2].copy(), values, indices), size(rows), size(2), size(3))
    assert status == _library.Status.ERROR_INVALID_ARGUMENT
    assert (f64(values) == 7).all() and (indices == -7).all()
    argmax = _library.raw_function(f"logits_argmax_{suffix}")
    indices = np.full(rows, -7, np.int64)
    status = argmax(*_c_args(x, indices), size(rows), size(0))
    assert status == _library.Status.ERROR_INVALID_ARGUMENT and (indices == -7).all()


# --------------------------------------------------------------------------
# Memory: no float32 copy of a big bfloat16 array
# --------------------------------------------------------------------------


def _traced_peak(fn):
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        result = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return result, peak - base


def test_bfloat16_softmax_allocates_no_float32_array():
    """A bfloat16 softmax over a 64 x 128256 (Llama 3 vocabulary) batch:
    numpy's allocations (traced by tracemalloc) are the bfloat16 result
    only, nowhere near a float32 array of that size (the library widens a
    block at a time)."""
    pytest.importorskip("ml_dtypes")
    bf16 = np.dtype(ml_dtypes.bfloat16)
    rng = np.random.default_rng(20)
    x = rng.standard_normal((64, 128256), dtype=np.float32).astype(bf16)
    f32_bytes = x.size * 4
    logits.softmax(x[:1, :8])  # the dtype looked up, the function loaded
    for kw in ({}, {"precision": "exact"}, {"temperature": 0.7}, {"axis": 0}):
        r, used = _traced_peak(lambda: logits.softmax(x, **kw))
        assert r.dtype == bf16
        assert used < x.nbytes + (1 << 20), f"softmax{kw} allocated {used} bytes"
        assert used < 0.6 * f32_bytes
        del r
    out = np.empty_like(x)
    r, used = _traced_peak(lambda: logits.softmax(x, out=out))
    assert r is out and used < (1 << 20), f"softmax out= allocated {used} bytes"
    r, used = _traced_peak(lambda: logits.log_softmax(x, out=x))
    assert r is x and used < (1 << 20), f"log_softmax in place allocated {used} bytes"
    r, used = _traced_peak(lambda: logits.logsumexp(x))
    assert used < (1 << 20), f"logsumexp allocated {used} bytes"


def test_bfloat16_sampling_allocates_no_float32_array():
    """The sampler, top-k and argmax over a 64 x 128256 (Llama 3 vocabulary)
    bfloat16 batch: numpy's allocations (tracemalloc) are their small results
    only, no float32 (nor bfloat16) copy of the logits."""
    pytest.importorskip("ml_dtypes")
    bf16 = np.dtype(ml_dtypes.bfloat16)
    rng = np.random.default_rng(61)
    x = rng.standard_normal((64, 128256), dtype=np.float32).astype(bf16)
    f32_bytes = x.size * 4
    logits.sample(x[:1, :8], seed=1)  # the dtype looked up, the functions loaded
    u = rng.random(64)
    for kw in ({"seed": 1}, {"seed": 2, "top_k": 50, "top_p": 0.9, "temperature": 0.7,
                             "return_logprobs": True},
               {"uniform": u, "min_p": 0.05, "return_logprobs": True},
               {"seed": 3, "repetition_penalty": 1.2, "history": rng.integers(0, 128256, (64, 32))}):
        r, used = _traced_peak(lambda: logits.sample(x, **kw))
        assert used < (1 << 20) and used < f32_bytes, f"sample{kw} allocated {used} bytes"
        if kw.get("return_logprobs"):
            assert r[1].dtype == F32
    (values, indices), used = _traced_peak(lambda: logits.top_k(x, 50))
    assert values.dtype == bf16 and used < (1 << 20), f"top_k allocated {used} bytes"
    r, used = _traced_peak(lambda: logits.argmax(x))
    assert used < (1 << 20), f"argmax allocated {used} bytes"


# --------------------------------------------------------------------------
# ml_dtypes is optional and imported only when a bfloat16 array comes
# --------------------------------------------------------------------------


def _run(code):
    env = dict(os.environ)
    binding = os.path.join(os.path.dirname(__file__), "..", "..", "bindings", "python")
    env["PYTHONPATH"] = os.path.abspath(binding) + os.pathsep + env.get("PYTHONPATH", "")
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_import_does_not_import_ml_dtypes():
    out = _run("import sys, numpy as np, logits\n"
               "logits.softmax(np.ones(3, np.float16)); logits.sigmoid(np.ones(3))\n"
               "logits.cross_entropy(np.ones((2, 3), np.float16), np.array([0, 2]), return_grad=True)\n"
               "logits.binary_cross_entropy_with_logits(np.ones(3, np.float16), np.ones(3, np.float16))\n"
               "logits.sample(np.ones((2, 3), np.float16), seed=1, return_logprobs=True)\n"
               "logits.top_k(np.ones((2, 3), np.float16), 2); logits.argmax(np.ones(3, np.float16))\n"
               "print('ml_dtypes' in sys.modules)")
    assert out.strip() == "False"


def test_everything_else_works_without_ml_dtypes():
    out = _run("import sys\n"
               "sys.modules['ml_dtypes'] = None  # import ml_dtypes raises ImportError\n"
               "import numpy as np, logits\n"
               "from logits import _arrays\n"
               "x = np.array([[1.0, 2.0, 3.0]], np.float16)\n"
               "assert logits.softmax(x).dtype == np.float16\n"
               "assert logits.softmax(x, axis=0, temperature=2.0).dtype == np.float16\n"
               "assert logits.softmax_backward(x, x).dtype == np.float16\n"
               "assert logits.cross_entropy(x, np.array([2])).dtype == np.float32\n"
               "assert logits.cross_entropy(x, np.array([2]), return_grad=True)[1].dtype == np.float16\n"
               "assert logits.binary_cross_entropy_with_logits(x, x > 1, return_grad=True)[1].dtype "
               "== np.float16\n"
               "assert logits.softmax(x.astype(np.float32)).dtype == np.float32\n"
               "assert logits.sample(x, seed=1, return_logprobs=True)[1].dtype == np.float32\n"
               "assert logits.top_k(x, 2)[0].dtype == np.float16\n"
               "assert _arrays.bfloat16() is None\n"
               "try:\n"
               "    logits.softmax(np.zeros(3, 'V2'))\n"
               "except logits.LogitsTypeError as e:\n"
               "    print('refused', e)\n")
    assert out.startswith("refused") and "bfloat16" in out


@pytest.mark.parametrize("function", FUNCTIONS)
def test_fast_and_general_paths_agree(function, fmt, monkeypatch):
    """The defaults' fast path (row and plain forms) and the general path
    (_axis with T = 1, _ex) give the same bits."""
    f = getattr(logits, function)
    args = _args(function, fmt, (5, 33))
    fast = f(*args)
    monkeypatch.setattr(activations, "_FAST", False)
    general = f(*args)
    assert fast.dtype == general.dtype == fmt.dtype
    np.testing.assert_array_equal(_bits(fast), _bits(general))
