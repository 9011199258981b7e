"""Every class of bad input through every Python function, as one matrix.

Functions: the 11 activations/gradients and the two losses. Classes: None and
unsupported dtypes, wrong shapes, bad `out`/`grad_out` (dtype, shape,
non-contiguous, read-only, overlapping the input), non-contiguous and
read-only inputs (accepted: copied or only read), zero sizes, huge sizes
(zero-stride views too big to copy), bad temperatures / axes / reductions /
loss options, out-of-range labels and the ignore index, invalid
probabilities, targets and weights. Each raises the documented exception
(status included) and leaves every output buffer, filled with a canary
before the call, untouched.

Known library issues are strict xfails (see the end of the file).
"""

import os
import subprocess
import sys

import numpy as np
import pytest

import logits
from logits import _operations as ops
from logits._library import Status
from conftest import BINDING_DIR

bce_logits = logits.binary_cross_entropy_with_logits

CANARY = -7777.25
INV, OVL, LBL = (Status.ERROR_INVALID_ARGUMENT, Status.ERROR_OVERLAP,
                 Status.ERROR_LABEL_OUT_OF_RANGE)

# The functions of the operation list (abi/operations.h), by kind.
ACT = ops.functions("AXIS_FWD", "AXIS_LSE", "EW")
BWD = ops.functions("AXIS_BWD", "EW_BWD")
AXIS = ops.functions("AXIS_FWD", "AXIS_LSE", "AXIS_BWD")
ALL_ACT = ACT + BWD
DTYPES = [np.float32, np.float64]


def x_for(name, dtype=np.float64, shape=(3, 4)):
    rng = np.random.default_rng(7)
    x = rng.uniform(0.1, 0.9, shape).astype(dtype)
    if name.endswith("_backward") and name.startswith("log"):
        x = np.log(x)
    return x


def out_shape(name, shape):
    return shape[:-1] if name == "logsumexp" else shape


def call(name, x, **kw):
    f = getattr(logits, name)
    if name.endswith("_backward"):
        return f(x, kw.pop("dy", np.ones_like(x)), **kw)
    return f(x, **kw)


def canary(shape, dtype=np.float64):
    return np.full(shape, CANARY, dtype=dtype)


def untouched(a):
    return bool(np.all(a == CANARY))


def raises(exc, status=None, match=None):
    """Context manager: raises `exc` (and carries `status` when given)."""
    class _Ctx:
        def __enter__(self):
            self.cm = pytest.raises(exc, match=match)
            self.info = self.cm.__enter__()
            return self.info

        def __exit__(self, *a):
            r = self.cm.__exit__(*a)
            if status is not None:
                assert getattr(self.info.value, "status", None) == status, \
                    f"status {getattr(self.info.value, 'status', None)} != {status}"
            return r
    return _Ctx()


# ==========================================================================
# Inputs: None, unsupported dtypes, non-arrays
# ==========================================================================

BAD_INPUTS = {
    "None": None,
    "complex128": np.ones((3, 4), np.complex128),
    "complex64": np.ones((3, 4), np.complex64),
    "object": np.ones((3, 4), object),
    "str": np.array([["a"] * 4] * 3),
    "bytes": np.array([[b"a"] * 4] * 3),
    "datetime": np.zeros((3, 4), "datetime64[s]"),
    "timedelta": np.zeros((3, 4), "timedelta64[s]"),
    "longdouble": np.ones((3, 4), np.longdouble),
    "void": np.zeros((3, 4), "V8"),
    "dict": {"a": 1},
}


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
@pytest.mark.parametrize("name", ALL_ACT)
def test_unsupported_input(name, kind):
    bad = BAD_INPUTS[kind]
    out = canary((3, 4))
    with pytest.raises((TypeError, ValueError)):
        if name.endswith("_backward"):
            getattr(logits, name)(bad, np.ones((3, 4)), out=out)
        else:
            getattr(logits, name)(bad, out=out)
    assert untouched(out)
    if name.endswith("_backward"):  # a bad dy with a good y
        with pytest.raises((TypeError, ValueError)):
            getattr(logits, name)(np.full((3, 4), 0.25), bad, out=out)
        assert untouched(out)


