"""Cross-entropy losses with their gradients, on numpy arrays.

* ``cross_entropy``: softmax over mutually exclusive classes (one true class
  per sample), with integer labels or soft targets.
* ``binary_cross_entropy``: sigmoid per label, for multi-label problems where
  each label is an independent yes/no; focal loss via ``gamma``/``alpha``.

The dtype, ``out``-style and error rules are those of ``logits.activations``:
the input decides the dtype computed in. Targets, class weights, element
weights and ``pos_weight`` of any real dtype (bool, ints, float16, bfloat16,
float32, float64, longdouble) are converted to the input's dtype (for 16-bit
inputs see below); complex, object or string arrays raise ``LogitsTypeError``.

float16 and bfloat16 (ml_dtypes) logits are computed natively, without a
float32 copy: the library's ``_f16``/``_bf16`` forms widen a block of
samples at a time to float32 and run the float32 kernels (``precision=`` as
for float32). The loss is float32 (a float32 scalar for ``"mean"`` and
``"sum"``, a float32 array for ``"none"``: losses are not rounded to 16
bits), within 1e-6 relative of the float64 loss of the 16-bit inputs; the
gradient has the logits' dtype (``grad_out`` too, and it may be the logits
themselves), each value rounded once, within 0.51 ulp of the format plus
the float32 kernel's error (ACCURACY.md). Class weights, ``pos_weight`` and
``weight`` are converted to float32. Soft and binary targets stay 16-bit
when numpy's promotion of the logits and targets is the logits' 16-bit dtype
(targets of that dtype, or bools and, for the binary loss, 8-bit integers,
converted to it);
when it is not (float16 logits with float32, float64 or bfloat16 targets,
or with a list of floats) the call takes the float32 path: the logits and
targets are converted to float32 (one copy each) and the loss and gradient
are float32, as for float32 logits. The sampler, ``top_k`` and ``argmax``
(``logits.sampling``) read 16-bit logits as they are too.

A refused call writes nothing: not the gradient, nor the logits when the
gradient overwrites them (``where=`` with a gradient writes the masked
logits into the gradient's array, so the binding makes the library's checks
of that call first, with its messages).
"""

from __future__ import annotations

import ctypes
import math
from typing import Any, Literal, Optional, Tuple, Union, overload

import numpy as np
from numpy.typing import ArrayLike

from . import _arrays, _axes, _library
from ._arrays import EPS, F32, F64, I64, LAST, MEAN, ONE, ZERO, half_index, ndarray
from ._errors import LogitsError, LogitsTypeError

__all__ = ["cross_entropy", "binary_cross_entropy", "binary_cross_entropy_with_logits"]

_REDUCTIONS = {"none": 0, "mean": 1, "sum": 2}

# A loss: a numpy scalar for reduction "mean"/"sum", an array for "none".
LossResult = Union[np.ndarray, np.floating]
# What a loss function returns: the loss, or (loss, gradient).
LossOrPair = Union[LossResult, Tuple[LossResult, np.ndarray]]
# axis=: the class axis, or several (a tuple: optax flattens them into one).
Axes = Union[int, Tuple[int, ...]]


def _reduction(reduction: str) -> int:
    try:
        return _REDUCTIONS[reduction]
    except (KeyError, TypeError):
        raise LogitsError(
            f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}") from None


def _as(x: Any, dtype: np.dtype[Any], what: str, shape: Optional[tuple[int, ...]] = None) -> np.ndarray:
    a = _arrays._unmasked(x)
    if a.dtype.kind not in "biuf" and not _arrays._is_bfloat16(a.dtype):
        raise LogitsTypeError(f"{what} has unsupported dtype {a.dtype}")
    if shape is not None:
        if a.shape != tuple(shape):
            try:
                a = np.broadcast_to(a, shape)
            except ValueError:
                raise LogitsError(
                    f"{what} has shape {a.shape}, expected {tuple(shape)}") from None
    return _arrays.as_input(a, dtype)


def _grad_array(input_array: np.ndarray, grad_out: Any, return_grad: bool) -> Optional[np.ndarray]:
    if grad_out is None and not return_grad:
        return None
    return _arrays.output(grad_out, input_array.shape, input_array.dtype, "grad_out")


def _result(loss: np.ndarray, grad: Optional[np.ndarray], return_grad: bool) -> LossOrPair:
    value = loss[()] if loss.ndim == 0 else loss
    if grad is None:  # return_grad always comes with a gradient array
        return value
    return value, grad


def _first_bad(mask: np.ndarray) -> tuple[int, ...]:
    return tuple(int(i) for i in np.argwhere(mask)[0])


