"""The library's threads and CPU kernels, seen from Python."""

import os
import subprocess
import sys

import numpy as np
import pytest

import logits

HERE = os.path.dirname(os.path.abspath(__file__))
PYPATH = os.path.join(HERE, "..", "..", "bindings", "python")


def run_python(code, **env):
    full = dict(os.environ, PYTHONPATH=PYPATH, **env)
    out = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


def test_env_num_threads_is_the_default():
    code = "import logits; print(logits.get_num_threads())"
    assert run_python(code, LOGITS_NUM_THREADS="3") == "3"
    assert run_python(code, LOGITS_NUM_THREADS="500") == "64"
    # Not a number: the CPU count.
    assert run_python(code, LOGITS_NUM_THREADS="two") == str(min(os.cpu_count(), 64))


@pytest.mark.parametrize("level", ["baseline", "x86-64-v3"])
def test_env_cpu_lowers_the_kernels(level):
    code = ("import logits, numpy as np; print(logits.cpu_kernels());"
            "print(repr(float(logits.softmax(np.float32([1, 2, 3]))[2])))")
    got = run_python(code, LOGITS_CPU=level).split()
    if logits.cpu_kernels() == "baseline":
        assert got[0] == "baseline"
    else:
        assert got[0] == level
    assert float(got[1]) == pytest.approx(0.6652409557748219, rel=1e-7)


def test_set_get_and_bad_values():
    try:
        logits.set_num_threads(1)
        assert logits.get_num_threads() == 1
        logits.set_num_threads(10**9)
        assert logits.get_num_threads() == 64
        with pytest.raises(ValueError, match="n must be >= 0"):
            logits.set_num_threads(-1)
        with pytest.raises(TypeError):
            logits.set_num_threads(1.5)
    finally:
        logits.set_num_threads(0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_results_do_not_depend_on_threads(dtype):
    rng = np.random.default_rng(5)
    x = (rng.standard_normal((700, 513)) * 4).astype(dtype)
    labels = rng.integers(0, 513, size=700)
    outs = []
    try:
        for n in (1, 2, 7):
            logits.set_num_threads(n)
            loss, grad = logits.cross_entropy(x, labels, return_grad=True)
            outs.append((logits.softmax(x), logits.log_softmax(x), logits.logsumexp(x),
                         logits.sigmoid(x), loss, grad))
    finally:
        logits.set_num_threads(0)
    for other in outs[1:]:
        for a, b in zip(outs[0], other):
            assert np.array_equal(a, b)
    # And they are right: the rows of the softmax sum to 1.
    assert np.allclose(outs[0][0].astype(np.float64).sum(axis=1), 1, rtol=1e-6)
