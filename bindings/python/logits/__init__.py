"""Logits: exact, fast softmax, sigmoid and their losses and gradients.

A thin ctypes binding to liblogits.so (see include/logits.h for the C API).

>>> import logits, numpy as np
>>> p = logits.softmax(np.array([1.0, 2.0, 3.0]))   # mutually exclusive classes
>>> round(float(p.sum()), 12)
1.0
>>> logits.sigmoid(np.array([1.0, 2.0, 3.0])).round(4)  # independent labels
array([0.7311, 0.8808, 0.9526])
"""

from __future__ import annotations

from . import _library, activations, losses, runtime, sampling
from ._errors import LogitsAxisError, LogitsError, LogitsTypeError

# The public functions are those each module lists in its __all__.
from .activations import *  # noqa: F403
from .losses import *  # noqa: F403
from .runtime import *  # noqa: F403
from .sampling import *  # noqa: F403

# The loaded C library's LOGITS_VERSION_STRING: one truth for the version
# (include/logits.h), which `pip install .` also uses for the package metadata.
__version__: str = _library.version_string()


def version() -> str:
    """The version string of the loaded C library, e.g. ``"0.1.0"``.

    >>> import logits
    >>> logits.version() == logits.__version__
    True
    """
    return _library.version_string()


__all__ = ["LogitsError", "LogitsTypeError", "LogitsAxisError", "version", "__version__"]
__all__ += activations.__all__
__all__ += losses.__all__
__all__ += sampling.__all__
__all__ += runtime.__all__
