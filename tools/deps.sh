#!/bin/sh
# make deps: installs every prerequisite of `make demo` and `make test` that
# this project can install itself: Debian packages with apt-get (when run as
# root on Debian/Ubuntu; otherwise it names them), and the Python packages of
# requirements-dev.txt into the project's virtual environment, never into the
# system Python. Swift, a C/C++ compiler and python3 must already be there.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
BASE_PYTHON=${BASE_PYTHON:-python3}
VENV=${VENV:-$root/.venv}
cd "$root"

missing=""
command -v swift >/dev/null 2>&1 || missing="$missing swift (Swift 6.3 or later: https://swift.org/install)"
command -v "${CC:-cc}" >/dev/null 2>&1 || missing="$missing ${CC:-cc} (apt-get install gcc)"
command -v "${CXX:-c++}" >/dev/null 2>&1 || missing="$missing ${CXX:-c++} (apt-get install g++)"
command -v "$BASE_PYTHON" >/dev/null 2>&1 || missing="$missing $BASE_PYTHON (apt-get install python3)"
if [ -n "$missing" ]; then echo "make deps: not installed here:$missing"; exit 1; fi

# Debian packages the test suites run: valgrind (memcheck), qemu-user (an
# emulated older CPU), pkg-config (the C install test), python3-venv.
apt_missing=""
command -v valgrind >/dev/null 2>&1 || apt_missing="$apt_missing valgrind"
command -v qemu-x86_64 >/dev/null 2>&1 || [ "$(uname -m)" != x86_64 ] || apt_missing="$apt_missing qemu-user"
command -v pkg-config >/dev/null 2>&1 || apt_missing="$apt_missing pkg-config"
"$BASE_PYTHON" -c "import venv, ensurepip" 2>/dev/null || apt_missing="$apt_missing python3-venv"
if [ -n "$apt_missing" ]; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "make deps: apt-get install$apt_missing"
        export DEBIAN_FRONTEND=noninteractive
        # shellcheck disable=SC2086
        apt-get install -y -qq $apt_missing >/dev/null 2>&1 || {
            apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq $apt_missing >/dev/null; } || {
            echo "make deps: apt-get install$apt_missing failed; install them and rerun"; exit 1; }
    else
        echo "make deps: please install these Debian packages (as root):$apt_missing"; exit 1
    fi
fi

# The project's virtual environment.
if [ ! -x "$VENV/bin/python" ]; then
    echo "make deps: creating $VENV"
    "$BASE_PYTHON" -m venv "$VENV"
fi
echo "make deps: pip install -r requirements-dev.txt into $VENV"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
touch "$VENV/deps.stamp"
echo "make deps: done ($("$VENV/bin/python" --version), $("$VENV/bin/python" -c 'import numpy; print("numpy", numpy.__version__)'))"
