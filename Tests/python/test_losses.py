"""Tests of logits.cross_entropy and logits.binary_cross_entropy.

Every value is compared with an independent float64 numpy reference written
below from the documented formulas of PyTorch (nn.CrossEntropyLoss with
weight / ignore_index / label_smoothing / reduction, BCEWithLogitsLoss with
pos_weight / weight, torchvision's sigmoid_focal_loss) and Keras
(categorical_crossentropy and binary_crossentropy from probabilities, binary
label smoothing), plus the edge cases decided in GUIDE.md section 4. Nothing
here imports the library's code for a reference.

Gradients are checked against central finite differences (float64) of the
loss, both of the library's own loss and of the reference loss.
"""

import math
import re

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import logits

CANARY = -12345.5
F64 = np.float64
F32 = np.float32
RTOL = {F32: 1e-6, F64: 1e-12}
ATOL = {F32: 1e-30, F64: 1e-300}
FAST = settings(max_examples=100, deadline=None)


# ==========================================================================
# References (float64 numpy)
# ==========================================================================

def _logsumexp(z):
    """logsumexp over the last axis; an all -inf row gives -inf."""
    m = np.max(z, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
        return np.log(np.sum(np.exp(z - m), axis=-1)) + m[..., 0]


def ref_cross_entropy(x, target, *, axis=-1, from_logits=True, reduction="mean",
                      label_smoothing=0.0, weight=None, ignore_index=None,
                      temperature=1.0, eps=1e-7, grad=False):
    """PyTorch nn.CrossEntropyLoss (logits) / Keras categorical_crossentropy
    (probabilities). Returns loss (and the analytic gradient for logits)."""
    x = np.asarray(x, dtype=F64)
    xm = np.moveaxis(x, axis, -1)
    C = xm.shape[-1]
    sample_shape = xm.shape[:-1]
    z = xm.reshape(-1, C)
    S = z.shape[0]
    w = np.ones(C) if weight is None else np.asarray(weight, dtype=F64)
    t = np.asarray(target)
    if t.dtype.kind in "iu":
        lab = t.reshape(-1).astype(np.int64)
        keep = np.ones(S, bool) if ignore_index is None else lab != ignore_index
        onehot = np.zeros((S, C))
        onehot[np.arange(S)[keep], lab[keep]] = 1.0
        tt = onehot
        D = float(np.sum(w[lab[keep]])) if keep.any() else 0.0
    else:
        tt = np.moveaxis(np.asarray(t, dtype=F64), axis, -1).reshape(-1, C)
        keep = np.ones(S, bool)
        D = float(S)
    q = (1.0 - label_smoothing) * tt + label_smoothing / C
    q[~keep] = 0.0
    wq = w * q
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if from_logits:
            zz = z / temperature
            logp = zz - _logsumexp(zz)[:, None]
        else:
            p = z / np.sum(z, axis=-1, keepdims=True)
            logp = np.log(np.clip(p, eps, 1.0 - eps))
        terms = np.where(wq == 0, 0.0, -wq * logp)
    per = terms.sum(axis=-1)
    per[~keep] = 0.0
    if reduction == "none":
        loss = per.reshape(sample_shape)
        scale = 1.0
    elif reduction == "sum":
        loss = F64(per.sum())
        scale = 1.0
    else:
        loss = F64(per.sum() / D) if D != 0 else F64(0.0)
        scale = 1.0 / D if D != 0 else 0.0
    if not grad:
        return loss
    assert from_logits, "analytic gradient reference for logits only"
    with np.errstate(invalid="ignore", over="ignore"):
        p = np.exp(logp)
        g = (p * wq.sum(axis=-1, keepdims=True) - wq) / temperature * scale
    g[~keep] = 0.0
    g = np.moveaxis(g.reshape(sample_shape + (C,)), -1, axis % x.ndim)
    return loss, g


def _log_sigmoid(x):
    return -(np.maximum(-x, 0.0) + np.log1p(np.exp(-np.abs(x))))


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def ref_bce(x, y, *, from_logits=True, pos_weight=None, weight=None,
            label_smoothing=0.0, gamma=0.0, alpha=None, reduction="mean",
            eps=1e-7, grad=False):
    """BCEWithLogitsLoss (pos_weight, weight) / Keras binary_crossentropy,
    Keras label smoothing, torchvision sigmoid_focal_loss. Returns loss (and
    the analytic gradient for logits)."""
    x = np.asarray(x, dtype=F64)
    y = np.asarray(y, dtype=F64)
    ys = y * (1.0 - label_smoothing) + label_smoothing / 2.0
    pw = np.ones(x.shape[-1]) if pos_weight is None else np.asarray(pos_weight, F64)
    w = np.ones_like(x) if weight is None else np.broadcast_to(np.asarray(weight, F64), x.shape)
    with np.errstate(over="ignore", under="ignore", invalid="ignore", divide="ignore"):
        if from_logits:
            # (1 - y') x - (1 + (pw - 1) y') log_sigmoid(x)
            #   = (1 - y') softplus(x) + pw y' softplus(-x): no cancellation
            bce = w * ((1.0 - ys) * -_log_sigmoid(-x) + pw * ys * -_log_sigmoid(x))
            p, one_minus_p = _sigmoid(x), _sigmoid(-x)
            dbce = w * ((1.0 - ys) * p - pw * ys * one_minus_p)
            dp = p * one_minus_p
        else:
            p = np.clip(x, eps, 1.0 - eps)
            one_minus_p = 1.0 - p
            bce = -w * (pw * ys * np.log(p) + (1.0 - ys) * np.log(one_minus_p))
            active = (x > eps) & (x < 1.0 - eps)
            dbce = np.where(active, -w * (pw * ys / p - (1.0 - ys) / one_minus_p), 0.0)
            dp = np.where(active, 1.0, 0.0)
        focal = gamma > 0 or alpha is not None
        if focal:
            m = one_minus_p * ys + p * (1.0 - ys)          # 1 - p_t, no cancellation
            at = 1.0 if alpha is None else alpha * ys + (1.0 - alpha) * (1.0 - ys)
            mg = m ** gamma
            loss = at * mg * bce
            # d m / dx divided by m, exact for hard labels even when m underflows
            if from_logits:
                r = np.where(ys == 1.0, -p, np.where(ys == 0.0, one_minus_p,
                                                     (1.0 - 2.0 * ys) * dp / m))
            else:
                r = (1.0 - 2.0 * ys) * dp / m
            g = at * mg * (gamma * r * bce + dbce)
        else:
            loss = bce
            g = dbce
    if reduction == "none":
        return (loss, g) if grad else loss
    if reduction == "sum":
        return (F64(loss.sum()), g) if grad else F64(loss.sum())
    n = x.size
    return (F64(loss.sum() / n), g / n) if grad else F64(loss.sum() / n)


# ==========================================================================
# Helpers
# ==========================================================================

def assert_close(got, exp, dtype=F64, rtol=None, atol=None, what=""):
    rtol = RTOL[dtype] if rtol is None else rtol
    atol = ATOL[dtype] if atol is None else atol
    got = np.asarray(got, dtype=F64)
    exp = np.asarray(exp, dtype=F64)
    assert got.shape == exp.shape, f"{what}: shape {got.shape} != {exp.shape}"
    np.testing.assert_allclose(got, exp, rtol=rtol, atol=atol, equal_nan=True,
                               err_msg=what)


def fd_grad(f, x, h=1e-5):
    """Central differences of the scalar sum of f over every entry of x."""
    x = np.array(x, dtype=F64)
    g = np.zeros_like(x)
    flat = x.reshape(-1)
    gf = g.reshape(-1)
    for i in range(flat.size):
        hi = h * max(1.0, abs(flat[i]))
        old = flat[i]
        flat[i] = old + hi
        fp = float(np.sum(f(x)))
        flat[i] = old - hi
        fm = float(np.sum(f(x)))
        flat[i] = old
        gf[i] = (fp - fm) / (2 * hi)
    return g


def canary_like(x, dtype=None):
    return np.full(np.shape(x), CANARY, dtype=dtype or np.asarray(x).dtype)


def rng_for(seed):
    return np.random.default_rng(seed)


# ==========================================================================
# Categorical: values
# ==========================================================================

@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("from_logits", [True, False])
def test_ce_labels_basic(dtype, reduction, from_logits):
    rng = rng_for(1)
    x = (rng.normal(size=(7, 5)) * 3 if from_logits else rng.uniform(0.01, 1, (7, 5))).astype(dtype)
    lab = rng.integers(0, 5, 7)
    got = logits.cross_entropy(x, lab, reduction=reduction, from_logits=from_logits)
    exp = ref_cross_entropy(x.astype(F64), lab, reduction=reduction, from_logits=from_logits)
    assert np.asarray(got).dtype == dtype
    assert_close(got, exp, dtype)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("from_logits", [True, False])
def test_ce_soft_basic(dtype, reduction, from_logits):
    rng = rng_for(2)
    x = (rng.normal(size=(6, 4)) * 2 if from_logits else rng.uniform(0.01, 1, (6, 4))).astype(dtype)
    t = rng.uniform(0, 1, (6, 4)).astype(dtype)
    t[0, 1] = 0.0
    got = logits.cross_entropy(x, t, reduction=reduction, from_logits=from_logits)
    exp = ref_cross_entropy(x.astype(F64), t.astype(F64), reduction=reduction,
                            from_logits=from_logits)
    assert_close(got, exp, dtype)


def test_ce_docstring_example_matches_pytorch_numbers():
    x = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    loss, g = logits.cross_entropy(x, np.array([0, 1]), return_grad=True)
    # log-softmax by hand
    exp = 0.5 * ((np.log(np.exp(x[0]).sum()) - 2.0) + (np.log(np.exp(x[1]).sum()) - 2.5))
    assert abs(float(loss) - exp) < 1e-14
    assert abs(float(loss) - 0.31854) < 1e-5


def test_ce_keras_probabilities_renormalised_and_clipped():
    # Keras: y_pred / sum, clip to [eps, 1 - eps], -sum y log p
    p = np.array([[0.2, 0.6, 0.2], [0.0, 2.0, 2.0], [1.0, 0.0, 0.0]])
    y = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    got = logits.cross_entropy(p, y, from_logits=False, reduction="none")
    exp = np.array([-math.log(0.6), -math.log(1e-7), -math.log(1 - 1e-7)])
    assert_close(got, exp)
    got2 = logits.cross_entropy(p, y, from_logits=False, reduction="none", eps=1e-3)
    assert_close(got2, [-math.log(0.6), -math.log(1e-3), -math.log(1 - 1e-3)])


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("smoothing", [0.0, 0.1, 1.0])
def test_ce_label_smoothing_weights_ignore(dtype, reduction, smoothing):
    rng = rng_for(3)
    x = (rng.normal(size=(9, 6)) * 2).astype(dtype)
    lab = rng.integers(0, 6, 9)
    lab[[2, 5]] = -100
    w = rng.uniform(0.2, 3, 6).astype(dtype)
    got = logits.cross_entropy(x, lab, reduction=reduction, label_smoothing=smoothing,
                               weight=w, ignore_index=-100)
    exp = ref_cross_entropy(x.astype(F64), lab, reduction=reduction, label_smoothing=smoothing,
                            weight=w.astype(F64), ignore_index=-100)
    assert_close(got, exp, dtype)
    if reduction == "none":
        assert got[2] == 0 and got[5] == 0


def test_ce_weighted_mean_divides_by_sum_of_label_weights():
    x = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0], [0.0, 0.0, 0.0], [3.0, 1.0, 0.0]])
    lab = np.array([0, 2, 1, 7])
    w = np.array([2.0, 0.5, 3.0])
    per = _logsumexp(x[:3]) - x[np.arange(3), lab[:3]]
    num = 2.0 * per[0] + 3.0 * per[1] + 0.5 * per[2]
    got = logits.cross_entropy(x, lab, weight=w, ignore_index=7)
    assert abs(float(got) - num / 5.5) < 1e-14
    # soft targets: mean divides by the number of samples, not the weights
    t = np.eye(3)[[0, 2, 1, 0]]
    got_soft = logits.cross_entropy(x, t, weight=w)
    per_soft = _logsumexp(x) - x[np.arange(4), [0, 2, 1, 0]]
    exp_soft = (2.0 * per_soft[0] + 3.0 * per_soft[1] + 0.5 * per_soft[2] + 2.0 * per_soft[3]) / 4
    assert abs(float(got_soft) - exp_soft) < 1e-14