# The library's names in cross_entropy's messages -> this function's.
_CE_NAMES = (("class_weight", "weight"),)


def _not_finite_and_nonnegative(a: np.ndarray) -> np.ndarray:
    """Where ``a`` is NaN, infinite or < 0 (float16 and bfloat16 too)."""
    return ~((a >= 0) & (a < np.inf))


def _ce_refusal(opts: Any, labels: Optional[np.ndarray], soft: Optional[np.ndarray],
                w: Optional[np.ndarray], grad: np.ndarray, x: np.ndarray, m: np.ndarray,
                plan: _axes.Plan) -> None:
    """Raises what the library would refuse in a cross_entropy call on the
    masked logits (``x`` where ``m``, else -inf) written into ``grad`` (its
    input and gradient both), with ``labels`` or the (masked) ``soft``
    targets and the class weights ``w``: the same exception and message, by
    the library's checks in their order (crossEntropyRefusal,
    Sources/Logits/Checked/CheckedLosses.swift). Called before the mask is
    written, so that a refused call writes nothing. The options Python
    fills (reduction, flags, precision, struct size) are valid already; the
    one refusal left to the call is the 16-bit forms' scratch memory
    (out of memory)."""
    what, names = "cross_entropy", _CE_NAMES
    invalid = _library.Status.ERROR_INVALID_ARGUMENT
    # The options (CrossEntropyOptions.check).
    if not 0 <= opts.label_smoothing <= 1:
        _arrays.refuse(invalid, "label_smoothing must be in [0, 1]", what, names)
    if not 0 < opts.eps < 0.5:
        _arrays.refuse(invalid, "eps must be in (0, 0.5)", what, names)
    if not (math.isfinite(opts.temperature) and opts.temperature > 0):
        _arrays.refuse(invalid, "temperature must be finite and > 0", what, names)
    if not opts.from_logits and opts.temperature != 1:
        _arrays.refuse(invalid, "temperature must be 1 when the input holds probabilities "
                       "(from_logits = 0)", what, names)
    classes, inner, samples = plan.length, plan.inner, plan.outer * plan.inner
    if classes == 0 and samples:
        _arrays.refuse(invalid, "classes must be > 0 when there are samples", what, names)
    # The buffers: the gradient (the input too) against the targets and weights.
    targets = labels if labels is not None else soft
    for other in (targets, w):
        if other is not None and grad.size and other.size and np.may_share_memory(grad, other):
            overlap = _library.Status.ERROR_OVERLAP
            _arrays.refuse(overlap, _library.status_string(overlap), what, names)
    # The values: class weights, then labels or soft targets, then probabilities.
    if w is not None and w.size:
        bad = _not_finite_and_nonnegative(w)
        if bad.any():
            k = int(np.argmax(bad))
            _arrays.refuse(invalid, "class_weight must be finite and >= 0; class_weight at "
                           f"{_arrays.c_index(k, 0)} is {_arrays.c_number(float(w[k]))}",
                           what, names)
    if labels is not None and labels.size:
        flat = labels.reshape(-1)
        bad = (flat < 0) | (flat >= classes)
        if opts.has_ignore_index:
            bad &= flat != opts.ignore_index
        if bad.any():
            s = int(np.argmax(bad))
            y = int(flat[s])
            at = _arrays.c_index(s, 1, classes, inner)
            text = f"label {y} at position {at} is out of range [0, {classes})"
            if opts.has_ignore_index:
                text += f" and is not the ignore index {_arrays.c_number(float(opts.ignore_index))}"
            elif y < 0:
                text += "; if it marks padding (PyTorch uses -100), pass it as the ignore index"
            _arrays.refuse(_library.Status.ERROR_LABEL_OUT_OF_RANGE, text, what, names)
    if soft is not None and soft.size:
        bad = _not_finite_and_nonnegative(soft).reshape(-1)
        if bad.any():
            p = int(np.argmax(bad))
            _arrays.refuse(invalid, "soft targets must be finite and >= 0; targets at "
                           f"{_arrays.c_index(p, 2, classes, inner)} is "
                           f"{_arrays.c_number(float(soft.reshape(-1)[p]))}", what, names)
    if not opts.from_logits and x.size:
        # Sample by sample ((outer, inner) order), each sample's classes in
        # order, then its sum: the masked classes are -inf, refused.
        shape3 = (plan.outer, classes, inner)
        xs = x.reshape(shape3).transpose(0, 2, 1)
        ms = m.reshape(shape3).transpose(0, 2, 1)
        bad = _not_finite_and_nonnegative(xs) | ~ms
        bad_sample = bad.any(axis=-1)
        failed = bad_sample | ~(xs > 0).any(axis=-1)
        if failed.any():
            o, i = (int(v) for v in np.argwhere(failed)[0])
            hint = "; are these logits? pass from_logits = true"
            if bad_sample[o, i]:
                k = int(np.argmax(bad[o, i]))
                v = float(xs[o, i, k]) if ms[o, i, k] else -math.inf
                at = _arrays.c_index((o * classes + k) * inner + i, 2, classes, inner)
                _arrays.refuse(invalid, "input must be a probability, finite and >= 0; input at "
                               f"{at} is {_arrays.c_number(v)}{hint}", what, names)
            at = _arrays.c_index(o * inner + i, 1, inner=inner)
            _arrays.refuse(invalid, f"the probabilities of sample {at} sum to 0; they must have "
                           f"a positive sum{hint}", what, names)


