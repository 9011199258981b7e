"""The two float32 precisions (include/logits.h, "Precision"): the per-call
choice, the process default and LOGITS_PRECISION, float64 unaffected, and the
fast kernels really in use (not the exact ones under another name)."""

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import logits
from logits import _operations as ab

F32_FUNCTIONS = ["softmax", "log_softmax", "logsumexp", "sigmoid", "log_sigmoid", "softplus"]


def _x(shape=(64, 1000), seed=0, dtype=np.float32):
    return (np.random.default_rng(seed).standard_normal(shape) * 4).astype(dtype)


def test_default_and_set_get(precision):
    assert logits.get_precision() == precision  # conftest's setting
    logits.set_precision("exact")
    assert logits.get_precision() == "exact"
    logits.set_precision("fast")
    assert logits.get_precision() == "fast"
    logits.set_precision(precision)


@pytest.mark.parametrize("bad", ["Fast", "", 1, 2.0, "double"])
def test_bad_precision_is_refused(bad):
    x = _x((2, 3))
    with pytest.raises(logits.LogitsError, match="precision must be None, 'fast' or 'exact'"):
        logits.softmax(x, precision=bad)
    with pytest.raises(logits.LogitsError):
        logits.set_precision(bad)
    with pytest.raises(logits.LogitsError):
        logits.cross_entropy(x, np.array([0, 1]), precision=bad)


@pytest.mark.parametrize("name", F32_FUNCTIONS)
def test_per_call_choice_overrides_the_default(name):
    fn = getattr(logits, name)
    x = _x()
    fast, exact = fn(x, precision="fast"), fn(x, precision="exact")
    logits.set_precision("exact")
    try:
        assert np.array_equal(fn(x), exact) and np.array_equal(fn(x, precision="fast"), fast)
    finally:
        logits.set_precision(None)
    assert logits.get_precision() == "fast"
    assert np.array_equal(fn(x), fast)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "sigmoid", "log_sigmoid", "softplus"])
def test_fast_kernels_are_distinct_and_within_their_bound(name):
    """Fast and exact differ in some last bits (the fast kernels run), and the
    fast results stay within the fast bound of the list against the exact ones
    (a loose check: test_accuracy_contract measures against mpmath)."""
    fn = getattr(logits, name)
    x = _x(seed=3)
    fast, exact = fn(x, precision="fast"), fn(x, precision="exact")
    assert not np.array_equal(fast, exact)
    metric, bound = ab.FAST_BOUNDS[name]
    ulp = np.spacing(np.abs(exact)).astype(np.float64)
    err = np.abs(fast.astype(np.float64) - exact) / ulp
    if metric == "ulp_z":
        err = err / (1 + np.abs(x - x.max(axis=-1, keepdims=True)))
    assert err.max() <= bound + 1.5  # + the exact result's own rounding


@pytest.mark.parametrize("name", F32_FUNCTIONS)
def test_float64_is_the_same_in_both(name):
    fn = getattr(logits, name)
    x = _x(dtype=np.float64)
    assert np.array_equal(fn(x, precision="fast"), fn(x, precision="exact"))


def test_losses_take_the_choice():
    x = _x((256, 100))
    y = np.random.default_rng(1).integers(0, 100, 256)
    (lf, gf), (le, ge) = (logits.cross_entropy(x, y, return_grad=True, precision=p) for p in ("fast", "exact"))
    assert abs(float(lf) - float(le)) <= 1e-6 * abs(float(le))
    assert not np.array_equal(gf, ge) and np.allclose(gf, ge, rtol=1e-5, atol=1e-12)
    t = (np.random.default_rng(2).random(x.shape) > 0.5).astype(np.float32)
    for p in ("fast", "exact"):
        assert abs(float(logits.binary_cross_entropy_with_logits(x, t, precision=p))
                   - float(logits.binary_cross_entropy_with_logits(x, t))) <= 1e-6


def test_two_threads_with_different_choices_each_get_their_own():
    x = _x((512, 1000))
    want = {p: logits.softmax(x, precision=p) for p in ("fast", "exact")}
    bad = []

    def run(p):
        for _ in range(30):
            if not np.array_equal(logits.softmax(x, precision=p), want[p]):
                bad.append(p)

    threads = [threading.Thread(target=run, args=(p,)) for p in ("fast", "exact", "fast", "exact")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad


@pytest.mark.parametrize("value,expected,warns", [("exact", "exact", False), ("fast", "fast", False),
                                                  ("", "fast", False), ("EXACT", "fast", True),
                                                  ("exact ", "fast", True)])
def test_environment_variable(value, expected, warns):
    env = dict(os.environ, LOGITS_PRECISION=value)
    out = subprocess.run([sys.executable, "-c", "import logits; print(logits.get_precision())"],
                         env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == expected
    assert ("LOGITS_PRECISION is not one of fast, exact" in out.stderr) == warns


@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid", "softplus"])
@pytest.mark.parametrize("offset", [0, 1, 7])
def test_long_elementwise_runs_and_streaming_stores(name, offset):
    """Runs of 2^17 or more take streaming stores from the first 64-byte
    boundary of the output: unaligned outputs, every thread count, same bits,
    within the fast bound of the exact results."""
    fn = getattr(logits, name)
    n = (1 << 18) + 37
    x = (np.random.default_rng(offset).standard_normal(n) * 6).astype(np.float32)
    exact = fn(x, precision="exact")
    outs = []
    try:
        for threads in (1, 2):
            logits.set_num_threads(threads)
            buf = np.full(n + 16, np.float32(7.0))
            out = buf[offset:offset + n]
            fn(x, out=out, precision="fast")
            assert np.all(buf[:offset] == 7.0) and np.all(buf[offset + n:] == 7.0)
            outs.append(out.copy())
    finally:
        logits.set_num_threads(0)
    assert np.array_equal(outs[0], outs[1])
    err = np.abs(outs[0].astype(np.float64) - exact) / np.spacing(np.abs(exact)).astype(np.float64)
    assert err.max() <= ab.FAST_BOUNDS[name][1] + 0.5
