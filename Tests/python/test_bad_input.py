"""Bad input: every class raises the documented exception, with a message that
names the problem, writes nothing into `out`, and never crashes the process."""

import os
import subprocess
import sys

import math

import numpy as np
import pytest

import logits
from logits import _operations as ops
from logits._library import Status
from conftest import BINDING_DIR

AxisError = np.exceptions.AxisError

CANARY = -12345.5

# Every function of the operation list (abi/operations.h), by kind.
AXIS_FWD = ops.functions("AXIS_FWD", "AXIS_LSE")
ELEM_FWD = ops.functions("EW")
AXIS_BWD = ops.functions("AXIS_BWD")
ELEM_BWD = ops.functions("EW_BWD")
ALL = AXIS_FWD + ELEM_FWD + AXIS_BWD + ELEM_BWD
WITH_AXIS = AXIS_FWD + AXIS_BWD

STATUS_INVALID_ARGUMENT = Status.ERROR_INVALID_ARGUMENT
STATUS_OVERLAP = Status.ERROR_OVERLAP


def out_shape(name, shape, axis=-1, keepdims=False):
    if name != "logsumexp":
        return shape
    axis = axis % len(shape)
    if keepdims:
        return tuple(1 if i == axis else s for i, s in enumerate(shape))
    return tuple(s for i, s in enumerate(shape) if i != axis)


def invoke(name, x, dy=None, **kw):
    """Calls `name` with x (forward) or (y=x, dy) (backward)."""
    f = getattr(logits, name)
    if name.endswith("_backward"):
        return f(x, x if dy is None else dy, **kw)
    return f(x, **kw)


def data(shape=(3, 4), dtype=np.float64):
    rng = np.random.default_rng(0)
    x = rng.uniform(0.05, 0.9, shape).astype(dtype)
    if len(shape) == 2:
        x /= x.sum(-1, keepdims=True)
    return x


def canary(shape, dtype=np.float64):
    return np.full(shape, CANARY, dtype=dtype)


def assert_canary(out):
    assert np.all(out == CANARY), "out was written by a failed call"


def _status_check(excinfo, code):
    e = excinfo.value
    if isinstance(e, logits.LogitsError):
        assert isinstance(e.status, int)
        assert e.status == code, f"status {e.status} != {code}"


# --------------------------------------------------------------------------
# Temperature
# --------------------------------------------------------------------------

BAD_T = [0.0, -0.0, -1.0, -1e-300, float("nan"), float("inf"), float("-inf")]


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"] + AXIS_BWD)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("T", BAD_T)
def test_bad_temperature(name, dtype, T):
    x = data(dtype=dtype)
    x_before = x.copy()
    out = canary(out_shape(name, x.shape), dtype)
    with pytest.raises(logits.LogitsError, match=r"(?i)temperature") as ei:
        invoke(name, x, temperature=T, out=out)
    assert isinstance(ei.value, ValueError)
    assert isinstance(ei.value.status, int) and ei.value.status > 0
    _status_check(ei, STATUS_INVALID_ARGUMENT)
    assert_canary(out)
    np.testing.assert_array_equal(x, x_before)
    with pytest.raises(ValueError, match=r"(?i)temperature"):
        invoke(name, x, temperature=T)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "logsumexp"] + AXIS_BWD)
@pytest.mark.parametrize("T", [1e39, 1e-46])
def test_temperature_not_representable_in_float32(name, T):
    """For float32 data the temperature is a C float: 1e39 becomes +inf and
    1e-46 becomes 0, both outside (0, inf)."""
    x = data(dtype=np.float32)
    out = canary(out_shape(name, x.shape), np.float32)
    with pytest.raises(ValueError, match=r"(?i)temperature"):
        invoke(name, x, temperature=T, out=out)
    assert_canary(out)
    # The same value is a valid float64 temperature.
    invoke(name, x.astype(np.float64), temperature=T)


