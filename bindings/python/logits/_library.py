"""Finds, loads and declares liblogits.so (the C ABI in include/logits.h)."""

from __future__ import annotations

import ctypes
import os
from pathlib import Path

ABI_MAJOR = 0  # the LOGITS_VERSION_MAJOR this binding was written for

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

_p = ctypes.c_void_p
_n = ctypes.c_size_t
_status = ctypes.c_int32

lib.logits_version.argtypes = []
lib.logits_version.restype = ctypes.c_uint
lib.logits_version_string.argtypes = []
lib.logits_version_string.restype = ctypes.c_char_p
lib.logits_status_string.argtypes = [_status]
lib.logits_status_string.restype = ctypes.c_char_p

_loaded_major = lib.logits_version() // 10000
if _loaded_major != ABI_MAJOR:
    raise ImportError(
        f"logits: the loaded liblogits.so has ABI version "
        f"{lib.logits_version_string().decode()} (major {_loaded_major}), but this "
        f"binding needs major {ABI_MAJOR}. Rebuild the library or point "
        "LOGITS_LIBRARY at a matching one."
    )

# name -> ctypes type of the scalar (temperature) for each dtype suffix
SCALAR = {"f32": ctypes.c_float, "f64": ctypes.c_double}


def _declare(name: str, argtypes: list) -> None:
    fn = getattr(lib, name)
    fn.argtypes = argtypes
    fn.restype = _status


for _sfx, _scalar in SCALAR.items():
    for _name in ("softmax", "log_softmax", "logsumexp"):
        _declare(f"logits_{_name}_axis_{_sfx}", [_p, _p, _n, _n, _n, _scalar])
    for _name in ("softmax", "log_softmax"):
        _declare(f"logits_{_name}_backward_axis_{_sfx}", [_p, _p, _p, _n, _n, _n, _scalar])
    for _name in ("sigmoid", "log_sigmoid", "softplus"):
        _declare(f"logits_{_name}_{_sfx}", [_p, _p, _n])
        _declare(f"logits_{_name}_backward_{_sfx}", [_p, _p, _p, _n])


class CEOptions(ctypes.Structure):
    """logits_ce_options (include/logits.h)."""
    _fields_ = [("struct_size", ctypes.c_uint32), ("reduction", ctypes.c_int32),
                ("from_logits", ctypes.c_int32), ("has_ignore_index", ctypes.c_int32),
                ("ignore_index", ctypes.c_int64), ("label_smoothing", ctypes.c_double),
                ("temperature", ctypes.c_double), ("eps", ctypes.c_double)]


class BCEOptions(ctypes.Structure):
    """logits_bce_options (include/logits.h)."""
    _fields_ = [("struct_size", ctypes.c_uint32), ("reduction", ctypes.c_int32),
                ("from_logits", ctypes.c_int32), ("has_alpha", ctypes.c_int32),
                ("label_smoothing", ctypes.c_double), ("gamma", ctypes.c_double),
                ("alpha", ctypes.c_double), ("eps", ctypes.c_double)]


lib.logits_ce_options_init.argtypes = [ctypes.POINTER(CEOptions)]
lib.logits_ce_options_init.restype = None
lib.logits_bce_options_init.argtypes = [ctypes.POINTER(BCEOptions)]
lib.logits_bce_options_init.restype = None
_pce = ctypes.POINTER(CEOptions)
_pbce = ctypes.POINTER(BCEOptions)
for _sfx in SCALAR:
    _declare(f"logits_cross_entropy_labels_{_sfx}", [_p, _p, _p, _p, _p, _n, _n, _n, _pce])
    _declare(f"logits_cross_entropy_soft_{_sfx}", [_p, _p, _p, _p, _p, _n, _n, _n, _pce])
    _declare(f"logits_binary_cross_entropy_{_sfx}", [_p, _p, _p, _p, _p, _p, _n, _n, _pbce])


def function(name: str, suffix: str):
    """The declared C function ``logits_<name>_<suffix>``."""
    return getattr(lib, f"logits_{name}_{suffix}")


# The fast paths call the C functions through a second set of function
# objects that have no argtypes: ctypes then converts nothing (with argtypes it
# calls each type's from_param per argument, ~0.1 us each), so every argument
# must already be a ctypes object of the C parameter's exact type: c_void_p
# for pointers (see _arrays.pointer), SIZE[n] / c_size_t for sizes, c_float or
# c_double for the temperature, a ctypes pointer for an options struct.
_raw: dict = {}


def raw_function(name: str, suffix: str):
    """``logits_<name>_<suffix>`` without argtypes (restype logits_status)."""
    key = f"logits_{name}_{suffix}"
    fn = _raw.get(key)
    if fn is None:
        fn = lib._FuncPtr((key, lib))
        fn.restype = _status
        _raw[key] = fn
    return fn


# Prebuilt c_size_t arguments for small sizes (read-only: never mutate them).
SIZE = tuple(ctypes.c_size_t(n) for n in range(1024))


def status_string(status: int) -> str:
    return lib.logits_status_string(status).decode()


def version_string() -> str:
    return lib.logits_version_string().decode()
