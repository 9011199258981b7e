"""numpy array handling shared by every function: dtype rules, axis layout,
``out=`` checks, and turning a C status into an exception."""

from __future__ import annotations

import ctypes
import importlib
import math
import operator
import sys
from typing import Any, NoReturn, Optional

import numpy as np

from . import _library
from ._errors import LogitsAxisError, LogitsError, LogitsTypeError

F32 = np.dtype(np.float32)
F64 = np.dtype(np.float64)
F16 = np.dtype(np.float16)
I64 = np.dtype(np.int64)
# dtype -> index into the binding's tuples of C functions, which list each
# operation's types in the order of abi/operations.h (f32, f64, f16, bf16:
# every operation has the four). bfloat16 is ml_dtypes' dtype, an optional
# dependency that takes most of a second to import: it is looked up the
# first time an array of it comes (``bfloat16``), and added here then.
INDEX = {F32: 0, F64: 1, F16: 2}
BF16: Optional[np.dtype[Any]] = None  # ml_dtypes.bfloat16's dtype, once seen
ndarray = np.ndarray

# Default argument values. The fast paths test ``argument is DEFAULT``, which
# is true exactly when the caller left the argument out; an explicit value
# takes the general path and gives the same result.
LAST = -1          # axis
ONE = 1.0          # temperature
ZERO = 0.0         # label_smoothing, gamma
EPS = 1e-7         # eps
MEAN = "mean"      # reduction

# (half, input dtypes...) -> result dtype
_promoted: dict[tuple[Any, ...], np.dtype[Any]] = {}


def bfloat16() -> Optional[np.dtype[Any]]:
    """ml_dtypes' bfloat16 dtype (JAX's and TensorFlow's), or None when
    ml_dtypes is not installed. Imported on first need only: a user with
    bfloat16 arrays has imported it already."""
    global BF16
    if BF16 is None:
        try:
            module = importlib.import_module("ml_dtypes")
        except ImportError:
            return None
        BF16 = np.dtype(module.bfloat16)
        INDEX[BF16] = 3
    return BF16


def _is_bfloat16(dt: np.dtype[Any]) -> bool:
    if dt.kind != "V" or dt.name != "bfloat16":
        return False
    bf16 = bfloat16()
    return bf16 is not None and dt == bf16


def half_index(dt: np.dtype[Any]) -> Optional[int]:
    """The index of a native float16 or bfloat16 ``dt`` in the C function
    tuples (2 or 3), else None: the fast paths' test after float32 and
    float64."""
    if dt is F16:
        return 2
    if dt is BF16 or (BF16 is None and dt.kind == "V" and _is_bfloat16(dt)):
        return 3
    return None


def work_dtype(dt: np.dtype[Any]) -> np.dtype[Any]:
    """The dtype the library computes a ``dt`` call in: float32 for the
    16-bit formats (their ``work`` type), else ``dt``."""
    return F32 if dt is F16 or dt is BF16 else dt


def result_dtype(*arrays: np.ndarray, half: bool = False) -> np.dtype[Any]:
    """The dtype a call computes in. Without ``half``: numpy's promotion of
    the inputs with float32 (float32 and float64 stay; float16, bfloat16,
    bools and small integers become float32, wider integers float64). With
    ``half`` (functions with float16 and bfloat16 forms): numpy's promotion
    of the inputs alone when it is float16 or bfloat16 (float16 with float16,
    or with a bool or a small integer, stays float16), else as without.
    So a 16-bit array mixed with float32 computes in float32, with float64
    in float64, float16 with bfloat16 in float32 (numpy's rule)."""
    dtypes = tuple(a.dtype for a in arrays)
    key = (half,) + dtypes
    dt = _promoted.get(key)
    if dt is not None:
        return dt
    for d in dtypes:
        if d.kind not in "biuf" and not _is_bfloat16(d):
            raise LogitsTypeError(
                f"unsupported dtype {d}: Logits works on float32, float64, float16 and "
                "bfloat16 (ml_dtypes); integers and bools are converted")
    try:
        if half:
            dt = np.result_type(*dtypes)
            if dt.kind == "f" and dt.itemsize == 2:  # float16, in either byte order
                dt = F16
            elif _is_bfloat16(dt) and BF16 is not None:
                dt = BF16
            else:
                dt = np.result_type(*dtypes, np.float32)
        else:
            dt = np.result_type(*dtypes, np.float32)
    except TypeError:  # numpy's DTypePromotionError: no common dtype
        raise LogitsTypeError(
            f"the dtypes {', '.join(map(str, dtypes))} have no common dtype; cast them to one "
            "first") from None
    if dt not in INDEX:
        raise LogitsTypeError(
            f"unsupported dtype {dt}: Logits works on float32 and float64; "
            "cast with .astype(np.float64) first")
    if len(_promoted) < 256:  # bounded: supported dtypes are few
        _promoted[key] = dt
    return dt


