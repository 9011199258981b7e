"""The README's Python snippets as programs: type-checked and run.

Every ```python block of README.md that is not a `>>>` transcript becomes
build/readme/snippet_<line>.py, after a short prelude that names the arrays
the snippets use without defining them (``x``, ``row``, ``batch``). Then:

  python tools/readme_python.py --typecheck   mypy --strict over the snippets,
                                              bindings/python/examples and
                                              Tests/typing (what checkers see)
  python tools/readme_python.py --run         runs each snippet and
                                              Tests/typing (exit 0)

make lint runs the first, make test-python the second, so the README's
examples keep compiling and running as the API changes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "build" / "readme"
PRELUDE = '''import numpy as np
import logits

x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
row = np.random.default_rng(1).normal(size=1000)
batch = np.random.default_rng(2).normal(size=(2, 1000))
'''


def snippets() -> list[Path]:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("snippet_*.py"):
        old.unlink()
    text = (ROOT / "README.md").read_text()
    files = []
    for m in re.finditer(r"^```python\n(.*?)^```", text, re.S | re.M):
        body = m.group(1)
        if body.lstrip().startswith(">>>"):
            continue
        line = text.count("\n", 0, m.start()) + 1
        path = OUT / f"snippet_{line}.py"
        path.write_text(f"# README.md line {line}\n{PRELUDE}\n{body}")
        files.append(path)
    if not files:
        sys.exit("readme_python: no ```python blocks found in README.md")
    return files


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else "--run"
    files = snippets()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python"))
    if mode == "--typecheck":
        examples = sorted((ROOT / "bindings" / "python" / "examples").glob("*.py"))
        examples += sorted((ROOT / "Tests" / "typing").glob("*.py"))
        cmd = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
               "--cache-dir", str(OUT / ".mypy_cache"), *map(str, files + examples)]
        return subprocess.run(cmd, env=env, cwd=ROOT).returncode
    if mode == "--run":
        for f in files + sorted((ROOT / "Tests" / "typing").glob("*.py")):
            r = subprocess.run([sys.executable, str(f)], env=env, cwd=OUT, capture_output=True, text=True)
            if r.returncode:
                print(f"readme_python: {f.name} failed:\n{r.stdout}{r.stderr}")
                return 1
        print(f"readme_python: {len(files)} README snippets and Tests/typing ran")
        return 0
    sys.exit(f"usage: {sys.argv[0]} --typecheck | --run")


if __name__ == "__main__":
    sys.exit(main())
