"""Exceptions raised by the logits binding."""

from __future__ import annotations

from typing import Any

__all__ = ["LogitsError", "LogitsTypeError", "LogitsAxisError"]

try:
    from numpy.exceptions import AxisError as _AxisError
except ImportError:  # numpy < 1.25
    from numpy import AxisError as _AxisError  # type: ignore[attr-defined,no-redef]


class LogitsError(ValueError):
    """A call into liblogits was refused; nothing was written.

    ``status`` is the C library's ``logits_status`` code (see
    ``include/logits.h``); arguments the binding refuses before calling the
    library carry ``LOGITS_ERROR_INVALID_ARGUMENT`` (2).

    >>> import logits
    >>> try:
    ...     logits.softmax([1.0, 2.0], temperature=0.0)
    ... except logits.LogitsError as e:
    ...     print(e.status)
    2
    """

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.status = int(status)


class LogitsTypeError(LogitsError, TypeError):
    """An argument has a type or dtype Logits cannot work with.

    >>> import logits, numpy as np
    >>> try:
    ...     logits.sigmoid(np.array([1j]))
    ... except TypeError as e:
    ...     print("refused:", type(e).__name__)
    refused: LogitsTypeError
    """


class LogitsAxisError(LogitsError, _AxisError):
    """An axis outside the array's dimensions: a ``LogitsError`` that is
    also numpy's ``AxisError`` (so also an ``IndexError``).

    >>> import logits, numpy as np
    >>> try:
    ...     logits.softmax(np.ones((2, 3)), axis=2)
    ... except logits.LogitsError as e:
    ...     print(e)
    axis 2 is out of bounds for an array of dimension 2
    """

    def __init__(self, axis: int, ndim: int) -> None:
        # numpy's AxisError keeps its own arguments; keep the message instead.
        Exception.__init__(self, f"axis {axis} is out of bounds for an array of dimension {ndim}")
        self.status = 2
        self.axis = axis
        self.ndim = ndim

    def __str__(self) -> str:
        return str(self.args[0])

    def __reduce__(self) -> tuple[type, tuple[Any, Any]]:
        return (type(self), (self.axis, self.ndim))


# Shown and pickled under the package's name (logits.LogitsError), where
# users import them from, as numpy does for its exceptions.
for _cls in (LogitsError, LogitsTypeError, LogitsAxisError):
    _cls.__module__ = "logits"
