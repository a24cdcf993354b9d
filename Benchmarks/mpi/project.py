"""The table of Benchmarks/mpi/run.sh: measured speeds, and a ring all-reduce projection.

Reads metrics.jsonl of the runs np1-R and np2-R (R = 1..rounds) in the scratch directory. The
projection is weak scaling at the measured per-process batch (64 images, the share of one of
two processes in a batch of 128): every process keeps its compute time c per step (measured,
the step time of the two-process run less its all-reduce time), and a step adds the time of a
ring all-reduce of the gradient, G bytes (the default MLP's 652,824 Float parameters, plus the
three loss terms), over N processes:

    T(N) = 2 (N - 1) a + 2 (N - 1) / N * G / b

with link bandwidth b and per-message latency a: 10 Gbit/s Ethernet (b = 1.25 GB/s, a = 25 us)
and 100 Gbit/s InfiniBand (b = 12.5 GB/s, a = 3 us). No overlap of the all-reduce with the
backward pass (the implementation does not overlap), one process per node.
"""

import json
import statistics
import sys

PARAMETERS = 784 * 400 + 400 + 400 * 40 + 40 + 20 * 400 + 400 + 400 * 784 + 784
GRADIENT_BYTES = 4 * (PARAMETERS + 3)
NETWORKS = [("10 Gbit/s", 1.25e9, 25e-6), ("100 Gbit/s", 12.5e9, 3e-6)]


def metrics(directory):
    with open(directory + "/metrics.jsonl") as lines:
        return json.loads(lines.readline())


def main():
    scratch, rounds = sys.argv[1], int(sys.argv[2])
    one = [metrics(f"{scratch}/np1-{r}") for r in range(1, rounds + 1)]
    two = [metrics(f"{scratch}/np2-{r}") for r in range(1, rounds + 1)]
    steps = two[0]["allreduce_calls"]
    one_rate = statistics.median(m["samples_per_second"] for m in one)
    two_rate = statistics.median(m["samples_per_second"] for m in two)
    step_one = statistics.median(m["seconds"] for m in one) / steps
    step_two = statistics.median(m["seconds"] for m in two) / steps
    allreduce = statistics.median(m["allreduce_seconds"] for m in two) / steps
    compute = step_two - allreduce
    print()
    print(f"{'':34}{'-np 1 x 2 threads':>20}{'-np 2 x 1 thread':>20}")
    print(f"{'images/s (median of ' + str(rounds) + ')':34}{one_rate:>20.0f}{two_rate:>20.0f}")
    print(f"{'ms per step (batch 128)':34}{1e3 * step_one:>20.2f}{1e3 * step_two:>20.2f}")
    print(f"{'ms of all-reduce per step':34}{'':>20}{1e3 * allreduce:>20.2f}")
    print(f"{'test negative ELBO':34}{statistics.median(m['test_negative_elbo'] for m in one):>20.2f}"
          f"{statistics.median(m['test_negative_elbo'] for m in two):>20.2f}")
    print(f"ratio (-np 2) / (-np 1) of images/s: {two_rate / one_rate:.2f}")
    print()
    print(f"gradient per step: {GRADIENT_BYTES / 1e6:.2f} MB; compute per step and process "
          f"(64 images, one thread): {1e3 * compute:.2f} ms")
    print(f"{'processes':>10}" + "".join(f"{name + ' ms/step':>22}{'images/s':>12}{'efficiency':>12}"
                                         for name, _, _ in NETWORKS))
    for n in (8, 32, 128):
        row = f"{n:>10}"
        for _, bandwidth, latency in NETWORKS:
            ring = 2 * (n - 1) * latency + 2 * (n - 1) / n * GRADIENT_BYTES / bandwidth
            step = compute + ring
            row += f"{1e3 * step:>22.2f}{n * 64 / step:>12.0f}{compute / step:>12.2f}"
        print(row)


if __name__ == "__main__":
    main()
