#!/usr/bin/env bash
# Online LDA side by side: `topics fit` against scikit-learn's LatentDirichletAllocation
# (learning_method="online", n_jobs=2) on Debian's long package descriptions.
#
#   Benchmarks/topics/run.sh [ROUNDS]        (default 3 rounds)
#
# Steps: (1) make the virtualenv Benchmarks/topics/.venv from requirements.txt if missing or
# out of date, (2) build `topics` (release), (3) export the prepared corpus (vocabulary, split,
# counts) with `topics export-corpus`, so that both sides fit the same training documents in
# the same order over the same vocabulary, (4) interleaved rounds: our fit, then
# scikit-learn's, same K, passes, minibatch size, step size and priors; round r starts both
# fits from seed r (the split stays that of seed 0), because one seed's topics say little: on
# this corpus the mean NPMI of our fit ranges over 0.08–0.13 across seeds; (5) scikit-learn's
# perplexity of our last model (a check that both compute the same bound), (6) the table
# (compare.py). Times are fit times (corpus reading excluded on both sides); both run under
# `nice -n 19` (the machines are shared). Needs the Translation-en lists: run
# `apt-get update -o Acquire::Languages=en` (or scripts/setup) as root first.
set -euo pipefail

ROUNDS="${1:-3}"
TOPICS=20
PASSES=10
BATCH=128
SEED=0

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
VENV="$HERE/.venv"
PY="$VENV/bin/python"
DATA="$HERE/.data"
mkdir -p "$DATA"

if [[ ! -x "$PY" ]] || ! cmp -s "$HERE/requirements.txt" "$VENV/requirements.txt"; then
  echo "=== virtualenv $VENV"
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q -r "$HERE/requirements.txt"
  cp "$HERE/requirements.txt" "$VENV/requirements.txt"
fi

echo "=== build"
(cd "$REPO" && nice -n 19 swift build -c release --product topics 2>&1 | tail -1)
TOPICS_BIN="$REPO/.build/release/topics"

echo "=== corpus"
nice -n 19 "$TOPICS_BIN" export-corpus --corpus debian-descriptions --seed "$SEED" \
  --output "$DATA/corpus"

for round in $(seq 1 "$ROUNDS"); do
  echo "=== round $round/$ROUNDS: ours"
  nice -n 19 "$TOPICS_BIN" fit --corpus debian-descriptions --topics "$TOPICS" \
    --passes "$PASSES" --batch-size "$BATCH" --seed "$SEED" --fit-seed "$round" \
    --output "$DATA/ours" \
    | grep -E "^(pass|held-out)"
  cp "$DATA/ours/metrics.json" "$DATA/ours-$round.json"
  cp "$DATA/ours/topics.txt" "$DATA/ours-topics.txt"
  echo "=== round $round/$ROUNDS: scikit-learn"
  nice -n 19 "$PY" "$HERE/sklearn_lda.py" --corpus "$DATA/corpus" --topics "$TOPICS" \
    --passes "$PASSES" --batch-size "$BATCH" --seed "$round" --jobs 2 > "$DATA/sklearn-$round.json"
  "$PY" -c "import json,sys; d=json.load(open(sys.argv[1])); print('fit %.1f s  perplexity %.1f  mean NPMI %.4f' % (d['fit_seconds'], d['held_out_perplexity'], d['mean_npmi']))" "$DATA/sklearn-$round.json"
done

echo "=== scikit-learn's perplexity of our model"
nice -n 19 "$PY" "$HERE/sklearn_lda.py" --corpus "$DATA/corpus" --topics "$TOPICS" \
  --our-model "$DATA/ours" > "$DATA/sklearn-of-ours.json"

"$PY" "$HERE/compare.py" "$DATA" "$ROUNDS"
