"""Axes as SciPy and JAX take them (an int, a tuple of ints, or None for
every axis) and boolean ``where=`` masks, brought to the C library's one
layout: ``outer x length x inner`` over a C-contiguous array, where the
reduced axes are the middle ``length``.

A set of axes that is one run of neighbouring axes (every int axis, ``None``,
``()``, ``(1, 2)`` of a 3-d array) is that layout already: no copy. Any
other set (``(0, 2)`` of a 3-d array) is moved to the end in one copy, and
the result moved back.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple, Optional

import numpy as np

from ._errors import LogitsAxisError, LogitsError, LogitsTypeError


class Plan(NamedTuple):
    """How an array of ``shape`` is handed to the library for ``axes``."""

    shape: tuple[int, ...]
    axes: tuple[int, ...]      # the reduced axes, ascending
    outer: int
    length: int
    inner: int
    perm: Optional[tuple[int, ...]]  # None: no move; else the transpose to apply

    def reduced_shape(self, keepdims: bool) -> tuple[int, ...]:
        """The shape of a reduction's result."""
        if keepdims:
            return tuple(1 if i in self.axes else n for i, n in enumerate(self.shape))
        return tuple(n for i, n in enumerate(self.shape) if i not in self.axes)

    def moved(self, a: np.ndarray) -> np.ndarray:
        """``a`` (of ``shape``) in the library's layout: the reduced axes last
        (a C-contiguous copy) when they are not neighbours, else ``a``."""
        if self.perm is None:
            return a
        return np.ascontiguousarray(np.transpose(a, self.perm))


def _one_axis(value: Any, ndim: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise LogitsTypeError(f"axis must be an integer, a tuple of integers or None, got {value!r}")
    if not -ndim <= value < ndim:
        raise LogitsAxisError(int(value), ndim)
    return int(value) % ndim


def plan(shape: tuple[int, ...], axis: Any) -> Plan:
    """The layout for ``axis``: an int, a tuple or list of ints, or None
    (every axis). A 0-d array has one element and takes axis None, (), 0 or
    -1 (as SciPy and PyTorch do).

    >>> plan((2, 3, 4), -1)[1:5]
    ((2,), 6, 4, 1)
    >>> plan((2, 3, 4), None)[1:5]
    ((0, 1, 2), 1, 24, 1)
    >>> plan((2, 3, 4), (0, 2))[1:]
    ((0, 2), 3, 8, 1, (1, 0, 2))
    """
    ndim = len(shape)
    if ndim == 0:  # one element: axis None, (), 0 or -1 reduce over it
        if axis is None or (isinstance(axis, tuple) and not axis):
            return Plan(shape, (), 1, 1, 1, None)
        if isinstance(axis, (int, np.integer)) and not isinstance(axis, (bool, np.bool_)):
            if axis in (0, -1):
                return Plan(shape, (), 1, 1, 1, None)
            raise LogitsAxisError(int(axis), 0)
    if axis is None:
        axes: tuple[int, ...] = tuple(range(ndim))
    elif isinstance(axis, (tuple, list)):
        axes = tuple(sorted(_one_axis(a, ndim) for a in axis))
        if len(set(axes)) != len(axes):
            raise LogitsError(f"axis {tuple(axis)!r} names an axis twice")
    else:
        axes = (_one_axis(axis, ndim),)
    if not axes:  # each element on its own
        return Plan(shape, axes, math.prod(shape), 1, 1, None)
    first, last = axes[0], axes[-1]
    length = math.prod(shape[a] for a in axes)
    if last - first + 1 == len(axes):
        return Plan(shape, axes, math.prod(shape[:first]), length, math.prod(shape[last + 1:]), None)
    rest = tuple(i for i in range(ndim) if i not in axes)
    return Plan(shape, axes, math.prod(shape[i] for i in rest), length, 1, rest + axes)


def restored(moved: np.ndarray, p: Plan) -> np.ndarray:
    """An elementwise result computed in the moved layout, as a view in the
    input's axis order."""
    if p.perm is None:
        return moved
    return np.transpose(moved, np.argsort(p.perm))


def mask(where: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``where`` as a boolean array broadcast to ``shape`` (a view, no copy).

    >>> mask([True, False], (2, 2)).tolist()
    [[True, False], [True, False]]
    """
    m = np.asarray(where)
    if m.dtype != np.bool_:
        raise LogitsTypeError(f"where must be a boolean array (True: take part), got dtype {m.dtype}; "
                              "for 0/1 values pass where.astype(bool)")
    try:
        return np.broadcast_to(m, shape)
    except ValueError:
        raise LogitsError(f"where has shape {m.shape}, which does not broadcast to the input's "
                          f"shape {shape}") from None


def fill_masked(dest: np.ndarray, x: np.ndarray, m: np.ndarray) -> np.ndarray:
    """``dest`` holding ``x`` where ``m`` is True and -inf elsewhere (so the
    entry takes no part in a softmax, a logsumexp or a cross-entropy).
    ``dest`` may be ``x`` itself."""
    if dest is not x:
        np.copyto(dest, x)
    np.copyto(dest, -np.inf, where=~m)
    return dest
