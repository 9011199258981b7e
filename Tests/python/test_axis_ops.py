"""Functions along an axis: softmax, log_softmax, logsumexp.

References: a longdouble implementation of the header's semantics
(logits_ref.SoftmaxRef) and scipy.special on finite rows.
"""

import re
import threading
import tracemalloc

import mpmath
import numpy as np
import pytest
import scipy.special as sps
from hypothesis import given
from hypothesis import strategies as st

import logits
from logits_ref import (
    AXIS_LENGTHS,
    C_AXIS,
    EPS,
    FLOAT_DTYPES,
    FLOOR,
    LD,
    SoftmaxRef,
    array_and_axis,
    assert_bit_identical,
    assert_close,
    eff_temperature,
    temperatures,
)

NAMES = ["softmax", "log_softmax", "logsumexp"]
FUNCS = {name: getattr(logits, name) for name in NAMES}


def call(name, x, axis=-1, temperature=None, keepdims=None, out=None):
    kw = {}
    if temperature is not None:
        kw["temperature"] = temperature
    if keepdims is not None:
        kw["keepdims"] = keepdims
    if out is not None:
        kw["out"] = out
    r = FUNCS[name](x, axis, **kw)
    if isinstance(r, np.generic):  # a 0-d logsumexp may come back as a numpy scalar
        r = np.asarray(r)
    return r


def check(name, x, axis=-1, temperature=1.0, keepdims=False, what=""):
    x = np.asarray(x)
    kw = {"keepdims": True} if keepdims else {}
    got = call(name, x, axis, temperature=temperature, **kw)
    ref = SoftmaxRef(x, axis, temperature)
    assert got.dtype == ref.dtype, f"{name}: dtype {got.dtype} != {ref.dtype}"
    ref.check(name, got, keepdims=keepdims, extra=what)
    return got


def rand(shape, dtype, seed=0, scale=5.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * scale).astype(dtype)


# --------------------------------------------------------------------------
# Lengths, shapes, axes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("n", AXIS_LENGTHS)
def test_row_lengths(name, dtype, n):
    x = rand((4, n), dtype, seed=n)
    if n > 2:
        x[1, ::3] = -np.inf  # partially masked row
        x[2, :] += 1000.0  # large offset
    got = check(name, x, what=f"n={n}")
    expected_shape = (4,) if name == "logsumexp" else (4, n)
    assert got.shape == expected_shape
    # Unaligned (one element past an aligned start), same values.
    buf = np.empty(x.size + 1, dtype=dtype)
    buf[1:] = x.ravel()
    xu = buf[1:].reshape(x.shape)
    got_u = call(name, xu)
    SoftmaxRef(x, -1).check(name, got_u, extra=f"unaligned n={n}")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("shape", [(1, 50257), (2, 100000)])
def test_large_rows(name, dtype, shape):
    x = rand(shape, dtype, seed=shape[1], scale=3.0)
    x[0, 17] = 25.0  # one dominant logit
    check(name, x, what=f"shape={shape}")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_large_row_sums_to_one(dtype):
    x = rand((2, 100000), dtype, seed=3, scale=2.0)
    y = logits.softmax(x).astype(np.float64)
    assert np.all(np.abs(y.sum(axis=-1) - 1) <= 16 * EPS[np.dtype(dtype)] * 17)


SHAPES_ND = [(3, 5, 70), (2, 3, 4, 67), (4, 1, 66), (66, 2, 3), (2, 65, 1, 3)]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("shape", SHAPES_ND)
def test_every_axis_of_nd_arrays(name, dtype, shape):
    x = rand(shape, dtype, seed=len(shape))
    x.flat[::7] = -np.inf
    for axis in range(-len(shape), len(shape)):
        got = check(name, x, axis, what=f"shape={shape}")
        if name == "logsumexp":
            assert got.shape == tuple(s for i, s in enumerate(shape) if i != axis % len(shape))
            check(name, x, axis, keepdims=True, what=f"keepdims shape={shape}")
        else:
            assert got.shape == shape
        # Same values as moving the axis last and working on contiguous rows.
        moved = np.ascontiguousarray(np.moveaxis(x, axis, -1))
        alt = call(name, moved, -1)
        if name != "logsumexp":
            alt = np.moveaxis(alt, -1, axis)
        SoftmaxRef(x, axis).check(name, alt, extra="moved axis")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("shape,axis", [((2, 9, 130), 1), ((1000, 65), 0), ((7, 3, 200), 0),
                                        ((5, 64), 0), ((3, 17, 129), -2)])