@pytest.mark.parametrize("kind", sorted(BAD_INPUTS))
def test_unsupported_loss_input(kind):
    bad = BAD_INPUTS[kind]
    g = canary((3, 4))
    with pytest.raises((TypeError, ValueError)):
        logits.cross_entropy(bad, np.array([0, 1, 2]), grad_out=g)
    with pytest.raises((TypeError, ValueError)):
        bce_logits(bad, np.zeros((3, 4)), grad_out=g)
    if kind != "longdouble":  # see test_known_issue_longdouble_targets
        with pytest.raises((TypeError, ValueError)):
            bce_logits(np.zeros((3, 4)), bad, grad_out=g)
        if kind not in ("None", "dict"):
            with pytest.raises((TypeError, ValueError)):
                logits.cross_entropy(np.zeros((3, 4)), bad, grad_out=g)
    assert untouched(g)


# Decided: an input (the data computed on) must be float32/float64 or promote
# to one, so longdouble inputs raise TypeError; targets, weights and
# pos_weight are *converted* to the input's dtype like any other real dtype
# (float16, ints), longdouble included. Documented in the losses' docstrings.
@pytest.mark.parametrize("where", ["bce target", "ce soft target", "ce weight", "bce pos_weight"])
def test_longdouble_targets_and_weights_are_converted(where):
    ld = np.ones((3, 4), np.longdouble) / 2
    f8 = ld.astype(np.float64)
    x = np.linspace(-2, 2, 12).reshape(3, 4)
    labels = np.array([0, 3, 1])
    if where == "bce target":
        got, want = bce_logits(x, ld), bce_logits(x, f8)
    elif where == "ce soft target":
        got, want = logits.cross_entropy(x, ld), logits.cross_entropy(x, f8)
    elif where == "ce weight":
        got = logits.cross_entropy(x, labels, weight=ld[0])
        want = logits.cross_entropy(x, labels, weight=f8[0])
    else:
        got = bce_logits(x, f8, pos_weight=ld[0])
        want = bce_logits(x, f8, pos_weight=f8[0])
    assert got == want and np.isfinite(got)
    with pytest.raises(TypeError):
        logits.softmax(ld)


# ==========================================================================
# out= : dtype, shape, layout, writability, overlap
# ==========================================================================

def _bad_outs(name, dtype):
    shape = out_shape(name, (3, 4))
    other = np.float32 if dtype == np.float64 else np.float64
    big = canary((6, 8) if len(shape) == 2 else (6,), dtype)
    strided = big[::2, ::2] if len(shape) == 2 else big[::2]
    ro = canary(shape, dtype)
    ro.flags.writeable = False
    return {
        "other float dtype": (canary(shape, other), TypeError),
        "int dtype": (np.zeros(shape, np.int64), TypeError),
        "wrong shape": (canary(shape + (1,), dtype), ValueError),
        "transposed shape": (canary(shape[::-1], dtype), ValueError) if len(shape) == 2 else
        (canary((4,), dtype), ValueError),
        "non-contiguous": (strided, ValueError),
        "fortran order": (np.asfortranarray(canary(shape, dtype)), ValueError) if len(shape) == 2 else
        (strided, ValueError),
        "read-only": (ro, ValueError),
        "list": ([0.0] * 12, TypeError),
    }


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ALL_ACT)
def test_bad_out(name, dtype):
    x = x_for(name, dtype)
    for what, (out, exc) in _bad_outs(name, dtype).items():
        before = np.array(out, copy=True) if isinstance(out, np.ndarray) else None
        with pytest.raises(exc):
            call(name, x, out=out)
        if before is not None:
            assert np.array_equal(out, before, equal_nan=True), f"{what}: out was written"


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ALL_ACT)
@pytest.mark.parametrize("shift", [1, -1, 5])
def test_out_overlapping_input(name, dtype, shift):
    """out shares memory with x (or dy) without being it: status 4."""
    buf = canary(48, dtype)
    x = x_for(name, dtype)
    buf[10:22] = x.ravel()
    xv = buf[10:22].reshape(3, 4)
    n_out = int(np.prod(out_shape(name, (3, 4))))
    out = buf[10 + shift:10 + shift + n_out].reshape(out_shape(name, (3, 4)))
    before = buf.copy()
    with raises(ValueError, status=OVL, match="(?i)overlap"):
        call(name, xv, out=out)
    assert np.array_equal(buf, before, equal_nan=True)
    if name.endswith("_backward"):  # out overlapping dy
        dy = buf[24:36].reshape(3, 4)
        buf[24:36] = 1.0
        before = buf.copy()
        with raises(ValueError, status=OVL):
            getattr(logits, name)(x, dy, out=buf[24 + shift:36 + shift].reshape(3, 4))
        assert np.array_equal(buf, before, equal_nan=True)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "sigmoid", "log_sigmoid", "softplus"] + BWD)
