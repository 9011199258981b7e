"""Process-wide settings of the C library: its threads, its default
precision and its CPU kernels."""

from __future__ import annotations

import ctypes
import math
from typing import Optional

from . import _arrays, _library
from ._errors import LogitsError

__all__ = ["set_num_threads", "get_num_threads", "set_precision", "get_precision", "cpu_kernels"]

_lib = _library.lib
_lib.logits_set_num_threads.argtypes = [ctypes.c_size_t]
_lib.logits_set_num_threads.restype = ctypes.c_int32
_lib.logits_get_num_threads.argtypes = []
_lib.logits_get_num_threads.restype = ctypes.c_size_t
_lib.logits_set_precision.argtypes = [ctypes.c_int32]
_lib.logits_set_precision.restype = ctypes.c_int32
_lib.logits_get_precision.argtypes = []
_lib.logits_get_precision.restype = ctypes.c_int32
_lib.logits_cpu_kernels.argtypes = []
_lib.logits_cpu_kernels.restype = ctypes.c_char_p


def set_num_threads(n: int) -> None:
    """Set how many threads one large call may use (the caller included).

    ``1`` keeps every call on the calling thread; ``0`` restores the default
    (the ``LOGITS_NUM_THREADS`` environment variable if set, else the number
    of CPUs); values above 64 are clamped to 64. Only calls with at least
    2**18 elements split, into parts fixed by their shape, so results are
    bit-identical whatever the setting. The GIL is released during calls,
    so Python threads also run calls in parallel.

    >>> import logits
    >>> logits.set_num_threads(1); logits.get_num_threads()
    1
    >>> logits.set_num_threads(0)   # back to the default
    """
    n = _arrays.integer(n, "set_num_threads: n", -math.inf, (1 << 64) - 1)  # size_t
    if n < 0:
        raise LogitsError(f"set_num_threads: n must be >= 0, got {n}")
    _lib.logits_set_num_threads(min(n, 1 << 20))


def get_num_threads() -> int:
    """The number of threads a large call may use now (>= 1).

    >>> import logits
    >>> logits.get_num_threads() >= 1
    True
    """
    return int(_lib.logits_get_num_threads())


def set_precision(precision: Optional[str]) -> None:
    """Set the process default precision of float32 calls: ``"fast"``
    (float32 lanes, the speed of the fastest peers) or ``"exact"`` (double
    lanes, each result rounded once); ``None`` restores the initial default
    (the ``LOGITS_PRECISION`` environment variable, else ``"fast"``). A call
    that passes ``precision=`` is not affected; float64 calls never are.

    >>> import logits
    >>> logits.set_precision("exact"); logits.get_precision()
    'exact'
    >>> logits.set_precision(None)   # back to the default
    """
    _lib.logits_set_precision(_arrays.precision(precision))


def get_precision() -> str:
    """The process default precision now: ``"fast"`` or ``"exact"``.

    >>> import logits
    >>> logits.get_precision() in ("fast", "exact")
    True
    """
    return "exact" if _lib.logits_get_precision() == 2 else "fast"


def cpu_kernels() -> str:
    """Which kernels this process uses: ``"x86-64-v4"`` (AVX-512),
    ``"x86-64-v3"`` (AVX2 + FMA) or ``"baseline"``; chosen at the first call
    from the CPU's features (``LOGITS_CPU=baseline`` or ``x86-64-v3`` in the
    environment lowers the choice).

    >>> import logits
    >>> logits.cpu_kernels() in ("baseline", "x86-64-v3", "x86-64-v4")
    True
    """
    return str(_lib.logits_cpu_kernels().decode("ascii"))
