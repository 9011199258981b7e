"""What a type checker sees of the Python door (make lint: mypy --strict).

Each assert_type fails the check if a flag stops selecting its return type;
each `type: ignore[...]` marks a call the checker must refuse (mypy --strict
warns about an ignore that is not needed, so an accepted call fails too).
The file also runs (python Tests/typing/usage.py) without error.
"""

from __future__ import annotations

from typing import Any, Tuple, Union

import numpy as np
from typing_extensions import assert_type

import logits
from logits.losses import LossResult

Reduced = Union[np.ndarray, np.floating[Any]]

x = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3]])
labels = np.array([0, 1])

loss = logits.cross_entropy(x, labels)
assert_type(loss, LossResult)
pair = logits.cross_entropy(x, labels, return_grad=True)
assert_type(pair, Tuple[LossResult, np.ndarray])
loss, grad = pair
g: np.ndarray = np.empty_like(x)
assert_type(logits.cross_entropy(x, labels, grad_out=g), Tuple[LossResult, np.ndarray])

y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
assert_type(logits.binary_cross_entropy(x, y, from_logits=True), LossResult)
assert_type(logits.binary_cross_entropy_with_logits(x, y, return_grad=True),
            Tuple[LossResult, np.ndarray])
try:
    logits.binary_cross_entropy(x, y)  # type: ignore[call-overload]
except logits.LogitsTypeError:
    pass

assert_type(logits.softmax(x, axis=None), np.ndarray)
assert_type(logits.logsumexp(x), Reduced)
assert_type(logits.logsumexp(x, axis=(0, 1), return_sign=True), Tuple[Reduced, Reduced])
assert_type(logits.logsumexp(x, -1, None, False, True), Tuple[Reduced, Reduced])

tokens, logprob, raw = logits.sample(x, seed=1, return_logprobs=True)
values, ids = logits.top_k(x, 2)
assert_type(values, np.ndarray)