def test_out_is_input_allowed(name):
    x = x_for(name)
    expected = call(name, x.copy())
    got = call(name, x, out=x)
    assert got is x
    np.testing.assert_array_equal(got, expected)


def test_logsumexp_out_is_input_refused():
    x = x_for("logsumexp", shape=(4, 1)).copy()
    before = x.copy()
    with raises(ValueError, status=OVL):
        logits.logsumexp(x, keepdims=True, out=x)
    np.testing.assert_array_equal(x, before)


# ==========================================================================
# Inputs that are views: non-contiguous, read-only, Fortran order, negative
# strides, broadcast — accepted, same result as a contiguous copy
# ==========================================================================

@pytest.mark.parametrize("name", ALL_ACT)
def test_views_accepted(name):
    base = x_for(name, shape=(6, 8))
    ro = base[:3, :4].copy()
    ro.flags.writeable = False
    views = {
        "strided": base[::2, ::2],
        "fortran": np.asfortranarray(base[:3, :4]),
        "reversed": base[:3, :4][::-1, ::-1],
        "read-only": ro,
        "broadcast": np.broadcast_to(base[0, :4], (3, 4)),
    }
    for what, v in views.items():
        before = v.copy()
        got = call(name, v)
        np.testing.assert_array_equal(got, call(name, np.ascontiguousarray(v)), err_msg=what)
        np.testing.assert_array_equal(v, before, err_msg=f"{what}: input changed")


# ==========================================================================
# Shapes
# ==========================================================================

@pytest.mark.parametrize("name", BWD)
@pytest.mark.parametrize("dyshape", [(4,), (3, 1), (4, 3), (1, 3, 4), (), (3, 5)])
def test_backward_shape_mismatch(name, dyshape):
    out = canary((3, 4))
    with raises(ValueError, match="(?i)shape"):
        getattr(logits, name)(x_for(name), np.ones(dyshape), out=out)
    assert untouched(out)


@pytest.mark.parametrize("name", AXIS)
@pytest.mark.parametrize("axis", [2, -3, 99, True, 1.0, "0", (0, 0), (0, 5), (1, -1)])
def test_bad_axis(name, axis):
    out = canary(out_shape(name, (3, 4)))
    with pytest.raises((ValueError, TypeError, IndexError)):
        call(name, x_for(name), axis=axis, out=out)
    assert untouched(out)


LOSS_SHAPE_CASES = {
    "labels with the class axis": lambda: logits.cross_entropy(np.zeros((3, 4)), np.zeros((3, 4), np.int64)),
    "labels too short": lambda: logits.cross_entropy(np.zeros((3, 4)), np.zeros(2, np.int64)),
    "labels 2-d for 2-d input": lambda: logits.cross_entropy(np.zeros((3, 4)), np.zeros((3, 1), np.int64)),
    "soft targets transposed": lambda: logits.cross_entropy(np.zeros((3, 4)), np.zeros((4, 3))),
    "class weights wrong length": lambda: logits.cross_entropy(np.zeros((3, 4)), np.zeros(3, np.int64),
                                                               weight=np.ones(3)),
    "class weights 2-d": lambda: logits.cross_entropy(np.zeros((3, 4)), np.zeros(3, np.int64),
                                                      weight=np.ones((1, 4))),
    "binary target wrong shape": lambda: bce_logits(np.zeros((3, 4)), np.zeros((4, 3))),
    "binary target 1-d": lambda: bce_logits(np.zeros((3, 4)), np.zeros(4)),
    "pos_weight wrong length": lambda: bce_logits(np.zeros((3, 4)), np.zeros((3, 4)),
                                                                   pos_weight=np.ones(3)),
    "weight not broadcastable": lambda: bce_logits(np.zeros((3, 4)), np.zeros((3, 4)),
                                                                    weight=np.ones((2, 4))),
}


@pytest.mark.parametrize("case", sorted(LOSS_SHAPE_CASES))
def test_loss_shape_mismatch(case):
    with raises(ValueError, match="(?i)shape"):
        LOSS_SHAPE_CASES[case]()


# ==========================================================================
# Zero sizes and huge sizes
# ==========================================================================

