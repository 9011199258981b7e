"""Choosing tokens from logits: the sampler (penalties, logit bias,
temperature, top-k, top-p, min-p in one call), top-k and argmax.

The sampler's steps, their order and each filter's exact rule are those of
``logits_sample_f32`` in include/logits.h (transformers' order by default,
llama.cpp's with ``order="llama.cpp"``). A row's token depends only on the
row, the options and the seed: the same on every machine, thread count and
run.

float16 and bfloat16 (ml_dtypes) logits are read as they are, without a
float32 copy: the library's ``_f16``/``_bf16`` forms widen a block of rows
at a time (exactly) to float32 and run the float32 code on it, so a row's
token is the float32 call's on ``x.astype(np.float32)`` (same seed, same
uniforms) and its log-probabilities are float32 values, the float32 call's.
``top_k`` returns the rows' own 16-bit values (the input's dtype) and
``argmax`` the float32 call's indices. Other dtypes follow numpy's promotion
with float32, as in ``logits.activations``.
"""

from __future__ import annotations

import ctypes
import secrets
from typing import Any, Literal, Mapping, Optional, Sequence, Tuple, Union, overload

import numpy as np
from numpy.typing import ArrayLike

from . import _arrays, _library
from ._arrays import F64, I64, work_dtype
from ._errors import LogitsError, LogitsTypeError

__all__ = ["sample", "top_k", "argmax"]

_raw = _library.raw_function
# One C function per element type, in the order of abi/operations.h (float32,
# float64, float16, bfloat16: _arrays.INDEX). The 16-bit samplers write float32
# log-probabilities (their work type); the 16-bit top-k writes 16-bit values.
_SAMPLE = (_raw("logits_sample_f32"), _raw("logits_sample_f64"),
           _raw("logits_sample_f16"), _raw("logits_sample_bf16"))
_SAMPLE_U = (_raw("logits_sample_from_uniform_f32"), _raw("logits_sample_from_uniform_f64"),
             _raw("logits_sample_from_uniform_f16"), _raw("logits_sample_from_uniform_bf16"))
_TOP_K = (_raw("logits_top_k_f32"), _raw("logits_top_k_f64"),
          _raw("logits_top_k_f16"), _raw("logits_top_k_bf16"))
_ARGMAX = (_raw("logits_argmax_f32"), _raw("logits_argmax_f64"),
           _raw("logits_argmax_f16"), _raw("logits_argmax_bf16"))
_ORDERS = {"transformers": 0, "llama.cpp": 1}
# The library's defaults, read once; each call starts from a copy (one
# ctypes call fewer per sample: the call is short, its overhead shows).
_DEFAULTS = _library.SamplerOptions()
_library.lib.logits_sampler_options_init(ctypes.byref(_DEFAULTS))
_NULL = ctypes.c_void_p(None)
# C names in the library's messages -> this module's keyword names.
_NAMES = (("bias_ids", "logit_bias (token id)"), ("bias_values", "logit_bias (value)"),
          ("history_counts", "history counts"), ("vocabulary (the length of each row)", "vocabulary"))


def _float_array(x: Any, what: str) -> Tuple[np.dtype[Any], np.ndarray]:
    """The logits and the dtype the call reads them in: float32, float64,
    float16 or bfloat16 as they are (C-contiguous: no copy), others as
    numpy promotes them with float32."""
    dt, (a,) = _arrays.inputs(x, half=True)
    if a.ndim not in (1, 2):
        raise LogitsError(f"{what}: logits must be 1-D (vocab,) or 2-D (rows, vocab); got shape {a.shape}")
    return dt, a


