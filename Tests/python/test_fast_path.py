"""The binding's fast paths (plain float32/float64 C-contiguous arrays with
default options, see logits/activations.py) give the same results as the
general path, bit for bit, and the documented values; they are taken for the
arrays they are meant for; and the data pointers they read are numpy's."""

import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import logits
from logits import _operations as ops
from logits import _arrays, activations, losses
from logits_ref import (BACKWARD_REFS, SoftmaxRef, assert_bit_identical, check_elementwise,
                        ref_log_softmax_backward,
                        ref_softmax_backward, assert_close, EPS)

# The functions of the operation list (abi/operations.h), by kind.
FORWARD_AXIS = ops.functions("AXIS_FWD", "AXIS_LSE")
FORWARD_ELEM = ops.functions("EW")
BACKWARD = ops.functions("AXIS_BWD", "EW_BWD")
# The general-path function each kind of public function falls back to.
GENERAL_BY_KIND = {"AXIS_FWD": "_along_axis", "AXIS_LSE": "_along_axis", "EW": "_elementwise",
                   "AXIS_BWD": "_backward_along_axis", "EW_BWD": "_elementwise_backward"}
GENERAL = {o.function: GENERAL_BY_KIND[o.kind] for o in ops.OPS if o.kind in GENERAL_BY_KIND}
SHAPES = [(3,), (1, 3), (2, 5), (2, 3, 4), (0, 4), (4, 1), (1, 1030), ()]


def sample(shape, dtype, seed=0):
    rng = np.random.default_rng(seed)
    return rng.normal(0, 3, shape).astype(dtype)


@pytest.fixture
def general_calls(monkeypatch):
    """Counts calls that reached a general-path function."""
    seen = []
    for module, names in [(activations, set(GENERAL.values())),
                          (losses, {"_grad_array"})]:
        for name in names:
            original = getattr(module, name)

            def spy(*args, _original=original, _name=name, **kw):
                seen.append(_name)
                return _original(*args, **kw)
            monkeypatch.setattr(module, name, spy)
    return seen


def call(name, shape, dtype, out=False):
    f = getattr(logits, name)
    if name in BACKWARD:
        y = sample(shape, dtype, 1)
        if name.startswith(("softmax", "log_softmax")) and shape and shape[-1]:
            y = logits.softmax(y) if name == "softmax_backward" else logits.log_softmax(y)
        dy = sample(shape, dtype, 2)
        kw = {"out": np.empty(shape, dtype)} if out else {}
        return f(y, dy, **kw), (y, dy)
    x = sample(shape, dtype)
    kw = {}
    if out:
        rshape = shape[:-1] if name == "logsumexp" else shape
        kw["out"] = np.empty(rshape, dtype)
    return f(x, **kw), (x,)


# 0-d arrays only for the elementwise functions (the others need an axis).
CASES = [(name, shape) for name in FORWARD_AXIS + FORWARD_ELEM + BACKWARD for shape in SHAPES
         if shape != () or name in FORWARD_ELEM or name in BACKWARD[2:]]


@pytest.mark.parametrize("name,shape", CASES, ids=str)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("out", [False, True], ids=["new", "out"])
def test_fast_and_general_paths_agree(name, shape, dtype, out, monkeypatch):
    fast, args = call(name, shape, dtype, out)
    monkeypatch.setattr(activations, "_FAST", False)
    general, _ = call(name, shape, dtype, out)
    # A reduction to no axes is a numpy scalar (as SciPy), unless out= was given.
    scalar = name == "logsumexp" and len(shape) == 1 and not out
    assert type(fast) is (np.dtype(dtype).type if scalar else np.ndarray) and fast.dtype == np.dtype(dtype)
    fast, general = np.asarray(fast), np.asarray(general)
    assert_bit_identical(fast, general, f"{name} {shape}")
    # ... and both are right: against longdouble references.
    if name in FORWARD_AXIS and shape[-1]:
        SoftmaxRef(args[0]).check(name, fast)
    elif name in FORWARD_ELEM:
        check_elementwise(name, fast, args[0])
    elif name in ("softmax_backward", "log_softmax_backward") and shape and shape[-1]:
        ref = ref_softmax_backward if name == "softmax_backward" else ref_log_softmax_backward
        assert_close(fast, *ref(*args), what=name)
    elif name in BACKWARD:
        ref = BACKWARD_REFS[name](*args)
        assert_close(fast, ref, 8 * EPS[np.dtype(dtype)] * (np.abs(ref) + EPS[np.dtype(dtype)]),
                     what=name)


