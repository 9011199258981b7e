"""Softmax family, sigmoid family, and their gradients, on numpy arrays.

Every function here follows the same rules:

* Inputs are array-likes. float32, float64, float16 and bfloat16 arrays are
  used as they are (bfloat16: ``ml_dtypes.bfloat16``, the numpy dtype of JAX
  and TensorFlow; ml_dtypes is optional, ``pip install logits-native[bfloat16]``);
  anything else is converted the way numpy promotes it with float32 (bool and
  8/16-bit integers become float32; wider integers and Python lists become
  float64). Complex, object and longdouble inputs raise TypeError.
* float16 and bfloat16 are storage formats: the library's ``_f16``/``_bf16``
  forms read them, compute in float32 a block at a time (``precision=`` as
  for float32; no float32 copy of the array) and round each result once to
  the input's format, within 0.51 of its ulp (ACCURACY.md). The result has
  the input's dtype; the temperature is a float32.
* The gradients take two inputs, ``y`` and ``dy``: they compute in numpy's
  promotion of the two dtypes, as float32 with float64 computes in float64.
  Two arrays of one 16-bit dtype (or one with a bool or 8-bit integer array)
  stay in it; a 16-bit array with a float32 one computes in float32, with a
  float64 one in float64, float16 with bfloat16 in float32 (numpy's rule),
  the 16-bit array converted (one copy) and the result in that dtype.
* A C-contiguous float32/float64/float16/bfloat16 input is passed to the
  library without a copy; other layouts are copied once.
* ``out=``, when given, must be a C-contiguous writable array of the result's
  dtype and shape; it is filled and returned. It may be the input itself.
* ``precision=`` chooses how a float32 call computes: ``"fast"`` (float32
  lanes, as the fastest peers), ``"exact"`` (double lanes, each result
  rounded once) or ``None`` (the process default, ``logits.get_precision()``:
  ``"fast"`` unless set otherwise). float64 calls are the same for every
  choice. ACCURACY.md gives each precision's bound.
* Bad arguments raise ``LogitsError`` (a ValueError) or ``LogitsTypeError``
  (also a TypeError) and leave ``out`` untouched; a bad axis raises
  ``LogitsAxisError``, a ``LogitsError`` that is also numpy's ``AxisError``.
"""

from __future__ import annotations

from ctypes import c_size_t
from typing import Any, Literal, Optional, Tuple, Union, overload

import numpy as np
from numpy.typing import ArrayLike

from . import _arrays, _axes, _library, _weighted
from ._arrays import F32, F64, LAST, ONE, ndarray
from ._errors import LogitsError

# A C function per element type, in the order of abi/operations.h (float32,
# float64, float16, bfloat16; _arrays.INDEX), as the binding calls them.
Fns = Tuple[Any, ...]
# axis=: one axis, several (a tuple), or None (every axis).
Axes = Union[int, Tuple[int, ...], None]
# A reduction's result: an array, or a numpy scalar when no axis is left.
Reduced = Union[np.ndarray, np.floating[Any]]

__all__ = [
    "softmax", "log_softmax", "logsumexp",
    "sigmoid", "log_sigmoid", "softplus",
    "softmax_backward", "log_softmax_backward",
    "sigmoid_backward", "log_sigmoid_backward", "softplus_backward",
]

# Fast paths. A call whose arrays are already what the library takes (exact
# numpy.ndarray, native float32/float64, C-contiguous, default axis and
# temperature, no out= or a valid one) is recognised with a few attribute
# tests and goes straight to the C function (~1.3 us per call instead of ~9.5 us
# for a 1x3 softmax; bindings/python/examples/overhead.py measures it).
# Anything else, and any call the library refuses, takes the general path
# (_along_axis etc.), which converts, checks and raises exactly as documented;
# the library writes nothing when it refuses, so running the general path
# after a refused fast call has the same effect as running it alone.
_FAST = _arrays.FAST
_OFF = _arrays.DATA_OFFSET
_data = _arrays._data
_empty = np.empty
_SIZE = _library.SIZE
_NSIZE = len(_SIZE)
_raw = _library.raw_function
_size = _arrays.size
_fast_out = _arrays.fast_out
_half_index = _arrays.half_index