# --------------------------------------------------------------------------
# Axis
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", WITH_AXIS)
@pytest.mark.parametrize("axis", [2, -3, 100, -100])
def test_bad_axis(name, axis):
    x = data()
    out = canary(x.shape if name != "logsumexp" else (3,))
    with pytest.raises(AxisError) as ei:
        invoke(name, x, axis=axis, out=out)
    assert isinstance(ei.value, ValueError) and isinstance(ei.value, IndexError)
    assert_canary(out)


# x = 1.5 alone (the backward ones with y = dy = 1.5, by their formulas).
ZERO_DIM = {"softmax": 1.0, "log_softmax": 0.0, "logsumexp": 1.5,
            "softmax_backward": 1.5 * (1.5 - 1.5 * 1.5),
            "log_softmax_backward": 1.5 - math.exp(1.5) * 1.5}


@pytest.mark.parametrize("name", WITH_AXIS)
def test_zero_dim_input_to_axis_function(name):
    # One element, as SciPy and PyTorch take it: axis -1, 0, None or ().
    for x in (np.array(1.5), np.float32(1.5), 1.5):
        for axis in (-1, 0, None, ()):
            got = invoke(name, x, axis=axis)
            assert np.ndim(got) == 0 and float(got) == pytest.approx(ZERO_DIM[name], rel=1e-6), (x, axis, got)
    with pytest.raises(AxisError):
        invoke(name, np.array(1.5), axis=1)
    with pytest.raises(AxisError):
        invoke(name, 2.0, axis=-2)


# --------------------------------------------------------------------------
# out=
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("xdt,odt", [(np.float32, np.float64), (np.float64, np.float32),
                                     (np.float64, np.int64), (np.float16, np.float32),
                                     (np.int64, np.float32), (np.float32, np.complex64)])
def test_out_wrong_dtype(name, xdt, odt):
    x = data().astype(xdt)
    out = np.full(out_shape(name, x.shape), 7, dtype=odt)
    before = out.copy()
    with pytest.raises(TypeError, match=r"(?i)dtype"):
        invoke(name, x, out=out)
    np.testing.assert_array_equal(out, before)


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("shape", [(4, 3), (12,), (3, 4, 1), (1, 3, 4), (3, 5), ()])
def test_out_wrong_shape(name, shape):
    x = data()
    if name == "logsumexp" and shape == (3,):
        return
    out = canary(shape)
    with pytest.raises(ValueError, match=r"(?i)shape"):
        invoke(name, x, out=out)
    assert_canary(out)


def test_logsumexp_out_shape_rules():
    x = data((3, 4, 5))
    for axis, keepdims, shape in [(1, False, (3, 4, 5)), (1, False, (3, 1, 5)),
                                  (1, True, (3, 5)), (0, False, (3, 5)), (-1, True, (3, 4))]:
        out = canary(shape)
        with pytest.raises(ValueError, match=r"(?i)shape"):
            logits.logsumexp(x, axis, keepdims=keepdims, out=out)
        assert_canary(out)


@pytest.mark.parametrize("name", ALL)
def test_out_not_contiguous(name):
    x = data((3, 4))
    shape = out_shape(name, x.shape)
    big = canary(tuple(2 * s for s in shape))
    out = big[tuple(slice(None, None, 2) for _ in shape)]
    assert not out.flags.c_contiguous
    with pytest.raises(ValueError, match=r"(?i)contiguous"):
        invoke(name, x, out=out)
    assert_canary(big)
    if len(shape) == 2:
        f_out = np.asfortranarray(canary(shape))
        with pytest.raises(ValueError, match=r"(?i)contiguous"):
            invoke(name, x, out=f_out)
        assert_canary(f_out)


@pytest.mark.parametrize("name", ALL)
def test_out_read_only(name):
    x = data()
    out = canary(out_shape(name, x.shape))
    out.flags.writeable = False
    with pytest.raises(ValueError, match=r"(?i)writ|read.?only"):
        invoke(name, x, out=out)
    assert_canary(out)
    # A read-only input is fine: it is only read.
    xr = x.copy()
    xr.flags.writeable = False
    r = invoke(name, xr)
    assert isinstance(r, (np.ndarray, np.generic))


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("bad_out", [[0.0] * 12, "out", 3.0])
def test_out_not_an_array(name, bad_out):
    with pytest.raises((TypeError, ValueError)):
        invoke(name, data(), out=bad_out)


