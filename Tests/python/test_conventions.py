"""The Python door's conventions (issue 18): SciPy's axes, weights and signs,
JAX's and optax's masks and class axes, DLPack arrays, the binary loss's
required from_logits, and the exact text of the error hints.

References are independent: scipy.special for SciPy's functions, and numpy
formulas (float64, or longdouble where float64 is the tested precision) for
JAX's and optax's documented semantics.
"""

import numpy as np
import pytest
from scipy import special

import logits

F32, F64 = np.float32, np.float64
RTOL = {F32: 4e-6, F64: 1e-13}


def close(got, want, dtype, what=""):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    assert got.shape == want.shape, (what, got.shape, want.shape)
    np.testing.assert_allclose(got, want, rtol=RTOL[dtype], atol=RTOL[dtype] * 1e-3, err_msg=what)


def rng_array(shape, dtype, seed=0, scale=3.0):
    return (np.random.default_rng(seed).normal(size=shape) * scale).astype(dtype)


# --------------------------------------------------------------------------
# SciPy: axis=None, tuples of axes, 0-d inputs, b=, return_sign, scalars
# --------------------------------------------------------------------------

AXES = [None, 0, 1, 2, -1, (0, 1), (1, 2), (0, 2), (2, 0), (0, 1, 2), [0, 2]]
SCIPY = {"softmax": special.softmax, "log_softmax": special.log_softmax,
         "logsumexp": special.logsumexp}


@pytest.mark.parametrize("name", sorted(SCIPY))
@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("axis", AXES, ids=str)
def test_axes_match_scipy(name, dtype, axis):
    x = rng_array((3, 4, 5), dtype)
    got = getattr(logits, name)(x, axis=axis)
    want = SCIPY[name](x.astype(F64), axis=None if axis is None else tuple(np.atleast_1d(axis)))
    close(got, want, dtype, f"{name} axis={axis}")
    assert np.asarray(got).dtype == dtype
    if name != "logsumexp":
        assert got.flags.c_contiguous


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("axis", [None, (0, 2), 1])
def test_logsumexp_keepdims_and_scalars(dtype, axis):
    x = rng_array((3, 4, 5), dtype, 1)
    got = logits.logsumexp(x, axis, keepdims=True)
    want = special.logsumexp(x.astype(F64), axis=axis, keepdims=True)
    close(got, want, dtype)
    # A reduction to no axes is a numpy scalar, as SciPy's (not a 0-d array).
    s = logits.logsumexp(x, axis=None)
    assert type(s) is np.dtype(dtype).type
    assert type(logits.logsumexp(x[0, 0])) is np.dtype(dtype).type
    out = np.empty((), dtype)
    assert logits.logsumexp(x, axis=None, out=out) is out


def test_zero_dim_inputs_as_scipy():
    for x in (np.array(2.5), np.float32(2.5), 2.5):
        assert float(logits.softmax(x)) == special.softmax(np.float64(x)) == 1.0
        assert float(logits.log_softmax(x)) == 0.0
        assert logits.logsumexp(x) == special.logsumexp(x) == 2.5
        assert np.ndim(logits.softmax(x, axis=None)) == 0
    assert float(logits.softmax(np.array(-np.inf))) == 0.0  # a masked row of one
    assert np.isnan(logits.softmax(np.array(np.nan)))


@pytest.mark.parametrize("dtype", [F32, F64])
def test_special_values_along_tuples_and_none(dtype):
    x = rng_array((2, 3, 4), dtype, 2)
    x[0, :, 0] = np.inf          # +inf shares the slice's mass
    x[1] = -np.inf               # a fully masked slice over axes (1, 2)
    p = logits.softmax(x, axis=(1, 2))
    np.testing.assert_array_equal(p[0, :, 0], np.full(3, 1 / 3, dtype))
    np.testing.assert_array_equal(p[1], 0)
    assert logits.logsumexp(x, axis=(1, 2))[1] == -np.inf
    y = rng_array((2, 3, 4), dtype, 3)
    y[0, 1, 2] = np.nan          # NaN poisons only its own slice
    lse = logits.logsumexp(y, axis=(0, 2))
    assert np.isnan(lse[1]) and np.all(np.isfinite(lse[[0, 2]]))


