#!/usr/bin/env bash
# Side-by-side speed of `vae train` against PyTorch and JAX on the same model and protocol,
# plus the OpenBLAS GEMM floor and the importance-sampled log p(x). See Benchmarks/README.md.
#
#   Benchmarks/vae/run.sh [--epochs 3] [--repeats 3] [--threads 2] [--no-evaluate]
#                         [--importance-samples 1000] [--limit 1000]
#
# The first run creates Benchmarks/vae/.venv (PyTorch for CPU, JAX) and builds the release
# binaries; later runs reuse both. Not part of the test suite.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

fail() { echo "run.sh: $*" >&2; exit 1; }

command -v "$python" > /dev/null || fail "needs $python (set PYTHON=…)"
command -v swift > /dev/null || fail "needs the Swift toolchain on PATH"
ls /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte* > /dev/null 2>&1 \
  || [ -n "${FASHION_MNIST_DIR:-}" ] \
  || fail "no Fashion-MNIST: apt-get install dataset-fashion-mnist (or set FASHION_MNIST_DIR)"

# 1. The Python peers, installed once.
if ! "$venv/bin/python" -c "import torch, jax, numpy, safetensors" 2> /dev/null; then
  echo "== creating $venv (PyTorch for CPU, JAX, numpy, safetensors; a few minutes, once)"
  "$python" -m venv "$venv" || fail "could not create a virtualenv (apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --upgrade pip > /dev/null || true
  # Prefer the CPU-only PyTorch wheel (no CUDA libraries): PyTorch's CPU index, or any CPU
  # wheel in pip's find-links; else PyPI's default wheel, which also runs on the CPU.
  "$venv/bin/pip" install --quiet torch --index-url https://download.pytorch.org/whl/cpu \
    2> /dev/null \
    || "$venv/bin/pip" install --quiet "torch==$(
      ls ${PIP_FIND_LINKS:-/nonexistent}/torch-*+cpu-*.whl 2> /dev/null | head -1 \
        | sed -E 's/.*torch-([^-]+)-.*/\1/')" 2> /dev/null \
    || "$venv/bin/pip" install --quiet torch \
    || fail "pip could not install torch"
  "$venv/bin/pip" install --quiet "jax[cpu]" numpy safetensors \
    || fail "pip could not install jax"
fi

# 2. Our side, release builds.
echo "== building vae and gemm-floor (release)"
(cd "$root" && swift build -c release --product vae > /dev/null \
  && swift build -c release --product gemm-floor > /dev/null) \
  || fail "swift build failed; run 'swift build -c release' in $root to see why"
bin="$(cd "$root" && swift build -c release --show-bin-path)"

# 3. The interleaved runs and the table.
cd "$here"
exec "$venv/bin/python" compare.py --vae "$bin/vae" --gemm-floor "$bin/gemm-floor" "$@"
