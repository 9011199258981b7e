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

import pytest  # noqa: E402
from hypothesis import HealthCheck, settings  # noqa: E402

import logits  # noqa: E402

PRECISIONS = ["fast", "exact"]


@pytest.fixture(autouse=True, scope="session", params=PRECISIONS)
def precision(request):
    """Every test runs once per float32 precision: the process default is set
    to it, so every call that does not pass precision= computes in it, and the
    tolerances (logits_ref, the accuracy contract) read its bounds."""
    logits.set_precision(request.param)
    yield request.param
    logits.set_precision(None)


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
