"""Elementwise functions of the Python binding: sigmoid, log_sigmoid, softplus.

References: longdouble implementations (logits_ref), scipy.special, and mpmath
at a few extreme points.
"""

import re
import tracemalloc

import mpmath
from pathlib import Path

import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import logits
from logits import _operations as ops
from logits_ref import (
    ELEMENTWISE_REFS,
    AXIS_LENGTHS,
    C_ELEM,
    EPS,
    F32,
    F64,
    FLOAT_DTYPES,
    LD,
    assert_bit_identical,
    assert_close,
    check_elementwise,
    float_elements,
    shapes_elementwise,
    tol_elementwise,
)

NAMES = ops.functions("EW")  # the operation list (abi/operations.h)
FUNCS = {name: getattr(logits, name) for name in NAMES}
REFS = ELEMENTWISE_REFS  # logits_ref.py: one reference per function


def grid(dtype):
    """Moderate values, every region boundary of the three functions, extremes."""
    dtype = np.dtype(dtype)
    fi = np.finfo(dtype)
    pts = [
        np.linspace(-60, 60, 2401),
        np.linspace(-1, 1, 401),
        np.geomspace(1e-30, 1e3, 300),
        -np.geomspace(1e-30, 1e3, 300),
        [0.0, -0.0, fi.max, -fi.max, fi.tiny, -fi.tiny, fi.smallest_subnormal,
         -fi.smallest_subnormal, fi.eps, -fi.eps, 0.5, -0.5],
    ]
    if dtype == F32:
        pts.append([-104.0, -103.9, -103.3, -88.7, -87.3, -86.0, -17.0, -16.6, 15.9,
                    16.6, 17.0, 88.0, 88.8, 89.0, 104.0, 1e10, -1e10, 3e38, -3e38])
    else:
        pts.append([-746.0, -745.1, -745.0, -744.0, -740.0, -709.8, -708.4, -37.5, -36.7,
                    36.0, 36.7, 37.5, 40.0, 708.4, 709.8, 710.0, 745.0, 746.0, 1e100,
                    -1e100, 1.7e308, -1.7e308])
    with np.errstate(over="ignore"):
        return np.concatenate([np.asarray(p, dtype=np.float64).astype(dtype) for p in pts])


# --------------------------------------------------------------------------
# Module basics
# --------------------------------------------------------------------------


def test_version_strings():
    assert isinstance(logits.__version__, str)
    assert re.fullmatch(r"\d+\.\d+\.\d+([.+-].*)?", logits.__version__)
    v = logits.version()
    assert isinstance(v, str)
    header = (Path(__file__).resolve().parents[2] / "include" / "logits.h").read_text()
    assert f'#define LOGITS_VERSION_STRING "{v}"' in header


def test_exception_hierarchy():
    assert issubclass(logits.LogitsError, ValueError)
    assert issubclass(logits.LogitsTypeError, logits.LogitsError)
    assert issubclass(logits.LogitsTypeError, TypeError)


# --------------------------------------------------------------------------
# Accuracy against references
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_grid_against_longdouble_reference(name, dtype):
    x = grid(dtype)
    got = FUNCS[name](x)
    assert got.dtype == dtype and got.shape == x.shape
    check_elementwise(name, got, x, what="grid")


SCIPY = {
    "sigmoid": sps.expit,
    "log_sigmoid": sps.log_expit,
    "softplus": lambda x: np.logaddexp(0.0, x),
}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_grid_against_scipy(name, dtype):
    x = grid(dtype)
    if dtype == np.float64:
        x = x[np.abs(x) <= 700]  # scipy's expit flushes to 0 below about -709
    got = FUNCS[name](x)
    # scipy in float64 from the (exact) input values; for float64 results allow
    # scipy's own few-ulp error on top of the library's bound.
    with np.errstate(all="ignore"):
        ref = SCIPY[name](x.astype(np.float64)).astype(LD)
    c = C_ELEM[np.dtype(dtype)] * (1 if dtype == np.float32 else 2)
    tol = tol_elementwise(ref, dtype, c=c)
    if dtype == np.float32:
        tol = tol + 2.0 ** -53 * 4 * np.abs(ref)
    assert_close(got, ref, tol, what=f"{name} vs scipy", x=x)