def test_ce_smoothing_uniform_term_pytorch_formula():
    # PyTorch: (1-e) * nll_weighted + e/C * sum_c w_c (-log p_c), same denominator
    rng = rng_for(4)
    x = rng.normal(size=(5, 4))
    lab = np.array([0, 3, 1, 1, 2])
    w = np.array([1.0, 2.0, 0.5, 1.5])
    e = 0.2
    logp = x - _logsumexp(x)[:, None]
    nll = -w[lab] * logp[np.arange(5), lab]
    smooth = -(w * logp).sum(axis=1) / 4
    exp = ((1 - e) * nll.sum() + e * smooth.sum()) / w[lab].sum()
    got = logits.cross_entropy(x, lab, weight=w, label_smoothing=e)
    assert abs(float(got) - exp) < 1e-13


def test_ce_ignore_index_inside_class_range():
    x = np.array([[1.0, 2.0, 3.0], [0.3, 0.2, 0.1], [2.0, -1.0, 0.5]])
    lab = np.array([1, 0, 2])
    got = logits.cross_entropy(x, lab, ignore_index=0, reduction="none")
    exp = ref_cross_entropy(x, lab, ignore_index=0, reduction="none")
    assert_close(got, exp)
    assert got[1] == 0.0


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("temperature", [0.25, 1.0, 3.5])
def test_ce_temperature(dtype, temperature):
    rng = rng_for(5)
    x = (rng.normal(size=(4, 7)) * 4).astype(dtype)
    lab = rng.integers(0, 7, 4)
    loss, g = logits.cross_entropy(x, lab, temperature=temperature, reduction="sum",
                                   return_grad=True)
    el, eg = ref_cross_entropy(x.astype(F64), lab, temperature=temperature, reduction="sum",
                               grad=True)
    assert_close(loss, el, dtype)
    assert_close(g, eg, dtype, atol=1e-7 if dtype == F32 else 1e-15)
    # T scales the logits: same as T=1 on x / T
    loss2 = logits.cross_entropy(x.astype(F64) / temperature, lab, reduction="sum")
    if dtype == F64:
        assert_close(loss, loss2)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("kind", ["labels", "soft"])