def test_inner_sizes_over_64(name, dtype, shape, axis):
    x = rand(shape, dtype, seed=shape[-1])
    check(name, x, axis, what=f"shape={shape}")
    check(name, x, axis, temperature=0.7, what=f"T=0.7 shape={shape}")


# --------------------------------------------------------------------------
# scipy comparisons (finite rows only: scipy gives NaN for all -inf rows)
# --------------------------------------------------------------------------

SCIPY = {"softmax": sps.softmax, "log_softmax": sps.log_softmax, "logsumexp": sps.logsumexp}


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("T", [1.0, 0.5, 3.0])
@pytest.mark.parametrize("shape,axis", [((6, 33), -1), ((5, 8, 9), 1), ((70, 3), 0)])
def test_against_scipy(name, dtype, T, shape, axis):
    x = rand(shape, dtype, seed=7)
    got = call(name, x, axis, temperature=T)
    Te = float(eff_temperature(T, dtype))
    ref = SCIPY[name](x.astype(np.float64) / Te, axis=axis).astype(LD)
    r = SoftmaxRef(x, axis, T)
    tol = getattr(r, "tol_" + name)()
    if dtype == np.float64:
        tol = 2 * tol  # scipy's own float64 rounding on top of the library's bound
    else:
        tol = tol + 2.0 ** -50 * (1 + np.abs(ref))
    assert_close(got, ref, tol, what=f"{name} vs scipy T={T}")


# --------------------------------------------------------------------------
# Temperature
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("T", [0.5, 0.7, 2, 3.0, 1e-3, 1e3, 1e-30, 1e30])
def test_temperature(name, dtype, T):
    x = rand((5, 40), dtype, seed=11)
    x[0, :5] = -np.inf
    x[3, 7] = np.inf
    check(name, x, -1, temperature=T, what=f"T={T}")
    check(name, x, 0, temperature=T, what=f"T={T} axis 0")


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"])
def test_temperature_scales_input(name):
    for dtype in FLOAT_DTYPES:
        x = rand((4, 25), dtype, seed=12)
        for T in (0.25, 2.0, 8.0):  # powers of two: x/T is exact
            a = call(name, x, temperature=T)
            SoftmaxRef(x / dtype(T), -1, 1.0).check(name, a, extra=f"T={T} vs x/T")
            b = call(name, x / dtype(T))
            SoftmaxRef(x, -1, T).check(name, b, extra=f"x/T vs T={T}")
    x = rand((4, 25), np.float64, seed=12)
    one = call(name, x, temperature=1.0)
    default = call(name, x)
    assert_bit_identical(one, default, "temperature=1.0 vs default")


