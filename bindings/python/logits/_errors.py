"""Exceptions raised by the logits binding."""

from __future__ import annotations

__all__ = ["LogitsError", "LogitsTypeError"]


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