def _history(history: Any, rows: int) -> Optional[np.ndarray]:
    """History ids as a C-contiguous int64 (rows, length) array, ragged rows
    padded with -1."""
    if history is None or (not isinstance(history, np.ndarray) and len(history) == 0):
        return None
    if isinstance(history, np.ndarray) or (len(history) > 0 and np.isscalar(history[0])):
        h = np.asarray(history)
        if h.dtype.kind not in "iu" and h.size:
            raise LogitsTypeError(f"sample: history must hold integer token ids, not {h.dtype}")
        h = np.ascontiguousarray(h, dtype=I64)
        if h.ndim == 1:
            h = h.reshape(1, -1) if rows == 1 else np.broadcast_to(h, (rows, h.size)).copy()
    else:
        lists = [np.asarray(r) for r in history]
        if any(r.dtype.kind not in "iu" and r.size for r in lists):
            raise LogitsTypeError("sample: history must hold integer token ids")
        width = max((r.size for r in lists), default=0)
        h = np.full((len(lists), width), -1, dtype=I64)
        for i, r in enumerate(lists):
            h[i, :r.size] = r
    if h.ndim != 2 or h.shape[0] != rows:
        raise LogitsError(f"sample: history has {h.shape[0] if h.ndim == 2 else h.shape} rows; "
                          f"the logits have {rows}")
    return h


# The return type follows return_logprobs (for type checkers): the tokens (an
# int64 scalar for 1-D logits, else an array), or (tokens, logprobs, raw).
@overload
def sample(logits: ArrayLike, *, temperature: float = ..., top_k: Optional[int] = ...,
           top_p: Optional[float] = ..., min_p: Optional[float] = ...,
           repetition_penalty: Optional[float] = ..., presence_penalty: Optional[float] = ...,
           frequency_penalty: Optional[float] = ...,
           logit_bias: Optional[Mapping[int, float]] = ...,
           history: Union[ArrayLike, Sequence[Sequence[int]], None] = ...,
           order: str = ..., seed: Optional[int] = ...,
           uniform: Optional[ArrayLike] = ..., return_logprobs: Literal[False] = ...) -> Any: ...
@overload
def sample(logits: ArrayLike, *, temperature: float = ..., top_k: Optional[int] = ...,
           top_p: Optional[float] = ..., min_p: Optional[float] = ...,
           repetition_penalty: Optional[float] = ..., presence_penalty: Optional[float] = ...,
           frequency_penalty: Optional[float] = ...,
           logit_bias: Optional[Mapping[int, float]] = ...,
           history: Union[ArrayLike, Sequence[Sequence[int]], None] = ...,
           order: str = ..., seed: Optional[int] = ...,
           uniform: Optional[ArrayLike] = ..., return_logprobs: Literal[True]) -> Tuple[Any, Any, Any]: ...
@overload
def sample(logits: ArrayLike, *, temperature: float = ..., top_k: Optional[int] = ...,
           top_p: Optional[float] = ..., min_p: Optional[float] = ...,
           repetition_penalty: Optional[float] = ..., presence_penalty: Optional[float] = ...,
           frequency_penalty: Optional[float] = ...,
           logit_bias: Optional[Mapping[int, float]] = ...,
           history: Union[ArrayLike, Sequence[Sequence[int]], None] = ...,
           order: str = ..., seed: Optional[int] = ...,
           uniform: Optional[ArrayLike] = ..., return_logprobs: bool = ...) -> Any: ...
