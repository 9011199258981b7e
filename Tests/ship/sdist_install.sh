#!/bin/sh
# An sdist installs: `python -m build --sdist`, then `pip install` of the
# tarball into a new venv (which rebuilds liblogits.so from the sdist's
# sources alone), then the checks of pip_install.sh from another directory.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-python3}
dist="$root/build/ship/dist"
rm -rf "$dist"
mkdir -p "$root/build/ship"
# `build` comes from the project's environment (make deps).
"$PYTHON" -m build --sdist --outdir "$dist" "$root" > "$root/build/ship/sdist.log" 2>&1 || {
    cat "$root/build/ship/sdist.log"; exit 1; }
tarball=$(ls "$dist"/*.tar.gz)
echo "sdist: $(basename "$tarball") ($(tar tzf "$tarball" | wc -l) files)"
LOGITS_INSTALL_FROM="$tarball" LOGITS_VENV_NAME=venv-sdist PYTHON="$PYTHON" \
    sh "$root/Tests/ship/pip_install.sh"
