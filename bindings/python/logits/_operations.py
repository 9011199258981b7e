"""The operation list (abi/operations.h), read by the binding and the tests.

The file is an X-macro list for C; this module reads the same lines, so the
C tests, the Python tests, the accuracy tools and the binding share one list.
In the repository it is ``abi/operations.h``; an installed package carries a
copy beside this module.

>>> from logits import _operations as ops
>>> ops.op("softmax_axis").kind
'AXIS_FWD'
>>> ops.BOUNDS[("softmax", "float32")]
('ulp', 1.5)
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple

_HERE = Path(__file__).resolve().parent


def _source() -> Path:
    for path in (_HERE / "operations.h", _HERE.parents[2] / "abi" / "operations.h"):
        if path.exists():
            return path
    raise ImportError("logits: the operation list (operations.h) is missing from the package")


class ElementType(NamedTuple):
    suffix: str  # the C functions' suffix: "f32"
    ctype: str  # the C element type: "float"
    numpy: str  # the numpy dtype name: "float32" ("bfloat16": ml_dtypes' dtype)
    work: str  # the C type of the scalars and of the kernels: "float"

    @property
    def storage(self) -> bool:
        """A 16-bit storage type (widened to ``work`` to compute)."""
        return self.ctype != self.work


class Op(NamedTuple):
    name: str  # logits_<name>_<suffix>
    kind: str  # the signature class (ROW_FWD, AXIS_FWD, EW, ...)
    function: str  # the function it computes; the row and _axis forms share it
    types: str  # ALL (every type) or WIDE (float32 and float64 only)

    def has(self, t: ElementType) -> bool:
        """Whether ``logits_<name>_<t.suffix>`` exists."""
        return self.types == "ALL" or not t.storage


class Bound(NamedTuple):
    metric: str
    bound: float
    measured: float


PATH = _source()
_ENTRY = re.compile(r"^LOGITS_(TYPE|OP|BOUND|FAST_BOUND|SUPPORT)\(([^()]*)\)\s*$", re.M)

TYPES: list[ElementType] = []
OPS: list[Op] = []
CONTRACTS: dict[tuple[str, str], Bound] = {}  # (contract, numpy dtype) -> Bound
FAST_CONTRACTS: dict[str, Bound] = {}  # contract -> Bound of float32, precision "fast"
SUPPORT: list[str] = []  # exported functions that are not operations

for _macro, _args in _ENTRY.findall(PATH.read_text()):
    _a = [s.strip() for s in _args.split(",")]
    if _macro == "TYPE":
        TYPES.append(ElementType(*_a))
    elif _macro == "OP":
        OPS.append(Op(*_a))
    elif _macro == "SUPPORT":
        SUPPORT.append(_a[0])
    elif _macro == "FAST_BOUND":
        FAST_CONTRACTS[_a[0]] = Bound(_a[1], float(_a[2]), float(_a[3]))
    else:
        _numpy = {t.suffix: t.numpy for t in TYPES}[_a[1]]
        CONTRACTS[(_a[0], _numpy)] = Bound(_a[2], float(_a[3]), float(_a[4]))

# (contract, numpy dtype) -> (metric, bound), the form the accuracy tools use.
BOUNDS = {key: (b.metric, b.bound) for key, b in CONTRACTS.items()}
MEASURED = {key: b.measured for key, b in CONTRACTS.items()}
FAST_BOUNDS = {c: (b.metric, b.bound) for c, b in FAST_CONTRACTS.items()}


def bounds(precision: str) -> dict[tuple[str, str], tuple[str, float]]:
    """(contract, numpy dtype) -> (metric, bound) in a precision ("fast" or
    "exact"): float32 has one table per precision, float64 one for both."""
    if precision == "exact":
        return dict(BOUNDS)
    return {key: (FAST_BOUNDS[key[0]] if key[1] == "float32" else b) for key, b in BOUNDS.items()}


def op(name: str) -> Op:
    """The entry for ``logits_<name>_*``."""
    for o in OPS:
        if o.name == name:
            return o
    raise KeyError(name)


def names(*kinds: str) -> list[str]:
    """The operations of the given kinds, in list order."""
    return [o.name for o in OPS if o.kind in kinds]


def functions(*kinds: str) -> list[str]:
    """The functions computed by the operations of the given kinds, each once."""
    seen: list[str] = []
    for o in OPS:
        if o.kind in kinds and o.function not in seen:
            seen.append(o.function)
    return seen


def contracts_of(function: str) -> list[str]:
    """The accuracy contracts of a function: its own name, or for a loss its
    name with the input kind (``cross_entropy_logits``, ``cross_entropy_probs``)."""
    names = {c for c, _ in CONTRACTS}
    return sorted(c for c in names
                  if c == function or c in (function + "_logits", function + "_probs"))


def symbols() -> list[str]:
    """Every C symbol of every operation and type, then the support functions."""
    return [f"logits_{o.name}_{t.suffix}" for o in OPS for t in TYPES if o.has(t)] + \
        [f"logits_{s}" for s in SUPPORT]
