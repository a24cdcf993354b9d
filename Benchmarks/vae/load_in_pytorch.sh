#!/usr/bin/env bash
# Trains a small run with the release `vae`, loads its checkpoint.safetensors into the PyTorch
# VAE module of torch_vae.py and checks PyTorch computes the same μ(x), KL per dimension and
# negative ELBO on the first 256 Fashion-MNIST test images (load_in_pytorch.py).
#
#   Benchmarks/vae/load_in_pytorch.sh [RUN_DIR] [load_in_pytorch.py options]
#
# Without RUN_DIR it trains `vae train --epochs 1 --limit-train 2000` into a temporary
# directory. Uses (and creates if needed) the virtualenv of run.sh, Benchmarks/vae/.venv.
# Not part of the test suite.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
venv="$here/.venv"
python="${PYTHON:-python3}"

fail() { echo "load_in_pytorch.sh: $*" >&2; exit 1; }

command -v "$python" > /dev/null || fail "needs $python (set PYTHON=…)"
command -v swift > /dev/null || fail "needs the Swift toolchain on PATH"

# 1. PyTorch (CPU), safetensors and numpy in run.sh's virtualenv.
if ! "$venv/bin/python" -c "import torch, safetensors, numpy" 2> /dev/null; then
  echo "== installing PyTorch for CPU, safetensors, numpy in $venv (a few minutes, once)"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv" \
    || fail "could not create a virtualenv (apt-get install python3-venv)"
  "$venv/bin/pip" install --quiet --upgrade pip > /dev/null || true
  # As in run.sh: the CPU-only PyTorch wheel if pip can get one, else PyPI's default.
  "$venv/bin/python" -c "import torch" 2> /dev/null \
    || "$venv/bin/pip" install --quiet torch --index-url https://download.pytorch.org/whl/cpu \
      2> /dev/null \
    || "$venv/bin/pip" install --quiet "torch==$(
      ls ${PIP_FIND_LINKS:-/nonexistent}/torch-*+cpu-*.whl 2> /dev/null | head -1 \
        | sed -E 's/.*torch-([^-]+)-.*/\1/')" 2> /dev/null \
    || "$venv/bin/pip" install --quiet torch \
    || fail "pip could not install torch"
  "$venv/bin/pip" install --quiet safetensors numpy || fail "pip could not install safetensors"
fi

# 2. Our side: the release binary, and a run to load.
echo "== building vae (release)"
(cd "$root" && swift build -c release --product vae > /dev/null) \
  || fail "swift build failed; run 'swift build -c release --product vae' in $root to see why"
vae="$(cd "$root" && swift build -c release --show-bin-path)/vae"

if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then
  run_dir="$(cd "$1" && pwd)"
  shift
else
  scratch="$(mktemp -d)"
  trap 'rm -rf "$scratch"' EXIT
  run_dir="$scratch/run"
  echo "== vae train --epochs 1 --limit-train 2000 --output $run_dir"
  "$vae" train --epochs 1 --limit-train 2000 --output "$run_dir" > /dev/null \
    || fail "vae train failed"
fi

# 3. Load it in PyTorch and compare.
cd "$here"
"$venv/bin/python" load_in_pytorch.py "$run_dir" --vae "$vae" "$@"