# --------------------------------------------------------------------------
# Overlap
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", AXIS_FWD[:2] + ELEM_FWD)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("offset", [1, -1, 3])
def test_out_partially_overlapping_x(name, dtype, offset):
    buf = canary(20, dtype)
    buf[4:16] = data(dtype=dtype).ravel()
    x = buf[4:16].reshape(3, 4)
    out = buf[4 + offset:16 + offset].reshape(3, 4)
    before = buf.copy()
    with pytest.raises(ValueError, match=r"(?i)overlap") as ei:
        invoke(name, x, out=out)
    _status_check(ei, STATUS_OVERLAP)
    np.testing.assert_array_equal(buf, before)


@pytest.mark.parametrize("name", AXIS_BWD + ELEM_BWD)
@pytest.mark.parametrize("which", ["y", "dy"])
@pytest.mark.parametrize("offset", [1, -2])
def test_backward_out_partially_overlapping(name, which, offset):
    buf = canary(40)
    buf[4:16] = data().ravel()
    buf[24:36] = data().ravel()[::-1]
    y = buf[4:16].reshape(3, 4)
    dy = buf[24:36].reshape(3, 4)
    start = (4 if which == "y" else 24) + offset
    out = buf[start:start + 12].reshape(3, 4)
    before = buf.copy()
    with pytest.raises(ValueError, match=r"(?i)overlap") as ei:
        getattr(logits, name)(y, dy, out=out)
    _status_check(ei, STATUS_OVERLAP)
    np.testing.assert_array_equal(buf, before)


def test_logsumexp_out_overlapping_x():
    buf = data((4, 3)).ravel().copy()
    x = buf.reshape(4, 3)
    before = buf.copy()
    # out is the first four elements of x.
    with pytest.raises(ValueError, match=r"(?i)overlap") as ei:
        logits.logsumexp(x, -1, out=buf[:4])
    _status_check(ei, STATUS_OVERLAP)
    np.testing.assert_array_equal(buf, before)
    # out is x itself (same shape thanks to keepdims over a length-1 axis).
    x1 = data((3, 1)).copy()
    b1 = x1.copy()
    with pytest.raises(ValueError, match=r"(?i)overlap") as ei:
        logits.logsumexp(x1, -1, keepdims=True, out=x1)
    _status_check(ei, STATUS_OVERLAP)
    np.testing.assert_array_equal(x1, b1)


# --------------------------------------------------------------------------
# Shapes and dtypes of inputs
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", AXIS_BWD + ELEM_BWD)
@pytest.mark.parametrize("yshape,dyshape", [((3, 4), (4,)), ((3, 4), (4, 3)), ((3, 4), (3, 1)),
                                            ((3, 4), (1, 3, 4)), ((12,), (3, 4)), ((3, 4), ())])
def test_backward_shape_mismatch(name, yshape, dyshape):
    y = np.full(yshape, 0.25)
    dy = np.ones(dyshape)
    out = canary(yshape)
    with pytest.raises(ValueError, match=r"(?i)shape"):
        getattr(logits, name)(y, dy, out=out)
    assert_canary(out)
    with pytest.raises(ValueError, match=r"(?i)shape"):
        getattr(logits, name)(dy, y)


BAD_DTYPE_INPUTS = {
    "complex64": lambda: np.ones((2, 3), dtype=np.complex64),
    "complex128": lambda: np.ones((2, 3), dtype=np.complex128),
    "object": lambda: np.ones((2, 3), dtype=object),
    "str": lambda: np.array([["a", "b", "c"]] * 2),
    "bytes": lambda: np.array([[b"a", b"b", b"c"]] * 2),
    "longdouble": lambda: np.ones((2, 3), dtype=np.longdouble),
    "datetime": lambda: np.zeros((2, 3), dtype="datetime64[s]"),
    "None": lambda: None,
    "complex-list": lambda: [[1 + 2j, 3.0, 4.0]] * 2,
}


