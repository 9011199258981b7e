"""Gradients: softmax_backward, log_softmax_backward, sigmoid_backward,
log_sigmoid_backward, softplus_backward.

Checked against the header's formulas (in longdouble) and against central
finite differences of the forward functions in float64.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import logits
from logits import _operations as ops
from logits_ref import (
    BACKWARD_REFS,
    AXIS_LENGTHS,
    FLOAT_DTYPES,
    LD,
    assert_bit_identical,
    assert_close,
    float_elements,
    shapes_any,
    shapes_elementwise,
    temperatures,
    tol_elementwise,
)

# Each gradient of the operation list with its forward function (the name
# without "_backward") and its reference (logits_ref.BACKWARD_REFS).
AXIS_BWD = {f: (getattr(logits, f[:-len("_backward")]), BACKWARD_REFS[f])
            for f in ops.functions("AXIS_BWD")}
ELEM_BWD = {f: (getattr(logits, f[:-len("_backward")]), BACKWARD_REFS[f])
            for f in ops.functions("EW_BWD")}


def test_tables_cover_the_operation_list():
    # Every function of abi/operations.h has its reference in logits_ref.
    from logits_ref import ELEMENTWISE_REFS
    assert sorted(BACKWARD_REFS) == sorted(ops.functions("AXIS_BWD", "ROW_BWD", "EW_BWD"))
    assert sorted(ELEMENTWISE_REFS) == sorted(ops.functions("EW"))


def bwd(name):
    return getattr(logits, name)


def check_axis_bwd(name, y, dy, axis=-1, T=1.0, what="", out=None):
    kw = {"temperature": T}
    if out is not None:
        kw["out"] = out
    got = bwd(name)(y, dy, axis, **kw)
    ref, tol = AXIS_BWD[name][1](y, dy, axis, T)
    assert_close(got, ref, tol, what=f"{name} axis={axis} T={T} {what}")
    return got


def check_elem_bwd(name, y, dy, what=""):
    got = bwd(name)(y, dy)
    ref = ELEM_BWD[name][1](y, dy)
    assert_close(got, ref, tol_elementwise(ref, got.dtype), what=f"{name} {what}")
    return got


def rand(shape, dtype, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale).astype(dtype)


# --------------------------------------------------------------------------
# Formulas
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(AXIS_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("n", AXIS_LENGTHS)
def test_axis_backward_lengths(name, dtype, n):
    fwd = AXIS_BWD[name][0]
    x = rand((3, n), dtype, seed=n, scale=4.0)
    if n > 3:
        x[1, ::2] = -np.inf
    y = fwd(x)
    dy = rand((3, n), dtype, seed=n + 1)
    got = check_axis_bwd(name, y, dy, what=f"n={n}")
    assert got.shape == (3, n) and got.dtype == dtype


@pytest.mark.parametrize("name", sorted(AXIS_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("shape", [(3, 5, 70), (2, 3, 4, 67), (1, 50257)])
@pytest.mark.parametrize("T", [1.0, 0.6, 2.5])
def test_axis_backward_every_axis(name, dtype, shape, T):
    fwd = AXIS_BWD[name][0]
    x = rand(shape, dtype, seed=len(shape), scale=3.0)
    dy = rand(shape, dtype, seed=99)
    axes = range(-len(shape), len(shape)) if len(shape) > 2 or shape[0] > 1 else [-1, 0]
    for axis in axes:
        y = fwd(x, axis, temperature=T)
        got = check_axis_bwd(name, y, dy, axis, T, what=f"shape={shape}")
        assert got.shape == shape


@pytest.mark.parametrize("name", sorted(ELEM_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("n", AXIS_LENGTHS + [100003])
def test_elementwise_backward_lengths(name, dtype, n):
    fwd = ELEM_BWD[name][0]
    x = rand(n, dtype, seed=n, scale=20.0)
    y = fwd(x)
    dy = rand(n, dtype, seed=n + 7, scale=3.0)
    got = check_elem_bwd(name, y, dy, what=f"n={n}")
    assert got.shape == (n,) and got.dtype == dtype


@pytest.mark.parametrize("name", sorted(ELEM_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_elementwise_backward_shapes(name, dtype):
    fwd = ELEM_BWD[name][0]
    for shape in [(), (0,), (2, 0), (1,), (2, 3, 5), (2, 3, 4, 67)]:
        x = rand(shape, dtype, seed=3, scale=6.0)
        y = fwd(x)
        dy = rand(shape, dtype, seed=4)
        got = check_elem_bwd(name, y, dy, what=f"shape={shape}")
        assert isinstance(got, np.ndarray) and got.shape == shape and got.dtype == dtype


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_elementwise_backward_analytic(dtype):
    """The gradients equal the textbook derivatives of the forward functions."""
    x = np.linspace(-30, 30, 601).astype(dtype)
    dy = np.linspace(-2, 3, 601).astype(dtype)
    with np.errstate(all="ignore"):
        xl = x.astype(LD)
        sig = 1 / (1 + np.exp(-xl))
        sig_neg = 1 / (1 + np.exp(xl))
    # The gradients are computed from the rounded forward outputs, so allow the
    # forward rounding as well (relative error of y times the slope).
    e = 2.0 ** -24 if dtype == np.float32 else 2.0 ** -53
    # sigmoid_backward: 1 - y loses e / (1 - y) ~ e * exp(x) relatively when y
    # is the rounded sigmoid near 1.
    with np.errstate(over="ignore"):
        sat = np.exp(np.clip(xl, None, 60))
    for name, expected, rel in [
        ("sigmoid_backward", dy * sig * (1 - sig), 8 * e * (1 + np.abs(xl) + sat)),
        ("log_sigmoid_backward", dy * sig_neg, 8 * e * (1 + np.abs(xl))),
        ("softplus_backward", dy * sig, 8 * e * (1 + np.abs(xl))),
    ]:
        y = ELEM_BWD[name][0](x)
        got = bwd(name)(y, dy)
        tol = rel * np.abs(expected) + 1e-300
        assert_close(got, expected, tol, what=f"{name} analytic")


def test_special_values_backward():
    # log_softmax_backward: y = -inf (a masked entry) gives dx = dy / T.
    with np.errstate(divide="ignore"):
        y = np.log(np.array([[0.5, 0.5, 0.0, 0.0]]))
    dy = np.array([[1.0, 2.0, 3.0, -4.0]])
    dx = logits.log_softmax_backward(y, dy, temperature=2.0)
    np.testing.assert_allclose(dx[0, 2:], [1.5, -2.0], rtol=4 * 2.0 ** -53)
    # softmax_backward on a masked (all-zero) softmax row gives zeros.
    y0 = np.zeros((2, 5))
    y0[1] = 0.2
    dx0 = logits.softmax_backward(y0, np.ones((2, 5)) * 3.0)
    np.testing.assert_array_equal(dx0[0], 0.0)
    # NaN propagates through the row sum, only in its own row.
    yn = np.full((2, 4), 0.25)
    dyn = np.ones((2, 4))
    dyn[0, 1] = np.nan
    for name in AXIS_BWD:
        yy = yn if name == "softmax_backward" else np.log(yn)
        dx = bwd(name)(yy, dyn)
        assert np.isnan(dx[0]).all(), (name, dx)
        assert not np.isnan(dx[1]).any(), (name, dx)
    # Elementwise: NaN stays local; sigmoid_backward at saturation is 0.
    dx = logits.sigmoid_backward(np.array([0.0, 1.0, 0.5, np.nan]), np.array([5.0, 5.0, 4.0, 1.0]))
    np.testing.assert_array_equal(dx[:3], [0.0, 0.0, 1.0])
    assert np.isnan(dx[3])
    dx = logits.log_sigmoid_backward(np.array([-np.inf, 0.0]), np.array([2.0, 2.0]))
    np.testing.assert_array_equal(dx, [2.0, 0.0])
    dx = logits.softplus_backward(np.array([np.inf, 0.0]), np.array([2.0, 2.0]))
    np.testing.assert_array_equal(dx, [2.0, 0.0])


# --------------------------------------------------------------------------
# Finite differences (float64)
# --------------------------------------------------------------------------


def _fd_grad(L, x, h=1e-6):
    g = np.empty_like(x)
    for i in np.ndindex(x.shape):
        xp = x.copy()
        xm = x.copy()
        step = h * max(1.0, abs(x[i]))
        xp[i] += step
        xm[i] -= step
        g[i] = (L(xp) - L(xm)) / (xp[i] - xm[i])
    return g


@pytest.mark.parametrize("shape,axis", [((3, 5), -1), ((3, 5), 0), ((2, 3, 4), 1), ((2, 3, 4), -3)])
@pytest.mark.parametrize("T", [1.0, 0.6, 3.0])
def test_softmax_backward_finite_differences(shape, axis, T):
    x = rand(shape, np.float64, seed=17, scale=2.0)
    w = rand(shape, np.float64, seed=18)

    def L(v):
        return float(np.sum(w * logits.softmax(v, axis, temperature=T)))

    y = logits.softmax(x, axis, temperature=T)
    g = logits.softmax_backward(y, w, axis, temperature=T)
    fd = _fd_grad(L, x)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8 * np.abs(w).sum())


@pytest.mark.parametrize("shape,axis", [((3, 5), -1), ((3, 5), 0), ((2, 3, 4), 1), ((2, 3, 4), -3)])
@pytest.mark.parametrize("T", [1.0, 0.6, 3.0])
def test_log_softmax_backward_finite_differences(shape, axis, T):
    x = rand(shape, np.float64, seed=27, scale=2.0)
    w = rand(shape, np.float64, seed=28)

    def L(v):
        return float(np.sum(w * logits.log_softmax(v, axis, temperature=T)))

    y = logits.log_softmax(x, axis, temperature=T)
    g = logits.log_softmax_backward(y, w, axis, temperature=T)
    fd = _fd_grad(L, x)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8 * np.abs(w).sum() / T)


@pytest.mark.parametrize("axis", [-1, 0])
@pytest.mark.parametrize("T", [1.0, 0.6, 3.0])
def test_logsumexp_gradient_is_softmax_over_T(axis, T):
    x = rand((3, 6), np.float64, seed=37, scale=2.0)
    w = rand(tuple(np.delete(np.array(x.shape), axis % 2)), np.float64, seed=38)

    def L(v):
        return float(np.sum(w * logits.logsumexp(v, axis, temperature=T)))

    g = np.expand_dims(w, axis) * logits.softmax(x, axis, temperature=T) / T
    fd = _fd_grad(L, x)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-8 * np.abs(w).sum())


@pytest.mark.parametrize("name", sorted(ELEM_BWD))
def test_elementwise_backward_finite_differences(name):
    fwd = ELEM_BWD[name][0]
    x = np.concatenate([np.linspace(-20, 20, 81), [-1e-3, 1e-3, 0.0, 35.0, -35.0]])
    w = rand(x.shape, np.float64, seed=47)
    h = 1e-6 * np.maximum(1.0, np.abs(x))
    fd = w * (fwd(x + h) - fwd(x - h)) / ((x + h) - (x - h))
    g = bwd(name)(fwd(x), w)
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)
    # With dy = 1 the gradient is the derivative itself.
    d = bwd(name)(fwd(x), np.ones_like(x))
    fd1 = (fwd(x + h) - fwd(x - h)) / ((x + h) - (x - h))
    np.testing.assert_allclose(d, fd1, rtol=1e-6, atol=1e-9)


# --------------------------------------------------------------------------
# Property tests (hypothesis)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(AXIS_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_axis_backward_random(name, dtype, data):
    shape = data.draw(shapes_any)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    T = data.draw(temperatures)
    realistic = data.draw(st.booleans())
    if realistic:
        x = data.draw(hnp.arrays(dtype, shape, elements=float_elements(dtype, "mixed")))
        y = AXIS_BWD[name][0](x, axis, temperature=T)
        y[np.isnan(y)] = 0.0
    else:
        lo, hi = (0.0, 1.0) if name == "softmax_backward" else (-50.0, 0.0)
        y = data.draw(hnp.arrays(dtype, shape, elements=st.floats(lo, hi, width=np.dtype(dtype).itemsize * 8)))
    dy = data.draw(hnp.arrays(dtype, shape, elements=float_elements(dtype, "bounded")))
    check_axis_bwd(name, y, dy, axis, T, what=f"realistic={realistic}")


@pytest.mark.parametrize("name", sorted(ELEM_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_elementwise_backward_random(name, dtype, data):
    shape = data.draw(shapes_elementwise)
    width = np.dtype(dtype).itemsize * 8
    if data.draw(st.booleans()):
        x = data.draw(hnp.arrays(dtype, shape, elements=float_elements(dtype, "finite")))
        y = ELEM_BWD[name][0](x)
    else:
        y = data.draw(hnp.arrays(dtype, shape, elements=st.floats(-60, 60, width=width)))
    dy = data.draw(hnp.arrays(dtype, shape, elements=st.floats(-1e6, 1e6, width=width)))
    check_elem_bwd(name, y, dy)


# --------------------------------------------------------------------------
# out=, in place, determinism, layouts, dtypes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(AXIS_BWD) + sorted(ELEM_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_out_and_in_place(name, dtype):
    is_axis = name in AXIS_BWD
    fwd = (AXIS_BWD if is_axis else ELEM_BWD)[name][0]
    x = rand((9, 70), dtype, seed=57, scale=3.0)
    y = fwd(x)
    dy = rand((9, 70), dtype, seed=58)
    kw = {"temperature": 0.7} if is_axis else {}
    f = bwd(name)
    a = f(y, dy, **kw)
    b = f(y, dy, **kw)
    assert_bit_identical(a, b, "two calls")
    out = np.full_like(y, 42.0)
    r = f(y, dy, out=out, **kw)
    assert r is out
    assert_bit_identical(out, a, "out=")
    yi = y.copy()
    r = f(yi, dy, out=yi, **kw)
    assert r is yi
    assert_bit_identical(yi, a, "out=y")
    dyi = dy.copy()
    r = f(y, dyi, out=dyi, **kw)
    assert r is dyi
    assert_bit_identical(dyi, a, "out=dy")
    # y and dy the same array, and out the same array as both.
    s = y.copy()
    c = f(s, s, **kw)
    r = f(s, s, out=s, **kw)
    assert r is s
    assert_bit_identical(s, c, "y is dy is out")
    if is_axis:
        ref, tol = AXIS_BWD[name][1](y, y, -1, 0.7)
        assert_close(c, ref, tol, what=f"{name} y is dy")
    else:
        ref = ELEM_BWD[name][1](y, y)
        assert_close(c, ref, tol_elementwise(ref, dtype), what=f"{name} y is dy")


@pytest.mark.parametrize("name", sorted(AXIS_BWD) + sorted(ELEM_BWD))
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_non_contiguous(name, dtype):
    is_axis = name in AXIS_BWD
    fwd = (AXIS_BWD if is_axis else ELEM_BWD)[name][0]
    x = rand((8, 30, 4), dtype, seed=67, scale=3.0)
    dy = rand((8, 30, 4), dtype, seed=68)
    views = [
        lambda a: a[:, ::2, :],
        lambda a: a.transpose(2, 0, 1),
        lambda a: a[::-1, 3:25, 1:],
    ]
    for k, view in enumerate(views):
        xv = view(x)
        yv = fwd(xv, 0) if is_axis else fwd(xv)
        dyv = view(dy)
        assert not dyv.flags.c_contiguous
        # Make y non-contiguous as well.
        ybig = np.zeros(yv.shape[:-1] + (2 * yv.shape[-1],), dtype=dtype)
        ybig[..., ::2] = yv
        yv2 = ybig[..., ::2]
        if is_axis:
            for axis in (0, -1):
                got = bwd(name)(yv2, dyv, axis, temperature=1.3)
                ref, tol = AXIS_BWD[name][1](np.ascontiguousarray(yv2), np.ascontiguousarray(dyv), axis, 1.3)
                assert_close(got, ref, tol, what=f"{name} view {k} axis {axis}")
        else:
            got = bwd(name)(yv2, dyv)
            ref = ELEM_BWD[name][1](np.ascontiguousarray(yv2), np.ascontiguousarray(dyv))
            assert_close(got, ref, tol_elementwise(ref, dtype), what=f"{name} view {k}")


@pytest.mark.parametrize("name", sorted(AXIS_BWD) + sorted(ELEM_BWD))
def test_dtype_conversion_and_lists(name):
    is_axis = name in AXIS_BWD
    f = bwd(name)
    y16 = np.array([[0.25, 0.5, 0.25]], dtype=np.float16)
    dy16 = np.array([[1.0, -2.0, 0.5]], dtype=np.float16)
    if name == "log_softmax_backward":
        y16 = np.log(y16.astype(np.float32)).astype(np.float16)
    assert f(y16, dy16).dtype == np.float16  # the 16-bit forms (test_half.py)
    r = f(y16, dy16.astype(np.float32))  # mixed: numpy's promotion, float32
    assert r.dtype == np.float32
    if is_axis:
        ref, tol = AXIS_BWD[name][1](y16.astype(np.float32), dy16.astype(np.float32))
    else:
        ref = ELEM_BWD[name][1](y16.astype(np.float32), dy16.astype(np.float32))
        tol = tol_elementwise(ref, np.float32)
    assert_close(r, ref, tol, what=f"{name} float16")
    yl = y16.astype(np.float64).tolist()
    r = f(yl, [[1, 2, 3]])
    assert r.dtype == np.float64
    ri = f(np.array([[1, 0, 0]], dtype=np.int32), np.array([[1, 2, 3]], dtype=np.int64))
    assert ri.dtype == np.float64
    r8 = f(np.array([[1, 0, 0]], dtype=np.uint8), np.array([[1, 2, 3]], dtype=np.int8))
    assert r8.dtype == np.float32
    if is_axis:
        ref, tol = AXIS_BWD[name][1](np.array([[1.0, 0, 0]]), np.array([[1.0, 2, 3]]))
        assert_close(ri, ref, tol, what=f"{name} int")
    else:
        ref = ELEM_BWD[name][1](np.array([[1.0, 0, 0]]), np.array([[1.0, 2, 3]]))
        assert_close(ri, ref, tol_elementwise(ref, np.float64), what=f"{name} int")