def _along_axis(fns: Fns, name: str, x: Any, axis: Any, temperature: Any, out: Any,
                precision: Any, reduce: bool = False, keepdims: bool = False,
                where: Any = None) -> np.ndarray:
    """The general path: any axis or axes (int, tuple, None), temperature,
    ``where=`` mask and ``out=``."""
    p = _arrays.precision(precision)
    dt, (a,) = _arrays.inputs(x, half=True)
    plan = _axes.plan(a.shape, axis)
    t = _arrays.temperature(temperature, dt)
    shape = plan.reduced_shape(keepdims) if reduce else a.shape
    m = None if where is None else _axes.mask(where, a.shape)
    result = _arrays.output(out, shape, dt)
    src = a
    if m is not None:
        _arrays.no_partial_overlap(result, a)
        # softmax and log_softmax: the result holds the masked input and is
        # computed in place (no copy of the logits); a reduction needs one.
        in_place = not reduce and plan.perm is None
        src = _axes.fill_masked(result if in_place else np.empty(a.shape, dt), a, m)
    src = plan.moved(src)
    dest = result if reduce or plan.perm is None else np.empty(src.shape, dt)
    fn = fns[_arrays.INDEX[dt]]
    ptr = _arrays.pointer
    _arrays.check(fn(ptr(src), ptr(dest), _size(plan.outer), _size(plan.length), _size(plan.inner),
                     t, p), name)
    if dest is not result:
        np.copyto(result, _axes.restored(dest, plan))
    return result


def _fast_along_last_axis(fns: Fns, x: np.ndarray, out: Any, reduce: bool = False) -> Optional[np.ndarray]:
    """The fast path of logsumexp (axis -1, temperature 1, no keepdims) and,
    written out inline, of softmax and log_softmax: the result, or None to take
    the general path."""
    dt = x.dtype
    shape = x.shape
    if not shape or not ((xf := x.flags).c_contiguous and xf.aligned):
        return None
    if dt is F32:
        fn = fns[0]
    elif dt is F64:
        fn = fns[1]
    elif (i := _half_index(dt)) is not None:
        fn = fns[i]
    else:
        return None
    n = shape[-1]
    if not n:
        return None
    rshape = shape[:-1] if reduce else shape
    result: Optional[np.ndarray]
    if out is None:
        result = _empty(rshape, dt)
    else:
        result = _fast_out(out, rshape, dt)
        if result is None:
            return None
    rows = x.size // n
    if fn(_data(id(x) + _OFF), _data(id(result) + _OFF),
          _SIZE[rows] if rows < _NSIZE else c_size_t(rows),
          _SIZE[n] if n < _NSIZE else c_size_t(n)):
        return None
    return result


# Along the last axis with temperature 1 the fast paths call the row forms
# (rows x cols), which the header defines as the _axis forms with inner = 1
# and T = 1: two arguments fewer to pass.
_SOFTMAX = (_raw("logits_softmax_f32"), _raw("logits_softmax_f64"),
            _raw("logits_softmax_f16"), _raw("logits_softmax_bf16"))
_LOG_SOFTMAX = (_raw("logits_log_softmax_f32"), _raw("logits_log_softmax_f64"),
                _raw("logits_log_softmax_f16"), _raw("logits_log_softmax_bf16"))
_LOGSUMEXP = (_raw("logits_logsumexp_f32"), _raw("logits_logsumexp_f64"),
              _raw("logits_logsumexp_f16"), _raw("logits_logsumexp_bf16"))
# The general paths: any axis, any temperature.
_SOFTMAX_AXIS = (_raw("logits_softmax_axis_f32"), _raw("logits_softmax_axis_f64"),
                 _raw("logits_softmax_axis_f16"), _raw("logits_softmax_axis_bf16"))
_LOG_SOFTMAX_AXIS = (_raw("logits_log_softmax_axis_f32"), _raw("logits_log_softmax_axis_f64"),
                     _raw("logits_log_softmax_axis_f16"), _raw("logits_log_softmax_axis_bf16"))
_LOGSUMEXP_AXIS = (_raw("logits_logsumexp_axis_f32"), _raw("logits_logsumexp_axis_f64"),
                   _raw("logits_logsumexp_axis_f16"), _raw("logits_logsumexp_axis_bf16"))