@pytest.mark.parametrize("name", ALL_ACT)
@pytest.mark.parametrize("shape", [(0,), (0, 5), (5, 0), (3, 0, 4), (0, 0)])
def test_zero_sizes(name, shape):
    x = np.zeros(shape)
    if name in AXIS and len(shape) == 1 and name == "logsumexp":
        r = call(name, x)
        assert r.shape == () and r == -np.inf
        return
    r = call(name, x)
    assert r.shape == out_shape(name, shape)
    if name == "logsumexp":
        assert np.all(r == -np.inf) if shape[-1] == 0 else True


def test_zero_size_losses():
    loss, g = logits.cross_entropy(np.zeros((0, 4)), np.zeros(0, np.int64), return_grad=True)
    assert loss == 0 and g.shape == (0, 4)
    assert logits.cross_entropy(np.zeros((0, 4)), np.zeros(0, np.int64), reduction="none").shape == (0,)
    assert bce_logits(np.zeros((0, 3)), np.zeros((0, 3))) == 0
    with raises(ValueError, status=INV, match="(?i)class"):
        logits.cross_entropy(np.zeros((3, 0)), np.zeros(3, np.int64))


@pytest.mark.parametrize("name", ["softmax", "sigmoid", "softmax_backward", "logsumexp"])
def test_huge_views_refused_cleanly(name):
    """A zero-stride view of 2^40 elements cannot be copied: MemoryError or
    ValueError, never a crash (numpy itself refuses views above its byte limit)."""
    v = np.lib.stride_tricks.as_strided(np.zeros(1), shape=(2 ** 20, 2 ** 20), strides=(0, 0))
    with pytest.raises((MemoryError, ValueError)):
        call(name, v, dy=v) if name.endswith("_backward") else call(name, v)


def test_huge_zero_size_shape():
    x = np.empty((2 ** 40, 0))
    assert logits.softmax(x).shape == x.shape
    assert logits.sigmoid(x).shape == x.shape
    with pytest.raises((MemoryError, ValueError)):  # 2^40 outputs of -inf
        logits.logsumexp(x)


# ==========================================================================
# Bad scalar options
# ==========================================================================

@pytest.mark.parametrize("name", AXIS)
@pytest.mark.parametrize("T", [0.0, -0.0, -1.0, float("nan"), float("inf"), -float("inf")])
def test_bad_temperature(name, T):
    out = canary(out_shape(name, (3, 4)))
    with raises(ValueError, status=INV, match="(?i)temperature"):
        call(name, x_for(name), temperature=T, out=out)
    assert untouched(out)


@pytest.mark.parametrize("name", AXIS)
@pytest.mark.parametrize("T", ["hot", None, [1.0], 1j])
def test_temperature_wrong_type(name, T):
    with pytest.raises((TypeError, ValueError)):
        call(name, x_for(name), temperature=T)


X = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
LAB = np.array([0, 1])
P = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])
Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.5]])

