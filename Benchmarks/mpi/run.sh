#!/usr/bin/env bash
# Data-parallel `vae train` under Open MPI on this machine, side by side in one run: a full
# epoch of the default MLP VAE (60,000 Fashion-MNIST images, batch 128) as one process with two
# threads (`mpirun -np 1 --bind-to none`, VARIATIONAL_THREADS unset: mpirun would otherwise bind
# the process and both its threads to one core) and as two processes with one thread each
# (`mpirun -np 2`, each bound to its core, VARIATIONAL_THREADS=1), interleaved round by round; then the images/s, the
# all-reduce time per step, and a ring all-reduce projection to 8, 32 and 128 processes on 10
# and 100 Gbit/s networks from the measured step time and gradient size (project.py; its
# assumptions are in Benchmarks/README.md, "Past one machine").
#
#   Benchmarks/mpi/run.sh [ROUNDS]     (default 3)
#
# Needs Open MPI (scripts/setup installs it); builds `vae` with `--traits MPI` into .build-mpi.
# Not part of the test suite.
set -euo pipefail

ROUNDS="${1:-3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
command -v mpirun > /dev/null || { echo "run.sh: needs mpirun (scripts/setup)" >&2; exit 1; }

echo "== CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) CPUs;" \
  "flags: $(grep -m1 flags /proc/cpuinfo | grep -o 'avx512f\|avx2' | sort -u | tr '\n' ' ')"
echo "== mpirun: $(mpirun --version | head -1)"
(cd "$root" && swift build -c release --traits MPI --scratch-path .build-mpi --product vae \
  | tail -1)
vae="$root/.build-mpi/release/vae"

export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for round in $(seq 1 "$ROUNDS"); do
  echo "== round $round/$ROUNDS: -np 1 × 2 threads"
  mpirun -np 1 --bind-to none "$vae" train --epochs 1 --output "$scratch/np1-$round" \
    | grep '^epoch 1/1 '
  echo "== round $round/$ROUNDS: -np 2 × 1 thread"
  mpirun -np 2 -x VARIATIONAL_THREADS=1 -x OMP_NUM_THREADS=1 \
    "$vae" train --epochs 1 --output "$scratch/np2-$round" | grep '^epoch 1/1 '
done
python3 "$here/project.py" "$scratch" "$ROUNDS"