@pytest.mark.parametrize("name", FORWARD_AXIS + FORWARD_ELEM + BACKWARD)
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16])
@pytest.mark.parametrize("out", [False, True], ids=["new", "out"])
def test_fast_path_is_taken_for_plain_arrays(name, dtype, out, general_calls):
    result, _ = call(name, (2, 5), dtype, out)
    assert general_calls == [], f"{name} took the general path"
    assert result.shape == ((2,) if name == "logsumexp" else (2, 5))


@pytest.mark.parametrize("make", [
    lambda: sample((2, 5), np.float32).astype(">f4"),            # byte-swapped
    lambda: np.asfortranarray(sample((3, 5), np.float64)),        # not C-contiguous
    lambda: sample((2, 5), np.float64) > 0,                       # bools, converted
    lambda: [[1.0, 2.0, 3.0]],                                    # a list
    lambda: np.arange(6).reshape(2, 3),                           # integers
    lambda: sample((4, 6), np.float64)[:, ::2],                   # strided view
], ids=["byteswapped", "fortran", "bool", "list", "int", "strided"])
@pytest.mark.parametrize("name", ["softmax", "log_softmax", "sigmoid"])
def test_other_inputs_take_the_general_path_and_agree(make, name, general_calls):
    x = make()
    got = getattr(logits, name)(x)
    assert general_calls, "expected the general path"
    a = np.asarray(x)
    want_dtype = np.result_type(a.dtype, np.float32)
    assert got.dtype == want_dtype and got.flags.c_contiguous and got.shape == a.shape
    xx = np.ascontiguousarray(a, dtype=want_dtype)
    assert_bit_identical(got, getattr(logits, name)(xx), name)


def test_explicit_default_arguments_agree_with_omitted_ones():
    x = sample((3, 4), np.float32)
    want = logits.softmax(x)
    for kw in [dict(axis=-1), dict(axis=1), dict(axis=np.int64(-1)),
               dict(temperature=1.0), dict(temperature=1), dict(temperature=np.float32(1))]:
        assert_bit_identical(logits.softmax(x, **kw), want, str(kw))


def test_zero_dim_arrays_stay_zero_dim():
    for dtype in (np.float32, np.float64):
        x = np.array(0.5, dtype=dtype)
        for name in FORWARD_ELEM:
            got = getattr(logits, name)(x)
            assert got.shape == () and got.dtype == dtype
            assert_bit_identical(got, getattr(logits, name)(x.reshape(1)).reshape(()))
        got = logits.sigmoid_backward(x, x)
        assert got.shape == () and got.dtype == dtype
        np.testing.assert_allclose(got, 0.5 * 0.5 * 0.5)


def test_in_place_fast_path():
    x = sample((3, 7), np.float32)
    want = logits.softmax(x)
    assert logits.softmax(x, out=x) is x
    assert_bit_identical(x, want)
    y = sample(5, np.float64)
    want = logits.sigmoid(y)
    assert logits.sigmoid(y, out=y) is y
    assert_bit_identical(y, want)


