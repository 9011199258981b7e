"""The README's code snippets as programs: type-checked, compiled and run.

    python tools/readme_snippets.py --typecheck   mypy --strict over the Python
                                                  snippets, bindings/python/examples
                                                  and Tests/typing (make lint)
    python tools/readme_snippets.py --run         every snippet (make test-readme):
      python   each ```python block runs after a short prelude that names the
               arrays the snippets use without defining them (x, row, batch);
               a block of `>>>` lines is a doctest
      c        each ```c block is the body of a main() (its #include lines
               hoisted), compiled with -Wall -Werror against include/ and
               build/lib/liblogits.so, and run
      swift    each ```swift block that begins with `import Logits` becomes a
               function of one executable in a package under build/readme/swift
               that depends on this one by path (with the trait
               DispatchedKernels), built and run; a block that begins with
               `dependencies:` is a manifest fragment, parsed by
               `swift package dump-package` inside a Package(...) whose
               "../Logits" is this repository

Every snippet of README.md is one of these or a shell/output block (```sh,
plain ```), which are not run here.
"""

from __future__ import annotations

import doctest
import os
import re
import shutil
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


def blocks(language: str) -> list[tuple[int, str]]:
    """(line, body) of every ```language block of README.md."""
    text = (ROOT / "README.md").read_text()
    found = []
    for m in re.finditer(r"^```" + language + r"\n(.*?)^```", text, re.S | re.M):
        found.append((text.count("\n", 0, m.start()) + 1, m.group(1)))
    return found


def python_snippets() -> tuple[list[Path], list[tuple[int, str]]]:
    """(program files, doctest blocks)."""
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.glob("snippet_*.py"):
        old.unlink()
    files, transcripts = [], []
    for line, body in blocks("python"):
        if body.lstrip().startswith(">>>"):
            transcripts.append((line, body))
            continue
        path = OUT / f"snippet_{line}.py"
        path.write_text(f"# README.md line {line}\n{PRELUDE}\n{body}")
        files.append(path)
    if not files:
        sys.exit("readme_snippets: no ```python blocks found in README.md")
    return files, transcripts


def env() -> dict[str, str]:
    return dict(os.environ, PYTHONPATH=str(ROOT / "bindings" / "python"))


def typecheck() -> int:
    files, _ = python_snippets()
    examples = sorted((ROOT / "bindings" / "python" / "examples").glob("*.py"))
    examples += sorted((ROOT / "Tests" / "typing").glob("*.py"))
    cmd = [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
           "--cache-dir", str(OUT / ".mypy_cache"), *map(str, files + examples)]
    return subprocess.run(cmd, env=env(), cwd=ROOT).returncode


def run_python() -> int:
    files, transcripts = python_snippets()
    for f in files + sorted((ROOT / "Tests" / "typing").glob("*.py")):
        r = subprocess.run([sys.executable, str(f)], env=env(), cwd=OUT, capture_output=True, text=True)
        if r.returncode:
            print(f"readme_snippets: {f.name} failed:\n{r.stdout}{r.stderr}")
            return 1
    sys.path.insert(0, str(ROOT / "bindings" / "python"))
    import numpy as np

    import logits
    for line, body in transcripts:
        test = doctest.DocTestParser().get_doctest(body, {"np": np, "logits": logits},
                                                   f"README.md:{line}", "README.md", line)
        result = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS).run(test)
        if result.failed:
            print(f"readme_snippets: the transcript at README.md line {line} failed")
            return 1
    print(f"readme_snippets: python: {len(files)} snippets and {len(transcripts)} transcripts ran")
    return 0


def run_c() -> int:
    cc = os.environ.get("CC", "cc")
    programs = 0
    for line, body in blocks("c"):
        includes = [ln for ln in body.splitlines() if ln.startswith("#include")]
        code = "\n".join(ln for ln in body.splitlines() if not ln.startswith("#include"))
        src = OUT / f"snippet_{line}.c"
        src.write_text("#include <stdio.h>\n" + "\n".join(includes) + f"\n/* README.md line {line} */\n"
                       "int main(void)\n{\n" + code + "\n    return 0;\n}\n")
        exe = OUT / f"snippet_{line}"
        cmd = [cc, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-I", str(ROOT / "include"),
               "-o", str(exe), str(src), "-L", str(ROOT / "build" / "lib"), "-llogits", "-lm",
               f"-Wl,-rpath,{ROOT / 'build' / 'lib'}"]
        if subprocess.run(cmd).returncode or subprocess.run([str(exe)]).returncode:
            print(f"readme_snippets: the C snippet at README.md line {line} failed")
            return 1
        programs += 1
    print(f"readme_snippets: c: {programs} snippets compiled and ran")
    return 0