def sample(logits: ArrayLike, *, temperature: float = 1.0, top_k: Optional[int] = None,
           top_p: Optional[float] = None, min_p: Optional[float] = None,
           repetition_penalty: Optional[float] = None, presence_penalty: Optional[float] = None,
           frequency_penalty: Optional[float] = None,
           logit_bias: Optional[Mapping[int, float]] = None,
           history: Union[ArrayLike, Sequence[Sequence[int]], None] = None,
           order: str = "transformers", seed: Optional[int] = None,
           uniform: Optional[ArrayLike] = None, return_logprobs: bool = False) -> Any:
    """Draws one token per row of ``logits`` ((vocab,) or (rows, vocab)).

    Steps (include/logits.h gives each rule exactly): penalties on the tokens
    in ``history`` (``repetition_penalty`` divides a positive logit and
    multiplies a negative one, once per token; ``frequency_penalty`` times
    the count plus ``presence_penalty`` is subtracted), ``logit_bias`` added
    (``-inf`` bans a token), then with ``order="transformers"`` (default)
    temperature, top-k (ties at the k-th value kept), top-p (the smallest
    most-probable set reaching ``top_p``), min-p (at least ``min_p`` times the
    top token's probability); ``order="llama.cpp"`` applies the temperature
    last. ``temperature=0`` is greedy (the arg max, lowest index on ties).

    ``history``: token ids per row, a 2-D integer array (``-1`` pads) or a
    list of lists; a 1-D sequence for 1-D logits. ``seed``: the same seed
    gives the same tokens everywhere; ``None`` draws a fresh 64-bit seed.
    ``uniform``: one number in [0, 1) per row to draw with instead of the
    seed. Returns the token (an int64 scalar for 1-D logits, else an int64
    array of rows); with ``return_logprobs=True`` also the chosen tokens'
    log-probabilities under the final distribution and under the softmax
    of the unmodified logits, in the logits' dtype. float16 and bfloat16
    logits are sampled as they are (no float32 copy): the tokens are those
    of the float32 call on ``logits.astype(np.float32)`` with the same seed
    or uniforms, and the log-probabilities are float32 (that call's).

    >>> import logits, numpy as np
    >>> x = np.log(np.array([0.1, 0.2, 0.3, 0.4]))
    >>> int(logits.sample(x, temperature=0))          # greedy
    3
    >>> int(logits.sample(x, top_k=1, seed=7))
    3
    >>> tok, lp, raw = logits.sample(x, top_k=2, seed=1, return_logprobs=True)
    >>> bool(np.isclose(np.exp(lp), [3 / 7, 4 / 7][int(tok) - 2]))
    True
    """
    what = "sample"
    x = logits
    if (_arrays.FAST and type(x) is np.ndarray and ((dt := x.dtype) is _arrays.F32 or dt is _arrays.F64)
            and x.ndim in (1, 2) and (xf := x.flags).c_contiguous and xf.aligned):
        pass  # the common case, without the general conversion (it is most of a short call)
    else:
        dt, x = _float_array(logits, what)
    one_row = x.ndim == 1
    rows, vocab = (1, x.shape[0]) if one_row else x.shape
    if order not in _ORDERS:
        raise LogitsError(f"{what}: order must be 'transformers' or 'llama.cpp', not {order!r}")
    o = _library.SamplerOptions.from_buffer_copy(_DEFAULTS)
    o.order = _ORDERS[order]
    o.temperature = float(temperature)
    if top_k is not None:
        o.top_k = _arrays.integer(top_k, "top_k")
    if top_p is not None:
        o.top_p = float(top_p)
    if min_p is not None:
        o.min_p = float(min_p)
    if repetition_penalty is not None:
        o.repetition_penalty = float(repetition_penalty)
    if presence_penalty is not None:
        o.presence_penalty = float(presence_penalty)
    if frequency_penalty is not None:
        o.frequency_penalty = float(frequency_penalty)
    o.seed = secrets.randbits(64) if seed is None else _arrays.integer(seed, "seed", 0, 2**64 - 1)
    keep = []  # arrays the options point into, alive until the call returns
    h = _history(history, rows)
    if h is not None and h.size:
        keep.append(h)
        o.history = h.ctypes.data
        o.history_len = h.shape[1]
    if logit_bias:
        ids = np.fromiter((_arrays.integer(k, "logit_bias token id") for k in logit_bias), dtype=I64)
        vals = np.fromiter((float(v) for v in logit_bias.values()), dtype=F64)
        keep += [ids, vals]
        o.bias_ids, o.bias_values, o.n_bias = ids.ctypes.data, vals.ctypes.data, ids.size
    tokens = np.empty(rows, dtype=I64)
    lp_dtype = work_dtype(dt)  # float32 for 16-bit logits
    lp = np.empty(rows, dtype=lp_dtype) if return_logprobs else None
    raw = np.empty(rows, dtype=lp_dtype) if return_logprobs else None
    ptr = _arrays.pointer
    lp_p = ptr(lp) if lp is not None else _NULL
    raw_p = ptr(raw) if raw is not None else _NULL
    i = _arrays.INDEX[dt]
    if uniform is None:
        status = _SAMPLE[i](ptr(x), ptr(tokens), lp_p, raw_p, _arrays.size(rows), _arrays.size(vocab),
                            ctypes.byref(o))
    else:
        u = np.ascontiguousarray(np.asarray(uniform, dtype=F64).reshape(-1))
        if u.size != rows:
            raise LogitsError(f"{what}: uniform has {u.size} values; the logits have {rows} rows")
        status = _SAMPLE_U[i](ptr(x), ptr(u), ptr(tokens), lp_p, raw_p, _arrays.size(rows),
                              _arrays.size(vocab), ctypes.byref(o))
    _arrays.check(status, what, _NAMES)
    del keep
    if one_row:
        result: Any = tokens[0]
        return (result, lp[0], raw[0]) if return_logprobs else result  # type: ignore[index]
    return (tokens, lp, raw) if return_logprobs else tokens