def softmax(x: ArrayLike, axis: Axes = LAST, *, where: Optional[ArrayLike] = None,
            temperature: float = ONE, out: Optional[np.ndarray] = None,
            precision: Optional[str] = None) -> np.ndarray:
    """Softmax along ``axis``: ``exp(x/T - max) / sum(exp(x/T - max))``.

    Each slice along ``axis`` becomes a probability distribution (entries in
    [0, 1] summing to 1): use it for mutually exclusive classes. A slice of
    all ``-inf`` (fully masked) gives zeros, ``+inf`` entries share the mass
    equally, and a NaN makes its own slice NaN. ``out`` may be ``x``.

    ``axis`` is an int (default -1, the last axis, as JAX, Keras and
    PyTorch), a tuple of ints (the slice spans those axes) or None (the
    whole array is one distribution, SciPy's default). ``where`` (booleans
    broadcast to ``x``'s shape, JAX's meaning): entries where it is False
    take no part and get probability 0; no copy of ``x`` is made (the
    result holds the masked logits while it is computed).

    float16 and bfloat16 ``x`` give float16 and bfloat16 results (float32
    arithmetic, each result rounded once; ``where=`` fills the result).

    >>> import logits, numpy as np
    >>> logits.softmax(np.array([1.0, 2.0, 3.0])).round(4)
    array([0.09  , 0.2447, 0.6652])
    >>> logits.softmax(np.array([1.0, 2.0, 3.0]), temperature=10.0).round(4)
    array([0.3006, 0.3322, 0.3672])
    >>> logits.softmax(np.array([1.0, 2.0, 3.0]), where=np.array([True, False, True])).round(4)
    array([0.1192, 0.    , 0.8808])
    >>> float(logits.softmax(np.ones((2, 2)), axis=None).sum())  # SciPy's axis=None
    1.0
    """
    # The fast path of _fast_along_last_axis, inlined (one call less, ~5%).
    if (_FAST and type(x) is ndarray and axis is LAST and temperature is ONE and precision is None
            and where is None):
        dt = x.dtype
        fn = (_SOFTMAX[0] if dt is F32 else _SOFTMAX[1] if dt is F64
              else None if (i := _half_index(dt)) is None else _SOFTMAX[i])
        shape = x.shape
        if fn is not None and shape and shape[-1] and (xf := x.flags).c_contiguous and xf.aligned:
            result = _empty(shape, dt) if out is None else _fast_out(out, shape, dt)
            if result is not None:
                n = shape[-1]
                rows = x.size // n
                if not fn(_data(id(x) + _OFF), _data(id(result) + _OFF),
                          _SIZE[rows] if rows < _NSIZE else c_size_t(rows),
                          _SIZE[n] if n < _NSIZE else c_size_t(n)):
                    return result
    return _along_axis(_SOFTMAX_AXIS, "softmax", x, axis, temperature, out, precision, where=where)


def log_softmax(x: ArrayLike, axis: Axes = LAST, *, where: Optional[ArrayLike] = None,
                temperature: float = ONE, out: Optional[np.ndarray] = None,
                precision: Optional[str] = None) -> np.ndarray:
    """Log-softmax along ``axis``: ``x/T - logsumexp(x/T)``, computed directly.

    Finite inputs always give finite outputs (``log(softmax(x))`` would give
    ``-inf`` once softmax underflows). A fully masked slice gives ``-inf``.
    ``out`` may be ``x``. ``axis`` (int, tuple or None) and ``where`` as for
    ``softmax``: masked entries give ``-inf``.

    float16 and bfloat16 inputs give results of their dtype (float32
    arithmetic, each result rounded once).

    >>> import logits, numpy as np
    >>> logits.log_softmax(np.array([0.0, 1000.0]))
    array([-1000.,     0.])
    """
    # The fast path of _fast_along_last_axis, inlined (one call less, ~5%).
    if (_FAST and type(x) is ndarray and axis is LAST and temperature is ONE and precision is None
            and where is None):
        dt = x.dtype
        fn = (_LOG_SOFTMAX[0] if dt is F32 else _LOG_SOFTMAX[1] if dt is F64
              else None if (i := _half_index(dt)) is None else _LOG_SOFTMAX[i])
        shape = x.shape
        if fn is not None and shape and shape[-1] and (xf := x.flags).c_contiguous and xf.aligned:
            result = _empty(shape, dt) if out is None else _fast_out(out, shape, dt)
            if result is not None:
                n = shape[-1]
                rows = x.size // n
                if not fn(_data(id(x) + _OFF), _data(id(result) + _OFF),
                          _SIZE[rows] if rows < _NSIZE else c_size_t(rows),
                          _SIZE[n] if n < _NSIZE else c_size_t(n)):
                    return result
    return _along_axis(_LOG_SOFTMAX_AXIS, "log_softmax", x, axis, temperature, out, precision,
                       where=where)