# Fast paths (see activations.py): default options, arrays already in the
# library's layout. The options structs below are filled once and only read
# by the library (const pointers), so every call can share them.
_FAST = _arrays.FAST
_OFF = _arrays.DATA_OFFSET
_data = _arrays._data
_empty = np.empty
_SIZE = _library.SIZE
_NSIZE = len(_SIZE)
_SIZE1 = _SIZE[1]
_fast_out = _arrays.fast_out


def _default_options(struct: Any, init: Any) -> dict[str, tuple[int, Any]]:
    """reduction name -> (reduction code, ctypes pointer to default options)."""
    table = {}
    for name, code in _REDUCTIONS.items():
        opts = struct()
        init(ctypes.byref(opts))
        opts.reduction = code
        table[name] = (code, ctypes.pointer(opts))
    return table


_CE_DEFAULTS = _default_options(_library.CEOptions, _library.lib.logits_ce_options_init)
_BCE_DEFAULTS = _default_options(_library.BCEOptions, _library.lib.logits_bce_options_init)
_raw = _library.raw_function
# One C function per element type, in the order of abi/operations.h (float32,
# float64, float16, bfloat16: _arrays.INDEX). The 16-bit forms take float32
# weights and write float32 losses (their work type) and 16-bit gradients.
_CE_LABELS = (_raw("logits_cross_entropy_labels_f32"), _raw("logits_cross_entropy_labels_f64"),
              _raw("logits_cross_entropy_labels_f16"), _raw("logits_cross_entropy_labels_bf16"))
_CE_SOFT = (_raw("logits_cross_entropy_soft_f32"), _raw("logits_cross_entropy_soft_f64"),
            _raw("logits_cross_entropy_soft_f16"), _raw("logits_cross_entropy_soft_bf16"))
_BCE = (_raw("logits_binary_cross_entropy_f32"), _raw("logits_binary_cross_entropy_f64"),
        _raw("logits_binary_cross_entropy_f16"), _raw("logits_binary_cross_entropy_bf16"))


def _fast_grad(x: np.ndarray, grad_out: Any, return_grad: bool) -> Any:
    """The gradient array for a fast call, None for no gradient, or False when
    ``grad_out`` needs the general path's checks."""
    if grad_out is None:
        return _empty(x.shape, x.dtype) if return_grad else None
    grad = _fast_out(grad_out, x.shape, x.dtype)
    return False if grad is None else grad


def _fast_cross_entropy(x: np.ndarray, t: np.ndarray, reduction: Any, return_grad: bool,
                        grad_out: Any) -> Optional[LossOrPair]:
    """cross_entropy with integer labels along the last axis and default
    options: the result, or None to take the general path."""
    dt = x.dtype
    shape = x.shape
    if dt is F32:
        fn = _CE_LABELS[0]
        lt = dt
    elif dt is F64:
        fn = _CE_LABELS[1]
        lt = dt
    elif (i := half_index(dt)) is not None:
        fn = _CE_LABELS[i]
        lt = F32  # the 16-bit forms' losses are float32
    else:
        return None
    if (not shape or t.dtype is not I64 or t.shape != shape[:-1]
            or type(reduction) is not str):
        return None
    classes = shape[-1]
    defaults = _CE_DEFAULTS.get(reduction)
    if not classes or defaults is None or not ((xf := x.flags).c_contiguous
                                               and (tf := t.flags).c_contiguous
                                               and xf.aligned and tf.aligned):
        return None
    grad = _fast_grad(x, grad_out, return_grad)
    if grad is False:
        return None
    red, opts = defaults
    loss = _empty(shape[:-1] if red == 0 else (), lt)
    rows = x.size // classes
    if fn(_data(id(x) + _OFF), _data(id(t) + _OFF), None, _data(id(loss) + _OFF),
          None if grad is None else _data(id(grad) + _OFF),
          _SIZE[rows] if rows < _NSIZE else ctypes.c_size_t(rows),
          _SIZE[classes] if classes < _NSIZE else ctypes.c_size_t(classes), _SIZE1, opts):
        return None
    return _result(loss, grad, return_grad)