def test_fast_path_refusals_raise_the_documented_errors():
    # Each call is fast-path shaped until the library or a check refuses it.
    buf = np.zeros(20, np.float32)
    x = buf[2:14].reshape(3, 4)
    with pytest.raises(logits.LogitsError, match="share memory") as e:
        logits.softmax(x, out=buf[3:15].reshape(3, 4))
    assert e.value.status == 4
    with pytest.raises(logits.LogitsTypeError, match="out has dtype float64"):
        logits.softmax(x, out=np.empty((3, 4)))
    with pytest.raises(logits.LogitsError, match=r"out has shape \(4, 3\)"):
        logits.log_softmax(x, out=np.empty((4, 3), np.float32))
    ro = np.empty((3, 4), np.float32)
    ro.flags.writeable = False
    with pytest.raises(logits.LogitsError, match="read-only"):
        logits.sigmoid(x, out=ro)
    with pytest.raises(logits.LogitsError, match="C-contiguous"):
        logits.softmax(x, out=np.empty((4, 3), np.float32).T)
    with pytest.raises(logits.LogitsError, match=r"label 4 at position \(1,\) is out of range"):
        logits.cross_entropy(x, np.array([0, 4, 1]))
    with pytest.raises(logits.LogitsError, match=r"target must be in \[0, 1\]"):
        logits.binary_cross_entropy_with_logits(x, np.full((3, 4), 2.0, np.float32))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("grad", ["no", "return", "out", "in-place"])
def test_losses_fast_and_general_agree(dtype, reduction, grad, general_calls, monkeypatch):
    def run():
        x = sample((4, 5), dtype)
        labels = np.array([0, 4, 2, 2])
        y = (sample((4, 5), dtype, 3) > 0).astype(dtype)
        kw = dict(reduction=reduction)
        if grad == "return":
            kw["return_grad"] = True
        results = []
        for loss, target in ((logits.cross_entropy, labels),
                             (logits.binary_cross_entropy_with_logits, y)):
            xx = x.copy()
            if grad == "out":
                kw["grad_out"] = np.empty_like(xx)
            elif grad == "in-place":
                kw["grad_out"] = xx
            r = loss(xx, target, **kw)
            results.append(r if isinstance(r, tuple) else (r,))
        return x, labels, y, results

    x, labels, y, fast = run()
    assert general_calls == []
    monkeypatch.setattr(losses, "_FAST", False)
    _, _, _, general = run()
    for f, g in zip(fast, general):
        assert len(f) == len(g) == (1 if grad == "no" else 2)
        for a, b in zip(f, g):
            assert type(a) is type(b)
            assert np.asarray(a).shape == np.asarray(b).shape
            assert_bit_identical(np.asarray(a), np.asarray(b), f"{reduction} {grad}")
    # Independent references (float64): cross-entropy and BCE from logits.
    xd = x.astype(np.float64)
    lse = np.log(np.exp(xd - xd.max(1, keepdims=True)).sum(1)) + xd.max(1)
    ce = lse - xd[np.arange(4), labels]
    bce = np.maximum(xd, 0) - xd * y + np.log1p(np.exp(-np.abs(xd)))
    red = {"mean": np.mean, "sum": np.sum, "none": lambda v: v}[reduction]
    tol = 1e-5 if dtype == np.float32 else 1e-12
    np.testing.assert_allclose(fast[0][0], red(ce), rtol=tol, atol=tol)
    np.testing.assert_allclose(fast[1][0], red(bce), rtol=tol, atol=tol)


@pytest.mark.skipif(sys.implementation.name != "cpython", reason="CPython only")
def test_fast_paths_are_on_in_cpython():
    assert _arrays.FAST and _arrays.DATA_OFFSET == object.__basicsize__


@st.composite
def arrays_and_views(draw):
    dtype = draw(st.sampled_from([np.float32, np.float64, np.int64, np.uint8, np.bool_,
                                  np.complex128, ">f8"]))
    a = draw(hnp.arrays(dtype, hnp.array_shapes(min_dims=0, max_dims=4, min_side=0,
                                                max_side=6)))
    if a.ndim and draw(st.booleans()):
        a = a[..., ::draw(st.sampled_from([1, 2, -1]))]
    if a.ndim > 1 and draw(st.booleans()):
        a = a.T
    if draw(st.booleans()):
        a.flags.writeable = False
    return a


class Subclass(np.ndarray):
    pass


@given(arrays_and_views(), st.booleans())
def test_data_pointer_is_numpys(a, subclass):
    if subclass:
        a = a.view(Subclass)
    assert _arrays.pointer(a).value == a.ctypes.data
