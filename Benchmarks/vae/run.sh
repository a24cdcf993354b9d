#!/usr/bin/env bash
# Side-by-side speed of `vae train` against PyTorch and JAX on the same model and protocol,
# plus the OpenBLAS GEMM floor and the importance-sampled log p(x). See Benchmarks/README.md.
#
#   Benchmarks/vae/run.sh [--epochs 3] [--repeats 3] [--threads 2] [--no-evaluate]
#                         [--importance-samples 1000] [--limit 1000]
#   Benchmarks/vae/run.sh --architecture conv [--epochs 1] [--rounds 3] [--limit-train N]
#                         [--evaluate-rounds 1] [--no-evaluate] [--limit 1000] …
#
# The first run creates Benchmarks/vae/.venv (PyTorch for CPU, and JAX unless conv) and builds
# the release binaries; later runs reuse both. Not part of the test suite.
#   VAE_VENV=DIR   use the virtualenv in DIR (e.g. another checkout's) instead of .venv
#   VAE_BIN=PATH   benchmark this `vae` binary instead of building one (conv only)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="${VAE_VENV:-$here/.venv}"
python="${PYTHON:-python3}"
architecture=mlp
previous=
for argument in "$@"; do
  [ "$previous" = --architecture ] && architecture="$argument"
  case "$argument" in --architecture=*) architecture="${argument#--architecture=}" ;; esac
  previous="$argument"
done
modules="torch, jax, numpy, safetensors"
[ "$architecture" = conv ] && modules="torch, numpy"

fail() { echo "run.sh: $*" >&2; exit 1; }

command -v "$python" > /dev/null || fail "needs $python (set PYTHON=…)"
command -v swift > /dev/null || fail "needs the Swift toolchain on PATH"
ls /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte* > /dev/null 2>&1 \
  || [ -n "${FASHION_MNIST_DIR:-}" ] \
  || fail "no Fashion-MNIST: apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR)"

# 1. The Python peers, installed once (the conv benchmark needs only PyTorch and numpy).
if ! "$venv/bin/python" -c "import $modules" 2> /dev/null; then
  echo "== setting up $venv ($modules; a few minutes, once)"
  if [ ! -x "$venv/bin/python" ]; then
    "$python" -m venv "$venv" || fail "could not create a virtualenv (apt-get install python3-venv)"
    "$venv/bin/pip" install --quiet --upgrade pip > /dev/null || true
  fi
fi
if ! "$venv/bin/python" -c "import torch" 2> /dev/null; then
  # Prefer the CPU-only PyTorch wheel (no CUDA libraries): PyTorch's CPU index, or any CPU
  # wheel in pip's find-links; else PyPI's default wheel, which also runs on the CPU.
  "$venv/bin/pip" install --quiet torch --index-url https://download.pytorch.org/whl/cpu \
    2> /dev/null \
    || "$venv/bin/pip" install --quiet "torch==$(
      ls ${PIP_FIND_LINKS:-/nonexistent}/torch-*+cpu-*.whl 2> /dev/null | head -1 \
        | sed -E 's/.*torch-([^-]+)-.*/\1/')" 2> /dev/null \
    || "$venv/bin/pip" install --quiet torch \
    || fail "pip could not install torch"
fi
if [ "$architecture" = conv ]; then
  "$venv/bin/python" -c "import numpy" 2> /dev/null \
    || "$venv/bin/pip" install --quiet numpy || fail "pip could not install numpy"
elif ! "$venv/bin/python" -c "import jax, numpy, safetensors" 2> /dev/null; then
  "$venv/bin/pip" install --quiet "jax[cpu]" numpy safetensors \
    || fail "pip could not install jax"
fi

# 2. Our side, release builds.
if [ "$architecture" = conv ]; then
  if [ -n "${VAE_BIN:-}" ]; then
    [ -x "$VAE_BIN" ] || fail "VAE_BIN=$VAE_BIN is not an executable"
    vae="$VAE_BIN"
  else
    echo "== building vae (release)"
    (cd "$root" && swift build -c release --product vae > /dev/null) \
      || fail "swift build failed; run 'swift build -c release' in $root to see why"
    vae="$(cd "$root" && swift build -c release --show-bin-path)/vae"
  fi
  cd "$here"
  exec "$venv/bin/python" compare.py --vae "$vae" "$@"
fi
echo "== building vae and gemm-floor (release)"
(cd "$root" && swift build -c release --product vae > /dev/null \
  && swift build -c release --product gemm-floor > /dev/null) \
  || fail "swift build failed; run 'swift build -c release' in $root to see why"
bin="$(cd "$root" && swift build -c release --show-bin-path)"

# 3. The interleaved runs and the table.
cd "$here"
exec "$venv/bin/python" compare.py --vae "$bin/vae" --gemm-floor "$bin/gemm-floor" "$@"