def test_ce_axis1_of_NCd(dtype, reduction, kind):
    rng = rng_for(6)
    x = (rng.normal(size=(3, 5, 4)) * 2).astype(dtype)
    if kind == "labels":
        t = rng.integers(0, 5, (3, 4))
        t_last = t
    else:
        t = rng.uniform(0, 1, (3, 5, 4)).astype(dtype)
        t_last = np.ascontiguousarray(np.moveaxis(t, 1, -1))
    w = rng.uniform(0.5, 2, 5).astype(dtype)
    loss, g = logits.cross_entropy(x, t, axis=1, reduction=reduction, weight=w,
                                   label_smoothing=0.05, return_grad=True)
    assert g.shape == x.shape
    if reduction == "none":
        assert loss.shape == (3, 4)
    x_last = np.ascontiguousarray(np.moveaxis(x, 1, -1))
    loss_l, g_l = logits.cross_entropy(x_last, t_last, axis=-1, reduction=reduction, weight=w,
                                       label_smoothing=0.05, return_grad=True)
    assert_close(loss, loss_l, dtype)
    assert_close(g, np.moveaxis(g_l, -1, 1), dtype, atol=1e-9 if dtype == F32 else 1e-16)
    el, eg = ref_cross_entropy(x.astype(F64), t if kind == "labels" else t.astype(F64), axis=1,
                               reduction=reduction, weight=w.astype(F64),
                               label_smoothing=0.05, grad=True)
    assert_close(loss, el, dtype)
    assert_close(g, eg, dtype, atol=1e-8 if dtype == F32 else 1e-16)


def test_ce_large_row_float32_accuracy():
    rng = rng_for(7)
    x = (rng.normal(size=(2, 50257)) * 3).astype(F32)
    lab = np.array([5, 50000])
    got = logits.cross_entropy(x, lab, reduction="none")
    exp = ref_cross_entropy(x.astype(F64), lab, reduction="none")
    assert_close(got, exp, F32)


# ==========================================================================
# Categorical: gradients against finite differences (hypothesis over options)
# ==========================================================================

@st.composite
def ce_case(draw):
    kind = draw(st.sampled_from(["labels", "soft"]))
    from_logits = draw(st.booleans())
    N = draw(st.integers(1, 5))
    C = draw(st.integers(1, 6))
    reduction = draw(st.sampled_from(["none", "mean", "sum"]))
    smoothing = draw(st.sampled_from([0.0, 0.0, 0.1, 0.5, 1.0]) | st.floats(0, 1))
    weight = draw(st.sampled_from([None, "pos", "zeros"]))
    ignore = draw(st.sampled_from([None, -100, 0])) if kind == "labels" else None
    temperature = draw(st.sampled_from([1.0, 0.5, 2.5])) if from_logits else 1.0
    axis_mode = draw(st.sampled_from(["last", "axis1"]))
    seed = draw(st.integers(0, 2**32 - 1))
    return dict(kind=kind, from_logits=from_logits, N=N, C=C, reduction=reduction,
                smoothing=smoothing, weight=weight, ignore=ignore,
                temperature=temperature, axis_mode=axis_mode, seed=seed)


def _build_ce(case):
    rng = rng_for(case["seed"])
    N, C = case["N"], case["C"]
    shape = (N, C) if case["axis_mode"] == "last" else (N, C, 2)
    axis = -1 if case["axis_mode"] == "last" else 1
    if case["from_logits"]:
        x = rng.uniform(-4, 4, shape)
    else:
        x = rng.uniform(0.05, 1.0, shape)
    sshape = (N,) if axis == -1 else (N, 2)
    if case["kind"] == "labels":
        t = rng.integers(0, C, sshape)
        if case["ignore"] is not None:
            t = np.where(rng.uniform(size=sshape) < 0.3, case["ignore"], t)
    else:
        t = rng.uniform(0, 1, shape)
        t = np.where(rng.uniform(size=shape) < 0.2, 0.0, t)
    if case["weight"] is None:
        w = None
    else:
        w = rng.uniform(0.1, 3.0, C)
        if case["weight"] == "zeros":
            w = np.where(rng.uniform(size=C) < 0.5, 0.0, w)
    kw = dict(axis=axis, from_logits=case["from_logits"], reduction=case["reduction"],
              label_smoothing=case["smoothing"], weight=w, ignore_index=case["ignore"],
              temperature=case["temperature"])
    return x, t, kw


@FAST
@given(ce_case())
def test_ce_grad_finite_differences(case):
    x, t, kw = _build_ce(case)
    loss, g = logits.cross_entropy(x, t, return_grad=True, **kw)
    assert g.shape == x.shape and g.dtype == F64
    # loss against the reference
    exp = ref_cross_entropy(x, t, **kw)
    assert_close(loss, exp, F64, atol=1e-13)
    # gradient against finite differences of the library's loss and the reference's
    fd_lib = fd_grad(lambda z: logits.cross_entropy(z, t, **kw), x)
    fd_ref = fd_grad(lambda z: ref_cross_entropy(z, t, **kw), x)
    assert_close(g, fd_lib, F64, rtol=1e-6, atol=1e-8, what="grad vs FD(library loss)")
    assert_close(g, fd_ref, F64, rtol=1e-6, atol=1e-8, what="grad vs FD(reference loss)")
    if kw["from_logits"]:
        _, eg = ref_cross_entropy(x, t, grad=True, **kw)
        # each entry is (p - y) w / T, rounded: 8 ulp of that term scale (the
        # float64 gradient bound), so an entry cancelling to ~1e-4 is not held
        # to 1e-12 of itself
        w = kw["weight"]
        scale = (1.0 if w is None else max(1.0, float(np.max(np.abs(w))))) / kw["temperature"]
        assert_close(g, eg, F64, rtol=1e-12, atol=max(1e-15, 8 * np.finfo(F64).eps * scale),
                     what="grad vs analytic")
    # in place: grad_out=input overwrites the logits with the same gradient
    x2 = x.copy()
    loss2, g2 = logits.cross_entropy(x2, t, grad_out=x2, return_grad=True, **kw)
    assert g2 is x2
    np.testing.assert_array_equal(x2, g)
    np.testing.assert_array_equal(np.asarray(loss2), np.asarray(loss))
    # grad_out separate
    out = canary_like(x)
    loss3, g3 = logits.cross_entropy(x, t, grad_out=out, **kw)
    assert g3 is out
    np.testing.assert_array_equal(out, g)


@FAST
@given(ce_case())
def test_ce_float32_matches_reference(case):
    x, t, kw = _build_ce(case)
    x32 = x.astype(F32)
    t32 = t if case["kind"] == "labels" else t.astype(F32)
    if kw["weight"] is not None:
        kw["weight"] = kw["weight"].astype(F32)
    loss, g = logits.cross_entropy(x32, t32, return_grad=True, **kw)
    assert g.dtype == F32 and np.asarray(loss).dtype == F32
    kw64 = dict(kw)
    if kw["weight"] is not None:
        kw64["weight"] = kw["weight"].astype(F64)
    exp = ref_cross_entropy(x32.astype(F64), t32 if case["kind"] == "labels" else t32.astype(F64),
                            **kw64)
    assert_close(loss, exp, F32, atol=1e-12)
    if kw["from_logits"]:
        _, eg = ref_cross_entropy(x32.astype(F64),
                                  t32 if case["kind"] == "labels" else t32.astype(F64),
                                  grad=True, **kw64)
        assert_close(g, eg, F32, atol=1e-12)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_ce_in_place_gradient_float32_and_float64(dtype):
    rng = rng_for(8)
    x = (rng.normal(size=(5, 3, 2)) * 2).astype(dtype)
    lab = rng.integers(0, 3, (5, 2))
    loss, g = logits.cross_entropy(x, lab, axis=1, return_grad=True)
    x2 = x.copy()
    loss2, g2 = logits.cross_entropy(x2, lab, axis=1, grad_out=x2)
    assert g2 is x2
    np.testing.assert_array_equal(x2, g)
    assert loss2 == loss