def loss_dtype(x: np.ndarray, *targets: np.ndarray) -> np.dtype[Any]:
    """The dtype a loss computes in, from its logits ``x`` and float
    ``targets`` (soft or binary targets; not labels, not weights): a float16
    or bfloat16 ``x`` stays in its format when numpy's promotion of it with
    each target is that format (targets of its dtype, bools, 8-bit
    integers), and is computed in float32 otherwise (float16 logits with
    float32 or float64 targets, float16 with bfloat16: the float32 path,
    one float32 copy of the logits). Other inputs: ``result_dtype(x)``, so
    float32 logits with float64 targets still compute in float32."""
    dt = result_dtype(x, half=True)
    if half_index(dt) is None:
        return dt
    for t in targets:
        try:
            same = np.result_type(dt, t.dtype) == dt
        except TypeError:  # no common dtype (a string array): refused later, as for float32
            same = False
        if not same:
            return result_dtype(x)
    return dt


def as_input(x: Any, dtype: np.dtype[Any]) -> np.ndarray:
    """``x`` as a C-contiguous, aligned native array of ``dtype``: no copy
    when it is one (a view at an address that is not a multiple of the
    element size is copied: the library's typed pointers assume alignment)."""
    # np.require keeps 0-d arrays 0-d (np.ascontiguousarray would make them 1-d).
    return np.require(x, dtype=dtype, requirements=("C", "A"))


def from_dlpack(x: Any, name: str = "input") -> np.ndarray:
    """A numpy view of an object that implements ``__dlpack__`` (a PyTorch or
    JAX CPU array, a CuPy array, ...): no copy (numpy.from_dlpack). Memory on
    another device, or a dtype numpy has no type for, is refused.

    >>> class Exporter:  # only the two DLPack methods
    ...     def __init__(self, a): self.a = a
    ...     def __dlpack__(self, **kw): return self.a.__dlpack__(**kw)
    ...     def __dlpack_device__(self): return self.a.__dlpack_device__()
    >>> a = np.arange(3.0)
    >>> np.shares_memory(from_dlpack(Exporter(a)), a)
    True
    """
    try:
        return np.from_dlpack(x)
    except (BufferError, RuntimeError, TypeError, ValueError) as e:
        raise LogitsTypeError(
            f"{name}: {type(x).__name__} could not be read through DLPack ({e}); Logits takes "
            "arrays in CPU memory of a real dtype: move it to the CPU first, e.g. "
            "tensor.cpu() or jax.device_get(a)") from None


def _unmasked(x: Any, name: str = "input") -> np.ndarray:
    """``x`` as a numpy array: itself, a DLPack view, or numpy's conversion."""
    if isinstance(x, np.ma.MaskedArray):
        raise LogitsTypeError(
            "masked arrays are not supported: their mask would be silently ignored. "
            "Pass the mask as where=~x.mask, or mask logits with -inf (softmax gives them "
            "probability 0): x.filled(-np.inf)")
    if not isinstance(x, np.ndarray) and hasattr(type(x), "__dlpack__"):
        return from_dlpack(x, name)
    return np.asarray(x)


def inputs(*xs: Any, half: bool = False) -> tuple[np.dtype[Any], list[np.ndarray]]:
    """Converts array-likes to arrays of their common result dtype
    (``result_dtype``; ``half``: the function has float16 and bfloat16 forms)."""
    if len(xs) == 1:
        a = _unmasked(xs[0])
        dt = result_dtype(a, half=half)
        return dt, [as_input(a, dt)]
    arrays = [_unmasked(x) for x in xs]
    dt = result_dtype(*arrays, half=half)
    return dt, [as_input(a, dt) for a in arrays]


INT64_MIN, INT64_MAX = -(1 << 63), (1 << 63) - 1


def integer(value: Any, name: str, lo: float = INT64_MIN, hi: float = INT64_MAX) -> int:
    """An integer argument as a Python int, checked before any C call: a
    bool, float, string or array raises LogitsTypeError (also a TypeError),
    a value outside [lo, hi] (the C type's range) LogitsError naming it.

    >>> integer(-100, "ignore_index")
    -100
    """
    if isinstance(value, (bool, np.bool_)):
        raise LogitsTypeError(f"{name} must be an integer, got the bool {value!r}")
    try:
        v = operator.index(value)
    except TypeError:
        raise LogitsTypeError(f"{name} must be an integer, got {type(value).__name__} {value!r}") from None
    if not lo <= v <= hi:
        raise LogitsError(f"{name} = {v} is outside [{lo}, {hi}]")
    return v


