#!/usr/bin/env python3
"""Write the breast-cancer data set as a CSV that both sides of the benchmark read.

scikit-learn ships the Wisconsin diagnostic breast-cancer data (569 rows, 30 features,
binary target) inside the package, so nothing is downloaded. Each feature is standardised
to zero mean and unit standard deviation (population sd, ddof = 0, as StandardScaler does).

Output: a header row with the 30 feature names sanitised to identifiers ("mean radius" ->
"mean_radius") followed by "target", then one row per case; target is 0 (malignant) or
1 (benign), as scikit-learn codes it. Floats are written with repr(), which round-trips
exactly, so every reader sees the same doubles.

The file is only rewritten when its content would change, and its SHA-256 is printed.

Usage: make_data.py OUT.csv
"""

import csv
import hashlib
import io
import os
import re
import sys

import numpy as np
from sklearn.datasets import load_breast_cancer


def sanitise(name):
    """Lower-case a feature name and turn every run of non-alphanumerics into '_'."""
    ident = re.sub(r"[^0-9a-zA-Z]+", "_", name.strip().lower()).strip("_")
    if not ident or ident[0].isdigit():
        ident = "f_" + ident
    return ident


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make_data.py OUT.csv")
    out_path = sys.argv[1]

    data = load_breast_cancer()
    x = np.asarray(data.data, dtype=np.float64)
    y = np.asarray(data.target, dtype=np.int64)
    assert x.shape == (569, 30) and y.shape == (569,)
    assert set(np.unique(y).tolist()) == {0, 1}

    names = [sanitise(n) for n in data.feature_names]
    assert len(set(names)) == len(names), "sanitised feature names collide"
    assert "target" not in names and "intercept" not in names

    # Standardise each column: zero mean, unit (population) standard deviation.
    x = (x - x.mean(axis=0)) / x.std(axis=0)

    # Build the CSV in memory so we can compare it with what is already on disk.
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(names + ["target"])
    for row, label in zip(x, y):
        writer.writerow([repr(float(v)) for v in row] + [int(label)])
    text = buf.getvalue()

    old = None
    if os.path.exists(out_path):
        with open(out_path, encoding="utf-8") as f:
            old = f.read()
    if old != text:
        os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
        tmp = out_path + ".tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, out_path)  # atomic: readers never see half a file
        state = "written"
    else:
        state = "unchanged"

    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    print(f"data: {out_path} ({state}): {x.shape[0]} rows, {x.shape[1]} standardised "
          f"features + target; {int(y.sum())} benign (1), {int((1 - y).sum())} malignant (0); "
          f"sha256 {digest[:16]}")


if __name__ == "__main__":
    main()