# --------------------------------------------------------------------------
# Special values
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("T", [1.0, 0.3, 4.0])
def test_all_minus_inf_rows(dtype, T):
    x = rand((4, 9), dtype, seed=2)
    x[1] = -np.inf
    x[3] = -np.inf
    sm = logits.softmax(x, temperature=T)
    lsm = logits.log_softmax(x, temperature=T)
    lse = logits.logsumexp(x, temperature=T)
    for r in (1, 3):
        np.testing.assert_array_equal(sm[r], np.zeros(9))
        assert np.all(np.isneginf(lsm[r]))
        assert np.isneginf(lse[r])
    assert not np.isnan(sm).any() and not np.isnan(lsm).any() and not np.isnan(lse).any()
    # The other rows are unaffected.
    for name, got in (("softmax", sm), ("log_softmax", lsm)):
        SoftmaxRef(x[[0, 2]], -1, T).check(name, got[[0, 2]])
    SoftmaxRef(x[[0, 2]], -1, T).check("logsumexp", lse[[0, 2]])
    # Along a non-last axis: column 4 all -inf.
    xt = np.ascontiguousarray(x.T)  # (9, 4): slices along axis 0 are columns
    xt[:, 2] = -np.inf
    check("softmax", xt, 0, temperature=T)
    np.testing.assert_array_equal(logits.softmax(xt, axis=0, temperature=T)[:, 2], 0)
    assert np.isneginf(logits.logsumexp(xt, axis=0, temperature=T)[2])
    assert np.all(np.isneginf(logits.log_softmax(xt, axis=0, temperature=T)[:, 2]))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("k", [1, 2, 3, 5])