MP_POINTS = {
    ("sigmoid", F64): [-745.0, -740.0, -709.0, -100.0, -36.0, -1e-10, 0.0, 5e-324, 1e-300,
                       1e-8, 19.0, 36.7, 40.0, 710.0],
    ("log_sigmoid", F64): [-1.7e308, -1e5, -40.0, -1.0, -1e-20, 0.0, 1e-20, 20.0, 37.0,
                           100.0, 700.0, 744.0],
    ("softplus", F64): [-744.0, -700.0, -40.0, -1e-300, 0.0, 1e-15, 0.5, 30.0, 40.0, 710.0,
                        1e308],
    ("sigmoid", F32): [-104.0, -103.0, -90.0, -87.0, -17.0, -1e-30, 1e-30, 9.0, 16.0, 17.0,
                       88.0, 89.0],
    ("log_sigmoid", F32): [-3e38, -1e20, -17.0, -1e-30, 1e-30, 10.0, 17.0, 88.0, 103.0],
    ("softplus", F32): [-103.0, -88.0, -17.0, -1e-30, 1e-30, 10.0, 16.0, 17.0, 88.0, 89.0,
                        3e38],
}


def _mp_value(name, x):
    x = mpmath.mpf(float(x))
    if name == "sigmoid":
        return 1 / (1 + mpmath.exp(-x))
    if name == "log_sigmoid":
        return -mpmath.log1p(mpmath.exp(-x))
    return mpmath.log1p(mpmath.exp(x))


@pytest.mark.parametrize("name,dtype", sorted(MP_POINTS, key=str))
def test_extreme_points_against_mpmath(name, dtype):
    x = np.array(MP_POINTS[(name, dtype)], dtype=dtype)
    got = FUNCS[name](x)
    with mpmath.workdps(60):
        ref = np.array([LD(mpmath.nstr(_mp_value(name, v), 40, min_fixed=1, max_fixed=0))
                        for v in x], dtype=LD)
    assert_close(got, ref, tol_elementwise(ref, dtype), what=f"{name} vs mpmath", x=x)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_special_values(dtype):
    x = np.array([-np.inf, np.inf, np.nan, 0.0, -0.0], dtype=dtype)
    s = logits.sigmoid(x)
    ls = logits.log_sigmoid(x)
    sp = logits.softplus(x)
    np.testing.assert_array_equal(s[:2], [0.0, 1.0])
    np.testing.assert_array_equal(ls[:2], [-np.inf, 0.0])
    np.testing.assert_array_equal(sp[:2], [0.0, np.inf])
    assert np.isnan(s[2]) and np.isnan(ls[2]) and np.isnan(sp[2])
    np.testing.assert_array_equal(s[3:], [0.5, 0.5])
    ln2 = np.log(np.array(2.0, dtype=dtype))
    for r in (sp[3:], -ls[3:]):
        assert np.all(np.abs(r.astype(np.float64) - float(ln2)) <= 2 * EPS[np.dtype(dtype)])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_ranges_and_finiteness_for_huge_inputs(dtype):
    big = np.finfo(dtype).max
    x = np.array([-big, -big / 2, -1e30, 1e30, big / 2, big], dtype=dtype)
    s, ls, sp = logits.sigmoid(x), logits.log_sigmoid(x), logits.softplus(x)
    np.testing.assert_array_equal(s, [0, 0, 0, 1, 1, 1])
    assert np.all(np.isfinite(ls)), ls  # never -inf for finite x
    np.testing.assert_array_equal(ls, np.array([-big, -big / 2, -1e30, 0, 0, 0], dtype=dtype))
    assert np.all(np.isfinite(sp)), sp  # never overflows for finite x
    np.testing.assert_array_equal(sp, np.array([0, 0, 0, 1e30, big / 2, big], dtype=dtype))


# --------------------------------------------------------------------------
# Shapes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("n", AXIS_LENGTHS + [100003])
def test_lengths_and_unaligned(name, dtype, n):
    rng = np.random.default_rng(n)
    x = (rng.standard_normal(n) * 20).astype(dtype)
    got = FUNCS[name](x)
    assert got.shape == (n,) and got.dtype == dtype
    check_elementwise(name, got, x, what=f"n={n}")
    # Contiguous but starting one element past an aligned address.
    buf = np.empty(n + 1, dtype=dtype)
    buf[1:] = x
    xu = buf[1:]
    assert xu.flags.c_contiguous
    got_u = FUNCS[name](xu)
    check_elementwise(name, got_u, x, what=f"unaligned n={n}")
    outbuf = np.full(n + 1, 7.0, dtype=dtype)
    r = FUNCS[name](xu, out=outbuf[1:])
    assert outbuf[0] == 7.0
    check_elementwise(name, r, x, what=f"unaligned out n={n}")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("shape", [(), (0,), (3, 0), (0, 4, 2), (1,), (2, 3, 5), (2, 3, 4, 67)])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_shapes(name, shape, dtype):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(shape) * 10).astype(dtype)
    got = FUNCS[name](x)
    assert isinstance(got, np.ndarray)
    assert got.shape == shape and got.dtype == dtype
    check_elementwise(name, got, x, what=f"shape={shape}")


