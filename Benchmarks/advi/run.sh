#!/usr/bin/env bash
# ADVI vs NumPyro SVI, side by side: Bayesian logistic regression on the breast-cancer data.
#
#   Benchmarks/advi/run.sh [extra numpyro_logistic.py options, e.g. --nuts-samples 1000]
#
# Steps: (1) make the Python virtualenv Benchmarks/.venv if missing or out of date,
# (2) write .data/breast_cancer.csv, (3) run NumPyro (SVI for both families, and NUTS unless
# its cached result matches), (4) run our side's stochastic loop with OURS_CMD (steps/s),
# (5) build `advi` and time whole processes, interleaved: our default fit
# (`advi logistic-regression ... --draws 20000 --quiet`, no other options) against a NumPyro
# process running one family's 10,000-step SVI alone (wall_times.py), (6) print the
# comparison, the table of the default fits and the issue's bars (compare.py).
# Exits non-zero when our side did not run or gave incomplete results; NumPyro's numbers
# are printed either way.
set -euo pipefail

# Our side. Run from the repository root through `eval`, so it may use $CSV (the data),
# $STEPS, $LR and $OURS_JSON (where it must write its results; schema in compare.py and
# Benchmarks/README.md). Override without editing: ADVI_OURS_CMD='...' run.sh
OURS_CMD='OPENBLAS_NUM_THREADS=1 swift run -c release advi-benchmark --csv "$CSV" --target target --steps "$STEPS" --lr "$LR" --json "$OURS_JSON"'
if [[ -n "${ADVI_OURS_CMD:-}" ]]; then
  OURS_CMD="$ADVI_OURS_CMD"
fi

STEPS=10000        # optimisation steps, both sides
LR=0.002           # Adam step size given to NumPyro (our side should use the same)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$REPO/Benchmarks/.venv"
PY="$VENV/bin/python"
DATA="$HERE/.data"
CSV="$DATA/breast_cancer.csv"
NUMPYRO_JSON="$DATA/numpyro.json"
NUTS_CACHE="$DATA/nuts_reference.json"
OURS_JSON="$DATA/ours.json"
WALL_JSON="$DATA/wall_times.json"
ROUNDS=3           # interleaved rounds of the whole-process timings
DRAWS=20000        # our default fit's summary draws (advi --draws)
export CSV STEPS LR OURS_JSON   # visible to OURS_CMD's programs too

# Phase timing: `phase NAME` starts a phase, `phase_end` prints how long it took.
declare -a TIMINGS=()
phase() {
  PHASE_NAME="$1"
  PHASE_T0="$EPOCHREALTIME"
  echo
  echo "=== $PHASE_NAME"
}
phase_end() {
  local secs
  secs="$(awk -v a="$PHASE_T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')"
  echo "--- $PHASE_NAME: ${secs} s"
  TIMINGS+=("$(printf '%-22s %7s s' "$PHASE_NAME" "$secs")")
}

COMMIT="$(cd "$REPO" && git rev-parse --short HEAD 2>/dev/null || echo unknown)"
if [[ -n "$(cd "$REPO" && git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then
  COMMIT="$COMMIT (with uncommitted changes)"
fi
CPU_MODEL="$(grep -m1 '^model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
CPU_MODEL="$CPU_MODEL (family $(grep -m1 '^cpu family' /proc/cpuinfo | cut -d: -f2 | tr -d ' ')"
CPU_MODEL="$CPU_MODEL, model $(grep -m1 '^model[[:space:]]*:' /proc/cpuinfo | cut -d: -f2 | tr -d ' '))"
echo "ADVI benchmark: $CPU_MODEL, $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)" \
  "(1/5/15 min); $(date '+%Y-%m-%d %H:%M %Z'); commit $COMMIT"

# ---- 1. virtualenv with pinned versions; re-installed when requirements.txt changes
phase "python environment"
REQ="$HERE/requirements.txt"
STAMP="$VENV/.advi-requirements.sha256"
want="$(sha256sum "$REQ" | cut -d' ' -f1)"
if [[ ! -x "$PY" ]]; then
  # The pinned jax, numpyro, numpy and scikit-learn need Python 3.11 or newer.
  if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "run.sh: needs python3 >= 3.11, found $(python3 --version 2>&1)" >&2
    exit 1
  fi
  echo "creating $VENV with $(python3 --version)"
  python3 -m venv "$VENV"
fi
if [[ ! -f "$STAMP" || "$(cat "$STAMP")" != "$want" ]]; then
  echo "installing $REQ"
  "$PY" -m pip install --disable-pip-version-check --quiet -r "$REQ"
  echo "$want" > "$STAMP"
else
  echo "up to date ($VENV)"
fi
phase_end

# ---- 2. the data, standardised, as CSV (rewritten only if it would change)
phase "data"
mkdir -p "$DATA"
"$PY" "$HERE/make_data.py" "$CSV"
phase_end

# ---- 3. NumPyro: SVI for both families, NUTS reference (cached)
phase "numpyro"
JAX_PLATFORMS=cpu "$PY" "$HERE/numpyro_logistic.py" \
  --csv "$CSV" --target target --steps "$STEPS" --lr "$LR" \
  --json "$NUMPYRO_JSON" --nuts-cache "$NUTS_CACHE" "$@"
phase_end

# ---- 4. our side; a failure is reported by compare.py, not fatal here
phase "ours"
rm -f "$OURS_JSON"
echo "\$ $OURS_CMD"
ours_status=0
(cd "$REPO" && eval "$OURS_CMD") || ours_status=$?
if [[ $ours_status -ne 0 ]]; then
  echo "our side FAILED with exit status $ours_status"
fi
phase_end

# ---- 5. the default fits, whole processes: ours against NumPyro's SVI, interleaved
phase "default fits, wall time"
rm -f "$WALL_JSON"
wall_status=0
if ! (cd "$REPO" && swift build -c release --product advi > "$DATA/build_advi.log" 2>&1); then
  wall_status=1
  echo "building advi FAILED; see $DATA/build_advi.log"
else
  tail -n 1 "$DATA/build_advi.log"
  ADVI="$(cd "$REPO" && swift build -c release --show-bin-path)/advi"
  "$PY" "$HERE/wall_times.py" --advi "$ADVI" --python "$PY" \
    --numpyro-script "$HERE/numpyro_logistic.py" --csv "$CSV" --data-dir "$DATA" \
    --steps "$STEPS" --lr "$LR" --draws "$DRAWS" --rounds "$ROUNDS" --json "$WALL_JSON" \
    || wall_status=$?
fi
if [[ $wall_status -ne 0 ]]; then
  echo "some timed process FAILED (exit status $wall_status); see $DATA/wall_*.log"
fi
phase_end

# ---- 6. side by side
phase "compare"
compare_status=0
wall_args=()
if [[ -f "$WALL_JSON" ]]; then
  wall_args=(--wall "$WALL_JSON")
fi
"$PY" "$HERE/compare.py" --numpyro "$NUMPYRO_JSON" --ours "$OURS_JSON" \
  --ours-exit "$ours_status" --ours-command "$OURS_CMD" --csv "$CSV" --commit "$COMMIT" \
  "${wall_args[@]}" || compare_status=$?
phase_end

echo
echo "Timings:"
printf '  %s\n' "${TIMINGS[@]}"
echo "Results: $NUMPYRO_JSON, $OURS_JSON, $WALL_JSON," \
  "$DATA/{ours_default,numpyro_svi}_*.json; NUTS cache: $NUTS_CACHE"
exit "$compare_status"