@overload
def logsumexp(x: ArrayLike, axis: Axes = ..., b: Optional[ArrayLike] = ..., keepdims: bool = ...,
              return_sign: Literal[False] = ..., *, where: Optional[ArrayLike] = ...,
              temperature: float = ..., out: Optional[np.ndarray] = ...,
              precision: Optional[str] = ...) -> Reduced: ...
@overload
def logsumexp(x: ArrayLike, axis: Axes = ..., b: Optional[ArrayLike] = ..., keepdims: bool = ...,
              *, return_sign: Literal[True], where: Optional[ArrayLike] = ...,
              temperature: float = ..., out: Optional[np.ndarray] = ...,
              precision: Optional[str] = ...) -> Tuple[Reduced, Reduced]: ...
@overload
def logsumexp(x: ArrayLike, axis: Axes, b: Optional[ArrayLike], keepdims: bool,
              return_sign: Literal[True], *, where: Optional[ArrayLike] = ...,
              temperature: float = ..., out: Optional[np.ndarray] = ...,
              precision: Optional[str] = ...) -> Tuple[Reduced, Reduced]: ...
def logsumexp(x: ArrayLike, axis: Axes = LAST, b: Optional[ArrayLike] = None,
              keepdims: bool = False, return_sign: bool = False, *,
              where: Optional[ArrayLike] = None, temperature: float = ONE,
              out: Optional[np.ndarray] = None,
              precision: Optional[str] = None) -> Union[Reduced, Tuple[Reduced, Reduced]]:
    """``log(sum(b * exp(x/T)))`` along ``axis``, without overflow.

    SciPy's ``scipy.special.logsumexp(a, axis, b, keepdims, return_sign)``
    with one difference: the default axis is -1 (the last), as JAX, Keras
    and PyTorch; pass ``axis=None`` for SciPy's whole-array sum. ``axis`` may
    be an int, a tuple of ints or None. The result drops the reduced axes (or
    keeps them with size 1 when ``keepdims``); a result without axes is a
    numpy scalar, as SciPy's, unless ``out`` is given. An empty axis gives
    ``-inf`` (the log of an empty sum), as does a fully masked slice.

    ``b`` (broadcast against ``x``): weights, as SciPy. An entry with ``b ==
    0`` takes no part (even when ``x`` is inf or NaN there); negative weights
    may make the sum negative: then the result is NaN, or with
    ``return_sign=True`` the pair ``(log|sum|, sign)`` with sign +1, -1, or 0
    for a sum of 0 (result ``-inf``). ``where`` (booleans, JAX's meaning):
    entries where it is False take no part. ``out`` must not share memory
    with ``x``.

    float16 and bfloat16 ``x`` give float16 and bfloat16 results (float32
    arithmetic, rounded once; with ``b``, ``x + T log|b|`` is formed in a
    float32 temporary and the float32 result rounded once).

    >>> import logits, numpy as np
    >>> logits.logsumexp(np.array([[1000.0, 1000.0], [0.0, -np.inf]]))
    array([1000.69314718,    0.        ])
    >>> logits.logsumexp(np.array([1.0, 2.0]), b=np.array([1.0, -1.0]), return_sign=True)
    (np.float64(1.5413248546129181), np.float64(-1.0))
    """
    if b is not None or return_sign:
        return _weighted.logsumexp(_logsumexp_core, x, axis, b, keepdims, return_sign, where,
                                   temperature, out, precision)
    if (_FAST and type(x) is ndarray and axis is LAST and temperature is ONE
            and keepdims is False and precision is None and where is None):
        result = _fast_along_last_axis(_LOGSUMEXP, x, out, True)
        if result is not None:
            return result[()] if out is None and not result.ndim else result
    result = _logsumexp_core(x, axis, keepdims, where, temperature, out, precision)
    return result[()] if out is None and not result.ndim else result