LOSS_BAD_OPTIONS = {
    # name: (call, status)
    "ce reduction avg": (lambda g: logits.cross_entropy(X, LAB, reduction="avg", grad_out=g), INV),
    "ce reduction None": (lambda g: logits.cross_entropy(X, LAB, reduction=None, grad_out=g), INV),
    "ce reduction 1": (lambda g: logits.cross_entropy(X, LAB, reduction=1, grad_out=g), INV),
    "ce smoothing -0.1": (lambda g: logits.cross_entropy(X, LAB, label_smoothing=-0.1, grad_out=g), INV),
    "ce smoothing 1.1": (lambda g: logits.cross_entropy(X, LAB, label_smoothing=1.1, grad_out=g), INV),
    "ce smoothing nan": (lambda g: logits.cross_entropy(X, LAB, label_smoothing=float("nan"), grad_out=g), INV),
    "ce temperature 0": (lambda g: logits.cross_entropy(X, LAB, temperature=0.0, grad_out=g), INV),
    "ce temperature nan": (lambda g: logits.cross_entropy(X, LAB, temperature=float("nan"), grad_out=g), INV),
    "ce temperature inf": (lambda g: logits.cross_entropy(X, LAB, temperature=float("inf"), grad_out=g), INV),
    "ce temperature with probabilities": (
        lambda g: logits.cross_entropy(P, LAB, from_logits=False, temperature=2.0, grad_out=g), INV),
    "ce eps 0": (lambda g: logits.cross_entropy(P, LAB, from_logits=False, eps=0.0, grad_out=g), INV),
    "ce eps 0.5": (lambda g: logits.cross_entropy(P, LAB, from_logits=False, eps=0.5, grad_out=g), INV),
    "ce eps -1": (lambda g: logits.cross_entropy(P, LAB, from_logits=False, eps=-1.0, grad_out=g), INV),
    "ce eps nan": (lambda g: logits.cross_entropy(P, LAB, from_logits=False, eps=float("nan"), grad_out=g), INV),
    "ce ignore_index with soft targets": (
        lambda g: logits.cross_entropy(X, P, ignore_index=0, grad_out=g), INV),
    "bce reduction max": (lambda g: bce_logits(X, Y, reduction="max", grad_out=g), INV),
    "bce smoothing 2": (lambda g: bce_logits(X, Y, label_smoothing=2.0, grad_out=g), INV),
    "bce smoothing -1": (lambda g: bce_logits(X, Y, label_smoothing=-1.0, grad_out=g), INV),
    "bce gamma -1": (lambda g: bce_logits(X, Y, gamma=-1.0, grad_out=g), INV),
    "bce gamma nan": (lambda g: bce_logits(X, Y, gamma=float("nan"), grad_out=g), INV),
    "bce gamma inf": (lambda g: bce_logits(X, Y, gamma=float("inf"), grad_out=g), INV),
    "bce alpha -0.1": (lambda g: bce_logits(X, Y, alpha=-0.1, grad_out=g), INV),
    "bce alpha 1.1": (lambda g: bce_logits(X, Y, alpha=1.1, grad_out=g), INV),
    "bce alpha nan": (lambda g: bce_logits(X, Y, alpha=float("nan"), grad_out=g), INV),
    "bce eps 0": (lambda g: logits.binary_cross_entropy(P, Y, from_logits=False, eps=0.0, grad_out=g), INV),
    "bce eps 0.5": (lambda g: logits.binary_cross_entropy(P, Y, from_logits=False, eps=0.5, grad_out=g), INV),
    # labels
    "label -1": (lambda g: logits.cross_entropy(X, np.array([0, -1]), grad_out=g), LBL),
    "label == C": (lambda g: logits.cross_entropy(X, np.array([3, 0]), grad_out=g), LBL),
    "label int64 min": (lambda g: logits.cross_entropy(X, np.array([0, np.iinfo(np.int64).min]), grad_out=g), LBL),
    "label int64 max": (lambda g: logits.cross_entropy(X, np.array([0, np.iinfo(np.int64).max]), grad_out=g), LBL),
    "label uint64 above int64": (
        lambda g: logits.cross_entropy(X, np.array([0, 2 ** 63 + 5], np.uint64), grad_out=g), LBL),
    "label -100 without ignore_index": (lambda g: logits.cross_entropy(X, np.array([-100, 0]), grad_out=g), LBL),
    "label -100, ignore_index -5": (
        lambda g: logits.cross_entropy(X, np.array([-100, 0]), ignore_index=-5, grad_out=g), LBL),
    "label 9 of 3 (int8)": (lambda g: logits.cross_entropy(X, np.array([9, 0], np.int8), grad_out=g), LBL),
    # values
    "probability negative": (lambda g: logits.cross_entropy(-P, LAB, from_logits=False, grad_out=g), INV),
    "probability nan": (lambda g: logits.cross_entropy(np.where(P > 0.5, np.nan, P), LAB, from_logits=False,
                                                       grad_out=g), INV),
    "probability inf": (lambda g: logits.cross_entropy(np.where(P > 0.5, np.inf, P), LAB, from_logits=False,
                                                       grad_out=g), INV),
    "probabilities sum to 0": (lambda g: logits.cross_entropy(P * [[1], [0]], LAB, from_logits=False,
                                                              grad_out=g), INV),
    "soft target negative": (lambda g: logits.cross_entropy(X, -P, grad_out=g), INV),
    "soft target nan": (lambda g: logits.cross_entropy(X, P * np.nan, grad_out=g), INV),
    "class weight negative": (lambda g: logits.cross_entropy(X, LAB, weight=[1.0, -1.0, 1.0], grad_out=g), INV),
    "class weight inf": (lambda g: logits.cross_entropy(X, LAB, weight=[1.0, np.inf, 1.0], grad_out=g), INV),
    "binary target 1.5": (lambda g: bce_logits(X, Y * 1.5, grad_out=g), INV),
    "binary target -0.5": (lambda g: bce_logits(X, -Y, grad_out=g), INV),
    "binary target nan": (lambda g: bce_logits(X, Y * np.nan, grad_out=g), INV),
    "binary probability 1.5": (lambda g: logits.binary_cross_entropy(P * 3, Y, from_logits=False, grad_out=g), INV),
    "pos_weight negative": (lambda g: bce_logits(X, Y, pos_weight=[1.0, -2.0, 1.0], grad_out=g),
                            INV),
    "weight nan": (lambda g: bce_logits(X, Y, weight=np.full((2, 3), np.nan), grad_out=g), INV),
}


