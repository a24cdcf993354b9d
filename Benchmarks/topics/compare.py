"""Prints the side-by-side table of Benchmarks/topics/run.sh from its .data directory."""
import json
import platform
import statistics
import sys


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main():
    data, rounds = sys.argv[1], int(sys.argv[2])
    ours = [json.load(open(f"{data}/ours-{r}.json")) for r in range(1, rounds + 1)]
    theirs = [json.load(open(f"{data}/sklearn-{r}.json")) for r in range(1, rounds + 1)]
    check = json.load(open(f"{data}/sklearn-of-ours.json"))
    our_time = statistics.median(o["fit_seconds"] for o in ours)
    their_time = statistics.median(t["fit_seconds"] for t in theirs)
    o, t = ours[-1], theirs[-1]
    print()
    print(f"CPU: {cpu_model()}")
    print(f"corpus: {o['training_documents']} training and {o['held_out_documents']} held-out "
          f"documents, {o['vocabulary_size']} words; K = {o['topics']}, {o['passes']} passes, "
          f"online, minibatches of 128, tau0 = 10, kappa = 0.7, alpha = eta = 1/K")
    print()
    print(f"{'':28}{'ours':>12}{'scikit-learn':>14}{'ratio':>10}")
    print(f"{'fit seconds (median)':28}{our_time:12.1f}{their_time:14.1f}"
          f"{our_time / their_time:10.3f}")
    print(f"{'fit seconds (rounds)':28}"
          f"{' '.join('%.1f' % x['fit_seconds'] for x in ours):>12}  "
          f"{' '.join('%.1f' % x['fit_seconds'] for x in theirs):>14}")
    our_cpu = statistics.median(x.get("fit_cpu_seconds") or float("nan") for x in ours)
    their_cpu = statistics.median(x.get("fit_cpu_seconds") or float("nan") for x in theirs)
    print(f"{'fit CPU seconds (median)':28}{our_cpu:12.1f}{their_cpu:14.1f}"
          f"{our_cpu / their_cpu:10.3f}")
    our_perplexity = statistics.mean(x["held_out_perplexity"] for x in ours)
    their_perplexity = statistics.mean(x["held_out_perplexity"] for x in theirs)
    our_npmi = statistics.mean(x["mean_npmi"] for x in ours)
    their_npmi = statistics.mean(x["mean_npmi"] for x in theirs)
    print(f"{'held-out perplexity (mean)':28}{our_perplexity:12.1f}{their_perplexity:14.1f}"
          f"{our_perplexity / their_perplexity:10.3f}")
    print(f"{'mean NPMI (mean of rounds)':28}{our_npmi:12.4f}{their_npmi:14.4f}"
          f"{our_npmi - their_npmi:+10.4f}")
    print()
    print("by round (fit seed = round):")
    for r, (x, y) in enumerate(zip(ours, theirs), start=1):
        print(f"  {r}: ours {x['fit_seconds']:6.1f} s ({x.get('fit_cpu_seconds') or 0:6.1f} CPU s)"
              f"  perplexity {x['held_out_perplexity']:7.1f}  NPMI {x['mean_npmi']:.4f}"
              f" | scikit-learn {y['fit_seconds']:6.1f} s ({y.get('fit_cpu_seconds') or 0:6.1f} CPU s)"
              f"  perplexity {y['held_out_perplexity']:7.1f}  NPMI {y['mean_npmi']:.4f}")
    print()
    print(f"scikit-learn's perplexity of our last model: {check['held_out_perplexity']:.4f} "
          f"(ours {o['held_out_perplexity']:.4f}); its NPMI of our topics: "
          f"{check['mean_npmi']:.4f}")
    print()
    print("bars (issue #18), on the means over rounds: perplexity within 2%:",
          "yes" if our_perplexity <= 1.02 * their_perplexity else "NO",
          "| NPMI at least scikit-learn's:", "yes" if our_npmi >= their_npmi else "NO",
          "| time <= 0.5x:", "yes" if our_time <= 0.5 * their_time else "NO")
    print()
    print("scikit-learn's topics (last round):")
    for index, words in enumerate(t["topics"]):
        print(f"  topic {index + 1}: {words}")


if __name__ == "__main__":
    main()