def _logsumexp_core(x: Any, axis: Any, keepdims: bool, where: Any, temperature: Any, out: Any,
                    precision: Any) -> np.ndarray:
    return _along_axis(_LOGSUMEXP_AXIS, "logsumexp", x, axis, temperature, out, precision,
                       reduce=True, keepdims=keepdims, where=where)


def _elementwise(fns: Fns, name: str, x: Any, out: Any, precision: Any) -> np.ndarray:
    p = _arrays.precision(precision)
    dt, (a,) = _arrays.inputs(x, half=True)
    result = _arrays.output(out, a.shape, dt)
    fn = fns[_arrays.INDEX[dt]]
    ptr = _arrays.pointer
    _arrays.check(fn(ptr(a), ptr(result), _size(a.size), p), name)
    return result


def _fast_elementwise(fns: Fns, x: np.ndarray, out: Any) -> Optional[np.ndarray]:
    """The fast path of sigmoid, log_sigmoid and softplus: the result, or None."""
    dt = x.dtype
    if dt is F32:
        fn = fns[0]
    elif dt is F64:
        fn = fns[1]
    elif (i := _half_index(dt)) is not None:
        fn = fns[i]
    else:
        return None
    if not ((xf := x.flags).c_contiguous and xf.aligned):
        return None
    result: Optional[np.ndarray]
    if out is None:
        result = _empty(x.shape, dt)
    else:
        result = _fast_out(out, x.shape, dt)
        if result is None:
            return None
    n = x.size
    if fn(_data(id(x) + _OFF), _data(id(result) + _OFF),
          _SIZE[n] if n < _NSIZE else c_size_t(n)):
        return None
    return result


_SIGMOID = (_raw("logits_sigmoid_f32"), _raw("logits_sigmoid_f64"),
            _raw("logits_sigmoid_f16"), _raw("logits_sigmoid_bf16"))
_LOG_SIGMOID = (_raw("logits_log_sigmoid_f32"), _raw("logits_log_sigmoid_f64"),
                _raw("logits_log_sigmoid_f16"), _raw("logits_log_sigmoid_bf16"))
_SOFTPLUS = (_raw("logits_softplus_f32"), _raw("logits_softplus_f64"),
             _raw("logits_softplus_f16"), _raw("logits_softplus_bf16"))
# The general paths: a per-call precision.
_SIGMOID_EX = (_raw("logits_sigmoid_ex_f32"), _raw("logits_sigmoid_ex_f64"),
               _raw("logits_sigmoid_ex_f16"), _raw("logits_sigmoid_ex_bf16"))
_LOG_SIGMOID_EX = (_raw("logits_log_sigmoid_ex_f32"), _raw("logits_log_sigmoid_ex_f64"),
                   _raw("logits_log_sigmoid_ex_f16"), _raw("logits_log_sigmoid_ex_bf16"))
_SOFTPLUS_EX = (_raw("logits_softplus_ex_f32"), _raw("logits_softplus_ex_f64"),
                _raw("logits_softplus_ex_f16"), _raw("logits_softplus_ex_bf16"))


def sigmoid(x: ArrayLike, *, out: Optional[np.ndarray] = None,
            precision: Optional[str] = None) -> np.ndarray:
    """The logistic function ``1 / (1 + exp(-x))``, elementwise.

    Each output is in [0, 1] on its own (no sum to 1): use it for independent
    yes/no labels. Never overflows; ``sigmoid(+inf) = 1``, ``sigmoid(-inf) = 0``.

    float16 and bfloat16 inputs give results of their dtype (float32
    arithmetic, each result rounded once).

    >>> import logits, numpy as np
    >>> logits.sigmoid(np.array([1.0, 2.0, 3.0])).round(4)
    array([0.7311, 0.8808, 0.9526])
    """
    if _FAST and type(x) is ndarray and precision is None:
        result = _fast_elementwise(_SIGMOID, x, out)
        if result is not None:
            return result
    return _elementwise(_SIGMOID_EX, "sigmoid", x, out, precision)


def log_sigmoid(x: ArrayLike, *, out: Optional[np.ndarray] = None,
                precision: Optional[str] = None) -> np.ndarray:
    """``log(sigmoid(x)) = -softplus(-x)``, elementwise, finite for finite x.

    float16 and bfloat16 inputs give results of their dtype (float32
    arithmetic, each result rounded once).

    >>> import logits, numpy as np
    >>> logits.log_sigmoid(np.array([-200.0, 0.0]))
    array([-200.        ,   -0.69314718])
    """
    if _FAST and type(x) is ndarray and precision is None:
        result = _fast_elementwise(_LOG_SIGMOID, x, out)
        if result is not None:
            return result
    return _elementwise(_LOG_SIGMOID_EX, "log_sigmoid", x, out, precision)