# ==========================================================================
# Categorical: decided edge cases
# ==========================================================================

@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("weighted", [False, True])
def test_ce_all_ignored_mean_is_zero(dtype, weighted):
    x = np.array([[1.0, 2.0], [3.0, -1.0], [0.0, 0.0]], dtype=dtype)
    lab = np.array([-100, -100, -100])
    w = np.array([1.0, 2.0], dtype=dtype) if weighted else None
    out = canary_like(x)
    loss, g = logits.cross_entropy(x, lab, ignore_index=-100, weight=w, grad_out=out,
                                   label_smoothing=0.1)
    assert float(loss) == 0.0 and not np.isnan(loss)
    assert np.all(out == 0.0)
    loss_n = logits.cross_entropy(x, lab, ignore_index=-100, reduction="none")
    np.testing.assert_array_equal(loss_n, np.zeros(3, dtype))
    assert float(logits.cross_entropy(x, lab, ignore_index=-100, reduction="sum")) == 0.0


def test_ce_zero_total_weight_mean_is_zero():
    # D = sum of w[label] = 0: the loss and the gradient are 0 (header)
    x = np.array([[1.0, 2.0, 0.0], [3.0, -1.0, 0.5]])
    lab = np.array([0, 0])
    loss, g = logits.cross_entropy(x, lab, weight=np.array([0.0, 1.0, 1.0]), return_grad=True)
    assert float(loss) == 0.0
    assert np.all(g == 0.0)


@pytest.mark.parametrize("dtype", [F32, F64])
def test_ce_minus_inf_on_zero_weight_class_is_finite(dtype):
    x = np.array([[-np.inf, 1.0, 2.0], [0.5, -np.inf, 0.1]], dtype=dtype)
    lab = np.array([1, 0])
    loss, g = logits.cross_entropy(x, lab, reduction="none", return_grad=True)
    assert np.all(np.isfinite(loss)), loss
    exp = [np.log(np.exp(1.0) + np.exp(2.0)) - 1.0, np.log(np.exp(0.5) + np.exp(0.1)) - 0.5]
    assert_close(loss, exp, dtype)
    assert np.all(np.isfinite(g)), g
    assert g[0, 0] == 0.0 and g[1, 1] == 0.0
    # soft targets: q_c w_c = 0 on the -inf class
    t = np.array([[0.0, 0.3, 0.7], [1.0, 0.0, 0.0]], dtype=dtype)
    ls = logits.cross_entropy(x, t, reduction="none")
    assert np.all(np.isfinite(ls))
    # soft target positive but class weight 0 on the -inf class
    t2 = np.array([[0.5, 0.3, 0.2], [1.0, 0.0, 0.0]], dtype=dtype)
    w = np.array([0.0, 1.0, 1.0], dtype=dtype)
    ls2 = logits.cross_entropy(x, t2, weight=w, reduction="none")
    assert np.isfinite(ls2[0]), ls2
    # with label smoothing every class has q_c > 0: +inf
    ls3 = logits.cross_entropy(x, lab, reduction="none", label_smoothing=0.1)
    assert ls3[0] == np.inf and ls3[1] == np.inf


@pytest.mark.parametrize("dtype", [F32, F64])
def test_ce_minus_inf_on_true_class_is_plus_inf(dtype):
    x = np.array([[-np.inf, 1.0, 2.0], [0.5, 0.2, 0.1]], dtype=dtype)
    lab = np.array([0, 1])
    loss = logits.cross_entropy(x, lab, reduction="none")
    assert loss[0] == np.inf
    assert np.isfinite(loss[1])
    assert logits.cross_entropy(x, lab, reduction="sum") == np.inf
    assert logits.cross_entropy(x, lab, reduction="mean") == np.inf


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("kind", ["labels", "soft"])
def test_ce_nan_in_one_row(dtype, kind):
    x = np.array([[1.0, 2.0, 3.0], [0.5, np.nan, 0.1], [2.0, 0.0, -1.0]], dtype=dtype)
    t = np.array([2, 0, 1]) if kind == "labels" else np.eye(3, dtype=dtype)[[2, 0, 1]]
    loss, g = logits.cross_entropy(x, t, reduction="none", return_grad=True)
    assert np.isnan(loss[1])
    assert np.all(np.isnan(g[1]))
    assert np.all(np.isfinite(loss[[0, 2]])) and np.all(np.isfinite(g[[0, 2]]))
    exp = ref_cross_entropy(x.astype(F64), t if kind == "labels" else t.astype(F64),
                            reduction="none")
    assert_close(loss[[0, 2]], exp[[0, 2]], dtype)
    assert np.isnan(logits.cross_entropy(x, t))


def test_ce_all_minus_inf_row_not_nan_when_no_target_mass():
    # a fully masked row with label ignored adds nothing
    x = np.array([[-np.inf, -np.inf], [1.0, 2.0]])
    lab = np.array([-100, 1])
    loss, g = logits.cross_entropy(x, lab, ignore_index=-100, reduction="none", return_grad=True)
    assert loss[0] == 0.0 and np.all(g[0] == 0.0)
    assert np.isfinite(loss[1])


def test_ce_plus_inf_logits_mass_split():
    # +inf entries share the probability mass: loss of a +inf class is log(#inf)
    x = np.array([[np.inf, np.inf, 0.0]])
    loss = logits.cross_entropy(x, np.array([0]), reduction="none")
    assert abs(loss[0] - math.log(2.0)) < 1e-15


# ==========================================================================
# Categorical: labels out of range (the seed TensorFlow example)
# ==========================================================================

@pytest.mark.parametrize("dtype", [F32, F64])
def test_seed_tensorflow_example_labels_out_of_range(dtype):
    rng = rng_for(9)
    x = rng.normal(size=(3, 10)).astype(dtype)
    lab = np.array([9, 99, 999])
    out = canary_like(x)
    with pytest.raises(ValueError) as ei:
        logits.cross_entropy(x, lab, grad_out=out)
    msg = str(ei.value)
    assert re.search(r"\b99\b", msg) and "(1,)" in msg, msg
    assert getattr(ei.value, "status", None) == 5
    assert np.all(out == CANARY)


@pytest.mark.parametrize("bad", [-1, -100, 3, 2**40])
def test_labels_out_of_range(bad):
    x = np.zeros((4, 3))
    lab = np.array([0, 1, bad, 2])
    out = canary_like(x)
    with pytest.raises(ValueError) as ei:
        logits.cross_entropy(x, lab, grad_out=out, reduction="none")
    assert str(bad) in str(ei.value) and "(2,)" in str(ei.value), str(ei.value)
    assert np.all(out == CANARY)


def test_negative_label_other_than_ignore_index():
    x = np.zeros((3, 3))
    out = canary_like(x)
    with pytest.raises(ValueError) as ei:
        logits.cross_entropy(x, np.array([-100, -1, 0]), ignore_index=-100, grad_out=out)
    assert "-1" in str(ei.value) and "(1,)" in str(ei.value)
    assert np.all(out == CANARY)


