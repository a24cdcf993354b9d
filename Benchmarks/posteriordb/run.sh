#!/usr/bin/env bash
# posteriordb's reference posteriors: fit each with the default algorithm (mean-field and
# full-rank, seeds 1, 2, 3) and compare the draws with the reference NUTS moments.
#
#   Benchmarks/posteriordb/run.sh                                  # all posteriors, ~1 min
#   Benchmarks/posteriordb/run.sh --posterior arma-arma11 --markdown
#   Benchmarks/posteriordb/run.sh --json results.json             # every seed, per parameter
#   Benchmarks/posteriordb/run.sh --log-joint-cost                 # µs per log joint, no fits
#
# Builds `posteriordb-benchmark` in release mode and runs it from the repository root; extra
# arguments go to it (`--help` lists them). The posteriors are read from shared/posteriordb
# beside the checkout unless `--root` says otherwise.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
cd "$REPO"

swift build -c release --product posteriordb-benchmark
exec "$(swift build -c release --show-bin-path)/posteriordb-benchmark" "$@"
