"""Per-call overhead of the Python binding on tiny inputs (where the call,
not the arithmetic, is the cost). Prints microseconds per call, the best of
many repeats, next to a bare ctypes call and numpy's own softmax.

    PYTHONPATH=bindings/python python3 bindings/python/examples/overhead.py [--quick]
"""

import sys
import timeit
from typing import Any, Callable

import numpy as np

import logits
from logits import _library


def per_call_us(stmt: Callable[[], Any], number: int, repeat: int) -> float:
    """Best of ``repeat`` runs of ``number`` calls, in microseconds per call."""
    timer = timeit.Timer(stmt)
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e6


def numpy_softmax(x: np.ndarray) -> np.ndarray:
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    result: np.ndarray = e / e.sum(axis=-1, keepdims=True)
    return result


def main() -> None:
    quick = "--quick" in sys.argv
    number, repeat = (1_000, 10) if quick else (2_000, 200)

    x = np.array([[1.0, 2.0, 3.0]], dtype=np.float32)
    out = np.empty_like(x)
    v = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    vout = np.empty_like(v)
    label = np.array([2])
    version = _library.lib.logits_version

    # Check the calls compute what they should before timing them.
    assert np.allclose(logits.softmax(x), numpy_softmax(x))
    assert np.allclose(logits.softmax(x, out=out), numpy_softmax(x))
    assert np.allclose(logits.log_softmax(x), np.log(numpy_softmax(x)))
    assert np.allclose(logits.sigmoid(v), 1 / (1 + np.exp(-v)))
    assert np.isclose(logits.cross_entropy(x, label), -np.log(numpy_softmax(x)[0, 2]))

    cases = [
        ("ctypes call (logits_version)", lambda: version()),
        ("logits.softmax 1x3 f32", lambda: logits.softmax(x)),
        ("logits.softmax 1x3 f32, out=", lambda: logits.softmax(x, out=out)),
        ("logits.log_softmax 1x3 f32", lambda: logits.log_softmax(x)),
        ("logits.sigmoid 3 f32", lambda: logits.sigmoid(v)),
        ("logits.sigmoid 3 f32, out=", lambda: logits.sigmoid(v, out=vout)),
        ("logits.cross_entropy 1x3 f32, label", lambda: logits.cross_entropy(x, label)),
        ("numpy softmax 1x3 f32", lambda: numpy_softmax(x)),
    ]
    print(f"per-call time, best of {repeat} x {number} calls (numpy {np.__version__})")
    for name, fn in cases:
        print(f"  {name:<38} {per_call_us(fn, number, repeat):6.2f} us")


if __name__ == "__main__":
    main()