def test_bad_axes():
    x = np.zeros((2, 3))
    with pytest.raises(logits.LogitsError, match=r"axis \(0, 0\) names an axis twice"):
        logits.softmax(x, axis=(0, 0))
    with pytest.raises(logits.LogitsAxisError, match="axis 2 is out of bounds for an array of dimension 2"):
        logits.logsumexp(x, axis=(0, 2))
    with pytest.raises(logits.LogitsTypeError, match="axis must be an integer, a tuple of integers or None"):
        logits.log_softmax(x, axis=1.0)
    with pytest.raises(logits.LogitsAxisError):
        logits.softmax(np.array(1.0), axis=1)


B_CASES = {
    "positive": np.array([[0.5, 1.0, 2.0, 3.0]]),
    "zeros": np.array([[0.0, 1.0, 0.0, 2.0]]),
    "mixed signs": np.array([[1.0, -1.0, 2.0, -0.5]]),
    "negative sum": np.array([[-3.0, 1.0, -2.0, 0.1]]),
    "scalar": np.array(2.0),
    "column": np.array([[1.0], [-1.0], [2.0]]),
}


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("case", sorted(B_CASES))
@pytest.mark.parametrize("axis", [-1, None, 0])
def test_logsumexp_b_and_sign_match_scipy(dtype, case, axis):
    x = rng_array((3, 4), dtype, 4, 1.0)
    b = B_CASES[case]
    for return_sign in (False, True):
        got = logits.logsumexp(x, axis, b, return_sign=return_sign)
        with np.errstate(invalid="ignore"):
            want = special.logsumexp(x.astype(F64), axis=axis, b=b, return_sign=return_sign)
        if return_sign:
            close(got[0], want[0], dtype, f"{case} value")
            np.testing.assert_array_equal(got[1], want[1])
        else:
            close(got, want, dtype, case)


@pytest.mark.parametrize("x,b", [
    ([1.0, 1.0], [1.0, -1.0]),         # a sum of 0: (-inf, 0)
    ([np.inf, 1.0], [0.0, 1.0]),       # b == 0 drops even an inf
    ([np.nan, 1.0], [0.0, 1.0]),       # ... and a NaN
    ([np.inf, np.inf], [1.0, -1.0]),   # inf - inf
    ([1.0, 2.0], [np.nan, 1.0]),       # a NaN weight
    ([np.inf, 1.0], [-1.0, 1.0]),      # -inf sum: (inf, -1)
    ([-np.inf, -np.inf], [1.0, 1.0]),  # empty sum
    ([1.0, 2.0], [np.inf, 1.0]),
    ([1e308, 1e308], [1.0, 1.0]),
])
def test_logsumexp_b_special_values_match_scipy(x, b):
    x, b = np.array(x), np.array(b)
    with np.errstate(invalid="ignore"):
        want = special.logsumexp(x, b=b, return_sign=True)
        want_plain = special.logsumexp(x, b=b)
    got = logits.logsumexp(x, b=b, return_sign=True)
    np.testing.assert_array_equal(np.array(got), np.array(want))
    np.testing.assert_array_equal(logits.logsumexp(x, b=b), want_plain)
    assert all(type(v) is np.float64 for v in got)


def test_logsumexp_b_errors():
    with pytest.raises(logits.LogitsError, match=r"b has shape \(3,\), which does not broadcast"):
        logits.logsumexp(np.zeros((2, 4)), b=np.ones(3))
    with pytest.raises(logits.LogitsTypeError):
        logits.logsumexp(np.zeros(3), b=np.array(["a", "b", "c"]))


# --------------------------------------------------------------------------
# where= masks (JAX), tuple class axes (optax)
# --------------------------------------------------------------------------

