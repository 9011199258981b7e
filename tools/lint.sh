#!/bin/sh
# make lint: swift-format's lint rules over the Swift sources (.swift-format),
# ruff over the Python (pyproject.toml [tool.ruff]) and mypy --strict over
# the Python package, the README's Python snippets and the examples (typed as
# checkers expect). The kernels are
# formatted by hand (aligned arguments, one-line loops), so the pretty
# printer's layout findings (Indentation, AddLines, RemoveLine, LineLength,
# TrailingComma) are not enforced; every other swift-format rule is.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
SWIFT=${SWIFT:-swift}
PYTHON=${PYTHON:-$root/.venv/bin/python}
status=0

out=$("$SWIFT" format lint --recursive Sources Tests/LogitsTests Examples/SwiftConsumer/Sources Package.swift 2>&1) || true
found=$(printf '%s\n' "$out" | grep -E 'warning: \[|error:' \
    | grep -vE '\[(Indentation|AddLines|RemoveLine|LineLength|TrailingComma)\]' || true)
if [ -n "$found" ]; then
    printf '%s\n' "$found"
    echo "lint: swift-format: $(printf '%s\n' "$found" | wc -l) findings"; status=1
else
    echo "lint: swift-format rules: no findings"
fi

if "$PYTHON" -m ruff --version >/dev/null 2>&1; then
    if "$PYTHON" -m ruff check --quiet bindings/python tools Tests bench docs setup.py; then
        echo "lint: ruff: no findings"
    else
        status=1
    fi
else
    echo "lint: ruff is missing: run make deps"; status=1
fi
if "$PYTHON" -m mypy --version >/dev/null 2>&1; then
    if PYTHONPATH="$root/bindings/python" "$PYTHON" -m mypy --strict --no-error-summary bindings/python/logits; then
        echo "lint: mypy --strict: no findings"
    else
        status=1
    fi
    # The README's Python snippets and bindings/python/examples, as users type them.
    if "$PYTHON" tools/readme_snippets.py --typecheck; then
        echo "lint: mypy --strict over the README's Python and the examples: no findings"
    else
        status=1
    fi
else
    echo "lint: mypy is missing: run make deps"; status=1
fi
exit $status