def _fast_binary_cross_entropy(x: np.ndarray, y: np.ndarray, reduction: Any, return_grad: bool,
                               grad_out: Any) -> Optional[LossOrPair]:
    """binary_cross_entropy with default options: the result, or None."""
    dt = x.dtype
    shape = x.shape
    if dt is F32:
        fn = _BCE[0]
        lt = dt
    elif dt is F64:
        fn = _BCE[1]
        lt = dt
    elif (i := half_index(dt)) is not None:
        fn = _BCE[i]
        lt = F32  # the 16-bit forms' losses are float32
    else:
        return None
    if not shape or y.dtype is not dt or y.shape != shape or type(reduction) is not str:
        return None
    classes = shape[-1]
    defaults = _BCE_DEFAULTS.get(reduction)
    if not classes or defaults is None or not ((xf := x.flags).c_contiguous
                                               and (yf := y.flags).c_contiguous
                                               and xf.aligned and yf.aligned):
        return None
    grad = _fast_grad(x, grad_out, return_grad)
    if grad is False:
        return None
    red, opts = defaults
    loss = _empty(shape if red == 0 else (), lt)
    rows = x.size // classes
    if fn(_data(id(x) + _OFF), _data(id(y) + _OFF), None, None, _data(id(loss) + _OFF),
          None if grad is None else _data(id(grad) + _OFF),
          _SIZE[rows] if rows < _NSIZE else ctypes.c_size_t(rows),
          _SIZE[classes] if classes < _NSIZE else ctypes.c_size_t(classes), opts):
        return None
    return _result(loss, grad, return_grad)


# The return type follows return_grad and grad_out (for type checkers): the
# loss alone, or (loss, gradient). The last overload takes grad_out=None only:
# an array there always means a pair, and two overloads that both accepted an
# array would make mypy answer Any for numpy's Any-typed arrays.
@overload
def cross_entropy(input: ArrayLike, target: ArrayLike, *, axis: Axes = ...,
                  where: Optional[ArrayLike] = ...,
                  from_logits: bool = ..., reduction: str = ..., label_smoothing: float = ...,
                  weight: Optional[ArrayLike] = ..., ignore_index: Optional[int] = ...,
                  temperature: float = ..., eps: float = ..., precision: Optional[str] = ...,
                  return_grad: Literal[False] = ..., grad_out: None = ...) -> LossResult: ...
@overload
def cross_entropy(input: ArrayLike, target: ArrayLike, *, axis: Axes = ...,
                  where: Optional[ArrayLike] = ...,
                  from_logits: bool = ..., reduction: str = ..., label_smoothing: float = ...,
                  weight: Optional[ArrayLike] = ..., ignore_index: Optional[int] = ...,
                  temperature: float = ..., eps: float = ..., precision: Optional[str] = ...,
                  return_grad: Literal[True], grad_out: Optional[np.ndarray] = ...
                  ) -> Tuple[LossResult, np.ndarray]: ...
@overload
def cross_entropy(input: ArrayLike, target: ArrayLike, *, axis: Axes = ...,
                  where: Optional[ArrayLike] = ...,
                  from_logits: bool = ..., reduction: str = ..., label_smoothing: float = ...,
                  weight: Optional[ArrayLike] = ..., ignore_index: Optional[int] = ...,
                  temperature: float = ..., eps: float = ..., precision: Optional[str] = ...,
                  return_grad: bool = ..., grad_out: np.ndarray) -> Tuple[LossResult, np.ndarray]: ...
@overload
def cross_entropy(input: ArrayLike, target: ArrayLike, *, axis: Axes = ...,
                  where: Optional[ArrayLike] = ...,
                  from_logits: bool = ..., reduction: str = ..., label_smoothing: float = ...,
                  weight: Optional[ArrayLike] = ..., ignore_index: Optional[int] = ...,
                  temperature: float = ..., eps: float = ..., precision: Optional[str] = ...,
                  return_grad: bool = ..., grad_out: None = ...) -> LossOrPair: ...