def ref_masked_softmax(x, m, axis):
    """jax.nn.softmax(x, axis, where=m): masked entries excluded, output 0."""
    x = x.astype(np.longdouble)
    xm = np.where(m, x, -np.inf)
    mx = np.max(xm, axis=axis, keepdims=True)
    mx = np.where(np.isfinite(mx), mx, 0)
    e = np.where(m, np.exp(xm - mx), 0)
    s = e.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(s > 0, e / s, 0)
        lp = np.where(m & (s > 0), xm - mx - np.log(s), -np.inf)
        lse = np.where(s > 0, np.log(s) + mx, -np.inf)
    return p, lp, lse


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("axis", [-1, 0, (0, 2), None])
def test_where_matches_jax_formula(dtype, axis):
    rng = np.random.default_rng(5)
    x = rng_array((3, 4, 5), dtype, 5)
    m = rng.random((3, 4, 5)) > 0.35
    m[0, 0, :] = False                 # a row with nothing left
    x[~m & (rng.random((3, 4, 5)) > 0.5)] = np.nan   # masked NaN takes no part
    x[~m & (rng.random((3, 4, 5)) > 0.7)] = np.inf   # ... nor a masked inf
    p, lp, lse = ref_masked_softmax(x, m, axis)
    close(logits.softmax(x, axis, where=m), p, dtype, "softmax")
    close(logits.log_softmax(x, axis, where=m), lp, dtype, "log_softmax")
    close(logits.logsumexp(x, axis, where=m), lse.squeeze(axis) if axis is not None else lse.reshape(()),
          dtype, "logsumexp")


def test_where_broadcasts_and_keeps_the_input():
    x = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    keep = x.copy()
    p = logits.softmax(x, where=np.array([True, False, True]))
    np.testing.assert_allclose(p[1], [0.5, 0.0, 0.5])
    np.testing.assert_array_equal(x, keep)  # the input is not written
    # out=x: the result (and the masked logits before it) go into x itself
    r = logits.softmax(x, where=np.array([[True], [False]]), out=x)
    assert r is x
    np.testing.assert_array_equal(x[1], 0)  # the fully masked row


def test_where_errors_leave_out_untouched():
    x = np.zeros((2, 3))
    out = np.full((2, 3), 7.0)
    with pytest.raises(logits.LogitsTypeError,
                       match=r"where must be a boolean array \(True: take part\), got dtype int64; "
                             r"for 0/1 values pass where.astype\(bool\)"):
        logits.softmax(x, where=np.array([1, 0, 1]), out=out)
    with pytest.raises(logits.LogitsError,
                       match=r"where has shape \(2,\), which does not broadcast to the input's shape \(2, 3\)"):
        logits.log_softmax(x, where=np.array([True, False]), out=out)
    buf = np.zeros(7)
    with pytest.raises(logits.LogitsError, match="partially overlaps"):
        logits.softmax(buf[:6].reshape(2, 3), where=np.ones(3, bool), out=buf[1:].reshape(2, 3))
    assert np.all(out == 7.0) and np.all(buf == 0)


def ref_ce(x, labels, m, axis=-1):
    """optax.softmax_cross_entropy_with_integer_labels over the masked
    softmax, in longdouble: (per-sample loss, gradient of the summed loss)."""
    p, lp, _ = ref_masked_softmax(x, m, axis)
    onehot = np.zeros_like(p)
    np.put_along_axis(onehot, np.expand_dims(labels, axis), 1, axis=axis)
    loss = -np.take_along_axis(lp, np.expand_dims(labels, axis), axis=axis).squeeze(axis)
    return loss, p - onehot