@pytest.mark.parametrize("name", ALL)
@pytest.mark.parametrize("kind", sorted(BAD_DTYPE_INPUTS))
def test_unsupported_input_dtype(name, kind):
    x = BAD_DTYPE_INPUTS[kind]()
    with pytest.raises(TypeError) as ei:
        invoke(name, x, dy=np.ones((2, 3)) if x is None else None)
    if kind in ("complex64", "complex128", "object", "str", "longdouble"):
        assert isinstance(ei.value, logits.LogitsTypeError), type(ei.value)
        assert ei.match(r"(?i)dtype|complex|object|str|longdouble|float128|type")
    if name.endswith("_backward") and x is not None:
        # Bad dy with a good y.
        with pytest.raises(TypeError):
            getattr(logits, name)(np.ones((2, 3)), x)


def test_exception_carries_status():
    with pytest.raises(logits.LogitsError) as ei:
        logits.softmax(np.ones(3), temperature=-1.0)
    assert type(ei.value.status) is int
    assert ei.value.status == STATUS_INVALID_ARGUMENT
    with pytest.raises(logits.LogitsTypeError) as ei:
        logits.softmax(np.ones(3, dtype=np.complex128))
    assert type(ei.value.status) is int and ei.value.status > 0


def test_library_still_works_after_errors():
    for T in BAD_T:
        with pytest.raises(ValueError):
            logits.softmax(np.ones(4), temperature=T)
    y = logits.softmax(np.zeros(4))
    np.testing.assert_array_equal(y, [0.25] * 4)


# --------------------------------------------------------------------------
# Whole-process robustness
# --------------------------------------------------------------------------

SCRIPT = r"""
import sys
sys.path.insert(0, {binding!r})
import numpy as np
import logits

bad_calls = [
    lambda: logits.softmax(np.ones((3, 4)), temperature=0.0),
    lambda: logits.softmax(np.ones((3, 4)), temperature=float("nan")),
    lambda: logits.log_softmax(np.ones((3, 4)), axis=5),
    lambda: logits.logsumexp(np.array(1.0), axis=1),
    lambda: logits.logsumexp(np.ones((3, 4)), out=np.empty(4)),
    lambda: logits.softmax(np.ones((3, 4)), out=np.empty((3, 4), np.float32)),
    lambda: logits.softmax(np.ones((3, 4)), out=np.empty((3, 8))[:, ::2]),
    lambda: logits.sigmoid(np.ones(5, dtype=np.complex128)),
    lambda: logits.sigmoid(None),
    lambda: logits.softplus(np.ones(5, dtype=object)),
    lambda: logits.log_sigmoid(np.ones(5, dtype=np.longdouble)),
    lambda: logits.softmax_backward(np.ones((3, 4)), np.ones((4, 3))),
    lambda: logits.log_softmax_backward(np.ones((3, 4)), np.ones((3, 4)), temperature=-2.0),
    lambda: logits.sigmoid_backward(np.ones(4), np.ones(5)),
    lambda: logits.softplus_backward(np.ones(4), np.ones(4), out=np.empty(3)),
]
buf = np.zeros(13)
bad_calls.append(lambda: logits.softmax(buf[:12].reshape(3, 4), out=buf[1:13].reshape(3, 4)))
ro = np.empty(4)
ro.flags.writeable = False
bad_calls.append(lambda: logits.sigmoid(np.ones(4), out=ro))
bad_calls.append(lambda: logits.logsumexp(np.ones((3, 4)), temperature=1e39, out=np.empty(3, np.float32)))

for _ in range(3):
    for i, call in enumerate(bad_calls):
        try:
            call()
        except (ValueError, TypeError):
            pass
        else:
            print("call", i, "did not raise")
            sys.exit(3)

assert np.allclose(logits.softmax(np.zeros(4)), 0.25)
assert np.allclose(logits.sigmoid(np.zeros(2)), 0.5)
print("OK", logits.version())
"""


def test_subprocess_survives_bad_inputs():
    script = SCRIPT.format(binding=BINDING_DIR)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    assert proc.returncode == 0, (proc.returncode, proc.stdout, proc.stderr)
    assert proc.stdout.startswith("OK"), (proc.stdout, proc.stderr)


