#!/bin/sh
# `pip install .` into a new virtual environment, then `import logits` from a
# directory outside the repository with LOGITS_LIBRARY unset: the package must
# load the library bundled inside it, report the header's version, and compute.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-python3}
venv="$root/build/ship/${LOGITS_VENV_NAME:-venv}"
# What to install: the repository (default) or a file such as an sdist or a
# wheel.
source="${LOGITS_INSTALL_FROM:-$root}"
cd "$root"
"$PYTHON" -c "import venv, ensurepip" 2>/dev/null || {
    echo "error: '$PYTHON' cannot create virtual environments: apt-get install python3-venv"; exit 1; }
rm -rf "$venv"
"$PYTHON" -m venv "$venv"
# pip fetches setuptools (build isolation) and numpy from PyPI, or its cache.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$source"
header_version=$(sed -n 's/^#define LOGITS_VERSION_STRING "\(.*\)"/\1/p' include/logits.h)
elsewhere=$(mktemp -d)
trap 'rm -rf "$elsewhere"' EXIT
cd "$elsewhere"
env -u LOGITS_LIBRARY -u PYTHONPATH "$venv/bin/python" - "$header_version" "$venv" <<'PY'
import importlib.metadata, os, sys
from pathlib import Path

import numpy as np

import logits
from logits import _library

header_version, venv = sys.argv[1], Path(sys.argv[2]).resolve()
checks = []

def check(what, ok):
    checks.append(ok)
    print(("ok   " if ok else "FAIL ") + what)

package = Path(logits.__file__).resolve().parent
check(f"imported from the venv ({package})", venv in package.parents)
check(f"loaded the bundled library ({_library.lib._name})",
      Path(_library.lib._name).resolve().parent == package)
# The distribution is logits-native (PyPI's `logits` is another project's),
# the import package logits.
check(f"__version__ {logits.__version__} == header {header_version} == metadata "
      f"{importlib.metadata.version('logits-native')}",
      logits.__version__ == header_version == importlib.metadata.version("logits-native") == logits.version())
check("py.typed is installed", (package / "py.typed").is_file())
x = np.array([[1.0, 2.0, 3.0], [1000.0, 0.0, -1000.0]])
ref = np.exp(x - x.max(axis=1, keepdims=True))
ref /= ref.sum(axis=1, keepdims=True)
p = logits.softmax(x, axis=-1)
check(f"softmax rows {np.round(p[0], 4)} match numpy", np.allclose(p, ref, rtol=1e-14, atol=0))
loss = logits.cross_entropy(x, np.array([2, 0]))
want = np.mean([np.log(np.exp(x[0]).sum()) - 3.0, 0.0])
check(f"cross_entropy {float(loss):.6f} matches numpy", abs(float(loss) - want) < 1e-14)
print(f"pip: {sum(checks)} passed, {len(checks) - sum(checks)} failed")
sys.exit(0 if all(checks) else 1)
PY