def softplus(x: ArrayLike, *, out: Optional[np.ndarray] = None,
             precision: Optional[str] = None) -> np.ndarray:
    """``log(1 + exp(x))``, elementwise, without overflow.

    float16 and bfloat16 inputs give results of their dtype (float32
    arithmetic, each result rounded once).

    >>> import logits, numpy as np
    >>> logits.softplus(np.array([-1000.0, 0.0, 1000.0]))
    array([0.00000000e+00, 6.93147181e-01, 1.00000000e+03])
    """
    if _FAST and type(x) is ndarray and precision is None:
        result = _fast_elementwise(_SOFTPLUS, x, out)
        if result is not None:
            return result
    return _elementwise(_SOFTPLUS_EX, "softplus", x, out, precision)


def _two_inputs(y: Any, dy: Any) -> tuple[np.dtype[Any], np.ndarray, np.ndarray]:
    dt, (a, b) = _arrays.inputs(y, dy, half=True)
    if a.shape != b.shape:
        raise LogitsError(f"y has shape {a.shape} but dy has shape {b.shape}")
    return dt, a, b


def _backward_along_axis(fns: Fns, name: str, y: Any, dy: Any, axis: Any, temperature: Any,
                         out: Any, precision: Any) -> np.ndarray:
    p = _arrays.precision(precision)
    dt, a, b = _two_inputs(y, dy)
    plan = _axes.plan(a.shape, axis)
    t = _arrays.temperature(temperature, dt)
    result = _arrays.output(out, a.shape, dt)
    a, b = plan.moved(a), plan.moved(b)
    dest = result if plan.perm is None else np.empty(a.shape, dt)
    fn = fns[_arrays.INDEX[dt]]
    ptr = _arrays.pointer
    _arrays.check(fn(ptr(a), ptr(b), ptr(dest), _size(plan.outer),
                     _size(plan.length), _size(plan.inner), t, p), f"{name}_backward")
    if dest is not result:
        np.copyto(result, _axes.restored(dest, plan))
    return result


