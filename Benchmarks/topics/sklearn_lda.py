"""scikit-learn's online LDA on a corpus exported by `topics export-corpus`, for run.sh.

Reads DIR/corpus.safetensors (compressed sparse rows of the training and held-out documents,
the training rows in the order our fit visits them) and fits
`LatentDirichletAllocation(learning_method="online", n_jobs=2)` with the same K, passes,
minibatch size, step size and priors as `topics fit`; prints one JSON line: fit seconds,
held-out perplexity (`perplexity`), each topic's NPMI of its top 10 words on the held-out
documents (the definition of Sources/TopicModels/TopicCoherence.swift) and their mean. The CPU
seconds of the fit count this process and its joblib workers.

With --our-model DIR it instead loads our fitted λ (DIR/model.safetensors) into scikit-learn
and prints scikit-learn's perplexity and our NPMI definition for it: a check that both sides
compute the same numbers from the same model.
"""
import argparse
import json
import os
import struct
import time

import numpy as np
import scipy.sparse as sp
from scipy.special import psi
from sklearn.decomposition import LatentDirichletAllocation


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + length])
    body = data[8 + length :]
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        begin, end = entry["data_offsets"]
        dtype = {"F64": np.float64, "F32": np.float32}[entry["dtype"]]
        tensors[name] = np.frombuffer(body[begin:end], dtype=dtype).reshape(entry["shape"])
    return tensors


def matrix(tensors, name, columns):
    starts = tensors[f"{name}_row_starts"].astype(np.int64)
    terms = tensors[f"{name}_terms"].astype(np.int32)
    counts = tensors[f"{name}_counts"]
    return sp.csr_matrix((counts, terms, starts), shape=(len(starts) - 1, columns))


def children_cpu_seconds():
    """User + system CPU seconds of this process's live descendants (joblib's loky workers,
    which start with the fit's first parallel minibatch and outlive it)."""
    ticks = os.sysconf("SC_CLK_TCK")
    parents = {}
    times = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry)] = int(fields[1])
        times[int(entry)] = (int(fields[11]) + int(fields[12])) / ticks
    total = 0.0
    for pid in times:
        ancestor = parents.get(pid)
        while ancestor and ancestor != os.getpid():
            ancestor = parents.get(ancestor)
        if ancestor == os.getpid():
            total += times[pid]
    return total


def npmi(components, held_out, top=10):
    """Mean NPMI over pairs of each topic's top words, by document co-occurrence."""
    present = (held_out > 0).astype(np.float64).tocsc()
    documents = held_out.shape[0]
    scores = []
    for row in components:
        words = np.argsort(-row, kind="stable")[:top]
        columns = present[:, words]
        single = np.asarray(columns.sum(axis=0)).ravel()
        joint = (columns.T @ columns).toarray()
        total = 0.0
        pairs = 0
        for i in range(len(words)):
            for j in range(i + 1, len(words)):
                pairs += 1
                both = joint[i, j]
                if both == 0:
                    total += -1.0
                    continue
                p = both / documents
                if p >= 1:
                    total += 1.0
                    continue
                pmi = np.log(p / (single[i] / documents * single[j] / documents))
                total += pmi / -np.log(p)
        scores.append(total / pairs)
    return scores


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", required=True, help="directory of corpus.safetensors")
    parser.add_argument("--topics", type=int, default=20)
    parser.add_argument("--passes", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--our-model", help="a `topics fit` output directory to evaluate")
    args = parser.parse_args()

    tensors = read_safetensors(f"{args.corpus}/corpus.safetensors")
    with open(f"{args.corpus}/vocabulary.txt") as f:
        words = f.read().split("\n")[:-1]
    training = matrix(tensors, "training", len(words))
    held_out = matrix(tensors, "held_out", len(words))

    lda = LatentDirichletAllocation(
        n_components=args.topics, learning_method="online", max_iter=args.passes,
        batch_size=args.batch_size, learning_offset=10.0, learning_decay=0.7,
        n_jobs=args.jobs, random_state=args.seed)
    if args.our_model:
        lam = read_safetensors(f"{args.our_model}/model.safetensors")["topic_word"]
        lda.components_ = np.array(lam)
        lda.doc_topic_prior_ = 1.0 / args.topics
        lda.topic_word_prior_ = 1.0 / args.topics
        expectation = psi(lda.components_) - psi(lda.components_.sum(axis=1))[:, None]
        lda.exp_dirichlet_component_ = np.exp(expectation)
        lda.n_batch_iter_ = 1
        lda.n_features_in_ = len(words)
        seconds = 0.0
        cpu_seconds = 0.0
    else:
        start = time.perf_counter()
        cpu_start = time.process_time()
        lda.fit(training)
        seconds = time.perf_counter() - start
        cpu_seconds = time.process_time() - cpu_start + children_cpu_seconds()
    perplexity = lda.perplexity(held_out)
    coherence = npmi(lda.components_, held_out)
    print(json.dumps({
        "fit_seconds": seconds, "fit_cpu_seconds": cpu_seconds, "held_out_perplexity": perplexity,
        "coherence": coherence, "mean_npmi": float(np.mean(coherence)),
        "topics": [" ".join(words[i] for i in np.argsort(-row, kind="stable")[:10])
                   for row in lda.components_],
    }))


if __name__ == "__main__":
    main()
