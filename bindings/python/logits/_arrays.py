"""numpy array handling shared by every function: dtype rules, axis layout,
``out=`` checks, and turning a C status into an exception."""

from __future__ import annotations

import math

import numpy as np

try:
    from numpy.exceptions import AxisError
except ImportError:  # numpy < 1.25
    AxisError = np.AxisError  # type: ignore[attr-defined,misc]

from . import _library
from ._errors import LogitsError, LogitsTypeError

SUFFIX = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64"}


def result_dtype(*arrays: np.ndarray) -> np.dtype:
    """numpy's promotion of the inputs with float32: float32 and float64 stay,
    float16 and small integers become float32, wider integers float64."""
    for a in arrays:
        if a.dtype.kind not in "biuf":
            raise LogitsTypeError(
                f"unsupported dtype {a.dtype}: Logits works on float32 and float64 "
                "(integers, bools and float16 are converted)")
    dt = np.result_type(*[a.dtype for a in arrays], np.float32)
    if dt not in SUFFIX:
        raise LogitsTypeError(
            f"unsupported dtype {dt}: Logits works on float32 and float64; "
            "cast with .astype(np.float64) first")
    return dt


def as_input(x, dtype: np.dtype) -> np.ndarray:
    """``x`` as a C-contiguous native array of ``dtype``: no copy when it is one."""
    # np.asarray keeps 0-d arrays 0-d (np.ascontiguousarray would make them 1-d).
    return np.asarray(x, dtype=dtype, order="C")


def inputs(*xs) -> tuple[np.dtype, list[np.ndarray]]:
    """Converts array-likes to arrays of their common result dtype."""
    arrays = [np.asarray(x) for x in xs]
    dt = result_dtype(*arrays)
    return dt, [as_input(a, dt) for a in arrays]


def layout(shape: tuple[int, ...], axis) -> tuple[int, int, int, int]:
    """(axis, outer, length, inner) for ``axis`` of a C-contiguous ``shape``."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise LogitsTypeError(f"axis must be an integer, got {axis!r}")
    ndim = len(shape)
    if not -ndim <= axis < ndim:
        raise AxisError(int(axis), ndim)
    a = int(axis) % ndim
    return a, math.prod(shape[:a]), shape[a], math.prod(shape[a + 1:])


def output(out, shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A fresh result array, or ``out`` after checking it can take the result."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray):
        raise LogitsTypeError(f"out must be a numpy.ndarray, got {type(out).__name__}")
    if out.dtype != dtype:
        raise LogitsTypeError(f"out has dtype {out.dtype}, but the result has dtype {dtype}")
    if out.shape != tuple(shape):
        raise LogitsError(f"out has shape {out.shape}, but the result has shape {tuple(shape)}")
    if not out.flags.c_contiguous:
        raise LogitsError("out must be C-contiguous")
    if not out.flags.writeable:
        raise LogitsError("out is read-only (not writable)")
    return out


def temperature(value, dtype: np.dtype):
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise LogitsTypeError(f"temperature must be a real number, got {value!r}") from None
    if not (math.isfinite(t) and t > 0):
        raise LogitsError(f"temperature must be finite and > 0, got {t!r}", status=2)
    with np.errstate(over="ignore", under="ignore"):
        narrowed = float(np.array(t, dtype=dtype))
    if not (math.isfinite(narrowed) and narrowed > 0):
        raise LogitsError(f"temperature {t!r} is not finite and > 0 in {dtype}", status=2)
    return _library.SCALAR[SUFFIX[dtype]](t)


def check(status: int, what: str) -> None:
    """Raises for a non-OK status, naming the function."""
    if status == 0:
        return
    text = _library.status_string(status)
    if status == 4:
        text += " (out must be the input itself or not share memory with it)"
    raise LogitsError(f"{what}: {text}", status=status)


def address(a: np.ndarray) -> int:
    return a.ctypes.data