def _fast_two(fns: Fns, y: np.ndarray, dy: np.ndarray, out: Any, along_axis: bool) -> Optional[np.ndarray]:
    """The fast path of the backward functions (axis -1, temperature 1 for the
    softmax ones): the result, or None."""
    dt = y.dtype
    shape = y.shape
    if dy.dtype is not dt or dy.shape != shape:
        return None
    if dt is F32:
        fn = fns[0]
    elif dt is F64:
        fn = fns[1]
    elif (i := _half_index(dt)) is not None:
        fn = fns[i]
    else:
        return None
    if not ((yf := y.flags).c_contiguous and (df := dy.flags).c_contiguous and yf.aligned and df.aligned):
        return None
    result: Optional[np.ndarray]
    if out is None:
        result = _empty(shape, dt)
    else:
        result = _fast_out(out, shape, dt)
        if result is None:
            return None
    if along_axis:
        n = shape[-1] if shape else 0
        if not n:
            return None
        status = fn(_data(id(y) + _OFF), _data(id(dy) + _OFF), _data(id(result) + _OFF),
                    _size(y.size // n), _size(n))
    else:
        status = fn(_data(id(y) + _OFF), _data(id(dy) + _OFF), _data(id(result) + _OFF),
                    _size(y.size))
    return None if status else result


_SOFTMAX_BACKWARD = (_raw("logits_softmax_backward_f32"), _raw("logits_softmax_backward_f64"),
                     _raw("logits_softmax_backward_f16"), _raw("logits_softmax_backward_bf16"))
_SOFTMAX_BACKWARD_AXIS = (_raw("logits_softmax_backward_axis_f32"), _raw("logits_softmax_backward_axis_f64"),
                          _raw("logits_softmax_backward_axis_f16"), _raw("logits_softmax_backward_axis_bf16"))
_LOG_SOFTMAX_BACKWARD = (_raw("logits_log_softmax_backward_f32"), _raw("logits_log_softmax_backward_f64"),
                         _raw("logits_log_softmax_backward_f16"), _raw("logits_log_softmax_backward_bf16"))
_LOG_SOFTMAX_BACKWARD_AXIS = (_raw("logits_log_softmax_backward_axis_f32"),
                              _raw("logits_log_softmax_backward_axis_f64"),
                              _raw("logits_log_softmax_backward_axis_f16"),
                              _raw("logits_log_softmax_backward_axis_bf16"))
_SIGMOID_BACKWARD = (_raw("logits_sigmoid_backward_f32"), _raw("logits_sigmoid_backward_f64"),
                     _raw("logits_sigmoid_backward_f16"), _raw("logits_sigmoid_backward_bf16"))
_LOG_SIGMOID_BACKWARD = (_raw("logits_log_sigmoid_backward_f32"), _raw("logits_log_sigmoid_backward_f64"),
                         _raw("logits_log_sigmoid_backward_f16"), _raw("logits_log_sigmoid_backward_bf16"))
_SOFTPLUS_BACKWARD = (_raw("logits_softplus_backward_f32"), _raw("logits_softplus_backward_f64"),
                      _raw("logits_softplus_backward_f16"), _raw("logits_softplus_backward_bf16"))
_SIGMOID_BACKWARD_EX = (_raw("logits_sigmoid_backward_ex_f32"), _raw("logits_sigmoid_backward_ex_f64"),
                        _raw("logits_sigmoid_backward_ex_f16"), _raw("logits_sigmoid_backward_ex_bf16"))
_LOG_SIGMOID_BACKWARD_EX = (_raw("logits_log_sigmoid_backward_ex_f32"),
                            _raw("logits_log_sigmoid_backward_ex_f64"),
                            _raw("logits_log_sigmoid_backward_ex_f16"),
                            _raw("logits_log_sigmoid_backward_ex_bf16"))
_SOFTPLUS_BACKWARD_EX = (_raw("logits_softplus_backward_ex_f32"), _raw("logits_softplus_backward_ex_f64"),
                         _raw("logits_softplus_backward_ex_f16"), _raw("logits_softplus_backward_ex_bf16"))


def softmax_backward(y: ArrayLike, dy: ArrayLike, axis: Axes = LAST, *,
                     temperature: float = ONE,
                     out: Optional[np.ndarray] = None, precision: Optional[str] = None) -> np.ndarray:
    """Gradient of softmax: ``dx = y * (dy - sum(y * dy, axis)) / T``.

    ``y`` is the forward output ``softmax(x, axis, temperature=T)``, ``dy`` the
    upstream gradient of the same shape. ``out`` may be ``y`` or ``dy``.
    ``axis`` (int, tuple or None) as for ``softmax``.

    float16 and bfloat16 ``y`` and ``dy`` give results of their dtype (float32
    arithmetic, each result rounded once); mixed dtypes follow numpy's
    promotion (float16 ``y`` with float32 ``dy`` computes in float32).

    >>> import logits, numpy as np
    >>> y = logits.softmax(np.array([1.0, 2.0, 3.0]))
    >>> logits.softmax_backward(y, np.array([1.0, 0.0, 0.0])).round(4)
    array([ 0.0819, -0.022 , -0.0599])
    """
    if (_FAST and type(y) is ndarray and type(dy) is ndarray and axis is LAST
            and temperature is ONE and precision is None):
        result = _fast_two(_SOFTMAX_BACKWARD, y, dy, out, True)
        if result is not None:
            return result
    return _backward_along_axis(_SOFTMAX_BACKWARD_AXIS, "softmax", y, dy, axis,
                                temperature, out, precision)


def log_softmax_backward(y: ArrayLike, dy: ArrayLike, axis: Axes = LAST, *,
                         temperature: float = ONE,
                         out: Optional[np.ndarray] = None, precision: Optional[str] = None) -> np.ndarray:
    """Gradient of log-softmax: ``dx = (dy - exp(y) * sum(dy, axis)) / T``.

    ``y`` is the forward output ``log_softmax(x, axis, temperature=T)``.
    ``out`` may be ``y`` or ``dy``.

    float16 and bfloat16 ``y`` and ``dy`` give results of their dtype (float32
    arithmetic, each result rounded once); mixed dtypes follow numpy's
    promotion (float16 ``y`` with float32 ``dy`` computes in float32).

    >>> import logits, numpy as np
    >>> y = logits.log_softmax(np.array([1.0, 2.0, 3.0]))
    >>> logits.log_softmax_backward(y, np.array([0.0, 0.0, -1.0])).round(4)
    array([ 0.09  ,  0.2447, -0.3348])
    """
    if (_FAST and type(y) is ndarray and type(dy) is ndarray and axis is LAST
            and temperature is ONE and precision is None):
        result = _fast_two(_LOG_SOFTMAX_BACKWARD, y, dy, out, True)
        if result is not None:
            return result
    return _backward_along_axis(_LOG_SOFTMAX_BACKWARD_AXIS, "log_softmax", y, dy, axis,
                                temperature, out, precision)


def _elementwise_backward(fns: Fns, name: str, y: Any, dy: Any, out: Any, precision: Any) -> np.ndarray:
    p = _arrays.precision(precision)
    dt, a, b = _two_inputs(y, dy)
    result = _arrays.output(out, a.shape, dt)
    fn = fns[_arrays.INDEX[dt]]
    ptr = _arrays.pointer
    _arrays.check(fn(ptr(a), ptr(b), ptr(result), _size(a.size), p), f"{name}_backward")
    return result


def sigmoid_backward(y: ArrayLike, dy: ArrayLike, *,
                     out: Optional[np.ndarray] = None, precision: Optional[str] = None) -> np.ndarray:
    """Gradient of sigmoid from its output: ``dx = dy * y * (1 - y)``.

    float16 and bfloat16 ``y`` and ``dy`` give results of their dtype (float32
    arithmetic, each result rounded once); mixed dtypes follow numpy's
    promotion (float16 ``y`` with float32 ``dy`` computes in float32).

    >>> import logits, numpy as np
    >>> logits.sigmoid_backward(logits.sigmoid(np.array([0.0])), np.array([1.0]))
    array([0.25])
    """
    if _FAST and type(y) is ndarray and type(dy) is ndarray and precision is None:
        result = _fast_two(_SIGMOID_BACKWARD, y, dy, out, False)
        if result is not None:
            return result
    return _elementwise_backward(_SIGMOID_BACKWARD_EX, "sigmoid", y, dy, out, precision)


def log_sigmoid_backward(y: ArrayLike, dy: ArrayLike, *,
                         out: Optional[np.ndarray] = None, precision: Optional[str] = None) -> np.ndarray:
    """Gradient of log-sigmoid from its output: ``dx = dy * (1 - exp(y))``.

    float16 and bfloat16 ``y`` and ``dy`` give results of their dtype (float32
    arithmetic, each result rounded once); mixed dtypes follow numpy's
    promotion (float16 ``y`` with float32 ``dy`` computes in float32).

    >>> import logits, numpy as np
    >>> logits.log_sigmoid_backward(logits.log_sigmoid(np.array([0.0])), np.array([1.0]))
    array([0.5])
    """
    if _FAST and type(y) is ndarray and type(dy) is ndarray and precision is None:
        result = _fast_two(_LOG_SIGMOID_BACKWARD, y, dy, out, False)
        if result is not None:
            return result
    return _elementwise_backward(_LOG_SIGMOID_BACKWARD_EX, "log_sigmoid", y, dy, out, precision)


def softplus_backward(y: ArrayLike, dy: ArrayLike, *,
                      out: Optional[np.ndarray] = None, precision: Optional[str] = None) -> np.ndarray:
    """Gradient of softplus from its output: ``dx = dy * (1 - exp(-y))``,
    which equals ``dy * sigmoid(x)``.

    float16 and bfloat16 ``y`` and ``dy`` give results of their dtype (float32
    arithmetic, each result rounded once); mixed dtypes follow numpy's
    promotion (float16 ``y`` with float32 ``dy`` computes in float32).

    >>> import logits, numpy as np
    >>> logits.softplus_backward(logits.softplus(np.array([0.0])), np.array([1.0]))
    array([0.5])
    """
    if _FAST and type(y) is ndarray and type(dy) is ndarray and precision is None:
        result = _fast_two(_SOFTPLUS_BACKWARD, y, dy, out, False)
        if result is not None:
            return result
    return _elementwise_backward(_SOFTPLUS_BACKWARD_EX, "softplus", y, dy, out, precision)