@pytest.mark.parametrize("dtype", [F32, F64])
def test_cross_entropy_where_labels_and_soft(dtype):
    rng = np.random.default_rng(6)
    x = rng_array((6, 7), dtype, 6)
    m = rng.random((6, 7)) > 0.4
    labels = rng.integers(0, 7, 6)
    m[np.arange(6), labels] = True     # the true class takes part
    loss, grad = logits.cross_entropy(x, labels, where=m, reduction="none", return_grad=True)
    want, want_grad = ref_ce(x, labels, m)
    close(loss, want, dtype, "loss")
    close(grad, want_grad, dtype, "grad")
    assert np.all(grad[~m] == 0)
    # The same through grad_out (the gradient's array holds the masked logits)
    g = np.empty_like(x)
    mean, g2 = logits.cross_entropy(x, labels, where=m, grad_out=g)
    assert g2 is g
    close(mean, want.mean(), dtype)
    close(g, want_grad / 6, dtype)
    # Soft targets: mass on masked classes is dropped (optax sums where=m).
    t = rng.random((6, 7))
    t /= t.sum(-1, keepdims=True)
    got = logits.cross_entropy(x, t.astype(dtype), where=m, reduction="none")
    _, lp, _ = ref_masked_softmax(x, m, -1)
    close(got, -(np.where(m, t.astype(dtype).astype(np.longdouble) * lp, 0)).sum(-1), dtype, "soft")
    # A label on a masked class has probability 0.
    m2 = m.copy()
    m2[0, labels[0]] = False
    assert logits.cross_entropy(x, labels, where=m2, reduction="none")[0] == np.inf


@pytest.mark.parametrize("dtype", [F32, F64])
@pytest.mark.parametrize("axis", [(1, 2), (0, 2), (2, 1)])
def test_cross_entropy_tuple_class_axes_flatten_as_optax(dtype, axis):
    x = rng_array((4, 3, 5), dtype, 7)
    axes = tuple(sorted(axis))
    rest = tuple(i for i in range(3) if i not in axes)
    flat = np.transpose(x, rest + axes).reshape(x.shape[rest[0]], -1)
    labels = np.random.default_rng(8).integers(0, flat.shape[1], flat.shape[0])
    loss, grad = logits.cross_entropy(x, labels, axis=axis, reduction="none", return_grad=True)
    want_loss, want_grad = logits.cross_entropy(flat, labels, reduction="none", return_grad=True)
    close(loss, want_loss, dtype)
    back = np.transpose(want_grad.reshape([x.shape[i] for i in rest + axes]), np.argsort(rest + axes))
    close(grad, back, dtype)
    p = special.softmax(flat.astype(F64), axis=-1)
    close(loss, -np.log(p[np.arange(len(labels)), labels]), dtype, "against scipy")
    with pytest.raises(logits.LogitsError, match=r"expected \(" + str(x.shape[rest[0]]) + r",\) "
                       r"\(the input's shape without axes \(" + f"{axes[0]}, {axes[1]}" + r"\)\)"):
        logits.cross_entropy(x, labels[:2], axis=axis)


# --------------------------------------------------------------------------
# DLPack
# --------------------------------------------------------------------------

class Exporter:
    """Exposes only the DLPack protocol (no __array__, no buffer)."""

    def __init__(self, a, device=(1, 0)):
        self._a = a
        self._device = device

    def __dlpack__(self, **kw):
        if self._device != (1, 0):  # as a GPU exporter asked for CPU memory
            raise BufferError("the array is in CUDA memory")
        return self._a.__dlpack__(**kw)

    def __dlpack_device__(self):
        return self._device


@pytest.mark.parametrize("dtype", [F32, F64])
def test_dlpack_inputs_and_out_without_copies(dtype):
    x = rng_array((4, 6), dtype, 9)
    np.testing.assert_array_equal(logits.softmax(Exporter(x)), logits.softmax(x))
    np.testing.assert_array_equal(logits.sigmoid(Exporter(x)), logits.sigmoid(x))
    want = logits.log_softmax(x)
    buf = x.copy()
    r = logits.log_softmax(Exporter(buf), out=Exporter(buf))   # in place through DLPack
    assert isinstance(r, np.ndarray) and np.shares_memory(r, buf)
    np.testing.assert_array_equal(buf, want)
    labels = np.array([0, 5, 2, 1])
    loss, grad = logits.cross_entropy(Exporter(x), Exporter(labels), return_grad=True)
    assert loss == logits.cross_entropy(x, labels)