def layout(shape: tuple[int, ...], axis: Any) -> tuple[int, int, int, int]:
    """(axis, outer, length, inner) for ``axis`` of a C-contiguous ``shape``."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise LogitsTypeError(f"axis must be an integer, got {axis!r}")
    ndim = len(shape)
    if not -ndim <= axis < ndim:
        raise LogitsAxisError(int(axis), ndim)
    a = int(axis) % ndim
    return a, math.prod(shape[:a]), shape[a], math.prod(shape[a + 1:])


def output(out: Any, shape: tuple[int, ...], dtype: np.dtype[Any], name: str = "out") -> np.ndarray:
    """A fresh result array, or ``out`` after checking it can take the result
    (``name``: the argument's name in messages)."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray) and hasattr(type(out), "__dlpack__"):
        out = from_dlpack(out, name)
        if not out.flags.writeable:
            raise LogitsError(f"{name} is read-only as its exporter shares it through DLPack "
                              "(not writable): pass a writable array")
    if not isinstance(out, np.ndarray):
        raise LogitsTypeError(f"{name} must be a numpy.ndarray or a writable DLPack array, "
                              f"got {type(out).__name__}")
    if out.dtype != dtype:
        raise LogitsTypeError(f"{name} has dtype {out.dtype}, but the result has dtype {dtype}")
    if out.shape != tuple(shape):
        raise LogitsError(f"{name} has shape {out.shape}, but the result has shape {tuple(shape)}")
    if not out.flags.aligned:
        raise LogitsError(f"{name} is not aligned to its element size: pass an aligned array")
    if not out.flags.c_contiguous:
        raise LogitsError(f"{name} must be C-contiguous")
    if not out.flags.writeable:
        raise LogitsError(f"{name} is read-only (not writable)")
    return out


def no_partial_overlap(out: np.ndarray, a: np.ndarray, name: str = "out") -> None:
    """Raises the library's overlap error before Python writes into ``out``
    (``where=`` masks are written there first): ``out`` may be ``a`` itself
    or apart from it, nothing in between."""
    if out is a or not np.may_share_memory(out, a):
        return
    if (out.shape == a.shape and out.strides == a.strides
            and out.__array_interface__["data"][0] == a.__array_interface__["data"][0]):
        return
    raise LogitsError(f"{name} partially overlaps the input (out must be the input itself "
                      "or not share memory with it)", status=_library.Status.ERROR_OVERLAP)


# precision= as the C library's logits_precision (include/logits.h).
PRECISIONS = {None: 0, "fast": 1, "exact": 2}
_PRECISION_ARGS = tuple(ctypes.c_int32(v) for v in range(3))


def precision(value: Any) -> Any:
    """The C argument for ``precision=`` (None, "fast" or "exact")."""
    try:
        return _PRECISION_ARGS[PRECISIONS[value]]
    except (KeyError, TypeError):
        raise LogitsError(f"precision must be None, 'fast' or 'exact', got {value!r}") from None


def temperature(value: Any, dtype: np.dtype[Any]) -> Any:
    try:
        t = float(value)
    except (TypeError, ValueError):
        raise LogitsTypeError(f"temperature must be a real number, got {value!r}") from None
    if not (math.isfinite(t) and t > 0):
        raise LogitsError(f"temperature must be finite and > 0, got {t!r}")
    if dtype == F64:
        return ctypes.c_double(t)
    # ctypes rounds to float32 as numpy does (the C conversion): 1e39 becomes
    # inf and 1e-50 becomes 0, both refused. The 16-bit forms take a float
    # temperature too (their work type).
    narrowed = ctypes.c_float(t)
    if not (math.isfinite(narrowed.value) and narrowed.value > 0):
        where = "float32" if dtype == F32 else f"float32 (the temperature of a {dtype} call)"
        raise LogitsError(f"temperature {t!r} is not finite and > 0 in {where}")
    return narrowed


# The C message's spellings of what Python spells otherwise.
_PYTHON_SPELLING = (("pass from_logits = true", "pass from_logits=True"),
                    ("pass it as the ignore index", "pass it as ignore_index"),
                    ("(from_logits = 0)", "(from_logits=False)"))


def check(status: int, what: str, names: tuple[tuple[str, str], ...] = ()) -> None:
    """Raises for a non-OK status, naming the function, with the library's
    own message for the refusal (logits_last_error_message), in Python's
    spelling (``names``: C argument names and this function's names for
    them). Call it right after the C call, on the same thread."""
    if status == _library.Status.OK:
        return
    refuse(status, _library.last_error_message() or _library.status_string(status), what, names)


def refuse(status: int, text: str, what: str, names: tuple[tuple[str, str], ...] = ()) -> NoReturn:
    """Raises the LogitsError ``check`` raises for a refusal of ``status``
    whose library message is ``text`` (for checks made in Python before a
    call, with the library's wording: ``c_number``, ``c_index``)."""
    for c_spelling, python_spelling in _PYTHON_SPELLING + names:
        text = text.replace(c_spelling, python_spelling)
    if status == _library.Status.ERROR_OVERLAP:
        text += " (out must be the input itself or not share memory with it)"
    raise LogitsError(f"{what}: {text}", status=status)


# The library's refusal messages print values and positions as
# Sources/CLogitsShims/errors.c does; these write them the same way for the
# checks Python makes before a call that writes first (losses.py, where=).

def c_number(v: float) -> str:
    """A double as the library's messages print it (C's %.17g; glibc spells
    a NaN with its sign bit set "-nan").

    >>> c_number(-0.5), c_number(1e-7), c_number(float("-inf")), c_number(-float("nan"))
    ('-0.5', '9.9999999999999995e-08', '-inf', '-nan')
    """
    if math.isnan(v):
        return "-nan" if math.copysign(1.0, v) < 0 else "nan"
    return "%.17g" % v


def c_index(position: int, rank: int, limit: int = 0, inner: int = 1) -> str:
    """A flat position as the library's messages print it (errors.c's
    index_tuple): rank 0 a vector "(k,)"; rank 1 a sample, "(s,)" or
    "(o, i)" by ``inner``; rank 2 an element of a (samples, ``limit``
    classes[, ``inner``]) array, "(r, c)" or "(o, c, i)".

    >>> c_index(7, 0), c_index(7, 1, inner=3), c_index(7, 2, limit=5), c_index(7, 2, 2, 3)
    ('(7,)', '(2, 1)', '(1, 2)', '(1, 0, 1)')
    """
    n = limit if limit > 0 else 1
    k = inner if inner > 0 else 1
    if rank == 1 and k > 1:
        return f"({position // k}, {position % k})"
    if rank == 2 and k > 1:
        return f"({position // (n * k)}, {position // k % n}, {position % k})"
    if rank == 2:
        return f"({position // n}, {position % n})"
    return f"({position},)"


def _data_field_offset() -> Optional[int]:
    """Where an ndarray's data pointer sits inside the array object, if we can
    read it there, else None.

    ``a.ctypes.data`` and ``a.__array_interface__`` each cost ~1 us per call
    (they build helper objects), more than the rest of a small call together.
    In CPython ``id(a)`` is the object's address, and numpy's array struct
    (``PyArrayObject_fields`` in ndarraytypes.h) is the object header followed
    by ``char *data``, so ``c_void_p.from_address(id(a) + object.__basicsize__)``
    is that pointer as a ctypes argument, for ~0.1 us. Checked here against
    ``a.ctypes.data`` on several arrays; on any other interpreter or any
    mismatch the fast paths are off and every call takes the general path."""
    if sys.implementation.name != "cpython":
        return None
    offset = object.__basicsize__
    base = np.zeros((4, 6))
    probes = [np.empty(5, np.float32), np.empty(0), np.array(2.0), base, base[1],
              base[2:, 3:], base.T, np.frombuffer(b"12345678" * 3, np.float64)]
    read = ctypes.c_void_p.from_address
    for a in probes:
        if read(id(a) + offset).value != a.ctypes.data:
            return None
    return offset


_OFFSET = _data_field_offset()
FAST = _OFFSET is not None  # the fast paths are usable
DATA_OFFSET: int = _OFFSET or 0  # read only when FAST
_data = ctypes.c_void_p.from_address


def pointer(a: np.ndarray) -> ctypes.c_void_p:
    """``a``'s data pointer as a ctypes c_void_p argument (for raw functions)."""
    if FAST:
        return _data(id(a) + DATA_OFFSET)
    return ctypes.c_void_p(a.ctypes.data)


def size(n: int) -> ctypes.c_size_t:
    """``n`` as a ctypes c_size_t argument (for raw functions)."""
    return SIZE[n] if n < len(SIZE) else ctypes.c_size_t(n)


SIZE = _library.SIZE


def fast_out(out: Any, shape: tuple[int, ...], dtype: np.dtype[Any]) -> Optional[np.ndarray]:
    """``out`` if it can take a result of ``shape`` and ``dtype`` as it is,
    else None (the general path's ``output`` then accepts it or raises the
    documented error)."""
    if type(out) is ndarray and out.dtype is dtype and out.shape == shape:
        flags = out.flags
        if flags.c_contiguous and flags.writeable and flags.aligned:
            return out
    return None
