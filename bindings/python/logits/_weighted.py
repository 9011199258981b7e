"""SciPy's ``logsumexp(a, axis, b, keepdims, return_sign)``: weights ``b``
(possibly negative) and the sign of the sum, on top of the library's
logsumexp (``core``).

With weights of one sign the sum is the library's logsumexp of
``x + T log|b|`` over the entries with ``b != 0``. With both signs it is two
such sums, P over the positive weights and N over the negative ones, and
``log|e^P - e^N| = max + log1p(-exp(min - max))``, computed in float64 from
the two (each within the library's bound); its sign is that of ``P - N``.
The difference of two nearly equal sums loses what any method loses there:
the result's relative error grows as ``1 / (1 - exp(min - max))``.

float16 and bfloat16 inputs (the dtype numpy's promotion of ``x`` and ``b``
gives, as for the other 16-bit capable functions): ``x + T log|b|`` is
formed in float32 (in the 16-bit format it would round every term to 8 or
11 bits before the sum), the library's float32 logsumexp sums it, and the
result is rounded once to the 16-bit format. The float32 temporary is the
one a float32 ``x`` needs too, in twice the 16-bit input's bytes.
"""

from __future__ import annotations

from typing import Any, Callable, Tuple, Union

import numpy as np

from . import _arrays, _axes
from ._errors import LogitsError

Reduced = Union[np.ndarray, np.floating[Any]]
Core = Callable[[Any, Any, bool, Any, Any, Any, Any], np.ndarray]


def _sign(value: np.ndarray) -> np.ndarray:
    """+1, 0 for a result of -inf (an empty or zero sum), NaN for NaN."""
    sign = np.where(value == -np.inf, 0.0, 1.0).astype(value.dtype)
    sign[np.isnan(value)] = np.nan
    return sign


def _combined(lp: np.ndarray, ln: np.ndarray, dtype: np.dtype[Any]) -> Tuple[np.ndarray, np.ndarray]:
    """(log|e^lp - e^ln|, sign) from the positive and the negative part."""
    p = lp.astype(np.float64)
    n = ln.astype(np.float64)
    hi = np.maximum(p, n)
    lo = np.minimum(p, n)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        value = np.asarray(hi + np.log1p(-np.exp(lo - hi)))
    value[hi == -np.inf] = -np.inf  # both sums empty: log 0
    value[np.isnan(p) | np.isnan(n)] = np.nan
    sign = np.asarray(np.where(p > n, 1.0, np.where(n > p, -1.0, 0.0)))
    sign[np.isnan(value)] = np.nan
    return value.astype(dtype), sign.astype(dtype)


def logsumexp(core: Core, x: Any, axis: Any, b: Any, keepdims: bool, return_sign: bool, where: Any,
              temperature: Any, out: Any, precision: Any) -> Union[Reduced, Tuple[Reduced, Reduced]]:
    """logits.logsumexp with ``b`` or ``return_sign`` (see its docstring)."""
    if b is None:
        value = core(x, axis, keepdims, where, temperature, None, precision)
        sign = _sign(value)
    else:
        dt, (a, w) = _arrays.inputs(x, b, half=True)
        work = _arrays.work_dtype(dt)  # float32 for the 16-bit formats
        try:
            shape = np.broadcast_shapes(a.shape, w.shape)
        except ValueError:
            raise LogitsError(f"b has shape {w.shape}, which does not broadcast with the input's "
                              f"shape {a.shape}") from None
        t = float(_arrays.temperature(temperature, dt).value)
        a = np.broadcast_to(a, shape)
        w = np.broadcast_to(w, shape)
        take = w != 0  # NaN weights take part (and make the result NaN), as SciPy
        if where is not None:
            take &= _axes.mask(where, shape)
        with np.errstate(divide="ignore", invalid="ignore"):
            y = np.add(a, (np.log(np.abs(w), dtype=work) * t).astype(work), dtype=work)
        negative = w < 0
        if not negative.any():
            value = core(y, axis, keepdims, take, temperature, None, precision).astype(dt, copy=False)
            sign = _sign(value)
        else:
            lp = core(y, axis, keepdims, take & ~negative, temperature, None, precision)
            ln = core(y, axis, keepdims, take & negative, temperature, None, precision)
            value, sign = _combined(lp, ln, dt)
    if not return_sign:
        value[sign < 0] = np.nan  # log of a negative sum, as SciPy
    if out is not None:
        result = _arrays.output(out, value.shape, value.dtype)
        np.copyto(result, value)
        value = result
    elif not value.ndim:
        if return_sign:
            return value[()], sign[()]
        return value[()]
    return (value, sign) if return_sign else value
