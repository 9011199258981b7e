#!/bin/sh
# The wheel for PyPI installs: `make wheel` (python -m build --wheel, then
# auditwheel repair into dist/), `auditwheel show` must give a manylinux tag
# and dist/ must hold only the repaired wheel; then pip_install.sh's checks
# with that wheel in a new venv (numpy from PyPI, `import logits` from another
# directory, the distribution logits-native's version == logits.__version__),
# and bindings/python/examples/demo.py run from another directory with the
# venv's python.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
PYTHON=${PYTHON:-python3}
MAKE=${MAKE:-make}
cd "$root"
version=$(sed -n 's/^#define LOGITS_VERSION_STRING "\(.*\)"/\1/p' include/logits.h)
mkdir -p build/ship
"$MAKE" --no-print-directory -C "$root" PYTHON="$PYTHON" wheel > build/ship/wheel.log 2>&1 || {
    cat build/ship/wheel.log; exit 1; }
tail -n 1 build/ship/wheel.log

# dist/ holds exactly one wheel of this version, the repaired one.
set -- dist/logits_native-*.whl
if [ "$#" != 1 ] || [ ! -f "$1" ]; then echo "FAIL dist/ should hold one logits_native wheel, has: $*"; exit 1; fi
wheel="$root/$1"
name=$(basename "$wheel")
case "$name" in
    logits_native-"$version"-py3-none-manylinux_*.whl) echo "ok   wheel $name" ;;
    *) echo "FAIL wheel $name is not logits_native-$version-py3-none-manylinux_*"; exit 1 ;;
esac

# auditwheel wraps its text at 72 columns: join the lines before matching.
show=$("$PYTHON" -m auditwheel show "$wheel" 2>/dev/null | tr '\n' ' ' | tr -s ' ')
tag=$(printf '%s\n' "$show" | sed -n 's/.*is consistent with the following platform tag: "\([^"]*\)".*/\1/p')
case "$tag" in
    manylinux_*) echo "ok   auditwheel show: consistent with the following platform tag: \"$tag\"" ;;
    *) echo "FAIL auditwheel show gives no manylinux tag:"; "$PYTHON" -m auditwheel show "$wheel"; exit 1 ;;
esac
case "$name" in
    *-"$tag".whl) echo "ok   the file name carries that tag" ;;
    *) echo "FAIL $name does not end in $tag.whl"; exit 1 ;;
esac

LOGITS_INSTALL_FROM="$wheel" LOGITS_VENV_NAME=venv-wheel PYTHON="$PYTHON" \
    sh "$root/Tests/ship/pip_install.sh"

venv="$root/build/ship/venv-wheel"
elsewhere=$(mktemp -d)
trap 'rm -rf "$elsewhere"' EXIT
cd "$elsewhere"
status=0
env -u LOGITS_LIBRARY -u PYTHONPATH "$venv/bin/python" "$root/bindings/python/examples/demo.py" \
    > demo.out 2>&1 || status=$?
if [ "$status" != 0 ]; then cat demo.out; echo "FAIL demo.py with the wheel's venv exited $status"; exit 1; fi
grep -q '^softmax(\[1, 2, 3\]) = ' demo.out || { cat demo.out; echo "FAIL demo.py printed no softmax line"; exit 1; }
echo "ok   demo.py from $elsewhere: $(head -1 demo.out)"
echo "wheel: $name installs and runs"