def cross_entropy(input: ArrayLike, target: ArrayLike, *, axis: Axes = LAST,
                  where: Optional[ArrayLike] = None,
                  from_logits: bool = True, reduction: str = MEAN,
                  label_smoothing: float = ZERO, weight: Optional[ArrayLike] = None,
                  ignore_index: Optional[int] = None, temperature: float = ONE,
                  eps: float = EPS, return_grad: bool = False,
                  grad_out: Optional[np.ndarray] = None, precision: Optional[str] = None
                  ) -> LossOrPair:
    """Categorical cross-entropy: softmax over the classes on ``axis``.

    ``target`` holding integers means class labels, one per sample (the
    input's shape without ``axis``); a float ``target`` of the input's shape
    means soft targets (each >= 0). Per sample, with q = (1 - label_smoothing)
    * t + label_smoothing / C and class weights w:
    ``loss = -sum_c w_c q_c log p_c``, where ``log p = log_softmax(input / T)``
    (``from_logits=True``, PyTorch's CrossEntropyLoss) or, for probabilities,
    ``log(clip(input / input.sum(axis), eps, 1 - eps))`` (Keras).

    ``reduction="mean"`` divides by the summed weight of the non-ignored
    labels (PyTorch) or by the number of samples (soft targets); if every
    sample is ignored the loss and gradient are 0. ``"none"`` returns one loss
    per sample, ``"sum"`` their sum.

    ``axis`` may be a tuple of class axes (optax): they are flattened into
    one class axis in C order, ascending axes, and an integer label indexes
    that flattened axis. ``where`` (booleans broadcast to the input's shape,
    JAX's and optax's meaning): classes where it is False take no part, as a
    ``-inf`` logit: probability 0, excluded from the normaliser, zero
    gradient, and their soft-target mass dropped; a label on a masked class
    has probability 0 and loss ``inf`` (optax would take the raw logit
    there). A sample with every class masked is a masked row. With a
    gradient, the gradient's array holds the masked logits (no copy; the
    library's checks of the call are made first, so a refused call leaves
    it, and the logits, as they were); without one, ``where`` costs one
    temporary of the input's size.

    With ``return_grad=True`` returns ``(loss, grad)``, grad = d loss / d input.
    ``precision`` (None, ``"fast"``, ``"exact"``) as for ``softmax``.
    ``grad_out`` receives the gradient and may be ``input`` itself, so the
    gradient overwrites the logits (no extra memory).

    float16 and bfloat16 logits are computed natively (no float32 copy): the
    loss is float32 and the gradient has the logits' dtype; ``weight`` is
    converted to float32, and soft targets stay 16-bit when numpy promotes
    them with the logits to the logits' dtype (else the call computes in
    float32: see ``logits.losses``). ``where=`` then needs a 16-bit
    temporary of the input's size without a gradient, none with one.

    Raises ValueError (``LogitsError``) for a label outside ``[0, C)`` that
    is not ``ignore_index`` (naming the first one: nothing is silently scored
    0, unlike TensorFlow's one-hot), for probabilities that are negative,
    non-finite or sum to 0 with ``from_logits=False``, and for bad options.

    >>> import logits, numpy as np
    >>> x = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
    >>> round(float(logits.cross_entropy(x, np.array([0, 1]))), 6)
    0.31854
    >>> loss, grad = logits.cross_entropy(x, np.array([0, 1]), return_grad=True)
    >>> grad.round(4)
    array([[-0.1705,  0.1212,  0.0493],
           [ 0.0543, -0.0988,  0.0445]])
    """
    if (_FAST and type(input) is ndarray and type(target) is ndarray and axis is LAST
            and from_logits is True and label_smoothing is ZERO and weight is None
            and ignore_index is None and temperature is ONE and eps is EPS and precision is None
            and where is None):
        result = _fast_cross_entropy(input, target, reduction, return_grad, grad_out)
        if result is not None:
            return result
    xa = _arrays._unmasked(input)
    t = _arrays._unmasked(target, "target")
    soft = t.dtype.kind in "fb" or _arrays._is_bfloat16(t.dtype)
    # 16-bit logits stay 16-bit unless soft targets promote them (loss_dtype).
    dt = _arrays.loss_dtype(xa, t) if soft else _arrays.loss_dtype(xa)
    work = _arrays.work_dtype(dt)  # of the weights and the loss: float32 for 16-bit
    x = _arrays.as_input(xa, dt)
    plan = _axes.plan(x.shape, axis)
    classes = plan.length
    red = _reduction(reduction)
    sample_shape = plan.reduced_shape(False)
    without = (f"axis {plan.axes[0]}" if len(plan.axes) == 1 else f"axes {plan.axes}")
    opts = _library.CEOptions()
    _library.lib.logits_ce_options_init(ctypes.byref(opts))
    opts.reduction = red
    opts.from_logits = 1 if from_logits else 0
    opts.label_smoothing = float(label_smoothing)
    opts.temperature = float(temperature)
    opts.eps = float(eps)
    opts.precision = _arrays.precision(precision).value
    m = None if where is None else _axes.mask(where, x.shape)
    if t.dtype.kind in "iu":
        if t.shape != sample_shape:
            raise LogitsError(f"labels have shape {t.shape}, expected {sample_shape} "
                              f"(the input's shape without {without})")
        if t.dtype == np.uint64 and t.size and t.max() > np.iinfo(np.int64).max:
            bad = _first_bad(t > np.iinfo(np.int64).max)
            raise LogitsError(f"label {t[bad]} at position {bad} is out of range "
                              f"[0, {classes})", status=_library.Status.ERROR_LABEL_OUT_OF_RANGE)
        labels = _arrays.as_input(t, np.dtype(np.int64))
        if ignore_index is not None:
            opts.has_ignore_index = 1
            opts.ignore_index = _arrays.integer(ignore_index, "ignore_index")
        kind, targets = "labels", labels
    elif soft:
        if ignore_index is not None:
            raise LogitsError("ignore_index applies to integer labels, not soft targets")
        if t.shape != x.shape:
            hint = ("; class labels need an integer dtype: target.astype(np.int64)"
                    if t.shape == sample_shape else "")
            raise LogitsError(f"soft targets have shape {t.shape}, expected {x.shape}{hint}")
        targets = _arrays.as_input(t, dt)
        if m is not None:  # masked classes carry no target mass (optax)
            targets = np.where(m, targets, np.zeros((), dt))
        kind, targets = "soft", plan.moved(targets)
    else:
        raise LogitsTypeError(f"target has unsupported dtype {t.dtype}: integer labels "
                              "or float soft targets")
    w = None if weight is None else _as(weight, work, "weight")
    if w is not None and w.shape != (classes,):
        raise LogitsError(f"weight has shape {w.shape}, expected ({classes},)")
    loss = np.empty(sample_shape if red == 0 else (), dtype=work)
    grad = _grad_array(x, grad_out, return_grad)
    src = x
    if m is not None:
        if grad is not None:
            _arrays.no_partial_overlap(grad, x, "grad_out")
        # The gradient's array holds the masked logits (the library writes
        # the gradient over them); without a gradient they need a copy.
        in_place = grad is not None and plan.perm is None
        if in_place and grad is not None:
            # Written before the call: refuse first what the library would.
            _ce_refusal(opts, targets if kind == "labels" else None,
                        targets if kind == "soft" else None, w, grad, x, m, plan)
        src = _axes.fill_masked(grad if in_place and grad is not None else np.empty(x.shape, dt), x, m)
    src = plan.moved(src)
    dest = grad if grad is None or plan.perm is None else np.empty(src.shape, dt)
    fn = (_CE_LABELS if kind == "labels" else _CE_SOFT)[_arrays.INDEX[dt]]
    ptr, size = _arrays.pointer, _arrays.size
    status = fn(ptr(src), ptr(targets), None if w is None else ptr(w), ptr(loss),
                None if dest is None else ptr(dest),
                size(plan.outer), size(classes), size(plan.inner), ctypes.byref(opts))
    _arrays.check(status, "cross_entropy", _CE_NAMES)
    if grad is not None and dest is not None and dest is not grad:
        np.copyto(grad, _axes.restored(dest, plan))
    return _result(loss, grad, return_grad)