@pytest.mark.parametrize("case", sorted(LOSS_BAD_OPTIONS))
def test_loss_bad_arguments(case):
    fn, status = LOSS_BAD_OPTIONS[case]
    g = canary((2, 3))
    with raises(ValueError, status=status):
        fn(g)
    assert untouched(g), "grad_out was written by a failed call"


# ==========================================================================
# grad_out
# ==========================================================================

def _bad_grads():
    big = canary((4, 6))
    ro = canary((2, 3))
    ro.flags.writeable = False
    return {
        "float32 for float64": (canary((2, 3), np.float32), TypeError),
        "wrong shape": (canary((3, 2)), ValueError),
        "non-contiguous": (big[::2, ::2], ValueError),
        "fortran": (np.asfortranarray(canary((2, 3))), ValueError),
        "read-only": (ro, ValueError),
    }


@pytest.mark.parametrize("loss", ["ce", "bce"])
def test_bad_grad_out(loss):
    for what, (g, exc) in _bad_grads().items():
        before = g.copy()
        with pytest.raises(exc):
            if loss == "ce":
                logits.cross_entropy(X, LAB, grad_out=g)
            else:
                bce_logits(X, Y, grad_out=g)
        assert np.array_equal(g, before), f"{what}: grad_out written"


@pytest.mark.parametrize("loss", ["ce", "bce"])
@pytest.mark.parametrize("shift", [1, -2])
def test_grad_out_overlapping_input(loss, shift):
    buf = canary(20)
    buf[6:12] = X.ravel()
    x = buf[6:12].reshape(2, 3)
    g = buf[6 + shift:12 + shift].reshape(2, 3)
    before = buf.copy()
    with raises(ValueError, status=OVL):
        if loss == "ce":
            logits.cross_entropy(x, LAB, grad_out=g)
        else:
            bce_logits(x, Y, grad_out=g)
    np.testing.assert_array_equal(buf, before)


def test_grad_out_is_input_allowed():
    x = X.copy()
    expected = logits.cross_entropy(X, LAB, return_grad=True)[1]
    loss, g = logits.cross_entropy(x, LAB, grad_out=x)
    assert g is x
    np.testing.assert_allclose(g, expected, rtol=1e-15)


# ==========================================================================
# The process survives all of it
# ==========================================================================

SCRIPT = r"""
import sys
sys.path.insert(0, {binding!r})
sys.path.insert(0, {tests!r})
import numpy as np
import logits
import test_bad_input_matrix as m
for _ in range(2):
    for case, (fn, status) in sorted(m.LOSS_BAD_OPTIONS.items()):
        try:
            fn(m.canary((2, 3)))
        except ValueError:
            pass
        else:
            sys.exit("did not raise: " + case)
print("OK", float(logits.cross_entropy(m.X, m.LAB)))
"""


def test_subprocess_survives_the_matrix():
    script = SCRIPT.format(binding=BINDING_DIR, tests=os.path.dirname(os.path.abspath(__file__)))
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0 and proc.stdout.startswith("OK"), (proc.returncode, proc.stdout, proc.stderr)


# ==========================================================================
# Library issues found by the fuzzer and this matrix (fixed; kept as tests)
# ==========================================================================

HANG_SCRIPT = r"""
import sys
sys.path.insert(0, {binding!r})
import numpy as np, logits
x = np.empty((2 ** 36, 3, 0))                # no elements: 2^36 x 3 x 0
labels = np.empty((2 ** 36, 0), np.int64)
print(logits.cross_entropy(x, labels, axis=1, reduction="none").shape)
"""


def test_known_issue_zero_inner_returns_at_once():
    script = HANG_SCRIPT.format(binding=BINDING_DIR)
    try:
        proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("cross_entropy on a 2^36 x 3 x 0 array did not return within 5 s")
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("dtype", DTYPES)
def test_known_issue_focal_gradient_finite(dtype):
    x = np.array([-740.0, 740.0], dtype)
    y = np.array([0.0, 1.0], dtype)
    loss, g = bce_logits(x, y, gamma=0.01, reduction="none", return_grad=True)
    assert np.all(np.isfinite(g)) and np.all(np.abs(g) < 1e-30), g
