"""The library's threads and CPU kernels, seen from Python."""

import os
import subprocess
import sys

import numpy as np
import pytest

import logits
from logits import _operations as ab

HERE = os.path.dirname(os.path.abspath(__file__))
PYPATH = os.path.join(HERE, "..", "..", "bindings", "python")


def run_python(code, **env):
    full = dict(os.environ, PYTHONPATH=PYPATH, **env)
    out = subprocess.run([sys.executable, "-c", code], env=full, capture_output=True,
                         text=True, check=True)
    return out.stdout.strip()


CPUS = str(min(os.cpu_count(), 64))


@pytest.mark.parametrize("value,want", [
    ("3", "3"), ("4", "4"), ("500", "64"), ("65", "64"), ("640", "64"),
    ("99999999999999999999", "64"),
    # Not a decimal number >= 1 written with digits only: the CPU count.
    ("two", CPUS), ("", CPUS), ("0", CPUS), ("-1", CPUS), ("abc", CPUS), (" 4", CPUS),
    ("4 ", CPUS), ("1e3", CPUS),
])
def test_env_num_threads_grammar(value, want):
    # include/logits.h (logits_set_num_threads) states this table.
    code = "import logits; print(logits.get_num_threads())"
    assert run_python(code, LOGITS_NUM_THREADS=value) == want


@pytest.mark.parametrize("level", ["baseline", "x86-64-v3"])
def test_env_cpu_lowers_the_kernels(level):
    code = ("import logits, numpy as np; print(logits.cpu_kernels());"
            "print(repr(float(logits.softmax(np.float32([1, 2, 3]))[2])))")
    got = run_python(code, LOGITS_CPU=level).split()
    # What this CPU supports, asked without the override (this process may
    # itself run under LOGITS_CPU).
    best = run_python("import logits; print(logits.cpu_kernels())", LOGITS_CPU="")
    if best == "baseline":
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


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_long_rows_are_split_across_threads_with_the_same_result(dtype):
    # Rows of >= 2^18 elements are split into chunks (max, sum, output per
    # chunk, combined in chunk order): bit-identical for any thread count,
    # right against a float64/fsum reference, and special rows still follow
    # the documented rules (NaN in one chunk, all masked, +inf entries).
    import math
    rng = np.random.default_rng(11)
    n = (1 << 18) + 12345
    x = (rng.standard_normal((3, n)) * 5).astype(dtype)
    x[1, :] = -np.inf
    x[1, n - 7] = 2.0                       # one live entry, in the last chunk
    special = x.copy()
    special[0, 200000] = np.nan             # NaN in one chunk only
    special[2, [5, n - 1]] = np.inf         # two +inf entries
    outs = []
    try:
        for threads in (1, 2, 5):
            logits.set_num_threads(threads)
            outs.append([logits.softmax(x), logits.log_softmax(x), logits.logsumexp(x),
                         logits.softmax(special), logits.log_softmax(special)])
    finally:
        logits.set_num_threads(0)
    for other in outs[1:]:
        for a, b in zip(outs[0], other):
            assert np.array_equal(a, b, equal_nan=True)
    sm, lsm, lse, ssm, slsm = outs[0]
    for r in (0, 2):
        row = x[r].astype(np.float64)
        m = row.max()
        total = math.fsum(np.exp(row - m))
        ref_lse = m + math.log(total)
        assert abs(lse[r] - ref_lse) <= 2 * np.spacing(dtype(ref_lse))
        ref = np.exp(row - m) / total
        big = ref > 1e-30
        # the list's softmax bound, in ulp / (1 + |x - max|) (fast float32) or ulp
        metric, bound = ab.bounds(logits.get_precision())[("softmax", np.dtype(dtype).name)]
        z = np.abs(row - m)[big] if metric == "ulp_z" else 0
        assert np.all(np.abs(sm[r][big] - ref[big]) / ref[big] <= bound * np.finfo(dtype).eps * (1 + z))
        assert np.max(np.abs(lsm[r] - (row - ref_lse))) <= 4 * np.finfo(dtype).eps * (1 + np.abs(row - ref_lse)).max()
    assert sm[1, n - 7] == 1 and np.count_nonzero(sm[1]) == 1 and lsm[1, n - 7] == 0
    assert np.all(np.isnan(ssm[0])) and np.all(np.isnan(slsm[0]))
    assert ssm[2, 5] == 0.5 and ssm[2, n - 1] == 0.5 and np.count_nonzero(ssm[2]) == 2
    assert slsm[2, 5] == dtype(-math.log(2)) and np.all(slsm[2, 6:n - 1] == -np.inf)
    # In place gives the same bits.
    y = x.copy()
    logits.softmax(y, out=y)
    assert np.array_equal(y, sm)


@pytest.mark.parametrize("value,want,warns", [
    ("", None, False), ("baseline", "baseline", False), ("x86-64-v3", "x86-64-v3", False),
    ("x86-64-v4", None, False),
    # Anything else is a misspelt request: the safest copy, and one line on stderr.
    ("garbage", "baseline", True), ("x86-64-v2", "baseline", True), ("Baseline", "baseline", True),
    ("baseline ", "baseline", True),
])
def test_env_cpu_grammar(value, want, warns):
    full = dict(os.environ, PYTHONPATH=PYPATH, LOGITS_CPU=value)
    out = subprocess.run([sys.executable, "-c", "import logits; print(logits.cpu_kernels())"],
                         env=full, capture_output=True, text=True, check=True)
    best = run_python("import logits; print(logits.cpu_kernels())", LOGITS_CPU="")
    order = ["baseline", "x86-64-v3", "x86-64-v4"]
    expected = best if want is None else order[min(order.index(want), order.index(best))]
    assert out.stdout.strip() == expected
    assert ("LOGITS_CPU is not one of" in out.stderr) == warns, out.stderr


FORK_SCRIPT = r"""
import multiprocessing, threading, numpy as np, logits
x = np.random.default_rng(0).normal(size=(64, 8192)).astype(np.float32)  # splits: 2^19 elements
logits.set_num_threads(2)
ref = logits.softmax(x)
stop = False
def busy():
    while not stop:
        assert np.array_equal(logits.softmax(x), ref)
t = threading.Thread(target=busy); t.start()
def child(i):
    return bool(np.array_equal(logits.softmax(x), ref))
with multiprocessing.get_context("fork").Pool(4) as pool:
    results = pool.map(child, range(64))
stop = True; t.join()
print(sum(results))
"""


def test_fork_pool_while_a_thread_calls():
    # multiprocessing's fork start method while another thread is inside a
    # threaded call: every child computes the right result, none hangs.
    full = dict(os.environ, PYTHONPATH=PYPATH)
    out = subprocess.run([sys.executable, "-W", "ignore", "-c", FORK_SCRIPT], env=full,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "64"