@overload
def binary_cross_entropy(input: ArrayLike, target: ArrayLike, *, from_logits: bool,
                         pos_weight: Optional[ArrayLike] = ..., weight: Optional[ArrayLike] = ...,
                         label_smoothing: float = ..., gamma: float = ..., alpha: Optional[float] = ...,
                         reduction: str = ..., eps: float = ..., precision: Optional[str] = ...,
                         return_grad: Literal[False] = ..., grad_out: None = ...) -> LossResult: ...
@overload
def binary_cross_entropy(input: ArrayLike, target: ArrayLike, *, from_logits: bool,
                         pos_weight: Optional[ArrayLike] = ..., weight: Optional[ArrayLike] = ...,
                         label_smoothing: float = ..., gamma: float = ..., alpha: Optional[float] = ...,
                         reduction: str = ..., eps: float = ..., precision: Optional[str] = ...,
                         return_grad: Literal[True], grad_out: Optional[np.ndarray] = ...
                         ) -> Tuple[LossResult, np.ndarray]: ...
@overload
def binary_cross_entropy(input: ArrayLike, target: ArrayLike, *, from_logits: bool,
                         pos_weight: Optional[ArrayLike] = ..., weight: Optional[ArrayLike] = ...,
                         label_smoothing: float = ..., gamma: float = ..., alpha: Optional[float] = ...,
                         reduction: str = ..., eps: float = ..., precision: Optional[str] = ...,
                         return_grad: bool = ..., grad_out: np.ndarray) -> Tuple[LossResult, np.ndarray]: ...