@pytest.mark.parametrize("T", [1.0, 0.5])
def test_plus_inf_entries_share_probability(dtype, k, T):
    n = 11
    x = rand((3, n), dtype, seed=k)
    idx = np.arange(0, 2 * k, 2)
    x[1, idx] = np.inf
    x[1, -1] = -np.inf
    sm = logits.softmax(x, temperature=T)
    lsm = logits.log_softmax(x, temperature=T)
    lse = logits.logsumexp(x, temperature=T)
    expected = np.zeros(n)
    expected[idx] = 1.0 / k
    np.testing.assert_allclose(sm[1], expected.astype(dtype), rtol=EPS[np.dtype(dtype)], atol=0)
    exp_l = np.full(n, -np.inf)
    exp_l[idx] = -np.log(k)
    np.testing.assert_allclose(lsm[1], exp_l.astype(dtype), rtol=2 * EPS[np.dtype(dtype)], atol=0)
    assert np.isposinf(lse[1])
    assert not np.isnan(sm).any() and not np.isnan(lsm).any()
    ref = SoftmaxRef(x, -1, T)
    ref.check("softmax", sm)
    ref.check("log_softmax", lsm)
    ref.check("logsumexp", lse)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_nan_poisons_only_its_row(dtype):
    x = rand((4, 20), dtype, seed=4)
    x[2, 13] = np.nan
    x[3, :] = -np.inf
    x[3, 5] = np.nan  # NaN beats -inf
    x[0, 3] = np.inf
    x[0, 4] = np.nan  # NaN beats +inf
    x[1, 3] = np.inf  # a row with +inf and no NaN
    sm = logits.softmax(x)
    lsm = logits.log_softmax(x)
    lse = logits.logsumexp(x)
    for r in (0, 2, 3):
        assert np.all(np.isnan(sm[r])) and np.all(np.isnan(lsm[r])) and np.isnan(lse[r])
    assert not np.isnan(sm[1]).any() and not np.isnan(lsm[1]).any() and not np.isnan(lse[1])
    ref = SoftmaxRef(x, -1)
    ref.check("softmax", sm)
    ref.check("log_softmax", lsm)
    ref.check("logsumexp", lse)
    # Along axis 0 of a 3-d array: only the affected column is NaN.
    x3 = rand((6, 3, 5), dtype, seed=9)
    x3[4, 1, 2] = np.nan
    for name in NAMES:
        got = call(name, x3, 0)
        SoftmaxRef(x3, 0).check(name, got)
        nanmask = np.isnan(got)
        if name == "logsumexp":
            assert nanmask.sum() == 1 and nanmask[1, 2]
        else:
            assert nanmask.sum() == 6 and nanmask[:, 1, 2].all()


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_huge_finite_logits_never_overflow(dtype):
    big = float(np.finfo(dtype).max)
    h = 3e38 if dtype == np.float32 else 1.7e308
    x = np.array([[h, -h, h], [h, h * 0.9, -h], [-h, -h, -h], [big, big, big]], dtype=dtype)
    sm = logits.softmax(x)
    np.testing.assert_array_equal(sm[0], [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(sm[1], [1.0, 0.0, 0.0])
    np.testing.assert_allclose(sm[2:], 1 / 3, rtol=2 * EPS[np.dtype(dtype)])
    lse = logits.logsumexp(x)
    assert np.all(np.isfinite(lse)), lse
    np.testing.assert_array_equal(lse[[0, 1, 3]], np.array([h, h, big], dtype=dtype))
    ref = SoftmaxRef(x, -1)
    ref.check("softmax", sm)
    ref.check("logsumexp", lse)
    ref.check("log_softmax", logits.log_softmax(x))
    # Small temperatures scale the spread, not the maximum: still no NaN.
    for T in (0.5, 1e-3, 1e-20):
        y = logits.softmax(x, temperature=T)
        assert not np.isnan(y).any(), (T, y)
        np.testing.assert_array_equal(y[1], [1.0, 0.0, 0.0])
        ly = logits.log_softmax(x, temperature=T)
        assert not np.isnan(ly).any(), (T, ly)
        assert ly[1, 0] == 0.0
        SoftmaxRef(x, -1, T).check("softmax", y)
        SoftmaxRef(x, -1, T).check("log_softmax", ly)
        SoftmaxRef(x, -1, T).check("logsumexp", call("logsumexp", x, temperature=T))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_log_softmax_finite_for_finite_input(dtype):
    h = 1e38 if dtype == np.float32 else 8e307
    x = np.array([[h, 0.0, -h], [0.0, -1e30, -1e20], [0.0, -200.0, -800.0],
                  [1.0, 1.0, -1e4]], dtype=dtype)
    ls = logits.log_softmax(x)
    assert np.all(np.isfinite(ls)), ls
    SoftmaxRef(x, -1).check("log_softmax", ls)
    assert ls[0, 0] == 0.0 and ls[0, 1] == -h


@pytest.mark.parametrize("T", [2.0, 4.0, 1e300, 1e308])
def test_spread_beyond_float_range_with_temperature(T):
    """x - max overflows float64 for [max, -max], but (x - max)/T is finite for
    T > 1: the header promises no overflow for every finite input and every
    temperature, and finite log_softmax for finite input."""
    big = float(np.finfo(np.float64).max)
    x = np.array([[big, -big], [-big, big]])
    ref = SoftmaxRef(x, -1, T)
    ls = logits.log_softmax(x, temperature=T)
    sm = logits.softmax(x, temperature=T)
    assert np.all(np.isfinite(ls)), (T, ls)
    ref.check("log_softmax", ls)
    ref.check("softmax", sm)
    ref.check("logsumexp", logits.logsumexp(x, temperature=T))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_extreme_rows_against_mpmath(dtype):
    if dtype == np.float64:
        rows = [[0.0, -700.0, -745.0, -1e-10], [1e-300, 0.0, -1e-300, 40.0],
                [709.0, 708.0, -709.0, 0.5]]
    else:
        rows = [[0.0, -87.0, -103.5, -1e-7], [1e-30, 0.0, -1e-30, 17.0],
                [88.0, 87.0, -88.0, 0.5]]
    x = np.array(rows, dtype=dtype)
    sm, ls, lse = logits.softmax(x), logits.log_softmax(x), logits.logsumexp(x)
    with mpmath.workdps(60):
        for i, row in enumerate(x):
            v = [mpmath.mpf(float(t)) for t in row]
            s = mpmath.fsum(mpmath.exp(t) for t in v)
            ref_lse = LD(mpmath.nstr(mpmath.log(s), 40))
            ref_sm = np.array([LD(mpmath.nstr(mpmath.exp(t) / s, 40)) for t in v])
            ref_ls = np.array([LD(mpmath.nstr(t - mpmath.log(s), 40)) for t in v])
            r = SoftmaxRef(row, -1)
            assert_close(sm[i], ref_sm, r.tol_softmax(), what="softmax vs mpmath")
            assert_close(ls[i], ref_ls, r.tol_log_softmax(), what="log_softmax vs mpmath")
            assert_close(np.asarray(lse[i]), np.asarray(ref_lse), r.tol_logsumexp(),
                         what="logsumexp vs mpmath")


# --------------------------------------------------------------------------
# Empty arrays and keepdims
# --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_empty_arrays(dtype):
    for shape, axis in [((3, 0), -1), ((0, 5), -1), ((0,), 0), ((2, 0, 3), 1), ((2, 0, 3), 0)]:
        x = np.zeros(shape, dtype=dtype)
        for name in ("softmax", "log_softmax"):
            got = call(name, x, axis)
            assert got.shape == shape and got.dtype == dtype
        lse = call("logsumexp", x, axis)
        red = tuple(s for i, s in enumerate(shape) if i != axis % len(shape))
        assert lse.shape == red and lse.dtype == dtype
        if shape[axis] == 0:
            assert np.all(np.isneginf(lse)), lse
        lk = call("logsumexp", x, axis, keepdims=True)
        kshape = list(shape)
        kshape[axis] = 1
        assert lk.shape == tuple(kshape)
        if shape[axis] == 0:
            assert np.all(np.isneginf(lk))


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_logsumexp_keepdims_and_1d(dtype):
    x = rand((3, 4, 5), dtype, seed=21)
    for axis in range(-3, 3):
        a = call("logsumexp", x, axis)
        b = call("logsumexp", x, axis, keepdims=True)
        assert b.shape == tuple(1 if i == axis % 3 else s for i, s in enumerate(x.shape))
        assert_bit_identical(np.squeeze(b, axis), a, "keepdims vs not")
    v = rand((9,), dtype, seed=22)
    r = call("logsumexp", v)
    assert r.shape == () and r.dtype == dtype
    SoftmaxRef(v, 0).check("logsumexp", r)
    r1 = call("logsumexp", v, keepdims=True)
    assert r1.shape == (1,)


# --------------------------------------------------------------------------
# Property tests (hypothesis)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_random_arrays_match_reference(name, dtype, data):
    kind = data.draw(st.sampled_from(["bounded", "finite", "special", "mixed"]))
    x, axis = data.draw(array_and_axis(dtype, kind))
    T = data.draw(temperatures)
    keepdims = name == "logsumexp" and data.draw(st.booleans())
    check(name, x, axis, temperature=T, keepdims=keepdims, what=f"kind={kind}")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_softmax_rows_sum_to_one(dtype, data):
    x, axis = data.draw(array_and_axis(dtype, data.draw(st.sampled_from(["bounded", "finite", "mixed"]))))
    T = data.draw(temperatures)
    y = logits.softmax(x, axis=axis, temperature=T)
    assert y.shape == x.shape and y.dtype == dtype
    assert np.all((y >= 0) & (y <= 1) | np.isnan(y))
    with np.errstate(all="ignore"):
        xm = np.moveaxis(x, axis, -1)
        live = ~np.isnan(xm).any(-1) & ~np.isneginf(xm).all(-1)
    s = np.moveaxis(y, axis, -1).astype(np.float64).sum(-1)
    n = x.shape[axis]
    tol = C_AXIS[np.dtype(dtype)] * EPS[np.dtype(dtype)] * (2 + np.log(max(n, 1)))
    assert np.all(np.abs(s[live] - 1) <= tol), (s[live], tol)
    assert np.all(s[~live & ~np.isnan(s)] == 0)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_log_softmax_is_log_of_softmax(dtype, data):
    x, axis = data.draw(array_and_axis(dtype, data.draw(st.sampled_from(["bounded", "finite"]))))
    T = data.draw(temperatures)
    y = logits.softmax(x, axis=axis, temperature=T)
    ly = logits.log_softmax(x, axis=axis, temperature=T)
    assert np.all(np.isfinite(ly) | (ly < float(-np.finfo(dtype).max)))
    big = y > np.finfo(dtype).tiny
    ref = SoftmaxRef(x, axis, T)
    with np.errstate(divide="ignore"):
        logy = np.log(y.astype(LD))
    e = EPS[np.dtype(dtype)]
    tol = 2 * C_AXIS[np.dtype(dtype)] * e * (1 + ref._zabs() + np.abs(logy.clip(-1e300)))
    with np.errstate(invalid="ignore"):
        diff = np.abs(ly.astype(LD) - logy)
    assert np.all(diff[big] <= tol[big]), (x, ly[big], logy[big])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@given(data=st.data())
def test_log_softmax_is_x_minus_logsumexp(dtype, data):
    x, axis = data.draw(array_and_axis(dtype, "bounded"))
    T = data.draw(temperatures)
    ly = logits.log_softmax(x, axis=axis, temperature=T).astype(LD)
    lse = call("logsumexp", x, axis, temperature=T, keepdims=True).astype(LD)
    Te = eff_temperature(T, dtype)
    approx = x.astype(LD) / Te - lse
    e = EPS[np.dtype(dtype)]
    n = max(x.shape[axis], 1)
    tol = (2 * C_AXIS[np.dtype(dtype)] * e
           * (2 + np.log(n) + np.abs(x.astype(LD) / Te) + 2 * np.abs(lse)) + FLOOR[np.dtype(dtype)])
    assert np.all(np.abs(ly - approx) <= tol)


# --------------------------------------------------------------------------
# out=, in place, determinism, layouts, zero copy, dtypes
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_out_in_place_and_determinism(name, dtype, axis):
    x = rand((6, 70, 5), dtype, seed=31)
    x[1, :, 2] = -np.inf
    x_orig = x.copy()
    a = call(name, x, axis, temperature=0.8)
    b = call(name, x, axis, temperature=0.8)
    assert_bit_identical(a, b, "two calls")
    assert_bit_identical(x, x_orig, "input modified")
    out = np.full(a.shape, -5.0, dtype=dtype)
    r = call(name, x, axis, temperature=0.8, out=out)
    assert r is out
    assert_bit_identical(out, a, "out= vs return")
    if name == "logsumexp":
        outk = np.full(np.expand_dims(a, axis).shape, -5.0, dtype=dtype)
        r = call(name, x, axis, temperature=0.8, keepdims=True, out=outk)
        assert r is outk
        assert_bit_identical(np.squeeze(outk, axis), a, "keepdims out")
    else:
        xi = x.copy()
        r = call(name, xi, axis, temperature=0.8, out=xi)
        assert r is xi
        assert_bit_identical(xi, a, "in place vs out of place")
    SoftmaxRef(x, axis, 0.8).check(name, a)


@pytest.mark.parametrize("name", NAMES)
def test_thread_determinism(name):
    x = rand((64, 4001), np.float32, seed=41)
    expected = call(name, x)
    results = [None] * 8
    errors = []

    def work(i):
        try:
            results[i] = call(name, x)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for r in results:
        assert_bit_identical(r, expected, "concurrent call")


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_non_contiguous_inputs(name, dtype):
    x = rand((10, 24, 6), dtype, seed=51)
    x[3, :, 1] = -np.inf
    before = x.copy()
    views = {
        "stride2": x[:, ::2, :],
        "transposed": x.transpose(2, 0, 1),
        "reversed": x[::-1, :, ::-1],
        "sliced": x[1:8, 3:20, 2:5],
    }
    for label, v in views.items():
        assert not v.flags.c_contiguous
        for axis in range(-3, 3):
            got = call(name, v, axis, temperature=1.5)
            SoftmaxRef(np.ascontiguousarray(v), axis, 1.5).check(name, got, extra=label)
            out = np.empty(got.shape, dtype=dtype)
            assert call(name, v, axis, temperature=1.5, out=out) is out
            assert_bit_identical(out, got, label + " out")
    assert_bit_identical(x, before, "input modified")
    xt = x.reshape(10, -1).T
    got = call("softmax", xt, 0)
    SoftmaxRef(np.ascontiguousarray(xt), 0).check("softmax", got, extra="2-d .T")


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


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
@pytest.mark.parametrize("axis", [-1, 0])
def test_zero_copy(name, dtype, axis):
    x = rand((500, 2000), dtype, seed=61)
    call(name, x[:2], axis)  # warm up
    expected = call(name, x, axis)
    nbytes = x.nbytes
    r, used = _traced_peak(lambda: call(name, x, axis, temperature=0.9))
    assert used < 1.25 * nbytes, f"allocated {used} bytes for a {nbytes}-byte input"
    del r
    xi = x.copy()
    r, used = _traced_peak(lambda: call(name, xi, axis, out=xi))
    assert used < 0.05 * nbytes, f"in-place call allocated {used} bytes"
    assert r is xi and np.shares_memory(r, xi)
    assert_bit_identical(xi, expected, "zero-copy in place")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_logsumexp_zero_copy(dtype):
    x = rand((1000, 1000), dtype, seed=62)
    call("logsumexp", x[:2], 0)
    out = np.empty(1000, dtype=dtype)
    r, used = _traced_peak(lambda: call("logsumexp", x, 0, out=out))
    assert r is out
    assert used < 0.05 * x.nbytes, f"logsumexp allocated {used} bytes"
    SoftmaxRef(x, 0).check("logsumexp", out)


# float16 (and bfloat16) keep their dtype: the 16-bit forms, test_half.py.
TO_F32 = [np.int8, np.int16, np.uint8, np.uint16, np.bool_]
TO_F64 = [np.int32, np.int64, np.uint32, np.uint64]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("src,expected", [(d, np.float32) for d in TO_F32]
                         + [(d, np.float64) for d in TO_F64])
def test_dtype_conversion(name, src, expected):
    src = np.dtype(src)
    if src == np.bool_:
        x = np.array([[True, False, True], [False, False, False]])
    elif src.kind == "u":
        x = np.array([[0, 1, 2], [5, 100, 3]], dtype=src)
    elif src.kind == "f":
        x = np.array([[-2.5, 0.125, 7.0], [60000.0, -60000.0, 1.0]], dtype=src)
    else:
        x = np.array([[-100, 0, 3], [1, 2, 100]], dtype=src)
    got = call(name, x, -1, temperature=0.7)
    assert got.dtype == expected, f"{src} gave {got.dtype}, expected {expected}"
    SoftmaxRef(x.astype(expected), -1, 0.7).check(name, got, extra=f"from {src}")


@pytest.mark.parametrize("name", NAMES)
def test_python_lists(name):
    for lst in ([[0.5, -1.0, 2.0], [3.0, 3.0, 3.0]], [[1, 2, 3], [0, 0, -5]]):
        got = call(name, lst)
        assert got.dtype == np.float64
        SoftmaxRef(np.array(lst, dtype=np.float64), -1).check(name, got)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("bad", [np.complex64, np.complex128, object, "U3", np.longdouble])
def test_unsupported_dtypes_raise_type_error(name, bad):
    x = np.array([["a", "b"]]) if bad == "U3" else np.array([[1.0, 2.0]]).astype(bad)
    with pytest.raises(logits.LogitsTypeError, match=r"(?i)dtype|complex|object|str|longdouble|float128|type"):
        call(name, x)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("be", [">f4", ">f8"])
def test_big_endian_converted_or_rejected(name, be):
    x = np.array([[-3.0, -1.5, 0.0, 2.25, 17.0], [1.0, 2.0, 3.0, 4.0, 5.0]], dtype=be)
    native = x.astype(np.dtype(be).newbyteorder("="))
    try:
        got = call(name, x)
    except (TypeError, ValueError) as e:
        assert re.search(r"(?i)byte.?order|endian|native|dtype", str(e)), str(e)
        return
    assert got.dtype.kind == "f" and got.dtype.itemsize == np.dtype(be).itemsize
    SoftmaxRef(native, -1).check(name, got.astype(native.dtype), extra=f"big-endian {be}")
