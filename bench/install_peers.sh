#!/bin/sh
# Installs the peers `make bench` compares Logits with, once. Idempotent: a
# peer that fails to install is recorded in build/bench/install-*.json and shown
# as "unavailable" in BENCHMARKS.md; nothing here stops the benchmark.
#   Debian: libdnnl-dev (oneDNN), libxnnpack-dev + libpthreadpool-dev (XNNPACK),
#           libsleef-dev (SLEEF), g++
#   pip (venv build/bench-venv, --system-site-packages): numpy scipy onnxruntime
#        onnx jax jaxlib matplotlib ml_dtypes (bfloat16 arrays: the bf16 rows)
set -u
OUT=build/bench
VENV=build/bench-venv
PY=${PYTHON:-python3}
mkdir -p "$OUT"
start=$(date +%s.%N)
log="$OUT/install.log"
: > "$log"
status=""

note() { echo "bench-peers: $*"; status="$status$*\n"; }

apt_pkgs="libdnnl-dev libxnnpack-dev libpthreadpool-dev libsleef-dev g++"
missing=""
for p in $apt_pkgs; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "bench-peers: installing Debian packages:$missing"
  SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1 && SUDO="sudo"
  $SUDO apt-get update >>"$log" 2>&1 || true
  for p in $missing; do
    if apt-cache policy "$p" 2>/dev/null | grep -q "Candidate: (none)" || [ -z "$(apt-cache policy "$p" 2>/dev/null)" ]; then
      note "$p: not available from the configured Debian repositories"
      continue
    fi
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends "$p" >>"$log" 2>&1 \
      || note "$p: apt-get install failed (see $log)"
  done
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "bench-peers: creating $VENV"
  $PY -m venv --system-site-packages "$VENV" >>"$log" 2>&1 || note "venv: python3 -m venv failed (apt-get install python3-venv)"
fi
if [ -x "$VENV/bin/python" ]; then
  for m in numpy scipy onnxruntime onnx jax jaxlib matplotlib ml_dtypes; do
    mod=$m
    "$VENV/bin/python" -c "import $mod" >/dev/null 2>&1 && continue
    echo "bench-peers: pip install $m"
    "$VENV/bin/python" -m pip install --quiet "$m" >>"$log" 2>&1 || note "$m: pip install failed (see $log)"
  done
fi
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc 2>/dev/null || $PY -c "print($end-$start)")
echo "bench-peers: done in ${secs}s"
printf '{"seconds": %s, "notes": "%s"}\n' "$secs" "$(printf "%b" "$status" | tr '\n"' ';'"'"'')" > "$OUT/install-last.json"
[ -f "$OUT/install-first.json" ] || cp "$OUT/install-last.json" "$OUT/install-first.json"