def _rows_last(x: Any, axis: int, what: str) -> Tuple[np.dtype[Any], np.ndarray, int]:
    """The dtype read (float16 and bfloat16 kept), ``x`` with ``axis`` moved
    last, C-contiguous (one copy unless it is last already), and the
    normalised axis."""
    dt, (a,) = _arrays.inputs(x, half=True)
    if a.ndim == 0:
        raise LogitsError(f"{what}: needs at least one dimension")
    ax = _arrays.layout(a.shape, axis)[0]
    return dt, _arrays.as_input(np.moveaxis(a, ax, -1), dt), ax


def top_k(x: ArrayLike, k: int, *, axis: int = -1) -> Tuple[np.ndarray, np.ndarray]:
    """The ``k`` largest values along ``axis`` and their indices, largest
    first, ties to the lower index, NaN above every number (torch.topk's
    values, in a stable order). Found by partial selection, not a sort.
    Returns ``(values, indices)`` with ``axis`` of length ``k``; indices are
    int64. A non-last axis is moved last with one copy. float16 and bfloat16
    inputs are read as they are (no float32 copy): the values are the
    input's own, in its dtype, and the indices those of the float32 call on
    ``x.astype(np.float32)``.

    >>> import logits, numpy as np
    >>> v, i = logits.top_k(np.array([3.0, 1.0, 3.0, 5.0]), 2)
    >>> v.tolist(), i.tolist()
    ([5.0, 3.0], [3, 0])
    """
    what = "top_k"
    dt, a, ax = _rows_last(x, axis, what)
    kk = _arrays.integer(k, "k", 0)
    cols = a.shape[-1]
    rows = a.size // cols if cols else int(np.prod(a.shape[:-1]))
    out_shape = a.shape[:-1] + (kk,)
    values = np.empty(out_shape, dtype=dt)  # the input's dtype, 16-bit too
    indices = np.empty(out_shape, dtype=I64)
    status = _TOP_K[_arrays.INDEX[dt]](
        _arrays.pointer(a), _arrays.pointer(values), _arrays.pointer(indices), _arrays.size(rows),
        _arrays.size(cols), _arrays.size(kk))
    _arrays.check(status, what, (("the length of each row", "the length of the axis"),))
    return np.moveaxis(values, -1, ax), np.moveaxis(indices, -1, ax)


def argmax(x: ArrayLike, *, axis: int = -1) -> Any:
    """The index of the largest value along ``axis`` (lowest index on ties,
    the first NaN if any: numpy.argmax's rule), as int64; a 1-D input gives
    a scalar. float16 and bfloat16 inputs are read as they are (no float32
    copy; the float32 call's indices).

    >>> import logits, numpy as np
    >>> int(logits.argmax(np.array([1.0, 7.0, 7.0])))
    1
    """
    what = "argmax"
    dt, a, _ = _rows_last(x, axis, what)
    cols = a.shape[-1]
    rows = int(np.prod(a.shape[:-1]))
    out = np.empty(a.shape[:-1], dtype=I64)
    status = _ARGMAX[_arrays.INDEX[dt]](
        _arrays.pointer(a), _arrays.pointer(out), _arrays.size(rows), _arrays.size(cols))
    _arrays.check(status, what, _NAMES)
    return out[()] if out.ndim == 0 else out
