"""How the binding finds and checks liblogits.so."""

import os
import re
import subprocess
import sys
from pathlib import Path

BINDING = Path(__file__).resolve().parents[2] / "bindings" / "python"


def run(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(BINDING), **env}, timeout=60)


def test_refuses_a_library_of_another_abi_major():
    # Load _library.py as if it were written for ABI major 99.
    source = (BINDING / "logits" / "_library.py").read_text()
    assert "ABI_MAJOR = 0" in source
    patched = source.replace("ABI_MAJOR = 0", "ABI_MAJOR = 99")
    code = ("import types, sys\n"
            "m = types.ModuleType('fake_library'); m.__file__ = %r\n"
            "try:\n    exec(compile(%r, 'fake', 'exec'), m.__dict__)\n"
            "except ImportError as e:\n    print('refused:', e); sys.exit(0)\n"
            "sys.exit('loaded a library of another ABI major')\n"
            % (str(BINDING / "logits" / "_library.py"), patched))
    r = run(code)
    assert r.returncode == 0, r.stderr + r.stdout
    assert "needs major 99" in r.stdout and "ABI version" in r.stdout


def test_environment_override_is_tried_first_and_reported():
    r = run("import logits._library as L; print([str(p) for p in L._candidates()][0])",
            LOGITS_LIBRARY="/nonexistent/liblogits.so")
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "/nonexistent/liblogits.so"


def test_clear_error_when_nothing_loads(tmp_path):
    # A copy of the package in a folder with no library and no build next to it.
    pkg = tmp_path / "logits"
    pkg.mkdir()
    for f in (BINDING / "logits").glob("*.py"):
        (pkg / f.name).write_text(f.read_text())
    r = subprocess.run([sys.executable, "-c", "import logits"], capture_output=True, text=True,
                       env={**os.environ, "PYTHONPATH": str(tmp_path),
                            "LOGITS_LIBRARY": str(tmp_path / "missing.so")}, timeout=60)
    assert r.returncode != 0
    assert "could not load liblogits.so" in r.stderr and "missing.so (not found)" in r.stderr


def test_refuses_a_library_of_another_minor_while_the_major_is_0():
    source = (BINDING / "logits" / "_library.py").read_text()
    minor = int(re.search(r"^ABI_MINOR = (\d+)", source, re.M).group(1))
    patched = source.replace(f"ABI_MINOR = {minor}", f"ABI_MINOR = {minor - 1}")
    assert patched != source
    code = ("import types, sys\n"
            "m = types.ModuleType('fake_library'); m.__file__ = %r\n"
            "try:\n    exec(compile(%r, 'fake', 'exec'), m.__dict__)\n"
            "except ImportError as e:\n    print('refused:', e); sys.exit(0)\n"
            "sys.exit('loaded a library of another ABI minor')\n"
            % (str(BINDING / "logits" / "_library.py"), patched))
    r = run(code)
    assert r.returncode == 0, r.stderr + r.stdout
    assert f"needs major 0.{minor - 1}" in r.stdout


def test_version_matches_header():
    import re

    import logits
    from logits import _library
    header = (BINDING.parents[1] / "include" / "logits.h").read_text()
    macro = {k: int(v) for k, v in re.findall(r"#define LOGITS_VERSION_(MAJOR|MINOR|PATCH) (\d+)", header)}
    assert _library.lib.logits_version() == macro["MAJOR"] * 10000 + macro["MINOR"] * 100 + macro["PATCH"]
    assert logits.version() == f"{macro['MAJOR']}.{macro['MINOR']}.{macro['PATCH']}" == logits.__version__
    assert _library.ABI_MAJOR == macro["MAJOR"] and _library.ABI_MINOR == macro["MINOR"]