def test_uint64_labels():
    x = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]])
    ok = logits.cross_entropy(x, np.array([1, 2], dtype=np.uint64), reduction="none")
    assert_close(ok, ref_cross_entropy(x, np.array([1, 2]), reduction="none"))
    huge = np.array([1, 2**64 - 1], dtype=np.uint64)
    out = canary_like(x)
    with pytest.raises(ValueError) as ei:
        logits.cross_entropy(x, huge, grad_out=out)
    assert str(2**64 - 1) in str(ei.value) and "(1,)" in str(ei.value), str(ei.value)
    assert np.all(out == CANARY)
    huge2 = np.array([2**63 + 5, 0], dtype=np.uint64)
    with pytest.raises(ValueError) as ei:
        logits.cross_entropy(x, huge2, grad_out=out)
    assert "(0,)" in str(ei.value)
    assert np.all(out == CANARY)


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.uint8])
def test_small_integer_label_dtypes(dtype):
    x = np.array([[1.0, 2.0, 0.5], [0.0, 1.0, 3.0]])
    got = logits.cross_entropy(x, np.array([2, 0], dtype=dtype), reduction="none")
    assert_close(got, ref_cross_entropy(x, np.array([2, 0]), reduction="none"))


# ==========================================================================
# Binary: values and gradients
# ==========================================================================

@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("from_logits", [True, False])
def test_bce_basic(dtype, reduction, from_logits):
    rng = rng_for(10)
    x = (rng.normal(size=(6, 4)) * 3 if from_logits else rng.uniform(0.001, 0.999, (6, 4))).astype(dtype)
    y = rng.uniform(0, 1, (6, 4)).astype(dtype)
    y[0] = [0, 1, 0, 1]
    loss, g = logits.binary_cross_entropy(x, y, reduction=reduction, from_logits=from_logits,
                                          return_grad=True)
    el, eg = ref_bce(x.astype(F64), y.astype(F64), reduction=reduction,
                     from_logits=from_logits, grad=True)
    assert_close(loss, el, dtype)
    assert_close(g, eg, dtype, atol=1e-12 if dtype == F32 else 1e-300)