@overload
def binary_cross_entropy(input: ArrayLike, target: ArrayLike, *, from_logits: bool,
                         pos_weight: Optional[ArrayLike] = ..., weight: Optional[ArrayLike] = ...,
                         label_smoothing: float = ..., gamma: float = ..., alpha: Optional[float] = ...,
                         reduction: str = ..., eps: float = ..., precision: Optional[str] = ...,
                         return_grad: bool = ..., grad_out: None = ...) -> LossOrPair: ...
def binary_cross_entropy(input: ArrayLike, target: ArrayLike, *, from_logits: Optional[bool] = None,
                         pos_weight: Optional[ArrayLike] = None,
                         weight: Optional[ArrayLike] = None, label_smoothing: float = ZERO,
                         gamma: float = ZERO, alpha: Optional[float] = None,
                         reduction: str = MEAN, eps: float = EPS,
                         return_grad: bool = False, grad_out: Optional[np.ndarray] = None,
                         precision: Optional[str] = None) -> LossOrPair:
    """Binary cross-entropy per element, for independent (multi-label) targets.

    ``from_logits`` is required: ``True`` when ``input`` holds logits
    (PyTorch's ``binary_cross_entropy_with_logits``, also available here
    under that name), ``False`` when it holds probabilities (PyTorch's
    ``binary_cross_entropy``, Keras' default). The frameworks disagree on the
    default, so a call without it is refused instead of guessing.

    ``target`` has the input's shape, values in [0, 1] (soft targets allowed).
    From logits it is PyTorch's BCEWithLogitsLoss,
    ``(1 - y) x - (1 + (pos_weight - 1) y) log_sigmoid(x)``, times ``weight``;
    from probabilities Keras' clipped formula. ``pos_weight`` broadcasts over
    the last axis; ``weight`` broadcasts to the input's shape. Label smoothing
    is Keras': y -> y (1 - e) + e / 2. ``gamma > 0`` and/or ``alpha`` give the
    focal loss ``alpha_t (1 - p_t)^gamma bce`` (torchvision/optax).
    ``reduction="mean"`` divides by the number of elements.

    With ``return_grad=True`` returns ``(loss, grad)``; ``grad_out`` may be
    ``input`` itself.

    float16 and bfloat16 inputs are computed natively (no float32 copy): the
    loss is float32 and the gradient has the input's dtype; ``pos_weight``
    and ``weight`` are converted to float32, and ``target`` stays 16-bit
    when numpy promotes it with the input to the input's dtype (else the
    call computes in float32: see ``logits.losses``).

    >>> import logits, numpy as np
    >>> x = np.array([[1.5, -0.3], [0.2, 2.0]])
    >>> y = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> round(float(logits.binary_cross_entropy(x, y, from_logits=True)), 6)
    0.420209
    >>> round(float(logits.binary_cross_entropy(x, y, from_logits=True, gamma=2.0, alpha=0.25)), 6)
    0.064598
    >>> p = np.array([[0.8, 0.4], [0.5, 0.9]])  # probabilities, as PyTorch's binary_cross_entropy
    >>> round(float(logits.binary_cross_entropy(p, y, from_logits=False)), 6)
    0.383119
    """
    if from_logits is None:
        raise LogitsTypeError(
            "binary_cross_entropy needs from_logits=True (input holds logits, as PyTorch's "
            "binary_cross_entropy_with_logits) or from_logits=False (input holds probabilities, "
            "as PyTorch's binary_cross_entropy and Keras' default)")
    if (_FAST and type(input) is ndarray and type(target) is ndarray and from_logits is True
            and pos_weight is None and weight is None and label_smoothing is ZERO
            and gamma is ZERO and alpha is None and eps is EPS and precision is None):
        result = _fast_binary_cross_entropy(input, target, reduction, return_grad, grad_out)
        if result is not None:
            return result
    xa = _arrays._unmasked(input)
    ya = _arrays._unmasked(target, "target")
    # 16-bit logits stay 16-bit unless the targets promote them (loss_dtype).
    dt = _arrays.loss_dtype(xa, ya)
    work = _arrays.work_dtype(dt)  # of the weights and the loss: float32 for 16-bit
    x = _arrays.as_input(xa, dt)
    red = _reduction(reduction)
    classes = x.shape[-1] if x.ndim else 1
    rows = x.size // classes if classes else 0
    y = _as(ya, dt, "target")
    if y.shape != x.shape:
        raise LogitsError(f"target has shape {y.shape}, expected {x.shape}")
    pw = None if pos_weight is None else _as(pos_weight, work, "pos_weight", (classes,))
    w = None if weight is None else _as(weight, work, "weight", x.shape)
    opts = _library.BCEOptions()
    _library.lib.logits_bce_options_init(ctypes.byref(opts))
    opts.reduction = red
    opts.from_logits = 1 if from_logits else 0
    opts.label_smoothing = float(label_smoothing)
    opts.gamma = float(gamma)
    opts.eps = float(eps)
    opts.precision = _arrays.precision(precision).value
    if alpha is not None:
        opts.has_alpha = 1
        opts.alpha = float(alpha)
    loss = np.empty(x.shape if red == 0 else (), dtype=work)
    grad = _grad_array(x, grad_out, return_grad)
    fn = _BCE[_arrays.INDEX[dt]]
    ptr, size = _arrays.pointer, _arrays.size
    status = fn(ptr(x), ptr(y), None if pw is None else ptr(pw),
                None if w is None else ptr(w), ptr(loss),
                None if grad is None else ptr(grad), size(rows), size(classes),
                ctypes.byref(opts))
    _arrays.check(status, "binary_cross_entropy")
    return _result(loss, grad, return_grad)


