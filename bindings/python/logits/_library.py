"""Finds, loads and declares liblogits.so (the C ABI in include/logits.h)."""

from __future__ import annotations

import ctypes
import enum
import os
from pathlib import Path
from typing import Any

ABI_MAJOR = 0  # the LOGITS_VERSION_MAJOR this binding was written for
ABI_MINOR = 6  # and, while the major is 0 (a minor version may change the ABI), the minor

_HERE = Path(__file__).resolve().parent


def _candidates() -> list[Path]:
    """Where to look, in order: $LOGITS_LIBRARY, the package, the repo build."""
    found = []
    env = os.environ.get("LOGITS_LIBRARY")
    if env:
        found.append(Path(env))
    found += sorted(_HERE.glob("liblogits.so*"))
    found.append(_HERE.parents[2] / "build" / "lib" / "liblogits.so")
    return found


def _load() -> ctypes.CDLL:
    tried = []
    for path in _candidates():
        if not path.exists():
            tried.append(f"{path} (not found)")
            continue
        try:
            return ctypes.CDLL(str(path))
        except OSError as e:
            tried.append(f"{path} ({e})")
    raise ImportError(
        "logits: could not load liblogits.so. Tried:\n  "
        + "\n  ".join(tried)
        + "\nBuild it with `make lib` in the repository, or set LOGITS_LIBRARY "
        "to the library's path."
    )


lib = _load()

_status = ctypes.c_int32


class Status(enum.IntEnum):
    """``logits_status`` (include/logits.h; tools/check_operations.py checks
    that the names and values match the header's LOGITS_* macros)."""
    OK = 0
    ERROR_NULL_POINTER = 1
    ERROR_INVALID_ARGUMENT = 2
    ERROR_SIZE_OVERFLOW = 3
    ERROR_OVERLAP = 4
    ERROR_LABEL_OUT_OF_RANGE = 5
    ERROR_OUT_OF_MEMORY = 6


lib.logits_version.argtypes = []
lib.logits_version.restype = ctypes.c_uint
lib.logits_version_string.argtypes = []
lib.logits_version_string.restype = ctypes.c_char_p
lib.logits_status_string.argtypes = [_status]
lib.logits_status_string.restype = ctypes.c_char_p
lib.logits_last_error_message.argtypes = []
lib.logits_last_error_message.restype = ctypes.c_char_p

_loaded_major, _loaded_minor = lib.logits_version() // 10000, lib.logits_version() // 100 % 100
if _loaded_major != ABI_MAJOR or (ABI_MAJOR == 0 and _loaded_minor != ABI_MINOR):
    _needs = f"{ABI_MAJOR}.{ABI_MINOR}" if ABI_MAJOR == 0 else str(ABI_MAJOR)
    raise ImportError(
        f"logits: the loaded liblogits.so has ABI version "
        f"{lib.logits_version_string().decode()} (major {_loaded_major}), but this "
        f"binding needs major {_needs}. Rebuild the library or point "
        "LOGITS_LIBRARY at a matching one."
    )


class CEOptions(ctypes.Structure):
    """logits_ce_options (include/logits.h)."""
    _fields_ = [("struct_size", ctypes.c_uint32), ("reduction", ctypes.c_int32),
                ("from_logits", ctypes.c_int32), ("has_ignore_index", ctypes.c_int32),
                ("ignore_index", ctypes.c_int64), ("label_smoothing", ctypes.c_double),
                ("temperature", ctypes.c_double), ("eps", ctypes.c_double),
                ("precision", ctypes.c_int32)]


class BCEOptions(ctypes.Structure):
    """logits_bce_options (include/logits.h)."""
    _fields_ = [("struct_size", ctypes.c_uint32), ("reduction", ctypes.c_int32),
                ("from_logits", ctypes.c_int32), ("has_alpha", ctypes.c_int32),
                ("label_smoothing", ctypes.c_double), ("gamma", ctypes.c_double),
                ("alpha", ctypes.c_double), ("eps", ctypes.c_double),
                ("precision", ctypes.c_int32)]


class SamplerOptions(ctypes.Structure):
    """logits_sampler_options (include/logits.h)."""
    _fields_ = [("struct_size", ctypes.c_uint32), ("order", ctypes.c_int32),
                ("temperature", ctypes.c_double), ("top_k", ctypes.c_int64),
                ("top_p", ctypes.c_double), ("min_p", ctypes.c_double),
                ("repetition_penalty", ctypes.c_double), ("presence_penalty", ctypes.c_double),
                ("frequency_penalty", ctypes.c_double), ("history", ctypes.c_void_p),
                ("history_len", ctypes.c_size_t), ("history_counts", ctypes.c_void_p),
                ("bias_ids", ctypes.c_void_p), ("bias_values", ctypes.c_void_p),
                ("n_bias", ctypes.c_size_t), ("seed", ctypes.c_uint64)]


lib.logits_sampler_options_init.argtypes = [ctypes.POINTER(SamplerOptions)]
lib.logits_sampler_options_init.restype = None
lib.logits_ce_options_init.argtypes = [ctypes.POINTER(CEOptions)]
lib.logits_ce_options_init.restype = None
lib.logits_bce_options_init.argtypes = [ctypes.POINTER(BCEOptions)]
lib.logits_bce_options_init.restype = None

# The binding calls the operations through function objects that have no
# argtypes: ctypes then converts nothing (with argtypes it
# calls each type's from_param per argument, ~0.1 us each), so every argument
# must already be a ctypes object of the C parameter's exact type: c_void_p
# for pointers (see _arrays.pointer), SIZE[n] / c_size_t for sizes, c_float or
# c_double for the temperature, a ctypes pointer for an options struct.
from . import _operations  # noqa: E402 (after the version check, which must come first)

_OPERATIONS = frozenset(_operations.symbols())


def raw_function(symbol: str) -> Any:
    """The C function ``symbol`` (a full name from the operation list,
    abi/operations.h) without argtypes, restype logits_status."""
    if symbol not in _OPERATIONS:
        raise AttributeError(f"logits: {symbol} is not in the operation list (abi/operations.h)")
    fn = lib._FuncPtr((symbol, lib))
    fn.restype = _status
    return fn


# Prebuilt c_size_t arguments for small sizes (read-only: never mutate them).
SIZE = tuple(ctypes.c_size_t(n) for n in range(1024))


def status_string(status: int) -> str:
    return str(lib.logits_status_string(status).decode())


def last_error_message() -> str:
    """Why this thread's last call into the library failed ("" after a success)."""
    return str(lib.logits_last_error_message().decode())


def version_string() -> str:
    return str(lib.logits_version_string().decode())