@pytest.mark.parametrize("name", NAMES)
def test_scalars_give_0d_arrays(name):
    r = FUNCS[name](0.25)
    assert isinstance(r, np.ndarray) and r.shape == () and r.dtype == np.float64
    check_elementwise(name, r, np.array(0.25))
    r32 = FUNCS[name](np.float32(-3.5))
    assert isinstance(r32, np.ndarray) and r32.shape == () and r32.dtype == np.float32
    check_elementwise(name, r32, np.array(-3.5, dtype=np.float32))
    out = np.empty((), dtype=np.float64)
    r0 = FUNCS[name](np.array(1.5), out=out)
    assert r0 is out
    check_elementwise(name, out, np.array(1.5))


# --------------------------------------------------------------------------
# Property tests (hypothesis)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_random_arrays_match_reference(name, dtype, data):
    kind = data.draw(st.sampled_from(["bounded", "finite", "special"]))
    x = data.draw(hnp.arrays(dtype, shapes_elementwise, elements=float_elements(dtype, kind)))
    got = FUNCS[name](x)
    check_elementwise(name, got, x, what=kind)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_sigmoid_symmetry(dtype, data):
    x = data.draw(hnp.arrays(dtype, hnp.array_shapes(max_dims=2, max_side=50),
                             elements=float_elements(dtype, "finite")))
    s = logits.sigmoid(x).astype(np.float64)
    sn = logits.sigmoid(-x).astype(np.float64)
    e = EPS[np.dtype(dtype)]
    assert np.all(np.abs(s + sn - 1.0) <= 2 * C_ELEM[np.dtype(dtype)] * e + 2.0 ** -52), (x, s, sn)
    assert np.all((s >= 0) & (s <= 1))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_log_sigmoid_is_minus_softplus_of_minus_x(dtype, data):
    x = data.draw(hnp.arrays(dtype, hnp.array_shapes(max_dims=2, max_side=50),
                             elements=float_elements(dtype, "finite")))
    ls = logits.log_sigmoid(x)
    sp = logits.softplus(-x)
    ref = -sp.astype(LD)
    tol = tol_elementwise(ref, dtype, c=2 * C_ELEM[np.dtype(dtype)])
    assert_close(ls, ref, tol, what="log_sigmoid(x) vs -softplus(-x)", x=x)
    assert np.all(ls <= 0) and np.all(np.isfinite(ls))
    assert np.all(sp >= 0) and np.all(np.isfinite(sp))


# --------------------------------------------------------------------------
# dtypes
# --------------------------------------------------------------------------

# float16 (and bfloat16) keep their dtype: the 16-bit forms, test_half.py.
TO_F32 = [np.int8, np.int16, np.uint8, np.uint16, np.bool_]
TO_F64 = [np.int32, np.int64, np.uint32, np.uint64]


def _sample(dtype):
    dtype = np.dtype(dtype)
    if dtype == np.bool_:
        return np.array([True, False, True])
    if dtype.kind == "u":
        return np.array([0, 1, 2, 3, 50, 100], dtype=dtype)
    if dtype.kind == "f":
        return np.array([-20.5, -1.25, 0.0, 0.5, 3.0, 60.0], dtype=dtype)
    return np.array([-100, -20, -1, 0, 1, 2, 40], dtype=dtype)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("src,expected", [(d, np.float32) for d in TO_F32]
                         + [(d, np.float64) for d in TO_F64]
                         + [(np.float32, np.float32), (np.float64, np.float64)])
def test_dtype_conversion(name, src, expected):
    x = _sample(src)
    assert np.result_type(x.dtype, np.float32) == expected
    got = FUNCS[name](x)
    assert got.dtype == expected, f"{src} gave {got.dtype}, expected {expected}"
    check_elementwise(name, got, x.astype(expected), what=f"from {np.dtype(src)}")