SWIFT_MANIFEST = '''// swift-tools-version:6.1
// Generated by tools/readme_snippets.py: the README's Swift snippets.
import PackageDescription

let package = Package(
    name: "ReadmeSnippets",
    dependencies: [.package(name: "Logits", path: "{root}", traits: ["DispatchedKernels"])],
    targets: [.executableTarget(name: "ReadmeSnippets",
                                dependencies: [.product(name: "Logits", package: "Logits")])]
)
'''


def run_swift() -> int:
    swift = os.environ.get("SWIFT", "swift")
    code, manifests = [], []
    for line, body in blocks("swift"):
        first = body.lstrip()
        if first.startswith("dependencies:"):
            manifests.append((line, body))
        elif first.startswith("import Logits"):
            lines = [ln for ln in body.splitlines() if not ln.startswith("import ")]
            code.append((line, "\n".join("    " + ln for ln in lines)))
        else:
            print(f"readme_snippets: the Swift block at README.md line {line} is neither "
                  "`import Logits` code nor a `dependencies:` manifest fragment")
            return 1
    package = OUT / "swift"
    (package / "Sources" / "ReadmeSnippets").mkdir(parents=True, exist_ok=True)
    (package / "Package.swift").write_text(SWIFT_MANIFEST.replace("{root}", str(ROOT)))
    main = ["import Logits", ""]
    for line, body in code:
        main += [f"// README.md line {line}", f"func snippet{line}() throws {{", body, "}", ""]
    main += [f"try snippet{line}()" for line, _ in code] + ['print("README Swift snippets ran")']
    (package / "Sources" / "ReadmeSnippets" / "main.swift").write_text("\n".join(main) + "\n")
    # SwiftPM compiles the package's C targets with $CC when it is set (the
    # Makefile's cc may be gcc, which takes no clang flags): leave it out.
    swift_env = {k: v for k, v in os.environ.items() if k not in ("CC", "CXX")}
    build = [swift, "build", "--package-path", str(package), "--scratch-path", str(package / ".build")]
    if subprocess.run(build, env=swift_env).returncode:
        return 1
    run = [swift, "run", "--skip-build", "--package-path", str(package), "--scratch-path", str(package / ".build")]
    if subprocess.run(run, env=swift_env).returncode:
        return 1
    for line, body in manifests:
        folder = OUT / f"manifest_{line}" / "MyApp"
        if folder.parent.exists():
            shutil.rmtree(folder.parent)
        (folder / "Sources" / "MyApp").mkdir(parents=True)
        (folder / "Sources" / "MyApp" / "main.swift").write_text("")
        (folder.parent / "Logits").symlink_to(ROOT)
        (folder / "Package.swift").write_text(
            "// swift-tools-version:6.1\nimport PackageDescription\n\n"
            f"let package = Package(\n    name: \"MyApp\",\n{body})\n")
        r = subprocess.run([swift, "package", "dump-package", "--package-path", str(folder)],
                           capture_output=True, text=True, env=swift_env)
        if r.returncode:
            print(f"readme_snippets: the manifest fragment at README.md line {line} does not parse:\n{r.stderr}")
            return 1
    print(f"readme_snippets: swift: {len(code)} snippets built and ran, {len(manifests)} manifest fragment(s) parsed")
    return 0


def main() -> int:
    mode = sys.argv[1] if len(sys.argv) > 1 else "--run"
    OUT.mkdir(parents=True, exist_ok=True)
    if mode == "--typecheck":
        return typecheck()
    if mode == "--run":
        return run_python() or run_c() or run_swift()
    if mode in ("--python", "--c", "--swift"):
        return {"--python": run_python, "--c": run_c, "--swift": run_swift}[mode]()
    sys.exit(f"usage: {sys.argv[0]} --typecheck | --run | --python | --c | --swift")


if __name__ == "__main__":
    sys.exit(main())
