"""pytest configuration for the Logits Python binding tests.

Puts bindings/python on sys.path so that `import logits` picks up the binding
from the source tree, and registers the hypothesis profile used by the suite.
"""

import os
import sys

_HERE = os.path.dirname(os.path.abspath(__file__))
_ROOT = os.path.abspath(os.path.join(_HERE, "..", ".."))
_BINDING = os.path.join(_ROOT, "bindings", "python")
if _BINDING not in sys.path:
    sys.path.insert(0, _BINDING)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)
_TOOLS = os.path.join(_ROOT, "tools")  # accuracy_contract.py
if _TOOLS not in sys.path:
    sys.path.insert(0, _TOOLS)

from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile(
    "logits",
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "logits-thorough",
    max_examples=2000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("LOGITS_HYPOTHESIS_PROFILE", "logits"))

ROOT = _ROOT
BINDING_DIR = _BINDING
