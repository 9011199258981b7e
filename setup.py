"""Build step for `pip install .`: compile liblogits.so and bundle it.

Everything declarative lives in pyproject.toml. This file adds what cannot be
declared there:

* the version, read from LOGITS_VERSION_STRING in include/logits.h (the one
  place it is written; the C library reports the same string at run time and
  ``logits.__version__`` is that string);
* ``build_py`` runs ``make lib`` (incremental: it rebuilds only when a Swift
  source, the header or the export map changed) and copies the versioned
  library into the package as ``logits/liblogits.so``, where
  ``logits/_library.py`` looks for it after ``$LOGITS_LIBRARY``;
* the distribution is not pure Python: the package goes to platlib (the
  wheel's root, Root-Is-Purelib: false), as auditwheel requires of a wheel
  with a shared library, and the wheel is tagged py3-none-<platform>;
* setuptools' scratch files go to build/python, away from build/lib, where
  the Makefile keeps the library.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

try:  # setuptools >= 70.1 ships bdist_wheel itself
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # pragma: no cover - older setuptools with the wheel package
    from wheel.bdist_wheel import bdist_wheel

ROOT = Path(__file__).resolve().parent
HEADER = ROOT / "include" / "logits.h"


def header_version() -> str:
    match = re.search(r'^#define LOGITS_VERSION_STRING "([^"]+)"', HEADER.read_text(), re.M)
    if not match:
        raise SystemExit(f"setup.py: no LOGITS_VERSION_STRING in {HEADER}")
    return match.group(1)


VERSION = header_version()
LIBRARY = ROOT / "build" / "lib" / f"liblogits.so.{VERSION}"


class BuildWithLibrary(build_py):
    """build_py plus `make lib` and a copy of the library into the package."""

    def run(self) -> None:
        super().run()
        make = os.environ.get("MAKE", "make")
        if shutil.which(make) is None:
            raise SystemExit(f"setup.py: '{make}' not found; it builds liblogits.so (apt-get install make)")
        if shutil.which(os.environ.get("SWIFT", "swift")) is None and not LIBRARY.exists():
            raise SystemExit("setup.py: 'swift' not found. Install Swift 6.3 or later "
                             "(https://swift.org/install) and put it on PATH, or set "
                             "LOGITS_LIBRARY at run time to a liblogits.so built elsewhere.")
        self.announce(f"running {make} lib in {ROOT}", level=2)
        # Building liblogits.so needs no Python (nor the project's .venv).
        subprocess.run([make, "-C", str(ROOT), "lib"], check=True)
        if not LIBRARY.exists():
            raise SystemExit(f"setup.py: `make lib` did not produce {LIBRARY}")
        target = Path(self.build_lib) / "logits" / "liblogits.so"
        target.parent.mkdir(parents=True, exist_ok=True)
        self.copy_file(str(LIBRARY), str(target), preserve_mode=True)
        # The operation list, which logits/_operations.py reads.
        self.copy_file(str(ROOT / "abi" / "operations.h"), str(target.parent / "operations.h"))


class BinaryDistribution(Distribution):
    """Not pure Python: the package carries liblogits.so.

    Without this the package is installed to purelib, which a wheel that is
    not Root-Is-Purelib ships under ``<name>.data/purelib/``; auditwheel
    refuses such a wheel (a shared library outside platlib).
    """

    def has_ext_modules(self) -> bool:
        return True


class PlatformWheel(bdist_wheel):
    """A wheel for this platform that any Python 3 can use (ctypes, no C API)."""

    def finalize_options(self) -> None:
        super().finalize_options()
        self.root_is_pure = False

    def get_tag(self):
        _, _, platform = super().get_tag()
        return "py3", "none", platform


(ROOT / "build" / "python").mkdir(parents=True, exist_ok=True)
setup(
    version=VERSION,
    distclass=BinaryDistribution,
    cmdclass={"build_py": BuildWithLibrary, "bdist_wheel": PlatformWheel},
    options={"build": {"build_base": "build/python"}, "egg_info": {"egg_base": "build/python"}},
)