@pytest.mark.parametrize("name", NAMES)
def test_python_lists(name):
    got = FUNCS[name]([0.5, -2.0, 3.0])
    assert got.dtype == np.float64 and got.shape == (3,)
    check_elementwise(name, got, np.array([0.5, -2.0, 3.0]))
    got_i = FUNCS[name]([[1, 2], [-3, 0]])
    assert got_i.dtype == np.float64 and got_i.shape == (2, 2)
    check_elementwise(name, got_i, np.array([[1.0, 2.0], [-3.0, 0.0]]))


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [np.complex64, np.complex128, object, "U3", np.longdouble])
def test_unsupported_dtypes_raise_type_error(name, bad):
    if bad == "U3":
        x = np.array(["a", "b"])
    else:
        x = np.array([1.0, 2.0]).astype(bad)
    with pytest.raises(logits.LogitsTypeError, match=r"(?i)dtype|complex|object|str|longdouble|float128|type"):
        FUNCS[name](x)
    with pytest.raises(TypeError):
        FUNCS[name](x)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("be", [">f4", ">f8"])
def test_big_endian_converted_or_rejected(name, be):
    x = np.array([-30.0, -1.5, 0.0, 2.25, 17.0], dtype=be)
    native = x.astype(np.dtype(be).newbyteorder("="))
    try:
        got = FUNCS[name](x)
    except (TypeError, ValueError) as e:
        assert re.search(r"(?i)byte.?order|endian|native|dtype", str(e)), str(e)
        return
    assert got.dtype.kind == "f" and got.dtype.itemsize == np.dtype(be).itemsize
    check_elementwise(name, got.astype(native.dtype), native, what=f"big-endian {be}")


@pytest.mark.parametrize("name", NAMES)
def test_big_endian_out_written_correctly_or_rejected(name):
    x = np.array([-3.0, 0.5, 4.0], dtype=np.float32)
    out = np.full(3, 9.0, dtype=">f4")
    try:
        r = FUNCS[name](x, out=out)
    except (TypeError, ValueError):
        np.testing.assert_array_equal(out, [9.0, 9.0, 9.0])
        return
    assert r is out
    check_elementwise(name, out.astype(np.float32), x, what="big-endian out")


# --------------------------------------------------------------------------
# out=, in place, determinism, layout, zero copy
# --------------------------------------------------------------------------


def _data(dtype, shape=(37, 41), seed=0):
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 15).astype(dtype)
    x.flat[::11] = 0.0
    return x


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_out_in_place_and_determinism(name, dtype):
    f = FUNCS[name]
    x = _data(dtype)
    x_orig = x.copy()
    a = f(x)
    b = f(x)
    assert_bit_identical(a, b, "two calls")
    assert_bit_identical(x, x_orig, "input modified")
    out = np.full_like(x, -123.0)
    r = f(x, out=out)
    assert r is out
    assert_bit_identical(out, a, "out= vs return")
    xi = x.copy()
    r = f(xi, out=xi)
    assert r is xi
    assert_bit_identical(xi, a, "in place vs out of place")
    check_elementwise(name, a, x)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_non_contiguous_inputs(name, dtype):
    f = FUNCS[name]
    x = _data(dtype, shape=(12, 20))
    views = {
        "cols::2": x[:, ::2],
        "T": x.T,
        "reversed": x[::-1],
        "neg-stride-2d": x[::-2, ::-3],
        "sliced": x[2:9, 1:7],
        "3d-transposed": x.reshape(3, 4, 20).transpose(2, 0, 1),
    }
    before = x.copy()
    for label, v in views.items():
        assert not v.flags.c_contiguous
        got = f(v)
        assert got.shape == v.shape and got.dtype == dtype
        check_elementwise(name, got, np.ascontiguousarray(v), what=label)
        out = np.empty(v.shape, dtype=dtype)
        assert f(v, out=out) is out
        check_elementwise(name, out, np.ascontiguousarray(v), what=label + " out")
    assert_bit_identical(x, before, "input modified by non-contiguous call")


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


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_zero_copy(name, dtype):
    f = FUNCS[name]
    x = _data(dtype, shape=(1000, 1000), seed=5)
    ref = f(x[:3])  # warm up (loading, ctypes prototypes)
    expected = f(x)
    nbytes = x.nbytes
    # Out of place: one output allocation, no input copy.
    r, used = _traced_peak(lambda: f(x))
    assert used < 1.25 * nbytes, f"allocated {used} bytes for a {nbytes}-byte input"
    del r
    # In place: no allocation at all, same memory returned.
    xi = x.copy()
    r, used = _traced_peak(lambda: f(xi, out=xi))
    assert used < 0.05 * nbytes, f"in-place call allocated {used} bytes"
    assert r is xi and np.shares_memory(r, xi)
    assert_bit_identical(xi, expected, "zero-copy in place")
    del ref