@overload
def binary_cross_entropy_with_logits(
        input: ArrayLike, target: ArrayLike, *, pos_weight: Optional[ArrayLike] = ...,
        weight: Optional[ArrayLike] = ..., label_smoothing: float = ..., gamma: float = ...,
        alpha: Optional[float] = ..., reduction: str = ..., precision: Optional[str] = ...,
        return_grad: Literal[False] = ..., grad_out: None = ...) -> LossResult: ...
@overload
def binary_cross_entropy_with_logits(
        input: ArrayLike, target: ArrayLike, *, pos_weight: Optional[ArrayLike] = ...,
        weight: Optional[ArrayLike] = ..., label_smoothing: float = ..., gamma: float = ...,
        alpha: Optional[float] = ..., reduction: str = ..., precision: Optional[str] = ...,
        return_grad: Literal[True], grad_out: Optional[np.ndarray] = ...) -> Tuple[LossResult, np.ndarray]: ...
@overload
def binary_cross_entropy_with_logits(
        input: ArrayLike, target: ArrayLike, *, pos_weight: Optional[ArrayLike] = ...,
        weight: Optional[ArrayLike] = ..., label_smoothing: float = ..., gamma: float = ...,
        alpha: Optional[float] = ..., reduction: str = ..., precision: Optional[str] = ...,
        return_grad: bool = ..., grad_out: np.ndarray) -> Tuple[LossResult, np.ndarray]: ...
@overload
def binary_cross_entropy_with_logits(
        input: ArrayLike, target: ArrayLike, *, pos_weight: Optional[ArrayLike] = ...,
        weight: Optional[ArrayLike] = ..., label_smoothing: float = ..., gamma: float = ...,
        alpha: Optional[float] = ..., reduction: str = ..., precision: Optional[str] = ...,
        return_grad: bool = ..., grad_out: None = ...) -> LossOrPair: ...
def binary_cross_entropy_with_logits(
        input: ArrayLike, target: ArrayLike, *, pos_weight: Optional[ArrayLike] = None,
        weight: Optional[ArrayLike] = None, label_smoothing: float = ZERO, gamma: float = ZERO,
        alpha: Optional[float] = None, reduction: str = MEAN, precision: Optional[str] = None,
        return_grad: bool = False, grad_out: Optional[np.ndarray] = None) -> LossOrPair:
    """``binary_cross_entropy(input, target, from_logits=True, ...)``: the
    input holds logits, as PyTorch's ``binary_cross_entropy_with_logits``
    (the same name, the same meaning, and PyTorch's ``pos_weight`` and
    ``weight``).

    >>> import logits, numpy as np
    >>> x = np.array([[1.5, -0.3], [0.2, 2.0]])
    >>> y = np.array([[1.0, 0.0], [0.0, 1.0]])
    >>> round(float(logits.binary_cross_entropy_with_logits(x, y)), 6)
    0.420209
    """
    kw: dict[str, Any] = dict(from_logits=True, pos_weight=pos_weight, weight=weight,
                              label_smoothing=label_smoothing, gamma=gamma, alpha=alpha,
                              reduction=reduction, precision=precision, return_grad=return_grad,
                              grad_out=grad_out)
    result: LossOrPair = binary_cross_entropy(input, target, **kw)
    return result