def test_messages_come_from_the_library():
    # The library's own detail (logits_last_error_message): the seed's bad
    # label, a PyTorch padding label, a bad value named with its position.
    from logits import _library
    x = np.zeros((2, 10))
    with pytest.raises(logits.LogitsError) as ei:
        logits.cross_entropy(x, np.array([3, 99]))
    assert str(ei.value) == "cross_entropy: label 99 at position (1,) is out of range [0, 10)"
    assert _library.last_error_message() == "label 99 at position (1,) is out of range [0, 10)"
    with pytest.raises(logits.LogitsError, match="pass it as ignore_index"):
        logits.cross_entropy(x, np.array([3, -100]))
    with pytest.raises(logits.LogitsError, match=r"weight at \(1, 0\) is -1"):
        logits.binary_cross_entropy_with_logits(np.zeros((2, 2)), np.zeros((2, 2)),
                                    weight=np.array([[1.0, 1], [-1, 1]]))
    logits.softmax(np.ones(3))
    assert _library.last_error_message() == ""


@pytest.mark.parametrize("bad", [2**63, -2**63 - 1, 2**64, 1.7, True, "3", np.array([1.0, 2.0])])
def test_integer_arguments_are_checked(bad):
    # ctypes would wrap 2**64 to 0 and truncate 1.7 to 1: refused before any call.
    x = np.zeros((2, 3))
    out = np.full((2, 3), CANARY)
    expected = ValueError if isinstance(bad, int) and not isinstance(bad, bool) else TypeError
    with pytest.raises(expected, match="ignore_index"):
        logits.cross_entropy(x, np.array([0, 1]), ignore_index=bad, grad_out=out)
    assert np.all(out == CANARY)
    if expected is TypeError or bad < 0 or bad >= 2**64:
        with pytest.raises(expected):
            logits.set_num_threads(bad)
    with pytest.raises(TypeError if expected is TypeError else (ValueError, IndexError)):
        logits.softmax(x, axis=bad)


def test_masked_and_misaligned_arrays():
    # A masked array's mask would be dropped silently: refused, with the hint.
    m = np.ma.masked_array([1.0, 2.0, 3.0], mask=[0, 1, 0])
    with pytest.raises(logits.LogitsTypeError, match="-inf"):
        logits.softmax(m)
    # A float32 view at an odd address is copied (never passed misaligned).
    raw = np.zeros(4 * 8 + 1, dtype=np.uint8)
    view = raw[1:].view(np.float32)
    view[:] = np.arange(8, dtype=np.float32)
    assert view.ctypes.data % 4 != 0
    assert np.allclose(logits.softmax(view), logits.softmax(np.arange(8, dtype=np.float32)))


def test_error_hints_name_the_argument():
    x = np.zeros((2, 3))
    # Float labels: the hint to cast.
    with pytest.raises(logits.LogitsError, match=r"astype\(np.int64\)"):
        logits.cross_entropy(x, np.array([0.0, 1.0]))
    # PyTorch's -100 padding: the hint to pass it as the ignore index.
    with pytest.raises(logits.LogitsError, match="pass it as ignore_index"):
        logits.cross_entropy(x, np.array([0, -100]))
    # A read-only grad_out is named as grad_out.
    ro = np.zeros((2, 3))
    ro.flags.writeable = False
    with pytest.raises(logits.LogitsError, match="^grad_out is read-only"):
        logits.cross_entropy(x, np.array([0, 1]), grad_out=ro)
    # A bad axis is a LogitsError and numpy's AxisError; set_num_threads(-1) a LogitsError.
    with pytest.raises(logits.LogitsError) as ei:
        logits.softmax(x, axis=5)
    assert isinstance(ei.value, AxisError) and ei.value.status == STATUS_INVALID_ARGUMENT
    assert str(ei.value) == "axis 5 is out of bounds for an array of dimension 2"
    with pytest.raises(logits.LogitsError):
        logits.set_num_threads(-1)