def test_dlpack_refusals():
    ro = np.zeros((2, 3))
    ro.flags.writeable = False
    with pytest.raises(logits.LogitsError, match="out is read-only as its exporter shares it through DLPack"):
        logits.softmax(np.zeros((2, 3)), out=Exporter(ro))
    with pytest.raises(logits.LogitsTypeError, match=r"move it to the CPU first"):
        logits.softmax(Exporter(np.zeros(3), device=(2, 0)))  # CUDA memory


def test_dlpack_frameworks_when_installed():
    for name in ("torch", "jax.numpy"):
        try:
            module = __import__(name, fromlist=["_"])
        except ImportError:
            continue
        t = module.asarray(np.arange(6.0).reshape(2, 3)) if name != "torch" else module.arange(6.0).reshape(2, 3)
        np.testing.assert_allclose(logits.softmax(t), special.softmax(np.arange(6.0).reshape(2, 3), axis=-1))


# --------------------------------------------------------------------------
# No silent trap for PyTorch and Keras users; error hints
# --------------------------------------------------------------------------

def test_binary_cross_entropy_needs_from_logits():
    x = np.array([[0.8, 0.4], [0.5, 0.9]])
    y = np.array([[1.0, 0.0], [0.0, 1.0]])
    with pytest.raises(logits.LogitsTypeError) as ei:
        logits.binary_cross_entropy(x, y)
    assert str(ei.value) == (
        "binary_cross_entropy needs from_logits=True (input holds logits, as PyTorch's "
        "binary_cross_entropy_with_logits) or from_logits=False (input holds probabilities, "
        "as PyTorch's binary_cross_entropy and Keras' default)")
    # PyTorch's binary_cross_entropy: the mean of -(y log p + (1 - y) log(1 - p))
    want = -np.mean(y * np.log(x) + (1 - y) * np.log1p(-x))
    assert logits.binary_cross_entropy(x, y, from_logits=False) == pytest.approx(want, rel=1e-12)
    # PyTorch's binary_cross_entropy_with_logits: the same on sigmoid(x)
    s = special.expit(x)
    want = -np.mean(y * np.log(s) + (1 - y) * np.log1p(-s))
    assert logits.binary_cross_entropy_with_logits(x, y) == pytest.approx(want, rel=1e-12)
    assert logits.binary_cross_entropy_with_logits(x, y) == logits.binary_cross_entropy(x, y, from_logits=True)


def message(call):
    with pytest.raises(logits.LogitsError) as ei:
        call()
    return str(ei.value)


def test_error_hints_exact_text():
    x = np.zeros((2, 3))
    assert message(lambda: logits.cross_entropy(x, np.array([0.0, 1.0]))) == (
        "soft targets have shape (2,), expected (2, 3); class labels need an integer dtype: "
        "target.astype(np.int64)")
    assert message(lambda: logits.cross_entropy(x, np.array([0, -100]))) == (
        "cross_entropy: label -100 at position (1,) is out of range [0, 3); if it marks padding "
        "(PyTorch uses -100), pass it as ignore_index")
    ro = np.zeros((2, 3))
    ro.flags.writeable = False
    assert message(lambda: logits.cross_entropy(x, np.array([0, 1]), grad_out=ro)) == (
        "grad_out is read-only (not writable)")
    assert message(lambda: logits.softmax(x, axis=2)) == "axis 2 is out of bounds for an array of dimension 2"
    assert message(lambda: logits.set_num_threads(-1)) == "set_num_threads: n must be >= 0, got -1"
    with pytest.raises(logits.LogitsTypeError):
        logits.softmax(x, axis="1")
    assert message(lambda: logits.softmax(np.ma.masked_array([1.0, 2.0], [False, True]))).startswith(
        "masked arrays are not supported: their mask would be silently ignored. Pass the mask as where=~x.mask")