def test_bce_docstring_numbers():
    x = np.array([[1.5, -0.3], [0.2, 2.0]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    def sp(v):  # softplus
        return math.log1p(math.exp(v))
    exp = (sp(-1.5) + sp(-0.3) + sp(0.2) + sp(-2.0)) / 4
    assert abs(float(logits.binary_cross_entropy_with_logits(x, y)) - exp) < 1e-15
    # torchvision sigmoid_focal_loss, alpha=0.25, gamma=2, mean
    p = 1 / (1 + np.exp(-x))
    ce = y * -np.log(p) + (1 - y) * -np.log(1 - p)
    pt = p * y + (1 - p) * (1 - y)
    fl = (0.25 * y + 0.75 * (1 - y)) * ce * (1 - pt) ** 2
    got = logits.binary_cross_entropy_with_logits(x, y, gamma=2.0, alpha=0.25)
    assert abs(float(got) - fl.mean()) < 1e-14


@pytest.mark.parametrize("dtype", [F32, F64])
def test_bce_pos_weight_and_weight(dtype):
    rng = rng_for(11)
    x = (rng.normal(size=(5, 3)) * 2).astype(dtype)
    y = (rng.uniform(size=(5, 3)) > 0.5).astype(dtype)
    pw = np.array([0.5, 2.0, 3.0], dtype=dtype)
    w = rng.uniform(0, 2, (5, 3)).astype(dtype)
    for red in ["none", "mean", "sum"]:
        loss, g = logits.binary_cross_entropy_with_logits(x, y, pos_weight=pw, weight=w, reduction=red,
                                              return_grad=True)
        el, eg = ref_bce(x.astype(F64), y.astype(F64), pos_weight=pw.astype(F64),
                         weight=w.astype(F64), reduction=red, grad=True)
        assert_close(loss, el, dtype)
        assert_close(g, eg, dtype, atol=1e-12 if dtype == F32 else 1e-300)
    # pytorch: weights do not change the mean divisor
    m = logits.binary_cross_entropy_with_logits(x, y, pos_weight=pw, weight=w)
    s = logits.binary_cross_entropy_with_logits(x, y, pos_weight=pw, weight=w, reduction="sum")
    assert_close(m, s / 15, dtype)
    # weight broadcast over rows
    wrow = np.array([1.0, 0.0, 2.0], dtype=dtype)
    lb = logits.binary_cross_entropy_with_logits(x, y, weight=wrow, reduction="none")
    assert_close(lb, ref_bce(x.astype(F64), y.astype(F64), weight=wrow.astype(F64),
                             reduction="none"), dtype)


@pytest.mark.parametrize("from_logits", [True, False])
def test_bce_label_smoothing_keras(from_logits):
    x = np.array([[2.0, -1.0, 0.3]]) if from_logits else np.array([[0.9, 0.2, 0.5]])
    y = np.array([[1.0, 0.0, 1.0]])
    e = 0.2
    got = logits.binary_cross_entropy(x, y, label_smoothing=e, from_logits=from_logits,
                                      reduction="none")
    ys = y * (1 - e) + e / 2
    p = 1 / (1 + np.exp(-x)) if from_logits else x
    exp = -(ys * np.log(p) + (1 - ys) * np.log(1 - p))
    assert_close(got, exp, rtol=1e-13)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("from_logits", [True, False])
def test_bce_gamma0_without_alpha_is_plain_bce(dtype, from_logits):
    rng = rng_for(12)
    x = (rng.normal(size=(4, 5)) * 3 if from_logits else rng.uniform(0.01, 0.99, (4, 5))).astype(dtype)
    y = rng.uniform(0, 1, (4, 5)).astype(dtype)
    a = logits.binary_cross_entropy(x, y, gamma=0.0, reduction="none", from_logits=from_logits,
                                    return_grad=True)
    b = logits.binary_cross_entropy(x, y, reduction="none", from_logits=from_logits,
                                    return_grad=True)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("gamma,alpha", [(2.0, 0.25), (0.5, None), (0.0, 0.75), (1.0, 0.0),
                                         (3.0, 1.0)])
def test_bce_focal(dtype, from_logits, gamma, alpha):
    rng = rng_for(13)
    x = (rng.normal(size=(5, 4)) * 3 if from_logits else rng.uniform(0.01, 0.99, (5, 4))).astype(dtype)
    y = (rng.uniform(size=(5, 4)) > 0.5).astype(dtype)
    y[0] = rng.uniform(size=4)
    for red in ["none", "mean", "sum"]:
        loss, g = logits.binary_cross_entropy(x, y, gamma=gamma, alpha=alpha, reduction=red,
                                              from_logits=from_logits, return_grad=True)
        el, eg = ref_bce(x.astype(F64), y.astype(F64), gamma=gamma, alpha=alpha, reduction=red,
                         from_logits=from_logits, grad=True)
        assert_close(loss, el, dtype, atol=1e-12 if dtype == F32 else 1e-300)
        assert_close(g, eg, dtype, atol=1e-12 if dtype == F32 else 1e-300)


@st.composite
def bce_case(draw):
    from_logits = draw(st.booleans())
    R = draw(st.integers(1, 4))
    C = draw(st.integers(1, 5))
    return dict(
        from_logits=from_logits, R=R, C=C,
        reduction=draw(st.sampled_from(["none", "mean", "sum"])),
        smoothing=draw(st.sampled_from([0.0, 0.1, 1.0]) | st.floats(0, 1)),
        pos_weight=draw(st.booleans()), weight=draw(st.booleans()),
        gamma=draw(st.sampled_from([0.0, 0.5, 1.0, 2.0, 3.7])),
        alpha=draw(st.sampled_from([None, 0.25, 0.0, 1.0])),
        hard=draw(st.booleans()),
        seed=draw(st.integers(0, 2**32 - 1)))


@FAST
@given(bce_case())
def test_bce_grad_finite_differences(case):
    rng = rng_for(case["seed"])
    shape = (case["R"], case["C"])
    x = rng.uniform(-4, 4, shape) if case["from_logits"] else rng.uniform(0.02, 0.98, shape)
    y = (rng.uniform(size=shape) > 0.5).astype(F64) if case["hard"] else rng.uniform(0, 1, shape)
    kw = dict(from_logits=case["from_logits"], reduction=case["reduction"],
              label_smoothing=case["smoothing"], gamma=case["gamma"], alpha=case["alpha"],
              pos_weight=rng.uniform(0, 3, case["C"]) if case["pos_weight"] else None,
              weight=rng.uniform(0, 2, shape) if case["weight"] else None)
    loss, g = logits.binary_cross_entropy(x, y, return_grad=True, **kw)
    el, eg = ref_bce(x, y, grad=True, **kw)
    assert_close(loss, el, F64, atol=1e-14)
    assert_close(g, eg, F64, atol=1e-14)
    fd_lib = fd_grad(lambda z: logits.binary_cross_entropy(z, y, **kw), x)
    fd_ref = fd_grad(lambda z: ref_bce(z, y, **kw), x)
    assert_close(g, fd_lib, F64, rtol=1e-6, atol=1e-8, what="grad vs FD(library loss)")
    assert_close(g, fd_ref, F64, rtol=1e-6, atol=1e-8, what="grad vs FD(reference loss)")
    x2 = x.copy()
    loss2, g2 = logits.binary_cross_entropy(x2, y, grad_out=x2, **kw)
    assert g2 is x2
    np.testing.assert_array_equal(x2, g)
    np.testing.assert_array_equal(np.asarray(loss2), np.asarray(loss))
    # float32 against the reference on the rounded inputs
    kw32 = dict(kw)
    for k in ("pos_weight", "weight"):
        if kw[k] is not None:
            kw32[k] = kw[k].astype(F32)
    l32, g32 = logits.binary_cross_entropy(x.astype(F32), y.astype(F32), return_grad=True, **kw32)
    kw64 = {k: (v.astype(F64) if isinstance(v, np.ndarray) else v) for k, v in kw32.items()}
    el32, eg32 = ref_bce(x.astype(F32).astype(F64), y.astype(F32).astype(F64), grad=True, **kw64)
    assert_close(l32, el32, F32, atol=1e-12)
    assert_close(g32, eg32, F32, atol=1e-12)


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("gamma,alpha", [(0.0, None), (2.0, 0.25), (0.5, None), (1.0, 0.9)])
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_bce_extreme_logits(dtype, gamma, alpha, smoothing):
    big = [100.0, -100.0, 1e4, -1e4, 30.0, -30.0, 0.0]
    x = np.array([big, big, big], dtype=dtype)
    y = np.array([[1.0] * 7, [0.0] * 7, [0.3] * 7], dtype=dtype)
    pw = np.linspace(0.5, 2.0, 7).astype(dtype)
    loss, g = logits.binary_cross_entropy_with_logits(x, y, pos_weight=pw, gamma=gamma, alpha=alpha,
                                          label_smoothing=smoothing, reduction="none",
                                          return_grad=True)
    assert np.all(np.isfinite(loss)), loss
    assert np.all(np.isfinite(g)), g
    el, eg = ref_bce(x.astype(F64), y.astype(F64), pos_weight=pw.astype(F64), gamma=gamma,
                     alpha=alpha, label_smoothing=smoothing, reduction="none", grad=True)
    tiny = 1e-40 if dtype == F32 else 1e-300
    assert_close(loss, el, dtype, atol=tiny, what="loss")
    assert_close(g, eg, dtype, atol=tiny, what="grad")
    for red in ["mean", "sum"]:
        v = logits.binary_cross_entropy_with_logits(x, y, pos_weight=pw, gamma=gamma, alpha=alpha,
                                        label_smoothing=smoothing, reduction=red)
        assert np.isfinite(v)
        assert_close(v, ref_bce(x.astype(F64), y.astype(F64), pos_weight=pw.astype(F64),
                                gamma=gamma, alpha=alpha, label_smoothing=smoothing,
                                reduction=red), dtype)


def test_bce_extreme_logit_values_by_hand():
    x = np.array([[100.0, -100.0, 1e4, -1e4]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    loss = logits.binary_cross_entropy_with_logits(x, y, reduction="none")
    # softplus(-100) = log1p(exp(-100)) ~ 3.72e-44, exactly representable in float64
    assert_close(loss, [[math.log1p(math.exp(-100)), math.log1p(math.exp(-100)), 1e4, 1e4]])
    fl = logits.binary_cross_entropy_with_logits(x, y, gamma=2.0, reduction="none")
    s = math.exp(-100) / (1 + math.exp(-100))
    assert_close(fl, [[s * s * math.log1p(math.exp(-100))] * 2 + [1e4, 1e4]])


@pytest.mark.parametrize("dtype", [F32, F64])
def test_bce_nan_element(dtype):
    x = np.array([[1.0, np.nan], [0.5, -2.0]], dtype=dtype)
    y = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=dtype)
    loss, g = logits.binary_cross_entropy_with_logits(x, y, reduction="none", return_grad=True)
    assert np.isnan(loss[0, 1]) and np.isnan(g[0, 1])
    assert np.isfinite(loss[0, 0]) and np.all(np.isfinite(loss[1]))
    assert np.isnan(logits.binary_cross_entropy_with_logits(x, y))


def test_bce_probabilities_clip():
    x = np.array([[0.0, 1.0, 0.0, 1.0]])
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    loss, g = logits.binary_cross_entropy(x, y, from_logits=False, reduction="none",
                                          return_grad=True)
    # p = clip(x, eps, 1 - eps) in double, then log p and log(1 - p)
    hi = 1.0 - 1e-7
    assert_close(loss, [[-math.log(1e-7), -math.log(1.0 - hi), -math.log1p(-1e-7),
                         -math.log(hi)]])
    assert np.all(g == 0.0)


# ==========================================================================
# Bad input: ValueError / TypeError, nothing written
# ==========================================================================

def _ce_x():
    return np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])


def _raises_untouched(exc, fn, x, match=None, **kw):
    out = canary_like(x)
    with pytest.raises(exc) as ei:
        fn(grad_out=out, **kw)
    assert np.all(out == CANARY), "grad_out was written on failure"
    msg = str(ei.value)
    assert msg, "empty message"
    if match is not None:
        for m in ([match] if isinstance(match, str) else match):
            assert m in msg, f"{m!r} not in {msg!r}"
    return ei.value


CE_BAD = [
    # (kwargs for cross_entropy, exception, substring(s) of the message)
    (dict(input=np.array([[0.2, -0.5, 0.3], [0.1, 0.1, 0.8]]), target=np.array([0, 1]),
          from_logits=False), ValueError, ["from_logits", "(0, 1)"]),
    (dict(input=np.array([[0.2, 0.5, 0.3], [0.1, np.nan, 0.8]]), target=np.array([0, 1]),
          from_logits=False), ValueError, ["from_logits", "(1, 1)"]),
    (dict(input=np.array([[0.2, 0.5, 0.3], [0.1, np.inf, 0.8]]), target=np.array([0, 1]),
          from_logits=False), ValueError, "from_logits"),
    (dict(input=np.array([[0.2, 0.5, 0.3], [0.0, 0.0, 0.0]]), target=np.array([0, 1]),
          from_logits=False), ValueError, ["from_logits", "sum"]),
    (dict(input=np.random.default_rng(0).normal(size=(3, 10)), target=np.eye(10)[[1, 2, 3]],
          from_logits=False), ValueError, "from_logits"),
    (dict(input=_ce_x(), target=np.array([0, 1]), weight=np.array([1.0, -1.0, 1.0])),
     ValueError, "weight"),
    (dict(input=_ce_x(), target=np.array([0, 1]), weight=np.array([1.0, np.nan, 1.0])),
     ValueError, "weight"),
    (dict(input=_ce_x(), target=np.array([[0.5, -0.1, 0.6], [0.0, 1.0, 0.0]])),
     ValueError, ["soft targets", "(0, 1)"]),
    (dict(input=_ce_x(), target=np.array([[0.5, np.nan, 0.6], [0.0, 1.0, 0.0]])),
     ValueError, "soft targets"),
    (dict(input=_ce_x(), target=np.array([0, 1]), label_smoothing=-0.1), ValueError,
     "label_smoothing"),
    (dict(input=_ce_x(), target=np.array([0, 1]), label_smoothing=1.5), ValueError,
     "label_smoothing"),
    (dict(input=_ce_x(), target=np.array([0, 1]), label_smoothing=float("nan")), ValueError,
     "label_smoothing"),
    (dict(input=_ce_x(), target=np.array([0, 1]), from_logits=False, eps=0.0), ValueError, "eps"),
    (dict(input=_ce_x(), target=np.array([0, 1]), from_logits=False, eps=0.5), ValueError, "eps"),
    (dict(input=_ce_x(), target=np.array([0, 1]), from_logits=False, eps=-1e-7), ValueError,
     "eps"),
    (dict(input=_ce_x(), target=np.array([0, 1]), from_logits=False, eps=float("nan")),
     ValueError, "eps"),
    (dict(input=_ce_x(), target=np.array([0, 1]), temperature=0.0), ValueError, "temperature"),
    (dict(input=_ce_x(), target=np.array([0, 1]), temperature=-1.0), ValueError, "temperature"),
    (dict(input=_ce_x(), target=np.array([0, 1]), temperature=float("inf")), ValueError,
     "temperature"),
    (dict(input=_ce_x(), target=np.array([0, 1]), temperature=2.0, from_logits=False),
     ValueError, "temperature"),
    (dict(input=_ce_x(), target=np.array([0, 1]), reduction="avg"), ValueError, "reduction"),
    (dict(input=_ce_x(), target=np.array([0, 1]), reduction=None), ValueError, "reduction"),
    (dict(input=_ce_x(), target=np.array([0, 1, 2])), ValueError, "shape"),
    (dict(input=_ce_x(), target=np.array([[0], [1]])), ValueError, "shape"),
    (dict(input=_ce_x(), target=np.array([0, 1]), weight=np.ones(4)), ValueError, "weight"),
    (dict(input=_ce_x(), target=np.ones((2, 4)) / 4), ValueError, "shape"),
    (dict(input=_ce_x(), target=np.ones((3, 2)) / 2, axis=0), ValueError, "shape"),
    (dict(input=_ce_x(), target=np.ones((2, 3)) / 3, ignore_index=-100), ValueError,
     "ignore_index"),
    (dict(input=_ce_x(), target=np.array([0, 1]).astype(np.complex128)), TypeError, "dtype"),
    (dict(input=_ce_x(), target=np.array(["a", "b"])), TypeError, "dtype"),
]


@pytest.mark.parametrize("kw,exc,match", CE_BAD)
def test_ce_bad_input(kw, exc, match):
    x = kw["input"]
    _raises_untouched(exc, logits.cross_entropy, x, match, **kw)


def test_ce_complex_input_is_type_error():
    x = np.array([[1 + 1j, 2.0], [0.5, 0.1]])
    with pytest.raises(TypeError) as ei:
        logits.cross_entropy(x, np.array([0, 1]))
    assert "complex" in str(ei.value) or "dtype" in str(ei.value)


def test_ce_bad_grad_out():
    x = _ce_x()
    with pytest.raises(TypeError):
        logits.cross_entropy(x, np.array([0, 1]), grad_out=np.zeros((2, 3), F32))
    out = np.full((3, 2), CANARY)
    with pytest.raises(ValueError):
        logits.cross_entropy(x, np.array([0, 1]), grad_out=out)
    assert np.all(out == CANARY)


def test_ce_zero_classes_with_samples():
    x = np.zeros((3, 0))
    with pytest.raises(ValueError):
        logits.cross_entropy(x, np.zeros((3, 0)))


BCE_X = np.array([[0.5, -1.0], [2.0, 0.1]])
BCE_Y = np.array([[1.0, 0.0], [0.0, 1.0]])
BCE_BAD = [
    (dict(target=np.array([[1.0, -0.1], [0.0, 1.0]])), ValueError, ["[0, 1]", "(0, 1)"]),
    (dict(target=np.array([[1.0, 1.5], [0.0, 1.0]])), ValueError, "[0, 1]"),
    (dict(target=np.array([[1.0, np.nan], [0.0, 1.0]])), ValueError, "[0, 1]"),
    (dict(input=np.array([[0.5, 1.5], [0.0, 0.2]]), from_logits=False), ValueError,
     "from_logits"),
    (dict(input=np.array([[0.5, -0.5], [0.0, 0.2]]), from_logits=False), ValueError,
     "from_logits"),
    (dict(input=np.array([[0.5, np.nan], [0.0, 0.2]]), from_logits=False), ValueError,
     "from_logits"),
    (dict(label_smoothing=-0.5), ValueError, "label_smoothing"),
    (dict(label_smoothing=1.01), ValueError, "label_smoothing"),
    (dict(eps=0.0, from_logits=False, input=np.array([[0.5, 0.4], [0.3, 0.2]])), ValueError,
     "eps"),
    (dict(eps=0.7, from_logits=False, input=np.array([[0.5, 0.4], [0.3, 0.2]])), ValueError,
     "eps"),
    (dict(gamma=-1.0), ValueError, "gamma"),
    (dict(gamma=float("nan")), ValueError, "gamma"),
    (dict(gamma=float("inf")), ValueError, "gamma"),
    (dict(alpha=-0.1), ValueError, "alpha"),
    (dict(alpha=1.1), ValueError, "alpha"),
    (dict(alpha=float("nan")), ValueError, "alpha"),
    (dict(pos_weight=np.array([1.0, -2.0])), ValueError, "pos_weight"),
    (dict(pos_weight=np.array([1.0, 2.0, 3.0])), ValueError, "pos_weight"),
    (dict(weight=np.array([[1.0, -2.0], [1.0, 1.0]])), ValueError, "weight"),
    (dict(weight=np.ones((3, 2))), ValueError, "weight"),
    (dict(reduction="mena"), ValueError, "reduction"),
    (dict(target=np.ones((2, 3))), ValueError, "shape"),
    (dict(target=np.ones(2)), ValueError, "shape"),
    (dict(target=np.array([[1, 0], [0, 1]], dtype=np.complex64)), TypeError, "dtype"),
    (dict(input=np.array([[1j, 0], [0, 1]])), TypeError, "dtype"),
]


@pytest.mark.parametrize("kw,exc,match", BCE_BAD)
def test_bce_bad_input(kw, exc, match):
    kw = dict(kw)
    kw.setdefault("input", BCE_X)
    kw.setdefault("target", BCE_Y)
    kw.setdefault("from_logits", True)
    x = kw["input"]
    out = np.full(np.shape(x), CANARY)
    with pytest.raises(exc) as ei:
        logits.binary_cross_entropy(grad_out=out, **kw)
    assert np.all(out == CANARY), "grad_out was written on failure"
    for m in ([match] if isinstance(match, str) else match):
        assert m in str(ei.value), f"{m!r} not in {str(ei.value)!r}"


def test_errors_are_logits_errors_with_status():
    with pytest.raises(logits.LogitsError) as ei:
        logits.cross_entropy(_ce_x(), np.array([0, 1]), label_smoothing=2.0)
    assert ei.value.status == 2
    with pytest.raises(logits.LogitsError) as ei:
        logits.binary_cross_entropy_with_logits(BCE_X, BCE_Y, gamma=-2.0)
    assert ei.value.status == 2


# --------------------------------------------------------------------------
# where= with a gradient: a refused call writes nothing
# --------------------------------------------------------------------------
#
# With where= and a gradient the binding writes the masked logits into the
# gradient's array (grad_out, or the logits themselves in place) and the
# library writes the gradient over them; so it makes the library's checks
# of that call first. A refused call raises the library's own error (the
# same type, status and message as the call without a gradient, where the
# masked logits go to a temporary and the library refuses them) and leaves
# the logits and grad_out bit-identical.

def _where_dtypes():
    dtypes = [F32, F64, np.float16]
    try:
        import ml_dtypes
    except ImportError:
        return dtypes + [pytest.param("bfloat16", marks=pytest.mark.skip(reason="needs ml_dtypes"))]
    return dtypes + [ml_dtypes.bfloat16]


def _where_refusals(dtype, shape, axis):
    """(name, input, target, keywords) of calls the library refuses."""
    rng = np.random.default_rng(31)
    x = (rng.normal(size=shape) * 2).astype(dtype)
    axes = tuple(sorted(a % len(shape) for a in (axis if isinstance(axis, tuple) else (axis,))))
    classes = math.prod(shape[a] for a in axes)
    sample_shape = tuple(n for i, n in enumerate(shape) if i not in axes)
    labels = rng.integers(0, classes, sample_shape)
    soft = rng.random(shape).astype(dtype)
    w = rng.uniform(0.5, 2.0, classes)
    p = (np.abs(x.astype(F64)) + 0.25).astype(dtype)
    cases = []
    bad = labels.copy()
    bad.flat[-1] = classes + 2
    cases.append(("label out of range", x, bad, {}))
    bad = labels.copy()
    bad.flat[1] = -100
    cases.append(("negative label", x, bad, {}))
    cases.append(("label not the ignore index", x, bad, {"ignore_index": -1}))
    negative = w.copy()
    negative[classes // 2] = -1.0
    cases.append(("negative class weight", x, labels, {"weight": negative}))
    nan = w.copy()
    nan[1] = -np.nan
    cases.append(("NaN class weight", x, labels, {"weight": nan}))
    cases.append(("negative class weight, soft", x, soft, {"weight": negative}))
    bad = soft.copy()
    bad.flat[-1] = -0.5
    cases.append(("negative soft target", x, bad, {}))
    bad = soft.copy()
    bad.flat[2] = np.nan
    cases.append(("NaN soft target", x, bad, {}))
    cases.append(("label_smoothing", x, labels, {"label_smoothing": 1.5}))
    cases.append(("eps", x, labels, {"eps": 0.5}))
    cases.append(("temperature", x, labels, {"temperature": -1.0}))
    cases.append(("temperature of probabilities", p, labels, {"temperature": 2.0, "from_logits": False}))
    # Probabilities: a masked class is a -inf input, which the library refuses.
    cases.append(("masked probabilities", p, labels, {"from_logits": False}))
    return x, cases


@pytest.mark.parametrize("dtype", _where_dtypes(), ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("shape,axis", [((4, 6), -1), ((3, 6, 2), 1), ((2, 3, 4, 2), (1, 2)),
                                        ((3, 4, 5), (0, 2))], ids=str)
def test_ce_where_with_a_gradient_writes_nothing_when_refused(dtype, shape, axis):
    x, cases = _where_refusals(dtype, shape, axis)
    m = np.ones(x.shape, bool)
    m.reshape(-1)[1::3] = False
    for name, a, t, kw in cases:
        with pytest.raises(logits.LogitsError) as want:  # the library's own refusal
            logits.cross_entropy(a, t, axis=axis, where=m, **kw)
        keep = a.copy()
        for how in ("return_grad", "grad_out", "in place"):
            aa = a.copy()
            before = aa.view(np.uint8).copy()
            g = aa if how == "in place" else np.full(a.shape, 7, a.dtype)
            grad_kw = {"return_grad": True} if how == "return_grad" else {"grad_out": g}
            with pytest.raises(logits.LogitsError) as got:
                logits.cross_entropy(aa, t, axis=axis, where=m, **grad_kw, **kw)
            what = f"{name}, {how}"
            assert type(got.value) is type(want.value), what
            assert str(got.value) == str(want.value), what
            assert got.value.status == want.value.status != 0, what
            np.testing.assert_array_equal(aa.view(np.uint8), before, err_msg=f"{what}: logits written")
            if how == "grad_out":
                assert (g.astype(F64) == 7).all(), f"{what}: grad_out written"
        np.testing.assert_array_equal(a.view(np.uint8), keep.view(np.uint8))
    # The label and weight refusals are the ones named.
    messages = {}
    for name, a, t, kw in cases:
        try:
            logits.cross_entropy(a.copy(), t, axis=axis, where=m, return_grad=True, **kw)
        except logits.LogitsError as e:
            messages[name] = (str(e), e.status)
    assert re.search(r"label \d+ at position \(.*\) is out of range", messages["label out of range"][0])
    assert messages["label out of range"][1] == 5
    assert "pass it as ignore_index" in messages["negative label"][0]
    assert "is not the ignore index -1" in messages["label not the ignore index"][0]
    assert re.search(r"weight must be finite and >= 0; weight at \(\d+,\) is -1$",
                     messages["negative class weight"][0])
    assert messages["NaN class weight"][0].endswith("weight at (1,) is -nan")
    assert "soft targets must be finite and >= 0" in messages["negative soft target"][0]
    assert "input must be a probability" in messages["masked probabilities"][0]


def test_ce_where_grad_out_sharing_the_labels_or_weights_is_refused_first():
    """grad_out overlapping the labels or the class weights: the library's
    overlap error, before the masked logits are written."""
    x = np.random.default_rng(32).normal(size=(4, 6))
    m = np.arange(6) % 3 != 1
    buf = np.zeros(30)
    g = buf[:24].reshape(4, 6)
    labels = buf[20:24].view(np.int64)  # zero bits: label 0
    for where in (None, m):
        with pytest.raises(logits.LogitsError, match="overlaps an input buffer") as e:
            logits.cross_entropy(x, labels, where=where, grad_out=g)
        assert e.value.status == 4
        assert (buf == 0).all()
    buf[:] = 1.0
    for where in (None, m):
        with pytest.raises(logits.LogitsError, match="overlaps an input buffer") as e:
            logits.cross_entropy(x, np.arange(4), weight=buf[18:24], where=where, grad_out=g)
        assert e.value.status == 4
        assert (buf == 1).all()
